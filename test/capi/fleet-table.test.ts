// The fleet table: RFC 4180 CSV parsing, CSV rows to fleet clusters, per-row settings, variables
// validated against the ClusterClass's schemas, shards, buckets and the build bound.
import { JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { parse } from 'yaml';
import { fleetTable } from '../../examples/fleet-table/app';
import { GitOpsApp, RemovalPolicy, Repo, SynthError } from '../../lib';
import { synthFailureLines } from '../../lib/gitops/pipeline/report';
import { AksNodePoolMode } from '../../lib/aso/aks';
import { AksClusterClass, csvRecords, Fleet, FleetClusterSpec, fleetClustersFromCsv, kustomizationBuildSizes, parseCsv, stableHash } from '../../lib/capi';
import { GitRepository, Kustomization } from '../../lib/flux';
import { Folder } from '../../lib/gitops/folder';
import { Testing } from '../../lib/testing';
import { setup, SYSTEM_POOL } from './fixtures';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../support/kubeconfig-access';

const P = 'platform/clusters--mgmt';
const SUB_A = '0b1e5c3a-7f6d-4e2b-9c8a-1d2e3f4a5b6c';

function cls(folder: Folder, extra: Partial<ConstructorParameters<typeof AksClusterClass>[2]> = {}): AksClusterClass {
  const c = new AksClusterClass(folder, 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
    name: 'aks', namespace: 'fleet', location: 'westeurope', credentialFrom: 'aso-credential',
    machinePoolClasses: [
      { class: 'system', pool: SYSTEM_POOL },
      { class: 'worker', pool: { name: 'worker', vmSize: 'Standard_D4s_v5', autoscaling: { min: 1, max: 5 } } },
    ],
    ...extra,
  });
  c.addVariable({ name: 'workerVmSize', schema: { type: 'string', enum: ['Standard_D4s_v5', 'Standard_D8s_v5'] } });
  c.addVariable({ name: 'workerMaxCount', schema: { type: 'integer', minimum: 1, maximum: 100 } });
  return c;
}

describe('parseCsv (RFC 4180)', () => {
  test('fields, quotes, escaped quotes, commas and line breaks in quotes, CRLF, no final newline, BOM', () => {
    expect(parseCsv('a,b,c\n1,2,3\n')).toEqual([['a', 'b', 'c'], ['1', '2', '3']]);
    expect(parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",')).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['two\nlines', '']]);
    expect(parseCsv('a')).toEqual([['a']]);
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv(',\n')).toEqual([['', '']]);
    expect(parseCsv('""')).toEqual([['']]);
  });
  test('errors name the line', () => {
    expect(Testing.errorOf(() => parseCsv('a,b\nx"y,z'))).toBe('CSV line 2: a quote inside an unquoted field; quote the whole field and write a quote as ""');
    expect(Testing.errorOf(() => parseCsv('a\n"x"y'))).toBe('CSV line 2: text after the closing quote of a field');
    expect(Testing.errorOf(() => parseCsv('a\n"open\nstill'))).toBe('CSV line 2: quoted field is not closed');
  });
  test('csvRecords: header keys, blank lines skipped, field counts checked', () => {
    expect(csvRecords('name,location\nc1,westeurope\n\nc2,\n')).toEqual([{ name: 'c1', location: 'westeurope' }, { name: 'c2', location: '' }]);
    expect(Testing.errorOf(() => csvRecords('name,location\nc1\n'))).toBe('CSV line 2: has 1 fields, the header has 2');
    expect(Testing.errorOf(() => csvRecords('name,name\n'))).toBe('CSV header: column "name" appears twice');
    expect(Testing.errorOf(() => csvRecords(''))).toBe('CSV: no header row');
  });
});

describe('fleetClustersFromCsv', () => {
  test('typed rows: labels, machine pools, removal policy, variables converted by the class schema', () => {
    const { repo } = setup();
    const c = cls(repo.folder('clusters/mgmt/classes'));
    const rows = fleetClustersFromCsv([
      'name,environment,namespace,subscriptionId,location,tier,shard,removalPolicy,labels,machinePools,var.workerVmSize,var.workerMaxCount',
      `c1,prod,fleet-a,${SUB_A},northeurope,gold,shard1,destroy,team=shop;pci=true,system:system:3;worker:worker,Standard_D8s_v5,20`,
      'c2,,,,,,,,,,,',
    ].join('\n'), { clusterClass: c });
    expect(rows).toEqual([
      {
        name: 'c1', environment: 'prod', namespace: 'fleet-a', subscriptionId: SUB_A, location: 'northeurope', tier: 'gold', shard: 'shard1',
        removalPolicy: RemovalPolicy.DESTROY, labels: { team: 'shop', pci: 'true' },
        machinePools: [{ class: 'system', name: 'system', replicas: 3 }, { class: 'worker', name: 'worker' }],
        variables: { workerVmSize: 'Standard_D8s_v5', workerMaxCount: 20 }, source: 'CSV line 2',
      },
      { name: 'c2', source: 'CSV line 3' },
    ]);
  });
  test('errors name the record and column', () => {
    expect(Testing.errorOf(() => fleetClustersFromCsv('name,region\nc1,x\n'))).toBe(
      'CSV column "region" is not a fleet column (name, environment, namespace, credentialFrom, subscriptionId, location, kubernetesVersion, tier, shard, removalPolicy, labels, machinePools, nodePools, var.<variable>)',
    );
    expect(Testing.errorOf(() => fleetClustersFromCsv('name,labels\nc1,team\n'))).toBe('CSV line 2 (c1), column "labels": "team" is not key=value');
    expect(Testing.errorOf(() => fleetClustersFromCsv('name,machinePools\nc1,system:system:x\n'))).toBe('CSV line 2 (c1), column "machinePools": "system:system:x" is not class:name[:replicas]');
    expect(Testing.errorOf(() => fleetClustersFromCsv('name,removalPolicy\nc1,keep\n'))).toBe('CSV line 2 (c1), column "removalPolicy": "keep" is not one of retain, destroy, skip');
    const { repo } = setup();
    const c = cls(repo.folder('clusters/mgmt/classes'));
    expect(Testing.errorOf(() => fleetClustersFromCsv('name,var.workerMaxCount\nc1,lots\n', { clusterClass: c }))).toBe('CSV line 2 (c1), column "var.workerMaxCount": "lots" is not a number');
  });
});

