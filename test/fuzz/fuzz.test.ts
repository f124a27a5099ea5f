// Property-based fuzz of every L2 construct (issue #8, item 6): a bounded run with a fixed seed.
// The long run is `npm run fuzz -- --runs 10000` (scripts/fuzz.ts). See harness.ts for what
// "valid" and "a clear error" mean.
import { ApiObject } from 'cdk8s';
import { GitOpsApp, Overlay, PropError, Repo, SynthError } from '../../lib';
import { PrivateDnsZone, PrivateDnsZoneNames, ResourceGroup, StorageAccount, VirtualNetwork } from '../../lib/aso';
import { Tenant } from '../../lib/flux';
import { ResourceGraphDefinition, Schema } from '../../lib/kro';
import { classifyError, evaluate, fuzzTarget, KnownFinding, knownFindingOf, newFuzzContext, target, TargetStats } from './harness';
import { KNOWN_FINDINGS } from './known-findings';
import { TARGETS } from './targets';
import * as fc from 'fast-check';

/** Runs per construct in `npm test` (the whole file stays well under a minute on 2 CPUs). */
const RUNS = 50;
const SEED = 20260418;

function report(s: TargetStats): string {
  if (!s.firstFailure) return '';
  const f = s.firstFailure;
  return `${s.target}: ${f.verdict.kind === 'failure' ? f.verdict.reason : f.verdict.kind}\n${f.verdict.kind === 'failure' ? f.verdict.message : ''}\n` +
    `counterexample (seed ${f.seed}, path ${f.path}): ${fc.stringify(f.spec)}`;
}

describe('fuzz: every case is valid output or a clear error', () => {
  test('every family has targets', () => {
    const families = new Set(TARGETS.map((t) => t.family));
    expect([...families].sort()).toEqual(['argocd', 'aso', 'capi', 'crossplane', 'flux', 'gitops', 'kro', 'sealing']);
    expect(new Set(TARGETS.map((t) => t.name)).size).toBe(TARGETS.length);
  });

  test.each(TARGETS.map((t) => [t.name, t] as const))('%s', (_name, t) => {
    const stats = fuzzTarget(t, { numRuns: RUNS, seed: SEED, findings: KNOWN_FINDINGS });
    expect(report(stats)).toBe('');
    expect(stats.runs).toBe(RUNS);
    expect(stats.failures).toBe(0);
    // The arbitraries reach both outcomes (valid output and errors) for every construct.
    expect(stats.valid + stats.clear + stats.known).toBe(RUNS);
  });
});

describe('KNOWN_FINDINGS: each counterexample still fails exactly as recorded (fixed? delete the entry)', () => {
  // A loop, not test.each: jest's test.each rejects an empty table, and the list is empty once every finding is fixed.
  for (const f of KNOWN_FINDINGS as readonly KnownFinding[]) {
    test(f.id, () => {
      const t = TARGETS.find((x) => x.name === f.counterexample.target);
      expect(t?.name).toBe(f.counterexample.target);
      const v = evaluate(t!, f.counterexample.spec);
      expect(v.kind).toBe('failure');
      expect(knownFindingOf([f], t!.name, v)?.id).toBe(f.id);
    });
  }
});

