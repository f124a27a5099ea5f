// Issue 14: built-in kinds validated strictly, no kind passes without a schema, coverage counts,
// per-app schemas (crds, cdk8s.yaml imports, register), nulls pruned, workload references.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { GitOpsApp, Repo, SynthError } from '../../lib';
import { runValidate } from '../../lib/cli/validate';
import type { CliIO } from '../../lib/cli/context';
import { SchemaRegistry, Validator, suggestKind } from '../../lib/core/validation';
import { messages } from './helpers';

const v = new Validator();
const check = (...objs: unknown[]) => messages(v.validate(objs.map((obj, i) => ({ obj, path: `p${i}` }))));

function deployment(container: Record<string, unknown>) {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'a' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x', ...container }] } } },
  };
}

describe('built-in kinds (Kubernetes 1.34 OpenAPI), strict', () => {
  test('quantities, int-or-string and unknown fields', () => {
    expect(check(deployment({ resources: { limits: { cpu: 0.5, memory: '256Mi' }, requests: { cpu: '100m' } }, livenessProbe: { httpGet: { port: 'http' } } }))).toEqual([]);
    expect(check(deployment({ resources: { limits: { memory: '256MB' } }, livenessProbe: { httpGet: { port: true } }, imagePullPolicyy: 'Always' }))).toEqual([
      'p0: Deployment/a/web: spec.template.spec.containers[0].imagePullPolicyy: unknown field "imagePullPolicyy"',
      'p0: Deployment/a/web: spec.template.spec.containers[0].livenessProbe.httpGet.port: must be of type integer or string, got boolean',
      'p0: Deployment/a/web: spec.template.spec.containers[0].resources.limits.memory: must be a valid quantity',
    ]);
  });

  test('ValidatingAdmissionPolicy: CEL expressions must parse', () => {
    const vap = (expression: string) => ({
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'replicas' },
      spec: { matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments'] }] }, validations: [{ expression }] },
    });
    expect(check(vap('object.spec.replicas <= 5'))).toEqual([]);
    const bad = check(vap('object.spec.replicas <= '));
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/^p0: ValidatingAdmissionPolicy\/replicas: spec\.validations\[0\]\.expression: invalid CEL expression "object\.spec\.replicas <= ": /);
  });

  test('every bundled built-in kind has its scope from the OpenAPI paths', () => {
    const reg = SchemaRegistry.builtinKinds();
    expect(reg.scopeOf('v1', 'Namespace')).toBe('Cluster');
    expect(reg.scopeOf('rbac.authorization.k8s.io/v1', 'ClusterRole')).toBe('Cluster');
    expect(reg.scopeOf('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy')).toBe('Cluster');
    expect(reg.scopeOf('networking.k8s.io/v1', 'NetworkPolicy')).toBe('Namespaced');
    expect(reg.originOf('apps/v1', 'Deployment')).toBe('core');
    expect(reg.has('v1', 'ConfigMapList')).toBe(false);
  });
});

