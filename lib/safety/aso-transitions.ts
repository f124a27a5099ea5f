/**
 * Day-2 changes of Azure resources that Azure or Azure Service Operator refuse, or that delete or
 * scale down what they manage, found by comparing a committed ASO object (or a resource CAPZ embeds
 * in `spec.resources`) with the new one of the same identity (the destroy guard pairs them, see
 * `guardApp`). ASO sends the whole spec with every reconcile (a PUT), so a change Azure refuses
 * leaves the object `Ready=False` for good, and every later change of it fails too; a change ASO's
 * own webhook refuses fails the server-side dry-run of the whole Flux Kustomization applying it
 * (fluxcd/pkg `ssa` applies nothing of a build one of whose objects the API server refuses).
 *
 * - refused (synth fails; no allow id changes what the controllers do):
 *   - `spec.azureName` or `spec.owner` changed: ASO's webhook refuses both (azure-service-operator
 *     `v2/pkg/genruntime` admissions: "updating 'AzureName' is not allowed", "updating
 *     'Owner.Name' is not allowed"); CAPZ then fails applying an embedded resource;
 *   - an AKS managed cluster's `location`, `dnsPrefix`, `fqdnSubdomain`, `nodeResourceGroup`,
 *     `diskEncryptionSetReference` or service range (`networkProfile.serviceCidr`, `serviceCidrs`,
 *     `dnsServiceIP`: "Changing the CIDR range is not supported"), or its OIDC issuer, managed Entra
 *     ID (`aadProfile.managed`) or API server VNet integration turned off (one-way: "You can't
 *     disable OIDC issuer once enabled", "can't be disabled after it's enabled"), its private DNS
 *     zone changed to anything but `none`, its API server made private or public without API
 *     server VNet integration, its managed identity switched to a service principal
 *     (`servicePrincipalProfile.clientId` other than `msi`);
 *   - an AKS managed cluster's network (learn.microsoft.com/azure/aks/upgrade-aks-ipam-and-dataplane:
 *     "a single, forward-only IPAM migration path"): a `networkPlugin` change other than kubenet →
 *     azure with `networkPluginMode: overlay`, leaving overlay or the Cilium dataplane, a pod CIDR (`podCidr`, `podCidrs`) changed other than grown to a
 *     range containing it on overlay (or anew in the kubenet migration), the load balancer back to
 *     basic, the egress type from managedNATGateway to loadBalancer;
 *   - an AKS managed cluster's Kubernetes version (`kubernetesVersion`,
 *     CAPZ `AzureASOManagedControlPlane.spec.version`, an agent pool's `orchestratorVersion`, a CAPI
 *     MachinePool's `spec.template.spec.version`) decreased or raised by more than one minor
 *     version (AKS upgrades one minor version at a time and never downgrades);
 *   - an AKS agent pool's `vmSize`, `osDiskSizeGB`, `osDiskType`, `maxPods`, `availabilityZones`,
 *     `vnetSubnetReference`, `podSubnetReference`, `osType`, `kubeletDiskType`,
 *     `enableEncryptionAtHost`, `enableUltraSSD`, `enableNodePublicIP`,
 *     `nodePublicIPPrefixReference`, `scaleSetPriority`, `spotMaxPrice`, `scaleSetEvictionPolicy`,
 *     `gpuInstanceProfile`, `gpuProfile`, `kubeletConfig`, `linuxOSConfig` (AKS:
 *     CustomKubeletConfigOrCustomLinuxOSConfigCanNotBeChanged) or `hostGroupReference`, or a Windows
 *     `osSKU` (Ubuntu ↔ AzureLinux is migrated in place): AKS cannot change them on an existing node
 *     pool (learn.microsoft.com/azure/aks/manage-node-pools, the azurerm provider's ForceNew node
 *     pool fields); the same in a ClusterClass's
 *     `AzureASOManagedMachinePoolTemplate`, which Cluster API's topology controller applies to every
 *     Cluster of the class in place;
 *   - a PostgreSQL flexible server's `location`, `administratorLogin`, `backup.geoRedundantBackup`
 *     (only chosen at creation) or VNet integration (`network.delegatedSubnetResourceReference`,
 *     `network.privateDnsZoneArmResourceReference`: the networking mode is fixed at creation), its
 *     `version` decreased, or `storage.storageSizeGB` decreased (Azure never shrinks a disk:
 *     `UpsertServerManagementOperationDowngradeDiskSizeUnsupported`);
 * - protected (allowed by the object's allow id, like a deletion):
 *   - an agent pool scaled by AKS's autoscaler (`enableAutoScaling: true`) turning it off (an
 *     AksCluster's pool too: CAPZ drops the MachinePool's `replicas-managed-by`): AKS scales the pool
 *     to the fixed count;
 *   - a PostgreSQL flexible server's major `version` raised: an in-place major version upgrade,
 *     which stops the server and cannot be undone;
 *   - an AKS cluster whose version AKS owned (`AzureASOManagedControlPlane` without `spec.version`)
 *     getting one: a pin below what AKS upgraded it to is a downgrade AKS refuses;
 *   - an AKS cluster's network migrated one way, every node pool reimaged at once: kubenet or the
 *     node subnet to Azure CNI Overlay, the dataplane to Cilium (which replaces the network policy
 *     engine); the load balancer from basic to standard (downtime, no roll back); another egress
 *     type (`outboundType`: another egress IP, egress interrupted);
 *   - an immutable field set where Azure chose it (an agent pool's, a managed cluster's node
 *     resource group and service range): refused unless it is the value the resource has.
 *
 * A field a side leaves unset is not compared (Azure keeps what it has): only values both sides
 * set, or a set value removed where removing it changes the resource (the OIDC issuer, managed
 * Entra ID, API server VNet integration, overlay, Cilium), or an unset one set where setting it
 * changes the resource (a private API server, overlay, Cilium).
 */
