/**
 * The Kubernetes CEL libraries, for x-kubernetes-validations rules of newer CRDs: lists, regex, URLs,
 * IPs, CIDRs, quantities, semver and format (https://kubernetes.io/docs/reference/using-api/cel/,
 * "Kubernetes CEL libraries"; Go sources k8s.io/apiserver/pkg/cel/library/{lists,regex,urls,ip,cidr,
 * quantity,semverlib,format}.go).
 *
 * @bufbuild/cel has no opaque custom types and no optional types, so the library values (Quantity, IP,
 * CIDR, URL, Semver, format, optional) are CEL maps tagged with a `__k8s__` key; their functions check
 * the tag and fail with "no such overload" on anything else. Differences from the API server: `==`
 * between two quantities compares their parsed values only through `compareTo` / `isGreaterThan`
 * (map equality compares the tagged representation); `find` / `findAll` need a pattern that runs on the
 * JavaScript engine (see re2.ts), others fail to evaluate; estimated cost limits are not enforced.
 */
import { QUANTITY_RE } from './quantity';
import { celFunc, celList, celMap, celMethod, CelScalar, listType, mapType, type CelFunc } from '@bufbuild/cel';
import { checkDns1035Label, checkDns1123Label, checkDns1123Subdomain, checkQualifiedName } from './metadata';
import { compileRe2, translateToJs } from './re2';

const TAG = '__k8s__';
const DYN = CelScalar.DYN;
const STR = CelScalar.STRING;
const INT = CelScalar.INT;
const BOOL = CelScalar.BOOL;
const DOUBLE = CelScalar.DOUBLE;
const OBJ = mapType(STR, DYN);
const LIST = listType(DYN);

type Tagged = ReadonlyMap<string, any>;
type Any = any;

function tagged(tag: string, fields: Record<string, unknown>): Any {
  return celMap(new Map<string, any>([[TAG, tag], ...Object.entries(fields)]) as any);
}

function get(v: unknown, tag: string, what: string): Tagged {
  const m = v as { get?: (k: string) => unknown };
  if (!m || typeof m.get !== 'function' || m.get(TAG) !== tag) throw new Error(`no such overload: ${what} on a value that is not a ${tag}`);
  return m as unknown as Tagged;
}

function tagOf(v: unknown): string | undefined {
  const m = v as { get?: (k: string) => unknown };
  return m && typeof m.get === 'function' ? (m.get(TAG) as string | undefined) : undefined;
}

function toArray(l: unknown): unknown[] {
  if (Array.isArray(l)) return l;
  const it = l as Iterable<unknown>;
  if (it && typeof (it as any)[Symbol.iterator] === 'function') return [...it];
  return [];
}

// ---------------------------------------------------------------------------------------------
// Quantity (k8s.io/apimachinery/pkg/api/resource): exact rationals num/den.

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

interface Rational {
  n: bigint;
  d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a || 1n;
}

function norm(r: Rational): Rational {
  const g = gcd(r.n, r.d);
  return r.d < 0n ? { n: -r.n / g, d: -r.d / g } : { n: r.n / g, d: r.d / g };
}

/** Parses a quantity string; undefined when it is not one. */
export function parseQuantity(s: string): Rational | undefined {
  const m = QUANTITY_RE.exec(s);
  if (!m) return undefined;
  const [int, frac = ''] = m[2].split('.');
  let n = BigInt((int || '0') + frac);
  let d = 10n ** BigInt(frac.length);
  const suf = m[3] ?? '';
  if (suf in BINARY) n *= 1024n ** BigInt(BINARY[suf]);
  else {
    const exp = suf in DECIMAL ? DECIMAL[suf] : suf ? Number(suf.slice(1)) : 0;
    if (Math.abs(exp) > 1000) return undefined;
    if (exp >= 0) n *= 10n ** BigInt(exp);
    else d *= 10n ** BigInt(-exp);
  }
  if (m[1] === '-') n = -n;
  return norm({ n, d });
}

function quantity(r: Rational, text: string): Any {
  return tagged('Quantity', { n: r.n, d: r.d, text });
}

function q(v: unknown, what: string): Rational {
  const t = get(v, 'Quantity', what);
  return { n: t.get('n'), d: t.get('d') };
}

function qOrInt(v: unknown, what: string): Rational {
  return typeof v === 'bigint' ? { n: v, d: 1n } : q(v, what);
}

