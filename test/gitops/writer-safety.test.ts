// The writer stays in its repo: links, special files, bad manifest entries, system errors,
// nested repos; and it only rewrites what changed.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { GitOpsApp, Repo, SynthError } from '../../lib';
import { MANIFEST_FILE, TreeWriter } from '../../lib/gitops/writer';
import { tree } from '../support/tree';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'writer-safety-'));

function write(target: string, files: Record<string, string>) {
  const w = new TreeWriter(target);
  for (const [rel, content] of Object.entries(files)) w.add(rel, content);
  return w.commit();
}

const LINK_HINT = 'synth never writes or deletes through links (they may point out of the repo): replace it with a real directory or file, or change the folder path';

describe('symbolic links are never followed out of the repo', () => {
  test('a symlinked folder on the write path is refused; nothing is written through it', () => {
    const root = tmp();
    const target = path.join(root, 'repo');
    const outside = path.join(root, 'outside');
    fs.mkdirSync(outside);
    write(target, { 'apps/a.yaml': 'a\n' });
    fs.symlinkSync(outside, path.join(target, 'clusters'));
    const w = new TreeWriter(target);
    w.add('apps/a.yaml', 'a\n');
    w.add('clusters/x.yaml', 'x\n');
    expect(() => w.commit()).toThrow(`${target}/clusters: is a symbolic link; ${LINK_HINT}`);
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(fs.readdirSync(root).sort()).toEqual(['outside', 'repo']);
  });

  // The pool compares each file with the target where it is serialized (inline or on a worker),
  // without following links: a link to the very bytes the synth writes is not taken for the file.
  test.each([
    ['other bytes', 'changed\n', 0],
    ['the very bytes the synth writes, inline', 'keep\n', 0],
    ['the very bytes the synth writes, on a worker', 'keep\n', 1],
  ])('a symlinked file is refused, not overwritten: %s', (_, content, threads) => {
    const { YamlFilePool } = require('../../lib/gitops/yaml-pool') as typeof import('../../lib/gitops/yaml-pool');
    const root = tmp();
    const target = path.join(root, 'repo');
    write(target, { 'a.yaml': 'a\n' });
    fs.writeFileSync(path.join(root, 'victim'), 'keep\n');
    fs.rmSync(path.join(target, 'a.yaml'));
    fs.symlinkSync(path.join(root, 'victim'), path.join(target, 'a.yaml'));
    const pool = new YamlFilePool(threads);
    const w = new TreeWriter(target, pool);
    w.add('a.yaml', content);
    pool.finish();
    expect(w.unchangedFiles.size).toBe(0);
    expect(() => w.commit()).toThrow(`${target}/a.yaml: is a symbolic link; ${LINK_HINT}`);
    expect(fs.readFileSync(path.join(root, 'victim'), 'utf8')).toBe('keep\n');
    expect(fs.lstatSync(path.join(target, 'a.yaml')).isSymbolicLink()).toBe(true);
  });

  test('an owned file behind a symlinked folder is not deleted through it', () => {
    const root = tmp();
    const target = path.join(root, 'repo');
    write(target, { 'apps/a.yaml': 'a\n', 'keep.yaml': 'k\n' });
    const outside = path.join(root, 'outside');
    fs.renameSync(path.join(target, 'apps'), outside);
    fs.symlinkSync(outside, path.join(target, 'apps'));
    const w = new TreeWriter(target);
    w.add('keep.yaml', 'k\n');
    expect(() => w.commit()).toThrow(
      `${target}/${MANIFEST_FILE}: lists "apps/a.yaml", which is behind the symbolic link ${target}/apps; synth does not delete through links: remove the entry or the link`,
    );
    expect(fs.readFileSync(path.join(outside, 'a.yaml'), 'utf8')).toBe('a\n');
  });
});

