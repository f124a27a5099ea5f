/**
 * Offline rendering of Crossplane compositions: applies the function-patch-and-transform steps of
 * a `mode: Pipeline` Composition to an example composite resource (XR) and returns the composed
 * resources — what `crossplane render` shows, without Docker, for patch-and-transform pipelines —
 * validated against the managed resources' schemas (strict, with CEL rules).
 *
 * Works on plain JSON (a synthesized Composition, an XR manifest), so the CLI (`cdk8s-platform
 * render`) and `Composition.render()` share it.
 */
import { isClusterScoped } from '../core/kinds';
import { SchemaRegistry, Validator } from '../core/validation';
import { getFieldPath, MergePolicy, setFieldPath } from './field-path';

/** The function-patch-and-transform input kind. */
export const PT_INPUT_API_VERSION = 'pt.fn.crossplane.io/v1beta1';
/** Annotation Crossplane sets on each composed resource: its name in the composition. */
export const COMPOSITION_RESOURCE_NAME_ANNOTATION = 'crossplane.io/composition-resource-name';
/** Label Crossplane sets on each composed resource: the name of its composite. */
export const COMPOSITE_LABEL = 'crossplane.io/composite';
/** Type of the connection Secrets Crossplane and function-patch-and-transform write. */
export const CONNECTION_SECRET_TYPE = 'connection.crossplane.io/v1alpha1';

/** Observed state of a composed resource, to render patches from it. */
export interface ObservedResource {
  /** The observed object (e.g. with `status.atProvider`), for `ToCompositeFieldPath` patches and `FromFieldPath` connection details. @default - none */
  readonly resource?: Record<string, unknown>;
  /** Its connection secret (plain values), for `FromConnectionSecretKey` connection details. @default - none */
  readonly connectionDetails?: Record<string, string>;
}

/** Options of {@link renderComposition}. */
export interface RenderOptions {
  /** Observed composed resources, by composition resource name (like `crossplane render --observed-resources`). @default - none (first reconcile) */
  readonly observed?: Record<string, ObservedResource>;
  /** The pipeline environment (from EnvironmentConfigs). @default {} */
  readonly environment?: Record<string, unknown>;
  /** Validate the composed resources (strict schema + CEL). @default true */
  readonly validate?: boolean;
  /** Schemas to validate with. @default SchemaRegistry.default() */
  readonly registry?: SchemaRegistry;
}

/** One composed resource of a render. */
export interface RenderedResource {
  /** Its name in the composition (`resources[].name`), or `connection-secret` for the composed connection Secret. */
  readonly name: string;
  /** The step that composed it. */
  readonly step: string;
  /** The desired object. */
  readonly object: Record<string, unknown>;
}

/**
 * A composed resource function-patch-and-transform did not add to the desired state: a patch to
 * it with `policy.fromFieldPath: Required` found its source field absent and the resource does
 * not exist yet (function-patch-and-transform v0.10.8, fn.go). The composite is not ready.
 */
export interface SkippedResource {
  /** Its name in the composition. */
  readonly name: string;
  /** The step. */
  readonly step: string;
  /** Why (the function's warning). */
  readonly reason: string;
}

/** The outcome of {@link renderComposition}. */
export interface RenderResult {
  /** The desired composite resource (with `ToCompositeFieldPath` patches applied). */
  readonly composite: Record<string, unknown>;
  /** The composed resources, in pipeline order. */
  readonly resources: RenderedResource[];
  /** The connection details collected (plain values). */
  readonly connectionDetails: Record<string, string>;
  /** Pipeline steps that were not rendered (functions other than patch-and-transform and auto-ready). */
  readonly skippedSteps: string[];
  /**
   * Composed resources left out of the desired state because a `Required` source is absent (they
   * are created on a later reconcile, once the field is set). When any is skipped the function
   * marks the composite not ready.
   */
  readonly skippedResources: SkippedResource[];
  /** Warnings the function would return (a `Required` source absent for an existing resource). */
  readonly warnings: string[];
  /** Validation problems of the composed resources (`<resource name>: <Kind>/<name>: <field>: <reason>`). */
  readonly issues: string[];
}

