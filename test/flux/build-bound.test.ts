// The bound on what one Flux Kustomization builds holds for every Kustomization of the app (not
// only in repos with a Fleet), with Flux's generated kustomization.yaml counted as Flux builds it;
// a SystemsSync spreads its tenants over bucket Kustomizations, and moving tenants into buckets
// is refused by the destroy guard unless the old Kustomization stops pruning for that change.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { Folder, GitOpsApp, Repo } from '../../lib';
import { stableHash } from '../../lib/capi';
import {
  Environment,
  FluxBootstrap,
  GitRepository,
  Kustomization,
  kustomizationBuildSizes,
  maxObjectsPerBuild,
  setMaxObjectsPerBuild,
  SystemsSync,
  SystemsSyncBuckets,
  TeamSpec,
} from '../../lib/flux';
import { Testing } from '../../lib/testing';
import { Kustomization as L1Kustomization, KustomizationSpecSourceRefKind } from '../../imports/flux/kustomize.toolkit.fluxcd.io';
import { runValidate } from '../../lib/cli/validate';
import { main } from '../../lib/cli/main';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'build-bound-'));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const FIX = 'kustomize build time and the inventory grow with it: give sub-folders their own Kustomizations (Folder includeSubfolders: false), ' +
  'spread a Fleet over more buckets, or give a SystemsSync buckets';

function configMaps(folder: ReturnType<Repo['folder']>, n: number, prefix: string): void {
  for (let i = 0; i < n; i++) new ApiObject(folder, `${prefix}-${i}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${prefix}-${i}`, namespace: 'apps' }, data: { a: '1' } });
}

