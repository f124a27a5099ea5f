/**
 * Validator: `kubectl --validate=strict`-like checks of manifests, plus CEL (x-kubernetes-validations),
 * without a cluster.
 *
 * Per object:
 *  1. apiVersion and kind must be non-empty strings;
 *  2. ObjectMeta rules (metadata.ts) — for every object, schema or not;
 *  3. if the registry has a schema for apiVersion/kind: strict JSON Schema validation (schema.ts) and
 *     CEL rules (cel.ts). Kinds without a schema (core Kubernetes kinds, unknown CRDs) get only step 2;
 *  4. embedded objects (embedded.ts) are validated the same way, issues reported on the outer object.
 *
 * `status` is accepted and never validated (controllers own it; the API server ignores it on create
 * for CRDs with a status subresource). Compilation (JSON Schema + CEL) happens lazily, once per
 * apiVersion/kind schema, and is shared by all Validator instances.
 */
import type { ValidateFunction } from 'ajv';
import { buildCelTree, celSyntaxError, countRules, evaluateCel, type CelFinding, type CelNode } from './cel';
import { DEFAULT_EMBEDDINGS, resolveEmbeddingPath, type EmbeddingLocation } from './embedded';
import { fieldJoin } from './field-path';
import { builtinScope, checkMetadata, groupOf, jsonType } from './metadata';
import { isDefinition, registryGeneration, SchemaRegistry, type KindSchema, type PortableRegistry, type Scope } from './registry';
import { suggestKind } from './suggest';
import { compileJsonSchema, mapAjvErrors, toJsonSchema } from './schema';
import { ValidationError, type ValidationInput, type ValidationIssue } from './types';

export interface ValidatorOptions {
  /** Switch validation off: `validate` returns [] and `assertValid` never throws. Default true. */
  readonly enabled?: boolean;
  /** Where schemas come from. Default: `SchemaRegistry.default()` (the package's imports/schemas). */
  readonly registry?: SchemaRegistry;
  /** Evaluate x-kubernetes-validations. Default true. */
  readonly cel?: boolean;
  /** Embedding locations. Default DEFAULT_EMBEDDINGS. */
  readonly embeddings?: readonly EmbeddingLocation[];
  /**
   * What happens to a (top-level) object whose apiVersion/kind has no schema in the registry:
   * `error` (an issue on `kind` or `apiVersion`, with a "did you mean" when a known kind is close)
   * or `ignore` (metadata rules only). Default `error`: nothing passes unvalidated silently.
   */
  readonly unknownKinds?: 'error' | 'ignore';
  /**
   * Kinds accepted without a schema (metadata rules only), as `<group>/<Kind>` (any version; core
   * group: `v1/<Kind>`) or `<apiVersion>/<Kind>`, e.g. `monitoring.coreos.com/Prometheus`.
   * @default []
   */
  readonly allowUnvalidated?: readonly string[];
  /**
   * Top-level objects with `metadata.generateName`: `allow` (what the API server accepts on create:
   * a generated name) or `refuse` (GitOps manifests: Flux, Argo CD, kubectl apply and server-side
   * apply identify objects by name, so generateName is refused, with or without a name). GitOpsApp
   * and `cdk8s-platform validate` use `refuse`.
   * @default 'allow'
   */
  readonly generateName?: 'allow' | 'refuse';
}

/**
 * A {@link Validator} as plain data (structured-cloneable), to validate on a worker thread what
 * this thread would: see {@link Validator.toPortable}.
 */
export interface PortableValidator {
  readonly options: Omit<ValidatorOptions, 'registry'>;
  readonly registry: PortableRegistry;
}

/** How many objects were validated by which kind of schema (see Validator.validateWithCoverage). */
export interface ValidationCoverage {
  /** By a bundled CRD schema. */
  crd: number;
  /** By a bundled built-in Kubernetes schema. */
  core: number;
  /** By a schema the user registered (CRD files, cdk8s.yaml imports, SchemaRegistry.register). */
  registered: number;
  /** Not validated against any schema (allowed with allowUnvalidated, or reported as an issue). */
  unvalidated: number;
  /** The `<apiVersion>/<Kind>` keys of the objects not validated, sorted, unique. */
  unvalidatedKinds: string[];
}

/** Compilation result of one apiVersion/kind schema. */
interface CompiledKind {
  readonly validate?: ValidateFunction;
  readonly error?: string;
  readonly cel?: CelNode;
  readonly rules: number;
  readonly ms: number;
}

