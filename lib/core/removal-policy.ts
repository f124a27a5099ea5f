import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { groupOf } from './validation/metadata';
import { someOf } from './list-text';

/**
 * What happens to the real thing (the Azure resource, the cluster, the database) when its object
 * is removed from the app, so its file disappears from Git and Flux prunes it. One policy for
 * every family; each construct documents its default. Stateful things default to `RETAIN`.
 *
 * | policy  | Flux                                         | Argo CD `argocd.argoproj.io/sync-options` | ASO `serviceoperator.azure.com/reconcile-policy` | Crossplane `managementPolicies` |
 * |---------|----------------------------------------------|-------------------------------------------|--------------------------------------------------|---------------------------------|
 * | RETAIN  | `kustomize.toolkit.fluxcd.io/prune: disabled` | `Delete=false,Prune=false`                | `detach-on-delete`                               | `[Observe, Create, Update, LateInitialize]` (no Delete) |
 * | DESTROY | (pruned)                                     | (pruned)                                  | `manage`                                         | `['*']`                         |
 * | SKIP    | (pruned)                                     | (pruned)                                  | `skip` (adopt: never change or delete)           | `[Observe]`                     |
 *
 * Argo CD's `Prune=false` keeps the object when its file leaves Git; `Delete=false` keeps it when
 * the Application itself is deleted with the cascading `resources-finalizer.argocd.argoproj.io`.
 */
export enum RemovalPolicy {
  /** Keep the real resource when the object is removed: Flux and Argo CD do not prune it, ASO detaches, Crossplane orphans. */
  RETAIN = 'retain',
  /** Removing the object deletes the real resource. */
  DESTROY = 'destroy',
  /** Adopt an existing resource read-only: the controller observes it and never changes or deletes it. */
  SKIP = 'skip',
}

/** Flux's per-object prune switch. */
export const FLUX_PRUNE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/prune';
/** Argo CD's per-object sync options (comma-separated `Option=value` pairs). */
export const ARGOCD_SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
/** The Argo CD sync options `RETAIN` writes: never pruned, never deleted with its Application. */
export const ARGOCD_RETAIN_SYNC_OPTIONS = 'Delete=false,Prune=false';
/** The retain markers of the GitOps engines (Flux, Argo CD), meaningless on objects another controller applies. */
export const GITOPS_ENGINE_ANNOTATIONS: readonly string[] = [FLUX_PRUNE_ANNOTATION, ARGOCD_SYNC_OPTIONS_ANNOTATION];

/**
 * Removes the GitOps engines' retain markers from an annotation map (in place): objects composed by
 * Crossplane or kro are applied by that controller, not by Flux or Argo CD.
 */
export function dropGitOpsEngineAnnotations(annotations: Record<string, string>): void {
  for (const key of GITOPS_ENGINE_ANNOTATIONS) delete annotations[key];
}

/** ASO's per-resource reconcile policy (case-sensitive; unknown values mean `manage`). */
export const ASO_RECONCILE_POLICY_ANNOTATION = 'serviceoperator.azure.com/reconcile-policy';

/** The ASO reconcile-policy value of each removal policy. */
export const ASO_RECONCILE_POLICY: Readonly<Record<RemovalPolicy, 'detach-on-delete' | 'manage' | 'skip'>> = {
  [RemovalPolicy.RETAIN]: 'detach-on-delete',
  [RemovalPolicy.DESTROY]: 'manage',
  [RemovalPolicy.SKIP]: 'skip',
};

/** The Crossplane v2 `managementPolicies` of each removal policy. */
export const CROSSPLANE_MANAGEMENT_POLICIES: Readonly<Record<RemovalPolicy, readonly string[]>> = {
  [RemovalPolicy.RETAIN]: ['Observe', 'Create', 'Update', 'LateInitialize'],
  [RemovalPolicy.DESTROY]: ['*'],
  [RemovalPolicy.SKIP]: ['Observe'],
};

/** Whether an API group is Azure Service Operator's (`*.azure.com`). */
export function isAsoGroup(group: string): boolean {
  return group.endsWith('.azure.com');
}

