import { ApiObject } from 'cdk8s';
import { AZURE_GUID } from '../core/azure-roles';
import { Construct } from 'constructs';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { FluxDuration, ISource } from '../flux/common';
import { HealthCheckExpr, IKustomization, Kustomization } from '../flux/kustomization';
import { Folder } from '../gitops/folder';
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
  /**
   * The ServiceAccount the providers run as, created in `crossplaneNamespace` with the identity's
   * client ID (federate the identity with `system:serviceaccount:<crossplaneNamespace>:<name>`).
   * It is one account the runtime config names for every provider (`existingServiceAccountName`):
   * Crossplane owns an account it makes from a template, one package at a time.
   * @default 'provider-azure'
   */
  readonly serviceAccountName?: string;
  /** The namespace Crossplane runs in (the providers' pods and their ServiceAccount). @default 'crossplane-system' */
  readonly crossplaneNamespace?: string;
  /**
   * `storageUseAzureAD` of the `default` ClusterProviderConfig: the providers reach the Storage
   * blob and queue data planes with Entra ID, as storage Accounts without shared keys require
   * (see `AzureProviderConfigProps.storageUseAzureAD`); the identity then needs Storage Blob Data
   * Contributor and Storage Queue Data Contributor on the accounts.
   * @default - true when `services` includes `storage`
   */
  readonly storageUseAzureAD?: boolean;
  /** function-patch-and-transform version. @default 'v0.10.8' */
  readonly patchAndTransformVersion?: string;
  /** function-auto-ready version. @default 'v0.6.1' */
  readonly autoReadyVersion?: string;
  /**
   * Apply the stages with Flux: one Kustomization per stage, each depending on the one before and
   * waiting for what it applies.
   * @default - no Kustomizations (wire the stage folders yourself, in order)
   */
  readonly flux?: CrossplaneRuntimeFlux;
}

/** How {@link CrossplaneAzureRuntime} applies its stages with Flux. */
export interface CrossplaneRuntimeFlux {
  /** The GitRepository (or OCIRepository) of the repo the runtime is written to. */
  readonly source: ISource;
  /** Folder the Kustomizations are written to (the cluster's entry folder, applied by Flux). */
  readonly folder: Folder;
  /** Prefix of the Kustomization names (`<prefix>-packages`, `<prefix>-provider-configs`). @default 'crossplane' */
  readonly namePrefix?: string;
  /** Kustomizations that must be ready first (e.g. the one installing Crossplane itself). @default - none */
  readonly dependsOn?: IKustomization[];
  /** Reconcile interval. @default '10m' */
  readonly interval?: FluxDuration;
  /** Timeout of apply and health checks (provider packages take minutes to install). @default '10m' */
  readonly timeout?: FluxDuration;
}

/**
 * CEL health checks (Kustomization `healthCheckExprs`) for Crossplane packages and XRDs: kstatus
 * knows neither a package's `Installed`/`Healthy` conditions nor an XRD's `Established`, so
 * `wait: true` alone would report them ready before their kinds exist.
 */
export const CROSSPLANE_HEALTH_CHECK_EXPRS: readonly HealthCheckExpr[] = [
  ...['Provider', 'Function', 'Configuration'].map((kind) => ({
    apiVersion: 'pkg.crossplane.io/v1',
    kind,
    current: "status.conditions.exists(e, e.type == 'Installed' && e.status == 'True') && status.conditions.exists(e, e.type == 'Healthy' && e.status == 'True')",
  })),
  ...['v1', 'v2'].map((v) => ({
    apiVersion: `apiextensions.crossplane.io/${v}`,
    kind: 'CompositeResourceDefinition',
    current: "status.conditions.exists(e, e.type == 'Established' && e.status == 'True')",
  })),
];

/** Adds {@link CROSSPLANE_HEALTH_CHECK_EXPRS} to a Kustomization (`spec.healthCheckExprs`). */
export function addCrossplaneHealthChecks(kustomization: Kustomization): void {
  kustomization.addHealthCheckExprs(...CROSSPLANE_HEALTH_CHECK_EXPRS);
}

/**
 * What a management cluster needs to run Crossplane compositions of Azure resources, in two
 * stages that Flux must apply in order (a provider's kinds exist only once Crossplane has
 * installed the package, and Flux dry-runs a whole Kustomization before applying any of it):
 *
 * 1. `<folder>/packages`: the upjet-azure family provider plus the given service providers, all
 *    running with workload identity (a DeploymentRuntimeConfig), function-patch-and-transform,
 *    function-auto-ready and the ManagedResourceActivationPolicy;
 * 2. `<folder>/provider-configs`: the `default` ClusterProviderConfig authenticating with the OIDC
 *    token file (no secret); its kind comes from provider-family-azure.
 *
 * With `flux`, the runtime also writes the Kustomizations: `<prefix>-packages` (waiting for every
 * package to be healthy) and `<prefix>-provider-configs` depending on it. Put XRDs and managed
 * resources in a Kustomization that depends on {@link lastStage}, and XR instances in one that
 * depends on the XRDs' Kustomization (with `wait: true`). Create the runtime in a folder whose own
 * `kustomization.yaml` nobody applies as a whole (it lists both stages).
 *
 * @example
 * const runtime = new CrossplaneAzureRuntime(repo.folder('crossplane/system'), 'runtime', {
 *   services: ['containerservice'], clientId: '<identity client id>', tenantId: '<tenant id>',
 *   subscriptionId: '<subscription id>', activationPolicyName: 'platform',
 *   flux: { source, folder: repo.folder('clusters/mgmt') },
 * });
 * runtime.activation.activateFor(composition);
 */
