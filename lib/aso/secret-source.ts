import { Construct } from 'constructs';
import { SealedSecret } from '../../imports/extras/bitnami.com';
import { checkString, DNS_SUBDOMAIN, propError } from '../core/errors';
import { addProvided } from '../core/references';
import { ISecretSource } from '../core/secret';
import { namespaceOf } from './context';

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
