import * as YAML from 'yaml';

/**
 * A YAML emitter specialised for the JSON-like documents the library writes, producing exactly the
 * bytes of `YAML.stringify(value, { lineWidth: 0, version: '1.1' })` (`yaml` 2.9.1), several times
 * faster: no document, node or pair objects are built, and the decision for each distinct string
 * is cached.
 *
 * It handles plain objects and arrays at the top level holding plain objects, arrays, strings,
 * finite numbers, booleans and null (object properties that are `undefined` are skipped, as `yaml`
 * does). Anything else anywhere in the document (another class, a function, `undefined` in an
 * array, a bigint, a non-finite number, the same object twice, which `yaml` would write with an
 * anchor and alias, a key longer than 1024 characters) makes it hand the whole document to
 * `yaml` instead. The string rules are a transcription of yaml's `stringifyString` for these
 * options (no folding: `lineWidth: 0`; literal block scalars; YAML 1.1 schema tag tests decide
 * which plain strings must be quoted).
 *
 * Everything lives inside one factory with no outside references, so that the worker threads of
 * the YAML pool can rebuild it from its source text.
 */
export function createYamlEmitter(yaml: typeof YAML): (value: unknown) => string {
  const OPTIONS = { lineWidth: 0, version: '1.1' } as const;
  // The YAML 1.1 schema's implicit tags: a plain string matching one of these must be quoted.
  const schemaDoc = new yaml.Document(null, OPTIONS) as unknown as {
    schema: { tags: Array<{ default?: unknown; tag: string; test?: RegExp }>; compat: Array<{ default?: unknown; tag: string; test?: RegExp }> | null };
  };
  const tagTests: RegExp[] = [];
  for (const t of schemaDoc.schema.tags.concat(schemaDoc.schema.compat || [])) {
    if (t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test) tagTests.push(t.test);
  }
  const INDENT_STEP = '  ';
  const FALLBACK = { fallback: true };
  const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
  const PLAIN_FORBIDDEN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
  const DOC_MARKER = /^(%|---|\.\.\.)/m;
  const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;
  const MIN_MULTILINE = 40; // doubleQuotedMinMultiLineLength

  function doubleQuoted(value: string, implicitKey: boolean, ctxIndent: string): string {
    const json = JSON.stringify(value);
    const indent = ctxIndent || (DOC_MARKER.test(value) ? '  ' : '');
    let str = '';
    let start = 0;
    for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
      if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
        str += json.slice(start, i) + '\\ ';
        i += 1;
        start = i;
        ch = '\\';
      }
      if (ch === '\\') {
        switch (json[i + 1]) {
          case 'u': {
            str += json.slice(start, i);
            const code = json.substr(i + 2, 4);
            switch (code) {
              case '0000': str += '\\0'; break;
              case '0007': str += '\\a'; break;
              case '000b': str += '\\v'; break;
              case '001b': str += '\\e'; break;
              case '0085': str += '\\N'; break;
              case '00a0': str += '\\_'; break;
              case '2028': str += '\\L'; break;
              case '2029': str += '\\P'; break;
              default:
                if (code.substr(0, 2) === '00') str += '\\x' + code.substr(2);
                else str += json.substr(i, 6);
            }
            i += 5;
            start = i + 1;
            break;
          }
          case 'n':
            if (implicitKey || json[i + 2] === '"' || json.length < MIN_MULTILINE) {
              i += 1;
            } else {
              str += json.slice(start, i) + '\n\n';
              while (json[i + 2] === '\\' && json[i + 3] === 'n' && json[i + 4] !== '"') {
                str += '\n';
                i += 2;
              }
              str += indent;
              if (json[i + 2] === ' ') str += '\\';
              i += 1;
              start = i + 1;
            }
            break;
          default:
            i += 1;
        }
      }
    }
    return start ? str + json.slice(start) : json;
  }

  function singleQuoted(value: string, implicitKey: boolean, ctxIndent: string): string {
    if ((implicitKey && value.includes('\n')) || /[ \t]\n|\n[ \t]/.test(value)) return doubleQuoted(value, implicitKey, ctxIndent);
    const indent = ctxIndent || (DOC_MARKER.test(value) ? '  ' : '');
    return "'" + value.replace(/'/g, "''").replace(/\n+/g, `$&\n${indent}`) + "'";
  }

  function quoted(value: string, implicitKey: boolean, indent: string): string {
    const hasDouble = value.includes('"');
    const hasSingle = value.includes("'");
    return hasDouble && !hasSingle ? singleQuoted(value, implicitKey, indent) : doubleQuoted(value, implicitKey, indent);
  }

  // Literal block scalar (lineWidth 0 never folds); only reached with implicitKey false.
  function block(value: string, ctxIndent: string): string {
    if (/\n[\t ]+$/.test(value)) return quoted(value, false, ctxIndent);
    const indent = ctxIndent || (DOC_MARKER.test(value) ? '  ' : '');
    if (!value) return '|\n';
    let chomp: string;
    let endStart: number;
    for (endStart = value.length; endStart > 0; --endStart) {
      const ch = value[endStart - 1];
      if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
    }
    let end = value.substring(endStart);
    const endNlPos = end.indexOf('\n');
    if (endNlPos === -1) chomp = '-';
    else if (value === end || endNlPos !== end.length - 1) chomp = '+';
    else chomp = '';
    if (end) {
      value = value.slice(0, -end.length);
      if (end[end.length - 1] === '\n') end = end.slice(0, -1);
      end = end.replace(BLOCK_END_NEWLINES, `$&${indent}`);
    }
    let startWithSpace = false;
    let startEnd: number;
    let startNlPos = -1;
    for (startEnd = 0; startEnd < value.length; ++startEnd) {
      const ch = value[startEnd];
      if (ch === ' ') startWithSpace = true;
      else if (ch === '\n') startNlPos = startEnd;
      else break;
    }
    let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
    if (start) {
      value = value.substring(start.length);
      start = start.replace(/\n+/g, `$&${indent}`);
    }
    const header = (startWithSpace ? (indent ? '2' : '1') : '') + chomp;
    value = value.replace(/\n+/g, `$&${indent}`);
    return `|${header}\n${indent}${start}${value}${end}`;
  }

  function plain(value: string, implicitKey: boolean, indent: string): string {
    if (implicitKey && value.includes('\n')) return quoted(value, implicitKey, indent);
    if (PLAIN_FORBIDDEN.test(value)) {
      return implicitKey || !value.includes('\n') ? quoted(value, implicitKey, indent) : block(value, indent);
    }
    if (!implicitKey && value.includes('\n')) return block(value, indent);
    if (DOC_MARKER.test(value)) {
      // indent is never '' here: only collections are emitted at the top level.
      if (implicitKey && indent === INDENT_STEP) return quoted(value, implicitKey, indent);
    }
    const str = value.replace(/\n+/g, `$&\n${indent}`);
    for (const t of tagTests) if (t.test(str)) return quoted(value, implicitKey, indent);
    return str;
  }

  function str(value: string, implicitKey: boolean, indent: string): string {
    // yaml 1.1's merge tag claims the string '<<' (key or value) and writes it bare.
    if (value === '<<') return value;
    if (CONTROL.test(value)) return doubleQuoted(value, implicitKey, indent);
    return plain(value, implicitKey, indent);
  }

  // Single-line strings render independently of the indent (keys: except for document markers at
  // the first level), so their rendering is cached.
  const CACHE_LIMIT = 100000;
  let valueCache = new Map<string, string>();
  let keyCache = new Map<string, string>();
  function valueStr(value: string, indent: string): string {
    if (value.includes('\n')) return str(value, false, indent);
    let out = valueCache.get(value);
    if (out === undefined) {
      out = str(value, false, indent);
      if (valueCache.size >= CACHE_LIMIT) valueCache = new Map();
      valueCache.set(value, out);
    }
    return out;
  }
  function keyStr(key: string, indent: string): string {
    if (indent === INDENT_STEP && DOC_MARKER.test(key)) return str(key, true, indent);
    let out = keyCache.get(key);
    if (out === undefined) {
      out = str(key, true, indent);
      if (keyCache.size >= CACHE_LIMIT) keyCache = new Map();
      keyCache.set(key, out);
    }
    return out;
  }

  const OBJECT_PROTO = Object.prototype;
  let seen = new Set<object>();

  function scalar(value: unknown, indent: string): string | undefined {
    switch (typeof value) {
      case 'string':
        return valueStr(value, indent);
      case 'number':
        if (!isFinite(value)) throw FALLBACK;
        return Object.is(value, -0) ? '-0' : JSON.stringify(value);
      case 'boolean':
        return value ? 'true' : 'false';
      case 'object':
        return value === null ? 'null' : undefined;
      default:
        throw FALLBACK;
    }
  }

  function isEmptyCollection(value: object): boolean {
    if (Array.isArray(value)) return value.length === 0;
    for (const k in value) if ((value as Record<string, unknown>)[k] !== undefined && Object.prototype.hasOwnProperty.call(value, k)) return false;
    return true;
  }

  // A block collection at `indent` (the indent of its continuation lines).
  function collection(value: object, indent: string): string {
    if (seen.has(value)) throw FALLBACK;
    seen.add(value);
    if (Array.isArray(value)) {
      if (value.length === 0) return '[]';
      const itemIndent = indent + INDENT_STEP;
      let out = '';
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) throw FALLBACK;
        const item: unknown = value[i];
        const s = scalar(item, itemIndent);
        const line = '- ' + (s !== undefined ? s : collectionValue(item as object, itemIndent));
        out += i === 0 ? line : `\n${indent}${line}`;
      }
      return out;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== OBJECT_PROTO && proto !== null) throw FALLBACK;
    const inner = indent + INDENT_STEP;
    let out = '';
    let first = true;
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      const k = keyStr(key, inner);
      if (k.length > 1024) throw FALLBACK;
      let line: string;
      const s = scalar(v, inner);
      if (s !== undefined) {
        line = `${k}: ${s}`;
      } else if (isEmptyCollection(v as object)) {
        line = `${k}: ${collectionValue(v as object, inner)}`;
      } else {
        line = `${k}:\n${inner}${collection(v as object, inner)}`;
      }
      out += first ? line : `\n${indent}${line}`;
      first = false;
    }
    return first ? '{}' : out;
  }

  // A collection where a value goes: `{}`/`[]` when empty, else the block collection.
  function collectionValue(value: object, indent: string): string {
    if (typeof value !== 'object' || value === null) throw FALLBACK;
    return collection(value, indent);
  }

  return function emit(value: unknown): string {
    if (typeof value === 'object' && value !== null) {
      seen = new Set();
      try {
        return `${collectionValue(value, '')}\n`;
      } catch (e) {
        if (e !== FALLBACK) throw e;
      } finally {
        seen = new Set();
      }
    }
    return yaml.stringify(value, OPTIONS);
  };
}

/**
 * Serializes one JSON-like value as a YAML document, byte for byte like
 * `YAML.stringify(value, { lineWidth: 0, version: '1.1' })` (see {@link createYamlEmitter}).
 */
export const emitYaml: (value: unknown) => string = createYamlEmitter(YAML);
