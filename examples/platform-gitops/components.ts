// Per-environment platform components as kustomize bases and overlays:
// - `platform/base`: the shared definition (external-dns for the clusters' private DNS zone, the
//   cert-manager ClusterIssuer, a blackbox exporter probing the platform's endpoints);
// - `platform/components/ha`: a kustomize Component (PodDisruptionBudget + 2 replicas) that the
//   test and prod overlays opt into;
// - `platform/overlays/<env>`: one overlay per environment (DNS domain, ACME server, registry mirror),
//   applied by the environment's own Flux Kustomization after the infrastructure controllers.
// Hooked into app.ts with one line in its per-environment loop.
// Every patch names its target by construct, so kinds and names are never typed by hand.
import { ApiObject, JsonPatch } from 'cdk8s';
import { Folder, GitOpsApp, KustomizeComponent, KustomizePatch, Overlay, Repo } from '../../lib';
import { HelmRelease, HelmRepository, IKustomization, ISource, Kustomization } from '../../lib/flux';

interface PlatformBase {
  readonly base: Folder;
  readonly ha: KustomizeComponent;
  readonly externalDns: HelmRelease;
  readonly issuer: ApiObject;
}

const bases = new WeakMap<Repo, PlatformBase>();

const EXPORTER_LABELS = { 'app.kubernetes.io/name': 'blackbox-exporter', 'app.kubernetes.io/part-of': 'platform' };

/**
 * Where the clusters' private DNS zones are, and the managed identity external-dns writes them as
 * (workload identity: federated with the `external-dns` ServiceAccount, "Private DNS Zone
 * Contributor" on the zones' resource group). Placeholders: replace with yours.
 */
const DNS_AZURE = {
  tenantId: '00000000-0000-0000-0000-0000000000aa',
  subscriptionId: '00000000-0000-0000-0000-000000000001',
  resourceGroup: 'rg-platform-dns',
  clientId: '00000000-0000-0000-0000-0000000000d5',
};

