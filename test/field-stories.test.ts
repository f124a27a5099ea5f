// The field stories (issues #18 and #19): the bundled examples' output contains every piece the
// stories need, each valid (the examples test validates every object and builds every folder with
// kubectl kustomize); here: that each piece is really there, where the story needs it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { buildExamples } from '../examples/main';
import { tree } from './support/tree';

interface Found {
  readonly file: string;
  readonly obj: any;
  /** Where inside the file's object it sits ('' for the object itself). */
  readonly at: string;
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'field-stories-'));
let files: Record<string, string>;
const objects: Found[] = [];

/** Every Kubernetes object in the output, including those embedded in others (composition bases, RGD templates, CAPZ). */
function collect(file: string, node: unknown, at: string): void {
  if (Array.isArray(node)) {
    node.forEach((n, i) => collect(file, n, `${at}[${i}]`));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (typeof o.apiVersion === 'string' && typeof o.kind === 'string') objects.push({ file, obj: o, at });
  for (const [k, v] of Object.entries(o)) collect(file, v, at ? `${at}.${k}` : k);
}

beforeAll(() => {
  buildExamples(out).synth();
  files = tree(out);
  for (const [file, text] of Object.entries(files)) {
    if (!file.endsWith('.yaml') || file.endsWith('kustomization.yaml')) continue;
    for (const doc of parseAllDocuments(text)) collect(file, doc.toJS(), '');
  }
});
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

const of = (apiVersionPrefix: string, kind: string) =>
  objects.filter((f) => f.obj.kind === kind && (f.obj.apiVersion as string).startsWith(apiVersionPrefix));

describe('tenants as real teams run them (#19.1)', () => {
  test('a ValidatingAdmissionPolicy refusing LoadBalancer and NodePort Services, and its binding', () => {
    const vaps = of('admissionregistration.k8s.io/', 'ValidatingAdmissionPolicy');
    expect(vaps.length).toBeGreaterThan(0);
    const expressions = vaps.flatMap((v) => (v.obj.spec.validations ?? []).map((x: any) => x.expression)).join('\n');
    expect(expressions).toContain('LoadBalancer');
    expect(expressions).toContain('NodePort');
    const bindings = of('admissionregistration.k8s.io/', 'ValidatingAdmissionPolicyBinding');
    expect(bindings.map((b) => b.obj.spec.policyName)).toEqual(expect.arrayContaining(vaps.map((v) => v.obj.metadata.name)));
    expect(bindings.every((b) => (b.obj.spec.validationActions as string[]).includes('Deny'))).toBe(true);
  });

  test('per tenant namespace: ResourceQuota, LimitRange, default-deny NetworkPolicy, Entra group RoleBinding', () => {
    const namespacesOf = (kind: string, prefix: string) => new Set(of(prefix, kind).map((f) => f.obj.metadata.namespace));
    const quotas = namespacesOf('ResourceQuota', 'v1');
    const limits = namespacesOf('LimitRange', 'v1');
    expect(quotas.size).toBeGreaterThan(0);
    expect([...quotas].sort()).toEqual([...limits].sort());
    const denyAll = of('networking.k8s.io/', 'NetworkPolicy').filter(
      (f) => JSON.stringify(f.obj.spec.podSelector) === '{}' && (f.obj.spec.policyTypes ?? []).includes('Ingress') && (f.obj.spec.policyTypes ?? []).includes('Egress'),
    );
    for (const ns of quotas) expect(denyAll.map((f) => f.obj.metadata.namespace)).toContain(ns);
    const groupBindings = of('rbac.authorization.k8s.io/', 'RoleBinding').filter((f) => (f.obj.subjects ?? []).some((s: any) => s.kind === 'Group'));
    for (const ns of quotas) expect(groupBindings.map((f) => f.obj.metadata.namespace)).toContain(ns);
  });
});

describe('Azure access by reference (#19.2) and private data paths (#19.3)', () => {
  test('ASO RoleAssignments scoped by owner reference, with a built-in role', () => {
    const ras = of('authorization.azure.com/', 'RoleAssignment');
    expect(ras.length).toBeGreaterThan(0);
    for (const ra of ras) {
      expect(ra.obj.spec.owner).toBeDefined();
      expect(ra.obj.spec.roleDefinitionReference.armId).toMatch(/\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f-]{36}$/);
    }
  });

  test('upjet RoleAssignments (Crossplane)', () => {
    expect(of('authorization.azure.', 'RoleAssignment').filter((f) => f.obj.apiVersion.includes('upbound.io')).length).toBeGreaterThan(0);
  });

  test('PostgreSQL reachable privately: a private endpoint or a delegated subnet', () => {
    const endpoints = of('network.azure.com/', 'PrivateEndpoint');
    const delegated = of('dbforpostgresql.azure.com/', 'FlexibleServer').filter((f) => f.obj.spec.network?.delegatedSubnetResourceReference);
    expect(endpoints.length + delegated.length).toBeGreaterThan(0);
  });
});

describe('Azure Policy via Crossplane (#19.4)', () => {
  test('a policy assignment to a resource group', () => {
    expect(of('authorization.azure.', 'ResourceGroupPolicyAssignment').length).toBeGreaterThan(0);
  });
});

describe('kustomize bases and overlays (#19.5)', () => {
  test('an overlay folder lists its base by relative path and patches it', () => {
    const overlays = Object.entries(files)
      .filter(([f]) => f.endsWith('kustomization.yaml'))
      .map(([f, text]) => ({ f, k: parseAllDocuments(text)[0].toJS() }))
      .filter(({ k }) => (k.resources ?? []).some((r: string) => r.startsWith('../')));
    expect(overlays.length).toBeGreaterThan(0);
    expect(overlays.some(({ k }) => (k.patches ?? []).length > 0 || (k.images ?? []).length > 0)).toBe(true);
  });
});

describe('Argo CD and KRO (#18)', () => {
  test('Argo CD: app-of-apps, a project per team, an ApplicationSet', () => {
    expect(of('argoproj.io/', 'Application').length).toBeGreaterThan(1);
    expect(of('argoproj.io/', 'AppProject').length).toBeGreaterThan(1);
    expect(of('argoproj.io/', 'ApplicationSet').length).toBeGreaterThan(0);
  });

  test('KRO: a ResourceGraphDefinition over ASO resources and an instance of its kind', () => {
    // the RGD objects themselves (not the kind's entries in Kustomization healthCheckExprs)
    const rgds = of('kro.run/', 'ResourceGraphDefinition').filter((r) => r.at === '');
    expect(rgds.length).toBeGreaterThan(0);
    // kro serves the instance kind as <spec.schema.group (default kro.run)>/<spec.schema.apiVersion>.
    const instanceTypes = rgds.map((r) => `${r.obj.spec.schema.group ?? 'kro.run'}/${r.obj.spec.schema.apiVersion}/${r.obj.spec.schema.kind}`);
    expect(objects.some((f) => f.at === '' && instanceTypes.includes(`${f.obj.apiVersion}/${f.obj.kind}`))).toBe(true);
    const templateGroups = rgds.flatMap((r) => r.obj.spec.resources.map((x: any) => String(x.template.apiVersion).split('/')[0]));
    expect(templateGroups).toEqual(expect.arrayContaining(['resources.azure.com', 'dbforpostgresql.azure.com', 'storage.azure.com']));
  });
});
