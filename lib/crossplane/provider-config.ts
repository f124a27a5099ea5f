import { Construct } from 'constructs';
import { AZURE_GUID } from '../core/azure-roles';
import {
  ClusterProviderConfig as ClusterProviderConfigL1,
  ClusterProviderConfigSpecCredentialsSource,
  ProviderConfig as ProviderConfigL1,
  ProviderConfigSpecCredentialsSource,
} from '../../imports/crossplane/azure.m.upbound.io';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { importResource, IPlatformResource, PlatformResource, ResourceImportProps, scopeNamespace } from '../core/resource';
import { resolveSecretKeyRef, SecretKeyRef } from '../core/secret';

/**
 * Where an upjet-azure ProviderConfig gets its Azure credentials. Never inline: a managed
 * identity, a projected OIDC token (workload identity) or a reference to an existing Secret.
 */
export class AzureCredentials {
  /** A user-assigned managed identity of the node / VM the provider runs on, by client ID. */
  public static userAssignedManagedIdentity(clientId: string): AzureCredentials {
    return new AzureCredentials('UserAssignedManagedIdentity', { clientId });
  }

  /**
   * Workload identity: a federated OIDC token projected into the provider pod (use a
   * {@link DeploymentRuntimeConfig} with `workloadIdentity`).
   * @param clientId client ID of the federated user-assigned identity
   * @param tokenFilePath @default '/var/run/secrets/azure/tokens/azure-identity-token' (where the webhook projects it)
   */
  public static oidcTokenFile(clientId: string, tokenFilePath?: string): AzureCredentials {
    return new AzureCredentials('OIDCTokenFile', { clientId, ...(tokenFilePath ? { oidcTokenFilePath: tokenFilePath } : {}) });
  }

  /**
   * A key of a Secret holding a service principal JSON document (`clientId`, `clientSecret`,
   * `tenantId`, `subscriptionId`): a SealedSecret, an `ExistingSecret.fromName(...)`, or the name
   * of a Secret managed outside the app.
   *
   * upjet-azure reads the Secret of a namespaced {@link AzureProviderConfig} from the namespace of
   * the managed resource using it, which is the ProviderConfig's own (it overwrites
   * `secretRef.namespace`): the Secret must be in the ProviderConfig's namespace. An
   * {@link AzureClusterProviderConfig} reads it from the Secret's namespace (a name string: the
   * folder's namespace).
   *
   * @example
   * AzureCredentials.fromSecret({ secret: ExistingSecret.fromName(folder, 'azure-sp', { name: 'azure-sp' }), key: 'credentials' });
   */
  public static fromSecret(ref: SecretKeyRef): AzureCredentials {
    return new AzureCredentials('Secret', {}, ref);
  }

  private constructor(
    /** The `credentials.source`. */
    public readonly source: 'UserAssignedManagedIdentity' | 'OIDCTokenFile' | 'Secret',
    /** Extra spec fields (L1 prop names: clientId, oidcTokenFilePath). */
    public readonly specFields: Record<string, string>,
    /** The key of a Secret for `Secret`. */
    public readonly secretKeyRef?: SecretKeyRef,
  ) {}
}

/** API group of the namespaced upjet-azure kinds and their (Cluster)ProviderConfigs. */
const AZURE_M_GROUP = 'azure.m.upbound.io';

/**
 * An upjet-azure (Cluster)ProviderConfig (`azure.m.upbound.io`): an {@link AzureClusterProviderConfig}
 * or {@link AzureProviderConfig} of the app, or an import (`fromName`).
 */
export interface IAzureProviderConfig extends IPlatformResource {}

