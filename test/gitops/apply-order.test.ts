// The apply-order model (lib/gitops/apply-order.ts): at synth and in `cdk8s-platform validate`.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { buildExamples } from '../../examples/main';
import { addProvided, declarePreinstalled, Folder, GitOpsApp, KustomizePatch, Preinstalled, Repo, SynthError, upjetAzureApiGroups } from '../../lib';
import { runValidate } from '../../lib/cli/validate';
import { writeFluxInstalls } from '../support/flux-install';
import { applyOrderProblems, INSTALLS_CRDS_ANNOTATION, matchesKind } from '../../lib/gitops/apply-order';
import { AzureClusterProviderConfig, AzureCredentials, CrossplaneAzureRuntime, CrossplaneProvider } from '../../lib/crossplane';
import { GitRepository, HelmRelease, HelmRepository, Kustomization, KustomizationForFolderProps } from '../../lib/flux';
import { declareSharedSealingKey, SealedSecret } from '../../lib/sealing';
import { SEALED_CIPHERTEXT } from '../support/ciphertext';

const ID = '00000000-0000-0000-0000-00000000000a';

/** An app with one repo, an entry folder holding the GitRepository, and a helper for Kustomizations. */
function setup(validation = true) {
  const app = new GitOpsApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'ao-')), validation, printBaselineReport: false });
  const repo = new Repo(app, 'mgmt', { url: 'https://example.com/mgmt' });
  const entry = repo.folder('clusters/mgmt', { namespace: 'flux-system' });
  const source = new GitRepository(entry, 'source', { name: 'mgmt', repo });
  const ks = (id: string, folder: Folder, props: Partial<KustomizationForFolderProps> = {}) => Kustomization.forFolder(entry, id, folder, { name: id, source, prune: true, ...props });
  return { app, repo, entry, source, ks };
}

function problems(app: GitOpsApp): string[] {
  try {
    app.placedObjects();
  } catch (e) {
    if (e instanceof SynthError) return [...e.problems];
    throw e;
  }
  return [];
}

/** A new temporary directory, and a writer of files into it (creating their directories). */
function treeDir(prefix: string): { dir: string; write: (file: string, text: string) => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    write: (f, text) => {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), text);
    },
  };
}

function addProvidedSecret(folder: Folder): void {
  addProvided(folder, { apiGroup: '', kind: 'Secret', name: 'dev-kubeconfig', namespace: 'flux-system' });
}

function raw(folder: Folder, id: string, apiVersion: string, kind: string, name: string, extra: Record<string, unknown> = {}): ApiObject {
  return new ApiObject(folder, id, { apiVersion, kind, metadata: { name }, ...extra });
}

/** A Flux Kustomization of flux-system as a tree file holds it, building `path` of GitRepository `source`. */
function ksYaml(name: string, path: string, source = 'mgmt', extra = ''): string {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: ${source}\n${extra}`;
}

/** A GitRepository of flux-system as a tree file holds it. */
function gitYaml(name: string, url: string): string {
  return `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1m\n  url: ${url}\n  ref:\n    branch: main\n`;
}

describe('upjet-azure provider → API groups', () => {
  test.each([
    ['xpkg.crossplane.io/crossplane-contrib/provider-family-azure:v2.7.0', ['azure.upbound.io', 'azure.m.upbound.io']],
    ['xpkg.crossplane.io/crossplane-contrib/provider-azure-storage:v2.7.0', ['storage.azure.upbound.io', 'storage.azure.m.upbound.io']],
    ['xpkg.upbound.io/upbound/provider-azure-containerservice@sha256:abc', ['containerservice.azure.upbound.io', 'containerservice.azure.m.upbound.io']],
    ['xpkg.upbound.io/upbound/provider-azure:v1.0.0', ['azure.upbound.io', 'azure.m.upbound.io', '*.azure.upbound.io', '*.azure.m.upbound.io']],
    ['xpkg.crossplane.io/crossplane-contrib/provider-helm:v0.21.0', undefined],
  ])('%s', (pkg, groups) => expect(upjetAzureApiGroups(pkg)).toEqual(groups));
});

describe('apply order at synth', () => {
  test('same build: Provider + ProviderConfig would never apply', () => {
    const { app, repo, entry, ks } = setup();
    declarePreinstalled(entry, Preinstalled.CROSSPLANE);
    const system = repo.folder('crossplane/system');
    CrossplaneProvider.upjetAzure(system, 'family', { service: 'family' });
    new AzureClusterProviderConfig(system, 'pc', { credentials: AzureCredentials.oidcTokenFile(ID), subscriptionId: ID, tenantId: ID });
    ks('crossplane', system, { wait: true });
    expect(problems(app)).toEqual([
      'mgmt/crossplane--system/pc/Resource: ClusterProviderConfig default in Kustomization flux-system/crossplane would never apply: its kind ClusterProviderConfig (azure.m.upbound.io) ' +
        'is established by Provider provider-family-azure in the same build, and Flux dry-runs the whole build before applying any of it; ' +
        'move Provider provider-family-azure to another Kustomization that Kustomization flux-system/crossplane dependsOn, with wait: true',
    ]);
  });

  test('same build: XRD + XR instance', () => {
    const { app, repo, entry, ks } = setup(false);
    declarePreinstalled(entry, Preinstalled.CROSSPLANE);
    const apis = repo.folder('apis');
    raw(apis, 'xrd', 'apiextensions.crossplane.io/v2', 'CompositeResourceDefinition', 'xapps.contoso.com', { spec: { group: 'contoso.com', names: { kind: 'XApp', plural: 'xapps' } } });
    raw(apis, 'xr', 'contoso.com/v1', 'XApp', 'one', { metadata: { name: 'one', namespace: 'default' } });
    ks('apis', apis, { wait: true });
    expect(problems(app)).toEqual([
      'mgmt/apis/xr: XApp default/one in Kustomization flux-system/apis would never apply: its kind XApp (contoso.com) is established by CompositeResourceDefinition xapps.contoso.com in the same build, ' +
        'and Flux dry-runs the whole build before applying any of it; move CompositeResourceDefinition xapps.contoso.com to another Kustomization that Kustomization flux-system/apis dependsOn, with wait: true',
    ]);
  });

  test('same build: HelmRelease-installed CRD + CR', () => {
    const { app, repo, ks } = setup();
    const infra = repo.folder('infra', { namespace: 'flux-system' });
    const charts = new HelmRepository(infra, 'jetstack', { name: 'jetstack', url: 'https://charts.jetstack.io' });
    new HelmRelease(infra, 'cert-manager', { name: 'cert-manager', chart: { repository: charts, chart: 'cert-manager', version: '1.16.1' }, installsCrds: ['cert-manager.io'] });
    raw(infra, 'issuer', 'cert-manager.io/v1', 'ClusterIssuer', 'selfsigned', { spec: { selfSigned: {} } });
    app.addUnvalidatedKind('cert-manager.io/ClusterIssuer', "cert-manager's CRDs are not bundled");
    ks('infra', infra, { wait: true });
    const p = problems(app);
    expect(p).toEqual([
      'mgmt/infra/issuer: ClusterIssuer flux-system/selfsigned in Kustomization flux-system/infra would never apply: its kind ClusterIssuer (cert-manager.io) is established by HelmRelease flux-system/cert-manager in the same build, ' +
        'and Flux dry-runs the whole build before applying any of it; move HelmRelease flux-system/cert-manager to another Kustomization that Kustomization flux-system/infra dependsOn, with wait: true',
    ]);
  });

  test('missing dependsOn', () => {
    const { app, repo, entry, ks } = setup();
    declarePreinstalled(entry, Preinstalled.CROSSPLANE);
    const pkgs = repo.folder('crossplane/packages');
    const cfg = repo.folder('crossplane/config');
    CrossplaneProvider.upjetAzure(pkgs, 'family', { service: 'family' });
    new AzureClusterProviderConfig(cfg, 'pc', { credentials: AzureCredentials.oidcTokenFile(ID), subscriptionId: ID, tenantId: ID });
    ks('packages', pkgs, { wait: true });
    ks('config', cfg);
    expect(problems(app)).toEqual([
      'mgmt/crossplane--config/pc/Resource: ClusterProviderConfig default in Kustomization flux-system/config needs ClusterProviderConfig (azure.m.upbound.io), established by Provider provider-family-azure ' +
        'in Kustomization flux-system/packages, but Kustomization flux-system/config does not depend on it; add Kustomization flux-system/packages to the dependsOn of Kustomization flux-system/config',
    ]);
  });

  test('missing wait or health check', () => {
    const { app, repo, entry, ks } = setup();
    declarePreinstalled(entry, Preinstalled.CROSSPLANE);
    const pkgs = repo.folder('crossplane/packages');
    const cfg = repo.folder('crossplane/config');
    CrossplaneProvider.upjetAzure(pkgs, 'family', { service: 'family' });
    new AzureClusterProviderConfig(cfg, 'pc', { credentials: AzureCredentials.oidcTokenFile(ID), subscriptionId: ID, tenantId: ID });
    const p = ks('packages', pkgs);
    ks('config', cfg, { dependsOn: [p] });
    expect(problems(app)).toEqual([
      'mgmt/crossplane--config/pc/Resource: ClusterProviderConfig default in Kustomization flux-system/config needs ClusterProviderConfig (azure.m.upbound.io), established by Provider provider-family-azure ' +
        'in Kustomization flux-system/packages, which does not wait for it; set wait: true on Kustomization flux-system/packages or health-check Provider provider-family-azure',
    ]);
    // A health check of the provider is enough.
    p.addHealthCheck({ apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider', name: 'provider-family-azure' });
    expect(problems(app)).toEqual([]);
  });

  test('undeclared pre-installed kind, then declared', () => {
    const { app, repo, entry, ks } = setup(false);
    const apps = repo.folder('apps');
    raw(apps, 'cluster', 'cluster.x-k8s.io/v1beta2', 'Cluster', 'c1', { metadata: { name: 'c1', namespace: 'default' } });
    ks('apps', apps);
    expect(problems(app)).toEqual([
      'mgmt/apps/cluster: Cluster default/c1 in Kustomization flux-system/apps: its kind Cluster (cluster.x-k8s.io) is not built in, not defined by a CRD in the build, not established by any Kustomization ' +
        "applied to the repo's cluster, and not declared pre-installed there; add what installs it, or declare it with declarePreinstalled(folder, Preinstalled.<preset> | Preinstalled.of(...))",
    ]);
    declarePreinstalled(entry, Preinstalled.CAPI);
    expect(problems(app)).toEqual([]);
  });

  test('Namespace applied by a Kustomization this one does not depend on', () => {
    const { app, repo, ks } = setup();
    const ns = repo.folder('namespaces');
    raw(ns, 'ns', 'v1', 'Namespace', 'team');
    const apps = repo.folder('apps', { namespace: 'team' });
    raw(apps, 'cm', 'v1', 'ConfigMap', 'settings', { data: { a: 'b' } });
    ks('namespaces', ns);
    const a = ks('apps', apps);
    expect(problems(app)).toEqual([
      'mgmt/apps/cm: ConfigMap team/settings in Kustomization flux-system/apps: its Namespace "team" is applied by Kustomization flux-system/namespaces, but Kustomization flux-system/apps does not depend on it; ' +
        'add Kustomization flux-system/namespaces to the dependsOn of Kustomization flux-system/apps',
    ]);
    a.addDependsOn(Kustomization.fromName(a, 'dep', { name: 'namespaces', namespace: 'flux-system' }));
    expect(problems(app)).toEqual([]);
  });

  test('a remote Kustomization applies to the cluster named by its kubeconfig Secret: declarations are per cluster', () => {
    const { app, repo, entry, ks } = setup(false);
    const infra = repo.folder('infrastructure/dev', { cluster: 'dev', namespace: 'flux-system' });
    raw(infra, 'hr', 'helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'podinfo', { metadata: { name: 'podinfo', namespace: 'flux-system' } });
    addProvidedSecret(entry);
    ks('dev', infra, { kubeConfig: { secret: 'dev-kubeconfig', key: 'value' } });
    // Flux's kinds are implicit only where a Kustomization runs, not on the remote cluster.
    expect(problems(app)).toEqual([
      'mgmt/infrastructure--dev/hr: HelmRelease flux-system/podinfo in Kustomization flux-system/dev: its kind HelmRelease (helm.toolkit.fluxcd.io) is not built in, not defined by a CRD in the build, ' +
        'not established by any Kustomization applied to cluster "dev", and not declared pre-installed there; add what installs it, or declare it with declarePreinstalled(folder, Preinstalled.<preset> | Preinstalled.of(...))',
    ]);
    declarePreinstalled(entry, Preinstalled.FLUX); // the management cluster: not "dev"
    expect(problems(app)).toHaveLength(1);
    declarePreinstalled(infra, Preinstalled.FLUX);
    expect(problems(app)).toEqual([]);
  });

  test('a Kustomization object with a remote component: kustomize-controller refuses it, at synth (L1, raw) and in validate', async () => {
    const { app, repo, entry } = setup();
    repo.addUserOwnedPath('apps');
    const spec = { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'mgmt' }, components: ['../components/ok', 'https://github.com/contoso/components//monitoring'] };
    raw(entry, 'raw-ks', 'kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'apps', { spec });
    const line = (where: string) =>
      `${where}: Kustomization flux-system/apps: spec.components[1] "https://github.com/contoso/components//monitoring": kustomize-controller refuses a component that is not a local path relative to spec.path ` +
      '("component path must be local and relative"), so the Kustomization applies nothing; vendor it into the repo and name its directory';
    expect(problems(app)).toEqual([line('mgmt/clusters--mgmt/raw-ks')]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-comp-'));
    fs.writeFileSync(path.join(dir, 'ks.yaml'), `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec: ${JSON.stringify(spec)}\n`);
    const io = { cwd: dir, stdout: jest.fn(), stderr: jest.fn() } as any;
    expect(await runValidate(['.'], {}, io)).toBe(1);
    expect(io.stdout.mock.calls.map((c: string[]) => c[0])).toEqual([`${line('ks.yaml#0')}\n`, expect.stringMatching(/^validate: 1 document in 1 file: 1 issue/)]);
  });

  test('a CRD in the same build is fine (Flux applies CRDs first)', () => {
    const { app, repo, ks } = setup(false);
    const f = repo.folder('crd');
    raw(f, 'crd', 'apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.contoso.com', { spec: { group: 'contoso.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Cluster', versions: [] } });
    raw(f, 'w', 'contoso.com/v1', 'Widget', 'w1');
    ks('crd', f);
    expect(problems(app)).toEqual([]);
  });
});

describe('CrossplaneAzureRuntime stages', () => {
  test('packages -> provider-configs, each waiting, the second depending on the first', () => {
    const { app, repo, entry, source } = setup();
    declarePreinstalled(entry, Preinstalled.CROSSPLANE);
    const rt = new CrossplaneAzureRuntime(repo.folder('crossplane/system'), 'runtime', {
      services: ['storage'], clientId: ID, tenantId: ID, subscriptionId: ID, activationPolicyName: 'p', flux: { source, folder: entry },
    });
    rt.activation.activate('accounts.storage.azure.m.upbound.io');
    const placed = app.placedObjects();
    const folderOf = (kind: string) => [...new Set(placed.filter((p) => p.obj.kind === kind).map((p) => p.folder.path))];
    expect(folderOf('Provider')).toEqual(['crossplane/system/packages']);
    expect(folderOf('Function')).toEqual(['crossplane/system/packages']);
    expect(folderOf('DeploymentRuntimeConfig')).toEqual(['crossplane/system/packages']);
    expect(folderOf('ClusterProviderConfig')).toEqual(['crossplane/system/provider-configs']);
    const ks = placed.filter((p) => p.obj.kind === 'Kustomization').map((p) => p.obj as any);
    expect(ks.map((k) => [k.metadata.name, k.spec.path, k.spec.wait, k.spec.dependsOn])).toEqual([
      ['crossplane-packages', './crossplane/system/packages', true, undefined],
      ['crossplane-provider-configs', './crossplane/system/provider-configs', true, [{ name: 'crossplane-packages' }]],
    ]);
    expect(ks[0].spec.healthCheckExprs.map((h: any) => h.kind)).toEqual(['Provider', 'Function', 'Configuration', 'CompositeResourceDefinition', 'CompositeResourceDefinition']);
    expect(rt.lastStage).toBe(rt.kustomizations!.providerConfigs);
  });
});

describe('bundled examples and validate', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-examples-'));
  beforeAll(() => {
    buildExamples(out).synth();
    // The repos as flux bootstrap leaves them: the Flux install their flux-system folders list
    // (validate checks that every file a kustomization file names is in the tree).
    writeFluxInstalls(out);
  });

  test('the examples have no apply-order problem (synth passed) and validate agrees', async () => {
    const io = { cwd: out, stdout: jest.fn(), stderr: jest.fn() } as any;
    // CAPZ's ASO serves the RoleAssignments of kubeconfigAccess only with ADDITIONAL_ASO_CRDS (capzWith in the app).
    const pre = ['crossplane', 'kro', 'sealed-secrets', 'capi-cluster-topology', 'capz', 'authorization.azure.com/RoleAssignment'];
    for (const dir of ['crossplane-aks', 'reference-app-crossplane', 'reference-app-kro', 'platform-gitops', 'platform']) {
      io.stdout.mockClear();
      const code = await runValidate([dir], { preinstalled: pre, allowUnvalidated: ['cert-manager.io/ClusterIssuer'] }, io);
      expect([dir, code, io.stdout.mock.calls.map((c: string[]) => c[0]).join('')]).toEqual([dir, 0, expect.stringContaining(': no issues')]);
    }
  });

  test('validate of two management repos at once: each Kustomization builds its own tree\'s folder', async () => {
    // Both trees have clusters/mgmt/{sources,classes,fleet} and Kustomizations flux-system/mgmt-*
    // whose source URL validate does not know: the build was dropped as ambiguous (151 issues).
    const io = { cwd: out, stdout: jest.fn(), stderr: jest.fn() } as any;
    const pre = ['capi-cluster-topology', 'capz', 'authorization.azure.com/RoleAssignment', 'source-watcher'];
    for (const dir of ['platform', 'fleet-table']) expect(fs.existsSync(path.join(out, dir, 'clusters/mgmt/sources'))).toBe(true);
    const code = await runValidate(['platform', 'fleet-table'], { preinstalled: pre }, io);
    const text = io.stdout.mock.calls.map((c: string[]) => c[0]).join('');
    expect([code, text]).toEqual([0, expect.stringMatching(/^validate: \d+ documents in \d+ files: no issues \(/m)]);
  });

  test('validate on a tree reports the same problem as synth', async () => {
    const { dir, write } = treeDir('ao-tree-');
    write('clusters/mgmt/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - sync.yaml\n');
    write('clusters/mgmt/sync.yaml', [
      gitYaml('mgmt', 'https://example.com/mgmt'),
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: crossplane\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./crossplane/system\n  prune: true\n  wait: true\n  sourceRef:\n    kind: GitRepository\n    name: mgmt\n',
    ].join('---\n'));
    write('crossplane/system/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\n  - config.yaml\n');
    write('crossplane/base/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - provider.yaml\n');
    write('crossplane/base/provider.yaml', 'apiVersion: pkg.crossplane.io/v1\nkind: Provider\nmetadata:\n  name: provider-family-azure\nspec:\n  package: xpkg.crossplane.io/crossplane-contrib/provider-family-azure:v2.7.0\n');
    write('crossplane/system/config.yaml', `apiVersion: azure.m.upbound.io/v1beta1\nkind: ClusterProviderConfig\nmetadata:\n  name: default\nspec:\n  clientID: ${ID}\n  credentials:\n    source: OIDCTokenFile\n  subscriptionID: ${ID}\n  tenantID: ${ID}\n`);
    const io = { cwd: dir, stdout: jest.fn(), stderr: jest.fn() } as any;
    expect(await runValidate(['.'], { preinstalled: ['crossplane'] }, io)).toBe(1);
    const text = io.stdout.mock.calls.map((c: string[]) => c[0]).join('');
    expect(text).toContain(
      'crossplane/system/config.yaml#0: ClusterProviderConfig default in Kustomization flux-system/crossplane would never apply: its kind ClusterProviderConfig (azure.m.upbound.io) ' +
        'is established by Provider provider-family-azure in the same build, and Flux dry-runs the whole build before applying any of it; ' +
        'move Provider provider-family-azure to another Kustomization that Kustomization flux-system/crossplane dependsOn, with wait: true\n',
    );
    expect(text).toContain(': 1 issue (');
    // The same with the files (kustomization.yaml included) read on a worker thread, and with the
    // directory spelled differently: file names are the argument joined with the path inside it.
    const run = async (arg: string, threads: string) => {
      const prev = process.env.CDK8S_PLATFORM_THREADS;
      process.env.CDK8S_PLATFORM_THREADS = threads;
      try {
        io.stdout.mockClear();
        const code = await runValidate([arg], { preinstalled: ['crossplane'] }, io);
        return [code, io.stdout.mock.calls.map((c: string[]) => c[0]).join('')];
      } finally {
        if (prev === undefined) delete process.env.CDK8S_PLATFORM_THREADS;
        else process.env.CDK8S_PLATFORM_THREADS = prev;
      }
    };
    expect(await run('.', '1')).toEqual([1, text]);
    expect(await run('./', '0')).toEqual([1, text]);
    expect(await run(`../${path.basename(dir)}/`, '1')).toEqual([1, text.split('crossplane/system/config.yaml#0').join(`../${path.basename(dir)}/crossplane/system/config.yaml#0`)]);
  });
});

