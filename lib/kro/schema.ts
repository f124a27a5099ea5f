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

/**
 * The openAPIV3Schema kro generates for an instance `spec` from a SimpleSchema as written in a
 * ResourceGraphDefinition (the reverse of {@link toSimpleSchema}, for RGDs read from a tree by
 * `cdk8s-platform validate`): `type | marker=value ...` strings (`string`, `integer`, `boolean`,
 * `float`/`number`, `object`, `[]T`, `map[string]T`; markers `required`, `default`, `description`,
 * `enum`, `minimum`, `maximum`, `minLength`, `maxLength`, `pattern`, `minItems`, `maxItems`,
 * `uniqueItems`) and nested maps for objects, with kro's implicit `default: {}` on objects whose
 * fields have defaults. Throws `<where>.<field>: <reason>` for what it cannot read (custom types).
 */
export function simpleSchemaToJsonSchema(simple: unknown, where = 'spec'): JsonSchema {
  if (typeof simple !== 'object' || simple === null || Array.isArray(simple)) throw new Error(`${where}: must be a map of fields`);
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, v] of Object.entries(simple as Record<string, unknown>)) {
    const at = `${where}.${name}`;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      properties[name] = simpleSchemaToJsonSchema(v, at);
      continue;
    }
    if (typeof v !== 'string') throw new Error(`${at}: must be a SimpleSchema string ("type | markers") or a map of fields`);
    const bar = v.indexOf('|');
    const type = (bar < 0 ? v : v.slice(0, bar)).trim();
    const s = simpleType(type, at);
    const markers = parseMarkers(bar < 0 ? '' : v.slice(bar + 1), at);
    for (const [k, raw] of Object.entries(markers)) {
      switch (k) {
        case 'required':
          if (raw === 'true') required.push(name);
          break;
        case 'default':
          s.default = typedValue(raw, s, at);
          break;
        case 'description':
          s.description = raw;
          break;
        case 'enum':
          s.enum = raw.split(',').map((x) => typedValue(x, s, at));
          break;
        case 'uniqueItems':
          if (raw === 'true') s['x-kubernetes-list-type'] = 'set';
          break;
        case 'pattern':
          s.pattern = raw;
          break;
        default:
          if (!(MARKERS as readonly string[]).includes(k)) throw new Error(`${at}: unknown marker "${k}"`);
          s[k] = Number(raw);
      }
    }
    properties[name] = s;
  }
  const out: JsonSchema = { type: 'object', properties, ...(required.length > 0 ? { required: required.sort() } : {}) };
  if (kroObjectDefault(out)) out.default = {};
  return out;
}

function simpleType(type: string, at: string): JsonSchema {
  if (type.startsWith('[]')) return { type: 'array', items: simpleType(type.slice(2), `${at}[]`) };
  const map = /^map\[string\](.+)$/.exec(type);
  if (map) return { type: 'object', additionalProperties: simpleType(map[1], `${at}{}`) };
  switch (type) {
    case 'string':
    case 'integer':
    case 'boolean':
      return { type };
    case 'float':
    case 'number':
      return { type: 'number' };
    case 'object':
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    default:
      throw new Error(`${at}: type "${type}" is not a SimpleSchema type this library reads (custom types are not supported)`);
  }
}

/** `key=value` pairs, values plain or double-quoted (with `\"` and `\\` escapes). */
function parseMarkers(text: string, at: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([A-Za-z]+)=("((?:[^"\\]|\\.)*)"|\S+)/gy;
  const rest = text.trim();
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (rest.length > 0 && (m = re.exec(rest)) !== null) {
    out[m[1]] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2];
    if (re.lastIndex >= rest.length) break;
  }
  if (rest.length > 0 && re.lastIndex < rest.length && rest.slice(re.lastIndex).trim() !== '') throw new Error(`${at}: cannot read the markers "${text.trim()}"`);
  return out;
}

function typedValue(raw: string, s: JsonSchema, at: string): unknown {
  if (s.type === 'integer' || s.type === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new Error(`${at}: "${raw}" is not a number`);
    return n;
  }
  if (s.type === 'boolean') return raw === 'true';
  if (s.type === 'array' || (s.type === 'object' && !s['x-kubernetes-preserve-unknown-fields'])) {
    try {
      return JSON.parse(raw);
    } catch {
      throw new Error(`${at}: default "${raw}" is not JSON`);
    }
  }
  return raw;
}

/** A ResourceGraphDefinition as read from a tree (the fields used here). */
interface RgdManifest {
  readonly metadata?: { readonly name?: string };
  readonly spec?: { readonly schema?: { readonly apiVersion?: string; readonly kind?: string; readonly group?: string; readonly scope?: string; readonly spec?: unknown }; readonly resources?: ReadonlyArray<{ readonly template?: any }> };
}

/**
 * The schema of the instance kind a ResourceGraphDefinition read from a tree defines (what kro's
 * generated CRD validates: `spec` from the SimpleSchema, `status` open), for registering it with the
 * validator of `cdk8s-platform validate`. Throws with the RGD's name for what it cannot read.
 */
export function rgdInstanceKindSchema(rgd: RgdManifest): { apiVersion: string; kind: string; scope: 'Namespaced' | 'Cluster'; schema: JsonSchema; source: string } {
  const s = rgd.spec?.schema;
  const name = rgd.metadata?.name ?? '<unnamed>';
  if (!s?.kind || !s.apiVersion) throw new Error(`ResourceGraphDefinition ${name}: spec.schema needs kind and apiVersion`);
  return {
    apiVersion: `${s.group ?? 'kro.run'}/${s.apiVersion}`,
    kind: s.kind,
    scope: s.scope === 'Cluster' ? 'Cluster' : 'Namespaced',
    schema: {
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        spec: simpleSchemaToJsonSchema(s.spec ?? {}, `ResourceGraphDefinition ${name}: spec.schema.spec`),
        status: { type: 'object', properties: KRO_INSTANCE_STATUS, 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
    source: `ResourceGraphDefinition ${name}`,
  };
}

/**
 * The core ConfigMaps and Secrets kro creates for one instance of a ResourceGraphDefinition read
 * from a tree: templates whose name is fixed or depends only on `${schema.metadata.name}`, in the
 * instance's namespace (for the workload-reference check of `cdk8s-platform validate`).
 */
export function rgdProducedObjects(rgd: RgdManifest, instance: { metadata?: { name?: string; namespace?: string } }): Array<{ apiVersion: 'v1'; kind: string; metadata: { name: string; namespace?: string } }> {
  const out: Array<{ apiVersion: 'v1'; kind: string; metadata: { name: string; namespace?: string } }> = [];
  const iname = instance.metadata?.name;
  if (!iname) return out;
  for (const r of rgd.spec?.resources ?? []) {
    const t = r.template;
    if (t?.apiVersion !== 'v1' || (t.kind !== 'ConfigMap' && t.kind !== 'Secret') || typeof t.metadata?.name !== 'string') continue;
    const name = (t.metadata.name as string).split('${schema.metadata.name}').join(iname);
    if (name.includes('${')) continue;
    out.push({ apiVersion: 'v1', kind: t.kind, metadata: { name, ...(instance.metadata?.namespace ? { namespace: instance.metadata.namespace } : {}) } });
  }
  return out;
}
