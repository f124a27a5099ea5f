import { ENTRA_OBJECT_ID } from '../core/azure-roles';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkString, DNS_LABEL, propError } from '../core/errors';
import { podSecurityNamespaceLabels, PodSecurityLevel } from '../core/pod-security';
import { TENANT_POLICY_LABEL, TENANT_POLICY_VALUE } from '../flux/tenant-policy';
import { Folder } from '../gitops/folder';
import { Repo } from '../gitops/repo';
import { AppProject, ProjectAccess } from './app-project';
import { Application } from './application';
import { ClusterTarget, GroupKind, isKubeconfigCluster, Subscription, TEAMS_SERVICE } from './common';

/** The label put on a team's namespaces. */
export const TEAM_LABEL = 'platform.cdk8s.io/team';

/**
 * The namespaced kinds a team project may deploy by default: the kinds the Flux tenant role lets
 * a tenant write (`tenantRoleRules`), so both engines give teams the same power. No core Secrets
 * (a team ships secrets as SealedSecrets; a Secret in the team's repo could overwrite a platform
 * Secret of the namespace, such as the ASO credential), no RBAC, quotas, limit ranges or Argo CD
 * objects; Services only with `allowServices` (RBAC and Argo CD cannot restrict their type: the
 * team's Namespace carries the `TenantServicePolicy` label, so put a `flux.TenantServicePolicy`
 * on the cluster, e.g. in the `namespaceFolder`, to refuse LoadBalancer and NodePort).
 */
export function teamNamespaceResources(options: { readonly allowServices?: boolean } = {}): GroupKind[] {
  const kinds: Array<[string, string]> = [
    ['', 'ConfigMap'], ['', 'PersistentVolumeClaim'], ['', 'ServiceAccount'],
    ...(options.allowServices ? ([['', 'Service']] as Array<[string, string]>) : []),
    ['apps', 'Deployment'], ['apps', 'StatefulSet'],
    ['batch', 'CronJob'], ['batch', 'Job'],
    ['autoscaling', 'HorizontalPodAutoscaler'],
    ['policy', 'PodDisruptionBudget'],
    ['networking.k8s.io', 'Ingress'], ['networking.k8s.io', 'NetworkPolicy'],
    ['bitnami.com', 'SealedSecret'],
    ['keda.sh', 'ScaledJob'], ['keda.sh', 'ScaledObject'], ['keda.sh', 'TriggerAuthentication'],
    ['monitoring.coreos.com', 'PodMonitor'], ['monitoring.coreos.com', 'PrometheusRule'],
  ];
  return kinds.map(([group, kind]) => ({ group, kind }));
}

/** A cluster the team deploys to. */
export interface TeamCluster {
  /** The cluster. @default - in-cluster */
  readonly cluster?: ClusterTarget;
  /**
   * A platform folder applied to that cluster where the team's Namespace is created (so the
   * team project needs no cluster-scoped permission). The team's Application then retries
   * without limit: its first syncs fail until the platform's Application has created the
   * namespace. Without it, the team's Application creates
   * the namespace (`CreateNamespace=true`) and the project may create that one Namespace by name.
   * @default - created by the team's Application
   */
  readonly namespaceFolder?: Folder;
}

/** Props of a {@link TeamProject}. */
export interface TeamProjectProps {
  /** Team name: the project, the Applications' prefix, the role subject and (by default) the namespace. */
  readonly name: string;
  /** The team's namespace on every cluster. @default - the team name */
  readonly namespace?: string;
  /** The folder of the team's own repo (a Repo with a url) deployed into the namespace. */
  readonly source: Folder;
  /** The clusters the team deploys to. @default [{}] (in-cluster) */
  readonly clusters?: TeamCluster[];
  /** The team's Entra ID group (object id, as in the OIDC groups claim): bound to the project role `team`. */
  readonly entraGroupId: string;
  /** What the team's group may do with its Applications. @default 'sync' */
  readonly access?: ProjectAccess;
  /**
   * The team's Teams channel: Applications and the project subscribe it (service `teams-workflows`) to
   * `alertTriggers`. The channel's webhook URL lives in the `argocd-notifications-secret` (key
   * `<channel>-teams-url`, see `teamsServiceConfig`), never in Git.
   * @default - no alerts
   */
  readonly teamsChannel?: string;
  /** Triggers the channel is subscribed to. @default ['on-sync-failed', 'on-health-degraded'] */
  readonly alertTriggers?: string[];
  /** Let the team deploy Services (see {@link teamNamespaceResources}). @default false */
  readonly allowServices?: boolean;
  /** Namespace of Argo CD. @default 'argocd' */
  readonly argoCdNamespace?: string;
  /**
   * The Pod Security Standards level enforced in the team's namespace (label
   * `pod-security.kubernetes.io/enforce`; `warn` and `audit` are `restricted`), as on a Flux
   * `Tenant`: without it the namespace gets the cluster's default, `privileged` on AKS, and a
   * team that may create Deployments can run privileged pods with the host's namespaces.
   * `privileged` is recorded as an opt-out of the secure baseline.
   * @default 'baseline'
   */
  readonly podSecurity?: PodSecurityLevel;
}


