import { Duration } from 'cdk8s';
import { GitRepository, HelmRepository, OCIRepository, HELM_CHART_LAYER, SHARD_LABEL } from '../../lib/flux';
import { fixture, problems, render } from './helpers';

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
    const out = render(app);
    const obj = out['platform/clusters/mgmt/gitrepository-app.yaml'];
    expect(obj.metadata).toEqual({ name: 'app', namespace: 'flux-system', labels: { [SHARD_LABEL]: 'shard1' } });
    expect(obj.spec).toEqual({
      url: 'ssh://git@github.com/contoso/app', interval: '5m', timeout: '1m30s', ref: { semver: '>=1.0.0 <2.0.0' },
      secretRef: { name: 'git-creds' }, ignore: '/*\n!/deploy', include: [{ repository: { name: 'base' }, fromPath: 'deploy', toPath: 'base' }],
    });
    expect(out['platform/clusters/mgmt/gitrepository-base.yaml'].spec).toEqual({ url: 'https://github.com/contoso/base', interval: '1m', ref: { tag: 'v1.0.0' } });
  });

  test('defaults url and branch from the repo, namespace from the folder, else flux-system', () => {
    const { app, repo, folder } = fixture();
    const g = new GitRepository(folder, 'src', { name: 'platform', repo });
    expect(g.url).toBe('https://github.com/contoso/platform');
    expect(g.ref).toEqual({ branch: 'main' });
    const other = repo.folder('other');
    expect(new GitRepository(other, 'src', { name: 'x', url: 'https://e.com/x' }).namespace).toBe('flux-system');
    expect(render(app)['platform/clusters/mgmt/gitrepository-platform.yaml'].spec.ref).toEqual({ branch: 'main' });
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

  test('an unresolved secretRef is a synth error; fromName imports resolve', () => {
    const { app, folder } = fixture();
    new GitRepository(folder, 'src', { name: 'app', url: 'https://e.com/app', secretRef: 'missing' });
    expect(problems(app)).toEqual([
      'platform/clusters--mgmt/src: prop "secretRef": refers to Secret/flux-system/missing, which is not an object of the app; create it, or declare an existing one with the kind\'s fromName(...) import',
    ]);
    const f2 = fixture();
    const imported = GitRepository.fromName(f2.folder, 'existing', { name: 'flux-system', namespace: 'flux-system' });
    expect(imported).toMatchObject({ kind: 'GitRepository', apiGroup: 'source.toolkit.fluxcd.io', name: 'flux-system', namespace: 'flux-system' });
    new GitRepository(f2.folder, 'inc', { name: 'inc', url: 'https://e.com/i', include: [{ repository: imported }] });
    expect(problems(f2.app)).toEqual([]);
  });
});

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
    const out = render(app);
    expect(out['platform/clusters/mgmt/ocirepository-podinfo.yaml'].spec).toEqual({
      url: 'oci://ghcr.io/stefanprodan/charts/podinfo', interval: '5m', ref: { semver: '6.x' }, provider: 'azure',
      layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
      verify: { provider: 'cosign', secretRef: { name: 'cosign-pub' } },
    });
    expect(out['platform/clusters/mgmt/ocirepository-manifests.yaml'].spec.verify).toEqual({
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
    const out = render(app);
    expect(out['platform/clusters/mgmt/helmrepository-podinfo.yaml'].spec).toEqual({ url: 'https://stefanprodan.github.io/podinfo', interval: '5m' });
    expect(out['platform/clusters/mgmt/helmrepository-podinfo-oci.yaml'].spec).toEqual({ url: 'oci://ghcr.io/stefanprodan/charts', interval: '1h', type: 'oci' });
  });

  test('errors', () => {
    const { folder } = fixture();
    expect(() => new HelmRepository(folder, 'a', { name: 'a', url: 'ftp://x' })).toThrow('platform/clusters--mgmt/a: prop "url": "ftp://x" must start with http://, https:// or oci://');
    expect(() => new HelmRepository(folder, 'b', { name: 'b', url: 'https://x', type: 'oci' })).toThrow(
      'platform/clusters--mgmt/b: prop "type": "oci" does not match the url "https://x" (oci:// urls need type "oci", others "default")',
    );
  });
});