import { parse } from 'yaml';
import { cidrTextContains } from '../aso/cidr';
import { groupOf } from '../core/validation/metadata';
import { getFieldPath } from '../crossplane/field-path';
import { versionSkew } from './cluster-transitions';
import type { PlainObject } from './protection';

/** What a change of an Azure resource means: problems (refused), and protection reasons (allowed by its allow id). */
export interface AsoTransition {
  readonly refused: string[];
  readonly protection: string[];
}

type Json = Record<string, unknown>;

const CAPZ_GROUP = 'infrastructure.cluster.x-k8s.io';
const CAPI_GROUP = 'cluster.x-k8s.io';

/** The fields of an AKS agent pool AKS cannot change on an existing node pool. */
const AGENT_POOL_IMMUTABLE = ['vmSize', 'osDiskSizeGB', 'osDiskType', 'maxPods', 'availabilityZones', 'vnetSubnetReference', 'podSubnetReference', 'osType', 'kubeletDiskType',
  'enableEncryptionAtHost', 'enableUltraSSD', 'enableNodePublicIP', 'nodePublicIPPrefixReference', 'scaleSetPriority', 'spotMaxPrice', 'scaleSetEvictionPolicy',
  'gpuInstanceProfile', 'gpuProfile', 'kubeletConfig', 'linuxOSConfig', 'hostGroupReference'] as const;

/** Why AKS cannot change an agent pool field, in its documentation's or API's words (where they say more than "immutable"). */
const AGENT_POOL_WHY: Partial<Record<(typeof AGENT_POOL_IMMUTABLE)[number], string>> = {
  enableEncryptionAtHost: 'host encryption "can only be set at cluster or node pool creation time"',
  scaleSetPriority: 'AKS: "can\'t change ScaleSetPriority or SpotMaxPrice after creation"',
  spotMaxPrice: 'AKS: "can\'t change ScaleSetPriority or SpotMaxPrice after creation"',
  gpuProfile: 'the GPU driver installation is fixed at creation time',
  kubeletConfig: 'AKS: CustomKubeletConfigOrCustomLinuxOSConfigCanNotBeChanged',
  linuxOSConfig: 'AKS: CustomKubeletConfigOrCustomLinuxOSConfigCanNotBeChanged',
  hostGroupReference: 'the API: the host group is "not allowed to changed once set"',
};

const CIDR_FIXED = 'AKS: "Changing the CIDR range is not supported. The cluster would have to be recreated."';

/** The fields of an AKS managed cluster AKS cannot change on an existing cluster, and why in its documentation's or API's words. */
const MANAGED_CLUSTER_IMMUTABLE: ReadonlyArray<readonly [string, string]> = [
  ['location', ''],
  ['dnsPrefix', ''],
  ['fqdnSubdomain', 'the API: "This cannot be updated once the Managed Cluster has been created"'],
  ['nodeResourceGroup', 'AKS FAQ: you can\'t "Change the node resource group name after you create the cluster"'],
  ['diskEncryptionSetReference', 'AKS: OS disk encryption with customer-managed keys can "only be enabled when creating" the cluster'],
  ['networkProfile.serviceCidr', CIDR_FIXED],
  ['networkProfile.serviceCidrs', CIDR_FIXED],
  ['networkProfile.dnsServiceIP', CIDR_FIXED],
];

