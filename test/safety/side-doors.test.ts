// Issue 15: no side door around the destroy guard. Scoped allow ids, Namespaces checked across
// repos, Flux Kustomizations that would prune protected objects (removed, re-pointed, narrowed,
// objects moved between them, remote-cluster hydration, files their source now leaves out of its
// artifact), Crossplane composite resources.
import { handWrittenCluster } from '../support/clusters';
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { applyRemovalPolicy, declarePreinstalled, GitOpsApp, Preinstalled, RemovalPolicy, Repo, SynthError } from '../../lib';
import { AsoCredential } from '../../lib/aso';
import { AksNodePoolMode } from '../../lib/aso/aks';
import { SEALED_CIPHERTEXT } from '../support/ciphertext';
import { AksCluster, CapiCluster } from '../../lib/capi';
import { CompositeResourceDefinition, Composition, Schema } from '../../lib/crossplane';
import { ArtifactGenerator, FluxBootstrap, GitRepository, HelmRelease, HelmRepository, Kustomization, OCIRepository, RemoteClusterHydration } from '../../lib/flux';
import { blockedMessage, formatPlan } from '../../lib/safety';
import { Testing } from '../../lib/testing';
import { tmp } from './helpers';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../support/kubeconfig-access';

const hint = (id: string) => `To allow it, add '${id}' to the GitOpsApp prop allowDestroy or pass --allow-destroy ${id}`;
const SERVER = { apiVersion: 'dbforpostgresql.azure.com/v1api20240801', kind: 'FlexibleServer', metadata: { name: 'orders' }, spec: {} };
const RG = (name: string) => ({ apiVersion: 'resources.azure.com/v1api20200601', kind: 'ResourceGroup', metadata: { name }, spec: { location: 'westeurope' } });

function newApp(out: string, allowDestroy?: string[]): GitOpsApp {
  const app = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false, allowDestroy });
  // The guard is under test, not the apply order: the fixtures' controllers and namespaces are there.
  declarePreinstalled(app, Preinstalled.ASO, Preinstalled.CAPI_CLUSTER_TOPOLOGY, Preinstalled.CAPZ, Preinstalled.CROSSPLANE, Preinstalled.of('fixtures', ['platform.contoso.com'], ['team', 'fleet', 'apps', 'data']));
  return app;
}

/**
 * A stateful object with removal policy DESTROY: the guard's mechanics (Flux prunes, scoped ids)
 * are tested on objects nothing retains (a raw one would be retained by default, and Flux does not
 * prune those).
 */
function unretained<T extends ApiObject>(obj: T): T {
  applyRemovalPolicy(obj, RemovalPolicy.DESTROY);
  return obj;
}

function problems(f: () => void): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof SynthError) return [...e.problems];
    throw e;
  }
  throw new Error('no SynthError');
}

describe('scoped allow ids', () => {
  /** One repo, the same ResourceGroup team/rg-team in clusters aks-dev and aks-prod. */
  const build = (out: string, o: { dev?: boolean; prod?: boolean; allow?: string[] }) => {
    const app = newApp(out, o.allow);
    const repo = new Repo(app, 'platform');
    const dev = repo.folder('clusters/aks-dev', { cluster: 'aks-dev', namespace: 'team' });
    const prod = repo.folder('clusters/aks-prod', { cluster: 'aks-prod', namespace: 'team' });
    for (const [f, keep] of [[dev, o.dev ?? true], [prod, o.prod ?? true]] as const) {
      new ApiObject(f, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } } as any);
      if (keep) unretained(new ApiObject(f, 'rg', RG('rg-team')));
    }
    return app;
  };

  test('an unscoped id that names objects in two clusters is an error naming the one the change removes', () => {
    const out = tmp();
    build(out, {}).synth();
    expect(problems(() => build(out, { dev: false, allow: ['ResourceGroup/team/rg-team'] }).synth())).toEqual([
      'allowDestroy: "ResourceGroup/team/rg-team" is ambiguous: it names 2 objects, and this change removes platform:aks-dev:ResourceGroup/team/rg-team: ' +
        'allow it by its scoped id (<repo>:<cluster>:Kind/namespace/name)',
    ]);
  });

  test('an allow id that allows nothing in this change is a warning (left over, or mistyped); one that allows a deletion is not', () => {
    const out = tmp();
    build(out, {}).synth();
    const used = 'platform:aks-dev:ResourceGroup/team/rg-team';
    const stale = 'platform:aks-prod:ResourceGroup/team/rg-temp';
    const plan = build(out, { dev: false, allow: [used, stale] }).plan();
    expect(plan.blocked).toEqual([]);
    expect(plan.warnings).toEqual([`allowDestroy "${stale}" allows no deletion, rename or prune in this change; remove it, so that it cannot allow a later one unnoticed`]);
    expect(formatPlan(plan)).toContain(`\nwarning: allowDestroy "${stale}" allows no deletion`);
    // The synth writes and says so on stderr.
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      build(out, { dev: false, allow: [used, stale] }).synth();
      expect(stderr.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('warning'))).toEqual([
        `cdk8s-platform: warning: allowDestroy "${stale}" allows no deletion, rename or prune in this change; remove it, so that it cannot allow a later one unnoticed\n`,
      ]);
    } finally {
      stderr.mockRestore();
    }
    // Nothing to delete any more: the used one is left over now.
    expect(build(out, { dev: false, allow: [used] }).plan().warnings).toEqual([`allowDestroy "${used}" allows no deletion, rename or prune in this change; remove it, so that it cannot allow a later one unnoticed`]);
  });

  test('an ambiguous id naming many objects lists five of them (a fleet has one per cluster)', () => {
    const out = tmp();
    const many = (allow?: string[]) => {
      const app = newApp(out, allow);
      const repo = new Repo(app, 'platform');
      for (let i = 0; i < 7; i++) new ApiObject(repo.folder(`clusters/c${i}`, { cluster: `c${i}`, namespace: 'team' }), 'rg', RG('rg-team'));
      return app;
    };
    many().synth();
    expect(problems(() => many(['ResourceGroup/team/rg-team']).synth())).toEqual([
      'allowDestroy: "ResourceGroup/team/rg-team" is ambiguous: it names 7 objects (platform:c0:ResourceGroup/team/rg-team, platform:c1:ResourceGroup/team/rg-team, ' +
        'platform:c2:ResourceGroup/team/rg-team, platform:c3:ResourceGroup/team/rg-team, platform:c4:ResourceGroup/team/rg-team, and 2 more); ' +
        'allow one of them by its scoped id <repo>:<cluster>:Kind/namespace/name',
    ]);
  });

  test('an ambiguous unscoped id is an error also when the synth changes nothing', () => {
    const out = tmp();
    build(out, {}).synth();
    expect(problems(() => build(out, { allow: ['ResourceGroup/team/rg-team'] }).synth())).toEqual([
      'allowDestroy: "ResourceGroup/team/rg-team" is ambiguous: it names 2 objects (platform:aks-dev:ResourceGroup/team/rg-team, platform:aks-prod:ResourceGroup/team/rg-team); ' +
        'allow one of them by its scoped id <repo>:<cluster>:Kind/namespace/name',
    ]);
  });

  test('a scoped id allows the deletion in its repo and cluster only', () => {
    const out = tmp();
    build(out, {}).synth();
    // Allowed for aks-dev; the aks-prod one stays blocked.
    expect(problems(() => build(out, { dev: false, prod: false, allow: ['platform:aks-dev:ResourceGroup/team/rg-team'] }).synth())).toEqual([
      'platform/clusters--aks-prod/rg (platform/clusters/aks-prod/resourcegroup-rg-team.yaml): ResourceGroup/team/rg-team would be deleted, but it is protected: ' +
        `stateful kind resources.azure.com/ResourceGroup. ${hint('platform:aks-prod:ResourceGroup/team/rg-team')}`,
    ]);
    const result = build(out, { dev: false, allow: ['platform:aks-dev:ResourceGroup.resources.azure.com/team/rg-team'] }).synthesize();
    expect(result.repos[0].changes.deleted).toEqual(['clusters/aks-dev/resourcegroup-rg-team.yaml']);
  });

  test('a folder no longer in the app keeps the scoped id it had (the manifest records its cluster); in a tree written before that, its path stands for the cluster', () => {
    const out = tmp();
    build(out, {}).synth();
    const without = (allow?: string[]) => {
      const app = newApp(out, allow);
      new ApiObject(new Repo(app, 'platform').folder('clusters/aks-prod', { cluster: 'aks-prod', namespace: 'team' }), 'rg', RG('rg-team'));
      return app;
    };
    expect(problems(() => without().synth())).toEqual([
      'platform/clusters--aks-dev/rg (platform/clusters/aks-dev/resourcegroup-rg-team.yaml): ResourceGroup/team/rg-team would be deleted, but it is protected: ' +
        `stateful kind resources.azure.com/ResourceGroup. ${hint('platform:aks-dev:ResourceGroup/team/rg-team')}`,
    ]);
    // The id it had before the change allows it.
    const manifestFile = path.join(out, 'platform', '.cdk8s-platform.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    expect(without(['platform:aks-dev:ResourceGroup/team/rg-team']).plan().blocked).toEqual([]);
    // Written before manifests recorded clusters.
    delete manifest.clusters;
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    expect(problems(() => without().synth())).toEqual([
      'platform/clusters--aks-dev/rg (platform/clusters/aks-dev/resourcegroup-rg-team.yaml): ResourceGroup/team/rg-team would be deleted, but it is protected: ' +
        `stateful kind resources.azure.com/ResourceGroup. ${hint('platform:clusters/aks-dev:ResourceGroup/team/rg-team')}`,
    ]);
  });
});

