/**
 * Offline sealing: a plaintext v1 Secret in, a Bitnami SealedSecret out, in the format of the
 * sealed-secrets controller v0.36.6 (`NewSealedSecret` in
 * `pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go`, `Seal` in `pkg/kubeseal/kubeseal.go`):
 *
 * - each `data` value (base64-decoded) and each `stringData` value is sealed on its own with
 *   {@link hybridEncrypt} and written base64 (standard, padded) to `spec.encryptedData`; a key in
 *   both takes the `stringData` value (it is sealed last);
 * - `spec.template` carries the Secret's metadata (without `kubectl.kubernetes.io/last-applied-configuration`
 *   / `kubecfg.ksonnet.io/last-applied-configuration`, which hold a plaintext copy, owner references and the
 *   read-only server-side fields), `type` and `immutable`;
 * - the scope annotations are set on the SealedSecret and on the template (kubeseal sets them on the
 *   input Secret before `NewSealedSecret` copies its metadata); the controller derives the label from
 *   the SealedSecret's own annotations when it unseals.
 *
 * Plaintext never appears in errors: they name the field (`data.password`), never the value.
 */
import { parseAllDocuments, stringify } from 'yaml';
import { validateObjects } from '../core/validation';
import { checkMetadata } from '../core/validation/metadata';
import {
  encryptionLabel,
  hybridEncrypt,
  parseSealingCert,
  scopeOfAnnotations,
  SEALING_SCOPES,
  SealingCert,
  SealingScope,
  withScopeAnnotations,
} from './crypto';

/** A plaintext v1 Secret to seal (as parsed from YAML or JSON). Read {@link sealSecret}. */
export interface PlaintextSecret {
  /** Must be `v1`. */
  readonly apiVersion: string;
  /** Must be `Secret`. */
  readonly kind: string;
  /** Name (required), namespace (required unless the scope is cluster-wide), labels, annotations, finalizers. */
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly finalizers?: string[];
    readonly [field: string]: unknown;
  };
  /** Values, base64-encoded. */
  readonly data?: Record<string, string>;
  /** Values, as text. */
  readonly stringData?: Record<string, string>;
  /** Secret type, e.g. `Opaque` or `kubernetes.io/dockerconfigjson`. */
  readonly type?: string;
  /** Whether the produced Secret is immutable. */
  readonly immutable?: boolean;
}

/** Metadata of a SealedSecret's `spec.template` (the produced Secret's metadata). */
export interface SealedSecretTemplateMetadata {
  readonly annotations?: Record<string, string>;
  readonly finalizers?: string[];
  readonly labels?: Record<string, string>;
  readonly name?: string;
  readonly namespace?: string;
}

/** A `bitnami.com/v1alpha1` SealedSecret, as `kubeseal` and {@link sealSecret} write it (keys in kubeseal's order). */
export interface SealedSecretDocument {
  readonly apiVersion: 'bitnami.com/v1alpha1';
  readonly kind: 'SealedSecret';
  readonly metadata: {
    /** The scope annotation (absent for strict). */
    readonly annotations?: Record<string, string>;
    readonly name: string;
    readonly namespace?: string;
  };
  readonly spec: {
    /** Key → base64 ciphertext. */
    readonly encryptedData: Record<string, string>;
    readonly template: {
      /** Templated keys (Go templates over the decrypted values); kubeseal never writes it. */
      readonly data?: Record<string, string>;
      readonly immutable?: boolean;
      readonly metadata?: SealedSecretTemplateMetadata;
      readonly type?: string;
    };
  };
}

/** Options of {@link sealSecret}. */
export interface SealOptions {
  /**
   * The sealed-secrets controller's certificate: its PEM text (`kubeseal --fetch-cert > cert.pem`),
   * or one read with {@link parseSealingCert}.
   */
  readonly cert: string | Buffer | SealingCert;
  /**
   * How far the sealed values can move. When set, it replaces the scope annotations of the input.
   * @default - the input's `sealedsecrets.bitnami.com/cluster-wide` / `namespace-wide` annotation
   * (`"true"`), else `strict` (like kubeseal)
   */
  readonly scope?: SealingScope;
  /**
   * Seal a Secret with no data and no stringData (kubeseal's `--allow-empty-data`).
   * @default false
   */
  readonly allowEmptyData?: boolean;
  /**
   * Time the certificate must be valid at.
   * @default - now
   */
  readonly now?: Date;
}

/** Invalid input to {@link sealSecret}: the message names the Secret and the field, never a value. */
export class SealError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SECRET_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'data', 'stringData', 'type', 'immutable']);
/** Carried into the template. */
const CARRIED_METADATA = ['annotations', 'finalizers', 'labels', 'name', 'namespace'] as const;
/** Dropped, like kubeseal does (server-side, read-only or owner fields). */
const DROPPED_METADATA = new Set([
  'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds',
  'selfLink', 'ownerReferences', 'managedFields',
]);
/** Annotations holding a plaintext copy of an applied object (`StripLastAppliedAnnotations`). */
const LAST_APPLIED = ['kubectl.kubernetes.io/last-applied-configuration', 'kubecfg.ksonnet.io/last-applied-configuration'];

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function sorted<T>(m: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]]));
}