describe('the build bound, for every Flux Kustomization', () => {
  test('a hand-made layout in a repo without a Fleet: 1,001 objects are refused, 1,000 pass', () => {
    for (const n of [1000, 1001]) {
      const app = Testing.app();
      const repo = new Repo(app, 'platform');
      const mgmt = repo.folder('clusters/mgmt', { namespace: 'flux-system', includeSubfolders: false });
      const source = GitRepository.fromName(mgmt, 'source', { name: 'flux-system' });
      const apps = repo.folder('apps');
      configMaps(apps, n, 'cm');
      const k = Kustomization.forFolder(mgmt, 'apps', apps, { name: 'apps', source, prune: true });
      expect(maxObjectsPerBuild(repo)).toBe(1000);
      if (n === 1000) {
        expect(Testing.synthProblems(app)).toEqual([]);
      } else {
        expect(Testing.synthProblems(app)).toEqual([`${k.node.path}: Kustomization flux-system/apps builds 1001 objects from ./apps (limit 1000); ${FIX}`]);
      }
    }
  });

  test('a path holding no folder: Flux generates a kustomization.yaml (files below it; folders with a kustomization.yaml are built as such)', () => {
    const app = Testing.app();
    const repo = new Repo(app, 'platform');
    setMaxObjectsPerBuild(repo, 10, app);
    const mgmt = repo.folder('clusters/mgmt', { namespace: 'flux-system', includeSubfolders: false });
    const source = GitRepository.fromName(mgmt, 'source', { name: 'flux-system' });
    configMaps(repo.folder('apps/a'), 4, 'a');
    configMaps(repo.folder('apps/a/x'), 3, 'x'); // listed by apps/a
    configMaps(repo.folder('apps/b', { kustomization: false }), 2, 'b'); // no kustomization.yaml: its files are listed
    configMaps(repo.folder('apps/b/y'), 2, 'y'); // below a folder without kustomization.yaml: listed itself
    configMaps(repo.folder('other'), 50, 'o'); // not below ./apps
    configMaps(repo.folder('apps-x'), 7, 'ax'); // nor its siblings sorting between "apps" and "apps/"
    configMaps(repo.folder('apps.y/z'), 7, 'ay');
    const k = new Kustomization(mgmt, 'apps', { name: 'apps', source, prune: true, path: './apps' });
    expect(kustomizationBuildSizes(repo).map((b) => [b.kustomization.name, b.folder.path, b.objects])).toEqual([['apps', 'apps/a', 11]]);
    expect(Testing.synthProblems(app)).toEqual([`${k.node.path}: Kustomization flux-system/apps builds 11 objects from ./apps (limit 10); ${FIX}`]);
  });

  test("an overlay's build counts its base's and its components' objects, as kustomize builds them (review 4)", () => {
    const app = Testing.app();
    const repo = new Repo(app, 'platform');
    setMaxObjectsPerBuild(repo, 5, app);
    const mgmt = repo.folder('clusters/mgmt', { namespace: 'flux-system', includeSubfolders: false });
    const source = GitRepository.fromName(mgmt, 'source', { name: 'flux-system' });
    const base = repo.folder('apps/base');
    configMaps(base, 3, 'base');
    const component = repo.component('apps/components/extra');
    configMaps(component, 3, 'extra');
    const k = Kustomization.forFolder(mgmt, 'prod', repo.overlay('apps/prod', { base, components: [component] }), { name: 'prod', source, prune: true });
    expect(kustomizationBuildSizes(repo).map((b) => [b.kustomization.name, b.folder.path, b.objects])).toEqual([['prod', 'apps/prod', 6]]);
    expect(Testing.synthProblems(app)).toEqual([`${k.node.path}: Kustomization flux-system/prod builds 6 objects from ./apps/prod (limit 5); ${FIX}`]);
  });

  test('a tenant\'s Kustomization is measured in its team\'s repo (by URL), not in the repo holding it', () => {
    const app = Testing.app();
    const platform = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
    const team = new Repo(app, 'team-a', { url: 'https://github.com/contoso/team-a.git' });
    setMaxObjectsPerBuild(team, 5, app);
    configMaps(platform.folder('deploy'), 20, 'decoy'); // same path in the platform repo: not what the tenant applies
    configMaps(team.folder('deploy'), 6, 'cm');
    const sync = new SystemsSync(platform.folder('tenants'), 'systems', { teams: [{ name: 'team-a', repository: { url: 'https://github.com/contoso/team-a' }, path: './deploy' }] });
    const k = sync.tenants[0].kustomization;
    expect(kustomizationBuildSizes(team).map((b) => [b.kustomization, b.objects])).toEqual([[k, 6]]);
    expect(kustomizationBuildSizes(platform)).toEqual([]);
    expect(Testing.synthProblems(app)).toContain(`${k.node.path}: Kustomization team-a/team-a builds 6 objects from ./deploy (limit 5); ${FIX}`);
  });

  test('one folder applied by two Kustomizations to one cluster is refused; other clusters, target namespaces and remote clusters are not one', () => {
    const app = Testing.app();
    const repo = new Repo(app, 'platform');
    const prod = repo.folder('clusters/prod', { cluster: 'prod', namespace: 'flux-system', includeSubfolders: false });
    const dev = repo.folder('clusters/dev', { cluster: 'dev', namespace: 'flux-system', includeSubfolders: false });
    const sources = new Map<typeof prod, ReturnType<typeof GitRepository.fromName>>();
    const source = (f: typeof prod) => sources.get(f) ?? sources.set(f, GitRepository.fromName(f, 'source', { name: 'flux-system' })).get(f)!;
    const apps = repo.folder('apps');
    configMaps(apps, 1, 'cm');
    configMaps(repo.folder('apps/db'), 2, 'db');
    const parent = Kustomization.forFolder(prod, 'apps', apps, { name: 'apps', source: source(prod), prune: true });
    // apps lists apps/db: its objects would be in both builds.
    const child = Kustomization.forFolder(prod, 'db', repo.folder('apps/db'), { name: 'db', source: source(prod), prune: true });
    // The same folders on another cluster, or into another namespace, are other objects.
    Kustomization.forFolder(dev, 'apps', apps, { name: 'apps', source: source(dev), prune: true });
    Kustomization.forFolder(prod, 'apps-staging', apps, { name: 'apps-staging', source: source(prod), prune: true, targetNamespace: 'staging' });
    // Remote clusters: one kubeconfig each.
    const edge = repo.folder('edge');
    configMaps(edge, 1, 'edge');
    for (const site of ['a', 'b']) Kustomization.forFolder(prod, `edge-${site}`, edge, { name: `edge-${site}`, source: source(prod), prune: true, kubeConfig: { secret: `edge-${site}-kubeconfig`, key: 'value' } });
    const twice = Kustomization.forFolder(prod, 'edge-a-again', edge, { name: 'edge-a-again', source: source(prod), prune: true, kubeConfig: { secret: 'edge-a-kubeconfig', key: 'value' } });
    const fix = 'each object would be in both inventories, each apply would take its ownership from the other, and the one that stops applying it would prune it although the other still does; ' +
      'apply each folder with one Kustomization (give the parent folder includeSubfolders: false, or drop one of them)';
    expect(Testing.synthProblems(app).filter((p) => p.includes('also builds'))).toEqual([
      `${child.node.path}: Kustomization flux-system/db builds folder "apps/db", which Kustomization flux-system/apps (${parent.node.path}) also builds for cluster "prod": ${fix}`,
      `${twice.node.path}: Kustomization flux-system/edge-a-again builds folder "edge", which Kustomization flux-system/edge-a (platform/clusters--prod/edge-a) also builds for the remote cluster of kubeConfig Secret edge-a-kubeconfig: ${fix}`,
    ]);
  });

  test('a repo has one bound: a second, different one is an error naming the first', () => {
    const app = Testing.app();
    const repo = new Repo(app, 'platform');
    setMaxObjectsPerBuild(repo, 500, repo.folder('a'));
    setMaxObjectsPerBuild(repo, 500, repo.folder('b'));
    expect(Testing.errorOf(() => setMaxObjectsPerBuild(repo, 600, repo.folder('c')))).toBe(
      'platform/c: prop "maxObjectsPerBuild": 600 differs from the bound 500 that platform/a set for repo platform; a repo has one bound: set it once',
    );
    expect(maxObjectsPerBuild(repo)).toBe(500);
    const other = new Repo(app, 'other');
    expect(Testing.errorOf(() => setMaxObjectsPerBuild(other, 0, other))).toBe('other: prop "maxObjectsPerBuild": 0 is invalid: must be an integer of at least 1');
  });
});

