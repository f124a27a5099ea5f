/**
 * Running the app for `synth`, `synth --check` and `plan`. The CLI tells the app's GitOpsApps what
 * to do through a synth session (mode, plan base, ref, check base, allow-destroy ids; see
 * `withSynthSession`), not through environment variables: it runs the app file in a child Node
 * process through its runner (app-runner.ts), which opens the session and loads the file, and
 * receives the plans, the checks and the stage events over IPC. The app keeps a process of its own (its `process.exit`, globals, working
 * directory and a kill mid-write stay the app's, as with `cdk8s synth`).
 *
 * The app command (`--app`, or cdk8s.yaml `app`) must name the app file for this:
 * `[npx] tsx <file> [args]`, `[npx] ts-node <file> [args]` (run through tsx: no type-check),
 * `node [node flags] <file> [args]`, or `node [node flags] <path to tsx's cli> <file> [args]`.
 * Other commands (a shell pipeline, `npm run …`, another language) are run as they are, with only
 * `CDK8S_OUTDIR`: fine for `synth` and `synth --check`; `plan` and `--allow-destroy` need the
 * session and refuse them with an error naming the forms above.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { ProgressListener } from '../core/progress';
import type { OutputCheck } from '../gitops/pipeline/write';
import type { Plan } from '../safety/plan';
import type { RunnerMessage, RunnerSession } from './app-runner';
import { CliError, type CliIO } from './context';

/** An app command the CLI can run through its runner. */
export interface AppFileCommand {
  /** Flags for node itself (e.g. `--max-old-space-size=8192`, `--import x`). */
  readonly nodeArgs: string[];
  /** The app file, absolute. */
  readonly file: string;
  /** The app's own arguments. */
  readonly args: string[];
}

/** Splits a command line like a POSIX shell would for simple words and quotes; undefined when it uses shell syntax (pipes, `;`, `&&`, `$`, redirections, `VAR=value` prefixes). */
export function splitCommand(command: string): string[] | undefined {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return undefined;
      cur += command.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < command.length && command[j] !== '"'; j++) {
        if (command[j] === '\\' && j + 1 < command.length && '"\\$`'.includes(command[j + 1])) cur += command[++j];
        else if ('$`'.includes(command[j])) return undefined;
        else cur += command[j];
      }
      if (j >= command.length) return undefined;
      i = j;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      cur += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else if ('|&;<>()$`*?[]{}~#'.includes(c)) {
      return undefined;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  if (words.length === 0 || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) return undefined;
  return words;
}

const APP_FILE = /\.(ts|tsx|mts|cts|js|cjs|mjs|jsx)$/;
/** Node flags that take the next word as their value. */
const NODE_VALUE_FLAGS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--env-file', '--title']);

/** The app file and arguments of an app command, when it has one of the forms the runner supports. */
export function parseAppCommand(command: string, cwd: string): AppFileCommand | undefined {
  let w = splitCommand(command);
  if (!w) return undefined;
  if (w[0] === 'npx') {
    w = w.slice(1);
    while (w.length > 0 && ['--yes', '-y', '--no-install', '--no'].includes(w[0])) w = w.slice(1);
  }
  const tool = (word: string) => path.basename(word).replace(/\.(c|m)?js$/, '');
  const isTsx = (word: string) => tool(word) === 'tsx' || /[\\/]tsx[\\/]dist[\\/]cli\.(m|c)?js$/.test(word);
  const fileAt = (i: number, nodeArgs: string[]): AppFileCommand | undefined =>
    w![i] !== undefined && !w![i].startsWith('-') && APP_FILE.test(w![i]) ? { nodeArgs, file: path.resolve(cwd, w![i]), args: w!.slice(i + 1) } : undefined;
  if (isTsx(w[0]) || tool(w[0]) === 'ts-node') return fileAt(1, []);
  if (tool(w[0]) !== 'node') return undefined;
  const nodeArgs: string[] = [];
  let i = 1;
  for (; i < w.length && w[i].startsWith('-'); i++) {
    nodeArgs.push(w[i]);
    if (NODE_VALUE_FLAGS.has(w[i]) && i + 1 < w.length) nodeArgs.push(w[++i]);
  }
  if (i < w.length && isTsx(w[i])) return fileAt(i + 1, nodeArgs);
  return fileAt(i, nodeArgs);
}

