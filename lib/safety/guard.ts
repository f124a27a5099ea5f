import { relative } from 'path';
import { parse } from 'yaml';
import { matchObjects, namespaceHolderId, ObjectChange, ObjectInfo, objectInfo, objectsOfTree, protectsNamespace, removals, TreeObject, treeObject, type HeldLookup } from './plan';
import { AllowId, allowMatcher, ARGOCD_CASCADE_FINALIZER, argoSyncOptions, deletedWithApplication, FLUX_KUSTOMIZE_GROUP, NAMESPACE_PRUNE_REASON, namespaceReason, parseAllowIds, PlainObject, protectionReasons, keptByGitOps, retainMarkers, scopedId } from './protection';
import { isKustomizeConfig, listedFiles, manifestClusterOf, objectsOfFile, quickIdentity, TreeSnapshot } from './tree';
import { normalizeRepoUrl } from '../core/repo-url';
import { isStatefulKind, keptByFluxPrune } from '../core/removal-policy';
import { withPrefix } from '../core/sorted';
import { someOf } from '../core/list-text';
import { groupOf } from '../core/validation/metadata';
import { isClusterScoped } from '../core/kinds';
import { artifactGitSources, builtDirectories, droppedByDeletePatches, fluxBuildPath, fluxSpecComponents, fluxSpecPath, fluxSpecRename, renameChains, renamedThrough, renameOf, renames, withoutDroppedDirectories, type BuildTree, type ComponentRename, type KustomizeRename } from '../core/flux-build';
import { artifactLeftOut, describeExclusion, sourceControllerFilter, type Exclusion, type SourceFilter } from '../core/source-ignore';
import { deletedByPatches } from '../core/patch-targets';
import type { KubeObject } from '../gitops/layout';
import { classDefaults, clusterClassKey, clusterTransition, isTopologyCluster, type ClassDefaults } from './cluster-transitions';
import { comparesSelfManaged, selfManagedTransition } from './self-managed-transitions';
import { comparesCoreKind, coreReadsWhole, coreTransition } from './core-transitions';
import { resourceGraphSchemaTransition } from './kro-schema';
import { asoTransition, classTemplateTransition, comparesAzureResource } from './aso-transitions';
import { helmReleaseTransition, isHelmRelease } from './helm-transitions';
import { ComposedKinds, definesComposedKinds, namedEntriesInSource, stringsOf } from './composed';
import { applicationSetModel, isApplicationSet, type ApplicationSetModel } from './application-sets';
import { compositionRefOf, comparesCrossplaneDefinition, crossplaneTransition, isResourceGraphDefinition, resourceGraphTransition } from './crossplane-transitions';

/**
 * The new output of one repo, as the guard sees it: every object with its file (and, when known,
 * the object itself) and the kustomize configuration files (`kustomization.yaml`) by path.
 */
export interface GuardNextTree {
  /** Objects the synth writes (with `obj`, or `isProtected`). */
  readonly objects: readonly TreeObject[];
  /** `kustomization.yaml` files and their content. */
  readonly kustomizeFiles: ReadonlyMap<string, string>;
  /**
   * The content the synth writes to a file, when known (`plan` has it) or cheap to produce (the
   * YAML of its one object): an old file with the same content holds the same objects as the new
   * one, so it is not parsed (the new objects, with `obj`, stand for it).
   * @default - old files are parsed where their objects are needed
   */
  readonly textOf?: (file: string) => string | undefined;
  /**
   * Files the synth writes with exactly the committed bytes (found where they were serialized:
   * the same bytes as on disk, or the same git blob id as at HEAD): their committed objects are
   * the new ones, so their text is neither read nor parsed (the baseline may leave it unread,
   * see `KnownFiles`). Files not listed may be unchanged too ({@link textOf} tells).
   * @default - none
   */
  readonly unchanged?: ReadonlySet<string>;
}

/** One repo of an app, for {@link guardApp}. */
export interface GuardRepo {
  /** The repo's name in scoped ids (the Repo construct's id, e.g. `platform`). */
  readonly name: string;
  /** The repo directory as shown in messages. */
  readonly dir: string;
  /** The repo's Git URL, to resolve Flux `sourceRef`s to it. @default - none */
  readonly url?: string;
  /** What is committed (the baseline: see `readBaseline`). */
  readonly old: TreeSnapshot;
  /** What the synth writes. */
  readonly next: GuardNextTree;
  /**
   * The cluster the objects of a file are applied to ('' = the repo's own), from the app's folders;
   * for a folder no longer in the app, the cluster the committed ownership manifest records for it
   * (or, in a tree written before manifests recorded clusters, the folder's path stands for it).
   */
  clusterOf(file: string): string;
  /**
   * Whether {@link clusterOf} names a named cluster of the file (its folder is assigned to one, in
   * the app or in the committed manifest) rather than the repo's own or a stand-in (a folder's path). A
   * Namespace going away on a known cluster is then not held by protected objects in a
   * same-named namespace of another known cluster (a Fleet's per-cluster Namespaces).
   * @default - never: a Namespace is held by the protected objects of its name anywhere in the app
   */
  clusterKnown?(file: string): boolean;
  /**
   * The files under a directory of the repo (repo-relative, `/`-separated) that are there after
   * the synth: on disk and written by the synth, or on disk and not the library's (user files).
   * @default - unknown (the directory is taken to be gone when the synth writes nothing there)
   */
  leftovers?(dir: string): readonly string[];
  /**
   * The text of a file of the repo that is not the library's and stays where it is after the
   * synth (a user file a kustomization.yaml lists with `addResource(..., { userOwned: true })`:
   * the Flux install `flux bootstrap` commits as `gotk-components.yaml`); undefined when there is
   * no such file. Its objects are in the builds that list it, before and after the change, so a
   * build that stops listing it prunes them although the file stays.
   * @default - unknown (user files are in no build)
   */
  userFile?(file: string): string | undefined;
}

/**
 * Kinds whose whole new object the guard reads (the others: their identity and whether they are
 * protected, `TreeObject.isProtected`, so a synth does not hold the tree twice): Flux
 * Kustomizations, GitRepositories and ArtifactGenerators (what a Kustomization builds and prunes,
 * from which repo, and what its source leaves out of the artifact), Argo CD Applications (what each
 * deploys, and whether it prunes) and ApplicationSets (the Applications they generate), Crossplane Compositions (which composite kinds compose stateful
 * resources), Cluster API Clusters and ClusterClasses (day-2 edits, lib/safety/cluster-transitions.ts),
 * Namespaces (their retention), HelmReleases (a reinstall), CompositeResourceDefinitions (immutable
 * fields), kro ResourceGraphDefinitions (stateful resources leaving the graph), RoleAssignments.
 */
const READS_KINDS = new Set(['Namespace', 'HelmRelease', 'CompositeResourceDefinition', 'ResourceGraphDefinition', 'Kustomization', 'GitRepository', 'ArtifactGenerator', 'Application', 'ApplicationSet', 'Composition', 'Cluster', 'ClusterClass', 'RoleAssignment']);

/**
 * Whether the guard reads the whole new object (a synth keeps it whole while staging): the kinds of
 * {@link READS_KINDS}, the Azure resources it compares (`comparesAzureResource`), composite
 * resources naming their Composition (a switch, `compositionRefOf`), Crossplane definitions and
 * packages (`comparesCrossplaneDefinition`), the objects of self-managed clusters
 * (`comparesSelfManaged`), by group and kind, and the built-in objects whose day-2 changes the API
 * server refuses (`coreReadsWhole`, lib/safety/core-transitions.ts).
 */
export function guardReadsWhole(obj: PlainObject): boolean {
  return READS_KINDS.has(obj.kind) || comparesAzureResource(obj.apiVersion, obj.kind) || compositionRefOf(obj) !== undefined || comparesCrossplaneDefinition(obj) || comparesSelfManaged(obj) || coreReadsWhole(obj);
}

/**
 * Builds a {@link GuardNextTree} from a rendered snapshot (file → content), as `plan` has it.
 */
export function nextTreeOfSnapshot(tree: TreeSnapshot): GuardNextTree {
  const kustomizeFiles = new Map<string, string>();
  for (const [file, text] of tree.files) if (isKustomizeConfig(file)) kustomizeFiles.set(file, text);
  return { objects: objectsOfTree(tree), kustomizeFiles };
}

/** An identity of an object in a tree: group, kind, namespace, name. */
interface Ident {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

function identKey(o: Ident): string {
  return `${groupOf(o.apiVersion)}\u0000${o.kind}\u0000${o.namespace ?? ''}\u0000${o.name}`;
}

const USER_FILES = new WeakMap<GuardRepo, Map<string, { idents: Ident[]; objects: PlainObject[] } | null>>();

/**
 * The objects of a user file of the repo ({@link GuardRepo.userFile}), read once; undefined when
 * the file is the library's, is not there, or does not parse (then it fails the build itself).
 */
function userObjects(r: GuardRepo, file: string): { idents: Ident[]; objects: PlainObject[] } | undefined {
  if (!r.userFile) return undefined;
  let cache = USER_FILES.get(r);
  if (!cache) USER_FILES.set(r, (cache = new Map()));
  let found = cache.get(file);
  if (found === undefined) {
    const text = r.userFile(file);
    found = null;
    if (text !== undefined) {
      try {
        const objects = objectsOfFile(file, text);
        found = { objects, idents: objects.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata?.name ?? '', ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}) })) };
      } catch {
        found = null;
      }
    }
    cache.set(file, found);
  }
  return found ?? undefined;
}

/** The old tree of one repo, parsed only where needed. */
class OldTree {
  private readonly parsed = new Map<string, PlainObject[]>();
  private idsCache?: Map<string, Ident[]>;
  private nextByFile?: Map<string, TreeObject[]>;
  public constructor(public readonly snapshot: TreeSnapshot, private readonly next?: GuardNextTree) {}

  public objects(file: string): PlainObject[] {
    let objs = this.parsed.get(file);
    if (!objs) {
      objs = this.next?.unchanged?.has(file) ? this.newObjects(file) : undefined;
      if (!objs) {
        const text = this.snapshot.files.get(file) ?? '';
        const textOf = this.next?.textOf;
        objs = (textOf && textOf(file) === text ? this.newObjects(file) : undefined) ?? objectsOfFile(file, text);
      }
      this.parsed.set(file, objs);
    }
    return objs;
  }

  /** The new objects written to `file`, when every one of them is known whole (`obj`). */
  private newObjects(file: string): PlainObject[] | undefined {
    const list = this.newOf(file);
    return list && list.every((n) => n.obj) ? list.map((n) => n.obj!) : undefined;
  }

  /** The new tree's objects of `file` (identities, `obj` when known). */
  private newOf(file: string): TreeObject[] | undefined {
    if (!this.nextByFile) {
      this.nextByFile = new Map();
      for (const n of this.next?.objects ?? []) {
        const list = this.nextByFile.get(n.file);
        if (list) list.push(n);
        else this.nextByFile.set(n.file, [n]);
      }
    }
    return this.nextByFile.get(file);
  }

  /**
   * Identities of every object file: of a file written unchanged, the new objects'; else from the
   * canonical head of the file when possible; else parsed.
   */
  public ids(): Map<string, Ident[]> {
    if (this.idsCache) return this.idsCache;
    const out = new Map<string, Ident[]>();
    const unchanged = this.next?.unchanged;
    const files = this.snapshot.files;
    for (const file of listedFiles(files)) {
      if (isKustomizeConfig(file)) continue;
      const same = unchanged?.has(file) ? this.newOf(file) : undefined;
      if (same) {
        out.set(file, same);
        continue;
      }
      const text = files.get(file);
      if (text === undefined) continue; // listed but no longer there
      const q = quickIdentity(text);
      out.set(file, q ? [q] : this.objects(file).map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata?.name ?? '', namespace: o.metadata?.namespace })));
    }
    return (this.idsCache = out);
  }

  /** Every object, parsed, as TreeObjects. */
  public all(): TreeObject[] {
    return [...this.ids().keys()].flatMap((file) => this.treeObjects(file));
  }

  /** The objects of one file as TreeObjects (construct path when the file holds one object). */
  public treeObjects(file: string): TreeObject[] {
    const objs = this.objects(file);
    return objs.map((obj) => treeObject(file, obj, objs.length === 1 ? this.snapshot.constructPaths[file] : undefined));
  }

  public kustomizeFiles(): Map<string, string> {
    const out = new Map<string, string>();
    const files = this.snapshot.files;
    for (const file of listedFiles(files)) {
      if (!isKustomizeConfig(file)) continue;
      const text = (this.next?.unchanged?.has(file) ? this.next.kustomizeFiles.get(file) : undefined) ?? files.get(file);
      if (text !== undefined) out.set(file, text);
    }
    return out;
  }
}

/**
 * Whether the synth writes exactly the repo's committed tree: the same files, each with the
 * committed bytes (`next.unchanged`), and no other.
 */
function writesCommittedTree(r: GuardRepo): boolean {
  const unchanged = r.next.unchanged;
  if (!unchanged) return false;
  let committed = 0;
  for (const file of listedFiles(r.old.files)) {
    if (!unchanged.has(file)) return false;
    committed++;
  }
  const written = new Set<string>(r.next.kustomizeFiles.keys());
  for (const n of r.next.objects) written.add(n.file);
  return written.size === committed;
}

/** Whether a tree has no file (without reading the texts a {@link LazyFiles} left unread). */
function isEmpty(files: ReadonlyMap<string, string>): boolean {
  return listedFiles(files)[Symbol.iterator]().next().done === true;
}

/** The result of {@link guardApp}: the removals of each repo (by repo name), blocked or allowed. */
export interface GuardResult {
  /** Deletions, renames and Flux prunes of each repo, with their protection. */
  readonly changes: Map<string, ObjectChange[]>;
  /** Problems with the allow list itself (ambiguous unscoped ids). */
  readonly problems: string[];
  /**
   * Allow ids (as given) that allow no protected deletion, rename or prune of this change: left
   * over from an earlier one, or mistyped. Harmless now, but one left in the app would allow a
   * later deletion of that object unnoticed.
   */
  readonly unusedAllows: string[];
  /**
   * For each allow id (as given; scoped ones only with `GuardOptions.nameAllows`), the objects it
   * names in this app's repos, committed or new, by scoped id (sorted): with several apps in one
   * synth session, an id must name objects of one app only (see {@link crossAppAllowProblems}).
   */
  readonly named: ReadonlyMap<string, readonly string[]>;
}

/** Options of {@link guardApp}. */
export interface GuardOptions {
  /**
   * Fill `GuardResult.named` for every allow id, scoped ones too (reads the identities of every
   * committed file, also of an unchanged tree).
   * @default false - only for unscoped ids
   */
  readonly nameAllows?: boolean;
  /**
   * Where the settings of the object of a construct path come from outside the code (a table row:
   * `fleet.csv line 7`), named next to its file in the day-2 refusals.
   * @default - not known
   */
  readonly originOf?: (constructPath: string) => string | undefined;
}

/** The warning for an allow id that allows nothing in this change (see `GuardResult.unusedAllows`). */
export function unusedAllowWarning(id: string): string {
  return `allowDestroy "${id}" allows no deletion, rename or prune in this change; remove it, so that it cannot allow a later one unnoticed`;
}

