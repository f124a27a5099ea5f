// Example: a platform GitOps repo built with the Flux L2/L3 constructs.
// - three workload clusters (dev, test, prod) bootstrapped from the same repo, each tracking its
//   environment branch (dev, test, main: promotion by fast-forward PR), prod with overlay patches;
// - platform components (cert-manager, ingress-nginx, Linkerd, kube-prometheus-stack, KEDA) from
//   HelmRepositories / OCIRepositories, applied in order: infra controllers -> configs -> tenants;
// - Flux locked down for multi-tenancy on every cluster (`lockdown: true`: no cross-namespace
//   references, no remote bases, `default` ServiceAccount by default); the platform's
//   Kustomizations run as kustomize-controller and its HelmReleases as helm-controller;
// - a systems sync: three teams, each with its own repo applied as the team's ServiceAccount
//   (bound to the restricted tenant ClusterRole, never cluster-admin, no verbs on Secrets), its
//   Entra ID group bound to the same role in its namespace, a ResourceQuota, a LimitRange and a
//   default-deny NetworkPolicy (open to the ingress controller and Prometheus), alerts to its MS
//   Teams channel (webhook URL from a SealedSecret), and one ValidatingAdmissionPolicy + binding
//   refusing LoadBalancer and NodePort Services in every team namespace (also checked at synth
//   against the teams' repos below);
// - the teams' own repos: a Deployment and a ClusterIP Service each; team alpha's Deployment
//   reads a SealedSecret.
import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SealedSecret } from '../../imports/extras/bitnami.com';
import { declareSharedSealingKey } from '../../lib/sealing';
import { addProvided, declarePreinstalled, ExportedValue, GitOpsApp, Preinstalled, Repo } from '../../lib';
import {
  Environment,
  FluxBootstrap,
  HELM_CHART_LAYER,
  HelmRelease,
  HelmRepository,
  Kustomization,
  OCIRepository,
  Patches,
  SystemsSync,
} from '../../lib/flux';
import { placeholderCiphertext } from '../reference-app/aso';
import { platformComponents } from './components';

export const PLATFORM_GITOPS_URL = 'https://github.com/contoso/platform-gitops';
export const TEAMS = ['alpha', 'beta', 'gamma'] as const;
/** Object ids of the teams' Entra ID groups (placeholders). */
export const TEAM_GROUPS: Record<(typeof TEAMS)[number], string> = {
  alpha: '0b6f8a52-6c1e-4f4e-9a55-2f7c1d9e0a01',
  beta: '1c7a9b63-7d2f-4a5f-8b66-3a8d2eaf1b02',
  gamma: '2d8bac74-8e3a-4b6a-9c77-4b9e3fb02c03',
};

/** The ServiceAccount platform HelmReleases run as under the Flux lockdown. */
const HELM_ADMIN = 'helm-controller';


/** A SealedSecret, and the Secret the sealed-secrets controller writes from it (declared as provided). */
function sealedSecret(scope: Construct, id: string, name: string, namespace: string, keys: string[]): SealedSecret {
  const sealed = new SealedSecret(scope, id, {
    metadata: { name, namespace },
    spec: {
      // Placeholders of kubeseal's output shape: a real repo holds `kubeseal` output (never plaintext).
      encryptedData: Object.fromEntries(keys.map((k) => [k, placeholderCiphertext(`${namespace}/${name}/${k}`)])),
      template: { metadata: { name, namespace } },
    },
  });
  addProvided(sealed, { apiGroup: '', kind: 'Secret', name, namespace });
  return sealed;
}

