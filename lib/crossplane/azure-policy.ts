import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  PolicyDefinition as PolicyDefinitionClusterL1,
  ResourceGroupPolicyAssignment as ResourceGroupPolicyAssignmentClusterL1,
} from '../../imports/crossplane/authorization.azure.upbound.io';
import {
  PolicyDefinition as PolicyDefinitionL1,
  ResourceGroupPolicyAssignment as ResourceGroupPolicyAssignmentL1,
} from '../../imports/crossplane/authorization.azure.m.upbound.io';
import { checkLabels, checkString, propError } from '../core/errors';
import { addReference, refOf } from '../core/references';
import { groupOf } from '../core/validation/metadata';
import { GUID } from './azure-ids';
import { stableJson } from '../core/stable-json';
import { AzureManagedResource, AzureManagedResourceProps, ManagedResourceFlavour } from './managed-resource';

/** `/subscriptions/<guid>/resourceGroups/<name>` (ARM resource group names: 1-90 of letters, digits, `._-()`, not ending in `.`). */
/** `[/subscriptions/<id> | /providers/Microsoft.Management/managementGroups/<id>]/providers/Microsoft.Authorization/policyDefinitions/<name>`. */
const POLICY_DEFINITION_ID = /^(\/subscriptions\/[0-9a-f-]{36}|\/providers\/Microsoft\.Management\/managementGroups\/[^/]+)?\/providers\/Microsoft\.Authorization\/policyDefinitions\/[^/]+$/i;
const RESOURCE_GROUP_ID = /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourceGroups\/[-\w._()]{0,89}[-\w_()]$/i;

/**
 * A policy definition an assignment can use: a built-in one ({@link BuiltInPolicy}) or a
 * {@link PolicyDefinition} of the app. `P` is the type of the assignment's `parameters`.
 */
export interface IPolicyDefinition<P = Record<string, unknown>> {
  /** Display name, for messages. */
  readonly displayName: string;
  /** Parameters an assignment must set (names). */
  readonly requiredParameters: readonly string[];
  /** Phantom member carrying the parameter type (never set). */
  readonly __parameters?: P;
}

/**
 * A policy definition that exists in Azure outside the app (a custom definition of a management
 * group or subscription), by ARM id: assignments render `policyDefinitionId`. Create one with
 * {@link PolicyDefinition.fromArmId}; built-in definitions are {@link BuiltInPolicyDefinition}s.
 */
export class ExistingPolicyDefinition<P = Record<string, unknown>> implements IPolicyDefinition<P> {
  public declare readonly __parameters?: P;

  public constructor(
    /** The definition's ARM id. */
    public readonly id: string,
    public readonly displayName: string,
    public readonly requiredParameters: readonly string[] = [],
  ) {
    if (!POLICY_DEFINITION_ID.test(id)) {
      throw new Error(`policy definition id "${id}" is invalid: must be an ARM id ending in /providers/Microsoft.Authorization/policyDefinitions/<name>`);
    }
  }
}

/**
 * A built-in Azure Policy definition, by its tenant-independent id
 * (`/providers/Microsoft.Authorization/policyDefinitions/<guid>`, the same in every tenant).
 */
export class BuiltInPolicyDefinition<P = Record<string, unknown>> extends ExistingPolicyDefinition<P> {
  public constructor(
    /** The definition's GUID (its `name`). */
    public readonly guid: string,
    displayName: string,
    requiredParameters: readonly string[] = [],
  ) {
    if (!GUID.test(guid)) throw new Error(`built-in policy definition id "${guid}" is not a GUID`);
    super(`/providers/Microsoft.Authorization/policyDefinitions/${guid.toLowerCase()}`, displayName, requiredParameters);
  }
}

/**
 * Built-in Azure Policy definitions, with their parameters typed (ids and parameters as published
 * in github.com/Azure/azure-policy `built-in-policies/policyDefinitions`).
 */
export const BuiltInPolicy = {
  /** "Allowed locations" (General, deny): resources may only be created in the listed regions (resource groups and `global` excluded). */
  ALLOWED_LOCATIONS: new BuiltInPolicyDefinition<{ readonly listOfAllowedLocations: readonly string[] }>('e56962a6-4747-49cd-b67b-bf8b01975c4c', 'Allowed locations', ['listOfAllowedLocations']),
  /** "Allowed locations for resource groups" (General, deny). */
  ALLOWED_LOCATIONS_FOR_RESOURCE_GROUPS: new BuiltInPolicyDefinition<{ readonly listOfAllowedLocations: readonly string[] }>('e765b5de-1225-4ba3-bd56-1ac6695af988', 'Allowed locations for resource groups', ['listOfAllowedLocations']),
  /** "Require a tag on resource groups" (Tags, deny). */
  REQUIRE_TAG_ON_RESOURCE_GROUPS: new BuiltInPolicyDefinition<{ readonly tagName: string }>('96670d01-0a4d-4649-9c89-2d3abc0a5025', 'Require a tag on resource groups', ['tagName']),
  /** "Require a tag on resources" (Tags, deny; resource groups excluded). */
  REQUIRE_TAG_ON_RESOURCES: new BuiltInPolicyDefinition<{ readonly tagName: string }>('871b6d14-10aa-478d-b590-94f262ecfa99', 'Require a tag on resources', ['tagName']),
} as const;

