import * as fs from 'fs';
import * as path from 'path';
import { acquireLock, finishCommit, fsErrorMessage, fsyncDir, Journal, recover, releaseLock, rollBack, stateDirOf, writeDurable } from './journal';
import { BASELINE_PART, FOLLOWS_NO_LINKS, YamlFilePool, type ObjectCheck, type StagedTree } from './yaml-pool';
import { MANIFEST_FILE, manifestText, readManifest } from '../tree/manifest';

export { MANIFEST_FILE, parseManifest, readManifest } from '../tree/manifest';
export type { OwnershipManifest } from '../tree/manifest';

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
  if (!isRelativeInside(rel)) {
    throw new Error(`invalid output path "${rel}": must be a relative path inside the repo`);
  }
  if (rel === MANIFEST_FILE) throw new Error(`invalid output path "${rel}": reserved for the ownership manifest`);
}

function isRelativeInside(rel: string): boolean {
  return !!rel && !rel.startsWith('/') && !rel.includes('\\') && !rel.includes('\u0000') && !rel.split('/').some((s) => s === '' || s === '.' || s === '..');
}

/** What is at a path of the repo, without following symbolic links. */
type Entry = 'missing' | 'file' | 'dir' | 'symlink' | 'other';

function entryAt(p: string): Entry {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw new Error(fsErrorMessage(e, p, 'reading'));
  }
  return st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
}

/**
 * Writes one repo tree atomically and without touching files it does not own.
 *
 * Takes the repo's lock (a second synth into the same directory is refused), finishes or rolls
 * back a commit a killed run left behind, and writes the files to a staging directory in the
 * repo's hidden state directory next to it (`.<name>.cdk8s-platform/`, see `journal.ts`), except
 * files the target already has byte for byte (compared where they are serialized, on the pool's
 * worker threads for large trees, so a synth that changes little writes little).
 * {@link commit} then either renames the staging directory into place (new target) or, under a
 * write-ahead journal, moves each changed file in (unchanged files keep their bytes and mtime),
 * deletes owned files that are no longer produced and rewrites the ownership manifest; an error or
 * a kill at any moment leaves the previous or the new tree, never a mix. Symbolic links inside the
 * repo are never followed. {@link abort} discards the staging directory and leaves the target
 * exactly as it was.
 */
export class TreeWriter {
  private readonly state: string;
  private readonly staging: string;
  /** The repo's lock (none when only comparing). */
  private readonly lock: string | undefined;
  /** Only compare with the target: nothing is staged, locked or written (see the constructor). */
  private readonly compareOnly: boolean;
  private readonly files = new Set<string>();
  private readonly constructPaths = new Map<string, string>();
  /** The folders' clusters recorded in the manifest ({@link setFolderClusters}); none unless set. */
  private clusters: Readonly<Record<string, string>> | undefined;
  private userOwned: readonly string[] = [];
  private done = false;
  /** Set when a failed roll-back leaves the journal for the next run. */
  private keepState = false;

  /** The staged tree as the pool writes it (recorded for {@link writeBaselineCopy} or not; compared with the target). */
  private readonly tree: StagedTree;

