// `cdk8s-platform plan` (human and JSON output, exit codes, --ref, --allow-destroy) and the
// destroy guard of `cdk8s-platform synth`, on apps run in .tmp/ like test/cli-synth.test.ts.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Command, CommanderError } from 'commander';
import type { CliContext } from '../../lib/cli/context';
import { EXIT_BLOCKED, registerPlan } from '../../lib/cli/plan';
import type { Plan } from '../../lib/safety';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'cdk8s-platform.js');

/** An app file: a Namespace, a CAPI Cluster named `cluster` (if given) and a ConfigMap with `value`. */
function writeApp(dir: string, name: string, o: { cluster?: string; value: string }): string {
  const file = path.join(dir, `${name}.ts`);
  fs.writeFileSync(
    file,
    `import { ApiObject } from 'cdk8s';\nimport { GitOpsApp, Repo } from ${JSON.stringify(path.join(ROOT, 'lib'))};\n` +
      `const app = new GitOpsApp({ validation: false });\nconst f = new Repo(app, 'platform').folder('fleet', { namespace: 'fleet' });\n` +
      `new ApiObject(f, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fleet' } });\n` +
      (o.cluster ? `new ApiObject(f, 'dev', { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: '${o.cluster}' }, spec: {} });\n` : '') +
      `new ApiObject(f, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '${o.value}' } } as any);\n` +
      `app.synth();\n`,
  );
  return `node ${JSON.stringify(require.resolve('tsx/cli', { paths: [ROOT] }))} ${JSON.stringify(file)}`;
}

/** Runs `cdk8s-platform plan <args>` through commander, capturing output and the exit code. */
async function plan(args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = { io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd }, exitCode: 0 };
  const program = new Command('cdk8s-platform').exitOverride().configureOutput({ writeOut: (s) => void (stdout += s), writeErr: (s) => void (stderr += s) });
  registerPlan(program, ctx);
  try {
    await program.parseAsync(['plan', ...args], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return { status: 2, stdout, stderr };
    return { status: (e as { exitCode?: number }).exitCode ?? 2, stdout, stderr: stderr + (e as Error).message };
  }
  return { status: ctx.exitCode, stdout, stderr };
}

function synth(out: string, app: string, cwd: string, ...allow: string[]) {
  const args = [BIN, 'synth', '--no-progress', '--out', out, '--app', app, ...allow.flatMap((a) => ['--allow-destroy', a])];
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
}

