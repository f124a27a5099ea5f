// FluxBootstrap shards: Flux's documented sharding setup (fluxcd.io/flux/installation/configuration/sharding).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { ApiObject } from 'cdk8s';
import { GitOpsApp, Repo, SynthError } from '../../lib';
import { FluxBootstrap, GitRepository, Kustomization } from '../../lib/flux';
import { declarePreinstalled, Preinstalled } from '../../lib/gitops';
import { SealedSecret } from '../../lib/sealing';
import { SEALED_CIPHERTEXT } from '../support/ciphertext';
import type { Folder } from '../../lib/gitops/folder';
import { Testing } from '../../lib/testing';
import { FLUX_INSTALL_YAML } from '../support/flux-install';

function bootstrap(shards?: string[], lockdown?: boolean, install = true) {
  const app = new GitOpsApp({ outdir: '/tmp/fleet-sharding-unused' });
  const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
  const fluxFolder = repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' });
  // The Flux install flux bootstrap committed, which the shard controllers are built from.
  if (install) fluxFolder.addResource('gotk-components.yaml', { userOwned: true });
  // Without it listed: Flux installed another way (install: 'external'), so nothing lists it.
  const flux = new FluxBootstrap(fluxFolder, 'flux', { repo, entry: repo.folder('clusters/mgmt', { includeSubfolders: false }), shards, lockdown, install: install ? 'bootstrap' : 'external' });
  return { app, flux, fluxFolder };
}

/** The folder, listing the Flux install flux bootstrap committed there (the shard controllers are built from it). */
function withInstall(folder: Folder): Folder {
  folder.addResource('gotk-components.yaml', { userOwned: true });
  return folder;
}

const DELETE = 'apiVersion: v1\nkind: all\nmetadata:\n  name: all\n$patch: delete\n';

test('without shards: no patch, no shard Kustomizations', () => {
  const { app, flux } = bootstrap();
  expect(flux.shardKustomizations).toEqual([]);
  expect(Testing.find(Testing.objects(app), 'Kustomization', 'flux-system').spec.patches).toBeUndefined();
});

test('main controllers exclude sharded objects; one Kustomization per shard builds its controllers', () => {
  const { app, flux } = bootstrap(['shard1', 'shard2']);
  const objs = Testing.objects(app);
  expect(Testing.find(objs, 'Kustomization', 'flux-system').spec.patches).toEqual([{
    patch: '- op: add\n  path: /spec/template/spec/containers/0/args/0\n  value: --watch-label-selector=!sharding.fluxcd.io/key\n',
    target: { kind: 'Deployment', name: '(source-controller|kustomize-controller|helm-controller)', annotationSelector: '!sharding.fluxcd.io/role' },
  }]);
  expect(flux.shardKustomizations.map((k) => k.name)).toEqual(['flux-system-shard1', 'flux-system-shard2']);
  const shard1 = Testing.find(objs, 'Kustomization', 'flux-system-shard1');
  // Reconciled by the main controllers: no shard label of its own.
  expect(shard1.metadata).toEqual({ name: 'flux-system-shard1', namespace: 'flux-system' });
  expect(shard1.spec).toMatchObject({
    path: './clusters/mgmt/flux-system', prune: true, nameSuffix: '-shard1',
    commonMetadata: { annotations: { 'sharding.fluxcd.io/role': 'shard' } },
    sourceRef: { kind: 'GitRepository', name: 'flux-system' },
  });
  const patches = shard1.spec.patches as Array<{ patch: string; target: Record<string, string> }>;
  expect(patches.filter((p) => p.patch === DELETE).map((p) => p.target)).toEqual([
    { kind: '(Namespace|CustomResourceDefinition|ClusterRole|ClusterRoleBinding|ServiceAccount|NetworkPolicy|ResourceQuota)', labelSelector: 'app.kubernetes.io/part-of=flux' },
    { labelSelector: 'app.kubernetes.io/component=notification-controller' },
    { kind: 'Deployment', name: '(image-reflector-controller|image-automation-controller)' },
    // source-watcher (componentsExtra) stays in the main install only.
    { labelSelector: 'app.kubernetes.io/component=source-watcher' },
    { group: '(source|kustomize|helm|notification|image).toolkit.fluxcd.io' },
    // Anything else of the folder but Flux's install (a SealedSecret of the Git credentials, say).
    { labelSelector: 'app.kubernetes.io/part-of!=flux' },
  ]);
  expect(patches[patches.length - 1]).toEqual({
    patch: '- op: add\n  path: /spec/template/spec/containers/0/args/-\n  value: --watch-label-selector=sharding.fluxcd.io/key=shard1\n',
    target: { kind: 'Deployment', name: '(source-controller|kustomize-controller|helm-controller)' },
  });
  expect(patches.find((p) => p.target.name === 'source-controller' && p.target.kind === 'Deployment')!.patch).toContain(
    'value: --storage-adv-addr=source-controller-shard1.$(RUNTIME_NAMESPACE).svc.cluster.local.',
  );
});

