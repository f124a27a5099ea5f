// Every package the code imports is declared in package.json: what lib/ and bin/ load at run
// time (or name in the published .d.ts files) in `dependencies` or `peerDependencies`, what the
// scripts, tests, benchmarks and examples load in any of the three lists. An undeclared package
// works only while another package happens to pull it in (as @bufbuild/re2 did through
// @bufbuild/cel, and esbuild through tsx).
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const runtime = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
const any = new Set([...runtime, ...Object.keys(pkg.devDependencies ?? {})]);
const builtins = new Set(builtinModules);

/** The package an import specifier names (`@scope/name/sub` → `@scope/name`), or undefined for a relative path or a Node built-in. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || builtins.has(specifier)) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return builtins.has(name) ? undefined : name;
}

/** The packages a source file imports (`import`, `export … from`, `import()`, `require()`), comments ignored. */
export function importsOf(source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  const names = info.importedFiles.map((f) => packageOf(f.fileName)).filter((n): n is string => n !== undefined);
  return [...new Set(names)].sort();
}

/** `<file>: imports <package>, which is not in <lists> of package.json` for each undeclared import. */
export function undeclared(files: string[], declared: Set<string>, lists: string): string[] {
  const problems: string[] = [];
  for (const file of files) {
    for (const name of importsOf(fs.readFileSync(file, 'utf8'))) {
      if (name !== pkg.name && !declared.has(name)) problems.push(`${path.relative(ROOT, file)}: imports ${name}, which is not in ${lists} of package.json`);
    }
  }
  return problems;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'fixtures') walk(p);
      } else if (/\.(ts|js|mjs|cjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) {
        out.push(p);
      }
    }
  };
  walk(path.join(ROOT, dir));
  return out.sort();
}

describe('declared dependencies', () => {
  test('lib/ and bin/ import only dependencies, peer dependencies and Node built-ins', () => {
    const files = [...sources('lib'), ...sources('bin')];
    expect(files.length).toBeGreaterThan(100);
    expect(undeclared(files, runtime, 'dependencies or peerDependencies')).toEqual([]);
  });

  test('cdk8s-plus (a peer dependency) is named in lib/ only by lib/core/plus.ts, for types', () => {
    const files = sources('lib').filter((f) => importsOf(fs.readFileSync(f, 'utf8')).some((n) => n.startsWith('cdk8s-plus-')));
    expect(files.map((f) => path.relative(ROOT, f))).toEqual(['lib/core/plus.ts']);
    expect(fs.readFileSync(files[0], 'utf8')).toContain("import type * as plus28 from 'cdk8s-plus-28';");
  });

  test('scripts/, test/, bench/ and examples/ import only declared packages', () => {
    const files = ['scripts', 'test', 'bench', 'examples'].flatMap(sources);
    expect(undeclared(files, any, 'dependencies, devDependencies or peerDependencies')).toEqual([]);
  });

  test('the parser finds every import form, ignores comments, relative paths and built-ins', () => {
    const src = [
      "import { a } from 'left-pad';",
      "import type { B } from '@scope/types/sub/path';",
      "export * from 'reexported';",
      "const c = require('required');",
      "const d = import('dynamic');",
      "import * as fs from 'fs'; import * as p from 'node:path'; import * as pp from 'path/posix';",
      "import { x } from './local';",
      "// import { y } from 'in-a-comment';",
      "/** new kplus.Deployment(...) from 'in-jsdoc' */",
    ].join('\n');
    expect(importsOf(src)).toEqual(['@scope/types', 'dynamic', 'left-pad', 'reexported', 'required']);
  });

  test('an undeclared package is reported with the file and the lists it is missing from', () => {
    const file = path.join(ROOT, 'lib', 'core', 'validation', 're2.ts');
    expect(undeclared([file], new Set(), 'dependencies or peerDependencies')).toEqual([
      'lib/core/validation/re2.ts: imports @bufbuild/re2, which is not in dependencies or peerDependencies of package.json',
    ]);
  });
});
