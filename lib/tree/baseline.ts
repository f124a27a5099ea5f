/**
 * The baseline a synth's destroy guard and `plan` compare with: git HEAD, else the owned files on
 * disk, else the copy the last synth kept outside the output directory.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { hasManifest, readManifest } from './manifest';
import { EMPTY_TREE, type KnownFiles, nearestGitHolder, ownedFileTexts, readTree, readTreesAtRef, TreeSnapshot } from './read';

/**
 * The repo tree in `dir` as committed at `HEAD`, when `dir` is inside a git work tree whose `HEAD`
 * has an ownership manifest there; undefined otherwise (not a git checkout, no commit yet, or the
 * tree was never committed, e.g. an ignored `dist/`).
 */
export function gitHeadTree(dir: string): TreeSnapshot | undefined {
  return gitHeadTrees([dir])[0];
}

/**
 * {@link gitHeadTree} of several directories, with git asked once per work tree (see
 * `readTreesAtRef`), and not at all for a directory with no `.git` above it (one git process per
 * repo of the app, ~5 ms each, was most of a synth of 1,000 team repos outside git).
 */
function gitHeadTrees(dirs: readonly string[], known: ReadonlyArray<KnownFiles | undefined> = []): Array<TreeSnapshot | undefined> {
  const inGit = dirs.map((dir, i) => ({ dir, i })).filter((d) => mayBeInGit(d.dir));
  const out: Array<TreeSnapshot | undefined> = dirs.map(() => undefined);
  readTreesAtRef(inGit.map((d) => d.dir), 'HEAD', inGit.map((d) => known[d.i])).forEach((t, k) => {
    if (!(t instanceof Error) && t !== EMPTY_TREE) out[inGit[k].i] = t;
  });
  return out;
}

/**
 * Whether `dir` may be inside a git work tree: a `.git` (directory, or file for worktrees and
 * submodules) in it or one of its parents, or git pointed elsewhere by `GIT_DIR`. When false, git
 * would find no repository either (its discovery walks up the same parents for `.git`).
 */
export function mayBeInGit(dir: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.GIT_DIR) || nearestGitHolder(path.resolve(dir)) !== undefined;
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
 * (`CDK8S_PLATFORM_STATE_DIR` is a tuning knob of where state lives, not a mode.)
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
  return readBaselines([{ dir, stateFile }])[0];
}

/** One repo directory for {@link readBaselines}. */
export interface BaselineRequest {
  /** The repo directory. */
  readonly dir: string;
  /** Where the last synth kept its copy (see {@link baselineStateFile}). @default - none */
  readonly stateFile?: string;
  /**
   * The files whose committed text the caller knows (see `KnownFiles`: called with the blob id
   * when the baseline is git HEAD, without when it is the tree on disk): read only if asked for.
   * @default - every file is read
   */
  readonly known?: KnownFiles;
}

/**
 * {@link readBaseline} of several repo directories, with git asked once per work tree (see
 * `readTreesAtRef`): an app with one repo per team reads all their baselines in a few git
 * processes.
 */
export function readBaselines(repos: readonly BaselineRequest[]): Baseline[] {
  const heads = gitHeadTrees(repos.map((r) => r.dir), repos.map((r) => r.known));
  return repos.map((r, i) => baselineOf(r, heads[i]));
}

/** The baseline of `dir` given its tree at git HEAD (undefined: none). */
function baselineOf({ dir, stateFile, known }: BaselineRequest, git: TreeSnapshot | undefined): Baseline {
  if (git) return { tree: git, source: 'git' };
  if (hasManifest(dir)) return { tree: readTree(dir, known), source: 'disk' };
  if (stateFile && fs.existsSync(stateFile)) {
    const saved = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { dir?: string; files?: Record<string, string>; constructPaths?: Record<string, string>; clusters?: Record<string, string> };
    if (saved.dir === path.resolve(dir) && saved.files) {
      // Sorted like the manifest lists them: the copy lists them in the order they were written.
      const files = Object.entries(saved.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return { tree: { files: new Map(files), constructPaths: saved.constructPaths ?? {}, ...(saved.clusters ? { clusters: saved.clusters } : {}) }, source: 'saved' };
    }
  }
  return { tree: EMPTY_TREE, source: 'none' };
}

/**
 * Keeps a copy of the tree `dir` in `stateFile` (the baseline of the next synth after `cdk8s synth`
 * empties the output directory), without holding the tree in memory: written as each owned file is
 * read (the tree read whole, plus its JSON text, was the peak of a synth's
 * memory at 10,000 clusters). Files are read like `readTree` reads them: listed in the manifest,
 * regular, not behind a link (the tree was written by this synth, under its lock). A synth makes
 * the same copy without reading the tree back, from the files recorded as they were written
 * (`TreeWriter.writeBaselineCopy`); this is its fallback.
 */
export function saveBaseline(stateFile: string, dir: string): void {
  const manifest = readManifest(dir);
  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  const tmp = `${stateFile}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    let chunk = `{"dir":${JSON.stringify(path.resolve(dir))},"files":{`;
    let first = true;
    for (const [rel, text] of ownedFileTexts(dir, manifest.files)) {
      chunk += `${first ? '' : ','}${JSON.stringify(rel)}:${JSON.stringify(text)}`;
      first = false;
      if (chunk.length >= 1 << 20) {
        fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    const clusters = manifest.clusters ? `,"clusters":${JSON.stringify(manifest.clusters)}` : '';
    fs.writeSync(fd, `${chunk}},"constructPaths":${JSON.stringify(manifest.constructPaths ?? {})}${clusters}}\n`);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, stateFile);
}
