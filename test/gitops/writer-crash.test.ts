// Crash safety of the TreeWriter: random kills during the commit, the lock, and recovery.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lockFileOf, stateDirOf } from '../../lib/gitops/journal';
import { MANIFEST_FILE, TreeWriter } from '../../lib/gitops/writer';
import { tree } from '../support/tree';
import { versionFiles } from './writer-child';

// tmpfs when there is one: the point is the kill timing, not the disk.
const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
const created: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(base, 'writer-crash-'));
  created.push(d);
  return d;
};
// tmpfs is memory: leave nothing behind (each run writes a few thousand files per test).
afterAll(() => {
  for (const d of created) fs.rmSync(d, { recursive: true, force: true });
});
let child = '';

beforeAll(() => {
  child = path.join(tmp(), 'child.js');
  require('esbuild').buildSync({ entryPoints: [path.join(__dirname, 'writer-child.ts')], bundle: true, platform: 'node', outfile: child, logLevel: 'error' });
});

const N = 2000;

function expectedTree(v: number): Record<string, string> {
  const files = versionFiles(v, N);
  const sorted = Object.keys(files).sort();
  return { ...files, [MANIFEST_FILE]: `${JSON.stringify({ generator: 'cdk8s-platform', files: sorted }, undefined, 2)}\n` };
}

/** Runs the child writing version `v`; kills it with `signal` `delayMs` after it starts the commit. */
function runChild(target: string, v: number, kill?: { signal: NodeJS.Signals; delayMs: number }): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [child, target, String(v), String(N)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (kill && stdout.includes('commit')) {
        const k = kill;
        kill = undefined;
        setTimeout(() => p.kill(k.signal), k.delayMs);
      }
    });
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function sameTree(actual: Record<string, string>, expected: Record<string, string>): boolean {
  const a = Object.keys(actual).sort();
  const e = Object.keys(expected).sort();
  return a.length === e.length && a.every((k, i) => k === e[i] && actual[k] === expected[k]);
}

test('30 random kills (SIGKILL, SIGTERM) during the commit leave the previous or the new tree, and no leftovers after the next run', async () => {
  const root = tmp();
  const target = path.join(root, 'repo');
  expect((await runChild(target, 0)).code).toBe(0);
  expect(sameTree(tree(target), expectedTree(0))).toBe(true);
  let current = 0;
  const outcomes = { previous: 0, next: 0, killedMidCommit: 0, killedCommitted: 0 };
  for (let i = 0; i < 30; i++) {
    const next = 1 - current;
    const signal: NodeJS.Signals = i % 2 === 0 ? 'SIGKILL' : 'SIGTERM';
    await runChild(target, next, { signal, delayMs: Math.floor(Math.random() * (i % 4 < 2 ? 40 : 300)) });
    if (fs.existsSync(path.join(stateDirOf(target), 'journal.json'))) {
      const j = JSON.parse(fs.readFileSync(path.join(stateDirOf(target), 'journal.json'), 'utf8'));
      outcomes[j.phase === 'committed' ? 'killedCommitted' : 'killedMidCommit']++;
    }
    // The next run takes over the dead child's lock and completes or rolls back its commit.
    new TreeWriter(target).abort();
    expect(fs.readdirSync(root).sort()).toEqual(['repo']);
    const t = tree(target);
    if (sameTree(t, expectedTree(current))) outcomes.previous++;
    else if (sameTree(t, expectedTree(next))) {
      outcomes.next++;
      current = next;
    } else throw new Error(`kill ${i} (${signal}) left a mixed tree`);
  }
  // Both outcomes happen (kills land before and after the journal is marked committed).
  expect(outcomes.previous + outcomes.next).toBe(30);
  process.stderr.write(`kill outcomes: ${JSON.stringify(outcomes)}\n`);
}, 120_000);

