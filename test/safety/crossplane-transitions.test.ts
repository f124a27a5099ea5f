// Day-2 changes of Crossplane definitions the API server refuses (lib/safety/crossplane-transitions.ts).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { GitOpsApp, Repo } from '../../lib';
import { crossplaneTransition } from '../../lib/safety/crossplane-transitions';
import { problems } from '../support/problems';

const xrd = (kind: string, scope = 'Namespaced') => ({
  apiVersion: 'apiextensions.crossplane.io/v2', kind: 'CompositeResourceDefinition', metadata: { name: 'xapps.apps.contoso.com' },
  spec: { group: 'apps.contoso.com', names: { kind, plural: 'xapps' }, scope, versions: [{ name: 'v1alpha1', served: true, referenceable: true }] },
});

test('an XRD whose kind or scope changes under the same name is refused, naming the field and the way out', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'xp-day2-'));
  const build = (kind: string, scope?: string) => {
    const app = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false });
    new ApiObject(new Repo(app, 'platform').folder('apis'), 'xrd', xrd(kind, scope));
    return app;
  };
  try {
    build('XApp').synth();
    expect(problems(() => build('XApplication').synth())).toEqual([
      'platform/apis/xrd (platform/apis/compositeresourcedefinition-xapps.apps.contoso.com.yaml): CompositeResourceDefinition xapps.apps.contoso.com: ' +
        'spec.names: {"kind":"XApp","plural":"xapps"} → {"kind":"XApplication","plural":"xapps"}: immutable (Crossplane\'s validation: self == oldSelf), so the API server refuses the update ' +
        'and the Kustomization applying it fails for good; keep it, or define a new CompositeResourceDefinition beside this one and move the composite resources to it',
    ]);
    expect(problems(() => build('XApp', 'Cluster').synth())).toHaveLength(1);
    // Versions may change (Crossplane updates the CRD).
    expect(problems(() => build('XApp').synth())).toEqual([]);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test("a Composition's compositeTypeRef is immutable", () => {
  const c = (apiVersion: string) => ({ apiVersion: 'apiextensions.crossplane.io/v1', kind: 'Composition', metadata: { name: 'c' }, spec: { compositeTypeRef: { apiVersion, kind: 'XApp' } } });
  expect(crossplaneTransition(c('apps.contoso.com/v1alpha1'), c('apps.contoso.com/v1beta1'))).toEqual([
    'spec.compositeTypeRef: {"apiVersion":"apps.contoso.com/v1alpha1","kind":"XApp"} → {"apiVersion":"apps.contoso.com/v1beta1","kind":"XApp"}: immutable (Crossplane\'s validation: self == oldSelf), ' +
      'so the API server refuses the update and the Kustomization applying it fails for good; keep it, or create a new Composition for the other composite type',
  ]);
  expect(crossplaneTransition(c('apps.contoso.com/v1alpha1'), c('apps.contoso.com/v1alpha1'))).toEqual([]);
});

test("a composite resource switched to a Composition that lacks a stateful entry is protected: Crossplane deletes that composed resource; the XR's allow id allows it", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'xp-day2-'));
  const composition = (name: string, entries: Array<{ name: string; kind: string; apiVersion: string }>) => ({
    apiVersion: 'apiextensions.crossplane.io/v1', kind: 'Composition', metadata: { name },
    spec: {
      compositeTypeRef: { apiVersion: 'apps.contoso.com/v1alpha1', kind: 'XApp' }, mode: 'Pipeline',
      pipeline: [{ step: 'pt', functionRef: { name: 'function-patch-and-transform' }, input: { apiVersion: 'pt.fn.crossplane.io/v1beta1', kind: 'Resources', resources: entries.map((e) => ({ name: e.name, base: { apiVersion: e.apiVersion, kind: e.kind } })) } }],
    },
  });
  const build = (ref: string, allowDestroy?: string[]) => {
    const app = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false, allowDestroy });
    const repo = new Repo(app, 'platform');
    const apis = repo.folder('apis');
    new ApiObject(apis, 'full', composition('full', [{ name: 'db', apiVersion: 'dbforpostgresql.azure.m.upbound.io/v1beta1', kind: 'FlexibleServer' }, { name: 'rg', apiVersion: 'azure.m.upbound.io/v1beta1', kind: 'ResourceGroup' }]));
    new ApiObject(apis, 'lite', composition('lite', [{ name: 'rg', apiVersion: 'azure.m.upbound.io/v1beta1', kind: 'ResourceGroup' }]));
    new ApiObject(repo.folder('apps', { namespace: 'team' }), 'xr', { apiVersion: 'apps.contoso.com/v1alpha1', kind: 'XApp', metadata: { name: 'orders' }, spec: { crossplane: { compositionRef: { name: ref } } } });
    return app;
  };
  try {
    build('full').synth();
    expect(build('lite').plan().blocked.map((c) => [c.object.id, c.protection])).toEqual([
      ['XApp/team/orders', [
        'it switches from Composition full to lite, which does not compose entry "db" (stateful dbforpostgresql.azure.m.upbound.io/FlexibleServer) as it was: Crossplane deletes that composed resource ' +
          '(and its external resource, unless its managementPolicies omit Delete: then it is orphaned)',
      ]],
    ]);
    // synth sees it too (it keeps composite resources naming a Composition whole).
    expect(problems(() => build('lite').synth())).toEqual([expect.stringContaining('XApp/team/orders would change so that what it manages is deleted, scaled down or changed for good')]);
    expect(problems(() => build('lite', ['XApp/team/orders']).synth())).toEqual([]);
    // Back to the Composition that composes everything lite does: no entry lost.
    expect(build('full').plan().blocked).toEqual([]);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('a kro graph losing a stateful resource (removed, or given an includeWhen) is protected: kro prunes it from every instance', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kro-day2-'));
  const server = { apiVersion: 'dbforpostgresql.azure.com/v1api20240801', kind: 'FlexibleServer', metadata: { name: '${schema.spec.name}' } };
  const settings = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '${schema.spec.name}' } };
  const build = (resources: unknown[], allowDestroy?: string[]) => {
    const app = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false, allowDestroy });
    new ApiObject(new Repo(app, 'platform').folder('kro'), 'rgd', {
      apiVersion: 'kro.run/v1alpha1', kind: 'ResourceGraphDefinition', metadata: { name: 'filesapp' },
      spec: { schema: { apiVersion: 'v1alpha1', kind: 'FilesApp', spec: { name: 'string' } }, resources },
    });
    return app;
  };
  const reason = (change: string) =>
    `resource "server" (stateful dbforpostgresql.azure.com/FlexibleServer) ${change}: kro prunes it from every instance (deleting its Azure resource too, unless it is retained); a renamed resource is a new, empty one`;
  try {
    build([{ id: 'server', template: server }, { id: 'settings', template: settings }]).synth();
    const blocked = (resources: unknown[]) => build(resources).plan().blocked.map((c) => [c.object.id, c.protection]);
    expect(blocked([{ id: 'settings', template: settings }])).toEqual([['ResourceGraphDefinition/filesapp', [reason('is no longer in the graph')]]]);
    expect(blocked([{ id: 'server', template: server, includeWhen: ['${schema.spec.name != ""}'] }, { id: 'settings', template: settings }])).toEqual([
      ['ResourceGraphDefinition/filesapp', [reason('gets an includeWhen: where it is false, kro no longer includes it')]],
    ]);
    // A plain resource may go; the allow id lets the stateful one go.
    expect(blocked([{ id: 'server', template: server }])).toEqual([]);
    expect(problems(() => build([{ id: 'settings', template: settings }], ['ResourceGraphDefinition/filesapp']).synth())).toEqual([]);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