/** The allow ids of `allow` that no protected change matches. */
function unusedAllows(allow: readonly AllowId[], changes: readonly ObjectChange[]): string[] {
  return allow.filter((a) => !changes.some((c) => c.protection && a.matches(c.action === 'rename' ? c.previous! : c.object))).map((a) => a.text);
}

/**
 * The destroy guard of a whole app: compares what is committed in every repo (`old`) with what the
 * synth writes (`next`) and returns, per repo, the deletions and renames of objects, and the objects
 * Flux would prune although their file stays in Git, each with why it is protected and whether it
 * is blocked (protected and not allowed by `allow`). It sees:
 *
 * - objects removed or renamed in a repo (protected: `protectionReasons`);
 * - Namespaces removed in one repo while protected objects in them live in any repo of the app;
 * - Flux Kustomizations removed, re-pointed (`spec.path`, `sourceRef`), narrowed (a sub-folder no
 *   longer listed in a `kustomization.yaml`, e.g. `includeSubfolders: false`) or objects moved to a
 *   folder applied by another Kustomization: kustomize-controller deletes every object of its
 *   inventory that the new build lacks (when `spec.prune` is true, or on deletion per
 *   `spec.deletionPolicy`), unless the object is annotated `kustomize.toolkit.fluxcd.io/prune: disabled`;
 *   a Namespace pruned so is always refused (its file stays in Git: it is not meant to go, and its
 *   deletion takes everything in it);
 * - removing a Kustomization with a `kubeConfig` (the hydration of a remote cluster by
 *   `RemoteClusterHydration` / `Fleet`) while it applies objects: a protected deletion of everything
 *   it applied;
 * - Crossplane Compositions that no longer compose an entry whose base is of a stateful kind
 *   (removed or renamed): Crossplane deletes the composed resource of every composite resource
 *   that the Composition's desired state lacks (a renamed entry is a new resource), see
 *   {@link compositionEntryChanges};
 * - Argo CD Applications with automated prune whose source no longer holds an object still in Git
 *   (moved to another Application's folder, or the source path changed): Argo CD deletes the
 *   resources it tracks that its desired state lacks, unless the object has the sync option
 *   `Prune=false`, and which of the two Applications syncs first is not ordered (also the
 *   Applications an ApplicationSet generates, where its YAML tells them);
 * - Argo CD ApplicationSets whose generated Applications carry the cascading finalizer, removed
 *   or no longer generating one of them: the applicationset-controller deletes those
 *   Applications, which delete what they deployed (see {@link applicationSetChanges}).
 *
 * `allow` entries are `Kind/ns/name` (only when exactly one repo and cluster of the app has that
 * object; otherwise a problem listing the candidates) or scoped `<repo>:<cluster>:Kind/ns/name`.
 */
export function guardApp(repos: readonly GuardRepo[], allow: readonly string[], options: GuardOptions = {}): GuardResult {
  const allowIds = parseAllowIds(allow);
  const unlisted = unlistedFluxInstalls(repos);
  // Nothing committed anywhere (a first synth, or `synth --check` into a temporary directory):
  // nothing can be deleted, renamed or pruned; only unscoped allow ids need the new objects.
  if (repos.every((r) => isEmpty(r.old.files)) && allowIds.every((a) => a.repo !== undefined)) {
    return { changes: new Map(repos.map((r) => [r.name, []])), problems: unlisted, unusedAllows: allowIds.map((a) => a.text), named: new Map() };
  }
  const olds = new Map(repos.map((r) => [r, new OldTree(r.old, r.next)]));
  const scopeOf = new Map<GuardRepo, (file: string) => string>();
  for (const r of repos) {
    const cache = new Map<string, string>();
    scopeOf.set(r, (file) => {
      let c = cache.get(file);
      if (c === undefined) cache.set(file, (c = r.clusterOf(file)));
      return c;
    });
  }
  // What each id names: the unscoped ones' for their ambiguity; the scoped ones' only when asked
  // (`plan` for the CLI's cross-app check), as it reads the identity of every committed file.
  const named = allowCandidates(options.nameAllows ? allowIds : allowIds.filter((a) => a.repo === undefined), repos, olds, scopeOf);
  const ambiguous = new Map([...named].filter(([a, list]) => a.repo === undefined && list.length >= 2));
  const namedByText = new Map([...named].map(([a, list]) => [a.text, list]));
  // Every repo writes exactly the files it has committed, byte for byte: nothing is deleted,
  // renamed or pruned (what Flux applies is built from the same files), so the trees need no
  // further comparison (a CI run of an unchanged 10,000-cluster app: 1.1 s).
  if (repos.every(writesCommittedTree)) return { changes: new Map(repos.map((r) => [r.name, []])), problems: ambiguityProblems(ambiguous, []), unusedAllows: allowIds.map((a) => a.text), named: namedByText };

  // What composite, claim and kro instance kinds make (stateful resources deleted with them).
  const composite = composedReasons(repos, olds);
  // Namespaces: protected objects in them in any repo of the app (old or new), with their cluster
  // where it is known (a named cluster of a folder of the app, or for old objects of the committed
  // manifest): a Namespace going away on one known cluster is not held by objects on another known
  // cluster; unknown clusters match any.
  const knownCluster = (r: GuardRepo, file: string): string | undefined => {
    if (!r.clusterKnown?.(file)) return undefined;
    const c = scopeOf.get(r)!(file);
    return c === '' ? undefined : c;
  };
  // An old object's: the cluster its folder had (the folder may be assigned to another cluster in
  // this change); in a tree written before manifests recorded clusters, its folder's now.
  const knownOldCluster = (r: GuardRepo, file: string): string | undefined => {
    if (!r.old.clusters) return knownCluster(r, file);
    const c = manifestClusterOf(r.old.clusters, file);
    return c === '' ? undefined : c;
  };
  let held: Map<string, Array<{ id: string; cluster?: string }>> | undefined;
  const heldByNamespace = () => {
    if (held) return held;
    const found = new Map<string, Array<{ id: string; cluster?: string }>>();
    const add = (o: TreeObject, cluster: string | undefined) => {
      if (!o.namespace || !protectsNamespace(o, composite)) return;
      const list = found.get(o.namespace) ?? [];
      list.push({ id: namespaceHolderId(o, composite), cluster });
      found.set(o.namespace, list);
    };
    for (const r of repos) {
      for (const o of olds.get(r)!.all()) add(o, knownOldCluster(r, o.file));
      for (const o of r.next.objects) add(o, knownCluster(r, o.file));
    }
    return (held = found);
  };
  // `o`: a Namespace of the committed tree going away.
  const heldOn = (r?: GuardRepo): HeldLookup => ({
    get: (ns, o) => {
      const list = heldByNamespace().get(ns);
      const c = r && o ? knownOldCluster(r, o.file) : undefined;
      return list?.filter((e) => c === undefined || e.cluster === undefined || e.cluster === c).map((e) => e.id);
    },
  });
  const heldAll = () => heldOn();

  const changes = new Map<string, ObjectChange[]>();
  const flux = fluxKustomizations(repos, olds);
  const kustomizationReasons = fluxRemovalReasons(repos, olds, flux);
  const appSets = applicationSetChanges(repos, olds, flux.s, allowIds, scopeOf, composite);
  for (const r of repos) {
    // The objects of files written unchanged pair with themselves first (same file, same
    // identity), so leaving them out changes no other pairing (as in `planTrees`).
    const unchanged = r.next.unchanged;
    const next = unchanged && unchanged.size > 0 ? r.next.objects.filter((n) => !unchanged.has(n.file)) : r.next.objects;
    const old = oldObjects(olds.get(r)!, next, unchanged);
    const matched = matchObjects(old, next);
    const scope = (o: TreeObject) => ({ repo: r.name, cluster: scopeOf.get(r)!(o.file) });
    const extra = (o: TreeObject) => [
      ...(kustomizationReasons.get(r)?.get(o.file) ?? []),
      ...(o.obj ? composite(o.obj) : []),
      ...(appSets.deleted.get(r)?.get(`${o.file}\u0000${identText(o)}`) ?? []),
    ];
    // Argo CD: a cascading Application deletes what it deployed from the old tree (see `removals`).
    const list = removals(matched, allowIds, () => heldOn(r), scope, extra, () => olds.get(r)!.all(), composite);
    changes.set(r.name, list);
  }
  for (const p of fluxPrunes(repos, olds, flux, heldAll, allowIds, scopeOf, composite)) changes.get(p.repo)!.push(p.change);
  for (const p of argoPrunes(repos, olds, flux.s, heldAll, allowIds, scopeOf, composite)) changes.get(p.repo)!.push(p.change);
  for (const p of appSets.changes) changes.get(p.repo)!.push(p.change);
  for (const p of compositionEntryChanges(repos, flux.s, allowIds, scopeOf)) changes.get(p.repo)!.push(p.change);
  for (const p of compositionSwitchChanges(repos, olds, flux.s, allowIds, scopeOf)) changes.get(p.repo)!.push(p.change);
  const clusters = topologyClusterChanges(repos, olds, allowIds, scopeOf, options.originOf);
  clusters.refused.push(...roleAssignmentChanges(repos, olds, scopeOf, options.originOf));
  const azure = dayTwoChanges(repos, olds, flux.s, allowIds, scopeOf, options.originOf);
  clusters.refused.push(...azure.refused);
  for (const p of azure.changes) changes.get(p.repo)!.push(p.change);
  for (const p of clusters.changes) changes.get(p.repo)!.push(p.change);
  for (const p of namespaceRetentionLosses(repos, olds, changes, allowIds, scopeOf)) changes.get(p.repo)!.push(p.change);
  const all = [...changes.values()].flat();
  return { changes, problems: [...unlisted, ...clusters.refused, ...retainedHydrationLeftovers(repos, flux, (r) => olds.get(r)!), ...ambiguityProblems(ambiguous, all)], unusedAllows: unusedAllows(allowIds, all), named: namedByText };
}

/** The file `flux bootstrap` commits the Flux install to, next to its sync (`gotk-sync.yaml`). */
const FLUX_INSTALL_FILE = 'gotk-components.yaml';

/**
 * The folders of a GitRepository the synth writes (a Flux sync: `FluxBootstrap`) that hold the Flux
 * install `flux bootstrap` committed (`gotk-components.yaml`, a user file) without listing it in the
 * kustomization.yaml the synth writes there: the Kustomization applying the folder builds it no
 * more, so if Flux applied it (flux bootstrap did), Flux prunes itself: its controllers, and its
 * CRDs with every Flux object of the cluster. Found also where nothing was committed by the
 * library yet (adopting a bootstrapped repo: its own kustomization.yaml moved away).
 */
function unlistedFluxInstalls(repos: readonly GuardRepo[]): string[] {
  const out: string[] = [];
  for (const r of repos) {
    if (!r.userFile) continue;
    const dirs = new Set<string>();
    for (const n of r.next.objects) if (n.kind === 'GitRepository' && groupOf(n.apiVersion) === 'source.toolkit.fluxcd.io') dirs.add(n.file.includes('/') ? n.file.slice(0, n.file.lastIndexOf('/')) : '');
    for (const dir of [...dirs].sort()) {
      const file = dir ? `${dir}/${FLUX_INSTALL_FILE}` : FLUX_INSTALL_FILE;
      const kfile = dir ? `${dir}/kustomization.yaml` : 'kustomization.yaml';
      const ktext = r.next.kustomizeFiles.get(kfile);
      if (ktext === undefined || r.userFile(file) === undefined) continue;
      const resources = parseKustomization(ktext)?.resources;
      if (Array.isArray(resources) && resources.some((e) => typeof e === 'string' && fluxBuildPath(dir ? `${dir}/${e}` : e) === file)) continue;
      const shown = r.dir && r.dir !== '.' ? `${r.dir.replace(/\/+$/, '')}/${file}` : file;
      out.push(
        `${shown}: the Flux install (flux bootstrap commits it here) is not listed by ${kfile}, which the synth writes: the Kustomization applying this folder ` +
          'builds it no more, and if Flux applied it, prunes Flux itself (its controllers, its CRDs with every Flux object of the cluster); ' +
          `list it with repo.folder('${dir}').addResource('${FLUX_INSTALL_FILE}', { userOwned: true }), or move the file away if Flux is installed another way`,
      );
    }
  }
  return out;
}

/**
 * Old objects for matching (but those of the files `skip`): files whose head names the same
 * object the new tree has in that file are not parsed (their object is unchanged in identity);
 * the others are.
 */
function oldObjects(old: OldTree, next: readonly TreeObject[], skip?: ReadonlySet<string>): TreeObject[] {
  const nextByFile = new Map<string, TreeObject>();
  for (const n of next) nextByFile.set(n.file, n);
  const out: TreeObject[] = [];
  for (const [file, ids] of old.ids()) {
    if (skip?.has(file)) continue;
    const n = nextByFile.get(file);
    const cp = old.snapshot.constructPaths[file];
    if (ids.length === 1 && n && identKey(ids[0]) === identKey(n)) {
      out.push({ file, apiVersion: ids[0].apiVersion, kind: ids[0].kind, name: ids[0].name, namespace: ids[0].namespace, constructPath: cp });
      continue;
    }
    out.push(...old.treeObjects(file));
  }
  return out;
}

/**
 * One problem per ambiguous unscoped allow id: the protected changes it would allow (what the user
 * means, by their scoped ids), else the first five of the objects it names; not all of them (one
 * `Namespace/apps` of a fleet names one per cluster).
 */
function ambiguityProblems(ambiguous: Map<AllowId, string[]>, changes: readonly ObjectChange[]): string[] {
  const problems: string[] = [];
  for (const [a, list] of ambiguous) {
    const removed = [...new Set(changes.filter((c) => c.protection && a.matches(c.action === 'rename' ? c.previous! : c.object)).map((c) => {
      const o = c.action === 'rename' ? c.previous! : c.object;
      return scopedId(o.repo ?? '', o.cluster ?? '', o.id);
    }))].sort();
    problems.push(removed.length > 0
      ? `allowDestroy: "${a.text}" is ambiguous: it names ${list.length} objects, and this change removes ${removed.join(', ')}: allow ${removed.length > 1 ? 'each' : 'it'} by its scoped id (<repo>:<cluster>:Kind/namespace/name)`
      : `allowDestroy: "${a.text}" is ambiguous: it names ${list.length} objects (${list.slice(0, 5).join(', ')}${list.length > 5 ? `, and ${list.length - 5} more` : ''}); ` +
        'allow one of them by its scoped id <repo>:<cluster>:Kind/namespace/name');
  }
  return problems;
}

/** The objects each allow id names in the repos (old or new), by scoped id (sorted). */
function allowCandidates(allow: readonly AllowId[], repos: readonly GuardRepo[], olds: Map<GuardRepo, OldTree>, scopeOf: Map<GuardRepo, (file: string) => string>): Map<AllowId, string[]> {
  if (allow.length === 0) return new Map();
  const candidates = new Map<AllowId, Set<string>>(allow.map((a) => [a, new Set<string>()]));
  const matching = allowMatcher(allow);
  const visit = (r: GuardRepo, file: string, o: Ident) => {
    const info = objectInfo({ file, ...o });
    const found = matching({ ...info, repo: r.name, cluster: scopeOf.get(r)!(file) });
    for (const a of found) candidates.get(a)!.add(scopedId(r.name, scopeOf.get(r)!(file), info.id));
  };
  for (const r of repos) {
    for (const [file, ids] of olds.get(r)!.ids()) for (const o of ids) visit(r, file, o);
    for (const n of r.next.objects) visit(r, n.file, n);
  }
  return new Map([...candidates].map(([a, set]) => [a, [...set].sort()]));
}

