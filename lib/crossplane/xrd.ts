import { Construct } from 'constructs';
import {
  CompositeResourceDefinition as CompositeResourceDefinitionV2L1,
  CompositeResourceDefinitionSpecScope,
  CompositeResourceDefinitionV1 as CompositeResourceDefinitionV1L1,
  CompositeResourceDefinitionV1SpecScope,
} from '../../imports/crossplane/apiextensions.crossplane.io';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { importResource, IPlatformResource, PlatformResource, ResourceImportProps } from '../core/resource';
import { JsonSchema, ObjectField } from './schema';

/** Scope of the composite resources an XRD defines. */
export enum XrdScope {
  /** Namespaced composite resources (Crossplane v2 default; apiextensions.crossplane.io/v2). */
  NAMESPACED = 'Namespaced',
  /** Cluster-scoped composite resources without claims (apiextensions.crossplane.io/v2). */
  CLUSTER = 'Cluster',
  /**
   * Crossplane v1 behaviour: cluster-scoped composite resources that may offer namespaced
   * claims and connection secrets (the deprecated apiextensions.crossplane.io/v1 XRD API).
   */
  LEGACY_CLUSTER = 'LegacyCluster',
}

/** A printer column shown by `kubectl get`. */
export interface PrinterColumn {
  /** Column name. */
  readonly name: string;
  /** JSONPath of the value, e.g. `.spec.location`. */
  readonly jsonPath: string;
  /** Column type. @default 'string' */
  readonly type?: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  /** Description. @default - none */
  readonly description?: string;
}

/** A served version of the API other than the referenceable one. */
export interface CompositeResourceVersion {
  /** Version name (`v1alpha1`, `v1beta1`, `v1`, ...). */
  readonly name: string;
  /** Schema of `spec`. */
  readonly spec: ObjectField<any, any>;
  /** Schema of `status`. @default - no status fields */
  readonly status?: ObjectField<any, any>;
  /** Whether the version is served. @default true */
  readonly served?: boolean;
  /** Mark the version deprecated. @default false */
  readonly deprecated?: boolean;
  /** Warning returned to clients using a deprecated version. @default - the API server's default */
  readonly deprecationWarning?: string;
}

/** Props of a {@link CompositeResourceDefinition}. */
export interface CompositeResourceDefinitionProps<S extends ObjectField<any, any>> {
  /** API group of the composite resource, e.g. `platform.contoso.com` (a DNS subdomain with at least one dot). */
  readonly group: string;
  /** Kind of the composite resource, e.g. `XAksCluster` (PascalCase). */
  readonly kind: string;
  /** Plural (lowercase), e.g. `xaksclusters`. The XRD is named `<plural>.<group>`. */
  readonly plural: string;
  /** Singular (lowercase). @default - the lowercased kind */
  readonly singular?: string;
  /** Categories for `kubectl get <category>`. @default - none */
  readonly categories?: string[];
  /** Scope of the composite resources. @default XrdScope.NAMESPACED */
  readonly scope?: XrdScope;
  /** The referenceable version: the one compositions and instances use. */
  readonly version: string;
  /** Schema of `spec` in the referenceable version; instances are typed from it. */
  readonly spec: S;
  /** Schema of `status` in the referenceable version. @default - no status fields */
  readonly status?: ObjectField<any, any>;
  /** Printer columns of the referenceable version. @default - none */
  readonly printerColumns?: PrinterColumn[];
  /** Other served (non-referenceable) versions, e.g. an older `v1alpha1`. @default - none */
  readonly additionalVersions?: CompositeResourceVersion[];
  /**
   * Claim kind and plural (namespaced proxies of cluster-scoped XRs). Only for
   * `XrdScope.LEGACY_CLUSTER` (Crossplane v2 removed claims from the v2 XRD API).
   * @default - no claims
   */
  readonly claimNames?: { readonly kind: string; readonly plural: string };
  /**
   * Keys of the composite's connection secret. Only for `XrdScope.LEGACY_CLUSTER` (v2 composites
   * compose their connection Secret themselves).
   * @default - every key the composition produces
   */
  readonly connectionSecretKeys?: string[];
  /** Composition used when an instance selects none. @default - Crossplane picks the only matching one */
  readonly defaultCompositionRef?: string;
}

