// sealSecret: round trips through the controller's decryption (re-implemented in fixtures.ts from
// sealed-secrets v0.36.6 crypto.go / sealedsecret_expansion.go), scope binding, kubeseal's layout,
// schema validity and exact errors that never quote a value.
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { validateObjects } from '../../lib/core/validation';
import { encryptionLabel, parseSealingCert, PlaintextSecret, sealSecret, sealedSecretYaml, SealingScope } from '../../lib/sealing';
import { hybridDecrypt, KeyPair, keyPair, labelOf, tmpDir, unseal, withoutCiphertext } from './fixtures';

let dir: string;
let kp: KeyPair;
let other: KeyPair;

beforeAll(() => {
  dir = tmpDir('lib');
  kp = keyPair(dir, 'controller');
  other = keyPair(dir, 'other');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const binary = crypto.randomBytes(300);

function secret(extra: Partial<PlaintextSecret> = {}, metadata: Record<string, unknown> = {}): PlaintextSecret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db-admin', namespace: 'files', ...metadata } as PlaintextSecret['metadata'],
    data: { binary: binary.toString('base64'), empty: '', user: Buffer.from('admin').toString('base64') },
    stringData: { password: 'hunter2 ünïcode', user: 'root' },
    ...extra,
  };
}

describe('round trip through the controller decryption', () => {
  test.each<SealingScope>(['strict', 'namespace-wide', 'cluster-wide'])('%s: every value decrypts to the input; stringData wins over data', (scope) => {
    const sealed = sealSecret(secret(), { cert: kp.certPem, scope });
    const data = unseal(sealed, kp.privateKey);
    expect(Object.keys(data)).toEqual(['binary', 'empty', 'password', 'user']);
    expect(data.binary.equals(binary)).toBe(true);
    expect(data.empty.length).toBe(0);
    expect(data.password.toString('utf8')).toBe('hunter2 ünïcode');
    expect(data.user.toString('utf8')).toBe('root');
    // The label the controller uses for this scope (EncryptionLabel).
    expect(labelOf(sealed)).toEqual(encryptionLabel('files', 'db-admin', scope));
  });

  test('the output layout: 2-byte RSA length (512 for a 4096-bit key), RSA ciphertext, AES-GCM ciphertext + 16-byte tag', () => {
    const big = keyPair(dir, 'rsa4096', 'rsa:4096');
    const sealed = sealSecret(secret({ data: undefined, stringData: { password: 'hunter2' } }), { cert: big.certPem });
    const bytes = Buffer.from(sealed.spec.encryptedData.password, 'base64');
    expect(bytes.readUInt16BE(0)).toBe(512);
    expect(bytes.length).toBe(2 + 512 + 'hunter2'.length + 16);
    expect(sealed.spec.encryptedData.password.startsWith('AgA') || sealed.spec.encryptedData.password.startsWith('AgB') || sealed.spec.encryptedData.password.startsWith('AgC') || sealed.spec.encryptedData.password.startsWith('AgD')).toBe(true);
    expect(unseal(sealed, big.privateKey).password.toString()).toBe('hunter2');
  });

  test('the RSA part decrypts with openssl pkeyutl (OAEP, SHA-256 digest and MGF1, the scope label): an independent implementation', () => {
    const sealed = sealSecret(secret(), { cert: kp.certPem });
    const bytes = Buffer.from(sealed.spec.encryptedData.password, 'base64');
    const rsaLen = bytes.readUInt16BE(0);
    const rsaFile = path.join(dir, 'rsa.bin');
    fs.writeFileSync(rsaFile, bytes.subarray(2, 2 + rsaLen));
    const key = execFileSync('openssl', [
      'pkeyutl', '-decrypt', '-inkey', kp.keyFile, '-in', rsaFile,
      '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256',
      '-pkeyopt', `rsa_oaep_label:${Buffer.from('files/db-admin').toString('hex')}`,
    ]);
    expect(key.length).toBe(32);
    const aes = bytes.subarray(2 + rsaLen);
    const d = crypto.createDecipheriv('aes-256-gcm', key, Buffer.alloc(12));
    d.setAuthTag(aes.subarray(aes.length - 16));
    expect(Buffer.concat([d.update(aes.subarray(0, aes.length - 16)), d.final()]).toString()).toBe('hunter2 ünïcode');
  });
});

