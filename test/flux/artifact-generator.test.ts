// ArtifactGenerator (source-watcher, Flux 2.7+) and what a Fleet does with it (perClusterArtifacts):
// an ExternalArtifact's revision is the digest of its content (source-watcher builder `Build`),
// and kustomize-controller requeues a Kustomization only when its source's revision changes
// (`SourceRevisionChangePredicate`), so a commit reconciles only the clusters whose files it changed.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { declarePreinstalled, GitOpsApp, Preinstalled, Repo } from '../../lib';
import { AksClusterClass, Fleet, FleetProps } from '../../lib/capi';
import { ArtifactGenerator, FluxBootstrap, GitRepository, HelmRelease, Kustomization } from '../../lib/flux';
import { Testing } from '../../lib/testing';
import { runValidate } from '../../lib/cli/validate';
import { SYSTEM_POOL } from '../capi/fixtures';
import { FLUX_INSTALL_WITH_SOURCE_WATCHER_YAML } from '../support/flux-install';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../support/kubeconfig-access';

let kubectl = true;
try {
  execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
} catch {
  kubectl = false;
}

function setup(componentsExtra: Array<'source-watcher'> | undefined = ['source-watcher']) {
  const app = new GitOpsApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'artifact-generator-')), printBaselineReport: false });
  const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
  const entry = repo.folder('clusters/mgmt', { includeSubfolders: false });
  const fluxFolder = repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' });
  fluxFolder.addResource('gotk-components.yaml', { userOwned: true });
  const flux = new FluxBootstrap(fluxFolder, 'flux', { repo, entry, componentsExtra });
  return { app, repo, entry, flux };
}

