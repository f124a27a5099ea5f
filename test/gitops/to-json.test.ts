/**
 * fastToJson (lib/gitops/to-json.ts) returns exactly what cdk8s's ApiObject.toJson returns: same
 * JSON, same key order, same errors. Checked on every object of the bundled examples and on edge
 * values.
 */
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch, Lazy, type IResolver, type ResolutionContext } from 'cdk8s';
import { Construct } from 'constructs';
import { buildExamples } from '../../examples/main';
import { fastToJson, fastToJsonApplies, FAST_TO_JSON_CDK8S_VERSION, withFastToJson } from '../../lib/gitops/to-json';

/** cdk8s's result (or error message) and the fast one, for comparison with key order. */
function both(obj: ApiObject): [string, string] {
  const run = (f: () => unknown) => {
    try {
      return JSON.stringify(f());
    } catch (e) {
      return `error: ${(e as Error).message}`;
    }
  };
  const cdk8s = run(() => obj.toJson());
  const fast = run(() => withFastToJson(() => obj.toJson()));
  return [fast, cdk8s];
}

function allApiObjects(root: Construct): ApiObject[] {
  return root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}

test('cdk8s is the version fastToJson reproduces, and its toJson is its own', () => {
  expect(require('cdk8s/package.json').version).toBe(FAST_TO_JSON_CDK8S_VERSION);
  expect(fastToJsonApplies()).toBe(true);
});

test('every object of the bundled examples renders as cdk8s renders it (the generated classes\' toJson included)', () => {
  const objects = allApiObjects(buildExamples(path.join(os.tmpdir(), 'to-json-unused')));
  expect(objects.length).toBeGreaterThan(400);
  for (const o of objects) {
    const [fast, cdk8s] = both(o);
    if (fast !== cdk8s) expect([o.node.path, fast]).toEqual([o.node.path, cdk8s]);
  }
  // withFastToJson puts cdk8s's toJson back.
  expect(ApiObject.prototype.toJson).not.toBe(fastToJson);
});

test('every object of the bench apps (Fleet, ClusterClass, one AksCluster per cluster) renders as cdk8s renders it', () => {
  const { buildApp } = require('../../bench/apps') as typeof import('../../bench/apps');
  for (const shape of ['l1', 'l2', 'aks-cluster'] as const) {
    const objects = allApiObjects(buildApp(shape, 3, { outdir: path.join(os.tmpdir(), 'to-json-unused'), validation: false }));
    expect(objects.length).toBeGreaterThan(10);
    for (const o of objects) {
      const [fast, cdk8s] = both(o);
      if (fast !== cdk8s) expect([o.node.path, fast]).toEqual([o.node.path, cdk8s]);
    }
  }
});

class Token {
  constructor(private readonly v: unknown) {}
  resolve(): unknown {
    return this.v;
  }
}
class Union {
  constructor(readonly value: number | string) {}
}
class NotPlain {
  readonly x = 1;
}

