import { Construct } from 'constructs';
import { Provider as ProviderL1 } from '../../imports/crossplane/pkg.crossplane.io';
import { PropError } from '../core/errors';
import { PackageProps, packageSpec } from './package-common';
import { PlatformResource } from '../core/resource';

/** Registry and repository of the upjet-azure providers. */
export const UPJET_AZURE_REPOSITORY = 'xpkg.crossplane.io/crossplane-contrib';
/** The upjet-azure release the bundled managed-resource schemas come from. */
export const UPJET_AZURE_VERSION = 'v2.7.0';

/** Props of {@link CrossplaneProvider.upjetAzure}. */
export interface UpjetAzureProviderProps extends Omit<PackageProps, 'name' | 'package'> {
  /**
   * The service provider (`containerservice`, `dbforpostgresql`, `storage`, `network`,
   * `managedidentity`, ...) or `family` for provider-family-azure (the ProviderConfig owner, which
   * every service provider depends on).
   */
  readonly service: string;
  /** Release tag. @default UPJET_AZURE_VERSION */
  readonly version?: string;
  /** Registry and repository. @default UPJET_AZURE_REPOSITORY */
  readonly repository?: string;
  /** Object name. @default `provider-family-azure` / `provider-azure-<service>` */
  readonly name?: string;
}

/**
 * A Crossplane provider package (`pkg.crossplane.io/v1` Provider). Use
 * {@link CrossplaneProvider.upjetAzure} for the upjet-azure family and service providers.
 *
 * @example
 * CrossplaneProvider.upjetAzure(folder, 'family', { service: 'family', runtimeConfig: runtime });
 * CrossplaneProvider.upjetAzure(folder, 'containerservice', { service: 'containerservice', runtimeConfig: runtime });
 * new CrossplaneProvider(folder, 'helm', { name: 'provider-helm', package: 'xpkg.crossplane.io/crossplane-contrib/provider-helm:v0.21.0' });
 */
export class CrossplaneProvider extends PlatformResource {
  /**
   * An upjet-azure provider: `service: 'family'` is provider-family-azure (it owns
   * `azure.m.upbound.io` ProviderConfigs), any other service `provider-azure-<service>`. Declare
   * the family explicitly when the providers use a runtime config (e.g. workload identity): the
   * one Crossplane installs as a dependency uses the default runtime config.
   */
  public static upjetAzure(scope: Construct, id: string, props: UpjetAzureProviderProps): CrossplaneProvider {
    const { service, version, repository, name, ...rest } = props;
    if (typeof service !== 'string' || !/^[a-z0-9]+$/.test(service)) {
      throw new PropError(`${scope.node.path}/${id}`, 'service', `"${String(service)}" is invalid: must be an upjet-azure service name (lowercase letters and digits, e.g. "containerservice") or "family"`);
    }
    const repo = service === 'family' ? 'provider-family-azure' : `provider-azure-${service}`;
    return new CrossplaneProvider(scope, id, {
      ...rest,
      name: name ?? repo,
      package: `${repository ?? UPJET_AZURE_REPOSITORY}/${repo}:${version ?? UPJET_AZURE_VERSION}`,
    });
  }

  public readonly package: string;
  public readonly apiObject: ProviderL1;

  public constructor(scope: Construct, id: string, props: PackageProps) {
    super(scope, id);
    const spec = packageSpec(this, props);
    this.package = props.package;
    this.apiObject = new ProviderL1(this, 'Resource', { metadata: { name: props.name }, spec: spec as any });
  }
}
