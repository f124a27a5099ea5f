import { addProvided } from '../../lib';
import { Alert, GitRepository, HelmRelease, HelmRepository, Kustomization, NotificationProvider, OCIRepository } from '../../lib/flux';
import { fixture } from './helpers';
import { Testing } from '../../lib/testing';

describe('HelmRelease', () => {
  test('chart from a HelmRepository, values, valuesFrom, remediation, dependsOn, driftDetection', () => {
    const { app, folder } = fixture();
    addProvided(folder, { apiGroup: '', kind: 'Secret', name: 'db-values', namespace: 'flux-system' });
    const repo = new HelmRepository(folder, 'repo', { name: 'podinfo', url: 'https://stefanprodan.github.io/podinfo' });
    const redis = new HelmRelease(folder, 'redis', { name: 'redis', chart: { repository: repo, chart: 'redis', version: '1.0.0' } });
    new HelmRelease(folder, 'podinfo', {
      name: 'podinfo', chart: { repository: repo, chart: 'podinfo', version: '>=6.0.0 <7.0.0', interval: '1h' },
      values: { replicaCount: 2 }, valuesFrom: [{ kind: 'Secret', name: 'db-values', valuesKey: 'values.yaml' }, { kind: 'ConfigMap', name: 'opt', optional: true }],
      targetNamespace: 'podinfo', createNamespace: true, releaseName: 'podinfo', timeout: '10m',
      install: { remediationRetries: 5, crds: 'CreateReplace' }, upgrade: { remediationRetries: -1, remediationStrategy: 'uninstall', cleanupOnFail: true },
      dependsOn: [redis], driftDetection: 'warn',
    });
    const out = Testing.render(app);
    expect(out['platform/clusters/mgmt/helmrelease-podinfo.yaml'][0].spec).toEqual({
      interval: '10m',
      chart: { spec: { chart: 'podinfo', version: '>=6.0.0 <7.0.0', interval: '1h', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } },
      releaseName: 'podinfo', targetNamespace: 'podinfo', timeout: '10m',
      install: { remediation: { retries: 5 }, createNamespace: true, crds: 'CreateReplace' },
      upgrade: { remediation: { retries: -1, remediateLastFailure: true, strategy: 'uninstall' }, cleanupOnFail: true },
      dependsOn: [{ name: 'redis' }],
      driftDetection: { mode: 'warn' },
      values: { replicaCount: 2 },
      valuesFrom: [{ kind: 'Secret', name: 'db-values', valuesKey: 'values.yaml' }, { kind: 'ConfigMap', name: 'opt', optional: true }],
    });
    expect(out['platform/clusters/mgmt/helmrelease-redis.yaml'][0].spec.install).toEqual({ remediation: { retries: 3 } });
  });

  test('chartRef to an OCIRepository', () => {
    const { app, folder } = fixture();
    const oci = new OCIRepository(folder, 'oci', { name: 'cert-manager', url: 'oci://quay.io/jetstack/charts/cert-manager', ref: { semver: '1.x' } });
    new HelmRelease(folder, 'hr', { name: 'cert-manager', chartRef: oci, interval: '12h' });
    expect(Testing.render(app)['platform/clusters/mgmt/helmrelease-cert-manager.yaml'][0].spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'cert-manager' });
  });

  test('errors', () => {
    const { folder } = fixture();
    const repo = new HelmRepository(folder, 'repo', { name: 'r', url: 'https://e.com/charts' });
    const oci = new OCIRepository(folder, 'oci', { name: 'o', url: 'oci://e.com/c', ref: { tag: '1' } });
    const git = new GitRepository(folder, 'git', { name: 'g', url: 'https://e.com/g' });
    expect(() => new HelmRelease(folder, 'a', { name: 'a' })).toThrow('platform/clusters--mgmt/a: prop "chart": set exactly one of chart, chartRef (got none)');
    expect(() => new HelmRelease(folder, 'b', { name: 'b', chart: { repository: repo, chart: 'x' }, chartRef: oci })).toThrow(
      'platform/clusters--mgmt/b: prop "chart": set exactly one of chart, chartRef (got chart, chartRef)',
    );
    expect(() => new HelmRelease(folder, 'c', { name: 'c', chart: { repository: oci, chart: 'x' } })).toThrow(
      'platform/clusters--mgmt/c: prop "chart.repository": must be a HelmRepository, GitRepository or Bucket (got OCIRepository; use chartRef for an OCIRepository)',
    );
    expect(() => new HelmRelease(folder, 'd', { name: 'd', chartRef: git })).toThrow('platform/clusters--mgmt/d: prop "chartRef": must be an OCIRepository or an ExternalArtifact (got GitRepository)');
    expect(() => new HelmRelease(folder, 'e', { name: 'e', chart: { repository: git, chart: './charts/x', version: '1.0.0' } })).toThrow(
      'platform/clusters--mgmt/e: prop "chart.version": only applies to charts from a HelmRepository (the GitRepository revision decides)',
    );
    expect(() => new HelmRelease(folder, 'f', { name: 'f', chartRef: oci, install: { remediationRetries: 1.5 } })).toThrow(
      'platform/clusters--mgmt/f: prop "install.remediationRetries": must be an integer >= -1 (-1 retries forever), got 1.5',
    );
    const a = new HelmRelease(folder, 'g', { name: 'g', chartRef: oci });
    const b = new HelmRelease(folder, 'h', { name: 'h', chartRef: oci, dependsOn: [a] });
    expect(() => a.addDependsOn(b)).toThrow('platform/clusters--mgmt/g: prop "dependsOn": dependency cycle: flux-system/g -> flux-system/h -> flux-system/g');
  });

  test('a remote cluster (kubeConfig) with a targetNamespace: storageNamespace is required (the HelmRelease namespace is not on that cluster)', () => {
    const { app, folder } = fixture();
    addProvided(folder, { apiGroup: '', kind: 'Secret', name: 'dev-kubeconfig', namespace: 'flux-system' });
    const oci = new OCIRepository(folder, 'oci', { name: 'cert-manager', url: 'oci://quay.io/jetstack/charts/cert-manager', ref: { semver: '1.x' } });
    const kubeConfig = { secret: 'dev-kubeconfig', key: 'value' };
    expect(Testing.errorOf(() => new HelmRelease(folder, 'a', { name: 'a', chartRef: oci, kubeConfig, targetNamespace: 'cert-manager', createNamespace: true })))
      .toBe('platform/clusters--mgmt/a: prop "storageNamespace": is required with kubeConfig and targetNamespace "cert-manager": helm-controller stores the release in the HelmRelease\'s namespace "flux-system" on the remote cluster, ' +
        "which must exist there (createNamespace creates only the target namespace); give storageNamespace: 'cert-manager' for a new release, or 'flux-system' to keep one installed (changing it reinstalls the release)");
    expect(Testing.errorOf(() => new HelmRelease(folder, 'b', { name: 'b', chartRef: oci, storageNamespace: 'Cert_Manager' }))).toMatch(/^platform\/clusters--mgmt\/b: prop "storageNamespace": /);
    new HelmRelease(folder, 'remote', { name: 'remote', chartRef: oci, kubeConfig, targetNamespace: 'cert-manager', createNamespace: true, storageNamespace: 'cert-manager' });
    // Without a targetNamespace the release and its storage share the HelmRelease's namespace; this cluster's releases need nothing.
    new HelmRelease(folder, 'same', { name: 'same', chartRef: oci, kubeConfig });
    new HelmRelease(folder, 'local', { name: 'local', chartRef: oci, targetNamespace: 'cert-manager' });
    const out = Testing.render(app);
    expect(out['platform/clusters/mgmt/helmrelease-remote.yaml'][0].spec).toMatchObject({ targetNamespace: 'cert-manager', storageNamespace: 'cert-manager', kubeConfig: { secretRef: { name: 'dev-kubeconfig', key: 'value' } } });
    expect(out['platform/clusters/mgmt/helmrelease-same.yaml'][0].spec.storageNamespace).toBeUndefined();
    expect(out['platform/clusters/mgmt/helmrelease-local.yaml'][0].spec.storageNamespace).toBeUndefined();
    // A remote install retries without limit (the cluster may still be coming up); a local one 3 times.
    expect(out['platform/clusters/mgmt/helmrelease-remote.yaml'][0].spec.install.remediation).toEqual({ retries: -1 });
    expect(out['platform/clusters/mgmt/helmrelease-local.yaml'][0].spec.install.remediation).toEqual({ retries: 3 });
  });

  test('unresolved valuesFrom is a synth error', () => {
    const { app, folder } = fixture();
    const oci = new OCIRepository(folder, 'oci', { name: 'o', url: 'oci://e.com/c', ref: { tag: '1' } });
    new HelmRelease(folder, 'hr', { name: 'hr', chartRef: oci, valuesFrom: [{ kind: 'Secret', name: 'absent' }] });
    expect(Testing.synthProblems(app)).toEqual([
      'platform/clusters--mgmt/hr: prop "valuesFrom[0]": refers to Secret/flux-system/absent, which is not an object of the app; create it, or declare an existing one with the kind\'s fromName(...) import',
    ]);
  });
});

