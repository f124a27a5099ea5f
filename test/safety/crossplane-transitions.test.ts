// Day-2 changes of Crossplane definitions the API server refuses (lib/safety/crossplane-transitions.ts).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { GitOpsApp, Repo } from '../../lib';
import { CrossplaneProvider } from '../../lib/crossplane';
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
  expect(crossplaneTransition(c('apps.contoso.com/v1alpha1'), c('apps.contoso.com/v1beta1'))).toEqual({
    refused: [
      'spec.compositeTypeRef: {"apiVersion":"apps.contoso.com/v1alpha1","kind":"XApp"} → {"apiVersion":"apps.contoso.com/v1beta1","kind":"XApp"}: immutable (Crossplane\'s validation: self == oldSelf), ' +
        'so the API server refuses the update and the Kustomization applying it fails for good; keep it, or create a new Composition for the other composite type',
    ],
    protection: [],
  });
  expect(crossplaneTransition(c('apps.contoso.com/v1alpha1'), c('apps.contoso.com/v1alpha1'))).toEqual({ refused: [], protection: [] });
});

describe("an XRD's versions", () => {
  const withVersions = (versions: Array<[string, boolean]>, extra: Record<string, unknown> = {}) => ({
    ...xrd('XApp'), spec: { ...xrd('XApp').spec, ...extra, versions: versions.map(([name, referenceable]) => ({ name, served: true, referenceable })) },
  });
  const storage = "the storage version of the CRD Crossplane generates for it): the CRD's status.storedVersions lists it";

  test('removing the referenceable version is refused (it is in the CRD\'s storedVersions); removing another one is protected', () => {
    expect(crossplaneTransition(withVersions([['v1alpha1', true]]), withVersions([['v1beta1', true]])).refused).toEqual([
      `spec.versions: v1alpha1 is removed while it is the referenceable version (${storage}, so the API server refuses Crossplane's CRD update ("must appear in spec.versions") ` +
        "and Crossplane keeps the old CRD, ignoring every later change of this XRD; make another version referenceable first, rewrite the stored objects and trim the CRD's status.storedVersions to it " +
        '(Crossplane migrates no composite kind), then remove v1alpha1',
    ]);
    expect(crossplaneTransition(withVersions([['v1alpha1', false], ['v1beta1', true]]), withVersions([['v1beta1', true]]))).toEqual({
      refused: [],
      protection: [
        "spec.versions: v1alpha1 is removed: if it was ever the referenceable version (the storage version of the CRD Crossplane generates for it), the CRD's status.storedVersions may still list it, " +
          "and the API server then refuses Crossplane's CRD update (\"must appear in spec.versions\"), so this XRD stops changing; check the CRD's status.storedVersions first",
      ],
    });
  });

  test('a new referenceable version: refused when no Composition composes it, protected while Compositions compose the old one', () => {
    const from = withVersions([['v1alpha1', true], ['v1beta1', false]]);
    const to = withVersions([['v1alpha1', false], ['v1beta1', true]]);
    const comps = (...list: Array<[string, string]>) => (kind: string) => (kind === 'apps.contoso.com/XApp' ? list.map(([name, apiVersion]) => ({ name, apiVersion })) : []);
    expect(crossplaneTransition(from, to, comps(['old', 'apps.contoso.com/v1alpha1'])).refused).toEqual([
      'spec.versions: the referenceable version becomes v1beta1 (was v1alpha1), but no Composition of the app composes apps.contoso.com/v1beta1: ' +
        'Crossplane composes a composite resource only with Compositions whose compositeTypeRef.apiVersion is the referenceable one ("no compatible Compositions found"), ' +
        'so no composite resource of the kind composes any more; add Compositions for apps.contoso.com/v1beta1 (compositeTypeRef is immutable: new ones, other names) in this change',
    ]);
    expect(crossplaneTransition(from, to, comps(['old', 'apps.contoso.com/v1alpha1'], ['new', 'apps.contoso.com/v1beta1']))).toEqual({
      refused: [],
      protection: [
        'spec.versions: the referenceable version becomes v1beta1 (was v1alpha1) while Compositions old compose apps.contoso.com/v1alpha1: ' +
          'Crossplane composes a composite resource only with Compositions whose compositeTypeRef.apiVersion is the referenceable one, so a composite resource naming one of them fails ' +
          '("referenced composition is not compatible with this composite resource"); point them at Compositions for the new version first',
      ],
    });
    expect(crossplaneTransition(from, to, comps(['new', 'apps.contoso.com/v1beta1']))).toEqual({ refused: [], protection: [] });
    // Compositions kept elsewhere (none in the app): not judged.
    expect(crossplaneTransition(from, to)).toEqual({ refused: [], protection: [] });
  });

  test('enforcedCompositionRef is immutable once set', () => {
    const a = withVersions([['v1', true]], { enforcedCompositionRef: { name: 'pg' } });
    const b = withVersions([['v1', true]], { enforcedCompositionRef: { name: 'pg2' } });
    expect(crossplaneTransition(a, b).refused).toEqual([
      'spec.enforcedCompositionRef: {"name":"pg"} → {"name":"pg2"}: immutable (Crossplane\'s validation: self == oldSelf), so the API server refuses the update and the Kustomization applying it fails for good; ' +
        'keep it, or define a new CompositeResourceDefinition beside this one and move the composite resources to it',
    ]);
  });
});

