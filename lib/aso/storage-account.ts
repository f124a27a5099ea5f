import { Construct } from 'constructs';
import { StorageAccount as StorageAccountL1 } from '../../imports/aso/storage.azure.com';
import { AzureBuiltInRole } from '../core/azure-roles';
import { recordOptOut } from '../core/baseline';
import { checkString, propError } from '../core/errors';
import { ExportedValue } from '../core/exported-value';
import { RemovalPolicy } from '../core/removal-policy';
import { AsoResource, AsoResourceImportProps, AsoResourceProps, checkTags, IAsoResource, importAsoResource } from './aso-resource';
import { BlobContainer, BlobContainerOptions } from './blob-container';
import { BlobService, BlobServiceOptions } from './blob-service';
import { AzureNames, kubernetesNameFor, RESOURCE_GROUP_ARM_ID } from './naming';
import { addPrivateEndpointTo, PrivateEndpoint, PrivateEndpointOptions, PrivateEndpointTarget } from './private-endpoint';
import { IResourceGroup } from './resource-group';
import { GrantOptions, grantRole, IPrincipal, RoleAssignment } from './role-assignment';

/** Longest `metadata.name` of an account: its blob service is `<name>-blob` (at most 253 characters). */
const MAX_KUBERNETES_NAME = 248;

/** Storage account kinds. */
export enum StorageAccountKind {
  STORAGE_V2 = 'StorageV2',
  BLOCK_BLOB_STORAGE = 'BlockBlobStorage',
  FILE_STORAGE = 'FileStorage',
  BLOB_STORAGE = 'BlobStorage',
  STORAGE = 'Storage',
}

/** Storage account SKUs (redundancy). */
export enum StorageAccountSku {
  STANDARD_LRS = 'Standard_LRS',
  STANDARD_ZRS = 'Standard_ZRS',
  STANDARD_GRS = 'Standard_GRS',
  STANDARD_GZRS = 'Standard_GZRS',
  STANDARD_RAGRS = 'Standard_RAGRS',
  STANDARD_RAGZRS = 'Standard_RAGZRS',
  PREMIUM_LRS = 'Premium_LRS',
  PREMIUM_ZRS = 'Premium_ZRS',
}

/** Blob access tiers. */
export enum StorageAccessTier {
  HOT = 'Hot',
  COOL = 'Cool',
  PREMIUM = 'Premium',
}

/** Storage services a private endpoint can reach (Private Link group IDs). */
export enum StorageService {
  BLOB = 'blob',
  FILE = 'file',
  QUEUE = 'queue',
  TABLE = 'table',
  DFS = 'dfs',
  WEB = 'web',
}

/** Options of `StorageAccount.addPrivateEndpoint()`. */
export interface StoragePrivateEndpointOptions extends PrivateEndpointOptions {
  /**
   * The storage service reached through the endpoint (its DNS zone is
   * `privatelink.<service>.core.windows.net`).
   * @default StorageService.BLOB
   */
  readonly service?: StorageService;
}

