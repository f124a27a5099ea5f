/**
 * `x-kubernetes-validations` (CEL) evaluation, following the API server's semantics:
 *  - every rule runs at its schema node with `self` bound to the node's value — for each array item and
 *    each map value where the rule sits below `items` / `additionalProperties` — and only when the value
 *    is present (absent and null values are not evaluated);
 *  - values reach CEL typed by the schema: `integer` (and int-or-string numbers) → int (bigint),
 *    `number` → double, objects with `properties` → maps keyed by escaped property names (`namespace`
 *    → `__namespace__`, `a-b` → `a__dash__b`, …) with schema defaults applied to absent properties,
 *    `additionalProperties` maps → maps with raw keys, `format: byte` → bytes, `format: date-time` →
 *    timestamp; schemaless (preserve-unknown) values are converted generically (whole numbers → int);
 *  - transition rules (referencing `oldSelf`) are skipped: a manifest is always a create, and the API
 *    server only runs them on update. Rules with `optionalOldSelf: true` would also run on create with
 *    `oldSelf` = optional.none(); CEL optional types are not available in @bufbuild/cel, so those are
 *    skipped too (none of the mirrored CRDs uses optionalOldSelf);
 *  - `messageExpression` (when it evaluates to a string) wins over `message`, which wins over the rule
 *    text; `fieldPath` is appended to the node's path; `reason` is carried through;
 *  - a rule that does not parse, or fails to evaluate (e.g. `no such key`), is reported as an issue.
 *
 * Available functions: the CEL standard library (incl. `duration()`, `matches()` on Go RE2 via re2.ts,
 * `size`, `has`, `all`/`exists`/`exists_one`/`filter`/`map` macros), the strings extension
 * (`lowerAscii`, `upperAscii`, `split`, `join`, `replace`, `substring`, `trim`, `indexOf`, …) and the
 * Kubernetes libraries (lists, regex, URL, IP, CIDR, quantity, semver, format: cel-k8s.ts).
 */
import { celEnv, isCelError, parse, plan, type CelEnv, type CelInput, type CelResult } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { KUBERNETES_CEL_FUNCS } from './cel-k8s';
import { celFieldPathToField, fieldIndex, fieldKey, fieldJoin } from './field-path';
import { compileRe2 } from './re2';

type Json = Record<string, any>;
type Program = (ctx: Record<string, CelInput>) => CelResult;

/** One rule, compiled once (shared by every kind and node that carries the same rule text). */
export interface CompiledRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
  readonly reason?: string;
  /** True for transition rules (they reference oldSelf) — never evaluated here. */
  readonly transition: boolean;
  readonly program?: Program;
  readonly compileError?: string;
  readonly messageProgram?: Program;
}

/** Node of the per-kind rule tree: only schema subtrees that contain rules are kept. */
export interface CelNode {
  readonly schema: Json;
  readonly rules: CompiledRule[];
  readonly props: Array<[string, CelNode]>;
  readonly items?: CelNode;
  readonly values?: CelNode;
}

/** A failed or unevaluable rule, relative to the validated value. */
export interface CelFinding {
  readonly field: string;
  readonly reason: string;
  readonly rule: string;
  /** The rule's `reason` (FieldValueInvalid, FieldValueForbidden, …), when set. */
  readonly celReason?: string;
  /** `failed`: evaluated to false; `error`: could not be evaluated; `invalid`: does not compile. */
  readonly outcome: 'failed' | 'error' | 'invalid';
  /** Path of the node the rule is attached to. */
  readonly at: string;
}

let env: CelEnv | undefined;

function celEnvironment(): CelEnv {
  env ??= celEnv({
    funcs: [...strings, ...KUBERNETES_CEL_FUNCS],
    re2: { compile: (p: string) => compileRe2(p) },
  });
  return env;
}

const programCache = new Map<string, { program?: Program; error?: string; transition: boolean }>();

function compileExpression(expr: string): { program?: Program; error?: string; transition: boolean } {
  let c = programCache.get(expr);
  if (!c) {
    try {
      const parsed = parse(expr);
      const transition = referencesIdent(parsed, 'oldSelf');
      c = { program: plan(celEnvironment(), parsed) as Program, transition };
    } catch (e) {
      c = { error: e instanceof Error ? e.message : String(e), transition: /\boldSelf\b/.test(expr) };
    }
    programCache.set(expr, c);
  }
  return c;
}

