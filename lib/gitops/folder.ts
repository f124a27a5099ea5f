import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

/** Props of a {@link Folder}. */
export interface FolderProps {
  /**
   * Path of the folder inside its repo, `/`-separated, relative (e.g. `clusters/mgmt`,
   * `infrastructure/dev-weu-1`, `tenants/team-a`). Each segment is 1-63 characters of lowercase
   * letters, digits, `.`, `_` and `-`, starting with a letter or digit.
   * @default - the construct id
   */
  readonly path?: string;

  /**
   * Namespace given to every namespaced object in the folder that has none of its own.
   * Cluster-scoped objects never get a namespace.
   * @default - objects keep the namespace they set (none: the namespace Flux applies them to)
   */
  readonly namespace?: string;

  /**
   * Labels added to every object in the folder.
   * @default - none
   */
  readonly labels?: Record<string, string>;

  /**
   * The cluster this folder's objects are applied to (for example the workload cluster a
   * `infrastructure/<cluster>` folder hydrates). Objects must be unique (kind, namespace, name)
   * per cluster within a repo; folders applied to different clusters may hold objects with the
   * same name. Sub-folders (by path) inherit it.
   * @default - the cluster of the nearest parent folder by path, else the repo's own cluster
   */
  readonly cluster?: string;

  /**
   * Write a `kustomization.yaml` listing the folder's files (and its direct sub-folders), so
   * `kubectl kustomize` and Flux's kustomize-controller build it.
   * @default true
   */
  readonly kustomization?: boolean;

  /**
   * Include the direct sub-folders (folders whose path continues this one's) as resources of this
   * folder's `kustomization.yaml`. Turn off when each sub-folder is reconciled by its own Flux
   * Kustomization.
   * @default true
   */
  readonly includeSubfolders?: boolean;
}

/**
 * The rule of a folder path: relative, "/"-separated segments of 1-63 lowercase letters, digits,
 * ".", "_" and "-", each starting with a letter or digit. Constructs that create folders from
 * their props check them with it first (`checkString(this, 'path', p, FOLDER_PATH)`).
 */
export const FOLDER_PATH = {
  pattern: /^[a-z0-9][a-z0-9._-]{0,62}(\/[a-z0-9][a-z0-9._-]{0,62})*$/,
  description: 'a relative folder path: "/"-separated segments of lowercase letters, digits, ".", "_" and "-" (e.g. "clusters/mgmt")',
} as const;
const FOLDER_SYMBOL = Symbol.for('cdk8s-platform.Folder');

/**
 * A directory of a GitOps repo. Every Kubernetes object is placed in exactly one folder (the
 * nearest `Folder` above it in the construct tree); synth writes one file per object plus a
 * `kustomization.yaml`.
 *
 * A folder is a cdk8s `Chart`, so any construct (cdk8s-plus, imported L1 classes, this library's
 * constructs) can be created in it. Objects created without an explicit `metadata.name` are named
 * from their construct path relative to the folder, **without** the hash suffix cdk8s adds: the
 * name is readable, but renaming the construct renames the object. Constructs of this library
 * that create cluster or cloud resources always take their name from props.
 *
 * @example
 * const app = new GitOpsApp();
 * const platform = new Repo(app, 'platform');
 * const mgmt = new Folder(platform, 'mgmt', { path: 'clusters/mgmt' });
 * new kplus.Namespace(mgmt, 'apps', { metadata: { name: 'apps' } });
 */
export class Folder extends Chart {
  /** Whether `x` is a Folder (works across copies of the library). */
  public static isFolder(x: unknown): x is Folder {
    return typeof x === 'object' && x !== null && FOLDER_SYMBOL in x;
  }

  /** The folder a construct is placed in (its nearest Folder ancestor, or itself). */
  public static of(construct: IConstruct): Folder {
    for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
      if (Folder.isFolder(c)) return c;
    }
    throw new Error(`${construct.node.path}: is not inside a Folder; create it in a Folder of a Repo`);
  }

  /** The folder's path inside its repo (`/`-separated, no leading or trailing slash). */
  public readonly path: string;
  /** The cluster set on this folder itself (see {@link FolderProps.cluster}). */
  public readonly cluster?: string;
  /** Whether a `kustomization.yaml` is written for this folder. */
  public readonly kustomization: boolean;
  /** Whether direct sub-folders are listed in the `kustomization.yaml`. */
  public readonly includeSubfolders: boolean;
  private readonly extraResources: string[] = [];

  public constructor(scope: Construct, id: string, props: FolderProps = {}) {
    super(scope, id, { namespace: props.namespace, labels: props.labels, disableResourceNameHashes: true });
    Object.defineProperty(this, FOLDER_SYMBOL, { value: true });
    const path = props.path ?? id;
    if (!FOLDER_PATH.pattern.test(path)) {
      throw new Error(
        `${this.node.path}: prop "path": "${path}" is not a valid folder path: use relative, "/"-separated ` +
          'segments of lowercase letters, digits, ".", "_" and "-" (e.g. "clusters/mgmt")',
      );
    }
    this.path = path;
    this.cluster = props.cluster;
    this.kustomization = props.kustomization ?? true;
    this.includeSubfolders = props.includeSubfolders ?? true;
  }

  /**
   * Lists a file that is not produced by this library (for example a hand-written file kept in
   * the folder) in the folder's `kustomization.yaml`. The path is relative to the folder.
   */
  public addResource(relativePath: string): void {
    if (relativePath.startsWith('/') || relativePath.split('/').includes('..')) {
      throw new Error(`${this.node.path}: addResource("${relativePath}"): must be a path inside the folder`);
    }
    this.extraResources.push(relativePath);
  }

  /** Files added with {@link addResource}, sorted. */
  public get additionalResources(): readonly string[] {
    return [...new Set(this.extraResources)].sort();
  }

  /**
   * Names objects that were given no explicit name: the construct path below the folder, as a
   * DNS label, without a hash suffix (stable, readable names).
   */
  public generateObjectName(apiObject: ApiObject): string {
    const below = apiObject.node.scopes.slice(this.node.scopes.length);
    const parts = below
      .map((c) => c.node.id)
      .filter((id) => id !== 'Resource' && id !== 'Default')
      .map((id) => id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, ''))
      .filter((id, i, all) => id.length > 0 && id !== all[i - 1]);
    const name = parts.join('-').slice(0, 63).replace(/-+$/, '');
    if (!name) {
      throw new Error(`${apiObject.node.path}: cannot derive an object name from the construct path; set metadata.name`);
    }
    return name;
  }
}
