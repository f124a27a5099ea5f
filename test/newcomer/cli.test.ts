// The CLI's surface: every command has --help, errors are one line without a stack trace unless
// --verbose, `init` usage errors.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { packageSpec } from '../../lib/cli/init';
import { ROOT, TSX, cli, workDir } from './helpers';

test('--help lists the commands, and each command has its own --help', () => {
  const top = cli(['--help'], ROOT);
  expect(top.status).toBe(0);
  expect(top.stdout).toContain('Run "cdk8s-platform <command> --help" for a command\'s options and examples.');
  for (const c of ['init', 'synth', 'validate', 'plan', 'render', 'graph', 'seal']) {
    expect(top.stdout).toMatch(new RegExp(`\\n  ${c} `));
    const r = cli([c, '--help'], ROOT);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Usage: cdk8s-platform ${c} `);
    // Every command ends its help with examples of itself.
    expect(r.stdout).toMatch(new RegExp(`\\nExamples:\\n  # [^\\n]+\\n[\\s\\S]*\\n  [^\\n#]*cdk8s-platform ${c}\\b`));
    expect(r.stdout.match(/\nExamples:\n/g)).toHaveLength(1);
  }
  const version = cli(['--version'], ROOT);
  expect(version.stdout).toBe(`${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}\n`);
});

test('errors are one line; --verbose adds the stack trace', () => {
  const work = workDir('cli-errors');
  const r = cli(['graph', 'missing', '--format', 'svg'], work);
  expect(r.status).toBe(2);
  expect(r.stderr).toBe('cdk8s-platform: --format: "svg" is not one of md, mermaid\n');
  const v = cli(['graph', 'missing', '--format', 'svg', '--verbose'], work);
  expect(v.stderr).toMatch(/^cdk8s-platform: --format: "svg" is not one of md, mermaid\nCliError: --format[^\n]*\n\s+at /);
  const unknown = cli(['nope'], work);
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toBe('cdk8s-platform: unknown command \'nope\' (see "cdk8s-platform --help")\n');
  // Usage errors are one line too, pointing at the command's help (not the whole help).
  const missing = cli(['validate'], work);
  expect(missing.status).toBe(2);
  expect(missing.stderr).toBe('cdk8s-platform: missing required argument \'paths\' (see "cdk8s-platform validate --help")\n');
  expect(cli(['graph', '--bogus'], work).stderr).toBe('cdk8s-platform: unknown option \'--bogus\' (see "cdk8s-platform graph --help")\n');
  fs.rmSync(work, { recursive: true, force: true });
});

/** A fresh work directory holding `app.ts` of `lines` (importing the library from the project). */
function appDir(prefix: string, lines: string[]): string {
  const work = workDir(prefix);
  fs.writeFileSync(path.join(work, 'app.ts'), [...lines, ''].join('\n'));
  return work;
}

/** The app command of {@link appDir}'s app, for --app. */
const APP = `${process.execPath} ${TSX} app.ts`;

test('an error in the app that is not a synth problem: its message and a hint; --verbose adds where it was thrown', () => {
  const work = appDir('cli-app-error', [
    "import { GitOpsApp } from '../../lib';",
    'const app = new GitOpsApp();',
    'const settings: { region?: { name: string } } = {};',
    'console.log(settings.region!.name);',
    'app.synth();',
  ]);
  const message = "cdk8s-platform: Cannot read properties of undefined (reading 'name')\n";
  const r = cli(['synth', '--app', APP, '--out', 'out'], work);
  expect(r.status).toBe(1);
  expect(r.stderr).toBe(
    message +
      'cdk8s-platform: (not a synth problem: an error thrown by the app or the library; run with --verbose for its stack trace)\n' +
      `cdk8s-platform: synth failed ("${APP}" exited with 1); ${path.join(work, 'out')} is unchanged\n`,
  );
  for (const args of [['--verbose', 'synth'], ['plan', '--verbose']]) {
    const v = cli([...args, '--app', APP, '--out', 'out'], work);
    expect(v.stderr.startsWith(`${message}TypeError: Cannot read properties of undefined (reading 'name')\n    at `)).toBe(true);
    expect(v.stderr).toContain(`${path.join(work, 'app.ts')}:4:`);
  }
  fs.rmSync(work, { recursive: true, force: true });
});

