import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { runRender } from '../../lib/cli/render';
import { buildCrossplaneAks, PLATFORM_TEAM_GROUP_ID } from '../../examples/crossplane-aks/app';
import { APP_PRINCIPAL_ID, buildReferenceAppCrossplane, XAPP_CONNECTION_KEYS } from '../../examples/reference-app/crossplane';
import { AzureBuiltInRole } from '../../lib/core/azure-roles';
import { Patches, renderComposition } from '../../lib/crossplane';
import { Testing } from '../../lib/testing';

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
  const app = Testing.app();
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
      'crossplane/system/packages/provider-provider-azure-authorization.yaml', 'crossplane/system/packages/provider-provider-azure-containerservice.yaml', 'crossplane/system/packages/provider-provider-family-azure.yaml', 'crossplane/system/packages/serviceaccount-provider-azure.yaml',
      'crossplane/system/provider-configs/clusterproviderconfig-default.yaml', 'crossplane/system/provider-configs/kustomization.yaml',
    ]);
    expect(files.get('crossplane/system/packages/managedresourceactivationpolicy-aks-platform.yaml')).toContain('activate:\n    - kubernetesclusternodepools.containerservice.azure.m.upbound.io\n    - kubernetesclusters.containerservice.azure.m.upbound.io\n    - resourcegrouppolicyassignments.authorization.azure.m.upbound.io\n    - resourcegroups.azure.m.upbound.io\n    - roleassignments.authorization.azure.m.upbound.io\n');
    expect(files.get('crossplane/system/packages/provider-provider-azure-authorization.yaml')).toContain('package: xpkg.crossplane.io/crossplane-contrib/provider-azure-authorization:v2.7.0\n');
    expect(files.get('crossplane/system/packages/provider-provider-azure-containerservice.yaml')).toContain('package: xpkg.crossplane.io/crossplane-contrib/provider-azure-containerservice:v2.7.0\n  runtimeConfigRef:\n    name: azure-workload-identity');
    expect(files.get('clusters/dev/xakscluster-aks-dev.yaml')).toBe([
      // Retained: its composition keeps the AKS cluster (a stateful kind), so the composite is kept too.
      'apiVersion: platform.contoso.com/v1alpha1', 'kind: XAksCluster', 'metadata:', '  name: aks-dev', '  namespace: aks-dev',
      '  annotations:', '    argocd.argoproj.io/sync-options: Delete=false,Prune=false', '    kustomize.toolkit.fluxcd.io/prune: disabled', 'spec:',
      '  crossplane:', '    compositionRef:', '      name: xaksclusters.platform.contoso.com', '  environment: dev', '  location: westeurope', '  nodeCount: 2', '',
    ].join('\n'));
    expect(files.get('crossplane/system/provider-configs/clusterproviderconfig-default.yaml')).toContain('spec:\n  clientID: 00000000-0000-0000-0000-000000000003\n  credentials:\n    source: OIDCTokenFile\n  subscriptionID: 00000000-0000-0000-0000-000000000001\n  tenantID: 00000000-0000-0000-0000-000000000002\n');
    const composition = files.get('crossplane/apis/aks/composition-xaksclusters.platform.contoso.com.yaml')!;
    expect(composition).toContain('kind: ResourceGroupPolicyAssignment');
    expect(composition).toContain('policyDefinitionId: /providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c');
    expect(composition).toContain('kind: RoleAssignment');
    kustomizeEachFolder(files);
  });

  test('renders each instance offline into valid managed resources with the Azure Policy add-on', () => {
    for (const env of ['dev', 'stage']) {
      const xr = ex.instances[env].apiObject.toJson();
      const r = ex.composition.render(xr.spec, { name: xr.metadata.name, namespace: xr.metadata.namespace });
      expect(r.issues).toEqual([]);
      expect(r.resources.map((x) => [x.name, (x.object as any).kind])).toEqual([['resource-group', 'ResourceGroup'], ['allowed-locations', 'ResourceGroupPolicyAssignment'], ['cluster', 'KubernetesCluster'], ['user-pool', 'KubernetesClusterNodePool']]);
      // The system pool takes only critical add-ons: the workloads run on the user pool.
      expect((r.resources[2].object as any).spec.forProvider.defaultNodePool.onlyCriticalAddonsEnabled).toBe(true);
      expect((r.resources[3].object as any).spec.forProvider).toMatchObject({ kubernetesClusterIdSelector: { matchControllerRef: true }, mode: 'User', nodeCount: 2, vmSize: 'Standard_D4s_v5' });
      // The built-in "Allowed locations" policy, assigned to the resource group of the same composite.
      expect(r.resources[1].object).toEqual({
        apiVersion: 'authorization.azure.m.upbound.io/v1beta1',
        kind: 'ResourceGroupPolicyAssignment',
        metadata: {
          generateName: `aks-${env}-`,
          namespace: `aks-${env}`,
          annotations: { 'crossplane.io/composition-resource-name': 'allowed-locations', 'crossplane.io/external-name': `allowed-locations-aks-${env}` },
          labels: { 'crossplane.io/composite': `aks-${env}` },
        },
        spec: {
          forProvider: {
            displayName: 'Allowed locations',
            enforce: true,
            nonComplianceMessage: [{ content: 'Resources of the AKS platform must be in westeurope, northeurope, swedencentral.' }],
            parameters: '{"listOfAllowedLocations":{"value":["westeurope","northeurope","swedencentral"]}}',
            policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c',
            resourceGroupIdSelector: { matchControllerRef: true },
          },
          managementPolicies: ['*'],
        },
      });
      const aks = r.resources[2].object as any;
      expect(aks.spec.forProvider.azurePolicyEnabled).toBe(true);
      expect(aks.spec.forProvider.location).toBe(xr.spec.location);
      expect(aks.spec.forProvider.kubernetesVersion).toBe('1.33');
      expect(aks.spec.forProvider.skuTier).toBe(env === 'dev' ? 'Free' : 'Standard');
      expect(aks.spec.forProvider.tags).toEqual({ environment: env, 'platform-cluster': `aks-${env}` });
      expect(aks.spec.managementPolicies).toEqual(['Observe', 'Create', 'Update', 'LateInitialize']);
      // The platform team's role assignment waits for the cluster's ARM id.
      expect(r.skippedResources.map((x) => x.name)).toEqual(['platform-team-cluster-user', 'platform-team-rbac-admin']);
      // Entra ID with Azure RBAC and no local accounts: the Cluster User role lists a per-person login, not a static credential.
      expect(aks.spec.forProvider).toMatchObject({ azureActiveDirectoryRoleBasedAccessControl: { azureRbacEnabled: true, tenantId: '00000000-0000-0000-0000-000000000002' }, localAccountDisabled: true });
      expect((r.resources[0].object as any).metadata.annotations['crossplane.io/external-name']).toBe(`rg-aks-${env}-aks-${env}`); // <namespace>-<name>
    }
  });

  test('once the cluster exists, the platform team may list its user credential', () => {
    const xr = ex.instances.dev.apiObject.toJson();
    const clusterId = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aks-dev-aks-dev/providers/Microsoft.ContainerService/managedClusters/aks-dev';
    const first = ex.composition.render(xr.spec, { name: 'aks-dev', namespace: 'aks-dev', observed: { cluster: { resource: { status: { atProvider: { id: clusterId } } } } } });
    expect((first.composite as any).status.clusterId).toBe(clusterId);
    const next = renderComposition(ex.composition.toJson(), { ...first.composite, status: { clusterId } });
    expect(next.issues).toEqual([]);
    expect(next.skippedResources).toEqual([]);
    expect((next.resources.find((x) => x.name === 'platform-team-cluster-user')!.object as any).spec.forProvider).toEqual({
      description: 'Platform team: list the cluster user credential',
      principalId: PLATFORM_TEAM_GROUP_ID,
      principalType: 'Group',
      roleDefinitionId: `/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/${AzureBuiltInRole.AKS_CLUSTER_USER}`,
      scope: clusterId,
    });
    expect((next.resources.find((x) => x.name === 'platform-team-rbac-admin')!.object as any).spec.forProvider.roleDefinitionId)
      .toBe(`/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/${AzureBuiltInRole.AKS_RBAC_CLUSTER_ADMIN}`);
  });

  test('a misspelt patch path fails with composition, resource and path', () => {
    expect(() => ex.composition.addPatchAndTransform({ step: 'extra', resources: [{ name: 'rg2', base: { apiVersion: 'azure.m.upbound.io/v1beta1', kind: 'ResourceGroup' }, patches: [Patches.fromComposite('spec.locaiton', 'spec.forProvider.location')] }] }))
      .toThrow('crossplane-aks/crossplane--apis--aks/composition: prop "pipeline[2].resources[0].patches[0]": step "extra": resource "rg2": fromFieldPath "spec.locaiton" is not in the schema of XAksCluster (platform.contoso.com/v1alpha1): unknown field "locaiton" in spec');
  });
});

