import { Construct } from 'constructs';
import { checkString, DNS_LABEL, propError } from '../core/errors';
import { ExistingSecret, ExistingSecretProps, ISecretSource } from '../core/secret';
import { SealedSecret } from '../sealing/sealed-secret';
import { checkCredentialNamespace } from './aso-resource';
import { setScopeDefaults } from './context';
import { checkSubscriptionId } from './naming';

/** The keys every ASO credential Secret holds. */
export const ASO_CREDENTIAL_KEYS = ['AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID'] as const;

/** One of these keys says how ASO authenticates (client secret, certificate, or workload identity). */
export const ASO_CREDENTIAL_AUTH_KEYS = ['AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE', 'USE_WORKLOAD_IDENTITY_AUTH'] as const;

/** Props of an {@link AsoCredential}. */
export interface AsoCredentialProps {
  /**
   * Name of the Secret. Naming it `aso-credential` makes it ASO's default credential for every
   * resource of its namespace; any other name is used through `credentialFrom`.
   * @default 'aso-credential'
   */
  readonly name?: string;
  /**
   * Namespace.
   * @default - the enclosing AsoCredentialScope's namespace, else the folder's
   */
  readonly namespace?: string;
  /**
   * kubeseal ciphertext of `AZURE_SUBSCRIPTION_ID`, `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and one
   * of `AZURE_CLIENT_SECRET`, `AZURE_CLIENT_CERTIFICATE` (+ optional
   * `AZURE_CLIENT_CERTIFICATE_PASSWORD`) or `USE_WORKLOAD_IDENTITY_AUTH`.
   */
  readonly encryptedData: Record<string, string>;
  /**
   * The subscription the credential acts in (the plaintext of its `AZURE_SUBSCRIPTION_ID`: an
   * identifier, not a secret). Not rendered; resources using the credential know their
   * subscription from it, which role assignments need for the role definition's ARM ID
   * (`/subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<role>`).
   * @default - unknown: role assignments then need `subscriptionId` elsewhere
   */
  readonly subscriptionId?: string;
}

/**
 * An ASO credential: the Secret ASO reads to act in a subscription (a service principal or a
 * workload identity), produced by a SealedSecret (a `sealing.SealedSecret` built with
 * `SealedSecret.fromEncryptedData`) so that only ciphertext is in Git. Use it as
 * `credentialFrom` of a resource or as the credential of an {@link AsoCredentialScope}: one
 * management cluster then serves several subscriptions and teams. A Secret managed elsewhere is
 * referenced with {@link AsoCredential.fromName} instead.
 *
 * @example
 * // sealedCredential: kubeseal ciphertext of AZURE_SUBSCRIPTION_ID, AZURE_TENANT_ID, AZURE_CLIENT_ID
 * // and USE_WORKLOAD_IDENTITY_AUTH (never plaintext)
 * const credential = new AsoCredential(folder, 'credential', { name: 'aso-credential-team-a', namespace: 'team-a', encryptedData: sealedCredential });
 * new ResourceGroup(folder, 'rg', { name: 'rg-team-a', location: 'westeurope', namespace: 'team-a', credentialFrom: credential });
 */
export class AsoCredential extends SealedSecret {
  /**
   * An existing credential Secret (managed outside the app), like `ExistingSecret.fromName`.
   *
   * @example
   * const credential = AsoCredential.fromName(folder, 'credential', { name: 'aso-credential-team-a', namespace: 'team-a' });
   */
  public static fromName(scope: Construct, id: string, props: ExistingSecretProps): ISecretSource {
    return ExistingSecret.fromName(scope, id, props);
  }

  /** The subscription the credential acts in, when given. */
  public readonly subscriptionId?: string;

  public constructor(scope: Construct, id: string, props: AsoCredentialProps) {
    super(scope, id, { name: props.name ?? 'aso-credential', namespace: props.namespace, encryptedData: props.encryptedData });
    const keys = Object.keys(props.encryptedData);
    const missing = ASO_CREDENTIAL_KEYS.filter((k) => !keys.includes(k));
    if (missing.length > 0) throw propError(this, 'encryptedData', `is missing ${missing.join(', ')} (an ASO credential needs ${ASO_CREDENTIAL_KEYS.join(', ')})`);
    if (!ASO_CREDENTIAL_AUTH_KEYS.some((k) => keys.includes(k))) {
      throw propError(this, 'encryptedData', `needs one of ${ASO_CREDENTIAL_AUTH_KEYS.join(', ')} (how ASO authenticates)`);
    }
    this.subscriptionId = checkSubscriptionId(this, props.subscriptionId);
  }
}

/** Props of an {@link AsoCredentialScope}. */
export interface AsoCredentialScopeProps {
  /** Namespace of every ASO resource created under the scope (unless a construct sets its own). */
  readonly namespace: string;
  /**
   * Credential Secret of every ASO resource created under the scope (unless a construct sets its
   * own `credentialFrom`): an {@link AsoCredential}, an `AsoCredential.fromName(...)` import, or
   * the name of an existing Secret in `namespace`.
   * @default - none: ASO uses the namespace's `aso-credential` Secret, else its global credential
   */
  readonly credential?: ISecretSource | string;
  /**
   * The subscription the credential acts in (its `AZURE_SUBSCRIPTION_ID`, not a secret), for
   * role assignments created under the scope (role definition ARM IDs need it).
   * @default - the credential's `subscriptionId` when it is an {@link AsoCredential} that has one
   */
  readonly subscriptionId?: string;
}

/**
 * A tenancy boundary for ASO resources: constructs created under it (anywhere below it in the
 * construct tree) default to its namespace and credential, so each team's or subscription's
 * resources are reconciled with that team's credential (`serviceoperator.azure.com/credential-from`).
 * Its namespace is the default namespace of every family below it (core `scopeNamespace`), so a
 * `SealedSecret` or `ExistingSecret.fromName` created under it lands in the same namespace.
 *
 * @example
 * const team = new AsoCredentialScope(folder, 'team-a', { namespace: 'team-a', credential });
 * const rg = new ResourceGroup(team, 'rg', { name: 'rg-team-a', location: 'westeurope' });
 */
export class AsoCredentialScope extends Construct {
  public readonly namespace: string;
  public readonly credential?: ISecretSource | string;
  /** The subscription the scope's credential acts in, when known. */
  public readonly subscriptionId?: string;

  public constructor(scope: Construct, id: string, props: AsoCredentialScopeProps) {
    super(scope, id);
    this.namespace = checkString(this, 'namespace', props.namespace, DNS_LABEL);
    if (props.credential !== undefined) checkCredentialNamespace(this, 'credential', props.credential, this.namespace);
    this.credential = props.credential;
    const fromCredential = props.credential instanceof AsoCredential ? props.credential.subscriptionId : undefined;
    this.subscriptionId = checkSubscriptionId(this, props.subscriptionId) ?? fromCredential;
    if (this.subscriptionId && fromCredential && this.subscriptionId !== fromCredential) {
      throw propError(this, 'subscriptionId', `"${this.subscriptionId}" differs from the subscriptionId of credential ${(props.credential as AsoCredential).node.path} ("${fromCredential}")`);
    }
    setScopeDefaults(this, { namespace: this.namespace, credential: props.credential, subscriptionId: this.subscriptionId });
  }
}
