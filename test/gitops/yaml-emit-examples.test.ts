// The bundled examples written with the fast emitter (main thread and worker threads) are byte for
// byte what `yaml` writes (CDK8S_PLATFORM_YAML=yaml, read when lib/gitops/layout loads).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { YAML_OPTIONS } from '../../lib/gitops/layout';
import { buildExamples } from '../../examples/main';
import { tree } from '../support/tree';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-emit-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function withEnv<T>(env: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('bundled examples, fast emitter vs yaml', () => {
  const fast = tmp();
  const fastThreads = tmp();
  const slow = tmp();
  beforeAll(() => {
    withEnv({ CDK8S_PLATFORM_THREADS: '0' }, () => buildExamples(fast).synth());
    withEnv({ CDK8S_PLATFORM_THREADS: '2' }, () => buildExamples(fastThreads).synth());
    withEnv({ CDK8S_PLATFORM_YAML: 'yaml', CDK8S_PLATFORM_THREADS: '0' }, () => {
      jest.isolateModules(() => {
        const layout = require('../../lib/gitops/layout') as typeof import('../../lib/gitops/layout');
        expect(layout.FAST_YAML).toBe(false);
        (require('../../examples/main') as typeof import('../../examples/main')).buildExamples(slow).synth();
      });
    });
  });

  test('every file is byte-identical on the main thread and on worker threads', () => {
    const expected = tree(slow);
    expect(Object.keys(expected).length).toBeGreaterThan(40);
    expect(tree(fast)).toEqual(expected);
    expect(tree(fastThreads)).toEqual(expected);
  });

  test('every object file re-stringified by yaml gives the same bytes', () => {
    let n = 0;
    for (const [file, text] of Object.entries(tree(fast))) {
      if (!file.endsWith('.yaml')) continue;
      const docs = YAML.parseAllDocuments(text, { version: '1.1' });
      if (docs.length !== 1) continue;
      expect(YAML.stringify(docs[0].toJS(), YAML_OPTIONS)).toBe(text);
      n++;
    }
    expect(n).toBeGreaterThan(40);
  });
});
