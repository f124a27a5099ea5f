// What a Flux Kustomization applying a path builds (lib/core/flux-build.ts): the one model behind
// the Kustomization construct's checks (RepoFolders.built) and the apply-order check of rendered
// trees and trees on disk.
import { builtDirectories, fluxBuildPath, type BuildTree } from '../../lib/core/flux-build';

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