function cmp(a: Rational, b: Rational): bigint {
  const x = a.n * b.d - b.n * a.d;
  return x > 0n ? 1n : x < 0n ? -1n : 0n;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

// ---------------------------------------------------------------------------------------------
// IP / CIDR: addresses as byte arrays.

function parseIPv4(s: string): number[] | undefined {
  const p = s.split('.');
  if (p.length !== 4 || !p.every((x) => /^(0|[1-9][0-9]{0,2})$/.test(x) && Number(x) <= 255)) return undefined;
  return p.map(Number);
}

function parseIPv6(s: string): number[] | undefined {
  if (s.includes('%') || !/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let tail: number[] = [];
  let body = s;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    tail = v4;
    body = s.slice(0, lastColon + 1) + (s[lastColon - 1] === ':' ? '' : '0');
    if (body.endsWith(':0')) body = body.slice(0, -2);
    else if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groups = (x: string) => (x === '' ? [] : x.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const need = 8 - tail.length / 2;
  const missing = need - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const words = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...rest].map((g) => parseInt(g, 16));
  return [...words.flatMap((w) => [w >> 8, w & 255]), ...tail];
}

interface Addr {
  readonly bytes: number[];
}

/** Parses an IP as the Kubernetes ip() function does (no zones, no IPv4-mapped IPv6). */
export function parseIP(s: string): Addr | undefined {
  const v4 = parseIPv4(s);
  if (v4) return { bytes: v4 };
  const v6 = parseIPv6(s);
  if (!v6) return undefined;
  if (v6.slice(0, 10).every((b) => b === 0) && v6[10] === 255 && v6[11] === 255) return undefined; // IPv4-mapped
  return { bytes: v6 };
}

function ipString(b: number[]): string {
  if (b.length === 4) return b.join('.');
  const w = Array.from({ length: 8 }, (_, i) => (b[2 * i] << 8) | b[2 * i + 1]);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = w.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function ipValue(a: Addr): Any {
  return tagged('IP', { bytes: new Uint8Array(a.bytes) });
}

function ipBytes(v: unknown, what: string): number[] {
  if (typeof v === 'string') {
    const a = parseIP(v);
    if (!a) throw new Error(`IP Address '${v}' parse error during conversion from string`);
    return a.bytes;
  }
  return [...(get(v, 'IP', what).get('bytes') as Uint8Array)];
}

function parseCIDR(s: string): { bytes: number[]; prefix: number } | undefined {
  const m = /^([^/]+)\/(0|[1-9][0-9]{0,2})$/.exec(s);
  if (!m) return undefined;
  const a = parseIP(m[1]);
  const prefix = Number(m[2]);
  if (!a || prefix > a.bytes.length * 8) return undefined;
  return { bytes: a.bytes, prefix };
}

function cidrValue(c: { bytes: number[]; prefix: number }): Any {
  return tagged('CIDR', { bytes: new Uint8Array(c.bytes), prefix: BigInt(c.prefix) });
}

function cidrOf(v: unknown, what: string): { bytes: number[]; prefix: number } {
  if (typeof v === 'string') {
    const c = parseCIDR(v);
    if (!c) throw new Error(`network address parse error during conversion from string: ${v}`);
    return c;
  }
  const t = get(v, 'CIDR', what);
  return { bytes: [...(t.get('bytes') as Uint8Array)], prefix: Number(t.get('prefix')) };
}

function masked(c: { bytes: number[]; prefix: number }): number[] {
  return c.bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, c.prefix - i * 8));
    return b & ((0xff << (8 - bits)) & 0xff);
  });
}

function inCidr(c: { bytes: number[]; prefix: number }, ip: number[]): boolean {
  if (ip.length !== c.bytes.length) return false;
  const m = masked(c);
  return masked({ bytes: ip, prefix: c.prefix }).every((b, i) => b === m[i]);
}

// ---------------------------------------------------------------------------------------------
// URL (Go url.ParseRequestURI: an absolute URI or an absolute path).