/** A patch or transform that cannot be applied. */
export class RenderError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'RenderError';
  }
}

type Obj = Record<string, any>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

/**
 * Renders the function-patch-and-transform steps of a Composition (plain JSON) for an XR (plain
 * JSON). Throws {@link RenderError} when a patch cannot be applied (a transform failing, a
 * `Required` source of an environment patch missing); validation problems of the result are
 * returned in `issues`. Like function-patch-and-transform v0.10.8, a composed resource that does
 * not exist yet (not in `observed`) and has a `Required` patch whose source is absent is left out
 * (`skippedResources`); for an existing one the patch is skipped with a warning (`warnings`).
 */
export function renderComposition(composition: Obj, xr: Obj, options: RenderOptions = {}): RenderResult {
  if (composition?.kind !== 'Composition') throw new RenderError('not a Composition');
  const spec = composition.spec ?? {};
  const ref = spec.compositeTypeRef ?? {};
  if (xr?.apiVersion !== ref.apiVersion || xr?.kind !== ref.kind) {
    throw new RenderError(`Composition "${composition.metadata?.name}" composes ${ref.kind} (${ref.apiVersion}), not ${xr?.kind} (${xr?.apiVersion})`);
  }
  if (spec.mode !== undefined && spec.mode !== 'Pipeline') throw new RenderError(`mode "${spec.mode}" is not supported (only Pipeline)`);
  const oxr = clone(xr);
  const dxr: Obj = clone(xr);
  const env: Obj = clone(options.environment ?? {});
  const resources: RenderedResource[] = [];
  const details: Record<string, string> = {};
  const skipped: string[] = [];
  const skippedResources: SkippedResource[] = [];
  const warnings: string[] = [];
  const xrName = String(oxr.metadata?.name ?? '');
  const xrNamespace = oxr.metadata?.namespace as string | undefined;

  for (const step of spec.pipeline ?? []) {
    const input = step.input;
    if (!isObj(input) || input.apiVersion !== PT_INPUT_API_VERSION || input.kind !== 'Resources') {
      if (!/auto-ready/.test(String(step.functionRef?.name ?? ''))) skipped.push(String(step.step));
      continue;
    }
    const where = (s: string) => `step "${step.step}": ${s}`;
    const patchSets = new Map<string, Obj[]>();
    for (const ps of input.patchSets ?? []) {
      if ((ps.patches ?? []).some((p: Obj) => p.type === 'PatchSet')) throw new RenderError(where(`patchSet "${ps.name}": a patch in a PatchSet cannot be of type PatchSet`));
      patchSets.set(ps.name, ps.patches ?? []);
    }
    // Environment patches first (observed XR → environment, environment → desired XR).
    for (const [i, p] of (input.environment?.patches ?? []).entries()) {
      const t = p.type ?? 'FromCompositeFieldPath';
      const label = where(`environment.patches[${i}]`);
      let missing: string | undefined;
      if (t === 'FromCompositeFieldPath' || t === 'ToEnvironmentFieldPath') missing = applyFromField(label, p, oxr, env);
      else if (t === 'CombineFromComposite') missing = applyCombine(label, p, oxr, env);
      else if (t === 'ToCompositeFieldPath' || t === 'FromEnvironmentFieldPath') missing = applyFromField(label, p, env, dxr);
      else if (t === 'CombineToComposite') missing = applyCombine(label, p, env, dxr);
      // Only Optional environment patches may miss their source (fn.go: anything else is fatal).
      if (missing && policyOf(p).from === 'Required') throw new RenderError(`${label}: required field "${missing}" is not set`);
    }
    let stepDetails = false;
    for (const r of input.resources ?? []) {
      const name = String(r.name);
      const label = (s: string) => where(`resource "${name}": ${s}`);
      const desired: Obj = clone(r.base ?? {});
      const observed = options.observed?.[name];
      const patches: Obj[] = [];
      for (const p of r.patches ?? []) {
        if (p.type === 'PatchSet') {
          const set = patchSets.get(p.patchSetName);
          if (!set) throw new RenderError(label(`cannot find PatchSet by name ${p.patchSetName}`));
          patches.push(...set);
        } else patches.push(p);
      }
      let skip: string | undefined;
      for (const [i, p] of patches.entries()) {
        const t = p.type ?? 'FromCompositeFieldPath';
        const pl = label(`patches[${i}] (${t})`);
        let missing: string | undefined;
        switch (t) {
          case 'FromCompositeFieldPath': missing = applyFromField(pl, p, oxr, desired); break;
          case 'CombineFromComposite': missing = applyCombine(pl, p, oxr, desired); break;
          case 'FromEnvironmentFieldPath': missing = applyFromField(pl, p, env, desired); break;
          case 'CombineFromEnvironment': missing = applyCombine(pl, p, env, desired); break;
          case 'ToCompositeFieldPath': if (observed?.resource) missing = applyFromField(pl, p, observed.resource, dxr); break;
          case 'CombineToComposite': if (observed?.resource) missing = applyCombine(pl, p, observed.resource, dxr); break;
          case 'ToEnvironmentFieldPath': if (observed?.resource) missing = applyFromField(pl, p, observed.resource, env); break;
          case 'CombineToEnvironment': if (observed?.resource) missing = applyCombine(pl, p, observed.resource, env); break;
          default: throw new RenderError(`${pl}: unknown patch type`);
        }
        if (!missing || policyOf(p).from !== 'Required') continue; // an Optional source: the patch is skipped
        // function-patch-and-transform v0.10.8 (fn.go): a Required source that is absent blocks the
        // creation of a composed resource that does not exist yet; for an existing one it is a warning.
        if (TO_COMPOSED.has(t) && !observed?.resource) {
          skip = `not adding new composed resource "${name}" to desired state because "${t}" patch at index ${i} has 'policy.fromFieldPath: Required': ${missing}: no such field`;
          break;
        }
        warnings.push(where(`cannot render composed resource "${name}" "${t}" patch at index ${i}: ignoring 'policy.fromFieldPath: Required' because 'to' resource already exists: ${missing}: no such field`));
      }
      if (skip) {
        skippedResources.push({ name, step: String(step.step), reason: skip });
        continue;
      }
      // What Crossplane adds to every composed resource.
      const meta: Obj = (desired.metadata = isObj(desired.metadata) ? desired.metadata : {});
      if (!meta.name && !meta.generateName && xrName) meta.generateName = `${xrName}-`;
      meta.annotations = { ...(meta.annotations ?? {}), [COMPOSITION_RESOURCE_NAME_ANNOTATION]: name };
      if (xrName) meta.labels = { ...(meta.labels ?? {}), [COMPOSITE_LABEL]: xrName };
      if (xrNamespace && typeof desired.apiVersion === 'string' && typeof desired.kind === 'string' && !isClusterScoped(desired.apiVersion, desired.kind)) {
        meta.namespace = xrNamespace;
      }
      resources.push({ name, step: String(step.step), object: desired });

      if ((r.connectionDetails ?? []).length > 0) stepDetails = true;
      for (const cd of r.connectionDetails ?? []) {
        if (cd.type === 'FromValue') details[cd.name] = String(cd.value ?? '');
        else if (cd.type === 'FromConnectionSecretKey') {
          const v = observed?.connectionDetails?.[cd.fromConnectionSecretKey];
          if (v !== undefined) details[cd.name] = v;
        } else if (cd.type === 'FromFieldPath') {
          const v = observed?.resource ? getFieldPath(observed.resource, cd.fromFieldPath) : undefined;
          if (v !== undefined) details[cd.name] = typeof v === 'string' ? v : JSON.stringify(v);
        }
      }
    }
    // function-patch-and-transform composes the connection Secret itself for v2 XRs.
    if (stepDetails && isObj(oxr.spec) && 'crossplane' in oxr.spec && Object.keys(details).length > 0) {
      const wcs: Obj = input.writeConnectionSecretToRef ?? {};
      let secretRef: Obj;
      if (wcs.name || wcs.namespace) secretRef = { name: wcs.name ?? '', namespace: wcs.namespace ?? '' };
      else if (isObj(oxr.spec.writeConnectionSecretToRef)) secretRef = { ...oxr.spec.writeConnectionSecretToRef };
      else secretRef = { name: `${xrName}-connection`, namespace: xrNamespace ?? '' };
      for (const [i, p] of (wcs.patches ?? []).entries()) {
        const t = p.type ?? 'FromCompositeFieldPath';
        const pl = where(`writeConnectionSecretToRef.patches[${i}] (${t})`);
        // connection.go: an absent source fails the render unless the patch is Optional; a combine
        // with an absent variable always fails.
        if (t === 'FromCompositeFieldPath') {
          const missing = applyFromField(pl, p, oxr, secretRef);
          if (missing && policyOf(p).from === 'Required') throw new RenderError(`${pl}: required field "${missing}" is not set`);
        } else if (t === 'CombineFromComposite') {
          const missing = applyCombine(pl, p, oxr, secretRef);
          if (missing) throw new RenderError(`${pl}: field "${missing}" is not set`);
        }
        else throw new RenderError(`${pl}: unsupported patch type`);
      }
      const data: Record<string, string> = {};
      for (const k of Object.keys(details).sort()) data[k] = Buffer.from(details[k]).toString('base64');
      const metadata: Obj = { name: secretRef.name };
      if (secretRef.namespace) metadata.namespace = secretRef.namespace;
      resources.push({ name: 'connection-secret', step: String(step.step), object: { apiVersion: 'v1', kind: 'Secret', metadata, type: CONNECTION_SECRET_TYPE, data } });
    }
  }

  let issues: string[] = [];
  if (options.validate !== false) {
    const validator = options.registry ? new Validator({ registry: options.registry }) : defaultValidator();
    issues = validator.validate(resources.map((r) => ({ obj: r.object, path: r.name }))).map((i) => i.message);
  }
  return { composite: dxr, resources, connectionDetails: details, skippedSteps: skipped, skippedResources, warnings, issues };
}

