import { Duration } from 'cdk8s';
import { optOutsOf } from '../../lib/core/baseline';
import { AgentPool, AksNodePoolMode, ManagedCluster } from '../../lib/aso/aks';
import {
  AksClusterClass,
  AzureClusterIdentity,
  AzureClusterIdentityType,
  ClusterResourceSet,
  Fleet,
  MachineHealthCheck,
  SelfManagedAzureCluster,
  SelfManagedAzureClusterProps,
  TopologyCluster,
} from '../../lib/capi';
import { addProvided } from '../../lib/core/references';
import { GitRepository } from '../../lib/flux';
import { Testing } from '../../lib/testing';
import { setup, SYSTEM_POOL } from './fixtures';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../support/kubeconfig-access';

/** The control plane VMs' user-assigned identity (the cloud provider's, with a WorkloadIdentity AzureClusterIdentity). */
const VM_IDENTITY = 'azure:///subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cloud-provider';

const GUID = '33333333-3333-3333-3333-333333333333';

function selfManaged(props: Partial<SelfManagedAzureClusterProps> = {}) {
  const s = setup();
  const identity = new AzureClusterIdentity(s.folder, 'identity', { name: 'cluster-identity', clientId: GUID, tenantId: GUID });
  const cluster = new SelfManagedAzureCluster(s.folder, 'vm', {
    name: 'vm-1', location: 'westeurope', kubernetesVersion: 'v1.33.1', subscriptionId: GUID, identity,
    controlPlane: { vmSize: 'Standard_D4s_v5', userAssignedIdentityProviderId: VM_IDENTITY }, machineDeployments: [{ name: 'md-0', vmSize: 'Standard_D4s_v5' }], ...props,
  });
  return { ...s, identity, cluster };
}

