import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import * as YAML from 'yaml';
import { IConstruct } from 'constructs';
import type { ProgressListener } from '../core/progress';
import { recordOptOut } from '../core/baseline';
import { SchemaRegistry } from '../core/validation/registry';
import { withSynthPass } from '../core/synth-pass';
import type { Validator } from '../core/validation/validator';
import type { YamlFilePool } from './yaml-pool';
import { BaselineEntry, collectOptOuts, formatBaselineReport } from '../safety/baseline-report';
import type { Plan } from '../safety/plan';
import { unusedAllowWarning } from '../safety/guard';
import { checkAllowDestroy } from '../safety/protection';
import { collect } from './pipeline/collect';
import { planRepos } from './pipeline/plan';
import { renderAndCheck, renderToTrees, type RenderInput } from './pipeline/render';
import { exitCleanlyOnUncaughtSynthError, isSynthError } from './pipeline/report';
import { currentSynthSession, type SynthSession } from './pipeline/session';
import { SynthError, StageReporter, type FolderGroups, type PlacedObject } from './pipeline/types';
import { checkRepos, outputCheck, rebaseOutputCheck, startStagingPool, writeRepos, type OutputCheck } from './pipeline/write';
import { Repo } from './repo';
import { TreeChanges } from './writer';

export { SynthError } from './pipeline/types';
export type { PlacedObject } from './pipeline/types';

/** The GitOpsApps constructed in each synth session (see `GitOpsApp.synthesize`). */
const APPS_IN_SESSION = new WeakMap<SynthSession, number>();

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
   * synth fails listing the candidates). Ids of the synth session (`cdk8s-platform synth|plan
   * --allow-destroy`, see `withSynthSession`) are allowed too. Remove the entry once the
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
   * Receives the stage events of the plan.
   * @default - the synth session's listener, if any
   */
  readonly progress?: ProgressListener;
  /**
   * Extra ids allowed to be deleted or renamed (added to the `allowDestroy` prop and the synth
   * session's `allowDestroy`).
   * @default []
   */
  readonly allowDestroy?: readonly string[];
}

/** Options of {@link GitOpsApp.check}. */
export interface GitOpsAppCheckOptions {
  /**
   * Directory relative repo dirs are compared with.
   * @default - the app's outdir
   */
  readonly baseDir?: string;
  /**
   * Receives the stage events of the check.
   * @default - the synth session's listener, if any
   */
  readonly progress?: ProgressListener;
}

/** The outcome of a synth, per repo directory. */
export interface SynthResult {
  /** What changed in each repo directory (empty in plan mode, where nothing is written). */
  readonly repos: Array<{ readonly repo: Repo; readonly dir: string; readonly changes: TreeChanges }>;
  /** The secure-baseline report: every opt-out of a secure default, with its reason. */
  readonly optOuts: BaselineEntry[];
  /** The plan, when run in plan mode (a synth session with `mode: 'plan'`, as `cdk8s-platform plan` opens). */
  readonly plan?: Plan;
  /** What differs from the output directory, when run in check mode (a synth session with `mode: 'check'`, as `cdk8s-platform synth --check` opens). */
  readonly check?: OutputCheck;
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
  /** This app's write held by the synth session (see `SynthSession.holdWrites`), until committed. */
  private heldCommit?: () => void;

  public constructor(props: GitOpsAppProps = {}) {
    super({ outdir: props.outdir });
    Object.defineProperty(this, APP_SYMBOL, { value: true });
    // The GitOpsApps of the session's app file so far (their writes are held when there are several).
    const session = currentSynthSession();
    if (session) APPS_IN_SESSION.set(session, (APPS_IN_SESSION.get(session) ?? 0) + 1);
    // Uncaught user errors (a bad prop, a synth problem; e.g. under `npx cdk8s synth`): one line each, no stack, exit 1.
    exitCleanlyOnUncaughtSynthError();
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
    const session = currentSynthSession();
    const allow = [...this.allowDestroy, ...checkAllowDestroy('synth session: "allowDestroy"', session?.allowDestroy ?? []), ...checkAllowDestroy('plan: option "allowDestroy"', options.allowDestroy ?? [])];
    const reporter = new StageReporter(options.progress ?? session?.progress);
    const baseDir = options.baseDir !== undefined ? path.resolve(options.baseDir) : this.outdir;
    // One synth pass: the tree does not change while the pipeline reads it (core/synth-pass.ts).
    return withSynthPass(() => {
      const { groups, pool } = this.collectForStaging(reporter, true);
      return withPool(pool, () => planRepos({ repos: this.repos, baseDir, ref: options.ref, render: this.renderInput(), allowDestroy: allow, pool }, groups, reporter));
    });
  }