describe('lock', () => {
  test('a second synth into the same repo refuses with a clear message while the first one runs', async () => {
    const root = tmp();
    const target = path.join(root, 'repo');
    const first = new TreeWriter(target);
    const { since } = JSON.parse(fs.readFileSync(lockFileOf(target), 'utf8'));
    const message =
      `${target} is being written by another cdk8s-platform synth (pid ${process.pid} on ${os.hostname()}, since ${since}); ` +
      `wait for it to finish and run synth again (if no synth is running, delete ${lockFileOf(target)})`;
    // In this process: two GitOpsApps of one app file writing the directory.
    expect(() => new TreeWriter(target)).toThrow(`${target} is already being written by this process: two GitOpsApps of the app file write it; give each GitOpsApp repo directories of its own`);
    const other = await runChild(target, 0);
    expect(other.code).toBe(1);
    expect(other.stderr).toBe(`${message}\n`);
    first.add('a.yaml', 'a\n');
    first.commit();
    // Released: the next synth runs.
    expect((await runChild(target, 0)).code).toBe(0);
    expect(fs.readdirSync(root)).toEqual(['repo']);
  });

  test("a killed synth's lock and staging are taken over and removed", async () => {
    const root = tmp();
    const target = path.join(root, 'repo');
    // The kill races the child's commit (a fast machine may finish it first): try until one lands.
    let dead = await runChild(target, 0, { signal: 'SIGKILL', delayMs: 0 });
    for (let i = 0; i < 10 && dead.signal !== 'SIGKILL'; i++) {
      fs.rmSync(target, { recursive: true, force: true });
      fs.rmSync(stateDirOf(target), { recursive: true, force: true });
      dead = await runChild(target, 0, { signal: 'SIGKILL', delayMs: 0 });
    }
    expect(dead.signal).toBe('SIGKILL');
    fs.writeFileSync(lockFileOf(target), JSON.stringify({ pid: 2 ** 22 + 17, hostname: os.hostname(), since: 'x' }));
    fs.mkdirSync(path.join(stateDirOf(target), 'staging', 'junk'), { recursive: true });
    const w = new TreeWriter(target);
    w.add('a.yaml', 'a\n');
    w.commit();
    expect(fs.readdirSync(root)).toEqual(['repo']);
  });
});

test('cdk8s-platform synth finishes or rolls back the write of an app killed mid-commit', async () => {
  const out = tmp();
  const target = path.join(out, 'platform');
  expect((await runChild(target, 0)).code).toBe(0);
  // Kill a writer until one dies with its journal written (mid-commit).
  for (let i = 0; i < 20 && !fs.existsSync(path.join(stateDirOf(target), 'journal.json')); i++) {
    await runChild(target, 1, { signal: 'SIGKILL', delayMs: i % 5 });
    if (!fs.existsSync(path.join(stateDirOf(target), 'journal.json'))) new TreeWriter(target).abort();
  }
  const journal = JSON.parse(fs.readFileSync(path.join(stateDirOf(target), 'journal.json'), 'utf8'));
  // The "app" of this synth is killed at once: the CLI recovers what the previous kill left.
  const bin = path.resolve(__dirname, '..', '..', 'bin', 'cdk8s-platform.js');
  const app = `${JSON.stringify(process.execPath)} -e "process.kill(process.pid, 'SIGKILL')"`;
  const r = spawnSync(process.execPath, [bin, 'synth', '--out', out, '--app', app, '--no-progress'], { cwd: out, encoding: 'utf8' });
  expect(r.status).toBe(1);
  const outcome = journal.phase === 'committed' ? 'completed (the new files are in place)' : 'rolled back (the previous files are in place)';
  // (the shell running the app reports the kill as "Killed", exit 137)
  expect(r.stderr).toContain(`cdk8s-platform: ${target}: the interrupted write was ${outcome}\n`);
  expect(r.stderr).toContain(`cdk8s-platform: synth failed ("${app}" exited with 137); each repo holds its previous or its new files, never a mix\n`);
  expect(sameTree(tree(target), expectedTree(journal.phase === 'committed' ? 1 : 0))).toBe(true);
  expect(fs.readdirSync(out)).toEqual(['platform']);
}, 120_000);
