import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Folder } from './folder';
import { canonicalize, fileNames, KubeObject, kustomizationYaml, toYaml } from './layout';
import { Repo } from './repo';
import { renderApiObject } from './safe-keys';
import { conflictMessage, TreeChanges, TreeWriter } from './writer';
import { YamlFilePool } from './yaml-pool';
import { isClusterScoped } from '../core/kinds';
import { describeRef, ObjectRef, providedBy, referencesOf, refKey } from '../core/references';
import { groupOf } from '../core/validation/metadata';
import { BaselineEntry, baselineEntries, collectOptOuts, formatBaselineReport } from '../safety/baseline-report';
import { destroyGuard } from '../safety/guard';
import { blockedMessage, combinePlans, Plan, planTrees, TreeObject } from '../safety/plan';
import { allowDestroyFromEnv, checkAllowDestroy, protectionReasons } from '../safety/protection';
import { plaintextSecretAllowance, secretProblems } from '../safety/secrets';
import { readTree, readTreeAtRef } from '../safety/tree';

/** Props of a {@link GitOpsApp}. */
export interface GitOpsAppProps {
  /**
   * Directory that relative repo dirs are written under.
   * @default - `$CDK8S_OUTDIR` when set (as `cdk8s synth` does), else `dist`
   */
  readonly outdir?: string;

  /**
   * Validate every object against the bundled CRD schemas (strict, with CEL rules) before
   * anything is written. Turn off only to debug a schema problem.
   * @default true
   */
  readonly validation?: boolean;

  /**
   * Protected objects (see `protectionReasons`: stateful kinds, objects with a RETAIN marker,
   * Namespaces holding them) whose deletion or rename is allowed in the next synth into an
   * existing tree. Each entry is `Kind/namespace/name` (or `Kind/name` for cluster-scoped kinds,
   * or `Kind.group/...` to be specific), e.g. `['Cluster/fleet/aks-dev']`. Ids in
   * `$CDK8S_PLATFORM_ALLOW_DESTROY` (set by `cdk8s-platform synth|plan --allow-destroy`) are
   * allowed too. Remove the entry once the deletion is committed.
   * @default - no protected object may be deleted or renamed
   */
  readonly allowDestroy?: readonly string[];

  /**
   * Print the secure-baseline report (every opt-out of a secure default, see
   * {@link GitOpsApp.secureBaselineReport}) to stderr in {@link GitOpsApp.synth}.
   * @default true
   */
  readonly printBaselineReport?: boolean;
}

/** Options of {@link GitOpsApp.plan}. */
export interface GitOpsAppPlanOptions {
  /**
   * Compare with the files committed at this git revision (branch, tag, commit) of the git
   * repository each repo directory is in, instead of the files on disk.
   * @default - the files on disk
   */
  readonly ref?: string;
  /**
   * Directory relative repo dirs are read from.
   * @default - the app's outdir
   */
  readonly baseDir?: string;
  /**
   * Extra ids allowed to be deleted or renamed (added to the `allowDestroy` prop and
   * `$CDK8S_PLATFORM_ALLOW_DESTROY`).
   * @default []
   */
  readonly allowDestroy?: readonly string[];
}

/** One object placed in the tree. */
export interface PlacedObject {
  /** Canonical JSON of the object, as written. */
  readonly obj: KubeObject;
  /** Construct path of the ApiObject that produced it. */
  readonly constructPath: string;
  /** Repo it is written to. */
  readonly repo: Repo;
  /** Folder it is written to. */
  readonly folder: Folder;
  /** Path of its file, relative to the repo root. */
  readonly file: string;
}

/** Receives the rendered files of one repo. */
interface RepoSink {
  /** An object, serialized as YAML by the sink; `constructPath` is the ApiObject's. */
  addObject(rel: string, obj: KubeObject, constructPath: string): void;
  /** A file with ready content. */
  add(rel: string, content: string): void;
}

/** The outcome of a synth, per repo directory. */
export interface SynthResult {
  /** What changed in each repo directory (empty in plan mode, where nothing is written). */
  readonly repos: Array<{ readonly repo: Repo; readonly dir: string; readonly changes: TreeChanges }>;
  /** The secure-baseline report: every opt-out of a secure default, with its reason. */
  readonly optOuts: BaselineEntry[];
  /** The plan, when run in plan mode (`$CDK8S_PLATFORM_PLAN`, set by `cdk8s-platform plan`). */
  readonly plan?: Plan;
}

