// Day-2 changes of an AKS managed cluster's network, identity and API server access, and of an
// agent pool's create-only fields (lib/safety/aso-transitions.ts): what AKS refuses fails synth and
// plan naming the field and the fix; what it migrates one way (reimaging every node pool, changing
// the egress IP) is a protected update, allowed by the object's allow id.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { declarePreinstalled, GitOpsApp, Preinstalled, Repo } from '../../lib';
import { AksNetworkDataplane, AksNetworkPlugin, AksNodePoolMode } from '../../lib/aso/aks';
import { AksCluster, type AksClusterProps } from '../../lib/capi';
import { asoTransition, classTemplateTransition } from '../../lib/safety/aso-transitions';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../support/kubeconfig-access';
import { problems } from '../support/problems';

type Spec = Record<string, unknown>;
const NONE = { refused: [], protection: [] };
const mc = (spec: Spec) => ({ apiVersion: 'containerservice.azure.com/v1api20250801', kind: 'ManagedCluster', metadata: { name: 'c' }, spec: { owner: { name: 'rg' }, ...spec } });
const net = (networkProfile: Spec, spec: Spec = {}) => mc({ networkProfile, ...spec });
const pool = (spec: Spec) => ({ apiVersion: 'containerservice.azure.com/v1api20250801', kind: 'ManagedClustersAgentPool', metadata: { name: 'p' }, spec: { owner: { name: 'c' }, ...spec } });
const refused = (old: Spec, next: Spec) => asoTransition(mc(old), mc(next));
const REPLACE = 'create a new cluster (another name), move what uses it, then remove this one';
const REIMAGE = 'reimages every node pool at once';

