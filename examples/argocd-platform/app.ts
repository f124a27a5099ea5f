// Example: a platform reconciled by Argo CD instead of Flux.
// - app of apps: the `root` Application deploys clusters/mgmt (and itself) to the management cluster;
// - Crossplane's upjet-azure provider and its ProviderConfig in one Application, ordered by sync
//   waves (the Provider installs the ProviderConfig kind);
// - a fleet of four AKS clusters from one ClusterClass (no Flux hydration), registered with
//   Argo CD by capi2argo-cluster-operator from their `<cluster>-kubeconfig` Secrets (no credential
//   in Git), and two ApplicationSets hydrating every cluster's infrastructure/ and apps/ folders;
// - one project per team: the team's repo, its namespace on the dev clusters, its Entra group,
//   and alerts to its Teams channel (webhook URL in argocd-notifications-secret, not in Git).
import * as kplus from 'cdk8s-plus-28';
import { GitOpsApp, Repo } from '../../lib';
import {
  AppProject,
  Application,
  ApplicationSet,
  ArgoCdBootstrap,
  CapiClusterRegistration,
  CLUSTER_NAME,
  ClusterGenerator,
  IN_CLUSTER,
  TeamProject,
} from '../../lib/argocd';
import { AksNodePoolMode } from '../../lib/aso/aks';
import { AksClusterClass, Fleet } from '../../lib/capi';
import { AzureClusterProviderConfig, AzureCredentials, CrossplaneProvider, DeploymentRuntimeConfig } from '../../lib/crossplane';

export const ARGOCD_PLATFORM_URL = 'https://github.com/contoso/argocd-platform';
const FLEET_NAMESPACE = 'fleet';
const ADMINS = ['8f3c2a1e-0b7d-4c55-9a6e-2d1f0e9b7c31'];
/** The management cluster's outbound public IP (its NAT gateway's), authorized on every cluster's API server. */
const MANAGEMENT_EGRESS = '198.51.100.10';
const GUID = '0b1e5c3a-7f6d-4e2b-9c8a-1d2e3f4a5b6c';
/** Entra ID groups (object ids) of the teams. */
const TEAM_GROUPS = { alpha: '3d0c6a8e-51b2-4c9f-8e7a-6b5c4d3e2f1a', beta: '7e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b' } as const;
/**
 * The capi2argo-cluster-operator chart (check the repository and pin the version you reviewed):
 * 0.2.1 or later copies the bearer token CAPZ writes for AKS clusters without local accounts
 * (0.1.x requires a client certificate and registers none of them).
 */
const CAPI2ARGO_CHART = { repoUrl: 'https://dntosas.github.io/capi2argo-cluster-operator/', chart: 'capi2argo-cluster-operator', version: '1.5.0' };

