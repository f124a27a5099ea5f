import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import { FAST_YAML, toYaml, YAML_OPTIONS } from './layout';
import { createYamlEmitter } from './yaml-emit';

/**
 * Serializes objects to YAML files, on worker threads when the output is large.
 *
 * For large trees the objects are handed (as JSON text, which is cheap to pass) to worker threads
 * that stringify them with the same emitter as the main thread (`yaml-emit.ts`, rebuilt in the
 * worker from its source text; `yaml` itself with the same options if that fails) and write the
 * files, ready text (kustomization files) included, while the main thread carries on (rendering
 * the next folders, validating). {@link finish} blocks until every file is written,
 * so the library's `synth()` stays synchronous like cdk8s'. Small outputs are written inline.
 */
export class YamlFilePool {
  private readonly workers: Array<{ worker: Worker; port: MessageChannel['port1']; done: Int32Array }> = [];
  private batches: PoolItem[][] = [];
  private next = 0;
  private readonly madeDirs = new Set<string>();
  /** Per staging directory: the files not staged because the target already has the same bytes. */
  private readonly same = new Map<string, Set<string>>();
  /** Per staging directory (trees with `blobIds`): each file's git blob id. */
  private readonly ids = new Map<string, Map<string, string>>();
  /** Records the files written inline (see {@link createBaselineRecorder}), when any is recorded. */
  private recorder?: BaselineRecorder;
  private unrecorded = false;

  /**
   * Whether every file written with a `record` was recorded (see {@link createBaselineRecorder});
   * meaningful once {@link finish} has returned. When false, baseline copies read the tree back.
   */
  public get recorded(): boolean {
    return !this.unrecorded;
  }

