// What a Flux Kustomization applying a path builds (lib/core/flux-build.ts): the one model behind
// the Kustomization construct's checks (RepoFolders.built) and the apply-order check of rendered
// trees and trees on disk.
import { builtDirectories, droppedByDeletePatches, fluxBuildPath, kustomizeRenamed, renameChains, renamedThrough, type BuildTree, type KustomizeRename } from '../../lib/core/flux-build';
import { deletedByPatches } from '../../lib/core/patch-targets';

/** A tree of directories: path → whether it holds a kustomization.yaml, and the directories it lists. */
function tree(dirs: Record<string, { k?: boolean; lists?: string[] }>): BuildTree<string> {
  const paths = Object.keys(dirs).sort();
  return {
    at: (p) => (p in dirs ? p : undefined),
    pathOf: (d) => d,
    isKustomized: (d) => dirs[d].k === true,
    listedDirs: (d) => dirs[d].lists ?? [],
    atOrBelow: (p) => paths.filter((d) => p === '' || d === p || d.startsWith(`${p}/`)),
  };
}

const shown = (t: BuildTree<string>, p: string) => builtDirectories(t, p).map((b) => `${b.dir}${b.generated ? ' (generated)' : ''}${b.top ? '' : ' (listed)'}`);

test('Flux paths are repo-relative: ./, / and trailing slashes', () => {
  expect(['./apps/', 'apps', '/apps', '//apps/x/..'].map(fluxBuildPath)).toEqual(['apps', 'apps', 'apps', 'apps']);
  expect(['./', '.', '/', ''].map(fluxBuildPath)).toEqual(['', '', '', '']);
});

test('a path with a kustomization.yaml: it and the directories it lists (with one), recursively, each once', () => {
  const t = tree({
    apps: { k: true, lists: ['apps/a', 'apps/plain', 'shared'] },
    'apps/a': { k: true, lists: ['shared'] },
    'apps/plain': {}, // listed without a kustomization.yaml: kustomize refuses it, not built
    'apps/b': { k: true }, // not listed
    shared: { k: true },
  });
  expect(shown(t, './apps')).toEqual(['apps', 'apps/a (listed)', 'shared (listed)']);
});

test("without one, Flux's generated kustomization.yaml: the files below, a directory with a kustomization.yaml built as such and not descended into", () => {
  const t = tree({
    '': {},
    apps: {},
    'apps/a': { k: true, lists: ['apps/a/inner'] },
    'apps/a/inner': { k: true },
    'apps/a/deep': {}, // shadowed by apps/a
    'apps/b': {},
    'apps/b/c': {},
    'apps-other': {}, // a sibling whose name starts with the path
  });
  expect(shown(t, 'apps')).toEqual(['apps (generated)', 'apps/a', 'apps/a/inner (listed)', 'apps/b (generated)', 'apps/b/c (generated)']);
  // The root ('' shown as " (generated)") and everything, apps-other included.
  expect(shown(t, '/')).toEqual([' (generated)', 'apps (generated)', 'apps-other (generated)', 'apps/a', 'apps/a/inner (listed)', 'apps/b (generated)', 'apps/b/c (generated)']);
  expect(shown(t, 'missing')).toEqual([]);
});

