// The published package: `npm pack` (which builds: tsc -p tsconfig.build.json into build/) holds
// compiled JS + .d.ts, the generated L1 modules and the schemas, no tests or examples; a fresh cdk8s
// app that installs the tarball synthesizes the README quickstart with `cdk8s synth`; the packed
// CLI (compiled, no tsx) scaffolds an app with `init` that installs, synthesizes, tests and checks.
// npm installs from its cache (--prefer-offline: `npm ci` of this project put every package there).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ROOT, workDir } from './helpers';

/** The environment of child processes: without npm's own variables (set when jest runs under `npm test`). */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'CDK8S_OUTDIR' && k !== 'INIT_CWD') e[k] = v;
  return { ...e, CDK8S_CHECK_UPGRADE: 'false', ...extra };
}

function run(cmd: string, args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: env(extra), maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

function ok(r: ReturnType<typeof run>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

let work: string;
let tarball: string;
let packed: string[];

beforeAll(() => {
  work = workDir('pack');
  const out = ok(run('npm', ['pack', '--pack-destination', work, '--json', '--loglevel=error'], ROOT), 'npm pack');
  const info = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = path.join(work, info[0].filename);
  packed = info[0].files.map((f) => f.path).sort();
}, 240_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball holds compiled JS, declarations, L1 modules, schemas and templates; no sources, tests or examples', () => {
  expect(packed).toEqual(expect.arrayContaining([
    'package.json', 'README.md', 'CHANGELOG.md', 'bin/cdk8s-platform.js',
    'build/lib/index.js', 'build/lib/index.d.ts', 'build/lib/cli/main.js',
    'build/imports/flux/source.toolkit.fluxcd.io.js', 'build/imports/flux/source.toolkit.fluxcd.io.d.ts',
    'imports/schemas/index.json', 'templates/app/main.ts', 'templates/app/gitignore',
  ]));
  expect(packed.filter((f) => /^(test|examples|bench|scripts|docs|lib|dist|\.tmp)\//.test(f) || f.startsWith('imports/') && !f.startsWith('imports/schemas/'))).toEqual([]);
  expect(packed.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('templates/'))).toEqual([]);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(pkg.exports['.']).toEqual({ types: './build/lib/index.d.ts', default: './build/lib/index.js' });
  expect(packed).toContain(pkg.main);
  expect(packed).toContain(pkg.types);
});

test('a fresh cdk8s app installs the tarball and synthesizes the README quickstart with cdk8s synth', () => {
  const app = path.join(work, 'fresh-app');
  fs.mkdirSync(app);
  const deps = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).dependencies;
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({
    name: 'fresh-app', version: '0.0.0', private: true,
    dependencies: { 'cdk8s-platform': `file:${tarball}`, cdk8s: deps.cdk8s, constructs: deps.constructs },
  }, null, 2));
  fs.writeFileSync(path.join(app, 'cdk8s.yaml'), 'language: typescript\napp: npx tsx main.ts\n');
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const quickstart = readme.slice(readme.indexOf('\n## Quickstart\n'));
  const code = /^```ts\n([\s\S]*?)^```$/m.exec(quickstart)![1];
  fs.writeFileSync(path.join(app, 'main.ts'), code);
  ok(run('npm', NPM_INSTALL, app), 'npm install');
  // Compiled code only: no TypeScript sources of the library in the installed package.
  expect(fs.existsSync(path.join(app, 'node_modules', 'cdk8s-platform', 'lib'))).toBe(false);

  ok(run(process.execPath, [path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth'], app), 'cdk8s synth');
  const ks = parse(fs.readFileSync(path.join(app, 'dist', 'platform', 'clusters', 'mgmt', 'kustomization-apps.yaml'), 'utf8'));
  expect(ks.spec).toEqual({
    dependsOn: [{ name: 'flux-system' }], interval: '10m', path: './apps', prune: true,
    sourceRef: { kind: 'GitRepository', name: 'flux-system' },
  });

  // The schemas are found from the compiled layout: validation rejects an interval Flux would reject
  // (forced in with an escape-hatch JSON patch, past the construct's own checks).
  const badCode = code
    .replace("import { ApiObject } from 'cdk8s';", "import { ApiObject, JsonPatch } from 'cdk8s';")
    .replace('  return app;\n}', "  flux.source.apiObject.addJsonPatch(JsonPatch.replace('/spec/interval', '1 minute'));\n  return app;\n}");
  expect(badCode).toContain('1 minute');
  fs.writeFileSync(path.join(app, 'bad.ts'), badCode);
  const bad = run('npx', ['tsx', 'bad.ts'], app, { CDK8S_OUTDIR: path.join(app, 'bad-out') });
  expect(bad.status).not.toBe(0);
  expect(bad.stderr).toContain('GitRepository/flux-system/flux-system: spec.interval: does not match pattern "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"');

  // Family sub-paths (`import { Kustomization } from 'cdk8s-platform/flux'`) resolve to compiled code.
  const index = fs.readFileSync(path.join(ROOT, 'lib', 'index.ts'), 'utf8');
  for (const [, family] of index.matchAll(/^export \* as (\w+) from '\.\/\1';$/gm)) {
    const r = run(process.execPath, ['-e', `const m = require('cdk8s-platform/${family}'); const i = require('cdk8s-platform')['${family}']; process.stdout.write(String(Object.keys(m).length > 0 && (i === undefined || Object.keys(i).length === Object.keys(m).length)))`], app);
    expect([family, r.stdout, r.stderr]).toEqual([family, 'true', '']);
  }

  // The packed CLI runs compiled JS (the installed package has no lib/*.ts for tsx to run).
  const validate = run(path.join(app, 'node_modules', '.bin', 'cdk8s-platform'), ['validate', 'dist'], app);
  expect(validate.stdout).toBe('validate: 5 documents in 5 files: no issues (validated by CRD schema: 3, by core schema: 2, by registered schema: 0; not validated: 0)\n');
  expect(validate.status).toBe(0);
});

test('init from the packed CLI scaffolds an app that installs, synthesizes, tests, checks and graphs', () => {
  const cliBin = path.join(work, 'fresh-app', 'node_modules', '.bin', 'cdk8s-platform');
  expect(fs.existsSync(cliBin)).toBe(true); // installed by the previous test
  const init = run(cliBin, ['init', 'my-platform', '--package', tarball], work);
  expect(init.stderr).toBe('');
  expect(init.stdout).toBe(
    'init: created .gitignore, README.md, cdk8s.yaml, jest.config.js, main.test.ts, main.ts, package.json, tsconfig.json in my-platform\n' +
      'next:\n  cd my-platform\n  npm install\n  npm run synth     # writes dist/platform/\n  npm test\n',
  );
  const app = path.join(work, 'my-platform');
  const pkg = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8'));
  expect(pkg.dependencies['cdk8s-platform']).toBe(`file:${tarball}`);
  // The README quickstart's commands, after init.
  ok(run('npm', NPM_INSTALL, app), 'npm install');
  ok(run('npm', ['run', 'synth', '--silent'], app), 'npm run synth');
  expect(fs.readFileSync(path.join(app, 'dist', 'platform', 'apps', 'configmap-greeting.yaml'), 'utf8')).toBe(
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\n  namespace: hello\ndata:\n  message: hello\n',
  );
  const test = run('npm', ['test', '--silent'], app);
  expect(`${test.stdout}${test.stderr}`).toContain('Tests:       1 passed, 1 total');
  expect(test.status).toBe(0);
  const check = run('npm', ['run', 'check', '--silent'], app);
  expect(check.stdout).toMatch(/^synth --check: dist is up to date: [0-9]+ files, [0-9]+ objects in 1 repo \([0-9.]+s\)\n$/);
  const graph = run('npm', ['run', 'graph', '--silent'], app);
  expect(graph.stdout).toContain('  n3 -.->|dependsOn| n4\n');

  // init refuses to overwrite.
  const again = run(cliBin, ['init', 'my-platform'], work);
  expect(again.status).toBe(2);
  expect(again.stderr).toBe(`cdk8s-platform: ${app} already has .gitignore, README.md, cdk8s.yaml, jest.config.js, main.test.ts, main.ts, package.json, tsconfig.json (pass --force to overwrite)\n`);
});
