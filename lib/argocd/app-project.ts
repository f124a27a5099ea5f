import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as l1 from '../../imports/extras/argoproj.io';
import { recordOptOut } from '../core/baseline';
import { checkString, DNS_LABEL, propError } from '../core/errors';
import { importResource, IPlatformResource, PlatformResource, ResourceImportProps } from '../core/resource';
import { ARGOCD_CASCADE_FINALIZER } from '../safety/protection';
import { Repo } from '../gitops/repo';
import { ArgoObjectProps, argoIdentity, argoImportProps, ARGOCD_API_VERSION, ARGOCD_GROUP, DEFAULT_ARGOCD_NAMESPACE, ClusterTarget, GroupKind, renderCluster, renderGroupKinds, subscriptionAnnotations } from './common';

/**
 * An Argo CD project an Application can belong to: an {@link AppProject} or an import
 * ({@link AppProject.fromName}). Its `name` is what `spec.project` of an Application names.
 */
export interface IAppProject extends IPlatformResource {}

/** The kind {@link AppProject.fromName} imports. */
const APP_PROJECT_KIND = { apiGroup: ARGOCD_GROUP, kind: 'AppProject', apiVersion: ARGOCD_API_VERSION, nameRule: DNS_LABEL, defaultNamespace: DEFAULT_ARGOCD_NAMESPACE };

/** A destination an AppProject permits: a cluster and a namespace pattern. */
export interface ProjectDestination {
  /** The cluster. @default - in-cluster (`https://kubernetes.default.svc`) */
  readonly cluster?: ClusterTarget;
  /** Namespace (a name, or a glob such as `team-alpha-*`; `*` is recorded as an opt-out). */
  readonly namespace: string;
}

/** What a project role may do with the project's Applications. */
export type ProjectAccess = 'admin' | 'sync' | 'read-only';

/** A project role: Argo CD RBAC for the members of SSO groups, limited to the project. */
export interface ProjectRole {
  /** Role name (DNS label). */
  readonly name: string;
  /** Description. @default - none */
  readonly description?: string;
  /**
   * SSO groups bound to the role, as they appear in the OIDC `groups` claim (for Entra ID: the
   * group's object id).
   */
  readonly groups: string[];
  /**
   * What the role may do: `admin` (every action on the project's Applications), `sync` (get and
   * sync), `read-only` (get). Each also reads the logs of the Applications' pods (`logs, get`:
   * Argo CD 3.0 enforces it as a resource of its own, which `applications, *` does not cover;
   * argo-cd docs/operator-manual/upgrading/2.14-3.0.md).
   * @default 'read-only'
   */
  readonly access?: ProjectAccess;
}

/** Props of an {@link AppProject}. */
export interface AppProjectProps extends ArgoObjectProps {
  /** Description. @default - none */
  readonly description?: string;
  /**
   * Repositories Applications of the project may deploy from: {@link Repo}s of the app (their
   * `url`) or URLs (globs allowed; `*` is recorded as an opt-out of the secure baseline).
   */
  readonly sourceRepos: Array<Repo | string>;
  /** Where Applications of the project may deploy. At least one. */
  readonly destinations: ProjectDestination[];
  /**
   * Cluster-scoped kinds Applications may create. Empty: none at all (Argo CD denies every
   * cluster-scoped kind a project does not list).
   * @default [] (no cluster-scoped objects)
   */
  readonly clusterResourceWhitelist?: GroupKind[];
  /** Cluster-scoped kinds denied even when whitelisted. @default - none */
  readonly clusterResourceBlacklist?: GroupKind[];
  /**
   * Namespaced kinds Applications may create (when set, nothing else is allowed).
   * @default - every namespaced kind not in `namespaceResourceBlacklist`
   */
  readonly namespaceResourceWhitelist?: GroupKind[];
  /** Namespaced kinds denied. @default - none */
  readonly namespaceResourceBlacklist?: GroupKind[];
  /** Project roles (SSO groups → access to the project's Applications). @default - none */
  readonly roles?: ProjectRole[];
  /**
   * Namespaces Applications of this project may live in besides Argo CD's own ("applications in
   * any namespace").
   * @default - none
   */
  readonly sourceNamespaces?: string[];
  /**
   * Keep the project until no Application uses it (`resources-finalizer.argocd.argoproj.io`).
   * @default true
   */
  readonly finalizer?: boolean;
}

