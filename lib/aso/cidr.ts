import { BlockList, isIP } from 'net';
import { IConstruct } from 'constructs';
import { propError } from '../core/errors';

/** A parsed IPv4 CIDR block. */
export interface CidrBlock {
  /** The text as given. */
  readonly text: string;
  /** First address, as an unsigned 32-bit integer. */
  readonly first: number;
  /** Last address, as an unsigned 32-bit integer. */
  readonly last: number;
  /** Prefix length. */
  readonly prefix: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An IPv4 address as an unsigned 32-bit integer, or undefined when `ip` is not one. */
export function ipv4ToNumber(ip: string): number | undefined {
  if (typeof ip !== 'string' || !IPV4.test(ip)) return undefined;
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

/** Address and prefix length of `a.b.c.d/n`, or undefined when `text` is not of that form. */
function splitCidr(text: string): { ip: number; prefix: number } | undefined {
  // No leading zero in the prefix length ("/08"): Azure's CIDR patterns reject it.
  const m = typeof text === 'string' ? /^([^/]+)\/(0|[1-9]\d?)$/.exec(text) : null;
  const ip = m ? ipv4ToNumber(m[1]) : undefined;
  const prefix = m ? Number(m[2]) : NaN;
  return m && ip !== undefined && prefix <= 32 ? { ip, prefix } : undefined;
}

function block(text: string, ip: number, prefix: number): CidrBlock {
  return { text, first: ip, last: ip + 2 ** (32 - prefix) - 1, prefix };
}

/**
 * An IPv4 CIDR block (`10.244.0.0/16`, any prefix length) whose address is the network address,
 * or undefined (host bits set, `/08`, not a CIDR): what Azure accepts.
 */
export function tryParseCidr(text: string): CidrBlock | undefined {
  const c = splitCidr(text);
  return c && c.ip % 2 ** (32 - c.prefix) === 0 ? block(text, c.ip, c.prefix) : undefined;
}

/**
 * Parses an IPv4 CIDR block (`10.0.0.0/16`) with a prefix between `minPrefix` and `maxPrefix`;
 * the address must be the network address (no host bits set). Throws a prop error otherwise.
 */
export function parseCidr(scope: IConstruct, prop: string, text: string, minPrefix = 8, maxPrefix = 29): CidrBlock {
  const c = splitCidr(text);
  if (!c) throw propError(scope, prop, `"${text}" is not an IPv4 CIDR block such as "10.0.0.0/16"`);
  const { ip, prefix } = c;
  if (prefix < minPrefix || prefix > maxPrefix) throw propError(scope, prop, `"${text}": the prefix length must be between /${minPrefix} and /${maxPrefix}`);
  const size = 2 ** (32 - prefix);
  if (ip % size !== 0) {
    const network = ip - (ip % size);
    throw propError(scope, prop, `"${text}" has host bits set; the network address is ${numberToIpv4(network)}/${prefix}`);
  }
  return block(text, ip, prefix);
}

/** Dotted-quad form of an unsigned 32-bit integer. */
export function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Whether two blocks share an address. */
export function overlaps(a: CidrBlock, b: CidrBlock): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** Whether `inner` lies entirely inside `outer`. */
export function contains(outer: CidrBlock, inner: CidrBlock): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

/** Whether an address (see {@link ipv4ToNumber}) lies inside a block. */
export function containsAddress(outer: CidrBlock, ip: number): boolean {
  return outer.first <= ip && ip <= outer.last;
}

/**
 * Whether the CIDR block `outer` contains the block `inner`, given as text: IPv4 or IPv6 (Node's
 * `net.BlockList` matches both families by prefix; the blocks above are IPv4 only), false when
 * either is not a block or their families differ.
 */
export function cidrTextContains(outer: string, inner: string): boolean {
  const parse = (text: string) => {
    const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
    const family = m ? isIP(m[1]) : 0;
    if (!m || family === 0 || Number(m[2]) > (family === 4 ? 32 : 128)) return undefined;
    return { ip: m[1], prefix: Number(m[2]), family: family === 4 ? 'ipv4' as const : 'ipv6' as const };
  };
  const [o, i] = [parse(outer), parse(inner)];
  if (!o || !i || o.family !== i.family || o.prefix > i.prefix) return false;
  const list = new BlockList();
  list.addSubnet(o.ip, o.prefix, o.family);
  return list.check(i.ip, i.family);
}
