import { Construct } from 'constructs';
import { VirtualNetwork as VirtualNetworkL1 } from '../../imports/aso/network.azure.com';
import { checkString, propError } from '../core/errors';
import { RemovalPolicy } from '../core/removal-policy';
import { AsoResource, AsoResourceImportProps, AsoResourceProps, checkTags, IAsoResource, ImportedAsoResource } from './aso-resource';
import { CidrBlock, overlaps, parseCidr } from './cidr';
import { AzureNames, kubernetesNameFor, RESOURCE_GROUP_ARM_ID } from './naming';
import { IResourceGroup } from './resource-group';
import { GrantOptions, grantRole, IPrincipal, RoleAssignment } from './role-assignment';
import { Subnet, SubnetOptions } from './subnet';

/** A virtual network. */
export interface IVirtualNetwork extends IAsoResource {
  /** Its address space, when known (subnets are checked against it). */
  readonly addressSpace?: readonly CidrBlock[];
}

/** Props of {@link VirtualNetwork.fromName}. */
export interface VirtualNetworkImportProps extends AsoResourceImportProps {
  /**
   * Its address space, when known: subnets created with it as owner are checked against it.
   * @default - unknown (not checked)
   */
  readonly addressSpace?: string[];
}

/** Props of a {@link VirtualNetwork}. */
export interface VirtualNetworkProps extends AsoResourceProps {
  /** Name in Azure: 2-64 letters, digits, underscores, periods and hyphens. */
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
  /** Address space: non-overlapping IPv4 CIDR blocks (prefix /8 to /29), e.g. `['10.20.0.0/16']`. */
  readonly addressSpace: string[];
  /**
   * Custom DNS servers.
   * @default - Azure-provided DNS
   */
  readonly dnsServers?: string[];
  /**
   * Azure tags.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Removal policy. A virtual network holds no data (Azure refuses to delete one still in use).
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An Azure virtual network (ASO `network.azure.com` `VirtualNetwork`). Add subnets with
 * {@link subnet}; their prefixes are checked to lie in the address space and not to overlap.
 *
 * Removal: `DESTROY` by default (no data; Azure refuses to delete a network in use).
 *
 * @example
 * const vnet = new VirtualNetwork(folder, 'vnet', { name: 'vnet-files', resourceGroup: rg, addressSpace: ['10.20.0.0/16'] });
 * vnet.subnet('aks', { addressPrefix: '10.20.0.0/22' });
 * vnet.subnet('pg', { addressPrefix: '10.20.4.0/24', delegations: ['Microsoft.DBforPostgreSQL/flexibleServers'] });
 */
export class VirtualNetwork extends AsoResource implements IVirtualNetwork {
  /**
   * A VirtualNetwork ASO object another app or team owns (not created by this app): declared as
   * provided, so references to it (subnet owners, DNS zone links) resolve.
   *
   * @example
   * const hub = VirtualNetwork.fromName(folder, 'hub', { name: 'vnet-hub', location: 'westeurope', addressSpace: ['10.0.0.0/16'] });
   * new Subnet(folder, 'snet', { virtualNetwork: hub, name: 'snet-files', addressPrefix: '10.0.8.0/24' });
   */
  public static fromName(scope: Construct, id: string, props: VirtualNetworkImportProps): IVirtualNetwork {
    return new ImportedVirtualNetwork(scope, id, props);
  }

  public readonly azureName: string;
  public readonly location: string;
  public readonly addressSpace: readonly CidrBlock[];
  /** The ASO object. */
  public readonly apiObject: VirtualNetworkL1;
  private readonly _subnets: Subnet[] = [];

  public constructor(scope: Construct, id: string, props: VirtualNetworkProps) {
    super(scope, id, props);
    this.azureName = checkString(this, 'name', props.name, AzureNames.virtualNetwork);
    const name = kubernetesNameFor(this, this.azureName, props.kubernetesName);
    const owner = this.ownerOf('resourceGroup', props.resourceGroup, 'a ResourceGroup', RESOURCE_GROUP_ARM_ID);
    this.location = this.locationOf(props.location, props.resourceGroup);
    if (!Array.isArray(props.addressSpace) || props.addressSpace.length === 0) {
      throw propError(this, 'addressSpace', 'must list at least one IPv4 CIDR block, e.g. ["10.20.0.0/16"]');
    }
    const blocks = props.addressSpace.map((c, i) => parseCidr(this, `addressSpace[${i}]`, c, 8, 29));
    blocks.forEach((b, i) => blocks.slice(0, i).forEach((a) => {
      if (overlaps(a, b)) throw propError(this, `addressSpace[${i}]`, `"${b.text}" overlaps "${a.text}"`);
    }));
    this.addressSpace = blocks;
    this.apiObject = new VirtualNetworkL1(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: {
        azureName: name === this.azureName ? undefined : this.azureName,
        owner,
        location: this.location,
        addressSpace: { addressPrefixes: blocks.map((b) => b.text) },
        dhcpOptions: props.dnsServers ? { dnsServers: props.dnsServers } : undefined,
        tags: checkTags(this, props.tags),
      },
    });
    this.bind(this.apiObject, props.removalPolicy ?? RemovalPolicy.DESTROY);
  }

  /** Subnets added with {@link subnet} or created with this network as owner. */
  public get subnets(): readonly Subnet[] {
    return [...this._subnets];
  }

  /** Adds a subnet (construct id `Subnet-<name>`, in the network's namespace unless `options.namespace` is given). */
  public subnet(name: string, options: SubnetOptions): Subnet {
    const id = this.childId('Subnet', 'subnet', name, AzureNames.subnet);
    return new Subnet(this, id, { ...options, namespace: options.namespace ?? this.namespace, name, virtualNetwork: this });
  }

  /** @internal called by Subnet: checks the new subnet against the existing ones. */
  public _registerSubnet(subnet: Subnet, prop: string): void {
    for (const other of this._subnets) {
      if (overlaps(other.addressPrefix, subnet.addressPrefix)) {
        throw propError(subnet, prop, `"${subnet.addressPrefix.text}" overlaps subnet "${other.azureName}" (${other.addressPrefix.text}, ${other.node.path})`);
      }
    }
    this._subnets.push(subnet);
  }

  /**
   * Grants `principal` the role `role` ({@link AzureBuiltInRole} or a custom role's GUID) on this
   * virtual network: a {@link RoleAssignment} child, see {@link grantRole}.
   */
  public grant(principal: IPrincipal, role: string, options?: GrantOptions): RoleAssignment {
    return grantRole(this, principal, role, options);
  }
}

class ImportedVirtualNetwork extends ImportedAsoResource implements IVirtualNetwork {
  public readonly addressSpace?: readonly CidrBlock[];

  public constructor(scope: Construct, id: string, props: VirtualNetworkImportProps) {
    super(scope, id, { apiGroup: 'network.azure.com', kind: 'VirtualNetwork', azureNameRule: AzureNames.virtualNetwork }, props);
    this.addressSpace = props.addressSpace?.map((c, i) => parseCidr(this, `addressSpace[${i}]`, c, 8, 29));
  }
}
