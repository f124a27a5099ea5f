/**
 * The child process the CLI runs an app in: `node [node flags] --import tsx app-runner <session
 * JSON> <app file> [app args...]`. Opens the synth session the CLI asked for (mode, plan base, ref,
 * check base, allow-destroy ids: see `withSynthSession`), loads the app file (TypeScript through
 * tsx), and sends the session's plans, checks and stage events to the CLI over the IPC channel. A failing synth
 * prints each problem once (`cdk8s-platform: <problem>`) and exits 1, without a stack. In `write`
 * mode, when the app file holds several GitOpsApps (built before their synths) or the session has
 * allow-destroy ids, their writes are held and committed together once the app file has run
 * without error (or has exited with 0), after an allow id naming objects of two apps is refused:
 * an app refused after another was synthesized leaves every repo as it was. A lone GitOpsApp
 * writes as its synth() returns (the app may read its output).
 */
import Module from 'module';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { StageEvent } from '../core/progress';
import { isUserError, reportSynthFailure, synthFailureLines } from '../gitops/pipeline/report';
import { SynthError } from '../gitops/pipeline/types';
import { crossAppAllowProblems, type AllowingApp } from '../safety/guard';
import { withSynthSession, type SynthSession } from '../gitops/pipeline/session';
import type { OutputCheck } from '../gitops/pipeline/write';
import { withDisplayPaths, type Plan } from '../safety/plan';

/** What the CLI passes to the runner (JSON): the session without its callbacks. */
export interface RunnerSession {
  readonly mode: 'write' | 'check' | 'plan';
  readonly planBase?: string;
  readonly ref?: string;
  readonly checkBase?: string;
  readonly appOutdir?: string;
  readonly allowDestroy?: readonly string[];
  /** Send stage events. */
  readonly progress?: boolean;
  /** Print the stack of an error that is not a synth problem (the CLI's `--verbose`). */
  readonly verbose?: boolean;
}

/** A message from the runner to the CLI. */
export type RunnerMessage =
  | { readonly type: 'plan'; readonly plan: Plan }
  | { readonly type: 'check'; readonly check: OutputCheck }
  | { readonly type: 'unused-allows'; readonly ids: readonly string[] }
  | { readonly type: 'progress'; readonly event: StageEvent };

/** The session's `verbose`, for the failure handler (the app's `process.argv` replaces the runner's). */
let verboseErrors = false;

async function main(): Promise<void> {
  const [json, file, ...args] = process.argv.slice(2);
  const s = JSON.parse(json) as RunnerSession;
  verboseErrors = s.verbose === true;
  const sent: Array<Promise<void>> = [];
  const held: Array<{ commit: () => void; abort: () => void }> = [];
  // What the session's allow ids name in each app (apps synthesized with them: their writes are held).
  const named: AllowingApp[] = [];
  const settle = (ok: boolean) => {
    const all = held.splice(0);
    if (!ok) return all.forEach((h) => h.abort());
    // An --allow-destroy id naming objects of two apps: refused, nothing written.
    const ambiguous = crossAppAllowProblems(s.allowDestroy ?? [], named, process.cwd());
    if (ambiguous.length > 0) {
      all.forEach((h) => h.abort());
      throw new SynthError(ambiguous);
    }
    let i = 0;
    try {
      for (; i < all.length; i++) all[i].commit();
    } catch (e) {
      for (const h of all.slice(i + 1)) h.abort();
      throw e;
    }
  };
  // An app that ends the process itself (process.exit after its synths): its held writes are
  // committed when it exits with 0, dropped otherwise.
  process.on('exit', (code) => {
    if (held.length === 0) return;
    try {
      settle(code === 0);
    } catch (e) {
      process.stderr.write(synthFailureLines(e));
      process.exitCode = 1;
    }
  });
  const send = (m: RunnerMessage) => {
    if (process.send) sent.push(new Promise((resolve) => process.send!(m, undefined, undefined, () => resolve())));
  };
  const session: SynthSession = {
    mode: s.mode,
    planBase: s.planBase,
    ref: s.ref,
    checkBase: s.checkBase,
    appOutdir: s.appOutdir,
    allowDestroy: s.allowDestroy,
    progress: s.progress ? (event) => send({ type: 'progress', event }) : undefined,
    // Construct paths as synth's messages show them: the CLI does not know the app's folders.
    onPlan: (plan) => send({ type: 'plan', plan: withDisplayPaths(plan) }),
    onCheck: (check) => send({ type: 'check', check }),
    onUnusedAllows: (ids) => send({ type: 'unused-allows', ids: [...ids] }),
    // The writes GitOpsApp.synthesize holds (several apps, or allow ids) are committed once the
    // whole app file has run (below): one refused after another was synthesized leaves every repo as it was.
    holdWrites: s.mode === 'write' ? (commit, abort) => held.push({ commit, abort }) : undefined,
    onAllowNames: (ids, repoDirs) => named.push({ repoDirs, named: ids }),
  };
  const abs = path.resolve(file);
  // The app sees itself as the main script, with its own arguments.
  process.argv = [process.argv[0], abs, ...args];
  try {
    await withSynthSession(session, async () => {
      try {
        // Loaded as the main module, as `node main.js` / `tsx main.ts` would: `require.main === module`
        // holds in the app (the scaffold's and the README's `if (require.main === module) app.synth()`).
        (Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown })._load(abs, null, true);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw e;
        // An ES module app (top-level await, "type": "module"): imported (tsx's ESM hook is loaded
        // too). A real import(), not the require() TypeScript compiles import() to in CommonJS.
        const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
        await importModule(pathToFileURL(abs).href);
      }
    });
  } catch (e) {
    settle(false);
    throw e;
  }
  settle(true);
  await Promise.all(sent);
}

main().then(
  () => {
    // Let the IPC channel flush, then end (an app may leave handles open, like `node app.js` would not).
    if (process.connected) process.disconnect();
  },
  (e) => {
    // An error that is not a synth problem or a bad prop (a TypeError in the app, a bug): its
    // message, and where it was thrown with --verbose.
    if (!isUserError(e) && e instanceof Error && e.stack) {
      process.stderr.write(synthFailureLines(e));
      process.stderr.write(verboseErrors ? `${e.stack}\n` : 'cdk8s-platform: (not a synth problem: an error thrown by the app or the library; run with --verbose for its stack trace)\n');
      process.exit(1);
    }
    reportSynthFailure(e);
  },
);
