/**
 * `cdk8s-platform plan [--out <dir>] [--ref <gitref>] [--app <command>] [--allow-destroy <id>...] [--json]`:
 * what a synth would change, without writing anything. Runs the app (by default the `app` of
 * ./cdk8s.yaml) in a synth session of mode `plan` (app-process.ts; the app command must name the
 * app file): every GitOpsApp's `synth()` hands its plan to the CLI instead of writing any repo
 * (CDK8S_OUTDIR is a temporary directory); each repo under `--out`
 * (default: cdk8s.yaml `output`, else `dist`) is compared with what is committed: as committed at
 * `--ref` in the git repository holding it; else at git HEAD when it is in a git checkout that has
 * it committed; else its owned files on disk; else the copy the last synth kept beside the output
 * directory (`cdk8s synth` empties it). The same baseline the synth's destroy guard uses.
 *
 * Output, per repo: objects created (+), updated (~, with a field diff), deleted (-) and renamed (>),
 * protected objects Flux would prune although their file stays (!), and the deletions, renames
 * and prunes of protected objects (stateful kinds, RETAIN markers, Namespaces holding them,
 * composite resources of stateful compositions, remote-cluster hydration) that are not allowed. `--json` prints the plan as JSON (the `Plan` type). The app's
 * own output goes to stderr.
 *
 * Exit codes (like `flux diff`): 0 no change, 1 changes, 2 usage / I/O error or the app failed,
 * 3 changes that delete or rename a protected object without `--allow-destroy` (synth would refuse).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Command } from 'commander';
import { CliError, type CliContext, type CliIO } from './context';
import { runApp } from './app-process';
import { allowDestroyIds, appAllowProblems, readConfig } from './synth';
import { combinePlans, formatPlan, type Plan } from '../safety/plan';
import type { ProgressListener, StageEvent } from '../core/progress';
import { ProgressRenderer } from './progress';

/** Options of {@link runPlan}. */
export interface PlanCommandOptions {
  /** Directory the repos are compared with (relative to the working directory). Default: cdk8s.yaml `output`, else `dist`. */
  readonly out?: string;
  /** Compare with the files committed at this git revision (default: HEAD inside a git checkout, else the files on disk). */
  readonly ref?: string;
  /** Command that runs the app. Default: cdk8s.yaml `app`. */
  readonly app?: string;
  /** Protected objects (`<repo>:<cluster>:Kind/namespace/name`, or unambiguous `Kind/namespace/name`) whose deletion, rename or prune is allowed. */
  readonly allowDestroy?: readonly string[];
  /** Print the plan as JSON. */
  readonly json?: boolean;
  /** Print the stack trace of an error the app throws that is not a synth problem (`--verbose`). @default false */
  readonly verbose?: boolean;
  /** Receives the stage events of the app's plans (collect, render, check, read, guard, plan). */
  readonly onStage?: ProgressListener;
  /** Show the stage lines on stderr. Default: when stderr is a terminal (`CliIO.stderrIsTTY`). */
  readonly progress?: boolean;
}

/** Exit code of a plan with protected deletions or renames that are not allowed. */
export const EXIT_BLOCKED = 3;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Adds the `plan` command. */
export function registerPlan(program: Command, ctx: CliContext): void {
  program
    .command('plan')
    .description('show what synth would create, change, delete and rename; refuse protected deletions (exit 0 none, 1 changes, 3 blocked)')
    .option('--out <dir>', 'directory holding the current repos (default: cdk8s.yaml output, else dist)')
    .option('--ref <gitref>', 'compare with the files committed at this git revision (default: HEAD in a git checkout, else the files on disk)')
    .option('--app <command>', 'command that runs the app (default: cdk8s.yaml app)')
    .option('--allow-destroy <repo:cluster:Kind/ns/name>', 'allow deleting, renaming or pruning this protected object (repeatable; Kind/ns/name when only one repo and cluster has it)', collect, [])
    .option('--json', 'print the plan as JSON')
    .option('--no-progress', 'no stage lines on stderr (default: shown when stderr is a terminal)')
    .action(async (opts: PlanCommandOptions & { progress: boolean }) => {
      // commander sets progress: true unless --no-progress; undefined means "when stderr is a TTY".
      ctx.exitCode = await runPlan({ ...opts, progress: opts.progress === false ? false : undefined, verbose: ctx.verbose }, ctx.io);
    });
}

/** The command itself, without commander. */
export async function runPlan(opts: PlanCommandOptions, io: CliIO): Promise<number> {
  const config = readConfig(io.cwd);
  const app = opts.app ?? config.app;
  if (!app) throw new CliError('no app to run: pass --app "<command>" or run in a directory with a cdk8s.yaml that sets "app"');
  const allow = allowDestroyIds(opts.allowDestroy);
  const out = path.resolve(io.cwd, opts.out ?? config.output ?? 'dist');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-platform-plan-'));
  try {
    // The app's own output goes to stderr, so that stdout is only the plan.
    // Stage lines on a terminal (stderr), from the app's StageEvents.
    const renderer = new ProgressRenderer({ command: 'plan', write: io.stderr, interactive: opts.progress ?? io.stderrIsTTY ?? false });
    const onStage = (e: StageEvent) => {
      renderer.listener(e);
      opts.onStage?.(e);
    };
    const passThrough = (d: string) => {
      renderer.clear();
      io.stderr(d);
    };
    const { done } = runApp({ app, outdir: path.join(tmp, 'out'), session: { mode: 'plan', planBase: out, appOutdir: path.join(tmp, 'out'), ref: opts.ref || undefined, allowDestroy: allow, verbose: opts.verbose }, stdout: passThrough, stderr: passThrough, progress: onStage }, io);
    const run = await done;
    renderer.clear();
    if (run.status !== 0) {
      io.stderr(`cdk8s-platform: plan failed ("${app}" exited with ${run.status ?? 'a signal'})\n`);
      return 2;
    }
    if (run.plans.length === 0) {
      throw new CliError(`"${app}" produced no plan: the app must synthesize a GitOpsApp of cdk8s-platform (app.synth())`);
    }
    // An allow id unused in one app may be used in another: warned about when unused in every one.
    const unusedEverywhere = (run.plans[0].warnings ?? []).filter((w) => run.plans.every((p) => (p.warnings ?? []).includes(w)));
    // The repos of an app that chose its outdir, relative to --out (as synth --check lists them).
    const repos = (p: Plan) => (p.outdir === undefined ? p.repos : p.repos.map((r) => ({ ...r, dir: path.relative(out, path.resolve(p.outdir!, r.dir)) })));
    const plan: Plan = run.plans.length === 1 ? run.plans[0] : combinePlans(run.plans.flatMap(repos), unusedEverywhere);
    io.stdout(opts.json ? `${JSON.stringify(plan, undefined, 2)}\n` : formatPlan(plan));
    // An --allow-destroy id naming objects in several of the app file's GitOpsApps: synth refuses it.
    const crossApp = appAllowProblems(allow, run.plans, out, io.cwd);
    for (const line of crossApp) io.stderr(`cdk8s-platform: ${line}\n`);
    if (plan.blocked.length > 0 || crossApp.length > 0) return EXIT_BLOCKED;
    return plan.changed ? 1 : 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
