// The bundled examples: synthesize (every object passes strict schema + CEL validation, or synth
// throws), byte-identical across runs, every folder builds with kustomize, and the output tree
// passes the standalone validator (what `npx cdk8s-platform validate dist/` runs).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { isStatefulKind, retainMarkers, ValidationInput, Validator } from '../lib';
import { buildExamples } from '../examples/main';
import { writeFluxInstalls } from './support/flux-install';
import { tree } from './support/tree';


const out1 = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-'));
const out2 = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-'));
afterAll(() => {
  fs.rmSync(out1, { recursive: true, force: true });
  fs.rmSync(out2, { recursive: true, force: true });
});

describe('bundled examples', () => {
  beforeAll(() => {
    buildExamples(out1).synth();
    buildExamples(out2).synth();
    // What flux bootstrap commits beside each bootstrap's objects (a user-owned file every
    // FluxBootstrap folder lists: flux bootstrap applies the folder's kustomization.yaml).
    for (const out of [out1, out2]) expect(writeFluxInstalls(out).sort()).toEqual([
      'fleet-table/clusters/mgmt/flux-system/gotk-components.yaml',
      'platform/clusters/mgmt/flux-system/gotk-components.yaml',
      ...['dev', 'prod', 'test'].map((env) => `platform-gitops/clusters/${env}/flux-system/gotk-components.yaml`),
    ].sort());
  });

  test('synthesize to byte-identical trees', () => {
    const a = tree(out1);
    expect(Object.keys(a).length).toBeGreaterThan(40);
    expect(tree(out2)).toEqual(a);
  });

  test('every written object passes the validator, every kustomization lists existing files', () => {
    const files = tree(out1);
    const inputs: ValidationInput[] = [];
    for (const [file, text] of Object.entries(files)) {
      if (!file.endsWith('.yaml')) continue;
      const docs = parseAllDocuments(text).map((d) => d.toJS());
      if (file.endsWith('kustomization.yaml')) {
        for (const r of docs[0].resources as string[]) {
          expect(fs.existsSync(path.join(out1, path.dirname(file), r))).toBe(true);
        }
        continue;
      }
      docs.forEach((obj, docIndex) => inputs.push({ obj, file, docIndex }));
    }
    expect(inputs.length).toBeGreaterThan(30);
    // As the examples app does (examples/main.ts): cert-manager's CRDs are not bundled.
    expect(new Validator({ allowUnvalidated: ['cert-manager.io/ClusterIssuer'] }).validate(inputs).map((i) => i.message)).toEqual([]);
  });

  test('the management cluster hydrates each workload cluster through its kubeconfig secret', () => {
    const files = tree(out1);
    const ks = parseAllDocuments(files['platform/clusters/mgmt/aks-prod/kustomization-aks-prod-apps.yaml'])[0].toJS();
    // retained with its retained cluster: deleted by hand, it leaves the cluster's workloads
    expect(ks.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(ks.spec).toEqual({
      deletionPolicy: 'Orphan',
      dependsOn: [{ name: 'aks-prod-infrastructure' }],
      interval: '10m',
      kubeConfig: { secretRef: { key: 'value', name: 'aks-prod-kubeconfig' } },
      path: './apps/aks-prod',
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' },
      timeout: '5m',
      wait: true,
    });
  });

  test('no example emits a Secret with data; every stateful object carries its retain markers', () => {
    const stateful: string[] = [];
    const unprotected: string[] = [];
    const check = (where: string, obj: any, embedded: boolean) => {
      if (typeof obj?.apiVersion !== 'string' || !isStatefulKind(obj.apiVersion, obj.kind)) return;
      const id = `${where}: ${obj.kind}/${obj.metadata?.name}`;
      stateful.push(id);
      const annotations = obj.metadata?.annotations ?? {};
      const group = obj.apiVersion.split('/')[0];
      const policies: string[] | undefined = obj.spec?.managementPolicies;
      const ok = group.endsWith('.azure.com')
        ? // ASO: detach on delete, or adopted read-only (skip); Flux never prunes what it applies.
          ['detach-on-delete', 'skip'].includes(annotations['serviceoperator.azure.com/reconcile-policy']) &&
          (embedded || annotations['kustomize.toolkit.fluxcd.io/prune'] === 'disabled')
        : group.endsWith('.upbound.io')
          ? Array.isArray(policies) && !policies.includes('Delete') && !policies.includes('*')
          : retainMarkers(obj).length > 0;
      if (!ok) unprotected.push(id);
    };
    for (const [file, text] of Object.entries(tree(out1))) {
      if (!file.endsWith('.yaml') || file.endsWith('kustomization.yaml')) continue;
      for (const obj of parseAllDocuments(text).map((d) => d.toJS())) {
        if (obj.apiVersion === 'v1' && obj.kind === 'Secret') expect([file, obj.data, obj.stringData]).toEqual([file, undefined, undefined]);
        check(file, obj, false);
        // CAPZ embeds ASO resources; Crossplane compositions hold managed-resource bases.
        for (const r of Array.isArray(obj.spec?.resources) ? obj.spec.resources : []) check(`${file} spec.resources`, r, true);
        for (const step of Array.isArray(obj.spec?.pipeline) ? obj.spec.pipeline : []) {
          for (const r of step.input?.resources ?? []) if (r.base) check(`${file} ${step.step}/${r.name}`, r.base, true);
        }
      }
    }
    expect(stateful.length).toBeGreaterThan(20);
    expect(unprotected).toEqual([]);
  });

  test('every folder builds with kubectl kustomize (when kubectl is installed)', () => {
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    } catch {
      console.warn('kubectl not installed: kustomize builds not run (kustomization resources are checked above)');
      return;
    }
    const folders = Object.keys(tree(out1))
      .filter((f) => f.endsWith('/kustomization.yaml'))
      .map((f) => path.join(out1, path.dirname(f)));
    expect(folders.length).toBeGreaterThan(10);
    for (const folder of folders) {
      const built = execFileSync('kubectl', ['kustomize', folder], { encoding: 'utf8' });
      expect(built.length).toBeGreaterThan(0);
    }
  });
});
