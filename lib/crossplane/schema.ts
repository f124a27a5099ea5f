/**
 * A typed schema builder for composite resource APIs: each field carries its TypeScript type, so
 * the spec of an XR built from an XRD is type-checked (`InferSchema<typeof spec>`), and renders to
 * the structural `openAPIV3Schema` Kubernetes and Crossplane expect.
 *
 * @example
 * const spec = Schema.object({
 *   location: Schema.string({ required: true, enum: ['westeurope', 'northeurope'] }),
 *   nodeCount: Schema.integer({ minimum: 1, maximum: 10, default: 3 }),
 *   tags: Schema.map(Schema.string()),
 * });
 * type Spec = InferSchema<typeof spec>; // { location: 'westeurope' | 'northeurope'; nodeCount?: number; tags?: Record<string, string> }
 */

/** A JSON schema node (the subset of `JSONSchemaProps` this builder writes). */
export type JsonSchema = Record<string, unknown>;

/** Options every field accepts. */
export interface FieldOptions<R extends boolean = false> {
  /**
   * Whether the field must be set (listed in the parent object's `required`). A field with a
   * `default` is never required from users (the API server fills it in).
   * @default false
   */
  readonly required?: R;
  /**
   * Description, shown by `kubectl explain`.
   * @default - none
   */
  readonly description?: string;
}

/** A field of a schema. `T` is the TypeScript type of its value, `R` whether it is required. */
export abstract class SchemaField<T, R extends boolean = boolean> {
  /** Phantom member carrying the value type (never set). */
  public declare readonly __type: T;
  /** Whether the field is required in its parent object. */
  public readonly required: R;
  /** Description. */
  public readonly description?: string;

  protected constructor(options: FieldOptions<R>) {
    this.required = (options.required ?? false) as R;
    this.description = options.description;
  }

  /** The openAPIV3Schema of this field. */
  public toJsonSchema(): JsonSchema {
    const out: JsonSchema = {};
    if (this.description) out.description = this.description;
    return { ...out, ...this.render() };
  }

  protected abstract render(): JsonSchema;
}

/** The TypeScript type of a field's value. */
export type InferSchema<F> = F extends SchemaField<infer T, any> ? T : never;

type Fields = Record<string, SchemaField<unknown, boolean>>;
type RequiredKeys<P extends Fields> = { [K in keyof P]: P[K] extends { readonly required: true } ? K : never }[keyof P];
type OptionalKeys<P extends Fields> = Exclude<keyof P, RequiredKeys<P>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** The TypeScript type of an object with the given fields. */
export type InferObject<P extends Fields> = Simplify<
  { [K in RequiredKeys<P>]: InferSchema<P[K]> } & { [K in OptionalKeys<P>]?: InferSchema<P[K]> }
>;

/** Options of a string field. */
export interface StringFieldOptions<E extends string, R extends boolean> extends FieldOptions<R> {
  /** Allowed values. @default - any string */
  readonly enum?: readonly E[];
  /** Minimum length. @default - none */
  readonly minLength?: number;
  /** Maximum length. @default - none */
  readonly maxLength?: number;
  /** Pattern (RE2, as Kubernetes evaluates it) the value must match. @default - none */
  readonly pattern?: string;
  /** Format (`date-time`, `uri`, ...). @default - none */
  readonly format?: string;
  /** Default value (filled in by the API server). @default - none */
  readonly default?: NoInfer<E>;
}

/** A string field. */
export class StringField<E extends string = string, R extends boolean = false> extends SchemaField<E, R> {
  public constructor(private readonly options: StringFieldOptions<E, R> = {}) {
    super(options);
  }
  protected render(): JsonSchema {
    const o = this.options;
    return clean({
      type: 'string',
      enum: o.enum ? [...o.enum] : undefined,
      minLength: o.minLength,
      maxLength: o.maxLength,
      pattern: o.pattern,
      format: o.format,
      default: o.default,
    });
  }
}

/** Options of a number or integer field. */
export interface NumberFieldOptions<R extends boolean> extends FieldOptions<R> {
  /** Minimum (inclusive). @default - none */
  readonly minimum?: number;
  /** Maximum (inclusive). @default - none */
  readonly maximum?: number;
  /** Allowed values. @default - any */
  readonly enum?: readonly number[];
  /** Default value. @default - none */
  readonly default?: number;
}

/** An integer or number field. */
export class NumberField<R extends boolean = false> extends SchemaField<number, R> {
  public constructor(private readonly type: 'integer' | 'number', private readonly options: NumberFieldOptions<R> = {}) {
    super(options);
  }
  protected render(): JsonSchema {
    const o = this.options;
    return clean({
      type: this.type,
      enum: o.enum ? [...o.enum] : undefined,
      minimum: o.minimum,
      maximum: o.maximum,
      default: o.default,
    });
  }
}

/** Options of a boolean field. */
export interface BooleanFieldOptions<R extends boolean> extends FieldOptions<R> {
  /** Default value. @default - none */
  readonly default?: boolean;
}

