import { ENTRA_OBJECT_ID } from '../core/azure-roles';
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { recordOptOut } from '../core/baseline';
import { POD_SECURITY_ENFORCE_LABEL, podSecurityNamespaceLabels, PodSecurityLevel, podSecurityViolations, podTemplatePath } from '../core/pod-security';
import { FLUX_FORCE_ANNOTATION } from '../core/removal-policy';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { isClusterScoped, pluralOf, rulesAllow } from '../core/kinds';
import { groupOf } from '../core/validation/metadata';
import { addReference } from '../core/references';
import { PlatformResource } from '../core/resource';
import { ISecretSource } from '../core/secret';
import { allConstructs, memoForSynthPass } from '../core/synth-pass';
import { Folder } from '../gitops/folder';
import { Repo } from '../gitops/repo';
import { checkRelativePath, FluxDuration, ISource } from './common';
import { GitRef, GitRepository } from './git-repository';
import { Decryption, Kustomization } from './kustomization';
import { foldersBuiltAt, sourceRepo } from './lockdown';
import { Alert, NotificationProvider } from './notification';
import { addTenantGuardrails, TenantLimitRange, TenantNetworkPolicy, TenantResourceQuota } from './tenant-guardrails';
import { rbacClusterOf, serviceAccountPermissions, type Permissions } from './tenant-rbac';
import { tenantServiceRefusal, TENANT_GUARDRAIL_LABEL, TENANT_GUARDRAIL_VALUE, TENANT_GUARDRAIL_POLICY, TENANT_POLICY_LABEL, TENANT_POLICY_VALUE, TENANT_SERVICE_POLICY, TenantGuardrailPolicy, TenantServicePolicy } from './tenant-policy';

/** The restricted ClusterRole tenants are bound to (in their namespace) by default. */
export const TENANT_CLUSTER_ROLE = 'cdk8s-platform-tenant';
/** The label flux marks tenant objects with (as `flux create tenant`). */
export const TENANT_LABEL = 'toolkit.fluxcd.io/tenant';

const RW = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
/** Kubernetes' default user-facing ClusterRoles (always there: never an unresolved reference). */
const BUILT_IN_ROLES = new Set(['cluster-admin', 'admin', 'edit', 'view']);
const RO = ['get', 'list', 'watch'];

/**
 * The rules of the default tenant ClusterRole. Bound with a RoleBinding, they only ever apply in
 * the tenant's namespace. What RBAC can and cannot express:
 * - RBAC grants verbs on resources (kinds); it cannot look at field values. Services are writable
 *   (a team needs ClusterIP Services); the {@link TenantServicePolicy} (a ValidatingAdmissionPolicy)
 *   refuses types LoadBalancer and NodePort in tenant namespaces, and the tenant ResourceQuota
 *   allows none of them either.
 * - **No verbs on Secrets.** RBAC cannot exclude a Secret by name (the ASO credential, the Git
 *   credentials of the tenant's source), and `list`/`watch` always return every Secret's data. A
 *   tenant that ships Secrets in its repo (SOPS) names them in `secretNames`: its own Role then
 *   grants get/create/update/patch/delete on exactly those names, all that Flux's server-side
 *   apply needs. Secrets from SealedSecrets are written by the sealed-secrets controller.
 * - No RBAC objects (Roles, RoleBindings: privilege escalation); ResourceQuotas and LimitRanges
 *   read-only (a team sees why a pod is refused); no Namespaces or any cluster-scoped kind; Flux
 *   objects read-only (the team's sync, source and alert status, `flux get` in its namespace;
 *   writing them would let nested Kustomizations run with the controller's identity unless
 *   kustomize-controller runs with `--default-service-account`).
 * - Workloads, config, Services, autoscaling, disruption budgets, network policies (additive: a
 *   team can open its own pods, never another namespace's; the platform's default-deny is kept
 *   from the team by the {@link TenantGuardrailPolicy}, as RBAC cannot leave one object out), Ingresses (through the shared ingress
 *   controller), SealedSecrets, KEDA scalers, PodMonitors and PrometheusRules.
 * - **No ServiceMonitors.** A ServiceMonitor endpoint may name a `bearerTokenFile`, which the
 *   shared Prometheus reads from its own filesystem and sends to the target: a team pointing one at
 *   its own pod receives Prometheus's ServiceAccount token, which reads every pod of the cluster
 *   (prometheus-operator API, `arbitraryFSAccessThroughSMs`). PodMonitor endpoints have no file
 *   fields. Grant ServiceMonitors with a ClusterRole of your own once the Prometheus denies
 *   arbitrary filesystem access (`arbitraryFSAccessThroughSMs: { deny: true }`).
 */
