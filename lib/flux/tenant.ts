import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { recordOptOut } from '../core/baseline';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { addReference } from '../core/references';
import { Folder } from '../gitops/folder';
import { checkRelativePath, FluxDuration, ISource } from './common';
import { GitRef, GitRepository } from './git-repository';
import { Kustomization } from './kustomization';
import { Alert, NotificationProvider } from './notification';

/** The restricted ClusterRole tenants are bound to (in their namespace) by default. */
export const TENANT_CLUSTER_ROLE = 'cdk8s-platform-tenant';
/** The label flux marks tenant objects with (as `flux create tenant`). */
export const TENANT_LABEL = 'toolkit.fluxcd.io/tenant';

const RW = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const RO = ['get', 'list', 'watch'];

/**
 * The rules of the default tenant ClusterRole. Bound with a RoleBinding, they only ever apply in
 * the tenant's namespace. What RBAC can and cannot express:
 * - RBAC grants verbs on resources (kinds); it cannot look at field values. So it cannot allow a
 *   `Service` of type ClusterIP while refusing type LoadBalancer or NodePort. The default role
 *   therefore grants **no write access to Services** at all: a team whose repo contains a Service
 *   (LoadBalancer by mistake, or not) gets a permission error from Flux instead of an Azure load
 *   balancer. Platforms that let teams write Services pass `allowServices` and must add an
 *   admission policy (ValidatingAdmissionPolicy, Kyverno, Gatekeeper) refusing LoadBalancer and
 *   NodePort types.
 * - No RBAC objects (Roles, RoleBindings: privilege escalation), ResourceQuotas, LimitRanges,
 *   Namespaces or any cluster-scoped kind; no Flux objects (nested Kustomizations would run with
 *   the controller's identity unless kustomize-controller runs with `--default-service-account`).
 * - Workloads, config, Secrets (SOPS-decrypted or sealed), autoscaling, disruption budgets,
 *   network policies, Ingresses (through the shared ingress controller), SealedSecrets, KEDA
 *   scalers and Prometheus monitors.
 */
export function tenantRoleRules(options: { readonly allowServices?: boolean } = {}): Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> {
  return [
    { apiGroups: [''], resources: ['configmaps', 'persistentvolumeclaims', 'secrets', 'serviceaccounts', ...(options.allowServices ? ['services'] : [])], verbs: RW },
    { apiGroups: [''], resources: ['events', 'pods', 'pods/log', ...(options.allowServices ? [] : ['services'])], verbs: RO },
    { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: RW },
    { apiGroups: ['apps'], resources: ['replicasets'], verbs: RO },
    { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: RW },
    { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: RW },
    { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: RW },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: RW },
    { apiGroups: ['bitnami.com'], resources: ['sealedsecrets'], verbs: RW },
    { apiGroups: ['keda.sh'], resources: ['scaledjobs', 'scaledobjects', 'triggerauthentications'], verbs: RW },
    { apiGroups: ['monitoring.coreos.com'], resources: ['podmonitors', 'prometheusrules', 'servicemonitors'], verbs: RW },
  ];
}

/** Props of a {@link TenantClusterRole}. */
export interface TenantClusterRoleProps {
  /** Name of the ClusterRole. @default 'cdk8s-platform-tenant' */
  readonly name?: string;
  /** Let tenants write Services (RBAC cannot restrict their type: see {@link tenantRoleRules}). @default false */
  readonly allowServices?: boolean;
}

/**
 * The restricted ClusterRole tenants are bound to in their namespace (see {@link tenantRoleRules}
 * for what it allows and why Services are left out). Emit it once per cluster: {@link SystemsSync}
 * does, and {@link Tenant} does in its folder unless told otherwise.
 *
 * @example
 * // Once per cluster; tenants in other folders then skip their own copy
 * new TenantClusterRole(repo.folder('clusters/prod/rbac'), 'tenant-role');
 * new Tenant(folder, 'team-alpha', { name: 'team-alpha', repository: { url: 'https://github.com/contoso/team-alpha' }, defineClusterRole: false });
 */
