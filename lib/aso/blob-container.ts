import { Construct } from 'constructs';
import { StorageAccountsBlobServicesContainer } from '../../imports/aso/storage.azure.com';
import { AzureBuiltInRole } from '../core/azure-roles';
import { checkString } from '../core/errors';
import { RemovalPolicy } from '../core/removal-policy';
import { AsoResource, AsoResourceProps, IAsoResource } from './aso-resource';
import { AzureNames, childKubernetesName, NO_ARM_ID } from './naming';
import { GrantOptions, grantRole, IPrincipal, RoleAssignment } from './role-assignment';

/** Options of a container added with `StorageAccount.container()`. */
export interface BlobContainerOptions extends AsoResourceProps {
  /**
   * Container metadata (name/value pairs).
   * @default - none
   */
  readonly metadata?: Record<string, string>;
  /**
   * `metadata.name` of the ASO object.
   * @default - `<account kubernetes name>-<name>`
   */
  readonly kubernetesName?: string;
  /**
   * Removal policy. A container holds the application's blobs, so it is retained by default like
   * its account (ASO detaches; Flux does not prune it).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Props of a {@link BlobContainer}. */
export interface BlobContainerProps extends BlobContainerOptions {
  /** The account's blob service (`StorageAccount.blobService`). */
  readonly blobService: IAsoResource;
  /** Container name: 3-63 lowercase letters, digits and hyphens. */
  readonly name: string;
}

/**
 * A blob container (ASO `StorageAccountsBlobServicesContainer`); anonymous (public) access is
 * always `None`.
 *
 * Removal: `RETAIN` by default (a container holds data).
 *
 * @example
 * const account = new StorageAccount(folder, 'st', { name: 'stfiles', resourceGroup: rg });
 * const uploads = account.container('uploads');
 * new BlobContainer(account, 'archive', { name: 'archive', blobService: account.blobService, metadata: { purpose: 'archive' } });
 */
export class BlobContainer extends AsoResource {
  public readonly azureName: string;
  /** The ASO object. */
  public readonly apiObject: StorageAccountsBlobServicesContainer;

  public constructor(scope: Construct, id: string, props: BlobContainerProps) {
    super(scope, id, props);
    this.azureName = checkString(this, 'name', props.name, AzureNames.blobContainer);
    const owner = this.ownerOf('blobService', props.blobService, 'a BlobService', NO_ARM_ID);
    const account = props.blobService.name.replace(/-blob$/, '');
    this.apiObject = new StorageAccountsBlobServicesContainer(this, 'Resource', {
      metadata: { name: props.kubernetesName ?? childKubernetesName(account, this.azureName), namespace: this.namespace },
      spec: { azureName: this.azureName, owner, publicAccess: 'None' as any, metadata: props.metadata },
    });
    this.bind(this.apiObject, props.removalPolicy ?? RemovalPolicy.RETAIN);
  }

  /**
   * Grants `principal` the role `role` ({@link AzureBuiltInRole} or a custom role's GUID) on this
   * container: a {@link RoleAssignment} child, see {@link grantRole}.
   */
  public grant(principal: IPrincipal, role: string, options?: GrantOptions): RoleAssignment {
    return grantRole(this, principal, role, options);
  }

  /**
   * Lets `principal` read, write and delete the blobs of this container only
   * (`STORAGE_BLOB_DATA_CONTRIBUTOR` scoped to the container), with Entra ID: no account key.
   */
  public grantBlobDataContributor(principal: IPrincipal, options?: GrantOptions): RoleAssignment {
    return grantRole(this, principal, AzureBuiltInRole.STORAGE_BLOB_DATA_CONTRIBUTOR, options);
  }

  /** Lets `principal` read the blobs of this container only (`STORAGE_BLOB_DATA_READER`). */
  public grantBlobDataReader(principal: IPrincipal, options?: GrantOptions): RoleAssignment {
    return grantRole(this, principal, AzureBuiltInRole.STORAGE_BLOB_DATA_READER, options);
  }
}
