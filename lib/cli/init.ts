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

/**
 * Dependencies of the scaffolded app, versions taken from this package's own package.json:
 * cdk8s-platform's peers (cdk8s, constructs and the newest cdk8s-plus line it is declared with), tsx to
 * run main.ts, and as dev dependencies cdk8s-cli (`npm run import` = `cdk8s import`, for CRDs of
 * your own) and the test tools.
 */
const APP_DEPENDENCIES = ['cdk8s', 'constructs', 'tsx'];
const APP_DEV_DEPENDENCIES = ['typescript', 'jest', '@sucrase/jest-plugin', 'sucrase', '@types/jest', '@types/node', 'yaml', 'cdk8s-cli'];

/** The cdk8s-plus package the app gets: the line cdk8s-platform is declared with (a peer dependency). */
function cdk8sPlus(own: { dependencies?: Record<string, string>; peerDependencies?: Record<string, string>; devDependencies?: Record<string, string> }): Record<string, string> {
  const plus = (deps?: Record<string, string>) => Object.keys(deps ?? {}).filter((n) => /^cdk8s-plus-\d+$/.test(n));
  const line = (n: string) => Number(n.slice('cdk8s-plus-'.length));
  const names = plus(own.peerDependencies).length > 0 ? plus(own.peerDependencies) : [...plus(own.dependencies), ...plus(own.devDependencies)];
  const name = names.sort((a, b) => line(a) - line(b)).pop();
  if (!name) return {};
  // The exact version the library is tested with, else the peer range.
  return { [name]: own.devDependencies?.[name] ?? own.dependencies?.[name] ?? own.peerDependencies![name] };
}

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

/**
 * The dependency spec written into package.json. A path (a packed tarball or a directory, given
 * relative to the working directory `cwd`, with or without `file:`) becomes a `file:` spec
 * relative to the new app in `appDir` (`--package ../pkg.tgz` run in `work/` for `work/app` →
 * `file:../../pkg.tgz`), so the app can move along with the package; an absolute path stays absolute.
 */
export function packageSpec(spec: string | undefined, version: string, cwd: string, appDir: string = cwd): string {
  if (spec === undefined) return `^${version}`;
  const isFile = spec.startsWith('file:');
  if (isFile || /^[./~]/.test(spec) || spec.endsWith('.tgz')) {
    const given = isFile ? spec.slice('file:'.length) : spec;
    const p = path.resolve(cwd, given);
    if (!isFile && !fs.existsSync(p)) throw new CliError(`--package: ${spec} does not exist`);
    if (path.isAbsolute(given)) return `file:${p}`;
    const rel = path.relative(path.resolve(cwd, appDir), p).split(path.sep).join('/');
    return `file:${rel.startsWith('.') ? rel : `./${rel}`}`;
  }
  return spec;
}

function sorted(deps: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(deps).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The command itself, without commander. */
export function runInit(dir: string, opts: InitCommandOptions, io: CliIO): number {
  const root = packageRoot(__dirname);
  const own = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
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
      import: 'cdk8s import',
    },
    dependencies: sorted({ [own.name]: packageSpec(opts.package, own.version, io.cwd, target), ...pick(APP_DEPENDENCIES), ...cdk8sPlus(own) }),
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
