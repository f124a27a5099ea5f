import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as l1 from '../../imports/flux/helm.toolkit.fluxcd.io';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { addReference } from '../core/references';
import { ResourceImportProps } from '../core/resource';
import { INSTALLS_CRDS_ANNOTATION, KIND_PATTERN } from '../gitops/apply-order';
import {
  addFluxDependency, applyFluxRemovalPolicy, SHARD_LABEL, exactlyOne, FluxDuration, FluxKubeConfig, FluxKubeConfigSecret, fluxMetadata, FluxObjectProps, fluxRef, FluxResource, HELM_GROUP, IFluxObject, importFluxObject,
  ISource, optDuration, resolveIdentity, resolveKubeConfig,
} from './common';
import { IHelmRepository } from './helm-repository';

/** A HelmRelease another can depend on (a {@link HelmRelease} or an import). */
export interface IHelmRelease extends IFluxObject {
  /** Always `HelmRelease`. */
  readonly kind: 'HelmRelease';
}

/** A chart from a HelmRepository (or the path of a chart in a GitRepository). */
export interface HelmChart {
  /** The repository: a HelmRepository, or a GitRepository holding the chart. */
  readonly repository: IHelmRepository | ISource;
  /** Chart name (HelmRepository) or path (GitRepository, e.g. `./charts/podinfo`). */
  readonly chart: string;
  /**
   * Version or semver range (HelmRepository only). Pin it for reproducible releases.
   * @default '*' (Flux: the latest version)
   */
  readonly version?: string;
  /** How often the chart is checked for new versions. @default - the HelmRelease's interval */
  readonly interval?: FluxDuration;
}

/** Values read from a ConfigMap or Secret key (`spec.valuesFrom`). */
export interface ValuesReference {
  /** `ConfigMap` or `Secret` (use a Secret for sensitive values; never inline them in `values`). */
  readonly kind: 'ConfigMap' | 'Secret';
  /** Its name (in the HelmRelease's namespace). */
  readonly name: string;
  /** The key holding a YAML values document. @default 'values.yaml' */
  readonly valuesKey?: string;
  /** Put the key's (single) value at this values path instead (e.g. `auth.password`). @default - merged at the root */
  readonly targetPath?: string;
  /** Do not fail when it does not exist (no reference is checked then). @default false */
  readonly optional?: boolean;
}

/** Install settings. */
export interface HelmInstallOptions {
  /**
   * Remediation retries after a failed install (uninstall, then retry; -1: without limit). A
   * release installed on a remote cluster (`kubeConfig`) retries without limit by default: the
   * cluster may still be coming up (no CNI, nodes tainted until the cloud provider runs), and
   * after its last retry helm-controller marks the release stalled and stops until its spec
   * changes (helm-controller docs, HelmRelease "Install remediation").
   * @default 3; -1 with `kubeConfig`
   */
  readonly remediationRetries?: number;
  /** CRD policy: `Skip`, `Create` or `CreateReplace`. @default 'Create' (Flux's default) */
  readonly crds?: 'Skip' | 'Create' | 'CreateReplace';
  /** Timeout of the install. @default - the HelmRelease's timeout */
  readonly timeout?: FluxDuration;
}

/** Upgrade settings. */
export interface HelmUpgradeOptions {
  /** Remediation retries after a failed upgrade. @default 3 */
  readonly remediationRetries?: number;
  /** Remediate (roll back) the last failure when retries are exhausted. @default true */
  readonly remediateLastFailure?: boolean;
  /** How to remediate: `rollback` or `uninstall`. @default 'rollback' (Flux's default) */
  readonly remediationStrategy?: 'rollback' | 'uninstall';
  /** CRD policy: `Skip`, `Create` or `CreateReplace`. @default 'Skip' (Flux's default) */
  readonly crds?: 'Skip' | 'Create' | 'CreateReplace';
  /** Remove new resources created by a failed upgrade. @default false */
  readonly cleanupOnFail?: boolean;
  /** Timeout of the upgrade. @default - the HelmRelease's timeout */
  readonly timeout?: FluxDuration;
}

