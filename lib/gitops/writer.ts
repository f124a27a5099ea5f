import * as fs from 'fs';
import * as path from 'path';
import { YamlFilePool } from './yaml-pool';

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
  readonly files: string[];
  /** Object file → construct path of the ApiObject that produced it. */
  readonly constructPaths?: Record<string, string>;
}

/** Reads the ownership manifest of a tree; an empty list when there is none. */
export function readManifest(targetDir: string): OwnershipManifest {
  const file = path.join(targetDir, MANIFEST_FILE);
  if (!fs.existsSync(file)) return { generator: 'cdk8s-platform', files: [] };
  return parseManifest(file, fs.readFileSync(file, 'utf8'));
}

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
  if (m.generator !== 'cdk8s-platform' || !Array.isArray(m.files) || m.files.some((f) => typeof f !== 'string') || !pathsOk) {
    throw new Error(`${source}: not a valid ownership manifest (expected {"generator":"cdk8s-platform","files":[...]})`);
  }
  return paths ? { generator: 'cdk8s-platform', files: m.files, constructPaths: paths } : { generator: 'cdk8s-platform', files: m.files };
}

/** What committing a tree would do to the target directory. */
export interface TreeChanges {
  /** Files that do not exist yet. */
  readonly created: string[];
  /** Owned files whose content changes. */
  readonly updated: string[];
  /** Owned files that are no longer produced and will be deleted. */
  readonly deleted: string[];
  /** Files that exist, were not written by this library and would be overwritten: an error. */
  readonly conflicts: string[];
}

/** The error for files that exist, were not written by this library and would be overwritten. */
export function conflictMessage(files: readonly string[]): string {
  return (
    'refusing to overwrite files that were not written by cdk8s-platform ' +
    `(move them away or remove the objects that produce them):\n  ${files.join('\n  ')}`
  );
}

function checkRelative(rel: string): void {
  if (!rel || rel.startsWith('/') || rel.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new Error(`invalid output path "${rel}": must be a relative path inside the repo`);
  }
  if (rel === MANIFEST_FILE) throw new Error(`invalid output path "${rel}": reserved for the ownership manifest`);
}

/**
 * Writes one repo tree atomically and without touching files it does not own.
 *
 * Files are first written to a staging directory next to the target. {@link commit} then
 * either renames the staging directory into place (new target) or moves each changed file in,
 * deletes owned files that are no longer produced and rewrites the ownership manifest; any
 * error while doing so rolls every change back. {@link abort} discards the staging directory and
 * leaves the target exactly as it was.
 */
export class TreeWriter {
  private readonly staging: string;
  private readonly files = new Set<string>();
  private readonly constructPaths = new Map<string, string>();
  private done = false;

  /**
   * @param targetDir the repo directory to write
   * @param pool where {@link addObject} sends objects to be serialized (default: inline)
   */
  public constructor(
    public readonly targetDir: string,
    private readonly pool: YamlFilePool = new YamlFilePool(0),
  ) {
    this.targetDir = path.resolve(targetDir);
    const parent = path.dirname(this.targetDir);
    fs.mkdirSync(parent, { recursive: true });
    this.staging = fs.mkdtempSync(path.join(parent, `.${path.basename(this.targetDir)}.staging-`));
  }

  /**
   * Adds an object, written as YAML through the writer's pool (possibly on a worker thread: the
   * file exists once the pool has finished).
   * @param constructPath the construct path of the ApiObject, recorded in the ownership manifest
   */
  public addObject(rel: string, obj: unknown, constructPath?: string): void {
    this.reserve(rel);
    if (constructPath !== undefined) this.constructPaths.set(rel, constructPath);
    this.pool.write(path.join(this.staging, rel), obj);
  }

  /** Adds a file (path relative to the repo root, `/`-separated). */
  public add(rel: string, content: string): void {
    this.reserve(rel);
    this.pool.writeText(path.join(this.staging, rel), content);
  }

  private reserve(rel: string): void {
    if (this.done) throw new Error('TreeWriter: already committed or aborted');
    checkRelative(rel);
    if (this.files.has(rel)) throw new Error(`two outputs want the same file "${rel}"`);
    this.files.add(rel);
  }

  /** The files added so far, sorted. */
  public get fileList(): string[] {
    return [...this.files].sort();
  }

