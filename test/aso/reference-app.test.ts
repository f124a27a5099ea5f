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
      'apps/files/azure/kustomization.yaml',
      'apps/files/azure/privatednszone-privatelink.blob.core.windows.net.yaml',
      'apps/files/azure/privatednszone-privatelink.postgres.database.azure.com.yaml',
      'apps/files/azure/privatednszone-privatelink.vaultcore.azure.net.yaml',
      'apps/files/azure/privatednszonesvirtualnetworklink-privatelink.blob.core.windows.net-vnet-aks-prod-weu.yaml',
      'apps/files/azure/privatednszonesvirtualnetworklink-privatelink.postgres.database.azure.com-vnet-aks-prod-weu.yaml',
      'apps/files/azure/privatednszonesvirtualnetworklink-privatelink.vaultcore.azure.net-vnet-aks-prod-weu.yaml',
      'apps/files/azure/privateendpoint-pe-files-pg-prod-weu-postgresqlserver.yaml',
      'apps/files/azure/privateendpoint-pe-kv-files-prod-weu-vault.yaml',
      'apps/files/azure/privateendpoint-pe-stfilesprodweu-blob.yaml',
      'apps/files/azure/privateendpointsprivatednszonegroup-pe-files-pg-prod-weu-postgresqlserver-dns.yaml',
      'apps/files/azure/privateendpointsprivatednszonegroup-pe-kv-files-prod-weu-vault-dns.yaml',
      'apps/files/azure/privateendpointsprivatednszonegroup-pe-stfilesprodweu-blob-dns.yaml',
      'apps/files/azure/resourcegroup-rg-files-prod-weu.yaml',
      'apps/files/azure/roleassignment-kv-files-prod-weu-id-files-web-key-vault-secrets-user.yaml',
      'apps/files/azure/roleassignment-stfilesprodweu-uploads-id-files-web-storage-blob-data-contributor.yaml',
      'apps/files/azure/sealedsecret-aso-credential-files.yaml',
      'apps/files/azure/sealedsecret-files-db-admin.yaml',
      'apps/files/azure/storageaccount-stfilesprodweu.yaml',
      'apps/files/azure/storageaccountsblobservice-stfilesprodweu-blob.yaml',
      'apps/files/azure/storageaccountsblobservicescontainer-stfilesprodweu-uploads.yaml',
      'apps/files/azure/userassignedidentity-id-files-web.yaml',
      'apps/files/azure/vault-kv-files-prod-weu.yaml',
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
      'ConfigMap/files/kv-files-prod-weu-config#vaultUri',
      'ConfigMap/files/stfilesprodweu-config#blobEndpoint',
      'Secret/files/files-db-admin#password',
    ]);
    for (const r of reads) expect(produced).toContain(r);
  });

  test('wiring: ASO credential, owners, workload identity, retention', () => {
    const by = (kind: string) => objects.filter((o) => o.kind === kind);
    for (const o of objects.filter((x) => x.apiVersion.includes('.azure.com/'))) {
      expect(o.metadata.namespace).toBe('files');
      expect(o.metadata.annotations!['serviceoperator.azure.com/credential-from']).toBe('aso-credential-files');
    }
    for (const kind of ['ResourceGroup', 'FlexibleServer', 'StorageAccount', 'Vault']) {
      expect(by(kind)[0].metadata.annotations!['serviceoperator.azure.com/reconcile-policy']).toBe('detach-on-delete');
      expect(by(kind)[0].metadata.annotations!['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
    }
    const fic = by('FederatedIdentityCredential')[0];
    const sa = by('ServiceAccount')[0];
    expect(fic.spec.subject).toBe(`system:serviceaccount:${sa.metadata.namespace}:${sa.metadata.name}`);
    const dep = by('Deployment')[0];
    expect(dep.spec.template.spec.serviceAccountName).toBe(sa.metadata.name);
    expect(dep.spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(dep.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/component': 'frontend', 'app.kubernetes.io/name': 'files-web' });
    expect(JSON.stringify(dep)).not.toContain('cdk8s.io/metadata.addr');
    // Not data: deleted with the app (access grants revoked, private path removed).
    for (const kind of ['RoleAssignment', 'PrivateEndpoint', 'PrivateEndpointsPrivateDnsZoneGroup', 'PrivateDnsZone', 'PrivateDnsZonesVirtualNetworkLink']) {
      for (const o of by(kind)) expect(o.metadata.annotations).toEqual({ 'serviceoperator.azure.com/credential-from': 'aso-credential-files', 'serviceoperator.azure.com/reconcile-policy': 'manage' });
    }
  });

  test('private data paths: public access disabled, one private endpoint per service, its record in a zone linked to the cluster network', () => {
    const by = (kind: string) => objects.filter((o) => o.kind === kind);
    const one = (kind: string, name: string) => by(kind).find((o) => o.metadata.name === name);
    expect(by('FlexibleServer')[0].spec.network).toEqual({ publicNetworkAccess: 'Disabled' });
    expect(by('FlexibleServersFirewallRule')).toEqual([]);
    expect(by('StorageAccount')[0].spec).toMatchObject({ publicNetworkAccess: 'Disabled', allowSharedKeyAccess: false, defaultToOAuthAuthentication: true });
    expect(by('Vault')[0].spec.properties).toMatchObject({ publicNetworkAccess: 'Disabled', enableRbacAuthorization: true });
    const vnet = '/subscriptions/3f2b8c1e-5d47-4a9e-9c61-2b7e0d4f8a90/resourceGroups/rg-aks-prod-weu/providers/Microsoft.Network/virtualNetworks/vnet-aks-prod-weu';
    const paths = by('PrivateEndpoint').map((pe) => {
      const [conn] = pe.spec.privateLinkServiceConnections;
      expect(pe.spec.subnet).toEqual({ reference: { armId: `${vnet}/subnets/snet-private-endpoints` } });
      expect(pe.spec.location).toBe('westeurope');
      const target = one(conn.privateLinkServiceReference.kind, conn.privateLinkServiceReference.name);
      expect(target.apiVersion.split('/')[0]).toBe(conn.privateLinkServiceReference.group);
      const group = by('PrivateEndpointsPrivateDnsZoneGroup').find((g) => g.spec.owner.name === pe.metadata.name);
      const zone = one('PrivateDnsZone', group.spec.privateDnsZoneConfigs[0].privateDnsZoneReference.name);
      const links = by('PrivateDnsZonesVirtualNetworkLink').filter((l) => l.spec.owner.name === zone.metadata.name);
      expect(links.map((l) => l.spec.virtualNetwork)).toEqual([{ reference: { armId: vnet } }]);
      expect(links[0].spec.registrationEnabled).toBe(false);
      return `${target.kind}/${target.metadata.name} ${conn.groupIds.join(',')} -> ${zone.metadata.name}`;
    });
    expect(paths.sort()).toEqual([
      'FlexibleServer/files-pg-prod-weu postgresqlServer -> privatelink.postgres.database.azure.com',
      'StorageAccount/stfilesprodweu blob -> privatelink.blob.core.windows.net',
      'Vault/kv-files-prod-weu vault -> privatelink.vaultcore.azure.net',
    ]);
  });

  test('access by reference: the identity gets blob data on the container and vault secrets, no key anywhere', () => {
    const assignments = objects.filter((o) => o.kind === 'RoleAssignment');
    const sub = '3f2b8c1e-5d47-4a9e-9c61-2b7e0d4f8a90';
    expect(assignments.map((o) => ({ name: o.metadata.name, spec: o.spec }))).toEqual([
      {
        name: 'kv-files-prod-weu-id-files-web-key-vault-secrets-user',
        spec: {
          operatorSpec: { namingConvention: 'stable' },
          owner: { group: 'keyvault.azure.com', kind: 'Vault', name: 'kv-files-prod-weu' },
          principalIdFromConfig: { name: 'id-files-web-config', key: 'principalId' },
          principalType: 'ServicePrincipal',
          roleDefinitionReference: { armId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6` },
        },
      },
      {
        name: 'stfilesprodweu-uploads-id-files-web-storage-blob-data-contributor',
        spec: {
          operatorSpec: { namingConvention: 'stable' },
          owner: { group: 'storage.azure.com', kind: 'StorageAccountsBlobServicesContainer', name: 'stfilesprodweu-uploads' },
          principalIdFromConfig: { name: 'id-files-web-config', key: 'principalId' },
          principalType: 'ServicePrincipal',
          roleDefinitionReference: { armId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe` },
        },
      },
    ]);
    // The ConfigMap key each assignment reads is exported by the identity.
    const produced = producedKeys(objects);
    for (const a of assignments) expect(produced).toContain(`ConfigMap/files/${a.spec.principalIdFromConfig.name}#${a.spec.principalIdFromConfig.key}`);
    // No account key is exported or read.
    expect(JSON.stringify(objects)).not.toMatch(/"key[12]"/);
  });

  test('every owner and reference names an object of the output in the same namespace (as ASO resolves them)', () => {
    const azure = objects.filter((o) => o.apiVersion.includes('.azure.com/'));
    const exists = (ns: string, name: string, group?: string, kind?: string) =>
      azure.some((o) => o.metadata.namespace === ns && o.metadata.name === name && (!kind || o.kind === kind) && (!group || o.apiVersion.startsWith(`${group}/`)));
    const missing: string[] = [];
    const walk = (v: unknown, at: string, ns: string) => {
      if (v === null || typeof v !== 'object') return;
      const r = v as Record<string, any>;
      if ((at.endsWith('.owner') || /Reference$|\.reference$/.test(at)) && typeof r.name === 'string' && !exists(ns, r.name, r.group, r.kind)) missing.push(`${at}: ${r.kind ?? ''} ${r.name}`);
      for (const [k, x] of Object.entries(r)) walk(x, `${at}.${k}`, ns);
    };
    for (const o of azure) walk(o.spec, `${o.kind}/${o.metadata.name}.spec`, o.metadata.namespace);
    expect(missing).toEqual([]);
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
      expect(counts).toEqual({ 'apps/files': objects.length, 'apps/files/azure': 25, 'apps/files/web': 4 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
