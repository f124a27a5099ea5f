// Offline sealing for Bitnami sealed-secrets: seal a plaintext Secret with the controller's
// certificate (the `cdk8s-platform seal` command uses the same code), and put sealed files into the app.
export * from './crypto';
export * from './seal';
export * from './sealed-secret';
export { declareSharedSealingKey } from '../core/shared-sealing-key';
