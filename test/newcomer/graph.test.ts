// `cdk8s-platform graph`: the platform picture of a synthesized tree, checked edge by edge and by
// mermaid's own parser; summarized by environment at fleet scale; `--write` keeps a README section.
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { buildExamples } from '../../examples/main';
import { BEGIN_MARKER, END_MARKER, buildGraph, describeEdges, environmentOf, isSummarized, mermaidTooLarge, readTrees, toMermaid, updateReadme } from '../../lib/graph';
import { Testing } from '../../lib/testing';
import { readTreesInParallel } from '../../lib/cli/graph';
import { buildFleet } from './fixtures/fleet';
import { cli, mermaidParse, workDir, writeFiles } from './helpers';

function yamlFile(objects: object[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}

/** The objects of one AKS cluster in CAPZ's aks-aso shape, hydrated by two Flux Kustomizations. */
function aksCluster(name: string): object[] {
  const ns = 'fleet';
  const aso = (kind: string, apiVersion: string, n: string, spec: object) => ({ apiVersion, kind, metadata: { name: n }, spec });
  const pool = (i: number) => [
    { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'MachinePool', metadata: { name: `${name}-pool${i}`, namespace: ns },
      spec: { clusterName: name, replicas: 2, template: { spec: { clusterName: name, bootstrap: { dataSecretName: '' },
        infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'AzureASOManagedMachinePool', name: `${name}-pool${i}` } } } } },
    { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'AzureASOManagedMachinePool', metadata: { name: `${name}-pool${i}`, namespace: ns },
      spec: { resources: [aso('ManagedClustersAgentPool', 'containerservice.azure.com/v1api20250801', `${name}-pool${i}`, { owner: { name } })] } },
  ];
  const ks = (suffix: string, extra: object) => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: `${name}-${suffix}`, namespace: ns },
    spec: { interval: '10m', path: `./${suffix}/${name}`, prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' },
      kubeConfig: { secretRef: { name: `${name}-kubeconfig`, key: 'value' } }, ...extra },
  });
  return [
    { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name, namespace: ns },
      spec: { controlPlaneRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'AzureASOManagedControlPlane', name },
        infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'AzureASOManagedCluster', name } } },
    { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'AzureASOManagedControlPlane', metadata: { name, namespace: ns },
      spec: { version: 'v1.33.2', resources: [aso('ManagedCluster', 'containerservice.azure.com/v1api20250801', name, { owner: { name } })] } },
    { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'AzureASOManagedCluster', metadata: { name, namespace: ns },
      spec: { resources: [aso('ResourceGroup', 'resources.azure.com/v1api20200601', name, { location: 'westeurope' })] } },
    ...pool(0),
    ...pool(1),
    ks('infrastructure', {}),
    ks('apps', { dependsOn: [{ name: `${name}-infrastructure` }] }),
  ];
}

const FLUX_SYSTEM = yamlFile([
  { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'flux-system', namespace: 'flux-system' },
    spec: { interval: '1m', url: 'https://github.com/contoso/platform', ref: { branch: 'main' } } },
  { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'flux-system', namespace: 'flux-system' },
    spec: { interval: '10m', path: './clusters/mgmt', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } } },
]);