describe('ownership manifest entries', () => {
  const manifest = (files: string[]) => JSON.stringify({ generator: 'cdk8s-platform', files });

  test.each(['../outside.yaml', '/etc/passwd', 'a/../../x.yaml', 'a\\..\\..\\x'])('an entry outside the repo (%j) is refused and nothing is deleted', (entry) => {
    const root = tmp();
    const target = path.join(root, 'repo');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(root, 'outside.yaml'), 'keep\n');
    fs.writeFileSync(path.join(target, MANIFEST_FILE), manifest([entry]));
    const w = new TreeWriter(target);
    w.add('a.yaml', 'a\n');
    expect(() => w.commit()).toThrow(`${target}/${MANIFEST_FILE}: lists "${entry}", which is not a path inside the repo; remove the entry (the file is not touched)`);
    expect(fs.readFileSync(path.join(root, 'outside.yaml'), 'utf8')).toBe('keep\n');
    expect(fs.readdirSync(root).sort()).toEqual(['outside.yaml', 'repo']);
  });

  test('an entry naming a FIFO is refused (and never opened)', () => {
    const target = path.join(tmp(), 'repo');
    fs.mkdirSync(target);
    execFileSync('mkfifo', [path.join(target, 'pipe.yaml')]);
    fs.writeFileSync(path.join(target, MANIFEST_FILE), manifest(['pipe.yaml']));
    const w = new TreeWriter(target);
    w.add('a.yaml', 'a\n');
    expect(() => w.commit()).toThrow(
      `${target}/${MANIFEST_FILE}: lists "pipe.yaml", which is not a regular file (a FIFO, socket or device); synth only deletes regular files it wrote: remove the entry from the manifest`,
    );
    expect(fs.lstatSync(path.join(target, 'pipe.yaml')).isFIFO()).toBe(true);
  });

  test('a FIFO or link in place of the manifest is refused', () => {
    const target = path.join(tmp(), 'repo');
    fs.mkdirSync(target);
    execFileSync('mkfifo', [path.join(target, MANIFEST_FILE)]);
    const w = new TreeWriter(target);
    w.add('a.yaml', 'a\n');
    expect(() => w.commit()).toThrow(`${target}/${MANIFEST_FILE}: the ownership manifest is not a regular file; replace it with the file from Git or delete it`);
  });
});

describe('system errors become one-line messages, with nothing temporary left', () => {
  test('ENAMETOOLONG names the repo file and the fix', () => {
    const root = tmp();
    const target = path.join(root, 'repo');
    const w = new TreeWriter(target);
    const long = `${'x'.repeat(300)}.yaml`;
    expect(() => w.add(`apps/${long}`, 'x\n')).toThrow(
      `writing ${target}/apps/${long} failed (ENAMETOOLONG): the path is too long for the file system; shorten the folder path or the object name`,
    );
    w.abort();
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('ENOTDIR (the parent directory is a file) is a message, at synth through the app', () => {
    const root = tmp();
    fs.writeFileSync(path.join(root, 'platform'), 'a file where the repo should go\n');
    const app = new GitOpsApp({ outdir: path.join(root, 'platform', 'sub'), printBaselineReport: false });
    new ApiObject(new Repo(app, 'r').folder('apps'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'x' } });
    expect(() => app.synth()).toThrow(
      `creating ${root}/platform/sub failed (ENOTDIR): a parent of it is a file, not a directory; move that file away or change the folder path`,
    );
    expect(fs.readdirSync(root)).toEqual(['platform']);
  });
});

describe('GitOpsApp', () => {
  test('nested repos are an error', () => {
    const outdir = tmp();
    const app = new GitOpsApp({ outdir, printBaselineReport: false });
    new Repo(app, 'outer', { dir: 'platform' });
    new Repo(app, 'inner', { dir: 'platform/teams' });
    expect(() => app.synth()).toThrow(
      new SynthError([`inner: writes to ${outdir}/platform/teams, inside the repo outer (${outdir}/platform); repos cannot be nested: give them sibling "dir"s`]),
    );
  });

  test('nested and shared repo directories: each nesting named once, against the last repo of a shared directory', () => {
    const outdir = tmp();
    const app = new GitOpsApp({ outdir, printBaselineReport: false });
    // a twice; a-b beside a (a prefix as a string, not a parent); a/b and a/b/c/d below a.
    for (const [id, dir] of [['ab', 'a/b'], ['a', 'a'], ['aa', 'a'], ['a-b', 'a-b'], ['abcd', 'a/b/c/d'], ['x', 'x']]) new Repo(app, id, { dir });
    const d = (p: string) => `${outdir}/${p}`;
    let problems: readonly string[] = [];
    try {
      app.synth();
    } catch (e) {
      problems = (e as SynthError).problems;
    }
    expect(problems).toEqual([
      `aa: writes to ${d('a')}, like a; give each repo its own "dir"`,
      `ab: writes to ${d('a/b')}, inside the repo aa (${d('a')}); repos cannot be nested: give them sibling "dir"s`,
      `abcd: writes to ${d('a/b/c/d')}, inside the repo aa (${d('a')}); repos cannot be nested: give them sibling "dir"s`,
      `abcd: writes to ${d('a/b/c/d')}, inside the repo ab (${d('a/b')}); repos cannot be nested: give them sibling "dir"s`,
    ]);
  });

  test('a changed cluster rewrites only its files: the others keep their bytes and mtime', () => {
    const outdir = tmp();
    const build = (version: string) => {
      const app = new GitOpsApp({ outdir, printBaselineReport: false });
      const repo = new Repo(app, 'platform');
      for (let c = 0; c < 20; c++) {
        const f = repo.folder(`clusters/c${c}`);
        for (let i = 0; i < 5; i++) {
          new ApiObject(f, `cm${i}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm${i}`, namespace: `c${c}` }, data: { v: c === 7 && i === 0 ? version : 'same' } });
        }
      }
      return app.synthesize().repos[0].changes;
    };
    build('1');
    const dir = path.join(outdir, 'platform');
    const old = new Date('2020-01-01T00:00:00Z');
    for (const rel of Object.keys(tree(dir))) fs.utimesSync(path.join(dir, rel), old, old);
    const before = tree(dir);
    const changes = build('2');
    expect(changes).toEqual({ created: [], updated: ['clusters/c7/configmap-cm0.yaml'], deleted: [], conflicts: [] });
    const after = tree(dir);
    for (const rel of Object.keys(before)) {
      const changed = rel === 'clusters/c7/configmap-cm0.yaml';
      if (!changed) {
        expect(after[rel]).toBe(before[rel]);
        expect(fs.statSync(path.join(dir, rel)).mtime).toEqual(old);
      }
    }
    expect(fs.readdirSync(outdir)).toEqual(['platform']);
    // A synth without changes touches nothing, not even the manifest.
    expect(build('2')).toEqual({ created: [], updated: [], deleted: [], conflicts: [] });
    expect(fs.statSync(path.join(dir, MANIFEST_FILE)).mtime).toEqual(old);
  });
});

