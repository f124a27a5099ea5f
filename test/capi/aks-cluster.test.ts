import { optOutsOf } from '../../lib/core/baseline';
import { SynthError } from '../../lib/gitops/gitops-app';
import { AksNetworkDataplane, AksNetworkPlugin, AksNetworkPolicy, AksNodeOsUpgradeChannel, AksNodePoolMode, AksOsType, AksSkuTier, AksUpgradeChannel } from '../../lib/aso/aks';
import { AksCluster, AksClusterProps } from '../../lib/capi';
import { RemovalPolicy } from '../../lib/core/removal-policy';
import { Testing } from '../../lib/testing';
import { setup, SYSTEM_POOL } from './fixtures';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../support/kubeconfig-access';

const BASE: AksClusterProps = {
  name: 'aks-dev',
  location: 'westeurope',
  kubernetesVersion: 'v1.33.2',
  credentialFrom: 'aso-credential',
  nodePools: [SYSTEM_POOL],
};

function build(props: Partial<AksClusterProps> = {}) {
  const { app, folder } = setup();
  const aks = new AksCluster(folder, 'aks', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, ...BASE, ...props });
  return { app, folder, aks };
}

function managedCluster(objs: ReturnType<typeof Testing.objects>) {
  return Testing.find(objs, 'AzureASOManagedControlPlane', 'aks-dev').spec.resources[0];
}

