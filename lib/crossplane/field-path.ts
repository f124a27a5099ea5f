/**
 * Crossplane field paths (`spec.forProvider.location`, `spec.containers[0].image`,
 * `metadata.labels[example.org/app]`, `spec.items[*].name`): parsing, reading and writing plain
 * JSON objects with them, and checking that a path exists in an openAPIV3Schema.
 */

/** One segment of a field path. */
export type FieldPathSegment = { readonly field: string } | { readonly index: number } | { readonly wildcard: true };

/** Parses a Crossplane field path; throws on a syntax error. */
export function parseFieldPath(path: string): FieldPathSegment[] {
  const out: FieldPathSegment[] = [];
  let i = 0;
  let cur = '';
  const flush = () => {
    if (cur) out.push({ field: cur });
    cur = '';
  };
  if (path.length === 0) throw new Error('empty field path');
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      if (!cur && (out.length === 0 || path[i - 1] === '.')) throw new Error(`invalid field path "${path}": empty segment`);
      flush();
      i++;
    } else if (c === '[') {
      flush();
      const end = path.indexOf(']', i);
      if (end < 0) throw new Error(`invalid field path "${path}": unclosed "["`);
      let inner = path.slice(i + 1, end);
      if (inner === '*') out.push({ wildcard: true });
      else if (/^\d+$/.test(inner)) out.push({ index: Number(inner) });
      else {
        if (/^".*"$|^'.*'$/.test(inner)) inner = inner.slice(1, -1);
        if (!inner) throw new Error(`invalid field path "${path}": empty "[]"`);
        out.push({ field: inner });
      }
      i = end + 1;
    } else if (c === ']') {
      throw new Error(`invalid field path "${path}": unexpected "]"`);
    } else {
      cur += c;
      i++;
    }
  }
  flush();
  if (path.endsWith('.')) throw new Error(`invalid field path "${path}": ends with "."`);
  return out;
}

/** Renders segments back to a path (`a.b[0][x.y]`). */
export function formatFieldPath(segments: readonly FieldPathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if ('field' in s) out += /^[A-Za-z0-9_-]+$/.test(s.field) ? (out ? `.${s.field}` : s.field) : `[${s.field}]`;
    else if ('index' in s) out += `[${s.index}]`;
    else out += '[*]';
  }
  return out;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at `path` in `obj`, or undefined when any segment is missing. */
