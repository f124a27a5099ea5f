// Fixtures of the sealing tests (generic helpers come from the public `Testing`): throwaway sealing key pairs (openssl), and the controller's
// decryption re-implemented from bitnami-labs/sealed-secrets v0.36.6 — pkg/crypto/crypto.go
// (HybridDecrypt / singleDecrypt) and pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go
// (Unseal: the label comes from the SealedSecret's own metadata, labelFor / SecretScope).
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface KeyPair {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly privateKey: crypto.KeyObject;
}

/** A fresh directory outside the project (private keys and plaintext never go into the checkout). */
export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `seal-${prefix}-`));
}

/** A self-signed certificate and its private key, like the controller's (`openssl req -x509 -newkey ...`). */
export function keyPair(dir: string, name: string, newkey = 'rsa:2048', days = 3650): KeyPair {
  const certFile = path.join(dir, `${name}.crt.pem`);
  const keyFile = path.join(dir, `${name}.key.pem`);
  const curve = newkey === 'ec' ? ['-pkeyopt', 'ec_paramgen_curve:P-256'] : [];
  execFileSync('openssl', ['req', '-x509', '-newkey', newkey, ...curve, '-nodes', '-keyout', keyFile, '-out', certFile, '-subj', '/CN=sealed-secret/O=sealed-secret', '-days', String(days)], {
    stdio: 'ignore',
  });
  return {
    dir,
    certFile,
    keyFile,
    certPem: fs.readFileSync(certFile, 'utf8'),
    privateKey: crypto.createPrivateKey(fs.readFileSync(keyFile)),
  };
}

/** `singleDecrypt`: 2-byte big-endian RSA length, RSA-OAEP(SHA-256, label) session key, AES-256-GCM with a zero nonce. */
export function hybridDecrypt(privateKey: crypto.KeyObject, ciphertext: Buffer, label: Buffer): Buffer {
  if (ciphertext.length < 2) throw new Error('SealedSecret data is too short');
  const rsaLen = ciphertext.readUInt16BE(0);
  if (ciphertext.length < rsaLen + 2) throw new Error('SealedSecret data is too short');
  const sessionKey = crypto.privateDecrypt(
    { key: privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', ...(label.length > 0 ? { oaepLabel: label } : {}) },
    ciphertext.subarray(2, rsaLen + 2),
  );
  const aes = ciphertext.subarray(rsaLen + 2);
  const decipher = crypto.createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  decipher.setAuthTag(aes.subarray(aes.length - 16));
  return Buffer.concat([decipher.update(aes.subarray(0, aes.length - 16)), decipher.final()]);
}

/** `labelFor(smeta)`: the scope from the SealedSecret's annotations, then EncryptionLabel. */
export function labelOf(sealed: any): Buffer {
  const a = sealed.metadata.annotations ?? {};
  const ns = sealed.metadata.namespace ?? '';
  if (a['sealedsecrets.bitnami.com/cluster-wide'] === 'true') return Buffer.from('');
  if (a['sealedsecrets.bitnami.com/namespace-wide'] === 'true') return Buffer.from(ns);
  return Buffer.from(`${ns}/${sealed.metadata.name}`);
}

/** `Unseal` (encryptedData only): the Secret's data the controller would produce. */
export function unseal(sealed: any, privateKey: crypto.KeyObject): Record<string, Buffer> {
  const label = labelOf(sealed);
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(sealed.spec.encryptedData as Record<string, string>)) {
    out[k] = hybridDecrypt(privateKey, Buffer.from(v, 'base64'), label);
  }
  return out;
}

/** The document with every ciphertext replaced by `<sealed>`. */
export function withoutCiphertext(sealed: any): any {
  const copy = JSON.parse(JSON.stringify(sealed));
  for (const k of Object.keys(copy.spec.encryptedData)) copy.spec.encryptedData[k] = '<sealed>';
  return copy;
}