/** Modes of a policy definition: which resource types it evaluates. */
export type PolicyMode = 'All' | 'Indexed' | 'Microsoft.KubernetesData' | 'Microsoft.KeyVault.Data' | 'Microsoft.Network.Data';

/** A parameter of a custom policy definition (`properties.parameters.<name>`). */
export interface PolicyParameterDefinition {
  /** Type. */
  readonly type: 'String' | 'Array' | 'Object' | 'Boolean' | 'Integer' | 'Float' | 'DateTime';
  /** Display name and description, shown in the portal. @default - none */
  readonly metadata?: { readonly displayName?: string; readonly description?: string; readonly strongType?: string };
  /** Default value (a parameter with a default is optional in assignments). @default - none: required */
  readonly defaultValue?: unknown;
  /** Allowed values. @default - any */
  readonly allowedValues?: readonly unknown[];
}

/** Props of a {@link PolicyDefinition}. */
export interface PolicyDefinitionProps<P = Record<string, unknown>> extends AzureManagedResourceProps {
  /** Display name (at most 128 characters). */
  readonly displayName: string;
  /** The policy rule (`{ if: {...}, then: { effect } }`), JSON-encoded into `spec.forProvider.policyRule`. */
  readonly policyRule: Record<string, unknown>;
  /** Parameters, JSON-encoded into `spec.forProvider.parameters`. @default - none */
  readonly parameters?: { readonly [K in keyof P]: PolicyParameterDefinition };
  /** Mode. @default 'All' */
  readonly mode?: PolicyMode;
  /** Description. @default - none */
  readonly description?: string;
  /** Metadata (e.g. `{ category: 'Tags' }`), JSON-encoded. @default - none */
  readonly metadata?: Record<string, unknown>;
  /** Management group to define it in. @default - the provider config's subscription */
  readonly managementGroupId?: string;
}

/**
 * A custom Azure Policy definition (upjet `PolicyDefinition`, `authorization.azure(.m).upbound.io`
 * v1beta1); assign it with {@link ResourceGroupPolicyAssignment} (by reference). The rule,
 * parameters and metadata are JSON-encoded, as upjet expects (the CRD's fields are strings).
 *
 * @example
 * const def = new PolicyDefinition(folder, 'deny-public-ip', {
 *   displayName: 'Deny public IPs',
 *   policyRule: { if: { field: 'type', equals: 'Microsoft.Network/publicIPAddresses' }, then: { effect: 'deny' } },
 * });
 */
export class PolicyDefinition<P = Record<string, unknown>> extends AzureManagedResource implements IPolicyDefinition<P> {
  /**
   * A definition that exists in Azure and is not managed by this app (e.g. a custom definition of
   * a management group), by ARM id. List the parameters it requires, so assignments are checked.
   */
  public static fromArmId<P = Record<string, unknown>>(id: string, displayName: string, requiredParameters: ReadonlyArray<keyof P & string> = []): ExistingPolicyDefinition<P> {
    return new ExistingPolicyDefinition<P>(id, displayName, requiredParameters);
  }

  public readonly displayName: string;
  public readonly requiredParameters: readonly string[];
  public declare readonly __parameters?: P;

  public constructor(scope: Construct, id: string, props: PolicyDefinitionProps<P>) {
    super(scope, id, { namespaced: PolicyDefinitionL1.GVK, cluster: PolicyDefinitionClusterL1.GVK }, props, () => ({
      displayName: props.displayName,
      description: props.description,
      mode: props.mode ?? 'All',
      policyType: 'Custom',
      policyRule: stableJson(props.policyRule),
      parameters: props.parameters ? stableJson(props.parameters) : undefined,
      metadata: props.metadata ? stableJson(props.metadata) : undefined,
      managementGroupId: props.managementGroupId,
    }));
    this.displayName = checkString(this, 'displayName', props.displayName, { min: 1, max: 128, description: '1-128 characters' });
    const rule = props.policyRule as Record<string, unknown> | undefined;
    if (!rule || typeof rule !== 'object' || !('if' in rule) || !('then' in rule)) throw propError(this, 'policyRule', 'must be an object with "if" and "then" (the policy rule)');
    const params = (props.parameters ?? {}) as Record<string, PolicyParameterDefinition>;
    this.requiredParameters = Object.keys(params).filter((k) => params[k].defaultValue === undefined).sort();
  }
}