  /**
   * What `synth --check` reports, without writing anything: the files of each repo directory
   * (under `options.baseDir`, default the outdir) that a synth would create (`missing`), change
   * (`changed`, also a file it did not write that holds other bytes) or delete (`stale`), the
   * ownership manifest included. Each file is compared where it is serialized (on the YAML pool's
   * worker threads for a large app), so no copy of the tree is written. Throws a
   * {@link SynthError} when the app itself has problems, as a synth would; the destroy guard does
   * not run (nothing is deleted).
   */
  public check(options: GitOpsAppCheckOptions = {}): OutputCheck {
    const session = currentSynthSession();
    const reporter = new StageReporter(options.progress ?? session?.progress);
    const baseDir = options.baseDir !== undefined ? path.resolve(options.baseDir) : this.outdir;
    return withSynthPass(() => {
      const { groups, pool } = this.collectForStaging(reporter);
      const checks = withPool(pool, () => checkRepos({ repos: this.repos, repoDir: (r) => path.resolve(baseDir, r.dir), render: this.renderInput(), pool }, groups, reporter));
      return outputCheck(checks, baseDir);
    });
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
    let result: SynthResult;
    try {
      result = this.synthesize();
    } catch (e) {
      // Uncaught (e.g. `npx cdk8s synth`): each problem once on stderr, no stack, exit 1.
      if (isSynthError(e)) exitCleanlyOnUncaughtSynthError();
      throw e;
    }
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
   * `cdk8s synth` empties before running the app); see `guardApp`. Consults the synth session (see `withSynthSession`; `cdk8s-platform synth|plan`
   * opens one): in `plan` mode nothing is written, the plan is computed against the session's
   * `planBase` (or the outdir), at its `ref` if set, returned and handed to its `onPlan`; in
   * `check` mode nothing is written, the files are compared with the session's `checkBase` (or the
   * outdir, see {@link check}), and the result is returned and handed to its `onCheck`; the
   * session's `allowDestroy` ids are allowed too and its `progress` listener receives the stage events.
   */
  public synthesize(): SynthResult {
    const session = currentSynthSession();
    // An app that chose its outdir (not the session's `appOutdir`) writes there whatever the
    // caller's output directory, so plan and check compare with it (the caller's directory, e.g.
    // `--out`, holds what the other apps write).
    const ownOutdir = session?.appOutdir !== undefined && path.resolve(session.appOutdir) !== this.outdir;
    if (session?.mode === 'plan') {
      const planned = this.plan({ baseDir: ownOutdir ? this.outdir : session.planBase, ref: session.ref });
      const plan = ownOutdir ? { ...planned, outdir: this.outdir } : planned;
      session.onPlan?.(plan);
      return { repos: [], optOuts: this.secureBaselineReport(), plan };
    }
    if (session?.mode === 'check') {
      const own = ownOutdir && session.checkBase !== undefined;
      // Paths relative to the caller's directory, as it lists the others' (`../gitops/...`).
      const check = own ? rebaseOutputCheck(this.check(), this.outdir, path.resolve(session.checkBase!)) : this.check({ baseDir: session.checkBase });
      session.onCheck?.(check);
      return { repos: [], optOuts: this.secureBaselineReport(), check };
    }
    const allow = [...this.allowDestroy, ...checkAllowDestroy('synth session: "allowDestroy"', session?.allowDestroy ?? [])];
    const reporter = new StageReporter(session?.progress);
    return withSynthPass(() => {
      const { groups, pool } = this.collectForStaging(reporter);
      // The app's own allow ids it did not use are warned about here; the session's go to the
      // session, which may hold several apps (an id another app used is no warning).
      const own = new Set(this.allowDestroy);
      const onUnusedAllows = (ids: readonly string[]) => {
        for (const id of ids.filter((i) => own.has(i) || !session?.onUnusedAllows)) process.stderr.write(`cdk8s-platform: warning: ${unusedAllowWarning(id)}\n`);
        if (session?.onUnusedAllows) session.onUnusedAllows(ids.filter((i) => !own.has(i)));
      };
      // Under the CLI, the write is held until the app file has run (committed with the other
      // GitOpsApps' writes, or dropped with them) when the app file holds several GitOpsApps or
      // the synth may delete (allow ids); else committed now, so that the app can read its output.
      const sessionIds = session?.allowDestroy ?? [];
      const hold = session?.holdWrites && ((APPS_IN_SESSION.get(session) ?? 0) >= 2 || sessionIds.length > 0) ? session.holdWrites : undefined;
      // A second synth of this app: its previous write goes first (it holds the same locks).
      const repos = withPool(pool, () => {
        this.heldCommit?.();
        this.heldCommit = undefined;
        return writeRepos({
          repos: this.repos, outdir: this.outdir, repoDir: (r) => this.repoDir(r), render: this.renderInput(), allowDestroy: allow, onUnusedAllows, pool,
          holdWrites: hold ? (commit, abort) => {
            this.heldCommit = commit;
            hold(commit, abort);
          } : undefined,
          onAllowNames: session?.onAllowNames && sessionIds.length > 0
            ? (named) => session.onAllowNames!(Object.fromEntries([...named]), this.repos.map((r) => this.repoDir(r)))
            : undefined,
        }, groups, reporter);
      });
      return { repos, optOuts: groups.optOuts };
    });
  }

  /** Renders every repo in memory: repo dir → (file path → content). Nothing is written. */
  public renderToMemory(): Map<string, Map<string, string>> {
    return withSynthPass(() => new Map([...renderToTrees(this.renderInput(), this.collect())].map(([repo, tree]) => [repo.dir, tree.files])));
  }

  /**
   * Every object of the app with its placement, validated (throws a {@link SynthError} listing
   * every problem).
   */
  public placedObjects(): PlacedObject[] {
    const placed: PlacedObject[] = [];
    const problems = withSynthPass(() => renderAndCheck(this.renderInput(), this.collect(), (_repo, _folder, entries) => {
      placed.push(...entries);
    }));
    if (problems.length > 0) throw new SynthError(problems);
    return placed;
  }

  /** Stage 1 (lib/gitops/pipeline/collect.ts). */
  private collect(reporter = new StageReporter(), onObjects?: (objects: readonly ApiObject[]) => void): FolderGroups {
    return reporter.run('collect', () => collect({ root: this, repos: this.repos, repoDir: (r) => this.repoDir(r), schemas: this.validation ? () => this.schemas : undefined, onObjects }), (g) => ({ objects: g.objectCount, repos: g.repos.length }));
  }

  /**
   * Stage 1 for a write, `synth --check` or plan, with the YAML pool of the stage after it started
   * as soon as the objects are listed (its threads load while collect runs: see
   * `startStagingPool`); the pool is terminated when collect fails. A plan's pool only validates:
   * none without validation.
   */
  private collectForStaging(reporter: StageReporter, validatingOnly = false): { groups: FolderGroups; pool?: YamlFilePool } {
    let pool: YamlFilePool | undefined;
    try {
      const groups = this.collect(reporter, validatingOnly && !this.validation ? undefined : (objects) => {
        pool = startStagingPool(objects, this.validation);
      });
      return { groups, pool };
    } catch (e) {
      pool?.terminate();
      throw e;
    }
  }

  /** What the render and check stages need from the app. */
  private renderInput(): RenderInput {
    return {
      app: this,
      // Loaded on first use: apps that switch validation off never pay for ajv and CEL.
      validator: this.validation
        ? () => (this.validator ??= new (require('../core/validation/validator') as typeof import('../core/validation/validator')).Validator({ registry: this.schemas, allowUnvalidated: this.allowUnvalidated, generateName: 'refuse' }))
        : undefined,
    };
  }
}

/**
 * `fn()`, which takes `pool` over; terminates it when `fn` throws before it did (building the
 * validator, a held commit), so no worker thread outlives a failed synth. Harmless once the stage
 * has ended it.
 */
function withPool<T>(pool: YamlFilePool | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    pool?.terminate();
    throw e;
  }
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

