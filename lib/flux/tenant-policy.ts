import { ApiObject } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { addReference } from '../core/references';
import { PlatformResource } from '../core/resource';
import { allConstructs, memoForSynthPass } from '../core/synth-pass';
import { nearestFolder } from './placement';
import { rbacClusterOf, sameCluster } from './tenant-rbac';

/**
 * The label {@link Tenant} writes on its namespace (value {@link TENANT_POLICY_VALUE}) and the
 * {@link TenantServicePolicy} binding selects namespaces by. Tenants cannot write Namespaces, so
 * they cannot remove it.
 */
export const TENANT_POLICY_LABEL = 'platform.cdk8s.io/tenant-policy';
/** The value of {@link TENANT_POLICY_LABEL} on tenant namespaces. */
export const TENANT_POLICY_VALUE = 'restricted';
/** Name of the ValidatingAdmissionPolicy (and its binding) refusing exposed Services in tenant namespaces. */
export const TENANT_SERVICE_POLICY = 'cdk8s-platform-tenant-services';

/** The Service types tenants may not create: each one opens a port on every node or an Azure load balancer. */
export const REFUSED_SERVICE_TYPES = ['LoadBalancer', 'NodePort'] as const;

/** The CEL validation of the {@link TenantServicePolicy}: evaluated by the API server, and by synth. */
export const TENANT_SERVICE_VALIDATION = {
  expression: `!has(object.spec) || !has(object.spec.type) || !(object.spec.type in [${REFUSED_SERVICE_TYPES.map((t) => `'${t}'`).join(', ')}])`,
  message: 'Services of type LoadBalancer or NodePort are not allowed in tenant namespaces: use ClusterIP and expose it through the shared ingress controller',
  messageExpression: "'Service type ' + object.spec.type + ' is not allowed in tenant namespaces: use ClusterIP and expose it through the shared ingress controller'",
  reason: 'Forbidden',
} as const;

/** The validations of the {@link TenantServicePolicy}, each with the field it is about (for synth's messages). */
const VALIDATIONS_WITH_FIELDS: ReadonlyArray<{ readonly field: string; readonly validation: { readonly expression: string; readonly message: string; readonly messageExpression?: string; readonly reason: string } }> = [
  { field: 'spec.type', validation: TENANT_SERVICE_VALIDATION },
  { field: 'spec.externalIPs', validation: {
    expression: '!has(object.spec) || !has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0',
    message: 'Services with spec.externalIPs are not allowed in tenant namespaces: they take the traffic for those IPs on every node (CVE-2020-8554); use ClusterIP and expose it through the shared ingress controller',
    reason: 'Forbidden',
  } },
  { field: 'spec.type', validation: {
    expression: "!has(object.spec) || !has(object.spec.type) || object.spec.type != 'ExternalName'",
    message: 'Services of type ExternalName are not allowed in tenant namespaces: behind the shared ingress controller they reach other namespaces\' Services (CVE-2021-25740); use ClusterIP',
    reason: 'Forbidden',
  } },
];
/**
 * Every CEL validation of the {@link TenantServicePolicy}, in the order the API server reports
 * them: the refused types ({@link TENANT_SERVICE_VALIDATION}); `spec.externalIPs`, with which a
 * Service takes the traffic for any IP on every node, another tenant's or the platform's included
 * (CVE-2020-8554, kubernetes/kubernetes#97076; AKS does not block it); and type `ExternalName`,
 * which behind the shared ingress controller (that every tenant's NetworkPolicy lets in) reaches
 * other namespaces' Services (CVE-2021-25740, kubernetes/kubernetes#103675).
 */
export const TENANT_SERVICE_VALIDATIONS = VALIDATIONS_WITH_FIELDS.map((v) => v.validation);

/**
 * A ValidatingAdmissionPolicy and its binding of the same name (cluster-scoped), the binding
 * referring to the policy: what {@link TenantServicePolicy} and {@link TenantGuardrailPolicy} share.
 * Subclass it for a policy of your own.
 *
 * @example
 * class RefuseHostPath extends AdmissionPolicyPair {
 *   public constructor(scope: Construct, id: string) {
 *     super(scope, id, 'refuse-host-path', () => ({
 *       policy: {
 *         failurePolicy: 'Fail',
 *         matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] },
 *         validations: [{ expression: '!has(object.spec.volumes) || object.spec.volumes.all(v, !has(v.hostPath))', message: 'hostPath volumes are not allowed' }],
 *       },
 *       binding: { validationActions: ['Deny'] },
 *     }));
 *   }
 * }
 */
export abstract class AdmissionPolicyPair extends PlatformResource {
  /** The ValidatingAdmissionPolicy. */
  public readonly apiObject: ApiObject;
  /** The ValidatingAdmissionPolicyBinding. */
  public readonly binding: ApiObject;

