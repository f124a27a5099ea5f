/**
 * The write pipeline (mode `write`): render and check stream each folder's objects to the YAML
 * pool (worker threads serialize and stage them while the next folders render), then the guard
 * compares with the baseline, then every repo is committed atomically (lib/gitops/writer.ts), and
 * a copy of each uncommitted repo is kept for the next `cdk8s synth`. Mode `check`
 * ({@link checkRepos}) renders and checks the same way, but the pool only compares each file with
 * the repo directory's, and nothing is written.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import type { ApiObject } from 'cdk8s';
import type { TreeObject } from '../../safety/plan';
import { protectionReasons } from '../../safety/protection';
import { baselineStateFile, mayBeInGit, readBaselines, saveBaseline, type Baseline } from '../../tree/baseline';
import { folderClusterRecord } from '../../tree/manifest';
import { isKustomizeConfig } from '../../tree/read';
import type { Repo } from '../repo';
import { conflictMessage, MANIFEST_FILE, TreeChanges, TreeWriter } from '../writer';
import { isJsonExact, YamlFilePool, type PoolPreparation } from '../yaml-pool';
import { guardReadsWhole, unusedAllowWarning } from '../../safety/guard';
import { guard } from './guard';
import { checkAppAhead, renderedProblems, emitFolder, finishValidatingPool, render, takeOverPool, withValidationProblems, type RenderInput } from './render';
import { SynthError, StageReporter, type FolderGroups } from './types';


/** Input of {@link writeRepos}. */
export interface WriteInput {
  /** The app's repos, sorted by dir. */
  readonly repos: readonly Repo[];
  /** The app's outdir (the baseline copies are kept beside it). */
  readonly outdir: string;
  /** Where a repo is written (absolute). */
  readonly repoDir: (repo: Repo) => string;
  /** What the render and check stages need. */
  readonly render: RenderInput;
  /** Ids of protected objects whose deletion or rename is allowed. */
  readonly allowDestroy: readonly string[];
  /**
   * Receives the allow ids that allow nothing in this change (see `GuardResult.unusedAllows`).
   * @default - each is a warning on stderr
   */
  readonly onUnusedAllows?: (ids: readonly string[]) => void;
  /**
   * Keep a baseline copy of each repo written outside git (for the next synth after `cdk8s synth`
   * empties the output directory).
   * @default true
   */
  readonly keepBaseline?: boolean;
  /**
   * Receives the write once every repo is staged, checked and guarded, instead of it being
   * committed: `commit` puts every repo in place (and keeps the baseline copies), `abort` drops
   * the staged files and releases the locks; exactly one of them must be called. The synth then
   * returns the changes it would commit. The CLI's runner commits the writes of all the
   * GitOpsApps of an app file together, once every one has succeeded (see `SynthSession.holdWrites`).
   * @default - committed at once
   */
  readonly holdWrites?: (commit: () => void, abort: () => void) => void;
  /**
   * Receives what each allow id names in the repos (scoped ids too: `GuardOptions.nameAllows`).
   * @default - not worked out for scoped ids
   */
  readonly onAllowNames?: (named: ReadonlyMap<string, readonly string[]>) => void;
  /**
   * The YAML pool started ahead with {@link startStagingPool}; the stage takes it over (ends it, or
   * terminates it on failure).
   * @default - started by the stage
   */
  readonly pool?: YamlFilePool;
}

/**
 * Starts the YAML pool a write, `synth --check` or plan of the app's `objects` uses, ahead of the
 * stage (undefined when it would work on this thread): its worker threads load the YAML emitter
 * and, with `validation`, the validation module and the bundled schemas of the objects' kinds,
 * compiled, while the collect stage runs. The validator the stage gives them later (the app's,
 * with its own CRDs) shares what it takes from the same bundled files (see
 * `Validator.fromPortable`): on a 10,000-cluster app, about half a second the render stage would
 * otherwise wait for. Nothing of the app is read here (its schemas are loaded, and its validator
 * built, after its construct validations, as without a pool). Give it to {@link writeRepos},
 * {@link checkRepos} or `planRepos` (`pool`), or terminate it.
 */
