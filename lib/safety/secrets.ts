import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PlainObject, objectId } from './protection';
import { recordOptOut } from '../core/baseline';
import { ciphertextFlaw } from '../core/sealed-ciphertext';
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

/** A placeholder a tool fills in later: `${VAR}`, `$(VAR)`, `$VAR`, `{{ ... }}`, `<...>`, SOPS `ENC[...]`. */
const PLACEHOLDER = /^(\$\{|\$\(|\$[A-Za-z_]|\{\{|<|ENC\[)/;

function urlWithPassword(v: string): boolean {
  const re = /[a-z][a-z0-9+.-]*:\/\/([^\s/:@]*):([^\s/@]+)@[^\s/]/gi;
  for (let m = re.exec(v); m; m = re.exec(v)) if (!PLACEHOLDER.test(m[2]) && m[2] !== '') return true;
  return false;
}

function connectionStringPassword(v: string): boolean {
  const re = /(?:^|[;\s-])(?:password|pwd)\s*=\s*([^;\s]*)/gi;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    const value = m[1].trim().replace(/^["']/, '');
    if (value.length > 0 && !harmless(value)) return true;
  }
  return false;
}

/** A `.dockerconfigjson` / `.dockercfg` document with inline credentials. */
function dockerConfig(v: string): boolean {
  if (!/"auths?"\s*:/.test(v) && !/"(auth|password|identitytoken)"\s*:/.test(v)) return false;
  return /"(auth|password|identitytoken)"\s*:\s*"(?!\$\{|\$\(|\{\{)[^"]+"/.test(v);
}

const DETECTORS: readonly Detector[] = [
  { what: 'a PEM private key', test: (v) => /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/.test(v) },
  { what: 'a connection string with a password', test: connectionStringPassword },
  { what: 'a URL with a password', test: urlWithPassword },
  { what: 'an Azure storage account key (AccountKey=)', test: (v) => /AccountKey=[A-Za-z0-9+/]{20,}/.test(v) },
  { what: 'an Azure shared access signature or key', test: (v) => /SharedAccess(Signature|Key)=[^;\s]{8,}/.test(v) },
  { what: 'an Azure shared access signature (sig=)', test: (v) => /[?&]sig=[A-Za-z0-9%+/=_-]{16,}/.test(v) },
  { what: 'an Azure storage account key', test: (v) => /(^|[^A-Za-z0-9+/])[A-Za-z0-9+/]{86}==($|[^A-Za-z0-9+/=])/.test(v) },
  { what: 'an Azure AD client secret', test: (v) => /(^|[^A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}($|[^A-Za-z0-9_~.-])/.test(v) },
  { what: 'a GitHub token', test: (v) => /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/.test(v) },
  { what: 'an AWS access key id', test: (v) => /\b(AKIA|ASIA)[0-9A-Z]{16}\b/.test(v) },
  { what: 'a JWT', test: (v) => /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/.test(v) },
  { what: 'a bearer token', test: (v) => /\bBearer\s+(?!\$\{|\$\(|\{\{)[A-Za-z0-9\-._~+/]{20,}=*/.test(v) },
  { what: 'a Docker registry credential (.dockerconfigjson)', test: dockerConfig },
];

/** Cheap pre-filter: only strings containing one of these go through the detectors. */
const TRIGGER = /PRIVATE KEY|password|pwd|:\/\/|AccountKey|SharedAccess|sig=|==|Q~|gh[pousr]_|github_pat_|AKIA|ASIA|eyJ|Bearer|"auths?"|"auth"/i;

/**
 * The words of a key or variable name, lowercase: camelCase, `_`, `-` and `.` separate words
 * (`dbPassword`, `DB_PASSWORD`, `db-password` → `db password`).
 */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Last words that make a name a credential's. */
const SECRET_LAST = new Set(['password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'apikey', 'credential', 'credentials', 'dockerconfigjson', 'dockercfg', 'connectionstring']);
/** Last two words that do. */
const SECRET_PAIRS = new Set(['api key', 'access key', 'secret key', 'private key', 'account key', 'client secret', 'shared key', 'master key', 'auth key', 'signing key', 'encryption key', 'connection string', 'sas token']);
/** Words that make the value a name of, or setting about, a credential rather than the credential. */
const NOT_SECRET = new Set(['existing', 'ref', 'name', 'file', 'path', 'enabled', 'required', 'require', 'policy', 'length', 'type', 'id', 'url', 'endpoint', 'key', 'from']);
/** Words before a final `secret` that make it a Secret's name (`adminPasswordSecret`), not a credential. */
const SECRET_HOLDER = new Set(['password', 'passwd', 'pwd', 'credential', 'credentials', 'token', 'key', 'keys', 'tls', 'cert', 'certificate', 'kubeconfig', 'connection', 'auth', 'basic', 'ssh', 'git', 'registry', 'pull', 'image', 'env', 'config']);

/**
 * Whether a key or variable name holds a credential when given a literal value, matched on its
 * words (see {@link nameWords}): `password`, `dbPassword`, `DB_PASSWORD`, `client-secret`,
 * `apiKey`, `.dockerconfigjson`, not `secretName`, `existingSecret`, `passwordFile`, `tokenUrl`.
 * `standalone` says whether a bare `secret` counts (env vars: yes; object keys often name a Secret).
 */
export function isCredentialName(name: string, standalone = true): boolean {
  // Memoized: the same few hundred keys (name, namespace, image...) come back in every object.
  const memo = standalone ? MEMO_STANDALONE : MEMO_KEY;
  let r = memo.get(name);
  if (r === undefined) {
    r = credentialName(name, standalone);
    if (memo.size > 50_000) memo.clear();
    memo.set(name, r);
  }
  return r;
}

const MEMO_STANDALONE = new Map<string, boolean>();
const MEMO_KEY = new Map<string, boolean>();

function credentialName(name: string, standalone: boolean): boolean {
  const words = nameWords(name);
  if (words.length === 0) return false;
  const last = words[words.length - 1];
  const pair = words.slice(-2).join(' ');
  if (!SECRET_LAST.has(last) && !SECRET_PAIRS.has(pair)) return false;
  if (!standalone && words.length === 1 && last === 'secret') return false;
  const before = words.slice(0, SECRET_PAIRS.has(pair) ? -2 : -1);
  // `adminPasswordSecret`, `credentialSecret`, `tlsSecret`: the name of a Secret holding one.
  if (last === 'secret' && !SECRET_PAIRS.has(pair) && before.some((w) => SECRET_HOLDER.has(w))) return false;
  return !before.some((w) => NOT_SECRET.has(w));
}

/** Values that cannot be a credential: placeholders, booleans, numbers, paths, `$VAR` references. */
function harmless(v: string): boolean {
  const t = v.trim();
  return (
    t.length === 0 ||
    PLACEHOLDER.test(t) ||
    /^(true|false|yes|no|on|off|null|none|~|\*+|-)$/i.test(t) ||
    /^[0-9.]+$/.test(t) ||
    /^(\/|\.\.?\/|~\/|file:)/.test(t)
  );
}

/** An argument that is a flag: `--password`, `-token` (its name is matched with {@link isCredentialName}). */
const FLAG = /^--?([A-Za-z][A-Za-z0-9_.-]*)$/;

/** `base.key`, or `base["key"]` when the key is not an identifier. */
export function fieldPath(base: string, key: string): string {
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

/** The base64 text of `v` decoded, when it is base64 of printable text; otherwise undefined. */
function decodeBase64(v: string): string | undefined {
  const t = v.trim();
  if (t.length < 16 || t.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(t)) return undefined;
  const text = Buffer.from(t, 'base64').toString('utf8');
  return /^[\x09\x0a\x0d\x20-\x7e]+$/.test(text) ? text : undefined;
}

/** The detector a string matches (also after base64-decoding it once). */
function detect(v: string): string | undefined {
  if (TRIGGER.test(v)) {
    const d = DETECTORS.find((x) => x.test(v));
    if (d) return d.what;
  }
  const decoded = decodeBase64(v);
  if (decoded !== undefined && TRIGGER.test(decoded)) {
    const d = DETECTORS.find((x) => x.test(decoded));
    if (d) return `${d.what}, base64-encoded`;
  }
  return undefined;
}

/**
 * Every string field of `obj`, at any depth (Helm values, Flux `postBuild.substitute`,
 * composition bases...), that looks like a credential: PEM private keys, connection strings with
 * `Password=`/`pwd=` (also `--password=` flags), URLs with `user:password@`, `AccountKey=`,
 * `SharedAccessSignature=`, SAS `sig=` parameters, bare storage account keys, Azure AD client
 * secrets (`xxx8Q~...`), GitHub tokens, AWS access key ids, JWTs, bearer tokens and
 * `.dockerconfigjson` credentials, also base64-encoded; literal values of keys or env vars named
 * like a credential, matched on their words (`dbPassword`, `DB_PASSWORD`, `db-password`, see
 * {@link isCredentialName}); and the value after a credential flag in an argument list
 * (`["--password", "x"]`). Placeholders (`${VAR}`, `$(VAR)`, `$VAR`, `{{ .x }}`, `ENC[...]`),
 * booleans, numbers and paths do not count, nor references (`secretKeyRef`, `passwordSecretRef`:
 * objects, not strings). The `sops` metadata of a SOPS-encrypted object and a SealedSecret's
 * `spec.encryptedData` are skipped.
 */
export function scanCredentials(obj: PlainObject): CredentialFinding[] {
  return scan(obj);
}

/**
 * {@link scanCredentials}' walk. With `plaintext`, it also collects there the `data` /
 * `stringData` keys of every plaintext core Secret in `obj` (the object itself, or one embedded
 * at any depth: a composition base, a provider-kubernetes manifest, a Helm value) as field paths,
 * SOPS-encrypted Secrets (a `sops` key) skipped: one walk for both checks, as the secret scan
 * visits every value of every object a synth writes.
 */
function scan(obj: PlainObject, plaintext?: string[]): CredentialFinding[] {
  const out: CredentialFinding[] = [];
  const sealed = isKind(obj, 'SealedSecret') && groupOf(String(obj.apiVersion)) === 'bitnami.com';
  // The walk visits every value of every object: field paths are built only for findings.
  const segs: Array<string | number> = [];
  const pathOf = (index?: number) => {
    let acc = '';
    for (const s of segs) acc = typeof s === 'number' ? `${acc}[${s}]` : fieldPath(acc, s);
    return index === undefined ? acc : `${acc}[${index}]`;
  };
  // `values` false: a subtree searched for plaintext Secrets only (a SealedSecret's encryptedData).
  const walk = (v: unknown, key: string, parent: unknown, values = true) => {
    if (typeof v === 'string') {
      if (!values) return;
      if (v.length === 0 || PLACEHOLDER.test(v)) return;
      const what = detect(v);
      if (what) return void out.push({ path: pathOf(), what });
      const envName = key === 'value' && parent && typeof (parent as { name?: unknown }).name === 'string' ? (parent as { name: string }).name : undefined;
      if (envName !== undefined) {
        if (isCredentialName(envName) && !harmless(v)) out.push({ path: pathOf(), what: `a literal value of the credential-named variable ${envName}` });
      } else if (key !== '' && isCredentialName(key, false) && !harmless(v)) out.push({ path: pathOf(), what: `a literal value of the credential-named field ${key}` });
      return;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        segs.push(i);
        walk(x, key, v, values);
        segs.pop();
        // An argument pair: ["--password", "hunter2"].
        const flag = values && typeof x === 'string' ? FLAG.exec(x) : null;
        const next: unknown = v[i + 1];
        if (flag && typeof next === 'string' && isCredentialName(flag[1]) && !next.startsWith('-') && !harmless(next) && !detect(next)) {
          out.push({ path: pathOf(i + 1), what: `a literal value of the credential flag ${x as string}` });
          i++;
        }
      }
      return;
    }
    if (v && typeof v === 'object') {
      if (plaintext) plaintextOf(v as PlainObject, segs, plaintext);
      for (const k of Object.keys(v)) {
        if (segs.length === 0 && k === 'sops') continue;
        // A SealedSecret's ciphertexts are not scanned for credentials (still for plaintext Secrets).
        const ciphertexts = sealed && k === 'encryptedData' && segs.length === 1 && segs[0] === 'spec';
        if (ciphertexts && !plaintext) continue;
        segs.push(k);
        walk((v as Record<string, unknown>)[k], k, v, values && !ciphertexts);
        segs.pop();
      }
    }
  };
  walk(obj, '', undefined);
  return out;
}

/** `obj` (at `segs`) as a plaintext core Secret: its `data` / `stringData` keys as field paths, sorted, into `out`. */
function plaintextOf(rec: PlainObject, segs: ReadonlyArray<string | number>, out: string[]): void {
  if (!isCoreSecret(rec) || ('sops' in rec && rec.sops !== null && typeof rec.sops === 'object')) return;
  const pathOf = (extra: string[]) => [...segs, ...extra].reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : fieldPath(acc, s)), '');
  for (const f of ['data', 'stringData']) {
    const v = rec[f];
    if (v && typeof v === 'object') for (const k of Object.keys(v).sort()) out.push(pathOf([f, k]));
  }
}

/** Whether `obj.kind` is `kind`, ignoring case (the scan must not miss `kind: secret`). */
function isKind(obj: PlainObject, kind: string): boolean {
  return typeof obj.kind === 'string' && obj.kind.toLowerCase() === kind.toLowerCase();
}

/** A core Secret, whatever the casing of `apiVersion: v1` and `kind: Secret`. */
function isCoreSecret(o: PlainObject): boolean {
  return isKind(o, 'Secret') && typeof o.apiVersion === 'string' && o.apiVersion.toLowerCase() === 'v1';
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
  // One walk for both checks (see scan).
  const fields: string[] = [];
  const credentials = scan(obj, fields);
  const plaintext = fields.length > 0;
  if (fields.length > 0) {
    problems.push(
      `${constructPath}: ${id}: plaintext Secret in Git (${fields.join(', ')}): anyone who can read the repo can read it; ` +
        'use a SealedSecret or a SOPS-encrypted Secret, or reference a Secret created outside Git; ' +
        'if this is deliberate, call allowPlaintextSecret(secret, reason)',
    );
  }
  // A SealedSecret whose values the controller cannot decrypt: a placeholder, a value cut short,
  // or a value in the clear (bitnami-labs/sealed-secrets pkg/crypto HybridDecrypt).
  if (typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith('bitnami.com/') && isKind(obj, 'SealedSecret')) {
    const encrypted = (obj.spec as { encryptedData?: unknown } | undefined)?.encryptedData;
    if (encrypted && typeof encrypted === 'object') {
      for (const k of Object.keys(encrypted).sort()) {
        const flaw = ciphertextFlaw((encrypted as Record<string, unknown>)[k]);
        if (flaw === undefined) continue;
        problems.push(
          `${constructPath}: ${id}: ${fieldPath('spec.encryptedData', k)}: not sealed-secrets ciphertext (${flaw}; kubeseal writes base64 of a 2-byte length, ` +
            'the RSA-OAEP session key of that length and the AES-GCM value): the controller cannot decrypt it ("no key could decrypt secret") and never writes the Secret; ' +
            'seal the value with kubeseal or sealSecret, and if it is a value in the clear, rotate it: it is in Git',
        );
      }
    }
  }
  const skip = new Set(plaintext ? fields : []);
  for (const f of credentials) {
    if (skip.has(f.path) || [...skip].some((s) => f.path.startsWith(`${s}.`) || f.path.startsWith(`${s}[`))) continue;
    problems.push(
      `${constructPath}: ${id}: ${f.path}: looks like ${f.what}; keep credentials out of Git: reference a Secret (SealedSecret, SOPS) instead, ` +
        'or call allowPlaintextSecret(obj, reason) if it is not a real credential',
    );
  }
  return problems;
}
