/**
 * Scopes (a Repo, a Folder, the app) whose SealedSecrets are sealed with a key every cluster they
 * are applied to shares (`declareSharedSealingKey`): the apply-order model's check of SealedSecrets
 * applied to several clusters accepts them (see `SealedSecretProps.sharedSealingKey`).
 */
import type { IConstruct } from 'constructs';

const SHARED = new WeakSet<IConstruct>();

/**
 * Declares that the SealedSecrets below `scope` (L2, L1 or raw) are sealed with one key that every
 * cluster applying them has: the platform team installed the same sealed-secrets key pair on each
 * (labelled `sealedsecrets.bitnami.com/sealed-secrets-key: active`; sealed-secrets "Bring your own
 * certificates"). Without it, a SealedSecret applied to two or more clusters is a synth error.
 * Run those controllers with key renewal off (`--key-renew-period=0`) and seal with the shared
 * pair's own certificate: a renewed key makes `kubeseal --fetch-cert` return a per-cluster
 * certificate again (docs/sealing.md).
 */
export function declareSharedSealingKey(scope: IConstruct): void {
  SHARED.add(scope);
}

/** Whether `scope` itself was declared with {@link declareSharedSealingKey}. */
export function isSharedSealingKeyScope(scope: IConstruct): boolean {
  return SHARED.has(scope);
}
