// The size of what each Flux Kustomization builds, and the bound synth enforces on it.
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { definesKind, forcedBuildMessage, isStatefulKind, retainedByGitOps } from '../core/removal-policy';
import { allConstructs, memoForSynthPass } from '../core/synth-pass';
import { buildBoundMessage, maxObjectsPerBuild } from '../gitops/build-bound';
import * as posix from 'path/posix';
import { fluxSpecPath } from '../core/flux-build';
import { Folder } from '../gitops/folder';
import { Overlay } from '../gitops/kustomize';
import { Repo } from '../gitops/repo';
import type { Kustomization } from './kustomization';
import { REMOTE_RESOURCE } from './lockdown';
import { folderClusters, isAtOrUnder, nearestFolder, RepoFolders, repoFolders } from './placement';

export { DEFAULT_MAX_OBJECTS_PER_BUILD, maxObjectsPerBuild, setMaxObjectsPerBuild } from '../gitops/build-bound';

/** One Flux Kustomization of the app with the size of its build. */
export interface KustomizationBuildSize {
  /** The Kustomization construct. */
  readonly kustomization: Kustomization;
  /**
   * The folder at its `spec.path`; when no folder of the app sits there, the first of the folders
   * Flux's generated `kustomization.yaml` lists.
   */
  readonly folder: Folder;
  /** Objects in its build: the folder's, plus those of the sub-folders its kustomization.yaml lists (recursively); each hand-listed file counts as one. */
  readonly objects: number;
}

/**
 * Each Flux {@link Kustomization} of the app that builds a folder of `repo`, with the number of
 * objects its build holds: the folder's own objects plus, when the folder lists its sub-folders
 * (`includeSubfolders`, the default), theirs, recursively. This is what kustomize-controller
 * builds, applies and keeps in the Kustomization's inventory, so it is what must stay bounded.
 * When no folder of the app sits at the Kustomization's path, Flux generates a
 * `kustomization.yaml` there listing the YAML files below it and, instead of descending into a
 * directory holding a `kustomization.yaml`, that directory (fluxcd/pkg `kustomize`
 * `generateKustomization`): those folders' builds count. The source's repo is its `repo`, else
 * the app repo with its URL, else (an import by name) the Kustomization's own repo.
 * Kustomizations whose source is another repo, or whose path holds no folder, are left out.
 */
export function kustomizationBuildSizes(repo: Repo): KustomizationBuildSize[] {
  return appBuildSizes(repo.node.root).filter((b) => Repo.of(b.folder) === repo);
}

/**
 * One problem per Flux Kustomization building more than `max` objects from a folder of `repo`
 * (see {@link kustomizationBuildSizes}), naming the Kustomization, its folder and the fix.
 */
export function kustomizationBuildProblems(repo: Repo, max: number = maxObjectsPerBuild(repo)): string[] {
  return kustomizationBuildSizes(repo)
    .filter((b) => b.objects > max)
    .map((b) => `${b.kustomization.node.path}: ${buildProblem(b, max)}`);
}

/**
 * The bound problem of one Kustomization (none when its build is within its repo's bound), from
 * the sizes of the whole app, computed once per synth pass: what each `Kustomization` validates.
 */
export function ownBuildProblems(k: Kustomization): string[] {
  const { sizes, overlaps, sparse } = memoForSynthPass(BUILD_SIZES, k.node.root, () => {
    const info = appBuildInfo(k.node.root);
    return { sizes: new Map(info.sizes.map((b) => [b.kustomization, b])), overlaps: overlapProblems(info), sparse: info.sparse };
  });
  const out: string[] = [];
  const b = sizes.get(k);
  if (b) {
    const max = maxObjectsPerBuild(Repo.of(b.folder));
    if (b.objects > max) out.push(buildProblem(b, max));
  }
  out.push(...(overlaps.get(k) ?? []));
  const outside = sparse.get(k);
  if (outside) out.push(outside);
  if (k.force) {
    const built = memoForSynthPass(BUILT_FOLDERS, k.node.root, () => appBuildInfo(k.node.root).built).get(k) ?? [];
    const kept = forcedKeptObjects(k.node.root, built);
    if (kept.length > 0) out.push(forcedBuildMessage('prop "force"', `${k.namespace}/${k.name}`, kept));
  }
  return out;
}

