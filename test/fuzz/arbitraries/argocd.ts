// Fuzz targets of the Argo CD constructs.
import { handWrittenCluster } from '../../support/clusters';
import { ApiObject } from 'cdk8s';
import * as fc from 'fast-check';
import { Repo } from '../../../lib';
import {
  AppProject,
  Application,
  ApplicationSet,
  ArgoCdBootstrap,
  CapiClusterRegistration,
  ClusterGenerator,
  GitGenerator,
  IAppProject,
  IGenerator,
  ListGenerator,
  TeamProject,
} from '../../../lib/argocd';
import { AksNodePoolMode } from '../../../lib/aso';
import { AksCluster } from '../../../lib/capi';
import { FuzzContext, FuzzTarget, target } from '../harness';
import { dnsLabel, duration, DurationSpec, guid, k8sName, chance, oddString, opt, optDuration, smallInt, stringMap } from './common';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../../support/kubeconfig-access';

const namespace = () => opt(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('argocd', 'apps') }, { weight: 1, arbitrary: k8sName() }), 4);
const labels = () => opt(fc.oneof({ weight: 4, arbitrary: stringMap(fc.constantFrom('team', 'env'), dnsLabel) }, { weight: 1, arbitrary: stringMap(fc.constantFrom('team', 'a b', 'x/'), oddString) }), 4);

/** Notification subscriptions: valid triggers and channel names, and URLs, uppercase, empty lists. */
const subscriptions = () => opt(fc.array(fc.record({
  trigger: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('on-sync-failed', 'on-health-degraded', 'on-deployed') }, { weight: 1, arbitrary: fc.constantFrom('On-Sync', 'on sync', '', '-x') }),
  service: opt(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('teams', 'slack') }, { weight: 1, arbitrary: oddString }), 3),
  recipients: fc.oneof(
    { weight: 6, arbitrary: fc.array(fc.constantFrom('team-alpha', 'ops_channel', 'platform.alerts'), { minLength: 1, maxLength: 2 }) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom('https://contoso.webhook.office.com/x', '', '-a', 'a;b'), { maxLength: 2 }) },
  ),
}), { maxLength: 2 }), 3);

/** Cluster targets as plain data: in-cluster, by name, by server, both, neither. */
type ClusterSpec = { kind: 'none' } | { kind: 'name'; name: string } | { kind: 'server'; server: string } | { kind: 'both' } | { kind: 'empty' };
const clusterSpec = (): fc.Arbitrary<ClusterSpec> => fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('name' as const), name: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('aks-dev', 'in-cluster', 'AKS_Prod.1') }, { weight: 1, arbitrary: oddString }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('server' as const), server: fc.constantFrom('https://kubernetes.default.svc', 'https://aks-dev.hcp.westeurope.azmk8s.io:443', 'http://x', 'aks-dev', '') }) },
  { weight: 1, arbitrary: fc.constantFrom({ kind: 'both' as const }, { kind: 'empty' as const }) },
);
function cluster(c: ClusterSpec): any {
  switch (c.kind) {
    case 'none': return undefined;
    case 'name': return { name: c.name };
    case 'server': return { server: c.server };
    case 'both': return { name: 'aks-dev', server: 'https://aks-dev.example.com' };
    default: return {};
  }
}

const groupKinds = () => opt(fc.array(fc.record({
  group: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('', '*', 'apps', 'networking.k8s.io') }, { weight: 1, arbitrary: fc.constantFrom('Apps', 'a b', '/') }),
  kind: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('*', 'Namespace', 'Deployment', 'ConfigMap') }, { weight: 1, arbitrary: fc.constantFrom('deployment', '', 'Config Map') }),
  name: opt(fc.constantFrom('team-*', 'x'), 4),
}), { maxLength: 2 }), 3);

