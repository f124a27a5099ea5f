// Objects validated on the YAML pool's worker threads (large synths): the same problems, in the
// same order, as validated on the main thread; the time spent counted; a worker that cannot load
// the validation module hands its folders back.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { GitOpsApp, Repo, SynthError, withSynthSession } from '../../lib';
import { GitRepository, Kustomization } from '../../lib/flux';
import { startStagingPool } from '../../lib/gitops/pipeline/write';
import { validatingPoolOptions } from '../../lib/gitops/pipeline/render';
import type { Plan } from '../../lib/safety';
import { Validator } from '../../lib/core/validation/validator';
import { SchemaRegistry } from '../../lib/core/validation/registry';
import { isJsonExact, YamlFilePool } from '../../lib/gitops/yaml-pool';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'worker-validation-'));

/** Runs `fn` with `CDK8S_PLATFORM_THREADS` set to `threads`. */
function withThreads<T>(threads: string, fn: () => T): T {
  const prev = process.env.CDK8S_PLATFORM_THREADS;
  process.env.CDK8S_PLATFORM_THREADS = threads;
  try {
    return fn();
  } finally {
    if (prev === undefined) delete process.env.CDK8S_PLATFORM_THREADS;
    else process.env.CDK8S_PLATFORM_THREADS = prev;
  }
}

const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
    scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', maximum: 10 } } } } } } }],
  },
};

/**
 * An app whose folders have problems of every source, interleaved: schema violations (a bundled
 * built-in kind), a CRD of the app and its objects, a kind registered with `schemas.register`, a
 * kind without a schema, and render problems (a plaintext Secret, a duplicate object) between them.
 */