test('kustomizeRenamed: the names kustomize gives (each case checked with kubectl kustomize v5.5.0)', () => {
  const r = { namespace: 'nsx', namePrefix: 'p-', nameSuffix: '-s' };
  const id = (apiVersion: string, kind: string, name: string, namespace?: string) => ({ apiVersion, kind, name, ...(namespace ? { namespace } : {}) });
  expect(kustomizeRenamed(id('v1', 'ConfigMap', 'c', 'orig'), r)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', name: 'p-c-s', namespace: 'nsx' });
  // A core Namespace takes the namespace as its name, and no prefix.
  expect(kustomizeRenamed(id('v1', 'Namespace', 'ns1'), r)).toEqual({ apiVersion: 'v1', kind: 'Namespace', name: 'nsx' });
  // Any Namespace and CustomResourceDefinition kind keeps its name; another group's is namespaced.
  expect(kustomizeRenamed(id('example.com/v1', 'Namespace', 'ns2'), r)).toEqual({ apiVersion: 'example.com/v1', kind: 'Namespace', name: 'ns2', namespace: 'nsx' });
  expect(kustomizeRenamed(id('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'), r).name).toBe('widgets.example.com');
  expect(kustomizeRenamed(id('example.com/v1', 'CustomResourceDefinition', 'crd2'), r)).toEqual({ apiVersion: 'example.com/v1', kind: 'CustomResourceDefinition', name: 'crd2', namespace: 'nsx' });
  // apiregistration's APIService keeps its name, another group's does not; cluster-scoped kinds get no namespace.
  expect(kustomizeRenamed(id('apiregistration.k8s.io/v1', 'APIService', 'v1.example.com'), r).name).toBe('v1.example.com');
  expect(kustomizeRenamed(id('rbac.authorization.k8s.io/v1', 'ClusterRole', 'cr'), r)).toEqual({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'p-cr-s' });
  // Nothing to rename: the same object.
  const cm = id('v1', 'ConfigMap', 'c');
  expect(kustomizeRenamed(cm, {})).toBe(cm);
});

describe('what renames the objects of each built directory (renameChains), innermost first', () => {
  const affixes: Record<string, KustomizeRename> = { 'apps/prod': { namePrefix: 'prod-' }, 'apps/a': { namespace: 'a' }, 'apps/b': { nameSuffix: '-b' } };
  const affixOf = (d: string) => affixes[d] ?? {};
  const chains = (t: BuildTree<string>, p: string, transform: KustomizeRename) =>
    Object.fromEntries([...renameChains(t, builtDirectories(t, p), p, transform, affixOf)].map(([d, list]) => [d, list.map((layers) => layers.map((l) => JSON.stringify(l)).join(' < '))]));

  test("at a kustomized path, the spec's fields replace the root file's, and rename last", () => {
    const t = tree({ 'apps/prod': { k: true, lists: ['apps/base'] }, 'apps/base': { k: true } });
    expect(chains(t, 'apps/prod', { namespace: 'team' })).toEqual({
      'apps/prod': ['{"namespace":"team","namePrefix":"prod-"}'],
      'apps/base': ['{} < {"namespace":"team","namePrefix":"prod-"}'],
    });
    // A spec prefix replaces the file's.
    expect(chains(t, 'apps/prod', { namePrefix: 'x-' })['apps/prod']).toEqual(['{"namePrefix":"x-"}']);
  });

  test('a base two kustomization files list is built once through each', () => {
    const t = tree({ apps: { k: true, lists: ['apps/a', 'apps/b'] }, 'apps/a': { k: true, lists: ['apps/base'] }, 'apps/b': { k: true, lists: ['apps/base'] }, 'apps/base': { k: true } });
    expect(chains(t, 'apps', {})['apps/base']).toEqual(['{} < {"namespace":"a"} < {}', '{} < {"nameSuffix":"-b"} < {}']);
  });

  test("where Flux generates the kustomization.yaml, the spec's fields rename everything, last", () => {
    const t = tree({ '': {}, apps: {}, 'apps/prod': { k: true, lists: ['apps/base'] }, 'apps/base': { k: true } });
    expect(chains(t, '', { namespace: 'team' })).toEqual({
      '': ['{"namespace":"team"}'],
      apps: ['{"namespace":"team"}'],
      'apps/prod': ['{"namePrefix":"prod-"} < {"namespace":"team"}'],
      // Listed by apps/prod, and by Flux's generated file too (it lists every directory holding a
      // kustomization.yaml that none above shadows): built twice, as prod-* and as written.
      'apps/base': ['{} < {"namespace":"team"}', '{} < {"namePrefix":"prod-"} < {"namespace":"team"}'],
    });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', namespace: 'default' };
    expect(renamedThrough(cm, [{}, { namePrefix: 'prod-' }, { namespace: 'team' }])).toEqual({ ...cm, name: 'prod-cm', namespace: 'team' });
  });

  test("components rename their including kustomization's build, in order, before its own fields; a component's own resources from it on (`kubectl kustomize`)", () => {
    // ov: resources [../base], components [../comp, ../comp2], namePrefix o-; comp: namePrefix c-, namespace fromcomp; comp2: nameSuffix -two.
    const t = tree({ ov: { k: true, lists: ['base', 'comp', 'comp2'] }, base: { k: true }, comp: { k: true }, comp2: { k: true } });
    const comps: Record<string, KustomizeRename> = { comp: { namePrefix: 'c-', namespace: 'fromcomp' }, comp2: { nameSuffix: '-two' } };
    const own: Record<string, KustomizeRename> = { ov: { namePrefix: 'o-' } };
    const of = (d: string) => (d === 'ov' ? ['comp', 'comp2'].map((c) => ({ dir: c, rename: comps[c] })) : []);
    const got = renameChains(t, builtDirectories(t, 'ov'), 'ov', {}, (d) => own[d] ?? {}, { of });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', namespace: 'orig' };
    // As kubectl kustomize builds it: o-c-cm-two in fromcomp, and the component's own compcm likewise.
    expect(got.get('base')!.map((layers) => renamedThrough(cm, layers))).toEqual([{ ...cm, name: 'o-c-cm-two', namespace: 'fromcomp' }]);
    expect(got.get('comp')!.map((layers) => renamedThrough({ ...cm, name: 'compcm' }, layers))).toEqual([{ ...cm, name: 'o-c-compcm-two', namespace: 'fromcomp' }]);
    // comp2's own resources: not renamed by comp, which ran before them.
    expect(got.get('comp2')!.map((layers) => renamedThrough({ ...cm, name: 'x' }, layers))).toEqual([{ ...cm, name: 'o-x-two' }]);
    // A Flux spec's components come after the file's, before the spec's own fields.
    const spec = renameChains(t, builtDirectories(t, 'ov'), 'ov', { namePrefix: 's-' }, (d) => own[d] ?? {}, { of: () => [], spec: [{ rename: { namePrefix: 'k-' } }] });
    expect(spec.get('base')!.map((layers) => renamedThrough(cm, layers))).toEqual([{ ...cm, name: 's-k-cm' }]);
  });

  test('a $patch: delete matches the names an object had on its way in, not the root\'s renaming (`kubectl kustomize`)', () => {
    const deleted = deletedByPatches([{ patch: '$patch: delete\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: prod-cm\n' }])!;
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } };
    // Renamed prod-cm by an inner kustomization file: matched.
    expect(droppedByDeletePatches(deleted, cm, [{}, { namePrefix: 'prod-' }, {}])).toBe(true);
    // Renamed prod-cm only by the root's (the last layer), after its patches: not matched.
    expect(droppedByDeletePatches(deleted, cm, [{}, { namePrefix: 'prod-' }])).toBe(false);
    expect(droppedByDeletePatches(deleted, { ...cm, metadata: { name: 'prod-cm' } }, [])).toBe(true);
  });
});
