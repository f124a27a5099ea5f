import { Construct } from 'constructs';
import {
  PrivateDnsZone as PrivateDnsZoneL1,
  PrivateDnsZonesVirtualNetworkLink,
  PrivateDnsZonesVirtualNetworkLinkSpecResolutionPolicy,
} from '../../imports/aso/network.azure.com';
import { checkString, DNS_SUBDOMAIN, propError } from '../core/errors';
import { RemovalPolicy } from '../core/removal-policy';
import { AsoResource, AsoResourceProps, checkTags, IAsoResource } from './aso-resource';
import { AzureNames, childKubernetesName, kubernetesNameFor, RESOURCE_GROUP_ARM_ID } from './naming';
import { IResourceGroup } from './resource-group';
import type { IVirtualNetwork } from './virtual-network';

/**
 * The private DNS zones of Azure Private Link (public cloud), by service: a private endpoint's
 * DNS zone group writes the endpoint's A record into the zone of its service, and clients in a
 * virtual network linked to the zone resolve the service's usual host name to the private IP.
 * (learn.microsoft.com/azure/private-link/private-endpoint-dns)
 */
export const PrivateDnsZoneNames = {
  /** Blob storage (`groupId` `blob`). */
  BLOB: 'privatelink.blob.core.windows.net',
  /** Azure Files (`file`). */
  FILE: 'privatelink.file.core.windows.net',
  /** Queue storage (`queue`). */
  QUEUE: 'privatelink.queue.core.windows.net',
  /** Table storage (`table`). */
  TABLE: 'privatelink.table.core.windows.net',
  /** Data Lake Storage Gen2 (`dfs`). */
  DFS: 'privatelink.dfs.core.windows.net',
  /** Azure Database for PostgreSQL flexible server, private endpoints (`postgresqlServer`). */
  POSTGRES: 'privatelink.postgres.database.azure.com',
  /** Key Vault (`vault`). */
  KEY_VAULT: 'privatelink.vaultcore.azure.net',
} as const;

/** A private DNS zone (a {@link PrivateDnsZone} construct, or an import). Its `azureName` is the zone name. */
export interface IPrivateDnsZone extends IAsoResource {}

/** Props of a {@link PrivateDnsZone}. */
export interface PrivateDnsZoneProps extends AsoResourceProps {
  /** The zone name, e.g. {@link PrivateDnsZoneNames.BLOB}. */
  readonly name: string;
  /**
   * `metadata.name` of the ASO object (set it when two zones of the same name, in different
   * resource groups, share a namespace).
   * @default - `name`
   */
  readonly kubernetesName?: string;
  /** The resource group (a construct in the same namespace) or its ARM resource ID. */
  readonly resourceGroup: IResourceGroup | string;
  /**
   * Azure tags.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Removal policy. A private DNS zone holds no data: its records are written by the private
   * endpoints' DNS zone groups and come back when they are re-created.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An Azure private DNS zone (ASO `network.azure.com` `PrivateDnsZone`, location `global`), for
 * private endpoints: link it to the virtual networks whose clients resolve through it with
 * {@link linkVirtualNetwork}, and give it to the endpoints (`privateDnsZone`).
 *
 * Removal: `DESTROY` by default (no data; endpoints' zone groups re-create the records).
 *
 * @example
 * const zone = new PrivateDnsZone(team, 'blob-zone', { name: PrivateDnsZoneNames.BLOB, resourceGroup: rg });
 * zone.linkVirtualNetwork('aks', { virtualNetwork: aksVnet });
 * account.addPrivateEndpoint({ subnet: endpointsSubnet, privateDnsZone: zone });
 */
export class PrivateDnsZone extends AsoResource implements IPrivateDnsZone {
  public readonly azureName: string;
  /** Always `global`. */
  public readonly location = 'global';
  /** The ASO object. */
  public readonly apiObject: PrivateDnsZoneL1;
  private readonly _links: PrivateDnsZoneLink[] = [];

  public constructor(scope: Construct, id: string, props: PrivateDnsZoneProps) {
    super(scope, id, props);
    this.azureName = checkString(this, 'name', props.name, AzureNames.privateDnsZone);
    const name = kubernetesNameFor(this, this.azureName, props.kubernetesName);
    const owner = this.ownerOf('resourceGroup', props.resourceGroup, 'a ResourceGroup', RESOURCE_GROUP_ARM_ID);
    this.apiObject = new PrivateDnsZoneL1(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: {
        azureName: name === this.azureName ? undefined : this.azureName,
        owner,
        location: this.location,
        tags: checkTags(this, props.tags),
      },
    });
    this.bind(this.apiObject, props.removalPolicy ?? RemovalPolicy.DESTROY);
  }

  /** The virtual network links added with {@link linkVirtualNetwork}. */
  public get links(): readonly PrivateDnsZoneLink[] {
    return [...this._links];
  }

