import { Construct, IConstruct } from 'constructs';
import { allConstructs, memoForSynthPass } from '../core/synth-pass';
import { displayPath, showConstructAs } from '../core/errors';
import { stableJson } from '../core/stable-json';
import { isAtOrUnder } from '../core/sorted';
import { normalizeRepoUrl } from '../core/repo-url';
import { Folder, FolderProps } from './folder';
import { KustomizeComponent, KustomizeComponentProps, Overlay, OverlayProps } from './kustomize';

/** Props of a {@link Repo}. */
export interface RepoProps {
  /**
   * Directory the repo's tree is written to. A relative path is resolved against the app's
   * outdir; an absolute path points straight at an existing checkout (files this library did not
   * write there are never touched).
   * @default - the construct id, inside the app's outdir
   */
  readonly dir?: string;

  /**
   * The repo's clone URL, used by constructs that point Flux at this repo.
   * @default - none
   */
  readonly url?: string;

  /**
   * The branch Flux tracks in this repo.
   * @default 'main'
   */
  readonly branch?: string;

  /**
   * Directories and files of the repo that you keep yourself, which this library never writes
   * nor deletes (see {@link Repo.addUserOwnedPath}), repo-relative (`apps/legacy`).
   * @default - none
   */
  readonly userOwnedPaths?: string[];
}

const REPO_SYMBOL = Symbol.for('cdk8s-platform.Repo');
const DIR_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Key of the app's repos by normalized URL in a synth pass (see {@link Repo.ofUrl}). */
const REPOS_BY_URL = Symbol('repos by URL');

/**
 * One Git repository written by a {@link GitOpsApp}: a tree of {@link Folder}s. An app may hold
 * several repos (the platform repo and one repo per team, say); one synth writes them all.
 *
 * @example
 * const app = new GitOpsApp();
 * const platform = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
 * const mgmt = platform.folder('clusters/mgmt');
 */
export class Repo extends Construct {
  /** Whether `x` is a Repo (works across copies of the library). */
  public static isRepo(x: unknown): x is Repo {
    return typeof x === 'object' && x !== null && REPO_SYMBOL in x;
  }