/** One GitOpsApp of a synth session, for {@link crossAppAllowProblems}. */
export interface AllowingApp {
  /** Its repo directories (absolute), which name it in messages (relative to the working directory). */
  readonly repoDirs: readonly string[];
  /** What each allow id names in the app (`GuardResult.named`, `Plan.allowNames`). */
  readonly named: Readonly<Record<string, readonly string[]>>;
}

/**
 * One problem per allow id of a synth session (`--allow-destroy`) that names objects in more than
 * one of its apps: the session's ids are given to every GitOpsApp of the app file, and a scoped id
 * (`<repo>:<cluster>:…`) does not say which app it means when two apps have a repo of that name,
 * so such an id could allow removing an object in an app the user did not mean.
 */
export function crossAppAllowProblems(ids: readonly string[], apps: readonly AllowingApp[], cwd: string): string[] {
  const problems: string[] = [];
  const label = (a: AllowingApp) => `GitOpsApp ${apps.indexOf(a) + 1} (${a.repoDirs.map((d) => relative(cwd, d) || '.').join(', ')})`;
  for (const id of ids) {
    const naming = apps.filter((a) => (a.named[id]?.length ?? 0) > 0);
    if (naming.length < 2) continue;
    const where = naming.map((a) => {
      const list = a.named[id];
      return `${label(a)}: ${list.slice(0, 3).join(', ')}${list.length > 3 ? `, and ${list.length - 3} more` : ''}`;
    });
    problems.push(
      `allowDestroy: "${id}" names objects in ${naming.length} GitOpsApps of the app file (${where.join('; ')}); ` +
        'an --allow-destroy id must name objects of one app: scope it (<repo>:<cluster>:Kind/namespace/name) where the apps\' repo names differ, else put it in the allowDestroy prop of the app it is meant for',
    );
  }
  return problems;
}

/** A Flux Kustomization of one side (old or new) and what it applies. */
interface FluxKustomization {
  readonly repo: GuardRepo;
  readonly file: string;
  readonly obj: PlainObject;
  readonly key: string;
  readonly id: string;
}

interface Side {
  readonly kind: 'old' | 'new';
  /** Object identities per file, per repo. */
  ids(r: GuardRepo): Map<string, Ident[]>;
  /** kustomization.yaml files per repo. */
  kfiles(r: GuardRepo): ReadonlyMap<string, string>;
  /** The parsed objects of a file. */
  objects(r: GuardRepo, file: string): PlainObject[];
}

function sides(repos: readonly GuardRepo[], olds: Map<GuardRepo, OldTree>): { old: Side; next: Side } {
  const nextIds = new Map<GuardRepo, Map<string, Ident[]>>();
  const nextObjs = new Map<GuardRepo, Map<string, PlainObject[]>>();
  for (const r of repos) {
    const ids = new Map<string, Ident[]>();
    const objs = new Map<string, PlainObject[]>();
    for (const n of r.next.objects) {
      ids.set(n.file, [...(ids.get(n.file) ?? []), n]);
      if (n.obj) objs.set(n.file, [...(objs.get(n.file) ?? []), n.obj]);
    }
    nextIds.set(r, ids);
    nextObjs.set(r, objs);
  }
  const oldK = new Map<GuardRepo, Map<string, string>>();
  return {
    old: {
      kind: 'old',
      ids: (r) => olds.get(r)!.ids(),
      kfiles: (r) => {
        let k = oldK.get(r);
        if (!k) oldK.set(r, (k = olds.get(r)!.kustomizeFiles()));
        return k;
      },
      objects: (r, file) => olds.get(r)!.objects(file),
    },
    next: {
      kind: 'new',
      ids: (r) => nextIds.get(r)!,
      kfiles: (r) => r.next.kustomizeFiles,
      objects: (r, file) => nextObjs.get(r)!.get(file) ?? [],
    },
  };
}

function isFluxKustomization(o: { apiVersion: string; kind: string }): boolean {
  return o.kind === 'Kustomization' && groupOf(o.apiVersion) === FLUX_KUSTOMIZE_GROUP;
}

/**
 * The objects of one side that `is` selects, with their repo and file: only the files whose
 * identities include such an object are parsed.
 */
function* sideObjects(repos: readonly GuardRepo[], side: Side, is: (o: { apiVersion: string; kind: string }) => boolean): Generator<{ r: GuardRepo; file: string; obj: PlainObject }> {
  for (const r of repos) {
    for (const [file, ids] of side.ids(r)) {
      if (!ids.some(is)) continue;
      for (const obj of side.objects(r, file)) if (is(obj)) yield { r, file, obj };
    }
  }
}

/** The Flux Kustomizations of one side, keyed by repo, namespace, name and target cluster (kubeConfig). */
function kustomizationsOf(repos: readonly GuardRepo[], side: Side): Map<string, FluxKustomization> {
  const out = new Map<string, FluxKustomization>();
  for (const { r, file, obj } of sideObjects(repos, side, isFluxKustomization)) {
    const spec = (obj.spec ?? {}) as { kubeConfig?: { secretRef?: { name?: string } } };
    const base = `${r.name}\u0000${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}\u0000${spec.kubeConfig?.secretRef?.name ?? ''}`;
    // Two with the same name for different clusters of one repo: told apart by their folder.
    const key = out.has(base) ? `${base}\u0000${file.replace(/\/[^/]*$/, '')}` : base;
    out.set(key, { repo: r, file, obj, key: base, id: `Kustomization/${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}` });
  }
  return out;
}


/**
 * The GitRepositories of one side of the app, by namespace then name (the values themselves as
 * keys: a missing namespace is its own key), each with its repo and file, in the order of the
 * repos and of their files; and the repos by normalized URL. Built once per side: looking them up
 * by scanning every repo for each Kustomization was quadratic with one repo per team.
 */
interface SourceIndex {
  readonly gitRepositories: Map<string | undefined, Map<string, Array<{ r: GuardRepo; file: string }>>>;
  readonly repoByUrl: Map<string, GuardRepo>;
}

const SOURCE_INDEXES = new WeakMap<Side, SourceIndex>();

function sourceIndex(repos: readonly GuardRepo[], side: Side): SourceIndex {
  let index = SOURCE_INDEXES.get(side);
  if (index) return index;
  const gitRepositories: SourceIndex['gitRepositories'] = new Map();
  for (const r of repos) {
    for (const [file, ids] of gitRepositoryFiles(side.ids(r))) {
      for (const i of ids) {
        if (i.kind !== 'GitRepository') continue;
        let byName = gitRepositories.get(i.namespace);
        if (!byName) gitRepositories.set(i.namespace, (byName = new Map()));
        const list = byName.get(i.name);
        if (!list) byName.set(i.name, [{ r, file }]);
        else if (list[list.length - 1].file !== file || list[list.length - 1].r !== r) list.push({ r, file }); // a file once per name
      }
    }
  }
  const repoByUrl = new Map<string, GuardRepo>();
  for (const x of repos) {
    if (x.url === undefined) continue;
    const key = normalizeRepoUrl(x.url);
    if (!repoByUrl.has(key)) repoByUrl.set(key, x);
  }
  SOURCE_INDEXES.set(side, (index = { gitRepositories, repoByUrl }));
  return index;
}

/**
 * The repo a Kustomization's `sourceRef` (a GitRepository of the app) points at; else its own repo.
 * `strict`: undefined instead when the source is known not to be a repo of the app (an
 * OCIRepository, or a GitRepository of the app whose URL is no repo of it); a GitRepository the
 * app does not write (flux bootstrap's, imported) is still taken for the Kustomization's own repo.
 */
function sourceRepo(k: FluxKustomization, repos: readonly GuardRepo[], side: Side, strict = false): GuardRepo | undefined {
  const spec = (k.obj.spec ?? {}) as { sourceRef?: { kind?: string; name?: string; namespace?: string } };
  const ref = spec.sourceRef ?? {};
  const ns = ref.namespace ?? k.obj.metadata?.namespace;
  if (strict && (ref.kind ?? 'GitRepository') !== 'GitRepository') return undefined;
  let other = false;
  if ((ref.kind ?? 'GitRepository') === 'GitRepository' && typeof ref.name === 'string') {
    const index = sourceIndex(repos, side);
    const found = index.gitRepositories.get(ns)?.get(ref.name) ?? [];
    // The Kustomization's own repo first, then the others in order.
    for (const { r, file } of [...found.filter((c) => c.r === k.repo), ...found.filter((c) => c.r !== k.repo)]) {
      const git = side.objects(r, file).find((o) => o.kind === 'GitRepository' && o.metadata?.name === ref.name);
      const url = (git?.spec as { url?: unknown } | undefined)?.url;
      if (typeof url !== 'string') continue;
      const target = index.repoByUrl.get(normalizeRepoUrl(url));
      if (target) return target;
      other = true;
    }
  }
  return strict && other ? undefined : k.repo;
}

/** What the guard reads of a kustomization.yaml. */
type KustomizationDoc = { resources?: unknown; components?: unknown; kind?: unknown; namespace?: unknown; namePrefix?: unknown; nameSuffix?: unknown };

const KUSTOMIZATIONS = new Map<string, KustomizationDoc | null>();

/** A parsed kustomization.yaml (memoized by content: builds of many Kustomizations share folders). */
function parseKustomization(text: string): KustomizationDoc | null {
  let doc = KUSTOMIZATIONS.get(text);
  if (doc === undefined) {
    try {
      doc = (parse(text) as typeof doc) ?? null;
    } catch {
      doc = null;
    }
    if (KUSTOMIZATIONS.size > 10_000) KUSTOMIZATIONS.clear();
    KUSTOMIZATIONS.set(text, doc);
  }
  return doc;
}

/** An object of a build: its file, its identity as applied (targetNamespace) and as written. */
interface Built {
  readonly file: string;
  readonly ident: Ident;
  readonly raw: Ident;
  /** What renamed it on its way into the build, innermost first (see `build`); none when nothing did. */
  readonly layers?: readonly KustomizeRename[];
}

const GIT_REPOSITORY_FILES = new WeakMap<Map<string, Ident[]>, Array<[string, Ident[]]>>();

/** The files of `ids` holding a GitRepository (cached per map: looked up once per Kustomization). */
function gitRepositoryFiles(ids: Map<string, Ident[]>): Array<[string, Ident[]]> {
  let out = GIT_REPOSITORY_FILES.get(ids);
  if (!out) GIT_REPOSITORY_FILES.set(ids, (out = [...ids].filter(([, list]) => list.some((i) => i.kind === 'GitRepository'))));
  return out;
}

/**
 * One side of a repo as the build model reads it (lib/core/flux-build.ts, shared with the
 * Kustomization construct's checks and the apply-order model): its directories (sorted, so those
 * below a path are found by binary search: a fleet has one Kustomization per cluster stage), the
 * files directly in each, and what each kustomization.yaml lists, parsed once.
 */
interface SideTree {
  readonly tree: BuildTree<string>;
  readonly filesIn: ReadonlyMap<string, readonly string[]>;
  listedFiles(dir: string): readonly string[];
  /** The kustomization file of a directory that has one. */
  kustomizationFile(dir: string): string | undefined;
  /**
   * What the kustomization file of a directory renames what it builds with (its `namespace`,
   * `namePrefix`, `nameSuffix`); none for a Component's (it renames the build including it: see
   * {@link componentsOf}) or a directory without one.
   */
  affixOf(dir: string): KustomizeRename;
  /** The components a directory's kustomization file lists, with what each renames; and those at a path (a Flux spec's `components`). */
  componentsOf(dir: string): ReadonlyArray<ComponentRename<string>>;
  componentsAt(path: string, entries: readonly string[]): ReadonlyArray<ComponentRename<string>>;
}

const SIDE_TREES = new WeakMap<Map<string, Ident[]>, SideTree>();

function sideTree(ids: Map<string, Ident[]>, kfiles: ReadonlyMap<string, string>, user: (file: string) => unknown = () => undefined): SideTree {
  let st = SIDE_TREES.get(ids);
  if (st) return st;
  const dirOf = (f: string) => (f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '');
  const filesIn = new Map<string, string[]>();
  for (const file of ids.keys()) {
    const list = filesIn.get(dirOf(file));
    if (list) list.push(file);
    else filesIn.set(dirOf(file), [file]);
  }
  const kfileOf = new Map<string, string>();
  for (const f of kfiles.keys()) if (!kfileOf.has(dirOf(f)) || f.endsWith('.yaml')) kfileOf.set(dirOf(f), f);
  const dirs = new Set<string>([...filesIn.keys(), ...kfileOf.keys()]);
  const sorted = [...dirs].sort();
  const listed = new Map<string, { dirs: string[]; files: string[]; affix: KustomizeRename; componentAffix: KustomizeRename; components: string[] }>();
  const listOf = (d: string) => {
    let l = listed.get(d);
    if (!l) {
      const doc = kfileOf.has(d) ? parseKustomization(kfiles.get(kfileOf.get(d)!)!) : null;
      const affix = doc ? renameOf(doc.namespace, doc.namePrefix, doc.nameSuffix) : NO_TRANSFORM;
      const component = doc?.kind === 'Component';
      l = { dirs: [], files: [], affix: component ? NO_TRANSFORM : affix, componentAffix: component ? affix : NO_TRANSFORM, components: [] };
      const components = Array.isArray(doc?.components) ? doc!.components : [];
      for (const e of [...(Array.isArray(doc?.resources) ? doc!.resources : []), ...components]) {
        if (typeof e !== 'string' || e.includes('://') || e.startsWith('/')) continue;
        const target = fluxBuildPath(d ? `${d}/${e}` : e);
        if (ids.has(target)) l.files.push(target);
        else if (kfileOf.has(target)) l.dirs.push(target);
        // A file the library does not write that stays (the Flux install flux bootstrap commits).
        else if (user(target)) l.files.push(target);
      }
      for (const e of components) if (typeof e === 'string' && !e.includes('://') && !e.startsWith('/')) l.components.push(fluxBuildPath(d ? `${d}/${e}` : e));
      listed.set(d, l);
    }
    return l;
  };
  const componentAt = (target: string): ComponentRename<string> => (kfileOf.has(target) ? { dir: target, rename: listOf(target).componentAffix } : { rename: NO_TRANSFORM });
  st = {
    tree: {
      at: (p) => (dirs.has(p) ? p : undefined),
      pathOf: (d) => d,
      isKustomized: (d) => kfileOf.has(d),
      listedDirs: (d) => listOf(d).dirs,
      atOrBelow: (p) => (p === '' ? sorted : [...(dirs.has(p) ? [p] : []), ...withPrefix(sorted, `${p}/`, (d) => d)]),
    },
    filesIn,
    listedFiles: (d) => listOf(d).files,
    kustomizationFile: (d) => kfileOf.get(d),
    affixOf: (d) => (kfileOf.has(d) ? listOf(d).affix : NO_TRANSFORM),
    componentsOf: (d) => (kfileOf.has(d) ? listOf(d).components.map(componentAt) : []),
    componentsAt: (path, entries) => entries.map((e) => componentAt(fluxBuildPath(path ? `${path}/${e}` : e))),
  };
  SIDE_TREES.set(ids, st);
  return st;
}

