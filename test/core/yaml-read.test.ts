// parseYamlDocuments reads what `yaml`'s parseAllDocuments + toJS reads: the same values for every
// document (js-yaml with yaml's core scalar types), the same errors (those go to `yaml`).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { buildExamples } from '../../examples/main';
import { parseYamlDocuments, readByYamlOnly } from '../../lib/core/yaml-read';
import { listFiles } from '../../lib/core/validation/registry';
import { resolveMirror } from '../../scripts/import-crds';

/** What `yaml` reads: per document, its value or its first error line. */
function reference(text: string): Array<{ value?: unknown; error?: string }> {
  return parseAllDocuments(text).map((doc) => (doc.errors.length > 0 ? { error: doc.errors[0].message.split('\n')[0] } : { value: doc.toJS() }));
}

/** The outcome of `fn`: its result, or what it threw. */
function outcome<T>(fn: () => T): { result?: T; threw?: string } {
  try {
    return { result: fn() };
  } catch (e) {
    return { threw: String(e) };
  }
}

function expectSame(text: string, where = ''): void {
  const got = outcome(() => parseYamlDocuments(text));
  try {
    expect(got).toEqual(outcome(() => reference(text)));
  } catch (e) {
    throw new Error(`${where}${JSON.stringify(text).slice(0, 200)}: ${(e as Error).message}`);
  }
}

test('plain scalars resolve as in yaml\'s core schema (not js-yaml\'s: no 0b binary, no _ separators)', () => {
  const scalars = [
    '', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'yes', 'no', 'on', 'off', 'y', 'n',
    '0', '-0', '+0', '007', '0o17', '0o8', '0O17', '0x1F', '0X1F', '0xg', '0b101', '1_000', '12345678901234567890', '-12', '+12',
    '1.5', '-1.5', '+1.5', '.5', '5.', '1e3', '1E3', '1.5e-3', '.5e+3', '1e', 'e3', '1.2.3', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', '-.nan', 'inf',
    '2024-01-01', '2001-12-14t21:59:43.10-05:00', '12:30', '1:30:00', '<<', '=', '!', 'v1.33.2', '10.0.0.0/8', '0.0.0.0', '"1"', "'1'",
  ];
  expect(scalars.filter((s) => !readByYamlOnly(`v: ${s}\n`)).length).toBeGreaterThan(scalars.length - 5);
  for (const s of scalars) {
    expectSame(`v: ${s}\n`);
    expectSame(`- ${s}\n`);
    if (s !== '' && !s.startsWith('!')) expectSame(`${s}: x\n`);
  }
});

test('documents, markers, comments, block and flow styles, tags, anchors, directives and errors', () => {
  const texts = [
    '', '\n', '# only a comment\n', '---\n', '---\n---\n', 'a: 1\n---\n', '---\na: 1\n...\n---\nb: 2\n', 'a: 1\n--- \nb: 2\n...\n',
    'a: |\n  line\n  two\nb: >-\n  folded\n  text\n\nc: |+\n  keep\n\n', 'a: [1, "2", {b: c}]\nd: {}\ne: []\n',
    "a: 'it''s'\nb: \"tab\\there \\u00e9\"\nc: plain text: with colon\n", 'key with spaces: v\n"quoted key": v\n? complex\n: v\n',
    '__proto__: x\nconstructor: y\n', 'a: !!str 1\nb: !!int "7"\nc: !!float 1\n', 'a: !custom x\n', 'a: &x {b: 1}\nc: *x\n',
    '%YAML 1.1\n---\na: yes\n', 'a: 1\na: 2\n', 'a: [1, 2\n', 'a:\n  - b\n   - c\n', 'a: b: c\n', '- a\nb: c\n', 'a: "unterminated\n',
    '<<: {a: 1}\nb: 2\n', 'a: *undefined\n', 'list:\n- a\n- b: 1\n  c: 2\n', 'a:\n  b:\n    c: [x, y]\n', 'a: 1 # comment\n# end\n',
    'a: "multi\n  line"\n', 'a: multi\n  line plain\n', 'a: \'*not-an-alias\'\nb: "x *y"\n', 'a: 2 * 3\n',
  ];
  for (const t of texts) expectSame(t);
});

