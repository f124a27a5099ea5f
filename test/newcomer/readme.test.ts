// The README's Quickstart works as written: its main.ts is the scaffold `init` writes and it
// synthesizes; the set-up commands are what CI runs. (The pack test runs the quickstart's shell
// commands against the packed package.)
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ROOT, TSX, workDir } from './helpers';

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The body of a `## <title>` section. */
function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README has no "## ${title}" section`);
  const rest = README.slice(start + title.length + 5);
  const end = rest.search(/\n## /);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The code blocks of a section with the given language. */
function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === lang).map((m) => m[2]);
}

/** Points the package's import specifiers at this checkout's sources. */
function toSources(code: string): string {
  return code
    .replace(/from 'cdk8s-platform'/g, `from ${JSON.stringify(path.join(ROOT, 'lib'))}`)
    .replace(/from 'cdk8s-platform\/(imports\/[^']+)'/g, (_, p: string) => `from ${JSON.stringify(path.join(ROOT, p))}`)
    // Subpaths (`cdk8s-platform/flux`): without this they resolved to this package's build/ (the
    // package's exports), which exists only once the pack test has built it.
    .replace(/from 'cdk8s-platform\/([a-z-]+)'/g, (_, p: string) => `from ${JSON.stringify(path.join(ROOT, 'lib', p))}`);
}

test('the quickstart main.ts is the scaffold of `init`', () => {
  const [code] = blocks(section('Quickstart'), 'ts');
  expect(code).toBe(fs.readFileSync(path.join(ROOT, 'templates', 'app', 'main.ts'), 'utf8'));
});

test('the quickstart main.ts synthesizes the tree the README shows', () => {
  const [code] = blocks(section('Quickstart'), 'ts');
  const work = workDir('readme');
  fs.writeFileSync(path.join(work, 'main.ts'), toSources(code));
  const out = path.join(work, 'dist');
  const r = spawnSync(process.execPath, [TSX, 'main.ts'], { cwd: work, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: out } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const files = (JSON.parse(fs.readFileSync(path.join(out, 'platform', '.cdk8s-platform.json'), 'utf8')) as { files: string[] }).files;
  expect(files).toEqual([
    'apps/configmap-greeting.yaml',
    'apps/kustomization.yaml',
    'apps/namespace-hello.yaml',
    'clusters/mgmt/flux-system/gitrepository-flux-system.yaml',
    'clusters/mgmt/flux-system/kustomization-flux-system.yaml',
    'clusters/mgmt/flux-system/kustomization.yaml',
    'clusters/mgmt/kustomization-apps.yaml',
    'clusters/mgmt/kustomization.yaml',
  ]);
  // Every file the README's tree listing names exists.
  const listing = blocks(section('Quickstart'), '').find((b) => b.startsWith('dist/platform/'))!;
  for (const name of listing.match(/[\w.-]+\.(?:yaml|json)/g)!) {
    if (name === 'kustomization.yaml') continue;
    expect(files.concat('.cdk8s-platform.json').some((f) => f.endsWith(name))).toBe(true);
  }
  const source = parse(fs.readFileSync(path.join(out, 'platform', 'clusters/mgmt/flux-system/gitrepository-flux-system.yaml'), 'utf8'));
  expect(source).toEqual({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'flux-system', namespace: 'flux-system' },
    // What `flux bootstrap` commits: the deploy-key Secret it creates is referenced.
    spec: { interval: '1m', ref: { branch: 'main' }, secretRef: { name: 'flux-system' }, url: 'https://github.com/contoso/platform' },
  });
  fs.rmSync(work, { recursive: true, force: true });
});

test('the quickstart shell commands use the scaffold scripts', () => {
  const [sh] = blocks(section('Quickstart'), 'sh');
  expect(sh).toBe('npx cdk8s-platform init my-platform && cd my-platform && npm install\nnpm run synth && npm test\n');
});

test('CI (.ci/run) runs the two set-up commands as written', () => {
  const [sh] = blocks(section('Set up'), 'sh');
  const commands = sh.split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean);
  expect(commands).toEqual(['npm ci && npx cdk8s synth', 'npm ci && npm test']);
  const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8').split('\n').map((l) => l.trim());
  for (const c of commands) expect(ci).toContain(c);
  // Each in a subshell: under `set -e`, a failing `npm ci` left of `&&` does not stop the script,
  // but the subshell's status does (the tests are never skipped with CI green).
  for (const c of commands) {
    const at = ci.indexOf(c);
    expect([ci[at - 1], ci[at + 1]]).toEqual(['(', ')']);
  }
  expect(ci).toContain('set -euo pipefail');
});