function brokenApp(outdir: string): GitOpsApp {
  const app = new GitOpsApp({ outdir, printBaselineReport: false });
  app.schemas.register({ apiVersion: 'kro.run/v1alpha1', kind: 'WebApp', schema: { type: 'object', properties: { spec: { type: 'object', properties: { port: { type: 'integer' } } } } } });
  const repo = new Repo(app, 'platform');
  for (let i = 0; i < 4; i++) {
    const f = repo.folder(`apps/a${i}`, { namespace: `team-${i}` });
    new ApiObject(f, 'web', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 'two', selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', colour: 'blue' }] } } } } as any);
    new ApiObject(f, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { ok: 'yes' } } as any);
    if (i === 1) new ApiObject(f, 'token', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token' }, stringData: { token: 'hunter2' } } as any);
    if (i === 2) new ApiObject(f, 'settings-again', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { ok: 'no' } } as any);
  }
  const crds = repo.folder('crds', {});
  new ApiObject(crds, 'widgets', WIDGET_CRD as any);
  const widgets = repo.folder('widgets', { namespace: 'widgets' });
  new ApiObject(widgets, 'big', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'big' }, spec: { size: 11, colour: 'red' } } as any);
  const kro = repo.folder('webapps', { namespace: 'web' });
  new ApiObject(kro, 'shop', { apiVersion: 'kro.run/v1alpha1', kind: 'WebApp', metadata: { name: 'shop' }, spec: { port: 'http' } } as any);
  const gadgets = repo.folder('gadgets', { namespace: 'gadgets' });
  new ApiObject(gadgets, 'g', { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' }, spec: {} } as any);
  return app;
}

/** The synth's problems, the time its validator counted, and the kinds validated on the main thread. */
function synthProblems(threads: string, mode: 'write' | 'plan' = 'write'): { problems: readonly string[]; validationMs: number; mainThreadKinds: number } {
  const app = brokenApp(path.join(tmp(), 'out'));
  try {
    withThreads(threads, () => withSynthSession({ mode }, () => app.synth()));
  } catch (e) {
    if (!(e instanceof SynthError)) throw e;
    const { validator } = app as unknown as { validator: Validator };
    return { problems: e.problems, validationMs: validator.elapsedMs, mainThreadKinds: validator.stats().length };
  }
  throw new Error('the synth should have failed');
}

describe('validation on the worker threads', () => {
  const inline = synthProblems('0');

  test('the main thread finds every kind of problem, folder by folder: its render problems, then its objects\' schema problems', () => {
    const deployment = (i: number) => [
      `platform/apps--a${i}/web: Deployment/team-${i}/web: spec.replicas: must be of type integer, got string`,
      `platform/apps--a${i}/web: Deployment/team-${i}/web: spec.template.spec.containers[0].colour: unknown field "colour"`,
    ];
    const noSchema = (what: string, kind: string, hint: string, allow: string) =>
      `${what}: kind: no schema for ${kind}, so it cannot be validated (${hint}). Register its CRD (GitOpsApp prop "crds", cdk8s.yaml "imports", validate --crds) or accept it unvalidated with allowUnvalidated: ["${allow}"]`;
    expect(inline.problems).toEqual([
      ...deployment(0),
      'platform/apps--a1/token: Secret/team-1/token: plaintext Secret in Git (stringData.token): anyone who can read the repo can read it; use a SealedSecret or a SOPS-encrypted Secret, or reference a Secret created outside Git; if this is deliberate, call allowPlaintextSecret(secret, reason)',
      ...deployment(1),
      'platform/apps--a2/settings-again: ConfigMap/team-2/settings is defined twice in repo "platform" (also by platform/apps--a2/settings)',
      ...deployment(2),
      ...deployment(3),
      noSchema('platform/crds/widgets: CustomResourceDefinition/widgets.example.com', 'apiextensions.k8s.io/v1 CustomResourceDefinition',
        'a Kubernetes API group whose schema is not bundled: only core v1, apps/v1, batch/v1, autoscaling/v2, rbac, networking, admissionregistration and policy are', 'apiextensions.k8s.io/CustomResourceDefinition'),
      noSchema('platform/gadgets/g: Gadget/gadgets/g', 'example.com/v1 Gadget', 'did you mean kind "Widget"?', 'example.com/Gadget'),
      'platform/webapps/shop: WebApp/web/shop: spec.port: must be of type integer, got string',
      'platform/widgets/big: Widget/widgets/big: spec.colour: unknown field "colour"',
      'platform/widgets/big: Widget/widgets/big: spec.size: must be <= 10',
    ]);
  });

  test.each(['1', '2'])('with %s worker thread(s): the same problems in the same order, and the time counted', (threads) => {
    const onWorkers = synthProblems(threads);
    expect(onWorkers.problems).toEqual(inline.problems);
    expect(onWorkers.validationMs).toBeGreaterThan(0);
    // Validated on the workers: the main thread's validator met no kind.
    expect(inline.mainThreadKinds).toBeGreaterThan(3);
    expect(onWorkers.mainThreadKinds).toBe(0);
  });

  test.each(['1', '2'])('plan, with %s worker thread(s): the same problems in the same order', (threads) => {
    const inlinePlan = synthProblems('0', 'plan');
    expect(inlinePlan.problems).toEqual(inline.problems);
    const onWorkers = synthProblems(threads, 'plan');
    expect(onWorkers.problems).toEqual(inline.problems);
    expect(onWorkers.mainThreadKinds).toBe(0);
    expect(onWorkers.validationMs).toBeGreaterThan(0);
  });

  test('a valid app synthesizes the same files with and without workers, and then plans no change', () => {
    const validApp = (out: string) => {
      const app = new GitOpsApp({ outdir: out, printBaselineReport: false });
      const repo = new Repo(app, 'platform');
      for (let i = 0; i < 50; i++) {
        const f = repo.folder(`apps/a${i}`, { namespace: `team-${i}` });
        new ApiObject(f, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { n: `${i}` } } as any);
      }
      return app;
    };
    const build = (threads: string) => {
      const out = path.join(tmp(), 'out');
      withThreads(threads, () => validApp(out).synth());
      const files = fs.readdirSync(path.join(out, 'platform'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).sort();
      return { out, files: files.map((f) => [f, fs.readFileSync(path.join(out, 'platform', f), 'utf8')]) };
    };
    const inlineFiles = build('0').files;
    expect(inlineFiles).toHaveLength(100);
    const onWorkers = build('2');
    expect(onWorkers.files).toEqual(inlineFiles);
    const plans: Plan[] = [];
    withThreads('2', () => withSynthSession({ mode: 'plan', onPlan: (p) => plans.push(p) }, () => validApp(onWorkers.out).synth()));
    expect(plans.map((p) => [p.changed, p.blocked.length])).toEqual([[false, 0]]);
  });
});

describe('the whole-app checks run while the workers validate', () => {
  // An apply-order problem (the GitRepository leaves a file a build lists out of its artifact)
  // and, optionally, a schema problem the workers find.
  const app = (schemaProblem: boolean) => {
    const a = new GitOpsApp({ outdir: path.join(tmp(), 'out'), printBaselineReport: false });
    const repo = new Repo(a, 'mgmt', { url: 'https://example.com/mgmt' });
    const entry = repo.folder('clusters/mgmt', { namespace: 'flux-system' });
    const source = new GitRepository(entry, 'source', { name: 'mgmt', repo, ignore: 'configmap-web.yaml\n' });
    const web = repo.folder('apps/web', { namespace: 'flux-system' });
    new ApiObject(web, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { a: 'b' } });
    if (schemaProblem) new ApiObject(web, 'deploy', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 'two', selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } } as any);
    Kustomization.forFolder(entry, 'web', web, { name: 'web', source, prune: true });
    return a;
  };
  const problems = (threads: string, schemaProblem: boolean, mode: 'write' | 'plan' | 'check' = 'write') => {
    try {
      withThreads(threads, () => withSynthSession({ mode }, () => app(schemaProblem).synth()));
    } catch (e) {
      if (e instanceof SynthError) return [...e.problems];
      throw e;
    }
    return [];
  };
  const applyOrder = [
    'mgmt/clusters--mgmt/source/Resource: GitRepository flux-system/mgmt: its spec.ignore pattern "configmap-web.yaml" leaves "apps/web/configmap-web.yaml" out of the artifact ' +
      '(source-controller archives only the files its ignore patterns keep; the last matching pattern decides), and Kustomization flux-system/web builds it (path "./apps/web"): ' +
      'kustomize-controller fails: the kustomization file listing it finds no such resource; re-include the files with a later "!" pattern, or build another path',
  ];

  test.each(['write', 'plan', 'check'] as const)('%s: the apply-order problem, with and without a worker', (mode) => {
    expect(problems('0', false, mode)).toEqual(applyOrder);
    expect(problems('1', false, mode)).toEqual(applyOrder);
  });

  test.each(['write', 'plan', 'check'] as const)('%s: a schema problem the worker finds comes alone, as on the main thread (the apply order is checked once nothing else is wrong)', (mode) => {
    const inline = problems('0', true, mode);
    expect(inline).toEqual(['mgmt/apps--web/deploy: Deployment/flux-system/web: spec.replicas: must be of type integer, got string']);
    expect(problems('1', true, mode)).toEqual(inline);
  });
});

