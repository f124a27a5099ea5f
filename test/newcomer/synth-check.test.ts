// `cdk8s-platform synth --check`: the stale-output gate for pull requests. Exit 0 when the committed
// tree is what the app produces, else exit 1 listing every differing file; never writes to --out.
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { GitOpsApp, Repo } from '../../lib';
import { compareTrees } from '../../lib/cli/synth';
import { differingFiles } from '../../lib/cli/compare-trees';
import { ROOT, TSX, cli, workDir, writeFiles } from './helpers';

function app(dir: string, name: string, body: string): string {
  const file = path.join(dir, `${name}.ts`);
  fs.writeFileSync(
    file,
    `import { ApiObject } from 'cdk8s';\nimport { GitOpsApp, Repo } from ${JSON.stringify(path.join(ROOT, 'lib'))};\n` +
      `const app = new GitOpsApp();\nconst apps = new Repo(app, 'platform').folder('apps');\n${body}\napp.synth();\n`,
  );
  return `node ${JSON.stringify(TSX)} ${JSON.stringify(file)}`;
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const cm = (name: string, value: string) =>
  `new ApiObject(apps, '${name}', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '${name}' }, data: { v: '${value}' } });`;

test('synth --check: up to date, then missing / changed / stale files listed, nothing written', () => {
  const work = workDir('synth-check');
  const out = path.join(work, 'gitops');
  const v1 = app(work, 'v1', `${cm('a', '1')}\n${cm('b', '1')}`);
  expect(cli(['synth', '--out', out, '--app', v1], work).status).toBe(0);
  fs.writeFileSync(path.join(out, 'platform', 'README.md'), 'not owned: ignored by the check\n');

  const clean = cli(['synth', '--check', '--out', 'gitops', '--app', v1], work);
  expect(clean.stderr).toBe('');
  expect(clean.stdout).toMatch(/^synth --check: gitops is up to date: 3 files, 2 objects in 1 repo \(\d+\.\d+s\)\n$/);
  expect(clean.status).toBe(0);

  // The code changed (a: new value, b: removed, c: added) but the tree was not re-synthesized.
  const v2 = app(work, 'v2', `${cm('a', '2')}\n${cm('c', '1')}`);
  const before = snapshot(out);
  const stale = cli(['synth', '--check', '--out', 'gitops', '--app', v2], work);
  expect(stale.stdout).toBe(
    'synth --check: 5 files in gitops differ from what the app produces:\n' +
      '  changed  platform/.cdk8s-platform.json\n' +
      '  changed  platform/apps/configmap-a.yaml\n' +
      '  stale    platform/apps/configmap-b.yaml\n' +
      '  missing  platform/apps/configmap-c.yaml\n' +
      '  changed  platform/apps/kustomization.yaml\n' +
      'run "cdk8s-platform synth --out gitops" and commit the result\n',
  );
  expect(stale.status).toBe(1);
  expect(snapshot(out)).toEqual(before);

  // A hand-edited generated file is caught too.
  fs.appendFileSync(path.join(out, 'platform', 'apps', 'configmap-a.yaml'), '# edited\n');
  const edited = cli(['synth', '--check', '--out', 'gitops', '--app', v1], work);
  expect(edited.status).toBe(1);
  expect(edited.stdout).toContain('synth --check: 1 file in gitops differs from what the app produces:\n  changed  platform/apps/configmap-a.yaml\n');

  // An app that fails is exit 1 with its own message (no stack: a hint says how to see it), as for synth.
  const bad = app(work, 'bad', `throw new Error('boom');`);
  const failed = cli(['synth', '--check', '--out', 'gitops', '--app', bad], work);
  expect(failed.status).toBe(1);
  expect(failed.stderr).toMatch(/^cdk8s-platform: boom\ncdk8s-platform: \(not a synth problem: an error thrown by the app or the library; run with --verbose for its stack trace\)\ncdk8s-platform: synth --check failed \(/);
  expect(failed.stderr).toContain('cdk8s-platform: synth --check failed (');
  fs.rmSync(work, { recursive: true, force: true });
});

/** Every file and directory under `dir`, hidden ones included, with its bytes and mtime. */
function fullSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const st = fs.lstatSync(p);
      if (e.isDirectory()) {
        out[`${path.relative(dir, p)}/`] = '';
        walk(p);
      } else out[path.relative(dir, p)] = `${st.mtimeMs} ${fs.readFileSync(p, 'utf8')}`;
    }
  };
  walk(dir);
  return out;
}