/** Props of a {@link HelmRelease}. */
export interface HelmReleaseProps extends FluxObjectProps {
  /** A chart from a HelmRepository (or a GitRepository path). Exactly one of `chart` and `chartRef`. @default - none */
  readonly chart?: HelmChart;
  /**
   * An OCIRepository holding the chart (preferred for OCI registries), or an ExternalArtifact (an
   * ArtifactGenerator's `GeneratedArtifact`, holding a chart; helm-controller needs
   * `--feature-gates=ExternalArtifact=true`, which flux bootstrap sets with source-watcher).
   * Exactly one of `chart` and `chartRef`.
   * @default - none
   */
  readonly chartRef?: ISource;
  /** Values (never secrets: use `valuesFrom` with a Secret). @default - the chart's defaults */
  readonly values?: Record<string, unknown>;
  /** Values from ConfigMaps/Secrets, merged in order before `values`. @default - none */
  readonly valuesFrom?: ValuesReference[];
  /** Reconcile interval. @default '10m' */
  readonly interval?: FluxDuration;
  /** Timeout of Helm actions. @default - Flux's default (5m) */
  readonly timeout?: FluxDuration;
  /** Helm release name. @default - `[<targetNamespace>-]<name>` (Flux's default) */
  readonly releaseName?: string;
  /** Namespace the release is installed in. @default - the HelmRelease's namespace */
  readonly targetNamespace?: string;
  /** Create the target namespace when installing. @default false */
  readonly createNamespace?: boolean;
  /**
   * Namespace of the Helm release storage (`spec.storageNamespace`): helm-controller stores the
   * release there, on the cluster it installs to. Required with `kubeConfig` and a
   * `targetNamespace` other than the HelmRelease's namespace: the storage then defaults to the
   * HelmRelease's namespace on the remote cluster, which must exist there (`createNamespace`
   * creates only the target namespace; helm-controller docs, "Remote clusters / Cluster-API").
   * Give the target namespace for a new release. Changing it on an installed release makes
   * helm-controller uninstall the release and install it again (`ReleaseTargetChanged`): to keep a
   * release that works, give the HelmRelease's namespace.
   * @default - the HelmRelease's namespace (Flux's default)
   */
  readonly storageNamespace?: string;
  /** Install settings. @default - 3 remediation retries */
  readonly install?: HelmInstallOptions;
  /** Upgrade settings. @default - 3 remediation retries, remediate the last failure */
  readonly upgrade?: HelmUpgradeOptions;
  /** HelmReleases that must be ready first. Cycles are errors. @default - none */
  readonly dependsOn?: IHelmRelease[];
  /** Drift detection of the release's objects: `enabled` corrects drift, `warn` reports it. @default - not set (Flux: disabled) */
  readonly driftDetection?: 'enabled' | 'warn' | 'disabled';
  /** ServiceAccount impersonated (same namespace). @default - the controller's account */
  readonly serviceAccountName?: string;
  /**
   * Install on a remote cluster through its kubeconfig: a Cluster API cluster, a kubeconfig Secret
   * or a key of a Secret (`{ secret, key }`), in the HelmRelease's namespace.
   * @default - this cluster
   */
  readonly kubeConfig?: FluxKubeConfig;
  /** Suspend reconciliation. @default false */
  readonly suspend?: boolean;
  /**
   * The kinds the chart installs CRDs for: API groups (`cert-manager.io`), `*.<suffix>` patterns or
   * `group/Kind`s. The apply-order check (lib/gitops/apply-order.ts) then requires objects of these
   * kinds to be in another Kustomization that depends on this release's and waits for it. Written
   * as the `platform.cdk8s.io/installs-crds` annotation.
   * @default - none declared
   */
  readonly installsCrds?: string[];
}

const RELEASE_SYMBOL = Symbol.for('cdk8s-platform.flux.HelmRelease');

