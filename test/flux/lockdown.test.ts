// Reconciles on a real management cluster (issue 16, parts 3 and 4): the Flux multi-tenancy lockdown
// and the bootstrap layout rule, checked at synth by FluxBootstrap.
import { addProvided, declarePreinstalled, Preinstalled, Repo } from '../../lib';
import { handWrittenCluster } from '../support/clusters';
import {
  Alert,
  FLUX_LOCKDOWN_PATCHES,
  FluxBootstrap,
  GitRepository,
  HelmRelease,
  HelmRepository,
  Kustomization,
  NotificationProvider,
  RemoteClusterHydration,
  SystemsSync,
} from '../../lib/flux';
import { Testing } from '../../lib/testing';

const KUBECONFIG = { name: 'aks-dev-kubeconfig' };

/** A repo with the entry `clusters/mgmt` (sub-folders not listed) and a bootstrap, locked down or not. */
function platform(lockdown: boolean) {
  const app = Testing.app();
  const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
  const entry = repo.folder('clusters/mgmt', { includeSubfolders: false });
  const fluxFolder = repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' });
  fluxFolder.addResource('gotk-components.yaml', { userOwned: true }); // the Flux install the lockdown patches
  const flux = new FluxBootstrap(fluxFolder, 'flux', { repo, entry, lockdown });
  // The fixtures' namespaces exist on the cluster (the apply-order check would otherwise ask for them).
  declarePreinstalled(app, Preinstalled.of('fixture-namespaces', [], ['fleet', 'infra']));
  return { app, repo, entry, flux };
}

const BOOT = 'platform/clusters--mgmt--flux-system/flux';

