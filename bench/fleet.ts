// Fleet benchmark: `npm run bench -- [--shape l1|l2|aks-cluster] [--clusters N] [--json] [--keep]
// [--no-validation] [--dir DIR] [--phases lib,floor,resynth,plan,check,validate,git,split]`.
//
// Builds a fleet of N AKS clusters (shapes: bench/apps.ts; `--l2` = `--shape l2`), validation on,
// and synthesizes it with GitOpsApp into `<root>/lib`. Then, in the same process:
// - floor: `yaml` stringify + write of the very same objects (and kustomization.yaml files) into
//   the same relative paths (`floorMs`), the same with the library's emitter (`floorEmitMs`), and writing those bytes again, pre-rendered
//   (`writeFloorMs`: the physical floor of this machine);
// - resynth: a fresh app (same shape) synthesized again into its kept output, which must be
//   unchanged (`resynthMs`: construction + `app.synthesize()`; `resynthChanged`: files changed, 0);
// - plan: a fresh app (same shape) planned against its kept output, which must be unchanged
//   (`planMs`: construction + `app.plan()`);
// - check: `cdk8s-platform synth --check` of the app (`bench/fleet-app.ts` run by tsx in a child
//   process) against the kept output (`checkMs`, includes the child's start-up);
// - validate: `cdk8s-platform validate <root>/lib` in-process (`validateMs`);
// - git: the kept output committed to a new git repository (not timed), then a fresh app
//   synthesized again into it (`resynthGitMs`) and planned against it (`planGitMs`): the baseline
//   is then git HEAD, as in CI on a checkout of the GitOps repo (`resynthMs` compares with the tree
//   on disk);
// - split (not in the default phases): the library phase again with validation off
//   (`libNoValidationMs`), and where `synth --check`'s time goes.
// `libCpuMs` (every run): the CPU time (user + system) of all the process' threads during the
// library phase; with `cores` (`os.availableParallelism()`), `libCpuMs / cores` is the least
// `libMs` this amount of work can take on this machine, perfectly split.
// `synthValidationMs` (every run): the time the app's validator spent validating during the
// library phase (`Validator.elapsedMs`, schema compilation included; on the YAML pool's worker
// threads for large trees, where the main thread does not wait for it).
// `--keep` keeps the output (prints `kept <root>` on stderr; the library's output is `<root>/lib`).
// Not a test: run it by hand. `npm run bench` runs node with --expose-gc so that each phase starts
// from a collected heap.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { buildApp, parseShape, Shape } from './apps';
import { toYaml, YAML_OPTIONS } from '../lib';
import { runValidate } from '../lib/cli/validate';
import type { Validator } from '../lib/core/validation/validator';
import { runSynthCheck } from '../lib/cli/synth';
import { execFileSync } from 'child_process';

const PHASES = ['lib', 'floor', 'resynth', 'plan', 'check', 'validate', 'git', 'split'] as const;
type Phase = (typeof PHASES)[number];

interface Options {
  clusters: number;
  json: boolean;
  validation: boolean;
  keep: boolean;
  dir: string;
  shape: Shape;
  phases: Set<Phase>;
}

