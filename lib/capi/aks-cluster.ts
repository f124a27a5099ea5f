import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ManagedCluster as AsoManagedCluster, ManagedClustersAgentPool, ManagedClusterSpecOperatorSpec } from '../../imports/aso/containerservice.azure.com';
import { RoleAssignment as AsoRoleAssignment, RoleAssignmentSpecPrincipalType } from '../../imports/aso/authorization.azure.com';
import { ResourceGroup as AsoResourceGroup } from '../../imports/aso/resources.azure.com';
import { Cluster, MachinePool } from '../../imports/capi/cluster.x-k8s.io';
import {
  AzureAsoManagedCluster,
  AzureAsoManagedControlPlane,
  AzureAsoManagedMachinePool,
} from '../../imports/capz/infrastructure.cluster.x-k8s.io';
import { embeddedAsoAnnotations } from '../aso/aks/embedded';
import { checkKubernetesVersion, managedClusterSpec, ResolvedAksNetwork, resolveUpgradeChannel, validateAksSettings, VersionOwnership } from '../aso/aks/managed-cluster-spec';
import { agentPoolSpec, AksNodePoolProps, DEFAULT_NODE_COUNT, validateNodePool, validateNodePools } from '../aso/aks/node-pool';
import { JsonOverrides } from '../aso/aks/overrides';
import { AksClusterSettings } from '../aso/aks/settings';
import { roleDefinitionArmId } from '../core/azure-roles';
import { IOidcIssuer } from '../core/cluster';
import { checkLabels, propError } from '../core/errors';
import { ExportedValue } from '../core/exported-value';
import { addProvided, addReference, refOf } from '../core/references';
import { RemovalPolicy } from '../core/removal-policy';
import { ISecretSource, resolveSecret } from '../core/secret';
import { AksAzureLocation, CapiCluster, checkClusterName, resolveNamespace } from './capi-cluster';
import { checkGrantedOutside, checkKubeconfigAccess, isGrantedOutside, kubeconfigAccessMissing, type KubeconfigAccessGrantedOutside } from './kubeconfig-access';
import { autoscaledPoolAnnotations, INFRA_GROUP } from './constants';

/** The Azure resource group of an {@link AksCluster}. */
export interface AksResourceGroupProps {
  /**
   * Azure name of the resource group.
   * @default - the cluster name
   */
  readonly name?: string;
  /**
   * The resource group exists already and is not managed by this cluster: it is embedded with the
   * ASO reconcile policy `skip` (observed, never changed or deleted).
   * @default false (CAPZ creates it, and the cluster's removal policy applies)
   */
  readonly existing?: boolean;
}

/**
 * The Azure role that lets the identity of the cluster's ASO credential use the `<name>-kubeconfig`
 * CAPZ writes when local accounts are disabled (see {@link AksCluster.grantKubeconfigAccess}).
 */
export interface AksKubeconfigAccessProps {
  /**
   * Object id of the identity of the ASO credential the cluster's resources use
   * (`credentialFrom`, else ASO's namespace or global credential): CAPZ requests the
   * Entra ID token it puts in `<name>-kubeconfig` with that credential.
   */
  readonly principalId: string;
  /** Subscription of the cluster (the role definition's ARM id is under it). */
  readonly subscriptionId: string;
  /**
   * Kind of principal.
   * @default 'ServicePrincipal' (a managed identity or app registration)
   */
  readonly principalType?: 'ServicePrincipal' | 'Group' | 'User';
  /**
   * The role assigned on the AKS cluster. Cluster API (nodes, MachinePool status) and Flux
   * hydration through `<name>-kubeconfig` act as this identity on the workload cluster.
   * @default AzureBuiltInRole.AKS_RBAC_CLUSTER_ADMIN ("Azure Kubernetes Service RBAC Cluster Admin")
   */
  readonly roleDefinitionId?: string;
  /**
   * Secret (in the cluster's namespace) with the ASO credential that creates the role assignment:
   * it needs `Microsoft.Authorization/roleAssignments/write` on the cluster (Owner, User Access
   * Administrator or Role Based Access Control Administrator), which CAPZ's own identity usually
   * lacks. A string is the name of a Secret managed outside the app.
   * @default - the cluster's `credentialFrom`
   */
  readonly credentialFrom?: ISecretSource | string;
}

