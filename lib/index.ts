// Public API of cdk8s-platform.
export * from './gitops';
export * from './core';
export * from './core/validation';
export * from './flux';
export * from './safety';