export function tenantRoleRules(options: { readonly allowServices?: boolean } = {}): Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> {
  const services = options.allowServices ?? true;
  return [
    { apiGroups: [''], resources: ['configmaps', 'persistentvolumeclaims', 'serviceaccounts', ...(services ? ['services'] : [])], verbs: RW },
    { apiGroups: [''], resources: ['events', 'limitranges', 'pods', 'pods/log', 'resourcequotas', ...(services ? [] : ['services'])], verbs: RO },
    { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: RW },
    // `kubectl scale` writes the scale subresource, which RBAC authorizes on its own.
    { apiGroups: ['apps'], resources: ['deployments/scale', 'statefulsets/scale'], verbs: ['get', 'update', 'patch'] },
    { apiGroups: ['apps'], resources: ['replicasets'], verbs: RO },
    { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: RW },
    { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: RW },
    { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: RW },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: RW },
    { apiGroups: ['bitnami.com'], resources: ['sealedsecrets'], verbs: RW },
    { apiGroups: ['keda.sh'], resources: ['scaledjobs', 'scaledobjects', 'triggerauthentications'], verbs: RW },
    { apiGroups: ['monitoring.coreos.com'], resources: ['podmonitors', 'prometheusrules'], verbs: RW },
    // Why the team's sync fails: read, never write.
    { apiGroups: ['kustomize.toolkit.fluxcd.io'], resources: ['kustomizations'], verbs: RO },
    { apiGroups: ['source.toolkit.fluxcd.io'], resources: ['gitrepositories', 'helmrepositories', 'ocirepositories'], verbs: RO },
    { apiGroups: ['helm.toolkit.fluxcd.io'], resources: ['helmreleases'], verbs: RO },
    { apiGroups: ['notification.toolkit.fluxcd.io'], resources: ['alerts', 'providers'], verbs: RO },
  ];
}

/**
 * The verbs on the Secrets a tenant declares (`secretNames`): what kustomize-controller needs to
 * server-side apply and prune them as the tenant's ServiceAccount. It reads the live object (get),
 * dry-runs and applies it (patch; the API server also checks `create` **with the object's name**
 * when an apply creates it, so `resourceNames` covers creation), and prunes it (delete). No
 * list/watch: those cannot be limited by name.
 */
export const TENANT_SECRET_VERBS: readonly string[] = ['get', 'create', 'update', 'patch', 'delete'];

/** Props of a {@link TenantClusterRole}. */
export interface TenantClusterRoleProps {
  /** Name of the ClusterRole. @default 'cdk8s-platform-tenant' */
  readonly name?: string;
  /**
   * Let tenants write Services. Their type is checked by the {@link TenantServicePolicy}, not by
   * RBAC (see {@link tenantRoleRules}); false leaves Services read-only.
   * @default true
   */
  readonly allowServices?: boolean;
}

/**
 * The restricted ClusterRole tenants are bound to in their namespace (see {@link tenantRoleRules}
 * for what it allows, and why it has no verbs on Secrets). Emit it once per cluster: {@link SystemsSync}
 * does, and {@link Tenant} does in its folder unless told otherwise.
 *
 * @example
 * // Once per cluster; tenants in other folders then skip their own copy
 * new TenantClusterRole(repo.folder('clusters/prod/rbac'), 'tenant-role');
 * new Tenant(folder, 'team-alpha', { name: 'team-alpha', repository: { url: 'https://github.com/contoso/team-alpha' }, defineClusterRole: false });
 */
export class TenantClusterRole extends PlatformResource {
  /** The ClusterRole. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: TenantClusterRoleProps = {}) {
    super(scope, id);
    const name = props.name ?? TENANT_CLUSTER_ROLE;
    checkString(this, 'name', name, DNS_SUBDOMAIN);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name },
      rules: tenantRoleRules({ allowServices: props.allowServices }),
    });
  }

  /** Always undefined: a ClusterRole is cluster-scoped. */
  public override get namespace(): string | undefined {
    return undefined;
  }
}

/** A tenant's own Git repository. */
export interface TenantRepository {
  /** Clone URL (http, https or ssh). */
  readonly url: string;
  /** Revision. @default { branch: 'main' } */
  readonly ref?: GitRef;
  /**
   * Secret with read credentials, in the tenant namespace (source-controller reads it from the
   * GitRepository's namespace): an {@link ISecretSource} or the name of a Secret managed outside
   * the app.
   * @default - none (public)
   */
  readonly secretRef?: ISecretSource | string;
  /** Fetch interval. @default '1m' */
  readonly interval?: FluxDuration;
}

