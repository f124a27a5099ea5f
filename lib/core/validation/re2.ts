/**
 * Go RE2 regular expressions, as used by Kubernetes for OpenAPI `pattern` and CEL `matches()`.
 *
 * Patterns are evaluated with RE2 semantics. For speed, a pattern is translated into an equivalent
 * JavaScript RegExp (with the `u` flag) when it only uses syntax whose meaning is identical in both
 * engines; everything else (inline flags other than a leading `(?i)`, `\s`, `\pL`, `[[:alpha:]]`,
 * `\z`, `\Q…\E`, named groups, …) is run on @bufbuild/re2 (RE2JS), a port of Go's engine.
 * The translation is deliberately conservative: any construct it does not recognise disables it.
 */
import { RE2JS } from '@bufbuild/re2';

/** A compiled RE2 pattern: `test` reports whether the pattern matches anywhere in the input. */
export interface Re2Matcher {
  readonly source: string;
  /** `js` when the pattern runs on a translated RegExp, `re2` when it runs on RE2JS. */
  readonly engine: 'js' | 're2';
  test(input: string): boolean;
}

/** Thrown for patterns that are not valid RE2 syntax. */
export class Re2SyntaxError extends Error {
  constructor(readonly pattern: string, detail: string) {
    super(`invalid RE2 pattern ${JSON.stringify(pattern)}: ${detail}`);
    this.name = 'Re2SyntaxError';
  }
}

const cache = new Map<string, Re2Matcher>();

/** Compiles (once, cached) an RE2 pattern. Throws Re2SyntaxError for invalid patterns. */
export function compileRe2(pattern: string): Re2Matcher {
  let m = cache.get(pattern);
  if (!m) {
    m = build(pattern);
    cache.set(pattern, m);
  }
  return m;
}

function build(pattern: string): Re2Matcher {
  // Always validate with RE2 itself: a pattern RE2 rejects must be reported even if JS accepts it.
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(pattern);
  } catch (e) {
    throw new Re2SyntaxError(pattern, e instanceof Error ? e.message : String(e));
  }
  const js = translateToJs(pattern);
  if (js) {
    return { source: pattern, engine: 'js', test: (s: string) => js.test(s) };
  }
  return { source: pattern, engine: 're2', test: (s: string) => re2.test(s) };
}

/**
 * Returns a RegExp with the same matching semantics as the RE2 pattern, or undefined when the pattern
 * uses syntax that is not known to behave identically. Exported for tests.
 */
export function translateToJs(pattern: string): RegExp | undefined {
  let flags = 'u';
  let src = pattern;
  if (src.startsWith('(?i)')) {
    flags += 'i';
    src = src.slice(4);
  }
  const ci = flags.includes('i');
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return undefined;
      // Escapes with identical meaning in RE2 and JS (u-mode): \d \D \w \W \b \B, control escapes, and
      // escaped syntax characters. \s differs (RE2: [\t\n\f\r ], JS: Unicode whitespace) and is not taken.
      // With (?i), JS also case-folds \w/\b (U+017F, U+212A); RE2 does not, so those are not taken.
      if ('dDtnrfv'.includes(n) || (!ci && 'wW'.includes(n)) || (!ci && !inClass && 'bB'.includes(n))) {
        out += c + n;
      } else if ('^$\\.*+?()[]{}|/'.includes(n) || (inClass && n === '-')) {
        out += c + n;
      } else if (n === 'x' && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 2, i + 4))) {
        out += src.slice(i, i + 4);
        i += 2;
      } else {
        return undefined;
      }
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[') return undefined; // [[:alpha:]] and friends, or a literal '[' RE2 and JS read differently
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    switch (c) {
      case '[':
        inClass = true;
        out += c;
        if (src[i + 1] === '^') { out += '^'; i++; }
        if (src[i + 1] === ']') return undefined; // leading literal ']' is RE2-only syntax
        break;
      case '(':
        if (src[i + 1] === '?') {
          if (src[i + 2] !== ':') return undefined; // lookarounds (invalid in RE2), named groups, flags
          out += '(?:';
          i += 2;
        } else {
          out += c;
        }
        break;
      case '.':
        // RE2's '.' excludes only '\n'; JS's '.' also excludes '\r', U+2028 and U+2029.
        out += '[^\\n]';
        break;
      case '{': {
        // RE2 and JS both treat well-formed {n}, {n,}, {n,m} as repetition; anything else differs.
        const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
        if (!m) return undefined;
        out += m[0];
        i += m[0].length - 1;
        break;
      }
      default:
        out += c;
    }
  }
  if (inClass) return undefined;
  try {
    return new RegExp(out, flags);
  } catch {
    return undefined;
  }
}