function aksClass(folder: ReturnType<typeof setup>['folder'], location?: string) {
  return new AksClusterClass(folder, 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
    name: 'aks', location,
    apiServerAccess: { privateCluster: true },
    machinePoolClasses: [
      { class: 'system', pool: { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' } },
      { class: 'worker', pool: { name: 'worker', vmSize: 'Standard_D4s_v5', autoscaling: { min: 1, max: 5 } } },
    ],
  });
}

describe('SelfManagedAzureCluster', () => {
  test('kubeadm control plane (3 replicas by default), MachineDeployment wiring, identityRef', () => {
    const { app, cluster } = selfManaged();
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'KubeadmControlPlane', 'vm-1-control-plane').spec.replicas).toBe(3);
    expect(Testing.find(objs, 'AzureCluster', 'vm-1').spec.identityRef).toEqual({ apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'AzureClusterIdentity', name: 'cluster-identity' });
    expect(Testing.find(objs, 'MachineDeployment', 'vm-1-md-0').spec.template.spec.bootstrap).toEqual({
      configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'KubeadmConfigTemplate', name: expect.stringMatching(/^vm-1-md-0-[0-9a-f]{8}$/) },
    });
    expect([cluster.kubeconfigSecret.secretName, cluster.kubeconfigSecret.secretNamespace, cluster.kubeconfigSecret.key]).toEqual(['vm-1-kubeconfig', 'fleet', 'value']);
  });

  // CAPZ's webhook refuses changing an AzureMachineTemplate's spec.template.spec: a changed template
  // is a new one (its name follows its content), which rolls the machines.
  test('machine templates are named after their content: a change is a new template and a new reference, the same props the same names', () => {
    const names = (props: Partial<SelfManagedAzureClusterProps> = {}) => {
      const objs = Testing.objects(selfManaged(props).app);
      const md = Testing.find(objs, 'MachineDeployment', 'vm-1-md-0').spec.template.spec;
      const kcp = Testing.find(objs, 'KubeadmControlPlane', 'vm-1-control-plane').spec;
      const templates = objs.filter((o: any) => o.kind === 'AzureMachineTemplate' || o.kind === 'KubeadmConfigTemplate').map((o: any) => `${o.kind}/${o.metadata.name}`).sort();
      const bootstrap = Testing.find(objs, 'KubeadmConfigTemplate', md.bootstrap.configRef.name).spec.template.spec.files[0].contentFrom.secret.name;
      return { md: [md.infrastructureRef.name, md.bootstrap.configRef.name], cp: kcp.machineTemplate.spec.infrastructureRef.name, cpSecret: kcp.kubeadmConfigSpec.files[0].contentFrom.secret.name, bootstrap, templates };
    };
    const a = names();
    expect(a.md[0]).toMatch(/^vm-1-md-0-[0-9a-f]{8}$/);
    expect(a.cp).toMatch(/^vm-1-control-plane-[0-9a-f]{8}$/);
    // CAPZ writes the cloud provider configuration of a template to `<template>-azure-json`.
    expect([a.cpSecret, a.bootstrap]).toEqual([`${a.cp}-azure-json`, `${a.md[0]}-azure-json`]);
    expect(a.templates).toEqual([`AzureMachineTemplate/${a.cp}`, `AzureMachineTemplate/${a.md[0]}`, `KubeadmConfigTemplate/${a.md[1]}`].sort());
    expect(names()).toEqual(a);
    const resized = names({ machineDeployments: [{ name: 'md-0', vmSize: 'Standard_D8s_v5' }] });
    expect(resized.md[0]).not.toBe(a.md[0]);
    // The bootstrap template names the new template's Secret: new too.
    expect(resized.md[1]).not.toBe(a.md[1]);
    expect(resized.cp).toBe(a.cp);
    const cp = names({ controlPlane: { vmSize: 'Standard_D8s_v5', userAssignedIdentityProviderId: VM_IDENTITY } });
    expect([cp.cp === a.cp, cp.md[0] === a.md[0]]).toEqual([false, true]);
  });

  test('the control plane VMs carry the cloud provider\'s identity; workers one only when given', () => {
    const objs = Testing.objects(selfManaged({ machineDeployments: [{ name: 'md-0', vmSize: 'Standard_D4s_v5' }, { name: 'md-1', vmSize: 'Standard_D4s_v5', userAssignedIdentityProviderId: VM_IDENTITY }] }).app);
    const spec = (prefix: string) => objs.find((o: any) => o.kind === 'AzureMachineTemplate' && o.metadata.name.startsWith(prefix))!.spec.template.spec;
    expect([spec('vm-1-control-plane-').identity, spec('vm-1-control-plane-').userAssignedIdentities]).toEqual(['UserAssigned', [{ providerID: VM_IDENTITY }]]);
    expect([spec('vm-1-md-0-').identity, spec('vm-1-md-0-').userAssignedIdentities]).toEqual([undefined, undefined]);
    expect([spec('vm-1-md-1-').identity, spec('vm-1-md-1-').userAssignedIdentities]).toEqual(['UserAssigned', [{ providerID: VM_IDENTITY }]]);
    // A ServicePrincipal identity's secret goes into azure.json: no VM identity needed.
    const s = setup();
    const sp = new AzureClusterIdentity(s.folder, 'sp', { name: 'sp', clientId: GUID, tenantId: GUID, type: AzureClusterIdentityType.SERVICE_PRINCIPAL, clientSecret: { name: 'sp-secret' } });
    expect(() => new SelfManagedAzureCluster(s.folder, 'vm', {
      name: 'vm-2', location: 'westeurope', kubernetesVersion: 'v1.33.1', subscriptionId: GUID, identity: sp,
      controlPlane: { vmSize: 'Standard_D4s_v5' }, machineDeployments: [{ name: 'md-0', vmSize: 'Standard_D4s_v5' }],
    })).not.toThrow();
  });

  test.each([
    [{ controlPlane: { vmSize: 'Standard_D4s_v5', userAssignedIdentityProviderId: VM_IDENTITY, count: 2 } }, 'platform/clusters--mgmt/vm: prop "controlPlane.count": 2 is invalid: must be an odd number (1, 3, 5...) so etcd keeps quorum'],
    [{ kubernetesVersion: 'latest' }, 'platform/clusters--mgmt/vm: prop "kubernetesVersion": "latest" is invalid: must be v<major>.<minor>.<patch>, e.g. v1.33.2'],
    [{ machineDeployments: [] }, 'platform/clusters--mgmt/vm: prop "machineDeployments": must list at least one worker MachineDeployment'],
    [{ subscriptionId: 'sub' }, 'platform/clusters--mgmt/vm: prop "subscriptionId": "sub" is invalid: must be a GUID'],
    [{ labels: { team: ':' } }, 'platform/clusters--mgmt/vm: prop "labels.team": invalid label value ":": must be empty or consist of alphanumerics, \'-\', \'_\' or \'.\', starting and ending with an alphanumeric'],
    [{ controlPlane: { vmSize: 'Standard_D4s_v5', userAssignedIdentityProviderId: VM_IDENTITY, etcdDiskSizeGb: 1.5 } }, 'platform/clusters--mgmt/vm: prop "controlPlane.etcdDiskSizeGb": 1.5 is invalid: must be an integer from 1 to 32767 (GB)'],
    [{ controlPlane: { vmSize: 'Standard_D4s_v5', userAssignedIdentityProviderId: VM_IDENTITY, osDiskSizeGb: 0 } }, 'platform/clusters--mgmt/vm: prop "controlPlane.osDiskSizeGb": 0 is invalid: must be an integer from 1 to 4095 (GB)'],
    [{ machineDeployments: [{ name: 'md-0', vmSize: 'Standard_D4s_v5', osDiskSizeGb: 5000 }] }, 'platform/clusters--mgmt/vm: prop "machineDeployments[0].osDiskSizeGb": 5000 is invalid: must be an integer from 1 to 4095 (GB)'],
    [{ machineDeployments: [{ name: 'md-0', vmSize: 'Standard_D4s_v5' }, { name: 'md-0', vmSize: 'Standard_D8s_v5' }] }, 'platform/clusters--mgmt/vm: prop "machineDeployments[1].name": "md-0" is used by another machine deployment'],
    // A workload identity has no secret for the cloud provider's azure.json: the VMs need an identity of their own.
    [{ controlPlane: { vmSize: 'Standard_D4s_v5' } },
      'platform/clusters--mgmt/vm: prop "controlPlane.userAssignedIdentityProviderId": is required with the WorkloadIdentity AzureClusterIdentity fleet/cluster-identity: ' +
        "CAPZ writes the cloud provider's azure.json from the cluster's identity unless the VMs have one of their own, and a workload identity has no client secret to put there " +
        '(controllers/helpers.go GetCloudProviderSecret), so cloud-provider-azure cannot authenticate and the nodes stay uninitialized; give the VMs a user-assigned identity with rights on the resource group ' +
        '(azure:///subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>)'],
    [{ controlPlane: { vmSize: 'Standard_D4s_v5', userAssignedIdentityProviderId: 'cloud-provider' } },
      'platform/clusters--mgmt/vm: prop "controlPlane.userAssignedIdentityProviderId": "cloud-provider" is invalid: must be a user-assigned identity\'s provider ID, azure:///subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>'],
  ])('validation %#', (props, message) => {
    expect(Testing.errorOf(() => selfManaged(props as Partial<SelfManagedAzureClusterProps>))).toBe(message);
  });
});