describe('the fuzz classifier', () => {
  const ctx = newFuzzContext();
  new ApiObject(ctx.folder, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });

  test('a PropError naming a construct of the app is clear', () => {
    expect(classifyError(new PropError('platform/fuzz/cm', 'name', '"X" is invalid'), 'construct', ctx.app).kind).toBe('clear');
  });

  test('a PropError naming no construct of the app, or showing undefined, is a failure', () => {
    expect(classifyError(new PropError('elsewhere/x', 'name', 'bad'), 'construct', ctx.app)).toMatchObject({ kind: 'failure', reason: 'PropError names "elsewhere/x", not a construct of the app' });
    expect(classifyError(new PropError('platform/fuzz/cm', 'name', '"undefined" is invalid'), 'construct', ctx.app)).toMatchObject({ kind: 'failure', reason: 'rule shows undefined/NaN/[object Object]' });
  });

  test('a TypeError or a plain Error is a failure', () => {
    expect(classifyError(new TypeError('x is undefined'), 'construct', ctx.app)).toMatchObject({ kind: 'failure', reason: 'TypeError (not a PropError or SynthError) at construct' });
    expect(classifyError(new Error('platform/fuzz/cm: prop "x": bad'), 'synth', ctx.app)).toMatchObject({ kind: 'failure', reason: 'Error (not a PropError or SynthError) at synth' });
  });

  test('a SynthError is clear only when every problem is a construct, duplicate or secret-hygiene problem with a construct path', () => {
    const clear = new SynthError([
      'platform/fuzz/cm: prop "secretRef": refers to Secret/apps/x, which is not an object of the app',
      'platform/fuzz/cm: ConfigMap/apps/cm is defined twice in repo "platform" (also by platform/fuzz/cm)',
      'platform/fuzz/cm: ConfigMap/apps/cm: data.url: looks like a URL with a password; keep credentials out of Git',
    ]);
    expect(classifyError(clear, 'synth', ctx.app).kind).toBe('clear');
    const schema = new SynthError(['platform/fuzz/cm: ConfigMap/apps/cm: spec.timeout: does not match pattern "^x$"']);
    expect(classifyError(schema, 'synth', ctx.app)).toMatchObject({ kind: 'failure', reason: 'schema/CEL violation: the construct accepted props whose output is invalid' });
    const other = new ApiObject(ctx.repo.folder('other'), 'secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } });
    const lateChecks = new SynthError([
      'platform/fuzz/cm: ResourceGraphDefinition "x.kro.run": resource "config": field "data.x": expression "${schema.spec.nmae}": no field "nmae"',
      'platform/fuzz/cm: ResourceGraphDefinition "x.kro.run": resources depend on each other in a cycle: a -> b -> a (kro needs an acyclic graph: remove one of the references)',
      `platform/fuzz/cm: ${other.node.path}: Secret/apps/s: metadata.name: Flux applies the tenant's objects as ServiceAccount a/a, which may only write the Secrets named in "secretNames"`,
      'platform/fuzz/cm: prop "patches[0]" (in overlay "platform/overlays/prod"): targets ConfigMap "other", which overlay "platform/overlays/prod" does not build',
    ]);
    expect(classifyError(lateChecks, 'synth', ctx.app).kind).toBe('clear');
    const notAnObject = new SynthError(['platform/fuzz/cm: platform/nowhere: Secret/apps/s: metadata.name: x']);
    expect(classifyError(notAnObject, 'synth', ctx.app)).toMatchObject({ kind: 'failure', reason: 'schema/CEL violation: the construct accepted props whose output is invalid' });
    const noPath = new SynthError(['something went wrong']);
    expect(classifyError(noPath, 'synth', ctx.app)).toMatchObject({ kind: 'failure', reason: 'problem does not start with the path of a construct of the app' });
  });

  test('a target whose output violates its schema fails the fuzz with a shrunk counterexample', () => {
    const bad = target({
      name: 'BadConfigMap', family: 'test', arbitrary: fc.integer({ min: 0, max: 100 }),
      build: (c, n) => void new ApiObject(c.folder, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n > 10 ? 'Bad_Name' : 'ok' } }),
    });
    const stats = fuzzTarget(bad, { numRuns: 50, seed: 1, findings: [] });
    expect(stats.failures).toBeGreaterThan(0);
    expect(stats.firstFailure?.spec).toBe(11);
    expect(stats.firstFailure?.verdict).toMatchObject({ kind: 'failure', reason: 'schema/CEL violation: the construct accepted props whose output is invalid' });
  });
});