describe('prototype keys in user values', () => {
  const HINT = 'rename the key, or pass the data as a file (a ConfigMap generator, HelmRelease valuesFrom)';
  test('__proto__ and constructor are refused with their field, never a crash; prototype is data', () => {
    const outdir = tmp();
    const app = new GitOpsApp({ outdir, printBaselineReport: false });
    const f = new Repo(app, 'platform').folder('apps', { namespace: 'team-a' });
    new ApiObject(f, 'cm', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', labels: JSON.parse('{"constructor":"a"}') },
      data: JSON.parse('{"constructor":"x","__proto__":"p"}'),
    });
    new ApiObject(f, 'hr', {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'hr' },
      spec: { interval: '10m', chart: { spec: { chart: 'x', sourceRef: { kind: 'HelmRepository', name: 'r' } } }, values: JSON.parse('{"db":{"__proto__":{"polluted":"yes"}}}') },
    });
    expect(() => app.synth()).toThrow(
      new SynthError([
        `platform/apps/cm: ConfigMap "cm": metadata.labels.constructor: a key named "constructor" cannot be rendered (cdk8s drops "__proto__" and fails on "constructor"); ${HINT}`,
        `platform/apps/cm: ConfigMap "cm": data.constructor: a key named "constructor" cannot be rendered (cdk8s drops "__proto__" and fails on "constructor"); ${HINT}`,
        `platform/apps/cm: ConfigMap "cm": data.__proto__: a key named "__proto__" cannot be rendered (cdk8s drops "__proto__" and fails on "constructor"); ${HINT}`,
        `platform/apps/hr: HelmRelease "hr": spec.values.db.__proto__: a key named "__proto__" cannot be rendered (cdk8s drops "__proto__" and fails on "constructor"); ${HINT}`,
      ]),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('a key named prototype is written as data', () => {
    const outdir = tmp();
    const app = new GitOpsApp({ outdir, printBaselineReport: false });
    const f = new Repo(app, 'platform').folder('apps', { namespace: 'team-a' });
    new ApiObject(f, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: JSON.parse('{"prototype":"x","toString":"y"}') });
    app.synth();
    expect(fs.readFileSync(path.join(outdir, 'platform/apps/configmap-cm.yaml'), 'utf8')).toBe(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: team-a\ndata:\n  prototype: x\n  toString: "y"\n',
    );
  });
});
