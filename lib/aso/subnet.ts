import { Construct } from 'constructs';
import { VirtualNetworksSubnet } from '../../imports/aso/network.azure.com';
import { checkString, propError } from '../core/errors';
import { RemovalPolicy } from '../core/removal-policy';
import { AsoResource, AsoResourceImportProps, AsoResourceProps, IAsoResource, ImportedAsoResource } from './aso-resource';
import { contains, CidrBlock, parseCidr } from './cidr';
import { ARM_RESOURCE_ID, AzureNames, childKubernetesName } from './naming';
import type { IVirtualNetwork, VirtualNetwork } from './virtual-network';

/** A service a subnet is delegated to. */
const DELEGATION = { pattern: /^Microsoft\.[A-Za-z]+\/[A-Za-z]+$/, description: 'a service name such as "Microsoft.DBforPostgreSQL/flexibleServers"' };

/** Options of a subnet added with `VirtualNetwork.subnet()`. */
export interface SubnetOptions extends AsoResourceProps {
  /** IPv4 CIDR block inside the network's address space (prefix /8 to /29), e.g. `10.20.1.0/24`. */
  readonly addressPrefix: string;
  /**
   * Services the subnet is delegated to, e.g. `Microsoft.DBforPostgreSQL/flexibleServers` (a
   * PostgreSQL flexible server with `delegatedSubnet` needs it).
   * @default - none
   */
  readonly delegations?: string[];
  /**
   * Service endpoints, e.g. `Microsoft.Storage`.
   * @default - none
   */
  readonly serviceEndpoints?: string[];
  /**
   * Allow default outbound Internet access (Azure retires it; use a NAT gateway instead).
   * @default false
   */
  readonly defaultOutboundAccess?: boolean;
  /**
   * `metadata.name` of the ASO object.
   * @default - `<network kubernetes name>-<name>` (lowercased, invalid characters replaced by "-")
   */
  readonly kubernetesName?: string;
  /**
   * Removal policy (a subnet holds no data; Azure refuses to delete one in use).
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Props of {@link Subnet.fromName}. */
export interface SubnetImportProps extends AsoResourceImportProps {
  /**
   * Services it is delegated to, when known (private endpoints need a subnet without delegations;
   * a PostgreSQL flexible server one delegated to it).
   * @default - unknown (not checked)
   */
  readonly delegations?: string[];
}

/** Props of a {@link Subnet}. */
export interface SubnetProps extends SubnetOptions {
  /** The virtual network (a construct in the same namespace) or its ARM resource ID. */
  readonly virtualNetwork: IVirtualNetwork | string;
  /** Name in Azure: 1-80 letters, digits, underscores, periods and hyphens. */
  readonly name: string;
}

/**
 * A subnet of a virtual network (ASO `VirtualNetworksSubnet`). Its prefix must lie inside the
 * network's address space and not overlap the network's other subnets (checked when created).
 *
 * Removal: `DESTROY` by default.
 *
 * @example
 * const aksSubnet = vnet.subnet('aks', { addressPrefix: '10.20.0.0/22' });
 * new Subnet(vnet, 'pg', {
 *   virtualNetwork: vnet, name: 'snet-pg', addressPrefix: '10.20.4.0/24',
 *   delegations: ['Microsoft.DBforPostgreSQL/flexibleServers'],
 * });
 */
export class Subnet extends AsoResource implements ISubnet {
  /**
   * A VirtualNetworksSubnet ASO object another app or team owns (not created by this app):
   * declared as provided, so references to it (private endpoints, delegated servers) resolve.
   * Its Azure name usually differs from its `metadata.name`: give `azureName`.
   *
   * @example
   * const endpoints = Subnet.fromName(folder, 'endpoints', { name: 'vnet-hub-snet-endpoints', azureName: 'snet-endpoints', location: 'westeurope' });
   * account.addPrivateEndpoint({ subnet: endpoints, privateDnsZone: blobZone });
   */
  public static fromName(scope: Construct, id: string, props: SubnetImportProps): ISubnet {
    return new ImportedSubnet(scope, id, props);
  }

  public readonly azureName: string;
  public readonly addressPrefix: CidrBlock;
  public readonly location?: string;
  /** Services the subnet is delegated to. */
  public readonly delegations: readonly string[];
  /** The ASO object. */
  public readonly apiObject: VirtualNetworksSubnet;

  public constructor(scope: Construct, id: string, props: SubnetProps) {
    super(scope, id, props);
    this.azureName = checkString(this, 'name', props.name, AzureNames.subnet);
    const owner = this.ownerOf('virtualNetwork', props.virtualNetwork, 'a VirtualNetwork', ARM_RESOURCE_ID);
    const vnet = typeof props.virtualNetwork === 'string' ? undefined : props.virtualNetwork;
    if (owner.armId && !/\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+$/i.test(owner.armId)) {
      throw propError(this, 'virtualNetwork', `"${owner.armId}" is not the ARM resource ID of a virtual network`);
    }
    this.location = vnet?.location;
    this.addressPrefix = parseCidr(this, 'addressPrefix', props.addressPrefix, 8, 29);
    if (vnet?.addressSpace && !vnet.addressSpace.some((b) => contains(b, this.addressPrefix))) {
      throw propError(this, 'addressPrefix', `"${this.addressPrefix.text}" is not inside the address space of ${vnet.name} (${vnet.addressSpace.map((b) => b.text).join(', ')})`);
    }
    if (vnet && typeof (vnet as VirtualNetwork)._registerSubnet === 'function') (vnet as VirtualNetwork)._registerSubnet(this, 'addressPrefix');
    this.delegations = [...(props.delegations ?? [])];
    this.delegations.forEach((d, i) => checkString(this, `delegations[${i}]`, d, DELEGATION));
    const parentName = vnet ? vnet.name : owner.armId!.split('/').pop()!.toLowerCase();
    const name = props.kubernetesName ?? childKubernetesName(parentName, this.azureName);
    this.apiObject = new VirtualNetworksSubnet(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: {
        azureName: this.azureName,
        owner,
        addressPrefix: this.addressPrefix.text,
        defaultOutboundAccess: props.defaultOutboundAccess ?? false,
        delegations: this.delegations.length ? this.delegations.map((s) => ({ name: s.split('/').join('-'), serviceName: s })) : undefined,
        serviceEndpoints: props.serviceEndpoints?.map((service) => ({ service })),
      },
    });
    this.bind(this.apiObject, props.removalPolicy ?? RemovalPolicy.DESTROY);
  }
}

/** A subnet (a {@link Subnet} construct, or an import). */
export interface ISubnet extends IAsoResource {
  /** Services the subnet is delegated to, when known. */
  readonly delegations?: readonly string[];
}

class ImportedSubnet extends ImportedAsoResource implements ISubnet {
  public readonly delegations?: readonly string[];

  public constructor(scope: Construct, id: string, props: SubnetImportProps) {
    super(scope, id, { apiGroup: 'network.azure.com', kind: 'VirtualNetworksSubnet', azureNameRule: AzureNames.subnet }, props);
    this.delegations = props.delegations?.map((d, i) => checkString(this, `delegations[${i}]`, d, DELEGATION));
  }
}
