// Day-2 changes of Azure resources (ASO objects, the resources CAPZ embeds, a ClusterClass's
// templates), compared with what is committed (lib/safety/aso-transitions.ts): what Azure or ASO
// refuse fails synth and plan naming the object, field and fix; what scales down or changes for
// good is a protected update, allowed by the object's allow id.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { declarePreinstalled, GitOpsApp, Preinstalled, Repo } from '../../lib';
import { PostgresFlexibleServer, PostgresTier, type PostgresVersion, ResourceGroup } from '../../lib/aso';
import { AksNodePoolMode, type AksNodePoolProps as AksNodePool } from '../../lib/aso/aks';
import { AksCluster, AksClusterClass, Fleet } from '../../lib/capi';
import { asoTransition, classTemplateTransition } from '../../lib/safety/aso-transitions';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../support/kubeconfig-access';
import { problems } from '../support/problems';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'aso-day2-'));
const SYSTEM: AksNodePool = { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5', count: 2 };
const USER: AksNodePool = { name: 'user', vmSize: 'Standard_D8s_v5', autoscaling: { min: 3, max: 10 }, zones: ['1', '2', '3'], osDiskSizeGb: 128 };

interface AksEdit {
  readonly user?: Partial<AksNodePool> & { autoscaling?: AksNodePool['autoscaling'] | undefined };
  readonly version?: string;
  readonly location?: string;
  readonly oidcIssuer?: boolean;
  readonly resourceGroup?: string;
  readonly allowDestroy?: string[];
}

function aksApp(outdir: string, e: AksEdit = {}): GitOpsApp {
  const app = new GitOpsApp({ outdir, printBaselineReport: false, allowDestroy: e.allowDestroy });
  const repo = new Repo(app, 'platform');
  declarePreinstalled(app, Preinstalled.CAPI_CLUSTER_TOPOLOGY, Preinstalled.CAPZ, Preinstalled.of('fleet-namespace', [], ['fleet']));
  new AksCluster(repo.folder('clusters/aks-dev'), 'cluster', {
    name: 'aks-dev', namespace: 'fleet', location: e.location ?? 'westeurope', kubernetesVersion: e.version === 'none' ? undefined : (e.version ?? 'v1.33.2'), credentialFrom: 'aso-credential',
    adminGroupObjectIds: ['8f3c2a1e-0b7d-4c55-9a6e-2d1f0e9b7c31'], kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
    ...(e.oidcIssuer !== undefined ? { oidcIssuer: e.oidcIssuer } : {}),
    ...(e.resourceGroup ? { resourceGroup: { name: e.resourceGroup } } : {}),
    nodePools: [SYSTEM, { ...USER, ...(e.user ?? {}) } as AksNodePool],
  });
  return app;
}

describe('an AksCluster changed in a way AKS refuses', () => {
  const out = tmp();
  beforeAll(() => aksApp(out).synth());
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
  const POOL = 'platform/clusters--aks-dev/cluster/Pool-user (platform/clusters/aks-dev/azureasomanagedmachinepool-aks-dev-user.yaml): AzureASOManagedMachinePool fleet/aks-dev-user';
  const CP = 'platform/clusters--aks-dev/cluster/ControlPlane (platform/clusters/aks-dev/azureasomanagedcontrolplane-aks-dev.yaml): AzureASOManagedControlPlane fleet/aks-dev';
  const AGENT_POOL = 'spec.resources[kind=ManagedClustersAgentPool]';

  test.each([
    ['a node pool VM size', { user: { vmSize: 'Standard_D16s_v5' } },
      [`${POOL}: ${AGENT_POOL}.spec.vmSize: Standard_D8s_v5 → Standard_D16s_v5: AKS cannot change the vmSize of an existing node pool; add a pool with the new value, move the workloads, then remove pool "user"`]],
    ['a node pool OS disk', { user: { osDiskSizeGb: 256 } },
      [`${POOL}: ${AGENT_POOL}.spec.osDiskSizeGB: 128 → 256: AKS cannot change the osDiskSizeGB of an existing node pool; add a pool with the new value, move the workloads, then remove pool "user"`]],
    ['another region', { location: 'northeurope' },
      [`${CP}: spec.resources[kind=ManagedCluster].spec.location: westeurope → northeurope: AKS cannot change the location of an existing cluster; keep westeurope, or create a new cluster (another name), move what uses it, then remove this one`]],
    ['the OIDC issuer off', { oidcIssuer: false },
      [`${CP}: spec.resources[kind=ManagedCluster].spec.oidcIssuerProfile.enabled: true → (unset): AKS cannot turn the OIDC issuer off once it is on ("You can't disable OIDC issuer once enabled"), and workload identity depends on it; keep it on`]],
  ])('%s', (_what, edit, expected) => {
    expect(problems(() => aksApp(out, edit as AksEdit).plan())).toEqual(expected);
    expect(problems(() => aksApp(out, edit as AksEdit).synth())).toEqual(expected);
  });

  test('a Kubernetes downgrade: the control plane and every MachinePool, each once', () => {
    const lines = problems(() => aksApp(out, { version: 'v1.32.5' }).synth());
    expect(lines[0]).toBe(`${CP}: spec.version: v1.33.2 → v1.32.5 is a downgrade, which AKS refuses; keep v1.33.2`);
    expect(lines.slice(1)).toEqual(['system', 'user'].map((p) =>
      `platform/clusters--aks-dev/cluster/MachinePool-${p} (platform/clusters/aks-dev/machinepool-aks-dev-${p}.yaml): MachinePool fleet/aks-dev-${p}: spec.template.spec.version: v1.33.2 → v1.32.5 is a downgrade, which AKS refuses; keep v1.33.2`));
    // One minor up is an upgrade AKS does.
    expect(problems(() => aksApp(out, { version: 'v1.34.1' }).plan())).toEqual([]);
  });

  test('pinning the version of a cluster AKS upgraded itself is protected: the pin may be a downgrade', () => {
    const unpinned = tmp();
    const app = (version: string | undefined, allowDestroy?: string[]) => aksApp(unpinned, { version: version ?? 'none', allowDestroy });
    app(undefined).synth();
    expect(app('v1.33.2').plan().blocked.map((c) => [c.object.id, c.protection])).toEqual([
      ['AzureASOManagedControlPlane/fleet/aks-dev', [
        'spec.version: (unset) → v1.33.2: AKS has been upgrading this cluster itself (its upgrade channel), and a pin below the version it runs now is a downgrade AKS refuses ' +
          '(the cluster stops reconciling); pin at least the version it runs (az aks show --query currentKubernetesVersion)',
      ]],
    ]);
    expect(problems(() => app('v1.33.2', ['AzureASOManagedControlPlane/fleet/aks-dev']).plan())).toEqual([]);
  });

  test('another resource group name: ASO refuses the Azure name change CAPZ would apply', () => {
    expect(problems(() => aksApp(out, { resourceGroup: 'rg-other' }).synth())).toEqual([
      'platform/clusters--aks-dev/cluster/Infrastructure (platform/clusters/aks-dev/azureasomanagedcluster-aks-dev.yaml): AzureASOManagedCluster fleet/aks-dev: ' +
        "spec.resources[kind=ResourceGroup].spec.azureName: aks-dev → rg-other: ASO's webhook refuses changing a resource's Azure name (\"updating 'AzureName' is not allowed\"), " +
        'so CAPZ cannot apply it and its object stays in error; keep aks-dev, or create a new ResourceGroup (another name), move what uses it, then remove this one',
    ]);
  });

  test("an autoscaled pool made fixed is a protected update: AKS scales it to the count; the pool's allow id allows it", () => {
    const edit: AksEdit = { user: { autoscaling: undefined, count: 3 } };
    const plan = aksApp(out, edit).plan();
    expect(plan.blocked.map((c) => [c.action, c.object.id, c.protection])).toEqual([
      ['update', 'AzureASOManagedMachinePool/fleet/aks-dev-user', [`${AGENT_POOL}.spec.enableAutoScaling: the pool is scaled by AKS's autoscaler; turning it off makes AKS scale it to its fixed count (CAPZ: its MachinePool's replicas)`]],
    ]);
    expect(problems(() => aksApp(out, { ...edit, allowDestroy: ['AzureASOManagedMachinePool/fleet/aks-dev-user'] }).plan())).toEqual([]);
  });
});

describe('a PostgreSQL flexible server changed in a way Azure refuses or cannot undo', () => {
  const build = (outdir: string, pg: Partial<{ version: PostgresVersion; storageSizeGB: number; geoRedundantBackup: boolean; administratorLogin: string }> = {}, other = false, allowDestroy?: string[]) => {
    const app = new GitOpsApp({ outdir, printBaselineReport: false, allowDestroy });
    const folder = new Repo(app, 'platform').folder('azure', { namespace: 'azure' });
    const rg = new ResourceGroup(folder, 'rg', { name: 'rg-app', location: 'westeurope' });
    const rg2 = new ResourceGroup(folder, 'rg2', { name: 'rg-app2', location: 'westeurope' });
    const server = new PostgresFlexibleServer(folder, 'pg', {
      name: 'app-pg', resourceGroup: other ? rg2 : rg, administratorLogin: pg.administratorLogin ?? 'appadmin', administratorPassword: { secret: 'pg-admin', key: 'password' },
      skuName: 'Standard_D2ds_v5', tier: PostgresTier.GENERAL_PURPOSE, version: pg.version ?? '15', storageSizeGB: pg.storageSizeGB ?? 128,
      ...(pg.geoRedundantBackup !== undefined ? { geoRedundantBackup: pg.geoRedundantBackup } : {}),
    });
    server.firewallRule('office', { startIpAddress: '203.0.113.0', endIpAddress: '203.0.113.255' });
    return app;
  };
  const out = tmp();
  beforeAll(() => build(out).synth());
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
  const PG = 'platform/azure/pg/Resource (platform/azure/flexibleserver-app-pg.yaml): FlexibleServer azure/app-pg';

  test.each([
    ['a smaller disk', { storageSizeGB: 64 }, false,
      "spec.storage.storageSizeGB: 128 → 64: Azure never shrinks a server's disk (UpsertServerManagementOperationDowngradeDiskSizeUnsupported); keep 128 or more"],
    ['a downgrade', { version: '14' }, false, 'spec.version: 15 → 14: PostgreSQL cannot be downgraded; keep 15'],
    ['another administrator login', { administratorLogin: 'other' }, false,
      "spec.administratorLogin: appadmin → other: a PostgreSQL flexible server's administratorLogin is chosen at creation and cannot change; keep appadmin, or create a new server (another name), restore a backup into it, move what uses it, then remove this one"],
    ['geo-redundant backup on', { geoRedundantBackup: true }, false,
      "spec.backup.geoRedundantBackup: Disabled → Enabled: a PostgreSQL flexible server's backup.geoRedundantBackup is chosen at creation and cannot change; keep Disabled, or create a new server (another name), restore a backup into it, move what uses it, then remove this one"],
    ['another resource group', {}, true,
      'spec.owner: {"name":"rg-app"} → {"name":"rg-app2"}: ASO\'s webhook refuses changing a resource\'s owner ("updating \'Owner.Name\' is not allowed"), so the server-side dry-run of everything applied with it fails: ' +
        'a resource cannot move to another resource group or parent; keep the owner, or create a new FlexibleServer (another name), move what uses it, then remove this one'],
  ])('%s is refused', (_what, pg, other, message) => {
    expect(problems(() => build(out, pg as Parameters<typeof build>[1], other).synth())).toEqual([`${PG}: ${message}`]);
  });

  test('a major version upgrade is protected (it stops the server and cannot be undone); its allow id allows it', () => {
    expect(build(out, { version: '16' }).plan().blocked.map((c) => [c.object.id, c.protection])).toEqual([
      ['FlexibleServer/azure/app-pg', ['spec.version: 15 → 16 is an in-place major version upgrade: the server stops during it, and it cannot be undone']],
    ]);
    expect(problems(() => build(out, { version: '16' }, false, ['FlexibleServer/azure/app-pg']).plan())).toEqual([]);
    // A bigger disk is fine.
    expect(problems(() => build(out, { storageSizeGB: 256 }).plan())).toEqual([]);
  });
});

describe("a ClusterClass's CAPZ templates changed: every Cluster of the class gets the change in place", () => {
  const build = (outdir: string, worker: Partial<AksNodePool>, nodePoolVariables = false, allowDestroy?: string[]) => {
    const app = new GitOpsApp({ outdir, printBaselineReport: false, allowDestroy });
    const repo = new Repo(app, 'platform');
    declarePreinstalled(app, Preinstalled.CAPI_CLUSTER_TOPOLOGY, Preinstalled.CAPZ, Preinstalled.of('fleet-namespace', [], ['fleet']));
    const cls = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'class', {
      kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, name: 'aks', namespace: 'fleet', location: 'westeurope', nodePoolVariables, credentialFrom: 'aso-credential',
      machinePoolClasses: [
        { class: 'system', pool: { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' } },
        { class: 'worker', pool: { name: 'worker', vmSize: 'Standard_D4s_v5', autoscaling: { min: 1, max: 5 }, ...worker } },
      ],
    });
    new Fleet(repo.folder('clusters/mgmt', { namespace: 'fleet' }), 'fleet', {
      repo, clusterClass: cls, defaults: { kubernetesVersion: 'v1.33.2' }, clusters: [{ name: 'shop-1' }, { name: 'shop-2' }],
    });
    return app;
  };
  const CLASS = 'platform/clusters--mgmt--classes/class/Resource (platform/clusters/mgmt/classes/clusterclass-aks.yaml): ClusterClass fleet/aks';

  test('a VM size set by the class (no node pool variables) is refused once, on the class', () => {
    const out = tmp();
    build(out, {}).synth();
    expect(problems(() => build(out, { vmSize: 'Standard_D8s_v5' }).synth())).toEqual([
      `${CLASS}: spec.patches[name="azureasomanagedmachinepool-worker-spec"]: resources[kind=ManagedClustersAgentPool].spec.vmSize: Standard_D4s_v5 → Standard_D8s_v5: ` +
        'AKS cannot change the vmSize of an existing node pool; add a pool with the new value, move the workloads, then remove pool "worker" (Cluster API applies the class\'s template to every Cluster of the class, in place)',
    ]);
  });

  test('with node pool variables, the VM size is compared per Cluster only; an OS disk size set where Azure chose one is protected', () => {
    const out = tmp();
    build(out, {}, true).synth();
    const lines = problems(() => build(out, { vmSize: 'Standard_D8s_v5' }, true).synth());
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.includes(': Cluster fleet/shop-') && l.includes('(the Cluster leaves it to ClusterClass fleet/aks, whose default changes)'))).toBe(true);
    expect(build(out, { osDiskSizeGb: 256 }, true).plan().blocked.map((c) => [c.object.id, c.protection])).toEqual([
      ['ClusterClass/fleet/aks', [
        'spec.patches[name="azureasomanagedmachinepool-worker-spec"]: resources[kind=ManagedClustersAgentPool].spec.osDiskSizeGB: (unset) → 256: ' +
          "the node pool's osDiskSizeGB cannot change once created, so Azure refuses this unless 256 is the value it already has (its default)",
      ]],
    ]);
  });

  test("renaming a pool class's AKS pool replaces it in every Cluster: protected, allowed by the class's id", () => {
    const out = tmp();
    build(out, {}).synth();
    const blocked = build(out, { name: 'workers' }).plan().blocked;
    expect(blocked.map((c) => c.object.id)).toEqual(['ClusterClass/fleet/aks']);
    expect(blocked[0].protection).toEqual([
      'spec.patches[name="azureasomanagedmachinepool-workers-spec"]: the ManagedClustersAgentPool is renamed ({{ .builtin.cluster.name }}-worker → {{ .builtin.cluster.name }}-workers): ' +
        'CAPZ deletes the old one of every Cluster of the class and creates the new one, and the old AKS resource keeps running in Azure, no longer managed (reconcile-policy detach-on-delete): ' +
        'delete it in Azure once its workloads have moved; to replace a pool, add a new machine pool class, move the workloads, then remove the old one',
    ]);
    expect(problems(() => build(out, { name: 'workers' }, false, ['ClusterClass/fleet/aks']).plan())).toEqual([]);
  });
});

