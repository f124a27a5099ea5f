import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import * as l1 from '../../imports/flux/kustomize.toolkit.fluxcd.io';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { addReference } from '../core/references';
import { stableJson } from '../core/stable-json';
import { isLocalRelativeComponent } from '../core/flux-build';
import { RemovalPolicy, removalPolicyOf } from '../core/removal-policy';
import { ResourceImportProps } from '../core/resource';
import { ISecretSource } from '../core/secret';
import { markBuildBoundChecked } from '../gitops/build-bound';
import { Folder } from '../gitops/folder';
import { Repo } from '../gitops/repo';
import {
  addFluxDependency, applyFluxRemovalPolicy, checkRelativePath, FluxDuration, FluxKubeConfig, FluxKubeConfigSecret, fluxMetadata, FluxObjectProps, fluxRef, FluxResource, fluxSecret, IFluxObject,
  importFluxObject, ISource, KUSTOMIZE_GROUP, ObjectReference, optDuration, resolveIdentity, resolveKubeConfig, targetOf,
} from './common';
import { ownBuildProblems } from './build-size';
import { GitRepository } from './git-repository';

/** A Flux Kustomization another object can depend on (a {@link Kustomization} or an import). */
export interface IKustomization extends IFluxObject {
  /** Always `Kustomization`. */
  readonly kind: 'Kustomization';
}

/** The apiVersion of each Flux kind, to render health checks of Flux objects. */
const FLUX_API_VERSIONS: Record<string, string> = {
  'kustomize.toolkit.fluxcd.io': 'kustomize.toolkit.fluxcd.io/v1',
  'helm.toolkit.fluxcd.io': 'helm.toolkit.fluxcd.io/v2',
  'source.toolkit.fluxcd.io': 'source.toolkit.fluxcd.io/v1',
  'notification.toolkit.fluxcd.io': 'notification.toolkit.fluxcd.io/v1beta3',
};

/**
 * An object whose readiness the Kustomization waits for: an ApiObject of the app, a Flux construct
 * (HelmRelease, Kustomization, ...) or a reference by apiVersion/kind/name.
 */
export type HealthCheckTarget = ApiObject | IFluxObject | ObjectReference;

/**
 * How kustomize-controller decides the health of the objects of a kind (`spec.healthCheckExprs`):
 * CEL expressions over the object, for kinds kstatus cannot read (kstatus knows only the
 * `Reconciling` and `Stalled` conditions; an object of another kind without them is healthy as
 * soon as it exists).
 */
export interface HealthCheckExpr {
  /** apiVersion of the kind (`group/version`). */
  readonly apiVersion: string;
  /** The kind. */
  readonly kind: string;
  /** True when the object is healthy. */
  readonly current: string;
  /** True when it failed (the Kustomization fails without waiting for its timeout). @default - none */
  readonly failed?: string;
  /** True while it progresses. @default - none (not current and not failed) */
  readonly inProgress?: string;
}

/** Target of a patch (`spec.patches[].target`); every field narrows the selection. */
export interface PatchTarget {
  /** API group. @default - any */
  readonly group?: string;
  /** API version. @default - any */
  readonly version?: string;
  /** Kind. @default - any */
  readonly kind?: string;
  /** Name (regular expression). @default - any */
  readonly name?: string;
  /** Namespace (regular expression). @default - any */
  readonly namespace?: string;
  /** Label selector. @default - any */
  readonly labelSelector?: string;
  /** Annotation selector. @default - any */
  readonly annotationSelector?: string;
}

/** One JSON 6902 operation. */
export interface JsonPatchOperation {
  /** `add`, `remove`, `replace`, `copy`, `move` or `test`. */
  readonly op: 'add' | 'remove' | 'replace' | 'copy' | 'move' | 'test';
  /** JSON pointer. */
  readonly path: string;
  /** Value for add/replace/test. @default - none */
  readonly value?: unknown;
  /** Source pointer for copy/move. @default - none */
  readonly from?: string;
}

/**
 * A patch applied by kustomize-controller after building the path (`spec.patches`): a strategic
 * merge patch (an object with apiVersion/kind/metadata), or JSON 6902 operations with a target.
 */
export interface KustomizationPatch {
  /** The patch: a strategic-merge object, a list of JSON 6902 operations, or the YAML text. */
  readonly patch: Record<string, unknown> | JsonPatchOperation[] | string;
  /** What it applies to (required for JSON 6902 operations). @default - the object named in a strategic-merge patch */
  readonly target?: PatchTarget;
}