/** Whether an API group is an upjet-azure (Crossplane managed resource) group (`*.upbound.io`). */
export function isCrossplaneManagedGroup(group: string): boolean {
  return group.endsWith('.upbound.io');
}

/**
 * The annotations that carry `policy` for an object of the given API group: Flux's prune switch
 * and Argo CD's `Delete=false,Prune=false` sync options for `RETAIN`, plus ASO's reconcile policy for `*.azure.com` objects. Use it when building
 * objects that are not ApiObjects (for example the ASO resources CAPZ embeds).
 */
export function removalPolicyAnnotations(policy: RemovalPolicy, apiVersion: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (policy === RemovalPolicy.RETAIN) {
    out[FLUX_PRUNE_ANNOTATION] = 'disabled';
    out[ARGOCD_SYNC_OPTIONS_ANNOTATION] = ARGOCD_RETAIN_SYNC_OPTIONS;
  }
  if (isAsoGroup(groupOf(apiVersion))) out[ASO_RECONCILE_POLICY_ANNOTATION] = ASO_RECONCILE_POLICY[policy];
  return out;
}

const POLICY_SYMBOL = Symbol.for('cdk8s-platform.RemovalPolicy');

/**
 * Applies a removal policy to an ApiObject: the annotations of {@link removalPolicyAnnotations}
 * and, for Crossplane managed resources (`*.upbound.io`), `spec.managementPolicies`. The policy is
 * remembered on the object ({@link removalPolicyOf}).
 */
export function applyRemovalPolicy(obj: ApiObject, policy: RemovalPolicy): void {
  if (!Object.values(RemovalPolicy).includes(policy)) {
    throw new Error(`${obj.node.path}: prop "removalPolicy": "${String(policy)}" is not a RemovalPolicy (RETAIN, DESTROY or SKIP)`);
  }
  for (const [k, v] of Object.entries(removalPolicyAnnotations(policy, obj.apiVersion))) {
    // Argo CD sync options the object has besides Delete= / Prune= (ServerSideApply=true, ...) stay.
    const others = k === ARGOCD_SYNC_OPTIONS_ANNOTATION ? parseSyncOptions(annotationsOf(obj)[k]).filter((o) => !/^(Delete|Prune)=/.test(o)) : [];
    obj.metadata.addAnnotation(k, others.length > 0 ? [...others, v].join(',') : v);
  }
  if (isCrossplaneManagedGroup(groupOf(obj.apiVersion))) {
    obj.addJsonPatch(JsonPatch.add('/spec/managementPolicies', [...CROSSPLANE_MANAGEMENT_POLICIES[policy]]));
  }
  Object.defineProperty(obj, POLICY_SYMBOL, { value: policy, configurable: true });
}

/**
 * Gives an ApiObject of a stateful kind ({@link isStatefulKind}) `RETAIN` when nothing decided its
 * removal: no {@link applyRemovalPolicy} call (the library's L2 constructs always make one) and
 * none of the markers on the object itself (Flux `prune`, Argo CD `Delete=` / `Prune=` sync options, ASO
 * `reconcile-policy` annotations, Crossplane `spec.managementPolicies`), in its props or set by a
 * JSON patch. So an L1 or raw object
 * of such a kind is retained by default, like its L2 counterpart; give it
 * `applyRemovalPolicy(obj, RemovalPolicy.DESTROY)` to opt out. Returns whether it did.
 */
export function retainStatefulByDefault(obj: ApiObject): boolean {
  if (!isStatefulKind(obj.apiVersion, obj.kind) || decidesOwnRemoval(obj)) return false;
  applyRemovalPolicy(obj, RemovalPolicy.RETAIN);
  return true;
}

/**
 * Whether something decided the object's removal: an {@link applyRemovalPolicy} call, or a marker
 * on the object itself (Flux `prune`, Argo CD `Delete=` / `Prune=` sync options, ASO
 * `reconcile-policy`, Crossplane `spec.managementPolicies`), in its props or set by a JSON patch.
 * An upjet object whose spec is not plain data (a Lazy) counts as deciding (it cannot be patched).
 */
