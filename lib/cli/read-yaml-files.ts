/**
 * Reads and parses many YAML files for `validate` and `graph`, on worker threads when there are
 * many. Reading and parsing were most of `validate`'s time on a 10,000-cluster tree.
 *
 * The files are taken in chunks of {@link CHUNK_FILES} from a counter the threads share: the main
 * thread and each worker take the next chunk when they are done with one, so the work splits
 * evenly whatever the files hold. (Split in contiguous parts, a tree's 30,000 object files went to
 * the main thread and its 30,000 small kustomization.yaml files to the worker, which then waited.)
 * Each worker parses with the same reader as the main thread (`lib/core/yaml-read.ts`, rebuilt in
 * the worker from its source text) and posts its chunks back; the results are put back in file order.
 */
import * as fs from 'fs';
import { Worker } from 'worker_threads';
import { createYamlReader, parseYamlDocuments, type ParsedYamlDocument } from '../core/yaml-read';
import { YamlFilePool } from '../gitops/yaml-pool';

/** One file read: its documents, or why it could not be read. */
export type ReadYamlFile = { readonly docs: ParsedYamlDocument[]; readonly readError?: undefined } | { readonly docs?: undefined; readonly readError: string };

/** Files per chunk taken from the shared counter: small enough to balance the threads, large enough that posting is cheap. */
const CHUNK_FILES = 128;

function readOne(file: string): ReadYamlFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const message = (e as { message?: unknown } | null)?.message;
    return { readError: typeof message === 'string' ? message : String(e) };
  }
  return { docs: parseYamlDocuments(text) };
}

// Plain JavaScript run by each worker: take chunks from the shared counter, read and parse their
// files, post each chunk back. A file whose parsing throws (an unresolved alias in `yaml`'s toJS)
// is marked, and no more chunks are taken (see readYamlFiles); the main thread reads it again. So
// is a file with a `!!binary` value: `yaml` reads it as a Buffer, which arrives here as a plain
// Uint8Array (structured clone), so the main thread reads it, as it would without workers.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('worker_threads');
const fs = require('fs');
const reader = new Function('__name', 'return (' + workerData.reader + ')')((f) => f)(require(workerData.jsyamlPath), require(workerData.yamlPath));
const { files, counter, chunk } = workerData;
const chunks = Math.ceil(files.length / chunk);
for (let c = Atomics.add(counter, 0, 1); c < chunks; c = Atomics.add(counter, 0, 1)) {
  const results = [];
  const end = Math.min(files.length, (c + 1) * chunk);
  for (let i = c * chunk; i < end; i++) {
    let text;
    try {
      text = fs.readFileSync(files[i], 'utf8');
    } catch (e) {
      results.push({ readError: String((e && e.message) || e) });
      continue;
    }
    if (text.includes('binary')) {
      results.push({ threw: true });
      continue;
    }
    try {
      results.push({ docs: reader.parse(text) });
    } catch {
      results.push({ threw: true });
      Atomics.store(counter, 0, chunks);
    }
  }
  parentPort.postMessage({ chunk: c, results });
}
`;

type WorkerRead = ReadYamlFile | { threw: true };

/** Starts a worker taking chunks of `files` from `counter`; resolves when it has ended (whatever the reason). */
function startWorker(files: readonly string[], counter: Int32Array, results: Array<WorkerRead | undefined>): Promise<void> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { files, counter, chunk: CHUNK_FILES, reader: createYamlReader.toString(), jsyamlPath: require.resolve('js-yaml'), yamlPath: require.resolve('yaml') },
    });
    worker.on('message', (msg: { chunk: number; results: WorkerRead[] }) => {
      msg.results.forEach((r, j) => (results[msg.chunk * CHUNK_FILES + j] = r));
    });
    // A worker that fails leaves the chunks it took unread: they are read on the main thread.
    worker.on('error', () => undefined);
    worker.on('exit', () => resolve());
  });
}

/**
 * Every file's documents, in the order of `files` (absolute paths), as `parseYamlDocuments` reads
 * them. With `threads` > 0, this thread and `threads` workers share the files (see the module's notes).
 * @param threads worker threads to use (default: `YamlFilePool.threadsFor`, 0 under 2,000 files
 * or with `CDK8S_PLATFORM_THREADS=0`)
 * @param mainThreadReads @internal whether this thread takes chunks too (tests: false, so that the
 * workers read every file they can, where this thread would otherwise finish before they start)
 */
export async function readYamlFiles(files: readonly string[], threads: number = YamlFilePool.threadsFor(files.length), mainThreadReads = true): Promise<ReadYamlFile[]> {
  if (threads <= 0 || (files.length <= CHUNK_FILES && mainThreadReads)) return files.map(readOne);
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const chunks = Math.ceil(files.length / CHUNK_FILES);
  const results: Array<WorkerRead | undefined> = new Array(files.length);
  const workers = Array.from({ length: threads }, () => startWorker(files, counter, results));
  for (let c = mainThreadReads ? Atomics.add(counter, 0, 1) : chunks; c < chunks; c = Atomics.add(counter, 0, 1)) {
    const end = Math.min(files.length, (c + 1) * CHUNK_FILES);
    for (let i = c * CHUNK_FILES; i < end; i++) {
      try {
        results[i] = readOne(files[i]);
      } catch {
        // Thrown below, in file order: the first file that throws is the one reading on this
        // thread alone would throw at, whoever took the chunks. No more chunks are taken.
        results[i] = { threw: true };
        Atomics.store(counter, 0, chunks);
      }
    }
  }
  await Promise.all(workers);
  // Files that threw or hold binary values (see WORKER_SOURCE), or that no thread read (a worker
  // failed, or reading stopped at a file that throws): read here, in file order, which throws
  // where reading on this thread alone throws.
  return Array.from(results, (r, i) => (r === undefined || 'threw' in r ? readOne(files[i]) : r));
}
