import { Construct } from 'constructs';
import {
  RoleAssignment as RoleAssignmentL1,
  RoleAssignmentSpecOperatorSpecNamingConvention,
  RoleAssignmentSpecPrincipalType,
} from '../../imports/aso/authorization.azure.com';
import { builtInRoleName, roleDefinitionArmId } from '../core/azure-roles';
import { checkString, DNS_SUBDOMAIN, propError } from '../core/errors';
import { ExportedValue } from '../core/exported-value';
import { RemovalPolicy } from '../core/removal-policy';
import { AsoResource, AsoResourceProps, constructOrRemove, IAsoResource, subscriptionOfArmId } from './aso-resource';
import { checkSubscriptionId, childKubernetesName, GUID } from './naming';

/** The kinds of Entra principals a role can be assigned to. */
export enum PrincipalType {
  /** An application or a managed identity (user- or system-assigned). */
  SERVICE_PRINCIPAL = 'ServicePrincipal',
  USER = 'User',
  GROUP = 'Group',
  FOREIGN_GROUP = 'ForeignGroup',
  DEVICE = 'Device',
}

/**
 * Who a role is granted to: an Entra principal, by object ID. A {@link UserAssignedIdentity} is
 * one (its principal ID is read from the ConfigMap ASO exports it to); others come from
 * {@link Principal}.
 */
export interface IPrincipal {
  /**
   * The principal's object ID: a GUID, or an exported value holding it (a ConfigMap key in the
   * role assignment's namespace, read by ASO through `principalIdFromConfig`).
   */
  readonly principalId: string | ExportedValue;
  /** The kind of principal (Azure skips a directory lookup when it is given). */
  readonly principalType: PrincipalType;
  /** A short, Kubernetes-name-safe label of the principal, used in generated object names. */
  readonly principalName: string;
}

/**
 * Principals known by object ID (Entra groups, users, service principals created elsewhere).
 *
 * @example
 * const admins = Principal.group('5f2c1f1e-8f55-4b59-9a29-0b5d3c0e2a11');
 * vault.grantSecretsUser(admins);
 */
export class Principal {
  /** A service principal (an application's or a managed identity's) by object ID. */
  public static servicePrincipal(objectId: string): IPrincipal {
    return { principalId: objectId, principalType: PrincipalType.SERVICE_PRINCIPAL, principalName: objectId.toLowerCase() };
  }

  /** An Entra group by object ID. */
  public static group(objectId: string): IPrincipal {
    return { principalId: objectId, principalType: PrincipalType.GROUP, principalName: objectId.toLowerCase() };
  }

  /** An Entra user by object ID. */
  public static user(objectId: string): IPrincipal {
    return { principalId: objectId, principalType: PrincipalType.USER, principalName: objectId.toLowerCase() };
  }

  /**
   * A principal whose object ID a controller exports into a ConfigMap (e.g. the `principalId` of
   * an identity managed by another construct library); `name` labels it in object names.
   */
  public static fromExportedValue(principalId: ExportedValue, principalType: PrincipalType, name: string): IPrincipal {
    return { principalId, principalType, principalName: name };
  }

  private constructor() {}
}

/** Options of a role assignment made with a resource's `grant*()` methods. */
export interface GrantOptions {
  /**
   * The subscription of the role definition's ARM ID
   * (`/subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<role>`).
   * @default - the resource's subscription, when the app knows it (see `IAsoResource.subscriptionId`)
   */
  readonly subscriptionId?: string;
  /**
   * `metadata.name` of the ASO object. ASO derives the assignment's Azure name (a GUID) from the
   * owner, the namespace and this name, so renaming it replaces the assignment. The derivation knows
   * neither the subscription nor the management cluster (and, in ASO releases using
   * `MakeUniqueOwnerScopedStringLegacy`, not an owner by ARM ID either): two management clusters of
   * one Entra tenant writing the same namespace and name derive the same GUID. With another
   * principal, role or scope Azure refuses the second (RoleAssignmentUpdateNotPermitted); with the
   * same ones both share one assignment, and removing it from one cluster (DESTROY, the default)
   * revokes it for the other. Give one of them another name or `azureName`.
   * @default - `<scope kubernetes name>-<principal name>-<role>`
   */
  readonly kubernetesName?: string;
  /**
   * A description of the assignment, shown in Azure.
   * @default - none
   */
  readonly description?: string;
  /**
   * Removal policy. An assignment holds no data; removing it from the app revokes the access
   * (a retained assignment would be a grant nobody reviews any more).
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Props of a {@link RoleAssignment}. */
export interface RoleAssignmentProps extends AsoResourceProps, GrantOptions {
  /**
   * What the role applies to (the assignment's ASO `owner`): any ASO resource construct in the
   * same namespace (resource group, storage account, container, key vault, ...), or the ARM ID
   * of a subscription, resource group or resource.
   */
  readonly scope: IAsoResource | string;
  /** Who gets the role: a {@link UserAssignedIdentity}, or a {@link Principal}. */
  readonly principal: IPrincipal;
  /**
   * The role: a role definition GUID (the {@link AzureBuiltInRole} constants, or a custom role's
   * GUID) or a role definition's ARM ID.
   */
  readonly role: string;
  /**
   * Removal policy (an assignment holds no data; removing it revokes the access).
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Azure name of the assignment (a GUID), to adopt an existing assignment, or to keep two
   * management clusters of one tenant apart (see `kubernetesName`).
   * @default - derived by ASO (a stable UUIDv5 of the owner, the namespace and `metadata.name`)
   */
  readonly azureName?: string;
}

/** An ARM ID a role assignment can be scoped to: a subscription, a resource group or a resource. */
const SCOPE_ARM_ID = /^\/subscriptions\/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}(\/resourceGroups\/[^/]+(\/providers\/[^/]+(\/[^/]+\/[^/]+)+)?)?$/i;
/** The ARM ID of a role definition in a subscription. */
const ROLE_DEFINITION_ARM_ID = /^\/subscriptions\/([0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})$/i;

