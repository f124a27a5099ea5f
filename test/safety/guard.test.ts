// The destroy guard of synth: writing into an existing tree refuses to delete or rename protected
// objects (stateful kinds, RETAIN markers, Namespaces holding them) unless allowed.
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { applyRemovalPolicy, GitOpsApp, MANIFEST_FILE, readManifest, RemovalPolicy, Repo, SynthError, withSynthSession } from '../../lib';
import { allowMatcher, checkAllowDestroy, keptByGitOps, parseAllowIds, protectionReasons, retainMarkers } from '../../lib/safety';
import { tree } from '../support/tree';
import { fleetApp, tmp } from './helpers';

const F = 'platform/clusters/fleet';
// The hint names the scoped id <repo>:<cluster>:Kind/ns/name (cluster empty: the repo's own).
const allowHint = (id: string) => `To allow it, add 'platform::${id}' to the GitOpsApp prop allowDestroy or pass --allow-destroy platform::${id}`;

describe('synth into an existing tree', () => {
  test('removing a RETAIN object fails naming it, leaves the tree unchanged, and succeeds once allowed', () => {
    const out = tmp();
    fleetApp(out, { cluster: 'dev-1' }).synth();
    const before = tree(out);
    const message =
      `platform/clusters--fleet/retained (${F}/configmap-retained.yaml): ConfigMap/fleet/retained would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: ` +
      `retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false). ${allowHint('ConfigMap/fleet/retained')}`;
    expect(() => fleetApp(out, { cluster: 'dev-1', retained: false }).synth()).toThrow(new SynthError([message]));
    expect(tree(out)).toEqual(before);
    expect(fs.readdirSync(out)).toEqual(['platform']);

    const result = fleetApp(out, { cluster: 'dev-1', retained: false, allowDestroy: ['ConfigMap/fleet/retained'] }).synthesize();
    expect(result.repos[0].changes.deleted).toEqual(['clusters/fleet/configmap-retained.yaml']);
    expect(fs.existsSync(path.join(out, F, 'configmap-retained.yaml'))).toBe(false);
  });

  test('removing a non-protected object succeeds and deletes only its file', () => {
    const out = tmp();
    fleetApp(out, { cluster: 'dev-1' }).synth();
    const before = tree(out);
    const result = fleetApp(out, { cluster: 'dev-1', plain: false }).synthesize();
    expect(result.repos[0].changes).toEqual({
      created: [],
      updated: ['clusters/fleet/kustomization.yaml'],
      deleted: ['clusters/fleet/configmap-plain.yaml'],
      conflicts: [],
    });
    const after = tree(out);
    const changed = Object.keys({ ...before, ...after }).filter((f) => before[f] !== after[f]).sort();
    expect(changed).toEqual(['platform/.cdk8s-platform.json', `${F}/configmap-plain.yaml`, `${F}/kustomization.yaml`]);
  });

  test('deleting a stateful kind (CAPI Cluster) is refused', () => {
    const out = tmp();
    fleetApp(out, { cluster: 'dev-1' }).synth();
    expect(() => fleetApp(out, {}).synth()).toThrow(
      new SynthError([
        `platform/clusters--fleet/dev (${F}/cluster-dev-1.yaml): Cluster/fleet/dev-1 would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: ` +
          `stateful kind cluster.x-k8s.io/Cluster; retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false). ${allowHint('Cluster/fleet/dev-1')}`,
      ]),
    );
  });

  test('a rename (same construct path and kind, new name) is detected and refused for protected objects', () => {
    const out = tmp();
    fleetApp(out, { cluster: 'dev-1' }).synth();
    expect(() => fleetApp(out, { cluster: 'dev-2' }).synth()).toThrow(
      new SynthError([
        `platform/clusters--fleet/dev (${F}/cluster-dev-1.yaml): Cluster/fleet/dev-1 would be renamed to Cluster/fleet/dev-2 ` +
          `(the old object is retained: it stays on the cluster, out of Git, beside the new one), but it is protected: stateful kind cluster.x-k8s.io/Cluster; retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false). ${allowHint('Cluster/fleet/dev-1')}`,
      ]),
    );
    // The group-qualified id works too.
    fleetApp(out, { cluster: 'dev-2', allowDestroy: ['Cluster.cluster.x-k8s.io/fleet/dev-1'] }).synth();
    expect(readManifest(path.join(out, 'platform')).constructPaths!['clusters/fleet/cluster-dev-2.yaml']).toBe('platform/clusters--fleet/dev');
  });

  test('a Namespace holding protected objects is protected', () => {
    const out = tmp();
    fleetApp(out, { cluster: 'dev-1' }).synth();
    expect(() => fleetApp(out, { cluster: 'dev-1', namespace: false }).synth()).toThrow(
      new SynthError([
        `platform/clusters--fleet/ns (${F}/namespace-fleet.yaml): Namespace/fleet would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false); ` +
          'holds protected objects (deleting a Namespace deletes everything in it): Cluster/fleet/dev-1, ConfigMap/fleet/retained. ' +
          allowHint('Namespace/fleet'),
      ]),
    );
    // A Namespace that holds nothing protected may go.
    const out2 = tmp();
    fleetApp(out2, { retained: false }).synth();
    expect(fleetApp(out2, { retained: false, namespace: false }).synthesize().repos[0].changes.deleted).toEqual(['clusters/fleet/namespace-fleet.yaml']);
  });

  test('a Namespace holding a StatefulSet with volume claim templates is protected: its claims go with the Namespace, whatever the retention policy', () => {
    const out = tmp();
    const build = (o: { namespace: boolean; templates: boolean }) => {
      const app = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false });
      const data = new Repo(app, 'platform').folder('apps/data', { namespace: 'data' });
      if (o.namespace) new ApiObject(data, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'data' } });
      new ApiObject(data, 'db', {
        apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' },
        spec: { serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } },
          ...(o.templates ? { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }] } : {}) },
      } as any);
      return app;
    };
    build({ namespace: true, templates: true }).synth();
    expect(() => build({ namespace: false, templates: true }).synth()).toThrow(
      new SynthError([
        // Retained for the claims (synth's retainNamespacesHoldingRetained): removed from Git, it stays.
        'platform/apps--data/ns (platform/apps/data/namespace-data.yaml): Namespace/data would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: ' +
          'retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false); ' +
          'holds protected objects (deleting a Namespace deletes everything in it): StatefulSet/data/db (its volume claims). ' +
          allowHint('Namespace/data'),
      ]),
    );
    // Without claim templates the StatefulSet holds nothing of its own there.
    const other = tmp();
    const b2 = (ns: boolean) => {
      const app = new GitOpsApp({ outdir: other, validation: false, printBaselineReport: false });
      const data = new Repo(app, 'platform').folder('apps/data', { namespace: 'data' });
      if (ns) new ApiObject(data, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'data' } });
      new ApiObject(data, 'db', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { serviceName: 'db' } } as any);
      return app;
    };
    b2(true).synth();
    expect(b2(false).synthesize().repos[0].changes.deleted).toEqual(['apps/data/namespace-data.yaml']);
  });

  test("a Namespace on one named cluster is not held by another named cluster's objects, also when its folder is removed (the manifest records its cluster); unknown clusters still count", () => {
    const out = tmp();
    // Two workload clusters' folders with a Namespace "apps" each; only c2's holds a stateful object.
    const build = (o: { c1Namespace?: boolean; c2Folder?: boolean } = {}) => {
      const app = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false });
      const repo = new Repo(app, 'platform');
      const c1 = repo.folder('clusters/c1', { cluster: 'c1' });
      new ApiObject(c1, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'apps' } });
      if (o.c1Namespace !== false) new ApiObject(c1, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
      if (o.c2Folder !== false) {
        const c2 = repo.folder('clusters/c2', { cluster: 'c2' });
        new ApiObject(c2, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
        new ApiObject(c2, 'db', { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'db', namespace: 'apps' } });
      }
      return app;
    };
    build().synth();
    // c1's Namespace goes: c2's Cluster is on another cluster.
    expect(build({ c1Namespace: false }).plan().blocked).toEqual([]);
    // The manifest records the folders' clusters (one entry per cluster root).
    const manifestFile = path.join(out, 'platform', MANIFEST_FILE);
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    expect(manifest.clusters).toEqual({ 'clusters/c1': 'c1', 'clusters/c2': 'c2' });
    // c2's folder goes (its cluster known from the manifest): its Namespace and Cluster are
    // protected; c1's Namespace, going in the same change, holds nothing of c1.
    let blocked = build({ c1Namespace: false, c2Folder: false }).plan().blocked;
    expect(blocked.map((c) => `${c.object.cluster} ${c.object.id}`).sort()).toEqual(['c2 Cluster/apps/db', 'c2 Namespace/apps']);
    // A tree written before manifests recorded clusters: the removed folder's cluster is unknown
    // (its path stands for it) and its objects count for every cluster.
    delete manifest.clusters;
    fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, undefined, 2)}\n`);
    blocked = build({ c1Namespace: false, c2Folder: false }).plan().blocked;
    expect(blocked.map((c) => `${c.object.cluster} ${c.object.id}`).sort()).toEqual(['c1 Namespace/apps', 'clusters/c2 Cluster/apps/db', 'clusters/c2 Namespace/apps']);
    expect(blocked.find((c) => c.object.cluster === 'c1')!.protection).toEqual(['holds protected objects (deleting a Namespace deletes everything in it): Cluster/apps/db']);
  });

  test('a Namespace going away is held by the objects its cluster had, also when their folder is assigned to another cluster in the same change', () => {
    const out = tmp();
    const build = (o: { namespace: boolean; dbCluster: string }) => {
      const app = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false });
      const repo = new Repo(app, 'platform');
      if (o.namespace) new ApiObject(repo.folder('namespaces/c2', { cluster: 'c2' }), 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
      new ApiObject(repo.folder('apps/db', { cluster: o.dbCluster }), 'db', { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'db', namespace: 'apps' } });
      return app;
    };
    build({ namespace: true, dbCluster: 'c2' }).synth();
    // c2's Namespace goes while the folder of its Cluster moves to c3: on c2, the Namespace still held it.
    const blocked = build({ namespace: false, dbCluster: 'c3' }).plan().blocked;
    expect(blocked.map((c) => `${c.object.cluster} ${c.object.id}: ${(c.protection ?? []).join('; ')}`)).toEqual([
      'c2 Namespace/apps: retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false); ' +
        'holds protected objects (deleting a Namespace deletes everything in it): Cluster/apps/db',
    ]);
  });

  test('a Namespace does not lose its retention in the change that orphans its last retained object', () => {
    // The ConfigMap is retained (RETAIN), so collect retains the Namespace that holds it.
    const out = tmp();
    fleetApp(out, {}).synth();
    expect(fs.readFileSync(path.join(out, F, 'namespace-fleet.yaml'), 'utf8')).toContain('kustomize.toolkit.fluxcd.io/prune: disabled');
    // Removing the ConfigMap from Git (allowed) leaves it on the cluster, in the Namespace, which would
    // drop its markers: a later removal of the Namespace would then delete the ConfigMap with it.
    const nsMessage =
      `platform/clusters--fleet/ns (${F}/namespace-fleet.yaml): Namespace/fleet would no longer be retained, but it is protected: ` +
      'this change removes ConfigMap/fleet/retained from Git, which stays on the cluster in this namespace (retained), while the Namespace drops its retain markers ' +
      '(kustomize.toolkit.fluxcd.io/prune: disabled; argocd.argoproj.io/sync-options: Delete=false,Prune=false): deleting the Namespace later deletes what it holds; ' +
      `give the Namespace RemovalPolicy.RETAIN to keep it retained. ${allowHint('Namespace/fleet')}`;
    expect(() => fleetApp(out, { retained: false, allowDestroy: ['ConfigMap/fleet/retained'] }).synth()).toThrow(new SynthError([nsMessage]));
    // Not allowed either: both refusals at once.
    let error: SynthError | undefined;
    try {
      fleetApp(out, { retained: false }).synth();
    } catch (e) {
      error = e as SynthError;
    }
    expect(error!.problems.map((p) => p.split(' would')[0])).toEqual([
      `platform/clusters--fleet/retained (${F}/configmap-retained.yaml): ConfigMap/fleet/retained`,
      `platform/clusters--fleet/ns (${F}/namespace-fleet.yaml): Namespace/fleet`,
    ]);
    // RETAIN on the Namespace keeps it retained: the change goes through.
    const kept = fleetApp(out, { retained: false, allowDestroy: ['ConfigMap/fleet/retained'] });
    applyRemovalPolicy(kept.node.findAll().find((c) => c instanceof ApiObject && c.kind === 'Namespace') as ApiObject, RemovalPolicy.RETAIN);
    expect(kept.synthesize().repos[0].changes.deleted).toEqual(['clusters/fleet/configmap-retained.yaml']);
    expect(fs.readFileSync(path.join(out, F, 'namespace-fleet.yaml'), 'utf8')).toContain('kustomize.toolkit.fluxcd.io/prune: disabled');

    // Or the Namespace's allow id lets it drop them, explicitly.
    const out2 = tmp();
    fleetApp(out2, {}).synth();
    fleetApp(out2, { retained: false, allowDestroy: ['ConfigMap/fleet/retained', 'Namespace/fleet'] }).synth();
    expect(fs.readFileSync(path.join(out2, F, 'namespace-fleet.yaml'), 'utf8')).not.toContain('prune: disabled');
    // A Namespace that keeps a retained object keeps its markers: no refusal (the Cluster stays).
    const out3 = tmp();
    fleetApp(out3, { cluster: 'dev-1' }).synth();
    fleetApp(out3, { cluster: 'dev-1', retained: false, allowDestroy: ['ConfigMap/fleet/retained'] }).synth();
  });

  test('a StatefulSet with claim templates holds its Namespace: retained, so its removal (the claims stay) does not leave the Namespace to take them later', () => {
    const out = tmp();
    const build = (o: { sts: boolean; namespace?: boolean; allowDestroy?: string[] }) => {
      const app = new GitOpsApp({ outdir: out, validation: false, allowDestroy: o.allowDestroy, printBaselineReport: false });
      const folder = new Repo(app, 'platform').folder('apps', { namespace: 'team' });
      if (o.namespace ?? true) new ApiObject(folder, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
      if (o.sts) {
        new ApiObject(folder, 'pg', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'pg' }, spec: {
          serviceName: 'pg', selector: { matchLabels: { app: 'pg' } }, template: { metadata: { labels: { app: 'pg' } }, spec: { containers: [{ name: 'pg', image: 'postgres:16' }] } },
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }],
        } });
      }
      return app;
    };
    build({ sts: true }).synth();
    // Its claims (data-pg-0, ...) are not in Git: the Namespace is retained for them.
    expect(fs.readFileSync(path.join(out, 'platform/apps/namespace-team.yaml'), 'utf8')).toContain('kustomize.toolkit.fluxcd.io/prune: disabled');
    // Removing the StatefulSet (whenDeleted: Retain, the default) leaves its claims: the Namespace keeps its retention.
    expect(build({ sts: false }).plan().blocked.map((c) => [c.action, c.object.id])).toEqual([['update', 'Namespace/team']]);
    const kept = build({ sts: false });
    applyRemovalPolicy(kept.node.findAll().find((c) => c instanceof ApiObject && c.kind === 'Namespace') as ApiObject, RemovalPolicy.RETAIN);
    kept.synth();
    // The later removal of the Namespace, which would delete the claims, is refused.
    expect(build({ sts: false, namespace: false }).plan().blocked.map((c) => [c.action, c.object.id])).toEqual([['delete', 'Namespace/team']]);
  });

  test("a Namespace retained for what an Overlay puts in it, or moved to another file, keeps its retention too", () => {
    const build = (o: { retained: boolean; nsFolder?: string; allowDestroy?: string[] }) => {
      const app = new GitOpsApp({ outdir: out, validation: false, allowDestroy: o.allowDestroy, printBaselineReport: false });
      const repo = new Repo(app, 'platform');
      new ApiObject(repo.folder(o.nsFolder ?? 'namespaces'), 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'data' } });
      const base = repo.folder('apps/base');
      if (o.retained) applyRemovalPolicy(new ApiObject(base, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept' } }), RemovalPolicy.RETAIN);
      new ApiObject(base, 'plain', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' } });
      repo.overlay('apps/data', { base, namespace: 'data' });
      return app;
    };
    const out = tmp();
    build({ retained: true }).synth();
    expect(fs.readFileSync(path.join(out, 'platform/namespaces/namespace-data.yaml'), 'utf8')).toContain('kustomize.toolkit.fluxcd.io/prune: disabled');
    const allow = ['ConfigMap/kept'];
    // The ConfigMap's file names no namespace (the Overlay gives it one): the Namespace's reason is the general one.
    const general = (folder: string) =>
      `platform/${folder.replace(/\//g, '--')}/ns (platform/${folder}/namespace-data.yaml): Namespace/data would no longer be retained` +
      ', but it is protected: the Namespace drops its retain markers ' +
      '(kustomize.toolkit.fluxcd.io/prune: disabled; argocd.argoproj.io/sync-options: Delete=false,Prune=false), while retained objects removed from Git (by this change or an earlier one) may still be on the cluster in it: ' +
      "deleting the Namespace later deletes what it holds; give the Namespace RemovalPolicy.RETAIN to keep it retained. To allow it, add 'platform::Namespace/data' to the GitOpsApp prop allowDestroy or pass --allow-destroy platform::Namespace/data";
    expect(() => build({ retained: false, allowDestroy: allow }).synth()).toThrow(new SynthError([general('namespaces')]));
    // The Namespace moved to another folder (file) in the same change: still paired.
    expect(() => build({ retained: false, allowDestroy: allow, nsFolder: 'core/namespaces' }).synth()).toThrow(new SynthError([general('core/namespaces')]));
    build({ retained: false, allowDestroy: [...allow, 'Namespace/data'] }).synth();
  });

  test('every blocked object of every repo is reported at once; the synth session allows (cdk8s-platform synth --allow-destroy)', () => {
    const out = tmp();
    fleetApp(out, { cluster: 'dev-1' }).synth();
    let error: SynthError | undefined;
    try {
      fleetApp(out, { namespace: false, retained: false }).synth();
    } catch (e) {
      error = e as SynthError;
    }
    expect(error!.problems.map((p) => p.split(' would')[0])).toEqual([
      `platform/clusters--fleet/dev (${F}/cluster-dev-1.yaml): Cluster/fleet/dev-1`,
      `platform/clusters--fleet/retained (${F}/configmap-retained.yaml): ConfigMap/fleet/retained`,
      `platform/clusters--fleet/ns (${F}/namespace-fleet.yaml): Namespace/fleet`,
    ]);
    const events: string[] = [];
    withSynthSession({ allowDestroy: ['Cluster/fleet/dev-1', 'ConfigMap/fleet/retained'], progress: (e) => events.push(`${e.stage}:${e.state}`) }, () => {
      fleetApp(out, { namespace: false, retained: false, allowDestroy: ['Namespace/fleet'] }).synth();
    });
    expect(events).toEqual(['collect:start', 'collect:end', 'render:start', 'render:end', 'check:start', 'check:end', 'guard:start', 'guard:end', 'write:start', 'write:end']);
    expect(Object.keys(tree(path.join(out, 'platform')))).toEqual([MANIFEST_FILE, 'clusters/fleet/configmap-plain.yaml', 'clusters/fleet/kustomization.yaml']);
  });

  test('moving an object to another folder is not a deletion', () => {
    const out = tmp();
    fleetApp(out, { cluster: 'dev-1' }).synth();
    const app = fleetApp(out, { namespace: true, retained: false, plain: true });
    const other = (app.node.findChild('platform') as Repo).folder('clusters/other', { namespace: 'fleet' });
    new ApiObject(other, 'dev', { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'dev-1' }, spec: {} });
    new ApiObject(other, 'retained', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'retained', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } } });
    expect(app.synthesize().repos[0].changes.deleted).toEqual(['clusters/fleet/cluster-dev-1.yaml', 'clusters/fleet/configmap-retained.yaml']);
  });

  test('a protected object moved to another namespace in the same file is a rename', () => {
    const out = tmp();
    const build = (ns: string) => {
      const app = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false });
      new ApiObject(new Repo(app, 'platform').folder('dbs', { namespace: ns }), 'db', {
        apiVersion: 'dbforpostgresql.azure.com/v1api20240801',
        kind: 'FlexibleServer',
        metadata: { name: 'orders' },
        spec: {},
      });
      return app;
    };
    build('team-a').synth();
    expect(() => build('team-b').synth()).toThrow(
      'platform/dbs/db (platform/dbs/flexibleserver-orders.yaml): FlexibleServer/team-a/orders would be renamed to FlexibleServer/team-b/orders',
    );
  });

  test('a tree written before construct paths were recorded still works: a rename is a deletion', () => {
    const out = tmp();
    fleetApp(out, { cluster: 'dev-1' }).synth();
    const file = path.join(out, 'platform', MANIFEST_FILE);
    const { generator, files } = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ generator, files }));
    expect(() => fleetApp(out, { cluster: 'dev-2' }).synth()).toThrow(
      new SynthError([
        `${F}/cluster-dev-1.yaml: Cluster/fleet/dev-1 would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: stateful kind cluster.x-k8s.io/Cluster; retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false). ${allowHint('Cluster/fleet/dev-1')}`,
      ]),
    );
  });

  test('a RETAIN marker added by hand to the committed file protects the object', () => {
    const out = tmp();
    fleetApp(out).synth();
    const file = path.join(out, F, 'configmap-plain.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('  namespace: fleet\n', '  namespace: fleet\n  annotations:\n    serviceoperator.azure.com/reconcile-policy: detach-on-delete\n'));
    expect(() => fleetApp(out, { plain: false }).synth()).toThrow(
      'ConfigMap/fleet/plain would be deleted, but it is protected: retained (serviceoperator.azure.com/reconcile-policy: detach-on-delete)',
    );
  });

  test('a malformed allowDestroy entry is an error', () => {
    expect(() => fleetApp(tmp(), { allowDestroy: ['dev-1'] })).toThrow(
      'GitOpsApp: prop "allowDestroy": "dev-1" is not an object id: use <repo>:<cluster>:Kind/namespace/name (cluster empty for the repo\'s own, e.g. platform:aks-dev:Cluster/fleet/aks-dev), ' +
        'or Kind/namespace/name (Kind/name for objects without a namespace) when only one repo and cluster has it',
    );
    expect(checkAllowDestroy('x', ['Namespace/fleet', 'Cluster/fleet/dev-1', 'Cluster.cluster.x-k8s.io/fleet/dev-1', 'platform::Namespace/fleet', 'team-a:aks-dev:Cluster.cluster.x-k8s.io/fleet/dev-1'])).toHaveLength(5);
    expect(() => checkAllowDestroy('x', ['platform:Namespace/fleet'])).toThrow('x: "platform:Namespace/fleet" is not an object id');
  });
});

