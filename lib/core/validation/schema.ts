/**
 * Kubernetes structural schema (CRD openAPIV3Schema) → strict JSON Schema for ajv, plus ajv error →
 * human-readable reason mapping.
 *
 * Translation rules (applied once per kind):
 *  - unknown fields are errors: `additionalProperties: false` on every object schema (with or without
 *    `properties`) unless it has `x-kubernetes-preserve-unknown-fields` or its own `additionalProperties`;
 *  - `nullable: true` adds `null` to the type (and to `enum`). Like the API server, which prunes null
 *    values of non-nullable object fields before validating, a null property / map value is accepted
 *    as "absent" (CEL does not see it); null array items are type errors;
 *  - `x-kubernetes-int-or-string` → `type: [integer, string]` (its `anyOf` twin is dropped);
 *  - `x-kubernetes-embedded-resource` → the object must carry string `apiVersion` and `kind`; `metadata`
 *    is any object (the embedding table in embedded.ts decides where embedded objects get full checks);
 *  - `x-kubernetes-list-type: set` → unique items; `map` + `x-kubernetes-list-map-keys` → unique keys;
 *  - `pattern` → `re2Pattern` (Go RE2 semantics, see re2.ts);
 *  - `format`: date-time, date, byte, uuid(3/4/5), ipv4, ipv6, cidr, mac, hostname are checked
 *    (the formats the API server checks); others (int32, int64, double, password, …) are ignored;
 *  - OpenAPI v3.0 boolean `exclusiveMinimum/Maximum` → draft-07 numbers;
 *  - a property with a `default` is not `required` (the API server defaults before validating);
 *  - root: `metadata` is left to the ObjectMeta rules (metadata.ts), except for constraints the CRD puts on
 *    metadata.name / generateName; `status` is accepted unvalidated.
 */
import { isQuantity } from './quantity';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { fieldKey, pointerToField } from './field-path';
import { jsonType } from './metadata';
import { compileRe2 } from './re2';

type Json = Record<string, any>;

const FORMATS: Record<string, (s: string) => boolean> = {
  'date-time': (s) =>
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T'))),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
  byte: (s) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s),
  uuid: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid3: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid4: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  uuid5: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  ipv4: isIPv4,
  ipv6: isIPv6,
  cidr: (s) => {
    const m = /^(.*)\/(\d{1,3})$/.exec(s);
    if (!m) return false;
    const bits = Number(m[2]);
    return (isIPv4(m[1]) && bits <= 32) || (isIPv6(m[1]) && bits <= 128);
  },
  mac: (s) => /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(s) || /^([0-9a-f]{2}[:-]){7}[0-9a-f]{2}$/i.test(s),
  // resource.Quantity (k8s.io/apimachinery/pkg/api/resource), the pattern controller-gen emits for Quantity fields.
  quantity: isQuantity,
  hostname: (s) => s.length <= 255 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\.?$/i.test(s),
};


function isIPv4(s: string): boolean {
  const p = s.split('.');
  // No leading zeros: Go's net.ParseIP (behind the API server's ipv4 / cidr formats) refuses them since Go 1.17.
  return p.length === 4 && p.every((x) => /^(0|[1-9]\d{0,2})$/.test(x) && Number(x) <= 255);
}

function isIPv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.length < 2) return false;
  let body = s;
  let groupsNeeded = 8;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    if (!isIPv4(s.slice(lastColon + 1))) return false;
    body = s.slice(0, lastColon + 1) + '0';
    groupsNeeded = 7;
  }
  const dbl = body.split('::');
  if (dbl.length > 2) return false;
  const groups = (x: string) => (x === '' ? [] : x.split(':'));
  const all = dbl.flatMap(groups);
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return dbl.length === 2 ? all.length < groupsNeeded : all.length === groupsNeeded;
}

/** The format names this validator checks. */
export const CHECKED_FORMATS: readonly string[] = Object.keys(FORMATS);

let sharedAjv: Ajv | undefined;

