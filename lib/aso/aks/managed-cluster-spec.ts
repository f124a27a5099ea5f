// The typed AKS model → ASO ManagedCluster spec: validation, secure defaults, opt-out records.
import { IConstruct } from 'constructs';
import {
  ManagedClusterSpec,
  ManagedClusterSpecAutoUpgradeProfileNodeOsUpgradeChannel,
  ManagedClusterSpecAutoUpgradeProfileUpgradeChannel,
  ManagedClusterSpecIdentityType,
  ManagedClusterSpecNetworkProfile,
  ManagedClusterSpecNetworkProfileNetworkDataplane,
  ManagedClusterSpecNetworkProfileNetworkPlugin,
  ManagedClusterSpecNetworkProfileNetworkPluginMode,
  ManagedClusterSpecNetworkProfileNetworkPolicy,
  ManagedClusterSpecNetworkProfileOutboundType,
  ManagedClusterSpecOperatorSpec,
  ManagedClusterSpecSkuTier,
} from '../../../imports/aso/containerservice.azure.com';
import { recordOptOut } from '../../core/baseline';
import { propError } from '../../core/errors';
import { containsAddress, ipv4ToNumber, overlaps, tryParseCidr } from '../cidr';
import { checkSubnetId } from './node-pool';
import {
  AksClusterSettings,
  AksNetworkDataplane,
  AksNetworkPlugin,
  AksNetworkPolicy,
  AksNodeOsUpgradeChannel,
  AksUpgradeChannel,
} from './settings';

/** Kubernetes versions: `v<major>.<minor>.<patch>`. */
export const KUBERNETES_VERSION = /^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;

/** Checks a Kubernetes version prop (`v1.33.2`). Returns it. */
export function checkKubernetesVersion(scope: IConstruct, prop: string, version: string): string {
  if (typeof version !== 'string' || !KUBERNETES_VERSION.test(version)) {
    throw propError(scope, prop, `"${version}" is invalid: must be v<major>.<minor>.<patch>, e.g. v1.33.2`);
  }
  return version;
}

const LOCATION = /^[a-z][a-z0-9]*$/;
const DNS_PREFIX = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,52}[a-zA-Z0-9])?$/;
/** An Azure / Entra ID GUID (object, tenant, subscription or role definition id), any case. */
export { AZURE_GUID } from '../../core/azure-roles';
import { AZURE_GUID } from '../../core/azure-roles';
const GUID = AZURE_GUID;

/** The network settings after defaults. */
export interface ResolvedAksNetwork {
  readonly plugin: AksNetworkPlugin;
  readonly overlay: boolean;
  readonly dataplane?: AksNetworkDataplane;
  readonly policy?: AksNetworkPolicy;
}

/**
 * Who owns the Kubernetes version of an AKS cluster. When a controller pins it (CAPZ copies
 * `AzureASOManagedControlPlane.spec.version` into the ManagedCluster's `kubernetesVersion`; a
 * ClusterClass topology sets `spec.version` from `spec.topology.version`), AKS's Kubernetes
 * auto-upgrade (`patch`, `stable`, `rapid`) must be off: AKS would upgrade the cluster, then ASO
 * would PUT the pinned (older) version back, a downgrade AKS refuses, and the ManagedCluster stops
 * reconciling. One owner: Git (bump the pinned version) or AKS (no pinned version).
 */
export interface VersionOwnership {
  /** The pinned version (`v1.33.2`), or a description of it for a template (`spec.topology.version`). */
  readonly pinnedVersion?: string;
  /** What pins it, for messages (e.g. `CAPZ (AzureASOManagedControlPlane spec.version)`). */
  readonly pinnedBy?: string;
  /** The prop that pins it, named in the fix (e.g. `kubernetesVersion`). */
  readonly versionProp?: string;
  /** Whether the version may be left unset (so AKS owns it), offered as a fix. @default false */
  readonly canUnpin?: boolean;
  /**
   * Whether Cluster API manages the cluster: its controllers reach the API server from the
   * management cluster (`apiServerAccess.managementIpRanges` is then required with authorized IP
   * ranges). @default false
   */
  readonly clusterApi?: boolean;
}