describe('Namespaces created by HelmReleases, and a parent Kustomization', () => {
  const release = (folder: Folder) => {
    const charts = new HelmRepository(folder, 'charts', { name: 'charts', url: 'https://charts.example.com' });
    new HelmRelease(folder, 'tools', { name: 'tools', chart: { repository: charts, chart: 'tools', version: '1.0.0' }, targetNamespace: 'tools', createNamespace: true });
  };
  const configMap = (folder: Folder) => raw(folder, 'cm', 'v1', 'ConfigMap', 'settings', { metadata: { name: 'settings', namespace: 'tools' }, data: { a: 'b' } });

  test('same build: an object in the Namespace a HelmRelease creates would never apply', () => {
    const { app, repo, ks } = setup();
    const infra = repo.folder('infra', { namespace: 'flux-system' });
    release(infra);
    configMap(infra);
    ks('infra', infra, { wait: true });
    expect(problems(app)).toEqual([
      'mgmt/infra/cm: ConfigMap tools/settings in Kustomization flux-system/infra would never apply: its Namespace "tools" is created by HelmRelease flux-system/tools (install.createNamespace) in the same build, ' +
        'and Flux dry-runs the whole build before applying any of it; move HelmRelease flux-system/tools to another Kustomization that Kustomization flux-system/infra dependsOn, with wait: true, or add the Namespace to the build',
    ]);
  });

  test('in a dependency: it must wait for the release', () => {
    const build = (wait: boolean) => {
      const { app, repo, ks } = setup();
      const controllers = repo.folder('controllers', { namespace: 'flux-system' });
      release(controllers);
      const configs = repo.folder('configs');
      configMap(configs);
      const c = ks('controllers', controllers, { wait });
      ks('configs', configs, { dependsOn: [c] });
      return app;
    };
    expect(problems(build(false))).toEqual([
      'mgmt/configs/cm: ConfigMap tools/settings in Kustomization flux-system/configs: its Namespace "tools" is created by HelmRelease flux-system/tools in Kustomization flux-system/controllers, which does not wait for it; ' +
        'set wait: true on Kustomization flux-system/controllers or health-check HelmRelease flux-system/tools',
    ]);
    expect(problems(build(true))).toEqual([]);
  });

  test("a parent Kustomization's Namespaces precede the Kustomizations it applies (no dependsOn needed)", () => {
    const { app, repo, ks } = setup();
    const parent = repo.folder('parent', { namespace: 'flux-system' });
    raw(parent, 'ns', 'v1', 'Namespace', 'tools');
    const child = repo.folder('child');
    configMap(child);
    ks('parent', parent);
    Kustomization.forFolder(parent, 'child', child, { name: 'child', source: GitRepository.fromName(parent, 'src', { name: 'mgmt', namespace: 'flux-system' }), prune: true });
    expect(problems(app)).toEqual([]);
  });
});

