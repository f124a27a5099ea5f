// Composition patches are type-checked at synth: the type at the source (XRD or base schema) after
// the transforms must fit the type at the destination; bases without a schema are errors.
import { KubernetesCluster } from '../../imports/crossplane/containerservice.azure.m.upbound.io';
import { Account } from '../../imports/crossplane/storage.azure.m.upbound.io';
import { Repo } from '../../lib';
import { SchemaRegistry } from '../../lib/core/validation';
import { CompositeResourceDefinition, Composition, Patch, Patches, Schema, Transforms } from '../../lib/crossplane';
import { fits, transformOutput, typeAfterTransforms, typesAt } from '../../lib/crossplane/patch-types';
import { schemaAtFieldPath } from '../../lib/crossplane/field-path';
import { Testing } from '../../lib/testing';

const spec = Schema.object({
  location: Schema.string({ required: true }),
  nodeCount: Schema.integer({ default: 3 }),
  ratio: Schema.number(),
  replicasText: Schema.string(),
  public: Schema.boolean(),
  tags: Schema.map(Schema.string()),
  pool: Schema.object({ name: Schema.string(), size: Schema.integer() }),
});
const status = Schema.object({ nodes: Schema.integer(), fqdn: Schema.string() });

function setup() {
  const app = Testing.app();
  const folder = new Repo(app, 'r').folder('apis');
  const xrd = new CompositeResourceDefinition(folder, 'xrd', { group: 'platform.contoso.com', kind: 'XCluster', plural: 'xclusters', version: 'v1alpha1', spec, status });
  const composition = new Composition(folder, 'comp', { xrd });
  return { app, composition };
}

const aksBase = (scope: any) => new KubernetesCluster(scope, 'aks', {
  spec: { forProvider: { location: 'westeurope', identity: { type: 'SystemAssigned' }, defaultNodePool: { name: 'system', vmSize: 'Standard_D4s_v5' } } },
});

/** The synth problems of a composition with one `cluster` resource patched with `patches`. */
function problems(patches: Patch[], base: any = aksBase): string[] {
  const { app, composition } = setup();
  // The retained cluster is named from the composite (the Azure name check is tested elsewhere).
  composition.addPatchAndTransform({ resources: [{ name: 'cluster', base, patches: [...patches, Patches.fromComposite('metadata.name', 'metadata.annotations[crossplane.io/external-name]')] }] });
  // References to the function and provider config are checked elsewhere.
  return Testing.synthProblems(app).filter((p) => !p.includes('which is not an object of the app'));
}

const at = (i: number) => `r/apis/comp: prop "pipeline[0].resources[0].patches[${i}]": step "patch-and-transform": resource "cluster": patch ${i}`;