/** Upgrade channels that change the Kubernetes version. */
const VERSION_CHANNELS: readonly AksUpgradeChannel[] = [AksUpgradeChannel.PATCH, AksUpgradeChannel.STABLE, AksUpgradeChannel.RAPID];

/**
 * The Kubernetes auto-upgrade channel after defaults, checked against the version's owner (see
 * {@link VersionOwnership}): with a pinned version the default is `none` (Git owns the version;
 * `node-image` is allowed, it does not change the Kubernetes version) and a version-changing
 * channel is an error; without one the default is `patch` (AKS owns the version).
 */
export function resolveUpgradeChannel(scope: IConstruct, s: AksClusterSettings, owner?: VersionOwnership): AksUpgradeChannel {
  const pinned = owner?.pinnedVersion;
  if (pinned === undefined) return s.upgradeChannel ?? AksUpgradeChannel.PATCH;
  if (s.upgradeChannel !== undefined && VERSION_CHANNELS.includes(s.upgradeChannel)) {
    const prop = owner?.versionProp ?? 'kubernetesVersion';
    throw propError(scope, 'upgradeChannel',
      `"${s.upgradeChannel}" lets AKS upgrade Kubernetes while ${owner?.pinnedBy ?? 'CAPZ'} pins ${pinned}: the two fight (ASO writes ${pinned} back, a downgrade AKS refuses, and the cluster stops reconciling); ` +
      `leave upgradeChannel unset (Git owns the version: bump ${prop}) or use node-image${owner?.canUnpin ? `, or leave ${prop} unset so AKS owns the version` : ''}`);
  }
  return s.upgradeChannel ?? AksUpgradeChannel.NONE;
}

/**
 * Validates the cluster-wide settings (eagerly, in the constructor) and records the secure defaults
 * that were turned off. With `owner.pinnedVersion`, Kubernetes auto-upgrade is off by default and
 * `none` is not an opt-out (Git owns the version, see {@link resolveUpgradeChannel}).
 */
