import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError, StringRule } from './errors';
import { isClusterScoped } from './kinds';
import { addProvided, ObjectRef } from './references';
import { applyRemovalPolicy, RemovalPolicy } from './removal-policy';
import { groupOf } from './validation/metadata';

/**
 * A Kubernetes object of the platform, made by this app or owned elsewhere: what other
 * constructs refer to. Every L2 construct of every family implements it, and so does every
 * `X.fromName(scope, id, { name, namespace })` import.
 */
export interface IPlatformResource extends IConstruct {
  /** API group of the kind (`''` for the core group). */
  readonly apiGroup: string;
  /** Kind (e.g. `Kustomization`, `ResourceGroup`). */
  readonly kind: string;
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.namespace`; undefined for cluster-scoped kinds. */
  readonly namespace?: string;
}

/**
 * Base of every L2 construct (models: cdk8s-plus `Resource`, aws-cdk-lib `Resource`): one L1
 * handle under one name ({@link apiObject}), its `name`, `namespace`, `apiGroup` and `kind` read
 * from it, {@link applyRemovalPolicy} next to the `removalPolicy` prop, and an {@link ObjectRef}
 * for references.
 *
 * @example
 * class Widget extends PlatformResource {
 *   public readonly apiObject: ApiObject;
 *   public constructor(scope: Construct, id: string, props: WidgetProps) {
 *     super(scope, id);
 *     this.apiObject = new ApiObject(this, 'Resource', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: props.name } });
 *   }
 * }
 */
export abstract class PlatformResource extends Construct implements IPlatformResource {
  /** The L1 object this construct renders (its child `Resource`). */
  public abstract readonly apiObject: ApiObject;

  public get apiGroup(): string {
    return groupOf(this.apiObject.apiVersion);
  }

  public get kind(): string {
    return this.apiObject.kind;
  }

  public get name(): string {
    return this.apiObject.name;
  }

  public get namespace(): string | undefined {
    // An ApiObject carries its Folder's namespace even when its kind is cluster-scoped.
    return isClusterScoped(this.apiObject.apiVersion, this.apiObject.kind) ? undefined : this.apiObject.metadata.namespace;
  }

  /**
   * Sets what happens to the object (and what it manages) when it is removed from the app, on
   * every engine and controller at once: Flux prune, Argo CD sync options, ASO reconcile policy,
   * Crossplane management policies (see {@link RemovalPolicy}).
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    applyRemovalPolicy(this.apiObject, policy);
  }

  /** This object as an {@link ObjectRef}. */
  public toRef(): ObjectRef {
    return { apiGroup: this.apiGroup, kind: this.kind, name: this.name, namespace: this.namespace };
  }
}

/**
 * Props of every `X.fromName(scope, id, props)`: an object of the platform that another team or
 * another app owns. Nothing is rendered; references to it resolve.
 */
export interface ResourceImportProps {
  /** `metadata.name` of the object. */
  readonly name: string;
  /**
   * Its namespace (ignored for cluster-scoped kinds).
   * @default - the namespace of the enclosing folder (or family scope)
   */
  readonly namespace?: string;
}

/** What {@link importResource} needs besides the {@link ResourceImportProps}. */
export interface ResourceImportKind {
  /** API group of the kind (`''` for the core group). */
  readonly apiGroup: string;
  /** Kind. */
  readonly kind: string;
  /** An apiVersion of the kind, to tell cluster-scoped kinds (`${apiGroup}/v1` when omitted). */
  readonly apiVersion?: string;
  /**
   * The rule for `name`.
   * @default DNS_SUBDOMAIN
   */
  readonly nameRule?: StringRule;
  /**
   * Namespace used when `props.namespace` is not set and the scope has none.
   * @default - none: the namespace is required
   */
  readonly defaultNamespace?: string;
  /**
   * Whether to declare the object as provided (references to it resolve).
   * @default true
   */
  readonly provided?: boolean;
}

/**
 * An object owned elsewhere, as returned by {@link importResource} (and so by every
 * `X.fromName(...)`): its identity only; nothing is rendered, and it is declared as provided.
 *
 * @example
 * const shared = importResource(folder, 'platform-repo', { apiGroup: 'source.toolkit.fluxcd.io', kind: 'GitRepository' }, { name: 'platform', namespace: 'flux-system' });
 * shared.toRef(); // { apiGroup: 'source.toolkit.fluxcd.io', kind: 'GitRepository', name: 'platform', namespace: 'flux-system' }
 */
export class ImportedResource extends Construct implements IPlatformResource {
  public readonly apiGroup: string;
  public readonly kind: string;
  public readonly name: string;
  public readonly namespace?: string;

  public constructor(scope: Construct, id: string, kind: ResourceImportKind, props: ResourceImportProps) {
    super(scope, id);
    this.apiGroup = kind.apiGroup;
    this.kind = kind.kind;
    if (props === null || typeof props !== 'object') {
      throw new Error(`${this.node.path}: fromName takes { name, namespace } (e.g. ${kind.kind}.fromName(this, '${id}', { name: 'x', namespace: 'y' }))`);
    }
    this.name = checkString(this, 'name', props.name, kind.nameRule ?? DNS_SUBDOMAIN);
    const apiVersion = kind.apiVersion ?? (kind.apiGroup === '' ? 'v1' : `${kind.apiGroup}/v1`);
    if (!isClusterScoped(apiVersion, kind.kind)) {
      const ns = props.namespace ?? scopeNamespace(scope) ?? kind.defaultNamespace;
      if (ns === undefined) throw propError(this, 'namespace', 'is required: set it, or import the object in a Folder with a namespace');
      this.namespace = checkString(this, 'namespace', ns, DNS_LABEL);
    }
    if (kind.provided ?? true) addProvided(this, this.toRef());
  }

  /** This object as an {@link ObjectRef}. */
  public toRef(): ObjectRef {
    return { apiGroup: this.apiGroup, kind: this.kind, name: this.name, namespace: this.namespace };
  }
}

/**
 * Declares an object owned elsewhere: the one implementation behind every `X.fromName(...)`.
 *
 * @example
 * public static fromName(scope: Construct, id: string, props: ResourceImportProps): IKustomization {
 *   return importResource(scope, id, { apiGroup: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization' }, props) as IKustomization;
 * }
 */
export function importResource(scope: Construct, id: string, kind: ResourceImportKind, props: ResourceImportProps): ImportedResource {
  return new ImportedResource(scope, id, kind, props);
}

const SCOPE_NAMESPACE = Symbol.for('cdk8s-platform.scopeNamespace');

/**
 * Makes `scope` give its constructs a default namespace (used by family scopes such as ASO's
 * `AsoCredentialScope`); a Folder's (Chart's) namespace applies below it otherwise.
 */
export function setScopeNamespace(scope: IConstruct, namespace: string): void {
  (scope as unknown as Record<symbol, string>)[SCOPE_NAMESPACE] = namespace;
}

/**
 * The default namespace at `scope`: that of the nearest enclosing construct given one with
 * {@link setScopeNamespace}, or of the nearest Folder (Chart) with a namespace; undefined if none.
 * The one rule every family uses for "the folder's namespace".
 */
export function scopeNamespace(scope: IConstruct): string | undefined {
  for (let c: IConstruct | undefined = scope; c; c = c.node.scope) {
    const ns = (c as unknown as Record<symbol, string | undefined>)[SCOPE_NAMESPACE];
    if (ns !== undefined) return ns;
    if (Chart.isChart(c) && c.namespace !== undefined) return c.namespace;
  }
  return undefined;
}
