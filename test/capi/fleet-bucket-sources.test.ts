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
import { KUBECONFIG_ACCESS_OUTSIDE } from '../support/kubeconfig-access';

function fleetApp(outdir: string, extra: Partial<FleetProps> = {}) {
  const app = new GitOpsApp({ outdir, printBaselineReport: false });
  const repo = new Repo(app, 'fleet', { url: 'https://github.com/contoso/fleet' });
  const mgmt = repo.folder('clusters/mgmt', { namespace: 'flux-system', includeSubfolders: false });
  declarePreinstalled(app, Preinstalled.CAPI_CLUSTER_TOPOLOGY, Preinstalled.CAPZ, Preinstalled.of('namespaces', [], ['fleet-a', 'fleet-b']));
  const source = GitRepository.fromName(mgmt, 'source', { name: 'flux-system', namespace: 'flux-system' });
  const cls = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
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
  test('a sparse GitRepository per bucket beside the fleet source, read by that bucket\'s hydration, applied by the bucket', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-bucket-sources-'));
    try {
      const { app, fleet } = fleetApp(out);
      const objs = Testing.objects(app);
      const sources = objs.filter((o) => o.kind === 'GitRepository');
      // One per bucket, in the fleet source's namespace (read across namespaces, with its credentials).
      const expected = new Map<string, string[]>();
      for (const m of fleet.members) {
        const key = `flux-system/fleet-${m.bucket}`;
        expected.set(key, [...(expected.get(key) ?? []), `apps/${m.cluster.name}/`, `infrastructure/${m.cluster.name}/`].sort());
        for (const k of m.kustomizations) expect(Testing.find(objs, 'Kustomization', k.name).spec.sourceRef).toEqual({ kind: 'GitRepository', name: `fleet-${m.bucket}`, namespace: 'flux-system' });
      }
      expect(new Map(sources.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s.spec.sparseCheckout]))).toEqual(expected);
      expect(sources[0].spec).toMatchObject({ url: 'https://github.com/contoso/fleet', ref: { branch: 'main' }, secretRef: { name: 'git-credentials' }, interval: '5m' });
      // In the bucket's folder: the bucket Kustomization applies it with the hydration that reads it.
      app.synth();
      const m = fleet.members[0];
      const bucketDir = path.join(out, 'fleet', 'clusters', 'mgmt', 'fleet', m.bucket!);
      const built = execFileSync('kubectl', ['kustomize', bucketDir], { encoding: 'utf8' }).split('\n---\n').map((d) => parse(d));
      expect(built.filter((o) => o.kind === 'GitRepository').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([`flux-system/fleet-${m.bucket}`]);
      expect(built.filter((o) => o.kind === 'Kustomization').map((o) => o.metadata.name)).toContain(`${m.cluster.name}-apps`);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test('with a source of the app: its URL, revision and credentials; with a source per namespace: one per bucket and namespace', () => {
    const app = new GitOpsApp({ outdir: '/tmp/unused-fleet-bucket-sources', printBaselineReport: false });
    const repo = new Repo(app, 'fleet', { url: 'https://github.com/contoso/fleet' });
    const mgmt = repo.folder('clusters/mgmt', { namespace: 'flux-system', includeSubfolders: false });
    const cls = new AksClusterClass(repo.folder('clusters/mgmt/classes'), 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, name: 'aks', namespace: 'fleet-a', location: 'westeurope', credentialFrom: 'aso-credential', machinePoolClasses: [{ class: 'system', pool: SYSTEM_POOL }] });
    const perNs = new Map(['fleet-a', 'fleet-b'].map((ns) => [ns, new GitRepository(repo.folder(`clusters/mgmt/sources/${ns}`), 'src', { name: 'fleet', namespace: ns, url: 'ssh://git@github.com/contoso/fleet', ref: { branch: 'release' }, secretRef: 'fleet-ssh' })]));
    const managementSource = GitRepository.fromName(mgmt, 'mgmt-source', { name: 'flux-system', namespace: 'flux-system' });
    new Fleet(mgmt, 'fleet', {
      repo, clusterClass: cls, source: (ns) => perNs.get(ns)!, managementSource, buckets: 1, bucketSources: {},
      defaults: { kubernetesVersion: 'v1.33.2' }, clusters: [{ name: 'c1', namespace: 'fleet-a' }, { name: 'c2', namespace: 'fleet-b' }],
    });
    const sources = Testing.objects(app).filter((o) => o.kind === 'GitRepository' && o.metadata.name === 'fleet-b0');
    expect(sources.map((s) => [s.metadata.namespace, s.spec.url, s.spec.ref, s.spec.secretRef, s.spec.sparseCheckout])).toEqual([
      ['fleet-a', 'ssh://git@github.com/contoso/fleet', { branch: 'release' }, { name: 'fleet-ssh' }, ['apps/c1/', 'infrastructure/c1/']],
      ['fleet-b', 'ssh://git@github.com/contoso/fleet', { branch: 'release' }, { name: 'fleet-ssh' }, ['apps/c2/', 'infrastructure/c2/']],
    ]);
  });

  test('what a build reads outside the sparse checkout is refused, once per source and path; bucketSources.include adds it', () => {
    const refused = fleetApp('/tmp/unused-fleet-bucket-sources', { buckets: 1 });
    refused.repo.folder('shared/base');
    for (const m of refused.fleet.members) m.stageFolders.apps.addResource('../../shared/base');
    const c0 = refused.fleet.members.find((x) => x.cluster.name === 'c0')!;
    const lines = Testing.errorOf(() => Testing.objects(refused.app)).split('\n').filter((l) => l.includes('sparseCheckout'));
    expect(lines.map((l) => l.trim())).toEqual([
      `${c0.kustomizations[1].node.path}: Kustomization fleet-a/c0-apps builds from "shared/base", which the sparseCheckout of its source GitRepository flux-system/fleet-b0 leaves out of the artifact (so do 5 more Kustomizations of that source): ` +
        'kustomize-controller would not find it; add "shared/base/" to the source\'s sparseCheckout (a Fleet\'s bucketSources.include)',
    ]);
    const fixed = fleetApp('/tmp/unused-fleet-bucket-sources', { bucketSources: { include: ['./shared/base'] } });
    fixed.repo.folder('shared/base');
    fixed.fleet.members[0].stageFolders.apps.addResource('../../shared/base');
    expect(Testing.find(Testing.objects(fixed.app), 'GitRepository', `fleet-${fixed.fleet.members[0].bucket}`).spec.sparseCheckout).toContain('shared/base/');
  });

  test('an overlay base and a user-owned file outside the sparse checkout are refused too', () => {
    const { app, repo, fleet } = fleetApp('/tmp/unused-fleet-bucket-sources', { buckets: 1 });
    const base = repo.folder('bases/app');
    repo.overlay('overlays/prod', { base });
    const c0 = fleet.members.find((x) => x.cluster.name === 'c0')!;
    c0.stageFolders.apps.addResource('../../overlays/prod');
    c0.stageFolders.infrastructure.addResource('../../hand/crds.yaml', { userOwned: true });
    const lines = Testing.errorOf(() => Testing.objects(app)).split('\n').filter((l) => l.includes('sparseCheckout')).map((l) => l.trim().replace(/^.*?: Kustomization/, 'Kustomization').replace(/, which.*$/, ''));
    // The overlay and its base; the hand-written file.
    expect(lines.sort()).toEqual(['Kustomization fleet-a/c0-apps builds from "overlays/prod" (and 1 more path)', 'Kustomization fleet-a/c0-infrastructure builds from "hand/crds.yaml"']);
  });

  test('needs the fleet source or a management source; an include must be a folder of the repo', () => {
    const P = 'fleet/clusters--mgmt/fleet';
    expect(Testing.errorOf(() => fleetApp('/tmp/unused', { source: undefined }))).toBe(
      `${P}: prop "managementSource": is required with bucketSources when source is left out: the bucket Kustomizations read the management repo from it (e.g. managementSource: bootstrap.source)`,
    );
    // Without Flux hydration (no source, no bucket sources: Argo CD), the Flux props would be ignored.
    const src = GitRepository.fromName(new Repo(new GitOpsApp({ outdir: '/tmp/unused' }), 'x').folder('a', { namespace: 'flux-system' }), 'src', { name: 'flux-system' });
    expect(Testing.errorOf(() => fleetApp('/tmp/unused', { source: undefined, bucketSources: undefined, managementSource: src }))).toBe(
      `${P}: prop "managementSource": has no effect without Flux hydration: give the fleet a source (or bucketSources and managementSource), or drop it`,
    );
    expect(Testing.errorOf(() => fleetApp('/tmp/unused', { source: undefined, bucketSources: undefined, buckets: undefined, stages: [{ name: 'platform', path: () => './overlays/prod', source: src }, 'apps'] }))).toBe(
      `${P}: prop "stages": a stage given by path is applied by the fleet's Flux hydration, which needs a source (or bucketSources and managementSource)`,
    );
    // The GitRepositories' own check: one line for the bucket sources that share the include.
    expect(Testing.synthProblems(fleetApp('/tmp/unused', { bucketSources: { include: ['shared/typo'] } }).app)).toEqual([
      'fleet/clusters--mgmt--fleet--b1/Source-flux-system: GitRepository flux-system/fleet-b1: sparseCheckout "shared/typo/" is no folder of repo fleet (so do 1 more source): ' +
        'source-controller fails a source whose sparse directory is missing at the fetched commit (validateSparseCheckoutPaths); create it (repo.folder(\'shared/typo\')), declare a directory you keep yourself (repo.addUserOwnedPath(\'shared/typo\')), or drop it (a Fleet\'s bucketSources.include)',
    ]);
    // Any GitRepository of an app repo, not only a Fleet's.
    const plain = fleetApp('/tmp/unused', { bucketSources: undefined });
    new GitRepository(plain.mgmt, 'sparse', { name: 'sparse', repo: plain.repo, sparseCheckout: ['apps/nowhere'] });
    expect(Testing.synthProblems(plain.app)).toEqual([expect.stringMatching(/^fleet\/clusters--mgmt\/sparse: GitRepository flux-system\/sparse: sparseCheckout "apps\/nowhere\/" is no folder of repo fleet: /)]);
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
