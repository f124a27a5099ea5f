// The SealedSecret construct: sealed files (cdk8s-platform seal / kubeseal output) into the app,
// rendered as validated SealedSecrets that still decrypt, namespaces bound by the scope, references.
import * as fs from 'fs';
import * as path from 'path';
import { PlatformResource, Repo, Testing } from '../../lib';
import { AsoCredential, PostgresFlexibleServer, ResourceGroup } from '../../lib/aso';
import { PlaintextSecret, SealedSecret, SealedSecretDocument, sealSecret, sealedSecretYaml, SealingScope } from '../../lib/sealing';
import { KeyPair, keyPair, tmpDir, unseal, withoutCiphertext } from './fixtures';
import { SEALED_CIPHERTEXT } from '../support/ciphertext';

let dir: string;
let kp: KeyPair;
beforeAll(() => {
  dir = tmpDir('construct');
  kp = keyPair(dir, 'controller');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function setup(namespace?: string) {
  const app = Testing.app();
  const folder = new Repo(app, 'platform').folder('apps', { namespace });
  return { app, folder };
}

function seal(scope: SealingScope = 'strict', namespace: string | null = 'files'): SealedSecretDocument {
  const input: PlaintextSecret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db-admin', namespace: namespace ?? undefined, labels: { team: 'a' } },
    type: 'Opaque',
    stringData: { password: 'hunter2', username: 'admin' },
  };
  return sealSecret(input, { cert: kp.certPem, scope });
}

test('fromFile: the sealed file rendered as is (validated at synth), still decrypting, and usable as a Secret source', () => {
  const sealed = seal();
  const file = path.join(dir, 'db-admin.sealed.yaml');
  fs.writeFileSync(file, sealedSecretYaml(sealed));
  const { app, folder } = setup('files');
  const s = SealedSecret.fromFile(folder, 'db-admin', file);
  expect([s.secretName, s.secretNamespace]).toEqual(['db-admin', 'files']);
  const rg = new ResourceGroup(folder, 'rg', { name: 'rg-files', location: 'westeurope' });
  const server = new PostgresFlexibleServer(folder, 'pg', { name: 'files-pg', resourceGroup: rg, administratorLogin: 'filesadmin', administratorPassword: { secret: s, key: 'password' } });
  server.firewallRule('office', { startIpAddress: '203.0.113.10', endIpAddress: '203.0.113.10' }); // a server needs a network path

  const objects = Testing.objects(app);
  const out = objects.find((o) => o.kind === 'SealedSecret')!;
  expect(withoutCiphertext(out)).toEqual({
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    // the retained server reads its password from this Secret: pruning its SealedSecret would garbage-collect it
    metadata: {
      name: 'db-admin',
      namespace: 'files',
      annotations: { 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
    },
    spec: {
      encryptedData: { password: '<sealed>', username: '<sealed>' },
      template: { metadata: { labels: { team: 'a' }, name: 'db-admin', namespace: 'files' }, type: 'Opaque' },
    },
  });
  expect(out.spec.encryptedData).toEqual(sealed.spec.encryptedData);
  expect(unseal(out, kp.privateKey).password.toString()).toBe('hunter2');
  const pg = objects.find((o) => o.kind === 'FlexibleServer')!;
  expect(pg.spec.administratorLoginPassword).toEqual({ name: 'db-admin', key: 'password' });
});

test('namespace-wide and cluster-wide keep their annotations; a cluster-wide one goes to the folder namespace and still decrypts', () => {
  const { app, folder } = setup('files');
  new SealedSecret(folder, 'nsw', { sealed: seal('namespace-wide') });
  const clusterWide = seal('cluster-wide', 'elsewhere');
  const cw = new SealedSecret(folder, 'cw', { sealed: { ...clusterWide, metadata: { ...clusterWide.metadata, name: 'shared' } } });
  expect(cw.secretNamespace).toBe('files');
  const objects = Testing.objects(app).filter((o) => o.kind === 'SealedSecret');
  const byName = Object.fromEntries(objects.map((o) => [o.metadata.name, o]));
  expect(byName['db-admin'].metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
  expect(byName.shared.metadata).toEqual({ annotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'true' }, name: 'shared', namespace: 'files' });
  expect(byName.shared.spec.template.metadata).toEqual({
    annotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'true' },
    labels: { team: 'a' },
    name: 'shared',
    namespace: 'files',
  });
  expect(unseal(byName.shared, kp.privateKey).username.toString()).toBe('admin');
  expect(unseal(byName['db-admin'], kp.privateKey).username.toString()).toBe('admin');
});

test('a strict or namespace-wide object cannot move to another namespace', () => {
  const { folder } = setup('apps');
  expect(() => new SealedSecret(folder, 'a', { sealed: seal() })).toThrow(
    'platform/apps/a: prop "sealed": is sealed for namespace "files" (strict scope), so the controller cannot unseal it in namespace "apps"; re-seal the Secret with metadata.namespace "apps", or seal it with the cluster-wide scope',
  );
  expect(() => new SealedSecret(folder, 'b', { sealed: seal('namespace-wide'), namespace: 'other' })).toThrow(
    'platform/apps/b: prop "namespace": is sealed for namespace "files" (namespace-wide scope), so the controller cannot unseal it in namespace "other"; re-seal the Secret with metadata.namespace "other", or seal it with the cluster-wide scope',
  );
  // Without a folder namespace, the sealed namespace is used.
  const { folder: plain } = setup();
  expect(new SealedSecret(plain, 'c', { sealed: seal() }).secretNamespace).toBe('files');
  expect(() => new SealedSecret(plain, 'd', { sealed: seal('cluster-wide', null) })).toThrow(
    'platform/apps/d: prop "namespace": is required: set it, or create the construct in a Folder with a namespace',
  );
});

test('only ciphertext is accepted', () => {
  const { folder } = setup('files');
  const plain = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'files' }, stringData: { password: 'hunter2' } };
  expect(() => new SealedSecret(folder, 'a', { sealed: plain as any })).toThrow(
    'platform/apps/a: prop "sealed": must be a bitnami.com/v1alpha1 SealedSecret (cdk8s-platform seal or kubeseal output); a plaintext Secret is never accepted',
  );
  const tampered = seal();
  const bad = { ...tampered, spec: { ...tampered.spec, encryptedData: { ...tampered.spec.encryptedData, password: 'aHVudGVyMg==' } } };
  expect(() => new SealedSecret(folder, 'b', { sealed: bad })).toThrow(
    'platform/apps/b: prop "sealed.spec.encryptedData.password": is not sealed-secrets ciphertext (base64 of: 2-byte length, RSA-OAEP session key, AES-GCM value); never put a plaintext value here',
  );
  const v1 = { ...tampered, spec: { ...tampered.spec, data: 'AAAA' } };
  expect(() => new SealedSecret(folder, 'c', { sealed: v1 as any })).toThrow(
    'platform/apps/c: prop "sealed.spec.data": uses the deprecated single-blob format, which the controller no longer unseals by default; re-seal the Secret',
  );
  expect(() => new SealedSecret(folder, 'd', { sealed: { ...tampered, spec: { ...tampered.spec, encryptedData: {} } } })).toThrow(
    'platform/apps/d: prop "sealed.spec.encryptedData": must hold at least one sealed value',
  );
});