test('a Crossplane package downgraded is protected (Crossplane does not check it); an upgrade, a digest or another package is not', () => {
  const provider = (pkg: string) => ({ apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider', metadata: { name: 'provider-azure-dbforpostgresql' }, spec: { package: pkg } });
  const repo = 'xpkg.upbound.io/upbound/provider-azure-dbforpostgresql';
  expect(crossplaneTransition(provider(`${repo}:v1.13.0`), provider(`${repo}:v1.12.1`))).toEqual({
    refused: [],
    protection: [
      `spec.package: ${repo}:v1.13.0 → ${repo}:v1.12.1 is a downgrade: Crossplane deactivates the running revision at once and does not check it; ` +
        "if the older package lacks a CRD version the cluster stores objects in (the CRD's status.storedVersions), its revision never becomes healthy (\"cannot establish control of object\") and nothing reconciles those kinds",
    ],
  });
  expect(crossplaneTransition(provider(`${repo}:v1.12.1`), provider(`${repo}:v1.13.0`)).protection).toEqual([]);
  expect(crossplaneTransition(provider(`${repo}:v1.13.0`), provider(`${repo}@sha256:${'a'.repeat(64)}`)).protection).toEqual([]);
  expect(crossplaneTransition(provider(`${repo}:v1.13.0`), provider('registry.example.com:5000/mirror/provider-azure-dbforpostgresql:v1.12.1')).protection).toEqual([]);
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

test('a kro graph losing a stateful resource (removed, renamed, or given an includeWhen or another one) is protected: kro prunes it from every instance', () => {
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
    // Another includeWhen, or another name: the old object is pruned all the same.
    expect(blocked([{ id: 'server', template: server, includeWhen: ['${schema.spec.db}'] }, { id: 'settings', template: settings }])).toEqual([
      ['ResourceGraphDefinition/filesapp', [reason('gets an includeWhen: where it is false, kro no longer includes it')]],
    ]);
    build([{ id: 'server', template: server, includeWhen: ['${schema.spec.db}'] }, { id: 'settings', template: settings }], ['ResourceGraphDefinition/filesapp']).synth();
    expect(blocked([{ id: 'server', template: server, includeWhen: ['${schema.spec.database.enabled}'] }, { id: 'settings', template: settings }])).toEqual([
      ['ResourceGraphDefinition/filesapp', [reason('gets another includeWhen (["${schema.spec.db}"] → ["${schema.spec.database.enabled}"]): where the new one is false, kro no longer includes it')]],
    ]);
    const renamed = { ...server, metadata: { name: '${schema.spec.name}-pg' } };
    expect(blocked([{ id: 'server', template: renamed, includeWhen: ['${schema.spec.db}'] }, { id: 'settings', template: settings }])).toEqual([
      ['ResourceGraphDefinition/filesapp', [reason('is named otherwise (${schema.spec.name} → ${schema.spec.name}-pg), a new object')]],
    ]);
    // The same includeWhen and name: nothing is pruned.
    expect(blocked([{ id: 'server', template: server, includeWhen: ['${schema.spec.db}'] }, { id: 'settings', template: settings }])).toEqual([]);
    // A plain resource may go; the allow id lets the stateful one go.
    build([{ id: 'server', template: server }, { id: 'settings', template: settings }], ['ResourceGraphDefinition/filesapp']).synth();
    expect(blocked([{ id: 'server', template: server }])).toEqual([]);
    expect(problems(() => build([{ id: 'settings', template: settings }], ['ResourceGraphDefinition/filesapp']).synth())).toEqual([]);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('synth: a CrossplaneProvider pinned to a lower version is a protected update, allowed by its id', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'xp-day2-'));
  const build = (version: string, allowDestroy?: string[]) => {
    const app = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false, allowDestroy });
    CrossplaneProvider.upjetAzure(new Repo(app, 'platform').folder('crossplane'), 'pg', { service: 'dbforpostgresql', version });
    return app;
  };
  try {
    build('v1.13.0').synth();
    const lines = problems(() => build('v1.12.1').synth());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^platform\/crossplane\/pg\/Resource \(platform\/crossplane\/provider-provider-azure-dbforpostgresql\.yaml\): Provider\/provider-azure-dbforpostgresql would change so that .* but it is protected: spec\.package: .*:v1\.13\.0 → .*:v1\.12\.1 is a downgrade: /);
    build('v1.12.1', ['platform::Provider/provider-azure-dbforpostgresql']).synth();
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
