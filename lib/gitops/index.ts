export * from './folder';
export * from './repo';
export * from './gitops-app';
export { KustomizeComponent, KustomizeLayer, KustomizePatch, Overlay } from './kustomize';
export type { ImageOverride, KustomizeComponentProps, KustomizeLayerProps, KustomizePatchType, OverlayProps, PatchTargetConstruct } from './kustomize';
export * from './layout';
export * from './writer';
export * from './apply-order';
export * from './pipeline';
