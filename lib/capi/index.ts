// Cluster API + CAPZ constructs.
export * from './constants';
export * from './capi-cluster';
export * from './aks-cluster';
export * from './azure-cluster-identity';
export * from './machine-health-check';
export * from './cluster-resource-set';
export * from './self-managed-azure-cluster';
export * from './aks-cluster-class';
export * from './topology-cluster';
export * from './fleet';
export * from './fleet-layout';
export * from './fleet-table';
export { type KubeconfigAccessGrantedOutside } from './kubeconfig-access';
