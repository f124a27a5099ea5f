import { Construct } from 'constructs';
import { StorageAccountsBlobService } from '../../imports/aso/storage.azure.com';
import { propError } from '../core/errors';
import { ASO_RECONCILE_POLICY_ANNOTATION } from '../core/removal-policy';
import { NO_ARM_ID } from './naming';
import { AsoResource, AsoResourceProps, IAsoResource } from './aso-resource';

/** Options of a storage account's blob service. */
export interface BlobServiceOptions {
  /**
   * Soft delete of blobs: days deleted blobs are kept (1-365; 0 turns soft delete off).
   * @default 7
   */
  readonly deleteRetentionDays?: number;
  /**
   * Soft delete of containers: days deleted containers are kept (1-365; 0 turns it off).
   * @default 7
   */
  readonly containerDeleteRetentionDays?: number;
  /**
   * Keep previous versions of blobs.
   * @default false
   */
  readonly versioning?: boolean;
}

/** Props of a {@link BlobService}. */
export interface BlobServiceProps extends BlobServiceOptions, Omit<AsoResourceProps, 'removalPolicy'> {
  /** The storage account (a construct in the same namespace). */
  readonly storageAccount: IAsoResource;
}

/**
 * The blob service of a storage account (ASO `StorageAccountsBlobService`, Azure name always
 * `default`), named `<account kubernetes name>-blob`. Created by `StorageAccount.blobService` /
 * `container()`.
 *
 * Removal: the blob service cannot be deleted on its own in Azure, so it always carries ASO
 * `reconcile-policy: detach-on-delete` (as ASO's sample does); no `removalPolicy` prop.
 *
 * @example
 * const account = new StorageAccount(folder, 'st', {
 *   name: 'stfiles', resourceGroup: rg,
 *   blobServiceOptions: { deleteRetentionDays: 30, containerDeleteRetentionDays: 30, versioning: true },
 * });
 * const blobService = account.blobService; // created on first use (also by account.container())
 */
export class BlobService extends AsoResource {
  public readonly azureName = 'default';
  /** The ASO object. */
  public readonly apiObject: StorageAccountsBlobService;

  public constructor(scope: Construct, id: string, props: BlobServiceProps) {
    super(scope, id, props);
    const owner = this.ownerOf('storageAccount', props.storageAccount, 'a StorageAccount', NO_ARM_ID);
    const retention = (prop: string, days: number) => {
      if (!Number.isInteger(days) || days < 0 || days > 365) throw propError(this, prop, `${days} must be a whole number of days between 0 (off) and 365`);
      return days === 0 ? { enabled: false } : { enabled: true, days };
    };
    this.apiObject = new StorageAccountsBlobService(this, 'Resource', {
      metadata: { name: `${props.storageAccount.name}-blob`, namespace: this.namespace },
      spec: {
        owner,
        deleteRetentionPolicy: retention('deleteRetentionDays', props.deleteRetentionDays ?? 7),
        containerDeleteRetentionPolicy: retention('containerDeleteRetentionDays', props.containerDeleteRetentionDays ?? 7),
        isVersioningEnabled: props.versioning ?? false,
      },
    });
    this.bind(this.apiObject);
    this.apiObject.metadata.addAnnotation(ASO_RECONCILE_POLICY_ANNOTATION, 'detach-on-delete');
  }
}