/** Notifications to the tenant's chat channel. */
export interface TenantAlert {
  /** Provider type. @default 'msteams' */
  readonly type?: 'msteams' | 'slack' | 'discord' | 'googlechat' | 'generic';
  /**
   * Secret with the webhook URL in key `address`, in the tenant namespace (notification-controller
   * reads it from the Provider's namespace): an {@link ISecretSource} or the name of a Secret
   * managed outside the app.
   */
  readonly secretRef: ISecretSource | string;
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
   * It can be changed later: the API server refuses changing a RoleBinding's `roleRef`, so the
   * binding is annotated `kustomize.toolkit.fluxcd.io/force: enabled` and Flux deletes and
   * recreates it (the tenant's reconciler lacks its permissions for that moment; longer if another
   * object of the same build is refused: Flux deletes the binding while dry-running and recreates
   * it only when the build applies).
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
  /**
   * Object id (lowercase GUID) of the team's Entra ID group. Bound to `groupClusterRole` in the
   * tenant namespace with a RoleBinding whose subject is `kind: Group, name: <object id>`: what
   * AKS with Entra ID integration and Kubernetes RBAC puts in a user's groups.
   * @default - no binding for people (only Flux acts in the namespace)
   */
  readonly entraGroupObjectId?: string;
  /**
   * ClusterRole the team's Entra ID group is bound to in the namespace. The default is the same
   * admin-controlled role Flux applies with: people can do by hand what their repo can do, and no
   * more; in particular they cannot read Secrets. `view` is read-only (and also hides Secrets);
   * `edit` and `admin` read every Secret of the namespace (ASO and Git credentials) and are
   * recorded as opt-outs of the secure baseline. It can be changed later, like `clusterRole`.
   * @default - the tenant's `clusterRole`
   */
  readonly groupClusterRole?: string;
  /**
   * Names of the Secrets the tenant's repo applies itself (SOPS-encrypted in Git). The tenant
   * role has no verbs on Secrets; a Role of the tenant grants get/create/update/patch/delete
   * (what Flux's server-side apply and prune need) on exactly these names. Secrets produced by
   * SealedSecrets need no entry. Synth refuses a Secret in the tenant's folders that is not listed.
   * @default - none
   */
  readonly secretNames?: string[];
  /**
   * SOPS decryption of the tenant's encrypted Secrets (`spec.decryption` of its Kustomization); the
   * key Secret sits in the tenant namespace and is read by kustomize-controller itself, so the
   * tenant's role needs no access to it.
   * @default - none
   */
  readonly decryption?: Decryption;
  /**
   * Label the namespace `platform.cdk8s.io/tenant-policy: restricted`, so the
   * {@link TenantServicePolicy} refuses LoadBalancer and NodePort Services in it (and synth
   * evaluates the policy against the tenant's Services when its repo is in the app). Turning it
   * off is recorded as an opt-out of the secure baseline.
   * @default true
   */
  readonly servicePolicy?: boolean;
  /**
   * The Pod Security Standards level Pod Security Admission enforces in the namespace (label
   * `pod-security.kubernetes.io/enforce`); `warn` and `audit` are `restricted`, so the team sees
   * on every apply what the strictest level would refuse. Without it a namespace gets the
   * cluster's default, `privileged` on AKS: a team that may create Deployments could then run a
   * privileged pod with the host's namespaces and root filesystem, and so act as the node (and
   * every pod on it, the Flux controllers included). Synth checks the pod templates of the
   * tenant's folders against it (the API server admits a Deployment that breaks it, with a
   * warning, and its ReplicaSet then creates no Pod). `privileged` is recorded as an opt-out of
   * the secure baseline.
   * @default 'baseline'
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Emit the {@link TenantServicePolicy} in this folder (once per folder). Set false when another
   * folder of the same cluster already emits it.
   * @default true when `servicePolicy` is on
   */
  readonly defineServicePolicy?: boolean;
  /**
   * Emit the {@link TenantGuardrailPolicy} in this folder (once per folder), which keeps the
   * tenant from changing or deleting its default-deny NetworkPolicy, its reconciler's
   * ServiceAccount and the app's SealedSecrets of its Git and webhook credentials (it may write
   * those kinds, and RBAC cannot leave one object out by name). Set false when another folder of the same cluster
   * already emits it, or to emit your own (another `platformNamespaces`).
   * @default true when `networkPolicy` is on
   */
  readonly defineGuardrailPolicy?: boolean;
  /**
   * The namespace's ResourceQuota, or false for none (recorded as an opt-out).
   * @default - DEFAULT_TENANT_QUOTA
   */
  readonly resourceQuota?: TenantResourceQuota | false;
  /**
   * The namespace's LimitRange (container defaults, so pods fit the quota), or false for none
   * (recorded as an opt-out).
   * @default - requests 100m / 128Mi, limits 500m / 512Mi, at most 2 CPU / 4Gi per container
   */
  readonly limitRange?: TenantLimitRange | false;
  /**
   * The namespace's default-deny NetworkPolicy (ingress and egress; allowed: the namespace itself
   * and DNS to kube-system's kube-dns on UDP and TCP 53), or false for none (recorded as an opt-out).
   * @default - default deny with those allowances only
   */
  readonly networkPolicy?: TenantNetworkPolicy | false;
  /**
   * Accept an ASO credential in the tenant namespace (a Secret or SealedSecret named
   * `aso-credential`, or an object using `serviceoperator.azure.com/credential-from`). RBAC
   * hides it from the tenant role, but any Pod the tenant runs there can mount it and act in Azure
   * as its identity; synth refuses it unless this is set (recorded as an opt-out).
   * @default false
   */
  readonly allowAsoCredential?: boolean;
  /**
   * Check at synth what the tenant's ServiceAccount may apply (see {@link Tenant}): objects of the
   * tenant's folders that the app's RoleBindings and ClusterRoleBindings of the ServiceAccount do
   * not allow are refused. Turn it off when the admins grant it more outside the app.
   * @default true
   */
  readonly checkPermissions?: boolean;
}

