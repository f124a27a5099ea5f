// Day-2 edits of a fleet table, compared with what is committed (the destroy guard pairs each
// committed Cluster with the new one, lib/safety/cluster-transitions.ts): what Cluster API, ASO and
// AKS refuse fails synth and plan with the fix; turning an autoscaled pool manual is a protected
// update, allowed by the Cluster's allow id.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { declarePreinstalled, GitOpsApp, Preinstalled, RemovalPolicy, Repo } from '../../lib';
import { AksClusterClass, Fleet, FleetClusterSpec } from '../../lib/capi';
import { SYSTEM_POOL } from './fixtures';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../support/kubeconfig-access';
import { problems } from '../support/problems';

const SUB_A = '0b1e5c3a-7f6d-4e2b-9c8a-1d2e3f4a5b6c';
const SUB_B = '7c2d9e4f-1a3b-4c5d-8e9f-0a1b2c3d4e5f';

interface Edit {
  readonly rows?: (rows: FleetClusterSpec[]) => FleetClusterSpec[];
  readonly autoscaled?: boolean;
  readonly allowDestroy?: string[];
  readonly classLocation?: string;
  readonly classRemovalPolicy?: RemovalPolicy;
}

function fleetApp(outdir: string, edit: Edit = {}): GitOpsApp {
  const app = new GitOpsApp({ outdir, printBaselineReport: false, allowDestroy: edit.allowDestroy });
  const repo = new Repo(app, 'platform');
  const folder = repo.folder('clusters/mgmt', { namespace: 'fleet' });
  declarePreinstalled(app, Preinstalled.CAPI_CLUSTER_TOPOLOGY, Preinstalled.CAPZ, Preinstalled.of('fleet-namespace', [], ['fleet']));
  const cls = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
    name: 'aks', namespace: 'fleet', location: edit.classLocation ?? 'westeurope', nodePoolVariables: true, credentialFrom: 'aso-credential', removalPolicy: edit.classRemovalPolicy,
    machinePoolClasses: [
      { class: 'system', pool: SYSTEM_POOL },
      { class: 'worker', pool: { name: 'worker', vmSize: 'Standard_D4s_v5', zones: ['1', '2'], ...(edit.autoscaled ?? true ? { autoscaling: { min: 1, max: 5 } } : {}) } },
    ],
  });
  const rows: FleetClusterSpec[] = [
    { name: 'shop-1', subscriptionId: SUB_A, location: 'westeurope', nodePools: { wrk: { vmSize: 'Standard_D8s_v5', zones: ['1', '2'] } } },
    { name: 'shop-2', subscriptionId: SUB_A },
  ];
  new Fleet(folder, 'fleet', {
    repo, clusterClass: cls,
    defaults: { kubernetesVersion: 'v1.33.2', machinePools: [{ class: 'system', name: 'sys', replicas: 3 }, { class: 'worker', name: 'wrk' }] },
    clusters: edit.rows ? edit.rows(rows) : rows,
  });
  return app;
}

const row = (rows: FleetClusterSpec[], name: string, change: Partial<FleetClusterSpec>) => rows.map((r) => (r.name === name ? { ...r, ...change } : r));
const WHERE = 'platform/clusters--mgmt--fleet--shop-1/Cluster/Resource (platform/clusters/mgmt/fleet/shop-1/cluster-shop-1.yaml): Cluster fleet/shop-1';

