// Fuzz targets of the Flux constructs.
import { handWrittenCluster } from '../../support/clusters';
import { ApiObject } from 'cdk8s';
import * as fc from 'fast-check';
import { ProviderSpecType } from '../../../imports/flux/notification.toolkit.fluxcd.io';
import { Repo } from '../../../lib';
import { addProvided } from '../../../lib/core/references';
import {
  Alert,
  FluxBootstrap,
  GitRepository,
  HelmRelease,
  HelmRepository,
  ISource,
  Kustomization,
  NotificationProvider,
  OCIRepository,
  Patches,
  RemoteClusterHydration,
  SystemsSync,
  Tenant,
  TenantClusterRole,
  TenantServicePolicy,
} from '../../../lib/flux';
import { FuzzContext, FuzzTarget, target } from '../harness';
import { chance, dnsLabel, duration, k8sName, mostly, oddString, opt, optDuration, smallInt, stringMap } from './common';

/** Declares Secrets (or other objects) as existing, so references to them resolve. */
function provide(ctx: FuzzContext, kind: string, name: string, namespace: string): void {
  addProvided(ctx.folder, { apiGroup: '', kind, name, namespace });
}

const namespace = (oneIn = 3) => opt(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('apps', 'flux-system', 'team-a') }, { weight: 1, arbitrary: k8sName() }), oneIn);
const shardKey = () => opt(fc.oneof({ weight: 4, arbitrary: dnsLabel }, { weight: 1, arbitrary: oddString }, { weight: 1, arbitrary: fc.constant('a'.repeat(64)) }), 5);
const labels = () => opt(fc.oneof(
  { weight: 4, arbitrary: stringMap(fc.constantFrom('team', 'app.kubernetes.io/name', 'tier'), dnsLabel) },
  { weight: 1, arbitrary: stringMap(fc.constantFrom('team', 'Bad Key', 'a/b/c'), fc.oneof(dnsLabel, oddString)) },
), 3);

const gitUrl = () => fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('https://github.com/stefanprodan/podinfo', 'ssh://git@github.com/contoso/platform', 'http://gitea.local/org/repo') },
  { weight: 1, arbitrary: fc.constantFrom('git@github.com:contoso/platform.git', 'github.com/contoso/platform', '', 'https://') },
  { weight: 1, arbitrary: oddString },
);
const gitRef = () => fc.oneof(
  { weight: 4, arbitrary: fc.record({ branch: fc.oneof(fc.constantFrom('main', 'release/v1'), oddString) }) },
  { weight: 2, arbitrary: fc.record({ tag: fc.oneof(fc.constantFrom('v1.0.0', '6.7.0'), oddString) }) },
  { weight: 1, arbitrary: fc.record({ semver: fc.constantFrom('>=1.0.0 <2.0.0', '6.x', '', 'latest') }) },
  { weight: 2, arbitrary: fc.record({ commit: fc.oneof(fc.stringMatching(/^[0-9a-f]{7,40}$/), fc.stringMatching(/^[0-9a-fA-F]{5,42}$/), oddString) }) },
  { weight: 1, arbitrary: fc.record({ branch: fc.constant('main'), tag: fc.constant('v1') }) },
  { weight: 1, arbitrary: fc.constant({}) },
);

const gitRepositorySpec = fc.record({
  name: k8sName(), namespace: namespace(), shardKey: shardKey(), labels: labels(),
  url: gitUrl(), ref: opt(gitRef(), 4), secretRef: opt(k8sName()), provideSecret: mostly(80),
  interval: opt(duration()), timeout: opt(duration()), ignore: opt(fc.string({ maxLength: 20 })), suspend: opt(fc.boolean()),
  include: opt(fc.record({ namespace: namespace(), fromPath: opt(fc.constantFrom('./deploy', 'charts')), toPath: opt(fc.constantFrom('vendor', '')) })),
});

type GitSpec = typeof gitRepositorySpec extends fc.Arbitrary<infer T> ? T : never;

