/**
 * rewriteGenerated (scripts/import-crds.ts): the struct converters of imports/ drop undefined fields
 * in one loop instead of cdk8s-cli's copy per field. Same result, checked by running both forms.
 * (No ../shared needed: the converter below is cdk8s-cli's form, as in imports/.)
 */
import { rewriteGenerated } from '../scripts/import-crds';

const CDK8S_FORM = `export function toJson_S(obj: S | undefined): Record<string, any> | undefined {
  if (obj === undefined) { return undefined; }
  const result = {
    'b': obj.b,
    'a': obj.a,
    'labels': ((obj.labels) === undefined) ? undefined : (Object.entries(obj.labels).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})),
    'n': obj.n,
  };
  // filter undefined values
  return Object.entries(result).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {});
}`;

/** The converter as a function (type annotations removed). */
function compile(ts: string): (obj: unknown) => unknown {
  const js = ts
    .replace('export function toJson_S(obj: S | undefined): Record<string, any> | undefined {', 'return function (obj) {')
    .replace(/: \{ \[key: string\]: any \}/g, '')
    .replace(/\(result as \{ \[key: string\]: any \}\)/g, 'result');
  return new Function(js)() as (obj: unknown) => unknown;
}

test('the rewritten struct converter returns what cdk8s-cli\'s returns: defined fields in order, nulls kept, map fields as before', () => {
  const rewritten = rewriteGenerated('s.ts', CDK8S_FORM);
  expect(rewritten).not.toContain('return Object.entries(result).reduce');
  expect(rewritten).toContain("'labels': ((obj.labels) === undefined) ? undefined : (Object.entries(obj.labels).reduce("); // map fields unchanged
  const before = compile(CDK8S_FORM);
  const after = compile(rewritten);
  const inputs: unknown[] = [
    {},
    { a: 1 },
    { b: 'x', a: undefined, n: null },
    { n: 0, a: '', b: false },
    { labels: { z: '1', a: undefined, ['__proto__']: 'p' }, a: [1, undefined] },
    { a: { nested: undefined }, b: [], extra: 'ignored' },
  ];
  for (const input of inputs) {
    const x = before(input) as object;
    const y = after(input) as object;
    expect(y).toEqual(x);
    expect(Object.keys(y)).toEqual(Object.keys(x));
    expect(Object.getPrototypeOf(y)).toBe(Object.getPrototypeOf(x));
  }
  expect(after({ labels: JSON.parse('{"__proto__": "p"}') })).toEqual(before({ labels: JSON.parse('{"__proto__": "p"}') }));
  expect(after(undefined)).toBeUndefined();
});

test('a struct converter in another form is an error, not a silent skip', () => {
  const changed = CDK8S_FORM.replace('return Object.entries(result).reduce((r, i)', 'return Object.entries(result).reduce((acc, i)');
  expect(() => rewriteGenerated('s.ts', changed)).toThrow(
    's.ts: 1 struct converters, 0 in the form rewriteGenerated rewrites (cdk8s-cli generates them differently: update it)',
  );
});
