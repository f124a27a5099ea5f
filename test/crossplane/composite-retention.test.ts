// Synth retains composites, claims and kro instances whose compositions or graph keep stateful
// resources: the library's constructs, L1 and raw objects alike (collect's retainComposites).
import { ApiObject } from 'cdk8s';
import { applyRemovalPolicy, RemovalPolicy, Repo, Testing } from '../../lib';
import type { Folder } from '../../lib/gitops/folder';

const RETAINED = { 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
const RG = { apiVersion: 'azure.upbound.io/v1beta1', kind: 'ResourceGroup', spec: { forProvider: { location: 'westeurope' } } };
const CM = { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } };

function setup() {
  const app = Testing.app({ validation: false });
  const repo = new Repo(app, 'platform');
  const platform = repo.folder('platform', { namespace: 'crossplane-system' });
  const team = repo.folder('team', { namespace: 'team-a' });
  new ApiObject(team, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
  return { app, platform, team };
}

/** A legacy XRD with a claim kind, and a raw Composition of `bases` (pipeline, function-patch-and-transform). */
function crossplane(platform: Folder, name: string, bases: Array<Record<string, unknown>>) {
  new ApiObject(platform, `xrd-${name}`, {
    apiVersion: 'apiextensions.crossplane.io/v1', kind: 'CompositeResourceDefinition', metadata: { name: `x${name}s.platform.contoso.com` },
    spec: { group: 'platform.contoso.com', names: { kind: `X${name}`, plural: `x${name}s` }, claimNames: { kind: name, plural: `${name}s` }, versions: [{ name: 'v1alpha1', served: true, referenceable: true }] },
  });
  new ApiObject(platform, `comp-${name}`, {
    apiVersion: 'apiextensions.crossplane.io/v1', kind: 'Composition', metadata: { name },
    spec: {
      compositeTypeRef: { apiVersion: 'platform.contoso.com/v1alpha1', kind: `X${name}` }, mode: 'Pipeline',
      pipeline: [{ step: 'resources', functionRef: { name: 'function-patch-and-transform' }, input: { apiVersion: 'pt.fn.crossplane.io/v1beta1', kind: 'Resources', resources: bases.map((base, i) => ({ name: `r${i}`, base })) } }],
    },
  });
}

const annotations = (app: ReturnType<typeof setup>['app'], kind: string, name: string) => Testing.find(Testing.objects(app), kind, name).metadata.annotations;

test('a raw composite and claim of a raw Composition composing a resource group are retained, and their Namespace', () => {
  const { app, platform, team } = setup();
  crossplane(platform, 'database', [RG]);
  new ApiObject(team, 'xr', { apiVersion: 'platform.contoso.com/v1alpha1', kind: 'Xdatabase', metadata: { name: 'orders' }, spec: {} });
  new ApiObject(team, 'claim', { apiVersion: 'platform.contoso.com/v1alpha1', kind: 'database', metadata: { name: 'billing' }, spec: {} });
  expect(Testing.synthProblems(app)).toEqual([]);
  expect(annotations(app, 'Xdatabase', 'orders')).toEqual(RETAINED);
  expect(annotations(app, 'database', 'billing')).toEqual(RETAINED);
  // Deleting the Namespace would delete them whatever their annotations.
  expect(annotations(app, 'Namespace', 'team-a')).toEqual(RETAINED);
});

test('not retained: what the composition explicitly deletes with it, what composes nothing stateful, and objects that decide their own removal', () => {
  const { app, platform, team } = setup();
  crossplane(platform, 'gone', [{ ...RG, spec: { ...RG.spec, managementPolicies: ['*'] } }]);
  crossplane(platform, 'config', [CM]);
  crossplane(platform, 'kept', [RG]);
  new ApiObject(team, 'gone', { apiVersion: 'platform.contoso.com/v1alpha1', kind: 'Xgone', metadata: { name: 'gone' }, spec: {} });
  new ApiObject(team, 'config', { apiVersion: 'platform.contoso.com/v1alpha1', kind: 'Xconfig', metadata: { name: 'config' }, spec: {} });
  const destroyed = new ApiObject(team, 'destroyed', { apiVersion: 'platform.contoso.com/v1alpha1', kind: 'Xkept', metadata: { name: 'destroyed' }, spec: {} });
  applyRemovalPolicy(destroyed, RemovalPolicy.DESTROY);
  new ApiObject(team, 'marked', { apiVersion: 'platform.contoso.com/v1alpha1', kind: 'Xkept', metadata: { name: 'marked', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'enabled' } }, spec: {} });
  expect(Testing.synthProblems(app)).toEqual([]);
  expect(annotations(app, 'Xgone', 'gone')).toBeUndefined();
  expect(annotations(app, 'Xconfig', 'config')).toBeUndefined();
  expect(annotations(app, 'Xkept', 'destroyed')).toBeUndefined();
  expect(annotations(app, 'Xkept', 'marked')).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'enabled' });
  expect(annotations(app, 'Namespace', 'team-a')).toBeUndefined();
});