function cmApp(outdir: string, count: number, value: (i: number) => string): GitOpsApp {
  const app = new GitOpsApp({ outdir });
  const repo = new Repo(app, 'platform');
  for (let i = 0; i < count; i++) {
    const folder = repo.folder(`apps/f${Math.floor(i / 500)}`);
    new ApiObject(folder, `cm${i}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm${i}`, namespace: 'default' }, data: { v: value(i) } });
  }
  return app;
}

test('GitOpsApp.check: what a synth would change, compared where each file is serialized (worker threads for 2,500 objects), nothing written', () => {
  const work = workDir('check-api');
  const out = path.join(work, 'out');
  cmApp(out, 2500, () => '1').synthesize();
  const repo = path.join(out, 'platform');
  expect(cmApp(out, 2500, () => '1').check()).toEqual({ repos: ['platform'], differences: [] });

  // A hand edit, a deleted file, a file the library did not write at a produced path (other bytes,
  // and the same bytes), an owned file no longer produced (cm2499 dropped below).
  fs.appendFileSync(path.join(repo, 'apps/f0/configmap-cm3.yaml'), '# edited\n');
  fs.rmSync(path.join(repo, 'apps/f1/configmap-cm600.yaml'));
  const manifest = JSON.parse(fs.readFileSync(path.join(repo, '.cdk8s-platform.json'), 'utf8')) as { files: string[] };
  const unowned = ['apps/f2/configmap-cm1000.yaml', 'apps/f2/configmap-cm1001.yaml'];
  manifest.files = manifest.files.filter((f) => !unowned.includes(f));
  fs.writeFileSync(path.join(repo, '.cdk8s-platform.json'), JSON.stringify(manifest));
  fs.writeFileSync(path.join(repo, unowned[0]), 'hand-written\n');
  const before = fullSnapshot(work);
  const check = cmApp(out, 2499, (i) => (i === 7 ? '2' : '1')).check();
  expect(check).toEqual({
    repos: ['platform'],
    differences: [
      { file: 'platform/.cdk8s-platform.json', status: 'changed' },
      { file: 'platform/apps/f0/configmap-cm3.yaml', status: 'changed' },
      { file: 'platform/apps/f0/configmap-cm7.yaml', status: 'changed' },
      { file: 'platform/apps/f1/configmap-cm600.yaml', status: 'missing' },
      { file: 'platform/apps/f2/configmap-cm1000.yaml', status: 'unowned' },
      { file: 'platform/apps/f4/configmap-cm2499.yaml', status: 'stale' },
      { file: 'platform/apps/f4/kustomization.yaml', status: 'changed' },
    ],
  });
  // Nothing written, not even the repo's lock or state directory (`.platform.cdk8s-platform`).
  expect(fullSnapshot(work)).toEqual(before);

  // Against a directory with no tree: every file is missing, the manifest too.
  const fresh = cmApp(out, 3, () => '1').check({ baseDir: path.join(work, 'empty') });
  expect(fresh.repos).toEqual(['platform']);
  expect(fresh.differences.map((d) => `${d.status} ${d.file}`)).toEqual([
    'missing platform/.cdk8s-platform.json',
    'missing platform/apps/f0/configmap-cm0.yaml',
    'missing platform/apps/f0/configmap-cm1.yaml',
    'missing platform/apps/f0/configmap-cm2.yaml',
    'missing platform/apps/f0/kustomization.yaml',
  ]);
  expect(fs.existsSync(path.join(work, 'empty'))).toBe(false);
  fs.rmSync(work, { recursive: true, force: true });
});

