/**
 * Field paths in issues: `spec.topology.version`, `spec.resources[0].spec.location`,
 * `metadata.labels["app.kubernetes.io/name"]`. Identifier-like keys use dots, other keys are quoted in
 * brackets, array indices are bracketed numbers. The object root is the empty path (shown as `<root>`).
 */
const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Path of property `key` below `base`. */
export function fieldKey(base: string, key: string): string {
  if (IDENT.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

/** Path of array item `i` below `base`. */
export function fieldIndex(base: string, i: number): string {
  return `${base}[${i}]`;
}

/** Concatenates a base path and a relative path (either may be empty). */
export function fieldJoin(base: string, rel: string): string {
  if (!base) return rel;
  if (!rel) return base;
  return rel.startsWith('[') ? base + rel : `${base}.${rel}`;
}

/**
 * Converts an ajv instancePath (JSON pointer) to a field path, consulting the data to tell array
 * indices from map keys that look like numbers.
 */
export function pointerToField(pointer: string, data: unknown): string {
  if (!pointer) return '';
  let out = '';
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      out = fieldIndex(out, Number(seg));
      cur = cur[Number(seg)];
    } else {
      out = fieldKey(out, seg);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

/**
 * Converts a CEL rule `fieldPath` (`.spec.replicas`, `.foo['bar.baz']`, `.items[0]`) to our notation,
 * relative to the rule's node. Unparseable input is returned with its leading dot removed.
 */
export function celFieldPathToField(fp: string): string {
  let out = '';
  let i = 0;
  while (i < fp.length) {
    if (fp[i] === '.') {
      const m = /^\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(fp.slice(i));
      if (!m) return fp.replace(/^\./, '');
      out = fieldKey(out, m[1]);
      i += m[0].length;
    } else if (fp[i] === '[') {
      const m = /^\[(?:(\d+)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/.exec(fp.slice(i));
      if (!m) return fp.replace(/^\./, '');
      if (m[1] !== undefined) out = fieldIndex(out, Number(m[1]));
      else out = fieldKey(out, (m[2] ?? m[3]).replace(/\\(.)/g, '$1'));
      i += m[0].length;
    } else {
      return fp.replace(/^\./, '');
    }
  }
  return out;
}
