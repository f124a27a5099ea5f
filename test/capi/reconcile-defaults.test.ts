// Controller defaults that must not fight each other on a real management cluster (issue 16, part 5):
// one owner of the Kubernetes version, autoscaled pools without replicas, the kubeconfig role.
import { optOutsOf } from '../../lib/core/baseline';
import { AksNodePoolMode, AksUpgradeChannel } from '../../lib/aso/aks';
import { AksCluster, AksClusterClass, AksClusterProps, TopologyCluster } from '../../lib/capi';
import { Testing } from '../../lib/testing';
import { setup, SYSTEM_POOL } from './fixtures';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../support/kubeconfig-access';

const SUB = '0b1e5c3a-7f6d-4e2b-9c8a-1d2e3f4a5b6c';
const PRINCIPAL = '9D8C7B6A-5F4E-4D3C-8B2A-1F0E9D8C7B6A';

const BASE: AksClusterProps = {
  name: 'aks-dev',
  location: 'westeurope',
  kubernetesVersion: 'v1.33.2',
  credentialFrom: 'aso-credential',
  apiServerAccess: { privateCluster: true },
  nodePools: [SYSTEM_POOL],
};

function build(props: Partial<AksClusterProps> = {}) {
  const { app, folder } = setup();
  const aks = new AksCluster(folder, 'aks', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, ...BASE, ...props });
  return { app, folder, aks };
}

function upgradeProfile(objs: ReturnType<typeof Testing.objects>) {
  return Testing.find(objs, 'AzureASOManagedControlPlane', 'aks-dev').spec.resources[0].spec.autoUpgradeProfile;
}

