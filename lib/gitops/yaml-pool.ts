import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import type { PortableValidator, Validator } from '../core/validation/validator';
import { FAST_YAML, toYaml, YAML_OPTIONS } from './layout';
import { createYamlEmitter } from './yaml-emit';

/**
 * Serializes objects to YAML files, on worker threads when the output is large.
 *
 * For large trees the objects are handed (as JSON text, which is cheap to pass) to worker threads
 * that stringify them with the same emitter as the main thread (`yaml-emit.ts`, rebuilt in the
 * worker from its source text; `yaml` itself with the same options if that fails) and write the
 * files, ready text (kustomization files) included, while the main thread carries on (rendering
 * the next folders). {@link finish} blocks until every file is written,
 * so the library's `synth()` stays synchronous like cdk8s'. Small outputs are written inline.
 *
 * Given a validator ({@link validateWith}), the workers also validate the objects written with a
 * `check` (see {@link write}): each folder's objects together, on one worker, with a validator
 * rebuilt from {@link Validator.toPortable} (the validation module loaded in the worker).
 * Their problems, by folder, are {@link validationProblems} once {@link finish} has returned.
 */
export class YamlFilePool {
  private readonly workers: Array<{ worker: Worker; port: MessageChannel['port1']; done: Int32Array }> = [];
  private batches: PoolItem[][] = [];
  private next = 0;
  /** The folder of the last object enqueued with a check: its objects all go to one worker. */
  private lastFolder = -1;
  private validator?: PortableValidator;
  private fallback?: () => Validator;
  /** What the workers load to validate (see {@link validationModule}); undefined: they do not validate. */
  private readonly loads?: { module: string; tsx?: string };
  /** Whether anything was handed to the workers yet (a validator can be given until then). */
  private started = false;
  private readonly problemsByFolder = new Map<number, string[]>();
  private workerValidationMs = 0;
  private readonly madeDirs = new Set<string>();
  /** Per staging directory: the files not staged because the target already has the same bytes. */
  private readonly same = new Map<string, Set<string>>();
  /** Per staging directory (trees with `blobIds`): each file's git blob id. */
  private readonly ids = new Map<string, Map<string, string>>();
  /** Per staging directory: the other kustomization files beside a `kustomization.yaml` in its target. */
  private readonly siblings = new Map<string, Set<string>>();
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
   * @param threads worker threads to use; 0 writes inline. The threads start now, and load what
   * they need (the YAML emitter; with `loadValidation`, the validation module) while this thread
   * goes on.
   */
  public constructor(threads: number, options: YamlPoolOptions = {}) {
    const loads = threads > 0 && options.loadValidation ? validationModule() : undefined;
    this.loads = loads;
    const prepare = typeof options.loadValidation === 'object' ? options.loadValidation : undefined;
    const validation = loads ? { prepare, ...loads } : undefined;
    for (let i = 0; i < threads; i++) {
      const { port1, port2 } = new MessageChannel();
      // [0]: set to 1 when the worker has finished; [1]: batches posted but not yet written.
      const done = new Int32Array(new SharedArrayBuffer(8));
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          port: port2, done, yamlPath: require.resolve('yaml'), options: YAML_OPTIONS,
          emitter: FAST_YAML ? createYamlEmitter.toString() : undefined,
          recorder: createBaselineRecorder.toString(), partName: baselinePartName(`w${i}`), sameBytes: sameBytes.toString(), kustomizationSiblings: kustomizationSiblings.toString(), gitBlobId: gitBlobId.toString(),
          validation,
        },
        transferList: [port2],
      });
      worker.unref();
      this.workers.push({ worker, port: port1, done });
      this.batches.push([]);
    }
  }

  /** The worker threads of this pool (0: it writes inline). */
  public get threads(): number {
    return this.workers.length;
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
    this.enqueue([file, content, 1, tree ? tree.dir.length + 1 : 0, howOf(tree), tree?.target ?? '', tree?.blobIds ? 1 : 0, -1, '']);
  }

  /**
   * Gives the workers their validator: they validate the objects written with a `check` (see
   * {@link write}). The pool may have been started before the validator could be built
   * (`loadValidation`: the threads load while this thread still works out what it needs, the
   * app's own CRDs). Only before anything is written; ignored without workers, or when their
   * validation module is not a file here or was not loaded (`loadValidation`).
   */
  public validateWith(options: PoolValidation): void {
    if (this.started) throw new Error('YamlFilePool.validateWith: too late, files were handed to the workers already');
    if (this.validator) throw new Error('YamlFilePool.validateWith: the pool has a validator already');
    this.fallback = options.fallback;
    if (!this.loads || !options.validator || this.workers.length === 0) return;
    this.validator = options.validator;
    for (const w of this.workers) w.port.postMessage({ validator: options.validator });
  }

  /**
   * Whether the workers validate the objects written with a `check` ({@link write}): the pool has
   * workers and was given a validator.
   */
  public get validates(): boolean {
    return this.validator !== undefined && this.workers.length > 0;
  }

  /**
   * Writes `obj` as YAML to the absolute path `file` (now or on a worker); `tree`: see {@link writeText}.
   * @param check when the pool {@link validates}: validate the object too, as object `path` of
   * folder `folder` (a folder's objects are validated together, in the order written, and must be
   * written one after the other); else ignored. Only for objects the caller found
   * {@link isJsonExact} (a worker validates the object parsed from their JSON; the pool does not
   * walk them again): the caller validates a folder holding any other itself.
   */
  public write(file: string, obj: unknown, tree?: StagedTree, check?: ObjectCheck): void {
    // An object JSON cannot carry exactly (NaN, -0, a BigInt...) is written here, as without
    // workers. One with a `check` the caller has walked already (see below).
    if (this.workers.length === 0 || (!check && !isJsonExact(obj))) {
      this.writeNow(file, toYaml(obj), tree);
      return;
    }
    const c = this.validator ? check : undefined;
    this.enqueue([file, JSON.stringify(obj), 0, tree ? tree.dir.length + 1 : 0, howOf(tree), tree?.target ?? '', tree?.blobIds ? 1 : 0, c ? c.folder : -1, c ? c.path : '']);
  }

  /**
   * Validates `obj` on a worker, without writing it (see `check` of {@link write}: only an object
   * the caller found {@link isJsonExact}); only when the pool {@link validates}.
   */
  public check(obj: unknown, check: ObjectCheck): void {
    if (!this.validates) throw new Error('YamlFilePool.check: the pool does not validate (no workers, or no validator)');
    this.enqueue(['', JSON.stringify(obj), 0, 0, 0, '', 0, check.folder, check.path]);
  }

  /**
   * The problems the workers found, by folder (folders without problems are left out), as
   * `Validator.validate` lists them; complete once {@link finish} has returned.
   */
  public validationProblems(): ReadonlyMap<number, readonly string[]> {
    return this.problemsByFolder;
  }

  /** Milliseconds the workers spent validating (schema compilation included); complete once {@link finish} has returned. */
  public get validationMs(): number {
    return this.workerValidationMs;
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

  /**
   * The files `kustomization.yml` and `Kustomization` found in the target of the staged tree `dir`
   * beside a `kustomization.yaml` of the tree (see {@link kustomizationSiblings}; paths relative to
   * `dir`); complete once {@link finish} has returned.
   */
  public kustomizationSiblingsIn(dir: string): ReadonlySet<string> {
    return this.siblings.get(dir) ?? new Set();
  }

  private addSiblings(dir: string, rels: readonly string[]): void {
    if (rels.length === 0) return;
    let set = this.siblings.get(dir);
    if (!set) this.siblings.set(dir, (set = new Set()));
    for (const r of rels) set.add(r);
  }

  private writeNow(file: string, content: string, tree?: StagedTree): void {
    const rel = tree ? file.slice(tree.dir.length + 1) : '';
    // Encoded once for the blob id, the comparison and the write.
    const bytes = Buffer.from(content, 'utf8');
    if (tree?.blobIds) this.addIds(tree.dir, [rel, gitBlobId(crypto, bytes)]);
    if (tree?.target) this.addSiblings(tree.dir, kustomizationSiblings(fs, path, tree.target, rel));
    if (tree?.target && sameBytes(fs, path.join(tree.target, rel), bytes)) this.addSame(tree.dir, [rel]);
    else if (!tree?.compareOnly) {
      this.mkdir(path.dirname(file));
      fs.writeFileSync(file, bytes);
    }
    if (tree?.record && !tree.compareOnly && !this.unrecorded) {
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
    this.started = true;
    const folder = item[7];
    if (this.batches[this.next].length >= BATCH_SIZE) {
      // The next worker takes over where a folder ends: a folder's objects stay on one worker,
      // which validates them together.
      this.flush(this.next, folder < 0 || folder !== this.lastFolder);
    }
    this.batches[this.next].push(item);
    if (folder >= 0) this.lastFolder = folder;
  }

  /** Blocks until every file is written; throws the first write error. Ends the workers. */
  public finish(): void {
    try {
      this.recorder?.close();
    } catch {
      this.unrecorded = true;
    }
    if (this.workers.length === 0) return;
    this.workers.forEach((_, i) => this.flush(i, false));
    const errors: Error[] = [];
    const unvalidated: Array<[number, Array<[string, string]>]> = [];
    for (const w of this.workers) {
      w.port.postMessage({ end: true });
      Atomics.wait(w.done, 0, 0);
      const msg = receiveMessageOnPort(w.port)?.message as WorkerReport | undefined;
      if (msg?.unrecorded) this.unrecorded = true;
      for (const [dir, rels] of Object.entries(msg?.same ?? {})) this.addSame(dir, rels);
      for (const [dir, rels] of Object.entries(msg?.siblings ?? {})) this.addSiblings(dir, rels);
      for (const [dir, pairs] of Object.entries(msg?.ids ?? {})) this.addIds(dir, pairs);
      for (const [folder, problems] of Object.entries(msg?.problems ?? {})) this.problemsByFolder.set(Number(folder), problems);
      for (const [folder, inputs] of Object.entries(msg?.unvalidated ?? {})) unvalidated.push([Number(folder), inputs]);
      this.workerValidationMs += msg?.validationMs ?? 0;
      if (!msg || msg.error) errors.push(Object.assign(new Error(`writing files failed: ${msg?.error ?? 'worker ended without reporting'}`), { code: msg?.code, path: msg?.path }));
    }
    this.terminate();
    // Carries the system error's code and path, so the writer can name the file and the fix.
    if (errors.length > 0) throw errors[0];
    // Folders a worker could not validate (the validation module did not load there): validated
    // here, from the JSON they were written from.
    if (unvalidated.length > 0) {
      const validator = this.fallback?.();
      if (!validator) throw new Error('YamlFilePool: objects were left unvalidated by the workers, and no fallback validator was given');
      for (const [folder, inputs] of unvalidated.sort((a, b) => a[0] - b[0])) {
        const problems = validator.validate(inputs.map(([json, p]) => ({ obj: JSON.parse(json) as unknown, path: p }))).map((i) => i.message);
        if (problems.length > 0) this.problemsByFolder.set(folder, problems);
      }
    }
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

  /** Posts worker `i`'s batch; with `advance`, the next batch goes to the next worker. */
  private flush(i: number, advance: boolean): void {
    const batch = this.batches[i];
    if (batch.length === 0) return;
    const { port, done } = this.workers[i];
    // Backpressure: at most MAX_QUEUED_BATCHES batches per worker, so memory stays bounded when
    // rendering is faster than writing.
    for (let queued = Atomics.load(done, 1); queued >= MAX_QUEUED_BATCHES; queued = Atomics.load(done, 1)) {
      Atomics.wait(done, 1, queued, 1000);
    }
    Atomics.add(done, 1, 1);
    port.postMessage(batch);
    this.batches[i] = [];
    if (advance) this.next = (this.next + 1) % this.workers.length;
  }

  private mkdir(dir: string): void {
    if (this.madeDirs.has(dir)) return;
    fs.mkdirSync(dir, { recursive: true });
    this.madeDirs.add(dir);
  }
}

/**
 * Batches a worker may have queued before this thread waits for it (16 × {@link BATCH_SIZE}
 * objects, as JSON text): room for the render to run ahead of a busy worker and go on to the
 * whole-app checks while the worker catches up. At 10,000 clusters (l2 bench shape, 2 cores, one
 * worker) the synth took 5.16–5.18 s with 4, 5.02–5.03 s with 16, 4.95–5.07 s with 64, with the
 * same peak RSS (730–745 MB).
 */
const MAX_QUEUED_BATCHES = 16;

/** Items per batch posted to a worker (a batch may end only where a folder ends, see enqueue). */
const BATCH_SIZE = 256;

/**
 * [file, JSON of the object or ready text, ready (1) or not, relFrom, how, target, blobId,
 * folder, path]: an empty `file` is not written (only validated); with `relFrom` > 0,
 * `file.slice(relFrom)` is the file's path in a staged tree; `how`: 0 written, 1 written and
 * recorded for the tree's baseline copy, 2 only compared with the target (never written: see
 * `StagedTree.compareOnly`); a non-empty `target` is the directory whose file of the same path is
 * compared first (the same bytes: not written); `blobId` (1) computes the file's git blob id;
 * `folder` ≥ 0: the object is validated with the others of that folder, as `path`.
 */
type PoolItem = [string, string, 0 | 1, number, 0 | 1 | 2, string, 0 | 1, number, string];

/** The `how` of a {@link PoolItem} of `tree`. */
function howOf(tree: StagedTree | undefined): 0 | 1 | 2 {
  return tree?.compareOnly ? 2 : tree?.record ? 1 : 0;
}

/** What a worker reports when it ends. */
interface WorkerReport {
  readonly error?: string;
  readonly code?: string;
  readonly path?: string;
  readonly unrecorded?: boolean;
  readonly same?: Record<string, string[]>;
  /** Per staged tree: the other kustomization files found beside a kustomization.yaml in its target. */
  readonly siblings?: Record<string, string[]>;
  readonly ids?: Record<string, string[]>;
  /** Validation problems by folder (folders with problems only). */
  readonly problems?: Record<string, string[]>;
  /** The objects of folders it could not validate: [JSON, path] by folder. */
  readonly unvalidated?: Record<string, Array<[string, string]>>;
  readonly validationMs?: number;
}

/**
 * Whether `JSON.parse(JSON.stringify(v))` is `v` again, value for value: plain objects and arrays
 * of strings, booleans, null and finite numbers other than -0 (no NaN, Infinity, BigInt,
 * undefined in arrays, functions, class instances). Objects go to the workers as JSON text; any
 * other object is written (and its folder validated) on the main thread, so the output and the
 * problems do not depend on the number of threads.
 */
export function isJsonExact(v: unknown, depth = 0): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (depth > 1000) return false;
      if (Array.isArray(v)) {
        for (const x of v) if (!isJsonExact(x, depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const k in v) {
        const x = (v as Record<string, unknown>)[k];
        if (x !== undefined && !isJsonExact(x, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** Options of a {@link YamlFilePool}. */
export interface YamlPoolOptions {
  /**
   * Load the validation module on the workers now, for the validator given with
   * {@link YamlFilePool.validateWith}; with a {@link PoolPreparation}, also load and compile the
   * schemas of the kinds to come, so that those the validator reads from the same schema files are
   * not loaded and compiled again (see `Validator.fromPortable`).
   * @default false - the workers cannot validate
   */
  readonly loadValidation?: boolean | PoolPreparation;
}

/** The validator of a pool's workers (see {@link YamlFilePool.validateWith}). */
export interface PoolValidation {
  /**
   * Validate the objects written with a `check` on the worker threads, with this validator
   * ({@link Validator.toPortable}); ignored without workers.
   * @default - the pool does not validate
   */
  readonly validator?: PortableValidator;
  /**
   * The validator for the folders a worker could not validate (its validation module did not
   * load): they are validated on this thread when the pool finishes.
   * @default - none: such folders make {@link YamlFilePool.finish} throw
   */
  readonly fallback?: () => Validator;
}

/** What a pool's workers compile ahead of their validator (see {@link YamlPoolOptions.loadValidation}). */
export interface PoolPreparation {
  /** A validator like the one to come (the same schema files; {@link Validator.toPortable}). */
  readonly validator: PortableValidator;
  /** The kinds whose schemas are compiled. */
  readonly kinds: ReadonlyArray<{ readonly apiVersion: string; readonly kind: string }>;
}

/** An object to validate on a worker (see {@link YamlFilePool.write}). */
export interface ObjectCheck {
  /** Its folder's number: the objects of one folder are validated together. */
  readonly folder: number;
  /** Its construct path, the `path` of the problems found. */
  readonly path: string;
}

/**
 * What a worker loads to validate: the validation module's file (compiled JavaScript, or
 * TypeScript with tsx's CommonJS register module); undefined when it is not a file here (the
 * library bundled into one file: the objects are then validated on the main thread).
 */
function validationModule(): { module: string; tsx?: string } | undefined {
  let module: string;
  try {
    module = require.resolve('../core/validation/validator');
  } catch {
    return undefined;
  }
  if (!module.endsWith('.ts')) return { module };
  try {
    return { module, tsx: require.resolve('tsx/cjs/api') };
  } catch {
    return undefined;
  }
}

/** A staged tree files are written to (a {@link TreeWriter}'s staging directory). */
export interface StagedTree {
  /** The staging directory: the files' paths in the tree are relative to it. */
  readonly dir: string;
  /** Record the files for the baseline copy (see {@link createBaselineRecorder}). @default false */
  readonly record?: boolean;
  /** The directory the tree will be committed to: a file whose target has the same bytes is not staged. @default - every file is staged */
  readonly target?: string;
  /**
   * Only compare each file with `target` (see {@link YamlFilePool.unchangedIn}), never write it:
   * `dir` is a name for the tree, not a directory (`synth --check`). Nothing is recorded.
   * @default false
   */
  readonly compareOnly?: boolean;
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
 * The other kustomization files beside `rel` (a tree path ending in `kustomization.yaml`) in the
 * directory `target` the tree is committed to: `kustomization.yml` and `Kustomization`, as tree
 * paths, when they are files there (links followed, as kustomize reads them). kustomize reads one
 * kustomization file per directory and fails on a directory with more ("Found multiple
 * kustomization files"). Self-contained, so that the pool's worker threads rebuild it from its
 * source text.
 */
export function kustomizationSiblings(fsMod: typeof fs, pathMod: typeof path, target: string, rel: string): string[] {
  if (rel !== 'kustomization.yaml' && !rel.endsWith('/kustomization.yaml')) return [];
  const dir = rel.slice(0, rel.length - 'kustomization.yaml'.length);
  const found: string[] = [];
  for (const name of ['kustomization.yml', 'Kustomization']) {
    let st: fs.Stats | undefined;
    try {
      st = fsMod.statSync(pathMod.join(target, dir + name), { throwIfNoEntry: false });
    } catch {
      st = undefined; // not a directory on the way, say
    }
    if (st?.isFile()) found.push(dir + name);
  }
  return found;
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
// Other kustomization files beside a kustomization.yaml in the target, per staged tree.
const siblings = {};
const kustomizationSiblings = new Function('__name', 'return (' + workerData.kustomizationSiblings + ')')((f) => f);
// Git blob ids of the files of trees that ask for them, per staged tree: [rel, id, rel, id...].
const ids = {};
const gitBlobId = new Function('__name', 'return (' + workerData.gitBlobId + ')')((f) => f);
const crypto = require('crypto');
const made = new Set();
// Validation (workerData.validation): each folder's objects are validated together once the
// folder's last object has arrived (the next folder's first one, or the end); the validator is
// built on first use. When it cannot be (or throws), the folder's objects are reported unvalidated.
const problems = {};
const unvalidated = {};
let validationMs = 0;
let validator;
let noValidator = false;
let pending = -1;
let pendingInputs = [];
// The validation module is loaded as the worker starts (before the first objects arrive); the
// portable validator comes as the first message (YamlFilePool.validateWith).
let validationModule;
const loadValidation = () => {
  if (validationModule || noValidator) return validationModule;
  try {
    const v = workerData.validation;
    if (v.tsx) require(v.tsx).register();
    validationModule = require(v.module);
  } catch {
    noValidator = true;
  }
  return validationModule;
};
let portable;
// A pool started ahead of its validator: a validator like it compiles the kinds to come now, and
// the later one shares its schemas (Validator.fromPortable's reuse).
let prepared;
if (workerData.validation) {
  // Counted as validation time, as when the first folder loaded and compiled them.
  const t0 = performance.now();
  const m = loadValidation();
  const prepare = workerData.validation.prepare;
  if (m && prepare) {
    try {
      prepared = m.Validator.fromPortable(prepare.validator);
      prepared.prepare(prepare.kinds);
    } catch {
      prepared = undefined;
    }
  }
  validationMs += performance.now() - t0;
}
const getValidator = () => {
  if (validator || noValidator) return validator;
  const m = loadValidation();
  try {
    if (m) validator = m.Validator.fromPortable(portable, prepared);
  } catch {
    noValidator = true;
  }
  prepared = undefined;
  return validator;
};
const validatePending = () => {
  if (pending < 0) return;
  const folder = pending;
  const inputs = pendingInputs;
  pending = -1;
  pendingInputs = [];
  const t0 = performance.now();
  const v = getValidator();
  let found;
  if (v) {
    try {
      found = v.validate(inputs.map((i) => ({ obj: i.obj, path: i.path }))).map((i) => i.message);
    } catch {
      found = undefined;
    }
  }
  validationMs += performance.now() - t0;
  if (!found) unvalidated[folder] = inputs.map((i) => [i.json, i.path]);
  else if (found.length > 0) problems[folder] = found;
};
let error;
port.on('message', (msg) => {
  if (msg && msg.validator) {
    portable = msg.validator;
    return;
  }
  if (msg && msg.end) {
    try {
      if (recorder) recorder.close();
    } catch {
      unrecorded = true;
    }
    if (!error) validatePending();
    port.postMessage(error ? error : { ok: true, unrecorded, same, siblings, ids, problems, unvalidated, validationMs });
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
    return;
  }
  try {
    if (!error) {
      for (const [file, data, ready, relFrom, how, target, blobId, folder, objectPath] of msg) {
        const obj = ready ? undefined : JSON.parse(data);
        if (folder >= 0) {
          if (folder !== pending) {
            validatePending();
            pending = folder;
          }
          pendingInputs.push({ obj, json: data, path: objectPath });
        }
        if (!file) continue; // validated only (YamlFilePool.check)
        const text = ready ? data : toYaml(obj);
        // Encoded once for the blob id, the comparison and the write.
        const bytes = Buffer.from(text, 'utf8');
        if (blobId) {
          const tree = file.slice(0, relFrom - 1);
          (ids[tree] || (ids[tree] = [])).push(file.slice(relFrom), gitBlobId(crypto, bytes));
        }
        if (target) {
          const found = kustomizationSiblings(fs, path, target, file.slice(relFrom));
          if (found.length > 0) {
            const tree = file.slice(0, relFrom - 1);
            (siblings[tree] || (siblings[tree] = [])).push(...found);
          }
        }
        if (target && sameBytes(fs, path.join(target, file.slice(relFrom)), bytes)) {
          const tree = file.slice(0, relFrom - 1);
          (same[tree] || (same[tree] = [])).push(file.slice(relFrom));
        } else if (how !== 2) {
          const dir = path.dirname(file);
          if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
          fs.writeFileSync(file, bytes);
        }
        if (how === 1) record(file, relFrom, text);
      }
    }
  } catch (e) {
    error = { error: String(e && e.message || e), code: e && e.code, path: e && e.path };
  }
  Atomics.sub(done, 1, 1);
  Atomics.notify(done, 1);
});
`;