export class TenantClusterRole extends Construct {
  public readonly name: string;
  /** The ClusterRole. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: TenantClusterRoleProps = {}) {
    super(scope, id);
    this.name = props.name ?? TENANT_CLUSTER_ROLE;
    checkString(this, 'name', this.name, DNS_SUBDOMAIN);
    if (props.allowServices) recordOptOut(this, 'tenant.allowServices', 'true', 'RBAC cannot restrict Service types: add an admission policy against LoadBalancer/NodePort');
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: this.name },
      rules: tenantRoleRules({ allowServices: props.allowServices }),
    });
  }
}

/** A tenant's own Git repository. */
export interface TenantRepository {
  /** Clone URL (http, https or ssh). */
  readonly url: string;
  /** Revision. @default { branch: 'main' } */
  readonly ref?: GitRef;
  /** Secret (in the tenant namespace) with read credentials. @default - none (public) */
  readonly secretRef?: string;
  /** Fetch interval. @default '1m' */
  readonly interval?: FluxDuration;
}

/** Notifications to the tenant's chat channel. */
export interface TenantAlert {
  /** Provider type. @default 'msteams' */
  readonly type?: 'msteams' | 'slack' | 'discord' | 'googlechat' | 'generic';
  /** Secret (in the tenant namespace) with the webhook URL in key `address`. */
  readonly secretRef: string;
  /** `info` or `error`. @default 'info' */
  readonly eventSeverity?: 'info' | 'error';
  /** Message patterns to drop. @default - none */
  readonly exclusionList?: string[];
}

/** Props of a {@link Tenant}. */
export interface TenantProps {
  /** Tenant (team) name: the ServiceAccount, source and Kustomization names, and the `toolkit.fluxcd.io/tenant` label. */
  readonly name: string;
  /** The tenant's namespace (created). @default - the tenant name */
  readonly namespace?: string;
  /**
   * ClusterRole the tenant's ServiceAccount is bound to, in its namespace. Passing
   * `cluster-admin` is possible but recorded as an opt-out of the secure baseline. A role this
   * construct emits (`defineClusterRole`) must be a DNS subdomain; an existing one may contain ":".
   * @default 'cdk8s-platform-tenant' (see {@link tenantRoleRules})
   */
  readonly clusterRole?: string;
  /**
   * Emit the default {@link TenantClusterRole} in this folder (once per folder). Set false when
   * another folder of the same cluster already emits it.
   * @default true when `clusterRole` is not set
   */
  readonly defineClusterRole?: boolean;
  /** The tenant's repository: a URL (a GitRepository is created in the tenant namespace) or a source there. */
  readonly repository: TenantRepository | ISource;
  /** Path in the repository. @default './' */
  readonly path?: string;
  /** Prune removed objects. @default true */
  readonly prune?: boolean;
  /** Sync interval. @default '10m' */
  readonly interval?: FluxDuration;
  /** Notifications to the team's channel. @default - none */
  readonly alert?: TenantAlert;
  /** Shard key of the tenant's Flux objects. @default - none */
  readonly shardKey?: string;
}

/**
 * A tenant, as `flux create tenant` plus its sync, locked down: a Namespace, a ServiceAccount, a
 * RoleBinding of that account to a ClusterRole the platform chooses (by default the restricted
 * {@link TENANT_CLUSTER_ROLE}, never cluster-admin), the tenant's GitRepository and a
 * Kustomization that applies it **as the ServiceAccount** with `targetNamespace` set, and
 * optionally a notification Provider and Alert. Everything lives in the tenant namespace, so the
 * Flux controllers can run with `--no-cross-namespace-refs`.
 *
 * @example
 * new Tenant(folder, 'team-alpha', {
 *   name: 'team-alpha',
 *   repository: { url: 'https://github.com/contoso/team-alpha', ref: { branch: 'main' }, secretRef: 'git-credentials' },
 *   path: './deploy',
 *   alert: { type: 'slack', secretRef: 'slack-webhook', eventSeverity: 'error' },
 * });
 */
export class Tenant extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  /** The ClusterRole bound. */
  public readonly clusterRole: string;
  /** The tenant's source. */
  public readonly source: ISource;
  /** The tenant's Kustomization (always with `serviceAccountName`). */
  public readonly kustomization: Kustomization;
  /** The Alert, when `alert` is set. */
  public readonly alert?: Alert;

