// The benchmark fleet as a cdk8s app (what `cdk8s-platform synth --check --app ...` runs in the
// fleet benchmark): `tsx bench/fleet-app.ts --shape S --clusters N [--no-validation]`, writing
// under $CDK8S_OUTDIR.
import { buildApp, parseShape, Shape } from './apps';

let shape: Shape = 'l1';
let clusters = 1000;
let validation = true;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--shape') shape = parseShape(argv[++i]);
  else if (argv[i] === '--clusters') clusters = Number(argv[++i]);
  else if (argv[i] === '--no-validation') validation = false;
  else throw new Error(`unknown argument "${argv[i]}"`);
}
buildApp(shape, clusters, { validation }).synth();
