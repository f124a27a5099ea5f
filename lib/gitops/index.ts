export * from './folder';
export * from './repo';
export * from './gitops-app';
export * from './layout';
export * from './writer';
export * from './apply-order';
