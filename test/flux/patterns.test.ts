import { parse } from 'yaml';
import { optOutsOf, Repo } from '../../lib';
import { Environment, FluxBootstrap, Patches, SystemsSync, Tenant, TENANT_CLUSTER_ROLE, TenantClusterRole, tenantRoleRules } from '../../lib/flux';
import { fixture } from './helpers';
import { ENVIRONMENT_LABEL } from '../../lib/core/environment';
import { Testing } from '../../lib/testing';

describe('FluxBootstrap', () => {
  test('the flux-system GitRepository and Kustomization (gotk-sync), on the environment branch', () => {
    const { app, repo } = fixture({});
    const entry = repo.folder('clusters/dev');
    const boot = new FluxBootstrap(repo.folder('clusters/dev/flux-system'), 'flux', { repo, entry, environment: Environment.branch('dev') });
    expect(boot.sync.path).toBe('./clusters/dev');
    const out = Testing.render(app);
    expect(out['platform/clusters/dev/flux-system/gitrepository-flux-system.yaml'][0]).toEqual({
      apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'flux-system', namespace: 'flux-system', labels: { [ENVIRONMENT_LABEL]: 'dev' } },
      spec: { interval: '1m', ref: { branch: 'dev' }, secretRef: { name: 'flux-system' }, url: 'https://github.com/contoso/platform' },
    });
    expect(out['platform/clusters/dev/flux-system/kustomization-flux-system.yaml'][0]).toEqual({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'flux-system', namespace: 'flux-system', labels: { [ENVIRONMENT_LABEL]: 'dev' } },
      spec: { interval: '10m', path: './clusters/dev', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
    });
    expect(parse(app.renderToMemory().get('platform')!.get('clusters/dev/kustomization.yaml')!).resources).toEqual(['flux-system']);
  });

  test('errors', () => {
    const app = Testing.app();
    const noUrl = new Repo(app, 'nourl');
    const other = new Repo(app, 'other', { url: 'https://e.com/o' });
    expect(() => new FluxBootstrap(noUrl.folder('f'), 'b', { repo: noUrl, entry: noUrl.folder('c') })).toThrow('nourl/f/b: prop "url": is required: repo "nourl" has no url');
    expect(() => new FluxBootstrap(other.folder('f'), 'b', { repo: other, entry: noUrl.folder('d') })).toThrow('other/f/b: prop "entry": folder "d" is not in repo "other"');
  });
});

describe('Environment', () => {
  test('branch and overlay environments, promotions', () => {
    const dev = Environment.branch('dev');
    const test = Environment.branch('test');
    const prod = Environment.branch('prod', 'main', { patches: [Patches.replicas('Deployment', 'web', 3)] });
    expect(Environment.promotions([dev, test, prod])).toEqual([['dev', 'test'], ['test', 'main']]);
    expect(prod.kustomizationProps()).toEqual({
      patches: [{ patch: [{ op: 'replace', path: '/spec/replicas', value: 3 }], target: { kind: 'Deployment', name: 'web' } }],
      substitute: { environment: 'prod' },
      labels: { 'platform.cdk8s.io/environment': 'prod' },
    });
    expect(prod.kustomizationProps({ team: 'platform', [ENVIRONMENT_LABEL]: 'x' }).labels).toEqual({ team: 'platform', [ENVIRONMENT_LABEL]: 'prod' });
    expect(prod.labels).toEqual({ [ENVIRONMENT_LABEL]: 'prod' });
    const staging = Environment.overlay('staging', { substitute: { replicas: '2' } });
    expect(staging.isBranch).toBe(false);
    expect(staging.substitute).toEqual({ environment: 'staging', replicas: '2' });
    expect(() => Environment.promotions([dev, staging])).toThrow('Environment.promotions: "dev" and "staging" must both be branch environments');
    expect(() => Environment.branch('Prod')).toThrow('Environment: prop "name": "Prod" is invalid: must be a DNS label');
  });
});