test('shards need the Flux install in the folder: gotk-components.yaml listed, or the controllers written by the app', () => {
  expect(Testing.synthProblems(bootstrap(['shard1'], false, false).app)).toEqual([
    'platform/clusters--mgmt--flux-system/flux: prop "shards": the shard controllers are built from the Flux install in folder "clusters/mgmt/flux-system" ' +
      "(its gotk-components.yaml, which flux bootstrap commits), but the folder lists none, so no shard controller would run and the main controllers would not skip sharded objects; " +
      "list it with repo.folder('clusters/mgmt/flux-system').addResource('gotk-components.yaml', { userOwned: true }), " +
      "or label the controller Deployments the app writes there app.kubernetes.io/part-of: flux, as Flux's install does",
  ]);
  expect(Testing.synthProblems(bootstrap(undefined, false, false).app)).toEqual([]);
  // Controllers the app writes itself: the shard builds keep only what is labelled part of Flux's install.
  const controller = (labels?: Record<string, string>) => {
    const written = bootstrap(['shard1'], false, false);
    new ApiObject(written.fluxFolder, 'kc', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'kustomize-controller', labels }, spec: { selector: { matchLabels: { app: 'kc' } }, template: { metadata: { labels: { app: 'kc' } }, spec: { containers: [{ name: 'manager', image: 'ghcr.io/fluxcd/kustomize-controller:v1.6.0' }] } } } });
    return Testing.synthProblems(written.app).filter((p) => p.includes('prop "shards"'));
  };
  expect(controller({ 'app.kubernetes.io/part-of': 'flux' })).toEqual([]);
  expect(controller()).toHaveLength(1);
});