describe('AksCluster', () => {
  test('emits the CAPI v1beta2 Cluster referencing the CAPZ AzureASOManaged* objects', () => {
    const { app } = build();
    const objs = Testing.objects(app);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'AzureASOManagedCluster/aks-dev',
      'AzureASOManagedControlPlane/aks-dev',
      'AzureASOManagedMachinePool/aks-dev-system',
      'Cluster/aks-dev',
      'MachinePool/aks-dev-system',
    ]);
    const cluster = Testing.find(objs, 'Cluster', 'aks-dev');
    expect(cluster.apiVersion).toBe('cluster.x-k8s.io/v1beta2');
    expect(cluster.metadata.namespace).toBe('fleet');
    expect(cluster.spec).toEqual({
      controlPlaneRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'AzureASOManagedControlPlane', name: 'aks-dev' },
      infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'AzureASOManagedCluster', name: 'aks-dev' },
    });
  });

  test('control plane: spec.version with v, the embedded ManagedCluster without kubernetesVersion, secure defaults', () => {
    const { app } = build({ adminGroupObjectIds: ['11111111-2222-3333-4444-555555555555'] });
    const objs = Testing.objects(app);
    const cp = Testing.find(objs, 'AzureASOManagedControlPlane', 'aks-dev');
    expect(cp.spec.version).toBe('v1.33.2');
    const mc = managedCluster(objs);
    expect(mc.apiVersion).toBe('containerservice.azure.com/v1api20250801');
    expect(mc.metadata).toEqual({
      name: 'aks-dev',
      annotations: {
        'serviceoperator.azure.com/credential-from': 'aso-credential',
        'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete',
      },
    });
    expect(mc.spec.kubernetesVersion).toBeUndefined();
    expect(mc.spec.agentPoolProfiles).toBeUndefined();
    expect(mc.spec).toEqual({
      owner: { name: 'aks-dev' },
      location: 'westeurope',
      dnsPrefix: 'aks-dev',
      identity: { type: 'SystemAssigned' },
      servicePrincipalProfile: { clientId: 'msi' },
      networkProfile: { networkPlugin: 'azure', networkPluginMode: 'overlay', networkDataplane: 'cilium', networkPolicy: 'cilium' },
      aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: ['11111111-2222-3333-4444-555555555555'] },
      disableLocalAccounts: true,
      oidcIssuerProfile: { enabled: true },
      securityProfile: { workloadIdentity: { enabled: true } },
      // CAPZ pins spec.version: Git owns the Kubernetes version, AKS keeps node images current.
      autoUpgradeProfile: { upgradeChannel: 'none', nodeOSUpgradeChannel: 'NodeImage' },
      addonProfiles: { azurepolicy: { enabled: true } },
      operatorSpec: { secrets: { userCredentials: { name: 'aks-dev-user-kubeconfig', key: 'value' } } },
    });
  });

  test('resource group: embedded, named after the cluster, retained; or an existing one adopted read-only', () => {
    let objs = Testing.objects(build().app);
    expect(Testing.find(objs, 'AzureASOManagedCluster', 'aks-dev').spec.resources).toEqual([{
      apiVersion: 'resources.azure.com/v1api20200601',
      kind: 'ResourceGroup',
      metadata: { name: 'aks-dev', annotations: { 'serviceoperator.azure.com/credential-from': 'aso-credential', 'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete' } },
      spec: { location: 'westeurope' },
    }]);
    objs = Testing.objects(build({ resourceGroup: { name: 'Shared_RG', existing: true } }).app);
    const rg = Testing.find(objs, 'AzureASOManagedCluster', 'aks-dev').spec.resources[0];
    expect(rg.metadata.annotations['serviceoperator.azure.com/reconcile-policy']).toBe('skip');
    expect(rg.spec).toEqual({ location: 'westeurope', azureName: 'Shared_RG' });
    expect(managedCluster(objs).spec.owner).toEqual({ name: 'aks-dev' });
  });

  test('removal policy: RETAIN by default (Flux prune off on Cluster, infra, control plane); DESTROY drops both', () => {
    let objs = Testing.objects(build().app);
    for (const kind of ['Cluster', 'AzureASOManagedCluster', 'AzureASOManagedControlPlane']) {
      expect(Testing.find(objs, kind, 'aks-dev').metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    }
    // The node pools are retained with the cluster (issue 15): Flux does not prune them, ASO detaches the agent pool.
    for (const kind of ['MachinePool', 'AzureASOManagedMachinePool']) {
      expect(Testing.find(objs, kind, 'aks-dev-system').metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    }
    expect(Testing.find(objs, 'AzureASOManagedMachinePool', 'aks-dev-system').spec.resources[0].metadata.annotations).toEqual({
      'serviceoperator.azure.com/credential-from': 'aso-credential',
      'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete',
    });
    objs = Testing.objects(build({ removalPolicy: RemovalPolicy.DESTROY }).app);
    expect(Testing.find(objs, 'Cluster', 'aks-dev').metadata.annotations).toBeUndefined();
    expect(Testing.find(objs, 'MachinePool', 'aks-dev-system').metadata.annotations).toBeUndefined();
    expect(Testing.find(objs, 'AzureASOManagedMachinePool', 'aks-dev-system').metadata.annotations).toBeUndefined();
    expect(Testing.find(objs, 'AzureASOManagedMachinePool', 'aks-dev-system').spec.resources[0].metadata.annotations).toEqual({ 'serviceoperator.azure.com/credential-from': 'aso-credential' });
    expect(managedCluster(objs).metadata.annotations).toEqual({ 'serviceoperator.azure.com/credential-from': 'aso-credential' });
  });

  test('node pools: fixed count → MachinePool replicas; autoscaling → min/max, replicas-managed-by annotation, zones, labels, taints', () => {
    const { app, aks } = build();
    aks.addNodePool({
      name: 'user', vmSize: 'Standard_D8s_v5', autoscaling: { min: 3, max: 10 }, zones: ['1', '2', '3'],
      labels: { workload: 'general' }, taints: ['dedicated=batch:NoSchedule'], osDiskSizeGb: 128, maxPods: 110,
    });
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'MachinePool', 'aks-dev-system').spec).toEqual({
      clusterName: 'aks-dev',
      replicas: 3,
      template: { spec: {
        bootstrap: { dataSecretName: '' },
        clusterName: 'aks-dev',
        infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'AzureASOManagedMachinePool', name: 'aks-dev-system' },
        version: 'v1.33.2',
      } },
    });
    const user = Testing.find(objs, 'MachinePool', 'aks-dev-user');
    // Autoscaled: no spec.replicas (AKS's autoscaler owns the count); CAPI's webhook seeds it from min-size.
    expect(user.metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false',
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size': '10',
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size': '3',
      'cluster.x-k8s.io/replicas-managed-by': 'aks',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
    });
    expect('replicas' in user.spec).toBe(false);
    expect(Testing.find(objs, 'AzureASOManagedMachinePool', 'aks-dev-user').spec.resources[0]).toEqual({
      apiVersion: 'containerservice.azure.com/v1api20250801',
      kind: 'ManagedClustersAgentPool',
      metadata: { name: 'aks-dev-user', annotations: { 'serviceoperator.azure.com/credential-from': 'aso-credential', 'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete' } },
      spec: {
        azureName: 'user', owner: { name: 'aks-dev' }, mode: 'User', type: 'VirtualMachineScaleSets', vmSize: 'Standard_D8s_v5',
        enableAutoScaling: true, minCount: 3, maxCount: 10, availabilityZones: ['1', '2', '3'], osDiskSizeGB: 128, maxPods: 110,
        nodeLabels: { workload: 'general' }, nodeTaints: ['dedicated=batch:NoSchedule'],
      },
    });
    expect(aks.nodePools.map((p) => p.name)).toEqual(['system', 'user']);
  });

  test('network: CIDRs go to the ManagedCluster and the CAPI clusterNetwork; existing subnet; kubenet', () => {
    const subnet = '/subscriptions/0000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/hub/subnets/aks';
    let objs = Testing.objects(build({ network: { podCidr: '10.244.0.0/16', serviceCidr: '10.0.0.0/16', dnsServiceIp: '10.0.0.10', vnetSubnetId: subnet } }).app);
    expect(Testing.find(objs, 'Cluster', 'aks-dev').spec.clusterNetwork).toEqual({ pods: { cidrBlocks: ['10.244.0.0/16'] }, services: { cidrBlocks: ['10.0.0.0/16'] } });
    expect(managedCluster(objs).spec.networkProfile).toEqual({
      networkPlugin: 'azure', networkPluginMode: 'overlay', networkDataplane: 'cilium', networkPolicy: 'cilium',
      podCidr: '10.244.0.0/16', serviceCidr: '10.0.0.0/16', dnsServiceIP: '10.0.0.10',
    });
    expect(Testing.find(objs, 'AzureASOManagedMachinePool', 'aks-dev-system').spec.resources[0].spec.vnetSubnetReference).toEqual({ armId: subnet });
    objs = Testing.objects(build({ network: { plugin: AksNetworkPlugin.KUBENET } }).app);
    expect(managedCluster(objs).spec.networkProfile).toEqual({ networkPlugin: 'kubenet' });
    objs = Testing.objects(build({ network: { dataplane: AksNetworkDataplane.AZURE, policy: AksNetworkPolicy.CALICO } }).app);
    expect(managedCluster(objs).spec.networkProfile).toEqual({ networkPlugin: 'azure', networkPluginMode: 'overlay', networkDataplane: 'azure', networkPolicy: 'calico' });
  });

  test('secure defaults can each be turned off, and every opt-out is recorded', () => {
    const { app, aks } = build({
      kubeconfigAccess: undefined, azureRbac: false, disableLocalAccounts: false, workloadIdentity: false, oidcIssuer: false,
      upgradeChannel: AksUpgradeChannel.NONE, nodeOsUpgradeChannel: AksNodeOsUpgradeChannel.NONE, azurePolicy: false,
      skuTier: AksSkuTier.STANDARD, apiServerAccess: { authorizedIpRanges: ['203.0.113.0/24'], managementIpRanges: ['198.51.100.7'] }, tags: { team: 'a' },
    });
    const mc = managedCluster(Testing.objects(app));
    expect(mc.spec.aadProfile).toEqual({ managed: true, enableAzureRBAC: false });
    expect(mc.spec.disableLocalAccounts).toBeUndefined();
    expect(mc.spec.oidcIssuerProfile).toBeUndefined();
    expect(mc.spec.securityProfile).toBeUndefined();
    expect(mc.spec.operatorSpec).toBeUndefined();
    expect(mc.spec.addonProfiles).toBeUndefined();
    expect(mc.spec.autoUpgradeProfile).toEqual({ upgradeChannel: 'none', nodeOSUpgradeChannel: 'None' });
    expect(mc.spec.sku).toEqual({ tier: 'Standard' });
    // The management cluster's outbound address is authorized too (Cluster API and Flux connect from there).
    expect(mc.spec.apiServerAccessProfile).toEqual({ authorizedIPRanges: ['203.0.113.0/24', '198.51.100.7'] });
    expect(mc.spec.tags).toEqual({ team: 'a' });
    expect(aks.exports.oidcIssuer).toBeUndefined();
    expect(optOutsOf(aks).map((o) => `${o.setting}=${o.value}`)).toEqual([
      'aks.aadProfile.enableAzureRBAC=false',
      'aks.disableLocalAccounts=false',
      'aks.oidcIssuerProfile.enabled=false',
      'aks.securityProfile.workloadIdentity.enabled=false',
      // upgradeChannel none is not an opt-out here: CAPZ pins the version, Git owns upgrades.
      'aks.autoUpgradeProfile.nodeOsUpgradeChannel=None',
      'aks.addonProfiles.azurepolicy.enabled=false',
    ]);
    expect(optOutsOf(build().aks).map((o) => o.setting)).toEqual(['aks.apiServerAccessProfile']);
    expect(optOutsOf(build({ apiServerAccess: { privateCluster: true } }).aks)).toEqual([]);
  });

  test('private cluster', () => {
    const mc = managedCluster(Testing.objects(build({ apiServerAccess: { privateCluster: true } }).app));
    expect(mc.spec.apiServerAccessProfile).toEqual({ enablePrivateCluster: true });
  });

  test('IKubeconfigCluster and the OIDC issuer export (switched on when used)', () => {
    const { app, folder, aks } = build({ environment: 'dev' });
    expect(aks.clusterName).toBe('aks-dev');
    expect(aks.environment).toBe('dev');
    expect([aks.kubeconfigSecret.secretName, aks.kubeconfigSecret.secretNamespace, aks.kubeconfigSecret.key]).toEqual(['aks-dev-kubeconfig', 'fleet', 'value']);
    expect(aks.exports.kubeconfig.ref()).toEqual({ apiGroup: '', kind: 'Secret', name: 'aks-dev-kubeconfig', namespace: 'fleet' });
    expect(aks.toRef()).toEqual({ apiGroup: 'cluster.x-k8s.io', kind: 'Cluster', name: 'aks-dev', namespace: 'fleet' });
    expect(managedCluster(Testing.objects(app)).spec.operatorSpec.configMaps).toBeUndefined();
    const loc = aks.exports.oidcIssuer!.use(folder, 'issuer');
    expect(loc).toEqual({ kind: 'ConfigMap', name: 'aks-dev-oidc', namespace: 'fleet', key: 'issuer' });
    expect(managedCluster(Testing.objects(app)).spec.operatorSpec.configMaps).toEqual({ oidcIssuerProfile: { name: 'aks-dev-oidc', key: 'issuer' } });
  });

  test('escape hatch: overrides on the embedded ManagedCluster, still schema-validated', () => {
    const { app, aks } = build();
    aks.addManagedClusterOverride('spec.networkProfile.loadBalancerSku', 'standard');
    aks.addManagedClusterOverride('spec.addonProfiles', undefined);
    const mc = managedCluster(Testing.objects(app));
    expect(mc.spec.networkProfile.loadBalancerSku).toBe('standard');
    expect(mc.spec.addonProfiles).toBeUndefined();
    aks.addManagedClusterOverride('spec.networkProfile.loadBalancerSkuu', 'standard');
    expect(() => Testing.objects(app)).toThrow(SynthError);
    try {
      Testing.objects(app);
    } catch (e) {
      expect((e as SynthError).problems).toEqual([
        'platform/clusters--mgmt/aks/ControlPlane: AzureASOManagedControlPlane/fleet/aks-dev: spec.resources[0].spec.networkProfile.loadBalancerSkuu: unknown field "loadBalancerSkuu"',
      ]);
    }
  });

  test('references resolve: the kubeconfig Secret is provided, a hydration reading it resolves', () => {
    const { app, folder, aks } = build();
    const { addReference } = require('../../lib/core/references');
    addReference(folder, 'kubeConfig', aks.exports.kubeconfig.ref());
    expect(() => Testing.objects(app)).not.toThrow();
    addReference(folder, 'kubeConfig', { apiGroup: '', kind: 'Secret', name: 'aks-other-kubeconfig', namespace: 'fleet' });
    expect(() => Testing.objects(app)).toThrow(/prop "kubeConfig": refers to Secret\/fleet\/aks-other-kubeconfig/);
  });
});