/**
 * An Azure role assignment (ASO `authorization.azure.com` `RoleAssignment`): grants `principal`
 * the role `role` on `scope`. Usually made with a resource's `grant*()` methods
 * (`account.grantBlobDataContributor(identity)`, `vault.grantSecretsUser(identity)`,
 * `resource.grant(principal, role)`).
 *
 * - Scope: the assignment's ASO `owner` is the resource it applies to (`group`, `kind`, `name`
 *   of an object in the same namespace), or an ARM ID.
 * - Principal: a {@link UserAssignedIdentity}'s principal ID is read by ASO from the identity's
 *   ConfigMap export (`principalIdFromConfig`), so the assignment waits for the identity; other
 *   principals are given by object ID. `principalType` is always set, so Azure does not look up
 *   a principal that was just created (and not yet replicated) in the directory.
 * - Role: `roleDefinitionReference.armId` is
 *   `/subscriptions/<subscription>/providers/Microsoft.Authorization/roleDefinitions/<role>`:
 *   the subscription comes from `subscriptionId`, else the scope's (an owner ARM ID, or the
 *   `subscriptionId` of the credential or AsoCredentialScope); without one it is an error.
 * - Azure name: not set; ASO derives a stable GUID from the owner, the namespace and
 *   `metadata.name` (`operatorSpec.namingConvention: stable`; azure-service-operator
 *   v2/api/authorization/.../webhook/role_assignment_defaults.go; releases using
 *   `MakeUniqueOwnerScopedStringLegacy` leave an ARM ID owner out). Neither the subscription nor the
 *   management cluster is in it: see `kubernetesName` for two management clusters of one tenant.
 *
 * Removal: `DESTROY` by default (removing the assignment from the app revokes the access).
 *
 * @example
 * const identity = new UserAssignedIdentity(team, 'id', { name: 'id-files-web', resourceGroup: rg });
 * new RoleAssignment(team, 'reader', { scope: rg, principal: identity, role: AzureBuiltInRole.READER });
 * // the same, shorter:
 * rg.grant(identity, AzureBuiltInRole.READER);
 */
export class RoleAssignment extends AsoResource {
  public readonly azureName: string;
  /** The role definition GUID. */
  public readonly roleId: string;
  /** The ARM ID of the role definition. */
  public readonly roleDefinitionId: string;
  /** The principal. */
  public readonly principal: IPrincipal;
  /** The ASO object. */
  public readonly apiObject: RoleAssignmentL1;

