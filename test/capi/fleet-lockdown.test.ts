// A Fleet on a management cluster whose Flux is locked down (FluxBootstrap({ lockdown: true }):
// --no-cross-namespace-refs, --default-service-account=default) and sharded: the buckets run in
// flux-system as kustomize-controller, each cluster's hydration reads a source of its own
// namespace and impersonates an account bound on the workload cluster (a ClusterResourceSet).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import { addProvided, declarePreinstalled, Preinstalled, Repo } from '../../lib';
import { AksClusterClass, ClusterResourceSet, Fleet } from '../../lib/capi';
import { FluxBootstrap, GitRepository, Kustomization } from '../../lib/flux';
import { Testing } from '../../lib/testing';
import { SYSTEM_POOL } from './fixtures';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../support/kubeconfig-access';

const NAMESPACES = ['fleet-a', 'fleet-b'];

function lockedDownFleet(opts: { perNamespace?: boolean; management?: boolean; account?: boolean; bucketOnly?: boolean; artifacts?: boolean } = {}) {
  const { perNamespace = true, management = true, account = true, bucketOnly = false, artifacts = false } = opts;
  const app = Testing.app();
  const repo = new Repo(app, 'mgmt', { url: 'https://github.com/contoso/mgmt' });
  const shared = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
  shared.folder('overlays/prod');
  const entry = repo.folder('clusters/mgmt', { includeSubfolders: false });
  const fluxFolder = repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' });
  fluxFolder.addResource('gotk-components.yaml', { userOwned: true });
  const flux = new FluxBootstrap(fluxFolder, 'flux', { repo, entry, shards: ['shard0', 'shard1'], lockdown: true, ...(artifacts ? { componentsExtra: ['source-watcher' as const] } : {}) });
  declarePreinstalled(entry, Preinstalled.CAPI_CLUSTER_TOPOLOGY, Preinstalled.CAPZ);
  // The clusters' namespaces, a source of each repo in each (with its own deploy key), and the
  // binding of the hydration account on every workload cluster of the namespace.
  const sources = repo.folder('clusters/mgmt/sources');
  const mgmtSource = new Map<string, GitRepository>();
  const platformSource = new Map<string, GitRepository>();
  for (const ns of NAMESPACES) {
    new kplus.Namespace(sources, `ns-${ns}`, { metadata: { name: ns } });
    addProvided(sources, { apiGroup: '', kind: 'Secret', name: 'git-deploy-key', namespace: ns });
    addProvided(sources, { apiGroup: '', kind: 'Secret', name: 'aso-credential', namespace: ns });
    new ClusterResourceSet(sources, `hydration-binding-${ns}`, { name: 'flux-hydration', namespace: ns, clusterSelector: { 'contoso.com/fleet': 'shop' } })
      .addManifests('flux-hydration-binding', [{
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'flux-hydration' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'ServiceAccount', name: 'flux-applier', namespace: ns }],
      }]);
    if (!bucketOnly) mgmtSource.set(ns, new GitRepository(sources, `mgmt-${ns}`, { name: 'mgmt', namespace: ns, repo, secretRef: 'git-deploy-key' }));
    platformSource.set(ns, new GitRepository(sources, `platform-${ns}`, { name: 'platform', namespace: ns, repo: shared, secretRef: 'git-deploy-key' }));
  }
  const platform = Kustomization.forFolder(entry, 'sources', sources, { name: 'sources', source: flux.source, prune: true, serviceAccountName: 'kustomize-controller' });
  const cls = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
    name: 'aks', namespace: 'fleet-a', location: 'westeurope', credentialFrom: 'aso-credential',
    machinePoolClasses: [{ class: 'system', pool: SYSTEM_POOL }],
  });
  const classes = Kustomization.forFolder(entry, 'classes', repo.folder('clusters/mgmt/classes'), { name: 'classes', source: flux.source, prune: true, serviceAccountName: 'kustomize-controller', dependsOn: [platform] });
  const fleet = new Fleet(entry, 'fleet', {
    repo, clusterClass: cls, shards: 2, buckets: 2,
    // With bucket sources alone, no source of the management repo per namespace: the bucket
    // sources are made in each cluster namespace.
    ...(bucketOnly ? { bucketSources: { secretRef: 'git-deploy-key', perClusterArtifacts: artifacts } } : { source: perNamespace ? (ns: string) => mgmtSource.get(ns)! : mgmtSource.get('fleet-a')! }),
    ...(management ? { managementSource: flux.source, managementServiceAccountName: 'kustomize-controller' } : {}),
    ...(account ? { hydrationServiceAccountName: 'flux-applier' } : {}),
    dependsOn: [platform, classes],
    stages: [{ name: 'platform', path: () => './overlays/prod', source: (ns: string) => platformSource.get(ns)! }, 'apps'],
    defaults: { kubernetesVersion: 'v1.33.2', labels: { 'contoso.com/fleet': 'shop' } },
    clusters: [
      { name: 'shop-1', namespace: 'fleet-a' },
      { name: 'shop-2', namespace: 'fleet-b' },
      { name: 'shop-3', namespace: 'fleet-b' },
    ],
  });
  Kustomization.forFolder(entry, 'fleet-buckets', repo.folder('clusters/mgmt/fleet'), {
    name: 'fleet', source: flux.source, prune: true, serviceAccountName: 'kustomize-controller', dependsOn: [platform, classes],
  });
  return { app, fleet };
}