describe('AksCluster validation (exact messages with construct path and prop)', () => {
  const P = 'platform/clusters--mgmt/aks';
  test.each<[string, Partial<AksClusterProps>, string]>([
    ['bad version', { kubernetesVersion: '1.33' }, `${P}: prop "kubernetesVersion": "1.33" is invalid: must be v<major>.<minor>.<patch>, e.g. v1.33.2`],
    ['pool name SystemPool1', { nodePools: [{ ...SYSTEM_POOL, name: 'SystemPool1' }] }, `${P}: prop "nodePools[0].name": "SystemPool1" is invalid: must be 1-12 lowercase letters and digits, starting with a letter (Linux pool)`],
    ['Windows pool name too long', { nodePools: [SYSTEM_POOL, { name: 'windows1', osType: AksOsType.WINDOWS, vmSize: 'Standard_D4s_v5' }] }, `${P}: prop "nodePools[1].name": "windows1" is invalid: must be 1-6 lowercase letters and digits, starting with a letter (Windows pool)`],
    ['no system pool', { nodePools: [{ name: 'user', vmSize: 'Standard_D4s_v5' }] }, `${P}: prop "nodePools": must contain at least one System pool (mode: AksNodePoolMode.SYSTEM): AKS needs one for system pods`],
    ['no pools', { nodePools: [] }, `${P}: prop "nodePools": must list at least one node pool, and one of them must be a System pool (mode: AksNodePoolMode.SYSTEM)`],
    ['overlapping CIDRs', { network: { podCidr: '10.0.0.0/8', serviceCidr: '10.1.0.0/16', dnsServiceIp: '10.1.0.10' } }, `${P}: prop "network.serviceCidr": "10.1.0.0/16" overlaps podCidr "10.0.0.0/8"`],
    ['dns IP outside service CIDR', { network: { serviceCidr: '10.1.0.0/16', dnsServiceIp: '10.2.0.10' } }, `${P}: prop "network.dnsServiceIp": "10.2.0.10" must be inside serviceCidr "10.1.0.0/16" and not its first address`],
    ['CIDR with host bits', { network: { podCidr: '10.244.1.0/16' } }, `${P}: prop "network.podCidr": "10.244.1.0/16" is invalid: must be an IPv4 CIDR without host bits, e.g. 10.244.0.0/16`],
    ['service CIDR without DNS IP', { network: { serviceCidr: '10.1.0.0/16' } }, `${P}: prop "network.dnsServiceIp": serviceCidr and dnsServiceIp must be given together`],
    ['cilium policy without cilium dataplane', { network: { dataplane: AksNetworkDataplane.AZURE, policy: AksNetworkPolicy.CILIUM } }, `${P}: prop "network.policy": Cilium network policy requires the Cilium dataplane`],
    ['count and autoscaling', { nodePools: [{ ...SYSTEM_POOL, count: 3, autoscaling: { min: 1, max: 3 } }] }, `${P}: prop "nodePools[0].count": set either count or autoscaling, not both`],
    ['autoscaling max < min', { nodePools: [{ ...SYSTEM_POOL, autoscaling: { min: 5, max: 3 } }] }, `${P}: prop "nodePools[0].autoscaling.max": 3 is invalid: must be an integer from 5 to 1000`],
    ['system pool of 0', { nodePools: [{ ...SYSTEM_POOL, count: 0 }] }, `${P}: prop "nodePools[0].count": 0 is invalid: must be an integer from 1 to 1000`],
    ['bad zone', { nodePools: [{ ...SYSTEM_POOL, zones: ['4'] }] }, `${P}: prop "nodePools[0].zones[0]": "4" is invalid: must be "1", "2" or "3"`],
    ['bad taint', { nodePools: [{ ...SYSTEM_POOL, taints: ['nope'] }] }, `${P}: prop "nodePools[0].taints[0]": "nope" is invalid: must be key=value:Effect (Effect: NoSchedule, PreferNoSchedule or NoExecute)`],
    ['Windows system pool', { nodePools: [{ ...SYSTEM_POOL, name: 'win', osType: AksOsType.WINDOWS }] }, `${P}: prop "nodePools[0].mode": a System pool must run Linux (Windows pools can only be User pools)`],
    ['duplicate pool', { nodePools: [SYSTEM_POOL, { ...SYSTEM_POOL }] }, `${P}: prop "nodePools[1].name": "system" is used by another node pool`],
    ['bad location', { location: 'West Europe' }, `${P}: prop "location": "West Europe" is invalid: must be an Azure region name such as westeurope (lowercase letters and digits)`],
    ['bad admin group', { adminGroupObjectIds: ['admins'] }, `${P}: prop "adminGroupObjectIds[0]": "admins" is invalid: must be an Entra ID group object ID (a GUID)`],
    ['local accounts off without Entra ID', { entraId: false, disableLocalAccounts: true }, `${P}: prop "disableLocalAccounts": disabling local accounts requires entraId: true (nobody could sign in)`],
    ['workload identity without OIDC', { oidcIssuer: false, workloadIdentity: true }, `${P}: prop "workloadIdentity": workload identity requires oidcIssuer: true`],
    ['private cluster with IP ranges', { apiServerAccess: { privateCluster: true, authorizedIpRanges: ['1.2.3.0/24'] } }, `${P}: prop "apiServerAccess": set either authorizedIpRanges or privateCluster, not both (a private API server has no public endpoint to restrict)`],
    ['authorized ranges without the management cluster\'s', { apiServerAccess: { authorizedIpRanges: ['1.2.3.0/24'] } },
      `${P}: prop "apiServerAccess.managementIpRanges": is required with authorizedIpRanges: Cluster API reads the cluster through its API server (node references, machine pool readiness) and Flux hydrates it from the management cluster, ` +
        'which AKS refuses unless its outbound addresses are authorized (the cluster never becomes ready: kubernetes-sigs/cluster-api-provider-azure#3375); list the management cluster\'s outbound public IPs (its NAT gateway\'s or load balancer\'s)'],
    ['management ranges without authorized ranges', { apiServerAccess: { managementIpRanges: ['1.2.3.4'] } },
      `${P}: prop "apiServerAccess.managementIpRanges": is added to authorizedIpRanges, which are not set (the API server is reachable from anywhere): set authorizedIpRanges too, or leave managementIpRanges out`],
    ['management ranges of a private cluster', { apiServerAccess: { privateCluster: true, managementIpRanges: ['1.2.3.4'] } },
      `${P}: prop "apiServerAccess.managementIpRanges": a private API server has no public endpoint: the management cluster reaches it through a peered VNet and a private DNS zone link; leave managementIpRanges out`],
    ['management range prefix with host bits', { apiServerAccess: { authorizedIpRanges: ['1.2.3.0/24'], managementIpRanges: ['1.2.3.4/24'] } }, `${P}: prop "apiServerAccess.managementIpRanges[0]": "1.2.3.4/24" is invalid: must be an IPv4 address or CIDR without host bits`],
    ['bad name', { name: 'AKS_Dev' }, `${P}: prop "name": "AKS_Dev" is invalid: must be a DNS label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters)`],
    ['invalid label', { labels: { team: ':' } }, `${P}: prop "labels.team": invalid label value ":": must be empty or consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`],
    ['CIDR prefix with a leading zero', { network: { serviceCidr: '10.0.0.0/08', dnsServiceIp: '10.0.0.10' } }, `${P}: prop "network.serviceCidr": "10.0.0.0/08" is invalid: must be an IPv4 CIDR without host bits, e.g. 10.0.0.0/16`],
    ['authorized range prefix with a leading zero', { apiServerAccess: { authorizedIpRanges: ['1.2.3.0/024'] } }, `${P}: prop "apiServerAccess.authorizedIpRanges[0]": "1.2.3.0/024" is invalid: must be an IPv4 address or CIDR without host bits`],
  ])('%s', (_what, props, message) => {
    expect(Testing.errorOf(() => build(props))).toBe(message);
  });

  test('addNodePool validates too', () => {
    const { aks } = build();
    expect(Testing.errorOf(() => aks.addNodePool({ name: 'Pool_2', vmSize: 'Standard_D4s_v5' }))).toBe(
      `${P}: prop "nodePools[1].name": "Pool_2" is invalid: must be 1-12 lowercase letters and digits, starting with a letter (Linux pool)`,
    );
    expect(Testing.errorOf(() => aks.addNodePool({ ...SYSTEM_POOL, mode: AksNodePoolMode.USER }))).toBe(`${P}: prop "nodePools[1].name": "system" is used by another node pool`);
  });

  test('addManagedClusterOverride rejects a path with an empty key', () => {
    const { aks } = build();
    const rule = 'is invalid: must be a dot-separated path of non-empty keys such as "spec.networkProfile.loadBalancerSku" (escape a literal dot as "\\.")';
    expect(Testing.errorOf(() => aks.addManagedClusterOverride('spec..x', 'Standard'))).toBe(`${P}: prop "addManagedClusterOverride.path": "spec..x" ${rule}`);
    expect(Testing.errorOf(() => aks.addManagedClusterOverride('', 'Standard'))).toBe(`${P}: prop "addManagedClusterOverride.path": "" ${rule}`);
  });
});