  /**
   * @param threads worker threads to use; 0 writes inline.
   */
  public constructor(threads: number) {
    for (let i = 0; i < threads; i++) {
      const { port1, port2 } = new MessageChannel();
      // [0]: set to 1 when the worker has finished; [1]: batches posted but not yet written.
      const done = new Int32Array(new SharedArrayBuffer(8));
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          port: port2, done, yamlPath: require.resolve('yaml'), options: YAML_OPTIONS,
          emitter: FAST_YAML ? createYamlEmitter.toString() : undefined,
          recorder: createBaselineRecorder.toString(), partName: baselinePartName(`w${i}`), sameBytes: sameBytes.toString(), gitBlobId: gitBlobId.toString(),
        },
        transferList: [port2],
      });
      worker.unref();
      this.workers.push({ worker, port: port1, done });
      this.batches.push([]);
    }
  }

  /** Threads worth using for `files` files on this machine (0 = inline). */
  public static threadsFor(files: number): number {
    const env = process.env.CDK8S_PLATFORM_THREADS;
    if (env !== undefined && env !== '') return Math.max(0, Math.floor(Number(env)) || 0);
    if (files < 2000) return 0;
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    return Math.min(Math.max(cores - 1, 1), 4);
  }

  /**
   * Writes ready text to the absolute path `file` (now, or on a worker when there are workers).
   * @param tree when set, `file` is `<tree.dir>/<rel>` (a staged tree): the file is recorded for
   * the tree's baseline copy (`tree.record`, see {@link createBaselineRecorder}), and not written
   * when `<tree.target>/<rel>` already has the same bytes (see {@link unchangedIn})
   */
  public writeText(file: string, content: string, tree?: StagedTree): void {
    if (this.workers.length === 0) {
      this.writeNow(file, content, tree);
      return;
    }
    this.enqueue([file, content, 1, tree ? tree.dir.length + 1 : 0, tree?.record ? 1 : 0, tree?.target ?? '', tree?.blobIds ? 1 : 0]);
  }

  /** Writes `obj` as YAML to the absolute path `file` (now or on a worker); `tree`: see {@link writeText}. */
  public write(file: string, obj: unknown, tree?: StagedTree): void {
    if (this.workers.length === 0) {
      this.writeNow(file, toYaml(obj), tree);
      return;
    }
    this.enqueue([file, JSON.stringify(obj), 0, tree ? tree.dir.length + 1 : 0, tree?.record ? 1 : 0, tree?.target ?? '', tree?.blobIds ? 1 : 0]);
  }

  /**
   * The files of the staged tree `dir` that were not written because their target already has
   * the same bytes (paths relative to `dir`); complete once {@link finish} has returned.
   */
  public unchangedIn(dir: string): ReadonlySet<string> {
    return this.same.get(dir) ?? new Set();
  }

  /**
   * The git blob id of each file of the staged tree `dir` (paths relative to `dir`), when the tree
   * asked for them (`StagedTree.blobIds`); complete once {@link finish} has returned.
   */
  public blobIdsIn(dir: string): ReadonlyMap<string, string> {
    return this.ids.get(dir) ?? new Map();
  }

  private writeNow(file: string, content: string, tree?: StagedTree): void {
    const rel = tree ? file.slice(tree.dir.length + 1) : '';
    // Encoded once for the blob id, the comparison and the write.
    const bytes = Buffer.from(content, 'utf8');
    if (tree?.blobIds) this.addIds(tree.dir, [rel, gitBlobId(crypto, bytes)]);
    if (tree?.target && sameBytes(fs, path.join(tree.target, rel), bytes)) this.addSame(tree.dir, [rel]);
    else {
      this.mkdir(path.dirname(file));
      fs.writeFileSync(file, bytes);
    }
    if (tree?.record && !this.unrecorded) {
      try {
        (this.recorder ??= createBaselineRecorder(fs, path, baselinePartName('main'))).add(file, tree.dir.length + 1, content);
      } catch {
        this.unrecorded = true;
      }
    }
  }

  private addIds(dir: string, pairs: readonly string[]): void {
    let map = this.ids.get(dir);
    if (!map) this.ids.set(dir, (map = new Map()));
    for (let i = 0; i + 1 < pairs.length; i += 2) map.set(pairs[i], pairs[i + 1]);
  }

  private addSame(dir: string, rels: readonly string[]): void {
    let set = this.same.get(dir);
    if (!set) this.same.set(dir, (set = new Set()));
    for (const r of rels) set.add(r);
  }

  private enqueue(item: PoolItem): void {
    const batch = this.batches[this.next];
    batch.push(item);
    if (batch.length >= 256) this.flush(this.next);
  }

  /** Blocks until every file is written; throws the first write error. Ends the workers. */
  public finish(): void {
    try {
      this.recorder?.close();
    } catch {
      this.unrecorded = true;
    }
    if (this.workers.length === 0) return;
    this.workers.forEach((_, i) => this.flush(i));
    const errors: Error[] = [];
    for (const w of this.workers) {
      w.port.postMessage({ end: true });
      Atomics.wait(w.done, 0, 0);
      const msg = receiveMessageOnPort(w.port)?.message as { error?: string; code?: string; path?: string; unrecorded?: boolean; same?: Record<string, string[]>; ids?: Record<string, string[]> } | undefined;
      if (msg?.unrecorded) this.unrecorded = true;
      for (const [dir, rels] of Object.entries(msg?.same ?? {})) this.addSame(dir, rels);
      for (const [dir, pairs] of Object.entries(msg?.ids ?? {})) this.addIds(dir, pairs);
      if (!msg || msg.error) errors.push(Object.assign(new Error(`writing files failed: ${msg?.error ?? 'worker ended without reporting'}`), { code: msg?.code, path: msg?.path }));
    }
    this.terminate();
    // Carries the system error's code and path, so the writer can name the file and the fix.
    if (errors.length > 0) throw errors[0];
  }

  /** Stops the workers without waiting for pending files. */
  public terminate(): void {
    try {
      this.recorder?.close();
    } catch {
      // the staged tree is being discarded
    }
    for (const w of this.workers) {
      w.port.close();
      void w.worker.terminate();
    }
    this.workers.length = 0;
  }

  private flush(i: number): void {
    const batch = this.batches[i];
    if (batch.length === 0) return;
    const { port, done } = this.workers[i];
    // Backpressure: never queue more than a few batches per worker, so memory stays bounded
    // when rendering is faster than writing.
    for (let queued = Atomics.load(done, 1); queued >= MAX_QUEUED_BATCHES; queued = Atomics.load(done, 1)) {
      Atomics.wait(done, 1, queued, 1000);
    }
    Atomics.add(done, 1, 1);
    port.postMessage(batch);
    this.batches[i] = [];
    this.next = (this.next + 1) % this.workers.length;
  }

  private mkdir(dir: string): void {
    if (this.madeDirs.has(dir)) return;
    fs.mkdirSync(dir, { recursive: true });
    this.madeDirs.add(dir);
  }
}

