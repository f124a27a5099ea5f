import * as kplus from 'cdk8s-plus-28';
import { ExportedValue } from '../core/exported-value';
import { Construct, IConstruct } from 'constructs';
import { SealedSecret } from '../../imports/extras/bitnami.com';
import { checkString, DNS_SUBDOMAIN, propError } from '../core/errors';
import { addProvided, addReference, ObjectRef } from '../core/references';
import { namespaceOf } from './context';

/**
 * A Kubernetes Secret that exists on the cluster without its data being in Git: produced by a
 * Bitnami SealedSecret ({@link SealedSecretSource}), or managed outside the app
 * ({@link ExistingSecret.fromName}). Constructs that need a secret value (a database
 * administrator password, an ASO credential) take one of these, never a value.
 */
export interface ISecretSource extends IConstruct {
  /** Name of the Secret. */
  readonly secretName: string;
  /** Namespace of the Secret. */
  readonly secretNamespace: string;
}

/** A key of a Secret, e.g. the password key of an administrator-password Secret. */
export interface SecretKeyRef {
  /**
   * The Secret: a {@link ISecretSource}, or the name of an existing Secret in the consumer's
   * namespace (managed outside the app, like {@link ExistingSecret.fromName}).
   */
  readonly secret: ISecretSource | string;
  /** The key in the Secret. */
  readonly key: string;
}

/** The `{ name, key }` of a {@link SecretKeyRef} read by `consumer` (in `namespace`) through `prop`. */
export function resolveSecretKeyRef(consumer: IConstruct, prop: string, ref: SecretKeyRef, namespace: string): { name: string; key: string } {
  if (ref === null || typeof ref !== 'object' || typeof (ref as { key?: unknown }).key !== 'string') {
    throw propError(consumer, prop, 'must reference a key of an existing Secret ({ secret, key }); secret values are never written to Git');
  }
  checkString(consumer, `${prop}.key`, ref.key, { min: 1, max: 253, pattern: /^[-._a-zA-Z0-9]+$/, description: 'a Secret key (letters, digits, "-", "_" and ".")' });
  if (typeof ref.secret === 'string') {
    checkString(consumer, `${prop}.secret`, ref.secret, DNS_SUBDOMAIN);
    const target: ObjectRef = { apiGroup: '', kind: 'Secret', name: ref.secret, namespace };
    addProvided(consumer, target);
    addReference(consumer, prop, target);
    return { name: ref.secret, key: ref.key };
  }
  if (ref.secret.secretNamespace !== namespace) {
    throw propError(
      consumer,
      prop,
      `Secret "${ref.secret.secretName}" (${ref.secret.node.path}) is in namespace "${ref.secret.secretNamespace}", ` +
        `but it must be in namespace "${namespace}" (ASO reads Secrets from the resource's namespace)`,
    );
  }
  addReference(consumer, prop, { apiGroup: '', kind: 'Secret', name: ref.secret.secretName, namespace });
  return { name: ref.secret.secretName, key: ref.key };
}

/**
 * An environment variable value reading `key` of `secret`, for a cdk8s-plus-28 container of
 * `consumer` (the workload, or a construct in its folder). Records the reference, so synth checks
 * that the Secret is produced by an object of the app or declared.
 */
export function secretEnvValue(consumer: Construct, secret: ISecretSource, key: string, prop = 'env'): kplus.EnvValue {
  return new ExportedValue(() => ({ kind: 'Secret', name: secret.secretName, namespace: secret.secretNamespace, key })).envValue(consumer, prop);
}

/** Props of {@link ExistingSecret.fromName}. */
export interface ExistingSecretProps {
  /** Name of the Secret. */
  readonly name: string;
  /**
   * Namespace of the Secret.
   * @default - the folder's namespace
   */
  readonly namespace?: string;
}

/**
 * A Secret managed outside this app (created by hand, by External Secrets, by SOPS-decrypting
 * Flux, ...). Declared with `addProvided`, so references to it resolve.
 *
 * @example
 * // A Secret managed outside the app (External Secrets, SOPS, ...): declared, never written to Git.
 * const dbAdmin = ExistingSecret.fromName(folder, 'db-admin', { name: 'files-db-admin' });
 * new PostgresFlexibleServer(folder, 'pg', {
 *   name: 'files-pg', resourceGroup: rg,
 *   administratorLogin: 'filesadmin', administratorPassword: { secret: dbAdmin, key: 'password' },
 * });
 */
