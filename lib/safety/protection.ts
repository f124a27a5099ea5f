import { ARGOCD_SYNC_OPTIONS_ANNOTATION, ASO_RECONCILE_POLICY_ANNOTATION, FLUX_PRUNE_ANNOTATION, isStatefulKind } from '../core/removal-policy';
import { groupOf } from '../core/validation/metadata';

/** A Kubernetes object as plain JSON (as read from a file or rendered by the app). */
export interface PlainObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly annotations?: Record<string, unknown>; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

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
 * Flux `kustomize.toolkit.fluxcd.io/prune: disabled`, Argo CD
 * `argocd.argoproj.io/sync-options` with `Prune=false` or `Delete=false`, ASO
 * `serviceoperator.azure.com/reconcile-policy: detach-on-delete`, and Crossplane
 * `spec.managementPolicies` without `Delete` or `*`. Each marker is described in words.
 */
export function retainMarkers(obj: PlainObject): string[] {
  const out: string[] = [];
  const annotations = obj.metadata?.annotations ?? {};
  if (annotations[FLUX_PRUNE_ANNOTATION] === 'disabled') out.push(`${FLUX_PRUNE_ANNOTATION}: disabled`);
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
  for (const m of retainMarkers(obj)) out.push(`retained (${m})`);
  return out;
}

/** The Argo CD sync options set on an object (`argocd.argoproj.io/sync-options`, comma-separated, trimmed). */
export function argoSyncOptions(obj: PlainObject): Set<string> {
  const raw = obj.metadata?.annotations?.[ARGOCD_SYNC_OPTIONS_ANNOTATION];
  return new Set(typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0) : []);
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
 * cascading finalizer: protected ({@link protectionReasons}) and without `Delete=false`.
 */
export function deletedWithApplication(obj: PlainObject): boolean {
  return protectionReasons(obj).length > 0 && !argoSyncOptions(obj).has('Delete=false');
}

/** The reason a cascading Argo CD Application is protected: the protected objects it would delete (ids, sorted). */
export function applicationReason(held: readonly string[]): string {
  return `Argo CD Application with ${ARGOCD_CASCADE_FINALIZER}: deleting it deletes the protected objects it deployed (without Delete=false): ${shownIds(held)}`;
}

/** The reason a Namespace is protected: the protected objects it holds (ids, sorted). */
export function namespaceReason(held: readonly string[]): string {
  return `holds protected objects (deleting a Namespace deletes everything in it): ${shownIds(held)}`;
}

/** Object ids, deduplicated and sorted, the first five shown and the rest counted. */
function shownIds(held: readonly string[]): string {
  const list = [...new Set(held)].sort();
  return list.slice(0, 5).join(', ') + (list.length > 5 ? `, and ${list.length - 5} more` : '');
}

/** `KIND/NS/NAME` or `KIND/NAME`, with an optional `.group` after the kind. */
const ALLOW_ID = /^[A-Za-z][A-Za-z0-9]*(\.[a-z0-9.-]+)?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/;

/**
 * Checks an allow-destroy list (`['Cluster/fleet/aks-dev', 'Namespace/fleet']`). Each entry is
 * `Kind/namespace/name`, or `Kind/name` for objects without a namespace. Throws naming `where`
 * and the entry when one is malformed.
 */
export function checkAllowDestroy(where: string, ids: readonly string[]): string[] {
  for (const id of ids) {
    if (!ALLOW_ID.test(id)) {
      throw new Error(`${where}: "${id}" is not an object id: use Kind/namespace/name, or Kind/name for objects without a namespace (e.g. Cluster/fleet/aks-dev)`);
    }
  }
  return [...ids];
}

/** The allow-destroy ids in `CDK8S_PLATFORM_ALLOW_DESTROY` (comma or whitespace separated), set by `cdk8s-platform synth|plan --allow-destroy`. */
export function allowDestroyFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env.CDK8S_PLATFORM_ALLOW_DESTROY ?? '';
  return checkAllowDestroy('CDK8S_PLATFORM_ALLOW_DESTROY', raw.split(/[\s,]+/).filter((s) => s.length > 0));
}
