import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Folder, GitOpsApp, Repo, SynthError } from '../../lib';
import { tree } from '../support/tree';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-app-'));
}


function configMap(scope: Folder, id: string, name?: string, data: Record<string, string> = { a: '1' }) {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: name ? { name } : {}, data } as any);
}

/** A small two-repo app; `reverse` creates the same constructs in the opposite order. */
function sampleApp(outdir: string, reverse = false): GitOpsApp {
  const app = new GitOpsApp({ outdir });
  const steps: Array<() => void> = [];
  const platform = new Repo(app, 'platform');
  const team = new Repo(app, 'team-a');
  steps.push(() => {
    const mgmt = platform.folder('clusters/mgmt', { namespace: 'flux-system' });
    new ApiObject(mgmt, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    configMap(mgmt, 'settings', 'settings', { b: '2', a: '1' });
  });
  steps.push(() => platform.folder('clusters/mgmt/flux-system'));
  steps.push(() => configMap(platform.folder('infrastructure'), 'Defaults'));
  steps.push(() => configMap(team.folder('apps'), 'app', 'app'));
  (reverse ? steps.reverse() : steps).forEach((s) => s());
  return app;
}

describe('GitOpsApp layout', () => {
  test('one file per object, a kustomization.yaml per folder, a manifest per repo', () => {
    const out = tmp();
    sampleApp(out).synth();
    expect(Object.keys(tree(path.join(out, 'platform')))).toEqual([
      '.cdk8s-platform.json',
      'clusters/mgmt/configmap-settings.yaml',
      'clusters/mgmt/flux-system/kustomization.yaml',
      'clusters/mgmt/kustomization.yaml',
      'clusters/mgmt/namespace-apps.yaml',
      'infrastructure/configmap-defaults.yaml',
      'infrastructure/kustomization.yaml',
    ]);
    const files = tree(path.join(out, 'platform'));
    // Namespaces first, then by file name; the direct sub-folder is listed too.
    expect(files['clusters/mgmt/kustomization.yaml']).toBe(
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - namespace-apps.yaml\n  - configmap-settings.yaml\n  - flux-system\n',
    );
    // Cluster-scoped kinds never get the folder namespace; key order is canonical.
    expect(files['clusters/mgmt/namespace-apps.yaml']).toBe('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n');
    expect(files['clusters/mgmt/configmap-settings.yaml']).toBe(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: flux-system\ndata:\n  a: "1"\n  b: "2"\n',
    );
    // Objects without an explicit name are named from the construct id, without a hash.
    expect(files['infrastructure/configmap-defaults.yaml']).toContain('  name: defaults\n');
    expect(Object.keys(tree(path.join(out, 'team-a')))).toEqual(['.cdk8s-platform.json', 'apps/configmap-app.yaml', 'apps/kustomization.yaml']);
  });

  test('identical bytes across runs and regardless of construct creation order', () => {
    const a = tmp();
    const b = tmp();
    sampleApp(a).synth();
    sampleApp(a).synth();
    sampleApp(b, true).synth();
    expect(tree(a)).toEqual(tree(b));
  });

  test('YAML 1.1 strings that would read as booleans or numbers are quoted', () => {
    const app = new GitOpsApp({ outdir: tmp() });
    configMap(new Repo(app, 'r').folder('f'), 'c', 'c', { on: 'yes', v: '1.20', n: 'no' });
    const files = app.renderToMemory().get('r')!;
    expect(files.get('f/configmap-c.yaml')).toBe('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  "n": "no"\n  "on": "yes"\n  v: "1.20"\n');
  });

  test('every folder builds with kubectl kustomize (when kubectl is installed)', () => {
    const out = tmp();
    sampleApp(out).synth();
    let kubectl = true;
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    } catch {
      kubectl = false;
    }
    if (!kubectl) {
      console.warn('kubectl not installed: kustomize build not run (kustomization.yaml contents are asserted above)');
      return;
    }
    const built = execFileSync('kubectl', ['kustomize', path.join(out, 'platform', 'clusters', 'mgmt')], { encoding: 'utf8' });
    expect(built).toContain('kind: Namespace');
    expect(built).toContain('name: settings');
  });
});

