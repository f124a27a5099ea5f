import { findCycle } from '../core/graph-path';
import { ApiObject, App, Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ResourceGraphDefinition as RgdL1 } from '../../imports/extras/kro.run';
import { checkString, DNS_SUBDOMAIN, propError } from '../core/errors';
import { referencesOf } from '../core/references';
import { importResource, IPlatformResource, PlatformResource, ResourceImportProps } from '../core/resource';
import { dropGitOpsEngineAnnotations, isStatefulKind, RemovalPolicy } from '../core/removal-policy';
import { registerKindSchema, SchemaRegistry } from '../core/validation';
import { groupOf } from '../core/validation/metadata';
import { applyBasePolicy, ComposedBase, resolveBase, SHARED_NAME_SCOPE } from '../crossplane/composition';
import { parseFieldPath, setFieldPath } from '../crossplane/field-path';
import { analyzeExpression, findExpressions, resolvePath, Selection, typeFits, typeName } from './expressions';
import { InferSchema, instanceSpecSchema, JsonSchema, KRO_INSTANCE_STATUS, ObjectField, SimpleSchema, toSimpleSchema } from './schema';

/** Where the generated instance kind lives. */
export enum InstanceScope {
  NAMESPACED = 'Namespaced',
  CLUSTER = 'Cluster',
}

/** Dotted paths of the fields of `T` (objects only; maps give `<field>.<key>`). */
export type FieldPaths<T, D extends number = 6> = [D] extends [0]
  ? never
  : T extends readonly unknown[]
    ? never
    : T extends Record<string, unknown>
      ? { [K in keyof T & string]-?: K | (NonNullable<T[K]> extends readonly unknown[] ? never : NonNullable<T[K]> extends Record<string, unknown> ? `${K}.${FieldPaths<NonNullable<T[K]>, Prev[D]>}` : never) }[keyof T & string]
      : never;
type Prev = [0, 0, 1, 2, 3, 4, 5, 6];

/** A resource template: a {@link ComposedBase} (factory, ApiObject or manifest) or an L2 construct with an `apiObject` (e.g. the ASO constructs). */
export type KroTemplate = ComposedBase | (IConstruct & { readonly apiObject: ApiObject });

/** A resource of a {@link ResourceGraphDefinition}. */
export interface RgdResourceProps {
  /** The resource id (lowerCamelCase, not a kro or CEL reserved word); expressions refer to the resource by it. */
  readonly id: string;
  /**
   * The template. ASO L2 constructs are best created in {@link ResourceGraphDefinition.templates}
   * (a scope outside the app: nothing there is written), so owner references between them become
   * `${<owner id>.metadata.name}`; any L1 object, factory or manifest works too. The placeholder
   * namespace of `templates` is removed: kro puts namespaced resources in the instance's namespace.
   */
  readonly template: KroTemplate;
  /**
   * Values to write over the template, by field path (`metadata.name`, `spec.location`,
   * `metadata.labels[app]`): typically `${...}` expressions from {@link ResourceGraphDefinition.spec}
   * and {@link ResourceGraphDefinition.ref}.
   * @default - none
   */
  readonly set?: Record<string, unknown>;
  /** Expressions (`${<this id>.status...}`) that must all be true for kro to consider the resource ready. @default - kro's default readiness */
  readonly readyWhen?: string[];
  /** Expressions that must all be true for kro to create the resource. @default - always created */
  readonly includeWhen?: string[];
  /**
   * What happens in Azure when kro deletes the resource (ASO reconcile policy).
   * @default - the L2 construct's own policy; for other templates RemovalPolicy.RETAIN for stateful kinds (`isStatefulKind`), else DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** A kro ResourceGraphDefinition: one of the app ({@link ResourceGraphDefinition}) or an import. */
export interface IResourceGraphDefinition extends IPlatformResource {}

/** A resource added to an RGD: pass it to {@link ResourceGraphDefinition.ref}. */
export interface IRgdResource {
  readonly id: string;
  readonly apiVersion: string;
  readonly kind: string;
}

/** Props of a {@link ResourceGraphDefinition}. */
export interface ResourceGraphDefinitionProps<S extends ObjectField<any, any>> {
  /** Kind of the instance API kro creates (UpperCamelCase). */
  readonly kind: string;
  /** API group of the instance kind. @default 'kro.run' */
  readonly group?: string;
  /** Version of the instance kind (`v1alpha1`, `v1`, ...). @default 'v1alpha1' */
  readonly apiVersion?: string;
  /** Scope of the instance kind. @default InstanceScope.NAMESPACED */
  readonly scope?: InstanceScope;
  /** Name of the RGD. @default `<kind in lower case>.<group>` */
  readonly name?: string;
  /** The instance's `spec`, built with {@link Schema} and written as kro SimpleSchema. */
  readonly spec: S;
  /** The instance's `status`: field → `${...}` expression (nested objects allowed). @default - none */
  readonly status?: StatusFields;
  /** Resources (more with {@link ResourceGraphDefinition.addResource}). @default - none */
  readonly resources?: RgdResourceProps[];
}

/** `schema.status` of an RGD: expressions, possibly nested. */
export interface StatusFields {
  readonly [field: string]: string | StatusFields;
}

/** kro resource ids and reserved words (kubernetes-sigs/kro v0.9.3 pkg/graph/validation.go). */
const RESOURCE_ID = /^[a-z][a-zA-Z0-9]*$/;
const RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
  'apiVersion', 'context', 'dependency', 'dependencies', 'each', 'externalRef', 'externalReference', 'externalRefs', 'externalReferences', 'graph', 'instance', 'item', 'items', 'kind', 'kro',
  'metadata', 'object', 'resource', 'resourcegraphdefinition', 'resourceGraphDefinition', 'resources', 'root', 'runtime', 'schema', 'self', 'serviceAccountName', 'spec', 'status', 'this',
  'variables', 'vars', 'version',
]);

