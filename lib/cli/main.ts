/**
 * `cdk8s-platform` command line. bin/cdk8s-platform.js calls `main(process.argv)` and exits with the
 * returned code: 0 success, 1 command-specific failure (e.g. validation issues, stale output), 2 usage
 * / I/O error. Errors print `cdk8s-platform: <message>` without a stack trace unless --verbose.
 *
 * To add a command, create `lib/cli/<name>.ts` exporting a CommandRegistrar (see context.ts and
 * validate.ts) and append it to COMMANDS.
 */
import { Command, CommanderError } from 'commander';
import { CliError, processIO, type CliContext, type CliIO, type CommandRegistrar } from './context';
import { registerGraph } from './graph';
import { registerInit } from './init';
import { registerPlan } from './plan';
import { registerRender } from './render';
import { registerSeal } from './seal';
import { registerSynth } from './synth';
import { registerValidate } from './validate';

/** Commands, in the order `--help` lists them. */
export const COMMANDS: CommandRegistrar[] = [
  registerInit,
  registerSynth,
  registerValidate,
  registerPlan,
  registerRender,
  registerGraph,
  registerSeal,
];

/** The package version (from package.json), for --version. */
function version(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { packageRoot } = require('../core/validation/registry') as typeof import('../core/validation/registry');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(require('path').join(packageRoot(__dirname), 'package.json')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Runs the CLI. `argv` is process.argv-shaped: [node, script, ...args]. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const ctx: CliContext = { io, exitCode: 0 };
  const program = new Command('cdk8s-platform')
    .description('cdk8s constructs for GitOps platforms on Azure (Cluster API + CAPZ, ASO, Crossplane, Flux)')
    .version(version(), '--version', 'print the version')
    .option('--verbose', 'print stack traces on errors')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  for (const register of COMMANDS) register(program, ctx);
  // Subcommands throw instead of exiting, like the program.
  for (const c of program.commands) c.exitOverride();

  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync(argv, { from: 'node' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help / version output ends with exitCode 0; every other commander error is a usage error.
      return e.exitCode === 0 ? 0 : 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.stderr(`cdk8s-platform: ${msg}\n`);
    if (verbose && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    return e instanceof CliError ? e.exitCode : 2;
  }
  return ctx.exitCode;
}
