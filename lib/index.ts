// Public API of cdk8s-platform.
export * from './gitops';
export * from './core/kinds';
export * from './core/validation';
