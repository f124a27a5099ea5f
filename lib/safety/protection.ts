import { ARGOCD_SYNC_OPTIONS_ANNOTATION, ASO_RECONCILE_POLICY_ANNOTATION, deletesClaimsWithIt, FLUX_PRUNE_ANNOTATION, FLUX_RECONCILE_ANNOTATION, fluxMarkerAt, isStatefulKind, keptByFluxPrune, parseSyncOptions } from '../core/removal-policy';
import { groupOf } from '../core/validation/metadata';
import type { PlainObject } from '../tree/read';
import { someOf } from '../core/list-text';

export type { PlainObject } from '../tree/read';

/**
 * The id an object is named by in plans, error messages and allow lists: `Kind/namespace/name`,
 * or `Kind/name` for an object without a namespace (cluster-scoped kinds). Examples:
 * `Cluster/fleet/aks-dev`, `Namespace/fleet`.
 */
export function objectId(obj: { readonly kind: string; readonly metadata?: { readonly name?: string; readonly namespace?: string } }): string {
  const name = obj.metadata?.name ?? '';
  const ns = obj.metadata?.namespace;
  return ns ? `${obj.kind}/${ns}/${name}` : `${obj.kind}/${name}`;
}

/**
 * The markers that ask for an object's real resource to be kept when the object is removed from
 * Git (what `applyRemovalPolicy(obj, RemovalPolicy.RETAIN)` writes), as found on the object:
 * Flux `kustomize.toolkit.fluxcd.io/prune: disabled` or `kustomize.toolkit.fluxcd.io/reconcile:
 * disabled` (a label or an annotation, any case: what kustomize-controller's prune skips), Argo CD
 * `argocd.argoproj.io/sync-options` with `Prune=false` or `Delete=false`, ASO
 * `serviceoperator.azure.com/reconcile-policy: detach-on-delete`, and Crossplane
 * `spec.managementPolicies` without `Delete` or `*`. Each marker is described in words.
 */
export function retainMarkers(obj: PlainObject): string[] {
  const out: string[] = [];
  const annotations = obj.metadata?.annotations ?? {};
  for (const key of [FLUX_PRUNE_ANNOTATION, FLUX_RECONCILE_ANNOTATION]) {
    const at = fluxMarkerAt(obj.metadata?.labels, annotations, key, 'disabled');
    if (at) out.push(`${at.in === 'labels' ? 'label ' : ''}${key}: ${at.value}`);
  }
  const argo = argoSyncOptions(obj);
  if (argo.has('Prune=false') || argo.has('Delete=false')) out.push(`${ARGOCD_SYNC_OPTIONS_ANNOTATION}: ${annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION]}`);
  if (annotations[ASO_RECONCILE_POLICY_ANNOTATION] === 'detach-on-delete') out.push(`${ASO_RECONCILE_POLICY_ANNOTATION}: detach-on-delete`);
  const spec = obj.spec as { managementPolicies?: unknown } | undefined;
  const policies = spec && typeof spec === 'object' ? spec.managementPolicies : undefined;
  if (Array.isArray(policies) && !policies.includes('Delete') && !policies.includes('*')) {
    out.push(`spec.managementPolicies [${policies.join(', ')}] without Delete`);
  }
  return out;
}

/**
 * Why removing `obj` from Git is dangerous, in words (empty: not protected). An object is
 * protected when its kind is stateful (`isStatefulKind`: CAPI Cluster, ASO ResourceGroup,
 * ManagedCluster, FlexibleServer, StorageAccount, Vault and their Crossplane counterparts), when
 * it embeds a stateful object in `spec.resources` (CAPZ `AzureASOManaged*` objects: CAPZ deletes
 * what they embed), or when it carries a retain marker ({@link retainMarkers}). Namespaces are
 * protected by their callers when they hold protected objects (see {@link namespaceReason}).
 */
export function protectionReasons(obj: PlainObject): string[] {
  const out: string[] = [];
  const group = groupOf(obj.apiVersion);
  if (isStatefulKind(obj.apiVersion, obj.kind)) out.push(`stateful kind ${group ? `${group}/` : ''}${obj.kind}`);
  const resources = (obj.spec as { resources?: unknown } | undefined)?.resources;
  if (Array.isArray(resources)) {
    for (const r of resources) {
      if (r && typeof r === 'object' && typeof r.apiVersion === 'string' && typeof r.kind === 'string' && isStatefulKind(r.apiVersion, r.kind)) {
        out.push(`embeds stateful ${objectId(r)} (${groupOf(r.apiVersion)}) in spec.resources`);
      }
    }
  }
  // The StatefulSet controller deletes the PersistentVolumeClaims of its volumeClaimTemplates after
  // the StatefulSet (persistentVolumeClaimRetentionPolicy, StatefulSetAutoDeletePVC: GA in 1.32;
  // kubernetes.io/docs/concepts/workloads/controllers/statefulset, "PersistentVolumeClaim retention").
  if (deletesClaimsWithIt(obj)) out.push('deletes the PersistentVolumeClaims of its volumeClaimTemplates with it (persistentVolumeClaimRetentionPolicy.whenDeleted: Delete)');
  for (const m of retainMarkers(obj)) out.push(`retained (${m})`);
  return out;
}

