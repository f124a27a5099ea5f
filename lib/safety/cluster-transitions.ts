/**
 * Day-2 changes of a Cluster API topology Cluster (`cluster.x-k8s.io` Cluster with `spec.topology`,
 * e.g. a Fleet row) that the controllers refuse or that cut capacity, found by comparing the
 * committed Cluster with the new one (the destroy guard pairs them, see `guardApp`):
 *
 * - refused (synth fails; no allow id changes what the controllers do):
 *   - `spec.topology.version` decreased, or raised by more than one minor version: Cluster API's
 *     webhook refuses both (cluster-api `internal/webhooks/cluster.go`,
 *     `validateTopologyVersionUpdate`: "version cannot be decreased", and an upgrade may not skip
 *     a minor version unless the ClusterClass lists `kubernetesVersions`, which the library's
 *     classes do not); AKS upgrades one minor version at a time too;
 *   - the `location` variable changed (the library's AKS classes): the cluster's resource group and
 *     managed cluster stay where they are (ARM: InvalidResourceGroupLocation);
 *   - the `azure-subscription` label changed: ASO refuses a resource whose subscription differs
 *     from its credential's (SubscriptionMismatch), so nothing would move;
 *   - a machine pool's `nodePool` override (the library's AKS classes) changing `vmSize` or
 *     `zones`: AKS cannot change either on an existing node pool
 *     (learn.microsoft.com/azure/aks/manage-node-pools, limitations);
 * - protected (allowed by the Cluster's allow id, like a deletion): another ASO credential
 *   (`credentialSecretName`) when either side has no `azure-subscription` label (the guard cannot tell
 *   whether it is for the same subscription); a machine pool that AKS's
 *   autoscaler scales (no `replicas`) getting `replicas`: CAPZ then turns the autoscaler off
 *   (its `replicas-managed-by` annotation is dropped) and AKS scales the pool to that count; and,
 *   on a retained Cluster, a machine pool leaving the topology (removed or renamed): Cluster API's
 *   topology controller deletes its MachinePool (cluster-api `reconcileMachinePools`), and CAPZ
 *   its ASO agent pool (`ResourceReconciler.deleteResource`): ASO deletes the AKS node pool with
 *   its nodes, unless the ClusterClass embeds it with `detach-on-delete` (a retaining class) or
 *   `skip` (an adopting one), when the node pool keeps running in Azure, unmanaged.
 *
 * Values a Cluster leaves unset are the ClusterClass's (given): the `location` variable's schema
 * default, and a pool's `nodePool` fields as the class's `node-pool-<class>` patches default them
 * (`dig "vmSize" "<default>" .nodePool`, the library's AKS classes), so moving from the default to
 * an explicit other value (or back) is compared too.
 */
import { CREDENTIAL_VARIABLE, LOCATION_VARIABLE, NODE_POOL_PATCH_PREFIX, NODE_POOL_VARIABLE, SUBSCRIPTION_LABEL } from '../capi/aks-class-names';
import { keptByGitOps, type PlainObject } from './protection';

/** What a change of a topology Cluster means: problems (refused), and protection reasons (allowed by its allow id). */
export interface ClusterTransition {
  readonly refused: string[];
  readonly protection: string[];
}

const CAPI_GROUP = 'cluster.x-k8s.io';
// In a value (`"...reconcile-policy":"detach-on-delete"`) or a template's YAML text (`...reconcile-policy: skip`).
const KEEPS_IN_AZURE = /serviceoperator\.azure\.com\/reconcile-policy\\?"?\s*:\s*\\?"?(detach-on-delete|skip)\b/;

/** Whether `o` is a Cluster API Cluster with a managed topology. */
export function isTopologyCluster(o: { apiVersion: string; kind: string }): boolean {
  return o.kind === 'Cluster' && o.apiVersion.split('/')[0] === CAPI_GROUP;
}

type Topology = {
  version?: unknown;
  variables?: Array<{ name?: unknown; value?: unknown }>;
  workers?: { machinePools?: MachinePoolTopology[] };
};
type MachinePoolTopology = { name?: unknown; class?: unknown; replicas?: unknown; variables?: { overrides?: Array<{ name?: unknown; value?: unknown }> } };