describe('the scope binds the ciphertext', () => {
  const decryptWith = (sealed: { spec: { encryptedData: Record<string, string> } }, label: string, key = kp.privateKey) =>
    hybridDecrypt(key, Buffer.from(sealed.spec.encryptedData.password, 'base64'), Buffer.from(label)).toString();

  test('strict: only <namespace>/<name>', () => {
    const sealed = sealSecret(secret(), { cert: kp.certPem });
    expect(decryptWith(sealed, 'files/db-admin')).toBe('hunter2 ünïcode');
    for (const label of ['files/other', 'apps/db-admin', 'files', '']) expect(() => decryptWith(sealed, label)).toThrow();
    // Renaming or moving the SealedSecret breaks it (the controller labels with its own name/namespace).
    expect(() => unseal({ ...sealed, metadata: { ...sealed.metadata, name: 'renamed' } }, kp.privateKey)).toThrow();
    expect(() => unseal({ ...sealed, metadata: { ...sealed.metadata, namespace: 'apps' } }, kp.privateKey)).toThrow();
  });

  test('namespace-wide: any name in the namespace, no other namespace', () => {
    const sealed = sealSecret(secret(), { cert: kp.certPem, scope: 'namespace-wide' });
    expect(decryptWith(sealed, 'files')).toBe('hunter2 ünïcode');
    expect(unseal({ ...sealed, metadata: { ...sealed.metadata, name: 'renamed' } }, kp.privateKey).password.toString()).toBe('hunter2 ünïcode');
    for (const label of ['files/db-admin', 'apps', '']) expect(() => decryptWith(sealed, label)).toThrow();
    // Dropping the annotation makes the controller use the strict label: it cannot decrypt.
    expect(() => unseal({ ...sealed, metadata: { name: 'db-admin', namespace: 'files' } }, kp.privateKey)).toThrow();
  });

  test('cluster-wide: the empty label only; any name and namespace', () => {
    const sealed = sealSecret(secret(), { cert: kp.certPem, scope: 'cluster-wide' });
    expect(decryptWith(sealed, '')).toBe('hunter2 ünïcode');
    expect(unseal({ ...sealed, metadata: { ...sealed.metadata, name: 'x', namespace: 'y' } }, kp.privateKey).password.toString()).toBe('hunter2 ünïcode');
    for (const label of ['files', 'files/db-admin']) expect(() => decryptWith(sealed, label)).toThrow();
  });

  test('another controller key cannot decrypt', () => {
    const sealed = sealSecret(secret(), { cert: kp.certPem });
    expect(() => decryptWith(sealed, 'files/db-admin', other.privateKey)).toThrow();
  });

  test('a new session key per value and per call', () => {
    const a = sealSecret(secret({ data: undefined, stringData: { a: 'same', b: 'same' } }), { cert: kp.certPem });
    const b = sealSecret(secret({ data: undefined, stringData: { a: 'same', b: 'same' } }), { cert: kp.certPem });
    expect(new Set([a.spec.encryptedData.a, a.spec.encryptedData.b, b.spec.encryptedData.a]).size).toBe(3);
  });
});

