/**
 * The local files and directories a kustomization file names, and those missing from a tree on
 * disk: `kustomize build` (and so kustomize-controller, which builds with kustomize's API) fails on
 * each of them, however valid every object of the tree is. Read from kustomize's `Kustomization`
 * type (sigs.k8s.io/kustomize/api/types/kustomization.go, v5): `resources` (and the deprecated
 * `bases`) and `components` name files or directories holding a kustomization file, or remote
 * targets; `crds`, `configurations`, the `path` of `patches`, `patchesJson6902` and
 * `replacements`, `patchesStrategicMerge` entries that are not inline patches, the generators'
 * `files` (`[key=]path`), `envs` and `env`, and `openapi.path` name local files; `generators`,
 * `transformers` and `validators` entries that are neither inline configurations nor remote are
 * read as resources are. Only the first document of a file named kustomization.yaml or
 * kustomization.yml is read, as kustomize does. Checked against
 * `kubectl kustomize` (kustomize v5.5.0): each missing one fails the build ("accumulating
 * resources", "evalsymlink failure ... no such file or directory", "unable to find one of
 * 'kustomization.yaml', 'kustomization.yml' or 'Kustomization'").
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

/** The names kustomize looks for in a directory (konfig.RecognizedKustomizationFileNames). */
export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

const NAMES_ANY_CASE = new Set(KUSTOMIZATION_FILE_NAMES.map((n) => n.toLowerCase()));

/**
 * Whether a file name is one of kustomize's kustomization file names in any letter case
 * (`Kustomization.yaml` too, which kustomize does not read on a case-sensitive file system:
 * `isKustomizeConfig` is the exact names).
 */
export function isKustomizationNameAnyCase(name: string): boolean {
  return NAMES_ANY_CASE.has(name.toLowerCase());
}

/**
 * What a reference must be: a file, a directory with a kustomization file, or either; `refused`:
 * an entry kustomize refuses whatever the tree holds ({@link KustomizationReference.refused} says why).
 */
export type ReferenceTarget = 'file' | 'kustomization' | 'file-or-kustomization' | 'refused';

/** One local path a kustomization file names. */
export interface KustomizationReference {
  /** The field, as `kustomize edit` names it (`resources`, `patches[0].path`, `configMapGenerator[1].files`...). */
  readonly field: string;
  /** The entry as written. */
  readonly entry: string;
  /** The path it names, relative to the kustomization file's directory. */
  readonly path: string;
  readonly target: ReferenceTarget;
  /** Why kustomize refuses the entry (target `refused`). */
  readonly refused?: string;
}

/**
 * Whether a `resources` / `components` entry is a remote target kustomize fetches (a URL, a git
 * repo spec like `github.com/org/repo//dir?ref=v1`, `git@host:org/repo`): not a path of the tree.
 */
export function isRemoteReference(entry: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^git(::|@)/.test(entry) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry)) return true;
  if (entry.includes('?ref=') || entry.includes('?version=')) return true;
  // `host/org/repo//dir`: a repo's sub-directory, when the first segment is a host name (kustomize
  // reads `sub//f` as a local path first, and fails).
  const first = entry.split('/')[0];
  return entry.includes('//') && first !== '.' && first !== '..' && /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$/i.test(first);
}

/**
 * An entry kustomize reads as inline YAML rather than a path (a patch or a plugin configuration):
 * one that parses to a mapping, on one line too (`{"apiVersion": ...}`).
 */