describe('FluxBootstrap lockdown', () => {
  test('renders the documented controller patches in flux-system/kustomization.yaml (flux bootstrap applies them too); the sync runs as kustomize-controller', () => {
    const { app } = platform(true);
    const files = Testing.render(app);
    const sync = files['platform/clusters/mgmt/flux-system/kustomization-flux-system.yaml'][0];
    expect(sync.spec.serviceAccountName).toBe('kustomize-controller');
    expect(sync.spec.patches).toBeUndefined();
    expect(files['platform/clusters/mgmt/flux-system/kustomization.yaml'][0].patches).toEqual([
      {
        patch: '- op: add\n  path: /spec/template/spec/containers/0/args/-\n  value: --no-cross-namespace-refs=true\n',
        // source-watcher too (the guide's patch predates it); a name no Deployment has patches nothing.
        target: { kind: 'Deployment', name: '(kustomize-controller|helm-controller|notification-controller|image-reflector-controller|image-automation-controller|source-watcher)' },
      },
      { patch: '- op: add\n  path: /spec/template/spec/containers/0/args/-\n  value: --no-remote-bases=true\n', target: { kind: 'Deployment', name: 'kustomize-controller' } },
      { patch: '- op: add\n  path: /spec/template/spec/containers/0/args/-\n  value: --default-service-account=default\n', target: { kind: 'Deployment', name: '(kustomize-controller|helm-controller)' } },
    ]);
    expect(FLUX_LOCKDOWN_PATCHES).toHaveLength(3);
    const openFiles = Testing.render(platform(false).app);
    const open = openFiles['platform/clusters/mgmt/flux-system/kustomization-flux-system.yaml'][0];
    expect(open.spec.serviceAccountName).toBeUndefined();
    expect(open.spec.patches).toBeUndefined();
    expect(openFiles['platform/clusters/mgmt/flux-system/kustomization.yaml'][0].patches).toBeUndefined();
  });

  test('a cross-namespace sourceRef (hydration from flux-system\'s GitRepository) is one line with the fix; a source in the namespace passes', () => {
    const { app, repo, entry, flux } = platform(true);
    const workloads = repo.folder('clusters/mgmt/workloads', { namespace: 'fleet' });
    Kustomization.forFolder(entry, 'workloads', workloads, { name: 'workloads', source: flux.source, prune: true, serviceAccountName: 'kustomize-controller' });
    addProvided(workloads, { apiGroup: '', kind: 'Secret', name: KUBECONFIG.name, namespace: 'fleet' });
    const apps = repo.folder('apps/aks-dev', { cluster: 'aks-dev' });
    new RemoteClusterHydration(workloads, 'hydrate', { cluster: handWrittenCluster(workloads, 'aks-dev', 'fleet'), source: flux.source, stages: [{ name: 'apps', folder: apps, serviceAccountName: 'flux-applier' }] });
    expect(Testing.synthProblems(app)).toEqual([
      `${BOOT}: lockdown: platform/clusters--mgmt--workloads/hydrate/apps: Kustomization fleet/aks-dev-apps: spec.sourceRef: refers to flux-system/flux-system, ` +
        'in another namespace, which --no-cross-namespace-refs=true refuses; create the source in namespace "fleet" (with its own secretRef there) and use it',
    ]);

    const ok = platform(true);
    const w2 = ok.repo.folder('clusters/mgmt/workloads', { namespace: 'fleet' });
    Kustomization.forFolder(ok.entry, 'workloads', w2, { name: 'workloads', source: ok.flux.source, prune: true, serviceAccountName: 'kustomize-controller' });
    addProvided(w2, { apiGroup: '', kind: 'Secret', name: KUBECONFIG.name, namespace: 'fleet' });
    addProvided(w2, { apiGroup: '', kind: 'Secret', name: 'platform-git', namespace: 'fleet' });
    const source = new GitRepository(w2, 'source', { name: 'platform', repo: ok.repo, secretRef: 'platform-git' });
    const hydration = new RemoteClusterHydration(w2, 'hydrate', { cluster: handWrittenCluster(w2, 'aks-dev', 'fleet'), source, stages: [{ name: 'apps', folder: ok.repo.folder('apps/aks-dev', { cluster: 'aks-dev' }), serviceAccountName: 'flux-applier' }] });
    expect(Testing.synthProblems(ok.app)).toEqual([]);
    expect(Testing.render(ok.app)['platform/clusters/mgmt/workloads/kustomization-aks-dev-apps.yaml'][0].spec.serviceAccountName).toBe('flux-applier');
    expect(hydration.kustomizations).toHaveLength(1);
  });

  test('a kubeConfig Kustomization without serviceAccountName is refused: the default account would be impersonated on the remote cluster', () => {
    // fluxcd/pkg runtime/client/impersonator.go: a kubeConfig client gets setImpersonationConfig,
    // which falls back to --default-service-account (system:serviceaccount:<ns>:default there).
    const { app, repo, entry, flux } = platform(true);
    const w = repo.folder('clusters/mgmt/workloads', { namespace: 'fleet' });
    Kustomization.forFolder(entry, 'workloads', w, { name: 'workloads', source: flux.source, prune: true, serviceAccountName: 'kustomize-controller' });
    addProvided(w, { apiGroup: '', kind: 'Secret', name: KUBECONFIG.name, namespace: 'fleet' });
    addProvided(w, { apiGroup: '', kind: 'Secret', name: 'platform-git', namespace: 'fleet' });
    const source = new GitRepository(w, 'source', { name: 'platform', repo, secretRef: 'platform-git' });
    new RemoteClusterHydration(w, 'hydrate', { cluster: handWrittenCluster(w, 'aks-dev', 'fleet'), source, stages: [{ name: 'apps', folder: repo.folder('apps/aks-dev', { cluster: 'aks-dev' }) }] });
    expect(Testing.synthProblems(app)).toEqual([
      `${BOOT}: lockdown: platform/clusters--mgmt--workloads/hydrate/apps: Kustomization fleet/aks-dev-apps: spec.serviceAccountName: is not set, so with --default-service-account=default ` +
        'Flux impersonates system:serviceaccount:fleet:default on the remote cluster of kubeConfig Secret aks-dev-kubeconfig, which has no permissions there; ' +
        'set serviceAccountName (RemoteClusterHydration: stages[].serviceAccountName; Fleet: hydrationServiceAccountName) to an account bound on that cluster, e.g. a ClusterRoleBinding for system:serviceaccount:fleet:<name> applied to it by a ClusterResourceSet',
    ]);
  });

  test('chart sources, event sources and a missing serviceAccountName are reported per field; a dependsOn in another namespace is not (the controllers do not check it)', () => {
    const { app, repo, entry, flux } = platform(true);
    const infra = repo.folder('infrastructure', { namespace: 'infra' });
    const infraK = Kustomization.forFolder(entry, 'infra', infra, { name: 'infra', source: flux.source, prune: true }); // no serviceAccountName
    const charts = new HelmRepository(entry, 'charts', { name: 'jetstack', url: 'https://charts.jetstack.io' }); // flux-system
    addProvided(infra, { apiGroup: '', kind: 'ServiceAccount', name: 'deployer', namespace: 'infra' });
    addProvided(infra, { apiGroup: '', kind: 'Secret', name: 'hook', namespace: 'infra' });
    new HelmRelease(infra, 'cm', { name: 'cert-manager', chart: { repository: charts, chart: 'cert-manager', version: 'v1.18.2' }, serviceAccountName: 'deployer' });
    new Kustomization(infra, 'late', { name: 'late', path: './x', source: flux.source, prune: true, serviceAccountName: 'deployer', dependsOn: [infraK] });
    repo.addUserOwnedPath('x');
    const provider = new NotificationProvider(infra, 'teams', { name: 'teams', type: 'msteams', secretRef: 'hook' });
    new Alert(infra, 'alert', { name: 'infra', provider, eventSources: [infraK] });
    const where = (path: string, what: string) => `${BOOT}: lockdown: platform/${path}: ${what}`;
    expect(Testing.synthProblems(app)).toEqual([
      where('clusters--mgmt/infra', 'Kustomization flux-system/infra: spec.serviceAccountName: is not set, so with --default-service-account=default it runs as flux-system/default, ' +
        'which has no permissions; set serviceAccountName: "kustomize-controller" (the controller\'s cluster-admin account) for a platform object'),
      where('infrastructure/cm', 'HelmRelease infra/cert-manager: spec.chart.spec.sourceRef: refers to flux-system/jetstack, in another namespace, which --no-cross-namespace-refs=true refuses; ' +
        'create the source in namespace "infra" (with its own secretRef there) and use it'),
      where('infrastructure/late', 'Kustomization infra/late: spec.sourceRef: refers to flux-system/flux-system, in another namespace, which --no-cross-namespace-refs=true refuses; ' +
        'create the source in namespace "infra" (with its own secretRef there) and use it'),
      where('infrastructure/alert', 'Alert infra/infra: spec.eventSources[0]: refers to flux-system/infra, in another namespace, which --no-cross-namespace-refs=true refuses; ' +
        'create an Alert in namespace "flux-system" for its objects'),
    ]);
  });

  test('a HelmRelease in another namespace without serviceAccountName gets the tenant fix; a kubeConfig target, the remote fix', () => {
    const { app, repo, entry, flux } = platform(true);
    const infra = repo.folder('infrastructure', { namespace: 'fleet' });
    Kustomization.forFolder(entry, 'infra', infra, { name: 'infra', source: flux.source, prune: true, serviceAccountName: 'kustomize-controller' });
    const charts = new HelmRepository(infra, 'charts', { name: 'jetstack', url: 'https://charts.jetstack.io' });
    addProvided(infra, { apiGroup: '', kind: 'Secret', name: KUBECONFIG.name, namespace: 'fleet' });
    new HelmRelease(infra, 'remote', { name: 'remote', chart: { repository: charts, chart: 'cert-manager', version: 'v1.18.2' }, kubeConfig: handWrittenCluster(infra, 'aks-dev', 'fleet') });
    new HelmRelease(infra, 'local', { name: 'local', chart: { repository: charts, chart: 'cert-manager', version: 'v1.18.2' } });
    expect(Testing.synthProblems(app)).toEqual([
      `${BOOT}: lockdown: platform/infrastructure/remote: HelmRelease fleet/remote: spec.serviceAccountName: is not set, so with --default-service-account=default ` +
        'Flux impersonates system:serviceaccount:fleet:default on the remote cluster of kubeConfig Secret aks-dev-kubeconfig, which has no permissions there; ' +
        'set serviceAccountName to an account bound on that cluster, e.g. a ClusterRoleBinding for system:serviceaccount:fleet:<name> applied to it by a ClusterResourceSet',
      `${BOOT}: lockdown: platform/infrastructure/local: HelmRelease fleet/local: spec.serviceAccountName: is not set, so with --default-service-account=default it runs as fleet/default, ` +
        'which has no permissions; set serviceAccountName to a ServiceAccount of namespace "fleet" bound to the roles it needs (a Tenant\'s, or one you create)',
    ]);
  });

  test('tenants pass the lockdown; objects this cluster does not apply are not checked; without lockdown nothing is checked', () => {
    const { app, repo, entry, flux } = platform(true);
    const tenants = repo.folder('tenants');
    new SystemsSync(tenants, 'teams', {
      teams: [{ name: 'team-a', repository: { url: 'https://github.com/contoso/team-a', secretRef: 'git' }, alert: { type: 'msteams', secretRef: 'hook' } }],
    });
    for (const s of ['git', 'hook']) addProvided(tenants, { apiGroup: '', kind: 'Secret', name: s, namespace: 'team-a' });
    Kustomization.forFolder(entry, 'tenants', tenants, { name: 'tenants', source: flux.source, prune: true, serviceAccountName: 'kustomize-controller' });
    // Not applied by this cluster (no Kustomization points at it): not part of the lockdown.
    new HelmRelease(repo.folder('elsewhere', { namespace: 'x' }), 'x', { name: 'x', chart: { repository: HelmRepository.fromName(entry, 'r', { name: 'r', namespace: 'flux-system' }), chart: 'c', version: '1.0.0' } });
    expect(Testing.synthProblems(app)).toEqual([]);

    const open = platform(false);
    Kustomization.forFolder(open.entry, 'infra', open.repo.folder('infrastructure', { namespace: 'infra' }), { name: 'infra', source: open.flux.source, prune: true });
    new Kustomization(open.repo.folder('infrastructure'), 'late', { name: 'late', path: './x', source: open.flux.source, prune: true });
    open.repo.addUserOwnedPath('x');
    expect(Testing.synthProblems(open.app)).toEqual([]);
  });
});

