import { Construct } from 'constructs';
import { PrivateEndpoint as PrivateEndpointL1, PrivateEndpointsPrivateDnsZoneGroup } from '../../imports/aso/network.azure.com';
import { checkString, DNS_SUBDOMAIN, propError } from '../core/errors';
import { RemovalPolicy } from '../core/removal-policy';
import { AsoResource, AsoResourceProps, checkTags, constructOrRemove, IAsoResource } from './aso-resource';
import { ARM_RESOURCE_ID, AZURE_LOCATION, AzureNames, kubernetesNameFor, NO_ARM_ID, RESOURCE_GROUP_ARM_ID } from './naming';
import { IPrivateDnsZone, PRIVATE_DNS_ZONE_ARM_ID, privateDnsZoneName } from './private-dns-zone';
import { IResourceGroup } from './resource-group';
import type { ISubnet } from './subnet';

/** Options of a private endpoint added with a resource's `addPrivateEndpoint()`. */
export interface PrivateEndpointOptions extends AsoResourceProps {
  /**
   * The subnet the endpoint's network interface is placed in (a {@link Subnet} construct in the
   * same namespace, or its ARM resource ID); not a delegated subnet. The endpoint is created in
   * the subnet's region.
   */
  readonly subnet: ISubnet | string;
  /**
   * The private DNS zone the endpoint's A record is written to (a DNS zone group): a
   * {@link PrivateDnsZone} construct in the same namespace or its ARM resource ID, named after
   * the service (`PrivateDnsZoneNames`), and linked to the virtual networks of the clients.
   * Without it clients resolve the service's host name to its public IP, which refuses them
   * when public access is disabled.
   * @default - none; then `dnsManagedElsewhere: true` is required
   */
  readonly privateDnsZone?: IPrivateDnsZone | string;
  /**
   * The endpoint's DNS records are written by something else (Azure Policy
   * `DeployIfNotExists` zone groups, custom DNS servers), so no DNS zone group is created.
   * @default false
   */
  readonly dnsManagedElsewhere?: boolean;
  /**
   * Name of the endpoint in Azure.
   * @default - `pe-<resource name>-<group id>` (at most 64 characters)
   */
  readonly name?: string;
  /**
   * `metadata.name` of the ASO object.
   * @default - the endpoint's name, lowercased
   */
  readonly kubernetesName?: string;
  /**
   * The endpoint's resource group (a construct in the same namespace) or its ARM resource ID.
   * @default - the resource's resource group
   */
  readonly resourceGroup?: IResourceGroup | string;
  /**
   * Azure region: the virtual network's.
   * @default - the subnet's region when it is a construct, else the resource group's
   */
  readonly location?: string;
  /**
   * Azure tags.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Removal policy. An endpoint holds no data: removing it cuts the private path, re-creating
   * it restores it (with a new private IP, which the DNS zone group records).
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Props of a {@link PrivateEndpoint}. */
export interface PrivateEndpointProps extends Omit<PrivateEndpointOptions, 'name' | 'resourceGroup'> {
  /** Name of the endpoint in Azure: 2-64 letters, digits, underscores, periods and hyphens. */
  readonly name: string;
  /** The endpoint's resource group (a construct in the same namespace) or its ARM resource ID. */
  readonly resourceGroup: IResourceGroup | string;
  /** The resource reached through the endpoint: an ASO resource construct in the same namespace, or its ARM resource ID. */
  readonly target: IAsoResource | string;
  /**
   * The target's sub-resource (Private Link group ID): `blob`, `file`, `queue`, `table`, `dfs`,
   * `web` (storage), `postgresqlServer`, `vault`, ...
   */
  readonly groupId: string;
}

/** The private DNS zone name each Private Link group ID resolves through (prefix, so sovereign clouds match too). */
const ZONE_PREFIX: Readonly<Record<string, string>> = {
  blob: 'privatelink.blob.',
  file: 'privatelink.file.',
  queue: 'privatelink.queue.',
  table: 'privatelink.table.',
  dfs: 'privatelink.dfs.',
  web: 'privatelink.web.',
  postgresqlServer: 'privatelink.postgres.database.',
  vault: 'privatelink.vaultcore.',
};

const SUBNET_ARM_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;

/**
 * An Azure private endpoint (ASO `network.azure.com` `PrivateEndpoint`): a private IP in `subnet`
 * for one sub-resource (`groupId`) of `target`, approved automatically (same tenant), plus a DNS
 * zone group (ASO `PrivateEndpointsPrivateDnsZoneGroup`, `<name>-dns`) that writes the
 * endpoint's A record into `privateDnsZone`. Usually made with `addPrivateEndpoint()` of a
 * storage account, PostgreSQL flexible server or key vault.
 *
 * Removal: `DESTROY` by default (no data).
 *
 * @example
 * new PrivateEndpoint(team, 'pe-blob', {
 *   name: 'pe-stfiles-blob', resourceGroup: rg, subnet: endpointsSubnet,
 *   target: account, groupId: 'blob', privateDnsZone: blobZone,
 * });
 */
export class PrivateEndpoint extends AsoResource {
  public readonly azureName: string;
  public readonly location: string;
  /** The Private Link group ID. */
  public readonly groupId: string;
  /** The DNS zone group, when a private DNS zone was given. */
  public readonly dnsZoneGroup?: PrivateEndpointDnsZoneGroup;
  /** The ASO object. */
  public readonly apiObject: PrivateEndpointL1;