test('synth --check: the same answer for an app command the runner cannot load (written to a temporary directory, compared file by file)', () => {
  const work = workDir('synth-check-shell');
  const v1 = app(work, 'v1', `${cm('a', '1')}\n${cm('b', '1')}`);
  expect(cli(['synth', '--out', 'gitops', '--app', v1], work).status).toBe(0);
  const v2 = app(work, 'v2', `${cm('a', '2')}\n${cm('c', '1')}`);
  const viaRunner = cli(['synth', '--check', '--out', 'gitops', '--app', v2], work);
  // `cd . && …` is shell syntax: run as it is, with only CDK8S_OUTDIR (no synth session).
  const viaShell = cli(['synth', '--check', '--out', 'gitops', '--app', `cd . && ${v2}`], work);
  expect(viaRunner.status).toBe(1);
  expect(viaShell.status).toBe(1);
  expect(viaShell.stdout).toBe(viaRunner.stdout);
  expect(viaRunner.stdout).toContain('  stale    platform/apps/configmap-b.yaml\n  missing  platform/apps/configmap-c.yaml\n');
  // A file the library did not write, with other bytes, at a produced path: unowned, both ways,
  // and the way out says to move it (synth refuses to overwrite it).
  const manifestFile = path.join(work, 'gitops', 'platform', '.cdk8s-platform.json');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { files: string[] };
  fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, files: manifest.files.filter((f) => f !== 'apps/configmap-a.yaml') }));
  const unownedRunner = cli(['synth', '--check', '--out', 'gitops', '--app', v2], work);
  const unownedShell = cli(['synth', '--check', '--out', 'gitops', '--app', `cd . && ${v2}`], work);
  expect(unownedShell.stdout).toBe(unownedRunner.stdout);
  expect(unownedRunner.stdout).toContain('  unowned  platform/apps/configmap-a.yaml\n');
  expect(unownedRunner.stdout).toContain('move the unowned files away (synth does not overwrite files it did not write), then run "cdk8s-platform synth --out gitops" and commit the result\n');
  fs.rmSync(work, { recursive: true, force: true });
});

/** An app file of `body` (with ApiObject, applyRemovalPolicy, GitOpsApp, RemovalPolicy and Repo imported), as an app command. */
function appFile(dir: string, name: string, body: string): string {
  const file = path.join(dir, `${name}.ts`);
  fs.writeFileSync(file, `import { ApiObject } from 'cdk8s';\nimport { applyRemovalPolicy, GitOpsApp, RemovalPolicy, Repo } from ${JSON.stringify(path.join(ROOT, 'lib'))};\n${body}`);
  return `node ${JSON.stringify(TSX)} ${JSON.stringify(file)}`;
}

test('synth --check and plan compare an app that chose its outdir with that directory, and list its files relative to --out', () => {
  const work = workDir('synth-check-own-outdir');
  const command = appFile(work, 'two-apps',
    `const one = new GitOpsApp();\nnew ApiObject(new Repo(one, 'one').folder('apps'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });\n` +
    `const two = new GitOpsApp({ outdir: 'gitops' });\nnew ApiObject(new Repo(two, 'two').folder('apps'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });\n` +
    `one.synth();\ntwo.synth();\n`);
  expect(cli(['synth', '--out', 'dist', '--app', command], work).status).toBe(0);
  expect(fs.existsSync(path.join(work, 'gitops', 'two', 'apps', 'configmap-b.yaml'))).toBe(true);
  const clean = cli(['synth', '--check', '--out', 'dist', '--app', command], work);
  expect([clean.status, clean.stdout.split(':')[0]]).toEqual([0, 'synth --check']);
  expect(cli(['plan', '--out', 'dist', '--app', command], work).status).toBe(0);
  fs.appendFileSync(path.join(work, 'gitops', 'two', 'apps', 'configmap-b.yaml'), '# edited\n');
  const edited = cli(['synth', '--check', '--out', 'dist', '--app', command], work);
  expect(edited.status).toBe(1);
  expect(edited.stdout).toContain('  changed  ../gitops/two/apps/configmap-b.yaml\n');
  fs.rmSync(work, { recursive: true, force: true });
});

test('synth --allow-destroy with several GitOpsApps: an id one app uses is no warning; one no app uses is, once', () => {
  const work = workDir('allow-apps');
  const command = appFile(work, 'apps',
    `const drop = process.env.DROP === '1';\n` +
    `const rg = (app: GitOpsApp, repo: string) => { const f = new Repo(app, repo).folder('apps', { namespace: 'team' });\n` +
    `  new ApiObject(f, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });\n` +
    `  if (!(drop && repo === 'one')) applyRemovalPolicy(new ApiObject(f, 'rg', { apiVersion: 'resources.azure.com/v1api20200601', kind: 'ResourceGroup', metadata: { name: 'rg' }, spec: { location: 'westeurope' } }), RemovalPolicy.DESTROY); };\n` +
    `const a = new GitOpsApp({ validation: false }); rg(a, 'one');\nconst b = new GitOpsApp({ validation: false }); rg(b, 'two');\na.synth();\nb.synth();\n`);
  expect(cli(['synth', '--out', 'dist', '--app', command], work).status).toBe(0);
  const r = cli(['synth', '--out', 'dist', '--app', command, '--allow-destroy', 'one::ResourceGroup/team/rg', '--allow-destroy', 'two::ResourceGroup/team/other'], work, { DROP: '1' });
  expect(r.status).toBe(0);
  expect(r.stderr).toBe('cdk8s-platform: warning: allowDestroy "two::ResourceGroup/team/other" allows no deletion, rename or prune in this change; remove it, so that it cannot allow a later one unnoticed\n');
  expect(fs.existsSync(path.join(work, 'dist', 'one', 'apps', 'resourcegroup-rg.yaml'))).toBe(false);
  fs.rmSync(work, { recursive: true, force: true });
});

