import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { kplus } from '../core/plus';
import {
  ClusterResourceSet as L1ClusterResourceSet,
  ClusterResourceSetSpecResourcesKind,
  ClusterResourceSetSpecStrategy,
} from '../../imports/capi/addons.cluster.x-k8s.io';
import { checkString, DNS_SUBDOMAIN, propError } from '../core/errors';
import { addReference } from '../core/references';
import { PlatformResource } from '../core/resource';
import { toYaml } from '../gitops/layout';
import { resolveNamespace } from './capi-cluster';

/** How a ClusterResourceSet applies its resources. */
export enum ClusterResourceSetStrategy {
  /** Apply once per cluster (CAPI default). */
  APPLY_ONCE = 'ApplyOnce',
  /** Re-apply when the resources change. */
  RECONCILE = 'Reconcile',
}

/** An existing ConfigMap or Secret whose data keys hold manifests. */
export interface ClusterResourceSetResource {
  /** `ConfigMap` or `Secret` (a Secret must have type `addons.cluster.x-k8s.io/resource-set`). */
  readonly kind: 'ConfigMap' | 'Secret';
  /** Its name, in the ClusterResourceSet's namespace. */
  readonly name: string;
}

/** Props of a {@link ClusterResourceSet}. */
export interface ClusterResourceSetProps {
  /** Name. */
  readonly name: string;
  /**
   * Namespace (only clusters of this namespace are matched).
   * @default - the folder's namespace, else `default`
   */
  readonly namespace?: string;
  /** Labels a CAPI Cluster must have to get the resources (at least one). */
  readonly clusterSelector: Record<string, string>;
  /**
   * Existing ConfigMaps / Secrets to apply (checked at synth). Add manifests with {@link ClusterResourceSet.addManifests}.
   * @default - none
   */
  readonly resources?: ClusterResourceSetResource[];
  /**
   * Apply strategy.
   * @default ClusterResourceSetStrategy.RECONCILE
   */
  readonly strategy?: ClusterResourceSetStrategy;
}

/**
 * A CAPI `ClusterResourceSet`: applies addon manifests (from ConfigMaps / Secrets) to every cluster
 * whose labels match. `addManifests(name, objects)` writes them into a ConfigMap for you (only
 * non-secret manifests: reference Secrets instead).
 *
 * @example
 * // Applies the manifests to every CAPI Cluster of the namespace labelled cni=calico
 * const calico = new ClusterResourceSet(folder, 'calico', { name: 'calico', clusterSelector: { cni: 'calico' } });
 * calico.addManifests('calico-namespace', [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'calico-system' } }]);
 */
export class ClusterResourceSet extends PlatformResource {
  /** The ClusterResourceSet. */
  public readonly apiObject: ApiObject;
  private readonly resources: ClusterResourceSetResource[] = [];

  public constructor(scope: Construct, id: string, props: ClusterResourceSetProps) {
    super(scope, id);
    const name = checkString(this, 'name', props.name, DNS_SUBDOMAIN);
    const namespace = resolveNamespace(this, props.namespace);
    if (Object.keys(props.clusterSelector ?? {}).length === 0) throw propError(this, 'clusterSelector', 'must have at least one label (an empty selector would match no cluster)');
    for (const [i, r] of (props.resources ?? []).entries()) {
      checkString(this, `resources[${i}].name`, r.name, DNS_SUBDOMAIN);
      this.resources.push(r);
      addReference(this, `resources[${i}]`, { apiGroup: '', kind: r.kind, name: r.name, namespace });
    }
    this.apiObject = new L1ClusterResourceSet(this, 'Resource', {
      metadata: { name, namespace },
      spec: {
        clusterSelector: { matchLabels: { ...props.clusterSelector } },
        strategy: (props.strategy ?? ClusterResourceSetStrategy.RECONCILE) as unknown as ClusterResourceSetSpecStrategy,
        resources: Lazy.any({
          produce: () => this.resources.map((r) => ({ kind: r.kind as ClusterResourceSetSpecResourcesKind, name: r.name })),
        }) as never,
      },
    });
    this.node.addValidation({ validate: () => (this.resources.length === 0 ? ['prop "resources": a ClusterResourceSet needs at least one resource (props.resources or addManifests())'] : []) });
  }

  /** Namespace of the ClusterResourceSet (only clusters of this namespace are matched). */
  public override get namespace(): string {
    return this.apiObject.metadata.namespace!;
  }

  /** Writes `manifests` into a ConfigMap `<name>` (key `resources.yaml`) applied by this set. */
  public addManifests(name: string, manifests: Array<Record<string, unknown>>): void {
    checkString(this, 'addManifests.name', name, DNS_SUBDOMAIN);
    if (manifests.length === 0) throw propError(this, 'addManifests.manifests', 'must list at least one manifest');
    new kplus.ConfigMap(this, `ConfigMap-${name}`, {
      metadata: { name, namespace: this.namespace },
      data: { 'resources.yaml': manifests.map((m) => toYaml(m as never)).join('---\n') },
    });
    this.resources.push({ kind: 'ConfigMap', name });
  }
}
