/**
 * Typed patches, transforms, readiness checks and connection details of
 * function-patch-and-transform (`pt.fn.crossplane.io/v1beta1` `Resources` input). Each renders to
 * exactly the JSON the function reads.
 */

/** A transform of a patched value. */
export interface Transform {
  /** The JSON of the transform (`{ type: 'map', map: {...} }`). */
  readonly json: Record<string, unknown>;
}

/** String conversions of a `string` transform of type `Convert`. */
export type StringConversion = 'ToUpper' | 'ToLower' | 'ToBase64' | 'FromBase64' | 'ToJson' | 'ToSha1' | 'ToSha256' | 'ToSha512';

/** Target types of a `convert` transform. */
export type ConvertType = 'string' | 'int' | 'int64' | 'bool' | 'float64' | 'object' | 'array';

/** Factories of {@link Transform}s. */
export class Transforms {
  /** `fmt.Sprintf(fmt, value)`, e.g. `Transforms.format('%s-rg')`. */
  public static format(fmt: string): Transform {
    return { json: { type: 'string', string: { type: 'Format', fmt } } };
  }
  /** A string conversion (`ToUpper`, `ToBase64`, `ToSha256`, ...). */
  public static convertString(convert: StringConversion): Transform {
    return { json: { type: 'string', string: { type: 'Convert', convert } } };
  }
  /** Removes a prefix. */
  public static trimPrefix(trim: string): Transform {
    return { json: { type: 'string', string: { type: 'TrimPrefix', trim } } };
  }
  /** Removes a suffix. */
  public static trimSuffix(trim: string): Transform {
    return { json: { type: 'string', string: { type: 'TrimSuffix', trim } } };
  }
  /** The match of a regular expression (RE2), or one of its groups. */
  public static regexp(match: string, group?: number): Transform {
    return { json: { type: 'string', string: { type: 'Regexp', regexp: group === undefined ? { match } : { match, group } } } };
  }
  /** Looks the (string) value up in a map. */
  public static map(pairs: Record<string, unknown>): Transform {
    return { json: { type: 'map', map: { ...pairs } } };
  }
  /** Multiplies a number. */
  public static multiply(by: number): Transform {
    return { json: { type: 'math', math: { type: 'Multiply', multiply: by } } };
  }
  /** Raises a number to at least `min`. */
  public static clampMin(min: number): Transform {
    return { json: { type: 'math', math: { type: 'ClampMin', clampMin: min } } };
  }
  /** Lowers a number to at most `max`. */
  public static clampMax(max: number): Transform {
    return { json: { type: 'math', math: { type: 'ClampMax', clampMax: max } } };
  }
  /** Converts the value's type (`format: 'quantity'` parses `"1Gi"`; `'json'` parses JSON). */
  public static convert(toType: ConvertType, format?: 'none' | 'quantity' | 'json'): Transform {
    return { json: { type: 'convert', convert: format ? { toType, format } : { toType } } };
  }
  /** The first matching pattern's result, else `fallbackValue`. */
  public static match(patterns: Array<{ literal: string; result: unknown } | { regexp: string; result: unknown }>, fallbackValue?: unknown): Transform {
    const ps = patterns.map((p) => ('literal' in p ? { type: 'literal', literal: p.literal, result: p.result } : { type: 'regexp', regexp: p.regexp, result: p.result }));
    return { json: { type: 'match', match: fallbackValue === undefined ? { patterns: ps } : { patterns: ps, fallbackValue } } };
  }
}

/** Options of a patch. */
export interface PatchOptions {
  /** Transforms applied, in order, to the value. @default - none */
  readonly transforms?: Transform[];
  /**
   * `Required`: the composition fails when the source field is missing; `Optional`: the patch is
   * skipped.
   * @default 'Optional'
   */
  readonly fromFieldPath?: 'Optional' | 'Required';
  /** How the value is written. @default 'Replace' */
  readonly toFieldPath?: 'Replace' | 'MergeObjects' | 'MergeObjectsAppendArrays' | 'ForceMergeObjects' | 'ForceMergeObjectsAppendArrays';
}

/** Patch types of function-patch-and-transform. */
export type PatchType = 'FromCompositeFieldPath' | 'ToCompositeFieldPath' | 'CombineFromComposite' | 'CombineToComposite' | 'FromEnvironmentFieldPath' | 'ToEnvironmentFieldPath' | 'PatchSet';

/** A patch of a composed resource. */
export interface Patch {
  readonly type: PatchType;
  /** The JSON of the patch. */
  readonly json: Record<string, unknown>;
}

function patch(type: PatchType, fields: Record<string, unknown>, o: PatchOptions = {}): Patch {
  const json: Record<string, unknown> = { type, ...fields };
  if (o.transforms?.length) json.transforms = o.transforms.map((t) => t.json);
  if (o.fromFieldPath || o.toFieldPath) {
    json.policy = { ...(o.fromFieldPath ? { fromFieldPath: o.fromFieldPath } : {}), ...(o.toFieldPath ? { toFieldPath: o.toFieldPath } : {}) };
  }
  return { type, json };
}