  public constructor(scope: Construct, id: string, props: PrivateEndpointProps) {
    super(scope, id, props);
    this.azureName = checkString(this, 'name', props.name, AzureNames.privateEndpoint);
    const name = kubernetesNameFor(this, this.azureName, props.kubernetesName);
    const owner = this.ownerOf('resourceGroup', props.resourceGroup, 'a ResourceGroup', RESOURCE_GROUP_ARM_ID);
    this.groupId = checkString(this, 'groupId', props.groupId, { min: 1, max: 64, pattern: /^[A-Za-z][A-Za-z0-9_]*$/, description: 'a Private Link group ID such as "blob", "postgresqlServer" or "vault"' });
    const subnet = this.referenceTo('subnet', props.subnet, 'a Subnet', SUBNET_ARM_ID);
    if (typeof props.subnet !== 'string' && props.subnet.delegations?.length) {
      throw propError(this, 'subnet', `subnet "${props.subnet.azureName}" is delegated to ${props.subnet.delegations.join(', ')}; private endpoints need a subnet without delegations`);
    }
    const subnetLocation = typeof props.subnet === 'string' ? undefined : props.subnet.location;
    if (props.location !== undefined && subnetLocation !== undefined && props.location !== subnetLocation) {
      throw propError(this, 'location', `"${props.location}" is not the region of subnet "${(props.subnet as ISubnet).azureName}" (${subnetLocation}); an endpoint is created in its virtual network's region`);
    }
    this.location = props.location !== undefined || subnetLocation === undefined
      ? this.locationOf(props.location, props.resourceGroup)
      : checkString(this, 'location', subnetLocation, AZURE_LOCATION);
    const target = this.referenceTo('target', props.target, 'an ASO resource', ARM_RESOURCE_ID);

    const zone = props.privateDnsZone;
    if (zone === undefined && !props.dnsManagedElsewhere) {
      const expected = ZONE_PREFIX[this.groupId];
      throw propError(
        this,
        'privateDnsZone',
        'is required: without a private DNS zone clients resolve the service\'s host name to its public IP, which refuses them when public access is disabled; ' +
          `pass a PrivateDnsZone${expected ? ` named ${expected}...` : ''} linked to the clients' virtual network (or its ARM resource ID), ` +
          'or set dnsManagedElsewhere: true when Azure Policy or custom DNS writes the records',
      );
    }
    if (zone !== undefined && props.dnsManagedElsewhere) throw propError(this, 'dnsManagedElsewhere', 'is true, but privateDnsZone is given: choose one');
    if (zone !== undefined && name.length > 249) {
      throw propError(this, 'kubernetesName', `"${name}" is too long: the DNS zone group is named "<kubernetesName>-dns", which must be at most 253 characters; use at most 249`);
    }
    if (zone !== undefined) {
      const zoneName = typeof zone === 'string'
        ? privateDnsZoneName(checkString(this, 'privateDnsZone', zone, { pattern: PRIVATE_DNS_ZONE_ARM_ID, description: 'a PrivateDnsZone construct or the ARM resource ID of a private DNS zone' }))
        : zone.azureName;
      const expected = ZONE_PREFIX[this.groupId];
      if (expected && !zoneName.startsWith(expected)) {
        throw propError(this, 'privateDnsZone', `zone "${zoneName}" is not the Private Link zone of group ID "${this.groupId}" (${expected}...); clients would not find the endpoint's record`);
      }
    }

    this.apiObject = new PrivateEndpointL1(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: {
        azureName: name === this.azureName ? undefined : this.azureName,
        owner,
        location: this.location,
        subnet: { reference: subnet },
        privateLinkServiceConnections: [{ name: this.azureName, groupIds: [this.groupId], privateLinkServiceReference: target }],
        tags: checkTags(this, props.tags),
      },
    });
    this.bind(this.apiObject, props.removalPolicy ?? RemovalPolicy.DESTROY);
    if (zone !== undefined) {
      this.dnsZoneGroup = new PrivateEndpointDnsZoneGroup(this, 'DnsZoneGroup', {
        namespace: this.namespace, credentialFrom: this.credential, privateEndpoint: this, privateDnsZone: zone, removalPolicy: props.removalPolicy,
      });
    }
  }
}