/** Immutable managed cluster fields Azure chooses when they are unset: setting one later is refused unless it is Azure's value. */
const MANAGED_CLUSTER_DEFAULTED = new Set(['nodeResourceGroup', 'networkProfile.serviceCidr', 'networkProfile.serviceCidrs', 'networkProfile.dnsServiceIP']);

/**
 * Whether the guard compares objects of this kind (see {@link asoTransition}): ASO resources
 * (`*.azure.com`, but RoleAssignments, which the guard compares on their own), the CAPZ kinds
 * embedding them (`AzureASOManaged*` and their templates) and Cluster API MachinePools.
 */
export function comparesAzureResource(apiVersion: string, kind: string): boolean {
  const group = groupOf(apiVersion);
  if (group.endsWith('.azure.com')) return !(group === 'authorization.azure.com' && kind === 'RoleAssignment');
  if (group === CAPZ_GROUP) return kind.startsWith('AzureASOManaged');
  return group === CAPI_GROUP && kind === 'MachinePool';
}

/** The transition from the committed object `old` to `next` (same kind and identity). */
export function asoTransition(old: PlainObject, next: PlainObject): AsoTransition {
  const refused: string[] = [];
  const protection: string[] = [];
  const group = groupOf(next.apiVersion);
  if (groupOf(old.apiVersion) !== group || old.kind !== next.kind) return { refused, protection };
  if (group === CAPI_GROUP) {
    machinePool(old, next, refused);
  } else if (group === CAPZ_GROUP) {
    if (next.kind === 'AzureASOManagedControlPlane') {
      const [from, to] = [(old.spec as Json | undefined)?.version, (next.spec as Json | undefined)?.version];
      const v = versionChange('spec.version', from, to);
      if (v) refused.push(v);
      // Unpinned, AKS upgraded the cluster itself (its upgrade channel): the pin may be below what it runs.
      if (from === undefined && typeof to === 'string') {
        protection.push(`spec.version: (unset) → ${to}: AKS has been upgrading this cluster itself (its upgrade channel), and a pin below the version it runs now is a downgrade AKS refuses ` +
          '(the cluster stops reconciling); pin at least the version it runs (az aks show --query currentKubernetesVersion)');
      }
    }
    const template = next.kind.endsWith('Template');
    const resourcesOf = (o: PlainObject): Json[] => {
      const spec = (o.spec ?? {}) as Json;
      const list = template ? ((spec.template as Json | undefined)?.spec as Json | undefined)?.resources : spec.resources;
      return Array.isArray(list) ? (list as unknown[]).filter((x): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x)) : [];
    };
    const key = (r: Json) => `${groupOf(String(r.apiVersion ?? ''))}/${String(r.kind ?? '')}/${String((r.metadata as Json | undefined)?.name ?? '')}`;
    const before = new Map(resourcesOf(old).map((r) => [key(r), r]));
    const base = template ? 'spec.template.spec.resources' : 'spec.resources';
    for (const r of resourcesOf(next)) {
      const o = before.get(key(r));
      if (!o) continue;
      const at = `${base}[kind=${String(r.kind)}]`;
      const t = resourceTransition(o as PlainObject, r as PlainObject, at);
      refused.push(...t.refused);
      protection.push(...t.protection);
    }
    if (template && refused.length > 0) {
      // Cluster API's topology controller applies a changed template to every Cluster of the class.
      return { refused: refused.map((x) => `${x} (Cluster API applies the class's template to every Cluster of the class, in place)`), protection };
    }
  } else {
    const t = resourceTransition(old, next, '');
    refused.push(...t.refused);
    protection.push(...t.protection);
  }
  return { refused, protection };
}

/**
 * The transition of one ASO resource; `at` prefixes its field paths (an embedded resource's place);
 * `skip`: fields not compared (set by another patch of a ClusterClass).
 */