describe('asoTransition', () => {
  const pool = (spec: Record<string, unknown>) => ({ apiVersion: 'containerservice.azure.com/v1api20250801', kind: 'ManagedClustersAgentPool', metadata: { name: 'p' }, spec: { owner: { name: 'c' }, ...spec } });

  test('zones are a set, ARM ids compare without case, unset values are not compared, templated values neither', () => {
    expect(asoTransition(pool({ availabilityZones: ['1', '2'] }), pool({ availabilityZones: ['2', '1'] }))).toEqual({ refused: [], protection: [] });
    const subnet = '/subscriptions/0b1e5c3a-7f6d-4e2b-9c8a-1d2e3f4a5b6c/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s';
    expect(asoTransition(pool({ vnetSubnetReference: { armId: subnet } }), pool({ vnetSubnetReference: { armId: subnet.toUpperCase() } }))).toEqual({ refused: [], protection: [] });
    expect(asoTransition(pool({ vmSize: 'Standard_D4s_v5' }), pool({}))).toEqual({ refused: [], protection: [] });
    expect(classTemplateTransition({ apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'ClusterClass', spec: {} }, { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'ClusterClass', spec: {} })).toEqual({ refused: [], protection: [] });
  });

  test('owners: an ARM ID compares without case; another ARM ID passes ASO\'s webhook but would make a new resource', () => {
    const rg = (armId: string) => ({ apiVersion: 'storage.azure.com/v1api20230101', kind: 'StorageAccount', metadata: { name: 'st' }, spec: { owner: { armId } } });
    const id = '/subscriptions/0b1e5c3a-7f6d-4e2b-9c8a-1d2e3f4a5b6c/resourceGroups/rg-app';
    expect(asoTransition(rg(id), rg(id.replace('resourceGroups', 'resourcegroups')))).toEqual({ refused: [], protection: [] });
    expect(asoTransition(rg(id), rg(`${id}2`)).refused).toEqual([
      `spec.owner: {"armId":"${id}"} → {"armId":"${id}2"}: a resource cannot move to another parent: ASO would create a new one under the new owner and leave this one in Azure, ` +
        'no longer managed; keep the owner, or create a new StorageAccount (another name), move what uses it, then remove this one',
    ]);
  });

  test("a MachinePool's version is compared only for AKS's pools (self-managed kubelets may trail and skip minors)", () => {
    const mp = (version: string, kind: string) => ({ apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'MachinePool', metadata: { name: 'p' }, spec: { template: { spec: { version, infrastructureRef: { kind } } } } });
    expect(asoTransition(mp('v1.31.4', 'AzureMachinePool'), mp('v1.33.2', 'AzureMachinePool'))).toEqual({ refused: [], protection: [] });
    expect(asoTransition(mp('v1.31.4', 'AzureASOManagedMachinePool'), mp('v1.33.2', 'AzureASOManagedMachinePool')).refused).toEqual([
      'spec.template.spec.version: v1.31.4 → v1.33.2 skips a minor version, which AKS refuses (it upgrades one minor version at a time); set v1.32.x first, let the upgrade finish, then v1.33.2',
    ]);
  });

  test('another kind or group is not compared', () => {
    expect(asoTransition(pool({ vmSize: 'a' }), { ...pool({ vmSize: 'b' }), kind: 'ManagedCluster' })).toEqual({ refused: [], protection: [] });
  });
});