const SOURCE_REPO = /^(\*|[a-z][a-z0-9+.-]*:\/\/\S+|git@\S+|[A-Za-z0-9.*-]+\/\S*)$/;

/**
 * An Argo CD `AppProject`: which repositories its Applications may deploy from, to which
 * clusters and namespaces, which kinds they may create, and who may do what (roles bound to SSO
 * groups). Secure by default: no cluster-scoped kind is allowed unless listed, and every
 * destination is a named namespace.
 *
 * @example
 * new AppProject(folder, 'team-alpha', {
 *   name: 'team-alpha',
 *   sourceRepos: [teamRepo],
 *   destinations: [{ cluster: aksDev, namespace: 'team-alpha' }],
 *   roles: [{ name: 'team', groups: ['5f1c8f0e-3c4b-4f7a-9d2e-1a2b3c4d5e6f'], access: 'admin' }],
 * });
 */
export class AppProject extends PlatformResource implements IAppProject {
  /**
   * Imports a project owned elsewhere (declared as provided, so Applications may refer to it).
   * `namespace` defaults to `argocd`, like {@link AppProjectProps.namespace}.
   *
   * @example
   * const platform = AppProject.fromName(folder, 'platform', { name: 'platform' });
   */
  public static fromName(scope: Construct, id: string, props: ResourceImportProps): IAppProject {
    return importResource(scope, id, APP_PROJECT_KIND, argoImportProps(props));
  }

  /** The `default` project every Argo CD installation has (it allows everything: prefer a project of your own). */
  public static default(scope: Construct, id: string, namespace = DEFAULT_ARGOCD_NAMESPACE): IAppProject {
    return AppProject.fromName(scope, id, { name: 'default', namespace });
  }

  /** The L1 object. */
  public readonly apiObject: l1.AppProject;
  private readonly repos: string[] = [];
  private readonly dests: Array<{ name?: string; server?: string; namespace: string }> = [];
  private readonly roleList: ProjectRole[] = [];

  public constructor(scope: Construct, id: string, props: AppProjectProps) {
    super(scope, id);
    const { name, namespace } = argoIdentity(this, props);
    if (!props.sourceRepos || props.sourceRepos.length === 0) throw propError(this, 'sourceRepos', 'must list at least one repository (a Repo or a URL)');
    props.sourceRepos.forEach((r) => this.addSourceRepo(r));
    if (!props.destinations || props.destinations.length === 0) throw propError(this, 'destinations', 'must list at least one destination');
    props.destinations.forEach((d) => this.addDestination(d));
    const clusterWhite = renderGroupKinds(this, 'clusterResourceWhitelist', props.clusterResourceWhitelist ?? []) ?? [];
    const clusterBlack = renderGroupKinds(this, 'clusterResourceBlacklist', props.clusterResourceBlacklist);
    const nsWhite = renderGroupKinds(this, 'namespaceResourceWhitelist', props.namespaceResourceWhitelist);
    const nsBlack = renderGroupKinds(this, 'namespaceResourceBlacklist', props.namespaceResourceBlacklist);
    if (clusterWhite.some((g) => g.group === '*' && g.kind === '*')) recordOptOut(this, 'clusterResourceWhitelist', '*/*', 'Applications of the project may create any cluster-scoped object');
    (props.sourceNamespaces ?? []).forEach((ns, i) => checkString(this, `sourceNamespaces[${i}]`, ns, { min: 1, max: 63, pattern: /^[a-z0-9*]([-a-z0-9*]*[a-z0-9*])?$/, description: 'a namespace name or glob' }));
    (props.roles ?? []).forEach((r) => this.addRole(r));
    const annotations = subscriptionAnnotations(this, 'subscriptions', props.subscriptions);

    this.apiObject = new l1.AppProject(this, 'Resource', {
      metadata: {
        name,
        namespace,
        ...(props.labels ? { labels: props.labels } : {}),
        ...(Object.keys(annotations).length ? { annotations } : {}),
        ...((props.finalizer ?? true) ? { finalizers: [ARGOCD_CASCADE_FINALIZER] } : {}),
      },
      spec: Lazy.any({
        produce: (): l1.AppProjectSpec => ({
          ...(props.description ? { description: props.description } : {}),
          sourceRepos: [...new Set(this.repos)].sort(),
          destinations: this.dests.map((d) => ({ ...d })),
          clusterResourceWhitelist: clusterWhite,
          ...(clusterBlack ? { clusterResourceBlacklist: clusterBlack } : {}),
          ...(nsWhite ? { namespaceResourceWhitelist: nsWhite } : {}),
          ...(nsBlack ? { namespaceResourceBlacklist: nsBlack } : {}),
          ...(this.roleList.length ? { roles: this.roleList.map((r) => this.renderRole(r)) } : {}),
          ...(props.sourceNamespaces?.length ? { sourceNamespaces: [...props.sourceNamespaces] } : {}),
        }),
      }),
    });
  }

