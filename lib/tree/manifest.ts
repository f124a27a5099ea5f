/**
 * The ownership manifest: the one place that names it (`.cdk8s-platform.json`) and defines its format.
 * Written by the TreeWriter (lib/gitops/writer.ts) at the root of every repo tree; read by synth,
 * `synth --check`, `plan`, `graph` and `validate` through this module.
 */
import * as fs from 'fs';
import * as path from 'path';
import { memoForSynthPass } from '../core/synth-pass';

/** Name of the ownership manifest written at the root of every repo tree. */
export const MANIFEST_FILE = '.cdk8s-platform.json';

/**
 * Content of the ownership manifest: the files this library wrote, sorted, the construct path
 * of the ApiObject behind each object file (so the next run can tell a rename from a deletion;
 * see `planTrees`), and the cluster of each folder (so the next run knows the cluster of a folder
 * the app no longer has). `constructPaths` is left out when no file has one; manifests written
 * before it existed are read as having none. `clusters` is written by every synth; manifests
 * written before it existed (or by a bare `TreeWriter`) have none: their folders' clusters are unknown.
 */
export interface OwnershipManifest {
  readonly generator: 'cdk8s-platform';
  readonly files: readonly string[];
  /** Object file → construct path of the ApiObject that produced it. */
  readonly constructPaths?: Readonly<Record<string, string>>;
  /**
   * Folder path → the cluster its objects are applied to ('' = the repo's own), for each folder
   * whose cluster is not that of the nearest folder above it ('' above the top ones): see
   * {@link manifestClusterOf}.
   */
  readonly clusters?: Readonly<Record<string, string>>;
  /**
   * Repo-relative paths of the files the app's kustomization files list as the user's
   * (`Folder.addResource(path, { userOwned: true })`, e.g. the `gotk-components.yaml` that
   * `flux bootstrap` commits): `validate` reports one the tree lacks as not committed yet, not as
   * an issue. Left out when there are none.
   */
  readonly userOwned?: readonly string[];
}

/** Whether `dir` holds an ownership manifest (is the root of a repo tree written by this library). */
export function hasManifest(dir: string): boolean {
  return fs.existsSync(path.join(dir, MANIFEST_FILE));
}

/** Reads the ownership manifest of a tree; an empty list when there is none. */
export function readManifest(targetDir: string): OwnershipManifest {
  const file = path.join(targetDir, MANIFEST_FILE);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return { generator: 'cdk8s-platform', files: [] };
  }
  // Never follow a link or block on a FIFO planted in place of the manifest.
  if (!st.isFile()) throw new Error(`${file}: the ownership manifest is not a regular file; replace it with the file from Git or delete it`);
  const text = fs.readFileSync(file, 'utf8');
  // A synth reads each repo's manifest twice (the writer's changes, the guard's baseline), and
  // parsing the manifest of a 10,000-cluster tree (100,000 files and construct paths) takes 0.3 s:
  // parsed once per synth pass (a hit needs the same text, read again); not kept after it.
  const read = memoForSynthPass(READ, READ_SCOPE, () => new Map<string, { readonly text: string; readonly manifest: OwnershipManifest }>());
  const hit = read.get(file);
  if (hit?.text === text) return hit.manifest;
  const manifest = parseManifest(file, text);
  read.set(file, { text, manifest });
  return manifest;
}

/** The key and scope of the manifests read in a synth pass. */
const READ = Symbol('manifests read');
const READ_SCOPE = {};

/** Parses the text of an ownership manifest; `source` names it in errors. */
export function parseManifest(source: string, text: string): OwnershipManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not a valid ownership manifest (${(e as Error).message}); fix or delete it`);
  }
  const m = parsed as Partial<OwnershipManifest>;
  const paths = m.constructPaths;
  const clusters = m?.clusters;
  const stringRecord = (r: unknown) => r === undefined || (typeof r === 'object' && r !== null && !Array.isArray(r) && Object.values(r).every((v) => typeof v === 'string'));
  const userOwned = m?.userOwned;
  const stringList = (l: unknown) => l === undefined || (Array.isArray(l) && l.every((f) => typeof f === 'string'));
  if (m === null || typeof m !== 'object' || m.generator !== 'cdk8s-platform' || !Array.isArray(m.files) || m.files.some((f) => typeof f !== 'string') || !stringRecord(paths) || !stringRecord(clusters) || !stringList(userOwned)) {
    throw new Error(`${source}: not a valid ownership manifest (expected {"generator":"cdk8s-platform","files":[...]})`);
  }
  return { generator: 'cdk8s-platform', files: m.files, ...(paths ? { constructPaths: paths } : {}), ...(clusters ? { clusters } : {}), ...(userOwned ? { userOwned } : {}) };
}

/**
 * The manifest's bytes for a sorted file list, the construct paths of its object files and, when
 * given, its folders' clusters (see {@link OwnershipManifest.clusters}).
 */
export function manifestText(files: readonly string[], constructPaths: Readonly<Record<string, string>>, clusters?: Readonly<Record<string, string>>, userOwned: readonly string[] = []): string {
  const m: OwnershipManifest = {
    generator: 'cdk8s-platform',
    files: [...files],
    ...(Object.keys(constructPaths).length > 0 ? { constructPaths: { ...constructPaths } } : {}),
    ...(clusters ? { clusters: sortedRecord(clusters) } : {}),
    ...(userOwned.length > 0 ? { userOwned: [...new Set(userOwned)].sort() } : {}),
  };
  return `${JSON.stringify(m, undefined, 2)}\n`;
}

/**
 * A record with its keys in sorted order (JSON.stringify writes them in insertion order, but
 * integer-like keys such as a folder "2024" first, ascending: the same bytes for the same folders either way).
 */
function sortedRecord(r: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The `clusters` record of a manifest for the folders of a repo (their paths) and the cluster of
 * each: only the folders whose cluster differs from that of the nearest folder above them by path
 * ('' above the top ones), so a fleet's record has about one entry per cluster.
 */
export function folderClusterRecord(folders: Iterable<readonly [path: string, cluster: string]>): Record<string, string> {
  const out = new Map<string, string>();
  const lookup = (p: string) => out.get(p);
  // Sorted by path, a folder comes after every folder above it.
  for (const [p, cluster] of [...folders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (clusterOfPath(lookup, `${p}/x`) !== cluster) out.set(p, cluster);
  }
  // Own properties only (a folder may be named "constructor").
  return Object.fromEntries(out);
}

/**
 * The cluster of a file of a tree by its manifest's `clusters` record: that of the deepest folder
 * of the record holding it, else '' (the repo's own cluster).
 */
export function manifestClusterOf(clusters: Readonly<Record<string, string>>, file: string): string {
  return clusterOfPath((p) => (Object.hasOwn(clusters, p) ? clusters[p] : undefined), file);
}

function clusterOfPath(lookup: (folder: string) => string | undefined, file: string): string {
  for (let i = file.lastIndexOf('/'); i > 0; i = file.lastIndexOf('/', i - 1)) {
    const c = lookup(file.slice(0, i));
    if (c !== undefined) return c;
  }
  return '';
}