export class CrossplaneAzureRuntime extends Construct {
  /** The providers' DeploymentRuntimeConfig. */
  public readonly runtimeConfig: DeploymentRuntimeConfig;
  /** The providers' ServiceAccount (annotated for workload identity). */
  public readonly serviceAccount: ApiObject;
  /** The providers, family first. */
  public readonly providers: CrossplaneProvider[];
  /** function-patch-and-transform and function-auto-ready. */
  public readonly functions: CrossplaneFunction[];
  /** The `default` ClusterProviderConfig. */
  public readonly providerConfig: AzureClusterProviderConfig;
  /** The activation policy. */
  public readonly activation: ManagedResourceActivationPolicy;
  /** The stage folders, in apply order. */
  public readonly stages: { readonly packages: Folder; readonly providerConfigs: Folder };
  /** The Kustomizations of the stages (with the `flux` prop). */
  public readonly kustomizations?: { readonly packages: Kustomization; readonly providerConfigs: Kustomization };

  public constructor(scope: Construct, id: string, props: CrossplaneAzureRuntimeProps) {
    super(scope, id);
    const base = Folder.of(scope).path;
    const packages = new Folder(this, 'packages', { path: `${base}/packages` });
    const configs = new Folder(this, 'provider-configs', { path: `${base}/provider-configs` });
    this.stages = { packages, providerConfigs: configs };
    const saName = checkString(this, 'serviceAccountName', props.serviceAccountName ?? 'provider-azure', DNS_SUBDOMAIN);
    const crossplaneNamespace = checkString(this, 'crossplaneNamespace', props.crossplaneNamespace ?? 'crossplane-system', DNS_LABEL);
    if (!AZURE_GUID.test(props.clientId)) throw propError(this, 'clientId', `"${props.clientId}" is invalid: must be a client ID (a UUID)`);
    if (props.annotateTenant && !AZURE_GUID.test(props.tenantId)) throw propError(this, 'tenantId', `"${props.tenantId}" is invalid: must be a tenant ID (a UUID)`);
    this.serviceAccount = new ApiObject(packages, 'service-account', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: saName,
        namespace: crossplaneNamespace,
        labels: { 'azure.workload.identity/use': 'true' },
        annotations: {
          'azure.workload.identity/client-id': props.clientId,
          ...(props.annotateTenant ? { 'azure.workload.identity/tenant-id': props.tenantId } : {}),
        },
      },
    });
    this.runtimeConfig = new DeploymentRuntimeConfig(packages, 'runtime-config', {
      name: props.runtimeConfigName ?? 'azure-workload-identity',
      existingServiceAccountName: saName,
      podLabels: { 'azure.workload.identity/use': 'true' },
    });
    this.providers = ['family', ...props.services.filter((s) => s !== 'family')].map((service) =>
      CrossplaneProvider.upjetAzure(packages, `provider-${service}`, { service, runtimeConfig: this.runtimeConfig }),
    );
    this.functions = [
      CrossplaneFunction.patchAndTransform(packages, 'fn-pt', { version: props.patchAndTransformVersion ?? 'v0.10.8' }),
      CrossplaneFunction.autoReady(packages, 'fn-auto-ready', { version: props.autoReadyVersion ?? 'v0.6.1' }),
    ];
    this.providerConfig = new AzureClusterProviderConfig(configs, 'provider-config', {
      credentials: AzureCredentials.oidcTokenFile(props.clientId),
      subscriptionId: props.subscriptionId,
      tenantId: props.tenantId,
      storageUseAzureAD: props.storageUseAzureAD ?? props.services.includes('storage'),
    });
    this.activation = new ManagedResourceActivationPolicy(packages, 'activation', { name: props.activationPolicyName });
    if (props.flux) {
      const f = props.flux;
      const prefix = checkString(this, 'flux.namePrefix', f.namePrefix ?? 'crossplane', DNS_SUBDOMAIN);
      const common = { source: f.source, prune: true, interval: f.interval ?? '10m', timeout: f.timeout ?? '10m', wait: true };
      const pk = Kustomization.forFolder(f.folder, `${id}-packages`, packages, { ...common, name: `${prefix}-packages`, dependsOn: f.dependsOn });
      addCrossplaneHealthChecks(pk);
      const pc = Kustomization.forFolder(f.folder, `${id}-provider-configs`, configs, { ...common, name: `${prefix}-provider-configs`, dependsOn: [pk] });
      this.kustomizations = { packages: pk, providerConfigs: pc };
    }
  }

  /**
   * The Kustomization of the last stage (the provider configs): Kustomizations applying managed
   * resources or XRDs depend on it. Undefined without the `flux` prop.
   */
  public get lastStage(): Kustomization | undefined {
    return this.kustomizations?.providerConfigs;
  }
}
