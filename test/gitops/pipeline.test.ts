// Synth as a pipeline of stages driven by a typed synth session (no environment variables).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { GitOpsApp, Repo, SynthError, withSynthSession, currentSynthSession, type StageEvent } from '../../lib';
import type { Plan } from '../../lib/safety';
import { parseAppCommand, splitCommand } from '../../lib/cli/app-process';
import { synthFailureLines } from '../../lib/gitops/pipeline/report';
import { guardRepo } from '../../lib/gitops/pipeline/guard';
import type { FolderGroups } from '../../lib/gitops/pipeline/types';
import type { Folder } from '../../lib/gitops/folder';

function app(outdir: string, value = '1'): GitOpsApp {
  const a = new GitOpsApp({ outdir, validation: false, printBaselineReport: false });
  const f = new Repo(a, 'platform').folder('fleet', { namespace: 'fleet' });
  new ApiObject(f, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: value } } as any);
  return a;
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-'));

test('write mode: each stage reports start and end with counts', () => {
  const out = tmp();
  const events: StageEvent[] = [];
  withSynthSession({ mode: 'write', progress: (e) => events.push(e) }, () => app(out).synth());
  const ends = events.filter((e) => e.state === 'end').map((e) => [e.stage, e.counts]);
  expect(ends).toEqual([
    ['collect', { objects: 1, repos: 1 }],
    ['render', { objects: 1, files: 2, repos: 1, problems: 0 }],
    ['check', { problems: 0 }],
    ['guard', { repos: 1, problems: 0 }],
    ['write', { repos: 1, files: 2, changed: 2 }],
  ]);
  expect(events.every((e) => e.state === 'start' || typeof e.ms === 'number')).toBe(true);
  expect(currentSynthSession()).toBeUndefined();
});

test('plan mode: app.synth() writes nothing and hands the plan to the session', () => {
  const out = tmp();
  app(out).synth();
  const before = fs.readFileSync(path.join(out, 'platform', 'fleet', 'configmap-settings.yaml'), 'utf8');
  const plans: Plan[] = [];
  const stages: string[] = [];
  withSynthSession({ mode: 'plan', planBase: out, onPlan: (p) => plans.push(p), progress: (e) => e.state === 'end' && stages.push(e.stage) }, () => {
    // The app's own outdir is elsewhere: the plan reads planBase.
    app(tmp(), '2').synth();
  });
  expect(stages).toEqual(['collect', 'render', 'check', 'read', 'guard', 'plan']);
  expect(plans).toHaveLength(1);
  expect(plans[0].changed).toBe(true);
  expect(plans[0].repos[0].files.updated).toEqual(['fleet/configmap-settings.yaml']);
  expect(fs.readFileSync(path.join(out, 'platform', 'fleet', 'configmap-settings.yaml'), 'utf8')).toBe(before);
});

