import { handWrittenCluster } from '../support/clusters';
import { ApiObject } from 'cdk8s';
import { addProvided, applyRemovalPolicy, ExistingSecret, GitOpsApp, RemovalPolicy, Repo } from '../../lib';
import { importResource } from '../../lib/core/resource';
import { GitRepository, HelmRelease, HelmRepository, IKustomization, ISource, Kustomization, Patches, RemoteClusterHydration } from '../../lib/flux';
import { fixture } from './helpers';
import { Testing } from '../../lib/testing';

describe('Kustomization', () => {
  test('renders every field', () => {
    const { app, repo, folder } = fixture();
    addProvided(folder, { apiGroup: '', kind: 'Secret', name: 'sops-age', namespace: 'flux-system' });
    addProvided(folder, { apiGroup: '', kind: 'ConfigMap', name: 'cluster-vars', namespace: 'flux-system' });
    addProvided(folder, { apiGroup: '', kind: 'ServiceAccount', name: 'deployer', namespace: 'flux-system' });
    const source = new GitRepository(folder, 'src', { name: 'platform', repo });
    const infra = Kustomization.forFolder(folder, 'infra', repo.folder('infrastructure'), { name: 'infra', source, prune: true, wait: true });
    const hrRepo = new HelmRepository(folder, 'hrepo', { name: 'podinfo', url: 'https://stefanprodan.github.io/podinfo' });
    const hr = new HelmRelease(folder, 'hr', { name: 'podinfo', chart: { repository: hrRepo, chart: 'podinfo' } });
    const deployment = new ApiObject(folder, 'dep', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'apps' } });
    void deployment;
    const apps = Kustomization.forFolder(folder, 'apps', repo.folder('apps'), {
      name: 'apps', source, prune: false, interval: '1h', retryInterval: '2m', timeout: '5m',
      dependsOn: [infra], healthChecks: [hr, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps' }],
      substitute: { cluster_name: 'mgmt', env: 'prod' }, substituteFrom: [{ kind: 'ConfigMap', name: 'cluster-vars' }, { kind: 'Secret', name: 'maybe', optional: true }],
      serviceAccountName: 'deployer', targetNamespace: 'apps', decryption: { provider: 'sops', secretRef: 'sops-age' },
      deletionPolicy: 'Orphan', patches: [Patches.replicas('Deployment', 'web', 3)], components: ['../components/ha'], force: true, shardKey: 's1',
    });
    repo.component('components/ha');
    apps.addSubstitute('region', 'westeurope');
    const out = Testing.render(app);
    expect(out['platform/clusters/mgmt/kustomization-apps.yaml'][0]).toEqual({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps', namespace: 'flux-system', labels: { 'sharding.fluxcd.io/key': 's1' } },
      spec: {
        interval: '1h', path: './apps', prune: false, retryInterval: '2m', timeout: '5m',
        sourceRef: { kind: 'GitRepository', name: 'platform' },
        dependsOn: [{ name: 'infra' }],
        healthChecks: [
          { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: 'podinfo', namespace: 'flux-system' },
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps' },
        ],
        postBuild: {
          substitute: { cluster_name: 'mgmt', env: 'prod', region: 'westeurope' },
          substituteFrom: [{ kind: 'ConfigMap', name: 'cluster-vars' }, { kind: 'Secret', name: 'maybe', optional: true }],
        },
        serviceAccountName: 'deployer', targetNamespace: 'apps',
        decryption: { provider: 'sops', secretRef: { name: 'sops-age' } },
        deletionPolicy: 'Orphan',
        patches: [{ patch: '- op: replace\n  path: /spec/replicas\n  value: 3\n', target: { kind: 'Deployment', name: 'web' } }],
        components: ['../components/ha'],
        force: true,
      },
    });
    expect(out['platform/clusters/mgmt/kustomization-infra.yaml'][0].spec).toEqual({
      interval: '10m', path: './infrastructure', prune: true, wait: true, sourceRef: { kind: 'GitRepository', name: 'platform' },
    });
  });

  test('renders sourceRef/dependsOn namespaces only across namespaces', () => {
    const { app, repo, folder } = fixture();
    const source = new GitRepository(folder, 'src', { name: 'platform', repo });
    const other = Kustomization.forFolder(folder, 'other', repo.folder('x'), { name: 'other', namespace: 'apps', source, prune: true });
    const k = new Kustomization(folder, 'k', { name: 'k', namespace: 'apps', source, path: './y', prune: true, dependsOn: [other] });
    repo.addUserOwnedPath('y');
    void k;
    const spec = Testing.render(app)['platform/clusters/mgmt/kustomization-k.yaml'][0].spec;
    expect(spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'platform', namespace: 'flux-system' });
    expect(spec.dependsOn).toEqual([{ name: 'other' }]);
  });

  test('validation errors', () => {
    const { repo, folder } = fixture();
    const source = new GitRepository(folder, 'src', { name: 'platform', repo });
    repo.addUserOwnedPath('x');
    expect(() => new Kustomization(folder, 'a', { name: 'a', source, path: 'clusters/prod', prune: true })).toThrow(
      'platform/clusters--mgmt/a: prop "path": "clusters/prod" must be a path relative to the source root starting with "./" (e.g. "./clusters/prod"), without ".." segments',
    );
    expect(() => new Kustomization(folder, 'b', { name: 'b', source, path: './x' } as never)).toThrow(
      'platform/clusters--mgmt/b: prop "prune": is required: say whether objects removed from the source are deleted (true) or left (false)',
    );
    const otherRepo = new Repo(repo.node.scope!, 'other', { url: 'https://e.com/o' });
    expect(() => Kustomization.forFolder(folder, 'c', otherRepo.folder('apps'), { name: 'c', source, prune: true })).toThrow(
      'platform/clusters--mgmt: prop "folder": folder "apps" is in repo "other", not in repo "platform" fetched by source platform',
    );
    const cluster = handWrittenCluster(folder, 'aks-dev', 'fleet');
    expect(() => new Kustomization(folder, 'd', { name: 'd', source, path: './x', prune: true, kubeConfig: cluster })).toThrow(
      'platform/clusters--mgmt/d: prop "kubeConfig": the kubeconfig Secret fleet/aks-dev-kubeconfig must be in the Kustomization\'s namespace "flux-system"',
    );
    const remote = ExistingSecret.fromName(folder, 'remote', { name: 'remote-kubeconfig', namespace: 'fleet' });
    expect(() => new Kustomization(folder, 'd2', { name: 'd2', source, path: './x', prune: true, kubeConfig: { secret: remote, key: 'config' } })).toThrow(
      'platform/clusters--mgmt/d2: prop "kubeConfig": Secret "remote-kubeconfig" (platform/clusters--mgmt/remote) is in namespace "fleet", but it must be in namespace "flux-system" (Flux reads the Secret from the object\'s namespace)',
    );
    const k = new Kustomization(folder, 'd3', { name: 'd3', source, path: './x', prune: true, kubeConfig: { secret: 'edge-kubeconfig', key: 'config' } });
    expect(k.kubeConfig).toEqual({ name: 'edge-kubeconfig', namespace: 'flux-system', key: 'config' });
    expect(Testing.find(Testing.objects(k.node.root as GitOpsApp), 'Kustomization', 'd3').spec.kubeConfig).toEqual({ secretRef: { name: 'edge-kubeconfig', key: 'config' } });
    expect(() => new Kustomization(folder, 'e', { name: 'e', source, path: './x', prune: true, patches: [{ patch: [{ op: 'remove', path: '/a' }] }] })).toThrow(
      'platform/clusters--mgmt/e: prop "patches[0].target": is required for JSON 6902 operations',
    );
    // Components: local paths relative to the path, as kustomize-controller takes them (fluxcd/pkg IsLocalRelativePath).
    for (const [i, c] of ['https://github.com/contoso/components//monitoring', 'github.com/contoso/components/monitoring', 'git@github.com:contoso/components', 'ssh://git@example.com/c', 'GIT::https://e.com/c', 'file:///abs/c'].entries()) {
      expect(() => new Kustomization(folder, `f${i}`, { name: `f${i}`, source, path: './x', prune: true, components: [c] })).toThrow(
        `platform/clusters--mgmt/f${i}: prop "components": "${c}" must be a local path relative to the path: kustomize-controller refuses a remote component ("component path must be local and relative"); vendor it into the repo and name its directory`,
      );
    }
    new Kustomization(folder, 'g', { name: 'g', source, path: './x', prune: true, components: ['../components/monitoring', 'gitlab.com/contoso/c', 'file://components/x', 'git'] });
  });

  test('dependency cycles are errors', () => {
    const { repo, folder } = fixture();
    const source = new GitRepository(folder, 'src', { name: 'platform', repo });
    const a = new Kustomization(folder, 'a', { name: 'a', source, path: './a', prune: true });
    const b = new Kustomization(folder, 'b', { name: 'b', source, path: './b', prune: true, dependsOn: [a] });
    const c = new Kustomization(folder, 'c', { name: 'c', source, path: './c', prune: true, dependsOn: [b] });
    expect(() => a.addDependsOn(c)).toThrow('platform/clusters--mgmt/a: prop "dependsOn": dependency cycle: flux-system/a -> flux-system/c -> flux-system/b -> flux-system/a');
    expect(() => a.addDependsOn(a)).toThrow('platform/clusters--mgmt/a: prop "dependsOn": dependency cycle: flux-system/a -> flux-system/a');
  });

  test('references: unresolved source, dependsOn and service account are synth errors', () => {
    const { app, folder } = fixture();
    const source = GitRepository.fromName(folder, 'ext', { name: 'shared', namespace: 'flux-system' });
    // Objects neither in the app nor imported (importResource with provided: false).
    const missingSrc = importResource(folder, 'nope', { apiGroup: 'source.toolkit.fluxcd.io', kind: 'GitRepository', provided: false }, { name: 'nope' }) as unknown as ISource;
    const dep = importResource(folder, 'ghost', { apiGroup: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization', provided: false }, { name: 'ghost' }) as unknown as IKustomization;
    new Kustomization(folder, 'k', { name: 'k', source: missingSrc, path: './x', prune: true, dependsOn: [dep], serviceAccountName: 'nobody' });
    new Kustomization(folder, 'ok', { name: 'ok', source, path: './x', prune: true, dependsOn: [Kustomization.fromName(folder, 'imp', { name: 'infra', namespace: 'flux-system' })] });
    const msg = (prop: string, what: string) => `platform/clusters--mgmt/k: prop "${prop}": refers to ${what}, which is not an object of the app; create it, or declare an existing one with the kind's fromName(...) import`;
    expect(Testing.synthProblems(app)).toEqual([
      msg('dependsOn[0]', 'Kustomization/flux-system/ghost (kustomize.toolkit.fluxcd.io)'),
      msg('serviceAccountName', 'ServiceAccount/flux-system/nobody'),
      msg('sourceRef', 'GitRepository/flux-system/nope (source.toolkit.fluxcd.io)'),
    ]);
  });
});

