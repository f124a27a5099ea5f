// The fast YAML emitter must write exactly the bytes of `yaml` with the library's options:
// property tests against YAML.stringify on adversarial JSON, the fallback cases, and the worker copy.
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { toYaml, YAML_OPTIONS } from '../../lib/gitops/layout';
import { createYamlEmitter, emitYaml } from '../../lib/gitops/yaml-emit';

const reference = (v: unknown) => YAML.stringify(v, YAML_OPTIONS);

// Pieces that exercise every quoting rule of yaml's stringifyString.
const PIECES = [
  '', ' ', '  ', '\t', '\n', '\n\n', ' \n', '\n ', '\r\n', '#', ' #', ': ', ':', '-', '- ', '?', '? ', '---', '...', '%', '@', '`',
  '&', '*', '!', '|', '>', "'", '"', '\\', ',', '[', ']', '{', '}', '~', 'null', 'Null', 'NULL', 'true', 'false', 'yes', 'no', 'Yes',
  'NO', 'on', 'off', 'On', 'OFF', 'y', 'n', 'Y', 'N', '0', '1', '-1', '+1', '0x1F', '0b101', '0o17', '017', '1_000', '1.20', '.5', '1e3',
  '1E-3', '.inf', '-.Inf', '.nan', '1:30', '1:30.5', '2024-01-02', '2024-1-2 3:04:05', '2024-01-02T03:04:05Z', '<<', '=', 'é', '日本',
  '😀', '\u00a0', '\u0085', '\u2028', '\u0000', '\u0007', '\u001b', '\u007f', '\ud800', 'a', 'abc', 'Standard_D4s_v5', 'x'.repeat(50),
];
const adversarial = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4 })), { maxLength: 6 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom(...PIECES) },
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    adversarial,
    fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1e21, 1e-7, 2 ** 53, 0.1)),
    fc.boolean(),
    fc.constant(null),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(adversarial, fc.oneof(tie('value'), fc.constant(undefined)), { maxKeys: 5 }),
}));
const doc = fc.oneof(json.object, json.array);

describe('emitYaml', () => {
  test('writes the bytes of yaml for arbitrary JSON with adversarial strings (5000 runs, fixed seed)', () => {
    fc.assert(
      fc.property(doc, (v) => {
        expect(emitYaml(v)).toBe(reference(v));
      }),
      { numRuns: 5000, seed: 17 },
    );
  });

  test('writes the bytes of yaml for multi-line and long strings at every depth (2000 runs)', () => {
    const multiline = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.constantFrom('\n', '\n\n', ' \n', '\n  x', 'line')), { maxLength: 10 }).map((a) => a.join(''));
    const nested = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, multiline, fc.string({ minLength: 100, maxLength: 1200 }), tie('o'), tie('a')),
      o: fc.dictionary(fc.oneof(multiline, fc.constantFrom('a', '---', '%x', '... y')), tie('v'), { maxKeys: 3 }),
      a: fc.array(tie('v'), { maxLength: 3 }),
    }));
    fc.assert(
      fc.property(fc.oneof(nested.o, nested.a), (v) => {
        expect(emitYaml(v)).toBe(reference(v));
      }),
      { numRuns: 2000, seed: 4 },
    );
  });

  test('the cases it hands to yaml come out as yaml writes them', () => {
    const shared = { a: 1 };
    const long = 'k'.repeat(1100);
    const cases: unknown[] = [
      { a: shared, b: shared }, // anchor + alias
      [[], []].map(() => shared),
      { d: new Date(0) },
      { n: NaN, i: Infinity, j: -Infinity },
      { big: BigInt(5) },
      [1, undefined, 2],
      { [long]: 'v' }, // explicit key
      { m: new Map([['a', 1]]) },
      'scalar',
      42,
      null,
      { s: new String('boxed') },
      // eslint-disable-next-line no-sparse-arrays
      [1, , 3],
    ];
    for (const c of cases) expect(emitYaml(c)).toBe(reference(c));
  });

  test('skips undefined properties like yaml, and writes empty maps and lists in flow style', () => {
    const v = { a: undefined, b: {}, c: [], d: { e: undefined }, f: [{}, []], g: [{ h: [] }] };
    expect(emitYaml(v)).toBe('b: {}\nc: []\nd: {}\nf:\n  - {}\n  - []\ng:\n  - h: []\n');
    expect(emitYaml(v)).toBe(reference(v));
  });

  test('quotes YAML 1.1 booleans, numbers, nulls and dates, and writes block scalars as yaml does', () => {
    const v = { s: ['yes', 'on', 'N', '1.20', '0o17', '017', '~', '', '2024-01-02', '1:30', 'a: b', 'a #b', '- x', "it's", 'say "hi"'], t: 'two\nlines\n', u: 'keep\n\n', w: ' lead\ntext' };
    expect(emitYaml(v)).toBe(
      's:\n  - "yes"\n  - "on"\n  - "N"\n  - "1.20"\n  - 0o17\n  - "017"\n  - "~"\n  - ""\n  - "2024-01-02"\n  - "1:30"\n  - "a: b"\n  - "a #b"\n  - "- x"\n  - it\'s\n  - say "hi"\n' +
        't: |\n  two\n  lines\nu: |+\n  keep\n\nw: |2-\n   lead\n  text\n',
    );
    expect(emitYaml(v)).toBe(reference(v));
  });

  test('the copy rebuilt from its source text (as the worker threads do) writes the same bytes', () => {
    const rebuilt = new Function('YAML', '__name', `return (${createYamlEmitter.toString()})(YAML);`)(YAML, (f: unknown) => f) as (v: unknown) => string;
    fc.assert(
      fc.property(doc, (v) => {
        expect(rebuilt(v)).toBe(reference(v));
      }),
      { numRuns: 300, seed: 99 },
    );
  });

  test('toYaml uses it', () => {
    const v = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { 'a.yaml': 'k: v\n', on: 'yes' } };
    expect(toYaml(v)).toBe(reference(v));
  });
});