describe('validate: kro instance kinds come from the RGDs of the tree', () => {
  test('an instance is validated against its RGD SimpleSchema; the ConfigMap kro creates for it counts as present', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-kro-'));
    fs.writeFileSync(path.join(dir, 'rgd.yaml'), [
      'apiVersion: kro.run/v1alpha1', 'kind: ResourceGraphDefinition', 'metadata:', '  name: apps.example.com', 'spec:', '  schema:',
      '    apiVersion: v1alpha1', '    kind: App', '    group: example.com', '    spec:', '      size: integer | required=true minimum=1',
      '  resources:', '    - id: config', '      template:', '        apiVersion: v1', '        kind: ConfigMap', '        metadata:',
      '          name: ${schema.metadata.name}-exports', '        data:', '          SIZE: ${string(schema.spec.size)}', '',
    ].join('\n'));
    const instance = (size: string) => ['apiVersion: example.com/v1alpha1', 'kind: App', 'metadata:', '  name: shop', '  namespace: apps', 'spec:', `  size: ${size}`, ''].join('\n');
    fs.writeFileSync(path.join(dir, 'app.yaml'), instance('2'));
    fs.writeFileSync(path.join(dir, 'web.yaml'), [
      'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: web', '  namespace: apps', 'spec:', '  containers:', '    - name: web', '      image: nginx:1.27',
      '      envFrom:', '        - configMapRef:', '            name: shop-exports', '',
    ].join('\n'));
    const io = { cwd: dir, stdout: jest.fn(), stderr: jest.fn() } as any;
    expect(await runValidate(['.'], {}, io)).toBe(0);
    expect(io.stdout.mock.calls.map((c: string[]) => c[0]).join('')).toContain('by registered schema: 1');
    fs.writeFileSync(path.join(dir, 'app.yaml'), instance('0'));
    io.stdout.mockClear();
    expect(await runValidate(['.'], {}, io)).toBe(1);
    expect(io.stdout.mock.calls.map((c: string[]) => c[0]).join('')).toContain('App/apps/shop: spec.size: must be >= 1');
  });
});

test('a build without kustomization.yaml holds the files below its path only (folder boundary), in tree order', () => {
  const o = (file: string, obj: Record<string, unknown>) => ({ file, obj: obj as never, where: file });
  const hr = (name: string) => ({
    apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name, namespace: 'flux-system', annotations: { [INSTALLS_CRDS_ANNOTATION]: 'example.com/Widget' } }, spec: {},
  });
  const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'flux-system' } };
  const k = (name: string, p: string) => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, namespace: 'flux-system' },
    spec: { path: p, sourceRef: { kind: 'GitRepository', name: 'mgmt' } },
  });
  const input = {
    repos: [{
      name: 'mgmt', urls: ['https://example.com/mgmt'], kustomizations: new Map<string, string[]>(),
      objects: [
        o('flux/source.yaml', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'mgmt', namespace: 'flux-system' }, spec: { url: 'https://example.com/mgmt' } }),
        o('flux/apps.yaml', k('apps', './apps')),
        o('flux/apps2.yaml', k('apps2', './apps2/')),
        // apps2/ (a prefix of it as a string, not as a folder) has the establishers; apps/ holds a
        // Widget and, in tree order z before a, two releases installing its CRD.
        o('apps2/crd-release.yaml', hr('other')),
        o('apps/w.yaml', widget),
        o('apps/z/release.yaml', hr('zeta')),
        o('apps/a/release.yaml', hr('alpha')),
        o('apps2/w.yaml', { ...widget, metadata: { ...widget.metadata, name: 'w2' } }),
      ],
    }],
  };
  expect(applyOrderProblems(input).map((p) => `${p.where}: ${p.message}`)).toEqual([
    'apps/w.yaml: Widget flux-system/w in Kustomization flux-system/apps would never apply: its kind Widget (example.com) is established by HelmRelease flux-system/zeta in the same build, ' +
      'and Flux dry-runs the whole build before applying any of it; move HelmRelease flux-system/zeta to another Kustomization that Kustomization flux-system/apps dependsOn, with wait: true',
    'apps2/w.yaml: Widget flux-system/w2 in Kustomization flux-system/apps2 would never apply: its kind Widget (example.com) is established by HelmRelease flux-system/other in the same build, ' +
      'and Flux dry-runs the whole build before applying any of it; move HelmRelease flux-system/other to another Kustomization that Kustomization flux-system/apps2 dependsOn, with wait: true',
  ]);
});

test('a kind established by other builds: the first establisher on the cluster is named, a waiting dependency is enough, other clusters do not count', () => {
  const o = (file: string, obj: Record<string, unknown>) => ({ file, obj: obj as never, where: file });
  const hr = (name: string) => ({
    apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name, namespace: 'flux-system', annotations: { [INSTALLS_CRDS_ANNOTATION]: 'example.com/Widget' } }, spec: {},
  });
  const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'flux-system' } };
  const k = (name: string, spec: Record<string, unknown> = {}) => o(`flux/${name}.yaml`, {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, namespace: 'flux-system' },
    spec: { path: `./${name}`, sourceRef: { kind: 'GitRepository', name: 'mgmt' }, ...spec },
  });
  const dev = { kubeConfig: { secretRef: { name: 'dev-kubeconfig' } } };
  const input = {
    repos: [{
      name: 'mgmt', urls: ['https://example.com/mgmt'], kustomizations: new Map<string, string[]>(),
      objects: [
        o('flux/source.yaml', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'mgmt', namespace: 'flux-system' }, spec: { url: 'https://example.com/mgmt' } }),
        k('est-1'), k('est-2', { wait: true }), k('est-dev', { ...dev, wait: true }),
        k('none'), k('dep-1', { dependsOn: [{ name: 'est-1' }] }), k('dep-2', { dependsOn: [{ name: 'est-2' }] }), k('dep-both', { dependsOn: [{ name: 'est-1' }, { name: 'est-2' }] }),
        k('dev-none', dev), k('dev-dep', { ...dev, dependsOn: [{ name: 'est-dev' }] }), k('dev-dep-mgmt', { ...dev, dependsOn: [{ name: 'est-2' }] }),
        o('est-1/release.yaml', hr('one')), o('est-2/release.yaml', hr('two')),
        // No helm-controller on the remote cluster: the CRD itself.
        o('est-dev/crd.yaml', { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [] } }),
        ...['none', 'dep-1', 'dep-2', 'dep-both', 'dev-none', 'dev-dep', 'dev-dep-mgmt'].map((n) => o(`${n}/w.yaml`, { ...widget, metadata: { ...widget.metadata, name: n } })),
      ],
    }],
  };
  const what = (n: string) => `${n}/w.yaml: Widget flux-system/${n} in Kustomization flux-system/${n} needs Widget (example.com), established by`;
  const crd = 'CustomResourceDefinition widgets.example.com in Kustomization flux-system/est-dev';
  expect(applyOrderProblems(input).map((p) => `${p.where}: ${p.message}`)).toEqual([
    `${what('dep-1')} HelmRelease flux-system/one in Kustomization flux-system/est-1, which does not wait for it; set wait: true on Kustomization flux-system/est-1 or health-check HelmRelease flux-system/one`,
    `${what('dev-dep-mgmt')} ${crd}, but Kustomization flux-system/dev-dep-mgmt does not depend on it; add Kustomization flux-system/est-dev to the dependsOn of Kustomization flux-system/dev-dep-mgmt`,
    `${what('dev-none')} ${crd}, but Kustomization flux-system/dev-none does not depend on it; add Kustomization flux-system/est-dev to the dependsOn of Kustomization flux-system/dev-none`,
    `${what('none')} HelmRelease flux-system/one in Kustomization flux-system/est-1, but Kustomization flux-system/none does not depend on it; add Kustomization flux-system/est-1 to the dependsOn of Kustomization flux-system/none and set wait: true on Kustomization flux-system/est-1`,
  ]);
});

describe('Preinstalled.CAPZ: the ASO kinds CAPZ starts its ASO with', () => {
  const roleAssignment = (folder: Folder, name = 'ra') =>
    new ApiObject(folder, name, { apiVersion: 'authorization.azure.com/v1api20220401', kind: 'RoleAssignment', metadata: { name, namespace: 'fleet' }, spec: { owner: { name: 'rg' }, principalId: ID, roleDefinitionReference: { armId: `/subscriptions/${ID}/providers/Microsoft.Authorization/roleDefinitions/${ID}` } } });

  test('an ASO kind outside its --crd-pattern needs ADDITIONAL_ASO_CRDS (capzWith); one line per kind and cluster', () => {
    const { app, repo, entry, ks } = setup(false);
    const folder = repo.folder('clusters/mgmt/access', { namespace: 'fleet' });
    roleAssignment(folder);
    roleAssignment(folder, 'ra2');
    roleAssignment(folder, 'ra3');
    new ApiObject(folder, 'rg', { apiVersion: 'resources.azure.com/v1api20200601', kind: 'ResourceGroup', metadata: { name: 'rg', namespace: 'fleet' }, spec: { location: 'westeurope' } });
    ks('access', folder);
    declarePreinstalled(entry, Preinstalled.CAPZ, Preinstalled.of('fleet', [], ['fleet']));
    expect(problems(app)).toEqual([
      'mgmt/clusters--mgmt--access/ra: RoleAssignment fleet/ra in Kustomization flux-system/access: its kind RoleAssignment (authorization.azure.com) is not built in, not defined by a CRD in the build, ' +
        'not established by any Kustomization applied to the repo\'s cluster, and not among the ASO kinds CAPZ\'s bundled ASO serves; ' +
        'install CAPZ with ADDITIONAL_ASO_CRDS=authorization.azure.com/RoleAssignment and declare Preinstalled.capzWith([\'authorization.azure.com/RoleAssignment\']) (validate: --preinstalled authorization.azure.com/RoleAssignment) ' +
        '(so do 2 more objects of this kind on that cluster)',
    ]);
    const fixed = setup(false);
    const f2 = fixed.repo.folder('clusters/mgmt/access', { namespace: 'fleet' });
    roleAssignment(f2);
    fixed.ks('access', f2);
    declarePreinstalled(fixed.entry, Preinstalled.capzWith(['authorization.azure.com/RoleAssignment']), Preinstalled.of('fleet', [], ['fleet']));
    expect(problems(fixed.app)).toEqual([]);
  });

  test('capzWith takes ADDITIONAL_ASO_CRDS entries', () => {
    expect(Preinstalled.capzWith(['dbforpostgresql.azure.com/*', 'authorization.azure.com/RoleAssignment']).kinds).toEqual([...Preinstalled.CAPZ.kinds, 'dbforpostgresql.azure.com', 'authorization.azure.com/RoleAssignment']);
    expect(Preinstalled.CAPZ.kinds).not.toContain('*.azure.com');
    expect(() => Preinstalled.capzWith(['cert-manager.io/Certificate'])).toThrow(
      'Preinstalled.capzWith: "cert-manager.io/Certificate" must be an ASO kind as ADDITIONAL_ASO_CRDS lists it, "<group>.azure.com/<Kind>" or "<group>.azure.com/*"',
    );
  });
});

describe("Preinstalled.asoWith: ASO installs only the CRDs its crdPattern names (none by default)", () => {
  test('kinds outside the pattern are one line per kind and cluster naming the pattern; globs match as ASO matches them (case-insensitive, * and ?)', () => {
    const build = (pattern: string) => {
      const { app, repo, entry, ks } = setup(false);
      const data = repo.folder('data', { namespace: 'data' });
      raw(data, 'ns', 'v1', 'Namespace', 'data');
      raw(data, 'rg', 'resources.azure.com/v1api20200601', 'ResourceGroup', 'rg');
      raw(data, 'pg', 'dbforpostgresql.azure.com/v1api20250801', 'FlexibleServer', 'pg');
      raw(data, 'db', 'dbforpostgresql.azure.com/v1api20250801', 'FlexibleServersDatabase', 'db');
      ks('data', data);
      declarePreinstalled(entry, Preinstalled.asoWith(pattern));
      return problems(app);
    };
    expect(build('resources.azure.com/*')).toEqual([
      'mgmt/data/db: FlexibleServersDatabase data/db in Kustomization flux-system/data: its kind FlexibleServersDatabase (dbforpostgresql.azure.com) is not built in, not defined by a CRD in the build, ' +
        "not established by any Kustomization applied to the repo's cluster, and not in the crdPattern ASO is declared with (\"resources.azure.com/*\": ASO installs only the CRDs it names); " +
        'add dbforpostgresql.azure.com/FlexibleServersDatabase (or dbforpostgresql.azure.com/*) to ASO\'s crdPattern and to Preinstalled.asoWith(...)',
      'mgmt/data/pg: FlexibleServer data/pg in Kustomization flux-system/data: its kind FlexibleServer (dbforpostgresql.azure.com) is not built in, not defined by a CRD in the build, ' +
        "not established by any Kustomization applied to the repo's cluster, and not in the crdPattern ASO is declared with (\"resources.azure.com/*\": ASO installs only the CRDs it names); " +
        'add dbforpostgresql.azure.com/FlexibleServer (or dbforpostgresql.azure.com/*) to ASO\'s crdPattern and to Preinstalled.asoWith(...)',
    ]);
    expect(build('resources.azure.com/*;dbforpostgresql.azure.com/*')).toEqual([]);
    expect(build('RESOURCES.azure.com/resourcegroup;dbforpostgresql.azure.com/FlexibleServer*')).toEqual([]);
    expect(build('*')).toEqual([]);
    // Only ASO's own kinds: a crdPattern selects among ASO's CRDs.
    expect(Preinstalled.asoWith('*/*').kinds.some((p) => matchesKind(p, 'cert-manager.io', 'Certificate'))).toBe(false);
    expect(() => Preinstalled.asoWith('resources.azure.com/*; dbforpostgresql.azure.com/*')).toThrow(
      'Preinstalled.asoWith: " dbforpostgresql.azure.com/*": ASO does not trim crdPattern entries, so this one matches no CRD; remove the spaces',
    );
    expect(build('resources.azure.com/*;dbforpostgresql.azure.com/FlexibleServe?')).toHaveLength(1);
    expect(() => Preinstalled.asoWith('')).toThrow('Preinstalled.asoWith: the crdPattern names no kind (ASO then installs no CRD); name the kinds the app uses, e.g. "resources.azure.com/*"');
    expect(() => Preinstalled.asoWith('resources.azure.com')).toThrow('Preinstalled.asoWith: "resources.azure.com" must be a crdPattern entry as ASO takes it, "<group>/<Kind>" with * and ? globs (e.g. "resources.azure.com/*")');
  });

  test("other group/Kind patterns stay exact: a kind in the wrong case is established by nothing (the API server matches kinds case-sensitively)", () => {
    expect(matchesKind('example.com/Widget', 'example.com', 'widget')).toBe(false);
    expect(matchesKind('example.com/Widget', 'example.com', 'Widget')).toBe(true);
    expect(Preinstalled.CAPZ.kinds.some((p) => matchesKind(p, 'containerservice.azure.com', 'managedcluster'))).toBe(false);
  });

  test('validate: --preinstalled aso:<crdPattern>', async () => {
    const { dir, write } = treeDir('ao-aso-');
    write('clusters/mgmt/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - sync.yaml\n');
    write('clusters/mgmt/sync.yaml', [
      gitYaml('mgmt', 'https://example.com/mgmt'),
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: data\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./data\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: mgmt\n',
    ].join('---\n'));
    write('data/rg.yaml', 'apiVersion: resources.azure.com/v1api20200601\nkind: ResourceGroup\nmetadata:\n  name: rg\n  namespace: default\nspec:\n  location: westeurope\n');
    const io = { cwd: dir, stdout: jest.fn(), stderr: jest.fn() } as any;
    const lines = async (preinstalled: string[]) => {
      io.stdout.mockClear();
      const code = await runValidate(['.'], { preinstalled }, io);
      return [code, io.stdout.mock.calls.map((c: string[]) => c[0]).join('').includes('not in the crdPattern ASO is declared with ("keyvault.azure.com/*"')];
    };
    expect(await lines(['aso:keyvault.azure.com/*'])).toEqual([1, true]);
    expect(await lines(['aso:keyvault.azure.com/*;resources.azure.com/*'])).toEqual([0, false]);
  });
});