let validatorInstance: Validator | undefined;
function defaultValidator(): Validator {
  return (validatorInstance ??= new Validator());
}

function policyOf(p: Obj): { from: 'Optional' | 'Required'; to: MergePolicy } {
  const to = p.policy?.toFieldPath;
  const merge: MergePolicy = to === 'MergeObject' ? 'MergeObjects' : to === 'AppendArray' ? 'ForceMergeObjectsAppendArrays' : (to ?? 'Replace');
  return { from: p.policy?.fromFieldPath === 'Required' ? 'Required' : 'Optional', to: merge };
}

/** Patch types that write to the desired composed resource (patches.go `ToComposedResource`). */
const TO_COMPOSED = new Set(['FromCompositeFieldPath', 'CombineFromComposite', 'FromEnvironmentFieldPath', 'CombineFromEnvironment']);

/** Applies a field patch; returns the source path when it is absent (the patch is not applied). */
function applyFromField(label: string, p: Obj, from: Obj, to: Obj): string | undefined {
  const value = getFieldPath(from, p.fromFieldPath);
  if (value === undefined) return String(p.fromFieldPath);
  write(label, to, p.toFieldPath ?? p.fromFieldPath, applyTransforms(label, p.transforms ?? [], value), policyOf(p).to);
  return undefined;
}

