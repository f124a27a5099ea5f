// The reference app (ASO variant): synthesizes with strict schema + CEL validation and resolved
// references, builds with kustomize, emits no Secret data, and every env var reading a Secret or
// ConfigMap reads a key some object of the output produces.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { referenceAppAso } from '../../examples/reference-app/aso';
import { GitOpsApp } from '../../lib';

function build(outdir = '/nonexistent'): GitOpsApp {
  const app = new GitOpsApp({ outdir });
  referenceAppAso(app);
  return app;
}

function objectsOf(files: Map<string, string>): any[] {
  const out: any[] = [];
  for (const [file, text] of files) {
    if (file.endsWith('kustomization.yaml')) continue;
    for (const d of parseAllDocuments(text)) out.push(d.toJS());
  }
  return out;
}

/** `<kind>/<namespace>/<name>#<key>` of every Secret/ConfigMap key an object of the output produces. */
function producedKeys(objects: any[]): Set<string> {
  const keys = new Set<string>();
  for (const o of objects) {
    const ns = o.metadata.namespace;
    const op = o.spec?.operatorSpec;
    if (op) {
      for (const d of Object.values<any>(op.secrets ?? {})) keys.add(`Secret/${ns}/${d.name}#${d.key}`);
      for (const d of Object.values<any>(op.configMaps ?? {})) keys.add(`ConfigMap/${ns}/${d.name}#${d.key}`);
      for (const d of op.secretExpressions ?? []) keys.add(`Secret/${ns}/${d.name}#${d.key}`);
      for (const d of op.configMapExpressions ?? []) keys.add(`ConfigMap/${ns}/${d.name}#${d.key}`);
    }
    if (o.kind === 'SealedSecret') {
      const name = o.spec.template?.metadata?.name ?? o.metadata.name;
      for (const k of Object.keys(o.spec.encryptedData)) keys.add(`Secret/${ns}/${name}#${k}`);
    }
    if (o.kind === 'ConfigMap') for (const k of Object.keys(o.data ?? {})) keys.add(`ConfigMap/${ns}/${o.metadata.name}#${k}`);
  }
  return keys;
}