function cls(folder: ReturnType<typeof setup>['folder'], upgradeChannel?: AksUpgradeChannel) {
  return new AksClusterClass(folder, 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
    name: 'aks', location: 'westeurope', apiServerAccess: { privateCluster: true }, upgradeChannel,
    machinePoolClasses: [
      { class: 'system', pool: { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' } },
      { class: 'worker', pool: { name: 'worker', vmSize: 'Standard_D4s_v5', autoscaling: { min: 2, max: 8 } } },
    ],
  });
}

describe('one owner of the Kubernetes version', () => {
  test('CAPZ pins spec.version: Kubernetes auto-upgrade none by default (not an opt-out), node-image allowed', () => {
    const { app, aks } = build();
    expect(upgradeProfile(Testing.objects(app))).toEqual({ upgradeChannel: 'none', nodeOSUpgradeChannel: 'NodeImage' });
    expect(optOutsOf(aks)).toEqual([]);
    expect(upgradeProfile(Testing.objects(build({ upgradeChannel: AksUpgradeChannel.NODE_IMAGE }).app)).upgradeChannel).toBe('node-image');
  });

  test('a version-changing channel with a pinned version is an error naming both fixes', () => {
    for (const ch of [AksUpgradeChannel.PATCH, AksUpgradeChannel.STABLE, AksUpgradeChannel.RAPID]) {
      expect(Testing.errorOf(() => build({ upgradeChannel: ch }))).toBe(
        `platform/clusters--mgmt/aks: prop "upgradeChannel": "${ch}" lets AKS upgrade Kubernetes while CAPZ (AzureASOManagedControlPlane spec.version) pins v1.33.2: ` +
          'the two fight (ASO writes v1.33.2 back, a downgrade AKS refuses, and the cluster stops reconciling); ' +
          'leave upgradeChannel unset (Git owns the version: bump kubernetesVersion) or use node-image, or leave kubernetesVersion unset so AKS owns the version',
      );
    }
  });

  test('without kubernetesVersion AKS owns the version: no spec.version anywhere, auto-upgrade patch by default', () => {
    const { app, aks } = build({ kubernetesVersion: undefined });
    const objs = Testing.objects(app);
    expect('version' in Testing.find(objs, 'AzureASOManagedControlPlane', 'aks-dev').spec).toBe(false);
    expect('version' in Testing.find(objs, 'MachinePool', 'aks-dev-system').spec.template.spec).toBe(false);
    expect(upgradeProfile(objs)).toEqual({ upgradeChannel: 'patch', nodeOSUpgradeChannel: 'NodeImage' });
    expect(optOutsOf(aks)).toEqual([]);
    // none without a pinned version is an opt-out (nobody upgrades the cluster).
    const off = build({ kubernetesVersion: undefined, upgradeChannel: AksUpgradeChannel.NONE }).aks;
    expect(optOutsOf(off).map((o) => `${o.setting}=${o.value}`)).toEqual(['aks.autoUpgradeProfile.upgradeChannel=none']);
  });

  test('ClusterClass: the topology pins the version, so patch is refused and none is the default', () => {
    const { app, folder } = setup();
    cls(folder);
    const cc = Testing.find(Testing.objects(app), 'ClusterClass', 'aks');
    const cp = cc.spec.patches.find((p: { name: string }) => p.name === 'azureasomanagedcontrolplane-spec');
    expect(cp.definitions[0].jsonPatches[0].valueFrom.template).toContain('upgradeChannel: none');
    expect(Testing.errorOf(() => cls(setup().folder, AksUpgradeChannel.PATCH))).toBe(
      'platform/clusters--mgmt/class: prop "upgradeChannel": "patch" lets AKS upgrade Kubernetes while CAPZ (spec.version, from each Cluster\'s spec.topology.version) ' +
        'pins the topology version: the two fight (ASO writes the topology version back, a downgrade AKS refuses, and the cluster stops reconciling); ' +
        'leave upgradeChannel unset (Git owns the version: bump the TopologyCluster\'s kubernetesVersion) or use node-image',
    );
  });
});

describe('autoscaled pools leave replicas to the autoscaler', () => {
  test('AksCluster: a fixed pool keeps replicas; an autoscaled one has none, with the CAPI autoscaler bounds and replicas-managed-by: aks', () => {
    const { app, aks } = build();
    aks.addNodePool({ name: 'user', vmSize: 'Standard_D8s_v5', autoscaling: { min: 2, max: 6 } });
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'MachinePool', 'aks-dev-system').spec.replicas).toBe(3);
    const user = Testing.find(objs, 'MachinePool', 'aks-dev-user');
    expect(user.spec.replicas).toBeUndefined();
    expect(user.metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false',
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size': '6',
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size': '2',
      'cluster.x-k8s.io/replicas-managed-by': 'aks',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled', // retained with the cluster (RETAIN by default)
    });
    // The agent pool carries the bounds and no count (CAPZ seeds it from the MachinePool).
    const pool = Testing.find(objs, 'AzureASOManagedMachinePool', 'aks-dev-user').spec.resources[0].spec;
    expect(pool).toMatchObject({ enableAutoScaling: true, minCount: 2, maxCount: 6 });
    expect(pool.count).toBeUndefined();
  });

  test('ClusterClass: the autoscaled class carries the annotations; the topology leaves its replicas unset, and setting them is an error', () => {
    const { app, folder } = setup();
    const c = cls(folder);
    expect(c.autoscaledPoolClasses).toEqual(['worker']);
    new TopologyCluster(folder, 't', { name: 'c1', clusterClass: c, kubernetesVersion: 'v1.33.2', machinePools: [{ class: 'system', name: 'system', replicas: 2 }, { class: 'worker', name: 'worker' }] });
    const objs = Testing.objects(app);
    const workers = Testing.find(objs, 'ClusterClass', 'aks').spec.workers.machinePools;
    expect(workers[0].metadata).toBeUndefined();
    expect(workers[1].metadata).toEqual({ annotations: {
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size': '8',
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size': '2',
      'cluster.x-k8s.io/replicas-managed-by': 'aks',
    } });
    expect(Testing.find(objs, 'Cluster', 'c1').spec.topology.workers.machinePools).toEqual([{ class: 'system', name: 'system', replicas: 2 }, { class: 'worker', name: 'worker' }]);
    expect(Testing.errorOf(() => new TopologyCluster(folder, 't2', { name: 'c2', clusterClass: c, kubernetesVersion: 'v1.33.2', machinePools: [{ class: 'system', name: 'system' }, { class: 'worker', name: 'worker', replicas: 3 }] }))).toBe(
      'platform/clusters--mgmt/t2: prop "machinePools[1].replicas": class "worker" of ClusterClass aks is autoscaled by AKS: ' +
        'leave replicas unset (the topology controller would reset the node count the autoscaler sets)',
    );
  });
});