const NO_TRANSFORM: KustomizeRename = {};


/**
 * What `kustomize build` of `dir` in a repo yields (lib/core/flux-build.ts: without a
 * kustomization.yaml, Flux's generated one), as identity key → file (no remote resources). With
 * `recurse` false, a directory without a kustomization.yaml yields only the files directly in it
 * (an Argo CD directory source without `directory.recurse`). `leftOut`: the files the source
 * leaves out of its artifact, which Flux's generated kustomization.yaml does not list (a
 * kustomization.yaml listing one fails the build: the apply-order check refuses that at synth).
 */
function build(r: GuardRepo, side: Side, dir: string, transform: KustomizeRename, recurse = true, leftOut?: (file: string) => unknown, specComponents: readonly string[] = []): Map<string, Built> {
  const out = new Map<string, Built>();
  const ids = side.ids(r);
  const st = sideTree(ids, side.kfiles(r), (file) => userObjects(r, file));
  const add = (file: string, layers: readonly KustomizeRename[]) => {
    const renaming = layers.some(renames);
    for (const i of ids.get(file) ?? userObjects(r, file)?.idents ?? []) {
      const ident = renaming ? renamedThrough(i, layers) : i;
      out.set(identKey(ident), renaming ? { file, ident, raw: i, layers } : { file, ident, raw: i });
    }
  };
  const p = fluxSpecPath(dir);
  const components = st.componentsAt(p, specComponents);
  const dirs = builtDirectories(st.tree, dir, components.flatMap((c) => (c.dir === undefined ? [] : [c.dir])));
  if (!recurse && dirs.length > 0 && dirs[0].generated) {
    for (const f of st.filesIn.get(p) ?? []) add(f, [transform]);
    return out;
  }
  // Where Flux generates the kustomization.yaml, a directory the source leaves out entirely is not built.
  const kept = leftOut ? withoutDroppedDirectories(st.tree, st, dirs, leftOut) : dirs;
  // What renames the objects of each directory, along each way the build reaches it
  // (lib/core/flux-build.ts, shared with the apply-order model).
  const chains = renameChains(st.tree, kept, dir, transform, st.affixOf, { of: st.componentsOf, spec: components });
  for (const b of kept) {
    if (b.generated) {
      // Flux's generated kustomization.yaml: the spec's components, then its fields.
      const layers = chains.get(b.dir)?.[0] ?? [transform];
      for (const f of st.filesIn.get(b.dir) ?? []) if (!leftOut?.(f)) add(f, layers);
    } else {
      for (const layers of chains.get(b.dir) ?? []) for (const f of st.listedFiles(b.dir)) add(f, layers);
    }
  }
  return out;
}

/**
 * What a Kustomization's source leaves out of its artifact (lib/core/source-ignore.ts): for a
 * GitRepository of the app, its `spec.ignore` (or Flux's default exclusions); for an
 * ExternalArtifact an ArtifactGenerator of the trees copies directories of a GitRepository into,
 * that GitRepository's, then source-watcher's default exclusions on `<name>/<file>`. Undefined
 * when the source is not in the trees (flux bootstrap's own GitRepository: its patterns are unknown).
 */
function sourceFilterOf(k: FluxKustomization, repos: readonly GuardRepo[], side: Side): ((file: string) => Exclusion | undefined) | undefined {
  const spec = (k.obj.spec ?? {}) as { sourceRef?: { kind?: string; name?: string; namespace?: string } };
  const ref = spec.sourceRef ?? {};
  const ns = ref.namespace ?? k.obj.metadata?.namespace ?? '';
  if (typeof ref.name !== 'string') return undefined;
  let left: ReturnType<typeof artifactLeftOut>;
  if (ref.kind === 'ExternalArtifact') {
    const copied = artifactsOf(repos, side).get(`${ns}/${ref.name}`);
    left = artifactLeftOut(copied ? gitFilterOf(copied.namespace, copied.name, k.repo, repos, side) : undefined, ref.name);
  } else if ((ref.kind ?? 'GitRepository') === 'GitRepository') {
    const git = gitFilterOf(ns, ref.name, k.repo, repos, side);
    if (!git) return undefined;
    left = artifactLeftOut(git);
  } else {
    return undefined;
  }
  return (file) => left(file)?.exclusion;
}

/** The filter of GitRepository `namespace`/`name` of the trees (the one in `own` first), if there is one. */
function gitFilterOf(namespace: string | undefined, name: string, own: GuardRepo, repos: readonly GuardRepo[], side: Side): SourceFilter | undefined {
  const found = sourceIndex(repos, side).gitRepositories.get(namespace)?.get(name) ?? [];
  for (const { r, file } of [...found.filter((c) => c.r === own), ...found.filter((c) => c.r !== own)]) {
    const git = side.objects(r, file).find((o) => o.kind === 'GitRepository' && o.metadata?.name === name);
    if (!git) continue;
    const ignore = (git.spec as { ignore?: unknown } | undefined)?.ignore;
    const text = typeof ignore === 'string' ? ignore : '';
    let filter = SOURCE_FILTERS.get(text);
    if (!filter) SOURCE_FILTERS.set(text, (filter = sourceControllerFilter(typeof ignore === 'string' ? ignore : undefined)));
    return filter;
  }
  return undefined;
}

const ARTIFACTS = new WeakMap<Side, Map<string, { name: string; namespace: string }>>();

/** The ExternalArtifacts the ArtifactGenerators of one side copy directories of a GitRepository into (`<namespace>/<name>` → that GitRepository), found once per side. */
function artifactsOf(repos: readonly GuardRepo[], side: Side): Map<string, { name: string; namespace: string }> {
  let out = ARTIFACTS.get(side);
  if (out) return out;
  out = new Map();
  const isGenerator = (o: { apiVersion: string; kind: string }) => o.kind === 'ArtifactGenerator' && groupOf(o.apiVersion) === 'source.extensions.fluxcd.io';
  for (const { obj } of sideObjects(repos, side, isGenerator)) {
    for (const [name, git] of artifactGitSources(obj)) out.set(`${obj.metadata?.namespace ?? ''}/${name}`, git);
  }
  ARTIFACTS.set(side, out);
  return out;
}

/** Filters by `spec.ignore` text (`''` also for none: the same patterns, Flux's defaults). */
const SOURCE_FILTERS = new Map<string, ReturnType<typeof sourceControllerFilter>>();

/** What a Kustomization applies: its source repo's build of `spec.path`. */
function applied(k: FluxKustomization, repos: readonly GuardRepo[], side: Side): Map<string, Built & { repo: GuardRepo }> {
  const spec = (k.obj.spec ?? {}) as { path?: string; patches?: unknown };
  const src = sourceRepo(k, repos, side);
  const out = new Map<string, Built & { repo: GuardRepo }>();
  if (!src) return out;
  // Objects its `$patch: delete` patches drop are not applied (and pruned once applied): matched
  // with the apply-order model's matcher (lib/core/patch-targets.ts) on the names kustomize
  // matches targets against (see droppedBy).
  const deleted = deletedByPatches(spec.patches);
  for (const [key, v] of build(src, side, spec.path ?? './', fluxSpecRename(k.obj.spec), true, sourceFilterOf(k, repos, side), fluxSpecComponents(k.obj.spec))) {
    if (deleted && droppedBy(deleted, src, v, side)) continue;
    out.set(key, { ...v, repo: src });
  }
  return out;
}

function kPrunes(obj: PlainObject, removed: boolean): boolean {
  const spec = (obj.spec ?? {}) as { prune?: unknown; deletionPolicy?: unknown; suspend?: unknown };
  if (removed) {
    if (spec.deletionPolicy === 'Delete' || spec.deletionPolicy === 'WaitForTermination') return true;
    if (spec.deletionPolicy === 'Orphan') return false;
  }
  return spec.prune === true;
}

/** Where a Kustomization is, for messages: `Kustomization/ns/name (repo/file)`. */
function describeK(k: FluxKustomization): string {
  const dir = k.repo.dir && k.repo.dir !== '.' ? `${k.repo.dir.replace(/\/+$/, '')}/` : '';
  return `${k.id} (${dir}${k.file})`;
}

/** Whether kustomize-controller's prune leaves the object alone (prune: disabled or reconcile: disabled, a label or an annotation, any case). */
function pruneDisabled(obj: PlainObject | undefined): boolean {
  return obj !== undefined && keptByFluxPrune(obj);
}

/** Both sides of the app and their Flux Kustomizations (found once for the removal reasons and the prunes). */
interface FluxSides {
  readonly s: { old: Side; next: Side };
  readonly oldKs: Map<string, FluxKustomization>;
  readonly newKs: Map<string, FluxKustomization>;
}

function fluxKustomizations(repos: readonly GuardRepo[], olds: Map<GuardRepo, OldTree>): FluxSides {
  const s = sides(repos, olds);
  // Only old files with a Kustomization head are looked at, so apps without Flux pay nothing.
  const oldKs = kustomizationsOf(repos, s.old);
  return { s, oldKs, newKs: oldKs.size === 0 ? new Map() : kustomizationsOf(repos, s.next) };
}

/**
 * Extra protection of removed Flux Kustomizations that hydrate a remote cluster (`kubeConfig`):
 * removing one prunes everything it applied there. Per repo, file → reasons.
 */
function fluxRemovalReasons(repos: readonly GuardRepo[], olds: Map<GuardRepo, OldTree>, flux: FluxSides): Map<GuardRepo, Map<string, string[]>> {
  const out = new Map<GuardRepo, Map<string, string[]>>();
  const { s, oldKs, newKs } = flux;
  for (const [key, k] of oldKs) {
    if (newKs.has(key)) continue;
    // One Flux does not delete (prune: disabled, RETAIN) stays on the management cluster: its
    // removal prunes nothing (it is still protected by its own marker).
    if (!kPrunes(k.obj, true) || pruneDisabled(k.obj)) continue;
    const reason = hydrationReason(k, repos, olds, s.old, 'removing');
    if (!reason) continue;
    const map = out.get(k.repo) ?? new Map<string, string[]>();
    map.set(k.file, [...(map.get(k.file) ?? []), reason]);
    out.set(k.repo, map);
  }
  return out;
}

/**
 * Why deleting a Flux Kustomization that hydrates a remote cluster (`kubeConfig`) is dangerous:
 * its deletion (Flux's default `deletionPolicy`, with `prune: true`) prunes what it applied there,
 * but the objects annotated `prune: disabled`; undefined when it applies nothing else there.
 */
function hydrationReason(k: FluxKustomization, repos: readonly GuardRepo[], olds: Map<GuardRepo, OldTree>, side: Side, what: 'removing' | 'pruning'): string | undefined {
  const secret = ((k.obj.spec ?? {}) as { kubeConfig?: { secretRef?: { name?: string } } }).kubeConfig?.secretRef?.name;
  if (!secret) return undefined;
  // Objects Flux does not prune (RETAIN writes the annotation) stay on the cluster.
  const ids = [...applied(k, repos, side).values()]
    .filter((v) => !pruneDisabled(olds.get(v.repo)!.objects(v.file).find((o) => o.kind === v.raw.kind && (o.metadata?.name ?? '') === v.raw.name)))
    .map((v) => objectInfo({ file: v.file, ...v.ident }).id);
  if (ids.length === 0) return undefined;
  const list = [...new Set(ids)].sort();
  const shown = list.slice(0, 5).join(', ') + (list.length > 5 ? `, and ${list.length - 5} more` : '');
  return `hydrates the remote cluster of kubeConfig Secret ${secret}: ${what} it prunes the ${list.length} object(s) it applied there: ${shown}`;
}

/**
 * Removed Flux Kustomizations that hydrate a remote cluster and stay on the management cluster
 * (annotated `prune: disabled`, or `deletionPolicy: Orphan`: a retained Fleet row's), while their
 * `spec.path` still exists after the synth (user files the library does not delete, or files the
 * synth writes there) and no longer builds all they applied: such a Kustomization keeps
 * reconciling, Flux builds what is left instead of failing on a missing path ("kustomization path
 * not found"), and with `prune: true` deletes the rest of what it applied on the remote cluster
 * (objects annotated `prune: disabled` excepted). One refusal each, naming the files to move away.
 */
function retainedHydrationLeftovers(repos: readonly GuardRepo[], flux: FluxSides, olds: (r: GuardRepo) => OldTree): string[] {
  const out: string[] = [];
  const { s, oldKs, newKs } = flux;
  for (const [key, k] of oldKs) {
    if (newKs.has(key)) continue;
    const spec = (k.obj.spec ?? {}) as { kubeConfig?: { secretRef?: { name?: string } }; path?: string; prune?: unknown; deletionPolicy?: unknown };
    const secret = spec.kubeConfig?.secretRef?.name;
    if (!secret || spec.prune !== true || (!pruneDisabled(k.obj) && spec.deletionPolicy !== 'Orphan')) continue;
    // Only a path of an app repo is known (not an OCI artifact's, nor another app's repo's).
    const src = sourceRepo(k, repos, s.old, true);
    if (!src) continue;
    const dir = fluxSpecPath(spec.path ?? './');
    const left = src.leftovers?.(dir) ?? [];
    if (left.length === 0) continue;
    // What the path still builds (the library's files: user files are taken to build nothing of it).
    const still = build(src, s.next, spec.path ?? './', fluxSpecRename(spec), true, undefined, fluxSpecComponents(spec));
    const pruned = [...applied(k, repos, s.old)]
      .filter(([key, v]) => !still.has(key) && !pruneDisabled(olds(v.repo).objects(v.file).find((o) => o.kind === v.raw.kind && (o.metadata?.name ?? '') === v.raw.name)))
      .map(([, v]) => objectInfo({ file: v.file, ...v.ident }).id);
    if (pruned.length === 0) continue;
    const list = [...new Set(pruned)].sort();
    const shown = left.slice(0, 3).join(', ') + (left.length > 3 ? `, and ${left.length - 3} more` : '');
    out.push(`${describeK(k)}: removed, but it stays on the management cluster (${pruneDisabled(k.obj) ? 'prune: disabled' : 'deletionPolicy: Orphan'}) and keeps reconciling, ` +
      `and its path "${spec.path ?? './'}" still holds ${left.length} file(s) after this synth (${shown}): Flux builds them instead of failing on the missing path, ` +
      `and its prune deletes the ${list.length} other object(s) it applied on the remote cluster of kubeConfig Secret ${secret} (${list.slice(0, 5).join(', ')}${list.length > 5 ? `, and ${list.length - 5} more` : ''}); ` +
      (dir === '' ? 'its path is the repo root, which stays: delete the Kustomization from the cluster first' : `move those files out of "${dir}" (or delete the Kustomization from the cluster first)`));
  }
  return out;
}

/**
 * The objects the app still produces, by cluster and identity: only those can be pruned while
 * their file stays in Git (an object whose cluster's folder is gone, such as a removed Fleet row's
 * Namespace, is deleted, not pruned, even when other clusters have an object of that name).
 */
