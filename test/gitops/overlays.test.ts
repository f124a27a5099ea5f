// Kustomize bases, overlays and components: the exact kustomization.yaml of each, what
// `kubectl kustomize <overlay>` outputs, the synth checks (patch targets, patched objects against
// their schema, images, addResource targets) and their exact errors, and the readers that must
// keep working (references, plan, ownership manifest).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, JsonPatch } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { addReference, Folder, GitOpsApp, KustomizePatch, Repo, SynthError } from '../../lib';
import { HelmRelease, HelmRepository } from '../../lib/flux';
import { platformGitops } from '../../examples/platform-gitops/app';
import { tree } from '../support/tree';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'overlays-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

let kubectl = true;
try {
  execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
} catch {
  kubectl = false;
}

/** `kubectl kustomize <dir>` as objects, keyed `Kind/name`. */
function build(dir: string): Record<string, any> {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return Object.fromEntries(parseAllDocuments(out).map((d) => d.toJS()).map((o) => [`${o.kind}/${o.metadata.name}`, o]));
}

interface Platform {
  app: GitOpsApp;
  repo: Repo;
  base: Folder;
  settings: ApiObject;
  web: ApiObject;
  ingress: HelmRelease;
}

/** A base with a ConfigMap, a Deployment and a HelmRelease (+ its HelmRepository). */
function platform(outdir = tmp(), validation = true): Platform {
  const app = new GitOpsApp({ outdir, validation, printBaselineReport: false });
  const repo = new Repo(app, 'platform');
  const base = repo.folder('platform/base');
  const settings = new ApiObject(base, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'platform' }, data: { level: 'info' } });
  const web = new ApiObject(base, 'web', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'platform' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25.0' }, { name: 'sidecar', image: 'busybox:1.36' }] } },
    },
  });
  const charts = new HelmRepository(base, 'charts', { name: 'ingress-nginx', namespace: 'flux-system', url: 'https://kubernetes.github.io/ingress-nginx' });
  const ingress = new HelmRelease(base, 'ingress', {
    name: 'ingress-nginx',
    namespace: 'flux-system',
    chart: { repository: charts, chart: 'ingress-nginx', version: '4.11.0' },
    values: { controller: { replicaCount: 1, service: { internal: true } } },
  });
  return { app, repo, base, settings, web, ingress };
}

/** The platform with a prod overlay (patches, image, labels, HA component) and a dev overlay. */
function environments(outdir = tmp()) {
  const p = platform(outdir);
  const ha = p.repo.component('platform/components/ha', {
    patches: [KustomizePatch.json6902(p.web, JsonPatch.replace('/spec/replicas', 2))],
  });
  new ApiObject(ha, 'pdb', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'platform' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } });
  const prod = p.repo.overlay('platform/overlays/prod', {
    base: p.base,
    cluster: 'prod',
    labels: { env: 'prod' },
    components: [ha],
    patches: [
      KustomizePatch.strategicMerge(p.ingress, { spec: { values: { controller: { replicaCount: 3 } } } }),
      KustomizePatch.json6902(p.ingress, JsonPatch.replace('/spec/chart/spec/version', '4.12.1')),
      KustomizePatch.strategicMerge(p.settings, { data: { level: 'warn' } }),
    ],
    images: [{ name: 'nginx', newTag: '1.27.2' }],
  });
  const dev = p.repo.overlay('platform/overlays/dev', {
    base: p.base,
    cluster: 'dev',
    namespace: 'platform-dev',
    namePrefix: 'dev-',
    patches: [KustomizePatch.delete(p.settings)],
  });
  return { ...p, ha, prod, dev };
}

