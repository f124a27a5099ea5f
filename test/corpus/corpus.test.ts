// The bad-input corpus (issue #8, item 5): each case must fail with an error naming the construct
// path, the prop and the rule, before anything is written.
import { CorpusCase, expectCaseFails } from './harness';
import { ALL_CASES, CASES_BY_FAMILY } from './cases';

describe('bad-input corpus', () => {
  test('has at least 40 cases with unique ids, covering every category', () => {
    expect(ALL_CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(ALL_CASES.map((c) => c.id)).size).toBe(ALL_CASES.length);
    const categories = new Set(ALL_CASES.map((c) => c.category));
    for (const c of ['names', 'versions', 'cidrs', 'pools', 'counts', 'azure-naming', 'paths', 'durations', 'cycles', 'duplicates',
      'cross-namespace', 'inline-secrets', 'missing-references', 'protected-deletions'] as const) {
      expect([c, categories.has(c)]).toEqual([c, true]);
    }
  });

  for (const [family, cases] of Object.entries(CASES_BY_FAMILY)) {
    describe(family, () => {
      test.each(cases.map((c): [string, CorpusCase] => [`${c.id}: ${c.title}`, c]))('%s', (_title, c) => {
        expectCaseFails(c);
      });
    });
  }
});
