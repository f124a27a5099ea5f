/**
 * `cdk8s-platform` command line. bin/cdk8s-platform.js calls `main(process.argv)` and exits with the
 * returned code: 0 success, 1 command-specific failure (e.g. validation issues, stale output), 2 usage
 * / I/O error. Errors print one line per problem, `cdk8s-platform: <message>`, each problem once,
 * without a stack trace unless --verbose (see {@link formatError}). Every command's --help ends with
 * examples ({@link EXAMPLES}).
 *
 * To add a command, create `lib/cli/<name>.ts` exporting a CommandRegistrar (see context.ts and
 * validate.ts) and append it to COMMANDS.
 */
import { Command, CommanderError } from 'commander';
import { displayConstructPaths } from '../core/errors';
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

/**
 * Examples shown at the end of each command's --help (`<command line>` → what it does), in the
 * style of `seal`'s own (lib/cli/seal.ts), which keeps its examples in its file.
 */
export const EXAMPLES: Record<string, ReadonlyArray<readonly [string, string]>> = {
  init: [
    ['cdk8s-platform init platform-app', 'create a new app in ./platform-app (then: cd platform-app && npm install && npm run synth)'],
    ['cdk8s-platform init . --name @contoso/platform', 'create the app in the current (empty) directory'],
    ['cdk8s-platform init app --package ../cdk8s-platform-0.1.0.tgz', 'use a packed tarball (the path is written relative to the new app)'],
  ],
  synth: [
    ['cdk8s-platform synth', 'run the app of ./cdk8s.yaml and write its repos to the cdk8s.yaml output (else dist/)'],
    ['cdk8s-platform synth --out ../gitops', 'write into an existing GitOps checkout; files the app does not own are left alone'],
    ['cdk8s-platform synth --check', 'in CI: exit 1 listing the files that differ from what the app produces'],
    ['cdk8s-platform synth --allow-destroy platform:mgmt:FlexibleServer/data/orders', 'allow deleting one protected object'],
  ],
  validate: [
    ['cdk8s-platform validate dist', 'validate every YAML file under dist/ (schemas, CEL rules, references, apply order)'],
    ['cdk8s-platform validate manifests/ --crds crds/', 'also use the CRDs in crds/'],
    ['cdk8s-platform validate dist --preinstalled flux --preinstalled capi-cluster-topology', 'the clusters already run Flux and Cluster API (ClusterTopology on)'],
  ],
  plan: [
    ['cdk8s-platform plan', 'what a synth would create, change, delete and rename, compared with git HEAD'],
    ['cdk8s-platform plan --ref origin/main', 'compare with the files committed on origin/main'],
    ['cdk8s-platform plan --json > plan.json', 'the plan as JSON'],
  ],
  render: [
    ['cdk8s-platform render dist/platform xr.yaml', 'render the Composition in dist/platform for the composite resource in xr.yaml'],
    ['cdk8s-platform render composition.yaml xr.yaml --xrd xrd.yaml --observed observed.yaml', 'with the XRD and observed resources'],
  ],
  graph: [
    ['cdk8s-platform graph', 'Markdown with one Mermaid diagram per repo of the synthesized tree'],
    ['cdk8s-platform graph dist --format mermaid > platform.mmd', 'bare Mermaid'],
    ['cdk8s-platform graph --full', 'every object, even for a large fleet (default: a summary by environment above 12 clusters)'],
    ['cdk8s-platform graph --write', "keep a Platform section in each repo's README.md up to date"],
  ],
};

/** The text --help prints after a command's options. */
export function examplesHelp(command: string): string {
  const examples = EXAMPLES[command];
  if (!examples || examples.length === 0) return '';
  return `\nExamples:\n${examples.map(([line, what]) => `  # ${what}\n  ${line}\n`).join('\n')}`;
}

/**
 * The lines printed for an error: one `cdk8s-platform: <problem>` line per problem (a multi-line
 * message lists several problems: each line once), construct paths as the user wrote them, and the
 * stack trace only with `verbose`.
 */
export function formatError(e: unknown, verbose: boolean): string {
  const raw = e instanceof Error ? e.message : String(e);
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const line of displayConstructPaths(raw).split('\n')) {
    const text = line.trim().replace(/^cdk8s-platform:\s*/, '').replace(/^Error:\s*/, '');
    if (text === '' || seen.has(text)) continue;
    seen.add(text);
    lines.push(`cdk8s-platform: ${text}\n`);
  }
  if (lines.length === 0) lines.push('cdk8s-platform: unknown error\n');
  if (verbose && e instanceof Error && e.stack) lines.push(`${e.stack}\n`);
  return lines.join('');
}

/**
 * Commander's usage errors as one line: `cdk8s-platform: missing required argument 'paths' (see
 * "cdk8s-platform validate --help")`.
 */
function usageError(command: string): (text: string, write: (text: string) => void) => void {
  return (text, write) => {
    const message = text.replace(/^error: /, '').split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
    write(`cdk8s-platform: ${message} (see "${command} --help")\n`);
  };
}

/** The package version (from package.json), for --version. */
function version(): string {
  try {
    const { packageRoot } = require('../core/validation/registry') as typeof import('../core/validation/registry');
    return (require(require('path').join(packageRoot(__dirname), 'package.json')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Runs the CLI. `argv` is process.argv-shaped: [node, script, ...args]. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const verbose = argv.includes('--verbose');
  const ctx: CliContext = { io, exitCode: 0, verbose };
  const program = new Command('cdk8s-platform')
    .description('cdk8s constructs for GitOps platforms on Azure (Cluster API + CAPZ, ASO, Crossplane, Flux)')
    .version(version(), '--version', 'print the version')
    .option('--verbose', 'print stack traces on errors')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s), outputError: usageError('cdk8s-platform') });
  for (const register of COMMANDS) register(program, ctx);
  // Subcommands throw instead of exiting, like the program; their help ends with examples.
  for (const c of program.commands) {
    c.exitOverride();
    c.showHelpAfterError(false).configureOutput({ writeOut: (t) => io.stdout(t), writeErr: (t) => io.stderr(t), outputError: usageError(`cdk8s-platform ${c.name()}`) });
    const examples = examplesHelp(c.name());
    if (examples) c.addHelpText('after', examples);
  }
  program.addHelpText('after', `\nRun "cdk8s-platform <command> --help" for a command's options and examples.\n`);

  try {
    await program.parseAsync(argv, { from: 'node' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help / version output ends with exitCode 0; every other commander error is a usage error.
      return e.exitCode === 0 ? 0 : 2;
    }
    io.stderr(formatError(e, verbose));
    return e instanceof CliError ? e.exitCode : 2;
  }
  return ctx.exitCode;
}
