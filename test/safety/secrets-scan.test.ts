// The credential scan without holes: one case per former miss and false positive, and a measured
// comparison with secretlint's recommended rule set on the same corpus.
import { execFileSync } from 'child_process';
import * as path from 'path';
import { toYaml } from '../../lib/gitops/layout';
import { PlainObject } from '../../lib/safety/protection';
import { isCredentialName, scanCredentials, secretProblems } from '../../lib/safety/secrets';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const ACCOUNT_KEY = `${'Zm9vYmFyYmF6cXV4'.repeat(5)}${'AbCdEf'}==`; // 88 characters, like a storage account key
const cm = (data: Record<string, string>): PlainObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' }, data });
const deploy = (container: Record<string, unknown>): PlainObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'ns' },
  spec: { template: { spec: { containers: [{ name: 'api', image: 'api:1', ...container }] } } },
});
const helm = (values: unknown): PlainObject => ({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'db', namespace: 'ns' }, spec: { values } });
const ks = (substitute: Record<string, string>): PlainObject => ({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps', namespace: 'flux-system' }, spec: { postBuild: { substitute } } });
const HINT = 'keep credentials out of Git: reference a Secret (SealedSecret, SOPS) instead, or call allowPlaintextSecret(obj, reason) if it is not a real credential';
const SECRET_HINT = 'anyone who can read the repo can read it; use a SealedSecret or a SOPS-encrypted Secret, or reference a Secret created outside Git; if this is deliberate, call allowPlaintextSecret(secret, reason)';

/** Objects that carry a credential: [name, object, expected problems]. */
const POSITIVES: Array<[string, PlainObject, string[]]> = [
  ['nested Helm values, camelCase', helm({ db: { auth: { dbPassword: 'hunter2' } } }), [`p: HelmRelease/ns/db: spec.values.db.auth.dbPassword: looks like a literal value of the credential-named field dbPassword; ${HINT}`]],
  ['kebab-case key', cm({ 'db-password': 'hunter2' }), [`p: ConfigMap/ns/c: data.db-password: looks like a literal value of the credential-named field db-password; ${HINT}`]],
  ['Flux postBuild.substitute', ks({ DB_PASSWORD: 'hunter2' }), [`p: Kustomization/flux-system/apps: spec.postBuild.substitute.DB_PASSWORD: looks like a literal value of the credential-named field DB_PASSWORD; ${HINT}`]],
  ['SAS URL', cm({ url: 'https://logs.blob.core.windows.net/c?sv=2022-11-02&ss=b&sp=rl&se=2026-01-01&sig=Zm9vYmFyYmF6cXV4%2Bqu%3D' }), [`p: ConfigMap/ns/c: data.url: looks like an Azure shared access signature (sig=); ${HINT}`]],
  ['bare storage account key', cm({ storage: ACCOUNT_KEY }), [`p: ConfigMap/ns/c: data.storage: looks like an Azure storage account key; ${HINT}`]],
  ['base64 connection string', cm({ conn: b64('Server=db;User Id=app;Password=hunter2;') }), [`p: ConfigMap/ns/c: data.conn: looks like a connection string with a password, base64-encoded; ${HINT}`]],
  ['base64 PEM key', cm({ key: b64('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n') }), [`p: ConfigMap/ns/c: data.key: looks like a PEM private key, base64-encoded; ${HINT}`]],
  ['--password x argument pair', deploy({ args: ['--user', 'app', '--password', 'hunter2'] }), [`p: Deployment/ns/api: spec.template.spec.containers[0].args[3]: looks like a literal value of the credential flag --password; ${HINT}`]],
  ['--api-token x in command', deploy({ command: ['run', '--api-token', 's3cr3tvalue'] }), [`p: Deployment/ns/api: spec.template.spec.containers[0].command[2]: looks like a literal value of the credential flag --api-token; ${HINT}`]],
  ['.dockerconfigjson outside a Secret', cm({ config: '{"auths":{"ghcr.io":{"auth":"dXNlcjpwYXNzd29yZA=="}}}' }), [`p: ConfigMap/ns/c: data.config: looks like a Docker registry credential (.dockerconfigjson); ${HINT}`]],
  [
    'kind: secret (casing)',
    { apiVersion: 'V1', kind: 'secret', metadata: { name: 's', namespace: 'ns' }, stringData: { token: 'abc' } },
    [`p: secret/ns/s: plaintext Secret in Git (stringData.token): ${SECRET_HINT}`],
  ],
  [
    'Secret inside a composition base',
    {
      apiVersion: 'apiextensions.crossplane.io/v1',
      kind: 'Composition',
      metadata: { name: 'db' },
      spec: { resources: [{ name: 's', base: { apiVersion: 'kubernetes.crossplane.io/v1alpha2', kind: 'Object', spec: { forProvider: { manifest: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, data: { pw: 'aHVudGVyMg==' } } } } } }] },
    },
    [`p: Composition/db: plaintext Secret in Git (spec.resources[0].base.spec.forProvider.manifest.data.pw): ${SECRET_HINT}`],
  ],
];

/** Harmless objects the scan used to refuse, or must keep accepting. */
const NEGATIVES: Array<[string, PlainObject]> = [
  ['REQUIRE_PASSWORD=true env var', deploy({ env: [{ name: 'REQUIRE_PASSWORD', value: 'true' }] })],
  ['--require-password=true flag', deploy({ args: ['--require-password=true'] })],
  ['a password file path', helm({ auth: { passwordFile: '/run/secrets/db', password: '/run/secrets/db-password' } })],
  ['$VAR and ${VAR} references', helm({ auth: { dbPassword: '$DB_PASSWORD', token: '${TOKEN}' } })],
  ['names of Secrets', helm({ auth: { existingSecret: 'db-credentials', secretName: 'tls', secret: 'db-credentials' } })],
  ['booleans and numbers as strings', cm({ password: 'false', token: '0', apiKey: 'yes' })],
  ['--password-file pair and a placeholder pair', deploy({ args: ['--password-file', '/run/secrets/pw', '--password', '$(DB_PASSWORD)'] })],
  ['base64 of harmless text', cm({ note: b64('hello, this is a plain configuration value') })],
  ['a short sig parameter', cm({ url: 'https://example.com/doc?sig=abc' })],
  ['token URL', deploy({ env: [{ name: 'TOKEN_URL', value: 'https://login.example.com/token' }] })],
];

describe('credential scan: former misses', () => {
  test.each(POSITIVES)('%s', (_name, obj, expected) => {
    expect(secretProblems(obj, 'p')).toEqual(expected);
  });
});

describe('credential scan: no false positives', () => {
  test.each(NEGATIVES)('%s', (_name, obj) => {
    expect(scanCredentials(obj)).toEqual([]);
    expect(secretProblems(obj, 'p')).toEqual([]);
  });
});

test('key names match case-, separator- and camelCase-insensitively', () => {
  for (const n of ['password', 'dbPassword', 'DB_PASSWORD', 'db-password', 'db.password', 'clientSecret', 'CLIENT_SECRET', 'apiKey', 'api-key', 'storageAccountKey', '.dockerconfigjson', 'GITHUB_TOKEN', 'sasToken', 'webhookSecret']) {
    expect([n, isCredentialName(n)]).toEqual([n, true]);
  }
  for (const n of ['secretName', 'existingSecret', 'adminPasswordSecret', 'credentialSecret', 'fromConnectionSecretKey', 'tlsSecret', 'passwordFile', 'tokenUrl', 'REQUIRE_PASSWORD_LENGTH', 'passwordPolicy', 'key', 'keyId', 'monkey']) {
    expect([n, isCredentialName(n)]).toEqual([n, false]);
  }
});

test('comparison with secretlint (preset-recommend 13.1.0) on the same corpus: the hand-written scan finds more', () => {
  // The former misses plus classic credentials both approaches know.
  const classic = [
    '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY-----\n',
    'postgres://app:hunter2@db.example.com:5432/orders',
    'AKIAIOSFODNN7EXAMPLE',
    'DefaultEndpointsProtocol=https;AccountName=logs;AccountKey=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4==;EndpointSuffix=core.windows.net',
  ].map((v) => ['classic', cm({ value: v }), []] as [string, PlainObject, string[]]);
  const positives = [...POSITIVES, ...classic];
  const docs = [...positives.map(([, o]) => o), ...NEGATIVES.map(([, o]) => o)].map((o) => toYaml(o));
  const runner = path.join(__dirname, 'secretlint-runner.mjs');
  const secretlint = JSON.parse(execFileSync(process.execPath, [runner, JSON.stringify(docs)], { encoding: 'utf8' })) as string[][];
  const ours = [...positives, ...NEGATIVES].map(([, o]) => secretProblems(o, 'p').length > 0);
  const count = (hits: boolean[]) => ({
    hits: hits.slice(0, positives.length).filter(Boolean).length,
    misses: hits.slice(0, positives.length).filter((h) => !h).length,
    falsePositives: hits.slice(positives.length).filter(Boolean).length,
  });
  const theirs = count(secretlint.map((ids) => ids.length > 0));
  const mine = count(ours);
  process.stderr.write(`secret scan corpus (${positives.length} positives, ${NEGATIVES.length} negatives): hand-written ${JSON.stringify(mine)}, secretlint ${JSON.stringify(theirs)}\n`);
  expect(mine).toEqual({ hits: positives.length, misses: 0, falsePositives: 0 });
  expect(theirs.hits).toBeLessThan(mine.hits);
});

describe('plaintext Secrets and credentials are found in one walk, as by the two separate walks before', () => {
  // Expected: what the two separate walks before (plaintext Secrets, then credentials) returned.
  const secret = (name: string, data: Record<string, string>, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, data, ...extra });
  const cases: Array<[string, any]> = [
    ['two Secrets embedded at depths, in arrays', { apiVersion: 'apiextensions.crossplane.io/v1', kind: 'Composition', metadata: { name: 'c' }, spec: { resources: [{ base: { list: [secret('a', { z: 'x', b: 'eQ==' }), { deeper: [secret('b', { k: 'aHVudGVyMg==' })] }] } }], stringData: { password: 'hunter2' } } }],
    ['a Secret with a credential in its data, and one outside', { ...secret('s', { password: 'hunter2', conn: 'Server=db;Password=hunter2;' }), note: { dbPassword: 'hunter2' } }],
    ['a SealedSecret hiding a Secret object in spec.encryptedData', { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'ss', namespace: 'ns' }, spec: { encryptedData: { inner: secret('in', { pw: 'aHVudGVyMg==' }), password: 'hunter2' }, template: { data: { password: 'hunter2' } } } }],
    ['sops at the root hides what is under it, not elsewhere', { ...secret('sops', { password: 'ENC[AES256_GCM,data:x]' }), sops: { nested: secret('n', { a: 'b' }), mac: 'x' }, other: { sops: secret('o', { c: 'd' }) } }],
  ];
  const expected: Record<string, string[]> = {
    "two Secrets embedded at depths, in arrays": [
      "p: Composition/c: plaintext Secret in Git (spec.resources[0].base.list[0].data.b, spec.resources[0].base.list[0].data.z, spec.resources[0].base.list[1].deeper[0].data.k): anyone who can read the repo can read it; use a SealedSecret or a SOPS-encrypted Secret, or reference a Secret created outside Git; if this is deliberate, call allowPlaintextSecret(secret, reason)",
      "p: Composition/c: spec.stringData.password: looks like a literal value of the credential-named field password; keep credentials out of Git: reference a Secret (SealedSecret, SOPS) instead, or call allowPlaintextSecret(obj, reason) if it is not a real credential"
    ],
    "a Secret with a credential in its data, and one outside": [
      "p: Secret/s: plaintext Secret in Git (data.conn, data.password): anyone who can read the repo can read it; use a SealedSecret or a SOPS-encrypted Secret, or reference a Secret created outside Git; if this is deliberate, call allowPlaintextSecret(secret, reason)",
      "p: Secret/s: note.dbPassword: looks like a literal value of the credential-named field dbPassword; keep credentials out of Git: reference a Secret (SealedSecret, SOPS) instead, or call allowPlaintextSecret(obj, reason) if it is not a real credential"
    ],
    "a SealedSecret hiding a Secret object in spec.encryptedData": [
      "p: SealedSecret/ns/ss: plaintext Secret in Git (spec.encryptedData.inner.data.pw): anyone who can read the repo can read it; use a SealedSecret or a SOPS-encrypted Secret, or reference a Secret created outside Git; if this is deliberate, call allowPlaintextSecret(secret, reason)",
      "p: SealedSecret/ns/ss: spec.encryptedData.inner: not sealed-secrets ciphertext (not a string; kubeseal writes base64 of a 2-byte length, the RSA-OAEP session key of that length and the AES-GCM value): the controller cannot decrypt it (\"no key could decrypt secret\") and never writes the Secret; seal the value with kubeseal or sealSecret, and if it is a value in the clear, rotate it: it is in Git",
      "p: SealedSecret/ns/ss: spec.encryptedData.password: not sealed-secrets ciphertext (not base64; kubeseal writes base64 of a 2-byte length, the RSA-OAEP session key of that length and the AES-GCM value): the controller cannot decrypt it (\"no key could decrypt secret\") and never writes the Secret; seal the value with kubeseal or sealSecret, and if it is a value in the clear, rotate it: it is in Git",
      "p: SealedSecret/ns/ss: spec.template.data.password: looks like a literal value of the credential-named field password; keep credentials out of Git: reference a Secret (SealedSecret, SOPS) instead, or call allowPlaintextSecret(obj, reason) if it is not a real credential"
    ],
    "sops at the root hides what is under it, not elsewhere": [
      "p: Secret/sops: plaintext Secret in Git (other.sops.data.c): anyone who can read the repo can read it; use a SealedSecret or a SOPS-encrypted Secret, or reference a Secret created outside Git; if this is deliberate, call allowPlaintextSecret(secret, reason)"
    ]
  };
  test.each(cases)('%s', (name, obj) => {
    expect(secretProblems(obj, 'p')).toEqual(expected[name]);
  });
});
