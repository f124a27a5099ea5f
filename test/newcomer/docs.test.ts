// The API reference (docs/api/, `npm run docs`) is up to date, and construct classes are documented
// (summary, @example, every prop described with its @default): violations not listed in
// docs/known-doc-violations.txt fail.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ROOT, TSX } from './helpers';

function docs(args: string[]) {
  return spawnSync(process.execPath, [TSX, path.join(ROOT, 'scripts', 'docs.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
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
