// Bad inputs of the Cluster API / CAPZ constructs.
import { AksNodePoolMode, AksNodePoolProps } from '../../../lib/aso';
import {
  AksCluster,
  AksClusterClass,
  AksClusterProps,
  AzureClusterIdentity,
  AzureClusterIdentityType,
  ClusterResourceSet,
  Fleet,
  MachineHealthCheck,
  SelfManagedAzureCluster,
  SelfManagedAzureClusterProps,
  TopologyCluster,
} from '../../../lib/capi';
import { GitRepository } from '../../../lib/flux';
import { CorpusCase, CorpusContext } from '../harness';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../../support/kubeconfig-access';

/** The control plane VMs' user-assigned identity (the cloud provider's, with a WorkloadIdentity AzureClusterIdentity). */
const VM_IDENTITY = 'azure:///subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cloud-provider';

const GUID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const UNRESOLVED = 'which is not an object of the app; create it, or declare an existing one with the kind\'s fromName(...) import';
const SYSTEM: AksNodePoolProps = { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' };

function aks(ctx: CorpusContext, props: Partial<AksClusterProps> = {}): AksCluster {
  return new AksCluster(ctx.folder, 'aks', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, name: 'aks-dev', location: 'westeurope', kubernetesVersion: 'v1.33.2', nodePools: [SYSTEM], ...props });
}

function selfManaged(ctx: CorpusContext, props: Partial<SelfManagedAzureClusterProps> = {}): SelfManagedAzureCluster {
  const identity = new AzureClusterIdentity(ctx.folder, 'identity', { name: 'cluster-identity', clientId: GUID, tenantId: GUID });
  return new SelfManagedAzureCluster(ctx.folder, 'vm', {
    name: 'vm-1', location: 'westeurope', kubernetesVersion: 'v1.33.1', subscriptionId: GUID, identity,
    controlPlane: { vmSize: 'Standard_D4s_v5', userAssignedIdentityProviderId: VM_IDENTITY }, machineDeployments: [{ name: 'md-0', vmSize: 'Standard_D4s_v5' }], ...props,
  });
}

function aksClass(ctx: CorpusContext, location?: string): AksClusterClass {
  return new AksClusterClass(ctx.folder, 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
    name: 'aks', location, apiServerAccess: { privateCluster: true },
    machinePoolClasses: [{ class: 'system', pool: SYSTEM }, { class: 'worker', pool: { name: 'worker', vmSize: 'Standard_D4s_v5' } }],
  });
}

