/**
 * Reading a synthesized GitOps tree (plain YAML files) for `cdk8s-platform graph`. The graph works on
 * any output — this library's or hand-written manifests — so it reads files, not constructs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { naturalCompare } from '../core/validation';
import { parseYamlDocuments, type ParsedYamlDocument } from '../core/yaml-read';
import { kustomizationReferences } from '../tree/kustomize-refs';
import { findRepoDirs as findRepos, isKustomizeConfig, listYamlFiles, objectsOfDocuments, objectsOfFile } from '../tree/read';

/** One Kubernetes object read from a tree. */
export interface TreeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** `''` for cluster-scoped objects and objects without a namespace. */
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** File the object was read from, relative to the repo root, `/`-separated. */
  readonly file: string;
  /** The whole object. */
  readonly obj: Record<string, any>;
}

/** A repo tree: a directory with the objects of its YAML files. */
export interface RepoTree {
  /** Directory name relative to the directory given to {@link readTrees} (`.` for that directory itself). */
  readonly name: string;
  /** Absolute directory. */
  readonly dir: string;
  /** Objects, sorted by file then document order. */
  readonly objects: TreeObject[];
  /**
   * The local `resources`, `bases` and `components` entries of each directory's kustomization file
   * (`''` the root), as written: what a Flux Kustomization of that directory builds. Undefined when
   * the tree's kustomization files were not read (the graph then counts every object below a path).
   */
  readonly kustomizations?: ReadonlyMap<string, readonly string[]>;
}

/**
 * Adds a kustomization file's entries to `into` (see {@link RepoTree.kustomizations}); kustomize
 * reads the file's first document only.
 */
export function addKustomizationFile(into: Map<string, readonly string[]>, file: string, docs: readonly ParsedYamlDocument[]): void {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  const entries = kustomizationReferences(docs[0]?.value).filter((r) => r.field === 'resources' || r.field === 'bases' || r.field === 'components').map((r) => r.path);
  into.set(dir, entries);
}

/** The `apiVersion` group (`''` for core). */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/**
 * Finds the repo trees under `dir`: `dir` itself when it holds an ownership manifest (see
 * lib/tree); else every sub-directory (at any depth, not below another repo) that holds one; else
 * `dir` as a single tree.
 */
export function findRepoDirs(dir: string): Array<{ name: string; dir: string }> {
  const root = path.resolve(dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new Error(`not a directory: ${dir}`);
  const found = findRepos(root, naturalCompare).map((name) => ({ name, dir: name === '.' ? root : path.join(root, ...name.split('/')) }));
  return found.length > 0 ? found : [{ name: '.', dir: root }];
}

/** The YAML files of one tree: paths relative to `dir`, `/`-separated, in natural order. */
export function treeFiles(dir: string): string[] {
  return listYamlFiles(dir)
    .map((f) => path.relative(dir, f).split(path.sep).join('/'))
    .sort(naturalCompare);
}

/**
 * The objects of one file of a tree (`file` relative to `dir`) from its text, or its parsed
 * documents (kustomize's own kustomization files skipped; throws naming the file on invalid YAML).
 */
export function objectsOfTreeFile(dir: string, file: string, content: string | readonly ParsedYamlDocument[]): TreeObject[] {
  const abs = path.join(dir, file);
  const objs = typeof content === 'string' ? objectsOfFile(abs, content) : objectsOfDocuments(abs, content);
  return (objs as Array<Record<string, any>>).map((obj) => {
    const meta = (obj.metadata ?? {}) as Record<string, any>;
    return {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name: typeof meta.name === 'string' ? meta.name : '',
      namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
      labels: meta.labels && typeof meta.labels === 'object' ? meta.labels : {},
      file,
      obj,
    };
  });
}

/** Reads every object of every *.yaml / *.yml file of one tree (Kustomize's own kustomization files skipped). */
export function readTree(name: string, dir: string): RepoTree {
  const objects: TreeObject[] = [];
  const kustomizations = new Map<string, readonly string[]>();
  for (const file of treeFiles(dir)) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    if (isKustomizeConfig(file)) addKustomizationFile(kustomizations, file, parseYamlDocuments(text));
    else objects.push(...objectsOfTreeFile(dir, file, text));
  }
  return { name, dir, objects, kustomizations };
}

/** {@link findRepoDirs} + {@link readTree}. */
export function readTrees(dir: string): RepoTree[] {
  return findRepoDirs(dir).map((r) => readTree(r.name, r.dir));
}