describe('NotificationProvider and Alert', () => {
  test('msteams provider from a Secret; alert on constructs and wildcards', () => {
    const { app, repo, folder } = fixture();
    addProvided(folder, { apiGroup: '', kind: 'Secret', name: 'teams-webhook', namespace: 'flux-system' });
    addProvided(folder, { apiGroup: '', kind: 'Secret', name: 'gh-token', namespace: 'flux-system' });
    const provider = new NotificationProvider(folder, 'teams', { name: 'teams', type: 'msteams', secretRef: 'teams-webhook' });
    new NotificationProvider(folder, 'gh', { name: 'github', type: 'github', address: 'https://github.com/contoso/platform', secretRef: 'gh-token' });
    const source = new GitRepository(folder, 'src', { name: 'platform', repo });
    const ks = new Kustomization(folder, 'ks', { name: 'apps', source, path: './apps', prune: true });
    repo.addUserOwnedPath('apps');
    new Alert(folder, 'alert', {
      name: 'platform', provider, eventSeverity: 'error', eventSources: [ks, source, { kind: 'HelmRelease', name: '*', namespace: 'apps', matchLabels: { team: 'a' } }],
      exclusionList: ['.*upgrade.*has timed out.*'], summary: 'mgmt cluster',
    });
    const out = Testing.render(app);
    expect(out['platform/clusters/mgmt/provider-teams.yaml'][0].spec).toEqual({ type: 'msteams', secretRef: { name: 'teams-webhook' } });
    expect(out['platform/clusters/mgmt/provider-github.yaml'][0].spec).toEqual({ type: 'github', address: 'https://github.com/contoso/platform', secretRef: { name: 'gh-token' } });
    expect(out['platform/clusters/mgmt/alert-platform.yaml'][0].spec).toEqual({
      providerRef: { name: 'teams' },
      eventSeverity: 'error',
      eventSources: [{ kind: 'Kustomization', name: 'apps' }, { kind: 'GitRepository', name: 'platform' }, { kind: 'HelmRelease', name: '*', namespace: 'apps', matchLabels: { team: 'a' } }],
      exclusionList: ['.*upgrade.*has timed out.*'],
      summary: 'mgmt cluster',
    });
  });

  test('errors', () => {
    const { folder } = fixture();
    expect(() => new NotificationProvider(folder, 'a', { name: 'a', type: 'msteams', address: 'https://outlook.office.com/webhook/x' } as never)).toThrow(
      'platform/clusters--mgmt/a: prop "address": a msteams webhook URL is a credential: put it in the Secret\'s "address" key and pass secretRef',
    );
    expect(() => new NotificationProvider(folder, 'b', { name: 'b', type: 'slack' })).toThrow(
      'platform/clusters--mgmt/b: prop "secretRef": is required for slack: the Secret holding the webhook URL in its "address" key',
    );
    expect(() => new NotificationProvider(folder, 'c', { name: 'c', type: 'pigeon' as never })).toThrow('platform/clusters--mgmt/c: prop "type": "pigeon" is not a Flux provider type');
    const p = new NotificationProvider(folder, 'd', { name: 'd', type: 'generic', secretRef: 'hook' });
    expect(() => new Alert(folder, 'e', { name: 'e', provider: p, eventSources: [] })).toThrow('platform/clusters--mgmt/e: prop "eventSources": needs at least one event source');
    expect(() => new Alert(folder, 'f', { name: 'f', provider: p, eventSources: [{ kind: 'Deployment', name: '*' }] })).toThrow(
      'platform/clusters--mgmt/f: prop "eventSources[0].kind": "Deployment" is not a Flux kind that emits events',
    );
    expect(() => new Alert(folder, 'g', { name: 'g', namespace: 'apps', provider: p, eventSources: [{ kind: 'Kustomization', name: '*' }] })).toThrow(
      'platform/clusters--mgmt/g: prop "provider": must be in the Alert\'s namespace "apps" (got "flux-system")',
    );
    expect(() => new Alert(folder, 'h', { name: 'h', provider: p, eventSources: [{ kind: 'GitRepository', name: '*', namespace: '' }] })).toThrow(
      'platform/clusters--mgmt/h: prop "eventSources[0].namespace": "" is invalid: must be a DNS label',
    );
    expect(() => new Alert(folder, 'i', { name: 'i', provider: p, eventSources: [{ kind: 'GitRepository', name: '*', matchLabels: { team: ':' } }] })).toThrow(
      'platform/clusters--mgmt/i: prop "eventSources[0].matchLabels.team": invalid label value ":"',
    );
  });
});

