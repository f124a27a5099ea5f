/**
 * What a Flux Kustomization applying a path of a repo builds: one model for the library's checks of
 * its folders before rendering (`RepoFolders.built` in lib/flux/placement.ts: the build bound, the
 * lockdown walk, the tenants' checks), of rendered trees or trees on disk (the apply-order model,
 * lib/gitops/apply-order.ts, also behind `cdk8s-platform validate`), and of what Flux or Argo CD
 * would prune (the destroy guard, lib/safety/guard.ts), so they cannot disagree.
 *
 * kustomize-controller builds the path with the `kustomization.yaml` it finds there; without one, it
 * generates one (fluxcd/pkg `kustomize` `generateKustomization`): every manifest below the path,
 * except that a directory holding a `kustomization.yaml` is listed as a directory, and built as such,
 * instead of descended into (`filepath.SkipDir`). The path is joined to the source root
 * (securejoin), so `/apps` is `./apps`.
 */
import * as posix from 'path/posix';
import { isClusterScoped } from './kinds';
import { groupOf } from './validation/metadata';
import type { KubeObject } from '../gitops/layout';

/** A repo's directories as Flux builds them (the directories are `D`s: folders, or paths). */
export interface BuildTree<D> {
  /** The directory at a repo-relative path (`''` the root), if the tree has one. */
  at(path: string): D | undefined;
  /** Its repo-relative path. */
  pathOf(dir: D): string;
  /** Whether it holds a `kustomization.yaml`. */
  isKustomized(dir: D): boolean;
  /** The directories its `kustomization.yaml` lists (built as such), when it holds one. */
  listedDirs(dir: D): readonly D[];
  /** Every directory at or below `path` (`''`: all of them). */
  atOrBelow(path: string): readonly D[];
}

/**
 * A path of a build as a repo-relative path: `./apps/`, `apps` and `/apps` are `apps`; `./`, `.`
 * and `/` are `''` (the root). A path leaving the root stays so (`../x`): kustomize, on
 * kustomize-controller's secure file system, refuses an entry of a kustomization file outside it.
 */