describe('day-2 edits of a fleet the controllers refuse fail synth and plan, with the fix', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-day2-'));
  beforeAll(() => fleetApp(out).synth());
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  test.each([
    ['a version that skips a minor', { kubernetesVersion: 'v1.35.0' },
      'spec.topology.version: v1.33.2 → v1.35.0 skips a minor version, which Cluster API\'s webhook refuses (and AKS upgrades one minor version at a time); set v1.34.x first, let the upgrade finish, then v1.35.0'],
    ['a downgrade', { kubernetesVersion: 'v1.32.9' },
      'spec.topology.version: v1.33.2 → v1.32.9 is a downgrade, which Cluster API\'s webhook refuses (version cannot be decreased); keep v1.33.2'],
    ['another region', { location: 'northeurope' },
      'spec.topology.variables[name="location"]: westeurope → northeurope: an AKS cluster and its resource group cannot move to another region (ARM: InvalidResourceGroupLocation); keep westeurope, or add a new cluster in northeurope and remove this one'],
    ['another VM size', { nodePools: { wrk: { vmSize: 'Standard_D16s_v5', zones: ['1', '2'] } } },
      'spec.topology.workers.machinePools[name="wrk"].variables.overrides[name="nodePool"].value.vmSize: Standard_D8s_v5 → Standard_D16s_v5: AKS cannot change the VM size of an existing node pool; add a pool with Standard_D16s_v5, move the workloads, then remove "wrk"'],
    ['other zones', { nodePools: { wrk: { vmSize: 'Standard_D8s_v5', zones: ['1', '2', '3'] } } },
      'spec.topology.workers.machinePools[name="wrk"].variables.overrides[name="nodePool"].value.zones: ["1","2"] → ["1","2","3"]: AKS cannot change the availability zones of an existing node pool; add a pool with the new zones, move the workloads, then remove "wrk"'],
  ])('%s', (_what, change, message) => {
    const edit = { rows: (rows: FleetClusterSpec[]) => row(rows, 'shop-1', change as Partial<FleetClusterSpec>) };
    expect(problems(() => fleetApp(out, edit).plan())).toEqual([`${WHERE}: ${message}`]);
    expect(problems(() => fleetApp(out, edit).synth())).toEqual([`${WHERE}: ${message}`]);
  });

  test('another subscription for every row of the credential: each Cluster refused (one credential names one subscription)', () => {
    const move = `metadata.labels.azure-subscription: ${SUB_A} → ${SUB_B}: a cluster cannot move to another subscription (ASO refuses resources whose subscription differs from their credential's, SubscriptionMismatch, and nothing moves); ` +
      'add a new cluster in that subscription, move the workloads, then remove this one';
    const edit = { rows: (rows: FleetClusterSpec[]) => rows.map((r) => ({ ...r, subscriptionId: SUB_B })) };
    expect(problems(() => fleetApp(out, edit).plan())).toEqual([`${WHERE}: ${move}`, `${WHERE.replace(/shop-1/g, 'shop-2')}: ${move}`]);
    // One row alone: its credential is the other row's, which names the other subscription.
    expect(problems(() => fleetApp(out, { rows: (rows: FleetClusterSpec[]) => row(rows, 'shop-1', { subscriptionId: SUB_B }) }).plan())).toEqual([
      `PropError: platform/clusters--mgmt/fleet: prop "clusters[1].subscriptionId": ${SUB_A}, but cluster "shop-1" gives subscription ${SUB_B} with the same credential Secret fleet/aso-credential, ` +
        'and a credential Secret names one subscription (ASO creates the cluster where it points): give each row the credential of its subscription (credentialFrom), or the same subscriptionId (cluster "shop-2")',
    ]);
  });

  test('a row from a table: the refusal names its line too', () => {
    const edit = { rows: (rows: FleetClusterSpec[]) => row(rows, 'shop-1', { kubernetesVersion: 'v1.35.0', source: 'fleet.csv line 2' }) };
    const where = WHERE.replace('cluster-shop-1.yaml)', 'cluster-shop-1.yaml, fleet.csv line 2)');
    expect(problems(() => fleetApp(out, edit).plan())).toEqual([
      `${where}: spec.topology.version: v1.33.2 → v1.35.0 skips a minor version, which Cluster API's webhook refuses (and AKS upgrades one minor version at a time); set v1.34.x first, let the upgrade finish, then v1.35.0`,
    ]);
  });

  test.each([
    ['a location set where the class default applied', 'shop-2', { location: 'northeurope' },
      'spec.topology.variables[name="location"]: westeurope → northeurope: an AKS cluster and its resource group cannot move to another region (ARM: InvalidResourceGroupLocation); keep westeurope, or add a new cluster in northeurope and remove this one'],
    ['a VM size set where the class default applied', 'shop-2', { nodePools: { wrk: { vmSize: 'Standard_D8s_v5' } } },
      'spec.topology.workers.machinePools[name="wrk"].variables.overrides[name="nodePool"].value.vmSize: Standard_D4s_v5 → Standard_D8s_v5: AKS cannot change the VM size of an existing node pool; add a pool with Standard_D8s_v5, move the workloads, then remove "wrk"'],
    ['zones set where the class default applied', 'shop-2', { nodePools: { wrk: { zones: ['1'] } } },
      'spec.topology.workers.machinePools[name="wrk"].variables.overrides[name="nodePool"].value.zones: ["1","2"] → ["1"]: AKS cannot change the availability zones of an existing node pool; add a pool with the new zones, move the workloads, then remove "wrk"'],
  ])('%s (the ClusterClass\'s default is compared)', (_what, cluster, change, message) => {
    const where = WHERE.replace(/shop-1/g, cluster as string);
    expect(problems(() => fleetApp(out, { rows: (rows) => row(rows, cluster as string, change as Partial<FleetClusterSpec>) }).plan())).toEqual([`${where}: ${message}`]);
  });

  test('a class default changed moves every Cluster that leaves the value to the class: refused for those (their files unchanged)', () => {
    expect(problems(() => fleetApp(out, { classLocation: 'northeurope' }).plan())).toEqual([
      `${WHERE.replace(/shop-1/g, 'shop-2')}: spec.topology.variables[name="location"]: westeurope → northeurope: an AKS cluster and its resource group cannot move to another region ` +
        '(ARM: InvalidResourceGroupLocation); keep westeurope, or add a new cluster in northeurope and remove this one (the Cluster leaves it to ClusterClass fleet/aks, whose default changes)',
    ]);
  });

  test('zones in another order, and a hand-edited committed Cluster the guard cannot read, are no refusal', () => {
    const reordered = fleetApp(out, { rows: (rows) => row(rows, 'shop-1', { nodePools: { wrk: { vmSize: 'Standard_D8s_v5', zones: ['2', '1'] } } }) }).plan();
    expect(reordered.blocked).toEqual([]);
    const file = path.join(out, 'platform', 'clusters', 'mgmt', 'fleet', 'shop-1', 'cluster-shop-1.yaml');
    const committed = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, committed.replace(/ {4}variables:\n(?: {6}- .*\n(?: {8}.*\n)*)+/, '    variables: { location: westeurope }\n').replace('machinePools:', 'machinePools: {}\n      x:'));
      expect(problems(() => fleetApp(out, { rows: (rows) => row(rows, 'shop-1', { kubernetesVersion: 'v1.34.0' }) }).plan())).toEqual([]);
    } finally {
      fs.writeFileSync(file, committed);
    }
  });

  test('an override dropped where it equals the class default changes nothing AKS refuses', () => {
    const plan = fleetApp(out, { rows: (rows) => row(rows, 'shop-1', { nodePools: { wrk: { vmSize: 'Standard_D8s_v5' } } }) }).plan();
    expect(plan.blocked).toEqual([]);
  });

  test('a machine pool leaving a retained cluster\'s topology is a protected update (Cluster API deletes the MachinePool; the AKS pool stays, detached, or goes with a DESTROY class)', () => {
    const plan = fleetApp(out, { rows: (rows) => row(rows, 'shop-1', { machinePools: [{ class: 'system', name: 'sys', replicas: 3 }], nodePools: undefined }) }).plan();
    // The class retains (the default): its pool templates embed the agent pool with detach-on-delete.
    expect(plan.blocked.map((c) => [c.action, c.object.id, c.protection])).toEqual([[
      'update', 'Cluster/fleet/shop-1', ['machine pool "wrk" leaves the topology (removed or renamed): Cluster API deletes its MachinePool and CAPZ its ASO agent pool, which the ClusterClass retains (reconcile-policy detach-on-delete), ' +
        'so the AKS node pool keeps running with its nodes, no longer managed by Cluster API (delete it in Azure, az aks nodepool delete, once its workloads have moved)'],
    ]]);
    const adopting = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-day2-'));
    fleetApp(adopting, { classRemovalPolicy: RemovalPolicy.SKIP }).synth();
    const adopted = fleetApp(adopting, { classRemovalPolicy: RemovalPolicy.SKIP, rows: (rows) => row(rows, 'shop-1', { machinePools: [{ class: 'system', name: 'sys', replicas: 3 }], nodePools: undefined }) }).plan();
    expect(adopted.blocked.map((c) => c.protection)).toEqual([['machine pool "wrk" leaves the topology (removed or renamed): Cluster API deletes its MachinePool and CAPZ its ASO agent pool, which the ClusterClass adopts read-only (reconcile-policy skip), ' +
      'so the AKS node pool keeps running with its nodes, no longer managed by Cluster API (delete it in Azure, az aks nodepool delete, once its workloads have moved)']]);
    const destroying = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-day2-'));
    fleetApp(destroying, { classRemovalPolicy: RemovalPolicy.DESTROY }).synth();
    const gone = fleetApp(destroying, { classRemovalPolicy: RemovalPolicy.DESTROY, rows: (rows) => row(rows, 'shop-1', { machinePools: [{ class: 'system', name: 'sys', replicas: 3 }], nodePools: undefined }) }).plan();
    expect(gone.blocked.map((c) => [c.action, c.object.id, c.protection])).toEqual([[
      'update', 'Cluster/fleet/shop-1', ['machine pool "wrk" leaves the topology (removed or renamed): Cluster API deletes its MachinePool and CAPZ the AKS node pool with its nodes'],
    ]]);
  });

  test('one minor version up, a patch release and new autoscaler bounds are plain updates', () => {
    for (const change of [{ kubernetesVersion: 'v1.34.1' }, { kubernetesVersion: 'v1.33.5' }, { nodePools: { wrk: { vmSize: 'Standard_D8s_v5', zones: ['1', '2'], maxCount: 9 } } }]) {
      const plan = fleetApp(out, { rows: (rows) => row(rows, 'shop-1', change) }).plan();
      expect(plan.blocked).toEqual([]);
      expect(plan.repos[0].changes.map((c) => `${c.action} ${c.object.id}`)).toEqual(['update Cluster/fleet/shop-1']);
    }
  });

  test('an autoscaled pool turned manual is a protected update: AKS would scale it to the count; the Cluster\'s allow id allows it', () => {
    const plan = fleetApp(out, { autoscaled: false }).plan();
    expect(plan.blocked.map((c) => [c.action, c.object.id, c.protection])).toEqual(['shop-1', 'shop-2'].map((n) => [
      'update', `Cluster/fleet/${n}`,
      ['machine pool "wrk" is scaled by AKS\'s autoscaler (no replicas); with replicas: 1 CAPZ turns the autoscaler off and AKS scales the pool to 1 node'],
    ]));
    const allowed = fleetApp(out, { autoscaled: false, allowDestroy: ['platform::Cluster/fleet/shop-1', 'platform::Cluster/fleet/shop-2'] }).plan();
    expect(allowed.blocked).toEqual([]);
  });
});