const projectSpec = fc.record({
  name: k8sName(), namespace: namespace(), labels: labels(), description: opt(fc.string({ maxLength: 20 }), 3),
  sourceRepos: fc.array(fc.oneof(
    { weight: 4, arbitrary: fc.constant('repo') },
    { weight: 3, arbitrary: fc.constantFrom('https://github.com/contoso/charts', 'git@github.com:contoso/x.git', 'ssh://git@github.com/contoso/x', 'https://github.com/contoso/*', '*') },
    { weight: 1, arbitrary: fc.constantFrom('repo-without-url', 'github.com', '', 'http s://x', 'contoso/x') },
  ), { maxLength: 3 }),
  destinations: fc.array(fc.record({
    cluster: clusterSpec(),
    namespace: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('apps', 'team-*', '*', '!kube-system') }, { weight: 1, arbitrary: fc.constantFrom('', 'Apps', '!', 'a_b', 'a'.repeat(64)) }),
  }), { maxLength: 3 }),
  clusterResourceWhitelist: groupKinds(), clusterResourceBlacklist: groupKinds(), namespaceResourceWhitelist: groupKinds(), namespaceResourceBlacklist: groupKinds(),
  roles: opt(fc.array(fc.record({
    name: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('team', 'ops') }, { weight: 1, arbitrary: k8sName() }),
    description: opt(fc.string({ maxLength: 10 })),
    groups: fc.oneof({ weight: 6, arbitrary: fc.array(guid(), { minLength: 1, maxLength: 2 }) }, { weight: 1, arbitrary: fc.array(fc.constantFrom('a,b', '', ' x', 'ops team'), { maxLength: 2 }) }),
    access: opt(fc.constantFrom('admin', 'sync', 'read-only', 'write', '') as fc.Arbitrary<'admin'>),
  }), { maxLength: 2 }), 3),
  sourceNamespaces: opt(fc.array(fc.oneof(fc.constantFrom('apps', 'team-*', '*'), k8sName()), { maxLength: 2 }), 4),
  finalizer: opt(fc.boolean(), 3), subscriptions: subscriptions(),
});
type ProjectSpec = typeof projectSpec extends fc.Arbitrary<infer T> ? T : never;

/** A folder of the platform repo with one ConfigMap (so it writes a file). */
function appFolder(ctx: FuzzContext, path: string, opts: { kustomization?: boolean; namespace?: string } = {}) {
  const f = ctx.repo.folder(path, { namespace: opts.namespace ?? 'apps', kustomization: opts.kustomization });
  if (!f.node.tryFindChild('cm')) new ApiObject(f, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `settings-${path.replace(/\W/g, '-')}` }, data: { x: '1' } });
  return f;
}

function buildProject(ctx: FuzzContext, s: ProjectSpec): void {
  const noUrl = new Repo(ctx.app, 'nourl');
  new AppProject(ctx.folder, 'project', {
    ...s,
    sourceRepos: s.sourceRepos.map((r) => (r === 'repo' ? ctx.repo : r === 'repo-without-url' ? noUrl : r)),
    destinations: s.destinations.map((d) => ({ cluster: cluster(d.cluster), namespace: d.namespace })),
  });
}