describe('the SealedSecret kubeseal writes', () => {
  test('metadata, template and annotations; server-side fields and last-applied copies dropped', () => {
    const sealed = sealSecret(
      secret(
        { type: 'kubernetes.io/basic-auth', immutable: true, data: undefined, stringData: { username: 'u', password: 'p' } },
        {
          labels: { 'app.kubernetes.io/name': 'files', team: 'a' },
          annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"stringData":{"password":"p"}}', note: 'yes' },
          finalizers: ['example.com/keep'],
          uid: '1234',
          resourceVersion: '7',
          creationTimestamp: null,
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: '1' }],
          managedFields: [],
        },
      ),
      { cert: kp.certPem, scope: 'namespace-wide' },
    );
    expect(withoutCiphertext(sealed)).toEqual({
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { annotations: { 'sealedsecrets.bitnami.com/namespace-wide': 'true' }, name: 'db-admin', namespace: 'files' },
      spec: {
        encryptedData: { password: '<sealed>', username: '<sealed>' },
        template: {
          immutable: true,
          metadata: {
            annotations: { note: 'yes', 'sealedsecrets.bitnami.com/namespace-wide': 'true' },
            finalizers: ['example.com/keep'],
            labels: { 'app.kubernetes.io/name': 'files', team: 'a' },
            name: 'db-admin',
            namespace: 'files',
          },
          type: 'kubernetes.io/basic-auth',
        },
      },
    });
    expect(validateObjects([{ obj: sealed as any, file: 'sealed.yaml', docIndex: 0 }])).toEqual([]);
  });

  test('YAML layout like kubeseal --format yaml: ---, keys sorted, one line per ciphertext; only the ciphertext differs between runs', () => {
    const input = secret({ data: undefined, stringData: { zeta: 'z', alpha: 'a' } }, { labels: { b: '2', a: '1' } });
    const one = sealedSecretYaml(sealSecret(input, { cert: kp.certPem, scope: 'cluster-wide' }));
    const two = sealedSecretYaml(sealSecret(input, { cert: kp.certPem, scope: 'cluster-wide' }));
    expect(one).not.toBe(two);
    const mask = (s: string) => s.replace(/^( {4}(alpha|zeta)): [A-Za-z0-9+/]+=*$/gm, '$1: <sealed>');
    expect(mask(one)).toBe(mask(two));
    expect(mask(one)).toBe(
      [
        '---',
        'apiVersion: bitnami.com/v1alpha1',
        'kind: SealedSecret',
        'metadata:',
        '  annotations:',
        '    sealedsecrets.bitnami.com/cluster-wide: "true"',
        '  name: db-admin',
        '  namespace: files',
        'spec:',
        '  encryptedData:',
        '    alpha: <sealed>',
        '    zeta: <sealed>',
        '  template:',
        '    metadata:',
        '      annotations:',
        '        sealedsecrets.bitnami.com/cluster-wide: "true"',
        '      labels:',
        '        a: "1"',
        '        b: "2"',
        '      name: db-admin',
        '      namespace: files',
        '',
      ].join('\n'),
    );
    const [doc] = parseAllDocuments(one).map((d) => d.toJS());
    expect(unseal(doc, kp.privateKey).alpha.toString()).toBe('a');
  });

  test('without a scope option, the input annotations choose it (like kubeseal); an explicit scope replaces them', () => {
    const annotated = secret({}, { annotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'true' } });
    const fromAnnotation = sealSecret(annotated, { cert: kp.certPem });
    expect(fromAnnotation.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
    expect(labelOf(fromAnnotation).length).toBe(0);
    const strict = sealSecret(annotated, { cert: kp.certPem, scope: 'strict' });
    expect(strict.metadata.annotations).toBeUndefined();
    expect(strict.spec.template.metadata?.annotations).toBeUndefined();
    expect(unseal(strict, kp.privateKey).user.toString()).toBe('root');
    // cluster-wide needs no namespace.
    const noNs = sealSecret(secret({}, { namespace: undefined }), { cert: kp.certPem, scope: 'cluster-wide' });
    expect(noNs.metadata).toEqual({ annotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'true' }, name: 'db-admin' });
    expect(unseal(noNs, kp.privateKey).password.toString()).toBe('hunter2 ünïcode');
  });

  test('an empty Secret only with allowEmptyData', () => {
    const empty = secret({ data: undefined, stringData: undefined });
    expect(() => sealSecret(empty, { cert: kp.certPem })).toThrow(
      'Secret "files/db-admin": data: is empty (no data and no stringData): nothing to seal; allow an empty Secret with allowEmptyData (--allow-empty-data)',
    );
    expect(sealSecret(empty, { cert: kp.certPem, allowEmptyData: true }).spec.encryptedData).toEqual({});
  });
});

