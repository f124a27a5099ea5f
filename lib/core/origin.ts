import type { IConstruct } from 'constructs';

/** Per app (its root construct): construct path → where its settings come from. */
const ORIGINS = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Records where the settings of `scope` (and its objects) come from outside the code, such as a
 * table row (`fleet.csv line 7`): messages about its objects that name their construct path name
 * it too, so the user knows which line to edit.
 */
export function recordOrigin(scope: IConstruct, origin: string): void {
  const root = scope.node.root;
  let byPath = ORIGINS.get(root);
  if (!byPath) ORIGINS.set(root, (byPath = new Map()));
  byPath.set(scope.node.path, origin);
}

/**
 * The origin recorded (see {@link recordOrigin}) for the construct at `path` of the app `root`, or
 * for the nearest of its parents; undefined when none is.
 */
export function originOf(root: IConstruct, path: string): string | undefined {
  const byPath = ORIGINS.get(root);
  if (!byPath || byPath.size === 0) return undefined;
  for (let p = path; p !== ''; p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') {
    const found = byPath.get(p);
    if (found !== undefined) return found;
  }
  return undefined;
}
