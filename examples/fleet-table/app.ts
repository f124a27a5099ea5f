// Example: a fleet of 12 AKS clusters from a table (fleet.csv): per-row namespace, subscription
// and ASO credential (two subscriptions), region, Kubernetes version, tier, labels,
// node pools (VM size, autoscaler bounds, zones), ClusterClass variables (typed, validated against the class's schemas), Flux shard and removal
// policy; a first stage from a shared platform repo (per-environment overlays). The management cluster's Flux runs two controller shards; the fleet's management folders
// are spread over bucket Kustomizations so no Flux build grows with the fleet, and each cluster's
// hydration reads an artifact of its own folders (source-watcher), reconciled only when they change.
import * as fs from 'fs';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import { declarePreinstalled, GitOpsApp, Preinstalled, Repo } from '../../lib';
import { AksNodePoolMode } from '../../lib/aso/aks';
import { AksClusterClass, Fleet, fleetClustersFromCsv } from '../../lib/capi';
import { FluxBootstrap, GitRepository, Kustomization } from '../../lib/flux';

const ADMINS = ['8f3c2a1e-0b7d-4c55-9a6e-2d1f0e9b7c31'];
/** The management cluster's outbound public IP (its NAT gateway's), authorized on every cluster's API server. */
const MANAGEMENT_EGRESS = '198.51.100.10';

export function fleetTable(app: GitOpsApp): Repo {
  const repo = new Repo(app, 'fleet-table', { url: 'https://github.com/contoso/fleet' });
  // The entry lists only its own files and flux-system/; each sub-folder has its own Kustomization.
  const mgmt = repo.folder('clusters/mgmt', { includeSubfolders: false });
  // `CLUSTER_TOPOLOGY=true clusterctl init --infrastructure azure` installs Cluster API (with the
  // ClusterTopology feature gate its ClusterClasses need), CAPZ and ASO before Flux applies anything;
  // ADDITIONAL_ASO_CRDS=authorization.azure.com/RoleAssignment adds the kind of the clusters' kubeconfig access.
  declarePreinstalled(mgmt, Preinstalled.CAPI_CLUSTER_TOPOLOGY, Preinstalled.capzWith(['authorization.azure.com/RoleAssignment']));
  // Flux with two controller shards; the fleet's clusters are spread over them. The shard
  // controllers are built from the Flux install that `flux bootstrap` commits beside (the folder lists it).
  const fluxFolder = repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' });
  const flux = new FluxBootstrap(fluxFolder, 'flux', {
    repo,
    entry: mgmt,
    shards: ['shard0', 'shard1'],
    // flux bootstrap --components-extra=source-watcher: the ArtifactGenerators of the fleet's buckets.
    componentsExtra: ['source-watcher'],
  });
  // One namespace per subscription; each holds that subscription's ASO credential Secret.
  for (const ns of ['fleet', 'fleet-a', 'fleet-b']) new kplus.Namespace(mgmt, `ns-${ns}`, { metadata: { name: ns } });

  const cls = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'class', {
    name: 'aks-fleet',
    namespace: 'fleet',
    location: 'westeurope',
    perClusterCredential: true,
    nodePoolVariables: true,
    adminGroupObjectIds: ADMINS,
    // The office range, and the management cluster's outbound IP (Cluster API and Flux reach the API server from there).
    apiServerAccess: { authorizedIpRanges: ['203.0.113.0/24'], managementIpRanges: [MANAGEMENT_EGRESS] },
    // CAPZ reaches each cluster as the identity of the cluster's ASO credential (one identity, a
    // credential Secret per subscription): "AKS RBAC Cluster Admin" for it on every cluster, its
    // role definition under each row's subscription.
    kubeconfigAccess: { principalId: '5d2b9e41-7c3a-4f8e-9b1d-0e6f2a8c4b73', subscriptionId: '0b1e5c3a-7f6d-4e2b-9c8a-1d2e3f4a5b6c' },
    machinePoolClasses: [
      { class: 'system', pool: { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5', zones: ['1', '2', '3'] } },
      { class: 'worker', pool: { name: 'worker', vmSize: 'Standard_D4s_v5', autoscaling: { min: 1, max: 10 }, zones: ['1', '2', '3'] } },
    ],
  });
  // Escape hatch: a variable of our own (the AKS pricing tier) and the patch that uses it.
  cls.addVariable({ name: 'aksSkuTier', schema: { type: 'string', enum: ['Free', 'Standard', 'Premium'] } });
  cls.addPatch({
    name: 'aks-sku-tier',
    enabledIf: '{{ if .aksSkuTier }}true{{ end }}',
    definitions: [{
      selector: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'AzureASOManagedControlPlaneTemplate', matchResources: { controlPlane: true } },
      jsonPatches: [{ op: 'add', path: '/spec/template/spec/resources/0/spec/sku', valueFrom: { template: 'name: Base\ntier: {{ .aksSkuTier }}' } }],
    }],
  });

  // A shared platform repo with one overlay per environment, applied to every cluster first
  // (the cluster's name comes in as ${CLUSTER_NAME}); then each cluster's own apps folder.
  const platform = new Repo(app, 'fleet-platform', { url: 'https://github.com/contoso/fleet-platform' });
  for (const env of ['dev', 'prod']) {
    // Each overlay goes to other clusters than the other overlays: say so, so the same names may repeat.
    const overlay = platform.folder(`overlays/${env}`, { cluster: `${env}-clusters` });
    new kplus.Namespace(overlay, 'monitoring', { metadata: { name: 'monitoring', labels: { 'contoso.com/environment': env }, annotations: { 'contoso.com/cluster': '${CLUSTER_NAME}' } } });
  }
  const platformSource = new GitRepository(repo.folder('clusters/mgmt/sources', { namespace: 'flux-system' }), 'platform', {
    name: 'fleet-platform',
    repo: platform,
    ref: { branch: 'main' },
  });

  const fleet = new Fleet(mgmt, 'fleet', {
    repo,
    clusterClass: cls,
    source: flux.source,
    shards: 2,
    buckets: 4,
    // Each bucket's hydration reads a GitRepository checking out only its clusters' stage folders
    // (beside flux-system's source, with its URL, branch and credentials), and each cluster's an
    // artifact of its own folders, whose revision changes only when they do.
    bucketSources: { perClusterArtifacts: true },
    stages: [{ name: 'platform', path: (c) => `./overlays/${c.environment}`, source: platformSource }, 'apps'],
    defaults: { kubernetesVersion: 'v1.33.2', labels: { platform: 'contoso' } },
    environments: { dev: {}, prod: {} },
    clusters: fleetClustersFromCsv(fs.readFileSync(path.join(__dirname, 'fleet.csv'), 'utf8'), { clusterClass: cls, file: 'fleet.csv' }),
  });
  for (const member of fleet.members) new kplus.Namespace(member.stageFolders.apps, 'apps', { metadata: { name: 'apps' } });

  // Sub-folders of the entry, in order: sources and the ClusterClass before the fleet's buckets.
  const sub = (name: string, dependsOn: Kustomization[] = []) =>
    Kustomization.forFolder(mgmt, `mgmt-${name}`, repo.folder(`clusters/mgmt/${name}`), { name: `mgmt-${name}`, source: flux.source, prune: true, dependsOn });
  const sources = sub('sources');
  const classes = sub('classes');
  sub('fleet', [sources, classes]);
  return repo;
}
