/**
 * The child process the CLI runs an app in: `node [node flags] --import tsx app-runner <session
 * JSON> <app file> [app args...]`. Opens the synth session the CLI asked for (mode, plan base, ref,
 * check base, allow-destroy ids: see `withSynthSession`), loads the app file (TypeScript through
 * tsx), and sends the session's plans, checks and stage events to the CLI over the IPC channel. A failing synth
 * prints each problem once (`cdk8s-platform: <problem>`) and exits 1, without a stack.
 */
import Module from 'module';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { StageEvent } from '../core/progress';
import { reportSynthFailure } from '../gitops/pipeline/report';
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
}

/** A message from the runner to the CLI. */
export type RunnerMessage =
  | { readonly type: 'plan'; readonly plan: Plan }
  | { readonly type: 'check'; readonly check: OutputCheck }
  | { readonly type: 'unused-allows'; readonly ids: readonly string[] }
  | { readonly type: 'progress'; readonly event: StageEvent };

async function main(): Promise<void> {
  const [json, file, ...args] = process.argv.slice(2);
  const s = JSON.parse(json) as RunnerSession;
  const sent: Array<Promise<void>> = [];
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
  };
  const abs = path.resolve(file);
  // The app sees itself as the main script, with its own arguments.
  process.argv = [process.argv[0], abs, ...args];
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
  await Promise.all(sent);
}

main().then(
  () => {
    // Let the IPC channel flush, then end (an app may leave handles open, like `node app.js` would not).
    if (process.connected) process.disconnect();
  },
  (e) => reportSynthFailure(e),
);
