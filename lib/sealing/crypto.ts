/**
 * The sealed-secrets controller's hybrid encryption (bitnami-labs/sealed-secrets v0.36.6,
 * `pkg/crypto/crypto.go` HybridEncrypt), with Node's `crypto` only:
 *
 *   uint16 big-endian length of the RSA ciphertext || RSA ciphertext || AES-GCM ciphertext + tag
 *
 * - a fresh random 32-byte session key per value (`sessionKeyBytes = 32`: AES-256);
 * - the session key wrapped with RSA-OAEP, SHA-256 (hash and MGF1), with the scope label
 *   (`EncryptionLabel` in `pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go`);
 * - the value encrypted with AES-256-GCM under an all-zero 12-byte nonce (safe: the key is used
 *   once) and no additional data; Go's `Seal` appends the 16-byte tag to the ciphertext.
 *
 * The sealing certificate is read like kubeseal's `ParseKey` (`pkg/kubeseal/kubeseal.go`): the first
 * PEM certificate, an RSA public key, refused when expired.
 */
import * as crypto from 'crypto';

/** The session key size (`sessionKeyBytes` in crypto.go). */
const SESSION_KEY_BYTES = 32;
/** GCM's standard nonce size (`aed.NonceSize()`); the controller uses an all-zero nonce. */
const GCM_NONCE_BYTES = 12;
/** Smallest RSA key accepted. The controller generates 4096-bit keys (`--key-size`). */
const MIN_RSA_BITS = 2048;

/**
 * How far a sealed value can move (`SealingScope` in sealedsecret_expansion.go):
 * - `strict`: only to a Secret of the same name in the same namespace (the default);
 * - `namespace-wide`: to any name in the same namespace;
 * - `cluster-wide`: to any name in any namespace.
 */
export type SealingScope = 'strict' | 'namespace-wide' | 'cluster-wide';

/** The scopes, in the controller's order. */
export const SEALING_SCOPES: readonly SealingScope[] = ['strict', 'namespace-wide', 'cluster-wide'];

/** Annotation selecting the namespace-wide scope (`SealedSecretNamespaceWideAnnotation`). */
export const NAMESPACE_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/namespace-wide';
/** Annotation selecting the cluster-wide scope (`SealedSecretClusterWideAnnotation`). */
export const CLUSTER_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/cluster-wide';

/**
 * The RSA-OAEP label binding a value to its scope (`EncryptionLabel`): `<namespace>/<name>` for
 * strict, `<namespace>` for namespace-wide, empty for cluster-wide.
 */
export function encryptionLabel(namespace: string, name: string, scope: SealingScope): Buffer {
  switch (scope) {
    case 'cluster-wide':
      return Buffer.alloc(0);
    case 'namespace-wide':
      return Buffer.from(namespace, 'utf8');
    default:
      return Buffer.from(`${namespace}/${name}`, 'utf8');
  }
}

/** The scope annotations select (`SecretScope`): cluster-wide wins over namespace-wide; only `"true"` counts. */
export function scopeOfAnnotations(annotations: Record<string, unknown> | undefined): SealingScope {
  if (annotations?.[CLUSTER_WIDE_ANNOTATION] === 'true') return 'cluster-wide';
  if (annotations?.[NAMESPACE_WIDE_ANNOTATION] === 'true') return 'namespace-wide';
  return 'strict';
}

/** `annotations` with the scope annotations set for `scope` and the others removed (`UpdateScopeAnnotations`). */
export function withScopeAnnotations(annotations: Record<string, string> | undefined, scope: SealingScope): Record<string, string> {
  const out: Record<string, string> = { ...(annotations ?? {}) };
  delete out[NAMESPACE_WIDE_ANNOTATION];
  delete out[CLUSTER_WIDE_ANNOTATION];
  if (scope === 'namespace-wide') out[NAMESPACE_WIDE_ANNOTATION] = 'true';
  if (scope === 'cluster-wide') out[CLUSTER_WIDE_ANNOTATION] = 'true';
  return out;
}

/**
 * `HybridEncrypt`: seals `plaintext` for the holder of the private key of `publicKey`, bound to
 * `label`. Every call draws a new session key, so the output differs on every call.
 */