  public constructor(scope: Construct, id: string, props: TenantProps) {
    super(scope, id);
    this.name = checkString(this, 'name', props.name, DNS_LABEL);
    this.namespace = checkString(this, 'namespace', props.namespace ?? props.name, DNS_LABEL);
    const ns = this.namespace;
    this.clusterRole = props.clusterRole ?? TENANT_CLUSTER_ROLE;
    checkString(this, 'clusterRole', this.clusterRole, { pattern: /^[a-z0-9][a-z0-9:._-]*$/, max: 253, description: 'a ClusterRole name' });
    if (this.clusterRole === 'cluster-admin') recordOptOut(this, 'tenant.clusterRole', 'cluster-admin');
    const labels = { [TENANT_LABEL]: this.name };

    const namespaceObj = new ApiObject(this, 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } });
    const sa = new ApiObject(this, 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: this.name, namespace: ns, labels } });
    const binding = new ApiObject(this, 'RoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `${this.name}-reconciler`, namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.clusterRole },
      subjects: [
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: `gotk:${ns}:reconciler` },
        { kind: 'ServiceAccount', name: this.name, namespace: ns },
      ],
    });
    void namespaceObj;
    void sa;
    const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.clusterRole };
    if (props.defineClusterRole ?? props.clusterRole === undefined) {
      // Checked here: the name is part of the TenantClusterRole's construct id.
      checkString(this, 'clusterRole', this.clusterRole, DNS_SUBDOMAIN);
      const folder = Folder.of(this);
      const id = `TenantClusterRole-${this.clusterRole}`;
      if (!folder.node.tryFindChild(id)) new TenantClusterRole(folder, id, { name: this.clusterRole });
    }
    if (this.clusterRole !== 'cluster-admin' && this.clusterRole !== 'admin' && this.clusterRole !== 'edit' && this.clusterRole !== 'view') {
      addReference(binding, 'clusterRole', roleRef);
    }

    if ('kind' in props.repository) {
      if (props.repository.namespace !== ns) {
        throw propError(this, 'repository', `the source must be in the tenant namespace "${ns}" (got "${props.repository.namespace}"): cross-namespace references are refused with --no-cross-namespace-refs`);
      }
      this.source = props.repository;
    } else {
      const r = props.repository;
      this.source = new GitRepository(this, 'Source', {
        name: this.name, namespace: ns, url: r.url, ref: r.ref, secretRef: r.secretRef, interval: r.interval, shardKey: props.shardKey, labels,
      });
    }
    this.kustomization = new Kustomization(this, 'Sync', {
      name: this.name,
      namespace: ns,
      labels,
      source: this.source,
      path: checkRelativePath(this, 'path', props.path ?? './'),
      prune: props.prune ?? true,
      interval: props.interval,
      serviceAccountName: this.name,
      targetNamespace: ns,
      shardKey: props.shardKey,
    });
    if (props.alert) {
      const provider = new NotificationProvider(this, 'Provider', {
        name: this.name, namespace: ns, labels, type: props.alert.type ?? 'msteams', secretRef: props.alert.secretRef,
      });
      this.alert = new Alert(this, 'Alert', {
        name: this.name,
        namespace: ns,
        labels,
        provider,
        eventSeverity: props.alert.eventSeverity ?? 'info',
        eventSources: [this.kustomization, this.source],
        exclusionList: props.alert.exclusionList,
      });
    }
  }
}
