// Day-2 edits of self-managed clusters (lib/safety/self-managed-transitions.ts): CAPZ AzureMachineTemplates
// are immutable (SelfManagedAzureCluster's content-named templates make a change a new template), and
// the fields of the AzureCluster, Cluster, KubeadmControlPlane and MachineDeployment the webhooks refuse
// to change or the controllers ignore or turn destructive.
import { ApiObject } from 'cdk8s';
import { declarePreinstalled, GitOpsApp, Preinstalled, Repo } from '../../lib';
import { AzureClusterIdentity, SelfManagedAzureCluster } from '../../lib/capi';
import { selfManagedTransition } from '../../lib/safety/self-managed-transitions';
import { problems } from '../support/problems';
import { tmp } from './helpers';

/** The control plane VMs' user-assigned identity (the cloud provider's, with a WorkloadIdentity AzureClusterIdentity). */
const VM_IDENTITY = 'azure:///subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cloud-provider';

const GUID = '00000000-0000-0000-0000-000000000001';

function newApp(out: string): GitOpsApp {
  const app = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false });
  declarePreinstalled(app, Preinstalled.CAPI, Preinstalled.CAPZ, Preinstalled.of('fixtures', [], ['fleet']));
  return app;
}

test('an AzureMachineTemplate changed under the same name is refused, naming the fields and the way out', () => {
  const out = tmp();
  const build = (vmSize: string, sshPublicKey = '') => {
    const app = newApp(out);
    new ApiObject(new Repo(app, 'platform').folder('clusters/fleet', { namespace: 'fleet' }), 'workers', {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'AzureMachineTemplate', metadata: { name: 'vm-1-md-0' },
      spec: { template: { spec: { osDisk: { diskSizeGB: 128, osType: 'Linux' }, sshPublicKey, vmSize } } },
    });
    return app;
  };
  build('Standard_D4s_v5').synth();
  expect(problems(() => build('Standard_D8s_v5', 'c3NoLXJzYQ==').synth())).toEqual([
    'platform/clusters--fleet/workers (platform/clusters/fleet/azuremachinetemplate-vm-1-md-0.yaml): AzureMachineTemplate fleet/vm-1-md-0: spec.template.spec: sshPublicKey, vmSize changed: ' +
      'CAPZ\'s webhook refuses changing an AzureMachineTemplate ("AzureMachineTemplate spec.template.spec field is immutable. Please create new resource instead"), ' +
      'so the server-side dry-run of everything applied with it fails; create a template of another name with the new spec and point the MachineDeployment or KubeadmControlPlane at it ' +
      '(Cluster API then rolls the machines), then remove this one',
  ]);
});

test("SelfManagedAzureCluster: a new VM size is a new template (the old one pruned, nothing refused or protected)", () => {
  const out = tmp();
  const build = (vmSize: string) => {
    const app = newApp(out);
    const folder = new Repo(app, 'platform').folder('clusters/fleet', { namespace: 'fleet' });
    const identity = new AzureClusterIdentity(folder, 'identity', { name: 'cluster-identity', clientId: GUID, tenantId: GUID });
    new SelfManagedAzureCluster(folder, 'vm', {
      name: 'vm-1', location: 'westeurope', kubernetesVersion: 'v1.33.1', subscriptionId: GUID, identity,
      controlPlane: { vmSize: 'Standard_D4s_v5', userAssignedIdentityProviderId: VM_IDENTITY }, machineDeployments: [{ name: 'md-0', vmSize }],
    });
    return app;
  };
  build('Standard_D4s_v5').synth();
  const plan = build('Standard_D8s_v5').plan();
  const changes = plan.repos[0].changes.map((c) => `${c.action} ${c.object.id.replace(/-[0-9a-f]{8}$/, '-<hash>')}${c.protection ? ' protected' : ''}`).sort();
  expect(changes).toEqual([
    // The same construct under a new name: the plan shows a rename (Flux creates the new one and prunes the old one).
    'rename AzureMachineTemplate/fleet/vm-1-md-0-<hash>',
    'rename KubeadmConfigTemplate/fleet/vm-1-md-0-<hash>',
    'update MachineDeployment/fleet/vm-1-md-0',
  ]);
  build('Standard_D8s_v5').synth();
});

