/**
 * Reading multi-document YAML files (`validate`, the destroy guard's and `plan`'s baseline files)
 * as `yaml`'s `parseAllDocuments(text).map((d) => d.toJS())` reads them (YAML 1.2, core schema),
 * about ten times faster for the files the library writes.
 *
 * `yaml` builds a concrete and an abstract syntax tree with source positions for every document;
 * reading a 10,000-cluster tree (100,000 files) spent most of its time there. js-yaml builds the
 * plain values directly. Where the two could differ, the text goes to `yaml` instead, so results
 * and error messages stay `yaml`'s:
 *
 * - the implicit scalar types are `yaml`'s core schema, transcribed (null, bool, int in decimal,
 *   `0o` octal and `0x` hex, float, `.inf` / `.nan`): js-yaml's own core schema also reads `0b`
 *   binary and `_` separators, `yaml` does not;
 * - any error (syntax, duplicate keys) → `yaml`, which reports it per document;
 * - a tag (`!`, `!!str`, `!custom`: js-yaml and `yaml` resolve some differently) → `yaml`;
 * - a `%` directive line (`%YAML 1.1` changes the schema in `yaml`) → `yaml`;
 * - anything that may be an alias (`*name`) → `yaml`, which bounds alias expansion
 *   (`maxAliasCount`; js-yaml has no such bound);
 * - a mapping key that may be null (js-yaml names it "null", `yaml` "") or an explicit `? ` key,
 *   and a file with an empty document (js-yaml also reads one from a text of comments) → `yaml`.
 *
 * Equivalence is tested on every file the bundled examples write, the test corpus and a table of
 * edge scalars (test/core/yaml-read.test.ts).
 */
import * as jsyaml from 'js-yaml';
import { parseAllDocuments } from 'yaml';

/** One document of a file: its value, or the first error `yaml` reports for it. */
export interface ParsedYamlDocument {
  /** The document as plain data (null for an empty document); undefined when it has an error. */
  readonly value?: unknown;
  /** The first line of `yaml`'s first error message for the document, when it has one. */
  readonly error?: string;
}

/** What {@link createYamlReader} returns. */
export interface YamlReader {
  /** Every document of a YAML text, as `yaml` reads it (see the module's notes). */
  parse(text: string): ParsedYamlDocument[];
  /** Whether `text` is read by `yaml` whatever it holds; otherwise js-yaml reads it first. */
  readByYamlOnly(text: string): boolean;
}

/**
 * The reader, built from the two libraries. Self-contained (no outside references), so that the
 * worker threads of `readYamlFiles` rebuild it from its source text, like the YAML emitter.
 */
export function createYamlReader(js: typeof jsyaml, yamlLib: { parseAllDocuments: typeof parseAllDocuments }): YamlReader {
  const scalar = (tag: string, test: RegExp, construct: (s: string) => unknown) =>
    new js.Type(`tag:yaml.org,2002:${tag}`, { kind: 'scalar', resolve: (s: string | null) => s !== null && test.test(s), construct: (s: string) => construct(s) });
  // `yaml` 2's core schema tests (yaml/dist/schema/core/*.js, common/null.js), in its order.
  const coreAsYaml = js.FAILSAFE_SCHEMA.extend({
    implicit: [
      scalar('null', /^(?:~|[Nn]ull|NULL)?$/, () => null),
      scalar('bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'),
      scalar('int', /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/, (s) =>
        s.startsWith('0o') ? parseInt(s.substring(2), 8) : s.startsWith('0x') ? parseInt(s.substring(2), 16) : parseInt(s, 10),
      ),
      scalar('float', /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/, (s) =>
        /^[-+]?\.(?:inf|Inf|INF)$/.test(s) ? (s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY) : /^\.(?:nan|NaN|NAN)$/.test(s) ? NaN : parseFloat(s),
      ),
    ],
  });
  // The texts read by `yaml` itself: a directive line; what may be an alias; a mapping key that
  // may be null or empty (`~:`, `null:`, `:`; js-yaml names it "null", `yaml` ""), or an explicit
  // `? ` key; what may be a tag. False positives only cost speed.
  const yamlOnly = [
    /^%/m,
    /(?:^|[\s[{,:-])\*[^\s,\]}]/m,
    /^[ \t]*(?:-[ \t]+)*(?:~|null|Null|NULL)?[ \t]*:(?:[ \t]|$)/m,
    /[{,][ \t]*(?:~|null|Null|NULL)?[ \t]*:(?:[ \t]|$)/,
    /^[ \t]*(?:-[ \t]+)*\?(?:[ \t]|$)/m,
    /(?:^|[\s[{,:-])!/m,
  ];
  const readByYamlOnly = (text: string) => yamlOnly.some((re) => re.test(text));
  return {
    readByYamlOnly,
    parse(text) {
      if (!readByYamlOnly(text)) {
        try {
          const docs = js.loadAll(text, undefined, { schema: coreAsYaml });
          // An empty document (js-yaml also returns one for a text of comments, `yaml` none): `yaml` decides.
          if (docs.every((d) => d !== null && d !== undefined)) return docs.map((value) => ({ value }));
        } catch {
          // read by `yaml` below, which reports the error per document
        }
      }
      // Nesting deeper than the stack: `yaml` reports where the stack ran out, which depends on the
      // thread's stack (the main thread's or a worker's), so the error names no position.
      const tooDeep = 'nested too deeply to read (the YAML parser ran out of stack)';
      const isStackOverflow = (m: string) => m.startsWith('Maximum call stack size exceeded');
      return yamlLib.parseAllDocuments(text).map((doc) => {
        if (doc.errors.length > 0) {
          const message = doc.errors[0].message.split('\n')[0];
          return { error: isStackOverflow(message) ? tooDeep : message };
        }
        try {
          return { value: doc.toJS() };
        } catch (e) {
          if (e instanceof RangeError && isStackOverflow(e.message)) return { error: tooDeep };
          throw e;
        }
      });
    },
  };
}

const reader = createYamlReader(jsyaml, { parseAllDocuments });

/** Every document of a YAML text, as `yaml` reads it (see the module's notes). */
export function parseYamlDocuments(text: string): ParsedYamlDocument[] {
  return reader.parse(text);
}

/** Whether `text` is read by `yaml` whatever it holds; otherwise js-yaml reads it first. */
export function readByYamlOnly(text: string): boolean {
  return reader.readByYamlOnly(text);
}
