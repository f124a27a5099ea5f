// Go RE2 semantics for OpenAPI `pattern` and CEL matches().
import { RE2JS } from '@bufbuild/re2';
import { compileRe2, Re2SyntaxError } from '../../lib/core/validation';
import { translateToJs } from '../../lib/core/validation/re2';

describe('RE2 patterns', () => {
  test('leading (?i) is honoured (ASO ARM ID patterns)', () => {
    const m = compileRe2('(?i)^/subscriptions/[^/]+/resourcegroups/[^/]+$');
    expect(m.test('/SUBSCRIPTIONS/abc/resourceGroups/rg')).toBe(true);
    expect(m.test('/subscriptions/abc/providers/x')).toBe(false);
  });

  test('RE2 semantics where JavaScript differs', () => {
    // '.' matches '\r' in RE2 (only '\n' is excluded); JS '.' does not.
    expect(compileRe2('^a.b$').test('a\rb')).toBe(true);
    expect(compileRe2('^a.b$').test('a\nb')).toBe(false);
    // '$' without (?m) is the end of text only.
    expect(compileRe2('^abc$').test('abc\n')).toBe(false);
    // \s is [\t\n\f\r ] in RE2 (no \v, no Unicode spaces): runs on the RE2 engine.
    expect(compileRe2('^\\s$').engine).toBe('re2');
    expect(compileRe2('^\\s$').test('\u00a0')).toBe(false);
    expect(compileRe2('^\\s$').test('\t')).toBe(true);
    // POSIX classes and inline flags mid-pattern are RE2-only syntax.
    expect(compileRe2('^[[:alpha:]]+$').test('abc')).toBe(true);
    expect(compileRe2('^a(?i)b$').test('aB')).toBe(true);
    // Unanchored patterns match anywhere (Go regexp.MatchString).
    expect(compileRe2('[0-9]').test('abc1')).toBe(true);
  });

  test('patterns RE2 rejects are errors even where JS would accept them', () => {
    expect(() => compileRe2('(?=a)b')).toThrow(Re2SyntaxError);
    expect(() => compileRe2('(a)\\1')).toThrow(/invalid RE2 pattern/);
  });

  test('the JS fast path agrees with RE2JS on corpus-like patterns', () => {
    const patterns = [
      '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
      '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$',
      '(?i)(^(/subscriptions/([^/]+)(/resourcegroups/([^/]+))?)?/providers/([^/]+)/([^/]+/[^/]+)(/([^/]+/[^/]+))*$|^/subscriptions/([^/]+)(/resourcegroups/([^/]+))?$)',
      '^(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$',
      '^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$',
    ];
    const inputs = ['', 'a', 'a-b.c', 'A', '10.0.0.1', '256.1.1.1', '1h30m', '1.5s', 'x\n', 'é', '/SUBSCRIPTIONS/x/PROVIDERS/a/b/c', '/subscriptions/s/resourceGroups/r', 'a'.repeat(70)];
    for (const p of patterns) {
      expect(translateToJs(p)).toBeDefined();
      const re2 = RE2JS.compile(p);
      for (const s of inputs) expect({ p, s, r: compileRe2(p).test(s) }).toEqual({ p, s, r: re2.test(s) });
    }
  });
});