function resourceTransition(old: PlainObject, next: PlainObject, at: string, skip: ReadonlySet<string> = new Set()): AsoTransition {
  const refused: string[] = [];
  const protection: string[] = [];
  const a = (old.spec ?? {}) as Json;
  const b = (next.spec ?? {}) as Json;
  const field = (path: string) => (at ? `${at}.${path}` : path);
  const replace = (what: string, step = '') => `create a new ${what} (another name)${step}, move what uses it, then remove this one`;

  // Effective names: ASO's default Azure name is the object's name.
  const name = (o: PlainObject, s: Json) => s.azureName ?? o.metadata?.name;
  // Flux applies a standalone object (its refusal fails the dry-run of the whole build); CAPZ
  // applies an embedded one (its CAPZ object stays in error).
  const fails = at ? 'so CAPZ cannot apply it and its object stays in error' : 'so the server-side dry-run of everything applied with it fails';
  if (name(old, a) !== undefined && name(next, b) !== undefined && name(old, a) !== name(next, b)) {
    refused.push(`${field('spec.azureName')}: ${show(name(old, a))} → ${show(name(next, b))}: ASO's webhook refuses changing a resource's Azure name ("updating 'AzureName' is not allowed"), ` +
      `${fails}; keep ${show(name(old, a))}, or ${replace(next.kind)}`);
  }
  if (a.owner !== undefined && b.owner !== undefined && JSON.stringify(normalize('owner', a.owner)) !== JSON.stringify(normalize('owner', b.owner))) {
    // ASO's webhook compares the owner's name (ValidateWriteOnceProperties); an owner by ARM ID has none.
    const named = (o: unknown) => (o !== null && typeof o === 'object' && typeof (o as Json).name === 'string' ? (o as Json).name : '');
    refused.push(named(a.owner) !== named(b.owner)
      ? `${field('spec.owner')}: ${show(a.owner)} → ${show(b.owner)}: ASO's webhook refuses changing a resource's owner ("updating 'Owner.Name' is not allowed"), ` +
          `${fails}: a resource cannot move to another resource group or parent; keep the owner, or ${replace(next.kind)}`
      : `${field('spec.owner')}: ${show(a.owner)} → ${show(b.owner)}: a resource cannot move to another parent: ASO would create a new one under the new owner and leave this one in Azure, ` +
          `no longer managed; keep the owner, or ${replace(next.kind)}`);
  }
  // Values a ClusterClass fills in per Cluster (`{{ .builtin.cluster.name }}`) are not compared.
  const templated = (v: unknown) => JSON.stringify(v ?? null).includes('{{');
  const changed = (path: string) => {
    const [x, y] = [getFieldPath(a, path), getFieldPath(b, path)];
    return x !== undefined && y !== undefined && !templated(x) && !templated(y) && JSON.stringify(normalize(path, x)) !== JSON.stringify(normalize(path, y)) ? [x, y] : undefined;
  };
  // An immutable field set where it was unset (Azure's default): refused by Azure unless it is the value the resource has.
  const added = (path: string, what: string) => {
    const [x, y] = [getFieldPath(a, path), getFieldPath(b, path)];
    if (x === undefined && y !== undefined && !templated(y)) {
      protection.push(`${field(`spec.${path}`)}: (unset) → ${show(y)}: the ${what}'s ${path} cannot change once created, so Azure refuses this unless ${show(y)} is the value it already has (its default)`);
    }
  };
  const group = groupOf(next.apiVersion);
  if (group === 'containerservice.azure.com' && next.kind === 'ManagedCluster') {
    for (const [path, why] of MANAGED_CLUSTER_IMMUTABLE) {
      if (MANAGED_CLUSTER_DEFAULTED.has(path)) added(path, 'cluster');
      const c = changed(path);
      if (c) refused.push(`${field(`spec.${path}`)}: ${show(c[0])} → ${show(c[1])}: AKS cannot change the ${path} of an existing cluster${why ? ` (${why})` : ''}; keep ${show(c[0])}, or ${replace('cluster')}`);
    }
    if (getFieldPath(a, 'oidcIssuerProfile.enabled') === true && getFieldPath(b, 'oidcIssuerProfile.enabled') !== true) {
      refused.push(`${field('spec.oidcIssuerProfile.enabled')}: true → ${show(getFieldPath(b, 'oidcIssuerProfile.enabled') ?? '(unset)')}: AKS cannot turn the OIDC issuer off once it is on ("You can't disable OIDC issuer once enabled"), ` +
        'and workload identity depends on it; keep it on');
    }
    const v = versionChange(field('spec.kubernetesVersion'), a.kubernetesVersion, b.kubernetesVersion);
    if (v) refused.push(v);
    const values = (path: string) => {
      const [x, y] = [getFieldPath(a, path), getFieldPath(b, path)];
      return templated(x) || templated(y) ? undefined : [x, y];
    };
    managedClusterAccess({ a, b, field, changed, values, refused, protection, replace });
    managedClusterNetwork({ a, b, field, changed, values, refused, protection, replace });
  } else if (group === 'containerservice.azure.com' && next.kind === 'ManagedClustersAgentPool') {
    const newPool = `add a pool with the new value, move the workloads, then remove pool "${show(name(next, b))}"`;
    for (const path of AGENT_POOL_IMMUTABLE) {
      if (skip.has(path)) continue;
      added(path, 'node pool');
      const c = changed(path);
      const why = AGENT_POOL_WHY[path];
      if (c) refused.push(`${field(`spec.${path}`)}: ${show(c[0])} → ${show(c[1])}: AKS cannot change the ${path} of an existing node pool${why ? ` (${why})` : ''}; ${newPool}`);
    }
    // Ubuntu ↔ AzureLinux is an in-place OS SKU migration; a Windows SKU is not.
    const sku = changed('osSKU');
    if (sku && !skip.has('osSKU') && sku.some((x) => String(x).startsWith('Windows'))) {
      refused.push(`${field('spec.osSKU')}: ${show(sku[0])} → ${show(sku[1])}: AKS cannot change the OS SKU of an existing Windows node pool (Windows SKUs "aren't supported for node pool update"); ${newPool}`);
    }
    const v = versionChange(field('spec.orchestratorVersion'), a.orchestratorVersion, b.orchestratorVersion);
    if (v) refused.push(v);
    if (a.enableAutoScaling === true && b.enableAutoScaling !== true && !skip.has('enableAutoScaling')) {
      protection.push(`${field('spec.enableAutoScaling')}: the pool is scaled by AKS's autoscaler; turning it off makes AKS scale it to ${b.count === undefined ? 'its fixed count (CAPZ: its MachinePool\'s replicas)' : `${show(b.count)} node${b.count === 1 ? '' : 's'}`}`);
    }
  } else if (group === 'dbforpostgresql.azure.com' && next.kind === 'FlexibleServer') {
    for (const path of ['location', 'administratorLogin', 'backup.geoRedundantBackup', 'network.delegatedSubnetResourceReference', 'network.privateDnsZoneArmResourceReference']) {
      if (path.startsWith('backup.') || path.startsWith('network.')) added(path, 'server');
      const c = changed(path);
      if (c) refused.push(`${field(`spec.${path}`)}: ${show(c[0])} → ${show(c[1])}: a PostgreSQL flexible server's ${path} is chosen at creation and cannot change; keep ${show(c[0])}, or ${replace('server', ', restore a backup into it')}`);
    }
    const [x, y] = [Number(a.version), Number(b.version)];
    if (Number.isFinite(x) && Number.isFinite(y) && a.version !== undefined && b.version !== undefined) {
      if (y < x) refused.push(`${field('spec.version')}: ${show(a.version)} → ${show(b.version)}: PostgreSQL cannot be downgraded; keep ${show(a.version)}`);
      else if (y > x) protection.push(`${field('spec.version')}: ${show(a.version)} → ${show(b.version)} is an in-place major version upgrade: the server stops during it, and it cannot be undone`);
    }
    const [s, t] = [getFieldPath(a, 'storage.storageSizeGB'), getFieldPath(b, 'storage.storageSizeGB')];
    if (typeof s === 'number' && typeof t === 'number' && t < s) {
      refused.push(`${field('spec.storage.storageSizeGB')}: ${s} → ${t}: Azure never shrinks a server's disk (UpsertServerManagementOperationDowngradeDiskSizeUnsupported); keep ${s} or more`);
    }
  }
  return { refused, protection };
}