describe('rows name their line in the table', () => {
  test('every bad cell at once, by the line its record starts on (blank lines and quoted line breaks counted), with the file name given', () => {
    const text = ['name,labels,removalPolicy', 'c1,team=a,retain', '', 'c2,"team=b;', 'note=x",keep', 'c3,oops,retain'].join('\n');
    expect(Testing.errorOf(() => fleetClustersFromCsv(text, { file: 'fleet.csv' })).split('\n')).toEqual([
      'synth failed with 2 problem(s); nothing was written:',
      '  fleet.csv line 4 (c2), column "removalPolicy": "keep" is not one of retain, destroy, skip',
      '  fleet.csv line 6 (c3), column "labels": "oops" is not key=value',
    ]);
    expect(Testing.errorOf(() => fleetClustersFromCsv('name\n"c1', { file: 'fleet.csv' }))).toBe('fleet.csv line 2: quoted field is not closed');
  });
  test('every bad cell of a row, each value on one line; blank records (whitespace, empty fields) skipped', () => {
    const text = ['name,machinePools,nodePools,labels', '  ', ',,,', 'c1,"x\ny",{bad json},team'].join('\n');
    expect(Testing.errorOf(() => fleetClustersFromCsv(text, { file: 'fleet.csv' })).split('\n')).toEqual([
      'synth failed with 3 problem(s); nothing was written:',
      '  fleet.csv line 4 (c1), column "labels": "team" is not key=value',
      '  fleet.csv line 4 (c1), column "machinePools": "x\\ny" is not class:name[:replicas]',
      '  fleet.csv line 4 (c1), column "nodePools": "{bad json}" is not JSON (node pool settings by pool, e.g. {"worker":{"vmSize":"Standard_D8s_v5"}})',
    ]);
    expect(fleetClustersFromCsv('name,labels\n \t\n,\nc2,\n')).toEqual([{ name: 'c2', source: 'CSV line 4' }]);
  });
  test("the Fleet's errors about a row name its cluster and its line", () => {
    const { repo, folder } = setup();
    const c = cls(repo.folder('clusters/mgmt/classes'));
    const source = GitRepository.fromName(folder, 'src', { name: 'flux-system', namespace: 'flux-system' });
    const clusters = fleetClustersFromCsv(['name,subscriptionId,environment', 'ok-1,,', 'bad-1,not-a-guid,', '', 'bad-2,,nope'].join('\n'), { file: 'fleet.csv' });
    const error = Testing.errorOf(() => new Fleet(folder, 'fleet', { repo, clusterClass: c, source, defaults: { kubernetesVersion: 'v1.33.2' }, clusters }));
    expect(error.split('\n')).toEqual([
      'synth failed with 2 problem(s); nothing was written:',
      '  platform/clusters--mgmt/fleet: prop "clusters[1].subscriptionId": "not-a-guid" is invalid: must be an Azure subscription ID (a GUID) (cluster "bad-1", fleet.csv line 3)',
      '  platform/clusters--mgmt/fleet: prop "clusters[2].environment": "nope" is not an environment of the fleet (none defined) (cluster "bad-2", fleet.csv line 5)',
    ]);
  });
});