describe('a pool started ahead of its validator', () => {
  test('started only where a write would use workers; its threads are replaced when the count changed', () => {
    const objects = (n: number) => Array.from({ length: n }, () => ({ apiVersion: 'v1', kind: 'ConfigMap' }) as ApiObject);
    expect(withThreads('0', () => startStagingPool(objects(5000), true))).toBeUndefined();
    const pool = withThreads('1', () => startStagingPool(objects(3), true))!;
    try {
      expect(pool.threads).toBe(1);
      expect(pool.validates).toBe(false);
    } finally {
      pool.terminate();
    }
  });

  test("nothing of the app is read ahead: its CRDs load, and its validator is built, after its construct validations, as without workers", () => {
    const dir = tmp();
    const badCrd = path.join(dir, 'bad.yaml');
    fs.writeFileSync(badCrd, 'kind: CustomResourceDefinition\nspec: [unclosed\n');
    const outcome = (threads: string) => {
      const app = new GitOpsApp({ outdir: path.join(dir, `out-${threads}`), printBaselineReport: false, crds: [badCrd], cdk8sConfig: false });
      const f = new Repo(app, 'platform').folder('apps', { namespace: 'apps' });
      const cm = new ApiObject(f, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'b' } });
      cm.node.addValidation({ validate: () => ['a construct problem'] });
      // A construct validation may still accept a kind unvalidated (the app is not validating yet).
      cm.node.addValidation({ validate: () => (app.addUnvalidatedKind('example.com/Gadget', 'not installed here'), []) });
      try {
        withThreads(threads, () => app.synth());
      } catch (e) {
        return e instanceof SynthError ? ['SynthError', ...e.problems] : ['Error', (e as Error).message];
      }
      return ['no error'];
    };
    expect(outcome('0')).toEqual(['SynthError', 'platform/apps/cm: a construct problem']);
    expect(outcome('1')).toEqual(outcome('0'));
    // Without the construct problem, the app's CRDs fail to load when its validator is built, at
    // render: the same error with a pool started ahead (which is then terminated).
    const unreadable = (threads: string) => {
      const app = new GitOpsApp({ outdir: path.join(dir, `unreadable-${threads}`), printBaselineReport: false, crds: [badCrd], cdk8sConfig: false });
      new ApiObject(new Repo(app, 'platform').folder('apps', { namespace: 'apps' }), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'b' } });
      try {
        withThreads(threads, () => app.synth());
      } catch (e) {
        return (e as Error).message.replace(dir, '<dir>');
      }
      return 'no error';
    };
    expect(unreadable('0')).toMatch(/^GitOpsApp: cannot load CRDs/);
    expect(unreadable('1')).toBe(unreadable('0'));
  });

  test('the validator is given before any file, once', () => {
    const dir = tmp();
    const validator = new Validator();
    const pool = new YamlFilePool(1, { loadValidation: { validator: validator.toPortable(), kinds: [{ apiVersion: 'v1', kind: 'ConfigMap' }] } });
    try {
      pool.validateWith(validatingPoolOptions(validator));
      expect(pool.validates).toBe(true);
      expect(() => pool.validateWith(validatingPoolOptions(validator))).toThrow('YamlFilePool.validateWith: the pool has a validator already');
      pool.write(path.join(dir, 'cm.yaml'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'a' }, data: { count: 1 } }, undefined, { folder: 0, path: 'app/cm' });
      pool.finish();
      expect(pool.validationProblems().get(0)).toEqual(['app/cm: ConfigMap/a/cm: data.count: must be of type string, got integer']);
      expect(fs.readFileSync(path.join(dir, 'cm.yaml'), 'utf8')).toBe('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: a\ndata:\n  count: 1\n');
    } finally {
      pool.terminate();
    }
    const late = new YamlFilePool(1, { loadValidation: true });
    try {
      late.write(path.join(dir, 'x.yaml'), { a: 1 });
      expect(() => late.validateWith(validatingPoolOptions(validator))).toThrow('YamlFilePool.validateWith: too late, files were handed to the workers already');
    } finally {
      late.terminate();
    }
  });

  test('a validator prepared for some kinds compiled them; one rebuilt with it shares the schemas of the same files, not the others', () => {
    const base = new Validator();
    const prepared = Validator.fromPortable(structuredClone(base.toPortable()));
    prepared.prepare([{ apiVersion: 'apps/v1', kind: 'Deployment' }, { apiVersion: 'example.com/v1', kind: 'Nothing' }]);
    expect(prepared.stats().map((s) => s.key)).toEqual(['apps/v1/Deployment']);
    const portable = structuredClone(base.toPortable());
    const moved = portable.registry.kinds.find((k) => k.kind === 'ConfigMap')!;
    const other = { ...portable, registry: { kinds: portable.registry.kinds.map((k) => (k === moved ? { ...k, source: 'elsewhere' } : k)) } };
    const rebuilt = Validator.fromPortable(other, prepared);
    expect(rebuilt.registry.get('apps/v1', 'Deployment')).toBe(prepared.registry.get('apps/v1', 'Deployment'));
    expect(rebuilt.registry.get('v1', 'ConfigMap')).not.toBe(prepared.registry.get('v1', 'ConfigMap'));
    expect(rebuilt.registry.get('v1', 'ConfigMap')!.schema).toEqual(prepared.registry.get('v1', 'ConfigMap')!.schema);
  });
});

