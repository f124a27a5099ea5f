import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { ExportedValue } from '../core/exported-value';
import { addProvided, addReference } from '../core/references';
import { applyRemovalPolicy, type RemovalPolicy } from '../core/removal-policy';
import { PlatformResource } from '../core/resource';
import { ISecretSource } from '../core/secret';
import { Composition } from './composition';
import { InferSchema, ObjectField } from './schema';
import { validateWithSchema } from './schema-validation';
import { CompositeResourceDefinition, XrdScope } from './xrd';

/**
 * What a composite resource or a claim exports: its connection Secret, whole (for props that take
 * "a Secret") or by key. Using either declares the Secret as provided (the composition, or
 * Crossplane for legacy claims, writes it), so references to it resolve.
 */
export interface ConnectionSecretExports {
  /** The connection Secret, as an {@link ISecretSource}. */
  readonly connectionSecret: ISecretSource;
  /**
   * A key of the connection Secret, as an {@link ExportedValue} (checked against the composition's
   * connection details when the composite names its composition).
   */
  connectionDetail(key: string): ExportedValue;
}

/** The connection Secret of a composite or claim, as "a Secret". */
class ConnectionSecret extends Construct implements ISecretSource {
  public constructor(scope: Construct, id: string, public readonly secretName: string, public readonly secretNamespace: string) {
    super(scope, id);
  }
}

/**
 * The {@link ConnectionSecretExports} of `owner`: `locate(prop, key?)` checks a use and returns the
 * Secret's name and namespace.
 */
function connectionSecretExports(owner: Construct, locate: (prop: string, key?: string) => { name: string; namespace: string }): ConnectionSecretExports {
  let provided = false;
  let source: ISecretSource | undefined;
  const provide = (loc: { name: string; namespace: string }) => {
    if (provided) return;
    provided = true;
    addProvided(owner, { apiGroup: '', kind: 'Secret', name: loc.name, namespace: loc.namespace });
  };
  return {
    get connectionSecret(): ISecretSource {
      const loc = locate('exports.connectionSecret');
      provide(loc);
      source ??= new ConnectionSecret(owner, 'ConnectionSecret', loc.name, loc.namespace);
      return source;
    },
    connectionDetail(key: string): ExportedValue {
      const loc = locate('exports.connectionDetail', key);
      return new ExportedValue(() => ({ kind: 'Secret', name: loc.name, namespace: loc.namespace, key }), () => provide(loc));
    },
  };
}

/** How an instance picks its composition. */
export interface CompositionChoice {
  /**
   * The composition to use (`compositionRef`).
   * @default - Crossplane selects by `compositionSelector`, the XRD's default, or the only composition of the type
   */
  readonly composition?: Composition;
  /** Labels of the composition to select (`compositionSelector.matchLabels`). @default - none */
  readonly compositionSelector?: Record<string, string>;
  /**
   * What happens when the instance is removed from the app: RETAIN keeps it on the cluster (Flux
   * `prune: disabled`, Argo CD `Prune=false`), so its composed resources stay managed and its
   * connection Secrets (a generated administrator password) stay; DESTROY lets GitOps delete it,
   * and Crossplane then deletes its composed resources (those a composition retains are orphaned
   * in Azure, unmanaged, with their credentials gone).
   * @default RemovalPolicy.RETAIN when its composition (`composition`, else any composition of the
   * XRD in the app) composes a stateful resource it does not explicitly delete (a base other than
   * RemovalPolicy.DESTROY; synth decides, as for composites written as L1 or raw objects), else
   * RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /** Whether new composition revisions are picked up automatically. @default 'Automatic' */
  readonly compositionUpdatePolicy?: 'Automatic' | 'Manual';
}

/** Props of a {@link CompositeResource}. */
export interface CompositeResourceProps<S extends ObjectField<any, any>> extends CompositionChoice {
  /** The XRD (a v2 one, or a legacy one for cluster-scoped legacy composites). */
  readonly xrd: CompositeResourceDefinition<S>;
  /** Name of the composite (a DNS subdomain; composed resources are named after it). */
  readonly name: string;
  /**
   * Namespace (namespaced XRDs only).
   * @default - the folder's namespace
   */
  readonly namespace?: string;
  /** The spec, typed from the XRD's schema and validated against it. */
  readonly spec: InferSchema<S>;
  /** Labels. @default - none */
  readonly labels?: Record<string, string>;
  /**
   * Name of the connection Secret the composition writes (v2: function-patch-and-transform's
   * default is `<name>-connection` in the composite's namespace).
   * @default `<name>-connection`
   */
  readonly connectionSecretName?: string;
}