/**
 * A Flux `HelmRelease` (helm.toolkit.fluxcd.io/v2): a Helm chart from a HelmRepository or an
 * OCIRepository, with values, remediation and dependency order.
 *
 * @example
 * const jetstack = new HelmRepository(folder, 'jetstack', { name: 'jetstack', url: 'https://charts.jetstack.io' });
 * new HelmRelease(folder, 'cert-manager', {
 *   name: 'cert-manager', chart: { repository: jetstack, chart: 'cert-manager', version: 'v1.18.2' },
 *   targetNamespace: 'cert-manager', createNamespace: true, values: { crds: { enabled: true } },
 * });
 */
export class HelmRelease extends FluxResource implements IHelmRelease {
  /** Whether `x` is a HelmRelease construct of this library. */
  public static isHelmRelease(x: unknown): x is HelmRelease {
    return typeof x === 'object' && x !== null && RELEASE_SYMBOL in x;
  }

  /** Imports an existing HelmRelease (declared as provided) to depend on it. `namespace` defaults to the folder's. */
  public static fromName(scope: Construct, id: string, props: ResourceImportProps): IHelmRelease {
    return importFluxObject<IHelmRelease>(scope, id, 'HelmRelease', HELM_GROUP, props);
  }

  public override get kind(): 'HelmRelease' {
    return 'HelmRelease';
  }

  /** The L1 object. */
  public readonly apiObject: l1.HelmRelease;
  /** The kubeconfig Secret of the remote cluster it installs to, if any. */
  public readonly kubeConfig?: FluxKubeConfigSecret;
  private readonly deps: IHelmRelease[] = [];
  private readonly valuesFromList: ValuesReference[] = [];

