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
  private batches: Array<Array<[string, string] | [string, string, 1]>> = [];
  private next = 0;
  private readonly madeDirs = new Set<string>();

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
        workerData: { port: port2, done, yamlPath: require.resolve('yaml'), options: YAML_OPTIONS, emitter: FAST_YAML ? createYamlEmitter.toString() : undefined },
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

  /** Writes ready text to the absolute path `file` (now, or on a worker when there are workers). */
  public writeText(file: string, content: string): void {
    if (this.workers.length === 0) {
      this.writeNow(file, content);
      return;
    }
    this.enqueue([file, content, 1]);
  }

  /** Writes `obj` as YAML to the absolute path `file` (now or on a worker). */
  public write(file: string, obj: unknown): void {
    if (this.workers.length === 0) {
      this.writeNow(file, toYaml(obj));
      return;
    }
    this.enqueue([file, JSON.stringify(obj)]);
  }

  private writeNow(file: string, content: string): void {
    this.mkdir(path.dirname(file));
    fs.writeFileSync(file, content);
  }

  // [file, JSON of the object] or [file, ready text, 1].
  private enqueue(item: [string, string] | [string, string, 1]): void {
    const batch = this.batches[this.next];
    batch.push(item);
    if (batch.length >= 256) this.flush(this.next);
  }

  /** Blocks until every file is written; throws the first write error. Ends the workers. */
  public finish(): void {
    if (this.workers.length === 0) return;
    this.workers.forEach((_, i) => this.flush(i));
    const errors: Error[] = [];
    for (const w of this.workers) {
      w.port.postMessage({ end: true });
      Atomics.wait(w.done, 0, 0);
      const msg = receiveMessageOnPort(w.port)?.message as { error?: string; code?: string; path?: string } | undefined;
      if (!msg || msg.error) errors.push(Object.assign(new Error(`writing files failed: ${msg?.error ?? 'worker ended without reporting'}`), { code: msg?.code, path: msg?.path }));
    }
    this.terminate();
    // Carries the system error's code and path, so the writer can name the file and the fix.
    if (errors.length > 0) throw errors[0];
  }

  /** Stops the workers without waiting for pending files. */
  public terminate(): void {
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
const made = new Set();
let error;
port.on('message', (msg) => {
  if (msg && msg.end) {
    port.postMessage(error ? error : { ok: true });
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
    return;
  }
  try {
    if (!error) {
      for (const [file, data, ready] of msg) {
        const dir = path.dirname(file);
        if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
        fs.writeFileSync(file, ready ? data : toYaml(JSON.parse(data)));
      }
    }
  } catch (e) {
    error = { error: String(e && e.message || e), code: e && e.code, path: e && e.path };
  }
  Atomics.sub(done, 1, 1);
  Atomics.notify(done, 1);
});
`;