function parseUrl(s: string): Record<string, string> | undefined {
  if (s.startsWith('/')) {
    if (/\s/.test(s)) return undefined;
    const [p, query = ''] = s.split('?', 2);
    return { scheme: '', host: '', hostname: '', port: '', path: p, query };
  }
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/.exec(s);
  if (!m || /\s/.test(s)) return undefined;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return undefined;
  }
  const rest = m[2];
  const authority = rest.startsWith('//') ? rest.slice(2).split(/[/?#]/)[0] : '';
  const hostPort = authority.includes('@') ? authority.slice(authority.lastIndexOf('@') + 1) : authority;
  const v6 = /^\[([^\]]+)\](?::(\d*))?$/.exec(hostPort);
  const hostname = v6 ? v6[1] : hostPort.replace(/:\d*$/, '');
  const port = v6 ? (v6[2] ?? '') : /:(\d*)$/.exec(hostPort)?.[1] ?? '';
  const afterAuthority = rest.startsWith('//') ? rest.slice(2 + authority.length) : rest;
  const pathPart = afterAuthority.split(/[?#]/)[0];
  return { scheme: m[1], host: hostPort, hostname, port, path: pathPart, query: u.search.replace(/^\?/, '') };
}

function urlOf(v: unknown, what: string): Tagged {
  return get(v, 'URL', what);
}

// ---------------------------------------------------------------------------------------------
// Semver (blang/semver strict parsing, as k8s semverlib).

const SEMVER_RE = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

function parseSemver(s: string, normalize: boolean): { major: bigint; minor: bigint; patch: bigint; pre: string[] } | undefined {
  let t = s;
  if (normalize) {
    t = t.replace(/^v/, '');
    const core = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)$/.exec(t);
    if (core) t = `${BigInt(core[1])}.${BigInt(core[2] ?? '0')}.${BigInt(core[3] ?? '0')}${core[4]}`;
  }
  const m = SEMVER_RE.exec(t);
  if (!m) return undefined;
  return { major: BigInt(m[1]), minor: BigInt(m[2]), patch: BigInt(m[3]), pre: m[4] ? m[4].split('.') : [] };
}

function semverCompare(a: Tagged, b: Tagged): bigint {
  for (const k of ['major', 'minor', 'patch']) {
    const x = a.get(k) as bigint;
    const y = b.get(k) as bigint;
    if (x !== y) return x < y ? -1n : 1n;
  }
  const pa = toArray(a.get('pre')) as string[];
  const pb = toArray(b.get('pre')) as string[];
  if (pa.length === 0 || pb.length === 0) return pa.length === pb.length ? 0n : pa.length === 0 ? 1n : -1n;
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return BigInt(x) < BigInt(y) ? -1n : 1n;
    if (nx !== ny) return nx ? -1n : 1n;
    return x < y ? -1n : 1n;
  }
  return pa.length === pb.length ? 0n : pa.length < pb.length ? -1n : 1n;
}

function semverValue(p: NonNullable<ReturnType<typeof parseSemver>>): Any {
  return tagged('Semver', { major: p.major, minor: p.minor, patch: p.patch, pre: celList(p.pre) });
}

// ---------------------------------------------------------------------------------------------
// format library (k8s.io/apiserver/pkg/cel/library/format.go): optional-returning validators.

const FORMATS: Record<string, (s: string) => string | undefined> = {
  dns1123Label: checkDns1123Label,
  dns1123Subdomain: checkDns1123Subdomain,
  dns1035Label: checkDns1035Label,
  qualifiedName: checkQualifiedName,
  dns1123LabelPrefix: (s) => checkDns1123Label(s.endsWith('-') ? s.slice(0, -1) : s),
  dns1123SubdomainPrefix: (s) => checkDns1123Subdomain(s.endsWith('-') ? s.slice(0, -1) : s),
  dns1035LabelPrefix: (s) => checkDns1035Label(s.endsWith('-') ? s.slice(0, -1) : s),
  labelValue: (s) => (s.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(s) ? undefined : 'a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\'' ),
  uri: (s) => (parseUrl(s) ? undefined : 'invalid URI'),
  uuid: (s) => (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s) ? undefined : 'does not match the UUID format'),
  byte: (s) => (/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s) ? undefined : 'invalid base64'),
  date: (s) => (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) ? undefined : 'invalid date'),
  datetime: (s) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(s) && !Number.isNaN(Date.parse(s)) ? undefined : 'invalid date-time'),
};

function optional(value: unknown | undefined): Any {
  return tagged('optional', value === undefined ? { has: false } : { has: true, value });
}

// ---------------------------------------------------------------------------------------------
// lists

