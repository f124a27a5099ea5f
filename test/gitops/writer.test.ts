import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MANIFEST_FILE, readManifest, TreeWriter } from '../../lib/gitops/writer';
import { folderClusterRecord, manifestClusterOf, readBaseline, readTree, saveBaseline } from '../../lib/tree';
import { tree } from '../support/tree';

// renameSync can be made to fail on demand, to test the writer's rollback.
let mockFailRename: ((from: string, to: string) => boolean) | undefined;
jest.mock('fs', () => {
  const real = jest.requireActual('fs');
  return {
    ...real,
    renameSync: (from: string, to: string) => {
      if (mockFailRename?.(String(from), String(to))) throw new Error('disk full');
      return real.renameSync(from, to);
    },
  };
});

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'writer-'));
}


function write(target: string, files: Record<string, string>) {
  const w = new TreeWriter(target);
  for (const [rel, content] of Object.entries(files)) w.add(rel, content);
  return w.commit();
}

describe('TreeWriter', () => {
  test('a new target is written with an ownership manifest, and no staging dir is left', () => {
    const root = tmp();
    const target = path.join(root, 'repo');
    const changes = write(target, { 'a/x.yaml': 'x\n', 'b.yaml': 'b\n' });
    expect(changes.created).toEqual(['a/x.yaml', 'b.yaml']);
    expect(tree(target)).toEqual({
      'a/x.yaml': 'x\n',
      'b.yaml': 'b\n',
      [MANIFEST_FILE]: '{\n  "generator": "cdk8s-platform",\n  "files": [\n    "a/x.yaml",\n    "b.yaml"\n  ]\n}\n',
    });
    expect(fs.readdirSync(root)).toEqual(['repo']);
  });

  test('hand-written files survive; owned files no longer produced are deleted with their empty dirs', () => {
    const target = path.join(tmp(), 'repo');
    write(target, { 'apps/old/x.yaml': 'x\n', 'apps/keep.yaml': 'k\n' });
    fs.writeFileSync(path.join(target, 'README.md'), 'mine\n');
    fs.writeFileSync(path.join(target, 'apps', 'notes.txt'), 'mine too\n');
    const changes = write(target, { 'apps/keep.yaml': 'k2\n', 'apps/new.yaml': 'n\n' });
    expect(changes).toEqual({ created: ['apps/new.yaml'], updated: ['apps/keep.yaml'], deleted: ['apps/old/x.yaml'], conflicts: [] });
    expect(tree(target)).toEqual({
      'README.md': 'mine\n',
      'apps/notes.txt': 'mine too\n',
      'apps/keep.yaml': 'k2\n',
      'apps/new.yaml': 'n\n',
      [MANIFEST_FILE]: expect.any(String),
    });
    expect(fs.existsSync(path.join(target, 'apps', 'old'))).toBe(false);
    expect(readManifest(target).files).toEqual(['apps/keep.yaml', 'apps/new.yaml']);
  });

  test('an existing file it did not write is never overwritten', () => {
    const target = path.join(tmp(), 'repo');
    fs.mkdirSync(path.join(target, 'apps'), { recursive: true });
    fs.writeFileSync(path.join(target, 'apps', 'x.yaml'), 'hand-written\n');
    const w = new TreeWriter(target);
    w.add('apps/x.yaml', 'generated\n');
    w.add('apps/y.yaml', 'y\n');
    expect(() => w.commit()).toThrow(
      `refusing to overwrite files that were not written by cdk8s-platform (move them away or remove the objects that produce them):\n  ${target}/apps/x.yaml`,
    );
    expect(tree(target)).toEqual({ 'apps/x.yaml': 'hand-written\n' });
    expect(fs.readdirSync(path.dirname(target))).toEqual(['repo']);
  });

  test('an identical existing file is adopted', () => {
    const target = path.join(tmp(), 'repo');
    fs.mkdirSync(target, { recursive: true });
    fs.writeFileSync(path.join(target, 'x.yaml'), 'same\n');
    const changes = write(target, { 'x.yaml': 'same\n' });
    expect(changes.conflicts).toEqual([]);
    expect(readManifest(target).files).toEqual(['x.yaml']);
  });

  test('abort leaves the previous tree exactly as it was', () => {
    const target = path.join(tmp(), 'repo');
    write(target, { 'x.yaml': 'x\n' });
    const before = tree(target);
    const w = new TreeWriter(target);
    w.add('x.yaml', 'changed\n');
    w.abort();
    expect(tree(target)).toEqual(before);
    expect(fs.readdirSync(path.dirname(target))).toEqual(['repo']);
  });

  test('a failure while moving files in rolls every change back', () => {
    const target = path.join(tmp(), 'repo');
    write(target, { 'a.yaml': 'a\n', 'gone.yaml': 'g\n' });
    const before = tree(target);
    const w = new TreeWriter(target);
    w.add('a.yaml', 'a2\n');
    w.add('b.yaml', 'b\n');
    mockFailRename = (from, to) => to.endsWith('b.yaml') && from.includes('staging');
    try {
      expect(() => w.commit()).toThrow(`writing ${target} failed and was rolled back: moving ${target}/b.yaml failed: disk full`);
    } finally {
      mockFailRename = undefined;
    }
    expect(tree(target)).toEqual(before);
    expect(fs.readdirSync(path.dirname(target))).toEqual(['repo']);
  });

  test('rejects paths outside the repo and the manifest name', () => {
    const w = new TreeWriter(path.join(tmp(), 'repo'));
    expect(() => w.add('../x.yaml', '')).toThrow('invalid output path "../x.yaml": must be a relative path inside the repo');
    expect(() => w.add('/abs.yaml', '')).toThrow('invalid output path "/abs.yaml": must be a relative path inside the repo');
    expect(() => w.add(MANIFEST_FILE, '')).toThrow(`invalid output path "${MANIFEST_FILE}": reserved for the ownership manifest`);
    w.abort();
  });

  test('the manifest records the construct path of each object file; manifests without it are still read', () => {
    const target = path.join(tmp(), 'repo');
    const w = new TreeWriter(target);
    w.addObject('b/configmap-x.yaml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, 'platform/b/x');
    w.addObject('a/namespace-a.yaml', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }, 'platform/a/ns');
    w.add('a/kustomization.yaml', 'resources: []\n');
    w.commit();
    expect(fs.readFileSync(path.join(target, MANIFEST_FILE), 'utf8')).toBe(
      '{\n  "generator": "cdk8s-platform",\n  "files": [\n    "a/kustomization.yaml",\n    "a/namespace-a.yaml",\n    "b/configmap-x.yaml"\n  ],\n' +
        '  "constructPaths": {\n    "a/namespace-a.yaml": "platform/a/ns",\n    "b/configmap-x.yaml": "platform/b/x"\n  }\n}\n',
    );
    fs.writeFileSync(path.join(target, MANIFEST_FILE), '{"generator":"cdk8s-platform","files":["a/namespace-a.yaml"]}');
    expect(readManifest(target)).toEqual({ generator: 'cdk8s-platform', files: ['a/namespace-a.yaml'] });
    fs.writeFileSync(path.join(target, MANIFEST_FILE), '{"generator":"cdk8s-platform","files":[],"constructPaths":{"a":1}}');
    expect(() => readManifest(target)).toThrow(/not a valid ownership manifest/);
  });

  test('the manifest records the clusters of the folders (one entry per cluster root), read back with the tree and kept in the baseline copy', () => {
    const record = folderClusterRecord([
      ['clusters/mgmt', ''], ['apps/a', 'a'], ['apps/a/sub', 'a'], ['apps/a/other', 'b'], ['apps/a/other/own', ''], ['constructor', 'c'], ['2024', 'y'],
    ]);
    expect(record).toEqual({ 'apps/a': 'a', 'apps/a/other': 'b', 'apps/a/other/own': '', constructor: 'c', '2024': 'y' });
    expect(['apps/a/sub/x.yaml', 'apps/a/other/x.yaml', 'apps/a/other/own/x.yaml', 'clusters/mgmt/x.yaml', 'x.yaml', 'constructor/x.yaml', 'toString/x.yaml', '2024/x.yaml'].map((f) => manifestClusterOf(record, f)))
      .toEqual(['a', 'b', '', '', '', 'c', '', 'y']);
    const target = path.join(tmp(), 'repo');
    const w = new TreeWriter(target, undefined, { recordBaseline: true });
    w.setFolderClusters(record);
    w.addObject('apps/a/namespace-a.yaml', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }, 'platform/apps/a/ns');
    const copy = path.join(tmp(), 'copy.json');
    expect(w.writeBaselineCopy(copy)).toBe(true);
    w.commit();
    const text = fs.readFileSync(path.join(target, MANIFEST_FILE), 'utf8');
    // Sorted (integer-like keys first, as JSON.stringify writes them), the same bytes every time.
    expect(text).toContain('"clusters": {\n    "2024": "y",\n    "apps/a": "a",\n    "apps/a/other": "b",\n    "apps/a/other/own": "",\n    "constructor": "c"\n  }\n}\n');
    expect(readManifest(target).clusters).toEqual(record);
    expect(readTree(target).clusters).toEqual(record);
    expect(JSON.parse(fs.readFileSync(copy, 'utf8')).clusters).toEqual(record);
    const state = path.join(tmp(), 'state.json');
    saveBaseline(state, target);
    fs.rmSync(target, { recursive: true });
    expect(readBaseline(target, state).tree.clusters).toEqual(record);
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, MANIFEST_FILE), '{"generator":"cdk8s-platform","files":[],"clusters":{"a":1}}');
    expect(() => readManifest(target)).toThrow(/not a valid ownership manifest/);
  });

  test('a corrupt manifest is an error, not a silent takeover', () => {
    const target = path.join(tmp(), 'repo');
    fs.mkdirSync(target, { recursive: true });
    fs.writeFileSync(path.join(target, MANIFEST_FILE), '{"files": 3}');
    expect(() => readManifest(target)).toThrow(/not a valid ownership manifest/);
  });
});