/** Ready-made patches for per-environment overlays. */
export class Patches {
  /** Sets `spec.replicas` of the workloads of a kind (and optionally name). */
  public static replicas(kind: string, name: string | undefined, replicas: number): KustomizationPatch {
    return { patch: [{ op: 'replace', path: '/spec/replicas', value: replicas }], target: { kind, ...(name ? { name } : {}) } };
  }

  /** Sets the chart version of a HelmRelease (`spec.chart.spec.version`). */
  public static helmChartVersion(releaseName: string, version: string): KustomizationPatch {
    return { patch: [{ op: 'replace', path: '/spec/chart/spec/version', value: version }], target: { kind: 'HelmRelease', name: releaseName } };
  }

  /** Merges values into a HelmRelease's `spec.values` (strategic merge). */
  public static helmValues(releaseName: string, namespace: string, values: Record<string, unknown>): KustomizationPatch {
    return {
      patch: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: releaseName, namespace }, spec: { values } },
      target: { kind: 'HelmRelease', name: releaseName, namespace },
    };
  }
}

/** A ConfigMap or Secret variables are substituted from (`spec.postBuild.substituteFrom`). */
export interface SubstituteFrom {
  /** `ConfigMap` or `Secret`. */
  readonly kind: 'ConfigMap' | 'Secret';
  /** Its name (in the Kustomization's namespace). */
  readonly name: string;
  /** Do not fail when it does not exist (no reference is checked then). @default false */
  readonly optional?: boolean;
}

/** SOPS decryption of encrypted files (`spec.decryption`). */
export interface Decryption {
  /** Only `sops` exists. */
  readonly provider: 'sops';
  /**
   * Secret holding the age/PGP private keys, in the Kustomization's namespace (kustomize-controller
   * reads it from there): an {@link ISecretSource} or the name of a Secret managed outside the app.
   * @default - cloud KMS through the controller's identity
   */
  readonly secretRef?: ISecretSource | string;
}

/** Props of a {@link Kustomization}. */
export interface KustomizationProps extends FluxObjectProps {
  /** The source whose artifact is built (a GitRepository or OCIRepository construct, or an import). */
  readonly source: ISource;

  /**
   * Path inside the source, starting with `./` (`./clusters/prod`). Prefer
   * {@link Kustomization.forFolder}, which derives it from a {@link Folder}.
   */
  readonly path: string;

  /**
   * Whether objects removed from the source are deleted from the cluster. Required: there is no
   * silent default (Flux defaults to `false`, `flux bootstrap` uses `true`). An object applied
   * here keeps itself out of pruning with its own removal policy (`applyRemovalPolicy(RETAIN)`
   * writes `kustomize.toolkit.fluxcd.io/prune: disabled` on it). This Kustomization's own
   * `removalPolicy` is about the Kustomization object (whether the Kustomization applying it
   * prunes it), not about what it applies.
   */
  readonly prune: boolean;

