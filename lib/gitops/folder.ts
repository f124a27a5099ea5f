import { ApiObject, Chart } from 'cdk8s';
import * as posix from 'path/posix';
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
/** Options of {@link Folder.addResource}. */
export interface AddResourceOptions {
  /**
   * The path is a file (or folder) you keep in the repo yourself: synth does not require the app
   * to write it, and never writes nor deletes it.
   * @default false - the app must write the file or folder
   */
  readonly userOwned?: boolean;
}

/** A resource listed with {@link Folder.addResource}. */
export interface AdditionalResource {
  /** The entry of `resources:` (relative to the folder). */
  readonly entry: string;
  /** The path relative to the repo root. */
  readonly resolved: string;
  /** Declared user-owned. */
  readonly userOwned: boolean;
  /** The folder, when given as one. */
  readonly folder?: Folder;
}

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
  private readonly extraResources: AdditionalResource[] = [];
  private readonly filePatches: Array<Record<string, unknown>> = [];

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
   * Lists another resource in the folder's `kustomization.yaml`: a file or folder of the same
   * repo, given as a {@link Folder} or as a path relative to this folder (`hand-written.yaml`,
   * `../shared/monitoring`). Paths leaving the repo (or absolute paths, URLs) are refused. At
   * synth the target must be a file or folder the app writes in this repo, unless it is declared
   * user-owned (`{ userOwned: true }`: a file you keep in the repo yourself, which this library
   * never writes nor deletes).
   *
   * @example
   * folder.addResource('gotk-components.yaml', { userOwned: true });
   * cluster.addResource(repo.folder('platform/overlays/prod'));
   */
  public addResource(target: Folder | string, options: AddResourceOptions = {}): void {
    const shown = typeof target === 'string' ? `"${target}"` : `folder "${target.path}"`;
    const where = `${this.node.path}: addResource(${shown})`;
    if (typeof target !== 'string') {
      if (!Folder.isFolder(target)) throw new Error(`${where}: must be a path or a Folder`);
      // Required here: repo.ts imports this module.
      const { Repo } = require('./repo') as typeof import('./repo');
      if (Repo.of(target) !== Repo.of(this)) throw new Error(`${where}: the folder is in another repo; list only folders of this folder's repo`);
      if (target === this) throw new Error(`${where}: a folder cannot list itself`);
      if (this.path.startsWith(`${target.path}/`)) {
        throw new Error(`${where}: "${target.path}" contains this folder, so kustomize would build it in a cycle`);
      }
      this.extraResources.push({ entry: posix.relative(this.path, target.path), resolved: target.path, userOwned: false, folder: target });
      return;
    }
    if (!target || target.startsWith('/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(target) || target.includes('\\')) {
      throw new Error(`${where}: must be a "/"-separated path relative to the folder (no absolute paths or URLs)`);
    }
    const resolved = posix.normalize(posix.join(this.path, target));
    if (resolved === '..' || resolved.startsWith('../') || resolved === '.') {
      throw new Error(`${where}: resolves to "${resolved}", outside the repo; list only files and folders inside the repo`);
    }
    if (resolved === this.path) throw new Error(`${where}: a folder cannot list itself`);
    const entry = posix.relative(this.path, resolved);
    this.extraResources.push({ entry, resolved, userOwned: options.userOwned ?? false });
  }

  /** Resources added with {@link addResource}: paths relative to the folder, sorted. */
  public get additionalResources(): readonly string[] {
    return [...new Set(this.extraResources.map((r) => r.entry))].sort();
  }

  /** Resources added with {@link addResource}, with their repo-relative paths (for synth checks). */
  public get additionalResourceTargets(): readonly AdditionalResource[] {
    return [...this.extraResources];
  }

  /**
   * Entries of the `kustomization.yaml` listed before the folder's own files (an overlay's base).
   * @internal
   */
  public _resourcesBefore(): string[] {
    return [];
  }

  /** Fields of the `kustomization.yaml` after `resources` (an overlay's patches, ...). @internal */
  public _kustomizationFields(): Record<string, unknown> {
    return this.filePatches.length > 0 ? { patches: this.filePatches.map((p) => ({ ...p })) } : {};
  }

  /**
   * Adds a `patches:` entry (`{ patch: <YAML text>, target }`) to the folder's kustomization.yaml
   * for objects that are not constructs of the app (the Flux controllers of a committed
   * `gotk-components.yaml`: `FluxBootstrap`'s lockdown). @internal
   */
  public _addFilePatch(patch: Record<string, unknown>): void {
    this.filePatches.push(patch);
  }

  /** apiVersion and kind of the folder's `kustomization.yaml`. @internal */
  public _kustomizationKind(): { apiVersion: string; kind: string } {
    return { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };
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
