// `cdk8s-platform synth --check`: the stale-output gate for pull requests. Exit 0 when the committed
// tree is what the app produces, else exit 1 listing every differing file; never writes to --out.
import * as fs from 'fs';
import * as path from 'path';
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

  // An app that fails is exit 1 with its own message (one line, no stack), as for synth.
  const bad = app(work, 'bad', `throw new Error('boom');`);
  const failed = cli(['synth', '--check', '--out', 'gitops', '--app', bad], work);
  expect(failed.status).toBe(1);
  expect(failed.stderr).toMatch(/^cdk8s-platform: boom\ncdk8s-platform: synth --check failed \(/);
  expect(failed.stderr).toContain('cdk8s-platform: synth --check failed (');
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
