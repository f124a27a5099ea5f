// Argo CD L2: field-level output, exact errors, comparison with the upstream examples, and the
// safety integration (RETAIN markers, sync waves, prune defaults, the destroy guard).
import { handWrittenCluster } from '../support/clusters';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, JsonPatch } from 'cdk8s';
import { parse } from 'yaml';
import { Folder, GitOpsApp, planTrees, Repo, RemovalPolicy, applyRemovalPolicy, retainMarkers, protectionReasons } from '../../lib';
import { formatPlan } from '../../lib/safety/plan';
import { guardApp, nextTreeOfSnapshot } from '../../lib/safety/guard';
import {
  AppProject,
  Application,
  ApplicationSet,
  ArgoCdBootstrap,
  CapiClusterRegistration,
  CLUSTER_NAME,
  ClusterGenerator,
  GitGenerator,
  ListGenerator,
  renderTemplate,
  syncWaveOf,
  TeamProject,
  teamsServiceConfig,
} from '../../lib/argocd';
import { AksClusterClass, Fleet } from '../../lib/capi';
import { deployedFolders } from '../../lib/argocd/sync-waves';
import { withSynthPass } from '../../lib/core/synth-pass';
import { AksNodePoolMode } from '../../lib/aso/aks';
import { Testing } from '../../lib/testing';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../support/kubeconfig-access';

const UPSTREAM = path.join(__dirname, '../../../shared/crds/extras/examples/argo-cd/docs/operator-manual');
const GROUP = '3d0c6a8e-51b2-4c9f-8e7a-6b5c4d3e2f1a';

function fixture() {
  const app = Testing.app();
  const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
  const mgmt = repo.folder('clusters/mgmt');
  const project = new AppProject(mgmt, 'project', { name: 'apps', sourceRepos: [repo], destinations: [{ namespace: 'apps' }] });
  return { app, repo, mgmt, project };
}

function fleetFixture() {
  const { app, repo, mgmt, project } = fixture();
  const cls = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'cls', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
    name: 'aks', namespace: 'fleet', location: 'westeurope', credentialFrom: 'aso-credential',
    machinePoolClasses: [{ class: 'system', pool: { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' } }],
  });
  const fleet = new Fleet(mgmt, 'fleet', {
    repo, clusterClass: cls, defaults: { kubernetesVersion: 'v1.33.2' },
    environments: { dev: {}, prod: {} },
    clusters: [{ name: 'c-dev', environment: 'dev' }, { name: 'c-prod', environment: 'prod' }],
  });
  return { app, repo, mgmt, project, fleet };
}

describe('AppProject', () => {
  test('renders repos from Repos, destinations, an empty cluster whitelist and roles', () => {
    const { app, mgmt, repo } = fixture();
    new AppProject(mgmt, 'alpha', {
      name: 'team-alpha',
      sourceRepos: [repo, 'https://github.com/contoso/charts'],
      destinations: [{ namespace: 'team-alpha' }, { cluster: { name: 'aks-dev' }, namespace: 'team-alpha' }],
      namespaceResourceBlacklist: [{ group: '', kind: 'ResourceQuota' }],
      roles: [{ name: 'team', groups: [GROUP], access: 'sync' }],
      subscriptions: [{ trigger: 'on-sync-failed', recipients: ['team-alpha'] }],
    });
    const obj = Testing.render(app)['platform/clusters/mgmt/appproject-team-alpha.yaml'][0];
    expect(obj.metadata).toEqual({
      name: 'team-alpha', namespace: 'argocd',
      annotations: { 'notifications.argoproj.io/subscribe.on-sync-failed.teams-workflows': 'team-alpha' },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    });
    expect(obj.spec).toEqual({
      clusterResourceWhitelist: [],
      destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'team-alpha' }, { name: 'aks-dev', namespace: 'team-alpha' }],
      namespaceResourceBlacklist: [{ group: '', kind: 'ResourceQuota' }],
      roles: [{ name: 'team', groups: [GROUP], policies: ['p, proj:team-alpha:team, applications, get, team-alpha/*, allow', 'p, proj:team-alpha:team, applications, sync, team-alpha/*, allow', 'p, proj:team-alpha:team, logs, get, team-alpha/*, allow'] }],
      sourceRepos: ['https://github.com/contoso/charts', 'https://github.com/contoso/platform'],
    });
  });

  test('exact errors', () => {
    const { mgmt, repo } = fixture();
    const noUrl = new Repo(mgmt.node.root as GitOpsApp, 'nourl');
    expect(Testing.errorOf(() => new AppProject(mgmt, 'a', { name: 'A', sourceRepos: [repo], destinations: [{ namespace: 'x' }] })))
      .toBe('platform/clusters--mgmt/a: prop "name": "A" is invalid: must be a DNS label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters)');
    expect(Testing.errorOf(() => new AppProject(mgmt, 'b', { name: 'b', sourceRepos: [], destinations: [{ namespace: 'x' }] })))
      .toBe('platform/clusters--mgmt/b: prop "sourceRepos": must list at least one repository (a Repo or a URL)');
    expect(Testing.errorOf(() => new AppProject(mgmt, 'c', { name: 'c', sourceRepos: [noUrl], destinations: [{ namespace: 'x' }] })))
      .toBe('platform/clusters--mgmt/c: prop "sourceRepos[0]": repo "nourl" has no url: give the Repo a url');
    expect(Testing.errorOf(() => new AppProject(mgmt, 'd', { name: 'd', sourceRepos: [repo], destinations: [] })))
      .toBe('platform/clusters--mgmt/d: prop "destinations": must list at least one destination');
    expect(Testing.errorOf(() => new AppProject(mgmt, 'e', { name: 'e', sourceRepos: [repo], destinations: [{ namespace: 'x', cluster: { server: 'http://k' } }] })))
      .toBe('platform/clusters--mgmt/e: prop "destinations[0].cluster.server": "http://k" must be an https:// API server URL');
    expect(Testing.errorOf(() => new AppProject(mgmt, 'f', { name: 'f', sourceRepos: [repo], destinations: [{ namespace: 'x' }], roles: [{ name: 'r', groups: [] }] })))
      .toBe('platform/clusters--mgmt/f: prop "roles[0].groups": must list at least one SSO group');
    expect(Testing.errorOf(() => new AppProject(mgmt, 'g', { name: 'g', sourceRepos: [repo], destinations: [{ namespace: 'x' }], clusterResourceWhitelist: [{ group: '', kind: 'namespace' }] })))
      .toBe('platform/clusters--mgmt/g: prop "clusterResourceWhitelist[0].kind": "namespace" must be a Kind (e.g. Deployment) or "*"');
  });

  test('wildcards are recorded as opt-outs of the secure baseline', () => {
    const { app, mgmt } = fixture();
    new AppProject(mgmt, 'open', { name: 'open', sourceRepos: ['*'], destinations: [{ namespace: '*' }], clusterResourceWhitelist: [{ group: '*', kind: '*' }] });
    expect(app.secureBaselineReport().filter((e) => e.path.includes('/open')).map((e) => e.setting).sort()).toEqual(['clusterResourceWhitelist', 'destinations[0].namespace', 'sourceRepos']);
  });

  test('compared with upstream project.yaml: same field names; differences listed', () => {
    const upstream = parse(fs.readFileSync(path.join(UPSTREAM, 'project.yaml'), 'utf8'));
    const { app, mgmt } = fixture();
    new AppProject(mgmt, 'my', {
      name: 'my-project',
      description: 'Example Project',
      sourceRepos: ['*'],
      destinations: [{ namespace: 'guestbook' }, { namespace: 'guestbook-*' }],
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: '' }],
      clusterResourceBlacklist: [{ group: '', kind: 'Namespace', name: 'kube-*' }],
      namespaceResourceBlacklist: [{ group: '', kind: 'ResourceQuota' }, { group: '', kind: 'LimitRange' }, { group: '', kind: 'NetworkPolicy' }],
      namespaceResourceWhitelist: [{ group: 'apps', kind: 'Deployment' }, { group: 'apps', kind: 'StatefulSet' }],
      roles: [{ name: 'read-only', description: 'Read-only privileges to my-project', groups: ['my-oidc-group'] }],
      sourceNamespaces: ['argocd-apps-*'],
    });
    const ours = Testing.render(app)['platform/clusters/mgmt/appproject-my-project.yaml'][0];
    expect(ours.metadata.finalizers).toEqual(upstream.metadata.finalizers);
    for (const k of ['description', 'sourceRepos', 'clusterResourceWhitelist', 'clusterResourceBlacklist', 'namespaceResourceBlacklist', 'namespaceResourceWhitelist', 'sourceNamespaces']) {
      expect([k, ours.spec[k]]).toEqual([k, upstream.spec[k]]);
    }
    // Upstream's role predates Argo CD 3.0's logs RBAC: ours also grants reading the pods' logs.
    const role = upstream.spec.roles[0];
    expect(ours.spec.roles[0]).toEqual({ ...role, policies: [...role.policies, 'p, proj:my-project:read-only, logs, get, my-project/*, allow'] });
    // Differences: destinations name the cluster by server only (upstream sets server and name);
    // orphanedResources, syncWindows, permitOnlyProjectScopedClusters, sourceIntegrity and JWT
    // roles are not modelled.
    expect(ours.spec.destinations).toEqual(upstream.spec.destinations.map((d: any) => ({ namespace: d.namespace, server: d.server })));
    const notModelled = Object.keys(upstream.spec).filter((k) => !(k in ours.spec)).sort();
    expect(notModelled).toEqual(['orphanedResources', 'permitOnlyProjectScopedClusters', 'sourceIntegrity', 'syncWindows']);
  });
});