function presentObjects(repos: readonly GuardRepo[], scopeOf: Map<GuardRepo, (file: string) => string>): Set<string> {
  const present = new Set<string>();
  for (const r of repos) {
    const cluster = scopeOf.get(r)!;
    for (const n of r.next.objects) present.add(`${cluster(n.file)}\u0000${identKey(n)}`);
  }
  return present;
}

/** What {@link protectedPrune} reads, built once per check. */
interface PruneContext {
  readonly olds: Map<GuardRepo, OldTree>;
  readonly scopeOf: Map<GuardRepo, (file: string) => string>;
  readonly held: () => HeldLookup;
  readonly composite: (obj: PlainObject) => string[];
  /** See {@link presentObjects}. */
  readonly present: Set<string>;
  /** Objects reported already (repo and identity). */
  readonly reported: Set<string>;
  /** More reasons for a pruned object of a repo's file (a Kustomization hydrating a remote cluster). */
  readonly extra: (obj: PlainObject, r: GuardRepo, file: string) => string[];
}

function pruneContext(
  repos: readonly GuardRepo[],
  olds: Map<GuardRepo, OldTree>,
  held: () => HeldLookup,
  scopeOf: Map<GuardRepo, (file: string) => string>,
  composite: (obj: PlainObject) => string[],
  extra: (obj: PlainObject, r: GuardRepo, file: string) => string[] = () => [],
): PruneContext {
  return { olds, scopeOf, held, composite, present: presentObjects(repos, scopeOf), reported: new Set(), extra };
}

/**
 * An object of an old build (`ikey`, `v`) that a controller (Flux, Argo CD) would prune although
 * the app still produces it on its cluster, with why it is protected: undefined when it is gone
 * from the app (a deletion, reported as such), the controller leaves it alone (`keeps`), it is not
 * protected, or it was reported already. A Namespace still in Git is always protected: not meant to
 * go, its deletion takes everything in it, also what other Kustomizations and repos apply there (a
 * tenant's workloads).
 */
function protectedPrune(v: Built & { repo: GuardRepo }, ikey: string, ctx: PruneContext, keeps: (obj: PlainObject) => boolean): { info: ObjectInfo; reasons: string[] } | undefined {
  // A user file's objects stay in Git with it (the library never deletes a user file).
  const user = userObjects(v.repo, v.file);
  if (!user && !ctx.present.has(`${ctx.scopeOf.get(v.repo)!(v.file)}\u0000${identKey(v.raw)}`)) return undefined;
  const old = ctx.olds.get(v.repo)!;
  const obj = (user?.objects ?? old.objects(v.file)).find((o) => o.kind === v.raw.kind && (o.metadata?.name ?? '') === v.raw.name);
  if (!obj || keeps(obj)) return undefined;
  // Named as Flux applied it (its namespace, name prefix and suffix: what the prune deletes).
  const t = treeObject(v.file, { ...obj, metadata: { ...obj.metadata, namespace: v.ident.namespace, name: v.ident.name } }, old.snapshot.constructPaths[v.file]);
  const reasons = [...protectionReasons(t.obj!), ...ctx.composite(t.obj!), ...ctx.extra(obj, v.repo, v.file)];
  if (t.kind === 'Namespace' && groupOf(t.apiVersion) === '') {
    const inside = ctx.held().get(t.name);
    reasons.push(inside && inside.length > 0 ? namespaceReason(inside) : NAMESPACE_PRUNE_REASON);
  }
  const dedupe = `${v.repo.name}\u0000${ikey}`;
  if (reasons.length === 0 || ctx.reported.has(dedupe)) return undefined;
  ctx.reported.add(dedupe);
  return { info: { ...objectInfo(t), repo: v.repo.name, cluster: ctx.scopeOf.get(v.repo)!(v.file) }, reasons };
}

/**
 * The objects Flux would prune from a cluster although their file stays in Git (their
 * Kustomization is removed, re-pointed or narrowed, or they moved to another Kustomization's
 * folder), that are protected and not annotated `kustomize.toolkit.fluxcd.io/prune: disabled`.
 */
function fluxPrunes(
  repos: readonly GuardRepo[],
  olds: Map<GuardRepo, OldTree>,
  flux: FluxSides,
  held: () => HeldLookup,
  allow: readonly AllowId[],
  scopeOf: Map<GuardRepo, (file: string) => string>,
  composite: (obj: PlainObject) => string[],
): Array<{ repo: string; change: ObjectChange }> {
  const { s, oldKs, newKs } = flux;
  if (oldKs.size === 0) return [];
  // A pruned Kustomization that hydrates a remote cluster is deleted by Flux, and its deletion
  // prunes what it applied there (a DESTROY-policy Fleet row's moved to another bucket).
  const byFile = new Map<string, FluxKustomization>();
  for (const k of oldKs.values()) byFile.set(`${k.repo.name}\u0000${k.file}\u0000${k.obj.metadata?.namespace ?? ''}/${k.obj.metadata?.name ?? ''}`, k);
  const hydrating = (obj: PlainObject, r: GuardRepo, file: string): string[] => {
    if (!isFluxKustomization(obj)) return [];
    const k = byFile.get(`${r.name}\u0000${file}\u0000${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`);
    const reason = k && kPrunes(k.obj, true) ? hydrationReason(k, repos, olds, s.old, 'pruning') : undefined;
    return reason ? [reason] : [];
  };
  const ctx = pruneContext(repos, olds, held, scopeOf, composite, hydrating);
  const droppedByPatchOf = (k: FluxKustomization, v: Built & { repo: GuardRepo }) => {
    const deleted = deletedByPatches((k.obj.spec as { patches?: unknown } | undefined)?.patches);
    return deleted !== undefined && s.next.ids(v.repo).has(v.file) && droppedBy(deleted, v.repo, v, s.next);
  };
  const out: Array<{ repo: string; change: ObjectChange }> = [];
  const allowed = allowMatcher(allow);
  for (const [key, k] of oldKs) {
    const kNew = newKs.get(key);
    // A Kustomization whose committed spec prunes may reconcile the new revision before its own new
    // spec is applied (every Kustomization of a source is requeued on its new revision, ordered only
    // by dependsOn: kustomize-controller kustomization_indexers.go): prune: false in the same change
    // does not stop the prune.
    if (kNew ? !kPrunes(kNew.obj, false) && !kPrunes(k.obj, false) : !kPrunes(k.obj, true)) continue;
    const before = applied(k, repos, s.old);
    if (before.size === 0) continue;
    const after = kNew ? applied(kNew, repos, s.next) : new Map();
    for (const [ikey, v] of before) {
      if (after.has(ikey)) continue;
      const pruned = protectedPrune(v, ikey, ctx, pruneDisabled);
      if (!pruned) continue;
      const { info, reasons } = pruned;
      // A file still in Git that the source now leaves out of its artifact: said so.
      const ignored = kNew && s.next.ids(v.repo).has(v.file) ? sourceFilterOf(kNew, repos, s.next)?.(v.file) : undefined;
      const renamedTo = kNew && !ignored ? renamedIn(before, after, v) : undefined;
      const why =
        kNew === undefined
          ? `${describeK(k)} is removed`
          : ignored
            ? `${describeK(kNew)} no longer applies it: its source leaves ${v.file} out of the artifact (${describeExclusion(ignored)})`
            : droppedByPatchOf(kNew, v)
              ? `${describeK(kNew)} no longer applies it: a $patch: delete entry of its spec.patches drops it from the build`
              : renamedTo
              ? `${describeK(kNew)} applies it as ${identText(renamedTo)} instead of ${identText(v.ident)} (a namespace, namePrefix or nameSuffix of the Kustomization or of a kustomization.yaml of its build changed), and prunes ${identText(v.ident)}`
              : `${describeK(kNew)} no longer applies it (its build of ${String((kNew.obj.spec as { path?: unknown }).path)} lacks it)`;
      out.push({
        repo: v.repo.name,
        change: {
          action: 'prune', object: info, prunedBy: why, protection: reasons, blocked: allowed(info).length === 0,
          pruneStoppable: { kustomization: (kNew ?? k).id, removed: kNew === undefined, ...(ignored ? { leftOut: v.file } : {}), ...(kNew && !ignored && userObjects(v.repo, v.file) ? { userFile: v.file } : {}) },
        },
      });
    }
  }
  return out;
}

/**
 * Whether `deleted` (a Kustomization's `$patch: delete` patches) drops the object `v` of repo `r`
 * from its build, by the ids kustomize matches targets against (`droppedByDeletePatches` in
 * lib/core/flux-build.ts, shared with the apply-order model). Matched on the object as written;
 * where the guard keeps only its identity (a synth keeps whole objects of a few kinds only), on that, so a target by label
 * or annotation selector matches it only where the object is kept.
 */
function droppedBy(deleted: (o: KubeObject) => boolean, r: GuardRepo, v: Built, side: Side): boolean {
  const obj = side.objects(r, v.file).find((o) => o.kind === v.raw.kind && (o.metadata?.name ?? '') === v.raw.name && (o.metadata?.namespace ?? undefined) === (v.raw.namespace ?? undefined));
  const { apiVersion, kind, name, namespace } = v.raw;
  const written = (obj ?? { apiVersion, kind, metadata: { name, ...(namespace !== undefined ? { namespace } : {}) } }) as unknown as KubeObject;
  return droppedByDeletePatches(deleted, written, v.layers ?? []);
}

/**
 * The identity under which `after` (a Kustomization's build) applies the object `v` of the old
 * build `before`: from the same file, as written, under an identity the old build did not have
 * (not another copy of it, as a base two overlays list is built twice).
 */
function renamedIn(before: ReadonlyMap<string, Built>, after: ReadonlyMap<string, Built>, v: Built): Ident | undefined {
  const raw = identKey(v.raw);
  for (const [key, a] of after) if (a.file === v.file && identKey(a.raw) === raw && !before.has(key)) return a.ident;
  return undefined;
}

/** `Kind/namespace/name` (`Kind/name` when cluster-scoped). */
function identText(i: Ident): string {
  return `${i.kind}/${i.namespace ? `${i.namespace}/` : ''}${i.name}`;
}

/** An Argo CD Application of one side of the app. */
interface ArgoApplication {
  readonly repo: GuardRepo;
  readonly file: string;
  readonly obj: PlainObject;
  readonly id: string;
  /** The ApplicationSet that generates it (its id), for an Application not in Git. */
  readonly generatedBy?: string;
}

function isArgoApplication(o: { apiVersion: string; kind: string }): boolean {
  return o.kind === 'Application' && groupOf(o.apiVersion) === 'argoproj.io';
}

/**
 * The Argo CD Applications of one side, keyed by the cluster they live on (their file's), namespace
 * and name: one Argo CD per cluster, whichever repo of the app holds the Application.
 */
function applicationsOf(repos: readonly GuardRepo[], side: Side, scopeOf: Map<GuardRepo, (file: string) => string>): Map<string, ArgoApplication> {
  const out = new Map<string, ArgoApplication>();
  for (const { r, file, obj } of sideObjects(repos, side, isArgoApplication)) {
    const ns = obj.metadata?.namespace ?? '';
    const name = obj.metadata?.name ?? '';
    out.set(`${scopeOf.get(r)!(file)}\u0000${ns}/${name}`, { repo: r, file, obj, id: `Application/${ns}/${name}` });
  }
  return out;
}

/**
 * What an Application deploys from the app's repos: each Git source's build of its `path`, the
 * namespaced objects without a namespace in its `destination.namespace` (Argo CD applies them
 * there: a changed destination namespace deploys them anew, and prunes them from the old one).
 */
function deployed(a: ArgoApplication, repos: readonly GuardRepo[], side: Side): Map<string, Built & { repo: GuardRepo }> {
  type Source = { repoURL?: unknown; path?: unknown; directory?: { recurse?: unknown }; kustomize?: { namePrefix?: unknown; nameSuffix?: unknown; namespace?: unknown } };
  const spec = (a.obj.spec ?? {}) as { source?: Source; sources?: Source[]; destination?: { namespace?: unknown } };
  const destination = typeof spec.destination?.namespace === 'string' && spec.destination.namespace !== '' ? spec.destination.namespace : undefined;
  const out = new Map<string, Built & { repo: GuardRepo }>();
  for (const src of [spec.source, ...(Array.isArray(spec.sources) ? spec.sources : [])]) {
    if (!src || typeof src.repoURL !== 'string' || typeof src.path !== 'string') continue;
    const repo = sourceIndex(repos, side).repoByUrl.get(normalizeRepoUrl(src.repoURL));
    if (!repo) continue;
    // A kustomize application (a kustomization file at the path): Argo CD sets the source's
    // kustomize namePrefix, nameSuffix and namespace on it (kustomize edit), renaming what it deploys.
    const kustomized = sideTree(side.ids(repo), side.kfiles(repo), (file) => userObjects(repo, file)).tree.isKustomized(fluxSpecPath(src.path));
    const k = kustomized ? src.kustomize : undefined;
    const transform = renameOf(k?.namespace, k?.namePrefix, k?.nameSuffix);
    for (const [key, v] of build(repo, side, src.path, transform, src.directory?.recurse === true)) {
      if (destination !== undefined && !v.ident.namespace && !isClusterScoped(v.ident.apiVersion, v.ident.kind)) {
        const ident = { ...v.ident, namespace: destination };
        out.set(identKey(ident), { ...v, ident, repo });
      } else out.set(key, { ...v, repo });
    }
  }
  return out;
}

/** Whether an Application's automated sync prunes (`spec.syncPolicy.automated.prune: true`, not `enabled: false`). */
function prunesAutomatically(obj: PlainObject): boolean {
  const policy = (obj.spec as { syncPolicy?: { automated?: { prune?: unknown; enabled?: unknown } } } | undefined)?.syncPolicy;
  return policy?.automated?.prune === true && policy.automated.enabled !== false;
}

/**
 * The objects Argo CD would prune although their file stays in Git: an Application that stays,
 * with automated prune (as changed), no longer deploys them (they moved to another Application's
 * folder, or its source path changed). Argo CD tracks each resource by the Application that last
 * synced it, so the Application that syncs first decides: when it is the one that lost the object,
 * it deletes it (https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/#automatic-pruning).
 * Only protected objects without the sync option `Prune=false` are reported (a removed
 * Application deletes what it deployed only with the cascading finalizer: see `removals`).
 */