test('fromFile errors name the file', () => {
  const { folder } = setup('files');
  expect(() => SealedSecret.fromFile(folder, 'a', path.join(dir, 'missing.yaml'))).toThrow(`platform/apps/a: prop "file": cannot read ${path.join(dir, 'missing.yaml')}: ENOENT`);
  const two = path.join(dir, 'two.yaml');
  fs.writeFileSync(two, sealedSecretYaml(seal(), seal()));
  expect(() => SealedSecret.fromFile(folder, 'b', two)).toThrow(`platform/apps/b: prop "file": ${two} holds 2 documents; it must hold exactly one SealedSecret`);
  const broken = path.join(dir, 'broken.yaml');
  fs.writeFileSync(broken, 'a: [\n');
  expect(() => SealedSecret.fromFile(folder, 'c', broken)).toThrow(new RegExp(`^platform/apps/c: prop "file": ${broken.replace(/[.]/g, '\\.')}: invalid YAML at line \\d+, column \\d+ \\(\\w+\\)$`));
});

describe('fromEncryptedData: a SealedSecret given by its ciphertext (kubeseal --raw output per key)', () => {
  const CIPHER = SEALED_CIPHERTEXT;

  test('renders the strict-scope object, keys sorted; a PlatformResource and an ISecretSource (AsoCredential is one)', () => {
    const { app, folder } = setup('files');
    const s = SealedSecret.fromEncryptedData(folder, 'pw', { name: 'files-db-admin', encryptedData: { username: CIPHER, password: CIPHER }, secretLabels: { team: 'a' } });
    expect(s).toBeInstanceOf(PlatformResource);
    expect([s.secretName, s.secretNamespace, s.name, s.namespace, s.kind, s.apiGroup]).toEqual(['files-db-admin', 'files', 'files-db-admin', 'files', 'SealedSecret', 'bitnami.com']);
    const cred = new AsoCredential(folder, 'cred', { encryptedData: { AZURE_SUBSCRIPTION_ID: CIPHER, AZURE_TENANT_ID: CIPHER, AZURE_CLIENT_ID: CIPHER, USE_WORKLOAD_IDENTITY_AUTH: CIPHER } });
    expect(cred).toBeInstanceOf(SealedSecret);
    const out = Testing.find(Testing.objects(app), 'SealedSecret', 'files-db-admin');
    expect(out).toEqual({
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'files-db-admin', namespace: 'files' },
      spec: {
        encryptedData: { password: CIPHER, username: CIPHER },
        template: { metadata: { labels: { team: 'a' }, name: 'files-db-admin', namespace: 'files' }, type: 'Opaque' },
      },
    });
    expect(Object.keys(out.spec.encryptedData)).toEqual(['password', 'username']);
  });

  test('only ciphertext, at least one key, a namespace', () => {
    const { folder } = setup('files');
    expect(Testing.errorOf(() => SealedSecret.fromEncryptedData(folder, 'a', { name: 'x', encryptedData: { password: 'hunter2' } }))).toBe(
      'platform/apps/a: prop "encryptedData.password": is not SealedSecret ciphertext (not base64; kubeseal writes base64 of a 2-byte length, the RSA-OAEP session key and the AES-GCM value): the controller could not decrypt it; never put a plaintext value here',
    );
    expect(Testing.errorOf(() => SealedSecret.fromEncryptedData(folder, 'b', { name: 'x', encryptedData: {} }))).toBe(
      'platform/apps/b: prop "encryptedData": must hold at least one key (kubeseal output)',
    );
    const { folder: plain } = setup();
    expect(Testing.errorOf(() => SealedSecret.fromEncryptedData(plain, 'c', { name: 'x', encryptedData: { password: CIPHER } }))).toBe(
      'platform/apps/c: prop "namespace": is required: set it, or create the construct in a Folder with a namespace',
    );
  });
});

