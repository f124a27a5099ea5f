// The bound on the objects one Flux Kustomization builds, per source repo: checked for every
// Flux Kustomization construct (lib/flux/build-size.ts) and, from the rendered trees, for every
// Flux Kustomization object, L1 and raw ones included, and by `cdk8s-platform validate` (lib/gitops/apply-order.ts).
import { IConstruct } from 'constructs';
import { displayPath } from '../core/errors';
import type { Repo } from './repo';

/** The default bound on the objects one Flux Kustomization builds. */
export const DEFAULT_MAX_OBJECTS_PER_BUILD = 1000;

const BOUNDS = new WeakMap<Repo, { readonly max: number; readonly by: string }>();

/**
 * Sets the bound synth enforces on the objects each Flux Kustomization building a folder of `repo`
 * builds (default {@link DEFAULT_MAX_OBJECTS_PER_BUILD}). The first call for a repo wins; a later
 * call with another bound is an error naming both callers. `Fleet`'s `maxObjectsPerBuild` calls it.
 */
export function setMaxObjectsPerBuild(repo: Repo, max: number, by: IConstruct): void {
  if (!Number.isInteger(max) || max < 1) throw new Error(`${displayPath(by)}: prop "maxObjectsPerBuild": ${max} is invalid: must be an integer of at least 1`);
  const set = BOUNDS.get(repo);
  if (set && set.max !== max) {
    throw new Error(`${displayPath(by)}: prop "maxObjectsPerBuild": ${max} differs from the bound ${set.max} that ${set.by} set for repo ${displayPath(repo)}; a repo has one bound: set it once`);
  }
  if (!set) BOUNDS.set(repo, { max, by: displayPath(by) });
}

/** The bound on the objects a Flux Kustomization building a folder of `repo` builds. */
export function maxObjectsPerBuild(repo: Repo): number {
  return BOUNDS.get(repo)?.max ?? DEFAULT_MAX_OBJECTS_PER_BUILD;
}

/**
 * The problem of a Flux Kustomization `namespace/name` building `objects` objects from `path`,
 * over the bound `max`, and the fix.
 */
export function buildBoundMessage(id: string, path: string, objects: number, max: number): string {
  return `Kustomization ${id} builds ${objects} objects from ${path} (limit ${max}); ` +
    'kustomize build time and the inventory grow with it: give sub-folders their own Kustomizations (Folder includeSubfolders: false), ' +
    'spread a Fleet over more buckets, or give a SystemsSync buckets';
}

const BOUND_CHECKED = Symbol.for('cdk8s-platform.buildBoundChecked');

/**
 * Marks `apiObject` (a Flux Kustomization) as one whose construct checks its build against the
 * bound itself (the flux `Kustomization` construct does): the apply-order model, which bounds
 * every other Kustomization object, leaves it to it.
 */
export function markBuildBoundChecked(apiObject: IConstruct): void {
  Object.defineProperty(apiObject, BOUND_CHECKED, { value: true });
}

/** Whether {@link markBuildBoundChecked} was called for `c`. */
export function isBuildBoundChecked(c: IConstruct | undefined): boolean {
  return c !== undefined && (c as unknown as Record<symbol, unknown>)[BOUND_CHECKED] === true;
}
