// Example: a platform API for AKS clusters built with Crossplane v2. The platform team publishes
// `XAksCluster` (namespaced, apiextensions.crossplane.io/v2) composed of an Azure resource group
// (with the built-in "Allowed locations" policy assigned to it, so nothing in it leaves the
// platform's regions) and an AKS cluster with the Azure Policy add-on, whose user credentials the
// platform team's Entra group may list (a role assignment); app teams get one instance per environment
// through per-env folders. The management cluster's Crossplane runtime is in the same repo:
// upjet-azure providers and functions, workload identity for the providers, the ProviderConfig and
// the activation policy Crossplane v2 providers need.
import * as kplus from 'cdk8s-plus-28';
import { KubernetesCluster, KubernetesClusterNodePool } from '../../imports/crossplane/containerservice.azure.m.upbound.io';
import { ResourceGroup } from '../../imports/crossplane/azure.m.upbound.io';
import { declarePreinstalled, GitOpsApp, Preinstalled, Repo } from '../../lib';
import { AzureBuiltInRole } from '../../lib/core/azure-roles';
import { GitRepository, Kustomization } from '../../lib/flux';
import {
  addCrossplaneHealthChecks,
  CompositeResource,
  CrossplaneAzureRuntime,
  CompositeResourceDefinition,
  Composition,
  AzureResourceGroupRef,
  BuiltInPolicy,
  Patches,
  ResourceGroupPolicyAssignment,
  RoleAssignment,
  Schema,
  Transforms,
} from '../../lib/crossplane';

export const CROSSPLANE_AKS_REPO_URL = 'https://github.com/contoso/crossplane-aks';
/** Placeholder IDs (not secrets): the management cluster's subscription, tenant and provider identity. */
export const AZURE_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000001';
export const AZURE_TENANT_ID = '00000000-0000-0000-0000-000000000002';
export const PROVIDER_IDENTITY_CLIENT_ID = '00000000-0000-0000-0000-000000000003';
/** Placeholder (not a secret): object id of the platform team's Entra group. */
export const PLATFORM_TEAM_GROUP_ID = '00000000-0000-0000-0000-000000000006';

/** The Azure regions the platform offers (the XRD's enum and the policy's allowed locations). */
export const PLATFORM_LOCATIONS = ['westeurope', 'northeurope', 'swedencentral'] as const;

/** The spec of the XAksCluster API. */
export const aksClusterSpec = Schema.object({
  environment: Schema.string({ required: true, enum: ['dev', 'stage', 'prod'], description: 'Environment, tagged on every Azure resource.' }),
  location: Schema.string({ required: true, enum: PLATFORM_LOCATIONS, description: 'Azure region.' }),
  kubernetesVersion: Schema.string({ pattern: '^1\\.[0-9]+(\\.[0-9]+)?$', default: '1.33', description: 'Kubernetes version (minor or patch).' }),
  nodeCount: Schema.integer({ minimum: 1, maximum: 20, default: 3, description: 'Nodes of the system pool.' }),
  vmSize: Schema.string({ default: 'Standard_D4s_v5', description: 'VM size of the system pool.' }),
  workerCount: Schema.integer({ minimum: 1, maximum: 100, default: 2, description: 'Nodes of the user pool the workloads run on (the system pool takes only critical add-ons).' }),
  workerVmSize: Schema.string({ default: 'Standard_D4s_v5', description: 'VM size of the user pool.' }),
});

/** What the example builds, for tests. */
export interface CrossplaneAks {
  readonly repo: Repo;
  readonly xrd: CompositeResourceDefinition<typeof aksClusterSpec>;
  readonly composition: Composition;
  readonly instances: Record<string, CompositeResource<typeof aksClusterSpec>>;
}

export function crossplaneAks(app: GitOpsApp): void {
  buildCrossplaneAks(app);
}