describe('AzureClusterIdentity', () => {
  test('workload identity by default, own namespace only', () => {
    const { app, folder } = setup();
    const id = new AzureClusterIdentity(folder, 'id', { name: 'wi', clientId: GUID, tenantId: GUID });
    // Written out: CAPZ allows no namespace when allowedNamespaces is absent (IsClusterNamespaceAllowed).
    expect(Testing.find(Testing.objects(app), 'AzureClusterIdentity', 'wi').spec).toEqual({ type: 'WorkloadIdentity', clientID: GUID, tenantID: GUID, allowedNamespaces: { list: ['fleet'] } });
    expect(optOutsOf(id)).toEqual([]);
    expect([id.allowsNamespace('fleet'), id.allowsNamespace('team-a')]).toEqual([true, false]);
  });

  test('an empty allowedNamespaces (every namespace to CAPZ) is refused; a selector decides on the cluster', () => {
    const { folder } = setup();
    expect(Testing.errorOf(() => new AzureClusterIdentity(folder, 'empty', { name: 'e', clientId: GUID, tenantId: GUID, allowedNamespaces: { list: [] } }))).toBe(
      'platform/clusters--mgmt/empty: prop "allowedNamespaces": names no namespace: CAPZ reads an empty allowedNamespaces as every namespace; set all, list or matchLabels, ' +
        "or leave it unset for the identity's own namespace",
    );
    const byLabel = new AzureClusterIdentity(folder, 'labels', { name: 'l', clientId: GUID, tenantId: GUID, allowedNamespaces: { matchLabels: { capz: 'allowed' } } });
    expect(byLabel.allowsNamespace('fleet')).toBeUndefined();
    expect(new AzureClusterIdentity(folder, 'all', { name: 'a', clientId: GUID, tenantId: GUID, allowedNamespaces: { all: true } }).allowsNamespace('x')).toBe(true);
  });

  test("a self-managed cluster in a namespace its identity does not allow fails at construction (CAPZ: NamespaceNotAllowedByIdentity)", () => {
    const s = setup();
    const identity = new AzureClusterIdentity(s.folder, 'identity', { name: 'cluster-identity', clientId: GUID, tenantId: GUID, allowedNamespaces: { list: ['team-a'] } });
    const props = {
      name: 'vm-1', location: 'westeurope', kubernetesVersion: 'v1.33.1', subscriptionId: GUID, identity,
      controlPlane: { vmSize: 'Standard_D4s_v5', userAssignedIdentityProviderId: VM_IDENTITY }, machineDeployments: [{ name: 'md-0', vmSize: 'Standard_D4s_v5' }],
    };
    expect(Testing.errorOf(() => new SelfManagedAzureCluster(s.folder, 'vm', props))).toBe(
      'platform/clusters--mgmt/vm: prop "identity": AzureClusterIdentity fleet/cluster-identity does not allow namespace fleet (its allowedNamespaces), ' +
        'so CAPZ refuses it for this cluster (NamespaceNotAllowedByIdentity) and creates nothing; add the namespace to its allowedNamespaces.list',
    );
    expect(() => new SelfManagedAzureCluster(s.folder, 'vm2', { ...props, name: 'vm-2', namespace: 'team-a' })).not.toThrow();
  });

  test('service principal: secret by reference (checked at synth), allowed namespaces', () => {
    const { app, folder } = setup();
    const id = new AzureClusterIdentity(folder, 'id', {
      name: 'sp', type: AzureClusterIdentityType.SERVICE_PRINCIPAL, clientId: GUID, tenantId: GUID,
      clientSecret: { name: 'sp-secret' }, allowedNamespaces: { list: ['team-a'] },
    });
    expect(() => Testing.objects(app)).toThrow(/prop "clientSecret": refers to Secret\/fleet\/sp-secret/);
    addProvided(folder, { apiGroup: '', kind: 'Secret', name: 'sp-secret', namespace: 'fleet' });
    expect(Testing.find(Testing.objects(app), 'AzureClusterIdentity', 'sp').spec).toEqual({
      type: 'ServicePrincipal', clientID: GUID, tenantID: GUID, clientSecret: { name: 'sp-secret', namespace: 'fleet' }, allowedNamespaces: { list: ['team-a'] },
    });
    expect(optOutsOf(id).map((o) => o.setting)).toEqual(['capz.identity.type']);
  });

  test('a service principal needs a secret reference', () => {
    const { folder } = setup();
    expect(Testing.errorOf(() => new AzureClusterIdentity(folder, 'id', { name: 'sp', type: AzureClusterIdentityType.SERVICE_PRINCIPAL, clientId: GUID, tenantId: GUID }))).toBe(
      'platform/clusters--mgmt/id: prop "clientSecret": a ServicePrincipal identity needs a reference to the Secret holding its client secret',
    );
  });
});

