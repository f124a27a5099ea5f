import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkLabels, checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { ExportedValue } from '../core/exported-value';
import { applyRemovalPolicy, type RemovalPolicy } from '../core/removal-policy';
import { addProvided, addReference } from '../core/references';
import { PlatformResource, scopeNamespace } from '../core/resource';
import { validateWithSchema } from '../crossplane/schema-validation';
import { InstanceScope, ResourceGraphDefinition } from './rgd';
import { InferSchema, ObjectField } from './schema';

/** What an {@link RgdInstance} exports: the values its RGD writes with `exportToConfigMap`. */
export interface RgdInstanceExports {
  /**
   * An exported value: kro writes it into the ConfigMap `<instance name>-<suffix>` in the
   * instance's namespace. Throws when the RGD does not export `key`.
   */
  value(key: string): ExportedValue;
}

/** Props of an {@link RgdInstance}. */
export interface RgdInstanceProps<S extends ObjectField<any, any>> {
  /** The ResourceGraphDefinition whose kind this is an instance of. */
  readonly rgd: ResourceGraphDefinition<S>;
  /** Name of the instance (a DNS subdomain). */
  readonly name: string;
  /** Namespace (namespaced kinds). @default - the folder's namespace */
  readonly namespace?: string;
  /** The spec, typed from the RGD's schema and validated against the schema kro generates. */
  readonly spec: InferSchema<S>;
  /** Labels. @default - none */
  readonly labels?: Record<string, string>;
  /**
   * What happens when the instance is removed from the app: RETAIN keeps it on the cluster (Flux
   * `prune: disabled`, Argo CD `Prune=false`); DESTROY lets GitOps delete it, and kro then deletes
   * every resource of its graph (an ASO resource with `detach-on-delete` stays in Azure, unmanaged).
   * @default RemovalPolicy.RETAIN when the graph creates a stateful resource it does not explicitly
   * delete (ASO `reconcile-policy: manage`, Crossplane `managementPolicies` with `Delete`; synth
   * decides, as for instances written as raw objects), else RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An instance of the kind a {@link ResourceGraphDefinition} defines: `spec` is typed from the
 * RGD's schema builder and validated when constructed against the openAPIV3Schema kro generates
 * from the SimpleSchema (required fields, types, enums, bounds; defaults applied as the API server
 * does). The kind is registered for validation by the RGD, so synth validates it too.
 *
 * kro creates the instance CRD asynchronously once the RGD is applied: put instances in a folder
 * whose Flux Kustomization `dependsOn` the RGD's (with `wait`), never in the same one.
 *
 * @example
 * const instance = new RgdInstance(appFolder, 'storage', { rgd, name: 'files', spec: { name: 'files' } });
 * const endpoint = instance.exports.value('blobEndpoint').envValue(deployment);
 */
export class RgdInstance<S extends ObjectField<any, any> = ObjectField<any, any>> extends PlatformResource {
  public readonly apiObject: ApiObject;
  public readonly rgd: ResourceGraphDefinition<S>;
  /** The values the RGD exports (`exportToConfigMap`). */
  public readonly exports: RgdInstanceExports = { value: (key) => this.exportedValue(key) };
  private readonly provided = new Set<string>();

  public constructor(scope: Construct, id: string, props: RgdInstanceProps<S>) {
    super(scope, id);
    if (!(props.rgd instanceof ResourceGraphDefinition)) throw propError(this, 'rgd', 'must be a ResourceGraphDefinition');
    this.rgd = props.rgd;
    const name = checkString(this, 'name', props.name, DNS_SUBDOMAIN);
    const rgd = props.rgd;
    let namespace: string | undefined;
    if (rgd.scope === InstanceScope.NAMESPACED) {
      const ns = props.namespace ?? scopeNamespace(this);
      if (ns === undefined) throw propError(this, 'namespace', `is required: ${rgd.instanceKind} is namespaced (set it, or use a folder with a namespace)`);
      namespace = checkString(this, 'namespace', ns, DNS_LABEL);
    } else if (props.namespace !== undefined) {
      throw propError(this, 'namespace', `${rgd.instanceKind} is cluster-scoped: leave namespace out`);
    }
    checkLabels(this, 'labels', props.labels);
    const obj = {
      apiVersion: rgd.instanceApiVersion,
      kind: rgd.instanceKind,
      metadata: { name, ...(namespace ? { namespace } : {}), ...(props.labels ? { labels: props.labels } : {}) },
      spec: JSON.parse(JSON.stringify(props.spec ?? {})),
    };
    const issues = validateWithSchema(rgd.instanceJsonSchema, rgd.instanceApiVersion, rgd.instanceKind, rgd.scope, obj);
    if (issues.length > 0) throw propError(this, 'spec', `does not match the schema of ${rgd.instanceKind} (ResourceGraphDefinition ${rgd.name}): ${issues.join('; ')}`);
    this.apiObject = new ApiObject(this, 'Resource', obj);
    if (props.removalPolicy !== undefined) applyRemovalPolicy(this.apiObject, props.removalPolicy);
    addReference(this, 'rgd', { apiGroup: 'kro.run', kind: 'ResourceGraphDefinition', name: rgd.name });
  }

  /** The namespace (namespaced kinds); undefined for cluster-scoped ones. */
  public override get namespace(): string | undefined {
    return this.rgd.scope === InstanceScope.NAMESPACED ? this.apiObject.metadata.namespace : undefined;
  }

  private exportedValue(key: string): ExportedValue {
    const suffix = this.rgd.exportSuffix(key);
    if (suffix === undefined) {
      throw propError(this, 'exports.value', `"${key}" is not exported by ResourceGraphDefinition ${this.rgd.name} (exported: ${this.rgd.exportedValueKeys.join(', ') || 'none'}; use rgd.exportToConfigMap)`);
    }
    if (this.namespace === undefined) throw propError(this, 'exports.value', 'exports of a cluster-scoped instance have no namespace to read them from');
    const location = { kind: 'ConfigMap' as const, name: `${this.name}-${suffix}`, namespace: this.namespace, key };
    return new ExportedValue(() => location, () => {
      if (this.provided.has(location.name)) return;
      this.provided.add(location.name);
      addProvided(this, { apiGroup: '', kind: 'ConfigMap', name: location.name, namespace: location.namespace });
    });
  }
}
