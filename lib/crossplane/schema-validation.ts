/**
 * Validation of objects of kinds defined in the app itself (composite resources and claims of an
 * XRD): the bundled registry does not know them, so each XRD's schema gets a registry of its own,
 * checked with the same validator (strict schema, CEL rules, metadata rules).
 */
import { SchemaRegistry, Validator } from '../core/validation';
import type { JsonSchema } from './schema';

const validators = new WeakMap<object, Validator>();

/** Issues of `obj` against `schema` (`<field>: <reason>` lines; `<root>` for the object). */
export function validateWithSchema(schema: JsonSchema, apiVersion: string, kind: string, scope: 'Namespaced' | 'Cluster', obj: unknown): string[] {
  let v = validators.get(schema);
  if (!v) {
    const registry = SchemaRegistry.empty().addSchema({ apiVersion, kind, scope, schema, source: `${kind}.${apiVersion}` });
    v = new Validator({ registry });
    validators.set(schema, v);
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
