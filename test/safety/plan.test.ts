// The plan: objects created, updated (field diff), deleted and renamed, against the files on disk
// or at a git revision.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { GitOpsApp, Repo } from '../../lib';
import { diffObjects, formatPlan, planTrees, readTree, readTreeAtRef, TreeSnapshot } from '../../lib/safety';
import { LazyFiles, listedFiles, readTreesAtRef } from '../../lib/tree/read';
import { guardApp, nextTreeOfSnapshot } from '../../lib/safety/guard';
import { gitHeadTree, mayBeInGit } from '../../lib/tree/baseline';
import { fleetApp, tmp } from './helpers';

const snapshot = (files: Record<string, string>, constructPaths: Record<string, string> = {}): TreeSnapshot => ({ files: new Map(Object.entries(files)), constructPaths });
const cm = (name: string, data: Record<string, string>, ns = 'apps') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n${Object.entries(data).map(([k, v]) => `  ${k}: "${v}"\n`).join('')}`;

describe('planTrees', () => {
  test('created, updated with a field diff, deleted, renamed; unchanged objects are left out', () => {
    const old = snapshot(
      {
        'apps/configmap-same.yaml': cm('same', { a: '1' }),
        'apps/configmap-changed.yaml': cm('changed', { a: '1', gone: 'x' }),
        'apps/configmap-old.yaml': cm('old', { a: '1' }),
        'apps/configmap-before.yaml': cm('before', { a: '1' }),
        'apps/kustomization.yaml': 'resources: []\n',
      },
      { 'apps/configmap-before.yaml': 'platform/apps/renamed' },
    );
    const next = snapshot(
      {
        'apps/configmap-same.yaml': cm('same', { a: '1' }),
        'apps/configmap-changed.yaml': cm('changed', { a: '2', added: 'y' }),
        'apps/configmap-new.yaml': cm('new', { a: '1' }),
        'apps/configmap-after.yaml': cm('after', { a: '1' }),
        'apps/kustomization.yaml': 'resources: [x]\n',
      },
      { 'apps/configmap-after.yaml': 'platform/apps/renamed', 'apps/configmap-new.yaml': 'platform/apps/new' },
    );
    const plan = planTrees(old, next, { dir: 'platform' });
    expect(plan.files).toEqual({
      created: ['apps/configmap-after.yaml', 'apps/configmap-new.yaml'],
      updated: ['apps/configmap-changed.yaml', 'apps/kustomization.yaml'],
      deleted: ['apps/configmap-before.yaml', 'apps/configmap-old.yaml'],
    });
    expect(plan.changes.map((c) => [c.action, c.previous?.id, c.object.id, c.object.file])).toEqual([
      ['rename', 'ConfigMap/apps/before', 'ConfigMap/apps/after', 'apps/configmap-after.yaml'],
      ['update', 'ConfigMap/apps/changed', 'ConfigMap/apps/changed', 'apps/configmap-changed.yaml'],
      ['create', undefined, 'ConfigMap/apps/new', 'apps/configmap-new.yaml'],
      ['delete', undefined, 'ConfigMap/apps/old', 'apps/configmap-old.yaml'],
    ]);
    expect(plan.changes[1].diff).toEqual([
      { path: 'data.a', op: 'change', old: '1', new: '2' },
      { path: 'data.added', op: 'add', new: 'y' },
      { path: 'data.gone', op: 'remove', old: 'x' },
    ]);
    expect(plan.changes.every((c) => c.protection === undefined && c.blocked === undefined)).toBe(true);
  });

  test('files with the same bytes on both sides are not parsed; only the files that differ are', () => {
    // An unchanged file is not even parsed (its invalid YAML goes unnoticed); a changed one is.
    const broken = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {\n';
    const old = snapshot({ 'apps/broken.yaml': broken, 'apps/configmap-a.yaml': cm('a', { a: '1' }) });
    expect(planTrees(old, snapshot({ 'apps/broken.yaml': broken, 'apps/configmap-a.yaml': cm('a', { a: '1' }) })).changes).toEqual([]);
    expect(() => planTrees(old, snapshot({ 'apps/broken.yaml': `${broken}x\n`, 'apps/configmap-a.yaml': cm('a', { a: '1' }) }))).toThrow('apps/broken.yaml: invalid YAML');
    // A move between files is still an update (moved), and an object of a changed file that
    // stays in place pairs with itself.
    const moved = planTrees(
      snapshot({ 'a/configmap-x.yaml': cm('x', { a: '1' }), 'a/configmap-y.yaml': cm('y', { a: '1' }), 'a/configmap-z.yaml': cm('z', { a: '1' }) }),
      snapshot({ 'b/configmap-x.yaml': cm('x', { a: '1' }), 'a/configmap-y.yaml': cm('y', { a: '2' }), 'a/configmap-z.yaml': cm('z', { a: '1' }) }),
    );
    expect(moved.changes.map((c) => [c.action, c.object.id, c.object.file, c.previous?.file, c.diff?.length])).toEqual([
      ['update', 'ConfigMap/apps/y', 'a/configmap-y.yaml', 'a/configmap-y.yaml', 1],
      ['update', 'ConfigMap/apps/x', 'b/configmap-x.yaml', 'a/configmap-x.yaml', 0],
    ]);
    // A file of several objects, and a deleted Namespace that still holds a protected object of an
    // unchanged file: the whole trees are read for it.
    const ns = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n';
    const db = 'apiVersion: dbforpostgresql.azure.com/v1api20240801\nkind: FlexibleServer\nmetadata:\n  name: orders\n  namespace: apps\nspec: {}\n';
    const gone = planTrees(snapshot({ 'ns.yaml': ns, 'db.yaml': db, 'two.yaml': `${cm('p', { a: '1' })}---\n${cm('q', { a: '1' })}` }), snapshot({ 'db.yaml': db, 'two.yaml': cm('p', { a: '1' }) }));
    expect(gone.changes.map((c) => [c.action, c.object.id, c.protection])).toEqual([
      ['delete', 'Namespace/apps', ['holds protected objects (deleting a Namespace deletes everything in it): FlexibleServer/apps/orders']],
      ['delete', 'ConfigMap/apps/q', undefined],
    ]);
  });

  test('diffs index lists, quote odd keys, and never show Secret values', () => {
    expect(
      diffObjects(
        { apiVersion: 'v1', kind: 'Secret', metadata: { annotations: { 'a/b': 'x' } }, data: { k: 'b2xk' }, spec: { l: [1, 2] } },
        { apiVersion: 'v1', kind: 'Secret', metadata: { annotations: { 'a/b': 'y' } }, data: { k: 'bmV3' }, spec: { l: [1, 3, 4] } },
      ),
    ).toEqual([
      { path: 'data.k', op: 'change', old: '(sensitive)', new: '(sensitive)' },
      { path: 'metadata.annotations["a/b"]', op: 'change', old: 'x', new: 'y' },
      { path: 'spec.l[1]', op: 'change', old: 2, new: 3 },
      { path: 'spec.l[2]', op: 'add', new: 4 },
    ]);
  });
});

test('lists of named items are paired by name: removing one is one change; other lists by index', () => {
  const c = (name: string, image: string) => ({ name, image });
  const o = (rest: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', ...rest });
  expect(
    diffObjects(
      o({ spec: { containers: [c('a', 'a:1'), c('b', 'b:1'), c('c', 'c:1')], args: ['x', 'y'] } }),
      o({ spec: { containers: [c('a', 'a:1'), c('c', 'c:2'), c('d', 'd:1')], args: ['y'] } }),
    ),
  ).toEqual([
    { path: 'spec.args[0]', op: 'change', old: 'x', new: 'y' },
    { path: 'spec.args[1]', op: 'remove', old: 'y' },
    { path: 'spec.containers[name="b"]', op: 'remove', old: c('b', 'b:1') },
    { path: 'spec.containers[name="c"].image', op: 'change', old: 'c:1', new: 'c:2' },
    { path: 'spec.containers[name="d"]', op: 'add', new: c('d', 'd:1') },
  ]);
  // From or to an empty list; duplicate names fall back to indexes.
  expect(diffObjects(o({ l: [] }), o({ l: [c('a', 'a:1')] }))).toEqual([{ path: 'l[name="a"]', op: 'add', new: c('a', 'a:1') }]);
  expect(diffObjects(o({ l: [c('a', '1'), c('a', '2')] }), o({ l: [c('a', '1')] }))).toEqual([{ path: 'l[1]', op: 'remove', old: c('a', '2') }]);
});

describe('GitOpsApp.plan', () => {
  test('compares with the tree on disk; human output names each change and each blocked object', () => {
    const out = tmp();
    fleetApp(out, { cluster: 'dev-1' }).synth();
    expect(fleetApp(out, { cluster: 'dev-1' }).plan()).toEqual({
      repos: [{ dir: 'platform', changes: [], files: { created: [], updated: [], deleted: [] } }],
      changed: false,
      blocked: [],
    });
    const plan = fleetApp(out, { cluster: 'dev-2', retained: false, value: '2', allowDestroy: ['ConfigMap/fleet/retained'] }).plan();
    expect(plan.changed).toBe(true);
    expect(plan.blocked.map((b) => [b.dir, b.action, b.previous?.id])).toEqual([['platform', 'rename', 'Cluster/fleet/dev-1']]);
    expect(formatPlan(plan)).toBe(
      [
        'platform:',
        '  > Cluster/fleet/dev-1 -> Cluster/fleet/dev-2  clusters/fleet/cluster-dev-2.yaml (was clusters/fleet/cluster-dev-1.yaml)  [platform/clusters/fleet/dev]',
        '      BLOCKED: protected: stateful kind cluster.x-k8s.io/Cluster; retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false)',
        '      ~ metadata.name: "dev-1" -> "dev-2"',
        '  ~ ConfigMap/fleet/plain  clusters/fleet/configmap-plain.yaml  [platform/clusters/fleet/plain]',
        '      ~ data.a: "1" -> "2"',
        '  - ConfigMap/fleet/retained  clusters/fleet/configmap-retained.yaml  [platform/clusters/fleet/retained]',
        '      allowed: protected: retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false)',
        '  ~ clusters/fleet/kustomization.yaml',
        'plan: 0 to create, 1 to update, 1 to delete, 1 to rename; 1 protected deletion(s) not allowed',
        'error: platform/clusters/fleet/dev (platform/clusters/fleet/cluster-dev-1.yaml): Cluster/fleet/dev-1 would be renamed to ' +
          'Cluster/fleet/dev-2 (the old object is retained: it stays on the cluster, out of Git, beside the new one), but it is protected: stateful kind cluster.x-k8s.io/Cluster; retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false). ' +
          "To allow it, add 'platform::Cluster/fleet/dev-1' to the GitOpsApp prop allowDestroy or pass --allow-destroy platform::Cluster/fleet/dev-1",
        '',
      ].join('\n'),
    );
    // Nothing was written.
    expect(fs.readFileSync(path.join(out, 'platform/clusters/fleet/configmap-plain.yaml'), 'utf8')).toContain('a: "1"');
  });

  test('a construct id renamed: only the ownership manifest changes, which plan lists (and counts as a change, as synth --check does)', () => {
    const out = tmp();
    const app = (id: string) => {
      const a = new GitOpsApp({ outdir: out, printBaselineReport: false, validation: false });
      new ApiObject(new Repo(a, 'r').folder('f'), id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'x' } });
      return a;
    };
    app('c').synth();
    const plan = app('settings').plan();
    expect([plan.changed, plan.repos[0].changes, plan.repos[0].files, plan.repos[0].movedConstructs]).toEqual([true, [], { created: [], updated: [], deleted: [] }, 1]);
    expect(formatPlan(plan)).toBe(
      'r:\n  ~ .cdk8s-platform.json (1 file under another construct path: a construct id changed; no object changes with it)\n' +
        'plan: 0 to create, 0 to update, 0 to delete, 0 to rename\n',
    );
    expect(app('c').plan().changed).toBe(false);
  });

  test('a repo that was never written: everything is created', () => {
    const app = new GitOpsApp({ outdir: tmp(), printBaselineReport: false });
    new ApiObject(new Repo(app, 'r').folder('f'), 'c', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    const plan = app.plan();
    expect(plan.repos[0].changes).toEqual([
      { action: 'create', object: { id: 'ConfigMap/c', apiVersion: 'v1', kind: 'ConfigMap', name: 'c', file: 'f/configmap-c.yaml', constructPath: 'r/f/c' } },
    ]);
    expect(plan.repos[0].files.created).toEqual(['f/configmap-c.yaml', 'f/kustomization.yaml']);
  });

  test('--ref: compares with the files committed at a git revision', () => {
    const out = tmp();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: out, encoding: 'utf8' });
    git('init', '-q');
    fleetApp(out, { cluster: 'dev-1' }).synth();
    git('add', '-A');
    git('commit', '-q', '-m', 'v1');
    fleetApp(out, { cluster: 'dev-1', value: '2' }).synth();
    // On disk the change is written already; at HEAD it is not. Inside a git checkout, plan compares
    // with HEAD by default.
    expect(fleetApp(out, { cluster: 'dev-1', value: '2' }).plan().changed).toBe(true);
    const atHead = fleetApp(out, { cluster: 'dev-1', value: '2' }).plan({ ref: 'HEAD' });
    expect(atHead.repos[0].changes.map((c) => [c.action, c.object.id, c.diff])).toEqual([
      ['update', 'ConfigMap/fleet/plain', [{ path: 'data.a', op: 'change', old: '1', new: '2' }]],
    ]);
    expect(readTreeAtRef(path.join(out, 'platform'), 'HEAD').constructPaths).toEqual(readTree(path.join(out, 'platform')).constructPaths);
    // A repo dir that is not in the revision has no owned files; a bad revision is an error.
    expect(readTreeAtRef(path.join(out, 'nothing-here'), 'HEAD').files.size).toBe(0);
    expect(() => readTreeAtRef(path.join(out, 'platform'), 'no-such-ref')).toThrow(/^git revision "no-such-ref" does not exist in .* \(give a branch, tag or commit: git branch -a, git log\)$/);
  });
});

test('a tree at a git revision: the committed text of each listed file, whatever its path', () => {
  const top = tmp();
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: top, encoding: 'utf8' });
  git('init', '-q');
  const dir = path.join(top, 'repo');
  // Names git would quote without -z (space, tab, non-ASCII, a quote), many folders in one
  // directory (read by object id: never resolved path by path), a listed file not committed, a
  // committed file not listed, and a file of another tree with the same name.
  const files: Record<string, string> = {
    'a b/c.yaml': 'kind: A\n',
    'tab\there/x.yaml': 'kind: Tab\n',
    'ünï/cödé.yaml': 'kind: Unicode\n',
    'q"uote/y.yaml': 'kind: Quote\n',
    'empty.yaml': '',
  };
  for (let i = 0; i < 300; i++) files[`clusters/c-${String(i).padStart(3, '0')}/cm.yaml`] = `kind: ConfigMap\nmetadata:\n  name: c-${i}\n`;
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  fs.writeFileSync(path.join(dir, 'not-listed.yaml'), 'kind: NotListed\n');
  fs.mkdirSync(path.join(top, 'other'));
  fs.writeFileSync(path.join(top, 'other', 'empty.yaml'), 'kind: Other\n');
  fs.writeFileSync(path.join(dir, '.cdk8s-platform.json'), JSON.stringify({ generator: 'cdk8s-platform', files: [...Object.keys(files), 'never-committed.yaml'].sort(), constructPaths: { 'empty.yaml': 'app/empty' } }));
  git('add', '-A');
  git('commit', '-q', '-m', 'v1');
  // The working tree changes after the commit: HEAD's texts are read, not the files on disk.
  fs.writeFileSync(path.join(dir, 'a b/c.yaml'), 'kind: Changed\n');
  const tree = readTreeAtRef(dir, 'HEAD');
  expect(Object.fromEntries(tree.files)).toEqual(files);
  expect([...tree.files.keys()]).toEqual(Object.keys(files).sort());
  expect(tree.constructPaths).toEqual({ 'empty.yaml': 'app/empty' });
  // A repo dir given by a path that does not exist yet below the checkout: nothing owned there.
  expect(readTreeAtRef(path.join(top, 'missing', 'dir'), 'HEAD').files.size).toBe(0);
});

describe('reading an owned tree never follows links', () => {
  test('a listed file that is a link, or lies behind a linked directory, is not read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tree-links-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'tree-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.yaml'), 'secret\n');
    fs.mkdirSync(path.join(outside, 'd'));
    fs.writeFileSync(path.join(outside, 'd', 'x.yaml'), 'behind\n');
    fs.mkdirSync(path.join(dir, 'apps'));
    fs.writeFileSync(path.join(dir, 'apps', 'real.yaml'), 'real\n');
    fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(dir, 'apps', 'link.yaml'));
    fs.symlinkSync(path.join(outside, 'd'), path.join(dir, 'linked'));
    fs.writeFileSync(path.join(dir, '.cdk8s-platform.json'), JSON.stringify({ generator: 'cdk8s-platform', files: ['apps/link.yaml', 'apps/real.yaml', 'linked/x.yaml', '../escape.yaml'] }));
    expect([...readTree(dir).files]).toEqual([['apps/real.yaml', 'real\n']]);
  });
});

test('no git process is asked about a directory with no .git above it (git would find no repository either)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-git-'));
  const inside = path.join(dir, 'repo', 'out');
  fs.mkdirSync(inside, { recursive: true });
  const env = { ...process.env };
  delete env.GIT_DIR;
  const gitFinds = (d: string) => {
    try {
      execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: d, stdio: 'pipe', env });
      return true;
    } catch {
      return false;
    }
  };
  // Not maybe: git finds no repository there either (the temporary directory may itself be in a
  // work tree on some machines: then both see it).
  if (!mayBeInGit(inside, env)) expect(gitFinds(inside)).toBe(false);
  else expect(mayBeInGit(dir, env)).toBe(true);
  // A .git directory or file (worktree, submodule) above: maybe; GIT_DIR set: maybe.
  fs.mkdirSync(path.join(dir, 'repo', '.git'));
  expect(mayBeInGit(inside, env)).toBe(true);
  fs.rmSync(path.join(dir, 'repo', '.git'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.git'), 'gitdir: /elsewhere\n');
  expect(mayBeInGit(inside, env)).toBe(true);
  fs.rmSync(path.join(dir, '.git'));
  expect(mayBeInGit(inside, { GIT_DIR: '/some/repo.git' })).toBe(true);
  // Inside a git checkout that never committed the tree: no git baseline.
  execFileSync('git', ['init', '-q'], { cwd: dir });
  expect(mayBeInGit(inside, env)).toBe(true);
  expect(gitHeadTree(inside)).toBeUndefined();
});

test('trees of many directories at a git revision, read together: each the same as read alone, errors included', () => {
  const top = tmp();
  const other = tmp();
  const outside = tmp();
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' });
  const manifest = (files: string[]) => JSON.stringify({ generator: 'cdk8s-platform', files });
  const write = (dir: string, files: Record<string, string>) => {
    for (const [f, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), text);
    }
  };
  // Two team repos with the same file (one object asked for once), one without a manifest, one
  // with a broken manifest, one listing a file it never committed; a repo in another checkout.
  write(top, {
    'teams/a/.cdk8s-platform.json': manifest(['cm.yaml', 'only-a.yaml']), 'teams/a/cm.yaml': 'kind: Same\n', 'teams/a/only-a.yaml': 'kind: A\n',
    'teams/b/.cdk8s-platform.json': manifest(['cm.yaml', 'missing.yaml']), 'teams/b/cm.yaml': 'kind: Same\n',
    'teams/plain/x.yaml': 'kind: X\n',
    'teams/broken/.cdk8s-platform.json': '{not json',
  });
  write(other, { 'repo/.cdk8s-platform.json': manifest(['y.yaml']), 'repo/y.yaml': 'kind: Y\n' });
  for (const d of [top, other]) {
    git(d, 'init', '-q');
    git(d, 'add', '-A');
    git(d, 'commit', '-q', '-m', 'v1');
  }
  const dirs = [
    path.join(top, 'teams/a'), path.join(other, 'repo'), path.join(top, 'teams/b'), path.join(top, 'teams/plain'), path.join(top, 'teams/broken'),
    path.join(top, 'teams/not-yet/deeper'), outside, path.join(top, 'teams/a'),
  ];
  const alone = (d: string, ref: string) => {
    try {
      return readTreeAtRef(d, ref);
    } catch (e) {
      return e as Error;
    }
  };
  for (const ref of ['HEAD', 'no-such-ref']) {
    const together = readTreesAtRef(dirs, ref);
    expect(together.map((t) => (t instanceof Error ? `error: ${t.message}` : Object.fromEntries(t.files)))).toEqual(dirs.map((d) => {
      const t = alone(d, ref);
      return t instanceof Error ? `error: ${t.message}` : Object.fromEntries(t.files);
    }));
  }
  const head = readTreesAtRef(dirs, 'HEAD');
  expect(head.map((t) => (t instanceof Error ? t.message : [...t.files.keys()]))).toEqual([
    ['cm.yaml', 'only-a.yaml'], ['y.yaml'], ['cm.yaml'], [], expect.stringMatching(/^.*teams\/broken\/\.cdk8s-platform\.json/), [],
    expect.stringMatching(/is not inside a git repository$/), ['cm.yaml', 'only-a.yaml'],
  ]);
});

describe('baselines that leave the files the caller knows unread', () => {
  const manifest = (files: string[]) => JSON.stringify({ generator: 'cdk8s-platform', files });
  const files = { 'a/one.yaml': cm('one', { a: '1' }), 'a/two.yaml': cm('two', { a: '2' }), 'b/three.yaml': cm('three', { a: '3' }) };
  const make = () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, '.cdk8s-platform.json'), manifest(Object.keys(files)));
    for (const [f, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), text);
    }
    return dir;
  };

  test('on disk: known files are listed, read only when one is asked for, then all at once', () => {
    const dir = make();
    const t = readTree(dir, (f) => f.startsWith('a/'));
    expect(t.files).toBeInstanceOf(LazyFiles);
    const lazy = t.files as LazyFiles;
    expect([...listedFiles(lazy)]).toEqual(Object.keys(files));
    expect(lazy.complete).toBe(false);
    expect(lazy.get('b/three.yaml')).toBe(files['b/three.yaml']);
    expect(lazy.complete).toBe(false);
    // A known file removed since: not in the tree once read (as readTree leaves out a listed file that is gone).
    fs.rmSync(path.join(dir, 'a/two.yaml'));
    expect(lazy.get('a/one.yaml')).toBe(files['a/one.yaml']);
    expect(lazy.complete).toBe(true);
    expect(Object.fromEntries(lazy)).toEqual(Object.fromEntries(readTree(dir).files));
    expect(lazy.size).toBe(2);
    // Nothing known: a plain map, as before.
    expect(readTree(dir, () => false).files).toBeInstanceOf(Map);
  });

  test('at a git revision: known is asked with the blob id of each file; known files are read by id when asked for', () => {
    const dir = make();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'v1');
    fs.writeFileSync(path.join(dir, 'a/one.yaml'), 'changed on disk, not committed\n');
    const asked: Record<string, string | undefined> = {};
    const [t] = readTreesAtRef([dir], 'HEAD', [(f, id) => ((asked[f] = id), f !== 'b/three.yaml')]);
    if (t instanceof Error) throw t;
    expect(asked).toEqual(Object.fromEntries(Object.entries(files).map(([f, text]) => [f, execFileSync('git', ['hash-object', '--stdin'], { input: text }).toString().trim()])));
    const lazy = t.files as LazyFiles;
    expect(lazy.complete).toBe(false);
    expect(Object.fromEntries(lazy)).toEqual(files); // HEAD's text, not the file on disk
    expect(lazy.complete).toBe(true);
  });
});

test('the guard does not read a committed file the synth writes unchanged: its objects are the new ones', () => {
  // The old tree: three files, two of them known to be written unchanged; reading them fails.
  const retained = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: apps\n  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n`;
  const old = new LazyFiles(['apps/configmap-keep.yaml', 'apps/configmap-same.yaml', 'apps/configmap-gone.yaml'], new Map([['apps/configmap-gone.yaml', retained('gone')]]), () => {
    throw new Error('an unchanged file was read');
  });
  const next = ['keep', 'same'].map((name) => ({ file: `apps/configmap-${name}.yaml`, apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name, isProtected: false }));
  const repo = { name: 'platform', dir: 'platform', old: { files: old, constructPaths: {} }, next: { objects: next, kustomizeFiles: new Map(), unchanged: new Set(['apps/configmap-keep.yaml', 'apps/configmap-same.yaml']) }, clusterOf: () => '' };
  const result = guardApp([repo], []);
  expect(result.changes.get('platform')!.map((c) => [c.action, c.object.id, c.blocked])).toEqual([['delete', 'ConfigMap/apps/gone', true]]);
  expect(old.complete).toBe(false);
});