test('a failing stage ends with its problem count; sessions do not nest and always close', () => {
  const out = tmp();
  const a = app(out);
  new ApiObject(a.node.findChild('platform').node.findChild('fleet') as any, 'dup', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
  const events: StageEvent[] = [];
  expect(() => withSynthSession({ progress: (e) => events.push(e) }, () => a.synth())).toThrow(SynthError);
  expect(events.filter((e) => e.state === 'end').map((e) => [e.stage, e.counts?.problems])).toEqual([['collect', undefined], ['render', 1], ['check', 1]]);
  expect(currentSynthSession()).toBeUndefined();
  expect(() => withSynthSession({}, () => withSynthSession({}, () => 1))).toThrow('withSynthSession: a synth session is already open');
});

test('synth failure lines: each problem once, prefixed, no stack', () => {
  expect(synthFailureLines(new SynthError(['a: x', 'b: y']))).toBe('cdk8s-platform: a: x\ncdk8s-platform: b: y\n');
  expect(synthFailureLines(new Error('boom'))).toBe('cdk8s-platform: boom\n');
});

describe('app commands the CLI runs in a synth session', () => {
  const cwd = '/w';
  test.each([
    ['npx tsx main.ts', { nodeArgs: [], file: '/w/main.ts', args: [] }],
    ['npx --yes tsx src/main.ts --clusters 3', { nodeArgs: [], file: '/w/src/main.ts', args: ['--clusters', '3'] }],
    ['tsx main.ts', { nodeArgs: [], file: '/w/main.ts', args: [] }],
    ['ts-node main.ts', { nodeArgs: [], file: '/w/main.ts', args: [] }],
    ['node main.js', { nodeArgs: [], file: '/w/main.js', args: [] }],
    ['node --max-old-space-size=8192 -r ./setup.js main.js', { nodeArgs: ['--max-old-space-size=8192', '-r', './setup.js'], file: '/w/main.js', args: [] }],
    ['node "/x/node_modules/tsx/dist/cli.mjs" "/w/my app.ts" a', { nodeArgs: [], file: '/w/my app.ts', args: ['a'] }],
  ])('%s', (command, expected) => {
    expect(parseAppCommand(command, cwd)).toEqual(expected);
  });
  test.each(['npm run synth', 'npx tsx main.ts && echo done', 'FOO=1 npx tsx main.ts', 'python main.py', 'npx tsx --tsconfig x.json main.ts', 'node -e "x"'])('not loadable: %s', (command) => {
    expect(parseAppCommand(command, cwd)).toBeUndefined();
  });
  test('splitCommand', () => {
    expect(splitCommand(`a 'b c' "d \\"e\\"" f\\ g`)).toEqual(['a', 'b c', 'd "e"', 'f g']);
    expect(splitCommand('a | b')).toBeUndefined();
    expect(splitCommand('a "$HOME"')).toBeUndefined();
  });
});

test.each(['0', '2'])('with %s worker threads, the recorded baseline copy equals the tree read back, no part file is left, and a re-synth stages only what changed', (threads) => {
  const root = tmp();
  const out = path.join(root, 'out');
  const stateDir = path.join(root, 'state');
  const prev = { state: process.env.CDK8S_PLATFORM_STATE_DIR, threads: process.env.CDK8S_PLATFORM_THREADS };
  process.env.CDK8S_PLATFORM_STATE_DIR = stateDir;
  process.env.CDK8S_PLATFORM_THREADS = threads;
  try {
    const a = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false });
    const repo = new Repo(a, 'platform');
    for (let i = 0; i < 300; i++) {
      const f = repo.folder(`fleet/c${i}`, { namespace: 'fleet' });
      // Over 1 MiB of text in all: the recorder writes its parts in several chunks.
      new ApiObject(f, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `settings-${i}` }, data: { text: `${i}:${'x'.repeat(4000)}` } } as any);
    }
    a.synth();
    const dir = path.join(out, 'platform');
    const [stateFile] = fs.readdirSync(stateDir).map((f) => path.join(stateDir, f));
    const { saveBaseline } = require('../../lib/tree/baseline') as typeof import('../../lib/tree/baseline');
    const reference = path.join(root, 'reference.json');
    saveBaseline(reference, dir);
    const recorded = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    expect(Object.keys(recorded.files)).toHaveLength(600);
    expect(recorded).toEqual(JSON.parse(fs.readFileSync(reference, 'utf8')));
    expect(fs.readdirSync(out).sort()).toEqual(['platform']);
    expect(fs.readdirSync(stateDir)).toEqual([path.basename(stateFile)]);

    // Again, with one object changed: only its file is written; the others keep their mtime.
    const changed = 'fleet/c7/configmap-settings-7.yaml';
    const kept = 'fleet/c8/configmap-settings-8.yaml';
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(dir, kept), old, old);
    const b = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false });
    const repo2 = new Repo(b, 'platform');
    for (let i = 0; i < 300; i++) {
      const f = repo2.folder(`fleet/c${i}`, { namespace: 'fleet' });
      new ApiObject(f, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `settings-${i}` }, data: { text: `${i === 7 ? 'new' : i}:${'x'.repeat(4000)}` } } as any);
    }
    const result = b.synthesize();
    expect(result.repos[0].changes).toEqual({ created: [], updated: [changed], deleted: [], conflicts: [] });
    expect(Math.round(fs.statSync(path.join(dir, kept)).mtimeMs)).toBe(old.getTime());
    expect(fs.readFileSync(path.join(dir, changed), 'utf8')).toContain('text: new:');
    saveBaseline(reference, dir);
    expect(JSON.parse(fs.readFileSync(stateFile, 'utf8'))).toEqual(JSON.parse(fs.readFileSync(reference, 'utf8')));
    expect(fs.readdirSync(out).sort()).toEqual(['platform']);
  } finally {
    for (const [k, v] of [['CDK8S_PLATFORM_STATE_DIR', prev.state], ['CDK8S_PLATFORM_THREADS', prev.threads]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test.each(['0', '2'])('with %s worker threads, a kustomization.yml or Kustomization of the repo beside a folder\'s kustomization.yaml stops the synth (kustomize fails on the folder)', (threads) => {
  const root = tmp();
  const out = path.join(root, 'out');
  const prev = { state: process.env.CDK8S_PLATFORM_STATE_DIR, threads: process.env.CDK8S_PLATFORM_THREADS };
  process.env.CDK8S_PLATFORM_STATE_DIR = path.join(root, 'state');
  process.env.CDK8S_PLATFORM_THREADS = threads;
  const app = () => {
    const a = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false });
    const repo = new Repo(a, 'platform');
    for (let i = 0; i < 300; i++) {
      const f = repo.folder(`fleet/c${i}`, { namespace: 'fleet' });
      new ApiObject(f, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `settings-${i}` }, data: { text: `${i}:${'x'.repeat(4000)}` } } as any);
    }
    return a;
  };
  try {
    app().synth();
    const dir = path.join(out, 'platform');
    fs.writeFileSync(path.join(dir, 'fleet/c3/kustomization.yml'), 'resources:\n  - old.yaml\n');
    fs.writeFileSync(path.join(dir, 'fleet/c5/Kustomization'), 'resources:\n  - old.yaml\n');
    // A directory of that name is no kustomization file.
    fs.mkdirSync(path.join(dir, 'fleet/c6/Kustomization'));
    const before = fs.readFileSync(path.join(dir, 'fleet/c3/kustomization.yaml'), 'utf8');
    const fix = 'move its entries into the app (Folder.addResource; { userOwned: true } for files you keep in the repo yourself) and delete it';
    const why = 'synth writes kustomization.yaml beside it, and kustomize fails on a directory with more than one kustomization file ("Found multiple kustomization files"), so would every Flux build of the folder';
    expect(() => app().synth()).toThrow(
      `${path.join(dir, 'fleet/c3/kustomization.yml')}: ${why}: ${fix}\n  ${path.join(dir, 'fleet/c5/Kustomization')}: ${why}: ${fix}`,
    );
    expect(fs.readFileSync(path.join(dir, 'fleet/c3/kustomization.yaml'), 'utf8')).toBe(before);
    fs.rmSync(path.join(dir, 'fleet/c3/kustomization.yml'));
    fs.rmSync(path.join(dir, 'fleet/c5/Kustomization'));
    expect(app().synthesize().repos[0].changes).toEqual({ created: [], updated: [], deleted: [], conflicts: [] });
  } finally {
    for (const [k, v] of [['CDK8S_PLATFORM_STATE_DIR', prev.state], ['CDK8S_PLATFORM_THREADS', prev.threads]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

/** A staging directory and a target holding `a/one.yaml` with the bytes the pool writes for `{ kind: 'ConfigMap', data: { k: 'v' } }`. */
function stagedTreeFixture(): { root: string; staging: string; target: string } {
  const root = tmp();
  const staging = path.join(root, 'state', 'staging');
  const target = path.join(root, 'target');
  fs.mkdirSync(staging, { recursive: true });
  fs.mkdirSync(path.join(target, 'a'), { recursive: true });
  fs.writeFileSync(path.join(target, 'a/one.yaml'), 'kind: ConfigMap\ndata:\n  k: v\n');
  return { root, staging, target };
}

test('the pool records the files of a staged tree in part files beside it, and does not stage those the target already has byte for byte', () => {
  const { YamlFilePool, BASELINE_PART } = require('../../lib/gitops/yaml-pool') as typeof import('../../lib/gitops/yaml-pool');
  for (const threads of [0, 2]) {
    const { root, staging, target } = stagedTreeFixture(); // a/one.yaml: the same bytes
    fs.writeFileSync(path.join(target, 'a/kustomization.yaml'), 'resources: []\n'); // different
    const tree = { dir: staging, record: true, target };
    const pool = new YamlFilePool(threads);
    pool.write(path.join(staging, 'a/one.yaml'), { kind: 'ConfigMap', data: { k: 'v' } }, tree);
    pool.writeText(path.join(staging, 'a/kustomization.yaml'), 'resources:\n  - one.yaml\n', tree);
    pool.writeText(path.join(staging, 'b/new.yaml'), 'x: 1\n', tree);
    pool.writeText(path.join(staging, 'unrecorded.txt'), 'x');
    pool.finish();
    expect(pool.recorded).toBe(true);
    expect([...pool.unchangedIn(staging)]).toEqual(['a/one.yaml']);
    expect(fs.existsSync(path.join(staging, 'a/one.yaml'))).toBe(false);
    expect(fs.readFileSync(path.join(staging, 'a/kustomization.yaml'), 'utf8')).toBe('resources:\n  - one.yaml\n');
    const parts = fs.readdirSync(path.join(root, 'state')).filter((f) => BASELINE_PART.test(f));
    expect(parts.length).toBeGreaterThan(0);
    const members = JSON.parse(`{${parts.map((f) => fs.readFileSync(path.join(root, 'state', f), 'utf8')).join('').slice(1)}}`);
    expect(members).toEqual({ 'a/one.yaml': 'kind: ConfigMap\ndata:\n  k: v\n', 'a/kustomization.yaml': 'resources:\n  - one.yaml\n', 'b/new.yaml': 'x: 1\n' });
  }
});

test('the pool gives the git blob id of every file of a tree that asks for it, written or found unchanged, on workers or inline', () => {
  const { YamlFilePool } = require('../../lib/gitops/yaml-pool') as typeof import('../../lib/gitops/yaml-pool');
  const hashObject = (text: string) => execFileSync('git', ['hash-object', '--stdin'], { input: text }).toString().trim();
  for (const threads of [0, 2]) {
    const { root, staging, target } = stagedTreeFixture(); // a/one.yaml: the same bytes, not staged
    const pool = new YamlFilePool(threads);
    pool.write(path.join(staging, 'a/one.yaml'), { kind: 'ConfigMap', data: { k: 'v' } }, { dir: staging, target, blobIds: true });
    pool.write(path.join(staging, 'a/two.yaml'), { kind: 'ConfigMap', data: { k: 'grüße ✓' } }, { dir: staging, target, blobIds: true });
    pool.writeText(path.join(staging, 'empty.yaml'), '', { dir: staging, target, blobIds: true });
    pool.writeText(path.join(staging, 'not-asked.yaml'), 'x: 1\n', { dir: staging, target });
    pool.finish();
    expect(Object.fromEntries(pool.blobIdsIn(staging))).toEqual({
      'a/one.yaml': hashObject('kind: ConfigMap\ndata:\n  k: v\n'),
      'a/two.yaml': hashObject(fs.readFileSync(path.join(staging, 'a/two.yaml'), 'utf8')),
      'empty.yaml': 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391', // git's empty blob
    });
    expect(pool.blobIdsIn(path.join(root, 'elsewhere')).size).toBe(0);
  }
});

test('the baseline copy a synth keeps is recorded as files are written (never read back), holds what saveBaseline holds, and is read back as the tree', () => {
  const root = tmp();
  const out = path.join(root, 'out');
  const stateDir = path.join(root, 'state');
  const prev = process.env.CDK8S_PLATFORM_STATE_DIR;
  process.env.CDK8S_PLATFORM_STATE_DIR = stateDir;
  try {
    const a = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false });
    const repo = new Repo(a, 'platform');
    for (const name of ['a', 'b', '10']) {
      const f = repo.folder(`fleet/${name}`, { namespace: 'fleet' });
      new ApiObject(f, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `settings-${name}` }, data: { text: 'line "one"\n\u00e9\u2028 \\ end' } } as any);
    }
    a.synth();
    const dir = path.join(out, 'platform');
    const [stateFile] = fs.readdirSync(stateDir).map((f) => path.join(stateDir, f));
    const recorded = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    const { saveBaseline, readBaseline } = require('../../lib/tree/baseline') as typeof import('../../lib/tree/baseline');
    const reference = path.join(root, 'reference.json');
    saveBaseline(reference, dir);
    expect(recorded).toEqual(JSON.parse(fs.readFileSync(reference, 'utf8')));
    expect(recorded.dir).toBe(dir);
    expect(recorded.files['fleet/a/configmap-settings-a.yaml']).toBe(fs.readFileSync(path.join(dir, 'fleet/a/configmap-settings-a.yaml'), 'utf8'));
    // No part file of the recording is left behind.
    expect(fs.readdirSync(out).filter((f) => f !== 'platform')).toEqual([]);
    // With the tree on disk gone (`cdk8s synth` empties the output directory), it is the baseline.
    fs.rmSync(dir, { recursive: true, force: true });
    const b = readBaseline(dir, stateFile);
    expect(b.source).toBe('saved');
    // In the order the manifest lists them (sorted), whatever order they were recorded in.
    expect([...b.tree.files.keys()]).toEqual([
      'fleet/10/configmap-settings-10.yaml', 'fleet/10/kustomization.yaml', 'fleet/a/configmap-settings-a.yaml', 'fleet/a/kustomization.yaml',
      'fleet/b/configmap-settings-b.yaml', 'fleet/b/kustomization.yaml',
    ]);
    expect(b.tree.files.get('fleet/a/configmap-settings-a.yaml')).toContain('settings-a');
  } finally {
    if (prev === undefined) delete process.env.CDK8S_PLATFORM_STATE_DIR;
    else process.env.CDK8S_PLATFORM_STATE_DIR = prev;
  }
});

