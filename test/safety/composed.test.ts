// The destroy guard and what composite resources, claims and kro instances make: deleting one
// (or its Namespace, or the definition of its kind) deletes the stateful resources it made.
import { ApiObject } from 'cdk8s';
import { declarePreinstalled, GitOpsApp, Preinstalled, Repo } from '../../lib';
import { ResourceGroup, StorageAccount } from '../../lib/aso';
import { Claim, CompositeResource, CompositeResourceDefinition, Composition, CrossplaneFunction, CrossplaneProvider, Schema, XrdScope } from '../../lib/crossplane';
import { ResourceGraphDefinition, RgdInstance, Schema as KroSchema } from '../../lib/kro';
import { ComposedKinds, kindsInSource, namedEntriesInSource, readSource } from '../../lib/safety/composed';
import { problems } from '../support/problems';
import { tmp } from './helpers';

const hint = (id: string) => `To allow it, add '${id}' to the GitOpsApp prop allowDestroy or pass --allow-destroy ${id}`;

function newApp(out: string, allowDestroy?: string[]): GitOpsApp {
  const app = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false, allowDestroy });
  declarePreinstalled(app, Preinstalled.ASO, Preinstalled.CROSSPLANE, Preinstalled.KRO, Preinstalled.of('fixtures', ['platform.contoso.com', 'kro.run'], ['team']));
  return app;
}

const PG = 'dbforpostgresql.azure.m.upbound.io/v1beta1';

/** An XRD `XDatabase` (legacy, with claim `Database`, or namespaced) and Composition `xdatabase` composing a FlexibleServer and a firewall rule. */
function databaseApi(repo: Repo, legacy: boolean, o: { xrd?: boolean; composition?: boolean } = {}) {
  const folder = repo.folder('apis');
  const xrd = new CompositeResourceDefinition(folder, 'xrd', {
    group: 'platform.contoso.com', kind: 'XDatabase', plural: 'xdatabases', version: 'v1alpha1', spec: Schema.object({ size: Schema.string() }),
    ...(legacy ? { scope: XrdScope.LEGACY_CLUSTER, claimNames: { kind: 'Database', plural: 'databases' } } : {}),
  });
  if (o.xrd === false) folder.node.tryRemoveChild('xrd');
  // A raw Composition: the guard is under test, not the Composition's checks.
  const base = (kind: string) => ({ apiVersion: legacy ? PG.replace('.m.', '.') : PG, kind, spec: { forProvider: {} } });
  new ApiObject(folder, 'composition', {
    apiVersion: 'apiextensions.crossplane.io/v1', kind: 'Composition', metadata: { name: 'xdatabase' },
    spec: {
      compositeTypeRef: { apiVersion: 'platform.contoso.com/v1alpha1', kind: 'XDatabase' }, mode: 'Pipeline',
      pipeline: [{ step: 'resources', functionRef: { name: 'function-patch-and-transform' }, input: { apiVersion: 'pt.fn.crossplane.io/v1beta1', kind: 'Resources', resources: [{ name: 'server', base: base('FlexibleServer') }, { name: 'rule', base: base('FlexibleServerFirewallRule') }] } }],
    },
  });
  if (o.composition === false) folder.node.tryRemoveChild('composition');
  return { xrd };
}

/** A kro graph `AppStorage` (resource group and storage account) in platform/kro. */
function storageGraph(repo: Repo) {
  const rgd = new ResourceGraphDefinition(repo.folder('platform/kro'), 'rgd', { kind: 'AppStorage', spec: KroSchema.object({ name: KroSchema.string({ required: true }) }) });
  const rg = new ResourceGroup(rgd.templates, 'rg', { name: 'rg-placeholder', location: 'westeurope' });
  rgd.addResource({ id: 'resourceGroup', template: rg, set: { 'metadata.name': `${rgd.spec('name')}-rg` } });
  const sa = new StorageAccount(rgd.templates, 'sa', { name: 'stplaceholder', resourceGroup: rg });
  rgd.addResource({ id: 'storage', template: sa, set: { 'metadata.name': `${rgd.spec('name')}st` } });
  return rgd;
}