describe('Fleet rows', () => {
  test('per-row namespace, credential, subscription, tier, removal policy, variables; stage folders per cluster', () => {
    const { app, repo, folder } = setup();
    // A class that deletes the clusters' Azure resources with their Cluster (DESTROY rows need one).
    const c = cls(repo.folder('clusters/mgmt/classes'), { perClusterCredential: true, removalPolicy: RemovalPolicy.DESTROY });
    const source = GitRepository.fromName(folder, 'src', { name: 'flux-system', namespace: 'flux-system' });
    new kplus.Namespace(folder, 'ns-a', { metadata: { name: 'fleet-a' } });
    const fleet = new Fleet(folder, 'fleet', {
      repo, clusterClass: c, source,
      defaults: { kubernetesVersion: 'v1.33.2', namespace: 'fleet-a', credentialFrom: 'aso-credential-a', subscriptionId: SUB_A },
      environments: { dev: { removalPolicy: RemovalPolicy.DESTROY, tier: 'bronze' } },
      clusters: [
        { name: 'c1', tier: 'gold', variables: { workerVmSize: 'Standard_D8s_v5', workerMaxCount: 20 } },
        { name: 'c2', environment: 'dev' },
      ],
    });
    const objs = Testing.objects(app);
    const c1 = Testing.find(objs, 'Cluster', 'c1');
    expect(c1.metadata).toEqual({
      name: 'c1', namespace: 'fleet-a', labels: { 'azure-subscription': SUB_A, 'tier': 'gold' },
      annotations: { 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
    });
    expect(c1.spec.topology.classRef).toEqual({ name: 'aks', namespace: 'fleet' });
    expect(c1.spec.topology.variables).toEqual([
      { name: 'credentialSecretName', value: 'aso-credential-a' },
      { name: 'workerMaxCount', value: 20 },
      { name: 'workerVmSize', value: 'Standard_D8s_v5' },
    ]);
    const c2 = Testing.find(objs, 'Cluster', 'c2');
    expect(c2.metadata.labels).toEqual({ 'azure-subscription': SUB_A, 'environment': 'dev', 'platform.cdk8s.io/environment': 'dev', 'tier': 'bronze' });
    expect(c2.metadata.annotations).toBeUndefined();
    expect(Testing.find(objs, 'Kustomization', 'c2-apps').metadata.annotations).toBeUndefined();
    expect(Testing.find(objs, 'Kustomization', 'c1-apps').metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(Testing.find(objs, 'Kustomization', 'c1-apps').metadata.namespace).toBe('fleet-a');
    // Deleting a retained cluster's hydration by hand (once its row is gone) leaves what it applied:
    // Flux's default MirrorPrune would prune it from the cluster. A DESTROY row keeps the default.
    expect(Testing.find(objs, 'Kustomization', 'c1-apps').spec.deletionPolicy).toBe('Orphan');
    expect(Testing.find(objs, 'Kustomization', 'c1-infrastructure').spec.deletionPolicy).toBe('Orphan');
    expect(Testing.find(objs, 'Kustomization', 'c2-apps').spec.deletionPolicy).toBeUndefined();
    expect(fleet.members.map((m) => m.stageFolders.infrastructure.path)).toEqual(['infrastructure/c1', 'infrastructure/c2']);
    // A DESTROY row under a class that retains the Azure resources would orphan them in Azure.
    const retaining = cls(repo.folder('clusters/mgmt/classes2'), { name: 'aks-retain' } as never);
    expect(Testing.errorOf(() => new Fleet(folder, 'f2', { repo, clusterClass: retaining, defaults: { kubernetesVersion: 'v1.33.2', removalPolicy: RemovalPolicy.DESTROY }, clusters: [{ name: 'c9' }] }))).toBe(
      'platform/clusters--mgmt/f2: prop "clusters[0].removalPolicy": destroy, but ClusterClass aks-retain retains the clusters\' Azure resources (ASO reconcile-policy detach-on-delete in its templates), ' +
        'so removing the row would delete the Cluster and leave its resource group and AKS cluster running in Azure, unmanaged; ' +
        'give such rows a ClusterClass with removalPolicy: RemovalPolicy.DESTROY (a RETAIN row keeps its Cluster either way), or keep the row retain (cluster "c9")',
    );
  });

  test('the class with perClusterCredential: a credentialSecretName variable and its credential-from patches', () => {
    const { app, repo } = setup();
    cls(repo.folder('clusters/mgmt/classes'), { perClusterCredential: true, credentialFrom: undefined });
    const cc = Testing.find(Testing.objects(app), 'ClusterClass', 'aks');
    expect(cc.spec.variables.map((v: any) => v.name)).toEqual(['location', 'credentialSecretName', 'workerVmSize', 'workerMaxCount']);
    expect(cc.spec.variables[1].schema.openAPIV3Schema.default).toBeUndefined();
    const patch = cc.spec.patches.find((p: any) => p.name === 'credential-from');
    expect(patch.enabledIf).toBe('{{ if .credentialSecretName }}true{{ end }}');
    const set = { op: 'add', path: '/spec/template/spec/resources/0/metadata/annotations/serviceoperator.azure.com~1credential-from', valueFrom: { variable: 'credentialSecretName' } };
    // The ResourceGroup and the agent pools already have annotations (their reconcile policy):
    // an `add` of the whole map would replace it (RFC 6902 section 4.1).
    expect(patch.definitions[0].jsonPatches).toEqual([set]);
    expect(patch.definitions[2].jsonPatches).toEqual([set]);
    expect(patch.definitions[2].selector.matchResources).toEqual({ machinePoolClass: { names: ['system', 'worker'] } });
    // Applied in order as Cluster API does (the pool's spec patch, then credential-from), each
    // embedded resource keeps its reconcile policy next to the credential.
    for (const [kind, specPatch] of [['AzureASOManagedClusterTemplate', 'azureasomanagedcluster-spec'], ['AzureASOManagedMachinePoolTemplate', 'azureasomanagedmachinepool-worker-spec']]) {
      const spec = cc.spec.patches.find((p: any) => p.name === specPatch).definitions[0].jsonPatches[0];
      const doc = { spec: { template: { spec: parse(spec.valueFrom.template) } } };
      const cred = patch.definitions.find((d: any) => d.selector.kind === kind).jsonPatches.map(({ valueFrom, ...op }: any) => ({ ...op, value: valueFrom.variable ? 'aso-sub-b' : parse(valueFrom.template) }));
      const patched = JsonPatch.apply(doc, ...cred.map((op: any) => JsonPatch.add(op.path, op.value)));
      expect(patched.spec.template.spec.resources[0].metadata.annotations).toEqual({ 'serviceoperator.azure.com/credential-from': 'aso-sub-b', 'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete' });
    }
  });

  test('variables are validated against the class schemas: exact messages naming the row and variable', () => {
    const { repo, folder } = setup();
    const c = cls(repo.folder('clusters/mgmt/classes'));
    const base = { repo, clusterClass: c, defaults: { kubernetesVersion: 'v1.33.2' } };
    const row = (spec: Partial<FleetClusterSpec>) => Testing.errorOf(() => new Fleet(folder, `f${Math.random()}`.replace('.', ''), { ...base, clusters: [{ name: 'c1', ...spec }] }));
    expect(row({ variables: { workerVmSize: 'Standard_A1' } }).replace(/f\d+/, 'f')).toBe(
      `${P}/f: prop "clusters[0].variables.workerVmSize": "Standard_A1" must be one of: "Standard_D4s_v5", "Standard_D8s_v5" (cluster "c1")`,
    );
    expect(row({ variables: { workerMaxCount: 200 } }).replace(/f\d+/, 'f')).toBe(
      `${P}/f: prop "clusters[0].variables.workerMaxCount": 200 must be <= 100 (cluster "c1")`,
    );
    expect(row({ variables: { workerMaxCount: '20' } }).replace(/f\d+/, 'f')).toBe(
      `${P}/f: prop "clusters[0].variables.workerMaxCount": "20" must be of type integer, got string (cluster "c1")`,
    );
    expect(row({ variables: { vmSize: 'x' } }).replace(/f\d+/, 'f')).toBe(
      `${P}/f: prop "clusters[0].variables.vmSize": is not a variable of ClusterClass aks (location, workerVmSize, workerMaxCount) (cluster "c1")`,
    );
    expect(row({ location: 'West Europe' }).replace(/f\d+/, 'f')).toBe(
      `${P}/f: prop "clusters[0].variables.location": "West Europe" does not match pattern "^[a-z][a-z0-9]*$" (cluster "c1")`,
    );
    expect(row({ credentialFrom: 'aso-b' }).replace(/f\d+/, 'f')).toBe(
      `${P}/f: prop "clusters[0].credentialFrom": ClusterClass aks has no per-cluster credential: create it with perClusterCredential: true (cluster "c1")`,
    );
    expect(row({ subscriptionId: 'sub-a' }).replace(/f\d+/, 'f')).toBe(
      `${P}/f: prop "clusters[0].subscriptionId": "sub-a" is invalid: must be an Azure subscription ID (a GUID) (cluster "c1")`,
    );
    // The class makes the cluster name the AKS dnsPrefix: 54 characters at most (a DNS label allows 63).
    const long = `c-${'x'.repeat(58)}`;
    expect(row({ name: long }).replace(/f\d+/, 'f')).toBe(
      `${P}/f: prop "clusters[0].name": "${long}" has 60 characters: ClusterClass aks uses the cluster name as the AKS dnsPrefix, which allows at most 54; use a shorter name, or give the class a dnsPrefix`,
    );
    expect(row({ shard: 'Shard_1' }).replace(/f\d+/, 'f')).toBe(
      `${P}/f: prop "clusters[0].shard": "Shard_1" is invalid: must be a shard key: a DNS label such as "shard1" (it names the bucket folders and Kustomizations) (cluster "c1")`,
    );
  });

  test('every bad row at once, one line each naming its cluster; one bad row alone is thrown as it is', () => {
    const { repo, folder } = setup();
    const c = cls(repo.folder('clusters/mgmt/classes'));
    const rows: FleetClusterSpec[] = [{ name: 'ok-1' }, { name: 'c-2', tier: 'Gold Tier' }, { name: 'ok-3' }, { name: 'c-4', subscriptionId: 'sub-x' }, { name: 'C_5' }];
    let error: unknown;
    try {
      new Fleet(folder, 'many', { repo, clusterClass: c, defaults: { kubernetesVersion: 'v1.33.2' }, clusters: rows });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SynthError);
    expect((error as SynthError).problems.map((p) => p.replace(/^.*?: prop /, 'prop '))).toEqual([
      'prop "clusters[1].tier": invalid label value "Gold Tier": must be empty or consist of alphanumerics, \'-\', \'_\' or \'.\', starting and ending with an alphanumeric (cluster "c-2")',
      'prop "clusters[3].subscriptionId": "sub-x" is invalid: must be an Azure subscription ID (a GUID) (cluster "c-4")',
      expect.stringMatching(/^prop "clusters\[4\]\.name": "C_5" is invalid: must be a DNS label/),
    ]);
    // The CLI prints one line per problem (cdk8s-platform: <problem>), no stack.
    const lines = synthFailureLines(error).split('\n').filter((l) => l !== '');
    expect(lines.length).toBe(3);
    expect(lines.every((l) => /^cdk8s-platform: \S+\/many: prop "clusters\[\d\]/.test(l))).toBe(true);
  });

  test('one fleet spans subscriptions; 980 resource groups per subscription, two per AKS cluster, IDs without case, across Fleets', () => {
    const { repo, folder } = setup();
    const c = cls(repo.folder('clusters/mgmt/classes'));
    // 490 clusters fill a subscription (each has its resource group and AKS's node resource
    // group); the 491st is refused, also when its ID is written in upper case.
    const rows = (n: number, sub: (i: number) => string, prefix = 'c') => Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${i}`, subscriptionId: sub(i) }));
    const fleet = (id: string, clusters: FleetClusterSpec[]) => new Fleet(folder, id, { repo, clusterClass: c, defaults: { kubernetesVersion: 'v1.33.2' }, clusters });
    expect(Testing.errorOf(() => fleet('f', rows(491, (i) => (i % 2 ? SUB_A.toUpperCase() : SUB_A))))).toBe(
      `${P}/f: prop "clusters[490].subscriptionId": subscription ${SUB_A} would hold 982 resource groups (two per AKS cluster: its own and the node resource group AKS creates); ` +
        'Azure allows 980 per subscription: put the cluster in another subscription (cluster "c-490")',
    );
    // Two Fleets of 300 clusters each in one subscription: reported once at synth, naming both.
    const { app, repo: r2, folder: f2 } = setup();
    const c2 = cls(r2.folder('clusters/mgmt/classes'));
    new Fleet(f2, 'eu', { repo: r2, clusterClass: c2, defaults: { kubernetesVersion: 'v1.33.2' }, clusters: rows(300, () => SUB_A, 'eu') });
    new Fleet(f2, 'us', { repo: r2, clusterClass: c2, defaults: { kubernetesVersion: 'v1.33.2' }, managementPath: 'clusters/mgmt/fleet-us', clusters: rows(300, () => SUB_A.toUpperCase(), 'us') });
    expect(Testing.synthProblems(app).filter((p) => p.includes('resource groups'))).toEqual([
      `${P}/eu: subscription ${SUB_A} would hold 1200 resource groups (two per AKS cluster: its own and the node resource group AKS creates) across 2 Fleets: ` +
        `${P}/eu (300 clusters), ${P}/us (300 clusters); Azure allows 980 per subscription: put some of the clusters in another subscription`,
    ]);
  });

  test('one AKS cluster for two Clusters of the app (same subscription, resource group and name, two namespaces or Fleets) fails synth', () => {
    const { app, repo, folder } = setup();
    const c = cls(repo.folder('clusters/mgmt/classes'));
    new Fleet(folder, 'a', { repo, clusterClass: c, defaults: { kubernetesVersion: 'v1.33.2', namespace: 'team-a', subscriptionId: SUB_A }, clusters: [{ name: 'shop' }, { name: 'other' }] });
    // Fleet b in another management repo of the app, with the same class.
    const repoB = new Repo(app, 'platform-b', { url: 'https://github.com/contoso/platform-b' });
    new Fleet(repoB.folder('clusters/mgmt'), 'b', {
      repo: repoB, clusterClass: c,
      defaults: { kubernetesVersion: 'v1.33.2', namespace: 'team-b' }, clusters: [{ name: 'shop', subscriptionId: SUB_A.toUpperCase() }, { name: 'cart', subscriptionId: SUB_A }],
    });
    expect(Testing.synthProblems(app).filter((p) => p.includes('AKS cluster "'))).toEqual([
      `platform-b/clusters--mgmt--fleet--shop/Cluster: Cluster/team-b/shop: AKS cluster "shop" in resource group "shop" of subscription ${SUB_A} is also the AKS cluster of Cluster/team-a/shop (platform/clusters--mgmt--fleet--shop/Cluster): ` +
        'ASO adopts an existing Azure resource, so both Clusters would manage one AKS cluster (fighting over its version, pools and counts), and deleting either would delete it; give one another name or resource group',
    ]);
  });

  test('shards and buckets: stable keys, labels on every Flux object of a cluster, a tree of Kustomizations', () => {
    const make = (names: string[]) => {
      const { app, repo, folder } = setup();
      const c = cls(repo.folder('clusters/mgmt/classes'));
      const source = GitRepository.fromName(folder, 'src', { name: 'flux-system', namespace: 'flux-system' });
      const fleet = new Fleet(folder, 'fleet', { repo, clusterClass: c, source, shards: 3, buckets: 8, defaults: { kubernetesVersion: 'v1.33.2' }, clusters: names.map((name) => ({ name, ...(name === 'pinned' ? { shard: 'eu' } : {}) })) });
      return { app, repo, fleet };
    };
    const names = Array.from({ length: 40 }, (_, i) => `c-${i}`);
    const a = make([...names, 'pinned']);
    const b = make([...names.filter((_, i) => i % 3 !== 0).reverse(), 'c-100', 'pinned']);
    const key = (f: Fleet) => new Map(f.members.map((m) => [m.cluster.clusterName, `${m.shard}/${m.bucket}`]));
    const ka = key(a.fleet);
    const kb = key(b.fleet);
    for (const [name, k] of kb) if (ka.has(name)) expect(k).toBe(ka.get(name));
    expect(ka.get('c-0')).toBe(`shard${stableHash('c-0') % 3}/shard${stableHash('c-0') % 3}-b${stableHash('bucket:c-0') % 8}`);
    expect(ka.get('pinned')).toBe(`eu/eu-b${stableHash('bucket:pinned') % 8}`);
    expect(new Set([...ka.values()].map((k) => k.split('/')[0]))).toEqual(new Set(['shard0', 'shard1', 'shard2', 'eu']));
    const objs = Testing.objects(a.app);
    const m = a.fleet.members[0];
    for (const o of objs.filter((x) => x.kind === 'Kustomization' && x.metadata.name.startsWith(`${m.cluster.clusterName}-`))) {
      expect(o.metadata.labels).toEqual({ 'sharding.fluxcd.io/key': m.shard });
    }
    const bucketK = Testing.find(objs, 'Kustomization', `fleet-${m.bucket}`);
    expect(bucketK.metadata).toEqual({ name: `fleet-${m.bucket}`, namespace: 'flux-system', labels: { 'sharding.fluxcd.io/key': m.shard } });
    expect(bucketK.spec).toEqual({ interval: '10m', path: `./clusters/mgmt/fleet/${m.bucket}`, prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } });
    // The fleet folder lists only the bucket Kustomizations; the entry folder's build holds them, not the clusters.
    const files = a.app.renderToMemory().get('platform')!;
    const fleetK = files.get('clusters/mgmt/fleet/kustomization.yaml')!;
    expect(fleetK).not.toMatch(/c-0/);
    expect(fleetK.match(/kustomization-fleet-/g)!.length).toBe(a.fleet.bucketKustomizations.length);
    expect(files.get('clusters/mgmt/kustomization.yaml')).toMatch(/\n {2}- fleet\n/);
  });

  test('the build bound: a Fleet over too few buckets, and a hand-made folder, are refused at synth', () => {
    const { app, repo, folder } = setup();
    const c = cls(repo.folder('clusters/mgmt/classes'));
    const source = GitRepository.fromName(folder, 'src', { name: 'flux-system', namespace: 'flux-system' });
    new Fleet(folder, 'fleet', { repo, clusterClass: c, source, buckets: 1, maxObjectsPerBuild: 10, defaults: { kubernetesVersion: 'v1.33.2' }, clusters: Array.from({ length: 4 }, (_, i) => ({ name: `c-${i}` })) });
    const big = repo.folder('clusters/big', { namespace: 'big' });
    for (let i = 0; i < 11; i++) new kplus.ConfigMap(big, `cm-${i}`, { metadata: { name: `cm-${i}` } });
    const k = Kustomization.forFolder(repo.folder('clusters/mgmt/apps'), 'big', big, { name: 'big', namespace: 'flux-system', source, prune: true });
    expect(kustomizationBuildSizes(repo).filter((b) => b.objects > 0).map((b) => [b.kustomization.name, b.objects])).toEqual([['fleet-b0', 12], ['big', 11]]);
    // Each Kustomization reports its own build; the Fleet's bound holds for the hand-made one too.
    const fix = 'kustomize build time and the inventory grow with it: give sub-folders their own Kustomizations (Folder includeSubfolders: false), ' +
      'spread a Fleet over more buckets, or give a SystemsSync buckets';
    expect(Testing.errorOf(() => app.placedObjects())).toBe([
      'synth failed with 2 problem(s); nothing was written:',
      `  ${P}--fleet/b0: Kustomization flux-system/fleet-b0 builds 12 objects from ./clusters/mgmt/fleet/b0 (limit 10); ${fix}`,
      `  ${k.node.path}: Kustomization flux-system/big builds 11 objects from ./clusters/big (limit 10); ${fix}`,
    ].join('\n'));
  });

  test('layout props are checked', () => {
    const { repo, folder } = setup();
    const c = cls(repo.folder('clusters/mgmt/classes'));
    const base = { repo, clusterClass: c, defaults: { kubernetesVersion: 'v1.33.2' }, clusters: [{ name: 'c1' }] };
    expect(Testing.errorOf(() => new Fleet(folder, 'f1', { ...base, buckets: 0 }))).toBe(`${P}/f1: prop "buckets": 0 is invalid: must be an integer from 1 to 10000`);
    expect(Testing.errorOf(() => new Fleet(folder, 'f2', { ...base, shards: 1.5 }))).toBe(`${P}/f2: prop "shards": 1.5 is invalid: must be an integer from 1 to 1000`);
    repo.folder('clusters/fleet2');
    const source = GitRepository.fromName(folder, 'src', { name: 'flux-system', namespace: 'flux-system' });
    expect(Testing.errorOf(() => new Fleet(folder, 'f3', { ...base, source, managementPath: 'clusters/fleet2' }))).toBe(
      `${P}/f3: prop "managementPath": folder "clusters/fleet2" already exists and lists its sub-folders; let the fleet create it (with includeSubfolders: false: each bucket is applied by its own Kustomization)`,
    );
  });
});

test('a stage from another repo (shared per-environment overlays) before the cluster\'s own folder', () => {
  const { app, repo, folder } = setup();
  const c = cls(repo.folder('clusters/mgmt/classes'));
  const source = GitRepository.fromName(folder, 'src', { name: 'flux-system', namespace: 'flux-system' });
  const shared = GitRepository.fromName(folder, 'shared', { name: 'platform-shared', namespace: 'flux-system' });
  const stage = { name: 'platform', path: (r: FleetClusterSpec) => `./overlays/${r.environment}`, source: shared };
  const fleet = new Fleet(folder, 'fleet', {
    repo, clusterClass: c, source, stages: [stage, 'apps'],
    defaults: { kubernetesVersion: 'v1.33.2' }, environments: { prod: {} }, clusters: [{ name: 'c1', environment: 'prod' }],
  });
  expect(Object.keys(fleet.members[0].stageFolders)).toEqual(['apps']);
  expect(fleet.members[0].kustomizations.map((k) => k.name)).toEqual(['c1-platform', 'c1-apps']);
  const objs = Testing.objects(app);
  expect(Testing.find(objs, 'Kustomization', 'c1-platform').spec).toMatchObject({
    path: './overlays/prod', sourceRef: { kind: 'GitRepository', name: 'platform-shared', namespace: 'flux-system' },
    postBuild: { substitute: { CLUSTER_NAME: 'c1', CLUSTER_ENVIRONMENT: 'prod' } },
  });
  expect(Testing.find(objs, 'Kustomization', 'c1-apps').spec.dependsOn).toEqual([{ name: 'c1-platform' }]);
  expect(Testing.errorOf(() => new Fleet(folder, 'f2', { repo, clusterClass: c, stages: [{ name: 'platform', path: () => './x' }], defaults: { kubernetesVersion: 'v1.33.2' }, clusters: [{ name: 'c2' }] }))).toBe(
    `${P}/f2: prop "stages": a stage given by path needs a Flux source: set the stage's source or the fleet's`,
  );
});

test('node pools per row: the nodePool variable override of the pool, checked against the class', () => {
  const { app, repo, folder } = setup();
  const c = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
    name: 'aks', namespace: 'fleet', location: 'westeurope', nodePoolVariables: true,
    machinePoolClasses: [
      { class: 'system', pool: SYSTEM_POOL },
      { class: 'worker', pool: { name: 'worker', vmSize: 'Standard_D4s_v5', autoscaling: { min: 1, max: 5 }, zones: ['1', '2', '3'] } },
    ],
  });
  const pools = [{ class: 'system', name: 'sys' }, { class: 'worker', name: 'wrk' }]; // autoscaled: no replicas (AKS owns the count)
  new Fleet(folder, 'fleet', {
    repo, clusterClass: c, defaults: { kubernetesVersion: 'v1.33.2', machinePools: pools, nodePools: { wrk: { vmSize: 'Standard_D8s_v5' } } },
    clusters: [{ name: 'c1', nodePools: { wrk: { vmSize: 'Standard_D16s_v5', minCount: 2, maxCount: 30, zones: ['1'] } } }, { name: 'c2' }],
  });
  const objs = Testing.objects(app);
  const mps = (n: string) => Testing.find(objs, 'Cluster', n).spec.topology.workers.machinePools;
  expect(mps('c1')[0].variables).toBeUndefined();
  expect(mps('c1')[1].variables).toEqual({ overrides: [{ name: 'nodePool', value: { vmSize: 'Standard_D16s_v5', minCount: 2, maxCount: 30, zones: ['1'] } }] });
  expect(mps('c2')[1].variables).toEqual({ overrides: [{ name: 'nodePool', value: { vmSize: 'Standard_D8s_v5' } }] });
  // The row's autoscaler bounds also reach the MachinePool (Cluster API seeds a new pool's
  // replicas from the minimum); without bounds in the row, the class's template annotations stay.
  expect(mps('c1')[1].metadata).toEqual({ annotations: {
    'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size': '30',
    'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size': '2',
    'cluster.x-k8s.io/replicas-managed-by': 'aks',
  } });
  expect(mps('c2')[1].metadata).toBeUndefined();
  const worker = Testing.find(objs, 'ClusterClass', 'aks').spec.patches.find((p: any) => p.name === 'node-pool-worker');
  expect(worker.definitions[0].jsonPatches.map((j: any) => [j.path.split('/').pop(), j.valueFrom.template])).toEqual([
    ['vmSize', '{{ dig "vmSize" "Standard_D4s_v5" .nodePool | toJson }}'],
    ['minCount', '{{ dig "minCount" 1 .nodePool | toJson }}'],
    ['maxCount', '{{ dig "maxCount" 5 .nodePool | toJson }}'],
    ['availabilityZones', '{{ dig "zones" (list "1" "2" "3") .nodePool | toJson }}'],
  ]);
  const base = { repo, clusterClass: c, defaults: { kubernetesVersion: 'v1.33.2', machinePools: pools } };
  const err = (id: string, nodePools: Record<string, any>) => Testing.errorOf(() => new Fleet(folder, id, { ...base, clusters: [{ name: 'x', nodePools }] }));
  expect(err('e1', { other: {} })).toBe(`${P}/e1: prop "clusters[0].nodePools.other": "other" is not a machine pool of cluster "x" (sys, wrk)`);
  expect(err('e2', { sys: { maxCount: 3 } })).toBe(`${P}/e2: prop "clusters[0].nodePools.sys": machine pool class "system" has no autoscaling: minCount and maxCount cannot be set (cluster "x")`);
  expect(err('e3', { wrk: { minCount: 9, maxCount: 3 } })).toBe(`${P}/e3: prop "clusters[0].nodePools.wrk": minCount 9 is greater than maxCount 3 (cluster "x")`);
  // One bound from the row, the other from the class (autoscaling 1..5): AKS gets both.
  expect(err('e3a', { wrk: { minCount: 6 } })).toBe(`${P}/e3a: prop "clusters[0].nodePools.wrk": minCount 6 is greater than maxCount 5 (the class's) (cluster "x")`);
  expect(err('e4', { wrk: { zones: ['4'] } })).toBe(`${P}/e4: prop "clusters[0].nodePools.wrk.zones[0]": "4" must be one of: "1", "2", "3" (cluster "x")`);
  expect(err('e5', { wrk: { vmSize: 'D8s' } })).toBe(`${P}/e5: prop "clusters[0].nodePools.wrk.vmSize": "D8s" does not match pattern "^Standard_[A-Za-z0-9_]+$" (cluster "x")`);
  const plain = cls(repo.folder('clusters/mgmt/classes2'), { name: 'aks2' });
  expect(Testing.errorOf(() => new Fleet(folder, 'e6', { repo, clusterClass: plain, defaults: { kubernetesVersion: 'v1.33.2' }, clusters: [{ name: 'y', nodePools: { 'mp-1': { vmSize: 'Standard_D8s_v5' } } }] }))).toBe(
    `${P}/e6: prop "clusters[0].nodePools": ClusterClass aks2 has no nodePool variable: create it with nodePoolVariables: true (cluster "y")`,
  );
});

describe('AksClusterClass escape hatch', () => {
  test('addVariable / addPatch render into the ClusterClass, names checked', () => {
    const { app, repo } = setup();
    const c = cls(repo.folder('clusters/mgmt/classes'));
    c.addPatch({
      name: 'worker-vm-size', enabledIf: '{{ if .workerVmSize }}true{{ end }}',
      definitions: [{ selector: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'AzureASOManagedMachinePoolTemplate', matchResources: { machinePoolClass: { names: ['worker'] } } }, jsonPatches: [{ op: 'replace', path: '/spec/template/spec/resources/0/spec/vmSize', valueFrom: { variable: 'workerVmSize' } }] }],
    });
    const cc = Testing.find(Testing.objects(app), 'ClusterClass', 'aks');
    expect(cc.spec.variables[1]).toEqual({ name: 'workerVmSize', required: false, schema: { openAPIV3Schema: { type: 'string', enum: ['Standard_D4s_v5', 'Standard_D8s_v5'] } } });
    expect(cc.spec.patches[cc.spec.patches.length - 1].name).toBe('worker-vm-size');
    expect(Testing.errorOf(() => c.addVariable({ name: 'location', schema: { type: 'string' } }))).toBe(`${P}--classes/class: prop "addVariable.name": "location" is already a variable of ClusterClass aks`);
    expect(Testing.errorOf(() => c.addPatch({ name: 'worker-vm-size', definitions: [{}] }))).toBe(`${P}--classes/class: prop "addPatch.name": "worker-vm-size" is already a patch of ClusterClass aks`);
    expect(c.validateVariables({})).toEqual([]);
    c.addVariable({ name: 'sku', required: true, schema: { type: 'string' } });
    expect(c.validateVariables({})).toEqual(['variables.sku: is required by ClusterClass aks']);
  });
});

test('AksNodePoolMode import is used', () => expect(AksNodePoolMode.SYSTEM).toBeDefined());

test('examples/fleet-table: 12 rows from fleet.csv, two subscriptions, two shards, bounded builds', () => {
  const app = new GitOpsApp({ outdir: '/tmp/fleet-table-unused' });
  const repo = fleetTable(app);
  const objs = Testing.objects(app);
  const clusters = objs.filter((o) => o.kind === 'Cluster');
  expect(clusters.length).toBe(12);
  expect(new Set(clusters.map((c) => c.metadata.labels!['azure-subscription'])).size).toBe(2);
  expect(new Set(clusters.map((c) => c.metadata.namespace))).toEqual(new Set(['fleet-a', 'fleet-b']));
  const shards = objs.filter((o) => o.kind === 'Kustomization' && o.metadata.namespace !== 'flux-system').map((o) => o.metadata.labels?.['sharding.fluxcd.io/key']);
  expect(new Set(shards)).toEqual(new Set(['shard0', 'shard1']));
  expect(Testing.find(objs, 'Cluster', 'pay-weu-prod-1').spec.topology.variables).toContainEqual({ name: 'aksSkuTier', value: 'Premium' });
  // The class's kubeconfig access: a role assignment per cluster, its role definition under the cluster's subscription.
  for (const c of clusters) {
    const [ra] = objs.filter((o) => o.kind === 'RoleAssignment' && o.metadata.name.startsWith(`${c.metadata.name}-capz-kubeconfig-access-`));
    expect(ra.spec.roleDefinitionReference.armId).toBe(`/subscriptions/${c.metadata.labels!['azure-subscription']}/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b`);
  }
  expect(Math.max(...kustomizationBuildSizes(repo).map((b) => b.objects))).toBeLessThan(100);
});