/** Placeholder namespace of {@link ResourceGraphDefinition.templates} (removed from templates). */
const TEMPLATE_NAMESPACE = 'kro-instance-namespace';

/** Schemas of core kinds the bundled registry does not carry, for checking expressions that target them. */
const CORE_SCHEMAS: Record<string, JsonSchema> = {
  'v1/ConfigMap': { type: 'object', properties: { data: { type: 'object', additionalProperties: { type: 'string' } }, binaryData: { type: 'object', additionalProperties: { type: 'string' } }, immutable: { type: 'boolean' } } },
};

/**
 * What is wrong with the Azure name of a stateful ASO resource of a graph whose Azure name is
 * unique in the subscription or globally (resource groups, PostgreSQL servers, storage accounts,
 * key vaults), if anything: the same for every instance (a constant), or from the instance's
 * `metadata.name` only, while kro instances are namespaced. Instances of one name in two
 * namespaces then manage one Azure resource: ASO adopts an existing one (ASO docs, "Adoption"),
 * each writes its spec over the other's, and deleting either deletes it for both.
 */
function azureNameProblem(template: Record<string, any>): string | undefined {
  const kind = String(template.kind);
  const apiVersion = String(template.apiVersion);
  if (!groupOf(apiVersion).endsWith('.azure.com') || !isStatefulKind(apiVersion, kind) || !SHARED_NAME_SCOPE.test(kind)) return undefined;
  const field = template.spec?.azureName !== undefined ? 'spec.azureName' : 'metadata.name';
  const value = field === 'spec.azureName' ? template.spec.azureName : template.metadata?.name;
  if (typeof value !== 'string') return undefined;
  const fix = 'include the namespace, e.g. "<prefix>-${schema.metadata.namespace}-${schema.metadata.name}", or take the name from an instance field';
  let occurrences;
  try {
    occurrences = findExpressions(value);
  } catch {
    return undefined; // reported by the expression checks
  }
  if (occurrences.length === 0) {
    return `${field}: ${kind} is named "${value}" in Azure for every instance: every instance manages the same one (ASO adopts it), and deleting one deletes it for all; ${fix}`;
  }
  const selections = occurrences.flatMap((o) => {
    try {
      return analyzeExpression(o.expression).selections;
    } catch {
      return [];
    }
  });
  const fromNameOnly = selections.length > 0 && selections.every((x) => x.root === 'schema' && x.path.join('.') === 'metadata.name');
  if (!fromNameOnly) return undefined;
  return `${field}: ${kind}'s Azure name comes from the instance's metadata.name only, and kro instances are namespaced: instances of one name in two namespaces manage one ${kind} ` +
    `(ASO adopts it, each overwrites the other's spec, and deleting either deletes it for both); ${fix}`;
}

