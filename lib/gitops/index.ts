export * from './folder';
export * from './repo';
export * from './gitops-app';
export * from './kustomize';
export * from './layout';
export * from './writer';
