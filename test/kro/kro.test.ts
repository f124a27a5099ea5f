// kro ResourceGraphDefinitions: SimpleSchema rendering, `${...}` expression checks against the
// instance schema and the resources' schemas, instance validation, the upstream Azure example
// expressed with the L2, and the kro variant of the reference app.
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { RemovalPolicy, Repo, SchemaRegistry, validateObjects } from '../../lib';
import { Testing } from '../../lib/testing';
import { ResourceGroup, StorageAccount } from '../../lib/aso';
import { findExpressions, InstanceScope, instanceSpecSchema, ResourceGraphDefinition, RgdInstance, Schema, simpleSchemaToJsonSchema, toSimpleSchema } from '../../lib/kro';
import { buildReferenceAppKro } from '../../examples/reference-app/kro';

const UPSTREAM = path.join(__dirname, '../../../shared/crds/extras/examples/kro/examples/azure');

function setup() {
  const app = Testing.app();
  const repo = new Repo(app, 'repo', { url: 'https://github.com/contoso/x' });
  return { app, repo, folder: repo.folder('platform/kro'), apps: repo.folder('apps', { namespace: 'team' }) };
}

const spec = Schema.object({
  name: Schema.string({ required: true }),
  location: Schema.string({ default: 'westeurope', enum: ['westeurope', 'northeurope'] }),
  replicas: Schema.integer({ minimum: 1, default: 2 }),
  tags: Schema.map(Schema.string()),
  zones: Schema.array(Schema.string(), { listType: 'set', maxItems: 3 }),
  db: Schema.object({ sku: Schema.string({ default: 'B1ms', description: 'SKU name "tier_size".' }) }),
});

function storageRgd(scope: any) {
  const rgd = new ResourceGraphDefinition(scope, 'rgd', { kind: 'AppStorage', spec });
  const rg = new ResourceGroup(rgd.templates, 'rg', { name: 'rg-placeholder', location: 'westeurope' });
  const group = rgd.addResource({ id: 'resourceGroup', template: rg, set: { 'metadata.name': `${rgd.spec('name')}-rg`, 'spec.location': rgd.spec('location') } });
  const sa = new StorageAccount(rgd.templates, 'sa', { name: 'stplaceholder', resourceGroup: rg });
  return { rgd, group, rg, sa };
}