function isInline(entry: string): boolean {
  if (entry.includes('\n')) return true;
  try {
    const docs = YAML.parseAllDocuments(entry);
    return docs.some((d) => YAML.isMap(d.contents) || (YAML.isSeq(d.contents) && d.contents.items.some((i) => YAML.isMap(i))));
  } catch {
    return false;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The local paths a kustomization file's document names (in the order of kustomize's fields). */
export function kustomizationReferences(doc: unknown): KustomizationReference[] {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return [];
  const k = doc as Record<string, unknown>;
  const out: KustomizationReference[] = [];
  const add = (field: string, entry: string, target: ReferenceTarget, p = entry) => {
    // An absolute path is not checked: it does not name a path of the tree as validated.
    if (path.posix.isAbsolute(p)) return;
    out.push({ field, entry, path: p, target });
  };
  const refuse = (field: string, entry: string, why: string) => out.push({ field, entry, path: entry, target: 'refused', refused: why });
  for (const field of ['resources', 'bases'] as const) {
    for (const e of list(k[field])) {
      if (e === '') refuse(field, '', 'an empty entry ("new root cannot be empty")');
      else if (str(e) && !isRemoteReference(e as string)) add(field, e as string, 'file-or-kustomization');
    }
  }
  for (const e of list(k.components)) {
    if (str(e) && path.posix.isAbsolute(e as string)) refuse('components', e as string, 'an absolute path ("cannot be absolute")');
    else if (str(e) && !isRemoteReference(e as string)) add('components', e as string, 'kustomization');
  }
  for (const field of ['crds', 'configurations'] as const) for (const e of list(k[field])) if (str(e)) add(field, e as string, 'file');
  for (const field of ['patches', 'patchesJson6902', 'replacements'] as const) {
    list(k[field]).forEach((p, i) => {
      const f = str((p as Record<string, unknown> | null)?.path);
      if (f && p && typeof p === 'object') add(`${field}[${i}].path`, f, 'file');
    });
  }
  for (const e of list(k.patchesStrategicMerge)) if (str(e) && !isInline(e as string)) add('patchesStrategicMerge', e as string, 'file');
  for (const field of ['configMapGenerator', 'secretGenerator'] as const) {
    list(k[field]).forEach((g, i) => {
      if (!g || typeof g !== 'object') return;
      const gen = g as Record<string, unknown>;
      // `[key=]path`: the key is what follows in the ConfigMap; the file is after the "=" (one at most).
      for (const e of list(gen.files)) {
        if (!str(e)) continue;
        const parts = (e as string).split('=');
        if (parts.length > 2) refuse(`${field}[${i}].files`, e as string, 'more than one "=" ("key=path" takes one)');
        else add(`${field}[${i}].files`, e as string, 'file', parts[parts.length - 1]);
      }
      for (const e of list(gen.envs)) if (str(e)) add(`${field}[${i}].envs`, e as string, 'file');
      const env = str(gen.env);
      if (env) add(`${field}[${i}].env`, env, 'file');
    });
  }
  // A path of these is read as a resource is: a file, or a directory with a kustomization file.
  for (const field of ['generators', 'transformers', 'validators'] as const) {
    for (const e of list(k[field])) if (str(e) && !isInline(e as string) && !isRemoteReference(e as string)) add(field, e as string, 'file-or-kustomization');
  }
  const openapi = str((k.openapi as Record<string, unknown> | null | undefined)?.path);
  if (openapi && k.openapi && typeof k.openapi === 'object') add('openapi.path', openapi, 'file');
  return out;
}

/**
 * What is at a path of the tree: a file, a directory with a kustomization file (`component` when
 * that file's `kind` is `Component`), a directory without one, or nothing.
 */
export type PathKind = 'file' | 'kustomization' | 'component' | 'directory' | undefined;

/**
 * Whether a kustomization file's document is a kustomize Component (`kind: Component`): kustomize
 * takes only those in `components`, and refuses them in `resources` (`accumulateDirectory`:
 * "expected kind 'Component'", "expected kind != 'Component'").
 */
export function isKustomizeComponent(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && (doc as { kind?: unknown }).kind === 'Component';
}

/** What is at `file` on disk (links followed, as kustomize does): a file, a directory with or without a kustomization file, or nothing. */
export function pathKindOnDisk(file: string): PathKind {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return undefined;
  }
  if (st.isFile()) return 'file';
  if (!st.isDirectory()) return undefined;
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    let text: string;
    try {
      if (!fs.statSync(path.join(file, name)).isFile()) continue;
      text = fs.readFileSync(path.join(file, name), 'utf8');
    } catch {
      continue; // not this name
    }
    let doc: unknown;
    try {
      doc = YAML.parseAllDocuments(text)[0]?.toJS();
    } catch {
      doc = undefined; // kustomize reports it when it reads the file
    }
    return isKustomizeComponent(doc) ? 'component' : 'kustomization';
  }
  return 'directory';
}

/** Who fails with kustomize (kustomize-controller and Argo CD's repo server build with it). */
const BUILDERS = ', and so does every Flux Kustomization or Argo CD Application building it';

/**
 * Why `ref` breaks the build of the kustomization file in `dir` (`/`-separated, relative to the
 * tree root, `''` the root), or undefined when the tree has what it names. A path out of the tree
 * is not checked (the tree may be a part of the repo).
 * @param kindOf what is at a path relative to the tree root
 */
export function referenceProblem(dir: string, ref: KustomizationReference, kindOf: (rel: string) => PathKind): string | undefined {
  const what = `${ref.field} "${ref.entry}"`;
  if (ref.target === 'refused') return `${what}: ${ref.refused}: kustomize build fails${BUILDERS}; fix or remove the entry`;
  const rel = path.posix.normalize(path.posix.join(dir === '' ? '.' : dir, ref.path));
  if (rel === '..' || rel.startsWith('../')) return undefined;
  const at = kindOf(rel === '.' ? '' : rel);
  switch (ref.target) {
    case 'file':
      if (at === 'file') return undefined;
      return at === undefined
        ? `${what}: no such file in the tree: kustomize build fails ("no such file or directory")${BUILDERS}; add the file, or remove the entry`
        : `${what}: a directory, not a file: kustomize build fails; name a file, or remove the entry`;
    case 'kustomization':
    case 'file-or-kustomization':
      // A components entry names a Component; any other a Kustomization (kustomize's accumulateDirectory).
      if (at === 'component' && ref.target === 'file-or-kustomization') {
        return `${what}: a directory whose kustomization file is a Component (kind: Component): kustomize build fails ("expected kind != 'Component'")${BUILDERS}; list it under components`;
      }
      if (at === 'kustomization' && ref.target === 'kustomization') {
        return `${what}: a directory whose kustomization file is not a Component: kustomize build fails ("expected kind 'Component'")${BUILDERS}; give that file apiVersion: kustomize.config.k8s.io/v1alpha1 and kind: Component, or list it under resources`;
      }
      if (at === 'kustomization' || at === 'component' || (at === 'file' && ref.target === 'file-or-kustomization')) return undefined;
      if (at === 'file') return `${what}: a file, not a directory with a kustomization file: kustomize build fails; name the component's directory`;
      return at === undefined
        ? `${what}: no such ${ref.target === 'kustomization' ? 'directory' : 'file or directory'} in the tree: kustomize build fails ("accumulating ${ref.target === 'kustomization' ? 'components' : 'resources'}")${BUILDERS}; add it, or remove the entry`
        : `${what}: a directory without a kustomization file: kustomize build fails ("unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization'"); add a kustomization.yaml listing its files, or list the files themselves`;
  }
}