/** Key of the folders each Kustomization builds, in a synth pass. */
const BUILT_FOLDERS = Symbol('built folders');
/** Key of the app's ApiObjects by folder, in a synth pass. */
const OBJECTS_BY_FOLDER = Symbol('objects by folder');

/** The stateful or retained objects (`Kind/namespace/name`, sorted) of `folders`. */
function forcedKeptObjects(root: IConstruct, folders: readonly Folder[]): string[] {
  const byFolder = memoForSynthPass(OBJECTS_BY_FOLDER, root, () => {
    const m = new Map<Folder, ApiObject[]>();
    for (const c of allConstructs(root)) {
      if (!(c instanceof ApiObject)) continue;
      const f = nearestFolder(c);
      if (!f) continue;
      const list = m.get(f);
      if (list) list.push(c);
      else m.set(f, [c]);
    }
    return m;
  });
  const out: string[] = [];
  for (const f of folders) {
    for (const o of byFolder.get(f) ?? []) {
      if (isStatefulKind(o.apiVersion, o.kind) || retainedByGitOps(o) || definesKind(o)) out.push(o.metadata.namespace ? `${o.kind}/${o.metadata.namespace}/${o.name}` : `${o.kind}/${o.name}`);
    }
  }
  return out.sort();
}

/**
 * Pairs of Kustomizations applying the same folder to the same cluster (the cluster of their own
 * folder, or the remote cluster of their kubeConfig) with the same transform (target namespace,
 * patches, components, substitutions), so the same objects: each object would be in both
 * inventories, kustomize-controller would move its ownership labels to whichever applied last, and
 * the one that stops applying it would prune it although the other still does. Reported on the
 * second Kustomization of a pair (by construct path), once per pair.
 */
function overlapProblems(info: AppBuildInfo): Map<Kustomization, string[]> {
  const clusterOf = folderClusters();
  const first = new Map<string, Kustomization>();
  const pairs = new Map<Kustomization, Map<Kustomization, Folder[]>>();
  const ordered = [...info.built].sort((a, b) => (a[0].node.path < b[0].node.path ? -1 : a[0].node.path > b[0].node.path ? 1 : 0));
  for (const [k, folders] of ordered) {
    const own = nearestFolder(k);
    const target = k.kubeConfig ? `remote\u0000${k.namespace}/${k.kubeConfig.name}/${k.kubeConfig.key}` : `cluster\u0000${own ? clusterOf(own) : ''}`;
    const key = `${target}\u0000${k._buildTransform()}`;
    for (const f of folders) {
      const id = `${key}\u0000${f.node.path}`;
      const other = first.get(id);
      if (!other) {
        first.set(id, k);
        continue;
      }
      let withK = pairs.get(k);
      if (!withK) pairs.set(k, (withK = new Map()));
      const shared = withK.get(other);
      if (shared) shared.push(f);
      else withK.set(other, [f]);
    }
  }
  const out = new Map<Kustomization, string[]>();
  for (const [k, withK] of pairs) {
    out.set(k, [...withK].map(([other, folders]) => {
      const own = nearestFolder(k);
      const on = k.kubeConfig ? `the remote cluster of kubeConfig Secret ${k.kubeConfig.name}` : `cluster "${own ? clusterOf(own) : ''}"`;
      const more = folders.length > 1 ? ` (and ${folders.length - 1} more folder${folders.length > 2 ? 's' : ''})` : '';
      return `Kustomization ${k.namespace}/${k.name} builds folder "${folders[0].path}"${more}, which Kustomization ${other.namespace}/${other.name} (${other.node.path}) also builds for ${on}: ` +
        'each object would be in both inventories, each apply would take its ownership from the other, and the one that stops applying it would prune it although the other still does; ' +
        'apply each folder with one Kustomization (give the parent folder includeSubfolders: false, or drop one of them)';
    }));
  }
  return out;
}

const BUILD_SIZES = Symbol('build-sizes');

function buildProblem(b: KustomizationBuildSize, max: number): string {
  return buildBoundMessage(`${b.kustomization.namespace}/${b.kustomization.name}`, b.kustomization.path, b.objects, max);
}

/** Every Flux Kustomization of the app building a folder of an app repo, with its size (one walk of the app). */
function appBuildSizes(root: IConstruct): KustomizationBuildSize[] {
  return appBuildInfo(root).sizes;
}

