/**
 * Azure built-in role definitions, by name, shared by every family that renders Azure role
 * assignments (ASO `authorization.azure.com` RoleAssignment, upjet
 * `authorization.azure(.m).upbound.io` RoleAssignment).
 *
 * The ids are the tenant-independent GUIDs Microsoft publishes in "Azure built-in roles"
 * (learn.microsoft.com/azure/role-based-access-control/built-in-roles); the same GUID is valid in
 * every subscription.
 */
export const AzureBuiltInRole = {
  /** Full access, including role assignments. */
  OWNER: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  /** Full access, without role assignments. */
  CONTRIBUTOR: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  /** Read everything, change nothing. */
  READER: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  /** Read, write and delete blob containers and blobs. */
  STORAGE_BLOB_DATA_CONTRIBUTOR: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  /** Read blob containers and blobs. */
  STORAGE_BLOB_DATA_READER: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  /** Full access to blob containers and blobs, including POSIX ACLs. */
  STORAGE_BLOB_DATA_OWNER: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  /** Read secret contents of a key vault (RBAC permission model). */
  KEY_VAULT_SECRETS_USER: '4633458b-17de-408a-b874-0445c86b69e6',
  /** Manage the secrets of a key vault (RBAC permission model). */
  KEY_VAULT_SECRETS_OFFICER: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  /** Use the keys of a key vault for cryptographic operations. */
  KEY_VAULT_CRYPTO_USER: '12338af0-0e69-4776-bea7-57ae8d297424',
  /** Every data-plane operation on a key vault. */
  KEY_VAULT_ADMINISTRATOR: '00482a5a-887f-4fb3-b363-3b7fe8e74483',
  /** Pull images from a container registry. */
  ACR_PULL: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
  /** Manage networks, without access to them. */
  NETWORK_CONTRIBUTOR: '4d97b98b-1d4f-4787-a291-c67834d212e7',
  /** Read and assign user-assigned identities. */
  MANAGED_IDENTITY_OPERATOR: 'f1a07417-d97a-45cb-824c-7a7467783830',
  /** Kubernetes RBAC (Azure RBAC for Kubernetes): everything in the cluster. */
  AKS_RBAC_CLUSTER_ADMIN: 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b',
  /** Kubernetes RBAC (Azure RBAC for Kubernetes): admin within a namespace. */
  AKS_RBAC_ADMIN: '3498e952-d568-435e-9b2c-8d77e338d7f7',
  /** Kubernetes RBAC (Azure RBAC for Kubernetes): write most objects in a namespace. */
  AKS_RBAC_WRITER: 'a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb',
  /** Kubernetes RBAC (Azure RBAC for Kubernetes): read most objects in a namespace. */
  AKS_RBAC_READER: '7f6c6a51-bcf8-42ba-9220-52d62157d7db',
  /** List the cluster-admin credential of an AKS cluster (listClusterAdminCredential). */
  AKS_CLUSTER_ADMIN: '0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8',
  /** List the cluster-user credential of an AKS cluster (listClusterUserCredential). */
  AKS_CLUSTER_USER: '4abbcc35-e782-43d8-92c5-2d3f1bd2253f',
} as const;

/** An Azure GUID (subscription, tenant, principal, role or policy definition id), any case. */
export const AZURE_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An Entra ID object id as Kubernetes RBAC compares it: a lowercase GUID (AKS puts group object
 * ids, lowercase, in a user's groups, and RBAC subjects match case-sensitively).
 */
export const ENTRA_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** One of the {@link AzureBuiltInRole} GUIDs. */
export type AzureBuiltInRoleId = (typeof AzureBuiltInRole)[keyof typeof AzureBuiltInRole];

/** The name of the {@link AzureBuiltInRole} constant holding `id`, for messages; undefined for custom roles. */
export function builtInRoleName(id: string): string | undefined {
  const lower = id.toLowerCase();
  return (Object.keys(AzureBuiltInRole) as (keyof typeof AzureBuiltInRole)[]).find((k) => AzureBuiltInRole[k] === lower);
}

/**
 * The ARM id of a role definition in a subscription:
 * `/subscriptions/<subscriptionId>/providers/Microsoft.Authorization/roleDefinitions/<roleId>`.
 * Built-in roles have the same GUID in every subscription; ARM accepts the id under any
 * subscription the assignment's scope belongs to.
 */
export function roleDefinitionArmId(subscriptionId: string, roleId: string): string {
  const guid = AZURE_GUID;
  if (!guid.test(subscriptionId)) throw new Error(`subscription id "${subscriptionId}" is not a GUID`);
  if (!guid.test(roleId)) throw new Error(`role definition id "${roleId}" is not a GUID`);
  return `/subscriptions/${subscriptionId.toLowerCase()}/providers/Microsoft.Authorization/roleDefinitions/${roleId.toLowerCase()}`;
}