export function decidesOwnRemoval(obj: ApiObject): boolean {
  if (removalPolicyOf(obj) !== undefined) return true;
  // The GitOps engines' markers (Flux prune, Argo CD Delete= / Prune=), ASO's reconcile policy.
  if (hasGitOpsRemovalMarker(obj) || annotationsOf(obj)[ASO_RECONCILE_POLICY_ANNOTATION] !== undefined) return true;
  const spec = (obj as unknown as { props?: { spec?: { managementPolicies?: unknown } } }).props?.spec;
  if (spec?.managementPolicies !== undefined) return true;
  if (patchedPaths(obj).some((p) => p === '/spec/managementPolicies' || p === '/metadata/annotations/serviceoperator.azure.com~1reconcile-policy')) return true;
  return isCrossplaneManagedGroup(groupOf(obj.apiVersion)) && (spec === undefined || typeof spec !== 'object');
}

/** Flux's per-object force annotation: kustomize-controller recreates the object as `spec.force` would. */
export const FLUX_FORCE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/force';

/** Flux's per-object apply mode: `Ignore` (never applied) or `IfNotPresent` (created, never updated). */
export const FLUX_SSA_ANNOTATION = 'kustomize.toolkit.fluxcd.io/ssa';

/** Flux's per-object switch: `disabled` leaves the object alone (not applied, not pruned). */
export const FLUX_RECONCILE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/reconcile';

/**
 * Whether Flux's marker `key: value` is on an object, as a label or an annotation, the value in any
 * case (fluxcd/pkg `ssa/utils` `AnyInMetadata`: `strings.EqualFold`; kustomize-controller's apply
 * selectors: force, ssa, reconcile).
 */
export function hasFluxMarker(o: { readonly metadata?: { readonly [key: string]: unknown } }, key: string, value: string): boolean {
  const m = (o.metadata ?? {}) as { labels?: Record<string, unknown>; annotations?: Record<string, unknown> };
  return fluxMarkerAt(m.labels, m.annotations, key, value) !== undefined;
}

/**
 * Where Flux's marker `key: value` is ({@link hasFluxMarker}): in the annotations (looked at
 * first) or the labels, with the value as written; undefined when neither holds it.
 */
export function fluxMarkerAt(labels: unknown, annotations: unknown, key: string, value: string): { readonly in: 'annotations' | 'labels'; readonly value: string } | undefined {
  for (const [where, m] of [['annotations', annotations], ['labels', labels]] as const) {
    const v = (m as Record<string, unknown> | undefined)?.[key];
    if (typeof v === 'string' && v.toLowerCase() === value.toLowerCase()) return { in: where, value: v };
  }
  return undefined;
}

/**
 * Whether kustomize-controller's garbage collection leaves the object on the cluster when it goes
 * from the build or its Kustomization is deleted: `prune: disabled` or `reconcile: disabled`, as a
 * label or an annotation, in any case (kustomize-controller `prune`/`finalize`: the
 * `ssa.DeleteOptions` Exclusions, matched by fluxcd/pkg `ssa/utils` `AnyInMetadata`).
 */
export function keptByFluxPrune(o: { readonly metadata?: { readonly [key: string]: unknown } }): boolean {
  return hasFluxMarker(o, FLUX_PRUNE_ANNOTATION, 'disabled') || hasFluxMarker(o, FLUX_RECONCILE_ANNOTATION, 'disabled');
}

/** {@link hasFluxMarker} on a construct's metadata (its labels and annotations as set so far). */
function constructHasFluxMarker(obj: ApiObject, key: string, value: string): boolean {
  return fluxMarkerAt(labelsOf(obj), annotationsOf(obj), key, value) !== undefined;
}

