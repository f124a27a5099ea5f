import { Construct } from 'constructs';
import { ResourceGroup as ResourceGroupL1 } from '../../imports/aso/resources.azure.com';
import { checkString } from '../core/errors';
import { RemovalPolicy } from '../core/removal-policy';
import { AsoResource, AsoResourceImportProps, AsoResourceProps, checkTags, IAsoResource, importAsoResource } from './aso-resource';
import { AZURE_LOCATION, AzureNames, kubernetesNameFor } from './naming';
import { GrantOptions, grantRole, IPrincipal, RoleAssignment } from './role-assignment';

/** A resource group: the owner of most Azure resources. */
export interface IResourceGroup extends IAsoResource {}

/** Props of a {@link ResourceGroup}. */
export interface ResourceGroupProps extends AsoResourceProps {
  /**
   * Name of the resource group in Azure: 1-90 letters, digits, underscores, hyphens, periods and
   * parentheses, not ending with a period.
   */
  readonly name: string;
  /**
   * `metadata.name` of the ASO object.
   * @default - `name`, which must then be a valid Kubernetes name
   */
  readonly kubernetesName?: string;
  /** Azure region, e.g. `westeurope`. Resources owned by the group default to it. */
  readonly location: string;
  /**
   * Azure tags.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * What happens to the resource group (and everything in it) when this object is removed:
   * `RETAIN` (ASO detaches, Flux does not prune), `DESTROY` (deleted in Azure), `SKIP` (adopt an
   * existing group read-only).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An Azure resource group (ASO `resources.azure.com` `ResourceGroup`).
 *
 * Removal: `RETAIN` by default — removing the object detaches it (ASO `detach-on-delete`, Flux
 * prune disabled), the group and its resources stay in Azure.
 *
 * @example
 * const rg = new ResourceGroup(folder, 'rg', { name: 'rg-files-prod', location: 'westeurope' });
 */
export class ResourceGroup extends AsoResource implements IResourceGroup {
  /**
   * An ASO ResourceGroup object that exists on the cluster but is not created by this app (for
   * example one from another repo or team). Declared as provided, so owner references resolve.
   *
   * @example
   * const shared = ResourceGroup.fromName(folder, 'shared', { name: 'rg-shared', location: 'westeurope' });
   * new StorageAccount(folder, 'st', { name: 'stfiles', resourceGroup: shared });
   */
  public static fromName(scope: Construct, id: string, props: AsoResourceImportProps): IResourceGroup {
    return importAsoResource(scope, id, { apiGroup: 'resources.azure.com', kind: 'ResourceGroup', azureNameRule: AzureNames.resourceGroup }, props);
  }

  public readonly azureName: string;
  public readonly location: string;
  /** The ASO object. */
  public readonly apiObject: ResourceGroupL1;

  public constructor(scope: Construct, id: string, props: ResourceGroupProps) {
    super(scope, id, props);
    this.azureName = checkString(this, 'name', props.name, AzureNames.resourceGroup);
    const name = kubernetesNameFor(this, this.azureName, props.kubernetesName);
    this.location = checkString(this, 'location', props.location, AZURE_LOCATION);
    this.apiObject = new ResourceGroupL1(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: {
        azureName: name === this.azureName ? undefined : this.azureName,
        location: this.location,
        tags: checkTags(this, props.tags),
      },
    });
    this.bind(this.apiObject, props.removalPolicy ?? RemovalPolicy.RETAIN);
  }

  /**
   * Grants `principal` the role `role` ({@link AzureBuiltInRole} or a custom role's GUID) on this
   * resource group: a {@link RoleAssignment} child, see {@link grantRole}.
   */
  public grant(principal: IPrincipal, role: string, options?: GrantOptions): RoleAssignment {
    return grantRole(this, principal, role, options);
  }
}
