import { isQuantity } from '../core/validation/quantity';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { TENANT_GUARDRAIL_LABEL, TENANT_GUARDRAIL_VALUE } from './tenant-policy';
import { checkString, DNS_LABEL, propError } from '../core/errors';

/**
 * Default hard limits of a tenant namespace's ResourceQuota: room for a few services of a team,
 * and **no** LoadBalancer or NodePort Services (`services.loadbalancers` / `services.nodeports`
 * 0: a second line behind the {@link TenantServicePolicy}).
 */
export const DEFAULT_TENANT_QUOTA: Readonly<Record<string, string>> = {
  'requests.cpu': '4',
  'requests.memory': '8Gi',
  'limits.cpu': '8',
  'limits.memory': '16Gi',
  'pods': '50',
  'services': '20',
  'services.loadbalancers': '0',
  'services.nodeports': '0',
  'persistentvolumeclaims': '10',
  'requests.storage': '100Gi',
};

/** A tenant namespace's ResourceQuota. */
export interface TenantResourceQuota {
  /**
   * Hard limits, merged over the defaults (a key set here replaces the default of that key).
   * @default DEFAULT_TENANT_QUOTA (4 CPU / 8Gi requested, 8 CPU / 16Gi limits, 50 pods, 20 Services, no LoadBalancer or NodePort Services, 10 PVCs / 100Gi)
   */
  readonly hard?: Record<string, string>;
}

/** A tenant namespace's LimitRange (per container). */
export interface TenantLimitRange {
  /** Requests of containers that set none (needed: the quota limits requests). @default { cpu: '100m', memory: '128Mi' } */
  readonly defaultRequest?: Record<string, string>;
  /** Limits of containers that set none (needed: the quota limits limits). @default { cpu: '500m', memory: '512Mi' } */
  readonly defaultLimit?: Record<string, string>;
  /** Largest limits a container may set. @default { cpu: '2', memory: '4Gi' } */
  readonly max?: Record<string, string>;
}

/** A tenant namespace's default-deny NetworkPolicy and its allowances. */
export interface TenantNetworkPolicy {
  /**
   * Namespaces whose pods may reach the tenant's pods (the shared ingress controller, Prometheus),
   * selected by their `kubernetes.io/metadata.name` label.
   * @default - none (only pods of the tenant namespace)
   */
  readonly ingressFromNamespaces?: string[];
  /**
   * More egress rules (`networking.k8s.io/v1` NetworkPolicyEgressRule objects), e.g. to a
   * database subnet `{ to: [{ ipBlock: { cidr: '10.20.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5432 }] }`.
   * @default - none (only the tenant namespace and DNS)
   */
  readonly egress?: Array<Record<string, unknown>>;
  /** Namespace of the cluster DNS. @default 'kube-system' */
  readonly dnsNamespace?: string;
  /** Labels of the cluster DNS pods (CoreDNS on AKS is labelled `k8s-app: kube-dns`). @default { 'k8s-app': 'kube-dns' } */
  readonly dnsPodLabels?: Record<string, string>;
}

const NAME_LABEL = 'kubernetes.io/metadata.name';

/** What {@link addTenantGuardrails} emits in one namespace; each piece `false` to leave it out. */
export interface TenantGuardrailsProps {
  /** Tenant name (object names are `<name>-quota`, `<name>-limits`, `<name>-default-deny`). */
  readonly name: string;
  /** The tenant namespace. */
  readonly namespace: string;
  /** Labels of every object. */
  readonly labels: Record<string, string>;
  /** The ResourceQuota, or false for none. */
  readonly resourceQuota: TenantResourceQuota | false;
  /** The LimitRange, or false for none. */
  readonly limitRange: TenantLimitRange | false;
  /** The NetworkPolicy, or false for none. */
  readonly networkPolicy: TenantNetworkPolicy | false;
}

/** The guardrail objects emitted in one tenant namespace. */
export interface TenantGuardrailObjects {
  readonly resourceQuota?: ApiObject;
  readonly limitRange?: ApiObject;
  readonly networkPolicy?: ApiObject;
}

/**
 * The per-namespace guardrails of a {@link Tenant}, created in `scope`: a ResourceQuota, a
 * LimitRange and a default-deny NetworkPolicy (ingress and egress) that allows traffic within the
 * namespace and DNS to the cluster DNS (UDP and TCP 53). Tenants cannot write ResourceQuotas or
 * LimitRanges (the tenant role has no verbs on them); NetworkPolicies are additive, so a tenant
 * can open its own pods further, never another namespace's; the default-deny itself is labelled
 * `platform.cdk8s.io/guardrail: tenant`, which the {@link TenantGuardrailPolicy} keeps tenants
 * from changing or deleting.
 */