/** Props of {@link AzureProviderConfig} and {@link AzureClusterProviderConfig}. */
export interface AzureProviderConfigProps {
  /** Name (managed resources refer to it in `spec.providerConfigRef.name`). @default 'default' */
  readonly name?: string;
  /** Namespace ({@link AzureProviderConfig} only). @default - the folder's namespace */
  readonly namespace?: string;
  /** Credentials. */
  readonly credentials: AzureCredentials;
  /** Azure subscription ID. */
  readonly subscriptionId: string;
  /** Entra ID tenant ID. */
  readonly tenantId: string;
  /** Cloud environment (`AzurePublicCloud`, `AzureChinaCloud`, ...). @default - public cloud */
  readonly environment?: string;
  /**
   * Reach the Storage blob and queue data planes with Entra ID instead of the account's shared key
   * (`storageUseAzureAD`, azurerm's `storage_use_azuread`). Required for storage Accounts with
   * `sharedAccessKeyEnabled: false`: azurerm reads their blob and queue service properties with a
   * shared key otherwise, gets 403 KeyBasedAuthenticationNotPermitted, and the Account never
   * becomes ready (a Composition composing one through this config is a synth error). The
   * provider's identity then needs data roles on the accounts (Storage Blob Data Contributor,
   * Storage Queue Data Contributor).
   * @default false (the provider's: shared keys)
   */
  readonly storageUseAzureAD?: boolean;
}

/**
 * The spec of a (Cluster)ProviderConfig. `namespace`: that of a namespaced ProviderConfig, where
 * upjet-azure reads its Secret (`enrichLocalSecretRefs` sets `secretRef.namespace` to the managed
 * resource's namespace); undefined for a ClusterProviderConfig (the Secret's own namespace).
 */
function spec(scope: Construct, props: AzureProviderConfigProps, namespace: string | undefined): Record<string, unknown> {
  if (!(props.credentials instanceof AzureCredentials)) throw propError(scope, 'credentials', 'must be AzureCredentials.userAssignedManagedIdentity(), .oidcTokenFile() or .fromSecret()');
  checkString(scope, 'subscriptionId', props.subscriptionId, { pattern: AZURE_GUID, description: 'a subscription ID (a UUID)' });
  checkString(scope, 'tenantId', props.tenantId, { pattern: AZURE_GUID, description: 'a tenant ID (a UUID)' });
  const c = props.credentials;
  if (c.specFields.clientId !== undefined && !AZURE_GUID.test(c.specFields.clientId)) {
    throw propError(scope, 'credentials', `client ID "${c.specFields.clientId}" is invalid: must be a UUID`);
  }
  let secretRef: { name: string; namespace: string; key: string } | undefined;
  if (c.secretKeyRef) {
    const ref = c.secretKeyRef;
    // A ClusterProviderConfig reads the Secret where it is (a name: the folder's namespace).
    const ns = namespace ?? (typeof ref?.secret === 'object' && ref.secret !== null ? ref.secret.secretNamespace : scopeNamespace(scope));
    const { name, key } = resolveSecretKeyRef(scope, 'credentials', ref, ns as string, 'upjet-azure reads the Secret of a ProviderConfig from the ProviderConfig\'s namespace');
    secretRef = { name, namespace: ns as string, key };
  }
  return {
    credentials: { source: c.source, ...(secretRef ? { secretRef } : {}) },
    ...c.specFields,
    subscriptionId: props.subscriptionId,
    tenantId: props.tenantId,
    environment: props.environment,
    ...(props.storageUseAzureAD ? { storageUseAzureAd: true } : {}),
  };
}

/**
 * An upjet-azure `ClusterProviderConfig` (`azure.m.upbound.io/v1beta1`, cluster-scoped): the
 * credentials namespaced managed resources use by default (`providerConfigRef` defaults to
 * `ClusterProviderConfig/default`).
 *
 * @example
 * // Workload identity: the provider pods get a federated token (see DeploymentRuntimeConfig)
 * new AzureClusterProviderConfig(folder, 'default', {
 *   credentials: AzureCredentials.oidcTokenFile('00000000-0000-0000-0000-000000000003'),
 *   subscriptionId: '00000000-0000-0000-0000-000000000001', tenantId: '00000000-0000-0000-0000-000000000002',
 * });
 */
