/**
 * kro SimpleSchema from the library's typed schema builder.
 *
 * A ResourceGraphDefinition declares its instance API in kro's SimpleSchema
 * (`name: string | required=true`, `replicas: integer | default=1 minimum=1`, `[]string`,
 * `map[string]string`, nested maps for objects). kro turns it into the openAPIV3Schema of the
 * instance CRD it creates (kubernetes-sigs/kro v0.9.3 pkg/simpleschema/transform.go, markers.go).
 *
 * Rather than a second builder, the fields are built with the same {@link Schema} builder as
 * Crossplane XRDs (so `InferSchema<typeof spec>` types instances), then rendered two ways:
 * {@link toSimpleSchema} (what the RGD carries) and {@link instanceSpecSchema} (the
 * openAPIV3Schema kro generates from it, used to validate instances and expressions). Options
 * SimpleSchema cannot express (`format`, object `rules`, descriptions of nested objects, arrays of
 * objects) are rejected with the field's path instead of being dropped.
 */
import { JsonSchema, ObjectField } from '../crossplane/schema';

export {
  Schema,
  SchemaField,
  StringField,
  NumberField,
  BooleanField,
  ObjectField,
  ArrayField,
  MapField,
  type InferSchema,
  type InferObject,
  type JsonSchema,
} from '../crossplane/schema';

/** A SimpleSchema document: field name → `type | markers` string, or a nested object. */
export interface SimpleSchema {
  readonly [field: string]: string | SimpleSchema;
}

/** Markers kro v0.9.3 accepts (pkg/simpleschema/markers.go), in the order they are written. */
const MARKERS = ['required', 'default', 'description', 'enum', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems'] as const;

/**
 * Renders an object field of the builder as SimpleSchema. Throws `<where>.<field>: <reason>` for
 * options kro cannot express.
 */
export function toSimpleSchema(field: ObjectField<any, any>, where = 'spec'): SimpleSchema {
  return objectToSimple(field.toJsonSchema(), where);
}

function objectToSimple(s: JsonSchema, where: string): SimpleSchema {
  const unsupported = Object.keys(s).filter((k) => !['type', 'properties', 'required', 'default'].includes(k));
  if (unsupported.length > 0) throw new Error(`${where}: ${unsupported.join(', ')} of an object cannot be expressed in kro SimpleSchema (nested objects are plain maps without markers)`);
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  const out: Record<string, string | SimpleSchema> = {};
  for (const [name, p] of Object.entries(props)) {
    const at = `${where}.${name}`;
    if (p.type === 'object' && p.properties) {
      if (required.has(name)) throw new Error(`${at}: a nested object cannot be required in kro SimpleSchema (mark its fields required instead)`);
      const nested = objectToSimple(p, at);
      if (p.default !== undefined && !(isEmptyObject(p.default) && kroObjectDefault(p))) {
        throw new Error(`${at}: kro gives a nested object the default {} only when none of its fields is required and some has a default; other object defaults cannot be expressed`);
      }
      out[name] = nested;
    } else {
      out[name] = fieldToSimple(p, at, required.has(name));
    }
  }
  return out;
}

function typeString(s: JsonSchema, at: string): string {
  switch (s.type) {
    case 'string':
    case 'integer':
    case 'boolean':
      return s.type;
    case 'number':
      return 'float';
    case 'array': {
      const items = (s.items ?? {}) as JsonSchema;
      const inner = typeString(items, `${at}[]`);
      checkNoMarkers(items, `${at}[]`);
      return `[]${inner}`;
    }
    case 'object': {
      if (s.properties) throw new Error(`${at}: objects inside arrays or maps need a kro custom type, which this builder does not write; use a map of scalars or flatten the object`);
      const values = s.additionalProperties;
      if (values && typeof values === 'object') {
        const inner = typeString(values as JsonSchema, `${at}{}`);
        checkNoMarkers(values as JsonSchema, `${at}{}`);
        return `map[string]${inner}`;
      }
      return 'object';
    }
    default:
      throw new Error(`${at}: type ${String(s.type)} has no kro SimpleSchema equivalent`);
  }
}

function checkNoMarkers(s: JsonSchema, at: string): void {
  const extra = Object.keys(s).filter((k) => !['type', 'items', 'additionalProperties'].includes(k));
  if (extra.length > 0) throw new Error(`${at}: ${extra.join(', ')} of array items or map values cannot be expressed in kro SimpleSchema`);
}

function fieldToSimple(s: JsonSchema, at: string, required: boolean): string {
  const type = typeString(s, at);
  const markers: Record<string, string> = {};
  if (required) markers.required = 'true';
  if (s.default !== undefined) markers.default = typeof s.default === 'string' ? s.default : JSON.stringify(s.default);
  if (typeof s.description === 'string') markers.description = s.description;
  if (Array.isArray(s.enum)) {
    if (s.type !== 'string' && s.type !== 'integer') throw new Error(`${at}: kro supports enum on string and integer fields only`);
    const values = s.enum.map(String);
    if (values.some((v) => v.includes(',') || v.trim() !== v || v === '')) throw new Error(`${at}: enum values must be non-empty and contain no "," or surrounding spaces (kro splits the enum marker on ",")`);
    markers.enum = values.join(',');
  }
  for (const k of ['minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems'] as const) {
    if (s[k] !== undefined) markers[k] = String(s[k]);
  }
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'set') markers.uniqueItems = 'true';
  else if (listType !== undefined && listType !== 'atomic') throw new Error(`${at}: listType ${String(listType)} is not supported`);
  const unsupported = Object.keys(s).filter((k) => !['type', 'items', 'additionalProperties', 'enum', 'default', 'description', 'x-kubernetes-list-type', ...MARKERS].includes(k));
  if (unsupported.length > 0) throw new Error(`${at}: ${unsupported.join(', ')} cannot be expressed in kro SimpleSchema`);
  const rendered = MARKERS.filter((m) => markers[m] !== undefined).map((m) => `${m}=${quoteMarker(markers[m])}`);
  return rendered.length > 0 ? `${type} | ${rendered.join(' ')}` : type;
}

