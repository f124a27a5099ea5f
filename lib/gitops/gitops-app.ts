import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import * as YAML from 'yaml';
import { IConstruct } from 'constructs';
import { appApplyOrderProblems } from './apply-order';
import { Folder } from './folder';
import { canonicalize, fileNames, KubeObject, kustomizationFileYaml, toYaml } from './layout';
import { needsOverlayCheck, overlayProblems, unlistedFolders } from './overlay-check';
import { Repo } from './repo';
import { renderApiObject } from './safe-keys';
import { conflictMessage, TreeChanges, TreeWriter } from './writer';
import { YamlFilePool } from './yaml-pool';
import { isClusterScoped } from '../core/kinds';
import { controllerProvided, describeRef, ObjectRef, providedBy, referencesOf, refKey, WORKLOAD_REF_KINDS, workloadReferences, type WorkloadRef } from '../core/references';
import { recordOptOut } from '../core/baseline';
import { groupOf } from '../core/validation/metadata';
import { SchemaRegistry } from '../core/validation/registry';
import type { ValidationInput } from '../core/validation/types';
import type { Validator } from '../core/validation/validator';
import { BaselineEntry, baselineEntries, collectOptOuts, formatBaselineReport } from '../safety/baseline-report';
import { GuardNextTree, GuardRepo, guardApp, nextTreeOfSnapshot } from '../safety/guard';
import { blockedMessage, combinePlans, Plan, planTrees, TreeObject } from '../safety/plan';
import { allowDestroyFromEnv, checkAllowDestroy } from '../safety/protection';
import { plaintextSecretAllowance, secretProblems } from '../safety/secrets';
import { Baseline, baselineStateFile, isKustomizeConfig, readBaseline, readTreeAtRef, saveBaseline, TreeSnapshot } from '../safety/tree';

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
   * Namespaces holding them in any repo, composite resources of compositions with stateful
   * resources, Kustomizations hydrating a remote cluster) whose deletion, rename or pruning by Flux
   * is allowed in the next synth. Each entry is scoped to one repo and cluster:
   * `<repo>:<cluster>:Kind/namespace/name` (`repo` the Repo's id, `cluster` its folder's cluster,
   * empty for the repo's own: `platform::Cluster/fleet/aks-dev`), or `Kind/namespace/name` (or
   * `Kind/name`, `Kind.group/...`) when only one repo and cluster of the app has that object (else
   * synth fails listing the candidates). Ids in `$CDK8S_PLATFORM_ALLOW_DESTROY` (set by
   * `cdk8s-platform synth|plan --allow-destroy`) are allowed too. Remove the entry once the
   * deletion is committed: the guard compares with git HEAD.
   * @default - no protected object may be deleted or renamed
   */
  readonly allowDestroy?: readonly string[];

  /**
   * CustomResourceDefinition files or folders (searched recursively for *.yaml / *.yml / *.json;
   * non-CRD documents are ignored) whose kinds the app's objects may use: objects of those kinds
   * are validated against them. Relative paths are resolved against the current directory. An
   * object whose apiVersion/kind has no schema (bundled, listed here, in cdk8s.yaml `imports`, or
   * registered with `schemas.register(...)`) fails the synth, unless listed in `allowUnvalidated`.
   * @default []
   */
  readonly crds?: readonly string[];

  /**
   * Kinds whose objects are written without schema validation (metadata rules only), as
   * `<group>/<Kind>` (any version; core group: `v1/<Kind>`), e.g. `['monitoring.coreos.com/Prometheus']`.
   * An opt-out of the secure baseline: each entry is listed in the secure-baseline report (setting
   * `validation.allowUnvalidated`; give the reason with `justifyOptOut(app, 'validation.allowUnvalidated', reason)`).
   * Prefer `crds`.
   * @default [] - every object must have a schema
   */
  readonly allowUnvalidated?: readonly string[];

  /**
   * The cdk8s config file whose `imports:` are registered like `crds` (local CRD files and folders,
   * with or without a `name:=` prefix; `k8s`, URLs and `github:` imports are skipped: list their CRD
   * files in `crds`). `false`: do not read it.
   * @default - `cdk8s.yaml` in the current directory, when it exists
   */
  readonly cdk8sConfig?: string | false;

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
   * repository each repo directory is in.
   * @default - git HEAD when the repo directory is committed in a git checkout, else the files on
   * disk, else the copy kept by the last synth (see `readBaseline`)
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