/** A managed cluster's specs and what its rules report (see `resourceTransition`). */
interface ClusterChange {
  readonly a: Json;
  readonly b: Json;
  readonly field: (path: string) => string;
  readonly changed: (path: string) => unknown[] | undefined;
  /** Both sides' values, set or not; undefined when a side's is filled in per Cluster (a ClusterClass's `{{ }}`). */
  readonly values: (path: string) => unknown[] | undefined;
  readonly refused: string[];
  readonly protection: string[];
  readonly replace: (what: string, step?: string) => string;
}

/** A value in a message, `(unset)` when a side leaves it unset. */
const shown = (v: unknown) => show(v ?? '(unset)');

/** A managed cluster's one-way identity and API server access changes. */
function managedClusterAccess({ field, changed, values, refused, replace }: ClusterChange): void {
  const [aad, aad2] = values('aadProfile.managed') ?? [];
  if (aad === true && aad2 !== true) {
    refused.push(`${field('spec.aadProfile.managed')}: true → ${shown(aad2)}: AKS cannot turn AKS-managed Microsoft Entra integration off once it is on ("can't be disabled after it's enabled"); keep it on`);
  }
  const [vnet, vnet2] = values('apiServerAccessProfile.enableVnetIntegration') ?? [];
  if (vnet === true && vnet2 !== true) {
    refused.push(`${field('spec.apiServerAccessProfile.enableVnetIntegration')}: true → ${shown(vnet2)}: AKS cannot turn API server VNet integration off once it is on (a one-way change: "can't disable"); keep it on`);
  }
  const zone = changed('apiServerAccessProfile.privateDNSZone');
  if (zone && String(zone[0]).toLowerCase() !== String(zone[1]).toLowerCase() && String(zone[1]).toLowerCase() !== 'none') {
    refused.push(`${field('spec.apiServerAccessProfile.privateDNSZone')}: ${show(zone[0])} → ${show(zone[1])}: AKS changes a private cluster's DNS zone only from a custom zone or system to none ` +
      `(private-clusters: "only update from byo or system to none. No other combination"); keep ${show(zone[0])}, or set none, or ${replace('cluster')}`);
  }
  // Unset is AKS's default, a public API server.
  const [priv, priv2] = values('apiServerAccessProfile.enablePrivateCluster') ?? [];
  if (((priv === true && priv2 === false) || (priv !== true && priv2 === true)) && vnet2 !== true) {
    refused.push(`${field('spec.apiServerAccessProfile.enablePrivateCluster')}: ${shown(priv)} → ${show(priv2)}: AKS makes an existing cluster's API server private or public only with API server VNet integration ` +
      `(private-clusters), which apiServerAccessProfile.enableVnetIntegration does not turn on; keep ${show(priv ?? false)}, or set enableVnetIntegration: true with it (and its subnetReference; it cannot be turned off), or ${replace('cluster')}`);
  }
  // A managed identity is kept: its service principal profile says `msi`.
  const [type] = values('identity.type') ?? [];
  const [sp, sp2] = values('servicePrincipalProfile.clientId') ?? [];
  const msi = (v: unknown) => v === undefined || String(v).toLowerCase() === 'msi';
  if ((type === 'SystemAssigned' || type === 'UserAssigned') && msi(sp) && !msi(sp2)) {
    refused.push(`${field('spec.servicePrincipalProfile.clientId')}: ${shown(sp)} → ${show(sp2)}: the cluster uses a managed identity (identity.type ${show(type)}), and AKS cannot move it back to a service principal ` +
      `("can't switch back to using a service principal"); keep the managed identity (clientId msi), or ${replace('cluster')}`);
  }
}