/** The ajv instance shared by all validators (keywords and formats registered once). */
export function ajvInstance(): Ajv {
  if (sharedAjv) return sharedAjv;
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    verbose: true,
    messages: false,
    logger: false,
    validateSchema: false,
    addUsedSchema: false,
    // ajv's optimisation pass (dropping unused names, folding constants) costs more than it saves:
    // compiling all bundled kinds takes half the time without it (the large CAPI kinds 27-55% less),
    // validating no longer (docs/performance.md#compiling-schemas). The generated code checks the same.
    code: { optimize: false },
  });
  for (const [name, fn] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate: fn });
  ajv.addKeyword({
    keyword: 're2Pattern',
    type: 'string',
    schemaType: 'string',
    errors: true,
    compile(pattern: string) {
      try {
        const m = compileRe2(pattern);
        return (data: string) => m.test(data);
      } catch (e) {
        const detail = e instanceof Error ? e.message : String(e);
        const fail = (_data: string) => {
          fail.errors = [{ keyword: 're2Pattern', params: { invalid: detail } }];
          return false;
        };
        fail.errors = [] as Partial<ErrorObject>[];
        return fail;
      }
    },
  });
  ajv.addKeyword({
    keyword: 'k8sListMapKeys',
    type: 'array',
    schemaType: 'array',
    errors: true,
    compile(keys: string[]) {
      const check = (data: unknown[]) => {
        const seen = new Map<string, number>();
        const errs: Partial<ErrorObject>[] = [];
        data.forEach((item, i) => {
          if (item === null || typeof item !== 'object' || Array.isArray(item)) return;
          const it = item as Record<string, unknown>;
          const id = JSON.stringify(keys.map((k) => it[k]));
          const prev = seen.get(id);
          if (prev === undefined) seen.set(id, i);
          else {
            const desc = keys.map((k) => `${k}=${JSON.stringify(it[k])}`).join(', ');
            errs.push({ keyword: 'k8sListMapKeys', params: { first: prev, dup: i, key: desc } });
          }
        });
        check.errors = errs;
        return errs.length === 0;
      };
      check.errors = [] as Partial<ErrorObject>[];
      return check;
    },
  });
  ajv.addKeyword({
    keyword: 'k8sRequiredNotNull',
    type: 'object',
    schemaType: 'array',
    errors: true,
    compile(names: string[]) {
      const check = (data: Record<string, unknown>) => {
        const errs: Partial<ErrorObject>[] = [];
        for (const n of names) if (data[n] === null) errs.push({ keyword: 'required', params: { missingProperty: n } });
        check.errors = errs;
        return errs.length === 0;
      };
      check.errors = [] as Partial<ErrorObject>[];
      return check;
    },
  });
  sharedAjv = ajv;
  return ajv;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const NUM_KEYWORDS = ['maxLength', 'minLength', 'maxItems', 'minItems', 'maxProperties', 'minProperties', 'multipleOf'];