describe('errors name the field, never the value', () => {
  const cases: Array<[string, unknown, string]> = [
    ['a ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }, 'Secret: is v1 ConfigMap; only a v1 Secret (apiVersion: v1, kind: Secret) can be sealed'],
    ['no kind', { data: {} }, 'Secret: is an object without apiVersion and kind; only a v1 Secret (apiVersion: v1, kind: Secret) can be sealed'],
    ['no name', { apiVersion: 'v1', kind: 'Secret', metadata: { namespace: 'files' } }, 'Secret: metadata.name: is required'],
    ['a bad name', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'DB_Admin', namespace: 'files' } }, 'Secret: metadata.name: "DB_Admin" is not a valid Secret name (a DNS subdomain: lowercase letters, digits, "-" and ".")'],
    ['a bad namespace', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'Files' } }, 'Secret "a": metadata.namespace: must be a namespace name (a DNS label: lowercase letters, digits and "-", at most 63 characters)'],
    ['no namespace', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a' }, stringData: { k: 'v' } }, 'Secret "a": metadata.namespace: is required for the strict scope (the namespace is bound into the ciphertext); set it, or seal with the cluster-wide scope'],
    ['an unknown field', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'n' }, stringdata: { k: 'v' } }, 'Secret "n/a": stringdata: is not a field of a v1 Secret; remove it'],
    ['generateName', { apiVersion: 'v1', kind: 'Secret', metadata: { generateName: 'x-', name: 'a', namespace: 'n' } }, 'Secret "n/a": metadata.generateName: cannot be carried into a SealedSecret template; remove it'],
    ['plaintext under data', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'n' }, data: { password: 'hunter2!' } }, 'Secret "n/a": data.password: is not valid base64 (put text values under stringData)'],
    ['a number under stringData', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'n' }, stringData: { port: 5432 } }, 'Secret "n/a": stringData.port: must be a string (quote the value)'],
    ['a bad key', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'n' }, stringData: { 'a b': 'v' } }, 'Secret "n/a": stringData.a b: is not a valid Secret key (letters, digits, "-", "_" and ".")'],
    ['a bad label', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'n', labels: { team: 7 } }, stringData: { k: 'v' } }, 'Secret "n/a": metadata.labels.team: must be a string (quote the value)'],
    ['a bad type', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'n' }, type: 1, stringData: { k: 'v' } }, 'Secret "n/a": type: must be a string (e.g. Opaque)'],
  ];
  test.each(cases)('%s', (_what, input, message) => {
    let err: Error | undefined;
    try {
      sealSecret(input as PlaintextSecret, { cert: kp.certPem });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.name).toBe('SealError');
    expect(err?.message).toBe(message);
    expect(err?.message).not.toContain('hunter2');
  });

  test('metadata rules of the API server: label values, annotation keys', () => {
    expect(() => sealSecret(secret({}, { labels: { team: 'a b' } }), { cert: kp.certPem })).toThrow(
      'Secret "files/db-admin": metadata.labels.team: invalid label value "a b": must be empty or consist of alphanumerics, \'-\', \'_\' or \'.\', starting and ending with an alphanumeric',
    );
    expect(() => sealSecret(secret({}, { annotations: { 'bad key!': 'x' } }), { cert: kp.certPem })).toThrow(/^Secret "files\/db-admin": metadata\.annotations\["bad key!"\]: invalid annotation key/);
  });

  test('a bad scope', () => {
    expect(() => sealSecret(secret(), { cert: kp.certPem, scope: 'global' as SealingScope })).toThrow('scope: "global" is not one of strict, namespace-wide, cluster-wide');
  });
});

describe('the certificate, read like kubeseal (ParseKey)', () => {
  test('valid: RSA key, size, fingerprint and end of validity', () => {
    const c = parseSealingCert(kp.certPem);
    expect(c.bits).toBe(2048);
    expect(c.fingerprint256).toBe(new crypto.X509Certificate(kp.certPem).fingerprint256);
    expect(c.notAfter.getTime()).toBeGreaterThan(Date.now() + 3000 * 86400_000);
    // A parsed certificate can be passed to sealSecret.
    expect(unseal(sealSecret(secret(), { cert: c }), kp.privateKey).user.toString()).toBe('root');
  });

  test('expired: refused, like kubeseal ("failed to encrypt using an expired certificate")', () => {
    const c = parseSealingCert(kp.certPem);
    const later = new Date(c.notAfter.getTime() + 86400_000);
    const day = c.notAfter.toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
    expect(() => sealSecret(secret(), { cert: kp.certPem, now: later })).toThrow(
      `cert: expired on ${day}: cannot seal with an expired certificate; fetch the controller's current one with \`kubeseal --fetch-cert\``,
    );
  });

  test('not a certificate', () => {
    expect(() => parseSealingCert('hello')).toThrow('is not a PEM certificate (no "-----BEGIN CERTIFICATE-----"); fetch it with `kubeseal --fetch-cert > cert.pem`');
    expect(() => parseSealingCert(fs.readFileSync(kp.keyFile))).toThrow(
      "holds a private key, not the controller's certificate: seal with the public certificate only (`kubeseal --fetch-cert > cert.pem`)",
    );
    const pub = crypto.createPublicKey(kp.privateKey).export({ type: 'spki', format: 'pem' }) as string;
    expect(() => parseSealingCert(pub)).toThrow('holds a PEM "PUBLIC KEY", not a certificate; fetch the controller\'s certificate with `kubeseal --fetch-cert > cert.pem`');
    expect(() => parseSealingCert('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toThrow('is not a valid X.509 certificate (the PEM block does not parse)');
    expect(() => sealSecret(secret(), { cert: undefined as unknown as string })).toThrow("cert: is required: the PEM text of the sealed-secrets controller's certificate (kubeseal --fetch-cert)");
  });

  test('not RSA, or too small', () => {
    const ec = keyPair(dir, 'ec', 'ec', 30);
    expect(() => parseSealingCert(ec.certPem)).toThrow("has a ec public key; the sealed-secrets controller's certificate has an RSA key");
    const small = keyPair(dir, 'small', 'rsa:1024');
    expect(() => parseSealingCert(small.certPem)).toThrow('has a 1024-bit RSA key; at least 2048 bits are required (the controller generates 4096-bit keys)');
  });
});