/** A marker value as kro's marker parser reads it back: quoted (with `\` and `"` escaped) unless plain. */
function quoteMarker(v: string): string {
  if (/^[A-Za-z0-9_.,:/+-]+$/.test(v)) return v;
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

/** kro's rule: an object without required fields whose fields include a default gets `default: {}`. */
function kroObjectDefault(s: JsonSchema): boolean {
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  return !((s.required as string[] | undefined)?.length) && Object.values(props).some((p) => p.default !== undefined);
}

/**
 * The openAPIV3Schema kro generates for the instance's `spec` from the SimpleSchema of `field`
 * (the builder's schema, with kro's implicit `default: {}` on objects whose fields have defaults,
 * so defaults of nested fields apply as the API server applies them).
 */
export function instanceSpecSchema(field: ObjectField<any, any>): JsonSchema {
  toSimpleSchema(field); // rejects what kro cannot express
  const withDefaults = (s: JsonSchema): JsonSchema => {
    if (s.type !== 'object' || !s.properties) return s;
    const properties = Object.fromEntries(Object.entries(s.properties as Record<string, JsonSchema>).map(([k, v]) => [k, withDefaults(v)]));
    const out: JsonSchema = { ...s, properties };
    if (out.default === undefined && kroObjectDefault(out)) out.default = {};
    return out;
  };
  return withDefaults(field.toJsonSchema());
}

/** The status fields kro adds to every instance (pkg/graph/crd/defaults.go). */
export const KRO_INSTANCE_STATUS: JsonSchema = {
  state: { type: 'string' },
  conditions: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        type: { type: 'string' },
        status: { type: 'string' },
        reason: { type: 'string' },
        message: { type: 'string' },
        lastTransitionTime: { type: 'string' },
        observedGeneration: { type: 'integer' },
      },
    },
  },
};