export function addTenantGuardrails(scope: Construct, props: TenantGuardrailsProps): TenantGuardrailObjects {
  const { name, namespace, labels } = props;
  const meta = (suffix: string) => ({ name: `${name}-${suffix}`, namespace, labels });
  let resourceQuota: ApiObject | undefined;
  let limitRange: ApiObject | undefined;
  let networkPolicy: ApiObject | undefined;
  if (props.resourceQuota) {
    checkQuantities(scope, 'resourceQuota.hard', props.resourceQuota.hard);
    const hard = { ...DEFAULT_TENANT_QUOTA, ...props.resourceQuota.hard };
    resourceQuota = new ApiObject(scope, 'ResourceQuota', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('quota'), spec: { hard } });
  }
  if (props.limitRange) {
    const l = props.limitRange;
    checkQuantities(scope, 'limitRange.defaultRequest', l.defaultRequest);
    checkQuantities(scope, 'limitRange.defaultLimit', l.defaultLimit);
    checkQuantities(scope, 'limitRange.max', l.max);
    limitRange = new ApiObject(scope, 'LimitRange', {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: meta('limits'),
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: l.defaultRequest ?? { cpu: '100m', memory: '128Mi' },
          default: l.defaultLimit ?? { cpu: '500m', memory: '512Mi' },
          max: l.max ?? { cpu: '2', memory: '4Gi' },
        }],
      },
    });
  }
  if (props.networkPolicy) {
    const n = props.networkPolicy;
    const from = (n.ingressFromNamespaces ?? []).map((ns, i) => ({
      namespaceSelector: { matchLabels: { [NAME_LABEL]: checkString(scope, `networkPolicy.ingressFromNamespaces[${i}]`, ns, DNS_LABEL) } },
    }));
    const dnsNamespace = checkString(scope, 'networkPolicy.dnsNamespace', n.dnsNamespace ?? 'kube-system', DNS_LABEL);
    const dnsPodLabels = n.dnsPodLabels ?? { 'k8s-app': 'kube-dns' };
    if (Object.keys(dnsPodLabels).length === 0) {
      throw propError(scope, 'networkPolicy.dnsPodLabels', 'must select the DNS pods (an empty selector would allow port 53 to every pod of the DNS namespace)');
    }
    (n.egress ?? []).forEach((rule, i) => checkEgressRule(scope, `networkPolicy.egress[${i}]`, rule));
    networkPolicy = new ApiObject(scope, 'NetworkPolicy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      // Labelled for the TenantGuardrailPolicy: tenants may write NetworkPolicies, not this one.
      metadata: { ...meta('default-deny'), labels: { ...labels, [TENANT_GUARDRAIL_LABEL]: TENANT_GUARDRAIL_VALUE } },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: {} }, ...from] }],
        egress: [
          { to: [{ podSelector: {} }] },
          {
            to: [{ namespaceSelector: { matchLabels: { [NAME_LABEL]: dnsNamespace } }, podSelector: { matchLabels: { ...dnsPodLabels } } }],
            ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
          },
          ...(n.egress ?? []),
        ],
      },
    });
  }
  return { resourceQuota, limitRange, networkPolicy };
}

/** A resource name of a quota or limit (`cpu`, `requests.memory`, `count/deployments.apps`, `example.com/gpu`). */
const RESOURCE_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/i;

/** Checks the resource names and quantities of a quota or limit map (the API server refuses the object otherwise). */
function checkQuantities(scope: Construct, prop: string, m: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(m ?? {})) {
    if (!RESOURCE_NAME.test(k) || k.length > 253) throw propError(scope, `${prop}['${k}']`, 'is not a resource name (e.g. "cpu", "requests.memory" or "count/deployments.apps")');
    if (typeof v !== 'string' || !isQuantity(v) || v.startsWith('-')) throw propError(scope, `${prop}['${k}']`, `"${String(v)}" is not a non-negative quantity (e.g. "4", "500m" or "8Gi")`);
  }
}

/** Checks an extra egress rule: only `to` and `ports`, ports 1-65535 over TCP, UDP or SCTP. */
function checkEgressRule(scope: Construct, prop: string, rule: Record<string, unknown>): void {
  const unknown = Object.keys(rule ?? {}).filter((k) => k !== 'to' && k !== 'ports');
  if (unknown.length > 0) throw propError(scope, prop, `"${unknown[0]}" is not a field of a NetworkPolicyEgressRule (only "to" and "ports")`);
  const ports = rule.ports;
  if (ports === undefined) return;
  if (!Array.isArray(ports)) throw propError(scope, `${prop}.ports`, 'must be a list of { protocol, port }');
  ports.forEach((p: Record<string, unknown>, j) => {
    if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol as string)) throw propError(scope, `${prop}.ports[${j}].protocol`, `"${String(p.protocol)}" must be TCP, UDP or SCTP`);
    const port = p.port;
    if (port !== undefined && typeof port !== 'string' && !(Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535)) {
      throw propError(scope, `${prop}.ports[${j}].port`, `${String(port)} must be a port number 1-65535 (or a named port)`);
    }
  });
}