const GUID = { pattern: ENTRA_OBJECT_ID, description: 'an Entra ID object id: a lowercase GUID' } as const;
const ASO_CREDENTIAL_SECRET = 'aso-credential';
const ASO_CREDENTIAL_FROM = 'serviceoperator.azure.com/credential-from';
/** Roles that read every Secret of a namespace. */
const SECRET_READING_ROLES = new Set(['cluster-admin', 'admin', 'edit']);

/**
 * A tenant, as `flux create tenant` plus its sync, locked down: a Namespace (labelled for the
 * {@link TenantServicePolicy}), a ServiceAccount, a RoleBinding of that account to a ClusterRole
 * the platform chooses (by default the restricted {@link TENANT_CLUSTER_ROLE}, never
 * cluster-admin, with no verbs on Secrets), a Role for the Secrets the tenant declares, the team's
 * Entra ID group bound in the namespace, a ResourceQuota, a LimitRange and a default-deny
 * NetworkPolicy, the tenant's GitRepository and a Kustomization that applies it **as the
 * ServiceAccount** with `targetNamespace` set, and optionally a notification Provider and Alert.
 * Everything lives in the tenant namespace, so the Flux controllers can run with
 * `--no-cross-namespace-refs`.
 *
 * When the tenant's repo is a {@link Repo} of the app (same URL), synth checks the objects of the
 * folder its Kustomization applies as the cluster would: the Service policy's CEL against each
 * Service, and each plain Secret against `secretNames`.
 *
 * @example
 * new Tenant(folder, 'team-alpha', {
 *   name: 'team-alpha',
 *   repository: { url: 'https://github.com/contoso/team-alpha', ref: { branch: 'main' }, secretRef: 'git-credentials' },
 *   path: './deploy',
 *   entraGroupObjectId: '5f1c8a9e-3b2d-4c6e-9f0a-1b2c3d4e5f60',
 *   networkPolicy: { ingressFromNamespaces: ['ingress-nginx'] },
 *   alert: { type: 'msteams', secretRef: 'msteams-webhook', eventSeverity: 'error' },
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
  /** The RoleBinding of the team's Entra ID group, when `entraGroupObjectId` is set. */
  public readonly groupBinding?: ApiObject;
  /** The Secrets the tenant may write (`secretNames`). */
  public readonly secretNames: readonly string[];
  /** Whether the namespace carries the Service policy label. */
  public readonly servicePolicy: boolean;
  /** The Pod Security Standards level enforced in the namespace. */
  public readonly podSecurity: PodSecurityLevel;
  /** The namespace's ResourceQuota, unless switched off. */
  public readonly resourceQuota?: ApiObject;
  /** The namespace's LimitRange, unless switched off. */
  public readonly limitRange?: ApiObject;
  /** The namespace's default-deny NetworkPolicy, unless switched off. */
  public readonly networkPolicy?: ApiObject;
  private readonly namespaceObject: ApiObject;
  private readonly allowAsoCredential: boolean;
  private readonly checkPermissions: boolean;

  public constructor(scope: Construct, id: string, props: TenantProps) {
    super(scope, id);
    this.name = checkString(this, 'name', props.name, DNS_LABEL);
    this.namespace = checkString(this, 'namespace', props.namespace ?? props.name, DNS_LABEL);
    const ns = this.namespace;
    this.clusterRole = props.clusterRole ?? TENANT_CLUSTER_ROLE;
    checkString(this, 'clusterRole', this.clusterRole, { pattern: /^[a-z0-9][a-z0-9:._-]*$/, max: 253, description: 'a ClusterRole name' });
    if (this.clusterRole === 'cluster-admin') recordOptOut(this, 'tenant.clusterRole', 'cluster-admin');
    const labels = { [TENANT_LABEL]: this.name };
    this.servicePolicy = props.servicePolicy ?? true;
    if (!this.servicePolicy) recordOptOut(this, 'tenant.servicePolicy', 'false', 'LoadBalancer and NodePort Services are not refused in the namespace');

    this.podSecurity = props.podSecurity ?? 'baseline';
    const podSecurityLabels = podSecurityNamespaceLabels(this, 'tenant.podSecurity', this.podSecurity);
    this.namespaceObject = new ApiObject(this, 'Namespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { ...labels, ...podSecurityLabels, ...(this.servicePolicy ? { [TENANT_POLICY_LABEL]: TENANT_POLICY_VALUE } : {}) } },
    });
    // A guardrail: the tenant role may write ServiceAccounts, and deleting this one stops the sync.
    new ApiObject(this, 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: this.name, namespace: ns, labels: { ...labels, [TENANT_GUARDRAIL_LABEL]: TENANT_GUARDRAIL_VALUE } } });
    const reconciler = [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: `gotk:${ns}:reconciler` },
      { kind: 'ServiceAccount', name: this.name, namespace: ns },
    ];
    // The roles of these bindings come from props: a later change of roleRef, which the API server
    // refuses, makes kustomize-controller recreate the binding instead of failing the whole build.
    const recreatedOnRoleChange = { [FLUX_FORCE_ANNOTATION]: 'enabled' };
    const binding = new ApiObject(this, 'RoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `${this.name}-reconciler`, namespace: ns, labels, annotations: recreatedOnRoleChange },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.clusterRole },
      subjects: reconciler,
    });

    // Secrets: none in the shared role; the declared names only, for the reconciler.
    this.secretNames = [...(props.secretNames ?? [])];
    this.secretNames.forEach((n, i) => checkString(this, `secretNames[${i}]`, n, DNS_SUBDOMAIN));
    const dup = this.secretNames.find((n, i) => this.secretNames.indexOf(n) !== i);
    if (dup !== undefined) throw propError(this, 'secretNames', `"${dup}" is listed twice`);
    if (this.secretNames.length > 0) {
      const role = new ApiObject(this, 'SecretsRole', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: `${this.name}-secrets`, namespace: ns, labels },
        rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [...this.secretNames].sort(), verbs: [...TENANT_SECRET_VERBS] }],
      });
      new ApiObject(this, 'SecretsRoleBinding', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: `${this.name}-secrets`, namespace: ns, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
        subjects: reconciler,
      });
    }

    // The team's people, through their Entra ID group.
    if (props.entraGroupObjectId !== undefined) {
      const group = checkString(this, 'entraGroupObjectId', props.entraGroupObjectId, GUID);
      const groupRole = props.groupClusterRole ?? this.clusterRole;
      checkString(this, 'groupClusterRole', groupRole, { pattern: /^[a-z0-9][a-z0-9:._-]*$/, max: 253, description: 'a ClusterRole name' });
      if (SECRET_READING_ROLES.has(groupRole)) recordOptOut(this, 'tenant.groupClusterRole', groupRole, 'the team\'s people can read every Secret of the namespace');
      this.groupBinding = new ApiObject(this, 'GroupRoleBinding', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: `${this.name}-members`, namespace: ns, labels, annotations: recreatedOnRoleChange },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: groupRole },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
      });
      if (!BUILT_IN_ROLES.has(groupRole)) {
        addReference(this.groupBinding, 'groupClusterRole', { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: groupRole });
      }
    } else if (props.groupClusterRole !== undefined) {
      throw propError(this, 'groupClusterRole', 'is set without entraGroupObjectId (the group to bind)');
    }

    // Quota, limits, default-deny network policy.
    for (const [prop, value] of [['resourceQuota', props.resourceQuota], ['limitRange', props.limitRange], ['networkPolicy', props.networkPolicy]] as const) {
      if (value === false) recordOptOut(this, `tenant.${prop}`, 'false');
    }
    const guardrails = addTenantGuardrails(this, {
      name: this.name,
      namespace: ns,
      labels,
      resourceQuota: props.resourceQuota === false ? false : props.resourceQuota ?? {},
      limitRange: props.limitRange === false ? false : props.limitRange ?? {},
      networkPolicy: props.networkPolicy === false ? false : props.networkPolicy ?? {},
    });
    this.resourceQuota = guardrails.resourceQuota;
    this.limitRange = guardrails.limitRange;
    this.networkPolicy = guardrails.networkPolicy;

    this.allowAsoCredential = props.allowAsoCredential ?? false;
    this.checkPermissions = props.checkPermissions ?? true;
    if (this.allowAsoCredential) recordOptOut(this, 'tenant.allowAsoCredential', 'true', 'Pods of the tenant can mount the ASO credential of its namespace');
    const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.clusterRole };
    if (props.defineClusterRole ?? props.clusterRole === undefined) {
      // Checked here: the name is part of the TenantClusterRole's construct id.
      checkString(this, 'clusterRole', this.clusterRole, DNS_SUBDOMAIN);
      // Once per folder: reuse one of that name emitted there already (by another Tenant or a SystemsSync).
      const folder = Folder.of(this);
      const role = this.clusterRole;
      if (!findInFolder(folder, `TenantClusterRole\u0000${role}`, (c): c is TenantClusterRole => c instanceof TenantClusterRole && c.name === role)) {
        rememberInFolder(folder, `TenantClusterRole\u0000${role}`, new TenantClusterRole(folder, `TenantClusterRole-${role}`, { name: role }));
      }
    }
    if (!BUILT_IN_ROLES.has(this.clusterRole)) addReference(binding, 'clusterRole', roleRef);
    if (this.servicePolicy && (props.defineServicePolicy ?? true)) {
      // Once per folder: reuse one emitted there already (by another Tenant or a SystemsSync).
      const folder = Folder.of(this);
      if (!findInFolder(folder, 'TenantServicePolicy', (c): c is TenantServicePolicy => c instanceof TenantServicePolicy)) {
        rememberInFolder(folder, 'TenantServicePolicy', new TenantServicePolicy(folder, `TenantServicePolicy-${TENANT_SERVICE_POLICY}`));
      }
    }

    if (this.networkPolicy && (props.defineGuardrailPolicy ?? true)) {
      const folder = Folder.of(this);
      if (!findInFolder(folder, 'TenantGuardrailPolicy', (c): c is TenantGuardrailPolicy => c instanceof TenantGuardrailPolicy)) {
        rememberInFolder(folder, 'TenantGuardrailPolicy', new TenantGuardrailPolicy(folder, `TenantGuardrailPolicy-${TENANT_GUARDRAIL_POLICY}`));
      }
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
      decryption: props.decryption,
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
    const credentials = [
      'kind' in props.repository ? undefined : props.repository.secretRef,
      props.alert?.secretRef,
    ].flatMap((r) => (r === undefined ? [] : [typeof r === 'string' ? r : r.secretName]));
    this.node.addValidation({ validate: () => (this.guardCredentials(credentials), this.checkObjects()) });
  }

  /**
   * Labels the SealedSecrets of the app that make the tenant's Git and webhook credentials in its
   * namespace (outside the tenant's own folders) as guardrails, so the {@link TenantGuardrailPolicy}
   * keeps the team from deleting them: the tenant role may write SealedSecrets, and the
   * sealed-secrets controller deletes the Secret with its SealedSecret.
   */
  private guardCredentials(names: readonly string[]): void {
    if (names.length === 0) return;
    // Indexed once per synth pass: a SystemsSync of thousands of teams would walk the app per team.
    const byName = memoForSynthPass(SEALED_SECRETS_BY_NAME, this.node.root, () => {
      const m = new Map<string, ApiObject[]>();
      for (const c of allConstructs(this.node.root)) {
        if (!(c instanceof ApiObject) || c.kind !== 'SealedSecret' || groupOf(c.apiVersion) !== 'bitnami.com') continue;
        const key = `${c.metadata.namespace ?? ''}/${c.name}`;
        const list = m.get(key);
        if (list) list.push(c);
        else m.set(key, [c]);
      }
      return m;
    });
    const found = names.flatMap((n) => byName.get(`${this.namespace}/${n}`) ?? []);
    if (found.length === 0) return;
    const own = new Set(this.appliedFolders());
    for (const c of found) if (!own.has(Folder.of(c))) c.metadata.addLabel(TENANT_GUARDRAIL_LABEL, TENANT_GUARDRAIL_VALUE);
  }

  /**
   * The folders of the app the tenant's Kustomization applies: the folder at its path in the
   * {@link Repo} its source fetches (same URL), with the sub-folders its `kustomization.yaml`
   * lists; every folder below the path when no folder sits exactly there (Flux then generates a
   * kustomization of all manifests below it). Empty when the repo is not part of the app.
   */
  public appliedFolders(): Folder[] {
    const repo = sourceRepo(this.source, this);
    return repo ? foldersBuiltAt(repo, this.kustomization.path) : [];
  }

  /**
   * Synth-time checks, as the cluster would refuse them: what the tenant's ServiceAccount may not
   * apply (see {@link rbacProblem}), the Service policy's CEL against the tenant's Services,
   * Secrets the tenant may not write, and ASO credentials in the namespace.
   */
  private checkObjects(): string[] {
    const errors: string[] = [];
    const ns = this.namespace;
    const seen = new Set<IConstruct>();
    let namespaceObject: Record<string, any> | undefined;
    const folders = this.appliedFolders();
    // On the cluster the tenant's Kustomization runs on (its folder's); what its own folders hold does not count.
    const permissions = this.checkPermissions && folders.length > 0
      ? serviceAccountPermissions(this.node.root, ns, this.name, rbacClusterOf(this.node.root, Folder.of(this)), new Set(folders))
      : undefined;
    for (const folder of folders) {
      for (const c of folder.node.findAll()) {
        if (!(c instanceof ApiObject) || seen.has(c)) continue;
        seen.add(c);
        if (permissions && (c.apiVersion !== 'v1' || c.kind !== 'Secret')) {
          const refused = this.rbacProblem(c, permissions);
          if (refused) {
            errors.push(refused);
            continue;
          }
        }
        if (podTemplatePath(c.apiVersion, c.kind) !== undefined) errors.push(...this.podSecurityProblems(c));
        if (c.apiVersion !== 'v1') continue;
        if (c.kind === 'Service' && this.servicePolicy) {
          const json = c.toJson();
          // Flux's targetNamespace puts every object of the tenant in its namespace.
          const object = { ...json, metadata: { ...json.metadata, namespace: ns } };
          namespaceObject ??= this.namespaceObject.toJson();
          const refusal = tenantServiceRefusal({ object, namespaceObject: namespaceObject!, username: `system:serviceaccount:${ns}:${this.name}` });
          if (refusal) errors.push(`${c.node.path}: Service/${ns}/${c.name}: ${refusal.field}: refused by ValidatingAdmissionPolicy "${TENANT_SERVICE_POLICY}": ${refusal.message}`);
        } else if (c.kind === 'Secret' && !this.secretNames.includes(c.name)) {
          errors.push(
            `${c.node.path}: Secret/${ns}/${c.name}: metadata.name: Flux applies the tenant's objects as ServiceAccount ${ns}/${this.name}, ` +
              `which may only write the Secrets named in "secretNames" (${this.secretNames.length > 0 ? this.secretNames.join(', ') : 'none'}); add "${c.name}" to secretNames, or ship it as a SealedSecret`,
          );
        }
      }
    }
    if (!this.allowAsoCredential) errors.push(...this.asoCredentialsInNamespace());
    return errors;
  }

  /**
   * Why the tenant's reconciler may not apply `c`: kustomize-controller impersonates the tenant's
   * ServiceAccount (`serviceAccountName`), and RBAC decides object by object, in the server-side
   * dry-run of the whole build first. A namespaced object needs `create` and `patch` on its
   * resource (server-side apply creates or patches it) from the roles its RoleBindings in the
   * tenant namespace and its ClusterRoleBindings grant; a cluster-scoped one from its
   * ClusterRoleBindings only (a RoleBinding grants nothing at the cluster scope). A scope whose
   * bound roles the app does not all hold is not checked (`serviceAccountPermissions`). The
   * plural is the app's CRD's, else Kubernetes' default.
   */
  private rbacProblem(c: ApiObject, permissions: Permissions): string | undefined {
    const ns = this.namespace;
    const clusterScoped = isClusterScoped(c.apiVersion, c.kind);
    const rules = clusterScoped ? permissions.clusterScoped : permissions.namespaced;
    if (!rules) return undefined;
    const group = groupOf(c.apiVersion);
    const resource = crdPlurals(this.node.root).get(`${group}/${c.kind}`) ?? pluralOf(c.kind);
    const missing = ['create', 'patch'].filter((verb) => !rulesAllow(rules, verb, group, resource, c.name));
    if (missing.length === 0) return undefined;
    const who = `Flux applies the tenant's objects as ServiceAccount ${ns}/${this.name}`;
    const roles = permissions.roles.length > 0 ? permissions.roles.join(', ') : 'none';
    const on = `${missing.join(' and ')} on ${group ? `${resource}.${group}` : resource}`;
    const fix = 'nothing of the tenant\'s build applies (its dry-run fails); move it to a folder the platform applies';
    if (clusterScoped) {
      return `${c.node.path}: ${c.kind}/${c.name}: ${who}, and a ${c.kind} is cluster-scoped: ` +
        (permissions.clusterBound
          ? `no ClusterRoleBinding of the app allows it ${on}: ${fix}`
          : `its roles (${roles}) are bound by RoleBindings in namespace "${ns}", which grant nothing at the cluster scope: ${fix}`);
    }
    return `${c.node.path}: ${c.kind}/${ns}/${c.name}: ${who}, whose roles in the app (${roles}) do not allow ${on} (server-side apply needs create and patch): ` +
      `${fix}, or grant it to the ServiceAccount (checkPermissions: false if it is granted outside the app)`;
  }

  /**
   * What Pod Security Admission refuses of `c`'s pod template at the namespace's enforced level: a
   * Pod is refused on apply; a workload applies (with a warning) and its controller creates no Pod.
   */
  private podSecurityProblems(c: ApiObject): string[] {
    const found = podSecurityViolations(c.toJson(), this.podSecurity);
    if (found.length === 0) return [];
    const ns = this.namespace;
    const effect = c.kind === 'Pod'
      ? 'the API server refuses the Pod, and the tenant\'s whole build with it'
      : `the ${c.kind} applies with a warning, and its Pods are refused`;
    return found.map((v) => `${c.node.path}: ${c.kind}/${ns}/${c.name}: ${v.field}: ${v.message}: namespace "${ns}" enforces Pod Security "${this.podSecurity}" (${POD_SECURITY_ENFORCE_LABEL}), so ${effect}; ` +
      `change the pod spec, or set podSecurity on the tenant (${this.node.path})`);
  }

  /** Objects of the app that put an ASO credential in the tenant namespace. */
  private asoCredentialsInNamespace(): string[] {
    const errors: string[] = [];
    const ns = this.namespace;
    const fix = `any Pod of the tenant can mount it and act in Azure as its identity; keep ASO resources and their credential in a platform namespace (or use ASO's global credential in the operator namespace), or set allowAsoCredential on ${this.node.path}`;
    // The app's objects by namespace, found once per synth pass (not once per tenant).
    const root = this.node.root;
    const byNamespace = memoForSynthPass(OBJECTS_BY_NAMESPACE, root, () => {
      const out = new Map<string | undefined, ApiObject[]>();
      for (const c of root.node.findAll()) {
        if (!(c instanceof ApiObject)) continue;
        const list = out.get(c.metadata.namespace);
        if (list) list.push(c);
        else out.set(c.metadata.namespace, [c]);
      }
      return out;
    });
    for (const c of byNamespace.get(ns) ?? []) {
      if ((c.kind === 'Secret' || c.kind === 'SealedSecret') && c.name === ASO_CREDENTIAL_SECRET) {
        errors.push(`${c.node.path}: ${c.kind}/${ns}/${c.name}: metadata.name: the namespace-scoped ASO credential is in tenant namespace "${ns}": ${fix}`);
        continue;
      }
      const from = (c.metadata.toJson().annotations ?? {})[ASO_CREDENTIAL_FROM];
      if (from !== undefined) {
        errors.push(`${c.node.path}: ${c.kind}/${ns}/${c.name}: metadata.annotations["${ASO_CREDENTIAL_FROM}"]: uses the ASO credential Secret "${from}" of tenant namespace "${ns}": ${fix}`);
      }
    }
    return errors;
  }
}

