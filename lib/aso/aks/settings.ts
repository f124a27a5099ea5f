// Props of the typed AKS model: the cluster-wide settings shared by `AksCluster` (CAPZ) and the
// standalone ASO `ManagedCluster`, with their secure defaults.

/** AKS pricing tier (`sku.tier`). */
export enum AksSkuTier {
  /** No uptime SLA; for dev/test. */
  FREE = 'Free',
  /** Uptime SLA, larger control plane; for production. */
  STANDARD = 'Standard',
  /** Standard plus long-term support. */
  PREMIUM = 'Premium',
}

/** Kubernetes auto-upgrade channel (`autoUpgradeProfile.upgradeChannel`). */
export enum AksUpgradeChannel {
  /** Latest patch of the current minor version (the secure default). */
  PATCH = 'patch',
  /** Latest supported patch of minor N-1. */
  STABLE = 'stable',
  /** Latest supported patch of the latest minor. */
  RAPID = 'rapid',
  /** Node image only. */
  NODE_IMAGE = 'node-image',
  /** No automatic upgrades (an opt-out). */
  NONE = 'none',
}

/** Node OS upgrade channel (`autoUpgradeProfile.nodeOsUpgradeChannel`). */
export enum AksNodeOsUpgradeChannel {
  /** Weekly node image with OS security patches (the secure default). */
  NODE_IMAGE = 'NodeImage',
  /** OS security patches applied in place. */
  SECURITY_PATCH = 'SecurityPatch',
  /** OS updates by the OS itself (an opt-out). */
  UNMANAGED = 'Unmanaged',
  /** No OS updates (an opt-out). */
  NONE = 'None',
}

/** Network plugin (`networkProfile.networkPlugin`). */
export enum AksNetworkPlugin {
  /** Azure CNI (the default; with overlay mode). */
  AZURE = 'azure',
  /** kubenet (legacy). */
  KUBENET = 'kubenet',
  /** Bring your own CNI. */
  NONE = 'none',
}

/** Network dataplane (`networkProfile.networkDataplane`). */
export enum AksNetworkDataplane {
  /** Azure CNI powered by Cilium (the default). */
  CILIUM = 'cilium',
  /** Azure dataplane (iptables). */
  AZURE = 'azure',
}

/** Network policy engine (`networkProfile.networkPolicy`). */
export enum AksNetworkPolicy {
  /** Cilium (the default, requires the Cilium dataplane). */
  CILIUM = 'cilium',
  /** Azure network policy manager. */
  AZURE = 'azure',
  /** Calico. */
  CALICO = 'calico',
  /** No network policy enforcement (an opt-out). */
  NONE = 'none',
}

/** Outbound (egress) type (`networkProfile.outboundType`). */
export enum AksOutboundType {
  /** Standard load balancer (AKS default). */
  LOAD_BALANCER = 'loadBalancer',
  /** AKS-managed NAT gateway. */
  MANAGED_NAT_GATEWAY = 'managedNATGateway',
  /** Your NAT gateway on the subnet. */
  USER_ASSIGNED_NAT_GATEWAY = 'userAssignedNATGateway',
  /** Your route table (firewall). */
  USER_DEFINED_ROUTING = 'userDefinedRouting',
}

/** Network settings of an AKS cluster. */
export interface AksNetworkProps {
  /**
   * Network plugin.
   * @default AksNetworkPlugin.AZURE
   */
  readonly plugin?: AksNetworkPlugin;
  /**
   * Use Azure CNI overlay (pods get IPs from `podCidr`, not from the subnet). Only with the
   * `azure` plugin.
   * @default true with the azure plugin
   */
  readonly overlay?: boolean;
  /**
   * Dataplane. Cilium requires the azure plugin.
   * @default AksNetworkDataplane.CILIUM with the azure plugin, else none (AKS default)
   */
  readonly dataplane?: AksNetworkDataplane;
  /**
   * Network policy engine. `cilium` requires the Cilium dataplane.
   * @default AksNetworkPolicy.CILIUM with the Cilium dataplane, else none (AKS default)
   */
  readonly policy?: AksNetworkPolicy;
  /**
   * Pod CIDR (overlay / kubenet), an IPv4 block without host bits, not overlapping `serviceCidr`.
   * @default - AKS default (10.244.0.0/16)
   */
  readonly podCidr?: string;
  /**
   * Service CIDR, an IPv4 block without host bits; give it together with `dnsServiceIp`.
   * @default - AKS default (10.0.0.0/16)
   */
  readonly serviceCidr?: string;
  /**
   * Cluster DNS service IP: inside `serviceCidr`, not its first address.
   * @default - AKS default (10.0.0.10)
   */
  readonly dnsServiceIp?: string;
  /**
   * Egress type.
   * @default - AKS default (loadBalancer)
   */
  readonly outboundType?: AksOutboundType;
  /**
   * ARM ID of an existing subnet for the nodes (`/subscriptions/.../subnets/<name>`), used by every
   * node pool that does not set its own.
   * @default - AKS creates a VNet in the node resource group
   */
  readonly vnetSubnetId?: string;
}

