/**
 * Validation of objects of kinds defined in the app itself (composite resources and claims of an
 * XRD): the bundled registry does not know them, so each XRD's schema gets a registry of its own,
 * checked with the same validator (strict schema, CEL rules, metadata rules).
 */
import { SchemaRegistry, Validator } from '../core/validation';
import type { JsonSchema } from './schema';

// By kind and schema text: an XRD builds its schema anew for each call (`compositeSchema()`), so a
// cache by object missed every time and each composite resource compiled the schema again (6 ms
// each, and more with every compile: 1,000 composite resources of one XRD took 6.4 s to construct).
const validators = new Map<string, Validator>();
const MAX_VALIDATORS = 256;

/** Issues of `obj` against `schema` (`<field>: <reason>` lines; `<root>` for the object). */
export function validateWithSchema(schema: JsonSchema, apiVersion: string, kind: string, scope: 'Namespaced' | 'Cluster', obj: unknown): string[] {
  const key = `${apiVersion}\u0000${kind}\u0000${scope}\u0000${JSON.stringify(schema)}`;
  let v = validators.get(key);
  if (!v) {
    const registry = SchemaRegistry.empty().addSchema({ apiVersion, kind, scope, schema, source: `${kind}.${apiVersion}` });
    v = new Validator({ registry });
    if (validators.size >= MAX_VALIDATORS) validators.delete(validators.keys().next().value!);
    validators.set(key, v);
  }
  return v.validate([{ obj }]).map((i) => `${i.object}: ${i.field || '<root>'}: ${i.reason}`);
}

/** Fills in the `default`s of a schema (as the API server does on create); returns a new value. */
export function applyDefaults(schema: JsonSchema | undefined, value: unknown): unknown {
  if (!schema) return value;
  if (value === undefined) {
    if (schema.default === undefined) return undefined;
    value = JSON.parse(JSON.stringify(schema.default)); // then its own fields' defaults, as the API server does
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const props = schema.properties as Record<string, JsonSchema> | undefined;
    for (const [k, s] of Object.entries(props ?? {})) {
      const d = applyDefaults(s, out[k]);
      if (d !== undefined) out[k] = d;
    }
    const ap = schema.additionalProperties;
    if (ap && typeof ap === 'object') {
      for (const k of Object.keys(out)) if (!props?.[k]) out[k] = applyDefaults(ap as JsonSchema, out[k]);
    }
    return out;
  }
  if (Array.isArray(value) && schema.items && typeof schema.items === 'object') {
    return value.map((v) => applyDefaults(schema.items as JsonSchema, v));
  }
  return value;
}