describe('ArtifactGenerator', () => {
  test('renders sources and artifacts; an artifact of directories is a source Kustomizations apply', () => {
    const { app, repo, entry, flux } = setup();
    for (const d of ['apps/base', 'apps/prod', 'apps/dev']) new kplus.ConfigMap(repo.folder(d), 'cm', { metadata: { name: d.replace('/', '-') } });
    const gen = new ArtifactGenerator(entry, 'gen', { name: 'apps', sources: [{ alias: 'repo', source: flux.source }] });
    const prod = gen.addArtifact({ name: 'apps-prod', directories: ['./apps/prod/', 'apps/base'] });
    gen.addArtifact({ name: 'apps-dev', directories: ['apps/dev'], copy: [{ from: '@repo/apps/base/**', to: '@artifact/base/', exclude: ['*.md'] }], originRevision: '@repo' });
    Kustomization.forFolder(entry, 'prod', repo.folder('apps/prod'), { name: 'apps-prod', source: prod, prune: true });
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'ArtifactGenerator', 'apps').spec).toEqual({
      sources: [{ alias: 'repo', kind: 'GitRepository', name: 'flux-system' }],
      artifacts: [
        { name: 'apps-prod', copy: [{ from: '@repo/apps/base/**', to: '@artifact/apps/base/' }, { from: '@repo/apps/prod/**', to: '@artifact/apps/prod/' }] },
        { name: 'apps-dev', originRevision: '@repo', copy: [{ from: '@repo/apps/dev/**', to: '@artifact/apps/dev/' }, { from: '@repo/apps/base/**', to: '@artifact/base/', exclude: ['*.md'] }] },
      ],
    });
    expect(Testing.find(objs, 'ArtifactGenerator', 'apps').metadata.namespace).toBe('flux-system');
    expect(Testing.find(objs, 'Kustomization', 'apps-prod').spec.sourceRef).toEqual({ kind: 'ExternalArtifact', name: 'apps-prod' });
    expect([prod.kind, prod.namespace, prod.repo, prod.sparseCheckoutDirectories]).toEqual(['ExternalArtifact', 'flux-system', repo, ['apps/base/', 'apps/prod/']]);
    // With copy operations the artifact is no longer a part of the repo's tree: not checked.
    expect(gen.artifacts[1].repo).toBeUndefined();
  });

  test('eager checks name the prop', () => {
    const { entry, flux } = setup();
    const gen = (props: Partial<ConstructorParameters<typeof ArtifactGenerator>[2]>) => () =>
      new ArtifactGenerator(entry, `g${Math.random()}`.replace('.', ''), { name: 'g', sources: [{ alias: 'repo', source: flux.source }], ...props });
    expect(Testing.errorOf(gen({ sources: [] }))).toMatch(/: prop "sources": must list at least one source$/);
    expect(Testing.errorOf(gen({ sources: [{ alias: 'Repo', source: flux.source }] }))).toMatch(/: prop "sources\[0\]\.alias": "Repo" is invalid: must be an alias: lower case letters, digits, "_" and "-", starting and ending with a letter or digit, at most 63 characters$/);
    expect(Testing.errorOf(gen({ sources: [{ alias: 'artifact', source: flux.source }] }))).toMatch(/: prop "sources\[0\]\.alias": "artifact" names the generated artifact in copy operations \(@artifact\/\.\.\.\): choose another alias$/);
    expect(Testing.errorOf(gen({ sources: [{ alias: 'a', source: flux.source }, { alias: 'a', source: flux.source }] }))).toMatch(/: prop "sources\[1\]\.alias": "a" is the alias of another source of the generator$/);
    expect(Testing.errorOf(gen({ artifacts: [{ name: 'x', directories: ['apps'] }, { name: 'x', directories: ['apps'] }] }))).toMatch(/: prop "artifacts\[1\]\.name": "x" is the name of another artifact of the generator$/);
    expect(Testing.errorOf(gen({ artifacts: [{ name: 'x', directories: ['../apps'] }] }))).toMatch(/: prop "artifacts\[0\]\.directories\[0\]": "\.\.\/apps" is outside the repo: give a repo-relative directory such as "apps\/prod"$/);
    expect(Testing.errorOf(gen({ artifacts: [{ name: 'x', copy: [{ from: '@other/**', to: '@artifact/' }] }] }))).toMatch(/: prop "artifacts\[0\]\.copy\[0\]\.from": "@other\/\*\*" must be "@<alias>\/<glob>" of a source of the generator \(@repo\)$/);
    expect(Testing.errorOf(gen({ artifacts: [{ name: 'x', copy: [{ from: '@repo/**', to: 'out/' }] }] }))).toMatch(/: prop "artifacts\[0\]\.copy\[0\]\.to": "out\/" must be "@artifact\/<path>"$/);
    expect(Testing.errorOf(gen({ artifacts: [{ name: 'x', directories: ['apps'], revision: '@git' }] }))).toMatch(/: prop "artifacts\[0\]\.revision": "@git" must be "@<alias>" of a source of the generator \(@repo\)$/);
    expect(Testing.errorOf(gen({ sources: [{ alias: 'a', source: flux.source }, { alias: 'b', source: flux.source }], artifacts: [{ name: 'x', directories: ['apps'] }] }))).toMatch(/: prop "artifacts\[0\]\.from": is required: the generator has 2 sources \(a, b\)$/);
  });

  test('late checks: a directory no folder has, or outside the source\'s sparse checkout, fails the whole generator; one line per directory', () => {
    const { app, repo, entry } = setup();
    new kplus.ConfigMap(repo.folder('apps/prod'), 'cm', { metadata: { name: 'prod' } });
    const sparse = new GitRepository(entry, 'sparse', { name: 'sparse', namespace: 'flux-system', repo, sparseCheckout: ['apps/prod'] });
    const gen = new ArtifactGenerator(entry, 'gen', { name: 'apps', sources: [{ alias: 'repo', source: sparse }] });
    gen.addArtifact({ name: 'a1', directories: ['apps/prod', 'apps/staging'] });
    gen.addArtifact({ name: 'a2', directories: ['apps/staging'] });
    gen.addArtifact({ name: 'a3', directories: ['apps'] });
    new ArtifactGenerator(repo.folder('clusters/mgmt/other', { namespace: 'flux-system' }), 'gen', { name: 'other', sources: [{ alias: 'repo', source: sparse }], artifacts: [{ name: 'a1', directories: ['apps/prod'] }] });
    // The generator's own lines first (outside its source), then the app's (no folder: one line
    // for every generator; an artifact name two generators write).
    expect(Testing.synthProblems(app)).toEqual([
      'platform/clusters--mgmt/gen: ArtifactGenerator flux-system/apps: artifact "a3" copies directory "apps", which is outside the sparseCheckout of source repo (apps/prod/): ' +
        'source-watcher stops the generator at a copy that matches no file (the artifacts after it, its inventory and its garbage collection wait until it is fixed); create the folder, or drop the directory',
      'platform/clusters--mgmt/gen: ExternalArtifact flux-system/a1 is generated by 2 ArtifactGenerators (platform/clusters--mgmt/gen, platform/clusters--mgmt--other/gen): each would overwrite the other\'s; give the artifacts distinct names',
      'platform/clusters--mgmt/gen: ArtifactGenerator flux-system/apps: artifact "a1" copies directory "apps/staging", which is no folder of repo platform (so do 1 more artifact): ' +
        'source-watcher stops the generator at a copy that matches no file (the artifacts after it, its inventory and its garbage collection wait until it is fixed); create the folder, or drop the directory',
    ]);
  });

  test('a Kustomization reading a folder its artifact does not copy is refused', () => {
    const { app, repo, entry, flux } = setup();
    const base = repo.folder('apps/base');
    new kplus.ConfigMap(base, 'cm', { metadata: { name: 'base' } });
    const prod = repo.folder('apps/prod');
    prod.addResource('../base');
    const gen = new ArtifactGenerator(entry, 'gen', { name: 'apps', sources: [{ alias: 'repo', source: flux.source }] });
    Kustomization.forFolder(entry, 'prod', prod, { name: 'apps-prod', source: gen.addArtifact({ name: 'apps-prod', directories: ['apps/prod'] }), prune: true });
    expect(Testing.synthProblems(app)).toEqual([
      expect.stringMatching(/: Kustomization flux-system\/apps-prod builds from "apps\/base", which its source ExternalArtifact flux-system\/apps-prod \(of ArtifactGenerator flux-system\/apps\) does not copy: kustomize-controller would not find it; add "apps\/base\/" to the artifact's directories \(addDirectory\) \(a Fleet's bucketSources\.include\)$/),
    ]);
  });

  test('source-watcher must be installed: FluxBootstrap componentsExtra declares it; without it the apply-order check says how', () => {
    const { app, entry, flux } = setup([]);
    new ArtifactGenerator(entry, 'gen', { name: 'apps', sources: [{ alias: 'repo', source: flux.source }], artifacts: [{ name: 'a', copy: [{ from: '@repo/apps/**', to: '@artifact/' }] }] });
    expect(Testing.synthProblems(app)).toEqual([
      'platform/clusters--mgmt/gen/Resource: ArtifactGenerator flux-system/apps in Kustomization flux-system/flux-system: its kind ArtifactGenerator (source.extensions.fluxcd.io) is not built in, not defined by a CRD in the build, ' +
        'not established by any Kustomization applied to the repo\'s cluster, and source-watcher is not declared there; install it with flux bootstrap --components-extra=source-watcher (Flux 2.7 or later) ' +
        'and declare it with FluxBootstrap\'s componentsExtra: [\'source-watcher\'] (validate: --preinstalled source-watcher)',
    ]);
    const ok = setup();
    new ArtifactGenerator(ok.entry, 'gen', { name: 'apps', sources: [{ alias: 'repo', source: ok.flux.source }], artifacts: [{ name: 'a', copy: [{ from: '@repo/apps/**', to: '@artifact/' }] }] });
    expect(Testing.synthProblems(ok.app)).toEqual([]);
    expect(Testing.errorOf(() => new FluxBootstrap(ok.repo.folder('clusters/b/flux-system'), 'flux', { repo: ok.repo, entry: ok.repo.folder('clusters/b'), controllerArgs: { 'source-watcher': ['--concurrent=20'] } })))
      .toBe('platform/clusters--b--flux-system/flux: prop "controllerArgs.source-watcher": source-watcher is not installed: add it to componentsExtra (flux bootstrap --components-extra=source-watcher)');
  });

  test('lockdown: an ArtifactGenerator\'s source in another namespace is refused, like a sourceRef', () => {
    const app = new GitOpsApp({ outdir: '/tmp/artifact-generator-unused', printBaselineReport: false });
    const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
    const entry = repo.folder('clusters/mgmt', { includeSubfolders: false });
    const fluxFolder = repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' });
    fluxFolder.addResource('gotk-components.yaml', { userOwned: true });
    const flux = new FluxBootstrap(fluxFolder, 'flux', { repo, entry, componentsExtra: ['source-watcher'], lockdown: true });
    new kplus.Namespace(entry, 'ns', { metadata: { name: 'team' } });
    new ArtifactGenerator(entry, 'gen', { name: 'apps', namespace: 'team', sources: [{ alias: 'repo', source: flux.source }], artifacts: [{ name: 'a', copy: [{ from: '@repo/apps/**', to: '@artifact/' }] }] });
    expect(Testing.synthProblems(app)).toEqual([
      'platform/clusters--mgmt--flux-system/flux: lockdown: platform/clusters--mgmt/gen: ArtifactGenerator team/apps: spec.sources[0]: refers to flux-system/flux-system, in another namespace, which --no-cross-namespace-refs=true refuses; ' +
        'create the source in namespace "team" (with its own secretRef there) and use it',
    ]);
  });

  (kubectl ? test : test.skip)('the Flux install: source-watcher is locked down with the others, and left out of the shard builds', () => {
    const app = new GitOpsApp({ outdir: '/tmp/artifact-generator-unused', printBaselineReport: false });
    const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
    const fluxFolder = repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' });
    fluxFolder.addResource('gotk-components.yaml', { userOwned: true });
    new FluxBootstrap(fluxFolder, 'flux', { repo, entry: repo.folder('clusters/mgmt', { includeSubfolders: false }), componentsExtra: ['source-watcher'], lockdown: true, shards: ['shard0'], controllerArgs: { 'source-watcher': ['--concurrent=20'] } });
    const objs = Testing.objects(app);
    const filePatches = Testing.render(app)['platform/clusters/mgmt/flux-system/kustomization.yaml'][0].patches as unknown[];
    // What Flux builds for a Kustomization of the folder: the folder's patches, then its own, and its nameSuffix.
    const build = (spec: { patches?: unknown[]; nameSuffix?: string }) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-build-'));
      fs.writeFileSync(path.join(dir, 'gotk-components.yaml'), FLUX_INSTALL_WITH_SOURCE_WATCHER_YAML);
      fs.writeFileSync(path.join(dir, 'kustomization.yaml'), stringify({ resources: ['gotk-components.yaml'], patches: [...filePatches, ...(spec.patches ?? [])], ...(spec.nameSuffix ? { nameSuffix: spec.nameSuffix } : {}) }));
      return parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map((d) => d.toJS());
    };
    const main = build(Testing.find(objs, 'Kustomization', 'flux-system').spec);
    const watcher = main.find((o) => o.kind === 'Deployment' && o.metadata.name === 'source-watcher');
    // Locked down and given its args; not told to skip sharded objects (it serves every generator).
    expect(watcher.spec.template.spec.containers[0].args).toEqual(expect.arrayContaining(['--no-cross-namespace-refs=true', '--concurrent=20']));
    expect(watcher.spec.template.spec.containers[0].args.filter((a: string) => a.startsWith('--watch-label-selector'))).toEqual([]);
    const shard = build({ ...Testing.find(objs, 'Kustomization', 'flux-system-shard0').spec, nameSuffix: '-shard0' });
    expect(shard.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/helm-controller-shard0', 'Deployment/kustomize-controller-shard0', 'Deployment/source-controller-shard0', 'Service/source-controller-shard0',
    ]);
  });
});