  /** `specs` is called once the name is checked (it may check more props first). */
  protected constructor(scope: Construct, id: string, name: string, specs: () => { policy: Record<string, unknown>; binding: Record<string, unknown> }) {
    super(scope, id);
    checkString(this, 'name', name, DNS_SUBDOMAIN);
    const spec = specs.call(this);
    this.apiObject = new ApiObject(this, 'Policy', { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name }, spec: spec.policy });
    this.binding = new ApiObject(this, 'Binding', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name },
      spec: { policyName: name, ...spec.binding },
    });
    addReference(this.binding, 'policyName', { apiGroup: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy', name });
  }

  /** Always undefined: a ValidatingAdmissionPolicy is cluster-scoped. */
  public override get namespace(): string | undefined {
    return undefined;
  }
}

/** Props of a {@link TenantServicePolicy}. */
export interface TenantServicePolicyProps {
  /** Name of the ValidatingAdmissionPolicy and of its binding. @default 'cdk8s-platform-tenant-services' */
  readonly name?: string;
}

/**
 * A ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, CEL) and its binding refusing
 * Services of type LoadBalancer, NodePort and ExternalName, and Services with `externalIPs`
 * ({@link TENANT_SERVICE_VALIDATIONS}), in every namespace labelled
 * `platform.cdk8s.io/tenant-policy: restricted` (what {@link Tenant} writes), with
 * `validationActions: [Deny]`. RBAC cannot look at a Service's type; this policy can, so tenants
 * may write Services. A refused apply fails the tenant's Flux Kustomization with the policy's
 * message, which its Alert sends to the team's channel. Emit it once per cluster:
 * {@link SystemsSync} does, and {@link Tenant} does in its folder unless told otherwise.
 *
 * @example
 * // Once per cluster; tenants in other folders then skip their own copy
 * new TenantServicePolicy(repo.folder('clusters/prod/policies'), 'tenant-services');
 * new Tenant(folder, 'team-alpha', { name: 'team-alpha', repository: { url: 'https://github.com/contoso/team-alpha' }, defineServicePolicy: false });
 */
export class TenantServicePolicy extends AdmissionPolicyPair {
  public constructor(scope: Construct, id: string, props: TenantServicePolicyProps = {}) {
    super(scope, id, props.name ?? TENANT_SERVICE_POLICY, () => ({
      policy: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['services'] }],
        },
        validations: TENANT_SERVICE_VALIDATIONS.map((v) => ({ ...v })),
      },
      binding: { validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { [TENANT_POLICY_LABEL]: TENANT_POLICY_VALUE } } } },
    }));
    this.node.addValidation({ validate: () => nodePortSolverProblems(this) });
  }
}

/**
 * ACME ClusterIssuers of the policy's cluster whose HTTP-01 ingress solver leaves `serviceType`
 * unset: cert-manager then creates the solver's Service as a NodePort in the namespace of the
 * Certificate (cert-manager `pkg/issuer/acme/http/service.go` `buildService`; API: "If unset,
 * defaults to NodePort"), which the policy refuses in tenant namespaces, so a tenant's
 * certificate never issues.
 */
function nodePortSolverProblems(policy: TenantServicePolicy): string[] {
  const root = policy.node.root;
  const cluster = rbacClusterOf(root, nearestFolder(policy));
  const problems: string[] = [];
  for (const issuer of memoForSynthPass(NODE_PORT_SOLVERS, root, () => nodePortSolvers(root))) {
    if (!sameCluster(cluster, issuer.cluster)) continue;
    for (const { index, serviceType } of issuer.solvers) {
      problems.push(
        `${issuer.obj.node.path}: ClusterIssuer/${issuer.obj.name}: spec.acme.solvers[${index}].http01.ingress.serviceType: ${serviceType === undefined ? 'unset, so cert-manager creates' : `${serviceType} makes cert-manager create`} ` +
          `the HTTP-01 solver Service as a NodePort in the Certificate's namespace, which this ValidatingAdmissionPolicy ("${policy.name}") refuses in tenant namespaces, so a tenant's certificate never issues; set serviceType: ClusterIP`,
      );
    }
  }
  return problems;
}

const NODE_PORT_SOLVERS = Symbol('ClusterIssuers with NodePort HTTP-01 solvers');

/**
 * The app's cert-manager ClusterIssuers with an HTTP-01 ingress solver whose `serviceType` is not
 * ClusterIP, with their cluster: found once per synth pass (a Tenant emits a policy per folder, and
 * each walking the app was quadratic in the tenant folders).
 */