function stringMap(fail: (field: string, reason: string) => never, field: string, v: unknown): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isMap(v)) fail(field, 'must be a map of strings');
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== 'string') fail(`${field}.${k}`, 'must be a string (quote the value)');
  }
  return v as Record<string, string>;
}

/**
 * Seals a plaintext v1 Secret into a SealedSecret that only the sealed-secrets controller holding
 * the private key of `options.cert` can decrypt, in the controller's format (v0.36.6). Every call
 * draws new session keys, so the ciphertext changes on every call: seal once, commit the result
 * (e.g. `cdk8s-platform seal ... > file.yaml`) and read it with {@link SealedSecret.fromFile},
 * rather than sealing during synth.
 *
 * The result is checked against the pinned SealedSecret CRD schema. Throws a {@link SealError}
 * naming the field for invalid input (values are never quoted), and for an unusable certificate.
 *
 * @example
 * const sealed = sealSecret(
 *   { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-admin', namespace: 'files' }, stringData: { password } },
 *   { cert: fs.readFileSync('sealed-secrets-cert.pem', 'utf8') },
 * );
 * fs.writeFileSync('secrets/db-admin.sealed.yaml', sealedSecretYaml(sealed));
 */
export function sealSecret(secret: PlaintextSecret, options: SealOptions): SealedSecretDocument {
  const input: unknown = secret;
  let where = 'Secret';
  const fail = (field: string, reason: string): never => {
    throw new SealError(`${where}: ${field}: ${reason}`);
  };
  if (!isMap(input)) throw new SealError('Secret: must be an object (a v1 Secret)');
  if (input.apiVersion !== 'v1' || input.kind !== 'Secret') {
    const what = typeof input.kind === 'string' && typeof input.apiVersion === 'string' ? `${input.apiVersion} ${input.kind}` : 'an object without apiVersion and kind';
    throw new SealError(`Secret: is ${what}; only a v1 Secret (apiVersion: v1, kind: Secret) can be sealed`);
  }
  const meta = input.metadata;
  if (!isMap(meta)) throw new SealError('Secret: metadata: is required (with name and namespace)');
  const name = meta.name;
  if (typeof name !== 'string' || name === '') throw new SealError('Secret: metadata.name: is required');
  if (!NAME.test(name) || name.length > 253) fail('metadata.name', `"${name}" is not a valid Secret name (a DNS subdomain: lowercase letters, digits, "-" and ".")`);
  const namespace = meta.namespace;
  if (namespace !== undefined && namespace !== null && (typeof namespace !== 'string' || !NAMESPACE.test(namespace) || namespace.length > 63)) {
    throw new SealError(`Secret "${name}": metadata.namespace: must be a namespace name (a DNS label: lowercase letters, digits and "-", at most 63 characters)`);
  }
  const ns = typeof namespace === 'string' && namespace !== '' ? namespace : undefined;
  where = ns ? `Secret "${ns}/${name}"` : `Secret "${name}"`;

  for (const k of Object.keys(input)) {
    if (!SECRET_FIELDS.has(k)) fail(k, 'is not a field of a v1 Secret; remove it');
  }
  for (const k of Object.keys(meta)) {
    if (!(CARRIED_METADATA as readonly string[]).includes(k) && !DROPPED_METADATA.has(k)) {
      fail(`metadata.${k}`, 'cannot be carried into a SealedSecret template; remove it');
    }
  }
  const labels = stringMap(fail, 'metadata.labels', meta.labels);
  const annotations = stringMap(fail, 'metadata.annotations', meta.annotations);
  let finalizers: string[] | undefined;
  if (meta.finalizers !== undefined && meta.finalizers !== null) {
    if (!Array.isArray(meta.finalizers) || meta.finalizers.some((f) => typeof f !== 'string')) fail('metadata.finalizers', 'must be a list of strings');
    finalizers = meta.finalizers as string[];
  }
  // The API server's metadata rules (label and annotation keys, label values, finalizers).
  const carried = Object.fromEntries(CARRIED_METADATA.filter((k) => meta[k] !== undefined && meta[k] !== null).map((k) => [k, meta[k]]));
  const [finding] = checkMetadata({ metadata: carried }, 'v1', 'Secret', { scope: 'Namespaced', requireName: true });
  if (finding) fail(finding.field, finding.reason);
  if (input.type !== undefined && input.type !== null && typeof input.type !== 'string') fail('type', 'must be a string (e.g. Opaque)');
  if (input.immutable !== undefined && input.immutable !== null && typeof input.immutable !== 'boolean') fail('immutable', 'must be true or false');

  if (options.scope !== undefined && !SEALING_SCOPES.includes(options.scope)) {
    throw new SealError(`scope: "${String(options.scope)}" is not one of ${SEALING_SCOPES.join(', ')}`);
  }
  const scope = options.scope ?? scopeOfAnnotations(annotations);
  if (scope !== 'cluster-wide' && !ns) {
    fail('metadata.namespace', `is required for the ${scope} scope (the namespace is bound into the ciphertext); set it, or seal with the cluster-wide scope`);
  }

  // Values: data (base64) first, then stringData, which wins on a shared key (as in NewSealedSecret).
  const values = new Map<string, Buffer>();
  const data = stringMap(fail, 'data', input.data) ?? {};
  for (const [k, v] of Object.entries(data)) {
    if (!SECRET_KEY.test(k) || k.length > 253) fail(`data.${k}`, 'is not a valid Secret key (letters, digits, "-", "_" and ".")');
    const b64 = v.replace(/[\r\n]/g, '');
    if (!BASE64.test(b64)) fail(`data.${k}`, 'is not valid base64 (put text values under stringData)');
    values.set(k, Buffer.from(b64, 'base64'));
  }
  const stringData = stringMap(fail, 'stringData', input.stringData) ?? {};
  for (const [k, v] of Object.entries(stringData)) {
    if (!SECRET_KEY.test(k) || k.length > 253) fail(`stringData.${k}`, 'is not a valid Secret key (letters, digits, "-", "_" and ".")');
    values.set(k, Buffer.from(v, 'utf8'));
  }
  if (values.size === 0 && !options.allowEmptyData) {
    fail('data', 'is empty (no data and no stringData): nothing to seal; allow an empty Secret with allowEmptyData (--allow-empty-data)');
  }

  let cert: SealingCert;
  if (typeof options.cert === 'string' || Buffer.isBuffer(options.cert)) {
    try {
      cert = parseSealingCert(options.cert, { now: options.now });
    } catch (e) {
      throw new SealError(`cert: ${(e as Error).message}`);
    }
  } else if (options.cert && typeof options.cert === 'object' && 'publicKey' in options.cert) {
    cert = options.cert;
  } else {
    throw new SealError('cert: is required: the PEM text of the sealed-secrets controller\'s certificate (kubeseal --fetch-cert)');
  }

  const label = encryptionLabel(ns ?? '', name, scope);
  const encryptedData: Record<string, string> = {};
  for (const k of [...values.keys()].sort()) {
    const plaintext = values.get(k)!;
    encryptedData[k] = hybridEncrypt(cert.publicKey, plaintext, label).toString('base64');
    plaintext.fill(0);
  }

  const templateAnnotations = withScopeAnnotations(annotations, scope);
  for (const a of LAST_APPLIED) delete templateAnnotations[a];
  const scopeAnnotations = withScopeAnnotations(undefined, scope);
  const templateMetadata: Record<string, unknown> = {};
  if (Object.keys(templateAnnotations).length > 0) templateMetadata.annotations = sorted(templateAnnotations);
  if (finalizers && finalizers.length > 0) templateMetadata.finalizers = [...finalizers];
  if (labels && Object.keys(labels).length > 0) templateMetadata.labels = sorted(labels);
  templateMetadata.name = name;
  if (ns) templateMetadata.namespace = ns;
  const template: Record<string, unknown> = {};
  if (typeof input.immutable === 'boolean') template.immutable = input.immutable;
  template.metadata = templateMetadata;
  if (typeof input.type === 'string' && input.type !== '') template.type = input.type;

  const metadata: Record<string, unknown> = {};
  if (Object.keys(scopeAnnotations).length > 0) metadata.annotations = scopeAnnotations;
  metadata.name = name;
  if (ns) metadata.namespace = ns;
  const doc = {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata,
    spec: { encryptedData, template },
  } as unknown as SealedSecretDocument;

  const issues = validateObjects([{ obj: doc as unknown as Record<string, unknown>, file: 'sealed', docIndex: 0 }]);
  if (issues.length > 0) throw new SealError(`${where}: the SealedSecret is not valid: ${issues[0]}`);
  return doc;
}

