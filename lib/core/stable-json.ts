/**
 * A stable JSON encoding of a value: object keys sorted at every depth, `undefined` fields left
 * out (as JSON.stringify does), so two equal values always encode alike. For comparing props and
 * for messages that show them.
 */
export function stableJson(v: unknown): string {
  return JSON.stringify(sortKeysDeep(v));
}

function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) out[k] = sortKeysDeep((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}
