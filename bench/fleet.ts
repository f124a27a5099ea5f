// Fleet benchmark: `npm run bench -- --clusters N [--json] [--no-validation]`.
//
// Builds a fleet of N AKS clusters in the CAPZ aks-aso shape (CAPI Cluster, AzureASOManagedCluster
// with a ResourceGroup, AzureASOManagedControlPlane with a ManagedCluster, 2 MachinePools + 2
// AzureASOManagedMachinePools with their agent pools, plus 2 Flux Kustomizations per cluster), one
// folder per cluster, validation on, and synthesizes it with GitOpsApp. Then, in the same process,
// it measures the floor: `yaml` stringify + write of the very same objects into the same files.
// Not a test: run it by hand and record the figures in README. `npm run bench` runs node with
// --expose-gc so that each phase starts from a collected heap.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { aksAsoCluster } from '../examples/management-cluster/aks-aso-l1';
import * as YAML from 'yaml';
import { GitOpsApp, Repo, toYaml } from '../lib';
import { AksNodePoolMode } from '../lib/aso/aks';
import { AksClusterClass, Fleet } from '../lib/capi';
import { GitRepository } from '../lib/flux';

interface Options {
  clusters: number;
  json: boolean;
  validation: boolean;
  keep: boolean;
  dir: string;
  l2: boolean;
}

function parseArgs(argv: string[]): Options {
  // Default to a RAM-backed directory when there is one: on a throttled virtual disk, writeback
  // stalls dominate and vary run to run; both phases write to the same place either way.
  const shm = '/dev/shm';
  const opts: Options = { clusters: 1000, json: false, validation: true, keep: false, l2: false, dir: fs.existsSync(shm) ? shm : os.tmpdir() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--clusters') opts.clusters = Number(argv[++i]);
    else if (a.startsWith('--clusters=')) opts.clusters = Number(a.slice('--clusters='.length));
    else if (a === '--json') opts.json = true;
    else if (a === '--no-validation') opts.validation = false;
    else if (a === '--keep') opts.keep = true;
    else if (a === '--l2') opts.l2 = true;
    else if (a === '--dir') opts.dir = argv[++i];
    else throw new Error(`unknown argument "${a}" (usage: --clusters N [--json] [--no-validation] [--keep] [--dir DIR] [--l2])`);
  }
  if (!Number.isInteger(opts.clusters) || opts.clusters < 1) throw new Error('--clusters must be a positive integer');
  return opts;
}

/**
 * `--l2`: the scale path with the L2/L3 constructs: one AksClusterClass and a `Fleet` of N
 * topology clusters (per cluster: a management folder with the Cluster and its two hydration
 * Kustomizations, plus its infrastructure/ and apps/ folders).
 */