/** The base and the HA component, created once per repo. */
function platformBase(repo: Repo): PlatformBase {
  const existing = bases.get(repo);
  if (existing) return existing;
  const base = repo.folder('platform/base');
  const dnsRepo = new HelmRepository(base, 'external-dns-repo', { name: 'external-dns', namespace: 'flux-system', url: 'https://kubernetes-sigs.github.io/external-dns' });
  // external-dns' Azure providers read /etc/kubernetes/azure.json (--azure-config-file): without
  // it the pod exits at start. With workload identity the file holds no secret (a ConfigMap), and
  // the Namespace is the base's, so the ConfigMap is applied before the release needs it.
  new ApiObject(base, 'external-dns-namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'external-dns' } });
  new ApiObject(base, 'external-dns-azure', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'external-dns-azure', namespace: 'external-dns' },
    data: {
      'azure.json': JSON.stringify({ tenantId: DNS_AZURE.tenantId, subscriptionId: DNS_AZURE.subscriptionId, resourceGroup: DNS_AZURE.resourceGroup, useWorkloadIdentityExtension: true }, null, 2),
    },
  });
  const externalDns = new HelmRelease(base, 'external-dns', {
    name: 'external-dns',
    namespace: 'flux-system',
    chart: { repository: dnsRepo, chart: 'external-dns', version: '1.x' },
    targetNamespace: 'external-dns',
    serviceAccountName: 'helm-controller', // Flux is locked down: platform HelmReleases run as helm-controller
    values: {
      provider: { name: 'azure-private-dns' },
      policy: 'upsert-only',
      domainFilters: ['dev.contoso.internal'],
      txtOwnerId: 'dev',
      // Workload identity: the webhook injects the token into pods labelled so, for the client id
      // the ServiceAccount names.
      serviceAccount: { annotations: { 'azure.workload.identity/client-id': DNS_AZURE.clientId } },
      podLabels: { 'azure.workload.identity/use': 'true' },
      extraVolumes: [{ name: 'azure-config-file', configMap: { name: 'external-dns-azure' } }],
      extraVolumeMounts: [{ name: 'azure-config-file', mountPath: '/etc/kubernetes', readOnly: true }],
    },
  });
  // cert-manager's CRDs are not bundled with the library: its ClusterIssuer is accepted
  // unvalidated (listed in the secure-baseline report with this reason). An app that imports
  // cert-manager's CRDs (cdk8s.yaml `imports:` or the GitOpsApp prop `crds`) gets it validated.
  GitOpsApp.of(base).addUnvalidatedKind('cert-manager.io/ClusterIssuer', "cert-manager's CRDs are not bundled");
  const issuer = new ApiObject(base, 'letsencrypt', {
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: { name: 'letsencrypt' },
    spec: {
      acme: {
        email: 'platform@contoso.com',
        server: 'https://acme-staging-v02.api.letsencrypt.org/directory',
        privateKeySecretRef: { name: 'letsencrypt-account-key' },
        // ClusterIP: the default solver Service is a NodePort, which tenant namespaces refuse
        // (TenantServicePolicy, quota), so tenants' certificates would never issue.
        solvers: [{ http01: { ingress: { ingressClassName: 'nginx', serviceType: 'ClusterIP' } } }],
      },
    },
  });
  const blackbox = new ApiObject(base, 'blackbox-exporter', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'blackbox-exporter', namespace: 'monitoring', labels: EXPORTER_LABELS },
    spec: {
      replicas: 1,
      selector: { matchLabels: EXPORTER_LABELS },
      template: {
        metadata: { labels: EXPORTER_LABELS },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'blackbox-exporter',
            image: 'quay.io/prometheus/blackbox-exporter:v0.25.0',
            ports: [{ name: 'http', containerPort: 9115 }],
            resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          }],
        },
      },
    },
  });
  // High availability, opted into per environment.
  const ha = repo.component('platform/components/ha', {
    patches: [KustomizePatch.json6902(blackbox, JsonPatch.replace('/spec/replicas', 2))],
  });
  new ApiObject(ha, 'blackbox-exporter-pdb', {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'blackbox-exporter', namespace: 'monitoring' },
    spec: { minAvailable: 1, selector: { matchLabels: EXPORTER_LABELS } },
  });
  const made = { base, ha, externalDns, issuer };
  bases.set(repo, made);
  return made;
}

/**
 * The platform components overlay of one environment, and the Flux Kustomization in the
 * environment's cluster folder (`entry`) that applies it after `dependsOn`.
 */
export function platformComponents(repo: Repo, env: string, entry: Folder, source: ISource, dependsOn: IKustomization[]): Overlay {
  const { base, ha, externalDns, issuer } = platformBase(repo);
  const prod = env === 'prod';
  const overlay = repo.overlay(`platform/overlays/${env}`, {
    base,
    cluster: env,
    labels: { 'platform.contoso.com/environment': env },
    components: env === 'dev' ? [] : [ha],
    patches: [
      KustomizePatch.strategicMerge(externalDns, {
        spec: { values: { domainFilters: [`${env}.contoso.internal`], txtOwnerId: env, ...(prod ? { policy: 'sync' } : {}) } },
      }),
      ...(prod ? [KustomizePatch.json6902(issuer, JsonPatch.replace('/spec/acme/server', 'https://acme-v02.api.letsencrypt.org/directory'))] : []),
    ],
    // Prod pulls the exporter from the platform's registry mirror (same tag).
    images: prod ? [{ name: 'quay.io/prometheus/blackbox-exporter', newName: 'contosoplatform.azurecr.io/prometheus/blackbox-exporter' }] : [],
  });
  Kustomization.forFolder(entry, 'platform-components', overlay, {
    name: 'platform-components', source, prune: true, wait: true, interval: '1h', retryInterval: '2m', timeout: '5m',
    serviceAccountName: 'kustomize-controller', // Flux is locked down: platform Kustomizations run as kustomize-controller
    dependsOn,
  });
  return overlay;
}
