import { Construct } from 'constructs';
import * as l1 from '../../imports/flux/source.toolkit.fluxcd.io';
import { propError } from '../core/errors';
import { ignorePatternProblems } from '../core/source-ignore';
import { ResourceImportProps } from '../core/resource';
import { ISecretSource } from '../core/secret';
import { applyFluxRemovalPolicy, exactlyOne, FluxDuration, fluxMetadata, FluxObjectProps, FluxResource, fluxSecret, ISource, optDuration, resolveIdentity } from './common';
import { importSource } from './git-repository';

/** Which artifact of an OCI repository to pull: exactly one of the fields. */
export interface OciRef {
  /** A tag (e.g. `6.9.2`). */
  readonly tag?: string;
  /** A semver range over the tags (e.g. `1.x`). */
  readonly semver?: string;
  /** A digest (`sha256:<64 hex>`), the most reproducible choice. */
  readonly digest?: string;
}

/** Signature verification of OCI artifacts (`spec.verify`). */
export interface OciVerification {
  /** `cosign` or `notation`. */
  readonly provider: 'cosign' | 'notation';
  /**
   * Secret with the public keys (cosign) or the trust policy and CA certificates (notation), in
   * the OCIRepository's namespace: an {@link ISecretSource} or the name of a Secret managed
   * outside the app.
   * @default - cosign keyless verification (requires `matchOidcIdentity`); notation requires it
   */
  readonly secretRef?: ISecretSource | string;
  /**
   * Keyless (cosign) identities the signature must match (issuer and subject regular expressions).
   * @default - none
   */
  readonly matchOidcIdentity?: Array<{ readonly issuer: string; readonly subject: string }>;
}

/** Props of an {@link OCIRepository}. */
export interface OCIRepositoryProps extends FluxObjectProps {
  /** Artifact URL, `oci://<registry>/<repository>`. */
  readonly url: string;
  /** The artifact to pull: exactly one of tag, semver, digest (required: no implicit `latest`). */
  readonly ref: OciRef;
  /**
   * Verify the artifact's signature.
   * @default - not verified
   */
  readonly verify?: OciVerification;
  /**
   * Secret (docker-registry type) with pull credentials for a private registry, in the
   * OCIRepository's namespace (source-controller reads it from there): an {@link ISecretSource}
   * or the name of a Secret managed outside the app.
   * @default - none (public, or `provider` credentials)
   */
  readonly secretRef?: ISecretSource | string;
  /**
   * Cloud provider whose workload identity authenticates to the registry (e.g. `azure` for ACR).
   * @default 'generic' (no cloud identity)
   */
  readonly provider?: 'generic' | 'aws' | 'azure' | 'gcp';
  /**
   * Selects the layer to use: for Helm charts use `{ mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' }`.
   * @default - the first layer, extracted
   */
  readonly layerSelector?: { readonly mediaType?: string; readonly operation?: 'extract' | 'copy' };
  /** How often the registry is checked. @default '5m' */
  readonly interval?: FluxDuration;
  /**
   * `.gitignore`-style patterns of files left out of the extracted layer (`spec.ignore`; not with
   * `operation: 'copy'`): as a GitRepository's (see `GitRepositoryProps.ignore`), appended after the
   * artifact's `.sourceignore` files, any pattern dropping Flux's default exclusions. Lines Flux reads
   * differently from git (a malformed pattern, `**` inside a segment of a pattern with a slash,
   * `[!...]`) are refused. Unlike a GitRepository's, what it leaves out is not checked against the
   * Kustomizations building from it (the library cannot see what the OCI artifact holds).
   * @default - the VCS patterns and Flux's default exclusions (images, archives, CI files)
   */
  readonly ignore?: string;
}