describe('SelfManagedAzureCluster props that cannot change on an existing cluster', () => {
  const build = (out: string, props: Record<string, unknown> = {}, allowDestroy?: string[]) => {
    const app = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false, allowDestroy });
    declarePreinstalled(app, Preinstalled.CAPI, Preinstalled.CAPZ, Preinstalled.of('fixtures', [], ['fleet']));
    const folder = new Repo(app, 'platform').folder('clusters/fleet', { namespace: 'fleet' });
    const identity = new AzureClusterIdentity(folder, 'identity', { name: 'cluster-identity', clientId: GUID, tenantId: GUID });
    const other = new AzureClusterIdentity(folder, 'other', { name: 'other-identity', clientId: GUID, tenantId: GUID });
    new SelfManagedAzureCluster(folder, 'vm', {
      name: 'vm-1', location: 'westeurope', kubernetesVersion: 'v1.33.1', subscriptionId: GUID, identity,
      controlPlane: { vmSize: 'Standard_D4s_v5', userAssignedIdentityProviderId: VM_IDENTITY }, machineDeployments: [{ name: 'md-0', vmSize: 'Standard_D4s_v5' }],
      ...(props.identity === 'other' ? { ...props, identity: other } : props),
    });
    return app;
  };
  const at = (kind: string, file: string, id: string) => `platform/clusters--fleet/vm/${kind} (platform/clusters/fleet/${file}): ${id}`;
  const dryRun = 'so the server-side dry-run of everything applied with it fails';

  test.each([
    [{ location: 'northeurope' }, `${at('AzureCluster', 'azurecluster-vm-1.yaml', 'AzureCluster fleet/vm-1')}: spec.location: westeurope → northeurope: CAPZ's webhook refuses changing an AzureCluster's location ("field is immutable"), ${dryRun}; keep westeurope, or create a new cluster and move the workloads to it`],
    [{ resourceGroup: 'rg-vm' }, `${at('AzureCluster', 'azurecluster-vm-1.yaml', 'AzureCluster fleet/vm-1')}: spec.resourceGroup: vm-1 → rg-vm: CAPZ's webhook refuses changing an AzureCluster's resource group ("field is immutable"), ${dryRun}; keep vm-1, or create a new cluster and move the workloads to it`],
    [{ subscriptionId: '00000000-0000-0000-0000-000000000002' }, `${at('AzureCluster', 'azurecluster-vm-1.yaml', 'AzureCluster fleet/vm-1')}: spec.subscriptionID: ${GUID} → 00000000-0000-0000-0000-000000000002: CAPZ's webhook refuses changing an AzureCluster's subscription ("field is immutable"), ${dryRun}; keep ${GUID}, or create a new cluster and move the workloads to it`],
    [{ vnetName: 'vnet-2' }, `${at('AzureCluster', 'azurecluster-vm-1.yaml', 'AzureCluster fleet/vm-1')}: spec.networkSpec.vnet.name: vm-1-vnet → vnet-2: CAPZ accepts it, but then creates a second virtual network and deletes the subnets of vm-1-vnet it manages, those the running machines are in (and their azure.json still names vm-1-vnet); keep vm-1-vnet`],
    [{ podCidr: '10.244.0.0/16' }, `${at('Cluster', 'cluster-vm-1.yaml', 'Cluster fleet/vm-1')}: spec.clusterNetwork.pods.cidrBlocks: ["192.168.0.0/16"] → ["10.244.0.0/16"]: Cluster API accepts it, but kubeadm reads the pod CIDR only when it creates the cluster, and KubeadmControlPlane never updates it: the running cluster keeps ["192.168.0.0/16"]; keep it, or create a new cluster`],
    [{ kubernetesVersion: 'v1.35.0' }, `${at('ControlPlane', 'kubeadmcontrolplane-vm-1-control-plane.yaml', 'KubeadmControlPlane fleet/vm-1-control-plane')}: spec.version: v1.33.1 → v1.35.0 skips a minor version, which KubeadmControlPlane's webhook refuses ("cannot update Kubernetes version from v1.33.1 to v1.35.0"), ${dryRun}; set v1.34.x first, let the upgrade finish, then v1.35.0`],
    [{ kubernetesVersion: 'v1.32.5' }, `${at('ControlPlane', 'kubeadmcontrolplane-vm-1-control-plane.yaml', 'KubeadmControlPlane fleet/vm-1-control-plane')}: spec.version: v1.33.1 → v1.32.5 is a downgrade: KubeadmControlPlane's webhook lets it through, but Kubernetes has no minor version downgrade path (kubeadm and etcd do not go back a minor version) and Cluster API would roll the control plane onto it; keep v1.33.1`],
  ])('refused %#: %j', (props, message) => {
    const out = tmp();
    build(out).synth();
    expect(problems(() => build(out, props).synth())).toEqual([message]);
  });

  test('one minor version up, a VM size, counts: accepted (Cluster API rolls the machines)', () => {
    const out = tmp();
    build(out).synth();
    build(out, { kubernetesVersion: 'v1.34.2', controlPlane: { vmSize: 'Standard_D8s_v5', count: 5, userAssignedIdentityProviderId: VM_IDENTITY }, machineDeployments: [{ name: 'md-0', vmSize: 'Standard_D8s_v5', count: 4 }] }).synth();
  });

  test('another cluster identity is protected: the running machines keep the old credentials, the old identity keeps the finalizer', () => {
    const out = tmp();
    build(out).synth();
    const lines = problems(() => build(out, { identity: 'other' }).synth());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('AzureCluster/fleet/vm-1 would change so that');
    expect(lines[0]).toContain('spec.identityRef: {"apiVersion":"infrastructure.cluster.x-k8s.io/v1beta1","kind":"AzureClusterIdentity","name":"cluster-identity"} → {"apiVersion":"infrastructure.cluster.x-k8s.io/v1beta1","kind":"AzureClusterIdentity","name":"other-identity"}: CAPZ uses the new identity');
    build(out, { identity: 'other' }, ['platform::AzureCluster/fleet/vm-1']).synth();
  });
});