function parseArgs(argv: string[]): Options {
  // Default to a RAM-backed directory when there is one: on a throttled virtual disk, writeback
  // stalls dominate and vary run to run; every phase writes to the same place either way.
  const shm = '/dev/shm';
  const opts: Options = {
    clusters: 1000, json: false, validation: true, keep: false, shape: 'l1',
    dir: fs.existsSync(shm) ? shm : os.tmpdir(), phases: new Set<Phase>(['lib', 'floor', 'resynth', 'plan', 'check', 'validate', 'git']),
  };
  const value = (a: string, i: number): [string, number] => (a.includes('=') ? [a.slice(a.indexOf('=') + 1), i] : [argv[i + 1], i + 1]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const flag = a.split('=')[0];
    let v: string;
    if (flag === '--clusters') { [v, i] = value(a, i); opts.clusters = Number(v); }
    else if (flag === '--shape') { [v, i] = value(a, i); opts.shape = parseShape(v); }
    else if (flag === '--dir') { [v, i] = value(a, i); opts.dir = v; }
    else if (flag === '--phases') {
      [v, i] = value(a, i);
      const list = v.split(',').filter(Boolean);
      for (const p of list) if (!(PHASES as readonly string[]).includes(p)) throw new Error(`unknown phase "${p}" (phases: ${PHASES.join(',')})`);
      opts.phases = new Set(['lib', ...list] as Phase[]);
    } else if (a === '--json') opts.json = true;
    else if (a === '--no-validation') opts.validation = false;
    else if (a === '--keep') opts.keep = true;
    else if (a === '--l2') opts.shape = 'l2';
    else throw new Error(`unknown argument "${a}" (usage: [--shape l1|l2|aks-cluster] [--clusters N] [--json] [--no-validation] [--keep] [--dir DIR] [--phases ${PHASES.join(',')}])`);
  }
  if (!Number.isInteger(opts.clusters) || opts.clusters < 1) throw new Error('--clusters must be a positive integer');
  return opts;
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const rssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);

function countFiles(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n++;
  return n;
}

/**
 * Builds and synthesizes the fleet; the app is garbage once this returns. `validationMs`: the time
 * the app's validator spent validating (`Validator.elapsedMs`, read from the app's private field).
 */
function libraryPhase(outdir: string, opts: Options, validation: boolean): { ms: number; validationMs: number; cpuMs: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const app = buildApp(opts.shape, opts.clusters, { outdir, validation });
  app.synthesize();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, validationMs: (app as unknown as { validator?: Validator }).validator?.elapsedMs ?? 0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Writes `files` (relative path → content) under `root`, creating directories as needed. */
function writeAll(root: string, files: Array<{ file: string; text: string }>): void {
  const made = new Set<string>();
  for (const f of files) {
    const file = path.join(root, f.file);
    const dir = path.dirname(file);
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    fs.writeFileSync(file, f.text);
  }
}

/**
 * Floors: the very same objects stringified with `yaml` and written to the same relative paths,
 * then the same bytes written again, pre-rendered. Only the objects and their paths are kept
 * (not the construct tree): a big live heap slows `yaml` down several-fold, which would flatter
 * the library.
 */
function floorPhase(root: string, opts: Options): { floorMs: number; floorEmitMs: number; writeFloorMs: number; objects: number } {
  let objects: Array<{ file: string; obj: unknown }>;
  {
    const app = buildApp(opts.shape, opts.clusters, { outdir: path.join(root, 'unused'), validation: false });
    objects = app.placedObjects().map((p) => ({ file: p.file, obj: p.obj }));
    const count = objects.length;
    for (const files of app.renderToMemory().values()) {
      for (const [file, text] of files) if (file.endsWith('kustomization.yaml')) objects.push({ file, obj: YAML.parse(text, { version: '1.1' }) });
    }
    Object.assign(opts, { objectCount: count });
  }
  gc();
  const t1 = performance.now();
  const made = new Set<string>();
  const rendered: Array<{ file: string; text: string }> = [];
  for (const p of objects) {
    const file = path.join(root, 'floor', p.file);
    const dir = path.dirname(file);
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const text = YAML.stringify(p.obj, YAML_OPTIONS);
    fs.writeFileSync(file, text);
    rendered.push({ file: p.file, text });
  }
  const floorMs = performance.now() - t1;
  // The same with the library's emitter, into another tree (same process, same objects).
  gc();
  const t3 = performance.now();
  made.clear();
  for (const p of objects) {
    const file = path.join(root, 'floor-emit', p.file);
    const dir = path.dirname(file);
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    fs.writeFileSync(file, toYaml(p.obj));
  }
  const floorEmitMs = performance.now() - t3;
  // eslint-disable-next-line no-useless-assignment -- drops the objects so gc() can free them
  objects = [];
  gc();
  const t2 = performance.now();
  writeAll(path.join(root, 'write-floor'), rendered);
  const writeFloorMs = performance.now() - t2;
  return { floorMs, floorEmitMs, writeFloorMs, objects: (opts as Options & { objectCount: number }).objectCount };
}

/**
 * Where `synth --check`'s time goes: a fresh app (same shape) checked in this process against the
 * kept output (`checkAppMs`: construction + `app.check()`, which renders, validates and compares
 * each file where it is serialized), and node + tsx loading the library in a child process
 * (`checkStartupMs`: what the CLI's app process adds).
 */
function checkSplit(libDir: string, opts: Options): Record<string, number> {
  gc();
  const t0 = performance.now();
  const app = buildApp(opts.shape, opts.clusters, { outdir: libDir, validation: opts.validation });
  const check = app.check();
  const t1 = performance.now();
  if (check.differences.length > 0) throw new Error(`check: ${check.differences.length} files differ from the kept output (first: ${check.differences[0].file})`);
  execFileSync(process.execPath, ['--import', 'tsx', '-e', 'require("./lib")'], { cwd: path.resolve(__dirname, '..'), stdio: 'ignore' });
  const t2 = performance.now();
  return { checkAppMs: Math.round(t1 - t0), checkStartupMs: Math.round(t2 - t1) };
}

/** Makes `dir` a git repository whose HEAD commits every file in it. */
function commitAll(dir: string): void {
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=bench@example.com', '-c', 'user.name=bench', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'bench');
}

/** A fresh app synthesized again into the kept output (unchanged): construction + `app.synthesize()`. */
function resynthPhase(outdir: string, opts: Options): { ms: number; changed: number } {
  const t0 = performance.now();
  const app = buildApp(opts.shape, opts.clusters, { outdir, validation: opts.validation });
  const result = app.synthesize();
  const ms = performance.now() - t0;
  return { ms, changed: result.repos.reduce((n, r) => n + r.changes.created.length + r.changes.updated.length + r.changes.deleted.length, 0) };
}

/** A fresh app planned against the kept output: construction + `app.plan()`. */
function planPhase(outdir: string, opts: Options): { ms: number; changed: boolean; peakRssMB: number } {
  const t0 = performance.now();
  const app = buildApp(opts.shape, opts.clusters, { outdir, validation: opts.validation });
  const plan = app.plan();
  const ms = performance.now() - t0;
  return { ms, changed: plan.changed, peakRssMB: rssMB() };
}

const quiet = (cwd: string) => {
  const out: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), cwd }, out };
};