export function getFieldPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const s of parseFieldPath(path)) {
    if ('field' in s) {
      if (!isObj(cur)) return undefined;
      cur = cur[s.field];
    } else if ('index' in s) {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[s.index];
    } else {
      throw new Error(`cannot read wildcard field path "${path}"`);
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** How a value is written to the destination (function-patch-and-transform's `policy.toFieldPath`). */
export type MergePolicy = 'Replace' | 'MergeObjects' | 'MergeObjectsAppendArrays' | 'ForceMergeObjects' | 'ForceMergeObjectsAppendArrays';

/**
 * Writes `value` at `path` in `obj`, creating intermediate objects and arrays. A `[*]` segment
 * writes to every existing item (an error when there is none).
 */
export function setFieldPath(obj: Record<string, unknown>, path: string, value: unknown, policy: MergePolicy = 'Replace'): void {
  const segs = parseFieldPath(path);
  const write = (container: any, i: number): void => {
    const s = segs[i];
    const last = i === segs.length - 1;
    if ('wildcard' in s) {
      if (!Array.isArray(container) || container.length === 0) throw new Error(`cannot expand ToFieldPath ${path}`);
      for (let j = 0; j < container.length; j++) {
        if (last) container[j] = merge(container[j], value, policy);
        else {
          if (container[j] === undefined || container[j] === null) container[j] = 'index' in segs[i + 1] ? [] : {};
          write(container[j], i + 1);
        }
      }
      return;
    }
    const key: string | number = 'field' in s ? s.field : s.index;
    if ('field' in s && !isObj(container)) throw new Error(`${path}: ${formatFieldPath(segs.slice(0, i))} is not an object`);
    if ('index' in s && !Array.isArray(container)) throw new Error(`${path}: ${formatFieldPath(segs.slice(0, i))} is not an array`);
    if (last) {
      container[key] = merge(container[key], value, policy);
      return;
    }
    if (container[key] === undefined || container[key] === null) container[key] = 'index' in segs[i + 1] || 'wildcard' in segs[i + 1] ? [] : {};
    write(container[key], i + 1);
  };
  write(obj, 0);
}

function merge(dst: unknown, src: unknown, policy: MergePolicy): unknown {
  if (policy === 'Replace') return clone(src);
  const keep = policy === 'MergeObjects' || policy === 'MergeObjectsAppendArrays';
  const append = policy.endsWith('AppendArrays');
  if (Array.isArray(dst) && Array.isArray(src)) return append ? [...dst, ...clone(src) as unknown[]] : clone(src);
  if (isObj(dst) && isObj(src)) {
    const out: Record<string, unknown> = { ...dst };
    for (const [k, v] of Object.entries(src)) {
      if (k in out && keep && !isObj(v) && !Array.isArray(v)) continue;
      out[k] = k in out ? merge(out[k], v, policy) : clone(v);
    }
    return out;
  }
  return clone(src);
}

function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

const METADATA_FIELDS = new Set(['name', 'namespace', 'generateName', 'labels', 'annotations', 'uid', 'finalizers', 'ownerReferences']);

/**
 * Checks that `path` exists in the openAPIV3Schema of a kind (`schema` is the whole object's
 * schema). Returns undefined when it does, else why not (`unknown field "locaton" in
 * spec.forProvider`). `metadata` follows ObjectMeta (labels and annotations take any key);
 * `x-kubernetes-preserve-unknown-fields` and `additionalProperties` accept anything below them.
 */
export function checkFieldPath(schema: Record<string, unknown>, path: string): string | undefined {
  let segs: FieldPathSegment[];
  try {
    segs = parseFieldPath(path);
  } catch (e) {
    return (e as Error).message;
  }
  let cur: Record<string, unknown> | undefined = schema;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    const at = i === 0 ? 'the object' : formatFieldPath(segs.slice(0, i));
    if (i === 0 && 'field' in s && s.field === 'metadata') return checkMetadataPath(segs.slice(1));
    if (!cur) return undefined;
    if (cur['x-kubernetes-preserve-unknown-fields'] === true && !cur.properties && !cur.items) return undefined;
    if ('field' in s) {
      const props = cur.properties as Record<string, Record<string, unknown>> | undefined;
      if (props && props[s.field]) {
        cur = props[s.field];
        continue;
      }
      const ap: unknown = cur.additionalProperties;
      if (ap === true || isObj(ap)) {
        cur = isObj(ap) ? ap : undefined;
        continue;
      }
      if (cur['x-kubernetes-preserve-unknown-fields'] === true) return undefined;
      if (cur.type !== undefined && cur.type !== 'object') return `${at} is not an object (type ${String(cur.type)})`;
      return `unknown field "${s.field}" in ${at}`;
    }
    if (cur.type !== 'array') return `${at} is not an array`;
    cur = cur.items as Record<string, unknown> | undefined;
  }
  return undefined;
}

function checkMetadataPath(segs: FieldPathSegment[]): string | undefined {
  if (segs.length === 0) return undefined;
  const first = segs[0];
  if (!('field' in first) || !METADATA_FIELDS.has(first.field)) {
    return `unknown field "${'field' in first ? first.field : formatFieldPath([first])}" in metadata`;
  }
  if ((first.field === 'labels' || first.field === 'annotations') && segs.length <= 2) return undefined;
  if (segs.length === 1) return undefined;
  if (first.field === 'ownerReferences' || first.field === 'finalizers') return undefined;
  return `metadata.${first.field} has no field ${formatFieldPath(segs.slice(1))}`;
}

const STRING_SCHEMA: Record<string, unknown> = { type: 'string' };
const STRING_MAP_SCHEMA: Record<string, unknown> = { type: 'object', additionalProperties: STRING_SCHEMA };

/**
 * The schema node at `path` in the openAPIV3Schema of a kind, or undefined when the path is below
 * a node that accepts anything (`x-kubernetes-preserve-unknown-fields`, `additionalProperties:
 * true`, ObjectMeta fields other than names, labels and annotations) or is not in the schema
 * (check that with {@link checkFieldPath} first).
 */
export function schemaAtFieldPath(schema: Record<string, unknown>, path: string): Record<string, unknown> | undefined {
  let segs: FieldPathSegment[];
  try {
    segs = parseFieldPath(path);
  } catch {
    return undefined;
  }
  if (segs.length > 0 && 'field' in segs[0] && segs[0].field === 'metadata') {
    const rest = segs.slice(1);
    if (rest.length === 0) return undefined;
    const f = 'field' in rest[0] ? rest[0].field : '';
    if (['name', 'namespace', 'generateName', 'uid'].includes(f) && rest.length === 1) return STRING_SCHEMA;
    if (f === 'labels' || f === 'annotations') return rest.length === 1 ? STRING_MAP_SCHEMA : rest.length === 2 ? STRING_SCHEMA : undefined;
    return undefined;
  }
  let cur: Record<string, unknown> | undefined = schema;
  for (const s of segs) {
    if (!cur) return undefined;
    if ('field' in s) {
      const props = cur.properties as Record<string, Record<string, unknown>> | undefined;
      if (props && props[s.field]) {
        cur = props[s.field];
        continue;
      }
      const ap: unknown = cur.additionalProperties;
      cur = isObj(ap) ? ap : undefined;
      continue;
    }
    cur = cur.type === 'array' && isObj(cur.items) ? cur.items : undefined;
  }
  return cur;
}