/** Props of an {@link AksCluster}. */
export interface AksClusterProps extends AksClusterSettings {
  /** Cluster name: the CAPI Cluster, the CAPZ objects and the AKS cluster in Azure (a DNS label). */
  readonly name: string;
  /**
   * Namespace of every object of the cluster (and of its kubeconfig Secret).
   * @default - the folder's namespace, else `default`
   */
  readonly namespace?: string;
  /**
   * Kubernetes version, `v<major>.<minor>.<patch>` (the control plane's and the pools'). One owner
   * of the version: when set, CAPZ owns it (it copies `spec.version` into the ManagedCluster and
   * `spec.template.spec.version` into each agent pool), so AKS's Kubernetes auto-upgrade is off by
   * default (`upgradeChannel: none`; `node-image` allowed) and `patch`/`stable`/`rapid` are errors.
   * Leave it unset to let AKS own the version through `upgradeChannel` (default `patch`): no
   * `spec.version` is written, AKS picks its default version at creation.
   * @default - none: AKS owns the version
   */
  readonly kubernetesVersion?: string;
  /**
   * Secret (in the cluster's namespace) holding the ASO credential of the target subscription,
   * set as `serviceoperator.azure.com/credential-from` on every embedded ASO resource. A string is
   * the name of a Secret managed outside the app.
   * @default - ASO's namespace-scoped or global credential
   */
  readonly credentialFrom?: ISecretSource | string;
  /**
   * The resource group.
   * @default - a new resource group named after the cluster
   */
  readonly resourceGroup?: AksResourceGroupProps;
  /** Node pools: at least one System pool. More with {@link AksCluster.addNodePool}. */
  readonly nodePools: AksNodePoolProps[];
  /**
   * What happens to the AKS cluster and its resource group when the cluster is removed from the
   * app. `RETAIN`: Flux does not prune the CAPI Cluster, AzureASOManagedCluster,
   * AzureASOManagedControlPlane, nor the MachinePools and AzureASOManagedMachinePools of its node
   * pools, and the embedded ResourceGroup, ManagedCluster and agent pools carry ASO's
   * `detach-on-delete`, so even a deleted CAPI cluster leaves AKS and its node pools running. CAPZ refuses to pause a cluster whose
   * embedded resources carry a reconcile policy of their own other than `skip` (mutators `Pause`:
   * Incompatible, a terminal error), so with `RETAIN` setting `spec.paused` and `clusterctl move`
   * (which pauses the clusters and waits for CAPZ to drop `clusterctl.cluster.x-k8s.io/block-move`)
   * fail: switch to `DESTROY` for the move (the Cluster objects stay retained by Flux), then back.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Labels of the CAPI Cluster (e.g. for `ClusterResourceSet` selectors).
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * The environment the cluster belongs to (dev, test, prod...), written as the Cluster's label
   * `platform.cdk8s.io/environment`.
   * @default - none
   */
  readonly environment?: string;
  /**
   * Grant the identity of the cluster's ASO credential the AKS data-plane role it needs when local
   * accounts are disabled (see {@link AksCluster.grantKubeconfigAccess}). Required while local
   * accounts are disabled (unless `grantKubeconfigAccess` is called): a grant, or
   * `{ grantedOutside: '<where the role comes from>' }` when the identity has a role given outside
   * the app (on the subscription; its group in `adminGroupObjectIds`).
   * @default - none: a synth error while local accounts are disabled
   */
  readonly kubeconfigAccess?: AksKubeconfigAccessProps | KubeconfigAccessGrantedOutside;
}