describe('claims', () => {
  test('deleting a claim whose Composition composes a stateful kind is refused: Crossplane deletes its composite resource', () => {
    const out = tmp();
    const build = (claim: boolean) => {
      const app = newApp(out);
      const repo = new Repo(app, 'platform');
      const { xrd } = databaseApi(repo, true);
      const team = repo.folder('teams/a', { namespace: 'team' });
      if (claim) new Claim(team, 'orders', { xrd, name: 'orders', spec: { size: 'small' }, compositionSelector: { db: 'pg' } });
      return app;
    };
    build(true).synth();
    expect(problems(() => build(false).synth())).toEqual([
      // Retained by default (synth's retainComposites): removed from Git, it stays on the cluster.
      'platform/teams--a/orders/Resource (platform/teams/a/database-orders.yaml): Database/team/orders would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: ' +
        'retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false); claim of composite kind platform.contoso.com/XDatabase: deleting it makes Crossplane delete its composite resource, and what Composition xdatabase composed, ' +
        `including stateful dbforpostgresql.azure.upbound.io/FlexibleServer. ${hint('platform::Database/team/orders')}`,
    ]);
  });
});

describe('CompositeResourceDefinitions and CustomResourceDefinitions', () => {
  test('deleting an XRD whose Compositions compose a stateful kind is refused, also with its Composition; without such a Composition it is not', () => {
    const out = tmp();
    const build = (o: { xrd?: boolean; composition?: boolean }, allow?: string[]) => {
      const app = newApp(out, allow);
      databaseApi(new Repo(app, 'platform'), true, o);
      return app;
    };
    build({}).synth();
    const reason = 'defines composite kind platform.contoso.com/XDatabase (claims platform.contoso.com/Database), whose Compositions compose stateful dbforpostgresql.azure.upbound.io/FlexibleServer: ' +
      'deleting it makes Crossplane delete every composite resource of the kind and every claim, and what they composed';
    const id = 'platform::CompositeResourceDefinition/xdatabases.platform.contoso.com';
    expect(problems(() => build({ xrd: false }).synth())).toEqual([
      `platform/apis/xrd/Resource (platform/apis/compositeresourcedefinition-xdatabases.platform.contoso.com.yaml): CompositeResourceDefinition/xdatabases.platform.contoso.com would be deleted, but it is protected: ${reason}. ${hint(id)}`,
    ]);
    // The Composition goes too: the committed one still tells what the kind composed.
    expect(problems(() => build({ xrd: false, composition: false }).synth())).toHaveLength(1);
    build({ xrd: false, composition: false }, [id]).synth();
    // Without a Composition composing a stateful kind, the XRD is not protected.
    const other = tmp();
    const bare = (xrd: boolean) => {
      const app = newApp(other);
      databaseApi(new Repo(app, 'platform'), true, { xrd, composition: false });
      return app;
    };
    bare(true).synth();
    expect(problems(() => bare(false).synth())).toEqual([]);
  });

  test('deleting a CustomResourceDefinition of a stateful kind is refused: every object of the kind goes with it', () => {
    const out = tmp();
    const build = (crd: boolean) => {
      const app = newApp(out);
      const folder = new Repo(app, 'platform').folder('crds');
      const def = (name: string, group: string, kind: string) =>
        new ApiObject(folder, name, { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name }, spec: { group, names: { kind, plural: `${kind.toLowerCase()}s` }, scope: 'Namespaced', versions: [] } });
      if (crd) def('flexibleservers.dbforpostgresql.azure.com', 'dbforpostgresql.azure.com', 'FlexibleServer');
      def('widgets.example.com', 'example.com', 'Widget');
      return app;
    };
    build(true).synth();
    expect(problems(() => build(false).synth())).toEqual([
      'platform/crds/flexibleservers.dbforpostgresql.azure.com (platform/crds/customresourcedefinition-flexibleservers.dbforpostgresql.azure.com.yaml): ' +
        'CustomResourceDefinition/flexibleservers.dbforpostgresql.azure.com would be deleted, but it is protected: ' +
        'defines stateful kind dbforpostgresql.azure.com/FlexibleServer: deleting it deletes every FlexibleServer of the cluster. ' +
        hint('platform::CustomResourceDefinition/flexibleservers.dbforpostgresql.azure.com'),
    ]);
  });
});

