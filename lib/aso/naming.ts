import { IConstruct } from 'constructs';
import { checkString, DNS_SUBDOMAIN, propError, StringRule } from '../core/errors';

/**
 * Azure naming rules of the resources this family creates, checked when a construct is created
 * (`checkString`), so a bad name fails at synth with the construct path and prop instead of hours
 * later in ASO's status. Sources: "Naming rules and restrictions for Azure resources"
 * (learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules).
 */
export const AzureNames = {
  /** Microsoft.Resources/resourceGroups. */
  resourceGroup: {
    min: 1,
    max: 90,
    pattern: /^[-\w.()]*[-\w()]$/,
    description: '1-90 letters, digits, underscores, hyphens, periods and parentheses, not ending with a period',
  },
  /** Microsoft.Storage/storageAccounts. */
  storageAccount: {
    min: 3,
    max: 24,
    pattern: /^[a-z0-9]+$/,
    description: '3-24 lowercase letters and digits',
  },
  /** Microsoft.Storage/storageAccounts/blobServices/containers. */
  blobContainer: {
    min: 3,
    max: 63,
    pattern: /^[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$/,
    description: '3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, without consecutive hyphens',
  },
  /** Microsoft.DBforPostgreSQL/flexibleServers. */
  postgresServer: {
    min: 3,
    max: 63,
    pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
    description: '3-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen',
  },
  /** Microsoft.DBforPostgreSQL/flexibleServers/databases (PostgreSQL identifiers). */
  postgresDatabase: {
    min: 1,
    max: 63,
    pattern: /^[a-zA-Z_][a-zA-Z0-9_]*$/,
    description: '1-63 letters, digits and underscores, starting with a letter or underscore',
  },
  /** Microsoft.DBforPostgreSQL/flexibleServers/firewallRules. */
  postgresFirewallRule: {
    min: 1,
    max: 128,
    pattern: /^[-\w]+$/,
    description: '1-128 letters, digits, hyphens and underscores',
  },
  /** Microsoft.DBforPostgreSQL/flexibleServers/configurations (server parameters). */
  postgresConfiguration: {
    min: 1,
    max: 128,
    pattern: /^[a-z_][a-z0-9_.]*$/,
    description: 'a server parameter name such as "pgaudit.log"',
  },
  /** Microsoft.ManagedIdentity/userAssignedIdentities. */
  userAssignedIdentity: {
    min: 3,
    max: 128,
    pattern: /^[a-zA-Z0-9][-\w]*$/,
    description: '3-128 letters, digits, hyphens and underscores, starting with a letter or digit',
  },
  /** Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials. */
  federatedIdentityCredential: {
    min: 3,
    max: 120,
    pattern: /^[a-zA-Z0-9][-\w]*$/,
    description: '3-120 letters, digits, hyphens and underscores, starting with a letter or digit',
  },
  /** Microsoft.KeyVault/vaults. */
  keyVault: {
    min: 3,
    max: 24,
    pattern: /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$/,
    description: '3-24 letters, digits and hyphens, starting with a letter, ending with a letter or digit, without consecutive hyphens',
  },
  /** Microsoft.Network/virtualNetworks. */
  virtualNetwork: {
    min: 2,
    max: 64,
    pattern: /^[a-zA-Z0-9]([-\w.]*\w)?$/,
    description: '2-64 letters, digits, underscores, periods and hyphens, starting with a letter or digit and ending with a letter, digit or underscore',
  },
  /** Microsoft.Network/virtualNetworks/subnets. */
  subnet: {
    min: 1,
    max: 80,
    pattern: /^[a-zA-Z0-9]([-\w.]*\w)?$/,
    description: '1-80 letters, digits, underscores, periods and hyphens, starting with a letter or digit and ending with a letter, digit or underscore',
  },
  /** Microsoft.Network/privateDnsZones (a DNS name of at least two labels, lowercase here). */
  privateDnsZone: {
    min: 3,
    max: 253,
    pattern: /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    description: 'a DNS zone name such as "privatelink.blob.core.windows.net" (lowercase labels of letters, digits and hyphens, separated by ".")',
  },
  /** Microsoft.Network/privateDnsZones/virtualNetworkLinks. */
  privateDnsZoneLink: {
    min: 1,
    max: 80,
    pattern: /^[a-zA-Z0-9]([-\w.]*\w)?$/,
    description: '1-80 letters, digits, underscores, periods and hyphens, starting with a letter or digit and ending with a letter, digit or underscore',
  },
  /** Microsoft.Network/privateEndpoints. */
  privateEndpoint: {
    min: 2,
    max: 64,
    pattern: /^[a-zA-Z0-9]([-\w.]*\w)?$/,
    description: '2-64 letters, digits, underscores, periods and hyphens, starting with a letter or digit and ending with a letter, digit or underscore',
  },
} satisfies Record<string, StringRule>;

/**
 * The Kubernetes `metadata.name` of an ASO resource: `kubernetesName` when given, else the Azure
 * name when it is a valid DNS subdomain (ASO then uses it as the Azure name), else an error
 * asking for `kubernetesName` (Azure names may contain uppercase letters, underscores and
 * parentheses, Kubernetes names may not).
 */
export function kubernetesNameFor(scope: IConstruct, azureName: string, kubernetesName?: string): string {
  if (kubernetesName !== undefined) return checkString(scope, 'kubernetesName', kubernetesName, DNS_SUBDOMAIN);
  if (DNS_SUBDOMAIN.pattern!.test(azureName) && azureName.length <= 253) return azureName;
  throw propError(
    scope,
    'kubernetesName',
    `is required because the Azure name "${azureName}" is not a valid Kubernetes object name; ` +
      `set it to ${DNS_SUBDOMAIN.description}`,
  );
}

/**
 * A Kubernetes object name for a child resource: `<parent>-<child>` lowercased, characters other
 * than letters, digits, "-" and "." replaced by "-", and runs of "-" and "." that are not a single
 * "." or only "-" (".-", "-.", "..") replaced by "-", so the result is an RFC 1123 subdomain
 * (e.g. database `files_db` of server `files-pg` → `files-pg-files-db`; subnet `0.-a` of network
 * `vnet` → `vnet-0-a`; parameter `pgaudit._x` → `<server>-pgaudit-x`).
 */
export function childKubernetesName(parent: string, child: string): string {
  const c = child.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return `${parent}-${c}`.replace(/[-.]{2,}/g, (run) => (run.includes('.') ? '-' : run)).slice(0, 253).replace(/[-.]+$/, '');
}

/** An ARM resource ID of a resource group: `/subscriptions/<guid>/resourceGroups/<name>`. */
export const RESOURCE_GROUP_ARM_ID = /^\/subscriptions\/[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\/resourceGroups\/[-\w.()]*[-\w()]$/i;

/** Any ARM resource ID: `/subscriptions/<guid>/resourceGroups/<rg>/providers/<ns>/<type>/<name>[/...]`. */
export const ARM_RESOURCE_ID = /^\/subscriptions\/[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\/resourceGroups\/[^/]+\/providers\/[^/]+(\/[^/]+\/[^/]+)+$/i;

/** A GUID (tenant, subscription, client IDs). */
export const GUID = /^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$/;

/** Checks an optional `subscriptionId` prop (a GUID); returns it lowercased. */
export function checkSubscriptionId(scope: IConstruct, id: string | undefined): string | undefined {
  return id === undefined ? undefined : checkString(scope, 'subscriptionId', id, { pattern: GUID, description: 'a subscription ID (GUID)' }).toLowerCase();
}

/** An Azure region name such as `westeurope`. */
export const AZURE_LOCATION: StringRule = {
  min: 1,
  max: 64,
  pattern: /^[a-z][a-z0-9]*$/,
  description: 'an Azure region name such as "westeurope" (lowercase letters and digits)',
};

/** Matches nothing: for owners that must be constructs (no ARM resource ID accepted). */
export const NO_ARM_ID = /(?!)/;