  /** Permits another source repository (a Repo of the app, or a URL). */
  public addSourceRepo(repo: Repo | string): void {
    const prop = `sourceRepos[${this.repos.length}]`;
    const url = Repo.isRepo(repo) ? repo.url : repo;
    if (url === undefined) throw propError(this, prop, `repo "${(repo as Repo).node.id}" has no url: give the Repo a url`);
    if (typeof url !== 'string' || !SOURCE_REPO.test(url)) throw propError(this, prop, `"${String(url)}" must be a repository URL (https://..., ssh://..., git@...) or a glob`);
    if (url === '*') recordOptOut(this, 'sourceRepos', '*', 'Applications of the project may deploy from any repository');
    this.repos.push(url);
  }

  /** Permits another destination. */
  public addDestination(d: ProjectDestination): void {
    const prop = `destinations[${this.dests.length}]`;
    checkString(this, `${prop}.namespace`, d.namespace, { min: 1, max: 63, pattern: /^(\*|!?[a-z0-9*]([-a-z0-9*]*[a-z0-9*])?)$/, description: 'a namespace name or glob (e.g. "team-alpha" or "team-alpha-*")' });
    if (d.namespace === '*') recordOptOut(this, `${prop}.namespace`, '*', 'Applications of the project may deploy to any namespace');
    this.dests.push({ ...renderCluster(this, `${prop}.cluster`, d.cluster), namespace: d.namespace });
  }

  /** Adds a project role. */
  public addRole(role: ProjectRole): void {
    const prop = `roles[${this.roleList.length}]`;
    checkString(this, `${prop}.name`, role.name, DNS_LABEL);
    if (this.roleList.some((r) => r.name === role.name)) throw propError(this, `${prop}.name`, `"${role.name}" is used by another role`);
    if (!role.groups || role.groups.length === 0) throw propError(this, `${prop}.groups`, 'must list at least one SSO group');
    role.groups.forEach((g, i) => checkString(this, `${prop}.groups[${i}]`, g, { min: 1, max: 256, pattern: /^[^,\s][^,]*$/, description: 'a group name or id as in the OIDC groups claim (no ",")' }));
    if (role.access !== undefined && !['admin', 'sync', 'read-only'].includes(role.access)) throw propError(this, `${prop}.access`, `"${String(role.access)}" must be admin, sync or read-only`);
    this.roleList.push(role);
  }

  private renderRole(r: ProjectRole): l1.AppProjectSpecRoles {
    const subject = `proj:${this.name}:${r.name}`;
    const object = `${this.name}/*`;
    const actions = { 'admin': ['*'], 'sync': ['get', 'sync'], 'read-only': ['get'] }[r.access ?? 'read-only'];
    return {
      name: r.name,
      ...(r.description ? { description: r.description } : {}),
      groups: [...r.groups],
      policies: [...actions.map((a) => `p, ${subject}, applications, ${a}, ${object}, allow`), `p, ${subject}, logs, get, ${object}, allow`],
    };
  }
}