  /** Reconcile interval. @default '10m' */
  readonly interval?: FluxDuration;
  /** Retry interval after a failure. @default - the interval (Flux's default) */
  readonly retryInterval?: FluxDuration;
  /** Timeout of build, apply and health checks. @default - the interval (Flux's default) */
  readonly timeout?: FluxDuration;
  /** Wait for every applied object to become ready (health checks of all of them). @default false */
  readonly wait?: boolean;
  /** Kustomizations that must be ready first. Cycles are errors. @default - none */
  readonly dependsOn?: IKustomization[];
  /** Objects to health-check (when not waiting for all). @default - none */
  readonly healthChecks?: HealthCheckTarget[];
  /**
   * How to tell the health of kinds kstatus cannot read (`spec.healthCheckExprs`), e.g.
   * `CROSSPLANE_HEALTH_CHECK_EXPRS`, `kroHealthCheckExprs(...)`. One per kind.
   * @default - none
   */
  readonly healthCheckExprs?: HealthCheckExpr[];
  /** Variables substituted in the built manifests (`${VAR}`). @default - none */
  readonly substitute?: Record<string, string>;
  /** ConfigMaps/Secrets variables are substituted from. @default - none */
  readonly substituteFrom?: SubstituteFrom[];
  /**
   * ServiceAccount (in the Kustomization's namespace, on the target cluster) impersonated to apply
   * the manifests. Multi-tenancy: tenants' Kustomizations always set it.
   * @default - the controller's own account (cluster-admin on its cluster, or the kubeconfig's user)
   */
  readonly serviceAccountName?: string;
  /** Namespace set on every namespaced object applied. @default - the objects keep their namespaces */
  readonly targetNamespace?: string;
  /**
   * Apply to a remote cluster: a Cluster API cluster (its `<cluster>-kubeconfig` Secret, key
   * `value`), a kubeconfig Secret, or a key of a Secret (`{ secret, key }`). The Kustomization
   * must live in the Secret's namespace (kustomize-controller reads it from there).
   * @default - the cluster the Kustomization runs on
   */
  readonly kubeConfig?: FluxKubeConfig;
  /** SOPS decryption. @default - none */
  readonly decryption?: Decryption;
  /**
   * What happens to applied objects when the Kustomization is deleted.
   * @default - 'Orphan' for a Kustomization with a `kubeConfig` that is retained (`RETAIN`: as it
   * is when the cluster it applies to is, see `GitOpsApp`), so deleting it by hand once it has
   * left the app does not empty the cluster; else 'MirrorPrune' (Flux: follow `prune`)
   */
  readonly deletionPolicy?: 'MirrorPrune' | 'Delete' | 'WaitForTermination' | 'Orphan';
  /** Patches applied after the build. @default - none */
  readonly patches?: KustomizationPatch[];
  /** Kustomize components, relative to `path`. @default - none */
  readonly components?: string[];
  /**
   * Recreate objects the API server refuses to update. kustomize-controller deletes and recreates an
   * object whose apply fails as invalid or conflicting (HTTP 422 or 409): immutable fields, but also
   * any admission webhook's refusal (fluxcd/pkg `ssa` `IsImmutableError`). Synth refuses it on a build
   * holding stateful kinds or retained objects (a CAPI Cluster refused by Cluster API's webhook would
   * be deleted with its AKS cluster), as it refuses the per-object `kustomize.toolkit.fluxcd.io/force:
   * enabled` on them, and `spec.force` of an L1 or raw Kustomization object on its rendered build
   * (also in `cdk8s-platform validate`).
   * @default false
   */
  readonly force?: boolean;
  /** Suspend reconciliation. @default false */
  readonly suspend?: boolean;
}

/** Props of {@link Kustomization.forFolder}: a Kustomization without `path`. */
export type KustomizationForFolderProps = Omit<KustomizationProps, 'path'>;

const KUSTOMIZATION_SYMBOL = Symbol.for('cdk8s-platform.flux.Kustomization');

/**
 * A Flux `Kustomization` (kustomize.toolkit.fluxcd.io/v1): builds a path of a source with
 * kustomize and applies it, in dependency order, optionally as a ServiceAccount or to a remote
 * cluster.
 *
 * Removal: `prune` decides what happens to objects removed from the source, `deletionPolicy` what
 * happens to the applied objects when this Kustomization is deleted, and `removalPolicy` /
 * {@link Kustomization.applyRemovalPolicy} what happens to this Kustomization object itself when
 * it is removed from the app.
 *
 * @example
 * const infra = Kustomization.forFolder(clusterFolder, 'infra', repo.folder('infrastructure'), { name: 'infra', source, prune: true, wait: true });
 */
export class Kustomization extends FluxResource implements IKustomization {
  /** Whether `x` is a Kustomization construct of this library. */
  public static isKustomization(x: unknown): x is Kustomization {
    return typeof x === 'object' && x !== null && KUSTOMIZATION_SYMBOL in x;
  }

  /**
   * A Kustomization applying a {@link Folder} of the source's repo: `path` is `./<folder.path>`.
   * When the source is a {@link GitRepository} of an app {@link Repo}, the folder must be in it.
   */
  public static forFolder(scope: Construct, id: string, folder: Folder, props: KustomizationForFolderProps): Kustomization {
    const source = props.source as Partial<GitRepository>;
    if (source && source.repo && Repo.of(folder) !== source.repo) {
      throw propError(scope, 'folder', `folder "${folder.path}" is in repo "${Repo.of(folder).node.id}", not in repo "${source.repo.node.id}" fetched by source ${props.source.name}`);
    }
    return new Kustomization(scope, id, { ...props, path: `./${folder.path}` });
  }

  /** Imports an existing Kustomization (declared as provided) to depend on it. `namespace` defaults to the folder's. */
  public static fromName(scope: Construct, id: string, props: ResourceImportProps): IKustomization {
    return importFluxObject<IKustomization>(scope, id, 'Kustomization', KUSTOMIZE_GROUP, props);
  }