/**
 * Whether Flux or Argo CD leaves the object on the cluster when its file goes (marked
 * `kustomize.toolkit.fluxcd.io/prune: disabled` or `reconcile: disabled`, see `keptByFluxPrune`,
 * or Argo CD's `Prune=false` / `Delete=false`):
 * removing it from Git orphans it instead of deleting it.
 */
export function keptByGitOps(obj: PlainObject): boolean {
  const argo = argoSyncOptions(obj);
  return keptByFluxPrune(obj) || argo.has('Prune=false') || argo.has('Delete=false');
}

/** The Argo CD sync options set on an object (`argocd.argoproj.io/sync-options`, comma-separated, trimmed). */
export function argoSyncOptions(obj: PlainObject): Set<string> {
  return new Set(parseSyncOptions(obj.metadata?.annotations?.[ARGOCD_SYNC_OPTIONS_ANNOTATION]));
}

/** The finalizer that makes deleting an Argo CD Application delete every resource it deployed. */
export const ARGOCD_CASCADE_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/**
 * The repo folder an Argo CD Application deploys when deleting it would delete what it deployed:
 * an `argoproj.io` Application with the cascading {@link ARGOCD_CASCADE_FINALIZER} and a
 * `spec.source.path` (and each `spec.sources[].path`), without leading `./`. Empty for every other object.
 */
export function cascadingApplicationPaths(obj: PlainObject): string[] {
  if (obj.kind !== 'Application' || groupOf(obj.apiVersion) !== 'argoproj.io') return [];
  const finalizers = obj.metadata?.finalizers;
  if (!Array.isArray(finalizers) || !finalizers.some((f) => typeof f === 'string' && f.startsWith(ARGOCD_CASCADE_FINALIZER))) return [];
  const spec = (obj.spec ?? {}) as { source?: { path?: unknown }; sources?: Array<{ path?: unknown }> };
  const sources = [spec.source, ...(Array.isArray(spec.sources) ? spec.sources : [])];
  return sources
    .map((s) => (s && typeof s.path === 'string' ? s.path.replace(/^\.?\/+|\/+$/g, '') : undefined))
    .filter((p): p is string => p !== undefined);
}

/**
 * Whether Argo CD would delete `obj` when the Application that deployed it is deleted with the
 * cascading finalizer: protected ({@link protectionReasons}, or by what it made: `made`) and
 * without `Delete=false`.
 */
export function deletedWithApplication(obj: PlainObject, made: (obj: PlainObject) => string[] = () => []): boolean {
  return (protectionReasons(obj).length > 0 || made(obj).length > 0) && !argoSyncOptions(obj).has('Delete=false');
}

/** The reason a cascading Argo CD Application is protected: the protected objects it would delete (ids, sorted). */
export function applicationReason(held: readonly string[]): string {
  return `Argo CD Application with ${ARGOCD_CASCADE_FINALIZER}: deleting it deletes the protected objects it deployed (without Delete=false): ${shownIds(held)}`;
}

/** The reason a Namespace is protected: the protected objects it holds (ids, sorted). */
export function namespaceReason(held: readonly string[]): string {
  return `holds protected objects (deleting a Namespace deletes everything in it): ${shownIds(held)}`;
}

/**
 * Why Flux pruning a Namespace whose file stays in Git is dangerous even without protected
 * objects in it: it is not meant to go, and its deletion takes everything in it.
 */
export const NAMESPACE_PRUNE_REASON = 'a Namespace: deleting it deletes every object in it, also those other Kustomizations and repos apply there';

/** Object ids, deduplicated and sorted, the first five shown and the rest counted. */
function shownIds(held: readonly string[]): string {
  return someOf([...new Set(held)].sort());
}

/** The API group of Flux Kustomizations. */
export const FLUX_KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';

/** `KIND/NS/NAME` or `KIND/NAME`, with an optional `.group` after the kind. */
const OBJECT_ID = '[A-Za-z][A-Za-z0-9]*(\\.[a-z0-9.-]+)?\\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?)?';
/**
 * An optional `<repo>:<cluster>:` scope before the object id (the cluster may be empty: the repo's
 * own; for a file of a folder no longer in the app, the folder's path stands for the cluster).
 */
