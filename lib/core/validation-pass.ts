/**
 * A memo for one pass of construct validations. The collect stage of a synth runs every
 * `node.validate()` of the app inside one pass; validations that each need the same view of the
 * whole app (every `Tenant` looks for ASO credentials in its namespace among all objects of the
 * app) compute it once per pass instead of once per construct, which was quadratic in the number
 * of tenants. The tree does not change while validations run. Outside a pass nothing is memoized.
 */

let current: Map<symbol, WeakMap<object, unknown>> | undefined;

/** Runs `fn` as one validation pass (nested calls join the outer pass). */
export function withValidationPass<T>(fn: () => T): T {
  if (current) return fn();
  current = new Map();
  try {
    return fn();
  } finally {
    current = undefined;
  }
}

/**
 * `compute()`, computed once per validation pass for (`key`, `scope`), e.g. (an index's name, the
 * app's root); computed on every call outside a pass.
 */
export function memoForValidationPass<T>(key: symbol, scope: object, compute: () => T): T {
  if (!current) return compute();
  let byScope = current.get(key);
  if (!byScope) current.set(key, (byScope = new WeakMap()));
  if (byScope.has(scope)) return byScope.get(scope) as T;
  const value = compute();
  byScope.set(scope, value);
  return value;
}
