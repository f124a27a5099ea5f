// Building blocks: valid values mixed with boundary and invalid-but-type-correct ones.
import { Duration } from 'cdk8s';
import * as fc from 'fast-check';

/** A valid DNS label (1-63). */
export const dnsLabel = fc.stringMatching(/^[a-z]([-a-z0-9]{0,10}[a-z0-9])?$/);

/** Odd characters users paste: uppercase, "_", ".", "/", ":", "@", spaces, non-ASCII, a NUL. */
const ODD = ['a', 'z', '0', '9', '-', '.', '_', 'A', 'Z', '/', ':', '@', ' ', 'é', 'ß', '\u0000', '*', '$', '{', '}'];

/** A string of odd characters (length 0-12). */
export const oddString = fc.string({ unit: fc.constantFrom(...ODD), minLength: 0, maxLength: 12 });

/** Names: mostly valid DNS labels; also lengths at the 63/64 and 253/254 boundaries, odd strings. */
export function k8sName(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 24, arbitrary: dnsLabel },
    { weight: 1, arbitrary: fc.constantFrom('a'.repeat(63), 'a'.repeat(64), `${'a'.repeat(62)}-`, 'a'.repeat(253), 'a'.repeat(254), 'a.b', 'a..b', '-a', 'a-', '') },
    { weight: 1, arbitrary: oddString },
  );
}

/** Optional props: undefined with probability 1 - 1/`oneIn`... i.e. set once in `oneIn` cases (default: half). */
export function opt<T>(a: fc.Arbitrary<T>, oneIn = 2): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });
}

/** true in `pct` percent of the cases, without fast-check's bias towards small integers (which {@link mostly} has). */
export function chance(pct: number): fc.Arbitrary<boolean> {
  return fc.noBias(fc.integer({ min: 0, max: 99 })).map((n) => n < pct);
}

/** true in `pct` percent of the cases (biased: small draws come more often, so rare cases are not that rare). */
export function mostly(pct: number): fc.Arbitrary<boolean> {
  return fc.integer({ min: 0, max: 99 }).map((n) => n < pct);
}

/** A duration spec: a Go duration string, or a cdk8s Duration given as plain data (converted by {@link toDuration}). */
export type DurationSpec = string | { readonly seconds: number } | { readonly millis: number } | { readonly minutes: number };

/** Durations: Go strings (valid and not), cdk8s Durations (including 0 and fractional milliseconds). */
export function duration(): fc.Arbitrary<DurationSpec> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom('30s', '1m', '5m', '10m', '1h', '1h30m', '500ms', '1.5h', '0s') },
    { weight: 3, arbitrary: fc.record({ seconds: fc.integer({ min: 0, max: 100_000 }) }) },
    { weight: 1, arbitrary: fc.record({ minutes: fc.integer({ min: 0, max: 2000 }) }) },
    { weight: 1, arbitrary: fc.record({ millis: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 10, noNaN: true })) }) },
    { weight: 2, arbitrary: fc.constantFrom('10 minutes', '1d', '5', '', '-1m', '1m30', 'PT5M', 'm') },
  );
}

/** The cdk8s Duration (or string) of a spec. */
export function toDuration(d: DurationSpec): Duration | string {
  if (typeof d === 'string') return d;
  if ('seconds' in d) return Duration.seconds(d.seconds);
  if ('minutes' in d) return Duration.minutes(d.minutes);
  return Duration.millis(d.millis);
}

/** An optional duration, converted. */
export function optDuration(d: DurationSpec | undefined): Duration | string | undefined {
  return d === undefined ? undefined : toDuration(d);
}

/** An IPv4 address: valid and not. */
export function ipv4(): fc.Arbitrary<string> {
  return fc.oneof({ weight: 6, arbitrary: fc.ipV4() }, { weight: 1, arbitrary: fc.constantFrom('256.0.0.1', '10.0.0', '10.0.0.01', '::1', 'localhost', '') });
}

/**
 * CIDR blocks: well-formed networks of any prefix (often within 10.0.0.0/8 so that they overlap),
 * host bits set, prefixes out of range, garbage.
 */
export function cidr(): fc.Arbitrary<string> {
  const network = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 4, max: 32 })).map(([b, c, prefix]) => {
    const ip = ((10 << 24) >>> 0) + (b << 16) + (c << 8);
    const size = 2 ** (32 - prefix);
    const net = ip - (ip % size);
    return `${[24, 16, 8, 0].map((s) => Math.floor(net / 2 ** s) % 256).join('.')}/${prefix}`;
  });
  return fc.oneof(
    { weight: 6, arbitrary: network },
    { weight: 1, arbitrary: fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 33 })).map(([ip, p]) => `${ip}/${p}`) },
    { weight: 1, arbitrary: fc.constantFrom('10.0.0.0', '10.0.0.0/', '10.0.0.0/x', '10.0.0.0/16/1', 'fd00::/8', '', '10.0.0.0/08') },
  );
}

/** A GUID, or something close to one. */
export function guid(): fc.Arbitrary<string> {
  return fc.oneof({ weight: 5, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.constantFrom('not-a-guid', '72f988bf86f141af91ab2d7cd011db47', '') });
}

/** An Azure location: valid region names and display names. */
export function location(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('westeurope', 'northeurope', 'eastus2', 'swedencentral') },
    { weight: 1, arbitrary: fc.constantFrom('West Europe', 'west-europe', '', 'WESTEUROPE', 'a'.repeat(65)) },
  );
}

/** Small integers around typical bounds. */
export function smallInt(min: number, max: number): fc.Arbitrary<number> {
  return fc.oneof({ weight: 6, arbitrary: fc.integer({ min, max }) }, { weight: 1, arbitrary: fc.constantFrom(min - 1, max + 1, 0, -1, 1.5, 2 ** 31) });
}

/** String maps (labels, tags, substitutions) with odd keys and values. */
export function stringMap(key: fc.Arbitrary<string> = fc.oneof(dnsLabel, oddString), value: fc.Arbitrary<string> = fc.oneof(dnsLabel, oddString)): fc.Arbitrary<Record<string, string>> {
  return fc.dictionary(key, value, { maxKeys: 4 });
}
