/**
 * `cdk8s-platform synth [--out <dir>] [--app <command>] [--check]`: runs the cdk8s app (by default the
 * `app` of ./cdk8s.yaml) with CDK8S_OUTDIR set to `--out`, in a synth session (app-process.ts). Unlike `cdk8s synth`, it never empties the
 * output directory first: the app's GitOpsApp writes each repo atomically and only touches the files
 * it owns, so `--out` can be an existing GitOps checkout. Exit 0 on success, 1 when the app fails
 * (its output is passed through: each problem once, as the app prints it, then one line saying the
 * synth failed), 2 on usage errors.
 *
 * `--check` (the stale-output gate for pull requests) runs the app in a `check` session: each
 * GitOpsApp renders and validates as a synth does and compares its files with the committed ones
 * (`GitOpsApp.check`: in `--out`, or in the app's own `outdir`), writing nothing; exit 1 listing
 * every file that is missing, changed, or stale (owned by the library but no longer produced). An
 * app command the runner cannot load (a shell pipeline, `npm run ...`) has no session: it runs as a
 * plain synth with `CDK8S_OUTDIR` in a temporary directory, whose repos are then compared file by
 * file; repos it writes elsewhere (an absolute repo `dir`, an app's own `outdir`) are written for
 * real and not compared, so use the runner's forms (`npx tsx main.ts`, `node main.js`).
 *
 * While the app runs, a progress line (stage, elapsed time) is kept on stderr when stderr is a terminal.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { runApp } from './app-process';
import type { RunnerSession } from './app-runner';
import { CliError, type CliContext, type CliIO } from './context';
import type { ProgressListener, StageEvent } from '../core/progress';
import { formatCounts, ProgressRenderer } from './progress';
import { recoverInterrupted } from '../gitops/journal';
import { differingFiles } from './compare-trees';
import { findRepoDirs, ownedFiles as ownedFilesOf } from '../tree/read';
import { checkAllowDestroy } from '../safety/protection';
import { crossAppAllowProblems, unusedAllowWarning } from '../safety/guard';
import type { Plan } from '../safety/plan';
import type { OutputCheck, OutputDifference } from '../gitops/pipeline/write';

export interface SynthCommandOptions {
  /** Output directory (relative to the working directory). Default: cdk8s.yaml `output`, else `dist`. */
  readonly out?: string;
  /** Command that runs the app. Default: cdk8s.yaml `app`. */
  readonly app?: string;
  /** Compare with the committed tree in `out` instead of writing it. */
  readonly check?: boolean;
  /** Show a progress line on stderr. Default: when stderr is a TTY. */
  readonly progress?: boolean;
  /**
   * Protected objects (`<repo>:<cluster>:Kind/namespace/name`, or `Kind/namespace/name` when only
   * one repo and cluster has it) the app may delete, rename or let Flux prune (passed to the app's
   * synth session; the GitOpsApp refuses other protected deletions).
   */
  readonly allowDestroy?: readonly string[];
  /** Print the stack trace of an error the app throws that is not a synth problem (`--verbose`). @default false */
  readonly verbose?: boolean;
  /** Receives the stage events of the app's synths (collect, render, check, guard, write). */
  readonly onStage?: ProgressListener;
}

