/**
 * Type checking of function-patch-and-transform patches: the JSON type at a patch's source (from
 * the XRD or the base kind's schema), carried through its transforms (the output type of each
 * transform, as function-patch-and-transform v0.10.8 computes values in transforms.go), must fit
 * the JSON type at its destination. An integer patched into a string field, a string into an
 * integer field without a `convert`, or an object into a scalar is rejected by the API server (or
 * by the provider) only once the composite exists; the composition reports it at synth instead.
 */
import { schemaAtFieldPath } from './field-path';

/** A JSON value type, as a structural schema declares it. */
export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';

/** The possible JSON types of a value; `undefined` when any type is possible (or not known). */
export type JsonTypes = readonly JsonType[] | undefined;

type Obj = Record<string, any>;

/** The JSON types a schema node accepts; undefined when it accepts anything. */
export function schemaTypes(node: Obj | undefined): JsonTypes {
  if (!node) return undefined;
  if (node['x-kubernetes-int-or-string'] === true) return ['integer', 'string'];
  const t = node.type;
  if (typeof t !== 'string') return undefined;
  return [t as JsonType];
}

/** The JSON types at `path` of an openAPIV3Schema (undefined: any). */
export function typesAt(schema: Obj, path: string): JsonTypes {
  return schemaTypes(schemaAtFieldPath(schema, path));
}

/** The JSON type of a literal value (map and match results). */
export function typeOfValue(v: unknown): JsonType | undefined {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (Array.isArray(v)) return 'array';
  if (v !== null && typeof v === 'object') return 'object';
  return undefined; // null: written as null, accepted by nothing in particular
}

function union(values: unknown[]): JsonTypes {
  const out = new Set<JsonType>();
  for (const v of values) {
    const t = typeOfValue(v);
    if (t) out.add(t);
  }
  return out.size === 0 ? undefined : [...out].sort();
}

/** Names of JSON types in messages. */
export function describeTypes(types: JsonTypes): string {
  return types === undefined ? 'any type' : types.join(' or ');
}

/** The convert transform's type name of a JSON type (function-patch-and-transform's TransformIOType). */
const IO_TYPE: Record<JsonType, string> = { string: 'string', integer: 'int64', number: 'float64', boolean: 'bool', object: 'object', array: 'array' };
const FROM_IO: Record<string, JsonType> = { string: 'string', int: 'integer', int64: 'integer', float64: 'number', bool: 'boolean', object: 'object', array: 'array' };

/** Conversions function-patch-and-transform v0.10.8 supports (transforms.go `getConversion`): `<from>/<to>/<format>`. */
const CONVERSIONS = new Set([
  'string/int64/none', 'string/bool/none', 'string/float64/none', 'string/float64/quantity',
  'int64/string/none', 'int64/bool/none', 'int64/float64/none',
  'bool/string/none', 'bool/int64/none', 'bool/float64/none',
  'float64/string/none', 'float64/int64/none', 'float64/bool/none',
  'string/object/json', 'string/array/json',
]);

/** The result of carrying a type through a transform: the output types, or why the transform cannot take the input. */
export interface TransformTyping {
  readonly types: JsonTypes;
  readonly error?: string;
}

/**
 * The output types of one transform for input types `input` (undefined: any), with an error when
 * no input type is accepted (e.g. `math` of a string, `convert` of an object to int64).
 */
export function transformOutput(t: Obj, input: JsonTypes): TransformTyping {
  const needs = (accepted: JsonType[], what: string): string | undefined =>
    input !== undefined && !input.some((i) => accepted.includes(i)) ? `${what} needs ${accepted.join(' or ')} input, got ${describeTypes(input)}` : undefined;
  switch (t.type) {
    case 'map':
      return { types: union(Object.values(t.map ?? {})), error: needs(['string'], 'a map transform') };
    case 'match': {
      const m = t.match ?? {};
      const results = (m.patterns ?? []).map((p: Obj) => p.result);
      if (m.fallbackValue !== undefined) results.push(m.fallbackValue);
      let types = union(results);
      if (m.fallbackTo === 'Input') types = input === undefined || types === undefined ? undefined : [...new Set([...types, ...input])].sort();
      return { types, error: needs(['string'], 'a match transform') };
    }
    case 'math': {
      const error = needs(['integer', 'number'], 'a math transform');
      // Multiply and clamps keep the input's number type (int64 stays int64, float64 stays float64).
      const types = input === undefined ? (['integer', 'number'] as JsonType[]) : input.filter((i) => i === 'integer' || i === 'number');
      return { types: types.length > 0 ? types : undefined, error };
    }
    case 'string': {
      const s = t.string ?? {};
      if (s.type === 'Join') return { types: ['string'], error: needs(['array'], 'a string Join transform') };
      return { types: ['string'] };
    }
    case 'convert': {
      const c = t.convert ?? {};
      const to = c.toType === 'int' ? 'int64' : String(c.toType);
      const format = c.format ?? 'none';
      const out = FROM_IO[to];
      if (input !== undefined) {
        const ok = input.some((i) => IO_TYPE[i] === to || CONVERSIONS.has(`${IO_TYPE[i]}/${to}/${format}`));
        if (!ok) return { types: out ? [out] : undefined, error: `a convert transform cannot convert ${describeTypes(input)} to ${to} with format ${format}` };
      }
      return { types: out ? [out] : undefined };
    }
    default:
      return { types: undefined };
  }
}

/** The type of a patched value after its transforms, or the first transform that cannot take its input. */
export function typeAfterTransforms(input: JsonTypes, transforms: readonly Obj[]): { types: JsonTypes; error?: string; index?: number } {
  let types = input;
  for (const [i, t] of transforms.entries()) {
    const r = transformOutput(t, types);
    if (r.error) return { types: r.types, error: r.error, index: i };
    types = r.types;
  }
  return { types };
}

/**
 * Whether a value of one of `from` fits a field of `to` (undefined: any). Integers fit numbers;
 * numbers are accepted into integers too: upjet declares every Terraform number `number`, also
 * counts and sizes, whose values are integral.
 */
export function fits(from: JsonTypes, to: JsonTypes): boolean {
  if (from === undefined || to === undefined) return true;
  const numeric = (t: JsonType) => t === 'integer' || t === 'number';
  return from.every((f) => to.includes(f) || (numeric(f) && to.some(numeric)));
}

/** The fix for a value of `from` patched into a field of `to`, in words (with the transform to add). */
export function typeFix(from: readonly JsonType[], to: readonly JsonType[]): string {
  const scalar = (ts: readonly JsonType[]) => ts.every((x) => x !== 'object' && x !== 'array');
  if (!scalar(from) && scalar(to)) return 'patch one of its fields instead';
  if (scalar(from) && !scalar(to)) return `patch into a field of it instead${from.includes('string') ? " (or parse JSON with Transforms.convert('" + to[0] + "', 'json'))" : ''}`;
  const target = to.includes('string') ? 'string' : to.includes('integer') || to.includes('number') ? 'int64' : to.includes('boolean') ? 'bool' : to[0];
  return `add Transforms.convert('${target}')`;
}