/**
 * An AKS cluster provisioned by Cluster API + CAPZ with the `AzureASOManaged*` API (CAPZ's
 * `aks-aso` flavor): a CAPI v1beta2 `Cluster`, an `AzureASOManagedCluster` embedding the ASO
 * `ResourceGroup`, an `AzureASOManagedControlPlane` embedding a typed ASO `ManagedCluster`, and per
 * node pool a `MachinePool` + `AzureASOManagedMachinePool` embedding a `ManagedClustersAgentPool`.
 *
 * Secure defaults (each overridable, opt-outs recorded): Entra ID with Azure RBAC, local accounts
 * disabled (so ASO exports the user kubeconfig to `<name>-user-kubeconfig`, CAPZ writes the CAPI
 * `<name>-kubeconfig` with an Entra token of the ASO credential's identity, which needs an AKS
 * data-plane role: {@link AksCluster.grantKubeconfigAccess}), OIDC issuer + workload identity, node
 * OS `NodeImage`, Azure Policy, Azure CNI overlay + Cilium, retained on removal.
 *
 * Controllers that would fight are kept apart: with `kubernetesVersion` CAPZ owns the version and
 * AKS's Kubernetes auto-upgrade is off (`upgradeChannel` `none`; `patch`/`stable`/`rapid` are
 * errors); without it AKS owns the version (auto-upgrade `patch`). Autoscaled pools leave
 * `spec.replicas` unset so AKS's autoscaler owns the count.
 *
 * Escape hatch for ManagedCluster fields the model does not cover:
 * `aks.addManagedClusterOverride('spec.networkProfile.loadBalancerSku', 'standard')`.
 *
 * @example
 * const aks = new AksCluster(folder, 'aks-dev', {
 *   name: 'aks-dev', location: 'westeurope', kubernetesVersion: 'v1.33.2', credentialFrom: 'aso-credential',
 *   nodePools: [{ name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5', count: 3 }],
 * });
 * aks.addNodePool({ name: 'user', vmSize: 'Standard_D8s_v5', autoscaling: { min: 1, max: 10 }, zones: ['1', '2', '3'] });
 */
export class AksCluster extends CapiCluster implements IOidcIssuer {
  /** The CAPI Cluster. */
  public readonly apiObject: ApiObject;
  /** The AzureASOManagedControlPlane (embeds the ManagedCluster). */
  public readonly controlPlane: ApiObject;
  /** The AzureASOManagedCluster (embeds the ResourceGroup). */
  public readonly infrastructure: ApiObject;
  /** The Azure resource group's name. */
  public readonly resourceGroupName: string;
  private readonly props: AksClusterProps;
  private readonly network: ResolvedAksNetwork;
  private readonly pools: AksNodePoolProps[] = [];
  private readonly overrides = new JsonOverrides();
  private readonly versionOwner: VersionOwnership;
  /** Name of the ASO credential Secret (`credentialFrom`), if any. */
  private readonly credential?: string;
  private grant?: AsoRoleAssignment;
  private grantSubscription?: string;
  private grantedOutside = false;
  private exportOidc = false;

