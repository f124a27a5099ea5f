// Secret hygiene at synth: no plaintext core Secret, no credential-looking value in any field,
// unless explicitly allowed.
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Folder, GitOpsApp, Repo, SynthError } from '../../lib';
import { allowPlaintextSecret, scanCredentials, secretProblems } from '../../lib/safety';
import { tmp } from './helpers';
import { SEALED_CIPHERTEXT } from '../support/ciphertext';
import { problems as problemsOf } from '../support/problems';

function folder(): Folder {
  const app = new GitOpsApp({ outdir: tmp(), printBaselineReport: false });
  return new Repo(app, 'platform').folder('apps', { namespace: 'team-a' });
}
const appOf = (f: Folder) => GitOpsApp.of(f);
const HINT = 'use a SealedSecret or a SOPS-encrypted Secret, or reference a Secret created outside Git; if this is deliberate, call allowPlaintextSecret(secret, reason)';
const SCAN_HINT = 'keep credentials out of Git: reference a Secret (SealedSecret, SOPS) instead, or call allowPlaintextSecret(obj, reason) if it is not a real credential';

describe('plaintext Secrets', () => {
  test('a v1 Secret with data or stringData fails synth, naming construct path, object and keys', () => {
    const f = folder();
    new ApiObject(f, 'db', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: 'aHVudGVyMg==' }, stringData: { user: 'app' } } as any);
    expect(() => appOf(f).synth()).toThrow(
      new SynthError([`platform/apps/db: Secret/team-a/db: plaintext Secret in Git (data.password, stringData.user): anyone who can read the repo can read it; ${HINT}`]),
    );
  });

  test('allowPlaintextSecret lets it through and lists it in the secure-baseline report', () => {
    const f = folder();
    const s = new ApiObject(f, 'demo', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'demo' }, stringData: { token: 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB' } } as any);
    allowPlaintextSecret(s, 'throw-away token of the kind demo cluster');
    const result = appOf(f).synthesize();
    expect(result.repos[0].changes.created).toContain('apps/secret-demo.yaml');
    expect(result.optOuts).toEqual([{ path: 'platform/apps/demo', setting: 'secrets.plaintextInGit', value: 'allowed', reason: 'throw-away token of the kind demo cluster' }]);
    expect(() => allowPlaintextSecret(s, ' ')).toThrow('platform/apps/demo: allowPlaintextSecret: give a reason (it is shown in the secure-baseline report)');
  });

  test('Secrets without data, SealedSecrets and SOPS-encrypted Secrets pass', () => {
    const f = folder();
    new ApiObject(f, 'empty', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'empty' }, type: 'kubernetes.io/service-account-token' } as any);
    new ApiObject(f, 'sealed', {
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'sealed' },
      spec: { encryptedData: { password: SEALED_CIPHERTEXT }, template: { metadata: { name: 'sealed' } } },
    } as any);
    new ApiObject(f, 'sops', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sops' },
      stringData: { password: 'ENC[AES256_GCM,data:Tr7o=,iv:1=,tag:2=,type:str]' },
      sops: { age: [{ recipient: 'age1xyz', enc: '-----BEGIN AGE ENCRYPTED FILE-----' }], mac: 'ENC[AES256_GCM,data:x]', version: '3.9.0' },
    } as any);
    expect(() => appOf(f).renderToMemory()).not.toThrow();
  });

  test('a SealedSecret whose values the controller cannot decrypt fails: a placeholder, a value cut short, a value in the clear', () => {
    const f = folder();
    const cut = SEALED_CIPHERTEXT.slice(0, 400);
    new ApiObject(f, 'sealed', {
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'sealed', namespace: 'apps' },
      spec: { encryptedData: { a: 'AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq', b: cut, c: 'hunter2', d: SEALED_CIPHERTEXT }, template: { metadata: { name: 'sealed' } } },
    } as any);
    const tail = '; kubeseal writes base64 of a 2-byte length, the RSA-OAEP session key of that length and the AES-GCM value): the controller cannot decrypt it ("no key could decrypt secret") and never writes the Secret; ' +
      'seal the value with kubeseal or sealSecret, and if it is a value in the clear, rotate it: it is in Git';
    expect(problemsOf(() => appOf(f).renderToMemory())).toEqual([
      `platform/apps/sealed: SealedSecret/apps/sealed: spec.encryptedData.a: not sealed-secrets ciphertext (24 bytes, fewer than the 2 + 512 + 16 its first two announce (cut short?)${tail}`,
      `platform/apps/sealed: SealedSecret/apps/sealed: spec.encryptedData.b: not sealed-secrets ciphertext (300 bytes, fewer than the 2 + 512 + 16 its first two announce (cut short?)${tail}`,
      `platform/apps/sealed: SealedSecret/apps/sealed: spec.encryptedData.c: not sealed-secrets ciphertext (not base64${tail}`,
    ]);
  });
});