/**
 * The YAML text of sealed documents, laid out like `kubeseal --format yaml`: each document starts
 * with `---`, keys in alphabetical order, one ciphertext per line.
 */
export function sealedSecretYaml(...docs: SealedSecretDocument[]): string {
  return docs.map((d) => `---\n${stringify(d, { sortMapEntries: true, lineWidth: 0, indentSeq: false, version: '1.1' })}`).join('');
}

/** A document of a YAML/JSON text, with where it came from. */
export interface ParsedDocument {
  /** 0-based index of the document in the text. */
  readonly index: number;
  /** The parsed value. */
  readonly value: unknown;
}

/**
 * Parses YAML (or JSON) text into its non-empty documents, as kubectl and kubeseal read it (YAML 1.1).
 * Syntax errors name the line and column only, never the text (which may hold plaintext).
 */
export function parseDocuments(text: string, source: string): ParsedDocument[] {
  const out: ParsedDocument[] = [];
  parseAllDocuments(text, { version: '1.1' }).forEach((d, index) => {
    if (d.errors.length > 0) {
      const e = d.errors[0];
      const pos = e.linePos?.[0];
      throw new SealError(`${source}: invalid YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ''} (${e.code})`);
    }
    const value = d.toJS();
    if (value !== null && value !== undefined) out.push({ index, value });
  });
  return out;
}