/** Props of a {@link StorageAccount}. */
export interface StorageAccountProps extends AsoResourceProps {
  /** Account name in Azure (globally unique, part of its endpoints): 3-24 lowercase letters and digits. */
  readonly name: string;
  /**
   * `metadata.name` of the ASO object (a DNS subdomain of at most 248 characters: the blob
   * service is named `<kubernetesName>-blob`).
   * @default - `name`
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
   * Account kind.
   * @default StorageAccountKind.STORAGE_V2
   */
  readonly kind?: StorageAccountKind;
  /**
   * SKU (redundancy).
   * @default StorageAccountSku.STANDARD_LRS
   */
  readonly sku?: StorageAccountSku;
  /**
   * Default access tier of blobs (StorageV2 and BlobStorage accounts).
   * @default StorageAccessTier.HOT
   */
  readonly accessTier?: StorageAccessTier;
  /**
   * Allow Shared Key (account key) authorization. Off by default: clients use Entra ID
   * (workload identity). Turning it on is recorded as a secure-baseline opt-out, and is required
   * to use `exports.key1`/`key2`.
   * @default false
   */
  readonly allowSharedKeyAccess?: boolean;
  /**
   * Allow access from public networks. With `false`, the account needs a private endpoint
   * ({@link StorageAccount.addPrivateEndpoint}): without one it is a synth error.
   * @default true
   */
  readonly publicNetworkAccess?: boolean;
  /**
   * Hierarchical namespace (Data Lake Storage Gen2).
   * @default false
   */
  readonly hierarchicalNamespace?: boolean;
  /**
   * Options of the blob service (created with the first container, or by {@link StorageAccount.blobService}).
   * @default - see BlobServiceOptions
   */
  readonly blobServiceOptions?: BlobServiceOptions;
  /**
   * Azure tags.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Removal policy: `RETAIN` detaches the account (it and its data stay in Azure), `DESTROY`
   * deletes it, `SKIP` adopts an existing account read-only.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Values a storage account exports. Endpoints go to the ConfigMap `<name>-config`, account keys
 * to the Secret `<name>-secrets`; keys are named after the ASO properties.
 */
export interface StorageAccountExports {
  /** `https://<name>.blob.core.windows.net/` (ConfigMap key `blobEndpoint`). */
  readonly blobEndpoint: ExportedValue;
  /** Queue endpoint (ConfigMap key `queueEndpoint`). */
  readonly queueEndpoint: ExportedValue;
  /** Table endpoint (ConfigMap key `tableEndpoint`). */
  readonly tableEndpoint: ExportedValue;
  /** File endpoint (ConfigMap key `fileEndpoint`). */
  readonly fileEndpoint: ExportedValue;
  /** Data Lake endpoint (ConfigMap key `dfsEndpoint`). */
  readonly dfsEndpoint: ExportedValue;
  /** Static website endpoint (ConfigMap key `webEndpoint`). */
  readonly webEndpoint: ExportedValue;
  /** Primary account key (Secret key `key1`); needs `allowSharedKeyAccess: true`. */
  readonly key1: ExportedValue;
  /** Secondary account key (Secret key `key2`); needs `allowSharedKeyAccess: true`. */
  readonly key2: ExportedValue;
}

/** A storage account (a {@link StorageAccount} construct, or an import). */
export interface IStorageAccount extends IAsoResource {}

/**
 * An Azure storage account (ASO `storage.azure.com` `StorageAccount`), with its blob service and
 * {@link container}s.
 *
 * Security defaults (not switchable): HTTPS only, minimum TLS 1.2, no anonymous blob access, no
 * cross-tenant replication. Shared Key access is off unless `allowSharedKeyAccess` (recorded as
 * an opt-out); Entra ID (OAuth) is the default authorization in the portal.
 * Removal: `RETAIN` by default.
 *
 * @example
 * const account = new StorageAccount(folder, 'st', { name: 'stfilesprod', resourceGroup: rg, sku: StorageAccountSku.STANDARD_ZRS });
 * const uploads = account.container('uploads');
 * // ConfigMap `stfilesprod-config`, key `blobEndpoint`; the app authenticates with workload identity
 * const blobEndpoint = account.exports.blobEndpoint.envValue(workload);
 */
export class StorageAccount extends AsoResource implements IStorageAccount, PrivateEndpointTarget {
  /**
   * A StorageAccount ASO object another app or team owns (not created by this app): declared as provided,
   * so references to it (owners, private endpoints, role assignments) resolve.
   *
   * @example
   * const shared = StorageAccount.fromName(folder, 'st', { name: 'stshared', location: 'westeurope' });
   * new RoleAssignment(folder, 'reader', { scope: shared, principal: identity, role: AzureBuiltInRole.STORAGE_BLOB_DATA_READER });
   */
  public static fromName(scope: Construct, id: string, props: AsoResourceImportProps): IStorageAccount {
    return importAsoResource(scope, id, { apiGroup: 'storage.azure.com', kind: 'StorageAccount', azureNameRule: AzureNames.storageAccount }, props);
  }