test('the apply-order check still runs with shards: each shard Kustomization builds flux-system without the Flux objects its patches delete', () => {
  for (const shards of [undefined, ['shard1', 'shard2']]) {
    const { app, flux } = bootstrap(shards);
    const repo = Repo.of(flux.entry);
    // A Kustomization applying a folder whose objects live in a Namespace nothing creates.
    Kustomization.forFolder(flux.entry, 'apps', repo.folder('apps', { namespace: 'team-a' }), { name: 'apps', source: flux.source, prune: true });
    new ApiObject(repo.folder('apps'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    expect(Testing.synthProblems(app).filter((p) => p.includes('team-a'))).toEqual([
      'platform/apps/cm: ConfigMap team-a/settings in Kustomization flux-system/apps: its Namespace "team-a" is not applied by this or any Kustomization it depends on, ' +
        "and not declared pre-installed on the repo's cluster; add the Namespace to the build, or declare it with declarePreinstalled(folder, Preinstalled.of(...))",
    ]);
  }
});

test('shard keys are checked', () => {
  expect(Testing.errorOf(() => bootstrap([]))).toBe('platform/clusters--mgmt--flux-system/flux: prop "shards": must list at least one shard key, or be left out');
  expect(Testing.errorOf(() => bootstrap(['a', 'a']))).toBe('platform/clusters--mgmt--flux-system/flux: prop "shards[1]": "a" is listed twice');
  expect(Testing.errorOf(() => bootstrap(['Shard_1']))).toBe('platform/clusters--mgmt--flux-system/flux: prop "shards[0]": "Shard_1" is invalid: must be a shard key: a DNS label such as "shard1"');
});

describe('shards under the multi-tenancy lockdown', () => {
  let kubectl = true;
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
  } catch {
    kubectl = false;
  }


  /**
   * What Flux builds for a Kustomization of the flux-system folder: the patches of the folder's
   * kustomization.yaml, then the Kustomization's own (kustomize-controller appends them), and its
   * nameSuffix, over the components.
   */
  const fluxBuild = (spec: { patches?: unknown[]; nameSuffix?: string }, filePatches: unknown[] = []) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shard-build-'));
    fs.writeFileSync(path.join(dir, 'gotk-components.yaml'), FLUX_INSTALL_YAML);
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['gotk-components.yaml'], patches: [...filePatches, ...(spec.patches ?? [])], ...(spec.nameSuffix ? { nameSuffix: spec.nameSuffix } : {}) }));
    const docs = parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map((d) => d.toJS());
    return new Map(docs.filter((d) => d.kind === 'Deployment').map((d) => [d.metadata.name as string, d.spec.template.spec.containers[0].args as string[]]));
  };
  const LOCKDOWN = ['--no-cross-namespace-refs=true', '--no-remote-bases=true', '--default-service-account=default'];

  test('each shard Kustomization runs as kustomize-controller and its controllers get the lockdown flags, like the main ones', () => {
    const { app, flux } = bootstrap(['shard1'], true);
    const objs = Testing.objects(app); // the lockdown check passes: no shard Kustomization without a ServiceAccount
    const shard = Testing.find(objs, 'Kustomization', 'flux-system-shard1');
    expect(shard.spec.serviceAccountName).toBe('kustomize-controller');
    expect(flux.shardKustomizations.map((k) => k.name)).toEqual(['flux-system-shard1']);
    if (!kubectl) {
      process.stderr.write('kubectl not found: the builds of the shard and main controllers are not checked\n');
      return;
    }
    // The lockdown patches are in the folder's kustomization.yaml (flux bootstrap applies them
    // too), which the shard Kustomizations build as well.
    const filePatches = Testing.render(app)['platform/clusters/mgmt/flux-system/kustomization.yaml'][0].patches as unknown[];
    expect(filePatches).toHaveLength(3);
    expect(shard.spec.patches.filter((p: { patch: string }) => p.patch.includes('--no-'))).toEqual([]);
    const shardArgs = fluxBuild(shard.spec, filePatches);
    expect([...shardArgs.keys()].sort()).toEqual(['helm-controller-shard1', 'kustomize-controller-shard1', 'source-controller-shard1']);
    expect(shardArgs.get('kustomize-controller-shard1')).toEqual(expect.arrayContaining([...LOCKDOWN, '--watch-label-selector=sharding.fluxcd.io/key=shard1']));
    expect(shardArgs.get('helm-controller-shard1')).toEqual(expect.arrayContaining(['--no-cross-namespace-refs=true', '--default-service-account=default']));
    const mainArgs = fluxBuild(Testing.find(objs, 'Kustomization', 'flux-system').spec, filePatches);
    // What flux bootstrap applies (the folder's kustomization.yaml alone): locked down too.
    expect(fluxBuild({}, filePatches).get('kustomize-controller')).toEqual(expect.arrayContaining(LOCKDOWN));
    expect(mainArgs.get('kustomize-controller')).toEqual(expect.arrayContaining([...LOCKDOWN, '--watch-label-selector=!sharding.fluxcd.io/key']));
  });

  test('a shard build holds only the shard controllers: a SealedSecret of the Git credentials in the folder stays with the main sync', () => {
    const { app, fluxFolder } = bootstrap(['shard1']);
    declarePreinstalled(app, Preinstalled.SEALED_SECRETS);
    const sealed = new SealedSecret(fluxFolder, 'git', {
      sealed: { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'git-credentials', namespace: 'flux-system' }, spec: { encryptedData: { password: SEALED_CIPHERTEXT }, template: { metadata: { name: 'git-credentials', namespace: 'flux-system' } } } },
    });
    new GitRepository(fluxFolder, 'infra', { name: 'infra', url: 'https://github.com/contoso/infra', secretRef: sealed });
    // Before, the shard applied it again as git-credentials-shard1, which a strict seal does not decrypt under.
    expect(Testing.synthProblems(app)).toEqual([]);
    const shard = Testing.find(Testing.objects(app), 'Kustomization', 'flux-system-shard1');
    if (!kubectl) {
      process.stderr.write('kubectl not found: the shard build is not checked\n');
      return;
    }
    // The folder as Flux checks it out, with the Kustomization's patches and nameSuffix added to its
    // kustomization.yaml (kustomize-controller's generator does that).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shard-build-'));
    const prefix = 'platform/clusters/mgmt/flux-system/';
    for (const [file, docs] of Object.entries(Testing.render(app))) {
      if (!file.startsWith(prefix) || file.endsWith('/kustomization.yaml')) continue;
      fs.writeFileSync(path.join(dir, file.slice(prefix.length)), docs.map((d) => stringify(d)).join('---\n'));
    }
    const own = Testing.render(app)[`${prefix}kustomization.yaml`][0] as unknown as { resources: string[] };
    fs.writeFileSync(path.join(dir, 'gotk-components.yaml'), FLUX_INSTALL_YAML);
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), stringify({ ...own, patches: shard.spec.patches, nameSuffix: shard.spec.nameSuffix }));
    expect(own.resources).toEqual(expect.arrayContaining(['gotk-components.yaml', 'sealedsecret-git-credentials.yaml', 'gitrepository-infra.yaml']));
    const built = parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map((d) => d.toJS());
    fs.rmSync(dir, { recursive: true, force: true });
    expect(built.map((d) => `${d.kind} ${d.metadata.name}`).sort()).toEqual([
      'Deployment helm-controller-shard1', 'Deployment kustomize-controller-shard1', 'Deployment source-controller-shard1', 'Service source-controller-shard1',
    ]);
  });

  test('without the lockdown the shard Kustomizations are as before', () => {
    const { app } = bootstrap(['shard1']);
    const shard = Testing.find(Testing.objects(app), 'Kustomization', 'flux-system-shard1');
    expect(shard.spec.serviceAccountName).toBeUndefined();
    expect((shard.spec.patches as Array<{ patch: string }>).some((p) => p.patch.includes('--no-cross-namespace-refs'))).toBe(false);
  });
});

