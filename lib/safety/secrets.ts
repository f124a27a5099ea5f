import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PlainObject, objectId } from './protection';
import { recordOptOut } from '../core/baseline';
import { groupOf } from '../core/validation/metadata';

const ALLOW = Symbol.for('cdk8s-platform.PlaintextSecretAllowed');

/** The baseline setting {@link allowPlaintextSecret} records. */
export const PLAINTEXT_SECRET_SETTING = 'secrets.plaintextInGit';

/**
 * Lets one object carry plaintext secret material into Git: a core `v1` Secret with `data` or
 * `stringData`, or any object whose string fields look like credentials. Synth otherwise fails on
 * both (see {@link secretProblems}). The marker stays on the construct (nothing is added to the
 * object written to Git) and the exception is listed in the secure-baseline report with `reason`.
 * Prefer a SealedSecret, a SOPS-encrypted file or a reference to a Secret managed elsewhere.
 *
 * @param apiObject the object allowed to carry plaintext secrets
 * @param reason why (shown in the secure-baseline report); required
 *
 * @example
 * const demo = new ApiObject(folder, 'demo-secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'demo' }, stringData: { token: 'not-a-secret' } });
 * allowPlaintextSecret(demo, 'throw-away value for the kind-based demo environment');
 */
export function allowPlaintextSecret(apiObject: ApiObject, reason: string): void {
  if (!ApiObject.isApiObject(apiObject)) throw new Error('allowPlaintextSecret: the first argument must be an ApiObject');
  if (typeof reason !== 'string' || reason.trim().length === 0) {
    throw new Error(`${apiObject.node.path}: allowPlaintextSecret: give a reason (it is shown in the secure-baseline report)`);
  }
  Object.defineProperty(apiObject, ALLOW, { value: reason, configurable: true });
  recordOptOut(apiObject, PLAINTEXT_SECRET_SETTING, 'allowed', reason);
}

/** The reason given to {@link allowPlaintextSecret} for a construct, if it was called. */
export function plaintextSecretAllowance(c: IConstruct): string | undefined {
  return (c as unknown as Record<symbol, string | undefined>)[ALLOW];
}

/** A credential pattern of the scan. */
interface Detector {
  readonly what: string;
  readonly test: (value: string) => boolean;
}

