/**
 * Reading a synthesized output tree: the repo trees under a directory (each marked by its ownership
 * manifest), the files a repo tree owns (on disk or at a git revision), the Kubernetes objects of
 * its YAML files. The one module synth (incremental write and destroy guard), `synth --check`,
 * `plan`, `graph` and `validate` read trees with. Symbolic links are never followed.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseYamlDocuments, type ParsedYamlDocument } from '../core/yaml-read';
import { listFiles } from '../core/validation/registry';
import { MANIFEST_FILE, hasManifest, parseManifest, readManifest } from './manifest';
import { KUSTOMIZATION_FILE_NAMES } from './kustomize-refs';

/** A Kubernetes object as plain JSON (as read from a file or rendered by the app). */
export interface PlainObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly annotations?: Record<string, unknown>; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/**
 * The files of one repo tree that cdk8s-platform owns: file path (relative to the repo root,
 * `/`-separated) → content, with the construct path that produced each object file when the
 * ownership manifest recorded it (manifests written before construct paths were recorded have
 * none: renames are then reported as a deletion and a creation).
 */
export interface TreeSnapshot {
  /** Owned files and their content. */
  readonly files: ReadonlyMap<string, string>;
  /** Construct path of the object in each file, when known. */
  readonly constructPaths: Readonly<Record<string, string>>;
  /**
   * The clusters of its folders, as its ownership manifest records them (`OwnershipManifest.clusters`;
   * read a file's with `manifestClusterOf`); undefined when the manifest records none (written
   * before it did): the clusters of its folders are unknown.
   */
  readonly clusters?: Readonly<Record<string, string>>;
}

/** An empty tree (a repo that was never written). */
export const EMPTY_TREE: TreeSnapshot = { files: new Map(), constructPaths: {} };

