import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ManagedClustersAgentPool } from '../../imports/aso/containerservice.azure.com';
import { checkString, DNS_SUBDOMAIN } from '../core/errors';
import { addReference } from '../core/references';
import { applyRemovalPolicy, RemovalPolicy } from '../core/removal-policy';
import { ASO_CREDENTIAL_FROM_ANNOTATION } from './aks/embedded';
import { checkKubernetesVersion } from './aks/managed-cluster-spec';
import { agentPoolSpec, AksNodePoolProps, validateNodePool } from './aks/node-pool';
import { ManagedCluster } from './managed-cluster';

/** Props of an {@link AgentPool}. */
export interface AgentPoolProps extends AksNodePoolProps {
  /** The ASO ManagedCluster the pool belongs to (its owner). */
  readonly cluster: ManagedCluster;
  /**
   * Kubernetes name of the ManagedClustersAgentPool object.
   * @default `<cluster name>-<pool name>`
   */
  readonly resourceName?: string;
  /**
   * Kubernetes version of the nodes, `v<major>.<minor>.<patch>`.
   * @default - the control plane's version
   */
  readonly kubernetesVersion?: string;
  /**
   * Secret with the ASO credential (`serviceoperator.azure.com/credential-from`).
   * @default - ASO's namespace or global credential
   */
  readonly credentialSecretName?: string;
  /**
   * What happens to the Azure node pool when this object is removed. Node pools hold no state, so
   * removing one deletes its VMs by default.
   * @default RemovalPolicy.DESTROY
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
export class AgentPool extends Construct {
  /** The ManagedClustersAgentPool's Kubernetes name. */
  public readonly name: string;
  /** The generated ASO object. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: AgentPoolProps) {
    super(scope, id);
    validateNodePool(this, '', props);
    this.name = checkString(this, 'resourceName', props.resourceName ?? `${props.cluster.name}-${props.name}`, DNS_SUBDOMAIN);
    const version = props.kubernetesVersion !== undefined ? checkKubernetesVersion(this, 'kubernetesVersion', props.kubernetesVersion) : undefined;
    this.resource = new ManagedClustersAgentPool(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: props.cluster.namespace,
        annotations: props.credentialSecretName ? { [ASO_CREDENTIAL_FROM_ANNOTATION]: props.credentialSecretName } : undefined,
      },
      spec: agentPoolSpec(props, { ownerName: props.cluster.name, includeCount: true, orchestratorVersion: version?.slice(1) }),
    });
    applyRemovalPolicy(this.resource, props.removalPolicy ?? RemovalPolicy.DESTROY);
    addReference(this, 'cluster', { apiGroup: 'containerservice.azure.com', kind: 'ManagedCluster', name: props.cluster.name, namespace: props.cluster.namespace });
  }
}