/** A small AKS cluster of the app (a CAPI Cluster object), in folder `clusters`. */
function aksCluster(ctx: FuzzContext, name: string, id = name) {
  const folder = ctx.repo.node.tryFindChild('clusters') ? ctx.repo.folder('clusters') : ctx.repo.folder('clusters', { namespace: 'fleet' });
  return new AksCluster(folder, id, { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
    name, location: 'westeurope', kubernetesVersion: 'v1.33.2', credentialFrom: 'aso-credential',
    nodePools: [{ name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' }],
  });
}

const retrySpec = () => opt(fc.oneof(
  { weight: 1, arbitrary: fc.constant(false as const) },
  { weight: 4, arbitrary: fc.record({ limit: opt(smallInt(0, 10)), backoff: opt(duration()), factor: opt(smallInt(1, 4)), maxBackoff: opt(duration()) }) },
), 3);
type RetrySpec = { limit?: number; backoff?: DurationSpec; factor?: number; maxBackoff?: DurationSpec } | false | undefined;
const retry = (r: RetrySpec) => (r === undefined || r === false ? r : { ...r, backoff: optDuration(r.backoff), maxBackoff: optDuration(r.maxBackoff) });

const applicationSpec = fc.record({
  name: k8sName(), namespace: namespace(), labels: labels(),
  project: fc.constantFrom('construct', 'fromName', 'default'),
  source: fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('folder' as const), kustomization: chance(90), repoUrl: fc.oneof({ weight: 10, arbitrary: fc.constant('https://github.com/contoso/platform') }, { weight: 1, arbitrary: fc.constantFrom('none', 'ftp://x') }) }) },
    {
      weight: 3, arbitrary: fc.record({
        kind: fc.constant('chart' as const),
        repoUrl: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('https://stefanprodan.github.io/podinfo', 'oci://ghcr.io/stefanprodan/charts') }, { weight: 1, arbitrary: fc.constantFrom('http://x', 'ghcr.io/x', '') }),
        chart: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('podinfo', 'ingress-nginx') }, { weight: 1, arbitrary: fc.constantFrom('Podinfo', '', 'a/b') }),
        version: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('6.7.0', 'v1.2.3', '1.0.0-rc.1') }, { weight: 1, arbitrary: fc.constantFrom('6.x', '>=1.0.0', '', 'latest') }),
        releaseName: opt(dnsLabel, 4),
        values: opt(fc.dictionary(dnsLabel, fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean()), { maxKeys: 2 }), 3),
      }),
    },
  ),
  targetRevision: opt(fc.constantFrom('main', 'v1.0.0', '6.7.0', ''), 4),
  destination: opt(fc.record({ cluster: fc.oneof({ weight: 5, arbitrary: clusterSpec() }, { weight: 1, arbitrary: fc.record({ kind: fc.constant('aks' as const), register: chance(70) }) }), namespace: opt(k8sName(), 2) }), 4),
  automated: opt(fc.boolean(), 3), prune: opt(fc.boolean(), 3), selfHeal: opt(fc.boolean(), 3),
  syncOptions: opt(fc.array(fc.oneof(fc.constantFrom('ServerSideApply=true', 'PruneLast=true', 'CreateNamespace=true'), fc.constantFrom('ServerSideApply', '=true', 'A=b c', '')), { maxLength: 2 }), 3),
  createNamespace: opt(fc.boolean(), 3), syncWave: opt(fc.oneof(smallInt(-5, 5), fc.constant(1.5)), 3), syncWaves: opt(fc.boolean(), 4),
  retry: retrySpec(), cascadeDelete: opt(fc.boolean(), 3), subscriptions: subscriptions(),
  protectedObject: chance(15),
});

const applicationSetSpec = fc.record({
  name: k8sName(), namespace: namespace(), labels: labels(), subscriptions: subscriptions(),
  generators: fc.array(fc.oneof(
    fc.record({ kind: fc.constant('list' as const), elements: fc.array(fc.record({ env: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('dev', 'prod') }, { weight: 1, arbitrary: fc.constantFrom('test', '') }) }), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('git' as const), envs: fc.oneof({ weight: 8, arbitrary: fc.subarray(['dev', 'prod'], { minLength: 1 }) }, { weight: 1, arbitrary: fc.constant([] as string[]) }) }),
    fc.record({ kind: fc.constant('selector' as const), labels: stringMap(fc.constantFrom('env', 'a b'), dnsLabel) }),
    fc.record({ kind: fc.constant('registered' as const), matchLabels: opt(stringMap(fc.constantFrom('environment', 'team'), fc.constantFrom('dev', 'prod')), 2) }),
  ), { minLength: 1, maxLength: 2 }),
  path: fc.constantFrom('apps/{{.env}}', 'apps/{{.path.basename}}', 'apps/dev', 'apps/{{index .metadata.labels "platform.cdk8s.io/cluster-name"}}', 'apps/{{.missing}}', 'apps/{{ .env | upper }}', 'apps/nowhere'),
  templateName: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('{{.env}}-apps', 'apps-{{.name}}', 'static') }, { weight: 1, arbitrary: fc.constantFrom('', 'a'.repeat(254)) }),
  destination: fc.constantFrom({ server: '{{.server}}', namespace: 'apps' }, { name: '{{.name}}' }, { server: 'https://kubernetes.default.svc', namespace: 'apps' }),
  automated: opt(fc.boolean(), 3), prune: opt(fc.boolean(), 3), selfHeal: opt(fc.boolean(), 3),
  syncOptions: opt(fc.array(fc.constantFrom('CreateNamespace=true', 'ServerSideApply', ''), { maxLength: 2 }), 3),
  cascadeDelete: opt(fc.boolean(), 3), templateLabels: labels(), preserveResourcesOnDeletion: opt(fc.boolean(), 3),
});

