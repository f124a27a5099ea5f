/**
 * FNV-1a (32 bit) of a string, with murmur3's finalizer so that the low bits are well mixed: a
 * stable hash, the same in every run and Node version, used to put a cluster or a team in a
 * bucket or shard by its name (so adding or removing other rows never moves it).
 */
export function stableHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The bucket of a member (a Fleet's cluster, a SystemsSync's team) among `count` buckets:
 * `[<shard>-]b<N>`, N the hash of its name modulo `count`, zero-padded to the width of `count - 1`.
 */
export function bucketOf(name: string, count: number, shard?: string): string {
  return `${shard !== undefined ? `${shard}-` : ''}b${String(stableHash(`bucket:${name}`) % count).padStart(String(count - 1).length, '0')}`;
}