const MAX_QUEUED_BATCHES = 4;

/**
 * [file, JSON of the object or ready text, ready (1) or not, relFrom, record, target, blobId]: with
 * `relFrom` > 0, `file.slice(relFrom)` is the file's path in a staged tree; `record` (1) records it
 * for the tree's baseline copy; a non-empty `target` is the directory whose file of the same path
 * is compared first (the same bytes: not written); `blobId` (1) computes the file's git blob id.
 */
type PoolItem = [string, string, 0 | 1, number, 0 | 1, string, 0 | 1];

/** A staged tree files are written to (a {@link TreeWriter}'s staging directory). */
export interface StagedTree {
  /** The staging directory: the files' paths in the tree are relative to it. */
  readonly dir: string;
  /** Record the files for the baseline copy (see {@link createBaselineRecorder}). @default false */
  readonly record?: boolean;
  /** The directory the tree will be committed to: a file whose target has the same bytes is not staged. @default - every file is staged */
  readonly target?: string;
  /**
   * Compute each file's git blob id (see {@link gitBlobId}), for a tree committed in git: the
   * synth then knows which committed files it writes unchanged without reading them.
   * @default false
   */
  readonly blobIds?: boolean;
}

/**
 * The id git gives a blob of `bytes` (`git hash-object`: SHA-1 of `blob <size>\0<bytes>`, the
 * object format of repositories unless created with `--object-format=sha256`). Self-contained, so
 * that the pool's worker threads rebuild it from its source text.
 */