const compiled = new WeakMap<KindSchema, CompiledKind>();

function compileKind(ks: KindSchema): CompiledKind {
  let c = compiled.get(ks);
  if (c) return c;
  const t0 = performance.now();
  let validate: ValidateFunction | undefined;
  let error: string | undefined;
  let cel: CelNode | undefined;
  try {
    validate = compileJsonSchema(toJsonSchema(ks.schema, { root: true }));
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  try {
    cel = buildCelTree(ks.schema);
  } catch (e) {
    error = error ?? (e instanceof Error ? e.message : String(e));
  }
  c = { validate, error, cel, rules: countRules(cel), ms: performance.now() - t0 };
  compiled.set(ks, c);
  return c;
}

/** Compile statistics of one kind (see Validator.stats). */
export interface CompiledKindStats {
  readonly key: string;
  readonly ms: number;
  readonly rules: number;
}

interface Finding {
  readonly field: string;
  readonly reason: string;
  readonly rule?: string;
  readonly celReason?: string;
}

interface ObjectMode {
  readonly partial: boolean;
  readonly requireName: boolean;
}

const TOP_LEVEL: ObjectMode = { partial: false, requireName: true };

/** What the validator looks up for one apiVersion/kind of the active registry (cached per kind). */
interface KindInfo {
  readonly ks?: KindSchema;
  readonly compiled?: CompiledKind;
  readonly scope?: Scope;
  /** Embedding locations of the kind. */
  readonly locs?: readonly EmbeddingLocation[];
  /** A (Validating|Mutating)AdmissionPolicy, whose CEL expressions are checked. */
  readonly admission: boolean;
}

function isObj(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class Validator {
  readonly enabled: boolean;
  readonly registry: SchemaRegistry;
  private readonly cel: boolean;
  private readonly embeddings: ReadonlyMap<string, readonly EmbeddingLocation[]>;
  private readonly used = new Map<string, KindSchema>();
  private readonly unknownKinds: 'error' | 'ignore';
  private readonly refuseGenerateName: boolean;
  private readonly allowed: ReadonlySet<string>;
  private readonly options: Omit<ValidatorOptions, 'registry'>;
  private coverage?: ValidationCoverage;
  private elapsed = 0;
  private active: SchemaRegistry;
  private keysCache?: string[];
  /** Per-kind lookups of {@link active} (apiVersion → kind → info), valid for {@link kindsGeneration}. */
  private kinds = new Map<string, Map<string, KindInfo>>();
  private kindsOf?: SchemaRegistry;
  private kindsGeneration = -1;

  constructor(opts: ValidatorOptions = {}) {
    this.enabled = opts.enabled !== false;
    this.unknownKinds = opts.unknownKinds ?? 'error';
    this.refuseGenerateName = opts.generateName === 'refuse';
    this.allowed = new Set(opts.allowUnvalidated ?? []);
    this.registry = opts.registry ?? (this.enabled ? SchemaRegistry.default() : SchemaRegistry.empty());
    this.active = this.registry;
    this.cel = opts.cel !== false;
    const emb = new Map<string, EmbeddingLocation[]>();
    for (const e of opts.embeddings ?? DEFAULT_EMBEDDINGS) {
      for (const k of e.kinds) {
        const key = `${e.group}/${k}`;
        emb.set(key, [...(emb.get(key) ?? []), e]);
      }
    }
    this.embeddings = emb;
    this.options = { enabled: this.enabled, unknownKinds: this.unknownKinds, generateName: opts.generateName, allowUnvalidated: [...this.allowed], cel: this.cel, embeddings: opts.embeddings?.map((e) => ({ ...e, kinds: [...e.kinds] })) };
  }

  /**
   * This validator as plain data: {@link fromPortable} on a worker thread rebuilds one that finds
   * exactly the issues this one finds (same options, same schemas; schemas added to the registry
   * afterwards are not included).
   */
  toPortable(): PortableValidator {
    return { options: this.options, registry: this.registry.toPortable() };
  }

  /**
   * The validator {@link toPortable} describes.
   * @param reuse a validator rebuilt earlier on this thread (see {@link prepare}): the schemas of
   * its registry read from the same files are shared, so what it compiled is not compiled again
   */
  static fromPortable(p: PortableValidator, reuse?: Validator): Validator {
    return new Validator({ ...p.options, registry: SchemaRegistry.fromPortable(p.registry, reuse?.registry) });
  }

  /**
   * Loads and compiles the schemas of these kinds now (a kind without a schema, or whose schema
   * does not compile, is left for validation to report), so that validating their objects later
   * (with this validator, or with one rebuilt with it as `reuse` of {@link fromPortable}, for the
   * schemas read from the same files) costs only the validation: a YAML pool's worker does it
   * with the bundled schemas while the app is still being collected.
   */
  prepare(kinds: Iterable<{ readonly apiVersion: string; readonly kind: string }>): void {
    if (!this.enabled) return;
    for (const { apiVersion, kind } of kinds) {
      try {
        this.kindInfo(apiVersion, kind);
      } catch {
        // reported when an object of the kind is validated
      }
    }
  }

  /**
   * Adds time spent validating on this validator's behalf elsewhere (by a validator rebuilt from
   * {@link toPortable} on a worker thread) to {@link elapsedMs}.
   */
  recordElapsed(ms: number): void {
    this.elapsed += ms;
  }

  /** Validates all objects; returns every issue, sorted (source, object, field, reason). */
  validate(objects: Iterable<ValidationInput>): ValidationIssue[] {
    return this.validateWithCoverage(objects).issues;
  }

  /** Like {@link validate}, also counting how many objects each kind of schema covered. */
  validateWithCoverage(objects: Iterable<ValidationInput>): { issues: ValidationIssue[]; coverage: ValidationCoverage } {
    const coverage: ValidationCoverage = { crd: 0, core: 0, registered: 0, unvalidated: 0, unvalidatedKinds: [] };
    if (!this.enabled) return { issues: [], coverage };
    this.coverage = coverage;
    this.keysCache = undefined; // kinds may have been registered since the last call
    const t0 = performance.now();
    try {
      const issues = this.run(objects);
      coverage.unvalidatedKinds = [...new Set(coverage.unvalidatedKinds)].sort();
      return { issues, coverage };
    } finally {
      this.coverage = undefined;
      this.elapsed += performance.now() - t0;
    }
  }

  /**
   * Milliseconds this validator has spent validating so far (compiling the schemas of the kinds
   * it met included): what validation costs a synth, measured rather than inferred.
   */
  get elapsedMs(): number {
    return this.elapsed;
  }

  /** Whether `apiVersion`/`kind` is listed in allowUnvalidated. */
  isAllowedUnvalidated(apiVersion: string, kind: string): boolean {
    const group = groupOf(apiVersion);
    return this.allowed.has(`${apiVersion}/${kind}`) || (group !== '' && this.allowed.has(`${group}/${kind}`));
  }

  private run(objectsIn: Iterable<ValidationInput>): ValidationIssue[] {
    const objects = [...objectsIn];
    // A manifest set is self-describing: the CRDs and Crossplane XRDs among the objects define kinds
    // for the others (kustomize and Flux apply definitions first).
    const defs = objects.filter((o) => isDefinition(o.obj)).map((o) => o.obj);
    if (defs.length > 0) {
      const local = this.registry.extend();
      try {
        local.addDefinitions(defs, 'manifests');
        this.active = local;
        this.keysCache = undefined;
        return this.runWith(objects);
      } finally {
        this.active = this.registry;
        this.keysCache = undefined;
      }
    }
    return this.runWith(objects);
  }

  private runWith(objects: readonly ValidationInput[]): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    let idx = 0;
    for (const input of objects) {
      const source = input.path ?? (input.file !== undefined ? `${input.file}#${input.docIndex ?? 0}` : `#${idx}`);
      idx++;
      const obj = input.obj;
      const findings: Finding[] = [];
      this.validateObject(obj, '', TOP_LEVEL, findings);
      if (findings.length === 0) continue;
      const md = isObj(obj) && isObj(obj.metadata) ? obj.metadata : {};
      const apiVersion = isObj(obj) && typeof obj.apiVersion === 'string' ? obj.apiVersion : undefined;
      const kind = isObj(obj) && typeof obj.kind === 'string' && obj.kind !== '' ? obj.kind : undefined;
      const namespace = typeof md.namespace === 'string' && md.namespace !== '' ? md.namespace : undefined;
      const name = typeof md.name === 'string' && md.name !== '' ? md.name : undefined;
      const object = [kind ?? '<unknown kind>', ...(namespace ? [namespace] : []), name ?? '<unnamed>'].join('/');
      const seen = new Set<string>();
      for (const f of findings) {
        const message = `${source}: ${object}: ${f.field || '<root>'}: ${f.reason}`;
        if (seen.has(message)) continue;
        seen.add(message);
        issues.push({ source, object, apiVersion, kind, namespace, name, field: f.field, reason: f.reason, rule: f.rule, celReason: f.celReason, message });
      }
    }
    return issues.sort(compareIssues);
  }

  /** Validates and throws a ValidationError carrying every issue, if there is any. */
  assertValid(objects: Iterable<ValidationInput>): void {
    const issues = this.validate(objects);
    if (issues.length > 0) throw new ValidationError(issues);
  }

  /** Compile statistics of the kinds this validator has used so far. */
  stats(): CompiledKindStats[] {
    return [...this.used.entries()]
      .map(([key, ks]) => {
        const c = compileKind(ks);
        return { key, ms: c.ms, rules: c.rules };
      })
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private unknownKindFinding(apiVersion: string, kind: string, prefix: string): Finding {
    this.keysCache ??= this.active.keys();
    const sug = suggestKind(apiVersion, kind, this.keysCache);
    const group = groupOf(apiVersion);
    const allowId = group === '' ? `${apiVersion}/${kind}` : `${group}/${kind}`;
    let hint = '';
    if (sug?.field === 'apiVersion') hint = ` (did you mean apiVersion ${JSON.stringify(sug.apiVersion)}?)`;
    else if (sug) hint = ` (did you mean kind ${JSON.stringify(sug.kind)}${sug.apiVersion === apiVersion ? '' : ` of ${sug.apiVersion}`}?)`;
    // Built-in groups outside the bundled Kubernetes OpenAPI documents (apiextensions, storage, …).
    const builtinGroup = !sug && (group === '' || group.endsWith('.k8s.io') || !group.includes('.'));
    if (builtinGroup) hint = ' (a Kubernetes API group whose schema is not bundled: only core v1, apps/v1, batch/v1, autoscaling/v2, rbac, networking, admissionregistration and policy are)';
    return {
      field: fieldJoin(prefix, sug?.field ?? 'kind'),
      reason:
        `no schema for ${apiVersion} ${kind}, so it cannot be validated${hint}. ` +
        `Register its CRD (GitOpsApp prop "crds", cdk8s.yaml "imports", validate --crds) or accept it unvalidated with allowUnvalidated: [${JSON.stringify(allowId)}]`,
    };
  }

  /**
   * The schema, compiled validator, scope and embeddings of apiVersion/kind in the active registry,
   * looked up once per kind (until a schema is added to a registry); throws like `registry.get`.
   */
  private kindInfo(apiVersion: string, kind: string): KindInfo {
    const generation = registryGeneration();
    if (this.kindsOf !== this.active || this.kindsGeneration !== generation) {
      this.kinds = new Map();
      this.kindsOf = this.active;
      this.kindsGeneration = generation;
    }
    let byKind = this.kinds.get(apiVersion);
    if (!byKind) this.kinds.set(apiVersion, (byKind = new Map()));
    let info = byKind.get(kind);
    if (info) return info;
    const ks = this.active.get(apiVersion, kind);
    const group = groupOf(apiVersion);
    info = {
      ks,
      compiled: ks ? compileKind(ks) : undefined,
      scope: ks?.scope ?? this.active.scopeOf(apiVersion, kind) ?? builtinScope(apiVersion, kind),
      locs: this.embeddings.get(`${group}/${kind}`),
      admission: isAdmissionPolicy(apiVersion, kind),
    };
    if (ks) this.used.set(`${apiVersion}/${kind}`, ks);
    byKind.set(kind, info);
    return info;
  }

  private validateObject(obj: unknown, prefix: string, mode: ObjectMode, out: Finding[]): void {
    if (!isObj(obj)) {
      out.push({ field: prefix, reason: `must be of type object, got ${jsonType(obj)}` });
      return;
    }
    let ok = true;
    const av = obj.apiVersion;
    const kv = obj.kind;
    if (av === undefined || av === '') {
      out.push({ field: fieldJoin(prefix, 'apiVersion'), reason: 'required field missing: "apiVersion"' });
      ok = false;
    } else if (typeof av !== 'string') {
      out.push({ field: fieldJoin(prefix, 'apiVersion'), reason: `must be of type string, got ${jsonType(av)}` });
      ok = false;
    }
    if (kv === undefined || kv === '') {
      out.push({ field: fieldJoin(prefix, 'kind'), reason: 'required field missing: "kind"' });
      ok = false;
    } else if (typeof kv !== 'string') {
      out.push({ field: fieldJoin(prefix, 'kind'), reason: `must be of type string, got ${jsonType(kv)}` });
      ok = false;
    }
    const apiVersion: string = ok ? av : '';
    const kind: string = ok ? kv : '';
    // A SOPS-encrypted manifest (Flux kustomize-controller decrypts it before applying): validate the
    // shape it decrypts to, without the `sops` block and with each ENC[…] value as a value of its type.
    if (mode === TOP_LEVEL && isObj(obj.sops)) return this.validateObject(sopsShape(obj), prefix, mode, out);

    let info: KindInfo | undefined;
    if (ok) {
      try {
        info = this.kindInfo(apiVersion, kind);
      } catch (e) {
        out.push({ field: prefix, reason: `schema for ${apiVersion}/${kind} could not be loaded: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
    const ks = info?.ks;
    const scope: Scope | undefined = info ? info.scope : ok ? this.active.scopeOf(apiVersion, kind) ?? builtinScope(apiVersion, kind) : undefined;
    if (ok && mode === TOP_LEVEL && this.coverage) {
      if (ks) this.coverage[ks.origin ?? 'registered']++;
      else {
        this.coverage.unvalidated++;
        this.coverage.unvalidatedKinds.push(`${apiVersion}/${kind}`);
      }
    }
    if (ok && !ks && mode === TOP_LEVEL && this.unknownKinds === 'error' && !this.isAllowedUnvalidated(apiVersion, kind)) {
      out.push(this.unknownKindFinding(apiVersion, kind, prefix));
    }

    for (const f of checkMetadata(obj, apiVersion, kind, { scope, requireName: mode.requireName, allowGenerateName: mode !== TOP_LEVEL || !this.refuseGenerateName })) {
      out.push({ field: fieldJoin(prefix, f.field), reason: f.reason });
    }

    if (ks) {
      const c = info!.compiled!;
      if (c.error !== undefined || !c.validate) {
        out.push({ field: prefix, reason: `schema for ${apiVersion}/${kind} could not be compiled: ${c.error}` });
      }
      // Objects already reported for a missing required field: a rule reading that field cannot be
      // evaluated ("no such key"); that follow-up error is noise and is not reported.
      const missingAt = new Set<string>();
      // Like the API server: null values of non-nullable fields are dropped before validation.
      const data = hasNull(obj) ? pruneNulls(obj, ks.schema, true) : obj;
      if (c.validate && !c.validate(data)) {
        for (const f of mapAjvErrors(c.validate.errors ?? [], data)) {
          if (f.keyword === 'required') missingAt.add(f.at);
          if (mode.partial && f.keyword === 'required') continue;
          out.push({ field: fieldJoin(prefix, f.field), reason: f.reason });
        }
      }
      if (this.cel && c.cel && !mode.partial) {
        const cf: CelFinding[] = [];
        evaluateCel(c.cel, data, '', cf);
        for (const f of cf) {
          if (f.outcome === 'error' && missingAt.has(f.at)) continue;
          out.push({ field: fieldJoin(prefix, f.field), reason: f.reason, rule: f.rule, celReason: f.celReason });
        }
      }
    }

    if (ok && (info ? info.admission : isAdmissionPolicy(apiVersion, kind))) {
      for (const f of admissionPolicyExpressionFindings(obj)) out.push({ field: fieldJoin(prefix, f.field), reason: f.reason });
    }

    if (ok) {
      const locs = info ? info.locs : this.embeddings.get(`${groupOf(apiVersion)}/${kind}`);
      if (locs) {
        for (const loc of locs) {
          const partial = loc.partial === true;
          const sub: ObjectMode = { partial, requireName: loc.requireName ?? !partial };
          for (const { value, field } of resolveEmbeddingPath(obj, loc.path)) {
            // Non-objects at an embedding location are the outer schema's business (type errors).
            if (isObj(value)) this.validateObject(value, fieldJoin(prefix, field), sub, out);
          }
        }
      }
    }
  }
}

/**
 * The shape of a SOPS-encrypted object once decrypted: no top-level `sops`, and every
 * `ENC[AES256_GCM,data:…,type:<t>]` string replaced by an empty value of type `<t>` (str → "",
 * int / float → 0, bool → false), which any schema of that type accepts for format checks.
 */
export function sopsShape(obj: Record<string, unknown>): Record<string, unknown> {
  const conv = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const m = /^ENC\[[A-Z0-9_]+,data:.*,type:(str|int|float|bool|bytes)\]$/.exec(v);
      if (!m) return v;
      return m[1] === 'int' || m[1] === 'float' ? 0 : m[1] === 'bool' ? false : '';
    }
    if (Array.isArray(v)) return v.map(conv);
    if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conv(x)]));
    return v;
  };
  const { sops: _sops, ...rest } = obj;
  return conv(rest) as Record<string, unknown>;
}

/** Whether apiVersion/kind is a (Validating|Mutating)AdmissionPolicy. */
function isAdmissionPolicy(apiVersion: string, kind: string): boolean {
  return groupOf(apiVersion) === 'admissionregistration.k8s.io' && (kind === 'ValidatingAdmissionPolicy' || kind === 'MutatingAdmissionPolicy');
}

/**
 * CEL syntax errors in the expressions of a (Validating|Mutating)AdmissionPolicy: the API server
 * compiles them on create (k8s.io/apiserver/pkg/admission/plugin/policy/validating). Syntax only:
 * the variables (`object`, `params`, `request`, …) are not type-checked here.
 */
function admissionPolicyExpressionFindings(obj: Record<string, any>): Array<{ field: string; reason: string }> {
  const out: Array<{ field: string; reason: string }> = [];
  const spec = isObj(obj.spec) ? obj.spec : {};
  const lists: Array<[string, string[]]> = [
    ['validations', ['expression', 'messageExpression']],
    ['matchConditions', ['expression']],
    ['variables', ['expression']],
    ['auditAnnotations', ['valueExpression']],
    ['mutations', []],
  ];
  for (const [list, keys] of lists) {
    if (!Array.isArray(spec[list])) continue;
    spec[list].forEach((item: unknown, i: number) => {
      if (!isObj(item)) return;
      for (const k of keys) {
        if (typeof item[k] !== 'string') continue;
        const err = celSyntaxError(item[k]);
        if (err) out.push({ field: `spec.${list}[${i}].${k}`, reason: `invalid CEL expression ${JSON.stringify(item[k])}: ${err.split('\n')[0]}` });
      }
    });
  }
  return out;
}

/** Whether a JSON value contains a null anywhere. */
function hasNull(v: unknown): boolean {
  if (v === null) return true;
  if (typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some(hasNull);
  for (const k in v as Record<string, unknown>) if (hasNull((v as Record<string, unknown>)[k])) return true;
  return false;
}

/**
 * A copy of `v` without the null values of object fields whose schema is not `nullable` (what the
 * API server's pruning does before validation: `{format: null}` is `{}`). Array items stay (a null
 * item is a type error). Fields without a schema (preserve-unknown-fields) keep their nulls.
 */
export function pruneNulls(v: unknown, s: unknown, root = false): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const schema = isObj(s) ? s : {};
  if (Array.isArray(v)) return isObj(schema.items) ? v.map((x) => pruneNulls(x, schema.items)) : v;
  const props = isObj(schema.properties) ? schema.properties : undefined;
  const extra = isObj(schema.additionalProperties) ? schema.additionalProperties : undefined;
  if (!props && !extra) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (root && (k === 'metadata' || k === 'status')) {
      out[k] = x;
      continue;
    }
    const ps = props?.[k] ?? extra;
    if (x === null && ps !== undefined && !(isObj(ps) && ps.nullable === true)) continue;
    out[k] = ps === undefined ? x : pruneNulls(x, ps);
  }
  return out;
}

/** Compares strings with digit runs compared numerically (`#2` < `#10`), otherwise by code point. */
export function naturalCompare(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const nx = BigInt(x);
      const ny = BigInt(y);
      if (nx !== ny) return nx < ny ? -1 : 1;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

function compareIssues(a: ValidationIssue, b: ValidationIssue): number {
  return naturalCompare(a.source, b.source) || naturalCompare(a.object, b.object) || naturalCompare(a.field, b.field) || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0);
}