function nodePortSolvers(root: IConstruct): Array<{ obj: ApiObject; cluster: ReturnType<typeof rbacClusterOf>; solvers: Array<{ index: number; serviceType?: string }> }> {
  const out: ReturnType<typeof nodePortSolvers> = [];
  for (const c of allConstructs(root)) {
    if (!(c instanceof ApiObject) || c.kind !== 'ClusterIssuer' || !c.apiVersion.startsWith('cert-manager.io/')) continue;
    const solvers = ((c.toJson().spec?.acme?.solvers ?? []) as Array<Record<string, any>>)
      .map((s, index) => ({ index, ingress: s?.http01?.ingress }))
      .filter((s) => s.ingress && s.ingress.serviceType !== 'ClusterIP')
      .map((s) => ({ index: s.index, serviceType: s.ingress.serviceType as string | undefined }));
    if (solvers.length > 0) out.push({ obj: c, cluster: rbacClusterOf(root, nearestFolder(c)), solvers });
  }
  return out;
}

/** What synth binds when it evaluates the policy's CEL against a tenant's Service (see {@link checkTenantService}). */
export interface TenantServiceRequest {
  /** The Service as applied (namespace set to the tenant namespace, as Flux's `targetNamespace` does). */
  readonly object: Record<string, any>;
  /** The tenant's Namespace object. */
  readonly namespaceObject: Record<string, any>;
  /** The user Flux applies as: `system:serviceaccount:<namespace>:<account>`. */
  readonly username: string;
}

/** The CEL variables synth binds for one Service (see {@link checkTenantService}). */
export function tenantServiceVariables(req: TenantServiceRequest): Record<string, unknown> {
  const meta = req.object.metadata ?? {};
  return {
    object: req.object,
    oldObject: null,
    params: null,
    namespaceObject: req.namespaceObject,
    request: {
      operation: 'CREATE',
      kind: { group: '', version: 'v1', kind: 'Service' },
      resource: { group: '', version: 'v1', resource: 'services' },
      name: meta.name,
      namespace: meta.namespace,
      userInfo: { username: req.username },
      dryRun: false,
    },
  };
}

/**
 * Evaluates {@link TENANT_SERVICE_VALIDATIONS} (the first failing one wins) against one Service with the CEL evaluator of the
 * schema validation, binding the variables a ValidatingAdmissionPolicy sees on the create Flux's
 * server-side apply turns into: `object` (the Service), `oldObject` (null: a create),
 * `request` (operation CREATE, kind, resource, name, namespace, userInfo.username, dryRun false),
 * `namespaceObject` (the tenant Namespace) and `params` (null: the policy has no paramKind).
 * `variables` (none declared) and `authorizer` (needs the cluster) are not bound.
 * Returns undefined when the Service is allowed, else the refusal message.
 */
export function checkTenantService(req: TenantServiceRequest): string | undefined {
  return tenantServiceRefusal(req)?.message;
}

/** As {@link checkTenantService}, with the field the refusing validation is about (`spec.type`, `spec.externalIPs`). */
export function tenantServiceRefusal(req: TenantServiceRequest): { readonly field: string; readonly message: string } | undefined {
  // Loaded on first use, like the app's validation: apps without tenants never load CEL.
  const { evaluateCelExpression } = require('../core/validation/cel') as typeof import('../core/validation/cel');
  const vars = tenantServiceVariables(req);
  for (const { field, validation: v } of VALIDATIONS_WITH_FIELDS) {
    const res = evaluateCelExpression(v.expression, vars);
    if ('error' in res) return { field, message: `the policy's expression could not be evaluated: ${res.error}` };
    if (typeof res.value !== 'boolean') return { field, message: 'the policy\'s expression did not evaluate to a bool' };
    if (res.value) continue;
    const msg = v.messageExpression !== undefined ? evaluateCelExpression(v.messageExpression, vars) : undefined;
    return { field, message: msg && 'value' in msg && typeof msg.value === 'string' ? msg.value : v.message };
  }
  return undefined;
}

/**
 * The label on the objects the platform puts in a tenant namespace that tenants must not change
 * (the default-deny NetworkPolicy: the tenant role may write NetworkPolicies, so that a team can
 * open its own pods, and RBAC cannot exclude one object by name); value {@link TENANT_GUARDRAIL_VALUE}.
 */
export const TENANT_GUARDRAIL_LABEL = 'platform.cdk8s.io/guardrail';
/** The value of {@link TENANT_GUARDRAIL_LABEL}. */
export const TENANT_GUARDRAIL_VALUE = 'tenant';
/** Name of the ValidatingAdmissionPolicy (and its binding) keeping tenants from changing their guardrails. */
export const TENANT_GUARDRAIL_POLICY = 'cdk8s-platform-tenant-guardrails';