  public readonly azureName: string;
  public readonly location: string;
  /** The resource group (construct or ARM resource ID). */
  public readonly resourceGroup: IResourceGroup | string;
  /** Whether Shared Key access is allowed. */
  public readonly allowSharedKeyAccess: boolean;
  /** Whether public network access is enabled. */
  public readonly publicNetworkAccess: boolean;
  /** Exported values. */
  public readonly exports: StorageAccountExports;
  /** The ASO object. */
  public readonly apiObject: StorageAccountL1;
  private readonly blobServiceOptions?: BlobServiceOptions;
  private _blobService?: BlobService;
  private readonly _privateEndpoints: PrivateEndpoint[] = [];

  public constructor(scope: Construct, id: string, props: StorageAccountProps) {
    super(scope, id, props);
    this.azureName = checkString(this, 'name', props.name, AzureNames.storageAccount);
    const name = kubernetesNameFor(this, this.azureName, props.kubernetesName);
    if (name.length > MAX_KUBERNETES_NAME) {
      throw propError(this, 'kubernetesName', `is ${name.length} characters long: must be at most ${MAX_KUBERNETES_NAME} (the blob service is named "<kubernetesName>-blob", at most 253 characters)`);
    }
    const owner = this.ownerOf('resourceGroup', props.resourceGroup, 'a ResourceGroup', RESOURCE_GROUP_ARM_ID);
    this.resourceGroup = props.resourceGroup;
    this.location = this.locationOf(props.location, props.resourceGroup);
    this.publicNetworkAccess = props.publicNetworkAccess ?? true;
    const kind = props.kind ?? StorageAccountKind.STORAGE_V2;
    if (!Object.values(StorageAccountKind).includes(kind)) throw propError(this, 'kind', `"${kind}" is not a StorageAccountKind`);
    const sku = props.sku ?? StorageAccountSku.STANDARD_LRS;
    if (!Object.values(StorageAccountSku).includes(sku)) throw propError(this, 'sku', `"${sku}" is not a StorageAccountSku`);
    const premiumKind = kind === StorageAccountKind.BLOCK_BLOB_STORAGE || kind === StorageAccountKind.FILE_STORAGE;
    if (premiumKind !== sku.startsWith('Premium')) {
      throw propError(this, 'sku', `${sku} cannot be used with kind ${kind} (${premiumKind ? 'it needs a Premium SKU' : 'Premium SKUs need BlockBlobStorage or FileStorage'})`);
    }
    const accessTier = props.accessTier ?? (premiumKind ? undefined : StorageAccessTier.HOT);
    if (accessTier !== undefined && !Object.values(StorageAccessTier).includes(accessTier)) throw propError(this, 'accessTier', `"${accessTier}" is not a StorageAccessTier`);
    this.allowSharedKeyAccess = props.allowSharedKeyAccess ?? false;
    if (this.allowSharedKeyAccess) recordOptOut(this, 'storage.allowSharedKeyAccess', 'true');
    this.blobServiceOptions = props.blobServiceOptions;

    this.apiObject = new StorageAccountL1(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: {
        azureName: name === this.azureName ? undefined : this.azureName,
        owner,
        location: this.location,
        kind: kind as any,
        sku: { name: sku as any },
        accessTier: accessTier as any,
        supportsHttpsTrafficOnly: true,
        minimumTlsVersion: 'TLS1_2' as any,
        allowBlobPublicAccess: false,
        allowCrossTenantReplication: false,
        allowSharedKeyAccess: this.allowSharedKeyAccess,
        defaultToOAuthAuthentication: !this.allowSharedKeyAccess,
        publicNetworkAccess: (this.publicNetworkAccess ? 'Enabled' : 'Disabled') as any,
        isHnsEnabled: props.hierarchicalNamespace,
        operatorSpec: this.lazyOperatorSpec(),
        tags: checkTags(this, props.tags),
      },
    });
    this.bind(this.apiObject, props.removalPolicy ?? RemovalPolicy.RETAIN);
    const keyGuard = (key: string) => () => {
      if (!this.allowSharedKeyAccess) throw propError(this, 'allowSharedKeyAccess', `exports.${key} is used, but Shared Key access is off; set allowSharedKeyAccess: true or use Entra ID (workload identity)`);
    };
    this.exports = {
      blobEndpoint: this.exportValue('ConfigMap', 'blobEndpoint'),
      queueEndpoint: this.exportValue('ConfigMap', 'queueEndpoint'),
      tableEndpoint: this.exportValue('ConfigMap', 'tableEndpoint'),
      fileEndpoint: this.exportValue('ConfigMap', 'fileEndpoint'),
      dfsEndpoint: this.exportValue('ConfigMap', 'dfsEndpoint'),
      webEndpoint: this.exportValue('ConfigMap', 'webEndpoint'),
      key1: this.exportValue('Secret', 'key1', undefined, keyGuard('key1')),
      key2: this.exportValue('Secret', 'key2', undefined, keyGuard('key2')),
    };
    this.node.addValidation({
      validate: () => (!this.publicNetworkAccess && this._privateEndpoints.length === 0
        ? ['prop "publicNetworkAccess": the account would be unreachable: public network access is disabled and it has no private endpoint; ' +
          'add one with account.addPrivateEndpoint({ subnet, privateDnsZone }), or enable public access']
        : []),
    });
  }