describe('values JSON does not carry exactly (NaN, -0, BigInt)', () => {
  const deploymentWith = (replicas: unknown) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } } });
  const run = (threads: string, replicas: unknown, validation: boolean, mode: 'write' | 'plan' = 'write') => {
    const out = path.join(tmp(), 'out');
    const app = new GitOpsApp({ outdir: out, printBaselineReport: false, validation });
    const repo = new Repo(app, 'platform');
    new ApiObject(repo.folder('apps', { namespace: 'web' }), 'web', deploymentWith(replicas) as any);
    new ApiObject(repo.folder('other', { namespace: 'web' }), 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } } as any);
    try {
      withThreads(threads, () => withSynthSession({ mode, onPlan: () => undefined }, () => app.synth()));
    } catch (e) {
      if (e instanceof SynthError) return e.problems;
      throw e;
    }
    return mode === 'write' ? fs.readFileSync(path.join(out, 'platform/apps/deployment-web.yaml'), 'utf8').match(/replicas: .*/)![0] : 'planned';
  };

  test.each([['NaN', NaN], ['-Infinity', -Infinity], ['BigInt', BigInt(3)]])('%s: the same problems and the same bytes with and without workers', (_, replicas) => {
    for (const mode of ['write', 'plan'] as const) {
      const inline = run('0', replicas, true, mode);
      // ajv takes -Infinity for an integer (the same with and without workers is the point here).
      if (replicas !== -Infinity) expect(inline).toEqual([expect.stringMatching(/^platform\/apps\/web: Deployment\/web\/web: spec\.replicas: must be of type integer, got /)]);
      expect(run('1', replicas, true, mode)).toEqual(inline);
      expect(run('2', replicas, true, mode)).toEqual(inline);
    }
    const written = run('0', replicas, false);
    expect(written).toBe(typeof replicas === 'bigint' ? 'replicas: 3' : replicas === -Infinity ? 'replicas: -.inf' : 'replicas: .nan');
    expect(run('1', replicas, false)).toBe(written);
  });

  test('isJsonExact', () => {
    expect(isJsonExact({ a: [1, 'x', true, null, { b: 2.5 }], c: undefined })).toBe(true);
    for (const v of [NaN, Infinity, -0, BigInt(1), [undefined], new Date(0), () => 1, { a: Symbol('s') }, { a: new Map() }]) expect(isJsonExact({ v })).toBe(false);
  });
});

