import { Construct, IConstruct } from 'constructs';
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
}

const REPO_SYMBOL = Symbol.for('cdk8s-platform.Repo');
const DIR_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

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
  }

  /**
   * The folder at `path`, created on first use (its construct id is the path). Later calls with
   * the same path return the same folder; props are only accepted on the first call.
   */
  public folder(path: string, props: Omit<FolderProps, 'path'> = {}): Folder {
    const id = path;
    const existing = this.node.tryFindChild(id.replace(/\//g, '--'));
    if (existing && Folder.isFolder(existing)) {
      if (Object.keys(props).length > 0) {
        throw new Error(`${this.node.path}: folder "${path}" already exists; pass its props on first use only`);
      }
      return existing;
    }
    return new Folder(this, id.replace(/\//g, '--'), { ...props, path });
  }

  /**
   * A kustomize overlay at `path` building `props.base` with per-environment patches, images,
   * components, namespace, labels and name prefix/suffix (see {@link Overlay}).
   *
   * @example
   * const prod = repo.overlay('platform/overlays/prod', { base, patches: [KustomizePatch.strategicMerge(ingress, { spec: { suspend: false } })] });
   */
  public overlay(path: string, props: Omit<OverlayProps, 'path'>): Overlay {
    return new Overlay(this, path.replace(/\//g, '--'), { ...props, path });
  }

  /** A kustomize component at `path` (see {@link KustomizeComponent}). */
  public component(path: string, props: Omit<KustomizeComponentProps, 'path'> = {}): KustomizeComponent {
    return new KustomizeComponent(this, path.replace(/\//g, '--'), { ...props, path });
  }

  /** All folders of this repo, sorted by path. */
  public get folders(): Folder[] {
    return this.node.findAll().filter(Folder.isFolder).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}
