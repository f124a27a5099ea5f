import { DNS_LABEL, Repo } from '../../lib';
import { CompositeResourceDefinition, InferSchema, Schema, XrdScope } from '../../lib/crossplane';
import { Testing } from '../../lib/testing';

function setup() {
  const app = Testing.app();
  return { app, folder: new Repo(app, 'r').folder('apis') };
}

const spec = Schema.object({
  location: Schema.string({ required: true, enum: ['westeurope', 'northeurope'], description: 'Region.' }),
  nodeCount: Schema.integer({ minimum: 1, maximum: 10, default: 3 }),
  ratio: Schema.number({ minimum: 0.5 }),
  name: Schema.string({ pattern: '^[a-z]+$', minLength: 2, maxLength: 20 }),
  enabled: Schema.boolean({ default: true }),
  tags: Schema.map(Schema.string()),
  pools: Schema.array(Schema.object({ name: Schema.string({ required: true }), size: Schema.integer() }), { maxItems: 5 }),
  network: Schema.object({ cidr: Schema.string({ required: true }) }, { rules: [{ rule: 'self.cidr.endsWith("/16")', message: 'must be a /16' }] }),
});

describe('Schema builder', () => {
  test('renders the openAPIV3Schema', () => {
    expect(spec.toJsonSchema()).toEqual({
      type: 'object',
      properties: {
        location: { description: 'Region.', type: 'string', enum: ['westeurope', 'northeurope'] },
        nodeCount: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
        ratio: { type: 'number', minimum: 0.5 },
        name: { type: 'string', minLength: 2, maxLength: 20, pattern: '^[a-z]+$' },
        enabled: { type: 'boolean', default: true },
        tags: { type: 'object', additionalProperties: { type: 'string' } },
        pools: { type: 'array', maxItems: 5, items: { type: 'object', properties: { name: { type: 'string' }, size: { type: 'integer' } }, required: ['name'] } },
        network: { type: 'object', properties: { cidr: { type: 'string' } }, required: ['cidr'], 'x-kubernetes-validations': [{ rule: 'self.cidr.endsWith("/16")', message: 'must be a /16' }] },
      },
      required: ['location'],
    });
  });

  test('a required field with a default is not required', () => {
    expect(Schema.object({ a: Schema.string({ required: true, default: 'x' }) }).toJsonSchema()).toEqual({ type: 'object', properties: { a: { type: 'string', default: 'x' } } });
  });

  test('types follow the schema', () => {
    type Spec = InferSchema<typeof spec>;
    const ok: Spec = { location: 'westeurope', pools: [{ name: 'a' }], tags: { a: 'b' } };
    // @ts-expect-error location is required
    const missing: Spec = { nodeCount: 1 };
    // @ts-expect-error not in the enum
    const wrong: Spec = { location: 'mars' };
    expect([ok, missing, wrong]).toHaveLength(3);
  });

  test('object fields must be schema fields', () => {
    expect(() => Schema.object({ a: 'string' as any })).toThrow('Schema.object: field "a" is not a schema field (use Schema.string(), ...)');
  });
});

