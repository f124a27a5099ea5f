import { Construct } from 'constructs';
import * as l1 from '../../imports/flux/source.toolkit.fluxcd.io';
import { propError } from '../core/errors';
import { ResourceImportProps } from '../core/resource';
import { ISecretSource } from '../core/secret';
import { applyFluxRemovalPolicy, FluxDuration, fluxMetadata, FluxObjectProps, FluxResource, fluxSecret, IFluxObject, importFluxObject, optDuration, resolveIdentity, SOURCE_GROUP } from './common';

/** A Helm repository charts can come from (a {@link HelmRepository} or an import). */
export interface IHelmRepository extends IFluxObject {
  /** Always `HelmRepository`. */
  readonly kind: 'HelmRepository';
}

/** Props of a {@link HelmRepository}. */
export interface HelmRepositoryProps extends FluxObjectProps {
  /** Repository URL: `https://...` (an index.yaml repo) or `oci://...` (with `type: 'oci'`). */
  readonly url: string;
  /**
   * `default` (HTTP/S index) or `oci` (an OCI registry). For OCI charts prefer an
   * {@link OCIRepository} with a HelmRelease `chartRef` (digests, signature verification).
   * @default - 'oci' when the url starts with oci://, else 'default'
   */
  readonly type?: 'default' | 'oci';
  /**
   * Secret with the repository credentials (`username`/`password`), in the HelmRepository's
   * namespace (source-controller reads it from there): an {@link ISecretSource} or the name of a
   * Secret managed outside the app.
   * @default - none (public repository)
   */
  readonly secretRef?: ISecretSource | string;
  /** How often the index is fetched. @default '1h' */
  readonly interval?: FluxDuration;
}

const HELM_URL = /^(http|https|oci):\/\/.+$/;

/**
 * A Flux `HelmRepository` (source.toolkit.fluxcd.io/v1).
 *
 * @example
 * const ingressNginx = new HelmRepository(folder, 'ingress-nginx', {
 *   name: 'ingress-nginx', url: 'https://kubernetes.github.io/ingress-nginx', interval: '12h',
 * });
 * new HelmRelease(folder, 'ingress', { name: 'ingress-nginx', chart: { repository: ingressNginx, chart: 'ingress-nginx', version: '4.x' } });
 */
export class HelmRepository extends FluxResource implements IHelmRepository {
  /** Imports an existing HelmRepository (declared as provided). `namespace` defaults to the folder's. */
  public static fromName(scope: Construct, id: string, props: ResourceImportProps): IHelmRepository {
    return importFluxObject<IHelmRepository>(scope, id, 'HelmRepository', SOURCE_GROUP, props);
  }

  public override get kind(): 'HelmRepository' {
    return 'HelmRepository';
  }

  /** `default` or `oci`. */
  public readonly type: 'default' | 'oci';
  /** The L1 object. */
  public readonly apiObject: l1.HelmRepository;

  public constructor(scope: Construct, id: string, props: HelmRepositoryProps) {
    super(scope, id);
    const { namespace } = resolveIdentity(this, props);
    if (!HELM_URL.test(props.url ?? '')) throw propError(this, 'url', `"${props.url}" must start with http://, https:// or oci://`);
    const isOci = props.url.startsWith('oci://');
    const type = props.type ?? (isOci ? 'oci' : 'default');
    if ((type === 'oci') !== isOci) throw propError(this, 'type', `"${type}" does not match the url "${props.url}" (oci:// urls need type "oci", others "default")`);
    this.type = type;
    const secretRef = props.secretRef !== undefined ? fluxSecret(this, 'secretRef', props.secretRef, namespace) : undefined;
    this.apiObject = new l1.HelmRepository(this, 'Resource', {
      metadata: fluxMetadata(props, namespace),
      spec: {
        url: props.url,
        interval: optDuration(this, 'interval', props.interval, '1h'),
        ...(type === 'oci' ? { type: l1.HelmRepositorySpecType.OCI } : {}),
        ...(secretRef ? { secretRef: { name: secretRef } } : {}),
      },
    });
    applyFluxRemovalPolicy(this, props);
  }
}
