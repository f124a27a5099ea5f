import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { checkLabels, checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { addReference } from '../core/references';
import { RemovalPolicy } from '../core/removal-policy';
import { PlatformResource, scopeNamespace } from '../core/resource';
import { AzureClusterProviderConfig, AzureProviderConfig, IAzureProviderConfig } from './provider-config';

/**
 * Which upjet-azure API a managed resource uses. Crossplane v2 serves each kind twice: the
 * namespaced `*.azure.m.upbound.io` kinds (what namespaced composites compose; their
 * `providerConfigRef` names a `ClusterProviderConfig` or a `ProviderConfig` of their namespace) and
 * the cluster-scoped legacy `*.azure.upbound.io` kinds (what `XrdScope.LEGACY_CLUSTER` composites
 * compose; their `providerConfigRef` names an `azure.upbound.io` ProviderConfig).
 */
export enum ManagedResourceFlavour {
  /** `*.azure.m.upbound.io`, namespaced. */
  NAMESPACED = 'namespaced',
  /** `*.azure.upbound.io`, cluster-scoped (legacy). */
  CLUSTER = 'cluster',
}

/** The (Cluster)ProviderConfig a managed resource uses, by name. */
export interface ProviderConfigRef {
  /** `ClusterProviderConfig` or `ProviderConfig` (the only kind of the cluster-scoped flavour). */
  readonly kind: 'ClusterProviderConfig' | 'ProviderConfig';
  /** Its name. */
  readonly name: string;
}

/** Props every upjet-azure managed resource construct accepts. */
export interface AzureManagedResourceProps {
  /**
   * Object name (also the Azure name unless `externalName` is set).
   * @default - generated from the construct path; in a composition base, left to Crossplane
   */
  readonly name?: string;
  /** Namespace (namespaced flavour only). @default - the folder's namespace */
  readonly namespace?: string;
  /** Namespaced (`*.azure.m.upbound.io`) or cluster-scoped legacy (`*.azure.upbound.io`) kind. @default ManagedResourceFlavour.NAMESPACED */
  readonly flavour?: ManagedResourceFlavour;
  /**
   * Credentials: a {@link AzureClusterProviderConfig} or {@link AzureProviderConfig} of the app or
   * imported (`fromName`), or a reference by name. The cluster-scoped flavour only takes
   * `{ kind: 'ProviderConfig', name }`.
   * @default - the CRD's default: `ClusterProviderConfig` "default" (namespaced), `ProviderConfig` "default" (cluster-scoped)
   */
  readonly providerConfig?: IAzureProviderConfig | ProviderConfigRef;
  /**
   * What happens to the Azure object when this object is removed (`spec.managementPolicies`;
   * {@link AzureManagedResource.applyRemovalPolicy} sets the same later).
   * @default RemovalPolicy.DESTROY (role and policy assignments hold no data: removing them from Git revokes them)
   */
  readonly removalPolicy?: RemovalPolicy;
  /** Labels (e.g. for `*Selector.matchLabels` of other managed resources). @default - none */
  readonly labels?: Record<string, string>;
  /** The Azure name (`crossplane.io/external-name`), when it differs from the object name. @default - the object name */
  readonly externalName?: string;
}

/** `crossplane.io/external-name`: the name of the external (Azure) object. */
export const EXTERNAL_NAME_ANNOTATION = 'crossplane.io/external-name';

/** A managed-resource kind in both flavours. */
export interface ManagedResourceKinds {
  readonly namespaced: { readonly apiVersion: string; readonly kind: string };
  readonly cluster: { readonly apiVersion: string; readonly kind: string };
}

/**
 * Base of the upjet-azure managed-resource constructs: picks the flavour's apiVersion, renders
 * `spec.forProvider` lazily (so `addX()` works after construction), the provider config
 * reference (recorded so synth checks it resolves), the removal policy and the external name.
 * Use the construct directly in a folder, or as a composition base:
 * `base: (scope) => new RoleAssignment(scope, 'ra', {...})`.
 *
 * @example
 * // Subclasses (PolicyDefinition, ResourceGroupPolicyAssignment, RoleAssignment) share its props:
 * new ResourceGroupPolicyAssignment(folder, 'allowed-locations', {
 *   name: 'allowed-locations',
 *   policyDefinition: BuiltInPolicy.ALLOWED_LOCATIONS,
 *   parameters: { listOfAllowedLocations: ['westeurope'] },
 *   resourceGroup: AzureResourceGroupRef.fromArmId('/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app'),
 *   flavour: ManagedResourceFlavour.CLUSTER,
 * });
 */
export abstract class AzureManagedResource extends PlatformResource {
  /** The flavour. */
  public readonly flavour: ManagedResourceFlavour;
  /** The object. */
  public readonly apiObject: ApiObject;
  /** The namespace (namespaced flavour), known before the L1 exists. */
  private readonly mrNamespace?: string;

  protected constructor(scope: Construct, id: string, kinds: ManagedResourceKinds, props: AzureManagedResourceProps, forProvider: () => Record<string, unknown>) {
    super(scope, id);
    this.flavour = props.flavour ?? ManagedResourceFlavour.NAMESPACED;
    if (!Object.values(ManagedResourceFlavour).includes(this.flavour)) throw propError(this, 'flavour', `"${String(this.flavour)}" is not a ManagedResourceFlavour (NAMESPACED or CLUSTER)`);
    const namespaced = this.flavour === ManagedResourceFlavour.NAMESPACED;
    if (props.name !== undefined) checkString(this, 'name', props.name, DNS_SUBDOMAIN);
    if (props.namespace !== undefined) {
      if (!namespaced) throw propError(this, 'namespace', 'a cluster-scoped (ManagedResourceFlavour.CLUSTER) managed resource has no namespace: leave it out');
      checkString(this, 'namespace', props.namespace, DNS_LABEL);
    }
    checkLabels(this, 'labels', props.labels);
    if (props.externalName !== undefined) checkString(this, 'externalName', props.externalName, { min: 1, max: 260, description: 'a non-empty Azure name' });
    const providerConfigRef = this.providerConfigRef(props.providerConfig, namespaced);
    const gvk = namespaced ? kinds.namespaced : kinds.cluster;
    this.mrNamespace = namespaced ? props.namespace ?? scopeNamespace(this) : undefined;
    this.apiObject = new ApiObject(this, 'Resource', {
      ...gvk,
      metadata: {
        name: props.name,
        namespace: namespaced ? props.namespace : undefined,
        labels: props.labels,
        annotations: props.externalName ? { [EXTERNAL_NAME_ANNOTATION]: props.externalName } : undefined,
      },
      spec: {
        forProvider: Lazy.any({ produce: () => clean(forProvider()) }),
        ...(providerConfigRef ? { providerConfigRef } : {}),
      },
    });
    this.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.DESTROY);
  }

  /** The namespace (namespaced flavour), from props or the folder. */
  public override get namespace(): string | undefined {
    return this.mrNamespace;
  }

  private providerConfigRef(pc: AzureManagedResourceProps['providerConfig'], namespaced: boolean): Record<string, string> | undefined {
    const ns = () => this.mrNamespace;
    if (pc === undefined) {
      addReference(this, 'providerConfig', () => (namespaced
        ? { apiGroup: 'azure.m.upbound.io', kind: 'ClusterProviderConfig', name: 'default' }
        : { apiGroup: 'azure.upbound.io', kind: 'ProviderConfig', name: 'default' }));
      return undefined;
    }
    const construct = isProviderConfigConstruct(pc) ? pc : undefined;
    const ref: ProviderConfigRef = construct ? { kind: construct.kind as ProviderConfigRef['kind'], name: construct.name } : pc as ProviderConfigRef;
    if (!ref || (ref.kind !== 'ClusterProviderConfig' && ref.kind !== 'ProviderConfig')) throw propError(this, 'providerConfig', 'must be an AzureClusterProviderConfig, an AzureProviderConfig or { kind: "ClusterProviderConfig" | "ProviderConfig", name }');
    checkString(this, 'providerConfig.name', ref.name, DNS_SUBDOMAIN);
    if (!namespaced) {
      if (ref.kind !== 'ProviderConfig' || construct) {
        throw propError(this, 'providerConfig', `a cluster-scoped (ManagedResourceFlavour.CLUSTER) managed resource uses an azure.upbound.io ProviderConfig: pass { kind: 'ProviderConfig', name }, not ${construct ? `the azure.m.upbound.io ${ref.kind} "${ref.name}"` : `a ${ref.kind}`}`);
      }
      addReference(this, 'providerConfig', { apiGroup: 'azure.upbound.io', kind: 'ProviderConfig', name: ref.name });
      return { name: ref.name };
    }
    if (construct && construct.kind === 'ProviderConfig' && construct.namespace !== undefined) {
      // A namespaced ProviderConfig serves its own namespace only.
      this.node.addValidation({
        validate: () => (construct.namespace !== ns() ? [`prop "providerConfig": ProviderConfig "${ref.name}" is in namespace "${construct.namespace}", not "${ns()}": a managed resource can only use a ProviderConfig of its own namespace`] : []),
      });
    }
    addReference(this, 'providerConfig', () => ({ apiGroup: 'azure.m.upbound.io', kind: ref.kind, name: ref.name, namespace: ref.kind === 'ProviderConfig' ? ns() : undefined }));
    return { kind: ref.kind, name: ref.name };
  }
}

/** Whether `pc` is an upjet-azure (Cluster)ProviderConfig construct of the app or an import. */
function isProviderConfigConstruct(pc: unknown): pc is IAzureProviderConfig {
  if (pc instanceof AzureClusterProviderConfig || pc instanceof AzureProviderConfig) return true;
  const c = pc as IAzureProviderConfig | undefined;
  return Construct.isConstruct(c) && c.apiGroup === 'azure.m.upbound.io' && (c.kind === 'ClusterProviderConfig' || c.kind === 'ProviderConfig');
}

/** Drops undefined fields (deterministic output, no `null`s). */
function clean(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

