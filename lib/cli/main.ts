/**
 * `cdk8s-platform` command line. bin/cdk8s-platform.js calls `main(process.argv)` and exits with the
 * returned code: 0 success, 1 command-specific failure (e.g. validation issues), 2 usage / I/O error.
 *
 * To add a command, create `lib/cli/<name>.ts` exporting a CommandRegistrar (see context.ts and
 * validate.ts) and append it to COMMANDS.
 */
import { Command, CommanderError } from 'commander';
import { CliError, processIO, type CliContext, type CliIO, type CommandRegistrar } from './context';
import { registerSynth } from './synth';
import { registerValidate } from './validate';

export const COMMANDS: CommandRegistrar[] = [registerSynth, registerValidate];

/** Runs the CLI. `argv` is process.argv-shaped: [node, script, ...args]. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const ctx: CliContext = { io, exitCode: 0 };
  const program = new Command('cdk8s-platform')
    .description('cdk8s constructs for GitOps platforms on Azure (Cluster API + CAPZ, ASO, Crossplane, Flux)')
    .option('--verbose', 'print stack traces on errors')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  for (const register of COMMANDS) register(program, ctx);

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