const OCI_URL = /^oci:\/\/.+$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * A Flux `OCIRepository` (source.toolkit.fluxcd.io/v1): manifests or a Helm chart pulled from an
 * OCI registry, optionally verified with cosign or notation. Use it as a Kustomization source or
 * as a HelmRelease `chartRef`.
 *
 * @example
 * const chart = new OCIRepository(folder, 'podinfo-chart', {
 *   name: 'podinfo', url: 'oci://ghcr.io/stefanprodan/charts/podinfo', ref: { semver: '6.x' }, layerSelector: HELM_CHART_LAYER,
 *   verify: { provider: 'cosign', matchOidcIdentity: [{ issuer: '^https://token.actions.githubusercontent.com$', subject: '^https://github.com/stefanprodan/podinfo.*$' }] },
 * });
 * new HelmRelease(folder, 'podinfo', { name: 'podinfo', chartRef: chart });
 */
export class OCIRepository extends FluxResource implements ISource {
  /** Imports an existing OCIRepository (declared as provided). `namespace` defaults to the folder's. */
  public static fromName(scope: Construct, id: string, props: ResourceImportProps): ISource {
    return importSource(scope, id, 'OCIRepository', props);
  }

  public override get kind(): 'OCIRepository' {
    return 'OCIRepository';
  }

  /** The L1 object. */
  public readonly apiObject: l1.OciRepository;

  public constructor(scope: Construct, id: string, props: OCIRepositoryProps) {
    super(scope, id);
    const { namespace } = resolveIdentity(this, props);
    if (!OCI_URL.test(props.url ?? '')) throw propError(this, 'url', `"${props.url}" must start with oci://`);
    const which = exactlyOne(this, 'ref', props.ref as unknown as Record<string, unknown>, ['tag', 'semver', 'digest']);
    if (which === 'digest' && !DIGEST.test(props.ref.digest!)) throw propError(this, 'ref.digest', `"${props.ref.digest}" must be sha256:<64 lowercase hex digits>`);
    const ignoreProblems = props.ignore !== undefined ? ignorePatternProblems(props.ignore) : [];
    if (ignoreProblems.length > 0) throw propError(this, 'ignore', ignoreProblems.join('; '));
    const secret = (prop: string, n: ISecretSource | string) => ({ name: fluxSecret(this, prop, n, namespace) });
    let verify: l1.OciRepositorySpecVerify | undefined;
    if (props.verify) {
      const v = props.verify;
      if (v.provider !== 'cosign' && v.provider !== 'notation') throw propError(this, 'verify.provider', `"${v.provider}" must be cosign or notation`);
      if (v.provider === 'notation' && !v.secretRef) throw propError(this, 'verify.secretRef', 'is required with notation (the trust policy and CA certificates)');
      if (v.provider === 'cosign' && !v.secretRef && !(v.matchOidcIdentity?.length)) {
        throw propError(this, 'verify', 'cosign keyless verification needs matchOidcIdentity (or a secretRef with public keys)');
      }
      verify = {
        provider: v.provider as l1.OciRepositorySpecVerifyProvider,
        ...(v.secretRef ? { secretRef: secret('verify.secretRef', v.secretRef) } : {}),
        ...(v.matchOidcIdentity?.length ? { matchOidcIdentity: v.matchOidcIdentity.map((m) => ({ issuer: m.issuer, subject: m.subject })) } : {}),
      };
    }
    const spec: l1.OciRepositorySpec = {
      url: props.url,
      interval: optDuration(this, 'interval', props.interval, '5m')!,
      ref: { [which]: (props.ref as Record<string, string>)[which] },
      ...(verify ? { verify } : {}),
      ...(props.secretRef ? { secretRef: secret('secretRef', props.secretRef) } : {}),
      ...(props.provider ? { provider: props.provider as l1.OciRepositorySpecProvider } : {}),
      ...(props.layerSelector
        ? { layerSelector: { mediaType: props.layerSelector.mediaType, operation: props.layerSelector.operation as l1.OciRepositorySpecLayerSelectorOperation | undefined } }
        : {}),
      ...(props.ignore !== undefined ? { ignore: props.ignore } : {}),
    };
    this.apiObject = new l1.OciRepository(this, 'Resource', { metadata: fluxMetadata(props, namespace), spec });
    applyFluxRemovalPolicy(this, props);
  }
}

/** The layer selector for Helm charts stored as OCI artifacts. */
export const HELM_CHART_LAYER = { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' } as const;