describe('Namespaces are checked against every repo of the app', () => {
  test('a Namespace holding retained objects is retained too (in any repo): its deletion would take them along; a policy or marker of its own wins', () => {
    const out = tmp();
    const app = newApp(out);
    const platform = new Repo(app, 'platform');
    const namespaces = platform.folder('namespaces');
    const ns = (name: string) => new ApiObject(namespaces, name, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    ns('team');
    ns('data');
    applyRemovalPolicy(ns('fleet'), RemovalPolicy.DESTROY);
    ns('apps').metadata.addAnnotation('kustomize.toolkit.fluxcd.io/prune', 'enabled');
    ns('empty');
    // Retained: a raw stateful object (RETAIN by default), in another repo; DESTROY objects do not count.
    new ApiObject(new Repo(app, 'team-a').folder('dbs', { namespace: 'team' }), 'db', SERVER);
    unretained(new ApiObject(platform.folder('data', { namespace: 'data' }), 'rg', RG('rg-data')));
    new ApiObject(platform.folder('fleet', { namespace: 'fleet' }), 'rg', RG('rg-fleet'));
    new ApiObject(platform.folder('apps', { namespace: 'apps' }), 'rg', RG('rg-apps'));
    const kept = new ApiObject(platform.folder('empty', { namespace: 'empty' }), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept' } });
    kept.metadata.addAnnotation('argocd.argoproj.io/sync-options', 'Prune=false');
    const rendered = Testing.render(app);
    const annotations = (name: string) => rendered[`platform/namespaces/namespace-${name}.yaml`][0].metadata.annotations;
    expect(annotations('team')).toEqual({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(annotations('data')).toBeUndefined();
    expect(annotations('fleet')).toBeUndefined();
    expect(annotations('apps')).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'enabled' });
    // Prune=false alone: Argo CD still deletes the object with its Application, so does a Namespace's deletion.
    expect(annotations('empty')).toBeUndefined();
  });

  test('which objects make a Namespace retained: on its cluster, namespaced, through an Overlay\'s namespace; other sync options stay', () => {
    const app = newApp(tmp());
    const platform = new Repo(app, 'platform');
    const namespaces = platform.folder('namespaces');
    const ns = (name: string) => new ApiObject(namespaces, name, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    ns('remote');
    ns('scoped');
    ns('overlaid');
    ns('ssa').metadata.addAnnotation('argocd.argoproj.io/sync-options', 'ServerSideApply=true');
    // A retained object in a namespace of that name on another cluster.
    new ApiObject(platform.folder('infrastructure/dev', { namespace: 'remote', cluster: 'dev' }), 'rg', RG('rg-remote'));
    // A cluster-scoped object in a folder with that namespace.
    applyRemovalPolicy(new ApiObject(platform.folder('rbac', { namespace: 'scoped' }), 'role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' } }), RemovalPolicy.RETAIN);
    // A retained object an Overlay applies in its namespace.
    const base = platform.folder('apps/base', { namespace: 'base-ns' });
    new ApiObject(base, 'rg', RG('rg-base'));
    platform.overlay('apps/overlaid', { base, namespace: 'overlaid' });
    // The usual base: objects written without a namespace, the Overlay gives them theirs.
    ns('overlaid-bare');
    const bare = platform.folder('apps/bare-base');
    new ApiObject(bare, 'rg', RG('rg-bare'));
    platform.overlay('apps/overlaid-bare', { base: bare, namespace: 'overlaid-bare' });
    new ApiObject(platform.folder('ssa-objects', { namespace: 'ssa' }), 'rg', RG('rg-ssa'));
    declarePreinstalled(app, Preinstalled.of('more', [], ['remote', 'scoped', 'overlaid', 'overlaid-bare', 'ssa', 'base-ns']));
    const rendered = Testing.render(app);
    const annotations = (name: string) => rendered[`platform/namespaces/namespace-${name}.yaml`][0].metadata.annotations;
    expect(annotations('remote')).toBeUndefined();
    expect(annotations('scoped')).toBeUndefined();
    expect(annotations('overlaid')).toEqual({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(annotations('overlaid-bare')).toEqual({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(annotations('ssa')).toEqual({ 'argocd.argoproj.io/sync-options': 'ServerSideApply=true,Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });

  test('a Secret a controller needs to delete or reconcile what it manages is retained: ASO credentials (credential-from, else the namespace\'s aso-credential), Secrets a retained ASO resource reads, CAPZ and Crossplane credentials; on its cluster; a policy or marker of its own wins', () => {
    const app = newApp(tmp());
    const platform = new Repo(app, 'platform');
    const data = platform.folder('data', { namespace: 'data' });
    const credential = new AsoCredential(data, 'credential', {
      name: 'aso-credential-data',
      encryptedData: { AZURE_SUBSCRIPTION_ID: SEALED_CIPHERTEXT, AZURE_TENANT_ID: SEALED_CIPHERTEXT, AZURE_CLIENT_ID: SEALED_CIPHERTEXT, USE_WORKLOAD_IDENTITY_AUTH: SEALED_CIPHERTEXT },
    });
    // A resource ASO deletes (DESTROY) still needs its credential to delete it.
    const rg = unretained(new ApiObject(data, 'rg', RG('rg-data')));
    rg.metadata.addAnnotation('serviceoperator.azure.com/credential-from', credential.secretName);
    // Without credential-from, ASO reads the namespace's aso-credential.
    const other = platform.folder('other', { namespace: 'other' });
    unretained(new ApiObject(other, 'rg', RG('rg-other')));
    const secret = (folder: Construct, name: string, namespace?: string) =>
      new ApiObject(folder, `secret-${name}-${namespace ?? ''}`, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque' });
    secret(other, 'aso-credential');
    // A retained server reads its administrator password on every reconcile; a DESTROY one's is not kept.
    new ApiObject(data, 'db', { ...SERVER, spec: { administratorLoginPassword: { name: 'db-admin', key: 'password' }, operatorSpec: { secrets: { fqdn: { name: 'db-exports', key: 'fqdn' } } } } });
    secret(data, 'db-admin');
    secret(data, 'db-exports');
    unretained(new ApiObject(other, 'db', { ...SERVER, spec: { administratorLoginPassword: { name: 'other-admin', key: 'password' } } }));
    secret(other, 'other-admin');
    // CAPZ's identity secret and a Crossplane ProviderConfig's credentials, in the namespaces they name.
    const system = platform.folder('system', { namespace: 'capz-system' });
    new ApiObject(system, 'identity', { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'AzureClusterIdentity', metadata: { name: 'sp' }, spec: { type: 'ServicePrincipal', clientSecret: { name: 'sp-secret', namespace: 'capz-system' } } });
    secret(system, 'sp-secret');
    new ApiObject(system, 'pc', { apiVersion: 'azure.upbound.io/v1beta1', kind: 'ProviderConfig', metadata: { name: 'default' }, spec: { credentials: { source: 'Secret', secretRef: { name: 'azure-creds', namespace: 'crossplane-system', key: 'credentials' } } } });
    secret(platform.folder('crossplane', { namespace: 'crossplane-system' }), 'azure-creds');
    // The same names on another cluster, and a Secret with a policy of its own.
    secret(platform.folder('remote', { namespace: 'data', cluster: 'dev' }), 'aso-credential-data');
    const explicit = platform.folder('explicit', { namespace: 'explicit' });
    applyRemovalPolicy(secret(explicit, 'aso-credential'), RemovalPolicy.DESTROY);
    unretained(new ApiObject(explicit, 'rg', RG('rg-explicit')));
    declarePreinstalled(app, Preinstalled.of('more', [], ['other', 'explicit', 'capz-system', 'crossplane-system']));
    const rendered = Testing.render(app);
    const annotations = (file: string) => rendered[file][0].metadata.annotations;
    const RETAINED = { 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
    expect(annotations('platform/data/sealedsecret-aso-credential-data.yaml')).toEqual(RETAINED);
    expect(annotations('platform/other/secret-aso-credential.yaml')).toEqual(RETAINED);
    expect(annotations('platform/data/secret-db-admin.yaml')).toEqual(RETAINED);
    expect(annotations('platform/data/secret-db-exports.yaml')).toBeUndefined();
    expect(annotations('platform/other/secret-other-admin.yaml')).toBeUndefined();
    expect(annotations('platform/system/secret-sp-secret.yaml')).toEqual(RETAINED);
    expect(annotations('platform/crossplane/secret-azure-creds.yaml')).toEqual(RETAINED);
    expect(annotations('platform/remote/secret-aso-credential-data.yaml')).toBeUndefined();
    expect(annotations('platform/explicit/secret-aso-credential.yaml')).toBeUndefined();
  });

  test('an L1 or raw node pool of a retained cluster is retained with it (ASO owner, upjet kubernetesClusterIdRef); not of a DESTROY cluster or one of another namespace; a decision of its own wins', () => {
    const app = newApp(tmp());
    const platform = new Repo(app, 'platform');
    const apps = platform.folder('apps', { namespace: 'apps' });
    const data = platform.folder('data', { namespace: 'data' });
    const aks = (folder: Construct, name: string) => new ApiObject(folder, `aks-${name}`, { apiVersion: 'containerservice.azure.com/v1api20250801', kind: 'ManagedCluster', metadata: { name }, spec: { location: 'westeurope' } });
    const pool = (folder: Construct, name: string, owner: string) => new ApiObject(folder, `pool-${name}`, { apiVersion: 'containerservice.azure.com/v1api20250801', kind: 'ManagedClustersAgentPool', metadata: { name }, spec: { owner: { name: owner }, vmSize: 'Standard_D4s_v5' } });
    aks(apps, 'kept');
    unretained(aks(apps, 'gone'));
    pool(apps, 'kept-user', 'kept');
    pool(apps, 'gone-user', 'gone');
    pool(data, 'elsewhere', 'kept');
    applyRemovalPolicy(pool(apps, 'kept-gpu', 'kept'), RemovalPolicy.DESTROY);
    pool(apps, 'kept-manage', 'kept').metadata.addAnnotation('serviceoperator.azure.com/reconcile-policy', 'manage');
    new ApiObject(apps, 'xaks', { apiVersion: 'containerservice.azure.m.upbound.io/v1beta1', kind: 'KubernetesCluster', metadata: { name: 'xkept' }, spec: { forProvider: { location: 'westeurope' } } });
    new ApiObject(apps, 'xpool', { apiVersion: 'containerservice.azure.m.upbound.io/v1beta1', kind: 'KubernetesClusterNodePool', metadata: { name: 'xuser' }, spec: { forProvider: { vmSize: 'Standard_D4s_v5', kubernetesClusterIdRef: { name: 'xkept' } } } });
    const rendered = Testing.render(app);
    const doc = (file: string) => rendered[`platform/${file}`][0];
    const RETAINED = { 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
    expect(doc('apps/managedclustersagentpool-kept-user.yaml').metadata.annotations).toEqual({ ...RETAINED, 'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete' });
    expect(doc('apps/managedclustersagentpool-gone-user.yaml').metadata.annotations).toBeUndefined();
    expect(doc('data/managedclustersagentpool-elsewhere.yaml').metadata.annotations).toBeUndefined();
    expect(doc('apps/managedclustersagentpool-kept-gpu.yaml').metadata.annotations).toEqual({ 'serviceoperator.azure.com/reconcile-policy': 'manage' });
    expect(doc('apps/managedclustersagentpool-kept-manage.yaml').metadata.annotations).toEqual({ 'serviceoperator.azure.com/reconcile-policy': 'manage' });
    expect(doc('apps/kubernetesclusternodepool-xuser.yaml').metadata.annotations).toEqual(RETAINED);
    expect(doc('apps/kubernetesclusternodepool-xuser.yaml').spec.managementPolicies).toEqual(['Observe', 'Create', 'Update', 'LateInitialize']);
  });

  test('what applies to a retained CAPI cluster through its kubeconfig is retained with it (Kustomizations default to deletionPolicy Orphan); not for a DESTROY cluster, another namespace or cluster; a policy of its own wins', () => {
    const app = newApp(tmp());
    const repo = new Repo(app, 'platform', { url: 'https://example.com/platform' });
    repo.addUserOwnedPath('apps');
    const mgmt = repo.folder('clusters/mgmt', { namespace: 'fleet' });
    const source = new GitRepository(mgmt, 'source', { name: 'platform', repo });
    const charts = new HelmRepository(mgmt, 'charts', { name: 'charts', url: 'https://charts.example.com' });
    const capi = (name: string) => new ApiObject(mgmt, `cluster-${name}`, { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name }, spec: {} });
    capi('kept');
    applyRemovalPolicy(capi('gone'), RemovalPolicy.DESTROY);
    const hydrate = (id: string, cluster: string, namespace = 'fleet', props: Record<string, unknown> = {}) =>
      new Kustomization(mgmt, id, {
        name: id, namespace, source, path: './apps', prune: true, ...props,
        // in another namespace: a cluster of the same name owned elsewhere
        kubeConfig: namespace === 'fleet' ? handWrittenCluster(mgmt, cluster, namespace) : CapiCluster.fromName(mgmt, `${id}-cluster`, { name: cluster, namespace }),
      });
    hydrate('kept-apps', 'kept');
    hydrate('kept-mirror', 'kept', 'fleet', { deletionPolicy: 'MirrorPrune' });
    hydrate('kept-destroy', 'kept', 'fleet', { removalPolicy: RemovalPolicy.DESTROY });
    hydrate('gone-apps', 'gone');
    hydrate('elsewhere', 'kept', 'other');
    new HelmRelease(mgmt, 'cni', { name: 'kept-cni', chart: { repository: charts, chart: 'cni' }, kubeConfig: handWrittenCluster(mgmt, 'kept', 'fleet') });
    // A raw Kustomization naming the Secret; the same cluster name on another management cluster.
    new ApiObject(mgmt, 'raw', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'raw' }, spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'platform' }, kubeConfig: { secretRef: { name: 'kept-kubeconfig', key: 'value' } } } });
    new ApiObject(repo.folder('clusters/other', { namespace: 'fleet', cluster: 'other' }), 'raw', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'raw' }, spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'platform' }, kubeConfig: { secretRef: { name: 'kept-kubeconfig', key: 'value' } } } });
    declarePreinstalled(app, Preinstalled.FLUX, Preinstalled.of('more', [], ['other']));
    const rendered = Testing.render(app);
    const doc = (file: string) => rendered[`platform/clusters/${file}`][0];
    const RETAINED = { 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
    expect(doc('mgmt/kustomization-kept-apps.yaml').metadata.annotations).toEqual(RETAINED);
    expect(doc('mgmt/kustomization-kept-apps.yaml').spec.deletionPolicy).toBe('Orphan');
    expect(doc('mgmt/kustomization-kept-mirror.yaml').metadata.annotations).toEqual(RETAINED);
    expect(doc('mgmt/kustomization-kept-mirror.yaml').spec.deletionPolicy).toBe('MirrorPrune');
    expect(doc('mgmt/kustomization-kept-destroy.yaml').metadata.annotations).toBeUndefined();
    expect(doc('mgmt/kustomization-kept-destroy.yaml').spec.deletionPolicy).toBeUndefined();
    expect(doc('mgmt/kustomization-gone-apps.yaml').metadata.annotations).toBeUndefined();
    expect(doc('mgmt/kustomization-elsewhere.yaml').metadata.annotations).toBeUndefined();
    expect(doc('mgmt/helmrelease-kept-cni.yaml').metadata.annotations).toEqual(RETAINED);
    expect(doc('mgmt/kustomization-raw.yaml').metadata.annotations).toEqual(RETAINED);
    expect(doc('other/kustomization-raw.yaml').metadata.annotations).toBeUndefined();
  });

  test('a Flux Kustomization\'s targetNamespace: the retained objects of the folders it builds are held there (construct, raw object, through an Overlay); a policy or marker of its own wins', () => {
    const app = newApp(tmp());
    const platform = new Repo(app, 'platform');
    const team = new Repo(app, 'team-a', { url: 'https://github.com/contoso/team-a.git' });
    const mgmt = platform.folder('clusters/mgmt', { namespace: 'flux-system' });
    const source = GitRepository.fromName(mgmt, 'source', { name: 'flux-system', namespace: 'flux-system' });
    const namespaces = platform.folder('namespaces');
    const ns = (name: string) => new ApiObject(namespaces, name, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    for (const name of ['data', 'quiet', 'scoped', 'overlaid-t', 'raw', 'patched', 'unbuilt']) ns(name);
    applyRemovalPolicy(ns('explicit'), RemovalPolicy.DESTROY);
    ns('marked').metadata.addAnnotation('kustomize.toolkit.fluxcd.io/prune', 'enabled');
    const ks = (id: string, folder: ReturnType<Repo['folder']>, targetNamespace: string) =>
      Kustomization.forFolder(mgmt, id, folder, { name: id, source, prune: true, targetNamespace });
    // The retained server (raw stateful: RETAIN by default) is written without a namespace, in a
    // sub-folder of the folder built: only the targetNamespace puts it in one.
    const apps = platform.folder('apps');
    new ApiObject(apps, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    new ApiObject(platform.folder('apps/db'), 'db', SERVER);
    ks('apps', apps, 'data');
    // Nothing retained in the build.
    const web = platform.folder('web');
    new ApiObject(web, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' } });
    ks('web', web, 'quiet');
    // Only a cluster-scoped retained object.
    const rbac = platform.folder('rbac');
    applyRemovalPolicy(new ApiObject(rbac, 'role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' } }), RemovalPolicy.RETAIN);
    ks('rbac', rbac, 'scoped');
    // An Overlay building a base that holds a retained object.
    const base = platform.folder('bases/db');
    new ApiObject(base, 'rg', RG('rg-base'));
    ks('overlaid', platform.overlay('overlays/db', { base }), 'overlaid-t');
    // Namespaces with a decision of their own.
    const own = platform.folder('own');
    new ApiObject(own, 'rg', RG('rg-own'));
    ks('explicit', own, 'explicit');
    const marked = platform.folder('marked');
    new ApiObject(marked, 'rg', RG('rg-marked'));
    ks('marked', marked, 'marked');
    // A raw Kustomization whose raw GitRepository fetches another repo of the app (by its URL).
    new ApiObject(team.folder('dbs'), 'rg', RG('rg-team'));
    new ApiObject(mgmt, 'team-source', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'team-a' }, spec: { interval: '10m', url: 'ssh://git@github.com/contoso/team-a', ref: { branch: 'main' } } });
    new ApiObject(mgmt, 'team-ks', {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'team-a' },
      spec: { interval: '10m', path: './dbs', prune: true, sourceRef: { kind: 'GitRepository', name: 'team-a' }, targetNamespace: 'raw' },
    });
    // A targetNamespace set by a JSON patch of the construct's object.
    const patched = platform.folder('patched');
    new ApiObject(patched, 'rg', RG('rg-patched'));
    Kustomization.forFolder(mgmt, 'patched', patched, { name: 'patched', source, prune: true }).apiObject.addJsonPatch(JsonPatch.add('/spec/targetNamespace', 'patched'));
    // A retained object no Kustomization with a targetNamespace builds.
    new ApiObject(platform.folder('unbuilt'), 'rg', RG('rg-unbuilt'));
    declarePreinstalled(app, Preinstalled.of('more', [], ['quiet', 'scoped', 'overlaid-t', 'raw', 'patched', 'explicit', 'marked']));
    const rendered = Testing.render(app);
    const annotations = (name: string) => rendered[`platform/namespaces/namespace-${name}.yaml`][0].metadata.annotations;
    const retained = { 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
    expect(annotations('data')).toEqual(retained);
    expect(annotations('quiet')).toBeUndefined();
    expect(annotations('scoped')).toBeUndefined();
    expect(annotations('overlaid-t')).toEqual(retained);
    expect(annotations('raw')).toEqual(retained);
    expect(annotations('patched')).toEqual(retained);
    expect(annotations('unbuilt')).toBeUndefined();
    expect(annotations('explicit')).toBeUndefined();
    expect(annotations('marked')).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'enabled' });
    // The Kustomization object says where its build goes.
    expect(rendered['platform/clusters/mgmt/kustomization-apps.yaml'][0].spec.targetNamespace).toBe('data');
  });

  test('a remote Kustomization\'s targetNamespace retains the Namespace of its target cluster only', () => {
    const build = (remote: boolean) => {
      const app = newApp(tmp());
      const platform = new Repo(app, 'platform');
      const mgmt = platform.folder('clusters/mgmt', { namespace: 'fleet' });
      new ApiObject(mgmt, 'kubeconfig', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'edge-kubeconfig' } });
      const source = GitRepository.fromName(mgmt, 'source', { name: 'flux-system', namespace: 'fleet' });
      // The Namespace "data" on the management cluster and on the remote cluster edge.
      new ApiObject(platform.folder('namespaces/mgmt'), 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'data' } });
      new ApiObject(platform.folder('namespaces/edge', { cluster: 'edge' }), 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'data' } });
      const workloads = platform.folder('workloads/edge', { cluster: 'edge' });
      new ApiObject(workloads, 'db', SERVER);
      Kustomization.forFolder(mgmt, 'edge', workloads, {
        name: 'edge-apps', source, prune: true, targetNamespace: 'data',
        ...(remote ? { kubeConfig: handWrittenCluster(mgmt, 'edge', 'fleet') } : {}),
      });
      const rendered = Testing.render(app);
      return (cluster: string) => rendered[`platform/namespaces/${cluster}/namespace-data.yaml`][0].metadata.annotations;
    };
    const retained = { 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
    const remote = build(true);
    expect(remote('edge')).toEqual(retained);
    expect(remote('mgmt')).toBeUndefined();
    // Applied by Flux on the management cluster itself: its Namespace there.
    const local = build(false);
    expect(local('mgmt')).toEqual(retained);
    expect(local('edge')).toBeUndefined();
  });

  test('a raw stateful object with sync options that decide no removal is still retained by default (review case)', () => {
    const app = newApp(tmp());
    const db = new ApiObject(new Repo(app, 'platform').folder('dbs', { namespace: 'team' }), 'db', SERVER);
    db.metadata.addAnnotation('argocd.argoproj.io/sync-options', 'ServerSideApply=true');
    const obj = Testing.render(app)['platform/dbs/flexibleserver-orders.yaml'][0];
    expect(obj.metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-options': 'ServerSideApply=true,Delete=false,Prune=false',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
      'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete',
    });
  });

  test('deleting a Namespace whose protected objects live in another repo is refused', () => {
    const out = tmp();
    const build = (ns: boolean) => {
      const app = newApp(out);
      const namespaces = new Repo(app, 'platform').folder('namespaces');
      if (ns) new ApiObject(namespaces, 'team', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
      new ApiObject(new Repo(app, 'team-a').folder('dbs', { namespace: 'team' }), 'db', SERVER);
      return app;
    };
    build(true).synth();
    expect(problems(() => build(false).synth())).toEqual([
      'platform/namespaces/team (platform/namespaces/namespace-team.yaml): Namespace/team would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false); ' +
        `holds protected objects (deleting a Namespace deletes everything in it): FlexibleServer/team/orders. ${hint('platform::Namespace/team')}`,
    ]);
  });
});

