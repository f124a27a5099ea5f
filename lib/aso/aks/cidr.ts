// IPv4 CIDR arithmetic for validating AKS network props (pod / service CIDRs, DNS service IP).

/** A parsed IPv4 CIDR block. */
export interface Ipv4Cidr {
  /** First address of the block, as an unsigned 32-bit number. */
  readonly start: number;
  /** Last address of the block. */
  readonly end: number;
  /** Prefix length. */
  readonly prefix: number;
}

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** Parses a dotted IPv4 address; undefined when it is not one. */
export function parseIpv4(ip: string): number | undefined {
  if (!IPV4.test(ip)) return undefined;
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

/**
 * Parses an IPv4 CIDR (`10.244.0.0/16`); undefined when it is not one or has host bits set
 * (`10.244.1.0/16`), which Azure rejects.
 */
export function parseIpv4Cidr(cidr: string): Ipv4Cidr | undefined {
  const [ip, len, ...rest] = cidr.split('/');
  // No leading zero ("/08"): Azure's CIDR patterns reject it.
  if (rest.length > 0 || len === undefined || !/^(0|[1-9][0-9]?)$/.test(len)) return undefined;
  const prefix = Number(len);
  const addr = parseIpv4(ip);
  if (addr === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  if (addr % size !== 0) return undefined;
  return { start: addr, end: addr + size - 1, prefix };
}

/** Whether two blocks share an address. */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** Whether an address lies inside a block. */
export function cidrContains(block: Ipv4Cidr, ip: number): boolean {
  return ip >= block.start && ip <= block.end;
}