test('remote bases (a Kustomization component by URL) are reported under the lockdown; a folder resource by URL is refused when added', () => {
  const { app, repo, entry, flux } = platform(true);
  const infra = repo.folder('infrastructure');
  expect(() => infra.addResource('https://github.com/contoso/bases/raw/main/ingress.yaml')).toThrow(
    'platform/infrastructure: addResource("https://github.com/contoso/bases/raw/main/ingress.yaml"): must be a "/"-separated path relative to the folder (no absolute paths or URLs)',
  );
  Kustomization.forFolder(entry, 'infra', infra, {
    // (kustomize-controller itself refuses github.com/..., https://...: see the Kustomization's props.)
    name: 'infra', source: flux.source, prune: true, serviceAccountName: 'kustomize-controller', components: ['gitlab.com/contoso/components/monitoring'],
  });
  expect(Testing.synthProblems(app)).toEqual([
    `${BOOT}: lockdown: platform/clusters--mgmt/infra: Kustomization flux-system/infra: spec.components[0]: "gitlab.com/contoso/components/monitoring" is a remote base, ` +
      'which --no-remote-bases=true refuses; vendor the files into the repo (or an OCIRepository) and refer to them by path',
  ]);
});

test('a team repo of the app (same URL as the tenant source) is checked too', () => {
  const { app, repo, entry, flux } = platform(true);
  const tenants = repo.folder('tenants');
  new SystemsSync(tenants, 'teams', { teams: [{ name: 'team-a', repository: { url: 'https://github.com/contoso/team-a' } }] });
  Kustomization.forFolder(entry, 'tenants', tenants, { name: 'tenants', source: flux.source, prune: true, serviceAccountName: 'kustomize-controller' });
  const team = new Repo(app, 'team-a', { url: 'https://github.com/contoso/team-a.git' });
  const shared = HelmRepository.fromName(entry, 'shared', { name: 'shared-charts', namespace: 'flux-system' });
  new HelmRelease(team.folder('deploy', { namespace: 'team-a' }), 'api', {
    name: 'api', chart: { repository: shared, chart: 'api', version: '1.0.0' }, serviceAccountName: 'team-a',
  });
  expect(Testing.synthProblems(app)).toEqual([
    `${BOOT}: lockdown: team-a/deploy/api: HelmRelease team-a/api: spec.chart.spec.sourceRef: refers to flux-system/shared-charts, in another namespace, ` +
      'which --no-cross-namespace-refs=true refuses; create the source in namespace "team-a" (with its own secretRef there) and use it',
    // And the default tenant ClusterRole grants no Flux kinds (test/flux/tenants.test.ts, "what the tenant's ServiceAccount may apply").
    'platform/tenants/teams/team-a: team-a/deploy/api/Resource: HelmRelease/team-a/api: Flux applies the tenant\'s objects as ServiceAccount team-a/team-a, whose roles in the app (ClusterRole "cdk8s-platform-tenant") ' +
      'do not allow create and patch on helmreleases.helm.toolkit.fluxcd.io (server-side apply needs create and patch): nothing of the tenant\'s build applies (its dry-run fails); ' +
      'move it to a folder the platform applies, or grant it to the ServiceAccount (checkPermissions: false if it is granted outside the app)',
  ]);
});

