// Equivalence with what the flux CLI writes for the same inputs (`flux create ... --export`,
// `flux bootstrap`'s gotk-sync.yaml) and with the upstream samples in the CRD mirror. The CLI
// prints durations in Go's long form (`1m0s`); we write the short form (`1m`): compared as
// durations. Deliberate differences are asserted explicitly.
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { FluxBootstrap, GitRepository, HelmRelease, HelmRepository, Kustomization, Tenant } from '../../lib/flux';
import { crdMirror } from '../validation/helpers';
import { fixture, goMs } from './helpers';
import { Testing } from '../../lib/testing';

function normalize(o: any): any {
  if (Array.isArray(o)) return o.map(normalize);
  if (o && typeof o === 'object') {
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, ['interval', 'timeout', 'retryInterval'].includes(k) && typeof v === 'string' ? goMs(v) : normalize(v)]));
  }
  return o;
}
const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean);

describe('flux CLI --export equivalence', () => {
  test('flux create source git podinfo --url=https://github.com/stefanprodan/podinfo --branch=master --interval=1m', () => {
    const cli = docs(`
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: master
  url: https://github.com/stefanprodan/podinfo
`)[0];
    const { app, folder } = fixture();
    new GitRepository(folder, 'src', { name: 'podinfo', url: 'https://github.com/stefanprodan/podinfo', ref: { branch: 'master' }, interval: '1m' });
    expect(normalize(Testing.render(app)['platform/clusters/mgmt/gitrepository-podinfo.yaml'][0])).toEqual(normalize(cli));
  });

  test('flux create kustomization podinfo --source=podinfo --path=./kustomize --prune=true --interval=5m --wait --health-check=Deployment/podinfo.default', () => {
    const cli = docs(`
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: podinfo
  namespace: flux-system
spec:
  healthChecks:
  - apiVersion: apps/v1
    kind: Deployment
    name: podinfo
    namespace: default
  interval: 5m0s
  path: ./kustomize
  prune: true
  sourceRef:
    kind: GitRepository
    name: podinfo
  wait: true
`)[0];
    const { app, folder } = fixture();
    const source = new GitRepository(folder, 'src', { name: 'podinfo', url: 'https://github.com/stefanprodan/podinfo' });
    new Kustomization(folder, 'ks', {
      name: 'podinfo', source, path: './kustomize', prune: true, interval: '5m', wait: true,
      healthChecks: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo', namespace: 'default' }],
    });
    expect(normalize(Testing.render(app)['platform/clusters/mgmt/kustomization-podinfo.yaml'][0])).toEqual(normalize(cli));
  });

  test('flux create helmrelease podinfo --source=HelmRepository/podinfo --chart=podinfo --chart-version=">4.0.0" (plus our remediation defaults)', () => {
    const cli = docs(`
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: flux-system
spec:
  chart:
    spec:
      chart: podinfo
      reconcileStrategy: ChartVersion
      sourceRef:
        kind: HelmRepository
        name: podinfo
      version: '>4.0.0'
  interval: 1m0s
`)[0];
    const { app, folder } = fixture();
    const repo = new HelmRepository(folder, 'repo', { name: 'podinfo', url: 'https://stefanprodan.github.io/podinfo' });
    new HelmRelease(folder, 'hr', { name: 'podinfo', chart: { repository: repo, chart: 'podinfo', version: '>4.0.0' }, interval: '1m' });
    const ours = Testing.render(app)['platform/clusters/mgmt/helmrelease-podinfo.yaml'][0];
    // Deliberate differences: install/upgrade remediation on by default; reconcileStrategy left to its CRD default (ChartVersion).
    const { install, upgrade, ...spec } = ours.spec;
    expect(install).toEqual({ remediation: { retries: 3 } });
    expect(upgrade).toEqual({ remediation: { retries: 3, remediateLastFailure: true } });
    const { reconcileStrategy, ...cliChartSpec } = cli.spec.chart.spec;
    expect(reconcileStrategy).toBe('ChartVersion');
    expect(normalize({ ...ours, spec })).toEqual(normalize({ ...cli, spec: { ...cli.spec, chart: { spec: cliChartSpec } } }));
  });

  test('flux create tenant dev-team --with-namespace=apps: same objects, but never bound to cluster-admin, namespace labelled for the Service policy and Pod Security', () => {
    const cli = docs(`
---
apiVersion: v1
kind: Namespace
metadata:
  labels:
    toolkit.fluxcd.io/tenant: dev-team
  name: apps
---
apiVersion: v1
kind: ServiceAccount
metadata:
  labels:
    toolkit.fluxcd.io/tenant: dev-team
  name: dev-team
  namespace: apps
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  labels:
    toolkit.fluxcd.io/tenant: dev-team
  name: dev-team-reconciler
  namespace: apps
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: User
  name: gotk:apps:reconciler
- kind: ServiceAccount
  name: dev-team
  namespace: apps
`);
    const { app, folder } = fixture({});
    new Tenant(folder, 't', { name: 'dev-team', namespace: 'apps', repository: { url: 'https://github.com/contoso/dev-team' } });
    const out = Testing.render(app);
    const p = 'platform/clusters/mgmt/';
    // Deliberate differences: the label the tenant Service policy selects namespaces by, and Pod Security.
    const {
      'platform.cdk8s.io/tenant-policy': policyLabel,
      'pod-security.kubernetes.io/enforce': enforce,
      'pod-security.kubernetes.io/warn': warn,
      'pod-security.kubernetes.io/audit': audit,
      ...labels
    } = out[`${p}namespace-apps.yaml`][0].metadata.labels!;
    expect([policyLabel, enforce, warn, audit]).toEqual(['restricted', 'baseline', 'restricted', 'restricted']);
    expect({ ...out[`${p}namespace-apps.yaml`][0], metadata: { ...out[`${p}namespace-apps.yaml`][0].metadata, labels } }).toEqual(cli[0]);
    // And the guardrail label on the reconciler's account (the tenant may write ServiceAccounts).
    const { 'platform.cdk8s.io/guardrail': guardrail, ...saLabels } = out[`${p}serviceaccount-dev-team.yaml`][0].metadata.labels!;
    expect(guardrail).toBe('tenant');
    expect({ ...out[`${p}serviceaccount-dev-team.yaml`][0], metadata: { ...out[`${p}serviceaccount-dev-team.yaml`][0].metadata, labels: saLabels } }).toEqual(cli[1]);
    const binding = out[`${p}rolebinding-dev-team-reconciler.yaml`][0];
    // The deliberate differences: the restricted tenant role instead of cluster-admin, and Flux's
    // force annotation (the API server refuses changing roleRef: a changed role recreates the binding).
    expect(binding.roleRef.name).toBe('cdk8s-platform-tenant');
    const { annotations, ...metadata } = binding.metadata;
    expect(annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/force': 'enabled' });
    expect({ ...binding, metadata, roleRef: { ...binding.roleRef, name: 'cluster-admin' } }).toEqual(cli[2]);
  });

  test('flux bootstrap gotk-sync.yaml', () => {
    const cli = docs(`
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: main
  secretRef:
    name: flux-system
  url: ssh://git@github.com/contoso/platform
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m0s
  path: ./clusters/my-cluster
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`);
    const { app, repo } = fixture({});
    new FluxBootstrap(repo.folder('clusters/my-cluster/flux-system'), 'flux', { repo, entry: repo.folder('clusters/my-cluster'), url: 'ssh://git@github.com/contoso/platform' });
    const out = Testing.render(app);
    expect(normalize(out['platform/clusters/my-cluster/flux-system/gitrepository-flux-system.yaml'][0])).toEqual(normalize(cli[0]));
    expect(normalize(out['platform/clusters/my-cluster/flux-system/kustomization-flux-system.yaml'][0])).toEqual(normalize(cli[1]));
  });
});

describe('upstream samples (CRD mirror)', () => {
  const samples = path.join(crdMirror(), 'flux', 'examples', 'kustomize-controller', 'config', 'samples');

  test('kustomize-controller samples: webapp-latest GitRepository and webapp-dev Kustomization', () => {
    const [webappLatest] = docs(fs.readFileSync(path.join(samples, 'source_v1_gitrepository.yaml'), 'utf8'));
    const [webappDev] = docs(fs.readFileSync(path.join(samples, 'kustomize_v1_kustomization.yaml'), 'utf8'));
    const { app, repo } = fixture({});
    const folder = repo.folder('samples');
    const source = new GitRepository(folder, 'src', { name: 'webapp-latest', url: 'https://github.com/stefanprodan/podinfo', ref: { branch: 'master' }, interval: '1m' });
    new Kustomization(folder, 'ks', { name: 'webapp-dev', source, path: './deploy/webapp/', prune: true, interval: '5m', wait: true, timeout: '2m' });
    const out = Testing.render(app);
    const strip = (o: any) => ({ ...o, metadata: { name: o.metadata.name } });
    expect(strip(out['platform/samples/gitrepository-webapp-latest.yaml'][0])).toEqual(webappLatest);
    expect(strip(out['platform/samples/kustomization-webapp-dev.yaml'][0])).toEqual(webappDev);
  });
});