/** A managed cluster's network profile: what AKS migrates one way (protected), and what it never changes (refused). */
function managedClusterNetwork({ field, changed, values, refused, protection, replace }: ClusterChange): void {
  const f = (path: string) => field(`spec.networkProfile.${path}`);
  const [mode, mode2] = values('networkProfile.networkPluginMode') ?? [];
  const REIMAGE = 'reimages every node pool at once';
  const OVERLAY = `the migration to Azure CNI Overlay ${REIMAGE} and is "one-way, irreversible"`;

  // IPAM: AKS's only migration is to Azure CNI Overlay.
  const plugin = changed('networkProfile.networkPlugin');
  const migration = plugin !== undefined && plugin[0] === 'kubenet' && plugin[1] === 'azure' && mode2 === 'overlay';
  if (migration) protection.push(`${f('networkPlugin')}: kubenet → azure: ${OVERLAY}`);
  else if (plugin) {
    refused.push(`${f('networkPlugin')}: ${show(plugin[0])} → ${show(plugin[1])}: AKS changes an existing cluster's network plugin only from kubenet to Azure CNI Overlay (azure with networkPluginMode overlay), ` +
      `"a single, forward-only IPAM migration path"; keep ${show(plugin[0])}, or ${replace('cluster')}`);
  }
  if (mode === 'overlay' && mode2 !== 'overlay') {
    refused.push(`${f('networkPluginMode')}: overlay → ${shown(mode2)}: AKS cannot take a cluster off Azure CNI Overlay (the migration to it is "one-way, irreversible"); keep overlay`);
  } else if (mode === undefined && mode2 === 'overlay' && !plugin) {
    protection.push(`${f('networkPluginMode')}: (unset) → overlay: ${OVERLAY}`);
  }

  const [plane, plane2] = values('networkProfile.networkDataplane') ?? [];
  if (plane === 'cilium' && plane2 !== 'cilium') {
    refused.push(`${f('networkDataplane')}: cilium → ${shown(plane2)}: AKS cannot take a cluster off Azure CNI Powered by Cilium once it runs it; keep cilium`);
  } else if (plane !== 'cilium' && plane2 === 'cilium') {
    protection.push(`${f('networkDataplane')}: ${shown(plane)} → cilium: the update to Azure CNI Powered by Cilium ${REIMAGE} and replaces the network policy engine with Cilium's; AKS cannot take it back`);
  }

  // Pod CIDRs: only grown, on Azure CNI Overlay (or chosen anew by the kubenet migration).
  const growable = mode === 'overlay' && mode2 === 'overlay';
  for (const path of ['podCidr', 'podCidrs']) {
    const c = changed(`networkProfile.${path}`);
    if (!c || migration) continue;
    const list = (v: unknown) => (Array.isArray(v) ? v : [v]).map(String);
    const [from, to] = [list(c[0]), list(c[1])];
    if (growable && from.length === to.length && from.every((x, i) => cidrTextContains(to[i], x))) continue;
    refused.push(`${f(path)}: ${show(c[0])} → ${show(c[1])}: AKS only grows the pod CIDR of an Azure CNI Overlay cluster, to a range containing the old one ` +
      `("Shrinking or changing the pod CIDR isn't supported… must be a larger superset"); keep ${show(c[0])}${growable ? ', or a larger range containing it' : ''}`);
  }

  const sku = changed('networkProfile.loadBalancerSku');
  if (sku && String(sku[0]).toLowerCase() !== String(sku[1]).toLowerCase()) {
    if (String(sku[0]).toLowerCase() === 'standard') {
      refused.push(`${f('loadBalancerSku')}: ${show(sku[0])} → ${show(sku[1])}: AKS cannot move a cluster back from the standard load balancer to basic ("roll back isn't allowed"); keep ${show(sku[0])}`);
    } else if (String(sku[1]).toLowerCase() === 'standard') {
      protection.push(`${f('loadBalancerSku')}: ${show(sku[0])} → ${show(sku[1])}: the upgrade to the standard load balancer has downtime and cannot be rolled back ("roll back isn't allowed")`);
    }
  }

  const out = changed('networkProfile.outboundType');
  if (out && out[0] === 'managedNATGateway' && out[1] === 'loadBalancer') {
    refused.push(`${f('outboundType')}: managedNATGateway → loadBalancer: AKS does not migrate a cluster's egress from a managed NAT gateway to a load balancer ("Not Supported"); keep managedNATGateway, or ${replace('cluster')}`);
  } else if (out) {
    protection.push(`${f('outboundType')}: ${show(out[0])} → ${show(out[1])}: changing the egress type changes the cluster's outbound IP addresses (allow-lists of the old ones stop matching) and interrupts egress while AKS updates it`);
  }
}

