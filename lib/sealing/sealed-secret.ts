import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { SealedSecret as SealedSecretObject } from '../../imports/extras/bitnami.com';
import type { ISecretSource } from '../core/secret';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, PropError, propError } from '../core/errors';
import { addProvided } from '../core/references';
import { PlatformResource, scopeNamespace } from '../core/resource';
import { scopeOfAnnotations, withScopeAnnotations } from './crypto';
import { ciphertextFlaw, isSealedCiphertext } from '../core/sealed-ciphertext';
import { parseDocuments, SealedSecretDocument } from './seal';

/** Props of a {@link SealedSecret}. */
export interface SealedSecretProps {
  /**
   * The sealed object: the result of {@link sealSecret}, or a parsed `cdk8s-platform seal` /
   * `kubeseal --format yaml` document. Only ciphertext is taken from it.
   */
  readonly sealed: SealedSecretDocument;
  /**
   * Whether the clusters this SealedSecret is applied to share one sealing key (the platform team
   * installed the same key pair, labelled `sealedsecrets.bitnami.com/sealed-secrets-key: active`,
   * on each: sealed-secrets "Bring your own certificates"). Each controller otherwise makes its own
   * key pair, so a SealedSecret that Flux Kustomizations apply to two or more clusters is a synth
   * error without this (or `declareSharedSealingKey` on a scope above it): only the cluster whose
   * certificate sealed it can decrypt it.
   * @default false
   */
  readonly sharedSealingKey?: boolean;
  /**
   * Namespace of the SealedSecret and of the Secret it produces. A strict or namespace-wide sealed
   * object is bound to the namespace it was sealed for, so this can only repeat that namespace;
   * a cluster-wide one can go to any namespace.
   * @default - the sealed object's namespace (strict, namespace-wide); the folder's namespace, else
   * the sealed object's (cluster-wide)
   */
  readonly namespace?: string;
}

/**
 * Props of {@link SealedSecret.fromEncryptedData}: a SealedSecret given by its ciphertext (e.g.
 * `kubeseal --raw` output per key), sealed with the strict scope for `name` in `namespace`.
 */
export interface SealedSecretEncryptedDataProps {
  /** Name of the SealedSecret and of the Secret it produces. */
  readonly name: string;
  /**
   * Namespace of the SealedSecret and of the Secret it produces.
   * @default - the folder's namespace (or the enclosing family scope's, e.g. an `AsoCredentialScope`)
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
  /**
   * Whether the clusters this SealedSecret is applied to share one sealing key (the platform team
   * installed the same key pair, labelled `sealedsecrets.bitnami.com/sealed-secrets-key: active`,
   * on each: sealed-secrets "Bring your own certificates"). Each controller otherwise makes its own
   * key pair, so a SealedSecret that Flux Kustomizations apply to two or more clusters is a synth
   * error without this (or `declareSharedSealingKey` on a scope above it): only the cluster whose
   * certificate sealed it can decrypt it.
   * @default false
   */
  readonly sharedSealingKey?: boolean;
}

/** Props of {@link SealedSecret.fromFile}. */
export interface SealedSecretFileProps {
  /**
   * Namespace: see {@link SealedSecretProps.namespace}.
   * @default - as {@link SealedSecretProps.namespace}
   */
  readonly namespace?: string;
  /**
   * See {@link SealedSecretProps.sharedSealingKey}.
   * @default false
   */
  readonly sharedSealingKey?: boolean;
}

/**
 * A Secret produced by a Bitnami SealedSecret sealed offline (`cdk8s-platform seal` or `kubeseal`):
 * the sealed file is committed next to the app, this construct writes it into its folder as a
 * `bitnami.com/v1alpha1` SealedSecret (ciphertext only) and declares the Secret it produces, so
 * constructs that read a Secret ({@link ISecretSource}) can reference it. Every scope is supported;
 * the scope annotations, the template (labels, annotations, type, immutable) and the ciphertext are
 * kept as sealed. Ciphertext alone (`kubeseal --raw` output per key) is taken by
 * {@link SealedSecret.fromEncryptedData}.
 *
 * @example
 * // Sealed once, outside the output tree:
 * //   cdk8s-platform seal --cert sealed-secrets-cert.pem --in ~/secrets/db-admin.yaml > secrets/db-admin.sealed.yaml
 * const dbAdmin = SealedSecret.fromFile(folder, 'db-admin', 'secrets/db-admin.sealed.yaml');
 * new aso.PostgresFlexibleServer(folder, 'pg', {
 *   name: 'files-pg', resourceGroup: rg,
 *   administratorLogin: 'filesadmin', administratorPassword: { secret: dbAdmin, key: 'password' },
 * });
 */