const ALLOW_ID = new RegExp(`^(?:([A-Za-z0-9][-A-Za-z0-9_.]*):([a-z0-9]([-a-z0-9./_]*[a-z0-9])?)?:)?(${OBJECT_ID})$`);

/**
 * The scoped id of an object: `<repo>:<cluster>:Kind/namespace/name`, where `repo` is the id of the
 * Repo construct and `cluster` the cluster of its folder (empty for the repo's own cluster, e.g.
 * `platform::Cluster/fleet/aks-dev`, `platform:aks-dev:ResourceGroup/team/rg-team`; when the
 * folder is no longer in the app, the cluster the committed ownership manifest records for it, or
 * in a tree written before manifests recorded clusters its path: `platform:clusters/aks-dev:ResourceGroup/team/rg-team`).
 */
export function scopedId(repo: string, cluster: string, id: string): string {
  return `${repo}:${cluster}:${id}`;
}

/** One parsed allow-destroy entry. */
export interface AllowId {
  /** The entry as written. */
  readonly text: string;
  /** Repo scope (scoped ids only). */
  readonly repo?: string;
  /** Cluster scope (scoped ids only; '' = the repo's own). */
  readonly cluster?: string;
  /** The object id it names, without the scope (`Kind/namespace/name`, `Kind.group/...`). */
  readonly id: string;
  /** Whether it allows removing `o` (an object of `o.repo`, applied to `o.cluster`). */
  matches(o: { readonly id: string; readonly apiVersion: string; readonly kind: string; readonly repo?: string; readonly cluster?: string }): boolean;
}

/** Parses checked allow-destroy entries (see {@link checkAllowDestroy}). */
export function parseAllowIds(ids: readonly string[]): AllowId[] {
  return ids.map((text) => {
    const m = ALLOW_ID.exec(text);
    const repo = m?.[1];
    const cluster = repo === undefined ? undefined : m?.[2] ?? '';
    const id = m ? m[4] : text;
    return {
      text,
      repo,
      cluster,
      id,
      matches: (o) => {
        if (repo !== undefined && (o.repo !== repo || (o.cluster ?? '') !== cluster)) return false;
        const group = groupOf(o.apiVersion);
        return id === o.id || (group !== '' && id === o.id.replace(/^[^/]+/, `${o.kind}.${group}`));
      },
    };
  });
}

/** What {@link AllowId.matches} reads of an object. */
type AllowTarget = Parameters<AllowId['matches']>[0];

/**
 * Indexes an allow list: the function returned gives the entries of `allow` that match an object
 * (`AllowId.matches`), in the order of `allow`, by looking up the two spellings of the object's id
 * (`Kind/...`, `Kind.group/...`) rather than testing every entry (a decommission allows thousands
 * of ids, checked against every object of the app).
 * @param allow parsed entries (see {@link parseAllowIds})
 */
export function allowMatcher(allow: readonly AllowId[]): (o: AllowTarget) => AllowId[] {
  const byId = new Map<string, Array<{ a: AllowId; order: number }>>();
  allow.forEach((a, order) => {
    const list = byId.get(a.id);
    if (list) list.push({ a, order });
    else byId.set(a.id, [{ a, order }]);
  });
  return (o) => {
    const group = groupOf(o.apiVersion);
    const plain = byId.get(o.id);
    const qualified = group !== '' ? byId.get(o.id.replace(/^[^/]+/, `${o.kind}.${group}`)) : undefined;
    if (!plain && !qualified) return [];
    const found = [...(plain ?? []), ...(qualified && qualified !== plain ? qualified : [])].filter(({ a }) => a.matches(o));
    return found.sort((x, y) => x.order - y.order).map(({ a }) => a);
  };
}

/**
 * Checks an allow-destroy list (`['platform:aks-dev:Cluster/fleet/aks-dev', 'Namespace/fleet']`).
 * Each entry is `Kind/namespace/name` (or `Kind/name` for objects without a namespace, or
 * `Kind.group/...`), optionally scoped to one repo and cluster of the app:
 * `<repo>:<cluster>:Kind/namespace/name` (cluster empty for the repo's own). An unscoped id is
 * refused at synth when it names objects in more than one repo or cluster. Throws naming `where`
 * and the entry when one is malformed.
 */
export function checkAllowDestroy(where: string, ids: readonly string[]): string[] {
  for (const id of ids) {
    if (!ALLOW_ID.test(id)) {
      throw new Error(
        `${where}: "${id}" is not an object id: use <repo>:<cluster>:Kind/namespace/name (cluster empty for the repo's own, e.g. platform:aks-dev:Cluster/fleet/aks-dev), ` +
          'or Kind/namespace/name (Kind/name for objects without a namespace) when only one repo and cluster has it',
      );
    }
  }
  return [...ids];
}