test('a patch downgrade of a KubeadmControlPlane is protected, not refused; a topology added with Cluster API\'s escape hatch passes', () => {
  const kcp = (version: string) => ({ apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlane', metadata: { name: 'c' }, spec: { version } });
  expect(selfManagedTransition(kcp('v1.33.3'), kcp('v1.33.2'))).toEqual({
    refused: [],
    protection: ["spec.version: v1.33.3 → v1.33.2 is a patch downgrade: KubeadmControlPlane's webhook lets it through and Cluster API rolls every control-plane machine onto it"],
  });
  const cluster = (topology: boolean, annotations?: Record<string, string>) => ({
    apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'c', annotations },
    spec: topology ? { topology: { classRef: { name: 'aks' }, version: 'v1.33.1' } } : { controlPlaneRef: { kind: 'KubeadmControlPlane', name: 'c' } },
  });
  expect(selfManagedTransition(cluster(false), cluster(true)).refused).toHaveLength(1);
  expect(selfManagedTransition(cluster(false), cluster(true, { 'unsafe.topology.cluster.x-k8s.io/disable-update-class-name-check': '' })).refused).toEqual([]);
  expect(selfManagedTransition(cluster(true), cluster(false)).refused).toHaveLength(1);
});

test('the pod CIDR of an AKS cluster (its control plane is not kubeadm\'s) is not judged as kubeadm\'s: CAPZ copies it to the managed cluster', () => {
  const cluster = (cidr: string, kind: string) => ({
    apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'c' },
    spec: { clusterNetwork: { pods: { cidrBlocks: [cidr] } }, controlPlaneRef: { kind, name: 'c' } },
  });
  expect(selfManagedTransition(cluster('10.244.0.0/16', 'AzureASOManagedControlPlane'), cluster('10.244.0.0/15', 'AzureASOManagedControlPlane')).refused).toEqual([]);
  expect(selfManagedTransition(cluster('10.244.0.0/16', 'KubeadmControlPlane'), cluster('10.244.0.0/15', 'KubeadmControlPlane')).refused).toHaveLength(1);
});

test('a MachineDeployment moved to another cluster (two clusters\' <cluster>-<group> collide) is refused', () => {
  const out = tmp();
  const build = (clusterName: string) => {
    const app = newApp(out);
    new ApiObject(new Repo(app, 'platform').folder('clusters/fleet', { namespace: 'fleet' }), 'md', {
      apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'MachineDeployment', metadata: { name: 'prod-eu-md-0' },
      spec: { clusterName, template: { spec: { clusterName } } },
    });
    return app;
  };
  build('prod-eu').synth();
  expect(problems(() => build('prod').synth())).toEqual([
    'platform/clusters--fleet/md (platform/clusters/fleet/machinedeployment-prod-eu-md-0.yaml): MachineDeployment fleet/prod-eu-md-0: spec.clusterName: prod-eu → prod: ' +
      'Cluster API\'s webhook refuses moving a MachineDeployment to another cluster ("field is immutable"), so the server-side dry-run of everything applied with it fails; ' +
      'this name is now another cluster\'s machine deployment (<cluster>-<group> of two clusters collide): rename the worker group',
  ]);
});
