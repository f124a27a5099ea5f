/**
 * The synth session: how a caller (the `cdk8s-platform` CLI, a test, a script) tells the
 * {@link GitOpsApp}s of an app what `app.synth()` should do, without environment variables. The
 * CLI opens a session, loads the app file, and every `app.synth()` the app calls consults it:
 *
 * - `write` (default, also without a session): render, check, guard and write every repo (held
 *   by the session's `holdWrites`, when it has one, once the app file holds several GitOpsApps or
 *   the session has `allowDestroy` ids);
 * - `check`: render and check, write nothing; each repo's files are compared with those in the
 *   session's `checkBase` (`synth --check`), and what differs goes to `onCheck`;
 * - `plan`: render, check and guard, write nothing; the plan goes to `onPlan`.
 *
 * @example
 * const plans: Plan[] = [];
 * withSynthSession({ mode: 'plan', planBase: 'gitops', onPlan: (p) => plans.push(p) }, () => require('./main'));
 */
import type { ProgressListener } from '../../core/progress';
import type { Plan } from '../../safety/plan';
import type { OutputCheck } from './write';

/** What `app.synth()` does in a session. */
export type SynthMode = 'write' | 'check' | 'plan';

/** A synth session (see {@link withSynthSession}). */
export interface SynthSession {
  /**
   * What `app.synth()` does.
   * @default 'write'
   */
  readonly mode?: SynthMode;
  /**
   * `plan`: the directory the repos are compared with (relative repo dirs are read from it).
   * @default - the app's outdir
   */
  readonly planBase?: string;
  /**
   * `plan`: compare with the files committed at this git revision.
   * @default - git HEAD in a git checkout, else the files on disk, else the copy kept by the last synth
   */
  readonly ref?: string;
  /**
   * `plan`, `check`: the output directory the caller gave the app (`CDK8S_OUTDIR`). An app whose
   * outdir differs chose its own (prop `outdir`) and writes there whatever the caller's directory,
   * so it is planned and checked against its outdir, not against `planBase` / `checkBase`.
   * @default - every app is compared with `planBase` / `checkBase`
   */
  readonly appOutdir?: string;
  /**
   * `check`: the directory the repos are compared with (relative repo dirs are read from it).
   * @default - the app's outdir
   */
  readonly checkBase?: string;
  /**
   * `check`: receives what differs for each app synthesized (an app file may hold several GitOpsApps).
   * @default - the result is only returned by `synthesize()`
   */
  readonly onCheck?: (check: OutputCheck) => void;
  /**
   * `write`: receives, for each app synthesized, the session's `allowDestroy` ids that allow
   * nothing in its change, so that the caller warns about those no app used (an app file may hold
   * several GitOpsApps; the CLI does so).
   * @default - each app warns on stderr about the ids it did not use
   */
  readonly onUnusedAllows?: (ids: readonly string[]) => void;
  /**
   * `write`: receives each app's write once it is staged, checked and guarded, instead of it being
   * committed: `commit` puts its repos in place, `abort` drops it; exactly one must be called. The
   * CLI's runner commits the writes of every GitOpsApp of the app file together once the app file
   * has run without error, and drops them all otherwise, so that an app refused after another
   * was synthesized leaves every repo as it was.
   * @default - each app's write is committed as its synth ends
   */
  readonly holdWrites?: (commit: () => void, abort: () => void) => void;
  /**
   * `write` with `allowDestroy` ids: receives, for each app synthesized, what each allow id names
   * in its repos (`GuardResult.named`, scoped ids too) and the app's repo directories (absolute),
   * so that the caller refuses an id naming objects of two apps before committing the held writes.
   * @default - none
   */
  readonly onAllowNames?: (named: Readonly<Record<string, readonly string[]>>, repoDirs: readonly string[]) => void;
  /**
   * Protected objects whose deletion, rename or pruning is allowed in this synth, added to each
   * app's `allowDestroy` prop (`cdk8s-platform synth|plan --allow-destroy`).
   * @default []
   */
  readonly allowDestroy?: readonly string[];
  /**
   * Receives the stage events (collect, render, check, guard, write, plan) of every synth.
   * @default - none
   */
  readonly progress?: ProgressListener;
  /**
   * `plan`: receives the plan of each app synthesized (an app file may hold several GitOpsApps).
   * @default - the plan is only returned by `synthesize()`
   */
  readonly onPlan?: (plan: Plan) => void;
}

// One slot per process (not per copy of this module): the CLI and the app it loads may use two
// copies of the library (e.g. the CLI's and the app's node_modules).
const SLOT = Symbol.for('cdk8s-platform.synthSession');
type Slot = { [SLOT]?: SynthSession };

/** The session `app.synth()` runs in, if any. */
export function currentSynthSession(): SynthSession | undefined {
  return (globalThis as Slot)[SLOT];
}

/**
 * Opens `session` for the app code `fn` runs (e.g. loading the app file), and closes it when `fn`
 * returns or throws (when `fn` returns a promise: when it settles). Sessions do not nest.
 */
export function withSynthSession<T>(session: SynthSession, fn: () => T): T {
  const g = globalThis as Slot;
  if (g[SLOT]) throw new Error('withSynthSession: a synth session is already open');
  g[SLOT] = session;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    delete g[SLOT];
    throw e;
  }
  if (result instanceof Promise) {
    return result.finally(() => {
      delete g[SLOT];
    }) as T;
  }
  delete g[SLOT];
  return result;
}