test('an --allow-destroy id that names objects in two GitOpsApps is refused before anything is written (synth and plan)', () => {
  const work = workDir('allow-two-apps');
  // Two apps with a repo of the same name: a scoped id does not say which app it means.
  const command = appFile(work, 'envs',
    `const drop = process.env.DROP === '1';\n` +
    `const env = (outdir: string) => { const app = new GitOpsApp({ outdir, validation: false }); const f = new Repo(app, 'platform').folder('apps', { namespace: 'team' });\n` +
    `  if (!(drop && outdir === 'dev')) new ApiObject(f, 'rg', { apiVersion: 'resources.azure.com/v1api20200601', kind: 'ResourceGroup', metadata: { name: 'rg' }, spec: { location: 'westeurope' } });\n` +
    `  return app; };\n` +
    `const dev = env('dev');\nconst prod = env('prod');\ndev.synth();\nprod.synth();\n`);
  expect(cli(['synth', '--out', 'dist', '--app', command], work).status).toBe(0);
  const devRg = path.join(work, 'dev', 'platform', 'apps', 'resourcegroup-rg.yaml');
  const before = fs.readFileSync(devRg, 'utf8');
  const names = (id: string) =>
    `cdk8s-platform: allowDestroy: "${id}" names objects in 2 GitOpsApps of the app file (GitOpsApp 1 (dev/platform): platform::ResourceGroup/team/rg; GitOpsApp 2 (prod/platform): platform::ResourceGroup/team/rg); ` +
    "an --allow-destroy id must name objects of one app: scope it (<repo>:<cluster>:Kind/namespace/name) where the apps' repo names differ, else put it in the allowDestroy prop of the app it is meant for\n";
  for (const id of ['platform::ResourceGroup/team/rg', 'ResourceGroup/team/rg']) {
    const r = cli(['synth', '--out', 'dist', '--app', command, '--allow-destroy', id], work, { DROP: '1' });
    expect([r.status, r.stderr]).toEqual([1, `${names(id)}cdk8s-platform: synth failed ("${command}" exited with 1); ${path.join(work, 'dist')} is unchanged\n`]);
    expect(fs.readFileSync(devRg, 'utf8')).toBe(before);
    const p = cli(['plan', '--out', 'dist', '--app', command, '--allow-destroy', id], work, { DROP: '1' });
    expect([p.status, p.stderr]).toEqual([3, names(id)]);
    // Each app's repos, relative to --out (both apps chose their own outdir).
    expect(p.stdout.match(/\.\.\/(?:dev|prod)\/platform/g)).toEqual(['../dev/platform', '../prod/platform']);
  }
  // Without the id, the deletion in dev is refused as before; with the app's own allowDestroy it would go.
  const blocked = cli(['synth', '--out', 'dist', '--app', command], work, { DROP: '1' });
  expect(blocked.status).toBe(1);
  expect(blocked.stderr).toContain('ResourceGroup/team/rg');
  expect(fs.readFileSync(devRg, 'utf8')).toBe(before);
  fs.rmSync(work, { recursive: true, force: true });
});

