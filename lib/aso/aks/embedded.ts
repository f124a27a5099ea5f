// Metadata of ASO resources: the per-resource credential and the removal policy.
import { ASO_RECONCILE_POLICY_ANNOTATION, RemovalPolicy, removalPolicyAnnotations } from '../../core/removal-policy';

/** ASO's per-resource credential annotation: the name of a Secret in the resource's namespace. */
export const ASO_CREDENTIAL_FROM_ANNOTATION = 'serviceoperator.azure.com/credential-from';

/**
 * Annotations of an ASO resource embedded in a CAPZ object (`spec.resources`): the credential
 * Secret, and the ASO reconcile policy of `policy` when given.
 *
 * CAPZ server-side-applies each embedded resource as written (annotations included, plus an owner
 * reference to the CAPZ object) and deletes it when the CAPZ object is deleted or the resource is
 * removed from `spec.resources`; ASO then honours `serviceoperator.azure.com/reconcile-policy`
 * (`detach-on-delete` keeps the Azure resource). Flux never applies embedded resources, so Flux's
 * prune annotation is meaningless there and is left out: retention of the CAPI objects themselves
 * is carried by the prune annotation on the top-level objects.
 */
export function embeddedAsoAnnotations(apiVersion: string, credentialSecretName?: string, policy?: RemovalPolicy): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (credentialSecretName) out[ASO_CREDENTIAL_FROM_ANNOTATION] = credentialSecretName;
  if (policy !== undefined) {
    const aso = removalPolicyAnnotations(policy, apiVersion)[ASO_RECONCILE_POLICY_ANNOTATION];
    if (aso !== undefined && aso !== 'manage') out[ASO_RECONCILE_POLICY_ANNOTATION] = aso;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