/**
 * A CAPI MachinePool (an AksCluster's): its version. (Its replicas leaving AKS's autoscaler show in
 * its agent pool's `enableAutoScaling`, which the library writes with it.)
 */
function machinePool(old: PlainObject, next: PlainObject, refused: string[]): void {
  const template = (o: PlainObject) => ((o.spec as Json | undefined)?.template as Json | undefined)?.spec as Json | undefined;
  // Only AKS's pools: a self-managed pool's kubelets may trail the control plane and skip minor versions.
  const infra = (template(next)?.infrastructureRef as Json | undefined)?.kind;
  if (infra !== 'AzureASOManagedMachinePool' && infra !== 'AzureManagedMachinePool') return;
  const version = (o: PlainObject) => template(o)?.version;
  const v = versionChange('spec.template.spec.version', version(old), version(next));
  if (v) refused.push(v);
}


/** Zones are a set; ARM ids compare case-insensitively. */
function normalize(path: string, v: unknown): unknown {
  if (path === 'owner' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Json;
    return { ...o, ...(typeof o.armId === 'string' ? { armId: o.armId.toLowerCase() } : {}) };
  }
  if (path === 'availabilityZones' && Array.isArray(v)) return v.map(String).sort();
  // Azure resource group names are case-insensitive.
  if (path === 'nodeResourceGroup' && typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'string' && v.startsWith('/subscriptions/')) return v.toLowerCase();
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as Json).armId === 'string') return { ...(v as Json), armId: ((v as Json).armId as string).toLowerCase() };
  return v;
}

/** A Kubernetes version change AKS refuses (see `versionSkew`). */
function versionChange(field: string, from: unknown, to: unknown): string | undefined {
  const skew = versionSkew(from, to);
  if (!skew) return undefined;
  if ('downgrade' in skew) return `${field}: ${String(from)} → ${String(to)} is a downgrade, which AKS refuses; keep ${String(from)}`;
  return `${field}: ${String(from)} → ${String(to)} skips a minor version, which AKS refuses (it upgrades one minor version at a time); set ${skew.next} first, let the upgrade finish, then ${String(to)}`;
}