/** How to run the app. */
export interface RunAppOptions {
  /** The app command. */
  readonly app: string;
  /** `CDK8S_OUTDIR` of the app. */
  readonly outdir: string;
  /** The session the app's `synth()` runs in. */
  readonly session: RunnerSession;
  /** Where the app's stdout goes. */
  readonly stdout: (text: string) => void;
  /** Where the app's stderr goes. */
  readonly stderr: (text: string) => void;
  /** Receives the stage events of the app's synths. */
  readonly progress?: ProgressListener;
  /**
   * What needs the synth session, as the error for an app command the runner cannot load names it.
   * @default 'plan' in a plan session, else '--allow-destroy'
   */
  readonly sessionFor?: string;
}

/** The outcome of running the app: its exit status (null: killed by a signal) and the plans and checks it sent. */
export interface AppRun {
  readonly status: number | null;
  readonly plans: Plan[];
  /** What each GitOpsApp compared in a `check` session (see `GitOpsApp.check`). */
  readonly checks: OutputCheck[];
  /** For each GitOpsApp synthesized, the session's allow ids that allowed nothing in its change. */
  readonly unusedAllows: Array<readonly string[]>;
  /** Whether the app ran through the runner (in a synth session). */
  readonly session: boolean;
}

/**
 * Runs the app in a synth session (see the module doc); app commands the runner cannot load run
 * as they are for `write`/`check` without allow-destroy ids, and are refused otherwise.
 */
export function runApp(opts: RunAppOptions, io: CliIO): { child: ReturnType<typeof spawn>; done: Promise<AppRun> } {
  const parsed = parseAppCommand(opts.app, io.cwd);
  const needsSession = opts.session.mode === 'plan' || (opts.session.allowDestroy ?? []).length > 0;
  if (!parsed && needsSession) {
    const what = opts.sessionFor ?? (opts.session.mode === 'plan' ? 'plan' : '--allow-destroy');
    throw new CliError(
      `${what} needs an app command that names the app file ("npx tsx main.ts", "ts-node main.ts", "node main.js" or "node <tsx cli> main.ts", with arguments after the file); "${opts.app}" is not one: ` +
        'set "app" in cdk8s.yaml or pass --app in one of these forms',
    );
  }
  const env = { ...process.env, CDK8S_OUTDIR: opts.outdir, CDK8S_CHECK_UPGRADE: 'false' };
  const child = parsed
    ? spawn(process.execPath, [...parsed.nodeArgs, '--import', pathToFileURL(require.resolve('tsx')).href, require.resolve('./app-runner'), JSON.stringify({ ...opts.session, progress: opts.progress !== undefined }), parsed.file, ...parsed.args], {
        cwd: io.cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      })
    : spawn(opts.app, { cwd: io.cwd, shell: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const plans: Plan[] = [];
  const checks: OutputCheck[] = [];
  const unusedAllows: Array<readonly string[]> = [];
  child.on('message', (m: RunnerMessage) => {
    if (m.type === 'unused-allows') unusedAllows.push(m.ids);
    if (m.type === 'plan') plans.push(m.plan);
    else if (m.type === 'check') checks.push(m.check);
    else if (m.type === 'progress') opts.progress?.(m.event);
  });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => opts.stdout(d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => opts.stderr(d));
  const done = new Promise<AppRun>((resolve, reject) => {
    child.on('error', (e) => reject(new CliError(`could not run "${opts.app}": ${e.message}`)));
    child.on('close', (code) => resolve({ status: code, plans, checks, unusedAllows, session: parsed !== undefined }));
  });
  return { child, done };
}