  public constructor(scope: Construct, id: string, props: HelmReleaseProps) {
    super(scope, id);
    Object.defineProperty(this, RELEASE_SYMBOL, { value: true });
    const { namespace } = resolveIdentity(this, props);
    const sameNs = (ns: string) => (ns === namespace ? {} : { namespace: ns });
    const which = exactlyOne(this, 'chart', props as unknown as Record<string, unknown>, ['chart', 'chartRef']);
    const interval = optDuration(this, 'interval', props.interval, '10m')!;
    let chart: l1.HelmReleaseSpecChart | undefined;
    let chartRef: l1.HelmReleaseSpecChartRef | undefined;
    if (which === 'chart') {
      const c = props.chart!;
      const kind = c.repository.kind;
      if (kind !== 'HelmRepository' && kind !== 'GitRepository' && kind !== 'Bucket') {
        throw propError(this, 'chart.repository', `must be a HelmRepository, GitRepository or Bucket (got ${kind}; use chartRef for an OCIRepository)`);
      }
      if (!c.chart) throw propError(this, 'chart.chart', 'is required (the chart name, or its path in a GitRepository)');
      if (kind !== 'HelmRepository' && c.version !== undefined) throw propError(this, 'chart.version', `only applies to charts from a HelmRepository (the ${kind} revision decides)`);
      addReference(this, 'chart.repository', fluxRef(c.repository));
      // helm-controller copies only `spec.chart.metadata.labels` onto the HelmChart it creates:
      // sharded, the chart must carry the shard key too, or the main source-controller gets it and
      // cannot see the shard's repository (Flux docs, "Flux controllers sharding").
      // A repository of the app (an import's labels are not known).
      const repoMetadata = (c.repository as { apiObject?: { metadata?: { getLabel?: (k: string) => string | undefined } } }).apiObject?.metadata;
      this.node.addValidation({
        validate: () => {
          if (!repoMetadata?.getLabel || kind !== 'HelmRepository') return [];
          const theirs = repoMetadata.getLabel(SHARD_LABEL);
          const ours = props.shardKey;
          if ((theirs ?? '') === (ours ?? '')) return [];
          return [`prop "chart.repository": ${kind} ${c.repository.namespace}/${c.repository.name} has shard key ${theirs ? `"${theirs}"` : 'none'} and this HelmRelease ${ours ? `"${ours}"` : 'none'}: ` +
            `its HelmChart is reconciled by the source-controller of the HelmRelease's shard, which does not watch a repository of another shard, so the chart is never fetched; give both the same shardKey`];
        },
      });
      chart = {
        ...(props.shardKey ? { metadata: { labels: { [SHARD_LABEL]: props.shardKey } } } : {}),
        spec: {
          chart: c.chart,
          ...(c.version ? { version: c.version } : {}),
          ...(c.interval !== undefined ? { interval: optDuration(this, 'chart.interval', c.interval) } : {}),
          sourceRef: { kind: kind as l1.HelmReleaseSpecChartSpecSourceRefKind, name: c.repository.name, ...sameNs(c.repository.namespace) },
        },
      };
    } else {
      const ref = props.chartRef!;
      if (ref.kind !== 'OCIRepository' && ref.kind !== 'ExternalArtifact') throw propError(this, 'chartRef', `must be an OCIRepository or an ExternalArtifact (got ${ref.kind})`);
      addReference(this, 'chartRef', fluxRef(ref));
      chartRef = { kind: ref.kind === 'OCIRepository' ? l1.HelmReleaseSpecChartRefKind.OCI_REPOSITORY : l1.HelmReleaseSpecChartRefKind.EXTERNAL_ARTIFACT, name: ref.name, ...sameNs(ref.namespace) };
    }
    if (props.releaseName !== undefined) checkString(this, 'releaseName', props.releaseName, { ...DNS_SUBDOMAIN, max: 53, description: 'a Helm release name (lowercase letters, digits, "-" and ".", at most 53 characters)' });
    if (props.targetNamespace !== undefined) checkString(this, 'targetNamespace', props.targetNamespace, DNS_LABEL);
    const kubeConfig = props.kubeConfig ? resolveKubeConfig(this, 'HelmRelease', props.kubeConfig, namespace) : undefined;
    this.kubeConfig = kubeConfig;
    if (props.storageNamespace !== undefined) checkString(this, 'storageNamespace', props.storageNamespace, DNS_LABEL);
    else if (kubeConfig && props.targetNamespace !== undefined && props.targetNamespace !== namespace) {
      throw propError(this, 'storageNamespace', `is required with kubeConfig and targetNamespace "${props.targetNamespace}": helm-controller stores the release in the HelmRelease's namespace "${namespace}" on the remote cluster, ` +
        `which must exist there (createNamespace creates only the target namespace); give storageNamespace: '${props.targetNamespace}' for a new release, or '${namespace}' to keep one installed (changing it reinstalls the release)`);
    }
    if (props.serviceAccountName !== undefined) {
      checkString(this, 'serviceAccountName', props.serviceAccountName, DNS_SUBDOMAIN);
      if (!kubeConfig) addReference(this, 'serviceAccountName', { apiGroup: '', kind: 'ServiceAccount', name: props.serviceAccountName, namespace });
    }
    const retries = (prop: string, n: number | undefined, byDefault = 3) => {
      const v = n ?? byDefault;
      if (!Number.isInteger(v) || v < -1) throw propError(this, prop, `must be an integer >= -1 (-1 retries forever), got ${v}`);
      return v;
    };
    const inst = props.install ?? {};
    const up = props.upgrade ?? {};
    const install: l1.HelmReleaseSpecInstall = {
      remediation: { retries: retries('install.remediationRetries', inst.remediationRetries, kubeConfig ? -1 : 3) },
      ...(props.createNamespace ? { createNamespace: true } : {}),
      ...(inst.crds ? { crds: inst.crds as l1.HelmReleaseSpecInstallCrds } : {}),
      ...(inst.timeout !== undefined ? { timeout: optDuration(this, 'install.timeout', inst.timeout) } : {}),
    };
    const upgrade: l1.HelmReleaseSpecUpgrade = {
      remediation: {
        retries: retries('upgrade.remediationRetries', up.remediationRetries),
        remediateLastFailure: up.remediateLastFailure ?? true,
        ...(up.remediationStrategy ? { strategy: up.remediationStrategy as l1.HelmReleaseSpecUpgradeRemediationStrategy } : {}),
      },
      ...(up.crds ? { crds: up.crds as l1.HelmReleaseSpecUpgradeCrds } : {}),
      ...(up.cleanupOnFail ? { cleanupOnFail: true } : {}),
      ...(up.timeout !== undefined ? { timeout: optDuration(this, 'upgrade.timeout', up.timeout) } : {}),
    };
    const timeout = optDuration(this, 'timeout', props.timeout);
    if (props.driftDetection && !['enabled', 'warn', 'disabled'].includes(props.driftDetection)) {
      throw propError(this, 'driftDetection', `"${props.driftDetection}" must be enabled, warn or disabled`);
    }
    this.apiObject = new l1.HelmRelease(this, 'Resource', {
      metadata: fluxMetadata(props, namespace),
      spec: Lazy.any({
        produce: (): l1.HelmReleaseSpec => ({
          interval,
          ...(chart ? { chart } : {}),
          ...(chartRef ? { chartRef } : {}),
          ...(props.releaseName ? { releaseName: props.releaseName } : {}),
          ...(props.targetNamespace ? { targetNamespace: props.targetNamespace } : {}),
          ...(props.storageNamespace ? { storageNamespace: props.storageNamespace } : {}),
          ...(timeout ? { timeout } : {}),
          install,
          upgrade,
          ...(this.deps.length ? { dependsOn: this.deps.map((d) => ({ name: d.name, ...sameNs(d.namespace) })) } : {}),
          ...(props.driftDetection ? { driftDetection: { mode: props.driftDetection as l1.HelmReleaseSpecDriftDetectionMode } } : {}),
          ...(props.serviceAccountName ? { serviceAccountName: props.serviceAccountName } : {}),
          ...(kubeConfig ? { kubeConfig: { secretRef: { name: kubeConfig.name, key: kubeConfig.key } } } : {}),
          ...(props.values && Object.keys(props.values).length ? { values: props.values } : {}),
          ...(this.valuesFromList.length
            ? {
              valuesFrom: this.valuesFromList.map((v) => ({
                kind: v.kind as l1.HelmReleaseSpecValuesFromKind,
                name: v.name,
                ...(v.valuesKey ? { valuesKey: v.valuesKey } : {}),
                ...(v.targetPath ? { targetPath: v.targetPath } : {}),
                ...(v.optional ? { optional: true } : {}),
              })),
            }
            : {}),
          ...(props.suspend ? { suspend: true } : {}),
        }),
      }),
    });
    for (const d of props.dependsOn ?? []) this.addDependsOn(d);
    for (const v of props.valuesFrom ?? []) this.addValuesFrom(v);
    if (props.installsCrds?.length) {
      props.installsCrds.forEach((k, i) => {
        if (!KIND_PATTERN.test(k)) throw propError(this, `installsCrds[${i}]`, `"${k}" must be an API group, "*.<group suffix>" or "<group>/<Kind>"`);
      });
      this.apiObject.metadata.addAnnotation(INSTALLS_CRDS_ANNOTATION, props.installsCrds.join(','));
    }
    applyFluxRemovalPolicy(this, props);
  }

  /** The HelmReleases this one depends on. */
  public get dependencies(): readonly IHelmRelease[] {
    return [...this.deps];
  }

  /** Makes this release wait for `other`. A dependency cycle throws. */
  public addDependsOn(other: IHelmRelease): void {
    addFluxDependency<IHelmRelease>(this, this.deps, other, 'HelmRelease');
  }

  /** Adds values from a ConfigMap or Secret. */
  public addValuesFrom(v: ValuesReference): void {
    const prop = `valuesFrom[${this.valuesFromList.length}]`;
    if (v.kind !== 'ConfigMap' && v.kind !== 'Secret') throw propError(this, `${prop}.kind`, `"${v.kind}" must be ConfigMap or Secret`);
    checkString(this, `${prop}.name`, v.name, DNS_SUBDOMAIN);
    if (v.valuesKey !== undefined) checkString(this, `${prop}.valuesKey`, v.valuesKey, { max: 253, pattern: /^[-._a-zA-Z0-9]+$/, description: 'a ConfigMap/Secret key (letters, digits, "-", "_", ".")' });
    if (!v.optional) addReference(this, prop, { apiGroup: '', kind: v.kind, name: v.name, namespace: this.namespace });
    this.valuesFromList.push(v);
  }
}

