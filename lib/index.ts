// Public API of cdk8s-platform.
// The engine, core building blocks, validation and safety are exported flat; each family is a
// namespace (`import { flux, aso } from 'cdk8s-platform'`) and a sub-path
// (`import { Kustomization } from 'cdk8s-platform/flux'`), because families share kind names
// (ASO and Crossplane both have a `ResourceGroup`).
export * from './gitops';
export * from './core';
export * from './core/validation';
export * from './safety';
export * as flux from './flux';
export * as aso from './aso';
export * as crossplane from './crossplane';
export * as capi from './capi';
export * as sealing from './sealing';
export * as kro from './kro';
export * as argocd from './argocd';
export * from './testing';