test("the guard builds a Kustomization's path as Flux does: a sub-directory with a kustomization.yaml is built as such, not file by file", () => {
  const rg = (name: string) => `apiVersion: resources.azure.com/v1api20200601\nkind: ResourceGroup\nmetadata:\n  name: ${name}\n  namespace: team\nspec:\n  location: westeurope\n`;
  const files = (withK: boolean) => new Map(Object.entries({
    ...(withK ? { 'clusters/kustomization-apps.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  path: ./apps\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n' } : {}),
    // apps/ has no kustomization.yaml: Flux generates one listing apps/team as a directory, whose
    // own kustomization.yaml lists only rg-a (rg-b lies there, applied by nothing).
    'apps/team/kustomization.yaml': 'resources:\n  - resourcegroup-a.yaml\n',
    'apps/team/resourcegroup-a.yaml': rg('a'),
    'apps/team/resourcegroup-b.yaml': rg('b'),
  }));
  // Removing the Kustomization prunes what it applied, rg-a; not rg-b, which it never applied.
  const result = guardApp([{ name: 'platform', dir: 'platform', old: { files: files(true), constructPaths: {} }, next: nextTreeOfSnapshot({ files: files(false), constructPaths: {} }), clusterOf: () => '' }], []);
  expect(result.changes.get('platform')!.filter((c) => c.action === 'prune').map((c) => c.object.id)).toEqual(['ResourceGroup/team/a']);
});