describe('a management cluster with 3 workload clusters', () => {
  let dir: string;
  beforeAll(() => {
    dir = workDir('graph-three');
    const files: Record<string, string> = {
      'platform/.cdk8s-platform.json': '{"generator":"cdk8s-platform","files":[]}\n',
      'platform/clusters/mgmt/flux-system/all.yaml': FLUX_SYSTEM,
    };
    for (const env of ['dev', 'test', 'prod']) files[`platform/clusters/mgmt/aks-${env}/all.yaml`] = yamlFile(aksCluster(`aks-${env}`));
    writeFiles(dir, files);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('clusters, node pools, control planes and Flux chains to their target clusters', () => {
    const [tree] = readTrees(dir);
    expect(tree.name).toBe('platform');
    const graph = buildGraph(tree);
    const edges = describeEdges(graph);
    expect(edges).toEqual(expect.arrayContaining([
      'Cluster fleet/aks-dev --controlPlaneRef--> AzureASOManagedControlPlane aks-dev',
      'Cluster fleet/aks-dev --infrastructureRef--> AzureASOManagedCluster aks-dev',
      'MachinePool aks-dev-pool0 ×2 --clusterName--> Cluster fleet/aks-dev',
      'Kustomization fleet/aks-dev-apps --dependsOn--> Kustomization fleet/aks-dev-infrastructure',
      'Kustomization fleet/aks-dev-apps --kubeConfig--> Cluster fleet/aks-dev',
      'Kustomization fleet/aks-prod-infrastructure --kubeConfig--> Cluster fleet/aks-prod',
      'Kustomization fleet/aks-test-apps --sourceRef--> GitRepository flux-system/flux-system',
      'Kustomization flux-system/flux-system --sourceRef--> GitRepository flux-system/flux-system',
      // The folder each Kustomization applies: in this tree (with its object count), or not.
      'Kustomization flux-system/flux-system --path--> folder clusters/mgmt/',
      'Kustomization fleet/aks-dev-apps --path--> folder apps/aks-dev/',
    ]));
    expect(edges).toHaveLength(3 * 11 + 2);
    expect(graph.nodes.find((n) => n.key === 'folder|clusters/mgmt')!.lines).toEqual(['folder clusters/mgmt/', '29 objects with its sub-folders']);
    // Not in this tree: the folder is in another repo, or has no files yet.
    expect(graph.nodes.find((n) => n.key === 'folder|apps/aks-dev')).toMatchObject({ lines: ['folder apps/aks-dev/', 'no files in this tree (GitRepository flux-system)'], environment: 'dev' });
    // The Kustomizations that apply to a cluster take its environment.
    expect(graph.nodes.find((n) => n.lines[0] === 'Kustomization fleet/aks-prod-apps')!.environment).toBe('prod');
    expect(edges.filter((e) => e.includes('--kubeConfig-->'))).toHaveLength(6);
    expect(graph.nodes.filter((n) => n.category === 'cluster').map((n) => [n.lines[0], n.environment])).toEqual([
      ['Cluster fleet/aks-dev', 'dev'],
      ['Cluster fleet/aks-prod', 'prod'],
      ['Cluster fleet/aks-test', 'test'],
    ]);
    // The pool node carries its CAPZ machine pool and the embedded ASO agent pool; the control plane its ManagedCluster.
    expect(graph.nodes.find((n) => n.key === 'cluster.x-k8s.io|MachinePool|fleet|aks-prod-pool1')!.lines).toEqual([
      'MachinePool aks-prod-pool1 ×2',
      'AzureASOManagedMachinePool aks-prod-pool1',
      'ManagedClustersAgentPool aks-prod-pool1',
    ]);
    expect(graph.nodes.find((n) => n.category === 'controlPlane')!.lines).toEqual(['AzureASOManagedControlPlane aks-dev', 'ManagedCluster aks-dev']);

    const mermaid = toMermaid(graph);
    expect(isSummarized(graph)).toBe(false);
    expect(mermaid).toContain('  subgraph c1["cluster fleet/aks-dev · dev"]\n    direction TB\n    n1[["Cluster fleet/aks-dev"]]\n');
    expect(mermaid).toMatch(/n\d+ -\.->\|dependsOn\| n\d+/);
    expect(mermaidParse([mermaid])).toEqual([{ ok: true, type: 'flowchart-v2' }]);
    // Deterministic.
    expect(toMermaid(buildGraph(readTrees(dir)[0]))).toBe(mermaid);
  });

  test('graph --write keeps a section of each repo README.md up to date, leaving the rest alone', () => {
    const readme = path.join(dir, 'platform', 'README.md');
    fs.writeFileSync(readme, '# Platform repo\n\nHand-written intro.\n');
    const first = cli(['graph', dir, '--write'], dir);
    expect(first.status).toBe(0);
    expect(first.stderr).toBe(`graph: wrote ${path.join('platform', 'README.md')}\ngraph: drew 1 repo (29 objects, 3 clusters)\n`);
    const text = fs.readFileSync(readme, 'utf8');
    expect(text.startsWith('# Platform repo\n\nHand-written intro.\n\n' + BEGIN_MARKER + '\n## Platform\n\n29 objects, 3 clusters, 7 Flux Kustomizations/HelmReleases.')).toBe(true);
    expect(text).toContain('```mermaid\nflowchart LR\n');
    expect(text.endsWith(`${END_MARKER}\n`)).toBe(true);
    const second = cli(['graph', dir, '--write'], dir);
    expect(second.stderr).toBe(`graph: unchanged ${path.join('platform', 'README.md')}\ngraph: drew 1 repo (29 objects, 3 clusters)\n`);
    expect(fs.readFileSync(readme, 'utf8')).toBe(text);
    // The diagram of the README parses.
    const block = text.slice(text.indexOf('```mermaid\n') + 11, text.lastIndexOf('```'));
    expect(mermaidParse([block])[0].ok).toBe(true);
  });
});

test('the bundled example draws and parses', () => {
  const dir = workDir('graph-example');
  buildExamples(dir).synth();
  const r = cli(['graph', dir, '--format', 'md'], dir);
  expect(r.status).toBe(0);
  const diagrams = [...r.stdout.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(diagrams.length).toBe(readTrees(dir).length);
  expect(mermaidParse(diagrams).every((d) => d.ok)).toBe(true);
  expect(r.stdout.match(/^# /gm)).toHaveLength(diagrams.length);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('updateReadme replaces the section in place', () => {
  const section = `${BEGIN_MARKER}\nnew\n${END_MARKER}\n`;
  expect(updateReadme(undefined, section)).toBe(section);
  expect(updateReadme(`# A\n${BEGIN_MARKER}\nold\n${END_MARKER}\n## After\n`, section)).toBe(`# A\n${section}## After\n`);
});

test('tenants, ASO owner trees and Crossplane APIs', () => {
  const dir = workDir('graph-kinds');
  writeFiles(dir, {
    'tenants/team-a/all.yaml': yamlFile([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'team-a', namespace: 'team-a' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'team-a-reconciler', namespace: 'team-a' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' }, subjects: [{ kind: 'ServiceAccount', name: 'team-a', namespace: 'team-a' }] },
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'team-a', namespace: 'team-a' }, spec: { url: 'https://example.com/team-a', interval: '1m' } },
      { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'team-a', namespace: 'team-a' },
        spec: { serviceAccountName: 'team-a', sourceRef: { kind: 'GitRepository', name: 'team-a' }, path: './', interval: '5m', prune: true } },
      { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'redis', namespace: 'team-a' },
        spec: { interval: '5m', chart: { spec: { chart: 'redis', version: '20.1.0', sourceRef: { kind: 'HelmRepository', name: 'bitnami', namespace: 'flux-system' } } }, dependsOn: [{ name: 'cert-manager', namespace: 'infra' }] } },
    ]),
    'azure/prod/db.yaml': yamlFile([
      { apiVersion: 'resources.azure.com/v1api20200601', kind: 'ResourceGroup', metadata: { name: 'data', namespace: 'azure' }, spec: { location: 'westeurope' } },
      { apiVersion: 'dbforpostgresql.azure.com/v1api20240801', kind: 'FlexibleServer', metadata: { name: 'orders', namespace: 'azure' },
        spec: { owner: { name: 'data' }, operatorSpec: { configMaps: { fullyQualifiedDomainName: { name: 'orders-db', key: 'fqdn' } } } } },
      // A workload reading the server's exported FQDN, and one reading an unrelated ConfigMap.
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'orders-api', namespace: 'azure' },
        spec: { template: { spec: { containers: [{ name: 'api', image: 'api:1', env: [{ name: 'DB_HOST', valueFrom: { configMapKeyRef: { name: 'orders-db', key: 'fqdn' } } }] }] } } } },
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report', namespace: 'azure' },
        spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'r', image: 'r:1', envFrom: [{ configMapRef: { name: 'other' } }] }] } } } } } },
      { apiVersion: 'dbforpostgresql.azure.com/v1api20240801', kind: 'FlexibleServersDatabase', metadata: { name: 'orders', namespace: 'azure' }, spec: { owner: { name: 'orders' }, azureName: 'orders_db' } },
    ]),
    // The same names in another namespace: owners are looked up in the object's own namespace.
    'azure/test/db.yaml': yamlFile([
      { apiVersion: 'resources.azure.com/v1api20200601', kind: 'ResourceGroup', metadata: { name: 'data', namespace: 'azure-test' }, spec: { location: 'westeurope' } },
      { apiVersion: 'dbforpostgresql.azure.com/v1api20240801', kind: 'FlexibleServer', metadata: { name: 'orders', namespace: 'azure-test' }, spec: { owner: { name: 'data' } } },
    ]),
    'apis/xdb.yaml': yamlFile([
      { apiVersion: 'apiextensions.crossplane.io/v2', kind: 'CompositeResourceDefinition', metadata: { name: 'xdatabases.platform.example.com' },
        spec: { group: 'platform.example.com', names: { kind: 'XDatabase', plural: 'xdatabases' }, scope: 'Namespaced', versions: [] } },
      { apiVersion: 'apiextensions.crossplane.io/v1', kind: 'Composition', metadata: { name: 'xdatabases-azure' },
        spec: { compositeTypeRef: { apiVersion: 'platform.example.com/v1alpha1', kind: 'XDatabase' }, mode: 'Pipeline', pipeline: [
          { step: 'patch', functionRef: { name: 'function-patch-and-transform' }, input: { apiVersion: 'pt.fn.crossplane.io/v1beta1', kind: 'Resources', resources: [
            { name: 'server', base: { apiVersion: 'dbforpostgresql.azure.m.upbound.io/v1beta1', kind: 'FlexibleServer' } },
            { name: 'rg', base: { apiVersion: 'azure.m.upbound.io/v1beta1', kind: 'ResourceGroup' } },
          ] } },
        ] } },
      { apiVersion: 'platform.example.com/v1alpha1', kind: 'XDatabase', metadata: { name: 'orders', namespace: 'team-a' }, spec: {} },
    ]),
  });
  const trees = readTrees(dir);
  expect(trees.map((t) => t.name)).toEqual(['.']);
  const graph = buildGraph(trees[0]);
  expect(describeEdges(graph).sort()).toEqual([
    'Composition xdatabases-azure --composes--> FlexibleServer server',
    'Composition xdatabases-azure --composes--> ResourceGroup rg',
    'Composition xdatabases-azure --compositeTypeRef--> XRD XDatabase',
    'Deployment azure/orders-api --configMapKeyRef--> FlexibleServer azure/orders',
    'FlexibleServer azure-test/orders --owner--> ResourceGroup azure-test/data',
    'FlexibleServer azure/orders --owner--> ResourceGroup azure/data',
    'FlexibleServersDatabase azure/orders --owner--> FlexibleServer azure/orders',
    'HelmRelease team-a/redis --dependsOn--> HelmRelease infra/cert-manager',
    'HelmRelease team-a/redis --sourceRef--> HelmRepository flux-system/bitnami',
    'Kustomization team-a/team-a --path--> folder ./',
    'Kustomization team-a/team-a --serviceAccountName--> Tenant team-a',
    'Kustomization team-a/team-a --sourceRef--> GitRepository team-a/team-a',
    'XDatabase team-a/orders --kind--> XRD XDatabase',
  ]);
  const tenant = graph.nodes.find((n) => n.category === 'tenant')!;
  expect(tenant.lines).toEqual(['Tenant team-a', 'ServiceAccount team-a · RoleBinding team-a-reconciler']);
  expect(graph.nodes.find((n) => n.key === 'dbforpostgresql.azure.com|FlexibleServersDatabase|azure|orders')!).toMatchObject({
    lines: ['FlexibleServersDatabase azure/orders', 'azureName orders_db'],
    environment: 'prod',
  });
  const mermaid = toMermaid(graph);
  expect(mermaid).toContain('subgraph g1["Azure resources (ASO)"]');
  expect(mermaid).toContain('subgraph g2["Crossplane"]');
  expect(mermaid).toContain('(not in this repo)');
  expect(mermaidParse([mermaid])).toEqual([{ ok: true, type: 'flowchart-v2' }]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('environment: the label first, else the first environment-looking folder segment', () => {
  expect(environmentOf({ 'platform.cdk8s.io/environment': 'staging' }, 'clusters/prod/x.yaml')).toBe('staging');
  expect(environmentOf({}, 'clusters/mgmt/aks-dev/cluster.yaml')).toBe('dev');
  expect(environmentOf({}, 'envs/production/eu/x.yaml')).toBe('production');
  expect(environmentOf({}, 'clusters/mgmt/x.yaml')).toBeUndefined();
  // Only folders count, not the file name.
  expect(environmentOf({}, 'clusters/cluster-prod.yaml')).toBeUndefined();
});

test('1,000 clusters: summarized by environment, with counts, and parseable', () => {
  const dir = workDir('graph-fleet');
  const files: Record<string, string> = { 'fleet/.cdk8s-platform.json': '{"generator":"cdk8s-platform","files":[]}\n' };
  for (let i = 0; i < 1000; i++) {
    const env = ['dev', 'test', 'prod'][i % 3];
    const name = `aks-${String(i).padStart(3, '0')}`;
    files[`fleet/clusters/${env}/${name}/all.yaml`] = yamlFile(aksCluster(name));
  }
  writeFiles(dir, files);
  const graph = buildGraph(readTrees(dir)[0]);
  expect(graph.nodes.filter((n) => n.category === 'cluster')).toHaveLength(1000);
  expect(isSummarized(graph)).toBe(true);
  const mermaid = toMermaid(graph);
  expect(mermaid.split('\n').length).toBeLessThan(40);
  // 334 dev clusters (i % 3 == 0), each with 2 pools and 2 Kustomizations: objects counted, and what they do.
  expect(mermaid).toContain(
    '  subgraph ge1["environment: dev"]\n    e1["334 clusters<br/>334 control planes<br/>334 infrastructure clusters<br/>668 node pools<br/>668 Flux Kustomizations<br/>668 folders<br/><br/>' +
      '668 node pools belong to 334 clusters<br/>668 Flux Kustomizations apply to 334 clusters<br/>668 Flux Kustomizations apply 668 folders<br/>334 Flux Kustomizations depend on 334 Flux Kustomizations"]\n  end\n',
  );
  expect(mermaid).toContain('e3["333 clusters<br/>333 control planes<br/>333 infrastructure clusters<br/>666 node pools<br/>666 Flux Kustomizations<br/>666 folders<br/>');
  expect(mermaid).not.toContain('no environment');
  expect(mermaid).not.toMatch(/ × /);
  // Every Kustomization refers to the GitRepository flux-system (not in this repo): one arrow per environment, counting the Kustomizations.
  expect(mermaid).toContain('  s1["GitRepository flux-system/flux-system<br/>(not in this repo)"]\n');
  expect(mermaid).toContain('  e1 -->|"668 Flux Kustomizations read from"| s1\n');
  expect(mermaidParse([mermaid])).toEqual([{ ok: true, type: 'flowchart-v2' }]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('graph reads a large tree on two threads: the same trees and the same errors as readTrees', async () => {
  const dir = workDir('graph-parallel');
  const files: Record<string, string> = {
    'a/.cdk8s-platform.json': '{"generator":"cdk8s-platform","files":[]}\n',
    'b/.cdk8s-platform.json': '{"generator":"cdk8s-platform","files":[]}\n',
    'a/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
    'a/multi.yaml': '---\n# empty first document\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: one, labels: {env: dev}}\n---\n- not an object\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: two, namespace: x}\n',
  };
  // Over 2,000 files: half of them read on a worker thread (readYamlFiles).
  for (let i = 0; i < 2200; i++) files[`${i % 2 ? 'b' : 'a'}/clusters/c${i}/cm.yml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n  namespace: ns${i % 7}\n`;
  writeFiles(dir, files);
  const trees = readTrees(dir);
  expect(trees.map((t) => [t.name, t.objects.length])).toEqual([['a', 1102], ['b', 1100]]);
  expect(await readTreesInParallel(dir)).toEqual(trees);
  fs.writeFileSync(path.join(dir, 'b', 'clusters', 'c2199', 'bad.yaml'), 'a: [1\n');
  const error = (() => {
    try {
      readTrees(dir);
    } catch (e) {
      return (e as Error).message;
    }
    return undefined;
  })();
  expect(error).toMatch(/c2199\/bad\.yaml: invalid YAML: /);
  await expect(readTreesInParallel(dir)).rejects.toThrow(error!);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('fleets built with the capi Fleet', () => {
  // Mermaid's parser is the judge of every diagram drawn here; the 24-cluster summary and its
  // --full picture, and the 1,000-cluster summary, are what a platform team sees.
  test('24 clusters: the summary by environment (label platform.cdk8s.io/environment or the Fleet\'s), --full draws every object', () => {
    const dir = workDir('graph-fleet24');
    const app = Testing.app({ outdir: dir });
    buildFleet(app, 24);
    app.synth();
    const summary = cli(['graph', dir, '--format', 'mermaid'], dir);
    expect(summary.status).toBe(0);
    expect(summary.stderr).toBe('graph: drew 1 repo (112 objects, 24 clusters); summarized by environment (--full draws every object)\n');
    expect(summary.stdout).toBe(
      'flowchart LR\n' +
        '  subgraph ge1["environment: dev"]\n' +
        '    e1["8 clusters<br/>16 node pools<br/>16 Flux Kustomizations<br/>16 folders<br/><br/>16 Flux Kustomizations apply to 8 clusters<br/>16 Flux Kustomizations apply 16 folders<br/>8 Flux Kustomizations depend on 8 Flux Kustomizations"]\n' +
        '  end\n' +
        '  subgraph ge2["environment: prod"]\n' +
        '    e2["8 clusters<br/>16 node pools<br/>16 Flux Kustomizations<br/>16 folders<br/><br/>16 Flux Kustomizations apply to 8 clusters<br/>16 Flux Kustomizations apply 16 folders<br/>8 Flux Kustomizations depend on 8 Flux Kustomizations"]\n' +
        '  end\n' +
        '  subgraph ge3["environment: test"]\n' +
        '    e3["8 clusters<br/>16 node pools<br/>16 Flux Kustomizations<br/>16 folders<br/><br/>16 Flux Kustomizations apply to 8 clusters<br/>16 Flux Kustomizations apply 16 folders<br/>8 Flux Kustomizations depend on 8 Flux Kustomizations"]\n' +
        '  end\n' +
        '  subgraph ge4["no environment"]\n' +
        '    e4["7 Flux Kustomizations<br/>7 folders<br/><br/>7 Flux Kustomizations apply 7 folders<br/>1 Flux Kustomization depends on 1 Flux Kustomization"]\n' +
        '  end\n' +
        '  s1[("GitRepository flux-system/flux-system<br/>https://github.com/contoso/fleet")]\n' +
        '  e1 -->|"16 Flux Kustomizations read from"| s1\n' +
        '  e2 -->|"16 Flux Kustomizations read from"| s1\n' +
        '  e3 -->|"16 Flux Kustomizations read from"| s1\n' +
        '  e4 -->|"7 Flux Kustomizations read from"| s1\n',
    );
    const full = cli(['graph', dir, '--format', 'mermaid', '--full'], dir);
    expect(full.stderr).toBe('graph: drew 1 repo (112 objects, 24 clusters)\n');
    expect(full.stdout).toContain('  n1[["Cluster fleet/aks-dev-0000<br/>class aks · v1.33.2<br/>2 node pools"]]\n');
    expect(full.stdout).toMatch(/ {2}n\d+ -->\|path\| n\d+\n/);
    expect(mermaidTooLarge(full.stdout)).toBeUndefined();
    expect(mermaidParse([summary.stdout, full.stdout])).toEqual([{ ok: true, type: 'flowchart-v2' }, { ok: true, type: 'flowchart-v2' }]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('1,000 clusters: the summary parses; --full is over Mermaid\'s limits and says so', () => {
    const dir = workDir('graph-fleet1000');
    const app = Testing.app({ outdir: dir });
    buildFleet(app, 1000);
    app.synth();
    const graph = buildGraph(readTrees(dir)[0]);
    const summary = toMermaid(graph);
    expect(summary).toContain('    e1["334 clusters<br/>668 node pools<br/>668 Flux Kustomizations<br/>668 folders<br/><br/>');
    expect(summary).toContain('  e1 -->|"668 Flux Kustomizations read from"| s1\n');
    expect(summary.split('\n').length).toBeLessThan(25);
    const full = toMermaid(graph, { summary: false });
    expect(mermaidTooLarge(full)).toMatch(/^[\d,]+ edges \(Mermaid draws at most 500\) and [\d,]+ characters \(at most 50,000\)$/);
    const parsed = mermaidParse([summary, full]);
    expect(parsed[0]).toEqual({ ok: true, type: 'flowchart-v2' });
    expect(parsed[1].error).toContain('Edge limit exceeded');
    fs.rmSync(dir, { recursive: true, force: true });
  }, 600_000);
});

test('an ASO resource owned by a resource CAPZ embeds points at the object embedding it', () => {
  const dir = workDir('graph-embedded');
  writeFiles(dir, {
    'clusters/aks-dev/all.yaml': yamlFile([
      ...aksCluster('aks-dev'),
      { apiVersion: 'authorization.azure.com/v1api20220401', kind: 'RoleAssignment', metadata: { name: 'aks-dev-admin', namespace: 'fleet' },
        spec: { owner: { name: 'aks-dev', kind: 'ManagedCluster', group: 'containerservice.azure.com' }, principalId: 'x', roleDefinitionReference: { armId: 'y' } } },
    ]),
  });
  const edges = describeEdges(buildGraph(readTrees(dir)[0]));
  expect(edges).toContain('RoleAssignment fleet/aks-dev-admin --owner--> AzureASOManagedControlPlane aks-dev');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an ExternalArtifact an ArtifactGenerator of the tree writes is drawn with its generator and the generator\'s source, not as outside the repo', () => {
  const dir = workDir('graph-artifacts');
  writeFiles(dir, {
    'clusters/mgmt/fleet/b0/all.yaml': yamlFile([
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'fleet-b0', namespace: 'flux-system' }, spec: { url: 'https://github.com/contoso/fleet', interval: '5m', ref: { branch: 'main' } } },
      { apiVersion: 'source.extensions.fluxcd.io/v1beta1', kind: 'ArtifactGenerator', metadata: { name: 'fleet-b0', namespace: 'flux-system' },
        spec: { sources: [{ alias: 'repo', kind: 'GitRepository', name: 'fleet-b0' }], artifacts: [{ name: 'fleet-b0-c1', copy: [{ from: '@repo/apps/c1/**', to: '@artifact/apps/c1/' }] }] } },
      { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'c1-apps', namespace: 'fleet' },
        spec: { interval: '10m', path: './apps/c1', prune: true, sourceRef: { kind: 'ExternalArtifact', name: 'fleet-b0-c1', namespace: 'flux-system' } } },
      { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'c2-apps', namespace: 'fleet' },
        spec: { interval: '10m', path: './apps/c2', prune: true, sourceRef: { kind: 'ExternalArtifact', name: 'elsewhere', namespace: 'flux-system' } } },
    ]),
  });
  const graph = buildGraph(readTrees(dir)[0]);
  expect(describeEdges(graph)).toEqual(expect.arrayContaining([
    'Kustomization fleet/c1-apps --sourceRef--> ExternalArtifact flux-system/fleet-b0-c1',
    'ExternalArtifact flux-system/fleet-b0-c1 --generatedBy--> ArtifactGenerator flux-system/fleet-b0',
    'ArtifactGenerator flux-system/fleet-b0 --sources--> GitRepository flux-system/fleet-b0',
  ]));
  const lines = (line: string) => graph.nodes.find((n) => n.lines[0] === line)?.lines;
  expect(lines('ExternalArtifact flux-system/fleet-b0-c1')).toEqual(['ExternalArtifact flux-system/fleet-b0-c1', 'generated by ArtifactGenerator flux-system/fleet-b0']);
  expect(lines('ArtifactGenerator flux-system/fleet-b0')).toEqual(['ArtifactGenerator flux-system/fleet-b0', '1 artifact']);
  // One no generator of the tree writes is outside the repo, as before.
  expect(lines('ExternalArtifact flux-system/elsewhere')).toEqual(['ExternalArtifact flux-system/elsewhere', '(not in this repo)']);
  expect(mermaidParse([toMermaid(graph)])).toEqual([{ ok: true, type: 'flowchart-v2' }]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a Kustomization\'s folder counts the objects at and below its path, at folder boundaries only', () => {
  const cm = (file: string, name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: 'apps', labels: {}, file, obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'apps' } } });
  const k = (name: string, p: string) => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name, namespace: 'flux-system', labels: {}, file: `flux/${name}.yaml`,
    obj: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, namespace: 'flux-system' }, spec: { path: p, sourceRef: { kind: 'GitRepository', name: 'flux-system' } } },
  });
  // 'a/b' is a prefix of 'a/bc' as a string, not as a folder.
  const objects = [
    cm('root.yaml', 'root'), cm('a/one.yaml', 'a1'), cm('a/b/one.yaml', 'b1'), cm('a/b/two.yaml', 'b2'), cm('a/b/c/one.yaml', 'c1'), cm('a/bc/one.yaml', 'bc1'),
    k('all', './'), k('dot', '.'), k('a', './a'), k('ab', 'a/b/'), k('abc', './a/b/c'), k('abc2', 'a/bc'), k('none', './a/x'), k('partial', './a/b/c/d'),
  ];
  const graph = buildGraph({ name: '.', dir: '/nowhere', objects });
  const lines = (p: string) => graph.nodes.find((n) => n.key === `folder|${p}`)!.lines;
  expect(lines('')).toEqual(['folder ./', '14 objects with its sub-folders']);
  expect(lines('a')).toEqual(['folder a/', '5 objects with its sub-folders']);
  expect(lines('a/b')).toEqual(['folder a/b/', '3 objects with its sub-folders']);
  expect(lines('a/b/c')).toEqual(['folder a/b/c/', '1 object']);
  expect(lines('a/bc')).toEqual(['folder a/bc/', '1 object']);
  expect(lines('a/x')).toEqual(['folder a/x/', 'no files in this tree (GitRepository flux-system)']);
  expect(lines('a/b/c/d')).toEqual(['folder a/b/c/d/', 'no files in this tree (GitRepository flux-system)']);
});

test('a folder with a kustomization file counts what it lists, as Flux builds it: not the sub-folders it leaves out', () => {
  const dir = workDir('graph-listed');
  const cm = (name: string) => yamlFile([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'apps' } }]);
  const k = (name: string, p: string) => ({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, namespace: 'flux-system' }, spec: { path: p, sourceRef: { kind: 'GitRepository', name: 'flux-system' } } });
  writeFiles(dir, {
    'flux/ks.yaml': yamlFile([k('apps', './apps'), k('unlisted', './apps/unlisted'), k('plain', './plain')]),
    'apps/kustomization.yaml': stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['one.yaml', 'team-a', '../shared/two.yaml'] }),
    'apps/one.yaml': cm('one'),
    'apps/stray.yaml': cm('stray'),
    // Listed: its own kustomization file lists its two files.
    'apps/team-a/kustomization.yaml': stringify({ resources: ['a.yaml', 'b.yaml'] }),
    'apps/team-a/a.yaml': cm('a'),
    'apps/team-a/b.yaml': cm('b'),
    // Not listed by apps/kustomization.yaml: another Kustomization builds it.
    'apps/unlisted/kustomization.yaml': stringify({ resources: ['x.yaml'] }),
    'apps/unlisted/x.yaml': cm('x'),
    'shared/two.yaml': cm('two'),
    // No kustomization file: Flux generates one with every file below.
    'plain/p.yaml': cm('p'),
    'plain/sub/q.yaml': cm('q'),
  });
  const graph = buildGraph(readTrees(dir)[0]);
  const lines = (p: string) => graph.nodes.find((n) => n.key === `folder|${p}`)!.lines;
  // one.yaml, team-a's two, ../shared/two.yaml; not stray.yaml nor unlisted/.
  expect(lines('apps')).toEqual(['folder apps/', '4 objects with its sub-folders']);
  expect(lines('apps/unlisted')).toEqual(['folder apps/unlisted/', '1 object']);
  expect(lines('plain')).toEqual(['folder plain/', '2 objects with its sub-folders']);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('readTreesInParallel reads the kustomization files as readTrees does', async () => {
  const dir = workDir('graph-parallel-kustomizations');
  writeFiles(dir, {
    'apps/kustomization.yaml': stringify({ resources: ['one.yaml', 'team-a', 'https://github.com/contoso/x//base?ref=v1'] }),
    'apps/one.yaml': yamlFile([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one' } }]),
    'kustomization.yaml': stringify({ resources: ['apps'], components: ['../c'] }),
  });
  const expected = new Map([['apps', ['one.yaml', 'team-a']], ['', ['apps', '../c']]]);
  expect((await readTreesInParallel(dir))[0].kustomizations).toEqual(expected);
  expect(readTrees(dir)[0].kustomizations).toEqual(expected);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('graph without a tree is a usage error', () => {
  const dir = workDir('graph-none');
  const r = cli(['graph', 'nowhere'], dir);
  expect(r.status).toBe(2);
  expect(r.stderr).toBe(`cdk8s-platform: no synthesized tree at ${path.join(dir, 'nowhere')} (run "cdk8s-platform synth" first, or pass a directory)\n`);
  fs.rmSync(dir, { recursive: true, force: true });
});
