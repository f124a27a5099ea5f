import { Construct } from 'constructs';
import { checkString, DNS_SUBDOMAIN, propError } from '../core/errors';
import { addReference } from '../core/references';
import { DeploymentRuntimeConfig } from './runtime-config';

/** Props shared by Crossplane packages ({@link CrossplaneProvider}, {@link CrossplaneFunction}). */
export interface PackageProps {
  /** Object name (a DNS subdomain). Dependencies are resolved by package, so any stable name works. */
  readonly name: string;
  /**
   * Fully qualified OCI reference with a tag or digest, e.g.
   * `xpkg.crossplane.io/crossplane-contrib/provider-azure-containerservice:v2.7.0`.
   */
  readonly package: string;
  /**
   * The DeploymentRuntimeConfig of the package's pods (service account annotations for workload
   * identity, resources, ...).
   * @default - Crossplane's `default` DeploymentRuntimeConfig
   */
  readonly runtimeConfig?: { readonly name: string };
  /** Image pull policy. @default 'IfNotPresent' */
  readonly packagePullPolicy?: 'IfNotPresent' | 'Always' | 'Never';
  /** Names of image pull Secrets (in Crossplane's namespace). @default - none */
  readonly packagePullSecrets?: string[];
  /** `Manual` keeps new revisions inactive until approved. @default 'Automatic' */
  readonly revisionActivationPolicy?: 'Automatic' | 'Manual';
  /** Do not install dependencies automatically (declare them in the app instead). @default false */
  readonly skipDependencyResolution?: boolean;
}

/** A fully qualified package reference: registry host with a dot, repository, tag or digest. */
export const PACKAGE_REF = /^[^./]+(\.[^./]+)+(\/[^/:@]+)+(:[^:@]+(@sha256.+)?|@sha256.+)$/;

/** The spec fields of a package, validated; records the runtime config reference. */
export function packageSpec(scope: Construct, props: PackageProps): Record<string, unknown> {
  checkString(scope, 'name', props.name, DNS_SUBDOMAIN);
  checkString(scope, 'package', props.package, {
    pattern: PACKAGE_REF,
    description: 'a fully qualified package reference with a tag or digest (e.g. "xpkg.crossplane.io/crossplane-contrib/provider-azure-containerservice:v2.7.0")',
  });
  if (/:latest$/.test(props.package)) throw propError(scope, 'package', `"${props.package}" uses the "latest" tag: pin a version or digest`);
  if (props.runtimeConfig) {
    addReference(scope, 'runtimeConfig', { apiGroup: 'pkg.crossplane.io', kind: 'DeploymentRuntimeConfig', name: props.runtimeConfig.name });
    if (props.runtimeConfig instanceof DeploymentRuntimeConfig) props.runtimeConfig._addUser(scope);
  }
  return {
    package: props.package,
    runtimeConfigRef: props.runtimeConfig ? { name: props.runtimeConfig.name } : undefined,
    packagePullPolicy: props.packagePullPolicy,
    packagePullSecrets: props.packagePullSecrets?.map((name) => ({ name })),
    revisionActivationPolicy: props.revisionActivationPolicy,
    skipDependencyResolution: props.skipDependencyResolution,
  };
}