describe('a managed cluster: fields AKS sets at creation only', () => {
  const CIDR = 'AKS: "Changing the CIDR range is not supported. The cluster would have to be recreated."';
  test.each([
    ['serviceCidr', { networkProfile: { serviceCidr: '10.0.0.0/16' } }, { networkProfile: { serviceCidr: '10.1.0.0/16' } },
      `spec.networkProfile.serviceCidr: 10.0.0.0/16 → 10.1.0.0/16: AKS cannot change the networkProfile.serviceCidr of an existing cluster (${CIDR}); keep 10.0.0.0/16, or ${REPLACE}`],
    ['serviceCidrs', { networkProfile: { serviceCidrs: ['10.0.0.0/16'] } }, { networkProfile: { serviceCidrs: ['10.0.0.0/15'] } },
      `spec.networkProfile.serviceCidrs: ["10.0.0.0/16"] → ["10.0.0.0/15"]: AKS cannot change the networkProfile.serviceCidrs of an existing cluster (${CIDR}); keep ["10.0.0.0/16"], or ${REPLACE}`],
    ['dnsServiceIP', { networkProfile: { dnsServiceIP: '10.0.0.10' } }, { networkProfile: { dnsServiceIP: '10.0.0.11' } },
      `spec.networkProfile.dnsServiceIP: 10.0.0.10 → 10.0.0.11: AKS cannot change the networkProfile.dnsServiceIP of an existing cluster (${CIDR}); keep 10.0.0.10, or ${REPLACE}`],
    ['nodeResourceGroup', { nodeResourceGroup: 'MC_a' }, { nodeResourceGroup: 'MC_b' },
      'spec.nodeResourceGroup: MC_a → MC_b: AKS cannot change the nodeResourceGroup of an existing cluster (AKS FAQ: you can\'t "Change the node resource group name after you create the cluster"); ' +
        `keep MC_a, or ${REPLACE}`],
    ['fqdnSubdomain', { fqdnSubdomain: 'a' }, { fqdnSubdomain: 'b' },
      `spec.fqdnSubdomain: a → b: AKS cannot change the fqdnSubdomain of an existing cluster (the API: "This cannot be updated once the Managed Cluster has been created"); keep a, or ${REPLACE}`],
    ['diskEncryptionSetReference', { diskEncryptionSetReference: { armId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/a' } },
      { diskEncryptionSetReference: { armId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/b' } },
      'spec.diskEncryptionSetReference: {"armId":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/a"} → ' +
        '{"armId":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/b"}: AKS cannot change the diskEncryptionSetReference of an existing cluster ' +
        '(AKS: OS disk encryption with customer-managed keys can "only be enabled when creating" the cluster); ' +
        'keep {"armId":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/a"}, or ' + REPLACE],
  ])('%s changed is refused', (_field, old, next, message) => {
    expect(refused(old, next)).toEqual({ refused: [message], protection: [] });
  });

  test('one set where AKS chose it is protected (refused unless it is that value); the same ARM id in another case is no change', () => {
    expect(refused({}, { networkProfile: { serviceCidr: '10.1.0.0/16' }, nodeResourceGroup: 'MC_b' })).toEqual({ refused: [], protection: [
      "spec.nodeResourceGroup: (unset) → MC_b: the cluster's nodeResourceGroup cannot change once created, so Azure refuses this unless MC_b is the value it already has (its default)",
      "spec.networkProfile.serviceCidr: (unset) → 10.1.0.0/16: the cluster's networkProfile.serviceCidr cannot change once created, so Azure refuses this unless 10.1.0.0/16 is the value it already has (its default)",
    ] });
    const des = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/a';
    expect(refused({ diskEncryptionSetReference: { armId: des } }, { diskEncryptionSetReference: { armId: des.toUpperCase() } })).toEqual(NONE);
    // Resource group names are case-insensitive in Azure.
    expect(refused({ nodeResourceGroup: 'MC_a' }, { nodeResourceGroup: 'mc_A' })).toEqual(NONE);
  });
});

describe('a managed cluster: identity and API server access AKS changes one way only', () => {
  test('managed Entra ID turned off, or its profile removed, is refused', () => {
    const line = (to: string) => `spec.aadProfile.managed: true → ${to}: AKS cannot turn AKS-managed Microsoft Entra integration off once it is on ("can't be disabled after it's enabled"); keep it on`;
    expect(refused({ aadProfile: { managed: true } }, { aadProfile: { managed: false } }).refused).toEqual([line('false')]);
    expect(refused({ aadProfile: { managed: true } }, {}).refused).toEqual([line('(unset)')]);
    expect(refused({}, { aadProfile: { managed: true } })).toEqual(NONE);
  });

  test('API server VNet integration turned off is refused', () => {
    expect(refused({ apiServerAccessProfile: { enableVnetIntegration: true } }, { apiServerAccessProfile: {} }).refused).toEqual([
      'spec.apiServerAccessProfile.enableVnetIntegration: true → (unset): AKS cannot turn API server VNet integration off once it is on (a one-way change: "can\'t disable"); keep it on',
    ]);
  });

  test('a private DNS zone changes only to none', () => {
    const zone = (privateDNSZone: string) => ({ apiServerAccessProfile: { enablePrivateCluster: true, privateDNSZone } });
    const byo = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/privatelink.westeurope.azmk8s.io';
    expect(refused(zone('system'), zone('none'))).toEqual(NONE);
    expect(refused(zone(byo), zone('none'))).toEqual(NONE);
    expect(refused(zone('system'), zone('System'))).toEqual(NONE);
    expect(refused(zone('system'), zone(byo)).refused).toEqual([
      `spec.apiServerAccessProfile.privateDNSZone: system → ${byo}: AKS changes a private cluster's DNS zone only from a custom zone or system to none ` +
        `(private-clusters: "only update from byo or system to none. No other combination"); keep system, or set none, or ${REPLACE}`,
    ]);
  });

  test('a public API server made private (or back) needs API server VNet integration', () => {
    const access = (apiServerAccessProfile: Spec) => ({ apiServerAccessProfile });
    expect(refused({}, access({ enablePrivateCluster: true })).refused).toEqual([
      'spec.apiServerAccessProfile.enablePrivateCluster: (unset) → true: AKS makes an existing cluster\'s API server private or public only with API server VNet integration ' +
        `(private-clusters), which apiServerAccessProfile.enableVnetIntegration does not turn on; keep false, or set enableVnetIntegration: true with it (and its subnetReference; it cannot be turned off), or ${REPLACE}`,
    ]);
    expect(refused(access({ enablePrivateCluster: true }), access({ enablePrivateCluster: false })).refused).toHaveLength(1);
    expect(refused({}, access({ enablePrivateCluster: true, enableVnetIntegration: true }))).toEqual(NONE);
    expect(refused(access({ enablePrivateCluster: true }), access({}))).toEqual(NONE);
  });

  test('a managed identity switched back to a service principal is refused', () => {
    const msi = { identity: { type: 'SystemAssigned' }, servicePrincipalProfile: { clientId: 'msi' } };
    expect(refused(msi, { ...msi, servicePrincipalProfile: { clientId: '5f1e1c3a-0000-4000-8000-000000000001' } }).refused).toEqual([
      'spec.servicePrincipalProfile.clientId: msi → 5f1e1c3a-0000-4000-8000-000000000001: the cluster uses a managed identity (identity.type SystemAssigned), and AKS cannot move it back to a service principal ' +
        `("can't switch back to using a service principal"); keep the managed identity (clientId msi), or ${REPLACE}`,
    ]);
    expect(refused(msi, { ...msi, servicePrincipalProfile: { clientId: 'MSI' } })).toEqual(NONE);
    // A service principal cluster is not compared.
    expect(refused({ servicePrincipalProfile: { clientId: 'a' } }, { servicePrincipalProfile: { clientId: 'b' } })).toEqual(NONE);
  });
});

describe('a managed cluster: the network profile', () => {
  const OVERLAY = `the migration to Azure CNI Overlay ${REIMAGE} and is "one-way, irreversible"`;

  test('the network plugin: only kubenet → Azure CNI Overlay, protected', () => {
    expect(asoTransition(net({ networkPlugin: 'kubenet' }), net({ networkPlugin: 'azure', networkPluginMode: 'overlay' }))).toEqual({
      refused: [], protection: [`spec.networkProfile.networkPlugin: kubenet → azure: ${OVERLAY}`],
    });
    const plugin = (from: string, to: string) => `spec.networkProfile.networkPlugin: ${from} → ${to}: AKS changes an existing cluster's network plugin only from kubenet to Azure CNI Overlay ` +
      `(azure with networkPluginMode overlay), "a single, forward-only IPAM migration path"; keep ${from}, or ${REPLACE}`;
    expect(asoTransition(net({ networkPlugin: 'kubenet' }), net({ networkPlugin: 'azure' })).refused).toEqual([plugin('kubenet', 'azure')]);
    expect(asoTransition(net({ networkPlugin: 'azure' }), net({ networkPlugin: 'none' })).refused).toEqual([plugin('azure', 'none')]);
  });

  test('the plugin mode: to overlay is protected, from overlay refused', () => {
    expect(asoTransition(net({ networkPlugin: 'azure' }), net({ networkPlugin: 'azure', networkPluginMode: 'overlay' }))).toEqual({
      refused: [], protection: [`spec.networkProfile.networkPluginMode: (unset) → overlay: ${OVERLAY}`],
    });
    expect(asoTransition(net({ networkPluginMode: 'overlay' }), net({ networkPlugin: 'azure' })).refused).toEqual([
      'spec.networkProfile.networkPluginMode: overlay → (unset): AKS cannot take a cluster off Azure CNI Overlay (the migration to it is "one-way, irreversible"); keep overlay',
    ]);
    // A value a ClusterClass fills in per Cluster is not compared.
    expect(asoTransition(net({ networkPluginMode: 'overlay' }), net({ networkPluginMode: '{{ .networkPluginMode }}' }))).toEqual(NONE);
  });

  test('the dataplane: to Cilium is protected, also with the IPAM mode; from Cilium refused', () => {
    expect(asoTransition(net({ networkDataplane: 'azure' }), net({ networkDataplane: 'cilium' }))).toEqual({ refused: [], protection: [
      `spec.networkProfile.networkDataplane: azure → cilium: the update to Azure CNI Powered by Cilium ${REIMAGE} and replaces the network policy engine with Cilium's; AKS cannot take it back`,
    ] });
    expect(asoTransition(net({ networkDataplane: 'cilium' }), net({})).refused).toEqual([
      'spec.networkProfile.networkDataplane: cilium → (unset): AKS cannot take a cluster off Azure CNI Powered by Cilium once it runs it; keep cilium',
    ]);
    // AKS documents the IPAM mode and the dataplane updates as separate operations, not as refused together: both are protected.
    expect(asoTransition(net({ networkPlugin: 'azure' }), net({ networkPlugin: 'azure', networkPluginMode: 'overlay', networkDataplane: 'cilium' }))).toEqual({ refused: [], protection: [
      `spec.networkProfile.networkPluginMode: (unset) → overlay: the migration to Azure CNI Overlay ${REIMAGE} and is "one-way, irreversible"`,
      `spec.networkProfile.networkDataplane: (unset) → cilium: the update to Azure CNI Powered by Cilium ${REIMAGE} and replaces the network policy engine with Cilium's; AKS cannot take it back`,
    ] });
  });

  test('the pod CIDR: only grown to a range containing it, on overlay (IPv4 and IPv6), or anew in the kubenet migration', () => {
    const overlay = (pods: Spec) => net({ networkPlugin: 'azure', networkPluginMode: 'overlay', ...pods });
    expect(asoTransition(overlay({ podCidr: '10.244.0.0/16' }), overlay({ podCidr: '10.244.0.0/15' }))).toEqual(NONE);
    expect(asoTransition(overlay({ podCidrs: ['10.244.0.0/16', 'fd00:0:0:1::/64'] }), overlay({ podCidrs: ['10.240.0.0/12', 'fd00::/48'] }))).toEqual(NONE);
    const WHY = 'AKS only grows the pod CIDR of an Azure CNI Overlay cluster, to a range containing the old one ("Shrinking or changing the pod CIDR isn\'t supported… must be a larger superset")';
    expect(asoTransition(overlay({ podCidr: '10.244.0.0/16' }), overlay({ podCidr: '10.244.0.0/17' })).refused).toEqual([
      `spec.networkProfile.podCidr: 10.244.0.0/16 → 10.244.0.0/17: ${WHY}; keep 10.244.0.0/16, or a larger range containing it`,
    ]);
    expect(asoTransition(overlay({ podCidr: '10.244.0.0/16' }), overlay({ podCidr: '10.245.0.0/16' })).refused).toEqual([
      `spec.networkProfile.podCidr: 10.244.0.0/16 → 10.245.0.0/16: ${WHY}; keep 10.244.0.0/16, or a larger range containing it`,
    ]);
    expect(asoTransition(overlay({ podCidrs: ['10.244.0.0/16', 'fd00:1::/64'] }), overlay({ podCidrs: ['10.244.0.0/16', 'fd00::/48'] })).refused).toEqual([
      `spec.networkProfile.podCidrs: ["10.244.0.0/16","fd00:1::/64"] → ["10.244.0.0/16","fd00::/48"]: ${WHY}; keep ["10.244.0.0/16","fd00:1::/64"], or a larger range containing it`,
    ]);
    expect(asoTransition(net({ networkPlugin: 'kubenet', podCidr: '10.244.0.0/16' }), net({ networkPlugin: 'kubenet', podCidr: '10.244.0.0/15' })).refused).toEqual([
      `spec.networkProfile.podCidr: 10.244.0.0/16 → 10.244.0.0/15: ${WHY}; keep 10.244.0.0/16`,
    ]);
    expect(asoTransition(net({ networkPlugin: 'kubenet', podCidr: '10.244.0.0/16' }), overlay({ podCidr: '192.168.0.0/16' }))).toEqual({
      refused: [], protection: [`spec.networkProfile.networkPlugin: kubenet → azure: ${OVERLAY}`],
    });
  });

  test('the load balancer: basic → standard is protected, standard → basic refused', () => {
    expect(asoTransition(net({ loadBalancerSku: 'basic' }), net({ loadBalancerSku: 'standard' }))).toEqual({ refused: [], protection: [
      'spec.networkProfile.loadBalancerSku: basic → standard: the upgrade to the standard load balancer has downtime and cannot be rolled back ("roll back isn\'t allowed")',
    ] });
    expect(asoTransition(net({ loadBalancerSku: 'standard' }), net({ loadBalancerSku: 'basic' })).refused).toEqual([
      'spec.networkProfile.loadBalancerSku: standard → basic: AKS cannot move a cluster back from the standard load balancer to basic ("roll back isn\'t allowed"); keep standard',
    ]);
  });

  test('the egress type: a change is protected (another egress IP), managed NAT gateway → load balancer refused', () => {
    expect(asoTransition(net({ outboundType: 'loadBalancer' }), net({ outboundType: 'userDefinedRouting' }))).toEqual({ refused: [], protection: [
      "spec.networkProfile.outboundType: loadBalancer → userDefinedRouting: changing the egress type changes the cluster's outbound IP addresses (allow-lists of the old ones stop matching) " +
        'and interrupts egress while AKS updates it',
    ] });
    expect(asoTransition(net({ outboundType: 'managedNATGateway' }), net({ outboundType: 'loadBalancer' }))).toEqual({ refused: [
      "spec.networkProfile.outboundType: managedNATGateway → loadBalancer: AKS does not migrate a cluster's egress from a managed NAT gateway to a load balancer (\"Not Supported\"); " +
        `keep managedNATGateway, or ${REPLACE}`,
    ], protection: [] });
  });
});

describe('an agent pool: fields AKS sets at node pool creation only', () => {
  const NEW_POOL = 'add a pool with the new value, move the workloads, then remove pool "p"';
  const SPOT = '(AKS: "can\'t change ScaleSetPriority or SpotMaxPrice after creation")';
  const CUSTOM = '(AKS: CustomKubeletConfigOrCustomLinuxOSConfigCanNotBeChanged)';
  const prefix = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/publicIPPrefixes/';
  const hosts = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/hostGroups/';
  test.each([
    ['enableEncryptionAtHost', false, true, '(host encryption "can only be set at cluster or node pool creation time")'],
    ['enableUltraSSD', false, true, ''],
    ['enableNodePublicIP', true, false, ''],
    ['nodePublicIPPrefixReference', { armId: `${prefix}a` }, { armId: `${prefix}b` }, ''],
    ['scaleSetPriority', 'Regular', 'Spot', SPOT],
    ['spotMaxPrice', -1, 0.5, SPOT],
    ['scaleSetEvictionPolicy', 'Delete', 'Deallocate', ''],
    ['gpuInstanceProfile', 'MIG1g', 'MIG2g', ''],
    ['gpuProfile', { driver: 'Install' }, { driver: 'None' }, '(the GPU driver installation is fixed at creation time)'],
    ['kubeletConfig', { cpuManagerPolicy: 'none' }, { cpuManagerPolicy: 'static' }, CUSTOM],
    ['linuxOSConfig', { swapFileSizeMB: 0 }, { swapFileSizeMB: 1500 }, CUSTOM],
    ['hostGroupReference', { armId: `${hosts}a` }, { armId: `${hosts}b` }, '(the API: the host group is "not allowed to changed once set")'],
  ])('%s changed is refused', (field, from, to, why) => {
    expect(asoTransition(pool({ [field]: from }), pool({ [field]: to }))).toEqual({ refused: [
      `spec.${field}: ${typeof from === 'string' ? from : JSON.stringify(from)} → ${typeof to === 'string' ? to : JSON.stringify(to)}: ` +
        `AKS cannot change the ${field} of an existing node pool${why ? ` ${why}` : ''}; ${NEW_POOL}`,
    ], protection: [] });
  });

  test('one set where AKS chose it is protected', () => {
    expect(asoTransition(pool({}), pool({ kubeletConfig: { cpuManagerPolicy: 'static' } }))).toEqual({ refused: [], protection: [
      'spec.kubeletConfig: (unset) → {"cpuManagerPolicy":"static"}: the node pool\'s kubeletConfig cannot change once created, so Azure refuses this unless {"cpuManagerPolicy":"static"} is the value it already has (its default)',
    ] });
  });

  test('the OS SKU: Ubuntu ↔ Azure Linux is migrated in place; a Windows SKU is refused', () => {
    expect(asoTransition(pool({ osSKU: 'Ubuntu' }), pool({ osSKU: 'AzureLinux' }))).toEqual(NONE);
    expect(asoTransition(pool({ osType: 'Windows', osSKU: 'Windows2019' }), pool({ osType: 'Windows', osSKU: 'Windows2022' })).refused).toEqual([
      `spec.osSKU: Windows2019 → Windows2022: AKS cannot change the OS SKU of an existing Windows node pool (Windows SKUs "aren't supported for node pool update"); ${NEW_POOL}`,
    ]);
  });
});

describe("a ClusterClass's agent pool template: a create-only field is refused once, on the class", () => {
  const cc = (enableEncryptionAtHost: boolean) => ({
    apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'ClusterClass', metadata: { name: 'aks', namespace: 'fleet' },
    spec: { patches: [{ name: 'azureasomanagedmachinepool-worker-spec', definitions: [{
      selector: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'AzureASOManagedMachinePoolTemplate', matchResources: { machinePoolClass: { names: ['worker'] } } },
      jsonPatches: [{ op: 'replace', path: '/spec/template/spec', valueFrom: { template: stringify({ resources: [
        { ...pool({ vmSize: 'Standard_D4s_v5', enableEncryptionAtHost }), metadata: { name: '{{ .builtin.cluster.name }}-worker' } },
      ] }) } }],
    }] }] },
  });
  test('enableEncryptionAtHost turned on', () => {
    expect(classTemplateTransition(cc(false), cc(true))).toEqual({ refused: [
      'spec.patches[name="azureasomanagedmachinepool-worker-spec"]: resources[kind=ManagedClustersAgentPool].spec.enableEncryptionAtHost: false → true: ' +
        'AKS cannot change the enableEncryptionAtHost of an existing node pool (host encryption "can only be set at cluster or node pool creation time"); ' +
        'add a pool with the new value, move the workloads, then remove pool "{{ .builtin.cluster.name }}-worker" (Cluster API applies the class\'s template to every Cluster of the class, in place)',
    ], protection: [] });
  });
});

describe('an AksCluster changed in a way AKS refuses or migrates one way', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'aks-day2-'));
  const aksApp = (outdir: string, s: Partial<AksClusterProps> = {}, allowDestroy?: string[]) => {
    const app = new GitOpsApp({ outdir, printBaselineReport: false, allowDestroy });
    const repo = new Repo(app, 'platform');
    declarePreinstalled(app, Preinstalled.CAPI_CLUSTER_TOPOLOGY, Preinstalled.CAPZ, Preinstalled.of('fleet-namespace', [], ['fleet']));
    new AksCluster(repo.folder('clusters/aks-dev'), 'cluster', {
      name: 'aks-dev', namespace: 'fleet', location: 'westeurope', kubernetesVersion: 'v1.33.2', credentialFrom: 'aso-credential',
      adminGroupObjectIds: ['8f3c2a1e-0b7d-4c55-9a6e-2d1f0e9b7c31'], kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
      nodePools: [{ name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5', count: 2 }],
      ...s,
    });
    return app;
  };
  const CP = 'platform/clusters--aks-dev/cluster/ControlPlane (platform/clusters/aks-dev/azureasomanagedcontrolplane-aks-dev.yaml): AzureASOManagedControlPlane fleet/aks-dev';
  const MC = 'spec.resources[kind=ManagedCluster].spec';
  const out = tmp();
  beforeAll(() => aksApp(out, { network: { serviceCidr: '10.0.0.0/16', dnsServiceIp: '10.0.0.10' } }).synth());
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  test.each([
    ['another service CIDR', { network: { serviceCidr: '10.1.0.0/16', dnsServiceIp: '10.1.0.10' } }, [
      `${CP}: ${MC}.networkProfile.serviceCidr: 10.0.0.0/16 → 10.1.0.0/16: AKS cannot change the networkProfile.serviceCidr of an existing cluster ` +
        `(AKS: "Changing the CIDR range is not supported. The cluster would have to be recreated."); keep 10.0.0.0/16, or ${REPLACE}`,
      `${CP}: ${MC}.networkProfile.dnsServiceIP: 10.0.0.10 → 10.1.0.10: AKS cannot change the networkProfile.dnsServiceIP of an existing cluster ` +
        `(AKS: "Changing the CIDR range is not supported. The cluster would have to be recreated."); keep 10.0.0.10, or ${REPLACE}`,
    ]],
    ['Entra ID off', { network: { serviceCidr: '10.0.0.0/16', dnsServiceIp: '10.0.0.10' }, entraId: false, adminGroupObjectIds: undefined, kubeconfigAccess: undefined }, [
      `${CP}: ${MC}.aadProfile.managed: true → (unset): AKS cannot turn AKS-managed Microsoft Entra integration off once it is on ("can't be disabled after it's enabled"); keep it on`,
    ]],
    ['a private API server', { network: { serviceCidr: '10.0.0.0/16', dnsServiceIp: '10.0.0.10' }, apiServerAccess: { privateCluster: true } }, [
      `${CP}: ${MC}.apiServerAccessProfile.enablePrivateCluster: (unset) → true: AKS makes an existing cluster's API server private or public only with API server VNet integration ` +
        `(private-clusters), which apiServerAccessProfile.enableVnetIntegration does not turn on; keep false, or set enableVnetIntegration: true with it (and its subnetReference; it cannot be turned off), or ${REPLACE}`,
    ]],
  ])('%s is refused', (_what, settings, expected) => {
    expect(problems(() => aksApp(out, settings as Partial<AksClusterProps>).synth())).toEqual(expected);
  });

  test("kubenet → Azure CNI Overlay is a protected update; the control plane's allow id allows it", () => {
    const kubenet = tmp();
    aksApp(kubenet, { network: { plugin: AksNetworkPlugin.KUBENET } }).synth();
    // The azure dataplane: only the IPAM migration.
    const overlay = { network: { plugin: AksNetworkPlugin.AZURE, dataplane: AksNetworkDataplane.AZURE } };
    expect(aksApp(kubenet, overlay).plan().blocked.map((c) => [c.object.id, c.protection])).toEqual([
      ['AzureASOManagedControlPlane/fleet/aks-dev', [`${MC}.networkProfile.networkPlugin: kubenet → azure: the migration to Azure CNI Overlay ${REIMAGE} and is "one-way, irreversible"`]],
    ]);
    expect(problems(() => aksApp(kubenet, overlay, ['AzureASOManagedControlPlane/fleet/aks-dev']).plan())).toEqual([]);
    // The library's defaults (Overlay with Cilium): both migrations, protected.
    expect(aksApp(kubenet).plan().blocked.map((c) => c.protection!.map((p) => p.split(':')[0]))).toEqual([
      [`${MC}.networkProfile.networkPlugin`, `${MC}.networkProfile.networkDataplane`],
    ]);
    fs.rmSync(kubenet, { recursive: true, force: true });
  });
});
