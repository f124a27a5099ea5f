import { Construct } from 'constructs';
import { RoleAssignment as RoleAssignmentClusterL1 } from '../../imports/crossplane/authorization.azure.upbound.io';
import { RoleAssignment as RoleAssignmentL1 } from '../../imports/crossplane/authorization.azure.m.upbound.io';
import { AzureBuiltInRole, builtInRoleName, roleDefinitionArmId } from '../core/azure-roles';
import { checkString, propError, PropError } from '../core/errors';
import { GUID } from './azure-ids';
import { AzureManagedResource, AzureManagedResourceProps } from './managed-resource';

const ROLE_DEFINITION_ID = /^(\/subscriptions\/[0-9a-f-]{36})?\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SCOPE = /^\/(subscriptions\/[0-9a-f-]{36}(\/.*)?|providers\/Microsoft\.Management\/managementGroups\/[^/]+)$/i;
const STORAGE_ACCOUNT_ID = /^\/subscriptions\/([0-9a-f-]{36})\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/[a-z0-9]{3,24}$/i;

/** Kinds of principal (`principalType`). */
export type PrincipalType = 'ServicePrincipal' | 'User' | 'Group';

/** Props of a {@link RoleAssignment}. */
export interface RoleAssignmentProps extends AzureManagedResourceProps {
  /**
   * The role: a role definition GUID ({@link AzureBuiltInRole}`.X`, or a custom role's), rendered
   * as `roleDefinitionId` `/subscriptions/<subscription>/providers/Microsoft.Authorization/roleDefinitions/<guid>`
   * (the subscription from `subscriptionId`, else from `scope`), or a role definition ARM id.
   * @default - none: set `roleDefinitionName` instead
   */
  readonly role?: string;
  /** The role by display name (`roleDefinitionName`, e.g. "Reader"). @default - none: set `role` instead */
  readonly roleDefinitionName?: string;
  /** Subscription of the role definition id, when `role` is a GUID and `scope` does not name one. @default - the subscription of `scope` */
  readonly subscriptionId?: string;
  /**
   * The principal's object id (a managed identity's `principalId`, not its client id). The CRD
   * has no reference for it: in a composition, patch it (e.g. from the identity's
   * `status.atProvider.principalId` through the composite's status, with `fromFieldPath: 'Required'`).
   * @default - none: set by a patch (required for a standalone object)
   */
  readonly principalId?: string;
  /** Kind of principal (avoids Entra replication delays for new identities). @default 'ServicePrincipal' */
  readonly principalType?: PrincipalType;
  /**
   * The scope: an ARM id (subscription, resource group, resource, or management group). The CRD
   * has no reference for it: in a composition, patch it (e.g. from `status.atProvider.id` of the
   * composed resource through the composite's status, with `fromFieldPath: 'Required'`).
   * @default - none: set by a patch (required for a standalone object)
   */
  readonly scope?: string;
  /** Description. @default - none */
  readonly description?: string;
}

/** Props of the grant helpers of {@link RoleAssignment}. */
export interface StorageGrantProps extends Omit<RoleAssignmentProps, 'role' | 'roleDefinitionName' | 'scope'> {
  /** The storage account's ARM id (`/subscriptions/.../providers/Microsoft.Storage/storageAccounts/<name>`). @default - none: patched in a composition (set `subscriptionId`) */
  readonly storageAccountId?: string;
  /** Restrict the grant to one blob container of the account. @default - the whole account */
  readonly containerName?: string;
}

/**
 * An Azure role assignment (upjet `RoleAssignment`, `authorization.azure(.m).upbound.io`
 * v1beta1): the Crossplane counterpart of the ASO `grant*` helpers. The role comes from
 * {@link AzureBuiltInRole} (`roleDefinitionId`) or by name; `principalId` and `scope` are values
 * (the CRD has no references for them): in a composition, patch them from the composite's status
 * with `fromFieldPath: 'Required'`, so the assignment is only created once both are known.
 *
 * @example
 * RoleAssignment.grantStorageBlobDataContributor(folder, 'app-blobs', {
 *   principalId: '<identity principal id>',
 *   storageAccountId: '/subscriptions/<id>/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/contosoapp',
 *   containerName: 'uploads',
 * });
 */
export class RoleAssignment extends AzureManagedResource {
  /** Storage Blob Data Contributor on a storage account (or one of its containers). */
  public static grantStorageBlobDataContributor(scope: Construct, id: string, props: StorageGrantProps): RoleAssignment {
    return RoleAssignment.grantStorage(scope, id, AzureBuiltInRole.STORAGE_BLOB_DATA_CONTRIBUTOR, props);
  }