function buildGit(ctx: FuzzContext, s: GitSpec, id = 'git'): GitRepository {
  const ns = s.namespace ?? 'apps';
  if (s.secretRef !== undefined && s.provideSecret) provide(ctx, 'Secret', s.secretRef, ns);
  const include = s.include
    ? [{ repository: new GitRepository(ctx.folder, `${id}-included`, { name: 'included', namespace: s.include.namespace, url: 'https://github.com/contoso/shared' }), fromPath: s.include.fromPath, toPath: s.include.toPath }]
    : undefined;
  return new GitRepository(ctx.folder, id, {
    name: s.name, namespace: s.namespace, shardKey: s.shardKey, labels: s.labels, url: s.url, ref: s.ref, secretRef: s.secretRef,
    interval: optDuration(s.interval), timeout: optDuration(s.timeout), ignore: s.ignore, suspend: s.suspend, include,
  });
}

const ociSpec = fc.record({
  name: k8sName(), namespace: namespace(), shardKey: shardKey(),
  url: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('oci://ghcr.io/stefanprodan/manifests/podinfo', 'oci://registry.local:5000/x') }, { weight: 1, arbitrary: fc.constantFrom('https://ghcr.io/x', 'ghcr.io/x', '') }),
  ref: fc.oneof(
    fc.record({ tag: fc.oneof(fc.constantFrom('latest', '6.7.0'), oddString) }),
    fc.record({ semver: fc.constantFrom('>=6.0.0', '*') }),
    fc.record({ digest: fc.oneof(fc.stringMatching(/^sha256:[0-9a-f]{64}$/), fc.constantFrom('sha256:abc', 'sha512:00', '')) }),
    fc.record({ tag: fc.constant('latest'), digest: fc.constant(`sha256:${'0'.repeat(64)}`) }),
    fc.constant({}),
  ),
  verify: opt(fc.record({
    provider: fc.constantFrom('cosign', 'notation') as fc.Arbitrary<'cosign' | 'notation'>,
    secretRef: opt(k8sName()),
    matchOidcIdentity: opt(fc.array(fc.record({ issuer: fc.constantFrom('^https://token.actions.githubusercontent.com$', ''), subject: fc.constantFrom('^https://github.com/org/.*$', '[') }), { maxLength: 2 })),
  })),
  secretRef: opt(k8sName()), provideSecrets: mostly(80),
  provider: opt(fc.constantFrom('generic', 'aws', 'azure', 'gcp') as fc.Arbitrary<'generic' | 'aws' | 'azure' | 'gcp'>),
  layerSelector: opt(fc.record({ mediaType: opt(fc.constantFrom('application/vnd.cncf.helm.chart.content.v1.tar+gzip', '')), operation: opt(fc.constantFrom('extract', 'copy') as fc.Arbitrary<'extract' | 'copy'>) })),
  interval: opt(duration()), ignore: opt(fc.string({ maxLength: 10 })),
});

const helmRepoSpec = fc.record({
  name: k8sName(), namespace: namespace(), shardKey: shardKey(),
  url: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('https://stefanprodan.github.io/podinfo', 'oci://ghcr.io/stefanprodan/charts', 'http://charts.local') }, { weight: 1, arbitrary: fc.constantFrom('ftp://x', 'charts.local', '') }),
  type: opt(fc.constantFrom('default', 'oci') as fc.Arbitrary<'default' | 'oci'>),
  secretRef: opt(k8sName()), provideSecret: mostly(80), interval: opt(duration()),
});

const relPath = () => fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('./apps', './', './clusters/prod', './a_b/c-d') },
  { weight: 2, arbitrary: fc.constantFrom('apps', '/apps', './a/../b', '../up', '', './x y', './/double') },
);