describe('Tenant', () => {
  test('namespace, account, binding to the restricted role, source and Kustomization as the account, alert', () => {
    const { app, folder } = fixture({});
    const t = new Tenant(folder, 'team-a', {
      name: 'team-a', repository: { url: 'https://github.com/contoso/team-a' }, path: './deploy',
      alert: { secretRef: 'teams-webhook' },
    });
    const { addProvided } = require('../../lib');
    addProvided(folder, { apiGroup: '', kind: 'Secret', name: 'teams-webhook', namespace: 'team-a' });
    expect(t.clusterRole).toBe(TENANT_CLUSTER_ROLE);
    const out = Testing.render(app);
    const p = 'platform/clusters/mgmt/';
    expect(out[`${p}namespace-team-a.yaml`][0]).toEqual({
      apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: {
        'toolkit.fluxcd.io/tenant': 'team-a', 'platform.cdk8s.io/tenant-policy': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted',
      } },
    });
    expect(out[`${p}rolebinding-team-a-reconciler.yaml`][0].roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cdk8s-platform-tenant' });
    expect(out[`${p}clusterrole-cdk8s-platform-tenant.yaml`][0].rules).toEqual(tenantRoleRules());
    const ks = out[`${p}kustomization-team-a.yaml`][0];
    expect(ks.metadata.namespace).toBe('team-a');
    expect(ks.spec).toEqual({
      interval: '10m', path: './deploy', prune: true, serviceAccountName: 'team-a', targetNamespace: 'team-a', sourceRef: { kind: 'GitRepository', name: 'team-a' },
    });
    expect(out[`${p}gitrepository-team-a.yaml`][0].metadata.namespace).toBe('team-a');
    expect(out[`${p}provider-team-a.yaml`][0].spec).toEqual({ type: 'msteams', secretRef: { name: 'teams-webhook' } });
    expect(out[`${p}alert-team-a.yaml`][0].spec.eventSources).toEqual([{ kind: 'Kustomization', name: 'team-a' }, { kind: 'GitRepository', name: 'team-a' }]);
  });

  test('the default role writes Services (their type is left to the admission policy), not RBAC objects, and has no verbs on Secrets', () => {
    const writes = (rules: ReturnType<typeof tenantRoleRules>, group: string, resource: string) =>
      rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes('create'));
    expect(writes(tenantRoleRules(), '', 'services')).toBe(true);
    expect(writes(tenantRoleRules(), 'rbac.authorization.k8s.io', 'rolebindings')).toBe(false);
    expect(writes(tenantRoleRules(), 'apps', 'deployments')).toBe(true);
    expect(writes(tenantRoleRules({ allowServices: false }), '', 'services')).toBe(false);
    expect(tenantRoleRules().filter((r) => r.resources.includes('secrets'))).toEqual([]);
    const { folder } = fixture({});
    const role = new TenantClusterRole(folder, 'r', { allowServices: false });
    expect(optOutsOf(role)).toEqual([]);
  });

  test('cluster-admin only when passed explicitly, recorded as an opt-out; sources must be in the tenant namespace', () => {
    const { app, folder } = fixture({});
    const t = new Tenant(folder, 'ops', { name: 'ops', clusterRole: 'cluster-admin', repository: { url: 'https://e.com/ops' } });
    expect(optOutsOf(t)).toEqual([{ path: 'platform/clusters/mgmt/ops', setting: 'tenant.clusterRole', value: 'cluster-admin', reason: undefined }]);
    expect(Testing.synthProblems(app)).toEqual([]);
    const { GitRepository } = require('../../lib/flux');
    const shared = GitRepository.fromName(folder, 'shared', { name: 'shared', namespace: 'flux-system' });
    expect(() => new Tenant(folder, 'b', { name: 'b', repository: shared })).toThrow(
      'platform/clusters--mgmt/b: prop "repository": the source must be in the tenant namespace "b" (got "flux-system"): cross-namespace references are refused with --no-cross-namespace-refs',
    );
  });

  test('a ClusterRole the tenant defines must be a DNS subdomain (checked before it is a construct id); an existing one may have ":"', () => {
    const { app, folder } = fixture({});
    expect(() => new Tenant(folder, 'a', { name: 'a', clusterRole: 'a:', defineClusterRole: true, repository: { url: 'https://e.com/a' } })).toThrow(
      'platform/clusters--mgmt/a: prop "clusterRole": "a:" is invalid: must be a DNS subdomain (lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters)',
    );
    const t = new Tenant(folder, 'b', { name: 'b', clusterRole: 'system:aggregate-to-view', repository: { url: 'https://e.com/b' } });
    expect(t.clusterRole).toBe('system:aggregate-to-view');
    expect(Testing.synthProblems(app)).toEqual([
      'platform/clusters--mgmt/b/RoleBinding: prop "clusterRole": refers to ClusterRole/system:aggregate-to-view (rbac.authorization.k8s.io), which is not an object of the app; create it, or declare an existing one with the kind\'s fromName(...) import',
    ]);
  });

  test('a custom ClusterRole that is not in the app is an unresolved reference', () => {
    const { app, folder } = fixture({});
    new Tenant(folder, 'c', { name: 'c', clusterRole: 'team-role', repository: { url: 'https://e.com/c' } });
    expect(Testing.synthProblems(app)).toEqual([
      'platform/clusters--mgmt/c/RoleBinding: prop "clusterRole": refers to ClusterRole/team-role (rbac.authorization.k8s.io), which is not an object of the app; create it, or declare an existing one with the kind\'s fromName(...) import',
    ]);
  });
});