/** Applies a combine patch; returns the first absent variable's path (the patch is not applied). */
function applyCombine(label: string, p: Obj, from: Obj, to: Obj): string | undefined {
  const c = p.combine ?? {};
  const vars: unknown[] = [];
  for (const v of c.variables ?? []) {
    const value = getFieldPath(from, v.fromFieldPath);
    if (value === undefined) return String(v.fromFieldPath); // a missing variable skips the patch
    vars.push(value);
  }
  if (c.strategy !== 'string' || !c.string) throw new RenderError(`${label}: combine strategy ${c.strategy} is not supported`);
  write(label, to, p.toFieldPath, applyTransforms(label, p.transforms ?? [], sprintf(c.string.fmt, vars)), policyOf(p).to);
  return undefined;
}

function write(label: string, to: Obj, path: string, value: unknown, policy: MergePolicy): void {
  try {
    setFieldPath(to, path, value, policy);
  } catch (e) {
    throw new RenderError(`${label}: cannot patch to ${path}: ${(e as Error).message}`);
  }
}

/** Applies transforms in order, like function-patch-and-transform. */
export function applyTransforms(label: string, transforms: Obj[], input: unknown): unknown {
  let v = input;
  transforms.forEach((t, i) => {
    try {
      v = resolveTransform(t, v);
    } catch (e) {
      throw new RenderError(`${label}: transform at index ${i} (${t.type}) failed: ${(e as Error).message}`);
    }
  });
  return v;
}