/** Converts one Kubernetes structural schema node to a JSON Schema (draft-07) node for ajv. */
export function toJsonSchema(s: unknown, opts: { root?: boolean; junctor?: boolean; field?: boolean } = {}): Json {
  if (!isObj(s)) return {};
  const out: Json = {};
  const junctor = opts.junctor === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  const nullable = s.nullable === true;

  let types: string[] | undefined;
  // `oneOf`/`anyOf` of bare types (Quantity in the built-in OpenAPI: string | number) is a type union.
  const typeUnion = typeUnionOf(s);
  if (intOrString) types = ['integer', 'string'];
  else if (typeof s.type === 'string') types = [s.type];
  else if (typeUnion) types = [...typeUnion];
  // A null object field is pruned by the API server when not nullable, kept when nullable: valid either way.
  const nullOk = nullable || opts.field === true;
  if (types && nullOk) types.push('null');
  if (types) out.type = types.length === 1 ? types[0] : types;

  if (Array.isArray(s.enum)) out.enum = nullOk && !s.enum.includes(null) ? [...s.enum, null] : s.enum;
  if (s.const !== undefined) out.const = s.const;
  if (typeof s.maximum === 'number') {
    if (s.exclusiveMaximum === true) out.exclusiveMaximum = s.maximum;
    else out.maximum = s.maximum;
  }
  if (typeof s.minimum === 'number') {
    if (s.exclusiveMinimum === true) out.exclusiveMinimum = s.minimum;
    else out.minimum = s.minimum;
  }
  for (const k of NUM_KEYWORDS) if (typeof s[k] === 'number') out[k] = s[k];
  if (s.uniqueItems === true) out.uniqueItems = true;
  if (typeof s.pattern === 'string') out.re2Pattern = s.pattern;
  if (typeof s.format === 'string' && s.format in FORMATS) out.format = s.format;

  const listType = s['x-kubernetes-list-type'];
  if (listType === 'set') out.uniqueItems = true;
  const mapKeys = s['x-kubernetes-list-map-keys'];
  if (listType === 'map' && Array.isArray(mapKeys) && mapKeys.length > 0) out.k8sListMapKeys = mapKeys;

  const child = { junctor };
  const field = { junctor, field: true };
  let props: Json | undefined;
  if (isObj(s.properties)) {
    props = {};
    for (const [k, v] of Object.entries(s.properties)) props[k] = toJsonSchema(v, field);
  }
  if (embedded) {
    props = props ?? {};
    props.apiVersion = { type: 'string', minLength: 1, ...(props.apiVersion ?? {}) };
    props.kind = { type: 'string', minLength: 1, ...(props.kind ?? {}) };
    // ObjectMeta of an embedded resource is validated as ObjectMeta by the API server, whatever the
    // CRD spells (controller-gen emits `metadata: {type: object}`): accept any object here.
    props.metadata = { type: 'object' };
  }
  if (opts.root) {
    props = props ?? {};
    // metadata: ObjectMeta rules (metadata.ts) — plus the only constraints a CRD may put on it, those
    // of metadata.name / generateName; status: controller output, accepted and not validated.
    const md = isObj(s.properties) && isObj(s.properties.metadata) && isObj(s.properties.metadata.properties) ? s.properties.metadata.properties : {};
    const mdProps: Json = {};
    for (const k of ['name', 'generateName']) if (isObj(md[k])) mdProps[k] = toJsonSchema(md[k], field);
    props.metadata = Object.keys(mdProps).length > 0 ? { properties: mdProps } : {};
    props.status = {};
    if (!props.apiVersion) props.apiVersion = { type: 'string' };
    if (!props.kind) props.kind = { type: 'string' };
  }
  if (props) out.properties = props;

  if (s.additionalProperties !== undefined) {
    out.additionalProperties = typeof s.additionalProperties === 'boolean' ? s.additionalProperties : toJsonSchema(s.additionalProperties, field);
  } else if (!junctor && !preserve && (props || s.type === 'object')) {
    out.additionalProperties = false;
  }
  if (isObj(s.items)) out.items = toJsonSchema(s.items, child);

  const required: string[] = [];
  if (Array.isArray(s.required)) {
    for (const r of s.required) {
      if (typeof r !== 'string') continue;
      // Defaulting happens before validation, so a defaulted property is never missing.
      if (isObj(s.properties) && isObj(s.properties[r]) && s.properties[r].default !== undefined) continue;
      required.push(r);
    }
  }
  if (embedded) for (const r of ['apiVersion', 'kind']) if (!required.includes(r)) required.push(r);
  if (required.length > 0) {
    out.required = required;
    // A null required field is pruned, hence missing, unless the field is nullable.
    const props = isObj(s.properties) ? s.properties : {};
    const nonNull = required.filter((r) => !(isObj(props[r]) && props[r].nullable === true));
    if (nonNull.length > 0) out.k8sRequiredNotNull = nonNull;
  }

  const jopts = { junctor: true };
  for (const j of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (!Array.isArray(s[j])) continue;
    // The int-or-string anyOf twin ({type: integer} | {type: string}) is represented by `type` above.
    if (j === 'anyOf' && intOrString && s.anyOf.every((x: unknown) => isObj(x) && Object.keys(x).every((k) => k === 'type'))) continue;
    if (j !== 'allOf' && typeUnion && !intOrString && s.type === undefined) continue;
    out[j] = s[j].map((x: unknown) => toJsonSchema(x, jopts));
  }
  if (isObj(s.not)) out.not = toJsonSchema(s.not, jopts);
  return out;
}