export const CAPI_CASES: CorpusCase[] = [
  {
    id: 'capi-aks-version-without-v', title: 'AksCluster Kubernetes version without "v"', category: 'versions', stage: 'construct',
    path: 'platform/apps/aks', prop: 'kubernetesVersion', rule: '"1.33.2" is invalid: must be v<major>.<minor>.<patch>, e.g. v1.33.2',
    build: (ctx) => aks(ctx, { kubernetesVersion: '1.33.2' }),
  },
  {
    id: 'capi-aks-no-system-pool', title: 'AksCluster without a System pool', category: 'pools', stage: 'construct',
    path: 'platform/apps/aks', prop: 'nodePools', rule: 'must contain at least one System pool (mode: AksNodePoolMode.SYSTEM): AKS needs one for system pods',
    build: (ctx) => aks(ctx, { nodePools: [{ name: 'user', vmSize: 'Standard_D4s_v5' }] }),
  },
  {
    id: 'capi-aks-add-duplicate-pool', title: 'addNodePool with the name of an existing pool', category: 'duplicates', stage: 'construct',
    path: 'platform/apps/aks', prop: 'nodePools[1].name', rule: '"system" is used by another node pool',
    build: (ctx) => aks(ctx).addNodePool({ name: 'system', vmSize: 'Standard_D4s_v5' }),
  },
  {
    id: 'capi-aks-resource-group-trailing-period', title: 'AksCluster resource group name ending with "."', category: 'azure-naming', stage: 'construct',
    path: 'platform/apps/aks', prop: 'resourceGroup.name', rule: '"rg-aks." is invalid: must be 1-90 letters, digits, "-", "_", ".", "(" or ")", not ending with "."',
    build: (ctx) => aks(ctx, { resourceGroup: { name: 'rg-aks.' } }),
  },
  {
    id: 'capi-self-managed-even-control-plane', title: 'two control-plane machines (etcd needs an odd count)', category: 'counts', stage: 'construct',
    path: 'platform/apps/vm', prop: 'controlPlane.count', rule: '2 is invalid: must be an odd number (1, 3, 5...) so etcd keeps quorum',
    build: (ctx) => selfManaged(ctx, { controlPlane: { vmSize: 'Standard_D4s_v5', userAssignedIdentityProviderId: VM_IDENTITY, count: 2 } }),
  },
  {
    id: 'capi-self-managed-subscription-not-guid', title: 'subscription id that is not a GUID', category: 'names', stage: 'construct',
    path: 'platform/apps/vm', prop: 'subscriptionId', rule: '"sub-prod" is invalid: must be a GUID',
    build: (ctx) => selfManaged(ctx, { subscriptionId: 'sub-prod' }),
  },
  {
    id: 'capi-self-managed-pod-cidr-host-bits', title: 'pod CIDR with host bits set', category: 'cidrs', stage: 'construct',
    path: 'platform/apps/vm', prop: 'podCidr', rule: '"192.168.0.1/16" is invalid: must be an IPv4 CIDR without host bits',
    build: (ctx) => selfManaged(ctx, { podCidr: '192.168.0.1/16' }),
  },
  {
    id: 'capi-identity-sp-without-secret', title: 'service-principal identity without its client secret reference', category: 'inline-secrets', stage: 'construct',
    path: 'platform/apps/id', prop: 'clientSecret', rule: 'a ServicePrincipal identity needs a reference to the Secret holding its client secret',
    build: (ctx) => new AzureClusterIdentity(ctx.folder, 'id', { name: 'sp', type: AzureClusterIdentityType.SERVICE_PRINCIPAL, clientId: GUID, tenantId: GUID }),
  },
  {
    id: 'capi-identity-secret-missing', title: 'identity client secret that nobody creates', category: 'missing-references', stage: 'synth',
    path: 'platform/apps/id', prop: 'clientSecret', rule: `refers to Secret/apps/sp-secret, ${UNRESOLVED}`,
    build: (ctx) => new AzureClusterIdentity(ctx.folder, 'id', {
      name: 'sp', type: AzureClusterIdentityType.SERVICE_PRINCIPAL, clientId: GUID, tenantId: GUID, clientSecret: { name: 'sp-secret' },
    }),
  },
  {
    id: 'capi-mhc-max-unhealthy-over-100', title: 'maxUnhealthy above 100%', category: 'counts', stage: 'construct',
    path: 'platform/apps/mhc', prop: 'maxUnhealthy', rule: '"140%" is invalid: must be a non-negative integer or a percentage from 0% to 100%',
    build: (ctx) => new MachineHealthCheck(ctx.folder, 'mhc', { cluster: selfManaged(ctx), maxUnhealthy: '140%' }),
  },
  {
    id: 'capi-crs-empty-selector', title: 'ClusterResourceSet with an empty cluster selector', category: 'combinations', stage: 'construct',
    path: 'platform/apps/crs', prop: 'clusterSelector', rule: 'must have at least one label (an empty selector would match no cluster)',
    build: (ctx) => new ClusterResourceSet(ctx.folder, 'crs', { name: 'cni', clusterSelector: {} }),
  },
  {
    id: 'capi-crs-no-resources', title: 'ClusterResourceSet without resources (late validation)', category: 'counts', stage: 'synth',
    path: 'platform/apps/crs', prop: 'resources', rule: 'a ClusterResourceSet needs at least one resource (props.resources or addManifests())',
    build: (ctx) => new ClusterResourceSet(ctx.folder, 'crs', { name: 'cni', clusterSelector: { cni: 'calico' } }),
  },
  {
    id: 'capi-class-duplicate-pool-class', title: 'ClusterClass with two machine pool classes of one name', category: 'duplicates', stage: 'construct',
    path: 'platform/apps/class', prop: 'machinePoolClasses[1].class', rule: '"system" is used by another machine pool class',
    build: (ctx) => new AksClusterClass(ctx.folder, 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
      name: 'aks', machinePoolClasses: [{ class: 'system', pool: SYSTEM }, { class: 'system', pool: { ...SYSTEM, name: 'system2' } }],
    }),
  },
  {
    id: 'capi-topology-unknown-pool-class', title: 'topology machine pool of a class the ClusterClass does not have', category: 'pools', stage: 'construct',
    path: 'platform/apps/c1', prop: 'machinePools[0].class', rule: '"gpu" is not a machine pool class of ClusterClass aks (system, worker)',
    build: (ctx) => new TopologyCluster(ctx.folder, 'c1', {
      name: 'c1', clusterClass: aksClass(ctx, 'westeurope'), kubernetesVersion: 'v1.33.2', machinePools: [{ class: 'gpu', name: 'gpu' }],
    }),
  },
  {
    id: 'capi-topology-class-missing', title: 'topology cluster of a ClusterClass nobody creates', category: 'missing-references', stage: 'synth',
    path: 'platform/apps/c1', prop: 'clusterClass', rule: `refers to ClusterClass/apps/missing (cluster.x-k8s.io), ${UNRESOLVED}`,
    build: (ctx) => new TopologyCluster(ctx.folder, 'c1', { name: 'c1', clusterClass: { name: 'missing' }, kubernetesVersion: 'v1.33.2', machinePools: [{ class: 'system', name: 'system' }] }),
  },
  {
    id: 'capi-fleet-duplicate-cluster', title: 'fleet with two clusters of one name', category: 'duplicates', stage: 'construct',
    path: 'platform/apps/fleet', prop: 'clusters[1].name', rule: '"shop-dev" is used by another cluster of the fleet',
    build: (ctx) => new Fleet(ctx.folder, 'fleet', {
      repo: ctx.repo, clusterClass: aksClass(ctx, 'westeurope'), source: GitRepository.fromName(ctx.folder, 'src', { name: 'flux-system', namespace: 'flux-system' }),
      defaults: { kubernetesVersion: 'v1.33.2' }, clusters: [{ name: 'shop-dev' }, { name: 'shop-dev' }],
    }),
  },
  {
    id: 'capi-fleet-unknown-environment', title: 'fleet cluster in an environment the fleet does not define', category: 'names', stage: 'construct',
    path: 'platform/apps/fleet', prop: 'clusters[0].environment', rule: '"qa" is not an environment of the fleet (prod) (cluster "shop-qa")',
    build: (ctx) => new Fleet(ctx.folder, 'fleet', {
      repo: ctx.repo, clusterClass: aksClass(ctx, 'westeurope'), source: GitRepository.fromName(ctx.folder, 'src', { name: 'flux-system', namespace: 'flux-system' }),
      defaults: { kubernetesVersion: 'v1.33.2' }, environments: { prod: { location: 'northeurope' } }, clusters: [{ name: 'shop-qa', environment: 'qa' }],
    }),
  },
  {
    id: 'capi-aks-cluster-deleted', title: 'AKS cluster removed from the app (Flux would delete the cluster)', category: 'protected-deletions', stage: 'synth',
    path: 'platform/apps/aks/Cluster', prop: 'Cluster/apps/aks-dev', rule: 'would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: stateful kind cluster.x-k8s.io/Cluster',
    message: 'platform/apps/aks/Cluster (platform/apps/cluster-aks-dev.yaml): Cluster/apps/aks-dev would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: ' +
      'stateful kind cluster.x-k8s.io/Cluster; retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false). ' +
      'To allow it, add \'platform::Cluster/apps/aks-dev\' to the GitOpsApp prop allowDestroy or pass --allow-destroy platform::Cluster/apps/aks-dev',
    before: (ctx) => aks(ctx),
    build: (ctx) => new AzureClusterIdentity(ctx.folder, 'id', { name: 'wi', clientId: GUID, tenantId: GUID }),
    // Its infrastructure and control plane embed the ASO ResourceGroup and ManagedCluster: protected too.
    alsoProblems: [
      'platform/apps/aks/ControlPlane (platform/apps/azureasomanagedcontrolplane-aks-dev.yaml): AzureASOManagedControlPlane/apps/aks-dev would be removed from Git (it is retained: it stays on the cluster, no longer managed), ' +
        'but it is protected: embeds stateful ManagedCluster/aks-dev (containerservice.azure.com) in spec.resources; retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false). ' +
        'To allow it, add \'platform::AzureASOManagedControlPlane/apps/aks-dev\' to the GitOpsApp prop allowDestroy or pass --allow-destroy platform::AzureASOManagedControlPlane/apps/aks-dev',
      'platform/apps/aks/Infrastructure (platform/apps/azureasomanagedcluster-aks-dev.yaml): AzureASOManagedCluster/apps/aks-dev would be removed from Git (it is retained: it stays on the cluster, no longer managed), ' +
        'but it is protected: embeds stateful ResourceGroup/aks-dev (resources.azure.com) in spec.resources; retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false). ' +
        'To allow it, add \'platform::AzureASOManagedCluster/apps/aks-dev\' to the GitOpsApp prop allowDestroy or pass --allow-destroy platform::AzureASOManagedCluster/apps/aks-dev',
      // The retained cluster's node pools are retained with it (issue 15).
      'platform/apps/aks/MachinePool-system (platform/apps/machinepool-aks-dev-system.yaml): MachinePool/apps/aks-dev-system would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: ' +
        'retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false). ' +
        'To allow it, add \'platform::MachinePool/apps/aks-dev-system\' to the GitOpsApp prop allowDestroy or pass --allow-destroy platform::MachinePool/apps/aks-dev-system',
      'platform/apps/aks/Pool-system (platform/apps/azureasomanagedmachinepool-aks-dev-system.yaml): AzureASOManagedMachinePool/apps/aks-dev-system would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: ' +
        'retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false). ' +
        'To allow it, add \'platform::AzureASOManagedMachinePool/apps/aks-dev-system\' to the GitOpsApp prop allowDestroy or pass --allow-destroy platform::AzureASOManagedMachinePool/apps/aks-dev-system',
    ],
  },
];