/** What compositions and instances need to know about an XRD. */
export interface ICompositeResourceDefinition {
  /** `<plural>.<group>`. */
  readonly name: string;
  /** API group of the composite kind (`spec.group`). */
  readonly compositeGroup: string;
  /** The composite kind (`spec.names.kind`). */
  readonly compositeKind: string;
  readonly plural: string;
  readonly scope: XrdScope;
  /** apiVersion of the composite kind's referenceable version (`<group>/<version>`). */
  readonly compositeApiVersion: string;
  /** Claim apiVersion/kind (legacy XRDs with claims). */
  readonly claim?: { readonly apiVersion: string; readonly kind: string };
  /** Whether the XRD uses the legacy v1 API (`XrdScope.LEGACY_CLUSTER`). */
  readonly legacy: boolean;
  /**
   * openAPIV3Schema of a whole composite resource of the referenceable version, with the fields
   * Crossplane adds. `strictStatus`: status holds only the declared fields (for path checks);
   * otherwise status is open (controllers write it).
   */
  compositeSchema(strictStatus?: boolean): JsonSchema;
  /** openAPIV3Schema of a whole claim (legacy XRDs with claims). */
  claimSchema(): JsonSchema | undefined;
}

const VERSION = /^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

const REF = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
const SELECTOR = { type: 'object', properties: { matchLabels: { type: 'object', additionalProperties: { type: 'string' } } }, required: ['matchLabels'] };
const OBJECT_REF = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const COMPOSITION_FIELDS = {
  compositionRef: REF,
  compositionRevisionRef: REF,
  compositionRevisionSelector: SELECTOR,
  compositionSelector: SELECTOR,
  compositionUpdatePolicy: { type: 'string', enum: ['Automatic', 'Manual'] },
};

/**
 * A CompositeResourceDefinition: a platform API that app teams instantiate. The schema comes from
 * the typed {@link Schema} builder, so instances ({@link CompositeResource}, {@link Claim}) are
 * typed and validated against it, and compositions check their patch paths against it.
 *
 * Crossplane v2 (`apiextensions.crossplane.io/v2`, namespaced by default) unless
 * `scope: XrdScope.LEGACY_CLUSTER`, which renders the deprecated v1 API with optional claims and
 * connection secret keys. The name is always `<plural>.<group>` (Crossplane requires it).
 *
 * @example
 * const xrd = new CompositeResourceDefinition(folder, 'XAksCluster', {
 *   group: 'platform.contoso.com', kind: 'XAksCluster', plural: 'xaksclusters', version: 'v1alpha1',
 *   spec: Schema.object({ location: Schema.string({ required: true }) }),
 * });
 */
export class CompositeResourceDefinition<S extends ObjectField<any, any> = ObjectField<any, any>> extends PlatformResource implements ICompositeResourceDefinition {
  /**
   * Imports an XRD owned elsewhere (cluster-scoped; declared as provided, so references to it
   * resolve). Its composites cannot be typed: create them as plain objects.
   *
   * @example
   * const xrd = CompositeResourceDefinition.fromName(folder, 'xapps', { name: 'xapps.platform.contoso.com' });
   */
  public static fromName(scope: Construct, id: string, props: ResourceImportProps): IPlatformResource {
    return importResource(scope, id, { apiGroup: 'apiextensions.crossplane.io', kind: 'CompositeResourceDefinition', apiVersion: 'apiextensions.crossplane.io/v2' }, props);
  }