export function fluxBuildPath(path: string): string {
  const n = posix.normalize(path.replace(/^\.\//, '').replace(/^\/+/, '')).replace(/\/+$/, '');
  return n === '.' ? '' : n;
}

/**
 * The remote cluster a Flux Kustomization applies to, from its `spec.kubeConfig`: the name of its
 * Secret (or, Flux 2.6, ConfigMap) without Cluster API's `-kubeconfig` suffix (`<cluster>-kubeconfig`);
 * undefined when it has none (its own cluster).
 */
export function kubeConfigCluster(spec: { readonly kubeConfig?: unknown }): string | undefined {
  const k = spec.kubeConfig as { secretRef?: { name?: unknown }; configMapRef?: { name?: unknown } } | undefined;
  const ref = typeof k?.secretRef?.name === 'string' && k.secretRef.name !== '' ? k.secretRef.name : typeof k?.configMapRef?.name === 'string' && k.configMapRef.name !== '' ? k.configMapRef.name : undefined;
  return ref?.replace(/-kubeconfig$/, '');
}

/**
 * What a kustomization file of directory `dir` (`''` the root) lists, as kustomize builds it: the
 * directories of the tree holding a kustomization file (`isKustomized`: built as such) and the
 * files of the tree (`isFile`), repo paths, in the file's order; remote and missing entries left
 * out. One reading for the apply-order model and `graph`.
 */
export function listedEntries(dir: string, entries: readonly string[], isKustomized: (path: string) => boolean, isFile: (path: string) => boolean): { dirs: string[]; files: string[] } {
  const out: { dirs: string[]; files: string[] } = { dirs: [], files: [] };
  for (const entry of entries) {
    const p = fluxBuildPath(posix.join(dir === '' ? '.' : dir, entry));
    if (isKustomized(p)) out.dirs.push(p);
    else if (isFile(p)) out.files.push(p);
  }
  return out;
}

/**
 * A Flux `spec.path` as a repo-relative path ({@link fluxBuildPath}), `..` stopping at the root as
 * kustomize-controller joins the path to the artifact (`securejoin.SecureJoin`): `../apps` is `apps`.
 */
export function fluxSpecPath(path: string): string {
  return posix.normalize(`/${path}`).slice(1).replace(/\/+$/, '');
}

/** One directory of a build: built from its `kustomization.yaml`, or (`generated`) its own files listed by Flux's generated one. */
export interface BuiltDirectory<D> {
  readonly dir: D;
  /** True when Flux's generated `kustomization.yaml` lists the directory's own files (it holds none). */
  readonly generated: boolean;
  /** True when the path itself yields it (not a directory another one's `kustomization.yaml` lists). */
  readonly top: boolean;
}

/**
 * The directories whose objects a Kustomization applying `path` builds, each once: with a
 * `kustomization.yaml` at the path, that directory and what it lists (recursively); without one,
 * the directories at and below the path that no directory below the path with a
 * `kustomization.yaml` shadows, each directory holding one built as such. The directory at or
 * nearest below the path comes first; the directories of the Flux Kustomization's `spec.components`
 * (`specComponents`, which kustomize-controller appends to the root kustomization) last, as listed
 * ones. Empty when nothing is there.
 */
export function builtDirectories<D>(tree: BuildTree<D>, path: string, specComponents: readonly D[] = []): Array<BuiltDirectory<D>> {
  const p = fluxSpecPath(path);
  const out: Array<BuiltDirectory<D>> = [];
  const seen = new Set<D>();
  const visit = (d: D, top: boolean) => {
    if (seen.has(d)) return;
    seen.add(d);
    out.push({ dir: d, generated: false, top });
    for (const c of tree.listedDirs(d)) if (tree.isKustomized(c)) visit(c, false);
  };
  // A Flux Kustomization's spec.components: appended to the root kustomization, so built with it
  // (their own resources) wherever the path has something to build.
  const withSpecComponents = () => {
    if (out.length > 0) for (const c of specComponents) if (tree.isKustomized(c)) visit(c, false);
    return out;
  };
  const exact = tree.at(p);
  if (exact !== undefined && tree.isKustomized(exact)) {
    visit(exact, true);
    return withSpecComponents();
  }
  for (const d of tree.atOrBelow(p)) {
    const dp = tree.pathOf(d);
    if (dp !== p && shadowed(tree, p, dp)) continue;
    if (dp !== p && tree.isKustomized(d)) visit(d, true);
    else if (!seen.has(d)) {
      seen.add(d);
      out.push({ dir: d, generated: true, top: true });
    }
  }
  return withSpecComponents();
}

/** Whether a directory strictly between `p` and `dp` (below `p`, above `dp`) holds a `kustomization.yaml`. */
function shadowed<D>(tree: BuildTree<D>, p: string, dp: string): boolean {
  const from = p === '' ? 0 : p.length + 1;
  for (let i = dp.indexOf('/', from); i >= 0; i = dp.indexOf('/', i + 1)) {
    const a = tree.at(dp.slice(0, i));
    if (a !== undefined && tree.isKustomized(a)) return true;
  }
  return false;
}

/** A build tree's files, for what a source leaves out of it (see {@link withoutDroppedDirectories}). */
export interface BuildTreeFiles {
  /** The files directly in each directory (`''` the root), repo paths. */
  readonly filesIn: ReadonlyMap<string, readonly string[]>;
  /** The repo path of the kustomization file of a directory that has one. */
  kustomizationFile(dir: string): string | undefined;
}

/**
 * `dirs` (a {@link builtDirectories} result) without the directories the source leaves out with
 * their kustomization file and every file below, when the path is one Flux generates the
 * kustomization.yaml for: its generator does not find them, so they are not built, nor what their
 * kustomization file lists. One whose kustomization file is left out while other files stay is
 * kept (the apply-order check reports it: Flux would build those files instead). Shared by the
 * apply-order model and the destroy guard, so they cannot disagree.
 */
export function withoutDroppedDirectories(tree: BuildTree<string>, files: BuildTreeFiles, dirs: Array<BuiltDirectory<string>>, leftOut: (file: string) => unknown): Array<BuiltDirectory<string>> {
  if (dirs.length === 0 || !dirs[0].generated) return dirs;
  const gone = (f: string | undefined) => f === undefined || Boolean(leftOut(f));
  const out: Array<BuiltDirectory<string>> = [];
  let dropping = false;
  for (const d of dirs) {
    if (d.top) {
      dropping =
        !d.generated &&
        gone(files.kustomizationFile(d.dir)) &&
        tree.atOrBelow(d.dir).every((x) => (files.filesIn.get(x) ?? []).every(gone) && (!tree.isKustomized(x) || gone(files.kustomizationFile(x))));
    }
    if (!dropping) out.push(d);
  }
  return out;
}

/**
 * The artifacts of an ArtifactGenerator that copy directories of one GitRepository with their
 * paths, each with that GitRepository (`name`, `namespace`); others (copies that move files, other
 * kinds of sources) are left out.
 */
export function artifactGitSources(generator: { readonly metadata?: { readonly namespace?: string }; readonly spec?: unknown }): Array<[string, { name: string; namespace: string }]> {
  const spec = (generator.spec ?? {}) as Record<string, any>;
  const namespace = generator.metadata?.namespace ?? '';
  const sources = new Map<string, { name: string; namespace: string }>();
  for (const s of Array.isArray(spec.sources) ? spec.sources : []) {
    if (s?.kind === 'GitRepository' && typeof s.alias === 'string' && typeof s.name === 'string') sources.set(s.alias, { name: s.name, namespace: s.namespace ?? namespace });
  }
  const out: Array<[string, { name: string; namespace: string }]> = [];
  for (const a of Array.isArray(spec.artifacts) ? spec.artifacts : []) {
    const copies = Array.isArray(a?.copy) ? a.copy : [];
    let alias: string | undefined;
    const kept = copies.length > 0 && copies.every((c: { from?: unknown; to?: unknown }) => {
      const m = typeof c?.from === 'string' ? /^@([^/]+)\/(.+)\/\*\*$/.exec(c.from) : null;
      if (!m || c.to !== `@artifact/${m[2]}/` || (alias !== undefined && alias !== m[1])) return false;
      alias = m[1];
      return true;
    });
    const git = kept ? sources.get(alias!) : undefined;
    if (typeof a?.name === 'string' && git) out.push([a.name, git]);
  }
  return out;
}

/**
 * Whether kustomize-controller takes `component` as an entry of a Kustomization's
 * `spec.components`: a local path, relative to the Kustomization's path. It refuses anything else
 * before building ("component path '<c>' must be local and relative": fluxcd/pkg `kustomize`
 * `IsLocalRelativePath`, after kustomize's remote target prefixes), whatever `--no-remote-bases`.
 */
export function isLocalRelativeComponent(component: string): boolean {
  for (const p of ['git::', 'gh:', 'ssh://', 'https://', 'http://', 'git@', 'github.com:', 'github.com/']) {
    if (p.length < component.length && component.slice(0, p.length).toLowerCase() === p) return false;
  }
  const lower = component.toLowerCase();
  return !component.startsWith('/') && !(lower.startsWith('file://') ? lower.slice('file://'.length) : lower).startsWith('/');
}

/**
 * What a kustomization file renames the objects it builds with (`namespace`, `namePrefix`,
 * `nameSuffix`); a Flux Kustomization's `spec.targetNamespace`, `namePrefix` and `nameSuffix`
 * are written into the kustomization file at its path (fluxcd/pkg `kustomize` `GenerateManifest`).
 */
export interface KustomizeRename {
  readonly namespace?: string;
  readonly namePrefix?: string;
  readonly nameSuffix?: string;
}

/**
 * An object's identity once one kustomization renamed it, as kustomize does (each rule checked with
 * `kubectl kustomize` v5.5.0): the prefix and suffix around the name, except for every Namespace
 * and CustomResourceDefinition kind and apiregistration's APIService; the namespace on namespaced
 * kinds, and as the name of a core Namespace (`namespace: nsx` over `Namespace ns1` yields
 * `Namespace nsx`). One rule for the overlay checks at synth and the destroy guard.
 */
export function kustomizeRenamed<T extends { readonly apiVersion: string; readonly kind: string; readonly name: string; readonly namespace?: string }>(o: T, r: KustomizeRename): T {
  let { name, namespace } = o;
  const keepsName = o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition' || (o.kind === 'APIService' && groupOf(o.apiVersion) === 'apiregistration.k8s.io');
  if (!keepsName && (r.namePrefix !== undefined || r.nameSuffix !== undefined)) name = `${r.namePrefix ?? ''}${name}${r.nameSuffix ?? ''}`;
  if (r.namespace !== undefined) {
    if (o.kind === 'Namespace' && groupOf(o.apiVersion) === '') name = r.namespace;
    else if (!isClusterScoped(o.apiVersion, o.kind)) namespace = r.namespace;
  }
  return name === o.name && namespace === o.namespace ? o : { ...o, name, namespace };
}

/**
 * What a Flux Kustomization's spec renames its build with: `targetNamespace`, `namePrefix`,
 * `nameSuffix`, where each is a non-empty string (kustomize-controller writes only those).
 */
export function fluxSpecRename(spec: unknown): KustomizeRename {
  const s = (spec ?? {}) as Record<string, unknown>;
  return renameOf(s.targetNamespace, s.namePrefix, s.nameSuffix);
}

/**
 * A Flux Kustomization's `spec.components` that kustomize-controller builds: the local relative
 * ones (it refuses the others, see {@link isLocalRelativeComponent}).
 */
export function fluxSpecComponents(spec: unknown): string[] {
  const c = (spec as { components?: unknown } | undefined)?.components;
  return Array.isArray(c) ? c.filter((e): e is string => typeof e === 'string' && isLocalRelativeComponent(e)) : [];
}

/** A {@link KustomizeRename} of the fields that are non-empty strings (a kustomization file's `namespace`, `namePrefix`, `nameSuffix`). */
export function renameOf(namespace: unknown, namePrefix: unknown, nameSuffix: unknown): KustomizeRename {
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return { namespace: str(namespace), namePrefix: str(namePrefix), nameSuffix: str(nameSuffix) };
}

/** Whether a rename changes anything. */
export function renames(r: KustomizeRename): boolean {
  return r.namespace !== undefined || r.namePrefix !== undefined || r.nameSuffix !== undefined;
}

/** A kustomize Component a kustomization file lists: its directory in the tree (when it has one) and what its kustomization file renames. */
export interface ComponentRename<D> {
  readonly dir?: D;
  readonly rename: KustomizeRename;
}

/** The components of a build, for {@link renameChains}. */
export interface BuildComponents<D> {
  /** The components a directory's kustomization file lists (`components:`), in order. */
  of(dir: D): ReadonlyArray<ComponentRename<D>>;
  /**
   * The Flux Kustomization's `spec.components`, resolved from its path: kustomize-controller appends
   * them to the components of the kustomization file at the path (fluxcd/pkg `kustomize`
   * `GenerateManifest`), or of the one it generates there.
   */
  readonly spec?: ReadonlyArray<ComponentRename<D>>;
}

/**
 * What renames the objects of each directory of a build (`dirs`, a {@link builtDirectories}
 * result, possibly without what the source drops), as chains of renames, innermost first, one per
 * way the build reaches the directory (kustomize builds a directory two kustomization files list
 * twice, once through each): the kustomization files from the directory's own (`affixOf`) to the
 * one at the path. The Flux Kustomization's `spec.targetNamespace`, `namePrefix` and `nameSuffix`
 * (`transform`) replace the fields of the kustomization file at the path, as kustomize-controller
 * writes them into it; where Flux generates the kustomization.yaml at the path, they rename
 * everything, last. A directory Flux's generated kustomization.yaml lists file by file has the one
 * chain `[transform]` (after the spec's components).
 *
 * kustomize runs a kustomization's components (`components`) on everything it has accumulated,
 * after its resources and before its own fields, each component on what the previous ones and its
 * own resources made (checked with `kubectl kustomize`): a Component's `namespace` / `namePrefix` /
 * `nameSuffix` renames its including kustomization's resources (`affixOf` of a Component's
 * directory is none: its rename comes in through `components`). Shared by the apply-order model and
 * the destroy guard, so they cannot disagree.
 */
export function renameChains<D>(
  tree: BuildTree<D>, dirs: ReadonlyArray<BuiltDirectory<D>>, path: string, transform: KustomizeRename, affixOf: (dir: D) => KustomizeRename,
  components?: BuildComponents<D>,
): Map<D, Array<readonly KustomizeRename[]>> {
  const out = new Map<D, Array<readonly KustomizeRename[]>>();
  const p = fluxSpecPath(path);
  const kept = new Set(dirs.map((b) => b.dir));
  const atPath = dirs.length > 0 && !dirs[0].generated && tree.pathOf(dirs[0].dir) === p;
  const specComponents = components?.spec ?? [];
  const visiting = new Set<D>();
  const walk = (d: D, outer: readonly KustomizeRename[]) => {
    if (visiting.has(d)) return; // a cycle, which kustomize refuses
    const own = affixOf(d);
    const root = atPath && outer.length === 0 && tree.pathOf(d) === p;
    const layer = root
      ? { namespace: transform.namespace ?? own.namespace, namePrefix: transform.namePrefix ?? own.namePrefix, nameSuffix: transform.nameSuffix ?? own.nameSuffix }
      : own;
    const comps = [...(components?.of(d) ?? []), ...(root ? specComponents : [])];
    const layers = [...comps.map((c) => c.rename), layer, ...outer];
    const list = out.get(d);
    if (list) list.push(layers);
    else out.set(d, [layers]);
    visiting.add(d);
    const children = root ? [...tree.listedDirs(d), ...specComponents.flatMap((c) => (c.dir === undefined ? [] : [c.dir]))] : tree.listedDirs(d);
    for (const c of children) {
      if (!tree.isKustomized(c) || !kept.has(c)) continue;
      // A component's own resources: renamed by it and the components after it.
      const i = comps.findIndex((x) => x.dir === c);
      walk(c, i < 0 ? layers : layers.slice(i));
    }
    visiting.delete(d);
  };
  const generatedRoot = [...specComponents.map((c) => c.rename), transform];
  for (const b of dirs) {
    if (b.generated) out.set(b.dir, [generatedRoot]);
    else if (b.top) walk(b.dir, atPath ? [] : generatedRoot);
  }
  // Flux's generated kustomization.yaml: the spec's components' own resources, from each on.
  if (!atPath) specComponents.forEach((c, i) => c.dir !== undefined && kept.has(c.dir) && walk(c.dir, generatedRoot.slice(i)));
  return out;
}

/** An object's identity through a chain of renames (innermost first), as kustomize builds it. */
export function renamedThrough<T extends { readonly apiVersion: string; readonly kind: string; readonly name: string; readonly namespace?: string }>(o: T, layers: readonly KustomizeRename[]): T {
  let out = o;
  for (const l of layers) out = kustomizeRenamed(out, l);
  return out;
}

/**
 * Whether a Flux Kustomization's `$patch: delete` patches (`deleted`, lib/core/patch-targets.ts)
 * drop an object reaching the build through the renames `layers` (innermost first, the root
 * kustomization's last; see {@link renameChains}). kustomize matches a patch target against the
 * ids the resource had on its way in: as written, and as each inner kustomization file renamed it;
 * not as the root kustomization renames it, after its patches (checked with `kubectl kustomize`).
 */
export function droppedByDeletePatches(deleted: (o: KubeObject) => boolean, written: KubeObject, layers: readonly KustomizeRename[]): boolean {
  if (deleted(written)) return true;
  const raw = { apiVersion: written.apiVersion, kind: written.kind, name: written.metadata.name ?? '', namespace: written.metadata.namespace };
  for (let n = 1; n < layers.length; n++) {
    const i = renamedThrough(raw, layers.slice(0, n));
    if ((i.name !== raw.name || i.namespace !== raw.namespace) && deleted({ ...written, metadata: { ...written.metadata, name: i.name, ...(i.namespace !== undefined ? { namespace: i.namespace } : {}) } })) return true;
  }
  return false;
}