describe('reference app (ASO)', () => {
  const app = build();
  const rendered = app.renderToMemory(); // throws SynthError on any schema/CEL/reference problem
  const files = rendered.get('reference-app')!;
  const objects = objectsOf(files);

  test('writes the expected files', () => {
    expect([...rendered.keys()]).toEqual(['reference-app']);
    expect([...files.keys()].sort()).toEqual([
      'apps/files/azure/federatedidentitycredential-id-files-web-files-web.yaml',
      'apps/files/azure/flexibleserver-files-pg-prod-weu.yaml',
      'apps/files/azure/flexibleserversdatabase-files-pg-prod-weu-files.yaml',
      'apps/files/azure/flexibleserversfirewallrule-files-pg-prod-weu-aks-egress.yaml',
      'apps/files/azure/kustomization.yaml',
      'apps/files/azure/resourcegroup-rg-files-prod-weu.yaml',
      'apps/files/azure/sealedsecret-aso-credential-files.yaml',
      'apps/files/azure/sealedsecret-files-db-admin.yaml',
      'apps/files/azure/storageaccount-stfilesprodweu.yaml',
      'apps/files/azure/storageaccountsblobservice-stfilesprodweu-blob.yaml',
      'apps/files/azure/storageaccountsblobservicescontainer-stfilesprodweu-uploads.yaml',
      'apps/files/azure/userassignedidentity-id-files-web.yaml',
      'apps/files/kustomization.yaml',
      'apps/files/namespace-files.yaml',
      'apps/files/web/deployment-files-web.yaml',
      'apps/files/web/ingress-files-web.yaml',
      'apps/files/web/kustomization.yaml',
      'apps/files/web/service-files-web.yaml',
      'apps/files/web/serviceaccount-files-web.yaml',
    ]);
  });

  test('no Secret (with or without data) is emitted; SealedSecrets hold only ciphertext', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const o of objects.filter((x) => x.kind === 'SealedSecret')) {
      expect(o.spec.template.data).toBeUndefined();
      for (const v of Object.values<string>(o.spec.encryptedData)) expect(v).toMatch(/^[A-Za-z0-9+/]{64,}={0,2}$/);
    }
    // No object anywhere carries a `data`/`stringData` map (the only secret material is ciphertext).
    const dataKeys: string[] = [];
    const walk = (v: unknown, at: string) => {
      if (v === null || typeof v !== 'object') return;
      for (const [k, x] of Object.entries(v)) {
        if (k === 'data' || k === 'stringData') dataKeys.push(`${at}.${k}`);
        walk(x, `${at}.${k}`);
      }
    };
    for (const o of objects) walk(o, `${o.kind}/${o.metadata.name}`);
    expect(dataKeys).toEqual([]);
  });

  test('every env var reading a Secret or ConfigMap reads a key an object of the output produces', () => {
    const produced = producedKeys(objects);
    const reads: string[] = [];
    for (const o of objects.filter((x) => x.kind === 'Deployment')) {
      for (const c of o.spec.template.spec.containers) {
        for (const e of c.env ?? []) {
          const s = e.valueFrom?.secretKeyRef;
          const m = e.valueFrom?.configMapKeyRef;
          if (s) reads.push(`Secret/${o.metadata.namespace}/${s.name}#${s.key}`);
          if (m) reads.push(`ConfigMap/${o.metadata.namespace}/${m.name}#${m.key}`);
        }
      }
    }
    expect(reads.sort()).toEqual([
      'ConfigMap/files/files-pg-prod-weu-config#fullyQualifiedDomainName',
      'ConfigMap/files/id-files-web-config#clientId',
      'ConfigMap/files/id-files-web-config#tenantId',
      'ConfigMap/files/stfilesprodweu-config#blobEndpoint',
      'Secret/files/files-db-admin#password',
    ]);
    for (const r of reads) expect(produced).toContain(r);
  });

  test('wiring: ASO credential, owners, workload identity, retention', () => {
    const by = (kind: string) => objects.filter((o) => o.kind === kind);
    for (const o of objects.filter((x) => x.apiVersion.includes('.azure.com/'))) {
      expect(o.metadata.namespace).toBe('files');
      expect(o.metadata.annotations['serviceoperator.azure.com/credential-from']).toBe('aso-credential-files');
    }
    for (const kind of ['ResourceGroup', 'FlexibleServer', 'StorageAccount']) {
      expect(by(kind)[0].metadata.annotations['serviceoperator.azure.com/reconcile-policy']).toBe('detach-on-delete');
      expect(by(kind)[0].metadata.annotations['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
    }
    const fic = by('FederatedIdentityCredential')[0];
    const sa = by('ServiceAccount')[0];
    expect(fic.spec.subject).toBe(`system:serviceaccount:${sa.metadata.namespace}:${sa.metadata.name}`);
    const dep = by('Deployment')[0];
    expect(dep.spec.template.spec.serviceAccountName).toBe(sa.metadata.name);
    expect(dep.spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(dep.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/component': 'frontend', 'app.kubernetes.io/name': 'files-web' });
    expect(JSON.stringify(dep)).not.toContain('cdk8s.io/metadata.addr');
    expect(by('FlexibleServer')[0].spec.network.publicNetworkAccess).toBe('Enabled'); // it has a firewall rule
  });

  test('deterministic', () => {
    const again = build().renderToMemory().get('reference-app')!;
    expect([...again.entries()]).toEqual([...files.entries()]);
  });

  test('each folder builds with kubectl kustomize', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ref-app-aso-'));
    try {
      build(dir).synth();
      const root = path.join(dir, 'reference-app');
      const folders = ['apps/files', 'apps/files/azure', 'apps/files/web'];
      const counts: Record<string, number> = {};
      for (const f of folders) {
        const out = execFileSync('kubectl', ['kustomize', path.join(root, f)], { encoding: 'utf8' });
        counts[f] = parseAllDocuments(out).length;
      }
      expect(counts).toEqual({ 'apps/files': objects.length, 'apps/files/azure': 11, 'apps/files/web': 4 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
