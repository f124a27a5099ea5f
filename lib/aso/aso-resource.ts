import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { checkString, DNS_SUBDOMAIN, propError, StringRule } from '../core/errors';
import { ExportedValue } from '../core/exported-value';
import { addProvided, addReference, ObjectRef } from '../core/references';
import { applyRemovalPolicy, RemovalPolicy } from '../core/removal-policy';
import { groupOf } from '../core/validation/metadata';
import { namespaceOf, scopeDefaults } from './context';
import { AZURE_LOCATION } from './naming';
import { ISecretSource } from '../core/secret';

/** ASO's annotation naming the credential Secret (in the resource's namespace) a resource uses. */
const ASO_CREDENTIAL_FROM_ANNOTATION = 'serviceoperator.azure.com/credential-from';

/** An ASO resource: a namespaced Kubernetes object that ASO turns into an Azure resource. */
export interface IAsoResource extends IConstruct {
  /** API group of the ASO kind (e.g. `resources.azure.com`). */
  readonly apiGroup: string;
  /** ASO kind (e.g. `ResourceGroup`). */
  readonly kind: string;
  /** `metadata.name` of the ASO object (what owners refer to). */
  readonly resourceName: string;
  /** Namespace of the ASO object (owned resources must be in the same one). */
  readonly namespace: string;
  /** Name of the resource in Azure. */
  readonly azureName: string;
  /** Azure region, when known (children default to it). */
  readonly location?: string;
  /**
   * The Azure subscription the resource is in, when the app knows it (from an owner given as an
   * ARM resource ID, or the `subscriptionId` of its credential or {@link AsoCredentialScope}).
   */
  readonly subscriptionId?: string;
}

/** Props every ASO construct takes. */
export interface AsoResourceProps {
  /**
   * Namespace of the ASO object. Owners and owned resources must share it.
   * @default - the enclosing AsoCredentialScope's namespace, else the folder's namespace
   */
  readonly namespace?: string;
  /**
   * The Secret ASO authenticates with for this resource (`serviceoperator.azure.com/credential-from`):
   * an {@link AsoCredential}, an `AsoCredential.fromName(...)` import, or the name of an existing
   * Secret in the resource's namespace. Never a value: the credential is not written to Git.
   * @default - the enclosing AsoCredentialScope's credential, else none (ASO uses the namespace's
   * `aso-credential` Secret, else its global credential)
   */
  readonly credentialFrom?: ISecretSource | string;
  /**
   * What happens to the Azure resource when this object is removed from the app (see each
   * construct for its default).
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** An export switched on by using its handle. */
interface ExportEntry {
  readonly kind: 'Secret' | 'ConfigMap';
  readonly property: string;
  /** CEL expression for `secretExpressions`/`configMapExpressions`; absent: a built-in `secrets`/`configMaps` entry. */
  readonly expression?: string;
}

/**
 * Base of the ASO L2 constructs: namespace and credential resolution, owners by reference,
 * removal policy, and exports as {@link ExportedValue} handles.
 *
 * Exports: ASO writes the values a resource exports into a Secret `<resource-name>-secrets` and
 * a ConfigMap `<resource-name>-config` in the resource's namespace, one key per value, named
 * after the ASO property (`fullyQualifiedDomainName`, `blobEndpoint`, `clientId`, ...). Only the
 * values whose handle is used are exported (`operatorSpec` is rendered lazily).
 *
 * @example
 * // Every ASO construct extends AsoResource and takes its props (namespace, credentialFrom, removalPolicy):
 * const rg = new ResourceGroup(folder, 'rg', { name: 'rg-files', location: 'westeurope', credentialFrom: 'aso-credential-files' });
 * const account = new StorageAccount(folder, 'st', { name: 'stfiles', resourceGroup: rg, removalPolicy: RemovalPolicy.RETAIN });
 * // Using an export handle switches the export on (ConfigMap `stfiles-config`, key `blobEndpoint`):
 * const blobEndpoint = account.exports.blobEndpoint.envValue(workload);
 */
export abstract class AsoResource extends Construct implements IAsoResource {
  public readonly namespace: string;
  /** The credential Secret this resource uses, if one was set or inherited. */
  public readonly credential?: ISecretSource | string;
  private _apiObject?: ApiObject;
  private _owner?: IAsoResource | string;
  private readonly exportsUsed = new Map<string, ExportEntry>();

  protected constructor(scope: Construct, id: string, props: AsoResourceProps) {
    super(scope, id);
    this.namespace = namespaceOf(this, 'namespace', props.namespace);
    this.credential = props.credentialFrom ?? scopeDefaults(this)?.credential;
  }

  /** The ASO object (the L1 child `Resource`). */
  public get apiObject(): ApiObject {
    if (!this._apiObject) throw new Error(`${this.node.path}: the ASO object is not created yet`);
    return this._apiObject;
  }

  public get apiGroup(): string {
    return groupOf(this.apiObject.apiVersion);
  }

  public get kind(): string {
    return this.apiObject.kind;
  }

  public get resourceName(): string {
    return this.apiObject.metadata.name!;
  }

