import { Construct } from 'constructs';
import { Vault } from '../../imports/aso/keyvault.azure.com';
import { AzureBuiltInRole } from '../core/azure-roles';
import { recordOptOut } from '../core/baseline';
import { checkString, propError } from '../core/errors';
import { ExportedValue } from '../core/exported-value';
import { RemovalPolicy } from '../core/removal-policy';
import { AsoResource, AsoResourceImportProps, AsoResourceProps, checkTags, IAsoResource, importAsoResource } from './aso-resource';
import { AzureNames, GUID, kubernetesNameFor, RESOURCE_GROUP_ARM_ID } from './naming';
import { addPrivateEndpointTo, PrivateEndpoint, PrivateEndpointOptions, PrivateEndpointTarget } from './private-endpoint';
import { IResourceGroup } from './resource-group';
import { GrantOptions, grantRole, IPrincipal, RoleAssignment } from './role-assignment';

/** Key Vault SKUs. */
export enum KeyVaultSku {
  STANDARD = 'standard',
  PREMIUM = 'premium',
}

/** Props of a {@link KeyVault}. */
export interface KeyVaultProps extends AsoResourceProps {
  /** Vault name (globally unique, part of its URI): 3-24 letters, digits and hyphens, starting with a letter. */
  readonly name: string;
  /**
   * `metadata.name` of the ASO object.
   * @default - `name` (lowercase), which must then be a valid Kubernetes name
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
   * Entra tenant of the vault: a tenant ID, or an exported value holding it (e.g.
   * `identity.exports.tenantId`, a ConfigMap in the vault's namespace, used through ASO
   * `tenantIdFromConfig`).
   */
  readonly tenantId: string | ExportedValue;
  /**
   * SKU.
   * @default KeyVaultSku.STANDARD
   */
  readonly sku?: KeyVaultSku;
  /**
   * Days soft-deleted vaults and objects are kept (7-90).
   * @default 90
   */
  readonly softDeleteRetentionDays?: number;
  /**
   * Purge protection: soft-deleted vaults and objects cannot be purged before the retention
   * ends. Cannot be turned off once on; turning it off here is recorded as an opt-out.
   * @default true
   */
  readonly purgeProtection?: boolean;
  /**
   * Allow access from public networks.
   * @default true
   */
  readonly publicNetworkAccess?: boolean;
  /**
   * Azure tags.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Removal policy: `RETAIN` detaches the vault (it and its secrets stay), `DESTROY` deletes it
   * (soft delete keeps it recoverable), `SKIP` adopts an existing vault read-only.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Values a key vault exports. */
export interface KeyVaultExports {
  /** `https://<name>.vault.azure.net/`: ConfigMap `<name>-config`, key `vaultUri` (an ASO CEL expression on the status). */
  readonly vaultUri: ExportedValue;
}

/** A key vault (a {@link KeyVault} construct, or an import). */
export interface IKeyVault extends IAsoResource {}

/**
 * An Azure Key Vault (ASO `keyvault.azure.com` `Vault`) with Azure RBAC authorization (no access
 * policies), soft delete and purge protection. `createMode: createOrRecover`, so re-creating a
 * soft-deleted vault recovers it.
 *
 * Removal: `RETAIN` by default.
 *
 * @example
 * const identity = new UserAssignedIdentity(folder, 'id', { name: 'id-files', resourceGroup: rg });
 * const vault = new KeyVault(folder, 'kv', {
 *   name: 'kv-files-prod', resourceGroup: rg,
 *   tenantId: identity.exports.tenantId, publicNetworkAccess: false,
 * });
 * const vaultUri = vault.exports.vaultUri.envValue(workload);
 */
export class KeyVault extends AsoResource implements IKeyVault, PrivateEndpointTarget {
  /**
   * A Vault ASO object another app or team owns (not created by this app): declared as provided,
   * so references to it (owners, private endpoints, role assignments) resolve.
   *
   * @example
   * const vault = KeyVault.fromName(folder, 'kv', { name: 'kv-shared', location: 'westeurope' });
   * new RoleAssignment(folder, 'secrets', { scope: vault, principal: identity, role: AzureBuiltInRole.KEY_VAULT_SECRETS_USER });
   */
  public static fromName(scope: Construct, id: string, props: AsoResourceImportProps): IKeyVault {
    return importAsoResource(scope, id, { apiGroup: 'keyvault.azure.com', kind: 'Vault', azureNameRule: AzureNames.keyVault }, props);
  }