test("the guard sees what a kustomize Component renames: a component's namePrefix changed prunes the old names (kubectl kustomize: components rename their including kustomization's build)", () => {
  const rg = (name: string) => `apiVersion: resources.azure.com/v1api20200601\nkind: ResourceGroup\nmetadata:\n  name: ${name}\n  namespace: team\nspec:\n  location: westeurope\n`;
  // 'generated': spec.components on a path without a kustomization.yaml (Flux generates one and appends them).
  const files = (prefix: string, via: 'file' | 'spec' | 'generated') => new Map(Object.entries({
    'clusters/kustomization-apps.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  path: ${via === 'generated' ? './apps/base' : './apps/prod'}\n  prune: true\n` +
      `  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${via === 'file' ? '' : `  components:\n    - ../../components/prefix\n`}`,
    ...(via === 'generated' ? {} : { 'apps/base/kustomization.yaml': 'resources:\n  - resourcegroup-rg.yaml\n' }),
    'apps/base/resourcegroup-rg.yaml': rg('rg'),
    'apps/prod/kustomization.yaml': `resources:\n  - ../base\n${via === 'file' ? 'components:\n  - ../../components/prefix\n' : ''}`,
    'components/prefix/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamePrefix: ${prefix}\n`,
  }));
  for (const via of ['file', 'spec', 'generated'] as const) {
    const result = guardApp([{ name: 'platform', dir: 'platform', old: { files: files('a-', via), constructPaths: {} }, next: nextTreeOfSnapshot({ files: files('b-', via), constructPaths: {} }), clusterOf: () => '' }], []);
    expect(result.changes.get('platform')!.filter((c) => c.action === 'prune').map((c) => [c.object.id, c.blocked])).toEqual([['ResourceGroup/team/a-rg', true]]);
  }
});