describe('kubeconfig access with local accounts disabled', () => {
  test('grantKubeconfigAccess renders an ASO RoleAssignment of AKS RBAC Cluster Admin on the ManagedCluster, retained with the cluster', () => {
    const { app } = build({ kubeconfigAccess: { principalId: PRINCIPAL, subscriptionId: SUB } });
    const ra = Testing.find(Testing.objects(app), 'RoleAssignment', 'aks-dev-capz-kubeconfig-access');
    expect(ra.apiVersion).toBe('authorization.azure.com/v1api20220401');
    expect(ra.metadata.namespace).toBe('fleet');
    expect(ra.metadata.annotations).toMatchObject({
      'serviceoperator.azure.com/credential-from': 'aso-credential',
      'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
    });
    expect(ra.spec).toEqual({
      owner: { group: 'containerservice.azure.com', kind: 'ManagedCluster', name: 'aks-dev' },
      principalId: PRINCIPAL.toLowerCase(),
      principalType: 'ServicePrincipal',
      roleDefinitionReference: { armId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b` },
    });
  });

  test('a credential allowed to write role assignments can be named; the grant is refused where it cannot work', () => {
    // Granted later (not declared granted outside).
    const { app, aks } = build({ kubeconfigAccess: undefined });
    aks.grantKubeconfigAccess({ principalId: PRINCIPAL, subscriptionId: SUB, credentialFrom: 'aso-rbac-admin', principalType: 'Group' });
    const ra = Testing.find(Testing.objects(app), 'RoleAssignment', 'aks-dev-capz-kubeconfig-access');
    expect(ra.metadata.annotations!['serviceoperator.azure.com/credential-from']).toBe('aso-rbac-admin');
    expect(ra.spec.principalType).toBe('Group');
    expect(Testing.errorOf(() => aks.grantKubeconfigAccess({ principalId: PRINCIPAL, subscriptionId: SUB }))).toBe('platform/clusters--mgmt/aks: prop "kubeconfigAccess": is already granted');
    expect(Testing.errorOf(() => build({ disableLocalAccounts: false, kubeconfigAccess: { principalId: PRINCIPAL, subscriptionId: SUB } }))).toBe(
      'platform/clusters--mgmt/aks: prop "kubeconfigAccess": is not needed: local accounts are enabled, so CAPZ writes the admin kubeconfig (set disableLocalAccounts: true, the secure default, to use Entra ID)',
    );
    expect(Testing.errorOf(() => build({ azureRbac: false, kubeconfigAccess: { principalId: PRINCIPAL, subscriptionId: SUB } }))).toBe(
      'platform/clusters--mgmt/aks: prop "kubeconfigAccess": cannot authorize Kubernetes calls: Azure RBAC is off (azureRbac: false), so add a group containing the identity to adminGroupObjectIds instead',
    );
    expect(Testing.errorOf(() => build({ kubeconfigAccess: { principalId: 'capz', subscriptionId: SUB } }))).toBe(
      'platform/clusters--mgmt/aks: prop "kubeconfigAccess.principalId": "capz" is invalid: must be the object id (a GUID) of the ASO credential\'s identity',
    );
  });
});