/** What Flux's force does (kustomize-controller `spec.force`, or an object's {@link FLUX_FORCE_ANNOTATION} `enabled`). */
export const FORCE_RECREATES =
  'with force kustomize-controller deletes and recreates an object whose apply the API server refuses as invalid or conflicting ' +
  '(HTTP 422 or 409: immutable fields, and any admission webhook\'s refusal; fluxcd/pkg ssa IsImmutableError), whatever its prune annotation, ' +
  'and deleting it deletes what it manages (a CAPI Cluster its AKS cluster, an ASO resource its Azure resource)';

/** A CustomResourceDefinition or Crossplane XRD: deleting it deletes every object of its kind. */
export function definesKind(o: { readonly apiVersion: string; readonly kind: string }): boolean {
  return (o.kind === 'CustomResourceDefinition' && o.apiVersion.startsWith('apiextensions.k8s.io/')) || (o.kind === 'CompositeResourceDefinition' && o.apiVersion.startsWith('apiextensions.crossplane.io/'));
}

/**
 * Whether a rendered object of a Flux build must not be force-recreated: a stateful kind, an
 * object Flux or Argo CD keeps (`prune: disabled`, `Delete=false`), or one defining a kind
 * ({@link definesKind}). The rendered-object counterpart of what `forcedBuildMessage` reports for
 * the `Kustomization` construct.
 */
export function mustNotForce(o: { readonly apiVersion: string; readonly kind: string; readonly metadata?: { readonly [key: string]: unknown }; readonly spec?: unknown }): boolean {
  const a = (o.metadata?.annotations ?? {}) as Record<string, unknown>;
  return isStatefulKind(o.apiVersion, o.kind) || definesKind(o) || deletesClaimsWithIt(o) || keptByFluxPrune(o) || parseSyncOptions(a[ARGOCD_SYNC_OPTIONS_ANNOTATION]).includes('Delete=false');
}

/**
 * Whether `o` is a StatefulSet whose controller deletes the PersistentVolumeClaims of its
 * `volumeClaimTemplates` after it (`persistentVolumeClaimRetentionPolicy.whenDeleted: Delete`;
 * kubernetes.io/docs/concepts/workloads/controllers/statefulset, "PersistentVolumeClaim retention").
 */
export function deletesClaimsWithIt(o: { readonly apiVersion: string; readonly kind: string; readonly spec?: unknown }): boolean {
  return hasClaimTemplates(o) && (o.spec as { persistentVolumeClaimRetentionPolicy?: { whenDeleted?: unknown } }).persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
}

/**
 * Whether `o` is a StatefulSet with `volumeClaimTemplates`: its controller makes claims in its
 * namespace that are not in Git (they go with the Namespace, whatever the retention policy).
 */
export function hasClaimTemplates(o: { readonly apiVersion: string; readonly kind: string; readonly spec?: unknown }): boolean {
  if (o.kind !== 'StatefulSet' || groupOf(o.apiVersion) !== 'apps') return false;
  const templates = (o.spec as { volumeClaimTemplates?: unknown } | undefined)?.volumeClaimTemplates;
  return Array.isArray(templates) && templates.length > 0;
}

/**
 * The problem of a Flux Kustomization `id` (`namespace/name`) with `spec.force` whose build
 * applies `kept` (`Kind/namespace/name`, the objects {@link mustNotForce} names), after `field`
 * (`prop "force"` for the construct, `spec.force` for an object).
 */
export function forcedBuildMessage(field: string, id: string, kept: readonly string[]): string {
  return `${field}: Kustomization ${id} applies ${someOf(kept, 3)} (stateful, retained, defining a kind: deleting it deletes every object of the kind, or a StatefulSet deleting its volume claims with it), and ${FORCE_RECREATES}; ` +
    'turn force off, or apply those objects with another Kustomization';
}

/**
 * What Argo CD's `Force=true` sync option of an object does (argo-cd docs "Force Sync": "the
 * resources will be synchronized using the 'kubectl delete/create' command"; gitops-engine
 * `sync_context.go` passes it to `kubectl apply --force` and, with `Replace=true`, to `kubectl
 * replace --force`).
 */