export function validateAksSettings(scope: IConstruct, s: AksClusterSettings, owner?: VersionOwnership): ResolvedAksNetwork {
  if (typeof s.location !== 'string' || !LOCATION.test(s.location)) {
    throw propError(scope, 'location', `"${s.location}" is invalid: must be an Azure region name such as westeurope (lowercase letters and digits)`);
  }
  if (s.dnsPrefix !== undefined && !DNS_PREFIX.test(s.dnsPrefix)) {
    throw propError(scope, 'dnsPrefix', `"${s.dnsPrefix}" is invalid: must be 1-54 letters, digits and "-", starting and ending with a letter or digit`);
  }
  const entraId = s.entraId ?? true;
  const azureRbac = s.azureRbac ?? true;
  const disableLocal = s.disableLocalAccounts ?? true;
  const oidc = s.oidcIssuer ?? true;
  const wi = s.workloadIdentity ?? true;
  if (!entraId && s.azureRbac === true) throw propError(scope, 'azureRbac', 'Azure RBAC requires entraId: true');
  if (!entraId && s.disableLocalAccounts === true) throw propError(scope, 'disableLocalAccounts', 'disabling local accounts requires entraId: true (nobody could sign in)');
  if (!oidc && s.workloadIdentity === true) throw propError(scope, 'workloadIdentity', 'workload identity requires oidcIssuer: true');
  for (const [i, g] of (s.adminGroupObjectIds ?? []).entries()) {
    if (!GUID.test(g)) throw propError(scope, `adminGroupObjectIds[${i}]`, `"${g}" is invalid: must be an Entra ID group object ID (a GUID)`);
  }
  if (s.adminGroupObjectIds?.length && !entraId) throw propError(scope, 'adminGroupObjectIds', 'admin groups require entraId: true');
  if (s.tenantId !== undefined && !GUID.test(s.tenantId)) throw propError(scope, 'tenantId', `"${s.tenantId}" is invalid: must be a GUID`);

  if (!entraId) recordOptOut(scope, 'aks.aadProfile.managed', 'false');
  if (entraId && !azureRbac) recordOptOut(scope, 'aks.aadProfile.enableAzureRBAC', 'false');
  if (!disableLocalAccounts(entraId, disableLocal)) recordOptOut(scope, 'aks.disableLocalAccounts', 'false');
  if (!oidc) recordOptOut(scope, 'aks.oidcIssuerProfile.enabled', 'false');
  if (!(oidc && wi)) recordOptOut(scope, 'aks.securityProfile.workloadIdentity.enabled', 'false');
  const channel = resolveUpgradeChannel(scope, s, owner);
  if (channel === AksUpgradeChannel.NONE && owner?.pinnedVersion === undefined) recordOptOut(scope, 'aks.autoUpgradeProfile.upgradeChannel', 'none');
  if (s.nodeOsUpgradeChannel === AksNodeOsUpgradeChannel.NONE || s.nodeOsUpgradeChannel === AksNodeOsUpgradeChannel.UNMANAGED) {
    recordOptOut(scope, 'aks.autoUpgradeProfile.nodeOsUpgradeChannel', s.nodeOsUpgradeChannel);
  }
  if (s.azurePolicy === false) recordOptOut(scope, 'aks.addonProfiles.azurepolicy.enabled', 'false');

  const access = s.apiServerAccess;
  for (const field of ['authorizedIpRanges', 'managementIpRanges'] as const) {
    for (const [i, r] of (access?.[field] ?? []).entries()) {
      const ok = tryParseCidr(r) !== undefined || ipv4ToNumber(r) !== undefined;
      if (!ok) throw propError(scope, `apiServerAccess.${field}[${i}]`, `"${r}" is invalid: must be an IPv4 address or CIDR without host bits`);
    }
  }
  if (access?.privateCluster && access.authorizedIpRanges?.length) {
    throw propError(scope, 'apiServerAccess', 'set either authorizedIpRanges or privateCluster, not both (a private API server has no public endpoint to restrict)');
  }
  if (access?.managementIpRanges?.length && !access.authorizedIpRanges?.length) {
    throw propError(scope, 'apiServerAccess.managementIpRanges',
      access.privateCluster
        ? 'a private API server has no public endpoint: the management cluster reaches it through a peered VNet and a private DNS zone link; leave managementIpRanges out'
        : 'is added to authorizedIpRanges, which are not set (the API server is reachable from anywhere): set authorizedIpRanges too, or leave managementIpRanges out');
  }
  if (owner?.clusterApi && access?.authorizedIpRanges?.length && !access.managementIpRanges?.length) {
    throw propError(scope, 'apiServerAccess.managementIpRanges',
      'is required with authorizedIpRanges: Cluster API reads the cluster through its API server (node references, machine pool readiness) and Flux hydrates it from the management cluster, ' +
        'which AKS refuses unless its outbound addresses are authorized (the cluster never becomes ready: kubernetes-sigs/cluster-api-provider-azure#3375); ' +
        'list the management cluster\'s outbound public IPs (its NAT gateway\'s or load balancer\'s)');
  }
  if (!access?.privateCluster && !access?.authorizedIpRanges?.length) recordOptOut(scope, 'aks.apiServerAccessProfile', 'public API server reachable from any IP');

  return validateNetwork(scope, s);
}

function disableLocalAccounts(entraId: boolean, disable: boolean): boolean {
  return entraId && disable;
}