  /**
   * @param targetDir the repo directory to write
   * @param pool where {@link addObject} sends objects to be serialized (default: inline)
   * @param options `recordBaseline`: record every file as it is written, for {@link writeBaselineCopy} (default false);
   * `blobIds`: compute each file's git blob id, see {@link blobIds} (default false);
   * `compareOnly`: write nothing, anywhere (`synth --check`): each file is only compared with the
   * target's (where it is serialized), {@link changes} and {@link manifestChange} say what a
   * commit would change, the target's lock and state directory are left alone (a synth may run
   * beside), and {@link commit} refuses (default false)
   */
  public constructor(
    public readonly targetDir: string,
    private readonly pool: YamlFilePool = new YamlFilePool(0),
    options: { readonly recordBaseline?: boolean; readonly blobIds?: boolean; readonly compareOnly?: boolean } = {},
  ) {
    let target = path.resolve(targetDir);
    // A symlinked repo root is written where it points (so renames stay on one file system).
    if (entryAt(target) === 'symlink') target = fs.realpathSync(target);
    this.targetDir = target;
    this.compareOnly = options.compareOnly === true;
    if (this.compareOnly) {
      this.state = stateDirOf(target);
      // A name for the tree in the pool, never created.
      this.staging = path.join(this.state, 'staging');
      this.lock = undefined;
      this.tree = { dir: this.staging, target: entryAt(target) === 'dir' ? target : undefined, compareOnly: true };
      return;
    }
    const parent = path.dirname(target);
    try {
      fs.mkdirSync(parent, { recursive: true });
    } catch (e) {
      throw new Error(fsErrorMessage(e, parent, 'creating'));
    }
    this.lock = acquireLock(target);
    try {
      recover(target);
      this.state = stateDirOf(target);
      this.staging = path.join(this.state, 'staging');
      fs.mkdirSync(this.staging, { recursive: true });
      // Files the target already has byte for byte are not staged (the pool compares them first;
      // a target that does not exist yet has nothing to compare with).
      this.tree = { dir: this.staging, record: options.recordBaseline === true, target: entryAt(target) === 'dir' ? target : undefined, blobIds: options.blobIds === true };
      // Parts of a baseline copy a killed run left behind would be read as this run's.
      for (const f of fs.readdirSync(this.state)) if (BASELINE_PART.test(f)) fs.rmSync(path.join(this.state, f), { force: true });
    } catch (e) {
      releaseLock(this.lock!);
      throw (e as NodeJS.ErrnoException).code ? new Error(fsErrorMessage(e, stateDirOf(target), 'creating')) : e;
    }
  }

  /**
   * Adds an object, written as YAML through the writer's pool (possibly on a worker thread: the
   * file exists once the pool has finished).
   * @param constructPath the construct path of the ApiObject, recorded in the ownership manifest
   * @param check validate the object on the pool's worker (see `YamlFilePool.write`)
   */
  public addObject(rel: string, obj: unknown, constructPath?: string, check?: ObjectCheck): void {
    this.reserve(rel);
    if (constructPath !== undefined) this.constructPaths.set(rel, constructPath);
    try {
      this.pool.write(path.join(this.staging, rel), obj, this.tree, check);
    } catch (e) {
      throw new Error(this.describeError(e));
    }
  }

  /**
   * Records the clusters of the tree's folders in the ownership manifest (`OwnershipManifest.clusters`,
   * made with `folderClusterRecord`), so the next synth knows the cluster of a folder the app no
   * longer has. Without it the manifest records none.
   */
  public setFolderClusters(clusters: Readonly<Record<string, string>>): void {
    this.clusters = clusters;
  }

  /**
   * Records the files the tree's kustomization files list as the user's (`OwnershipManifest.userOwned`),
   * so `validate` knows one the tree lacks is not committed yet.
   */
  public setUserOwned(paths: readonly string[]): void {
    this.userOwned = [...paths];
  }

  /** Adds a file (path relative to the repo root, `/`-separated). */
  public add(rel: string, content: string): void {
    this.reserve(rel);
    try {
      this.pool.writeText(path.join(this.staging, rel), content, this.tree);
    } catch (e) {
      throw new Error(this.describeError(e));
    }
  }

  /**
   * One line for a system error raised while staging this writer's files (by it or its pool):
   * names the repo file, not the staging copy. Undefined when the error is not about this writer.
   */
  public describeError(e: unknown): string {
    const err = e as NodeJS.ErrnoException;
    const p = typeof err?.path === 'string' ? err.path : undefined;
    const file = p && p.startsWith(this.staging + path.sep) ? path.join(this.targetDir, path.relative(this.staging, p)) : p ?? this.targetDir;
    return fsErrorMessage(e, file, 'writing');
  }

  /** Whether a system error is about a file this writer stages. */
  public owns(e: unknown): boolean {
    const p = (e as NodeJS.ErrnoException)?.path;
    return typeof p === 'string' && p.startsWith(this.staging + path.sep);
  }

  private reserve(rel: string): void {
    if (this.done) throw new Error('TreeWriter: already committed or aborted');
    checkRelative(rel);
    if (this.files.has(rel)) throw new Error(`two outputs want the same file "${rel}"`);
    this.files.add(rel);
  }

  /**
   * The files the target already has byte for byte, which were not staged (see
   * `YamlFilePool.unchangedIn`); complete once the pool has finished.
   */
  public get unchangedFiles(): ReadonlySet<string> {
    return this.pool.unchangedIn(this.staging);
  }

