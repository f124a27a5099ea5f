// Child process of writer-crash.test.ts (bundled with esbuild): writes version `v` of a test
// tree into `target` with the TreeWriter, printing "commit" on stdout just before the commit so
// the parent can kill it at a random moment of the commit.
import * as fs from 'fs';
import { TreeWriter } from '../../lib/gitops/writer';

/** The files of version `v` (0 or 1) of the test tree: half change between versions, a tenth come and go. */
export function versionFiles(v: number, n: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`d${i % 20}/f${i}.yaml`] = i % 2 === 0 ? `v${v} ${i}\n` : `same ${i}\n`;
  for (let i = 0; i < n / 10; i++) files[`only${v}/s${i % 5}/x${i}.yaml`] = `only ${v} ${i}\n`;
  return files;
}

if (require.main === module) {
  const [target, v, n] = process.argv.slice(2);
  try {
    const w = new TreeWriter(target);
    for (const [rel, content] of Object.entries(versionFiles(Number(v), Number(n)))) w.add(rel, content);
    const planned = w.changes();
    fs.writeSync(1, 'commit\n');
    w.commit(planned);
    fs.writeSync(1, 'done\n');
  } catch (e) {
    fs.writeSync(2, `${(e as Error).message}\n`);
    process.exit(1);
  }
}
