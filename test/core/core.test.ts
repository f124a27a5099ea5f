// Shared building blocks of every family: durations, prop errors, removal policies, references.
import { ApiObject, Duration } from 'cdk8s';
import {
  addProvided,
  addReference,
  applyRemovalPolicy,
  checkLabels,
  checkString,
  DNS_LABEL,
  Folder,
  GitOpsApp,
  goDuration,
  isStatefulKind,
  justifyOptOut,
  optOutsOf,
  recordOptOut,
  refOf,
  RemovalPolicy,
  removalPolicyOf,
  Repo,
  SynthError,
  wholeSeconds,
} from '../../lib';

function folder(): Folder {
  const app = new GitOpsApp({ outdir: '/nonexistent' });
  return new Repo(app, 'platform').folder('clusters/mgmt', { namespace: 'flux-system' });
}

describe('goDuration', () => {
  const f = folder();
  test.each([
    [Duration.minutes(10), '10m'],
    [Duration.seconds(90), '1m30s'],
    [Duration.hours(2), '2h'],
    [Duration.millis(1500), '1s500ms'],
    [Duration.minutes(61), '1h1m'],
    ['5m', '5m'],
    ['1h30m', '1h30m'],
    ['0.5s', '0.5s'],
  ])('%p → %s', (d, expected) => {
    expect(goDuration(f, 'interval', d as Duration | string)).toBe(expected);
  });

  test('rejects strings Flux would reject, and zero', () => {
    expect(() => goDuration(f, 'interval', '10 minutes')).toThrow(
      'platform/clusters--mgmt: prop "interval": "10 minutes" is not a Go duration such as "30s", "5m" or "1h30m"',
    );
    expect(() => goDuration(f, 'timeout', Duration.millis(0))).toThrow('prop "timeout": must be a positive whole number of milliseconds (got 0 ms)');
    expect(() => goDuration(f, 'interval', Duration.millis(1.5))).toThrow(
      'platform/clusters--mgmt: prop "interval": must be a positive whole number of milliseconds (got 1.5 ms)',
    );
  });

  test('fields without hours: Durations render in minutes, strings with hours are refused', () => {
    expect(goDuration(f, 'timeout', Duration.minutes(90), { maxUnit: 'm' })).toBe('90m');
    expect(() => goDuration(f, 'timeout', '1h', { maxUnit: 'm' })).toThrow(
      'platform/clusters--mgmt: prop "timeout": "1h" is not allowed: this field takes ms, s and m only (e.g. "90m")',
    );
  });

  test('wholeSeconds', () => {
    expect(wholeSeconds(f, 'nodeStartupTimeout', Duration.minutes(20))).toBe(1200);
    expect(() => wholeSeconds(f, 'nodeStartupTimeout', Duration.seconds(0.5))).toThrow(
      'platform/clusters--mgmt: prop "nodeStartupTimeout": must be a positive whole number of seconds (got 0.5 s)',
    );
  });
});

describe('checkString', () => {
  test('labels are checked like the API server does, naming the key', () => {
    const f = folder();
    expect(checkLabels(f, 'labels', { team: 'a' })).toEqual({ team: 'a' });
    expect(() => checkLabels(f, 'labels', { team: ':' })).toThrow(
      'platform/clusters--mgmt: prop "labels.team": invalid label value ":": must be empty or consist of alphanumerics',
    );
  });

  test('passes valid values and names construct, prop and rule otherwise', () => {
    const f = folder();
    expect(checkString(f, 'name', 'team-a', DNS_LABEL)).toBe('team-a');
    expect(() => checkString(f, 'name', 'Team_A', DNS_LABEL)).toThrow(
      `platform/clusters--mgmt: prop "name": "Team_A" is invalid: must be ${DNS_LABEL.description}`,
    );
  });
});

describe('RemovalPolicy', () => {
  const obj = (apiVersion: string, kind: string, policy: RemovalPolicy) => {
    const o = new ApiObject(folder(), 'o', { apiVersion, kind, metadata: { name: 'x' }, spec: {} });
    applyRemovalPolicy(o, policy);
    return o.toJson();
  };

  test('RETAIN: Flux prune disabled; Argo CD Delete=false,Prune=false; ASO detach-on-delete; Crossplane without Delete', () => {
    expect(obj('cluster.x-k8s.io/v1beta2', 'Cluster', RemovalPolicy.RETAIN).metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled',
    });
    expect(obj('dbforpostgresql.azure.com/v1api20240801', 'FlexibleServer', RemovalPolicy.RETAIN).metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled',
      'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete',
    });
    const xp = obj('azure.m.upbound.io/v1beta1', 'ResourceGroup', RemovalPolicy.RETAIN);
    expect(xp.spec.managementPolicies).toEqual(['Observe', 'Create', 'Update', 'LateInitialize']);
    expect(xp.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });

  test('DESTROY and SKIP', () => {
    expect(obj('resources.azure.com/v1api20200601', 'ResourceGroup', RemovalPolicy.DESTROY).metadata.annotations).toEqual({
      'serviceoperator.azure.com/reconcile-policy': 'manage',
    });
    expect(obj('resources.azure.com/v1api20200601', 'ResourceGroup', RemovalPolicy.SKIP).metadata.annotations).toEqual({
      'serviceoperator.azure.com/reconcile-policy': 'skip',
    });
    expect(obj('azure.upbound.io/v1beta1', 'ResourceGroup', RemovalPolicy.DESTROY).spec.managementPolicies).toEqual(['*']);
    expect(obj('azure.upbound.io/v1beta1', 'ResourceGroup', RemovalPolicy.SKIP).spec.managementPolicies).toEqual(['Observe']);
  });

  test('only the enum is accepted; the policy is remembered', () => {
    const o = new ApiObject(folder(), 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expect(() => applyRemovalPolicy(o, 'Retain' as RemovalPolicy)).toThrow(
      'platform/clusters--mgmt/o: prop "removalPolicy": "Retain" is not a RemovalPolicy (RETAIN, DESTROY or SKIP)',
    );
    applyRemovalPolicy(o, RemovalPolicy.DESTROY);
    expect(removalPolicyOf(o)).toBe(RemovalPolicy.DESTROY);
    expect(isStatefulKind('storage.azure.com/v1api20230101', 'StorageAccount')).toBe(true);
    expect(isStatefulKind('v1', 'ConfigMap')).toBe(false);
  });
});