function argoPrunes(
  repos: readonly GuardRepo[],
  olds: Map<GuardRepo, OldTree>,
  s: { old: Side; next: Side },
  held: () => HeldLookup,
  allow: readonly AllowId[],
  scopeOf: Map<GuardRepo, (file: string) => string>,
  composite: (obj: PlainObject) => string[],
): Array<{ repo: string; change: ObjectChange }> {
  // With the Applications ApplicationSets generate (where their YAML tells them, on both sides).
  const oldApps = new Map([...applicationsOf(repos, s.old, scopeOf), ...generatedApplicationsOf(repos, s.old, scopeOf)]);
  if (oldApps.size === 0) return [];
  const newApps = new Map([...applicationsOf(repos, s.next, scopeOf), ...generatedApplicationsOf(repos, s.next, scopeOf)]);
  const ctx = pruneContext(repos, olds, held, scopeOf, composite);
  const out: Array<{ repo: string; change: ObjectChange }> = [];
  const allowed = allowMatcher(allow);
  for (const [key, a] of oldApps) {
    const aNew = newApps.get(key);
    if (!aNew || !prunesAutomatically(aNew.obj)) continue;
    const before = deployed(a, repos, s.old);
    if (before.size === 0) continue;
    const after = deployed(aNew, repos, s.next);
    for (const [ikey, v] of before) {
      if (after.has(ikey)) continue;
      const pruned = protectedPrune(v, ikey, ctx, (obj) => argoSyncOptions(obj).has('Prune=false'));
      if (!pruned) continue;
      const { info, reasons } = pruned;
      const dir = aNew.repo.dir && aNew.repo.dir !== '.' ? `${aNew.repo.dir.replace(/\/+$/, '')}/` : '';
      out.push({
        repo: v.repo.name,
        change: {
          action: 'prune',
          pruner: 'argocd',
          object: info,
          prunedBy: aNew.generatedBy
            ? `${aNew.id}, generated by ${aNew.generatedBy} (${dir}${aNew.file}), no longer deploys it, and its automated sync prunes`
            : `${aNew.id} (${dir}${aNew.file}) no longer deploys it, and its automated sync prunes`,
          // A generated Application's prune is set in its ApplicationSet's template.
          pruneStoppable: { kustomization: aNew.generatedBy ?? aNew.id, removed: false },
          protection: reasons,
          blocked: allowed(info).length === 0,
        },
      });
    }
  }
  return out;
}

/** A protected `update` of a new object (in `file` of `r`), blocked unless `allowed` by its scoped id. */
function protectedUpdate(
  r: GuardRepo, file: string, obj: PlainObject, reasons: string[], allowed: ReturnType<typeof allowMatcher>, scopeOf: Map<GuardRepo, (file: string) => string>,
): { repo: string; change: ObjectChange } {
  const t = treeObject(file, obj, r.old.constructPaths[file]);
  const info: ObjectInfo = { ...objectInfo(t), repo: r.name, cluster: scopeOf.get(r)!(file) };
  return { repo: r.name, change: { action: 'update', object: info, protection: reasons, blocked: allowed(info).length === 0 } };
}

/** An Argo CD ApplicationSet of one side of the app, with what it generates. */
interface ArgoApplicationSet {
  readonly repo: GuardRepo;
  readonly file: string;
  readonly obj: PlainObject;
  readonly id: string;
  readonly model: ApplicationSetModel;
}

const DIRECTORIES = new WeakMap<Map<string, Ident[]>, string[]>();

/** The directories of a repo on one side (every folder holding a file, and their parents; sorted). */
function directoriesOfRepo(side: Side, r: GuardRepo): string[] {
  const ids = side.ids(r);
  let out = DIRECTORIES.get(ids);
  if (out) return out;
  const dirs = new Set<string>();
  const add = (file: string) => {
    for (let d = file.replace(/\/[^/]*$/, ''); d !== file && d !== '' && !dirs.has(d); file = d, d = d.replace(/\/[^/]*$/, '')) dirs.add(d);
  };
  for (const file of ids.keys()) add(file);
  for (const file of side.kfiles(r).keys()) add(file);
  DIRECTORIES.set(ids, (out = [...dirs].sort()));
  return out;
}

const APPLICATION_SETS = new WeakMap<Side, Map<string, ArgoApplicationSet>>();

/**
 * The Argo CD ApplicationSets of one side, keyed like {@link applicationsOf} (the cluster of their
 * file, namespace and name), each with its model: git directory generators over a repo of the app
 * see that repo's directories on the same side.
 */
function applicationSetsOf(repos: readonly GuardRepo[], side: Side, scopeOf: Map<GuardRepo, (file: string) => string>): Map<string, ArgoApplicationSet> {
  let out = APPLICATION_SETS.get(side);
  if (out) return out;
  out = new Map();
  const byUrl = () => sourceIndex(repos, side).repoByUrl;
  const directoriesOf = (url: string) => {
    const repo = byUrl().get(normalizeRepoUrl(url));
    return repo ? directoriesOfRepo(side, repo) : undefined;
  };
  for (const { r, file, obj } of sideObjects(repos, side, isApplicationSet)) {
    const ns = obj.metadata?.namespace ?? '';
    const name = obj.metadata?.name ?? '';
    out.set(`${scopeOf.get(r)!(file)}\u0000${ns}/${name}`, { repo: r, file, obj, id: `ApplicationSet/${ns}/${name}`, model: applicationSetModel(obj, directoriesOf) });
  }
  APPLICATION_SETS.set(side, out);
  return out;
}

/** The Applications the ApplicationSets of one side generate, where known, keyed like {@link applicationsOf}. */
function generatedApplicationsOf(repos: readonly GuardRepo[], side: Side, scopeOf: Map<GuardRepo, (file: string) => string>): Map<string, ArgoApplication> {
  const out = new Map<string, ArgoApplication>();
  for (const [key, set] of applicationSetsOf(repos, side, scopeOf)) {
    const scope = key.slice(0, key.indexOf('\u0000'));
    const ns = set.obj.metadata?.namespace ?? '';
    for (const g of set.model.generated ?? []) {
      out.set(`${scope}\u0000${ns}/${g.name}`, { repo: set.repo, file: set.file, obj: g.obj, id: `Application/${ns}/${g.name}`, generatedBy: set.id });
    }
  }
  return out;
}

/**
 * The protected objects Argo CD deletes when an Application of the old side is deleted with the
 * cascading finalizer: what it deployed (each Git source's build, as Argo CD names it), protected
 * and without `Delete=false` (ids).
 */
function deletedWithDeployed(a: ArgoApplication, repos: readonly GuardRepo[], olds: Map<GuardRepo, OldTree>, side: Side, composite: (obj: PlainObject) => string[]): string[] {
  const out: string[] = [];
  for (const v of deployed(a, repos, side).values()) {
    const old = olds.get(v.repo)!;
    const obj = old.objects(v.file).find((o) => o.kind === v.raw.kind && (o.metadata?.name ?? '') === v.raw.name && (o.metadata?.namespace ?? '') === (v.raw.namespace ?? ''));
    if (!obj || !deletedWithApplication(obj, composite)) continue;
    const t = treeObject(v.file, { ...obj, metadata: { ...obj.metadata, namespace: v.ident.namespace, name: v.ident.name } }, old.snapshot.constructPaths[v.file]);
    out.push(objectInfo(t).id);
  }
  return out;
}

/**
 * The Applications an old ApplicationSet may have generated when its generators are unknown: one
 * per folder (the root included) its template's paths may render to, in the repos its template
 * names (any repo of the app when one is templated).
 */
function possibleApplications(set: ArgoApplicationSet, repos: readonly GuardRepo[], side: Side): ArgoApplication[] {
  const out: ArgoApplication[] = [];
  const index = sourceIndex(repos, side);
  const targets = set.model.repoUrls
    ? set.model.repoUrls.flatMap((url) => {
      const repo = index.repoByUrl.get(normalizeRepoUrl(url));
      return repo ? [{ url, repo }] : [];
    })
    : [...index.repoByUrl].map(([url, repo]) => ({ url, repo }));
  for (const { url, repo } of targets) {
    for (const dir of ['', ...directoriesOfRepo(side, repo)]) {
      if (!set.model.pathPatterns.some((p) => p.test(dir))) continue;
      const obj: PlainObject = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: dir || '.' }, spec: { source: { repoURL: url, path: dir || '.', directory: { recurse: true } } } };
      out.push({ repo: set.repo, file: set.file, obj, id: `Application/${dir || '.'}`, generatedBy: set.id });
    }
  }
  return out;
}

/**
 * Argo CD ApplicationSets whose generated Applications (may) carry the cascading finalizer
 * (`resources-finalizer.argocd.argoproj.io`: the template's, the one the controller adds while
 * `preserveResourcesOnDeletion` is not true, or the one they were created with under a sync policy
 * that does not update them); see lib/safety/application-sets.ts for the controller's behaviour:
 *
 * - `deleted`: an ApplicationSet removed (or renamed) whose Applications go with it (its sync
 *   policy allows deletion, or it lacks the finalizer that makes the controller drop their owner
 *   references first): they delete the protected objects they deployed; the reason goes on its
 *   deletion (by repo, then `file NUL Kind/ns/name`). When its generators are unknown, every folder
 *   its template's paths may render to counts.
 * - `changes`: an ApplicationSet that stays, whose sync policy allows deletion, but no longer
 *   generates an Application it generated (a list element or a directory removed, the name
 *   template changed): the controller deletes that Application. When the new generated set is
 *   unknown (other generators, a templatePatch) while the old one was known and the generators or
 *   the name template changed, each old Application counts as possibly deleted. A protected
 *   `update` of the ApplicationSet, blocked unless allowed by its id.
 */
function applicationSetChanges(
  repos: readonly GuardRepo[],
  olds: Map<GuardRepo, OldTree>,
  s: { old: Side; next: Side },
  allow: readonly AllowId[],
  scopeOf: Map<GuardRepo, (file: string) => string>,
  composite: (obj: PlainObject) => string[],
): { deleted: Map<GuardRepo, Map<string, string[]>>; changes: Array<{ repo: string; change: ObjectChange }> } {
  const deleted = new Map<GuardRepo, Map<string, string[]>>();
  const changes: Array<{ repo: string; change: ObjectChange }> = [];
  const before = applicationSetsOf(repos, s.old, scopeOf);
  if (before.size === 0) return { deleted, changes };
  const after = applicationSetsOf(repos, s.next, scopeOf);
  const allowed = allowMatcher(allow);
  const carries = (o: ArgoApplicationSet, one: boolean) => (o.model.finalizersAsCreated
    ? `may carry ${ARGOCD_CASCADE_FINALIZER} (applicationsSync ${String((o.obj.spec as { syncPolicy?: { applicationsSync?: unknown } } | undefined)?.syncPolicy?.applicationsSync)} keeps the finalizers ${one ? 'it was' : 'they were'} created with)`
    : `${one ? 'carries' : 'carry'} ${ARGOCD_CASCADE_FINALIZER}`);
  const hint = (o: ArgoApplicationSet, deletion: boolean) => {
    if (deletion && !o.model.prunesApplications) return `add ${ARGOCD_CASCADE_FINALIZER} to the ApplicationSet's metadata.finalizers in a change of its own first, so that the controller removes the Applications' owner references before it goes`;
    if (o.model.finalizersAsCreated) return 'remove the finalizer from those Applications first (the controller does not update them under this policy), or allow it';
    const stop = deletion ? `applicationsSync: create-update with ${ARGOCD_CASCADE_FINALIZER} in the ApplicationSet's own metadata.finalizers` : 'applicationsSync: create-update';
    return `set preserveResourcesOnDeletion: true (no finalizer in the template), or ${stop}, in a change of its own first, so that the controller stops cascading`;
  };
  const generatedApp = (o: ArgoApplicationSet, g: { name: string; obj: PlainObject }): ArgoApplication => ({ repo: o.repo, file: o.file, obj: g.obj, id: `Application/${g.name}`, generatedBy: o.id });
  for (const [key, o] of before) {
    if (!o.model.cascades) continue;
    const n = after.get(key);
    if (!n) {
      if (!o.model.deletedWithIt) continue;
      const apps = o.model.generated ? o.model.generated.map((g) => generatedApp(o, g)) : possibleApplications(o, repos, s.old);
      const doomed = [...new Set(apps.flatMap((a) => deletedWithDeployed(a, repos, olds, s.old, composite)))].sort();
      if (doomed.length === 0) continue;
      const how = o.model.prunesApplications
        ? 'deleting it deletes them (owner references)'
        : `deleting it deletes them (owner references: without ${ARGOCD_CASCADE_FINALIZER} in its own metadata.finalizers, the controller cannot remove them first, whatever applicationsSync says)`;
      const reason = `Argo CD ApplicationSet whose Applications ${carries(o, false)}: ${how}, and they delete the protected objects they deployed (without Delete=false): ${someOf(doomed)}; ${hint(o, true)}`;
      const byFile = deleted.get(o.repo) ?? new Map<string, string[]>();
      const ident = { kind: o.obj.kind, name: o.obj.metadata?.name ?? '', namespace: o.obj.metadata?.namespace, apiVersion: o.obj.apiVersion };
      byFile.set(`${o.file}\u0000${identText(ident)}`, [reason]);
      deleted.set(o.repo, byFile);
      continue;
    }
    if (!n.model.prunesApplications || !o.model.generated) continue;
    const reasons: string[] = [];
    if (n.model.generated) {
      const kept = new Set(n.model.generated.map((g) => g.name));
      for (const g of o.model.generated) {
        if (kept.has(g.name)) continue;
        const doomed = [...new Set(deletedWithDeployed(generatedApp(o, g), repos, olds, s.old, composite))].sort();
        if (doomed.length === 0) continue;
        reasons.push(
          `no longer generates Application "${g.name}", which ${carries(o, true)}: the applicationset-controller deletes it, and it deletes the protected objects it deployed ` +
            `(without Delete=false): ${someOf(doomed)}; ${hint(o, false)}`,
        );
      }
    } else if (generatorsChanged(o.obj, n.obj)) {
      // What it generates now cannot be worked out: each Application it generated may be gone.
      const doomed = [...new Set(o.model.generated.flatMap((g) => deletedWithDeployed(generatedApp(o, g), repos, olds, s.old, composite)))].sort();
      if (doomed.length > 0) {
        reasons.push(
          `its generators or Application name template changed, and what it generates now cannot be worked out from the YAML (cluster, matrix or other generators, a per-generator template, templatePatch, or template expressions the guard cannot evaluate): ` +
            `the applicationset-controller deletes each Application it no longer generates, which ${carries(o, true)}, and deletes the protected objects it deployed (without Delete=false): ${someOf(doomed)}; ` +
            'allow it once you know which Applications stay',
        );
      }
    }
    if (reasons.length === 0) continue;
    changes.push(protectedUpdate(n.repo, n.file, n.obj, reasons, allowed, scopeOf));
  }
  return { deleted, changes };
}

/** Whether an ApplicationSet's generators, template name or templatePatch differ between two versions. */
function generatorsChanged(a: PlainObject, b: PlainObject): boolean {
  const parts = (o: PlainObject) => {
    const spec = (o.spec ?? {}) as { generators?: unknown; goTemplate?: unknown; templatePatch?: unknown; template?: { metadata?: { name?: unknown } } };
    return JSON.stringify([spec.generators ?? null, spec.goTemplate ?? null, spec.templatePatch ?? null, spec.template?.metadata?.name ?? null]);
  };
  return parts(a) !== parts(b);
}

const CROSSPLANE_GROUP = 'apiextensions.crossplane.io';

/**
 * The composed resource entries of a Composition, by name, with their base: legacy
 * `spec.resources`, each pipeline step's `input.resources` (function-patch-and-transform), and the
 * resources a step's inline source names (function-go-templating, function-kcl: see
 * `namedEntriesInSource`). `dynamic`: a source names resources with expressions the guard cannot
 * evaluate, so an entry missing from `entries` may still be composed.
 */