describe('what a build renames: overlay namespace and affixes, the spec\'s targetNamespace (as kustomize builds it)', () => {
  test("an overlay's namespace is where its base's objects are applied: its Namespace must exist", () => {
    const build = (withNamespace: boolean) => {
      const { app, repo, ks } = setup();
      const base = repo.folder('apps/base');
      raw(base, 'cm', 'v1', 'ConfigMap', 'settings', { data: { a: 'b' } });
      // kustomize gives a Namespace of the build the overlay's namespace as its name (`kubectl kustomize`).
      if (withNamespace) raw(base, 'ns', 'v1', 'Namespace', 'apps');
      const overlay = repo.overlay('apps/team-a', { base, namespace: 'team-a' });
      ks('team-a', overlay);
      return app;
    };
    expect(problems(build(false))).toEqual([
      'mgmt/apps--base/cm: ConfigMap team-a/settings in Kustomization flux-system/team-a: its Namespace "team-a" is not applied by this or any Kustomization it depends on, ' +
        "and not declared pre-installed on the repo's cluster; add the Namespace to the build, or declare it with declarePreinstalled(folder, Preinstalled.of(...))",
    ]);
    expect(problems(build(true))).toEqual([]);
  });

  test("an overlay's KustomizeComponents are built with it: their objects count (a Namespace the base's objects need)", () => {
    const { app, repo, ks } = setup();
    const base = repo.folder('apps/base');
    raw(base, 'cm', 'v1', 'ConfigMap', 'settings', { metadata: { name: 'settings', namespace: 'team-c' }, data: { a: 'b' } });
    const component = repo.component('apps/components/team-c');
    raw(component, 'ns', 'v1', 'Namespace', 'team-c');
    ks('prod', repo.overlay('apps/prod', { base, components: [component] }));
    // Before, the model left the component out of the build and asked for Namespace team-c.
    expect(problems(app)).toEqual([]);
  });

  test("the spec's targetNamespace renames the build's Namespace too (no false problem)", () => {
    const { app, repo, ks } = setup();
    const apps = repo.folder('apps');
    raw(apps, 'ns', 'v1', 'Namespace', 'apps');
    raw(apps, 'cm', 'v1', 'ConfigMap', 'settings', { metadata: { name: 'settings', namespace: 'apps' }, data: { a: 'b' } });
    ks('apps', apps, { targetNamespace: 'team-b' });
    // Applied as Namespace team-b and ConfigMap team-b/settings: before, the model looked for a Namespace "team-b" it did not see.
    expect(problems(app)).toEqual([]);
  });

  test('validate: a Kustomization an overlay renames depends and is depended on by its new name', async () => {
    const { dir, write } = treeDir('ao-rename-');
    const ks = (name: string, p: string, extra = '') => ksYaml(name, p, 'mgmt', extra);
    write('clusters/mgmt/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - sync.yaml\n  - ../../stages/prod\n');
    // flux bootstrap's sync: the GitRepository and the Kustomization applying clusters/mgmt.
    write('clusters/mgmt/sync.yaml', [
      gitYaml('mgmt', 'https://example.com/mgmt'),
      ks('flux-system', './clusters/mgmt'),
    ].join('---\n'));
    // The stages: namespaces, then apps (dependsOn: namespaces); the prod overlay prefixes both.
    write('stages/base/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - stages.yaml\n');
    write('stages/base/stages.yaml', [ks('namespaces', './namespaces'), ks('apps', './apps', '  dependsOn:\n    - name: namespaces\n')].join('---\n'));
    write('stages/prod/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefix: prod-\nresources:\n  - ../base\n');
    write('namespaces/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n');
    write('apps/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: team\ndata:\n  a: b\n');
    const io = { cwd: dir, stdout: jest.fn(), stderr: jest.fn() } as any;
    const run = async () => {
      io.stdout.mockClear();
      const code = await runValidate(['.'], {}, io);
      return { code, text: io.stdout.mock.calls.map((c: string[]) => c[0]).join('') };
    };
    // Applied as prod-apps and prod-namespaces: prod-apps depends on "namespaces", which no Kustomization is.
    let out = await run();
    expect(out.code).toBe(1);
    expect(out.text).toContain(
      'apps/cm.yaml#0: ConfigMap team/settings in Kustomization flux-system/prod-apps: its Namespace "team" is applied by Kustomization flux-system/prod-namespaces, ' +
        'but Kustomization flux-system/prod-apps does not depend on it; add Kustomization flux-system/prod-namespaces to the dependsOn of Kustomization flux-system/prod-apps\n',
    );
    write('stages/base/stages.yaml', [ks('namespaces', './namespaces'), ks('apps', './apps', '  dependsOn:\n    - name: prod-namespaces\n')].join('---\n'));
    out = await run();
    expect(out.text).not.toContain('Namespace "team"');
    expect(out.code).toBe(0);
  });
});

describe("Cluster API's ClusterTopology feature gate (off by default: its webhooks refuse ClusterClasses and topology Clusters)", () => {
  const build = (...sets: Parameters<typeof declarePreinstalled>[1][]) => {
    const { app, repo, entry, ks } = setup(false);
    const fleet = repo.folder('fleet', { namespace: 'fleet' });
    raw(fleet, 'class', 'cluster.x-k8s.io/v1beta2', 'ClusterClass', 'aks', { spec: {} });
    raw(fleet, 'c1', 'cluster.x-k8s.io/v1beta2', 'Cluster', 'c1', { spec: { topology: { classRef: { name: 'aks' }, version: 'v1.33.2' } } });
    raw(fleet, 'c2', 'cluster.x-k8s.io/v1beta2', 'Cluster', 'c2', { spec: { topology: { classRef: { name: 'aks' }, version: 'v1.33.2' } } });
    // Without a topology: the gate does not matter.
    raw(fleet, 'plain', 'cluster.x-k8s.io/v1beta2', 'Cluster', 'plain', { spec: { paused: true } });
    raw(fleet, 'ns', 'v1', 'Namespace', 'fleet');
    ks('fleet', fleet);
    declarePreinstalled(entry, ...sets);
    return app;
  };

  test('declared with its defaults (Preinstalled.CAPI): one line per cluster; with the gate on (CAPI_CLUSTER_TOPOLOGY): none', () => {
    expect(problems(build(Preinstalled.CAPI))).toEqual([
      "mgmt/fleet/c1: Cluster fleet/c1 in Kustomization flux-system/fleet would never apply: Cluster API's webhooks refuse a Cluster with a spec.topology unless its ClusterTopology feature gate is on, " +
        "and the repo's cluster declares Cluster API with its defaults (Preinstalled.CAPI: the gate is off), so Flux's dry-run of the whole build fails; install Cluster API with CLUSTER_TOPOLOGY=true (clusterctl init) " +
        'and declare Preinstalled.CAPI_CLUSTER_TOPOLOGY instead of Preinstalled.CAPI (validate: --preinstalled capi-cluster-topology) (so do 2 more objects on that cluster)',
    ]);
    expect(problems(build(Preinstalled.CAPI_CLUSTER_TOPOLOGY))).toEqual([]);
    // Declared both ways (the gate on is what the cluster has): none.
    expect(problems(build(Preinstalled.CAPI, Preinstalled.CAPI_CLUSTER_TOPOLOGY))).toEqual([]);
    // A custom set serving the group says nothing of the gate: not checked.
    expect(problems(build(Preinstalled.of('capi-operator', ['cluster.x-k8s.io'])))).toEqual([]);
  });

  test('validate: --preinstalled capi refuses them, capi-cluster-topology takes them', async () => {
    const app = build(Preinstalled.CAPI_CLUSTER_TOPOLOGY);
    app.synth();
    const io = { cwd: app.outdir, stdout: jest.fn(), stderr: jest.fn() } as any;
    // (The bare raw objects are not schema-valid: only the apply-order lines are looked at.)
    const lines = async (preinstalled: string[]) => {
      io.stdout.mockClear();
      await runValidate(['mgmt'], { preinstalled }, io);
      return io.stdout.mock.calls.map((c: string[]) => c[0]).join('').split('\n').filter((l: string) => l.includes("Cluster API's webhooks"));
    };
    expect(await lines(['capi'])).toEqual([
      "mgmt/fleet/cluster-c1.yaml#0: Cluster fleet/c1 in Kustomization flux-system/fleet would never apply: Cluster API's webhooks refuse a Cluster with a spec.topology unless its ClusterTopology feature gate is on, " +
        "and the repo's cluster declares Cluster API with its defaults (Preinstalled.CAPI: the gate is off), so Flux's dry-run of the whole build fails; install Cluster API with CLUSTER_TOPOLOGY=true (clusterctl init) " +
        'and declare Preinstalled.CAPI_CLUSTER_TOPOLOGY instead of Preinstalled.CAPI (validate: --preinstalled capi-cluster-topology) (so do 2 more objects on that cluster)',
    ]);
    expect(await lines(['capi-cluster-topology'])).toEqual([]);
  });
});

test('a Kustomization only a renamed parent build reaches is modelled there only (on the parent\'s remote cluster), not also where its file lies', () => {
  const ks = (name: string, ns: string | undefined, p: string, src: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, ...(ns ? { namespace: ns } : {}) },
    spec: { interval: '10m', path: p, prune: true, sourceRef: { kind: 'GitRepository', name: src }, ...extra },
  });
  const git = (name: string, ns: string) => ({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name, namespace: ns }, spec: { url: 'https://example.com/mgmt' } });
  const objects = [
    { file: 'clusters/mgmt/sync.yaml', where: 'sync#0', obj: git('mgmt', 'flux-system') },
    { file: 'clusters/mgmt/sync.yaml', where: 'sync#1', obj: ks('flux-system', 'flux-system', './clusters/mgmt', 'mgmt') },
    { file: 'clusters/mgmt/ns.yaml', where: 'ns#0', obj: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } } },
    { file: 'clusters/mgmt/git.yaml', where: 'git#0', obj: git('repo', 'team-a') },
    // Written without a namespace (the overlay applies it in team-a, where its source is), applying to cluster w1.
    { file: 'tenants/base/ks.yaml', where: 'base/ks#0', obj: ks('apps', undefined, './apps', 'repo', { kubeConfig: { secretRef: { name: 'w1-kubeconfig' } } }) },
    { file: 'apps/child.yaml', where: 'child#0', obj: ks('child', 'team-a', './child', 'repo') },
    { file: 'child/cm.yaml', where: 'cm#0', obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'only-on-w1' } } },
  ];
  const problems = applyOrderProblems({
    preinstalled: [{ cluster: 'w1', set: Preinstalled.of('w1', ['*.toolkit.fluxcd.io'], ['only-on-w1', 'team-a']) }],
    repos: [{
      name: 'mgmt', urls: ['https://example.com/mgmt'], objects,
      kustomizations: new Map([['clusters/mgmt', ['sync.yaml', 'ns.yaml', 'git.yaml', '../../tenants/team-a']], ['tenants/base', ['ks.yaml']], ['tenants/team-a', ['../base']]]),
      renames: new Map([['tenants/team-a', { namespace: 'team-a' }]]),
    }],
  });
  // Before: child was also modelled on the repo's own cluster, where "only-on-w1" is not declared.
  expect(problems).toEqual([]);
});

