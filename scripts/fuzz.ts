// The long property-based fuzz run of the L2 constructs (issue #8, item 6).
//
//   npm run fuzz -- [--runs N] [--seed N] [--construct Name[,Name...]] [--family flux|aso|capi|crossplane]
//
// Runs N cases per construct (default 1000; fast-check, shrinking failures), prints per-construct
// figures (runs, valid outputs, clear errors, known findings, failures, time) and exits 1 on any
// failure, printing the shrunk counterexample, the seed and the fast-check path to replay it
// (`--seed <seed>` reproduces the whole run). What counts as valid or as a clear error is defined
// in test/fuzz/harness.ts; known construct bugs are listed in test/fuzz/known-findings.ts.
import * as fc from 'fast-check';
import { fuzzTarget, TargetStats } from '../test/fuzz/harness';
import { KNOWN_FINDINGS } from '../test/fuzz/known-findings';
import { TARGETS } from '../test/fuzz/targets';

interface Options {
  runs: number;
  seed: number;
  constructs?: string[];
  family?: string;
}

function usage(message?: string): never {
  if (message) process.stderr.write(`fuzz: ${message}\n`);
  process.stderr.write('usage: npm run fuzz -- [--runs N] [--seed N] [--construct Name[,Name...]] [--family flux|aso|capi|crossplane]\n');
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { runs: 1000, seed: Date.now() % 2 ** 31 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    const int = (v: string) => (/^\d+$/.test(v) ? Number(v) : usage(`${flag}: "${v}" is not a whole number`));
    if (flag === '--runs') opts.runs = int(value());
    else if (flag === '--seed') opts.seed = int(value());
    else if (flag === '--construct') opts.constructs = [...(opts.constructs ?? []), ...value().split(',').filter(Boolean)];
    else if (flag === '--family') opts.family = value();
    else if (flag === '--help' || flag === '-h') usage();
    else usage(`unknown option ${argv[i]}`);
  }
  if (opts.runs < 1) usage('--runs must be at least 1');
  return opts;
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  let targets = [...TARGETS];
  if (opts.family) targets = targets.filter((t) => t.family === opts.family);
  if (opts.constructs) {
    const unknown = opts.constructs.filter((c) => !TARGETS.some((t) => t.name === c));
    if (unknown.length > 0) usage(`unknown construct(s) ${unknown.join(', ')}; known: ${TARGETS.map((t) => t.name).join(', ')}`);
    targets = targets.filter((t) => opts.constructs!.includes(t.name));
  }
  if (targets.length === 0) usage('no construct selected');

  process.stdout.write(`fuzz: ${targets.length} construct(s), ${opts.runs} run(s) each, seed ${opts.seed}\n`);
  const header = ['construct', 'family', 'runs', 'valid', 'clear', 'known', 'failures', 'time'];
  const rows: string[][] = [];
  const all: TargetStats[] = [];
  const started = Date.now();
  for (const t of targets) {
    const s = fuzzTarget(t, { numRuns: opts.runs, seed: opts.seed, findings: KNOWN_FINDINGS });
    all.push(s);
    const row = [t.name, t.family, `${s.runs}`, `${s.valid}`, `${s.clear}`, `${s.known}`, `${s.failures}`, `${(s.ms / 1000).toFixed(1)}s`];
    rows.push(row);
    process.stderr.write(`  ${t.name}: ${s.runs} runs, ${s.failures} failure(s), ${row[7]}\n`);
  }
  const sum = (f: (s: TargetStats) => number) => `${all.reduce((n, s) => n + f(s), 0)}`;
  rows.push(['total', '', sum((s) => s.runs), sum((s) => s.valid), sum((s) => s.clear), sum((s) => s.known), sum((s) => s.failures), `${((Date.now() - started) / 1000).toFixed(1)}s`]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  process.stdout.write(`\n${line(header)}\n${rows.map(line).join('\n')}\n`);

  const knownHit = all.filter((s) => s.known > 0);
  if (knownHit.length > 0) {
    process.stdout.write(`\nknown findings hit (test/fuzz/known-findings.ts, ${KNOWN_FINDINGS.length} entries): ${knownHit.map((s) => `${s.target} ${s.known}`).join(', ')}\n`);
  }
  const failed = all.filter((s) => s.failures > 0);
  for (const s of failed) {
    const f = s.firstFailure;
    process.stdout.write(`\nFAILURE ${s.target}: ${f && f.verdict.kind === 'failure' ? f.verdict.reason : 'see above'}\n`);
    if (f) {
      if (f.verdict.kind === 'failure') process.stdout.write(`${f.verdict.message}\n`);
      process.stdout.write(`counterexample: ${fc.stringify(f.spec)}\n`);
      process.stdout.write(`replay: npm run fuzz -- --construct ${s.target} --runs ${opts.runs} --seed ${f.seed}   (fast-check path ${f.path})\n`);
    }
  }
  process.stdout.write(failed.length > 0 ? `\nfuzz: ${failed.length} construct(s) failed\n` : '\nfuzz: no failures\n');
  process.exit(failed.length > 0 ? 1 : 0);
}

main();
