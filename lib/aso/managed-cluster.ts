import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ManagedCluster as L1ManagedCluster,
  ManagedClusterSpecAgentPoolProfiles,
  ManagedClusterSpecOperatorSpec,
} from '../../imports/aso/containerservice.azure.com';
import { IOidcIssuer } from '../core/cluster';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN } from '../core/errors';
import { ExportedValue } from '../core/exported-value';
import { addProvided, addReference } from '../core/references';
import { applyRemovalPolicy, RemovalPolicy } from '../core/removal-policy';
import { Folder } from '../gitops/folder';
import { ASO_CREDENTIAL_FROM_ANNOTATION } from './aks/embedded';
import { checkKubernetesVersion, managedClusterSpec, validateAksSettings } from './aks/managed-cluster-spec';
import { agentPoolSpec, AksNodePoolProps, validateNodePools } from './aks/node-pool';
import { AksClusterSettings } from './aks/settings';

/** Props of a standalone ASO {@link ManagedCluster}. */
export interface ManagedClusterProps extends AksClusterSettings {
  /** Kubernetes name of the ManagedCluster, also its Azure name (a DNS label). */
  readonly name: string;
  /**
   * Namespace of the ManagedCluster (and of its exports).
   * @default - the folder's namespace, else `default`
   */
  readonly namespace?: string;
  /**
   * Kubernetes name of the owning ASO `ResourceGroup` in the same namespace (e.g. the `name` of
   * this library's `ResourceGroup`, or one declared with `addProvided`). Checked at synth.
   */
  readonly resourceGroupName: string;
  /**
   * Kubernetes version, `v<major>.<minor>.<patch>` (written without the `v` as ASO expects).
   * @default - AKS default version
   */
  readonly kubernetesVersion?: string;
  /**
   * The node pools AKS creates the cluster with (`agentPoolProfiles`): at least one System pool.
   * Add more pools later as {@link AgentPool}s.
   */
  readonly nodePools: AksNodePoolProps[];
  /**
   * Secret with the ASO credential for this resource (`serviceoperator.azure.com/credential-from`).
   * @default - ASO's namespace or global credential
   */
  readonly credentialSecretName?: string;
  /**
   * What happens to the AKS cluster when this object is removed from the app.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An AKS cluster managed directly by Azure Service Operator (`containerservice.azure.com`
 * ManagedCluster), with the same typed model and secure defaults as CAPZ's `AksCluster`: Entra ID
 * with Azure RBAC, no local accounts, OIDC issuer + workload identity, patch auto-upgrade and
 * NodeImage OS channel, Azure Policy, Azure CNI overlay + Cilium. Retained by default.
 *
 * Escape hatch: `cluster.resource.addJsonPatch(JsonPatch.add('/spec/...', value))`.
 *
 * @example
 * const rg = new ResourceGroup(folder, 'rg', { name: 'rg-aks-dev', location: 'westeurope' });
 * const aks = new ManagedCluster(folder, 'aks', {
 *   name: 'aks-dev', location: 'westeurope', resourceGroupName: rg.resourceName, kubernetesVersion: 'v1.33.2',
 *   nodePools: [{ name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5', count: 3 }],
 * });
 * new AgentPool(folder, 'apps', { cluster: aks, name: 'apps', vmSize: 'Standard_D8s_v5', autoscaling: { min: 1, max: 10 } });
 */
export class ManagedCluster extends Construct implements IOidcIssuer {
  /** The ManagedCluster's Kubernetes (and Azure) name. */
  public readonly name: string;
  /** Its namespace. */
  public readonly namespace: string;
  /** The generated ASO object. */
  public readonly resource: ApiObject;
  /**
   * The OIDC issuer URL, exported by ASO to the ConfigMap `<name>-oidc` (key `issuer`) once used.
   * Undefined when the OIDC issuer is off.
   */
  public readonly oidcIssuerExport?: ExportedValue;
  private exportOidc = false;

  public constructor(scope: Construct, id: string, props: ManagedClusterProps) {
    super(scope, id);
    this.name = checkString(this, 'name', props.name, DNS_LABEL);
    this.namespace = props.namespace ?? Folder.of(this).namespace ?? 'default';
    checkString(this, 'namespace', this.namespace, DNS_LABEL);
    checkString(this, 'resourceGroupName', props.resourceGroupName, DNS_SUBDOMAIN);
    const version = props.kubernetesVersion !== undefined ? checkKubernetesVersion(this, 'kubernetesVersion', props.kubernetesVersion) : undefined;
    const network = validateAksSettings(this, props);
    validateNodePools(this, 'nodePools', props.nodePools);

    const oidc = props.oidcIssuer ?? true;
    const exportName = `${this.name}-oidc`;
    if (oidc) {
      this.oidcIssuerExport = new ExportedValue(
        () => ({ kind: 'ConfigMap', name: exportName, namespace: this.namespace, key: 'issuer' }),
        () => { this.exportOidc = true; },
      );
      addProvided(this, { apiGroup: '', kind: 'ConfigMap', name: exportName, namespace: this.namespace });
    }

    const profiles: ManagedClusterSpecAgentPoolProfiles[] = props.nodePools.map((p) => {
      const { azureName, owner, ...rest } = agentPoolSpec(p, {
        ownerName: this.name,
        includeCount: true,
        orchestratorVersion: version?.slice(1),
        defaultSubnetId: props.network?.vnetSubnetId,
      });
      void owner;
      return { name: azureName, ...rest } as unknown as ManagedClusterSpecAgentPoolProfiles;
    });
    const spec = managedClusterSpec(props, {
      name: this.name,
      resourceGroupName: props.resourceGroupName,
      network,
      kubernetesVersion: version?.slice(1),
    });
    const operatorSpec = Lazy.any({
      produce: (): ManagedClusterSpecOperatorSpec | undefined =>
        this.exportOidc ? { configMaps: { oidcIssuerProfile: { name: exportName, key: 'issuer' } } } : undefined,
    }) as unknown as ManagedClusterSpecOperatorSpec;
    this.resource = new L1ManagedCluster(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        annotations: props.credentialSecretName ? { [ASO_CREDENTIAL_FROM_ANNOTATION]: props.credentialSecretName } : undefined,
      },
      spec: { ...spec, agentPoolProfiles: profiles, operatorSpec },
    });
    applyRemovalPolicy(this.resource, props.removalPolicy ?? RemovalPolicy.RETAIN);
    addReference(this, 'resourceGroupName', { apiGroup: 'resources.azure.com', kind: 'ResourceGroup', name: props.resourceGroupName, namespace: this.namespace });
  }
}
