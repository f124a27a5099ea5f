// Fuzz targets of the kro constructs (ResourceGraphDefinition, RgdInstance).
import * as fc from 'fast-check';
import { RemovalPolicy } from '../../../lib/core/removal-policy';
import { ResourceGroup, StorageAccount } from '../../../lib/aso';
import { InstanceScope, ResourceGraphDefinition, RgdInstance, Schema } from '../../../lib/kro';
import { FuzzContext, FuzzTarget, target } from '../harness';
import { dnsLabel, k8sName, chance, oddString, opt, smallInt, stringMap } from './common';

/** The instance spec schema: bounds, enums and defaults that may contradict each other; options SimpleSchema cannot express. */
const schemaSpec = fc.record({
  min: opt(smallInt(0, 3), 2), max: opt(smallInt(1, 10), 2), intDefault: opt(smallInt(-1, 12), 2),
  locations: opt(fc.array(fc.oneof(fc.constantFrom('westeurope', 'northeurope'), oddString), { maxLength: 3 }), 2),
  locationDefault: opt(fc.constantFrom('westeurope', 'mars', ''), 3), pattern: opt(fc.constantFrom('^[a-z]+$', '[', 'a|b'), 5),
  format: opt(fc.constantFrom('date-time', 'uri'), 8), description: opt(fc.constantFrom('The "name".', 'a | b', 'x=y'), 4),
  arrayOfObjects: chance(3),
});
type SchemaSpec = typeof schemaSpec extends fc.Arbitrary<infer T> ? T : never;

function specSchema(s: SchemaSpec) {
  return Schema.object({
    name: Schema.string({ required: true, description: s.description }),
    location: Schema.string({ enum: s.locations, default: s.locationDefault, pattern: s.pattern, format: s.format } as never),
    replicas: Schema.integer({ minimum: s.min, maximum: s.max, default: s.intDefault }),
    tags: Schema.map(Schema.string()),
    ...(s.arrayOfObjects ? { ports: Schema.array(Schema.object({ port: Schema.integer() })) } : {}),
  });
}

/** Expressions: valid ones, misspelt fields, wrong types, bad CEL, references to unknown resources. */
const EXPRESSIONS = [
  '${schema.spec.name}', '${schema.spec.name}-x', '${schema.spec.location}', '${schema.metadata.name}', '${schema.spec.tags}',
  '${schema.spec.replicas}', '${schema.spec.nmae}', '${resourceGroup.status.id}', '${resourceGroup.metadata.name}', '${config.data.x}',
  '${storage.status.nope}', '${nowhere.metadata.name}', '${schema.spec.name', '${1 +}', 'plain', '${schema.spec.name + "-" + schema.spec.location}',
];
const CONDITIONS = ['${resourceGroup.status.provisioningState == "Succeeded"}', '${schema.spec.replicas > 1}', '${schema.spec.name}', '${config.data.x == "1"}', 'true', '${}'];
const SET_PATHS: Record<string, string[]> = {
  config: ['metadata.name', 'data.x', 'data.y', 'metadata.labels.team', 'spec.x'],
  resourceGroup: ['metadata.name', 'spec.location', 'spec.tags.team', 'spec.nope'],
  storage: ['metadata.name', 'spec.location', 'spec.owner.name', 'spec.kind'],
};

const resourceSpec = fc.record({
  template: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('config', 'resourceGroup', 'storage') }, { weight: 1, arbitrary: fc.constant('notAnObject') }),
  id: fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('my-cm', 'schema', 'Config', 'resourceGroup') }),
  set: fc.array(fc.tuple(fc.nat(4), fc.constantFrom(...EXPRESSIONS)), { maxLength: 3 }),
  readyWhen: opt(fc.array(fc.constantFrom(...CONDITIONS), { maxLength: 2 }), 3),
  includeWhen: opt(fc.array(fc.constantFrom(...CONDITIONS), { maxLength: 2 }), 4),
  removalPolicy: opt(fc.constantFrom(...Object.values(RemovalPolicy)), 4),
});