/**
 * An instance of a composite resource (XR) of an XRD defined in the app: `spec` is typed from the
 * XRD's schema builder and validated against the XRD's openAPIV3Schema (strict, with CEL rules)
 * when constructed. The XRD, the chosen composition and the namespaced ProviderConfigs its bases
 * use must be objects of the app on the same cluster.
 *
 * @example
 * new CompositeResource(devFolder, 'cluster', { xrd, name: 'aks-dev', spec: { location: 'westeurope' } });
 */
export class CompositeResource<S extends ObjectField<any, any> = ObjectField<any, any>> extends PlatformResource {
  public readonly apiObject: ApiObject;
  public readonly xrd: CompositeResourceDefinition<S>;
  /** Name of the connection Secret (v2 composites). */
  public readonly connectionSecretName: string;
  /**
   * The connection Secret the composition writes (v2 composites; legacy ones write theirs
   * through a {@link Claim}).
   */
  public readonly exports: ConnectionSecretExports;
  private readonly composition?: Composition;

  public constructor(scope: Construct, id: string, props: CompositeResourceProps<S>) {
    super(scope, id);
    this.xrd = props.xrd;
    const name = checkString(this, 'name', props.name, DNS_SUBDOMAIN);
    if (props.namespace !== undefined) {
      if (props.xrd.scope !== XrdScope.NAMESPACED) throw propError(this, 'namespace', `${props.xrd.compositeKind} is cluster-scoped (scope ${props.xrd.scope}): leave namespace out`);
      checkString(this, 'namespace', props.namespace, DNS_LABEL);
    }
    this.composition = props.composition;
    const choice = compositionFields(this, props, props.xrd);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: props.xrd.compositeApiVersion,
      kind: props.xrd.compositeKind,
      metadata: { name, namespace: props.namespace, labels: props.labels },
      spec: { ...(props.spec as object), ...(props.xrd.legacy ? choice : Object.keys(choice).length ? { crossplane: choice } : {}) },
    } as any);
    if (props.xrd.scope === XrdScope.NAMESPACED && !this.namespace) {
      throw propError(this, 'namespace', `${props.xrd.compositeKind} is namespaced: set namespace, or create the composite in a folder with a namespace`);
    }
    this.connectionSecretName = checkString(this, 'connectionSecretName', props.connectionSecretName ?? `${name}-connection`, DNS_SUBDOMAIN);
    this.exports = connectionSecretExports(this, (prop, key) => {
      if (this.xrd.legacy) throw propError(this, prop, 'legacy composites write their connection secret through a Claim (claim.exports)');
      if (key !== undefined && this.composition) {
        const keys = this.composition.connectionDetailNames();
        if (!keys.includes(key)) throw propError(this, prop, `"${key}" is not a connection detail of composition ${this.composition.name} (${keys.join(', ') || 'none'})`);
      }
      return { name: this.connectionSecretName, namespace: this.namespace! };
    });
    const issues = validateWithSchema(props.xrd.compositeSchema(), props.xrd.compositeApiVersion, props.xrd.compositeKind, props.xrd.scope === XrdScope.NAMESPACED ? 'Namespaced' : 'Cluster', this.apiObject.toJson());
    if (issues.length > 0) throw propError(this, 'spec', `does not match the schema of ${props.xrd.compositeKind} (${props.xrd.compositeApiVersion}): ${issues.join('; ')}`);

    addReference(this, 'xrd', { apiGroup: 'apiextensions.crossplane.io', kind: 'CompositeResourceDefinition', name: props.xrd.name });
    defaultRemovalPolicy(this, props);
    if (props.composition) {
      for (const ref of props.composition.providerConfigRefs) {
        if (!this.namespace) continue;
        addReference(this, `composition.${ref.resource}.providerConfigRef`, { apiGroup: ref.apiGroup, kind: 'ProviderConfig', name: ref.name, namespace: this.namespace });
      }
    }
  }

  /** The namespace (namespaced XRDs), from props or the folder; undefined for cluster-scoped ones. */
  public override get namespace(): string | undefined {
    return this.xrd.scope === XrdScope.NAMESPACED ? this.apiObject.metadata.namespace : undefined;
  }
}

/** Props of a {@link Claim}. */
export interface ClaimProps<S extends ObjectField<any, any>> extends CompositionChoice {
  /** The legacy XRD offering the claim (`claimNames`). */
  readonly xrd: CompositeResourceDefinition<S>;
  /** Name of the claim. */
  readonly name: string;
  /** Namespace. @default - the folder's namespace */
  readonly namespace?: string;
  /** The spec, typed from the XRD's schema. */
  readonly spec: InferSchema<S>;
  /** Labels. @default - none */
  readonly labels?: Record<string, string>;
  /** Secret (in the claim's namespace) Crossplane writes the connection details to. @default - no connection secret */
  readonly connectionSecretName?: string;
  /** Delete the composite in the foreground (wait for composed resources). @default 'Background' */
  readonly compositeDeletePolicy?: 'Background' | 'Foreground';
}

