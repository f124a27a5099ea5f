// Layering of lib/: runtime imports between gitops/ (the app and its synth pipeline), safety/
// (destroy guard, plan, secret hygiene) and tree/ (reading output trees) go one way only:
// gitops → safety → tree, never back; so no import cycle spans two of them (a cycle inside one
// folder, like Folder / Overlay / Repo in gitops/, is that folder's own business).
// Type-only imports (`import type`, `export type`) are erased at runtime and do not count.
import * as fs from 'fs';
import * as path from 'path';

const LIB = path.resolve(__dirname, '../../lib');

/** Every .ts file under lib/ (relative, `/`-separated). */
function libFiles(dir = LIB): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return libFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path.relative(LIB, p).split(path.sep).join('/')] : [];
  });
}

/** The lib files `file` imports at runtime. */
export function runtimeImports(file: string, text: string): string[] {
  const specs: string[] = [];
  // Comments could hold example imports: drop them first (strings are left alone).
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const statement = /(?:^|[;\n])\s*(import|export)\s+(type\s+)?([^'"`;]*?)\s*from\s*['"]([^'"]+)['"]|(?:^|[;\n])\s*import\s+['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (let m = statement.exec(code); m; m = statement.exec(code)) {
    if (m[4] !== undefined) {
      if (m[2]) continue; // import type / export type
      const clause = m[3].trim();
      // `import { type A, type B } from` is type-only too.
      const braces = /^\{([^}]*)\}$/.exec(clause);
      if (braces && braces[1].split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '))) continue;
      specs.push(m[4]);
    } else {
      specs.push(m[5] ?? m[6]);
    }
  }
  const out: string[] = [];
  for (const spec of specs) {
    if (!spec.startsWith('.')) continue;
    const base = path.resolve(LIB, path.dirname(file), spec);
    for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
      if (fs.existsSync(candidate)) {
        out.push(path.relative(LIB, candidate).split(path.sep).join('/'));
        break;
      }
    }
  }
  return out;
}

const LAYERS = ['gitops', 'safety', 'tree'] as const;
const layerOf = (file: string) => file.split('/')[0];

function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of libFiles()) g.set(f, runtimeImports(f, fs.readFileSync(path.join(LIB, f), 'utf8')));
  return g;
}

/** Strongly connected components with more than one file (Tarjan), restricted to `keep`. */
function cycles(g: Map<string, string[]>, keep: (f: string) => boolean): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of (g.get(v) ?? []).filter(keep)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of [...g.keys()].filter(keep)) if (!idx.has(v)) visit(v);
  return out;
}

test('the import parser sees runtime imports and skips type-only ones', () => {
  const text = [
    "import * as fs from 'fs';",
    "import { Folder } from './folder';",
    "import type { Repo } from './repo';",
    "import { type KubeObject } from './layout';",
    "export { MANIFEST_FILE } from '../tree/manifest';",
    "export type { Plan } from '../safety/plan';",
    "// import { x } from './journal';",
    "const v = require('../core/kinds');",
  ].join('\n');
  expect(runtimeImports('gitops/x.ts', text)).toEqual(['gitops/folder.ts', 'tree/manifest.ts', 'core/kinds.ts']);
});

test('gitops → safety → tree: no runtime import goes back up', () => {
  const rank = new Map<string, number>(LAYERS.map((l, i) => [l, i]));
  const back: string[] = [];
  for (const [file, deps] of graph()) {
    const from = rank.get(layerOf(file));
    if (from === undefined) continue;
    for (const d of deps) {
      const to = rank.get(layerOf(d));
      if (to !== undefined && to < from) back.push(`${file} → ${d}`);
    }
  }
  expect(back).toEqual([]);
});

test('no import cycle spans two of gitops/, safety/ and tree/ (the pipeline included)', () => {
  const inLayers = (f: string) => (LAYERS as readonly string[]).includes(layerOf(f));
  expect(cycles(graph(), inLayers).filter((scc) => new Set(scc.map(layerOf)).size > 1)).toEqual([]);
  // The stage modules are in no cycle at all: they import the app's parts, nothing imports back.
  expect(cycles(graph(), inLayers).filter((scc) => scc.some((f) => f.startsWith('gitops/pipeline/')))).toEqual([]);
});

test('the cycle check finds a cycle across folders', () => {
  const g = new Map([['gitops/a.ts', ['safety/b.ts']], ['safety/b.ts', ['tree/c.ts']], ['tree/c.ts', ['gitops/a.ts']]]);
  expect(cycles(g, () => true)).toEqual([['gitops/a.ts', 'safety/b.ts', 'tree/c.ts']]);
});

test('core/ imports none of gitops/, safety/, tree/ at runtime', () => {
  const bad = [...graph()].filter(([f]) => layerOf(f) === 'core').flatMap(([f, deps]) => deps.filter((d) => (LAYERS as readonly string[]).includes(layerOf(d))).map((d) => `${f} → ${d}`));
  expect(bad).toEqual([]);
});