/**
 * Changes of the Azure resources a ClusterClass embeds in its CAPZ templates, through the patches
 * replacing `/spec/template/spec` of an `AzureASOManaged*Template` (the library's AKS classes:
 * `azureasomanagedmachinepool-<pool class>-spec`, `azureasomanagedcontrolplane-spec`): Cluster API's
 * topology controller applies the patched template to every Cluster of the class in place
 * (cluster-api `reconcile_state.go`), so what {@link asoTransition} refuses for one resource is
 * refused for all of them. A pool whose embedded agent pool gets another name is replaced: CAPZ
 * deletes the ASO object no longer in its spec (`ResourceReconciler`), and with it the AKS node pool
 * of every Cluster, unless the class embeds it with `detach-on-delete` (it keeps running,
 * unmanaged): protected. `nodePoolFields`: per pool class, the fields its `node-pool-<class>` patch
 * sets per Cluster (compared per Cluster by the topology check, not here).
 */
export function classTemplateTransition(old: PlainObject, next: PlainObject, nodePoolFields: (poolClass: string) => ReadonlySet<string> = () => new Set()): AsoTransition {
  const refused: string[] = [];
  const protection: string[] = [];
  const before = classTemplates(old);
  for (const [key, t] of classTemplates(next)) {
    const o = before.get(key);
    if (!o) continue;
    const where = `spec.patches[name="${t.name}"]`;
    // A pool leaving AKS's autoscaler is compared per Cluster (its replicas), as are the node-pool patch's fields.
    const skip = new Set(['enableAutoScaling', ...[...t.classes].flatMap((c) => [...nodePoolFields(c)])]);
    for (const r of t.resources) {
      const kind = String(r.kind ?? '');
      const was = o.resources.find((x) => x.kind === r.kind && groupOf(String(x.apiVersion ?? '')) === groupOf(String(r.apiVersion ?? '')));
      if (!was) continue;
      const [m, n] = [(was.metadata as Json | undefined)?.name, (r.metadata as Json | undefined)?.name];
      if (m !== n) {
        const keeps = /reconcile-policy"?\s*:\s*"?(detach-on-delete|skip)/.test(JSON.stringify(was.metadata ?? {}));
        protection.push(`${where}: the ${kind} is renamed (${show(m)} → ${show(n)}): CAPZ deletes the old one of every Cluster of the class and creates the new one, ` +
          (keeps ? 'and the old AKS resource keeps running in Azure, no longer managed (reconcile-policy detach-on-delete): delete it in Azure once its workloads have moved' : 'deleting the AKS resource (a node pool with its nodes) of every Cluster of the class') +
          '; to replace a pool, add a new machine pool class, move the workloads, then remove the old one');
        continue;
      }
      const x = resourceTransition(was as PlainObject, r as PlainObject, `${where}: resources[kind=${kind}]`, skip);
      refused.push(...x.refused.map((line) => `${line} (Cluster API applies the class's template to every Cluster of the class, in place)`));
      protection.push(...x.protection);
    }
  }
  return { refused, protection };
}

/**
 * The resources each `/spec/template/spec` patch of a ClusterClass embeds in a CAPZ template, by
 * the template kind and machine pool classes it selects (the patch's name follows the pool's).
 */
function classTemplates(cc: PlainObject): Map<string, { name: string; classes: Set<string>; resources: Json[] }> {
  const out = new Map<string, { name: string; classes: Set<string>; resources: Json[] }>();
  const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as unknown[]).filter((x): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x)) : []);
  for (const p of list((cc.spec as Json | undefined)?.patches)) {
    if (typeof p.name !== 'string') continue;
    for (const d of list(p.definitions)) {
      const selector = (d.selector ?? {}) as Json;
      if (typeof selector.kind !== 'string' || !selector.kind.startsWith('AzureASOManaged')) continue;
      const names = ((selector.matchResources as Json | undefined)?.machinePoolClass as Json | undefined)?.names;
      for (const j of list(d.jsonPatches)) {
        const template = (j.valueFrom as Json | undefined)?.template;
        if (j.path !== '/spec/template/spec' || typeof template !== 'string') continue;
        let spec: unknown;
        try {
          spec = parse(template);
        } catch {
          continue; // a template YAML cannot parse as it is (Go template syntax outside strings): not compared
        }
        const classes = new Set(Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : []);
        out.set(`${selector.kind}\u0000${[...classes].sort().join(',')}`, { name: p.name, classes, resources: list((spec as Json | null)?.resources) });
      }
    }
  }
  return out;
}

/** A field value in a message: a string as is, anything else as JSON. */
export function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
