/**
 * The plan pipeline (mode `plan`): render and check in memory, read each repo's baseline (or its
 * files at a git revision), run the guard, and compute the plan (lib/safety/plan.ts). Nothing is
 * written.
 */
import * as path from 'path';
import { combinePlans, planTrees, type Plan, type TreeObject } from '../../safety/plan';
import { baselineStateFile, readBaselines } from '../../tree/baseline';
import { isKustomizeConfig, readTreesAtRef, type TreeSnapshot } from '../../tree/read';
import type { Repo } from '../repo';
import { guard } from './guard';
import { checkAppAhead, renderedProblems, finishValidatingPool, render, takeOverPool, withValidationProblems, type RenderedTree, type RenderInput } from './render';
import { isJsonExact, YamlFilePool } from '../yaml-pool';
import { SynthError, StageReporter, type FolderGroups } from './types';
import { emitFolder } from './render';
import { toYaml } from '../layout';

/** Input of {@link planRepos}. */
export interface PlanInput {
  /** The app's repos, sorted by dir. */
  readonly repos: readonly Repo[];
  /** Directory relative repo dirs are read from. */
  readonly baseDir: string;
  /** Compare with the files committed at this git revision. */
  readonly ref?: string;
  /** What the render and check stages need. */
  readonly render: RenderInput;
  /** Ids of protected objects whose deletion or rename is allowed. */
  readonly allowDestroy: readonly string[];
  /**
   * The YAML pool started ahead with `startStagingPool` (its workers validate); the stage takes
   * it over.
   * @default - started by the stage
   */
  readonly pool?: YamlFilePool;
}

/** Renders the app in memory and plans it against what is committed; throws a {@link SynthError} on problems. */
export function planRepos(input: PlanInput, groups: FolderGroups, reporter: StageReporter): Plan {
  const out = new Map<Repo, RenderedTree>();
  // What the guard sees, as in a synth: the rendered objects (not parsed back from their YAML).
  const nextTrees = new Map<Repo, { objects: TreeObject[]; kustomizeFiles: Map<string, string> }>();
  let files = 0;
  // Large apps: the objects are validated on worker threads while this thread renders (as in a synth).
  const threads = YamlFilePool.threadsFor(groups.objectCount);
  const validator = threads > 0 ? input.render.validator?.() : undefined;
  // Its workers only validate: none without a validator.
  if (!validator) input.pool?.terminate();
  let pool: YamlFilePool | undefined = validator ? takeOverPool(input.pool, threads, validator) : undefined;
  if (pool && !pool.validates) {
    pool.terminate();
    pool = undefined;
  }
  const checker = pool;
  const rendered = reporter.run('render', () => {
    try {
      return render(input.render, groups, (repo, folder, entries, validation) => {
        let tree = out.get(repo);
        if (!tree) out.set(repo, (tree = { files: new Map(), constructPaths: {} }));
        let guarded = nextTrees.get(repo);
        if (!guarded) nextTrees.set(repo, (guarded = { objects: [], kustomizeFiles: new Map() }));
        const t = tree;
        const g = guarded;
        const add = (rel: string, content: string) => {
          files++;
          t.files.set(rel, content);
        };
        emitFolder({
          add: (rel, content) => {
            add(rel, content);
            if (isKustomizeConfig(rel)) g.kustomizeFiles.set(rel, content);
          },
          addObject: (rel, obj, constructPath) => {
            add(rel, toYaml(obj));
            t.constructPaths[rel] = constructPath;
            const { apiVersion, kind, metadata } = obj;
            g.objects.push({ file: rel, apiVersion, kind, namespace: metadata.namespace, name: metadata.name ?? '', constructPath, obj });
          },
        }, folder, entries, groups.children);
        if (validation === undefined || !checker || !entries.every((e) => isJsonExact(e.obj))) return false;
        for (const p of entries) checker.check(p.obj, { folder: validation, path: p.constructPath });
        return true;
      });
    } catch (e) {
      checker?.terminate();
      throw e;
    }
  }, (r) => ({ objects: r.placed.length, files, repos: groups.repos.length, ...renderedProblems(r) }));
  // The whole-app checks run while the workers still validate (as in a synth).
  const problems = reporter.run('check', () => {
    try {
      return checkAppAhead(input.render, groups, rendered)(checker ? withValidationProblems(rendered, finishValidatingPool(checker, validator)) : rendered);
    } catch (e) {
      checker?.terminate();
      throw e;
    }
  }, (p) => ({ problems: p.length }));
  if (problems.length > 0) throw new SynthError(problems);
  const trees = reporter.run('read', () => {
    // Every repo's old tree at once: git is asked once per work tree, not once per repo.
    const dirs = input.repos.map((repo) => path.resolve(input.baseDir, repo.dir));
    const olds: TreeSnapshot[] = input.ref !== undefined
      ? readTreesAtRef(dirs, input.ref).map((t) => {
        if (t instanceof Error) throw t;
        return t;
      })
      : readBaselines(dirs.map((dir) => ({ dir, stateFile: baselineStateFile(input.baseDir, dir) }))).map((b) => b.tree);
    return input.repos.map((repo, i) => ({ repo, old: olds[i], next: out.get(repo) ?? { files: new Map<string, string>(), constructPaths: {} } }));
  }, (t) => ({ repos: t.length, files: t.reduce((n, x) => n + x.old.files.size, 0) }));
  const outcome = reporter.run('guard', () => guard(groups, trees.map(({ repo, old, next }) => {
    // Files the plan would write with their committed bytes: the guard takes their new objects
    // for the old ones and, when a repo writes exactly its committed tree, compares nothing (as a synth does).
    const unchanged = new Set<string>();
    for (const [file, text] of next.files) if (old.files.get(file) === text) unchanged.add(file);
    return { repo, old, next: { ...(nextTrees.get(repo) ?? { objects: [], kustomizeFiles: new Map() }), unchanged, textOf: (file: string) => next.files.get(file) }, root: path.resolve(input.baseDir, repo.dir) };
  }), input.allowDestroy, { nameAllows: true }), (g) => ({ repos: trees.length, problems: g.result.problems.length }));
  const guarded = outcome.result;
  if (guarded.problems.length > 0) throw new SynthError(guarded.problems);
  const allowNames = guarded.named.size > 0 ? { allowNames: Object.fromEntries([...guarded.named].map(([id, list]) => [id, [...list]])) } : {};
  return reporter.run('plan', () => ({ ...combinePlans(trees.map(({ repo, old, next }) => planTrees(old, next, { dir: repo.dir, removals: guarded.changes.get(repo.node.id) })), outcome.warnings), ...allowNames }), (p) => ({
    repos: p.repos.length,
    changed: p.repos.reduce((n, r) => n + r.changes.length, 0),
    problems: p.blocked.length,
  }));
}