/** Props of a {@link PrivateEndpointDnsZoneGroup}. */
export interface PrivateEndpointDnsZoneGroupProps extends AsoResourceProps {
  /** The private endpoint (a construct in the same namespace). */
  readonly privateEndpoint: PrivateEndpoint;
  /** The private DNS zone (a construct in the same namespace) or its ARM resource ID. */
  readonly privateDnsZone: IPrivateDnsZone | string;
  /**
   * `metadata.name` of the ASO object.
   * @default - `<endpoint kubernetes name>-dns`
   */
  readonly kubernetesName?: string;
  /**
   * Removal policy (no data).
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The DNS zone group of a private endpoint (ASO `PrivateEndpointsPrivateDnsZoneGroup`, Azure name
 * `default`): Azure keeps the endpoint's A record in the zone. Created by {@link PrivateEndpoint}
 * when it is given a `privateDnsZone`.
 *
 * Removal: `DESTROY` by default.
 *
 * @example
 * const endpoint = account.addPrivateEndpoint({ subnet, privateDnsZone: blobZone });
 * endpoint.dnsZoneGroup!.apiObject.metadata.name; // '<endpoint>-dns'
 */
export class PrivateEndpointDnsZoneGroup extends AsoResource {
  /** Always `default`. */
  public readonly azureName = 'default';
  /** The ASO object. */
  public readonly apiObject: PrivateEndpointsPrivateDnsZoneGroup;

  public constructor(scope: Construct, id: string, props: PrivateEndpointDnsZoneGroupProps) {
    super(scope, id, props);
    const owner = this.ownerOf('privateEndpoint', props.privateEndpoint, 'a PrivateEndpoint', NO_ARM_ID);
    const zone = this.referenceTo('privateDnsZone', props.privateDnsZone, 'a PrivateDnsZone', PRIVATE_DNS_ZONE_ARM_ID);
    const zoneName = privateDnsZoneName(props.privateDnsZone);
    this.apiObject = new PrivateEndpointsPrivateDnsZoneGroup(this, 'Resource', {
      metadata: {
        name: props.kubernetesName !== undefined ? checkString(this, 'kubernetesName', props.kubernetesName, DNS_SUBDOMAIN) : `${props.privateEndpoint.name}-dns`,
        namespace: this.namespace,
      },
      spec: {
        azureName: this.azureName,
        owner,
        privateDnsZoneConfigs: [{ name: zoneName.replace(/\./g, '-'), privateDnsZoneReference: zone }],
      },
    });
    this.bind(this.apiObject, props.removalPolicy ?? RemovalPolicy.DESTROY);
  }
}

/** A resource that private endpoints can reach (what `addPrivateEndpoint()` needs of it). */
export interface PrivateEndpointTarget extends IAsoResource {
  /** Its resource group (the endpoint's default). */
  readonly resourceGroup: IResourceGroup | string;
}

/**
 * Adds a private endpoint for sub-resource `groupId` of `target` (construct id
 * `PrivateEndpoint-<groupId>`, in the target's namespace, with its credential); one per group ID.
 */
export function addPrivateEndpointTo(target: AsoResource & PrivateEndpointTarget, groupId: string, options: PrivateEndpointOptions): PrivateEndpoint {
  const id = `PrivateEndpoint-${groupId}`;
  if (target.node.tryFindChild(id)) throw propError(target, 'privateEndpoint', `already has a private endpoint for "${groupId}"`);
  const name = options.name ?? `pe-${target.azureName}-${groupId.toLowerCase()}`.slice(0, 64).replace(/[-.]+$/, '');
  return constructOrRemove(target, id, () => new PrivateEndpoint(target, id, {
    namespace: target.namespace,
    credentialFrom: target.credential,
    ...options,
    name,
    kubernetesName: options.kubernetesName ?? (options.name === undefined ? name.toLowerCase() : undefined),
    resourceGroup: options.resourceGroup ?? target.resourceGroup,
    target,
    groupId,
  }));
}