test('every file the bundled examples write is read as yaml reads it', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-read-'));
  try {
    buildExamples(out).synth();
    const files = listFiles(out, /\.ya?ml$/i);
    expect(files.length).toBeGreaterThan(300);
    const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
    texts.forEach((t, i) => expectSame(t, `${files[i]}: `));
    // js-yaml reads nearly all of them (the rest hold a tag, a `*` or a `? ` key).
    expect(texts.filter((t) => !readByYamlOnly(t)).length / texts.length).toBeGreaterThan(0.95);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('every upstream CRD and example file of ../shared/crds is read as yaml reads it (needs ../shared/crds)', () => {
  const mirror = resolveMirror();
  if (!fs.existsSync(mirror)) throw new Error(`CRD mirror not found at ${mirror}: this test reads the upstream YAML files of ../shared/crds (or CDK8S_PLATFORM_CRD_MIRROR)`);
  const files = listFiles(mirror, /\.ya?ml$/i);
  expect(files.length).toBeGreaterThan(100);
  for (const f of files) expectSame(fs.readFileSync(f, 'utf8'), `${f}: `);
});

test('validate reads files on worker threads as on the main thread: documents, errors, unreadable files, in file order', async () => {
  const { readYamlFiles } = require('../../lib/cli/read-yaml-files') as typeof import('../../lib/cli/read-yaml-files');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-read-files-'));
  try {
    const texts = [
      'a: 1\n---\nb: [x, "y"]\n', 'a: 1\na: 2\n', '__proto__: x\nconstructor: y\n', 'v: .inf\nw: .nan\n', '# comment only\n', 'a: &x {b: 1}\nc: *x\n',
      // Over a few chunks (128 files each), shared by the threads; the odd files again at the end.
      ...Array.from({ length: 400 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  k: "${i}"\n`),
      'a: 1\na: 2\n', 'v: .inf\nw: .nan\n',
    ];
    const files = texts.map((t, i) => {
      const f = path.join(dir, `f${i}.yaml`);
      fs.writeFileSync(f, t);
      return f;
    });
    files.push(path.join(dir, 'missing.yaml'));
    const inline = await readYamlFiles(files, 0);
    for (const threads of [1, 3]) {
      expect(await readYamlFiles(files, threads)).toEqual(inline);
      // Only the workers take chunks (this thread would finish before they start).
      expect(await readYamlFiles(files, threads, false)).toEqual(inline);
    }
    expect(inline[0]).toEqual({ docs: [{ value: { a: 1 } }, { value: { b: ['x', 'y'] } }] });
    expect(inline[1].docs?.[0].error).toMatch(/^Map keys must be unique/);
    expect(inline[files.length - 1].readError).toMatch(/^ENOENT/);
    // An unresolved alias: yaml's toJS throws, on the main thread as before; with several, at the
    // first in file order, whichever thread took it.
    const bad = path.join(dir, 'alias.yaml');
    fs.writeFileSync(bad, 'a: *nowhere\n');
    await expect(readYamlFiles([...files.slice(0, 300), bad], 1, false)).rejects.toThrow(/Unresolved alias/);
    const first = path.join(dir, 'alias-first.yaml');
    fs.writeFileSync(first, 'a: *first\n');
    const twoBad = [...files.slice(0, 10), first, ...files.slice(10, 300), bad];
    for (const [threads, main] of [[0, true], [1, true], [1, false], [3, false]] as const) {
      await expect(readYamlFiles(twoBad, threads, main)).rejects.toThrow(/Unresolved alias.*first/);
    }
    // Nesting deeper than the stack: one error whichever thread read it (yaml's own names where the
    // stack ran out, which differs between the main thread and a worker).
    const deep = path.join(dir, 'deep.yaml');
    fs.writeFileSync(deep, `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    for (const [threads, main] of [[0, true], [1, false]] as const) {
      expect((await readYamlFiles([...files.slice(0, 300), deep], threads, main))[300]).toEqual({ docs: [{ error: 'nested too deeply to read (the YAML parser ran out of stack)' }] });
    }
    // A !!binary value is a Buffer, whichever thread read the file (a worker's would arrive as a plain Uint8Array).
    const binary = path.join(dir, 'binary.yaml');
    fs.writeFileSync(binary, 'data: !!binary aGVsbG8=\n');
    const withBinary = [...files.slice(0, 300), binary];
    for (const [threads, main] of [[0, true], [1, false]] as const) {
      const value = ((await readYamlFiles(withBinary, threads, main))[300].docs![0].value as { data: unknown }).data;
      expect(Buffer.isBuffer(value) && value.toString()).toBe('hello');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