const teamSpec = fc.record({
  name: k8sName(), namespace: opt(k8sName(), 4), teamRepoUrl: fc.oneof({ weight: 8, arbitrary: fc.constant('https://github.com/contoso/team-alpha') }, { weight: 1, arbitrary: fc.constant('none') }),
  clusters: opt(fc.array(fc.record({ cluster: clusterSpec(), namespaceFolder: chance(40) }), { maxLength: 3 }), 3),
  entraGroupId: fc.oneof({ weight: 6, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.constantFrom('5F1C8F0E-3C4B-4F7A-9D2E-1A2B3C4D5E6F', 'team-alpha', '') }),
  access: opt(fc.constantFrom('admin', 'sync', 'read-only', 'owner') as fc.Arbitrary<'admin'>, 3),
  teamsChannel: opt(fc.oneof({ weight: 5, arbitrary: fc.constantFrom('team-alpha', 'alpha_alerts') }, { weight: 1, arbitrary: fc.constantFrom('https://x', 'a b') }), 2),
  alertTriggers: opt(fc.array(fc.oneof(fc.constantFrom('on-sync-failed', 'on-deployed'), fc.constantFrom('On-Sync', '')), { maxLength: 2 }), 3),
  allowServices: opt(fc.boolean(), 3), argoCdNamespace: opt(fc.oneof(fc.constant('argocd'), k8sName()), 4),
});