describe('kustomize Components rename the build including them (validate)', () => {
  test("a component's namespace is where the build's objects are applied: its Namespace must exist", async () => {
    const { dir, write } = treeDir('ao-component-');
    write('clusters/mgmt/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - sync.yaml\n');
    write('clusters/mgmt/sync.yaml', [
      gitYaml('mgmt', 'https://example.com/mgmt'),
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps/prod\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: mgmt\n',
    ].join('---\n'));
    write('apps/base/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\n');
    write('apps/base/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  a: b\n');
    write('apps/prod/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\ncomponents:\n  - ../../components/team\n');
    write('components/team/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamespace: team-x\n');
    const io = { cwd: dir, stdout: jest.fn(), stderr: jest.fn() } as any;
    expect(await runValidate(['.'], {}, io)).toBe(1);
    // kubectl kustomize apps/prod applies ConfigMap team-x/settings (before, the model checked "default": built in).
    expect(io.stdout.mock.calls.map((c: string[]) => c[0]).join('')).toContain(
      'apps/base/cm.yaml#0: ConfigMap team-x/settings in Kustomization flux-system/apps: its Namespace "team-x" is not applied by this or any Kustomization it depends on, ' +
        "and not declared pre-installed on the repo's cluster; add the Namespace to the build, or declare it with declarePreinstalled(folder, Preinstalled.of(...))\n",
    );
    // The component's own resources are in the build (renamed by it): its Namespace team-x.
    write('components/team/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamespace: team-x\nresources:\n  - ns.yaml\n');
    write('components/team/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-x\n');
    io.stdout.mockClear();
    expect(await runValidate(['.'], {}, io)).toBe(0);
    // The same component named by the Flux Kustomization's spec.components (kustomize-controller
    // appends it to the kustomization file at the path, or to the one it generates there).
    write('apps/prod/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\n');
    write('apps/plain/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  a: b\n');
    for (const p of ['./apps/prod', './apps/plain']) {
      write('clusters/mgmt/sync.yaml', fs.readFileSync(path.join(dir, 'clusters/mgmt/sync.yaml'), 'utf8').replace(/path: \S+\n( {2}components:\n {4}- \S+\n)?/, `path: ${p}\n  components:\n    - ../../components/team\n`));
      io.stdout.mockClear();
      const code = await runValidate(['.'], {}, io);
      expect([p, code, code === 0 ? '' : io.stdout.mock.calls.map((c: string[]) => c[0]).join('')]).toEqual([p, 0, '']);
    }
  });
});

describe('dependsOn cycles (L1 and raw objects, and trees validate reads: the construct refuses them when made)', () => {
  const ks = (name: string, deps: string[]) => ({
    file: `clusters/mgmt/${name}.yaml`,
    where: `clusters/mgmt/${name}.yaml#0`,
    obj: {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, namespace: 'flux-system' },
      spec: { interval: '10m', path: `./${name}`, prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, dependsOn: deps.map((d) => ({ name: d })) },
    },
  });
  const cycles = (objects: ReturnType<typeof ks>[]) =>
    applyOrderProblems({ repos: [{ name: 'mgmt', objects, kustomizations: new Map() }] }).filter((p) => p.message.includes('closes a cycle'));

  test('each disjoint cycle is one line on its first Kustomization; a chain is not a cycle', () => {
    const line = (where: string, path: string) => ({
      where,
      message: `Kustomization ${path.split(' -> ')[0]}: its dependsOn closes a cycle (${path}): kustomize-controller reconciles a Kustomization only once every one it depends on is ready, ` +
        'so none of them ever applies; remove one of these dependsOn',
    });
    expect(cycles([ks('a', ['b']), ks('b', ['c']), ks('c', ['a']), ks('d', ['d']), ks('e', ['a']), ks('f', [])])).toEqual([
      line('clusters/mgmt/a.yaml#0', 'flux-system/a -> flux-system/b -> flux-system/c -> flux-system/a'),
      line('clusters/mgmt/d.yaml#0', 'flux-system/d -> flux-system/d'),
    ]);
    expect(cycles([ks('a', ['b']), ks('b', ['c']), ks('c', [])])).toEqual([]);
    // The same cycle on two clusters (a template copied per cluster): one line.
    const on = (cluster: string, o: ReturnType<typeof ks>) => ({ ...o, file: `clusters/${cluster}/${o.obj.metadata.name}.yaml`, where: `clusters/${cluster}/${o.obj.metadata.name}.yaml#0`, cluster });
    const two = cycles(['c1', 'c2'].flatMap((c) => [on(c, ks('a', ['b'])), on(c, ks('b', ['a']))]));
    expect(two.map((p) => p.where)).toEqual(['clusters/c1/a.yaml#0']);
    // Each found only on the other cluster: "dependency not found" for both, no cycle.
    expect(cycles([on('c1', ks('x', ['y'])), on('c2', ks('y', ['x']))])).toEqual([]);
    expect(two[0].message).toMatch(/\(flux-system\/a -> flux-system\/b -> flux-system\/a\).*remove one of these dependsOn \(so does the same cycle on 1 more cluster\)$/);
  });
});

describe('Kustomization objects a parent build renames (review cases)', () => {
  const ks = (name: string, ns: string | undefined, path: string, src: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, ...(ns ? { namespace: ns } : {}) },
    spec: { interval: '10m', path, prune: true, sourceRef: { kind: 'GitRepository', name: src }, ...extra },
  });
  const git = (name: string, ns: string) => ({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name, namespace: ns }, spec: { url: 'https://example.com/mgmt' } });
  const run = (objects: Array<{ file: string; where: string; obj: any }>, kustomizations: Array<[string, string[]]>, renames: Array<[string, Record<string, string>]>) =>
    applyOrderProblems({ repos: [{ name: 'mgmt', urls: ['https://example.com/mgmt'], objects, kustomizations: new Map(kustomizations), renames: new Map(renames) }] }).map((p) => `${p.where} | ${p.message}`);

  test('a base two overlays prefix is two Kustomizations (a-x and b-x), each depended on by its name', () => {
    const objects: Array<{ file: string; where: string; obj: any }> = [
      { file: 'clusters/mgmt/sync.yaml', where: 'sync#0', obj: git('mgmt', 'flux-system') },
      { file: 'clusters/mgmt/sync.yaml', where: 'sync#1', obj: ks('flux-system', 'flux-system', './clusters/mgmt', 'mgmt') },
      { file: 'clusters/mgmt/y.yaml', where: 'y#0', obj: ks('y', 'flux-system', './apps', 'mgmt', { dependsOn: [{ name: 'b-x' }] }) },
      { file: 'base/ks.yaml', where: 'base/ks#0', obj: ks('x', 'flux-system', './crds', 'mgmt', { wait: true }) },
      { file: 'crds/crd.yaml', where: 'crd#0', obj: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced' } } },
      { file: 'apps/w.yaml', where: 'w#0', obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'flux-system' } } },
    ];
    const kustomizations: Array<[string, string[]]> = [['clusters/mgmt', ['sync.yaml', 'y.yaml', '../../a', '../../b']], ['base', ['ks.yaml']], ['a', ['../base']], ['b', ['../base']]];
    // Both build ./crds: its CRD (a prefix leaves a CRD its name) is applied by both.
    const shared = 'base/ks#0 | Kustomization flux-system/b-x applies CustomResourceDefinition widgets.example.com that Kustomization flux-system/a-x (base/ks#0) also applies to the repo\'s cluster: ' +
      'each is in both inventories, kustomize-controller labels it with whichever applied it last, and that one deletes it when it stops applying it although the other still applies it ' +
      '(and creates it anew on its next run: a stateful object comes back empty); apply each object with one Kustomization: keep it in one build (a shared Namespace in a folder one of them builds), ' +
      'or rename it per build (an overlay\'s namePrefix or namespace)';
    expect(run(objects, kustomizations, [['a', { namePrefix: 'a-' }], ['b', { namePrefix: 'b-' }]])).toEqual([shared]);
    // Depending on the name as written: no Kustomization x is applied.
    objects[2].obj.spec.dependsOn = [{ name: 'x' }];
    expect(run(objects, kustomizations, [['a', { namePrefix: 'a-' }], ['b', { namePrefix: 'b-' }]])).toEqual([
      shared,
      'w#0 | Widget flux-system/w in Kustomization flux-system/y needs Widget (example.com), established by CustomResourceDefinition widgets.example.com in Kustomization flux-system/a-x, ' +
        'but Kustomization flux-system/y does not depend on it; add Kustomization flux-system/a-x to the dependsOn of Kustomization flux-system/y',
    ]);
  });

  test("its source is looked up in the namespace it is applied in; a cluster-scoped object's stray namespace is not a Namespace it needs", () => {
    const objects = [
      { file: 'clusters/mgmt/sync.yaml', where: 'sync#0', obj: git('mgmt', 'flux-system') },
      { file: 'clusters/mgmt/sync.yaml', where: 'sync#1', obj: ks('flux-system', 'flux-system', './clusters/mgmt', 'mgmt') },
      { file: 'clusters/mgmt/ns.yaml', where: 'ns#0', obj: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } } },
      { file: 'clusters/mgmt/git.yaml', where: 'git#0', obj: git('repo', 'team-a') },
      // Written without a namespace: the overlay applies it in team-a, where its source is.
      { file: 'tenants/base/ks.yaml', where: 'base/ks#0', obj: ks('apps', undefined, './apps', 'repo') },
      { file: 'apps/w.yaml', where: 'w#0', obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'team-a' } } },
      // kustomize keeps the stray namespace; the API server drops it.
      { file: 'apps/cr.yaml', where: 'cr#0', obj: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r', namespace: 'nowhere' } } },
    ];
    expect(run(objects, [['clusters/mgmt', ['sync.yaml', 'ns.yaml', 'git.yaml', '../../tenants/team-a']], ['tenants/base', ['ks.yaml']], ['tenants/team-a', ['../base']]], [['tenants/team-a', { namespace: 'team-a' }]])).toEqual([
      "w#0 | Widget team-a/w in Kustomization team-a/apps: its kind Widget (example.com) is not built in, not defined by a CRD in the build, not established by any Kustomization applied to the repo's cluster, " +
        'and not declared pre-installed there; add what installs it, or declare it with declarePreinstalled(folder, Preinstalled.<preset> | Preinstalled.of(...))',
    ]);
  });
});

