/**
 * Looking up a path and everything below it in a list sorted by path (by code unit): the entries
 * whose key starts with a prefix are one run of the list, found by binary search. The destroy
 * guard, the apply-order check and Argo CD Applications list what lies below a folder this way
 * (scanning the whole list once per folder was quadratic in a fleet).
 */

/** The entries of `sorted` (ascending by `key`, compared by code unit) whose key starts with `prefix`, in list order. */
export function withPrefix<T>(sorted: readonly T[], prefix: string, key: (entry: T) => string): T[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(sorted[mid]) < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out: T[] = [];
  for (let i = lo; i < sorted.length && key(sorted[i]).startsWith(prefix); i++) out.push(sorted[i]);
  return out;
}

/** Whether `path` (repo-relative, no trailing `/`) is one of `dirs` or below one. */
export function isAtOrUnder(path: string, dirs: ReadonlySet<string>): boolean {
  for (let d = path; d !== ''; d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '') if (dirs.has(d)) return true;
  return false;
}
