import { Construct } from 'constructs';
import * as l1 from '../../imports/flux/notification.toolkit.fluxcd.io';
import { checkLabels, checkString, DNS_LABEL, propError } from '../core/errors';
import { addReference } from '../core/references';
import { ResourceImportProps } from '../core/resource';
import { ISecretSource } from '../core/secret';
import {
  applyFluxRemovalPolicy, FluxDuration, fluxMetadata, FluxObjectProps, fluxRef, FluxResource, fluxSecret, IFluxObject, importFluxObject, NOTIFICATION_GROUP, optDuration,
  resolveIdentity,
} from './common';

/** A notification Provider an Alert sends to (a {@link NotificationProvider} or an import). */
export interface INotificationProvider extends IFluxObject {
  /** Always `Provider`. */
  readonly kind: 'Provider';
}

/** Provider types whose address (a webhook URL) is itself a credential: it must come from a Secret. */
export const WEBHOOK_PROVIDER_TYPES: readonly string[] = ['msteams', 'slack', 'discord', 'googlechat', 'rocket', 'lark', 'webex', 'generic', 'generic-hmac'];

/** Props of a {@link NotificationProvider}. */
export interface NotificationProviderProps extends FluxObjectProps {
  /** Provider type: `msteams`, `slack`, `generic` (webhook), `github`, `azuredevops`, ... (Flux's `spec.type`). */
  readonly type: `${l1.ProviderSpecType}`;
  /**
   * Secret with the `address` (webhook URL) and/or `token`, in the Provider's namespace
   * (notification-controller reads it from there): an {@link ISecretSource} or the name of a
   * Secret managed outside the app. Required for webhook types (msteams, slack, discord, generic,
   * ...) — a webhook URL grants posting rights and must never be inlined — and for the Git
   * providers (token).
   * @default - none
   */
  readonly secretRef?: ISecretSource | string;
  /**
   * Non-secret address (the repository URL of a Git provider, an Alertmanager URL). Refused for
   * webhook types: put their URL in the Secret.
   * @default - none
   */
  readonly address?: string;
  /** Channel (Slack, ...). @default - the webhook's default */
  readonly channel?: string;
  /** Username shown as the sender. @default - the provider's default */
  readonly username?: string;
  /** Timeout of sending. @default - Flux's default (15s) */
  readonly timeout?: FluxDuration;
}

const TOKEN_TYPES = ['github', 'gitlab', 'gitea', 'bitbucket', 'bitbucketserver', 'azuredevops', 'githubdispatch', 'githubpullrequestcomment', 'gitlabmergerequestcomment', 'giteapullrequestcomment'];

/**
 * A Flux notification `Provider` (notification.toolkit.fluxcd.io/v1beta3).
 *
 * @example
 * // Webhook URLs and tokens are credentials: they come from Secrets (e.g. SealedSecrets), never inline
 * new NotificationProvider(folder, 'slack', { name: 'slack', type: 'slack', channel: 'platform-alerts', secretRef: 'slack-webhook' });
 * new NotificationProvider(folder, 'github', { name: 'github-status', type: 'github', address: 'https://github.com/contoso/platform', secretRef: 'github-token' });
 */
export class NotificationProvider extends FluxResource implements INotificationProvider {
  /** Imports an existing Provider (declared as provided). `namespace` defaults to the folder's. */
  public static fromName(scope: Construct, id: string, props: ResourceImportProps): INotificationProvider {
    return importFluxObject<INotificationProvider>(scope, id, 'Provider', NOTIFICATION_GROUP, props);
  }

  public override get kind(): 'Provider' {
    return 'Provider';
  }

  /** The L1 object. */
  public readonly apiObject: l1.Provider;

  public constructor(scope: Construct, id: string, props: NotificationProviderProps) {
    super(scope, id);
    const { namespace } = resolveIdentity(this, props);
    if (!(Object.values(l1.ProviderSpecType) as string[]).includes(props.type)) {
      throw propError(this, 'type', `"${props.type}" is not a Flux provider type (${Object.values(l1.ProviderSpecType).join(', ')})`);
    }
    if (WEBHOOK_PROVIDER_TYPES.includes(props.type)) {
      if (props.address !== undefined) throw propError(this, 'address', `a ${props.type} webhook URL is a credential: put it in the Secret's "address" key and pass secretRef`);
      if (props.secretRef === undefined) throw propError(this, 'secretRef', `is required for ${props.type}: the Secret holding the webhook URL in its "address" key`);
    }
    if (TOKEN_TYPES.includes(props.type)) {
      if (props.secretRef === undefined) throw propError(this, 'secretRef', `is required for ${props.type}: the Secret holding the API "token"`);
      if (props.address === undefined) throw propError(this, 'address', `is required for ${props.type}: the repository URL`);
    }
    if (props.address !== undefined && !/^https?:\/\/.+/.test(props.address)) throw propError(this, 'address', `"${props.address}" must be an http(s) URL`);
    const secretRef = props.secretRef !== undefined ? fluxSecret(this, 'secretRef', props.secretRef, namespace) : undefined;
    const timeout = optDuration(this, 'timeout', props.timeout, undefined, { maxUnit: 'm' }); // the CRD allows ms, s, m
    this.apiObject = new l1.Provider(this, 'Resource', {
      metadata: fluxMetadata(props, namespace),
      spec: {
        type: props.type as l1.ProviderSpecType,
        ...(secretRef ? { secretRef: { name: secretRef } } : {}),
        ...(props.address ? { address: props.address } : {}),
        ...(props.channel ? { channel: props.channel } : {}),
        ...(props.username ? { username: props.username } : {}),
        ...(timeout ? { timeout } : {}),
      },
    });
    applyFluxRemovalPolicy(this, props);
  }
}