describe('MachineHealthCheck and ClusterResourceSet', () => {
  test('MachineHealthCheck v1beta2 checks and remediation', () => {
    const { app, folder, cluster } = selfManaged();
    new MachineHealthCheck(folder, 'mhc', { cluster, maxUnhealthy: 2, nodeStartupTimeout: Duration.minutes(10) });
    expect(Testing.find(Testing.objects(app), 'MachineHealthCheck', 'vm-1-mhc').spec).toEqual({
      clusterName: 'vm-1',
      selector: { matchLabels: { 'cluster.x-k8s.io/cluster-name': 'vm-1' } },
      checks: {
        nodeStartupTimeoutSeconds: 600,
        unhealthyNodeConditions: [{ type: 'Ready', status: 'False', timeoutSeconds: 300 }, { type: 'Ready', status: 'Unknown', timeoutSeconds: 300 }],
      },
      remediation: { triggerIf: { unhealthyLessThanOrEqualTo: 2 } },
    });
    expect(Testing.errorOf(() => new MachineHealthCheck(folder, 'bad', { cluster, maxUnhealthy: '140%' }))).toBe(
      'platform/clusters--mgmt/bad: prop "maxUnhealthy": "140%" is invalid: must be a non-negative integer or a percentage from 0% to 100%',
    );
    expect(Testing.errorOf(() => new MachineHealthCheck(folder, 'none', { cluster, unhealthyNodeConditions: [] }))).toBe(
      'platform/clusters--mgmt/none: prop "unhealthyNodeConditions": must list 1 to 100 conditions (leave it out for the default: Ready False or Unknown for 5 minutes)',
    );
    expect(Testing.errorOf(() => new MachineHealthCheck(folder, 'empty', { cluster, unhealthyNodeConditions: [{ type: '', status: 'False', timeout: Duration.minutes(5) }] }))).toBe(
      'platform/clusters--mgmt/empty: prop "unhealthyNodeConditions[0].type": "" is invalid: must be a non-empty Node condition type such as "Ready"',
    );
  });

  test('ClusterResourceSet with manifests in a ConfigMap; needs a resource', () => {
    const { app, folder } = setup();
    const crs = new ClusterResourceSet(folder, 'crs', { name: 'cni', clusterSelector: { cni: 'calico' } });
    expect(() => Testing.objects(app)).toThrow('platform/clusters--mgmt/crs: prop "resources": a ClusterResourceSet needs at least one resource (props.resources or addManifests())');
    crs.addManifests('cni-ns', [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'calico-system' } }]);
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'ClusterResourceSet', 'cni').spec).toEqual({ clusterSelector: { matchLabels: { cni: 'calico' } }, resources: [{ kind: 'ConfigMap', name: 'cni-ns' }], strategy: 'Reconcile' });
    expect(Testing.find(objs, 'ConfigMap', 'cni-ns').data['resources.yaml']).toBe('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: calico-system\n');
    expect(Testing.errorOf(() => new ClusterResourceSet(folder, 'x', { name: 'x', clusterSelector: {} }))).toBe(
      'platform/clusters--mgmt/x: prop "clusterSelector": must have at least one label (an empty selector would match no cluster)',
    );
  });
});