/** All problems found during synth, reported at once. */
export class SynthError extends Error {
  public constructor(public readonly problems: readonly string[]) {
    super(`synth failed with ${problems.length} problem(s); nothing was written:\n  ${problems.join('\n  ')}`);
    this.name = 'SynthError';
  }
}

const APP_SYMBOL = Symbol.for('cdk8s-platform.GitOpsApp');

/**
 * The root of a cdk8s-platform app: holds one or more {@link Repo}s and writes them all in one
 * pass. Unlike `cdk8s.App`, synth cost is linear in the number of objects (construct validation,
 * rendering and schema validation each visit every construct once), the output is a GitOps repo
 * layout (a directory per folder, one file per object, a `kustomization.yaml` per folder), the
 * bytes are deterministic, and writing is atomic and never touches files this library did not
 * write (see {@link TreeWriter}).
 *
 * Works with `cdk8s synth` (writes under `$CDK8S_OUTDIR`) and with repos pointing at existing
 * checkouts (`new Repo(app, 'platform', { dir: '/path/to/checkout' })`).
 *
 * @example
 * const app = new GitOpsApp();
 * const platform = new Repo(app, 'platform');
 * const folder = platform.folder('clusters/mgmt');
 * // ... constructs in `folder`
 * app.synth();
 */
export class GitOpsApp extends App {
  /** Whether `x` is a GitOpsApp. */
  public static isGitOpsApp(x: unknown): x is GitOpsApp {
    return typeof x === 'object' && x !== null && APP_SYMBOL in x;
  }

  /** The GitOpsApp a construct belongs to. */
  public static of(construct: IConstruct): GitOpsApp {
    const root = construct.node.root;
    if (!GitOpsApp.isGitOpsApp(root)) throw new Error(`${construct.node.path}: is not part of a GitOpsApp`);
    return root;
  }

  /** Whether objects are validated against their schemas at synth. */
  public readonly validation: boolean;
  /** Ids of protected objects whose deletion or rename is allowed (prop `allowDestroy`). */
  public readonly allowDestroy: readonly string[];
  private readonly printBaselineReport: boolean;

  public constructor(props: GitOpsAppProps = {}) {
    super({ outdir: props.outdir });
    Object.defineProperty(this, APP_SYMBOL, { value: true });
    this.validation = props.validation ?? true;
    this.allowDestroy = checkAllowDestroy('GitOpsApp: prop "allowDestroy"', props.allowDestroy ?? []);
    this.printBaselineReport = props.printBaselineReport ?? true;
  }

  /**
   * The secure-baseline report: every secure default a construct of the app was told to turn off
   * (`recordOptOut`, including `allowPlaintextSecret`), with its construct path and the reason given
   * (or "no reason given"), sorted by construct path.
   */
  public secureBaselineReport(): BaselineEntry[] {
    return collectOptOuts(this);
  }

  /**
   * What a synth would change, without writing anything: for each repo, the objects created,
   * updated (with a field diff), deleted and renamed compared with the files on disk (or at the
   * git revision `options.ref`), and which deletions of protected objects are not allowed
   * (`plan.blocked`). Throws a {@link SynthError} when the app itself has problems.
   */
  public plan(options: GitOpsAppPlanOptions = {}): Plan {
    const allow = [...this.allowDestroy, ...allowDestroyFromEnv(), ...checkAllowDestroy('plan: option "allowDestroy"', options.allowDestroy ?? [])];
    const rendered = this.renderRepos();
    return combinePlans(
      this.repos.map((repo) => {
        const dir = options.baseDir !== undefined ? path.resolve(options.baseDir, repo.dir) : this.repoDir(repo);
        const old = options.ref !== undefined ? readTreeAtRef(dir, options.ref) : readTree(dir);
        const next = rendered.get(repo) ?? { files: new Map<string, string>(), constructPaths: {} };
        return planTrees(old, next, { dir: repo.dir, allowDestroy: allow });
      }),
    );
  }

  /** All repos of the app, sorted by directory. */
  public get repos(): Repo[] {
    return this.node.children.filter(Repo.isRepo).sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  }