/** The `--allow-destroy` ids, checked (a usage error otherwise). */
export function allowDestroyIds(ids: readonly string[] | undefined): string[] {
  try {
    return checkAllowDestroy('--allow-destroy', ids ?? []);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

export function registerSynth(program: Command, ctx: CliContext): void {
  program
    .command('synth')
    .description('synthesize the app into --out without deleting files it does not own (unlike `cdk8s synth`)')
    .option('--out <dir>', 'output directory, e.g. an existing GitOps checkout (default: cdk8s.yaml output, else dist)')
    .option('--app <command>', 'command that runs the app (default: cdk8s.yaml app)')
    .option('--check', 'do not write: exit 1 listing the files in --out that differ from what the app produces')
    .option('--no-progress', 'no progress line on stderr (default: shown when stderr is a terminal)')
    .option('--allow-destroy <repo:cluster:Kind/ns/name>', 'allow deleting, renaming or pruning this protected object (repeatable; Kind/ns/name when only one repo and cluster has it)', (v: string, prev: string[]) => [...prev, v], [])
    .action(async (raw: SynthCommandOptions) => {
      // commander sets progress: true unless --no-progress; undefined means "when stderr is a TTY".
      const opts = { ...raw, progress: raw.progress === false ? false : undefined, verbose: ctx.verbose };
      ctx.exitCode = opts.check ? await runSynthCheck(opts, ctx.io) : await runSynthStreaming(opts, ctx.io);
    });
}

/** Reads ./cdk8s.yaml, if there is one. */
export function readConfig(cwd: string): { app?: string; output?: string } {
  const file = path.join(cwd, 'cdk8s.yaml');
  if (!fs.existsSync(file)) return {};
  const config = parse(fs.readFileSync(file, 'utf8')) as { app?: unknown; output?: unknown } | null;
  return {
    app: typeof config?.app === 'string' ? config.app : undefined,
    output: typeof config?.output === 'string' ? config.output : undefined,
  };
}

/** The command itself, without commander: {@link runSynthStreaming}. */
export function runSynth(opts: SynthCommandOptions, io: CliIO): Promise<number> {
  return runSynthStreaming(opts, io);
}

function resolveApp(opts: SynthCommandOptions, io: CliIO): { app: string; out: string } {
  const config = readConfig(io.cwd);
  const app = opts.app ?? config.app;
  if (!app) throw new CliError('no app to run: pass --app "<command>" or run in a directory with a cdk8s.yaml that sets "app"');
  return { app, out: path.resolve(io.cwd, opts.out ?? config.output ?? 'dist') };
}

/**
 * Runs the app (see app-process.ts) with CDK8S_OUTDIR=`outdir` in a synth session of `mode`,
 * passing its output through as it comes. With `progress`, keeps a `synth: <stage> (12s)` line on
 * stderr (redrawn in place) from the second second on. Resolves to the exit status (null when
 * killed by a signal). Ctrl-C / SIGTERM are forwarded to the app.
 */
async function runSynthApp(app: string, outdir: string, io: CliIO, progress: boolean, session: RunnerSession, listener?: ProgressListener, command = 'synth'): Promise<{ status: number | null; stages: ProgressRenderer; checks: OutputCheck[]; unusedAllows: Array<readonly string[]> }> {
  // Stage lines (on a terminal) come from the app's StageEvents; the renderer also keeps the
  // finished stages for the command's final line.
  const renderer = new ProgressRenderer({ command, write: io.stderr, interactive: progress });
  const onStage = (e: StageEvent) => {
    renderer.listener(e);
    listener?.(e);
  };
  try {
    const { child, done } = runApp({
      app,
      outdir,
      session,
      stdout: (d) => {
        renderer.clear();
        io.stdout(d);
      },
      stderr: (d) => {
        renderer.clear();
        io.stderr(d);
      },
      progress: onStage,
    }, io);
    // Ctrl-C / SIGTERM: stop the app, then (in runSynthStreaming) finish or roll back its write.
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    try {
      const run = await done;
      return { status: run.status, stages: renderer, checks: run.checks, unusedAllows: run.unusedAllows };
    } finally {
      process.off('SIGINT', forward).off('SIGTERM', forward);
    }
  } finally {
    renderer.clear();
  }
}

/**
 * Where the app wrote: `out`, and the repo directories outside it (an app's own `outdir`, a repo's
 * absolute `dir`), so the summary never names a directory the app did not write to.
 */
function writtenWhere(stages: ProgressRenderer, out: string): string {
  const base = path.resolve(out);
  const outside = [...new Set(stages.stages.flatMap((e) => (e.stage === 'write' && e.state === 'end' ? e.dirs ?? [] : [])))]
    .filter((d) => { const rel = path.relative(base, d); return rel.startsWith('..') || path.isAbsolute(rel); })
    .sort();
  if (outside.length === 0) return out;
  const inside = stages.stages.some((e) => e.stage === 'write' && e.state === 'end' && (e.dirs ?? []).some((d) => !outside.includes(d)));
  const list = outside.map((d) => path.relative(process.cwd(), d) || '.').join(', ');
  return inside ? `${out} and ${list} (repos the app puts outside --out)` : `${list} (where the app puts its repos, not --out ${out})`;
}

/** `: 659 files, 3,112 objects in 10 repos, 4 changed (8.1s)` from the app's render and write stages, or ''. */
function stageSummary(stages: ProgressRenderer, started: number, changed = true): string {
  // Summed over the app file's GitOpsApps (each renders and writes its own repos).
  const sum = (stage: string): Record<string, number | undefined> => {
    const out: Record<string, number> = {};
    for (const e of stages.stages) {
      if (e.stage !== stage) continue;
      for (const [k, v] of Object.entries(e.counts ?? {})) if (typeof v === 'number') out[k] = (out[k] ?? 0) + v;
    }
    return out;
  };
  const render = sum('render');
  const write = sum('write');
  const counts = formatCounts({ files: write.files ?? render.files, objects: render.objects ?? write.objects, repos: write.repos ?? render.repos, changed: changed ? write.changed : undefined });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  return `${counts ? `: ${counts}` : ''} (${secs}s)`;
}

function wantsProgress(opts: SynthCommandOptions, io: CliIO): boolean {
  return opts.progress ?? Boolean(io.stderrIsTTY);
}

/** `synth` as the command runs it: the app's output streamed, a progress line, the app's problems once (its own stderr lines). */
export async function runSynthStreaming(opts: SynthCommandOptions, io: CliIO): Promise<number> {
  const { app, out } = resolveApp(opts, io);
  const started = Date.now();
  // The ids go to every GitOpsApp of the app file; the runner holds their writes and refuses, before
  // committing any, an id that names objects in two of them (lib/cli/app-runner.ts).
  const allowDestroy = allowDestroyIds(opts.allowDestroy);
  const { status, stages, unusedAllows } = await runSynthApp(app, out, io, wantsProgress(opts, io), { mode: 'write', allowDestroy, verbose: opts.verbose }, opts.onStage);
  if (status !== 0) {
    // A killed app may have stopped in the middle of moving files in: complete or roll back now.
    const recovered = recoverInterrupted(out);
    for (const line of recovered) io.stderr(`cdk8s-platform: ${line}\n`);
    // Writes already committed (an app file whose GitOpsApps were synthesized one at a time, each
    // committed before the next was built; a failure after the synths): said, not hidden.
    const wrote = stages.stages.filter((e) => e.stage === 'write' && e.state === 'end');
    const changed = wrote.reduce((n, e) => n + (e.counts?.changed ?? 0), 0);
    const state = recovered.length > 0
      ? 'each repo holds its previous or its new files, never a mix'
      : wrote.length > 0
        ? `${wrote.length} GitOpsApp(s) of the app file wrote their repos before it failed (${changed} file(s) changed in ${out}: see git status); the others wrote nothing`
        : `${out} is unchanged`;
    io.stderr(`cdk8s-platform: synth failed ("${app}" exited with ${status ?? 'a signal'}); ${state}\n`);
    return 1;
  }
  io.stdout(`synth: wrote ${writtenWhere(stages, out)}${stageSummary(stages, started)}\n`);
  // An --allow-destroy id that no app of the app file used (each app reports its own).
  if (unusedAllows.length > 0) {
    for (const id of unusedAllows[0].filter((i) => unusedAllows.every((u) => u.includes(i)))) io.stderr(`cdk8s-platform: warning: ${unusedAllowWarning(id)}\n`);
  }
  return 0;
}

/**
 * {@link crossAppAllowProblems} for the plans of an app file's GitOpsApps, each named by its order
 * and its repo directories (relative to `cwd`; an app's relative repo dirs are in `out`, or in the
 * outdir it chose).
 */
export function appAllowProblems(allowDestroy: readonly string[], plans: readonly Plan[], out: string, cwd: string): string[] {
  if (plans.length < 2) return [];
  return crossAppAllowProblems(allowDestroy, plans.map((p) => ({ repoDirs: p.repos.map((r) => path.resolve(p.outdir ?? out, r.dir)), named: p.allowNames ?? {} })), cwd);
}

/** One difference between the committed tree and what the app produces (paths relative to the output directory). */
export type StaleFile = OutputDifference;

/**
 * Compares a freshly synthesized output directory with the committed one (owned files only).
 * @param checked what the app's GitOpsApps compared themselves (`GitOpsApp.check`, paths relative
 * to `committed`): their differences are taken as they are, and their repo directories are not
 * compared again (nor reported stale)
 */
export async function compareTrees(produced: string, committed: string, checked: readonly OutputCheck[] = []): Promise<StaleFile[]> {
  const diffs: StaleFile[] = checked.flatMap((c) => c.differences);
  const done = new Set(checked.flatMap((c) => c.repos));
  const producedRepos = findRepoDirs(produced);
  const committedRepos = fs.existsSync(committed) ? findRepoDirs(committed) : [];
  for (const repo of [...new Set([...producedRepos, ...committedRepos])].sort()) {
    if (done.has(repo)) continue;
    const newFiles = producedRepos.includes(repo) ? ownedFiles(path.join(produced, repo)) : [];
    const oldFiles = committedRepos.includes(repo) ? ownedFiles(path.join(committed, repo)) : [];
    const rel = (f: string) => (repo === '.' ? f : `${repo}/${f}`);
    // Byte by byte, half of the files on a worker thread for large trees (lib/cli/compare-trees.ts).
    const owned = new Set(oldFiles);
    for (const { file, status } of await differingFiles(path.join(produced, repo), path.join(committed, repo), newFiles)) {
      diffs.push({ file: rel(file), status: status === 'changed' && !owned.has(file) ? 'unowned' : status });
    }
    const produced_ = new Set(newFiles);
    for (const f of oldFiles) if (!produced_.has(f)) diffs.push({ file: rel(f), status: 'stale' });
  }
  return diffs.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function ownedFiles(repoDir: string): string[] {
  try {
    return ownedFilesOf(repoDir);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/**
 * Where `synth --check` lets the app write what its GitOpsApps do not compare themselves (plain
 * cdk8s charts, an app command run without the runner): `$TMPDIR` when set; else a RAM-backed `/dev/shm` with at
 * least 2 GiB free, if there is one (on a throttled disk, writing the whole tree just to compare
 * it dominates the check); else the OS temporary directory.
 */
export function checkTmpRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TMPDIR) return env.TMPDIR.length > 1 ? env.TMPDIR.replace(/\/+$/, '') : env.TMPDIR;
  const shm = '/dev/shm';
  try {
    const st = fs.statfsSync(shm);
    fs.accessSync(shm, fs.constants.W_OK);
    if (st.bavail * st.bsize >= 2 * 1024 ** 3) return shm;
  } catch {
    // no usable /dev/shm
  }
  return os.tmpdir();
}

/**
 * `synth --check`: runs the app in a `check` session whose GitOpsApps compare their repos with
 * `out` without writing anything (`GitOpsApp.check`: each file compared where it is serialized);
 * whatever else the app writes (an app command the runner cannot load, plain cdk8s charts) goes to
 * a temporary `CDK8S_OUTDIR` and is compared with `out` file by file. Repos committed in `out` that
 * nothing produced are reported stale.
 */
export async function runSynthCheck(opts: SynthCommandOptions, io: CliIO): Promise<number> {
  const { app, out } = resolveApp(opts, io);
  const tmp = fs.mkdtempSync(path.join(checkTmpRoot(), 'cdk8s-platform-check-'));
  // What the app writes goes into tmp/out: the copy of the tree a synth keeps beside its output
  // directory (see `baselineStateFile`) then lands in tmp too, and goes with it.
  const produced = path.join(tmp, 'out');
  try {
    fs.mkdirSync(produced);
    const started = Date.now();
    const { status, stages, checks } = await runSynthApp(app, produced, io, wantsProgress(opts, io), { mode: 'check', checkBase: out, appOutdir: produced, allowDestroy: allowDestroyIds(opts.allowDestroy), verbose: opts.verbose }, opts.onStage, 'synth --check');
    if (status !== 0) {
      io.stderr(`cdk8s-platform: synth --check failed ("${app}" exited with ${status ?? 'a signal'})\n`);
      return 1;
    }
    const diffs = await compareTrees(produced, out, checks);
    const shown = path.relative(io.cwd, out) || '.';
    if (diffs.length === 0) {
      // (What the app wrote into the temporary directory is not a change of `out`.)
      io.stdout(`synth --check: ${shown} is up to date${stageSummary(stages, started, false)}\n`);
      return 0;
    }
    io.stdout(
      `synth --check: ${diffs.length} file${diffs.length === 1 ? '' : 's'} in ${shown} differ${diffs.length === 1 ? 's' : ''} from what the app produces:\n` +
        diffs.map((d) => `  ${d.status.padEnd(8)} ${d.file}\n`).join('') +
        (diffs.some((d) => d.status === 'unowned') ? 'move the unowned files away (synth does not overwrite files it did not write), then ' : '') +
        `run "cdk8s-platform synth${opts.out ? ` --out ${opts.out}` : ''}" and commit the result\n`,
    );
    return 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
