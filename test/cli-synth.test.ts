// `cdk8s-platform synth --out <dir>`: runs the app into an existing tree without deleting what it
// does not own, and leaves the tree unchanged when the app fails.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { runPlan } from '../lib/cli/plan';
import { runSynthStreaming } from '../lib/cli/synth';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'cdk8s-platform.js');

function writeApp(dir: string, body: string): string {
  const file = path.join(dir, 'app.ts');
  fs.writeFileSync(
    file,
    `import { ApiObject } from 'cdk8s';\nimport { GitOpsApp, Repo } from ${JSON.stringify(path.join(ROOT, 'lib'))};\n` +
      `const app = new GitOpsApp();\nconst apps = new Repo(app, 'platform').folder('apps');\n${body}\napp.synth();\n`,
  );
  return `node ${JSON.stringify(require.resolve('tsx/cli', { paths: [ROOT] }))} ${JSON.stringify(file)}`;
}

function run(args: string[], cwd: string) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
}

test('synth --out writes into an existing checkout, keeps foreign files, and is all-or-nothing', () => {
  // Inside the project (git-ignored .tmp/) so that the app resolves cdk8s from node_modules.
  fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  const work = fs.mkdtempSync(path.join(ROOT, '.tmp', 'cli-synth-'));
  const out = path.join(work, 'checkout');
  fs.mkdirSync(path.join(out, 'platform'), { recursive: true });
  fs.writeFileSync(path.join(out, 'platform', 'README.md'), '# hand-written\n');

  const good = writeApp(work, `new ApiObject(apps, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });`);
  const ok = run(['synth', '--out', out, '--app', good], work);
  expect(ok.stderr).toBe('');
  expect(ok.status).toBe(0);
  expect(fs.readFileSync(path.join(out, 'platform', 'apps', 'configmap-settings.yaml'), 'utf8')).toBe(
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n',
  );
  expect(fs.readFileSync(path.join(out, 'platform', 'README.md'), 'utf8')).toBe('# hand-written\n');

  const bad = writeApp(
    work,
    `new ApiObject(apps, 'ks', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'x', namespace: 'flux-system' }, spec: { intervall: '5m' } });`,
  );
  const failed = run(['synth', '--out', out, '--app', bad], work);
  expect(failed.status).toBe(1);
  expect(failed.stderr).toContain('platform/apps/ks: Kustomization/flux-system/x: spec.intervall: unknown field "intervall"');
  expect(failed.stderr).toContain(`cdk8s-platform: synth failed`);
  // Each problem exactly once, as one `cdk8s-platform: <problem>` line, and no stack frames.
  const problem = 'cdk8s-platform: platform/apps/ks: Kustomization/flux-system/x: spec.intervall: unknown field "intervall"\n';
  expect(failed.stderr.split(problem)).toHaveLength(2);
  expect(failed.stderr).not.toMatch(/\n\s+at /);
  expect(failed.stderr.trimEnd().split('\n').every((l) => l.startsWith('cdk8s-platform: '))).toBe(true);
  // The app run directly (as `npx cdk8s synth` does): the same lines, exit 1, no stack.
  const direct = spawnSync(process.execPath, [require.resolve('tsx/cli', { paths: [ROOT] }), path.join(work, 'app.ts')], { cwd: work, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: out } });
  expect(direct.status).toBe(1);
  expect(direct.stderr.split(problem)).toHaveLength(2);
  expect(direct.stderr).not.toMatch(/\n\s+at /);
  expect(fs.existsSync(path.join(out, 'platform', 'apps', 'configmap-settings.yaml'))).toBe(true);
  expect(fs.existsSync(path.join(out, 'platform', 'apps', 'kustomization-x.yaml'))).toBe(false);
  fs.rmSync(work, { recursive: true, force: true });
});

test('plan and synth send the stage events of the app to the CLI', async () => {
  fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  const work = fs.mkdtempSync(path.join(ROOT, '.tmp', 'cli-stages-'));
  const out = path.join(work, 'checkout');
  const good = writeApp(work, `new ApiObject(apps, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });`);
  const io = { stdout: () => undefined, stderr: () => undefined, cwd: work };
  const stages: string[] = [];
  expect(await runSynthStreaming({ out, app: good, progress: false, onStage: (e) => e.state === 'end' && stages.push(`${e.stage}:${e.counts?.objects ?? ''}`) }, io)).toBe(0);
  expect(stages).toEqual(['collect:1', 'render:1', 'check:', 'guard:', 'write:']);
  stages.length = 0;
  expect(await runPlan({ out, app: good, onStage: (e) => e.state === 'end' && stages.push(e.stage) }, io)).toBe(0);
  expect(stages).toEqual(['collect', 'render', 'check', 'read', 'guard', 'plan']);
  fs.rmSync(work, { recursive: true, force: true });
});