/** The parse error of a CEL expression, or undefined when it parses (syntax only, no type check). */
export function celSyntaxError(expr: string): string | undefined {
  try {
    parse(expr);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** True if the parsed expression mentions identifier `name` (walks the protobuf AST generically). */
function referencesIdent(node: unknown, name: string): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((n) => referencesIdent(n, name));
  const o = node as Json;
  if (o.case === 'identExpr' && o.value?.name === name) return true;
  for (const k of Object.keys(o)) {
    if (k === '$typeName') continue;
    const v = o[k];
    if (typeof v === 'object' && v !== null && referencesIdent(v, name)) return true;
  }
  return false;
}

const ruleCache = new Map<string, CompiledRule>();

function compileRule(v: Json): CompiledRule | undefined {
  if (typeof v.rule !== 'string') return undefined;
  const key = JSON.stringify([v.rule, v.message, v.messageExpression, v.fieldPath, v.reason]);
  let r = ruleCache.get(key);
  if (!r) {
    const c = compileExpression(v.rule);
    const m = typeof v.messageExpression === 'string' ? compileExpression(v.messageExpression) : undefined;
    r = {
      rule: v.rule,
      message: typeof v.message === 'string' && v.message !== '' ? v.message : undefined,
      messageExpression: typeof v.messageExpression === 'string' ? v.messageExpression : undefined,
      fieldPath: typeof v.fieldPath === 'string' && v.fieldPath !== '' ? v.fieldPath : undefined,
      reason: typeof v.reason === 'string' ? v.reason : undefined,
      transition: c.transition,
      program: c.program,
      compileError: c.error,
      messageProgram: m?.program,
    };
    ruleCache.set(key, r);
  }
  return r;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Builds the rule tree of a schema; undefined when the schema has no rules at all.
 * At the root, `metadata` and `status` subtrees are not walked (status is not validated).
 */
export function buildCelTree(schema: unknown, root = true): CelNode | undefined {
  if (!isObj(schema)) return undefined;
  const rules: CompiledRule[] = [];
  if (Array.isArray(schema['x-kubernetes-validations'])) {
    for (const v of schema['x-kubernetes-validations']) {
      const r = isObj(v) ? compileRule(v) : undefined;
      if (r) rules.push(r);
    }
  }
  const props: Array<[string, CelNode]> = [];
  if (isObj(schema.properties)) {
    for (const [k, v] of Object.entries(schema.properties)) {
      if (root && (k === 'metadata' || k === 'status')) continue;
      const n = buildCelTree(v, false);
      if (n) props.push([k, n]);
    }
  }
  const items = buildCelTree(schema.items, false);
  const values = isObj(schema.additionalProperties) ? buildCelTree(schema.additionalProperties, false) : undefined;
  if (rules.length === 0 && props.length === 0 && !items && !values) return undefined;
  return { schema, rules, props, items, values };
}

/** Number of rules in a tree (for stats). */
export function countRules(n: CelNode | undefined): number {
  if (!n) return 0;
  let c = n.rules.length;
  for (const [, p] of n.props) c += countRules(p);
  return c + countRules(n.items) + countRules(n.values);
}

const RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import',
  'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/** Kubernetes' CEL escaping of property names; undefined when the name is not accessible from CEL. */
export function escapeCelName(name: string): string | undefined {
  if (name === '' || /^[0-9]/.test(name)) return undefined;
  if (RESERVED.has(name)) return `__${name}__`;
  let ok = true;
  const escaped = name.replace(/__|[-./]|[^a-zA-Z0-9_]/g, (s) => {
    switch (s) {
      case '__':
        return '__underscores__';
      case '.':
        return '__dot__';
      case '-':
        return '__dash__';
      case '/':
        return '__slash__';
      default:
        ok = false;
        return '';
    }
  });
  return ok ? escaped : undefined;
}

/** Converts a schemaless JSON value to CEL (whole numbers → int). */
function genericToCel(v: unknown): CelInput {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(genericToCel);
  if (isObj(v)) {
    const m = new Map<string, CelInput>();
    for (const [k, x] of Object.entries(v)) if (x !== undefined) m.set(k, genericToCel(x));
    return m;
  }
  return v as CelInput;
}

function decodeBase64(s: string): Uint8Array | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, 'base64'));
}

/** Converts a JSON value to a CEL value typed by its schema node. */
export function toCel(v: unknown, s: Json | undefined): CelInput {
  if (v === null || v === undefined) return null;
  if (!s) return genericToCel(v);
  if (typeof v === 'number') {
    if (s.type === 'number') return v;
    return Number.isInteger(v) ? BigInt(v) : v;
  }
  if (typeof v === 'string') {
    if (s.format === 'byte') return decodeBase64(v) ?? v;
    if (s.format === 'date-time') {
      const d = new Date(v);
      return Number.isNaN(d.getTime()) ? v : (timestampFromDate(d) as unknown as CelInput);
    }
    return v;
  }
  if (Array.isArray(v)) {
    const it = isObj(s.items) ? s.items : undefined;
    return v.map((x) => toCel(x, it));
  }
  if (isObj(v)) {
    const m = new Map<string, CelInput>();
    if (isObj(s.properties)) {
      const props = s.properties as Json;
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined) continue;
        const ps = isObj(props[k]) ? (props[k] as Json) : undefined;
        if (x === null && ps && ps.nullable !== true) continue; // pruned by the API server
        const name = escapeCelName(k);
        if (name === undefined) continue;
        m.set(name, ps ? toCel(x, ps) : genericToCel(x));
      }
      for (const [k, ps] of Object.entries(props)) {
        if (!isObj(ps) || ps.default === undefined || !(v[k] === undefined || (v[k] === null && ps.nullable !== true))) continue;
        const name = escapeCelName(k);
        if (name !== undefined) m.set(name, toCel(ps.default, ps));
      }
      return m;
    }
    if (isObj(s.additionalProperties)) {
      for (const [k, x] of Object.entries(v)) if (x !== undefined) m.set(k, toCel(x, s.additionalProperties));
      return m;
    }
    return genericToCel(v);
  }
  return v as CelInput;
}

