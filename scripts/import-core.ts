/**
 * Built-in Kubernetes kinds for `npm run import`: turns the Kubernetes 1.34 OpenAPI v3 documents of the
 * mirror (`core/openapi/kubectl-validate/pkg/openapiclient/builtins/1.34/`, see the mirror's SOURCES.md)
 * into compact, self-contained schemas in the same format as the CRD schemas
 * (`imports/schemas/core/<group>/<kind>_<version>.json`, `{apiVersion, kind, scope, schema}`).
 *
 * Per kind (every schema of the document carrying `x-kubernetes-group-version-kind` of the document's
 * own group/version, except lists, subresources and meta kinds):
 * - `$ref`s are inlined (`allOf: [{$ref}]` wrappers merged with their siblings, e.g. `default`);
 * - `description` and the patch / union / gvk extensions are dropped (the validator does not read them);
 * - `IntOrString` becomes `x-kubernetes-int-or-string: true` (as in CRDs); `Quantity` becomes
 *   `{oneOf: [string, number], format: quantity}` (the validator checks resource.Quantity syntax);
 * - `RawExtension` / `FieldsV1` (free-form objects) get `x-kubernetes-preserve-unknown-fields: true`,
 *   every other object is closed by the validator (unknown fields are errors, like
 *   `kubectl --validate=strict`);
 * - scope: Namespaced when the document has a `/namespaces/{namespace}/` path for the kind.
 * Output is deterministic: key order follows the source documents.
 */
import * as fs from 'fs';
import * as path from 'path';

type Json = Record<string, any>;

/** Path of the 1.34 documents inside the mirror. */
export const CORE_OPENAPI_DIR = 'core/openapi/kubectl-validate/pkg/openapiclient/builtins/1.34';

/** The documents imported (relative to CORE_OPENAPI_DIR). */
export const CORE_DOCUMENTS: readonly string[] = [
  'api/v1.json',
  'apis/apps/v1.json',
  'apis/batch/v1.json',
  'apis/autoscaling/v2.json',
  'apis/rbac.authorization.k8s.io/v1.json',
  'apis/networking.k8s.io/v1.json',
  'apis/admissionregistration.k8s.io/v1.json',
  'apis/policy/v1.json',
];

/** Kinds of the documents that are not objects a manifest holds (subresources, API meta objects, read-only). */
const SKIPPED_KINDS = new Set(['APIResourceList', 'DeleteOptions', 'Status', 'WatchEvent', 'Scale', 'TokenRequest', 'Binding', 'Eviction', 'ComponentStatus']);