describe('nothing passes silently', () => {
  test('did you mean', () => {
    const keys = SchemaRegistry.default().keys();
    expect(suggestKind('apps/v1', 'Deploymnet', keys)).toEqual({ field: 'kind', apiVersion: 'apps/v1', kind: 'Deployment' });
    expect(suggestKind('apps/v2', 'Deployment', keys)).toEqual({ field: 'apiVersion', apiVersion: 'apps/v1', kind: 'Deployment' });
    expect(suggestKind('example.org/v1', 'Zebra', keys)).toBeUndefined();
  });

  test('a built-in group that is not bundled says so', () => {
    expect(check({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'disk.csi.azure.com' })).toEqual([
      'p0: StorageClass/fast: kind: no schema for storage.k8s.io/v1 StorageClass, so it cannot be validated (a Kubernetes API group whose schema is not bundled: only core v1, apps/v1, batch/v1, autoscaling/v2, rbac, networking, admissionregistration and policy are). ' +
        'Register its CRD (GitOpsApp prop "crds", cdk8s.yaml "imports", validate --crds) or accept it unvalidated with allowUnvalidated: ["storage.k8s.io/StorageClass"]',
    ]);
  });

  test('allowUnvalidated accepts a kind, counted as not validated', () => {
    const allow = new Validator({ allowUnvalidated: ['monitoring.coreos.com/Prometheus'] });
    const { issues, coverage } = allow.validateWithCoverage([
      { obj: { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: { name: 'p', namespace: 'm' } } },
      { obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'm' } } },
      { obj: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'g', namespace: 'm' }, spec: { interval: '1m', url: 'https://example.com/x.git' } } },
    ]);
    expect(messages(issues)).toEqual([]);
    expect(coverage).toEqual({ crd: 1, core: 1, registered: 0, unvalidated: 1, unvalidatedKinds: ['monitoring.coreos.com/v1/Prometheus'] });
  });

  test('register: a kind without a CRD file (e.g. a kro instance kind) is validated strictly', () => {
    const reg = SchemaRegistry.default().extend().register({
      apiVersion: 'kro.run/v1alpha1', kind: 'WebApp',
      schema: { type: 'object', properties: { spec: { type: 'object', properties: { image: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: "self.image.startsWith('ghcr.io/')", message: 'image must come from ghcr.io' }] } } },
    });
    expect(SchemaRegistry.default().has('kro.run/v1alpha1', 'WebApp')).toBe(false);
    const r = new Validator({ registry: reg }).validateWithCoverage([{ obj: { apiVersion: 'kro.run/v1alpha1', kind: 'WebApp', metadata: { name: 'w', namespace: 'a' }, spec: { image: 'docker.io/x', port: 80 } }, path: 'p' }]);
    expect(messages(r.issues)).toEqual(['p: WebApp/a/w: spec: failed rule: image must come from ghcr.io', 'p: WebApp/a/w: spec.port: unknown field "port"']);
    expect(r.coverage.registered).toBe(1);
  });

  test('generateName: allowed by default (API server semantics), refused for GitOps manifests', () => {
    const cm = (metadata: Record<string, unknown>) => [{ obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'a', ...metadata } }, path: 'p' }];
    expect(messages(v.validate(cm({ generateName: 'x-' })))).toEqual([]);
    const gitops = new Validator({ generateName: 'refuse' });
    expect(messages(gitops.validate(cm({ generateName: 'x-' })))).toEqual([
      'p: ConfigMap/a/<unnamed>: metadata.name: required field missing: "name": generateName alone cannot be applied (Flux, Argo CD and server-side apply need a name); set metadata.name',
    ]);
    expect(messages(gitops.validate(cm({ name: 'x', generateName: 'x-' })))).toEqual([
      'p: ConfigMap/a/x: metadata.generateName: generateName cannot be applied (Flux, Argo CD and server-side apply identify objects by name; the object is named "x"): remove generateName and set metadata.name',
    ]);
  });

  test('nulls are dropped before structural checks ({format: null} does not satisfy minProperties)', () => {
    const reg = SchemaRegistry.empty().register({
      apiVersion: 'example.org/v1', kind: 'Log',
      schema: { type: 'object', properties: { spec: { type: 'object', minProperties: 1, properties: { format: { type: 'string' }, note: { type: 'string', nullable: true } } } } },
    });
    const nv = new Validator({ registry: reg });
    const obj = (spec: unknown) => [{ obj: { apiVersion: 'example.org/v1', kind: 'Log', metadata: { name: 'l' }, spec }, path: 'p' }];
    expect(messages(nv.validate(obj({ format: null })))).toEqual(['p: Log/l: spec: must have at least 1 properties']);
    expect(messages(nv.validate(obj({ note: null })))).toEqual([]);
  });
});