/** Props of a {@link TenantGuardrailPolicy}. */
export interface TenantGuardrailPolicyProps {
  /** Name of the ValidatingAdmissionPolicy and of its binding. @default 'cdk8s-platform-tenant-guardrails' */
  readonly name?: string;
  /**
   * The namespaces whose ServiceAccounts may still change and delete the guardrails: where the
   * platform's Kustomization applying the tenants runs (kustomize-controller, or the account it
   * impersonates). `kube-system`'s accounts (the namespace controller deleting a namespace's
   * objects, the garbage collector) and `system:masters` always may.
   * @default ['flux-system']
   */
  readonly platformNamespaces?: string[];
}

/**
 * The CEL validation of a {@link TenantGuardrailPolicy} for the given platform namespaces: true
 * (allowed) for the platform's ServiceAccounts, `kube-system`'s, `system:kube-controller-manager`
 * and `system:masters`.
 */
export function tenantGuardrailValidation(platformNamespaces: readonly string[]): { readonly expression: string; readonly message: string; readonly reason: string } {
  const prefixes = ['kube-system', ...platformNamespaces].map((ns) => `request.userInfo.username.startsWith('system:serviceaccount:${ns}:')`);
  return {
    expression: [...prefixes, "request.userInfo.username == 'system:kube-controller-manager'", "(has(request.userInfo.groups) && 'system:masters' in request.userInfo.groups)"].join(' || '),
    message: `this object is a guardrail the platform puts in tenant namespaces (label ${TENANT_GUARDRAIL_LABEL}: ${TENANT_GUARDRAIL_VALUE}): only the platform changes or deletes it, through its repo`,
    reason: 'Forbidden',
  };
}

/**
 * A ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, CEL) and its binding refusing to
 * update or delete a NetworkPolicy, ServiceAccount or SealedSecret labelled
 * `platform.cdk8s.io/guardrail: tenant` (the tenant's default-deny, its reconciler
 * ServiceAccount and the SealedSecrets of its Git and webhook credentials, which {@link Tenant}
 * labels so: the tenant role may write all three kinds) to anyone but the platform
 * ({@link TenantGuardrailPolicyProps.platformNamespaces}, `kube-system`, `system:masters`), with
 * `validationActions: [Deny]`. The tenant role lets a team write NetworkPolicies (they are
 * additive: a team can only open its own pods), ServiceAccounts and SealedSecrets, and RBAC cannot
 * leave out one object by name, so without it the team's ServiceAccount or members could delete
 * the default-deny and open the namespace, delete the reconciler's account (its sync, and the
 * prune when the tenant is removed, then fail: kustomize-controller cannot impersonate it), or
 * delete its Git or webhook credential (the sealed-secrets controller deletes the Secret with
 * it, and the alert about the broken sync is never sent), until the platform's next reconcile. Emit it once per cluster: {@link SystemsSync}
 * does, and {@link Tenant} does in its folder unless told otherwise.
 *
 * @example
 * new TenantGuardrailPolicy(repo.folder('clusters/prod/policies'), 'tenant-guardrails', { platformNamespaces: ['flux-system'] });
 */
export class TenantGuardrailPolicy extends AdmissionPolicyPair {
  public constructor(scope: Construct, id: string, props: TenantGuardrailPolicyProps = {}) {
    super(scope, id, props.name ?? TENANT_GUARDRAIL_POLICY, function (this: TenantGuardrailPolicy) {
      const platform = props.platformNamespaces ?? ['flux-system'];
      if (platform.length === 0) throw propError(this, 'platformNamespaces', 'must name the namespace the platform applies the tenants from (its changes to the guardrails would be refused)');
      platform.forEach((ns, i) => checkString(this, `platformNamespaces[${i}]`, ns, DNS_LABEL));
      return {
        policy: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [
              { apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], operations: ['UPDATE', 'DELETE'], resources: ['networkpolicies'] },
              // The tenant's reconciler account, and the platform's SealedSecrets there (Git and
              // webhook credentials); their status subresource (the sealed-secrets controller) is not matched.
              { apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE', 'DELETE'], resources: ['serviceaccounts'] },
              { apiGroups: ['bitnami.com'], apiVersions: ['v1alpha1'], operations: ['UPDATE', 'DELETE'], resources: ['sealedsecrets'] },
            ],
          },
          // The object as it is (oldObject: on DELETE object is null), so removing the label is refused too.
          matchConditions: [{
            name: 'tenant-guardrail',
            expression: `has(oldObject.metadata.labels) && '${TENANT_GUARDRAIL_LABEL}' in oldObject.metadata.labels && oldObject.metadata.labels['${TENANT_GUARDRAIL_LABEL}'] == '${TENANT_GUARDRAIL_VALUE}'`,
          }],
          validations: [{ ...tenantGuardrailValidation(platform) }],
        },
        binding: { validationActions: ['Deny'] },
      };
    });
  }
}