export class ExistingSecret extends Construct implements ISecretSource {
  /** Declares an existing Secret. */
  public static fromName(scope: Construct, id: string, props: ExistingSecretProps): ISecretSource {
    return new ExistingSecret(scope, id, props);
  }

  public readonly secretName: string;
  public readonly secretNamespace: string;

  private constructor(scope: Construct, id: string, props: ExistingSecretProps) {
    super(scope, id);
    this.secretName = checkString(this, 'name', props.name, DNS_SUBDOMAIN);
    this.secretNamespace = namespaceOf(this, 'namespace', props.namespace);
    addProvided(this, { apiGroup: '', kind: 'Secret', name: this.secretName, namespace: this.secretNamespace });
  }
}

/** Props of a {@link SealedSecretSource}. */
export interface SealedSecretSourceProps {
  /** Name of the SealedSecret and of the Secret it produces. */
  readonly name: string;
  /**
   * Namespace.
   * @default - the folder's namespace
   */
  readonly namespace?: string;
  /**
   * The encrypted values (`kubeseal` output, base64 ciphertext per key). Values that are not
   * base64 ciphertext (for example a plaintext password) are rejected.
   */
  readonly encryptedData: Record<string, string>;
  /**
   * `type` of the produced Secret.
   * @default 'Opaque'
   */
  readonly type?: string;
  /**
   * Labels of the produced Secret.
   * @default - none
   */
  readonly secretLabels?: Record<string, string>;
}

/** Ciphertext as kubeseal writes it: base64, and long (an RSA-OAEP-wrapped session key alone is 512 bytes). */
const CIPHERTEXT = /^[A-Za-z0-9+/]{64,}={0,2}$/;

/**
 * A Secret produced by a Bitnami SealedSecret (`bitnami.com/v1alpha1`): only ciphertext is
 * written to Git; the sealed-secrets controller decrypts it into a Secret of the same name in
 * the same namespace (strict scope). The produced Secret is declared with `addProvided`.
 *
 * @example
 * // sealedPassword: kubeseal output (ciphertext), e.g.
 * // echo -n <password> | kubeseal --raw --namespace files --name files-db-admin --from-file=/dev/stdin
 * const dbAdmin = new SealedSecretSource(folder, 'db-admin', { name: 'files-db-admin', encryptedData: { password: sealedPassword } });
 * new PostgresFlexibleServer(folder, 'pg', {
 *   name: 'files-pg', resourceGroup: rg,
 *   administratorLogin: 'filesadmin', administratorPassword: { secret: dbAdmin, key: 'password' },
 * });
 */
export class SealedSecretSource extends Construct implements ISecretSource {
  public readonly secretName: string;
  public readonly secretNamespace: string;
  /** The SealedSecret object. */
  public readonly apiObject: SealedSecret;

  public constructor(scope: Construct, id: string, props: SealedSecretSourceProps) {
    super(scope, id);
    this.secretName = checkString(this, 'name', props.name, DNS_SUBDOMAIN);
    this.secretNamespace = namespaceOf(this, 'namespace', props.namespace);
    const keys = Object.keys(props.encryptedData ?? {}).sort();
    if (keys.length === 0) throw propError(this, 'encryptedData', 'must hold at least one key (kubeseal output)');
    for (const k of keys) {
      if (!CIPHERTEXT.test(props.encryptedData[k])) {
        throw propError(this, `encryptedData.${k}`, 'is not SealedSecret ciphertext (base64, at least 64 characters, as written by kubeseal); never put a plaintext value here');
      }
    }
    this.apiObject = new SealedSecret(this, 'Resource', {
      metadata: { name: this.secretName, namespace: this.secretNamespace },
      spec: {
        encryptedData: Object.fromEntries(keys.map((k) => [k, props.encryptedData[k]])),
        template: {
          metadata: { name: this.secretName, namespace: this.secretNamespace, labels: props.secretLabels },
          type: props.type ?? 'Opaque',
        },
      },
    });
    addProvided(this, { apiGroup: '', kind: 'Secret', name: this.secretName, namespace: this.secretNamespace });
  }
}