  /**
   * The git blob id of each file added (when the writer was created with `blobIds`), to tell
   * which files of the tree committed in git it writes unchanged; complete once the pool has finished.
   */
  public get blobIds(): ReadonlyMap<string, string> {
    return this.pool.blobIdsIn(this.staging);
  }

  /** The files added so far, sorted. */
  public get fileList(): string[] {
    return [...this.files].sort();
  }

  /**
   * Compares the staged tree with the target (content before writing: unchanged files are
   * neither created nor updated; the pool already left out of the staging directory the files
   * whose target has the same bytes, see `YamlFilePool.unchangedIn`). Call it once the pool has
   * finished. Throws, naming each path, when the write would go through a
   * symbolic link or a special file of the repo, or the ownership manifest lists a path outside
   * the repo or something that is not a regular file.
   */
  public changes(): TreeChanges {
    const created: string[] = [];
    const updated: string[] = [];
    const conflicts: string[] = [];
    if (entryAt(this.targetDir) === 'missing') {
      return { created: this.fileList, updated, deleted: [], conflicts };
    }
    const problems: string[] = [];
    const manifestFile = path.join(this.targetDir, MANIFEST_FILE);
    const owned = new Set<string>();
    for (const rel of readManifest(this.targetDir).files) {
      if (isRelativeInside(rel) && rel !== MANIFEST_FILE) owned.add(rel);
      else problems.push(`${manifestFile}: lists "${rel}", which is not a path inside the repo; remove the entry (the file is not touched)`);
    }
    // Directories of the repo already checked: relative dir → what is there.
    const dirs = new Map<string, Entry>([['', 'dir']]);
    /** The first parent of `rel` that is not a directory, or undefined. */
    const blockingParent = (rel: string): { dir: string; entry: Entry } | undefined => {
      const parts = rel.split('/');
      let d = '';
      for (const part of parts.slice(0, -1)) {
        d = d ? `${d}/${part}` : part;
        let e = dirs.get(d);
        if (e === undefined) dirs.set(d, (e = entryAt(path.join(this.targetDir, d))));
        if (e !== 'dir') return { dir: d, entry: e };
      }
      return undefined;
    };
    const unchanged = this.pool.unchangedIn(this.staging);
    const symlinkProblem = (rel: string) =>
      `${path.join(this.targetDir, rel)}: is a symbolic link; synth never writes or deletes through links (they may point out of the repo): replace it with a real directory or file, or change the folder path`;
    for (const rel of this.fileList) {
      const parent = blockingParent(rel);
      if (parent?.entry === 'symlink') {
        problems.push(symlinkProblem(parent.dir));
        continue;
      }
      if (parent?.entry === 'missing') {
        created.push(rel);
        continue;
      }
      if (parent) {
        conflicts.push(rel);
        continue;
      }
      // Found with the same bytes where it was serialized: a regular file (not a link: never
      // followed there), not staged, nothing to do (no lstat of each file of an unchanged fleet).
      if (FOLLOWS_NO_LINKS && unchanged.has(rel)) continue;
      const target = path.join(this.targetDir, rel);
      const entry = entryAt(target);
      if (entry === 'missing') created.push(rel);
      else if (entry === 'symlink') problems.push(symlinkProblem(rel));
      else if (entry !== 'file') conflicts.push(rel);
      else if (unchanged.has(rel)) continue; // compared by the pool: not staged
      else if (this.compareOnly) {
        // Compared by the pool: other bytes (or not readable as a regular file without links).
        if (owned.has(rel)) updated.push(rel);
        else conflicts.push(rel);
      } else {
        let same: boolean;
        try {
          same = fs.readFileSync(target).equals(fs.readFileSync(path.join(this.staging, rel)));
        } catch (e) {
          throw new Error(fsErrorMessage(e, target, 'reading'));
        }
        if (same) continue;
        if (owned.has(rel)) updated.push(rel);
        else conflicts.push(rel);
      }
    }
    // A kustomization.yml or Kustomization of the repo beside a kustomization.yaml of the tree: kustomize
    // reads one kustomization file per directory and fails on the folder, and so does every Flux
    // build that includes it. One the library wrote and no longer writes is deleted by the commit.
    for (const rel of [...this.pool.kustomizationSiblingsIn(this.staging)].sort()) {
      if (owned.has(rel) && !this.files.has(rel)) continue;
      problems.push(
        `${path.join(this.targetDir, rel)}: synth writes kustomization.yaml beside it, and kustomize fails on a directory with more than one kustomization file ("Found multiple kustomization files"), ` +
          `so would every Flux build of the folder: move its entries into the app (Folder.addResource; { userOwned: true } for files you keep in the repo yourself) and delete it`,
      );
    }
    const deleted: string[] = [];
    for (const rel of [...owned].sort()) {
      if (this.files.has(rel)) continue;
      const parent = blockingParent(rel);
      if (parent?.entry === 'symlink') {
        problems.push(`${manifestFile}: lists "${rel}", which is behind the symbolic link ${path.join(this.targetDir, parent.dir)}; synth does not delete through links: remove the entry or the link`);
        continue;
      }
      if (parent) continue; // gone
      const entry = entryAt(path.join(this.targetDir, rel));
      if (entry === 'file') deleted.push(rel);
      else if (entry !== 'missing') {
        const what = entry === 'symlink' ? 'a symbolic link' : entry === 'dir' ? 'a directory' : 'not a regular file (a FIFO, socket or device)';
        problems.push(`${manifestFile}: lists "${rel}", which is ${what}; synth only deletes regular files it wrote: remove the entry from the manifest`);
      }
    }
    if (problems.length > 0) throw new Error(problems.join('\n  '));
    return { created, updated, deleted, conflicts };
  }

