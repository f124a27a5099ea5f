import { Construct } from 'constructs';
import { checkCount, checkString, DNS_LABEL, propError } from '../core/errors';
import { bucketOf, stableHash } from '../core/stable-hash';
import { Folder } from '../gitops/folder';
import { folderId, Repo } from '../gitops/repo';
import { Kustomization, KustomizationForFolderProps } from './kustomization';
import { Tenant, TENANT_CLUSTER_ROLE, TenantClusterRole, TenantProps } from './tenant';
import { TenantGuardrailPolicy, TenantServicePolicy } from './tenant-policy';

/** One team of a {@link SystemsSync}: a tenant without the shared settings. */
export type TeamSpec = Omit<TenantProps, 'defineClusterRole' | 'clusterRole' | 'defineServicePolicy' | 'defineGuardrailPolicy'> & {
  /** ClusterRole for this team. @default - the SystemsSync's clusterRole */
  readonly clusterRole?: string;
};

/** The Kustomization props a bucket Kustomization takes from {@link SystemsSyncBuckets}. */
const BUCKET_KUSTOMIZATION_PROPS = [
  'source', 'prune', 'namespace', 'labels', 'shardKey', 'removalPolicy', 'interval', 'retryInterval', 'timeout', 'wait',
  'dependsOn', 'serviceAccountName', 'deletionPolicy', 'force', 'suspend',
] as const;
/** The props a {@link SystemsSyncBuckets} may hold (checked at run time too: JavaScript callers). */
const BUCKET_PROPS: readonly string[] = ['count', 'name', ...BUCKET_KUSTOMIZATION_PROPS];

/**
 * The bucket layout of a {@link SystemsSync}: the props of its bucket Kustomizations, their count
 * and name. The other props are the Kustomizations' (`source`, `prune`, `serviceAccountName`,
 * `interval`, `shardKey`...); those that would change what a bucket applies (`targetNamespace`,
 * `patches`, `components`, `substitute`, `kubeConfig`...) are not offered: every tenant keeps its
 * own namespace and objects.
 */
