import { Construct } from 'constructs';
import { FlexibleServersFirewallRule } from '../../imports/aso/dbforpostgresql.azure.com';
import { checkString, propError } from '../core/errors';
import { RemovalPolicy } from '../core/removal-policy';
import { AsoResource, AsoResourceProps } from './aso-resource';
import { ipv4ToNumber } from './cidr';
import { AzureNames, childKubernetesName, NO_ARM_ID } from './naming';
import type { PostgresFlexibleServer } from './postgres-flexible-server';

/** Options of a firewall rule added with `PostgresFlexibleServer.firewallRule()`. */
export interface PostgresFirewallRuleOptions extends AsoResourceProps {
  /** First IPv4 address allowed. `0.0.0.0`-`0.0.0.0` allows all Azure services. */
  readonly startIpAddress: string;
  /**
   * Last IPv4 address allowed.
   * @default - `startIpAddress` (a single address)
   */
  readonly endIpAddress?: string;
  /**
   * `metadata.name` of the ASO object.
   * @default - `<server kubernetes name>-<name>` (lowercased, `_` replaced by `-`)
   */
  readonly kubernetesName?: string;
  /**
   * Removal policy. A firewall rule holds no data: removing it from the app deletes it in Azure.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Props of a {@link PostgresFirewallRule}. */
export interface PostgresFirewallRuleProps extends PostgresFirewallRuleOptions {
  /** The server (a construct in the same namespace). */
  readonly server: PostgresFlexibleServer;
  /** Rule name: 1-128 letters, digits, hyphens and underscores. */
  readonly name: string;
}

/**
 * A firewall rule of a PostgreSQL flexible server (ASO `FlexibleServersFirewallRule`). Adding
 * one switches the server's public network access on.
 *
 * Removal: `DESTROY` by default (no data).
 *
 * @example
 * // Through the server (switches its public network access on):
 * server.firewallRule('aks-egress', { startIpAddress: '20.50.10.10' });
 * // or directly, for a range:
 * new PostgresFirewallRule(server, 'office', { server, name: 'office', startIpAddress: '203.0.113.0', endIpAddress: '203.0.113.255' });
 */
export class PostgresFirewallRule extends AsoResource {
  public readonly azureName: string;
  /** The ASO object. */
  public readonly apiObject: FlexibleServersFirewallRule;

  public constructor(scope: Construct, id: string, props: PostgresFirewallRuleProps) {
    super(scope, id, props);
    this.azureName = checkString(this, 'name', props.name, AzureNames.postgresFirewallRule);
    const owner = this.ownerOf('server', props.server, 'a PostgresFlexibleServer', NO_ARM_ID);
    const start = ipv4ToNumber(props.startIpAddress);
    if (start === undefined) throw propError(this, 'startIpAddress', `"${props.startIpAddress}" is not an IPv4 address`);
    const endText = props.endIpAddress ?? props.startIpAddress;
    const end = ipv4ToNumber(endText);
    if (end === undefined) throw propError(this, 'endIpAddress', `"${endText}" is not an IPv4 address`);
    if (end < start) throw propError(this, 'endIpAddress', `"${endText}" is before startIpAddress "${props.startIpAddress}"`);
    this.apiObject = new FlexibleServersFirewallRule(this, 'Resource', {
      metadata: { name: props.kubernetesName ?? childKubernetesName(props.server.name, this.azureName), namespace: this.namespace },
      spec: { azureName: this.azureName, owner, startIpAddress: props.startIpAddress, endIpAddress: endText },
    });
    this.bind(this.apiObject, props.removalPolicy ?? RemovalPolicy.DESTROY);
    if (typeof props.server._addFirewallRule === 'function') props.server._addFirewallRule(this);
  }
}
