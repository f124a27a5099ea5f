// API groups, kinds and annotations of Cluster API and CAPZ used by the constructs.
import { Cluster, ClusterClass, MachinePool } from '../../imports/capi/cluster.x-k8s.io';
import { groupOf } from '../core/validation/metadata';

/** `cluster.x-k8s.io`. */
export const CAPI_GROUP = groupOf(Cluster.GVK.apiVersion);
/** `infrastructure.cluster.x-k8s.io` (CAPZ). */
export const INFRA_GROUP = 'infrastructure.cluster.x-k8s.io';
/** `controlplane.cluster.x-k8s.io` (kubeadm control plane). */
export const CONTROLPLANE_GROUP = 'controlplane.cluster.x-k8s.io';
/** `bootstrap.cluster.x-k8s.io` (kubeadm bootstrap). */
export const BOOTSTRAP_GROUP = 'bootstrap.cluster.x-k8s.io';
/** Label CAPI puts on every object of a cluster. */
export const CLUSTER_NAME_LABEL = 'cluster.x-k8s.io/cluster-name';
/** MachinePool annotation telling CAPI that something else (AKS's autoscaler) owns `spec.replicas`. */
export const REPLICAS_MANAGED_BY_ANNOTATION = 'cluster.x-k8s.io/replicas-managed-by';
/** The value CAPZ uses for AKS-autoscaled pools. */
export const REPLICAS_MANAGED_BY_AKS = 'aks';
/**
 * CAPI's autoscaler bounds on a MachinePool / MachineDeployment. With them and no `spec.replicas`,
 * CAPI's defaulting webhook seeds a new pool with the minimum and keeps the live count on updates
 * (cluster-api `calculateMachinePoolReplicas`), so the count stays with the autoscaler.
 */
export const AUTOSCALER_MIN_SIZE_ANNOTATION = 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size';
/** See {@link AUTOSCALER_MIN_SIZE_ANNOTATION}. */
export const AUTOSCALER_MAX_SIZE_ANNOTATION = 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size';

/**
 * The annotations of the MachinePool of an AKS-autoscaled node pool: `replicas-managed-by: aks`
 * (what CAPZ sets itself when the agent pool has `enableAutoScaling`; any other value makes CAPZ
 * refuse the pool) and the autoscaler bounds, so `spec.replicas` can stay unset in Git.
 */
export function autoscaledPoolAnnotations(autoscaling: { readonly min: number; readonly max: number }): Record<string, string> {
  return {
    [AUTOSCALER_MAX_SIZE_ANNOTATION]: String(autoscaling.max),
    [AUTOSCALER_MIN_SIZE_ANNOTATION]: String(autoscaling.min),
    [REPLICAS_MANAGED_BY_ANNOTATION]: REPLICAS_MANAGED_BY_AKS,
  };
}

/** clusterctl label moving an object with its cluster (`clusterctl move`). */
export const MOVE_HIERARCHY_LABEL = 'clusterctl.cluster.x-k8s.io/move-hierarchy';

export const CLUSTER_API_VERSION = Cluster.GVK.apiVersion;
export const CLUSTER_CLASS_API_VERSION = ClusterClass.GVK.apiVersion;
export const MACHINE_POOL_API_VERSION = MachinePool.GVK.apiVersion;
