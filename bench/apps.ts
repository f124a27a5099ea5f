// The fleet shapes the benchmarks build (shared by bench/fleet.ts, bench/fleet-app.ts and
// bench/yaml-emit.ts).
import { aksAsoCluster } from '../examples/management-cluster/aks-aso-l1';
import { declarePreinstalled, GitOpsApp, Preinstalled, Repo } from '../lib';
import { AksNodePoolMode } from '../lib/aso/aks';
import { AksCluster, AksClusterClass, Fleet } from '../lib/capi';
import { GitRepository, Kustomization, SystemsSync } from '../lib/flux';
import { ApiObject } from 'cdk8s';

/**
 * - `l1`: per cluster, the CAPZ aks-aso shape from L1 classes (CAPI Cluster, AzureASOManagedCluster
 *   with a ResourceGroup, AzureASOManagedControlPlane with a ManagedCluster, 2 MachinePools + 2
 *   AzureASOManagedMachinePools with their agent pools, 2 Flux Kustomizations), one folder each;
 * - `l2`: one AksClusterClass and a `Fleet` of N topology clusters (per cluster: a management
 *   folder with the Cluster and its two hydration Kustomizations, plus infrastructure/ and apps/;
 *   per bucket, the sparse GitRepository and the ArtifactGenerator of its clusters' artifacts,
 *   which its hydration reads);
 * - `aks-cluster`: one `AksCluster` L2 per cluster folder (system + worker node pools);
 * - `tenants`: N teams instead of clusters, as an insurer's platform repo runs them: a
 *   `SystemsSync` of N tenants (namespace, ServiceAccount, RBAC, quota, limit range, network
 *   policy, GitRepository, Kustomization, Teams alert) in bucket Kustomizations of the platform
 *   repo (applied by a Kustomization `tenants`), and each team's own
 *   `Repo` in the app (a deploy/ folder with a ConfigMap and a ClusterIP Service), checked against
 *   the tenant policy at synth.
 */
export type Shape = 'l1' | 'l2' | 'aks-cluster' | 'tenants';
export const SHAPES: readonly Shape[] = ['l1', 'l2', 'aks-cluster', 'tenants'];

const LOCATIONS = ['westeurope', 'northeurope', 'eastus2'];

function names(clusters: number): string[] {
  const width = String(clusters - 1).length;
  return Array.from({ length: clusters }, (_, i) => `aks-${String(i).padStart(width, '0')}`);
}

