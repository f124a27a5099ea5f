/**
 * `cdk8s-platform synth [--out <dir>] [--app <command>]`: runs the cdk8s app (by default the `app`
 * of ./cdk8s.yaml) with CDK8S_OUTDIR set to `--out`. Unlike `cdk8s synth`, it never empties the
 * output directory first: the app's GitOpsApp writes each repo atomically and only touches the files
 * it owns, so `--out` can be an existing GitOps checkout. Exit 0 on success, 1 when the app fails
 * (its output, e.g. every validation problem, is passed through), 2 on usage errors.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { CliError, type CliContext, type CliIO } from './context';

export interface SynthCommandOptions {
  /** Output directory (relative to the working directory). Default: cdk8s.yaml `output`, else `dist`. */
  readonly out?: string;
  /** Command that runs the app. Default: cdk8s.yaml `app`. */
  readonly app?: string;
}

export function registerSynth(program: Command, ctx: CliContext): void {
  program
    .command('synth')
    .description('synthesize the app into --out without deleting files it does not own (unlike `cdk8s synth`)')
    .option('--out <dir>', 'output directory, e.g. an existing GitOps checkout (default: cdk8s.yaml output, else dist)')
    .option('--app <command>', 'command that runs the app (default: cdk8s.yaml app)')
    .action((opts: SynthCommandOptions) => {
      ctx.exitCode = runSynth(opts, ctx.io);
    });
}

/** Reads ./cdk8s.yaml, if there is one. */
function readConfig(cwd: string): { app?: string; output?: string } {
  const file = path.join(cwd, 'cdk8s.yaml');
  if (!fs.existsSync(file)) return {};
  const config = parse(fs.readFileSync(file, 'utf8')) as { app?: unknown; output?: unknown } | null;
  return {
    app: typeof config?.app === 'string' ? config.app : undefined,
    output: typeof config?.output === 'string' ? config.output : undefined,
  };
}

/** The command itself, without commander. */
export function runSynth(opts: SynthCommandOptions, io: CliIO): number {
  const config = readConfig(io.cwd);
  const app = opts.app ?? config.app;
  if (!app) throw new CliError('no app to run: pass --app "<command>" or run in a directory with a cdk8s.yaml that sets "app"');
  const out = path.resolve(io.cwd, opts.out ?? config.output ?? 'dist');
  const result = spawnSync(app, {
    cwd: io.cwd,
    shell: true,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_OUTDIR: out, CDK8S_CHECK_UPGRADE: 'false' },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.stdout) io.stdout(result.stdout);
  if (result.stderr) io.stderr(result.stderr);
  if (result.error) throw new CliError(`could not run "${app}": ${result.error.message}`);
  if (result.status !== 0) {
    io.stderr(`cdk8s-platform: synth failed ("${app}" exited with ${result.status ?? result.signal}); ${out} is unchanged\n`);
    return 1;
  }
  io.stdout(`synth: wrote ${out}\n`);
  return 0;
}