describe('shard keys no FluxBootstrap runs', () => {
  const app = (bootstrapShards: string[][], keys: string[]) => {
    const a = new GitOpsApp({ outdir: '/tmp/fleet-sharding-unused', validation: false });
    const repo = new Repo(a, 'platform', { url: 'https://github.com/contoso/platform' });
    const entry = repo.folder('clusters/mgmt', { includeSubfolders: false });
    // Bootstraps of one cluster (no cluster set: ''), each with its own entry folder (one entry
    // applied by two flux-system syncs would be in both inventories).
    bootstrapShards.forEach((shards, i) => {
      const own = i === 0 ? entry : repo.folder(`clusters/mgmt-${i}`, { includeSubfolders: false });
      new FluxBootstrap(withInstall(repo.folder(`${own.path}/flux-${i}`, { namespace: 'flux-system' })), 'flux', { repo, entry: own, name: `flux-${i}`, shards });
    });
    const apps = repo.folder('apps');
    keys.forEach((shardKey, i) => Kustomization.forFolder(entry, `apps-${i}`, apps, { name: `apps-${i}`, prune: true, source: GitRepository.fromName(entry, `src-${i}`, { name: 'flux-0', namespace: 'flux-system' }), shardKey }));
    return a;
  };
  const problems = (a: GitOpsApp) => {
    try {
      a.placedObjects();
      return [];
    } catch (e) {
      return [...(e as SynthError).problems];
    }
  };

  test('one line per key no bootstrap runs, from the first bootstrap only; keys it runs are fine', () => {
    expect(problems(app([['shard1'], ['shard2']], ['shard1', 'shard2', 'shard3', 'shard3', 'shard3', 'shard3', 'shard9']))).toEqual([
      'platform/clusters--mgmt--flux-0/flux: shards: 4 Flux object(s) have the shard key "shard3" (sharding.fluxcd.io/key), but no FluxBootstrap of the app runs that shard (its shards are "shard1", "shard2"), ' +
        'and the main controllers skip objects with a shard key, so nothing would reconcile them: platform/clusters--mgmt/apps-2 (Kustomization flux-system/apps-2), ' +
        'platform/clusters--mgmt/apps-3 (Kustomization flux-system/apps-3), platform/clusters--mgmt/apps-4 (Kustomization flux-system/apps-4) and 1 more; ' +
        'add "shard3" to the FluxBootstrap\'s shards, or give them a key it runs (a Fleet\'s or SystemsSync\'s shards, a row\'s shard, shardKey)',
      'platform/clusters--mgmt--flux-0/flux: shards: 1 Flux object(s) have the shard key "shard9" (sharding.fluxcd.io/key), but no FluxBootstrap of the app runs that shard (its shards are "shard1", "shard2"), ' +
        'and the main controllers skip objects with a shard key, so nothing would reconcile them: platform/clusters--mgmt/apps-6 (Kustomization flux-system/apps-6); ' +
        'add "shard9" to the FluxBootstrap\'s shards, or give them a key it runs (a Fleet\'s or SystemsSync\'s shards, a row\'s shard, shardKey)',
    ]);
  });

  test('per cluster: an object is checked against its own cluster\'s bootstraps; of no cluster, against all; of a cluster bootstrapped elsewhere, not at all', () => {
    const a = new GitOpsApp({ outdir: '/tmp/fleet-sharding-unused', validation: false });
    const repo = new Repo(a, 'platform', { url: 'https://github.com/contoso/platform' });
    const entries = ['a', 'b', 'c'].map((c) => repo.folder(`clusters/${c}`, { cluster: c, includeSubfolders: false, namespace: 'flux-system' }));
    new FluxBootstrap(withInstall(repo.folder('clusters/a/flux-system')), 'flux', { repo, entry: entries[0], shards: ['s1'] });
    new FluxBootstrap(withInstall(repo.folder('clusters/b/flux-system')), 'flux', { repo, entry: entries[1], shards: ['s2'] });
    const k = (scope: ReturnType<Repo['folder']>, id: string, shardKey: string) =>
      Kustomization.forFolder(scope, id, repo.folder('apps'), { name: id, prune: true, source: GitRepository.fromName(scope, `src-${id}`, { name: 'flux-system' }), shardKey });
    k(entries[0], 'a-s1', 's1');
    k(entries[0], 'a-s2', 's2'); // s2 runs on cluster b only
    k(entries[1], 'b-s2', 's2');
    k(repo.folder('clusters/a/apps', { namespace: 'flux-system' }), 'a-sub-s2', 's2'); // cluster a, inherited by path
    k(entries[2], 'c-s9', 's9'); // cluster c: its Flux is bootstrapped outside the app
    k(repo.folder('shared', { namespace: 'flux-system' }), 'shared-s2', 's2'); // no cluster: any bootstrap's shards
    k(repo.folder('shared2', { namespace: 'flux-system' }), 'shared-s9', 's9');
    expect(problems(a)).toEqual([
      'platform/clusters--a--flux-system/flux: shards: 1 Flux object(s) have the shard key "s9" (sharding.fluxcd.io/key), but no FluxBootstrap of the app runs that shard (its shards are "s1", "s2"), ' +
        'and the main controllers skip objects with a shard key, so nothing would reconcile them: platform/shared2/shared-s9 (Kustomization flux-system/shared-s9); ' +
        'add "s9" to the FluxBootstrap\'s shards, or give them a key it runs (a Fleet\'s or SystemsSync\'s shards, a row\'s shard, shardKey)',
      'platform/clusters--a--flux-system/flux: shards: 2 Flux object(s) on cluster "a" have the shard key "s2" (sharding.fluxcd.io/key), but no FluxBootstrap of that cluster runs that shard (its shards are "s1"), ' +
        'and the main controllers skip objects with a shard key, so nothing would reconcile them: platform/clusters--a/a-s2 (Kustomization flux-system/a-s2), platform/clusters--a--apps/a-sub-s2 (Kustomization flux-system/a-sub-s2); ' +
        'add "s2" to the FluxBootstrap\'s shards, or give them a key it runs (a Fleet\'s or SystemsSync\'s shards, a row\'s shard, shardKey)',
    ]);
  });

  test('a folder two clusters apply needs the shard on both (the tenants of prod and its disaster-recovery twin)', () => {
    const a = new GitOpsApp({ outdir: '/tmp/fleet-sharding-unused', validation: false });
    const repo = new Repo(a, 'platform', { url: 'https://github.com/contoso/platform' });
    const shared = repo.folder('tenants', { namespace: 'flux-system' });
    for (const [c, shards] of [['prod', ['s0', 's1']], ['dr', ['s0']]] as const) {
      const entry = repo.folder(`clusters/${c}`, { cluster: c, includeSubfolders: false, namespace: 'flux-system' });
      const { source } = new FluxBootstrap(withInstall(repo.folder(`clusters/${c}/flux-system`)), 'flux', { repo, entry, shards: [...shards] });
      Kustomization.forFolder(entry, 'tenants', shared, { name: 'tenants', prune: true, source });
    }
    const src = GitRepository.fromName(shared, 'src', { name: 'flux-system' });
    Kustomization.forFolder(shared, 'team-a', repo.folder('apps'), { name: 'team-a', prune: true, source: src, shardKey: 's0' });
    Kustomization.forFolder(shared, 'team-b', repo.folder('apps'), { name: 'team-b', prune: true, source: src, shardKey: 's1' });
    expect(problems(a)).toEqual([
      'platform/clusters--prod--flux-system/flux: shards: 1 Flux object(s) on cluster "dr" have the shard key "s1" (sharding.fluxcd.io/key), but no FluxBootstrap of that cluster runs that shard (its shards are "s0"), ' +
        'and the main controllers skip objects with a shard key, so nothing would reconcile them: platform/tenants/team-b (Kustomization flux-system/team-b); ' +
        'add "s1" to the FluxBootstrap\'s shards, or give them a key it runs (a Fleet\'s or SystemsSync\'s shards, a row\'s shard, shardKey)',
    ]);
  });

  test('without any FluxBootstrap in the app (Flux installed elsewhere) nothing is checked', () => {
    expect(problems(app([], ['shard3']))).toEqual([]);
  });
});