/** The resource group of a {@link ResourceGroupPolicyAssignment}. */
export class AzureResourceGroupRef {
  /** By ARM id (`/subscriptions/<id>/resourceGroups/<name>`): `resourceGroupId`. */
  public static fromArmId(id: string): AzureResourceGroupRef {
    return new AzureResourceGroupRef((scope, prop) => {
      if (typeof id !== 'string' || !RESOURCE_GROUP_ID.test(id)) throw propError(scope, prop, `"${String(id)}" is invalid: must be a resource group ARM id (/subscriptions/<subscription id>/resourceGroups/<name>)`);
      return { resourceGroupId: id };
    });
  }
  /**
   * An upjet `ResourceGroup` object of the app (`azure.m.upbound.io` for namespaced assignments,
   * `azure.upbound.io` for cluster-scoped ones): `resourceGroupIdRef`.
   */
  public static fromResourceGroup(resourceGroup: ApiObject): AzureResourceGroupRef {
    return new AzureResourceGroupRef((scope, prop, namespaced, namespace) => {
      const want = namespaced ? 'azure.m.upbound.io' : 'azure.upbound.io';
      if (!(resourceGroup instanceof ApiObject) || resourceGroup.kind !== 'ResourceGroup' || groupOf(resourceGroup.apiVersion) !== want) {
        throw propError(scope, prop, `must be a ResourceGroup of ${want} (the ${namespaced ? 'namespaced' : 'cluster-scoped'} flavour, like the assignment)`);
      }
      addReference(scope, prop, () => refOf(resourceGroup));
      const ns = resourceGroup.metadata.namespace;
      return { resourceGroupIdRef: namespaced && ns && ns !== namespace() ? { name: resourceGroup.name, namespace: ns } : { name: resourceGroup.name } };
    });
  }
  /** The resource group composed by the same composite (in a composition base): `resourceGroupIdSelector.matchControllerRef`. */
  public static matchControllerRef(): AzureResourceGroupRef {
    return new AzureResourceGroupRef(() => ({ resourceGroupIdSelector: { matchControllerRef: true } }));
  }
  /** The resource group with these labels: `resourceGroupIdSelector.matchLabels`. */
  public static matchLabels(labels: Record<string, string>): AzureResourceGroupRef {
    return new AzureResourceGroupRef((scope, prop) => {
      if (!labels || Object.keys(labels).length === 0) throw propError(scope, prop, 'matchLabels needs at least one label');
      checkLabels(scope, `${prop}.matchLabels`, labels);
      return { resourceGroupIdSelector: { matchLabels: { ...labels } } };
    });
  }

  private constructor(
    /** @internal */
    public readonly _render: (scope: Construct, prop: string, namespaced: boolean, namespace: () => string | undefined) => Record<string, unknown>,
  ) {}
}

/** Props of a {@link ResourceGroupPolicyAssignment}. */
export interface ResourceGroupPolicyAssignmentProps<P> extends AzureManagedResourceProps {
  /** The definition: a {@link BuiltInPolicy}, a {@link PolicyDefinition} of the app (same flavour), or {@link PolicyDefinition.fromArmId}. */
  readonly policyDefinition: IPolicyDefinition<P>;
  /** The resource group assigned to. */
  readonly resourceGroup: AzureResourceGroupRef;
  /** Parameter values (each definition's own type), JSON-encoded as `{ "<name>": { "value": ... } }`. @default - none (the definition's required parameters must be set) */
  readonly parameters?: P;
  /** Display name. @default - the definition's display name */
  readonly displayName?: string;
  /** Description. @default - none */
  readonly description?: string;
  /** Enforce the effect (`false`: audit only, "DoNotEnforce"). @default true */
  readonly enforce?: boolean;
  /** The message shown when a resource is not compliant. @default - none */
  readonly nonComplianceMessage?: string;
  /** Scopes (ARM ids below the resource group) excluded; more with `addNotScope()`. @default - none */
  readonly notScopes?: string[];
}

/**
 * An Azure Policy assignment to a resource group (upjet `ResourceGroupPolicyAssignment`:
 * `authorization.azure.m.upbound.io/v1beta1` namespaced, `authorization.azure.upbound.io/v1beta2`
 * cluster-scoped). Parameters are typed by the definition and JSON-encoded as upjet expects.
 *
 * @example
 * // In a composition: the resource group composed by the same composite
 * base: (scope) => new ResourceGroupPolicyAssignment(scope, 'allowed-locations', {
 *   policyDefinition: BuiltInPolicy.ALLOWED_LOCATIONS,
 *   parameters: { listOfAllowedLocations: ['westeurope', 'northeurope'] },
 *   resourceGroup: AzureResourceGroupRef.matchControllerRef(),
 * }),
 */