test('a Fleet passes the lockdown: buckets in flux-system as kustomize-controller, hydration from a source of each cluster\'s namespace, impersonating the bound account', () => {
  const { app, fleet } = lockedDownFleet();
  expect(Testing.synthProblems(app)).toEqual([]);
  const objs = Testing.objects(app);
  for (const b of fleet.bucketKustomizations) {
    const k = Testing.find(objs, 'Kustomization', b.name);
    expect([k.metadata.namespace, k.spec.sourceRef, k.spec.serviceAccountName, k.spec.dependsOn]).toEqual(['flux-system', { kind: 'GitRepository', name: 'flux-system' }, 'kustomize-controller', [{ name: 'sources' }, { name: 'classes' }]]);
  }
  for (const m of fleet.members) {
    const ns = m.cluster.kubeconfigSecret.secretNamespace;
    expect(m.kustomizations.map((k) => {
      const o = Testing.find(objs, 'Kustomization', k.name, ns);
      return [o.spec.sourceRef, o.spec.serviceAccountName, o.spec.kubeConfig.secretRef.name];
    })).toEqual([
      [{ kind: 'GitRepository', name: 'platform' }, 'flux-applier', `${m.cluster.clusterName}-kubeconfig`],
      [{ kind: 'GitRepository', name: 'mgmt' }, 'flux-applier', `${m.cluster.clusterName}-kubeconfig`],
    ]);
  }
  expect(fleet.members.map((m) => m.cluster.kubeconfigSecret.secretNamespace)).toEqual(['fleet-a', 'fleet-b', 'fleet-b']);
  // Each bucket's folder builds as Flux builds it: the clusters and their hydration.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-lockdown-'));
  try {
    for (const [file, text] of app.renderToMemory().get('mgmt')!) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const built = fleet.bucketKustomizations.map((b) => execFileSync('kubectl', ['kustomize', path.join(dir, b.path)], { encoding: 'utf8' }));
    expect(built.map((y) => (y.match(/^kind: Kustomization$/gm) ?? []).length).reduce((a, b) => a + b)).toBe(6);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('under the lockdown, a Fleet without its management source and accounts is refused, each problem with its prop', () => {
  const problems = Testing.synthProblems(lockedDownFleet({ perNamespace: false, management: false, account: false }).app);
  const boot = 'mgmt/clusters--mgmt--flux-system/flux: lockdown: ';
  // The buckets read the (fleet-a) source from flux-system and run as flux-system/default.
  expect(problems.filter((p) => p.includes('Kustomization flux-system/fleet-shard'))).toHaveLength(6); // 3 buckets × (source, account)
  expect(problems).toContain(
    `${boot}mgmt/clusters--mgmt--fleet/shard0-b0: Kustomization flux-system/fleet-shard0-b0: spec.sourceRef: refers to fleet-a/mgmt, in another namespace, which --no-cross-namespace-refs=true refuses; ` +
      'create the source in namespace "flux-system" (with its own secretRef there) and use it (Fleet: managementSource)',
  );
  expect(problems).toContain(
    `${boot}mgmt/clusters--mgmt--fleet/shard0-b0: Kustomization flux-system/fleet-shard0-b0: spec.serviceAccountName: is not set, so with --default-service-account=default it runs as flux-system/default, ` +
      'which has no permissions; set serviceAccountName: "kustomize-controller" (the controller\'s cluster-admin account) for a platform object (Fleet: managementServiceAccountName)',
  );
  expect(problems).toContain(
    `${boot}mgmt/clusters--mgmt--fleet--shard1-b0--shop-1/Hydration/platform: Kustomization fleet-a/shop-1-platform: spec.serviceAccountName: is not set, so with --default-service-account=default ` +
      'Flux impersonates system:serviceaccount:fleet-a:default on the remote cluster of kubeConfig Secret shop-1-kubeconfig, which has no permissions there; ' +
      "set serviceAccountName (RemoteClusterHydration: stages[].serviceAccountName; Fleet: hydrationServiceAccountName) to an account bound on that cluster, e.g. a ClusterRoleBinding for system:serviceaccount:fleet-a:<name> applied to it by a ClusterResourceSet",
  );
  expect(Testing.errorOf(() => lockedDownFleet({ management: false }))).toBe(
    'mgmt/clusters--mgmt/fleet: prop "managementSource": is required when source is given per namespace: the bucket Kustomizations read the management repo from their own namespace (e.g. the bootstrap\'s source in flux-system)',
  );
  // One source for clusters of two namespaces: the second namespace's hydration refers across.
  expect(Testing.synthProblems(lockedDownFleet({ perNamespace: false }).app).filter((p) => p.includes('spec.sourceRef: refers to fleet-a/mgmt'))).toEqual([
    expect.stringContaining('Kustomization fleet-b/shop-2-apps: spec.sourceRef'),
    expect.stringContaining('Kustomization fleet-b/shop-3-apps: spec.sourceRef'),
  ]);
});

test('with bucketSources and no source: the bucket sources are made in each cluster namespace, and no per-namespace source of the whole repo is needed', () => {
  for (const artifacts of [false, true]) {
    const { app, fleet } = lockedDownFleet({ bucketOnly: true, artifacts });
    expect(Testing.synthProblems(app)).toEqual([]); // the lockdown check included: nothing crosses a namespace
    const objs = Testing.objects(app);
    const gitRepos = objs.filter((o) => o.kind === 'GitRepository').map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();
    // flux-system's, the shared platform repo's per namespace, and one per bucket and namespace: none of the whole management repo.
    expect(gitRepos.filter((n) => !n.includes('/platform') && n !== 'flux-system/flux-system')).toEqual(
      [...new Set(fleet.members.map((m) => `${m.cluster.kubeconfigSecret.secretNamespace}/fleet-${m.bucket}`))].sort(),
    );
    for (const m of fleet.members) {
      const ns = m.cluster.kubeconfigSecret.secretNamespace;
      const src = Testing.find(objs, 'GitRepository', `fleet-${m.bucket}`, ns);
      // Exactly the stage folders of the bucket's clusters of that namespace.
      const mates = fleet.members.filter((x) => x.bucket === m.bucket && x.cluster.kubeconfigSecret.secretNamespace === ns).map((x) => x.cluster.name);
      expect([src.spec.url, src.spec.secretRef, src.spec.sparseCheckout]).toEqual(['https://github.com/contoso/mgmt', { name: 'git-deploy-key' }, mates.map((c) => `apps/${c}/`).sort()]);
      // The apps stage reads the bucket source, or (artifacts) the cluster's artifact of the generator beside it.
      const apps = Testing.find(objs, 'Kustomization', `${m.cluster.name}-apps`, ns);
      expect(apps.spec.sourceRef).toEqual(artifacts ? { kind: 'ExternalArtifact', name: `fleet-${m.bucket}-${m.cluster.name}` } : { kind: 'GitRepository', name: `fleet-${m.bucket}` });
      if (artifacts) expect(Testing.find(objs, 'ArtifactGenerator', `fleet-${m.bucket}`, ns).spec.sources).toEqual([{ alias: 'repo', kind: 'GitRepository', name: `fleet-${m.bucket}` }]);
    }
  }
});

test('with bucketSources and no source, the url comes from bucketSources or the repo', () => {
  const app = Testing.app();
  const repo = new Repo(app, 'mgmt'); // no url
  const entry = repo.folder('clusters/mgmt', { namespace: 'flux-system', includeSubfolders: false });
  const cls = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, name: 'aks', namespace: 'fleet-a', location: 'westeurope', machinePoolClasses: [{ class: 'system', pool: SYSTEM_POOL }] });
  expect(Testing.errorOf(() => new Fleet(entry, 'fleet', {
    repo, clusterClass: cls, bucketSources: {}, managementSource: GitRepository.fromName(entry, 'src', { name: 'flux-system' }),
    defaults: { kubernetesVersion: 'v1.33.2' }, clusters: [{ name: 'c1' }],
  }))).toBe('mgmt/clusters--mgmt/fleet: prop "bucketSources.url": is required: the fleet\'s source is not given, and repo mgmt has no url (cluster "c1")');
});