describe('SimpleSchema', () => {
  test('fields render as kro SimpleSchema with markers, nested objects as maps', () => {
    const { folder } = setup();
    const { rgd } = storageRgd(folder);
    expect(rgd.toJson().spec.schema).toEqual({
      apiVersion: 'v1alpha1',
      kind: 'AppStorage',
      group: 'kro.run',
      spec: {
        name: 'string | required=true',
        location: 'string | default=westeurope enum=westeurope,northeurope',
        replicas: 'integer | default=2 minimum=1',
        tags: 'map[string]string',
        zones: '[]string | maxItems=3 uniqueItems=true',
        db: { sku: 'string | default=B1ms description="SKU name \\"tier_size\\"."' },
      },
    });
    expect(rgd.toJson().metadata).toEqual({ name: 'appstorage.kro.run', annotations: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' } });
    // kro gives the nested object default {} (no required field, one default): defaults apply inside.
    expect((rgd.instanceJsonSchema as any).properties.spec.properties.db.default).toEqual({});
  });

  test('options SimpleSchema cannot express are errors naming the field', () => {
    const { folder } = setup();
    expect(() => new ResourceGraphDefinition(folder, 'bad', { kind: 'Bad', spec: Schema.object({ when: Schema.string({ format: 'date-time' }) }) }))
      .toThrow('repo/platform--kro/bad: prop "spec": spec.when: format cannot be expressed in kro SimpleSchema');
    expect(() => new ResourceGraphDefinition(folder, 'bad2', { kind: 'Bad', spec: Schema.object({ ports: Schema.array(Schema.object({ port: Schema.integer() })) }) }))
      .toThrow('prop "spec": spec.ports[]: objects inside arrays or maps need a kro custom type');
  });
});

describe('resources and expressions', () => {
  test('ASO L2 templates: placeholders replaced, owner becomes an expression, nothing of the template scope is written', () => {
    const { folder } = setup();
    const { rgd, sa } = storageRgd(folder);
    rgd.addResource({ id: 'storage', template: sa, set: { 'metadata.name': `${rgd.spec('name')}st`, 'spec.location': rgd.spec('location') } });
    const [rg, st] = rgd.toJson().spec.resources;
    expect(rg.template.metadata).toEqual({ name: '${schema.spec.name}-rg', annotations: { 'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete' } });
    expect(st.template.spec.owner).toEqual({ name: '${resourceGroup.metadata.name}' });
    expect(st.template.metadata.namespace).toBeUndefined();
    expect(rgd.check()).toEqual([]);
    expect(folder.node.findAll().filter((c) => c.node.id === 'rg' || c.node.id === 'sa')).toEqual([]);
  });

  test('helpers check paths eagerly', () => {
    const { folder } = setup();
    const { rgd, group } = storageRgd(folder);
    expect(rgd.ref(group, 'status.id')).toBe('${resourceGroup.status.id}');
    expect(() => rgd.spec('nmae' as any)).toThrow('prop "spec": "schema.spec.nmae": no field "nmae" in "spec" (known: db, location, name, replicas, tags, zones)');
    expect(() => rgd.ref(group, 'status.provisioningState')).toThrow(
      'prop "resources.resourceGroup": "resourceGroup.status.provisioningState" is not in the schema of ResourceGroup (resources.azure.com/v1api20200601): no field "provisioningState" in "status"',
    );
  });

  test('a bad path, a type mismatch, an unknown resource id and a string template into an integer are one line each', () => {
    const { folder } = setup();
    const { rgd, sa } = storageRgd(folder);
    rgd.addResource({
      id: 'storage',
      template: sa,
      set: {
        'metadata.name': `${rgd.spec('name')}st`,
        'spec.location': '${schema.spec.locaton}',
        'spec.minimumTlsVersion': '${schema.spec.replicas}',
        'spec.accessTier': '${network.status.id}',
        'spec.encryption.keySource': '${resourceGroup.status.location}',
        'spec.isHnsEnabled': 'x-${schema.spec.name}',
      },
    });
    expect(rgd.check()).toEqual([
      'ResourceGraphDefinition "appstorage.kro.run": resource "storage": field "spec.accessTier": expression "${network.status.id}": unknown resource id "network" (resources: resourceGroup, storage; the instance is "schema")',
      'ResourceGraphDefinition "appstorage.kro.run": resource "storage": field "spec.location": expression "${schema.spec.locaton}": "schema.spec.locaton" is not in the schema of AppStorage: no field "locaton" in "spec" (known: db, location, name, replicas, tags, zones)',
      'ResourceGraphDefinition "appstorage.kro.run": resource "storage": field "spec.minimumTlsVersion": expression "${schema.spec.replicas}": is integer, but the field is string',
      'ResourceGraphDefinition "appstorage.kro.run": resource "storage": field "spec.isHnsEnabled": expression "${schema.spec.name}": a string template (text around ${...}) makes a string, but the field is boolean',
    ]);
  });

  test('a field not in the target kind is reported; string-typed expressions into strings pass', () => {
    const { folder } = setup();
    const { rgd } = storageRgd(folder);
    rgd.addResource({ id: 'cm', template: { apiVersion: 'resources.azure.com/v1api20200601', kind: 'ResourceGroup', spec: { locaiton: '${schema.spec.location}', location: 'westeurope' } } });
    expect(rgd.check()).toEqual([
      'ResourceGraphDefinition "appstorage.kro.run": resource "cm": field "spec.locaiton" is not in the schema of ResourceGroup (resources.azure.com/v1api20200601): no field "locaiton" in "spec" (known: azureName, location, managedBy, operatorSpec, tags)',
    ]);
  });

  test('dependency cycles and self references are errors', () => {
    const { folder } = setup();
    const rgd = new ResourceGraphDefinition(folder, 'rgd', { kind: 'Cyclic', spec });
    const cm = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data });
    rgd.addResource({ id: 'a', template: cm({ v: '${b.data.v}' }) });
    rgd.addResource({ id: 'b', template: cm({ v: '${c.data.v}' }) });
    rgd.addResource({ id: 'c', template: cm({ v: '${a.data.v}', w: '${c.metadata.name}' }) });
    expect(rgd.check()).toEqual([
      'ResourceGraphDefinition "cyclic.kro.run": resource "c": reads itself outside readyWhen (kro needs an acyclic graph)',
      'ResourceGraphDefinition "cyclic.kro.run": resources depend on each other in a cycle: a -> b -> c -> a (kro needs an acyclic graph: remove one of the references)',
    ]);
  });

  test('a stateful Azure resource whose name is unique in the subscription or globally is named from more than the instance name', () => {
    const { folder } = setup();
    const { rgd, sa } = storageRgd(folder);
    rgd.addResource({ id: 'storage', template: sa });
    const name = rgd.instance('metadata.name');
    const kinds = [['constant', 'stfiles'], ['name', `st${name}`], ['namespace', `st${rgd.instance('metadata.namespace')}${name}`], ['field', rgd.spec('name')]];
    for (const [id, value] of kinds) {
      const extra = new StorageAccount(rgd.templates, `sa-${id}`, { name: 'stplaceholder', resourceGroup: new ResourceGroup(rgd.templates, `rg-${id}`, { name: 'placeholder', location: 'westeurope' }) });
      rgd.addResource({ id: `st${id[0].toUpperCase()}${id.slice(1)}`, template: extra, set: { 'spec.azureName': value } });
    }
    const fix = 'include the namespace, e.g. "<prefix>-${schema.metadata.namespace}-${schema.metadata.name}", or take the name from an instance field';
    expect(rgd.check().filter((p) => p.includes('in Azure') || p.includes("Azure name"))).toEqual([
      `ResourceGraphDefinition "appstorage.kro.run": resource "storage": metadata.name: StorageAccount is named "stplaceholder" in Azure for every instance: every instance manages the same one (ASO adopts it), and deleting one deletes it for all; ${fix}`,
      `ResourceGraphDefinition "appstorage.kro.run": resource "stConstant": spec.azureName: StorageAccount is named "stfiles" in Azure for every instance: every instance manages the same one (ASO adopts it), and deleting one deletes it for all; ${fix}`,
      'ResourceGraphDefinition "appstorage.kro.run": resource "stName": spec.azureName: StorageAccount\'s Azure name comes from the instance\'s metadata.name only, and kro instances are namespaced: instances of one name in two namespaces manage one StorageAccount ' +
        `(ASO adopts it, each overwrites the other's spec, and deleting either deletes it for both); ${fix}`,
    ]);
  });

  test('readyWhen reads only the resource and must be a condition; includeWhen is checked too', () => {
    const { folder } = setup();
    const { rgd, sa } = storageRgd(folder);
    rgd.addResource({
      id: 'storage',
      template: sa,
      set: { 'metadata.name': `${rgd.spec('name')}st` },
      readyWhen: ['${storage.status.provisioningState == "Succeeded"}', '${resourceGroup.status.id != ""}', '${storage.status.primaryEndpoints.blob}', 'storage.status.id'],
      includeWhen: ['${schema.spec.replicas > 1}', '${schema.spec.name}'],
    });
    expect(rgd.check()).toEqual([
      'ResourceGraphDefinition "appstorage.kro.run": resource "storage": readyWhen[1]: expression "${resourceGroup.status.id != ""}": readyWhen may only read the resource itself ("storage"), not "resourceGroup"',
      'ResourceGraphDefinition "appstorage.kro.run": resource "storage": readyWhen[2]: expression "${storage.status.primaryEndpoints.blob}": is string, but a condition must be boolean',
      'ResourceGraphDefinition "appstorage.kro.run": resource "storage": readyWhen[3] "storage.status.id": must be one ${...} expression',
      'ResourceGraphDefinition "appstorage.kro.run": resource "storage": includeWhen[1]: expression "${schema.spec.name}": is string, but a condition must be boolean',
    ]);
  });

  test('resource ids follow kro rules', () => {
    const { folder } = setup();
    const { rgd } = storageRgd(folder);
    const t = { apiVersion: 'v1', kind: 'ConfigMap' };
    expect(() => rgd.addResource({ id: 'my-cm', template: t })).toThrow('prop "resources[1].id": "my-cm" is not a valid kro resource id: must be lowerCamelCase');
    expect(() => rgd.addResource({ id: 'schema', template: t })).toThrow('prop "resources[1].id": "schema" is a reserved word in kro');
    expect(() => rgd.addResource({ id: 'resourceGroup', template: t })).toThrow('prop "resources[1].id": resource id "resourceGroup" is already used in this graph');
  });

  test('synth fails with the expression problem, prefixed by the construct path', () => {
    const { app, folder } = setup();
    const { rgd } = storageRgd(folder);
    rgd.addStatus('bad', '${resourceGroup.status.nope}');
    expect(() => app.synth()).toThrow('repo/platform--kro/rgd: ResourceGraphDefinition "appstorage.kro.run": status field "bad": expression "${resourceGroup.status.nope}": "resourceGroup.status.nope" is not in the schema of ResourceGroup');
  });

  test('expressions: nesting, string literals with braces, several per value', () => {
    expect(findExpressions('${a.b}')).toEqual([{ expression: 'a.b', standalone: true }]);
    expect(findExpressions('x-${a.b}-${ {"k": "}"}["k"] }')).toEqual([
      { expression: 'a.b', standalone: false },
      { expression: ' {"k": "}"}["k"] ', standalone: false },
    ]);
  });
});