describe('Crossplane providers', () => {
  test('deleting an upjet-azure provider installing a stateful kind is refused: its CRDs, and every managed resource of them, go with it', () => {
    const out = tmp();
    const build = (pg: boolean) => {
      const app = newApp(out);
      const folder = new Repo(app, 'platform').folder('crossplane');
      CrossplaneProvider.upjetAzure(folder, 'network', { service: 'network', version: 'v1.13.0' });
      if (pg) CrossplaneProvider.upjetAzure(folder, 'pg', { service: 'dbforpostgresql', version: 'v1.13.0' });
      return app;
    };
    build(true).synth();
    expect(problems(() => build(false).synth())).toEqual([
      'platform/crossplane/pg/Resource (platform/crossplane/provider-provider-azure-dbforpostgresql.yaml): Provider/provider-azure-dbforpostgresql would be deleted, but it is protected: ' +
        'installs the kinds of dbforpostgresql.azure.upbound.io, dbforpostgresql.azure.m.upbound.io, stateful dbforpostgresql.azure.m.upbound.io/FlexibleServer, dbforpostgresql.azure.m.upbound.io/FlexibleServerDatabase, ' +
        'dbforpostgresql.azure.upbound.io/FlexibleServer, dbforpostgresql.azure.upbound.io/FlexibleServerDatabase among them: deleting it deletes its revisions and, through them, the kinds\' CustomResourceDefinitions, ' +
        'and every managed resource of them (deleted in Azure if the provider still runs, else stuck: crossplane/crossplane#6001, #4251); delete or retain those managed resources first, then the provider. ' +
        hint('platform::Provider/provider-azure-dbforpostgresql'),
    ]);
  });
});

