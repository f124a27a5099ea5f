import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { FlexibleServer } from '../../imports/aso/dbforpostgresql.azure.com';
import { checkString, propError } from '../core/errors';
import { ExportedValue } from '../core/exported-value';
import { addReference } from '../core/references';
import { RemovalPolicy } from '../core/removal-policy';
import { AsoResource, AsoResourceImportProps, AsoResourceProps, checkTags, IAsoResource, importAsoResource } from './aso-resource';
import { ARM_RESOURCE_ID, AzureNames, GUID, kubernetesNameFor, RESOURCE_GROUP_ARM_ID } from './naming';
import { PostgresConfiguration } from './postgres-configuration';
import { PostgresDatabase, PostgresDatabaseOptions } from './postgres-database';
import { PostgresFirewallRule, PostgresFirewallRuleOptions } from './postgres-firewall-rule';
import { IPrivateDnsZone, PRIVATE_DNS_ZONE_ARM_ID, privateDnsZoneName } from './private-dns-zone';
import { addPrivateEndpointTo, PrivateEndpoint, PrivateEndpointOptions, PrivateEndpointTarget } from './private-endpoint';
import { IResourceGroup } from './resource-group';
import { resolveSecretKeyRef, SecretKeyRef } from '../core/secret';
import { ISubnet } from './subnet';

/** PostgreSQL major versions the ASO API accepts. */
export type PostgresVersion = '11' | '12' | '13' | '14' | '15' | '16';

/** Compute tiers of a flexible server. */
export enum PostgresTier {
  BURSTABLE = 'Burstable',
  GENERAL_PURPOSE = 'GeneralPurpose',
  MEMORY_OPTIMIZED = 'MemoryOptimized',
}

/** High-availability modes. */
export enum PostgresHighAvailability {
  DISABLED = 'Disabled',
  SAME_ZONE = 'SameZone',
  ZONE_REDUNDANT = 'ZoneRedundant',
}

/** How clients authenticate to the server. */
export interface PostgresAuthentication {
  /**
   * PostgreSQL password authentication (needs `administratorLogin` and `administratorPassword`).
   * @default true
   */
  readonly password?: boolean;
  /**
   * Microsoft Entra ID authentication (workload identities log in with tokens; add Entra
   * administrators to the server).
   * @default false
   */
  readonly entraId?: boolean;
  /**
   * Entra tenant ID for Entra authentication.
   * @default - the subscription's tenant
   */
  readonly tenantId?: string;
}

