// Bad inputs of the Flux constructs.
import { handWrittenCluster } from '../../support/clusters';
import { Duration } from 'cdk8s';
import { ExistingSecret, Repo } from '../../../lib';
import { DNS_LABEL, DNS_SUBDOMAIN } from '../../../lib/core/errors';
import {
  Alert,
  FLUX_SECRET_WHY,
  FluxBootstrap,
  GitRepository,
  HelmRelease,
  HelmRepository,
  Kustomization,
  NotificationProvider,
  OCIRepository,
  RemoteClusterHydration,
  SystemsSync,
  Tenant,
} from '../../../lib/flux';
import { CorpusCase, CorpusContext } from '../harness';

const NOT_GO_DURATION = 'is not a Go duration such as "30s", "5m" or "1h30m"';
const RELATIVE_PATH = 'must be a path relative to the source root starting with "./" (e.g. "./clusters/prod"), without ".." segments';
const UNRESOLVED = 'which is not an object of the app; create it, or declare an existing one with the kind\'s fromName(...) import';

/** A valid GitRepository `podinfo` in the folder. */
function git(ctx: CorpusContext, id = 'podinfo', props: Partial<ConstructorParameters<typeof GitRepository>[2]> = {}): GitRepository {
  return new GitRepository(ctx.folder, id, { name: 'podinfo', url: 'https://github.com/stefanprodan/podinfo', ...props });
}

/** A valid HelmRepository `podinfo` in the folder. */
function helmRepo(ctx: CorpusContext): HelmRepository {
  return new HelmRepository(ctx.folder, 'charts', { name: 'podinfo', url: 'https://stefanprodan.github.io/podinfo' });
}

const cluster = (ctx: CorpusContext, namespace: string) => handWrittenCluster(ctx.folder, 'aks-dev', namespace);

