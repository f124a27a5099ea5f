import { ApiObject, Lazy } from 'cdk8s';
import { AZURE_MAX_TAGS, azureTagNameProblem } from '../core/azure-tags';
import { Construct, IConstruct } from 'constructs';
import { checkString, propError, StringRule } from '../core/errors';
import { ExportedValue } from '../core/exported-value';
import { addProvided, addReference } from '../core/references';
import { applyRemovalPolicy, RemovalPolicy } from '../core/removal-policy';
import { ImportedResource, IPlatformResource, PlatformResource, ResourceImportProps } from '../core/resource';
import { ISecretSource, resolveSecret } from '../core/secret';
import { namespaceOf, scopeDefaults } from './context';
import { AZURE_LOCATION, checkSubscriptionId } from './naming';

/** ASO's annotation naming the credential Secret (in the resource's namespace) a resource uses. */
const ASO_CREDENTIAL_FROM_ANNOTATION = 'serviceoperator.azure.com/credential-from';

/** An ASO resource: a namespaced Kubernetes object that ASO turns into an Azure resource. */
export interface IAsoResource extends IPlatformResource {
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
export abstract class AsoResource extends PlatformResource implements IAsoResource {
  /** The credential Secret this resource uses, if one was set or inherited. */
  public readonly credential?: ISecretSource | string;
  private readonly _namespace: string;
  private _owner?: IAsoResource | string;
  private readonly exportsUsed = new Map<string, ExportEntry>();

  protected constructor(scope: Construct, id: string, props: AsoResourceProps) {
    super(scope, id);
    this._namespace = namespaceOf(this, 'namespace', props.namespace);
    this.credential = props.credentialFrom ?? scopeDefaults(this)?.credential;
  }