function validateNetwork(scope: IConstruct, s: AksClusterSettings): ResolvedAksNetwork {
  const n = s.network ?? {};
  const plugin = n.plugin ?? AksNetworkPlugin.AZURE;
  const azure = plugin === AksNetworkPlugin.AZURE;
  if (n.overlay === true && !azure) throw propError(scope, 'network.overlay', `overlay mode requires plugin ${AksNetworkPlugin.AZURE}`);
  const overlay = n.overlay ?? azure;
  if (n.dataplane === AksNetworkDataplane.CILIUM && !azure) throw propError(scope, 'network.dataplane', `the Cilium dataplane requires plugin ${AksNetworkPlugin.AZURE}`);
  const dataplane = n.dataplane ?? (azure ? AksNetworkDataplane.CILIUM : undefined);
  if (n.policy === AksNetworkPolicy.CILIUM && dataplane !== AksNetworkDataplane.CILIUM) {
    throw propError(scope, 'network.policy', 'Cilium network policy requires the Cilium dataplane');
  }
  if (dataplane === AksNetworkDataplane.CILIUM && n.policy !== undefined && n.policy !== AksNetworkPolicy.CILIUM && n.policy !== AksNetworkPolicy.NONE) {
    throw propError(scope, 'network.policy', `${n.policy} network policy cannot be used with the Cilium dataplane (use cilium)`);
  }
  const policy = n.policy ?? (dataplane === AksNetworkDataplane.CILIUM ? AksNetworkPolicy.CILIUM : undefined);
  if (policy === AksNetworkPolicy.NONE) recordOptOut(scope, 'aks.networkProfile.networkPolicy', 'none');

  const pod = n.podCidr !== undefined ? tryParseCidr(n.podCidr) : undefined;
  if (n.podCidr !== undefined && !pod) throw propError(scope, 'network.podCidr', `"${n.podCidr}" is invalid: must be an IPv4 CIDR without host bits, e.g. 10.244.0.0/16`);
  if (n.podCidr !== undefined && azure && !overlay) throw propError(scope, 'network.podCidr', 'only used with overlay or kubenet networking (flat Azure CNI takes pod IPs from the subnet)');
  const svc = n.serviceCidr !== undefined ? tryParseCidr(n.serviceCidr) : undefined;
  if (n.serviceCidr !== undefined && !svc) throw propError(scope, 'network.serviceCidr', `"${n.serviceCidr}" is invalid: must be an IPv4 CIDR without host bits, e.g. 10.0.0.0/16`);
  if ((n.serviceCidr === undefined) !== (n.dnsServiceIp === undefined)) {
    throw propError(scope, n.serviceCidr === undefined ? 'network.serviceCidr' : 'network.dnsServiceIp', 'serviceCidr and dnsServiceIp must be given together');
  }
  if (pod && svc && overlaps(pod, svc)) throw propError(scope, 'network.serviceCidr', `"${n.serviceCidr}" overlaps podCidr "${n.podCidr}"`);
  if (svc && n.dnsServiceIp !== undefined) {
    const ip = ipv4ToNumber(n.dnsServiceIp);
    if (ip === undefined) throw propError(scope, 'network.dnsServiceIp', `"${n.dnsServiceIp}" is invalid: must be an IPv4 address`);
    if (!containsAddress(svc, ip) || ip === svc.first) {
      throw propError(scope, 'network.dnsServiceIp', `"${n.dnsServiceIp}" must be inside serviceCidr "${n.serviceCidr}" and not its first address`);
    }
  }
  if (n.vnetSubnetId !== undefined) checkSubnetId(scope, 'network.vnetSubnetId', n.vnetSubnetId);
  return { plugin, overlay: azure && overlay, dataplane, policy };
}

/** Options of {@link managedClusterSpec}. */
export interface ManagedClusterSpecOptions {
  /** The cluster's name (default DNS prefix). */
  readonly name: string;
  /** Kubernetes name of the owning ASO ResourceGroup. */
  readonly resourceGroupName: string;
  /** Network settings after defaults (from {@link validateAksSettings}). */
  readonly network: ResolvedAksNetwork;
  /** `kubernetesVersion` without `v` (standalone ASO only: CAPZ sets it from `spec.version`). */
  readonly kubernetesVersion?: string;
  /** ASO operatorSpec (exports). */
  readonly operatorSpec?: ManagedClusterSpecOperatorSpec;
  /** The upgrade channel from {@link resolveUpgradeChannel}. @default - `upgradeChannel`, else `patch` */
  readonly upgradeChannel?: AksUpgradeChannel;
}

