// 2,000 clusters: no Flux Kustomization of the management layout builds more than the bound, and
// kustomize builds the management folders (every bucket, the fleet folder and the entry folder).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { declarePreinstalled, GitOpsApp, Preinstalled, Repo } from '../../lib';
import { AksNodePoolMode } from '../../lib/aso/aks';
import { AksClusterClass, Fleet, kustomizationBuildSizes } from '../../lib/capi';
import { FluxBootstrap, Kustomization } from '../../lib/flux';
import { FLUX_INSTALL, writeFluxInstalls } from '../support/flux-install';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../support/kubeconfig-access';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-scale-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

test('a 2,000-cluster Fleet: largest build within 1,000 objects, kustomize builds every management Kustomization folder', () => {
  const t0 = Date.now();
  // Schema validation of 6,000 objects is covered by the smaller fleet tests; here it only slows the run.
  const app = new GitOpsApp({ outdir: out, validation: false });
  const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
  // The bootstrap layout: the entry lists only its own files and flux-system/; the class and the
  // fleet's management folder have their own Kustomizations.
  const entry = repo.folder('clusters/mgmt', { includeSubfolders: false });
  declarePreinstalled(entry, Preinstalled.CAPI_CLUSTER_TOPOLOGY, Preinstalled.CAPZ, Preinstalled.of('fleet-namespace', [], ['fleet']));
  const fluxFolder = repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' });
  fluxFolder.addResource('gotk-components.yaml', { userOwned: true });
  const flux = new FluxBootstrap(fluxFolder, 'flux', { repo, entry, shards: ['shard0', 'shard1', 'shard2', 'shard3'] });
  const cls = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
    name: 'aks', namespace: 'fleet', location: 'westeurope', credentialFrom: 'aso-credential',
    machinePoolClasses: [{ class: 'system', pool: { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' } }],
  });
  const fleet = new Fleet(entry, 'fleet', {
    repo, clusterClass: cls, source: flux.source, shards: 4,
    defaults: { kubernetesVersion: 'v1.33.2' },
    clusters: Array.from({ length: 2000 }, (_, i) => ({ name: `c-${String(i).padStart(4, '0')}` })),
  });
  const classes = Kustomization.forFolder(entry, 'classes', repo.folder('clusters/mgmt/classes'), { name: 'mgmt-classes', source: flux.source, prune: true });
  Kustomization.forFolder(entry, 'fleet-buckets', repo.folder('clusters/mgmt/fleet'), { name: 'mgmt-fleet', source: flux.source, prune: true, dependsOn: [classes] });
  const sizes = kustomizationBuildSizes(repo);
  const largest = Math.max(...sizes.map((s) => s.objects));
  expect(largest).toBeLessThanOrEqual(1000);
  expect(largest).toBeGreaterThan(100); // ~2,000 × 3 / 32 buckets, spread over 4 shards
  // The entry folder's build (flux-system) holds the bucket Kustomizations, not the clusters.
  const entrySize = sizes.find((s) => s.kustomization === flux.sync)!.objects;
  expect(entrySize).toBeLessThan(200);
  const files = app.renderToMemory().get('platform')!;
  const tSynth = Date.now() - t0;

  const dir = path.join(out, 'platform');
  const folders = ['clusters/mgmt', ...fleet.bucketKustomizations.map((k) => k.path.slice(2))];
  expect(folders.length).toBe(1 + 4 * 32);
  // 129 kustomize runs take minutes on a loaded machine: build the entry folder and every 4th bucket (32).
  const sample = folders.filter((_f, i) => i % 4 === 0);
  // Write the management side only (the sampled buckets and everything outside the buckets).
  const buckets = folders.slice(1);
  for (const [file, text] of files) {
    if (!file.startsWith('clusters/')) continue;
    const bucket = buckets.find((b) => file.startsWith(`${b}/`));
    if (bucket && !sample.includes(bucket)) continue;
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  // The Flux install flux bootstrap committed beside the sharded bootstrap (listed, user-owned).
  expect(writeFluxInstalls(dir)).toEqual(['clusters/mgmt/flux-system/gotk-components.yaml']);
  let total = 0;
  const t1 = Date.now();
  for (const f of sample) {
    const yaml = execFileSync('kubectl', ['kustomize', path.join(dir, f)], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const n = (yaml.match(/^kind: /gm) ?? []).length;
    // A user-owned file counts as one object in the library's count (it cannot read it): the
    // entry folder's build holds the whole Flux install.
    const install = f === 'clusters/mgmt' ? FLUX_INSTALL.length - 1 : 0;
    const expected = sizes.find((s) => s.folder.path === f)!.objects + install;
    expect(n).toBe(expected);
    total += n;
  }
  const tKustomize = Date.now() - t1;
  expect(total).toBeGreaterThan(1000);
  console.log(`fleet-scale: render ${tSynth} ms, kustomize of ${sample.length} folders ${tKustomize} ms, largest build ${largest} objects`);
}, 180_000);