describe('findings of the fuzz, fixed in the constructs (exact messages)', () => {
  function setup() {
    const app = new GitOpsApp({ outdir: '/nonexistent', printBaselineReport: false });
    const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
    return { app, repo, folder: repo.folder('fuzz', { namespace: 'apps' }) };
  }

  test('kro: a status field with an unterminated ${ is a PropError (was a plain Error without construct path)', () => {
    const { folder } = setup();
    expect(() => new ResourceGraphDefinition(folder, 'rgd', { kind: 'AppStorage', spec: Schema.object({ name: Schema.string() }), status: { endpoint: '${schema.spec.name' } }))
      .toThrow(new PropError('platform/fuzz/rgd', 'status.endpoint', 'unterminated "${" in "${schema.spec.name"'));
  });

  test('Tenant: quota and limit quantities, resource names and extra egress rules the API server would refuse are PropErrors (were written)', () => {
    const { folder } = setup();
    const base = { name: 'team-alpha', repository: { url: 'https://github.com/contoso/team-alpha' } };
    const err = (props: object) => {
      try {
        new Tenant(folder, `t${Math.random()}`.replace('.', ''), { ...base, ...props });
      } catch (e) {
        return (e as PropError).message.replace(/^platform\/fuzz\/t\d+: /, '');
      }
      return '(no error)';
    };
    expect(err({ resourceQuota: { hard: { 'requests.cpu': '2x' } } })).toBe('prop "resourceQuota.hard[\'requests.cpu\']": "2x" is not a non-negative quantity (e.g. "4", "500m" or "8Gi")');
    expect(err({ resourceQuota: { hard: { 'pods': '-1' } } })).toBe('prop "resourceQuota.hard[\'pods\']": "-1" is not a non-negative quantity (e.g. "4", "500m" or "8Gi")');
    expect(err({ resourceQuota: { hard: { 'Bad Key': '1' } } })).toBe('prop "resourceQuota.hard[\'Bad Key\']": is not a resource name (e.g. "cpu", "requests.memory" or "count/deployments.apps")');
    expect(err({ limitRange: { max: { cpu: '' } } })).toBe('prop "limitRange.max[\'cpu\']": "" is not a non-negative quantity (e.g. "4", "500m" or "8Gi")');
    expect(err({ networkPolicy: { egress: [{ toFqdn: 'db.example.com' }] } })).toBe('prop "networkPolicy.egress[0]": "toFqdn" is not a field of a NetworkPolicyEgressRule (only "to" and "ports")');
    expect(err({ networkPolicy: { egress: [{ ports: [{ protocol: 'TCP', port: 70000 }] }] } })).toBe('prop "networkPolicy.egress[0].ports[0].port": 70000 must be a port number 1-65535 (or a named port)');
    expect(err({ networkPolicy: { egress: [{ ports: [{ protocol: 'ICMP', port: 1 }] }] } })).toBe('prop "networkPolicy.egress[0].ports[0].protocol": "ICMP" must be TCP, UDP or SCTP');
    expect(err({ resourceQuota: { hard: { 'requests.cpu': '500m', 'count/deployments.apps': '10', 'example.com/gpu': '1', 'requests.memory': '1.5Gi' } }, limitRange: { max: { cpu: '2', memory: '4Gi' } } })).toBe('(no error)');
  });

  test('PrivateEndpoint: a kubernetesName too long for its DNS zone group ("<name>-dns") is a PropError (was a schema error at synth)', () => {
    const { folder } = setup();
    const rg = new ResourceGroup(folder, 'rg', { name: 'rg-app', location: 'westeurope' });
    const subnet = new VirtualNetwork(folder, 'vnet', { name: 'vnet-app', resourceGroup: rg, addressSpace: ['10.0.0.0/16'] }).subnet('pe', { addressPrefix: '10.0.1.0/24' });
    const privateDnsZone = new PrivateDnsZone(folder, 'zone', { name: PrivateDnsZoneNames.BLOB, resourceGroup: rg });
    const account = new StorageAccount(folder, 'st', { name: 'stapp', resourceGroup: rg, publicNetworkAccess: false });
    const long = 'a'.repeat(250);
    expect(() => account.addPrivateEndpoint({ subnet, privateDnsZone, kubernetesName: long }))
      .toThrow(new PropError('platform/fuzz/st/PrivateEndpoint-blob', 'kubernetesName', `"${long}" is too long: the DNS zone group is named "<kubernetesName>-dns", which must be at most 253 characters; use at most 249`));
    expect(account.addPrivateEndpoint({ subnet, privateDnsZone, kubernetesName: 'a'.repeat(249) }).dnsZoneGroup?.apiObject.name).toBe(`${'a'.repeat(249)}-dns`);
  });

  test('Overlay: invalid labels are a PropError (were applied to every object and failed the schema at synth)', () => {
    const { repo } = setup();
    const base = repo.folder('platform/base');
    expect(() => repo.overlay('platform/overlays/prod', { base, labels: { '': 'x' } }))
      .toThrow(new PropError('platform/platform--overlays--prod', "labels['']", 'invalid label key "": name part must be non-empty'));
    expect(Overlay.isOverlay(repo.overlay('platform/overlays/dev', { base, labels: { env: 'dev' } }))).toBe(true);
  });
});

