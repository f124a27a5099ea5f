/**
 * Breaking changes of a kro ResourceGraphDefinition's instance schema, as kro judges them. kro
 * generates a CRD from `spec.schema` and, when it updates an existing one, compares the versions
 * (kro `pkg/graph/crd/compat`, `CompareVersions`): a breaking change makes kro refuse the update
 * ("cannot update CRD <name>: breaking changes detected", `pkg/client/crd.go` `Ensure`) unless the
 * ResourceGraphDefinition is annotated `kro.run/allow-breaking-changes: "true"`. The RGD is then
 * `KindUnready` and its new graph's controller is never started (`controller_reconcile.go`): every
 * change of it waits, for good.
 *
 * Refused whatever the annotation: `spec.schema.apiVersion` or `group` changed (the RGD CRD's
 * `self == oldSelf` rules: the API server refuses the update).
 *
 * Breaking, as kro's `compare`: a property removed; a type changed; a pattern
 * added or changed; a minimum, maximum, minLength, maxLength, minItems or maxItems added or
 * tightened; a required property added without a default; an existing property made required; the
 * default of a required property removed; an enum value removed; an array's items schema removed.
 * The spec schema is compared (read from the SimpleSchema with `simpleSchemaToJsonSchema`); the
 * status schema kro infers from CEL expressions is not.
 */
import type { JsonSchema } from '../crossplane/schema';
import { simpleSchemaToJsonSchema } from '../kro/schema';
import { show } from './aso-transitions';
import type { PlainObject } from './protection';

type Json = Record<string, unknown>;

/** kro's annotation that lets breaking changes through (api/v1alpha1 `AllowBreakingChangesAnnotation`). */
export const KRO_ALLOW_BREAKING_CHANGES = 'kro.run/allow-breaking-changes';

/** The breaking changes between two instance spec schemas (`path: what`), in kro's order of checks. */
export function breakingSchemaChanges(old: JsonSchema | undefined, next: JsonSchema | undefined, path = ''): string[] {
  const out: string[] = [];
  if (old === undefined) return out;
  if (next === undefined) return [`${path || '.'}: removed`];
  if (old.type !== next.type) return [`${path}.type: ${show(old.type ?? '(none)')} → ${show(next.type ?? '(none)')}`];
  if (old.pattern !== next.pattern && next.pattern !== undefined) {
    out.push(old.pattern === undefined ? `${path}.pattern: added (${show(next.pattern)})` : `${path}.pattern: ${show(old.pattern)} → ${show(next.pattern)}`);
  }
  for (const [name, lower] of [['minimum', true], ['maximum', false], ['minLength', true], ['maxLength', false], ['minItems', true], ['maxItems', false]] as const) {
    const [a, b] = [old[name], next[name]];
    if (typeof b !== 'number' || a === b) continue;
    if (typeof a !== 'number') out.push(`${path}.${name}: added (${b})`);
    else if (lower ? b > a : b < a) out.push(`${path}.${name}: ${a} → ${b}`);
  }
  const props = (s: JsonSchema) => (s.properties ?? {}) as Record<string, JsonSchema>;
  const [was, now] = [props(old), props(next)];
  for (const [name, p] of Object.entries(was)) {
    const at = `${path}.${name}`;
    if (!(name in now)) out.push(`${at}: removed`);
    else out.push(...breakingSchemaChanges(p, now[name], at));
  }
  const required = (s: JsonSchema) => new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const [req, req2] = [required(old), required(next)];
  for (const [name, p] of Object.entries(now)) {
    if (!(name in was) && req2.has(name) && p.default === undefined) out.push(`${path}.${name}: added as required, without a default`);
  }
  for (const name of req2) {
    if (!(name in was)) continue;
    if (!req.has(name)) out.push(`${path}.${name}: made required`);
    else if (was[name].default !== undefined && now[name]?.default === undefined) out.push(`${path}.${name}: its default removed (it is required)`);
  }
  if (Array.isArray(old.enum) && old.enum.length > 0 && Array.isArray(next.enum) && next.enum.length > 0) {
    const kept = new Set(next.enum.map((v) => JSON.stringify(v)));
    const gone = old.enum.filter((v) => !kept.has(JSON.stringify(v)));
    if (gone.length > 0) out.push(`${path}.enum: ${gone.map((v) => show(v)).join(', ')} removed`);
  }
  if (old.type === 'array' && next.type === 'array' && old.items !== undefined) {
    out.push(...(next.items === undefined ? [`${path}.items: removed`] : breakingSchemaChanges(old.items as JsonSchema, next.items as JsonSchema, `${path}[]`)));
  }
  return out;
}

/**
 * The refusal of a ResourceGraphDefinition change from `old` to `next` (same identity) whose
 * instance schema changes in a way kro refuses (see the module comment): empty when there is none,
 * when `next` allows breaking changes, or when a schema cannot be read (custom types).
 */
export function resourceGraphSchemaTransition(old: PlainObject, next: PlainObject): string[] {
  const schema = (o: PlainObject) => (((o.spec ?? {}) as Json).schema ?? {}) as Json;
  const [a, b] = [schema(old), schema(next)];
  // The ResourceGraphDefinition CRD's own rules (`self == oldSelf` on spec.schema.apiVersion and
  // spec.schema.group, default kro.run): the API server refuses the update, whatever kro's annotation.
  const immutable: string[] = [];
  if (typeof a.apiVersion === 'string' && typeof b.apiVersion === 'string' && a.apiVersion !== b.apiVersion) immutable.push(`apiVersion ${a.apiVersion} → ${b.apiVersion} ("apiVersion is immutable")`);
  const group = (s: Json) => (typeof s.group === 'string' ? s.group : 'kro.run');
  if (group(a) !== group(b)) immutable.push(`group ${group(a)} → ${group(b)} ("group is immutable")`);
  if (immutable.length > 0) {
    return [
      `spec.schema: ${immutable.join(', ')}: the ResourceGraphDefinition CRD's validation (self == oldSelf) makes the API server refuse the update, so the server-side dry-run of everything applied with it fails; ` +
        'keep them, or make a ResourceGraphDefinition of another name for the new API (and move the instances to it)',
    ];
  }
  if (next.metadata?.annotations?.[KRO_ALLOW_BREAKING_CHANGES] === 'true') return [];
  const changes: string[] = [];
  try {
    changes.push(...breakingSchemaChanges(simpleSchemaToJsonSchema(a.spec ?? {}), simpleSchemaToJsonSchema(b.spec ?? {})).map((c) => `spec${c}`));
  } catch {
    // A schema this library cannot read (custom types): kro judges it.
  }
  if (changes.length === 0) return [];
  return [
    `spec.schema: breaking changes of the instance schema (${changes.join('; ')}): kro refuses to update the CRD ("breaking changes detected"), so this ResourceGraphDefinition stays KindUnready ` +
      'and none of its changes apply; make them compatible (new fields optional or with a default, enums widened, constraints relaxed, the version kept), ' +
      `or annotate it ${KRO_ALLOW_BREAKING_CHANGES}: "true" once every instance fits the new schema`,
  ];
}
