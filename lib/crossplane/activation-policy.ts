import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ManagedResourceActivationPolicy as ManagedResourceActivationPolicyL1 } from '../../imports/crossplane/apiextensions.crossplane.io';
import { checkString, DNS_SUBDOMAIN, propError } from '../core/errors';
import { pluralOf } from '../core/kinds';
import { isCrossplaneManagedGroup } from '../core/removal-policy';
import { groupOf } from '../core/validation/metadata';
import { Composition } from './composition';
import { PlatformResource } from '../core/resource';

/** Props of a {@link ManagedResourceActivationPolicy}. */
export interface ManagedResourceActivationPolicyProps {
  /** Name. */
  readonly name: string;
  /**
   * ManagedResourceDefinitions to activate: `<plural>.<group>` names or wildcards
   * (`*.azure.m.upbound.io`). More with {@link ManagedResourceActivationPolicy.activate} and
   * {@link ManagedResourceActivationPolicy.activateFor}.
   * @default - none
   */
  readonly activate?: string[];
}

const MRD = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

export { pluralOf };

/**
 * A ManagedResourceActivationPolicy (`apiextensions.crossplane.io/v1alpha1`): Crossplane v2
 * providers install their managed resource definitions inactive ("safe start") and only serve
 * the kinds an activation policy names. {@link activateFor} activates exactly the managed
 * resource kinds a composition composes.
 *
 * @example
 * const activation = new ManagedResourceActivationPolicy(folder, 'activation', { name: 'aks-platform' });
 * activation.activateFor(composition); // exactly the managed resource kinds the composition composes
 * activation.activate('resourcegroups.azure.m.upbound.io');
 */
export class ManagedResourceActivationPolicy extends PlatformResource {
  public readonly apiObject: ManagedResourceActivationPolicyL1;
  private readonly names = new Set<string>();
  private readonly compositions: Composition[] = [];

  public constructor(scope: Construct, id: string, props: ManagedResourceActivationPolicyProps) {
    super(scope, id);
    const name = checkString(this, 'name', props.name, DNS_SUBDOMAIN);
    for (const n of props.activate ?? []) this.activate(n);
    this.apiObject = new ManagedResourceActivationPolicyL1(this, 'Resource', {
      metadata: { name },
      spec: { activate: Lazy.any({ produce: () => this.activated() }) },
    });
    this.node.addValidation({ validate: () => (this.activated().length === 0 ? ['prop "activate": activates nothing (add names or compositions)'] : []) });
  }

  /** Activates a ManagedResourceDefinition by name (`kubernetesclusters.containerservice.azure.m.upbound.io`) or wildcard. */
  public activate(name: string): void {
    checkString(this, 'activate', name, { pattern: MRD, description: 'a ManagedResourceDefinition name (<plural>.<group>) or a wildcard like "*.azure.m.upbound.io"' });
    this.names.add(name);
  }

  /** Activates every managed resource kind the composition's bases use (read at synth, so later resources count). */
  public activateFor(composition: Composition): void {
    if (!(composition instanceof Composition)) throw propError(this, 'activateFor', 'must be a Composition');
    this.compositions.push(composition);
  }

  /** The names activated, sorted. */
  public activated(): string[] {
    const all = new Set(this.names);
    for (const c of this.compositions) {
      for (const step of c.toJson().spec?.pipeline ?? []) {
        for (const r of step.input?.resources ?? []) {
          const group = groupOf(String(r.base?.apiVersion ?? ''));
          if (isCrossplaneManagedGroup(group)) all.add(`${pluralOf(String(r.base.kind))}.${group}`);
        }
      }
    }
    return [...all].sort();
  }
}