describe('a sharded HelmRelease and its chart', () => {
  test('the chart carries the shard key (helm-controller copies spec.chart.metadata.labels onto the HelmChart); a repository of another shard fails synth', () => {
    const { app, folder } = fixture();
    const repo = new HelmRepository(folder, 'repo', { name: 'podinfo', url: 'https://stefanprodan.github.io/podinfo', shardKey: 'shard1' });
    new HelmRelease(folder, 'ok', { name: 'ok', chart: { repository: repo, chart: 'podinfo', version: '6.9.2' }, shardKey: 'shard1' });
    expect(Testing.synthProblems(app).filter((p) => p.includes('shard key'))).toEqual([]);
    new HelmRelease(folder, 'unsharded', { name: 'unsharded', chart: { repository: repo, chart: 'podinfo', version: '6.9.2' } });
    expect(Testing.synthProblems(app).filter((p) => p.includes('shard key'))).toEqual([
      'platform/clusters--mgmt/unsharded: prop "chart.repository": HelmRepository flux-system/podinfo has shard key "shard1" and this HelmRelease none: ' +
        'its HelmChart is reconciled by the source-controller of the HelmRelease\'s shard, which does not watch a repository of another shard, so the chart is never fetched; give both the same shardKey',
    ]);
    folder.node.tryRemoveChild('unsharded');
    const out = Testing.render(app);
    expect(out['platform/clusters/mgmt/helmrelease-ok.yaml'][0].spec.chart).toEqual({
      metadata: { labels: { 'sharding.fluxcd.io/key': 'shard1' } },
      spec: { chart: 'podinfo', version: '6.9.2', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } },
    });
  });
});