const kustomizationSpec = fc.record({
  name: k8sName(), namespace: namespace(), shardKey: shardKey(), labels: labels(),
  sourceKind: fc.constantFrom('git', 'oci', 'imported'), sourceNamespace: namespace(5),
  path: relPath(), prune: fc.boolean(), interval: opt(duration()), retryInterval: opt(duration()), timeout: opt(duration()), wait: opt(fc.boolean()),
  dependsOn: fc.array(fc.record({ name: k8sName(), namespace: namespace() }), { maxLength: 2 }),
  cycle: mostly(10),
  healthChecks: fc.array(fc.record({ apiVersion: fc.constantFrom('apps/v1', 'v1', ''), kind: fc.constantFrom('Deployment', 'Service', ''), name: k8sName(), namespace: namespace() }), { maxLength: 2 }),
  substitute: opt(stringMap(fc.oneof(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/), oddString), fc.oneof(dnsLabel, oddString))),
  substituteFrom: fc.array(fc.record({ kind: fc.constantFrom('ConfigMap', 'Secret') as fc.Arbitrary<'ConfigMap' | 'Secret'>, name: k8sName(), optional: opt(fc.boolean()) }), { maxLength: 2 }),
  serviceAccountName: opt(k8sName()), targetNamespace: opt(k8sName()),
  kubeConfigNamespace: opt(namespace(), 4),
  decryption: opt(fc.record({ secretRef: opt(k8sName()) })),
  deletionPolicy: opt(fc.constantFrom('MirrorPrune', 'Delete', 'WaitForTermination', 'Orphan') as fc.Arbitrary<'MirrorPrune'>),
  replicas: opt(fc.integer({ min: -2, max: 10 })),
  components: opt(fc.array(fc.constantFrom('../components/a', '/abs', 'c'), { maxLength: 2 })),
  force: opt(fc.boolean()), suspend: opt(fc.boolean()), provideAll: mostly(80),
});

type KustomizationSpec = typeof kustomizationSpec extends fc.Arbitrary<infer T> ? T : never;

function buildKustomization(ctx: FuzzContext, s: KustomizationSpec): void {
  const ns = s.namespace ?? 'apps';
  const srcNs = s.sourceNamespace ?? 'apps';
  let source: ISource;
  if (s.sourceKind === 'git') source = new GitRepository(ctx.folder, 'source', { name: 'podinfo', namespace: srcNs, url: 'https://github.com/stefanprodan/podinfo' });
  else if (s.sourceKind === 'oci') source = new OCIRepository(ctx.folder, 'source', { name: 'podinfo', namespace: srcNs, url: 'oci://ghcr.io/stefanprodan/manifests/podinfo', ref: { tag: 'latest' } });
  else source = GitRepository.fromName(ctx.folder, 'source', { name: 'flux-system', namespace: srcNs });
  const deps = s.dependsOn.map((d, i) => new Kustomization(ctx.folder, `dep${i}`, { name: d.name, namespace: d.namespace, source, path: './deps', prune: true }));
  if (s.provideAll) {
    for (const f of s.substituteFrom) provide(ctx, f.kind, f.name, ns);
    if (s.serviceAccountName) provide(ctx, 'ServiceAccount', s.serviceAccountName, ns);
    if (s.decryption?.secretRef) provide(ctx, 'Secret', s.decryption.secretRef, ns);
  }
  const kubeConfig = s.kubeConfigNamespace !== undefined ? handWrittenCluster(ctx.folder, 'aks-dev', s.kubeConfigNamespace) : undefined;
  if (kubeConfig && s.provideAll) provide(ctx, 'Secret', 'aks-dev-kubeconfig', s.kubeConfigNamespace!);
  const k = new Kustomization(ctx.folder, 'kustomization', {
    name: s.name, namespace: s.namespace, shardKey: s.shardKey, labels: s.labels, source, path: s.path, prune: s.prune,
    interval: optDuration(s.interval), retryInterval: optDuration(s.retryInterval), timeout: optDuration(s.timeout), wait: s.wait,
    dependsOn: deps, healthChecks: s.healthChecks, substitute: s.substitute, substituteFrom: s.substituteFrom,
    serviceAccountName: s.serviceAccountName, targetNamespace: s.targetNamespace, kubeConfig,
    decryption: s.decryption ? { provider: 'sops', secretRef: s.decryption.secretRef } : undefined,
    deletionPolicy: s.deletionPolicy, patches: s.replicas !== undefined ? [Patches.replicas('Deployment', 'podinfo', s.replicas)] : undefined,
    components: s.components, force: s.force, suspend: s.suspend,
  });
  if (s.cycle && deps.length > 0) deps[0].addDependsOn(k);
}