describe('YamlFilePool validation', () => {
  const deployment = (name: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'ns' }, spec: { replicas: 'x' } });

  test("a folder's objects are validated together, with a CRD among them defining its kind", () => {
    const dir = tmp();
    const validator = new Validator({ generateName: 'refuse', allowUnvalidated: ['apiextensions.k8s.io/CustomResourceDefinition'] });
    const pool = new YamlFilePool(2, { loadValidation: true });
    pool.validateWith({ validator: validator.toPortable(), fallback: () => validator });
    expect(pool.validates).toBe(true);
    const objects = [
      { ...WIDGET_CRD, metadata: { name: 'widgets.example.com' } },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'ns' }, spec: { size: 12 } },
    ];
    // 300 objects per folder: batches end only where a folder ends.
    for (let folder = 0; folder < 3; folder++) {
      for (let i = 0; i < 300; i++) {
        const obj = i < objects.length ? objects[i] : { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, namespace: 'ns' } };
        pool.write(path.join(dir, `f${folder}`, `o${i}.yaml`), obj, undefined, { folder, path: `f${folder}/o${i}` });
      }
    }
    pool.finish();
    const expected = validator.validate(objects.map((obj, i) => ({ obj, path: `f0/o${i}` }))).map((i) => i.message);
    expect(expected).toEqual(['f0/o1: Widget/ns/w: spec.size: must be <= 10']);
    expect([...pool.validationProblems()].sort((a, b) => a[0] - b[0])).toEqual([0, 1, 2].map((f) => [f, expected.map((m) => m.replace('f0/', `f${f}/`))]));
    expect(pool.validationMs).toBeGreaterThan(0);
    expect(fs.readdirSync(path.join(dir, 'f2'))).toHaveLength(300);
  });

  test('folders a worker cannot validate are validated by the fallback validator when the pool finishes', () => {
    const dir = tmp();
    const validator = new Validator({ registry: SchemaRegistry.builtinKinds() });
    // A portable validator the worker cannot rebuild.
    const broken = { ...validator.toPortable(), registry: { kinds: null } } as unknown as ReturnType<Validator['toPortable']>;
    let fallbacks = 0;
    const pool = new YamlFilePool(1, { loadValidation: true });
    pool.validateWith({ validator: broken, fallback: () => (fallbacks++, validator) });
    pool.write(path.join(dir, 'a.yaml'), deployment('a'), undefined, { folder: 0, path: 'a' });
    pool.write(path.join(dir, 'b.yaml'), deployment('b'), undefined, { folder: 1, path: 'b' });
    pool.finish();
    expect(fallbacks).toBe(1);
    expect([...pool.validationProblems()]).toEqual([
      [0, validator.validate([{ obj: deployment('a'), path: 'a' }]).map((i) => i.message)],
      [1, validator.validate([{ obj: deployment('b'), path: 'b' }]).map((i) => i.message)],
    ]);
    expect(pool.validationProblems().get(0)![0]).toMatch(/^a: Deployment\/ns\/a: spec\.replicas: /);
    expect(fs.readFileSync(path.join(dir, 'b.yaml'), 'utf8')).toContain('replicas: x');
  });

  test('without workers, a check is ignored: the caller validates', () => {
    const pool = new YamlFilePool(0, { loadValidation: true });
    pool.validateWith({ validator: new Validator().toPortable() });
    expect(pool.validates).toBe(false);
  });
});