/** The types of a node whose only junctor is a `oneOf`/`anyOf` of `{type}`-only branches, else undefined. */
function typeUnionOf(s: Json): string[] | undefined {
  for (const j of ['oneOf', 'anyOf']) {
    const list = s[j];
    if (!Array.isArray(list) || list.length === 0) continue;
    if (!list.every((x) => isObj(x) && typeof x.type === 'string' && Object.keys(x).length === 1)) return undefined;
    return list.map((x) => x.type as string);
  }
  return undefined;
}

/**
 * Compiles the JSON Schema of a kind (its repeated subschemas shared, see
 * {@link shareRepeatedSubschemas}). Throws ajv's error if the schema cannot be compiled.
 */
export function compileJsonSchema(jsonSchema: Json): ValidateFunction {
  return ajvInstance().compile(shareRepeatedSubschemas(jsonSchema));
}

/** Serialized size (characters) from which a subschema found twice or more is shared. */
const SHARED_MIN_CHARS = 1024;

/**
 * The schema with each subschema that occurs more than once (the same JSON, at least
 * {@link SHARED_MIN_CHARS} characters) moved to `definitions` and referenced (`$ref`), so that ajv
 * generates its code once: Argo CD's ApplicationSet CRD repeats the Application template in every
 * generator (480 KB of schema; ajv needed 2.7–3.4 s to compile it, 0.2 s shared), and the built-in
 * workloads repeat the container schema (containers, initContainers, ephemeralContainers).
 *
 * Subschemas inside `anyOf` / `oneOf` / `allOf` / `not` branches stay inline: an error inside a
 * referenced schema has the schema path of the definition, which would hide that it comes from a
 * branch (`mapAjvErrors` leaves branch errors to the junctor's own). Errors are otherwise the same
 * (same keyword, data path, params). The input is not changed.
 */
export function shareRepeatedSubschemas(root: Json): Json {
  const text = new Map<Json, string>();
  const count = new Map<string, number>();
  const measure = (n: Json): void => {
    const t = JSON.stringify(n);
    text.set(n, t);
    if (t.length >= SHARED_MIN_CHARS) count.set(t, (count.get(t) ?? 0) + 1);
    subschemas(n, (c) => measure(c));
  };
  measure(root);
  if (![...count.values()].some((c) => c > 1)) return root;
  const definitions: Json = {};
  const names = new Map<string, string>();
  const rewrite = (n: Json, inJunctor: boolean): Json => {
    const out: Json = { ...n };
    for (const key of ['properties', 'patternProperties']) if (isObj(n[key])) out[key] = { ...n[key] };
    for (const key of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(n[key])) out[key] = [...n[key]];
    subschemas(n, (c, junctor, place) => {
      const inside = inJunctor || junctor;
      const t = text.get(c)!;
      if (inside || (count.get(t) ?? 0) < 2) {
        place(out, rewrite(c, inside));
        return;
      }
      let name = names.get(t);
      if (name === undefined) {
        names.set(t, (name = `shared${names.size}`));
        definitions[name] = rewrite(c, false);
      }
      place(out, { $ref: `#/definitions/${name}` });
    });
    return out;
  };
  return { ...rewrite(root, false), definitions };
}

/**
 * Calls `visit` with each subschema of the JSON Schema node `n` as `toJsonSchema` writes them
 * (property schemas, `items`, an `additionalProperties` schema, junctor branches), whether it is a
 * junctor branch, and how to put a replacement in place in a copy of `n`.
 */
function subschemas(n: Json, visit: (child: Json, junctor: boolean, place: (copy: Json, value: Json) => void) => void): void {
  for (const key of ['properties', 'patternProperties']) {
    if (!isObj(n[key])) continue;
    for (const k of Object.keys(n[key])) if (isObj(n[key][k])) visit(n[key][k], false, (copy, v) => (copy[key][k] = v));
  }
  if (isObj(n.items)) visit(n.items, false, (copy, v) => (copy.items = v));
  if (isObj(n.additionalProperties)) visit(n.additionalProperties, false, (copy, v) => (copy.additionalProperties = v));
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    if (!Array.isArray(n[key])) continue;
    n[key].forEach((x: unknown, i: number) => {
      if (isObj(x)) visit(x, true, (copy, v) => (copy[key][i] = v));
    });
  }
  if (isObj(n.not)) visit(n.not, true, (copy, v) => (copy.not = v));
}

