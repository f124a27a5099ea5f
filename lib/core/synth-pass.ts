/**
 * A memo for one synth pass. While a synth reads the app (collect: every `node.validate()`;
 * render: every object, Lazy values included; check), the construct tree does not change, so
 * what many constructs each need from the whole app is computed once per pass instead of once per
 * construct, which was quadratic at scale: every `Tenant` looking for ASO credentials among all
 * objects of the app, every Argo CD `Application` listing the folders of its repo. `GitOpsApp`
 * runs its pipeline (synth, plan, in-memory render) in one pass. Outside a pass nothing is
 * memoized: a construct added between two synths is seen by the next.
 */

import type { IConstruct } from 'constructs';

let current: Map<symbol, WeakMap<object, unknown>> | undefined;

/** Runs `fn` as one synth pass (nested calls join the outer pass). */
export function withSynthPass<T>(fn: () => T): T {
  if (current) return fn();
  current = new Map();
  try {
    return fn();
  } finally {
    current = undefined;
  }
}

/**
 * `compute()`, computed once per synth pass for (`key`, `scope`), e.g. (an index's name, the app's
 * root); computed on every call outside a pass.
 */
export function memoForSynthPass<T>(key: symbol, scope: object, compute: () => T): T {
  if (!current) return compute();
  let byScope = current.get(key);
  if (!byScope) current.set(key, (byScope = new WeakMap()));
  if (byScope.has(scope)) return byScope.get(scope) as T;
  const value = compute();
  byScope.set(scope, value);
  return value;
}

const ALL_CONSTRUCTS = Symbol('allConstructs');

/**
 * `scope.node.findAll()` (pre-order: `scope` first), listed once per synth pass: the stages and
 * the checks that read the whole app walk it once between them (each walk of a 10,000-cluster
 * app's 120,000 constructs is about 75 ms); a new list on every call outside a pass. The list is
 * shared: do not change it.
 */
export function allConstructs(scope: IConstruct): readonly IConstruct[] {
  return memoForSynthPass(ALL_CONSTRUCTS, scope, () => scope.node.findAll());
}
