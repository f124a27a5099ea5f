// Issue 15, part 1: the README's own `npx cdk8s synth` (cdk8s-cli empties its output directory
// before running the app) cannot delete protected objects. The guard compares with git HEAD of the
// checkout holding dist/ when it is committed, else with the copy of the last synth kept in
// .cdk8s-platform-state/ beside dist/; `plan` compares with the same baseline.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BIN, ROOT, TSX, workDir } from '../newcomer/helpers';

const CDK8S = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const MESSAGE =
  "platform/fleet/dev (platform/fleet/cluster-dev-1.yaml): Cluster/fleet/dev-1 would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: stateful kind cluster.x-k8s.io/Cluster; retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false). " +
  "To allow it, add 'platform::Cluster/fleet/dev-1' to the GitOpsApp prop allowDestroy or pass --allow-destroy platform::Cluster/fleet/dev-1";

/** A cdk8s app dir (cdk8s.yaml with `output: dist`) whose main.ts has a CAPI Cluster or not. */
function writeApp(dir: string, cluster: boolean): void {
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `language: typescript\napp: node ${JSON.stringify(TSX)} main.ts\noutput: dist\n`);
  fs.writeFileSync(
    path.join(dir, 'main.ts'),
    `import { ApiObject } from 'cdk8s';\nimport { GitOpsApp, Repo } from ${JSON.stringify(path.join(ROOT, 'lib'))};\n` +
      `const app = new GitOpsApp({ validation: false, printBaselineReport: false });\n` +
      `const f = new Repo(app, 'platform').folder('fleet', { namespace: 'fleet' });\n` +
      `new ApiObject(f, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } } as any);\n` +
      (cluster ? `new ApiObject(f, 'dev', { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'dev-1' }, spec: {} });\n` : '') +
      'app.synth();\n',
  );
}

const env = { ...process.env, CDK8S_CHECK_UPGRADE: 'false', CDK8S_PLATFORM_STATE_DIR: '' };
const cdk8sSynth = (cwd: string) => spawnSync(process.execPath, [CDK8S, 'synth'], { cwd, encoding: 'utf8', env });
const plan = (cwd: string) => spawnSync(process.execPath, [BIN, 'plan'], { cwd, encoding: 'utf8', env });
const clusterFile = (dir: string) => path.join(dir, 'dist', 'platform', 'fleet', 'cluster-dev-1.yaml');

test('npx cdk8s synth outside git: refused against the copy kept beside dist/; plan sees it too', () => {
  const dir = workDir('cdk8s-guard');
  writeApp(dir, true);
  const first = cdk8sSynth(dir);
  expect(first.status).toBe(0);
  expect(fs.existsSync(clusterFile(dir))).toBe(true);
  expect(fs.readdirSync(path.join(dir, '.cdk8s-platform-state'))).toHaveLength(1);

  writeApp(dir, false);
  const second = cdk8sSynth(dir);
  expect(second.status).not.toBe(0);
  expect(second.stdout + second.stderr).toContain(MESSAGE);
  // cdk8s emptied dist/ before running the app; the app wrote nothing.
  expect(fs.existsSync(path.join(dir, 'dist', 'platform'))).toBe(false);
  // plan compares with the same kept copy, not the empty dist/.
  const planned = plan(dir);
  expect(planned.status).toBe(3);
  expect(planned.stdout).toContain(`error: ${MESSAGE}\n`);
  // Once allowed, the synth goes through and the kept copy follows.
  writeApp(dir, true);
  expect(cdk8sSynth(dir).status).toBe(0);
}, 120_000);

test('npx cdk8s synth in a git checkout: refused against HEAD, even when dist/ and the kept copy are gone', () => {
  const dir = workDir('cdk8s-guard-git');
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' });
  git('init', '-q');
  writeApp(dir, true);
  expect(cdk8sSynth(dir).status).toBe(0);
  git('add', 'dist', 'main.ts', 'cdk8s.yaml');
  git('commit', '-q', '-m', 'v1');
  fs.rmSync(path.join(dir, '.cdk8s-platform-state'), { recursive: true });
  // A committed tree is the baseline: no kept copy is written.
  writeApp(dir, false);
  const second = cdk8sSynth(dir);
  expect(second.status).not.toBe(0);
  expect(second.stdout + second.stderr).toContain(MESSAGE);
  expect(fs.existsSync(path.join(dir, '.cdk8s-platform-state'))).toBe(false);
  const planned = plan(dir);
  expect(planned.status).toBe(3);
  expect(planned.stdout).toContain('  - Cluster/fleet/dev-1  fleet/cluster-dev-1.yaml  [platform/fleet/dev]\n      BLOCKED: protected: stateful kind cluster.x-k8s.io/Cluster; retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false)\n');
}, 120_000);