describe("a Flux Kustomization's path and components must be in the repo its source fetches (kustomize-controller: \"kustomization path not found\")", () => {
  const missing = (where: string, name: string, path: string, p: string) =>
    `${where}: Kustomization flux-system/${name}: spec.path "${path}": repo mgmt that GitRepository flux-system/mgmt fetches has nothing there (the app writes nothing at or below "${p}" and declares no user-owned path there): ` +
    `kustomize-controller fails before building ("kustomization path not found") and applies nothing; fix the path (Kustomization.forFolder takes it from a Folder the app writes), ` +
    `or, for a directory you keep in the repo yourself, declare it with addUserOwnedPath("${p}") on the Repo construct`;

  test('at synth: a path the app writes nothing at (a typo, a folder without files) is a problem, unless declared user-owned', () => {
    const { app, repo, entry, source, ks } = setup();
    const typo = new Kustomization(entry, 'typo', { name: 'typo', source, path: './app', prune: true });
    raw(repo.folder('apps'), 'cm', 'v1', 'ConfigMap', 'settings', { metadata: { name: 'settings', namespace: 'default' } });
    // A folder without a kustomization.yaml and without objects: Git has no such directory.
    ks('empty', repo.folder('apps/empty', { kustomization: false }));
    expect(problems(app)).toEqual([
      missing('mgmt/clusters--mgmt/empty/Resource', 'empty', './apps/empty', 'apps/empty'),
      missing(`${typo.node.path}/Resource`, 'typo', './app', 'app'),
    ]);
    // Paths the user keeps: declared on the repo (any path below one too), or a file a folder lists as user-owned.
    repo.addUserOwnedPath('app');
    repo.folder('apps').addResource('empty/hand-written.yaml', { userOwned: true });
    expect(problems(app)).toEqual([]);
    // A parent directory of what the app writes exists; a path below a user-owned one may.
    new Kustomization(entry, 'parent', { name: 'parent', source, path: './clusters', prune: true });
    new Kustomization(entry, 'below', { name: 'below', source, path: './app/prod', prune: true });
    expect(problems(app)).toEqual([]);
  });

  test('at synth: a path that is a file, and a source fetching a repo the app does not write (not checked)', () => {
    const { app, repo, entry, source } = setup();
    raw(repo.folder('apps'), 'cm', 'v1', 'ConfigMap', 'settings', { metadata: { name: 'settings', namespace: 'default' } });
    const file = new Kustomization(entry, 'file', { name: 'file', source, path: './apps/kustomization.yaml', prune: true });
    expect(problems(app)).toEqual([
      `${file.node.path}/Resource: Kustomization flux-system/file: spec.path "./apps/kustomization.yaml" is a file of repo mgmt, not a directory: kustomize-controller builds a directory ` +
        '(it generates "apps/kustomization.yaml/kustomization.yaml" and fails writing it), so the Kustomization applies nothing; give the file\'s directory',
    ]);
    file.node.scope!.node.tryRemoveChild(file.node.id);
    const other = new GitRepository(entry, 'other', { name: 'other', url: 'https://example.com/elsewhere' });
    new Kustomization(entry, 'elsewhere', { name: 'elsewhere', source: other, path: './anything', prune: true });
    expect(problems(app)).toEqual([]);
  });

  test('at synth: spec.components must name kustomize Components of the repo', () => {
    const { app, repo, entry, source } = setup();
    const apps = repo.folder('apps');
    raw(apps, 'cm', 'v1', 'ConfigMap', 'settings', { metadata: { name: 'settings', namespace: 'default' } });
    const k = Kustomization.forFolder(entry, 'apps', apps, { name: 'apps', source, prune: true, components: ['../components/ha', '../components/plain'] });
    repo.folder('components/plain');
    const line = (i: number, c: string, why: string, fix = 'name the directory of a kustomize Component, or drop the entry') =>
      `${k.node.path}/Resource: Kustomization flux-system/apps: spec.components[${i}] "${c}": ${why}: kustomize-controller appends it to the build of spec.path and kustomize fails ("accumulating components"), ` +
      `so the Kustomization applies nothing; ${fix}`;
    expect(problems(app)).toEqual([
      line(0, '../components/ha', 'no such directory in repo mgmt ("components/ha")'),
      line(1, '../components/plain', 'the kustomization file of "components/plain" is not a Component ("expected kind \'Component\'")',
        'give that kustomization file kind: Component (apiVersion: kustomize.config.k8s.io/v1alpha1), or drop the entry'),
    ]);
    repo.component('components/ha');
    repo.addUserOwnedPath('components/plain-kept');
    const other = repo.folder('other');
    raw(other, 'cm', 'v1', 'ConfigMap', 'other', { metadata: { name: 'other', namespace: 'default' } });
    const fixed = Kustomization.forFolder(entry, 'fixed', other, { name: 'fixed', source, prune: true, components: ['../components/ha', '../components/plain-kept'] });
    void fixed;
    expect(problems(app).filter((p) => p.includes('Kustomization flux-system/fixed'))).toEqual([]);
  });

  test('addUserOwnedPath: a repo-relative path, where no folder of the app writes', () => {
    const { app, repo } = setup();
    for (const bad of ['', '/abs', '../up', 'a/../b', './a', 'a//b']) {
      expect(() => repo.addUserOwnedPath(bad)).toThrow(`mgmt: addUserOwnedPath("${bad}"): must be a "/"-separated path relative to the repo root, without empty, "." or ".." segments (e.g. "apps/legacy")`);
    }
    // Names a Kustomization's path may hold, though no Folder may: the way out for them.
    const odd = new Repo(app, 'odd', { url: 'https://example.com/odd' });
    for (const ok of ['_shared/base', '.flux/x', 'My Apps/x', '.flux/x']) odd.addUserOwnedPath(ok);
    expect(odd.userOwnedPaths).toEqual(['.flux/x', 'My Apps/x', '_shared/base']);
    expect([odd.hasUserOwnedPath('.flux'), odd.hasUserOwnedPath('.flux/x/y'), odd.hasUserOwnedPath('.fluxx'), odd.isUserOwned('.flux')]).toEqual([true, true, false, false]);
    repo.addUserOwnedPath('clusters');
    expect(repo.userOwnedPaths).toEqual(['clusters']);
    expect(problems(app)).toEqual([
      'mgmt: addUserOwnedPath("clusters"): folder "clusters/mgmt" (mgmt/clusters/mgmt) of the app writes there; a user-owned path holds only files you keep yourself: drop the declaration, or move the folder',
    ]);
    const other = new Repo(app, 'other', { url: 'https://example.com/other', userOwnedPaths: ['apps/legacy'] });
    expect(other.userOwnedPaths).toEqual(['apps/legacy']);
  });

  test('review cases: ../ stops at the root, spec.include, trailing slashes, components of a user-owned path, sparse checkouts and addResource below a user-owned path', () => {
    const { app, repo, entry, source } = setup();
    const apps = repo.folder('apps');
    raw(apps, 'cm', 'v1', 'ConfigMap', 'settings', { metadata: { name: 'settings', namespace: 'default' } });
    // securejoin: ../apps is apps (a raw object: the construct refuses ".." segments).
    raw(entry, 'up', 'kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'up', { metadata: { name: 'up', namespace: 'flux-system' }, spec: { interval: '10m', path: '../apps/', prune: true, sourceRef: { kind: 'GitRepository', name: 'mgmt' } } });
    expect(problems(app).filter((p) => p.includes('spec.path'))).toEqual([]);
    entry.node.tryRemoveChild('up');
    // What spec.include copies into the artifact is not known: not reported.
    const withInclude = new GitRepository(entry, 'with-include', { name: 'with-include', repo });
    withInclude.addInclude({ repository: GitRepository.fromName(entry, 'shared', { name: 'shared', namespace: 'flux-system' }), toPath: 'vendor/shared' });
    new Kustomization(entry, 'vendored', { name: 'vendored', source: withInclude, path: './vendor/shared/monitoring', prune: true, components: ['../components/x/'] });
    // A trailing slash names the same Component; a user-owned path's components are checked too.
    repo.component('components/ha');
    repo.addUserOwnedPath('legacy');
    const legacy = new Kustomization(entry, 'legacy', { name: 'legacy', source, path: './legacy', prune: true, components: ['../components/ha/', '../components/nope'] });
    expect(problems(app)).toEqual([
      `${legacy.node.path}/Resource: Kustomization flux-system/legacy: spec.components[1] "../components/nope": no such directory in repo mgmt ("components/nope"): kustomize-controller appends it to the build of spec.path ` +
        'and kustomize fails ("accumulating components"), so the Kustomization applies nothing; name the directory of a kustomize Component, or drop the entry',
    ]);
    legacy.node.scope!.node.tryRemoveChild(legacy.node.id);
    // A user-owned kustomization file makes its directory the user's (a Component, say).
    repo.addUserOwnedPath('components/kept/kustomization.yaml');
    Kustomization.forFolder(entry, 'kept', apps, { name: 'kept', source, prune: true, components: ['../components/kept'] });
    // The sparse check and addResource take the user-owned paths too.
    new GitRepository(entry, 'sparse', { name: 'sparse', repo, sparseCheckout: ['legacy', 'apps'] });
    apps.addResource('../legacy/extra.yaml');
    // A directory whose kustomization file the user keeps is theirs.
    repo.addUserOwnedPath('kept-dir/kustomization.yaml');
    apps.addResource('../kept-dir');
    expect(problems(app).filter((p) => !p.includes('also applies'))).toEqual([]);
  });

  test('validate: a path not in the tree from which the source builds itself; components; a tree that is part of a repo', async () => {
    const { dir, write } = treeDir('ao-path-');
    const ks = (name: string, p: string, extra = '') => ksYaml(name, p, 'mgmt', extra);
    write('clusters/mgmt/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - sync.yaml\n');
    write('clusters/mgmt/sync.yaml', [
      gitYaml('mgmt', 'https://example.com/mgmt'),
      // What flux bootstrap commits: the Kustomization applying this folder, the source included.
      ks('flux-system', './clusters/mgmt'),
      ks('infra', './infrastructure', '  components:\n    - ../components/missing\n'),
      ks('apps', './apps'),
    ].join('---\n'));
    write('infrastructure/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  a: b\n');
    const io = { cwd: dir, stdout: jest.fn(), stderr: jest.fn() } as any;
    const out = async (...paths: string[]) => {
      io.stdout.mockClear();
      const code = await runValidate(paths, {}, io);
      return { code, lines: io.stdout.mock.calls.map((c: string[]) => c[0]).filter((l: string) => !l.startsWith('validate: ')) };
    };
    expect(await out('.')).toEqual({
      code: 1,
      lines: [
        'clusters/mgmt/sync.yaml#2: Kustomization flux-system/infra: spec.components[0] "../components/missing": no such directory in tree . ("components/missing"): kustomize-controller appends it to the build of spec.path and kustomize fails ("accumulating components"), ' +
          'so the Kustomization applies nothing; name the directory of a kustomize Component, or drop the entry\n',
        'clusters/mgmt/sync.yaml#3: Kustomization flux-system/apps: spec.path "./apps": tree ., from which Kustomization flux-system/flux-system builds GitRepository flux-system/mgmt itself (so it is the repo the source fetches), has nothing there: ' +
          'kustomize-controller fails before building ("kustomization path not found") and applies nothing; fix the path, or add the directory\n',
      ],
    });
    // Any file keeps a directory in Git (Flux then builds an empty kustomization), and a Component fixes the other.
    write('apps/README.md', 'docs only\n');
    write('components/missing/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n');
    expect(await out('.')).toEqual({ code: 0, lines: [] });
    // A part of the repo: no Kustomization of the source finds its path in it, so none is reported.
    fs.rmSync(path.join(dir, 'apps'), { recursive: true });
    expect((await out('.')).lines).toHaveLength(1);
    expect(await out('clusters')).toEqual({ code: 0, lines: [] });
    // A link is not in source-controller's artifact (it archives regular files and directories only).
    fs.symlinkSync(path.join(dir, 'infrastructure'), path.join(dir, 'apps'));
    expect((await out('.')).lines).toEqual([expect.stringContaining('spec.path "./apps": tree ., from which')]);
    fs.rmSync(path.join(dir, 'apps'));
    // A source fetching another repo, whose Kustomization builds "./" (there in every tree): not known to be this tree.
    write('clusters/mgmt/team.yaml', [
      gitYaml('team', 'https://example.com/team'),
      ks('team-root', './').replace('name: mgmt', 'name: team'),
      ks('team-deploy', './deploy').replace('name: mgmt', 'name: team'),
    ].join('---\n'));
    expect((await out('.')).lines.filter((l: string) => l.includes('team'))).toEqual([]);
    // Two GitRepositories of that name fetching two URLs (another cluster's): which one is not known, so none is reported.
    write('clusters/edge/sync.yaml', gitYaml('mgmt', 'https://example.com/edge'));
    expect(await out('.')).toEqual({ code: 0, lines: [] });
  });
});

describe('an object two Kustomizations apply to one cluster (in both inventories: whichever applied it last prunes it)', () => {
  const line = (where: string, k: string, obj: string, other: string, otherWhere: string, on = "the repo's cluster") =>
    `${where}: Kustomization ${k} applies ${obj} that Kustomization ${other} (${otherWhere}) also applies to ${on}: ` +
    'each is in both inventories, kustomize-controller labels it with whichever applied it last, and that one deletes it when it stops applying it although the other still applies it ' +
    '(and creates it anew on its next run: a stateful object comes back empty); apply each object with one Kustomization: keep it in one build (a shared Namespace in a folder one of them builds), ' +
    "or rename it per build (an overlay's namePrefix or namespace)";

  test('at synth: two overlays of one base that rename nothing; a Namespace a Component gives two prefixed overlays; other clusters and other repos do not count', () => {
    const { app, repo, ks } = setup();
    const base = repo.folder('apps/base');
    raw(base, 'cm', 'v1', 'ConfigMap', 'settings', { metadata: { name: 'settings', namespace: 'default' }, data: { a: 'b' } });
    raw(base, 'cm2', 'v1', 'ConfigMap', 'more', { metadata: { name: 'more', namespace: 'default' }, data: { a: 'b' } });
    ks('a', repo.overlay('apps/a', { base }));
    ks('b', repo.overlay('apps/b', { base }));
    expect(problems(app)).toEqual([line('mgmt/clusters--mgmt/b/Resource', 'flux-system/b', 'ConfigMap default/more and 1 more object', 'flux-system/a', 'mgmt/clusters--mgmt/a/Resource')]);

    const two = setup();
    const base2 = two.repo.folder('apps/base');
    raw(base2, 'cm', 'v1', 'ConfigMap', 'settings', { metadata: { name: 'settings', namespace: 'default' }, data: { a: 'b' } });
    const component = two.repo.component('components/ns');
    raw(component, 'ns', 'v1', 'Namespace', 'shared');
    two.ks('a', two.repo.overlay('apps/a', { base: base2, namePrefix: 'a-' }));
    two.ks('b', two.repo.overlay('apps/b', { base: base2, namePrefix: 'b-' }));
    // Prefixed: two ConfigMaps (a-settings, b-settings), no problem.
    expect(problems(two.app)).toEqual([]);
    two.ks('c', two.repo.overlay('apps/c', { base: base2, namePrefix: 'c-', components: [component] }));
    two.ks('d', two.repo.overlay('apps/d', { base: base2, namePrefix: 'd-', components: [component] }));
    // kustomize leaves a Namespace its name (checked with kubectl kustomize): both apply Namespace shared.
    expect(problems(two.app)).toEqual([line('mgmt/clusters--mgmt/d/Resource', 'flux-system/d', 'Namespace shared', 'flux-system/c', 'mgmt/clusters--mgmt/c/Resource')]);

    // The same folder applied by a Kustomization per cluster (kubeConfig): two clusters, no problem.
    const three = setup();
    const shared = three.repo.folder('apps/shared');
    raw(shared, 'ns', 'v1', 'Namespace', 'shared');
    for (const c of ['dev', 'prod']) {
      addProvided(three.entry, { apiGroup: '', kind: 'Secret', name: `${c}-kubeconfig`, namespace: 'flux-system' });
      three.ks(c, shared, { kubeConfig: { secret: `${c}-kubeconfig`, key: 'value' } });
    }
    declarePreinstalled(three.entry, Preinstalled.FLUX);
    expect(problems(three.app)).toEqual([]);
    // Each repo's own cluster is another (two management clusters): the same Namespace on both is no problem.
    three.ks('local', shared);
    const other = new Repo(three.app, 'other', { url: 'https://example.com/other' });
    const otherEntry = other.folder('clusters/mgmt', { namespace: 'flux-system' });
    const otherShared = other.folder('apps/shared');
    raw(otherShared, 'ns', 'v1', 'Namespace', 'shared');
    Kustomization.forFolder(otherEntry, 'local', otherShared, { name: 'local', source: new GitRepository(otherEntry, 'source', { name: 'other', repo: other }), prune: true });
    expect(problems(three.app)).toEqual([]);
  });

  test('validate: two Kustomizations of one cluster directory building the same Namespace; cluster directories of one repo are apart', async () => {
    const { dir, write } = treeDir('ao-shared-');
    const ks = (name: string, p: string) => ksYaml(name, p, 'flux-system');
    const git = gitYaml('flux-system', 'https://example.com/fleet');
    const ns = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
    for (const c of ['dev', 'prod']) {
      write(`clusters/${c}/flux-system/sync.yaml`, [git, ks('flux-system', `./clusters/${c}`)].join('---\n'));
      write(`clusters/${c}/apps.yaml`, ks('apps', './apps'));
      write(`clusters/${c}/infra.yaml`, ks('infra', './infrastructure'));
    }
    write('apps/ns.yaml', ns('team-a'));
    write('infrastructure/ns.yaml', ns('monitoring'));
    const io = { cwd: dir, stdout: jest.fn(), stderr: jest.fn() } as any;
    // Each cluster directory's Kustomizations apply the same folders: two clusters, no problem.
    expect(await runValidate(['.'], {}, io)).toBe(0);
    write('infrastructure/team.yaml', ns('team-a'));
    io.stdout.mockClear();
    expect(await runValidate(['.'], {}, io)).toBe(1);
    expect(io.stdout.mock.calls.map((c: string[]) => c[0]).filter((l: string) => !l.startsWith('validate: '))).toEqual([
      `${line('clusters/dev/infra.yaml#0', 'flux-system/infra', 'Namespace team-a', 'flux-system/apps', 'clusters/dev/apps.yaml#0')}\n`,
      `${line('clusters/prod/infra.yaml#0', 'flux-system/infra', 'Namespace team-a', 'flux-system/apps', 'clusters/prod/apps.yaml#0')}\n`,
    ]);
  });
});

describe('objects two Kustomizations apply: which clusters, and when nothing is ever deleted (review cases)', () => {
  const git = { file: 'clusters/mgmt/source.yaml', where: 'source#0', obj: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'mgmt', namespace: 'flux-system' }, spec: { url: 'https://example.com/mgmt' } } };
  const ks = (name: string, spec: Record<string, unknown>, ns = 'flux-system') => ({
    file: `clusters/mgmt/${ns}-${name}.yaml`, where: `${ns}/${name}#0`,
    obj: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, namespace: ns }, spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'mgmt', namespace: 'flux-system' }, ...spec } },
  });
  const nsObj = (annotations?: Record<string, string>) => ({ file: 'apps/ns.yaml', where: 'ns#0', obj: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', ...(annotations ? { annotations } : {}) } } });
  const shared = (objects: Array<{ file: string; where: string; obj: any }>) =>
    applyOrderProblems({ repos: [{ name: 'mgmt', urls: ['https://example.com/mgmt'], objects: [git, ...objects], kustomizations: new Map() }], preinstalled: [{ cluster: '*', set: Preinstalled.FLUX }] })
      .filter((p) => p.message.includes('also applies')).map((p) => p.where);

  test('remote clusters: by the kubeConfig Secret or ConfigMap, and the namespace it is read in', () => {
    expect(shared([ks('a', {}), ks('b', {}), nsObj()])).toEqual(['flux-system/b#0']);
    // Flux 2.6 secret-less access: a ConfigMap names the remote cluster.
    expect(shared([ks('a', { kubeConfig: { configMapRef: { name: 'aks-dev' } } }), ks('b', { kubeConfig: { configMapRef: { name: 'aks-prod' } } }), nsObj()])).toEqual([]);
    expect(shared([ks('a', { kubeConfig: { configMapRef: { name: 'aks-dev' } } }), ks('b', { kubeConfig: { configMapRef: { name: 'aks-dev' } } }), nsObj()])).toEqual(['flux-system/b#0']);
    // One Secret name in two namespaces: two clusters.
    expect(shared([ks('a', { kubeConfig: { secretRef: { name: 'dev-1-kubeconfig' } } }, 'fleet-a'), ks('a', { kubeConfig: { secretRef: { name: 'dev-1-kubeconfig' } } }, 'fleet-b'), nsObj()])).toEqual([]);
  });

  test('named clusters across repos; a Kustomization two roots reach is one; a cycle through remote clusters ends', () => {
    const on = <T extends { obj: any }>(cluster: string, x: T, file: string) => ({ ...x, file, where: `${file}#0`, cluster });
    const repoOf = (name: string, objects: Array<{ file: string; where: string; obj: any }>) => ({
      name, urls: [`https://example.com/${name}`], kustomizations: new Map<string, string[]>(),
      objects: [on('mgmt', { obj: { ...git.obj, metadata: { name, namespace: 'flux-system' }, spec: { url: `https://example.com/${name}` } } }, 'clusters/mgmt/source.yaml'), ...objects],
    });
    const k = (name: string, src: string, spec: Record<string, unknown> = {}) => ({ obj: { ...ks(name, spec).obj, spec: { ...ks(name, spec).obj.spec, sourceRef: { kind: 'GitRepository', name: src, namespace: 'flux-system' } } } });
    const run = (repos: ReturnType<typeof repoOf>[]) => applyOrderProblems({ repos, preinstalled: [{ cluster: '*', set: Preinstalled.FLUX }] }).map((p) => `${p.where} | ${p.message.slice(0, 60)}`);
    const remote = { kubeConfig: { secretRef: { name: 'x-kubeconfig' } } };
    // Two repos' Kustomizations on the named cluster mgmt, through one Secret: one remote cluster.
    expect(run([
      repoOf('r1', [on('mgmt', k('a', 'r1', remote), 'clusters/mgmt/a.yaml'), on('mgmt', nsObj(), 'apps/ns.yaml')]),
      repoOf('r2', [on('mgmt', k('b', 'r2', remote), 'clusters/mgmt/b.yaml'), on('mgmt', nsObj(), 'apps/ns.yaml')]),
    ])).toEqual(['clusters/mgmt/b.yaml#0 | Kustomization flux-system/b applies Namespace team-a that Ku']);
    // Kustomization k, reached from roots of two repos on mgmt, is one: its two objects of an unknown kind are one line, "1 more".
    const widget = (n: string) => on('mgmt', { obj: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: n, namespace: 'default' } } }, `kapps/${n}.yaml`);
    const child = on('mgmt', { obj: { ...k('k', 'r1').obj, spec: { ...k('k', 'r1').obj.spec, path: './kapps' } } }, 'apps/k.yaml');
    const lines = applyOrderProblems({
      repos: [
        repoOf('r1', [on('mgmt', k('a', 'r1'), 'clusters/mgmt/a.yaml'), child, widget('w1'), widget('w2')]),
        { ...repoOf('r2', [on('mgmt', k('b', 'r1'), 'clusters/mgmt/b.yaml')]), objects: [on('mgmt', { obj: { ...git.obj, metadata: { name: 'r1', namespace: 'flux-system' }, spec: { url: 'https://example.com/r1' } } }, 'clusters/mgmt/s1.yaml'), on('mgmt', k('b', 'r1'), 'clusters/mgmt/b.yaml')] },
      ],
      preinstalled: [{ cluster: '*', set: Preinstalled.FLUX }],
    }).filter((p) => p.message.includes('Widget'));
    expect(lines.map((p) => p.message.endsWith('(so do 1 more object of this kind on that cluster)'))).toEqual([true]);
    // root -> a (remote x) -> b (remote x) -> a: the model ends.
    const cycle = [on('mgmt', { obj: { ...k('root', 'r1').obj, spec: { ...k('root', 'r1').obj.spec, path: './a' } } }, 'clusters/mgmt/root.yaml'),
      on('mgmt', { obj: { ...k('a', 'r1', remote).obj, spec: { ...k('a', 'r1', remote).obj.spec, path: './b' } } }, 'a/a.yaml'),
      on('mgmt', { obj: { ...k('b', 'r1', remote).obj, spec: { ...k('b', 'r1', remote).obj.spec, path: './a' } } }, 'b/b.yaml')];
    expect(run([repoOf('r1', cycle)])).toEqual([]);
  });

  test('not when neither ever deletes it, nor for an object garbage collection skips', () => {
    expect(shared([ks('a', { prune: false }), ks('b', { prune: false }), nsObj()])).toEqual([]);
    expect(shared([ks('a', { prune: false }), ks('b', { prune: false, deletionPolicy: 'Delete' }), nsObj()])).toEqual(['flux-system/b#0']);
    expect(shared([ks('a', { suspend: true }), ks('b', { prune: false }), nsObj()])).toEqual([]);
    expect(shared([ks('a', {}), ks('b', {}), nsObj({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' })])).toEqual([]);
    expect(shared([ks('a', {}), ks('b', {}), nsObj({ 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' })])).toEqual(['flux-system/b#0']);
    // As labels, in any case (fluxcd/pkg ssa/utils AnyInMetadata: labels or annotations, strings.EqualFold).
    const labelled = (labels: Record<string, string>) => ({ ...nsObj(), obj: { ...nsObj().obj, metadata: { ...nsObj().obj.metadata, labels } } });
    expect(shared([ks('a', {}), ks('b', {}), labelled({ 'kustomize.toolkit.fluxcd.io/prune': 'Disabled' })])).toEqual([]);
    expect(shared([ks('a', {}), ks('b', {}), labelled({ 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' })])).toEqual([]);
    expect(shared([ks('a', {}), ks('b', {}), nsObj({ 'kustomize.toolkit.fluxcd.io/ssa': 'ignore' })])).toEqual([]);
    expect(shared([ks('a', {}), ks('b', {}), labelled({ 'kustomize.toolkit.fluxcd.io/prune': 'enabled' })])).toEqual(['flux-system/b#0']);
  });

  test('spec.ignoreMissingComponents drops a missing component (fluxcd/pkg GenerateManifest)', () => {
    const { app, repo, entry, source } = setup();
    const apps = repo.folder('apps');
    raw(apps, 'cm', 'v1', 'ConfigMap', 'settings', { metadata: { name: 'settings', namespace: 'default' } });
    raw(entry, 'ks', 'kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'apps', {
      metadata: { name: 'apps', namespace: 'flux-system' },
      spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: source.name }, components: ['../components/optional'], ignoreMissingComponents: true },
    });
    expect(problems(app)).toEqual([]);
  });

  test('validate: cluster directories sharing one Kustomization file each apply it; an entry leaving the root is not clamped; a linked directory above the path', async () => {
    const { dir, write } = treeDir('ao-shared2-');
    const k = (name: string, p: string) => ksYaml(name, p, 'flux-system');
    const git2 = gitYaml('flux-system', 'https://example.com/fleet');
    for (const c of ['dev', 'prod']) {
      write(`clusters/${c}/flux-system/sync.yaml`, [git2, k('flux-system', `./clusters/${c}`)].join('---\n'));
      write(`clusters/${c}/kustomization.yaml`, 'resources:\n  - flux-system/sync.yaml\n  - infra.yaml\n  - ../../shared/apps-ks.yaml\n');
      write(`clusters/${c}/infra.yaml`, k('infra', './infrastructure'));
    }
    write('shared/apps-ks.yaml', k('apps', './apps'));
    write('apps/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n');
    write('infrastructure/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n');
    const io = { cwd: dir, stdout: jest.fn(), stderr: jest.fn() } as any;
    const lines = async () => {
      io.stdout.mockClear();
      await runValidate(['.'], {}, io);
      return io.stdout.mock.calls.map((c: string[]) => c[0]).filter((l: string) => l.includes('also applies')).map((l: string) => l.slice(0, l.indexOf(': ')));
    };
    // On both clusters (before, the second cluster directory reached the shared file as the first).
    expect(await lines()).toEqual(['shared/apps-ks.yaml#0', 'shared/apps-ks.yaml#0']);
    // kustomize on kustomize-controller's secure file system refuses an entry out of the root: not ./apps.
    fs.rmSync(path.join(dir, 'infrastructure/ns.yaml'));
    write('infrastructure/kustomization.yaml', 'resources:\n  - ../../apps/ns.yaml\n');
    expect(await lines()).toEqual([]);
    // A path below a link: source-controller archives no link, so the directory is not there.
    fs.symlinkSync(path.join(dir, 'apps'), path.join(dir, 'linked'));
    write('clusters/dev/infra.yaml', k('infra', './linked/sub'));
    fs.mkdirSync(path.join(dir, 'apps/sub'));
    fs.writeFileSync(path.join(dir, 'apps/sub/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: default\n');
    io.stdout.mockClear();
    await runValidate(['.'], {}, io);
    expect(io.stdout.mock.calls.map((c: string[]) => c[0]).join('')).toContain('clusters/dev/infra.yaml#0: Kustomization flux-system/infra: spec.path "./linked/sub": tree ., from which');
  });
});

describe('a GitRepository imported by name with the repo it fetches (flux bootstrap made flux-system): its Kustomizations are checked as its builds', () => {
  function importSetup(withRepo: boolean) {
    const app = new GitOpsApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'ao-import-')), printBaselineReport: false });
    const repo = new Repo(app, 'mgmt', { url: 'https://example.com/mgmt' });
    const entry = repo.folder('clusters/mgmt', { namespace: 'flux-system' });
    const source = GitRepository.fromName(entry, 'source', { name: 'flux-system', ...(withRepo ? { repo } : {}) });
    return { app, repo, entry, source };
  }

  test('a path the repo lacks is a problem once the import names the repo; unknown without it', () => {
    for (const withRepo of [true, false]) {
      const { app, repo, entry, source } = importSetup(withRepo);
      expect(source.repo).toBe(withRepo ? repo : undefined);
      raw(repo.folder('apps'), 'cm', 'v1', 'ConfigMap', 'settings', { metadata: { name: 'settings', namespace: 'default' } });
      Kustomization.forFolder(entry, 'apps', repo.folder('apps'), { name: 'apps', source, prune: true });
      const typo = new Kustomization(entry, 'typo', { name: 'typo', source, path: './app', prune: true });
      expect(problems(app)).toEqual(withRepo ? [
        `${typo.node.path}/Resource: Kustomization flux-system/typo: spec.path "./app": repo mgmt that GitRepository flux-system/flux-system fetches has nothing there (the app writes nothing at or below "app" and declares no user-owned path there): ` +
          'kustomize-controller fails before building ("kustomization path not found") and applies nothing; fix the path (Kustomization.forFolder takes it from a Folder the app writes), ' +
          'or, for a directory you keep in the repo yourself, declare it with addUserOwnedPath("app") on the Repo construct',
      ] : []);
    }
  });

  test('an object two of its Kustomizations apply', () => {
    const { app, repo, entry, source } = importSetup(true);
    const base = repo.folder('apps/base');
    raw(base, 'cm', 'v1', 'ConfigMap', 'settings', { metadata: { name: 'settings', namespace: 'default' }, data: { a: 'b' } });
    Kustomization.forFolder(entry, 'a', repo.overlay('apps/a', { base }), { name: 'a', source, prune: true });
    Kustomization.forFolder(entry, 'b', repo.overlay('apps/b', { base }), { name: 'b', source, prune: true });
    expect(problems(app)).toEqual([
      'mgmt/clusters--mgmt/b/Resource: Kustomization flux-system/b applies ConfigMap default/settings that Kustomization flux-system/a (mgmt/clusters--mgmt/a/Resource) also applies to the repo\'s cluster: ' +
        'each is in both inventories, kustomize-controller labels it with whichever applied it last, and that one deletes it when it stops applying it although the other still applies it ' +
        '(and creates it anew on its next run: a stateful object comes back empty); apply each object with one Kustomization: keep it in one build (a shared Namespace in a folder one of them builds), ' +
        "or rename it per build (an overlay's namePrefix or namespace)",
    ]);
  });

  test('an object two of its Kustomizations apply, labelled prune: disabled: garbage collection skips it (the label reaches the check)', () => {
    const { app, repo, entry, source } = importSetup(true);
    const base = repo.folder('apps/base');
    raw(base, 'cm', 'v1', 'ConfigMap', 'settings', { metadata: { name: 'settings', namespace: 'default', labels: { 'kustomize.toolkit.fluxcd.io/prune': 'Disabled' } }, data: { a: 'b' } });
    Kustomization.forFolder(entry, 'a', repo.overlay('apps/a', { base }), { name: 'a', source, prune: true });
    Kustomization.forFolder(entry, 'b', repo.overlay('apps/b', { base }), { name: 'b', source, prune: true });
    expect(problems(app)).toEqual([]);
  });

  test("another cluster's import of the same name is not this Kustomization's source (review case)", () => {
    const app = new GitOpsApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'ao-import-')), printBaselineReport: false });
    const mgmt = new Repo(app, 'mgmt', { url: 'https://example.com/mgmt' });
    const fleet = new Repo(app, 'fleet', { url: 'https://example.com/fleet' });
    const mentry = mgmt.folder('clusters/mgmt', { namespace: 'flux-system' });
    const msrc = GitRepository.fromName(mentry, 'source', { name: 'flux-system' });
    raw(mgmt.folder('apps'), 'cm', 'v1', 'ConfigMap', 'x', { metadata: { name: 'x', namespace: 'default' } });
    Kustomization.forFolder(mentry, 'apps', mgmt.folder('apps'), { name: 'apps', source: msrc, prune: true });
    GitRepository.fromName(fleet.folder('clusters/dev', { namespace: 'flux-system', cluster: 'dev' }), 'source', { name: 'flux-system', repo: fleet });
    expect(problems(app)).toEqual([]);
  });

  test('the repo is checked: a Repo of this app; forFolder refuses a folder of another repo', () => {
    const { app, entry } = importSetup(false);
    const other = new Repo(app, 'other', { url: 'https://example.com/other' });
    expect(() => GitRepository.fromName(entry, 'bad', { name: 'x', repo: {} as Repo })).toThrow('mgmt/clusters--mgmt/bad: prop "repo": must be a Repo of this app (new Repo(app, ...))');
    const elsewhere = new Repo(new GitOpsApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'ao-import-')), printBaselineReport: false }), 'mgmt');
    expect(() => GitRepository.fromName(entry, 'far', { name: 'x', repo: elsewhere })).toThrow('mgmt/clusters--mgmt/far: prop "repo": repo "mgmt" is in another app');
    // Refused before the import is made: nothing half-made is left in the tree.
    expect(entry.node.tryFindChild('bad')).toBeUndefined();
    expect(entry.node.tryFindChild('far')).toBeUndefined();
    const source = GitRepository.fromName(entry, 'source2', { name: 'flux-system', repo: other });
    const mine = app.node.findChild('mgmt') as Repo;
    expect(() => Kustomization.forFolder(entry, 'apps', mine.folder('apps'), { name: 'apps', source, prune: true }))
      .toThrow('folder "apps" is in repo "mgmt", not in repo "other" fetched by source flux-system');
  });
});

