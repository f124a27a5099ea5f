// Example: the Git repo of an AKS management cluster running Cluster API + CAPZ + Flux. It
// provisions three workload AKS clusters (dev, test, prod) with the typed `AksCluster` construct,
// one self-managed cluster on Azure VMs, and a fleet of 20 AKS clusters from one ClusterClass; Flux
// on the management cluster hydrates every workload cluster through its `<cluster>-kubeconfig`.
import * as kplus from 'cdk8s-plus-28';
import { declarePreinstalled, GitOpsApp, Preinstalled, Repo } from '../../lib';
import { AksNodePoolMode, AksSkuTier } from '../../lib/aso/aks';
import {
  AksCluster,
  AksClusterClass,
  AzureClusterIdentity,
  Fleet,
  ICapiCluster,
  MachineHealthCheck,
  SelfManagedAzureCluster,
} from '../../lib/capi';
import { FluxBootstrap, HelmRelease, HelmRepository, ISource, Kustomization, RemoteClusterHydration } from '../../lib/flux';

export const REPO_URL = 'https://github.com/contoso/platform';
const NAMESPACE = 'fleet';
/** The management cluster's outbound public IP (its NAT gateway's), authorized on every cluster's API server. */
const MANAGEMENT_EGRESS = '198.51.100.10';
const VERSION = 'v1.33.2';
const ADMINS = ['8f3c2a1e-0b7d-4c55-9a6e-2d1f0e9b7c31'];
const SUBSCRIPTION = '0b1e5c3a-7f6d-4e2b-9c8a-1d2e3f4a5b6c';
const TENANT = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d';
/** Object id of the identity behind the `aso-credential` Secret (placeholder). */
const ASO_IDENTITY = '3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a98';