  public constructor(scope: Construct, id: string, props: AksClusterProps) {
    super(scope, id, props.environment);
    this.props = props;
    const name = checkClusterName(this, props.name);
    const namespace = resolveNamespace(this, props.namespace);
    if (props.kubernetesVersion !== undefined) checkKubernetesVersion(this, 'kubernetesVersion', props.kubernetesVersion);
    this.versionOwner = {
      pinnedVersion: props.kubernetesVersion,
      pinnedBy: 'CAPZ (AzureASOManagedControlPlane spec.version)',
      versionProp: 'kubernetesVersion',
      canUnpin: true,
      clusterApi: true,
    };
    this.network = validateAksSettings(this, props, this.versionOwner);
    validateNodePools(this, 'nodePools', props.nodePools);
    if (props.credentialFrom !== undefined) this.credential = resolveSecret(this, 'credentialFrom', props.credentialFrom, { namespace, why: ASO_READS }).name;
    this.resourceGroupName = props.resourceGroup?.name ?? name;
    if (!/^[-\w._()]{1,90}$/.test(this.resourceGroupName) || this.resourceGroupName.endsWith('.')) {
      throw propError(this, 'resourceGroup.name', `"${this.resourceGroupName}" is invalid: must be 1-90 letters, digits, "-", "_", ".", "(" or ")", not ending with "."`);
    }
    checkLabels(this, 'labels', props.labels);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.apiObject = new Cluster(this, 'Cluster', {
      metadata: { name, namespace, labels: props.labels },
      spec: {
        clusterNetwork: clusterNetwork(props),
        controlPlaneRef: { apiGroup: INFRA_GROUP, kind: 'AzureASOManagedControlPlane', name },
        infrastructureRef: { apiGroup: INFRA_GROUP, kind: 'AzureASOManagedCluster', name },
      },
    });
    this.infrastructure = new AzureAsoManagedCluster(this, 'Infrastructure', {
      metadata: { name, namespace },
      spec: { resources: Lazy.any({ produce: () => [this.renderResourceGroup()] }) as unknown as unknown[] },
    });
    this.controlPlane = new AzureAsoManagedControlPlane(this, 'ControlPlane', {
      metadata: { name, namespace },
      spec: {
        ...(props.kubernetesVersion ? { version: props.kubernetesVersion } : {}),
        resources: Lazy.any({ produce: () => [this.renderManagedCluster()] }) as unknown as unknown[],
      },
    });
    this.coverRemoval(removalPolicy, this.apiObject, this.infrastructure, this.controlPlane);
    addReference(this, 'controlPlaneRef', refOf(this.controlPlane));
    addReference(this, 'infrastructureRef', refOf(this.infrastructure));

    let oidcIssuer: ExportedValue | undefined;
    if (props.oidcIssuer ?? true) {
      const cm = `${name}-oidc`;
      oidcIssuer = new ExportedValue(
        () => ({ kind: 'ConfigMap', name: cm, namespace, key: 'issuer' }),
        () => { this.exportOidc = true; },
      );
    }
    this.initCluster(oidcIssuer);
    if (this.disableLocalAccounts) addProvided(this, { apiGroup: '', kind: 'Secret', name: this.userKubeconfigSecretName, namespace });
    if (oidcIssuer) addProvided(this, { apiGroup: '', kind: 'ConfigMap', name: `${name}-oidc`, namespace });
    for (const pool of props.nodePools) this.createNodePool(pool);
    const access = props.kubeconfigAccess;
    if (isGrantedOutside(access)) {
      checkGrantedOutside(this, 'kubeconfigAccess', access, this.disableLocalAccounts);
      this.grantedOutside = true;
    }
    else if (access) this.grantKubeconfigAccess(access);
    else if (this.disableLocalAccounts) {
      const azureRbac = props.azureRbac ?? true;
      this.node.addValidation({ validate: () => (this.grant ? [] : [kubeconfigAccessMissing(azureRbac)]) });
    }
  }

  /**
   * With local accounts disabled (the default) there is no admin kubeconfig: ASO exports the Entra
   * ID user kubeconfig (`listClusterUserCredential`, which Contributor allows) and CAPZ replaces its
   * exec plugin with a token it requests with the cluster's ASO credential (CAPZ
   * `AzureASOManagedControlPlaneReconciler.reconcileKubeconfig`). Everything that uses
   * `<name>-kubeconfig` — Cluster API itself, Flux hydration, remote HelmReleases — then acts on
   * the workload cluster as that identity, which under Azure RBAC has no rights until it is given a
   * data-plane role. This renders an ASO `RoleAssignment` (authorization.azure.com) of
   * "Azure Kubernetes Service RBAC Cluster Admin" (by default) on the ManagedCluster to that identity.
   *
   * Throws when local accounts are enabled (CAPZ uses the admin credential) or Azure RBAC is off
   * (Azure role assignments do not authorize Kubernetes calls: put the identity's group in
   * `adminGroupObjectIds`).
   */
  public grantKubeconfigAccess(access: AksKubeconfigAccessProps): AsoRoleAssignment {
    const prop = 'kubeconfigAccess';
    if (this.grant) throw propError(this, prop, 'is already granted');
    if (this.grantedOutside) throw propError(this, prop, 'is declared granted outside the app (grantedOutside): drop that declaration to grant it here');
    const ids = checkKubeconfigAccess(this, prop, access, this.disableLocalAccounts, this.props.azureRbac ?? true);
    const credential = access.credentialFrom !== undefined
      ? resolveSecret(this, `${prop}.credentialFrom`, access.credentialFrom, { namespace: this.namespace, why: ASO_READS }).name
      : this.credential;
    const annotations = embeddedAsoAnnotations(AsoRoleAssignment.GVK.apiVersion, credential);
    this.grant = new AsoRoleAssignment(this, 'KubeconfigAccess', {
      metadata: { name: `${this.clusterName}-capz-kubeconfig-access`, namespace: this.namespace, ...(annotations ? { annotations } : {}) },
      spec: {
        // ASO derives a stable UUID azureName from the owner and the object name.
        owner: { group: 'containerservice.azure.com', kind: 'ManagedCluster', name: this.clusterName },
        principalId: ids.principalId,
        principalType: (access.principalType ?? 'ServicePrincipal') as RoleAssignmentSpecPrincipalType,
        roleDefinitionReference: { armId: roleDefinitionArmId(ids.subscriptionId, ids.roleDefinitionId) },
      },
    });
    this.coverRemoval(this.removalPolicy, this.grant);
    this.grantSubscription = ids.subscriptionId;
    return this.grant;
  }