interface AddedResource {
  readonly props: RgdResourceProps;
  readonly template: Record<string, any>;
  /** `metadata.name` of the template before `set` (what owner references between templates name). */
  readonly originalName?: string;
}

/**
 * A kro ResourceGraphDefinition (`kro.run/v1alpha1`): a new API (`kind` in `group`) whose
 * instances kro expands into the resources of the graph. The instance `spec` is declared with the
 * typed {@link Schema} builder and written as SimpleSchema; resources are templates built from
 * the library's constructs (ASO L2s, L1s, manifests), with `${...}` expressions written over them.
 *
 * At synth every expression is parsed (CEL) and checked: each field selection rooted at `schema`
 * must exist in the instance schema, each one rooted at a resource id in that kind's schema, the
 * value's type must fit the target field, `readyWhen`/`includeWhen` must be conditions, and the
 * resources must not depend on each other in a cycle. The instance kind is registered for
 * validation, so {@link RgdInstance}s are validated like imported kinds.
 *
 * @example
 * const rgd = new ResourceGraphDefinition(folder, 'storage', {
 *   kind: 'AppStorage',
 *   spec: Schema.object({ name: Schema.string({ required: true }), location: Schema.string({ default: 'westeurope' }) }),
 * });
 * const rg = new aso.ResourceGroup(rgd.templates, 'rg', { name: 'placeholder', location: 'westeurope' });
 * const group = rgd.addResource({
 *   id: 'resourceGroup',
 *   template: rg,
 *   set: { 'metadata.name': `${rgd.spec('name')}-rg`, 'spec.location': rgd.spec('location') },
 * });
 * rgd.addStatus('resourceGroupId', rgd.ref(group, 'status.id'));
 */
export class ResourceGraphDefinition<S extends ObjectField<any, any> = ObjectField<any, any>> extends PlatformResource implements IResourceGraphDefinition {
  /**
   * Imports a ResourceGraphDefinition owned elsewhere (cluster-scoped; declared as provided, so
   * references to it resolve). Its instances cannot be typed: create them as plain objects.
   *
   * @example
   * const storage = ResourceGraphDefinition.fromName(folder, 'storage', { name: 'appstorage.kro.run' });
   */
  public static fromName(scope: Construct, id: string, props: ResourceImportProps): IResourceGraphDefinition {
    return importResource(scope, id, { apiGroup: 'kro.run', kind: 'ResourceGraphDefinition', apiVersion: 'kro.run/v1alpha1' }, props);
  }

  /** Kind of the instance API (`spec.schema.kind`); `kind` is `ResourceGraphDefinition`. */
  public readonly instanceKind: string;
  /** API group of the instance kind (`spec.schema.group`). */
  public readonly instanceGroup: string;
  /** Version of the instance kind (`v1alpha1`). */
  public readonly instanceVersion: string;
  /** `<group>/<version>` of the instance kind. */
  public readonly instanceApiVersion: string;
  public readonly scope: InstanceScope;
  public readonly specSchema: S;
  public readonly apiObject: RgdL1;
  /** The instance's SimpleSchema (`spec.schema.spec`). */
  public readonly simpleSchema: SimpleSchema;
  private readonly resources: AddedResource[] = [];
  private readonly status: Record<string, unknown> = {};
  private readonly exportedKeys = new Map<string, string>();
  private readonly instanceSchema: JsonSchema;
  private _templates?: Construct;