/** A boolean field. */
export class BooleanField<R extends boolean = false> extends SchemaField<boolean, R> {
  public constructor(private readonly options: BooleanFieldOptions<R> = {}) {
    super(options);
  }
  protected render(): JsonSchema {
    return clean({ type: 'boolean', default: this.options.default });
  }
}

/** Options of an object field. */
export interface ObjectFieldOptions<R extends boolean> extends FieldOptions<R> {
  /**
   * CEL rules of the object (`x-kubernetes-validations`), e.g.
   * `{ rule: 'self.minReplicas <= self.maxReplicas', message: 'min must not exceed max' }`.
   * @default - none
   */
  readonly rules?: ReadonlyArray<{ readonly rule: string; readonly message?: string }>;
  /** Default value. @default - none */
  readonly default?: Record<string, unknown>;
}

/** An object with named fields. */
export class ObjectField<P extends Fields, R extends boolean = false> extends SchemaField<InferObject<P>, R> {
  public constructor(public readonly fields: P, private readonly options: ObjectFieldOptions<R> = {}) {
    super(options);
    for (const key of Object.keys(fields)) {
      if (!(fields[key] instanceof SchemaField)) throw new Error(`Schema.object: field "${key}" is not a schema field (use Schema.string(), ...)`);
    }
  }
  protected render(): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const [k, f] of Object.entries(this.fields)) {
      properties[k] = f.toJsonSchema();
      if (f.required && properties[k].default === undefined) required.push(k);
    }
    return clean({
      type: 'object',
      properties,
      required: required.length > 0 ? required : undefined,
      default: this.options.default,
      'x-kubernetes-validations': this.options.rules?.length ? this.options.rules.map((r) => clean({ rule: r.rule, message: r.message })) : undefined,
    });
  }
}

/** Options of an array field. */
export interface ArrayFieldOptions<R extends boolean> extends FieldOptions<R> {
  /** Minimum number of items. @default - none */
  readonly minItems?: number;
  /** Maximum number of items. @default - none */
  readonly maxItems?: number;
  /** `x-kubernetes-list-type`: `set` makes items unique (scalars only). @default - atomic */
  readonly listType?: 'atomic' | 'set';
}

/** An array. */
export class ArrayField<I extends SchemaField<any, any>, R extends boolean = false> extends SchemaField<Array<InferSchema<I>>, R> {
  public constructor(public readonly items: I, private readonly options: ArrayFieldOptions<R> = {}) {
    super(options);
  }
  protected render(): JsonSchema {
    const o = this.options;
    return clean({
      type: 'array',
      items: this.items.toJsonSchema(),
      minItems: o.minItems,
      maxItems: o.maxItems,
      'x-kubernetes-list-type': o.listType,
    });
  }
}

/** A map from string keys to values of one schema (`additionalProperties`). */
export class MapField<V extends SchemaField<any, any>, R extends boolean = false> extends SchemaField<Record<string, InferSchema<V>>, R> {
  public constructor(public readonly values: V, options: FieldOptions<R> = {}) {
    super(options);
  }
  protected render(): JsonSchema {
    return { type: 'object', additionalProperties: this.values.toJsonSchema() };
  }
}

/** Entry points of the schema builder. */
export class Schema {
  /** A string. Pass `enum` for a union type: `Schema.string({ enum: ['a', 'b'] })`. */
  public static string<const E extends string = string, R extends boolean = false>(options: StringFieldOptions<E, R> = {}): StringField<E, NoInfer<R>> {
    return new StringField<E, R>(options);
  }
  /** An integer (`type: integer`). */
  public static integer<R extends boolean = false>(options: NumberFieldOptions<R> = {}): NumberField<NoInfer<R>> {
    return new NumberField<R>('integer', options);
  }
  /** A number (`type: number`). */
  public static number<R extends boolean = false>(options: NumberFieldOptions<R> = {}): NumberField<NoInfer<R>> {
    return new NumberField<R>('number', options);
  }
  /** A boolean. */
  public static boolean<R extends boolean = false>(options: BooleanFieldOptions<R> = {}): BooleanField<NoInfer<R>> {
    return new BooleanField<R>(options);
  }
  /** An object with the given fields (required ones are those created with `required: true`). */
  public static object<P extends Fields, R extends boolean = false>(fields: P, options: ObjectFieldOptions<R> = {}): ObjectField<P, NoInfer<R>> {
    return new ObjectField<P, R>(fields, options);
  }
  /** An array of `items`. */
  public static array<I extends SchemaField<any, any>, R extends boolean = false>(items: I, options: ArrayFieldOptions<R> = {}): ArrayField<I, NoInfer<R>> {
    return new ArrayField<I, R>(items, options);
  }
  /** A map of string keys to `values`. */
  public static map<V extends SchemaField<any, any>, R extends boolean = false>(values: V, options: FieldOptions<R> = {}): MapField<V, NoInfer<R>> {
    return new MapField<V, R>(values, options);
  }
}

function clean(o: Record<string, unknown>): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}