describe('the build bound, for L1 and raw Kustomization objects and for trees on disk', () => {
  /** A repo whose folder `clusters/mgmt` applies `./apps` (n ConfigMaps) with an L1 or a raw Flux Kustomization. */
  function l1App(n: number, kind: 'l1' | 'raw', bound?: number) {
    const app = Testing.app();
    const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
    if (bound !== undefined) setMaxObjectsPerBuild(repo, bound, app);
    const mgmt = repo.folder('clusters/mgmt', { namespace: 'flux-system', includeSubfolders: false });
    new ApiObject(mgmt, 'source', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'flux-system' }, spec: { interval: '1m', url: 'https://github.com/contoso/platform', ref: { branch: 'main' } } });
    const spec = { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } };
    const k = kind === 'l1'
      ? new L1Kustomization(mgmt, 'apps-l1', { metadata: { name: 'apps' }, spec: { ...spec, sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: 'flux-system' } } })
      : new ApiObject(mgmt, 'apps-raw', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps' }, spec });
    // In namespace default: a namespace the cluster has, so the build applies (the apply-order model).
    for (let i = 0; i < n; i++) new ApiObject(repo.folder('apps'), `cm-${i}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'default' }, data: { a: '1' } });
    return { app, k };
  }

  test.each(['l1', 'raw'] as const)('a %s Kustomization building 1,001 objects is refused at synth, with its construct path; 1,000 pass, and a repo bound is its source repo\'s', (kind) => {
    expect(Testing.synthProblems(l1App(1000, kind).app)).toEqual([]);
    const { app, k } = l1App(1001, kind);
    expect(Testing.synthProblems(app)).toEqual([`${k.node.path}: Kustomization flux-system/apps builds 1001 objects from ./apps (limit 1000); ${FIX}`]);
    expect(Testing.synthProblems(l1App(1001, kind, 2000).app)).toEqual([]);
    const small = l1App(11, kind, 10);
    expect(Testing.synthProblems(small.app)).toEqual([`${small.k.node.path}: Kustomization flux-system/apps builds 11 objects from ./apps (limit 10); ${FIX}`]);
  });

  describe('which repo, and what Flux builds (found by a user probe)', () => {
    const cms = (folder: Folder, n: number, p: string) => {
      for (let i = 0; i < n; i++) new ApiObject(folder, `${p}-${i}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${p}-${i}`, namespace: 'default' }, data: { a: '1' } });
    };
    const gitRepo = (scope: Folder, url: string, name = 'flux-system') =>
      new ApiObject(scope, `src-${name}`, { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name }, spec: { interval: '1m', url, ref: { branch: 'main' } } });
    const l1 = (scope: Folder, name: string, p: string, src = 'flux-system') =>
      new L1Kustomization(scope, `ks-${name}`, { metadata: { name }, spec: { interval: '10m', path: p, prune: true, sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: src } } });
    const setup = (url?: string) => {
      const app = Testing.app();
      const repo = new Repo(app, 'platform', url ? { url } : {});
      return { app, repo, mgmt: repo.folder('clusters/mgmt', { namespace: 'flux-system', includeSubfolders: false }) };
    };
    const URL = 'https://github.com/contoso/platform';

    test('a path without kustomization.yaml builds a sub-folder holding one as a folder (its kustomization.yaml, not every file below it)', () => {
      // infra/base lists its own 5 objects, not infra/base/big (1,001 objects, its own Kustomization).
      for (const kind of ['l1', 'l2'] as const) {
        const { app, repo, mgmt } = setup(URL);
        setMaxObjectsPerBuild(repo, 1003, app);
        if (kind === 'l1') {
          gitRepo(mgmt, URL);
          l1(mgmt, 'infra', './infra');
          l1(mgmt, 'infra-big', './infra/base/big');
        } else {
          const source = new GitRepository(mgmt, 'source', { name: 'flux-system', url: URL, ref: { branch: 'main' } });
          new Kustomization(mgmt, 'infra', { name: 'infra', source, path: './infra', prune: true });
          new Kustomization(mgmt, 'infra-big', { name: 'infra-big', source, path: './infra/base/big', prune: true });
        }
        cms(repo.folder('infra/base', { includeSubfolders: false }), 5, 'base');
        cms(repo.folder('infra/base/big'), 1001, 'big');
        // ./infra builds 5 objects (kubectl kustomize of Flux's generated kustomization.yaml), ./infra/base/big 1,001: both within 1,003.
        expect(Testing.synthProblems(app)).toEqual([]);
      }
    });

    test('a source fetching a repo that is not in the app is not measured; a source imported by name is the own repo; "/apps" is "./apps"', () => {
      const foreign = setup();
      gitRepo(foreign.mgmt, 'https://github.com/somebody-else/other', 'other');
      l1(foreign.mgmt, 'other-apps', './apps', 'other');
      cms(foreign.repo.folder('apps'), 1001, 'cm');
      expect(Testing.synthProblems(foreign.app)).toEqual([]);

      const byName = setup(URL);
      const k = l1(byName.mgmt, 'apps', './apps');
      cms(byName.repo.folder('apps'), 1001, 'cm');
      expect(Testing.synthProblems(byName.app)).toEqual([`${k.node.path}: Kustomization flux-system/apps builds 1001 objects from ./apps (limit 1000); ${FIX}`]);

      const abs = setup(URL);
      gitRepo(abs.mgmt, URL);
      const ka = l1(abs.mgmt, 'apps', '/apps');
      cms(abs.repo.folder('apps'), 1001, 'cm');
      expect(Testing.synthProblems(abs.app)).toEqual([`${ka.node.path}: Kustomization flux-system/apps builds 1001 objects from /apps (limit 1000); ${FIX}`]);
    });
  });

  test('an L2 Kustomization over the bound is reported once, by the Kustomization', () => {
    const app = Testing.app();
    const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
    const mgmt = repo.folder('clusters/mgmt', { namespace: 'flux-system', includeSubfolders: false });
    const source = new GitRepository(mgmt, 'source', { name: 'flux-system', url: 'https://github.com/contoso/platform', ref: { branch: 'main' } });
    const apps = repo.folder('apps');
    configMaps(apps, 1001, 'cm');
    const k = Kustomization.forFolder(mgmt, 'apps', apps, { name: 'apps', source, prune: true });
    expect(Testing.synthProblems(app)).toEqual([`${k.node.path}: Kustomization flux-system/apps builds 1001 objects from ./apps (limit 1000); ${FIX}`]);
  });

  test('cdk8s-platform validate bounds the Kustomizations of a tree it reads (--max-objects-per-build)', async () => {
    const dir = tmp();
    dirs.push(dir);
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };
    write('clusters/mgmt/source.yaml', 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 1m\n  url: https://github.com/contoso/platform\n  ref:\n    branch: main\n');
    write('clusters/mgmt/apps.yaml', 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n');
    // No kustomization.yaml in apps/: Flux generates one listing every file below the path, as the model does.
    for (let i = 0; i < 12; i++) write(`apps/team-${i % 3}/cm-${i}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: default\ndata:\n  a: "1"\n`);
    const run = async (max?: number) => {
      const io = { cwd: dir, stdout: jest.fn(), stderr: jest.fn() } as any;
      const code = await runValidate(['.'], { preinstalled: ['flux'], maxObjectsPerBuild: max }, io);
      return [code, io.stdout.mock.calls.map((c: string[]) => c[0]).filter((l: string) => !l.startsWith('validate:')).join('')];
    };
    expect(await run(12)).toEqual([0, '']);
    expect(await run(11)).toEqual([1, `clusters/mgmt/apps.yaml#0: Kustomization flux-system/apps builds 12 objects from ./apps (limit 11); ${FIX}\n`]);
    expect(await run()).toEqual([0, '']);
    const cli = (args: string[]) => {
      const io = { cwd: dir, stdout: jest.fn(), stderr: jest.fn() } as any;
      return main(['node', 'cdk8s-platform', 'validate', '.', '--preinstalled', 'flux', ...args], io).then((code) => [code, [...io.stdout.mock.calls, ...io.stderr.mock.calls].map((c: string[]) => c[0]).filter((l: string) => !l.startsWith('validate:')).join('')]);
    };
    expect(await cli(['--max-objects-per-build', '11'])).toEqual([1, `clusters/mgmt/apps.yaml#0: Kustomization flux-system/apps builds 12 objects from ./apps (limit 11); ${FIX}\n`]);
    expect(await cli(['--max-objects-per-build', 'ten'])).toEqual([2, 'cdk8s-platform: --max-objects-per-build ten: must be a whole number from 1 to 9007199254740991\n']);
    expect(await cli(['--max-objects-per-build', '99999999999999999999'])).toEqual([2, 'cdk8s-platform: --max-objects-per-build 99999999999999999999: must be a whole number from 1 to 9007199254740991\n']);

    // A second tree with the same layout: each Kustomization's build is counted in its own tree.
    const other = tmp();
    dirs.push(other);
    fs.cpSync(dir, other, { recursive: true });
    const io = { cwd: dir, stdout: jest.fn(), stderr: jest.fn() } as any;
    expect(await runValidate(['.', other], { preinstalled: ['flux'], maxObjectsPerBuild: 11 }, io)).toBe(1);
    expect(io.stdout.mock.calls.map((c: string[]) => c[0]).filter((l: string) => l.includes('builds 12 objects'))).toHaveLength(2);

    // A kustomization.yaml without apiVersion and kind (kustomize accepts it) lists what is built.
    write('apps/kustomization.yaml', 'resources:\n  - team-0/cm-0.yaml\n  - team-1/cm-1.yaml\n');
    expect(await run(2)).toEqual([0, '']);
    expect(await run(1)).toEqual([1, `clusters/mgmt/apps.yaml#0: Kustomization flux-system/apps builds 2 objects from ./apps (limit 1); ${FIX}\n`]);
  });
});