export function platformGitops(app: GitOpsApp): void {
  const repo = new Repo(app, 'platform-gitops', { url: PLATFORM_GITOPS_URL });
  // dev, test and prod apply the same SealedSecrets: the platform team installs one sealing key on
  // the three clusters' sealed-secrets (docs/sealing.md), else each could decrypt only its own.
  declareSharedSealingKey(repo);

  // --- Platform components (shared base, applied by every cluster) ---------------------------
  const controllers = repo.folder('infrastructure/controllers', { namespace: 'flux-system' });
  // Flux is locked down (see the clusters below): platform HelmReleases run as helm-controller,
  // the controller's own ServiceAccount, created with Flux (gotk-components.yaml).
  addProvided(controllers, { apiGroup: '', kind: 'ServiceAccount', name: HELM_ADMIN, namespace: 'flux-system' });
  const certManagerChart = new OCIRepository(controllers, 'cert-manager-chart', {
    name: 'cert-manager',
    url: 'oci://quay.io/jetstack/charts/cert-manager',
    ref: { semver: '1.x' },
    layerSelector: HELM_CHART_LAYER,
    interval: '24h',
  });
  const certManager = new HelmRelease(controllers, 'cert-manager', {
    name: 'cert-manager',
    serviceAccountName: HELM_ADMIN,
    chartRef: certManagerChart,
    targetNamespace: 'cert-manager',
    createNamespace: true,
    values: { crds: { enabled: true, keep: true } },
    installsCrds: ['cert-manager.io', 'acme.cert-manager.io'], // the apply-order check: ClusterIssuers wait for it
    driftDetection: 'enabled',
  });
  const ingressRepo = new HelmRepository(controllers, 'ingress-nginx-repo', { name: 'ingress-nginx', url: 'https://kubernetes.github.io/ingress-nginx' });
  new HelmRelease(controllers, 'ingress-nginx', {
    name: 'ingress-nginx',
    serviceAccountName: HELM_ADMIN,
    chart: { repository: ingressRepo, chart: 'ingress-nginx', version: '4.x' },
    targetNamespace: 'ingress-nginx',
    createNamespace: true,
    values: { controller: { replicaCount: 1, service: { annotations: { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' } } } },
  });
  const linkerdRepo = new HelmRepository(controllers, 'linkerd-repo', { name: 'linkerd', url: 'https://helm.linkerd.io/edge' });
  const linkerdCrds = new HelmRelease(controllers, 'linkerd-crds', {
    name: 'linkerd-crds',
    serviceAccountName: HELM_ADMIN,
    chart: { repository: linkerdRepo, chart: 'linkerd-crds', version: '2025.x' },
    targetNamespace: 'linkerd',
    createNamespace: true,
  });
  // Linkerd's trust anchor certificate is public; its issuer key comes from a SealedSecret.
  new ApiObject(controllers, 'linkerd-trust-anchor', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'linkerd-trust-anchor' },
    data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIBjjCCATOgAwIBAgIQ (trust anchor, public)\n-----END CERTIFICATE-----\n' },
  });
  sealedSecret(controllers, 'linkerd-identity-issuer', 'linkerd-identity-issuer', 'flux-system', ['values.yaml']);
  new HelmRelease(controllers, 'linkerd-control-plane', {
    name: 'linkerd-control-plane',
    serviceAccountName: HELM_ADMIN,
    chart: { repository: linkerdRepo, chart: 'linkerd-control-plane', version: '2025.x' },
    targetNamespace: 'linkerd',
    dependsOn: [linkerdCrds, certManager],
    valuesFrom: [
      { kind: 'ConfigMap', name: 'linkerd-trust-anchor', valuesKey: 'ca.crt', targetPath: 'identityTrustAnchorsPEM' },
      { kind: 'Secret', name: 'linkerd-identity-issuer' },
    ],
  });
  const promChart = new OCIRepository(controllers, 'kube-prometheus-stack-chart', {
    name: 'kube-prometheus-stack',
    url: 'oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack',
    ref: { semver: '75.x' },
    layerSelector: HELM_CHART_LAYER,
  });
  new HelmRelease(controllers, 'kube-prometheus-stack', {
    name: 'kube-prometheus-stack',
    serviceAccountName: HELM_ADMIN,
    chartRef: promChart,
    targetNamespace: 'monitoring',
    createNamespace: true,
    install: { crds: 'Create' },
    upgrade: { crds: 'CreateReplace' },
    installsCrds: ['monitoring.coreos.com'],
    // Teams write PodMonitors in their namespaces (the tenant role has no ServiceMonitors): a
    // team's monitor selects its own namespace only.
    values: {
      prometheus: { prometheusSpec: { retention: '7d', ignoreNamespaceSelectors: true } },
      grafana: { enabled: true },
    },
  });
  const kedaRepo = new HelmRepository(controllers, 'keda-repo', { name: 'kedacore', url: 'https://kedacore.github.io/charts' });
  new HelmRelease(controllers, 'keda', {
    name: 'keda',
    serviceAccountName: HELM_ADMIN,
    chart: { repository: kedaRepo, chart: 'keda', version: '2.x' },
    targetNamespace: 'keda',
    createNamespace: true,
  });

  // Configs that need the controllers' CRDs (applied after them).
  const configs = repo.folder('infrastructure/configs');
  new ApiObject(configs, 'platform-settings', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'platform-settings', namespace: 'flux-system' },
    data: { environment: '${environment}', ingressClass: 'nginx' },
  });

  // --- Systems sync: one tenant per team ------------------------------------------------------
  const tenants = repo.folder('tenants');
  new SystemsSync(tenants, 'systems', {
    teams: TEAMS.map((team) => ({
      name: `team-${team}`,
      repository: { url: `https://github.com/contoso/team-${team}`, ref: { branch: 'main' }, secretRef: 'git-credentials' },
      path: './deploy',
      alert: { type: 'msteams' as const, secretRef: 'msteams-webhook', exclusionList: ['.*no changes.*'] },
      entraGroupObjectId: TEAM_GROUPS[team],
      networkPolicy: { ingressFromNamespaces: ['ingress-nginx', 'monitoring'] },
      // Gamma runs batch jobs: a larger quota than the default.
      ...(team === 'gamma' ? { resourceQuota: { hard: { 'requests.cpu': '8', 'limits.cpu': '16', 'count/jobs.batch': '20' } } } : {}),
    })),
  });
  for (const team of TEAMS) {
    sealedSecret(tenants, `team-${team}-msteams`, 'msteams-webhook', `team-${team}`, ['address']);
    sealedSecret(tenants, `team-${team}-git`, 'git-credentials', `team-${team}`, ['username', 'password']);
  }

  // --- Clusters: one per environment, branch per environment, prod overlay --------------------
  const environments = [
    Environment.branch('dev'),
    Environment.branch('test'),
    Environment.branch('prod', 'main', {
      patches: [
        Patches.helmValues('ingress-nginx', 'flux-system', { controller: { replicaCount: 3 } }),
        Patches.helmValues('kube-prometheus-stack', 'flux-system', { prometheus: { prometheusSpec: { retention: '30d' } } }),
      ],
    }),
  ];
  for (const env of environments) {
    const entry = repo.folder(`clusters/${env.name}`, { cluster: env.name, namespace: 'flux-system' });
    declarePreinstalled(entry, Preinstalled.SEALED_SECRETS);
    // Multi-tenant clusters: Flux locked down (no cross-namespace refs, no remote bases, default
    // ServiceAccount `default`); the platform's own Kustomizations run as kustomize-controller.
    // The folder lists the Flux install `flux bootstrap` commits (the controllers the lockdown patches).
    const fluxFolder = repo.folder(`clusters/${env.name}/flux-system`);
    const { source } = new FluxBootstrap(fluxFolder, 'flux', { repo, entry, environment: env, lockdown: true });
    const admin = 'kustomize-controller';
    const infraControllers = Kustomization.forFolder(entry, 'infra-controllers', controllers, {
      name: 'infra-controllers', source, prune: true, wait: true, interval: '1h', retryInterval: '2m', timeout: '10m', serviceAccountName: admin,
      ...env.kustomizationProps(),
    });
    const infraConfigs = Kustomization.forFolder(entry, 'infra-configs', configs, {
      name: 'infra-configs', source, prune: true, interval: '1h', retryInterval: '2m', timeout: '5m', serviceAccountName: admin,
      dependsOn: [infraControllers],
      substitute: { environment: env.name },
    });
    platformComponents(repo, env.name, entry, source, [infraControllers]);
    Kustomization.forFolder(entry, 'tenants', tenants, {
      name: 'tenants', source, prune: true, interval: '1h', timeout: '5m', serviceAccountName: admin,
      dependsOn: [infraConfigs],
    });
  }

  // --- The teams' own repos ---------------------------------------------------------------------
  for (const team of TEAMS) {
    const teamRepo = new Repo(app, `team-${team}`, { url: `https://github.com/contoso/team-${team}` });
    declareSharedSealingKey(teamRepo); // its SealedSecrets reach the three clusters too
    const deploy = teamRepo.folder('deploy', { namespace: `team-${team}` });
    const labels = { 'app.kubernetes.io/name': `${team}-api`, 'app.kubernetes.io/part-of': `team-${team}` };
    const deployment = new kplus.Deployment(deploy, 'api', {
      metadata: { name: `${team}-api`, labels },
      select: false,
      podMetadata: { labels },
      replicas: 2,
      containers: [{ name: 'api', image: 'ghcr.io/stefanprodan/podinfo:6.9.2', portNumber: 9898, securityContext: { user: 1000, group: 1000 } }],
    });
    deployment.select(kplus.LabelSelector.of({ labels }));
    // ClusterIP: the tenant Service policy refuses LoadBalancer and NodePort (synth checks it too).
    const svc = new kplus.Service(deploy, 'api-service', {
      metadata: { name: `${team}-api`, labels },
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [{ port: 80, targetPort: 9898 }],
    });
    for (const [k, v] of Object.entries(labels)) svc.selectLabel(k, v);
    // cdk8s-plus labels pod templates with the construct address; drop it so only our labels remain.
    ApiObject.of(deployment).addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    if (team === 'alpha') {
      sealedSecret(deploy, 'db', 'alpha-db', 'team-alpha', ['password']);
      const password = new ExportedValue(() => ({ kind: 'Secret', name: 'alpha-db', namespace: 'team-alpha', key: 'password' }));
      deployment.containers[0].env.addVariable('DB_PASSWORD', password.envValue(deployment, 'env.DB_PASSWORD'));
    }
  }
}