describe('Application', () => {
  test('source from a Folder of a Repo: url, path and branch are never typed', () => {
    const { app, repo, mgmt, project } = fixture();
    const apps = repo.folder('apps/web', { namespace: 'apps' });
    new ApiObject(apps, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    new Application(mgmt, 'web', { name: 'web', project, source: apps, destination: { namespace: 'apps' }, syncWave: 2, syncOptions: ['ServerSideApply=true'] });
    const obj = Testing.render(app)['platform/clusters/mgmt/application-web.yaml'][0];
    expect(obj.metadata).toEqual({ name: 'web', namespace: 'argocd', annotations: { 'argocd.argoproj.io/sync-wave': '2' }, finalizers: ['resources-finalizer.argocd.argoproj.io'] });
    expect(obj.spec).toEqual({
      project: 'apps',
      source: { repoURL: 'https://github.com/contoso/platform', path: 'apps/web', targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'apps' },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['ServerSideApply=true'],
        retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
      },
    });
  });

  test('prune is off by default for folders holding protected objects (and their sub-folders) that Argo CD\'s prune would delete', () => {
    const claim = (folder: Folder, name: string) =>
      new ApiObject(folder, name, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'apps' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    const { app, repo, mgmt, project } = fixture();
    const data = repo.folder('data');
    // A stateful object its removal policy lets go (DESTROY: no Prune=false): Argo CD's prune would delete it.
    applyRemovalPolicy(claim(repo.folder('data/db'), 'scratch'), RemovalPolicy.DESTROY);
    // A RETAIN object keeps itself (Prune=false): a pruning sync skips it.
    claim(data, 'kept');
    const a = new Application(mgmt, 'data', { name: 'data', project, source: data });
    const out = Testing.render(app);
    expect(out['platform/data/persistentvolumeclaim-kept.yaml'][0].metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('Delete=false,Prune=false');
    expect(out['platform/clusters/mgmt/application-data.yaml'][0].spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true });
    expect(a.protectedObjects).toEqual(['PersistentVolumeClaim/apps/scratch']);
    // The explicit choice wins.
    const b = fixture();
    applyRemovalPolicy(claim(b.repo.folder('data'), 'scratch'), RemovalPolicy.DESTROY);
    new Application(b.mgmt, 'data', { name: 'data', project: b.project, source: b.repo.folder('data'), prune: true });
    expect(Testing.render(b.app)['platform/clusters/mgmt/application-data.yaml'][0].spec.syncPolicy.automated.prune).toBe(true);
    // Only objects that keep themselves: pruning stays on (a team removed from the app is pruned).
    const c = fixture();
    claim(c.repo.folder('data'), 'kept');
    const retainedOnly = new Application(c.mgmt, 'data', { name: 'data', project: c.project, source: c.repo.folder('data') });
    expect(Testing.render(c.app)['platform/clusters/mgmt/application-data.yaml'][0].spec.syncPolicy.automated.prune).toBe(true);
    expect(retainedOnly.protectedObjects).toEqual([]);
  });

  test('a Namespace retained for what it holds does not turn pruning off for the Application deploying it, nor does what it holds (review cases)', () => {
    const { app, repo, mgmt, project } = fixture();
    const namespaces = repo.folder('namespaces');
    new ApiObject(namespaces, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    new ApiObject(namespaces, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' } });
    const db = new ApiObject(repo.folder('dbs', { namespace: 'team' }), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept' } });
    applyRemovalPolicy(db, RemovalPolicy.RETAIN);
    new Application(mgmt, 'namespaces', { name: 'namespaces', project, source: namespaces });
    new Application(mgmt, 'dbs', { name: 'dbs', project, source: repo.folder('dbs') });
    const out = Testing.render(app);
    expect(out['platform/namespaces/namespace-team.yaml'][0].metadata.annotations).toMatchObject({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false' });
    expect(out['platform/clusters/mgmt/application-namespaces.yaml'][0].spec.syncPolicy.automated.prune).toBe(true);
    // The retained ConfigMap keeps itself (Prune=false) too.
    expect(out['platform/clusters/mgmt/application-dbs.yaml'][0].spec.syncPolicy.automated.prune).toBe(true);

    // A Namespace kept only by Flux's prune: disabled (or Delete=false) is not kept by Argo CD's prune: it stays protected.
    const other = fixture();
    const ns = new ApiObject(other.repo.folder('namespaces'), 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    ns.metadata.addAnnotation('kustomize.toolkit.fluxcd.io/prune', 'disabled');
    new Application(other.mgmt, 'namespaces', { name: 'namespaces', project: other.project, source: other.repo.folder('namespaces') });
    expect(Testing.render(other.app)['platform/clusters/mgmt/application-namespaces.yaml'][0].spec.syncPolicy.automated.prune).toBe(false);
  });

  test('every project referenced exists: a missing project fails the synth', () => {
    const { app, repo, mgmt } = fixture();
    new Application(mgmt, 'x', { name: 'x', project: { name: 'ghost', namespace: 'argocd' } as any, source: repo.folder('apps') });
    expect(Testing.synthProblems(app)).toEqual([
      'platform/clusters--mgmt/x: prop "project": refers to AppProject/argocd/ghost (argoproj.io), which is not an object of the app; create it, or declare an existing one with the kind\'s fromName(...) import',
    ]);
    const ok = fixture();
    new Application(ok.mgmt, 'x', { name: 'x', project: AppProject.default(ok.mgmt, 'default'), source: ok.repo.folder('apps') });
    expect(Testing.synthProblems(ok.app)).toEqual([]);
  });

  test('fromName(scope, id, { name, namespace }) imports projects and Applications; namespace defaults to argocd', () => {
    const { app, repo, mgmt } = fixture();
    const team = repo.folder('clusters/mgmt/team', { namespace: 'team-a' });
    const platform = AppProject.fromName(team, 'platform', { name: 'platform' });
    expect([platform.apiGroup, platform.kind, platform.name, platform.namespace]).toEqual(['argoproj.io', 'AppProject', 'platform', 'argocd']);
    const other = AppProject.fromName(mgmt, 'other', { name: 'other', namespace: 'argocd-apps' });
    expect(other.namespace).toBe('argocd-apps');
    const root = Application.fromName(mgmt, 'root', { name: 'root' });
    expect([root.apiGroup, root.kind, root.name, root.namespace]).toEqual(['argoproj.io', 'Application', 'root', 'argocd']);
    const web = new Application(mgmt, 'web', { name: 'web', project: platform, source: repo.folder('apps') });
    expect([web.apiObject.kind, web.name, web.namespace, web.toRef().apiGroup]).toEqual(['Application', 'web', 'argocd', 'argoproj.io']);
    expect(Testing.find(app, 'Application', 'web').spec.project).toBe('platform');
    expect(Testing.errorOf(() => AppProject.fromName(mgmt, 'bad', { name: 'Team_A' })))
      .toBe('platform/clusters--mgmt/bad: prop "name": "Team_A" is invalid: must be a DNS label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters)');
    expect(Testing.synthProblems(app)).toEqual([]);
  });

  test('a cluster construct destination must be registered', () => {
    const { app, mgmt, project, repo, fleet } = fleetFixture();
    new Application(mgmt, 'x', { name: 'x', project, source: repo.folder('apps/c-dev'), destination: { cluster: fleet.members[0].cluster } });
    expect(Testing.synthProblems(app)).toEqual([
      'platform/clusters--mgmt/x: prop "destination.cluster": cluster "c-dev" is not registered with Argo CD: add it to a CapiClusterRegistration (or pass { name } for a cluster registered elsewhere)',
    ]);
  });

  test('exact errors', () => {
    const { mgmt, project, repo } = fixture();
    const noUrl = new Repo(mgmt.node.root as GitOpsApp, 'nourl');
    expect(Testing.errorOf(() => new Application(mgmt, 'a', { name: 'a', project, source: noUrl.folder('x') })))
      .toBe('platform/clusters--mgmt/a: prop "source": folder "x" is in repo "nourl", which has no url: give the Repo a url');
    expect(Testing.errorOf(() => new Application(mgmt, 'b', { name: 'b', project, source: repo.folder('y'), syncOptions: ['Prune'] })))
      .toBe('platform/clusters--mgmt/b: prop "syncOptions[0]": "Prune" must be Name=value (e.g. "ServerSideApply=true")');
    expect(Testing.errorOf(() => new Application(mgmt, 'c', { name: 'c', project, source: { repoUrl: 'https://charts.example.com', chart: 'x', version: '^1.0' } })))
      .toBe('platform/clusters--mgmt/c: prop "source.version": "^1.0" is invalid: must be an exact chart version (e.g. "1.2.3"), not a range');
    expect(Testing.errorOf(() => new Application(mgmt, 'd', { name: 'd', project, source: repo.folder('z'), destination: { cluster: { name: 'a', server: 'https://b' } as any } })))
      .toBe('platform/clusters--mgmt/d: prop "destination.cluster": set exactly one of name, server (or pass a cluster construct); got name, server');
    expect(Testing.errorOf(() => new Application(mgmt, 'e', { name: 'e', project, source: repo.folder('w'), retry: { backoff: '5 seconds' } })))
      .toBe('platform/clusters--mgmt/e: prop "retry.backoff": "5 seconds" is not a Go duration such as "30s", "5m" or "1h30m"');
    expect(Testing.errorOf(() => new Application(mgmt, 'f', { name: 'f', project, source: repo.folder('v'), subscriptions: [{ trigger: 'on-sync-failed', recipients: ['https://outlook.office.com/webhook/x'] }] })))
      .toBe('platform/clusters--mgmt/f: prop "subscriptions[0].recipients[0]": "https://outlook.office.com/webhook/x" is invalid: must be a recipient name (letters, digits, ".", "_" and "-"): the channel name configured in argocd-notifications-cm, not a URL');
  });

  test('Helm chart source, compared with upstream application.yaml (differences listed)', () => {
    const upstream = parse(fs.readFileSync(path.join(UPSTREAM, 'application.yaml'), 'utf8'));
    const { app, mgmt, project } = fixture();
    new Application(mgmt, 'g', { name: 'guestbook', project, source: { repoUrl: 'https://charts.example.com', chart: 'chart-name', version: '1.2.3', values: { replicas: 2 } }, destination: { namespace: 'guestbook' } });
    const ours = Testing.render(app)['platform/clusters/mgmt/application-guestbook.yaml'][0];
    expect(ours.metadata.finalizers).toEqual(upstream.metadata.finalizers);
    expect(ours.spec.destination).toEqual(upstream.spec.destination);
    expect(ours.spec.source).toEqual({ repoURL: 'https://charts.example.com', chart: upstream.spec.source.chart, targetRevision: '1.2.3', helm: { releaseName: upstream.spec.source.helm.releaseName, valuesObject: { replicas: 2 } } });
    expect(ours.spec.syncPolicy.retry).toEqual({ limit: upstream.spec.syncPolicy.retry.limit, backoff: upstream.spec.syncPolicy.retry.backoff });
    expect(ours.spec.syncPolicy.automated).toEqual({ prune: upstream.spec.syncPolicy.automated.prune, selfHeal: upstream.spec.syncPolicy.automated.selfHeal });
    // Differences: upstream also shows enabled/allowEmpty (Argo CD defaults), kustomize/directory/
    // plugin source options, multiple sources, ignoreDifferences, info, sourceHydrator and
    // revisionHistoryLimit, which are not modelled.
    expect(Object.keys(upstream.spec).filter((k) => !(k in ours.spec)).sort()).toEqual(['ignoreDifferences', 'info', 'revisionHistoryLimit', 'sourceHydrator', 'sources']);
  });
});

describe('sync waves', () => {
  test('establishers before their kinds; SkipDryRunOnMissingResource when kinds are installed during the sync', () => {
    expect(syncWaveOf('apiextensions.k8s.io/v1', 'CustomResourceDefinition')).toBe(-2);
    expect(syncWaveOf('pkg.crossplane.io/v1', 'Provider')).toBe(-2);
    expect(syncWaveOf('azure.m.upbound.io/v1beta1', 'ClusterProviderConfig')).toBe(-1);
    expect(syncWaveOf('apps/v1', 'Deployment')).toBeUndefined();
    const { app, repo, mgmt, project } = fixture();
    const xp = repo.folder('crossplane');
    new Application(mgmt, 'xp', { name: 'xp', project, source: xp });
    // Added after the Application: still covered.
    new ApiObject(xp, 'provider', { apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider', metadata: { name: 'provider-family-azure' }, spec: { package: 'xpkg.crossplane.io/crossplane-contrib/provider-family-azure:v2.7.0' } });
    new ApiObject(xp, 'pc', { apiVersion: 'azure.m.upbound.io/v1beta1', kind: 'ClusterProviderConfig', metadata: { name: 'default' }, spec: { credentials: { source: 'UserAssignedManagedIdentity' } } });
    const out = Testing.render(app);
    expect(out['platform/crossplane/provider-provider-family-azure.yaml'][0].metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-2' });
    expect(out['platform/crossplane/clusterproviderconfig-default.yaml'][0].metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-1' });
    expect(out['platform/clusters/mgmt/application-xp.yaml'][0].spec.syncPolicy.syncOptions).toEqual(['SkipDryRunOnMissingResource=true']);
  });

  test('an Application installing kinds retries without limit (a Provider is Degraded while it unpacks, failing the wave), unless told otherwise', () => {
    const { app, repo, mgmt, project } = fixture();
    const provider = (f: ReturnType<typeof repo.folder>, service: string) =>
      new ApiObject(f, 'provider', { apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider', metadata: { name: `provider-azure-${service}` }, spec: { package: `xpkg.crossplane.io/crossplane-contrib/provider-azure-${service}:v2.7.0` } });
    provider(repo.folder('crossplane'), 'storage');
    provider(repo.folder('crossplane-3'), 'network');
    new ApiObject(repo.folder('plain'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' } });
    new Application(mgmt, 'xp', { name: 'xp', project, source: repo.folder('crossplane') });
    new Application(mgmt, 'xp3', { name: 'xp3', project, source: repo.folder('crossplane-3'), retry: { limit: 3 } });
    new Application(mgmt, 'plain', { name: 'plain', project, source: repo.folder('plain') });
    provider(repo.folder('crossplane-no-waves'), 'compute');
    new Application(mgmt, 'xp-no-waves', { name: 'xp-no-waves', project, source: repo.folder('crossplane-no-waves'), syncWaves: false });
    const out = Testing.render(app);
    const retry = (name: string) => out[`platform/clusters/mgmt/application-${name}.yaml`][0].spec.syncPolicy.retry;
    // Unlimited retries take the newest revision (refresh), so a fix commit is deployed.
    expect(retry('xp')).toEqual({ limit: -1, backoff: { duration: '5s', factor: 2, maxDuration: '3m' }, refresh: true });
    expect(retry('xp3')).toEqual({ limit: 3, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } });
    expect(retry('plain').limit).toBe(5);
    // Without waves too: the kinds are still installed during the sync.
    expect(retry('xp-no-waves').limit).toBe(-1);
    expect(out['platform/clusters/mgmt/application-xp-no-waves.yaml'][0].spec.syncPolicy.syncOptions).toEqual(['SkipDryRunOnMissingResource=true']);
  });
});

describe('projects and the waves of their Applications', () => {
  test('a project is synced no later than its earliest Application (an Application before its project is invalid, and the parent waits on it)', () => {
    const { app, repo, mgmt, project } = fixture();
    new Application(mgmt, 'root', { name: 'root', project, source: mgmt });
    for (const [name, wave] of [['a', -1], ['b', -3], ['c', 2]] as const) {
      new Application(mgmt, name, { name, project, source: repo.folder(name), syncWave: wave });
      new ApiObject(repo.folder(name), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'apps' } });
    }
    const out = Testing.render(app);
    expect(out['platform/clusters/mgmt/appproject-apps.yaml'][0].metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-3' });
    // Applications at wave 0 or later leave the project at Argo CD's wave 0.
    const later = fixture();
    new Application(later.mgmt, 'c', { name: 'c', project: later.project, source: later.repo.folder('c'), syncWave: 2 });
    new ApiObject(later.repo.folder('c'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'apps' } });
    expect(Testing.render(later.app)['platform/clusters/mgmt/appproject-apps.yaml'][0].metadata.annotations).toBeUndefined();
  });
});

describe('syncs that wait for provisioning', () => {
  const WHY =
    "Argo CD waits for each step's objects to be Healthy before the next (gitops-engine sync_context.go), so each sync that creates or changes them waits until they are provisioned, " +
    'and one that never provisions holds this Application for good (no later revision syncs)';

  test("CAPI Clusters in the sync's last wave are not waited for; in an earlier wave they are, and the synth fails", () => {
    // The root deploys the Fleet's Clusters (wave 0) and a child Application at wave -1: Clusters last, fine.
    const ok = fleetFixture();
    new Application(ok.mgmt, 'root', { name: 'root', project: ok.project, source: ok.mgmt });
    new Application(ok.mgmt, 'web', { name: 'web', project: ok.project, source: ok.repo.folder('web'), syncWave: -1 });
    new ApiObject(ok.repo.folder('web'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'apps' } });
    expect(Testing.synthProblems(ok.app)).toEqual([]);

    // A child Application in a later wave (1) makes the Clusters' wave an earlier one.
    const late = fleetFixture();
    new Application(late.mgmt, 'root', { name: 'root', project: late.project, source: late.mgmt });
    new Application(late.mgmt, 'web', { name: 'web', project: late.project, source: late.repo.folder('web'), syncWave: 1 });
    new ApiObject(late.repo.folder('web'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'apps' } });
    expect(Testing.synthProblems(late.app)).toEqual([
      "platform/clusters--mgmt/root: Cluster/fleet/c-dev, Cluster/fleet/c-prod (sync wave 0) are applied before the sync's last step (wave 1) and stay Progressing until provisioned (Argo CD's built-in health check): " +
        `${WHY}; give them the last wave, or deploy what comes after with another Application`,
    ]);
  });

  test('an upjet managed resource in an earlier wave; its ProviderConfig is not one (healthy without conditions)', () => {
    const { app, repo, mgmt, project } = fixture();
    const xp = repo.folder('xp');
    new ApiObject(xp, 'pc', { apiVersion: 'azure.m.upbound.io/v1beta1', kind: 'ClusterProviderConfig', metadata: { name: 'default' }, spec: { credentials: { source: 'UserAssignedManagedIdentity' } } });
    new ApiObject(xp, 'rg', { apiVersion: 'azure.m.upbound.io/v1beta1', kind: 'ResourceGroup', metadata: { name: 'rg-a', namespace: 'apps', annotations: { 'argocd.argoproj.io/sync-wave': '1' } }, spec: { forProvider: { location: 'westeurope' } } });
    new ApiObject(xp, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after', namespace: 'apps', annotations: { 'argocd.argoproj.io/sync-wave': '2' } } });
    new Application(mgmt, 'xp', { name: 'xp', project, source: xp });
    expect(Testing.synthProblems(app)).toEqual([
      "platform/clusters--mgmt/xp: ResourceGroup/apps/rg-a (sync wave 1) is applied before the sync's last step (wave 2) and stays Progressing until provisioned (Argo CD's built-in health check): " +
        `${WHY}; give it the last wave, or deploy what comes after with another Application`,
    ]);
  });

  test('a child Application in an earlier wave whose health is its Clusters\' (app of apps); ignore-healthcheck on them lets it through', () => {
    const build = (ignore: boolean) => {
      const { app, repo, mgmt, project, fleet } = fleetFixture();
      const root = repo.folder('root');
      new Application(root, 'root', { name: 'root', project, source: root });
      new Application(root, 'fleet', { name: 'fleet', project, source: mgmt, syncWave: -1 });
      new ApiObject(root, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after', namespace: 'apps' } });
      if (ignore) for (const m of fleet.members) m.cluster.apiObject.metadata.addAnnotation('argocd.argoproj.io/ignore-healthcheck', 'true');
      return app;
    };
    expect(Testing.synthProblems(build(false))).toEqual([
      "platform/root/root: Application/argocd/fleet (sync wave -1) is applied before the sync's last step (wave 0), and its health (APPLICATION_HEALTH_CHECK) is that of Cluster/fleet/c-dev, Cluster/fleet/c-prod, Progressing until provisioned: " +
        `${WHY}; give it the last wave, or annotate those objects argocd.argoproj.io/ignore-healthcheck: "true" so its health leaves them out`,
    ]);
    expect(Testing.synthProblems(build(true))).toEqual([]);
  });

  test('hooks: a PostSync hook makes the Sync phase wait, whatever its waves; a PreSync hook in a later wave does not', () => {
    const build = (hook: string, wave: string) => {
      const { app, repo, mgmt, project } = fleetFixture();
      new Application(mgmt, 'root', { name: 'root', project, source: mgmt });
      new ApiObject(mgmt, 'job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'smoke', namespace: 'fleet', annotations: { 'argocd.argoproj.io/hook': hook, 'argocd.argoproj.io/sync-wave': wave } }, spec: {} });
      void repo;
      return app;
    };
    expect(Testing.synthProblems(build('PreSync', '5'))).toEqual([]);
    expect(Testing.synthProblems(build('PostSync', '-3'))).toEqual([
      "platform/clusters--mgmt/root: Cluster/fleet/c-dev, Cluster/fleet/c-prod (sync wave 0) are applied before the sync's last step (the PostSync hooks of wave -3) and stay Progressing until provisioned (Argo CD's built-in health check): " +
        `${WHY}; deploy them with an Application without PostSync hooks`,
    ]);
  });
});

describe('RemovalPolicy on Argo CD', () => {
  test('RETAIN renders Delete=false,Prune=false next to the Flux marker; retainMarkers reports it', () => {
    const { repo } = fixture();
    const o = new ApiObject(repo.folder('x'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o' } });
    applyRemovalPolicy(o, RemovalPolicy.RETAIN);
    expect(o.toJson().metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(retainMarkers({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false' } } }))
      .toEqual(['argocd.argoproj.io/sync-options: Prune=false']);
    const d = new ApiObject(repo.folder('y'), 'd', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd' } });
    applyRemovalPolicy(d, RemovalPolicy.DESTROY);
    expect(d.toJson().metadata.annotations).toBeUndefined();
  });

  test("Force=true on a stateful, retained or kind-defining object is a synth error: Argo CD would delete and recreate it (kubectl --force)", () => {
    const { app, repo } = fixture();
    const folder = repo.folder('apps/db', { namespace: 'apps' });
    const force = (o: ApiObject, options: string) => o.metadata.addAnnotation('argocd.argoproj.io/sync-options', options);
    force(new ApiObject(folder, 'db', { apiVersion: 'dbforpostgresql.azure.com/v1api20240801', kind: 'FlexibleServer', metadata: { name: 'orders' }, spec: { location: 'westeurope' } }), 'Force=true,Replace=true');
    force(new ApiObject(repo.folder('crds'), 'crd', { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }] } }), 'Force=true');
    // A Job may be recreated on every sync, as Argo CD's docs show it.
    force(new ApiObject(folder, 'job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'contoso/migrate@sha256:' + 'a'.repeat(64) }] } } } }), 'Force=true,Replace=true');
    const recreates = "with Force=true Argo CD applies it with kubectl's --force, which deletes and recreates an object whose client-side apply conflicts (immutable fields; not with ServerSideApply=true), " +
      'and with Replace=true (on the object or its Application) deletes and creates it on every sync (CRDs and Namespaces are updated instead), ' +
      'and deleting it deletes what it manages (a CAPI Cluster its AKS cluster, an ASO resource its Azure resource, a CRD every object of its kind); remove Force=true';
    expect(Testing.synthProblems(app).filter((p) => p.includes('Force=true'))).toEqual([
      `platform/apps--db/db: metadata.annotations.argocd.argoproj.io/sync-options: Force=true on FlexibleServer apps/orders (stateful, retained, or defining a kind): ${recreates}`,
      `platform/crds/crd: metadata.annotations.argocd.argoproj.io/sync-options: Force=true on CustomResourceDefinition widgets.example.com (stateful, retained, or defining a kind): ${recreates}`,
    ]);
  });

  test('deleting a cascading Application that would delete protected objects is a protected deletion', () => {
    const app = (destroy: boolean) => ({
      'apps/db/cluster-db.yaml': `apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata:\n  name: db\n  namespace: fleet\n${destroy ? '' : '  annotations:\n    argocd.argoproj.io/sync-options: Delete=false,Prune=false\n'}`,
      'clusters/mgmt/application-db.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: db\n  namespace: argocd\n  finalizers:\n    - resources-finalizer.argocd.argoproj.io\nspec:\n  project: p\n  source:\n    repoURL: https://x\n    path: apps/db\n  destination:\n    server: https://kubernetes.default.svc\n',
    });
    const next = (files: Record<string, string>) => ({ files: new Map(Object.entries(files).filter(([f]) => f !== 'clusters/mgmt/application-db.yaml')), constructPaths: {} });
    const old1 = app(true);
    const plan = planTrees({ files: new Map(Object.entries(old1)), constructPaths: {} }, next(old1));
    expect(plan.changes).toEqual([{
      action: 'delete',
      object: { id: 'Application/argocd/db', apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: 'argocd', name: 'db', file: 'clusters/mgmt/application-db.yaml' },
      protection: ['Argo CD Application with resources-finalizer.argocd.argoproj.io: deleting it deletes the protected objects it deployed (without Delete=false): Cluster/fleet/db'],
      blocked: true,
    }]);
    // RETAIN objects carry Delete=false: Argo CD keeps them, so the Application is not protected.
    const old2 = app(false);
    expect(planTrees({ files: new Map(Object.entries(old2)), constructPaths: {} }, next(old2)).changes.map((c) => c.protection)).toEqual([undefined]);
    expect(protectionReasons(parse(old2['apps/db/cluster-db.yaml']))).toEqual([
      'stateful kind cluster.x-k8s.io/Cluster',
      'retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false)',
    ]);
  });

  test('the synth refuses to delete such an Application from an existing tree', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-guard-'));
    try {
      const build = (withApp: boolean) => {
        const app = new GitOpsApp({ outdir: dir, printBaselineReport: false, validation: false });
        const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
        const mgmt = repo.folder('clusters/mgmt');
        const project = new AppProject(mgmt, 'p', { name: 'p', sourceRepos: [repo], destinations: [{ namespace: 'fleet' }] });
        const db = repo.folder('apps/db');
        // DESTROY: without Delete=false, so deleting the Application deletes it (a raw stateful object is retained by default).
        applyRemovalPolicy(new ApiObject(db, 'cluster', { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'db', namespace: 'fleet' } }), RemovalPolicy.DESTROY);
        if (withApp) new Application(mgmt, 'db', { name: 'db', project, source: db });
        return app;
      };
      build(true).synth();
      expect(() => build(false).synth()).toThrow(
        'platform/clusters--mgmt/db/Resource (platform/clusters/mgmt/application-db.yaml): Application/argocd/db would be deleted, but it is protected: ' +
          'Argo CD Application with resources-finalizer.argocd.argoproj.io: deleting it deletes the protected objects it deployed (without Delete=false): Cluster/fleet/db. ' +
          "To allow it, add 'platform::Application/argocd/db' to the GitOpsApp prop allowDestroy or pass --allow-destroy platform::Application/argocd/db",
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the destroy guard and Argo CD prune', () => {
  // A protected object moved from one Application's folder to another's: the Application that
  // lost it prunes it if it syncs first (automated prune), which the library turns on once its
  // folder holds no protected object.
  const build = (dir: string, opts: { moved: boolean; retain?: boolean; allow?: string[]; prune?: boolean; namePrefix?: string }) => {
    const app = new GitOpsApp({ outdir: dir, printBaselineReport: false, validation: false, allowDestroy: opts.allow });
    const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
    const mgmt = repo.folder('clusters/mgmt');
    const project = new AppProject(mgmt, 'p', { name: 'p', sourceRepos: [repo], destinations: [{ namespace: 'data' }] });
    const data = repo.folder('apps/data');
    const data2 = repo.folder('apps/data2');
    new ApiObject(data, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'data' } });
    const db = new ApiObject(opts.moved ? data2 : data, 'db', { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'db', namespace: 'data' } });
    // RETAIN writes Prune=false; DESTROY leaves the object to Argo CD's prune (a raw stateful object is retained by default).
    applyRemovalPolicy(db, opts.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
    const a = new Application(mgmt, 'data', { name: 'data', project, source: data, ...(opts.prune !== undefined ? { prune: opts.prune } : {}) });
    if (opts.namePrefix) a.apiObject.addJsonPatch(JsonPatch.add('/spec/source/kustomize', { namePrefix: opts.namePrefix }));
    if (opts.moved) new Application(mgmt, 'data2', { name: 'data2', project, source: data2 });
    return app;
  };

  test('a kustomize namePrefix on the Application renames what it deploys: a protected prune of the old names', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-prefix-'));
    try {
      // Automated prune on (the library leaves it off while the folder holds a protected object).
      build(dir, { moved: false, prune: true }).synth();
      const plan = build(dir, { moved: false, prune: true, namePrefix: 'v2-' }).plan();
      expect(plan.blocked.map((c) => [c.action, c.pruner, c.object.id])).toEqual([['prune', 'argocd', 'Cluster/data/db']]);
      build(dir, { moved: false, prune: true, namePrefix: 'v2-', allow: ['platform::Cluster/data/db'] }).synth();
      expect(build(dir, { moved: false, prune: true, namePrefix: 'v2-' }).plan().blocked).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('another destination namespace moves what the folder holds without a namespace: a protected prune of it in the old namespace', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-destination-'));
    const app = (namespace: string, allow?: string[]) => {
      const a = new GitOpsApp({ outdir: dir, printBaselineReport: false, validation: false, allowDestroy: allow });
      const repo = new Repo(a, 'platform', { url: 'https://github.com/contoso/platform' });
      const mgmt = repo.folder('clusters/mgmt');
      const project = new AppProject(mgmt, 'p', { name: 'p', sourceRepos: [repo], destinations: [{ namespace: 'team-a' }, { namespace: 'team-b' }] });
      // No namespace of their own: Argo CD applies them in the destination namespace.
      const data = repo.folder('apps/data');
      applyRemovalPolicy(new ApiObject(data, 'pvc', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'scratch' }, spec: {} }), RemovalPolicy.DESTROY);
      new ApiObject(data, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
      new Application(mgmt, 'data', { name: 'data', project, source: data, destination: { namespace }, prune: true });
      return a;
    };
    try {
      app('team-a').synth();
      expect(app('team-b').plan().blocked.map((c) => [c.action, c.pruner, c.object.id, c.protection])).toEqual([
        ['prune', 'argocd', 'PersistentVolumeClaim/team-a/scratch', ['stateful kind PersistentVolumeClaim']],
      ]);
      expect(app('team-b', ['platform::PersistentVolumeClaim/team-a/scratch']).plan().blocked).toEqual([]);
      // The same destination: nothing moves.
      expect(app('team-a').plan().blocked).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('moving a protected object to another Application is refused while the one that lost it prunes; the allow, prune: false or Prune=false let it through', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-move-'));
    try {
      build(dir, { moved: false }).synth();
      expect(() => build(dir, { moved: true }).synth()).toThrow(
        'platform/apps--data/db (platform/apps/data/cluster-db.yaml): Cluster/data/db would be pruned by Argo CD although its file stays in Git: ' +
          'Application/argocd/data (platform/clusters/mgmt/application-data.yaml) no longer deploys it, and its automated sync prunes, ' +
          'but it is protected: stateful kind cluster.x-k8s.io/Cluster. ' +
          "To allow it, add 'platform::Cluster/data/db' to the GitOpsApp prop allowDestroy or pass --allow-destroy platform::Cluster/data/db; " +
          'to move it to another Application without deleting it, give Application/argocd/data prune: false for this change and prune: true again in a later one, ' +
          'once Argo CD has synced the other Application (it then tracks the object), or give the object the sync option Prune=false (RemovalPolicy.RETAIN)',
      );
      const plan = build(dir, { moved: true }).plan();
      expect(plan.blocked.map((c) => [c.action, c.pruner, c.object.id])).toEqual([['prune', 'argocd', 'Cluster/data/db']]);
      expect(formatPlan(plan)).toContain('1 pruned by Argo CD; 1 protected deletion(s) not allowed');
      // What the message offers: each makes the move go through.
      expect(build(dir, { moved: true, prune: false }).plan().blocked).toEqual([]);
      expect(build(dir, { moved: true, allow: ['platform::Cluster/data/db'] }).plan().blocked).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const retained = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-move-'));
    try {
      build(retained, { moved: false, retain: true }).synth();
      expect(build(retained, { moved: true, retain: true }).plan().blocked).toEqual([]);
    } finally {
      fs.rmSync(retained, { recursive: true, force: true });
    }
  });

  test("Applications are told apart by cluster (the same name in two clusters' folders of one repo), and one whose automated sync is disabled does not prune", () => {
    const rg = (c: string) => `apiVersion: resources.azure.com/v1api20200601\nkind: ResourceGroup\nmetadata:\n  name: rg-${c}\n  namespace: team\nspec:\n  location: westeurope\n`;
    const appYaml = (path: string, automated = 'prune: true') =>
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: apps\n  namespace: argocd\nspec:\n  project: p\n' +
      `  source:\n    repoURL: https://github.com/contoso/platform\n    path: ${path}\n  destination:\n    server: https://kubernetes.default.svc\n  syncPolicy:\n    automated:\n      ${automated}\n`;
    const guard = (devPath: string, automated?: string) => {
      const files = (p: string) => new Map(Object.entries({
        'clusters/dev/application-apps.yaml': appYaml(p, automated), 'clusters/prod/application-apps.yaml': appYaml('apps/prod', automated),
        'apps/dev/resourcegroup-rg-dev.yaml': rg('dev'), 'apps/prod/resourcegroup-rg-prod.yaml': rg('prod'),
      }));
      const clusterOf = (file: string) => (file.includes('/dev/') ? 'dev' : file.includes('/prod/') ? 'prod' : '');
      return guardApp([{ name: 'platform', dir: 'platform', url: 'https://github.com/contoso/platform', old: { files: files('apps/dev'), constructPaths: {} }, next: nextTreeOfSnapshot({ files: files(devPath), constructPaths: {} }), clusterOf }], [])
        .changes.get('platform')!.filter((c) => c.action === 'prune').map((c) => `${c.object.cluster} ${c.object.id}`);
    };
    // The dev cluster's Application stops deploying its ResourceGroup (the prod one, of the same name, does not change).
    expect(guard('apps/dev-new')).toEqual(['dev ResourceGroup/team/rg-dev']);
    expect(guard('apps/dev')).toEqual([]);
    // Automated sync disabled (Argo CD's automated.enabled: false): nothing is pruned automatically.
    expect(guard('apps/dev-new', 'prune: true\n      enabled: false')).toEqual([]);
  });

  test('an Argo CD directory source without kustomization.yaml deploys only its own files, unless directory.recurse', () => {
    const app = (recurse: boolean, sub: boolean) => ({
      [sub ? 'apps/data/sub/cluster-db.yaml' : 'apps/data/cluster-db.yaml']: 'apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata:\n  name: db\n  namespace: data\n',
      'clusters/mgmt/application-data.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: data\n  namespace: argocd\nspec:\n  project: p\n' +
        // Fetched over SSH: the same repo as the app's https Repo URL.
        `  source:\n    repoURL: git@github.com:contoso/platform.git\n    path: apps/data\n${recurse ? '    directory:\n      recurse: true\n' : ''}` +
        '  destination:\n    server: https://kubernetes.default.svc\n  syncPolicy:\n    automated:\n      prune: true\n',
    });
    const guard = (recurse: boolean) => {
      const old = { files: new Map(Object.entries(app(recurse, false))), constructPaths: {} };
      const next = { files: new Map(Object.entries(app(recurse, true))), constructPaths: {} };
      return guardApp([{ name: 'platform', dir: 'platform', url: 'https://github.com/contoso/platform', old, next: nextTreeOfSnapshot(next), clusterOf: () => '' }], [])
        .changes.get('platform')!.filter((c) => c.action === 'prune').map((c) => c.object.id);
    };
    // Moved into a sub-directory: no longer deployed by a flat directory source, still by a recursive one.
    expect(guard(false)).toEqual(['Cluster/data/db']);
    expect(guard(true)).toEqual([]);
  });
});

describe('ApplicationSet', () => {
  test('cluster generator over a registered Fleet: selector, template, every path a real folder', () => {
    const { app, mgmt, project, repo, fleet } = fleetFixture();
    const reg = new CapiClusterRegistration(mgmt, 'reg', { clusters: fleet.members.map((m) => m.cluster), labels: { 'platform.cdk8s.io/fleet': 'shop' } });
    const set = new ApplicationSet(mgmt, 'apps', {
      name: 'fleet-apps',
      generators: [ClusterGenerator.registered(reg, { matchLabels: { environment: 'prod' } })],
      template: { name: `${CLUSTER_NAME}-apps`, project, repo, path: `apps/${CLUSTER_NAME}`, destination: { server: '{{.server}}' } },
    });
    expect(set.folders.map((f) => f.path)).toEqual(['apps/c-prod']);
    const out = Testing.render(app);
    const obj = out['platform/clusters/mgmt/applicationset-fleet-apps.yaml'][0];
    expect(obj.spec.generators).toEqual([{ clusters: { selector: { matchLabels: { 'capi-to-argocd/owned': 'true', environment: 'prod', 'platform.cdk8s.io/fleet': 'shop' } } } }]);
    expect(obj.spec.goTemplateOptions).toEqual(['missingkey=error']);
    expect(obj.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
    expect(obj.spec.template.spec.source).toEqual({ repoURL: 'https://github.com/contoso/platform', targetRevision: 'main', path: 'apps/{{index .metadata.labels "platform.cdk8s.io/cluster-name"}}' });
    // The CAPI Clusters carry the labels (and capi2argo take-along markers) the selector needs.
    expect(out['platform/clusters/mgmt/fleet/c-prod/cluster-c-prod.yaml'][0].metadata.labels).toEqual({
      environment: 'prod',
      'platform.cdk8s.io/cluster-name': 'c-prod',
      'platform.cdk8s.io/environment': 'prod',
      'platform.cdk8s.io/fleet': 'shop',
      'take-along-label.capi-to-argocd.environment': '',
      'take-along-label.capi-to-argocd.platform.cdk8s.io/cluster-name': '',
      'take-along-label.capi-to-argocd.platform.cdk8s.io/fleet': '',
    });
  });

  test("generated Applications retry failed syncs like an Application's (argo-cd autoSync skips a revision whose sync failed); false for none", () => {
    const { app, mgmt, project, repo, fleet } = fleetFixture();
    const reg = new CapiClusterRegistration(mgmt, 'reg', { clusters: fleet.members.map((m) => m.cluster) });
    const template = { name: `${CLUSTER_NAME}-apps`, project, repo, path: `apps/${CLUSTER_NAME}`, destination: { server: '{{.server}}' } };
    new ApplicationSet(mgmt, 'default', { name: 'default', generators: [ClusterGenerator.registered(reg)], template });
    new ApplicationSet(mgmt, 'custom', { name: 'custom', generators: [ClusterGenerator.registered(reg)], template: { ...template, retry: { limit: 10, maxBackoff: '10m' } } });
    new ApplicationSet(mgmt, 'none', { name: 'none', generators: [ClusterGenerator.registered(reg)], template: { ...template, automated: false, retry: false } });
    const out = Testing.render(app);
    const policy = (name: string) => out[`platform/clusters/mgmt/applicationset-${name}.yaml`][0].spec.template.spec.syncPolicy;
    expect(policy('default').retry).toEqual({ limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } });
    expect(policy('custom').retry).toEqual({ limit: 10, backoff: { duration: '5s', factor: 2, maxDuration: '10m' } });
    expect(policy('none')).toBeUndefined();
    expect(Testing.errorOf(() => new ApplicationSet(mgmt, 'bad', { name: 'bad', generators: [ClusterGenerator.registered(reg)], template: { ...template, retry: { factor: 0 } } })))
      .toBe('platform/clusters--mgmt/bad: prop "template.retry.factor": 0 must be an integer of at least 1');
  });

  test('preserveResourcesOnDeletion (the default) leaves the cascading finalizer out of the template: the controller keeps one the template sets', () => {
    const { app, mgmt, project, repo, fleet } = fleetFixture();
    const reg = new CapiClusterRegistration(mgmt, 'reg', { clusters: fleet.members.map((m) => m.cluster) });
    const template = { name: `${CLUSTER_NAME}-apps`, project, repo, path: `apps/${CLUSTER_NAME}`, destination: { server: '{{.server}}' } };
    new ApplicationSet(mgmt, 'kept', { name: 'kept', generators: [ClusterGenerator.registered(reg)], template });
    new ApplicationSet(mgmt, 'cascading', { name: 'cascading', preserveResourcesOnDeletion: false, generators: [ClusterGenerator.registered(reg)], template });
    const out = Testing.render(app);
    const meta = (name: string) => out[`platform/clusters/mgmt/applicationset-${name}.yaml`][0].spec.template.metadata;
    expect(meta('kept').finalizers).toBeUndefined();
    expect(out['platform/clusters/mgmt/applicationset-kept.yaml'][0].spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
    expect(meta('cascading').finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(Testing.errorOf(() => new ApplicationSet(mgmt, 'both', { name: 'both', generators: [ClusterGenerator.registered(reg)], template: { ...template, cascadeDelete: true } })))
      .toBe('platform/clusters--mgmt/both: prop "template.cascadeDelete": cannot be true while preserveResourcesOnDeletion is (the default): the applicationset-controller keeps a finalizer the template sets, ' +
        'so deleting a generated Application (the ApplicationSet, or a cluster leaving the generator) would delete what it deployed; set preserveResourcesOnDeletion: false to cascade');
    // Without preservation the controller adds the finalizer to a template without one (applicationset/utils RenderTemplateParams).
    expect(Testing.errorOf(() => new ApplicationSet(mgmt, 'opted-out', { name: 'opted-out', preserveResourcesOnDeletion: false, generators: [ClusterGenerator.registered(reg)], template: { ...template, cascadeDelete: false } })))
      .toBe('platform/clusters--mgmt/opted-out: prop "template.cascadeDelete": cannot be false while preserveResourcesOnDeletion is false: the applicationset-controller adds the cascading finalizer to every generated Application whose template has none, ' +
        'so deleting one would delete what it deployed anyway; keep preserveResourcesOnDeletion (the default) to keep the resources');
  });

  test('exact errors: a templated path that is not a folder, an unverifiable template, unknown label', () => {
    const { mgmt, project, repo, fleet } = fleetFixture();
    const reg = new CapiClusterRegistration(mgmt, 'reg', { clusters: fleet.members.map((m) => m.cluster) });
    expect(Testing.errorOf(() => new ApplicationSet(mgmt, 'a', { name: 'a', generators: [ClusterGenerator.registered(reg)], template: { name: 'x', project, repo, path: `addons/${CLUSTER_NAME}`, destination: { server: '{{.server}}' } } })))
      .toBe('platform/clusters--mgmt/a: prop "template.path": "addons/c-dev" is not a folder of repo "platform": create it (repo.folder("addons/c-dev")) or fix the template');
    expect(Testing.errorOf(() => new ApplicationSet(mgmt, 'b', { name: 'b', generators: [ClusterGenerator.selector({ env: 'x' })], template: { name: 'x', project, repo, path: 'apps/{{.name}}', destination: { server: '{{.server}}' } } })))
      .toBe('platform/clusters--mgmt/b: prop "template.path": "apps/{{.name}}" is templated, but generators[0] has no parameters known at synth to check it against: use ClusterGenerator.registered(...) or a path without {{ }}');
    expect(Testing.errorOf(() => new ApplicationSet(mgmt, 'c', { name: 'c', generators: [ListGenerator.of([{ cluster: 'c-dev' }])], template: { name: 'x', project, repo, path: 'apps/{{.env}}', destination: { name: '{{.cluster}}' } } })))
      .toBe('platform/clusters--mgmt/c: prop "template.path": "apps/{{.env}}": {{.env}} has no value for parameters {"cluster":"c-dev"}');
    expect(Testing.errorOf(() => ClusterGenerator.registered(reg, { matchLabels: { team: 'a' } })))
      .toBe('platform/clusters--mgmt/reg: prop "matchLabels.team": is not carried to the Argo CD cluster Secrets (carried: environment, platform.cdk8s.io/cluster-name)');
  });

  test('list and git generators, compared with upstream applicationset.yaml (differences listed)', () => {
    const upstream = parse(fs.readFileSync(path.join(UPSTREAM, 'applicationset.yaml'), 'utf8'));
    const { app, mgmt, project, repo } = fixture();
    repo.folder('guestbook/engineering-dev');
    repo.folder('guestbook/engineering-prod');
    new ApplicationSet(mgmt, 'list', {
      name: 'list',
      generators: [ListGenerator.of(upstream.spec.generators[0].list.elements)],
      template: { name: '{{.cluster}}-guestbook', project, repo, path: 'guestbook/{{.cluster}}', destination: { server: '{{.url}}', namespace: 'dev-team-one' } },
    });
    new ApplicationSet(mgmt, 'git', {
      name: 'git',
      generators: [GitGenerator.directories([repo.folder('guestbook/engineering-dev'), repo.folder('guestbook/engineering-prod')])],
      template: { name: '{{.path.basename}}', project, repo, path: '{{.path.path}}', destination: { name: 'in-cluster' } },
    });
    const out = Testing.render(app);
    const list = out['platform/clusters/mgmt/applicationset-list.yaml'][0];
    expect(list.spec.generators[0].list.elements).toEqual(upstream.spec.generators[0].list.elements);
    expect(list.spec.goTemplate).toBe(upstream.spec.goTemplate);
    expect(list.spec.goTemplateOptions).toEqual(upstream.spec.goTemplateOptions);
    expect(list.spec.template.spec.destination.namespace).toBe(upstream.spec.template.spec.destination.namespace);
    const git = out['platform/clusters/mgmt/applicationset-git.yaml'][0];
    expect(Object.keys(git.spec.generators[0].git).sort()).toEqual(['directories', 'repoURL', 'revision']);
    expect(git.spec.generators[0].git.directories).toEqual([{ path: 'guestbook/engineering-dev' }, { path: 'guestbook/engineering-prod' }]);
    // Differences from upstream: preserveResourcesOnDeletion is on by default (upstream shows it as
    // an option, with applicationsSync: create-only); per-generator templates, selectors,
    // files/exclude of the git generator, scm/pull-request/matrix/merge/plugin generators,
    // strategy, preservedFields and ignoreApplicationDifferences are not modelled.
    expect(list.spec.syncPolicy.preserveResourcesOnDeletion).toBe(upstream.spec.syncPolicy.preserveResourcesOnDeletion);
    // applicationsSync, as upstream sets it, when asked for.
    new ApplicationSet(mgmt, 'create-only', {
      name: 'create-only', applicationsSync: 'create-only',
      generators: [ListGenerator.of(upstream.spec.generators[0].list.elements)],
      template: { name: '{{.cluster}}-guestbook', project, repo, path: 'guestbook/{{.cluster}}', destination: { server: '{{.url}}' } },
    });
    const createOnly = Testing.render(app)['platform/clusters/mgmt/applicationset-create-only.yaml'][0];
    expect(createOnly.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true, applicationsSync: upstream.spec.syncPolicy.applicationsSync });
    // The finalizer under which the controller removes the Applications' owner references when the
    // ApplicationSet is deleted (applicationset_controller.go, removeOwnerReferencesOnDeleteAppSet);
    // not with policies that let it delete them.
    expect(createOnly.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(list.metadata.finalizers).toBeUndefined();
    expect(Testing.errorOf(() => new ApplicationSet(mgmt, 'bad', { ...({ applicationsSync: 'delete-all' } as object), name: 'bad', generators: [ListGenerator.of([{ cluster: 'engineering-dev' }])],
      template: { name: 'x', project, repo, path: 'guestbook/{{.cluster}}', destination: { name: 'in-cluster' } } })))
      .toBe('platform/clusters--mgmt/bad: prop "applicationsSync": "delete-all" must be one of create-only, create-update, create-delete, sync');
    expect(Object.keys(upstream.spec).filter((k) => !(k in list.spec)).sort()).toEqual(['ignoreApplicationDifferences', 'preservedFields', 'strategy']);
  });

  test('renderTemplate evaluates the expressions it supports, and refuses the others', () => {
    expect(renderTemplate('apps/{{ .path.basename }}/{{index .metadata.labels "a/b"}}', { path: { basename: 'x' }, metadata: { labels: { 'a/b': 'y' } } })).toBe('apps/x/y');
    expect(() => renderTemplate('{{ upper .name }}', { name: 'x' })).toThrow('{{upper .name}} cannot be evaluated at synth (use {{.key}} or {{index .map "key"}})');
  });
});

describe('CapiClusterRegistration', () => {
  test('exact errors', () => {
    const { mgmt, fleet } = fleetFixture();
    const c = fleet.members[0].cluster;
    expect(Testing.errorOf(() => new CapiClusterRegistration(mgmt, 'a', { clusters: [] }))).toBe('platform/clusters--mgmt/a: prop "clusters": must list at least one cluster');
    expect(Testing.errorOf(() => new CapiClusterRegistration(mgmt, 'b', { clusters: [c, c] }))).toBe('platform/clusters--mgmt/b: prop "clusters[1]": cluster "c-dev" is listed twice');
    expect(Testing.errorOf(() => new CapiClusterRegistration(mgmt, 'c', { clusters: [handWrittenCluster(mgmt, 'ext', 'x')] })))
      .toBe('platform/clusters--mgmt/c: prop "clusters[0]": "ext" has no CAPI Cluster object in the app: register clusters created elsewhere by writing their Argo CD cluster Secret outside Git, and pass { name } as destination');
  });
});

describe('TeamProject', () => {
  test('one repo, one namespace, one Entra group, one project; Teams alerts by channel name', () => {
    const { app, mgmt, fleet } = fleetFixture();
    new CapiClusterRegistration(mgmt, 'reg', { clusters: fleet.members.map((m) => m.cluster) });
    const teamRepo = new Repo(app, 'team-alpha', { url: 'https://github.com/contoso/team-alpha' });
    const deploy = teamRepo.folder('deploy', { namespace: 'team-alpha' });
    new ApiObject(deploy, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    new TeamProject(mgmt, 'alpha', {
      name: 'team-alpha', source: deploy, entraGroupId: GROUP, teamsChannel: 'team-alpha',
      clusters: [{ cluster: fleet.members[0].cluster, namespaceFolder: fleet.members[0].stageFolders.infrastructure }],
    });
    const out = Testing.render(app);
    const proj = out['platform/clusters/mgmt/appproject-team-alpha.yaml'][0];
    expect(proj.spec.sourceRepos).toEqual(['https://github.com/contoso/team-alpha']);
    expect(proj.spec.destinations).toEqual([{ name: 'c-dev', namespace: 'team-alpha' }]);
    expect(proj.spec.clusterResourceWhitelist).toEqual([]);
    expect(proj.spec.roles).toEqual([{ name: 'team', description: `Members of Entra group ${GROUP}`, groups: [GROUP], policies: ['p, proj:team-alpha:team, applications, get, team-alpha/*, allow', 'p, proj:team-alpha:team, applications, sync, team-alpha/*, allow', 'p, proj:team-alpha:team, logs, get, team-alpha/*, allow'] }]);
    expect(proj.spec.namespaceResourceWhitelist).not.toContainEqual({ group: '', kind: 'Service' });
    // Like the Flux tenant role: no core Secrets (SealedSecrets only).
    expect(proj.spec.namespaceResourceWhitelist).not.toContainEqual({ group: '', kind: 'Secret' });
    expect(proj.spec.namespaceResourceWhitelist).toContainEqual({ group: 'bitnami.com', kind: 'SealedSecret' });
    const appObj = out['platform/clusters/mgmt/application-team-alpha.yaml'][0];
    expect(appObj.metadata.annotations).toEqual({
      'notifications.argoproj.io/subscribe.on-health-degraded.teams-workflows': 'team-alpha',
      'notifications.argoproj.io/subscribe.on-sync-failed.teams-workflows': 'team-alpha',
    });
    expect(appObj.spec.destination).toEqual({ name: 'c-dev', namespace: 'team-alpha' });
    expect(appObj.spec.source).toEqual({ repoURL: 'https://github.com/contoso/team-alpha', path: 'deploy', targetRevision: 'main' });
    // Its namespace comes from the platform's Application (not ordered with this one): retried without limit.
    expect(appObj.spec.syncPolicy.retry).toEqual({ limit: -1, backoff: { duration: '5s', factor: 2, maxDuration: '3m' }, refresh: true });
    const NS_LABELS = {
      'platform.cdk8s.io/team': 'team-alpha',
      'platform.cdk8s.io/tenant-policy': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/warn': 'restricted',
    };
    expect(out['platform/infrastructure/c-dev/namespace-team-alpha.yaml'][0]).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-alpha', labels: NS_LABELS } });
    // The webhook URL is referenced from argocd-notifications-secret, never written.
    expect(teamsServiceConfig(['team-alpha'])).toEqual({ 'service.teams-workflows': 'recipientUrls:\n  team-alpha: $team-alpha-teams-url\n' });
  });

  test('without a namespace folder, the Application creates the namespace and the project may create only that one', () => {
    const { app, repo, mgmt } = fixture();
    new TeamProject(mgmt, 'beta', { name: 'team-beta', source: repo.folder('teams/beta'), entraGroupId: GROUP });
    const out = Testing.render(app);
    expect(out['platform/clusters/mgmt/appproject-team-beta.yaml'][0].spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace', name: 'team-beta' }]);
    expect(out['platform/clusters/mgmt/application-team-beta.yaml'][0].spec.syncPolicy.syncOptions).toEqual(['CreateNamespace=true']);
    // The namespace Argo CD creates carries the same labels as one a platform folder creates:
    // the Service policy's and Pod Security's.
    expect(out['platform/clusters/mgmt/application-team-beta.yaml'][0].spec.syncPolicy.managedNamespaceMetadata).toEqual({
      labels: {
        'platform.cdk8s.io/team': 'team-beta',
        'platform.cdk8s.io/tenant-policy': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/enforce': 'baseline',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
    });
    expect(out['platform/clusters/mgmt/application-team-beta.yaml'][0].spec.syncPolicy.retry.limit).toBe(5);
  });

  test('exact errors', () => {
    const { repo, mgmt } = fixture();
    expect(Testing.errorOf(() => new TeamProject(mgmt, 'x', { name: 'x', source: repo.folder('t'), entraGroupId: 'Team Alpha' })))
      .toBe('platform/clusters--mgmt/x: prop "entraGroupId": "Team Alpha" must be the Entra ID group\'s object id (a lowercase GUID such as 5f1c8f0e-3c4b-4f7a-9d2e-1a2b3c4d5e6f)');
  });
});

describe('ArgoCdBootstrap', () => {
  test('the root Application deploys the entry folder (and itself) with the platform project', () => {
    const app = Testing.app();
    const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
    const entry = repo.folder('clusters/mgmt');
    new ArgoCdBootstrap(entry, 'boot', { entry });
    const out = Testing.render(app);
    expect(out['platform/clusters/mgmt/application-root.yaml'][0].spec).toEqual({
      project: 'platform',
      source: { repoURL: 'https://github.com/contoso/platform', path: 'clusters/mgmt', targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
      syncPolicy: { automated: { prune: true, selfHeal: true }, retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } } },
    });
    expect(out['platform/clusters/mgmt/appproject-platform.yaml'][0].spec.sourceRepos).toEqual(['https://github.com/contoso/platform']);
    expect(Testing.errorOf(() => new ArgoCdBootstrap(repo.folder('other'), 'b', { entry })))
      .toBe('platform/other/b: prop "entry": the bootstrap must be created in its entry folder "clusters/mgmt" (so the root Application manages itself)');
  });

  test('an Application deploying itself or its own AppProject does not cascade by default (its deletion would never finish); others do; an explicit choice wins', () => {
    const app = Testing.app();
    const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
    const entry = repo.folder('clusters/mgmt');
    new ArgoCdBootstrap(entry, 'boot', { entry });
    // An Application in the entry folder deploying another folder; one deploying the folder of its own project.
    const projects = repo.folder('projects');
    const teams = new AppProject(projects, 'teams', { name: 'teams', sourceRepos: [repo], destinations: [{ namespace: '*' }] });
    new Application(entry, 'apps', { name: 'apps', project: teams, source: repo.folder('apps') });
    new Application(entry, 'projects', { name: 'projects', project: teams, source: projects });
    // A project added after the Application, in a sub-folder the deployed folder's kustomization.yaml lists.
    const lateProjects = repo.folder('late');
    new Application(entry, 'late', { name: 'late', project: AppProject.fromName(entry, 'late-ref', { name: 'late' }), source: lateProjects });
    new Application(entry, 'forced', { name: 'forced', project: teams, source: projects, cascadeDelete: true });
    new AppProject(repo.folder('late/projects'), 'late', { name: 'late', sourceRepos: [repo], destinations: [{ namespace: '*' }] });
    const out = Testing.render(app);
    const finalizers = (name: string) => out[`platform/clusters/mgmt/application-${name}.yaml`][0].metadata.finalizers;
    expect(finalizers('root')).toBeUndefined();
    expect(finalizers('apps')).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(finalizers('projects')).toBeUndefined();
    expect(finalizers('forced')).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(finalizers('late')).toBeUndefined();
    // Rendered again (a second validation): one finalizer.
    expect(Testing.render(app)['platform/clusters/mgmt/application-apps.yaml'][0].metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
  });
});

test('the folders an Application deploys: its sub-folders at folder boundaries, in a synth pass or not, and folders added between synths', () => {
  const app = new GitOpsApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'argo-folders-')), printBaselineReport: false });
  const repo = new Repo(app, 'platform');
  const apps = repo.folder('apps');
  for (const p of ['apps/a', 'apps/a/deep', 'apps2', 'apps2/x', 'apps-b', 'apps/b']) repo.folder(p);
  const nested = repo.folder('apps/c', { kustomization: false } as never);
  const paths = () => deployedFolders(apps).map((f) => f.path);
  const expected = ['apps', 'apps/a', 'apps/a/deep', 'apps/b'];
  expect(nested.kustomization).toBe(false);
  expect(paths()).toEqual(expected);
  expect(withSynthPass(() => [paths(), paths()])).toEqual([expected, expected]);
  repo.folder('apps/d');
  expect(withSynthPass(paths)).toEqual([...expected, 'apps/d']);
});