function appCommand(opts: Options): string[] {
  const tsx = require.resolve('tsx/cli');
  return [process.execPath, tsx, path.join(__dirname, 'fleet-app.ts'), '--shape', opts.shape, '--clusters', String(opts.clusters), ...(opts.validation ? [] : ['--no-validation'])];
}

async function checkPhase(outdir: string, opts: Options): Promise<{ ms: number; status: number; output: string }> {
  const repoRoot = path.resolve(__dirname, '..');
  const app = appCommand(opts).map((a) => JSON.stringify(a)).join(' ');
  const { io, out } = quiet(repoRoot);
  const t0 = performance.now();
  const status = await runSynthCheck({ app, out: outdir, progress: false }, io);
  return { ms: performance.now() - t0, status, output: out.join('') };
}

async function validatePhase(outdir: string): Promise<{ ms: number; status: number; output: string }> {
  const { io, out } = quiet(outdir);
  const t0 = performance.now();
  const status = await runValidate([outdir], {}, io);
  return { ms: performance.now() - t0, status, output: out.join('') };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const root = fs.mkdtempSync(path.join(opts.dir, 'cdk8s-platform-bench-'));
  const libDir = path.join(root, 'lib');
  const report: Record<string, unknown> = { shape: opts.shape, clusters: opts.clusters, validation: opts.validation };
  const notes: string[] = [];
  try {
    gc();
    const lib = libraryPhase(libDir, opts, opts.validation);
    if (!opts.json) process.stderr.write(`lib: ${Math.round(lib.ms)} ms\n`);
    report.libMs = Math.round(lib.ms);
    report.synthValidationMs = Math.round(lib.validationMs);
    // CPU time of every thread of the process during the library phase (the YAML pool's workers
    // included): libMs cannot go below libCpuMs / cores on this machine, however well the work is split.
    report.libCpuMs = Math.round(lib.cpuMs);
    report.cores = os.availableParallelism();
    report.peakRssMB = rssMB(); // of the library phase (the process' peak so far)
    report.files = countFiles(libDir);
    gc();
    if (opts.phases.has('floor')) {
      const floor = floorPhase(root, opts);
      Object.assign(report, { floorMs: Math.round(floor.floorMs), floorEmitMs: Math.round(floor.floorEmitMs), writeFloorMs: Math.round(floor.writeFloorMs), objects: floor.objects });
      report.libOverWriteFloor = Math.round((lib.ms / floor.writeFloorMs) * 100) / 100;
      report.libOverFloor = Math.round((lib.ms / floor.floorMs) * 100) / 100;
      fs.rmSync(path.join(root, 'floor'), { recursive: true, force: true });
      fs.rmSync(path.join(root, 'write-floor'), { recursive: true, force: true });
      fs.rmSync(path.join(root, 'floor-emit'), { recursive: true, force: true });
      fs.rmSync(path.join(root, 'unused'), { recursive: true, force: true });
      gc();
    }
    if (opts.phases.has('resynth')) {
      const r = resynthPhase(libDir, opts);
      // The process' peak so far: the library phase's, or the resynth's when higher (the guard's objects).
      Object.assign(report, { resynthMs: Math.round(r.ms), resynthChanged: r.changed, resynthPeakRssMB: rssMB() });
      if (r.changed !== 0) notes.push(`synth of the unchanged app changed ${r.changed} files`);
      gc();
    }
    if (opts.phases.has('plan')) {
      const plan = planPhase(libDir, opts);
      Object.assign(report, { planMs: Math.round(plan.ms), planChanged: plan.changed, planPeakRssMB: plan.peakRssMB });
      if (plan.changed) notes.push('plan of the unchanged app reports changes');
      gc();
    }
    if (opts.phases.has('check')) {
      const check = await checkPhase(libDir, opts);
      Object.assign(report, { checkMs: Math.round(check.ms), checkStatus: check.status });
      if (check.status !== 0) notes.push(`synth --check exited ${check.status}: ${check.output.slice(0, 2000)}`);
    }
    if (opts.phases.has('validate')) {
      const v = await validatePhase(libDir);
      Object.assign(report, { validateMs: Math.round(v.ms), validateStatus: v.status });
      if (v.status !== 0) notes.push(`validate exited ${v.status}: ${v.output.slice(0, 2000)}`);
      gc();
    }
    if (opts.phases.has('git')) {
      commitAll(libDir);
      gc();
      const r = resynthPhase(libDir, opts);
      Object.assign(report, { resynthGitMs: Math.round(r.ms), resynthGitChanged: r.changed });
      if (r.changed !== 0) notes.push(`synth of the unchanged app against git HEAD changed ${r.changed} files`);
      gc();
      const plan = planPhase(libDir, opts);
      Object.assign(report, { planGitMs: Math.round(plan.ms), planGitChanged: plan.changed });
      if (plan.changed) notes.push('plan of the unchanged app against git HEAD reports changes');
      gc();
    }
    if (opts.phases.has('split')) {
      const noVal = libraryPhase(path.join(root, 'lib-novalidation'), opts, false);
      report.libNoValidationMs = Math.round(noVal.ms);
      Object.assign(report, checkSplit(libDir, opts));
      fs.rmSync(path.join(root, 'lib-novalidation'), { recursive: true, force: true });
    }
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
    } else {
      for (const [k, v] of Object.entries(report)) process.stdout.write(`${k}: ${v}\n`);
      process.stdout.write(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, output in ${opts.dir}\n`);
    }
    for (const n of notes) process.stderr.write(`bench: ${n}\n`);
  } finally {
    if (!opts.keep) fs.rmSync(root, { recursive: true, force: true });
    else process.stderr.write(`kept ${root}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
