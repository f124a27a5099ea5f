/**
 * Reads and parses many YAML files for `validate`, on worker threads when there are many: the
 * files are split in contiguous parts, the main thread reads the first while each worker reads and
 * parses one of the others (with the same reader, `lib/core/yaml-read.ts`, rebuilt in the worker
 * from its source text), and the results come back in file order. Reading and parsing was most of
 * `validate`'s time on a 10,000-cluster tree.
 */
import * as fs from 'fs';
import { Worker } from 'worker_threads';
import { createYamlReader, parseYamlDocuments, type ParsedYamlDocument } from '../core/yaml-read';
import { YamlFilePool } from '../gitops/yaml-pool';

/** One file read: its documents, or why it could not be read. */
export type ReadYamlFile = { readonly docs: ParsedYamlDocument[]; readonly readError?: undefined } | { readonly docs?: undefined; readonly readError: string };

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

// Plain JavaScript run by each worker: read, parse, send back in batches. A file whose parsing
// throws (an unresolved alias in `yaml`'s toJS) is marked and read again by the main thread, which
// then throws as it would have.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('worker_threads');
const fs = require('fs');
const reader = new Function('__name', 'return (' + workerData.reader + ')')((f) => f)(require(workerData.jsyamlPath), require(workerData.yamlPath));
let batch = [];
for (const file of workerData.files) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    batch.push({ readError: String((e && e.message) || e) });
    continue;
  }
  try {
    batch.push({ docs: reader.parse(text) });
  } catch {
    batch.push({ threw: true });
  }
  if (batch.length >= 512) {
    parentPort.postMessage(batch);
    batch = [];
  }
}
parentPort.postMessage(batch);
`;

function readOnWorker(files: readonly string[]): Promise<Array<ReadYamlFile | { threw: true }>> {
  return new Promise((resolve, reject) => {
    const out: Array<ReadYamlFile | { threw: true }> = [];
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { files, reader: createYamlReader.toString(), jsyamlPath: require.resolve('js-yaml'), yamlPath: require.resolve('yaml') },
    });
    worker.on('message', (batch: Array<ReadYamlFile | { threw: true }>) => {
      for (const r of batch) out.push(r);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 && out.length === files.length ? resolve(out) : reject(new Error(`worker exited with code ${code}`))));
  });
}

/**
 * Every file's documents, in the order of `files` (absolute paths), as `parseYamlDocuments` reads
 * them. With `threads` > 0 the files are split in `threads + 1` parts read at once (a part whose
 * worker fails is read on the main thread).
 * @param threads worker threads to use (default: `YamlFilePool.threadsFor`, 0 under 2,000 files
 * or with `CDK8S_PLATFORM_THREADS=0`)
 */
export async function readYamlFiles(files: readonly string[], threads: number = YamlFilePool.threadsFor(files.length)): Promise<ReadYamlFile[]> {
  if (threads <= 0 || files.length < 2) return files.map(readOne);
  const size = Math.ceil(files.length / (threads + 1));
  const parts: Array<readonly string[]> = [];
  for (let i = 0; i < files.length; i += size) parts.push(files.slice(i, i + size));
  const others = parts.slice(1).map((part) => readOnWorker(part).catch(() => part.map(readOne)));
  const results: ReadYamlFile[][] = [parts[0].map(readOne)];
  const rest = await Promise.all(others);
  rest.forEach((r, i) => results.push(r.map((x, j) => ('threw' in x ? readOne(parts[i + 1][j]) : x))));
  return results.flat();
}