test('two machine pools of one AKS class in a cluster are refused: the class names the agent pool, so both would be one AKS pool', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-day2-'));
  try {
    const rows = (r: FleetClusterSpec[]) => row(r, 'shop-1', { machinePools: [{ class: 'system', name: 'sys', replicas: 3 }, { class: 'worker', name: 'wrk' }, { class: 'worker', name: 'wrk2' }] });
    expect(problems(() => fleetApp(out, { rows }))).toEqual([
      'PropError: platform/clusters--mgmt--fleet--shop-1/Cluster: prop "machinePools[2].class": "worker" is also the class of machine pool "wrk": ClusterClass aks names the AKS agent pool of a class (one per class), ' +
        'so both would be the same agent pool; use one machine pool per class, or add a machine pool class (e.g. for a new VM size) to the ClusterClass (cluster "shop-1")',
    ]);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('a retained cluster moved to another namespace is refused: the old Cluster stays and both would manage the same AKS cluster', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-day2-'));
  try {
    fleetApp(out).synth();
    const moved = fleetApp(out, { rows: (r) => row(r, 'shop-1', { namespace: 'fleet-b' }), allowDestroy: ['platform::Cluster/fleet/shop-1'] });
    declarePreinstalled(moved, Preinstalled.of('fleet-b', [], ['fleet-b']));
    expect(problems(() => moved.plan()).filter((p) => p.includes('metadata.namespace'))).toEqual([
      'platform/clusters--mgmt--fleet--shop-1/Cluster/Resource (platform/clusters/mgmt/fleet/shop-1/cluster-shop-1.yaml): Cluster fleet-b/shop-1: metadata.namespace: fleet → fleet-b: ' +
        'the Cluster in fleet is retained and stays, and a second Cluster of the same name would manage the same Azure resources (named after the cluster; ASO adopts existing resources), ' +
        'so two CAPI Clusters would fight over one AKS cluster; keep namespace fleet',
    ]);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test("another ASO credential for a row without a subscription is a protected update (it may be another subscription's); with the row's subscription on both sides it is plain", () => {
  const build = (outdir: string, credentialFrom: string, subscriptionId?: string, allowDestroy?: string[]) => {
    const app = new GitOpsApp({ outdir, printBaselineReport: false, allowDestroy });
    const repo = new Repo(app, 'platform');
    declarePreinstalled(app, Preinstalled.CAPI_CLUSTER_TOPOLOGY, Preinstalled.CAPZ, Preinstalled.of('fleet-namespace', [], ['fleet']));
    const cls = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'class', {
      kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, name: 'aks', namespace: 'fleet', location: 'westeurope', perClusterCredential: true,
      machinePoolClasses: [{ class: 'system', pool: SYSTEM_POOL }],
    });
    new Fleet(repo.folder('clusters/mgmt', { namespace: 'fleet' }), 'fleet', {
      repo, clusterClass: cls, defaults: { kubernetesVersion: 'v1.33.2', machinePools: [{ class: 'system', name: 'sys', replicas: 3 }] },
      clusters: [{ name: 'shop-1', credentialFrom, ...(subscriptionId ? { subscriptionId } : {}) }],
    });
    return app;
  };
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-day2-'));
  try {
    build(out, 'cred-a').synth();
    expect(build(out, 'cred-b').plan().blocked.map((c) => [c.object.id, c.protection])).toEqual([
      ['Cluster/fleet/shop-1', [
        'spec.topology.variables[name="credentialSecretName"]: cred-a → cred-b: the cluster\'s Azure resources are reconciled with another ASO credential, and the row names no subscription: ' +
          'if that credential is for another subscription, ASO refuses every resource of the cluster (SubscriptionMismatch); give the row its subscriptionId (the guard then compares it)',
      ]],
    ]);
    expect(problems(() => build(out, 'cred-b', undefined, ['Cluster/fleet/shop-1']).plan())).toEqual([]);
    const out2 = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-day2-'));
    build(out2, 'cred-a', SUB_A).synth();
    expect(build(out2, 'cred-b', SUB_A).plan().blocked).toEqual([]);
    fs.rmSync(out2, { recursive: true, force: true });
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