  public readonly azureName: string;
  public readonly location: string;
  /** The resource group (construct or ARM resource ID). */
  public readonly resourceGroup: IResourceGroup | string;
  /** Exported values. */
  public readonly exports: KeyVaultExports;
  /** The ASO object. */
  public readonly apiObject: Vault;

  public constructor(scope: Construct, id: string, props: KeyVaultProps) {
    super(scope, id, props);
    this.azureName = checkString(this, 'name', props.name, AzureNames.keyVault);
    const name = kubernetesNameFor(this, this.azureName, props.kubernetesName);
    const owner = this.ownerOf('resourceGroup', props.resourceGroup, 'a ResourceGroup', RESOURCE_GROUP_ARM_ID);
    this.resourceGroup = props.resourceGroup;
    this.location = this.locationOf(props.location, props.resourceGroup);
    let tenantId: string | undefined;
    let tenantIdFromConfig: { name: string; key: string } | undefined;
    if (typeof props.tenantId === 'string') {
      tenantId = checkString(this, 'tenantId', props.tenantId, { pattern: GUID, description: 'a tenant ID (GUID)' });
    } else if (props.tenantId instanceof ExportedValue) {
      const where = props.tenantId.ref();
      if (where.kind !== 'ConfigMap' || where.namespace !== this.namespace) {
        throw propError(this, 'tenantId', `reads ${where.kind} ${where.namespace}/${where.name}, but ASO tenantIdFromConfig reads a ConfigMap in the vault's namespace ("${this.namespace}")`);
      }
      const loc = props.tenantId.use(this, 'tenantId');
      tenantIdFromConfig = { name: loc.name, key: loc.key };
    } else {
      throw propError(this, 'tenantId', 'is required: a tenant ID or an exported value holding it');
    }
    const sku = props.sku ?? KeyVaultSku.STANDARD;
    if (!Object.values(KeyVaultSku).includes(sku)) throw propError(this, 'sku', `"${sku}" is not a KeyVaultSku`);
    const retention = props.softDeleteRetentionDays ?? 90;
    if (!Number.isInteger(retention) || retention < 7 || retention > 90) throw propError(this, 'softDeleteRetentionDays', `${retention} must be a whole number of days between 7 and 90`);
    const purgeProtection = props.purgeProtection ?? true;
    if (!purgeProtection) recordOptOut(this, 'keyVault.enablePurgeProtection', 'false');

    this.apiObject = new Vault(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: {
        azureName: name === this.azureName ? undefined : this.azureName,
        owner,
        location: this.location,
        properties: {
          tenantId,
          tenantIdFromConfig,
          sku: { family: 'A' as any, name: sku as any },
          createMode: 'createOrRecover' as any,
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: retention,
          // Azure rejects `false`: purge protection is either on or absent.
          enablePurgeProtection: purgeProtection ? true : undefined,
          publicNetworkAccess: (props.publicNetworkAccess ?? true) ? 'Enabled' : 'Disabled',
        },
        operatorSpec: this.lazyOperatorSpec(),
        tags: checkTags(this, props.tags),
      },
    });
    this.bind(this.apiObject, props.removalPolicy ?? RemovalPolicy.RETAIN);
    this.exports = { vaultUri: this.exportValue('ConfigMap', 'vaultUri', 'self.status.properties.vaultUri') };
  }

  /**
   * Grants `principal` the role `role` ({@link AzureBuiltInRole} or a custom role's GUID) on this
   * vault: a {@link RoleAssignment} child, see {@link grantRole}.
   */
  public grant(principal: IPrincipal, role: string, options?: GrantOptions): RoleAssignment {
    return grantRole(this, principal, role, options);
  }

  /**
   * Adds a private endpoint (Private Link group `vault`, construct id `PrivateEndpoint-vault`):
   * clients in the virtual networks linked to the zone (`privatelink.vaultcore.azure.net`) reach
   * `<name>.vault.azure.net` on a private IP while public access is disabled.
   */
  public addPrivateEndpoint(options: PrivateEndpointOptions): PrivateEndpoint {
    return addPrivateEndpointTo(this, 'vault', options);
  }

  /**
   * Lets `principal` read secret contents (`KEY_VAULT_SECRETS_USER`) of this vault: the role a
   * workload reading its secrets needs (the vault uses Azure RBAC, not access policies).
   */
  public grantSecretsUser(principal: IPrincipal, options?: GrantOptions): RoleAssignment {
    return grantRole(this, principal, AzureBuiltInRole.KEY_VAULT_SECRETS_USER, options);
  }
}