  public override get kind(): 'Kustomization' {
    return 'Kustomization';
  }

  /** The source applied. */
  public readonly source: ISource;
  /** `spec.path`. */
  public readonly path: string;
  /** The ServiceAccount impersonated, if any. */
  public readonly serviceAccountName?: string;
  /** The kubeconfig Secret of the remote cluster, if any. */
  public readonly kubeConfig?: FluxKubeConfigSecret;
  /** `spec.targetNamespace`: the namespace set on every namespaced object applied, if any. */
  public readonly targetNamespace?: string;
  /** `spec.force`: objects the API server refuses to update are deleted and recreated. */
  public readonly force: boolean;
  /** The L1 object. */
  public readonly apiObject: l1.Kustomization;
  private readonly deps: IKustomization[] = [];
  private readonly checks: HealthCheckTarget[] = [];
  private readonly checkExprs: HealthCheckExpr[] = [];
  private readonly patchList: KustomizationPatch[] = [];
  private readonly substitutions: Record<string, string> = {};
  private readonly substituteFromList: SubstituteFrom[] = [];
  private readonly componentsProp: readonly string[];

  public constructor(scope: Construct, id: string, props: KustomizationProps) {
    super(scope, id);
    Object.defineProperty(this, KUSTOMIZATION_SYMBOL, { value: true });
    const { namespace } = resolveIdentity(this, props);
    if (typeof props.name === 'string' && props.name.length > 63) {
      // kustomize-controller labels every object it applies `kustomize.toolkit.fluxcd.io/name: <name>`;
      // a longer value fails the apply of every object (fluxcd/flux2#2004).
      throw propError(this, 'name', `"${props.name}" is ${props.name.length} characters: kustomize-controller labels every object it applies with it (kustomize.toolkit.fluxcd.io/name) and a label value has at most 63, so nothing would apply; use at most 63 characters`);
    }
    if (!props.source) throw propError(this, 'source', 'is required (a GitRepository, OCIRepository, Bucket or ExternalArtifact)');
    this.source = props.source;
    addReference(this, 'sourceRef', fluxRef(props.source));
    this.path = checkRelativePath(this, 'path', props.path);
    if (typeof props.prune !== 'boolean') throw propError(this, 'prune', 'is required: say whether objects removed from the source are deleted (true) or left (false)');

    const interval = optDuration(this, 'interval', props.interval, '10m')!;
    const retryInterval = optDuration(this, 'retryInterval', props.retryInterval);
    const timeout = optDuration(this, 'timeout', props.timeout);

    if (props.kubeConfig) this.kubeConfig = resolveKubeConfig(this, 'Kustomization', props.kubeConfig, namespace);
    if (props.serviceAccountName !== undefined) {
      checkString(this, 'serviceAccountName', props.serviceAccountName, DNS_SUBDOMAIN);
      this.serviceAccountName = props.serviceAccountName;
      // With a kubeConfig, the account is impersonated on the remote cluster: not an object of this one.
      if (!this.kubeConfig) addReference(this, 'serviceAccountName', { apiGroup: '', kind: 'ServiceAccount', name: props.serviceAccountName, namespace });
    }
    if (props.targetNamespace !== undefined) checkString(this, 'targetNamespace', props.targetNamespace, DNS_LABEL);
    this.targetNamespace = props.targetNamespace;
    this.force = props.force ?? false;
    this.componentsProp = [...(props.components ?? [])];
    let decryptionSecret: string | undefined;
    if (props.decryption) {
      if (props.decryption.provider !== 'sops') throw propError(this, 'decryption.provider', `"${props.decryption.provider}" must be "sops"`);
      if (props.decryption.secretRef) decryptionSecret = fluxSecret(this, 'decryption.secretRef', props.decryption.secretRef, namespace);
    }
    for (const c of props.components ?? []) {
      if (c.startsWith('/')) throw propError(this, 'components', `"${c}" must be relative to the path`);
      if (!isLocalRelativeComponent(c)) {
        throw propError(this, 'components', `"${c}" must be a local path relative to the path: kustomize-controller refuses a remote component ("component path must be local and relative"); vendor it into the repo and name its directory`);
      }
    }

    const sameNs = (ns: string | undefined) => (ns === undefined || ns === namespace ? {} : { namespace: ns });
    this.apiObject = new l1.Kustomization(this, 'Resource', {
      metadata: fluxMetadata(props, namespace),
      spec: Lazy.any({
        produce: (): l1.KustomizationSpec => ({
          interval,
          path: this.path,
          prune: props.prune,
          sourceRef: { kind: props.source.kind as l1.KustomizationSpecSourceRefKind, name: props.source.name, ...sameNs(props.source.namespace) },
          ...(retryInterval ? { retryInterval } : {}),
          ...(timeout ? { timeout } : {}),
          ...(props.wait !== undefined ? { wait: props.wait } : {}),
          ...(this.deps.length ? { dependsOn: this.deps.map((d) => ({ name: d.name, ...sameNs(d.namespace) })) } : {}),
          ...(this.checks.length ? { healthChecks: this.checks.map((h) => this.renderHealthCheck(h)) } : {}),
          ...(this.checkExprs.length ? { healthCheckExprs: this.checkExprs.map((e) => ({ ...e })) } : {}),
          ...(this.serviceAccountName ? { serviceAccountName: this.serviceAccountName } : {}),
          ...(props.targetNamespace ? { targetNamespace: props.targetNamespace } : {}),
          ...(this.kubeConfig ? { kubeConfig: { secretRef: { name: this.kubeConfig.name, key: this.kubeConfig.key } } } : {}),
          ...(props.decryption
            ? { decryption: { provider: l1.KustomizationSpecDecryptionProvider.SOPS, ...(decryptionSecret ? { secretRef: { name: decryptionSecret } } : {}) } }
            : {}),
          ...(props.deletionPolicy
            ? { deletionPolicy: props.deletionPolicy as l1.KustomizationSpecDeletionPolicy }
            : this.kubeConfig && removalPolicyOf(this.apiObject) === RemovalPolicy.RETAIN ? { deletionPolicy: l1.KustomizationSpecDeletionPolicy.ORPHAN } : {}),
          ...(this.patchList.length ? { patches: this.patchList.map(renderPatch) } : {}),
          ...(props.components?.length ? { components: [...props.components] } : {}),
          ...(Object.keys(this.substitutions).length || this.substituteFromList.length
            ? {
              postBuild: {
                ...(Object.keys(this.substitutions).length ? { substitute: sortKeys(this.substitutions) } : {}),
                ...(this.substituteFromList.length
                  ? {
                    substituteFrom: this.substituteFromList.map((s) => ({
                      kind: s.kind as l1.KustomizationSpecPostBuildSubstituteFromKind,
                      name: s.name,
                      ...(s.optional ? { optional: true } : {}),
                    })),
                  }
                  : {}),
              },
            }
            : {}),
          ...(props.force ? { force: true } : {}),
          ...(props.suspend ? { suspend: true } : {}),
        }),
      }),
    });
    // Its build is bounded by its own check (ownBuildProblems), not again by the apply-order model.
    markBuildBoundChecked(this.apiObject);
    for (const d of props.dependsOn ?? []) this.addDependsOn(d);
    for (const h of props.healthChecks ?? []) this.addHealthCheck(h);
    this.addHealthCheckExprs(...(props.healthCheckExprs ?? []));
    for (const p of props.patches ?? []) this.addPatch(p);
    for (const [k, v] of Object.entries(props.substitute ?? {})) this.addSubstitute(k, v);
    for (const s of props.substituteFrom ?? []) this.addSubstituteFrom(s);
    applyFluxRemovalPolicy(this, props);
    // What kustomize-controller builds, applies and inventories must stay bounded (once per app and pass).
    this.node.addValidation({ validate: () => ownBuildProblems(this) });
  }

