import type { IConstruct } from 'constructs';
import { AZURE_GUID, AzureBuiltInRole } from '../core/azure-roles';
import { propError } from '../core/errors';

/** What `AksCluster` and `AksClusterClass` `kubeconfigAccess` have in common. */
export interface KubeconfigAccessIds {
  readonly principalId: string;
  readonly subscriptionId: string;
  readonly roleDefinitionId?: string;
}

/**
 * Checks a kubeconfig access grant of an AKS cluster (or class) whose local accounts are
 * `disableLocal` and Azure RBAC `azureRbac`: with local accounts CAPZ writes the admin kubeconfig
 * (nothing to grant); without Azure RBAC a role assignment authorizes no Kubernetes call. Returns
 * the GUIDs in lower case, the role defaulting to AKS RBAC Cluster Admin; throws naming `prop`.
 */
export function checkKubeconfigAccess(scope: IConstruct, prop: string, access: KubeconfigAccessIds, disableLocal: boolean, azureRbac: boolean): Required<KubeconfigAccessIds> {
  if (!disableLocal) {
    throw propError(scope, prop, 'is not needed: local accounts are enabled, so CAPZ writes the admin kubeconfig (set disableLocalAccounts: true, the secure default, to use Entra ID)');
  }
  if (!azureRbac) {
    throw propError(scope, prop, 'cannot authorize Kubernetes calls: Azure RBAC is off (azureRbac: false), so add a group containing the identity to adminGroupObjectIds instead');
  }
  if (!AZURE_GUID.test(access.principalId ?? '')) throw propError(scope, `${prop}.principalId`, `"${access.principalId}" is invalid: must be the object id (a GUID) of the ASO credential's identity`);
  if (!AZURE_GUID.test(access.subscriptionId ?? '')) throw propError(scope, `${prop}.subscriptionId`, `"${access.subscriptionId}" is invalid: must be a subscription id (a GUID)`);
  const role = access.roleDefinitionId ?? AzureBuiltInRole.AKS_RBAC_CLUSTER_ADMIN;
  if (!AZURE_GUID.test(role)) throw propError(scope, `${prop}.roleDefinitionId`, `"${role}" is invalid: must be a role definition GUID (see AzureBuiltInRole)`);
  return { principalId: access.principalId.toLowerCase(), subscriptionId: access.subscriptionId.toLowerCase(), roleDefinitionId: role.toLowerCase() };
}