  /** ASO's export of the Entra user kubeconfig (`<name>-user-kubeconfig`), without local accounts. */
  public override get exportedSecretNames(): readonly string[] {
    return this.disableLocalAccounts ? [this.userKubeconfigSecretName] : [];
  }

  /** Where the cluster's AKS cluster is in Azure, when its subscription is known (from `kubeconfigAccess`). */
  public override get azureLocation(): AksAzureLocation | undefined {
    return this.grantSubscription === undefined
      ? undefined
      : { subscriptionId: this.grantSubscription.toLowerCase(), resourceGroup: this.resourceGroupName.toLowerCase(), clusterName: this.clusterName.toLowerCase() };
  }

  /** Node pools of the cluster (props and added ones). */
  public get nodePools(): readonly AksNodePoolProps[] {
    return [...this.pools];
  }

  /**
   * Name of the Secret ASO writes the Entra ID user kubeconfig to when local accounts are
   * disabled (`<name>-user-kubeconfig`; CAPZ derives the CAPI `<name>-kubeconfig` from it).
   */
  public get userKubeconfigSecretName(): string {
    return `${this.clusterName}-user-kubeconfig`;
  }

  /** Adds a node pool (MachinePool + AzureASOManagedMachinePool). */
  public addNodePool(pool: AksNodePoolProps): void {
    const prop = `nodePools[${this.pools.length}]`;
    validateNodePool(this, prop, pool);
    if (this.pools.some((p) => p.name === pool.name)) throw propError(this, `${prop}.name`, `"${pool.name}" is used by another node pool`);
    this.createNodePool(pool);
  }

  /**
   * Sets (or with `undefined` deletes) a field of the embedded ASO ManagedCluster, for fields the
   * typed model does not cover: `addManagedClusterOverride('spec.networkProfile.loadBalancerSku', 'standard')`.
   * The result is still validated against the ManagedCluster schema at synth.
   */
  public addManagedClusterOverride(path: string, value: unknown): void {
    if (!JsonOverrides.parsePath(path)) {
      throw propError(this, 'addManagedClusterOverride.path', `"${path}" is invalid: must be a dot-separated path of non-empty keys such as "spec.networkProfile.loadBalancerSku" (escape a literal dot as "\\.")`);
    }
    this.overrides.addOverride(path, value);
  }

  private get disableLocalAccounts(): boolean {
    return (this.props.entraId ?? true) && (this.props.disableLocalAccounts ?? true);
  }

