/**
 * kro `${...}` CEL expressions: finding them in template values, parsing them with the project's
 * CEL parser (@bufbuild/cel), and resolving the field selections they make (`schema.spec.x`,
 * `<resource id>.status.y`) in the instance schema or the resource kind's schema.
 *
 * kro (v0.9.3, pkg/graph/builder.go) type-checks every expression against the instance CRD and the
 * resources' CRDs when the RGD is applied; an RGD with a bad path or a type mismatch never becomes
 * Active. These checks catch the common mistakes at synth instead: a path that does not exist, a
 * field of the wrong type for where the value goes, a reference to an unknown resource id.
 */
import { parse } from '@bufbuild/cel';
import type { JsonSchema } from '../crossplane/schema';

/** One `${...}` occurrence in a string value. */
export interface ExpressionOccurrence {
  /** The CEL text between `${` and `}`. */
  readonly expression: string;
  /** True when the whole value is this one expression (kro then keeps the expression's type). */
  readonly standalone: boolean;
}

/**
 * The `${...}` expressions of a string, with kro's rules: braces nest and string literals may
 * contain braces. Throws on an unterminated `${`.
 */
export function findExpressions(value: string): ExpressionOccurrence[] {
  const out: ExpressionOccurrence[] = [];
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf('${', i);
    if (start < 0) break;
    let depth = 1;
    let j = start + 2;
    let quote: string | undefined;
    for (; j < value.length && depth > 0; j++) {
      const c = value[j];
      if (quote) {
        if (c === '\\') j++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    if (depth > 0) throw new Error(`unterminated "\${" in "${value}"`);
    const expression = value.slice(start + 2, j - 1);
    out.push({ expression, standalone: start === 0 && j === value.length });
    i = j;
  }
  if (out.length > 1) return out.map((o) => ({ ...o, standalone: false }));
  return out;
}

/** A field selection rooted at a variable: `schema.spec.location` → root `schema`, path `[spec, location]`. */
export interface Selection {
  readonly root: string;
  /** Field names; `[]` for an index into a list or map value. */
  readonly path: readonly string[];
  /** Selected with kro's optional syntax (`.?`, `[?`), or inside `has()`. */
  readonly optional: boolean;
}

/** What an expression reads. */
export interface ExpressionAnalysis {
  /** Every maximal field selection rooted at a free variable. */
  readonly selections: Selection[];
  /** The selection, when the expression is nothing but one field selection. */
  readonly whole?: Selection;
  /** The expression's type when obvious (a literal, a comparison, string concatenation); else undefined. */
  readonly literalType?: string;
}

const COMPARISONS = new Set(['_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '_&&_', '_||_', '!_', '@in']);

/**
 * Parses an expression and lists its field selections. kro's optional selections (`a.?b`,
 * `a[?0]`) are read as plain selections (the parser does not know them). Throws the parser's
 * message when the expression is not CEL.
 */
export function analyzeExpression(expression: string): ExpressionAnalysis {
  const optional = /\.\?|\[\?/.test(expression);
  const parsed = parse(expression.replace(/\.\?/g, '.').replace(/\[\?/g, '['));
  const selections: Selection[] = [];
  const bound = new Set<string>();
  // Returns the selection chain of `e` if it is one, else undefined (and walks its children).
  const chain = (e: any, inHas: boolean): Selection | undefined => {
    const k = e?.exprKind;
    if (!k) return undefined;
    switch (k.case) {
      case 'identExpr':
        return bound.has(k.value.name) ? undefined : { root: k.value.name, path: [], optional: optional || inHas };
      case 'selectExpr': {
        const base = chain(k.value.operand, inHas || k.value.testOnly);
        return base ? { ...base, path: [...base.path, k.value.field], optional: base.optional || k.value.testOnly } : undefined;
      }
      case 'callExpr': {
        const fn = k.value.function;
        if (fn === '_[_]' && k.value.args.length === 2) {
          const base = chain(k.value.args[0], inHas);
          visit(k.value.args[1]);
          const key = k.value.args[1].exprKind;
          const field = key?.case === 'constExpr' && key.value.constantKind?.case === 'stringValue' ? String(key.value.constantKind.value) : '[]';
          return base ? { ...base, path: [...base.path, field] } : undefined;
        }
        if (k.value.target) visit(k.value.target);
        for (const a of k.value.args) visit(a);
        return undefined;
      }
      case 'listExpr':
        for (const x of k.value.elements) visit(x);
        return undefined;
      case 'structExpr':
        for (const en of k.value.entries) {
          if (en.keyKind?.case === 'mapKey') visit(en.keyKind.value);
          visit(en.value);
        }
        return undefined;
      case 'comprehensionExpr': {
        const c = k.value;
        visit(c.iterRange);
        const added = [c.iterVar, c.iterVar2, c.accuVar].filter((v: string | undefined) => v && !bound.has(v)) as string[];
        added.forEach((v) => bound.add(v));
        visit(c.accuInit);
        visit(c.loopCondition);
        visit(c.loopStep);
        visit(c.result);
        added.forEach((v) => bound.delete(v));
        return undefined;
      }
      default:
        return undefined;
    }
  };
  const visit = (e: any): void => {
    const s = chain(e, false);
    if (s) selections.push(s);
  };
  const root = parsed.expr;
  const whole = chain(root, false);
  if (whole) selections.push(whole);
  let literalType: string | undefined;
  const k = root?.exprKind;
  if (k?.case === 'constExpr') {
    const c = k.value.constantKind?.case;
    literalType = c === 'stringValue' ? 'string' : c === 'boolValue' ? 'boolean' : c === 'int64Value' || c === 'uint64Value' ? 'integer' : c === 'doubleValue' ? 'number' : undefined;
  } else if (k?.case === 'callExpr' && COMPARISONS.has(k.value.function)) {
    literalType = 'boolean';
  } else if (k?.case === 'callExpr' && k.value.function === 'string') {
    literalType = 'string';
  } else if (k?.case === 'callExpr' && k.value.function === 'has') {
    literalType = 'boolean';
  } else if (k?.case === 'selectExpr' && k.value.testOnly) {
    literalType = 'boolean';
  }
  return { selections, whole: whole && !whole.optional ? whole : undefined, literalType };
}

/** The standard ObjectMeta fields kro expressions read (CRD schemas leave `metadata` open). */
const OBJECT_META: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    namespace: { type: 'string' },
    generateName: { type: 'string' },
    uid: { type: 'string' },
    resourceVersion: { type: 'string' },
    generation: { type: 'integer' },
    creationTimestamp: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    finalizers: { type: 'array', items: { type: 'string' } },
    ownerReferences: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
  },
};

/** Result of resolving a path in a schema. */
export type Resolved = { readonly schema?: JsonSchema; readonly error?: undefined } | { readonly schema?: undefined; readonly error: string };

/**
 * Resolves `path` in an object's schema. `metadata` resolves in ObjectMeta. A schemaless subtree
 * (`x-kubernetes-preserve-unknown-fields`) resolves to `{ schema: undefined }` (anything goes).
 */
export function resolvePath(schema: JsonSchema, path: readonly string[]): Resolved {
  let cur: JsonSchema | undefined = schema;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const at = i === 0 ? 'the object' : `"${path.slice(0, i).join('.')}"`;
    if (i === 0 && seg === 'metadata') cur = OBJECT_META;
    else if (!cur) return {};
    else if (isOpen(cur)) return {};
    else if (seg === '[]') {
      if (cur.type === 'array') cur = cur.items as JsonSchema;
      else if (cur.type === 'object' && cur.additionalProperties && typeof cur.additionalProperties === 'object') cur = cur.additionalProperties as JsonSchema;
      else return { error: `${at} is not a list or map` };
    } else {
      const props = cur.properties as Record<string, JsonSchema> | undefined;
      if (props?.[seg]) cur = props[seg];
      else if (cur.additionalProperties && typeof cur.additionalProperties === 'object') cur = cur.additionalProperties as JsonSchema;
      else if (cur.additionalProperties === true) return {};
      else if (cur.type !== 'object' && cur.type !== undefined) return { error: `${at} is a ${typeName(cur)}, not an object` };
      else {
        const known = Object.keys(props ?? {}).sort();
        return { error: `no field "${seg}" in ${at}${known.length ? ` (known: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', ...' : ''})` : ''}` };
      }
    }
  }
  return { schema: cur };
}

function isOpen(s: JsonSchema): boolean {
  return s['x-kubernetes-preserve-unknown-fields'] === true && !s.properties && !s.additionalProperties;
}

/** `string`, `integer`, `int-or-string`, `array`, `object`, ... of a schema node. */
export function typeName(s: JsonSchema | undefined): string {
  if (!s) return 'any';
  if (s['x-kubernetes-int-or-string'] === true) return 'int-or-string';
  if (isOpen(s)) return 'any';
  return typeof s.type === 'string' ? s.type : 'any';
}

/** Whether a value of type `source` can be written to a field of type `target` (kro's assignability, simplified). */
export function typeFits(source: string, target: string): boolean {
  if (source === 'any' || target === 'any' || source === target) return true;
  if (target === 'number' && source === 'integer') return true;
  if (target === 'int-or-string') return source === 'integer' || source === 'string';
  if (source === 'int-or-string') return target === 'string' || target === 'integer';
  return false;
}
