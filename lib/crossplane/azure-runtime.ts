import { Construct } from 'constructs';
import { ManagedResourceActivationPolicy } from './activation-policy';
import { CrossplaneFunction } from './function';
import { CrossplaneProvider } from './provider';
import { AzureClusterProviderConfig, AzureCredentials } from './provider-config';
import { DeploymentRuntimeConfig } from './runtime-config';

/** Props of a {@link CrossplaneAzureRuntime}. */
export interface CrossplaneAzureRuntimeProps {
  /**
   * upjet-azure service providers to install besides `provider-family-azure` (e.g.
   * `containerservice`, `dbforpostgresql`, `storage`).
   */
  readonly services: readonly string[];
  /** Client ID of the user-assigned managed identity the providers federate to (workload identity). */
  readonly clientId: string;
  /** Entra tenant of the identity and the subscription. */
  readonly tenantId: string;
  /** Subscription the `default` ClusterProviderConfig manages. */
  readonly subscriptionId: string;
  /** Name of the ManagedResourceActivationPolicy (activate kinds with `activateFor(composition)`). */
  readonly activationPolicyName: string;
  /**
   * Annotate the providers' ServiceAccount with the identity's tenant ID too.
   * @default false (the webhook's cluster-wide tenant is used)
   */
  readonly annotateTenant?: boolean;
  /** Name of the DeploymentRuntimeConfig. @default 'azure-workload-identity' */
  readonly runtimeConfigName?: string;
  /** ServiceAccount the providers run as. @default 'provider-azure' */
  readonly serviceAccountName?: string;
  /** function-patch-and-transform version. @default 'v0.10.8' */
  readonly patchAndTransformVersion?: string;
  /** function-auto-ready version. @default 'v0.6.1' */
  readonly autoReadyVersion?: string;
}

/**
 * What a management cluster needs to run Crossplane compositions of Azure resources: the
 * upjet-azure family provider plus the given service providers, all running with workload identity
 * (a DeploymentRuntimeConfig), function-patch-and-transform and function-auto-ready, the `default`
 * ClusterProviderConfig authenticating with the OIDC token file (no secret), and a
 * ManagedResourceActivationPolicy.
 *
 * @example
 * const runtime = new CrossplaneAzureRuntime(repo.folder('crossplane/system'), 'runtime', {
 *   services: ['containerservice'], clientId: '<identity client id>', tenantId: '<tenant id>',
 *   subscriptionId: '<subscription id>', activationPolicyName: 'platform',
 * });
 * runtime.activation.activateFor(composition);
 */
export class CrossplaneAzureRuntime extends Construct {
  /** The providers' DeploymentRuntimeConfig. */
  public readonly runtimeConfig: DeploymentRuntimeConfig;
  /** The providers, family first. */
  public readonly providers: CrossplaneProvider[];
  /** function-patch-and-transform and function-auto-ready. */
  public readonly functions: CrossplaneFunction[];
  /** The `default` ClusterProviderConfig. */
  public readonly providerConfig: AzureClusterProviderConfig;
  /** The activation policy. */
  public readonly activation: ManagedResourceActivationPolicy;

  public constructor(scope: Construct, id: string, props: CrossplaneAzureRuntimeProps) {
    super(scope, id);
    this.runtimeConfig = new DeploymentRuntimeConfig(this, 'runtime-config', {
      name: props.runtimeConfigName ?? 'azure-workload-identity',
      serviceAccountName: props.serviceAccountName ?? 'provider-azure',
      workloadIdentity: { clientId: props.clientId, tenantId: props.annotateTenant ? props.tenantId : undefined },
    });
    this.providers = ['family', ...props.services.filter((s) => s !== 'family')].map((service) =>
      CrossplaneProvider.upjetAzure(this, `provider-${service}`, { service, runtimeConfig: this.runtimeConfig }),
    );
    this.functions = [
      CrossplaneFunction.patchAndTransform(this, 'fn-pt', { version: props.patchAndTransformVersion ?? 'v0.10.8' }),
      CrossplaneFunction.autoReady(this, 'fn-auto-ready', { version: props.autoReadyVersion ?? 'v0.6.1' }),
    ];
    this.providerConfig = new AzureClusterProviderConfig(this, 'provider-config', {
      credentials: AzureCredentials.oidcTokenFile(props.clientId),
      subscriptionId: props.subscriptionId,
      tenantId: props.tenantId,
    });
    this.activation = new ManagedResourceActivationPolicy(this, 'activation', { name: props.activationPolicyName });
  }
}