export function buildCrossplaneAks(app: GitOpsApp): CrossplaneAks {
  const repo = new Repo(app, 'crossplane-aks', { url: CROSSPLANE_AKS_REPO_URL });

  // --- Flux entry of the management cluster: one Kustomization per stage, in apply order -------
  // (packages -> provider configs -> the XAksCluster API -> instances); Crossplane core is
  // installed by bootstrap.
  const entry = repo.folder('clusters/mgmt', { namespace: 'flux-system' });
  declarePreinstalled(entry, Preinstalled.CROSSPLANE);
  const source = new GitRepository(entry, 'source', { name: 'crossplane-aks', repo });

  // --- Crossplane runtime on the management cluster -------------------------------------------
  const system = repo.folder('crossplane/system');
  const runtime = new CrossplaneAzureRuntime(system, 'runtime', {
    flux: { source, folder: entry },
    services: ['containerservice', 'authorization'],
    clientId: PROVIDER_IDENTITY_CLIENT_ID,
    tenantId: AZURE_TENANT_ID,
    subscriptionId: AZURE_SUBSCRIPTION_ID,
    activationPolicyName: 'aks-platform',
    annotateTenant: true,
  });
  const { activation } = runtime;

  // --- The XAksCluster API --------------------------------------------------------------------
  const apis = repo.folder('crossplane/apis/aks');
  const xrd = new CompositeResourceDefinition(apis, 'xrd', {
    group: 'platform.contoso.com',
    kind: 'XAksCluster',
    plural: 'xaksclusters',
    version: 'v1alpha1',
    spec: aksClusterSpec,
    status: Schema.object({
      fqdn: Schema.string({ description: 'API server FQDN.' }),
      oidcIssuerUrl: Schema.string({ description: 'OIDC issuer URL (for workload identity federation).' }),
      clusterId: Schema.string({ description: 'ARM id of the AKS cluster.' }),
    }),
    printerColumns: [{ name: 'Location', jsonPath: '.spec.location' }, { name: 'FQDN', jsonPath: '.status.fqdn' }],
  });
  const composition = new Composition(apis, 'composition', { xrd, labels: { 'platform.contoso.com/provider': 'azure' } });
  composition.addPatchAndTransform({
    patchSets: {
      common: [
        Patches.fromComposite('spec.location', 'spec.forProvider.location'),
        Patches.fromComposite('spec.environment', 'spec.forProvider.tags[environment]'),
        Patches.fromComposite('metadata.name', 'spec.forProvider.tags[platform-cluster]'),
      ],
      tags: [
        Patches.fromComposite('spec.environment', 'spec.forProvider.tags[environment]'),
        Patches.fromComposite('metadata.name', 'spec.forProvider.tags[platform-cluster]'),
      ],
    },
    resources: [
      {
        name: 'resource-group',
        base: (scope) => new ResourceGroup(scope, 'rg', { spec: { forProvider: { location: 'westeurope' } } }),
        patches: [
          Patches.patchSet('common'),
          // Resource group names are unique in the subscription: the namespace too, or two teams'
          // composites of the same name would share (and delete) one group.
          Patches.combineFromComposite(['metadata.namespace', 'metadata.name'], 'rg-%s-%s', 'metadata.annotations[crossplane.io/external-name]'),
        ],
      },
      {
        // Nothing in the cluster's resource group (the AKS cluster included) may leave the
        // platform's regions; the assignment follows the group (selector: same composite).
        name: 'allowed-locations',
        base: (scope) => new ResourceGroupPolicyAssignment(scope, 'allowed-locations', {
          policyDefinition: BuiltInPolicy.ALLOWED_LOCATIONS,
          parameters: { listOfAllowedLocations: [...PLATFORM_LOCATIONS] },
          resourceGroup: AzureResourceGroupRef.matchControllerRef(),
          nonComplianceMessage: `Resources of the AKS platform must be in ${PLATFORM_LOCATIONS.join(', ')}.`,
        }),
        patches: [Patches.fromComposite('metadata.name', 'metadata.annotations[crossplane.io/external-name]', { transforms: [Transforms.format('allowed-locations-%s')] })],
      },
      {
        name: 'cluster',
        base: (scope) => new KubernetesCluster(scope, 'aks', {
          spec: {
            forProvider: {
              location: 'westeurope',
              resourceGroupNameSelector: { matchControllerRef: true },
              identity: { type: 'SystemAssigned' },
              azurePolicyEnabled: true,
              oidcIssuerEnabled: true,
              workloadIdentityEnabled: true,
              roleBasedAccessControlEnabled: true,
              // Entra ID with Azure RBAC, no local accounts: `az aks get-credentials` gives a
              // kubeconfig that logs each person in (kubelogin), authorized by the AKS RBAC roles
              // below; with local accounts on, the Cluster User role would hand out the static
              // cluster credential instead.
              azureActiveDirectoryRoleBasedAccessControl: { azureRbacEnabled: true, tenantId: AZURE_TENANT_ID },
              localAccountDisabled: true,
              automaticUpgradeChannel: 'patch',
              skuTier: 'Standard',
              // vmSize is patched from the composite: azurerm resizes the default pool by cycling it
              // through a temporary pool, and refuses to without its name.
              defaultNodePool: { name: 'system', vmSize: 'Standard_D4s_v5', nodeCount: 3, onlyCriticalAddonsEnabled: true, temporaryNameForRotation: 'systemtmp' },
            },
          },
        }),
        patches: [
          Patches.patchSet('common'),
          Patches.fromComposite('metadata.name', 'metadata.annotations[crossplane.io/external-name]'),
          Patches.fromComposite('metadata.name', 'spec.forProvider.dnsPrefix'),
          Patches.fromComposite('spec.kubernetesVersion', 'spec.forProvider.kubernetesVersion'),
          Patches.fromComposite('spec.nodeCount', 'spec.forProvider.defaultNodePool.nodeCount'),
          Patches.fromComposite('spec.vmSize', 'spec.forProvider.defaultNodePool.vmSize'),
          Patches.fromComposite('spec.environment', 'spec.forProvider.skuTier', { transforms: [Transforms.map({ dev: 'Free', stage: 'Standard', prod: 'Standard' })] }),
          Patches.toComposite('status.atProvider.fqdn', 'status.fqdn'),
          Patches.toComposite('status.atProvider.oidcIssuerUrl', 'status.oidcIssuerUrl'),
          Patches.toComposite('status.atProvider.id', 'status.clusterId'),
        ],
      },
      {
        // The system pool runs only critical add-ons (onlyCriticalAddonsEnabled taints it
        // CriticalAddonsOnly=true:NoSchedule): the workloads need a user pool.
        name: 'user-pool',
        base: (scope) => new KubernetesClusterNodePool(scope, 'user', {
          // The pool's AKS name is its external name: lowercase letters and digits, at most 12.
          metadata: { annotations: { 'crossplane.io/external-name': 'user' } },
          spec: { forProvider: { kubernetesClusterIdSelector: { matchControllerRef: true }, mode: 'User', vmSize: 'Standard_D4s_v5', nodeCount: 2 } },
        }),
        patches: [
          Patches.fromComposite('spec.workerCount', 'spec.forProvider.nodeCount'),
          Patches.fromComposite('spec.workerVmSize', 'spec.forProvider.vmSize'),
          Patches.patchSet('tags'),
        ],
      },
      {
        // The platform team may fetch the cluster's user kubeconfig (az aks get-credentials). The
        // cluster's ARM id is known once it exists: Required keeps the assignment out until then.
        name: 'platform-team-cluster-user',
        base: (scope) => new RoleAssignment(scope, 'cluster-user', {
          role: AzureBuiltInRole.AKS_CLUSTER_USER,
          subscriptionId: AZURE_SUBSCRIPTION_ID,
          principalId: PLATFORM_TEAM_GROUP_ID,
          principalType: 'Group',
          description: 'Platform team: list the cluster user credential',
        }),
        patches: [Patches.fromComposite('status.clusterId', 'spec.forProvider.scope', { fromFieldPath: 'Required' })],
      },
      {
        // What the platform team may do in the cluster (Azure RBAC for Kubernetes authorization).
        name: 'platform-team-rbac-admin',
        base: (scope) => new RoleAssignment(scope, 'rbac-admin', {
          role: AzureBuiltInRole.AKS_RBAC_CLUSTER_ADMIN,
          subscriptionId: AZURE_SUBSCRIPTION_ID,
          principalId: PLATFORM_TEAM_GROUP_ID,
          principalType: 'Group',
          description: 'Platform team: Kubernetes cluster admin through Azure RBAC',
        }),
        patches: [Patches.fromComposite('status.clusterId', 'spec.forProvider.scope', { fromFieldPath: 'Required' })],
      },
    ],
  });
  composition.addAutoReady();
  activation.activateFor(composition);
  const apisSync = Kustomization.forFolder(entry, 'apis', apis, { name: 'crossplane-apis', source, prune: true, wait: true, timeout: '5m', dependsOn: [runtime.lastStage!] });
  addCrossplaneHealthChecks(apisSync);

  // --- Instances, one folder per environment ----------------------------------------------------
  const instances: Record<string, CompositeResource<typeof aksClusterSpec>> = {};
  for (const [env, location, nodeCount] of [['dev', 'westeurope', 2], ['stage', 'northeurope', 3]] as const) {
    const ns = `aks-${env}`;
    const folder = repo.folder(`clusters/${env}`, { namespace: ns });
    Kustomization.forFolder(entry, `instances-${env}`, folder, { name: `aks-${env}`, source, prune: true, wait: true, timeout: '30m', dependsOn: [apisSync] });
    new kplus.Namespace(folder, 'namespace', { metadata: { name: ns } });
    instances[env] = new CompositeResource(folder, 'cluster', {
      xrd,
      composition,
      name: `aks-${env}`,
      spec: { environment: env, location, nodeCount },
    });
  }
  return { repo, xrd, composition, instances };
}
