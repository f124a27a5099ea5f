/** Azure id patterns shared by the upjet-azure constructs (internal: not exported from the index). */

/** A GUID (subscription, tenant, principal, role or policy definition id): the core rule. */
export { AZURE_GUID as GUID } from '../core/azure-roles';