export class AzureClusterProviderConfig extends PlatformResource implements IAzureProviderConfig {
  /**
   * Imports a ClusterProviderConfig owned elsewhere (declared as provided, so managed resources
   * may use it).
   *
   * @example
   * const shared = AzureClusterProviderConfig.fromName(folder, 'shared', { name: 'shared' });
   */
  public static fromName(scope: Construct, id: string, props: ResourceImportProps): IAzureProviderConfig {
    return importResource(scope, id, { apiGroup: AZURE_M_GROUP, kind: 'ClusterProviderConfig', apiVersion: `${AZURE_M_GROUP}/v1beta1` }, props);
  }

  public readonly apiObject: ClusterProviderConfigL1;
  /** Whether the provider reaches the Storage data planes with Entra ID ({@link AzureProviderConfigProps.storageUseAzureAD}). */
  public readonly storageUseAzureAD: boolean;

  public constructor(scope: Construct, id: string, props: AzureProviderConfigProps) {
    super(scope, id);
    this.storageUseAzureAD = props.storageUseAzureAD ?? false;
    if (props.namespace !== undefined) throw propError(this, 'namespace', 'a ClusterProviderConfig is cluster-scoped: leave namespace out (or use AzureProviderConfig)');
    const name = checkString(this, 'name', props.name ?? 'default', DNS_SUBDOMAIN);
    const s = spec(this, props, undefined) as any;
    this.apiObject = new ClusterProviderConfigL1(this, 'Resource', {
      metadata: { name },
      spec: { ...s, credentials: { ...s.credentials, source: s.credentials.source as ClusterProviderConfigSpecCredentialsSource } },
    });
  }
}

/**
 * An upjet-azure `ProviderConfig` (`azure.m.upbound.io/v1beta1`, namespaced): credentials for the
 * managed resources of one namespace that set `providerConfigRef: {kind: ProviderConfig, name}`.
 *
 * @example
 * // Team-a's own credentials: a key of a Secret produced by a SealedSecret (never inline)
 * new AzureProviderConfig(folder, 'team-a', {
 *   name: 'team-a', namespace: 'team-a',
 *   credentials: AzureCredentials.fromSecret({ secret: 'azure-sp', key: 'credentials' }), // a Secret of team-a
 *   subscriptionId: '00000000-0000-0000-0000-000000000001', tenantId: '00000000-0000-0000-0000-000000000002',
 * });
 */
export class AzureProviderConfig extends PlatformResource implements IAzureProviderConfig {
  /**
   * Imports a namespaced ProviderConfig owned elsewhere (declared as provided, so managed
   * resources of its namespace may use it).
   *
   * @example
   * const teamA = AzureProviderConfig.fromName(folder, 'team-a', { name: 'team-a', namespace: 'team-a' });
   */
  public static fromName(scope: Construct, id: string, props: ResourceImportProps): IAzureProviderConfig {
    return importResource(scope, id, { apiGroup: AZURE_M_GROUP, kind: 'ProviderConfig', apiVersion: `${AZURE_M_GROUP}/v1beta1` }, props);
  }

  public readonly apiObject: ProviderConfigL1;

  public constructor(scope: Construct, id: string, props: AzureProviderConfigProps) {
    super(scope, id);
    const name = checkString(this, 'name', props.name ?? 'default', DNS_SUBDOMAIN);
    if (props.namespace !== undefined) checkString(this, 'namespace', props.namespace, DNS_LABEL);
    const namespace = props.namespace ?? scopeNamespace(this);
    if (!namespace) throw propError(this, 'namespace', 'a ProviderConfig is namespaced: set namespace, or create it in a folder with a namespace');
    const s = spec(this, props, namespace) as any;
    this.apiObject = new ProviderConfigL1(this, 'Resource', {
      metadata: { name, namespace: props.namespace },
      spec: { ...s, credentials: { ...s.credentials, source: s.credentials.source as ProviderConfigSpecCredentialsSource } },
    });
  }
}