  /** The repo a construct belongs to. */
  public static of(construct: IConstruct): Repo {
    for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
      if (Repo.isRepo(c)) return c;
    }
    throw new Error(`${construct.node.path}: is not inside a Repo`);
  }

  /**
   * The Repo of the app whose `url` is `url` (compared normalized: scheme, `.git`, case of the
   * host), the first one declared; undefined when none is. The app's repos by URL are indexed once
   * per synth pass (one scan per lookup was quadratic with one repo per team).
   */
  public static ofUrl(scope: IConstruct, url: string): Repo | undefined {
    const root = scope.node.root;
    const byUrl = memoForSynthPass(REPOS_BY_URL, root, () => {
      const out = new Map<string, Repo>();
      for (const c of root.node.children) {
        if (!Repo.isRepo(c) || c.url === undefined) continue;
        const key = normalizeRepoUrl(c.url);
        if (!out.has(key)) out.set(key, c);
      }
      return out;
    });
    return byUrl.get(normalizeRepoUrl(url));
  }

  /** Where the repo is written (relative to the app outdir, or absolute). */
  public readonly dir: string;
  /** Clone URL, if given. */
  public readonly url?: string;
  /** Branch Flux tracks. */
  public readonly branch: string;

  public constructor(scope: Construct, id: string, props: RepoProps = {}) {
    super(scope, id);
    Object.defineProperty(this, REPO_SYMBOL, { value: true });
    const dir = props.dir ?? id;
    if (!dir.startsWith('/') && !dir.split('/').every((s) => DIR_NAME.test(s))) {
      throw new Error(`${this.node.path}: prop "dir": "${dir}" must be an absolute path or a relative path without ".." segments`);
    }
    this.dir = dir;
    this.url = props.url;
    this.branch = props.branch ?? 'main';
    for (const p of props.userOwnedPaths ?? []) this.addUserOwnedPath(p);
    this.node.addValidation({ validate: () => this.userOwnedProblems() });
  }

  private readonly userOwned = new Set<string>();
  /** The declared paths sorted, and every directory above one (worked out once per change). */
  private userOwnedIndex?: { readonly sorted: readonly string[]; readonly above: ReadonlySet<string> };

  /**
   * Declares a directory (or file) of the repo that you keep yourself: this library never writes
   * nor deletes it. Synth checks that every Flux Kustomization fetching this repo builds a path
   * that exists in it, and that its `spec.components` name kustomize Components of it, because
   * kustomize-controller fails on a missing one ("kustomization path not found"); a path you keep
   * yourself is taken to be there (so are the paths below it). Refused when a folder of the app
   * writes at or below it.
   *
   * @example
   * platform.addUserOwnedPath('apps/legacy'); // hand-written manifests a Kustomization builds
   */
  public addUserOwnedPath(path: string): void {
    const where = `${displayPath(this)}: addUserOwnedPath("${path}")`;
    if (typeof path !== 'string' || /[\\\u0000]/.test(path) || !path.split('/').every((s) => s !== '' && s !== '.' && s !== '..')) {
      throw new Error(`${where}: must be a "/"-separated path relative to the repo root, without empty, "." or ".." segments (e.g. "apps/legacy")`);
    }
    if (this.userOwned.has(path)) return;
    this.userOwned.add(path);
    this.userOwnedIndex = undefined;
  }

  /** The paths declared with {@link addUserOwnedPath}, sorted. */
  public get userOwnedPaths(): readonly string[] {
    return this.ownedIndex().sorted;
  }

  /**
   * Whether the repo has `path` (repo-relative) through a path declared with
   * {@link addUserOwnedPath}: the path itself, a path below it, or a directory above it.
   */
  public hasUserOwnedPath(path: string): boolean {
    return this.isUserOwned(path) || this.ownedIndex().above.has(path);
  }

  /** Whether `path` is a path declared with {@link addUserOwnedPath}, or below one. @internal */
  public isUserOwned(path: string): boolean {
    return this.userOwned.size > 0 && isAtOrUnder(path, this.userOwned);
  }

  private ownedIndex(): { readonly sorted: readonly string[]; readonly above: ReadonlySet<string> } {
    if (!this.userOwnedIndex) {
      const above = new Set<string>();
      for (const p of this.userOwned) for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) above.add(p.slice(0, i));
      this.userOwnedIndex = { sorted: Object.freeze([...this.userOwned].sort()), above };
    }
    return this.userOwnedIndex;
  }

  /** A folder of the app writing at or below a path declared user-owned (one pass over the folders). */
  private userOwnedProblems(): string[] {
    if (this.userOwned.size === 0) return [];
    const first = new Map<string, Folder>();
    for (const f of this.folders) {
      if (!(f.kustomization || f.node.children.some((c) => !Folder.isFolder(c)))) continue;
      // The declared paths at or above the folder.
      for (let p = f.path; ; p = p.slice(0, p.lastIndexOf('/'))) {
        if (this.userOwned.has(p) && !first.has(p)) first.set(p, f);
        if (!p.includes('/')) break;
      }
    }
    return this.userOwnedPaths.filter((p) => first.has(p)).map((p) => {
      const writer = first.get(p)!;
      return `addUserOwnedPath("${p}"): folder "${writer.path}" (${displayPath(writer)}) of the app writes there; a user-owned path holds only files you keep yourself: drop the declaration, or move the folder`;
    });
  }

  /** Props each folder was created with through {@link folder}. */
  private readonly folderProps = new WeakMap<Folder, Omit<FolderProps, 'path'>>();

  /**
   * The folder at `path`, created on first use. Later calls with the same path return the same
   * folder when they pass the same props (or none); different props are an error naming both.
   * Its construct id is the path with `/` written as `--` (construct ids cannot hold `/`);
   * messages show the path as written (`platform/clusters/mgmt/aks-dev/...`, see `displayPath`).
   */
  public folder(path: string, props: Omit<FolderProps, 'path'> = {}): Folder {
    const id = folderId(path);
    const existing = this.node.tryFindChild(id);
    if (existing && Folder.isFolder(existing)) {
      const first = this.folderProps.get(existing);
      if (Object.keys(props).length > 0 && (first === undefined || !sameProps(first, props))) {
        throw new Error(
          `${displayPath(this)}: folder "${path}" already exists with props ${first === undefined ? '(created with new Folder())' : stableJson(first)}; ` +
            `repo.folder("${path}", ${stableJson(props)}) asks for different props: pass the same props, or none, to get the existing folder`,
        );
      }
      return existing;
    }
    const folder = new Folder(this, id, { ...props, path });
    showConstructAs(folder, path);
    this.folderProps.set(folder, { ...props });
    return folder;
  }

  /**
   * A kustomize overlay at `path` building `props.base` with per-environment patches, images,
   * components, namespace, labels and name prefix/suffix (see {@link Overlay}).
   *
   * @example
   * const prod = repo.overlay('platform/overlays/prod', { base, patches: [KustomizePatch.strategicMerge(ingress, { spec: { suspend: false } })] });
   */
  public overlay(path: string, props: Omit<OverlayProps, 'path'>): Overlay {
    const overlay = new Overlay(this, folderId(path), { ...props, path });
    showConstructAs(overlay, path);
    return overlay;
  }

  /** A kustomize component at `path` (see {@link KustomizeComponent}). */
  public component(path: string, props: Omit<KustomizeComponentProps, 'path'> = {}): KustomizeComponent {
    const component = new KustomizeComponent(this, folderId(path), { ...props, path });
    showConstructAs(component, path);
    return component;
  }

  /** All folders of this repo, sorted by path. */
  public get folders(): Folder[] {
    // Listed once per synth pass (the stages and checks each ask), a new array for each caller.
    return memoForSynthPass(REPO_FOLDERS, this, () => allConstructs(this).filter(Folder.isFolder).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))).slice();
  }
}

const REPO_FOLDERS = Symbol('repoFolders');

/**
 * The construct id {@link Repo.folder}, {@link Repo.overlay} and {@link Repo.component} give the
 * folder at `path`: the path with each `/` written as `--` (construct ids cannot hold `/`; the id
 * stays what it was, since cdk8s derives names and selector labels from construct paths).
 */
export function folderId(path: string): string {
  return path.replace(/\//g, '--');
}

function sameProps(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return stableJson(a) === stableJson(b);
}
