import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ManagedCluster as L1ManagedCluster,
  ManagedClusterSpecAgentPoolProfiles,
  ManagedClusterSpecOperatorSpec,
} from '../../imports/aso/containerservice.azure.com';
import { IOidcIssuer } from '../core/cluster';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { ExportedValue } from '../core/exported-value';
import { addProvided, addReference } from '../core/references';
import { applyRemovalPolicy, RemovalPolicy } from '../core/removal-policy';
import { PlatformResource, scopeNamespace } from '../core/resource';
import { ISecretSource } from '../core/secret';
import { ASO_CREDENTIAL_FROM_ANNOTATION } from './aks/embedded';
import { credentialAnnotation } from './aso-resource';
import { scopeDefaults } from './context';
import { checkKubernetesVersion, managedClusterSpec, validateAksSettings } from './aks/managed-cluster-spec';
import { agentPoolSpec, AksNodePoolProps, validateNodePools } from './aks/node-pool';
import { AksClusterSettings } from './aks/settings';

/** Props of a standalone ASO {@link ManagedCluster}. */
export interface ManagedClusterProps extends AksClusterSettings {
  /** Kubernetes name of the ManagedCluster, also its Azure name (a DNS label). */
  readonly name: string;
  /**
   * Namespace of the ManagedCluster (and of its exports).
   * @default - the enclosing AsoCredentialScope's namespace, else the folder's, else `default`
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
   * The Secret ASO authenticates with for this resource (`serviceoperator.azure.com/credential-from`):
   * an `AsoCredential`, an `AsoCredential.fromName(...)` import, or the name of an existing Secret
   * in the cluster's namespace (as every ASO construct's `credentialFrom`).
   * @default - the enclosing AsoCredentialScope's credential, else ASO's namespace or global credential
   */
  readonly credentialFrom?: ISecretSource | string;
  /**
   * What happens to the AKS cluster when this object is removed from the app.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Values a {@link ManagedCluster} exports (ASO `operatorSpec`), switched on by using their handle.
 */
export interface ManagedClusterExports {
  /**
   * The OIDC issuer URL: ConfigMap `<name>-oidc`, key `issuer`. Undefined when the OIDC issuer
   * is off.
   */
  readonly oidcIssuer?: ExportedValue;
  /**
   * The user kubeconfig (ASO `operatorSpec.secrets.userCredentials`): Secret `<name>-secrets`,
   * key `userCredentials`. With Entra ID (the default) it authenticates through `kubelogin`.
   */
  readonly userKubeconfig: ExportedValue;
  /**
   * The static admin kubeconfig (ASO `operatorSpec.secrets.adminCredentials`): Secret
   * `<name>-secrets`, key `adminCredentials`. Using it is an error while local accounts are
   * disabled (the default: Azure refuses to list admin credentials).
   */
  readonly adminKubeconfig: ExportedValue;
}

/**
 * An AKS cluster managed directly by Azure Service Operator (`containerservice.azure.com`
 * ManagedCluster), with the same typed model and secure defaults as CAPZ's `AksCluster`: Entra ID
 * with Azure RBAC, no local accounts, OIDC issuer + workload identity, patch auto-upgrade and
 * NodeImage OS channel, Azure Policy, Azure CNI overlay + Cilium. Retained by default.
 *
 * Escape hatch: `cluster.apiObject.addJsonPatch(JsonPatch.add('/spec/...', value))`.
 *
 * @example
 * const rg = new ResourceGroup(folder, 'rg', { name: 'rg-aks-dev', location: 'westeurope' });
 * const aks = new ManagedCluster(folder, 'aks', {
 *   name: 'aks-dev', location: 'westeurope', resourceGroupName: rg.name, kubernetesVersion: 'v1.33.2',
 *   nodePools: [{ name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5', count: 3 }],
 * });
 * new AgentPool(folder, 'apps', { cluster: aks, name: 'apps', vmSize: 'Standard_D8s_v5', autoscaling: { min: 1, max: 10 } });
 */
export class ManagedCluster extends PlatformResource implements IOidcIssuer {
  /** The ASO ManagedCluster object. */
  public readonly apiObject: L1ManagedCluster;
  /** Exported values. */
  public readonly exports: ManagedClusterExports;
  /**
   * ARM ID of the subnet of the cluster's nodes (`network.vnetSubnetId`), when the cluster is in
   * your own virtual network: the subnet of its {@link AgentPool}s that name none (AKS puts every
   * pool of a cluster in the same virtual network; a pool without a subnet is refused there).
   */
  public readonly vnetSubnetId?: string;
  private readonly _namespace: string;
  private exportOidc = false;
  private readonly secretsUsed = new Set<'adminCredentials' | 'userCredentials'>();