describe('instances', () => {
  test('typed spec validated against the generated schema; the kind is registered for synth validation', () => {
    const { folder, apps } = setup();
    const { rgd } = storageRgd(folder);
    expect(() => new RgdInstance(apps, 'missing', { rgd, name: 'x', spec: {} as any })).toThrow(
      'repo/apps/missing: prop "spec": does not match the schema of AppStorage (ResourceGraphDefinition appstorage.kro.run): AppStorage/team/x: spec.name: required field missing: "name"',
    );
    expect(() => new RgdInstance(apps, 'enum', { rgd, name: 'y', spec: { name: 'a', location: 'mars' as any } })).toThrow('AppStorage/team/y: spec.location: must be one of: "westeurope", "northeurope"');
    const ok = new RgdInstance(apps, 'ok', { rgd, name: 'files', spec: { name: 'files', replicas: 3 } });
    expect(ok.apiObject.toJson()).toEqual({ apiVersion: 'kro.run/v1alpha1', kind: 'AppStorage', metadata: { name: 'files', namespace: 'team' }, spec: { name: 'files', replicas: 3 } });
    expect(SchemaRegistry.default().has('kro.run/v1alpha1', 'AppStorage')).toBe(true);
    expect(validateObjects([{ obj: { ...ok.apiObject.toJson(), spec: { name: 'f', replicas: 0 } } }])).toEqual([
      '#0: AppStorage/team/files: spec.replicas: must be >= 1',
    ]);
  });
});