export const ARGOCD_TARGETS: FuzzTarget[] = [
  target({ name: 'AppProject', family: 'argocd', arbitrary: projectSpec, build: buildProject }),
  target({
    name: 'Application', family: 'argocd', arbitrary: applicationSpec,
    build: (ctx, s) => {
      const project: IAppProject = s.project === 'construct'
        ? new AppProject(ctx.folder, 'project', { name: 'apps', sourceRepos: ['*'], destinations: [{ namespace: '*' }, { cluster: { name: 'aks-dev' }, namespace: '*' }] })
        : s.project === 'fromName' ? AppProject.fromName(ctx.folder, 'project', { name: 'apps' }) : AppProject.default(ctx.folder, 'project');
      let source: any;
      if (s.source.kind === 'folder') {
        const repo = s.source.repoUrl === 'none' ? new Repo(ctx.app, 'nourl') : s.source.repoUrl === 'ftp://x' ? new Repo(ctx.app, 'ftp', { url: 'ftp://x' }) : ctx.repo;
        source = repo.folder('deploy/app', { namespace: 'apps', kustomization: s.source.kustomization });
        new ApiObject(source, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { x: '1' } });
        if (s.protectedObject) new ApiObject(source, 'pvc', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
      } else {
        const { kind, ...chart } = s.source;
        void kind;
        source = chart;
      }
      let destination: any;
      if (s.destination) {
        const c = s.destination.cluster;
        let target: any;
        if (c.kind === 'aks') {
          target = aksCluster(ctx, 'aks-dev');
          if (c.register) new CapiClusterRegistration(ctx.folder, 'registration', { clusters: [target] });
        } else target = cluster(c);
        destination = { cluster: target, namespace: s.destination.namespace };
      }
      new Application(ctx.folder, 'app', { ...s, project, source, destination, retry: retry(s.retry as RetrySpec) });
    },
  }),
  target({
    name: 'ApplicationSet', family: 'argocd', arbitrary: applicationSetSpec,
    build: (ctx, s) => {
      const project = new AppProject(ctx.folder, 'project', { name: 'apps', sourceRepos: [ctx.repo], destinations: [{ namespace: '*' }] });
      const dev = appFolder(ctx, 'apps/dev');
      const prod = appFolder(ctx, 'apps/prod');
      let registration: CapiClusterRegistration | undefined;
      const generators: IGenerator[] = s.generators.map((g) => {
        if (g.kind === 'list') return ListGenerator.of(g.elements);
        if (g.kind === 'git') return GitGenerator.directories(g.envs.map((e) => (e === 'dev' ? dev : prod)));
        if (g.kind === 'selector') return ClusterGenerator.selector(g.labels);
        registration ??= new CapiClusterRegistration(ctx.folder, 'registration', { clusters: [aksCluster(ctx, 'dev'), aksCluster(ctx, 'prod')] });
        return ClusterGenerator.registered(registration, { matchLabels: g.matchLabels });
      });
      new ApplicationSet(ctx.folder, 'appset', {
        name: s.name, namespace: s.namespace, labels: s.labels, subscriptions: s.subscriptions, generators, preserveResourcesOnDeletion: s.preserveResourcesOnDeletion,
        template: {
          name: s.templateName, project, repo: ctx.repo, path: s.path, destination: s.destination, automated: s.automated, prune: s.prune, selfHeal: s.selfHeal,
          syncOptions: s.syncOptions, cascadeDelete: s.cascadeDelete, labels: s.templateLabels,
        },
      });
    },
  }),
  target({
    name: 'TeamProject', family: 'argocd', arbitrary: teamSpec,
    build: (ctx, s) => {
      const teamRepo = new Repo(ctx.app, 'team', s.teamRepoUrl === 'none' ? {} : { url: s.teamRepoUrl });
      const source = teamRepo.folder('deploy', { namespace: s.namespace ?? 'x' });
      new ApiObject(source, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { x: '1' } });
      new TeamProject(ctx.folder, 'team', {
        ...s,
        source,
        clusters: s.clusters?.map((c, i) => ({ cluster: cluster(c.cluster), namespaceFolder: c.namespaceFolder ? ctx.repo.folder(`clusters/c${i}`) : undefined })),
      });
    },
  }),
  target({
    name: 'ArgoCdBootstrap', family: 'argocd',
    arbitrary: fc.record({ name: opt(k8sName(), 3), namespace: opt(k8sName(), 3), inEntry: chance(90), ownProject: chance(20), entryNamespace: opt(fc.constantFrom('argocd', 'apps'), 2), repoUrl: chance(90) }),
    build: (ctx, s) => {
      const repo = s.repoUrl ? ctx.repo : new Repo(ctx.app, 'nourl');
      const entry = repo.folder('clusters/mgmt/argocd', { namespace: s.entryNamespace });
      const project = s.ownProject ? AppProject.fromName(ctx.folder, 'project', { name: 'platform', namespace: s.namespace ?? 'argocd' }) : undefined;
      new ArgoCdBootstrap(s.inEntry ? entry : ctx.folder, 'bootstrap', { entry, name: s.name, namespace: s.namespace, project });
    },
  }),
  target({
    name: 'CapiClusterRegistration', family: 'argocd',
    arbitrary: fc.record({
      clusters: fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom('aks-dev', 'aks-prod') }, { weight: 1, arbitrary: fc.constant('external') }), { maxLength: 3 }),
      labels: opt(fc.oneof(
        { weight: 4, arbitrary: stringMap(fc.constantFrom('platform.cdk8s.io/fleet', 'team'), dnsLabel) },
        { weight: 1, arbitrary: stringMap(fc.constantFrom('platform.cdk8s.io/cluster-name', 'a b', 'x/'), oddString) },
      ), 2),
      carryLabels: opt(fc.array(fc.oneof(fc.constantFrom('environment', 'team', 'region'), oddString), { maxLength: 2 }), 3),
    }),
    build: (ctx, s) => {
      const made = new Map<string, any>();
      const clusters = s.clusters.map((c) => {
        if (c === 'external') return handWrittenCluster(ctx.folder, 'external', 'fleet');
        if (!made.has(c)) made.set(c, aksCluster(ctx, c));
        return made.get(c);
      });
      new CapiClusterRegistration(ctx.folder, 'registration', { clusters, labels: s.labels, carryLabels: s.carryLabels });
    },
  }),
];