  public constructor(scope: Construct, id: string, props: ManagedClusterProps) {
    super(scope, id);
    const name = checkString(this, 'name', props.name, DNS_LABEL);
    this._namespace = checkString(this, 'namespace', props.namespace ?? scopeNamespace(this) ?? 'default', DNS_LABEL);
    checkString(this, 'resourceGroupName', props.resourceGroupName, DNS_SUBDOMAIN);
    const version = props.kubernetesVersion !== undefined ? checkKubernetesVersion(this, 'kubernetesVersion', props.kubernetesVersion) : undefined;
    const network = validateAksSettings(this, props);
    validateNodePools(this, 'nodePools', props.nodePools);
    this.vnetSubnetId = props.network?.vnetSubnetId;

    const oidc = props.oidcIssuer ?? true;
    const exportName = `${name}-oidc`;
    const secretName = `${name}-secrets`;
    const localAccounts = !((props.entraId ?? true) && (props.disableLocalAccounts ?? true));
    const secretExport = (key: 'adminCredentials' | 'userCredentials', guard?: () => void) => new ExportedValue(
      () => ({ kind: 'Secret', name: secretName, namespace: this._namespace, key }),
      () => {
        if (this.secretsUsed.has(key)) return;
        guard?.();
        if (this.secretsUsed.size === 0) addProvided(this, { apiGroup: '', kind: 'Secret', name: secretName, namespace: this._namespace });
        this.secretsUsed.add(key);
      },
    );
    this.exports = {
      oidcIssuer: oidc
        ? new ExportedValue(
          () => ({ kind: 'ConfigMap', name: exportName, namespace: this._namespace, key: 'issuer' }),
          () => { this.exportOidc = true; },
        )
        : undefined,
      userKubeconfig: secretExport('userCredentials'),
      adminKubeconfig: secretExport('adminCredentials', () => {
        if (!localAccounts) {
          throw propError(this, 'disableLocalAccounts', 'exports.adminKubeconfig is used, but local accounts are disabled (Azure refuses to list admin credentials); use exports.userKubeconfig (Entra ID)');
        }
      }),
    };
    if (oidc) addProvided(this, { apiGroup: '', kind: 'ConfigMap', name: exportName, namespace: this._namespace });

    const profiles: ManagedClusterSpecAgentPoolProfiles[] = props.nodePools.map((p) => {
      const { azureName, owner, ...rest } = agentPoolSpec(p, {
        ownerName: name,
        includeCount: true,
        orchestratorVersion: version?.slice(1),
        defaultSubnetId: props.network?.vnetSubnetId,
      });
      void owner;
      return { name: azureName, ...rest } as unknown as ManagedClusterSpecAgentPoolProfiles;
    });
    const spec = managedClusterSpec(props, {
      name,
      resourceGroupName: props.resourceGroupName,
      network,
      kubernetesVersion: version?.slice(1),
    });
    const operatorSpec = Lazy.any({
      produce: (): ManagedClusterSpecOperatorSpec | undefined => {
        const secrets = [...this.secretsUsed].sort();
        if (!this.exportOidc && secrets.length === 0) return undefined;
        return {
          configMaps: this.exportOidc ? { oidcIssuerProfile: { name: exportName, key: 'issuer' } } : undefined,
          secrets: secrets.length ? Object.fromEntries(secrets.map((k) => [k, { name: secretName, key: k }])) : undefined,
        };
      },
    }) as unknown as ManagedClusterSpecOperatorSpec;
    const credential = credentialAnnotation(this, 'credentialFrom', props.credentialFrom ?? scopeDefaults(this)?.credential, this._namespace);
    this.apiObject = new L1ManagedCluster(this, 'Resource', {
      metadata: {
        name,
        namespace: this._namespace,
        annotations: credential ? { [ASO_CREDENTIAL_FROM_ANNOTATION]: credential } : undefined,
      },
      spec: { ...spec, agentPoolProfiles: profiles, operatorSpec },
    });
    applyRemovalPolicy(this.apiObject, props.removalPolicy ?? RemovalPolicy.RETAIN);
    addReference(this, 'resourceGroupName', { apiGroup: 'resources.azure.com', kind: 'ResourceGroup', name: props.resourceGroupName, namespace: this._namespace });
  }

  /** Namespace of the ManagedCluster (known before the object is created). */
  public override get namespace(): string {
    return this._namespace;
  }
}
