// `cdk8s-platform synth --out <dir>`: runs the app into an existing tree without deleting what it
// does not own, and leaves the tree unchanged when the app fails.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

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
  expect(fs.existsSync(path.join(out, 'platform', 'apps', 'configmap-settings.yaml'))).toBe(true);
  expect(fs.existsSync(path.join(out, 'platform', 'apps', 'kustomization-x.yaml'))).toBe(false);
  fs.rmSync(work, { recursive: true, force: true });
});

test('synth without an app is a usage error', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-synth-'));
  const r = run(['synth'], work);
  expect(r.status).toBe(2);
  expect(r.stderr).toBe('cdk8s-platform: no app to run: pass --app "<command>" or run in a directory with a cdk8s.yaml that sets "app"\n');
  fs.rmSync(work, { recursive: true, force: true });
});
