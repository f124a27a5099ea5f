// Microbenchmark of the YAML emitter: `node --expose-gc --import tsx bench/yaml-emit.ts
// [--shape l1|l2|aks-cluster] [--clusters N] [--rounds R] [--json]`. Serializes every object of a
// benchmark fleet (bench/apps.ts) with `yaml` (YAML.stringify, the library's options) and with the
// fast emitter, alternating rounds in the same process, checks the bytes are identical, and
// reports the time per object of each and their ratio (median round).
import * as YAML from 'yaml';
import { buildApp, parseShape, Shape } from './apps';
import { YAML_OPTIONS } from '../lib/gitops/layout';
import { emitYaml } from '../lib/gitops/yaml-emit';

let shape: Shape = 'l1';
let clusters = 200;
let rounds = 7;
let json = false;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--shape') shape = parseShape(argv[++i]);
  else if (argv[i] === '--clusters') clusters = Number(argv[++i]);
  else if (argv[i] === '--rounds') rounds = Number(argv[++i]);
  else if (argv[i] === '--json') json = true;
  else throw new Error(`unknown argument "${argv[i]}" (usage: [--shape l1|l2|aks-cluster] [--clusters N] [--rounds R] [--json])`);
}

// Plain JSON objects, as the worker threads see them; the app is dropped before timing.
const objects: unknown[] = JSON.parse(JSON.stringify(buildApp(shape, clusters, { outdir: '/nonexistent', validation: false }).placedObjects().map((p) => p.obj)));
const gc = () => (globalThis as { gc?: () => void }).gc?.();

function time(fn: (o: unknown) => string): number {
  gc();
  const t0 = performance.now();
  let n = 0;
  for (const o of objects) n += fn(o).length;
  if (n === 0) throw new Error('nothing written');
  return performance.now() - t0;
}

let bytes = 0;
for (const o of objects) {
  const a = YAML.stringify(o, YAML_OPTIONS);
  if (emitYaml(o) !== a) throw new Error(`emitter output differs from yaml for ${JSON.stringify(o).slice(0, 200)}`);
  bytes += a.length;
}
const yamlMs: number[] = [];
const fastMs: number[] = [];
for (let r = 0; r < rounds; r++) {
  yamlMs.push(time((o) => YAML.stringify(o, YAML_OPTIONS)));
  fastMs.push(time(emitYaml));
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const perObject = (ms: number) => Math.round((ms / objects.length) * 1000 * 10) / 10;
const report = {
  shape, objects: objects.length, bytesPerObject: Math.round(bytes / objects.length),
  yamlUsPerObject: perObject(median(yamlMs)), emitterUsPerObject: perObject(median(fastMs)),
  speedup: Math.round((median(yamlMs) / median(fastMs)) * 10) / 10,
};
if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
else for (const [k, v] of Object.entries(report)) process.stdout.write(`${k}: ${v}\n`);
