import { Construct } from 'constructs';
import {
  ClusterProviderConfig as ClusterProviderConfigL1,
  ClusterProviderConfigSpecCredentialsSource,
  ProviderConfig as ProviderConfigL1,
  ProviderConfigSpecCredentialsSource,
} from '../../imports/crossplane/azure.m.upbound.io';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { addReference } from '../core/references';

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

  /** A key of an existing Secret (a service principal JSON document), e.g. from SOPS or a SealedSecret. */
  public static fromSecret(secret: { readonly name: string; readonly namespace: string; readonly key: string }): AzureCredentials {
    return new AzureCredentials('Secret', {}, secret);
  }

  private constructor(
    /** The `credentials.source`. */
    public readonly source: 'UserAssignedManagedIdentity' | 'OIDCTokenFile' | 'Secret',
    /** Extra spec fields (L1 prop names: clientId, oidcTokenFilePath). */
    public readonly specFields: Record<string, string>,
    /** The Secret for `Secret`. */
    public readonly secretRef?: { readonly name: string; readonly namespace: string; readonly key: string },
  ) {}
}

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
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function spec(scope: Construct, props: AzureProviderConfigProps): Record<string, unknown> {
  if (!(props.credentials instanceof AzureCredentials)) throw propError(scope, 'credentials', 'must be AzureCredentials.userAssignedManagedIdentity(), .oidcTokenFile() or .fromSecret()');
  checkString(scope, 'subscriptionId', props.subscriptionId, { pattern: UUID, description: 'a subscription ID (a UUID)' });
  checkString(scope, 'tenantId', props.tenantId, { pattern: UUID, description: 'a tenant ID (a UUID)' });
  const c = props.credentials;
  if (c.specFields.clientId !== undefined && !UUID.test(c.specFields.clientId)) {
    throw propError(scope, 'credentials', `client ID "${c.specFields.clientId}" is invalid: must be a UUID`);
  }
  if (c.secretRef) {
    checkString(scope, 'credentials.secretRef.name', c.secretRef.name, DNS_SUBDOMAIN);
    checkString(scope, 'credentials.secretRef.namespace', c.secretRef.namespace, DNS_LABEL);
    addReference(scope, 'credentials.secretRef', { apiGroup: '', kind: 'Secret', name: c.secretRef.name, namespace: c.secretRef.namespace });
  }
  return {
    credentials: { source: c.source, ...(c.secretRef ? { secretRef: { ...c.secretRef } } : {}) },
    ...c.specFields,
    subscriptionId: props.subscriptionId,
    tenantId: props.tenantId,
    environment: props.environment,
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
export class AzureClusterProviderConfig extends Construct {
  public readonly name: string;
  public readonly apiObject: ClusterProviderConfigL1;

  public constructor(scope: Construct, id: string, props: AzureProviderConfigProps) {
    super(scope, id);
    if (props.namespace !== undefined) throw propError(this, 'namespace', 'a ClusterProviderConfig is cluster-scoped: leave namespace out (or use AzureProviderConfig)');
    this.name = checkString(this, 'name', props.name ?? 'default', DNS_SUBDOMAIN);
    const s = spec(this, props) as any;
    this.apiObject = new ClusterProviderConfigL1(this, 'Resource', {
      metadata: { name: this.name },
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
 *   credentials: AzureCredentials.fromSecret({ name: 'azure-sp', namespace: 'team-a', key: 'credentials' }),
 *   subscriptionId: '00000000-0000-0000-0000-000000000001', tenantId: '00000000-0000-0000-0000-000000000002',
 * });
 */
export class AzureProviderConfig extends Construct {
  public readonly name: string;
  public readonly apiObject: ProviderConfigL1;

  public constructor(scope: Construct, id: string, props: AzureProviderConfigProps) {
    super(scope, id);
    this.name = checkString(this, 'name', props.name ?? 'default', DNS_SUBDOMAIN);
    if (props.namespace !== undefined) checkString(this, 'namespace', props.namespace, DNS_LABEL);
    const s = spec(this, props) as any;
    this.apiObject = new ProviderConfigL1(this, 'Resource', {
      metadata: { name: this.name, namespace: props.namespace },
      spec: { ...s, credentials: { ...s.credentials, source: s.credentials.source as ProviderConfigSpecCredentialsSource } },
    });
    if (!this.apiObject.metadata.namespace) throw propError(this, 'namespace', 'a ProviderConfig is namespaced: set namespace, or create it in a folder with a namespace');
  }
}