/** Props of a {@link PostgresFlexibleServer}. */
export interface PostgresFlexibleServerProps extends AsoResourceProps {
  /** Server name in Azure (also its DNS name): 3-63 lowercase letters, digits and hyphens. */
  readonly name: string;
  /**
   * `metadata.name` of the ASO object.
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
   * PostgreSQL major version.
   * @default '16'
   */
  readonly version?: PostgresVersion;
  /**
   * Compute SKU, e.g. `Standard_B1ms`, `Standard_D2ds_v5`.
   * @default 'Standard_B1ms'
   */
  readonly skuName?: string;
  /**
   * Compute tier (must match the SKU family: B = Burstable, D = GeneralPurpose, E = MemoryOptimized).
   * @default - the tier of the SKU's family (PostgresTier.BURSTABLE for the default SKU)
   */
  readonly tier?: PostgresTier;
  /**
   * Storage size in GiB (32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767).
   * @default 32
   */
  readonly storageSizeGB?: number;
  /**
   * Grow storage automatically when it fills up (Azure moves the disk to the next size).
   *
   * ASO sends `storageSizeGB` unchanged on every reconcile, and Azure refuses a size below the
   * disk's (`UpsertServerManagementOperationDowngradeDiskSizeUnsupported`: "Requested data Disk size
   * ... cannot be less than current size"). So once Azure has grown the disk, the server's ASO
   * object is `Ready=False` and no other change of its spec applies until `storageSizeGB` is raised
   * to the live size (`status.storage.storageSizeGB`) in Git. Nothing is deleted or shrunk; watch for
   * the condition (or alert on it) and commit the new size.
   * @default true
   */
  readonly storageAutoGrow?: boolean;
  /**
   * Backup retention in days (7-35).
   * @default 7
   */
  readonly backupRetentionDays?: number;
  /**
   * Geo-redundant backups (cannot be changed after creation).
   * @default false
   */
  readonly geoRedundantBackup?: boolean;
  /**
   * High availability (not available in the Burstable tier).
   * @default PostgresHighAvailability.DISABLED
   */
  readonly highAvailability?: PostgresHighAvailability;
  /**
   * Availability zone of the primary ('1', '2' or '3').
   * @default - chosen by Azure
   */
  readonly availabilityZone?: string;
  /**
   * Authentication methods.
   * @default - password authentication only
   */
  readonly authentication?: PostgresAuthentication;
  /**
   * Administrator login name (required with password authentication; not `azure_superuser`,
   * `admin`, `administrator`, `root`, `guest`, `public` or starting with `pg_`).
   * @default - none (only valid without password authentication)
   */
  readonly administratorLogin?: string;
  /**
   * The administrator password: a key of an existing Secret (a SealedSecret-produced one, or one
   * managed outside the app) in the server's namespace. There is deliberately no way to give the
   * password itself: it would end up in Git.
   * @default - none (only valid without password authentication)
   */
  readonly administratorPassword?: SecretKeyRef;
  /**
   * Put the server into a subnet delegated to `Microsoft.DBforPostgreSQL/flexibleServers`
   * (private access; public network access is then disabled and firewall rules are not allowed).
   * A {@link Subnet} construct (same namespace) or its ARM resource ID.
   * @default - public access mode
   */
  readonly delegatedSubnet?: ISubnet | string;
  /**
   * The private DNS zone (its name ending in `.postgres.database.azure.com`, e.g.
   * `files.private.postgres.database.azure.com`) Azure writes the server's record into, for a
   * server in a delegated subnet: a {@link PrivateDnsZone} construct in the same namespace
   * (linked to the clients' virtual networks) or its ARM resource ID.
   * @default - none
   */
  readonly privateDnsZone?: IPrivateDnsZone | string;
  /**
   * ARM resource ID of the private DNS zone for a server in a delegated subnet.
   * @deprecated use `privateDnsZone`, which also takes a PrivateDnsZone construct
   * @default - none
   */
  readonly privateDnsZoneArmId?: string;
  /**
   * Azure tags.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Removal policy: `RETAIN` detaches the server (it and its data stay in Azure), `DESTROY`
   * deletes it, `SKIP` adopts an existing server read-only.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Values a flexible server exports (see {@link AsoResource} for Secret/ConfigMap names). */
export interface PostgresFlexibleServerExports {
  /** The server's host name (`<name>.postgres.database.azure.com`), ConfigMap `<name>-config`, key `fullyQualifiedDomainName`. */
  readonly fqdn: ExportedValue;
}

const RESERVED_LOGINS = new Set(['azure_superuser', 'azure_pg_admin', 'admin', 'administrator', 'root', 'guest', 'public']);
const SKU = /^Standard_[A-Za-z][A-Za-z0-9_]*$/;
/**
 * The storage sizes (GiB) Azure offers a PostgreSQL flexible server; any other size is refused by
 * Azure (the upjet-azure FlexibleServer `storageMb` lists the same sizes in MiB). For the schemas
 * of platform APIs that pass a size on (a Crossplane XRD, a kro graph): `enum`.
 */
export const FLEXIBLE_SERVER_STORAGE_SIZES_GB: readonly number[] = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767];

/** A PostgreSQL flexible server (a {@link PostgresFlexibleServer} construct, or an import). */
export interface IPostgresFlexibleServer extends IAsoResource {}

