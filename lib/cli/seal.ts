/**
 * `cdk8s-platform seal --cert <cert.pem> [--scope strict|namespace-wide|cluster-wide] [file]`: seals
 * plaintext v1 Secrets (YAML or JSON, one or more documents, from `file` / `--in <file>` or stdin)
 * offline with the sealed-secrets controller's certificate, like `kubeseal --cert <cert.pem> --format yaml`,
 * and prints the SealedSecrets as YAML on stdout (lib/sealing).
 *
 * Plaintext stays out of the output tree: an input file inside the app's output directory
 * (CDK8S_OUTDIR, else the cdk8s.yaml `output`, else `dist` when there is a cdk8s.yaml) is refused,
 * nothing is written but stdout, and errors name fields, never values.
 *
 * Exit 0 on success, 1 when a Secret or the certificate is invalid, 2 on usage / I/O errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { parseDocuments, parseSealingCert, PlaintextSecret, SealedSecretDocument, SEALING_SCOPES, SealingScope, sealSecret, sealedSecretYaml, SealError } from '../sealing';
import { CliError, type CliContext, type CliIO } from './context';
import { readConfig } from './synth';

export interface SealCommandOptions {
  /** The controller's certificate (PEM file). */
  readonly cert?: string;
  /** Scope; default from the input's annotations, else strict. */
  readonly scope?: string;
  /** Input file; default stdin. */
  readonly in?: string;
  /** Seal Secrets without data. */
  readonly allowEmptyData?: boolean;
}

const EXAMPLES = `
Examples:
  # the controller's certificate, once (public: it can be committed)
  kubeseal --fetch-cert > sealed-secrets-cert.pem

  # seal a Secret kept outside the repo, commit only the sealed file
  cdk8s-platform seal --cert sealed-secrets-cert.pem < ~/secrets/db-admin.yaml > secrets/db-admin.sealed.yaml

  # a Secret any name in its namespace can use
  cdk8s-platform seal --cert sealed-secrets-cert.pem --scope namespace-wide --in ~/secrets/registry.yaml

  # straight from kubectl, never touching the disk
  kubectl create secret generic db-admin -n files --from-literal=password="$PW" --dry-run=client -o yaml \\
    | cdk8s-platform seal --cert sealed-secrets-cert.pem > secrets/db-admin.sealed.yaml
`;

export function registerSeal(program: Command, ctx: CliContext, stdin: () => Promise<string> = readStdin): void {
  program
    .command('seal')
    .description('seal plaintext Secrets offline with the sealed-secrets controller certificate (like kubeseal --cert), printing SealedSecret YAML')
    .argument('[file]', 'YAML/JSON file with the Secret(s) (default, or "-": stdin); must be outside the output tree')
    .option('--in <file>', 'same as [file]')
    .option('--cert <file>', "the controller's certificate (kubeseal --fetch-cert > cert.pem)")
    .option('--scope <scope>', `${SEALING_SCOPES.join(', ')} (default: the input's sealedsecrets.bitnami.com/* annotations, else strict)`)
    .option('--allow-empty-data', 'seal Secrets without data or stringData')
    .addHelpText('after', EXAMPLES)
    .action(async (file: string | undefined, opts: SealCommandOptions) => {
      if (file !== undefined && opts.in !== undefined) throw new CliError('pass the input once: either [file] or --in <file>');
      ctx.exitCode = await runSeal({ ...opts, in: opts.in ?? file }, ctx.io, stdin);
    });
}

/** Reads all of stdin; refuses an interactive terminal. */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliError('no input: pipe a Secret on stdin, or pass a file (--in <file>)');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
}

/** The app's output directories, if known: CDK8S_OUTDIR, and the cdk8s.yaml `output` (else `dist`) when there is a cdk8s.yaml. */
function outputDirs(cwd: string): string[] {
  const dirs: string[] = [];
  if (process.env.CDK8S_OUTDIR) dirs.push(path.resolve(cwd, process.env.CDK8S_OUTDIR));
  if (fs.existsSync(path.join(cwd, 'cdk8s.yaml'))) dirs.push(path.resolve(cwd, readConfig(cwd).output ?? 'dist'));
  return dirs;
}

function real(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

function inside(file: string, dir: string): boolean {
  const rel = path.relative(real(dir), real(file));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The command itself, without commander. */
export async function runSeal(opts: SealCommandOptions, io: CliIO, stdin: () => Promise<string> = readStdin): Promise<number> {
  if (!opts.cert) throw new CliError('--cert <file> is required: the sealed-secrets controller\'s certificate (kubeseal --fetch-cert > cert.pem)');
  if (opts.scope !== undefined && !(SEALING_SCOPES as readonly string[]).includes(opts.scope)) {
    throw new CliError(`--scope: "${opts.scope}" is not one of ${SEALING_SCOPES.join(', ')}`);
  }
  let certPem: string;
  try {
    certPem = fs.readFileSync(path.resolve(io.cwd, opts.cert), 'utf8');
  } catch (e) {
    throw new CliError(`--cert: cannot read ${opts.cert}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let cert;
  try {
    cert = parseSealingCert(certPem);
  } catch (e) {
    throw new CliError(`--cert ${opts.cert}: ${(e as Error).message}`, 1);
  }

  let text: string;
  let source: string;
  if (opts.in !== undefined && opts.in !== '-') {
    source = opts.in;
    const abs = path.resolve(io.cwd, opts.in);
    for (const dir of outputDirs(io.cwd)) {
      if (inside(abs, dir)) {
        throw new CliError(
          `${opts.in}: is inside the app's output directory ${path.relative(io.cwd, dir) || dir}; keep plaintext Secrets out of the GitOps tree (move the file outside it, or pipe it on stdin)`,
        );
      }
    }
    try {
      text = fs.readFileSync(abs, 'utf8');
    } catch (e) {
      throw new CliError(`${opts.in}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  } else {
    source = 'stdin';
    text = await stdin();
  }

  const sealed: SealedSecretDocument[] = [];
  try {
    const docs = parseDocuments(text, source);
    if (docs.length === 0) throw new SealError(`${source}: no Secret found (expected a v1 Secret in YAML or JSON)`);
    for (const d of docs) {
      const where = docs.length > 1 ? `${source}#${d.index}` : source;
      try {
        sealed.push(sealSecret(d.value as PlaintextSecret, { cert, scope: opts.scope as SealingScope | undefined, allowEmptyData: opts.allowEmptyData }));
      } catch (e) {
        if (e instanceof SealError) throw new SealError(`${where}: ${e.message}`);
        throw e;
      }
    }
  } catch (e) {
    if (e instanceof SealError) throw new CliError(e.message, 1);
    throw e;
  }

  io.stdout(sealedSecretYaml(...sealed));
  for (const s of sealed) {
    const scope = s.metadata.annotations ? Object.keys(s.metadata.annotations)[0].replace('sealedsecrets.bitnami.com/', '') : 'strict';
    const id = s.metadata.namespace ? `${s.metadata.namespace}/${s.metadata.name}` : s.metadata.name;
    io.stderr(`seal: ${id}: ${Object.keys(s.spec.encryptedData).join(', ') || 'no keys'} sealed (${scope} scope)\n`);
  }
  return 0;
}