test("removing a Component's own resources is a prune, whether a kustomization file or the Flux spec's components names it (review 3)", () => {
  const rg = (name: string) => `apiVersion: resources.azure.com/v1api20200601\nkind: ResourceGroup\nmetadata:\n  name: ${name}\n  namespace: team\nspec:\n  location: westeurope\n`;
  for (const via of ['file', 'spec', 'generated'] as const) {
    const files = (withComp: boolean) => new Map(Object.entries({
      'clusters/kustomization-apps.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  path: ${via === 'generated' ? './apps/base' : './apps/prod'}\n  prune: true\n` +
        `  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${via !== 'file' && withComp ? '  components:\n    - ../../components/extra\n' : ''}`,
      ...(via === 'generated' ? {} : { 'apps/base/kustomization.yaml': 'resources:\n  - resourcegroup-rg.yaml\n' }),
      'apps/base/resourcegroup-rg.yaml': rg('rg'),
      'apps/prod/kustomization.yaml': `resources:\n  - ../base\n${via === 'file' && withComp ? 'components:\n  - ../../components/extra\n' : ''}`,
      'components/extra/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - rg.yaml\n',
      'components/extra/rg.yaml': rg('extra'),
    }));
    const result = guardApp([{ name: 'platform', dir: 'platform', old: { files: files(true), constructPaths: {} }, next: nextTreeOfSnapshot({ files: files(false), constructPaths: {} }), clusterOf: () => '' }], []);
    expect([via, result.changes.get('platform')!.filter((c) => c.action === 'prune').map((c) => [c.object.id, c.blocked])]).toEqual([via, [['ResourceGroup/team/extra', true]]]);
  }
});