const helmReleaseSpec = fc.record({
  name: k8sName(), namespace: namespace(), shardKey: shardKey(),
  chartFrom: fc.constantFrom('helm', 'git', 'oci'), sourceNamespace: namespace(5),
  chart: fc.oneof(fc.constantFrom('podinfo', './charts/podinfo'), oddString), version: opt(fc.constantFrom('6.x', '>=1.0.0', '', '6.7.0')),
  chartInterval: opt(duration()),
  releaseName: opt(k8sName()), targetNamespace: opt(k8sName()), createNamespace: opt(fc.boolean()),
  installRetries: opt(smallInt(-1, 5)), installCrds: opt(fc.constantFrom('Skip', 'Create', 'CreateReplace') as fc.Arbitrary<'Skip'>), installTimeout: opt(duration()),
  upgradeRetries: opt(smallInt(-1, 5)), remediateLastFailure: opt(fc.boolean()), strategy: opt(fc.constantFrom('rollback', 'uninstall') as fc.Arbitrary<'rollback'>),
  upgradeTimeout: opt(duration()), cleanupOnFail: opt(fc.boolean()), interval: opt(duration()), timeout: opt(duration()),
  driftDetection: opt(fc.constantFrom('enabled', 'warn', 'disabled') as fc.Arbitrary<'enabled'>),
  values: opt(fc.dictionary(fc.oneof(dnsLabel, fc.constant('password')), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean()), { maxKeys: 3 })),
  valuesFrom: fc.array(fc.record({ kind: fc.constantFrom('ConfigMap', 'Secret') as fc.Arbitrary<'ConfigMap'>, name: k8sName(), valuesKey: opt(fc.oneof(dnsLabel, oddString)), targetPath: opt(fc.constantFrom('a.b', 'x')), optional: opt(fc.boolean()) }), { maxLength: 2 }),
  dependsOnCount: fc.integer({ min: 0, max: 2 }), cycle: mostly(10),
  serviceAccountName: opt(k8sName()), kubeConfigNamespace: opt(namespace(), 4), suspend: opt(fc.boolean()), provideAll: mostly(80),
});

type HelmReleaseSpec = typeof helmReleaseSpec extends fc.Arbitrary<infer T> ? T : never;

function buildHelmRelease(ctx: FuzzContext, s: HelmReleaseSpec): void {
  const ns = s.namespace ?? 'apps';
  const srcNs = s.sourceNamespace ?? 'apps';
  const helm = new HelmRepository(ctx.folder, 'charts', { name: 'charts', namespace: srcNs, url: 'https://stefanprodan.github.io/podinfo' });
  const chartProps = s.chartFrom === 'oci'
    ? { chartRef: new OCIRepository(ctx.folder, 'oci', { name: 'podinfo', namespace: srcNs, url: 'oci://ghcr.io/stefanprodan/charts/podinfo', ref: { tag: '6.7.0' } }) }
    : {
      chart: {
        repository: s.chartFrom === 'helm' ? helm : new GitRepository(ctx.folder, 'git', { name: 'podinfo', namespace: srcNs, url: 'https://github.com/stefanprodan/podinfo' }),
        chart: s.chart, version: s.version, interval: optDuration(s.chartInterval),
      },
    };
  const deps = Array.from({ length: s.dependsOnCount }, (_, i) => new HelmRelease(ctx.folder, `dep${i}`, { name: `dep${i}`, namespace: s.namespace, chart: { repository: helm, chart: 'dep' } }));
  if (s.provideAll) {
    for (const v of s.valuesFrom) provide(ctx, v.kind, v.name, ns);
    if (s.serviceAccountName) provide(ctx, 'ServiceAccount', s.serviceAccountName, ns);
    if (s.kubeConfigNamespace) provide(ctx, 'Secret', 'aks-dev-kubeconfig', s.kubeConfigNamespace);
  }
  const r = new HelmRelease(ctx.folder, 'release', {
    name: s.name, namespace: s.namespace, shardKey: s.shardKey, ...chartProps,
    releaseName: s.releaseName, targetNamespace: s.targetNamespace, createNamespace: s.createNamespace,
    install: { remediationRetries: s.installRetries, crds: s.installCrds, timeout: optDuration(s.installTimeout) },
    upgrade: { remediationRetries: s.upgradeRetries, remediateLastFailure: s.remediateLastFailure, remediationStrategy: s.strategy, crds: s.installCrds, cleanupOnFail: s.cleanupOnFail, timeout: optDuration(s.upgradeTimeout) },
    interval: optDuration(s.interval), timeout: optDuration(s.timeout), driftDetection: s.driftDetection, values: s.values, valuesFrom: s.valuesFrom,
    dependsOn: deps, serviceAccountName: s.serviceAccountName,
    kubeConfig: s.kubeConfigNamespace !== undefined ? handWrittenCluster(ctx.folder, 'aks-dev', s.kubeConfigNamespace) : undefined,
    suspend: s.suspend,
  });
  if (s.cycle && deps.length > 0) deps[deps.length - 1].addDependsOn(r);
}

