// Flux: typed sources, Kustomizations, HelmReleases, notifications, and GitOps patterns.
export * from './common';
export * from './git-repository';
export * from './oci-repository';
export * from './artifact-generator';
export * from './helm-repository';
export * from './kustomization';
export * from './remote-cluster-hydration';
export * from './helm-release';
export * from './notification';
export * from './environment';
export * from './flux-bootstrap';
export * from './lockdown';
export * from './tenant';
export { rbacClusterOf, serviceAccountPermissions, type Permissions } from './tenant-rbac';
export * from './tenant-policy';
export * from './tenant-guardrails';
export * from './systems-sync';
export * from './build-size';