  /**
   * Writes the baseline copy of the staged tree to `file` (`{"dir", "files", "constructPaths", "clusters"}`,
   * read by `readBaseline`) from what was recorded while the files were written (constructed with
   * `recordBaseline`), without reading the tree back: the recorded parts are copied as they are
   * (so the members of `files` are in no particular order; `readBaseline` sorts them). Call it
   * once the pool has finished and before {@link commit}. Returns false, writing nothing, when the
   * files were not all recorded (then `saveBaseline` reads the committed tree instead).
   */
  public writeBaselineCopy(file: string): boolean {
    if (!this.tree.record || !this.pool.recorded || this.done) return false;
    const parts = fs.readdirSync(this.state).filter((f) => BASELINE_PART.test(f)).sort();
    const fd = fs.openSync(file, 'w');
    try {
      fs.writeSync(fd, `{"dir":${JSON.stringify(this.targetDir)},"files":{`);
      // Each recorded member starts with a comma: dropped before the first one.
      let first = true;
      const buf = Buffer.allocUnsafe(1 << 20);
      for (const part of parts) {
        const pfd = fs.openSync(path.join(this.state, part), 'r');
        try {
          for (let n = fs.readSync(pfd, buf); n > 0; n = fs.readSync(pfd, buf)) {
            const skip = first ? 1 : 0;
            first = false;
            fs.writeSync(fd, buf, skip, n - skip);
          }
        } finally {
          fs.closeSync(pfd);
        }
      }
      const paths = [...this.constructPaths].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const clusters = this.clusters ? `,"clusters":${JSON.stringify(this.clusters)}` : '';
      fs.writeSync(fd, `},"constructPaths":${JSON.stringify(Object.fromEntries(paths))}${clusters}}\n`);
    } finally {
      fs.closeSync(fd);
    }
    return true;
  }

  /**
   * What committing would do to the ownership manifest (which {@link changes} leaves out): create
   * it, update it (the files or construct paths it lists change), or nothing. Call it once every
   * file is added.
   */
  public manifestChange(): 'created' | 'updated' | undefined {
    const file = path.join(this.targetDir, MANIFEST_FILE);
    const entry = entryAt(file);
    if (entry === 'missing') return 'created';
    if (entry !== 'file') return 'updated';
    try {
      return fs.readFileSync(file, 'utf8') === this.manifestText() ? undefined : 'updated';
    } catch (e) {
      throw new Error(fsErrorMessage(e, file, 'reading'));
    }
  }

  /** Discards the staged files and releases the lock; the target is untouched. */
  public abort(): void {
    if (this.done) return;
    this.done = true;
    if (this.compareOnly) return;
    fs.rmSync(this.state, { recursive: true, force: true });
    releaseLock(this.lock!);
  }

