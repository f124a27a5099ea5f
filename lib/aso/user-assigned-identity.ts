import { Construct } from 'constructs';
import { UserAssignedIdentity as UserAssignedIdentityL1 } from '../../imports/aso/managedidentity.azure.com';
import { checkString } from '../core/errors';
import { ExportedValue } from '../core/exported-value';
import { RemovalPolicy } from '../core/removal-policy';
import { AsoResource, AsoResourceImportProps, AsoResourceProps, checkTags, IAsoResource, importAsoResource } from './aso-resource';
import { FederatedIdentityCredential, FederatedIdentityCredentialOptions } from './federated-identity-credential';
import { AzureNames, kubernetesNameFor, RESOURCE_GROUP_ARM_ID } from './naming';
import { IResourceGroup } from './resource-group';
import { GrantOptions, grantRole, IPrincipal, PrincipalType, RoleAssignment } from './role-assignment';

/** Props of a {@link UserAssignedIdentity}. */
export interface UserAssignedIdentityProps extends AsoResourceProps {
  /** Identity name in Azure: 3-128 letters, digits, hyphens and underscores. */
  readonly name: string;
  /**
   * `metadata.name` of the ASO object.
   * @default - `name`, which must then be a valid Kubernetes name
   */
  readonly kubernetesName?: string;
  /** The resource group (a construct in the same namespace) or its ARM resource ID. */
  readonly resourceGroup: IResourceGroup | string;
  /**
   * Azure region.
   * @default - the resource group's location
   */
  readonly location?: string;
  /**
   * Azure tags.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Removal policy. An identity holds no data, but role assignments made to it are lost when it
   * is deleted; it is deleted with the app by default.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Values an identity exports, all to the ConfigMap `<name>-config` (they are identifiers, not
 * secrets), keys named after the ASO properties.
 */
export interface UserAssignedIdentityExports {
  /** Client (application) ID, key `clientId`: what `AZURE_CLIENT_ID` of a workload should be. */
  readonly clientId: ExportedValue;
  /** Principal (object) ID, key `principalId`: what role assignments refer to. */
  readonly principalId: ExportedValue;
  /** Tenant ID, key `tenantId`. */
  readonly tenantId: ExportedValue;
}

/** A user-assigned managed identity (a {@link UserAssignedIdentity} construct, or an import). */
export interface IUserAssignedIdentity extends IAsoResource {}

/**
 * A user-assigned managed identity (ASO `managedidentity.azure.com` `UserAssignedIdentity`): the
 * Azure identity of a workload. Bind it to a Kubernetes ServiceAccount with {@link federate}
 * (workload identity) and give the workload `exports.clientId` as `AZURE_CLIENT_ID`.
 *
 * Removal: `DESTROY` by default.
 *
 * @example
 * const identity = new UserAssignedIdentity(folder, 'id', { name: 'id-files-web', resourceGroup: rg });
 * identity.federate('files-web', { issuer: aks, serviceAccount: { name: 'files-web', namespace: 'files' } });
 * const clientId = identity.exports.clientId.envValue(workload); // the workload's AZURE_CLIENT_ID
 * account.grantBlobDataContributor(identity); // role assignments take the identity as principal
 */
export class UserAssignedIdentity extends AsoResource implements IUserAssignedIdentity, IPrincipal {
  /**
   * A UserAssignedIdentity ASO object another app or team owns (not created by this app): declared as provided,
   * so references to it (owners, private endpoints, role assignments) resolve.
   *
   * @example
   * const identity = UserAssignedIdentity.fromName(folder, 'id', { name: 'id-files-web' });
   * new FederatedIdentityCredential(folder, 'fic', { identity, name: 'files-web', issuer: aks, serviceAccount: { name: 'files-web', namespace: 'files' } });
   */
  public static fromName(scope: Construct, id: string, props: AsoResourceImportProps): IUserAssignedIdentity {
    return importAsoResource(scope, id, { apiGroup: 'managedidentity.azure.com', kind: 'UserAssignedIdentity', azureNameRule: AzureNames.userAssignedIdentity }, props);
  }

  public readonly azureName: string;
  public readonly location: string;
  /** Exported values. */
  public readonly exports: UserAssignedIdentityExports;
  /** The ASO object. */
  public readonly apiObject: UserAssignedIdentityL1;

  public constructor(scope: Construct, id: string, props: UserAssignedIdentityProps) {
    super(scope, id, props);
    this.azureName = checkString(this, 'name', props.name, AzureNames.userAssignedIdentity);
    const name = kubernetesNameFor(this, this.azureName, props.kubernetesName);
    const owner = this.ownerOf('resourceGroup', props.resourceGroup, 'a ResourceGroup', RESOURCE_GROUP_ARM_ID);
    this.location = this.locationOf(props.location, props.resourceGroup);
    this.apiObject = new UserAssignedIdentityL1(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: {
        azureName: name === this.azureName ? undefined : this.azureName,
        owner,
        location: this.location,
        operatorSpec: this.lazyOperatorSpec(),
        tags: checkTags(this, props.tags),
      },
    });
    this.bind(this.apiObject, props.removalPolicy ?? RemovalPolicy.DESTROY);
    this.exports = {
      clientId: this.exportValue('ConfigMap', 'clientId'),
      principalId: this.exportValue('ConfigMap', 'principalId'),
      tenantId: this.exportValue('ConfigMap', 'tenantId'),
    };
  }

  /**
   * As a principal of role assignments: the principal ID ASO exports (ConfigMap `<name>-config`,
   * key `principalId`, read through `principalIdFromConfig`).
   */
  public get principalId(): ExportedValue {
    return this.exports.principalId;
  }

  /** A managed identity is a service principal. */
  public get principalType(): PrincipalType {
    return PrincipalType.SERVICE_PRINCIPAL;
  }

  /** Its `metadata.name`, in the names of role assignments made to it. */
  public get principalName(): string {
    return this.name;
  }

  /**
   * Federates a Kubernetes ServiceAccount with this identity (construct id `Federation-<name>`, in
   * the identity's namespace unless `options.namespace` is given): pods running as the
   * ServiceAccount get Entra tokens for the identity.
   */
  public federate(name: string, options: FederatedIdentityCredentialOptions): FederatedIdentityCredential {
    const id = this.childId('Federation', 'federated credential', name, AzureNames.federatedIdentityCredential);
    return new FederatedIdentityCredential(this, id, { ...options, namespace: options.namespace ?? this.namespace, name, identity: this });
  }

  /**
   * Grants `principal` the role `role` ({@link AzureBuiltInRole} or a custom role's GUID) on this
   * identity (e.g. `MANAGED_IDENTITY_OPERATOR`): a {@link RoleAssignment} child, see {@link grantRole}.
   */
  public grant(principal: IPrincipal, role: string, options?: GrantOptions): RoleAssignment {
    return grantRole(this, principal, role, options);
  }
}