/**
 * A platform repo: the management cluster's folder holds Flux Kustomizations `apps` (folder apps,
 * with sub-folder apps/db holding a PostgreSQL server) and `infra` (folder infra).
 */
interface FluxOptions {
  /** Keep the Kustomization apps. @default true */
  readonly appsK?: boolean;
  /** Folder the apps Kustomization applies. @default 'apps' */
  readonly appsPath?: string;
  /** includeSubfolders of folder apps. @default true */
  readonly includeSubfolders?: boolean;
  /** Folder of the server. @default 'apps/db' */
  readonly dbFolder?: string;
  /** Annotations of the server. */
  readonly dbAnnotations?: Record<string, string>;
  readonly allow?: string[];
  /** Set on the apps Kustomization's spec (what kustomize-controller renames the build's objects with). */
  readonly appsSpec?: Record<string, unknown>;
}

function fluxApp(out: string, o: FluxOptions = {}): GitOpsApp {
  const app = newApp(out, o.allow);
  const repo = new Repo(app, 'platform');
  const mgmt = repo.folder('clusters/mgmt', { namespace: 'flux-system' });
  const source = GitRepository.fromName(mgmt, 'source', { name: 'flux-system', namespace: 'flux-system' });
  const apps = repo.folder('apps', { namespace: 'team', includeSubfolders: o.includeSubfolders });
  new ApiObject(apps, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } } as any);
  const other = repo.folder('other', { namespace: 'team' });
  new ApiObject(other, 'other', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' }, data: { a: '1' } } as any);
  const infra = repo.folder('infra', { namespace: 'team' });
  new ApiObject(infra, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'infra' }, data: { a: '1' } } as any);
  const db = repo.folder(o.dbFolder ?? 'apps/db', { namespace: 'team' });
  unretained(new ApiObject(db, 'db', { ...SERVER, metadata: { ...SERVER.metadata, annotations: o.dbAnnotations } }));
  const folders: Record<string, typeof apps> = { apps, other, infra };
  if (o.appsK ?? true) {
    const k = Kustomization.forFolder(mgmt, 'apps', folders[o.appsPath ?? 'apps'], { name: 'apps', source, prune: true });
    for (const [field, value] of Object.entries(o.appsSpec ?? {})) k.apiObject.addJsonPatch(JsonPatch.add(`/spec/${field}`, value));
  }
  Kustomization.forFolder(mgmt, 'infra', infra, { name: 'infra', source, prune: true });
  return app;
}