export function hybridEncrypt(publicKey: crypto.KeyObject, plaintext: Uint8Array, label: Uint8Array): Buffer {
  const sessionKey = crypto.randomBytes(SESSION_KEY_BYTES);
  try {
    const rsaCiphertext = crypto.publicEncrypt(
      {
        key: publicKey,
        padding: crypto.constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha256',
        // An empty label and no label are the same for OAEP (SHA-256 of the empty string).
        ...(label.length > 0 ? { oaepLabel: Buffer.from(label) } : {}),
      },
      sessionKey,
    );
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(rsaCiphertext.length, 0);
    const gcm = crypto.createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(GCM_NONCE_BYTES));
    const body = Buffer.concat([gcm.update(plaintext), gcm.final()]);
    return Buffer.concat([prefix, rsaCiphertext, body, gcm.getAuthTag()]);
  } finally {
    sessionKey.fill(0);
  }
}

/** A sealing certificate, checked: see {@link parseSealingCert}. */
export interface SealingCert {
  /** The certificate's RSA public key. */
  readonly publicKey: crypto.KeyObject;
  /** Size of the RSA modulus in bits. */
  readonly bits: number;
  /** End of the certificate's validity. */
  readonly notAfter: Date;
  /** SHA-256 fingerprint of the certificate (colon-separated hex, like `openssl x509 -fingerprint -sha256`). */
  readonly fingerprint256: string;
}

/** Options of {@link parseSealingCert}. */
export interface ParseSealingCertOptions {
  /**
   * The time the certificate must still be valid at.
   * @default - now
   */
  readonly now?: Date;
}

/** `January 2, 2006`, the date format of kubeseal's expired-certificate error. */
function longDate(d: Date): string {
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return `${months[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
}

/**
 * Reads the sealed-secrets controller's certificate (`kubeseal --fetch-cert` output, or the
 * `tls.crt` of its key Secret) like kubeseal's `ParseKey`: the first PEM certificate, which must
 * hold an RSA public key (at least 2048 bits) and must not be expired. Throws an Error whose message
 * describes the problem (no key material in it).
 */
export function parseSealingCert(pem: string | Buffer, opts: ParseSealingCertOptions = {}): SealingCert {
  const text = Buffer.isBuffer(pem) ? pem.toString('utf8') : pem;
  if (typeof text !== 'string') throw new Error('must be the PEM text of the controller\'s certificate');
  const first = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text);
  if (!first) {
    throw new Error('is not a PEM certificate (no "-----BEGIN CERTIFICATE-----"); fetch it with `kubeseal --fetch-cert > cert.pem`');
  }
  const certBlock = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(text);
  if (!certBlock) {
    if (/PRIVATE KEY/.test(first[1])) {
      throw new Error('holds a private key, not the controller\'s certificate: seal with the public certificate only (`kubeseal --fetch-cert > cert.pem`)');
    }
    throw new Error(`holds a PEM "${first[1]}", not a certificate; fetch the controller's certificate with \`kubeseal --fetch-cert > cert.pem\``);
  }
  let x509: crypto.X509Certificate;
  try {
    x509 = new crypto.X509Certificate(certBlock[0]);
  } catch {
    throw new Error('is not a valid X.509 certificate (the PEM block does not parse)');
  }
  const publicKey = x509.publicKey;
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new Error(`has a ${publicKey.asymmetricKeyType ?? 'unknown'} public key; the sealed-secrets controller's certificate has an RSA key`);
  }
  const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw new Error(`has a ${bits}-bit RSA key; at least ${MIN_RSA_BITS} bits are required (the controller generates 4096-bit keys)`);
  }
  const notAfter = new Date(x509.validTo);
  if (Number.isNaN(notAfter.getTime())) throw new Error(`has an unreadable validity end ("${x509.validTo}")`);
  const now = opts.now ?? new Date();
  if (now.getTime() > notAfter.getTime()) {
    // kubeseal: "failed to encrypt using an expired certificate on <date>".
    throw new Error(`expired on ${longDate(notAfter)}: cannot seal with an expired certificate; fetch the controller's current one with \`kubeseal --fetch-cert\``);
  }
  return { publicKey, bits, notAfter, fingerprint256: x509.fingerprint256 };
}