describe('overlays: rendered kustomization.yaml', () => {
  test('an overlay lists its base by relative path, then components, labels, patches, images', () => {
    const { app } = environments();
    const files = app.renderToMemory().get('platform')!;
    expect(files.get('platform/overlays/prod/kustomization.yaml')).toBe(
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources:',
        '  - ../../base',
        'components:',
        '  - ../../components/ha',
        'labels:',
        '  - pairs:',
        '      env: prod',
        'patches:',
        '  - patch: |',
        '      apiVersion: helm.toolkit.fluxcd.io/v2',
        '      kind: HelmRelease',
        '      metadata:',
        '        name: ingress-nginx',
        '        namespace: flux-system',
        '      spec:',
        '        values:',
        '          controller:',
        '            replicaCount: 3',
        '    target:',
        '      group: helm.toolkit.fluxcd.io',
        '      version: v2',
        '      kind: HelmRelease',
        '      name: ingress-nginx',
        '      namespace: flux-system',
        '  - patch: |',
        '      - op: replace',
        '        path: /spec/chart/spec/version',
        '        value: 4.12.1',
        '    target:',
        '      group: helm.toolkit.fluxcd.io',
        '      version: v2',
        '      kind: HelmRelease',
        '      name: ingress-nginx',
        '      namespace: flux-system',
        '  - patch: |',
        '      apiVersion: v1',
        '      kind: ConfigMap',
        '      metadata:',
        '        name: settings',
        '        namespace: platform',
        '      data:',
        '        level: warn',
        '    target:',
        '      version: v1',
        '      kind: ConfigMap',
        '      name: settings',
        '      namespace: platform',
        'images:',
        '  - name: nginx',
        '    newTag: 1.27.2',
        '',
      ].join('\n'),
    );
    expect(files.get('platform/overlays/dev/kustomization.yaml')).toBe(
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources:',
        '  - ../../base',
        'namespace: platform-dev',
        'namePrefix: dev-',
        'patches:',
        '  - patch: |',
        '      $patch: delete',
        '      apiVersion: v1',
        '      kind: ConfigMap',
        '      metadata:',
        '        name: settings',
        '        namespace: platform',
        '    target:',
        '      version: v1',
        '      kind: ConfigMap',
        '      name: settings',
        '      namespace: platform',
        '',
      ].join('\n'),
    );
  });

  test('a component is kind Component (v1alpha1) with its own files; bases, overlays and components are not listed by their parent', () => {
    const { app, repo } = environments();
    repo.folder('platform');
    const files = app.renderToMemory().get('platform')!;
    expect(files.get('platform/components/ha/kustomization.yaml')).toBe(
      [
        'apiVersion: kustomize.config.k8s.io/v1alpha1',
        'kind: Component',
        'resources:',
        '  - poddisruptionbudget-web.yaml',
        'patches:',
        '  - patch: |',
        '      - op: replace',
        '        path: /spec/replicas',
        '        value: 2',
        '    target:',
        '      group: apps',
        '      version: v1',
        '      kind: Deployment',
        '      name: web',
        '      namespace: platform',
        '',
      ].join('\n'),
    );
    expect(files.get('platform/kustomization.yaml')).toBe('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n');
    expect(files.get('platform/base/kustomization.yaml')).toBe(
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - configmap-settings.yaml\n  - deployment-web.yaml\n  - helmrelease-ingress-nginx.yaml\n  - helmrepository-ingress-nginx.yaml\n',
    );
    // The overlays hold no object files: only their kustomization.yaml.
    expect([...files.keys()].filter((f) => f.startsWith('platform/overlays/'))).toEqual(['platform/overlays/dev/kustomization.yaml', 'platform/overlays/prod/kustomization.yaml']);
  });

  test('a name with dots is matched literally (kustomize targets are anchored regular expressions)', () => {
    const p = platform();
    const cm = new ApiObject(p.base, 'dotted', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a.b', namespace: 'platform' }, data: { x: '1' } });
    p.repo.overlay('platform/overlays/x', { base: p.base, patches: [KustomizePatch.strategicMerge(cm, { data: { x: '2' } })] });
    expect(p.app.renderToMemory().get('platform')!.get('platform/overlays/x/kustomization.yaml')).toContain('      name: a\\.b\n');
  });
});