test('the guard scopes a file to the deepest folder of the app it lies in (folder boundaries only); files of removed folders to their directory', () => {
  const folder = (p: string) => ({ path: p }) as unknown as Folder;
  const [root, apps, appsDev, appsDevb, dup] = [folder('fleet'), folder('fleet/apps'), folder('fleet/apps/dev'), folder('fleet/apps/devb'), folder('fleet/apps')];
  const repo = { node: { id: 'platform' }, dir: 'platform' } as unknown as Repo;
  const groups = {
    repos: [{ repo, folders: [root, appsDevb, apps, dup, appsDev] }],
    clusters: new Map<Folder, string>([[root, ''], [apps, 'apps-cluster'], [dup, 'duplicate'], [appsDev, 'dev'], [appsDevb, 'devb']]),
  } as unknown as FolderGroups;
  const { clusterOf } = guardRepo(repo, groups, { files: new Map(), constructPaths: {} }, { objects: [], kustomizeFiles: new Map() });
  expect(clusterOf('fleet/x.yaml')).toBe('');
  expect(clusterOf('fleet/apps/x.yaml')).toBe('apps-cluster'); // the first of two folders with one path
  expect(clusterOf('fleet/apps/dev/x.yaml')).toBe('dev');
  expect(clusterOf('fleet/apps/dev/sub/deeper/x.yaml')).toBe('dev');
  expect(clusterOf('fleet/apps/devb/x.yaml')).toBe('devb');
  expect(clusterOf('fleet/apps/devc/x.yaml')).toBe('apps-cluster');
  expect(clusterOf('fleetx/x.yaml')).toBe('fleetx');
  expect(clusterOf('gone/old/x.yaml')).toBe('gone/old');
  expect(clusterOf('x.yaml')).toBe('x.yaml');
});