const pruned = (file: string, by: string) =>
  `platform/${file.replace(/\/[^/]+$/, '').replace(/\//g, '--')}/db (platform/${file}): FlexibleServer/team/orders would be pruned by Flux although its file stays in Git: ${by}, ` +
  `but it is protected: stateful kind dbforpostgresql.azure.com/FlexibleServer. ${hint('platform::FlexibleServer/team/orders')}` +
  // The way out without deleting: prune: false on the Kustomization, in a change of its own first.
  (by.endsWith(' is removed')
    ? '; to move it to another Kustomization without deleting it, first give Kustomization/flux-system/apps prune: false in a change of its own, ' +
      'and remove it in a later one, once Flux has applied the first (its deletion then orphans what it applied)'
    : '; to move it to another Kustomization without deleting it, first give Kustomization/flux-system/apps prune: false in a change of its own, make this change in a later one, once Flux has applied the first (it then only drops the object from its inventory), and prune: true again after that (in one change, it may reconcile the new revision with its old spec and prune)');
const K_APPS = 'Kustomization/flux-system/apps (platform/clusters/mgmt/kustomization-apps.yaml)';

/** A repo with a Flux entry folder (its source imported by name) and a base folder holding the (unretained) server. */
function baseWithServer(out: string, allow?: string[]) {
  const app = newApp(out, allow);
  const repo = new Repo(app, 'platform');
  const mgmt = repo.folder('clusters/mgmt', { namespace: 'flux-system' });
  const source = GitRepository.fromName(mgmt, 'source', { name: 'flux-system', namespace: 'flux-system' });
  const base = repo.folder('platform/base', { namespace: 'team' });
  unretained(new ApiObject(base, 'db', SERVER));
  return { app, repo, mgmt, source, base };
}