test('with several GitOpsApps, synth writes all of them or none: a later app refused leaves the earlier one\'s repos as they were', () => {
  const work = workDir('all-or-none');
  const command = appFile(work, 'two',
    `const v = process.env.V ?? '1';\n` +
    `const one = new GitOpsApp({ validation: false });\nnew ApiObject(new Repo(one, 'one').folder('apps'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { v } } as any);\n` +
    `const two = new GitOpsApp({ validation: false });\nconst f = new Repo(two, 'two').folder('apps', { namespace: 'team' });\n` +
    `if (v === '1') new ApiObject(f, 'rg', { apiVersion: 'resources.azure.com/v1api20200601', kind: 'ResourceGroup', metadata: { name: 'rg' }, spec: { location: 'westeurope' } });\n` +
    `else new ApiObject(f, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' } });\n` +
    `one.synth();\ntwo.synth();\n`);
  expect(cli(['synth', '--out', 'dist', '--app', command], work).status).toBe(0);
  const settings = path.join(work, 'dist', 'one', 'apps', 'configmap-settings.yaml');
  const before = fs.readFileSync(settings, 'utf8');
  // The second app drops a (retained) ResourceGroup: refused; the first app's change is not written either.
  const r = cli(['synth', '--out', 'dist', '--app', command], work, { V: '2' });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('ResourceGroup/team/rg would be removed from Git (it is retained');
  expect(r.stderr).toContain(`cdk8s-platform: synth failed ("${command}" exited with 1); ${path.join(work, 'dist')} is unchanged\n`);
  expect(fs.readFileSync(settings, 'utf8')).toBe(before);
  expect(fs.existsSync(path.join(work, 'dist', 'two', 'apps', 'configmap-other.yaml'))).toBe(false);
  // Allowed, both are written.
  const both = cli(['synth', '--out', 'dist', '--app', command, '--allow-destroy', 'two::ResourceGroup/team/rg'], work, { V: '2' });
  expect(both.status).toBe(0);
  // The summary counts both apps: 3 files written (a ConfigMap updated, one created, a kustomization.yaml), 4 changed (and the ResourceGroup deleted).
  expect(both.stdout).toMatch(/^synth: wrote .*dist: 3 files, 2 objects in 2 repos, 4 changed \(\d+\.\ds\)\n$/);
  expect(fs.readFileSync(settings, 'utf8')).toContain('v: "2"');
  expect(fs.existsSync(path.join(work, 'dist', 'two', 'apps', 'configmap-other.yaml'))).toBe(true);
  fs.rmSync(work, { recursive: true, force: true });
});

test('a single GitOpsApp writes at once under the CLI (the app may read its output after synth()), also when synthesized twice', () => {
  const work = workDir('write-at-once');
  const command = appFile(work, 'post',
    `import * as fs from 'fs';\nimport * as path from 'path';\n` +
    `const build = (v: string) => { const app = new GitOpsApp({ validation: false }); new ApiObject(new Repo(app, 'one').folder('apps'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { v } } as any); return app; };\n` +
    `const app = build('2');\napp.synth();\napp.synth();\n` +
    `const file = path.join(process.env.CDK8S_OUTDIR!, 'one', 'apps', 'configmap-settings.yaml');\n` +
    `fs.writeFileSync(path.join(process.env.CDK8S_OUTDIR!, 'seen.txt'), fs.readFileSync(file, 'utf8'));\n`);
  const r = cli(['synth', '--out', 'dist', '--app', command], work);
  expect([r.status, r.stderr]).toEqual([0, '']);
  expect(fs.readFileSync(path.join(work, 'dist', 'seen.txt'), 'utf8')).toContain('v: "2"');
  fs.rmSync(work, { recursive: true, force: true });
});

test('an app file whose GitOpsApps are built and synthesized one at a time: a later refusal says what the earlier ones wrote', () => {
  const work = workDir('one-at-a-time');
  const command = appFile(work, 'seq',
    `const v = process.env.V ?? '1';\n` +
    `const one = new GitOpsApp({ validation: false });\nnew ApiObject(new Repo(one, 'one').folder('apps'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { v } } as any);\none.synth();\n` +
    `const two = new GitOpsApp({ validation: false });\nconst f = new Repo(two, 'two').folder('apps', { namespace: 'team' });\n` +
    `if (v === '1') new ApiObject(f, 'rg', { apiVersion: 'resources.azure.com/v1api20200601', kind: 'ResourceGroup', metadata: { name: 'rg' }, spec: { location: 'westeurope' } });\n` +
    `else new ApiObject(f, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' } });\ntwo.synth();\n`);
  expect(cli(['synth', '--out', 'dist', '--app', command], work).status).toBe(0);
  const r = cli(['synth', '--out', 'dist', '--app', command], work, { V: '2' });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain(`cdk8s-platform: synth failed ("${command}" exited with 1); 1 GitOpsApp(s) of the app file wrote their repos before it failed (1 file(s) changed in ${path.join(work, 'dist')}: see git status); the others wrote nothing\n`);
  fs.rmSync(work, { recursive: true, force: true });
});