export class SealedSecret extends PlatformResource implements ISecretSource {
  /**
   * A SealedSecret given by its ciphertext (`kubeseal --raw` output per key, strict scope: sealed
   * for `name` in `namespace`); only ciphertext is accepted.
   *
   * @example
   * // echo -n <password> | kubeseal --raw --namespace files --name files-db-admin --from-file=/dev/stdin
   * const dbAdmin = SealedSecret.fromEncryptedData(folder, 'db-admin', { name: 'files-db-admin', encryptedData: { password: sealedPassword } });
   */
  public static fromEncryptedData(scope: Construct, id: string, props: SealedSecretEncryptedDataProps): SealedSecret {
    return new SealedSecret(scope, id, props);
  }

  /**
   * Reads the one SealedSecret of a YAML or JSON file (`cdk8s-platform seal` / `kubeseal` output);
   * a relative `file` is resolved against the working directory.
   */
  public static fromFile(scope: Construct, id: string, file: string, props: SealedSecretFileProps = {}): SealedSecret {
    const abs = path.resolve(file);
    let text: string;
    try {
      text = fs.readFileSync(abs, 'utf8');
    } catch (e) {
      throw new PropError(`${scope.node.path}/${id}`, 'file', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    let docs: Array<{ value: unknown }>;
    try {
      docs = parseDocuments(text, file);
    } catch (e) {
      throw new PropError(`${scope.node.path}/${id}`, 'file', (e as Error).message);
    }
    if (docs.length !== 1) {
      throw new PropError(`${scope.node.path}/${id}`, 'file', `${file} holds ${docs.length} documents; it must hold exactly one SealedSecret`);
    }
    return new SealedSecret(scope, id, { sealed: docs[0].value as SealedSecretDocument, namespace: props.namespace, sharedSealingKey: props.sharedSealingKey });
  }

  public readonly secretName: string;
  public readonly secretNamespace: string;
  /** The SealedSecret object. */
  public readonly apiObject: SealedSecretObject;
  /** Whether its clusters share one sealing key ({@link SealedSecretProps.sharedSealingKey}). */
  public readonly sharedSealingKey: boolean;

  /**
   * @param props a sealed object ({@link SealedSecretProps}), or its ciphertext
   * ({@link SealedSecretEncryptedDataProps}, as {@link SealedSecret.fromEncryptedData} takes)
   */
  public constructor(scope: Construct, id: string, props: SealedSecretProps | SealedSecretEncryptedDataProps) {
    super(scope, id);
    this.sharedSealingKey = props?.sharedSealingKey ?? false;
    if (props !== null && typeof props === 'object' && 'encryptedData' in props && !('sealed' in props)) {
      const built = fromCiphertext(this, props);
      this.secretName = built.name;
      this.secretNamespace = built.namespace;
      this.apiObject = built.apiObject;
      addProvided(this, { apiGroup: '', kind: 'Secret', name: this.secretName, namespace: this.secretNamespace });
      return;
    }
    const sealed = props.sealed as unknown as Record<string, any>;
    if (!sealed || typeof sealed !== 'object' || sealed.apiVersion !== 'bitnami.com/v1alpha1' || sealed.kind !== 'SealedSecret') {
      throw propError(this, 'sealed', 'must be a bitnami.com/v1alpha1 SealedSecret (cdk8s-platform seal or kubeseal output); a plaintext Secret is never accepted');
    }
    const meta = sealed.metadata ?? {};
    const spec = sealed.spec ?? {};
    this.secretName = checkString(this, 'sealed.metadata.name', meta.name, DNS_SUBDOMAIN);
    if (spec.data !== undefined) {
      throw propError(this, 'sealed.spec.data', 'uses the deprecated single-blob format, which the controller no longer unseals by default; re-seal the Secret');
    }
    const encrypted: Record<string, unknown> = spec.encryptedData ?? {};
    const keys = Object.keys(encrypted).sort();
    if (keys.length === 0) throw propError(this, 'sealed.spec.encryptedData', 'must hold at least one sealed value');
    for (const k of keys) {
      if (!isSealedCiphertext(encrypted[k])) {
        throw propError(this, `sealed.spec.encryptedData.${k}`, 'is not sealed-secrets ciphertext (base64 of: 2-byte length, RSA-OAEP session key, AES-GCM value); never put a plaintext value here');
      }
    }

    // The controller derives the RSA-OAEP label from the SealedSecret's own annotations.
    const sealingScope = scopeOfAnnotations(meta.annotations);
    const sealedNs: string | undefined = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
    const folderNs = scopeNamespace(this);
    let namespace: string | undefined;
    if (sealingScope === 'cluster-wide') {
      namespace = props.namespace ?? folderNs ?? sealedNs;
    } else {
      if (!sealedNs) throw propError(this, 'sealed.metadata.namespace', `is required: the object is sealed with the ${sealingScope} scope, which binds it to a namespace`);
      const wanted = props.namespace ?? folderNs;
      if (wanted !== undefined && wanted !== sealedNs) {
        throw propError(
          this,
          props.namespace !== undefined ? 'namespace' : 'sealed',
          `is sealed for namespace "${sealedNs}" (${sealingScope} scope), so the controller cannot unseal it in namespace "${wanted}"; ` +
            `re-seal the Secret with metadata.namespace "${wanted}", or seal it with the cluster-wide scope`,
        );
      }
      namespace = sealedNs;
    }
    if (namespace === undefined) throw propError(this, 'namespace', NAMESPACE_REQUIRED);
    this.secretNamespace = checkString(this, 'namespace', namespace, DNS_LABEL);

    const template = spec.template ?? {};
    const tmeta = template.metadata ?? {};
    this.apiObject = new SealedSecretObject(this, 'Resource', {
      metadata: { name: this.secretName, namespace: this.secretNamespace, annotations: nonEmpty(withScopeAnnotations(meta.annotations, sealingScope)) },
      spec: {
        encryptedData: Object.fromEntries(keys.map((k) => [k, encrypted[k] as string])),
        template: {
          data: template.data,
          immutable: template.immutable,
          metadata: { ...tmeta, name: this.secretName, namespace: this.secretNamespace },
          type: template.type,
        },
      },
    });
    addProvided(this, { apiGroup: '', kind: 'Secret', name: this.secretName, namespace: this.secretNamespace });
  }
}

const NAMESPACE_REQUIRED = 'is required: set it, or create the construct in a Folder with a namespace';

/** The SealedSecret object of {@link SealedSecret.fromEncryptedData}. */
function fromCiphertext(self: SealedSecret, props: SealedSecretEncryptedDataProps): { name: string; namespace: string; apiObject: SealedSecretObject } {
  const name = checkString(self, 'name', props.name, DNS_SUBDOMAIN);
  const ns = props.namespace ?? scopeNamespace(self);
  if (ns === undefined) throw propError(self, 'namespace', NAMESPACE_REQUIRED);
  const namespace = checkString(self, 'namespace', ns, DNS_LABEL);
  const keys = Object.keys(props.encryptedData ?? {}).sort();
  if (keys.length === 0) throw propError(self, 'encryptedData', 'must hold at least one key (kubeseal output)');
  for (const k of keys) {
    const flaw = ciphertextFlaw(props.encryptedData[k]);
    if (flaw !== undefined) {
      throw propError(self, `encryptedData.${k}`, `is not SealedSecret ciphertext (${flaw}; kubeseal writes base64 of a 2-byte length, the RSA-OAEP session key and the AES-GCM value): ` +
        'the controller could not decrypt it; never put a plaintext value here');
    }
  }
  const apiObject = new SealedSecretObject(self, 'Resource', {
    metadata: { name, namespace },
    spec: {
      encryptedData: Object.fromEntries(keys.map((k) => [k, props.encryptedData[k]])),
      template: {
        metadata: { name, namespace, labels: props.secretLabels },
        type: props.type ?? 'Opaque',
      },
    },
  });
  return { name, namespace, apiObject };
}

function nonEmpty(m: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(m).length > 0 ? m : undefined;
}