describe('namespaced composite resources and kro instances', () => {
  test('a kro instance whose graph creates stateful kinds is protected, and so is its Namespace', () => {
    const out = tmp();
    const build = (o: { instance: boolean; namespace: boolean }) => {
      const app = newApp(out);
      const repo = new Repo(app, 'platform');
      const rgd = storageGraph(repo);
      const team = repo.folder('apps', { namespace: 'team' });
      if (o.namespace) new ApiObject(repo.folder('platform/kro'), 'team', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
      if (o.instance) new RgdInstance(team, 'files', { rgd, name: 'files', spec: { name: 'files' } });
      return app;
    };
    build({ instance: true, namespace: true }).synth();
    const reason = 'instance of ResourceGraphDefinition appstorage.kro.run: deleting it makes kro delete every resource of its graph, including stateful resources.azure.com/ResourceGroup, storage.azure.com/StorageAccount ' +
      '(an Azure resource too, unless its object is retained: ASO\'s detach-on-delete orphans it)';
    // The instance is retained by default (synth's retainComposites), and its Namespace with it: removed
    // from Git, the instance stays on the cluster, and the Namespace must stay retained for it.
    expect(problems(() => build({ instance: false, namespace: true }).synth())).toEqual([
      `platform/apps/files/Resource (platform/apps/appstorage-files.yaml): AppStorage/team/files would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false); ${reason}. ${hint('platform::AppStorage/team/files')}`,
      'platform/platform--kro/team (platform/platform/kro/namespace-team.yaml): Namespace/team would no longer be retained, but it is protected: this change removes AppStorage/team/files from Git, ' +
        'which stays on the cluster in this namespace (retained), while the Namespace drops its retain markers (kustomize.toolkit.fluxcd.io/prune: disabled; argocd.argoproj.io/sync-options: Delete=false,Prune=false): ' +
        `deleting the Namespace later deletes what it holds; give the Namespace RemovalPolicy.RETAIN to keep it retained. ${hint('platform::Namespace/team')}`,
    ]);
    expect(problems(() => build({ instance: true, namespace: false }).synth())).toEqual([
      'platform/platform--kro/team (platform/platform/kro/namespace-team.yaml): Namespace/team would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: ' +
        `retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false); holds protected objects (deleting a Namespace deletes everything in it): AppStorage/team/files. ${hint('platform::Namespace/team')}`,
    ]);
  });

  test('a namespaced composite resource protects its Namespace', () => {
    const out = tmp();
    const build = (namespace: boolean) => {
      const app = newApp(out);
      const repo = new Repo(app, 'platform');
      const { xrd } = databaseApi(repo, false);
      if (namespace) new ApiObject(repo.folder('apis'), 'team', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
      new CompositeResource(repo.folder('apps', { namespace: 'team' }), 'orders', { xrd, name: 'orders', spec: { size: 'small' }, compositionSelector: { db: 'pg' } });
      return app;
    };
    build(true).synth();
    expect(problems(() => build(false).synth())).toEqual([
      // Retained with the composite it holds (synth's retainComposites).
      'platform/apis/team (platform/apis/namespace-team.yaml): Namespace/team would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: ' +
        `retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false); holds protected objects (deleting a Namespace deletes everything in it): XDatabase/team/orders. ${hint('platform::Namespace/team')}`,
    ]);
  });
});

describe('Compositions of functions the guard cannot read', () => {
  test('deleting a composite resource whose Composition runs a function step with fetched sources is refused, naming the step', () => {
    const out = tmp();
    const build = (xr: boolean, allow?: string[]) => {
      const app = newApp(out, allow);
      const repo = new Repo(app, 'platform');
      const folder = repo.folder('apis');
      const xrd = new CompositeResourceDefinition(folder, 'xrd', { group: 'platform.contoso.com', kind: 'XCache', plural: 'xcaches', version: 'v1alpha1', spec: Schema.object({ size: Schema.string() }) });
      const functions = repo.folder('crossplane/functions');
      new CrossplaneFunction(functions, 'kcl-fn', { name: 'function-kcl', package: 'xpkg.crossplane.io/crossplane-contrib/function-kcl:v0.11.2' });
      CrossplaneFunction.autoReady(functions, 'auto-ready', { version: 'v0.6.1' });
      const composition = new Composition(folder, 'kcl', { xrd, name: 'xcache-kcl' });
      composition.addFunctionStep({ step: 'render', function: 'function-kcl', input: { apiVersion: 'krm.kcl.dev/v1alpha1', kind: 'KCLInput', spec: { source: 'oci://ghcr.io/contoso/cache-kcl:v1' } } });
      composition.addAutoReady();
      if (xr) new CompositeResource(repo.folder('apps', { namespace: 'team' }), 'orders', { xrd, name: 'orders', spec: { size: 'small' } });
      return app;
    };
    build(true).synth();
    expect(problems(() => build(false).synth())).toEqual([
      // Retained by default: what the step composes cannot be read, so it may be stateful.
      'platform/apps/orders/Resource (platform/apps/xcache-orders.yaml): XCache/team/orders would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: ' +
        'retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false); composite resource of Composition xcache-kcl: ' +
        'deleting it deletes what the composition created, including what step "render" of Composition xcache-kcl (function function-kcl) composes, which the guard cannot read ' +
        `(it may be stateful: allow the deletion once you know it is not). ${hint('platform::XCache/team/orders')}`,
    ]);
    build(false, ['platform::XCache/team/orders']).synth();
  });
});

describe('Composition entries named in function sources', () => {
  /** A Composition `xcache` whose go-templating step renders `docs` (YAML documents). */
  const build = (out: string, docs: string[], allow?: string[]) => {
    const app = newApp(out, allow);
    const repo = new Repo(app, 'platform');
    new ApiObject(repo.folder('apis'), 'composition', {
      apiVersion: 'apiextensions.crossplane.io/v1', kind: 'Composition', metadata: { name: 'xcache' },
      spec: {
        compositeTypeRef: { apiVersion: 'platform.contoso.com/v1alpha1', kind: 'XCache' }, mode: 'Pipeline',
        pipeline: [{ step: 'render', functionRef: { name: 'function-go-templating' }, input: { apiVersion: 'gotemplating.fn.crossplane.io/v1beta1', kind: 'GoTemplate', source: 'Inline', inline: { template: docs.join('---\n') } } }],
      },
    });
    return app;
  };
  const doc = (name: string, apiVersion: string, kind: string) =>
    `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  annotations:\n    gotemplating.fn.crossplane.io/composition-resource-name: ${name}\nspec: {}\n`;
  const server = doc('server', 'dbforpostgresql.azure.m.upbound.io/v1beta1', 'FlexibleServer');
  const settings = doc('settings', 'v1', 'ConfigMap');

  test('a go-templating Composition that no longer renders a stateful resource is a protected update; renaming one too', () => {
    const out = tmp();
    build(out, [server, settings]).synth();
    const reason = (what: string) => `entry "server" (stateful dbforpostgresql.azure.m.upbound.io/FlexibleServer) is ${what}: Crossplane deletes that composed resource of every composite resource of this Composition ` +
      '(and its external resource, unless its managementPolicies omit Delete: then it is orphaned); a renamed entry is a new, empty resource';
    let blocked = build(out, [settings]).plan().blocked;
    expect(blocked.map((c) => [c.action, c.object.id, c.protection])).toEqual([['update', 'Composition/xcache', [reason('no longer composed')]]]);
    blocked = build(out, [doc('db', 'dbforpostgresql.azure.m.upbound.io/v1beta1', 'FlexibleServer'), settings]).plan().blocked;
    expect(blocked.map((c) => c.protection)).toEqual([[reason('no longer composed')]]);
    // Names built at run time: it may still be composed.
    blocked = build(out, [doc('{{ $name }}', 'dbforpostgresql.azure.m.upbound.io/v1beta1', 'FlexibleServer'), settings]).plan().blocked;
    expect(blocked.map((c) => c.protection)).toEqual([[reason('may no longer be composed (the Composition names resources with expressions the guard cannot evaluate)')]]);
    // Dropping a stateless one, or reordering: nothing.
    expect(build(out, [server]).plan().blocked).toEqual([]);
    expect(build(out, [settings, server]).plan().blocked).toEqual([]);
    build(out, [settings], ['platform::Composition/xcache']).synth();
  });

  test('namedEntriesInSource: go-templating and KCL annotations, paired with their document\'s kind', () => {
    expect([...namedEntriesInSource(`${server}---\n${settings}`).entries]).toEqual([
      ['server', { apiVersion: 'dbforpostgresql.azure.m.upbound.io/v1beta1', kind: 'FlexibleServer' }],
      ['settings', { apiVersion: 'v1', kind: 'ConfigMap' }],
    ]);
    const kcl = 'items = [{\n  apiVersion = "storage.azure.com/v1api20230101"\n  kind = "StorageAccount"\n  metadata.annotations = {"krm.kcl.dev/composition-resource-name" = "account"}\n}]';
    expect(namedEntriesInSource(kcl)).toEqual({ entries: new Map([['account', { apiVersion: 'storage.azure.com/v1api20230101', kind: 'StorageAccount' }]]), dynamic: false });
    expect(namedEntriesInSource('metadata:\n  annotations:\n    gotemplating.fn.crossplane.io/composition-resource-name: "{{ .name }}"\napiVersion: v1\nkind: ConfigMap\n').dynamic).toBe(true);
  });
});

describe('ComposedKinds', () => {
  const composition = (name: string, type: string, bases: string[]) => ({
    apiVersion: 'apiextensions.crossplane.io/v1', kind: 'Composition', metadata: { name },
    spec: { compositeTypeRef: { apiVersion: `${type.split('/')[0]}/v1`, kind: type.split('/')[1] }, mode: 'Pipeline', pipeline: [{ step: 'p', functionRef: { name: 'f' }, input: { resources: bases.map((b, i) => ({ name: `r${i}`, base: { apiVersion: `${b.split('/')[0]}/v1`, kind: b.split('/')[1] } })) } }] },
  });
  const xr = (type: string, ref?: string) => ({ apiVersion: `${type.split('/')[0]}/v1`, kind: type.split('/')[1], metadata: { name: 'x', namespace: 'ns' }, spec: ref ? { crossplane: { compositionRef: { name: ref } } } : {} });

  test('follows composite kinds composed by other Compositions and kro graphs, naming the kind it went through; cycles end', () => {
    const model = new ComposedKinds();
    model.add(composition('db', 'example.org/Database', ['dbforpostgresql.azure.com/FlexibleServer', 'v1/ConfigMap']));
    model.add(composition('app', 'example.org/App', ['example.org/Database', 'apps/Deployment']));
    model.add(composition('loop-a', 'example.org/A', ['example.org/B']));
    model.add(composition('loop-b', 'example.org/B', ['example.org/A']));
    model.add({ apiVersion: 'kro.run/v1alpha1', kind: 'ResourceGraphDefinition', metadata: { name: 'stack' }, spec: { schema: { kind: 'Stack' }, resources: [{ id: 'app', template: { apiVersion: 'example.org/v1', kind: 'App' } }, { id: 'vault', externalRef: { apiVersion: 'keyvault.azure.com/v1', kind: 'Vault' } }] } });
    expect(model.reasons(xr('example.org/App'))).toEqual([
      'composite resource of Composition app: deleting it deletes what the composition created, including stateful dbforpostgresql.azure.com/FlexibleServer (through example.org/Database)',
    ]);
    expect(model.reasons(xr('kro.run/Stack'))).toEqual([
      'instance of ResourceGraphDefinition stack: deleting it makes kro delete every resource of its graph, including stateful dbforpostgresql.azure.com/FlexibleServer (through example.org/App) ' +
        '(an Azure resource too, unless its object is retained: ASO\'s detach-on-delete orphans it)',
    ]);
    expect(model.reasons(xr('example.org/A'))).toEqual([]);
    // compositionRef picks one Composition; another one composing nothing stateful is no reason.
    model.add(composition('db-identity', 'example.org/Database', ['managedidentity.azure.com/UserAssignedIdentity']));
    expect(model.reasons(xr('example.org/Database', 'db-identity'))).toEqual([]);
    expect(model.reasons(xr('example.org/Database'))).toHaveLength(1);
  });

  test('"through" names the kind the object makes that leads to the stateful kind; a kind made directly is listed once, without it', () => {
    const model = new ComposedKinds();
    model.add(composition('db', 'example.org/Database', ['dbforpostgresql.azure.com/FlexibleServer']));
    model.add(composition('app', 'example.org/App', ['example.org/Database']));
    model.add(composition('stack', 'example.org/Stack', ['example.org/App', 'dbforpostgresql.azure.com/FlexibleServer', 'example.org/Files']));
    model.add(composition('files', 'example.org/Files', ['storage.azure.com/StorageAccount']));
    expect(model.reasons(xr('example.org/Stack'))).toEqual([
      'composite resource of Composition stack: deleting it deletes what the composition created, including stateful dbforpostgresql.azure.com/FlexibleServer, storage.azure.com/StorageAccount (through example.org/Files)',
    ]);
  });

  test('two Compositions of one name (committed and new, two clusters or repos) count as one making what either makes', () => {
    const model = new ComposedKinds();
    model.add(composition('xdatabase', 'example.org/Database', ['v1/ConfigMap']));
    model.add(composition('xdatabase', 'example.org/Database', ['dbforpostgresql.azure.com/FlexibleServer']));
    expect(model.reasons(xr('example.org/Database', 'xdatabase'))).toEqual([
      'composite resource of Composition xdatabase: deleting it deletes what the composition created, including stateful dbforpostgresql.azure.com/FlexibleServer',
    ]);
  });

  test("an XRD's enforcedCompositionRef wins over a claim's or composite resource's own compositionRef (Crossplane ignores theirs)", () => {
    const model = new ComposedKinds();
    model.add({ apiVersion: 'apiextensions.crossplane.io/v1', kind: 'CompositeResourceDefinition', metadata: { name: 'databases.example.org' }, spec: { group: 'example.org', names: { kind: 'Database' }, claimNames: { kind: 'DatabaseClaim' }, enforcedCompositionRef: { name: 'pg' } } });
    model.add(composition('pg', 'example.org/Database', ['dbforpostgresql.azure.com/FlexibleServer']));
    model.add(composition('cheap', 'example.org/Database', ['v1/ConfigMap']));
    expect(model.reasons(xr('example.org/Database', 'cheap'))).toHaveLength(1);
    expect(model.reasons({ apiVersion: 'example.org/v1', kind: 'DatabaseClaim', metadata: { name: 'c', namespace: 'ns' }, spec: { compositionRef: { name: 'cheap' } } })).toEqual([
      'claim of composite kind example.org/Database: deleting it makes Crossplane delete its composite resource, and what Composition pg composed, including stateful dbforpostgresql.azure.com/FlexibleServer',
    ]);
  });

  test('a deep graph of composite kinds is walked once per kind (breadth first), not once per path; the shortest way is named', () => {
    const n = 60;
    const model = new ComposedKinds();
    // Each kind composes every later one; the last composes a server: 2^58 paths, 60 kinds.
    for (let i = 0; i < n; i++) {
      const later = Array.from({ length: n - i - 1 }, (_, j) => `example.org/K${i + j + 1}`);
      model.add(composition(`c${i}`, `example.org/K${i}`, i === n - 1 ? ['dbforpostgresql.azure.com/FlexibleServer'] : later));
    }
    const started = Date.now();
    expect(model.reasons(xr('example.org/K0'))).toEqual([
      'composite resource of Composition c0: deleting it deletes what the composition created, including stateful dbforpostgresql.azure.com/FlexibleServer (through example.org/K59)',
    ]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  describe('pipeline steps of other functions', () => {
    const withSteps = (name: string, steps: unknown[]) => ({
      apiVersion: 'apiextensions.crossplane.io/v1', kind: 'Composition', metadata: { name },
      spec: { compositeTypeRef: { apiVersion: 'example.org/v1', kind: 'Database' }, mode: 'Pipeline', pipeline: steps },
    });
    const goTemplate = (template: string) => ({
      step: 'render', functionRef: { name: 'function-go-templating' },
      input: { apiVersion: 'gotemplating.fn.crossplane.io/v1beta1', kind: 'GoTemplate', source: 'Inline', inline: { template } },
    });
    const autoReady = { step: 'ready', functionRef: { name: 'function-auto-ready' } };

    test('function-go-templating: the kinds its inline template writes (meta objects of the function left out)', () => {
      const model = new ComposedKinds();
      model.add(withSteps('pg', [goTemplate([
        '{{ $xr := .observed.composite.resource }}',
        '---',
        'apiVersion: dbforpostgresql.azure.upbound.io/v1beta1',
        'kind: FlexibleServer',
        'metadata:',
        '  annotations:',
        '    {{ setResourceNameAnnotation "server" }}',
        'spec:',
        '  forProvider:',
        '    location: {{ $xr.spec.location }}',
        '---',
        'apiVersion: meta.gotemplating.fn.crossplane.io/v1alpha1',
        'kind: CompositeConnectionDetails',
        'data: {}',
      ].join('\n')), autoReady]));
      expect(model.reasons(xr('example.org/Database'))).toEqual([
        'composite resource of Composition pg: deleting it deletes what the composition created, including stateful dbforpostgresql.azure.upbound.io/FlexibleServer',
      ]);
    });

    test('function-kcl and function-python sources: apiVersion and kind as the language writes them', () => {
      const kcl = new ComposedKinds();
      kcl.add(withSteps('kcl', [{ step: 'kcl', functionRef: { name: 'function-kcl' }, input: { apiVersion: 'krm.kcl.dev/v1alpha1', kind: 'KCLInput', spec: {
        source: 'items = [{\n  apiVersion = "storage.azure.com/v1api20230101"\n  kind = "StorageAccount"\n  metadata.name = option("params").oxr.metadata.name\n}]\n',
      } } }]));
      expect(kcl.reasons(xr('example.org/Database'))).toEqual([
        'composite resource of Composition kcl: deleting it deletes what the composition created, including stateful storage.azure.com/StorageAccount',
      ]);
      const py = new ComposedKinds();
      py.add(withSteps('py', [{ step: 'py', functionRef: { name: 'function-python' }, input: { apiVersion: 'python.fn.crossplane.io/v1beta1', kind: 'Script',
        script: 'def compose(req, rsp):\n    rsp.desired.resources["cm"].resource.update({"apiVersion": "v1", "kind": "ConfigMap"})\n' } }]));
      expect(py.reasons(xr('example.org/Database'))).toEqual([]);
    });

    test('a step of which nothing can be read counts as composing something stateful, unless its function composes nothing', () => {
      const model = new ComposedKinds();
      // Sources fetched from an OCI artifact, and a function without input (a team's own, in Go).
      model.add(withSteps('opaque', [
        { step: 'kcl', functionRef: { name: 'function-kcl' }, input: { apiVersion: 'krm.kcl.dev/v1alpha1', kind: 'KCLInput', spec: { source: 'oci://ghcr.io/contoso/db-kcl:v1' } } },
        { step: 'team', functionRef: { name: 'contoso-function-db' } },
        autoReady,
      ]));
      const reasons = model.reasons(xr('example.org/Database'));
      expect(reasons).toEqual([
        'composite resource of Composition opaque: deleting it deletes what the composition created, including what step "kcl" of Composition opaque (function function-kcl), ' +
          'step "team" of Composition opaque (function contoso-function-db) compose, which the guard cannot read (it may be stateful: allow the deletion once you know it is not)',
      ]);
      // Known not to compose: by the Function's package (a Configuration's dependency is named after its path), or by name.
      const quiet = new ComposedKinds();
      quiet.add({ apiVersion: 'pkg.crossplane.io/v1', kind: 'Function', metadata: { name: 'ready' }, spec: { package: 'xpkg.crossplane.io/crossplane-contrib/function-auto-ready:v0.6.1' } });
      quiet.add(withSteps('quiet', [
        { step: 'pt', functionRef: { name: 'function-patch-and-transform' }, input: { apiVersion: 'pt.fn.crossplane.io/v1beta1', kind: 'Resources', resources: [{ name: 'cm', base: { apiVersion: 'v1', kind: 'ConfigMap' } }] } },
        { step: 'ready', functionRef: { name: 'ready' } },
        { step: 'env', functionRef: { name: 'crossplane-contrib-function-environment-configs' }, input: { apiVersion: 'environmentconfigs.fn.crossplane.io/v1beta1', kind: 'Input', spec: { environmentConfigs: [{ type: 'Reference', ref: { name: 'eu' } }] } } },
      ]));
      expect(quiet.reasons(xr('example.org/Database'))).toEqual([]);
      // An XRD of such a kind, and a claim, say the same.
      model.add({ apiVersion: 'apiextensions.crossplane.io/v1', kind: 'CompositeResourceDefinition', metadata: { name: 'databases.example.org' }, spec: { group: 'example.org', names: { kind: 'Database' } } });
      expect(model.reasons({ apiVersion: 'apiextensions.crossplane.io/v1', kind: 'CompositeResourceDefinition', metadata: { name: 'databases.example.org' }, spec: { group: 'example.org', names: { kind: 'Database' } } })[0])
        .toContain('whose Compositions compose what step "kcl" of Composition opaque (function function-kcl), step "team" of Composition opaque (function contoso-function-db) compose, which the guard cannot read');
    });

    test('kindsInSource pairs each apiVersion with the nearest kind', () => {
      expect(kindsInSource('apiVersion: v1\nkind: ConfigMap\n---\nkind: Secret\napiVersion: v1\n')).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap' }, { apiVersion: 'v1', kind: 'Secret' }]);
      expect(kindsInSource('{"apiVersion": "storage.azure.com/v1api20230101", "kind": "StorageAccount"}')).toEqual([{ apiVersion: 'storage.azure.com/v1api20230101', kind: 'StorageAccount' }]);
      expect(kindsInSource('apiVersion: {{ .observed.composite.resource.apiVersion }}\nkind: {{ .kind }}')).toEqual([]);
    });

    test('readSource: pairs within one YAML document, meta objects left out, kinds built at run time make the source dynamic', () => {
      // A templated kind does not borrow the next document's.
      expect(readSource('apiVersion: dbforpostgresql.azure.com/v1api20240801\nkind: {{ $kind }}\n---\napiVersion: v1\nkind: ConfigMap\n'))
        .toEqual({ kinds: [{ apiVersion: 'v1', kind: 'ConfigMap' }], dynamic: true });
      // The composite's own status document composes nothing and says nothing dynamic.
      expect(readSource('apiVersion: {{ .observed.composite.resource.apiVersion }}\nkind: {{ .observed.composite.resource.kind }}\nstatus: {}\n')).toEqual({ kinds: [], dynamic: false });
      // ExtraResources requirements (go-templating) and KCL meta objects only read.
      expect(readSource('apiVersion: meta.gotemplating.fn.crossplane.io/v1alpha1\nkind: ExtraResources\nrequirements:\n  db:\n    apiVersion: dbforpostgresql.azure.com/v1api20240801\n    kind: FlexibleServer\n'))
        .toEqual({ kinds: [], dynamic: false });
      expect(readSource('{"apiVersion": "meta.krm.kcl.dev/v1alpha1", "kind": "ExtraResources", "requirements": {}}')).toEqual({ kinds: [], dynamic: false });
      // KCL and Python with variables.
      expect(readSource('items = [{apiVersion = "storage.azure.com/v1api20230101", kind = "StorageAccount"}]')).toEqual({ kinds: [{ apiVersion: 'storage.azure.com/v1api20230101', kind: 'StorageAccount' }], dynamic: false });
      expect(readSource('resource = {"apiVersion": api, "kind": kind}')).toEqual({ kinds: [], dynamic: true });
    });

    test('a function step whose source builds a kind at run time may compose anything', () => {
      const model = new ComposedKinds();
      model.add({
        apiVersion: 'apiextensions.crossplane.io/v1', kind: 'Composition', metadata: { name: 'templated' },
        spec: {
          compositeTypeRef: { apiVersion: 'example.org/v1', kind: 'Cache' }, mode: 'Pipeline',
          pipeline: [{ step: 'render', functionRef: { name: 'function-go-templating' }, input: { apiVersion: 'gotemplating.fn.crossplane.io/v1beta1', kind: 'GoTemplate', source: 'Inline', inline: { template: '{{ $kind := .observed.composite.resource.spec.kind }}\napiVersion: cache.azure.com/v1api20230801\nkind: {{ $kind }}\n---\napiVersion: v1\nkind: ConfigMap\n' } } }],
        },
      });
      expect(model.reasons({ apiVersion: 'example.org/v1', kind: 'Cache', metadata: { name: 'c', namespace: 'team' } })).toEqual([
        'composite resource of Composition templated: deleting it deletes what the composition created, including what step "render" of Composition templated (function function-go-templating) composes, ' +
          'which the guard cannot read (it may be stateful: allow the deletion once you know it is not)',
      ]);
    });
  });
});