  /** Compares the staged tree with the target. */
  public changes(): TreeChanges {
    const created: string[] = [];
    const updated: string[] = [];
    const conflicts: string[] = [];
    if (!fs.existsSync(this.targetDir)) {
      return { created: this.fileList, updated, deleted: [], conflicts };
    }
    const owned = new Set(readManifest(this.targetDir).files);
    for (const rel of this.fileList) {
      const target = path.join(this.targetDir, rel);
      let existing: Buffer | undefined;
      try {
        existing = fs.readFileSync(target);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          if (blockedByFile(this.targetDir, rel)) conflicts.push(rel);
          else created.push(rel);
          continue;
        }
        if (code === 'EISDIR') {
          conflicts.push(rel);
          continue;
        }
        throw e;
      }
      const staged = fs.readFileSync(path.join(this.staging, rel));
      if (existing.equals(staged)) continue;
      if (owned.has(rel)) updated.push(rel);
      else conflicts.push(rel);
    }
    const deleted = [...owned].filter((f) => !this.files.has(f) && fs.existsSync(path.join(this.targetDir, f))).sort();
    return { created, updated, deleted, conflicts };
  }

  /** Discards the staged files; the target is untouched. */
  public abort(): void {
    this.done = true;
    fs.rmSync(this.staging, { recursive: true, force: true });
  }

  /**
   * Moves the staged tree into place (see class docs). Returns what changed.
   * @param planned the result of {@link changes}, when the caller already computed it
   */
  public commit(planned?: TreeChanges): TreeChanges {
    if (this.done) throw new Error('TreeWriter: already committed or aborted');
    const manifest = this.manifestText();
    try {
      if (!fs.existsSync(this.targetDir)) {
        fs.writeFileSync(path.join(this.staging, MANIFEST_FILE), manifest);
        fs.renameSync(this.staging, this.targetDir);
        this.done = true;
        return { created: this.fileList, updated: [], deleted: [], conflicts: [] };
      }
      const changes = planned ?? this.changes();
      if (changes.conflicts.length > 0) {
        throw new Error(conflictMessage(changes.conflicts.map((f) => path.join(this.targetDir, f))));
      }
      this.apply(changes, manifest);
      return changes;
    } finally {
      this.done = true;
      fs.rmSync(this.staging, { recursive: true, force: true });
    }
  }

  /** The ownership manifest of the staged tree, as written. */
  private manifestText(): string {
    const content: OwnershipManifest = { generator: 'cdk8s-platform', files: this.fileList };
    const paths = [...this.constructPaths].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const full = paths.length > 0 ? { ...content, constructPaths: Object.fromEntries(paths) } : content;
    return `${JSON.stringify(full, undefined, 2)}\n`;
  }

  private apply(changes: TreeChanges, manifest: string): void {
    const backup = fs.mkdtempSync(path.join(path.dirname(this.targetDir), `.${path.basename(this.targetDir)}.backup-`));
    // Journal of what was done, undone in reverse order on failure.
    const undo: Array<() => void> = [];
    const moveToBackup = (rel: string) => {
      const from = path.join(this.targetDir, rel);
      const to = path.join(backup, rel);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.renameSync(from, to);
      undo.push(() => fs.renameSync(to, from));
    };
    const updated = new Set(changes.updated);
    try {
      for (const rel of [...changes.created, ...changes.updated]) {
        const to = path.join(this.targetDir, rel);
        if (updated.has(rel)) moveToBackup(rel);
        const createdDirs = mkdirTracked(path.dirname(to));
        undo.push(() => createdDirs.reverse().forEach((d) => fs.rmdirSync(d)));
        fs.renameSync(path.join(this.staging, rel), to);
        undo.push(() => fs.rmSync(to));
      }
      for (const rel of changes.deleted) moveToBackup(rel);
      const manifestPath = path.join(this.targetDir, MANIFEST_FILE);
      if (fs.existsSync(manifestPath)) moveToBackup(MANIFEST_FILE);
      fs.writeFileSync(`${manifestPath}.tmp`, manifest);
      fs.renameSync(`${manifestPath}.tmp`, manifestPath);
      undo.push(() => fs.rmSync(manifestPath));
    } catch (e) {
      let clean = true;
      for (const step of undo.reverse()) {
        try {
          step();
        } catch {
          clean = false; // keep undoing the rest; the backup directory is kept for manual recovery
        }
      }
      if (clean) {
        fs.rmSync(backup, { recursive: true, force: true });
        throw new Error(`writing ${this.targetDir} failed and was rolled back: ${(e as Error).message}`);
      }
      throw new Error(`writing ${this.targetDir} failed and could not be fully rolled back: ${(e as Error).message}; previous files are in ${backup}`);
    }
    for (const rel of changes.deleted) removeEmptyParents(this.targetDir, path.dirname(path.join(this.targetDir, rel)));
    fs.rmSync(backup, { recursive: true, force: true });
  }
}

/** True when a path component of `rel` exists in `root` as a file (so the file cannot be created). */
function blockedByFile(root: string, rel: string): boolean {
  const parts = rel.split('/');
  let p = root;
  for (const part of parts.slice(0, -1)) {
    p = path.join(p, part);
    if (!fs.existsSync(p)) return false;
    if (!fs.statSync(p).isDirectory()) return true;
  }
  return false;
}

function mkdirTracked(dir: string): string[] {
  const created: string[] = [];
  let p = dir;
  const missing: string[] = [];
  while (!fs.existsSync(p)) {
    missing.push(p);
    p = path.dirname(p);
  }
  for (const d of missing.reverse()) {
    fs.mkdirSync(d);
    created.push(d);
  }
  return created;
}

function removeEmptyParents(root: string, dir: string): void {
  let d = dir;
  while (d.startsWith(root + path.sep) && fs.existsSync(d) && fs.readdirSync(d).length === 0) {
    fs.rmdirSync(d);
    d = path.dirname(d);
  }
}
