// `cdk8s-platform seal` through bin/cdk8s-platform.js, as a user runs it: stdin or a file, the
// output decrypting with the controller's key, one-line errors without plaintext, exit codes, and
// the refusal of plaintext files inside the app's output directory.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { CliError } from '../../lib/cli/context';
import { registerSeal } from '../../lib/cli/seal';
import { validateObjects } from '../../lib/core/validation';
import { KeyPair, keyPair, tmpDir, unseal, withoutCiphertext } from './fixtures';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'cdk8s-platform.js');

function seal(args: string[], cwd: string, input?: string) {
  const env = { ...process.env };
  delete env.CDK8S_OUTDIR;
  return spawnSync(process.execPath, [BIN, 'seal', ...args], { cwd, input: input ?? '', encoding: 'utf8', env });
}

/** The command in-process: `main` with stdin replaced (positional file / --in parsed like commander). */
async function inProcessAsync(args: string[], input: string | undefined): Promise<{ stderr: string; status: number; stdout: string }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), cwd: dir };
  const program = new Command('cdk8s-platform').exitOverride();
  const ctx = { io, exitCode: 0 };
  registerSeal(program, ctx, async () => input ?? '');
  program.commands.forEach((c) => c.exitOverride());
  try {
    await program.parseAsync(['seal', ...args], { from: 'user' });
  } catch (e) {
    stderr += `cdk8s-platform: ${(e as Error).message}\n`;
    return { stderr, status: e instanceof CliError ? e.exitCode : 2, stdout };
  }
  return { stderr, status: ctx.exitCode, stdout };
}

const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: db-admin
  namespace: files
  creationTimestamp: null
type: Opaque
data:
  username: YWRtaW4=
stringData:
  password: hunter2
`;

let dir: string;
let kp: KeyPair;
beforeAll(() => {
  dir = tmpDir('cli');
  kp = keyPair(dir, 'controller');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('stdin in, SealedSecret YAML out: it decrypts with the controller key and is valid against the pinned CRD schema', () => {
  const r = seal(['--cert', kp.certFile, '-'], dir, SECRET);
  expect(r.stderr).toBe('seal: files/db-admin: password, username sealed (strict scope)\n');
  expect(r.status).toBe(0);
  expect(r.stdout.startsWith('---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n')).toBe(true);
  expect(r.stdout).not.toContain('hunter2');
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
  expect(docs).toHaveLength(1);
  expect(withoutCiphertext(docs[0])).toEqual({
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'db-admin', namespace: 'files' },
    spec: { encryptedData: { password: '<sealed>', username: '<sealed>' }, template: { metadata: { name: 'db-admin', namespace: 'files' }, type: 'Opaque' } },
  });
  const data = unseal(docs[0], kp.privateKey);
  expect([data.password.toString(), data.username.toString()]).toEqual(['hunter2', 'admin']);
  expect(validateObjects([{ obj: docs[0], file: 'out.yaml', docIndex: 0 }])).toEqual([]);
});

test('a file (positional or --in), several documents, JSON, --scope', () => {
  const file = path.join(dir, 'secrets.yaml');
  const json = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'registry', namespace: 'files' }, stringData: { token: 't0k3n' } });
  fs.writeFileSync(file, `${SECRET}---\n${json}\n`);
  for (const args of [[file], ['--in', file]]) {
    const r = seal(['--cert', kp.certFile, '--scope', 'namespace-wide', ...args], dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('seal: files/db-admin: password, username sealed (namespace-wide scope)\nseal: files/registry: token sealed (namespace-wide scope)\n');
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(docs.map((d) => [d.metadata.name, d.metadata.annotations])).toEqual([
      ['db-admin', { 'sealedsecrets.bitnami.com/namespace-wide': 'true' }],
      ['registry', { 'sealedsecrets.bitnami.com/namespace-wide': 'true' }],
    ]);
    expect(unseal(docs[1], kp.privateKey).token.toString()).toBe('t0k3n');
  }
});

test('errors: one line, exact, never a value; exit 1 for bad input or certificate, 2 for usage', async () => {
  const cases: Array<[string[], string | undefined, number, string]> = [
    [[], SECRET, 2, "--cert <file> is required: the sealed-secrets controller's certificate (kubeseal --fetch-cert > cert.pem)"],
    [['--cert', 'missing.pem'], SECRET, 2, '--cert: cannot read missing.pem: ENOENT'],
    [['--cert', kp.keyFile], SECRET, 1, `--cert ${kp.keyFile}: holds a private key, not the controller's certificate: seal with the public certificate only (\`kubeseal --fetch-cert > cert.pem\`)`],
    [['--cert', kp.certFile, '--scope', 'global'], SECRET, 2, '--scope: "global" is not one of strict, namespace-wide, cluster-wide'],
    [['--cert', kp.certFile, 'a.yaml', '--in', 'b.yaml'], SECRET, 2, 'pass the input once: either [file] or --in <file>'],
    [['--cert', kp.certFile, 'missing.yaml'], undefined, 2, 'missing.yaml: cannot read: ENOENT'],
    [['--cert', kp.certFile], '', 1, 'stdin: no Secret found (expected a v1 Secret in YAML or JSON)'],
    [['--cert', kp.certFile], 'stringData: {password: hunter2\n', 1, 'stdin: invalid YAML at line 2, column 1 (BAD_INDENT)'],
    [['--cert', kp.certFile], SECRET.replace('YWRtaW4=', 'hunter2!'), 1, 'stdin: Secret "files/db-admin": data.username: is not valid base64 (put text values under stringData)'],
    [['--cert', kp.certFile], SECRET.replace('  namespace: files\n', ''), 1, 'stdin: Secret "db-admin": metadata.namespace: is required for the strict scope (the namespace is bound into the ciphertext); set it, or seal with the cluster-wide scope'],
    [['--cert', kp.certFile], `${SECRET}---\nkind: ConfigMap\napiVersion: v1\n`, 1, 'stdin#1: Secret: is v1 ConfigMap; only a v1 Secret (apiVersion: v1, kind: Secret) can be sealed'],
  ];
  // In-process (the registered command, stdin replaced; errors printed as main() prints them), then two through the binary.
  for (const [args, input, status, message] of cases) {
    expect(message).not.toContain('hunter2');
    expect({ args, ...(await inProcessAsync(args, input)) }).toEqual({ args, stderr: `cdk8s-platform: ${message}\n`, status, stdout: '' });
  }
  for (const i of [4, 8]) {
    const [args, input, status, message] = cases[i];
    const r = seal(args, dir, input);
    expect({ args, stderr: r.stderr, status: r.status, stdout: r.stdout }).toEqual({ args, stderr: `cdk8s-platform: ${message}\n`, status, stdout: '' });
  }
});

