// A stand-in for kubeseal output with its shape (a 2-byte length 512, a 512-byte RSA block, a
// 48-byte AES-GCM value), deterministic: what the SealedSecret construct and the secret scan
// accept (lib/core/sealed-ciphertext.ts); no controller can decrypt it.
import { createHash } from 'crypto';

/** Sealed-secrets-shaped ciphertext for `label` (default one for tests that need any). */
export function sealedCiphertext(label = 'test'): string {
  let out = Buffer.from([0x02, 0x00]);
  for (let i = 0; out.length < 2 + 512 + 48; i++) out = Buffer.concat([out, createHash('sha256').update(`${label}/${i}`).digest()]);
  return out.subarray(0, 2 + 512 + 48).toString('base64');
}

/** {@link sealedCiphertext} of the default label. */
export const SEALED_CIPHERTEXT = sealedCiphertext();