  /** Where a repo is written. */
  public repoDir(repo: Repo): string {
    return path.resolve(this.outdir, repo.dir);
  }

  /**
   * Renders, validates and writes every repo. Throws a {@link SynthError} listing every problem
   * (construct validation, duplicate objects, schema and CEL violations) before anything is
   * written; a failure while writing rolls the tree back. Also refused before anything is
   * written: plaintext Secrets and credential-looking values (see `secretProblems`,
   * `allowPlaintextSecret`), and deleting or renaming a protected object of an existing tree that
   * is not in `allowDestroy`. Prints the secure-baseline report to stderr (prop
   * `printBaselineReport`).
   */
  public synth(): void {
    const result = this.synthesize();
    if (this.printBaselineReport) {
      const report = formatBaselineReport(result.optOuts);
      if (report) process.stderr.write(report);
    }
  }

  /**
   * Like {@link synth}, returning what changed in each repo directory and the secure-baseline
   * report. When writing into an existing tree, refuses (with a {@link SynthError} naming each
   * object, before anything is written) to delete or rename a protected object that is not in
   * `allowDestroy`. In plan mode (`$CDK8S_PLATFORM_PLAN` names a file, as `cdk8s-platform plan`
   * does) nothing is written: the plan is computed against `$CDK8S_PLATFORM_PLAN_BASE` (or the
   * outdir), at `$CDK8S_PLATFORM_PLAN_REF` if set, and appended to that file as JSON.
   */
  public synthesize(): SynthResult {
    const planFile = process.env.CDK8S_PLATFORM_PLAN;
    if (planFile) return this.synthesizePlan(planFile);
    const allow = [...this.allowDestroy, ...allowDestroyFromEnv()];
    const groups = this.group();
    const pool = new YamlFilePool(YamlFilePool.threadsFor(groups.objectCount));
    const writers = new Map<Repo, TreeWriter>();
    try {
      for (const repo of this.repos) writers.set(repo, new TreeWriter(this.repoDir(repo), pool));
    } catch (e) {
      pool.terminate();
      for (const w of writers.values()) w.abort();
      throw e;
    }
    const written = new Map<Repo, TreeObject[]>();
    try {
      // Each folder's objects go to the YAML pool as soon as they are rendered, so worker threads
      // serialize and write them while this thread renders and validates the next folders.
      const problems = this.walk(groups, (repo, folder, entries) => {
        emitFolder(writers.get(repo)!, folder, entries, groups.children);
        let list = written.get(repo);
        if (!list) written.set(repo, (list = []));
        for (const p of entries) {
          const { apiVersion, kind, metadata } = p.obj;
          list.push({ file: p.file, apiVersion, kind, namespace: metadata.namespace, name: metadata.name ?? '', constructPath: p.constructPath, isProtected: protectionReasons(p.obj).length > 0 });
        }
      });
      pool.finish();
      if (problems.length > 0) throw new SynthError(problems);
    } catch (e) {
      pool.terminate();
      for (const w of writers.values()) w.abort();
      // A system error while staging (ENOSPC, ENAMETOOLONG...): one line naming the repo file.
      const owner = (e as NodeJS.ErrnoException).code ? [...writers.values()].find((w) => w.owns(e)) : undefined;
      throw owner ? new Error(owner.describeError(e)) : e;
    }
    // Check every repo for conflicts (and links, special files) before changing any of them.
    let planned: Array<{ repo: Repo; w: TreeWriter; changes: TreeChanges }>;
    try {
      planned = [...writers].map(([repo, w]) => ({ repo, w, changes: w.changes() }));
    } catch (e) {
      for (const w of writers.values()) w.abort();
      throw new SynthError([(e as Error).message]);
    }
    const conflicts = planned.flatMap(({ w, changes }) => changes.conflicts.map((f) => path.join(w.targetDir, f)));
    if (conflicts.length > 0) {
      for (const w of writers.values()) w.abort();
      throw new SynthError([conflictMessage(conflicts)]);
    }
    // Refuse protected deletions and renames in any repo before changing any of them.
    let blocked: string[];
    try {
      blocked = planned.flatMap(({ repo, w, changes }) =>
        destroyGuard(w.targetDir, changes, written.get(repo) ?? [], allow)
          .filter((c) => c.blocked)
          .map((c) => blockedMessage(c, repo.dir)),
      );
    } catch (e) {
      for (const w of writers.values()) w.abort();
      throw e;
    }
    if (blocked.length > 0) {
      for (const w of writers.values()) w.abort();
      throw new SynthError(blocked);
    }
    const repos: SynthResult['repos'] = [];
    try {
      for (const { repo, w, changes } of planned) repos.push({ repo, dir: w.targetDir, changes: w.commit(changes) });
    } finally {
      for (const w of writers.values()) w.abort(); // releases the locks of repos not committed after a failure
    }
    return { repos, optOuts: groups.optOuts };
  }

