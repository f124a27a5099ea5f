// The CLI and the library as a newcomer meets them (#13 item 7): one line per problem, construct
// paths that show folders as written, repo.folder() idempotent, a missing git ref named, progress.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { formatError } from '../../lib/cli/main';
import { ProgressRenderer, formatCounts } from '../../lib/cli/progress';
import { recordOptOut } from '../../lib/core/baseline';
import { displayConstructPaths, displayPath } from '../../lib/core/errors';
import { Repo } from '../../lib/gitops/repo';
import { collectOptOuts, formatBaselineReport } from '../../lib/safety/baseline-report';
import { readTreeAtRef } from '../../lib/safety/tree';
import { Testing } from '../../lib/testing';
import { workDir } from './helpers';

describe('construct paths show folders as the user wrote them', () => {
  test('displayPath and messages built from node.path', () => {
    const app = Testing.app();
    const repo = new Repo(app, 'platform');
    const folder = repo.folder('clusters/mgmt/aks-dev');
    const cm = new ApiObject(folder, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    // The construct id cannot hold "/" and does not change (cdk8s derives names and selector labels from it).
    expect(cm.node.path).toBe('platform/clusters--mgmt--aks-dev/settings');
    expect(displayPath(cm)).toBe('platform/clusters/mgmt/aks-dev/settings');
    expect(displayConstructPaths('platform/clusters--mgmt--aks-dev/settings: ConfigMap/settings: data: too big')).toBe(
      'platform/clusters/mgmt/aks-dev/settings: ConfigMap/settings: data: too big',
    );
    // Only registered folders are rewritten: other "--" stay.
    expect(displayConstructPaths('run "synth --out x" in platform/other--thing/x')).toBe('run "synth --out x" in platform/other--thing/x');
    expect(formatError(new Error('platform/clusters--mgmt--aks-dev/settings: prop "data": bad'), false)).toBe(
      'cdk8s-platform: platform/clusters/mgmt/aks-dev/settings: prop "data": bad\n',
    );
  });

  test('the secure-baseline report shows the folder path', () => {
    const app = Testing.app();
    const folder = new Repo(app, 'platform').folder('clusters/mgmt');
    const cm = new ApiObject(folder, 'project', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p' } });
    recordOptOut(cm, 'destinations[0].namespace', '*', 'any namespace');
    expect(formatBaselineReport(collectOptOuts(app))).toBe(
      'secure-baseline opt-outs (1):\n' +
        '  CONSTRUCT                       SETTING                    VALUE  REASON\n' +
        '  platform/clusters/mgmt/project  destinations[0].namespace  *      any namespace\n',
    );
  });
});

test('repo.folder(path, props) twice: same props → the same folder; different props → an error naming both', () => {
  const app = Testing.app();
  const repo = new Repo(app, 'platform');
  const a = repo.folder('clusters/mgmt', { namespace: 'flux-system', labels: { team: 'core', env: 'dev' } });
  expect(repo.folder('clusters/mgmt')).toBe(a);
  expect(repo.folder('clusters/mgmt', { labels: { env: 'dev', team: 'core' }, namespace: 'flux-system' })).toBe(a);
  expect(Testing.errorOf(() => repo.folder('clusters/mgmt', { namespace: 'apps' }))).toBe(
    'platform: folder "clusters/mgmt" already exists with props {"labels":{"env":"dev","team":"core"},"namespace":"flux-system"}; ' +
      'repo.folder("clusters/mgmt", {"namespace":"apps"}) asks for different props: pass the same props, or none, to get the existing folder',
  );
  const b = repo.folder('apps');
  expect(repo.folder('apps', {})).toBe(b);
  expect(Testing.errorOf(() => repo.folder('apps', { includeSubfolders: false }))).toBe(
    'platform: folder "apps" already exists with props {}; repo.folder("apps", {"includeSubfolders":false}) asks for different props: pass the same props, or none, to get the existing folder',
  );
});

test('errors: one line per problem, each once; the stack only with --verbose', () => {
  const e = new Error('Error: synth failed:\n  a: first\n  b: second\n  a: first\n');
  expect(formatError(e, false)).toBe('cdk8s-platform: synth failed:\ncdk8s-platform: a: first\ncdk8s-platform: b: second\n');
  expect(formatError('cdk8s-platform: plain', false)).toBe('cdk8s-platform: plain\n');
  const verbose = formatError(new Error('boom'), true);
  expect(verbose).toMatch(/^cdk8s-platform: boom\nError: boom\n\s+at /);
});

test('a git revision that does not exist is named (plan --ref nope)', () => {
  const dir = workDir('ref');
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=a@b.c', '-c', 'user.name=a', ...args], { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  fs.writeFileSync(path.join(dir, 'README.md'), 'x\n');
  git('add', '-A');
  git('commit', '-qm', 'first');
  const top = fs.realpathSync(dir);
  expect(Testing.errorOf(() => readTreeAtRef(path.join(dir, 'dist', 'platform'), 'nope'))).toBe(
    `git revision "nope" does not exist in ${top} (give a branch, tag or commit: git branch -a, git log)`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('progress', () => {
  let t = 0;
  const clock = () => t;

  test('on a terminal: the running stage redrawn in place, one line per finished stage with counts', () => {
    let out = '';
    const p = new ProgressRenderer({ command: 'validate', write: (s) => (out += s), interactive: true, clock });
    p.listener({ stage: 'read', state: 'start' });
    t += 420;
    p.listener({ stage: 'read', state: 'end', counts: { files: 659, objects: 3112, repos: 3 } });
    const r = p.stage('validate', () => (t += 12_400, 2), (n) => ({ objects: 3112, problems: n }));
    expect(r).toBe(2);
    expect(out).toBe(
      'validate: reading…\r\x1b[K' +
        'validate: read 659 files, 3,112 objects in 3 repos (0.4s)\n' +
        'validate: validating…\r\x1b[K' +
        'validate: validated 3,112 objects, 2 problems (12s)\n',
    );
    expect(p.summary()).toBe('read 659 files, 3,112 objects in 3 repos; validated 3,112 objects, 2 problems');
  });

  test('not on a terminal: silent (the command prints its final line)', () => {
    let out = '';
    const p = new ProgressRenderer({ command: 'synth', write: (s) => (out += s), interactive: false, clock });
    for (const stage of ['collect', 'render', 'check', 'guard', 'write'] as const) {
      p.listener({ stage, state: 'start' });
      p.listener({ stage, state: 'end', counts: stage === 'write' ? { files: 12, changed: 1 } : { objects: 40 } });
    }
    expect(out).toBe('');
    expect(p.summary()).toBe('collected 40 objects; rendered 40 objects; checked 40 objects; compared with the committed tree 40 objects; wrote 12 files, 1 changed');
    expect(formatCounts({ repos: 1 })).toBe('1 repo');
    expect(formatCounts({})).toBe('');
  });

  test('a stage that throws clears the running line', () => {
    let out = '';
    const p = new ProgressRenderer({ command: 'graph', write: (s) => (out += s), interactive: true, clock });
    expect(() => p.stage('read', () => {
      throw new Error('bad YAML');
    })).toThrow('bad YAML');
    expect(out).toBe('graph: reading…\r\x1b[K');
    expect(p.stages).toEqual([]);
  });
});