const teams = (n: number, first = 0): TeamSpec[] =>
  Array.from({ length: n }, (_, i) => ({
    name: `team-${first + i}`,
    repository: { url: `https://github.com/contoso/team-${first + i}`, secretRef: 'git-credentials' },
    path: './deploy',
    alert: { type: 'msteams' as const, secretRef: 'msteams-webhook' },
  }));

/**
 * A locked-down cluster `prod` whose entry folder applies `clusters/prod/tenants` with the
 * Kustomization `tenants` (as kustomize-controller); a SystemsSync of `n` teams there.
 */
function tenantsApp(n: number, o: { outdir?: string; buckets?: Omit<SystemsSyncBuckets, 'source' | 'prune'>; tenantsPrune?: boolean; shards?: number; fluxShards?: string[] } = {}) {
  const app = new GitOpsApp({ outdir: o.outdir ?? '/nonexistent' });
  const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
  const entry = repo.folder('clusters/prod', { cluster: 'prod', namespace: 'flux-system', includeSubfolders: false });
  const fluxFolder = repo.folder('clusters/prod/flux-system');
  fluxFolder.addResource('gotk-components.yaml', { userOwned: true }); // the Flux install the lockdown (and the shards) patch
  const flux = new FluxBootstrap(fluxFolder, 'flux', { repo, entry, environment: Environment.branch('prod', 'main'), lockdown: true, shards: o.fluxShards });
  const folder = repo.folder('clusters/prod/tenants', o.buckets ? { includeSubfolders: false } : {});
  const sync = new SystemsSync(folder, 'systems', {
    teams: teams(n),
    shards: o.shards,
    buckets: o.buckets ? { source: flux.source, prune: true, serviceAccountName: 'kustomize-controller', ...o.buckets } : undefined,
  });
  const k = Kustomization.forFolder(entry, 'tenants', folder, { name: 'tenants', source: flux.source, prune: o.tenantsPrune ?? true, serviceAccountName: 'kustomize-controller' });
  return { app, repo, folder, sync, k };
}