/** {@link appBuildSizes}, and the folders each of those Kustomizations builds. */
interface AppBuildInfo {
  readonly sizes: KustomizationBuildSize[];
  readonly built: Map<Kustomization, Folder[]>;
  /** Kustomizations building folders their source's `sparseCheckout` leaves out: the problem. */
  readonly sparse: Map<Kustomization, string>;
}

function appBuildInfo(root: IConstruct): AppBuildInfo {
  const own = new Map<Folder, number>();
  const kustomizations: Kustomization[] = [];
  const repos = new Set<Repo>();
  for (const c of allConstructs(root)) {
    if (c instanceof ApiObject) {
      const folder = nearestFolder(c);
      if (folder) own.set(folder, (own.get(folder) ?? 0) + 1);
    } else if (isKustomization(c)) {
      kustomizations.push(c);
    } else if (Repo.isRepo(c)) {
      repos.add(c);
    }
  }
  const layouts = new Map<Repo, RepoLayout>();
  const layoutOf = (repo: Repo) => {
    let l = layouts.get(repo);
    if (!l) layouts.set(repo, (l = new RepoLayout(repo, own)));
    return l;
  };
  const out: KustomizationBuildSize[] = [];
  const builtFolders = new Map<Kustomization, Folder[]>();
  const sparse = new Map<Kustomization, string>();
  const sparseSets = new Map<object, ReadonlySet<string>>();
  // Per sparse source, per first path left out: the first Kustomization, and how many more (for
  // generated artifacts, of how many generators).
  const sparseFirst = new Map<object, Map<string, { k: Kustomization; outside: string[]; more: number; generators: Set<object> }>>();
  for (const k of kustomizations) {
    // A construct whose constructor threw (caught by the caller) is in the tree, half made.
    if (typeof k.path !== 'string' || !k.source) continue;
    const src = k.source as { readonly repo?: Repo; readonly url?: unknown };
    // The source's repo: its `repo`, else the app repo of its URL (a tenant's team repo; none when
    // the repo is not in the app), else (an import by name) the Kustomization's own repo.
    const sourceRepo = src.repo ?? (typeof src.url === 'string' ? Repo.ofUrl(root, src.url) : repoOf(k));
    if (!sourceRepo || !repos.has(sourceRepo)) continue;
    const layout = layoutOf(sourceRepo);
    const folders = layout.allBuilt(k.path);
    const built = layout.built(folders);
    if (built) {
      out.push({ kustomization: k, folder: built.folder, objects: built.objects });
      builtFolders.set(k, layout.foldersBuilt(folders));
    }
    // A sparse source (GitRepository sparseCheckout, an ArtifactGenerator's artifact of directories)
    // holds only its directories: every folder the build reads must be in one, or
    // kustomize-controller finds no such path in the artifact.
    let kept = sparseSets.get(src);
    if (!kept) {
      // Without the trailing `/` of each `dir/`.
      const dirs = (src as { readonly sparseCheckoutDirectories?: readonly string[] }).sparseCheckoutDirectories;
      sparseSets.set(src, (kept = new Set((dirs ?? []).map((d) => d.slice(0, -1)))));
    }
    if (kept.size > 0) {
      const dirs = kept;
      const outside = readPaths(layout, k, folders).filter((p) => !isAtOrUnder(p, dirs));
      if (outside.length > 0) {
        // One line per source and path, on its first Kustomization (a fleet's thousands share
        // them); for generated artifacts (a fleet's are one per cluster, in a generator per
        // bucket), one line per path for all of them.
        const generator = (src as { readonly generator?: object }).generator;
        const key = generator ? GENERATED_ARTIFACTS : src;
        let byPath = sparseFirst.get(key);
        if (!byPath) sparseFirst.set(key, (byPath = new Map()));
        const seen = byPath.get(outside[0]);
        if (seen) {
          seen.more++;
          if (generator) seen.generators.add(generator);
        } else byPath.set(outside[0], { k, outside, more: 0, generators: new Set(generator ? [generator] : []) });
      }
    }
  }
  for (const { k, outside, more, generators } of [...sparseFirst.values()].flatMap((m) => [...m.values()])) {
    const s = k.source as { readonly namespace?: string; readonly name?: string; readonly kind?: string; readonly generator?: { readonly namespace: string; readonly name: string } };
    const also = outside.length > 1 ? ` (and ${outside.length - 1} more path${outside.length > 2 ? 's' : ''})` : '';
    const artifact = s.kind === 'ExternalArtifact';
    const of = artifact ? (generators.size > 1 ? `the artifacts of ${generators.size} generators` : 'that generator\'s artifacts') : 'that source';
    const others = more > 0 ? ` (so do ${more} more Kustomizations of ${of})` : '';
    const [leaves, fix] = artifact
      ? [`its source ExternalArtifact ${s.namespace}/${s.name} (of ArtifactGenerator ${s.generator?.namespace}/${s.generator?.name}) does not copy`, 'to the artifact\'s directories (addDirectory)']
      : [`the sparseCheckout of its source GitRepository ${s.namespace}/${s.name} leaves out of the artifact`, 'to the source\'s sparseCheckout'];
    sparse.set(k, `Kustomization ${k.namespace}/${k.name} builds from "${outside[0]}"${also}, which ${leaves}${others}: ` +
      `kustomize-controller would not find it; add "${outside[0]}/" ${fix} (a Fleet's bucketSources.include)`);
  }
  return { sizes: out, built: builtFolders, sparse };
}

