/**
 * Shared plumbing for CLI commands. A command lives in its own file (`lib/cli/<name>.ts`) and exports a
 * CommandRegistrar, listed in COMMANDS in main.ts. Actions write through `ctx.io` (never to
 * process.stdout directly, so tests can capture output) and set `ctx.exitCode`; usage and I/O problems
 * are thrown as CliError (exit 2, message without stack trace unless --verbose).
 */
import type { Command } from 'commander';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
  /** Whether stderr is a terminal (progress lines are drawn only then). Default false. */
  readonly stderrIsTTY?: boolean;
}

export interface CliContext {
  readonly io: CliIO;
  /** Exit code main() returns when the action completes without throwing (default 0). */
  exitCode: number;
  /** `--verbose`: stack traces on errors, the app's too (default false). */
  readonly verbose?: boolean;
}

export type CommandRegistrar = (program: Command, ctx: CliContext) => void;

/** A usage or I/O error: printed as `cdk8s-platform: <message>`, exit code 2. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}

/** CliIO on the process streams. */
export function processIO(): CliIO {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    cwd: process.cwd(),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  };
}