  /** Plan mode of {@link synthesize}: computes the plan and appends it to `file` as JSON. */
  private synthesizePlan(file: string): SynthResult {
    const env = process.env;
    const plan = this.plan({ baseDir: env.CDK8S_PLATFORM_PLAN_BASE || undefined, ref: env.CDK8S_PLATFORM_PLAN_REF || undefined });
    let previous: Plan | undefined;
    if (fs.existsSync(file)) previous = JSON.parse(fs.readFileSync(file, 'utf8')) as Plan;
    const all = previous ? combinePlans([...previous.repos, ...plan.repos]) : plan;
    fs.writeFileSync(file, `${JSON.stringify(all, undefined, 2)}\n`);
    return { repos: [], optOuts: this.secureBaselineReport(), plan };
  }

  /** Every repo rendered in memory, with the construct path of each object file. */
  private renderRepos(): Map<Repo, { files: Map<string, string>; constructPaths: Record<string, string> }> {
    const groups = this.group();
    const out = new Map<Repo, { files: Map<string, string>; constructPaths: Record<string, string> }>();
    const problems = this.walk(groups, (repo, folder, entries) => {
      let tree = out.get(repo);
      if (!tree) out.set(repo, (tree = { files: new Map(), constructPaths: {} }));
      const t = tree;
      const add = (rel: string, content: string) => t.files.set(rel, content);
      emitFolder({ add, addObject: (rel, obj, constructPath) => {
        add(rel, toYaml(obj));
        t.constructPaths[rel] = constructPath;
      } }, folder, entries, groups.children);
    });
    if (problems.length > 0) throw new SynthError(problems);
    return out;
  }

  /** Renders every repo in memory: repo dir → (file path → content). Nothing is written. */
  public renderToMemory(): Map<string, Map<string, string>> {
    return new Map([...this.renderRepos()].map(([repo, tree]) => [repo.dir, tree.files]));
  }

  /**
   * Every object of the app with its placement, validated (throws a {@link SynthError} listing
   * every problem).
   */
  public placedObjects(): PlacedObject[] {
    const placed: PlacedObject[] = [];
    const problems = this.walk(this.group(), (_repo, _folder, entries) => placed.push(...entries));
    if (problems.length > 0) throw new SynthError(problems);
    return placed;
  }