function compositionEntries(c: PlainObject): { entries: Map<string, { apiVersion?: unknown; kind?: unknown; spec?: { managementPolicies?: unknown } }>; dynamic: boolean } {
  const spec = (c.spec ?? {}) as { pipeline?: unknown; resources?: unknown };
  const lists: unknown[] = [spec.resources];
  const sources: string[] = [];
  if (Array.isArray(spec.pipeline)) {
    for (const step of spec.pipeline) {
      const input = (step as { input?: { resources?: unknown } } | null)?.input;
      if (Array.isArray(input?.resources)) lists.push(input!.resources);
      else stringsOf(input, sources);
    }
  }
  const out = new Map<string, { apiVersion?: unknown; kind?: unknown }>();
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const r of list) {
      const { name, base } = (r ?? {}) as { name?: unknown; base?: unknown };
      if (typeof name === 'string' && base && typeof base === 'object') out.set(name, base as { apiVersion?: unknown; kind?: unknown });
    }
  }
  let dynamic = false;
  for (const text of sources) {
    const named = namedEntriesInSource(text);
    dynamic ||= named.dynamic;
    for (const [name, base] of named.entries) if (!out.has(name)) out.set(name, base);
  }
  return { entries: out, dynamic };
}

function isComposition(o: { apiVersion: string; kind: string }): boolean {
  return o.kind === 'Composition' && groupOf(o.apiVersion) === CROSSPLANE_GROUP;
}

/**
 * Compositions (same name and cluster, in any repo of the app) that no longer compose an entry
 * whose base is of a stateful kind, or compose it as another kind: Crossplane composes by entry
 * name (annotation `crossplane.io/composition-resource-name`) and deletes the composed resources
 * a composite resource has that the new desired state lacks, so a removed entry deletes that
 * resource of every composite resource using the Composition, and a renamed one replaces it with
 * a new, empty one (the old one is deleted; with `managementPolicies` without `Delete`, its
 * external resource is orphaned and no longer managed). Each is an `update` of the new
 * Composition, protected and blocked unless allowed by the Composition's id.
 */
function compositionEntryChanges(
  repos: readonly GuardRepo[],
  s: { old: Side; next: Side },
  allow: readonly AllowId[],
  scopeOf: Map<GuardRepo, (file: string) => string>,
): Array<{ repo: string; change: ObjectChange }> {
  const compositions = (side: Side) => {
    const out = new Map<string, { r: GuardRepo; file: string; obj: PlainObject }>();
    for (const c of sideObjects(repos, side, isComposition)) out.set(`${scopeOf.get(c.r)!(c.file)}\u0000${c.obj.metadata?.name ?? ''}`, c);
    return out;
  };
  const before = compositions(s.old);
  if (before.size === 0) return [];
  const after = compositions(s.next);
  const allowed = allowMatcher(allow);
  const out: Array<{ repo: string; change: ObjectChange }> = [];
  for (const [key, o] of before) {
    const n = after.get(key);
    if (!n) continue; // a removed Composition: its composite resources are what the guard protects
    const now = compositionEntries(n.obj);
    const reasons: string[] = [];
    for (const [name, base] of compositionEntries(o.obj).entries) {
      if (typeof base.apiVersion !== 'string' || typeof base.kind !== 'string' || !isStatefulKind(base.apiVersion, base.kind)) continue;
      const kept = now.entries.get(name);
      if (kept && kept.apiVersion !== undefined && groupOf(String(kept.apiVersion)) === groupOf(base.apiVersion) && kept.kind === base.kind) continue;
      const what = `${groupOf(base.apiVersion)}/${base.kind}`;
      const gone = now.dynamic ? 'may no longer be composed (the Composition names resources with expressions the guard cannot evaluate)' : 'no longer composed';
      reasons.push(
        `entry "${name}" (stateful ${what}) is ${kept ? `now ${groupOf(String(kept.apiVersion ?? ''))}/${String(kept.kind ?? '')}` : gone}: Crossplane deletes that composed resource of every composite resource of this Composition ` +
          '(and its external resource, unless its managementPolicies omit Delete: then it is orphaned); a renamed entry is a new, empty resource',
      );
    }
    if (reasons.length === 0) continue;
    out.push(protectedUpdate(n.r, n.file, n.obj, reasons, allowed, scopeOf));
  }
  return out;
}

/**
 * Composite resources (XRs) that name another Composition (`compositionRef`, paired with the
 * committed XR of the same file and identity): Crossplane composes the XR with the new
 * Composition and deletes the composed resources the new desired state lacks
 * (`DeletingComposedResourceGarbageCollector`), so each stateful entry of the old Composition that
 * the new one does not compose (by entry name, as the same kind) is deleted, or orphaned and no
 * longer managed when its `managementPolicies` omit Delete. Each is an `update` of the XR,
 * protected and blocked unless allowed by the XR's id. Compositions of either side are looked up
 * by name on the XR's cluster; one the app lacks is not compared.
 */
function compositionSwitchChanges(
  repos: readonly GuardRepo[],
  olds: Map<GuardRepo, OldTree>,
  s: { old: Side; next: Side },
  allow: readonly AllowId[],
  scopeOf: Map<GuardRepo, (file: string) => string>,
): Array<{ repo: string; change: ObjectChange }> {
  const switched: Array<{ r: GuardRepo; n: TreeObject; from: string; to: string }> = [];
  for (const r of repos) {
    for (const n of r.next.objects) {
      if (!n.obj || r.next.unchanged?.has(n.file)) continue;
      const to = compositionRefOf(n.obj);
      if (to === undefined || !olds.get(r)!.snapshot.files.has(n.file)) continue;
      const o = olds.get(r)!.objects(n.file).find((x) => x.kind === n.kind && groupOf(x.apiVersion) === groupOf(n.apiVersion) && (x.metadata?.name ?? '') === n.name);
      const from = o ? compositionRefOf(o) : undefined;
      if (from !== undefined && from !== to) switched.push({ r, n, from, to });
    }
  }
  if (switched.length === 0) return [];
  const compositions = (side: Side) => {
    const out = new Map<string, PlainObject>();
    for (const c of sideObjects(repos, side, isComposition)) out.set(`${scopeOf.get(c.r)!(c.file)}\u0000${c.obj.metadata?.name ?? ''}`, c.obj);
    return out;
  };
  const [before, after] = [compositions(s.old), compositions(s.next)];
  const allowed = allowMatcher(allow);
  const out: Array<{ repo: string; change: ObjectChange }> = [];
  for (const { r, n, from, to } of switched) {
    const cluster = scopeOf.get(r)!(n.file);
    const [a, b] = [before.get(`${cluster}\u0000${from}`), after.get(`${cluster}\u0000${to}`)];
    if (!a || !b) continue;
    const now = compositionEntries(b).entries;
    const reasons: string[] = [];
    for (const [name, base] of compositionEntries(a).entries) {
      if (typeof base.apiVersion !== 'string' || typeof base.kind !== 'string' || !isStatefulKind(base.apiVersion, base.kind)) continue;
      const kept = now.get(name);
      if (kept && kept.apiVersion !== undefined && groupOf(String(kept.apiVersion)) === groupOf(base.apiVersion) && kept.kind === base.kind) continue;
      reasons.push(
        `it switches from Composition ${from} to ${to}, which does not compose entry "${name}" (stateful ${groupOf(base.apiVersion)}/${base.kind}) as it was: Crossplane deletes that composed resource ` +
          '(and its external resource, unless its managementPolicies omit Delete: then it is orphaned)',
      );
    }
    if (reasons.length === 0) continue;
    const info: ObjectInfo = { ...objectInfo(n), repo: r.name, cluster };
    out.push({ repo: r.name, change: { action: 'update', object: info, protection: reasons, blocked: allowed(info).length === 0 } });
  }
  return out;
}

/**
 * Namespaces that stop being retained. Removing a retained object from Git (or renaming it)
 * orphans it: Flux and Argo CD leave it on the cluster, in its namespace (the one its file names,
 * or the one a Kustomization's `targetNamespace` or an Overlay's `namespace` gave it). The Namespace
 * object is retained while Git holds a retained object in it (collect gives it `RETAIN`, or the app
 * did); once the last one is gone from Git its markers go, and a later removal of the Namespace
 * passes every check while deleting the Namespace deletes the orphans with it (a CAPI Cluster, a
 * database). So a Namespace (core v1) whose committed version is kept by GitOps
 * ({@link keptByGitOps}) and whose new version (same name and cluster scope: the cluster's name,
 * or the repo for its own cluster '', in any file) is not, is a protected `update`, blocked unless
 * allowed by the Namespace's id; `RemovalPolicy.RETAIN` on the Namespace keeps it retained. The
 * retained objects this change removes from Git with the Namespace's name in their file are named.
 */
function namespaceRetentionLosses(
  repos: readonly GuardRepo[],
  olds: Map<GuardRepo, OldTree>,
  changes: ReadonlyMap<string, readonly ObjectChange[]>,
  allow: readonly AllowId[],
  scopeOf: Map<GuardRepo, (file: string) => string>,
): Array<{ repo: string; change: ObjectChange }> {
  const key = (repo: string, cluster: string, namespace: string) => `${cluster === '' ? `${repo}\u0000` : `\u0001${cluster}`}\u0000${namespace}`;
  const isNamespace = (o: { apiVersion: string; kind: string }) => o.kind === 'Namespace' && groupOf(o.apiVersion) === '';
  // New Namespaces without retention, in files written with other bytes.
  const candidates = repos.flatMap((r) => r.next.objects.filter((n) => isNamespace(n) && !r.next.unchanged?.has(n.file) && n.obj && !keptByGitOps(n.obj)).map((n) => ({ r, n })));
  if (candidates.length === 0) return [];
  // The committed Namespaces, by name and cluster scope (read only when one is not in the same
  // file), and by repo and name alone (one whose folder the app no longer has: its cluster is unknown).
  let committed: Map<string, PlainObject> | undefined;
  const byRepoName = new Map<string, PlainObject[]>();
  const committedNamespace = (r: GuardRepo, n: TreeObject, cluster: string): PlainObject | undefined => {
    const old = olds.get(r)!;
    const same = old.snapshot.files.has(n.file) ? old.objects(n.file).find((o) => isNamespace(o) && (o.metadata?.name ?? '') === n.name) : undefined;
    if (same) return same;
    if (!committed) {
      committed = new Map();
      for (const repo of repos) {
        const o = olds.get(repo)!;
        for (const [file, ids] of o.ids()) {
          if (!ids.some(isNamespace)) continue;
          for (const x of o.objects(file)) {
            if (!isNamespace(x)) continue;
            committed.set(key(repo.name, scopeOf.get(repo)!(file), x.metadata?.name ?? ''), x);
            const k = `${repo.name}\u0000${x.metadata?.name ?? ''}`;
            byRepoName.set(k, [...(byRepoName.get(k) ?? []), x]);
          }
        }
      }
    }
    const candidates = byRepoName.get(`${r.name}\u0000${n.name}`) ?? [];
    return committed.get(key(r.name, cluster, n.name)) ?? (candidates.length === 1 ? candidates[0] : undefined);
  };
  const orphaned = new Map<string, string[]>();
  for (const [repo, list] of changes) {
    for (const c of list) {
      if (!c.retained || (c.action !== 'delete' && c.action !== 'rename')) continue;
      const old = c.action === 'rename' ? c.previous! : c.object;
      if (old.namespace === undefined) continue;
      const k = key(old.repo ?? repo, old.cluster ?? '', old.namespace);
      const ids = orphaned.get(k) ?? [];
      ids.push(old.id);
      orphaned.set(k, ids);
    }
  }
  const allowed = allowMatcher(allow);
  const out: Array<{ repo: string; change: ObjectChange }> = [];
  for (const { r, n } of candidates) {
    const cluster = scopeOf.get(r)!(n.file);
    const before = committedNamespace(r, n, cluster);
    if (!before || !keptByGitOps(before)) continue;
    const ids = orphaned.get(key(r.name, cluster, n.name)) ?? [];
    const shown = someOf(ids.sort());
    const info: ObjectInfo = { ...objectInfo(n), repo: r.name, cluster };
    const markers = `the Namespace drops its retain markers (${retainMarkers(before).join('; ')})`;
    const reason =
      (ids.length > 0
        ? `this change removes ${shown} from Git, which stays on the cluster in this namespace (retained), while ${markers}: `
        : `${markers}, while retained objects removed from Git (by this change or an earlier one) may still be on the cluster in it: `) +
      'deleting the Namespace later deletes what it holds; give the Namespace RemovalPolicy.RETAIN to keep it retained';
    out.push({ repo: r.name, change: { action: 'update', object: info, protection: [reason], blocked: allowed(info).length === 0 } });
  }
  return out;
}

/**
 * Cluster API topology Clusters changed (committed → new, paired by cluster scope, namespace and
 * name across the repos) in a way the controllers refuse (`refused`, one line each naming the
 * construct, file, object, field and fix), or that lets AKS cut a pool's nodes (a protected
 * update, allowed by the Cluster's allow id); see lib/safety/cluster-transitions.ts. Files
 * written with their committed bytes are not compared.
 */