/** `O_NOFOLLOW | O_NONBLOCK` where the platform has them (never follow a link, never block on a FIFO). */
const NO_FOLLOW = (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

/**
 * Which owned files of a tree the caller already knows the committed content of (the synth about
 * to write the same bytes): their text is not read with the others, only if it is asked for
 * (see {@link LazyFiles}). Called with the file's path in the tree and, when the tree is read from
 * git, its blob id (`git ls-tree`); return true to leave the file unread.
 */
export type KnownFiles = (file: string, blobId?: string) => boolean;

/**
 * The files of a tree, their texts read only where needed: the texts of the files read with the
 * tree, and the others (the files the caller knew, see {@link KnownFiles}) all read at once the
 * first time one of them is asked for. A synth re-writing an unchanged fleet reads none of them.
 */
export class LazyFiles implements ReadonlyMap<string, string> {
  private unread: string[] | undefined;

  /**
   * @param order every file of the tree, in the tree's order
   * @param texts the texts already read (the other files of `order` are read by `load`)
   * @param load reads the texts of the given files (files that cannot be read any more are left out)
   */
  public constructor(private readonly order: readonly string[], private readonly texts: Map<string, string>, private readonly load: (files: readonly string[]) => Iterable<[string, string]>) {
    if (texts.size < order.length) this.unread = order.filter((f) => !texts.has(f));
  }

  /** Whether every text is in memory (nothing left to read). */
  public get complete(): boolean {
    return this.unread === undefined;
  }

  public get size(): number {
    this.readAll();
    return this.texts.size;
  }

  /** Every file of the tree, without reading any text (a file that can no longer be read may be listed). */
  public listed(): readonly string[] {
    return this.order;
  }

  public get(file: string): string | undefined {
    const text = this.texts.get(file);
    if (text !== undefined || this.unread === undefined) return text;
    this.readAll();
    return this.texts.get(file);
  }

  public has(file: string): boolean {
    return this.get(file) !== undefined;
  }

  public *entries(): MapIterator<[string, string]> {
    this.readAll();
    for (const f of this.order) {
      const text = this.texts.get(f);
      if (text !== undefined) yield [f, text];
    }
  }

  public *keys(): MapIterator<string> {
    for (const [f] of this.entries()) yield f;
  }

  public *values(): MapIterator<string> {
    for (const [, text] of this.entries()) yield text;
  }

  public forEach(fn: (value: string, key: string, map: ReadonlyMap<string, string>) => void, thisArg?: unknown): void {
    for (const [f, text] of this.entries()) fn.call(thisArg, text, f, this);
  }

  public [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  private readAll(): void {
    const unread = this.unread;
    if (!unread) return;
    this.unread = undefined;
    for (const [f, text] of this.load(unread)) this.texts.set(f, text);
  }
}

/**
 * The files of a tree as {@link TreeSnapshot.files}: a plain map when every text was read, else a
 * {@link LazyFiles}.
 */
function filesOf(order: readonly string[], texts: Map<string, string>, load: (files: readonly string[]) => Iterable<[string, string]>): ReadonlyMap<string, string> {
  return texts.size === order.length ? texts : new LazyFiles(order, texts, load);
}

/**
 * The files of a snapshot without reading any text left unread ({@link LazyFiles}); every file of
 * a plain map.
 */
export function listedFiles(files: ReadonlyMap<string, string>): Iterable<string> {
  return files instanceof LazyFiles ? files.listed() : files.keys();
}

/**
 * Reads the owned files of the repo tree in `dir` (the files listed in its
 * ownership manifest, `MANIFEST_FILE`; listed files that no longer exist are skipped). A directory without a
 * manifest has no owned files. Symbolic links are not followed: a listed path that is a link, or
 * lies behind a linked directory, or is not a regular file, is not read (synth refuses to write
 * through it, see `TreeWriter.changes`). Files `known` are read only when their text is asked for.
 */
export function readTree(dir: string, known?: KnownFiles): TreeSnapshot {
  if (!hasManifest(dir)) return EMPTY_TREE;
  const manifest = readManifest(dir);
  const constructPaths = manifest.constructPaths ?? {};
  const clusters = manifest.clusters ? { clusters: manifest.clusters } : {};
  if (!known) return { files: new Map(ownedFileTexts(dir, manifest.files)), constructPaths, ...clusters };
  const skipped = new Set<string>();
  const toRead = manifest.files.filter((f) => !(known(f) && skipped.add(f)));
  const texts = new Map(ownedFileTexts(dir, toRead));
  // Files read are listed in the manifest's order; a file that no longer exists is not listed.
  const order = manifest.files.filter((f) => skipped.has(f) || texts.has(f));
  return { files: filesOf(order, texts, (files) => ownedFileTexts(dir, files)), constructPaths, ...clusters };
}

/**
 * The owned files `files` (manifest paths) of the tree in `dir` with their text, read one at a
 * time as {@link readTree} reads them: not behind a link, regular, still there.
 */
export function* ownedFileTexts(dir: string, files: readonly string[]): Generator<[string, string]> {
  const dirOk = new Map<string, boolean>([['', true]]);
  const realDir = (rel: string): boolean => {
    let ok = dirOk.get(rel);
    if (ok !== undefined) return ok;
    const i = rel.lastIndexOf('/');
    ok = realDir(i < 0 ? '' : rel.slice(0, i));
    if (ok) {
      try {
        ok = fs.lstatSync(path.join(dir, rel)).isDirectory();
      } catch {
        ok = false;
      }
    }
    dirOk.set(rel, ok);
    return ok;
  };
  for (const rel of files) {
    if (rel.split('/').some((s) => s === '..' || s === '') || path.isAbsolute(rel)) continue;
    const i = rel.lastIndexOf('/');
    if (!realDir(i < 0 ? '' : rel.slice(0, i))) continue;
    const text = readRegularFile(path.join(dir, rel));
    if (text !== undefined) yield [rel, text];
  }
}

/** The content of a regular file, without following a link; undefined when it is missing, a link or not a regular file. */
export function readRegularFile(file: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | NO_FOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR' || code === 'EMLINK') return undefined;
    throw e;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return undefined;
    if (st.size === 0) return fs.readFileSync(fd, 'utf8');
    // The size fstat gave (readFileSync(fd) would fstat again).
    const buf = Buffer.allocUnsafe(st.size);
    let n = 0;
    while (n < buf.length) {
      const r = fs.readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
    }
    return buf.toString('utf8', 0, n);
  } finally {
    fs.closeSync(fd);
  }
}

function git(cwd: string, args: string[], input?: string): Buffer {
  try {
    return execFileSync('git', args, { cwd, input, maxBuffer: 1024 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    const detail = err.stderr?.toString().trim() || err.message;
    throw new Error(`git ${args.join(' ')} (in ${cwd}) failed: ${detail}`);
  }
}

/**
 * Reads the owned files of the repo tree in `dir` as committed at the git revision `ref` (a
 * branch, tag or commit of the git repository `dir` is in): the manifest, the listing with
 * `git ls-tree`, the contents with `git cat-file --batch` by object id. `dir` itself need not
 * exist in the working tree, but one of its parents must be inside the git repository. A tree
 * without a manifest at `ref` has no owned files. (One directory of {@link readTreesAtRef}.)
 */
export function readTreeAtRef(dir: string, ref: string): TreeSnapshot {
  const [tree] = readTreesAtRef([dir], ref);
  if (tree instanceof Error) throw tree;
  return tree;
}

/** The nearest directory at or above `dir` holding a `.git` (directory, or file for worktrees and submodules). */
export function nearestGitHolder(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * {@link readTreeAtRef} of several directories (each result the tree, or the error reading it
 * throws), with git asked once per work tree rather than once per directory: the directories of
 * one work tree share one `rev-parse` of the top level and of `ref`, one `ls-tree` and two
 * `cat-file --batch` (manifests, then files). An app with one repo per team, committed in one
 * checkout, ran five git processes per repo: 25 s for 1,000 teams. `known[i]` names the files of
 * `dirs[i]` whose text is read only when asked for (by blob id: one more `cat-file` for all of them).
 */
export function readTreesAtRef(dirs: readonly string[], ref: string, known?: ReadonlyArray<KnownFiles | undefined>): Array<TreeSnapshot | Error> {
  const out: Array<TreeSnapshot | Error> = new Array(dirs.length);
  const fail = (i: number, e: unknown) => (out[i] = e instanceof Error ? e : new Error(String(e)));
  // Where each directory is: its nearest existing parent (real path) and the rest below it.
  // Directories are grouped by the nearest parent holding .git (git's own discovery), unless the
  // environment steers discovery (GIT_DIR, GIT_WORK_TREE, GIT_CEILING_DIRECTORIES): then each
  // directory asks git on its own.
  const steered = Boolean(process.env.GIT_DIR || process.env.GIT_WORK_TREE || process.env.GIT_CEILING_DIRECTORIES);
  const groups = new Map<string, Array<{ i: number; dir: string; existing: string; rest: string[] }>>();
  dirs.forEach((dir, i) => {
    try {
      let existing = path.resolve(dir);
      const rest: string[] = [];
      while (!fs.existsSync(existing)) {
        rest.unshift(path.basename(existing));
        existing = path.dirname(existing);
      }
      existing = fs.realpathSync(existing);
      const key = steered ? `\u0000${i}` : nearestGitHolder(existing) ?? `\u0000${i}`;
      const list = groups.get(key);
      if (list) list.push({ i, dir, existing, rest });
      else groups.set(key, [{ i, dir, existing, rest }]);
    } catch (e) {
      fail(i, e);
    }
  });
  for (const members of groups.values()) {
    let top: string;
    try {
      top = git(members[0].existing, ['rev-parse', '--show-toplevel']).toString().trim();
    } catch {
      for (const m of members) fail(m.i, new Error(`cannot read ${m.dir} at git revision "${ref}": ${m.existing} is not inside a git repository`));
      continue;
    }
    const inTop: Array<{ i: number; base: string; known?: KnownFiles }> = [];
    for (const m of members) {
      const prefix = path.relative(top, path.join(m.existing, ...m.rest)).split(path.sep).join('/');
      if (prefix.startsWith('..')) fail(m.i, new Error(`${m.dir} is not inside the git repository ${top}`));
      else inTop.push({ i: m.i, base: prefix ? `${prefix}/` : '', known: known?.[m.i] });
    }
    if (inTop.length === 0) continue;
    try {
      readAtTop(top, ref, inTop, out);
    } catch (e) {
      for (const m of inTop) if (out[m.i] === undefined) fail(m.i, e);
    }
  }
  return out;
}

/** The trees of the directories `members` (their paths in the work tree `top`) at `ref`, into `out`. */
function readAtTop(top: string, ref: string, members: ReadonlyArray<{ i: number; base: string; known?: KnownFiles }>, out: Array<TreeSnapshot | Error>): void {
  try {
    git(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new Error(`git revision "${ref}" does not exist in ${top} (give a branch, tag or commit: git branch -a, git log)`);
  }
  // Each listed path with its object id: the contents are then asked for by id. Asking
  // `git cat-file --batch` for `<ref>:<path>` makes git resolve every path from the root tree,
  // scanning each directory's tree object (a `clusters/` of 10,000 folders) once per file: 100 s
  // for the 100,001 files of a 10,000-cluster tree, against 0.5 s by id.
  const bases = [...new Set(members.map((m) => m.base))];
  const listed = new Map<string, string>();
  for (const entry of git(top, ['ls-tree', '-r', '-z', ref, '--', ...(bases.includes('') ? ['.'] : bases)]).toString().split('\0')) {
    // "<mode> SP <type> SP <object id> TAB <path>"
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    listed.set(entry.slice(tab + 1), entry.slice(entry.lastIndexOf(' ', tab) + 1, tab));
  }
  const withManifest = members.filter((m) => {
    if (listed.has(`${m.base}${MANIFEST_FILE}`)) return true;
    out[m.i] = EMPTY_TREE;
    return false;
  });
  const manifests = catFiles(top, ref, withManifest.map((m) => `${m.base}${MANIFEST_FILE}`), listed);
  const wanted = new Map<number, { base: string; files: string[]; toRead: string[]; constructPaths: Readonly<Record<string, string>>; clusters?: Readonly<Record<string, string>> }>();
  for (const m of withManifest) {
    try {
      const manifest = parseManifest(`${ref}:${m.base}${MANIFEST_FILE}`, manifests.get(`${m.base}${MANIFEST_FILE}`)!);
      const files = manifest.files.filter((f) => listed.has(`${m.base}${f}`));
      const known = m.known;
      wanted.set(m.i, { base: m.base, files, toRead: known ? files.filter((f) => !known(f, listed.get(`${m.base}${f}`))) : files, constructPaths: manifest.constructPaths ?? {}, clusters: manifest.clusters });
    } catch (e) {
      out[m.i] = e instanceof Error ? e : new Error(String(e));
    }
  }
  const texts = catFiles(top, ref, [...wanted.values()].flatMap((w) => w.toRead.map((f) => `${w.base}${f}`)), listed);
  for (const [i, w] of wanted) {
    const read = new Map(w.toRead.map((f) => [f, texts.get(`${w.base}${f}`)!]));
    // The files known are read at the same revision (by blob id) if one of them is asked for.
    const load = (files: readonly string[]) => {
      const more = catFiles(top, ref, files.map((f) => `${w.base}${f}`), listed);
      return files.map((f): [string, string] => [f, more.get(`${w.base}${f}`)!]);
    };
    out[i] = { files: filesOf(w.files, read, load), constructPaths: w.constructPaths, ...(w.clusters ? { clusters: w.clusters } : {}) };
  }
}

/** The contents of `paths` (listed in `ids`: path → object id) from one `git cat-file --batch`, each object asked for once. */
function catFiles(top: string, ref: string, paths: readonly string[], ids: ReadonlyMap<string, string>): Map<string, string> {
  const texts = new Map<string, string>();
  if (paths.length === 0) return texts;
  const firstPathOf = new Map<string, string>();
  for (const p of paths) if (!firstPathOf.has(ids.get(p)!)) firstPathOf.set(ids.get(p)!, p);
  const oids = [...firstPathOf.keys()];
  const answer = git(top, ['cat-file', '--batch'], oids.map((id) => `${id}\n`).join(''));
  const byId = new Map<string, string>();
  let pos = 0;
  for (const id of oids) {
    const eol = answer.indexOf(0x0a, pos);
    const header = answer.subarray(pos, eol).toString();
    const size = Number(header.split(' ')[2]);
    if (!header.includes(' blob ') || !Number.isFinite(size)) throw new Error(`git cat-file: unexpected answer for ${ref}:${firstPathOf.get(id)}: ${header}`);
    byId.set(id, answer.subarray(eol + 1, eol + 1 + size).toString('utf8'));
    pos = eol + 1 + size + 1;
  }
  for (const p of paths) texts.set(p, byId.get(ids.get(p)!)!);
  return texts;
}

/**
 * The repo trees under `root`: `root` itself (`.`) when it holds an ownership manifest; else every
 * sub-directory (at any depth, not below another repo; dot-directories and node_modules skipped;
 * links not followed) that holds one, as `/`-separated paths relative to `root`, each directory's
 * entries visited in the order of `compare` (default: by code unit). Empty when there is none.
 */
export function findRepoDirs(root: string, compare: (a: string, b: string) => number = byCodeUnit): string[] {
  if (hasManifest(root)) return ['.'];
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => compare(a.name, b.name))) {
      if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'node_modules') continue;
      const sub = path.join(d, e.name);
      if (hasManifest(sub)) found.push(path.relative(root, sub).split(path.sep).join('/'));
      else walk(sub);
    }
  };
  walk(root);
  return found;
}

/** The files a repo tree owns according to its manifest, the manifest itself included. */
export function ownedFiles(repoDir: string): string[] {
  return [...readManifest(repoDir).files, MANIFEST_FILE];
}

/**
 * The *.yaml / *.yml files under `dir` (absolute paths, sorted by path; dot-directories and
 * node_modules skipped; links not followed).
 */
export function listYamlFiles(dir: string): string[] {
  return listFiles(dir, /\.ya?ml$/i);
}

/**
 * The Kubernetes objects of one file: every YAML document with an `apiVersion` and `kind`,
 * except kustomize's own configuration (`kustomize.config.k8s.io`, the `kustomization.yaml`
 * files), which is not applied to a cluster. Throws naming the file on a YAML syntax error.
 */
export function objectsOfFile(file: string, text: string): PlainObject[] {
  return objectsOfDocuments(file, parseYamlDocuments(text));
}

/** {@link objectsOfFile} of a file already parsed (`parseYamlDocuments`, `readYamlFiles`). */
export function objectsOfDocuments(file: string, docs: readonly ParsedYamlDocument[]): PlainObject[] {
  const out: PlainObject[] = [];
  for (const doc of docs) {
    if (doc.error !== undefined) throw new Error(`${file}: invalid YAML: ${doc.error}`);
    const obj = doc.value as PlainObject | null;
    if (!obj || typeof obj !== 'object' || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') continue;
    if (obj.apiVersion.startsWith('kustomize.config.k8s.io/')) continue;
    out.push(obj);
  }
  return out;
}

/**
 * Whether a file of a tree is a kustomize configuration file rather than a Kubernetes object: one
 * of the names kustomize reads in a directory (`kustomization.yaml`, `kustomization.yml`,
 * `Kustomization`; `konfig.RecognizedKustomizationFileNames`).
 */
export function isKustomizeConfig(file: string): boolean {
  return (KUSTOMIZATION_FILE_NAMES as readonly string[]).includes(file.slice(file.lastIndexOf('/') + 1));
}

const HEAD = /^apiVersion: ([^\s"']+)\nkind: ([^\s"']+)\nmetadata:\n {2}name: ([^\s"']+)\n(?: {2}namespace: ([^\s"']+)\n)?/;

/**
 * The identity (`group`, kind, namespace, name) of the single object of a file written by this
 * library, read from the head of the file without parsing it (files are written with keys in
 * canonical order); undefined when the head does not have the canonical shape.
 */
export function quickIdentity(text: string): { apiVersion: string; kind: string; name: string; namespace?: string } | undefined {
  const m = HEAD.exec(text);
  if (!m || text.indexOf('\n---', m[0].length) >= 0) return undefined;
  return { apiVersion: m[1], kind: m[2], name: m[3], namespace: m[4] };
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