/** An event source of an Alert: a Flux construct, or all objects of a kind (`name: '*'`). */
export type AlertEventSource =
  | IFluxObject
  | {
    /** Kind (`Kustomization`, `HelmRelease`, `GitRepository`, ...). */
    readonly kind: string;
    /** `*` for all objects of the kind (optionally filtered by `matchLabels`). */
    readonly name: '*';
    /** Namespace. @default - the Alert's */
    readonly namespace?: string;
    /** Label filter for `*`. @default - none */
    readonly matchLabels?: Record<string, string>;
  };

/** Props of an {@link Alert}. */
export interface AlertProps extends FluxObjectProps {
  /** Where to send the events. */
  readonly provider: INotificationProvider;
  /** Objects whose events are sent. At least one. */
  readonly eventSources: AlertEventSource[];
  /** `info` (every event) or `error` (errors only). @default 'info' (Flux's default) */
  readonly eventSeverity?: 'info' | 'error';
  /** Regular expressions: events whose message matches any are dropped. @default - none */
  readonly exclusionList?: string[];
  /** Regular expressions: only events whose message matches one are sent. @default - all */
  readonly inclusionList?: string[];
  /** Summary line added to each notification. @default - none */
  readonly summary?: string;
}

const EVENT_KINDS = ['Bucket', 'GitRepository', 'Kustomization', 'HelmRelease', 'HelmChart', 'HelmRepository', 'ImageRepository', 'ImagePolicy', 'ImageUpdateAutomation', 'OCIRepository', 'ArtifactGenerator', 'ExternalArtifact'];

/**
 * A Flux notification `Alert` (notification.toolkit.fluxcd.io/v1beta3).
 *
 * @example
 * // Secret `msteams-webhook` (key `address`, e.g. from a SealedSecret) holds the webhook URL
 * const teams = new NotificationProvider(folder, 'teams', { name: 'platform-teams', type: 'msteams', secretRef: 'msteams-webhook' });
 * new Alert(folder, 'alert', {
 *   name: 'platform', provider: teams, eventSeverity: 'error',
 *   eventSources: [{ kind: 'Kustomization', name: '*' }, { kind: 'HelmRelease', name: '*' }],
 * });
 */
export class Alert extends FluxResource {
  /** The L1 object. */
  public readonly apiObject: l1.Alert;

  public constructor(scope: Construct, id: string, props: AlertProps) {
    super(scope, id);
    const { namespace } = resolveIdentity(this, props);
    if (!props.provider || props.provider.kind !== 'Provider') throw propError(this, 'provider', 'must be a NotificationProvider');
    addReference(this, 'providerRef', fluxRef(props.provider));
    if (props.provider.namespace !== namespace) {
      throw propError(this, 'provider', `must be in the Alert's namespace "${namespace}" (got "${props.provider.namespace}")`);
    }
    if (!props.eventSources || props.eventSources.length === 0) throw propError(this, 'eventSources', 'needs at least one event source');
    const sources = props.eventSources.map((s, i) => {
      if (!EVENT_KINDS.includes(s.kind)) throw propError(this, `eventSources[${i}].kind`, `"${s.kind}" is not a Flux kind that emits events (${EVENT_KINDS.join(', ')})`);
      if (s.name !== '*') {
        addReference(this, `eventSources[${i}]`, fluxRef(s as IFluxObject));
      }
      if (s.name === '*' && s.namespace !== undefined) checkString(this, `eventSources[${i}].namespace`, s.namespace, DNS_LABEL);
      const ns = s.namespace ?? namespace;
      const labels = 'matchLabels' in s ? checkLabels(this, `eventSources[${i}].matchLabels`, s.matchLabels) : undefined;
      return {
        kind: s.kind as l1.AlertSpecEventSourcesKind,
        name: s.name,
        ...(ns !== namespace ? { namespace: ns } : {}),
        ...(labels ? { matchLabels: labels } : {}),
      };
    });
    if (props.eventSeverity && props.eventSeverity !== 'info' && props.eventSeverity !== 'error') {
      throw propError(this, 'eventSeverity', `"${props.eventSeverity}" must be info or error`);
    }
    this.apiObject = new l1.Alert(this, 'Resource', {
      metadata: fluxMetadata(props, namespace),
      spec: {
        providerRef: { name: props.provider.name },
        eventSources: sources,
        ...(props.eventSeverity ? { eventSeverity: props.eventSeverity as l1.AlertSpecEventSeverity } : {}),
        ...(props.exclusionList?.length ? { exclusionList: [...props.exclusionList] } : {}),
        ...(props.inclusionList?.length ? { inclusionList: [...props.inclusionList] } : {}),
        ...(props.summary ? { summary: props.summary } : {}),
      },
    });
    applyFluxRemovalPolicy(this, props);
  }
}