(kubectl ? describe : describe.skip)('overlays: kubectl kustomize builds them', () => {
  const out = tmp();
  beforeAll(() => environments(out).app.synth());

  test('prod: patched values, image tag, labels, the component\'s object and patch', () => {
    const prod = build(path.join(out, 'platform', 'platform', 'overlays', 'prod'));
    expect(Object.keys(prod).sort()).toEqual(['ConfigMap/settings', 'Deployment/web', 'HelmRelease/ingress-nginx', 'HelmRepository/ingress-nginx', 'PodDisruptionBudget/web']);
    expect(prod['HelmRelease/ingress-nginx'].spec.values).toEqual({ controller: { replicaCount: 3, service: { internal: true } } });
    expect(prod['HelmRelease/ingress-nginx'].spec.chart.spec.version).toBe('4.12.1');
    expect(prod['ConfigMap/settings'].data).toEqual({ level: 'warn' });
    expect(prod['Deployment/web'].spec.replicas).toBe(2);
    expect(prod['Deployment/web'].spec.template.spec.containers.map((c: any) => c.image)).toEqual(['nginx:1.27.2', 'busybox:1.36']);
    expect(prod['Deployment/web'].metadata.labels).toEqual({ env: 'prod' });
    // labels leave selectors alone (a Deployment's selector is immutable).
    expect(prod['Deployment/web'].spec.selector).toEqual({ matchLabels: { app: 'web' } });
  });

  test('dev: the deleted object is gone, the rest is renamed and re-namespaced', () => {
    const dev = build(path.join(out, 'platform', 'platform', 'overlays', 'dev'));
    expect(Object.keys(dev).sort()).toEqual(['Deployment/dev-web', 'HelmRelease/dev-ingress-nginx', 'HelmRepository/dev-ingress-nginx']);
    expect(dev['Deployment/dev-web'].metadata.namespace).toBe('platform-dev');
    expect(dev['Deployment/dev-web'].spec.replicas).toBe(1);
  });

  test('the base builds unchanged', () => {
    const base = build(path.join(out, 'platform', 'platform', 'base'));
    expect(base['HelmRelease/ingress-nginx'].spec.values.controller.replicaCount).toBe(1);
    expect(base['ConfigMap/settings'].data).toEqual({ level: 'info' });
  });
});

