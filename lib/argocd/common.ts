import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { IKubeconfigCluster } from '../core/cluster';
import { checkLabels, checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import type { ResourceImportProps } from '../core/resource';

/** API group of Argo CD (Application, ApplicationSet, AppProject). */
export const ARGOCD_GROUP = 'argoproj.io';
/** The apiVersion of the Argo CD kinds. */
export const ARGOCD_API_VERSION = 'argoproj.io/v1alpha1';
/** The namespace Argo CD is installed in by its manifests and Helm chart. */
export const DEFAULT_ARGOCD_NAMESPACE = 'argocd';
/** The API server of the cluster Argo CD runs in (`in-cluster`). */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';
/** Orders the objects of one sync: lower waves are applied, and must be healthy, before higher ones. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** Prefix of Argo CD notification subscriptions: `notifications.argoproj.io/subscribe.<trigger>.<service>`. */
export const SUBSCRIBE_PREFIX = 'notifications.argoproj.io/subscribe';
/** The Secret Argo CD notifications read service credentials (webhook URLs) from. */
export const NOTIFICATIONS_SECRET = 'argocd-notifications-secret';

/** Props shared by the Argo CD constructs. */
export interface ArgoObjectProps {
  /** `metadata.name` (a DNS label: Argo CD uses it in URLs, RBAC policies and notifications). */
  readonly name: string;
  /**
   * `metadata.namespace`: the namespace Argo CD watches (Applications in other namespaces need
   * "applications in any namespace" and the project's `sourceNamespaces`).
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * Extra labels.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Notification subscriptions (annotations `notifications.argoproj.io/subscribe.<trigger>.<service>`).
   * @default - none
   */
  readonly subscriptions?: Subscription[];
}

/** Validates name, namespace and labels; works out the namespace. */
export function argoIdentity(scope: IConstruct, props: ArgoObjectProps): { name: string; namespace: string } {
  checkString(scope, 'name', props.name, DNS_LABEL);
  const namespace = checkString(scope, 'namespace', props.namespace ?? DEFAULT_ARGOCD_NAMESPACE, DNS_LABEL);
  checkLabels(scope, 'labels', props.labels);
  return { name: props.name, namespace };
}

/**
 * The props of an Argo CD `fromName` import with the namespace defaulted to `argocd` (Argo CD's
 * objects live in its namespace, whatever the folder's).
 */
export function argoImportProps(props: ResourceImportProps): ResourceImportProps {
  if (props === null || typeof props !== 'object') return props;
  return { ...props, namespace: props.namespace ?? DEFAULT_ARGOCD_NAMESPACE };
}

/**
 * A notification subscription: Argo CD notifications send the `trigger`'s message to each
 * recipient of `service` (annotation `notifications.argoproj.io/subscribe.<trigger>.<service>:
 * <recipient>;<recipient>`). For Microsoft Teams the recipient is a channel name of the
 * `teams-workflows` service's `recipientUrls` in `argocd-notifications-cm`, whose webhook URL is a
 * key of the `argocd-notifications-secret` (see {@link teamsServiceConfig}): never a URL in Git.
 *
 * Argo CD ships no triggers: `on-sync-failed`, `on-health-degraded` and the others are Argo CD's
 * notifications catalog (`notifications_catalog/install.yaml`, or the Helm chart's
 * `notifications.triggers` / `notifications.templates`), which the installation must apply, or
 * nothing is ever sent.
 */
export interface Subscription {
  /** Trigger name from the notifications catalog or `argocd-notifications-cm` (e.g. `on-sync-failed`, `on-health-degraded`). */
  readonly trigger: string;
  /**
   * Notification service. `teams-workflows` (Argo CD 3.3+) posts to a Teams Workflows (Power
   * Automate) webhook; the `teams` service's Office 365 connector webhooks were retired on
   * 2026-03-31.
   * @default 'teams-workflows'
   */
  readonly service?: string;
  /** Recipients: Teams channel names of the service's `recipientUrls` (never webhook URLs). */
  readonly recipients: string[];
}

const TRIGGER = { max: 63, pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, description: 'a trigger name (lowercase letters, digits and "-", e.g. "on-sync-failed")' };
const SERVICE = { max: 63, pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, description: 'a notification service name (lowercase letters, digits and "-", e.g. "teams-workflows")' };
const RECIPIENT = { min: 1, max: 253, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, description: 'a recipient name (letters, digits, ".", "_" and "-"): the channel name configured in argocd-notifications-cm, not a URL' };

/** Checks subscriptions and renders their annotations (sorted by key). */
export function subscriptionAnnotations(scope: IConstruct, prop: string, subs: readonly Subscription[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  (subs ?? []).forEach((s, i) => {
    checkString(scope, `${prop}[${i}].trigger`, s.trigger, TRIGGER);
    const service = checkString(scope, `${prop}[${i}].service`, s.service ?? TEAMS_SERVICE, SERVICE);
    if (!s.recipients || s.recipients.length === 0) throw propError(scope, `${prop}[${i}].recipients`, 'must list at least one recipient');
    s.recipients.forEach((r, j) => checkString(scope, `${prop}[${i}].recipients[${j}]`, r, RECIPIENT));
    const key = `${SUBSCRIBE_PREFIX}.${s.trigger}.${service}`;
    const all = [...(out[key] ? out[key].split(';') : []), ...s.recipients];
    out[key] = [...new Set(all)].join(';');
  });
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The notification service subscriptions use by default: Microsoft Teams Workflows. */
export const TEAMS_SERVICE = 'teams-workflows';

/**
 * The `service.teams-workflows` entry of `argocd-notifications-cm` for the given channels (Argo CD
 * 3.3+; the URLs are Teams Workflows webhooks, `https://api.powerautomate.com/...` or
 * `https://api.powerplatform.com/...`): each channel's webhook URL is read from the key
 * `<channel>-teams-url` of the `argocd-notifications-secret` (`$<key>` references), so no URL is
 * ever written to Git. Put the result under `data` of the ConfigMap your Argo CD installation
 * manages (Helm `notifications.notifiers`), with the catalog's triggers and templates.
 *
 * @example
 * teamsServiceConfig(['team-alpha']);
 * // { 'service.teams-workflows': 'recipientUrls:\n  team-alpha: $team-alpha-teams-url\n' }
 */
export function teamsServiceConfig(channels: readonly string[]): Record<string, string> {
  const sorted = [...new Set(channels)].sort();
  for (const c of sorted) {
    if (!RECIPIENT.pattern.test(c)) throw new Error(`teamsServiceConfig: "${c}" is invalid: must be ${RECIPIENT.description}`);
  }
  return { [`service.${TEAMS_SERVICE}`]: `recipientUrls:\n${sorted.map((c) => `  ${c}: $${c}-teams-url\n`).join('')}` };
}

/** Where an Application deploys: a registered cluster, by construct or by Argo CD name or server URL. */
export type ClusterTarget = IKubeconfigCluster | { readonly name: string } | { readonly server: string };

/** The `in-cluster` destination (the cluster Argo CD runs in). */
export const IN_CLUSTER: ClusterTarget = { server: IN_CLUSTER_SERVER };

/** Whether `t` is a cluster construct (an {@link IKubeconfigCluster}). */
export function isKubeconfigCluster(t: unknown): t is IKubeconfigCluster {
  return typeof t === 'object' && t !== null && 'clusterName' in t && 'kubeconfigSecret' in t;
}

/**
 * Renders a cluster target as an Argo CD `{ name }` or `{ server }`. A cluster construct becomes
 * its Argo CD cluster name: the CAPI cluster name (see {@link CapiClusterRegistration}).
 */
export function renderCluster(scope: IConstruct, prop: string, t: ClusterTarget | undefined): { name?: string; server?: string } {
  const target = t ?? IN_CLUSTER;
  if (isKubeconfigCluster(target)) return { name: target.clusterName };
  const keys = Object.keys(target).filter((k) => (target as Record<string, unknown>)[k] !== undefined);
  if (keys.length !== 1 || !(keys[0] === 'name' || keys[0] === 'server')) {
    throw propError(scope, prop, `set exactly one of name, server (or pass a cluster construct); got ${keys.length === 0 ? 'none' : keys.join(', ')}`);
  }
  if ('server' in target) {
    if (typeof target.server !== 'string' || !/^https:\/\/[^\s]+$/.test(target.server)) throw propError(scope, `${prop}.server`, `"${String(target.server)}" must be an https:// API server URL`);
    return { server: target.server };
  }
  checkString(scope, `${prop}.name`, target.name, { min: 1, max: 253, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, description: 'an Argo CD cluster name (letters, digits, ".", "_" and "-")' });
  return { name: target.name };
}

/** A group and kind of an AppProject allow or deny list (`*` matches any). */
export interface GroupKind {
  /** API group (`''` for the core group, `*` for any). */
  readonly group: string;
  /** Kind (`*` for any). */
  readonly kind: string;
  /** Name pattern (Go `filepath.Match` glob), cluster-scoped lists only. @default - any name */
  readonly name?: string;
}

/** Checks and renders a group/kind list. */
export function renderGroupKinds(scope: IConstruct, prop: string, list: readonly GroupKind[] | undefined): Array<{ group: string; kind: string; name?: string }> | undefined {
  if (list === undefined) return undefined;
  return list.map((gk, i) => {
    if (typeof gk.group !== 'string' || !/^(\*|[a-z0-9.-]*)$/.test(gk.group)) throw propError(scope, `${prop}[${i}].group`, `"${String(gk.group)}" must be an API group ("" for the core group, "*" for any)`);
    if (typeof gk.kind !== 'string' || !/^(\*|[A-Z][A-Za-z0-9]*)$/.test(gk.kind)) throw propError(scope, `${prop}[${i}].kind`, `"${String(gk.kind)}" must be a Kind (e.g. Deployment) or "*"`);
    return { group: gk.group, kind: gk.kind, ...(gk.name !== undefined ? { name: gk.name } : {}) };
  });
}

/** Adds annotations to an ApiObject. */
export function annotate(obj: ApiObject, annotations: Record<string, string>): void {
  for (const [k, v] of Object.entries(annotations)) obj.metadata.addAnnotation(k, v);
}

/** Checks a namespace prop (DNS label) and returns it. */
export function checkNamespace(scope: IConstruct, prop: string, ns: string): string {
  return checkString(scope, prop, ns, DNS_LABEL);
}

/** Checks a name that is a DNS subdomain. */
export function checkName(scope: IConstruct, prop: string, name: string): string {
  return checkString(scope, prop, name, DNS_SUBDOMAIN);
}