const bucketOf = (team: string, count: number) => `b${String(stableHash(`bucket:${team}`) % count).padStart(String(count - 1).length, '0')}`;

describe('SystemsSync buckets', () => {
  test('120 teams in one folder exceed the bound; in 8 buckets each Kustomization builds about an eighth', () => {
    const flat = tenantsApp(120);
    expect(Testing.synthProblems(flat.app)).toEqual([`${flat.k.node.path}: Kustomization flux-system/tenants builds 1205 objects from ./clusters/prod/tenants (limit 1000); ${FIX}`]);

    const { app, repo, sync, k } = tenantsApp(120, { buckets: { count: 8 } });
    expect(Testing.synthProblems(app)).toEqual([]);
    const sizes = new Map(kustomizationBuildSizes(repo).map((b) => [b.kustomization.name, b.objects]));
    // The tenants folder: the ClusterRole, the Service and guardrail policies and their bindings, and the 8 bucket Kustomizations.
    expect(sizes.get(k.name)).toBe(13);
    const buckets = sync.bucketKustomizations.map((b) => b.name);
    expect(buckets).toEqual(['tenants-b0', 'tenants-b1', 'tenants-b2', 'tenants-b3', 'tenants-b4', 'tenants-b5', 'tenants-b6', 'tenants-b7']);
    // Each tenant is 10 objects here (namespace, ServiceAccount, RoleBinding, quota, limit range, network policy, GitRepository, Kustomization, Provider, Alert).
    for (const b of buckets) expect(sizes.get(b)).toBe(10 * teams(120).filter((t) => `tenants-${bucketOf(t.name, 8)}` === b).length);
    expect(Math.max(...buckets.map((b) => sizes.get(b)!))).toBeLessThan(250);
  });

  test('layout: bucket Kustomizations in the folder, a folder per team in its bucket; adding a team moves no other', () => {
    const { app, sync } = tenantsApp(12, { buckets: { count: 4, interval: '30m' } });
    const objs = Testing.objects(app);
    for (const b of sync.bucketKustomizations) {
      const bucket = b.name.replace(/^tenants-/, '');
      expect(Testing.find(objs, 'Kustomization', b.name, 'flux-system').spec).toEqual({
        interval: '30m', path: `./clusters/prod/tenants/${bucket}`, prune: true, serviceAccountName: 'kustomize-controller', sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      });
    }
    const placement = (s: SystemsSync) => new Map(s.tenants.map((t) => [t.name, Repo.of(t).folders.find((f) => f === (t.node.scope as unknown))!.path]));
    const before = placement(sync);
    for (const t of teams(12)) expect(before.get(t.name)).toBe(`clusters/prod/tenants/${bucketOf(t.name, 4)}/${t.name}`);
    const files = app.renderToMemory().get('platform')!;
    expect(files.get('clusters/prod/tenants/kustomization.yaml')).toBe([
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      '  - clusterrole-cdk8s-platform-tenant.yaml',
      ...sync.bucketKustomizations.map((b) => `  - kustomization-${b.name}.yaml`),
      '  - validatingadmissionpolicy-cdk8s-platform-tenant-guardrails.yaml',
      '  - validatingadmissionpolicy-cdk8s-platform-tenant-services.yaml',
      '  - validatingadmissionpolicybinding-cdk8s-platform-tenant-guardrails.yaml',
      '  - validatingadmissionpolicybinding-cdk8s-platform-tenant-services.yaml',
      '',
    ].join('\n'));
    const more = tenantsApp(13, { buckets: { count: 4 } }).sync;
    const after = placement(more);
    for (const [team, folder] of before) expect(after.get(team)).toBe(folder);
  });

  test('a team\'s folder has the team\'s namespace: its own objects land there', () => {
    const { app, sync } = tenantsApp(2, { buckets: { count: 1 } });
    const folder = Folder.of(sync.tenants[0]);
    expect(folder.path).toBe('clusters/prod/tenants/b0/team-0');
    new ApiObject(folder, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'team-settings' }, data: { tier: 'gold' } });
    expect(Testing.find(Testing.objects(app), 'ConfigMap', 'team-settings', 'team-0').metadata.namespace).toBe('team-0');
  });

  test('kubectl kustomize builds the tenants folder and every bucket folder, with the objects counted', () => {
    const out = tmp();
    dirs.push(out);
    const { app, repo, sync, k } = tenantsApp(30, { outdir: out, buckets: { count: 4 } });
    app.synth();
    const sizes = new Map(kustomizationBuildSizes(repo).map((b) => [b.kustomization, b.objects]));
    for (const kz of [k, ...sync.bucketKustomizations]) {
      const built = execFileSync('kubectl', ['kustomize', path.join(out, 'platform', kz.path)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      expect(built.match(/^kind: /gm)!.length).toBe(sizes.get(kz));
    }
    const b0 = execFileSync('kubectl', ['kustomize', path.join(out, 'platform', sync.bucketKustomizations[0].path)], { encoding: 'utf8' });
    expect(b0).toMatch(/^kind: Namespace$/m);
    expect(b0).not.toMatch(/^kind: ClusterRole$/m);
  });

  test('shards: each team\'s Flux objects carry its shard; buckets are per shard, each Kustomization labelled with it', () => {
    const { app, sync } = tenantsApp(12, { buckets: { count: 2 }, shards: 2, fluxShards: ['shard0', 'shard1'] });
    expect(Testing.synthProblems(app)).toEqual([]);
    const objs = Testing.objects(app);
    const shardOf = (team: string) => `shard${stableHash(team) % 2}`;
    expect(sync.bucketKustomizations.map((k) => k.name)).toEqual(
      [...new Set(teams(12).map((t) => `tenants-${shardOf(t.name)}-${bucketOf(t.name, 2)}`))].sort(),
    );
    for (const k of sync.bucketKustomizations) {
      const shard = k.name.split('-')[1];
      expect(Testing.find(objs, 'Kustomization', k.name, 'flux-system').metadata.labels).toEqual({ 'sharding.fluxcd.io/key': shard });
    }
    for (const t of sync.tenants) {
      expect(Repo.of(t).folders.find((f) => f === (t.node.scope as unknown))!.path).toBe(`clusters/prod/tenants/${shardOf(t.name)}-${bucketOf(t.name, 2)}/${t.name}`);
      for (const kind of ['GitRepository', 'Kustomization']) {
        expect(Testing.find(objs, kind, t.name, t.name).metadata.labels?.['sharding.fluxcd.io/key']).toBe(shardOf(t.name));
      }
    }
    // Shard keys no FluxBootstrap runs: nothing would reconcile those teams.
    const unwatched = Testing.synthProblems(tenantsApp(12, { buckets: { count: 2 }, shards: 2 }).app);
    expect(unwatched.map((l) => l.replace(/: platform\/.*; add/, ': ...; add'))).toEqual(['shard0', 'shard1'].map((key) =>
      `platform/clusters--prod--flux-system/flux: shards: ${teams(12).filter((t) => shardOf(t.name) === key).length * 2 + 2} Flux object(s) on cluster "prod" have the shard key "${key}" (sharding.fluxcd.io/key), ` +
      'but no FluxBootstrap of that cluster runs that shard (it runs no shards), and the main controllers skip objects with a shard key, so nothing would reconcile them: ...; ' +
      `add "${key}" to the FluxBootstrap's shards, or give them a key it runs (a Fleet's or SystemsSync's shards, a row's shard, shardKey)`));
  });

  test('props are checked', () => {
    const app = Testing.app();
    const repo = new Repo(app, 'platform');
    const source = GitRepository.fromName(repo.folder('clusters/prod'), 'source', { name: 'flux-system', namespace: 'flux-system' });
    expect(Testing.errorOf(() => new SystemsSync(repo.folder('tenants'), 'systems', { teams: teams(1), buckets: { source, prune: true } }))).toBe(
      'platform/tenants/systems: prop "buckets": folder "tenants" lists its sub-folders, so the Kustomization applying it would build every bucket too: create it with includeSubfolders: false',
    );
    expect(Testing.errorOf(() => new SystemsSync(repo.folder('t2', { includeSubfolders: false }), 'systems', { teams: teams(1), buckets: { source, prune: true, count: 0 } }))).toBe(
      'platform/t2/systems: prop "buckets.count": 0 is invalid: must be an integer from 1 to 10000',
    );
    // A bucket's folder belongs to its bucket Kustomization alone.
    const t5 = repo.folder('t5', { includeSubfolders: false });
    new SystemsSync(t5, 'a', { teams: teams(3), defineClusterRole: false, buckets: { source, prune: true, count: 1, name: 'a' } });
    expect(Testing.errorOf(() => new SystemsSync(t5, 'b', { teams: teams(1, 10), defineClusterRole: false, defineServicePolicy: false, buckets: { source, prune: true, count: 1, name: 'b' } }))).toBe(
      'platform/t5/b: prop "buckets": folder "t5/b0" already exists (another SystemsSync in folder "t5", or a folder of the app): ' +
      'a bucket\'s folder is applied by its bucket Kustomization alone; give each SystemsSync its own folder',
    );
    repo.folder('t6/b0');
    expect(Testing.errorOf(() => new SystemsSync(repo.folder('t6', { includeSubfolders: false }), 'systems', { teams: teams(1), buckets: { source, prune: true, count: 1 } }))).toBe(
      'platform/t6/systems: prop "buckets": folder "t6/b0" already exists (another SystemsSync in folder "t6", or a folder of the app): ' +
      'a bucket\'s folder is applied by its bucket Kustomization alone; give each SystemsSync its own folder',
    );
    // Props that would rewrite what a bucket applies are not bucket props (refused for JavaScript callers too).
    const rewrite = { source, prune: true, targetNamespace: 'team-0' } as unknown as SystemsSyncBuckets;
    expect(Testing.errorOf(() => new SystemsSync(repo.folder('t7', { includeSubfolders: false }), 'systems', { teams: teams(1), buckets: rewrite }))).toBe(
      'platform/t7/systems: prop "buckets.targetNamespace": is not a prop of the bucket Kustomizations (count, name, source, prune, namespace, labels, shardKey, ' +
      'removalPolicy, interval, retryInterval, timeout, wait, dependsOn, serviceAccountName, deletionPolicy, force, suspend): a bucket applies its tenants as they are',
    );
    // kustomize-controller labels what it applies with the Kustomization's name: at most 63 characters (fluxcd/flux2#2004).
    const long = 'tenants-of-the-property-and-casualty-business-unit-emea-x';
    expect(Testing.errorOf(() => new SystemsSync(repo.folder(long, { includeSubfolders: false }), 'systems', { teams: teams(1), shards: 1, buckets: { source, prune: true } }))).toBe(
      `platform/${long}/systems/Bucket-shard0-b${bucketOf('team-0', 32).slice(1)}: prop "name": "${long}-shard0-b${bucketOf('team-0', 32).slice(1)}" is 68 characters: ` +
      'kustomize-controller labels every object it applies with it (kustomize.toolkit.fluxcd.io/name) and a label value has at most 63, so nothing would apply; use at most 63 characters',
    );
    expect(Testing.errorOf(() => new SystemsSync(repo.folder('t3', { includeSubfolders: false }), 'systems', { teams: teams(1), shards: 0 }))).toBe(
      'platform/t3/systems: prop "shards": 0 is invalid: must be an integer from 1 to 1000',
    );
    expect(Testing.errorOf(() => new SystemsSync(repo.folder('t4', { includeSubfolders: false }), 'systems', { teams: [{ ...teams(1)[0], shardKey: 'Shard_A' }], buckets: { source, prune: true } }))).toMatch(
      /^platform\/t4\/systems: prop "teams\[0\]\.shardKey": "Shard_A" /,
    );
  });

  test('moving tenants into buckets: refused while the tenants Kustomization prunes, also with prune: false in the same change; prune: false first, then the move, then true again, passes', () => {
    const out = tmp();
    dirs.push(out);
    tenantsApp(3, { outdir: out }).app.synth();
    const problems = Testing.errorOf(() => tenantsApp(3, { outdir: out, buckets: { count: 2 } }).app.synth());
    const ns = teams(3).map((t) =>
      `platform/clusters--prod--tenants/systems/${t.name}/Namespace (platform/clusters/prod/tenants/namespace-${t.name}.yaml): Namespace/${t.name} would be pruned by Flux although its file stays in Git: ` +
      'Kustomization/flux-system/tenants (platform/clusters/prod/kustomization-tenants.yaml) no longer applies it (its build of ./clusters/prod/tenants lacks it), but it is protected: ' +
      'a Namespace: deleting it deletes every object in it, also those other Kustomizations and repos apply there. ' +
      `To allow it, add 'platform:prod:Namespace/${t.name}' to the GitOpsApp prop allowDestroy or pass --allow-destroy platform:prod:Namespace/${t.name}; ` +
      'to move it to another Kustomization without deleting it, first give Kustomization/flux-system/tenants prune: false in a change of its own, make this change in a later one, once Flux has applied the first (it then only drops the object from its inventory), and prune: true again after that (in one change, it may reconcile the new revision with its old spec and prune)');
    for (const line of ns) expect(problems).toContain(line);
    // In one change, the Kustomization may reconcile the new revision with its committed prune: true.
    expect(Testing.errorOf(() => tenantsApp(3, { outdir: out, buckets: { count: 2 }, tenantsPrune: false }).app.synth())).toContain(ns[0]);
    tenantsApp(3, { outdir: out, tenantsPrune: false }).app.synth();
    tenantsApp(3, { outdir: out, buckets: { count: 2 }, tenantsPrune: false }).app.synth();
    tenantsApp(3, { outdir: out, buckets: { count: 2 } }).app.synth();
    expect(fs.existsSync(path.join(out, 'platform/clusters/prod/tenants', bucketOf('team-0', 2), 'team-0'))).toBe(true);
  });
});