/**
 * An Azure Database for PostgreSQL flexible server (ASO `dbforpostgresql.azure.com`
 * `FlexibleServer`), with {@link database}, {@link firewallRule} and {@link configuration}.
 *
 * Security defaults: the administrator password only from an existing Secret; public network
 * access `Disabled` unless firewall rules are added (or, with a delegated subnet, always
 * disabled). A server must be reachable: with neither firewall rules, a private endpoint
 * ({@link addPrivateEndpoint}) nor a delegated subnet it is a synth error.
 * Removal: `RETAIN` by default (detach; the server and its data stay).
 *
 * @example
 * const server = new PostgresFlexibleServer(scope, 'db', {
 *   name: 'files-pg', resourceGroup: rg,
 *   administratorLogin: 'filesadmin', administratorPassword: { secret: adminSecret, key: 'password' },
 * });
 * server.database('files');
 * server.addPrivateEndpoint({ subnet: endpointsSubnet, privateDnsZone: postgresZone });
 * env: { DB_HOST: server.exports.fqdn.envValue(workload) }
 */
export class PostgresFlexibleServer extends AsoResource implements IPostgresFlexibleServer, PrivateEndpointTarget {
  /**
   * A FlexibleServer ASO object another app or team owns (not created by this app): declared as provided,
   * so references to it (owners, private endpoints, role assignments) resolve.
   *
   * @example
   * const shared = PostgresFlexibleServer.fromName(folder, 'pg', { name: 'shared-pg', namespace: 'data' });
   * new PostgresDatabase(folder, 'db', { server: shared, name: 'files', namespace: 'data' });
   */
  public static fromName(scope: Construct, id: string, props: AsoResourceImportProps): IPostgresFlexibleServer {
    return importAsoResource(scope, id, { apiGroup: 'dbforpostgresql.azure.com', kind: 'FlexibleServer', azureNameRule: AzureNames.postgresServer }, props);
  }

  public readonly azureName: string;
  public readonly location: string;
  /** The resource group (construct or ARM resource ID). */
  public readonly resourceGroup: IResourceGroup | string;
  /** PostgreSQL major version. */
  public readonly version: PostgresVersion;
  /** Administrator login, when password authentication is on. */
  public readonly administratorLogin?: string;
  /** Exported values. */
  public readonly exports: PostgresFlexibleServerExports;
  /** The ASO object. */
  public readonly apiObject: FlexibleServer;
  private readonly firewallRules: PostgresFirewallRule[] = [];
  private readonly delegated: boolean;
  private readonly _privateEndpoints: PrivateEndpoint[] = [];