const providerTypes = Object.values(ProviderSpecType) as string[];
const providerSpec = fc.record({
  name: k8sName(), namespace: namespace(),
  type: fc.constantFrom(...providerTypes) as fc.Arbitrary<`${ProviderSpecType}`>,
  secretRef: opt(k8sName(), 3), address: opt(fc.constantFrom('https://github.com/org/repo', 'http://alerts.local/hook', 'ftp://x', 'github.com/org/repo', '')),
  channel: opt(fc.oneof(dnsLabel, oddString)), username: opt(fc.oneof(dnsLabel, oddString)), timeout: opt(duration()), provideSecret: mostly(80),
});

const EVENT_KINDS = ['GitRepository', 'Kustomization', 'HelmRelease', 'OCIRepository', 'HelmChart', 'Bucket', 'Deployment'];
const alertSpec = fc.record({
  name: k8sName(), namespace: namespace(), providerNamespace: namespace(6),
  eventSources: fc.array(fc.oneof(
    fc.record({ wildcard: fc.constant(true), kind: fc.constantFrom(...EVENT_KINDS), namespace: namespace(), matchLabels: opt(stringMap()) }),
    fc.record({ wildcard: fc.constant(false), kind: fc.constant('GitRepository'), namespace: namespace() }),
  ), { maxLength: 3 }),
  eventSeverity: opt(fc.constantFrom('info', 'error') as fc.Arbitrary<'info'>), exclusionList: opt(fc.array(fc.constantFrom('.*timeout.*', '[', ''), { maxLength: 2 })),
  inclusionList: opt(fc.array(fc.constantFrom('.*', '(', ''), { maxLength: 2 })), summary: opt(fc.string({ maxLength: 20 })),
});

const tenantSpec = fc.record({
  name: k8sName(), namespace: opt(k8sName(), 4), clusterRole: opt(fc.oneof(fc.constantFrom('cluster-admin', 'edit', 'view', 'tenant-role'), oddString)),
  defineClusterRole: opt(fc.boolean()), url: gitUrl(), ref: opt(gitRef(), 4), secretRef: opt(k8sName(), 4), path: opt(relPath()), prune: opt(fc.boolean()),
  interval: opt(duration()), alert: opt(fc.record({ type: opt(fc.constantFrom('msteams', 'slack', 'generic') as fc.Arbitrary<'msteams'>), secretRef: k8sName(), eventSeverity: opt(fc.constantFrom('info', 'error') as fc.Arbitrary<'info'>) })),
  shardKey: shardKey(), provideAll: mostly(80),
});

type TenantSpec = typeof tenantSpec extends fc.Arbitrary<infer T> ? T : never;

function tenantProps(ctx: FuzzContext, s: TenantSpec) {
  const ns = s.namespace ?? s.name;
  if (s.provideAll) {
    if (s.secretRef) provide(ctx, 'Secret', s.secretRef, ns);
    if (s.alert) provide(ctx, 'Secret', s.alert.secretRef, ns);
    if (s.clusterRole && s.defineClusterRole === false) addProvided(ctx.folder, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: s.clusterRole });
  }
  return {
    name: s.name, namespace: s.namespace, clusterRole: s.clusterRole, defineClusterRole: s.defineClusterRole,
    repository: { url: s.url, ref: s.ref, secretRef: s.secretRef, interval: optDuration(s.interval) }, path: s.path, prune: s.prune,
    interval: optDuration(s.interval), alert: s.alert, shardKey: s.shardKey,
  };
}