export function argocdPlatform(app: GitOpsApp): Repo {
  const repo = new Repo(app, 'argocd-platform', { url: ARGOCD_PLATFORM_URL });

  // --- App of apps ---------------------------------------------------------------------------
  const entry = repo.folder('clusters/mgmt');
  const platform = new AppProject(entry, 'platform-project', {
    name: 'platform',
    description: 'The platform: management cluster components and the fleet',
    sourceRepos: [repo, CAPI2ARGO_CHART.repoUrl],
    destinations: [{ cluster: IN_CLUSTER, namespace: '*' }],
    clusterResourceWhitelist: [{ group: '*', kind: '*' }],
  });
  new ArgoCdBootstrap(entry, 'bootstrap', { entry, project: platform });
  new kplus.Namespace(entry, 'fleet-namespace', { metadata: { name: FLEET_NAMESPACE } });

  // --- Crossplane provider before its ProviderConfig (sync waves) ----------------------------
  const crossplane = repo.folder('platform/crossplane');
  // The provider runs as a ServiceAccount of its own with workload identity (the identity has a
  // federated credential for system:serviceaccount:crossplane-system:provider-azure), not as the
  // nodes' managed identity, which every pod on those nodes could use.
  const runtime = new DeploymentRuntimeConfig(crossplane, 'runtime', { name: 'azure-workload-identity', serviceAccountName: 'provider-azure', workloadIdentity: { clientId: GUID } });
  CrossplaneProvider.upjetAzure(crossplane, 'family', { service: 'family', runtimeConfig: runtime });
  new AzureClusterProviderConfig(crossplane, 'default', {
    credentials: AzureCredentials.oidcTokenFile(GUID),
    subscriptionId: GUID,
    tenantId: GUID,
  });
  // No sync wave for child Applications here: nothing in the root's later waves needs them, and
  // with Application health checks a child's wave would hold the root's whole sync until the
  // Provider is healthy (it is Degraded while it unpacks).
  new Application(entry, 'crossplane', { name: 'crossplane-azure', project: platform, source: crossplane });

  // --- capi2argo-cluster-operator: Argo CD cluster Secrets from CAPI kubeconfig Secrets -------
  new Application(entry, 'capi2argo', {
    name: 'capi2argo-cluster-operator',
    project: platform,
    // Only the fleet's kubeconfig Secrets: the operator names Argo CD clusters from the kubeconfig,
    // so a Cluster in any other namespace could take over or shadow a fleet cluster's entry.
    source: { ...CAPI2ARGO_CHART, values: { argoCDNamespace: 'argocd', allowedNamespaces: FLEET_NAMESPACE } },
    destination: { namespace: 'capi2argo-system' },
    createNamespace: true,
  });

  // --- The fleet ------------------------------------------------------------------------------
  const cls = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'aks-class', {
    name: 'aks-standard',
    namespace: FLEET_NAMESPACE,
    location: 'westeurope',
    credentialFrom: 'aso-credential',
    adminGroupObjectIds: ADMINS,
    // Local accounts are disabled: CAPZ (and capi2argo, copying <cluster>-kubeconfig) reach each
    // cluster as the ASO credential's identity, which this platform makes AKS RBAC Cluster Admin on
    // its subscription outside the app.
    kubeconfigAccess: { grantedOutside: 'AKS RBAC Cluster Admin on the subscription, granted with the subscription (outside the app)' },
    // The office range, and the management cluster's outbound IP (Cluster API and Flux reach the API server from there).
    apiServerAccess: { authorizedIpRanges: ['203.0.113.0/24'], managementIpRanges: [MANAGEMENT_EGRESS] },
    machinePoolClasses: [
      { class: 'system', pool: { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' } },
      { class: 'worker', pool: { name: 'worker', vmSize: 'Standard_D4s_v5' } },
    ],
  });
  const fleet = new Fleet(entry, 'fleet', {
    repo,
    clusterClass: cls,
    defaults: { kubernetesVersion: 'v1.33.2' },
    environments: { dev: { location: 'westeurope' }, prod: { location: 'northeurope' } },
    clusters: [
      { name: 'shop-dev-1', environment: 'dev' },
      { name: 'shop-dev-2', environment: 'dev' },
      { name: 'shop-prod-1', environment: 'prod' },
      { name: 'shop-prod-2', environment: 'prod' },
    ],
  });
  for (const m of fleet.members) {
    new kplus.Namespace(m.stageFolders.infrastructure, 'monitoring', { metadata: { name: 'monitoring' } });
    new kplus.Namespace(m.stageFolders.apps, 'shop', { metadata: { name: 'shop' } });
  }
  const argocd = repo.folder('clusters/mgmt/argocd');
  const registration = new CapiClusterRegistration(argocd, 'fleet-clusters', {
    clusters: fleet.members.map((m) => m.cluster),
    labels: { 'platform.cdk8s.io/fleet': 'shop' },
  });
  for (const stage of ['infrastructure', 'apps']) {
    new ApplicationSet(argocd, `fleet-${stage}`, {
      name: `fleet-${stage}`,
      generators: [ClusterGenerator.registered(registration)],
      template: {
        name: `${CLUSTER_NAME}-${stage}`,
        project: platform,
        repo,
        path: `${stage}/${CLUSTER_NAME}`,
        // The Argo CD cluster name (the project's destinations name the clusters too).
        destination: { name: '{{.name}}' },
      },
    });
  }
  // The platform project deploys to the registered clusters too.
  for (const m of fleet.members) platform.addDestination({ cluster: m.cluster, namespace: '*' });

  // --- One project per team --------------------------------------------------------------------
  const dev = fleet.members.filter((m) => m.cluster.environment === 'dev');
  for (const [team, group] of Object.entries(TEAM_GROUPS)) {
    const teamRepo = new Repo(app, `argocd-team-${team}`, { url: `https://github.com/contoso/argocd-team-${team}` });
    const deploy = teamRepo.folder('deploy', { namespace: `team-${team}` });
    new kplus.Deployment(deploy, 'web', {
      metadata: { name: 'web' },
      replicas: 2,
      containers: [{ image: 'ghcr.io/stefanprodan/podinfo:6.9.2', portNumber: 9898, securityContext: { user: 1000, group: 1000 } }],
    });
    new TeamProject(argocd, `team-${team}`, {
      name: `team-${team}`,
      source: deploy,
      clusters: dev.map((m) => ({ cluster: m.cluster, namespaceFolder: m.stageFolders.infrastructure })),
      entraGroupId: group,
      teamsChannel: `team-${team}`,
    });
  }
  return repo;
}
