import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AzureClusterIdentity as L1AzureClusterIdentity, AzureClusterIdentitySpecType } from '../../imports/capz/infrastructure.cluster.x-k8s.io';
import { recordOptOut } from '../core/baseline';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { addReference } from '../core/references';
import { PlatformResource } from '../core/resource';
import { resolveNamespace } from './capi-cluster';
import { MOVE_HIERARCHY_LABEL } from './constants';

/** How CAPZ authenticates to Azure for the clusters using an {@link AzureClusterIdentity}. */
export enum AzureClusterIdentityType {
  /** Federated workload identity (no secret; the secure default). */
  WORKLOAD_IDENTITY = 'WorkloadIdentity',
  /** Service principal with a client secret read from a Secret. */
  SERVICE_PRINCIPAL = 'ServicePrincipal',
}

/** A Secret holding a service principal's client secret (key `clientSecret`). */
export interface SecretReference {
  /** Secret name. */
  readonly name: string;
  /**
   * Secret namespace.
   * @default - the identity's namespace
   */
  readonly namespace?: string;
}

/** Which namespaces' clusters may use an identity. */
export interface AllowedNamespaces {
  /**
   * Every namespace (`allowedNamespaces: {}`).
   * @default false
   */
  readonly all?: boolean;
  /**
   * These namespaces. The identity's own namespace is allowed only if listed: CAPZ adds nothing
   * (`IsClusterNamespaceAllowed`).
   * @default - none
   */
  readonly list?: string[];
  /**
   * Namespaces with these labels.
   * @default - none
   */
  readonly matchLabels?: Record<string, string>;
}

/** Props of an {@link AzureClusterIdentity}. */
export interface AzureClusterIdentityProps {
  /** Name (a DNS subdomain). */
  readonly name: string;
  /**
   * Namespace.
   * @default - the folder's namespace, else `default`
   */
  readonly namespace?: string;
  /**
   * Identity type.
   * @default AzureClusterIdentityType.WORKLOAD_IDENTITY
   */
  readonly type?: AzureClusterIdentityType;
  /** Client ID of the managed identity / app registration (a GUID). */
  readonly clientId: string;
  /** Entra ID tenant ID (a GUID). */
  readonly tenantId: string;
  /**
   * The Secret with the client secret (ServicePrincipal only; never inline a secret). The Secret
   * must be an object of the app or declared with `addProvided`.
   * @default - none (required for ServicePrincipal)
   */
  readonly clientSecret?: SecretReference;
  /**
   * Namespaces whose clusters may use this identity. CAPZ allows none when the field is absent
   * (`IsClusterNamespaceAllowed`: "If this object is nil, no namespaces will be allowed"), so the
   * default is written out: `allowedNamespaces: { list: [<the identity's namespace>] }`.
   * @default - only the identity's own namespace
   */
  readonly allowedNamespaces?: AllowedNamespaces;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * A CAPZ `AzureClusterIdentity`: the Azure credential shared by many self-managed clusters
 * (`identityRef`). Workload identity by default; a service principal's secret is only ever
 * referenced. Usable from its own namespace only unless `allowedNamespaces` says otherwise.
 *
 * @example
 * // Workload identity (no secret); clusters of its namespace (fleet) and of team-a may use it
 * const identity = new AzureClusterIdentity(folder, 'identity', {
 *   name: 'cluster-identity',
 *   clientId: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a', tenantId: '11111111-2222-3333-4444-555555555555',
 *   allowedNamespaces: { list: ['fleet', 'team-a'] },
 * });
 */
export class AzureClusterIdentity extends PlatformResource {
  /** The AzureClusterIdentity. */
  public readonly apiObject: ApiObject;
  /** How CAPZ authenticates with it. */
  public readonly type: AzureClusterIdentityType;
  private readonly allowed: AllowedNamespaces;

  public constructor(scope: Construct, id: string, props: AzureClusterIdentityProps) {
    super(scope, id);
    const name = checkString(this, 'name', props.name, DNS_SUBDOMAIN);
    const namespace = resolveNamespace(this, props.namespace);
    const type = (this.type = props.type ?? AzureClusterIdentityType.WORKLOAD_IDENTITY);
    if (!GUID.test(props.clientId ?? '')) throw propError(this, 'clientId', `"${props.clientId}" is invalid: must be a GUID`);
    if (!GUID.test(props.tenantId ?? '')) throw propError(this, 'tenantId', `"${props.tenantId}" is invalid: must be a GUID`);
    if (type === AzureClusterIdentityType.SERVICE_PRINCIPAL && !props.clientSecret) {
      throw propError(this, 'clientSecret', 'a ServicePrincipal identity needs a reference to the Secret holding its client secret');
    }
    if (type !== AzureClusterIdentityType.SERVICE_PRINCIPAL && props.clientSecret) {
      throw propError(this, 'clientSecret', `only used with type ${AzureClusterIdentityType.SERVICE_PRINCIPAL}`);
    }
    if (type === AzureClusterIdentityType.SERVICE_PRINCIPAL) recordOptOut(this, 'capz.identity.type', 'ServicePrincipal (a long-lived client secret instead of workload identity)');
    const allowed = props.allowedNamespaces;
    if (allowed?.all && (allowed.list?.length || allowed.matchLabels)) throw propError(this, 'allowedNamespaces', 'set either all, or list / matchLabels');
    (allowed?.list ?? []).forEach((ns, i) => checkString(this, `allowedNamespaces.list[${i}]`, ns, DNS_LABEL));
    if (allowed && !allowed.all && !allowed.list?.length && !Object.keys(allowed.matchLabels ?? {}).length) {
      throw propError(this, 'allowedNamespaces', 'names no namespace: CAPZ reads an empty allowedNamespaces as every namespace; set all, list or matchLabels, or leave it unset for the identity\'s own namespace');
    }
    if (allowed?.all) recordOptOut(this, 'capz.identity.allowedNamespaces', 'all namespaces');
    this.allowed = allowed ?? { list: [namespace] };
    const secret = props.clientSecret ? { name: checkString(this, 'clientSecret.name', props.clientSecret.name, DNS_SUBDOMAIN), namespace: props.clientSecret.namespace ?? namespace } : undefined;

    this.apiObject = new L1AzureClusterIdentity(this, 'Resource', {
      metadata: { name, namespace, labels: { [MOVE_HIERARCHY_LABEL]: 'true' } },
      spec: {
        type: type as unknown as AzureClusterIdentitySpecType,
        clientId: props.clientId,
        tenantId: props.tenantId,
        clientSecret: secret,
        // Absent, CAPZ allows no namespace at all (azure/scope/identity.go IsClusterNamespaceAllowed).
        allowedNamespaces: allowed
          ? allowed.all
            ? {}
            : { list: allowed.list?.length ? [...allowed.list] : undefined, selector: allowed.matchLabels ? { matchLabels: { ...allowed.matchLabels } } : undefined }
          : { list: [namespace] },
      },
    });
    if (secret) addReference(this, 'clientSecret', { apiGroup: '', kind: 'Secret', ...secret });
  }

  /**
   * Whether clusters of `namespace` may use this identity (CAPZ `IsClusterNamespaceAllowed`):
   * `undefined` when a label selector decides (the Namespace's labels are on the cluster).
   */
  public allowsNamespace(namespace: string): boolean | undefined {
    if (this.allowed.all || this.allowed.list?.includes(namespace)) return true;
    return this.allowed.matchLabels ? undefined : false;
  }

  /** Namespace of the identity. */
  public override get namespace(): string {
    return this.apiObject.metadata.namespace!;
  }
}
