// The typed AKS model shared by CAPZ's AksCluster (lib/capi) and the standalone ASO ManagedCluster /
// AgentPool L2s: props, validation, secure defaults → ASO ManagedCluster / ManagedClustersAgentPool specs.
export * from './settings';
export * from './node-pool';
export * from './managed-cluster-spec';
export * from './embedded';
export * from './overrides';
export * from '../managed-cluster';
export * from '../agent-pool';
