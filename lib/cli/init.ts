/**
 * `cdk8s-platform init [dir]`: scaffolds a cdk8s app that uses this library: cdk8s.yaml, package.json
 * (depending on cdk8s-platform — this version, or `--package <spec>`, e.g. a packed tarball), main.ts
 * with a small platform (GitOpsApp, Repo, Folders, a Flux GitRepository and Kustomizations), a jest
 * test, tsconfig.json, jest.config.js, .gitignore and README.md. The templates are in templates/app/.
 * Refuses to overwrite existing files unless --force. Exit 0, or 2 on usage / I/O errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { packageRoot } from '../core/validation/registry';
import { CliError, type CliContext, type CliIO } from './context';

export interface InitCommandOptions {
  /** npm dependency spec for cdk8s-platform (`^0.1.0`, `file:/path/cdk8s-platform-0.1.0.tgz`, ...). Default `^<this version>`. */
  readonly package?: string;
  /** package.json name. Default: the directory name. */
  readonly name?: string;
  /** Overwrite existing files. */
  readonly force?: boolean;
}

/** Template files copied as they are (template name → file name in the app). */
const COPIED: ReadonlyArray<[string, string]> = [
  ['cdk8s.yaml', 'cdk8s.yaml'],
  ['main.ts', 'main.ts'],
  ['main.test.ts', 'main.test.ts'],
  ['tsconfig.json', 'tsconfig.json'],
  ['jest.config.js', 'jest.config.js'],
  // npm never packs a file named .gitignore: the template is stored without the dot.
  ['gitignore', '.gitignore'],
  ['README.md', 'README.md'],
];

/** Dependencies of the scaffolded app, versions taken from this package's own package.json. */
const APP_DEPENDENCIES = ['cdk8s', 'constructs', 'tsx'];
const APP_DEV_DEPENDENCIES = ['typescript', 'jest', '@sucrase/jest-plugin', 'sucrase', '@types/jest', '@types/node', 'yaml'];

export function registerInit(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description('scaffold a cdk8s app with a small platform, a test and CI-ready scripts')
    .argument('[dir]', 'directory to create the app in', '.')
    .option('--package <spec>', 'npm spec for the cdk8s-platform dependency: a version, or a packed tarball / directory path (default: ^<this version>)')
    .option('--name <name>', 'package name (default: the directory name)')
    .option('--force', 'overwrite existing files')
    .action((dir: string, opts: InitCommandOptions) => {
      ctx.exitCode = runInit(dir, opts, ctx.io);
    });
}

/** The dependency spec written into package.json. Paths are made absolute `file:` specs. */
export function packageSpec(spec: string | undefined, version: string, cwd: string): string {
  if (spec === undefined) return `^${version}`;
  if (spec.startsWith('file:')) return `file:${path.resolve(cwd, spec.slice('file:'.length))}`;
  if (/^[./~]/.test(spec) || spec.endsWith('.tgz')) {
    const p = path.resolve(cwd, spec);
    if (!fs.existsSync(p)) throw new CliError(`--package: ${spec} does not exist`);
    return `file:${p}`;
  }
  return spec;
}

/** The command itself, without commander. */
export function runInit(dir: string, opts: InitCommandOptions, io: CliIO): number {
  const root = packageRoot(__dirname);
  const own = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const templates = path.join(root, 'templates', 'app');
  if (!fs.existsSync(templates)) throw new CliError(`templates missing at ${templates}; reinstall cdk8s-platform`);

  const target = path.resolve(io.cwd, dir);
  const name = opts.name ?? (path.basename(target).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'platform');
  if (!/^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(name)) {
    throw new CliError(`"${name}" is not a valid npm package name (pass --name)`);
  }
  const versions = { ...own.devDependencies, ...own.dependencies };
  const pick = (names: string[]) => Object.fromEntries(names.map((n) => [n, versions[n]]).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    scripts: {
      synth: 'cdk8s-platform synth',
      check: 'cdk8s-platform synth --check',
      graph: 'cdk8s-platform graph',
      validate: 'cdk8s-platform validate dist',
      test: 'tsc -p tsconfig.json && jest',
    },
    dependencies: { [own.name]: packageSpec(opts.package, own.version, io.cwd), ...pick(APP_DEPENDENCIES) },
    devDependencies: pick(APP_DEV_DEPENDENCIES),
  };

  const files = new Map<string, string>();
  for (const [from, to] of COPIED) files.set(to, fs.readFileSync(path.join(templates, from), 'utf8').replace(/\{\{name\}\}/g, name));
  files.set('package.json', `${JSON.stringify(pkg, null, 2)}\n`);

  const existing = [...files.keys()].filter((f) => fs.existsSync(path.join(target, f))).sort();
  if (existing.length > 0 && !opts.force) {
    throw new CliError(`${target} already has ${existing.join(', ')} (pass --force to overwrite)`);
  }
  fs.mkdirSync(target, { recursive: true });
  for (const [f, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) fs.writeFileSync(path.join(target, f), content);

  const rel = path.relative(io.cwd, target) || '.';
  io.stdout(
    `init: created ${[...files.keys()].sort().join(', ')} in ${rel}\n` +
      'next:\n' +
      (rel === '.' ? '' : `  cd ${rel}\n`) +
      '  npm install\n' +
      '  npm run synth     # writes dist/platform/\n' +
      '  npm test\n',
  );
  return 0;
}
