import { Chart } from 'cdk8s';
import { kplus } from '../core/plus';
import { Construct } from 'constructs';
import { FederatedIdentityCredential as FederatedIdentityCredentialL1 } from '../../imports/aso/managedidentity.azure.com';
import { IOidcIssuer } from '../core/cluster';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { RemovalPolicy } from '../core/removal-policy';
import { AsoResource, AsoResourceProps, IAsoResource } from './aso-resource';
import { AzureNames, childKubernetesName, NO_ARM_ID } from './naming';

/** The audience Entra expects for Kubernetes workload identity tokens. */
export const WORKLOAD_IDENTITY_AUDIENCE = 'api://AzureADTokenExchange';

/** A ServiceAccount given by name and namespace. */
export interface ServiceAccountName {
  /** ServiceAccount name. */
  readonly name: string;
  /** Its namespace. */
  readonly namespace: string;
}

/** Options of a federation added with `UserAssignedIdentity.federate()`. */
export interface FederatedIdentityCredentialOptions extends AsoResourceProps {
  /**
   * The cluster's OIDC issuer: a cluster construct implementing `IOidcIssuer` (its
   * `exports.oidcIssuer` ConfigMap is used through ASO `issuerFromConfig` when it is in this
   * resource's namespace, else its `oidcIssuerUrl`), or the issuer URL.
   */
  readonly issuer: IOidcIssuer | string;
  /**
   * The Kubernetes ServiceAccount whose tokens are accepted (subject
   * `system:serviceaccount:<namespace>:<name>`): a cdk8s-plus ServiceAccount (namespace from its
   * metadata or folder) or `{ name, namespace }`.
   */
  readonly serviceAccount: kplus.IServiceAccount | ServiceAccountName;
  /**
   * Token audiences.
   * @default ['api://AzureADTokenExchange']
   */
  readonly audiences?: string[];
  /**
   * `metadata.name` of the ASO object.
   * @default - `<identity kubernetes name>-<name>`
   */
  readonly kubernetesName?: string;
  /**
   * Removal policy (holds no data).
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Props of a {@link FederatedIdentityCredential}. */
export interface FederatedIdentityCredentialProps extends FederatedIdentityCredentialOptions {
  /** The user-assigned identity (a construct in the same namespace). */
  readonly identity: IAsoResource;
  /** Name in Azure: 3-120 letters, digits, hyphens and underscores. */
  readonly name: string;
}

/**
 * A federated identity credential (ASO `FederatedIdentityCredential`) trusting a Kubernetes
 * ServiceAccount's tokens from a cluster's OIDC issuer: workload identity for apps.
 *
 * Removal: `DESTROY` by default.
 *
 * @example
 * const identity = new UserAssignedIdentity(folder, 'id', { name: 'id-files-web', resourceGroup: rg });
 * new FederatedIdentityCredential(folder, 'files-web', {
 *   identity, name: 'files-web', issuer: aks,
 *   serviceAccount: { name: 'files-web', namespace: 'files' },
 * });
 * // the same, shorter: identity.federate('files-web', { issuer: aks, serviceAccount })
 */
export class FederatedIdentityCredential extends AsoResource {
  public readonly azureName: string;
  /** The subject: `system:serviceaccount:<namespace>:<name>`. */
  public readonly subject: string;
  /** The ASO object. */
  public readonly apiObject: FederatedIdentityCredentialL1;

  public constructor(scope: Construct, id: string, props: FederatedIdentityCredentialProps) {
    super(scope, id, props);
    this.azureName = checkString(this, 'name', props.name, AzureNames.federatedIdentityCredential);
    const owner = this.ownerOf('identity', props.identity, 'a UserAssignedIdentity', NO_ARM_ID);
    this.subject = subjectOf(this, props.serviceAccount);
    const audiences = props.audiences ?? [WORKLOAD_IDENTITY_AUDIENCE];
    if (audiences.length === 0) throw propError(this, 'audiences', 'must list at least one audience');

    let issuer: string | undefined;
    let issuerFromConfig: { name: string; key: string } | undefined;
    const given = props.issuer;
    if (typeof given === 'string') {
      issuer = checkString(this, 'issuer', given, { pattern: /^https:\/\/[^\s/]+(\/\S*)?$/, description: 'an https:// OIDC issuer URL' });
    } else if (given && typeof given === 'object') {
      const exp = given.exports?.oidcIssuer;
      const where = exp?.ref();
      if (exp && where && where.kind === 'ConfigMap' && where.namespace === this.namespace) {
        const loc = exp.use(this, 'issuer');
        issuerFromConfig = { name: loc.name, key: loc.key };
      } else if (given.oidcIssuerUrl !== undefined) {
        issuer = checkString(this, 'issuer', given.oidcIssuerUrl, { pattern: /^https:\/\/[^\s/]+(\/\S*)?$/, description: 'an https:// OIDC issuer URL' });
      } else if (exp && where) {
        throw propError(
          this,
          'issuer',
          `the cluster's OIDC issuer is exported to ${where.kind} ${where.namespace}/${where.name}, but ASO issuerFromConfig reads a ConfigMap ` +
            `in the credential's namespace ("${this.namespace}"); create the credential in namespace "${where.namespace}" or give the issuer URL`,
        );
      } else {
        throw propError(this, 'issuer', 'the cluster exposes neither exports.oidcIssuer nor oidcIssuerUrl; give the issuer URL');
      }
    } else {
      throw propError(this, 'issuer', 'must be an IOidcIssuer (cluster) or an issuer URL');
    }

    this.apiObject = new FederatedIdentityCredentialL1(this, 'Resource', {
      metadata: { name: props.kubernetesName ?? childKubernetesName(props.identity.name, this.azureName), namespace: this.namespace },
      spec: { azureName: this.azureName, owner, audiences, issuer, issuerFromConfig, subject: this.subject },
    });
    this.bind(this.apiObject, props.removalPolicy ?? RemovalPolicy.DESTROY);
  }
}

function subjectOf(scope: Construct, sa: kplus.IServiceAccount | ServiceAccountName): string {
  if (sa === null || typeof sa !== 'object') throw propError(scope, 'serviceAccount', 'must be a ServiceAccount or { name, namespace }');
  let name: string;
  let namespace: string | undefined;
  if (sa instanceof Construct) {
    const obj = sa as unknown as { name: string; metadata?: { namespace?: string } };
    name = obj.name;
    namespace = obj.metadata?.namespace ?? Chart.of(sa).namespace;
  } else {
    name = (sa as ServiceAccountName).name;
    namespace = (sa as ServiceAccountName).namespace;
  }
  checkString(scope, 'serviceAccount.name', name, DNS_SUBDOMAIN);
  if (namespace === undefined) throw propError(scope, 'serviceAccount', `ServiceAccount "${name}" has no namespace; set its metadata.namespace or pass { name, namespace }`);
  checkString(scope, 'serviceAccount.namespace', namespace, DNS_LABEL);
  return `system:serviceaccount:${namespace}:${name}`;
}