export interface SystemsSyncBuckets extends Pick<KustomizationForFolderProps, (typeof BUCKET_KUSTOMIZATION_PROPS)[number]> {
  /**
   * Number of buckets. A team's bucket is a hash of its name modulo this count, so adding or
   * removing teams never moves another team; changing the count moves most teams to another
   * Kustomization (see {@link SystemsSyncProps.buckets}): choose it once, for the final number of
   * teams (a tenant is 10 to 15 objects: about `teams × 15 / 500` keeps each build near 500).
   * @default 32
   */
  readonly count?: number;
  /**
   * Name of the bucket Kustomizations, followed by `-b<N>` (`tenants-b07`).
   * @default - the last segment of the SystemsSync's folder path
   */
  readonly name?: string;
}

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
  /**
   * Emit the {@link TenantGuardrailPolicy} (once, for every team): tenants cannot change or
   * delete their default-deny NetworkPolicy. Set false when another folder of the same cluster
   * emits it, or to emit your own (another `platformNamespaces`).
   * @default true unless every team switches `networkPolicy` off
   */
  readonly defineGuardrailPolicy?: boolean;
  /**
   * Number of Flux controller shards (`shard0`...`shard<N-1>`, see `FluxBootstrap`'s `shards`):
   * each team whose spec sets no `shardKey` gets `shard<hash(name) % N>`, a key that does not
   * change when other teams are added or removed, on its GitRepository and Kustomization (the
   * notification-controller is not sharded). With `buckets`, buckets are per shard
   * (`<shard>-b<N>`), each bucket Kustomization labelled with its shard.
   * @default - no sharding (unless teams set `shardKey`)
   */
  readonly shards?: number;
  /**
   * Spread the tenants over buckets, each applied by its own Flux Kustomization, so that no build
   * grows with the number of teams: kustomize-controller builds, applies and inventories the whole
   * folder a Kustomization applies, and at 10 to 15 objects per tenant one folder of 100 teams
   * already passes the repo's bound of 1,000 objects per build (checked at synth). Each team goes
   * to `<folder>/[<shard>-]b<N>/<team>/` (a folder in the team's namespace); the SystemsSync's folder keeps the ClusterRole, the Service
   * policy and one Kustomization `<name>-b<N>` per bucket holding teams, and must not list its
   * sub-folders (create it with `includeSubfolders: false`).
   *
   * Moving existing tenants into buckets moves their objects to other Kustomizations: the one that
   * applied the folder prunes them (Namespaces included, with everything in them) unless it has
   * `prune: false`, given in a change of its own before the move (in the same change it may
   * reconcile the new revision with its old spec). The destroy guard refuses such a synth. Changing `count`,
   * `shards` or `name` later moves teams between buckets, or removes buckets: see docs/tenants.md.
   * @default - no buckets: every tenant in the SystemsSync's folder
   */
  readonly buckets?: SystemsSyncBuckets;
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
  /** The TenantGuardrailPolicy, when emitted. */
  public readonly guardrailPolicy?: TenantGuardrailPolicy;
  /** The bucket Kustomizations (one per bucket holding teams, by bucket), when `buckets` is set. */
  public readonly bucketKustomizations: Kustomization[] = [];

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
    if (props.defineGuardrailPolicy ?? props.teams.some((t) => t.networkPolicy !== false)) {
      this.guardrailPolicy = new TenantGuardrailPolicy(this, 'GuardrailPolicy');
    }
    const shards = checkCount(this, 'shards', props.shards, 1000);
    const placeTeam = props.buckets ? this.bucketLayout(props.buckets) : () => this;
    const names = new Set<string>();
    props.teams.forEach((team, i) => {
      // Checked here: the name is the Tenant's construct id.
      checkString(this, `teams[${i}].name`, team.name, DNS_LABEL);
      if (names.has(team.name)) throw propError(this, `teams[${i}].name`, `"${team.name}" is used by another team`);
      names.add(team.name);
      const shardKey = team.shardKey ?? (shards !== undefined ? `shard${stableHash(team.name) % shards}` : undefined);
      if (shardKey !== undefined && props.buckets) {
        checkString(this, `teams[${i}].shardKey`, shardKey, { ...DNS_LABEL, description: 'a shard key: a DNS label such as "shard1" (with buckets, it names the bucket folders and Kustomizations)' });
      }
      const tenant = new Tenant(placeTeam(team, shardKey), team.name, { ...team, shardKey, clusterRole: team.clusterRole ?? role, defineClusterRole: false, defineServicePolicy: false, defineGuardrailPolicy: false });
      this.tenants.push(tenant);
    });
    this.bucketKustomizations.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * The bucket layout: checks the props and returns where a team's Tenant goes (its folder
   * `<folder>/[<shard>-]b<N>/<team>`), creating the bucket's folder and Kustomization with its
   * first team.
   */
  private bucketLayout(buckets: SystemsSyncBuckets): (team: TeamSpec, shard: string | undefined) => Construct {
    const folder = Folder.of(this);
    if (folder.includeSubfolders) {
      throw propError(this, 'buckets', `folder "${folder.path}" lists its sub-folders, so the Kustomization applying it would build every bucket too: create it with includeSubfolders: false`);
    }
    const count = checkCount(this, 'buckets.count', buckets.count, 10000) ?? 32;
    for (const key of Object.keys(buckets)) {
      if (!BUCKET_PROPS.includes(key)) {
        throw propError(this, `buckets.${key}`, `is not a prop of the bucket Kustomizations (${BUCKET_PROPS.join(', ')}): a bucket applies its tenants as they are`);
      }
    }
    const { count: _count, name: _name, ...kProps } = buckets;
    const name = buckets.name ?? folder.path.split('/').pop()!;
    const repo = Repo.of(folder);
    const made = new Map<string, Kustomization>();
    // A bucket's folder is this SystemsSync's alone: another Kustomization building it (a second
    // SystemsSync in the same folder, a folder of your own at that path) would put the same
    // objects in two inventories.
    const own = (path: string, props: { namespace?: string } = {}) => {
      if (repo.node.tryFindChild(folderId(path))) {
        throw propError(this, 'buckets', `folder "${path}" already exists (another SystemsSync in folder "${folder.path}", or a folder of the app): a bucket's folder is applied by its bucket Kustomization alone; give each SystemsSync its own folder`);
      }
      return repo.folder(path, props);
    };
    return (team, shard) => {
      const bucket = bucketOf(team.name, count, shard);
      if (!made.has(bucket)) {
        const k = Kustomization.forFolder(this, `Bucket-${bucket}`, own(`${folder.path}/${bucket}`), {
          ...kProps,
          name: `${name}-${bucket}`,
          ...(shard !== undefined ? { shardKey: shard } : {}),
        });
        made.set(bucket, k);
        this.bucketKustomizations.push(k);
      }
      // The team's namespace is the folder's: objects added there (its sealed Git credentials) land in it.
      return own(`${folder.path}/${bucket}/${team.name}`, { namespace: team.namespace ?? team.name });
    };
  }
}