test('compareTrees with what the app compared itself: its repos are taken as compared, a committed repo nothing produced is stale', async () => {
  const work = workDir('compare-checked');
  writeFiles(path.join(work, 'committed'), {
    'kept/.cdk8s-platform.json': JSON.stringify({ generator: 'cdk8s-platform', files: ['a.yaml'] }),
    'kept/a.yaml': 'a: old\n',
    'gone/.cdk8s-platform.json': JSON.stringify({ generator: 'cdk8s-platform', files: ['g.yaml'] }),
    'gone/g.yaml': 'g\n',
  });
  fs.mkdirSync(path.join(work, 'produced'));
  const checked = [{ repos: ['kept'], differences: [{ file: 'kept/a.yaml', status: 'changed' as const }] }];
  expect(await compareTrees(path.join(work, 'produced'), path.join(work, 'committed'), checked)).toEqual([
    { file: 'gone/.cdk8s-platform.json', status: 'stale' },
    { file: 'gone/g.yaml', status: 'stale' },
    { file: 'kept/a.yaml', status: 'changed' },
  ]);
  fs.rmSync(work, { recursive: true, force: true });
});

test('compareTrees: a repo that is no longer produced is stale file by file; a new repo is missing', async () => {
  const work = workDir('compare');
  writeFiles(path.join(work, 'produced'), {
    'new/.cdk8s-platform.json': JSON.stringify({ generator: 'cdk8s-platform', files: ['x.yaml'] }),
    'new/x.yaml': 'x\n',
  });
  writeFiles(path.join(work, 'committed'), {
    'old/.cdk8s-platform.json': JSON.stringify({ generator: 'cdk8s-platform', files: ['y.yaml'] }),
    'old/y.yaml': 'y\n',
    'old/hand-written.yaml': 'not owned\n',
  });
  expect(await compareTrees(path.join(work, 'produced'), path.join(work, 'committed'))).toEqual([
    { file: 'new/.cdk8s-platform.json', status: 'missing' },
    { file: 'new/x.yaml', status: 'missing' },
    { file: 'old/.cdk8s-platform.json', status: 'stale' },
    { file: 'old/y.yaml', status: 'stale' },
  ]);
  fs.rmSync(work, { recursive: true, force: true });
});

test('differingFiles: the same answer on one thread and with half of the files on a worker, in the order given', async () => {
  const work = workDir('differing');
  const files: Record<string, string> = {};
  const committed: Record<string, string> = {};
  const names: string[] = [];
  for (let i = 0; i < 40; i++) {
    const f = `d${i % 3}/f ${String(i).padStart(2, '0')}.yaml`;
    names.push(f);
    files[f] = `n: ${i}\n`;
    // Two in five committed files differ (by one byte, or in length only), one in seven is missing.
    if (i % 7 === 3) continue;
    committed[f] = i % 5 === 1 ? `n: ${i + 1}\n` : i % 5 === 2 ? `n: ${i}\n\n` : `n: ${i}\n`;
  }
  writeFiles(path.join(work, 'produced'), files);
  writeFiles(path.join(work, 'committed'), { ...committed, 'not-produced.yaml': 'x\n' });
  const expected = names.flatMap((f, i) => (i % 7 === 3 ? [{ file: f, status: 'missing' }] : i % 5 === 1 || i % 5 === 2 ? [{ file: f, status: 'changed' }] : []));
  expect(expected.length).toBe(20);
  for (const threads of [0, 1]) expect(await differingFiles(path.join(work, 'produced'), path.join(work, 'committed'), names, threads)).toEqual(expected);
  // A produced file that cannot be read fails the comparison, whichever thread meets it.
  for (const gone of [[...names, 'not-produced.yaml'], ['not-produced.yaml', ...names]]) {
    for (const threads of [0, 1]) await expect(differingFiles(path.join(work, 'produced'), path.join(work, 'committed'), gone, threads)).rejects.toThrow(/ENOENT.*produced\/not-produced\.yaml/);
  }
  fs.rmSync(work, { recursive: true, force: true });
});

test('synth and synth --check list their options in --help', () => {
  const r = cli(['synth', '--help'], ROOT);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('--check');
  expect(r.stdout).toContain('--no-progress');
});