  private createNodePool(pool: AksNodePoolProps): void {
    const index = this.pools.length;
    this.pools.push(pool);
    const poolName = `${this.clusterName}-${pool.name}`;
    const { clusterName: name, namespace } = this;
    const spec = agentPoolSpec(pool, {
      ownerName: name,
      includeCount: false,
      defaultSubnetId: this.props.network?.vnetSubnetId,
    });
    const infra = new AzureAsoManagedMachinePool(this, `Pool-${pool.name}`, {
      metadata: { name: poolName, namespace },
      spec: { resources: Lazy.any({ produce: () => [AsoManagedClusterAgentPoolManifest(spec, poolName, this.credential, this.removalPolicy)] }) as unknown as unknown[] },
    });
    const machinePool = new MachinePool(this, `MachinePool-${pool.name}`, {
      metadata: {
        name: poolName,
        namespace,
        annotations: pool.autoscaling ? autoscaledPoolAnnotations(pool.autoscaling) : undefined,
      },
      spec: {
        clusterName: name,
        // Autoscaled pools: no spec.replicas, so Flux never owns the count AKS's autoscaler sets
        // (CAPZ copies it back into spec.replicas). CAPI's webhook seeds a new pool with the
        // autoscaler min-size annotation (AKS requires min <= count <= max) and keeps the live count.
        replicas: pool.autoscaling ? undefined : (pool.count ?? DEFAULT_NODE_COUNT),
        template: {
          spec: {
            bootstrap: { dataSecretName: '' },
            clusterName: name,
            infrastructureRef: { apiGroup: INFRA_GROUP, kind: 'AzureASOManagedMachinePool', name: poolName },
            ...(this.props.kubernetesVersion ? { version: this.props.kubernetesVersion } : {}),
          },
        },
      },
    });
    // The cluster's removal policy covers its pools: a retained cluster keeps its node pools too.
    this.coverRemoval(this.removalPolicy, machinePool, infra);
    addReference(this, `nodePools[${index}].clusterName`, this.toRef());
    addReference(this, `nodePools[${index}].infrastructureRef`, refOf(infra));
  }

  private renderResourceGroup(): Record<string, unknown> {
    const existing = this.props.resourceGroup?.existing ?? false;
    const apiVersion = AsoResourceGroup.GVK.apiVersion;
    const annotations = embeddedAsoAnnotations(apiVersion, this.credential, existing ? RemovalPolicy.SKIP : this.removalPolicy);
    // Kubernetes name = cluster name (as in CAPZ's flavor); the Azure name only when it differs.
    return AsoResourceGroup.manifest({
      metadata: { name: this.clusterName, ...(annotations ? { annotations } : {}) },
      spec: {
        location: this.props.location,
        azureName: this.resourceGroupName !== this.clusterName ? this.resourceGroupName : undefined,
      },
    });
  }

  private renderManagedCluster(): Record<string, unknown> {
    const apiVersion = AsoManagedCluster.GVK.apiVersion;
    const annotations = embeddedAsoAnnotations(apiVersion, this.credential, this.removalPolicy);
    const operatorSpec: ManagedClusterSpecOperatorSpec | undefined =
      this.disableLocalAccounts || this.exportOidc
        ? {
          secrets: this.disableLocalAccounts ? { userCredentials: { name: this.userKubeconfigSecretName, key: 'value' } } : undefined,
          configMaps: this.exportOidc ? { oidcIssuerProfile: { name: `${this.clusterName}-oidc`, key: 'issuer' } } : undefined,
        }
        : undefined;
    const spec = managedClusterSpec(this.props, {
      name: this.clusterName,
      resourceGroupName: this.clusterName,
      network: this.network,
      operatorSpec,
      upgradeChannel: resolveUpgradeChannel(this, this.props, this.versionOwner),
    });
    const obj = AsoManagedCluster.manifest({
      metadata: { name: this.clusterName, ...(annotations ? { annotations } : {}) },
      spec,
    });
    return this.overrides.applyTo(obj);
  }
}

const ASO_READS = 'ASO reads Secrets from the resource\'s namespace';

function AsoManagedClusterAgentPoolManifest(spec: ReturnType<typeof agentPoolSpec>, name: string, credential?: string, policy?: RemovalPolicy): Record<string, unknown> {
  const annotations = embeddedAsoAnnotations(ManagedClustersAgentPool.GVK.apiVersion, credential, policy);
  return ManagedClustersAgentPool.manifest({ metadata: { name, ...(annotations ? { annotations } : {}) }, spec });
}

function clusterNetwork(props: AksClusterProps) {
  const pods = props.network?.podCidr;
  const services = props.network?.serviceCidr;
  if (!pods && !services) return undefined;
  return {
    pods: pods ? { cidrBlocks: [pods] } : undefined,
    services: services ? { cidrBlocks: [services] } : undefined,
  };
}
