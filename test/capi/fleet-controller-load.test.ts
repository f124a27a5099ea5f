// The load a fleet puts on the controllers (docs/fleet.md, "Controller settings at 10,000
// clusters"): the hydration Kustomizations' reconciliation settings (Fleet `hydration`) and the
// Flux controllers' arguments (FluxBootstrap `controllerArgs`, as Flux's vertical scaling guide
// patches them).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { GitOpsApp, Repo } from '../../lib';
import { AksClusterClass, Fleet } from '../../lib/capi';
import { FluxBootstrap, GitRepository } from '../../lib/flux';
import { Testing } from '../../lib/testing';
import { FLUX_INSTALL_YAML } from '../support/flux-install';
import { setup, SYSTEM_POOL } from './fixtures';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../support/kubeconfig-access';

describe('Fleet hydration settings', () => {
  test('interval, retryInterval, timeout and wait of every hydration Kustomization', () => {
    const { app, repo, folder } = setup();
    const cls = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, name: 'aks', namespace: 'fleet', location: 'westeurope', machinePoolClasses: [{ class: 'system', pool: SYSTEM_POOL }] });
    const source = GitRepository.fromName(folder, 'src', { name: 'flux-system', namespace: 'flux-system' });
    new Fleet(folder, 'fleet', {
      repo, clusterClass: cls, source, defaults: { kubernetesVersion: 'v1.33.2' }, clusters: [{ name: 'c1' }],
      hydration: { interval: '1h', retryInterval: '2m', timeout: '2m', wait: false },
    });
    const objs = Testing.objects(app);
    for (const name of ['c1-infrastructure', 'c1-apps']) {
      expect(Testing.find(objs, 'Kustomization', name).spec).toMatchObject({ interval: '1h', retryInterval: '2m', timeout: '2m', wait: false });
    }
    expect(Testing.errorOf(() => new Fleet(folder, 'f2', { repo, clusterClass: cls, source, defaults: { kubernetesVersion: 'v1.33.2' }, clusters: [{ name: 'c2' }], hydration: { retryInterval: 'soon' } }))).toMatch(
      /^platform\/clusters--mgmt\/f2: prop "hydration.retryInterval": "soon" /,
    );
  });
});

describe('FluxBootstrap controllerArgs', () => {
  function bootstrap(controllerArgs: ConstructorParameters<typeof FluxBootstrap>[2]['controllerArgs'], shards?: string[]) {
    const app = new GitOpsApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'controller-args-')), printBaselineReport: false });
    const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
    const fluxFolder = repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' });
    fluxFolder.addResource('gotk-components.yaml', { userOwned: true });
    new FluxBootstrap(fluxFolder, 'flux', { repo, entry: repo.folder('clusters/mgmt', { includeSubfolders: false }), controllerArgs, shards });
    return { app, dir: path.join(app.outdir, 'platform', 'clusters', 'mgmt', 'flux-system') };
  }

  test('patched in the folder\'s kustomization.yaml: the controllers of the install, and the shard controllers built from it, get them', () => {
    const { app, dir } = bootstrap({ 'kustomize-controller': ['--concurrent=40', '--requeue-dependency=30s'], 'source-controller': ['--concurrent=10'] }, ['shard0']);
    app.synth();
    const k = parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));
    expect(k.patches).toEqual([
      { patch: '- op: add\n  path: /spec/template/spec/containers/0/args/-\n  value: --concurrent=40\n', target: { kind: 'Deployment', name: 'kustomize-controller' } },
      { patch: '- op: add\n  path: /spec/template/spec/containers/0/args/-\n  value: --requeue-dependency=30s\n', target: { kind: 'Deployment', name: 'kustomize-controller' } },
      { patch: '- op: add\n  path: /spec/template/spec/containers/0/args/-\n  value: --concurrent=10\n', target: { kind: 'Deployment', name: 'source-controller' } },
    ]);
    // As flux bootstrap applies the folder (kustomize, with the install flux bootstrap committed).
    fs.writeFileSync(path.join(dir, 'gotk-components.yaml'), FLUX_INSTALL_YAML);
    const built = parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map((d) => d.toJS());
    const args = (name: string) => built.find((o) => o.kind === 'Deployment' && o.metadata.name === name).spec.template.spec.containers[0].args;
    expect(args('kustomize-controller').slice(-2)).toEqual(['--concurrent=40', '--requeue-dependency=30s']);
    expect(args('source-controller').slice(-1)).toEqual(['--concurrent=10']);
    expect(args('helm-controller')).not.toContain('--concurrent=40');
  });

  test('bad flags, unknown controllers, and the flags the lockdown and shards own are refused; the install must be there', () => {
    const P = 'platform/clusters--mgmt--flux-system/flux';
    expect(Testing.errorOf(() => bootstrap({ 'kustomize-controller': ['concurrent=4'] }))).toBe(`${P}: prop "controllerArgs.kustomize-controller[0]": "concurrent=4" is not a flag: write --name or --name=value`);
    expect(Testing.errorOf(() => bootstrap({ 'kustomize-controller': ['--watch-label-selector=x'] }))).toBe(
      `${P}: prop "controllerArgs.kustomize-controller[0]": --watch-label-selector is set by the shards of this FluxBootstrap: use its prop "shards" instead`,
    );
    expect(Testing.errorOf(() => bootstrap({ 'kustomise-controller': ['--concurrent=4'] } as never))).toBe(
      `${P}: prop "controllerArgs.kustomise-controller": is not a Flux controller (source-controller, kustomize-controller, helm-controller, notification-controller, image-reflector-controller, image-automation-controller, source-watcher)`,
    );
    const app = new GitOpsApp({ outdir: '/tmp/unused-controller-args', printBaselineReport: false });
    const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
    new FluxBootstrap(repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' }), 'flux', { repo, entry: repo.folder('clusters/mgmt', { includeSubfolders: false }), controllerArgs: { 'kustomize-controller': ['--concurrent=40'] }, install: 'external' });
    expect(Testing.errorOf(() => Testing.objects(app))).toContain(
      'prop "controllerArgs": the arguments patch the controllers of the Flux install in folder "clusters/mgmt/flux-system" (its gotk-components.yaml, which flux bootstrap commits), but the folder lists none',
    );
  });
});