  /**
   * Runs every construct validation, groups the ApiObjects by folder and works out the folder
   * tree. Problems found here (construct validations, objects outside folders, two repos in one
   * directory, two folders with one path) stop the synth before anything renders.
   */
  private group(): FolderGroups {
    const problems: string[] = [];
    const constructs = this.node.findAll();
    const byFolder = new Map<Folder, ApiObject[]>();
    const references: FolderGroups['references'] = [];
    const provided: FolderGroups['provided'] = [];
    for (const c of constructs) {
      for (const error of c.node.validate()) problems.push(`${c.node.path}: ${error}`);
      const refs = referencesOf(c);
      const provides = providedBy(c);
      if (!(c instanceof ApiObject) && refs.length === 0 && provides.length === 0) continue;
      let folder: Folder | undefined;
      // An ApiObject belongs to the folder above it; references declared on a Folder itself, to it.
      for (let s: IConstruct | undefined = c instanceof ApiObject ? c.node.scope : c; s; s = s.node.scope) {
        if (Folder.isFolder(s)) {
          folder = s;
          break;
        }
      }
      if (folder) {
        for (const r of refs) references.push({ path: c.node.path, folder, prop: r.prop, target: r.target });
        for (const target of provides) provided.push({ folder, target });
      } else if (refs.length > 0 || provides.length > 0) {
        problems.push(`${c.node.path}: is not inside a Folder, so the cluster its references point into is unknown; create it in a Folder of a Repo`);
      }
      if (!(c instanceof ApiObject)) continue;
      if (!folder) {
        problems.push(`${c.node.path}: ${c.kind} "${c.name}" is not inside a Folder; create it in a Folder of a Repo`);
        continue;
      }
      const list = byFolder.get(folder);
      if (list) list.push(c);
      else byFolder.set(folder, [c]);
    }
    const dirs = new Map<string, Repo>();
    const repos = this.repos.map((repo) => {
      const other = dirs.get(this.repoDir(repo));
      if (other) problems.push(`${repo.node.path}: writes to ${this.repoDir(repo)}, like ${other.node.path}; give each repo its own "dir"`);
      dirs.set(this.repoDir(repo), repo);
      for (const [dir, outer] of dirs) {
        const inner = this.repoDir(repo);
        if (inner !== dir && (inner.startsWith(dir + path.sep) || dir.startsWith(inner + path.sep))) {
          const [a, b] = inner.startsWith(dir + path.sep) ? [repo, outer] : [outer, repo];
          problems.push(`${a.node.path}: writes to ${this.repoDir(a)}, inside the repo ${b.node.path} (${this.repoDir(b)}); repos cannot be nested: give them sibling "dir"s`);
        }
      }
      const folders = repo.folders;
      const byPath = new Map<string, Folder>();
      for (const folder of folders) {
        const first = byPath.get(folder.path);
        if (first) problems.push(`${folder.node.path}: folder path "${folder.path}" is already used by ${first.node.path}`);
        byPath.set(folder.path, first ?? folder);
      }
      return { repo, folders };
    });
    if (problems.length > 0) throw new SynthError(problems);

    let objectCount = 0;
    for (const list of byFolder.values()) objectCount += list.length;
    const children = new Map<Folder, string[]>();
    const clusters = new Map<Folder, string>();
    for (const { folders } of repos) {
      // Folders are sorted by path, so a parent's cluster is known before its children's.
      for (const [folder, parent] of parentFolders(folders)) {
        clusters.set(folder, folder.cluster ?? (parent ? clusters.get(parent)! : ''));
        if (parent && folder.kustomization) {
          const list = children.get(parent) ?? [];
          list.push(folder.path.slice(parent.path.length + 1));
          children.set(parent, list);
        }
      }
    }
    return { repos, byFolder, objectCount, children, clusters, references, provided, optOuts: baselineEntries(constructs) };
  }

  /**
   * The single pass every output is built from: for each repo and folder (sorted), renders each
   * ApiObject once, names its file, checks for duplicate objects, hands the folder to `visit`, and
   * validates it. Returns every problem found (duplicate objects, schema and CEL violations).
   */
  private walk(groups: FolderGroups, visit: (repo: Repo, folder: Folder, entries: PlacedObject[]) => void): string[] {
    const problems: string[] = [];
    // Loaded on first use: apps that switch validation off never pay for ajv and CEL.
    const validate = this.validation ? (require('../core/validation') as typeof import('../core/validation')).validateObjects : undefined;
    const present = new Set<string>();
    for (const { repo, folders } of groups.repos) {
      const seen = new Map<string, string>();
      for (const folder of folders) {
        const cluster = groups.clusters.get(folder)!;
        const rendered = (groups.byFolder.get(folder) ?? []).flatMap((apiObject) => {
          // Keys named __proto__ / constructor in user values: refused with their field, never a crash.
          const r = renderApiObject(apiObject);
          problems.push(...r.problems);
          if (r.json === undefined) return [];
          const json = r.json as KubeObject;
          const obj = canonicalize(json, isClusterScoped(json.apiVersion, json.kind));
          // Secret hygiene: no plaintext Secret, no credential-looking value, unless allowed.
          problems.push(...secretProblems(obj, apiObject.node.path, plaintextSecretAllowance(apiObject)));
          return [{ obj, constructPath: apiObject.node.path }];
        });
        const entries: PlacedObject[] = [];
        for (const { file, obj, constructPath } of fileNames(rendered)) {
          const ns = obj.metadata.namespace ?? '';
          const key = `${cluster}\u0000${groupOf(obj.apiVersion)}\u0000${obj.kind}\u0000${ns}\u0000${obj.metadata.name}`;
          const first = seen.get(key);
          if (first) {
            const where = cluster ? `for cluster "${cluster}" in repo "${repo.dir}"` : `in repo "${repo.dir}"`;
            problems.push(`${constructPath}: ${obj.kind}/${ns}/${obj.metadata.name} is defined twice ${where} (also by ${first})`);
            continue;
          }
          seen.set(key, constructPath);
          present.add(key);
          entries.push({ obj, constructPath, repo, folder, file: `${folder.path}/${file}` });
        }
        visit(repo, folder, entries);
        if (validate) problems.push(...validate(entries.map((p) => ({ obj: p.obj, path: p.constructPath }))));
      }
    }
    problems.push(...this.unresolvedReferences(groups, present));
    return problems;
  }