describe('cdk8s-platform validate: coverage', () => {
  let dir: string;
  const io = (): CliIO & { out: string[] } => {
    const out: string[] = [];
    return { out, cwd: dir, stdout: (t) => void out.push(t), stderr: () => undefined };
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-coverage-'));
    // clusterctl output for a CAPZ release whose API version the library does not bundle
    fs.writeFileSync(path.join(dir, 'cluster.yaml'), [
      'apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata:\n  name: dev\n  namespace: default\nspec:\n  infrastructureRef:\n    apiGroup: infrastructure.cluster.x-k8s.io\n    kind: AzureCluster\n    name: dev\n',
      'apiVersion: infrastructure.cluster.x-k8s.io/v1alpha4\nkind: AzureCluster\nmetadata:\n  name: dev\n  namespace: default\nspec:\n  location: westeurope\n',
    ].join('---\n'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('an unbundled version is "not validated" (exit 1), or accepted with --allow-unvalidated (exit 0)', async () => {
    const a = io();
    expect(await runValidate(['cluster.yaml'], {}, a)).toBe(1);
    expect(a.out.join('')).toBe(
      'cluster.yaml#1: AzureCluster/default/dev: apiVersion: no schema for infrastructure.cluster.x-k8s.io/v1alpha4 AzureCluster, so it cannot be validated (did you mean apiVersion "infrastructure.cluster.x-k8s.io/v1beta1"?). ' +
        'Register its CRD (GitOpsApp prop "crds", cdk8s.yaml "imports", validate --crds) or accept it unvalidated with allowUnvalidated: ["infrastructure.cluster.x-k8s.io/AzureCluster"]\n' +
        'validate: 2 documents in 1 file: 1 issue (validated by CRD schema: 1, by core schema: 0, by registered schema: 0; not validated: 1 (infrastructure.cluster.x-k8s.io/v1alpha4/AzureCluster))\n',
    );
    const b = io();
    expect(await runValidate(['cluster.yaml'], { allowUnvalidated: ['infrastructure.cluster.x-k8s.io/AzureCluster'] }, b)).toBe(0);
    expect(b.out.join('')).toBe('validate: 2 documents in 1 file: no issues (validated by CRD schema: 1, by core schema: 0, by registered schema: 0; not validated: 1 (infrastructure.cluster.x-k8s.io/v1alpha4/AzureCluster))\n');
  });
});

describe('cdk8s-platform validate: workload references', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-refs-'));
    // a PostgreSQL server exporting its FQDN into a ConfigMap of namespace "data"; the app reads it from "web"
    fs.writeFileSync(path.join(dir, 'db.yaml'), [
      'apiVersion: dbforpostgresql.azure.com/v1api20240801\nkind: FlexibleServer\nmetadata:\n  name: pg\n  namespace: data\nspec:\n  location: westeurope\n  owner:\n    name: rg\n  operatorSpec:\n    configMaps:\n      fullyQualifiedDomainName:\n        name: pg-endpoint\n        key: host\n',
    ].join(''));
    fs.writeFileSync(path.join(dir, 'web.yaml'), [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n',
      '      containers:\n        - name: web\n          image: ghcr.io/contoso/web:1.0.0\n          env:\n            - name: DB_HOST\n              valueFrom:\n                configMapKeyRef:\n                  name: pg-endpoint\n                  key: host\n',
      '            - name: OPTIONAL\n              valueFrom:\n                secretKeyRef:\n                  name: maybe\n                  key: k\n                  optional: true\n',
    ].join(''));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('an ASO export read from another namespace names both ends', async () => {
    const out: string[] = [];
    const io: CliIO = { cwd: dir, stdout: (t) => void out.push(t), stderr: () => undefined };
    const code = await runValidate(['.'], { allowUnvalidated: [] }, io);
    expect(out.join('').split('\n').filter(Boolean)).toEqual([
      'web.yaml#0: Deployment/web/web: spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef.name: refers to ConfigMap/web/pg-endpoint, which is not in the validated files; ' +
        'ConfigMap/data/pg-endpoint exists in namespace "data", but pods read ConfigMaps from their own namespace',
      'validate: 2 documents in 2 files: 1 issue (validated by CRD schema: 1, by core schema: 1, by registered schema: 0; not validated: 0)',
    ]);
    expect(code).toBe(1);
  });
});

describe('GitOpsApp: crds, cdk8s.yaml imports, allowUnvalidated, workload references', () => {
  let dir: string;
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'prometheuses.monitoring.coreos.com' },
    spec: { group: 'monitoring.coreos.com', scope: 'Namespaced', names: { kind: 'Prometheus', plural: 'prometheuses' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } } } } } }] },
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-crds-'));
    fs.mkdirSync(path.join(dir, 'crds'));
    fs.writeFileSync(path.join(dir, 'crds', 'prometheus.json'), JSON.stringify(crd));
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'language: typescript\nimports:\n  - k8s\n  - prom:=crds/prometheus.json\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function app(props: ConstructorParameters<typeof GitOpsApp>[0], build: (f: ReturnType<Repo['folder']>) => void): string[] {
    const a = new GitOpsApp({ outdir: path.join(dir, 'out'), printBaselineReport: false, cdk8sConfig: false, ...props });
    build(new Repo(a, 'platform').folder('apps', { namespace: 'apps' }));
    try {
      a.synth();
      return [];
    } catch (e) {
      if (!(e instanceof SynthError)) throw e;
      return [...e.problems];
    } finally {
      fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
    }
  }
  const prom = (f: ReturnType<Repo['folder']>, replicas: unknown = 2) =>
    new ApiObject(f, 'prom', { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: { name: 'main' }, spec: { replicas } });

  test('crds and cdk8s.yaml imports register kinds; their objects are validated', () => {
    expect(app({ crds: [path.join(dir, 'crds')] }, (f) => prom(f))).toEqual([]);
    expect(app({ crds: [path.join(dir, 'crds')] }, (f) => prom(f, 'two'))).toEqual(['platform/apps/prom: Prometheus/apps/main: spec.replicas: must be of type integer, got string']);
    expect(app({ cdk8sConfig: path.join(dir, 'cdk8s.yaml') }, (f) => prom(f, 'two'))).toEqual(['platform/apps/prom: Prometheus/apps/main: spec.replicas: must be of type integer, got string']);
  });

  test('allowUnvalidated is an opt-out listed in the secure-baseline report', () => {
    const a = new GitOpsApp({ outdir: path.join(dir, 'out'), allowUnvalidated: ['monitoring.coreos.com/Prometheus'], cdk8sConfig: false });
    expect(a.secureBaselineReport()).toEqual([{ path: '', setting: 'validation.allowUnvalidated', value: 'monitoring.coreos.com/Prometheus', reason: 'no reason given' }]);
    expect(app({ allowUnvalidated: ['monitoring.coreos.com/Prometheus'] }, (f) => prom(f, 'two'))).toEqual([]);
    expect(() => new GitOpsApp({ allowUnvalidated: ['Prometheus'] })).toThrow('GitOpsApp: prop "allowUnvalidated": "Prometheus" is not "<group>/<Kind>"');
  });

  const web = (f: ReturnType<Repo['folder']>, env: unknown[], extra: Record<string, unknown> = {}) =>
    new ApiObject(f, 'web', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { ...extra, containers: [{ name: 'c', image: 'x', env }] } } },
    });

  test('cdk8s-plus workloads: a Secret nothing produces is an error; one imported by name resolves', () => {
    const plus = (f: ReturnType<Repo['folder']>, secret: kplus.ISecret) => {
      const d = new kplus.Deployment(f, 'api', { containers: [{ image: 'ghcr.io/contoso/api:1.0.0', portNumber: 8080, securityContext: { user: 1000, group: 1000 } }] });
      d.containers[0].env.addVariable('TOKEN', kplus.EnvValue.fromSecretValue({ secret, key: 'token' }));
    };
    const problems = app({}, (f) => plus(f, kplus.Secret.fromSecretName(f, 'token', 'api-token')));
    expect(problems).toEqual([]);
    const missing = app({}, (f) => plus(f, { name: 'api-token', apiVersion: 'v1', apiGroup: '', kind: 'Secret', resourceType: 'secrets', resourceName: 'api-token', env: {} } as unknown as kplus.ISecret));
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(/^platform\/apps\/api\/Resource: Deployment\/apps\/\S+: spec\.template\.spec\.containers\[0\]\.env\[0\]\.valueFrom\.secretKeyRef\.name: refers to Secret\/apps\/api-token, which is not an object of the app; /);
  });

  test('workload references: optional ones are fine; another namespace is named', () => {
    expect(app({}, (f) => web(f, [{ name: 'A', valueFrom: { secretKeyRef: { name: 'nope', key: 'k', optional: true } } }]))).toEqual([]);
    expect(app({}, (f) => {
      web(f, [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'settings', key: 'k' } } }], { serviceAccountName: 'web' });
      new ApiObject(f, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'other' }, data: { k: 'v' } });
    })).toEqual([
      'platform/apps/web: Deployment/apps/web: spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef.name: refers to ConfigMap/apps/settings, which is not an object of the app; ' +
        'ConfigMap/other/settings exists in namespace "other", but pods read ConfigMaps from their own namespace "apps": create or export it there',
      'platform/apps/web: Deployment/apps/web: spec.template.spec.serviceAccountName: refers to ServiceAccount/apps/web, which is not an object of the app; ' +
        'create it, export it from a controller (ASO operatorSpec, Crossplane connection secret, SealedSecret), declare an existing one with fromName(...), or mark the reference optional: true',
    ]);
  });
});