  /** Namespace of the ASO object (known before the object is created). */
  public override get namespace(): string {
    return this._namespace;
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

  /** The name of the Secret ASO writes this resource's secret exports into: `<name>-secrets`. */
  public get exportSecretName(): string {
    return `${this.name}-secrets`;
  }

  /** The name of the ConfigMap ASO writes this resource's config exports into: `<name>-config`. */
  public get exportConfigMapName(): string {
    return `${this.name}-config`;
  }

  /**
   * Registers the ASO object (the subclass's {@link apiObject}): applies the removal policy (if
   * any) and the credential annotation. Called by subclasses right after creating it.
   */
  protected bind(obj: ApiObject, removalPolicy?: RemovalPolicy): void {
    if (removalPolicy !== undefined) applyRemovalPolicy(obj, removalPolicy);
    const name = credentialAnnotation(this, 'credentialFrom', this.credential, this.namespace);
    if (name !== undefined) obj.metadata.addAnnotation(ASO_CREDENTIAL_FROM_ANNOTATION, name);
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
    if (owner === null || typeof owner !== 'object' || typeof (owner as IAsoResource).name !== 'string') {
      throw propError(this, prop, `must be ${accepts} construct or its ARM resource ID`);
    }
    if (owner.namespace !== this.namespace) {
      throw propError(
        this,
        prop,
        `owner ${owner.kind} "${owner.name}" (${owner.node.path}) is in namespace "${owner.namespace}", but ASO owners must be ` +
          `in the resource's namespace ("${this.namespace}"): create both in one namespace, or pass the owner's ARM resource ID`,
      );
    }
    addReference(this, prop, () => ({ apiGroup: owner.apiGroup, kind: owner.kind, name: owner.name, namespace: owner.namespace }));
    return { name: owner.name };
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
    if (target === null || typeof target !== 'object' || typeof target.name !== 'string') throw propError(this, prop, `must be ${accepts} construct or its ARM resource ID`);
    if (target.namespace !== this.namespace) {
      throw propError(
        this,
        prop,
        `${target.kind} "${target.name}" (${target.node.path}) is in namespace "${target.namespace}", but ASO resolves references in the resource's ` +
          `namespace ("${this.namespace}"): create both in one namespace, or pass its ARM resource ID`,
      );
    }
    addReference(this, prop, () => ({ apiGroup: target.apiGroup, kind: target.kind, name: target.name, namespace: target.namespace }));
    return { group: target.apiGroup, kind: target.kind, name: target.name };
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

/**
 * The name of the credential Secret `cred` that `consumer` (in `namespace`) names in its
 * `serviceoperator.azure.com/credential-from` annotation, undefined when none; records the
 * reference (a name string is a Secret managed outside the app, declared as provided). ASO reads
 * credentials from the resource's namespace only.
 */
export function credentialAnnotation(consumer: IConstruct, prop: string, cred: ISecretSource | string | undefined, namespace: string): string | undefined {
  if (cred === undefined) return undefined;
  checkCredentialNamespace(consumer, prop, cred, namespace);
  return resolveSecret(consumer, prop, cred, { namespace }).name;
}

/** Throws when the credential Secret `cred` is not in `namespace` (ASO reads credentials from the resource's namespace). */
export function checkCredentialNamespace(consumer: IConstruct, prop: string, cred: ISecretSource | string, namespace: string): void {
  if (typeof cred === 'object' && cred !== null && typeof cred.secretName === 'string' && cred.secretNamespace !== namespace) {
    throw propError(
      consumer,
      prop,
      `Secret "${cred.secretName}" (${cred.node.path}) is in namespace "${cred.secretNamespace}", ` +
        `but ASO reads credentials from the resource's namespace ("${namespace}")`,
    );
  }
}

/** Props of the `fromName(scope, id, props)` of ASO kinds: an ASO object another app or team owns. */
export interface AsoResourceImportProps extends ResourceImportProps {
  /**
   * Its name in Azure.
   * @default - `name`
   */
  readonly azureName?: string;
  /**
   * Its Azure region (resources owned by it default to it).
   * @default - unknown: owned resources must set `location`
   */
  readonly location?: string;
  /**
   * Its subscription (role assignments on it need it).
   * @default - unknown (then the `subscriptionId` of the enclosing AsoCredentialScope, if any)
   */
  readonly subscriptionId?: string;
}

/** What {@link importAsoResource} needs to know of the kind. */
export interface AsoResourceImportKind {
  /** API group (e.g. `resources.azure.com`). */
  readonly apiGroup: string;
  /** Kind (e.g. `ResourceGroup`). */
  readonly kind: string;
  /** The Azure naming rule of `azureName`. */
  readonly azureNameRule: StringRule;
}

/**
 * An ASO object owned elsewhere (returned by the `fromName` of ASO kinds): nothing is rendered,
 * references to it (owners, references, role assignment scopes) resolve, and it carries what
 * children and consumers need (`azureName`, `location`, `subscriptionId`).
 *
 * @example
 * // The platform team owns the resource group; this app adds a storage account to it.
 * const rg = ResourceGroup.fromName(folder, 'shared-rg', { name: 'shared', azureName: 'rg-shared-weu', location: 'westeurope' });
 * new StorageAccount(folder, 'st', { name: 'stfiles', resourceGroup: rg });
 */
export class ImportedAsoResource extends ImportedResource implements IAsoResource {
  public declare readonly namespace: string;
  public readonly azureName: string;
  public readonly location?: string;
  public readonly subscriptionId?: string;

  public constructor(scope: Construct, id: string, kind: AsoResourceImportKind, props: AsoResourceImportProps) {
    super(scope, id, { apiGroup: kind.apiGroup, kind: kind.kind, apiVersion: `${kind.apiGroup}/v1`, provided: true }, props);
    this.azureName = checkString(this, 'azureName', props.azureName ?? props.name, kind.azureNameRule);
    this.location = props.location !== undefined ? checkString(this, 'location', props.location, AZURE_LOCATION) : undefined;
    this.subscriptionId = checkSubscriptionId(this, props.subscriptionId) ?? scopeDefaults(this)?.subscriptionId;
  }
}

/** Declares an ASO object owned elsewhere: the one implementation behind the `fromName` of ASO kinds. */
export function importAsoResource(scope: Construct, id: string, kind: AsoResourceImportKind, props: AsoResourceImportProps): ImportedAsoResource {
  return new ImportedAsoResource(scope, id, kind, props);
}

/** The subscription GUID of an ARM resource ID (`/subscriptions/<guid>/...`), lowercased; undefined when it has none. */
export function subscriptionOfArmId(armId: string): string | undefined {
  return /^\/subscriptions\/([0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})(\/|$)/.exec(armId)?.[1].toLowerCase();
}

/** Validates Azure tags (at most 50; keys up to 512 characters without `<>%&\?/`, values up to 256). */
export function checkTags(scope: IConstruct, tags: Record<string, string> | undefined): Record<string, string> | undefined {
  if (tags === undefined) return undefined;
  const keys = Object.keys(tags);
  if (keys.length > AZURE_MAX_TAGS) throw propError(scope, 'tags', `has ${keys.length} tags; Azure allows at most ${AZURE_MAX_TAGS}`);
  for (const k of keys) {
    const problem = azureTagNameProblem(k);
    if (problem) throw propError(scope, `tags.${k}`, problem);
    if (typeof tags[k] !== 'string' || tags[k].length > 256) throw propError(scope, `tags.${k}`, 'tag values must be strings of at most 256 characters');
  }
  return Object.keys(tags).length ? Object.fromEntries(keys.sort().map((k) => [k, tags[k]])) : undefined;
}