  /** API group of the composite kind (`spec.group`); `apiGroup` is `apiextensions.crossplane.io`. */
  public readonly compositeGroup: string;
  /** The composite kind (`spec.names.kind`); `kind` is `CompositeResourceDefinition`. */
  public readonly compositeKind: string;
  public readonly plural: string;
  public readonly scope: XrdScope;
  /** The referenceable version of the composite kind. */
  public readonly compositeVersion: string;
  /** apiVersion of the composite kind's referenceable version (`<group>/<version>`). */
  public readonly compositeApiVersion: string;
  public readonly legacy: boolean;
  public readonly claim?: { readonly apiVersion: string; readonly kind: string };
  /** The spec schema of the referenceable version. */
  public readonly spec: S;
  /** The status schema of the referenceable version. */
  public readonly status?: ObjectField<any, any>;
  /** The L1 object (v2 or v1 XRD). */
  public readonly apiObject: CompositeResourceDefinitionV2L1 | CompositeResourceDefinitionV1L1;

  public constructor(scope: Construct, id: string, props: CompositeResourceDefinitionProps<S>) {
    super(scope, id);
    checkString(this, 'group', props.group, { ...DNS_SUBDOMAIN, pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, description: 'a DNS subdomain with at least one dot (e.g. "platform.contoso.com")' });
    checkString(this, 'kind', props.kind, { pattern: KIND, max: 63, description: 'a PascalCase kind (e.g. "XAksCluster")' });
    checkString(this, 'plural', props.plural, DNS_LABEL);
    if (props.singular !== undefined) checkString(this, 'singular', props.singular, DNS_LABEL);
    checkString(this, 'version', props.version, { pattern: VERSION, description: 'a Kubernetes API version (v1, v1alpha1, v2beta3, ...)' });
    if (!(props.spec instanceof ObjectField)) throw propError(this, 'spec', 'must be a Schema.object(...)');
    this.scope = props.scope ?? XrdScope.NAMESPACED;
    if (!Object.values(XrdScope).includes(this.scope)) throw propError(this, 'scope', `"${String(props.scope)}" is not an XrdScope`);
    this.legacy = this.scope === XrdScope.LEGACY_CLUSTER;
    if (props.claimNames && !this.legacy) {
      throw propError(this, 'claimNames', 'claims are only supported with scope XrdScope.LEGACY_CLUSTER (Crossplane v2 removed them from the v2 XRD API); create namespaced composite resources instead');
    }
    if (props.connectionSecretKeys && !this.legacy) {
      throw propError(this, 'connectionSecretKeys', 'XR connection secrets are only supported with scope XrdScope.LEGACY_CLUSTER; a v2 composition composes its connection Secret itself');
    }
    if (props.claimNames) {
      checkString(this, 'claimNames.kind', props.claimNames.kind, { pattern: KIND, max: 63, description: 'a PascalCase kind' });
      checkString(this, 'claimNames.plural', props.claimNames.plural, DNS_LABEL);
      if (props.claimNames.kind === props.kind) throw propError(this, 'claimNames.kind', `must differ from the composite kind "${props.kind}"`);
    }
    const names = new Set([props.version]);
    for (const [i, v] of (props.additionalVersions ?? []).entries()) {
      checkString(this, `additionalVersions[${i}].name`, v.name, { pattern: VERSION, description: 'a Kubernetes API version (v1, v1alpha1, v2beta3, ...)' });
      if (names.has(v.name)) throw propError(this, `additionalVersions[${i}].name`, `version "${v.name}" is defined twice`);
      names.add(v.name);
    }

    this.compositeGroup = props.group;
    this.compositeKind = props.kind;
    this.plural = props.plural;
    const name = `${props.plural}.${props.group}`;
    this.compositeVersion = props.version;
    this.compositeApiVersion = `${props.group}/${props.version}`;
    this.spec = props.spec;
    this.status = props.status;
    if (props.claimNames) this.claim = { apiVersion: this.compositeApiVersion, kind: props.claimNames.kind };

    const version = (v: CompositeResourceVersion, referenceable: boolean, columns?: PrinterColumn[]) => ({
      name: v.name,
      served: v.served ?? true,
      referenceable,
      deprecated: v.deprecated,
      deprecationWarning: v.deprecationWarning,
      additionalPrinterColumns: columns?.map((c) => ({ name: c.name, jsonPath: c.jsonPath, type: c.type ?? 'string', description: c.description })),
      schema: { openApiv3Schema: versionSchema(v.spec, v.status) },
    });
    const versions = [
      version({ name: props.version, spec: props.spec, status: props.status }, true, props.printerColumns),
      ...(props.additionalVersions ?? []).map((v) => version(v, false)),
    ];
    if (versions[0].served === false) throw propError(this, 'version', 'the referenceable version must be served');

    const common = {
      group: props.group,
      names: { kind: props.kind, plural: props.plural, singular: props.singular, categories: props.categories },
      defaultCompositionRef: props.defaultCompositionRef ? { name: props.defaultCompositionRef } : undefined,
      versions,
    };
    this.apiObject = this.legacy
      ? new CompositeResourceDefinitionV1L1(this, 'Resource', {
        metadata: { name },
        spec: {
          ...common,
          scope: CompositeResourceDefinitionV1SpecScope.LEGACY_CLUSTER,
          claimNames: props.claimNames ? { kind: props.claimNames.kind, plural: props.claimNames.plural } : undefined,
          connectionSecretKeys: props.connectionSecretKeys,
        },
      })
      : new CompositeResourceDefinitionV2L1(this, 'Resource', {
        metadata: { name },
        spec: { ...common, scope: this.scope === XrdScope.CLUSTER ? CompositeResourceDefinitionSpecScope.CLUSTER : CompositeResourceDefinitionSpecScope.NAMESPACED },
      });
  }