describe('patch type mismatches are synth errors naming composition, resource and patch', () => {
  test('integer into string', () => {
    expect(problems([Patches.fromComposite('spec.nodeCount', 'spec.forProvider.dnsPrefix')])).toEqual([
      `${at(0)} (FromCompositeFieldPath): fromFieldPath "spec.nodeCount" of XCluster is integer but toFieldPath "spec.forProvider.dnsPrefix" of KubernetesCluster is string: add Transforms.convert('string')`,
    ]);
  });
  test('string into integer without a convert', () => {
    expect(problems([Patches.fromComposite('spec.location', 'spec.forProvider.location'), Patches.fromComposite('spec.replicasText', 'spec.forProvider.defaultNodePool.nodeCount')])).toEqual([
      `${at(1)} (FromCompositeFieldPath): fromFieldPath "spec.replicasText" of XCluster is string but toFieldPath "spec.forProvider.defaultNodePool.nodeCount" of KubernetesCluster is number: add Transforms.convert('int64')`,
    ]);
  });
  test('object into a scalar, scalar into an object', () => {
    expect(problems([Patches.fromComposite('spec.pool', 'spec.forProvider.defaultNodePool.name'), Patches.fromComposite('spec.location', 'spec.forProvider.defaultNodePool')])).toEqual([
      `${at(0)} (FromCompositeFieldPath): fromFieldPath "spec.pool" of XCluster is object but toFieldPath "spec.forProvider.defaultNodePool.name" of KubernetesCluster is string: patch one of its fields instead`,
      `${at(1)} (FromCompositeFieldPath): fromFieldPath "spec.location" of XCluster is string but toFieldPath "spec.forProvider.defaultNodePool" of KubernetesCluster is object: patch into a field of it instead (or parse JSON with Transforms.convert('object', 'json'))`,
    ]);
  });
  test('boolean into string, string into boolean', () => {
    expect(problems([Patches.fromComposite('spec.public', 'spec.forProvider.dnsPrefix'), Patches.fromComposite('spec.location', 'spec.forProvider.azurePolicyEnabled')])).toEqual([
      `${at(0)} (FromCompositeFieldPath): fromFieldPath "spec.public" of XCluster is boolean but toFieldPath "spec.forProvider.dnsPrefix" of KubernetesCluster is string: add Transforms.convert('string')`,
      `${at(1)} (FromCompositeFieldPath): fromFieldPath "spec.location" of XCluster is string but toFieldPath "spec.forProvider.azurePolicyEnabled" of KubernetesCluster is boolean: add Transforms.convert('bool')`,
    ]);
  });
  test('the type after the transforms counts: a map to integers into a string field', () => {
    expect(problems([Patches.fromComposite('spec.location', 'spec.forProvider.dnsPrefix', { transforms: [Transforms.map({ westeurope: 1, northeurope: 2 })] })])).toEqual([
      `${at(0)} (FromCompositeFieldPath): fromFieldPath "spec.location" of XCluster is integer after its transform but toFieldPath "spec.forProvider.dnsPrefix" of KubernetesCluster is string: add Transforms.convert('string')`,
    ]);
  });
  test('a transform that cannot take its input: math of a string, convert of an object, map of an integer', () => {
    expect(problems([
      Patches.fromComposite('spec.location', 'spec.forProvider.defaultNodePool.nodeCount', { transforms: [Transforms.multiply(2)] }),
      Patches.fromComposite('spec.pool', 'spec.forProvider.dnsPrefix', { transforms: [Transforms.convert('string')] }),
      Patches.fromComposite('spec.nodeCount', 'spec.forProvider.dnsPrefix', { transforms: [Transforms.convert('string'), Transforms.convert('int64'), Transforms.map({ a: 'b' })] }),
    ])).toEqual([
      `${at(0)} (FromCompositeFieldPath): transform 0 (math): a math transform needs integer or number input, got string`,
      `${at(1)} (FromCompositeFieldPath): transform 0 (convert): a convert transform cannot convert object to string with format none`,
      `${at(2)} (FromCompositeFieldPath): transform 2 (map): a map transform needs string input, got integer`,
    ]);
  });
  test('ToCompositeFieldPath: the base schema is the source, the XRD the destination', () => {
    expect(problems([Patches.toComposite('status.atProvider.fqdn', 'status.nodes')])).toEqual([
      `${at(0)} (ToCompositeFieldPath): fromFieldPath "status.atProvider.fqdn" of KubernetesCluster is string but toFieldPath "status.nodes" of XCluster is integer: add Transforms.convert('int64')`,
    ]);
  });
  test('patch-set patches are named with their set', () => {
    const { app, composition } = setup();
    composition.addPatchAndTransform({ patchSets: { common: [Patches.fromComposite('spec.nodeCount', 'spec.forProvider.location')] }, resources: [{ name: 'cluster', base: aksBase, patches: [Patches.patchSet('common')] }] });
    expect(() => app.renderToMemory()).toThrow(`r/apis/comp: prop "pipeline[0].resources[0].patches[0]": step "patch-and-transform": resource "cluster": patch set "common": patch 0 (FromCompositeFieldPath): fromFieldPath "spec.nodeCount" of XCluster is integer but toFieldPath "spec.forProvider.location" of KubernetesCluster is string: add Transforms.convert('string')`);
  });
});