describe('AksClusterClass, TopologyCluster, Fleet', () => {
  test('topology cluster: defaults one pool per class, classRef resolves, location required without a class default', () => {
    const { app, folder } = setup();
    const cls = aksClass(folder);
    expect(cls.requiresLocation).toBe(true);
    const t = new TopologyCluster(folder, 't', { name: 'c1', clusterClass: cls, kubernetesVersion: 'v1.33.2', variables: { location: 'westeurope' } });
    expect(Testing.find(Testing.objects(app), 'Cluster', 'c1').spec.topology).toEqual({
      classRef: { name: 'aks' }, version: 'v1.33.2', variables: [{ name: 'location', value: 'westeurope' }],
      // mp-1's class is autoscaled: no replicas, so the topology controller leaves the count to AKS.
      workers: { machinePools: [{ class: 'system', name: 'mp-0', replicas: 1 }, { class: 'worker', name: 'mp-1' }] },
    });
    expect(t.kubeconfigSecret.secretName).toBe('c1-kubeconfig');
    expect(Testing.errorOf(() => new TopologyCluster(folder, 't2', { name: 'c2', clusterClass: cls, kubernetesVersion: 'v1.33.2' }))).toBe(
      'platform/clusters--mgmt/t2: prop "variables.location": ClusterClass aks has no default location: set variables.location',
    );
    expect(Testing.errorOf(() => new TopologyCluster(folder, 't3', { name: 'c3', clusterClass: cls, kubernetesVersion: 'v1.33.2', variables: { location: 'westeurope' }, machinePools: [{ class: 'gpu', name: 'gpu' }] }))).toBe(
      'platform/clusters--mgmt/t3: prop "machinePools[0].class": "gpu" is not a machine pool class of ClusterClass aks (system, worker)',
    );
    new TopologyCluster(folder, 't4', { name: 'c4', clusterClass: { name: 'missing' }, kubernetesVersion: 'v1.33.2', machinePools: [{ class: 'system', name: 'system' }] });
    expect(() => Testing.objects(app)).toThrow(/prop "clusterClass": refers to ClusterClass\/fleet\/missing/);
  });

  test('class validation: at least one System pool class', () => {
    const { folder } = setup();
    expect(Testing.errorOf(() => new AksClusterClass(folder, 'c', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, name: 'c', machinePoolClasses: [{ class: 'w', pool: { name: 'w', vmSize: 'Standard_D4s_v5' } }] }))).toBe(
      'platform/clusters--mgmt/c: prop "machinePoolClasses": must contain at least one System pool (mode: AksNodePoolMode.SYSTEM): AKS needs one for system pods',
    );
  });

  test('class validation: pool errors name machinePoolClasses[i].pool', () => {
    const { folder } = setup();
    const system = { class: 'system', pool: { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' } };
    expect(Testing.errorOf(() => new AksClusterClass(folder, 'c1', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, name: 'c1', machinePoolClasses: [system, { class: 'w', pool: { name: 'Worker', vmSize: 'Standard_D4s_v5' } }] }))).toBe(
      'platform/clusters--mgmt/c1: prop "machinePoolClasses[1].pool.name": "Worker" is invalid: must be 1-12 lowercase letters and digits, starting with a letter (Linux pool)',
    );
    expect(Testing.errorOf(() => new AksClusterClass(folder, 'c2', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, name: 'c2', machinePoolClasses: [system, { class: 'w', pool: { ...system.pool, mode: undefined } }] }))).toBe(
      'platform/clusters--mgmt/c2: prop "machinePoolClasses[1].pool.name": "system" is used by another node pool',
    );
  });

  test('topology cluster: labels, variable values and machine pool classes are checked', () => {
    const { folder } = setup();
    const cls = aksClass(folder, 'westeurope');
    const base = { clusterClass: cls, kubernetesVersion: 'v1.33.2' };
    expect(Testing.errorOf(() => new TopologyCluster(folder, 't1', { ...base, name: 'c1', labels: { team: ':' } }))).toBe(
      'platform/clusters--mgmt/t1: prop "labels.team": invalid label value ":": must be empty or consist of alphanumerics, \'-\', \'_\' or \'.\', starting and ending with an alphanumeric',
    );
    expect(Testing.errorOf(() => new TopologyCluster(folder, 't2', { ...base, name: 'c2', variables: { location: undefined } }))).toBe(
      'platform/clusters--mgmt/t2: prop "variables.location": has no value: give one, or leave the variable out (the ClusterClass default applies)',
    );
    expect(Testing.errorOf(() => new TopologyCluster(folder, 't3', { name: 'c3', clusterClass: { name: 'aks' }, kubernetesVersion: 'v1.33.2', machinePools: [{ class: '', name: 'a' }] }))).toBe(
      'platform/clusters--mgmt/t3: prop "machinePools[0].class": "" is invalid: must be a machine pool class of the ClusterClass (1-256 characters)',
    );
  });

  test('Fleet: folder paths, stages and labels are checked before any folder is created', () => {
    const { repo, folder } = setup();
    const cls = aksClass(repo.folder('clusters/mgmt/classes', { namespace: 'fleet' }), 'westeurope');
    const source = GitRepository.fromName(folder, 'src', { name: 'flux-system', namespace: 'flux-system' });
    const base = { repo, clusterClass: cls, source, defaults: { kubernetesVersion: 'v1.33.2' }, clusters: [{ name: 'a' }] };
    const P = 'platform/clusters--mgmt';
    expect(Testing.errorOf(() => new Fleet(folder, 'f1', { ...base, managementPath: 'Fleet/X' }))).toBe(
      `${P}/f1: prop "managementPath": "Fleet/X" is invalid: must be a relative folder path: "/"-separated segments of lowercase letters, digits, ".", "_" and "-" (e.g. "clusters/mgmt")`,
    );
    expect(Testing.errorOf(() => new Fleet(folder, 'f2', { ...base, stages: ['infrastructure', 'infrastructure'] }))).toBe(`${P}/f2: prop "stages[1]": "infrastructure" is used by another stage`);
    expect(Testing.errorOf(() => new Fleet(folder, 'f3', { ...base, managementPath: 'apps' }))).toBe(
      `${P}/f3: prop "managementPath": "apps" is also a stage: the management folder and the stage folder of a cluster would be one folder`,
    );
    expect(Testing.errorOf(() => new Fleet(folder, 'f4', { ...base, clusters: [{ name: 'A' }] }))).toBe(
      `${P}/f4: prop "clusters[0].name": "A" is invalid: must be a DNS label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters)`,
    );
    expect(Testing.errorOf(() => new Fleet(folder, 'f5', { ...base, clusters: [{ name: 'a', labels: { team: ':' } }] }))).toBe(
      `${P}/f5: prop "clusters[0].labels.team": invalid label value ":": must be empty or consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric (cluster "a")`,
    );
    expect(Testing.errorOf(() => new Fleet(folder, 'f6', { ...base, defaults: { kubernetesVersion: 'v1.33.2', labels: { 'a b': 'x' } } }))).toBe(
      `${P}/f6: prop "defaults.labels['a b']": invalid label key "a b": name part must consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`,
    );
    expect(repo.folders.map((f) => f.path)).toEqual(['clusters/mgmt', 'clusters/mgmt/classes']);
    repo.folder('apps/b', { namespace: 'apps' });
    expect(Testing.errorOf(() => new Fleet(folder, 'f7', { ...base, clusters: [{ name: 'b' }] }))).toBe(
      `${P}/f7: prop "clusters[0].name": the stage folder "apps/b" of cluster "b" already exists in repo platform; the fleet creates it`,
    );
  });

  test('Fleet: defaults, environment overrides, one folder per cluster, hydration infra → apps via the kubeconfig', () => {
    const { app, repo, folder } = setup();
    const cls = aksClass(repo.folder('clusters/mgmt/classes', { namespace: 'fleet' }), 'westeurope');
    const source = GitRepository.fromName(folder, 'src', { name: 'flux-system', namespace: 'flux-system' });
    const fleet = new Fleet(folder, 'fleet', {
      repo, clusterClass: cls, source,
      defaults: { kubernetesVersion: 'v1.33.2', labels: { team: 'shop' } },
      environments: { prod: { location: 'northeurope', kubernetesVersion: 'v1.32.6' } },
      clusters: [{ name: 'shop-dev' }, { name: 'shop-prod', environment: 'prod', labels: { tier: 'gold' } }],
    });
    const placed = app.placedObjects();
    const files = placed.map((p) => p.file).sort();
    expect(files).toEqual(expect.arrayContaining([
      `clusters/mgmt/fleet/${fleet.members[0].bucket}/shop-dev/cluster-shop-dev.yaml`,
      `clusters/mgmt/fleet/${fleet.members[0].bucket}/shop-dev/kustomization-shop-dev-apps.yaml`,
      `clusters/mgmt/fleet/${fleet.members[0].bucket}/shop-dev/kustomization-shop-dev-infrastructure.yaml`,
      `clusters/mgmt/fleet/${fleet.members[1].bucket}/shop-prod/cluster-shop-prod.yaml`,
    ]));
    const objs = placed.map((p) => p.obj as any);
    const prod = Testing.find(objs, 'Cluster', 'shop-prod');
    expect(prod.metadata.labels).toEqual({ 'team': 'shop', 'environment': 'prod', 'platform.cdk8s.io/environment': 'prod', 'tier': 'gold' });
    expect(prod.spec.topology.version).toBe('v1.32.6');
    expect(prod.spec.topology.variables).toEqual([{ name: 'location', value: 'northeurope' }]);
    expect(Testing.find(objs, 'Cluster', 'shop-dev').spec.topology.variables).toBeUndefined();
    const apps = Testing.find(objs, 'Kustomization', 'shop-prod-apps');
    expect(apps.spec).toMatchObject({
      dependsOn: [{ name: 'shop-prod-infrastructure' }], path: './apps/shop-prod',
      kubeConfig: { secretRef: { name: 'shop-prod-kubeconfig', key: 'value' } },
    });
    expect(fleet.members.map((m) => [m.cluster.clusterName, m.stageFolders.apps.path, m.stageFolders.apps.cluster])).toEqual([
      ['shop-dev', 'apps/shop-dev', 'shop-dev'], ['shop-prod', 'apps/shop-prod', 'shop-prod'],
    ]);
    expect(Testing.errorOf(() => new Fleet(folder, 'f2', { repo, clusterClass: cls, source, defaults: {}, clusters: [{ name: 'x', environment: 'qa' }] }))).toBe(
      'platform/clusters--mgmt/f2: prop "clusters[0].environment": "qa" is not an environment of the fleet (none defined) (cluster "x")',
    );
  });

  test('Fleet of 2,000 clusters builds and renders in linear time', () => {
    const build = (n: number) => {
      const { app, repo, folder } = setup();
      const cls = aksClass(repo.folder('clusters/mgmt/classes', { namespace: 'fleet' }), 'westeurope');
      const source = GitRepository.fromName(folder, 'src', { name: 'flux-system', namespace: 'flux-system' });
      const t0 = performance.now();
      new Fleet(folder, 'fleet', { repo, clusterClass: cls, source, defaults: { kubernetesVersion: 'v1.33.2' }, clusters: Array.from({ length: n }, (_, i) => ({ name: `c-${i}` })) });
      const count = app.placedObjects().length;
      return { count, ms: performance.now() - t0 };
    };
    build(100); // warm up (schema compilation)
    const small = build(500);
    const large = build(2000);
    expect(large.count).toBe(3 * 2000 + 7 + 32); // Cluster + 2 Kustomizations per cluster, 7 class objects, 32 bucket Kustomizations
    expect(large.ms / small.ms).toBeLessThan(8); // 4x the clusters; quadratic would be ~16x
  });
});