describe('GitOpsApp errors', () => {
  test('duplicate kind/namespace/name in one repo names both construct paths', () => {
    const app = new GitOpsApp({ outdir: tmp(), validation: false });
    const repo = new Repo(app, 'r');
    configMap(repo.folder('a'), 'one', 'same');
    configMap(repo.folder('b'), 'two', 'same');
    expect(() => app.synth()).toThrow(
      new SynthError(['r/b/two: ConfigMap//same is defined twice in repo "r" (also by r/a/one)']),
    );
  });

  test('the same name in two repos is fine', () => {
    const app = new GitOpsApp({ outdir: tmp(), validation: false });
    configMap(new Repo(app, 'r1').folder('a'), 'one', 'same');
    configMap(new Repo(app, 'r2').folder('a'), 'one', 'same');
    expect(() => app.renderToMemory()).not.toThrow();
  });

  test('an object outside any folder is an error', () => {
    const app = new GitOpsApp({ outdir: tmp(), validation: false });
    const chart = new Chart(new Repo(app, 'r'), 'plain-chart');
    new ApiObject(chart, 'stray', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stray' } });
    expect(() => app.synth()).toThrow('r/plain-chart/stray: ConfigMap "stray" is not inside a Folder; create it in a Folder of a Repo');
  });

  test('invalid folder and repo paths', () => {
    const app = new GitOpsApp({ outdir: tmp() });
    const repo = new Repo(app, 'r');
    expect(() => new Folder(repo, 'bad', { path: '../x' })).toThrow(
      'r/bad: prop "path": "../x" is not a valid folder path: use relative, "/"-separated segments of lowercase letters, digits, ".", "_" and "-" (e.g. "clusters/mgmt")',
    );
    expect(() => new Folder(repo, 'Upper')).toThrow('r/Upper: prop "path": "Upper" is not a valid folder path');
    expect(() => new Repo(app, 'x', { dir: 'a/../b' })).toThrow('x: prop "dir": "a/../b" must be an absolute path or a relative path without ".." segments');
  });

  test('two folders with the same path are an error', () => {
    const app = new GitOpsApp({ outdir: tmp(), validation: false });
    const repo = new Repo(app, 'r');
    new Folder(repo, 'one', { path: 'apps' });
    new Folder(repo, 'two', { path: 'apps' });
    expect(() => app.synth()).toThrow('r/two: folder path "apps" is already used by r/one');
  });

  test('construct validations are reported with all other problems at once', () => {
    const app = new GitOpsApp({ outdir: tmp(), validation: false });
    const folder = new Repo(app, 'r').folder('a');
    const cm = configMap(folder, 'c', 'c');
    cm.node.addValidation({ validate: () => ['something is wrong'] });
    folder.node.addValidation({ validate: () => ['folder is wrong too'] });
    expect(() => app.synth()).toThrow(new SynthError(['r/a: folder is wrong too', 'r/a/c: something is wrong']));
  });
});

describe('GitOpsApp writing into an existing tree', () => {
  test('a hand-written file survives, a removed construct deletes only its file', () => {
    const out = tmp();
    sampleApp(out).synth();
    fs.writeFileSync(path.join(out, 'platform', 'infrastructure', 'hand-written.yaml'), 'kind: Mine\n');
    fs.writeFileSync(path.join(out, 'platform', 'README.md'), '# mine\n');

    const app = new GitOpsApp({ outdir: out });
    const platform = new Repo(app, 'platform');
    const mgmt = platform.folder('clusters/mgmt', { namespace: 'flux-system' });
    new ApiObject(mgmt, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    const infra = platform.folder('infrastructure');
    infra.addResource('hand-written.yaml', { userOwned: true });
    configMap(infra, 'Defaults');
    new Repo(app, 'team-a').folder('apps');
    const result = app.synthesize();

    const files = tree(path.join(out, 'platform'));
    expect(files['infrastructure/hand-written.yaml']).toBe('kind: Mine\n');
    expect(files['README.md']).toBe('# mine\n');
    expect(files['clusters/mgmt/configmap-settings.yaml']).toBeUndefined();
    expect(files['infrastructure/kustomization.yaml']).toContain('  - configmap-defaults.yaml\n  - hand-written.yaml\n');
    expect(result.repos.map((r) => [r.repo.dir, r.changes.deleted])).toEqual([
      ['platform', ['clusters/mgmt/configmap-settings.yaml', 'clusters/mgmt/flux-system/kustomization.yaml']],
      ['team-a', ['apps/configmap-app.yaml']],
    ]);
  });

  test('an exception during synth leaves the previous tree unchanged', () => {
    const out = tmp();
    sampleApp(out).synth();
    const before = tree(out);
    const app = sampleApp(out);
    configMap(new Repo(app, 'team-b').folder('apps'), 'x', 'x');
    new ApiObject(app.node.findChild('platform').node.findChild('infrastructure') as Folder, 'boom', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'boom' },
      data: { x: Lazy.any({ produce: () => { throw new Error('boom'); } }) },
    } as any);
    expect(() => app.synth()).toThrow(/boom/);
    expect(tree(out)).toEqual(before);
    expect(fs.readdirSync(out).sort()).toEqual(['platform', 'team-a']);
  });

  test('a repo can point at an absolute checkout directory', () => {
    const checkout = path.join(tmp(), 'checkout');
    fs.mkdirSync(path.join(checkout, '.git'), { recursive: true });
    fs.writeFileSync(path.join(checkout, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const app = new GitOpsApp({ outdir: tmp() });
    configMap(new Repo(app, 'platform', { dir: checkout }).folder('apps'), 'c', 'c');
    app.synth();
    expect(Object.keys(tree(checkout)).sort()).toEqual(['.cdk8s-platform.json', '.git/HEAD', 'apps/configmap-c.yaml', 'apps/kustomization.yaml']);
  });
});

describe('GitOpsApp with several repos', () => {
  test('two repos writing to the same directory are an error', () => {
    const app = new GitOpsApp({ outdir: tmp(), validation: false });
    new Repo(app, 'a', { dir: 'same' });
    new Repo(app, 'b', { dir: 'same' });
    expect(() => app.synth()).toThrow(/b: writes to .*\/same, like a; give each repo its own "dir"/);
  });

  test('a conflict in one repo leaves every repo unchanged', () => {
    const out = tmp();
    sampleApp(out).synth();
    const before = tree(out);
    fs.writeFileSync(path.join(out, 'team-a', 'apps', 'configmap-new.yaml'), 'hand-written\n');
    const app = sampleApp(out);
    configMap((app.node.findChild('platform') as Repo).folder('infrastructure'), 'more', 'more');
    configMap((app.node.findChild('team-a') as Repo).folder('apps'), 'new', 'new');
    expect(() => app.synth()).toThrow(/refusing to overwrite files that were not written by cdk8s-platform [^\n]*:\n {2}\S*team-a\/apps\/configmap-new\.yaml/);
    expect(tree(out)).toEqual({ ...before, 'team-a/apps/configmap-new.yaml': 'hand-written\n' });
  });
});