const rgdSpec = fc.record({
  kind: fc.oneof({ weight: 16, arbitrary: fc.constantFrom('AppStorage', 'WebApp') }, { weight: 1, arbitrary: fc.constantFrom('appStorage', 'App Storage', '', 'A'.repeat(64)) }),
  group: opt(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('kro.run', 'platform.contoso.com') }, { weight: 1, arbitrary: fc.oneof(oddString, fc.constant('Platform.io')) }), 3),
  apiVersion: opt(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('v1alpha1', 'v1', 'v2beta3') }, { weight: 1, arbitrary: fc.constantFrom('V1', 'v1.0', '1', 'v1alpha') }), 3),
  scope: opt(fc.constantFrom(...Object.values(InstanceScope), 'Global' as InstanceScope), 4),
  name: opt(k8sName(), 5),
  schema: schemaSpec,
  resources: fc.array(resourceSpec, { maxLength: 3 }),
  status: opt(fc.dictionary(fc.oneof(fc.constantFrom('endpoint', 'ready', 'state'), dnsLabel), fc.constantFrom(...EXPRESSIONS), { maxKeys: 2 }), 3),
  exports: opt(fc.record({ data: fc.dictionary(fc.constantFrom('ENDPOINT', 'x.y', 'a b', ''), fc.constantFrom(...EXPRESSIONS), { maxKeys: 2 }), suffix: opt(fc.constantFrom('exports', 'out', 'Bad_Suffix'), 3) }), 4),
});
type RgdSpec = typeof rgdSpec extends fc.Arbitrary<infer T> ? T : never;

function buildRgd(ctx: FuzzContext, s: RgdSpec): ResourceGraphDefinition {
  const rgd = new ResourceGraphDefinition(ctx.folder, 'rgd', {
    kind: s.kind, group: s.group, apiVersion: s.apiVersion, scope: s.scope, name: s.name, spec: specSchema(s.schema), status: s.status,
  });
  const placeholderRg = new ResourceGroup(rgd.templates, 'rg', { name: 'rg-placeholder', location: 'westeurope' });
  s.resources.forEach((r, i) => {
    const template: any = r.template === 'config' ? { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'placeholder' }, data: { x: '1' } }
      : r.template === 'resourceGroup' ? (i === 0 || !rgd.templates.node.tryFindChild('rg') ? placeholderRg : new ResourceGroup(rgd.templates, `rg${i}`, { name: `rg-${i}`, location: 'westeurope' }))
        : r.template === 'storage' ? new StorageAccount(rgd.templates, `st${i}`, { name: `stplaceholder${i}`, resourceGroup: placeholderRg })
          : { kind: 'ConfigMap' };
    const paths = SET_PATHS[r.template] ?? ['metadata.name'];
    const set = Object.fromEntries(r.set.map(([p, e]) => [paths[p % paths.length], e]));
    const id = r.id || (s.resources.findIndex((x) => x.template === r.template) === i ? r.template : `${r.template}${i}`);
    rgd.addResource({ id, template, set, readyWhen: r.readyWhen, includeWhen: r.includeWhen, removalPolicy: r.removalPolicy });
  });
  if (s.exports) rgd.exportToConfigMap(s.exports.data, { suffix: s.exports.suffix });
  return rgd;
}

const instanceSpec = fc.record({
  cluster: chance(10),
  name: k8sName(), namespace: opt(k8sName(), 4), labels: opt(stringMap(), 4),
  spec: fc.record({
    name: fc.oneof({ weight: 10, arbitrary: dnsLabel }, { weight: 1, arbitrary: oddString }, { weight: 1, arbitrary: fc.constant(undefined) }),
    location: opt(fc.constantFrom('westeurope', 'northeurope', 'mars', ''), 2),
    replicas: opt(fc.oneof(smallInt(1, 5), fc.constant(1.5)), 2),
    tags: opt(stringMap(), 3),
    extra: opt(fc.constant('x'), 15),
  }),
  exported: opt(fc.constantFrom('ENDPOINT', 'MISSING'), 3),
});

export const KRO_TARGETS: FuzzTarget[] = [
  target({ name: 'ResourceGraphDefinition', family: 'kro', arbitrary: rgdSpec, build: (ctx, s) => void buildRgd(ctx, s) }),
  target({
    name: 'RgdInstance', family: 'kro', arbitrary: instanceSpec,
    build: (ctx, s) => {
      const rgd = new ResourceGraphDefinition(ctx.folder, 'rgd', {
        kind: 'AppStorage', scope: s.cluster ? InstanceScope.CLUSTER : undefined,
        spec: specSchema({ min: 1, max: 5, intDefault: 2, locations: ['westeurope', 'northeurope'], locationDefault: 'westeurope', arrayOfObjects: false } as SchemaSpec),
      });
      rgd.addResource({ id: 'config', template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'placeholder' } }, set: { 'metadata.name': `${rgd.spec('name')}-cm` } });
      rgd.exportToConfigMap({ ENDPOINT: '${config.metadata.name}' });
      const { extra, ...spec } = s.spec;
      const instance = new RgdInstance(ctx.folder, 'instance', { rgd, name: s.name, namespace: s.namespace, labels: s.labels, spec: (extra ? { ...spec, extra } : spec) as never });
      if (s.exported) instance.exports.value(s.exported).use(ctx.folder, 'consumer');
    },
  }),
];