/**
 * The repo-relative paths a Kustomization building `folders` (its built folders) reads: each
 * folder, an overlay's base and components (with what they build), the files and directories a
 * folder lists by path that are no folder of the app, and the Kustomization's own components.
 */
function readPaths(layout: RepoLayout, k: Kustomization, folders: readonly Folder[]): string[] {
  const out = new Set<string>();
  const seen = new Set<Folder>();
  const visit = (f: Folder) => {
    if (seen.has(f)) return;
    seen.add(f);
    out.add(f.path);
    if (Overlay.isOverlay(f)) for (const d of [f.base, ...f.components]) for (const b of [d, ...layout.allBuilt(d.path)]) visit(b);
    for (const r of f.additionalResourceTargets) if (!r.folder && !REMOTE_RESOURCE.test(r.entry)) out.add(r.resolved);
  };
  for (const f of folders) visit(f);
  const base = fluxSpecPath(k.path);
  for (const c of k.components) out.add(posix.normalize(posix.join(base, c)).replace(/\/+$/, ''));
  return [...out];
}

/** The folders of one repo as Flux builds them, and the objects each folder holds. */
class RepoLayout {
  private readonly folders: RepoFolders;
  private readonly own = new Map<Folder, number>();

  public constructor(repo: Repo, objects: Map<Folder, number>) {
    this.folders = repoFolders(repo);
    // A file listed by path counts as one object.
    for (const f of this.folders.folders) this.own.set(f, (objects.get(f) ?? 0) + this.folders.listedFiles.get(f)!);
  }

  /** Every folder a Kustomization applying `path` builds (see `RepoFolders.built`). */
  public allBuilt(path: string): Folder[] {
    return this.folders.built(path);
  }

  /**
   * What a Kustomization building `folders` (its {@link allBuilt}) builds, with its objects: also
   * what each overlay among them builds from its base and components (with what they list), as
   * kustomize does.
   */
  public built(folders: readonly Folder[]): { folder: Folder; objects: number } | undefined {
    if (folders.length === 0) return undefined;
    // Each folder once: kustomize refuses a resource listed twice, so a folder reached twice is one build.
    const seen = new Set<Folder>();
    let objects = 0;
    const visit = (f: Folder) => {
      if (seen.has(f)) return;
      seen.add(f);
      objects += this.own.get(f) ?? 0;
      if (Overlay.isOverlay(f)) for (const d of [f.base, ...f.components]) for (const b of [d, ...this.allBuilt(d.path)]) visit(b);
    };
    for (const f of folders) visit(f);
    return { folder: folders[0], objects };
  }

  /** Those of `folders` (a Kustomization's {@link allBuilt}) holding objects, those {@link built} counts. */
  public foldersBuilt(folders: readonly Folder[]): Folder[] {
    return folders.filter((f) => this.own.get(f)! > 0);
  }
}

/** The key grouping the sparse problems of every generated artifact (see `appBuildInfo`). */
const GENERATED_ARTIFACTS = {};

/** Whether a construct is the library's Flux {@link Kustomization} (by its symbol: no import of the class, which imports this module). */
export function isKustomization(c: IConstruct): c is Kustomization {
  return typeof c === 'object' && c !== null && Symbol.for('cdk8s-platform.flux.Kustomization') in c;
}

function repoOf(c: IConstruct): Repo | undefined {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) if (Repo.isRepo(s)) return s;
  return undefined;
}
