// kro refuses to update the CRD of a ResourceGraphDefinition whose instance schema changes in a
// breaking way (kro pkg/graph/crd/compat): the destroy guard refuses such a change at synth.
import { declarePreinstalled, GitOpsApp, Preinstalled, Repo } from '../../lib';
import { ResourceGraphDefinition, Schema } from '../../lib/kro';
import { breakingSchemaChanges, resourceGraphSchemaTransition } from '../../lib/safety/kro-schema';
import { problems } from '../support/problems';
import { tmp } from './helpers';

describe('breakingSchemaChanges (kro compat rules)', () => {
  const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });
  test.each([
    ['a property removed', obj({ a: { type: 'string' } }), obj({}), ['.a: removed']],
    ['a type changed', obj({ a: { type: 'string' } }), obj({ a: { type: 'integer' } }), ['.a.type: string → integer']],
    ['a pattern added or changed', obj({ a: { type: 'string' }, b: { type: 'string', pattern: 'x' } }), obj({ a: { type: 'string', pattern: '^a' }, b: { type: 'string', pattern: 'y' } }), ['.a.pattern: added (^a)', '.b.pattern: x → y']],
    ['constraints added or tightened', obj({ n: { type: 'integer', minimum: 1, maximum: 10 }, s: { type: 'string' } }), obj({ n: { type: 'integer', minimum: 2, maximum: 9 }, s: { type: 'string', maxLength: 5 } }), ['.n.minimum: 1 → 2', '.n.maximum: 10 → 9', '.s.maxLength: added (5)']],
    ['a required property added without a default', obj({}), obj({ a: { type: 'string' } }, { required: ['a'] }), ['.a: added as required, without a default']],
    ['an existing property made required', obj({ a: { type: 'string' } }), obj({ a: { type: 'string' } }, { required: ['a'] }), ['.a: made required']],
    ['the default of a required property removed', obj({ a: { type: 'string', default: 'x' } }, { required: ['a'] }), obj({ a: { type: 'string' } }, { required: ['a'] }), ['.a: its default removed (it is required)']],
    ['an enum value removed', obj({ a: { type: 'string', enum: ['s', 'm', 'l'] } }), obj({ a: { type: 'string', enum: ['s', 'm', 'xl'] } }), ['.a.enum: l removed']],
    ['an array item changed', obj({ a: { type: 'array', items: { type: 'string' } } }), obj({ a: { type: 'array', items: { type: 'integer' } } }), ['.a[].type: string → integer']],
  ])('breaking: %s', (_what, a, b, expected) => {
    expect(breakingSchemaChanges(a, b)).toEqual(expected);
  });

  test.each([
    ['an optional property added', obj({}), obj({ a: { type: 'string' } })],
    ['a required property added with a default', obj({}), obj({ a: { type: 'string', default: 'x' } }, { required: ['a'] })],
    ['a default or description changed', obj({ a: { type: 'string', default: 'x' } }), obj({ a: { type: 'string', default: 'y', description: 'd' } })],
    ['constraints relaxed or removed, an enum widened, a pattern removed', obj({ n: { type: 'integer', minimum: 2 }, e: { type: 'string', enum: ['a'] }, p: { type: 'string', pattern: 'x' } }), obj({ n: { type: 'integer' }, e: { type: 'string', enum: ['a', 'b'] }, p: { type: 'string' } })],
    ['a property no longer required', obj({ a: { type: 'string' } }, { required: ['a'] }), obj({ a: { type: 'string' } })],
  ])('compatible: %s', (_what, a, b) => {
    expect(breakingSchemaChanges(a, b)).toEqual([]);
  });
});

