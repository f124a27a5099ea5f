import * as posix from 'path/posix';
import { Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as l1 from '../../imports/flux/source.toolkit.fluxcd.io';
import { PropError, propError } from '../core/errors';
import { ignorePatternProblems } from '../core/source-ignore';
import { memoForSynthPass } from '../core/synth-pass';
import { addReference } from '../core/references';
import { ResourceImportProps } from '../core/resource';
import { recordImportedGitSource } from '../core/imported-sources';
import { ISecretSource } from '../core/secret';
import { Repo } from '../gitops/repo';
import { applyFluxRemovalPolicy, exactlyOne, FluxDuration, fluxMetadata, FluxObjectProps, fluxRef, FluxResource, fluxSecret, importFluxObject, ISource, optDuration, resolveIdentity, SOURCE_GROUP } from './common';
import { folderPaths, isAtOrUnder } from './placement';

/** Which revision of a Git repository to fetch: exactly one of the fields. */
export interface GitRef {
  /** A branch (e.g. `main`). */
  readonly branch?: string;
  /** A tag (e.g. `v1.2.0`). */
  readonly tag?: string;
  /** A semver range over the tags (e.g. `>=1.0.0 <2.0.0`). */
  readonly semver?: string;
  /** A commit SHA (40 hex digits). */
  readonly commit?: string;
}

/** Another GitRepository whose content is copied into this one (`spec.include`). */
export interface GitInclude {
  /** The included repository. */
  readonly repository: GitRepository | ISource;
  /** Path in the included repo to copy. @default - the root */
  readonly fromPath?: string;
  /** Path in this repo's artifact to copy to. @default - the included repo's name */
  readonly toPath?: string;
}

/** A Flux GitRepository: one of the app ({@link GitRepository}) or one imported by name. */
export interface IGitRepository extends ISource {
  /** The app repo it fetches, when known. */
  readonly repo?: Repo;
}

/** Props of {@link GitRepository.fromName}. */
export interface GitRepositoryImportProps extends ResourceImportProps {
  /**
   * The {@link Repo} of this app the existing GitRepository fetches (the `flux-system` source
   * `flux bootstrap` made for the repo this app writes). Lets `Kustomization.forFolder` check that
   * a folder belongs to it, counts the folders' objects for the build bound in that repo, and lets
   * synth check the builds of every Kustomization reading it as Flux makes them: a `spec.path` or
   * `spec.components` entry the repo lacks, an object two Kustomizations apply (see
   * docs/apply-order.md). Its `spec.ignore` and `.sourceignore` handling are not known, so the
   * checks of files left out of the artifact skip it.
   * @default - not known: the checks that need the source's repo skip Kustomizations reading it
   */
  readonly repo?: Repo;
}

/** Props of a {@link GitRepository}. */
export interface GitRepositoryProps extends FluxObjectProps {
  /**
   * Clone URL; `http://`, `https://` or `ssh://` (Flux does not take scp-like `git@host:path`).
   * @default - the url of `repo`
   */
  readonly url?: string;

  /**
   * The {@link Repo} of this app the source fetches: gives the default `url` and `ref.branch`,
   * and lets `Kustomization.forFolder` check that a folder belongs to this source.
   * @default - none (set `url`)
   */
  readonly repo?: Repo;

  /**
   * The revision to fetch: exactly one of branch, tag, semver, commit.
   * @default - `{ branch: repo.branch }` when `repo` is set, else `{ branch: 'main' }`
   */
  readonly ref?: GitRef;

  /**
   * The Secret with the credentials of a private repo (`username`/`password`, or
   * `identity`/`known_hosts` for SSH): an {@link ISecretSource} (a SealedSecret,
   * `ExistingSecret.fromName(...)`) or the name of a Secret managed outside the app. It must be in
   * the GitRepository's namespace (source-controller reads it from there). Never inline credentials.
   * @default - none (public repo)
   */
  readonly secretRef?: ISecretSource | string;

  /**
   * How often the repo is fetched.
   * @default '1m'
   */
  readonly interval?: FluxDuration;

  /**
   * Timeout of Git operations.
   * @default - Flux's default (60s)
   */
  readonly timeout?: FluxDuration;

  /**
   * `.gitignore`-style patterns of files left out of the artifact (`spec.ignore`).
   *
   * source-controller appends them after the repo's `.sourceignore` files, and any pattern drops
   * Flux's default exclusions (images, archives, CI files, `.sops.yaml`...); the VCS ones (`.git/`,
   * `.gitignore`...) stay. The last matching pattern decides, and Flux's matcher (go-git's) lets a
   * later `!pattern` re-include a file inside an excluded directory, unlike git. A Kustomization
   * of the app whose build needs a file left out (a kustomization file, a file it lists), or
   * builds a folder without kustomization.yaml with nothing left, is a synth error (also in
   * `cdk8s-platform validate`). Lines Flux reads differently from git are refused: a malformed
   * pattern (it never matches), `**` inside a segment of a pattern with a slash, and a class
   * starting with `!` (Flux negates with `[^...]`). The `flux-system` GitRepository's: the
   * `FluxBootstrap` prop `ignore`. See lib/core/source-ignore.ts.
   * @default - the VCS patterns and Flux's default exclusions (images, archives, CI files)
   */
  readonly ignore?: string;

  /**
   * Other GitRepositories whose content is included in the artifact.
   * @default - none
   */
  readonly include?: GitInclude[];

  /**
   * The only directories checked out and put in the artifact (`spec.sparseCheckout`,
   * source-controller v1.4 and later; more with {@link GitRepository.addSparseCheckout}). Every
   * Kustomization reading the source downloads and unpacks the whole artifact on each
   * reconciliation (kustomize-controller `reconcile`: fetch and untar into a temporary directory),
   * so a large repo read by many Kustomizations is better split. source-controller v1.6 (Flux 2.6)
   * and later; older ones drop the field and check out everything. source-controller fails the
   * source when a listed directory is missing at the fetched commit
   * (`validateSparseCheckoutPaths`). Each entry is a repo-relative
   * directory, written `dir/` (a leading `./` is dropped, a trailing `/` added): source-controller
   * hands the entries to go-git, which keeps the files whose path starts with one (so `apps`
   * would also keep `apps2/`). Synth refuses a Kustomization of the app whose build reads a
   * folder outside them.
   * @default - the whole repo
   */
  readonly sparseCheckout?: string[];

  /**
   * Whether the source is suspended.
   * @default false
   */
  readonly suspend?: boolean;
}

const GIT_URL = /^(http|https|ssh):\/\/.+$/;
const COMMIT = /^[0-9a-f]{7,40}$/;

/**
 * A Flux `GitRepository` (source.toolkit.fluxcd.io/v1): a Git repo Flux fetches and serves to
 * Kustomizations (and HelmReleases building charts from Git).
 *
 * @example
 * const source = new GitRepository(folder, 'source', { name: 'podinfo', url: 'https://github.com/stefanprodan/podinfo', ref: { branch: 'master' } });
 */
export class GitRepository extends FluxResource implements IGitRepository {
  /**
   * Imports an existing GitRepository (declared as provided, so references to it resolve).
   * `namespace` defaults to the folder's. Give `repo` when it fetches a repo of this app.
   *
   * @example
   * // `flux bootstrap` made flux-system for the repo this app writes.
   * const source = GitRepository.fromName(entry, 'source', { name: 'flux-system', namespace: 'flux-system', repo });
   */
  public static fromName(scope: Construct, id: string, props: GitRepositoryImportProps): IGitRepository {
    // Checked before the import exists: a caller catching the error keeps no half-made import.
    const where = `${scope.node.path ? `${scope.node.path}/` : ''}${id}`;
    if (props.repo !== undefined && !Repo.isRepo(props.repo)) throw new PropError(where, 'repo', 'must be a Repo of this app (new Repo(app, ...))');
    if (props.repo !== undefined && props.repo.node.root !== scope.node.root) throw new PropError(where, 'repo', `repo "${props.repo.node.path}" is in another app`);
    const source = importSource(scope, id, 'GitRepository', props) as ISource & { repo?: Repo };
    if (props.repo !== undefined) {
      source.repo = props.repo;
      recordImportedGitSource({ construct: source, name: source.name, namespace: source.namespace, repo: props.repo });
    }
    return source;
  }

  public override get kind(): 'GitRepository' {
    return 'GitRepository';
  }

  /** The URL fetched. */
  public readonly url: string;
  /** The app repo fetched, when given. */
  public readonly repo?: Repo;
  /** The revision fetched. */
  public readonly ref: GitRef;
  /** Name of the Secret with the repo's credentials (`spec.secretRef`), when it has one. */
  public readonly secretName?: string;
  /** The L1 object. */
  public readonly apiObject: l1.GitRepository;
  private readonly includes: GitInclude[] = [];
  private readonly sparse = new Set<string>();

  public constructor(scope: Construct, id: string, props: GitRepositoryProps) {
    super(scope, id);
    const { namespace } = resolveIdentity(this, props);
    this.repo = props.repo;
    const url = props.url ?? props.repo?.url;
    if (url === undefined) throw propError(this, 'url', 'is required (or pass a repo with a url)');
    if (!GIT_URL.test(url)) {
      throw propError(this, 'url', `"${url}" must start with http://, https:// or ssh:// (write git@host:org/repo as ssh://git@host/org/repo)`);
    }
    this.url = url;
    const ref = props.ref ?? { branch: props.repo?.branch ?? 'main' };
    const which = exactlyOne(this, 'ref', ref as Record<string, unknown>, ['branch', 'tag', 'semver', 'commit']);
    const value = (ref as Record<string, string>)[which];
    if (typeof value !== 'string' || value.length === 0) throw propError(this, `ref.${which}`, 'must be a non-empty string');
    if (which === 'commit' && !COMMIT.test(value)) throw propError(this, 'ref.commit', `"${value}" must be a commit SHA (7-40 lowercase hex digits)`);
    this.ref = ref;
    const secretRef = (this.secretName = props.secretRef !== undefined ? fluxSecret(this, 'secretRef', props.secretRef, namespace) : undefined);
    const interval = optDuration(this, 'interval', props.interval, '1m')!;
    const timeout = optDuration(this, 'timeout', props.timeout, undefined, { maxUnit: 'm' }); // the CRD allows ms, s, m
    const ignoreProblems = props.ignore !== undefined ? ignorePatternProblems(props.ignore) : [];
    if (ignoreProblems.length > 0) throw propError(this, 'ignore', ignoreProblems.join('; '));

    this.apiObject = new l1.GitRepository(this, 'Resource', {
      metadata: fluxMetadata(props, namespace),
      spec: Lazy.any({
        produce: (): l1.GitRepositorySpec => ({
          url,
          interval,
          ref,
          ...(secretRef ? { secretRef: { name: secretRef } } : {}),
          ...(timeout ? { timeout } : {}),
          ...(props.ignore !== undefined ? { ignore: props.ignore } : {}),
          ...(props.suspend ? { suspend: true } : {}),
          ...(this.sparse.size > 0 ? { sparseCheckout: this.sparseCheckoutDirectories.slice() } : {}),
          ...(this.includes.length > 0
            ? {
              include: this.includes.map((i) => ({
                repository: { name: i.repository.name },
                ...(i.fromPath ? { fromPath: i.fromPath } : {}),
                ...(i.toPath ? { toPath: i.toPath } : {}),
              })),
            }
            : {}),
        }),
      }),
    });
    for (const inc of props.include ?? []) this.addInclude(inc);
    (props.sparseCheckout ?? []).forEach((dir, i) => this.addSparse(`sparseCheckout[${i}]`, dir));
    applyFluxRemovalPolicy(this, props);
    this.node.addValidation({ validate: () => appSparseProblems(this).get(this) ?? [] });
    const all = GIT_REPOSITORIES.get(this.node.root);
    if (all) all.push(this);
    else GIT_REPOSITORIES.set(this.node.root, [this]);
  }

  /** Adds a directory to `spec.sparseCheckout` (see {@link GitRepositoryProps.sparseCheckout}). */
  public addSparseCheckout(dir: string): void {
    this.addSparse('addSparseCheckout', dir);
  }

  /**
   * The directories of `spec.sparseCheckout`, sorted, each `dir/` (see
   * {@link GitRepositoryProps.sparseCheckout}); empty when the whole repo is checked out.
   */
  public get sparseCheckoutDirectories(): readonly string[] {
    return [...this.sparse].sort();
  }

  private addSparse(prop: string, dir: string): void {
    const d = sparseDirectory(dir);
    if (typeof d !== 'string') throw propError(this, prop, d.problem);
    this.sparse.add(`${d}/`);
  }

  /**
   * The artifact paths the {@link GitInclude}s copy other repositories to (`toPath`, else the
   * included repository's name), without `./` or a trailing `/`.
   */
  public get includePaths(): readonly string[] {
    return this.includes.map((i) => (i.toPath ?? i.repository.name).replace(/^(\.\/)+/, '').replace(/\/+$/, ''));
  }

  /** Includes another GitRepository (same namespace) in this one's artifact. */
  public addInclude(include: GitInclude): void {
    const i = this.includes.length;
    if (include.repository.kind !== 'GitRepository') throw propError(this, `include[${i}].repository`, `must be a GitRepository (got ${include.repository.kind})`);
    if (include.repository.namespace !== this.namespace) {
      throw propError(this, `include[${i}].repository`, `must be in namespace "${this.namespace}" (got "${include.repository.namespace}")`);
    }
    addReference(this, `include[${i}]`, fluxRef(include.repository));
    this.includes.push(include);
  }
}

/** The GitRepositories of each app whose constructor finished, in creation order. */
const GIT_REPOSITORIES = new WeakMap<IConstruct, GitRepository[]>();

/**
 * Sparse directories of the app's GitRepositories (of an app repo) that no folder of the repo
 * holds: source-controller fails a source whose sparse directory is missing at the fetched commit
 * (`validateSparseCheckoutPaths`). One line per repo and directory (a Fleet's bucket sources share
 * their `include`), by the first source listing it.
 */
function appSparseProblems(self: GitRepository): ReadonlyMap<GitRepository, string[]> {
  return memoForSynthPass(APP_SPARSE_PROBLEMS, self.node.root, () => {
    const missing = new Map<string, { first: GitRepository; dir: string; more: number }>();
    for (const g of GIT_REPOSITORIES.get(self.node.root) ?? []) {
      if (!g.repo || g.sparseCheckoutDirectories.length === 0) continue;
      const folders = folderPaths(g.repo);
      const included = new Set(g.includePaths);
      for (const entry of g.sparseCheckoutDirectories) {
        const d = entry.slice(0, -1);
        if (folders.has(d) || (included.size > 0 && isAtOrUnder(d, included)) || g.repo.hasUserOwnedPath(d)) continue;
        const key = `${g.repo.node.id}\u0000${d}`;
        const m = missing.get(key);
        if (m) m.more++;
        else missing.set(key, { first: g, dir: d, more: 0 });
      }
    }
    const out = new Map<GitRepository, string[]>();
    for (const { first, dir, more } of missing.values()) {
      const line = `GitRepository ${first.namespace}/${first.name}: sparseCheckout "${dir}/" is no folder of repo ${first.repo!.node.id}${more > 0 ? ` (so do ${more} more source${more > 1 ? 's' : ''})` : ''}: ` +
        `source-controller fails a source whose sparse directory is missing at the fetched commit (validateSparseCheckoutPaths); create it (repo.folder('${dir}')), declare a directory you keep yourself (repo.addUserOwnedPath('${dir}')), or drop it (a Fleet's bucketSources.include)`;
      out.set(first, [...(out.get(first) ?? []), line]);
    }
    return out;
  });
}

const APP_SPARSE_PROBLEMS = Symbol('sparse directories missing from the repo');

/** An imported source of the given kind, declared as provided. */
export function importSource(scope: Construct, id: string, kind: ISource['kind'], props: ResourceImportProps): ISource {
  return importFluxObject<ISource>(scope, id, kind, SOURCE_GROUP, props);
}

/**
 * A `sparseCheckout` entry as a repo-relative directory without `./` or a trailing `/`, or why it
 * is none (the root, a path outside the repo).
 */
export function sparseDirectory(dir: string): string | { readonly problem: string } {
  const d = typeof dir === 'string' ? posix.normalize(dir.replace(/^(\.\/)+/, '')).replace(/\/+$/, '') : '';
  if (typeof dir !== 'string' || d === '' || d === '.') {
    return { problem: `${JSON.stringify(dir)} is not a directory of the repo: give a repo-relative directory such as "apps/prod" (leave sparseCheckout unset to check out the whole repo)` };
  }
  if (d.startsWith('/') || d === '..' || d.startsWith('../')) return { problem: `"${dir}" is outside the repo: give a repo-relative directory such as "apps/prod"` };
  return d;
}