export function gitBlobId(cryptoMod: typeof crypto, bytes: Buffer): string {
  return cryptoMod.createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * Whether the file `file` is a regular file (not a symbolic link: it is opened with `O_NOFOLLOW`
 * where the platform has it, see {@link FOLLOWS_NO_LINKS}) holding exactly `want`; a file of
 * another size is not read. Self-contained, so that the pool's worker threads rebuild it from its
 * source text.
 */
export function sameBytes(fsMod: typeof fs, file: string, want: Buffer): boolean {
  let fd: number;
  try {
    fd = fsMod.openSync(file, fsMod.constants.O_RDONLY | (fsMod.constants.O_NOFOLLOW ?? 0) | (fsMod.constants.O_NONBLOCK ?? 0));
  } catch {
    return false;
  }
  try {
    const st = fsMod.fstatSync(fd);
    if (!st.isFile() || st.size !== want.length) return false;
    const cur = Buffer.allocUnsafe(want.length);
    let n = 0;
    while (n < cur.length) {
      const r = fsMod.readSync(fd, cur, n, cur.length - n, null);
      if (r === 0) break;
      n += r;
    }
    return n === want.length && cur.equals(want);
  } catch {
    return false;
  } finally {
    fsMod.closeSync(fd);
  }
}

/**
 * Whether {@link sameBytes} never follows a symbolic link on this platform (`O_NOFOLLOW`): a file
 * it found unchanged was then a regular file, not a link.
 */
export const FOLLOWS_NO_LINKS = fs.constants.O_NOFOLLOW !== undefined;

/** What {@link createBaselineRecorder} returns. */
export interface BaselineRecorder {
  /** Records `text`, written to `file` (`file.slice(relFrom)` is its path in the tree). */
  add(file: string, relFrom: number, text: string): void;
  /** Writes what is buffered and closes the part files. */
  close(): void;
}

/** The name of the part file a {@link BaselineRecorder} of thread `tag` (`main`, `w0`...) writes beside a staging directory. */
export function baselinePartName(tag: string): string {
  return `baseline-${tag}.part`;
}

/** The names {@link baselinePartName} gives. */
export const BASELINE_PART = /^baseline-[a-z0-9]+\.part$/;

/**
 * Records the files of a staged tree as they are written, for the baseline copy a synth keeps
 * (`lib/tree/baseline.ts`), so that the copy never reads the tree back: for each staging
 * directory `<state>/staging`, appends `,"<rel>":"<text>"` (JSON) to
 * `<state>/<partName>` ({@link baselinePartName}), about 1 MiB at a time. The parts of all threads, concatenated, are the
 * members of the copy's `files` object (see `TreeWriter.writeBaselineCopy`).
 *
 * Self-contained (no outside references), so that the pool's worker threads rebuild it from its
 * source text, like the YAML emitter.
 */
export function createBaselineRecorder(fsMod: typeof fs, pathMod: typeof path, partName: string): BaselineRecorder {
  // No file stays open between writes: a worker terminated after a failure leaks nothing.
  const parts = new Map<string, { file: string; chunk: string; started: boolean }>();
  const flush = (p: { file: string; chunk: string; started: boolean }) => {
    if (!p.chunk) return;
    if (p.started) fsMod.appendFileSync(p.file, p.chunk);
    else fsMod.writeFileSync(p.file, p.chunk);
    p.started = true;
    p.chunk = '';
  };
  return {
    add(file, relFrom, text) {
      const dir = file.slice(0, relFrom - 1);
      let p = parts.get(dir);
      if (!p) {
        p = { file: pathMod.join(pathMod.dirname(dir), partName), chunk: '', started: false };
        parts.set(dir, p);
      }
      p.chunk += `,${JSON.stringify(file.slice(relFrom))}:${JSON.stringify(text)}`;
      if (p.chunk.length >= 1 << 20) flush(p);
    },
    close() {
      const all = [...parts.values()];
      parts.clear();
      for (const p of all) flush(p);
    },
  };
}

// Plain JavaScript run by each worker: parse, stringify (the fast emitter, rebuilt from its source
// text; any failure of it falls back to `yaml` for that document), write.
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const fs = require('fs');
const path = require('path');
const YAML = require(workerData.yamlPath);
const { port, done, options } = workerData;
let emit;
try {
  // __name: a helper some TypeScript transpilers (esbuild keepNames) call inside function bodies.
  if (workerData.emitter) emit = new Function('YAML', '__name', 'return (' + workerData.emitter + ')(YAML);')(YAML, (f) => f);
} catch {
  emit = undefined;
}
const toYaml = (obj) => {
  if (emit) {
    try {
      return emit(obj);
    } catch {
      emit = undefined;
    }
  }
  return YAML.stringify(obj, options);
};
// Recording for the baseline copy is best effort: when it fails, the copy is made by reading the
// tree back (TreeWriter.writeBaselineCopy), so the synth does not fail for it.
let recorder;
let unrecorded = false;
const record = (file, recordFrom, text) => {
  if (unrecorded) return;
  try {
    if (!recorder) recorder = new Function('__name', 'return (' + workerData.recorder + ')')((f) => f)(fs, path, workerData.partName);
    recorder.add(file, recordFrom, text);
  } catch {
    unrecorded = true;
  }
};
// Files whose target already has the same bytes are not staged: their paths, per staged tree.
const same = {};
const sameBytes = new Function('__name', 'return (' + workerData.sameBytes + ')')((f) => f);
// Git blob ids of the files of trees that ask for them, per staged tree: [rel, id, rel, id...].
const ids = {};
const gitBlobId = new Function('__name', 'return (' + workerData.gitBlobId + ')')((f) => f);
const crypto = require('crypto');
const made = new Set();
let error;
port.on('message', (msg) => {
  if (msg && msg.end) {
    try {
      if (recorder) recorder.close();
    } catch {
      unrecorded = true;
    }
    port.postMessage(error ? error : { ok: true, unrecorded, same, ids });
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
    return;
  }
  try {
    if (!error) {
      for (const [file, data, ready, relFrom, rec, target, blobId] of msg) {
        const text = ready ? data : toYaml(JSON.parse(data));
        // Encoded once for the blob id, the comparison and the write.
        const bytes = Buffer.from(text, 'utf8');
        if (blobId) {
          const tree = file.slice(0, relFrom - 1);
          (ids[tree] || (ids[tree] = [])).push(file.slice(relFrom), gitBlobId(crypto, bytes));
        }
        if (target && sameBytes(fs, path.join(target, file.slice(relFrom)), bytes)) {
          const tree = file.slice(0, relFrom - 1);
          (same[tree] || (same[tree] = [])).push(file.slice(relFrom));
        } else {
          const dir = path.dirname(file);
          if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
          fs.writeFileSync(file, bytes);
        }
        if (rec) record(file, relFrom, text);
      }
    }
  } catch (e) {
    error = { error: String(e && e.message || e), code: e && e.code, path: e && e.path };
  }
  Atomics.sub(done, 1, 1);
  Atomics.notify(done, 1);
});
`;
