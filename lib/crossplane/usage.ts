import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Usage as UsageL1 } from '../../imports/crossplane/protection.crossplane.io';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { isClusterScoped } from '../core/kinds';
import { addReference, refOf } from '../core/references';
import { groupOf } from '../core/validation/metadata';
import { PlatformResource, scopeNamespace } from '../core/resource';

/** A resource a {@link Usage} protects or is held by. */
export type UsageTarget = ApiObject | { readonly apiVersion: string; readonly kind: string; readonly name: string; readonly namespace?: string };

/** Props of a {@link Usage}. */
export interface UsageProps {
  /** Name. */
  readonly name: string;
  /** Namespace. @default - the folder's namespace */
  readonly namespace?: string;
  /** The resource that must not be deleted while in use. */
  readonly of: UsageTarget;
  /** The resource using it (deleting `of` is blocked until `by` is gone). @default - none: `reason` is required */
  readonly by?: UsageTarget;
  /** Why `of` is protected (when there is no `by`). @default - none */
  readonly reason?: string;
  /** Replay the blocked deletion of `of` once `by` is deleted. @default false */
  readonly replayDeletion?: boolean;
}

/**
 * A Crossplane Usage (`protection.crossplane.io/v1beta1`): blocks the deletion of a resource while
 * another one uses it (e.g. a database while the app's composite exists), or with a reason only.
 * Both resources must be objects of the app (or declared provided).
 *
 * @example
 * // Keep the function while compositions use it (a reason, no `by`)
 * new Usage(folder, 'fn-in-use', { name: 'patch-and-transform-in-use', of: patchAndTransform.apiObject, reason: 'compositions use it' });
 * // Block deleting the database composite while the app's composite exists
 * new Usage(folder, 'db-in-use', {
 *   name: 'orders-db-in-use', of: { apiVersion: 'platform.contoso.com/v1alpha1', kind: 'XDatabase', name: 'orders-db' },
 *   by: webApp.apiObject, replayDeletion: true,
 * });
 */
export class Usage extends PlatformResource {
  public readonly apiObject: UsageL1;
  /** The Usage's namespace (from props, else its folder's), known before the L1 exists. */
  private readonly usageNamespace?: string;

  public constructor(scope: Construct, id: string, props: UsageProps) {
    super(scope, id);
    const name = checkString(this, 'name', props.name, DNS_SUBDOMAIN);
    if (props.namespace !== undefined) checkString(this, 'namespace', props.namespace, DNS_LABEL);
    if (!props.by && !props.reason) throw propError(this, 'reason', 'is required when there is no "by" resource');
    // Known before the L1 exists: the targets are rendered relative to it.
    this.usageNamespace = props.namespace ?? scopeNamespace(this);
    this.apiObject = new UsageL1(this, 'Resource', {
      metadata: { name, namespace: props.namespace },
      spec: {
        of: this.target('of', props.of, true),
        by: props.by ? this.target('by', props.by, false) : undefined,
        reason: props.reason,
        replayDeletion: props.replayDeletion,
      },
    });
  }

  private target(prop: string, t: UsageTarget, allowNamespace: boolean): any {
    const j = t instanceof ApiObject ? { apiVersion: t.apiVersion, kind: t.kind, name: t.name, namespace: t.metadata.namespace } : t;
    if (!j || typeof j.apiVersion !== 'string' || typeof j.kind !== 'string' || typeof j.name !== 'string') throw propError(this, prop, 'must be an ApiObject or { apiVersion, kind, name }');
    const usageNs = () => this.usageNamespace;
    const clusterScoped = isClusterScoped(j.apiVersion, j.kind);
    addReference(this, prop, () => (t instanceof ApiObject ? refOf(t) : { apiGroup: groupOf(j.apiVersion), kind: j.kind, name: j.name, namespace: clusterScoped ? undefined : j.namespace ?? usageNs() }));
    const ns = !clusterScoped && allowNamespace && j.namespace && j.namespace !== usageNs() ? j.namespace : undefined;
    return { apiVersion: j.apiVersion, kind: j.kind, resourceRef: ns ? { name: j.name, namespace: ns } : { name: j.name } };
  }
}