test('an ES module app (top-level await) runs in the session too', () => {
  fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  const work = fs.mkdtempSync(path.join(ROOT, '.tmp', 'cli-esm-'));
  fs.writeFileSync(
    path.join(work, 'app.mts'),
    `import { ApiObject } from 'cdk8s';\nimport lib from ${JSON.stringify(path.join(ROOT, 'lib', 'index.ts'))};\nconst { GitOpsApp, Repo } = lib as any;\n` +
      `await Promise.resolve();\nconst app = new GitOpsApp({ validation: false, printBaselineReport: false });\n` +
      `new ApiObject(new Repo(app, 'platform').folder('apps'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'esm' } });\napp.synth();\n`,
  );
  const app = `node ${JSON.stringify(require.resolve('tsx/cli', { paths: [ROOT] }))} app.mts`;
  const r = run(['synth', '--out', 'out', '--app', app, '--allow-destroy', 'Namespace/x'], work);
  // The allow id reached the app's session: it allows nothing in this first synth, which the synth says.
  expect([r.status, r.stderr]).toEqual([0, 'cdk8s-platform: warning: allowDestroy "Namespace/x" allows no deletion, rename or prune in this change; remove it, so that it cannot allow a later one unnoticed\n']);
  expect(fs.existsSync(path.join(work, 'out', 'platform', 'apps', 'configmap-esm.yaml'))).toBe(true);
  fs.rmSync(work, { recursive: true, force: true });
});

test('the app runs as the main module: `if (require.main === module) app.synth()` synthesizes', () => {
  fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  const work = fs.mkdtempSync(path.join(ROOT, '.tmp', 'cli-main-'));
  fs.writeFileSync(
    path.join(work, 'main.ts'),
    `import { ApiObject } from 'cdk8s';\nimport { GitOpsApp, Repo } from ${JSON.stringify(path.join(ROOT, 'lib'))};\n` +
      `export function build(): GitOpsApp {\n  const app = new GitOpsApp({ printBaselineReport: false });\n` +
      `  new ApiObject(new Repo(app, 'platform').folder('apps'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'main' } });\n  return app;\n}\n` +
      `if (require.main === module) build().synth();\n`,
  );
  const app = `node ${JSON.stringify(require.resolve('tsx/cli', { paths: [ROOT] }))} main.ts`;
  const r = run(['synth', '--out', 'out', '--app', app], work);
  expect([r.status, r.stderr]).toEqual([0, '']);
  expect(r.stdout).toMatch(/^synth: wrote .*out: 2 files, 1 object in 1 repo, 2 changed \([0-9.]+s\)\n$/);
  expect(fs.readFileSync(path.join(work, 'out', 'platform', 'apps', 'configmap-main.yaml'), 'utf8')).toBe('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: main\n');
  fs.rmSync(work, { recursive: true, force: true });
});

test('the summary says where the app wrote: an app with its own outdir is not reported as writing --out', () => {
  fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  const work = fs.mkdtempSync(path.join(ROOT, '.tmp', 'cli-outdir-'));
  fs.writeFileSync(
    path.join(work, 'main.ts'),
    `import { ApiObject } from 'cdk8s';\nimport { GitOpsApp, Repo } from ${JSON.stringify(path.join(ROOT, 'lib'))};\n` +
      `const app = new GitOpsApp({ outdir: 'own', printBaselineReport: false });\n` +
      `new ApiObject(new Repo(app, 'platform').folder('apps'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'own' } });\napp.synth();\n`,
  );
  const app = `node ${JSON.stringify(require.resolve('tsx/cli', { paths: [ROOT] }))} main.ts`;
  const r = run(['synth', '--out', 'out', '--app', app], work);
  expect([r.status, r.stderr]).toEqual([0, '']);
  expect(r.stdout).toMatch(/^synth: wrote own\/platform \(where the app puts its repos, not --out \S+out\): 2 files, 1 object in 1 repo, 2 changed \([0-9.]+s\)\n$/);
  expect(fs.existsSync(path.join(work, 'own', 'platform', 'apps', 'configmap-own.yaml'))).toBe(true);
  expect(fs.existsSync(path.join(work, 'out'))).toBe(false);
  fs.rmSync(work, { recursive: true, force: true });
});

test('--allow-destroy and plan need an app command that names the app file', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-synth-'));
  const r = run(['synth', '--app', 'npm run synth', '--allow-destroy', 'Namespace/x'], work);
  expect(r.status).toBe(2);
  expect(r.stderr).toBe(
    'cdk8s-platform: --allow-destroy needs an app command that names the app file ("npx tsx main.ts", "ts-node main.ts", "node main.js" or "node <tsx cli> main.ts", with arguments after the file); ' +
      '"npm run synth" is not one: set "app" in cdk8s.yaml or pass --app in one of these forms\n',
  );
  const p = run(['plan', '--app', 'npm run synth'], work);
  expect(p.status).toBe(2);
  expect(p.stderr).toContain('cdk8s-platform: plan needs an app command that names the app file');
  fs.rmSync(work, { recursive: true, force: true });
});

test('synth without an app is a usage error', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-synth-'));
  const r = run(['synth'], work);
  expect(r.status).toBe(2);
  expect(r.stderr).toBe('cdk8s-platform: no app to run: pass --app "<command>" or run in a directory with a cdk8s.yaml that sets "app"\n');
  fs.rmSync(work, { recursive: true, force: true });
});