  /**
   * Sets what happens to this Kustomization object when it is removed from the app: `RETAIN`
   * keeps it (the Kustomization applying it does not prune it, so it goes on reconciling what it
   * applies). What it applies follows `prune` and `deletionPolicy`.
   */
  public override applyRemovalPolicy(policy: RemovalPolicy): void {
    super.applyRemovalPolicy(policy);
  }

  /** The kustomize components of the build (`spec.components`), relative to its path. */
  public get components(): readonly string[] {
    return this.componentsProp;
  }

  /**
   * What changes the objects its build applies, beyond the files (`targetNamespace`, `patches`,
   * `components`, `postBuild` substitutions), as stable JSON: two Kustomizations building the same
   * folder with the same transform apply the same objects. @internal
   */
  public _buildTransform(): string {
    return stableJson({
      targetNamespace: this.targetNamespace ?? null,
      patches: this.patchList.map(renderPatch),
      components: this.componentsProp,
      substitute: sortKeys(this.substitutions),
      substituteFrom: this.substituteFromList,
    });
  }

  /** The Kustomizations this one depends on. */
  public get dependencies(): readonly IKustomization[] {
    return [...this.deps];
  }

  /** Makes this Kustomization wait for `other` to be ready. A dependency cycle throws. */
  public addDependsOn(other: IKustomization): void {
    addFluxDependency<IKustomization>(this, this.deps, other, 'Kustomization');
  }