function fleetApp(outdir: string, extra: Partial<FleetProps> = {}, lockdown = false) {
  const app = new GitOpsApp({ outdir, printBaselineReport: false });
  const repo = new Repo(app, 'fleet', { url: 'https://github.com/contoso/fleet' });
  const mgmt = repo.folder('clusters/mgmt', { includeSubfolders: false });
  declarePreinstalled(mgmt, Preinstalled.CAPI_CLUSTER_TOPOLOGY, Preinstalled.CAPZ);
  const fluxFolder = repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' });
  fluxFolder.addResource('gotk-components.yaml', { userOwned: true });
  const flux = new FluxBootstrap(fluxFolder, 'flux', { repo, entry: mgmt, componentsExtra: ['source-watcher'], lockdown });
  for (const ns of ['fleet-a', 'fleet-b']) new kplus.Namespace(mgmt, ns, { metadata: { name: ns } });
  const cls = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
    name: 'aks', namespace: 'fleet-a', location: 'westeurope', machinePoolClasses: [{ class: 'system', pool: SYSTEM_POOL }],
  });
  const shared = repo.folder('shared/base');
  new kplus.Namespace(shared, 'monitoring', { metadata: { name: 'monitoring' } });
  const perNamespace = new Map<string, GitRepository>();
  const source = lockdown
    ? (ns: string) => perNamespace.get(ns) ?? perNamespace.set(ns, new GitRepository(repo.folder(`clusters/mgmt/sources/${ns}`, { namespace: ns }), 'source', { name: 'fleet', repo })).get(ns)!
    : flux.source;
  const fleet = new Fleet(mgmt, 'fleet', {
    repo, clusterClass: cls, source, buckets: 2,
    ...(lockdown ? { managementSource: flux.source, managementServiceAccountName: 'kustomize-controller', hydrationServiceAccountName: 'flux-applier' } : {}),
    bucketSources: { perClusterArtifacts: true, include: ['shared/base'] },
    defaults: { kubernetesVersion: 'v1.33.2' },
    clusters: Array.from({ length: 6 }, (_, i) => ({ name: `c${i}`, namespace: i % 3 === 2 ? 'fleet-b' : 'fleet-a' })),
    ...extra,
  });
  for (const m of fleet.members) {
    new kplus.Namespace(m.stageFolders.apps, 'apps', { metadata: { name: 'apps' } });
    m.stageFolders.infrastructure.addResource('../../shared/base');
  }
  const sub = (name: string, dependsOn: Kustomization[] = []) =>
    Kustomization.forFolder(mgmt, `mgmt-${name}`, repo.folder(`clusters/mgmt/${name}`), { name: `mgmt-${name}`, source: flux.source, prune: true, dependsOn, ...(lockdown ? { serviceAccountName: 'kustomize-controller' } : {}) });
  const classes = sub('classes');
  if (lockdown) sub('sources');
  sub('fleet', [classes]);
  return { app, repo, fleet };
}

