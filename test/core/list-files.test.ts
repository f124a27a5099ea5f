/** listFiles builds paths by concatenation: they must be exactly path.join's, whatever the directory's spelling. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { joinPrefix, listFiles } from '../../lib/core/validation/registry';

/** The reference: path.join at every step. */
function listByJoin(dir: string, re: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p);
      } else if (e.isFile() && re.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

test('listFiles: the paths path.join would build, sorted, node_modules and dot-directories skipped', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'list-files-'));
  const cwd = process.cwd();
  try {
    for (const f of ['a.yaml', 'b/c.yml', 'b/d/e.YAML', 'b/notes.txt', '.git/x.yaml', 'node_modules/p/y.yaml', 'z/..y.yaml', 'Z/w.yaml']) {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), 'a: 1\n');
    }
    process.chdir(root);
    const parent = path.basename(root);
    const spellings = ['.', './', 'b', './b/', 'b/d/..', root, `${root}/`, `${root}//b/../b`, `../${parent}`, `../${parent}/b/`];
    for (const dir of spellings) {
      expect([dir, listFiles(dir, /\.ya?ml$/i)]).toEqual([dir, listByJoin(dir, /\.ya?ml$/i)]);
    }
    expect(listFiles('.', /\.ya?ml$/i)).toEqual(['Z/w.yaml', 'a.yaml', 'b/c.yml', 'b/d/e.YAML', 'z/..y.yaml']);
    for (const dir of [...spellings, '', '/', 'a/b']) expect(joinPrefix(dir) + 'n').toBe(path.join(dir, 'n'));
  } finally {
    process.chdir(cwd);
    fs.rmSync(root, { recursive: true, force: true });
  }
});