function comparable(a: unknown, b: unknown): number {
  if (tagOf(a) === 'Quantity' && tagOf(b) === 'Quantity') return Number(cmp(q(a, 'min'), q(b, 'min')));
  if (tagOf(a) === 'Semver' && tagOf(b) === 'Semver') return Number(semverCompare(a as Tagged, b as Tagged));
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  throw new Error('no such overload: list elements are not comparable');
}

function equalValues(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' || typeof a === 'number') return (typeof b === 'bigint' || typeof b === 'number') && a == b; // eslint-disable-line eqeqeq
  if (typeof a !== 'object' || a === null) return a === b;
  try {
    return comparable(a, b) === 0;
  } catch {
    return JSON.stringify(a, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) === JSON.stringify(b, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
  }
}

function regexFor(pattern: string): RegExp {
  compileRe2(pattern); // RE2 syntax check (throws)
  const js = translateToJs(pattern);
  if (!js) throw new Error(`find/findAll: pattern ${JSON.stringify(pattern)} uses RE2 syntax this evaluator cannot search with`);
  return new RegExp(js.source, js.flags.includes('g') ? js.flags : `${js.flags}g`);
}

/** The Kubernetes CEL library functions (see the file comment). */
export const KUBERNETES_CEL_FUNCS: readonly CelFunc[] = [
  // lists
  celMethod('isSorted', LIST, [], BOOL, function (this: Any) {
    const a = toArray(this);
    for (let i = 1; i < a.length; i++) if (comparable(a[i - 1], a[i]) > 0) return false;
    return true;
  }),
  celMethod('sum', LIST, [], DYN, function (this: Any) {
    const a = toArray(this);
    if (a.length === 0) return 0n;
    if (tagOf(a[0]) === 'Quantity') {
      let r: Rational = { n: 0n, d: 1n };
      for (const x of a) {
        const y = q(x, 'sum');
        r = norm({ n: r.n * y.d + y.n * r.d, d: r.d * y.d });
      }
      return quantity(r, '');
    }
    if (typeof a[0] === 'bigint') return (a as bigint[]).reduce((s, x) => s + x, 0n);
    return (a as number[]).reduce((s, x) => s + Number(x), 0);
  }),
  celMethod('min', LIST, [], DYN, function (this: Any) {
    const a = toArray(this);
    if (a.length === 0) throw new Error('min called on empty list');
    return a.reduce((m, x) => (comparable(x, m) < 0 ? x : m)) as Any;
  }),
  celMethod('max', LIST, [], DYN, function (this: Any) {
    const a = toArray(this);
    if (a.length === 0) throw new Error('max called on empty list');
    return a.reduce((m, x) => (comparable(x, m) > 0 ? x : m)) as Any;
  }),
  celMethod('indexOf', LIST, [DYN], INT, function (this: Any, x: unknown) {
    return BigInt(toArray(this).findIndex((y) => equalValues(y, x)));
  }),
  celMethod('lastIndexOf', LIST, [DYN], INT, function (this: Any, x: unknown) {
    const a = toArray(this);
    for (let i = a.length - 1; i >= 0; i--) if (equalValues(a[i], x)) return BigInt(i);
    return -1n;
  }),
  // regex
  celMethod('find', STR, [STR], STR, function (this: string, p: string) {
    const m = regexFor(p).exec(this);
    return m ? m[0] : '';
  }),
  celMethod('findAll', STR, [STR], listType(STR), function (this: string, p: string) {
    return celList([...this.matchAll(regexFor(p))].map((m) => m[0])) as Any;
  }),
  celMethod('findAll', STR, [STR, INT], listType(STR), function (this: string, p: string, n: bigint) {
    const all = [...this.matchAll(regexFor(p))].map((m) => m[0]);
    return celList(n < 0n ? all : all.slice(0, Number(n))) as Any;
  }),
  // URL
  celFunc('url', [STR], OBJ, (s: string) => {
    const u = parseUrl(s);
    if (!u) throw new Error(`URL parse error during conversion from string: ${s}`);
    return tagged('URL', u);
  }),
  celFunc('isURL', [STR], BOOL, (s: string) => parseUrl(s) !== undefined),
  ...(['getScheme:scheme', 'getHost:host', 'getHostname:hostname', 'getPort:port', 'getEscapedPath:path'] as const).map((spec) => {
    const [name, key] = spec.split(':');
    return celMethod(name, OBJ, [], STR, function (this: Any) {
      return urlOf(this, name).get(key) as string;
    });
  }),
  celMethod('getQuery', OBJ, [], mapType(STR, listType(STR)), function (this: Any) {
    const params = new URLSearchParams(urlOf(this, 'getQuery').get('query') as string);
    const m = new Map<string, string[]>();
    for (const [k, v] of params) m.set(k, [...(m.get(k) ?? []), v]);
    return celMap(new Map([...m].map(([k, v]) => [k, celList(v)])) as any) as Any;
  }),
  // IP
  celFunc('ip', [STR], OBJ, (s: string) => {
    const a = parseIP(s);
    if (!a) throw new Error(`IP Address '${s}' parse error during conversion from string`);
    return ipValue(a);
  }),
  celFunc('isIP', [STR], BOOL, (s: string) => parseIP(s) !== undefined),
  celFunc('ip.isCanonical', [STR], BOOL, (s: string) => {
    const a = parseIP(s);
    if (!a) throw new Error(`IP Address '${s}' parse error during conversion from string`);
    return ipString(a.bytes) === s;
  }),
  celMethod('family', OBJ, [], INT, function (this: Any) {
    return ipBytes(this, 'family').length === 4 ? 4n : 6n;
  }),
  celMethod('isUnspecified', OBJ, [], BOOL, function (this: Any) {
    return ipBytes(this, 'isUnspecified').every((b) => b === 0);
  }),
  celMethod('isLoopback', OBJ, [], BOOL, function (this: Any) {
    const b = ipBytes(this, 'isLoopback');
    return b.length === 4 ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
  }),
  celMethod('isLinkLocalMulticast', OBJ, [], BOOL, function (this: Any) {
    const b = ipBytes(this, 'isLinkLocalMulticast');
    return b.length === 4 ? b[0] === 224 && b[1] === 0 && b[2] === 0 : b[0] === 0xff && (b[1] & 0x0f) === 0x02;
  }),
  celMethod('isLinkLocalUnicast', OBJ, [], BOOL, function (this: Any) {
    const b = ipBytes(this, 'isLinkLocalUnicast');
    return b.length === 4 ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && (b[1] & 0xc0) === 0x80;
  }),
  celMethod('isGlobalUnicast', OBJ, [], BOOL, function (this: Any) {
    // Go net.IP.IsGlobalUnicast
    const b = ipBytes(this, 'isGlobalUnicast');
    if (b.every((x) => x === 0)) return false;
    if (b.length === 4) return !(b[0] === 127 || b[0] >= 224 || (b[0] === 169 && b[1] === 254) || b.every((x) => x === 255));
    return !((b.slice(0, 15).every((x) => x === 0) && b[15] === 1) || b[0] === 0xff || (b[0] === 0xfe && (b[1] & 0xc0) === 0x80));
  }),
  // CIDR
  celFunc('cidr', [STR], OBJ, (s: string) => cidrValue(cidrOf(s, 'cidr'))),
  celFunc('isCIDR', [STR], BOOL, (s: string) => parseCIDR(s) !== undefined),
  celMethod('containsIP', OBJ, [DYN], BOOL, function (this: Any, ip: unknown) {
    return inCidr(cidrOf(this, 'containsIP'), ipBytes(ip, 'containsIP'));
  }),
  celMethod('containsCIDR', OBJ, [DYN], BOOL, function (this: Any, other: unknown) {
    const c = cidrOf(this, 'containsCIDR');
    const o = cidrOf(other, 'containsCIDR');
    return o.prefix >= c.prefix && inCidr(c, o.bytes);
  }),
  celMethod('ip', OBJ, [], OBJ, function (this: Any) {
    return ipValue({ bytes: cidrOf(this, 'ip').bytes });
  }),
  celFunc('string', [OBJ], STR, (v: unknown) => {
    switch (tagOf(v)) {
      case 'IP':
        return ipString(ipBytes(v, 'string'));
      case 'CIDR': {
        const c = cidrOf(v, 'string');
        return `${ipString(c.bytes)}/${c.prefix}`;
      }
      case 'Quantity':
        return (v as Tagged).get('text') as string;
      default:
        throw new Error('no such overload: string(map)');
    }
  }),
  celMethod('prefixLength', OBJ, [], INT, function (this: Any) {
    return BigInt(cidrOf(this, 'prefixLength').prefix);
  }),
  celMethod('masked', OBJ, [], OBJ, function (this: Any) {
    const c = cidrOf(this, 'masked');
    return cidrValue({ bytes: masked(c), prefix: c.prefix });
  }),
  // quantity
  celFunc('quantity', [STR], OBJ, (s: string) => {
    const r = parseQuantity(s);
    if (!r) throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got ${JSON.stringify(s)})`);
    return quantity(r, s);
  }),
  celFunc('isQuantity', [STR], BOOL, (s: string) => parseQuantity(s) !== undefined),
  celMethod('isInteger', OBJ, [], BOOL, function (this: Any) {
    const r = q(this, 'isInteger');
    return r.d === 1n && r.n >= INT64_MIN && r.n <= INT64_MAX;
  }),
  celMethod('asInteger', OBJ, [], INT, function (this: Any) {
    const r = q(this, 'asInteger');
    if (r.d !== 1n || r.n < INT64_MIN || r.n > INT64_MAX) throw new Error('cannot convert value to integer');
    return r.n;
  }),
  celMethod('asApproximateFloat', OBJ, [], DOUBLE, function (this: Any) {
    const r = q(this, 'asApproximateFloat');
    return Number(r.n) / Number(r.d);
  }),
  celMethod('sign', OBJ, [], INT, function (this: Any) {
    const r = q(this, 'sign');
    return r.n > 0n ? 1n : r.n < 0n ? -1n : 0n;
  }),
  celMethod('add', OBJ, [DYN], OBJ, function (this: Any, o: unknown) {
    const a = q(this, 'add');
    const b = qOrInt(o, 'add');
    return quantity(norm({ n: a.n * b.d + b.n * a.d, d: a.d * b.d }), '');
  }),
  celMethod('sub', OBJ, [DYN], OBJ, function (this: Any, o: unknown) {
    const a = q(this, 'sub');
    const b = qOrInt(o, 'sub');
    return quantity(norm({ n: a.n * b.d - b.n * a.d, d: a.d * b.d }), '');
  }),
  // isGreaterThan / isLessThan / compareTo: quantities and semvers
  ...(['isGreaterThan', 'isLessThan', 'compareTo'] as const).map((name) =>
    celMethod(name, OBJ, [OBJ], DYN, function (this: Any, o: unknown) {
      const c = tagOf(this) === 'Semver' ? semverCompare(get(this, 'Semver', name), get(o, 'Semver', name)) : cmp(q(this, name), q(o, name));
      return name === 'compareTo' ? c : name === 'isGreaterThan' ? c > 0n : c < 0n;
    }),
  ),
  // semver
  celFunc('semver', [STR], OBJ, (s: string) => {
    const p = parseSemver(s, false);
    if (!p) throw new Error(`invalid semver: ${s}`);
    return semverValue(p);
  }),
  celFunc('semver', [STR, BOOL], OBJ, (s: string, normalize: boolean) => {
    const p = parseSemver(s, normalize);
    if (!p) throw new Error(`invalid semver: ${s}`);
    return semverValue(p);
  }),
  celFunc('isSemver', [STR], BOOL, (s: string) => parseSemver(s, false) !== undefined),
  celFunc('isSemver', [STR, BOOL], BOOL, (s: string, normalize: boolean) => parseSemver(s, normalize) !== undefined),
  ...(['major', 'minor', 'patch'] as const).map((k) =>
    celMethod(k, OBJ, [], INT, function (this: Any) {
      return get(this, 'Semver', k).get(k) as bigint;
    }),
  ),
  // format
  ...Object.keys(FORMATS).map((name) => celFunc(`format.${name}`, [], OBJ, () => tagged('format', { name }))),
  celFunc('format.named', [STR], OBJ, (name: string) => optional(name in FORMATS ? tagged('format', { name }) : undefined)),
  celMethod('validate', OBJ, [STR], OBJ, function (this: Any, s: string) {
    const r = FORMATS[get(this, 'format', 'validate').get('name') as string](s);
    return optional(r === undefined ? undefined : celList([r]));
  }),
  // optional values (format.named, validate)
  celMethod('hasValue', OBJ, [], BOOL, function (this: Any) {
    return get(this, 'optional', 'hasValue').get('has') as boolean;
  }),
  celMethod('value', OBJ, [], DYN, function (this: Any) {
    const o = get(this, 'optional', 'value');
    if (!o.get('has')) throw new Error('optional.none() dereference');
    return o.get('value') as Any;
  }),
];
