/**
 * Stage 4, guard: refuses deleting, renaming or letting Flux prune a protected object of what is
 * committed (the baseline: git HEAD, else the tree on disk, else the copy kept by the last synth)
 * that is not allowed (lib/safety/guard.ts does the comparison; this stage feeds it the app).
 */
import { blockedMessage, type TreeObject } from '../../safety/plan';
import * as fs from 'fs';
import * as path from 'path';
import { toYaml } from '../layout';
import { originOf } from '../../core/origin';
import { manifestClusterOf } from '../../tree/manifest';
import { guardApp, unusedAllowWarning, type GuardNextTree, type GuardOptions, type GuardRepo, type GuardResult } from '../../safety/guard';
import { ownedFileTexts, type TreeSnapshot } from '../../tree/read';
import type { Folder } from '../folder';
import type { Repo } from '../repo';
import type { FolderGroups } from './types';

/** A repo as the destroy guard sees it: its name, URL, baseline, new output and clusters. */
export function guardRepo(repo: Repo, groups: FolderGroups, old: TreeSnapshot, next: GuardNextTree, root?: string): GuardRepo {
  // A file's folder: the app's folder with the longest path the file is under, found by looking up
  // the file's parent directories, deepest first (scanning every folder per file was quadratic:
  // a plan removing 1,000 of 10,000 clusters spent 11 s here).
  const folderByPath = new Map<string, Folder>();
  for (const f of groups.repos.find((r) => r.repo === repo)?.folders ?? []) if (!folderByPath.has(f.path)) folderByPath.set(f.path, f);
  const folderOf = (file: string): Folder | undefined => {
    for (let i = file.lastIndexOf('/'); i >= 0; i = file.lastIndexOf('/', i - 1)) {
      const folder = folderByPath.get(file.slice(0, i));
      if (folder || i === 0) return folder;
    }
    return undefined;
  };
  // A file of a folder that is no longer in the app: the cluster its folder had, as the committed
  // manifest records it; unknown in a tree written before manifests recorded clusters, so its
  // folder path stands for it (allow ids stay unambiguous).
  const recorded = old.clusters;
  const clusterOf = (file: string): string => {
    const folder = folderOf(file);
    if (folder) return groups.clusters.get(folder) ?? '';
    return recorded ? manifestClusterOf(recorded, file) : file.replace(/\/[^/]*$/, '');
  };
  return {
    name: repo.node.id, dir: repo.dir, url: repo.url, old, next: next.textOf ? next : { ...next, textOf: yamlOfObjects(next.objects) }, clusterOf,
    clusterKnown: (file: string) => {
      const folder = folderOf(file);
      if (folder) return !!groups.clusters.get(folder);
      return recorded !== undefined && manifestClusterOf(recorded, file) !== '';
    },
    ...(root !== undefined ? { leftovers: (dir: string) => leftoverFiles(root, dir, old, next), userFile: userFileReader(root, old, next) } : {}),
  };
}

/**
 * The text of a file on disk under `root` that the library does not own (not in the committed
 * tree's owned files, not written by this synth) and therefore leaves in place, read as owned
 * files are (`ownedFileTexts`: inside the repo, regular, no link on the way); undefined otherwise.
 */
function userFileReader(root: string, old: TreeSnapshot, next: GuardNextTree): (file: string) => string | undefined {
  let written: Set<string> | undefined;
  return (file) => {
    if (old.files.has(file) || next.kustomizeFiles.has(file) || !/\.(ya?ml|json)$/.test(file)) return undefined;
    if (!written) written = new Set(next.objects.map((o) => o.file));
    if (written.has(file)) return undefined;
    for (const [, text] of ownedFileTexts(root, [file])) return text;
    return undefined;
  };
}

/**
 * The files under `dir` of the repo at `root` after the synth: those it writes there, and those on
 * disk that it does not delete (files it does not own: the committed ones it owns and no longer
 * writes go). Repo-relative, sorted.
 */
function leftoverFiles(root: string, dir: string, old: TreeSnapshot, next: GuardNextTree): string[] {
  const prefix = dir === '' ? '' : `${dir}/`;
  const out = new Set<string>();
  for (const o of next.objects) if (o.file.startsWith(prefix)) out.add(o.file);
  for (const f of next.kustomizeFiles.keys()) if (f.startsWith(prefix)) out.add(f);
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return; // no such directory
    }
    for (const e of entries) {
      const file = rel === '' ? e.name : `${rel}/${e.name}`;
      // Any file keeps the directory in Git (a .gitkeep too), but the checkout's own .git.
      if (e.name === '.git') continue;
      if (e.isDirectory()) walk(file);
      else if (!old.files.has(file)) out.add(file);
    }
  };
  walk(dir);
  return [...out].sort();
}

/**
 * The bytes a synth writes to a file of one object (its YAML), computed on demand: the guard
 * compares them with the committed file instead of parsing it when they are the same.
 */
function yamlOfObjects(objects: readonly TreeObject[]): (file: string) => string | undefined {
  let byFile: Map<string, TreeObject | null> | undefined;
  return (file) => {
    if (!byFile) {
      byFile = new Map();
      // null: a file of several objects (or one without `obj`): not produced here.
      for (const o of objects) byFile.set(o.file, byFile.has(o.file) || !o.obj ? null : o);
    }
    const o = byFile.get(file);
    return o ? toYaml(o.obj) : undefined;
  };
}

/** One repo for {@link guard}: its baseline and what the synth writes. */
export interface GuardInputRepo {
  readonly repo: Repo;
  readonly old: TreeSnapshot;
  readonly next: GuardNextTree;
  /** The repo's directory on disk, when the synth writes there (files the synth leaves are read from it). @default - unknown */
  readonly root?: string;
}

/** Output of {@link guard}: the guard's result, every refusal (empty: go ahead) and every warning, one line each. */
export interface GuardOutcome {
  readonly result: GuardResult;
  readonly blocked: string[];
  /** Allow ids that allow nothing in this change (see `GuardResult.unusedAllows`). */
  readonly warnings: string[];
}

/** Runs the destroy guard over every repo of the app at once. */
export function guard(groups: FolderGroups, repos: readonly GuardInputRepo[], allowDestroy: readonly string[], options: GuardOptions = {}): GuardOutcome {
  const app = repos[0]?.repo.node.root;
  const origins = app ? { originOf: (constructPath: string) => originOf(app, constructPath) } : {};
  const result = guardApp(repos.map(({ repo, old, next, root }) => guardRepo(repo, groups, old, next, root)), allowDestroy, { ...origins, ...options });
  const blocked = [...result.problems, ...repos.flatMap(({ repo }) => (result.changes.get(repo.node.id) ?? []).filter((c) => c.blocked).map((c) => blockedMessage(c, repo.dir)))];
  return { result, blocked, warnings: result.unusedAllows.map(unusedAllowWarning) };
}