test('a plaintext file inside the output tree is refused (cdk8s.yaml output, else dist; CDK8S_OUTDIR)', () => {
  const app = tmpDir('app');
  fs.writeFileSync(path.join(app, 'cdk8s.yaml'), 'app: npx tsx main.ts\noutput: gitops\n');
  fs.mkdirSync(path.join(app, 'gitops', 'apps'), { recursive: true });
  fs.writeFileSync(path.join(app, 'gitops', 'apps', 'secret.yaml'), SECRET);
  fs.writeFileSync(path.join(app, 'secret.yaml'), SECRET);
  const r = seal(['--cert', kp.certFile, 'gitops/apps/secret.yaml'], app);
  expect(r.status).toBe(2);
  expect(r.stderr).toBe(
    "cdk8s-platform: gitops/apps/secret.yaml: is inside the app's output directory gitops; keep plaintext Secrets out of the GitOps tree (move the file outside it, or pipe it on stdin)\n",
  );
  expect(seal(['--cert', kp.certFile, 'secret.yaml'], app).status).toBe(0);
  // dist when cdk8s.yaml sets no output.
  fs.writeFileSync(path.join(app, 'cdk8s.yaml'), 'app: npx tsx main.ts\n');
  fs.mkdirSync(path.join(app, 'dist'));
  fs.writeFileSync(path.join(app, 'dist', 's.yaml'), SECRET);
  expect(seal(['--cert', kp.certFile, '--in', 'dist/s.yaml'], app).stderr).toMatch(/^cdk8s-platform: dist\/s\.yaml: is inside the app's output directory dist;/);
  // CDK8S_OUTDIR, without a cdk8s.yaml.
  fs.rmSync(path.join(app, 'cdk8s.yaml'));
  const env = { ...process.env, CDK8S_OUTDIR: path.join(app, 'gitops') };
  const viaEnv = spawnSync(process.execPath, [BIN, 'seal', '--cert', kp.certFile, 'gitops/apps/secret.yaml'], { cwd: app, encoding: 'utf8', env });
  expect(viaEnv.stderr).toMatch(/^cdk8s-platform: gitops\/apps\/secret\.yaml: is inside the app's output directory gitops;/);
  fs.rmSync(app, { recursive: true, force: true });
});

test('--help lists seal with examples', () => {
  const top = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
  expect(top.stdout).toMatch(/\n {2}seal /);
  const help = seal(['--help'], dir);
  expect(help.status).toBe(0);
  expect(help.stdout).toContain('Usage: cdk8s-platform seal [options] [file]');
  expect(help.stdout).toContain('cdk8s-platform seal --cert sealed-secrets-cert.pem < ~/secrets/db-admin.yaml > secrets/db-admin.sealed.yaml');
});