function resolveTransform(t: Obj, input: unknown): unknown {
  switch (t.type) {
    case 'map': {
      if (typeof input !== 'string') throw new Error(`type ${goType(input)} is not supported for map transform`);
      if (!(input in (t.map ?? {}))) throw new Error(`key ${input} is not found in map`);
      return clone(t.map[input]);
    }
    case 'match': {
      for (const p of t.match?.patterns ?? []) {
        const type = p.type ?? 'literal';
        if (typeof input !== 'string') throw new Error(`unsupported input type '${goType(input)}'`);
        if (type === 'literal' ? input === p.literal : new RegExp(p.regexp).test(input)) return clone(p.result);
      }
      if (t.match?.fallbackTo === 'Input') return input;
      return t.match?.fallbackValue === undefined ? null : clone(t.match.fallbackValue);
    }
    case 'math': {
      if (typeof input !== 'number') throw new Error(`input is required to be a number for math transformer, got ${goType(input)}`);
      const m = t.math ?? {};
      const type = m.type ?? 'Multiply';
      if (type === 'Multiply') return input * m.multiply;
      if (type === 'ClampMin') return input < m.clampMin ? m.clampMin : input;
      if (type === 'ClampMax') return input > m.clampMax ? m.clampMax : input;
      throw new Error(`type ${type} is not supported for math transform type`);
    }
    case 'string':
      return resolveString(t.string ?? {}, input);
    case 'convert':
      return resolveConvert(t.convert ?? {}, input);
    default:
      throw new Error(`transform type ${t.type} is not supported`);
  }
}

function resolveString(s: Obj, input: unknown): string {
  const str = typeof input === 'string' ? input : goValue(input);
  switch (s.type ?? 'Format') {
    case 'Format':
      return sprintf(s.fmt, [input]);
    case 'Convert':
      switch (s.convert) {
        case 'ToUpper': return str.toUpperCase();
        case 'ToLower': return str.toLowerCase();
        case 'ToBase64': return Buffer.from(str).toString('base64');
        case 'FromBase64': return Buffer.from(str, 'base64').toString('utf8');
        case 'ToJson': return JSON.stringify(input);
        case 'ToSha1': case 'ToSha256': case 'ToSha512': {
          const crypto = require('crypto') as typeof import('crypto');
          const alg = { ToSha1: 'sha1', ToSha256: 'sha256', ToSha512: 'sha512' }[s.convert as 'ToSha1'];
          return crypto.createHash(alg).update(typeof input === 'string' ? input : JSON.stringify(input)).digest('hex');
        }
        default: throw new Error(`type ${s.convert} is not supported for string convert`);
      }
    case 'TrimPrefix':
      return str.startsWith(s.trim) ? str.slice(s.trim.length) : str;
    case 'TrimSuffix':
      return str.endsWith(s.trim) ? str.slice(0, str.length - s.trim.length) : str;
    case 'Regexp': {
      const m = new RegExp(s.regexp.match).exec(str);
      const g = s.regexp.group ?? 0;
      if (!m || g >= m.length || m[g] === undefined) throw new Error(`regexp "${s.regexp.match}" had no matches for group ${g}`);
      return m[g];
    }
    default:
      throw new Error(`type ${s.type} is not supported for string transform type`);
  }
}

