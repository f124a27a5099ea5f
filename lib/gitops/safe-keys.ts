import { ApiObject, Lazy } from 'cdk8s';
import { fieldPath } from '../safety/secrets';

/**
 * Keys cdk8s cannot render: its `toJson` copies user objects into plain `{}` objects, where an own
 * `__proto__` key is silently dropped (or replaces the copy's prototype) and a `constructor` key
 * makes it throw "can't render non-simple object". (`prototype` is an ordinary key and is written.)
 */
const UNRENDERABLE = new Set(['__proto__', 'constructor']);

/** Field paths (e.g. `spec.values.db.constructor`) of the keys of `value` cdk8s cannot render. */
export function unrenderableKeys(value: unknown, base = ''): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown, p: string) => {
    if (!v || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    // L2 constructs render their spec lazily (Lazy.any): look at what it produces.
    if (v instanceof Lazy) return walk(v.produce(), p);
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${p}[${i}]`));
    for (const k of Object.keys(v)) {
      const next = fieldPath(p, k);
      if (UNRENDERABLE.has(k)) out.push(next);
      else walk((v as Record<string, unknown>)[k], next);
    }
  };
  walk(value, base);
  return out;
}

/**
 * Renders an ApiObject like `apiObject.toJson()`, but returns one problem per field instead of
 * crashing (or silently dropping data) on a key named `__proto__` or `constructor` in user values
 * (HelmRelease values, ConfigMap data, labels, XR specs...), and the construct path on any other
 * rendering error.
 */
export function renderApiObject(apiObject: ApiObject): { json?: unknown; problems: string[] } {
  const where = `${apiObject.node.path}: ${apiObject.kind} "${apiObject.name}"`;
  const props = (apiObject as unknown as { props?: unknown }).props;
  const meta = { labels: readMeta(apiObject, 'labels'), annotations: readMeta(apiObject, 'annotations') };
  // The common case costs one walk without building field paths.
  if (!hasUnrenderableKey(props, 0) && !hasUnrenderableKey(meta, 0)) return renderChecked(apiObject, where);
  // Labels and annotations may be in the props' metadata, added later with addLabel, or both.
  const bad = [
    ...new Set([
      ...unrenderableKeys(meta, 'metadata'),
      ...unrenderableKeys(props),
    ]),
  ];
  if (bad.length > 0) {
    return {
      problems: bad.map(
        (f) =>
          `${where}: ${f}: a key named "${f.replace(/^.*[.[]"?|"?\]$/g, '')}" cannot be rendered (cdk8s drops "__proto__" and fails on "constructor"); ` +
          'rename the key, or pass the data as a file (a ConfigMap generator, HelmRelease valuesFrom)',
      ),
    };
  }
  return renderChecked(apiObject, where);
}

function renderChecked(apiObject: ApiObject, where: string): { json?: unknown; problems: string[] } {
  try {
    return { json: apiObject.toJson(), problems: [] };
  } catch (e) {
    return { problems: [`${where}: cannot be rendered: ${((e as Error).message ?? String(e)).split('\n')[0]}`] };
  }
}

/** Whether `v` has a key cdk8s cannot render, at any depth (no field paths: the fast path). */
function hasUnrenderableKey(v: unknown, depth: number): boolean {
  if (!v || typeof v !== 'object' || depth > 200) return false;
  if (v instanceof Lazy) return hasUnrenderableKey(v.produce(), depth + 1);
  if (Array.isArray(v)) {
    for (const x of v) if (hasUnrenderableKey(x, depth + 1)) return true;
    return false;
  }
  const keys = Object.keys(v);
  for (const k of keys) {
    if (UNRENDERABLE.has(k) || hasUnrenderableKey((v as Record<string, unknown>)[k], depth + 1)) return true;
  }
  return false;
}

function readMeta(apiObject: ApiObject, field: 'labels' | 'annotations'): unknown {
  const meta = apiObject.metadata as unknown as Record<string, unknown>;
  return meta[field];
}