describe('portable validators and registries', () => {
  test('a registry rebuilt from its portable form has the same kinds, scopes, origins and schemas', () => {
    const r = SchemaRegistry.default().extend();
    r.register({ apiVersion: 'kro.run/v1alpha1', kind: 'WebApp', scope: 'Cluster', schema: { type: 'object' } });
    r.addCrd(WIDGET_CRD, 'crds/widgets.yaml');
    const back = SchemaRegistry.fromPortable(structuredClone(r.toPortable()));
    expect(back.keys()).toEqual(r.keys());
    for (const key of ['apps/v1/Deployment', 'example.com/v1/Widget', 'kro.run/v1alpha1/WebApp', 'kustomize.toolkit.fluxcd.io/v1/Kustomization']) {
      const slash = key.lastIndexOf('/');
      const [apiVersion, kind] = [key.slice(0, slash), key.slice(slash + 1)];
      const [was, is] = [r.get(apiVersion, kind)!, back.get(apiVersion, kind)!];
      expect([back.scopeOf(apiVersion, kind), back.originOf(apiVersion, kind), is.scope, is.source, is.schema]).toEqual([r.scopeOf(apiVersion, kind), r.originOf(apiVersion, kind), was.scope, was.source, was.schema]);
    }
    expect(back.originOf('apps/v1', 'Deployment')).toBe('core');
    expect(back.scopeOf('kro.run/v1alpha1', 'WebApp')).toBe('Cluster');
  });

  test('a validator rebuilt from its portable form keeps its options', () => {
    const v = new Validator({ allowUnvalidated: ['example.com/Gadget'], generateName: 'refuse', cel: false });
    const back = Validator.fromPortable(structuredClone(v.toPortable()));
    const objects = [
      { obj: { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' } }, path: 'g' },
      { obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'c-' } }, path: 'c' },
    ];
    expect(back.validate(objects)).toEqual(v.validate(objects));
    expect(back.validate(objects).map((i) => i.message)).toEqual(['c: ConfigMap/<unnamed>: metadata.name: required field missing: "name": generateName alone cannot be applied (Flux, Argo CD and server-side apply need a name); set metadata.name']);
  });
});