/** Longest file name (bytes) ext4, XFS, btrfs, APFS and NTFS accept. */
const MAX_FILE_NAME_BYTES = 255;

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
  /** Kinds accepted without a schema (prop `allowUnvalidated` and {@link addUnvalidatedKind}). */
  public get allowUnvalidated(): readonly string[] {
    return [...this.unvalidatedKinds];
  }

  private readonly unvalidatedKinds: string[] = [];
  private readonly printBaselineReport: boolean;
  private readonly crdPaths: readonly string[];
  private readonly cdk8sConfig: string | false;
  private schemaRegistry?: SchemaRegistry;
  private validator?: Validator;

  public constructor(props: GitOpsAppProps = {}) {
    super({ outdir: props.outdir });
    Object.defineProperty(this, APP_SYMBOL, { value: true });
    this.validation = props.validation ?? true;
    this.crdPaths = checkStringList('GitOpsApp: prop "crds"', props.crds ?? []);
    for (const p of this.crdPaths) {
      if (!fs.existsSync(path.resolve(p))) throw new Error(`GitOpsApp: prop "crds": ${JSON.stringify(p)} does not exist (resolved to ${path.resolve(p)}); give CRD files or folders`);
    }
    for (const id of checkStringList('GitOpsApp: prop "allowUnvalidated"', props.allowUnvalidated ?? [])) this.addUnvalidatedKind(id, undefined, 'GitOpsApp: prop "allowUnvalidated"');
    this.cdk8sConfig = props.cdk8sConfig ?? 'cdk8s.yaml';
    this.allowDestroy = checkAllowDestroy('GitOpsApp: prop "allowDestroy"', props.allowDestroy ?? []);
    this.printBaselineReport = props.printBaselineReport ?? true;
  }

  /**
   * Accepts objects of a kind that has no schema (`<group>/<Kind>`, `v1/<Kind>` for the core group)
   * without validating them, like the `allowUnvalidated` prop, from the code that emits them (e.g.
   * a construct writing a CR whose CRD the library does not bundle). Listed in the secure-baseline
   * report, with `reason`. Call it before synth.
   */
  public addUnvalidatedKind(id: string, reason?: string, where = 'GitOpsApp.addUnvalidatedKind'): void {
    if (!/^[^/\s]+(\/[^/\s]+)?\/[A-Z][A-Za-z0-9]*$/.test(id)) {
      throw new Error(`${where}: ${JSON.stringify(id)} is not "<group>/<Kind>" (e.g. "monitoring.coreos.com/Prometheus", or "v1/<Kind>" for the core group)`);
    }
    if (this.validator) throw new Error(`${where}: ${JSON.stringify(id)}: too late, the app is already validating; call it before synth`);
    if (this.unvalidatedKinds.includes(id)) return;
    this.unvalidatedKinds.push(id);
    recordOptOut(this, 'validation.allowUnvalidated', id, reason);
  }

  /**
   * The schemas objects of this app are validated against: the bundled ones (CRDs of the supported
   * controllers and the built-in Kubernetes 1.34 kinds), the `crds` prop, the cdk8s.yaml imports,
   * and anything registered with `schemas.register(...)` (e.g. the instance kinds of a kro
   * ResourceGraphDefinition). Created on first use.
   */
  public get schemas(): SchemaRegistry {
    if (this.schemaRegistry) return this.schemaRegistry;
    const registry = SchemaRegistry.default().extend();
    for (const p of [...this.crdPaths, ...cdk8sConfigImports(this.cdk8sConfig)]) {
      try {
        registry.addCrdPath(path.resolve(p));
      } catch (e) {
        throw new Error(`GitOpsApp: cannot load CRDs from ${p}: ${(e as Error).message}`);
      }
    }
    return (this.schemaRegistry = registry);
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
   * updated (with a field diff), deleted, renamed and pruned by Flux compared with what is
   * committed (see `readBaseline`: git HEAD in a git checkout, else the files on disk, else the
   * copy kept by the last synth; or the git revision `options.ref`), and which deletions of
   * protected objects are not allowed (`plan.blocked`). Throws a {@link SynthError} when the app
   * itself has problems (or an allow id is ambiguous).
   */
  public plan(options: GitOpsAppPlanOptions = {}): Plan {
    const allow = [...this.allowDestroy, ...allowDestroyFromEnv(), ...checkAllowDestroy('plan: option "allowDestroy"', options.allowDestroy ?? [])];
    const groups = this.group();
    const rendered = this.renderRepos(groups);
    const base = options.baseDir !== undefined ? path.resolve(options.baseDir) : this.outdir;
    const trees = this.repos.map((repo) => {
      const dir = path.resolve(base, repo.dir);
      const old = options.ref !== undefined ? readTreeAtRef(dir, options.ref) : readBaseline(dir, baselineStateFile(base, dir)).tree;
      const next = rendered.get(repo) ?? { files: new Map<string, string>(), constructPaths: {} };
      return { repo, old, next };
    });
    const guard = guardApp(trees.map(({ repo, old, next }) => this.guardRepo(repo, groups, old, nextTreeOfSnapshot(next))), allow);
    if (guard.problems.length > 0) throw new SynthError(guard.problems);
    return combinePlans(trees.map(({ repo, old, next }) => planTrees(old, next, { dir: repo.dir, removals: guard.changes.get(repo.node.id) })));
  }

  /** A repo as the destroy guard sees it: its name, URL, baseline, new output and clusters. */
  private guardRepo(repo: Repo, groups: FolderGroups, old: TreeSnapshot, next: GuardNextTree): GuardRepo {
    const folders = [...(groups.repos.find((r) => r.repo === repo)?.folders ?? [])].sort((a, b) => b.path.length - a.path.length);
    // A file of a folder that is no longer in the app: its cluster is unknown, so its folder path
    // stands for it (allow ids stay unambiguous).
    const clusterOf = (file: string): string => {
      const folder = folders.find((f) => file.startsWith(`${f.path}/`));
      return folder ? groups.clusters.get(folder) ?? '' : file.replace(/\/[^/]*$/, '');
    };
    return { name: repo.node.id, dir: repo.dir, url: repo.url, old, next, clusterOf };
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
   * `allowPlaintextSecret`), and deleting, renaming or letting Flux prune a protected object of
   * what is committed (see `readBaseline`) that is not in `allowDestroy`. Prints the secure-baseline report to stderr (prop
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
   * report. Refuses (with a {@link SynthError} naming each object, before anything is written) to
   * delete, rename or let Flux prune a protected object that is not in `allowDestroy`, compared
   * with what is committed: git HEAD when each repo directory is committed in a git checkout, else
   * its files on disk, else the copy the last synth kept outside the output directory (which
   * `cdk8s synth` empties before running the app); see `guardApp`. In plan mode (`$CDK8S_PLATFORM_PLAN` names a file, as `cdk8s-platform plan`
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
    const kustomizeFiles = new Map<Repo, Map<string, string>>();
    try {
      // Each folder's objects go to the YAML pool as soon as they are rendered, so worker threads
      // serialize and write them while this thread renders and validates the next folders.
      const problems = this.walk(groups, (repo, folder, entries) => {
        const w = writers.get(repo)!;
        let kfiles = kustomizeFiles.get(repo);
        if (!kfiles) kustomizeFiles.set(repo, (kfiles = new Map()));
        const k = kfiles;
        emitFolder({ addObject: (rel, obj, cp) => w.addObject(rel, obj, cp), add: (rel, content) => {
          if (isKustomizeConfig(rel)) k.set(rel, content);
          w.add(rel, content);
        } }, folder, entries, groups.children);
        let list = written.get(repo);
        if (!list) written.set(repo, (list = []));
        for (const p of entries) {
          const { apiVersion, kind, metadata } = p.obj;
          list.push({ file: p.file, apiVersion, kind, namespace: metadata.namespace, name: metadata.name ?? '', constructPath: p.constructPath, obj: p.obj });
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
    // Refuse protected deletions, renames and Flux prunes in any repo before changing any of them,
    // comparing with what is committed (git HEAD, else the tree on disk, else the copy kept by the
    // last synth outside the output directory, which `cdk8s synth` empties first).
    let blocked: string[];
    const baselines = new Map<Repo, Baseline & { stateFile: string }>();
    try {
      for (const { repo, w } of planned) {
        const stateFile = baselineStateFile(this.outdir, w.targetDir);
        baselines.set(repo, { ...readBaseline(w.targetDir, stateFile), stateFile });
      }
      const guard = guardApp(
        planned.map(({ repo }) => this.guardRepo(repo, groups, baselines.get(repo)!.tree, { objects: written.get(repo) ?? [], kustomizeFiles: kustomizeFiles.get(repo) ?? new Map() })),
        allow,
      );
      blocked = [...guard.problems, ...planned.flatMap(({ repo }) => (guard.changes.get(repo.node.id) ?? []).filter((c) => c.blocked).map((c) => blockedMessage(c, repo.dir)))];
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
    // Keep a copy of each uncommitted repo under the output directory beside it, for the next
    // synth after `cdk8s synth` empties the output directory. Not fatal: the tree is written.
    for (const { repo, w } of planned) {
      const b = baselines.get(repo)!;
      if (b.source === 'git' || path.relative(this.outdir, w.targetDir).startsWith('..')) continue;
      try {
        saveBaseline(b.stateFile, w.targetDir);
      } catch (e) {
        process.stderr.write(`cdk8s-platform: warning: could not keep the baseline of ${w.targetDir} in ${b.stateFile} (${(e as Error).message}); a later \`cdk8s synth\` cannot see its deletions\n`);
      }
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
  private renderRepos(groups: FolderGroups = this.group()): Map<Repo, { files: Map<string, string>; constructPaths: Record<string, string> }> {
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
   * Registers the kinds the app itself defines: its CustomResourceDefinitions and Crossplane
   * CompositeResourceDefinitions (composite and claim kinds), so their objects are validated.
   */
  private registerDefinitions(constructs: readonly IConstruct[]): string[] {
    const problems: string[] = [];
    for (const c of constructs) {
      if (!(c instanceof ApiObject)) continue;
      try {
        if (c.kind === 'CustomResourceDefinition' && c.apiVersion.startsWith('apiextensions.k8s.io/')) {
          this.schemas.addCrd(c.toJson(), c.node.path);
        } else if (c.kind === 'CompositeResourceDefinition' && c.apiVersion.startsWith('apiextensions.crossplane.io/')) {
          this.schemas.addXrd(c.toJson(), c.node.path);
        }
      } catch (e) {
        problems.push(`${c.node.path}: ${c.kind} "${c.name}": ${(e as Error).message.replace(`${c.node.path}: `, '')}`);
      }
    }
    return problems;
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
      const imported = importedPlusObject(c);
      const provides = providedBy(c);
      if (!(c instanceof ApiObject) && refs.length === 0 && provides.length === 0 && !imported) continue;
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
        if (imported) provided.push({ folder, target: () => imported });
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
    if (this.validation) problems.push(...this.registerDefinitions(constructs));
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
    const childFolders = new Map<Folder, Folder[]>();
    const clusters = new Map<Folder, string>();
    for (const { folders } of repos) {
      // Folders are sorted by path, so a parent's cluster is known before its children's.
      const unlisted = unlistedFolders(folders);
      for (const [folder, parent] of parentFolders(folders)) {
        clusters.set(folder, folder.cluster ?? (parent ? clusters.get(parent)! : ''));
        if (parent && folder.kustomization && !unlisted.has(folder)) {
          const list = children.get(parent) ?? [];
          list.push(folder.path.slice(parent.path.length + 1));
          children.set(parent, list);
          const sub = childFolders.get(parent);
          if (sub) sub.push(folder);
          else childFolders.set(parent, [folder]);
        }
      }
    }
    return { repos, byFolder, objectCount, children, childFolders, clusters, references, provided, optOuts: baselineEntries(constructs) };
  }

  /**
   * The single pass every output is built from: for each repo and folder (sorted), renders each
   * ApiObject once, names its file, checks for duplicate objects, hands the folder to `visit`, and
   * validates it. Returns every problem found (duplicate objects, schema and CEL violations).
   */
  private walk(groups: FolderGroups, visit: (repo: Repo, folder: Folder, entries: PlacedObject[]) => void): string[] {
    const problems: string[] = [];
    // Loaded on first use: apps that switch validation off never pay for ajv and CEL.
    const validator = this.validation ? (this.validator ??= new (require('../core/validation/validator') as typeof import('../core/validation/validator')).Validator({ registry: this.schemas, allowUnvalidated: this.allowUnvalidated, generateName: 'refuse' })) : undefined;
    const validate = validator ? (objects: Iterable<ValidationInput>) => validator.validate(objects).map((i) => i.message) : undefined;
    const present = new Set<string>();
    const placedAll: PlacedObject[] = [];
    const kustomizations = new Map<Repo, Map<string, string[]>>();
    const workloadRefs: PlacedWorkloadRef[] = [];
    for (const { repo, folders } of groups.repos) {
      const seen = new Map<string, string>();
      // Kept only for repos with overlays, components or addResource targets (checked below).
      const check = needsOverlayCheck(folders);
      const renderedByApi = new Map<ApiObject, KubeObject>();
      const written = new Set<string>();
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
          if (check) renderedByApi.set(apiObject, obj);
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
          const bytes = Buffer.byteLength(file);
          if (bytes > MAX_FILE_NAME_BYTES) {
            problems.push(
              `${constructPath}: ${obj.kind}/${ns ? `${ns}/` : ''}${obj.metadata.name}: metadata.name: the file name would be ${bytes} bytes ("${file.slice(0, 40)}…"), ` +
                `over the ${MAX_FILE_NAME_BYTES}-byte limit of file systems; shorten metadata.name to at most ${Math.max(1, MAX_FILE_NAME_BYTES - (bytes - (obj.metadata.name ?? '').length))} characters`,
            );
            continue;
          }
          seen.set(key, constructPath);
          present.add(key);
          // Secrets / ConfigMaps controllers write for this object (ASO operatorSpec, Crossplane
          // connection secrets, CAPI kubeconfigs, SealedSecrets), also when it is a raw ApiObject.
          for (const p of controllerProvided(obj)) present.add(refKey(cluster, p));
          for (const r of workloadReferences(obj)) workloadRefs.push({ ...r, path: constructPath, cluster, object: `${obj.kind}/${ns ? `${ns}/` : ''}${obj.metadata.name}` });
          entries.push({ obj, constructPath, repo, folder, file: `${folder.path}/${file}` });
          if (check) written.add(`${folder.path}/${file}`);
        }
        visit(repo, folder, entries);
        // The apply-order check reads the specs of Flux objects and establishers only: keep the
        // identity of every other object, so synth stays streaming (objects dropped once written).
        for (const e of entries) placedAll.push(APPLY_ORDER_KINDS.has(e.obj.kind) ? e : { ...e, obj: slimObject(e.obj) });
        if (folder.kustomization) {
          if (!kustomizations.has(repo)) kustomizations.set(repo, new Map());
          kustomizations.get(repo)!.set(folder.path, folderResources(folder, entries, groups.children));
        }
        if (validate) problems.push(...validate(entries.map((p) => ({ obj: p.obj, path: p.constructPath }))));
      }
      // Overlays, components and addResource targets: checked once the whole repo is rendered.
      const clusterOf = (f: Folder) => groups.clusters.get(f) ?? '';
      if (check) problems.push(...overlayProblems({ repo, folders, byFolder: groups.byFolder, childFolders: groups.childFolders, rendered: renderedByApi, written, clusterOf, present, validate }));
    }
    problems.push(...this.unresolvedReferences(groups, present, workloadRefs));
    // Apply order: every object of every Flux Kustomization's build can be applied (lib/gitops/apply-order.ts).
    if (problems.length === 0) problems.push(...appApplyOrderProblems(this, groups.repos, placedAll, kustomizations, groups.clusters));
    return problems;
  }

  /**
   * Every recorded reference (see `addReference`) that points at no object of the app on the same
   * cluster and at nothing declared with `addProvided`.
   */
  private unresolvedReferences(groups: FolderGroups, present: Set<string>, workloadRefs: readonly PlacedWorkloadRef[] = []): string[] {
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
    // Secrets, ConfigMaps and ServiceAccounts a workload's pods read: same namespace, same cluster.
    const elsewhere = new Map<string, string[]>();
    for (const k of available) {
      const [cluster, group, kind, ns, name] = k.split('\u0000');
      if (group !== '' || !WORKLOAD_REF_KINDS.has(kind)) continue;
      const id = `${cluster}\u0000${kind}\u0000${name}`;
      elsewhere.set(id, [...(elsewhere.get(id) ?? []), ns]);
    }
    for (const r of workloadRefs) {
      const ref: ObjectRef = { apiGroup: '', kind: r.kind, name: r.name, namespace: r.namespace };
      if (available.has(refKey(r.cluster, ref)) || available.has(refKey(r.cluster, { ...ref, namespace: ANY_NAMESPACE }))) continue;
      const on = r.cluster ? ` applied to cluster "${r.cluster}"` : '';
      const other = (elsewhere.get(`${r.cluster}\u0000${r.kind}\u0000${r.name}`) ?? []).filter((n) => n !== (r.namespace ?? ''));
      const hint = other.length > 0
        ? `; ${r.kind}/${other[0]}/${r.name} exists in namespace "${other[0]}", but pods read ${r.kind}s from their own namespace "${r.namespace ?? ''}": create or export it there`
        : `; create it, export it from a controller (ASO operatorSpec, Crossplane connection secret, SealedSecret), declare an existing one with fromName(...), or mark the reference optional: true`;
      problems.push(`${r.path}: ${r.object}: ${r.field}: refers to ${describeRef(ref)}, which is not an object of the app${on}${hint}`);
    }
    return problems.sort();
  }
}

/** A WorkloadRef with where it was found. */
interface PlacedWorkloadRef extends WorkloadRef {
  readonly path: string;
  readonly cluster: string;
  readonly object: string;
}

/** Namespace of objects imported by name whose namespace is not known (they match any namespace). */
const ANY_NAMESPACE = '\u0001any';

/**
 * The ObjectRef of a cdk8s-plus object imported by name (`Secret.fromSecretName`,
 * `ConfigMap.fromConfigMapName`, `ServiceAccount.fromServiceAccountName`): an existing object the app
 * declares it uses, in the namespace of whatever reads it.
 */
function importedPlusObject(c: IConstruct): ObjectRef | undefined {
  // Only plain own properties are read: getters of other constructs may throw (half-built constructs).
  const rt = Object.getOwnPropertyDescriptor(c, 'resourceType')?.value;
  const kind = rt === 'secrets' ? 'Secret' : rt === 'configmaps' ? 'ConfigMap' : rt === 'serviceaccounts' ? 'ServiceAccount' : undefined;
  if (!kind || c instanceof ApiObject || 'apiObject' in c) return undefined;
  const name = Object.getOwnPropertyDescriptor(c, '_name')?.value;
  return typeof name === 'string' && name !== '' ? { apiGroup: '', kind, name, namespace: ANY_NAMESPACE } : undefined;
}

function checkStringList(what: string, list: readonly string[]): readonly string[] {
  if (!Array.isArray(list) || list.some((x) => typeof x !== 'string' || x === '')) throw new Error(`${what}: must be a list of non-empty strings`);
  return [...list];
}

/**
 * The local CRD files / folders listed in a cdk8s config's `imports:` (`path`, or `name:=path`);
 * `k8s`, URLs and `github:` / `helm:` imports are skipped (nothing local to read).
 */
export function cdk8sConfigImports(configFile: string | false): string[] {
  if (configFile === false) return [];
  const file = path.resolve(configFile);
  if (!fs.existsSync(file)) return [];
  let doc: unknown;
  try {
    doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`GitOpsApp: cannot read ${file}: ${(e as Error).message}`);
  }
  const imports = typeof doc === 'object' && doc !== null ? (doc as { imports?: unknown }).imports : undefined;
  if (!Array.isArray(imports)) return [];
  const out: string[] = [];
  for (const entry of imports) {
    if (typeof entry !== 'string') continue;
    const spec = entry.includes(':=') ? entry.slice(entry.indexOf(':=') + 2) : entry;
    if (/^(k8s|k8s@.*|[a-z]+:\/\/.*|github:.*|helm:.*)$/.test(spec)) continue;
    const p = path.resolve(path.dirname(file), spec);
    if (fs.existsSync(p)) out.push(p);
  }
  return out;
}

/** The app's structure, worked out once per synth. */
interface FolderGroups {
  /** Repos sorted by dir, each with its folders sorted by path. */
  readonly repos: ReadonlyArray<{ readonly repo: Repo; readonly folders: readonly Folder[] }>;
  readonly byFolder: Map<Folder, ApiObject[]>;
  readonly objectCount: number;
  /** Each folder's direct sub-folders (that write a kustomization.yaml), relative paths. */
  readonly children: Map<Folder, string[]>;
  /** The same sub-folders, as folders. */
  readonly childFolders: Map<Folder, Folder[]>;
  /** The cluster each folder's objects are applied to ('' = the repo's own). */
  readonly clusters: Map<Folder, string>;
  /** References recorded by constructs, with the folder they sit in. */
  readonly references: Array<{ path: string; folder: Folder; prop: string; target: () => ObjectRef }>;
  /** Objects declared as existing outside the output, with the folder they were declared in. */
  readonly provided: Array<{ folder: Folder; target: () => ObjectRef }>;
  /** The secure-baseline report, from the same walk of the tree. */
  readonly optOuts: BaselineEntry[];
}

/** Kinds whose whole object the apply-order model reads (Flux objects and establishers). */
const APPLY_ORDER_KINDS = new Set(['Kustomization', 'GitRepository', 'OCIRepository', 'HelmRelease', 'CustomResourceDefinition', 'Provider', 'Configuration', 'CompositeResourceDefinition', 'ResourceGraphDefinition', 'Namespace']);

/** An object's identity only (apiVersion, kind, name, namespace). */
function slimObject(obj: KubeObject): KubeObject {
  const { name, namespace } = obj.metadata;
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name, ...(namespace !== undefined ? { namespace } : {}) } } as KubeObject;
}

/** Sends a folder's objects and its kustomization.yaml to a sink. */
function emitFolder(sink: RepoSink, folder: Folder, entries: readonly PlacedObject[], children: Map<Folder, string[]>): void {
  for (const p of entries) sink.addObject(p.file, p.obj, p.constructPath);
  if (folder.kustomization) {
    sink.add(`${folder.path}/kustomization.yaml`, kustomizationFileYaml(folder._kustomizationKind(), folderResources(folder, entries, children), folder._kustomizationFields()));
  }
}

/**
 * The resources listed in a folder's `kustomization.yaml`: an overlay's base (and other resources
 * that come first), its files, sub-folders and added files.
 */
function folderResources(folder: Folder, entries: readonly PlacedObject[], children: Map<Folder, string[]>): string[] {
  const resources: string[] = [...folder._resourcesBefore()];
  resources.push(...entries.map((p) => p.file.slice(folder.path.length + 1)));
  if (folder.includeSubfolders) resources.push(...(children.get(folder) ?? []));
  resources.push(...folder.additionalResources);
  return resources;
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