function resolveConvert(c: Obj, input: unknown): unknown {
  const to = c.toType === 'int' ? 'int64' : c.toType;
  const format = c.format ?? 'none';
  const from = typeof input === 'string' ? 'string' : typeof input === 'boolean' ? 'bool' : typeof input === 'number' ? (Number.isInteger(input) ? 'int64' : 'float64') : Array.isArray(input) ? 'array' : isObj(input) ? 'object' : 'null';
  if (from === to) return input;
  const fail = () => new Error(`conversion from ${from} to ${to} is not supported with format ${format}`);
  if (from === 'string') {
    const s = input as string;
    if (format === 'json') {
      const v = JSON.parse(s);
      if ((to === 'object' && isObj(v)) || (to === 'array' && Array.isArray(v))) return v;
      throw fail();
    }
    if (to === 'int64') {
      if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.ParseInt: parsing "${s}": invalid syntax`);
      return Number(s);
    }
    if (to === 'float64') {
      if (format === 'quantity') return parseQuantity(s);
      const n = Number(s);
      if (s.trim() === '' || Number.isNaN(n)) throw new Error(`strconv.ParseFloat: parsing "${s}": invalid syntax`);
      return n;
    }
    if (to === 'bool') {
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
      if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
      throw new Error(`strconv.ParseBool: parsing "${s}": invalid syntax`);
    }
    throw fail();
  }
  if (from === 'int64' || from === 'float64') {
    const n = input as number;
    if (to === 'string') return String(n);
    if (to === 'bool') return n === 1;
    if (to === 'float64') return n;
    if (to === 'int64') return Math.trunc(n);
    throw fail();
  }
  if (from === 'bool') {
    const b = input as boolean;
    if (to === 'string') return String(b);
    if (to === 'int64' || to === 'float64') return b ? 1 : 0;
    throw fail();
  }
  throw fail();
}

const QUANTITY_SUFFIX: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6,
};

function parseQuantity(s: string): number {
  const m = /^([+-]?\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(s);
  if (!m || QUANTITY_SUFFIX[m[2]] === undefined) throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  return Number(m[1]) * QUANTITY_SUFFIX[m[2]];
}

function goType(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  if (v === null || v === undefined) return '<nil>';
  return 'map[string]interface {}';
}

function goValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  return `map[${Object.keys(v as Obj).sort().map((k) => `${k}:${goValue((v as Obj)[k])}`).join(' ')}]`;
}

/** Go's `fmt.Sprintf` for the verbs compositions use (`%s %v %d %q %f %t %%`). */
export function sprintf(format: string, args: unknown[]): string {
  let i = 0;
  return format.replace(/%([-+ #0]*\d*(?:\.\d+)?)([svdqftx%])/g, (whole, flags: string, verb: string) => {
    if (verb === '%') return '%';
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const a = args[i++];
    switch (verb) {
      case 's': case 'v': return goValue(a);
      case 'd': return typeof a === 'number' && Number.isInteger(a) ? String(a) : `%!d(${goType(a)}=${goValue(a)})`;
      case 'q': return JSON.stringify(goValue(a));
      case 'f': {
        if (typeof a !== 'number') return `%!f(${goType(a)}=${goValue(a)})`;
        const p = /\.(\d+)/.exec(flags);
        return a.toFixed(p ? Number(p[1]) : 6);
      }
      case 't': return typeof a === 'boolean' ? String(a) : `%!t(${goType(a)}=${goValue(a)})`;
      case 'x': return Buffer.from(goValue(a)).toString('hex');
      default: return whole;
    }
  }) + (i < args.length ? `%!(EXTRA ${args.slice(i).map((a) => `${goType(a)}=${goValue(a)}`).join(', ')})` : '');
}