// The defaults in a node pool patch's template: `{{ dig "vmSize" "Standard_D4s_v5" .nodePool | toJson }}`.
const VM_SIZE_DEFAULT = new RegExp(`dig "vmSize" "([^"]*)" \\.${NODE_POOL_VARIABLE}\\b`);
const ZONES_DEFAULT = new RegExp(`dig "zones" \\(list((?: "[^"]*")*)\\) \\.${NODE_POOL_VARIABLE}\\b`);

/** What a ClusterClass gives a Cluster that sets nothing: its `location` default, and each pool class's `nodePool` defaults. */
export interface ClassDefaults {
  readonly location?: string;
  /** Per pool class: `keeps`, the ASO reconcile policy its agent pool is embedded with when it keeps the AKS pool in Azure. */
  readonly pools: ReadonlyMap<string, { readonly vmSize?: string; readonly zones?: readonly string[]; readonly keeps?: 'detach-on-delete' | 'skip' }>;
}

/** The defaults of a ClusterClass object (see {@link ClassDefaults}). */
export function classDefaults(cc: PlainObject | undefined): ClassDefaults {
  const pools = new Map<string, { vmSize?: string; zones?: string[]; keeps?: 'detach-on-delete' | 'skip' }>();
  if (!cc) return { pools };
  // A committed file may be edited by hand: lists that are not lists give nothing.
  const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]).filter((x) => x !== null && typeof x === 'object') : []);
  const spec = (cc.spec ?? {}) as { variables?: unknown; patches?: unknown };
  const location = list<{ name?: unknown; schema?: { openAPIV3Schema?: { default?: unknown } } }>(spec.variables).find((v) => v.name === LOCATION_VARIABLE)?.schema?.openAPIV3Schema?.default;
  for (const p of list<{ name?: unknown; definitions?: unknown }>(spec.patches)) {
    // A pool class whose AzureASOManagedMachinePool template embeds its agent pool with ASO's
    // detach-on-delete (the class retains) or skip (adopts): deleting the ASO object leaves the AKS pool running.
    for (const d of list<{ selector?: { kind?: unknown; matchResources?: { machinePoolClass?: { names?: unknown } } }; jsonPatches?: unknown }>((p as { definitions?: unknown }).definitions)) {
      const keeps = d.selector?.kind === 'AzureASOManagedMachinePoolTemplate' ? KEEPS_IN_AZURE.exec(JSON.stringify(d.jsonPatches ?? null))?.[1] as 'detach-on-delete' | 'skip' | undefined : undefined;
      if (!keeps) continue;
      const names = d.selector!.matchResources?.machinePoolClass?.names;
      for (const c of (Array.isArray(names) ? names : []).filter((n): n is string => typeof n === 'string')) pools.set(c, { ...(pools.get(c) ?? {}), keeps });
    }
    if (typeof p.name !== 'string' || !p.name.startsWith(NODE_POOL_PATCH_PREFIX)) continue;
    for (const d of list<{ selector?: { matchResources?: { machinePoolClass?: { names?: unknown } } }; jsonPatches?: unknown }>(p.definitions)) {
      const names = d.selector?.matchResources?.machinePoolClass?.names;
      const classes = (Array.isArray(names) ? names : []).filter((n): n is string => typeof n === 'string');
      for (const j of list<{ valueFrom?: { template?: unknown } }>(d.jsonPatches)) {
        const t = typeof j.valueFrom?.template === 'string' ? j.valueFrom.template : '';
        const vm = VM_SIZE_DEFAULT.exec(t);
        const zones = ZONES_DEFAULT.exec(t);
        for (const c of classes) {
          const entry = pools.get(c) ?? {};
          if (vm) entry.vmSize = vm[1];
          if (zones) entry.zones = [...zones[1].matchAll(/"([^"]*)"/g)].map((m) => m[1]);
          pools.set(c, entry);
        }
      }
    }
  }
  return { ...(typeof location === 'string' ? { location } : {}), pools };
}

/** The ClusterClass a topology Cluster uses: `namespace/name` (v1beta2 `classRef`, v1beta1 `class` / `classNamespace`). */
export function clusterClassKey(cluster: PlainObject): string | undefined {
  const t = ((cluster.spec ?? {}) as { topology?: { classRef?: { name?: unknown; namespace?: unknown }; class?: unknown; classNamespace?: unknown } }).topology;
  const name = t?.classRef?.name ?? t?.class;
  if (typeof name !== 'string') return undefined;
  const ns = t?.classRef?.namespace ?? t?.classNamespace ?? cluster.metadata?.namespace ?? '';
  return `${String(ns)}/${name}`;
}