/**
 * One team on Argo CD — one repo, one namespace, one Entra group, one project: an
 * {@link AppProject} that may deploy only from the team's repo, only into the team's namespace
 * on the team's clusters, only the kinds of {@link teamNamespaceResources} and no cluster-scoped
 * kind; a project role `team` for the team's Entra group; one {@link Application} per cluster
 * deploying the team's folder; optional Teams alerts. The counterpart of the Flux `Tenant`.
 *
 * @example
 * new TeamProject(mgmt, 'team-alpha', {
 *   name: 'team-alpha',
 *   source: alphaRepo.folder('deploy'),
 *   clusters: [{ cluster: aksDev, namespaceFolder: repo.folder('infrastructure/aks-dev') }],
 *   entraGroupId: '5f1c8f0e-3c4b-4f7a-9d2e-1a2b3c4d5e6f',
 *   teamsChannel: 'team-alpha',
 * });
 */
export class TeamProject extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  /** The team's project. */
  public readonly project: AppProject;
  /** The team's Applications, one per cluster. */
  public readonly applications: Application[] = [];

  public constructor(scope: Construct, id: string, props: TeamProjectProps) {
    super(scope, id);
    this.name = checkString(this, 'name', props.name, DNS_LABEL);
    const ns = (this.namespace = checkString(this, 'namespace', props.namespace ?? props.name, DNS_LABEL));
    if (typeof props.entraGroupId !== 'string' || !ENTRA_OBJECT_ID.test(props.entraGroupId)) {
      throw propError(this, 'entraGroupId', `"${String(props.entraGroupId)}" must be the Entra ID group's object id (a lowercase GUID such as 5f1c8f0e-3c4b-4f7a-9d2e-1a2b3c4d5e6f)`);
    }
    if (!Folder.isFolder(props.source)) throw propError(this, 'source', 'must be a Folder of the team\'s Repo');
    const repo = Repo.of(props.source);
    const clusters = props.clusters ?? [{}];
    if (clusters.length === 0) throw propError(this, 'clusters', 'must list at least one cluster');
    const subscriptions: Subscription[] = props.teamsChannel
      ? (props.alertTriggers ?? ['on-sync-failed', 'on-health-degraded']).map((trigger) => ({ trigger, service: TEAMS_SERVICE, recipients: [props.teamsChannel!] }))
      : [];
    const createsNamespace = clusters.some((c) => !c.namespaceFolder);
    // The same labels on the Namespace whoever creates it: the platform's folder, or the team's
    // Application (managedNamespaceMetadata), so the Service policy and Pod Security apply either way.
    const namespaceLabels = {
      ...podSecurityNamespaceLabels(this, 'team.podSecurity', props.podSecurity ?? 'baseline'),
      [TEAM_LABEL]: this.name,
      [TENANT_POLICY_LABEL]: TENANT_POLICY_VALUE,
    };
    this.project = new AppProject(this, 'Project', {
      name: this.name,
      namespace: props.argoCdNamespace,
      labels: { [TEAM_LABEL]: this.name },
      description: `Team ${this.name}: repo ${repo.url ?? repo.node.id}, namespace ${ns}`,
      sourceRepos: [repo],
      destinations: clusters.map((c) => ({ cluster: c.cluster, namespace: ns })),
      clusterResourceWhitelist: createsNamespace ? [{ group: '', kind: 'Namespace', name: ns }] : [],
      namespaceResourceWhitelist: teamNamespaceResources({ allowServices: props.allowServices }),
      roles: [{ name: 'team', description: `Members of Entra group ${props.entraGroupId}`, groups: [props.entraGroupId], access: props.access ?? 'sync' }],
      subscriptions,
    });
    const names = new Set<string>();
    clusters.forEach((c, i) => {
      const clusterName = c.cluster === undefined ? 'in-cluster' : isKubeconfigCluster(c.cluster) ? c.cluster.clusterName : 'name' in c.cluster ? c.cluster.name : `cluster-${i}`;
      const appName = clusters.length === 1 ? this.name : `${this.name}-${clusterName}`;
      if (names.has(appName)) throw propError(this, `clusters[${i}]`, `cluster "${clusterName}" is listed twice`);
      names.add(appName);
      if (c.namespaceFolder) {
        const id = `TeamNamespace-${ns}`;
        if (!c.namespaceFolder.node.tryFindChild(id)) {
          new ApiObject(c.namespaceFolder, id, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: namespaceLabels } });
        }
      }
      this.applications.push(new Application(this, `App-${clusterName}`, {
        name: appName,
        namespace: props.argoCdNamespace,
        labels: { [TEAM_LABEL]: this.name },
        project: this.project,
        source: props.source,
        destination: { cluster: c.cluster, namespace: ns },
        createNamespace: !c.namespaceFolder,
        ...(c.namespaceFolder ? {} : { managedNamespaceMetadata: { labels: namespaceLabels } }),
        // The namespace comes from another Application, and Argo CD orders nothing across
        // Applications: a new team's first syncs fail ("namespace not found") until the platform's
        // Application has synced it (its next poll: up to 3 minutes), and after the last retry
        // auto-sync skips the team's revision for good (argo-cd docs user-guide/auto_sync.md).
        ...(c.namespaceFolder ? { retry: { limit: -1 } } : {}),
        subscriptions,
      }));
    });
  }
}