describe('references', () => {
  test('resolve against objects of the same cluster and provided objects; others fail synth', () => {
    const app = new GitOpsApp({ outdir: '/nonexistent', validation: false });
    const repo = new Repo(app, 'platform');
    const mgmt = repo.folder('clusters/mgmt', { namespace: 'flux-system' });
    const other = repo.folder('infrastructure/dev', { cluster: 'dev', namespace: 'flux-system' });
    const cm = new ApiObject(mgmt, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    const user = new ApiObject(mgmt, 'user', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'user' } });
    addReference(user, 'valuesFrom[0]', refOf(cm));
    addProvided(mgmt, { apiGroup: '', kind: 'Secret', namespace: 'fleet', name: 'dev-kubeconfig' });
    addReference(user, 'kubeConfig', () => ({ apiGroup: '', kind: 'Secret', namespace: 'fleet', name: 'dev-kubeconfig' }));
    expect(() => app.renderToMemory()).not.toThrow();

    const remote = new ApiObject(other, 'remote', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'remote' } });
    addReference(remote, 'valuesFrom[0]', refOf(cm));
    addReference(remote, 'sourceRef', { apiGroup: 'source.toolkit.fluxcd.io', kind: 'GitRepository', namespace: 'flux-system', name: 'nope' });
    let err: SynthError | undefined;
    try {
      app.renderToMemory();
    } catch (e) {
      err = e as SynthError;
    }
    expect(err?.problems).toEqual([
      'platform/infrastructure--dev/remote: prop "sourceRef": refers to GitRepository/flux-system/nope (source.toolkit.fluxcd.io), which is not an object of the app applied to cluster "dev"; create it, or declare an existing one with the kind\'s fromName(...) import',
      'platform/infrastructure--dev/remote: prop "valuesFrom[0]": refers to ConfigMap/flux-system/settings, which is not an object of the app applied to cluster "dev"; create it, or declare an existing one with the kind\'s fromName(...) import',
    ]);
  });
});

describe('secure-baseline opt-outs', () => {
  test('are recorded per construct with their reasons', () => {
    const f = folder();
    recordOptOut(f, 'storage.allowSharedKeyAccess', 'true');
    justifyOptOut(f, 'storage.allowSharedKeyAccess', 'legacy SDK');
    recordOptOut(f, 'aks.disableLocalAccounts', 'false', 'break-glass');
    expect(optOutsOf(f)).toEqual([
      { path: 'platform/clusters/mgmt', setting: 'storage.allowSharedKeyAccess', value: 'true', reason: 'legacy SDK' },
      { path: 'platform/clusters/mgmt', setting: 'aks.disableLocalAccounts', value: 'false', reason: 'break-glass' },
    ]);
  });
});

describe('ExportedValue', () => {
  test('envValue switches the export on, reads the exact Secret key and records a reference', () => {
    const { ExportedValue } = require('../../lib') as typeof import('../../lib');
    const kplus = require('cdk8s-plus-28') as typeof import('cdk8s-plus-28');
    const app = new GitOpsApp({ outdir: '/nonexistent', validation: false });
    const apps = new Repo(app, 'apps').folder('web', { namespace: 'web' });
    let used = 0;
    const fqdn = new ExportedValue(() => ({ kind: 'Secret', name: 'db-secrets', namespace: 'web', key: 'fqdn' }), () => used++);
    const dep = new kplus.Deployment(apps, 'web', { metadata: { name: 'web' }, containers: [{ image: 'nginx', securityContext: { ensureNonRoot: false } }] });
    dep.containers[0].env.addVariable('DB_HOST', fqdn.envValue(dep));
    expect(used).toBe(1);
    expect(() => app.placedObjects()).toThrow(
      'apps/web/web: prop "env": refers to Secret/web/db-secrets, which is not an object of the app; create it, or declare an existing one',
    );
    addProvided(apps, fqdn.ref());
    const env = (app.placedObjects().find((p) => p.obj.kind === 'Deployment')!.obj as any).spec.template.spec.containers[0].env;
    expect(env).toEqual([{ name: 'DB_HOST', valueFrom: { secretKeyRef: { key: 'fqdn', name: 'db-secrets' } } }]);
  });
});
