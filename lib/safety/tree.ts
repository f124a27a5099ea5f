import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { PlainObject } from './protection';
import { MANIFEST_FILE, parseManifest, readManifest } from '../gitops/writer';

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
}

/** An empty tree (a repo that was never written). */
export const EMPTY_TREE: TreeSnapshot = { files: new Map(), constructPaths: {} };

/**
 * Reads the owned files of the repo tree in `dir` (the files listed in its
 * `.cdk8s-platform.json`; listed files that no longer exist are skipped). A directory without a
 * manifest has no owned files.
 */
export function readTree(dir: string): TreeSnapshot {
  if (!fs.existsSync(path.join(dir, MANIFEST_FILE))) return EMPTY_TREE;
  const manifest = readManifest(dir);
  const files = new Map<string, string>();
  for (const rel of manifest.files) {
    try {
      files.set(rel, fs.readFileSync(path.join(dir, rel), 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return { files, constructPaths: manifest.constructPaths ?? {} };
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
 * branch, tag or commit of the git repository `dir` is in): the manifest with `git show`, the
 * listing with `git ls-tree`, the contents with one `git cat-file --batch`. `dir` itself need not
 * exist in the working tree, but one of its parents must be inside the git repository. A tree
 * without a manifest at `ref` has no owned files.
 */
export function readTreeAtRef(dir: string, ref: string): TreeSnapshot {
  let existing = path.resolve(dir);
  const rest: string[] = [];
  while (!fs.existsSync(existing)) {
    rest.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
  existing = fs.realpathSync(existing);
  let top: string;
  try {
    top = git(existing, ['rev-parse', '--show-toplevel']).toString().trim();
  } catch {
    throw new Error(`cannot read ${dir} at git revision "${ref}": ${existing} is not inside a git repository`);
  }
  const prefix = path.relative(top, path.join(existing, ...rest)).split(path.sep).join('/');
  if (prefix.startsWith('..')) throw new Error(`${dir} is not inside the git repository ${top}`);
  const base = prefix ? `${prefix}/` : '';
  try {
    git(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new Error(`git revision "${ref}" does not exist in ${top} (give a branch, tag or commit: git branch -a, git log)`);
  }
  const listed = new Set(
    git(top, ['ls-tree', '-r', '--name-only', '-z', ref, '--', base || '.'])
      .toString()
      .split('\0')
      .filter((f) => f.length > 0),
  );
  if (!listed.has(`${base}${MANIFEST_FILE}`)) return EMPTY_TREE;
  const manifestText = git(top, ['show', `${ref}:${base}${MANIFEST_FILE}`]).toString('utf8');
  const manifest = parseManifest(`${ref}:${base}${MANIFEST_FILE}`, manifestText);
  const wanted = manifest.files.filter((f) => listed.has(`${base}${f}`));
  const files = new Map<string, string>();
  if (wanted.length > 0) {
    const out = git(top, ['cat-file', '--batch'], wanted.map((f) => `${ref}:${base}${f}\n`).join(''));
    let pos = 0;
    for (const f of wanted) {
      const eol = out.indexOf(0x0a, pos);
      const header = out.subarray(pos, eol).toString();
      const size = Number(header.split(' ')[2]);
      if (!header.includes(' blob ') || !Number.isFinite(size)) throw new Error(`git cat-file: unexpected answer for ${ref}:${base}${f}: ${header}`);
      files.set(f, out.subarray(eol + 1, eol + 1 + size).toString('utf8'));
      pos = eol + 1 + size + 1;
    }
  }
  return { files, constructPaths: manifest.constructPaths ?? {} };
}

/** One Kubernetes object found in a file of a tree. */
export interface FileObject {
  /** The file, relative to the repo root. */
  readonly file: string;
  /** The object. */
  readonly obj: PlainObject;
}

/**
 * The Kubernetes objects of one file: every YAML document with an `apiVersion` and `kind`,
 * except kustomize's own configuration (`kustomize.config.k8s.io`, the `kustomization.yaml`
 * files), which is not applied to a cluster. Throws naming the file on a YAML syntax error.
 */
export function objectsOfFile(file: string, text: string): PlainObject[] {
  const out: PlainObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${file}: invalid YAML: ${doc.errors[0].message.split('\n')[0]}`);
    const obj = doc.toJS() as PlainObject | null;
    if (!obj || typeof obj !== 'object' || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') continue;
    if (obj.apiVersion.startsWith('kustomize.config.k8s.io/')) continue;
    out.push(obj);
  }
  return out;
}

/** Whether a file of a tree is a kustomize configuration file rather than a Kubernetes object. */
export function isKustomizeConfig(file: string): boolean {
  return /(^|\/)kustomization\.ya?ml$/.test(file);
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

/**
 * The repo tree in `dir` as committed at `HEAD`, when `dir` is inside a git work tree whose `HEAD`
 * has an ownership manifest there; undefined otherwise (not a git checkout, no commit yet, or the
 * tree was never committed, e.g. an ignored `dist/`).
 */
export function gitHeadTree(dir: string): TreeSnapshot | undefined {
  let tree: TreeSnapshot;
  try {
    tree = readTreeAtRef(dir, 'HEAD');
  } catch {
    return undefined;
  }
  return tree === EMPTY_TREE ? undefined : tree;
}

/** Where a {@link Baseline} came from. */
export type BaselineSource = 'git' | 'disk' | 'saved' | 'none';

/** What a synth or plan compares the new output of one repo with. */
export interface Baseline {
  /** The committed tree. */
  readonly tree: TreeSnapshot;
  /**
   * `git`: the repo directory's git checkout at HEAD; `disk`: the owned files on disk (not a git
   * checkout, or the tree is not committed); `saved`: the copy of the last synth kept outside the
   * output directory (the tree on disk is gone, e.g. emptied by `cdk8s synth`); `none`: nothing
   * was ever written.
   */
  readonly source: BaselineSource;
}

/**
 * The file keeping the last synthesized tree of the repo directory `repoDir`, outside the output
 * directory `outdir` (which `cdk8s synth` deletes before running the app):
 * `$CDK8S_PLATFORM_STATE_DIR/<hash>.json`, by default in `.cdk8s-platform-state/` beside `outdir`.
 */
export function baselineStateFile(outdir: string, repoDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const stateDir = env.CDK8S_PLATFORM_STATE_DIR || path.join(path.dirname(path.resolve(outdir)), '.cdk8s-platform-state');
  const hash = createHash('sha256').update(path.resolve(repoDir)).digest('hex').slice(0, 16);
  return path.join(stateDir, `${hash}.json`);
}

/**
 * The baseline of the repo directory `dir`: what is committed at git `HEAD` when `dir` is in a
 * git checkout that has it committed; else the owned files on disk; else, when the tree on disk is
 * gone (`cdk8s synth` empties its output directory before running the app), the tree saved by the
 * last synth in `stateFile` (see {@link saveBaseline}).
 */
export function readBaseline(dir: string, stateFile?: string): Baseline {
  const git = gitHeadTree(dir);
  if (git) return { tree: git, source: 'git' };
  if (fs.existsSync(path.join(dir, MANIFEST_FILE))) return { tree: readTree(dir), source: 'disk' };
  if (stateFile && fs.existsSync(stateFile)) {
    const saved = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { dir?: string; files?: Record<string, string>; constructPaths?: Record<string, string> };
    if (saved.dir === path.resolve(dir) && saved.files) {
      return { tree: { files: new Map(Object.entries(saved.files)), constructPaths: saved.constructPaths ?? {} }, source: 'saved' };
    }
  }
  return { tree: EMPTY_TREE, source: 'none' };
}

/**
 * Keeps a copy of the repo tree just written in `dir` (its owned files) in `stateFile`, the
 * baseline of the next synth when `dir` is not a git checkout and is emptied in between.
 */
export function saveBaseline(stateFile: string, dir: string): void {
  const tree = readTree(dir);
  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  const tmp = `${stateFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ dir: path.resolve(dir), files: Object.fromEntries(tree.files), constructPaths: tree.constructPaths })}\n`);
  fs.renameSync(tmp, stateFile);
}
