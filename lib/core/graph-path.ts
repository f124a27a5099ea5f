/**
 * Dependency-graph walks shared by every family (Flux `dependsOn`, kro resource references):
 * iterative, so a chain of 100,000 objects does not overflow the call stack. No library is used:
 * toposort and graphology were measured (docs/libraries.md): toposort overflows the
 * stack the same way and graphology is 10x slower on a 10,000-deep chain.
 */

/**
 * A path `from → ... → to` following `next`, or undefined when `to` is not reachable. Each node is
 * visited once (depth-first, in `next` order).
 */
export function findPath<T>(from: T, to: T, next: (node: T) => Iterable<T> | undefined): T[] | undefined {
  if (from === to) return [from];
  const parent = new Map<T, T | undefined>([[from, undefined]]);
  const stack: T[] = [from];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const children = [...(next(node) ?? [])];
    // Push in reverse so the first child is explored first (deterministic, like recursion).
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (parent.has(child)) continue;
      parent.set(child, node);
      if (child === to) {
        const path: T[] = [child];
        for (let p = parent.get(child); p !== undefined; p = parent.get(p)) path.push(p);
        return path.reverse();
      }
      stack.push(child);
    }
  }
  return undefined;
}

/**
 * A cycle of the graph `deps` (node → the nodes it depends on), as `[a, b, ..., a]`, or undefined.
 * Nodes are tried in insertion order and edges in sorted order (deterministic); edges to nodes that
 * are not keys of `deps` are ignored.
 */
export function findCycle(deps: ReadonlyMap<string, Iterable<string>>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  for (const root of deps.keys()) {
    if (state.has(root)) continue;
    const stack: Array<{ node: string; edges: string[]; i: number }> = [];
    const enter = (node: string) => {
      state.set(node, 'visiting');
      stack.push({ node, edges: [...(deps.get(node) ?? [])].filter((d) => deps.has(d)).sort(), i: 0 });
    };
    enter(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.i >= top.edges.length) {
        state.set(top.node, 'done');
        stack.pop();
        continue;
      }
      const d = top.edges[top.i++];
      const s = state.get(d);
      if (s === 'done') continue;
      if (s === 'visiting') {
        const nodes = stack.map((f) => f.node);
        return [...nodes.slice(nodes.indexOf(d)), d];
      }
      enter(d);
    }
  }
  return undefined;
}