  /** Adds an object to health-check. */
  public addHealthCheck(target: HealthCheckTarget): void {
    const prop = `healthChecks[${this.checks.length}]`;
    if (!target || !target.kind || !target.name) throw propError(this, prop, 'must be an ApiObject, a Flux construct or { apiVersion, kind, name }');
    this.checks.push(target);
  }

  /**
   * Adds CEL health checks of kinds (`spec.healthCheckExprs`). The same expressions for a kind
   * already checked are ignored (helpers may add them twice); other ones are an error.
   */
  public addHealthCheckExprs(...exprs: HealthCheckExpr[]): void {
    for (const e of exprs) {
      const prop = `healthCheckExprs[${this.checkExprs.length}]`;
      if (!e || typeof e.apiVersion !== 'string' || !e.apiVersion.includes('/') || typeof e.kind !== 'string' || !e.kind || typeof e.current !== 'string' || !e.current.trim()) {
        throw propError(this, prop, 'must be { apiVersion: "<group>/<version>", kind, current } (CEL expressions: current, and optionally failed and inProgress)');
      }
      const same = this.checkExprs.find((x) => x.apiVersion === e.apiVersion && x.kind === e.kind);
      if (same) {
        if (same.current === e.current && same.failed === e.failed && same.inProgress === e.inProgress) continue;
        throw propError(this, prop, `${e.kind} (${e.apiVersion}) already has health check expressions; Flux takes one entry per kind`);
      }
      this.checkExprs.push({ apiVersion: e.apiVersion, kind: e.kind, current: e.current, ...(e.failed ? { failed: e.failed } : {}), ...(e.inProgress ? { inProgress: e.inProgress } : {}) });
    }
  }

  /** Adds a patch. */
  public addPatch(patch: KustomizationPatch): void {
    if (Array.isArray(patch.patch) && !patch.target) {
      throw propError(this, `patches[${this.patchList.length}].target`, 'is required for JSON 6902 operations');
    }
    this.patchList.push(patch);
  }

  /** Adds a post-build variable (`${name}` in the manifests). */
  public addSubstitute(name: string, value: string): void {
    if (!/^[_a-zA-Z][_a-zA-Z0-9]*$/.test(name)) throw propError(this, `substitute.${name}`, 'variable names must be letters, digits and "_", not starting with a digit');
    this.substitutions[name] = value;
  }

  /** Adds a ConfigMap or Secret to substitute variables from. */
  public addSubstituteFrom(from: SubstituteFrom): void {
    const prop = `substituteFrom[${this.substituteFromList.length}]`;
    if (from.kind !== 'ConfigMap' && from.kind !== 'Secret') throw propError(this, `${prop}.kind`, `"${from.kind}" must be ConfigMap or Secret`);
    checkString(this, `${prop}.name`, from.name, DNS_SUBDOMAIN);
    if (!from.optional) addReference(this, prop, { apiGroup: '', kind: from.kind, name: from.name, namespace: this.namespace });
    this.substituteFromList.push(from);
  }

  private renderHealthCheck(h: HealthCheckTarget): l1.KustomizationSpecHealthChecks {
    let t: { apiVersion?: string; kind: string; name: string; namespace?: string };
    if ('apiGroup' in h && !(h instanceof ApiObject)) {
      t = { apiVersion: FLUX_API_VERSIONS[h.apiGroup], kind: h.kind, name: h.name, namespace: h.namespace };
    } else {
      t = targetOf(h as ApiObject | ObjectReference);
    }
    return { ...(t.apiVersion ? { apiVersion: t.apiVersion } : {}), kind: t.kind, name: t.name, ...(t.namespace ? { namespace: t.namespace } : {}) };
  }
}

/** A dependency path from `from` to `to` (following dependsOn of Kustomization constructs), if any. */

/** A patch as an entry of `patches:` (of a Flux Kustomization, or of a kustomization.yaml): the patch as YAML text, and its target. */
export function renderPatch(p: KustomizationPatch): l1.KustomizationSpecPatches {
  const text = typeof p.patch === 'string' ? p.patch : stringify(p.patch);
  return { patch: text, ...(p.target ? { target: { ...p.target } } : {}) };
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