describe('bootstrap layout', () => {
  test('a sub-folder listed by the entry folder fails synth with the rule and the fix', () => {
    const app = Testing.app();
    const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
    const entry = repo.folder('clusters/mgmt'); // includeSubfolders: true (the default)
    new FluxBootstrap(repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' }), 'flux', { repo, entry });
    repo.folder('clusters/mgmt/aks-dev', { namespace: 'fleet' }).addResource('cluster.yaml', { userOwned: true });
    expect(Testing.synthProblems(app)).toEqual([
      `${BOOT}: entry: folder "clusters/mgmt/aks-dev" is listed by the entry folder "clusters/mgmt", so flux-system applies it in its first sync, before the Kustomizations ` +
        'installing its CRDs are ready (one unknown kind fails the whole sync, Flux\'s own updates included); create the entry folder with includeSubfolders: false and ' +
        'apply "clusters/mgmt/aks-dev" with its own Kustomization (Kustomization.forFolder(entry, ...), dependsOn the one installing its controllers)',
    ]);
  });

  test('an entry folder without kustomization.yaml is refused (Flux would apply its whole tree)', () => {
    const app = Testing.app();
    const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
    const entry = repo.folder('clusters/mgmt', { kustomization: false });
    new FluxBootstrap(repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' }), 'flux', { repo, entry });
    expect(Testing.synthProblems(app)).toEqual([]); // flux-system alone below it: nothing else is applied
    repo.folder('clusters/mgmt/aks-dev').addResource('cluster.yaml', { userOwned: true });
    expect(Testing.synthProblems(app)).toEqual([
      `${BOOT}: entry: folder "clusters/mgmt" writes no kustomization.yaml (kustomization: false), so Flux applies its whole directory tree ("clusters/mgmt/aks-dev") in the first sync; ` +
        'create the entry folder with the kustomization.yaml on and includeSubfolders: false, and apply its sub-folders with their own Kustomizations',
    ]);
  });

  test('with includeSubfolders: false the entry lists its own files and flux-system only; sub-folders come from their own Kustomization', () => {
    const { app, repo, entry, flux } = platform(false);
    const cluster = repo.folder('clusters/mgmt/aks-dev', { namespace: 'fleet' });
    cluster.addResource('cluster.yaml', { userOwned: true });
    Kustomization.forFolder(entry, 'aks-dev', cluster, { name: 'aks-dev', source: flux.source, prune: true });
    const files = [...app.renderToMemory().get('platform')!.keys()];
    const kustomization = app.renderToMemory().get('platform')!.get('clusters/mgmt/kustomization.yaml');
    expect(kustomization).toBe('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - kustomization-aks-dev.yaml\n  - flux-system\n');
    expect(files).toContain('clusters/mgmt/aks-dev/kustomization.yaml');
    expect(Testing.synthProblems(app)).toEqual([]);
  });
});