  public compositeSchema(strictStatus = false): JsonSchema {
    const extra: Record<string, unknown> = this.legacy
      ? {
        ...COMPOSITION_FIELDS,
        claimRef: OBJECT_REF,
        resourceRefs: { type: 'array', items: OBJECT_REF },
        writeConnectionSecretToRef: { type: 'object', properties: { name: { type: 'string' }, namespace: { type: 'string' } }, required: ['name', 'namespace'] },
      }
      : { crossplane: { type: 'object', properties: { ...COMPOSITION_FIELDS, resourceRefs: { type: 'array', items: OBJECT_REF } } } };
    return wholeObjectSchema(this.spec, this.status, extra, strictStatus);
  }

  public claimSchema(): JsonSchema | undefined {
    if (!this.claim) return undefined;
    return wholeObjectSchema(this.spec, this.status, {
      ...COMPOSITION_FIELDS,
      compositeDeletePolicy: { type: 'string', enum: ['Background', 'Foreground'] },
      resourceRef: OBJECT_REF,
      writeConnectionSecretToRef: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    });
  }
}

function versionSchema(spec: ObjectField<any, any>, status?: ObjectField<any, any>): JsonSchema {
  const specSchema = spec.toJsonSchema();
  const properties: Record<string, unknown> = { spec: specSchema };
  if (status) properties.status = status.toJsonSchema();
  const out: JsonSchema = { type: 'object', properties };
  if (Array.isArray(specSchema.required) && specSchema.required.length > 0) out.required = ['spec'];
  return out;
}

function wholeObjectSchema(spec: ObjectField<any, any>, status: ObjectField<any, any> | undefined, extraSpec: Record<string, unknown>, strictStatus = false): JsonSchema {
  const s = spec.toJsonSchema();
  const specSchema = { ...s, properties: { ...(s.properties as Record<string, unknown>), ...extraSpec } };
  const out: JsonSchema = {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: specSchema,
      status: strictStatus
        ? (status?.toJsonSchema() ?? { type: 'object', properties: {} })
        : { ...(status?.toJsonSchema() ?? { type: 'object' }), 'x-kubernetes-preserve-unknown-fields': true },
    },
  };
  if (Array.isArray(s.required) && s.required.length > 0) out.required = ['spec'];
  return out;
}
