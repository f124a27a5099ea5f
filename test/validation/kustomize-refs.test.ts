// `validate`: the local files and directories a kustomization file names must be in the tree, or
// kustomize (and kustomize-controller) fails to build it, however valid every object is. Each
// broken tree is also built with `kubectl kustomize` (when kubectl is installed), which must fail,
// and the complete one must build.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runValidate } from '../../lib/cli/validate';
import { isRemoteReference, kustomizationReferences, pathKindOnDisk } from '../../lib/tree/kustomize-refs';

const CM = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: web\ndata:\n  a: b\n`;
const PATCH = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: web\ndata:\n  c: d\n';

function writeTree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kz-refs-'));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

async function validate(dir: string, opts: Parameters<typeof runValidate>[1] = {}): Promise<[number, string[]]> {
  const io = { cwd: dir, stdout: jest.fn(), stderr: jest.fn() } as any;
  const code = await runValidate(['.'], opts, io);
  const lines = io.stdout.mock.calls.map((c: string[]) => c[0]).join('').split('\n').filter((l: string) => l !== '');
  return [code, lines];
}

const kubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Whether `kubectl kustomize dir` builds (undefined without kubectl). */
function kustomizeBuilds(dir: string): boolean | undefined {
  if (!kubectl) return undefined;
  try {
    execFileSync('kubectl', ['kustomize', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Every field kustomize reads a local path from, each naming something the tree has.
const COMPLETE: Record<string, string> = {
  'apps/web/kustomization.yaml': [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    '  - cm.yaml',
    '  - sub',
    '  - https://github.com/org/repo//deploy?ref=v1',
    'components:',
    '  - ../../components/labels',
    'patches:',
    '  - path: patch.yaml',
    '  - patch: |-',
    '      apiVersion: v1',
    '      kind: ConfigMap',
    '      metadata:',
    '        name: web',
    '        namespace: web',
    'patchesStrategicMerge:',
    '  - patch.yaml',
    'configMapGenerator:',
    '  - name: settings',
    '    namespace: web',
    '    files:',
    '      - app.properties',
    '      - other=more.properties',
    '    envs:',
    '      - web.env',
  ].join('\n') + '\n',
  'apps/web/cm.yaml': CM('web'),
  'apps/web/patch.yaml': PATCH,
  'apps/web/app.properties': 'a=b\n',
  'apps/web/more.properties': 'c=d\n',
  'apps/web/web.env': 'E=1\n',
  'apps/web/sub/kustomization.yml': 'resources:\n  - cm.yaml\n',
  'apps/web/sub/cm.yaml': CM('sub'),
  'components/labels/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels:\n  - pairs:\n      team: web\n',
};

describe('the local paths of a kustomization file', () => {
  test('every field kustomize reads one from, with its target; remote and inline entries left out', () => {
    const refs = kustomizationReferences({
      resources: ['cm.yaml', 'sub', 'github.com/org/repo//deploy?ref=v1', 7],
      bases: ['../base'],
      components: ['../c', 'https://example.com/c.git'],
      crds: ['crd.json'],
      configurations: ['conf.yaml'],
      patches: [{ path: 'p.yaml' }, { patch: 'inline' }],
      patchesJson6902: [{ path: 'j.yaml', target: {} }],
      replacements: [{ path: 'r.yaml' }],
      patchesStrategicMerge: ['psm.yaml', 'apiVersion: v1\nkind: ConfigMap\n'],
      configMapGenerator: [{ name: 'a', files: ['k=f.properties', 'g.properties'], envs: ['e.env'], env: 'old.env' }],
      secretGenerator: [{ name: 'b', files: ['s.txt'] }],
      transformers: ['t.yaml', 'apiVersion: builtin\nkind: LabelTransformer\n', '{apiVersion: builtin, kind: NamespaceTransformer, metadata: {name: ns}}', 'https://example.com/t.yaml'],
      generators: ['gen', 'github.com/org/repo//gen?ref=v1'],
      validators: ['v.yaml'],
      openapi: { path: 'schema.json' },
    });
    expect(refs.map((r) => [r.field, r.entry, r.path, r.target])).toEqual([
      ['resources', 'cm.yaml', 'cm.yaml', 'file-or-kustomization'],
      ['resources', 'sub', 'sub', 'file-or-kustomization'],
      ['bases', '../base', '../base', 'file-or-kustomization'],
      ['components', '../c', '../c', 'kustomization'],
      ['crds', 'crd.json', 'crd.json', 'file'],
      ['configurations', 'conf.yaml', 'conf.yaml', 'file'],
      ['patches[0].path', 'p.yaml', 'p.yaml', 'file'],
      ['patchesJson6902[0].path', 'j.yaml', 'j.yaml', 'file'],
      ['replacements[0].path', 'r.yaml', 'r.yaml', 'file'],
      ['patchesStrategicMerge', 'psm.yaml', 'psm.yaml', 'file'],
      ['configMapGenerator[0].files', 'k=f.properties', 'f.properties', 'file'],
      ['configMapGenerator[0].files', 'g.properties', 'g.properties', 'file'],
      ['configMapGenerator[0].envs', 'e.env', 'e.env', 'file'],
      ['configMapGenerator[0].env', 'old.env', 'old.env', 'file'],
      ['secretGenerator[0].files', 's.txt', 's.txt', 'file'],
      ['generators', 'gen', 'gen', 'file-or-kustomization'],
      ['transformers', 't.yaml', 't.yaml', 'file-or-kustomization'],
      ['validators', 'v.yaml', 'v.yaml', 'file-or-kustomization'],
      ['openapi.path', 'schema.json', 'schema.json', 'file'],
    ]);
  });

  test('one-line inline patches; entries kustomize refuses whatever the tree holds', () => {
    const refs = kustomizationReferences({
      resources: ['', 'cm.yaml'],
      components: ['/abs/component'],
      patchesStrategicMerge: ['{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"y":"2"}}', 'patch.yaml'],
      secretGenerator: [{ name: 's', files: ['k=a=b'] }],
    });
    expect(refs.map((r) => [r.field, r.entry, r.target, r.refused])).toEqual([
      ['resources', '', 'refused', 'an empty entry ("new root cannot be empty")'],
      ['resources', 'cm.yaml', 'file-or-kustomization', undefined],
      ['components', '/abs/component', 'refused', 'an absolute path ("cannot be absolute")'],
      ['patchesStrategicMerge', 'patch.yaml', 'file', undefined],
      ['secretGenerator[0].files', 'k=a=b', 'refused', 'more than one "=" ("key=path" takes one)'],
    ]);
  });

  test.each([
    ['sub//f', false],
    ['./sub//f', false],
    ['git.example.com/org/repo//deploy', true],
    ['https://github.com/org/repo//deploy?ref=v1', true],
    ['github.com/org/repo/deploy?ref=main', true],
    ['git@github.com:org/repo.git//deploy', true],
    ['git::https://example.com/repo.git', true],
    ['ssh://git@example.com/org/repo.git', true],
    ['oci://ghcr.io/org/manifests', true],
    ['../base', false],
    ['apps/web/cm.yaml', false],
    ['github-apps/cm.yaml', false],
  ])('%s is remote: %s', (entry, remote) => {
    expect(isRemoteReference(entry)).toBe(remote);
  });
});

test('what is at a path on disk: a file, a directory with a kustomization file (a Component by its kind), a directory, nothing', () => {
  const dir = writeTree({
    'f.yaml': CM('f'),
    'k/Kustomization': 'resources: []\n',
    'c/kustomization.yml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n',
    'd/x.txt': 'x\n',
  });
  expect(['f.yaml', 'k', 'c', 'd', 'nothing'].map((p) => pathKindOnDisk(path.join(dir, p)))).toEqual(['file', 'kustomization', 'component', 'directory', undefined]);
});

describe('validate: what a kustomization file names must be in the tree', () => {
  test('a tree with everything it names: no issue, and kustomize builds it', async () => {
    const dir = writeTree(COMPLETE);
    // The remote resource is kustomize's to fetch: the local build is checked without it.
    const local = writeTree({ ...COMPLETE, 'apps/web/kustomization.yaml': COMPLETE['apps/web/kustomization.yaml'].replace('  - https://github.com/org/repo//deploy?ref=v1\n', '') });
    expect(await validate(dir)).toEqual([0, ['validate: 3 documents in 3 files: no issues (validated by CRD schema: 0, by core schema: 3, by registered schema: 0; not validated: 0)']]);
    expect(kustomizeBuilds(path.join(local, 'apps/web'))).toBe(kubectl ? true : undefined);
  });

  const WHERE = 'apps/web/kustomization.yaml#0';
  test.each<[string, Record<string, string | undefined>, string]>([
    ['a listed file missing', { 'apps/web/cm.yaml': undefined },
      `${WHERE}: resources "cm.yaml": no such file or directory in the tree: kustomize build fails ("accumulating resources"), and so does every Flux Kustomization or Argo CD Application building it; add it, or remove the entry`],
    ['a listed directory without its kustomization file missing', { 'apps/web/sub/kustomization.yml': undefined },
      `${WHERE}: resources "sub": a directory without a kustomization file: kustomize build fails ("unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization'"); add a kustomization.yaml listing its files, or list the files themselves`],
    ['a component missing', { 'components/labels/kustomization.yaml': undefined },
      `${WHERE}: components "../../components/labels": no such directory in the tree: kustomize build fails ("accumulating components"), and so does every Flux Kustomization or Argo CD Application building it; add it, or remove the entry`],
    ['a patch file missing', { 'apps/web/patch.yaml': undefined },
      `${WHERE}: patches[0].path "patch.yaml": no such file in the tree: kustomize build fails ("no such file or directory"), and so does every Flux Kustomization or Argo CD Application building it; add the file, or remove the entry`],
    ['a generator file named with a key missing', { 'apps/web/more.properties': undefined },
      `${WHERE}: configMapGenerator[0].files "other=more.properties": no such file in the tree: kustomize build fails ("no such file or directory"), and so does every Flux Kustomization or Argo CD Application building it; add the file, or remove the entry`],
    ['an env file missing', { 'apps/web/web.env': undefined },
      `${WHERE}: configMapGenerator[0].envs "web.env": no such file in the tree: kustomize build fails ("no such file or directory"), and so does every Flux Kustomization or Argo CD Application building it; add the file, or remove the entry`],
    ['a component that is not one (kind: Kustomization)', { 'components/labels/kustomization.yaml': 'labels:\n  - pairs:\n      team: web\n' },
      `${WHERE}: components "../../components/labels": a directory whose kustomization file is not a Component: kustomize build fails ("expected kind 'Component'"), and so does every Flux Kustomization or Argo CD Application building it; give that file apiVersion: kustomize.config.k8s.io/v1alpha1 and kind: Component, or list it under resources`],
    ['a listed directory that is a Component', { 'apps/web/sub/kustomization.yml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - cm.yaml\n' },
      `${WHERE}: resources "sub": a directory whose kustomization file is a Component (kind: Component): kustomize build fails ("expected kind != 'Component'"), and so does every Flux Kustomization or Argo CD Application building it; list it under components`],
  ])('%s: one line naming the file, the field and the entry; kustomize fails too', async (_, change, line) => {
    const files: Record<string, string> = {};
    for (const [f, text] of Object.entries({ ...COMPLETE, ...change })) if (text !== undefined) files[f] = text;
    const dir = writeTree(files);
    const [code, lines] = await validate(dir);
    expect(code).toBe(1);
    // The patch file is named twice (patches and patchesStrategicMerge): one line each.
    expect(lines.filter((l) => !l.startsWith('validate: ') && !l.includes('patchesStrategicMerge'))).toEqual([line]);
    const local = writeTree({ ...files, 'apps/web/kustomization.yaml': files['apps/web/kustomization.yaml'].replace('  - https://github.com/org/repo//deploy?ref=v1\n', '') });
    expect(kustomizeBuilds(path.join(local, 'apps/web'))).toBe(kubectl ? false : undefined);
  });

  test('only the first document of a file named kustomization.yaml is read, and a directory is kustomized by that name only (as kustomize)', async () => {
    const dir = writeTree({
      'kustomization.yaml': 'resources:\n  - cm.yaml\ncomponents:\n  - comp\ngenerators:\n  - gen\n---\nresources:\n  - second-document.yaml\n',
      'cm.yaml': CM('root'),
      // A Component, but in a file kustomize does not look for.
      'comp/component.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n',
      // A generator configuration in a directory without kustomization file.
      'gen/generator.yaml': 'apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: g\nliterals:\n  - a=b\n',
      // A kustomization in a file kustomize never reads by itself.
      'notes.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - nothere.yaml\n',
    });
    const [code, lines] = await validate(dir);
    expect(code).toBe(1);
    expect(lines.filter((l) => l.startsWith('kustomization.yaml#'))).toEqual([
      'kustomization.yaml#0: components "comp": a directory without a kustomization file: kustomize build fails ("unable to find one of \'kustomization.yaml\', \'kustomization.yml\' or \'Kustomization\'"); add a kustomization.yaml listing its files, or list the files themselves',
      'kustomization.yaml#0: generators "gen": a directory without a kustomization file: kustomize build fails ("unable to find one of \'kustomization.yaml\', \'kustomization.yml\' or \'Kustomization\'"); add a kustomization.yaml listing its files, or list the files themselves',
    ]);
    expect(lines.some((l) => l.includes('nothere.yaml') || l.includes('second-document.yaml'))).toBe(false);
    expect(kustomizeBuilds(dir)).toBe(kubectl ? false : undefined);
  });

  test('a kustomization file the tree\'s own .sourceignore leaves out is in no artifact: not checked', async () => {
    const dir = writeTree({
      '.sourceignore': 'scratch/\n',
      'scratch/kustomization.yaml': 'resources:\n  - missing.yaml\n',
      'apps/cm.yaml': CM('apps'),
    });
    expect(await validate(dir)).toEqual([0, ['validate: 1 document in 1 file: no issues (validated by CRD schema: 0, by core schema: 1, by registered schema: 0; not validated: 0)']]);
  });

  test('a file named Kustomization (no extension) is a kustomization file, as kustomize reads it', async () => {
    const dir = writeTree({
      'apps/Kustomization': 'resources:\n  - cm.yaml\n  - sub\n  - missing.yaml\n',
      'apps/cm.yaml': CM('apps'),
      // A directory kustomized by that name: a resource kustomize can build.
      'apps/sub/Kustomization': 'resources:\n  - cm.yaml\n',
      'apps/sub/cm.yaml': CM('sub'),
    });
    expect(await validate(dir)).toEqual([1, [
      'apps/Kustomization#0: resources "missing.yaml": no such file or directory in the tree: kustomize build fails ("accumulating resources"), and so does every Flux Kustomization or Argo CD Application building it; add it, or remove the entry',
      'validate: 2 documents in 2 files: 1 issue (validated by CRD schema: 0, by core schema: 2, by registered schema: 0; not validated: 0)',
    ]]);
    expect(kustomizeBuilds(path.join(dir, 'apps'))).toBe(kubectl ? false : undefined);
    fs.writeFileSync(path.join(dir, 'apps/Kustomization'), 'resources:\n  - cm.yaml\n  - sub\n');
    expect((await validate(dir))[0]).toBe(0);
    expect(kustomizeBuilds(path.join(dir, 'apps'))).toBe(kubectl ? true : undefined);
  });

  test('a Flux Kustomization whose path holds a file named Kustomization applies what it lists, not every file', async () => {
    const dir = writeTree({
      'clusters/mgmt/sync.yaml': [
        'apiVersion: source.toolkit.fluxcd.io/v1', 'kind: GitRepository', 'metadata:', '  name: platform', '  namespace: flux-system',
        'spec:', '  interval: 10m', '  url: https://example.com/org/platform.git', '  ref:', '    branch: main', '---',
        'apiVersion: kustomize.toolkit.fluxcd.io/v1', 'kind: Kustomization', 'metadata:', '  name: apps', '  namespace: flux-system',
        'spec:', '  interval: 10m', '  path: ./apps', '  prune: true', '  sourceRef:', '    kind: GitRepository', '    name: platform',
      ].join('\n') + '\n',
      'apps/Kustomization': 'resources:\n  - ns.yaml\n  - cm.yaml\n',
      'apps/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n',
      'apps/cm.yaml': CM('apps'),
      // Not listed: Flux does not apply it (were there no kustomization file, it would, and its CRD is nowhere).
      'apps/extra.yaml': 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: c\n  namespace: web\nspec:\n  secretName: c\n  issuerRef:\n    name: i\n',
    });
    const opts = { preinstalled: ['flux'], allowUnvalidated: ['cert-manager.io/Certificate'] };
    expect(await validate(dir, opts)).toEqual([0, ['validate: 5 documents in 4 files: no issues (validated by CRD schema: 2, by core schema: 2, by registered schema: 0; not validated: 1 (cert-manager.io/v1/Certificate))']]);
    fs.renameSync(path.join(dir, 'apps/Kustomization'), path.join(dir, 'apps/kustomization.txt'));
    const [code, lines] = await validate(dir, opts);
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/^apps\/extra\.yaml#0: Certificate web\/c in Kustomization flux-system\/apps: its kind Certificate \(cert-manager\.io\) is not built in/);
  });

  test('a directory with two kustomization files: one line, at the first; kustomize fails on it', async () => {
    const dir = writeTree({
      'apps/kustomization.yaml': 'resources:\n  - cm.yaml\n',
      'apps/kustomization.yml': 'resources:\n  - cm.yaml\n',
      'apps/Kustomization': 'resources:\n  - cm.yaml\n',
      'apps/cm.yaml': CM('apps'),
      'other/kustomization.yaml': 'resources:\n  - cm.yaml\n',
      'other/cm.yaml': CM('other'),
    });
    expect(await validate(dir)).toEqual([1, [
      'apps/Kustomization#0: its directory also holds kustomization.yaml and kustomization.yml: kustomize fails on a directory with more than one kustomization file ("Found multiple kustomization files"), and so does every Flux build that includes it; keep one (move what the others hold into it)',
      'validate: 2 documents in 2 files: 1 issue (validated by CRD schema: 0, by core schema: 2, by registered schema: 0; not validated: 0)',
    ]]);
    expect(kustomizeBuilds(path.join(dir, 'apps'))).toBe(kubectl ? false : undefined);
    // One left out of the artifact by the tree's .sourceignore: Flux reads the other only.
    fs.rmSync(path.join(dir, 'apps/Kustomization'));
    fs.writeFileSync(path.join(dir, '.sourceignore'), 'apps/kustomization.yml\n');
    expect((await validate(dir))[0]).toBe(0);
    fs.rmSync(path.join(dir, '.sourceignore'));
    expect(await validate(dir)).toEqual([1, [
      'apps/kustomization.yaml#0: its directory also holds kustomization.yml: kustomize fails on a directory with more than one kustomization file ("Found multiple kustomization files"), and so does every Flux build that includes it; keep one (move what the others hold into it)',
      'validate: 2 documents in 2 files: 1 issue (validated by CRD schema: 0, by core schema: 2, by registered schema: 0; not validated: 0)',
    ]]);
    expect(kustomizeBuilds(path.join(dir, 'apps'))).toBe(kubectl ? false : undefined);
  });

  test('a kustomization file named in another case (Kustomization.yaml) is one line: kustomize on Linux does not read it', async () => {
    const dir = writeTree({
      'apps/Kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\n',
      'apps/cm.yaml': CM('apps'),
    });
    expect(await validate(dir)).toEqual([1, [
      'apps/Kustomization.yaml#0: not a kustomization file to kustomize on Linux, where kustomize-controller runs: it reads kustomization.yaml, kustomization.yml or Kustomization, in that case (a case-insensitive file system, as on macOS, finds this one, Flux does not); rename it',
      'validate: 1 document in 1 file: 1 issue (validated by CRD schema: 0, by core schema: 1, by registered schema: 0; not validated: 0)',
    ]]);
    // On this (case-sensitive) file system, kustomize finds no kustomization file.
    const caseSensitive = !fs.existsSync(path.join(dir, 'apps/kustomization.yaml'));
    if (caseSensitive) expect(kustomizeBuilds(path.join(dir, 'apps'))).toBe(kubectl ? false : undefined);
    fs.renameSync(path.join(dir, 'apps/Kustomization.yaml'), path.join(dir, 'apps/kustomization.yaml'));
    expect((await validate(dir))[0]).toBe(0);
    expect(kustomizeBuilds(path.join(dir, 'apps'))).toBe(kubectl ? true : undefined);
  });

  test('a tree of kustomization files only is checked too', async () => {
    const dir = writeTree({
      'clusters/prod/kustomization.yaml': 'resources:\n  - https://github.com/org/platform//deploy?ref=v1\n  - ../../base\n',
      'base/kustomization.yaml': 'resources:\n  - app.yaml\n',
    });
    expect(await validate(dir)).toEqual([1, [
      'base/kustomization.yaml#0: resources "app.yaml": no such file or directory in the tree: kustomize build fails ("accumulating resources"), and so does every Flux Kustomization or Argo CD Application building it; add it, or remove the entry',
      'validate: 0 documents in 0 files: 1 issue (validated by CRD schema: 0, by core schema: 0, by registered schema: 0; not validated: 0)',
    ]]);
  });

  test('a path out of the tree is not checked (the tree may be part of a repo); a component that is a file is named as such', async () => {
    const dir = writeTree({
      'kustomization.yaml': 'resources:\n  - ../elsewhere/base\ncomponents:\n  - cm.yaml\n',
      'cm.yaml': CM('root'),
    });
    expect(await validate(dir)).toEqual([1, [
      'kustomization.yaml#0: components "cm.yaml": a file, not a directory with a kustomization file: kustomize build fails; name the component\'s directory',
      'validate: 1 document in 1 file: 1 issue (validated by CRD schema: 0, by core schema: 1, by registered schema: 0; not validated: 0)',
    ]]);
  });
});

describe('files the app declared the user\'s (ownership manifest userOwned)', () => {
  test('one the tree lacks yet is a note on stderr, not an issue; not declared, it is an issue', async () => {
    const kustomization = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - gotk-components.yaml\n  - configmap-a.yaml\n';
    const files = {
      'platform/clusters/mgmt/flux-system/kustomization.yaml': kustomization,
      'platform/clusters/mgmt/flux-system/configmap-a.yaml': CM('a'),
    };
    const manifest = (userOwned?: string[]) => JSON.stringify({ generator: 'cdk8s-platform', files: Object.keys(files).map((f) => f.slice('platform/'.length)), ...(userOwned ? { userOwned } : {}) });
    const dir = writeTree({ ...files, 'platform/.cdk8s-platform.json': manifest(['clusters/mgmt/flux-system/gotk-components.yaml']) });
    const io = { cwd: dir, stdout: jest.fn(), stderr: jest.fn() } as any;
    expect(await runValidate(['.'], { progress: false }, io)).toBe(0);
    expect(io.stderr.mock.calls.map((c: string[]) => c[0]).join('')).toBe(
      'validate: note: platform/clusters/mgmt/flux-system/gotk-components.yaml: listed by platform/clusters/mgmt/flux-system/kustomization.yaml as the user\'s (the app does not write it) and not in the tree yet: ' +
        'kustomize builds of that folder fail until it is committed (flux bootstrap commits gotk-components.yaml)\n',
    );
    const undeclared = writeTree({ ...files, 'platform/.cdk8s-platform.json': manifest() });
    const [code, lines] = await validate(undeclared);
    expect(code).toBe(1);
    expect(lines[0]).toBe('platform/clusters/mgmt/flux-system/kustomization.yaml#0: resources "gotk-components.yaml": no such file or directory in the tree: kustomize build fails ("accumulating resources"), and so does every Flux Kustomization or Argo CD Application building it; add it, or remove the entry');
  });
});
