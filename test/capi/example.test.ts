// The management-cluster example: renders (strict schema + CEL validation of every object, the ASO
// resources embedded in CAPZ objects included, and every recorded reference resolving), and every
// folder builds with kubectl kustomize.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { GitOpsApp } from '../../lib';
import { managementCluster } from '../../examples/management-cluster/app';
import { writeFluxInstalls } from '../support/flux-install';

describe('examples/management-cluster', () => {
  let files: Map<string, string>;
  beforeAll(() => {
    const app = new GitOpsApp({ outdir: '/tmp/unused' });
    managementCluster(app);
    files = app.renderToMemory().get('platform')!;
  });

  test('three AKS clusters, one self-managed cluster, a ClusterClass fleet of 20, each hydrated', () => {
    const names = [...files.keys()];
    const clusters = names.filter((f) => /\/cluster-[a-z0-9-]+\.yaml$/.test(f)).map((f) => path.basename(f, '.yaml').slice('cluster-'.length)).sort();
    expect(clusters.filter((c) => c.startsWith('aks-'))).toEqual(['aks-dev', 'aks-prod', 'aks-test']);
    expect(clusters).toContain('capz-vm');
    expect(clusters.filter((c) => c.startsWith('store-'))).toHaveLength(20);
    for (const c of clusters) {
      const ks = names.filter((f) => f.endsWith(`/kustomization-${c}-infrastructure.yaml`) || f.endsWith(`/kustomization-${c}-apps.yaml`));
      expect({ c, ks: ks.length }).toEqual({ c, ks: 2 });
    }
    expect(names).toContain('clusters/mgmt/classes/clusterclass-aks-standard.yaml');
  });

  test('prod has an autoscaled, zonal user pool', () => {
    const pool = parse(files.get('clusters/mgmt/aks-prod/azureasomanagedmachinepool-aks-prod-user.yaml')!);
    expect(pool.spec.resources[0].spec).toMatchObject({ enableAutoScaling: true, minCount: 3, maxCount: 10, availabilityZones: ['1', '2', '3'] });
    const mp = parse(files.get('clusters/mgmt/aks-prod/machinepool-aks-prod-user.yaml')!);
    expect(mp.metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false',
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size': '10',
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size': '3',
      'cluster.x-k8s.io/replicas-managed-by': 'aks',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
    });
    expect(mp.spec.replicas).toBeUndefined();
  });

  test('every folder builds with kubectl kustomize', () => {
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    } catch {
      console.warn('kubectl not installed: kustomize builds not run');
      return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgmt-example-'));
    try {
      for (const [file, text] of files) {
        fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
      }
      // What flux bootstrap commits beside the bootstrap's objects (the folder lists it).
      expect(writeFluxInstalls(dir)).toEqual(['clusters/mgmt/flux-system/gotk-components.yaml']);
      const folders = [...files.keys()].filter((f) => f.endsWith('/kustomization.yaml')).map((f) => path.dirname(f));
      expect(folders.length).toBeGreaterThan(60);
      // The management entry folder includes every sub-folder: build it once, and the workload folders.
      for (const folder of ['clusters/mgmt', ...folders.filter((f) => !f.startsWith('clusters/mgmt'))]) {
        const out = execFileSync('kubectl', ['kustomize', path.join(dir, folder)], { encoding: 'utf8' });
        expect(out.length).toBeGreaterThan(0);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