describe('a ResourceGraphDefinition whose instance schema breaks', () => {
  const build = (out: string, spec: Parameters<typeof Schema.object>[0], o: { allow?: boolean; apiVersion?: string } = {}) => {
    const app = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false });
    declarePreinstalled(app, Preinstalled.KRO);
    const rgd = new ResourceGraphDefinition(new Repo(app, 'platform').folder('platform/kro'), 'rgd', { kind: 'AppStorage', spec: Schema.object(spec), apiVersion: o.apiVersion });
    rgd.addResource({ id: 'cm', template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${rgd.spec('name')}-cm` }, data: { app: rgd.spec('name') } } });
    if (o.allow) rgd.apiObject.metadata.addAnnotation('kro.run/allow-breaking-changes', 'true');
    return app;
  };
  const base = { name: Schema.string({ required: true }), size: Schema.string({ enum: ['s', 'm', 'l'], default: 's' }) };

  test('is refused naming each change and the way out; a compatible change, or kro\'s annotation, passes', () => {
    const out = tmp();
    build(out, base).synth();
    expect(problems(() => build(out, { name: Schema.string({ required: true }), size: Schema.string({ enum: ['s', 'm'], default: 's' }), owner: Schema.string({ required: true }) }).synth())).toEqual([
      'platform/platform--kro/rgd/Resource (platform/platform/kro/resourcegraphdefinition-appstorage.kro.run.yaml): ResourceGraphDefinition appstorage.kro.run: ' +
        'spec.schema: breaking changes of the instance schema (spec.size.enum: l removed; spec.owner: added as required, without a default): kro refuses to update the CRD ("breaking changes detected"), ' +
        'so this ResourceGraphDefinition stays KindUnready and none of its changes apply; make them compatible (new fields optional or with a default, enums widened, constraints relaxed, the version kept), ' +
        'or annotate it kro.run/allow-breaking-changes: "true" once every instance fits the new schema',
    ]);
    // The RGD CRD's own rules: refused whatever kro's annotation.
    const immutable = 'platform/platform--kro/rgd/Resource (platform/platform/kro/resourcegraphdefinition-appstorage.kro.run.yaml): ResourceGraphDefinition appstorage.kro.run: ' +
      'spec.schema: apiVersion v1alpha1 → v1beta1 ("apiVersion is immutable"): the ResourceGraphDefinition CRD\'s validation (self == oldSelf) makes the API server refuse the update, ' +
      'so the server-side dry-run of everything applied with it fails; keep them, or make a ResourceGraphDefinition of another name for the new API (and move the instances to it)';
    expect(problems(() => build(out, base, { apiVersion: 'v1beta1' }).synth())).toEqual([immutable]);
    expect(problems(() => build(out, base, { apiVersion: 'v1beta1', allow: true }).synth())).toEqual([immutable]);
    build(out, { ...base, owner: Schema.string({ default: 'platform' }), size: Schema.string({ enum: ['s', 'm', 'l', 'xl'], default: 's' }) }).synth();
    build(out, { name: Schema.string({ required: true }) }, { allow: true }).synth();
  });

  test('a schema this library cannot read (custom types) is left to kro', () => {
    const rgd = (spec: unknown) => ({ apiVersion: 'kro.run/v1alpha1', kind: 'ResourceGraphDefinition', metadata: { name: 'x' }, spec: { schema: { apiVersion: 'v1alpha1', kind: 'X', spec } } });
    expect(resourceGraphSchemaTransition(rgd({ a: 'MyType' }), rgd({}))).toEqual([]);
  });

  test('the group (kro.run when left out) is immutable too', () => {
    const rgd = (group?: string) => ({ apiVersion: 'kro.run/v1alpha1', kind: 'ResourceGraphDefinition', metadata: { name: 'x' }, spec: { schema: { apiVersion: 'v1alpha1', kind: 'X', ...(group ? { group } : {}) } } });
    expect(resourceGraphSchemaTransition(rgd(), rgd('kro.run'))).toEqual([]);
    expect(resourceGraphSchemaTransition(rgd(), rgd('platform.contoso.com'))[0]).toMatch(/^spec\.schema: group kro\.run → platform\.contoso\.com \("group is immutable"\): /);
  });
});