/**
 * The transition from the committed Cluster `old` to `next` (both topology Clusters), with the
 * defaults of the ClusterClass each uses (as committed, and as written).
 */
export function clusterTransition(old: PlainObject, next: PlainObject, oldClass: ClassDefaults = { pools: new Map() }, newClass: ClassDefaults = { pools: new Map() }): ClusterTransition {
  const refused: string[] = [];
  const protection: string[] = [];
  const a = ((old.spec as { topology?: Topology } | undefined)?.topology ?? {}) as Topology;
  const b = ((next.spec as { topology?: Topology } | undefined)?.topology ?? {}) as Topology;
  if (!(old.spec as { topology?: unknown } | undefined)?.topology || !(next.spec as { topology?: unknown } | undefined)?.topology) return { refused, protection };

  const version = versionChange(a.version, b.version);
  if (version) refused.push(version);

  // Committed files may be edited by hand: every list is checked to be one (else nothing is compared).
  const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]).filter((x) => x !== null && typeof x === 'object') : []);
  const variable = (t: Topology, name: string) => list<{ name?: unknown; value?: unknown }>(t.variables).find((v) => v.name === name)?.value;
  const location = [variable(a, LOCATION_VARIABLE) ?? oldClass.location, variable(b, LOCATION_VARIABLE) ?? newClass.location];
  if (typeof location[0] === 'string' && typeof location[1] === 'string' && location[0] !== location[1]) {
    refused.push(`spec.topology.variables[name="${LOCATION_VARIABLE}"]: ${location[0]} → ${location[1]}: an AKS cluster and its resource group cannot move to another region (ARM: InvalidResourceGroupLocation); keep ${location[0]}, or add a new cluster in ${location[1]} and remove this one`);
  }
  const label = (o: PlainObject) => (o.metadata?.labels as Record<string, unknown> | undefined)?.[SUBSCRIPTION_LABEL];
  const subscription = [label(old), label(next)];
  const subscriptionChanged = typeof subscription[0] === 'string' && typeof subscription[1] === 'string' && subscription[0].toLowerCase() !== subscription[1].toLowerCase();
  if (subscriptionChanged) {
    refused.push(`metadata.labels.${SUBSCRIPTION_LABEL}: ${subscription[0]} → ${subscription[1]}: a cluster cannot move to another subscription (ASO refuses resources whose subscription differs from their credential's, SubscriptionMismatch, and nothing moves); ` +
      'add a new cluster in that subscription, move the workloads, then remove this one');
  }
  // Another ASO credential: fine within one subscription; without the rows' subscriptions the guard cannot tell.
  const credential = [variable(a, CREDENTIAL_VARIABLE), variable(b, CREDENTIAL_VARIABLE)];
  if (typeof credential[0] === 'string' && typeof credential[1] === 'string' && credential[0] !== credential[1] && !subscriptionChanged && (typeof subscription[0] !== 'string' || typeof subscription[1] !== 'string')) {
    protection.push(`spec.topology.variables[name="${CREDENTIAL_VARIABLE}"]: ${credential[0]} → ${credential[1]}: the cluster's Azure resources are reconciled with another ASO credential, and the row names no subscription: ` +
      'if that credential is for another subscription, ASO refuses every resource of the cluster (SubscriptionMismatch); give the row its subscriptionId (the guard then compares it)');
  }

  const pools = (t: Topology) => new Map(list<MachinePoolTopology>(t.workers?.machinePools).filter((p) => typeof p.name === 'string').map((p) => [p.name as string, p]));
  const after = pools(b);
  for (const [name, p] of pools(a)) {
    const q = after.get(name);
    if (!q) continue;
    const field = `spec.topology.workers.machinePools[name="${name}"]`;
    // A field the override leaves out is the class's default for the pool's class.
    const effective = (m: MachinePoolTopology, cls: ClassDefaults) => {
      const o = (list<{ name?: unknown; value?: unknown }>(m.variables?.overrides).find((v) => v.name === NODE_POOL_VARIABLE)?.value ?? {}) as { vmSize?: unknown; zones?: unknown };
      const d = typeof m.class === 'string' ? cls.pools.get(m.class) : undefined;
      return { vmSize: o.vmSize ?? d?.vmSize, zones: o.zones ?? d?.zones };
    };
    const [x, y] = [effective(p, oldClass), effective(q, newClass)];
    if (typeof x.vmSize === 'string' && typeof y.vmSize === 'string' && x.vmSize !== y.vmSize) {
      refused.push(`${field}.variables.overrides[name="${NODE_POOL_VARIABLE}"].value.vmSize: ${x.vmSize} → ${y.vmSize}: AKS cannot change the VM size of an existing node pool; add a pool with ${y.vmSize}, move the workloads, then remove "${name}"`);
    }
    // Zones are a set (the order is not a change).
    const zoneSet = (z: unknown) => (Array.isArray(z) ? JSON.stringify(z.map(String).sort()) : JSON.stringify(z));
    if (x.zones !== undefined && y.zones !== undefined && zoneSet(x.zones) !== zoneSet(y.zones)) {
      refused.push(`${field}.variables.overrides[name="${NODE_POOL_VARIABLE}"].value.zones: ${JSON.stringify(x.zones)} → ${JSON.stringify(y.zones ?? null)}: AKS cannot change the availability zones of an existing node pool; add a pool with the new zones, move the workloads, then remove "${name}"`);
    }
    if (p.replicas === undefined && typeof q.replicas === 'number') {
      protection.push(`machine pool "${name}" is scaled by AKS's autoscaler (no replicas); with replicas: ${q.replicas} CAPZ turns the autoscaler off and AKS scales the pool to ${q.replicas} node${q.replicas === 1 ? '' : 's'}`);
    }
  }
  // A retained cluster's node pools are retained with it (as an AksCluster's are).
  if (keptByGitOps(old)) {
    for (const [name, p] of pools(a)) {
      if (after.has(name)) continue;
      const keeps = typeof p.class === 'string' ? oldClass.pools.get(p.class)?.keeps : undefined;
      protection.push(keeps
        ? `machine pool "${name}" leaves the topology (removed or renamed): Cluster API deletes its MachinePool and CAPZ its ASO agent pool, which the ClusterClass ${keeps === 'skip' ? 'adopts read-only' : 'retains'} (reconcile-policy ${keeps}), ` +
          'so the AKS node pool keeps running with its nodes, no longer managed by Cluster API (delete it in Azure, az aks nodepool delete, once its workloads have moved)'
        : `machine pool "${name}" leaves the topology (removed or renamed): Cluster API deletes its MachinePool and CAPZ the AKS node pool with its nodes`);
    }
  }
  return { refused, protection };
}