let work: string;
beforeAll(() => {
  fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  work = fs.mkdtempSync(path.join(ROOT, '.tmp', 'cli-plan-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('plan shows construct paths as synth does: folders as written (clusters/fleet), not as construct ids (clusters--fleet)', async () => {
  const out = path.join(work, 'nested');
  const app = (value: string) => {
    const file = path.join(work, `nested-${value}.ts`);
    fs.writeFileSync(file,
      `import { ApiObject } from 'cdk8s';\nimport { GitOpsApp, Repo } from ${JSON.stringify(path.join(ROOT, 'lib'))};\n` +
      `const app = new GitOpsApp({ validation: false });\nconst f = new Repo(app, 'platform').folder('clusters/fleet', { namespace: 'fleet' });\n` +
      `new ApiObject(f, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '${value}' } } as any);\napp.synth();\n`);
    return `node ${JSON.stringify(require.resolve('tsx/cli', { paths: [ROOT] }))} ${JSON.stringify(file)}`;
  };
  expect(synth(out, app('1'), work).status).toBe(0);
  const human = await plan(['--out', out, '--app', app('2')], work);
  expect(human.stdout).toContain('  ~ ConfigMap/fleet/settings  clusters/fleet/configmap-settings.yaml  [platform/clusters/fleet/settings]\n');
  const json = JSON.parse((await plan(['--out', out, '--app', app('2'), '--json'], work)).stdout) as Plan;
  expect(json.repos[0].changes[0].object.constructPath).toBe('platform/clusters/fleet/settings');
});

test('plan: exit 0 without changes, 1 with changes, 3 when a protected object would go; synth refuses the same', async () => {
  const out = path.join(work, 'checkout');
  const v1 = writeApp(work, 'v1', { cluster: 'dev-1', value: '1' });
  expect(synth(out, v1, work).status).toBe(0);

  const same = await plan(['--out', out, '--app', v1], work);
  expect(same).toEqual({ status: 0, stdout: 'platform: no changes\nplan: 0 to create, 0 to update, 0 to delete, 0 to rename\n', stderr: '' });
  // --no-progress, as the other commands take it (the README's Progress paragraph).
  expect(await plan(['--out', out, '--app', v1, '--no-progress'], work)).toEqual(same);

  const v2 = writeApp(work, 'v2', { cluster: 'dev-1', value: '2' });
  const changed = await plan(['--out', out, '--app', v2], work);
  expect(changed.status).toBe(1);
  expect(changed.stdout).toBe(
    'platform:\n' +
      '  ~ ConfigMap/fleet/settings  fleet/configmap-settings.yaml  [platform/fleet/settings]\n' +
      '      ~ data.a: "1" -> "2"\n' +
      'plan: 0 to create, 1 to update, 0 to delete, 0 to rename\n',
  );
  const json = await plan(['--out', out, '--app', v2, '--json'], work);
  expect(json.status).toBe(1);
  const parsed = JSON.parse(json.stdout) as Plan;
  expect(parsed.changed).toBe(true);
  expect(parsed.repos[0].changes).toEqual([
    {
      action: 'update',
      object: { id: 'ConfigMap/fleet/settings', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'fleet', name: 'settings', file: 'fleet/configmap-settings.yaml', constructPath: 'platform/fleet/settings' },
      previous: { id: 'ConfigMap/fleet/settings', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'fleet', name: 'settings', file: 'fleet/configmap-settings.yaml', constructPath: 'platform/fleet/settings' },
      diff: [{ path: 'data.a', op: 'change', old: '1', new: '2' }],
    },
  ]);

  const gone = writeApp(work, 'gone', { value: '1' });
  const blocked = await plan(['--out', out, '--app', gone], work);
  expect(blocked.status).toBe(EXIT_BLOCKED);
  const message =
    "platform/fleet/dev (platform/fleet/cluster-dev-1.yaml): Cluster/fleet/dev-1 would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: stateful kind cluster.x-k8s.io/Cluster; retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false). To allow it, add 'platform::Cluster/fleet/dev-1' to the GitOpsApp prop allowDestroy or pass --allow-destroy platform::Cluster/fleet/dev-1";
  expect(blocked.stdout).toContain(`  - Cluster/fleet/dev-1  fleet/cluster-dev-1.yaml  [platform/fleet/dev]\n      BLOCKED: protected: stateful kind cluster.x-k8s.io/Cluster; retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false)\n`);
  // The Namespace would lose the retain markers it had for the Cluster in it (an update), while the
  // Cluster, out of Git, stays in it: refused too.
  const nsMessage =
    "platform/fleet/ns (platform/fleet/namespace-fleet.yaml): Namespace/fleet would no longer be retained, but it is protected: this change removes Cluster/fleet/dev-1 from Git, which stays on the cluster in this namespace (retained), " +
    'while the Namespace drops its retain markers (kustomize.toolkit.fluxcd.io/prune: disabled; argocd.argoproj.io/sync-options: Delete=false,Prune=false): deleting the Namespace later deletes what it holds; ' +
    "give the Namespace RemovalPolicy.RETAIN to keep it retained. To allow it, add 'platform::Namespace/fleet' to the GitOpsApp prop allowDestroy or pass --allow-destroy platform::Namespace/fleet";
  expect(blocked.stdout).toContain(`plan: 0 to create, 1 to update, 1 to delete, 0 to rename; 2 protected deletion(s) not allowed\nerror: ${message}\nerror: ${nsMessage}\n`);
  const allowed = await plan(['--out', out, '--app', gone, '--allow-destroy', 'Cluster/fleet/dev-1', '--allow-destroy', 'Namespace/fleet'], work);
  expect(allowed.status).toBe(1);
  expect(allowed.stdout).toContain('      allowed: protected: stateful kind cluster.x-k8s.io/Cluster; retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false)\n');

  // synth refuses the deletion, naming the object, and leaves the checkout as it was.
  const refused = synth(out, gone, work);
  expect(refused.status).toBe(1);
  expect(refused.stderr).toContain(message);
  expect(fs.existsSync(path.join(out, 'platform/fleet/cluster-dev-1.yaml'))).toBe(true);
  expect(refused.stderr).toContain(nsMessage);
  expect(synth(out, gone, work, 'Cluster/fleet/dev-1').stderr).toContain(nsMessage);
  expect(synth(out, gone, work, 'Cluster/fleet/dev-1', 'Namespace/fleet').status).toBe(0);
  expect(fs.existsSync(path.join(out, 'platform/fleet/cluster-dev-1.yaml'))).toBe(false);
});

test('plan --ref compares with the committed files; usage errors exit 2', async () => {
  const out = path.join(work, 'repo');
  fs.mkdirSync(out);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: out, encoding: 'utf8' });
  git('init', '-q');
  const v1 = writeApp(work, 'r1', { cluster: 'dev-1', value: '1' });
  expect(synth(out, v1, work).status).toBe(0);
  git('add', '-A');
  git('commit', '-q', '-m', 'v1');
  const v2 = writeApp(work, 'r2', { cluster: 'dev-2', value: '1' });
  expect(synth(out, v2, work, 'Cluster/fleet/dev-1').status).toBe(0);

  // Inside a git checkout, plan compares with HEAD by default (the rename is not committed yet).
  const byDefault = await plan(['--out', out, '--app', v2], work);
  expect(byDefault.status).toBe(EXIT_BLOCKED);
  const atHead = await plan(['--out', out, '--app', v2, '--ref', 'HEAD'], work);
  expect(atHead.status).toBe(EXIT_BLOCKED);
  expect(atHead.stdout).toContain('  > Cluster/fleet/dev-1 -> Cluster/fleet/dev-2  fleet/cluster-dev-2.yaml (was fleet/cluster-dev-1.yaml)  [platform/fleet/dev]\n');
  expect(byDefault.stdout).toBe(atHead.stdout);

  const badRef = await plan(['--out', out, '--app', v2, '--ref', 'nope'], work);
  expect(badRef.status).toBe(2);
  expect(badRef.stderr).toContain('cdk8s-platform: plan failed');
  const badId = await plan(['--app', v2, '--allow-destroy', 'dev-1'], work);
  expect(badId).toEqual({
    status: 2,
    stdout: '',
    stderr:
      '--allow-destroy: "dev-1" is not an object id: use <repo>:<cluster>:Kind/namespace/name (cluster empty for the repo\'s own, e.g. platform:aks-dev:Cluster/fleet/aks-dev), ' +
      'or Kind/namespace/name (Kind/name for objects without a namespace) when only one repo and cluster has it',
  });
  const noApp = await plan([], fs.mkdtempSync(path.join(work, 'empty-')));
  expect(noApp.stderr).toBe('no app to run: pass --app "<command>" or run in a directory with a cdk8s.yaml that sets "app"');
  expect(noApp.status).toBe(2);
});
