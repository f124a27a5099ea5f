import { Construct } from 'constructs';
import { AZURE_GUID } from '../core/azure-roles';
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
   * Crossplane makes each package revision the controller owner of the ServiceAccount it makes
   * from this template, so only one package may use the runtime config: with several, their
   * revisions take the ServiceAccount from each other forever (crossplane/crossplane#7769,
   * #5961) and deleting one package deletes the account the others run as. Several packages
   * share an account with `existingServiceAccountName`.
   * @default - Crossplane names it after the package revision
   */
  readonly serviceAccountName?: string;
  /**
   * An existing ServiceAccount in Crossplane's namespace the package's pods run as
   * (`deploymentTemplate.spec.template.spec.serviceAccountName`): Crossplane then uses it without
   * owning it and binds the package's RBAC to it (crossplane/crossplane#4925), so any number of
   * packages may share it. Its annotations (workload identity's client ID) are the account's own:
   * not with `serviceAccountName`, `serviceAccountAnnotations`, `serviceAccountLabels` or
   * `workloadIdentity` (give the pods the label with `podLabels`).
   * @default - Crossplane creates an account per package revision (from the template props)
   */
  readonly existingServiceAccountName?: string;
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
  /** The packages (Providers, Functions) using this runtime config, in the order they were made. */
  private readonly users: Construct[] = [];

  public constructor(scope: Construct, id: string, props: DeploymentRuntimeConfigProps) {
    super(scope, id);
    const name = checkString(this, 'name', props.name, DNS_SUBDOMAIN);
    if (props.serviceAccountName !== undefined) checkString(this, 'serviceAccountName', props.serviceAccountName, DNS_SUBDOMAIN);
    const existing = props.existingServiceAccountName;
    if (existing !== undefined) {
      checkString(this, 'existingServiceAccountName', existing, DNS_SUBDOMAIN);
      const templated = (['serviceAccountName', 'serviceAccountAnnotations', 'serviceAccountLabels', 'workloadIdentity'] as const).filter((k) => props[k] !== undefined);
      if (templated.length > 0) {
        throw propError(this, 'existingServiceAccountName', `cannot be combined with ${templated.join(', ')}: Crossplane does not create or change an existing ServiceAccount; annotate it yourself (workload identity's client ID), and label the pods with podLabels`);
      }
    }
    const saAnnotations = { ...(props.serviceAccountAnnotations ?? {}) };
    const saLabels = { ...(props.serviceAccountLabels ?? {}) };
    const podLabels = { ...(props.podLabels ?? {}) };
    const wi = props.workloadIdentity;
    if (wi) {
      if (!AZURE_GUID.test(wi.clientId)) throw propError(this, 'workloadIdentity.clientId', `"${wi.clientId}" is invalid: must be a client ID (a UUID)`);
      if (wi.tenantId !== undefined && !AZURE_GUID.test(wi.tenantId)) throw propError(this, 'workloadIdentity.tenantId', `"${wi.tenantId}" is invalid: must be a tenant ID (a UUID)`);
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
    const podMeta = Object.keys(podLabels).length ? { metadata: { labels: podLabels } } : {};
    this.apiObject = new DeploymentRuntimeConfigL1(this, 'Resource', {
      metadata: { name },
      spec: {
        serviceAccountTemplate: Object.keys(saMeta).length ? { metadata: saMeta } : undefined,
        // `package-runtime` is the container Crossplane runs the package in.
        deploymentTemplate: Object.keys(podLabels).length || existing !== undefined
          ? { spec: { selector: {}, template: { ...podMeta, spec: { containers: [{ name: 'package-runtime' }], ...(existing !== undefined ? { serviceAccountName: existing } : {}) } } } }
          : undefined,
      },
    });
    if (props.serviceAccountName !== undefined) {
      const sa = props.serviceAccountName;
      this.node.addValidation({
        validate: () => this.users.length <= 1 ? [] : [
          `prop "serviceAccountName": ${this.users.length} packages use this runtime config (${this.users.map((u) => u.node.path).join(', ')}), and Crossplane makes each package revision the controller owner of ServiceAccount "${sa}" it makes from the template: ` +
            'they take it from each other forever (crossplane/crossplane#7769) and deleting one deletes the account the others run as; create the ServiceAccount and give existingServiceAccountName instead, or one runtime config per package',
        ],
      });
    }
  }

  /** Records a package using this runtime config (see {@link DeploymentRuntimeConfigProps.serviceAccountName}). @internal */
  public _addUser(pkg: Construct): void {
    this.users.push(pkg);
  }
}

function clean<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