test('an XR naming its Composition follows that one only', () => {
  const { app, platform, team } = setup();
  crossplane(platform, 'db', [RG]);
  // A second Composition of the same kind that deletes everything with the composite.
  new ApiObject(platform, 'comp-db-dev', {
    apiVersion: 'apiextensions.crossplane.io/v1', kind: 'Composition', metadata: { name: 'db-dev' },
    spec: { compositeTypeRef: { apiVersion: 'platform.contoso.com/v1alpha1', kind: 'Xdb' }, resources: [{ name: 'rg', base: { ...RG, spec: { ...RG.spec, managementPolicies: ['*'] } } }] },
  });
  new ApiObject(team, 'dev', { apiVersion: 'platform.contoso.com/v1alpha1', kind: 'Xdb', metadata: { name: 'dev' }, spec: { crossplane: { compositionRef: { name: 'db-dev' } } } });
  new ApiObject(team, 'prod', { apiVersion: 'platform.contoso.com/v1alpha1', kind: 'Xdb', metadata: { name: 'prod' }, spec: { crossplane: { compositionRef: { name: 'db' } } } });
  new ApiObject(team, 'any', { apiVersion: 'platform.contoso.com/v1alpha1', kind: 'Xdb', metadata: { name: 'any' }, spec: {} });
  expect(Testing.synthProblems(app)).toEqual([]);
  expect(annotations(app, 'Xdb', 'dev')).toBeUndefined();
  expect(annotations(app, 'Xdb', 'prod')).toEqual(RETAINED);
  // No composition named: any of the kind may be selected.
  expect(annotations(app, 'Xdb', 'any')).toEqual(RETAINED);
});

test('a kro instance of a graph creating an ASO server is retained; one whose server is explicitly managed (deleted with it) is not', () => {
  const { app, platform, team } = setup();
  const server = (annotations?: Record<string, string>) => ({ apiVersion: 'dbforpostgresql.azure.com/v1api20250801', kind: 'FlexibleServer', metadata: { name: '${schema.spec.name}', ...(annotations ? { annotations } : {}) }, spec: {} });
  const graph = (kind: string, template: Record<string, unknown>) => new ApiObject(platform, `rgd-${kind}`, {
    apiVersion: 'kro.run/v1alpha1', kind: 'ResourceGraphDefinition', metadata: { name: kind.toLowerCase() },
    spec: { schema: { apiVersion: 'v1alpha1', kind, spec: { name: 'string' } }, resources: [{ id: 'server', template }] },
  });
  graph('Database', server());
  graph('Scratch', server({ 'serviceoperator.azure.com/reconcile-policy': 'manage' }));
  new ApiObject(team, 'db', { apiVersion: 'kro.run/v1alpha1', kind: 'Database', metadata: { name: 'orders' }, spec: { name: 'orders' } });
  new ApiObject(team, 'scratch', { apiVersion: 'kro.run/v1alpha1', kind: 'Scratch', metadata: { name: 'scratch' }, spec: { name: 'scratch' } });
  expect(Testing.synthProblems(app)).toEqual([]);
  expect(annotations(app, 'Database', 'orders')).toEqual(RETAINED);
  expect(annotations(app, 'Scratch', 'scratch')).toBeUndefined();
});