describe('CompositeResourceDefinition', () => {
  test('v2, namespaced by default, named <plural>.<group>', () => {
    const { folder } = setup();
    const xrd = new CompositeResourceDefinition(folder, 'xrd', {
      group: 'platform.contoso.com', kind: 'XDatabase', plural: 'xdatabases', version: 'v1beta1', spec,
      status: Schema.object({ host: Schema.string() }),
      printerColumns: [{ name: 'Location', jsonPath: '.spec.location' }],
      additionalVersions: [{ name: 'v1alpha1', spec: Schema.object({ region: Schema.string() }), deprecated: true }],
    });
    const json = xrd.apiObject.toJson();
    expect(json.apiVersion).toBe('apiextensions.crossplane.io/v2');
    expect(json.metadata.name).toBe('xdatabases.platform.contoso.com');
    expect(json.spec.scope).toBe('Namespaced');
    expect(json.spec.names).toEqual({ kind: 'XDatabase', plural: 'xdatabases' });
    expect(json.spec.versions.map((v: any) => [v.name, v.referenceable, v.served, v.deprecated])).toEqual([['v1beta1', true, true, undefined], ['v1alpha1', false, true, true]]);
    expect(json.spec.versions[0].schema.openAPIV3Schema).toEqual({
      type: 'object', required: ['spec'],
      properties: { spec: spec.toJsonSchema(), status: { type: 'object', properties: { host: { type: 'string' } } } },
    });
    expect(json.spec.versions[0].additionalPrinterColumns).toEqual([{ name: 'Location', jsonPath: '.spec.location', type: 'string' }]);
    expect(xrd.compositeApiVersion).toBe('platform.contoso.com/v1beta1');
  });

  test('legacy v1 with claims and connection secret keys', () => {
    const { folder, app } = setup();
    const xrd = new CompositeResourceDefinition(folder, 'xrd', {
      group: 'platform.contoso.com', kind: 'XDatabase', plural: 'xdatabases', version: 'v1', spec,
      scope: XrdScope.LEGACY_CLUSTER, claimNames: { kind: 'Database', plural: 'databases' }, connectionSecretKeys: ['host', 'password'],
    });
    const json = xrd.apiObject.toJson();
    expect(json.apiVersion).toBe('apiextensions.crossplane.io/v1');
    expect(json.spec.scope).toBe('LegacyCluster');
    expect(json.spec.claimNames).toEqual({ kind: 'Database', plural: 'databases' });
    expect(json.spec.connectionSecretKeys).toEqual(['host', 'password']);
    expect(xrd.claim).toEqual({ apiVersion: 'platform.contoso.com/v1', kind: 'Database' });
    expect(() => app.placedObjects()).not.toThrow();
  });

  test('cluster scope', () => {
    const { folder } = setup();
    const xrd = new CompositeResourceDefinition(folder, 'xrd', { group: 'a.example.com', kind: 'XThing', plural: 'xthings', version: 'v1', spec, scope: XrdScope.CLUSTER });
    expect(xrd.apiObject.toJson().spec.scope).toBe('Cluster');
  });

  test.each([
    [{ claimNames: { kind: 'Db', plural: 'dbs' } }, 'r/apis/xrd: prop "claimNames": claims are only supported with scope XrdScope.LEGACY_CLUSTER (Crossplane v2 removed them from the v2 XRD API); create namespaced composite resources instead'],
    [{ connectionSecretKeys: ['a'] }, 'r/apis/xrd: prop "connectionSecretKeys": XR connection secrets are only supported with scope XrdScope.LEGACY_CLUSTER; a v2 composition composes its connection Secret itself'],
    [{ group: 'contoso' }, 'r/apis/xrd: prop "group": "contoso" is invalid: must be a DNS subdomain with at least one dot (e.g. "platform.contoso.com")'],
    [{ plural: 'XDatabases' }, `r/apis/xrd: prop "plural": "XDatabases" is invalid: must be ${DNS_LABEL.description}`],
    [{ kind: 'xdatabase' }, 'r/apis/xrd: prop "kind": "xdatabase" is invalid: must be a PascalCase kind (e.g. "XAksCluster")'],
    [{ version: 'beta' }, 'r/apis/xrd: prop "version": "beta" is invalid: must be a Kubernetes API version (v1, v1alpha1, v2beta3, ...)'],
    [{ additionalVersions: [{ name: 'v1', spec }] }, 'r/apis/xrd: prop "additionalVersions[0].name": version "v1" is defined twice'],
  ])('rejects invalid props (%#)', (extra, message) => {
    const { folder } = setup();
    expect(() => new CompositeResourceDefinition(folder, 'xrd', { group: 'platform.contoso.com', kind: 'XDatabase', plural: 'xdatabases', version: 'v1', spec, ...extra } as any))
      .toThrow(message);
  });
});