/** A placeholder a tool fills in later: `${VAR}`, `$(VAR)`, `{{ ... }}`, `<...>`, SOPS `ENC[...]`. */
const PLACEHOLDER = /^(\$\{|\$\(|\{\{|<|ENC\[)/;

function urlWithPassword(v: string): boolean {
  const re = /[a-z][a-z0-9+.-]*:\/\/([^\s/:@]*):([^\s/@]+)@[^\s/]/gi;
  for (let m = re.exec(v); m; m = re.exec(v)) if (!PLACEHOLDER.test(m[2]) && m[2] !== '') return true;
  return false;
}

function connectionStringPassword(v: string): boolean {
  const re = /(?:^|[;\s-])(?:password|pwd)\s*=\s*([^;\s]*)/gi;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    const value = m[1].trim().replace(/^["']/, '');
    if (value.length > 0 && !PLACEHOLDER.test(value)) return true;
  }
  return false;
}

const DETECTORS: readonly Detector[] = [
  { what: 'a PEM private key', test: (v) => /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/.test(v) },
  { what: 'a connection string with a password', test: connectionStringPassword },
  { what: 'a URL with a password', test: urlWithPassword },
  { what: 'an Azure storage account key (AccountKey=)', test: (v) => /AccountKey=[A-Za-z0-9+/]{20,}/.test(v) },
  { what: 'an Azure shared access signature or key', test: (v) => /SharedAccess(Signature|Key)=[^;\s]{8,}/.test(v) },
  { what: 'an Azure AD client secret', test: (v) => /(^|[^A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}($|[^A-Za-z0-9_~.-])/.test(v) },
  { what: 'a GitHub token', test: (v) => /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/.test(v) },
  { what: 'an AWS access key id', test: (v) => /\b(AKIA|ASIA)[0-9A-Z]{16}\b/.test(v) },
  { what: 'a JWT', test: (v) => /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/.test(v) },
  { what: 'a bearer token', test: (v) => /\bBearer\s+(?!\$\{|\$\(|\{\{)[A-Za-z0-9\-._~+/]{20,}=*/.test(v) },
];

/** Cheap pre-filter: only strings containing one of these go through the detectors. */
const TRIGGER = /PRIVATE KEY|password|pwd|:\/\/|AccountKey|SharedAccess|Q~|gh[pousr]_|github_pat_|AKIA|ASIA|eyJ|Bearer/i;

/** Names of env vars and fields that hold a credential when given a literal value. */
const SECRET_NAME = /^(.*[_-])?(password|passwd|client[_-]?secret|api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key|token|secret)$/i;
const SECRET_FIELD = /^(password|passwd|clientSecret|client_secret|apiKey|api_key|secretKey|secret_key|privateKey|private_key)$/;

function fieldPath(base: string, key: string): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

/** One credential-looking value: where and what. */
export interface CredentialFinding {
  /** Field path, e.g. `spec.template.spec.containers[0].env[1].value`. */
  readonly path: string;
  /** What it looks like, e.g. `a GitHub token`. */
  readonly what: string;
}

/**
 * Every string field of `obj` that looks like a credential: PEM private keys, connection strings
 * with `Password=`/`pwd=` (also `--password=` flags), URLs with `user:password@`, `AccountKey=`, `SharedAccessSignature=`,
 * Azure AD client secrets (`xxx8Q~...`), GitHub tokens, AWS access key ids, JWTs and bearer
 * tokens, and literal values of env vars or fields named like a password, token or key
 * (`DB_PASSWORD`, `clientSecret`). Placeholders (`${VAR}`, `$(VAR)`, `{{ .x }}`, `ENC[...]`) and
 * references (`secretKeyRef`, `passwordSecretRef`: objects, not strings) do not count. The
 * `sops` metadata of a SOPS-encrypted object and a SealedSecret's `spec.encryptedData` are skipped.
 */
export function scanCredentials(obj: PlainObject): CredentialFinding[] {
  const out: CredentialFinding[] = [];
  const sealed = obj.kind === 'SealedSecret' && groupOf(obj.apiVersion) === 'bitnami.com';
  const walk = (v: unknown, p: string, key: string, parent: unknown) => {
    if (typeof v === 'string') {
      if (v.length === 0 || PLACEHOLDER.test(v)) return;
      if (TRIGGER.test(v)) {
        const d = DETECTORS.find((x) => x.test(v));
        if (d) return void out.push({ path: p, what: d.what });
      }
      const envName = key === 'value' && parent && typeof (parent as { name?: unknown }).name === 'string' ? (parent as { name: string }).name : undefined;
      if (envName !== undefined && SECRET_NAME.test(envName)) out.push({ path: p, what: `a literal value of the credential-named variable ${envName}` });
      else if (SECRET_FIELD.test(key)) out.push({ path: p, what: `a literal value of the credential-named field ${key}` });
      return;
    }
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${p}[${i}]`, key, v));
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const next = fieldPath(p, k);
        if (p === '' && k === 'sops') continue;
        if (sealed && next === 'spec.encryptedData') continue;
        walk(x, next, k, v);
      }
    }
  };
  walk(obj, '', '', undefined);
  return out;
}

/**
 * The secret-hygiene problems of one rendered object, each naming `constructPath`, the object and
 * the field: a core `v1` Secret with `data` or `stringData` (unless SOPS-encrypted: a top-level
 * `sops` key), and credential-looking values anywhere ({@link scanCredentials}). Objects marked
 * with {@link allowPlaintextSecret} (pass `allowedReason`) have none.
 */
export function secretProblems(obj: PlainObject, constructPath: string, allowedReason?: string): string[] {
  if (allowedReason !== undefined) return [];
  const id = objectId(obj);
  const problems: string[] = [];
  const sops = 'sops' in obj && obj.sops !== null && typeof obj.sops === 'object';
  const plaintext = obj.kind === 'Secret' && obj.apiVersion === 'v1' && !sops;
  const fields = plaintext
    ? (['data', 'stringData'] as const).flatMap((f) => {
        const v = obj[f];
        return v && typeof v === 'object' ? Object.keys(v).sort().map((k) => fieldPath(f, k)) : [];
      })
    : [];
  if (fields.length > 0) {
    problems.push(
      `${constructPath}: ${id}: plaintext Secret in Git (${fields.join(', ')}): anyone who can read the repo can read it; ` +
        'use a SealedSecret or a SOPS-encrypted Secret, or reference a Secret created outside Git; ' +
        'if this is deliberate, call allowPlaintextSecret(secret, reason)',
    );
  }
  const skip = new Set(plaintext ? fields : []);
  for (const f of scanCredentials(obj)) {
    if (skip.has(f.path) || [...skip].some((s) => f.path.startsWith(`${s}.`) || f.path.startsWith(`${s}[`))) continue;
    problems.push(
      `${constructPath}: ${id}: ${f.path}: looks like ${f.what}; keep credentials out of Git: reference a Secret (SealedSecret, SOPS) instead, ` +
        'or call allowPlaintextSecret(obj, reason) if it is not a real credential',
    );
  }
  return problems;
}