test('edge values: Lazy, tokens, number/string unions, nulls, empty arrays and objects, sorting, patches, bad keys and non-plain objects', () => {
  const app = new App();
  const chart = new Chart(app, 'c', { labels: { team: 'a' } });
  const order: string[] = [];
  const lazy = (name: string, v: unknown) => Lazy.any({ produce: () => (order.push(name), v) });
  const cases: Record<string, Record<string, unknown>> = {
    lazies: { spec: { b: lazy('b', { z: 1, a: lazy('inner', [lazy('x', 'x'), null, undefined]) }), a: lazy('a', 2), '10': 'ten', '9': 'nine' } },
    tokens: { spec: { t: new Token(new Token({ y: new Union(3) })), u: new Union('1Gi'), n: null, e: [], o: {}, arr: [{}, [], null] } },
    metadataExtras: { metadata: { labels: { x: 'y' }, annotations: {}, finalizers: [], ownerReferences: [], generateName: 'g-', extra: { a: null } } },
    // eslint-disable-next-line no-sparse-arrays
    sparse: { spec: { s: [1, , 3] } },
    proto: { spec: JSON.parse('{"a": {"__proto__": {"polluted": true}, "b": 1}}') },
    ctorKey: { spec: { a: { constructor: 'x', b: 1 } } },
    nonPlain: { spec: { a: new NotPlain() } },
    nullProto: { spec: { a: Object.assign(Object.create(null), { k: 1 }) } },
    fn: { spec: { f: () => 1 } },
  };
  for (const [id, props] of Object.entries(cases)) {
    const o = new ApiObject(chart, id, { apiVersion: 'v1', kind: 'ConfigMap', ...props });
    order.length = 0;
    const [fast, cdk8s] = both(o);
    expect([id, fast]).toEqual([id, cdk8s]);
  }
  // Lazy producers run in the same order (cdk8s resolves a whole object before sanitizing it).
  const o = new ApiObject(chart, 'order', { apiVersion: 'v1', kind: 'ConfigMap', spec: { b: lazy('b', 1), a: lazy('a', { d: lazy('d', 1), c: lazy('c', 2) }) } });
  order.length = 0;
  o.toJson();
  const cdk8sOrder = [...order];
  order.length = 0;
  withFastToJson(() => o.toJson());
  expect(order).toEqual(cdk8sOrder);
  // Patches, and addLabel after construction.
  const p = new ApiObject(chart, 'patched', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' } });
  p.addJsonPatch(JsonPatch.add('/data/b', '2'), JsonPatch.remove('/data/a'));
  p.metadata.addLabel('late', 'yes');
  expect(both(p)[0]).toBe(both(p)[1]);
  expect(JSON.parse(both(p)[0])).toMatchObject({ data: { b: '2' }, metadata: { labels: { late: 'yes', team: 'a' } } });
  // The error message of a non-simple object is cdk8s's own.
  expect(both(new ApiObject(chart, 'np', { apiVersion: 'v1', kind: 'ConfigMap', spec: { a: new NotPlain() } }))[0]).toMatch(
    /^error: Failed serializing construct at path 'c\/np' with name 'c-np-.*': Error: can't render non-simple object of type 'NotPlain'$/,
  );
});

test('an object outside an App fails as with cdk8s', () => {
  const orphan = new ApiObject(new Chart(new Construct(undefined as any, 'root'), 'c'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' } });
  const [fast, cdk8s] = both(orphan);
  expect(fast).toBe(cdk8s);
  expect(fast).toMatch(/^error: /);
});

test('CDK8S_DISABLE_SORT is honored as cdk8s honors it', () => {
  const chart = new Chart(new App(), 'c');
  const o = new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { b: '1', a: '2' } });
  process.env.CDK8S_DISABLE_SORT = '1';
  try {
    const [fast, cdk8s] = both(o);
    expect(fast).toBe(cdk8s);
    expect(fast.indexOf('"b"')).toBeLessThan(fast.indexOf('"a"'));
  } finally {
    delete process.env.CDK8S_DISABLE_SORT;
  }
});

test('an app with its own resolvers, and a replaced toJson, get cdk8s\'s own rendering', () => {
  const upper: IResolver = { resolve: (c: ResolutionContext) => (typeof c.value === 'string' && c.value.startsWith('up:') ? c.replaceValue(c.value.slice(3).toUpperCase()) : undefined) };
  const chart = new Chart(new App({ resolvers: [upper] }), 'c');
  const o = new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'up:x' } });
  const [fast, cdk8s] = both(o);
  expect(fast).toBe(cdk8s);
  expect(JSON.parse(fast).data).toEqual({ a: 'X' });
  const original = ApiObject.prototype.toJson;
  const replaced = function (this: ApiObject) {
    return { replaced: true, ...original.call(this) };
  };
  ApiObject.prototype.toJson = replaced;
  try {
    expect(fastToJsonApplies()).toBe(false);
    expect(withFastToJson(() => o.toJson())).toMatchObject({ replaced: true });
    expect(ApiObject.prototype.toJson).toBe(replaced);
  } finally {
    ApiObject.prototype.toJson = original;
  }
});