export class ResourceGroupPolicyAssignment<P = Record<string, unknown>> extends AzureManagedResource {
  private readonly notScopes: string[];

  public constructor(scope: Construct, id: string, props: ResourceGroupPolicyAssignmentProps<P>) {
    // Filled in below, rendered at synth.
    const state = { definition: {} as Record<string, unknown>, resourceGroup: {} as Record<string, unknown>, notScopes: [] as string[] };
    super(scope, id, { namespaced: ResourceGroupPolicyAssignmentL1.GVK, cluster: ResourceGroupPolicyAssignmentClusterL1.GVK }, props, () => ({
      displayName: props.displayName ?? props.policyDefinition.displayName,
      description: props.description,
      enforce: props.enforce ?? true,
      ...state.definition,
      ...state.resourceGroup,
      parameters: props.parameters && Object.keys(props.parameters).length > 0 ? encodeParameters(props.parameters as Record<string, unknown>) : undefined,
      nonComplianceMessage: props.nonComplianceMessage ? [{ content: props.nonComplianceMessage }] : undefined,
      notScopes: state.notScopes.length > 0 ? [...state.notScopes].sort() : undefined,
    }));
    this.notScopes = state.notScopes;
    const namespaced = this.flavour === ManagedResourceFlavour.NAMESPACED;
    const def = props.policyDefinition as IPolicyDefinition<P> | undefined;
    if (def instanceof ExistingPolicyDefinition) {
      state.definition = { policyDefinitionId: def.id };
    } else if (def instanceof PolicyDefinition) {
      if (def.flavour !== this.flavour) throw propError(this, 'policyDefinition', `PolicyDefinition "${def.node.path}" is ${def.flavour}, the assignment ${this.flavour}: use the same ManagedResourceFlavour`);
      addReference(this, 'policyDefinition', () => refOf(def.apiObject));
      const ns = def.namespace;
      state.definition = { policyDefinitionIdRef: namespaced && ns && ns !== this.namespace ? { name: def.name, namespace: ns } : { name: def.name } };
    } else {
      throw propError(this, 'policyDefinition', 'must be a BuiltInPolicy (e.g. BuiltInPolicy.ALLOWED_LOCATIONS), a PolicyDefinition or PolicyDefinition.fromArmId(...)');
    }
    if (!(props.resourceGroup instanceof AzureResourceGroupRef)) throw propError(this, 'resourceGroup', 'must be an AzureResourceGroupRef (fromArmId, fromResourceGroup, matchControllerRef or matchLabels)');
    state.resourceGroup = props.resourceGroup._render(this, 'resourceGroup', namespaced, () => this.namespace);
    const given = (props.parameters ?? {}) as Record<string, unknown>;
    for (const p of def.requiredParameters) {
      if (given[p] === undefined || given[p] === null) throw propError(this, `parameters.${p}`, `is required by the policy definition "${def.displayName}"`);
    }
    const azureName = props.externalName ?? props.name;
    if (azureName !== undefined && azureName.length > 64) {
      throw propError(this, props.externalName !== undefined ? 'externalName' : 'name', `"${azureName}" is invalid: the Azure name of a resource group policy assignment is at most 64 characters (set a shorter externalName)`);
    }
    if (props.displayName !== undefined) checkString(this, 'displayName', props.displayName, { min: 1, max: 128, description: '1-128 characters' });
    if (props.nonComplianceMessage !== undefined) checkString(this, 'nonComplianceMessage', props.nonComplianceMessage, { min: 1, description: 'a non-empty message' });
    for (const s of props.notScopes ?? []) this.addNotScope(s);
  }

  /** Excludes a scope (an ARM id below the resource group) from the assignment. */
  public addNotScope(armId: string): void {
    const prop = `notScopes[${this.notScopes.length}]`;
    checkString(this, prop, armId, { pattern: /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+(\/.+)?$/i, description: 'an ARM id below a resource group (/subscriptions/<id>/resourceGroups/<name>/...)' });
    if (this.notScopes.includes(armId)) throw propError(this, prop, `"${armId}" is already excluded`);
    this.notScopes.push(armId);
  }
}

/** `{ "<name>": { "value": <value> } }`, JSON-encoded with sorted keys (what ARM and upjet read). */
export function encodeParameters(values: Record<string, unknown>): string {
  const out: Record<string, { value: unknown }> = {};
  for (const k of Object.keys(values)) if (values[k] !== undefined) out[k] = { value: values[k] };
  return stableJson(out);
}