  public constructor(scope: Construct, id: string, props: ResourceGraphDefinitionProps<S>) {
    super(scope, id);
    this.instanceKind = checkString(this, 'kind', props.kind, { min: 1, max: 63, pattern: /^[A-Z][a-zA-Z0-9]*$/, description: 'an UpperCamelCase kind' });
    this.instanceGroup = checkString(this, 'group', props.group ?? 'kro.run', DNS_SUBDOMAIN);
    this.instanceVersion = checkString(this, 'apiVersion', props.apiVersion ?? 'v1alpha1', { pattern: /^v[0-9]+(alpha[0-9]+|beta[0-9]+)?$/, description: 'a Kubernetes version (v1, v1alpha1, v2beta3)' });
    this.instanceApiVersion = `${this.instanceGroup}/${this.instanceVersion}`;
    this.scope = props.scope ?? InstanceScope.NAMESPACED;
    if (!Object.values(InstanceScope).includes(this.scope)) throw propError(this, 'scope', `"${String(this.scope)}" is not an InstanceScope`);
    const name = checkString(this, 'name', props.name ?? `${this.instanceKind.toLowerCase()}.${this.instanceGroup}`, DNS_SUBDOMAIN);
    if (!(props.spec instanceof ObjectField)) throw propError(this, 'spec', 'must be a Schema.object(...)');
    this.specSchema = props.spec;
    try {
      this.simpleSchema = toSimpleSchema(props.spec);
    } catch (e) {
      throw propError(this, 'spec', (e as Error).message);
    }
    this.instanceSchema = {
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        spec: instanceSpecSchema(props.spec),
        status: { type: 'object', properties: KRO_INSTANCE_STATUS, 'x-kubernetes-preserve-unknown-fields': true },
      },
    };
    for (const [k, v] of Object.entries(props.status ?? {})) this.addStatus(k, v);

    this.apiObject = new RgdL1(this, 'Resource', {
      // Flux post-build substitution would rewrite kro's ${...} expressions: opt this object out.
      metadata: { name, annotations: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' } },
      spec: {
        schema: {
          apiVersion: this.instanceVersion,
          kind: this.instanceKind,
          group: this.instanceGroup,
          scope: this.scope === InstanceScope.CLUSTER ? (this.scope as any) : undefined,
          spec: this.simpleSchema as any,
          status: Lazy.any({ produce: () => (Object.keys(this.status).length > 0 ? this.status : undefined) }),
        },
        resources: Lazy.any({ produce: () => this.resources.map((r) => this.renderResource(r)) }),
      },
    });
    registerKindSchema({
      apiVersion: this.instanceApiVersion,
      kind: this.instanceKind,
      scope: this.scope,
      schema: this.instanceSchema,
      source: `ResourceGraphDefinition ${this.name} (${this.node.path})`,
    });
    for (const r of props.resources ?? []) this.addResource(r);
    this.node.addValidation({ validate: () => this.check() });
  }

  /**
   * A scope outside the app for template constructs (ASO L2s, L1s): nothing created under it is
   * written. It has a placeholder namespace, removed from the templates.
   */
  public get templates(): Construct {
    this._templates ??= new Chart(new App({ outdir: '/nonexistent' }), 'Templates', { namespace: TEMPLATE_NAMESPACE });
    return this._templates;
  }

  /** The openAPIV3Schema of the instance kind, as kro generates it (spec from the SimpleSchema). */
  public get instanceJsonSchema(): JsonSchema {
    return this.instanceSchema;
  }

  /** `${schema.spec.<path>}`: the expression reading a field of the instance's spec. Throws when the field is not in the schema. */
  public spec(path: FieldPaths<InferSchema<S>>): string {
    return this.instance(`spec.${path}`);
  }

  /** `${schema.<path>}`: the expression reading a field of the instance (`metadata.name`, `spec.x`). Throws when the field does not exist. */
  public instance(path: string): string {
    const segs = parseFieldPath(path).map((s) => ('field' in s ? s.field : '[]'));
    const r = resolvePath(this.instanceSchema, segs);
    if (r.error) throw propError(this, 'spec', `"schema.${path}": ${r.error}`);
    return `\${schema.${path}}`;
  }

  /** `${<id>.<path>}`: the expression reading a field of a resource of this graph. Throws when the field is not in the resource kind's schema. */
  public ref(resource: IRgdResource, path: string): string {
    if (!this.resources.some((r) => r.props.id === resource.id)) throw propError(this, 'resources', `resource "${resource.id}" is not part of this graph`);
    const schema = kindSchema(resource.apiVersion, resource.kind);
    if (schema) {
      const r = resolvePath(schema, parseFieldPath(path).map((s) => ('field' in s ? s.field : '[]')));
      if (r.error) throw propError(this, `resources.${resource.id}`, `"${resource.id}.${path}" is not in the schema of ${resource.kind} (${resource.apiVersion}): ${r.error}`);
    }
    return `\${${resource.id}.${path}}`;
  }