/** `v1.33.2` / `1.33` → [1, 33, patch]; undefined for anything else. */
function semver(v: unknown): [number, number, number] | undefined {
  const m = typeof v === 'string' ? /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/**
 * A Kubernetes version change Cluster API's webhook and AKS refuse: a downgrade, or an upgrade that
 * skips a minor version (`next`: the minor to set first, as `from` writes it, e.g. `v1.34.x`).
 * Undefined for any other change, or versions that are not `[v]major.minor[.patch]`.
 */
export function versionSkew(from: unknown, to: unknown): { readonly downgrade: true } | { readonly next: string } | undefined {
  const [a, b] = [semver(from), semver(to)];
  if (!a || !b || from === to) return undefined;
  if ((a[0] - b[0] || a[1] - b[1] || a[2] - b[2]) > 0) return { downgrade: true };
  if (b[0] !== a[0] || b[1] - a[1] > 1) return { next: `${typeof from === 'string' && from.startsWith('v') ? 'v' : ''}${a[0]}.${a[1] + 1}.x` };
  return undefined;
}

function versionChange(from: unknown, to: unknown): string | undefined {
  const skew = versionSkew(from, to);
  if (!skew) return undefined;
  const field = 'spec.topology.version';
  if ('downgrade' in skew) return `${field}: ${String(from)} → ${String(to)} is a downgrade, which Cluster API's webhook refuses (version cannot be decreased); keep ${String(from)}`;
  return `${field}: ${String(from)} → ${String(to)} skips a minor version, which Cluster API's webhook refuses (and AKS upgrades one minor version at a time); ` +
    `set ${skew.next} first, let the upgrade finish, then ${String(to)}`;
}