export function managementCluster(app: GitOpsApp): Repo {
  const repo = new Repo(app, 'platform', { url: REPO_URL });

  // flux-system: what `flux bootstrap` commits, syncing ./clusters/mgmt. The entry folder lists
  // only its own files and flux-system/ (includeSubfolders: false): each sub-folder below is applied
  // by its own Kustomization, so a folder whose CRDs are not served yet fails alone, never the
  // flux-system sync itself.
  const mgmt = repo.folder('clusters/mgmt', { includeSubfolders: false });
  const flux = new FluxBootstrap(repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' }), 'flux', { repo, entry: mgmt });
  const source: ISource = flux.source;

  // `CLUSTER_TOPOLOGY=true clusterctl init --infrastructure azure` installs Cluster API (with the
  // ClusterTopology feature gate its ClusterClasses need) and CAPZ before Flux applies anything;
  // ADDITIONAL_ASO_CRDS=authorization.azure.com/RoleAssignment adds the kind of the clusters' kubeconfig access.
  declarePreinstalled(mgmt, Preinstalled.CAPI_CLUSTER_TOPOLOGY, Preinstalled.capzWith(['authorization.azure.com/RoleAssignment']));
  new kplus.Namespace(mgmt, 'fleet-namespace', { metadata: { name: NAMESPACE } });
  const charts = new HelmRepository(repo.folder('clusters/mgmt/sources', { namespace: NAMESPACE }), 'jetstack', {
    name: 'jetstack',
    url: 'https://charts.jetstack.io',
  });

  // Three workload AKS clusters with the secure defaults; prod adds an autoscaled, zonal user pool.
  const environments = [
    { env: 'dev', location: 'westeurope', tier: AksSkuTier.FREE },
    { env: 'test', location: 'westeurope', tier: AksSkuTier.STANDARD },
    { env: 'prod', location: 'northeurope', tier: AksSkuTier.STANDARD },
  ];
  for (const { env, location, tier } of environments) {
    const name = `aks-${env}`;
    const folder = repo.folder(`clusters/mgmt/${name}`);
    const aks = new AksCluster(folder, 'cluster', {
      name,
      namespace: NAMESPACE,
      location,
      kubernetesVersion: VERSION,
      credentialFrom: 'aso-credential',
      skuTier: tier,
      adminGroupObjectIds: ADMINS,
      // The office range, and the management cluster's outbound IP (Cluster API and Flux reach the API server from there).
      apiServerAccess: { authorizedIpRanges: ['203.0.113.0/24'], managementIpRanges: [MANAGEMENT_EGRESS] },
      network: { podCidr: '10.244.0.0/16', serviceCidr: '10.0.0.0/16', dnsServiceIp: '10.0.0.10' },
      labels: { environment: env },
      environment: env,
      nodePools: [{ name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5', count: env === 'prod' ? 3 : 2 }],
      // Local accounts are disabled: CAPZ's <name>-kubeconfig carries a token of aso-credential's
      // identity, given AKS RBAC Cluster Admin on the cluster (an ASO RoleAssignment).
      kubeconfigAccess: { principalId: ASO_IDENTITY, subscriptionId: SUBSCRIPTION },
    });
    if (env === 'prod') {
      aks.addNodePool({
        name: 'user',
        vmSize: 'Standard_D8s_v5',
        autoscaling: { min: 3, max: 10 },
        zones: ['1', '2', '3'],
        labels: { workload: 'general' },
      });
    }
    hydrate(repo, folder, aks, source, charts, env === 'prod' ? 3 : 1);
  }

  // One self-managed cluster on Azure VMs (kubeadm), with a MachineHealthCheck.
  const capz = repo.folder('clusters/mgmt/capz-vm');
  const identity = new AzureClusterIdentity(capz, 'identity', {
    name: 'cluster-identity',
    namespace: NAMESPACE,
    clientId: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
    tenantId: TENANT,
  });
  const vm = new SelfManagedAzureCluster(capz, 'cluster', {
    name: 'capz-vm',
    namespace: NAMESPACE,
    location: 'westeurope',
    kubernetesVersion: VERSION,
    subscriptionId: SUBSCRIPTION,
    identity,
    labels: { environment: 'test', cni: 'calico' },
    // The cloud provider's identity on the control plane VMs (with rights on the cluster's
    // resource group): the workload identity CAPZ uses has no secret to give it.
    controlPlane: {
      count: 3, vmSize: 'Standard_D4s_v5',
      userAssignedIdentityProviderId: `azure:///subscriptions/${SUBSCRIPTION}/resourceGroups/rg-platform-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/capz-vm-cloud-provider`,
    },
    machineDeployments: [{ name: 'md-0', vmSize: 'Standard_D4s_v5', count: 3 }],
  });
  new MachineHealthCheck(capz, 'health', { cluster: vm });
  hydrate(repo, capz, vm, source, charts, 1);

  // A self-managed cluster brings no CNI and runs the external cloud provider (kubelet
  // cloud-provider: external): its nodes stay NotReady, tainted uninitialized, until both run.
  // Installed by the management cluster's helm-controller as CAPZ documents them
  // (docs/book/src/self-managed/addons.md): Calico's tigera-operator with CAPZ's values, and
  // cloud-provider-azure, whose chart picks the controller versions for the cluster's Kubernetes.
  const addonSources = repo.folder('clusters/mgmt/sources', { namespace: NAMESPACE });
  const calicoCharts = new HelmRepository(addonSources, 'calico-charts', { name: 'projectcalico', url: 'https://docs.tigera.io/calico/charts' });
  const ccmCharts = new HelmRepository(addonSources, 'ccm-charts', { name: 'cloud-provider-azure', url: 'https://raw.githubusercontent.com/kubernetes-sigs/cloud-provider-azure/master/helm/repo' });
  // Both at once, as CAPZ installs them, neither waiting for the other: each needs the other to
  // become ready. The cloud provider initializes the nodes (the uninitialized taint, which Calico's
  // operator does not tolerate with CAPZ's tolerations), and Calico makes them Ready (the
  // cloud-controller-manager Deployment does not tolerate not-ready). A dependsOn either way
  // deadlocks: helm-controller would not install the second until the first is Ready (its install
  // waits for its Deployments). Remote installs retry without limit meanwhile.
  new HelmRelease(capz, 'cloud-provider', {
    name: 'capz-vm-cloud-provider-azure',
    namespace: NAMESPACE,
    chart: { repository: ccmCharts, chart: 'cloud-provider-azure' },
    releaseName: 'cloud-provider-azure-oot',
    targetNamespace: 'kube-system',
    storageNamespace: 'kube-system',
    values: { infra: { clusterName: vm.clusterName }, cloudControllerManager: { clusterCIDR: '192.168.0.0/16' } },
    kubeConfig: vm,
  });
  new HelmRelease(capz, 'calico', {
    name: 'capz-vm-calico',
    namespace: NAMESPACE,
    chart: { repository: calicoCharts, chart: 'tigera-operator', version: 'v3.26.1' },
    releaseName: 'calico',
    targetNamespace: 'tigera-operator',
    createNamespace: true,
    storageNamespace: 'tigera-operator',
    values: {
      installation: {
        cni: { type: 'Calico', ipam: { type: 'Calico' } },
        calicoNetwork: { bgp: 'Disabled', mtu: 1350, ipPools: [{ cidr: '192.168.0.0/16', encapsulation: 'VXLAN' }] },
        serviceCIDRs: ['10.96.0.0/12'],
      },
      // CAPZ's tolerations (they replace the chart's): before the CNI runs every node is not-ready.
      tolerations: [
        { effect: 'NoExecute', operator: 'Exists' },
        { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' },
        { effect: 'NoSchedule', key: 'node.kubernetes.io/not-ready', operator: 'Exists' },
      ],
    },
    kubeConfig: vm,
  });

  // A fleet of 20 AKS clusters from one ClusterClass: each cluster is one small Cluster object.
  const cls = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'aks-class', {
    name: 'aks-standard',
    namespace: NAMESPACE,
    location: 'westeurope',
    credentialFrom: 'aso-credential',
    adminGroupObjectIds: ADMINS,
    // Local accounts are disabled: CAPZ and Flux reach each cluster as the ASO credential's identity.
    kubeconfigAccess: { principalId: ASO_IDENTITY, subscriptionId: SUBSCRIPTION },
    // The office range, and the management cluster's outbound IP (Cluster API and Flux reach the API server from there).
    apiServerAccess: { authorizedIpRanges: ['203.0.113.0/24'], managementIpRanges: [MANAGEMENT_EGRESS] },
    machinePoolClasses: [
      { class: 'system', pool: { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' } },
      { class: 'worker', pool: { name: 'worker', vmSize: 'Standard_D4s_v5' } },
    ],
  });
  const fleet = new Fleet(mgmt, 'fleet', {
    repo,
    clusterClass: cls,
    source,
    defaults: { kubernetesVersion: VERSION, machinePools: [{ class: 'system', name: 'system', replicas: 2 }, { class: 'worker', name: 'worker', replicas: 2 }] },
    environments: {
      dev: { location: 'westeurope', machinePools: [{ class: 'system', name: 'system', replicas: 1 }] },
      prod: { location: 'northeurope' },
    },
    managementPath: 'clusters/mgmt/fleet',
    clusters: Array.from({ length: 20 }, (_, i) => ({ name: `store-${String(i + 1).padStart(2, '0')}`, environment: i < 5 ? 'dev' : 'prod' })),
  });
  for (const member of fleet.members) {
    new kplus.Namespace(member.stageFolders.infrastructure, 'monitoring', { metadata: { name: 'monitoring' } });
    new kplus.Namespace(member.stageFolders.apps, 'store', { metadata: { name: 'store' } });
  }

  // The sub-folders of the entry, each applied by its own Kustomization (Cluster API, CAPZ and ASO
  // are installed by `clusterctl init`): sources first, the ClusterClass before the fleet.
  const sub = (name: string, dependsOn: Kustomization[] = []) =>
    Kustomization.forFolder(mgmt, `mgmt-${name}`, repo.folder(`clusters/mgmt/${name}`), { name: `mgmt-${name}`, source, prune: true, dependsOn });
  const sources = sub('sources');
  const classes = sub('classes');
  for (const name of ['aks-dev', 'aks-test', 'aks-prod', 'capz-vm']) sub(name, [sources]);
  sub('fleet', [classes, sources]);
  return repo;
}

/**
 * Hydrates a workload cluster from the management cluster: `infrastructure/<name>` then
 * `apps/<name>` through its kubeconfig, plus cert-manager installed remotely by the management
 * cluster's helm-controller.
 */
function hydrate(repo: Repo, mgmtFolder: ReturnType<Repo['folder']>, cluster: ICapiCluster, source: ISource, charts: HelmRepository, replicas: number): void {
  const name = cluster.clusterName;
  const infra = repo.folder(`infrastructure/${name}`, { cluster: name });
  new kplus.Namespace(infra, 'monitoring', { metadata: { name: 'monitoring' } });
  const apps = repo.folder(`apps/${name}`, { cluster: name, namespace: 'podinfo' });
  new kplus.Namespace(apps, 'ns', { metadata: { name: 'podinfo' } });
  new kplus.Deployment(apps, 'podinfo', {
    metadata: { name: 'podinfo' },
    replicas,
    containers: [{ image: 'ghcr.io/stefanprodan/podinfo:6.9.2', portNumber: 9898, securityContext: { user: 1000, group: 1000 } }],
  });
  new RemoteClusterHydration(mgmtFolder, 'hydration', {
    cluster,
    source,
    stages: [{ name: 'infrastructure', folder: infra }, { name: 'apps', folder: apps }],
  });
  new HelmRelease(mgmtFolder, 'cert-manager', {
    name: `${name}-cert-manager`,
    namespace: cluster.namespace,
    chart: { repository: charts, chart: 'cert-manager', version: 'v1.18.2' },
    releaseName: 'cert-manager',
    targetNamespace: 'cert-manager',
    createNamespace: true,
    // The release is stored on the workload cluster, which has no "fleet" namespace: store it
    // in the namespace the install creates.
    storageNamespace: 'cert-manager',
    values: { crds: { enabled: true } },
    kubeConfig: cluster,
  });
}
