// FluxBootstrap shards: Flux's documented sharding setup (fluxcd.io/flux/installation/configuration/sharding).
import { GitOpsApp, Repo } from '../../lib';
import { FluxBootstrap } from '../../lib/flux';
import { Testing } from '../../lib/testing';

function bootstrap(shards?: string[]) {
  const app = new GitOpsApp({ outdir: '/tmp/fleet-sharding-unused' });
  const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
  const fluxFolder = repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' });
  const flux = new FluxBootstrap(fluxFolder, 'flux', { repo, entry: repo.folder('clusters/mgmt'), shards });
  return { app, flux, fluxFolder };
}

const DELETE = 'apiVersion: v1\nkind: all\nmetadata:\n  name: all\n$patch: delete\n';

test('without shards: no patch, no shard Kustomizations', () => {
  const { app, flux } = bootstrap();
  expect(flux.shardKustomizations).toEqual([]);
  expect(Testing.find(Testing.objects(app), 'Kustomization', 'flux-system').spec.patches).toBeUndefined();
});

test('main controllers exclude sharded objects; one Kustomization per shard builds its controllers', () => {
  const { app, flux } = bootstrap(['shard1', 'shard2']);
  const objs = Testing.objects(app);
  expect(Testing.find(objs, 'Kustomization', 'flux-system').spec.patches).toEqual([{
    patch: '- op: add\n  path: /spec/template/spec/containers/0/args/0\n  value: --watch-label-selector=!sharding.fluxcd.io/key\n',
    target: { kind: 'Deployment', name: '(source-controller|kustomize-controller|helm-controller)', annotationSelector: '!sharding.fluxcd.io/role' },
  }]);
  expect(flux.shardKustomizations.map((k) => k.name)).toEqual(['flux-system-shard1', 'flux-system-shard2']);
  const shard1 = Testing.find(objs, 'Kustomization', 'flux-system-shard1');
  // Reconciled by the main controllers: no shard label of its own.
  expect(shard1.metadata).toEqual({ name: 'flux-system-shard1', namespace: 'flux-system' });
  expect(shard1.spec).toMatchObject({
    path: './clusters/mgmt/flux-system', prune: true, nameSuffix: '-shard1',
    commonMetadata: { annotations: { 'sharding.fluxcd.io/role': 'shard' } },
    sourceRef: { kind: 'GitRepository', name: 'flux-system' },
  });
  const patches = shard1.spec.patches as Array<{ patch: string; target: Record<string, string> }>;
  expect(patches.filter((p) => p.patch === DELETE).map((p) => p.target)).toEqual([
    { kind: '(Namespace|CustomResourceDefinition|ClusterRole|ClusterRoleBinding|ServiceAccount|NetworkPolicy|ResourceQuota)', labelSelector: 'app.kubernetes.io/part-of=flux' },
    { labelSelector: 'app.kubernetes.io/component=notification-controller' },
    { kind: 'Deployment', name: '(image-reflector-controller|image-automation-controller)' },
    { group: '(source|kustomize|helm|notification|image).toolkit.fluxcd.io' },
  ]);
  expect(patches[patches.length - 1]).toEqual({
    patch: '- op: add\n  path: /spec/template/spec/containers/0/args/-\n  value: --watch-label-selector=sharding.fluxcd.io/key=shard1\n',
    target: { kind: 'Deployment', name: '(source-controller|kustomize-controller|helm-controller)' },
  });
  expect(patches.find((p) => p.target.name === 'source-controller' && p.target.kind === 'Deployment')!.patch).toContain(
    'value: --storage-adv-addr=source-controller-shard1.$(RUNTIME_NAMESPACE).svc.cluster.local.',
  );
});

test('shard keys are checked', () => {
  expect(Testing.errorOf(() => bootstrap([]))).toBe('platform/clusters--mgmt--flux-system/flux: prop "shards": must list at least one shard key, or be left out');
  expect(Testing.errorOf(() => bootstrap(['a', 'a']))).toBe('platform/clusters--mgmt--flux-system/flux: prop "shards[1]": "a" is listed twice');
  expect(Testing.errorOf(() => bootstrap(['Shard_1']))).toBe('platform/clusters--mgmt--flux-system/flux: prop "shards[0]": "Shard_1" is invalid: must be a shard key: a DNS label such as "shard1"');
});
