// Fleet bucketSources: kustomize-controller downloads and unpacks a Kustomization's whole source
// artifact on every reconciliation (kustomize-controller `reconcile`: fetch + untar into a
// temporary directory), so with one source for a fleet each hydration Kustomization unpacks every
// cluster's folders. With bucketSources, each bucket's hydration reads a GitRepository whose
// sparseCheckout holds only the stage folders of the bucket's clusters.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { declarePreinstalled, GitOpsApp, Preinstalled, Repo } from '../../lib';
import { AksClusterClass, Fleet, FleetProps } from '../../lib/capi';
import { GitRepository } from '../../lib/flux';
import { Testing } from '../../lib/testing';
import { SYSTEM_POOL } from './fixtures';

function fleetApp(outdir: string, extra: Partial<FleetProps> = {}, url: string | null = 'https://github.com/contoso/fleet') {
  const app = new GitOpsApp({ outdir, printBaselineReport: false });
  const repo = new Repo(app, 'fleet', { url: url ?? undefined });
  const mgmt = repo.folder('clusters/mgmt', { namespace: 'flux-system', includeSubfolders: false });
  declarePreinstalled(app, Preinstalled.CAPI, Preinstalled.CAPZ, Preinstalled.of('namespaces', [], ['fleet-a', 'fleet-b']));
  const source = GitRepository.fromName(mgmt, 'source', { name: 'flux-system', namespace: 'flux-system' });
  const cls = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'class', {
    name: 'aks', namespace: 'fleet-a', location: 'westeurope', credentialFrom: 'aso-credential',
    machinePoolClasses: [{ class: 'system', pool: SYSTEM_POOL }],
  });
  const fleet = new Fleet(mgmt, 'fleet', {
    repo, clusterClass: cls, source, buckets: 2,
    bucketSources: { secretRef: 'git-credentials' },
    defaults: { kubernetesVersion: 'v1.33.2' },
    clusters: Array.from({ length: 6 }, (_, i) => ({ name: `c${i}`, namespace: i % 3 === 2 ? 'fleet-b' : 'fleet-a' })),
    ...extra,
  });
  return { app, repo, fleet, mgmt };
}

describe('Fleet bucketSources', () => {
  test('a sparse GitRepository per bucket and namespace, read by that bucket\'s hydration, applied by the bucket', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-bucket-sources-'));
    try {
      const { app, fleet } = fleetApp(out);
      const objs = Testing.objects(app);
      const sources = objs.filter((o) => o.kind === 'GitRepository');
      // One per bucket and namespace holding clusters.
      const expected = new Map<string, string[]>();
      for (const m of fleet.members) {
        const key = `${m.cluster.namespace}/fleet-${m.bucket}`;
        expected.set(key, [...(expected.get(key) ?? []), `apps/${m.cluster.name}/`, `infrastructure/${m.cluster.name}/`].sort());
        for (const k of m.kustomizations) expect(Testing.find(objs, 'Kustomization', k.name).spec.sourceRef).toEqual({ kind: 'GitRepository', name: `fleet-${m.bucket}` });
      }
      expect(new Map(sources.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s.spec.sparseCheckout]))).toEqual(expected);
      expect(sources[0].spec).toMatchObject({ url: 'https://github.com/contoso/fleet', ref: { branch: 'main' }, secretRef: { name: 'git-credentials' }, interval: '5m' });
      // In the bucket's folder: the bucket Kustomization applies it with the hydration that reads it.
      app.synth();
      const m = fleet.members[0];
      const bucketDir = path.join(out, 'fleet', 'clusters', 'mgmt', 'fleet', m.bucket!);
      const built = execFileSync('kubectl', ['kustomize', bucketDir], { encoding: 'utf8' }).split('\n---\n').map((d) => parse(d));
      expect(built.filter((o) => o.kind === 'GitRepository').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toContain(`${m.cluster.namespace}/fleet-${m.bucket}`);
      expect(built.filter((o) => o.kind === 'Kustomization').map((o) => o.metadata.name)).toContain(`${m.cluster.name}-apps`);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test('a stage folder that lists a folder outside the sparse checkout is refused; bucketSources.include adds it', () => {
    const refused = fleetApp('/tmp/unused-fleet-bucket-sources');
    refused.repo.folder('shared/base');
    const c0 = refused.fleet.members.find((x) => x.cluster.name === 'c0')!;
    c0.stageFolders.apps.addResource('../../shared/base');
    expect(Testing.errorOf(() => Testing.objects(refused.app))).toContain(
      `${c0.kustomizations[1].node.path}: Kustomization fleet-a/c0-apps builds folder "shared/base", which the sparseCheckout of its source GitRepository fleet-a/fleet-${c0.bucket} leaves out of the artifact: ` +
        'kustomize-controller would not find it; add "shared/base/" to the source\'s sparseCheckout (a Fleet\'s bucketSources.include)',
    );
    const fixed = fleetApp('/tmp/unused-fleet-bucket-sources', { bucketSources: { include: ['./shared/base'] } });
    fixed.repo.folder('shared/base');
    const d0 = fixed.fleet.members.find((x) => x.cluster.name === 'c0')!;
    d0.stageFolders.apps.addResource('../../shared/base');
    const src = Testing.find(Testing.objects(fixed.app), 'GitRepository', `fleet-${d0.bucket}`, 'fleet-a');
    expect(src.spec.sparseCheckout).toContain('shared/base/');
  });

  test('needs the fleet source and a url', () => {
    const P = 'fleet/clusters--mgmt/fleet';
    expect(Testing.errorOf(() => fleetApp('/tmp/unused', { source: undefined }))).toBe(`${P}: prop "bucketSources": needs source: the bucket Kustomizations, which apply the bucket sources, read it`);
    expect(Testing.errorOf(() => fleetApp('/tmp/unused', {}, null))).toBe(`${P}: prop "bucketSources.url": is required: repo fleet has no url`);
  });
});

describe('GitRepository sparseCheckout', () => {
  test('directories normalized to dir/ and sorted; the root and paths outside the repo refused', () => {
    const app = Testing.app();
    const folder = new Repo(app, 'r').folder('flux', { namespace: 'flux-system' });
    const repo = new GitRepository(folder, 'src', { name: 'src', url: 'https://github.com/contoso/r', sparseCheckout: ['./apps/prod', 'infra/', 'apps/prod/'] });
    repo.addSparseCheckout('base');
    expect(Testing.find(Testing.objects(app), 'GitRepository', 'src').spec.sparseCheckout).toEqual(['apps/prod/', 'base/', 'infra/']);
    const P = 'r/flux/src';
    expect(Testing.errorOf(() => repo.addSparseCheckout('./'))).toBe(`${P}: prop "addSparseCheckout": "./" is not a directory of the repo: give a repo-relative directory such as "apps/prod" (leave sparseCheckout unset to check out the whole repo)`);
    expect(Testing.errorOf(() => repo.addSparseCheckout('/etc'))).toBe(`${P}: prop "addSparseCheckout": "/etc" is outside the repo: give a repo-relative directory such as "apps/prod"`);
    expect(Testing.errorOf(() => new GitRepository(folder, 'src2', { name: 'src2', url: 'https://github.com/contoso/r', sparseCheckout: ['apps/../../x'] }))).toBe(
      'r/flux/src2: prop "sparseCheckout[0]": "apps/../../x" is outside the repo: give a repo-relative directory such as "apps/prod"',
    );
  });
});
