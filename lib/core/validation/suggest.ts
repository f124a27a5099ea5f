/**
 * "Did you mean" for an apiVersion/kind the registry has no schema for: a kind known under another
 * apiVersion (`apps/v2` Deployment → `apps/v1`), or a known kind spelt nearly the same
 * (`Deploymnet` → `Deployment`).
 */
import { groupOf } from './metadata';

/** Levenshtein distance, case-insensitive (bounded inputs: kind names). */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
      // adjacent transposition (Damerau): "Deploymnet" is one edit from "Deployment"
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) cur[j] = Math.min(cur[j], (prev as number[])[j - 2] + 1);
    }
    prev = cur;
  }
  return prev[y.length];
}

/** A suggestion: which field to change, and to what. */
export interface KindSuggestion {
  /** `apiVersion` or `kind`. */
  readonly field: 'apiVersion' | 'kind';
  /** The known apiVersion and kind suggested. */
  readonly apiVersion: string;
  readonly kind: string;
}

/**
 * The closest known `<apiVersion>/<Kind>` key to an unknown one, or undefined when nothing is close.
 * Preference: same kind in the same group (other version), same kind in another group, then a kind
 * at edit distance ≤ 2 (≤ 1 for kinds of up to 4 letters) in the same group, then in any group.
 */
export function suggestKind(apiVersion: string, kind: string, keys: readonly string[]): KindSuggestion | undefined {
  const known = keys.map((k) => {
    const i = k.lastIndexOf('/');
    return { apiVersion: k.slice(0, i), kind: k.slice(i + 1) };
  });
  const group = groupOf(apiVersion);
  const sameKind = known.filter((k) => k.kind === kind);
  const pick = (list: typeof known) => [...list].sort((a, b) => (a.apiVersion < b.apiVersion ? 1 : -1))[0];
  const sameGroup = sameKind.filter((k) => groupOf(k.apiVersion) === group);
  if (sameGroup.length > 0) return { field: 'apiVersion', ...pick(sameGroup) };
  if (sameKind.length > 0) return { field: 'apiVersion', ...pick(sameKind) };
  const limit = kind.length <= 4 ? 1 : 2;
  let best: { k: (typeof known)[number]; d: number; g: boolean } | undefined;
  for (const k of known) {
    const d = editDistance(kind, k.kind);
    if (d > limit) continue;
    const g = k.apiVersion === apiVersion || groupOf(k.apiVersion) === group;
    if (!best || (g && !best.g) || (g === best.g && (d < best.d || (d === best.d && k.apiVersion === apiVersion)))) best = { k, d, g };
  }
  if (!best) return undefined;
  return { field: 'kind', ...best.k };
}