describe('SystemsSync', () => {
  test('one tenant per team, the tenant ClusterRole once, every Kustomization as its ServiceAccount', () => {
    const { app, folder } = fixture({});
    const sync = new SystemsSync(folder, 'systems', {
      teams: ['a', 'b', 'c'].map((n) => ({ name: `team-${n}`, repository: { url: `https://github.com/contoso/team-${n}` } })),
    });
    expect(sync.tenants.map((t) => t.kustomization.serviceAccountName)).toEqual(['team-a', 'team-b', 'team-c']);
    const out = Testing.render(app);
    const roles = Object.values(out).flat().filter((o) => o.kind === 'ClusterRole');
    expect(roles.map((r) => r.metadata.name)).toEqual(['cdk8s-platform-tenant']);
    const bindings = Object.values(out).flat().filter((o) => o.kind === 'RoleBinding');
    expect(bindings.map((b) => b.roleRef.name)).toEqual(['cdk8s-platform-tenant', 'cdk8s-platform-tenant', 'cdk8s-platform-tenant']);
    for (const k of Object.values(out).flat().filter((o) => o.apiVersion === 'kustomize.toolkit.fluxcd.io/v1')) expect(k.spec.serviceAccountName).toBe(k.metadata.namespace);
    expect(() => new SystemsSync(folder, 'dup', { teams: [{ name: 'x', repository: { url: 'https://e.com/x' } }, { name: 'x', repository: { url: 'https://e.com/x' } }] })).toThrow(
      'platform/clusters--mgmt/dup: prop "teams[1].name": "x" is used by another team',
    );
  });

  test('team names are checked before they become construct ids', () => {
    const { folder } = fixture({});
    const team = (name: string) => ({ name, repository: { url: `https://e.com/${name}` } });
    const rule = 'is invalid: must be a DNS label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters)';
    expect(() => new SystemsSync(folder, 'colon', { teams: [team('a'), team('a:b')] })).toThrow(`platform/clusters--mgmt/colon: prop "teams[1].name": "a:b" ${rule}`);
    expect(() => new SystemsSync(folder, 'empty', { teams: [team('')] })).toThrow(`platform/clusters--mgmt/empty: prop "teams[0].name": "" ${rule}`);
  });
});