/** The benchmark app of `shape` with `clusters` clusters (outdir: `$CDK8S_OUTDIR` when not given). */
export function buildApp(shape: Shape, clusters: number, opts: { outdir?: string; validation?: boolean } = {}): GitOpsApp {
  const app = new GitOpsApp({ outdir: opts.outdir, validation: opts.validation ?? true });
  const repo = new Repo(app, 'mgmt', { url: 'https://github.com/contoso/mgmt' });
  if (shape === 'l2') {
    const mgmt = repo.folder('clusters/mgmt', { namespace: 'fleet' });
    // The management cluster's Flux runs source-watcher (flux bootstrap --components-extra=source-watcher);
    // clusterctl installed Cluster API (ClusterTopology on) and CAPZ; the fleet namespace is made with them.
    declarePreinstalled(mgmt, Preinstalled.SOURCE_WATCHER, Preinstalled.CAPI_CLUSTER_TOPOLOGY, Preinstalled.CAPZ, Preinstalled.of('fleet-namespace', [], ['fleet']));
    // The source that fetches this repo exists (made with Flux): named with its repo, so synth
    // checks the builds of the Kustomizations reading it (paths, shared objects).
    const source = GitRepository.fromName(mgmt, 'source', { name: 'fleet', namespace: 'flux-system', repo });
    const cls = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'class', { kubeconfigAccess: { grantedOutside: 'AKS RBAC Cluster Admin on the subscription, given outside the app' },
      name: 'aks', namespace: 'fleet', location: 'westeurope', credentialFrom: 'aso-credential',
      apiServerAccess: { privateCluster: true },
      machinePoolClasses: [
        { class: 'system', pool: { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' } },
        { class: 'worker', pool: { name: 'worker', vmSize: 'Standard_D4s_v5' } },
      ],
    });
    new Fleet(mgmt, 'fleet', {
      repo, clusterClass: cls, source,
      defaults: { kubernetesVersion: 'v1.33.2' },
      environments: { weu: { location: 'westeurope' }, neu: { location: 'northeurope' }, eus: { location: 'eastus2' } },
      managementPath: 'clusters/fleet',
      // Buckets are picked for the final fleet size (re-bucketing moves clusters between Flux
      // Kustomizations): ~3 objects per cluster, so at most ~500 objects per bucket build.
      buckets: Math.max(32, Math.ceil((clusters * 3) / 500)),
      // Each bucket's hydration reads a source checking out only its clusters' stage folders.
      // and each cluster's hydration an artifact of its own folders (source-watcher), reconciled
      // only when they change.
      bucketSources: { secretRef: 'git-credentials', perClusterArtifacts: true },
      clusters: names(clusters).map((name, i) => ({ name, environment: ['weu', 'neu', 'eus'][i % 3] })),
    });
    return app;
  }
  if (shape === 'tenants') {
    const teams = names(clusters).map((n) => n.replace(/^aks-/, 'team-'));
    // The bounded layout: the tenants spread over bucket Kustomizations (a team is 12 objects
    // here: about 600 per build at 2,000 teams), applied by the Kustomization `tenants` of the
    // cluster's entry.
    const entry = repo.folder('clusters/mgmt', { namespace: 'flux-system', includeSubfolders: false });
    const source = GitRepository.fromName(entry, 'source', { name: 'flux-system', repo });
    const folder = repo.folder('clusters/mgmt/tenants', { includeSubfolders: false });
    new SystemsSync(folder, 'systems', {
      teams: teams.map((name) => ({
        name,
        repository: { url: `https://github.com/contoso/${name}`, secretRef: 'git-credentials' },
        path: './deploy',
        alert: { type: 'msteams', secretRef: 'msteams-webhook' },
      })),
      buckets: { source, prune: true, count: Math.max(32, Math.ceil((clusters * 10) / 500)) },
    });
    Kustomization.forFolder(entry, 'tenants', folder, { name: 'tenants', source, prune: true });
    for (const name of teams) {
      const deploy = new Repo(app, name, { url: `https://github.com/contoso/${name}` }).folder('deploy', { namespace: name });
      new ApiObject(deploy, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { LOG_LEVEL: 'info' } });
      new ApiObject(deploy, 'web', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
    }
    return app;
  }
  names(clusters).forEach((name, i) => {
    const folder = repo.folder(`clusters/${name}`);
    if (shape === 'aks-cluster') {
      new AksCluster(folder, 'cluster', { kubeconfigAccess: { grantedOutside: 'AKS RBAC Cluster Admin on the subscription, given outside the app' },
        name, namespace: 'fleet', location: LOCATIONS[i % 3], kubernetesVersion: 'v1.33.2', credentialFrom: 'aso-credential',
        nodePools: [
          { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' },
          { name: 'worker', vmSize: 'Standard_D4s_v5' },
        ],
      });
    } else {
      aksAsoCluster(folder, {
        name, namespace: 'fleet', location: LOCATIONS[i % 3], kubernetesVersion: 'v1.33.2',
        credentialSecret: 'aso-credential', vmSize: 'Standard_D4s_v5', sourceName: 'fleet',
      });
    }
  });
  return app;
}

export function parseShape(s: string): Shape {
  if (!(SHAPES as readonly string[]).includes(s)) throw new Error(`unknown shape "${s}" (one of ${SHAPES.join(', ')})`);
  return s as Shape;
}