test('two constructs with one id in a folder: one line naming the folder as written, no stack hint', () => {
  const work = appDir('cli-duplicate-id', [
    "import { ApiObject } from 'cdk8s';",
    "import { GitOpsApp, Repo } from '../../lib';",
    'const app = new GitOpsApp();',
    "const folder = new Repo(app, 'platform').folder('clusters/mgmt');",
    "new ApiObject(folder, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });",
    "new ApiObject(folder, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });",
    'app.synth();',
  ]);
  const line = 'cdk8s-platform: platform/clusters/mgmt: already holds a construct with id "cm"; give each construct in one scope its own id\n';
  const r = cli(['synth', '--app', APP, '--out', 'out'], work);
  expect(r.status).toBe(1);
  expect(r.stderr).toBe(`${line}cdk8s-platform: synth failed ("${APP}" exited with 1); ${path.join(work, 'out')} is unchanged\n`);
  // Run directly (npx tsx app.ts), the same line.
  const direct = spawnSync(process.execPath, [TSX, 'app.ts'], { cwd: work, encoding: 'utf8' });
  expect([direct.status, direct.stderr]).toEqual([1, line]);
  fs.rmSync(work, { recursive: true, force: true });
});

test('init: package spec, names and usage errors', () => {
  const work = workDir('cli-init');
  expect(packageSpec(undefined, '1.2.3', work)).toBe('^1.2.3');
  expect(packageSpec('2.0.0', '1.2.3', work)).toBe('2.0.0');
  expect(packageSpec('file:pkg.tgz', '1.2.3', work)).toBe('file:./pkg.tgz');
  // A relative path is written relative to the new app; an absolute one stays absolute.
  fs.writeFileSync(path.join(work, 'pkg.tgz'), '');
  expect(packageSpec('./pkg.tgz', '1.2.3', work, path.join(work, 'apps', 'app'))).toBe('file:../../pkg.tgz');
  expect(packageSpec('file:pkg.tgz', '1.2.3', work, 'app')).toBe('file:../pkg.tgz');
  expect(packageSpec(path.join(work, 'pkg.tgz'), '1.2.3', work, 'app')).toBe(`file:${path.join(work, 'pkg.tgz')}`);
  expect(() => packageSpec('./missing.tgz', '1.2.3', work)).toThrow('--package: ./missing.tgz does not exist');

  const bad = cli(['init', 'app', '--name', 'Bad Name'], work);
  expect(bad.status).toBe(2);
  expect(bad.stderr).toBe('cdk8s-platform: "Bad Name" is not a valid npm package name (pass --name)\n');
  expect(fs.existsSync(path.join(work, 'app'))).toBe(false);
  // A directory name is made into a package name.
  expect(cli(['init', 'My Platform!'], work).status).toBe(0);
  expect(JSON.parse(fs.readFileSync(path.join(work, 'My Platform!', 'package.json'), 'utf8')).name).toBe('my-platform-');

  const r = cli(['init', 'app', '--name', '@contoso/platform', '--package', '0.9.0'], work);
  expect(r.status).toBe(0);
  const pkg = JSON.parse(fs.readFileSync(path.join(work, 'app', 'package.json'), 'utf8'));
  expect(pkg.name).toBe('@contoso/platform');
  expect(pkg.dependencies['cdk8s-platform']).toBe('0.9.0');
  // The cdk8s-plus peer, and cdk8s-cli for `npm run import` (cdk8s import).
  const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const plus = Object.keys(pkg.dependencies).filter((d) => d.startsWith('cdk8s-plus-'));
  expect(plus).toHaveLength(1);
  expect(own.peerDependencies?.[plus[0]] ?? own.dependencies?.[plus[0]]).toBeDefined();
  expect(pkg.devDependencies['cdk8s-cli']).toBe(own.devDependencies['cdk8s-cli']);
  expect(pkg.scripts.import).toBe('cdk8s import');
  const rel = cli(['init', 'rel-app', '--package', './pkg.tgz'], work);
  expect(rel.status).toBe(0);
  expect(JSON.parse(fs.readFileSync(path.join(work, 'rel-app', 'package.json'), 'utf8')).dependencies['cdk8s-platform']).toBe('file:../pkg.tgz');
  expect(fs.readFileSync(path.join(work, 'app', '.gitignore'), 'utf8')).toBe('node_modules/\n*.log\n.cdk8s-platform-state/\n');
  expect(fs.readFileSync(path.join(work, 'app', 'README.md'), 'utf8').split('\n')[0]).toBe('# @contoso/platform');
  fs.writeFileSync(path.join(work, 'app', 'main.ts'), '// mine\n');
  expect(cli(['init', 'app', '--force'], work).status).toBe(0);
  expect(fs.readFileSync(path.join(work, 'app', 'main.ts'), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'templates', 'app', 'main.ts'), 'utf8'));
  fs.rmSync(work, { recursive: true, force: true });
});