describe('AksCluster location in Azure', () => {
  const SUB = '0b1e5c3a-7f6d-4e2b-9c8a-1d2e3f4a5b6c';
  const access = { principalId: '5f1c8a9e-3b2d-4c6e-9f0a-1b2c3d4e5f60', subscriptionId: SUB };

  test('two clusters of one name, resource group and subscription in two namespaces fail synth; another resource group passes', () => {
    const { app, folder } = setup();
    new AksCluster(folder, 'a', { ...BASE, namespace: 'team-a', kubeconfigAccess: access });
    const b = new AksCluster(folder, 'b', { ...BASE, namespace: 'team-b', kubeconfigAccess: { ...access, subscriptionId: SUB.toUpperCase() } });
    expect(b.azureLocation).toEqual({ subscriptionId: SUB, resourceGroup: 'aks-dev', clusterName: 'aks-dev' });
    expect(Testing.synthProblems(app).filter((p) => p.includes('AKS cluster "'))).toEqual([
      `platform/clusters--mgmt/b: Cluster/team-b/aks-dev: AKS cluster "aks-dev" in resource group "aks-dev" of subscription ${SUB} is also the AKS cluster of Cluster/team-a/aks-dev (platform/clusters--mgmt/a): ` +
        'ASO adopts an existing Azure resource, so both Clusters would manage one AKS cluster (fighting over its version, pools and counts), and deleting either would delete it; give one another name or resource group',
    ]);
    const ok = setup();
    new AksCluster(ok.folder, 'a', { ...BASE, namespace: 'team-a', kubeconfigAccess: access });
    new AksCluster(ok.folder, 'b', { ...BASE, namespace: 'team-b', kubeconfigAccess: access, resourceGroup: { name: 'rg-team-b' } });
    expect(Testing.synthProblems(ok.app).filter((p) => p.includes('AKS cluster "'))).toEqual([]);
    // Without a known subscription (granted outside the app), nothing to compare.
    expect(build().aks.azureLocation).toBeUndefined();
  });
});

describe('kubeconfig Secrets of two clusters of a namespace', () => {
  test('a cluster named <x>-user beside an AKS cluster <x> without local accounts shares the Secret ASO exports: synth fails; another namespace passes', () => {
    const { app, folder } = setup();
    new AksCluster(folder, 'shop', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, ...BASE, name: 'shop', namespace: 'team-a' });
    new AksCluster(folder, 'shop-user', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, ...BASE, name: 'shop-user', namespace: 'team-a' });
    new AksCluster(folder, 'other', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, ...BASE, name: 'shop-user', namespace: 'team-b' });
    expect(Testing.synthProblems(app).filter((p) => p.includes('kubeconfig Secret'))).toEqual([
      'platform/clusters--mgmt/shop-user: Cluster/team-a/shop-user: its kubeconfig Secret shop-user-kubeconfig is also the Secret ASO exports the user kubeconfig of Cluster/team-a/shop to (platform/clusters--mgmt/shop): ' +
        'CAPZ and ASO would each overwrite the other\'s kubeconfig in it, and Flux and CAPZ would reach whichever cluster wrote last; rename this cluster (a name not ending in "-user"), or put it in another namespace',
    ]);
  });
});