describe('Fleet perClusterArtifacts', () => {
  test('one generator per bucket beside its source; each cluster\'s hydration applies its own artifact of its stage folders', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-artifacts-'));
    const { app, fleet } = fleetApp(out);
    const objs = Testing.objects(app);
    const generators = objs.filter((o) => o.kind === 'ArtifactGenerator');
    expect(generators.map((g) => `${g.metadata.namespace}/${g.metadata.name}`).sort()).toEqual(['flux-system/fleet-b0', 'flux-system/fleet-b1']);
    for (const m of fleet.members) {
      const name = `fleet-${m.bucket}-${m.cluster.name}`;
      const gen = generators.find((g) => g.metadata.name === `fleet-${m.bucket}`)!;
      // No shard key: one source-watcher serves every generator.
      expect(gen.metadata.labels).toBeUndefined();
      expect(gen.spec.sources).toEqual([{ alias: 'repo', kind: 'GitRepository', name: `fleet-${m.bucket}` }]);
      expect(gen.spec.artifacts.find((a: { name: string }) => a.name === name)).toEqual({
        name,
        // The commit in the artifact's metadata (lastAppliedOriginRevision); the revision stays the digest.
        originRevision: '@repo',
        copy: [`apps/${m.cluster.name}`, `infrastructure/${m.cluster.name}`, 'shared/base'].map((d) => ({ from: `@repo/${d}/**`, to: `@artifact/${d}/` })),
      });
      for (const k of m.kustomizations) expect(Testing.find(objs, 'Kustomization', k.name).spec.sourceRef).toEqual({ kind: 'ExternalArtifact', name, namespace: 'flux-system' });
    }
    app.synth();
    if (!kubectl) return;
    // The bucket Kustomization applies the generator; each artifact, rebuilt from the written tree
    // as source-watcher copies it, holds everything its cluster's builds read.
    const m = fleet.members[0];
    const built = parseAllDocuments(execFileSync('kubectl', ['kustomize', path.join(out, 'fleet/clusters/mgmt/fleet', m.bucket!)], { encoding: 'utf8' })).map((d) => d.toJS());
    expect(built.filter((o) => o.kind === 'ArtifactGenerator').map((o) => o.metadata.name)).toEqual([`fleet-${m.bucket}`]);
    const gen = generators.find((g) => g.metadata.name === `fleet-${m.bucket}`)!;
    for (const artifact of gen.spec.artifacts as Array<{ name: string; copy: Array<{ from: string; to: string }> }>) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'artifact-'));
      for (const c of artifact.copy) fs.cpSync(path.join(out, 'fleet', c.from.slice('@repo/'.length, -'/**'.length)), path.join(dir, c.to.slice('@artifact/'.length)), { recursive: true });
      const cluster = artifact.name.slice(`fleet-${m.bucket}-`.length);
      const infra = parseAllDocuments(execFileSync('kubectl', ['kustomize', path.join(dir, 'infrastructure', cluster)], { encoding: 'utf8' })).map((d) => d.toJS());
      expect(infra.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/monitoring']);
      execFileSync('kubectl', ['kustomize', path.join(dir, 'apps', cluster)], { stdio: 'ignore' });
    }
  });

  test('under a lockdown: a generator per bucket and namespace, in the clusters\' namespace, reading that namespace\'s bucket source', () => {
    const { app, fleet } = fleetApp('/tmp/fleet-artifacts-unused', {}, true);
    const objs = Testing.objects(app); // the lockdown check passes: no cross-namespace reference
    for (const m of fleet.members) {
      const ns = m.cluster.kubeconfigSecret.secretNamespace;
      const gen = Testing.find(objs, 'ArtifactGenerator', `fleet-${m.bucket}`, ns);
      expect(gen.spec.sources).toEqual([{ alias: 'repo', kind: 'GitRepository', name: `fleet-${m.bucket}` }]);
      for (const k of m.kustomizations) expect(Testing.find(objs, 'Kustomization', k.name).spec.sourceRef).toEqual({ kind: 'ExternalArtifact', name: `fleet-${m.bucket}-${m.cluster.name}` });
    }
  });

  test('the apply-order check follows a hydration Kustomization through its artifact to the repo (at synth)', () => {
    const widgets = (app: GitOpsApp, fleet: Fleet) => {
      app.addUnvalidatedKind('example.com/Widget', 'a kind no cluster of the test installs');
      for (const m of fleet.members) new ApiObject(m.stageFolders.apps, 'widget', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'apps' } });
    };
    const { app, fleet } = fleetApp('/tmp/fleet-artifacts-unused');
    widgets(app, fleet);
    const problems = Testing.synthProblems(app);
    // One line per cluster (the kind is missing on each workload cluster), as with a GitRepository source.
    expect(problems).toHaveLength(fleet.members.length);
    expect(problems[0]).toMatch(/: Widget apps\/w in Kustomization fleet-a\/c0-apps: its kind Widget \(example\.com\) is not built in, not defined by a CRD in the build, not established by any Kustomization applied to cluster "c0", /);
  });

  test('validate of the written tree checks the builds of artifact sources too', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-artifacts-validate-'));
    const { app } = fleetApp(out);
    app.synth();
    // The Flux install flux bootstrap commits, which the flux-system folder lists.
    fs.writeFileSync(path.join(out, 'fleet/clusters/mgmt/flux-system/gotk-components.yaml'), FLUX_INSTALL_WITH_SOURCE_WATCHER_YAML);
    // A Widget written into one cluster's apps folder by hand (listed by its kustomization.yaml).
    const apps = path.join(out, 'fleet/apps/c0');
    fs.writeFileSync(path.join(apps, 'widget.yaml'), 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: apps\n');
    fs.appendFileSync(path.join(apps, 'kustomization.yaml'), '  - widget.yaml\n');
    const io = { cwd: out, stdout: jest.fn(), stderr: jest.fn() } as any;
    const code = await runValidate(['fleet'], { preinstalled: ['capi-cluster-topology', 'capz', 'source-watcher'], allowUnvalidated: ['example.com/Widget'] }, io);
    const text = io.stdout.mock.calls.map((c: string[]) => c[0]).join('');
    expect([code, text]).toEqual([1, expect.stringContaining('fleet/apps/c0/widget.yaml#0: Widget apps/w in Kustomization fleet-a/c0-apps: its kind Widget (example.com) is not built in')]);
    expect(text).toContain(': 1 issue (');
  });

  test('one mistake, few lines: a base no artifact copies is one line for all generators, an include typo one line for the bucket sources and one for all generators', () => {
    // Without the include, every stage folder reads ../../shared/base, which no artifact copies.
    const { app } = fleetApp('/tmp/fleet-artifacts-unused', { bucketSources: { perClusterArtifacts: true } });
    expect(Testing.synthProblems(app)).toEqual([
      'fleet/clusters--mgmt--fleet--b1--c0/Hydration/infrastructure: Kustomization fleet-a/c0-infrastructure builds from "shared/base", which its source ExternalArtifact flux-system/fleet-b1-c0 ' +
        '(of ArtifactGenerator flux-system/fleet-b1) does not copy (so do 5 more Kustomizations of the artifacts of 2 generators): kustomize-controller would not find it; ' +
        'add "shared/base/" to the artifact\'s directories (addDirectory) (a Fleet\'s bucketSources.include)',
    ]);
    const typo = fleetApp('/tmp/fleet-artifacts-unused', { bucketSources: { perClusterArtifacts: true, include: ['shared/base', 'shared/typo'] } });
    expect(Testing.synthProblems(typo.app)).toEqual([
      expect.stringMatching(/: GitRepository flux-system\/fleet-b\d: sparseCheckout "shared\/typo\/" is no folder of repo fleet \(so do 1 more source\): source-controller fails a source/),
      expect.stringMatching(/: ArtifactGenerator flux-system\/fleet-b\d: artifact "fleet-b\d-c\d" copies directory "shared\/typo", which is no folder of repo fleet \(so do 5 more artifacts of 2 generators\): /),
    ]);
  });

  test('a bucket of more than 1,000 clusters is refused (of one namespace, with a source per namespace): a generator generates at most 1,000 artifacts', () => {
    // One source: one generator per bucket, whatever the clusters' namespaces.
    const rows = Array.from({ length: 1001 }, (_, i) => ({ name: `c${i}`, namespace: i % 2 ? 'fleet-b' : 'fleet-a' }));
    expect(Testing.errorOf(() => fleetApp('/tmp/fleet-artifacts-unused', { buckets: 1, clusters: rows }))).toBe(
      'fleet/clusters--mgmt/fleet: prop "buckets": bucket generator flux-system/fleet-b0 would generate 1001 artifacts, one per cluster; an ArtifactGenerator generates at most 1000 (source-watcher\'s CRD): ' +
        'raise buckets (now 1) so that no bucket holds more than 1000 clusters',
    );
    // A source per namespace (the lockdown recipe): one generator per bucket and namespace.
    const oneNamespace = Array.from({ length: 1001 }, (_, i) => ({ name: `c${i}`, namespace: 'fleet-a' }));
    expect(Testing.errorOf(() => fleetApp('/tmp/fleet-artifacts-unused', { buckets: 1, clusters: oneNamespace }, true))).toBe(
      'fleet/clusters--mgmt/fleet: prop "buckets": bucket generator fleet-a/fleet-b0 would generate 1001 artifacts, one per cluster; an ArtifactGenerator generates at most 1000 (source-watcher\'s CRD): ' +
        'raise buckets (now 1) so that no bucket holds more than 1000 clusters of one namespace',
    );
  });
});

