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
 * Content of the ownership manifest: the files this library wrote, sorted, and the construct path
 * of the ApiObject behind each object file (so the next run can tell a rename from a deletion;
 * see `planTrees`). `constructPaths` is left out when no file has one; manifests written before it
 * existed are read as having none.
 */
export interface OwnershipManifest {
  readonly generator: 'cdk8s-platform';
  readonly files: readonly string[];
  /** Object file → construct path of the ApiObject that produced it. */
  readonly constructPaths?: Readonly<Record<string, string>>;
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
  const pathsOk = paths === undefined || (typeof paths === 'object' && paths !== null && !Array.isArray(paths) && Object.values(paths).every((v) => typeof v === 'string'));
  if (m === null || typeof m !== 'object' || m.generator !== 'cdk8s-platform' || !Array.isArray(m.files) || m.files.some((f) => typeof f !== 'string') || !pathsOk) {
    throw new Error(`${source}: not a valid ownership manifest (expected {"generator":"cdk8s-platform","files":[...]})`);
  }
  return paths ? { generator: 'cdk8s-platform', files: m.files, constructPaths: paths } : { generator: 'cdk8s-platform', files: m.files };
}

/** The manifest's bytes for a sorted file list and the construct paths of its object files. */
export function manifestText(files: readonly string[], constructPaths: Readonly<Record<string, string>>): string {
  const m: OwnershipManifest = Object.keys(constructPaths).length > 0
    ? { generator: 'cdk8s-platform', files: [...files], constructPaths: { ...constructPaths } }
    : { generator: 'cdk8s-platform', files: [...files] };
  return `${JSON.stringify(m, undefined, 2)}\n`;
}