describe('instance removal', () => {
  test('retained by default when the graph creates a stateful resource it keeps; removalPolicy decides otherwise', () => {
    const { app, folder, apps } = setup();
    const { rgd } = storageRgd(folder);
    new RgdInstance(apps, 'kept', { rgd, name: 'kept', spec: { name: 'kept' } });
    new RgdInstance(apps, 'gone', { rgd, name: 'gone', spec: { name: 'gone' }, removalPolicy: RemovalPolicy.DESTROY });
    const objects = Testing.objects(app);
    // kro deletes every resource of a deleted instance: the resource group's ASO object with it (detached: unmanaged in Azure).
    expect(Testing.find(objects, 'AppStorage', 'kept').metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(Testing.find(objects, 'AppStorage', 'gone').metadata.annotations).toBeUndefined();
  });
});

describe('shared vocabulary', () => {
  test('the RGD is a PlatformResource; the instance API is instanceKind/instanceGroup/instanceVersion', () => {
    const { app, folder, apps } = setup();
    const { rgd } = storageRgd(folder);
    expect([rgd.apiGroup, rgd.kind, rgd.name, rgd.namespace]).toEqual(['kro.run', 'ResourceGraphDefinition', 'appstorage.kro.run', undefined]);
    expect([rgd.instanceGroup, rgd.instanceKind, rgd.instanceVersion, rgd.instanceApiVersion]).toEqual(['kro.run', 'AppStorage', 'v1alpha1', 'kro.run/v1alpha1']);
    const instance = new RgdInstance(apps, 'files', { rgd, name: 'files', spec: { name: 'files' } });
    expect(instance.toRef()).toEqual({ apiGroup: 'kro.run', kind: 'AppStorage', name: 'files', namespace: 'team' });
    const imported = ResourceGraphDefinition.fromName(apps, 'other', { name: 'webapp.kro.run' });
    expect([imported.apiGroup, imported.kind, imported.name, imported.namespace]).toEqual(['kro.run', 'ResourceGraphDefinition', 'webapp.kro.run', undefined]);
    expect(Testing.synthProblems(app)).toEqual([]);
  });

  test('a cluster-scoped instance has no namespace, even in a folder with one', () => {
    const { folder, apps } = setup();
    const rgd = new ResourceGraphDefinition(folder, 'tenant', { kind: 'Tenant', scope: InstanceScope.CLUSTER, spec: Schema.object({ owner: Schema.string() }) });
    const t = new RgdInstance(apps, 't', { rgd, name: 'alpha', spec: {} });
    expect(t.namespace).toBeUndefined();
    expect(Testing.errorOf(() => t.exports.value('x'))).toBe('repo/apps/t: prop "exports.value": "x" is not exported by ResourceGraphDefinition tenant.kro.run (exported: none; use rgd.exportToConfigMap)');
  });
});

describe('upstream kro Azure example (storage-container) expressed with the L2', () => {
  test('same graph; the differences are the L2 secure defaults', () => {
    const upstream = parseYaml(fs.readFileSync(path.join(UPSTREAM, 'storage-container/rg.yaml'), 'utf8'));
    const { folder } = setup();
    const rgd = new ResourceGraphDefinition(folder, 'rgd', {
      name: 'azurecontainer.kro.run',
      kind: 'AzureContainerDeployment',
      spec: Schema.object({
        name: Schema.string({ default: 'mystorage' }),
        namespace: Schema.string({ default: 'default' }),
        containerName: Schema.string({ default: 'krocontainer' }),
        location: Schema.string({ required: true }),
      }),
    });
    const t = rgd.templates;
    const named = (field: 'name' | 'containerName') => ({ 'metadata.name': rgd.spec(field), 'metadata.namespace': rgd.spec('namespace') });
    const rg = new ResourceGroup(t, 'rg', { name: 'rg', location: 'westeurope' });
    rgd.addResource({ id: 'resourcegroup', template: rg, set: { ...named('name'), 'spec.location': rgd.spec('location') } });
    const sa = new StorageAccount(t, 'sa', { name: 'stsa', resourceGroup: rg });
    rgd.addResource({ id: 'storageAccount', template: sa, set: { ...named('name'), 'spec.location': rgd.spec('location') } });
    const container = sa.container('ccc');
    rgd.addResource({ id: 'blobService', template: sa.blobService, set: named('name') });
    rgd.addResource({ id: 'container', template: container, set: { ...named('containerName'), 'spec.azureName': rgd.spec('containerName') } });
    expect(rgd.check()).toEqual([]);
    const ours = rgd.toJson();
    expect(ours.spec.schema.spec).toEqual(upstream.spec.schema.spec);
    expect(ours.spec.resources.map((r: any) => [r.id, r.template.apiVersion, r.template.kind, r.template.metadata.name, r.template.spec.owner?.name]))
      .toEqual(upstream.spec.resources.map((r: any) => [r.id, r.template.apiVersion, r.template.kind, r.template.metadata.name, r.template.spec.owner?.name]));
    // Differences, field by field (upstream takes the ASO defaults):
    const diff = (a: any, b: any, p = ''): string[] => {
      if (JSON.stringify(a) === JSON.stringify(b)) return [];
      if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a)) {
        return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().flatMap((k) => diff(a[k], b[k], p ? `${p}.${k}` : k));
      }
      return [`${p}: ${JSON.stringify(b)} -> ${JSON.stringify(a)}`];
    };
    expect(ours.spec.resources.flatMap((r: any, i: number) => diff(r.template, upstream.spec.resources[i].template).map((d) => `${r.id}: ${d}`))).toEqual([
      'resourcegroup: metadata.annotations: undefined -> {"serviceoperator.azure.com/reconcile-policy":"detach-on-delete"}',
      'storageAccount: metadata.annotations: undefined -> {"serviceoperator.azure.com/reconcile-policy":"detach-on-delete"}',
      'storageAccount: spec.allowBlobPublicAccess: undefined -> false',
      'storageAccount: spec.allowCrossTenantReplication: undefined -> false',
      'storageAccount: spec.allowSharedKeyAccess: undefined -> false',
      'storageAccount: spec.defaultToOAuthAuthentication: undefined -> true',
      'storageAccount: spec.minimumTlsVersion: undefined -> "TLS1_2"',
      'storageAccount: spec.publicNetworkAccess: undefined -> "Enabled"',
      'storageAccount: spec.supportsHttpsTrafficOnly: undefined -> true',
      'blobService: metadata.annotations: undefined -> {"serviceoperator.azure.com/reconcile-policy":"detach-on-delete"}',
      'blobService: spec.containerDeleteRetentionPolicy: undefined -> {"days":7,"enabled":true}',
      'blobService: spec.deleteRetentionPolicy: undefined -> {"days":7,"enabled":true}',
      'blobService: spec.isVersioningEnabled: undefined -> false',
      'container: metadata.annotations: undefined -> {"serviceoperator.azure.com/reconcile-policy":"detach-on-delete"}',
      'container: spec.azureName: undefined -> "${schema.spec.containerName}"',
      'container: spec.publicAccess: undefined -> "None"',
    ]);
    // And upstream's own expressions pass the checks (as an RGD built from its templates).
    const copy = new ResourceGraphDefinition(folder, 'copy', { name: 'copy.kro.run', kind: 'AzureContainerDeployment2', spec: rgd.specSchema });
    for (const r of upstream.spec.resources) copy.addResource({ id: r.id, template: r.template, removalPolicy: undefined });
    expect(copy.check()).toEqual([]);
  });
});