export function startStagingPool(objects: readonly ApiObject[], validation: boolean): YamlFilePool | undefined {
  const threads = YamlFilePool.threadsFor(objects.length);
  if (threads === 0) return undefined;
  if (!validation) return new YamlFilePool(threads);
  let prepare: PoolPreparation | undefined;
  try {
    // Loaded here, not with this module: apps that switch validation off never load ajv and CEL.
    const { Validator, SchemaRegistry } = require('../../core/validation') as typeof import('../../core/validation');
    const kinds = new Map<string, { apiVersion: string; kind: string }>();
    for (const o of objects) kinds.set(`${o.apiVersion}\u0000${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
    prepare = { validator: new Validator({ registry: SchemaRegistry.default() }).toPortable(), kinds: [...kinds.values()] };
  } catch {
    // No bundled schemas here: the workers load the validation module only (validation then reports it).
    prepare = undefined;
  }
  return new YamlFilePool(threads, { loadValidation: prepare ?? true });
}

/** What changed in each repo directory. */
export type WrittenRepos = Array<{ readonly repo: Repo; readonly dir: string; readonly changes: TreeChanges }>;

/**
 * Renders, checks, guards and writes every repo: throws a {@link SynthError} listing every problem
 * before anything is written; a failure while writing rolls the tree back.
 */
export function writeRepos(input: WriteInput, groups: FolderGroups, reporter: StageReporter): WrittenRepos {
  const restoreHeap = boundHeapGrowth(groups.objectCount);
  try {
    return writeReposBounded(input, groups, reporter);
  } finally {
    restoreHeap();
  }
}

/**
 * Whether a baseline copy of the repo directory `dir` is kept (outside the output directory, for
 * the next synth after `cdk8s synth` empties it): when `keepBaseline` is not off and `dir` is in
 * the output directory (a repo written elsewhere is not emptied by `cdk8s synth`).
 */
function keepsBaseline(input: WriteInput, dir: string): boolean {
  return input.keepBaseline !== false && !path.relative(input.outdir, dir).startsWith('..');
}

/** Objects from which a synth bounds the heap's growth (see {@link boundHeapGrowth}). */
const BOUNDED_HEAP_OBJECTS = 20_000;

/**
 * For a large synth (`objects` ≥ {@link BOUNDED_HEAP_OBJECTS}), lets V8 grow the heap to at most
 * twice what survives a full collection (`--heap-growing-percent=100`) instead of up to 4×, which
 * on a heap holding a big construct tree is what sets the process' peak memory (10,000 clusters:
 * ~1.15 GB → ~0.9 GB, for a few more collections); returns what restores V8's default. Left alone
 * when the process was started with its own `--heap-growing-percent`.
 */
function boundHeapGrowth(objects: number): () => void {
  const flag = '--heap-growing-percent';
  if (objects < BOUNDED_HEAP_OBJECTS || process.execArgv.some((a) => a.startsWith(flag)) || (process.env.NODE_OPTIONS ?? '').includes(flag)) return () => {};
  v8.setFlagsFromString(`${flag}=100`);
  return () => v8.setFlagsFromString(`${flag}=0`);
}

/** The repos of a write or check once rendered, checked and handed to the pool (finished). */
interface StagedRepos {
  /** Each repo's writer, with every file added. */
  readonly writers: Map<Repo, TreeWriter>;
  /** What the guard reads of each repo's objects (only when staging for a write). */
  readonly written: Map<Repo, TreeObject[]>;
  /** Each repo's kustomization files (path → text). */
  readonly kustomizeFiles: Map<Repo, Map<string, string>>;
  /** Ends every writer (after a failure, or when only compared). */
  readonly abortAll: () => void;
}

/**
 * Stages 2 and 3 of a write (or a `synth --check` comparison): renders the app, streaming each
 * folder's objects to the YAML pool (worker threads serialize, stage or compare, and validate them
 * while this thread renders the next folders), then checks it; throws a {@link SynthError} on
 * problems, with every writer aborted.
 */
function stageRepos(input: Pick<WriteInput, 'repos' | 'repoDir' | 'render' | 'pool'>, groups: FolderGroups, reporter: StageReporter, writerOptions: (dir: string) => ConstructorParameters<typeof TreeWriter>[2], forGuard: boolean): StagedRepos {
  // The worker threads that write the objects also validate them (this thread goes on rendering):
  // each folder's objects together, with the app's validator rebuilt there. A pool started ahead
  // is taken over when it has the threads this write would start (collect placed every object it
  // counted, or failed), else replaced.
  const threads = YamlFilePool.threadsFor(groups.objectCount);
  const validator = threads > 0 ? input.render.validator?.() : undefined;
  const pool = takeOverPool(input.pool, threads, validator);
  const writers = new Map<Repo, TreeWriter>();
  const abortAll = () => {
    for (const w of writers.values()) w.abort();
  };
  try {
    const foldersOf = new Map(groups.repos.map((r) => [r.repo, r.folders]));
    for (const repo of input.repos) {
      const dir = input.repoDir(repo);
      const w = new TreeWriter(dir, pool, writerOptions(dir));
      writers.set(repo, w);
      // The clusters of its folders, for the guard of a later synth that no longer has some of them.
      w.setFolderClusters(folderClusterRecord((foldersOf.get(repo) ?? []).map((f) => [f.path, groups.clusters.get(f) ?? ''])));
      w.setUserOwned((foldersOf.get(repo) ?? []).flatMap((f) => f.additionalResourceTargets.filter((r) => r.userOwned).map((r) => r.resolved)));
    }
  } catch (e) {
    pool.terminate();
    abortAll();
    throw e;
  }
  const written = new Map<Repo, TreeObject[]>();
  const kustomizeFiles = new Map<Repo, Map<string, string>>();
  try {
    // Each folder's objects go to the YAML pool as soon as they are rendered, so worker threads
    // serialize, write and validate them while this thread renders the next folders (small
    // trees: validated here, see YamlFilePool.threadsFor).
    let files = 0;
    const rendered = reporter.run('render', () => {
      return render(input.render, groups, (repo, folder, entries, validation) => {
        const w = writers.get(repo)!;
        let kfiles = kustomizeFiles.get(repo);
        if (!kfiles) kustomizeFiles.set(repo, (kfiles = new Map()));
        const k = kfiles;
        const onWorker = validation !== undefined && pool.validates && entries.every((e) => isJsonExact(e.obj));
        emitFolder({ addObject: (rel, obj, cp) => {
          files++;
          w.addObject(rel, obj, cp, onWorker ? { folder: validation, path: cp } : undefined);
        }, add: (rel, content) => {
          files++;
          if (isKustomizeConfig(rel)) k.set(rel, content);
          w.add(rel, content);
        } }, folder, entries, groups.children);
        if (!forGuard) return onWorker;
        let list = written.get(repo);
        if (!list) written.set(repo, (list = []));
        for (const p of entries) {
          const { apiVersion, kind, metadata } = p.obj;
          const base = { file: p.file, apiVersion, kind, namespace: metadata.namespace, name: metadata.name ?? '', constructPath: p.constructPath };
          // The guard reads whole objects only of the kinds below; every other object is kept as its
          // identity and whether it is protected, so the tree is not held in memory twice.
          list.push(guardReadsWhole(p.obj) ? { ...base, obj: p.obj } : { ...base, isProtected: protectionReasons(p.obj).length > 0 });
        }
        return onWorker;
      });
    }, (r) => ({ objects: r.placed.length, files, repos: groups.repos.length, ...renderedProblems(r) }));
    // The whole-app checks run while the workers still write and validate what they were handed;
    // the stage ends once they have staged every file and their problems are in.
    const problems = reporter.run('check', () => checkAppAhead(input.render, groups, rendered)(withValidationProblems(rendered, finishValidatingPool(pool, validator))), (p) => ({ problems: p.length }));
    if (problems.length > 0) throw new SynthError(problems);
  } catch (e) {
    pool.terminate();
    abortAll();
    // A system error while staging (ENOSPC, ENAMETOOLONG...): one line naming the repo file.
    const owner = (e as NodeJS.ErrnoException).code ? [...writers.values()].find((w) => w.owns(e)) : undefined;
    throw owner ? new Error(owner.describeError(e)) : e;
  }
  return { writers, written, kustomizeFiles, abortAll };
}

/** Input of {@link checkRepos}. */
export interface CheckInput {
  /** The app's repos, sorted by dir. */
  readonly repos: readonly Repo[];
  /**
   * The YAML pool started ahead with {@link startStagingPool}; the stage takes it over.
   * @default - started by the stage
   */
  readonly pool?: YamlFilePool;
  /** The directory each repo is compared with (absolute). */
  readonly repoDir: (repo: Repo) => string;
  /** What the render and check stages need. */
  readonly render: RenderInput;
}

/** What a synth would change in one repo directory (see {@link checkRepos}). */
export interface RepoCheck {
  readonly repo: Repo;
  /** The directory compared (absolute). */
  readonly dir: string;
  /** What committing would do to its files (`conflicts`: files it holds, not written by cdk8s-platform, with other bytes). */
  readonly changes: TreeChanges;
  /** What committing would do to its ownership manifest. */
  readonly manifest: 'created' | 'updated' | undefined;
}

/** A file of an output directory that differs from what the app produces (see {@link OutputCheck}). */
export interface OutputDifference {
  /** Path relative to the directory compared with, `/`-separated. */
  readonly file: string;
  /**
   * missing: produced but not there; changed: there with other bytes; stale: owned (listed in the
   * ownership manifest), no longer produced; unowned: there with other bytes and not written by
   * cdk8s-platform (a synth refuses to overwrite it: move it away).
   */
  readonly status: 'missing' | 'changed' | 'stale' | 'unowned';
}

/** What `synth --check` found for one app: see `GitOpsApp.check`. */
export interface OutputCheck {
  /** The repo directories compared, relative to the directory compared with, `/`-separated, sorted. */
  readonly repos: string[];
  /** The files that differ, sorted by path. */
  readonly differences: OutputDifference[];
}

/** The {@link OutputCheck} of {@link checkRepos}' result, with paths relative to `baseDir`. */
export function outputCheck(checks: readonly RepoCheck[], baseDir: string): OutputCheck {
  const rel = (p: string) => path.relative(baseDir, p).split(path.sep).join('/') || '.';
  const differences: OutputDifference[] = [];
  for (const { dir, changes, manifest } of checks) {
    const file = (f: string) => (rel(dir) === '.' ? f : `${rel(dir)}/${f}`);
    for (const f of changes.created) differences.push({ file: file(f), status: 'missing' });
    for (const f of changes.updated) differences.push({ file: file(f), status: 'changed' });
    for (const f of changes.conflicts) differences.push({ file: file(f), status: 'unowned' });
    for (const f of changes.deleted) differences.push({ file: file(f), status: 'stale' });
    if (manifest) differences.push({ file: file(MANIFEST_FILE), status: manifest === 'created' ? 'missing' : 'changed' });
  }
  return {
    repos: checks.map((c) => rel(c.dir)).sort(byCodeUnit),
    differences: differences.sort((a, b) => byCodeUnit(a.file, b.file)),
  };
}

/** `check` (paths relative to `from`) with its paths relative to `to`. */
export function rebaseOutputCheck(check: OutputCheck, from: string, to: string): OutputCheck {
  const rel = (p: string) => path.relative(to, path.join(from, p)).split(path.sep).join('/') || '.';
  return {
    repos: check.repos.map(rel).sort(byCodeUnit),
    differences: check.differences.map((d) => ({ ...d, file: rel(d.file) })).sort((a, b) => byCodeUnit(a.file, b.file)),
  };
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `synth --check` without writing anything: renders and checks every repo as a synth does, and
 * compares each file with the repo directory's where it is serialized (on the YAML pool's worker
 * threads for large trees: one read of each committed file, no copy of the tree written anywhere).
 * Throws a {@link SynthError} on problems, as a synth would. No guard: nothing is deleted.
 */
export function checkRepos(input: CheckInput, groups: FolderGroups, reporter: StageReporter): RepoCheck[] {
  const restoreHeap = boundHeapGrowth(groups.objectCount);
  try {
    const { writers, abortAll } = stageRepos(input, groups, reporter, () => ({ compareOnly: true }), false);
    try {
      return reporter.run('compare', () => {
        try {
          return [...writers].map(([repo, w]) => ({ repo, dir: w.targetDir, changes: w.changes(), manifest: w.manifestChange() }));
        } catch (e) {
          throw new SynthError([(e as Error).message]);
        }
      }, (checks) => ({ repos: checks.length, changed: checks.reduce((n, c) => n + c.changes.created.length + c.changes.updated.length + c.changes.deleted.length + c.changes.conflicts.length + (c.manifest ? 1 : 0), 0) }));
    } finally {
      abortAll();
    }
  } finally {
    restoreHeap();
  }
}

function writeReposBounded(input: WriteInput, groups: FolderGroups, reporter: StageReporter): WrittenRepos {
  // Files are recorded as they are written for the baseline copy kept after the commit (below);
  // in a git checkout, their blob ids tell the guard which committed files are written unchanged.
  const { writers, written, kustomizeFiles, abortAll } = stageRepos(input, groups, reporter, (dir) => ({ recordBaseline: keepsBaseline(input, dir), blobIds: mayBeInGit(dir) }), true);
  // Check every repo for conflicts (and links, special files) before changing any of them.
  let planned: Array<{ repo: Repo; w: TreeWriter; changes: TreeChanges }>;
  try {
    planned = [...writers].map(([repo, w]) => ({ repo, w, changes: w.changes() }));
  } catch (e) {
    abortAll();
    throw new SynthError([(e as Error).message]);
  }
  const conflicts = planned.flatMap(({ w, changes }) => changes.conflicts.map((f) => path.join(w.targetDir, f)));
  if (conflicts.length > 0) {
    abortAll();
    throw new SynthError([conflictMessage(conflicts)]);
  }
  // Refuse protected deletions, renames and Flux prunes in any repo before changing any of them,
  // comparing with what is committed (git HEAD, else the tree on disk, else the copy kept by the
  // last synth outside the output directory, which `cdk8s synth` empties first).
  const baselines = new Map<Repo, Baseline & { stateFile: string }>();
  let blocked: string[];
  let warnings: string[] = [];
  try {
    blocked = reporter.run('guard', () => {
      // Every repo's baseline at once: git is asked once per work tree, not once per repo. The
      // files this synth writes with the committed bytes (the same blob id as at HEAD, or the same
      // bytes as on disk, found where they were serialized) are not read: their objects are the new ones.
      const stateFiles = planned.map(({ w }) => baselineStateFile(input.outdir, w.targetDir));
      const unchanged = planned.map(() => new Set<string>());
      const known = planned.map(({ w }, i) => (file: string, blobId?: string) => {
        const same = blobId === undefined ? w.unchangedFiles.has(file) : w.blobIds.get(file) === blobId;
        if (same) unchanged[i].add(file);
        return same;
      });
      readBaselines(planned.map(({ w }, i) => ({ dir: w.targetDir, stateFile: stateFiles[i], known: known[i] }))).forEach((b, i) => baselines.set(planned[i].repo, { ...b, stateFile: stateFiles[i] }));
      const outcome = guard(groups, planned.map(({ repo }, i) => {
        const b = baselines.get(repo)!;
        return { repo, old: b.tree, next: { objects: written.get(repo) ?? [], kustomizeFiles: kustomizeFiles.get(repo) ?? new Map(), unchanged: unchanged[i] }, root: planned[i].w.targetDir };
      }), input.allowDestroy, { nameAllows: input.onAllowNames !== undefined });
      warnings = outcome.result.unusedAllows;
      input.onAllowNames?.(outcome.result.named);
      return outcome.blocked;
    }, (b) => ({ repos: planned.length, problems: b.length }));
  } catch (e) {
    abortAll();
    throw e;
  }
  if (blocked.length > 0) {
    abortAll();
    throw new SynthError(blocked);
  }
  if (input.onUnusedAllows) input.onUnusedAllows(warnings);
  else for (const id of warnings) process.stderr.write(`cdk8s-platform: warning: ${unusedAllowWarning(id)}\n`);
  if (input.holdWrites) {
    let settled = false;
    const once = (f: () => void) => () => {
      if (settled) return;
      settled = true;
      f();
    };
    input.holdWrites(once(() => void commitRepos(input, planned, baselines, reporter, abortAll)), once(abortAll));
    return planned.map(({ repo, w, changes }) => ({ repo, dir: w.targetDir, changes }));
  }
  return commitRepos(input, planned, baselines, reporter, abortAll);
}

/**
 * Stage 5, write: commits every planned repo (atomically each; a failure rolls the tree back) and
 * keeps the baseline copy of each repo written outside git.
 */
function commitRepos(
  input: WriteInput,
  planned: ReadonlyArray<{ repo: Repo; w: TreeWriter; changes: TreeChanges }>,
  baselines: ReadonlyMap<Repo, Baseline & { stateFile: string }>,
  reporter: StageReporter,
  abortAll: () => void,
): WrittenRepos {
  // The baseline copies (for the next synth after `cdk8s synth` empties the output directory),
  // written from what the pool recorded before the commit and put in place once it succeeded.
  const copies = new Map<Repo, string>();
  for (const { repo, w } of planned) {
    const b = baselines.get(repo)!;
    if (b.source === 'git' || !keepsBaseline(input, w.targetDir)) continue;
    const tmp = `${b.stateFile}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(tmp), { recursive: true });
      if (w.writeBaselineCopy(tmp)) copies.set(repo, tmp);
    } catch {
      fs.rmSync(tmp, { force: true }); // read back from the committed tree below
    }
  }
  const repos: WrittenRepos = [];
  try {
    reporter.run('write', () => {
      try {
        for (const { repo, w, changes } of planned) repos.push({ repo, dir: w.targetDir, changes: w.commit(changes) });
      } finally {
        abortAll(); // releases the locks of repos not committed after a failure
      }
    }, () => ({ repos: repos.length, files: repos.reduce((n, r) => n + r.changes.created.length + r.changes.updated.length, 0), changed: repos.reduce((n, r) => n + r.changes.created.length + r.changes.updated.length + r.changes.deleted.length, 0) }),
    () => repos.map((r) => path.resolve(r.dir)));
  } catch (e) {
    for (const tmp of copies.values()) fs.rmSync(tmp, { force: true });
    throw e;
  }
  // Not fatal: the tree is written.
  for (const { repo, w } of planned) {
    const b = baselines.get(repo)!;
    if (b.source === 'git' || !keepsBaseline(input, w.targetDir)) continue;
    try {
      const tmp = copies.get(repo);
      if (tmp) fs.renameSync(tmp, b.stateFile);
      else saveBaseline(b.stateFile, w.targetDir);
    } catch (e) {
      process.stderr.write(`cdk8s-platform: warning: could not keep the baseline of ${w.targetDir} in ${b.stateFile} (${(e as Error).message}); a later \`cdk8s synth\` cannot see its deletions\n`);
    }
  }
  return repos;
}

