/**
 * Names the library's AKS ClusterClass gives what a Cluster's topology sets, shared with the
 * destroy guard's day-2 checks (lib/safety/cluster-transitions.ts), which read them back from the
 * rendered Cluster and ClusterClass. No imports: the safety layer imports this file.
 */

/** The ClusterClass variable holding the cluster's Azure region. */
export const LOCATION_VARIABLE = 'location';

/** The ClusterClass variable a machine pool override sets (`AksNodePoolOverride`: vmSize, min/max, zones). */
export const NODE_POOL_VARIABLE = 'nodePool';

/** The prefix of the ClusterClass patches that set each pool class's node pool from `nodePool` (`dig "<field>" <default> .nodePool`). */
export const NODE_POOL_PATCH_PREFIX = 'node-pool-';

/** The ClusterClass variable naming a cluster's own ASO credential Secret (`perClusterCredential`). */
export const CREDENTIAL_VARIABLE = 'credentialSecretName';

/** The Cluster label naming the Azure subscription of a Fleet row. */
export const SUBSCRIPTION_LABEL = 'azure-subscription';