/** API server access: authorized IP ranges or a private cluster. */
export interface AksApiServerAccessProps {
  /**
   * CIDRs allowed to reach the public API server.
   * @default - none (reachable from anywhere; recorded as an opt-out unless `privateCluster`)
   */
  readonly authorizedIpRanges?: string[];
  /**
   * The public addresses the management cluster reaches the API server from (its outbound IPs: its
   * NAT gateway's, or its load balancer's outbound IPs), added to `authorizedIpRanges`. Cluster
   * API's controllers read each workload cluster through its API server (node references and
   * machine pool readiness) and Flux hydrates it from there: left out, AKS refuses them and the
   * cluster never becomes ready (kubernetes-sigs/cluster-api-provider-azure#3375). Required with
   * `authorizedIpRanges` on a cluster Cluster API manages (`AksCluster`, `AksClusterClass`).
   * @default - none; with authorizedIpRanges on a Cluster API cluster, an error
   */
  readonly managementIpRanges?: string[];
  /**
   * Make the API server private (reachable from the VNet only).
   * @default false
   */
  readonly privateCluster?: boolean;
}

/**
 * Cluster-wide AKS settings shared by CAPZ `AksCluster` and the ASO `ManagedCluster`. Every
 * security-relevant setting has a secure default; turning one off is recorded with
 * `recordOptOut` for the secure-baseline report.
 */
export interface AksClusterSettings {
  /** Azure region, e.g. `westeurope`. */
  readonly location: string;
  /**
   * DNS prefix of the API server FQDN.
   * @default - the cluster name
   */
  readonly dnsPrefix?: string;
  /**
   * Pricing tier.
   * @default - AKS default (Free)
   */
  readonly skuTier?: AksSkuTier;
  /**
   * Network settings.
   * @default - Azure CNI overlay with the Cilium dataplane and Cilium network policy
   */
  readonly network?: AksNetworkProps;
  /**
   * Entra ID (AAD) integration (`aadProfile.managed`): users sign in with Entra ID.
   * @default true
   */
  readonly entraId?: boolean;
  /**
   * Authorize Kubernetes API calls with Azure RBAC (`aadProfile.enableAzureRBAC`). Requires `entraId`.
   * @default true
   */
  readonly azureRbac?: boolean;
  /**
   * Entra ID group object IDs given cluster-admin (`aadProfile.adminGroupObjectIDs`).
   * @default - none
   */
  readonly adminGroupObjectIds?: string[];
  /**
   * Entra ID tenant for the integration.
   * @default - the subscription's tenant
   */
  readonly tenantId?: string;
  /**
   * Disable the static local admin kubeconfig (`disableLocalAccounts`). Requires `entraId`.
   * @default true
   */
  readonly disableLocalAccounts?: boolean;
  /**
   * OIDC issuer (`oidcIssuerProfile.enabled`), needed by workload identity.
   * @default true
   */
  readonly oidcIssuer?: boolean;
  /**
   * Workload identity (`securityProfile.workloadIdentity.enabled`). Requires `oidcIssuer`.
   * @default true
   */
  readonly workloadIdentity?: boolean;
  /**
   * Kubernetes auto-upgrade channel. One owner of the Kubernetes version: when a controller pins
   * the version (CAPZ `AksCluster` with `kubernetesVersion`, every `AksClusterClass` topology), a
   * version-changing channel (`patch`, `stable`, `rapid`) is an error, because AKS and CAPZ/ASO
   * would fight over `kubernetesVersion`; Git owns the version then (bump it in a pull request).
   * @default AksUpgradeChannel.NONE when the version is pinned by CAPZ (not an opt-out: Git owns the version), else AksUpgradeChannel.PATCH
   */
  readonly upgradeChannel?: AksUpgradeChannel;
  /**
   * Node OS upgrade channel.
   * @default AksNodeOsUpgradeChannel.NODE_IMAGE
   */
  readonly nodeOsUpgradeChannel?: AksNodeOsUpgradeChannel;
  /**
   * Azure Policy add-on (`addonProfiles.azurepolicy`).
   * @default true
   */
  readonly azurePolicy?: boolean;
  /**
   * API server access (authorized IP ranges or private cluster).
   * @default - public API server (recorded as an opt-out)
   */
  readonly apiServerAccess?: AksApiServerAccessProps;
  /**
   * Azure tags of the cluster resource.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}
