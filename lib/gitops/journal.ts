/**
 * Crash safety of {@link TreeWriter}: the per-repo lock, the hidden state directory next to the
 * repo (staging, backup, write-ahead journal), recovery of an interrupted commit, and one-line
 * messages for system errors.
 *
 * Layout for a repo written to `<parent>/<name>`:
 * - `<parent>/.<name>.cdk8s-platform.lock`: the lock, a file holding `{pid, hostname, since}`;
 * - `<parent>/.<name>.cdk8s-platform/staging/`: the new tree as rendered;
 * - `<parent>/.<name>.cdk8s-platform/backup/`: files of the previous tree moved aside;
 * - `<parent>/.<name>.cdk8s-platform/journal.json`: what the commit moves, written (and fsynced)
 *   before the first move and marked `committed` (fsynced) after the last one.
 *
 * Every move is one `rename`, so after a kill at any moment each file is either at its old or its
 * new place. The next run (after taking the lock) rolls a `prepared` journal back (the previous
 * tree) or finishes a `committed` one (the new tree), then removes the state directory.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The hidden state directory of the repo written to `targetDir`. */
export function stateDirOf(targetDir: string): string {
  return path.join(path.dirname(targetDir), `.${path.basename(targetDir)}.cdk8s-platform`);
}

/** The lock file of the repo written to `targetDir`. */
export function lockFileOf(targetDir: string): string {
  return `${stateDirOf(targetDir)}.lock`;
}

/** What the lock file holds. */
interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  readonly since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const held = new Set<string>();
let exitHookInstalled = false;

/**
 * Takes the lock of the repo written to `targetDir`, or throws naming the synth that holds it. A
 * lock left by a process of this host that no longer runs (killed) is taken over. Locks are
 * released by {@link releaseLock}, and at process exit.
 */
export function acquireLock(targetDir: string): string {
  const file = lockFileOf(targetDir);
  const owner: LockOwner = { pid: process.pid, hostname: os.hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new Error(fsErrorMessage(e, file, 'locking'));
      const other = readOwner(file);
      // Same host: stale when its process is gone, or when it has our pid but we do not hold it
      // (a container restarted with the same hostname and pid).
      const stale = other === undefined || (other.hostname === owner.hostname && (other.pid === process.pid ? !held.has(file) : !alive(other.pid)));
      if (stale) {
        // Left behind by a killed synth (or half-written by one killed while taking it).
        fs.rmSync(file, { force: true });
        continue;
      }
      if (other.hostname === owner.hostname && other.pid === process.pid) {
        // Held by this process: another GitOpsApp of the app file writes the same directory.
        throw new Error(`${targetDir} is already being written by this process: two GitOpsApps of the app file write it; give each GitOpsApp repo directories of its own`);
      }
      throw new Error(
        `${targetDir} is being written by another cdk8s-platform synth (pid ${other.pid} on ${other.hostname}, since ${other.since}); ` +
          `wait for it to finish and run synth again (if no synth is running, delete ${file})`,
      );
    }
    try {
      fs.writeSync(fd, JSON.stringify(owner));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    held.add(file);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', () => held.forEach((f) => fs.rmSync(f, { force: true })));
    }
    return file;
  }
  throw new Error(`could not take the lock ${file}; delete it if no synth is running and run synth again`);
}

/** A lock file's owner; undefined when it is unreadable and older than a few seconds (a crash while taking it). */
function readOwner(file: string): LockOwner | undefined {
  try {
    const o = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && typeof o.hostname === 'string') return { pid: o.pid, hostname: o.hostname, since: String(o.since) };
  } catch {
    // fall through
  }
  try {
    const age = Date.now() - fs.statSync(file).mtimeMs;
    if (age > 5000) return undefined;
  } catch {
    return undefined;
  }
  return { pid: -1, hostname: 'unknown', since: 'a moment ago' };
}

/** Releases a lock taken by {@link acquireLock}. */
export function releaseLock(file: string): void {
  if (!held.delete(file)) return;
  fs.rmSync(file, { force: true });
}

/** The write-ahead journal of one commit into an existing repo. */
export interface Journal {
  readonly generator: 'cdk8s-platform';
  readonly target: string;
  phase: 'prepared' | 'committed';
  /** Files moved from staging into the repo that did not exist before (includes a new manifest). */
  readonly created: string[];
  /** Files replaced: the old one is moved to backup, the new one in from staging. */
  readonly updated: string[];
  /** Files moved to backup. */
  readonly deleted: string[];
  /** Directories of the repo the commit creates, parents first. */
  readonly dirs: string[];
}

/**
 * Whether to fsync the journal and the directories a commit renames in (so a power loss, not
 * only a kill, leaves the previous or the new tree). `CDK8S_PLATFORM_FSYNC=off` skips it (a kill
 * is still safe): on ext4 each fsync flushes every file written so far, seconds for a large tree.
 */
function fsyncEnabled(): boolean {
  return process.env.CDK8S_PLATFORM_FSYNC !== 'off';
}

/** Writes `content` to `file` through a temporary file, fsyncing the file and its directory. */
export function writeDurable(file: string, content: string): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, content);
    if (fsyncEnabled()) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