/**
 * A claim of a legacy (v1, `XrdScope.LEGACY_CLUSTER`) XRD: a namespaced handle to a cluster-scoped
 * composite. Crossplane v2 APIs use namespaced {@link CompositeResource}s instead.
 *
 * @example
 * const xrd = new CompositeResourceDefinition(folder, 'XDatabase', {
 *   group: 'platform.contoso.com', kind: 'XDatabase', plural: 'xdatabases', version: 'v1alpha1',
 *   scope: XrdScope.LEGACY_CLUSTER, claimNames: { kind: 'Database', plural: 'databases' },
 *   spec: Schema.object({ size: Schema.string({ required: true, enum: ['small', 'large'] }) }),
 * });
 * const db = new Claim(teamFolder, 'orders-db', { xrd, name: 'orders-db', spec: { size: 'small' }, connectionSecretName: 'orders-db-conn' });
 */
export class Claim<S extends ObjectField<any, any> = ObjectField<any, any>> extends PlatformResource {
  public readonly apiObject: ApiObject;
  /** The connection Secret Crossplane writes (needs `connectionSecretName`). */
  public readonly exports: ConnectionSecretExports;
  private readonly connectionSecretName?: string;

  public constructor(scope: Construct, id: string, props: ClaimProps<S>) {
    super(scope, id);
    if (!props.xrd.claim) throw propError(this, 'xrd', `${props.xrd.compositeKind} offers no claims (claimNames of a XrdScope.LEGACY_CLUSTER XRD)`);
    const name = checkString(this, 'name', props.name, DNS_SUBDOMAIN);
    if (props.namespace !== undefined) checkString(this, 'namespace', props.namespace, DNS_LABEL);
    if (props.connectionSecretName !== undefined) checkString(this, 'connectionSecretName', props.connectionSecretName, DNS_SUBDOMAIN);
    this.connectionSecretName = props.connectionSecretName;
    const choice = compositionFields(this, props, props.xrd);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: props.xrd.claim.apiVersion,
      kind: props.xrd.claim.kind,
      metadata: { name, namespace: props.namespace, labels: props.labels },
      spec: {
        ...(props.spec as object),
        ...choice,
        ...(props.compositeDeletePolicy ? { compositeDeletePolicy: props.compositeDeletePolicy } : {}),
        ...(props.connectionSecretName ? { writeConnectionSecretToRef: { name: props.connectionSecretName } } : {}),
      },
    } as any);
    const ns = this.apiObject.metadata.namespace;
    if (!ns) throw propError(this, 'namespace', 'claims are namespaced: set namespace, or create the claim in a folder with a namespace');
    this.exports = connectionSecretExports(this, (prop) => {
      if (!this.connectionSecretName) throw propError(this, 'connectionSecretName', `is required to use ${prop}`);
      return { name: this.connectionSecretName, namespace: ns };
    });
    const issues = validateWithSchema(props.xrd.claimSchema()!, props.xrd.claim.apiVersion, props.xrd.claim.kind, 'Namespaced', this.apiObject.toJson());
    if (issues.length > 0) throw propError(this, 'spec', `does not match the schema of ${props.xrd.claim.kind} (${props.xrd.claim.apiVersion}): ${issues.join('; ')}`);
    addReference(this, 'xrd', { apiGroup: 'apiextensions.crossplane.io', kind: 'CompositeResourceDefinition', name: props.xrd.name });
    defaultRemovalPolicy(this, props);
  }

  /** The claim's namespace. */
  public override get namespace(): string {
    return this.apiObject.metadata.namespace!;
  }
}

/**
 * Applies `removalPolicy`. Without one, synth's collect stage retains the instance when what its
 * compositions compose keeps a stateful resource (`retainComposites`), as it does for composites
 * and claims written as L1 or raw objects, and kro instances.
 */
function defaultRemovalPolicy(self: CompositeResource | Claim, props: CompositionChoice): void {
  if (props.removalPolicy !== undefined) applyRemovalPolicy(self.apiObject, props.removalPolicy);
}

function compositionFields(scope: Construct, props: CompositionChoice, xrd: CompositeResourceDefinition<any>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (props.composition) {
    if (props.composition.xrd.name !== xrd.name) {
      throw propError(scope, 'composition', `composition ${props.composition.name} composes ${props.composition.xrd.compositeKind}, not ${xrd.compositeKind}`);
    }
    out.compositionRef = { name: props.composition.name };
    addReference(scope, 'composition', { apiGroup: 'apiextensions.crossplane.io', kind: 'Composition', name: props.composition.name });
  }
  if (props.compositionSelector) out.compositionSelector = { matchLabels: { ...props.compositionSelector } };
  if (props.compositionUpdatePolicy) out.compositionUpdatePolicy = props.compositionUpdatePolicy;
  return out;
}
