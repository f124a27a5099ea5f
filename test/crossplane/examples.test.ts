import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { GitOpsApp } from '../../lib';
import { runRender } from '../../lib/cli/render';
import { buildCrossplaneAks } from '../../examples/crossplane-aks/app';
import { buildReferenceAppCrossplane, XAPP_CONNECTION_KEYS } from '../../examples/reference-app/crossplane';
import { Patches } from '../../lib/crossplane';

function kustomizeEachFolder(files: Map<string, string>): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xp-kustomize-'));
  for (const [f, c] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), c);
  }
  for (const f of files.keys()) {
    if (!f.endsWith('kustomization.yaml')) continue;
    const r = spawnSync('kubectl', ['kustomize', path.join(dir, path.dirname(f))], { encoding: 'utf8' });
    expect({ folder: path.dirname(f), status: r.status, stderr: r.stderr }).toEqual({ folder: path.dirname(f), status: 0, stderr: '' });
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

describe('crossplane-aks example', () => {
  const app = new GitOpsApp({ outdir: '/tmp/cdk8s-platform-test-crossplane' });
  const ex = buildCrossplaneAks(app);

  test('synthesizes: schema + CEL + references valid, every folder builds with kubectl kustomize', () => {
    const files = app.renderToMemory().get('crossplane-aks')!;
    expect([...files.keys()].sort()).toEqual([
      'clusters/dev/kustomization.yaml', 'clusters/dev/namespace-aks-dev.yaml', 'clusters/dev/xakscluster-aks-dev.yaml',
      'clusters/mgmt/gitrepository-crossplane-aks.yaml', 'clusters/mgmt/kustomization-aks-dev.yaml', 'clusters/mgmt/kustomization-aks-stage.yaml',
      'clusters/mgmt/kustomization-crossplane-apis.yaml', 'clusters/mgmt/kustomization-crossplane-packages.yaml', 'clusters/mgmt/kustomization-crossplane-provider-configs.yaml',
      'clusters/mgmt/kustomization.yaml',
      'clusters/stage/kustomization.yaml', 'clusters/stage/namespace-aks-stage.yaml', 'clusters/stage/xakscluster-aks-stage.yaml',
      'crossplane/apis/aks/compositeresourcedefinition-xaksclusters.platform.contoso.com.yaml', 'crossplane/apis/aks/composition-xaksclusters.platform.contoso.com.yaml', 'crossplane/apis/aks/kustomization.yaml',
      'crossplane/system/kustomization.yaml',
      'crossplane/system/packages/deploymentruntimeconfig-azure-workload-identity.yaml',
      'crossplane/system/packages/function-function-auto-ready.yaml', 'crossplane/system/packages/function-function-patch-and-transform.yaml',
      'crossplane/system/packages/kustomization.yaml', 'crossplane/system/packages/managedresourceactivationpolicy-aks-platform.yaml',
      'crossplane/system/packages/provider-provider-azure-containerservice.yaml', 'crossplane/system/packages/provider-provider-family-azure.yaml',
      'crossplane/system/provider-configs/clusterproviderconfig-default.yaml', 'crossplane/system/provider-configs/kustomization.yaml',
    ]);
    expect(files.get('crossplane/system/packages/managedresourceactivationpolicy-aks-platform.yaml')).toContain('activate:\n    - kubernetesclusters.containerservice.azure.m.upbound.io\n    - resourcegroups.azure.m.upbound.io\n');
    expect(files.get('crossplane/system/packages/provider-provider-azure-containerservice.yaml')).toContain('package: xpkg.crossplane.io/crossplane-contrib/provider-azure-containerservice:v2.7.0\n  runtimeConfigRef:\n    name: azure-workload-identity');
    expect(files.get('clusters/dev/xakscluster-aks-dev.yaml')).toBe([
      'apiVersion: platform.contoso.com/v1alpha1', 'kind: XAksCluster', 'metadata:', '  name: aks-dev', '  namespace: aks-dev', 'spec:',
      '  crossplane:', '    compositionRef:', '      name: xaksclusters.platform.contoso.com', '  environment: dev', '  location: westeurope', '  nodeCount: 2', '',
    ].join('\n'));
    expect(files.get('crossplane/system/provider-configs/clusterproviderconfig-default.yaml')).toContain('spec:\n  clientID: 00000000-0000-0000-0000-000000000003\n  credentials:\n    source: OIDCTokenFile\n  subscriptionID: 00000000-0000-0000-0000-000000000001\n  tenantID: 00000000-0000-0000-0000-000000000002\n');
    kustomizeEachFolder(files);
  });

  test('renders each instance offline into valid managed resources with the Azure Policy add-on', () => {
    for (const env of ['dev', 'stage']) {
      const xr = ex.instances[env].apiObject.toJson();
      const r = ex.composition.render(xr.spec, { name: xr.metadata.name, namespace: xr.metadata.namespace });
      expect(r.issues).toEqual([]);
      expect(r.resources.map((x) => [x.name, (x.object as any).kind])).toEqual([['resource-group', 'ResourceGroup'], ['cluster', 'KubernetesCluster']]);
      const aks = r.resources[1].object as any;
      expect(aks.spec.forProvider.azurePolicyEnabled).toBe(true);
      expect(aks.spec.forProvider.location).toBe(xr.spec.location);
      expect(aks.spec.forProvider.kubernetesVersion).toBe('1.33');
      expect(aks.spec.forProvider.skuTier).toBe(env === 'dev' ? 'Free' : 'Standard');
      expect(aks.spec.forProvider.tags).toEqual({ environment: env, 'platform.contoso.com/cluster': `aks-${env}` });
      expect(aks.spec.managementPolicies).toEqual(['Observe', 'Create', 'Update', 'LateInitialize']);
      expect((r.resources[0].object as any).metadata.annotations['crossplane.io/external-name']).toBe(`rg-aks-${env}`);
    }
  });

  test('a misspelt patch path fails with composition, resource and path', () => {
    expect(() => ex.composition.addPatchAndTransform({ step: 'extra', resources: [{ name: 'rg2', base: { apiVersion: 'azure.m.upbound.io/v1beta1', kind: 'ResourceGroup' }, patches: [Patches.fromComposite('spec.locaiton', 'spec.forProvider.location')] }] }))
      .toThrow('crossplane-aks/crossplane--apis--aks/composition: prop "pipeline[2].resources[0].patches[0]": step "extra": resource "rg2": fromFieldPath "spec.locaiton" is not in the schema of XAksCluster (platform.contoso.com/v1alpha1): unknown field "locaiton" in spec');
  });
});

describe('reference-app-crossplane example', () => {
  const app = new GitOpsApp({ outdir: '/tmp/cdk8s-platform-test-crossplane' });
  const ex = buildReferenceAppCrossplane(app);

  test('synthesizes; the Flask Deployment reads the composed connection Secret', () => {
    const files = app.renderToMemory().get('reference-app-crossplane')!;
    const deployment = files.get('apps/reference-app/deployment-reference-app.yaml')!;
    for (const key of XAPP_CONNECTION_KEYS) expect(deployment).toContain(`key: ${key}\n                  name: reference-app-connection`);
    kustomizeEachFolder(files);
  });

  test('renders the XApp with its connection Secret, validated', () => {
    const xr = ex.instance.apiObject.toJson();
    const r = ex.composition.render(xr.spec, {
      name: 'reference-app', namespace: 'reference-app',
      observed: {
        postgres: { resource: { spec: { forProvider: { administratorLogin: 'pgadmin' } }, status: { atProvider: { fqdn: 'pg.postgres.database.azure.com' } } }, connectionDetails: { 'attribute.administrator_password': 'from-observed-secret' } },
        database: { resource: { metadata: { annotations: { 'crossplane.io/external-name': 'refapp' } } } },
        storage: { resource: { status: { atProvider: { primaryBlobEndpoint: 'https://contosorefapp01.blob.core.windows.net/' } } } },
        container: { resource: { metadata: { annotations: { 'crossplane.io/external-name': 'uploads' } } } },
      },
    });
    expect(r.issues).toEqual([]);
    expect(r.resources.map((x) => x.name)).toEqual(['resource-group', 'postgres', 'database', 'storage', 'container', 'connection-secret']);
    const pg = r.resources[1].object as any;
    expect(pg.spec.forProvider).toMatchObject({ version: '16', skuName: 'B_Standard_B1ms', storageMb: 32768, publicNetworkAccessEnabled: false, administratorPasswordSecretRef: { name: 'reference-app-pg-admin', key: 'password' } });
    expect((r.resources[3].object as any).spec.forProvider.sharedAccessKeyEnabled).toBe(false);
    const secret = r.resources[5].object as any;
    expect(secret.metadata).toEqual({ name: 'reference-app-connection', namespace: 'reference-app' });
    expect(Object.keys(secret.data).sort()).toEqual([...XAPP_CONNECTION_KEYS]);
    expect(Buffer.from(secret.data.host, 'base64').toString()).toBe('pg.postgres.database.azure.com');
  });

  test('the CLI renders the synthesized Composition for an XR file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xp-render-'));
    const files = app.renderToMemory().get('reference-app-crossplane')!;
    for (const [f, c] of files) {
      fs.mkdirSync(path.dirname(path.join(dir, 'repo', f)), { recursive: true });
      fs.writeFileSync(path.join(dir, 'repo', f), c);
    }
    fs.writeFileSync(path.join(dir, 'xr.yaml'), files.get('apps/reference-app/xapp-reference-app.yaml')!);
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), cwd: dir };
    expect(runRender('repo/platform', 'xr.yaml', {}, io)).toBe(0);
    expect(err.join('')).toBe('render: xapps.apps.contoso.com: 5 composed resources, no issues\n');
    expect(out.join('')).toContain('kind: FlexibleServer');
    expect(out.join('')).toContain('storageMb: 32768');
    // an invalid XR is reported against the XRD schema
    fs.writeFileSync(path.join(dir, 'bad.yaml'), stringify({ apiVersion: 'apps.contoso.com/v1alpha1', kind: 'XApp', metadata: { name: 'bad', namespace: 'x' }, spec: { location: 'westeurope', storageAccountName: 'UPPER' } }));
    err.length = 0;
    expect(runRender('repo/platform', 'bad.yaml', {}, io)).toBe(1);
    expect(err.join('')).toContain('bad.yaml: XApp/x/bad: spec.storageAccountName: does not match pattern "^[a-z0-9]{3,24}$"\n');
    expect(() => runRender('repo/platform', 'bad.yaml', { composition: 'nope' }, io)).toThrow('no Composition named "nope" for XApp (apps.contoso.com/v1alpha1) in repo/platform');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