/** The props Tenant gained with its guardrails: Entra group, quota, limits, network policy, Secret names, Service policy. */
const qty = () => fc.oneof({ weight: 8, arbitrary: fc.constantFrom('4', '500m', '8Gi', '100Gi', '0', '1.5') }, { weight: 1, arbitrary: fc.constantFrom('2x', '', '-1') });
const TEAM_ALPHA: TenantSpec = { name: 'team-alpha', url: 'https://github.com/contoso/team-alpha', provideAll: true } as TenantSpec;
const tenantGuardSpec = fc.record({
  tenant: fc.oneof({ weight: 5, arbitrary: fc.constant(TEAM_ALPHA) }, { weight: 1, arbitrary: tenantSpec }),
  entraGroupObjectId: opt(fc.oneof({ weight: 6, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.constantFrom('5F1C8F0E-3C4B-4F7A-9D2E-1A2B3C4D5E6F', 'team-alpha', '') }), 2),
  groupClusterRole: opt(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('view', 'edit', 'admin', 'cluster-admin') }, { weight: 1, arbitrary: oddString }), 4),
  secretNames: opt(fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom('app-secrets', 'db-credentials', 'aso-credential') }, { weight: 1, arbitrary: k8sName() }), { maxLength: 3 }), 3),
  secretInRepo: opt(fc.constantFrom('listed', 'unlisted'), 4),
  decryption: opt(fc.record({ secretRef: opt(fc.oneof(fc.constant('sops-age'), k8sName()), 2) }), 4),
  servicePolicy: opt(fc.boolean(), 3), defineServicePolicy: opt(fc.boolean(), 4), secondTenant: chance(10),
  resourceQuota: opt(fc.oneof(
    { weight: 1, arbitrary: fc.constant(false as const) },
    { weight: 4, arbitrary: fc.record({ hard: opt(fc.dictionary(fc.oneof({ weight: 8, arbitrary: fc.constantFrom('requests.cpu', 'limits.memory', 'pods', 'services.loadbalancers') }, { weight: 1, arbitrary: fc.constantFrom('Bad Key', '') }), qty(), { maxKeys: 3 }), 1) }) },
  ), 2),
  limitRange: opt(fc.oneof(
    { weight: 1, arbitrary: fc.constant(false as const) },
    { weight: 4, arbitrary: fc.record({
      defaultRequest: opt(fc.dictionary(fc.constantFrom('cpu', 'memory', 'gpu'), qty(), { maxKeys: 2 }), 2),
      defaultLimit: opt(fc.dictionary(fc.constantFrom('cpu', 'memory'), qty(), { maxKeys: 2 }), 2),
      max: opt(fc.dictionary(fc.constantFrom('cpu', 'memory'), qty(), { maxKeys: 2 }), 2),
    }) },
  ), 2),
  networkPolicy: opt(fc.oneof(
    { weight: 1, arbitrary: fc.constant(false as const) },
    { weight: 4, arbitrary: fc.record({
      ingressFromNamespaces: opt(fc.array(fc.oneof(fc.constantFrom('ingress-nginx', 'monitoring'), k8sName()), { maxLength: 2 }), 2),
      egress: opt(fc.array(fc.constantFrom<Record<string, unknown>>(
        { to: [{ ipBlock: { cidr: '10.20.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
        { to: [{ ipBlock: { cidr: '10.20.0.0' } }] },
        { ports: [{ protocol: 'SCTP', port: 70000 }] },
        { toFqdn: 'db.example.com' },
      ), { maxLength: 2 }), 3),
      dnsNamespace: opt(k8sName(), 4), dnsPodLabels: opt(stringMap(fc.constantFrom('k8s-app', 'a b'), dnsLabel), 4),
    }) },
  ), 2),
  allowAsoCredential: opt(fc.boolean(), 4),
});

const hydrationSpec = fc.record({
  clusterName: k8sName(), secretNamespace: fc.oneof(fc.constantFrom('apps', 'fleet'), k8sName()), namespace: namespace(6),
  stages: fc.array(fc.record({
    name: fc.oneof(fc.constantFrom('infra', 'apps', 'infra'), k8sName()), folder: relPath(), prune: opt(fc.boolean()), dependsOnPrevious: opt(fc.boolean()),
    wait: opt(fc.boolean()), timeout: opt(duration()), serviceAccountName: opt(k8sName(), 4), substitute: opt(stringMap(fc.constantFrom('cluster', 'REGION'), dnsLabel)),
  }), { maxLength: 3 }),
  interval: opt(duration()), shardKey: shardKey(), provideSecret: mostly(80),
});

const bootstrapSpec = fc.record({
  namespace: opt(k8sName(), 3), name: opt(k8sName(), 3), secretRef: opt(k8sName(), 3), url: opt(gitUrl(), 3),
  repoUrl: mostly(85), sourceInterval: opt(duration()), interval: opt(duration()), entryInOtherRepo: mostly(15),
});

export const FLUX_TARGETS: FuzzTarget[] = [
  target({ name: 'GitRepository', family: 'flux', arbitrary: gitRepositorySpec, build: (ctx, s) => void buildGit(ctx, s) }),
  target({
    name: 'OCIRepository', family: 'flux', arbitrary: ociSpec,
    build: (ctx, s) => {
      const ns = s.namespace ?? 'apps';
      if (s.provideSecrets) for (const n of [s.secretRef, s.verify?.secretRef]) if (n) provide(ctx, 'Secret', n, ns);
      new OCIRepository(ctx.folder, 'oci', { ...s, interval: optDuration(s.interval) });
    },
  }),
  target({
    name: 'HelmRepository', family: 'flux', arbitrary: helmRepoSpec,
    build: (ctx, s) => {
      if (s.secretRef && s.provideSecret) provide(ctx, 'Secret', s.secretRef, s.namespace ?? 'apps');
      new HelmRepository(ctx.folder, 'helm', { ...s, interval: optDuration(s.interval) });
    },
  }),
  target({ name: 'Kustomization', family: 'flux', arbitrary: kustomizationSpec, build: buildKustomization }),
  target({ name: 'HelmRelease', family: 'flux', arbitrary: helmReleaseSpec, build: buildHelmRelease }),
  target({
    name: 'NotificationProvider', family: 'flux', arbitrary: providerSpec,
    build: (ctx, s) => {
      if (s.secretRef && s.provideSecret) provide(ctx, 'Secret', s.secretRef, s.namespace ?? 'apps');
      new NotificationProvider(ctx.folder, 'provider', { ...s, timeout: optDuration(s.timeout) });
    },
  }),
  target({
    name: 'Alert', family: 'flux', arbitrary: alertSpec,
    build: (ctx, s) => {
      const pns = s.providerNamespace ?? 'apps';
      provide(ctx, 'Secret', 'webhook', pns);
      const provider = new NotificationProvider(ctx.folder, 'provider', { name: 'teams', namespace: pns, type: 'msteams', secretRef: 'webhook' });
      const sources = s.eventSources.map((e, i) => (e.wildcard
        ? { kind: e.kind, name: '*' as const, namespace: e.namespace, matchLabels: 'matchLabels' in e ? e.matchLabels : undefined }
        : new GitRepository(ctx.folder, `src${i}`, { name: `src${i}`, namespace: e.namespace, url: 'https://github.com/contoso/platform' })));
      new Alert(ctx.folder, 'alert', { name: s.name, namespace: s.namespace, provider, eventSources: sources, eventSeverity: s.eventSeverity, exclusionList: s.exclusionList, inclusionList: s.inclusionList, summary: s.summary });
    },
  }),
  target({ name: 'Tenant', family: 'flux', arbitrary: tenantSpec, build: (ctx, s) => void new Tenant(ctx.folder, 'tenant', tenantProps(ctx, s)) }),
  target({
    name: 'SystemsSync', family: 'flux',
    arbitrary: fc.record({ teams: fc.array(tenantSpec, { maxLength: 3 }), clusterRole: opt(fc.constantFrom('tenant', 'edit', 'Bad Role')), defineClusterRole: opt(fc.boolean()), allowServices: opt(fc.boolean()) }),
    build: (ctx, s) => {
      const teams = s.teams.map((t) => {
        const { defineClusterRole, clusterRole, ...rest } = tenantProps(ctx, { ...t, defineClusterRole: undefined });
        void defineClusterRole;
        return { ...rest, clusterRole: t.clusterRole === undefined ? undefined : clusterRole };
      });
      if (s.defineClusterRole === false && s.clusterRole) addProvided(ctx.folder, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: s.clusterRole });
      new SystemsSync(ctx.folder, 'teams', { teams, clusterRole: s.clusterRole, defineClusterRole: s.defineClusterRole, allowServices: s.allowServices });
    },
  }),
  target({
    name: 'TenantGuardrails', family: 'flux', arbitrary: tenantGuardSpec,
    build: (ctx, s) => {
      const { tenant, secondTenant, secretInRepo, decryption, ...guard } = s;
      const props = tenantProps(ctx, tenant);
      const ns = tenant.namespace ?? tenant.name;
      if (decryption?.secretRef && tenant.provideAll) provide(ctx, 'Secret', decryption.secretRef, ns);
      const t = new Tenant(ctx.folder, 'tenant', { ...props, ...guard, decryption: decryption ? { provider: 'sops', secretRef: decryption.secretRef } : undefined });
      void t;
      if (secondTenant) new Tenant(ctx.folder, 'tenant2', { name: 'team-beta', repository: { url: 'https://github.com/contoso/team-beta' }, servicePolicy: guard.servicePolicy });
      if (secretInRepo) {
        // The tenant's repo is in the app: synth checks its Secrets against secretNames.
        const repo = new Repo(ctx.app, 'tenant-repo', { url: tenant.url });
        // The tenant path, when it is a folder path the layout accepts (odd paths are the Tenant's to refuse, not the repo's).
        const path = (tenant.path ?? '').replace(/^\.\/?/, '').replace(/\/+$/, '');
        const folder = repo.folder(/^[a-z0-9._-]+(\/[a-z0-9._-]+)*$/.test(path) ? path : 'deploy', { namespace: ns });
        new ApiObject(folder, 'secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: secretInRepo === 'listed' ? (guard.secretNames?.[0] ?? 'app-secrets') : 'unlisted-secret' }, stringData: { x: 'ENC[AES256_GCM,data:abc,type:str]' } });
      }
    },
  }),
  target({
    name: 'TenantServicePolicy', family: 'flux',
    arbitrary: fc.record({ name: opt(k8sName(), 2), twice: chance(10), withTenant: chance(40) }),
    build: (ctx, s) => {
      new TenantServicePolicy(ctx.folder, 'policy', { name: s.name });
      if (s.twice) new TenantServicePolicy(ctx.repo.folder('other'), 'policy', { name: s.name });
      if (s.withTenant) new Tenant(ctx.folder, 'tenant', { name: 'team-alpha', repository: { url: 'https://github.com/contoso/team-alpha' }, defineServicePolicy: false });
    },
  }),
  target({
    name: 'TenantClusterRole', family: 'flux', arbitrary: fc.record({ name: opt(k8sName()), allowServices: opt(fc.boolean()) }),
    build: (ctx, s) => void new TenantClusterRole(ctx.folder, 'role', s),
  }),
  target({
    name: 'RemoteClusterHydration', family: 'flux', arbitrary: hydrationSpec,
    build: (ctx, s) => {
      const ns = s.namespace ?? s.secretNamespace;
      const source = new GitRepository(ctx.folder, 'source', { name: 'platform', namespace: ns, url: 'https://github.com/contoso/platform' });
      if (s.provideSecret) {
        provide(ctx, 'Secret', `${s.clusterName}-kubeconfig`, s.secretNamespace);
      }
      new RemoteClusterHydration(ctx.folder, 'hydration', {
        cluster: handWrittenCluster(ctx.folder, s.clusterName, s.secretNamespace),
        source, namespace: s.namespace, interval: optDuration(s.interval), shardKey: s.shardKey,
        stages: s.stages.map((st) => ({ ...st, timeout: optDuration(st.timeout) })),
      });
    },
  }),
  target({
    name: 'FluxBootstrap', family: 'flux', arbitrary: bootstrapSpec,
    build: (ctx, s) => {
      const repo = s.repoUrl ? ctx.repo : new Repo(ctx.app, 'nourl');
      const entry = (s.entryInOtherRepo ? new Repo(ctx.app, 'other') : repo).folder('clusters/mgmt');
      new FluxBootstrap(ctx.folder, 'flux', {
        repo, entry, namespace: s.namespace, name: s.name, secretRef: s.secretRef, url: s.url, sourceInterval: optDuration(s.sourceInterval), interval: optDuration(s.interval),
      });
    },
  }),
];
