// `cdk8s-platform validate`: in-process (runValidate) and end to end (bin/cdk8s-platform.js).
// main.ts itself is exercised through the bin only: commander 15 is ESM-only, which Node loads
// (require(esm)) but jest's module loader does not.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliError, type CliIO } from '../../lib/cli/context';
import { runValidate } from '../../lib/cli/validate';
import { crdMirror, FIXTURES, PROJECT_ROOT } from './helpers';

const CRDS = [
  'flux/helm.toolkit.fluxcd.io_helmreleases.yaml',
  'flux/kustomize.toolkit.fluxcd.io_kustomizations.yaml',
  'capz/infrastructure.cluster.x-k8s.io_azureasomanagedclusters.yaml',
  'aso/resources.azure.com_resourcegroups.yaml',
];

const BAD_OUTPUT = [
  'apps/podinfo/release.yaml#0: HelmRelease/apps/podinfo: spec: failed rule: either chart or chartRef must be set',
  'broken.yaml#0: <unknown kind>/<unnamed>: <root>: invalid YAML: Map keys must be unique at line 3, column 1',
  'clusters/dev/flux-system.yaml#0: Namespace/default/flux-system: metadata.namespace: must not be set: Namespace is cluster-scoped',
  'clusters/dev/flux-system.yaml#1: Kustomization/flux-system/apps: spec.interval: required field missing: "interval"',
  'clusters/dev/flux-system.yaml#1: Kustomization/flux-system/apps: spec.intervall: unknown field "intervall"',
  'infra/azure.yml#0: AzureASOManagedCluster/default/dev-aks: spec.resources[0].spec.tagz: unknown field "tagz"',
  'validate: 5 documents in 4 files: 6 issues (validated by CRD schema: 0, by core schema: 1, by registered schema: 3; not validated: 0)',
];

let tmp: string;
let crdDir: string;

/** Copies a fixture tree into the temp dir, with decoys the walk must skip. */
function tree(name: 'bad' | 'good'): string {
  const dir = path.join(tmp, name);
  fs.cpSync(path.join(FIXTURES, 'cli', name), dir, { recursive: true });
  for (const decoy of ['node_modules/some-pkg', '.git/refs']) {
    fs.mkdirSync(path.join(dir, decoy), { recursive: true });
    fs.writeFileSync(path.join(dir, decoy, 'bad.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NOT_VALID\n');
  }
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not yaml: [');
  return dir;
}

function capture(cwd: string): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, cwd, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) };
}

beforeAll(() => {
  const mirror = crdMirror();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-platform-cli-'));
  crdDir = path.join(tmp, 'crds');
  fs.mkdirSync(crdDir);
  for (const c of CRDS) fs.copyFileSync(path.join(mirror, c), path.join(crdDir, path.basename(c)));
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('validate (in process)', () => {
  test('a bad tree: every error is named, exit 1', async () => {
    const io = capture(tree('bad'));
    const code = await runValidate(['.'], { crds: [crdDir], schemas: false }, io);
    expect(io.out.join('').split('\n').filter(Boolean)).toEqual(BAD_OUTPUT);
    expect(io.err).toEqual([]);
    expect(code).toBe(1);
  });

  test('a good tree: exit 0', async () => {
    const io = capture(tree('good'));
    const code = await runValidate(['.'], { crds: [crdDir], schemas: false }, io);
    expect(io.out.join('')).toBe('validate: 4 documents in 3 files: no issues (validated by CRD schema: 0, by core schema: 1, by registered schema: 3; not validated: 0)\n');
    expect(code).toBe(0);
  });

  test('files can be given one by one; usage errors are CliErrors (exit 2)', async () => {
    const dir = tree('bad');
    const io = capture(dir);
    expect(await runValidate(['apps/podinfo/release.yaml'], { crds: [crdDir], schemas: false }, io)).toBe(1);
    expect(io.out).toEqual([
      'apps/podinfo/release.yaml#0: HelmRelease/apps/podinfo: spec: failed rule: either chart or chartRef must be set\n',
      'validate: 1 document in 1 file: 1 issue (validated by CRD schema: 0, by core schema: 0, by registered schema: 1; not validated: 0)\n',
    ]);
    await expect(runValidate(['missing'], { schemas: false }, capture(dir))).rejects.toThrow(new CliError('path not found: missing'));
    await expect(runValidate(['.'], { crds: ['apps'], schemas: false }, capture(dir))).rejects.toThrow('no CustomResourceDefinition found in apps');
    fs.mkdirSync(path.join(dir, 'empty'));
    await expect(runValidate(['empty'], { schemas: false }, capture(dir))).rejects.toThrow('no YAML files found in: empty');
  });
});

describe('bin/cdk8s-platform.js (end to end)', () => {
  const bin = path.join(PROJECT_ROOT, 'bin', 'cdk8s-platform.js');
  const run = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60000 });

  test('bad tree → issues on stdout, exit 1; good tree → exit 0', () => {
    const bad = run(tree('bad'), 'validate', '--no-schemas', '--crds', crdDir, '.');
    expect(bad.stdout.split('\n').filter(Boolean)).toEqual(BAD_OUTPUT);
    expect(bad.status).toBe(1);
    const good = run(tree('good'), 'validate', '--no-schemas', '--crds', crdDir, '.');
    expect(good.stdout).toBe('validate: 4 documents in 3 files: no issues (validated by CRD schema: 0, by core schema: 1, by registered schema: 3; not validated: 0)\n');
    expect(good.status).toBe(0);
  });

  test('usage / IO errors → exit 2, message without stack trace unless --verbose', () => {
    const r = run(tmp, 'validate', '--no-schemas', 'does-not-exist');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('cdk8s-platform: path not found: does-not-exist\n');
    const v = run(tmp, '--verbose', 'validate', '--no-schemas', 'does-not-exist');
    expect(v.status).toBe(2);
    expect(v.stderr).toMatch(/^cdk8s-platform: path not found: does-not-exist\nCliError: path not found: does-not-exist\n\s+at /);
    const u = run(tmp, 'validate');
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/missing required argument 'paths'/);
  });
});
