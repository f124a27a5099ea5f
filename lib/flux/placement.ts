// Where a construct's objects are placed: its folder and that folder's cluster (internal helpers of
// the Flux checks; not exported by the package).
import { posix } from 'path';
import { IConstruct } from 'constructs';
import { builtDirectories, type BuildTree } from '../core/flux-build';
import { memoForSynthPass } from '../core/synth-pass';
import { Folder } from '../gitops/folder';
import { Repo } from '../gitops/repo';

/** The folder a construct is placed in (its nearest Folder ancestor, itself excluded). */
export function nearestFolder(c: IConstruct): Folder | undefined {
  for (let s: IConstruct | undefined = c.node.scope; s; s = s.node.scope) if (Folder.isFolder(s)) return s;
  return undefined;
}

/**
 * The cluster of a folder as synth places its objects: its own `cluster`, else its nearest parent
 * folder's by path, else none (''). Memoized per folder for one check.
 */
export function folderClusters(): (folder: Folder) => string {
  const memo = new Map<Folder, string>();
  const index = new RepoIndex();
  const clusterOf = (folder: Folder): string => {
    let c = memo.get(folder);
    if (c !== undefined) return c;
    const parent = folder.cluster === undefined ? index.of(Repo.of(folder)).parentOf(folder) : undefined;
    c = folder.cluster ?? (parent ? clusterOf(parent) : '');
    memo.set(folder, c);
    return c;
  };
  return clusterOf;
}

/**
 * The folders of one repo as Flux builds them: each folder's nearest parent folder by path, what
 * its `kustomization.yaml` lists, and what a Kustomization applying a path builds. One model for
 * every Flux check (the lockdown walk, the tenants' checks, the build bound), computed once per
 * repo and check.
 */
export class RepoFolders {
  /** The repo's folders, sorted by path. */
  public readonly folders: Folder[];
  /** The folders by path. */
  public readonly byPath: Map<string, Folder>;
  /** Folders of the app a folder lists by path (`addResource`), itself excluded. */
  public readonly listed = new Map<Folder, Folder[]>();
  /** The number of files (not folders of the app) a folder lists by path. */
  public readonly listedFiles = new Map<Folder, number>();
  private readonly children = new Map<Folder, Folder[]>();

  public constructor(repo: Repo) {
    this.folders = repo.folders;
    this.byPath = new Map(this.folders.map((f) => [f.path, f]));
    for (const folder of this.folders) {
      const targets = folder.additionalResources.map((r) => this.byPath.get(posix.normalize(posix.join(folder.path, r))));
      this.listed.set(folder, targets.filter((t): t is Folder => t !== undefined && t !== folder));
      this.listedFiles.set(folder, targets.filter((t) => t === undefined).length);
      const parent = this.parentOf(folder);
      if (!parent) continue;
      const list = this.children.get(parent);
      if (list) list.push(folder);
      else this.children.set(parent, [folder]);
    }
  }

  /** The folder's nearest parent folder by path (the one whose kustomization.yaml lists it). */
  public parentOf(folder: Folder): Folder | undefined {
    const segments = folder.path.split('/');
    for (let i = segments.length - 1; i > 0; i--) {
      const parent = this.byPath.get(segments.slice(0, i).join('/'));
      if (parent) return parent;
    }
    return undefined;
  }

  /**
   * The sub-folders a folder's build includes: with the library's kustomization.yaml, its direct
   * sub-folders that write one (when `includeSubfolders`); without one, Flux generates a
   * kustomization of the whole directory tree, so every direct sub-folder (one with its own
   * kustomization.yaml is added as a directory and follows its own list).
   */
  public included(folder: Folder): Folder[] {
    const children = this.children.get(folder) ?? [];
    if (!folder.kustomization) return children;
    if (!folder.includeSubfolders) return [];
    return children.filter((f) => f.kustomization);
  }

  /**
   * Every folder a Kustomization applying `path` builds, as Flux builds it (the model shared with
   * the apply-order check, lib/core/flux-build.ts): the folder there with what its
   * kustomization.yaml lists (sub-folders, folders added by path), recursively; or, when no folder
   * with a kustomization.yaml sits there, what Flux's generated one lists (fluxcd/pkg `kustomize`
   * `generateKustomization`): the YAML files below the path, except below a directory holding a
   * kustomization.yaml, which is listed (and built) instead. The folder at or nearest below the
   * path comes first.
   */
  public built(path: string): Folder[] {
    return builtDirectories(this.buildTree, path).map((b) => b.dir);
  }

  /** The folders as a {@link BuildTree}. */
  private readonly buildTree: BuildTree<Folder> = {
    at: (p) => this.byPath.get(p),
    pathOf: (f) => f.path,
    isKustomized: (f) => f.kustomization,
    listedDirs: (f) => [...this.included(f), ...(this.listed.get(f) ?? [])],
    atOrBelow: (p) => (p === '' ? this.folders : this.below(p)),
  };

  /**
   * The folders at `p` and below it, by binary search in the folders sorted by path (a scan per
   * Kustomization was quadratic: a Fleet whose stages are paths of another repo imported by name).
   */
  private below(p: string): Folder[] {
    const lowerBound = (key: string) => {
      let lo = 0;
      let hi = this.folders.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.folders[mid].path < key) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    // The paths continuing `p/` are exactly those from `p/` (inclusive) to `p0` (exclusive): '0'
    // is the code unit after '/' (siblings such as `p-x` or `p.y` sort before `p/`).
    const exact = this.byPath.get(p);
    return [...(exact ? [exact] : []), ...this.folders.slice(lowerBound(`${p}/`), lowerBound(`${p}0`))];
  }
}

/**
 * The {@link RepoFolders} of a repo: once per synth pass (the lockdown walk of every bootstrap, the
 * tenants' checks, the shard check and the build bound share it), else once per call.
 */
export function repoFolders(repo: Repo): RepoFolders {
  return memoForSynthPass(REPO_FOLDERS, repo, () => new RepoFolders(repo));
}

const REPO_FOLDERS = Symbol('repo folders');

/**
 * The paths of a repo's folders and of every directory above one (`a/b` gives `a/b` and `a`),
 * once per synth pass: whether a directory holds a folder of the app, in constant time.
 */
export function folderPaths(repo: Repo): ReadonlySet<string> {
  return memoForSynthPass(FOLDER_PATHS, repo, () => {
    const out = new Set<string>();
    for (const f of repoFolders(repo).folders) {
      for (let d = f.path; d !== '' && !out.has(d); d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '') out.add(d);
    }
    return out;
  });
}

const FOLDER_PATHS = Symbol('folder paths');

export { isAtOrUnder } from '../core/sorted';

/** The {@link RepoFolders} of each repo, worked out once per check (and per synth pass). */
export class RepoIndex {
  private readonly repos = new Map<Repo, RepoFolders>();

  public of(repo: Repo): RepoFolders {
    let entry = this.repos.get(repo);
    if (!entry) this.repos.set(repo, (entry = repoFolders(repo)));
    return entry;
  }
}