describe('credential scan', () => {
  const obj = (value: string, key = 'value') => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' }, data: { [key]: value } });
  test.each([
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----\n', 'a PEM private key'],
    ['-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n', 'a PEM private key'],
    ['Server=db.postgres.database.azure.com;Database=orders;User Id=app;Password=hunter2;', 'a connection string with a password'],
    ['host=db user=app pwd=s3cret', 'a connection string with a password'],
    ['--db-password=hunter2', 'a connection string with a password'],
    ['postgres://app:hunter2@db.example.com:5432/orders', 'a URL with a password'],
    ['DefaultEndpointsProtocol=https;AccountName=logs;AccountKey=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4==;EndpointSuffix=core.windows.net', 'an Azure storage account key (AccountKey=)'],
    ['Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abcdefghijklmnop=', 'an Azure shared access signature or key'],
    ['BlobEndpoint=https://x.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&sig=abc', 'an Azure shared access signature or key'],
    ['abc8Q~aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456_', 'an Azure AD client secret'],
    ['ghp_0123456789abcdefghijklmnopqrstuvwxyzAB', 'a GitHub token'],
    ['AKIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'a JWT'],
    ['Bearer 0123456789abcdefghijABCDEFGHIJ', 'a bearer token'],
  ])('flags %j as %s', (value, what) => {
    expect(scanCredentials(obj(value))).toEqual([{ path: 'data.value', what }]);
  });

  test.each([
    '${DB_PASSWORD}',
    'Server=db;User Id=app;Password=${DB_PASSWORD};',
    'postgres://app:${DB_PASSWORD}@db:5432/orders',
    'https://github.com/contoso/platform',
    'https://user@example.com/repo.git',
    'ssh://git@github.com/contoso/platform',
    'https://example.com:8443/path?q=1',
    'ENC[AES256_GCM,data:abc,type:str]',
    'Bearer ${TOKEN}',
    'the password policy is documented elsewhere',
    'ghp_short',
  ])('does not flag %j', (value) => {
    expect(scanCredentials(obj(value))).toEqual([]);
  });

  test('references and placeholders are fine; literal credential-named env vars and fields are not', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'team-a' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'api',
                env: [
                  { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
                  { name: 'API_TOKEN', value: '${API_TOKEN}' },
                  { name: 'TOKEN_URL', value: 'https://login.example.com/token' },
                  { name: 'GITHUB_TOKEN', value: 'abc123' },
                ],
              },
            ],
          },
        },
        passwordSecretRef: { name: 'db', key: 'password' },
        auth: { clientSecret: 'literal-value', password: '' },
      },
    };
    expect(secretProblems(deployment, 'platform/apps/api')).toEqual([
      `platform/apps/api: Deployment/team-a/api: spec.template.spec.containers[0].env[3].value: looks like a literal value of the credential-named variable GITHUB_TOKEN; ${SCAN_HINT}`,
      `platform/apps/api: Deployment/team-a/api: spec.auth.clientSecret: looks like a literal value of the credential-named field clientSecret; ${SCAN_HINT}`,
    ]);
    expect(secretProblems(deployment, 'platform/apps/api', 'demo')).toEqual([]);
  });

  test('synth fails on a credential in any object, naming construct path, object and field', () => {
    const f = folder();
    new kplus.Deployment(f, 'api', {
      metadata: { name: 'api' },
      containers: [{ image: 'ghcr.io/contoso/api:1.0', envVariables: { CONN: kplus.EnvValue.fromValue('postgres://app:hunter2@db:5432/orders') } }],
    });
    expect(() => appOf(f).synth()).toThrow(
      new SynthError([`platform/apps/api/Resource: Deployment/team-a/api: spec.template.spec.containers[0].env[0].value: looks like a URL with a password; ${SCAN_HINT}`]),
    );
  });
});
