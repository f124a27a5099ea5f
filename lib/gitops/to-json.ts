/**
 * `ApiObject.toJson()` in one walk, for the render stage: the same JSON as cdk8s 2.70.106's, built
 * without its per-value overhead.
 *
 * cdk8s renders an object as `sanitizeValue(resolve([], data, this), { sortKeys })` after the
 * metadata did the same on its own fields (node_modules/cdk8s/lib/api-object.js, metadata.js):
 * two copies of every object, and for every value `App.of(apiObject)` (a walk up the construct
 * tree), a `ResolutionContext` and a new key-path array. At 10,000 clusters that was about 2.5 s
 * of a 13 s synth. Here each value is resolved and sanitized in one visit, with the app's
 * resolvers looked up once per object.
 *
 * Identical output is the contract, so the fast walk only runs where it is exactly cdk8s's:
 * - the cdk8s version is the one this was written against (2.70.106), and `ApiObject.toJson` /
 *   `ApiObjectMetadataDefinition.toJson` are cdk8s's own (not replaced by someone else, before
 *   this module was loaded or after: their source is checked at load, their identity at each use);
 * - the app's resolvers are cdk8s's three built-in ones (Lazy, implicit tokens, number/string
 *   unions), in order; custom resolvers get cdk8s's own `toJson`;
 * - a plain object with an own `__proto__` or `constructor` key, and any object that is not a
 *   plain object or array (cdk8s resolves and sanitizes those differently: a key that replaces the
 *   copy's prototype, "can't render non-simple object"), is handed to cdk8s's own `resolve` and
 *   `sanitizeValue`.
 * Tested against cdk8s's `toJson` on every object of the bundled examples and on edge values
 * (test/gitops/to-json.test.ts).
 */
import { ApiObject, ApiObjectMetadataDefinition, App, ImplicitTokenResolver, JsonPatch, Lazy, LazyResolver, NumberStringUnionResolver, resolve, type IResolver } from 'cdk8s';
import type { IConstruct } from 'constructs';

/** cdk8s's `sanitizeValue` (not exported from its index). */
const { sanitizeValue } = require('cdk8s/lib/_util') as { sanitizeValue: (obj: unknown, options?: SanitizeOptions) => unknown };
const CDK8S_VERSION = (require('cdk8s/package.json') as { version: string }).version;

/** The cdk8s version whose `toJson` this reproduces. */
export const FAST_TO_JSON_CDK8S_VERSION = '2.70.106';

interface SanitizeOptions {
  readonly filterEmptyObjects?: boolean;
  readonly filterEmptyArrays?: boolean;
  readonly sortKeys?: boolean;
}

const cdk8sToJson = ApiObject.prototype.toJson;
const cdk8sMetadataToJson = ApiObjectMetadataDefinition.prototype.toJson;
/**
 * Whether the two `toJson`s found at load are cdk8s's compiled code (not replaced by another module
 * loaded earlier): their source is the one of cdk8s 2.70.106's lib/api-object.js and lib/metadata.js.
 */
const CDK8S_CODE =
  /\(0, _util_1\.sanitizeValue\)\(\(0, resolve_1\.resolve\)\(\[\], data, this\), \{ sortKeys \}\)/.test(cdk8sToJson.toString()) &&
  /sanitizeValue\)\(x, \{ filterEmptyArrays: true, filterEmptyObjects: true \}\)/.test(cdk8sMetadataToJson.toString());
const UNION_TYPES = ['number', 'string'];
const META_OPTIONS: SanitizeOptions = { filterEmptyArrays: true, filterEmptyObjects: true, sortKeys: true };

/**
 * `value` through cdk8s's three built-in resolvers (resolve.js: LazyResolver, ImplicitTokenResolver,
 * NumberStringUnionResolver), until none replaces it.
 */
function resolveBuiltIn(value: any): any {
  for (;;) {
    if (value == null) return value;
    if (value instanceof Lazy) value = value.produce();
    else if (typeof value.resolve === 'function') value = value.resolve();
    else if (value.constructor !== Object && UNION_TYPES.includes(typeof value.value)) value = { value: value.value };
    else return value;
  }
}

