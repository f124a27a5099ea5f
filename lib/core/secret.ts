import { kplus } from './plus';
import { Construct, IConstruct } from 'constructs';
import { checkString, DNS_SUBDOMAIN, propError } from './errors';
import { ExportedValue } from './exported-value';
import { addProvided, addReference, ObjectRef } from './references';
import { ImportedResource, scopeNamespace } from './resource';

/**
 * "A Secret", in every family: a Kubernetes Secret that exists on the cluster without its data
 * being in Git. Produced by a SealedSecret (`sealing.SealedSecret`), written by a controller
 * (an ASO export, a CAPI kubeconfig, a Crossplane connection Secret), or managed outside the app
 * ({@link ExistingSecret.fromName}). Every prop that needs a secret value takes one of these (or
 * the name of a Secret in the consumer's namespace), never a value.
 */
export interface ISecretSource extends IConstruct {
  /** Name of the Secret. */
  readonly secretName: string;
  /** Namespace of the Secret. */
  readonly secretNamespace: string;
}

/**
 * "A key of a Secret", in every family (an administrator password, a provider credential, a
 * kubeconfig's `value`).
 */
export interface SecretKeyRef {
  /**
   * The Secret: an {@link ISecretSource}, or the name of an existing Secret in the consumer's
   * namespace (managed outside the app, like {@link ExistingSecret.fromName}).
   */
  readonly secret: ISecretSource | string;
  /** The key in the Secret. */
  readonly key: string;
}

/** Options of {@link resolveSecret}. */
export interface ResolveSecretOptions {
  /**
   * The namespace the consumer reads the Secret from (its own, for most controllers).
   * @default - any namespace: the Secret's own
   */
  readonly namespace?: string;
  /**
   * Who reads the Secret, for the error when it is in another namespace
   * (e.g. `ASO reads Secrets from the resource's namespace`).
   * @default 'the Secret must be in the consumer\'s namespace'
   */
  readonly why?: string;
}

/**
 * The name and namespace of the Secret `secret` that `consumer` reads through `prop`; records the
 * reference (synth checks it resolves). A name string is a Secret managed outside the app in
 * `options.namespace`.
 */
export function resolveSecret(consumer: IConstruct, prop: string, secret: ISecretSource | string, options: ResolveSecretOptions = {}): { name: string; namespace: string } {
  if (typeof secret === 'string') {
    checkString(consumer, prop, secret, DNS_SUBDOMAIN);
    const namespace = options.namespace ?? scopeNamespace(consumer);
    if (namespace === undefined) throw propError(consumer, prop, 'names a Secret but the consumer has no namespace; pass an ISecretSource (ExistingSecret.fromName(...)) instead');
    const target: ObjectRef = { apiGroup: '', kind: 'Secret', name: secret, namespace };
    addProvided(consumer, target);
    addReference(consumer, prop, target);
    return { name: secret, namespace };
  }
  if (secret === null || typeof secret !== 'object' || typeof secret.secretName !== 'string') {
    throw propError(consumer, prop, 'must be a Secret (an ISecretSource such as ExistingSecret.fromName(...) or a SealedSecret, or the name of a Secret); secret values are never written to Git');
  }
  if (options.namespace !== undefined && secret.secretNamespace !== options.namespace) {
    throw propError(
      consumer,
      prop,
      `Secret "${secret.secretName}" (${secret.node.path}) is in namespace "${secret.secretNamespace}", ` +
        `but it must be in namespace "${options.namespace}" (${options.why ?? 'the Secret must be in the consumer\'s namespace'})`,
    );
  }
  addReference(consumer, prop, { apiGroup: '', kind: 'Secret', name: secret.secretName, namespace: secret.secretNamespace });
  return { name: secret.secretName, namespace: secret.secretNamespace };
}

/**
 * The `{ name, key }` of a {@link SecretKeyRef} read by `consumer` (in `namespace`) through `prop`;
 * records the reference.
 */
export function resolveSecretKeyRef(consumer: IConstruct, prop: string, ref: SecretKeyRef, namespace: string, why = 'ASO reads Secrets from the resource\'s namespace'): { name: string; key: string } {
  if (ref === null || typeof ref !== 'object' || typeof (ref as { key?: unknown }).key !== 'string') {
    throw propError(consumer, prop, 'must reference a key of an existing Secret ({ secret, key }); secret values are never written to Git');
  }
  checkString(consumer, `${prop}.key`, ref.key, { min: 1, max: 253, pattern: /^[-._a-zA-Z0-9]+$/, description: 'a Secret key (letters, digits, "-", "_" and ".")' });
  const prop2 = typeof ref.secret === 'string' ? `${prop}.secret` : prop;
  const { name } = resolveSecret(consumer, prop2, ref.secret, { namespace, why });
  return { name, key: ref.key };
}

/**
 * An environment variable value reading `key` of `secret`, for a cdk8s-plus container of
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
 * Flux, ...). Declared as provided, so references to it resolve.
 *
 * @example
 * // A Secret managed outside the app (External Secrets, SOPS, ...): declared, never written to Git.
 * const dbAdmin = ExistingSecret.fromName(folder, 'db-admin', { name: 'files-db-admin' });
 * new aso.PostgresFlexibleServer(folder, 'pg', {
 *   name: 'files-pg', resourceGroup: rg,
 *   administratorLogin: 'filesadmin', administratorPassword: { secret: dbAdmin, key: 'password' },
 * });
 */
export class ExistingSecret extends ImportedResource implements ISecretSource {
  /** Declares an existing Secret. */
  public static fromName(scope: Construct, id: string, props: ExistingSecretProps): ISecretSource {
    return new ExistingSecret(scope, id, props);
  }

  private constructor(scope: Construct, id: string, props: ExistingSecretProps) {
    super(scope, id, { apiGroup: '', kind: 'Secret', apiVersion: 'v1' }, props);
  }

  public get secretName(): string {
    return this.name;
  }

  public get secretNamespace(): string {
    return this.namespace!;
  }
}