describe('patches whose types fit synthesize', () => {
  test('converts, formats, combines, math on integers, integers into numbers, labels and annotations', () => {
    expect(problems([
      Patches.fromComposite('spec.location', 'spec.forProvider.location'),
      Patches.fromComposite('spec.nodeCount', 'spec.forProvider.dnsPrefix', { transforms: [Transforms.convert('string')] }),
      Patches.fromComposite('spec.nodeCount', 'spec.forProvider.kubernetesVersion', { transforms: [Transforms.format('1.%d')] }),
      Patches.fromComposite('spec.replicasText', 'spec.forProvider.defaultNodePool.nodeCount', { transforms: [Transforms.convert('int64')] }),
      Patches.fromComposite('spec.nodeCount', 'spec.forProvider.defaultNodePool.maxCount', { transforms: [Transforms.multiply(2), Transforms.clampMax(10)] }),
      Patches.fromComposite('spec.ratio', 'spec.forProvider.defaultNodePool.minCount'),
      Patches.toComposite('spec.forProvider.defaultNodePool.nodeCount', 'status.nodes'),
      Patches.fromComposite('spec.pool.name', 'spec.forProvider.defaultNodePool.name'),
      Patches.fromComposite('spec.tags', 'spec.forProvider.tags'),
      Patches.fromComposite('spec.location', 'metadata.labels[region]'),
      Patches.fromComposite('metadata.name', 'metadata.annotations[crossplane.io/external-name]'),
      Patches.combineFromComposite(['metadata.name', 'spec.nodeCount'], '%s-%d', 'spec.forProvider.nodeResourceGroup'),
      Patches.fromComposite('spec.location', 'spec.forProvider.skuTier', { transforms: [Transforms.match([{ literal: 'westeurope', result: 'Standard' }], 'Free')] }),
      Patches.fromEnvironment('anything', 'spec.forProvider.dnsPrefix'),
      Patches.toComposite('status.atProvider.fqdn', 'status.fqdn'),
    ])).toEqual([]);
  });
});