describe('reference app on kro', () => {
  test('synthesizes valid; apply order RGD -> instance -> web; the app reads the graph exports', () => {
    const app = Testing.app();
    const { rgd, instance } = buildReferenceAppKro(app);
    const out = Testing.render(app);
    expect(rgd.check()).toEqual([]);
    const read = (f: string) => out[`reference-app-kro/${f}`][0];
    const azure = read('clusters/app/kustomization-files-azure.yaml');
    expect(azure.spec).toMatchObject({ path: './apps/files/azure', dependsOn: [{ name: 'kro-apis' }], wait: true });
    expect(read('clusters/app/kustomization-kro-apis.yaml').spec).toMatchObject({ path: './platform/kro', wait: true });
    // kstatus reads neither kro Ready condition: CEL checks it, for the RGD and for the instance
    const READY = "status.conditions.exists(e, e.type == 'Ready' && e.status == 'True')";
    expect(read('clusters/app/kustomization-kro-apis.yaml').spec.healthCheckExprs).toEqual([{ apiVersion: 'kro.run/v1alpha1', kind: 'ResourceGraphDefinition', current: READY }]);
    expect(azure.spec.healthCheckExprs).toEqual([
      { apiVersion: 'kro.run/v1alpha1', kind: 'ResourceGraphDefinition', current: READY },
      { apiVersion: 'platform.contoso.com/v1alpha1', kind: 'FilesApp', current: READY },
    ]);
    expect(read('clusters/app/kustomization-files-web.yaml').spec).toMatchObject({ dependsOn: [{ name: 'files-azure' }] });
    expect(read('apps/files/azure/filesapp-files.yaml')).toEqual(instance.apiObject.toJson());
    const env = read('apps/files/web/deployment-files-web.yaml').spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'DB_HOST')).toEqual({ name: 'DB_HOST', valueFrom: { configMapKeyRef: { key: 'DB_HOST', name: 'files-exports' } } });
    const stateful = rgd.toJson().spec.resources.filter((r: any) => ['ResourceGroup', 'FlexibleServer', 'FlexibleServersDatabase', 'StorageAccount', 'StorageAccountsBlobServicesContainer'].includes(r.template.kind));
    expect(stateful.map((r: any) => r.template.metadata.annotations['serviceoperator.azure.com/reconcile-policy'])).toEqual(Array(5).fill('detach-on-delete'));
    expect(() => instance.exports.value('DB_PASSWORD')).toThrow('prop "exports.value": "DB_PASSWORD" is not exported by ResourceGraphDefinition filesapp.platform.contoso.com');
    // The account has no shared keys: the app's identity gets a data role on it.
    const storage = rgd.toJson().spec.resources.find((r: any) => r.id === 'storage');
    expect(storage.template.spec.allowSharedKeyAccess).toBe(false);
    expect(rgd.toJson().spec.resources.find((r: any) => r.id === 'blobAccess').template.spec).toEqual({
      owner: { group: 'storage.azure.com', kind: 'StorageAccount', name: '${storage.metadata.name}' },
      principalId: '${identity.status.principalId}',
      principalType: 'ServicePrincipal',
      roleDefinitionReference: { armId: '/subscriptions/${schema.spec.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe' },
    });
  });
});

describe('SimpleSchema read back (what validate does with an RGD of a tree)', () => {
  test('simpleSchemaToJsonSchema(toSimpleSchema(x)) is the instance schema kro generates', () => {
    const spec = Schema.object({
      name: Schema.string({ required: true, pattern: '^[a-z]+$', description: 'A "quoted" name' }),
      size: Schema.integer({ default: 3, minimum: 1, maximum: 9 }),
      tier: Schema.string({ enum: ['a', 'b'], default: 'a' }),
      on: Schema.boolean({ default: true }),
      tags: Schema.array(Schema.string()),
      labels: Schema.map(Schema.string()),
      net: Schema.object({ cidr: Schema.string({ default: '10.0.0.0/16' }), ratio: Schema.number() }),
    });
    expect(simpleSchemaToJsonSchema(toSimpleSchema(spec))).toEqual(instanceSpecSchema(spec));
    expect(() => simpleSchemaToJsonSchema({ x: 'Custom | required=true' })).toThrow('spec.x: type "Custom" is not a SimpleSchema type this library reads (custom types are not supported)');
  });
});