function buildL2App(outdir: string, clusters: number, validation: boolean): GitOpsApp {
  const app = new GitOpsApp({ outdir, validation });
  const repo = new Repo(app, 'mgmt');
  const mgmt = repo.folder('clusters/mgmt', { namespace: 'fleet' });
  const source = GitRepository.fromName(mgmt, 'source', 'fleet', 'flux-system');
  const cls = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'class', {
    name: 'aks', namespace: 'fleet', location: 'westeurope', credentialSecretName: 'aso-credential',
    apiServerAccess: { privateCluster: true },
    machinePoolClasses: [
      { class: 'system', pool: { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' } },
      { class: 'worker', pool: { name: 'worker', vmSize: 'Standard_D4s_v5' } },
    ],
  });
  const width = String(clusters - 1).length;
  new Fleet(mgmt, 'fleet', {
    repo, clusterClass: cls, source,
    defaults: { kubernetesVersion: 'v1.33.2' },
    environments: { weu: { location: 'westeurope' }, neu: { location: 'northeurope' }, eus: { location: 'eastus2' } },
    managementPath: 'clusters/fleet',
    clusters: Array.from({ length: clusters }, (_, i) => ({ name: `aks-${String(i).padStart(width, '0')}`, environment: ['weu', 'neu', 'eus'][i % 3] })),
  });
  return app;
}

function buildApp(outdir: string, clusters: number, validation: boolean, l2 = false): GitOpsApp {
  if (l2) return buildL2App(outdir, clusters, validation);
  const app = new GitOpsApp({ outdir, validation });
  const repo = new Repo(app, 'mgmt');
  const width = String(clusters - 1).length;
  for (let i = 0; i < clusters; i++) {
    const name = `aks-${String(i).padStart(width, '0')}`;
    const folder = repo.folder(`clusters/${name}`);
    aksAsoCluster(folder, {
      name,
      namespace: 'fleet',
      location: ['westeurope', 'northeurope', 'eastus2'][i % 3],
      kubernetesVersion: 'v1.33.2',
      credentialSecret: 'aso-credential',
      vmSize: 'Standard_D4s_v5',
      sourceName: 'fleet',
    });
  }
  return app;
}

/** Builds and synthesizes the fleet; the app is garbage once this returns. */
function libraryPhase(outdir: string, opts: Options): { libMs: number; files: number } {
  const t0 = performance.now();
  const app = buildApp(outdir, opts.clusters, opts.validation, opts.l2);
  const result = app.synthesize();
  return { libMs: performance.now() - t0, files: result.repos[0].changes.created.length };
}

function syncDisk(): void {
  try {
    execFileSync('sync');
  } catch {
    // no sync(1): measure without flushing
  }
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const root = fs.mkdtempSync(path.join(opts.dir, 'cdk8s-platform-bench-'));
  try {
    // Each timed phase starts with the page cache flushed, so neither pays for the other's writeback.
    syncDisk();
    const { libMs, files } = libraryPhase(path.join(root, 'lib'), opts);
    const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024); // of the library phase
    (globalThis as { gc?: () => void }).gc?.();

    // Floor: the very same objects, stringified with `yaml` and written to the same file paths.
    // Only the objects and their paths are kept (not the construct tree): a big live heap slows
    // `yaml` down several-fold, which would flatter the library.
    const floorApp = buildApp(path.join(root, 'unused'), opts.clusters, false, opts.l2);
    const objects: Array<{ file: string; obj: unknown }> = floorApp.placedObjects().map((p) => ({ file: p.file, obj: p.obj }));
    // ... and every kustomization.yaml the library writes, as data to stringify the same way.
    for (const files of floorApp.renderToMemory().values()) {
      for (const [file, text] of files) if (file.endsWith('kustomization.yaml')) objects.push({ file, obj: YAML.parse(text) });
    }
    (globalThis as { gc?: () => void }).gc?.();
    const floorRoot = path.join(root, 'floor');
    syncDisk();
    const t1 = performance.now();
    const made = new Set<string>();
    for (const p of objects) {
      const file = path.join(floorRoot, p.file);
      const dir = path.dirname(file);
      if (!made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      fs.writeFileSync(file, toYaml(p.obj));
    }
    const floorMs = performance.now() - t1;
    const ratio = libMs / floorMs;
    const report = {
      clusters: opts.clusters,
      libMs: Math.round(libMs),
      floorMs: Math.round(floorMs),
      ratio: Math.round(ratio * 100) / 100,
      peakRssMB,
    };
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
    } else {
      process.stdout.write(
        `clusters: ${report.clusters} (${objects.length} files written by the floor, ${files} files, validation ${opts.validation ? 'on' : 'off'})\n` +
          `library synth: ${report.libMs} ms\nfloor (yaml stringify + write, same options): ${report.floorMs} ms\n` +
          `ratio: ${report.ratio}\npeak RSS: ${report.peakRssMB} MB\n` +
          `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, output in ${opts.dir}\n`,
      );
    }
  } finally {
    if (!opts.keep) fs.rmSync(root, { recursive: true, force: true });
    else process.stderr.write(`kept ${root}\n`);
  }
}

main();
