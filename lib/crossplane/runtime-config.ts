import { Construct } from 'constructs';
import { DeploymentRuntimeConfig as DeploymentRuntimeConfigL1 } from '../../imports/crossplane/pkg.crossplane.io';
import { checkString, DNS_SUBDOMAIN, propError } from '../core/errors';
import { PlatformResource } from '../core/resource';

/** Azure Workload Identity for a package's pods. */
export interface WorkloadIdentityProps {
  /** Client ID of the user-assigned managed identity (federated with the ServiceAccount). */
  readonly clientId: string;
  /** Tenant ID. @default - the webhook's default tenant */
  readonly tenantId?: string;
}

/** Props of a {@link DeploymentRuntimeConfig}. */
export interface DeploymentRuntimeConfigProps {
  /** Name (referenced by Providers and Functions as `runtimeConfigRef`). */
  readonly name: string;
  /**
   * Name of the ServiceAccount Crossplane creates for the package's pods; give it a fixed name
   * when a federated credential refers to it (`system:serviceaccount:<crossplane ns>:<name>`).
   * @default - Crossplane names it after the package revision
   */
  readonly serviceAccountName?: string;
  /** Annotations of the ServiceAccount. @default - none */
  readonly serviceAccountAnnotations?: Record<string, string>;
  /** Labels of the ServiceAccount. @default - none */
  readonly serviceAccountLabels?: Record<string, string>;
  /** Labels of the package's pods. @default - none */
  readonly podLabels?: Record<string, string>;
  /**
   * Azure Workload Identity: annotates the ServiceAccount with the identity's client ID (and
   * tenant) and labels the pods `azure.workload.identity/use: "true"`, so the webhook projects a
   * federated token (for an upjet-azure ProviderConfig with `AzureCredentials.oidcTokenFile()`).
   * @default - none
   */
  readonly workloadIdentity?: WorkloadIdentityProps;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * A DeploymentRuntimeConfig (`pkg.crossplane.io/v1beta1`): how Crossplane runs a provider's or
 * function's pods — ServiceAccount annotations/labels and pod labels, e.g. for Azure Workload
 * Identity.
 *
 * @example
 * const runtime = new DeploymentRuntimeConfig(folder, 'azure-wi', {
 *   name: 'azure-workload-identity', serviceAccountName: 'provider-azure',
 *   workloadIdentity: { clientId: '00000000-0000-0000-0000-000000000003' },
 * });
 * CrossplaneProvider.upjetAzure(folder, 'containerservice', { service: 'containerservice', runtimeConfig: runtime });
 */
export class DeploymentRuntimeConfig extends PlatformResource {
  public readonly apiObject: DeploymentRuntimeConfigL1;

  public constructor(scope: Construct, id: string, props: DeploymentRuntimeConfigProps) {
    super(scope, id);
    const name = checkString(this, 'name', props.name, DNS_SUBDOMAIN);
    if (props.serviceAccountName !== undefined) checkString(this, 'serviceAccountName', props.serviceAccountName, DNS_SUBDOMAIN);
    const saAnnotations = { ...(props.serviceAccountAnnotations ?? {}) };
    const saLabels = { ...(props.serviceAccountLabels ?? {}) };
    const podLabels = { ...(props.podLabels ?? {}) };
    const wi = props.workloadIdentity;
    if (wi) {
      if (!UUID.test(wi.clientId)) throw propError(this, 'workloadIdentity.clientId', `"${wi.clientId}" is invalid: must be a client ID (a UUID)`);
      if (wi.tenantId !== undefined && !UUID.test(wi.tenantId)) throw propError(this, 'workloadIdentity.tenantId', `"${wi.tenantId}" is invalid: must be a tenant ID (a UUID)`);
      saAnnotations['azure.workload.identity/client-id'] = wi.clientId;
      if (wi.tenantId) saAnnotations['azure.workload.identity/tenant-id'] = wi.tenantId;
      saLabels['azure.workload.identity/use'] = 'true';
      podLabels['azure.workload.identity/use'] = 'true';
    }
    const saMeta = clean({
      name: props.serviceAccountName,
      annotations: Object.keys(saAnnotations).length ? saAnnotations : undefined,
      labels: Object.keys(saLabels).length ? saLabels : undefined,
    });
    this.apiObject = new DeploymentRuntimeConfigL1(this, 'Resource', {
      metadata: { name },
      spec: {
        serviceAccountTemplate: Object.keys(saMeta).length ? { metadata: saMeta } : undefined,
        // `package-runtime` is the container Crossplane runs the package in.
        deploymentTemplate: Object.keys(podLabels).length
          ? { spec: { selector: {}, template: { metadata: { labels: podLabels }, spec: { containers: [{ name: 'package-runtime' }] } } } }
          : undefined,
      },
    });
  }
}

function clean<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