  /** Adds a resource. Throws when the id is invalid or taken, or the template is not an object with apiVersion and kind. */
  public addResource(props: RgdResourceProps): IRgdResource {
    const i = this.resources.length;
    const prop = `resources[${i}]`;
    const id = props.id;
    if (typeof id !== 'string' || !RESOURCE_ID.test(id)) throw propError(this, `${prop}.id`, `"${String(id)}" is not a valid kro resource id: must be lowerCamelCase (letters and digits, starting with a lower-case letter)`);
    if (RESERVED.has(id)) throw propError(this, `${prop}.id`, `"${id}" is a reserved word in kro`);
    if (this.resources.some((r) => r.props.id === id)) throw propError(this, `${prop}.id`, `resource id "${id}" is already used in this graph`);
    const t: any = props.template;
    const isL2 = t instanceof Construct && !(t instanceof ApiObject) && (t as any).apiObject instanceof ApiObject;
    const template = resolveBase(this, `${prop}.template`, isL2 ? (t as any).apiObject : props.template as ComposedBase);
    if (isL2) t.node.scope?.node.tryRemoveChild(t.node.id);
    if (template.metadata?.namespace === TEMPLATE_NAMESPACE) delete template.metadata.namespace;
    const originalName = template.metadata?.name;
    // Owners between templates: an ASO owner that is another template's object becomes an expression.
    const ownerName = template.spec?.owner?.name;
    if (isL2 && typeof ownerName === 'string' && !ownerName.includes('${')) {
      const targets = referencesOf(t).map((r) => r.target()).filter((r) => r.name === ownerName);
      const owner = this.resources.find((r) => r.originalName === ownerName && targets.some((x) => x.kind === r.template.kind && x.apiGroup === groupOf(String(r.template.apiVersion))));
      if (owner) template.spec.owner.name = `\${${owner.props.id}.metadata.name}`;
    }
    if (props.removalPolicy !== undefined || !isL2) {
      const policy = props.removalPolicy ?? (isStatefulKind(String(template.apiVersion), String(template.kind)) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
      if (!Object.values(RemovalPolicy).includes(policy)) throw propError(this, `${prop}.removalPolicy`, `"${String(policy)}" is not a RemovalPolicy`);
      applyBasePolicy(template, policy);
    }
    const annotations = template.metadata?.annotations;
    if (annotations) {
      dropGitOpsEngineAnnotations(annotations); // kro owns these objects, not Flux or Argo CD
      if (Object.keys(annotations).length === 0) delete template.metadata.annotations;
    }
    for (const [path, value] of Object.entries(props.set ?? {})) {
      try {
        setFieldPath(template, path, value);
      } catch (e) {
        throw propError(this, `${prop}.set.${path}`, (e as Error).message);
      }
    }
    const added: AddedResource = { props, template, originalName };
    this.resources.push(added);
    return { id, apiVersion: String(template.apiVersion), kind: String(template.kind) };
  }

  /** Adds a `schema.status` field (dotted path for nested fields) set from a `${...}` expression. */
  public addStatus(path: string, expression: string | StatusFields): void {
    if (typeof expression === 'object' && expression !== null) {
      for (const [k, v] of Object.entries(expression)) this.addStatus(`${path}.${k}`, v);
      return;
    }
    let expressions: unknown[] = [];
    try {
      if (typeof expression === 'string') expressions = findExpressions(expression);
    } catch (e) {
      throw propError(this, `status.${path}`, (e as Error).message);
    }
    if (typeof expression !== 'string' || expressions.length === 0) {
      throw propError(this, `status.${path}`, 'must be a ${...} expression (kro does not support status fields without expressions)');
    }
    if (path === 'state' || path === 'conditions' || path.startsWith('conditions.')) throw propError(this, `status.${path}`, 'is set by kro itself');
    setFieldPath(this.status, path, expression);
  }

  /**
   * Exports values to a ConfigMap `<instance name>-<suffix>` in the instance's namespace (a
   * resource `id` of this graph), so workloads outside the graph can read them
   * ({@link RgdInstance.exportedValue}). Values are `${...}` expressions returning strings.
   */
  public exportToConfigMap(data: Record<string, string>, options: { readonly id?: string; readonly suffix?: string } = {}): IRgdResource {
    const suffix = checkString(this, 'exportToConfigMap.suffix', options.suffix ?? 'exports', { pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, description: 'a DNS label suffix' });
    for (const key of Object.keys(data)) {
      checkString(this, `exportToConfigMap.data.${key}`, key, { pattern: /^[-._a-zA-Z0-9]+$/, max: 253, description: 'a ConfigMap key' });
      this.exportedKeys.set(key, suffix);
    }
    return this.addResource({
      id: options.id ?? 'exports',
      template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `\${schema.metadata.name}-${suffix}` }, data: { ...data } },
    });
  }

  /** @internal The ConfigMap suffix a key is exported under, if any. */
  public exportSuffix(key: string): string | undefined {
    return this.exportedKeys.get(key);
  }

  /** Keys exported with {@link exportToConfigMap}, sorted. */
  public get exportedValueKeys(): string[] {
    return [...this.exportedKeys.keys()].sort();
  }

  /** Resource ids, in order. */
  public get resourceIds(): string[] {
    return this.resources.map((r) => r.props.id);
  }

  /** The RGD as JSON (what is written). */
  public toJson(): Record<string, any> {
    return this.apiObject.toJson();
  }

  private renderResource(r: AddedResource): Record<string, unknown> {
    const out: Record<string, unknown> = { id: r.props.id, template: r.template };
    if (r.props.readyWhen?.length) out.readyWhen = [...r.props.readyWhen];
    if (r.props.includeWhen?.length) out.includeWhen = [...r.props.includeWhen];
    return out;
  }

  /**
   * Every problem of the graph's expressions and dependencies, one line each:
   * `ResourceGraphDefinition "<name>": resource "<id>": field "<path>": expression "<expr>": <reason>`.
   */
  public check(): string[] {
    const problems: string[] = [];
    const ids = new Map(this.resources.map((r) => [r.props.id, r]));
    const deps = new Map<string, Set<string>>();
    const head = `ResourceGraphDefinition "${this.name}"`;

    for (const r of this.resources) {
      const naming = azureNameProblem(r.template);
      if (naming) problems.push(`${head}: resource "${r.props.id}": ${naming}`);
    }

    /** Checks one expression; returns the resource ids it reads. */
    const checkExpr = (where: string, expression: string, allowed: (root: string) => string | undefined): { roots: string[]; type?: string; ok: boolean } => {
      const say = (why: string) => problems.push(`${head}: ${where}: expression "\${${expression}}": ${why}`);
      let analysis;
      try {
        analysis = analyzeExpression(expression);
      } catch (e) {
        say(`is not valid CEL: ${(e as Error).message}`);
        return { roots: [], ok: false };
      }
      const roots: string[] = [];
      let ok = true;
      let type = analysis.literalType;
      for (const sel of analysis.selections) {
        const denied = allowed(sel.root);
        if (denied) {
          say(denied);
          ok = false;
          continue;
        }
        if (sel.root !== 'schema') roots.push(sel.root);
        const r = this.resolveSelection(sel, ids);
        if (r.error) {
          say(r.error);
          ok = false;
        } else if (sel === analysis.whole) {
          type = r.unknown ? undefined : typeName(r.schema);
        }
      }
      return { roots, type, ok };
    };

    const resourceRoot = (root: string) => (root === 'schema' || ids.has(root) ? undefined : `unknown resource id "${root}" (resources: ${[...ids.keys()].join(', ') || 'none'}; the instance is "schema")`);

    for (const r of this.resources) {
      const id = r.props.id;
      const own = new Set<string>();
      deps.set(id, own);
      const target = kindSchema(String(r.template.apiVersion), String(r.template.kind));
      walkStrings(r.template, [], (value, path) => {
        let occurrences;
        const field = formatPath(path);
        try {
          occurrences = findExpressions(value);
        } catch (e) {
          problems.push(`${head}: resource "${id}": field "${field}": ${(e as Error).message}`);
          return;
        }
        if (occurrences.length === 0) return;
        const targetSchema = target ? resolvePath(target, path.map((p) => (typeof p === 'number' ? '[]' : p))) : undefined;
        if (targetSchema?.error) {
          problems.push(`${head}: resource "${id}": field "${field}" is not in the schema of ${r.template.kind} (${r.template.apiVersion}): ${targetSchema.error}`);
          return;
        }
        const targetType = target ? typeName(targetSchema?.schema) : 'any';
        for (const o of occurrences) {
          const res = checkExpr(`resource "${id}": field "${field}"`, o.expression, resourceRoot);
          res.roots.forEach((x) => own.add(x));
          if (!res.ok) continue;
          if (o.standalone) {
            if (res.type && !typeFits(res.type, targetType)) {
              problems.push(`${head}: resource "${id}": field "${field}": expression "\${${o.expression}}": is ${res.type}, but the field is ${targetType}`);
            }
          } else if (!typeFits('string', targetType)) {
            problems.push(`${head}: resource "${id}": field "${field}": expression "\${${o.expression}}": a string template (text around \${...}) makes a string, but the field is ${targetType}`);
          }
        }
      });
      for (const [kind, list] of [['readyWhen', r.props.readyWhen ?? []], ['includeWhen', r.props.includeWhen ?? []]] as const) {
        list.forEach((cond, j) => {
          const occ = safeFind(cond);
          if (occ.length !== 1 || !occ[0].standalone) {
            problems.push(`${head}: resource "${id}": ${kind}[${j}] "${cond}": must be one \${...} expression`);
            return;
          }
          const allowed = kind === 'readyWhen'
            ? (root: string) => (root === id ? undefined : `readyWhen may only read the resource itself ("${id}"), not "${root}"`)
            : resourceRoot;
          const res = checkExpr(`resource "${id}": ${kind}[${j}]`, occ[0].expression, allowed);
          if (kind === 'includeWhen') res.roots.forEach((x) => own.add(x));
          if (res.ok && res.type && res.type !== 'boolean' && res.type !== 'any') {
            problems.push(`${head}: resource "${id}": ${kind}[${j}]: expression "\${${occ[0].expression}}": is ${res.type}, but a condition must be boolean`);
          }
        });
      }
      if (own.delete(id)) problems.push(`${head}: resource "${id}": reads itself outside readyWhen (kro needs an acyclic graph)`);
    }
    walkStrings(this.status, [], (value, path) => {
      for (const o of safeFind(value)) checkExpr(`status field "${formatPath(path)}"`, o.expression, resourceRoot);
    });
    const cycle = findCycle(deps);
    if (cycle) problems.push(`${head}: resources depend on each other in a cycle: ${cycle.join(' -> ')} (kro needs an acyclic graph: remove one of the references)`);
    return problems;
  }

  private resolveSelection(sel: Selection, ids: Map<string, AddedResource>): { schema?: JsonSchema; unknown?: boolean; error?: string } {
    if (sel.root === 'schema') {
      if (sel.path.length === 0) return { unknown: true };
      const r = resolvePath(this.instanceSchema, sel.path);
      if (r.error) return { error: `"schema.${sel.path.join('.')}" is not in the schema of ${this.instanceKind}: ${r.error}` };
      return { schema: r.schema, unknown: r.schema === undefined };
    }
    const res = ids.get(sel.root)!;
    const schema = kindSchema(String(res.template.apiVersion), String(res.template.kind));
    if (!schema) return { unknown: true };
    const r = resolvePath(schema, sel.path);
    if (r.error) return { error: `"${sel.root}.${sel.path.join('.')}" is not in the schema of ${res.template.kind} (${res.template.apiVersion}): ${r.error}` };
    return { schema: r.schema, unknown: r.schema === undefined };
  }
}

function kindSchema(apiVersion: string, kind: string): JsonSchema | undefined {
  return SchemaRegistry.default().get(apiVersion, kind)?.schema ?? CORE_SCHEMAS[`${apiVersion}/${kind}`];
}

function safeFind(v: string): ReturnType<typeof findExpressions> {
  try {
    return findExpressions(v);
  } catch {
    return [];
  }
}

function walkStrings(v: unknown, path: Array<string | number>, f: (value: string, path: Array<string | number>) => void): void {
  if (typeof v === 'string') f(v, path);
  else if (Array.isArray(v)) v.forEach((x, i) => walkStrings(x, [...path, i], f));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walkStrings(x, [...path, k], f);
}

function formatPath(path: Array<string | number>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += /^[A-Za-z0-9_-]+$/.test(p) ? (out ? `.${p}` : p) : `[${p}]`;
  }
  return out;
}


