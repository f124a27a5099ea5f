// One pass of construct validations shares what validations compute over the whole app
// (lib/core/synth-pass.ts); outside a pass nothing is kept.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MANIFEST_FILE, readManifest } from '../../lib/tree/manifest';
import { memoForSynthPass, withSynthPass } from '../../lib/core/synth-pass';

test('computed once per pass and scope; again in the next pass; every time outside a pass', () => {
  const key = Symbol('test');
  const [a, b] = [{}, {}];
  let computed = 0;
  const get = (scope: object) => memoForSynthPass(key, scope, () => ++computed);
  expect(withSynthPass(() => [get(a), get(a), get(b), withSynthPass(() => get(a)), get(b)])).toEqual([1, 1, 2, 1, 2]);
  expect(withSynthPass(() => [get(a), get(a)])).toEqual([3, 3]);
  expect([get(a), get(a)]).toEqual([4, 5]);
  // A pass that throws ends too.
  expect(() => withSynthPass(() => { get(a); throw new Error('boom'); })).toThrow('boom');
  expect(get(a)).toBe(7);
});

test('an ownership manifest is parsed once per synth pass while its text is the same, and not kept after the pass', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-memo-'));
  const write = (files: string[]) => fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify({ generator: 'cdk8s-platform', files }));
  write(['a.yaml']);
  withSynthPass(() => {
    const first = readManifest(dir);
    expect(readManifest(dir)).toBe(first);
    write(['a.yaml', 'b.yaml']); // changed on disk: read and parsed again
    expect(readManifest(dir).files).toEqual(['a.yaml', 'b.yaml']);
  });
  expect(readManifest(dir)).not.toBe(readManifest(dir));
});