describe('probe findings', () => {
  test('a source name with dots is refused (source-watcher SourceReference.Name); so is a Fleet management path whose last segment has one', () => {
    const { repo, entry } = setup();
    const dotted = new GitRepository(entry, 'dotted', { name: 'fleet.v2', namespace: 'flux-system', repo });
    expect(Testing.errorOf(() => new ArtifactGenerator(entry, 'gen', { name: 'g', sources: [{ alias: 'repo', source: dotted }] }))).toBe(
      'platform/clusters--mgmt/gen: prop "sources[0].source": GitRepository "fleet.v2": source-watcher refers to a source by a name of lower case letters, digits and "-" (SourceReference.Name, no dots, at most 253 characters): rename the source',
    );
    expect(Testing.errorOf(() => fleetApp('/tmp/fleet-artifacts-unused', { managementPath: 'clusters/mgmt/fleet.v2' }))).toBe(
      'fleet/clusters--mgmt/fleet: prop "managementPath": its last segment "fleet.v2" names the bucket Kustomizations and sources ("fleet.v2-<bucket>"), which must be ' +
        'a name source-watcher refers to (SourceReference.Name): lower case letters, digits and "-", no dots, at most 253 characters',
    );
    // Without per-cluster artifacts a dot is a valid name; an underscore or an empty label never is
    // (they crashed on the second cluster of a bucket).
    for (const bad of ['fleet_v2', 'fleet..v2', 'fleet.-v2']) {
      expect(Testing.errorOf(() => fleetApp('/tmp/fleet-artifacts-unused', { managementPath: `clusters/mgmt/${bad}`, bucketSources: {} }))).toBe(
        `fleet/clusters--mgmt/fleet: prop "managementPath": its last segment "${bad}" names the bucket Kustomizations and sources ("${bad}-<bucket>"), which must be ` +
          'a DNS subdomain (lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters)',
      );
    }
    expect(() => fleetApp('/tmp/fleet-artifacts-unused', { managementPath: 'clusters/mgmt/fleet.v2', bucketSources: {} })).not.toThrow();
  });

  test('bucketSources.include may not hold the stage folders, nor be a cluster\'s (with or without per-cluster artifacts)', () => {
    expect(Testing.errorOf(() => fleetApp('/tmp/fleet-artifacts-unused', { bucketSources: { include: ['apps'] } }))).toBe(
      'fleet/clusters--mgmt/fleet: prop "bucketSources.include[0]": "apps" holds the stage folders "apps/<cluster>", which the bucket sources already check out per bucket: ' +
        'every bucket source would hold every cluster\'s folders, whose changes would then reach every bucket; include only what the stage folders share (bases, components)',
    );
    expect(Testing.errorOf(() => fleetApp('/tmp/fleet-artifacts-unused', { bucketSources: { perClusterArtifacts: true, include: ['shared/base', './apps/c3/'] } }))).toBe(
      'fleet/clusters--mgmt/fleet: prop "bucketSources.include[1]": "apps/c3" is in the stage folders of cluster "c3", which its bucket source already checks out: ' +
        'in every bucket source, its changes would reach every bucket; include only what the stage folders share (bases, components)',
    );
  });

  test('a generator over etcd\'s request limit is refused', () => {
    const { app, repo, entry, flux } = setup();
    // Four shared directories of 190 characters in every artifact: about 1.7 KiB per artifact.
    const dirs = ['a', 'b', 'c', 'd'].map((x) => `shared/${x.repeat(60)}/${x.repeat(60)}/${x.repeat(60)}`);
    dirs.forEach((d, i) => new kplus.ConfigMap(repo.folder(d), 'cm', { metadata: { name: `cm${i}` } }));
    const gen = new ArtifactGenerator(entry, 'gen', { name: 'apps', sources: [{ alias: 'repo', source: flux.source }] });
    for (let i = 0; i < 1000; i++) gen.addArtifact({ name: `a${i}`, directories: dirs });
    expect(Testing.synthProblems(app)).toEqual([
      expect.stringMatching(/^platform\/clusters--mgmt\/gen: ArtifactGenerator flux-system\/apps would be about \d{4} KiB with its status \(1000 artifacts\), over the 1,536 KiB the API server stores in one object \(etcd --max-request-bytes\): split its artifacts over more generators \(a Fleet: raise buckets, or list fewer bucketSources\.include directories, which every artifact copies\)$/),
    ]);
  });

  test('chained generators: an artifact of another generator\'s artifact is checked against what that one copies; a GitRepository\'s includes are not a folder of the repo', () => {
    const { app, repo, entry, flux } = setup();
    for (const d of ['apps/prod', 'apps/dev']) new kplus.ConfigMap(repo.folder(d), 'cm', { metadata: { name: d.replace('/', '-') } });
    const first = new ArtifactGenerator(entry, 'first', { name: 'first', sources: [{ alias: 'repo', source: flux.source }], artifacts: [{ name: 'prod', directories: ['apps/prod'] }] });
    const second = new ArtifactGenerator(entry, 'second', { name: 'second', sources: [{ alias: 'up', source: first.artifacts[0] }] });
    second.addArtifact({ name: 'dev', directories: ['apps/dev'] });
    const charts = new GitRepository(entry, 'charts', { name: 'charts', namespace: 'flux-system', url: 'https://github.com/contoso/charts' });
    const withInclude = new GitRepository(entry, 'with-include', { name: 'with-include', namespace: 'flux-system', repo, include: [{ repository: charts, toPath: 'vendor/charts' }] });
    new ArtifactGenerator(entry, 'third', { name: 'third', sources: [{ alias: 'repo', source: withInclude }], artifacts: [{ name: 'podinfo', directories: ['vendor/charts/podinfo'] }] });
    expect(Testing.synthProblems(app)).toEqual([
      'platform/clusters--mgmt/second: ArtifactGenerator flux-system/second: artifact "dev" copies directory "apps/dev", which is outside the directories of artifact source up (apps/prod/): ' +
        'source-watcher stops the generator at a copy that matches no file (the artifacts after it, its inventory and its garbage collection wait until it is fixed); create the folder, or drop the directory',
    ]);
  });

  test('a HelmRelease takes a chart from an ExternalArtifact (chartRef)', () => {
    const { app, entry, flux } = setup();
    const gen = new ArtifactGenerator(entry, 'gen', { name: 'charts', sources: [{ alias: 'repo', source: flux.source }], artifacts: [{ name: 'podinfo', copy: [{ from: '@repo/charts/podinfo/**', to: '@artifact/' }] }] });
    new HelmRelease(entry, 'podinfo', { name: 'podinfo', chartRef: gen.artifacts[0] });
    expect(Testing.find(Testing.objects(app), 'HelmRelease', 'podinfo').spec.chartRef).toEqual({ kind: 'ExternalArtifact', name: 'podinfo' });
  });
});