/** `sanitizeValue(resolve([], value, apiObject), options)` for the built-in resolvers, in one walk. */
function render(value: unknown, options: SanitizeOptions, apiObject: ApiObject): unknown {
  const v = resolveBuiltIn(value);
  if (v == null) return undefined;
  if (typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    if (options.filterEmptyArrays && v.length === 0) return undefined;
    return v.map((x) => render(x, options, apiObject));
  }
  // resolve() copies only plain objects; sanitizeValue then throws on (or walks) anything else.
  if (v.constructor !== Object) return sanitizeValue(v, options);
  const keys = Object.keys(v);
  // Keys already in sorted order (most objects: a struct converter's output rarely is, its
  // sub-objects often are) are written as they come, without sorting.
  let sorted = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k === '__proto__' || k === 'constructor') return sanitizeValue(resolve([], v, apiObject), options);
    if (i > 0 && keys[i - 1] > k) sorted = false;
  }
  // Values in key order (the order cdk8s resolves them, so Lazy producers run in the same order),
  // then written in sorted order, without the null ones.
  const values = new Array<unknown>(keys.length);
  for (let i = 0; i < keys.length; i++) values[i] = render(v[keys[i]], options, apiObject);
  const out: Record<string, unknown> = {};
  let written = 0;
  if (sorted || !(options.sortKeys ?? true)) {
    for (let i = 0; i < keys.length; i++) {
      if (values[i] == null) continue;
      out[keys[i]] = values[i];
      written++;
    }
  } else {
    const order = keys.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
    for (const i of order) {
      if (values[i] == null) continue;
      out[keys[i]] = values[i];
      written++;
    }
  }
  if (options.filterEmptyObjects && written === 0) return undefined;
  return out;
}

/**
 * Whether `resolvers` are cdk8s's built-in three, in their order (an app without custom resolvers;
 * not an object outside an App, which cdk8s's own `toJson` reports).
 */
function builtInResolvers(resolvers: readonly IResolver[] | undefined): boolean {
  return (
    Array.isArray(resolvers) &&
    resolvers.length === 3 &&
    resolvers[0].constructor === LazyResolver &&
    resolvers[1].constructor === ImplicitTokenResolver &&
    resolvers[2].constructor === NumberStringUnionResolver
  );
}

/**
 * The JSON cdk8s's `apiObject.toJson()` would return (its own `toJson` when the fast walk does not
 * apply: see the module's notes). Called as `ApiObject.prototype.toJson` while
 * {@link withFastToJson} runs, so the generated classes' `toJson` (`super.toJson()` then the
 * struct converters) stays as it is.
 */
export function fastToJson(this: ApiObject): any {
  const metadata = this.metadata as unknown as Record<string, any>;
  if (metadata.toJson !== cdk8sMetadataToJson || metadata.apiObject !== this || !builtInResolvers(App.of(this as IConstruct).resolvers)) return cdk8sToJson.call(this);
  try {
    // ApiObjectMetadataDefinition.toJson (metadata.js), then ApiObject.toJson (api-object.js).
    const meta = render(
      {
        ...metadata._additionalAttributes,
        name: metadata.name,
        namespace: metadata.namespace,
        annotations: metadata.annotations,
        finalizers: metadata.finalizers,
        ownerReferences: metadata.ownerReferences,
        labels: metadata.labels,
      },
      META_OPTIONS,
      this,
    );
    const data = { ...(this as unknown as { props: Record<string, unknown> }).props, metadata: meta };
    const sortKeys = process.env.CDK8S_DISABLE_SORT ? false : true;
    const json = render(data, { sortKeys }, this) as Record<string, unknown>;
    const patches = (this as unknown as { patches: JsonPatch[] }).patches;
    const patched = patches.length > 0 ? JsonPatch.apply(json, ...patches) : json;
    const result: Record<string, unknown> = {};
    for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(patched)]) if (k in patched) result[k] = patched[k];
    return result;
  } catch (e) {
    throw new Error(`Failed serializing construct at path '${this.node.path}' with name '${this.name}': ${e}`);
  }
}

/** Whether {@link withFastToJson} renders with {@link fastToJson}: cdk8s is 2.70.106 and its `toJson` is its own. */
export function fastToJsonApplies(): boolean {
  return (
    CDK8S_VERSION === FAST_TO_JSON_CDK8S_VERSION &&
    CDK8S_CODE &&
    ApiObject.prototype.toJson === cdk8sToJson &&
    ApiObjectMetadataDefinition.prototype.toJson === cdk8sMetadataToJson
  );
}

/**
 * Runs `fn` with `ApiObject.prototype.toJson` set to {@link fastToJson} (when it applies), and
 * puts cdk8s's back afterwards, also when `fn` throws.
 */
export function withFastToJson<T>(fn: () => T): T {
  if (!fastToJsonApplies()) return fn();
  ApiObject.prototype.toJson = fastToJson;
  try {
    return fn();
  } finally {
    ApiObject.prototype.toJson = cdk8sToJson;
  }
}