/** One schema finding: field path relative to the validated value, and a reason. */
export interface SchemaFinding {
  readonly field: string;
  readonly reason: string;
  readonly keyword: string;
  /** Path of the value the failing keyword applies to (for `required`: the object missing the field). */
  readonly at: string;
}

/** True if the error comes from inside an anyOf/oneOf branch or a `not` (reported by the junctor itself). */
function insideJunctorBranch(schemaPath: string): boolean {
  const segs = schemaPath.replace(/^#\//, '').split('/');
  for (let i = 0; i < segs.length - 1; i++) {
    const s = segs[i];
    if (s === 'properties') {
      i++; // next segment is a property name
      continue;
    }
    if (s === 'anyOf' || s === 'oneOf' || s === 'not') return true;
  }
  return false;
}

/** Maps ajv errors to findings (field path + reason), dropping junctor-branch noise. */
export function mapAjvErrors(errors: readonly ErrorObject[], data: unknown): SchemaFinding[] {
  const out: SchemaFinding[] = [];
  for (const e of errors) {
    if (insideJunctorBranch(e.schemaPath)) continue;
    const base = pointerToField(e.instancePath, data);
    const p = e.params as Record<string, any>;
    let field = base;
    let reason: string;
    switch (e.keyword) {
      case 'additionalProperties':
        field = fieldKey(base, String(p.additionalProperty));
        reason = `unknown field ${JSON.stringify(p.additionalProperty)}`;
        break;
      case 'required':
        field = fieldKey(base, String(p.missingProperty));
        reason = `required field missing: ${JSON.stringify(p.missingProperty)}`;
        break;
      case 'enum': {
        const allowed = (p.allowedValues as unknown[]).filter((v) => v !== null);
        reason = `must be one of: ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      }
      case 'const':
        reason = `must be ${JSON.stringify(p.allowedValue)}`;
        break;
      case 'type': {
        const t = Array.isArray(p.type) ? p.type : String(p.type).split(',');
        const shown = t.filter((x: string) => x !== 'null');
        reason = `must be of type ${shown.join(' or ')}, got ${jsonType(e.data)}`;
        break;
      }
      case 're2Pattern':
        reason = p.invalid ? `schema pattern is not valid RE2: ${p.invalid}` : `does not match pattern "${e.schema}"`;
        break;
      case 'format':
        reason = `must be a valid ${p.format}`;
        break;
      case 'maxLength':
        reason = `must be at most ${p.limit} characters long`;
        break;
      case 'minLength':
        reason = `must be at least ${p.limit} characters long`;
        break;
      case 'maximum':
      case 'minimum':
      case 'exclusiveMaximum':
      case 'exclusiveMinimum':
        reason = `must be ${p.comparison} ${p.limit}`;
        break;
      case 'multipleOf':
        reason = `must be a multiple of ${p.multipleOf}`;
        break;
      case 'maxItems':
        reason = `must have at most ${p.limit} items`;
        break;
      case 'minItems':
        reason = `must have at least ${p.limit} items`;
        break;
      case 'maxProperties':
        reason = `must have at most ${p.limit} properties`;
        break;
      case 'minProperties':
        reason = `must have at least ${p.limit} properties`;
        break;
      case 'uniqueItems':
        reason = `duplicate entries: items ${p.j} and ${p.i} are identical`;
        break;
      case 'k8sListMapKeys':
        reason = `duplicate entries: items ${p.first} and ${p.dup} have the same key (${p.key})`;
        break;
      case 'anyOf':
        reason = 'must match at least one of the schemas in anyOf';
        break;
      case 'oneOf':
        reason = p.passingSchemas ? 'must match exactly one of the schemas in oneOf (matches several)' : 'must match exactly one of the schemas in oneOf (matches none)';
        break;
      case 'not':
        reason = 'must not match the schema in "not"';
        break;
      default:
        reason = `failed schema keyword "${e.keyword}"`;
    }
    out.push({ field, reason, keyword: e.keyword, at: base });
  }
  return out;
}