/**
 * The ASO `ManagedCluster` spec (L1 shape) of validated settings, with the secure defaults
 * (see {@link AksClusterSettings}). Agent pools are not included (CAPZ adds them; the standalone
 * ManagedCluster sets `agentPoolProfiles` itself).
 */
export function managedClusterSpec(s: AksClusterSettings, opts: ManagedClusterSpecOptions): ManagedClusterSpec {
  const entraId = s.entraId ?? true;
  const azureRbac = entraId && (s.azureRbac ?? true);
  const oidc = s.oidcIssuer ?? true;
  const wi = oidc && (s.workloadIdentity ?? true);
  const n = s.network ?? {};
  const access = s.apiServerAccess;
  const networkProfile: ManagedClusterSpecNetworkProfile = {
    networkPlugin: opts.network.plugin as unknown as ManagedClusterSpecNetworkProfileNetworkPlugin,
    networkPluginMode: opts.network.overlay ? ManagedClusterSpecNetworkProfileNetworkPluginMode.OVERLAY : undefined,
    networkDataplane: opts.network.dataplane as unknown as ManagedClusterSpecNetworkProfileNetworkDataplane | undefined,
    networkPolicy: opts.network.policy as unknown as ManagedClusterSpecNetworkProfileNetworkPolicy | undefined,
    podCidr: n.podCidr,
    serviceCidr: n.serviceCidr,
    dnsServiceIp: n.dnsServiceIp,
    outboundType: n.outboundType as unknown as ManagedClusterSpecNetworkProfileOutboundType | undefined,
  };
  return {
    owner: { name: opts.resourceGroupName },
    location: s.location,
    dnsPrefix: s.dnsPrefix ?? opts.name,
    kubernetesVersion: opts.kubernetesVersion,
    identity: { type: ManagedClusterSpecIdentityType.SYSTEM_ASSIGNED },
    servicePrincipalProfile: { clientId: 'msi' },
    networkProfile,
    sku: s.skuTier ? { tier: s.skuTier as unknown as ManagedClusterSpecSkuTier } : undefined,
    aadProfile: entraId
      ? {
        managed: true,
        enableAzureRbac: azureRbac,
        adminGroupObjectIDs: s.adminGroupObjectIds?.length ? [...s.adminGroupObjectIds] : undefined,
        tenantId: s.tenantId,
      }
      : undefined,
    disableLocalAccounts: entraId && (s.disableLocalAccounts ?? true) ? true : undefined,
    oidcIssuerProfile: oidc ? { enabled: true } : undefined,
    securityProfile: wi ? { workloadIdentity: { enabled: true } } : undefined,
    autoUpgradeProfile: {
      upgradeChannel: (opts.upgradeChannel ?? s.upgradeChannel ?? AksUpgradeChannel.PATCH) as unknown as ManagedClusterSpecAutoUpgradeProfileUpgradeChannel,
      nodeOsUpgradeChannel: (s.nodeOsUpgradeChannel ?? AksNodeOsUpgradeChannel.NODE_IMAGE) as unknown as ManagedClusterSpecAutoUpgradeProfileNodeOsUpgradeChannel,
    },
    addonProfiles: (s.azurePolicy ?? true) ? { azurepolicy: { enabled: true } } : undefined,
    apiServerAccessProfile: access?.privateCluster
      ? { enablePrivateCluster: true }
      : access?.authorizedIpRanges?.length
        ? { authorizedIpRanges: [...new Set([...access.authorizedIpRanges, ...(access.managementIpRanges ?? [])])] }
        : undefined,
    tags: s.tags && Object.keys(s.tags).length > 0 ? { ...s.tags } : undefined,
    operatorSpec: opts.operatorSpec,
  };
}
