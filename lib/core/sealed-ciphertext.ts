/**
 * The shape of a sealed-secrets ciphertext, as the controller reads it (bitnami-labs/sealed-secrets
 * `pkg/crypto` `HybridDecrypt`): base64 of a 2-byte big-endian length, an RSA-OAEP ciphertext of
 * that length (the session key; 512 bytes for kubeseal's default 4096-bit key), then the AES-GCM
 * value with its 16-byte tag. Shared by the `SealedSecret` construct and the secret scan of every
 * rendered SealedSecret.
 */

/** Why `v` is not sealed-secrets ciphertext, in words; undefined when it has the shape. */
export function ciphertextFlaw(v: unknown): string | undefined {
  if (typeof v !== 'string') return 'not a string';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v) || v.length % 4 !== 0) return 'not base64';
  const bytes = Buffer.from(v, 'base64');
  if (bytes.length < 2) return `${bytes.length} byte(s)`;
  const rsaLen = bytes.readUInt16BE(0);
  if (rsaLen < 256) return `${bytes.length} bytes whose first two give a session key of ${rsaLen} bytes, below a 2048-bit RSA key's 256`;
  if (bytes.length < 2 + rsaLen + 16) return `${bytes.length} bytes, fewer than the 2 + ${rsaLen} + 16 its first two announce (cut short?)`;
  return undefined;
}

/** Whether `v` is base64 of HybridEncrypt output: a 2-byte length, an RSA ciphertext of at least 2048 bits, a GCM tag. */
export function isSealedCiphertext(v: unknown): boolean {
  return ciphertextFlaw(v) === undefined;
}