/** Factories of {@link Patch}es. Paths are checked at synth (see {@link Composition}). */
export class Patches {
  /** Copies a field of the composite resource (XR) to the composed resource. */
  public static fromComposite(fromFieldPath: string, toFieldPath: string, options?: PatchOptions): Patch {
    return patch('FromCompositeFieldPath', { fromFieldPath, toFieldPath }, options);
  }
  /** Copies a field of the (observed) composed resource to the composite resource (usually its status). */
  public static toComposite(fromFieldPath: string, toFieldPath: string, options?: PatchOptions): Patch {
    return patch('ToCompositeFieldPath', { fromFieldPath, toFieldPath }, options);
  }
  /**
   * Combines several XR fields with a format string (`fmt.Sprintf`) into one field of the composed
   * resource. When a variable is absent the patch is skipped; with `fromFieldPath: 'Required'` a
   * composed resource that does not exist yet is not created until every variable is set.
   */
  public static combineFromComposite(variables: string[], fmt: string, toFieldPath: string, options?: PatchOptions): Patch {
    return patch('CombineFromComposite', {
      combine: { strategy: 'string', variables: variables.map((v) => ({ fromFieldPath: v })), string: { fmt } },
      toFieldPath,
    }, options);
  }
  /** Combines several fields of the composed resource into one XR field. */
  public static combineToComposite(variables: string[], fmt: string, toFieldPath: string, options?: PatchOptions): Patch {
    return patch('CombineToComposite', {
      combine: { strategy: 'string', variables: variables.map((v) => ({ fromFieldPath: v })), string: { fmt } },
      toFieldPath,
    }, options);
  }
  /** Copies a field of the pipeline's environment (EnvironmentConfigs) to the composed resource. */
  public static fromEnvironment(fromFieldPath: string, toFieldPath: string, options?: PatchOptions): Patch {
    return patch('FromEnvironmentFieldPath', { fromFieldPath, toFieldPath }, options);
  }
  /** Copies a field of the composed resource to the environment. */
  public static toEnvironment(fromFieldPath: string, toFieldPath: string, options?: PatchOptions): Patch {
    return patch('ToEnvironmentFieldPath', { fromFieldPath, toFieldPath }, options);
  }
  /** Applies the patches of a named patch set (see `PatchAndTransformProps.patchSets`). */
  public static patchSet(name: string): Patch {
    return { type: 'PatchSet', json: { type: 'PatchSet', patchSetName: name } };
  }
}

/** A readiness check of a composed resource. */
export interface ReadinessCheck {
  readonly json: Record<string, unknown>;
}

/** Factories of {@link ReadinessCheck}s. The default (none given) is `Ready=True`. */
export class ReadinessChecks {
  /** A condition has a status (default `Ready`, `True`). */
  public static matchCondition(type = 'Ready', status = 'True'): ReadinessCheck {
    return { json: { type: 'MatchCondition', matchCondition: { type, status } } };
  }
  /** A field is not empty. */
  public static nonEmpty(fieldPath: string): ReadinessCheck {
    return { json: { type: 'NonEmpty', fieldPath } };
  }
  /** A field equals a string. */
  public static matchString(fieldPath: string, value: string): ReadinessCheck {
    return { json: { type: 'MatchString', fieldPath, matchString: value } };
  }
  /** A field equals an integer. */
  public static matchInteger(fieldPath: string, value: number): ReadinessCheck {
    return { json: { type: 'MatchInteger', fieldPath, matchInteger: value } };
  }
  /** A field is `true`. */
  public static matchTrue(fieldPath: string): ReadinessCheck {
    return { json: { type: 'MatchTrue', fieldPath } };
  }
  /** A field is `false`. */
  public static matchFalse(fieldPath: string): ReadinessCheck {
    return { json: { type: 'MatchFalse', fieldPath } };
  }
  /** Always ready once created. */
  public static none(): ReadinessCheck {
    return { json: { type: 'None' } };
  }
}

/** A connection detail a composed resource contributes to the composite's connection Secret. */
export interface ConnectionDetail {
  readonly json: Record<string, unknown>;
}

/** Factories of {@link ConnectionDetail}s. */
export class ConnectionDetails {
  /** A key of the composed resource's own connection secret (it must set `writeConnectionSecretToRef`). */
  public static fromConnectionSecretKey(name: string, key: string): ConnectionDetail {
    return { json: { name, type: 'FromConnectionSecretKey', fromConnectionSecretKey: key } };
  }
  /** A field of the composed resource (e.g. `status.atProvider.fqdn`). */
  public static fromFieldPath(name: string, fieldPath: string): ConnectionDetail {
    return { json: { name, type: 'FromFieldPath', fromFieldPath: fieldPath } };
  }
  /** A fixed value (never a secret: it is written to Git). */
  public static fromValue(name: string, value: string): ConnectionDetail {
    return { json: { name, type: 'FromValue', value } };
  }
}
