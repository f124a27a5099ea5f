import { Construct } from 'constructs';
import { checkString, DNS_LABEL, propError } from '../core/errors';
import { Tenant, TENANT_CLUSTER_ROLE, TenantClusterRole, TenantProps } from './tenant';
import { TenantServicePolicy } from './tenant-policy';

/** One team of a {@link SystemsSync}: a tenant without the shared settings. */
export type TeamSpec = Omit<TenantProps, 'defineClusterRole' | 'clusterRole' | 'defineServicePolicy'> & {
  /** ClusterRole for this team. @default - the SystemsSync's clusterRole */
  readonly clusterRole?: string;
};

/** Props of a {@link SystemsSync}. */
export interface SystemsSyncProps {
  /** The teams, each synced from its own repo as its own ServiceAccount. */
  readonly teams: TeamSpec[];
  /**
   * ClusterRole every team is bound to in its namespace.
   * @default 'cdk8s-platform-tenant' (emitted once by this construct)
   */
  readonly clusterRole?: string;
  /**
   * Emit the default {@link TenantClusterRole}. Set false when another folder of the same cluster
   * emits it.
   * @default true when `clusterRole` is not set
   */
  readonly defineClusterRole?: boolean;
  /**
   * Let tenants write Services (their type is checked by the {@link TenantServicePolicy}, see
   * {@link tenantRoleRules}); false leaves Services read-only.
   * @default true
   */
  readonly allowServices?: boolean;
  /**
   * Emit the {@link TenantServicePolicy} (once, for every team). Set false when another folder of
   * the same cluster emits it.
   * @default true unless every team switches `servicePolicy` off
   */
  readonly defineServicePolicy?: boolean;
}

/**
 * The platform repo's systems sync: for each team, a {@link Tenant} (namespace, ServiceAccount,
 * RoleBinding to the platform's tenant ClusterRole, the team's Entra ID group, quota, limit range
 * and default-deny network policy, the team's GitRepository and a Kustomization running as the
 * team's ServiceAccount, alerts to the team's channel), plus the tenant ClusterRole and the
 * {@link TenantServicePolicy} once.
 *
 * @example
 * new SystemsSync(repo.folder('clusters/prod/tenants'), 'systems', {
 *   teams: [
 *     { name: 'team-alpha', repository: { url: 'https://github.com/contoso/team-alpha', secretRef: 'git-credentials' }, path: './deploy',
 *       entraGroupObjectId: '5f1c8a9e-3b2d-4c6e-9f0a-1b2c3d4e5f60' },
 *     { name: 'team-beta', repository: { url: 'https://github.com/contoso/team-beta', secretRef: 'git-credentials' }, alert: { secretRef: 'msteams-webhook' },
 *       networkPolicy: { ingressFromNamespaces: ['ingress-nginx'] } },
 *   ],
 * });
 */
export class SystemsSync extends Construct {
  /** The tenants, in the order of `teams`. */
  public readonly tenants: Tenant[] = [];
  /** The ClusterRole emitted, if any. */
  public readonly clusterRole?: TenantClusterRole;
  /** The Service policy emitted, if any. */
  public readonly servicePolicy?: TenantServicePolicy;

  public constructor(scope: Construct, id: string, props: SystemsSyncProps) {
    super(scope, id);
    if (!props.teams || props.teams.length === 0) throw propError(this, 'teams', 'needs at least one team');
    const role = props.clusterRole ?? TENANT_CLUSTER_ROLE;
    if (props.defineClusterRole ?? props.clusterRole === undefined) {
      this.clusterRole = new TenantClusterRole(this, 'ClusterRole', { name: role, allowServices: props.allowServices });
    }
    if (props.defineServicePolicy ?? props.teams.some((t) => t.servicePolicy !== false)) {
      this.servicePolicy = new TenantServicePolicy(this, 'ServicePolicy');
    }
    const names = new Set<string>();
    props.teams.forEach((team, i) => {
      // Checked here: the name is the Tenant's construct id.
      checkString(this, `teams[${i}].name`, team.name, DNS_LABEL);
      if (names.has(team.name)) throw propError(this, `teams[${i}].name`, `"${team.name}" is used by another team`);
      names.add(team.name);
      this.tenants.push(new Tenant(this, team.name, { ...team, clusterRole: team.clusterRole ?? role, defineClusterRole: false, defineServicePolicy: false }));
    });
  }
}