  public constructor(scope: Construct, id: string, props: PostgresFlexibleServerProps) {
    super(scope, id, props);
    rejectInlinePasswords(this, props as unknown as Record<string, unknown>);
    this.azureName = checkString(this, 'name', props.name, AzureNames.postgresServer);
    const name = kubernetesNameFor(this, this.azureName, props.kubernetesName);
    const owner = this.ownerOf('resourceGroup', props.resourceGroup, 'a ResourceGroup', RESOURCE_GROUP_ARM_ID);
    this.resourceGroup = props.resourceGroup;
    this.location = this.locationOf(props.location, props.resourceGroup);
    this.version = props.version ?? '16';
    if (!['11', '12', '13', '14', '15', '16'].includes(this.version)) {
      throw propError(this, 'version', `"${this.version}" is not a PostgreSQL version of this API (11-16)`);
    }
    const skuName = checkString(this, 'skuName', props.skuName ?? 'Standard_B1ms', { pattern: SKU, description: 'a compute SKU such as "Standard_B1ms" or "Standard_D2ds_v5"' });
    const family = /^Standard_([A-Z])/.exec(skuName)?.[1];
    const expectedTier = family === 'B' ? PostgresTier.BURSTABLE : family === 'E' ? PostgresTier.MEMORY_OPTIMIZED : family === 'D' ? PostgresTier.GENERAL_PURPOSE : undefined;
    // Unset, the tier is the SKU family's (there is only one that fits).
    const tier = props.tier ?? expectedTier ?? PostgresTier.BURSTABLE;
    if (!Object.values(PostgresTier).includes(tier)) throw propError(this, 'tier', `"${tier}" is not a PostgresTier`);
    if (expectedTier && expectedTier !== tier) throw propError(this, 'tier', `"${tier}" does not match SKU "${skuName}" (tier ${expectedTier}); set tier to ${expectedTier}, or leave it out`);
    const storageSizeGB = props.storageSizeGB ?? 32;
    if (!FLEXIBLE_SERVER_STORAGE_SIZES_GB.includes(storageSizeGB)) throw propError(this, 'storageSizeGB', `${storageSizeGB} is not a storage size of flexible servers (${FLEXIBLE_SERVER_STORAGE_SIZES_GB.join(', ')})`);
    const backupRetentionDays = props.backupRetentionDays ?? 7;
    if (!Number.isInteger(backupRetentionDays) || backupRetentionDays < 7 || backupRetentionDays > 35) {
      throw propError(this, 'backupRetentionDays', `${backupRetentionDays} must be a whole number of days between 7 and 35`);
    }
    const ha = props.highAvailability ?? PostgresHighAvailability.DISABLED;
    if (!Object.values(PostgresHighAvailability).includes(ha)) throw propError(this, 'highAvailability', `"${ha}" is not a PostgresHighAvailability`);
    if (ha !== PostgresHighAvailability.DISABLED && tier === PostgresTier.BURSTABLE) {
      throw propError(this, 'highAvailability', `${ha} is not available in the Burstable tier; use GeneralPurpose or MemoryOptimized`);
    }
    if (props.availabilityZone !== undefined) checkString(this, 'availabilityZone', props.availabilityZone, { pattern: /^[123]$/, description: '"1", "2" or "3"' });

    const passwordAuth = props.authentication?.password ?? true;
    const entraAuth = props.authentication?.entraId ?? false;
    if (!passwordAuth && !entraAuth) throw propError(this, 'authentication', 'enables neither password nor Entra ID authentication');
    if (props.authentication?.tenantId !== undefined) {
      checkString(this, 'authentication.tenantId', props.authentication.tenantId, { pattern: GUID, description: 'a tenant ID (GUID)' });
      if (!entraAuth) throw propError(this, 'authentication.tenantId', 'is only used with entraId: true');
    }
    let password: { name: string; key: string } | undefined;
    if (passwordAuth) {
      if (props.administratorLogin === undefined) throw propError(this, 'administratorLogin', 'is required with password authentication');
      if (props.administratorPassword === undefined) {
        throw propError(this, 'administratorPassword', 'is required with password authentication: reference a key of an existing Secret ({ secret, key })');
      }
      this.administratorLogin = checkString(this, 'administratorLogin', props.administratorLogin, {
        min: 1, max: 63, pattern: /^(?!pg_)[a-zA-Z_][a-zA-Z0-9_]*$/, description: '1-63 letters, digits and underscores, starting with a letter or underscore, not starting with "pg_"',
      });
      if (RESERVED_LOGINS.has(this.administratorLogin.toLowerCase())) throw propError(this, 'administratorLogin', `"${this.administratorLogin}" is reserved by Azure`);
      password = resolveSecretKeyRef(this, 'administratorPassword', props.administratorPassword, this.namespace);
    } else if (props.administratorLogin !== undefined || props.administratorPassword !== undefined) {
      throw propError(this, props.administratorLogin !== undefined ? 'administratorLogin' : 'administratorPassword', 'is only used with password authentication');
    }

    let delegatedSubnetResourceReference: { armId?: string; group?: string; kind?: string; name?: string } | undefined;
    const subnet = props.delegatedSubnet;
    if (subnet !== undefined) {
      if (typeof subnet === 'string') {
        checkString(this, 'delegatedSubnet', subnet, { pattern: ARM_RESOURCE_ID, description: 'a Subnet construct or the ARM resource ID of a subnet' });
        delegatedSubnetResourceReference = { armId: subnet };
      } else {
        if (subnet.namespace !== this.namespace) {
          throw propError(this, 'delegatedSubnet', `subnet "${subnet.name}" (${subnet.node.path}) is in namespace "${subnet.namespace}", but ASO references must be in the server's namespace ("${this.namespace}")`);
        }
        if (subnet.delegations && !subnet.delegations.includes('Microsoft.DBforPostgreSQL/flexibleServers')) {
          throw propError(this, 'delegatedSubnet', `subnet "${subnet.azureName}" is not delegated to Microsoft.DBforPostgreSQL/flexibleServers; add it to the subnet's delegations`);
        }
        addReference(this, 'delegatedSubnet', () => ({ apiGroup: subnet.apiGroup, kind: subnet.kind, name: subnet.name, namespace: subnet.namespace }));
        delegatedSubnetResourceReference = { group: subnet.apiGroup, kind: subnet.kind, name: subnet.name };
      }
    }
    if (props.privateDnsZoneArmId !== undefined) {
      checkString(this, 'privateDnsZoneArmId', props.privateDnsZoneArmId, { pattern: ARM_RESOURCE_ID, description: 'the ARM resource ID of a private DNS zone' });
      if (subnet === undefined) throw propError(this, 'privateDnsZoneArmId', 'is only used with delegatedSubnet');
      if (props.privateDnsZone !== undefined) throw propError(this, 'privateDnsZoneArmId', 'is replaced by privateDnsZone: set only privateDnsZone');
    }
    let privateDnsZoneArmResourceReference: { armId?: string; group?: string; kind?: string; name?: string } | undefined =
      props.privateDnsZoneArmId !== undefined ? { armId: props.privateDnsZoneArmId } : undefined;
    if (props.privateDnsZone !== undefined) {
      if (subnet === undefined) {
        throw propError(this, 'privateDnsZone', 'is only used with delegatedSubnet (VNet integration); for a private endpoint pass the zone to addPrivateEndpoint()');
      }
      privateDnsZoneArmResourceReference = this.referenceTo('privateDnsZone', props.privateDnsZone, 'a PrivateDnsZone', PRIVATE_DNS_ZONE_ARM_ID);
      const zoneName = privateDnsZoneName(props.privateDnsZone);
      if (!/\.postgres\.database\./.test(zoneName)) {
        throw propError(this, 'privateDnsZone', `zone "${zoneName}" must be named "<label>.postgres.database.azure.com" (e.g. "${this.azureName}.private.postgres.database.azure.com") for a server in a delegated subnet`);
      }
    }
    this.delegated = subnet !== undefined;

    this.apiObject = new FlexibleServer(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: {
        azureName: name === this.azureName ? undefined : this.azureName,
        owner,
        location: this.location,
        version: this.version as any,
        sku: { name: skuName, tier: tier as any },
        storage: { storageSizeGb: storageSizeGB, autoGrow: (props.storageAutoGrow ?? true ? 'Enabled' : 'Disabled') as any },
        backup: { backupRetentionDays, geoRedundantBackup: (props.geoRedundantBackup ? 'Enabled' : 'Disabled') as any },
        highAvailability: { mode: ha as any },
        availabilityZone: props.availabilityZone,
        administratorLogin: this.administratorLogin,
        administratorLoginPassword: password,
        authConfig: {
          passwordAuth: (passwordAuth ? 'Enabled' : 'Disabled') as any,
          activeDirectoryAuth: (entraAuth ? 'Enabled' : 'Disabled') as any,
          tenantId: props.authentication?.tenantId,
        },
        network: Lazy.any({
          produce: () => ({
            delegatedSubnetResourceReference,
            privateDnsZoneArmResourceReference,
            publicNetworkAccess: this.publicNetworkAccess,
          }),
        }),
        operatorSpec: this.lazyOperatorSpec(),
        tags: checkTags(this, props.tags),
      },
    });
    this.bind(this.apiObject, props.removalPolicy ?? RemovalPolicy.RETAIN);
    this.exports = { fqdn: this.exportValue('ConfigMap', 'fullyQualifiedDomainName') };
    this.node.addValidation({
      validate: () => {
        if (this.delegated && this.firewallRules.length > 0) {
          return ['prop "delegatedSubnet": a server in a delegated subnet (private access) cannot have firewall rules; remove them or the subnet'];
        }
        if (!this.delegated && this.firewallRules.length === 0 && this._privateEndpoints.length === 0) {
          return [
            'prop "network": the server would be unreachable: public network access is disabled (it has no firewall rules) and it has no private path; ' +
              'add a private endpoint with server.addPrivateEndpoint({ subnet, privateDnsZone }), put it in a subnet delegated to ' +
              'Microsoft.DBforPostgreSQL/flexibleServers (delegatedSubnet + privateDnsZone), or allow clients with server.firewallRule(...) (public access)',
          ];
        }
        return [];
      },
    });
  }

  /** Private endpoints added with {@link addPrivateEndpoint}. */
  public get privateEndpoints(): readonly PrivateEndpoint[] {
    return [...this._privateEndpoints];
  }

  /**
   * Adds a private endpoint (Private Link group `postgresqlServer`, construct id
   * `PrivateEndpoint-postgresqlServer`): clients in the virtual networks linked to the zone
   * (`privatelink.postgres.database.azure.com`) reach `<name>.postgres.database.azure.com` on a
   * private IP while public access stays disabled. Only for servers in public access mode (no
   * `delegatedSubnet`).
   */
  public addPrivateEndpoint(options: PrivateEndpointOptions): PrivateEndpoint {
    if (this.delegated) {
      throw propError(this, 'delegatedSubnet', 'a server in a delegated subnet (VNet integration) cannot have private endpoints: Azure supports them in public access mode only; remove delegatedSubnet or the endpoint');
    }
    const endpoint = addPrivateEndpointTo(this, 'postgresqlServer', options);
    this._privateEndpoints.push(endpoint);
    return endpoint;
  }

  /**
   * `Disabled` unless the server is in public access mode and has firewall rules (then
   * `Enabled`): a server without rules is unreachable from the Internet anyway.
   */
  public get publicNetworkAccess(): 'Enabled' | 'Disabled' {
    return !this.delegated && this.firewallRules.length > 0 ? 'Enabled' : 'Disabled';
  }

  /**
   * Adds a database (construct id `Database-<name>`), in the server's namespace unless
   * `options.namespace` is given.
   */
  public database(name: string, options: PostgresDatabaseOptions = {}): PostgresDatabase {
    const id = this.childId('Database', 'database', name, AzureNames.postgresDatabase);
    return new PostgresDatabase(this, id, { ...options, namespace: options.namespace ?? this.namespace, name, server: this });
  }

  /**
   * Adds a firewall rule (construct id `FirewallRule-<name>`, in the server's namespace unless
   * `options.namespace` is given) allowing an IPv4 range; switches public network access on.
   */
  public firewallRule(name: string, options: PostgresFirewallRuleOptions): PostgresFirewallRule {
    const id = this.childId('FirewallRule', 'firewall rule', name, AzureNames.postgresFirewallRule);
    return new PostgresFirewallRule(this, id, { ...options, namespace: options.namespace ?? this.namespace, name, server: this });
  }

  /**
   * Sets a server parameter (construct id `Configuration-<name>`, in the server's namespace),
   * e.g. `configuration('pgaudit.log', 'READ')`.
   */
  public configuration(name: string, value: string): PostgresConfiguration {
    const id = this.childId('Configuration', 'server parameter', name, AzureNames.postgresConfiguration);
    return new PostgresConfiguration(this, id, { name, value, server: this, namespace: this.namespace });
  }

  /** @internal */
  public _addFirewallRule(rule: PostgresFirewallRule): void {
    this.firewallRules.push(rule);
  }
}

/**
 * Throws when props carry something that looks like an inline password (`administratorLoginPassword`,
 * `password`, a string `administratorPassword`, ...): passwords must come from a Secret.
 */
export function rejectInlinePasswords(scope: Construct, props: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined) continue;
    if (k === 'administratorPassword' && (v === null || typeof v !== 'object')) {
      throw propError(scope, k, 'must reference a key of an existing Secret ({ secret, key }); an inline password would be written to Git');
    }
    if (k !== 'administratorPassword' && /pass(word|wd)|secret/i.test(k)) {
      throw propError(scope, k, 'inline passwords are not supported (they would be written to Git); use administratorPassword: { secret, key } with an existing Secret');
    }
  }
}