describe('a SealedSecret applied to several clusters needs a sealing key they share (each sealed-secrets controller makes its own)', () => {
  const CIPHERTEXT = SEALED_CIPHERTEXT;
  function twoClusters(clusters: string[]) {
    const app = new GitOpsApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'ao-sealed-')), printBaselineReport: false });
    const repo = new Repo(app, 'platform', { url: 'https://example.com/platform' });
    const secrets = repo.folder('infrastructure/secrets', { namespace: 'apps' });
    declarePreinstalled(app, Preinstalled.SEALED_SECRETS, Preinstalled.of('apps', [], ['apps']));
    for (const c of clusters) {
      const entry = repo.folder(`clusters/${c}`, { cluster: c, namespace: 'flux-system' });
      const source = new GitRepository(entry, 'source', { name: 'platform', repo });
      Kustomization.forFolder(entry, 'secrets', secrets, { name: 'secrets', source, prune: true });
    }
    return { app, repo, secrets };
  }
  const line = (where: string, clusters: string) =>
    `${where}: SealedSecret apps/db is applied to 2 clusters (${clusters}), but each sealed-secrets controller makes its own key pair, so only the cluster whose certificate sealed it can decrypt it and the others never get the Secret; ` +
    "seal it per cluster (a SealedSecret in a folder of each cluster, sealed with that cluster's certificate), or install one sealing key on all of them and declare it (sharedSealingKey: true)";

  test('two clusters: a problem, unless the SealedSecret or a scope above it declares the shared key; one cluster: none', () => {
    const two = twoClusters(['dev', 'prod']);
    const sealed = SealedSecret.fromEncryptedData(two.secrets, 'db', { name: 'db', encryptedData: { password: CIPHERTEXT } });
    expect(problems(two.app)).toEqual([line(`${sealed.node.path}/Resource`, '"dev", "prod"')]);

    const declared = twoClusters(['dev', 'prod']);
    SealedSecret.fromEncryptedData(declared.secrets, 'db', { name: 'db', encryptedData: { password: CIPHERTEXT }, sharedSealingKey: true });
    expect(problems(declared.app)).toEqual([]);

    const scoped = twoClusters(['dev', 'prod']);
    declareSharedSealingKey(scoped.repo);
    SealedSecret.fromEncryptedData(scoped.secrets, 'db', { name: 'db', encryptedData: { password: CIPHERTEXT } });
    expect(problems(scoped.app)).toEqual([]);

    const one = twoClusters(['dev']);
    SealedSecret.fromEncryptedData(one.secrets, 'db', { name: 'db', encryptedData: { password: CIPHERTEXT } });
    expect(problems(one.app)).toEqual([]);
  });

  test('overlays that patch it per cluster are not reported (review case)', () => {
    const app = new GitOpsApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'ao-sealed-')), printBaselineReport: false });
    const repo = new Repo(app, 'platform', { url: 'https://example.com/platform' });
    declarePreinstalled(app, Preinstalled.SEALED_SECRETS, Preinstalled.of('apps', [], ['apps']));
    const base = repo.folder('secrets/base', { namespace: 'apps' });
    const sealed = SealedSecret.fromEncryptedData(base, 'db', { name: 'db', encryptedData: { password: CIPHERTEXT } });
    for (const c of ['dev', 'prod']) {
      // Each cluster's overlay carries the ciphertext sealed with its own certificate.
      const overlay = repo.overlay(`secrets/${c}`, { base, patches: [KustomizePatch.strategicMerge(sealed.apiObject, { spec: { encryptedData: { password: CIPHERTEXT.replace('A', c === 'dev' ? 'B' : 'C') } } })] });
      const entry = repo.folder(`clusters/${c}`, { cluster: c, namespace: 'flux-system' });
      Kustomization.forFolder(entry, 'secrets', overlay, { name: 'secrets', source: new GitRepository(entry, 'source', { name: 'platform', repo }), prune: true });
    }
    expect(problems(app)).toEqual([]);
  });
});
