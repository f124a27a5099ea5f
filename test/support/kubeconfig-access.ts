import type { KubeconfigAccessGrantedOutside } from '../../lib/capi';

/**
 * The fixtures' AKS clusters and classes (local accounts disabled, the default): the identity CAPZ
 * reaches them with is given its role outside the app. Tests of the grant itself give `kubeconfigAccess`.
 */
export const KUBECONFIG_ACCESS_OUTSIDE: KubeconfigAccessGrantedOutside = { grantedOutside: 'AKS RBAC Cluster Admin on the subscription, given outside the test app' };