export const ARGOCD_FORCE_RECREATES =
  'with Force=true Argo CD applies it with kubectl\'s --force, which deletes and recreates an object whose client-side apply conflicts (immutable fields; not with ServerSideApply=true), ' +
  'and with Replace=true (on the object or its Application) deletes and creates it on every sync (CRDs and Namespaces are updated instead), ' +
  'and deleting it deletes what it manages (a CAPI Cluster its AKS cluster, an ASO resource its Azure resource, a CRD every object of its kind)';

/**
 * The problems of an object a GitOps engine would force-recreate although deleting it deletes what
 * it manages (a stateful kind, a retained object, or one defining a kind): Flux's
 * {@link FLUX_FORCE_ANNOTATION} `enabled`, Argo CD's `Force=true` sync option.
 */
export function forcedKeptProblems(obj: ApiObject): string[] {
  const a = annotationsOf(obj);
  // Where kustomize-controller reads it (fluxcd/pkg AnyInMetadata): the annotation, else the label.
  const flux = fluxMarkerAt(labelsOf(obj), a, FLUX_FORCE_ANNOTATION, 'enabled');
  const argo = parseSyncOptions(a[ARGOCD_SYNC_OPTIONS_ANNOTATION]).includes('Force=true');
  if (!flux && !argo) return [];
  const claims = obj.kind === 'StatefulSet' && deletesClaimsWithIt(obj.toJson() as { apiVersion: string; kind: string; spec?: unknown });
  if (!(isStatefulKind(obj.apiVersion, obj.kind) || retainedByGitOps(obj) || definesKind(obj) || claims)) return [];
  const what = `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.name} (${claims ? 'deleting the PersistentVolumeClaims of its volumeClaimTemplates with it: persistentVolumeClaimRetentionPolicy.whenDeleted: Delete' : 'stateful, retained, or defining a kind'})`;
  return [
    ...(flux ? [`metadata.${flux.in}.${FLUX_FORCE_ANNOTATION}: ${flux.value} on ${what}: ${FORCE_RECREATES}; remove the ${flux.in === 'labels' ? 'label' : 'annotation'}`] : []),
    ...(argo ? [`metadata.annotations.${ARGOCD_SYNC_OPTIONS_ANNOTATION}: Force=true on ${what}: ${ARGOCD_FORCE_RECREATES}; remove Force=true`] : []),
  ];
}

/** The annotations of an ApiObject as its toJson renders them (cdk8s keeps them in a private map). */
function annotationsOf(obj: ApiObject): Record<string, unknown> {
  return (obj.metadata as unknown as { annotations?: Record<string, unknown> }).annotations ?? {};
}

function labelsOf(obj: ApiObject): Record<string, unknown> {
  return (obj.metadata as unknown as { labels?: Record<string, unknown> }).labels ?? {};
}

/** The paths of an ApiObject's JSON patches (`addJsonPatch`; cdk8s keeps its operations private). */
function patchedPaths(obj: ApiObject): string[] {
  return ((obj as unknown as { patches?: Array<{ operation?: { path?: unknown } }> }).patches ?? []).map((p) => String(p.operation?.path ?? ''));
}

/** The Argo CD sync options of an annotation value (`argocd.argoproj.io/sync-options`), trimmed, without empty entries. */
export function parseSyncOptions(value: unknown): string[] {
  return typeof value === 'string' ? value.split(',').map((x) => x.trim()).filter((x) => x.length > 0) : [];
}

/**
 * Whether the GitOps engines keep `obj` when what applies it goes: `RETAIN`, or Flux
 * `prune: disabled` / `reconcile: disabled` ({@link keptByFluxPrune}: a label or an annotation)
 * / Argo CD `Delete=false` set on the object itself.
 */
export function retainedByGitOps(obj: ApiObject): boolean {
  if (removalPolicyOf(obj) === RemovalPolicy.RETAIN) return true;
  const a = annotationsOf(obj);
  return constructHasFluxMarker(obj, FLUX_PRUNE_ANNOTATION, 'disabled') || constructHasFluxMarker(obj, FLUX_RECONCILE_ANNOTATION, 'disabled') ||
    parseSyncOptions(a[ARGOCD_SYNC_OPTIONS_ANNOTATION]).includes('Delete=false');
}