describe('a SealedSecret applied under another namespace or name', () => {
  const { GitRepository, Kustomization } = require('../../lib/flux') as typeof import('../../lib/flux');
  const { declarePreinstalled, Preinstalled } = require('../../lib') as typeof import('../../lib');
  const build = (sealed: Record<string, unknown>, ks: { targetNamespace?: string }) => {
    const app = Testing.app();
    const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
    const entry = repo.folder('clusters/mgmt');
    declarePreinstalled(app, Preinstalled.SEALED_SECRETS, Preinstalled.of('ns', [], ['apps', 'team-a']));
    const source = new GitRepository(entry, 'source', { name: 'platform', repo });
    const apps = repo.folder('apps');
    new (require('cdk8s').ApiObject)(apps, 'ss', { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', ...sealed });
    Kustomization.forFolder(entry, 'apps', apps, { name: 'apps', source, prune: true, ...ks });
    return Testing.synthProblems(app).filter((p) => p.includes('is sealed'));
  };
  const meta = (annotations?: Record<string, string>) => ({ metadata: { name: 'db', namespace: 'apps', ...(annotations ? { annotations } : {}) }, spec: { encryptedData: { password: SEALED_CIPHERTEXT }, template: { metadata: { name: 'db', namespace: 'apps' } } } });

  test('strict and namespace-wide ciphertexts bound to another namespace fail synth; cluster-wide or the same namespace pass', () => {
    expect(build(meta(), { targetNamespace: 'team-a' })).toEqual([
      'platform/apps/ss: SealedSecret apps/db is sealed strict (for apps/db), but Kustomization flux-system/apps applies it as team-a/db (a targetNamespace, namespace, namePrefix or nameSuffix of its build): ' +
        "the sealed-secrets controller decrypts with the applied object's namespace and name, so it never writes the Secret; seal it for the name and namespace it is applied as, or seal it cluster-wide",
    ]);
    expect(build(meta({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' }), { targetNamespace: 'team-a' })).toHaveLength(1);
    expect(build(meta({ 'sealedsecrets.bitnami.com/cluster-wide': 'true' }), { targetNamespace: 'team-a' })).toEqual([]);
    expect(build(meta(), { targetNamespace: 'apps' })).toEqual([]);
    expect(build(meta(), {})).toEqual([]);
  });
});