describe('Kustomization healthCheckExprs', () => {
  test('rendered one per kind, added by prop or later; the same expressions again are ignored, other ones for a kind and malformed entries are errors', () => {
    const { app, repo, folder } = fixture();
    const source = new GitRepository(folder, 'src', { name: 'platform', repo });
    const pkg = { apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider', current: "status.conditions.exists(e, e.type == 'Healthy' && e.status == 'True')" };
    const ks = Kustomization.forFolder(folder, 'apis', repo.folder('apis'), { name: 'apis', source, prune: true, wait: true, healthCheckExprs: [pkg] });
    ks.addHealthCheckExprs({ apiVersion: 'example.org/v1', kind: 'Widget', current: 'status.phase == "Ready"', failed: 'status.phase == "Failed"' }, pkg);
    expect(Testing.render(app)['platform/clusters/mgmt/kustomization-apis.yaml'][0].spec.healthCheckExprs).toEqual([
      pkg,
      { apiVersion: 'example.org/v1', kind: 'Widget', current: 'status.phase == "Ready"', failed: 'status.phase == "Failed"' },
    ]);
    expect(Testing.errorOf(() => ks.addHealthCheckExprs({ ...pkg, current: 'true' })))
      .toBe('platform/clusters--mgmt/apis: prop "healthCheckExprs[2]": Provider (pkg.crossplane.io/v1) already has health check expressions; Flux takes one entry per kind');
    expect(Testing.errorOf(() => ks.addHealthCheckExprs({ apiVersion: 'v1', kind: 'ConfigMap', current: '' })))
      .toBe('platform/clusters--mgmt/apis: prop "healthCheckExprs[2]": must be { apiVersion: "<group>/<version>", kind, current } (CEL expressions: current, and optionally failed and inProgress)');
  });
});

describe('Kustomization force', () => {
  test('refused on a build holding stateful kinds or retained objects (a webhook refusal would delete and recreate them)', () => {
    const { app, repo, folder } = fixture();
    const source = new GitRepository(folder, 'src', { name: 'platform', repo });
    const clusters = repo.folder('clusters/fleet', { namespace: 'fleet' });
    new ApiObject(clusters, 'c', { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'aks-dev' }, spec: {} });
    const kept = new ApiObject(repo.folder('clusters/fleet/settings', { namespace: 'fleet' }), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    applyRemovalPolicy(kept, RemovalPolicy.RETAIN);
    Kustomization.forFolder(folder, 'fleet', clusters, { name: 'fleet', source, prune: true, force: true });
    // A build of plain objects may force.
    const web = repo.folder('apps/web', { namespace: 'web' });
    new ApiObject(web, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' } });
    Kustomization.forFolder(folder, 'web', web, { name: 'web', source, prune: true, force: true });
    // The per-object annotation forces one object the same way, whatever its Kustomization says.
    const dbs = repo.folder('apps/db', { namespace: 'web' });
    Kustomization.forFolder(folder, 'db', dbs, { name: 'db', source, prune: true });
    const db = new ApiObject(dbs, 'db', { apiVersion: 'dbforpostgresql.azure.com/v1api20240801', kind: 'FlexibleServer', metadata: { name: 'web-db' }, spec: {} });
    db.metadata.addAnnotation('kustomize.toolkit.fluxcd.io/force', 'enabled');
    const recreates =
      'with force kustomize-controller deletes and recreates an object whose apply the API server refuses as invalid or conflicting ' +
      "(HTTP 422 or 409: immutable fields, and any admission webhook's refusal; fluxcd/pkg ssa IsImmutableError), whatever its prune annotation, " +
      'and deleting it deletes what it manages (a CAPI Cluster its AKS cluster, an ASO resource its Azure resource)';
    const forced = [
      `platform/clusters--mgmt/fleet: prop "force": Kustomization flux-system/fleet applies Cluster/fleet/aks-dev, ConfigMap/fleet/settings (stateful, retained, defining a kind: deleting it deletes every object of the kind, or a StatefulSet deleting its volume claims with it), and ${recreates}; ` +
        'turn force off, or apply those objects with another Kustomization',
    ];
    expect(Testing.synthProblems(app)).toEqual([
      `platform/apps--db/db: metadata.annotations.kustomize.toolkit.fluxcd.io/force: enabled on FlexibleServer web/web-db (stateful, retained, or defining a kind): ${recreates}; remove the annotation`,
      ...forced,
    ]);
    db.metadata.addAnnotation('kustomize.toolkit.fluxcd.io/force', 'disabled');
    expect(Testing.synthProblems(app)).toEqual(forced);
    // As a label, in any case: kustomize-controller's force selector matches labels and annotations (fluxcd/pkg AnyInMetadata).
    db.metadata.addLabel('kustomize.toolkit.fluxcd.io/force', 'Enabled');
    expect(Testing.synthProblems(app)).toEqual([
      `platform/apps--db/db: metadata.labels.kustomize.toolkit.fluxcd.io/force: Enabled on FlexibleServer web/web-db (stateful, retained, or defining a kind): ${recreates}; remove the label`,
      ...forced,
    ]);
  });

  test('an L1 or raw Kustomization with spec.force is checked on its rendered build, once', () => {
    const { app, repo, folder } = fixture();
    new GitRepository(folder, 'src', { name: 'platform', repo });
    const clusters = repo.folder('clusters/fleet', { namespace: 'fleet' });
    new ApiObject(clusters, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fleet' } });
    applyRemovalPolicy(new ApiObject(clusters, 'kept', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept' } }), RemovalPolicy.RETAIN);
    new ApiObject(clusters, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' } });
    // A build of objects that may be recreated may force.
    new ApiObject(repo.folder('clusters/rbac'), 'role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'viewer' } });
    const raw = (name: string, path: string) => new ApiObject(folder, name, {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, namespace: 'flux-system' },
      spec: { interval: '10m', path, prune: true, force: true, sourceRef: { kind: 'GitRepository', name: 'platform' } },
    });
    raw('forced', './clusters/fleet');
    raw('rbac', './clusters/rbac');
    expect(Testing.synthProblems(app)).toEqual([
      'platform/clusters--mgmt/forced: spec.force: Kustomization flux-system/forced applies ConfigMap/fleet/kept, Namespace/fleet (stateful, retained, defining a kind: deleting it deletes every object of the kind, or a StatefulSet deleting its volume claims with it), and ' +
        'with force kustomize-controller deletes and recreates an object whose apply the API server refuses as invalid or conflicting ' +
        "(HTTP 422 or 409: immutable fields, and any admission webhook's refusal; fluxcd/pkg ssa IsImmutableError), whatever its prune annotation, " +
        'and deleting it deletes what it manages (a CAPI Cluster its AKS cluster, an ASO resource its Azure resource); turn force off, or apply those objects with another Kustomization',
    ]);
  });
});

describe('RemoteClusterHydration', () => {
  test('one Kustomization per stage, through the CAPI kubeconfig Secret, in order', () => {
    const { app, repo } = fixture();
    const mgmt = repo.folder('clusters/fleet', { namespace: 'fleet' });
    const source = new GitRepository(mgmt, 'src', { name: 'platform', repo });
    const cluster = handWrittenCluster(mgmt, 'aks-dev', 'fleet');
    addProvided(mgmt, { apiGroup: '', kind: 'Secret', name: 'aks-dev-kubeconfig', namespace: 'fleet' });
    const h = new RemoteClusterHydration(mgmt, 'aks-dev', {
      cluster, source, shardKey: 'fleet',
      stages: [
        { name: 'infrastructure', folder: repo.folder('infrastructure/aks-dev', { cluster: 'aks-dev' }) },
        { name: 'apps', folder: './apps/aks-dev', healthChecks: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo', namespace: 'podinfo' }] },
      ],
    });
    repo.addUserOwnedPath('apps/aks-dev'); // a folder of the repo the app does not write
    expect(h.kustomizations.map((k) => k.name)).toEqual(['aks-dev-infrastructure', 'aks-dev-apps']);
    const out = Testing.render(app);
    expect(out['platform/clusters/fleet/kustomization-aks-dev-apps.yaml'][0]).toEqual({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'aks-dev-apps', namespace: 'fleet', labels: { 'sharding.fluxcd.io/key': 'fleet' } },
      spec: {
        dependsOn: [{ name: 'aks-dev-infrastructure' }],
        healthChecks: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo', namespace: 'podinfo' }],
        interval: '10m', kubeConfig: { secretRef: { key: 'value', name: 'aks-dev-kubeconfig' } }, path: './apps/aks-dev', prune: true,
        sourceRef: { kind: 'GitRepository', name: 'platform' }, timeout: '5m', wait: true,
      },
    });
    expect(out['platform/clusters/fleet/kustomization-aks-dev-infrastructure.yaml'][0].spec.dependsOn).toBeUndefined();
  });

  test('the kubeconfig Secret must resolve; namespace must be the Secret\'s; stages are required', () => {
    const { app, repo } = fixture();
    const mgmt = repo.folder('clusters/fleet', { namespace: 'fleet' });
    const source = new GitRepository(mgmt, 'src', { name: 'platform', repo });
    const cluster = handWrittenCluster(mgmt, 'aks-dev', 'fleet');
    new RemoteClusterHydration(mgmt, 'h', { cluster, source, stages: [{ name: 'apps', folder: './apps' }] });
    expect(Testing.synthProblems(app)).toEqual([
      'platform/clusters--fleet/h/apps: prop "kubeConfig": refers to Secret/fleet/aks-dev-kubeconfig, which is not an object of the app; create it, or declare an existing one with the kind\'s fromName(...) import',
    ]);
    expect(() => new RemoteClusterHydration(mgmt, 'h2', { cluster, source, namespace: 'flux-system', stages: [{ name: 'apps', folder: './apps' }] })).toThrow(
      'platform/clusters--fleet/h2: prop "namespace": "flux-system" must be the namespace of the kubeconfig Secret fleet/aks-dev-kubeconfig (Flux reads it from the Kustomization\'s namespace)',
    );
    expect(() => new RemoteClusterHydration(mgmt, 'h3', { cluster, source, stages: [] })).toThrow('platform/clusters--fleet/h3: prop "stages": needs at least one stage');
  });
});