describe('bases of kinds without a schema', () => {
  test('are synth errors unless their schema is registered', () => {
    const base = { apiVersion: 'example.org/v1', kind: 'Widget', spec: { size: 1 } };
    expect(problems([Patches.fromComposite('spec.location', 'spec.color')], base)).toEqual([
      'r/apis/comp: prop "pipeline[0].resources[0].base": step "patch-and-transform": resource "cluster": kind Widget (example.org/v1) has no schema, so its patches cannot be checked: register its CRD (SchemaRegistry.default().addCrd(crd)) before synth',
    ]);
    const widgetSchema = { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec: { type: 'object', properties: { size: { type: 'integer' }, color: { type: 'string' } } } } };
    SchemaRegistry.default().addSchema({ apiVersion: 'example.org/v1', kind: 'Widget', scope: 'Namespaced', schema: widgetSchema, source: 'test' });
    try {
      expect(problems([Patches.fromComposite('spec.location', 'spec.color')], base)).toEqual([]);
      expect(problems([Patches.fromComposite('spec.location', 'spec.size')], base)).toEqual([
        `${at(0)} (FromCompositeFieldPath): fromFieldPath "spec.location" of XCluster is string but toFieldPath "spec.size" of Widget is integer: add Transforms.convert('int64')`,
      ]);
      // Registered before addResource: paths are checked at once.
      expect(() => problems([Patches.fromComposite('spec.location', 'spec.colour')], base)).toThrow(
        'r/apis/comp: prop "pipeline[0].resources[0].patches[0]": step "patch-and-transform": resource "cluster": toFieldPath "spec.colour" is not in the schema of Widget (example.org/v1): unknown field "colour" in spec',
      );
    } finally {
      // The default registry is process-wide: leave it as it was.
      (SchemaRegistry.default() as any).entries.delete('example.org/v1/Widget');
    }
  });
  test('a schema registered after addResource (before synth) checks paths at synth', () => {
    const { app, composition } = setup();
    composition.addPatchAndTransform({ resources: [{ name: 'cluster', base: { apiVersion: 'example.org/v1', kind: 'Gadget' }, patches: [Patches.fromComposite('spec.location', 'spec.colour')] }] });
    SchemaRegistry.default().addSchema({ apiVersion: 'example.org/v1', kind: 'Gadget', scope: 'Namespaced', schema: { type: 'object', properties: { spec: { type: 'object', properties: { color: { type: 'string' } } } } }, source: 'test' });
    try {
      expect(() => app.renderToMemory()).toThrow('r/apis/comp: prop "pipeline[0].resources[0].patches[0]": step "patch-and-transform": resource "cluster": toFieldPath "spec.colour" is not in the schema of Gadget (example.org/v1): unknown field "colour" in spec');
    } finally {
      (SchemaRegistry.default() as any).entries.delete('example.org/v1/Gadget');
    }
  });
  test('core kinds have their Kubernetes OpenAPI schema; a built-in group that is not bundled is an error too', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } };
    expect(problems([], cm)).toEqual([]);
    const sc = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', provisioner: 'disk.csi.azure.com' };
    expect(problems([], sc)).toEqual([
      'r/apis/comp: prop "pipeline[0].resources[0].base": step "patch-and-transform": resource "cluster": kind StorageClass (storage.k8s.io/v1) has no schema, so its patches cannot be checked: register its CRD (SchemaRegistry.default().addCrd(crd)) before synth',
    ]);
  });
});

describe('type helpers', () => {
  const aks = SchemaRegistry.default().get('containerservice.azure.m.upbound.io/v1beta1', 'KubernetesCluster')!.schema;
  const sa = SchemaRegistry.default().get(Account.GVK.apiVersion, Account.GVK.kind)!.schema;
  test('types at paths, metadata included', () => {
    // upjet declares Terraform numbers as `number`
    expect(typesAt(aks, 'spec.forProvider.defaultNodePool.nodeCount')).toEqual(['number']);
    expect(typesAt(aks, 'spec.forProvider.tags[team]')).toEqual(['string']);
    expect(typesAt(aks, 'metadata.labels[a]')).toEqual(['string']);
    expect(typesAt(aks, 'metadata.ownerReferences')).toBeUndefined();
    expect(typesAt(sa, 'spec.forProvider.networkRules.ipRules')).toEqual(['array']);
    expect(schemaAtFieldPath(aks, 'spec.forProvider.nope')).toBeUndefined();
  });
  test('transform outputs follow function-patch-and-transform', () => {
    expect(transformOutput(Transforms.convert('int').json, ['string'])).toEqual({ types: ['integer'] });
    expect(transformOutput(Transforms.convert('object', 'json').json, ['string'])).toEqual({ types: ['object'] });
    expect(transformOutput(Transforms.convert('float64', 'quantity').json, ['integer']).error).toBe('a convert transform cannot convert integer to float64 with format quantity');
    expect(transformOutput(Transforms.multiply(3).json, ['number'])).toEqual({ types: ['number'] });
    expect(transformOutput(Transforms.match([{ regexp: '^a', result: 1 }], 'x').json, ['string'])).toEqual({ types: ['integer', 'string'] });
    expect(typeAfterTransforms(['integer'], [Transforms.format('%d'), Transforms.convertString('ToUpper')].map((t) => t.json))).toEqual({ types: ['string'] });
    expect(fits(['integer'], ['number'])).toBe(true);
    expect(fits(['number'], ['integer'])).toBe(true);
    expect(fits(['integer', 'string'], ['string'])).toBe(false);
    expect(fits(undefined, ['string'])).toBe(true);
  });
});
