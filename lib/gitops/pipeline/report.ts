/**
 * How a failed synth reads in a terminal: each problem once, as `cdk8s-platform: <problem>`, and no
 * stack frames. Used by `GitOpsApp.synth()` (when its SynthError is not caught, e.g. under
 * `npx cdk8s synth`) and by the CLI's app runner.
 */
import { displayConstructPaths, duplicateIdMessage, PropError } from '../../core/errors';
import { SynthError } from './types';

/** Whether `e` is a SynthError of any copy of the library. */
export function isSynthError(e: unknown): e is SynthError {
  return e instanceof SynthError || (e instanceof Error && e.name === 'SynthError' && Array.isArray((e as Partial<SynthError>).problems));
}

/** The lines a failed synth prints to stderr: one per problem (a problem may span lines), or the error's message. */
export function synthFailureLines(e: unknown): string {
  // Construct paths are shown with folders as the user wrote them (`clusters/mgmt`, not `clusters--mgmt`).
  if (isSynthError(e)) return e.problems.map((p) => `cdk8s-platform: ${displayConstructPaths(p)}\n`).join('');
  const message = e instanceof Error ? e.message : String(e);
  return `cdk8s-platform: ${duplicateIdMessage(message) ?? displayConstructPaths(message)}\n`;
}

/**
 * Whether `e` is an error in the user's app the library reports itself: a synth problem, a bad
 * prop, or two constructs with one id in a scope (constructs' own error, see `duplicateIdMessage`).
 */
export function isUserError(e: unknown): boolean {
  return isSynthError(e) || e instanceof PropError || (e instanceof Error && (e.name === 'PropError' || duplicateIdMessage(e.message) !== undefined));
}

/** Writes {@link synthFailureLines} to stderr and exits with status 1. */
export function reportSynthFailure(e: unknown): never {
  process.stderr.write(synthFailureLines(e));
  process.exit(1);
}

const HOOKED = Symbol.for('cdk8s-platform.synthFailureHook');

/**
 * Makes an uncaught SynthError or PropError (a bad prop, thrown while the app builds its
 * constructs) end the process the way {@link reportSynthFailure} does, instead of Node's stack
 * trace. Installed once per process by the `GitOpsApp` constructor; other uncaught errors are left
 * to the process' other handlers, or printed with their stack (exit 1).
 */
export function exitCleanlyOnUncaughtSynthError(): void {
  const g = globalThis as { [HOOKED]?: boolean };
  if (g[HOOKED]) return;
  g[HOOKED] = true;
  const listener = (e: unknown) => {
    if (isUserError(e)) reportSynthFailure(e);
    // Another handler (a test runner, the app's own) deals with other errors.
    if (process.listeners('uncaughtException').some((l) => l !== listener)) return;
    process.stderr.write(`${e instanceof Error && e.stack ? e.stack : String(e)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', listener);
}