/** Key of the plurals the app's CRDs define, by `<group>/<Kind>`, in a synth pass. */
const CRD_PLURALS = Symbol('crd plurals');

/** The plurals the app's CustomResourceDefinitions define, by `<group>/<Kind>` (once per synth pass). */
function crdPlurals(root: IConstruct): ReadonlyMap<string, string> {
  return memoForSynthPass(CRD_PLURALS, root, () => {
    const out = new Map<string, string>();
    for (const c of allConstructs(root)) {
      if (!(c instanceof ApiObject) || c.kind !== 'CustomResourceDefinition') continue;
      const spec = (c.toJson() as { spec?: { group?: unknown; names?: { kind?: unknown; plural?: unknown } } }).spec;
      if (typeof spec?.group === 'string' && typeof spec.names?.kind === 'string' && typeof spec.names.plural === 'string') out.set(`${spec.group}/${spec.names.kind}`, spec.names.plural);
    }
    return out;
  });
}

/** Key of the app's SealedSecrets by `namespace/name` in a synth pass (see `guardCredentials`). */
const SEALED_SECRETS_BY_NAME = Symbol('sealed secrets by name');
/** Key of the app's ApiObjects by namespace in a synth pass (see `asoCredentialsInNamespace`). */
const OBJECTS_BY_NAMESPACE = Symbol('objects by namespace');

