import { Duration } from 'cdk8s';
import { ARGOCD_SYNC_OPTIONS_ANNOTATION, FLUX_PRUNE_ANNOTATION, RemovalPolicy } from '../../lib/core/removal-policy';
import { PlatformResource } from '../../lib/core/resource';
import { ExistingSecret } from '../../lib/core/secret';
import { fluxRef, GitRepository, HelmRelease, HelmRepository, Kustomization, NotificationProvider, OCIRepository, HELM_CHART_LAYER, SHARD_LABEL } from '../../lib/flux';
import { fixture } from './helpers';
import { Testing } from '../../lib/testing';

describe('GitRepository', () => {
  test('renders url, ref, interval, secretRef, ignore, include and shard label', () => {
    const { app, folder } = fixture();
    const base = new GitRepository(folder, 'base', { name: 'base', url: 'https://github.com/contoso/base', ref: { tag: 'v1.0.0' } });
    new GitRepository(folder, 'src', {
      name: 'app', url: 'ssh://git@github.com/contoso/app', ref: { semver: '>=1.0.0 <2.0.0' }, secretRef: 'git-creds',
      interval: Duration.minutes(5), timeout: Duration.seconds(90), ignore: '/*\n!/deploy', include: [{ repository: base, fromPath: 'deploy', toPath: 'base' }], shardKey: 'shard1',
    });
    const { addProvided } = require('../../lib');
    addProvided(folder, { apiGroup: '', kind: 'Secret', name: 'git-creds', namespace: 'flux-system' });
    const out = Testing.render(app);
    const obj = out['platform/clusters/mgmt/gitrepository-app.yaml'][0];
    expect(obj.metadata).toEqual({ name: 'app', namespace: 'flux-system', labels: { [SHARD_LABEL]: 'shard1' } });
    expect(obj.spec).toEqual({
      url: 'ssh://git@github.com/contoso/app', interval: '5m', timeout: '1m30s', ref: { semver: '>=1.0.0 <2.0.0' },
      secretRef: { name: 'git-creds' }, ignore: '/*\n!/deploy', include: [{ repository: { name: 'base' }, fromPath: 'deploy', toPath: 'base' }],
    });
    expect(out['platform/clusters/mgmt/gitrepository-base.yaml'][0].spec).toEqual({ url: 'https://github.com/contoso/base', interval: '1m', ref: { tag: 'v1.0.0' } });
  });

  test('defaults url and branch from the repo, namespace from the folder, else flux-system', () => {
    const { app, repo, folder } = fixture();
    const g = new GitRepository(folder, 'src', { name: 'platform', repo });
    expect(g.url).toBe('https://github.com/contoso/platform');
    expect(g.ref).toEqual({ branch: 'main' });
    const other = repo.folder('other');
    expect(new GitRepository(other, 'src', { name: 'x', url: 'https://e.com/x' }).namespace).toBe('flux-system');
    expect(Testing.render(app)['platform/clusters/mgmt/gitrepository-platform.yaml'][0].spec.ref).toEqual({ branch: 'main' });
  });

  test('errors', () => {
    const { folder } = fixture();
    expect(() => new GitRepository(folder, 'a', { name: 'a', url: 'git@github.com:contoso/a.git' })).toThrow(
      'platform/clusters--mgmt/a: prop "url": "git@github.com:contoso/a.git" must start with http://, https:// or ssh:// (write git@host:org/repo as ssh://git@host/org/repo)',
    );
    expect(() => new GitRepository(folder, 'b', { name: 'b', url: 'https://e.com/b', ref: { branch: 'main', tag: 'v1' } })).toThrow(
      'platform/clusters--mgmt/b: prop "ref": set exactly one of branch, tag, semver, commit (got branch, tag)',
    );
    expect(() => new GitRepository(folder, 'c', { name: 'c', url: 'https://e.com/c', ref: {} })).toThrow(
      'platform/clusters--mgmt/c: prop "ref": set exactly one of branch, tag, semver, commit (got none)',
    );
    expect(() => new GitRepository(folder, 'd', { name: 'd', url: 'https://e.com/d', ref: { commit: 'XYZ' } })).toThrow(
      'platform/clusters--mgmt/d: prop "ref.commit": "XYZ" must be a commit SHA (7-40 lowercase hex digits)',
    );
    expect(() => new GitRepository(folder, 'e', { name: 'e' })).toThrow('platform/clusters--mgmt/e: prop "url": is required (or pass a repo with a url)');
    expect(() => new GitRepository(folder, 'f', { name: 'F', url: 'https://e.com/f' })).toThrow('platform/clusters--mgmt/f: prop "name": "F" is invalid: must be a DNS subdomain');
    expect(() => new GitRepository(folder, 'l', { name: 'l', url: 'https://e.com/l', labels: { team: ':' } })).toThrow(
      'platform/clusters--mgmt/l: prop "labels.team": invalid label value ":": must be empty or consist of alphanumerics, \'-\', \'_\' or \'.\', starting and ending with an alphanumeric',
    );
    expect(() => new OCIRepository(folder, 'l2', { name: 'l2', url: 'oci://ghcr.io/x', ref: { tag: 'v1' }, labels: { team: 'a'.repeat(64) } })).toThrow(
      'platform/clusters--mgmt/l2: prop "labels.team": label value must be no more than 63 characters (is 64)',
    );
    expect(() => new GitRepository(folder, 'g', { name: 'g', url: 'https://e.com/g', interval: '5 minutes' })).toThrow(
      'platform/clusters--mgmt/g: prop "interval": "5 minutes" is not a Go duration such as "30s", "5m" or "1h30m"',
    );
  });

  test('secretRef: a name is a Secret managed outside the app in the object\'s namespace; an ISecretSource must be in that namespace', () => {
    const { app, folder } = fixture();
    new GitRepository(folder, 'src', { name: 'app', url: 'https://e.com/app', secretRef: 'managed-elsewhere' });
    expect(Testing.synthProblems(app)).toEqual([]);
    expect(Testing.find(app, 'GitRepository', 'app').spec.secretRef).toEqual({ name: 'managed-elsewhere' });
    const sealed = ExistingSecret.fromName(folder, 'creds', { name: 'git-creds' });
    new GitRepository(folder, 'src2', { name: 'app2', url: 'https://e.com/app', secretRef: sealed });
    expect(Testing.find(app, 'GitRepository', 'app2').spec.secretRef).toEqual({ name: 'git-creds' });
    const other = ExistingSecret.fromName(folder, 'other', { name: 'git-creds', namespace: 'team-a' });
    expect(Testing.errorOf(() => new GitRepository(folder, 'src3', { name: 'app3', url: 'https://e.com/app', secretRef: other }))).toBe(
      'platform/clusters--mgmt/src3: prop "secretRef": Secret "git-creds" (platform/clusters--mgmt/other) is in namespace "team-a", but it must be in namespace "flux-system" (Flux reads the Secret from the object\'s namespace)',
    );
    for (const [id, make] of [
      ['oci', (s: ExistingSecretLike) => new OCIRepository(folder, 'oci', { name: 'oci', url: 'oci://ghcr.io/x/y', ref: { tag: '1' }, secretRef: s })],
      ['helm', (s: ExistingSecretLike) => new HelmRepository(folder, 'helm', { name: 'helm', url: 'https://charts.example.com', secretRef: s })],
      ['provider', (s: ExistingSecretLike) => new NotificationProvider(folder, 'provider', { name: 'p', type: 'slack', secretRef: s })],
      ['decryption', (s: ExistingSecretLike) => new Kustomization(folder, 'decryption', { name: 'k', source: GitRepository.fromName(folder, 'gr', { name: 'flux-system' }), path: './', prune: true, decryption: { provider: 'sops', secretRef: s } })],
    ] as const) {
      expect(Testing.errorOf(() => make(other))).toContain(`prop "${id === 'decryption' ? 'decryption.secretRef' : 'secretRef'}": Secret "git-creds" (platform/clusters--mgmt/other) is in namespace "team-a", but it must be in namespace "flux-system"`);
    }
    const f2 = fixture();
    const imported = GitRepository.fromName(f2.folder, 'existing', { name: 'flux-system', namespace: 'flux-system' });
    expect(imported).toMatchObject({ kind: 'GitRepository', apiGroup: 'source.toolkit.fluxcd.io', name: 'flux-system', namespace: 'flux-system' });
    new GitRepository(f2.folder, 'inc', { name: 'inc', url: 'https://e.com/i', include: [{ repository: imported }] });
    expect(Testing.synthProblems(f2.app)).toEqual([]);
  });

  test('fromName takes { name, namespace }: the namespace defaults to the folder\'s, and is required outside one', () => {
    const { app, repo, folder } = fixture();
    expect(GitRepository.fromName(folder, 'a', { name: 'shared' }).namespace).toBe('flux-system');
    expect(OCIRepository.fromName(folder, 'b', { name: 'charts', namespace: 'infra' }).namespace).toBe('infra');
    expect(fluxRef(HelmRepository.fromName(folder, 'c', { name: 'bitnami' }))).toEqual({ apiGroup: 'source.toolkit.fluxcd.io', kind: 'HelmRepository', name: 'bitnami', namespace: 'flux-system' });
    expect(HelmRelease.fromName(folder, 'd', { name: 'cert-manager' }).kind).toBe('HelmRelease');
    expect(Kustomization.fromName(folder, 'e', { name: 'infra' }).apiGroup).toBe('kustomize.toolkit.fluxcd.io');
    expect(NotificationProvider.fromName(folder, 'f', { name: 'teams' }).kind).toBe('Provider');
    const bare = repo.folder('bare');
    expect(Testing.errorOf(() => GitRepository.fromName(bare, 'g', { name: 'x' }))).toBe('platform/bare/g: prop "namespace": is required: set it, or import the object in a Folder with a namespace');
    expect(Testing.synthProblems(app)).toEqual([]);
  });

  test('every Flux construct is a PlatformResource: apiObject, name/namespace from it, removalPolicy = applyRemovalPolicy', () => {
    const { app, folder } = fixture();
    const src = new GitRepository(folder, 'src', { name: 'app', url: 'https://e.com/app', removalPolicy: RemovalPolicy.RETAIN });
    const k = new Kustomization(folder, 'k', { name: 'apps', source: src, path: './apps', prune: true });
    k.applyRemovalPolicy(RemovalPolicy.RETAIN);
    expect(src).toBeInstanceOf(PlatformResource);
    expect([src.apiObject.kind, src.name, src.namespace, src.apiGroup, src.kind]).toEqual(['GitRepository', 'app', 'flux-system', 'source.toolkit.fluxcd.io', 'GitRepository']);
    expect(k.toRef()).toEqual({ apiGroup: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization', name: 'apps', namespace: 'flux-system' });
    const retained = { [FLUX_PRUNE_ANNOTATION]: 'disabled', [ARGOCD_SYNC_OPTIONS_ANNOTATION]: 'Delete=false,Prune=false' };
    expect(Testing.find(app, 'GitRepository', 'app').metadata.annotations).toEqual(retained);
    expect(Testing.find(app, 'Kustomization', 'apps').metadata.annotations).toEqual(retained);
    // prune (what the Kustomization applied) is untouched by its own removal policy
    expect(Testing.find(app, 'Kustomization', 'apps').spec.prune).toBe(true);
  });
});

type ExistingSecretLike = ReturnType<typeof ExistingSecret.fromName>;

describe('OCIRepository', () => {
  test('renders ref, verification, layer selector', () => {
    const { app, folder } = fixture();
    const { addProvided } = require('../../lib');
    addProvided(folder, { apiGroup: '', kind: 'Secret', name: 'cosign-pub', namespace: 'flux-system' });
    new OCIRepository(folder, 'chart', {
      name: 'podinfo', url: 'oci://ghcr.io/stefanprodan/charts/podinfo', ref: { semver: '6.x' }, layerSelector: HELM_CHART_LAYER,
      verify: { provider: 'cosign', secretRef: 'cosign-pub' }, provider: 'azure',
    });
    new OCIRepository(folder, 'keyless', {
      name: 'manifests', url: 'oci://ghcr.io/contoso/manifests', ref: { digest: `sha256:${'a'.repeat(64)}` },
      verify: { provider: 'cosign', matchOidcIdentity: [{ issuer: '^https://token.actions.githubusercontent.com$', subject: '^https://github.com/contoso/.*$' }] },
    });
    const out = Testing.render(app);
    expect(out['platform/clusters/mgmt/ocirepository-podinfo.yaml'][0].spec).toEqual({
      url: 'oci://ghcr.io/stefanprodan/charts/podinfo', interval: '5m', ref: { semver: '6.x' }, provider: 'azure',
      layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
      verify: { provider: 'cosign', secretRef: { name: 'cosign-pub' } },
    });
    expect(out['platform/clusters/mgmt/ocirepository-manifests.yaml'][0].spec.verify).toEqual({
      provider: 'cosign', matchOIDCIdentity: [{ issuer: '^https://token.actions.githubusercontent.com$', subject: '^https://github.com/contoso/.*$' }],
    });
  });

  test('errors', () => {
    const { folder } = fixture();
    expect(() => new OCIRepository(folder, 'a', { name: 'a', url: 'https://ghcr.io/x', ref: { tag: '1' } })).toThrow('platform/clusters--mgmt/a: prop "url": "https://ghcr.io/x" must start with oci://');
    expect(() => new OCIRepository(folder, 'b', { name: 'b', url: 'oci://ghcr.io/x', ref: { tag: '1', semver: '1.x' } })).toThrow(
      'platform/clusters--mgmt/b: prop "ref": set exactly one of tag, semver, digest (got tag, semver)',
    );
    expect(() => new OCIRepository(folder, 'c', { name: 'c', url: 'oci://ghcr.io/x', ref: { digest: 'sha256:abc' } })).toThrow(
      'platform/clusters--mgmt/c: prop "ref.digest": "sha256:abc" must be sha256:<64 lowercase hex digits>',
    );
    expect(() => new OCIRepository(folder, 'd', { name: 'd', url: 'oci://ghcr.io/x', ref: { tag: '1' }, verify: { provider: 'notation' } })).toThrow(
      'platform/clusters--mgmt/d: prop "verify.secretRef": is required with notation (the trust policy and CA certificates)',
    );
    expect(() => new OCIRepository(folder, 'e', { name: 'e', url: 'oci://ghcr.io/x', ref: { tag: '1' }, verify: { provider: 'cosign' } })).toThrow(
      'platform/clusters--mgmt/e: prop "verify": cosign keyless verification needs matchOidcIdentity (or a secretRef with public keys)',
    );
  });
});

describe('HelmRepository', () => {
  test('default and oci types', () => {
    const { app, folder } = fixture();
    new HelmRepository(folder, 'a', { name: 'podinfo', url: 'https://stefanprodan.github.io/podinfo', interval: '5m' });
    new HelmRepository(folder, 'b', { name: 'podinfo-oci', url: 'oci://ghcr.io/stefanprodan/charts' });
    const out = Testing.render(app);
    expect(out['platform/clusters/mgmt/helmrepository-podinfo.yaml'][0].spec).toEqual({ url: 'https://stefanprodan.github.io/podinfo', interval: '5m' });
    expect(out['platform/clusters/mgmt/helmrepository-podinfo-oci.yaml'][0].spec).toEqual({ url: 'oci://ghcr.io/stefanprodan/charts', interval: '1h', type: 'oci' });
  });

  test('errors', () => {
    const { folder } = fixture();
    expect(() => new HelmRepository(folder, 'a', { name: 'a', url: 'ftp://x' })).toThrow('platform/clusters--mgmt/a: prop "url": "ftp://x" must start with http://, https:// or oci://');
    expect(() => new HelmRepository(folder, 'b', { name: 'b', url: 'https://x', type: 'oci' })).toThrow(
      'platform/clusters--mgmt/b: prop "type": "oci" does not match the url "https://x" (oci:// urls need type "oci", others "default")',
    );
  });
});