/**
 * Whether the object decides its own removal by the GitOps engines: a Flux `prune` annotation, or
 * an Argo CD `Delete=` / `Prune=` sync option (other sync options, such as `ServerSideApply=true`,
 * decide nothing), in its props or by a JSON patch of its annotations.
 */
export function hasGitOpsRemovalMarker(obj: ApiObject): boolean {
  const a = annotationsOf(obj);
  if (a[FLUX_PRUNE_ANNOTATION] !== undefined || labelsOf(obj)[FLUX_PRUNE_ANNOTATION] !== undefined || parseSyncOptions(a[ARGOCD_SYNC_OPTIONS_ANNOTATION]).some((o) => /^(Delete|Prune)=/.test(o))) return true;
  return patchedPaths(obj).some((p) => p === '/metadata/annotations' || /^\/metadata\/annotations\/(kustomize\.toolkit\.fluxcd\.io~1prune|argocd\.argoproj\.io~1sync-options)$/.test(p));
}

/** The removal policy applied to a construct with {@link applyRemovalPolicy}, if any. */
export function removalPolicyOf(obj: IConstruct): RemovalPolicy | undefined {
  return (obj as unknown as Record<symbol, RemovalPolicy | undefined>)[POLICY_SYMBOL];
}

/**
 * Kinds whose removal destroys state (`<group>/<Kind>`, the core group empty): clusters, resource
 * groups, database servers and databases (PostgreSQL, MySQL, SQL, Cosmos DB, Redis), storage
 * accounts with their containers, file shares, queues and tables, disks and snapshots, key vaults
 * and container registries, in each family (ASO, upjet-azure), and PersistentVolumeClaims (a dynamically provisioned volume goes with its claim
 * under the `Delete` reclaim policy, the default of AKS's built-in storage classes: learn.microsoft.com azure/aks/create-volume-azure-disk). They get `RETAIN` by
 * default and the plan refuses to delete them unless allowed.
 */
export const STATEFUL_KINDS: ReadonlySet<string> = new Set([
  '/PersistentVolumeClaim',
  'cluster.x-k8s.io/Cluster',
  'resources.azure.com/ResourceGroup',
  'containerservice.azure.com/ManagedCluster',
  'dbforpostgresql.azure.com/FlexibleServer',
  'dbforpostgresql.azure.com/FlexibleServersDatabase',
  'storage.azure.com/StorageAccount',
  'storage.azure.com/StorageAccountsBlobServicesContainer',
  'keyvault.azure.com/Vault',
  'azure.upbound.io/ResourceGroup',
  'azure.m.upbound.io/ResourceGroup',
  'containerservice.azure.upbound.io/KubernetesCluster',
  'containerservice.azure.m.upbound.io/KubernetesCluster',
  'dbforpostgresql.azure.upbound.io/FlexibleServer',
  'dbforpostgresql.azure.m.upbound.io/FlexibleServer',
  'dbforpostgresql.azure.upbound.io/FlexibleServerDatabase',
  'dbforpostgresql.azure.m.upbound.io/FlexibleServerDatabase',
  'storage.azure.upbound.io/Account',
  'storage.azure.m.upbound.io/Account',
  'storage.azure.upbound.io/Container',
  'storage.azure.m.upbound.io/Container',
  'keyvault.azure.upbound.io/Vault',
  'keyvault.azure.m.upbound.io/Vault',
  // Other data stores: file shares, queues and tables of a storage account, disks and snapshots,
  // SQL, MySQL, Cosmos DB and Redis, container registries (their images), in each family.
  ...[
    'storage.azure.com/StorageAccountsFileServicesShare', 'storage.azure.com/StorageAccountsQueueServicesQueue', 'storage.azure.com/StorageAccountsTableServicesTable',
    'compute.azure.com/Disk', 'compute.azure.com/Snapshot',
    'sql.azure.com/Server', 'sql.azure.com/ServersDatabase',
    'dbformysql.azure.com/FlexibleServer', 'dbformysql.azure.com/FlexibleServersDatabase',
    'documentdb.azure.com/DatabaseAccount', 'documentdb.azure.com/SqlDatabase', 'documentdb.azure.com/MongodbDatabase',
    'cache.azure.com/Redis',
    'containerregistry.azure.com/Registry',
  ],
  ...[
    'storage/Share', 'storage/Queue', 'storage/Table', 'storage/DataLakeGen2FileSystem',
    'compute/ManagedDisk', 'compute/Snapshot',
    'sql/MSSQLServer', 'sql/MSSQLDatabase',
    'dbformysql/FlexibleServer', 'dbformysql/FlexibleDatabase',
    'cosmosdb/Account', 'cosmosdb/SQLDatabase', 'cosmosdb/MongoDatabase',
    'cache/RedisCache',
    'containerregistry/Registry',
  ].flatMap((k) => {
    const [service, kind] = k.split('/');
    // upjet-azure: the cluster-scoped group and its namespaced (.m) twin.
    return [`${service}.azure.upbound.io/${kind}`, `${service}.azure.m.upbound.io/${kind}`];
  }),
]);