/** Whether the value has the JSON type the schema node expects (rules don't run on mistyped values). */
function typeMatches(v: unknown, s: Json): boolean {
  switch (s.type) {
    case 'object':
      return isObj(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string' || (s['x-kubernetes-int-or-string'] === true && typeof v === 'number');
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

/**
 * Evaluates all rules of a tree against `value` (the object, or an embedded object), appending
 * findings with field paths prefixed by `path`.
 */
export function evaluateCel(node: CelNode, value: unknown, path: string, out: CelFinding[]): void {
  if (value === undefined || value === null || !typeMatches(value, node.schema)) return;
  if (node.rules.length > 0) {
    let self: CelInput | undefined;
    for (const r of node.rules) {
      if (r.transition) continue;
      if (r.compileError !== undefined || !r.program) {
        out.push({ field: path, at: path, outcome: 'invalid', rule: r.rule, celReason: r.reason, reason: `invalid rule ${JSON.stringify(r.rule)}: ${r.compileError}` });
        continue;
      }
      self ??= toCel(value, node.schema);
      let res: CelResult;
      try {
        res = r.program({ self });
      } catch (e) {
        res = { message: e instanceof Error ? e.message : String(e) } as CelResult;
      }
      if (res === true) continue;
      const field = r.fieldPath ? fieldJoin(path, celFieldPathToField(r.fieldPath)) : path;
      if (res === false) {
        out.push({ field, at: path, outcome: 'failed', rule: r.rule, celReason: r.reason, reason: `failed rule: ${ruleMessage(r, self)}` });
      } else if (isCelError(res) || (typeof res === 'object' && res !== null && 'message' in res)) {
        const msg = (res as { message: string }).message;
        out.push({ field: path, at: path, outcome: 'error', rule: r.rule, celReason: r.reason, reason: `rule could not be evaluated: ${msg} (rule: ${r.rule})` });
      } else {
        out.push({ field: path, at: path, outcome: 'error', rule: r.rule, celReason: r.reason, reason: `rule did not evaluate to a bool (rule: ${r.rule})` });
      }
    }
  }
  if (node.props.length > 0 && isObj(value)) {
    for (const [k, child] of node.props) {
      let x = value[k];
      // Null non-nullable fields are pruned, then absent fields defaulted, before rules run.
      if (x === null && child.schema.nullable !== true) x = undefined;
      if (x === undefined && child.schema.default !== undefined) x = child.schema.default;
      if (x !== undefined) evaluateCel(child, x, fieldKey(path, k), out);
    }
  }
  if (node.items && Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) evaluateCel(node.items, value[i], fieldIndex(path, i), out);
  }
  if (node.values && isObj(value)) {
    for (const [k, x] of Object.entries(value)) evaluateCel(node.values, x, fieldKey(path, k), out);
  }
}

function ruleMessage(r: CompiledRule, self: CelInput): string {
  if (r.messageProgram) {
    try {
      const m = r.messageProgram({ self });
      if (typeof m === 'string' && m.trim() !== '') return m;
    } catch {
      // fall back to message / rule
    }
  }
  return r.message ?? r.rule;
}

/** The outcome of {@link evaluateCelExpression}: the value, or why it could not be computed. */
export type CelExpressionResult = { readonly value: unknown } | { readonly error: string };

/**
 * Evaluates one CEL expression (outside a CRD schema: a ValidatingAdmissionPolicy validation, say)
 * with the given variables. JSON values are converted generically (objects → maps, whole numbers →
 * int); `undefined` and `null` bind CEL null. Programs are compiled once per expression text.
 */
export function evaluateCelExpression(expression: string, vars: Record<string, unknown>): CelExpressionResult {
  const c = compileExpression(expression);
  if (!c.program) return { error: `invalid expression ${JSON.stringify(expression)}: ${c.error}` };
  const ctx: Record<string, CelInput> = {};
  for (const [k, v] of Object.entries(vars)) ctx[k] = v === undefined ? null : genericToCel(v);
  let res: CelResult;
  try {
    res = c.program(ctx);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  if (isCelError(res)) return { error: (res as { message: string }).message };
  return { value: res };
}