  public constructor(scope: Construct, id: string, props: RoleAssignmentProps) {
    super(scope, id, props);
    const target = props.scope;
    const owner = this.ownerOf('scope', target, 'an ASO resource', SCOPE_ARM_ID);
    this.principal = props.principal;
    if (!props.principal || typeof props.principal !== 'object' || props.principal.principalId === undefined) {
      throw propError(this, 'principal', 'must be a UserAssignedIdentity or a Principal (Principal.servicePrincipal(objectId), Principal.group(objectId), ...)');
    }
    const principalType = props.principal.principalType;
    if (!Object.values(PrincipalType).includes(principalType)) throw propError(this, 'principal', `principalType "${principalType}" is not a PrincipalType`);

    let principalId: string | undefined;
    let principalIdFromConfig: { name: string; key: string } | undefined;
    const pid = props.principal.principalId;
    if (typeof pid === 'string') {
      principalId = checkString(this, 'principal', pid, { pattern: GUID, description: 'a principal object ID (GUID)' }).toLowerCase();
    } else {
      const where = pid.ref();
      if (where.kind !== 'ConfigMap' || where.namespace !== this.namespace) {
        throw propError(this, 'principal', `principal ID is in ${where.kind} ${where.namespace}/${where.name}, but ASO principalIdFromConfig reads a ConfigMap in the role assignment's namespace ("${this.namespace}"): create the identity in that namespace`);
      }
      const loc = pid.use(this, 'principal');
      principalIdFromConfig = { name: loc.name, key: loc.key };
    }

    const role = typeof props.role === 'string' ? props.role : '';
    const roleArm = ROLE_DEFINITION_ARM_ID.exec(role);
    if (!roleArm && !GUID.test(role)) {
      throw propError(this, 'role', `"${String(props.role)}" is not a role definition GUID (see AzureBuiltInRole) or a role definition ARM ID (/subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<guid>)`);
    }
    this.roleId = (roleArm ? roleArm[2] : role).toLowerCase();
    const explicit = checkSubscriptionId(this, props.subscriptionId);
    const known = typeof target === 'string' ? subscriptionOfArmId(target) : target.subscriptionId;
    if (explicit && known && explicit !== known) {
      throw propError(this, 'subscriptionId', `"${explicit}" is not the subscription of the scope (${known})`);
    }
    if (roleArm) {
      this.roleDefinitionId = role;
    } else {
      const subscription = explicit ?? known;
      if (!subscription) {
        const where = typeof target === 'string' ? target : `${target.kind} "${target.name}" (${target.node.path})`;
        throw propError(
          this,
          'subscriptionId',
          `is required: the role definition's ARM ID (/subscriptions/<subscription>/providers/Microsoft.Authorization/roleDefinitions/${this.roleId}) ` +
            `needs the subscription, and the app does not know the subscription of ${where}; set subscriptionId on the AsoCredential or ` +
            'AsoCredentialScope (the plaintext of AZURE_SUBSCRIPTION_ID, not a secret), or pass subscriptionId here',
        );
      }
      this.roleDefinitionId = roleDefinitionArmId(subscription, this.roleId);
    }

    if (props.azureName !== undefined) checkString(this, 'azureName', props.azureName, { pattern: GUID, description: 'a role assignment name (GUID)' });
    this.azureName = props.azureName?.toLowerCase() ?? '';
    const scopeName = typeof target === 'string' ? target.split('/').pop()!.toLowerCase() : target.name;
    const name = props.kubernetesName !== undefined
      ? checkString(this, 'kubernetesName', props.kubernetesName, DNS_SUBDOMAIN)
      : childKubernetesName(scopeName, `${props.principal.principalName}-${roleSlug(this.roleId)}`);

    this.apiObject = new RoleAssignmentL1(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: {
        azureName: props.azureName?.toLowerCase(),
        owner: owner.name !== undefined && typeof target !== 'string' ? { group: target.apiGroup, kind: target.kind, name: owner.name } : { armId: owner.armId },
        principalId,
        principalIdFromConfig,
        principalType: principalType as unknown as RoleAssignmentSpecPrincipalType,
        roleDefinitionReference: { armId: this.roleDefinitionId },
        description: props.description,
        operatorSpec: { namingConvention: RoleAssignmentSpecOperatorSpecNamingConvention.STABLE },
      },
    });
    this.bind(this.apiObject, props.removalPolicy ?? RemovalPolicy.DESTROY);
  }
}

/** `storage-blob-data-contributor` for a built-in role, the GUID for a custom one. */
function roleSlug(roleId: string): string {
  const name = builtInRoleName(roleId);
  return name ? name.toLowerCase().replace(/_/g, '-') : roleId;
}

/**
 * Grants `principal` the role `role` on `resource` (a {@link RoleAssignment} child of it, construct
 * id `RoleAssignment-<principal name>-<role>`, in the resource's namespace, made with the
 * resource's credential). Granting the same
 * principal the same role again returns the existing assignment.
 */
export function grantRole(resource: AsoResource, principal: IPrincipal, role: string, options: GrantOptions = {}): RoleAssignment {
  const label = typeof principal?.principalName === 'string' ? principal.principalName : 'principal';
  const id = `RoleAssignment-${label}-${String(role).split('/').pop()!.toLowerCase()}`;
  const existing = resource.node.tryFindChild(id);
  if (existing instanceof RoleAssignment) return existing;
  return constructOrRemove(resource, id, () => new RoleAssignment(resource, id, { ...options, namespace: resource.namespace, credentialFrom: resource.credential, scope: resource, principal, role }));
}