  /** Storage Blob Data Reader on a storage account (or one of its containers). */
  public static grantStorageBlobDataReader(scope: Construct, id: string, props: StorageGrantProps): RoleAssignment {
    return RoleAssignment.grantStorage(scope, id, AzureBuiltInRole.STORAGE_BLOB_DATA_READER, props);
  }

  private static grantStorage(scope: Construct, id: string, role: string, props: StorageGrantProps): RoleAssignment {
    const { storageAccountId, containerName, ...rest } = props;
    const path = `${scope.node.path}/${id}`;
    let target: string | undefined;
    if (storageAccountId !== undefined) {
      if (typeof storageAccountId !== 'string' || !STORAGE_ACCOUNT_ID.test(storageAccountId)) {
        throw new PropError(path, 'storageAccountId', `"${String(storageAccountId)}" is invalid: must be a storage account ARM id (/subscriptions/<id>/resourceGroups/<name>/providers/Microsoft.Storage/storageAccounts/<name>)`);
      }
      target = storageAccountId;
      if (containerName !== undefined) {
        if (!BLOB_CONTAINER.test(containerName)) throw new PropError(path, 'containerName', `"${containerName}" is invalid: must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit`);
        target = blobContainerArmId(storageAccountId, containerName);
      }
    } else if (containerName !== undefined) {
      throw new PropError(path, 'containerName', 'needs storageAccountId (in a composition, patch the container scope instead)');
    }
    return new RoleAssignment(scope, id, { ...rest, role, scope: target });
  }

  /** The `roleDefinitionId` or `roleDefinitionName` rendered. */
  public readonly role: { readonly roleDefinitionId?: string; readonly roleDefinitionName?: string };

  public constructor(scope: Construct, id: string, props: RoleAssignmentProps) {
    const state: { role: { roleDefinitionId?: string; roleDefinitionName?: string } } = { role: {} };
    super(scope, id, { namespaced: RoleAssignmentL1.GVK, cluster: RoleAssignmentClusterL1.GVK }, props, () => ({
      ...state.role,
      principalId: props.principalId,
      principalType: props.principalType ?? 'ServicePrincipal',
      scope: props.scope,
      description: props.description,
    }));
    if (props.scope !== undefined) checkString(this, 'scope', props.scope, { pattern: SCOPE, description: 'an ARM id of a subscription, resource group, resource or management group (starting with /subscriptions/<id> or /providers/Microsoft.Management/managementGroups/)' });
    if (props.principalId !== undefined) checkString(this, 'principalId', props.principalId, { pattern: GUID, description: 'an object id (a GUID): the principal id of the identity, not its client id' });
    if (props.principalType !== undefined && !['ServicePrincipal', 'User', 'Group'].includes(props.principalType)) {
      throw propError(this, 'principalType', `"${String(props.principalType)}" is invalid: must be ServicePrincipal, User or Group`);
    }
    if ((props.role === undefined) === (props.roleDefinitionName === undefined)) {
      throw propError(this, 'role', 'set exactly one of role (a role definition GUID such as AzureBuiltInRole.READER, or its ARM id) and roleDefinitionName');
    }
    if (props.roleDefinitionName !== undefined) {
      state.role = { roleDefinitionName: checkString(this, 'roleDefinitionName', props.roleDefinitionName, { min: 1, description: 'a role name (e.g. "Reader")' }) };
    } else if (typeof props.role === 'string' && ROLE_DEFINITION_ID.test(props.role)) {
      state.role = { roleDefinitionId: props.role };
    } else if (typeof props.role === 'string' && GUID.test(props.role)) {
      const subscription = props.subscriptionId ?? /^\/subscriptions\/([0-9a-f-]{36})/i.exec(props.scope ?? '')?.[1];
      if (!subscription) {
        throw propError(this, 'subscriptionId', `is required: role ${builtInRoleName(props.role) ?? props.role} is a GUID and scope does not name a subscription (it is patched in a composition)`);
      }
      checkString(this, 'subscriptionId', subscription, { pattern: GUID, description: 'a subscription id (a GUID)' });
      state.role = { roleDefinitionId: roleDefinitionArmId(subscription, props.role) };
    } else {
      throw propError(this, 'role', `"${String(props.role)}" is invalid: must be a role definition GUID (e.g. AzureBuiltInRole.READER) or ARM id (/subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<guid>)`);
    }
    this.role = state.role;
  }
}

const BLOB_CONTAINER = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/;

/** The ARM id of a blob container: `<storage account id>/blobServices/default/containers/<name>`. */
export function blobContainerArmId(storageAccountId: string, containerName: string): string {
  return `${storageAccountId}/blobServices/default/containers/${containerName}`;
}