describe('standalone ASO ManagedCluster and AgentPool (same typed model)', () => {
  test('ManagedCluster: secure defaults, agentPoolProfiles, kubernetesVersion without v, retained, owner checked', () => {
    const { app, folder } = setup();
    const mc = new ManagedCluster(folder, 'mc', {
      name: 'aks-solo', location: 'westeurope', resourceGroupName: 'rg-solo', kubernetesVersion: 'v1.33.2',
      apiServerAccess: { privateCluster: true }, nodePools: [{ ...SYSTEM_POOL, count: 2 }],
    });
    new AgentPool(folder, 'user', { cluster: mc, name: 'user', vmSize: 'Standard_D8s_v5', autoscaling: { min: 1, max: 4 } });
    expect(() => Testing.objects(app)).toThrow(/prop "resourceGroupName": refers to ResourceGroup\/fleet\/rg-solo \(resources.azure.com\)/);
    addProvided(folder, { apiGroup: 'resources.azure.com', kind: 'ResourceGroup', name: 'rg-solo', namespace: 'fleet' });
    const objs = Testing.objects(app);
    const obj = Testing.find(objs, 'ManagedCluster', 'aks-solo');
    expect(obj.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete' });
    expect(obj.spec).toMatchObject({
      kubernetesVersion: '1.33.2', owner: { name: 'rg-solo' }, disableLocalAccounts: true,
      aadProfile: { managed: true, enableAzureRBAC: true }, apiServerAccessProfile: { enablePrivateCluster: true },
      agentPoolProfiles: [{ name: 'system', mode: 'System', count: 2, vmSize: 'Standard_D4s_v5', type: 'VirtualMachineScaleSets', orchestratorVersion: '1.33.2' }],
    });
    expect(obj.spec.operatorSpec).toBeUndefined();
    expect(Testing.find(objs, 'ManagedClustersAgentPool', 'aks-solo-user').spec).toEqual({
      azureName: 'user', owner: { name: 'aks-solo' }, mode: 'User', type: 'VirtualMachineScaleSets', vmSize: 'Standard_D8s_v5',
      count: 1, enableAutoScaling: true, minCount: 1, maxCount: 4,
    });
    mc.exports.oidcIssuer!.use(folder, 'issuer');
    expect(Testing.find(Testing.objects(app), 'ManagedCluster', 'aks-solo').spec.operatorSpec).toEqual({ configMaps: { oidcIssuerProfile: { name: 'aks-solo-oidc', key: 'issuer' } } });
  });

  test("AgentPool of a cluster in your own virtual network: in the cluster's subnet unless it names another", () => {
    const { app, folder } = setup();
    const subnet = (name: string) => `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/${name}`;
    addProvided(folder, { apiGroup: 'resources.azure.com', kind: 'ResourceGroup', name: 'rg', namespace: 'fleet' });
    const byo = new ManagedCluster(folder, 'byo', { name: 'aks-byo', location: 'westeurope', resourceGroupName: 'rg', nodePools: [SYSTEM_POOL], network: { vnetSubnetId: subnet('nodes') } });
    const managed = new ManagedCluster(folder, 'managed', { name: 'aks-managed', location: 'westeurope', resourceGroupName: 'rg', nodePools: [SYSTEM_POOL] });
    expect(byo.vnetSubnetId).toBe(subnet('nodes'));
    expect(managed.vnetSubnetId).toBeUndefined();
    new AgentPool(folder, 'user', { cluster: byo, name: 'user', vmSize: 'Standard_D8s_v5' });
    new AgentPool(folder, 'gpu', { cluster: byo, name: 'gpu', vmSize: 'Standard_NC6s_v3', vnetSubnetId: subnet('gpu') });
    new AgentPool(folder, 'plain', { cluster: managed, name: 'plain', vmSize: 'Standard_D8s_v5' });
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'ManagedCluster', 'aks-byo').spec.agentPoolProfiles[0].vnetSubnetReference).toEqual({ armId: subnet('nodes') });
    expect(Testing.find(objs, 'ManagedClustersAgentPool', 'aks-byo-user').spec.vnetSubnetReference).toEqual({ armId: subnet('nodes') });
    expect(Testing.find(objs, 'ManagedClustersAgentPool', 'aks-byo-gpu').spec.vnetSubnetReference).toEqual({ armId: subnet('gpu') });
    expect(Testing.find(objs, 'ManagedClustersAgentPool', 'aks-managed-plain').spec.vnetSubnetReference).toBeUndefined();
  });

  test('AgentPool validation names the prop', () => {
    const { folder } = setup();
    const mc = new ManagedCluster(folder, 'mc', { name: 'aks-solo', location: 'westeurope', resourceGroupName: 'rg', nodePools: [SYSTEM_POOL] });
    expect(Testing.errorOf(() => new AgentPool(folder, 'p', { cluster: mc, name: 'SystemPool1', vmSize: 'Standard_D4s_v5' }))).toBe(
      'platform/clusters--mgmt/p: prop "name": "SystemPool1" is invalid: must be 1-12 lowercase letters and digits, starting with a letter (Linux pool)',
    );
  });
});