describe('reference-app-crossplane example', () => {
  const app = Testing.app();
  const ex = buildReferenceAppCrossplane(app);

  test('synthesizes; the Flask Deployment reads the composed connection Secret', () => {
    const files = app.renderToMemory().get('reference-app-crossplane')!;
    const deployment = files.get('apps/reference-app/deployment-reference-app.yaml')!;
    for (const key of XAPP_CONNECTION_KEYS) expect(deployment).toContain(`key: ${key}\n                  name: reference-app-connection`);
    const composition = files.get('platform/apis/composition-xapps.apps.contoso.com.yaml')!;
    expect(composition).toContain('kind: RoleAssignment');
    expect(composition).toContain('kind: ResourceGroupPolicyAssignment');
    expect(composition).toContain(`roleDefinitionId: /subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/${AzureBuiltInRole.STORAGE_BLOB_DATA_CONTRIBUTOR}`);
    expect(files.get('platform/crossplane/packages/managedresourceactivationpolicy-reference-app.yaml')).toContain('- roleassignments.authorization.azure.m.upbound.io\n');
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
    expect(r.resources.map((x) => x.name)).toEqual(['resource-group', 'allowed-locations', 'postgres', 'database', 'storage', 'container', 'connection-secret']);
    expect((r.resources[1].object as any).spec.forProvider).toEqual({
      displayName: 'Allowed locations', enforce: true,
      parameters: '{"listOfAllowedLocations":{"value":["westeurope","northeurope","swedencentral"]}}',
      policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c',
      resourceGroupIdSelector: { matchControllerRef: true },
    });
    const pg = r.resources[2].object as any;
    expect(pg.spec.forProvider).toMatchObject({ version: '16', skuName: 'B_Standard_B1ms', storageMb: 32768, publicNetworkAccessEnabled: false, administratorPasswordSecretRef: { name: 'reference-app-pg-admin', key: 'password' } });
    // Public access off: the server is VNet-integrated in its region's delegated subnet, with the platform's private DNS zone.
    const net = (region: string) => `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aks-prod-${region}/providers/Microsoft.Network/virtualNetworks/vnet-aks-prod-${region}/subnets/snet-postgres`;
    expect(pg.spec.forProvider.delegatedSubnetId).toBe(net('weu'));
    expect(pg.spec.forProvider.privateDnsZoneId).toBe('/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-dns-prod/providers/Microsoft.Network/privateDnsZones/prod.private.postgres.database.azure.com');
    const north = ex.composition.render({ ...xr.spec, location: 'northeurope' }, { name: 'reference-app', namespace: 'reference-app' });
    expect(north.issues).toEqual([]);
    expect((north.resources.find((x) => x.name === 'postgres')!.object as any).spec.forProvider).toMatchObject({ location: 'northeurope', delegatedSubnetId: net('neu') });
    expect((r.resources[4].object as any).spec.forProvider.sharedAccessKeyEnabled).toBe(false);
    const secret = r.resources[6].object as any;
    expect(secret.metadata).toEqual({ name: 'reference-app-connection', namespace: 'reference-app' });
    expect(Object.keys(secret.data).sort()).toEqual([...XAPP_CONNECTION_KEYS]);
    expect(Buffer.from(secret.data.host, 'base64').toString()).toBe('pg.postgres.database.azure.com');
  });

  test('the app identity gets Storage Blob Data Contributor on the container once the account exists', () => {
    const xr = ex.instance.apiObject.toJson();
    const id = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-reference-app-reference-app/providers/Microsoft.Storage/storageAccounts/contosorefapp01';
    // First reconcile: the account id is unknown, the assignment is not created (Required).
    const first = ex.composition.render(xr.spec, { name: 'reference-app', namespace: 'reference-app', observed: { storage: { resource: { status: { atProvider: { id } } } } } });
    expect(first.skippedResources.map((x) => x.name)).toEqual(['blob-access']);
    expect((first.composite as any).status.storageAccountId).toBe(id);
    // Next reconcile: the composite's status has it.
    const next = renderComposition(ex.composition.toJson(), { ...first.composite, status: { storageAccountId: id } });
    expect(next.issues).toEqual([]);
    expect(next.skippedResources).toEqual([]);
    const ra = next.resources.find((x) => x.name === 'blob-access')!.object as any;
    expect(ra.apiVersion).toBe('authorization.azure.m.upbound.io/v1beta1');
    expect(ra.kind).toBe('RoleAssignment');
    expect(ra.metadata.namespace).toBe('reference-app');
    expect(ra.spec).toEqual({
      forProvider: {
        principalId: APP_PRINCIPAL_ID,
        principalType: 'ServicePrincipal',
        roleDefinitionId: `/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/${AzureBuiltInRole.STORAGE_BLOB_DATA_CONTRIBUTOR}`,
        scope: `${id}/blobServices/default/containers/uploads`,
      },
      managementPolicies: ['*'],
    });
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
    expect(err.join('')).toBe([
      'render: step "patch-and-transform": resource "blob-access" skipped (the composite is not ready until it is composed): not adding new composed resource "blob-access" to desired state because "CombineFromComposite" patch at index 1 has \'policy.fromFieldPath: Required\': status.storageAccountId: no such field',
      'render: xapps.apps.contoso.com: 6 composed resources, 1 skipped, no issues',
      '',
    ].join('\n'));
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