/** Flushes a directory's entries (renames) to disk; a no-op where directories cannot be opened. */
export function fsyncDir(dir: string): void {
  if (!fsyncEnabled()) return;
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open directories; renames are durable there once they return.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function lexists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Puts every file the journal moved back where it was (idempotent: safe to run again after a crash). */
export function rollBack(state: string, j: Journal): void {
  const staging = path.join(state, 'staging');
  const backup = path.join(state, 'backup');
  for (const rel of j.created) {
    const to = path.join(j.target, rel);
    if (!lexists(path.join(staging, rel)) && lexists(to)) fs.rmSync(to, { force: true });
  }
  for (const rel of [...j.updated, ...j.deleted]) {
    const from = path.join(backup, rel);
    if (!lexists(from)) continue;
    const to = path.join(j.target, rel);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.renameSync(from, to);
  }
  for (const d of [...j.dirs].reverse()) {
    const dir = path.join(j.target, d);
    try {
      fs.rmdirSync(dir);
    } catch {
      // not empty (something else lives there) or already gone
    }
  }
  fsyncDir(j.target);
}

/** Removes the directories left empty by the deletions of a committed journal. */
export function finishCommit(j: Journal): void {
  for (const rel of j.deleted) {
    let d = path.dirname(path.join(j.target, rel));
    while (d.startsWith(j.target + path.sep) && lexists(d) && fs.readdirSync(d).length === 0) {
      fs.rmdirSync(d);
      d = path.dirname(d);
    }
  }
}

/**
 * Completes or rolls back a commit interrupted by a kill (see the module docs) and removes the
 * state directory. Returns what was done, or undefined when there was nothing to recover.
 * Call with the lock held.
 */
export function recover(targetDir: string): 'rolled back' | 'completed' | 'cleaned' | undefined {
  const state = stateDirOf(targetDir);
  if (!lexists(state)) return undefined;
  const journalFile = path.join(state, 'journal.json');
  let outcome: 'rolled back' | 'completed' | 'cleaned' = 'cleaned';
  if (lexists(journalFile)) {
    let j: Journal;
    try {
      j = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as Journal;
    } catch (e) {
      throw new Error(
        `${journalFile}: the journal of an interrupted synth is unreadable (${(e as Error).message}); ` +
          `check ${targetDir} against Git (previous files are in ${path.join(state, 'backup')}), then delete ${state}`,
      );
    }
    if (j.phase === 'committed') {
      finishCommit(j);
      outcome = 'completed';
    } else {
      rollBack(state, j);
      outcome = 'rolled back';
    }
  }
  fs.rmSync(state, { recursive: true, force: true });
  return outcome;
}

const HINTS: Record<string, string> = {
  ENOSPC: 'no space left on the device; free some space and run synth again',
  EDQUOT: 'the disk quota is exceeded; free some space and run synth again',
  ENAMETOOLONG: 'the path is too long for the file system; shorten the folder path or the object name',
  ENOTDIR: 'a parent of it is a file, not a directory; move that file away or change the folder path',
  EISDIR: 'it is a directory; move it away or change the folder path',
  EACCES: 'permission denied; check the owner and permissions of the directory',
  EPERM: 'operation not permitted; check the owner and permissions of the directory',
  EROFS: 'the file system is read-only; write to a writable directory',
  EMFILE: 'too many open files; raise the open-file limit (ulimit -n) and run synth again',
  EXDEV: 'the repo and its parent directory are on different file systems; write to a real directory, not a mount point',
  ELOOP: 'too many symbolic links; replace the links on the path with real directories',
  EIO: 'an I/O error; check the disk',
};

/**
 * One line for a system error while `action` (e.g. "writing") `file`: the file and what to do;
 * errors without a code keep their message.
 */
export function fsErrorMessage(e: unknown, file: string, action: string): string {
  const err = e as NodeJS.ErrnoException;
  const code = err?.code;
  if (!code) return `${action} ${file} failed: ${err?.message ?? String(e)}`;
  return `${action} ${file} failed (${code}): ${HINTS[code] ?? (err.message.split('\n')[0] || code)}`;
}

/**
 * Repos under `root` (down to `depth` directory levels, links not followed) that a killed synth
 * left mid-commit: the directories whose hidden state directory exists.
 */
export function findInterrupted(root: string, depth = 6): string[] {
  const found: string[] = [];
  const walk = (dir: string, level: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const m = /^\.(.+)\.cdk8s-platform$/.exec(e.name);
      if (m) found.push(path.join(dir, m[1]));
      else if (level < depth && e.name !== '.git' && e.name !== 'node_modules') walk(path.join(dir, e.name), level + 1);
    }
  };
  walk(path.resolve(root), 0);
  return found.sort();
}

/**
 * Completes or rolls back what a killed synth left in the repos under `root` (see
 * {@link findInterrupted}, {@link recover}); one line per repo. Repos whose lock is still held by
 * a running synth are left alone.
 */
export function recoverInterrupted(root: string): string[] {
  const lines: string[] = [];
  for (const target of findInterrupted(root)) {
    let lock: string;
    try {
      lock = acquireLock(target);
    } catch (e) {
      lines.push((e as Error).message);
      continue;
    }
    try {
      const outcome = recover(target);
      if (outcome === 'rolled back') lines.push(`${target}: the interrupted write was rolled back (the previous files are in place)`);
      else if (outcome === 'completed') lines.push(`${target}: the interrupted write was completed (the new files are in place)`);
    } catch (e) {
      lines.push((e as Error).message);
    } finally {
      releaseLock(lock);
    }
  }
  return lines;
}