  /**
   * Every recorded reference (see `addReference`) that points at no object of the app on the same
   * cluster and at nothing declared with `addProvided`.
   */
  private unresolvedReferences(groups: FolderGroups, present: Set<string>): string[] {
    const problems: string[] = [];
    const clusterOf = (folder: Folder) => groups.clusters.get(folder) ?? folder.cluster ?? '';
    const tryRef = (where: string, f: () => ObjectRef): ObjectRef | undefined => {
      try {
        return f();
      } catch (e) {
        problems.push(`${where}: ${(e as Error).message}`);
        return undefined;
      }
    };
    const available = new Set(present);
    for (const { folder, target } of groups.provided) {
      const ref = tryRef(folder.node.path, target);
      if (ref) available.add(refKey(clusterOf(folder), ref));
    }
    for (const { path: where, folder, prop, target } of groups.references) {
      const ref = tryRef(where, target);
      if (!ref) continue;
      const cluster = clusterOf(folder);
      if (available.has(refKey(cluster, ref))) continue;
      const on = cluster ? ` applied to cluster "${cluster}"` : '';
      problems.push(
        `${where}: prop "${prop}": refers to ${describeRef(ref)}, which is not an object of the app${on}; ` +
          'create it, or declare an existing one with the kind\'s fromName(...) import',
      );
    }
    return problems.sort();
  }
}

/** The app's structure, worked out once per synth. */
interface FolderGroups {
  /** Repos sorted by dir, each with its folders sorted by path. */
  readonly repos: ReadonlyArray<{ readonly repo: Repo; readonly folders: readonly Folder[] }>;
  readonly byFolder: Map<Folder, ApiObject[]>;
  readonly objectCount: number;
  /** Each folder's direct sub-folders (that write a kustomization.yaml), relative paths. */
  readonly children: Map<Folder, string[]>;
  /** The cluster each folder's objects are applied to ('' = the repo's own). */
  readonly clusters: Map<Folder, string>;
  /** References recorded by constructs, with the folder they sit in. */
  readonly references: Array<{ path: string; folder: Folder; prop: string; target: () => ObjectRef }>;
  /** Objects declared as existing outside the output, with the folder they were declared in. */
  readonly provided: Array<{ folder: Folder; target: () => ObjectRef }>;
  /** The secure-baseline report, from the same walk of the tree. */
  readonly optOuts: BaselineEntry[];
}

/** Sends a folder's objects and its kustomization.yaml to a sink. */
function emitFolder(sink: RepoSink, folder: Folder, entries: readonly PlacedObject[], children: Map<Folder, string[]>): void {
  const resources: string[] = [];
  for (const p of entries) {
    sink.addObject(p.file, p.obj, p.constructPath);
    resources.push(p.file.slice(folder.path.length + 1));
  }
  if (folder.kustomization) {
    if (folder.includeSubfolders) resources.push(...(children.get(folder) ?? []));
    resources.push(...folder.additionalResources);
    sink.add(`${folder.path}/kustomization.yaml`, kustomizationYaml(resources));
  }
}

/** Each folder (in the given order) with its nearest parent folder by path, if any. */
function parentFolders(sorted: readonly Folder[]): Array<[Folder, Folder | undefined]> {
  const byPath = new Map(sorted.map((f) => [f.path, f]));
  return sorted.map((folder) => {
    const segments = folder.path.split('/');
    for (let i = segments.length - 1; i > 0; i--) {
      const parent = byPath.get(segments.slice(0, i).join('/'));
      if (parent) return [folder, parent];
    }
    return [folder, undefined];
  });
}