/**
 * Kinds (`<group>/<Kind>`) that are part of a stateful parent (`<group>/<Kind>` of the parent):
 * node pools, whose deletion drains and deletes the nodes running the cluster's workloads (and
 * their local state) although the cluster is kept. Where the parent is retained, so are they,
 * unless they decide otherwise.
 */
export const STATEFUL_PARENT_KINDS: ReadonlyMap<string, string> = new Map([
  ['containerservice.azure.com/ManagedClustersAgentPool', 'containerservice.azure.com/ManagedCluster'],
  ['containerservice.azure.upbound.io/KubernetesClusterNodePool', 'containerservice.azure.upbound.io/KubernetesCluster'],
  ['containerservice.azure.m.upbound.io/KubernetesClusterNodePool', 'containerservice.azure.m.upbound.io/KubernetesCluster'],
]);

/** The stateful parent kind (`<group>/<Kind>`) of an apiVersion/kind pair, if it is part of one ({@link STATEFUL_PARENT_KINDS}). */
export function statefulParentKind(apiVersion: string, kind: string): string | undefined {
  return STATEFUL_PARENT_KINDS.get(`${groupOf(apiVersion)}/${kind}`);
}

const STATEFUL_PARENTS: ReadonlySet<string> = new Set(STATEFUL_PARENT_KINDS.values());

/** Whether `<group>/<kind>` is the parent kind of parts in {@link STATEFUL_PARENT_KINDS} (a cluster of node pools). */
export function isStatefulParentKind(groupKind: string): boolean {
  return STATEFUL_PARENTS.has(groupKind);
}

/**
 * The stateful parent an object of the app names, read from its props without rendering it
 * (`<group>/<Kind>`, namespace, name): an ASO agent pool's `spec.owner` (in its namespace), an
 * upjet node pool's `spec.forProvider.kubernetesClusterIdRef` (in its namespace for the
 * namespaced `.m` group). Undefined for other kinds, or a parent named otherwise (an ARM id).
 */
export function statefulParentOf(obj: ApiObject): { readonly kind: string; readonly namespace: string; readonly name: string } | undefined {
  const kind = statefulParentKind(obj.apiVersion, obj.kind);
  if (kind === undefined) return undefined;
  const spec = (obj as unknown as { props?: { spec?: Record<string, any> } }).props?.spec;
  if (!spec || typeof spec !== 'object') return undefined;
  const group = groupOf(obj.apiVersion);
  const name = group.endsWith('.azure.com') ? spec.owner?.name : spec.forProvider?.kubernetesClusterIdRef?.name;
  if (typeof name !== 'string' || name === '') return undefined;
  const namespaced = group.endsWith('.azure.com') || group.endsWith('.m.upbound.io');
  return { kind, namespace: namespaced ? obj.metadata.namespace ?? '' : '', name };
}