export const FLUX_CASES: CorpusCase[] = [
  // names
  {
    id: 'flux-git-name-uppercase', title: 'GitRepository name with uppercase letters', category: 'names', stage: 'construct',
    path: 'platform/apps/podinfo', prop: 'name', rule: `"Podinfo" is invalid: must be ${DNS_SUBDOMAIN.description}`,
    build: (ctx) => git(ctx, 'podinfo', { name: 'Podinfo' }),
  },
  {
    id: 'flux-kustomization-namespace-underscore', title: 'Kustomization namespace with "_"', category: 'names', stage: 'construct',
    path: 'platform/apps/apps', prop: 'namespace', rule: `"flux_system" is invalid: must be ${DNS_LABEL.description}`,
    build: (ctx) => new Kustomization(ctx.folder, 'apps', { name: 'apps', namespace: 'flux_system', source: git(ctx), path: './apps', prune: true }),
  },
  {
    id: 'flux-helmrelease-release-name-54', title: 'Helm release name of 54 characters (Helm allows 53)', category: 'names', stage: 'construct',
    path: 'platform/apps/podinfo', prop: 'releaseName',
    rule: `"${'a'.repeat(54)}" is invalid: must be a Helm release name (lowercase letters, digits, "-" and ".", at most 53 characters)`,
    build: (ctx) => new HelmRelease(ctx.folder, 'podinfo', { name: 'podinfo', chart: { repository: helmRepo(ctx), chart: 'podinfo' }, releaseName: 'a'.repeat(54) }),
  },
  {
    id: 'flux-oci-shard-key-leading-dash', title: 'shard key starting with "-"', category: 'names', stage: 'construct',
    path: 'platform/apps/manifests', prop: 'shardKey',
    rule: '"-shard1" is invalid: must be a label value (letters, digits, "-", "_" and ".", starting and ending with a letter or digit, at most 63 characters)',
    build: (ctx) => new OCIRepository(ctx.folder, 'manifests', { name: 'manifests', url: 'oci://ghcr.io/stefanprodan/manifests/podinfo', ref: { tag: 'latest' }, shardKey: '-shard1' }),
  },
  {
    id: 'flux-tenant-name-dot', title: 'tenant name with "." (must be a DNS label: it names a Namespace)', category: 'names', stage: 'construct',
    path: 'platform/apps/team', prop: 'name', rule: `"team.a" is invalid: must be ${DNS_LABEL.description}`,
    build: (ctx) => new Tenant(ctx.folder, 'team', { name: 'team.a', repository: { url: 'https://github.com/contoso/team-a' } }),
  },
  {
    id: 'flux-kustomization-substitute-variable', title: 'post-build variable name starting with a digit', category: 'names', stage: 'construct',
    path: 'platform/apps/apps', prop: 'substitute.1CLUSTER', rule: 'variable names must be letters, digits and "_", not starting with a digit',
    build: (ctx) => new Kustomization(ctx.folder, 'apps', { name: 'apps', source: git(ctx), path: './apps', prune: true, substitute: { '1CLUSTER': 'dev' } }),
  },
  // duplicates
  {
    id: 'flux-systems-sync-duplicate-team', title: 'two teams with one name', category: 'duplicates', stage: 'construct',
    path: 'platform/apps/teams', prop: 'teams[1].name', rule: '"team-a" is used by another team',
    build: (ctx) => new SystemsSync(ctx.folder, 'teams', {
      teams: [
        { name: 'team-a', repository: { url: 'https://github.com/contoso/team-a' } },
        { name: 'team-a', repository: { url: 'https://github.com/contoso/team-a-2' } },
      ],
    }),
  },
  {
    id: 'flux-hydration-duplicate-stage', title: 'two hydration stages with one name', category: 'duplicates', stage: 'construct',
    path: 'platform/apps/aks-dev', prop: 'stages[1].name', rule: '"infra" is used by another stage',
    build: (ctx) => new RemoteClusterHydration(ctx.folder, 'aks-dev', {
      cluster: cluster(ctx, 'apps'), source: git(ctx), stages: [{ name: 'infra', folder: './infrastructure' }, { name: 'infra', folder: './apps' }],
    }),
  },
  {
    id: 'flux-duplicate-object', title: 'two GitRepositories with one name in one folder', category: 'duplicates', stage: 'synth',
    path: 'platform/apps/second/Resource', prop: 'GitRepository/apps/podinfo', rule: 'is defined twice in repo "platform"',
    message: 'platform/apps/second/Resource: GitRepository/apps/podinfo is defined twice in repo "platform" (also by platform/apps/first/Resource)',
    build: (ctx) => {
      git(ctx, 'first');
      git(ctx, 'second');
    },
  },
  // urls
  {
    id: 'flux-git-scp-url', title: 'scp-like Git URL (Flux needs ssh://)', category: 'urls', stage: 'construct',
    path: 'platform/apps/podinfo', prop: 'url',
    rule: '"git@github.com:stefanprodan/podinfo.git" must start with http://, https:// or ssh:// (write git@host:org/repo as ssh://git@host/org/repo)',
    build: (ctx) => git(ctx, 'podinfo', { url: 'git@github.com:stefanprodan/podinfo.git' }),
  },
  {
    id: 'flux-oci-https-url', title: 'OCIRepository with an https:// URL', category: 'urls', stage: 'construct',
    path: 'platform/apps/manifests', prop: 'url', rule: '"https://ghcr.io/stefanprodan/manifests/podinfo" must start with oci://',
    build: (ctx) => new OCIRepository(ctx.folder, 'manifests', { name: 'manifests', url: 'https://ghcr.io/stefanprodan/manifests/podinfo', ref: { tag: 'latest' } }),
  },
  {
    id: 'flux-helm-repository-type-mismatch', title: 'HelmRepository type "default" with an oci:// URL', category: 'urls', stage: 'construct',
    path: 'platform/apps/charts', prop: 'type',
    rule: '"default" does not match the url "oci://ghcr.io/stefanprodan/charts" (oci:// urls need type "oci", others "default")',
    build: (ctx) => new HelmRepository(ctx.folder, 'charts', { name: 'podinfo', url: 'oci://ghcr.io/stefanprodan/charts', type: 'default' }),
  },
  // versions
  {
    id: 'flux-git-commit-not-sha', title: 'Git ref commit that is not a SHA', category: 'versions', stage: 'construct',
    path: 'platform/apps/podinfo', prop: 'ref.commit', rule: '"HEAD" must be a commit SHA (7-40 lowercase hex digits)',
    build: (ctx) => git(ctx, 'podinfo', { ref: { commit: 'HEAD' } }),
  },
  {
    id: 'flux-oci-digest-short', title: 'OCI digest that is not sha256:<64 hex>', category: 'versions', stage: 'construct',
    path: 'platform/apps/manifests', prop: 'ref.digest', rule: '"sha256:abc123" must be sha256:<64 lowercase hex digits>',
    build: (ctx) => new OCIRepository(ctx.folder, 'manifests', { name: 'manifests', url: 'oci://ghcr.io/stefanprodan/manifests/podinfo', ref: { digest: 'sha256:abc123' } }),
  },
  // combinations
  {
    id: 'flux-git-two-refs', title: 'Git ref with both a branch and a tag', category: 'combinations', stage: 'construct',
    path: 'platform/apps/podinfo', prop: 'ref', rule: 'set exactly one of branch, tag, semver, commit (got branch, tag)',
    build: (ctx) => git(ctx, 'podinfo', { ref: { branch: 'main', tag: 'v6.0.0' } }),
  },
  {
    id: 'flux-helmrelease-version-from-git', title: 'chart version for a chart built from Git', category: 'combinations', stage: 'construct',
    path: 'platform/apps/podinfo-release', prop: 'chart.version', rule: 'only applies to charts from a HelmRepository (the GitRepository revision decides)',
    build: (ctx) => new HelmRelease(ctx.folder, 'podinfo-release', { name: 'podinfo', chart: { repository: git(ctx), chart: './charts/podinfo', version: '6.x' } }),
  },
  {
    id: 'flux-helmrelease-chartref-git', title: 'chartRef pointing at a GitRepository', category: 'combinations', stage: 'construct',
    path: 'platform/apps/podinfo-release', prop: 'chartRef', rule: 'must be an OCIRepository or an ExternalArtifact (got GitRepository)',
    build: (ctx) => new HelmRelease(ctx.folder, 'podinfo-release', { name: 'podinfo', chartRef: git(ctx) }),
  },
  {
    id: 'flux-oci-cosign-keyless-without-identity', title: 'cosign keyless verification without an OIDC identity', category: 'combinations', stage: 'construct',
    path: 'platform/apps/manifests', prop: 'verify', rule: 'cosign keyless verification needs matchOidcIdentity (or a secretRef with public keys)',
    build: (ctx) => new OCIRepository(ctx.folder, 'manifests', {
      name: 'manifests', url: 'oci://ghcr.io/stefanprodan/manifests/podinfo', ref: { tag: 'latest' }, verify: { provider: 'cosign' },
    }),
  },
  {
    id: 'flux-provider-github-without-address', title: 'GitHub commit-status provider without the repository URL', category: 'combinations', stage: 'construct',
    path: 'platform/apps/github', prop: 'address', rule: 'is required for github: the repository URL',
    build: (ctx) => new NotificationProvider(ctx.folder, 'github', { name: 'github', type: 'github', secretRef: 'github-token' }),
  },
  {
    id: 'flux-for-folder-other-repo', title: 'Kustomization.forFolder with a folder of another repo than the source', category: 'combinations', stage: 'construct',
    path: 'platform/apps', prop: 'folder', rule: 'folder "infra" is in repo "team", not in repo "platform" fetched by source flux-system',
    build: (ctx) => {
      const source = new GitRepository(ctx.folder, 'source', { name: 'flux-system', repo: ctx.repo });
      const team = new Repo(ctx.app, 'team', { url: 'https://github.com/contoso/team' });
      Kustomization.forFolder(ctx.folder, 'infra', team.folder('infra'), { name: 'infra', source, prune: true });
    },
  },
  {
    id: 'flux-bootstrap-entry-other-repo', title: 'FluxBootstrap entry folder of another repo', category: 'combinations', stage: 'construct',
    path: 'platform/apps/flux', prop: 'entry', rule: 'folder "clusters/mgmt" is not in repo "platform"',
    build: (ctx) => {
      const team = new Repo(ctx.app, 'team', { url: 'https://github.com/contoso/team' });
      new FluxBootstrap(ctx.folder, 'flux', { repo: ctx.repo, entry: team.folder('clusters/mgmt') });
    },
  },
  // durations
  {
    id: 'flux-kustomization-interval-words', title: 'interval written in words', category: 'durations', stage: 'construct',
    path: 'platform/apps/apps', prop: 'interval', rule: `"10 minutes" ${NOT_GO_DURATION}`,
    build: (ctx) => new Kustomization(ctx.folder, 'apps', { name: 'apps', source: git(ctx), path: './apps', prune: true, interval: '10 minutes' }),
  },
  {
    id: 'flux-git-timeout-zero', title: 'zero timeout', category: 'durations', stage: 'construct',
    path: 'platform/apps/podinfo', prop: 'timeout', rule: 'must be a positive whole number of milliseconds (got 0 ms)',
    build: (ctx) => git(ctx, 'podinfo', { timeout: Duration.seconds(0) }),
  },
  {
    id: 'flux-helmrelease-install-timeout-days', title: 'install timeout in days (Go durations stop at hours)', category: 'durations', stage: 'construct',
    path: 'platform/apps/podinfo', prop: 'install.timeout', rule: `"1d" ${NOT_GO_DURATION}`,
    build: (ctx) => new HelmRelease(ctx.folder, 'podinfo', { name: 'podinfo', chart: { repository: helmRepo(ctx), chart: 'podinfo' }, install: { timeout: '1d' } }),
  },
  // paths
  {
    id: 'flux-kustomization-path-not-dot-slash', title: 'Kustomization path without "./"', category: 'paths', stage: 'construct',
    path: 'platform/apps/apps', prop: 'path', rule: `"clusters/prod" ${RELATIVE_PATH}`,
    build: (ctx) => new Kustomization(ctx.folder, 'apps', { name: 'apps', source: git(ctx), path: 'clusters/prod', prune: true }),
  },
  {
    id: 'flux-kustomization-path-dotdot', title: 'Kustomization path escaping with ".."', category: 'paths', stage: 'construct',
    path: 'platform/apps/apps', prop: 'path', rule: `"./apps/../secrets" ${RELATIVE_PATH}`,
    build: (ctx) => new Kustomization(ctx.folder, 'apps', { name: 'apps', source: git(ctx), path: './apps/../secrets', prune: true }),
  },
  {
    id: 'flux-tenant-absolute-path', title: 'tenant path that is absolute', category: 'paths', stage: 'construct',
    path: 'platform/apps/team-a', prop: 'path', rule: `"/teams/a" ${RELATIVE_PATH}`,
    build: (ctx) => new Tenant(ctx.folder, 'team-a', { name: 'team-a', repository: { url: 'https://github.com/contoso/team-a' }, path: '/teams/a' }),
  },
  {
    id: 'flux-kustomization-absolute-component', title: 'absolute kustomize component path', category: 'paths', stage: 'construct',
    path: 'platform/apps/apps', prop: 'components', rule: '"/components/monitoring" must be relative to the path',
    build: (ctx) => new Kustomization(ctx.folder, 'apps', { name: 'apps', source: git(ctx), path: './apps', prune: true, components: ['/components/monitoring'] }),
  },
  // cycles
  {
    id: 'flux-kustomization-cycle', title: 'Kustomizations depending on each other', category: 'cycles', stage: 'construct',
    path: 'platform/apps/a', prop: 'dependsOn', rule: 'dependency cycle: apps/a -> apps/b -> apps/a',
    build: (ctx) => {
      const source = git(ctx);
      const a = new Kustomization(ctx.folder, 'a', { name: 'a', source, path: './a', prune: true });
      new Kustomization(ctx.folder, 'b', { name: 'b', source, path: './b', prune: true, dependsOn: [a] });
      a.addDependsOn(ctx.folder.node.findChild('b') as Kustomization);
    },
  },
  {
    id: 'flux-kustomization-self-dependency', title: 'Kustomization depending on itself', category: 'cycles', stage: 'construct',
    path: 'platform/apps/a', prop: 'dependsOn', rule: 'dependency cycle: apps/a -> apps/a',
    build: (ctx) => {
      const a = new Kustomization(ctx.folder, 'a', { name: 'a', source: git(ctx), path: './a', prune: true });
      a.addDependsOn(a);
    },
  },
  {
    id: 'flux-helmrelease-cycle', title: 'HelmReleases depending on each other', category: 'cycles', stage: 'construct',
    path: 'platform/apps/db', prop: 'dependsOn', rule: 'dependency cycle: apps/db -> apps/app -> apps/db',
    build: (ctx) => {
      const repo = helmRepo(ctx);
      const db = new HelmRelease(ctx.folder, 'db', { name: 'db', chart: { repository: repo, chart: 'postgresql' } });
      const app = new HelmRelease(ctx.folder, 'app', { name: 'app', chart: { repository: repo, chart: 'podinfo' }, dependsOn: [db] });
      db.addDependsOn(app);
    },
  },
  // cross-namespace
  {
    id: 'flux-alert-provider-other-namespace', title: 'Alert using a Provider of another namespace', category: 'cross-namespace', stage: 'construct',
    path: 'platform/apps/alert', prop: 'provider', rule: 'must be in the Alert\'s namespace "apps" (got "monitoring")',
    build: (ctx) => {
      const provider = new NotificationProvider(ctx.folder, 'teams', { name: 'teams', namespace: 'monitoring', type: 'msteams', secretRef: 'teams-webhook' });
      new Alert(ctx.folder, 'alert', { name: 'alert', provider, eventSources: [git(ctx)] });
    },
  },
  {
    id: 'flux-tenant-source-other-namespace', title: 'tenant source outside the tenant namespace', category: 'cross-namespace', stage: 'construct',
    path: 'platform/apps/team-a', prop: 'repository',
    rule: 'the source must be in the tenant namespace "team-a" (got "apps"): cross-namespace references are refused with --no-cross-namespace-refs',
    build: (ctx) => new Tenant(ctx.folder, 'team-a', { name: 'team-a', repository: git(ctx) }),
  },
  {
    id: 'flux-kustomization-kubeconfig-other-namespace', title: 'kubeconfig Secret outside the Kustomization namespace', category: 'cross-namespace', stage: 'construct',
    path: 'platform/apps/apps', prop: 'kubeConfig', rule: 'the kubeconfig Secret fleet/aks-dev-kubeconfig must be in the Kustomization\'s namespace "apps"',
    build: (ctx) => new Kustomization(ctx.folder, 'apps', { name: 'apps', source: git(ctx), path: './apps', prune: true, kubeConfig: cluster(ctx, 'fleet') }),
  },
  {
    id: 'flux-git-include-other-namespace', title: 'GitRepository include from another namespace', category: 'cross-namespace', stage: 'construct',
    path: 'platform/apps/podinfo', prop: 'include[0].repository', rule: 'must be in namespace "apps" (got "shared")',
    build: (ctx) => {
      const shared = new GitRepository(ctx.folder, 'shared', { name: 'shared', namespace: 'shared', url: 'https://github.com/contoso/shared' });
      git(ctx, 'podinfo', { include: [{ repository: shared }] });
    },
  },
  {
    id: 'flux-hydration-namespace-mismatch', title: 'hydration namespace other than the kubeconfig Secret\'s', category: 'cross-namespace', stage: 'construct',
    path: 'platform/apps/aks-dev', prop: 'namespace',
    rule: '"apps" must be the namespace of the kubeconfig Secret fleet/aks-dev-kubeconfig (Flux reads it from the Kustomization\'s namespace)',
    build: (ctx) => new RemoteClusterHydration(ctx.folder, 'aks-dev', { cluster: cluster(ctx, 'fleet'), namespace: 'apps', source: git(ctx), stages: [{ name: 'infra', folder: './infrastructure' }] }),
  },
  // missing references
  {
    // A name string is a Secret managed outside the app (core resolveSecret); a Secret of the app must be in the source's namespace.
    id: 'flux-git-secret-other-namespace', title: 'GitRepository secretRef to a Secret of another namespace', category: 'cross-namespace', stage: 'construct',
    path: 'platform/apps/podinfo', prop: 'secretRef', rule: `Secret "git-credentials" (platform/apps/creds) is in namespace "infra", but it must be in namespace "apps" (${FLUX_SECRET_WHY})`,
    build: (ctx) => git(ctx, 'podinfo', { secretRef: ExistingSecret.fromName(ctx.folder, 'creds', { name: 'git-credentials', namespace: 'infra' }) }),
  },
  {
    id: 'flux-sops-secret-other-namespace', title: 'SOPS decryption key Secret in another namespace', category: 'cross-namespace', stage: 'construct',
    path: 'platform/apps/apps', prop: 'decryption.secretRef', rule: `Secret "sops-age" (platform/apps/age) is in namespace "flux-system", but it must be in namespace "apps" (${FLUX_SECRET_WHY})`,
    build: (ctx) => new Kustomization(ctx.folder, 'apps', {
      name: 'apps', source: git(ctx), path: './apps', prune: true, decryption: { provider: 'sops', secretRef: ExistingSecret.fromName(ctx.folder, 'age', { name: 'sops-age', namespace: 'flux-system' }) },
    }),
  },
  {
    id: 'flux-values-from-missing', title: 'HelmRelease valuesFrom a ConfigMap nobody creates', category: 'missing-references', stage: 'synth',
    path: 'platform/apps/podinfo', prop: 'valuesFrom[0]', rule: `refers to ConfigMap/apps/podinfo-values, ${UNRESOLVED}`,
    build: (ctx) => new HelmRelease(ctx.folder, 'podinfo', { name: 'podinfo', chart: { repository: helmRepo(ctx), chart: 'podinfo' }, valuesFrom: [{ kind: 'ConfigMap', name: 'podinfo-values' }] }),
  },
  {
    id: 'flux-service-account-missing', title: 'Kustomization impersonating a ServiceAccount nobody creates', category: 'missing-references', stage: 'synth',
    path: 'platform/apps/apps', prop: 'serviceAccountName', rule: `refers to ServiceAccount/apps/deployer, ${UNRESOLVED}`,
    build: (ctx) => new Kustomization(ctx.folder, 'apps', { name: 'apps', source: git(ctx), path: './apps', prune: true, serviceAccountName: 'deployer' }),
  },
  {
    id: 'flux-depends-on-other-cluster', title: 'dependsOn a Kustomization applied to another cluster', category: 'missing-references', stage: 'synth',
    path: 'platform/apps/apps', prop: 'dependsOn[0]', rule: `refers to Kustomization/apps/infra (kustomize.toolkit.fluxcd.io), ${UNRESOLVED}`,
    build: (ctx) => {
      const remote = ctx.repo.folder('remote', { cluster: 'aks-dev', namespace: 'apps' });
      const remoteSource = new GitRepository(remote, 'source', { name: 'podinfo', url: 'https://github.com/stefanprodan/podinfo' });
      const infra = new Kustomization(remote, 'infra', { name: 'infra', source: remoteSource, path: './infra', prune: true });
      new Kustomization(ctx.folder, 'apps', { name: 'apps', source: git(ctx), path: './apps', prune: true, dependsOn: [infra] });
    },
  },
  // inline secrets
  {
    id: 'flux-provider-webhook-address', title: 'Slack webhook URL given inline', category: 'inline-secrets', stage: 'construct',
    path: 'platform/apps/slack', prop: 'address', rule: 'a slack webhook URL is a credential: put it in the Secret\'s "address" key and pass secretRef',
    build: (ctx) => new NotificationProvider(ctx.folder, 'slack', { name: 'slack', type: 'slack', address: 'https://hooks.slack.com/services/T000/B000/XXXX' }),
  },
  {
    id: 'flux-substitute-github-token', title: 'GitHub token in post-build variables', category: 'inline-secrets', stage: 'synth',
    path: 'platform/apps/apps/Resource', prop: 'spec.postBuild.substitute.GITHUB_TOKEN', rule: 'looks like a GitHub token',
    message: 'platform/apps/apps/Resource: Kustomization/apps/apps: spec.postBuild.substitute.GITHUB_TOKEN: looks like a GitHub token; ' +
      'keep credentials out of Git: reference a Secret (SealedSecret, SOPS) instead, or call allowPlaintextSecret(obj, reason) if it is not a real credential',
    build: (ctx) => new Kustomization(ctx.folder, 'apps', {
      name: 'apps', source: git(ctx), path: './apps', prune: true, substitute: { GITHUB_TOKEN: `ghp_${'a1B2'.repeat(9)}` },
    }),
  },
  {
    id: 'flux-helm-values-password', title: 'password in Helm values', category: 'inline-secrets', stage: 'synth',
    path: 'platform/apps/db/Resource', prop: 'spec.values.auth.password', rule: 'looks like a literal value of the credential-named field password',
    message: 'platform/apps/db/Resource: HelmRelease/apps/db: spec.values.auth.password: looks like a literal value of the credential-named field password; ' +
      'keep credentials out of Git: reference a Secret (SealedSecret, SOPS) instead, or call allowPlaintextSecret(obj, reason) if it is not a real credential',
    build: (ctx) => new HelmRelease(ctx.folder, 'db', { name: 'db', chart: { repository: helmRepo(ctx), chart: 'postgresql' }, values: { auth: { password: 'hunter2' } } }),
  },
  // counts
  {
    id: 'flux-helmrelease-retries-negative', title: 'install remediation retries below -1', category: 'counts', stage: 'construct',
    path: 'platform/apps/podinfo', prop: 'install.remediationRetries', rule: 'must be an integer >= -1 (-1 retries forever), got -2',
    build: (ctx) => new HelmRelease(ctx.folder, 'podinfo', { name: 'podinfo', chart: { repository: helmRepo(ctx), chart: 'podinfo' }, install: { remediationRetries: -2 } }),
  },
  {
    id: 'flux-alert-no-event-sources', title: 'Alert without event sources', category: 'counts', stage: 'construct',
    path: 'platform/apps/alert', prop: 'eventSources', rule: 'needs at least one event source',
    build: (ctx) => {
      const provider = new NotificationProvider(ctx.folder, 'teams', { name: 'teams', type: 'msteams', secretRef: 'teams-webhook' });
      new Alert(ctx.folder, 'alert', { name: 'alert', provider, eventSources: [] });
    },
  },
  {
    id: 'flux-systems-sync-no-teams', title: 'SystemsSync without teams', category: 'counts', stage: 'construct',
    path: 'platform/apps/teams', prop: 'teams', rule: 'needs at least one team',
    build: (ctx) => new SystemsSync(ctx.folder, 'teams', { teams: [] }),
  },
];