const DROPPED_KEYWORDS = new Set([
  'description',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-unions',
  'x-kubernetes-group-version-kind',
]);

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const FREE_FORM = new Set(['io.k8s.apimachinery.pkg.runtime.RawExtension', 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1']);

export interface CoreSchema {
  readonly apiVersion: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly schema: Json;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Converts every kind of one OpenAPI v3 document. */
export function convertCoreDocument(doc: Json, origin: string, rel: string): CoreSchema[] {
  const defs: Json = doc?.components?.schemas;
  if (!isObj(defs)) throw new Error(`${origin}: no components.schemas`);
  const memo = new Map<string, Json>();
  const resolving = new Set<string>();

  const refName = (ref: string): string => {
    const m = /^#\/components\/schemas\/(.+)$/.exec(ref);
    if (!m || !isObj(defs[m[1]])) throw new Error(`${origin}: unresolvable $ref ${ref}`);
    return m[1];
  };

  const definition = (name: string): Json => {
    const hit = memo.get(name);
    if (hit) return hit;
    if (resolving.has(name)) throw new Error(`${origin}: recursive schema ${name} cannot be inlined`);
    resolving.add(name);
    let out: Json;
    if (name === INT_OR_STRING) out = { 'x-kubernetes-int-or-string': true };
    else if (name === QUANTITY) out = { oneOf: [{ type: 'string' }, { type: 'number' }], format: 'quantity' };
    else if (FREE_FORM.has(name)) out = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    else out = convert(defs[name]);
    resolving.delete(name);
    memo.set(name, out);
    return out;
  };

  const convert = (node: unknown): Json => {
    if (!isObj(node)) return {};
    if (typeof node.$ref === 'string') return definition(refName(node.$ref));
    let out: Json = {};
    // `allOf: [{$ref}]` (how the documents attach a default or a description to a reference): merge.
    if (Array.isArray(node.allOf) && node.allOf.length === 1 && isObj(node.allOf[0]) && typeof node.allOf[0].$ref === 'string') {
      out = { ...definition(refName(node.allOf[0].$ref)) };
    }
    for (const [k, v] of Object.entries(node)) {
      if (DROPPED_KEYWORDS.has(k) || k === '$ref') continue;
      if (k === 'allOf' && Object.keys(out).length > 0) continue;
      if (k === 'properties' && isObj(v)) {
        const props: Json = {};
        for (const [name, s] of Object.entries(v)) props[name] = convert(s);
        out.properties = props;
      } else if ((k === 'items' || k === 'additionalProperties') && isObj(v)) {
        out[k] = convert(v);
      } else if ((k === 'allOf' || k === 'oneOf' || k === 'anyOf') && Array.isArray(v)) {
        out[k] = v.map(convert);
      } else {
        out[k] = v;
      }
    }
    return out;
  };

  const namespaced = new Set<string>();
  for (const [p, item] of Object.entries(isObj(doc.paths) ? doc.paths : {})) {
    if (!p.includes('/namespaces/{namespace}/') || !isObj(item)) continue;
    for (const op of Object.values(item)) {
      const gvk = isObj(op) ? op['x-kubernetes-group-version-kind'] : undefined;
      if (isObj(gvk)) namespaced.add(`${gvk.group}/${gvk.version}/${gvk.kind}`);
    }
  }

  // `api/v1.json` → core group v1; `apis/<group>/<version>.json` → that group/version.
  const docGv = /^(?:api|apis\/(.+))\/([^/]+)\.json$/.exec(rel);
  const out: CoreSchema[] = [];
  for (const [name, s] of Object.entries(defs)) {
    const gvks = isObj(s) ? s['x-kubernetes-group-version-kind'] : undefined;
    if (!Array.isArray(gvks) || gvks.length !== 1) continue;
    const { group, version, kind } = gvks[0] as { group: string; version: string; kind: string };
    if (kind.endsWith('List') || SKIPPED_KINDS.has(kind)) continue;
    if (docGv && ((docGv[1] ?? '') !== group || docGv[2] !== version)) continue;
    const schema = definition(name);
    out.push({
      apiVersion: group ? `${group}/${version}` : version,
      group,
      version,
      kind,
      scope: namespaced.has(`${group}/${version}/${kind}`) ? 'Namespaced' : 'Cluster',
      schema,
    });
  }
  return out;
}

/** Upstream of the mirrored documents (kubectl-validate embeds kubernetes/kubernetes release-1.34 api/openapi-spec/v3 unmodified). */
export const CORE_OPENAPI_URL = 'https://raw.githubusercontent.com/kubernetes-sigs/kubectl-validate/a97ccfaca20b164819afdae780392496f6ed6bbd/pkg/openapiclient/builtins/1.34';

/**
 * Every built-in kind of CORE_DOCUMENTS, in document order: read from the mirror, or fetched from
 * CORE_OPENAPI_URL with `fetchText` (online import).
 */
export async function loadCoreSchemas(mirror: string, fetchText?: (url: string) => Promise<string>): Promise<CoreSchema[]> {
  const dir = path.join(mirror, CORE_OPENAPI_DIR);
  const out: CoreSchema[] = [];
  for (const rel of CORE_DOCUMENTS) {
    let text: string;
    let origin: string;
    if (fetchText) {
      origin = `${CORE_OPENAPI_URL}/${rel}`;
      text = await fetchText(origin);
    } else {
      origin = path.join(dir, rel);
      if (!fs.existsSync(origin)) throw new Error(`Kubernetes OpenAPI document not found: ${origin}`);
      text = fs.readFileSync(origin, 'utf8');
    }
    out.push(...convertCoreDocument(JSON.parse(text) as Json, origin, rel));
  }
  return out;
}

/** File of a built-in kind under imports/schemas: `core/<group or "core">/<kind>_<version>.json`. */
export function coreSchemaFile(s: CoreSchema): string {
  return `core/${s.group || 'core'}/${s.kind.toLowerCase()}_${s.version}.json`;
}