  /**
   * Moves the staged tree into place (see class docs). Returns what changed.
   * @param planned the result of {@link changes}, when the caller already computed it
   */
  public commit(planned?: TreeChanges): TreeChanges {
    if (this.done) throw new Error('TreeWriter: already committed or aborted');
    if (this.compareOnly) throw new Error('TreeWriter: created with compareOnly, it does not commit');
    const manifest = this.manifestText();
    try {
      if (entryAt(this.targetDir) === 'missing') {
        try {
          writeDurable(path.join(this.staging, MANIFEST_FILE), manifest);
          fs.renameSync(this.staging, this.targetDir);
          fsyncDir(path.dirname(this.targetDir));
        } catch (e) {
          throw new Error(fsErrorMessage(e, this.targetDir, 'writing'));
        }
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
      if (!this.keepState) fs.rmSync(this.state, { recursive: true, force: true });
      releaseLock(this.lock!);
    }
  }

  /** The ownership manifest of the staged tree, as written. */
  private manifestText(): string {
    const paths = [...this.constructPaths].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return manifestText(this.fileList, Object.fromEntries(paths), this.clusters, this.userOwned);
  }

  /** The journaled commit into an existing repo (see `journal.ts`). */
  private apply(changes: TreeChanges, manifest: string): void {
    const backup = path.join(this.state, 'backup');
    const journalFile = path.join(this.state, 'journal.json');
    const manifestPath = path.join(this.targetDir, MANIFEST_FILE);
    const hadManifest = entryAt(manifestPath) === 'file';
    // Like every file, the manifest is only rewritten when its content changes.
    const sameManifest = hadManifest && fs.readFileSync(manifestPath, 'utf8') === manifest;
    const created = [...changes.created, ...(hadManifest ? [] : [MANIFEST_FILE])];
    const updated = [...changes.updated, ...(hadManifest && !sameManifest ? [MANIFEST_FILE] : [])];
    if (created.length === 0 && updated.length === 0 && changes.deleted.length === 0) return;
    const newDirs = new Set<string>();
    for (const rel of created) {
      const parts = rel.split('/');
      for (let i = 1; i < parts.length; i++) {
        const d = parts.slice(0, i).join('/');
        if (!newDirs.has(d) && entryAt(path.join(this.targetDir, d)) === 'missing') newDirs.add(d);
      }
    }
    const journal: Journal = { generator: 'cdk8s-platform', target: this.targetDir, phase: 'prepared', created, updated, deleted: changes.deleted, dirs: [...newDirs].sort() };
    let current = this.targetDir;
    try {
      current = path.join(this.staging, MANIFEST_FILE);
      fs.writeFileSync(current, manifest);
      // Staged files are not fsynced one by one (a second per thousand files on ext4): a kill
      // never loses written data, and the journal (fsynced) is what recovery relies on.
      current = journalFile;
      writeDurable(journalFile, JSON.stringify(journal));
      for (const rel of [...updated, ...changes.deleted]) {
        current = path.join(this.targetDir, rel);
        const to = path.join(backup, rel);
        fs.mkdirSync(path.dirname(to), { recursive: true });
        fs.renameSync(current, to);
      }
      for (const d of journal.dirs) fs.mkdirSync((current = path.join(this.targetDir, d)));
      const touched = new Set<string>();
      for (const rel of [...created, ...updated]) {
        current = path.join(this.targetDir, rel);
        fs.renameSync(path.join(this.staging, rel), current);
        touched.add(path.dirname(current));
      }
      touched.forEach(fsyncDir);
      current = journalFile;
      journal.phase = 'committed';
      writeDurable(journalFile, JSON.stringify(journal));
    } catch (e) {
      const detail = fsErrorMessage(e, current, 'moving');
      try {
        rollBack(this.state, journal);
      } catch (e2) {
        this.keepState = true;
        throw new Error(
          `writing ${this.targetDir} failed and could not be fully rolled back: ${detail}; ${fsErrorMessage(e2, this.targetDir, 'rolling back')}; ` +
            `the next synth into it completes the roll-back (previous files are in ${backup})`,
        );
      }
      throw new Error(`writing ${this.targetDir} failed and was rolled back: ${detail}`);
    }
    finishCommit(journal);
  }
}
