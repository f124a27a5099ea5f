import { Construct } from 'constructs';
import { ManagedClustersAgentPool } from '../../imports/aso/containerservice.azure.com';
import { checkString, DNS_SUBDOMAIN } from '../core/errors';
import { addReference } from '../core/references';
import { applyRemovalPolicy, RemovalPolicy, removalPolicyOf } from '../core/removal-policy';
import { PlatformResource } from '../core/resource';
import { ISecretSource } from '../core/secret';
import { ASO_CREDENTIAL_FROM_ANNOTATION } from './aks/embedded';
import { credentialAnnotation } from './aso-resource';
import { scopeDefaults } from './context';
import { checkKubernetesVersion } from './aks/managed-cluster-spec';
import { agentPoolSpec, AksNodePoolProps, validateNodePool } from './aks/node-pool';
import { ManagedCluster } from './managed-cluster';

/** Props of an {@link AgentPool}. */
export interface AgentPoolProps extends AksNodePoolProps {
  /** The ASO ManagedCluster the pool belongs to (its owner). */
  readonly cluster: ManagedCluster;
  /**
   * `metadata.name` of the ManagedClustersAgentPool object.
   * @default `<cluster name>-<pool name>`
   */
  readonly kubernetesName?: string;
  /**
   * Kubernetes version of the nodes, `v<major>.<minor>.<patch>`.
   * @default - the control plane's version
   */
  readonly kubernetesVersion?: string;
  /**
   * The Secret ASO authenticates with for this pool (`serviceoperator.azure.com/credential-from`):
   * an `AsoCredential`, an `AsoCredential.fromName(...)` import, or the name of an existing Secret
   * in the cluster's namespace.
   * @default - the enclosing AsoCredentialScope's credential, else ASO's namespace or global credential
   */
  readonly credentialFrom?: ISecretSource | string;
  /**
   * What happens to the Azure node pool when this object is removed (Flux prune, ASO
   * reconcile-policy). The pool is part of its cluster: removing a retained cluster from the app
   * with its pools keeps the cluster, and pools deleted with it would drain and delete the nodes
   * running its workloads. So it follows the cluster, as the pools of `AksCluster` and the node
   * pools of a Crossplane composition do; to delete one pool of a kept cluster, set
   * `RemovalPolicy.DESTROY` (one synth) before removing it.
   * @default - the cluster's removal policy (RemovalPolicy.RETAIN unless the cluster sets another)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An additional node pool of an ASO {@link ManagedCluster} (`ManagedClustersAgentPool`), with the
 * same validation as `AksCluster` node pools (name rules, count or autoscaling, zones, taints).
 *
 * @example
 * new AgentPool(folder, 'gpu', {
 *   cluster: aks, name: 'gpu', vmSize: 'Standard_NC6s_v3',
 *   autoscaling: { min: 0, max: 3 }, taints: ['sku=gpu:NoSchedule'],
 * });
 */
export class AgentPool extends PlatformResource {
  /** The ASO ManagedClustersAgentPool object. */
  public readonly apiObject: ManagedClustersAgentPool;

  public constructor(scope: Construct, id: string, props: AgentPoolProps) {
    super(scope, id);
    validateNodePool(this, '', props);
    const name = checkString(this, 'kubernetesName', props.kubernetesName ?? `${props.cluster.name}-${props.name}`, DNS_SUBDOMAIN);
    const version = props.kubernetesVersion !== undefined ? checkKubernetesVersion(this, 'kubernetesVersion', props.kubernetesVersion) : undefined;
    const credential = credentialAnnotation(this, 'credentialFrom', props.credentialFrom ?? scopeDefaults(this)?.credential, props.cluster.namespace);
    this.apiObject = new ManagedClustersAgentPool(this, 'Resource', {
      metadata: {
        name,
        namespace: props.cluster.namespace,
        annotations: credential ? { [ASO_CREDENTIAL_FROM_ANNOTATION]: credential } : undefined,
      },
      // A cluster in your own virtual network: the pool's nodes in the cluster's subnet unless it names
      // another (AKS refuses a pool without a subnet there, see node-pool.ts `vnetSubnetId`).
      spec: agentPoolSpec(props, { ownerName: props.cluster.name, includeCount: true, orchestratorVersion: version?.slice(1), defaultSubnetId: props.cluster.vnetSubnetId }),
    });
    applyRemovalPolicy(this.apiObject, props.removalPolicy ?? removalPolicyOf(props.cluster.apiObject) ?? RemovalPolicy.RETAIN);
    addReference(this, 'cluster', { apiGroup: 'containerservice.azure.com', kind: 'ManagedCluster', name: props.cluster.name, namespace: props.cluster.namespace });
  }
}
