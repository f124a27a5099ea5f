// The API reference (docs/api/, `npm run docs`) is up to date, and construct classes are documented
// (summary, @example, every prop described with its @default): violations not listed in
// docs/known-doc-violations.txt fail.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ROOT, TSX } from './helpers';

function docs(args: string[]) {
  return spawnSync(process.execPath, [TSX, path.join(ROOT, 'scripts', 'docs.ts'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

test('docs/api is what `npm run docs` generates from the current TSDoc', () => {
  const r = docs(['--check']);
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/^docs: docs\/api is up to date \(\d+ files\)\n$/);
  expect(r.status).toBe(0);
});

test('every exported construct class is documented (new violations fail; known ones are listed)', () => {
  const r = docs(['--lint', '--json']);
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout) as { checked: string[]; violations: string[]; unknown: string[]; fixed: string[] };
  expect(report.checked).toEqual(expect.arrayContaining(['Folder', 'GitOpsApp', 'Repo']));
  if (report.violations.length > 0 || report.fixed.length > 0) {
    // Visible in the test output without failing: the lead fixes the known ones.
    console.log(`construct docs: known violations:\n  ${report.violations.join('\n  ')}\nfixed: ${report.fixed.join(', ') || 'none'}`);
  }
  expect(report.unknown).toEqual([]);
  expect(r.status).toBe(0);
});

test('the lint finds a missing summary, @example, prop description and @default', () => {
  const r = docs(['--lint', '--json', '--entry', path.join(__dirname, 'fixtures', 'undocumented.ts')]);
  const report = JSON.parse(r.stdout);
  expect(report.checked).toEqual(['Bare', 'Documented', 'Sloppy']);
  expect(report.violations).toEqual([
    'Bare: no @example',
    'Bare: no summary',
    'BaseProps.color: no @default',
    'Sloppy: no @example',
    'SloppyProps.size: no @default',
    'SloppyProps.size: no description',
  ]);
  expect(r.status).toBe(1);
});

function render(entry?: string): Record<string, string> {
  const r = docs(['--print', ...(entry ? ['--entry', entry] : [])]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, string>;
}

test('the API reference links our types, lists inherited props and documents method parameters', () => {
  const files = render(path.join(__dirname, 'fixtures', 'api-links.ts'));
  const lines = files['index.md'].split('\n');
  // {@link X} in prose links too, relative to the page it is on (the index is another page).
  expect(lines).toContain('Props of a [`Widget`](#class-widget).');
  expect(files['README.md'].split('\n')).toContain(
    '- [`WidgetProps`](index.md#interface-widgetprops) (interface) — Props of a [`Widget`](index.md#class-widget).',
  );
  // Types of ours are links in prop tables, "Extends" lines and signatures; others stay code.
  expect(lines).toContain('Extends [`ShapeProps`](#interface-shapeprops).');
  expect(lines).toContain('| `fills` (readonly) | [`Color`](#type-color)`[]` | required | Fill colours, in order. |');
  expect(lines).toContain('<pre lang="ts"><code>paint(color: <a href="#type-color">Color</a>, times?: number): <a href="#class-widget">Widget</a></code></pre>');
  expect(lines).toContain(
    '<pre lang="ts"><code>function firstFill&lt;T extends <a href="#interface-widgetprops">WidgetProps</a>&gt;(props: T): <a href="#type-color">Color</a> | undefined</code></pre>',
  );
  expect(lines).toContain('Extends `Construct`.');
  // Inherited props are listed on the sub-interface, marked with where they come from.
  expect(lines).toContain(
    '| `outline?` (readonly) | [`Color`](#type-color) | `\'red\'` | Outline colour.<br/>_Inherited from [`ShapeProps`](#interface-shapeprops)._ |',
  );
  // Parameters: name, linked type, @param description (and a default value); @returns.
  expect(lines).toContain('| `color` | [`Color`](#type-color) | the colour to paint with |');
  expect(lines).toContain('| `times?` | `number` | how many coats. Default: `1`. |');
  expect(lines).toContain('Returns [`Widget`](#class-widget) — the widget, for chaining');
  expect(lines).toContain('| `props` | `T` | the widget\'s props |');
  // Undocumented construct `scope` / `id` get the cdk8s convention's description.
  expect(lines).toContain('| `scope` | `Construct` | The parent construct. |');
  expect(lines).toContain('| `id` | `string` | The construct id, unique among its siblings. |');
  // Class properties are outputs: no Default column.
  expect(lines).toContain('| `size` (readonly) | `number` | Number of fills. |');
  // A subclass shows its (inherited) constructor and links the methods it inherits.
  expect(lines).toContain('#### `new Wheel(scope, id, props)`');
  expect(lines).toContain('Inherited methods: [`paint()`](#class-widget) (from `Widget`).');
});

test('every link in the API reference resolves to a heading of the page it names', () => {
  const files = render();
  const slug = (h: string) => h.replace(/^#+ /, '').toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
  const anchors = new Map(Object.entries(files).map(([f, s]) => [f, new Set(s.split('\n').filter((l) => /^#{1,6} /.test(l)).map(slug))]));
  const broken: string[] = [];
  let crossPage = 0;
  for (const [f, s] of Object.entries(files)) {
    expect(/[\uE000-\uE002]/.test(s)).toBe(false);
    for (const m of s.matchAll(/\]\(([a-z-]*\.md)?#([a-z0-9-]+)\)|href="([a-z-]*\.md)?#([a-z0-9-]+)"/g)) {
      const page = m[1] ?? m[3] ?? f;
      if (page !== f) crossPage++;
      if (!anchors.get(page)?.has(m[2] ?? m[4])) broken.push(`${f}: ${m[0]}`);
    }
  }
  expect(broken).toEqual([]);
  expect(crossPage).toBeGreaterThan(0);
});