function topologyClusterChanges(
  repos: readonly GuardRepo[],
  olds: Map<GuardRepo, OldTree>,
  allow: readonly AllowId[],
  scopeOf: Map<GuardRepo, (file: string) => string>,
  originOf?: (constructPath: string) => string | undefined,
): { refused: string[]; changes: Array<{ repo: string; change: ObjectChange }> } {
  const key = (r: GuardRepo, file: string, o: PlainObject) => clusterIdentity(scopeOf, r, file, o);
  const before = new Map<string, PlainObject>();
  // By construct path too: the same Cluster construct in another namespace (a Fleet row's namespace changed).
  const byPath = new Map<string, PlainObject>();
  for (const r of repos) {
    const old = olds.get(r)!;
    for (const [file, ids] of old.ids()) {
      if (r.next.unchanged?.has(file) || !ids.some(isTopologyCluster)) continue;
      const cp = old.snapshot.constructPaths[file];
      for (const o of old.objects(file)) {
        if (!isTopologyCluster(o)) continue;
        before.set(key(r, file, o), o);
        if (cp) byPath.set(`${r.name}\u0000${cp}`, o);
      }
    }
  }
  const refused: string[] = [];
  const changes: Array<{ repo: string; change: ObjectChange }> = [];
  const isClass = (o: { apiVersion: string; kind: string }) => o.kind === 'ClusterClass' && o.apiVersion.split('/')[0] === 'cluster.x-k8s.io';
  // A ClusterClass written with other bytes may change what its Clusters get (its defaults):
  // then every Cluster of it is compared, also those written unchanged.
  const classChanged = repos.some((r) => r.next.objects.some((n) => isClass(n) && !r.next.unchanged?.has(n.file)));
  if (before.size === 0 && !classChanged) return { refused, changes };
  const allowed = allowMatcher(allow);
  // The ClusterClasses of each side (what a Cluster leaves unset), read when a Cluster needs them.
  let classes: { old: Map<string, ClassDefaults>; next: Map<string, ClassDefaults> } | undefined;
  const classesOf = () => {
    if (classes) return classes;
    classes = { old: new Map(), next: new Map() };
    const key = (o: PlainObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
    for (const r of repos) {
      const old = olds.get(r)!;
      for (const [file, ids] of old.ids()) if (ids.some(isClass)) for (const o of old.objects(file)) if (isClass(o)) classes.old.set(key(o), classDefaults(o));
      for (const n of r.next.objects) if (n.obj && isClass(n)) classes.next.set(key(n.obj), classDefaults(n.obj));
    }
    return classes;
  };
  // The classes whose defaults differ between the sides (`namespace/name`).
  const changedDefaults = new Set<string>();
  if (classChanged) {
    const c = classesOf();
    for (const [k, d] of c.next) {
      const was = c.old.get(k);
      if (was && JSON.stringify({ ...was, pools: [...was.pools] }) !== JSON.stringify({ ...d, pools: [...d.pools] })) changedDefaults.add(k);
    }
  }
  for (const r of repos) {
    for (const n of r.next.objects) {
      if (!n.obj || !isTopologyCluster(n)) continue;
      const where = refusalSubject(r, n, originOf);
      if (r.next.unchanged?.has(n.file)) {
        // Written unchanged: only its class's defaults can change what it gets.
        const k = clusterClassKey(n.obj);
        if (k === undefined || !changedDefaults.has(k)) continue;
        const c = classesOf();
        const t = clusterTransition(n.obj, n.obj, c.old.get(k), c.next.get(k));
        for (const x of t.refused) refused.push(`${where}: ${x} (the Cluster leaves it to ClusterClass ${k}, whose default changes)`);
        continue;
      }
      const o = before.get(key(r, n.file, n.obj));
      if (!o) {
        const moved = n.constructPath ? byPath.get(`${r.name}\u0000${n.constructPath}`) : undefined;
        const from = moved?.metadata?.namespace;
        if (moved && moved.metadata?.name === n.name && from !== n.namespace && keptByGitOps(moved)) {
          refused.push(`${where}: metadata.namespace: ${from ?? '(none)'} → ${n.namespace ?? '(none)'}: the Cluster in ${from ?? 'its namespace'} is retained and stays, and a second Cluster of the same name ` +
            `would manage the same Azure resources (named after the cluster; ASO adopts existing resources), so two CAPI Clusters would fight over one AKS cluster; keep namespace ${from}`);
        }
        continue;
      }
      const c = classesOf();
      const t = clusterTransition(o, n.obj, c.old.get(clusterClassKey(o) ?? ''), c.next.get(clusterClassKey(n.obj) ?? ''));
      for (const x of t.refused) refused.push(`${where}: ${x}`);
      if (t.protection.length === 0) continue;
      const info: ObjectInfo = { ...objectInfo(n), repo: r.name, cluster: scopeOf.get(r)!(n.file) };
      changes.push({ repo: r.name, change: { action: 'update', object: info, protection: t.protection, blocked: allowed(info).length === 0 } });
    }
  }
  return { refused, changes };
}

/**
 * Day-2 changes the controllers refuse, or that delete, scale down or change for good what they
 * manage: Azure resources (lib/safety/aso-transitions.ts): ASO objects, the CAPZ objects embedding them, Cluster API
 * MachinePools and ClusterClasses; Flux HelmReleases whose release would be reinstalled
 * (lib/safety/helm-transitions.ts); Crossplane definitions' immutable fields and kro graphs
 * losing stateful resources (lib/safety/crossplane-transitions.ts); built-in objects whose update
 * the API server refuses (immutable fields) or that delete volume claims (lib/safety/core-transitions.ts),
 * but those a Kustomization with `spec.force: true` applies (recreated instead). Each is paired with
 * the committed object of the same kind and identity on the same cluster. Files written with their
 * committed bytes are not compared.
 */
function dayTwoChanges(
  repos: readonly GuardRepo[],
  olds: Map<GuardRepo, OldTree>,
  s: { old: Side; next: Side },
  allow: readonly AllowId[],
  scopeOf: Map<GuardRepo, (file: string) => string>,
  originOf?: (constructPath: string) => string | undefined,
): { refused: string[]; changes: Array<{ repo: string; change: ObjectChange }> } {
  const refused: string[] = [];
  const changes: Array<{ repo: string; change: ObjectChange }> = [];
  const key = (r: GuardRepo, file: string, o: PlainObject) => `${groupOf(o.apiVersion)}/${o.kind}\u0000${clusterIdentity(scopeOf, r, file, o)}`;
  // ClusterClasses too: the resources their CAPZ templates embed (see `classTemplateTransition`).
  const compared = (o: { apiVersion: string; kind: string }) =>
    comparesAzureResource(o.apiVersion, o.kind) || isClusterClass(o) || isHelmRelease(o) || comparesCrossplaneDefinition(o) || isResourceGraphDefinition(o) || comparesSelfManaged(o) || comparesCoreKind(o);
  const next = repos.flatMap((r) => r.next.objects.filter((n) => n.obj && compared(n) && !r.next.unchanged?.has(n.file)).map((n) => ({ r, n })));
  if (next.length === 0) return { refused, changes };
  // The committed objects of the files the new ones are written to, and of the other files that
  // hold such an object (one moved to another file): only files naming one of the new objects'
  // identities are parsed.
  const ident = (o: { apiVersion: string; kind: string; name?: string; namespace?: string }) => `${groupOf(o.apiVersion)}/${o.kind}\u0000${o.namespace ?? ''}/${o.name ?? ''}`;
  const wanted = new Set(next.map(({ n }) => ident(n)));
  const before = new Map<string, PlainObject>();
  for (const r of repos) {
    const old = olds.get(r)!;
    for (const [file, ids] of old.ids()) {
      if (r.next.unchanged?.has(file) || !ids.some((i) => compared(i) && wanted.has(ident(i)))) continue;
      for (const o of old.objects(file)) if (compared(o)) before.set(key(r, file, o), o);
    }
  }
  // The files a Kustomization with spec.force applies: kustomize-controller recreates their
  // objects when the API server refuses an update (built only when a built-in object is refused).
  let forced: Set<string> | undefined;
  const forcedFile = (r: GuardRepo, file: string) => {
    if (!forced) {
      forced = new Set();
      for (const k of kustomizationsOf(repos, s.next).values()) {
        if ((k.obj.spec as { force?: unknown } | undefined)?.force !== true) continue;
        for (const v of applied(k, repos, s.next).values()) forced.add(`${v.repo.name}\u0000${v.file}`);
      }
    }
    return forced.has(`${r.name}\u0000${file}`);
  };
  const allowed = allowMatcher(allow);
  let compositions: ReturnType<typeof newCompositions> | undefined;
  for (const { r, n } of next) {
    const o = before.get(key(r, n.file, n.obj!));
    if (!o) continue;
    const t = isClusterClass(n)
      ? classTemplateTransition(o, n.obj!, nodePoolFields(n.obj!))
      : isHelmRelease(n)
        ? { refused: [], protection: helmReleaseTransition(o, n.obj!) }
        : comparesCrossplaneDefinition(n)
          ? crossplaneTransition(o, n.obj!, (compositions ??= newCompositions(repos)).of)
          : isResourceGraphDefinition(n)
            ? { refused: resourceGraphSchemaTransition(o, n.obj!), protection: resourceGraphTransition(o, n.obj!, isStatefulKind) }
            : comparesSelfManaged(n)
              ? selfManagedTransition(o, n.obj!)
              : comparesCoreKind(n)
                ? coreTransition(o, n.obj!)
                : asoTransition(o, n.obj!);
    const where = refusalSubject(r, n, originOf);
    if (!(comparesCoreKind(n) && t.refused.length > 0 && forcedFile(r, n.file))) for (const x of t.refused) refused.push(`${where}: ${x}`);
    if (t.protection.length === 0) continue;
    const info: ObjectInfo = { ...objectInfo(n), repo: r.name, cluster: scopeOf.get(r)!(n.file) };
    changes.push({ repo: r.name, change: { action: 'update', object: info, protection: t.protection, blocked: allowed(info).length === 0 } });
  }
  return { refused, changes };
}

/** The new tree's Compositions by composite kind (`group/Kind`), with their `compositeTypeRef.apiVersion`. */
function newCompositions(repos: readonly GuardRepo[]): { of: (kind: string) => Array<{ name: string; apiVersion: string }> } {
  const byKind = new Map<string, Array<{ name: string; apiVersion: string }>>();
  for (const r of repos) {
    for (const n of r.next.objects) {
      if (!n.obj || !isComposition(n)) continue;
      const ref = ((n.obj.spec ?? {}) as { compositeTypeRef?: { apiVersion?: unknown; kind?: unknown } }).compositeTypeRef;
      if (typeof ref?.apiVersion !== 'string' || typeof ref.kind !== 'string') continue;
      const key = `${groupOf(ref.apiVersion)}/${ref.kind}`;
      byKind.set(key, [...(byKind.get(key) ?? []), { name: n.name, apiVersion: ref.apiVersion }]);
    }
  }
  return { of: (kind) => byKind.get(kind) ?? [] };
}

function isClusterClass(o: { apiVersion: string; kind: string }): boolean {
  return o.kind === 'ClusterClass' && groupOf(o.apiVersion) === 'cluster.x-k8s.io';
}

/** The agent pool fields a ClusterClass's `node-pool-<class>` patch sets per Cluster, by pool class (see `classDefaults`). */
function nodePoolFields(cc: PlainObject): (poolClass: string) => ReadonlySet<string> {
  const pools = classDefaults(cc).pools;
  return (c) => {
    const d = pools.get(c);
    return new Set([...(d?.vmSize !== undefined ? ['vmSize'] : []), ...(d?.zones !== undefined ? ['availabilityZones'] : [])]);
  };
}

/** An object's identity on its cluster (the cluster its file is applied to), for pairing old and new objects of one kind. */
function clusterIdentity(scopeOf: Map<GuardRepo, (file: string) => string>, r: GuardRepo, file: string, o: PlainObject): string {
  return `${scopeOf.get(r)!(file)}\u0000${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/**
 * How a day-2 refusal names a new object: its construct path with its file (in the repo
 * directory) and where its settings come from (a CSV line), then its kind and identity.
 */
function refusalSubject(r: GuardRepo, n: TreeObject, originOf?: (constructPath: string) => string | undefined): string {
  const file = r.dir && r.dir !== '.' ? `${r.dir.replace(/\/+$/, '')}/${n.file}` : n.file;
  const origin = n.constructPath ? originOf?.(n.constructPath) : undefined;
  return `${n.constructPath ? `${n.constructPath} (${file}${origin ? `, ${origin}` : ''})` : file}: ${n.kind} ${n.namespace ? `${n.namespace}/` : ''}${n.name}`;
}

/** An ASO RoleAssignment (authorization.azure.com). */
function isAsoRoleAssignment(o: { apiVersion?: string; kind?: string }): boolean {
  return o.kind === 'RoleAssignment' && typeof o.apiVersion === 'string' && o.apiVersion.split('/')[0] === 'authorization.azure.com';
}

/** The fields of an ASO RoleAssignment Azure cannot change in place (principal, role, scope, name). */
const ROLE_ASSIGNMENT_IMMUTABLE = ['principalId', 'principalIdFromConfig', 'roleDefinitionReference', 'owner', 'azureName'] as const;

/**
 * ASO RoleAssignments written with another principal, role or owner than the committed object of
 * the same identity: ASO keeps the assignment's Azure name (derived from the object's unless
 * `azureName` is set) and Azure refuses to change the principal, role or scope of an existing
 * assignment (RoleAssignmentUpdateNotPermitted), so the object would stay in error and the old
 * grant in place. One line per change.
 */
function roleAssignmentChanges(
  repos: readonly GuardRepo[],
  olds: Map<GuardRepo, OldTree>,
  scopeOf: Map<GuardRepo, (file: string) => string>,
  originOf?: (constructPath: string) => string | undefined,
): string[] {
  const key = (r: GuardRepo, file: string, o: PlainObject) => clusterIdentity(scopeOf, r, file, o);
  const next = repos.flatMap((r) => r.next.objects.filter((n) => n.obj && isAsoRoleAssignment(n) && !r.next.unchanged?.has(n.file)).map((n) => ({ r, n })));
  if (next.length === 0) return [];
  const before = new Map<string, PlainObject>();
  for (const r of repos) {
    const old = olds.get(r)!;
    for (const [file, ids] of old.ids()) {
      if (!ids.some(isAsoRoleAssignment)) continue;
      for (const o of old.objects(file)) if (isAsoRoleAssignment(o)) before.set(key(r, file, o), o);
    }
  }
  const refused: string[] = [];
  for (const { r, n } of next) {
    const o = before.get(key(r, n.file, n.obj!));
    if (!o) continue;
    const was = (o.spec ?? {}) as Record<string, unknown>;
    const now = (n.obj!.spec ?? {}) as Record<string, unknown>;
    const changed = ROLE_ASSIGNMENT_IMMUTABLE.filter((f) => JSON.stringify(was[f]) !== JSON.stringify(now[f]));
    if (changed.length === 0) continue;
    const where = refusalSubject(r, n, originOf);
    const show = (v: unknown) => (v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));
    refused.push(`${where}: spec.${changed[0]}: ${show(was[changed[0]])} → ${show(now[changed[0]])}${changed.length > 1 ? ` (and spec.${changed.slice(1).join(', spec.')})` : ''}: ` +
      'Azure refuses to change the principal, role or scope of a role assignment (RoleAssignmentUpdateNotPermitted) and ASO keeps its Azure name, derived from the object\'s; ' +
      'grant the new one with another RoleAssignment (another name) and remove this one');
  }
  return refused;
}

/**
 * What the app's composite, claim and kro instance kinds make (see {@link ComposedKinds}), from
 * its Compositions, CompositeResourceDefinitions and ResourceGraphDefinitions, old or new, in any
 * repo: why deleting an object deletes stateful resources through what it makes.
 */
function composedReasons(repos: readonly GuardRepo[], olds: Map<GuardRepo, OldTree>): (obj: PlainObject) => string[] {
  const model = new ComposedKinds();
  for (const r of repos) {
    for (const n of r.next.objects) if (n.obj) model.add(n.obj);
    const old = olds.get(r)!;
    for (const [file, ids] of old.ids()) {
      if (ids.some(definesComposedKinds)) for (const c of old.objects(file)) model.add(c);
    }
  }
  // The kinds the app still applies (built when a CustomResourceDefinition goes): deleting a CRD
  // deletes every object of its kind (their finalizers run: a Flux Kustomization's prunes what it
  // applied, an ASO resource's deletes it in Azure).
  let inUse: Map<string, string[]> | undefined;
  const usedKind = (obj: PlainObject): string[] => {
    if (obj.kind !== 'CustomResourceDefinition' || groupOf(obj.apiVersion) !== 'apiextensions.k8s.io') return [];
    const spec = (obj.spec ?? {}) as { group?: unknown; names?: { kind?: unknown } };
    if (typeof spec.group !== 'string' || typeof spec.names?.kind !== 'string') return [];
    if (!inUse) {
      inUse = new Map();
      for (const r of repos) {
        for (const n of r.next.objects) {
          const key = `${groupOf(n.apiVersion)}/${n.kind}`;
          const list = inUse.get(key);
          if (list) list.push(objectInfo(n).id);
          else inUse.set(key, [objectInfo(n).id]);
        }
      }
    }
    const users = inUse.get(`${spec.group}/${spec.names.kind}`);
    if (!users) return [];
    const shown = users.slice(0, 3).join(', ') + (users.length > 3 ? `, and ${users.length - 3} more` : '');
    return [`defines kind ${spec.group}/${spec.names.kind}, of which the app still applies ${users.length} object(s) (${shown}): deleting it deletes every ${spec.names.kind} of the cluster, and what their finalizers delete with them`];
  };
  return (obj) => [...model.reasons(obj), ...usedKind(obj)];
}
