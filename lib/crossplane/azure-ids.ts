/** Azure id patterns shared by the upjet-azure constructs (internal: not exported from the index). */

/** A GUID (subscription, tenant, principal, role or policy definition id). */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
