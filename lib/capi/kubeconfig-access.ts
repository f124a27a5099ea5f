import type { IConstruct } from 'constructs';
import { AZURE_GUID, AzureBuiltInRole } from '../core/azure-roles';
import { propError } from '../core/errors';

/** Why `kubeconfigAccess` is refused with local accounts enabled. */
const NOT_NEEDED = 'is not needed: local accounts are enabled, so CAPZ writes the admin kubeconfig (set disableLocalAccounts: true, the secure default, to use Entra ID)';

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
    throw propError(scope, prop, NOT_NEEDED);
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

/**
 * Declares that the identity CAPZ reaches an AKS cluster with already has a role on it, given
 * outside the app: a role assignment at a wider scope (the subscription, by Terraform), or the
 * identity in a group of `adminGroupObjectIds`. The alternative to a `kubeconfigAccess` grant.
 */
export interface KubeconfigAccessGrantedOutside {
  /** Where the role comes from, for the reader (e.g. "AKS RBAC Cluster Admin on the subscription, by Terraform"). */
  readonly grantedOutside: string;
}

/** Whether a `kubeconfigAccess` value is a {@link KubeconfigAccessGrantedOutside}. */
export function isGrantedOutside(access: unknown): access is KubeconfigAccessGrantedOutside {
  return typeof access === 'object' && access !== null && 'grantedOutside' in access;
}

/** Checks a {@link KubeconfigAccessGrantedOutside}: a non-empty reason, and local accounts disabled (else nothing is needed). */
export function checkGrantedOutside(scope: IConstruct, prop: string, access: KubeconfigAccessGrantedOutside, disableLocal: boolean): void {
  if (typeof access.grantedOutside !== 'string' || access.grantedOutside.trim().length === 0) {
    throw propError(scope, `${prop}.grantedOutside`, 'must say where the identity\'s role on the cluster comes from (e.g. "AKS RBAC Cluster Admin on the subscription, by Terraform")');
  }
  if (!disableLocal) throw propError(scope, prop, NOT_NEEDED);
}

/**
 * The late problem of an AKS cluster (or class) with local accounts disabled whose kubeconfig
 * identity nothing gives a role: CAPZ writes `<cluster>-kubeconfig` with an Entra ID token of the
 * ASO credential's identity (`AzureASOManagedControlPlaneReconciler.reconcileKubeconfig`), and
 * lists the workload cluster's Nodes with it for each machine pool (`AzureASOManagedMachinePool`
 * reconciler); without a role, both and Flux's hydration through that kubeconfig are refused.
 */
export function kubeconfigAccessMissing(azureRbac: boolean): string {
  const grant = azureRbac
    ? 'give kubeconfigAccess: { principalId, subscriptionId } (an ASO RoleAssignment of AKS RBAC Cluster Admin per cluster), or '
    : 'add a group containing the identity to adminGroupObjectIds and ';
  return 'prop "kubeconfigAccess": is required: local accounts are disabled, so CAPZ writes <cluster>-kubeconfig with an Entra ID token of the ASO credential\'s identity, which has no rights on the cluster until given a role: ' +
    'CAPZ cannot list the nodes (machine pools never get ready) and Flux hydration through that kubeconfig is refused (403); ' +
    `${grant}declare where the role comes from with kubeconfigAccess: { grantedOutside: '...' }`;
}