(kubectl ? describe : describe.skip)('overlays: the in-memory patched object (what synth validates) is what kustomize builds', () => {
  test('strategic merge on a built-in kind merges containers by name; on a custom resource lists are replaced; JSON 6902 and null', () => {
    const out = tmp();
    const p = platform(out);
    const patches = [
      KustomizePatch.strategicMerge(p.web, { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox:1.37' }, { name: 'extra', image: 'nginx:1.27.2' }] } } } }),
      KustomizePatch.strategicMerge(p.ingress, { spec: { values: { controller: { service: null, extraArgs: ['--v=2'] } } } }),
      KustomizePatch.json6902(p.settings, JsonPatch.add('/data/mode', 'strict'), JsonPatch.remove('/data/level')),
    ];
    p.repo.overlay('platform/overlays/x', { base: p.base, patches });
    p.app.synth();
    const built = build(path.join(out, 'platform', 'platform', 'overlays', 'x'));
    const rendered = (o: ApiObject) => parseAllDocuments(fs.readFileSync(path.join(out, 'platform', 'platform', 'base', `${o.kind.toLowerCase()}-${o.name}.yaml`), 'utf8'))[0].toJS();
    const byName = (containers: Array<{ name: string }>) => [...containers].sort((a, b) => a.name.localeCompare(b.name));
    const web = patches[0].applyTo(rendered(p.web)) as any;
    expect(byName(web.spec.template.spec.containers)).toEqual(byName(built['Deployment/web'].spec.template.spec.containers));
    expect(patches[1].applyTo(rendered(p.ingress.apiObject))!.spec).toEqual(built['HelmRelease/ingress-nginx'].spec);
    expect(patches[2].applyTo(rendered(p.settings))).toEqual(built['ConfigMap/settings']);
  });
});

describe('overlays: errors', () => {
  test('a patch of an object outside the base is refused when added', () => {
    const p = platform();
    const other = new ApiObject(p.repo.folder('elsewhere'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' }, data: {} });
    expect(() => p.repo.overlay('platform/overlays/prod', { base: p.base, patches: [KustomizePatch.strategicMerge(other, { data: { a: 'b' } })] })).toThrow(
      'platform/platform--overlays--prod: prop "patches[0]": targets ConfigMap "other" (platform/elsewhere/cm), which is not an object of base folder "platform/base"; patch an object created in the base',
    );
  });

  test('a patch of an object of a sub-folder the base does not include fails at synth', () => {
    const app = new GitOpsApp({ outdir: tmp(), validation: false });
    const repo = new Repo(app, 'r');
    const base = repo.folder('base', { includeSubfolders: false });
    const sub = new ApiObject(repo.folder('base/extra'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra' }, data: {} });
    repo.overlay('prod', { base, patches: [KustomizePatch.strategicMerge(sub, { data: { a: 'b' } })] });
    expect(() => app.synth()).toThrow(
      new SynthError(['r/prod: prop "patches[0]": targets ConfigMap "extra" (r/base--extra/cm), which overlay "prod" does not build (base folder "base"); patch an object created in the base']),
    );
  });

  test('a strategic-merge patch with fields the target\'s schema does not have names overlay, patch and target', () => {
    const p = platform();
    p.repo.overlay('platform/overlays/prod', {
      base: p.base,
      patches: [
        KustomizePatch.strategicMerge(p.settings, { data: { level: 'warn' } }),
        KustomizePatch.strategicMerge(p.ingress, { spec: { intervall: '5m', interval: 5 } }),
      ],
    });
    expect(() => p.app.synth()).toThrow(
      new SynthError([
        'platform/platform--overlays--prod (patches[1] of platform/platform--base/ingress/Resource): HelmRelease/flux-system/ingress-nginx: spec.interval: must be of type string, got integer',
        'platform/platform--overlays--prod (patches[1] of platform/platform--base/ingress/Resource): HelmRelease/flux-system/ingress-nginx: spec.intervall: unknown field "intervall"',
      ]),
    );
  });

  test('the merged object is validated: deleting a required field with null is caught', () => {
    const p = platform();
    p.repo.overlay('platform/overlays/prod', { base: p.base, patches: [KustomizePatch.strategicMerge(p.ingress, { spec: { interval: null } })] });
    expect(() => p.app.synth()).toThrow(
      new SynthError(['platform/platform--overlays--prod (patches[0] of platform/platform--base/ingress/Resource): HelmRelease/flux-system/ingress-nginx: spec.interval: required field missing: "interval"']),
    );
  });

  test('a JSON 6902 operation on a missing field names the field', () => {
    const p = platform();
    p.repo.overlay('platform/overlays/prod', { base: p.base, patches: [KustomizePatch.json6902(p.settings, JsonPatch.replace('/data/missing/x', 'warn'))] });
    expect(() => p.app.synth()).toThrow(
      new SynthError([
        'platform/platform--overlays--prod: prop "patches[0]": JSON 6902 patch of ConfigMap "settings" (platform/platform--base/settings) does not apply: ' +
          'operation 0 (replace /data/missing/x): the object has no field "missing" at "/data"; fix the operation',
      ]),
    );
  });

  test('an image override that matches no image of the build', () => {
    const p = platform();
    p.repo.overlay('platform/overlays/prod', { base: p.base, images: [{ name: 'ngnix', newTag: '1.27.2' }] });
    expect(() => p.app.synth()).toThrow(
      new SynthError(['platform/platform--overlays--prod: prop "images[0]": no object built by overlay "platform/overlays/prod" uses image "ngnix" (images used: busybox, nginx); fix the name']),
    );
  });

  test('a second patch of an object deleted by an earlier one', () => {
    const p = platform();
    p.repo.overlay('platform/overlays/prod', { base: p.base, patches: [KustomizePatch.delete(p.settings), KustomizePatch.strategicMerge(p.settings, { data: { a: 'b' } })] });
    expect(() => p.app.synth()).toThrow(
      new SynthError(['platform/platform--overlays--prod: prop "patches[1]": strategic-merge patch of ConfigMap "settings" (platform/platform--base/settings): the object is already deleted by patches[0]']),
    );
  });

  test('a component patch checked against every overlay including it; an unused component with patches', () => {
    const app = new GitOpsApp({ outdir: tmp(), validation: false });
    const repo = new Repo(app, 'r');
    const a = repo.folder('a');
    const b = repo.folder('b');
    const cm = new ApiObject(a, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: {} });
    new ApiObject(b, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' }, data: {} });
    const comp = repo.component('comp', { patches: [KustomizePatch.strategicMerge(cm, { data: { x: 'y' } })] });
    repo.component('unused', { patches: [KustomizePatch.strategicMerge(cm, { data: { x: 'y' } })] });
    repo.overlay('oa', { base: a, components: [comp] });
    repo.overlay('ob', { base: b, components: [comp] });
    expect(() => app.synth()).toThrow(
      new SynthError([
        'r/comp: prop "patches[0]" (in overlay "ob"): targets ConfigMap "cm" (r/a/cm), which overlay "ob" does not build (base folder "b"); patch an object created in the base',
        'r/unused: component "unused" has patches but no overlay includes it; add it to an overlay\'s components, or remove it',
      ]),
    );
  });

  test('props checked when the overlay is created', () => {
    const p = platform();
    const other = new Repo(p.app, 'other').folder('base');
    const expectError = (f: () => unknown, message: string) => expect(f).toThrow(message);
    expectError(() => p.repo.overlay('o1', { base: other }), 'platform/o1: prop "base": folder "base" is not in the overlay\'s repo');
    const o = p.repo.overlay('o2', { base: p.base });
    expectError(() => p.repo.overlay('o3', { base: o }), 'platform/o3: prop "base": folder "o2" is an overlay or a component; use a plain folder as the base of every overlay');
    expectError(() => p.repo.overlay('platform/base/prod', { base: p.base }), 'platform/platform--base--prod: prop "base": folder "platform/base" contains the overlay "platform/base/prod"; put the overlay beside its base');
    expectError(() => p.repo.overlay('o4', { base: p.base, namePrefix: 'Dev_' }), 'platform/o4: prop "namePrefix": "Dev_" is invalid: must be lowercase letters, digits, "-" and "." (at most 62 characters)');
    expectError(() => p.repo.overlay('o5', { base: p.base, images: [{ name: 'nginx', newTag: '1', digest: `sha256:${'a'.repeat(64)}` }] }), 'platform/o5: prop "images[0]": set newTag or digest, not both (a digest pins the image)');
    expectError(() => p.repo.overlay('o6', { base: p.base, images: [{ name: 'nginx' }] }), 'platform/o6: prop "images[0]": changes nothing: set newName, newTag or digest for image "nginx"');
    expectError(() => p.repo.overlay('o7', { base: p.base, images: [{ name: 'nginx:1.0', newTag: '2' }] }), 'platform/o7: prop "images[0].name": "nginx:1.0" is invalid: must be an image name without tag or digest (e.g. "nginx" or "ghcr.io/org/app")');
    expectError(
      () => p.repo.overlay('o8', { base: p.base, patches: [KustomizePatch.strategicMerge(p.settings, { metadata: { name: 'x' } })] }),
      'platform/o8: prop "patches[0].metadata.name": is taken from the target ConfigMap "settings"; rename objects with the overlay\'s namePrefix/nameSuffix/namespace',
    );
    expectError(() => p.repo.overlay('o9', { base: p.base, patches: [KustomizePatch.strategicMerge(p.settings, { kind: 'Secret' })] }), 'platform/o9: prop "patches[0].kind": is taken from the target ConfigMap "settings"; leave it out');
    expectError(() => p.repo.overlay('o12', { base: p.repo.folder('flat', { kustomization: false }) }), 'platform/o12: prop "base": folder "flat" writes no kustomization.yaml (kustomization: false), so kustomize cannot build it');
    expectError(() => p.repo.overlay('o10', { base: p.base, patches: [KustomizePatch.json6902(p.settings)] }), 'platform/o10: prop "patches[0]": has no JSON 6902 operations');
    expectError(() => p.repo.overlay('o11', { base: p.base, patches: [KustomizePatch.strategicMerge(p.base, { data: {} })] }), 'platform/o11: prop "patches[0]": platform/platform--base: holds 4 Kubernetes objects, so it cannot be a patch target; pass one of its ApiObjects');
  });
});

describe('addResource: paths inside the repo', () => {
  test('another folder (by path or as a Folder) and a user-owned file are listed relative to the folder', () => {
    const app = new GitOpsApp({ outdir: tmp(), validation: false });
    const repo = new Repo(app, 'r');
    const shared = repo.folder('shared/monitoring');
    new ApiObject(shared, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm' }, data: {} });
    const cluster = repo.folder('clusters/prod', { includeSubfolders: false });
    cluster.addResource('../../shared/monitoring');
    cluster.addResource(repo.folder('shared/monitoring'));
    cluster.addResource('gotk-components.yaml', { userOwned: true });
    cluster.addResource('../../shared/monitoring/configmap-m.yaml');
    expect(cluster.additionalResources).toEqual(['../../shared/monitoring', '../../shared/monitoring/configmap-m.yaml', 'gotk-components.yaml']);
    expect(app.renderToMemory().get('r')!.get('clusters/prod/kustomization.yaml')).toBe(
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../shared/monitoring\n  - ../../shared/monitoring/configmap-m.yaml\n  - gotk-components.yaml\n',
    );
  });

  test('paths leaving the repo, absolute paths, URLs, the folder itself and cycles are refused', () => {
    const app = new GitOpsApp({ outdir: tmp() });
    const repo = new Repo(app, 'r');
    const f = repo.folder('clusters/prod');
    expect(() => f.addResource('../../../outside')).toThrow('r/clusters--prod: addResource("../../../outside"): resolves to "../outside", outside the repo; list only files and folders inside the repo');
    expect(() => f.addResource('/etc/passwd')).toThrow('r/clusters--prod: addResource("/etc/passwd"): must be a "/"-separated path relative to the folder (no absolute paths or URLs)');
    expect(() => f.addResource('https://github.com/org/repo//base?ref=main')).toThrow('r/clusters--prod: addResource("https://github.com/org/repo//base?ref=main"): must be a "/"-separated path relative to the folder (no absolute paths or URLs)');
    expect(() => f.addResource('.')).toThrow('r/clusters--prod: addResource("."): a folder cannot list itself');
    expect(() => f.addResource(repo.folder('clusters'))).toThrow('r/clusters--prod: addResource(folder "clusters"): "clusters" contains this folder, so kustomize would build it in a cycle');
    expect(() => f.addResource(new Repo(app, 'other').folder('x'))).toThrow('r/clusters--prod: addResource(folder "x"): the folder is in another repo; list only folders of this folder\'s repo');
  });

  test('at synth the target must be written by the app or declared user-owned', () => {
    const app = new GitOpsApp({ outdir: tmp(), validation: false });
    const repo = new Repo(app, 'r');
    const f = repo.folder('clusters/prod');
    new ApiObject(f, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {} });
    f.addResource('../../missing');
    f.addResource('configmap-c.yaml', { userOwned: true });
    f.addResource(repo.component('comp'));
    f.addResource(repo.folder('flat', { kustomization: false }));
    expect(() => app.synth()).toThrow(
      new SynthError([
        'r/clusters--prod: addResource("../../missing"): "missing" is neither a file nor a folder the app writes in repo "r"; create it with the app, or declare a file you keep yourself with addResource("../../missing", { userOwned: true })',
        'r/clusters--prod: addResource("configmap-c.yaml"): "clusters/prod/configmap-c.yaml" is written by the app in repo "r"; drop { userOwned: true }',
        'r/clusters--prod: addResource("../../comp"): folder "comp" is a kustomize Component, not a resource; include it with an overlay\'s components',
        'r/clusters--prod: addResource("../../flat"): folder "flat" writes no kustomization.yaml (kustomization: false), so kustomize cannot build it; list its files instead',
      ]),
    );
  });

  test('a user-owned file survives synth and is never in the ownership manifest', () => {
    const out = tmp();
    const make = () => {
      const app = new GitOpsApp({ outdir: out, validation: false });
      const f = new Repo(app, 'r').folder('apps');
      new ApiObject(f, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {} });
      f.addResource('mine.yaml', { userOwned: true });
      return app;
    };
    make().synth();
    fs.writeFileSync(path.join(out, 'r', 'apps', 'mine.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n');
    make().synth();
    const files = tree(path.join(out, 'r'));
    expect(files['apps/mine.yaml']).toBe('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n');
    expect(JSON.parse(files['.cdk8s-platform.json']).files).toEqual(['apps/configmap-c.yaml', 'apps/kustomization.yaml']);
    if (kubectl) expect(Object.keys(build(path.join(out, 'r', 'apps'))).sort()).toEqual(['ConfigMap/c', 'ConfigMap/mine']);
  });
});

describe('overlays and the rest of the library', () => {
  test('references resolve to the objects an overlay applies on its cluster (renamed, without deleted ones)', () => {
    const p = environments();
    const devCluster = p.repo.folder('clusters/dev', { cluster: 'dev' });
    const probe = new ApiObject(devCluster, 'probe', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe', namespace: 'platform-dev' }, data: {} });
    addReference(probe, 'web', { apiGroup: 'apps', kind: 'Deployment', name: 'dev-web', namespace: 'platform-dev' });
    addReference(probe, 'settings', { apiGroup: '', kind: 'ConfigMap', name: 'dev-settings', namespace: 'platform-dev' });
    addReference(probe, 'prodWeb', { apiGroup: 'apps', kind: 'Deployment', name: 'web', namespace: 'platform' });
    expect(() => p.app.synth()).toThrow(
      new SynthError([
        'platform/clusters--dev/probe: prop "prodWeb": refers to Deployment/platform/web (apps), which is not an object of the app applied to cluster "dev"; create it, or declare an existing one with the kind\'s fromName(...) import',
        'platform/clusters--dev/probe: prop "settings": refers to ConfigMap/platform-dev/dev-settings, which is not an object of the app applied to cluster "dev"; create it, or declare an existing one with the kind\'s fromName(...) import',
      ]),
    );
  });

  test('plan: a changed patch is a change of the overlay\'s kustomization.yaml; an unchanged tree plans nothing', () => {
    const out = tmp();
    environments(out).app.synth();
    expect(environments(out).app.plan().changed).toBe(false);
    const next = environments(out);
    next.prod.addPatch(KustomizePatch.json6902(next.web, JsonPatch.add('/spec/minReadySeconds', 10)));
    const plan = next.app.plan();
    expect(plan.repos[0].files).toEqual({ created: [], updated: ['platform/overlays/prod/kustomization.yaml'], deleted: [] });
    expect(plan.repos[0].changes).toEqual([]);
  });

  test('the ownership manifest lists base, component and overlay files', () => {
    const out = tmp();
    environments(out).app.synth();
    expect(JSON.parse(fs.readFileSync(path.join(out, 'platform', '.cdk8s-platform.json'), 'utf8')).files).toEqual([
      'platform/base/configmap-settings.yaml',
      'platform/base/deployment-web.yaml',
      'platform/base/helmrelease-ingress-nginx.yaml',
      'platform/base/helmrepository-ingress-nginx.yaml',
      'platform/base/kustomization.yaml',
      'platform/components/ha/kustomization.yaml',
      'platform/components/ha/poddisruptionbudget-web.yaml',
      'platform/overlays/dev/kustomization.yaml',
      'platform/overlays/prod/kustomization.yaml',
    ]);
  });
});

describe('examples/platform-gitops: per-environment platform components', () => {
  const out = tmp();
  beforeAll(() => {
    const app = new GitOpsApp({ outdir: out, printBaselineReport: false });
    platformGitops(app);
    app.synth();
  });

  test('each environment\'s Flux Kustomization applies its overlay after the infrastructure controllers', () => {
    const files = tree(path.join(out, 'platform-gitops'));
    for (const env of ['dev', 'test', 'prod']) {
      const ks = parseAllDocuments(files[`clusters/${env}/kustomization-platform-components.yaml`])[0].toJS();
      expect([ks.spec.path, ks.spec.dependsOn]).toEqual([`./platform/overlays/${env}`, [{ name: 'infra-controllers' }]]);
    }
    expect(files['platform/overlays/dev/kustomization.yaml'].split('\n').slice(0, 8)).toEqual([
      'apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', '  - ../../base', 'labels:', '  - pairs:', '      platform.contoso.com/environment: dev', 'patches:',
    ]);
  });

  (kubectl ? test : test.skip)('kubectl kustomize shows each environment\'s values', () => {
    const overlay = (env: string) => build(path.join(out, 'platform-gitops', 'platform', 'overlays', env));
    const dev = overlay('dev');
    const prod = overlay('prod');
    const testEnv = overlay('test');
    expect(dev['HelmRelease/external-dns'].spec.values).toMatchObject({ domainFilters: ['dev.contoso.internal'], txtOwnerId: 'dev', policy: 'upsert-only' });
    expect(prod['HelmRelease/external-dns'].spec.values).toMatchObject({ domainFilters: ['prod.contoso.internal'], txtOwnerId: 'prod', policy: 'sync' });
    expect(dev['ClusterIssuer/letsencrypt'].spec.acme.server).toBe('https://acme-staging-v02.api.letsencrypt.org/directory');
    expect(prod['ClusterIssuer/letsencrypt'].spec.acme.server).toBe('https://acme-v02.api.letsencrypt.org/directory');
    expect([dev['Deployment/blackbox-exporter'].spec.replicas, testEnv['Deployment/blackbox-exporter'].spec.replicas, prod['Deployment/blackbox-exporter'].spec.replicas]).toEqual([1, 2, 2]);
    expect([dev['PodDisruptionBudget/blackbox-exporter'], testEnv['PodDisruptionBudget/blackbox-exporter']?.spec.minAvailable]).toEqual([undefined, 1]);
    expect(prod['Deployment/blackbox-exporter'].spec.template.spec.containers[0].image).toBe('contosoplatform.azurecr.io/prometheus/blackbox-exporter:v0.25.0');
    expect(testEnv['Deployment/blackbox-exporter'].spec.template.spec.containers[0].image).toBe('quay.io/prometheus/blackbox-exporter:v0.25.0');
  });
});
