import { ApiObject, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { goDuration, GoDurationOptions } from '../core/duration';
import { checkLabels, checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { addReference, ObjectRef } from '../core/references';
import { RemovalPolicy } from '../core/removal-policy';
import { importResource, IPlatformResource, PlatformResource, ResourceImportProps, scopeNamespace } from '../core/resource';
import { IKubeconfigCluster } from '../core/cluster';
import { findPath } from '../core/graph-path';
import { ISecretSource, resolveSecret, resolveSecretKeyRef, SecretKeyRef } from '../core/secret';

/** API group of Flux sources. */
export const SOURCE_GROUP = 'source.toolkit.fluxcd.io';
/** API group of Flux Kustomizations. */
export const KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';
/** API group of Flux HelmReleases. */
export const HELM_GROUP = 'helm.toolkit.fluxcd.io';
/** API group of Flux notifications (Provider, Alert). */
export const NOTIFICATION_GROUP = 'notification.toolkit.fluxcd.io';
/** API group of source-watcher's `ArtifactGenerator` (a Flux controller installed with `--components-extra=source-watcher`). */
export const SOURCE_EXTENSIONS_GROUP = 'source.extensions.fluxcd.io';

/**
 * The label Flux controllers started with `--watch-label-selector=sharding.fluxcd.io/key=<shard>`
 * select their objects by (horizontal sharding of the Flux controllers).
 */
export const SHARD_LABEL = 'sharding.fluxcd.io/key';

/** The namespace Flux objects go to when neither the prop nor the folder sets one (as the flux CLI does). */
export const DEFAULT_FLUX_NAMESPACE = 'flux-system';

/**
 * Any Flux object another construct can point at (a source, a Kustomization, a HelmRelease, a
 * notification Provider): what a `sourceRef`, `dependsOn`, `providerRef` or an Alert's
 * `eventSources` entry renders. A {@link IPlatformResource} whose namespace is always set (Flux
 * kinds are namespaced).
 */
export interface IFluxObject extends IPlatformResource {
  /** `metadata.namespace`. */
  readonly namespace: string;
}

/**
 * Base of the Flux L2 constructs: a {@link PlatformResource} (L1 handle `apiObject`; `name`,
 * `namespace`, `apiGroup` and `kind` read from it; `applyRemovalPolicy`) whose namespace is
 * always set.
 *
 * @example
 * const source = new GitRepository(folder, 'apps', { name: 'apps', url: 'https://github.com/contoso/apps' });
 * source.apiObject.metadata.addAnnotation('example.com/owner', 'platform');
 * source.applyRemovalPolicy(RemovalPolicy.RETAIN);
 * console.log(source.namespace); // the folder's namespace, else flux-system
 */
export abstract class FluxResource extends PlatformResource implements IFluxObject {
  public override get namespace(): string {
    return this.apiObject.metadata.namespace!;
  }
}

/** The kinds of Flux sources a Kustomization can apply (`spec.sourceRef.kind`). */
export type SourceKind = 'GitRepository' | 'OCIRepository' | 'Bucket' | 'ExternalArtifact';

/**
 * A Flux source a Kustomization can apply: a {@link GitRepository} or {@link OCIRepository} of
 * the app, or an existing one imported with `GitRepository.fromName(...)` /
 * `OCIRepository.fromName(...)`.
 */
export interface ISource extends IFluxObject {
  /** The source kind. */
  readonly kind: SourceKind;
}

/** Props shared by every Flux construct of this library. */
export interface FluxObjectProps {
  /** `metadata.name` (a DNS subdomain; Flux objects used as references are best kept to a DNS label). */
  readonly name: string;

  /**
   * `metadata.namespace`.
   * @default - the folder's namespace, else `flux-system` (as the flux CLI)
   */
  readonly namespace?: string;

  /**
   * Shard key: labels the object `sharding.fluxcd.io/key: <shardKey>` so only the Flux controller
   * shard started with `--watch-label-selector=sharding.fluxcd.io/key=<shardKey>` reconciles it.
   * @default - no shard label (the main controllers reconcile it)
   */
  readonly shardKey?: string;

  /**
   * Extra labels on the object.
   * @default - none
   */
  readonly labels?: Record<string, string>;

  /**
   * What happens to this object when it is removed from the app (see {@link RemovalPolicy}):
   * `RETAIN` keeps it on the cluster (the Kustomization applying it does not prune it). The same
   * as calling `applyRemovalPolicy(policy)`. It is about this object only: what a Kustomization
   * applied follows its `prune` and `deletionPolicy`.
   * @default - none: the object follows the pruning of the Kustomization that applies it
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The ObjectRef of a Flux object. */
export function fluxRef(o: IFluxObject): ObjectRef {
  return { apiGroup: o.apiGroup, kind: o.kind, name: o.name, namespace: o.namespace };
}

/** Validates name/namespace/shardKey/labels and works out the namespace (prop, folder, flux-system). */
export function resolveIdentity(scope: IConstruct, props: FluxObjectProps): { name: string; namespace: string } {
  checkString(scope, 'name', props.name, DNS_SUBDOMAIN);
  if (props.namespace !== undefined) checkString(scope, 'namespace', props.namespace, DNS_LABEL);
  if (props.shardKey !== undefined) {
    checkString(scope, 'shardKey', props.shardKey, {
      max: 63,
      pattern: /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
      description: 'a label value (letters, digits, "-", "_" and ".", starting and ending with a letter or digit, at most 63 characters)',
    });
  }
  checkLabels(scope, 'labels', props.labels);
  return { name: props.name, namespace: props.namespace ?? folderNamespace(scope) ?? DEFAULT_FLUX_NAMESPACE };
}

/** The namespace of the folder `scope` is in, if it sets one (the library's one rule, `scopeNamespace`). */
export function folderNamespace(scope: IConstruct): string | undefined {
  return scopeNamespace(scope);
}

/** Why a Flux object's Secret must be in its own namespace (the error of {@link fluxSecret}). */
export const FLUX_SECRET_WHY = 'Flux reads the Secret from the object\'s namespace';

/**
 * Resolves a Flux `secretRef`-style prop (a `LocalObjectReference`: a name in the object's own
 * namespace, as source-controller, kustomize-controller and notification-controller read it):
 * records the reference and refuses a Secret of another namespace. A string is the name of a
 * Secret managed outside the app. Returns the name to render.
 */
export function fluxSecret(consumer: IConstruct, prop: string, secret: ISecretSource | string, namespace: string): string {
  return resolveSecret(consumer, prop, secret, { namespace, why: FLUX_SECRET_WHY }).name;
}

/**
 * The kubeconfig a Kustomization or HelmRelease applies with (`spec.kubeConfig.secretRef`): a
 * Cluster API cluster (its `<cluster>-kubeconfig` Secret, key `value`; `CapiCluster.fromName` for a
 * cluster owned elsewhere) or a key of a Secret ({@link SecretKeyRef}). Flux reads the Secret from
 * the object's namespace.
 */
export type FluxKubeConfig = IKubeconfigCluster | SecretKeyRef;

/** A resolved `spec.kubeConfig.secretRef`: the Secret's name and namespace, and the key. */
export interface FluxKubeConfigSecret {
  /** Name of the Secret. */
  readonly name: string;
  /** Namespace of the Secret (the object's). */
  readonly namespace: string;
  /** Key holding the kubeconfig. */
  readonly key: string;
}

/** Resolves a `kubeConfig` prop of `consumer` (a `kind` in `namespace`), recording the reference. */
export function resolveKubeConfig(consumer: IConstruct, kind: string, kubeConfig: FluxKubeConfig, namespace: string): FluxKubeConfigSecret {
  if ('secret' in kubeConfig) {
    const { name, key } = resolveSecretKeyRef(consumer, 'kubeConfig', kubeConfig, namespace, FLUX_SECRET_WHY);
    return { name, namespace, key };
  }
  const secret = kubeConfig.kubeconfigSecret;
  if (secret.secretNamespace !== namespace) {
    throw propError(consumer, 'kubeConfig', `the kubeconfig Secret ${secret.secretNamespace}/${secret.secretName} must be in the ${kind}'s namespace "${namespace}"`);
  }
  addReference(consumer, 'kubeConfig', { apiGroup: '', kind: 'Secret', name: secret.secretName, namespace: secret.secretNamespace });
  return { name: secret.secretName, namespace: secret.secretNamespace, key: secret.key };
}

/** Applies the `removalPolicy` prop of a Flux construct, when set. */
export function applyFluxRemovalPolicy(resource: PlatformResource, props: FluxObjectProps): void {
  if (props.removalPolicy !== undefined) resource.applyRemovalPolicy(props.removalPolicy);
}

/** The metadata every Flux construct renders. */
export function fluxMetadata(props: FluxObjectProps, namespace: string): { name: string; namespace: string; labels?: Record<string, string> } {
  const labels = { ...(props.labels ?? {}), ...(props.shardKey ? { [SHARD_LABEL]: props.shardKey } : {}) };
  return { name: props.name, namespace, ...(Object.keys(labels).length > 0 ? { labels } : {}) };
}

/** A duration prop: a cdk8s `Duration` or a Go duration string (`30s`, `5m`, `1h30m`). */
export type FluxDuration = Duration | string;

/** Renders an optional duration prop with `goDuration`, or the default. */
export function optDuration(scope: IConstruct, prop: string, d: FluxDuration | undefined, fallback?: string, options?: GoDurationOptions): string | undefined {
  return d === undefined ? fallback : goDuration(scope, prop, d, options);
}

/**
 * A reference to an existing object given by kind/name (when the object is not a construct of the
 * app): a health check target, a Secret, a ConfigMap.
 */
export interface ObjectReference {
  /** apiVersion (e.g. `apps/v1`). */
  readonly apiVersion: string;
  /** Kind (e.g. `Deployment`). */
  readonly kind: string;
  /** Name. */
  readonly name: string;
  /** Namespace. @default - the referring object's namespace (for namespaced kinds) */
  readonly namespace?: string;
}

/** A health-check (or other) target: an ApiObject of the app, or a reference by kind and name. */
export type ObjectTarget = ApiObject | ObjectReference;

/** Renders an {@link ObjectTarget} to `{ apiVersion, kind, name, namespace }`. */
export function targetOf(t: ObjectTarget): { apiVersion: string; kind: string; name: string; namespace?: string } {
  if (t instanceof ApiObject) return { apiVersion: t.apiVersion, kind: t.kind, name: t.name, namespace: t.metadata.namespace };
  return { apiVersion: t.apiVersion, kind: t.kind, name: t.name, namespace: t.namespace };
}

/** Throws unless exactly one of the given keys has a value. */
export function exactlyOne(scope: IConstruct, prop: string, obj: Record<string, unknown> | undefined, keys: readonly string[]): string {
  const set = keys.filter((k) => obj?.[k] !== undefined);
  if (set.length !== 1) {
    throw propError(scope, prop, `set exactly one of ${keys.join(', ')} (got ${set.length === 0 ? 'none' : set.join(', ')})`);
  }
  return set[0];
}

/** Ensures a `./`-relative path. */
export function checkRelativePath(scope: IConstruct, prop: string, path: string): string {
  if (typeof path !== 'string' || !path.startsWith('./') || path.split('/').includes('..')) {
    throw propError(scope, prop, `"${path}" must be a path relative to the source root starting with "./" (e.g. "./clusters/prod"), without ".." segments`);
  }
  return path;
}

/**
 * Imports an existing Flux object (managed elsewhere) so constructs can refer to it, through the
 * library's one `importResource`: its name and namespace are checked (the namespace defaults to
 * the folder's; it is required outside a folder with a namespace), and it is declared as
 * provided, so references to it resolve. The `fromName(...)` of every Flux construct.
 */
export function importFluxObject<T extends IFluxObject>(scope: Construct, id: string, kind: T['kind'], apiGroup: string, props: ResourceImportProps): T {
  return importResource(scope, id, { apiGroup, kind }, props) as unknown as T;
}

/** Flux objects something depends on (the others cannot close a dependency cycle). */
const DEPENDED_ON = new WeakSet<IFluxObject>();

/**
 * Adds `other` to the `dependsOn` list `deps` of `self` (a Kustomization or HelmRelease): checks
 * its kind, ignores a repeat, refuses a dependency cycle (naming it), and records the reference.
 */
export function addFluxDependency<T extends IFluxObject>(self: Construct & IFluxObject, deps: T[], other: T, kind: T['kind']): void {
  const prop = `dependsOn[${deps.length}]`;
  if (!other || other.kind !== kind) throw propError(self, prop, `must be a ${kind}`);
  if (deps.some((d) => d.name === other.name && d.namespace === other.namespace)) return;
  // A cycle needs a path back to `self`: only possible once something depends on `self`.
  const cycle = DEPENDED_ON.has(self) || (other as IFluxObject) === self ? findPath<IFluxObject>(other, self, (o) => (o as { readonly dependencies?: readonly IFluxObject[] }).dependencies) : undefined;
  if (cycle) throw propError(self, 'dependsOn', `dependency cycle: ${[self, ...cycle].map((k) => `${k.namespace}/${k.name}`).join(' -> ')}`);
  addReference(self, prop, fluxRef(other));
  DEPENDED_ON.add(other);
  deps.push(other);
}