/** The stateful kinds (`group/Kind`, sorted) of the API groups `inGroup` accepts. */
export function statefulKindsOf(inGroup: (group: string) => boolean): string[] {
  return [...STATEFUL_KINDS].filter((k) => inGroup(k.slice(0, k.lastIndexOf('/')))).sort();
}

/** Whether `<group>/<kind>` of an apiVersion/kind pair is in {@link STATEFUL_KINDS}. */
export function isStatefulKind(apiVersion: string, kind: string): boolean {
  return STATEFUL_KINDS.has(`${groupOf(apiVersion)}/${kind}`);
}

/** A Secret a controller reads (see {@link secretsNeededBy}). */
export interface NeededSecret {
  /** Its namespace. */
  readonly namespace: string;
  /** Its name. */
  readonly name: string;
}

/** ASO's annotation naming the credential Secret of a resource (in the resource's namespace). */
const ASO_CREDENTIAL_FROM = 'serviceoperator.azure.com/credential-from';
/** The credential ASO reads for a resource without {@link ASO_CREDENTIAL_FROM}, in the resource's namespace (before its global credential). */
const ASO_NAMESPACE_CREDENTIAL = 'aso-credential';

/**
 * The Secrets (namespace and name) a controller needs to reconcile, or to delete, what `obj`
 * manages, read from its props before rendering:
 * - an ASO resource (`*.azure.com`): its credential, the Secret named by
 *   `serviceoperator.azure.com/credential-from`, else its namespace's `aso-credential`. ASO reads it
 *   on every reconcile, the delete included (Azure/azure-service-operator v2
 *   `internal/identity/credential_provider.go` `GetCredential`; `GenericReconciler.delete` keeps
 *   the finalizer until Azure says the resource is gone), so a credential pruned with the
 *   resources leaves them Terminating and their Azure resources in place;
 * - a retained ASO resource (kept by the GitOps engines: it stays in the cluster and ASO keeps
 *   reconciling it): the Secrets its spec references (`{ name, key }`, genruntime
 *   `SecretReference`, e.g. an administrator password), `operatorSpec` (what ASO writes) left out;
 * - a CAPZ `AzureClusterIdentity`: `spec.clientSecret` (CAPZ reads it to reconcile and delete
 *   every cluster using the identity);
 * - a Crossplane `ProviderConfig` / `ClusterProviderConfig`: `spec.credentials.secretRef` (the
 *   provider reads it to observe and delete every managed resource using the config).
 */
export function secretsNeededBy(obj: ApiObject): NeededSecret[] {
  const group = groupOf(obj.apiVersion);
  const ns = obj.metadata.namespace ?? '';
  const spec = (obj as unknown as { props?: { spec?: unknown } }).props?.spec;
  if (group.endsWith('.azure.com')) {
    const from = annotationsOf(obj)[ASO_CREDENTIAL_FROM];
    const out: NeededSecret[] = [{ namespace: ns, name: typeof from === 'string' ? from : ASO_NAMESPACE_CREDENTIAL }];
    if (!retainedByGitOps(obj)) return out;
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) {
        for (const x of v) walk(x);
        return;
      }
      if (!isPlainObject(v)) return;
      if (typeof v.name === 'string' && typeof v.key === 'string' && Object.keys(v).length === 2) {
        out.push({ namespace: ns, name: v.name });
        return;
      }
      for (const [k, x] of Object.entries(v)) if (k !== 'operatorSpec') walk(x);
    };
    walk(spec);
    return out;
  }
  if (!isPlainObject(spec)) return [];
  const ref = (r: unknown): NeededSecret[] => (isPlainObject(r) && typeof r.name === 'string' ? [{ namespace: typeof r.namespace === 'string' ? r.namespace : ns, name: r.name }] : []);
  if (group === 'infrastructure.cluster.x-k8s.io' && obj.kind === 'AzureClusterIdentity') return ref(spec.clientSecret);
  if (/ProviderConfig$/.test(obj.kind) && isPlainObject(spec.credentials)) return ref(spec.credentials.secretRef);
  return [];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