test('allowMatcher finds the entries matches() accepts, in list order, by id lookup', () => {
  const ids = parseAllowIds([
    'Cluster/fleet/dev-1', 'Cluster.cluster.x-k8s.io/fleet/dev-1', 'platform:aks-dev:Cluster/fleet/dev-1', 'platform::Cluster/fleet/dev-1',
    'team-a:aks-dev:Cluster.cluster.x-k8s.io/fleet/dev-1', 'Namespace/fleet', 'Namespace.v1/fleet', 'Cluster/fleet/dev-1', 'ResourceGroup/fleet/rg',
    'ResourceGroup.resources.azure.com/fleet/rg', 'Cluster/fleet/dev-2', 'platform:aks-dev:Namespace/fleet',
  ]);
  const objects = [
    { id: 'Cluster/fleet/dev-1', apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster' },
    { id: 'Cluster/fleet/dev-1', apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', repo: 'platform', cluster: 'aks-dev' },
    { id: 'Cluster/fleet/dev-1', apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', repo: 'platform', cluster: '' },
    { id: 'Cluster/fleet/dev-1', apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', repo: 'team-a', cluster: 'aks-dev' },
    { id: 'Cluster/fleet/dev-1', apiVersion: 'other.example.com/v1', kind: 'Cluster', repo: 'team-a', cluster: 'aks-dev' },
    { id: 'Namespace/fleet', apiVersion: 'v1', kind: 'Namespace', repo: 'platform', cluster: 'aks-dev' },
    { id: 'ResourceGroup/fleet/rg', apiVersion: 'resources.azure.com/v1api20200601', kind: 'ResourceGroup', repo: 'platform' },
    { id: 'ConfigMap/fleet/x', apiVersion: 'v1', kind: 'ConfigMap' },
  ];
  const match = allowMatcher(ids);
  const counts = objects.map((o) => {
    const expected = ids.filter((a) => a.matches(o));
    expect(match(o)).toEqual(expected);
    return expected.length;
  });
  expect(counts).toEqual([3, 4, 4, 4, 2, 2, 2, 0]);
  expect(allowMatcher([])(objects[0])).toEqual([]);
});

describe('protection', () => {
  test('stateful kinds, embedded stateful objects and each RETAIN marker', () => {
    expect(protectionReasons({ apiVersion: 'resources.azure.com/v1api20200601', kind: 'ResourceGroup', metadata: { name: 'rg' } })).toEqual([
      'stateful kind resources.azure.com/ResourceGroup',
    ]);
    expect(
      protectionReasons({
        apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
        kind: 'AzureASOManagedControlPlane',
        metadata: { name: 'aks' },
        spec: { resources: [{ apiVersion: 'containerservice.azure.com/v1api20250801', kind: 'ManagedCluster', metadata: { name: 'aks' } }] },
      }),
    ).toEqual(['embeds stateful ManagedCluster/aks (containerservice.azure.com) in spec.resources']);
    expect(retainMarkers({ apiVersion: 'azure.m.upbound.io/v1beta1', kind: 'ResourceGroup', spec: { managementPolicies: ['Observe', 'Create', 'Update', 'LateInitialize'] } })).toEqual([
      'spec.managementPolicies [Observe, Create, Update, LateInitialize] without Delete',
    ]);
    expect(retainMarkers({ apiVersion: 'azure.m.upbound.io/v1beta1', kind: 'ResourceGroup', spec: { managementPolicies: ['*'] } })).toEqual([]);
    expect(retainMarkers({ apiVersion: 'storage.azure.com/v1api20230101', kind: 'StorageAccount', metadata: { annotations: { 'serviceoperator.azure.com/reconcile-policy': 'manage' } } })).toEqual([]);
    expect(protectionReasons({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toEqual([]);
  });

  test("Flux's prune exclusions as kustomize-controller matches them: prune or reconcile disabled, a label or an annotation, any case", () => {
    const cm = (metadata: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', ...metadata } });
    expect(retainMarkers(cm({ labels: { 'kustomize.toolkit.fluxcd.io/prune': 'Disabled' } }))).toEqual(['label kustomize.toolkit.fluxcd.io/prune: Disabled']);
    expect(retainMarkers(cm({ annotations: { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' } }))).toEqual(['kustomize.toolkit.fluxcd.io/reconcile: disabled']);
    expect(retainMarkers(cm({ annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'DISABLED' }, labels: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } })))
      .toEqual(['kustomize.toolkit.fluxcd.io/prune: DISABLED']);
    // Another value in the annotation, disabled in the label: the label is what Flux reads.
    expect(retainMarkers(cm({ annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'enabled' }, labels: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } })))
      .toEqual(['label kustomize.toolkit.fluxcd.io/prune: disabled']);
    expect(keptByGitOps(cm({ labels: { 'kustomize.toolkit.fluxcd.io/reconcile': 'DISABLED' } }))).toBe(true);
    expect(keptByGitOps(cm({ labels: { 'kustomize.toolkit.fluxcd.io/prune': 'enabled' } }))).toBe(false);
    expect(protectionReasons(cm({ labels: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } }))).toEqual(['retained (label kustomize.toolkit.fluxcd.io/prune: disabled)']);
  });

  test('a StatefulSet that deletes its volume claims with it (persistentVolumeClaimRetentionPolicy.whenDeleted: Delete)', () => {
    const sts = (whenDeleted?: string, templates = true) => ({
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'apps' },
      spec: { ...(templates ? { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } : {}), ...(whenDeleted ? { persistentVolumeClaimRetentionPolicy: { whenDeleted } } : {}) },
    });
    expect(protectionReasons(sts('Delete'))).toEqual(['deletes the PersistentVolumeClaims of its volumeClaimTemplates with it (persistentVolumeClaimRetentionPolicy.whenDeleted: Delete)']);
    // Retain is the default; no templates, no claims.
    expect(protectionReasons(sts('Retain'))).toEqual([]);
    expect(protectionReasons(sts())).toEqual([]);
    expect(protectionReasons(sts('Delete', false))).toEqual([]);
    // Removing it is refused, and it holds its Namespace.
    const out = tmp();
    const build = (o: { sts: boolean; ns: boolean }) => {
      const app = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false });
      const apps = new Repo(app, 'platform').folder('apps');
      if (o.ns) new ApiObject(apps, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
      if (o.sts) new ApiObject(apps, 'db', sts('Delete'));
      return app;
    };
    build({ sts: true, ns: true }).synth();
    // The Namespace is retained for its claims: it would lose its retention too.
    expect(build({ sts: false, ns: true }).plan().blocked.map((c) => c.object.id)).toEqual(['Namespace/apps', 'StatefulSet/apps/db']);
    expect(build({ sts: true, ns: false }).plan().blocked.map((c) => `${c.object.id}: ${(c.protection ?? []).join('; ')}`)).toEqual([
      'Namespace/apps: retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false); ' +
        'holds protected objects (deleting a Namespace deletes everything in it): StatefulSet/apps/db',
    ]);
  });
});