  /**
   * Links a virtual network to the zone (construct id `Link-<name>`, in the zone's namespace):
   * clients in the network resolve the zone's names.
   */
  public linkVirtualNetwork(name: string, options: PrivateDnsZoneLinkOptions): PrivateDnsZoneLink {
    const id = this.childId('Link', 'virtual network link', name, AzureNames.privateDnsZoneLink);
    const link = new PrivateDnsZoneLink(this, id, { ...options, namespace: options.namespace ?? this.namespace, name, zone: this });
    this._links.push(link);
    return link;
  }
}

/** Options of a link added with `PrivateDnsZone.linkVirtualNetwork()`. */
export interface PrivateDnsZoneLinkOptions extends AsoResourceProps {
  /** The virtual network (a construct in the same namespace) or its ARM resource ID. */
  readonly virtualNetwork: IVirtualNetwork | string;
  /**
   * Register the network's VMs in the zone (auto-registration). Never for Private Link zones.
   * @default false
   */
  readonly registrationEnabled?: boolean;
  /**
   * `NxDomainRedirect` falls back to public DNS for names the zone does not have.
   * @default - Azure's default (`Default`)
   */
  readonly resolutionPolicy?: 'Default' | 'NxDomainRedirect';
  /**
   * `metadata.name` of the ASO object.
   * @default - `<zone kubernetes name>-<name>`
   */
  readonly kubernetesName?: string;
  /**
   * Azure tags.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Removal policy (a link holds no data).
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Props of a {@link PrivateDnsZoneLink}. */
export interface PrivateDnsZoneLinkProps extends PrivateDnsZoneLinkOptions {
  /** The zone (a construct in the same namespace) or its ARM resource ID. */
  readonly zone: IPrivateDnsZone | string;
  /** Name of the link in Azure: 1-80 letters, digits, underscores, periods and hyphens. */
  readonly name: string;
}

/** The ARM resource ID of a private DNS zone. */
export const PRIVATE_DNS_ZONE_ARM_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/privateDnsZones\/[^/]+$/i;
const VIRTUAL_NETWORK_ARM_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+$/i;

/**
 * A link from a private DNS zone to a virtual network (ASO `PrivateDnsZonesVirtualNetworkLink`,
 * location `global`), without auto-registration by default.
 *
 * Removal: `DESTROY` by default.
 *
 * @example
 * zone.linkVirtualNetwork('aks', { virtualNetwork: '/subscriptions/<id>/resourceGroups/rg-aks/providers/Microsoft.Network/virtualNetworks/vnet-aks' });
 */
export class PrivateDnsZoneLink extends AsoResource {
  public readonly azureName: string;
  public readonly location = 'global';
  /** The ASO object. */
  public readonly apiObject: PrivateDnsZonesVirtualNetworkLink;

  public constructor(scope: Construct, id: string, props: PrivateDnsZoneLinkProps) {
    super(scope, id, props);
    this.azureName = checkString(this, 'name', props.name, AzureNames.privateDnsZoneLink);
    const owner = this.ownerOf('zone', props.zone, 'a PrivateDnsZone', PRIVATE_DNS_ZONE_ARM_ID);
    const virtualNetwork = this.referenceTo('virtualNetwork', props.virtualNetwork, 'a VirtualNetwork', VIRTUAL_NETWORK_ARM_ID);
    const policy = props.resolutionPolicy;
    if (policy !== undefined && policy !== 'Default' && policy !== 'NxDomainRedirect') throw propError(this, 'resolutionPolicy', `"${String(policy)}" is not "Default" or "NxDomainRedirect"`);
    const zoneName = typeof props.zone === 'string' ? privateDnsZoneName(props.zone) : props.zone.name;
    this.apiObject = new PrivateDnsZonesVirtualNetworkLink(this, 'Resource', {
      metadata: {
        name: props.kubernetesName !== undefined ? checkString(this, 'kubernetesName', props.kubernetesName, DNS_SUBDOMAIN) : childKubernetesName(zoneName, this.azureName),
        namespace: this.namespace,
      },
      spec: {
        azureName: this.azureName,
        owner,
        location: this.location,
        registrationEnabled: props.registrationEnabled ?? false,
        resolutionPolicy: policy as PrivateDnsZonesVirtualNetworkLinkSpecResolutionPolicy | undefined,
        virtualNetwork: { reference: virtualNetwork },
        tags: checkTags(this, props.tags),
      },
    });
    this.bind(this.apiObject, props.removalPolicy ?? RemovalPolicy.DESTROY);
  }
}

/** The zone name of a private DNS zone construct or ARM ID. */
export function privateDnsZoneName(zone: IPrivateDnsZone | string): string {
  return typeof zone === 'string' ? zone.split('/').pop()!.toLowerCase() : zone.azureName;
}