/** Constructs found in a folder's subtree, by key (see {@link findInFolder}). */
const FOUND_IN_FOLDER = new WeakMap<IConstruct, Map<string, IConstruct>>();

/**
 * The first construct of `folder`'s subtree that passes `test`, remembered under `key`: the next
 * tenant of the folder finds it without walking the subtree again (once per tenant was quadratic in
 * the tenants of a folder). Constructs are only ever added; one that was removed since
 * (`tryRemoveChild`) is looked for again.
 */
function findInFolder<T extends IConstruct>(folder: IConstruct, key: string, test: (c: IConstruct) => c is T): T | undefined {
  const known = FOUND_IN_FOLDER.get(folder)?.get(key);
  if (known && stillIn(known, folder)) return known as T;
  const found = folder.node.findAll().find(test);
  if (found) rememberInFolder(folder, key, found);
  return found;
}

function rememberInFolder(folder: IConstruct, key: string, c: IConstruct): void {
  let known = FOUND_IN_FOLDER.get(folder);
  if (!known) FOUND_IN_FOLDER.set(folder, (known = new Map()));
  known.set(key, c);
}

/** Whether `c` is still in the tree below `folder` (each parent still has it as its child). */
function stillIn(c: IConstruct, folder: IConstruct): boolean {
  for (let x = c; x !== folder; ) {
    const parent = x.node.scope;
    if (!parent || parent.node.tryFindChild(x.node.id) !== x) return false;
    x = parent;
  }
  return true;
}