  public abstract get azureName(): string;

  /**
   * The Azure subscription of the resource, when the app knows it: the one in its owner's ARM
   * resource ID, else its owner's, else the `subscriptionId` of its {@link AsoCredential}, else
   * that of the enclosing {@link AsoCredentialScope}.
   */
  public get subscriptionId(): string | undefined {
    const owner = this._owner;
    if (typeof owner === 'string') return subscriptionOfArmId(owner);
    const cred = this.credential as { subscriptionId?: string } | string | undefined;
    return owner?.subscriptionId ?? (typeof cred === 'object' ? cred.subscriptionId : undefined) ?? scopeDefaults(this)?.subscriptionId;
  }

  /** The name of the Secret ASO writes this resource's secret exports into: `<resource-name>-secrets`. */
  public get exportSecretName(): string {
    return `${this.resourceName}-secrets`;
  }

  /** The name of the ConfigMap ASO writes this resource's config exports into: `<resource-name>-config`. */
  public get exportConfigMapName(): string {
    return `${this.resourceName}-config`;
  }

  /** This resource as an {@link ObjectRef}. */
  public ref(): ObjectRef {
    return { apiGroup: this.apiGroup, kind: this.kind, name: this.resourceName, namespace: this.namespace };
  }

  /**
   * Registers the ASO object: applies the removal policy (if any) and the credential annotation. Called
   * by subclasses right after creating it.
   */
  protected bind(obj: ApiObject, removalPolicy?: RemovalPolicy): void {
    this._apiObject = obj;
    if (removalPolicy !== undefined) applyRemovalPolicy(obj, removalPolicy);
    const cred = this.credential;
    if (cred === undefined) return;
    let name: string;
    if (typeof cred === 'string') {
      name = checkString(this, 'credentialFrom', cred, DNS_SUBDOMAIN);
      addProvided(this, { apiGroup: '', kind: 'Secret', name, namespace: this.namespace });
    } else {
      if (cred.secretNamespace !== this.namespace) {
        throw propError(
          this,
          'credentialFrom',
          `Secret "${cred.secretName}" (${cred.node.path}) is in namespace "${cred.secretNamespace}", ` +
            `but ASO reads credentials from the resource's namespace ("${this.namespace}")`,
        );
      }
      name = cred.secretName;
    }
    obj.metadata.addAnnotation(ASO_CREDENTIAL_FROM_ANNOTATION, name);
    addReference(this, 'credentialFrom', { apiGroup: '', kind: 'Secret', name, namespace: this.namespace });
  }

  /**
   * The `owner` of this resource: `{ name }` of an ASO object in the same namespace (a reference
   * is recorded), or `{ armId }` of an existing Azure resource.
   */
  protected ownerOf(prop: string, owner: IAsoResource | string, accepts: string, armId: RegExp): { name?: string; armId?: string } {
    this._owner = owner;
    if (typeof owner === 'string') {
      if (!armId.test(owner)) throw propError(this, prop, `"${owner}" is neither ${accepts} construct nor its ARM resource ID (${armId.source})`);
      return { armId: owner };
    }
    if (owner === null || typeof owner !== 'object' || typeof (owner as IAsoResource).resourceName !== 'string') {
      throw propError(this, prop, `must be ${accepts} construct or its ARM resource ID`);
    }
    if (owner.namespace !== this.namespace) {
      throw propError(
        this,
        prop,
        `owner ${owner.kind} "${owner.resourceName}" (${owner.node.path}) is in namespace "${owner.namespace}", but ASO owners must be ` +
          `in the resource's namespace ("${this.namespace}"): create both in one namespace, or pass the owner's ARM resource ID`,
      );
    }
    addReference(this, prop, () => ({ apiGroup: owner.apiGroup, kind: owner.kind, name: owner.resourceName, namespace: owner.namespace }));
    return { name: owner.resourceName };
  }

  /**
   * A reference (not an owner) to another resource, as ASO's `ResourceReference`:
   * `{ group, kind, name }` of an ASO object in the same namespace (a reference is recorded), or
   * `{ armId }` of an existing Azure resource matching `armId`.
   */
  protected referenceTo(prop: string, target: IAsoResource | string, accepts: string, armId: RegExp): { armId?: string; group?: string; kind?: string; name?: string } {
    if (typeof target === 'string') {
      checkString(this, prop, target, { pattern: armId, description: `${accepts} construct or its ARM resource ID` });
      return { armId: target };
    }
    if (target === null || typeof target !== 'object' || typeof target.resourceName !== 'string') throw propError(this, prop, `must be ${accepts} construct or its ARM resource ID`);
    if (target.namespace !== this.namespace) {
      throw propError(
        this,
        prop,
        `${target.kind} "${target.resourceName}" (${target.node.path}) is in namespace "${target.namespace}", but ASO resolves references in the resource's ` +
          `namespace ("${this.namespace}"): create both in one namespace, or pass its ARM resource ID`,
      );
    }
    addReference(this, prop, () => ({ apiGroup: target.apiGroup, kind: target.kind, name: target.resourceName, namespace: target.namespace }));
    return { group: target.apiGroup, kind: target.kind, name: target.resourceName };
  }

