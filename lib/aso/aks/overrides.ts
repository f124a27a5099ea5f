// `addOverride`-style escape hatch for objects rendered as plain JSON (embedded ASO resources).

/**
 * Overrides applied to a rendered JSON object, like aws-cdk's `addOverride`: a dot-separated path
 * (`spec.networkProfile.loadBalancerSku`; escape a literal dot as `\.`) and a value; `undefined`
 * deletes the field. Intermediate objects are created. Applied in the order they were added, after
 * the construct rendered the object, so they win over modelled fields.
 */
export class JsonOverrides {
  private readonly overrides: Array<{ path: string[]; value: unknown }> = [];

  /**
   * The keys of an override path (`a.b\\.c` → `['a', 'b.c']`), or undefined when it is not a
   * string or has an empty key (`''`, `a..b`, `.a`).
   */
  public static parsePath(path: string): string[] | undefined {
    if (typeof path !== 'string') return undefined;
    const parts = path.split(/(?<!\\)\./).map((p) => p.replace(/\\\./g, '.'));
    return parts.some((p) => p.length === 0) ? undefined : parts;
  }

  /**
   * Sets (or, with `undefined`, deletes) the field at `path`. Callers check the path with
   * {@link JsonOverrides.parsePath} first, to report an invalid one as a prop error.
   */
  public addOverride(path: string, value: unknown): void {
    const parts = JsonOverrides.parsePath(path);
    if (!parts) throw new Error(`addOverride: invalid path "${path}"`);
    this.overrides.push({ path: parts, value: value === undefined ? undefined : JSON.parse(JSON.stringify(value)) });
  }

  /** Deletes the field at `path`. */
  public addDeletionOverride(path: string): void {
    this.addOverride(path, undefined);
  }

  /** Whether any override was added. */
  public get isEmpty(): boolean {
    return this.overrides.length === 0;
  }

  /** Applies the overrides to `obj` (mutated) and returns it. */
  public applyTo<T extends object>(obj: T): T {
    for (const { path, value } of this.overrides) {
      let cur = obj as Record<string, unknown>;
      for (const key of path.slice(0, -1)) {
        const next = cur[key];
        if (typeof next !== 'object' || next === null || Array.isArray(next)) {
          if (value === undefined) {
            cur = undefined as unknown as Record<string, unknown>;
            break;
          }
          cur[key] = {};
        }
        cur = cur[key] as Record<string, unknown>;
      }
      if (!cur) continue;
      const last = path[path.length - 1];
      if (value === undefined) delete cur[last];
      else cur[last] = JSON.parse(JSON.stringify(value));
    }
    return obj;
  }
}