describe('Flux-aware protection', () => {
  test('removing the Kustomization that applies a protected object is refused; allowed by its scoped id', () => {
    const out = tmp();
    fluxApp(out).synth();
    expect(problems(() => fluxApp(out, { appsK: false }).synth())).toEqual([pruned('apps/db/flexibleserver-orders.yaml', `${K_APPS} is removed`)]);
    fluxApp(out, { appsK: false, allow: ['platform::FlexibleServer/team/orders'] }).synth();
  });

  test('plan shows the prune (!) and blocks it', () => {
    const out = tmp();
    fluxApp(out).synth();
    const plan = fluxApp(out, { appsK: false }).plan();
    expect(plan.blocked.map((b) => [b.action, b.object.id, b.object.repo, b.object.cluster, b.prunedBy])).toEqual([
      ['prune', 'FlexibleServer/team/orders', 'platform', '', `${K_APPS} is removed`],
    ]);
    expect(formatPlan(plan)).toContain(
      `  ! FlexibleServer/team/orders  apps/db/flexibleserver-orders.yaml (pruned by Flux: ${K_APPS} is removed)  [platform/apps/db/db]\n` +
        '      BLOCKED: protected: stateful kind dbforpostgresql.azure.com/FlexibleServer\n',
    );
    expect(formatPlan(plan)).toContain('plan: 0 to create, 0 to update, 1 to delete, 0 to rename, 1 pruned by Flux; 1 protected deletion(s) not allowed\n');
  });

  test('plan blocks what synth refuses, also when the Kustomization files are unchanged (not parsed again)', () => {
    const out = tmp();
    fluxApp(out).synth();
    expect(fluxApp(out).plan().changed).toBe(false);
    // Moved to a folder another Kustomization applies, narrowed, re-pointed: plan reports each
    // blocked prune with the message synth refuses with.
    for (const o of [{ dbFolder: 'infra/db' }, { includeSubfolders: false }, { appsPath: 'other' }] as FluxOptions[]) {
      const refused = problems(() => fluxApp(out, o).synth());
      const plan = fluxApp(out, o).plan();
      expect(plan.blocked.map((b) => blockedMessage(b, b.dir))).toEqual(refused);
      expect(refused).toHaveLength(1);
    }
  });

  test('re-pointing a Kustomization (spec.path) away from a protected object is refused', () => {
    const out = tmp();
    fluxApp(out).synth();
    expect(problems(() => fluxApp(out, { appsPath: 'other' }).synth())).toEqual([
      pruned('apps/db/flexibleserver-orders.yaml', `${K_APPS} no longer applies it (its build of ./other lacks it)`),
    ]);
  });

  test.each([
    [{ namePrefix: 'v2-' }, 'FlexibleServer/team/v2-orders'],
    [{ nameSuffix: '-eu' }, 'FlexibleServer/team/orders-eu'],
    [{ targetNamespace: 'data' }, 'FlexibleServer/data/orders'],
  ])('renaming what a Kustomization applies (%j) is a protected prune of the old names; unchanged, it is not', (appsSpec, renamed) => {
    const out = tmp();
    fluxApp(out).synth();
    expect(problems(() => fluxApp(out, { appsSpec }).synth())).toEqual([
      pruned('apps/db/flexibleserver-orders.yaml', `${K_APPS} applies it as ${renamed} instead of FlexibleServer/team/orders (a namespace, namePrefix or nameSuffix of the Kustomization or of a kustomization.yaml of its build changed), and prunes FlexibleServer/team/orders`),
    ]);
    fluxApp(out, { appsSpec, allow: ['platform::FlexibleServer/team/orders'] }).synth();
    // Synthesized with it: the next synth, unchanged, prunes nothing.
    fluxApp(out, { appsSpec }).synth();
  });

  test('a $patch: delete patch on the Kustomization dropping a protected object is a protected prune', () => {
    const out = tmp();
    fluxApp(out).synth();
    const drop = (name: string) => ({ patches: [{ patch: `$patch: delete\napiVersion: dbforpostgresql.azure.com/v1api20240801\nkind: FlexibleServer\nmetadata:\n  name: ${name}\n  namespace: team\n` }] });
    expect(problems(() => fluxApp(out, { appsSpec: drop('orders') }).synth())).toEqual([
      pruned('apps/db/flexibleserver-orders.yaml', `${K_APPS} no longer applies it: a $patch: delete entry of its spec.patches drops it from the build`),
    ]);
    // One that drops another object (by target too) leaves it alone.
    fluxApp(out, { appsSpec: drop('other') }).synth();
    fluxApp(out, { appsSpec: { patches: [{ patch: '$patch: delete\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n', target: { kind: 'ConfigMap' } }] } }).synth();
  });

  test('an overlay that renames its base (namePrefix, nameSuffix, namespace) renames what the Kustomization applies; its spec replaces the overlay\'s own', () => {
    const overlayApp = (out: string, o: { namePrefix?: string; nameSuffix?: string; namespace?: string; spec?: Record<string, string>; allow?: string[] }) => {
      const { app, repo, mgmt, source, base } = baseWithServer(out, o.allow);
      // A Namespace keeps its name under a prefix (kustomize), so no prune of it.
      new ApiObject(base, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
      const prod = repo.overlay('platform/overlays/prod', { base, namePrefix: o.namePrefix, nameSuffix: o.nameSuffix, namespace: o.namespace });
      const k = Kustomization.forFolder(mgmt, 'platform', prod, { name: 'platform', source, prune: true });
      for (const [field, value] of Object.entries(o.spec ?? {})) k.apiObject.addJsonPatch(JsonPatch.add(`/spec/${field}`, value));
      return app;
    };
    const out = tmp();
    overlayApp(out, { namePrefix: 'a-' }).synth();
    const K = 'Kustomization/flux-system/platform (platform/clusters/mgmt/kustomization-platform.yaml)';
    const refused = (now: string, before = 'FlexibleServer/team/a-orders') =>
      // Named as Flux applied it: what its prune deletes.
      `platform/platform--base/db (platform/platform/base/flexibleserver-orders.yaml): ${before} would be pruned by Flux although its file stays in Git: ` +
      `${K} applies it as ${now} instead of ${before} (a namespace, namePrefix or nameSuffix of the Kustomization or of a kustomization.yaml of its build changed), and prunes ${before}, ` +
      `but it is protected: stateful kind dbforpostgresql.azure.com/FlexibleServer. ${hint(`platform::${before}`)}` +
      '; to move it to another Kustomization without deleting it, first give Kustomization/flux-system/platform prune: false in a change of its own, make this change in a later one, once Flux has applied the first (it then only drops the object from its inventory), and prune: true again after that (in one change, it may reconcile the new revision with its old spec and prune)';
    expect(problems(() => overlayApp(out, { namePrefix: 'b-' }).synth())).toEqual([refused('FlexibleServer/team/b-orders')]);
    expect(problems(() => overlayApp(out, { namePrefix: 'a-', nameSuffix: '-eu' }).synth())).toEqual([refused('FlexibleServer/team/a-orders-eu')]);
    // A namespace also renames the Namespace object of the build to it (kustomize's namespace transformer): Flux prunes Namespace/team.
    expect(problems(() => overlayApp(out, { namePrefix: 'a-', namespace: 'data' }).synth())).toEqual([
      `platform/platform--base/ns (platform/platform/base/namespace-team.yaml): Namespace/team would be pruned by Flux although its file stays in Git: ${K} applies it as Namespace/data instead of Namespace/team ` +
        '(a namespace, namePrefix or nameSuffix of the Kustomization or of a kustomization.yaml of its build changed), and prunes Namespace/team, ' +
        'but it is protected: holds protected objects (deleting a Namespace deletes everything in it): FlexibleServer/team/orders. ' +
        `${hint('platform::Namespace/team')}; to move it to another Kustomization without deleting it, first give Kustomization/flux-system/platform prune: false in a change of its own, make this change in a later one, once Flux has applied the first (it then only drops the object from its inventory), and prune: true again after that (in one change, it may reconcile the new revision with its old spec and prune)`,
      refused('FlexibleServer/data/a-orders'),
    ]);
    // The Kustomization's spec.namePrefix replaces the overlay's (kustomize-controller sets it on that kustomization file).
    expect(problems(() => overlayApp(out, { namePrefix: 'a-', spec: { namePrefix: 'x-' } }).synth())).toEqual([refused('FlexibleServer/team/x-orders')]);
    overlayApp(out, { namePrefix: 'b-', allow: ['platform::FlexibleServer/team/a-orders'] }).synth();
    // The same prefix again: nothing renamed.
    overlayApp(out, { namePrefix: 'b-' }).synth();
  });

  test('a base two overlays list is built once through each (kustomize builds it twice): renaming one overlay\'s directory renames nothing', () => {
    // envs/ lists overlays a (a-) and b (b-) of one base: the build holds a-orders and b-orders.
    const diamondApp = (out: string, o: { first: string; dropB?: boolean; allow?: string[]; patches?: unknown[] }) => {
      const { app, repo, mgmt, source, base } = baseWithServer(out, o.allow);
      const envs = repo.folder('platform/envs', { namespace: 'team' });
      envs.addResource(repo.overlay(`platform/envs/${o.first}`, { base, namePrefix: 'a-' }));
      if (!o.dropB) envs.addResource(repo.overlay('platform/envs/b', { base, namePrefix: 'b-' }));
      const k = Kustomization.forFolder(mgmt, 'platform', envs, { name: 'platform', source, prune: true });
      if (o.patches) k.apiObject.addJsonPatch(JsonPatch.add('/spec/patches', o.patches));
      return app;
    };
    const out = tmp();
    diamondApp(out, { first: 'a' }).synth();
    // A $patch: delete naming the copy by the name overlay a gave it (kustomize matches a target
    // against the names a resource had on its way in): that copy is pruned.
    const dropA = [{ patch: '$patch: delete\napiVersion: dbforpostgresql.azure.com/v1api20240801\nkind: FlexibleServer\nmetadata:\n  name: a-orders\n  namespace: team\n' }];
    expect(problems(() => diamondApp(out, { first: 'a', patches: dropA }).synth())).toEqual([
      expect.stringContaining('FlexibleServer/team/a-orders would be pruned by Flux although its file stays in Git: Kustomization/flux-system/platform (platform/clusters/mgmt/kustomization-platform.yaml) no longer applies it: a $patch: delete entry of its spec.patches drops it from the build'),
    ]);
    // The a- overlay moves to directory c: a-orders and b-orders still built.
    diamondApp(out, { first: 'c' }).synth();
    // Overlay b goes: b-orders is pruned (the base's second copy).
    const [line] = problems(() => diamondApp(out, { first: 'c', dropB: true }).synth());
    expect(line).toContain('FlexibleServer/team/b-orders would be pruned by Flux although its file stays in Git: Kustomization/flux-system/platform (platform/clusters/mgmt/kustomization-platform.yaml) no longer applies it (its build of ./platform/envs lacks it)');
  });

  test('narrowing a Kustomization (includeSubfolders: false) is refused', () => {
    const out = tmp();
    fluxApp(out).synth();
    expect(problems(() => fluxApp(out, { includeSubfolders: false }).synth())).toEqual([
      pruned('apps/db/flexibleserver-orders.yaml', `${K_APPS} no longer applies it (its build of ./apps lacks it)`),
    ]);
  });

  test('moving a protected object to a folder applied by another Kustomization is refused', () => {
    const out = tmp();
    fluxApp(out).synth();
    expect(problems(() => fluxApp(out, { dbFolder: 'infra/db' }).synth())).toEqual([
      pruned('apps/db/flexibleserver-orders.yaml', `${K_APPS} no longer applies it (its build of ./apps lacks it)`),
    ]);
    // Within the same Kustomization, a move is not a prune.
    const out2 = tmp();
    fluxApp(out2).synth();
    fluxApp(out2, { dbFolder: 'apps/postgres' }).synth();
  });

  // With a decoy: a repo listed before the platform repo, with a GitRepository of the same name and
  // namespace fetching itself: the Kustomization's own repo is looked in first, so the platform
  // repo's GitRepository (fetching the team repo) still wins.
  test.each([false, true])("a Kustomization's sourceRef is followed to another repo of the app (GitRepository url = Repo url), its own repo first (decoy: %s)", (decoy) => {
    const out = tmp();
    const git = (name: string, url: string) => ({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name }, spec: { url, interval: '1m' } });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: '1' } } as any;
    const build = (k: boolean) => {
      const app = newApp(out);
      if (decoy) {
        const d = new Repo(app, 'a-decoy', { url: 'https://github.com/contoso/a-decoy' });
        new ApiObject(d.folder('clusters/mgmt', { namespace: 'flux-system' }), 'git', git('team', 'https://github.com/contoso/a-decoy'));
        new ApiObject(d.folder('apps', { namespace: 'team' }), 'cm', cm);
      }
      const platform = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
      const team = new Repo(app, 'team', { url: 'https://github.com/contoso/team' });
      const mgmt = platform.folder('clusters/mgmt', { namespace: 'flux-system' });
      new ApiObject(mgmt, 'git', git('team', 'https://github.com/contoso/team.git'));
      // The same path exists in the platform repo, without the server: only the team repo's build has it.
      new ApiObject(platform.folder('apps', { namespace: 'team' }), 'cm', cm);
      const apps = team.folder('apps', { namespace: 'team' });
      unretained(new ApiObject(apps, 'db', SERVER));
      if (k) Kustomization.forFolder(mgmt, 'team', apps, { name: 'team', source: GitRepository.fromName(mgmt, 'source', { name: 'team', namespace: 'flux-system' }), prune: true });
      return app;
    };
    build(true).synth();
    expect(problems(() => build(false).synth())).toEqual([
      'team/apps/db (team/apps/flexibleserver-orders.yaml): FlexibleServer/team/orders would be pruned by Flux although its file stays in Git: ' +
        'Kustomization/flux-system/team (platform/clusters/mgmt/kustomization-team.yaml) is removed, but it is protected: ' +
        `stateful kind dbforpostgresql.azure.com/FlexibleServer. ${hint('team::FlexibleServer/team/orders')}` +
        '; to move it to another Kustomization without deleting it, first give Kustomization/flux-system/team prune: false in a change of its own, ' +
        'and remove it in a later one, once Flux has applied the first (its deletion then orphans what it applied)',
    ]);
  });

  test('objects Flux does not prune (kustomize.toolkit.fluxcd.io/prune: disabled) are not reported', () => {
    const out = tmp();
    const retain = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
    fluxApp(out, { dbAnnotations: retain }).synth();
    fluxApp(out, { dbAnnotations: retain, appsK: false }).synth();
  });

  /**
   * The Flux install `flux bootstrap` committed (gotk-components.yaml: its Namespace, a CRD, a
   * controller), a user file the bootstrap folder lists (`list`) or not, next to the library's sync.
   */
  const GOTK = [
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n',
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: kustomizations.kustomize.toolkit.fluxcd.io\nspec:\n  group: kustomize.toolkit.fluxcd.io\n' +
      '  names:\n    kind: Kustomization\n    plural: kustomizations\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: kustomize-controller\n  namespace: flux-system\nspec: {}\n',
  ].join('---\n');
  const unlisted = [
    'platform/clusters/mgmt/flux-system/gotk-components.yaml: the Flux install (flux bootstrap commits it here) is not listed by clusters/mgmt/flux-system/kustomization.yaml, which the synth writes: ' +
      'the Kustomization applying this folder builds it no more, and if Flux applied it, prunes Flux itself (its controllers, its CRDs with every Flux object of the cluster); ' +
      "list it with repo.folder('clusters/mgmt/flux-system').addResource('gotk-components.yaml', { userOwned: true }), or move the file away if Flux is installed another way",
  ];
  const bootstrapApp = (out: string, o: { list: boolean; allow?: string[] }) => {
    const app = newApp(out, o.allow);
    const repo = new Repo(app, 'platform', { url: 'https://example.com/platform' });
    const entry = repo.folder('clusters/mgmt', { includeSubfolders: false });
    const fluxFolder = repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' });
    // Listed by default (install: 'bootstrap'); not with install: 'external' (Flux installed another way).
    const flux = new FluxBootstrap(fluxFolder, 'flux', { repo, entry, install: o.list ? 'bootstrap' : 'external' });
    const apps = repo.folder('apps', { namespace: 'apps' });
    new ApiObject(apps, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: 'b' } });
    Kustomization.forFolder(entry, 'apps', apps, { name: 'apps', source: flux.source, prune: true });
    return app;
  };

  test('a kustomization.yaml that stops listing a user file (the Flux install flux bootstrap committed) prunes its objects although the file stays: refused', () => {
    const out = tmp();
    fs.mkdirSync(path.join(out, 'platform/clusters/mgmt/flux-system'), { recursive: true });
    fs.writeFileSync(path.join(out, 'platform/clusters/mgmt/flux-system/gotk-components.yaml'), GOTK);
    bootstrapApp(out, { list: true }).synth();
    const sync = 'Kustomization/flux-system/flux-system (platform/clusters/mgmt/flux-system/kustomization-flux-system.yaml)';
    const at = 'platform/clusters/mgmt/flux-system/gotk-components.yaml';
    const keep = "; its file is not the library's and stays: to keep it in the build, list it again in its folder's kustomization.yaml " +
      "(Folder.addResource('gotk-components.yaml', { userOwned: true }) on folder clusters/mgmt/flux-system)";
    const pruned = `would be pruned by Flux although its file stays in Git: ${sync} no longer applies it (its build of ./clusters/mgmt lacks it), but it is protected: `;
    expect(problems(() => bootstrapApp(out, { list: false }).synth())).toEqual([
      ...unlisted,
      `${at}: Namespace/flux-system ${pruned}a Namespace: deleting it deletes every object in it, also those other Kustomizations and repos apply there. ` +
        `${hint('platform::Namespace/flux-system')}${keep}`,
      `${at}: CustomResourceDefinition/kustomizations.kustomize.toolkit.fluxcd.io ${pruned}` +
        'defines kind kustomize.toolkit.fluxcd.io/Kustomization, of which the app still applies 2 object(s) (Kustomization/flux-system/apps, Kustomization/flux-system/flux-system): ' +
        'deleting it deletes every Kustomization of the cluster, and what their finalizers delete with them. ' +
        `${hint('platform::CustomResourceDefinition/kustomizations.kustomize.toolkit.fluxcd.io')}${keep}`,
    ]);
    // The file stays; listed again, nothing is pruned.
    expect(fs.readFileSync(path.join(out, 'platform/clusters/mgmt/flux-system/gotk-components.yaml'), 'utf8')).toBe(GOTK);
    bootstrapApp(out, { list: true }).synth();
  });

  test('any user file a folder stops listing: its objects are pruned although it stays (a hand-written database)', () => {
    const out = tmp();
    const build = (list: boolean) => {
      const app = newApp(out);
      const repo = new Repo(app, 'platform', { url: 'https://example.com/platform' });
      const entry = repo.folder('clusters/mgmt');
      const source = new GitRepository(entry, 'source', { name: 'platform', repo });
      const data = repo.folder('data', { namespace: 'data' });
      new ApiObject(data, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
      if (list) data.addResource('legacy-db.yaml', { userOwned: true });
      Kustomization.forFolder(entry, 'data', data, { name: 'data', source, prune: true });
      return app;
    };
    fs.mkdirSync(path.join(out, 'platform/data'), { recursive: true });
    fs.writeFileSync(path.join(out, 'platform/data/legacy-db.yaml'), 'apiVersion: dbforpostgresql.azure.com/v1api20240801\nkind: FlexibleServer\nmetadata:\n  name: legacy\n  namespace: data\nspec: {}\n');
    build(true).synth();
    expect(problems(() => build(false).synth())).toEqual([
      'platform/data/legacy-db.yaml: FlexibleServer/data/legacy would be pruned by Flux although its file stays in Git: ' +
        'Kustomization/flux-system/data (platform/clusters/mgmt/kustomization-data.yaml) no longer applies it (its build of ./data lacks it), but it is protected: ' +
        `stateful kind dbforpostgresql.azure.com/FlexibleServer. ${hint('platform::FlexibleServer/data/legacy')}; its file is not the library's and stays: ` +
        "to keep it in the build, list it again in its folder's kustomization.yaml (Folder.addResource('legacy-db.yaml', { userOwned: true }) on folder data)",
    ]);
  });

  test('adopting a bootstrapped repo: the Flux install in the sync folder must be listed, also on the first synth', () => {
    const out = tmp();
    fs.mkdirSync(path.join(out, 'platform/clusters/mgmt/flux-system'), { recursive: true });
    fs.writeFileSync(path.join(out, 'platform/clusters/mgmt/flux-system/gotk-components.yaml'), GOTK);
    expect(problems(() => bootstrapApp(out, { list: false }).synth())).toEqual(unlisted);
    expect(fs.readdirSync(path.join(out, 'platform/clusters/mgmt/flux-system'))).toEqual(['gotk-components.yaml']);
    expect(problems(() => bootstrapApp(out, { list: false }).plan())).toEqual(unlisted);
    bootstrapApp(out, { list: true }).synth();
    expect(fs.readFileSync(path.join(out, 'platform/clusters/mgmt/flux-system/kustomization.yaml'), 'utf8')).toContain('  - gotk-components.yaml\n');
  });

  test('removing a CustomResourceDefinition of a kind the app still applies is refused', () => {
    const out = tmp();
    const build = (crd: boolean) => {
      const app = newApp(out);
      const repo = new Repo(app, 'platform');
      const f = repo.folder('crds');
      if (crd) {
        new ApiObject(f, 'crd', {
          apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
          spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true }] },
        });
      }
      new ApiObject(repo.folder('apps', { namespace: 'apps' }), 'w', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
      return app;
    };
    build(true).synth();
    expect(problems(() => build(false).synth())).toEqual([
      'platform/crds/crd (platform/crds/customresourcedefinition-widgets.example.com.yaml): CustomResourceDefinition/widgets.example.com would be deleted, but it is protected: ' +
        'defines kind example.com/Widget, of which the app still applies 1 object(s) (Widget/apps/w): deleting it deletes every Widget of the cluster, and what their finalizers delete with them. ' +
        hint('platform::CustomResourceDefinition/widgets.example.com'),
    ]);
    // Its objects gone too, the CRD may go.
    expect(() => {
      const app = newApp(out);
      new Repo(app, 'platform').folder('apps', { namespace: 'apps' });
      app.synth();
    }).not.toThrow();
  });

  /** A Deployment in the aks-dev workloads folder, applied (hydrate) by a remote-cluster Kustomization or not. */
  const hydrationApp = (out: string, o: { hydrate: boolean; allow?: string[]; retain?: boolean; retainKustomization?: boolean; workloads?: boolean; oci?: boolean }) => {
    const app = newApp(out, o.allow);
    const repo = new Repo(app, 'platform');
    const mgmt = repo.folder('clusters/mgmt', { namespace: 'fleet' });
    new ApiObject(mgmt, 'kubeconfig', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'aks-dev-kubeconfig' } });
    const workloads = (o.workloads ?? true) || o.hydrate ? repo.folder('workloads/aks-dev', { cluster: 'aks-dev', namespace: 'podinfo' }) : undefined;
    if (workloads && (o.workloads ?? true)) {
      const deploy = new ApiObject(workloads, 'deploy', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'podinfo' }, spec: {} });
      if (o.retain) applyRemovalPolicy(deploy, RemovalPolicy.RETAIN);
    }
    if (o.hydrate) {
      const h = new RemoteClusterHydration(mgmt, 'aks-dev', {
        cluster: handWrittenCluster(mgmt, 'aks-dev', 'fleet'),
        source: o.oci
          ? OCIRepository.fromName(mgmt as Construct, 'source', { name: 'platform', namespace: 'fleet' })
          : GitRepository.fromName(mgmt as Construct, 'source', { name: 'flux-system', namespace: 'fleet' }),
        stages: [{ name: 'apps', folder: workloads! }],
        ...(o.retainKustomization ? { deletionPolicy: 'Orphan' as const } : {}),
      });
      if (o.retainKustomization) for (const k of h.kustomizations) applyRemovalPolicy(k.apiObject, RemovalPolicy.RETAIN);
    }
    return app;
  };

  test('removing the hydration Kustomizations of a remote cluster is a protected deletion of what they applied', () => {
    const out = tmp();
    hydrationApp(out, { hydrate: true }).synth();
    expect(problems(() => hydrationApp(out, { hydrate: false }).synth())).toEqual([
      'platform/clusters--mgmt/aks-dev/apps/Resource (platform/clusters/mgmt/kustomization-aks-dev-apps.yaml): Kustomization/fleet/aks-dev-apps would be deleted, but it is protected: ' +
        'hydrates the remote cluster of kubeConfig Secret aks-dev-kubeconfig: removing it prunes the 1 object(s) it applied there: Deployment/podinfo/podinfo. ' +
        hint('platform::Kustomization/fleet/aks-dev-apps'),
    ]);
    hydrationApp(out, { hydrate: false, allow: ['platform::Kustomization/fleet/aks-dev-apps'] }).synth();
  });

  // A retained hydration Kustomization (a Fleet row's) is not deleted by Flux when its file goes:
  // it stays, and its removal is protected by its own marker only (deleted by hand, it orphans).
  test('removing a retained hydration Kustomization is protected by its marker, and prunes nothing', () => {
    const out = tmp();
    hydrationApp(out, { hydrate: true, retainKustomization: true }).synth();
    expect(problems(() => hydrationApp(out, { hydrate: false }).synth())).toEqual([
      'platform/clusters--mgmt/aks-dev/apps/Resource (platform/clusters/mgmt/kustomization-aks-dev-apps.yaml): Kustomization/fleet/aks-dev-apps would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: ' +
        'retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false). ' +
        hint('platform::Kustomization/fleet/aks-dev-apps'),
    ]);
  });

  // A Fleet row of removal policy DESTROY moved to another bucket: the old bucket prunes its
  // hydration Kustomization, whose deletion prunes what it applied on the workload cluster.
  test('moving a hydration Kustomization to another Kustomization\'s folder is a protected prune of what it applied', () => {
    const out = tmp();
    const build = (bucket: 'a' | 'b', allow?: string[]) => {
      const app = newApp(out, allow);
      const repo = new Repo(app, 'platform');
      const mgmt = repo.folder('clusters/mgmt', { namespace: 'fleet', includeSubfolders: false });
      const source = GitRepository.fromName(mgmt as Construct, 'source', { name: 'flux-system', namespace: 'fleet' });
      for (const b of ['a', 'b']) Kustomization.forFolder(mgmt, `bucket-${b}`, repo.folder(`clusters/mgmt/${b}`, { namespace: 'fleet' }), { name: `bucket-${b}`, source, prune: true });
      const holder = repo.folder(`clusters/mgmt/${bucket}`);
      new ApiObject(holder, 'kubeconfig', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'aks-dev-kubeconfig' } });
      const workloads = repo.folder('workloads/aks-dev', { cluster: 'aks-dev', namespace: 'podinfo' });
      new ApiObject(workloads, 'deploy', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'podinfo' }, spec: {} });
      new RemoteClusterHydration(holder, 'aks-dev', { cluster: handWrittenCluster(holder, 'aks-dev', 'fleet'), source, stages: [{ name: 'apps', folder: workloads }] });
      return app;
    };
    build('a').synth();
    const blocked = problems(() => build('b').synth());
    expect(blocked).toHaveLength(1);
    expect(blocked[0]).toContain('Kustomization/fleet/aks-dev-apps would be pruned by Flux although its file stays in Git: Kustomization/fleet/bucket-a');
    expect(blocked[0]).toContain('hydrates the remote cluster of kubeConfig Secret aks-dev-kubeconfig: pruning it prunes the 1 object(s) it applied there: Deployment/podinfo/podinfo');
    build('b', ['platform::Kustomization/fleet/aks-dev-apps']).synth();
  });

  // The retained Kustomization stays on the cluster and keeps reconciling: with files left in its
  // path, Flux builds them (instead of failing on a missing path) and prunes the rest.
  test('removing a retained hydration Kustomization whose path keeps files (a user\'s README) is refused, naming the files', () => {
    const out = tmp();
    hydrationApp(out, { hydrate: true, retainKustomization: true }).synth();
    fs.writeFileSync(path.join(out, 'platform', 'workloads', 'aks-dev', 'README.md'), '# aks-dev\n');
    const allow = ['platform::Kustomization/fleet/aks-dev-apps'];
    const gone = () => hydrationApp(out, { hydrate: false, workloads: false, allow });
    const refused = [
      'Kustomization/fleet/aks-dev-apps (platform/clusters/mgmt/kustomization-aks-dev-apps.yaml): removed, but it stays on the management cluster (prune: disabled) and keeps reconciling, ' +
        'and its path "./workloads/aks-dev" still holds 1 file(s) after this synth (workloads/aks-dev/README.md): Flux builds them instead of failing on the missing path, ' +
        'and its prune deletes the 1 other object(s) it applied on the remote cluster of kubeConfig Secret aks-dev-kubeconfig (Deployment/podinfo/podinfo); move those files out of "workloads/aks-dev" (or delete the Kustomization from the cluster first)',
    ];
    expect(problems(() => gone().plan())).toEqual(refused);
    expect(problems(() => gone().synth())).toEqual(refused);
    expect(fs.existsSync(path.join(out, 'platform', 'workloads', 'aks-dev', 'deployment-podinfo.yaml'))).toBe(true);
    fs.rmSync(path.join(out, 'platform', 'workloads', 'aks-dev', 'README.md'));
    gone().synth();
    expect(fs.existsSync(path.join(out, 'platform', 'workloads', 'aks-dev'))).toBe(false);
    // From an OCI artifact, the path is not this repo's: its files here say nothing.
    const oci = tmp();
    hydrationApp(oci, { hydrate: true, retainKustomization: true, oci: true }).synth();
    fs.writeFileSync(path.join(oci, 'platform', 'workloads', 'aks-dev', 'README.md'), '# aks-dev\n');
    hydrationApp(oci, { hydrate: false, workloads: false, allow, oci: true }).synth();
  });

  // A removed cluster's object is deleted with its folder, not pruned while "its file stays":
  // other clusters having an object of the same name do not make it present.
  test('an object of the same name on another cluster does not make a removed one a prune', () => {
    const out = tmp();
    const build = (clusters: string[]) => {
      const app = newApp(out);
      const repo = new Repo(app, 'platform');
      const mgmt = repo.folder('clusters/mgmt', { namespace: 'fleet' });
      for (const c of clusters) {
        new ApiObject(mgmt, `kubeconfig-${c}`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${c}-kubeconfig` } });
        const apps = repo.folder(`apps/${c}`, { cluster: c });
        new ApiObject(apps, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
        new RemoteClusterHydration(mgmt, c, {
          cluster: handWrittenCluster(mgmt, c, 'fleet'),
          source: GitRepository.fromName(mgmt as Construct, `source-${c}`, { name: 'flux-system', namespace: 'fleet' }),
          stages: [{ name: 'apps', folder: apps }],
        });
      }
      return app;
    };
    build(['a', 'b']).synth();
    const plan = build(['b']).plan();
    expect(plan.repos[0].changes.filter((c) => c.action === 'prune')).toEqual([]);
    expect(plan.repos[0].changes.filter((c) => c.action === 'delete').map((c) => `${c.object.id} ${c.object.file}`).sort()).toEqual([
      'Kustomization/fleet/a-apps clusters/mgmt/kustomization-a-apps.yaml',
      'Namespace/apps apps/a/namespace-apps.yaml',
      'Secret/fleet/a-kubeconfig clusters/mgmt/secret-a-kubeconfig.yaml',
    ]);
  });

  // kustomize-controller's finalizer deletes the inventory with the exclusions of its prune.
  test('removing the hydration of objects Flux does not prune (RETAIN) is not a deletion of them', () => {
    const out = tmp();
    hydrationApp(out, { hydrate: true, retain: true }).synth();
    expect(() => hydrationApp(out, { hydrate: false, retain: true }).synth()).not.toThrow();
  });
});

/** A pipeline Composition `xpostgres` (for composite kind Postgres) composing the given entries (name, dbforpostgresql kind). */
function postgresComposition(repo: Repo, entries: Array<[string, string]>): void {
  new ApiObject(repo.folder('crossplane'), 'composition', {
    apiVersion: 'apiextensions.crossplane.io/v1',
    kind: 'Composition',
    metadata: { name: 'xpostgres' },
    spec: {
      compositeTypeRef: { apiVersion: 'platform.example.com/v1alpha1', kind: 'Postgres' },
      mode: 'Pipeline',
      pipeline: [{
        step: 'resources',
        functionRef: { name: 'function-patch-and-transform' },
        input: {
          apiVersion: 'pt.fn.crossplane.io/v1beta1',
          kind: 'Resources',
          resources: entries.map(([name, kind]) => ({ name, base: { apiVersion: 'dbforpostgresql.azure.m.upbound.io/v1beta1', kind, spec: {} } })),
        },
      }],
    },
  });
}

describe('Crossplane composite resources', () => {
  test('deleting an XR whose Composition composes stateful resources is refused', () => {
    const out = tmp();
    const build = (xr: boolean) => {
      const app = newApp(out);
      const repo = new Repo(app, 'platform');
      postgresComposition(repo, [['server', 'FlexibleServer'], ['db', 'FlexibleServerDatabase'], ['rule', 'FlexibleServerFirewallRule']]);
      if (xr) {
        new ApiObject(repo.folder('teams/a', { namespace: 'team-a' }), 'db', {
          apiVersion: 'platform.example.com/v1alpha1', kind: 'Postgres', metadata: { name: 'orders' }, spec: { crossplane: { compositionRef: { name: 'xpostgres' } } },
        });
      } else repo.folder('teams/a', { namespace: 'team-a' });
      return app;
    };
    build(true).synth();
    expect(problems(() => build(false).synth())).toEqual([
      // Retained by default (synth's retainComposites): removed from Git, it stays on the cluster.
      'platform/teams--a/db (platform/teams/a/postgres-orders.yaml): Postgres/team-a/orders would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: ' +
        'retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false); composite resource of Composition xpostgres: deleting it deletes what the composition created, including stateful ' +
        'dbforpostgresql.azure.m.upbound.io/FlexibleServer, dbforpostgresql.azure.m.upbound.io/FlexibleServerDatabase. ' +
        hint('platform::Postgres/team-a/orders'),
    ]);
  });
});

describe('Crossplane Compositions that stop composing a stateful entry', () => {
  const build = (out: string, entries: Array<[string, string]>, allowDestroy?: string[]) => {
    const app = newApp(out, allowDestroy);
    postgresComposition(new Repo(app, 'platform'), entries);
    return app;
  };
  const all: Array<[string, string]> = [['server', 'FlexibleServer'], ['db', 'FlexibleServerDatabase'], ['rule', 'FlexibleServerFirewallRule']];
  const reason = (entry: string, kind: string, now = 'no longer composed') =>
    `entry "${entry}" (stateful dbforpostgresql.azure.m.upbound.io/${kind}) is ${now}: Crossplane deletes that composed resource of every composite resource of this Composition ` +
    '(and its external resource, unless its managementPolicies omit Delete: then it is orphaned); a renamed entry is a new, empty resource';

  test('renaming or removing a stateful entry is refused on the Composition; a stateless entry and a reorder are not; the Composition id allows it', () => {
    const out = tmp();
    build(out, all).synth();
    // Renamed (server → postgres) and removed (db): both stateful.
    expect(problems(() => build(out, [['postgres', 'FlexibleServer'], ['rule', 'FlexibleServerFirewallRule']]).synth())).toEqual([
      'platform/crossplane/composition (platform/crossplane/composition-xpostgres.yaml): Composition/xpostgres would change so that what it manages is deleted, scaled down or changed for good, but it is protected: ' +
        `${reason('server', 'FlexibleServer')}; ${reason('db', 'FlexibleServerDatabase')}. ${hint('platform::Composition/xpostgres')}`,
    ]);
    // The plan shows it on the Composition's update, with its diff.
    const plan = build(out, [['server', 'FlexibleServerDatabase'], ['db', 'FlexibleServerDatabase'], ['rule', 'FlexibleServerFirewallRule']]).plan();
    expect(plan.repos[0].changes.map((c) => [c.action, c.object.id, c.blocked, c.protection, c.diff?.length])).toEqual([
      ['update', 'Composition/xpostgres', true, [reason('server', 'FlexibleServer', 'now dbforpostgresql.azure.m.upbound.io/FlexibleServerDatabase')], 1],
    ]);
    // A stateless entry removed, and the stateful ones reordered: nothing protected.
    build(out, [['db', 'FlexibleServerDatabase'], ['server', 'FlexibleServer']]).synth();
    // Allowed by the Composition's scoped id.
    build(out, [['db', 'FlexibleServerDatabase']], ['platform::Composition/xpostgres']).synth();
  });
});

describe('consistent RemovalPolicy', () => {
  test('a composition retains every stateful composed kind by default: database and container like their server and account', () => {
    const app = newApp(tmp());
    const folder = new Repo(app, 'r').folder('apis');
    const xrd = new CompositeResourceDefinition(folder, 'xrd', {
      group: 'platform.contoso.com', kind: 'XData', plural: 'xdatas', version: 'v1alpha1', spec: Schema.object({ location: Schema.string() }),
    });
    const composition = new Composition(folder, 'comp', { xrd });
    const step = composition.addPatchAndTransform();
    const base = (apiVersion: string, kind: string) => ({ apiVersion, kind, spec: { forProvider: {} } });
    step.addResource({ name: 'server', base: base('dbforpostgresql.azure.m.upbound.io/v1beta1', 'FlexibleServer') });
    step.addResource({ name: 'db', base: base('dbforpostgresql.azure.m.upbound.io/v1beta1', 'FlexibleServerDatabase') });
    step.addResource({ name: 'account', base: base('storage.azure.m.upbound.io/v1beta1', 'Account') });
    step.addResource({ name: 'container', base: base('storage.azure.m.upbound.io/v1beta1', 'Container') });
    step.addResource({ name: 'rule', base: base('dbforpostgresql.azure.m.upbound.io/v1beta1', 'FlexibleServerFirewallRule') });
    const comp = composition.toJson() as any;
    const policies = Object.fromEntries(comp.spec.pipeline[0].input.resources.map((r: any) => [r.name, r.base.spec.managementPolicies]));
    const retain = ['Observe', 'Create', 'Update', 'LateInitialize'];
    expect(policies).toEqual({ server: retain, db: retain, account: retain, container: retain, rule: ['*'] });
  });

  test('L1 and raw objects of stateful kinds are retained by default, unless a removal policy or a marker of their own decides', () => {
    const app = newApp(tmp());
    const folder = new Repo(app, 'r').folder('apps', { namespace: 'data' });
    const server = (id: string, spec: Record<string, unknown> = {}) =>
      new ApiObject(folder, id, { apiVersion: 'dbforpostgresql.azure.m.upbound.io/v1beta1', kind: 'FlexibleServer', metadata: { name: id }, spec: { forProvider: { location: 'westeurope' }, ...spec } });
    server('plain');
    applyRemovalPolicy(server('destroy'), RemovalPolicy.DESTROY);
    server('own-policies', { managementPolicies: ['*'] });
    server('patched-policies').addJsonPatch(JsonPatch.add('/spec/managementPolicies', ['*']));
    new ApiObject(folder, 'cluster', { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'c1' }, spec: {} });
    new ApiObject(folder, 'rg', { apiVersion: 'resources.azure.com/v1api20200601', kind: 'ResourceGroup', metadata: { name: 'rg', annotations: { 'serviceoperator.azure.com/reconcile-policy': 'manage' } }, spec: { location: 'westeurope' } });
    new ApiObject(folder, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    const objs = Testing.objects(app);
    const marks = (kind: string, name: string) => {
      const o = Testing.find(objs, kind, name);
      return [o.metadata.annotations ?? {}, o.spec?.managementPolicies];
    };
    const retained = { 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
    expect(marks('FlexibleServer', 'plain')).toEqual([retained, ['Observe', 'Create', 'Update', 'LateInitialize']]);
    expect(marks('FlexibleServer', 'destroy')).toEqual([{}, ['*']]);
    expect(marks('FlexibleServer', 'own-policies')).toEqual([{}, ['*']]);
    expect(marks('FlexibleServer', 'patched-policies')).toEqual([{}, ['*']]);
    expect(marks('Cluster', 'c1')).toEqual([retained, undefined]);
    expect(marks('ResourceGroup', 'rg')).toEqual([{ 'serviceoperator.azure.com/reconcile-policy': 'manage' }, undefined]);
    expect(marks('ConfigMap', 'cm')).toEqual([{}, undefined]);
  });
});

describe('CAPZ node pools of a retained cluster', () => {
  test('removing a node pool of a RETAIN AksCluster is a protected deletion of its MachinePool and AzureASOManagedMachinePool', () => {
    const out = tmp();
    const build = (pools: string[]) => {
      const app = newApp(out);
      new AksCluster(new Repo(app, 'platform').folder('clusters/mgmt/aks-dev', { namespace: 'fleet' }), 'aks', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
        name: 'aks-dev', namespace: 'fleet', location: 'westeurope', kubernetesVersion: 'v1.33.2',
        nodePools: pools.map((name, i) => ({ name, mode: i === 0 ? AksNodePoolMode.SYSTEM : AksNodePoolMode.USER, vmSize: 'Standard_D4s_v5', count: 2 })),
      });
      return app;
    };
    build(['system', 'user']).synth();
    expect(problems(() => build(['system']).synth()).map((p) => p.replace(/ To allow it.*/, ''))).toEqual([
      'platform/clusters--mgmt--aks-dev/aks/Pool-user (platform/clusters/mgmt/aks-dev/azureasomanagedmachinepool-aks-dev-user.yaml): AzureASOManagedMachinePool/fleet/aks-dev-user would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: ' +
        'retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false).',
      'platform/clusters--mgmt--aks-dev/aks/MachinePool-user (platform/clusters/mgmt/aks-dev/machinepool-aks-dev-user.yaml): MachinePool/fleet/aks-dev-user would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: ' +
        'retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false).',
    ]);
  });
});

describe('the guard of a re-synth reads only the committed files it does not write unchanged', () => {
  // Committed in git (the baseline is HEAD: files whose new blob id is HEAD's are not read) or
  // only on disk (files the synth found with the same bytes are not read): the same refusals.
  test.each(['disk', 'git'])('baseline on %s: every Flux-aware refusal as before', (where) => {
    const out = tmp();
    fluxApp(out).synth();
    if (where === 'git') {
      const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: out, stdio: 'pipe' });
      git('init', '-q');
      git('add', '-A');
      git('commit', '-q', '-m', 'v1');
    }
    expect(fluxApp(out).synthesize().repos.map((r) => r.changes)).toEqual([{ created: [], updated: [], deleted: [], conflicts: [] }]);
    expect(problems(() => fluxApp(out, { appsK: false }).synth())).toEqual([pruned('apps/db/flexibleserver-orders.yaml', `${K_APPS} is removed`)]);
    expect(problems(() => fluxApp(out, { dbFolder: 'infra/db' }).synth())).toEqual([pruned('apps/db/flexibleserver-orders.yaml', `${K_APPS} no longer applies it (its build of ./apps lacks it)`)]);
    expect(problems(() => fluxApp(out, { includeSubfolders: false }).synth())).toEqual([pruned('apps/db/flexibleserver-orders.yaml', `${K_APPS} no longer applies it (its build of ./apps lacks it)`)]);
    expect(problems(() => fluxApp(out, { appsPath: 'other' }).synth())).toEqual([pruned('apps/db/flexibleserver-orders.yaml', `${K_APPS} no longer applies it (its build of ./other lacks it)`)]);
  });
});

describe('a source that leaves a file out of its artifact', () => {
  /** A folder without kustomization.yaml (Flux generates one from the files it finds) holding a protected server, applied from a GitRepository of the app. */
  const build = (out: string, ignore?: string, allow?: string[], artifact = false) => {
    const app = newApp(out, allow);
    if (artifact) declarePreinstalled(app, Preinstalled.SOURCE_WATCHER);
    const repo = new Repo(app, 'platform', { url: 'https://example.com/platform' });
    const mgmt = repo.folder('clusters/mgmt', { namespace: 'flux-system' });
    const source = new GitRepository(mgmt, 'source', { name: 'platform', repo, ignore });
    const data = repo.folder('data', { namespace: 'team', kustomization: false });
    new ApiObject(data, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } } as any);
    unretained(new ApiObject(data, 'db', SERVER));
    // Directly, or through an ExternalArtifact copying the folder (the GitRepository's patterns apply first).
    const from = artifact ? new ArtifactGenerator(mgmt, 'gen', { name: 'gen', sources: [{ alias: 'repo', source }] }).addArtifact({ name: 'data', directories: ['data'] }) : source;
    Kustomization.forFolder(mgmt, 'data', data, { name: 'data', source: from, prune: true });
    return app;
  };

  test("an ignore pattern leaving a protected object's file out of a generated build is a protected prune (its file stays in Git)", () => {
    const out = tmp();
    build(out).synth();
    const refused = problems(() => build(out, 'flexibleserver-*.yaml\n').synth());
    expect(refused).toEqual([
      'platform/data/db (platform/data/flexibleserver-orders.yaml): FlexibleServer/team/orders would be pruned by Flux although its file stays in Git: ' +
        'Kustomization/flux-system/data (platform/clusters/mgmt/kustomization-data.yaml) no longer applies it: its source leaves data/flexibleserver-orders.yaml out of the artifact (spec.ignore pattern "flexibleserver-*.yaml"), ' +
        `but it is protected: stateful kind dbforpostgresql.azure.com/FlexibleServer. ${hint('platform::FlexibleServer/team/orders')}` +
        '; to keep it, re-include its file with a later "!" pattern in the source\'s spec.ignore ("!/data/flexibleserver-orders.yaml", and its folder\'s kustomization file if that is left out too), ' +
        'or retain the object (RemovalPolicy.RETAIN: Flux does not prune it)',
    ]);
    // plan says the same; a pattern leaving out only the ConfigMap prunes nothing protected; the scoped id allows it.
    expect(build(out, 'flexibleserver-*.yaml\n').plan().blocked.map((b) => blockedMessage(b, b.dir))).toEqual(refused);
    expect(() => build(out, 'configmap-*.yaml\n').synth()).not.toThrow();
    expect(() => build(out, 'flexibleserver-*.yaml\n', ['platform::FlexibleServer/team/orders']).synth()).not.toThrow();
  });

  test('a sub-folder with a kustomization.yaml of its own, left out entirely under a folder Flux generates the kustomization.yaml for', () => {
    const sub = (out: string, ignore?: string, allow?: string[]) => {
      const app = newApp(out, allow);
      const repo = new Repo(app, 'platform', { url: 'https://example.com/platform' });
      const mgmt = repo.folder('clusters/mgmt', { namespace: 'flux-system' });
      const source = new GitRepository(mgmt, 'source', { name: 'platform', repo, ignore });
      const apps = repo.folder('apps', { namespace: 'team', kustomization: false });
      new ApiObject(apps, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } } as any);
      unretained(new ApiObject(repo.folder('apps/db', { namespace: 'team' }), 'db', SERVER));
      Kustomization.forFolder(mgmt, 'apps', apps, { name: 'apps', source, prune: true });
      return app;
    };
    const out = tmp();
    sub(out).synth();
    expect(problems(() => sub(out, 'apps/db/\n').synth())).toEqual([
      'platform/apps--db/db (platform/apps/db/flexibleserver-orders.yaml): FlexibleServer/team/orders would be pruned by Flux although its file stays in Git: ' +
        'Kustomization/flux-system/apps (platform/clusters/mgmt/kustomization-apps.yaml) no longer applies it: its source leaves apps/db/flexibleserver-orders.yaml out of the artifact (spec.ignore pattern "apps/db/"), ' +
        `but it is protected: stateful kind dbforpostgresql.azure.com/FlexibleServer. ${hint('platform::FlexibleServer/team/orders')}` +
        '; to keep it, re-include its file with a later "!" pattern in the source\'s spec.ignore ("!/apps/db/flexibleserver-orders.yaml", and its folder\'s kustomization file if that is left out too), ' +
        'or retain the object (RemovalPolicy.RETAIN: Flux does not prune it)',
    ]);
    expect(() => sub(out, 'apps/db/\n', ['platform::FlexibleServer/team/orders']).synth()).not.toThrow();
  });

  test('through an ExternalArtifact: the GitRepository it copies from leaves the file out', () => {
    const out = tmp();
    build(out, undefined, undefined, true).synth();
    expect(problems(() => build(out, 'flexibleserver-*.yaml\n', undefined, true).synth())).toEqual([
      'platform/data/db (platform/data/flexibleserver-orders.yaml): FlexibleServer/team/orders would be pruned by Flux although its file stays in Git: ' +
        'Kustomization/flux-system/data (platform/clusters/mgmt/kustomization-data.yaml) no longer applies it: its source leaves data/flexibleserver-orders.yaml out of the artifact (spec.ignore pattern "flexibleserver-*.yaml"), ' +
        `but it is protected: stateful kind dbforpostgresql.azure.com/FlexibleServer. ${hint('platform::FlexibleServer/team/orders')}` +
        '; to keep it, re-include its file with a later "!" pattern in the source\'s spec.ignore ("!/data/flexibleserver-orders.yaml", and its folder\'s kustomization file if that is left out too), ' +
        'or retain the object (RemovalPolicy.RETAIN: Flux does not prune it)',
    ]);
  });
});

describe('a Namespace renamed (same construct, another name)', () => {
  test('is protected like a deletion: Kubernetes cannot rename it, so the old one goes with all it holds', () => {
    const out = tmp();
    const build = (name: string, allow?: string[]) => {
      const app = newApp(out, allow);
      new ApiObject(new Repo(app, 'platform').folder('tenants'), 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      return app;
    };
    build('team-a').synth();
    const [problem] = problems(() => build('team-alpha').synth());
    expect(problem).toContain('Namespace/team-a');
    expect(problem).toContain('a Namespace renamed: Kubernetes cannot rename one, so the old Namespace is deleted with every object in it, also those other Kustomizations and repos apply there, and a new, empty one is created');
    expect(problem).toContain(hint('platform::Namespace/team-a'));
    build('team-alpha', ['platform::Namespace/team-a']).synth();
    expect(fs.readdirSync(path.join(out, 'platform/tenants')).sort()).toEqual(['kustomization.yaml', 'namespace-team-alpha.yaml']);
  });
});