  /** The Azure region: `explicit`, else the owner's. */
  protected locationOf(explicit: string | undefined, owner: IAsoResource | string): string {
    const loc = explicit ?? (typeof owner === 'string' ? undefined : owner.location);
    if (loc === undefined) throw propError(this, 'location', 'is required when the owner is given as an ARM resource ID');
    return checkString(this, 'location', loc, AZURE_LOCATION);
  }

  /**
   * A handle to a value ASO can export for this resource: a built-in `operatorSpec.secrets` /
   * `configMaps` property, or (with `expression`) a CEL `secretExpressions` /
   * `configMapExpressions` entry. `guard` runs on first use (to reject exports that cannot work).
   */
  protected exportValue(kind: 'Secret' | 'ConfigMap', property: string, expression?: string, guard?: () => void): ExportedValue {
    const id = `${kind}/${property}`;
    return new ExportedValue(
      () => ({ kind, name: kind === 'Secret' ? this.exportSecretName : this.exportConfigMapName, namespace: this.namespace, key: property }),
      () => {
        if (this.exportsUsed.has(id)) return;
        guard?.();
        if (![...this.exportsUsed.values()].some((e) => e.kind === kind)) {
          addProvided(this, () => ({ apiGroup: '', kind, name: kind === 'Secret' ? this.exportSecretName : this.exportConfigMapName, namespace: this.namespace }));
        }
        this.exportsUsed.set(id, { kind, property, expression });
      },
    );
  }

  /**
   * The construct id `<prefix>-<name>` of a child a helper method (`container()`, `subnet()`...)
   * is about to create, after checking `name` against the child's Azure naming `rule` and that no
   * other child has it: so a bad or repeated name is a prop error of this construct (prop
   * `name`), never a construct path holding an invalid name or a constructs-library error.
   */
  protected childId(prefix: string, what: string, name: string, rule: StringRule): string {
    checkString(this, 'name', name, { ...rule, description: `a ${what} name: ${rule.description}` });
    const id = `${prefix}-${name}`;
    if (this.node.tryFindChild(id)) throw propError(this, 'name', `"${name}" is used by another ${what}`);
    return id;
  }

  /** `spec.operatorSpec`, rendered at synth from the exports in use (undefined when none). */
  protected lazyOperatorSpec(): any {
    return Lazy.any({ produce: () => this.renderOperatorSpec() });
  }

  private renderOperatorSpec(): Record<string, unknown> | undefined {
    const entries = [...this.exportsUsed.values()].sort((a, b) => (a.kind + a.property).localeCompare(b.kind + b.property));
    if (entries.length === 0) return undefined;
    const out: Record<string, any> = {};
    for (const e of entries) {
      const name = e.kind === 'Secret' ? this.exportSecretName : this.exportConfigMapName;
      if (e.expression !== undefined) {
        const field = e.kind === 'Secret' ? 'secretExpressions' : 'configMapExpressions';
        (out[field] ??= []).push({ name, key: e.property, value: e.expression });
      } else {
        const field = e.kind === 'Secret' ? 'secrets' : 'configMaps';
        (out[field] ??= {})[e.property] = { name, key: e.property };
      }
    }
    return out;
  }
}

/**
 * Runs `create` (which makes the child `id` of `parent`); when it throws, removes the half-made
 * child again, so a helper method (`addPrivateEndpoint()`, `grant()`) called again after a bad
 * call reports the real problem instead of a duplicate.
 */
export function constructOrRemove<T>(parent: IConstruct, id: string, create: () => T): T {
  try {
    return create();
  } catch (e) {
    parent.node.tryRemoveChild(id);
    throw e;
  }
}

/** The subscription GUID of an ARM resource ID (`/subscriptions/<guid>/...`), lowercased; undefined when it has none. */
export function subscriptionOfArmId(armId: string): string | undefined {
  return /^\/subscriptions\/([0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})(\/|$)/.exec(armId)?.[1].toLowerCase();
}

/** Validates Azure tags (at most 50; keys up to 512 characters without `<>%&\?/`, values up to 256). */
export function checkTags(scope: IConstruct, tags: Record<string, string> | undefined): Record<string, string> | undefined {
  if (tags === undefined) return undefined;
  const keys = Object.keys(tags);
  if (keys.length > 50) throw propError(scope, 'tags', `has ${keys.length} tags; Azure allows at most 50`);
  for (const k of keys) {
    if (k.length === 0 || k.length > 512 || /[<>%&\\?/]/.test(k)) throw propError(scope, `tags.${k}`, 'tag names must be 1-512 characters without <, >, %, &, \\, ? or /');
    if (typeof tags[k] !== 'string' || tags[k].length > 256) throw propError(scope, `tags.${k}`, 'tag values must be strings of at most 256 characters');
  }
  return Object.keys(tags).length ? Object.fromEntries(keys.sort().map((k) => [k, tags[k]])) : undefined;
}