  /** Private endpoints added with {@link addPrivateEndpoint}. */
  public get privateEndpoints(): readonly PrivateEndpoint[] {
    return [...this._privateEndpoints];
  }

  /**
   * Adds a private endpoint for one storage service (`blob` by default; construct id
   * `PrivateEndpoint-<service>`): clients in the linked virtual networks reach
   * `<name>.<service>.core.windows.net` on a private IP, also when public access is disabled.
   */
  public addPrivateEndpoint(options: StoragePrivateEndpointOptions): PrivateEndpoint {
    const service = options.service ?? StorageService.BLOB;
    if (!Object.values(StorageService).includes(service)) throw propError(this, 'service', `"${String(service)}" is not a StorageService`);
    const { service: _, ...rest } = options;
    const endpoint = addPrivateEndpointTo(this, service, rest);
    this._privateEndpoints.push(endpoint);
    return endpoint;
  }

  /** The account's blob service (created on first use, construct id `BlobService`, in the account's namespace). */
  public get blobService(): BlobService {
    this._blobService ??= new BlobService(this, 'BlobService', { ...this.blobServiceOptions, storageAccount: this, namespace: this.namespace });
    return this._blobService;
  }

  /**
   * Adds a blob container (construct id `Container-<name>`, in the account's namespace unless
   * `options.namespace` is given); anonymous access is always off.
   */
  public container(name: string, options: BlobContainerOptions = {}): BlobContainer {
    const id = this.childId('Container', 'container', name, AzureNames.blobContainer);
    return new BlobContainer(this, id, { ...options, namespace: options.namespace ?? this.namespace, name, blobService: this.blobService });
  }

  /**
   * Grants `principal` the role `role` ({@link AzureBuiltInRole} or a custom role's GUID) on this
   * account: a {@link RoleAssignment} child, see {@link grantRole}.
   */
  public grant(principal: IPrincipal, role: string, options?: GrantOptions): RoleAssignment {
    return grantRole(this, principal, role, options);
  }

  /**
   * Lets `principal` read, write and delete the blobs of every container of this account
   * (`STORAGE_BLOB_DATA_CONTRIBUTOR`), with Entra ID: no account key. Prefer granting on a
   * container (`container.grantBlobDataContributor`) when the principal needs only one.
   */
  public grantBlobDataContributor(principal: IPrincipal, options?: GrantOptions): RoleAssignment {
    return grantRole(this, principal, AzureBuiltInRole.STORAGE_BLOB_DATA_CONTRIBUTOR, options);
  }

  /** Lets `principal` read the blobs of every container of this account (`STORAGE_BLOB_DATA_READER`). */
  public grantBlobDataReader(principal: IPrincipal, options?: GrantOptions): RoleAssignment {
    return grantRole(this, principal, AzureBuiltInRole.STORAGE_BLOB_DATA_READER, options);
  }
}
