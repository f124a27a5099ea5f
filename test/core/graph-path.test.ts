import { findCycle, findPath } from '../../lib/core/graph-path';
import { GitRepository, Kustomization } from '../../lib/flux';
import { Testing } from '../../lib/testing';
import { Repo } from '../../lib';

describe('graph walks (iterative: no stack overflow)', () => {
  test('findPath on a 100,000-deep chain', () => {
    const n = 100_000;
    const next = (i: number) => (i + 1 < n ? [i + 1] : []);
    const path = findPath(0, n - 1, next)!;
    expect(path.length).toBe(n);
    expect(path[0]).toBe(0);
    expect(path[n - 1]).toBe(n - 1);
    expect(findPath(5, 3, next)).toBeUndefined();
    expect(findPath(7, 7, next)).toEqual([7]);
  });

  test('findPath explores children in order', () => {
    const g: Record<string, string[]> = { a: ['b', 'c'], b: ['d'], c: ['d'], d: [] };
    expect(findPath('a', 'd', (x) => g[x])).toEqual(['a', 'b', 'd']);
  });

  test('findCycle on a 100,000-deep chain, and the cycle it names', () => {
    const deps = new Map<string, string[]>();
    for (let i = 0; i < 100_000; i++) deps.set(`n${i}`, i + 1 < 100_000 ? [`n${i + 1}`] : []);
    expect(findCycle(deps)).toBeUndefined();
    deps.set('n99999', ['n99997']);
    expect(findCycle(deps)).toEqual(['n99997', 'n99998', 'n99999', 'n99997']);
    expect(findCycle(new Map([['a', ['b', 'x']], ['b', ['a']]]))).toEqual(['a', 'b', 'a']);
    expect(findCycle(new Map([['a', ['a']]]))).toEqual(['a', 'a']);
  });

  test('a Flux dependsOn chain of 20,000 Kustomizations builds, and a cycle is named', () => {
    const app = Testing.app();
    const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
    const folder = repo.folder('clusters/mgmt', { namespace: 'flux-system' });
    const source = new GitRepository(folder, 'src', { name: 'platform', repo });
    const ks: Kustomization[] = [];
    for (let i = 0; i < 20_000; i++) {
      const k = new Kustomization(folder, `k${i}`, { name: `k${i}`, source, path: './x', prune: true });
      if (i > 0) k.addDependsOn(ks[i - 1]);
      ks.push(k);
    }
    expect(ks[19_999].dependencies).toEqual([ks[19_998]]);
    expect(Testing.errorOf(() => ks[0].addDependsOn(ks[2]))).toBe(
      'platform/clusters--mgmt/k0: prop "dependsOn": dependency cycle: flux-system/k0 -> flux-system/k2 -> flux-system/k1 -> flux-system/k0',
    );
  }, 60_000);
});
