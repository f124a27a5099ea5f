// cdk8s-plus is a peer dependency: the library uses the app's cdk8s-plus line (lib/core/plus.ts),
// and the bundled examples synthesize with the design card's cdk8s-plus-28 and with the newest
// line, cdk8s-plus-33.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as kplus28 from 'cdk8s-plus-28';
import * as ts from 'typescript';
import { findPlus, PlusEnvironment, resolvePlus, usePlus } from '../../lib/core/plus';
import { tree } from '../support/tree';

const NONE = 'cdk8s-platform needs cdk8s-plus, a peer dependency: install one of cdk8s-plus-33, cdk8s-plus-32, cdk8s-plus-31, cdk8s-plus-30, cdk8s-plus-29, cdk8s-plus-28 (npm install cdk8s-plus-33), or pass the module to usePlus()';

const fakePlus = (line: string) => ({ EnvValue: function EnvValue() {}, Secret: function Secret() {}, ConfigMap: function ConfigMap() {}, line });
const env = (loaded: string[], installed: string[]): PlusEnvironment => ({
  loaded: loaded.map((l) => `/app/node_modules/${l}/lib/index.js`),
  load: (name) => (installed.includes(name) ? fakePlus(name) : undefined),
});

describe('choosing the cdk8s-plus line', () => {
  test('the line the app has loaded, even when a newer one is installed (cdk8s-cli brings cdk8s-plus-33)', () => {
    const r = findPlus(env(['cdk8s-plus-28'], ['cdk8s-plus-28', 'cdk8s-plus-33']));
    expect([r.line, r.source, (r.module as unknown as { line: string }).line]).toEqual(['cdk8s-plus-28', 'loaded', 'cdk8s-plus-28']);
  });

  test('the newest loaded line when the app loaded several', () => {
    const r = findPlus(env(['cdk8s-plus-28', 'cdk8s-plus-30'], ['cdk8s-plus-28', 'cdk8s-plus-30', 'cdk8s-plus-33']));
    expect([r.line, r.source]).toEqual(['cdk8s-plus-30', 'loaded']);
  });

  test('nothing loaded: the newest installed line', () => {
    expect(findPlus(env([], ['cdk8s-plus-28', 'cdk8s-plus-31'])).line).toBe('cdk8s-plus-31');
    expect(findPlus(env(['/app/node_modules/cdk8s/lib/index.js', '/app/node_modules/cdk8s-plus-27/lib/index.js'], ['cdk8s-plus-33'])).line).toBe('cdk8s-plus-33');
  });

  test('none installed: one clear error', () => {
    expect(() => findPlus(env([], []))).toThrow(NONE);
  });

  test('usePlus refuses what is not a cdk8s-plus module', () => {
    expect(() => usePlus({ Deployment: class {} })).toThrow("usePlus: the value passed is not a cdk8s-plus module (no EnvValue, Secret, ConfigMap); pass the module itself, e.g. usePlus(require('cdk8s-plus-33'))");
  });

  test('in this process: the cdk8s-plus-28 the test imported, though cdk8s-plus-33 is installed too', () => {
    const r = resolvePlus();
    expect([r.line, r.source]).toEqual(['cdk8s-plus-28', 'loaded']);
    expect(r.module).toBe(kplus28);
  });
});

describe('the published types', () => {
  test('plus.d.ts names no cdk8s-plus package: an app on any line type-checks without skipLibCheck', () => {
    const file = path.join(__dirname, '..', '..', 'lib', 'core', 'plus.ts');
    const opts = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'tsconfig.build.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')).compilerOptions;
    expect(opts.stripInternal).toBe(true);
    const program = ts.createProgram([file], { declaration: true, emitDeclarationOnly: true, stripInternal: true, skipLibCheck: true, strict: true, types: ['node'] });
    let dts = '';
    program.emit(program.getSourceFile(file), (_name, text) => (dts = text));
    expect(dts.split('\n').filter((l) => /^import /.test(l))).toEqual(["import type { IConstruct } from 'constructs';"]);
    expect(dts).toContain('export declare namespace kplus {\n    /** A cdk8s-plus `EnvValue`');
    expect(dts).toContain('interface IServiceAccount extends IConstruct {');
    expect(dts).not.toMatch(/ISecret|PlusModule|findPlus|export declare const kplus/);
  });
});

/**
 * Synthesizes the bundled examples in a fresh module registry, with `line` as the only cdk8s-plus:
 * the examples' `import … from 'cdk8s-plus-28'` loads `line`, and the library uses it.
 */
function synthExamples(line: 'cdk8s-plus-28' | 'cdk8s-plus-33'): { files: Record<string, string>; used: boolean } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `examples-${line}-`));
  let used = false;
  try {
    jest.isolateModules(() => {
      jest.doMock('cdk8s-plus-28', () => jest.requireActual(line));
      try {
        // The resolver forced to `line` (the examples' own import of it is not visible to it here:
        // jest.isolateModules keeps a registry of its own).
        const plus = require('../../lib/core/plus') as typeof import('../../lib/core/plus');
        plus.usePlus(require(line));
        const { buildExamples } = require('../../examples/main') as typeof import('../../examples/main');
        buildExamples(outdir).synth();
        used = plus.resolvePlus().module === require('cdk8s-plus-28') && plus.resolvePlus().module === jest.requireActual(line);
      } finally {
        jest.dontMock('cdk8s-plus-28');
      }
    });
    return { files: tree(outdir), used };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * cdk8s-plus-33 renders two Kubernetes defaults that cdk8s-plus-28 leaves out, on every Deployment
 * (the app's own workloads, not the library's objects): `spec.revisionHistoryLimit: 10` and
 * `spec.template.spec.shareProcessNamespace: false` (cdk8s-plus-33 lib/deployment.js, lib/pod.js:
 * `props.revisionHistoryLimit ?? 10`, `props.shareProcessNamespace ?? false`). The API server
 * applies the same defaults, so the objects on the cluster are the same.
 */
const PLUS33_DEFAULTS = [/^ {2}revisionHistoryLimit: 10\n/m, /^ {6}shareProcessNamespace: false\n/m];

describe('the bundled examples with cdk8s-plus-28 and cdk8s-plus-33', () => {
  test('synthesize to the same trees, but for the Kubernetes defaults cdk8s-plus-33 writes on Deployments', () => {
    const with28 = synthExamples('cdk8s-plus-28');
    const with33 = synthExamples('cdk8s-plus-33');
    expect([with28.used, with33.used]).toEqual([true, true]);
    expect(Object.keys(with28.files).length).toBeGreaterThan(40);
    expect(Object.keys(with33.files)).toEqual(Object.keys(with28.files));
    const differ = Object.keys(with28.files).filter((f) => with28.files[f] !== with33.files[f]);
    const deployments = Object.keys(with28.files).filter((f) => /^kind: Deployment$/m.test(with28.files[f]));
    // Only Deployments differ (those written by cdk8s-plus; not the one of the L1 KubeDeployment).
    expect(differ.filter((f) => !deployments.includes(f))).toEqual([]);
    expect(differ.length).toBe(12);
    for (const file of differ) {
      let text = with33.files[file];
      for (const re of PLUS33_DEFAULTS) {
        expect(text).toMatch(re);
        text = text.replace(re, '');
      }
      expect([file, text]).toEqual([file, with28.files[file]]);
    }
  });
});
