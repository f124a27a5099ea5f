/**
 * The apply-order model: checks, for every Flux Kustomization of a set of repo trees, that every
 * object of its build can be applied when Flux applies it.
 *
 * kustomize-controller builds the Kustomization's path, runs one server-side dry-run of the whole
 * build and applies it in stages: CustomResourceDefinitions and Namespaces first, then the rest
 * (fluxcd/kustomize-controller docs, "Controlling the apply order of manifests"). When any object's
 * kind is unknown to the API server the dry-run fails and nothing of the build is applied
 * (fluxcd/kustomize-controller#1194: there is no option to skip the dry-run). A kind established
 * asynchronously (a Crossplane Provider package, an XRD, a kro ResourceGraphDefinition, a
 * HelmRelease whose chart installs CRDs) therefore can never sit in the same build as an object of
 * that kind: the establisher would never be applied. It must be in another Kustomization this one
 * `dependsOn` (transitively), and that Kustomization must wait for it (`wait: true` or a health
 * check of the establisher).
 *
 * The same model bounds each build: a Kustomization building more objects than its source repo's
 * bound (default 1,000, see lib/gitops/build-bound.ts) is a problem too, also when it is an L1 or
 * raw object, or in a tree this library did not write: kustomize build time and the inventory grow
 * with the build.
 *
 * Input: the objects of each repo tree with their files and the `kustomization.yaml` resources of
 * each folder, from an app in memory ({@link GitOpsApp}) or a tree on disk
 * (`cdk8s-platform validate`). Output: one problem per object that would not apply, and per
 * Kustomization building too much.
 */
import { normalizeRepoUrl } from '../core/repo-url';
import { withPrefix } from '../core/sorted';
import * as posix from 'path/posix';
import { IConstruct } from 'constructs';
import type { KubeObject } from './layout';
import { groupOf } from '../core/validation/metadata';
import { FLUX_SSA_ANNOTATION, forcedBuildMessage, hasFluxMarker, keptByFluxPrune, mustNotForce } from '../core/removal-policy';
import { upjetAzureApiGroups } from '../core/upjet-azure-groups';
import { objectId } from '../safety/protection';

export { upjetAzureApiGroups } from '../core/upjet-azure-groups';
import { isClusterScoped } from '../core/kinds';
import { buildBoundMessage, DEFAULT_MAX_OBJECTS_PER_BUILD, isBuildBoundChecked, maxObjectsPerBuild } from './build-bound';
import { kubeConfigCluster, artifactGitSources, builtDirectories, listedEntries, droppedByDeletePatches, fluxBuildPath, fluxSpecPath, isLocalRelativeComponent, fluxSpecComponents, fluxSpecRename, renameChains, renamedThrough, renames, withoutDroppedDirectories, type BuildTree, type BuiltDirectory, type ComponentRename, type KustomizeRename } from '../core/flux-build';
import { artifactLeftOut, describeExclusion, sourceControllerFilter, type Exclusion, type SourceFilter, type SourceIgnoreFile } from '../core/source-ignore';
import { deletedByPatches } from '../core/patch-targets';
import { findPath } from '../core/graph-path';
import { importedGitSources } from '../core/imported-sources';
import { isSharedSealingKeyScope } from '../core/shared-sealing-key';
import { Overlay } from './kustomize';
import type { Repo } from './repo';
import { isKustomizeConfig } from '../tree/read';

/** A set of API groups (and Namespaces) a cluster has before any Kustomization applies. */
export interface PreinstalledSet {
  /** Name shown in messages (e.g. `flux`). */
  readonly name: string;
  /**
   * The API kinds: an API group (`cluster.x-k8s.io`), a group suffix pattern
   * (`*.toolkit.fluxcd.io`) or one kind of a group (`kro.run/ResourceGraphDefinition`).
   */
  readonly kinds: readonly string[];
  /** Namespaces that exist. @default - none */
  readonly namespaces?: readonly string[];
  /**
   * Feature gates its controllers run with beyond their defaults, as their `--feature-gates` name
   * them (`ClusterTopology`): the model knows the gates of Cluster API (see
   * {@link Preinstalled.CAPI_CLUSTER_TOPOLOGY}).
   * @default - none: each controller's defaults
   */
  readonly featureGates?: readonly string[];
}

/** An API group, `*.<group suffix>` or `<group>/<Kind>` (pre-installed sets, `installsCrds`). */
export const KIND_PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(\/[A-Za-z][A-Za-z0-9]*)?$/;

/**
 * The ASO kinds the ASO bundled with CAPZ serves (the `--crd-pattern` of CAPZ v1.26.0
 * `config/aso/kustomization.yaml`, before `ADDITIONAL_ASO_CRDS`).
 */
const CAPZ_ASO_KINDS = [
  'containerservice.azure.com/FleetsMember', 'containerservice.azure.com/MaintenanceConfiguration', 'containerservice.azure.com/ManagedCluster',
  'containerservice.azure.com/ManagedClustersAgentPool', 'kubernetesconfiguration.azure.com/Extension', 'network.azure.com/BastionHost',
  'network.azure.com/NatGateway', 'network.azure.com/PrivateEndpoint', 'network.azure.com/VirtualNetwork', 'network.azure.com/VirtualNetworksSubnet',
  'resources.azure.com/ResourceGroup',
];

/**
 * Named presets of what bootstrap installs on a cluster, for {@link declarePreinstalled} and
 * `cdk8s-platform validate --preinstalled <name>`.
 */
export class Preinstalled {
  /** Flux controllers (`flux bootstrap`): every `*.toolkit.fluxcd.io` kind, namespace `flux-system`. */
  public static readonly FLUX: PreinstalledSet = { name: 'flux', kinds: ['*.toolkit.fluxcd.io'], namespaces: ['flux-system'] };
  /**
   * Flux's source-watcher (`flux bootstrap --components-extra=source-watcher`, Flux 2.7 and
   * later): the ArtifactGenerator kind (`source.extensions.fluxcd.io`). `FluxBootstrap`'s
   * `componentsExtra: ['source-watcher']` declares it on the bootstrap's cluster.
   */
  public static readonly SOURCE_WATCHER: PreinstalledSet = { name: 'source-watcher', kinds: ['source.extensions.fluxcd.io'], namespaces: [] };
  /** Crossplane core (its Helm chart): packages, XRDs, compositions, operations, usages. */
  public static readonly CROSSPLANE: PreinstalledSet = {
    name: 'crossplane',
    kinds: ['apiextensions.crossplane.io', 'pkg.crossplane.io', 'ops.crossplane.io', 'protection.crossplane.io'],
    namespaces: ['crossplane-system'],
  };
  /**
   * Cluster API core, kubeadm bootstrap/control plane and addons (`clusterctl init`), with its
   * default feature gates: ClusterTopology off, so CAPI's webhooks refuse every ClusterClass,
   * KubeadmControlPlaneTemplate and Cluster with a `spec.topology` (a Fleet's, an
   * `AksClusterClass`'s); for those, see {@link CAPI_CLUSTER_TOPOLOGY}.
   */
  public static readonly CAPI: PreinstalledSet = { name: 'capi', kinds: ['cluster.x-k8s.io', '*.cluster.x-k8s.io'], namespaces: ['capi-system'] };
  /**
   * Cluster API installed with the ClusterTopology feature gate on (`CLUSTER_TOPOLOGY=true
   * clusterctl init ...`, which sets `--feature-gates=ClusterTopology=true` on the core and kubeadm
   * control plane controllers): what ClusterClasses and Clusters with a `spec.topology`
   * (`AksClusterClass`, `TopologyCluster`, `Fleet`) need. The gate is alpha and off by default
   * (Cluster API v1.14 `feature.ClusterTopology`), and CAPI's webhooks refuse those objects while
   * it is off ("can be set only if the ClusterTopology feature flag is enabled"), in Flux's dry-run too.
   */
  public static readonly CAPI_CLUSTER_TOPOLOGY: PreinstalledSet = { name: 'capi-cluster-topology', kinds: ['cluster.x-k8s.io', '*.cluster.x-k8s.io'], namespaces: ['capi-system'], featureGates: ['ClusterTopology'] };
  /**
   * Cluster API Provider Azure (`clusterctl init --infrastructure azure`), with the ASO it bundles,
   * which serves only the ASO kinds CAPZ itself creates (its `--crd-pattern`, CAPZ
   * `config/aso/kustomization.yaml`): for more, see {@link capzWith}.
   */
  public static readonly CAPZ: PreinstalledSet = { name: 'capz', kinds: ['infrastructure.cluster.x-k8s.io', ...CAPZ_ASO_KINDS], namespaces: ['capz-system'] };
  /**
   * Azure Service Operator v2 serving every `*.azure.com` kind: installed with `crdPattern: '*'`.
   * ASO installs no CRD by default, only those its `crdPattern` names (ASO docs, "CRD management in
   * ASO"): declare that pattern with {@link asoWith}.
   */
  public static readonly ASO: PreinstalledSet = { name: 'aso', kinds: ['*.azure.com'], namespaces: ['azureserviceoperator-system'] };
  /** kro (its Helm chart): the ResourceGraphDefinition kind (instance kinds come from each RGD). */
  public static readonly KRO: PreinstalledSet = { name: 'kro', kinds: ['kro.run/ResourceGraphDefinition'], namespaces: ['kro-system'] };
  /** The sealed-secrets controller (bitnami.com SealedSecret). */
  public static readonly SEALED_SECRETS: PreinstalledSet = { name: 'sealed-secrets', kinds: ['bitnami.com'], namespaces: [] };
  /** cert-manager. */
  public static readonly CERT_MANAGER: PreinstalledSet = { name: 'cert-manager', kinds: ['cert-manager.io', 'acme.cert-manager.io'], namespaces: ['cert-manager'] };

  /** Every named preset, by name. */
  public static presets(): Record<string, PreinstalledSet> {
    const all = [Preinstalled.FLUX, Preinstalled.SOURCE_WATCHER, Preinstalled.CROSSPLANE, Preinstalled.CAPI, Preinstalled.CAPI_CLUSTER_TOPOLOGY, Preinstalled.CAPZ, Preinstalled.ASO, Preinstalled.KRO, Preinstalled.SEALED_SECRETS, Preinstalled.CERT_MANAGER];
    return Object.fromEntries(all.map((s) => [s.name, s]));
  }

  /**
   * {@link CAPZ} installed with `ADDITIONAL_ASO_CRDS` (`clusterctl init` reads it): its bundled ASO
   * also serves these kinds, written as in that variable, `<group>/<Kind>` or `<group>/*` (e.g.
   * `authorization.azure.com/RoleAssignment` for the RoleAssignments of `kubeconfigAccess`).
   */
  public static capzWith(additionalAsoCrds: readonly string[]): PreinstalledSet {
    const extra = additionalAsoCrds.map((k) => (k.endsWith('/*') ? k.slice(0, -2) : k));
    for (const [i, k] of extra.entries()) {
      if (!KIND_PATTERN.test(k) || !/\.azure\.com(\/|$)/.test(k)) throw new Error(`Preinstalled.capzWith: "${additionalAsoCrds[i]}" must be an ASO kind as ADDITIONAL_ASO_CRDS lists it, "<group>.azure.com/<Kind>" or "<group>.azure.com/*"`);
    }
    return { name: `capz+${additionalAsoCrds.join(';')}`, kinds: [...Preinstalled.CAPZ.kinds, ...extra], namespaces: [...(Preinstalled.CAPZ.namespaces ?? [])] };
  }

  /**
   * Azure Service Operator v2 installed with a `crdPattern` (the Helm value, or `--crd-pattern` of
   * `asoctl export template` and of the manager): it installs only the CRDs the pattern names (a
   * lower bound: it also keeps upgrading those already on the cluster), as ASO reads it:
   * semicolon-separated, case-insensitive globs of `<group>/<Kind>` (`*`, `?`) over its own kinds, e.g.
   * `resources.azure.com/*;dbforpostgresql.azure.com/*` (validate: `--preinstalled aso:<crdPattern>`).
   */
  public static asoWith(crdPattern: string): PreinstalledSet {
    const patterns = crdPattern.split(';').filter((p) => p !== '');
    for (const p of patterns) {
      if (/\s/.test(p)) throw new Error(`Preinstalled.asoWith: "${p}": ASO does not trim crdPattern entries, so this one matches no CRD; remove the spaces`);
      if (p !== '*' && !/^[A-Za-z0-9.*?-]+\/[A-Za-z0-9*?]+$/.test(p)) throw new Error(`Preinstalled.asoWith: "${p}" must be a crdPattern entry as ASO takes it, "<group>/<Kind>" with * and ? globs (e.g. "resources.azure.com/*")`);
    }
    if (patterns.length === 0) throw new Error('Preinstalled.asoWith: the crdPattern names no kind (ASO then installs no CRD); name the kinds the app uses, e.g. "resources.azure.com/*"');
    return { name: `aso+${patterns.join(';')}`, kinds: patterns.map((p) => `${ASO_GLOB}${p}`), namespaces: [...(Preinstalled.ASO.namespaces ?? [])] };
  }

  /** A custom set: API groups / patterns / `group/Kind`s and Namespaces. */
  public static of(name: string, kinds: readonly string[], namespaces: readonly string[] = []): PreinstalledSet {
    for (const k of kinds) {
      if (!KIND_PATTERN.test(k)) throw new Error(`Preinstalled.of("${name}"): "${k}" must be an API group, "*.<group suffix>" or "<group>/<Kind>"`);
    }
    return { name, kinds: [...kinds], namespaces: [...namespaces] };
  }
}

const PREINSTALLED_SYMBOL = Symbol.for('cdk8s-platform.preinstalled');

/**
 * Declares what a cluster has before Flux applies anything (installed by bootstrap or by hand):
 * objects of these kinds and in these Namespaces need no establisher in the app. `scope` is a
 * {@link Folder} (its cluster: the folder's `cluster`, else the repo's own cluster) or the app /
 * a Repo (every cluster). Flux's own kinds and `flux-system` need no declaration on a cluster a
 * Kustomization is reconciled on.
 *
 * @example
 * declarePreinstalled(repo.folder('clusters/mgmt'), Preinstalled.CROSSPLANE, Preinstalled.CAPI_CLUSTER_TOPOLOGY);
 */
export function declarePreinstalled(scope: IConstruct, ...sets: PreinstalledSet[]): void {
  const holder = scope as unknown as { [PREINSTALLED_SYMBOL]?: PreinstalledSet[] };
  if (!holder[PREINSTALLED_SYMBOL]) Object.defineProperty(holder, PREINSTALLED_SYMBOL, { value: [] });
  for (const s of sets) {
    if (!s || !Array.isArray(s.kinds)) throw new Error(`${scope.node.path}: declarePreinstalled: expected Preinstalled sets (e.g. Preinstalled.CROSSPLANE)`);
    holder[PREINSTALLED_SYMBOL]!.push(s);
  }
}

/** The sets declared on a construct itself with {@link declarePreinstalled}. */
export function preinstalledOn(scope: IConstruct): readonly PreinstalledSet[] {
  return (scope as unknown as { [PREINSTALLED_SYMBOL]?: PreinstalledSet[] })[PREINSTALLED_SYMBOL] ?? [];
}

/**
 * Annotation on a HelmRelease listing the kinds its chart installs CRDs for (comma-separated API
 * groups, `*.<suffix>` patterns or `group/Kind`s); set by the HelmRelease prop `installsCrds`.
 */
export const INSTALLS_CRDS_ANNOTATION = 'platform.cdk8s.io/installs-crds';

/** One object of a repo tree. */
export interface ApplyOrderObject {
  /** Its file, relative to the repo root (`/`-separated). */
  readonly file: string;
  /** The object. */
  readonly obj: KubeObject;
  /** Where to point the user: a construct path, or `file#doc`. */
  readonly where: string;
  /** The cluster it is applied to, when known (the app's folder cluster; '' = the repo's own). */
  readonly cluster?: string;
  /**
   * A Flux Kustomization whose build bound its construct checks (see `markBuildBoundChecked`):
   * the model does not report it again.
   * @default false
   */
  readonly boundChecked?: boolean;
}

/**
 * What is at a path of a repo, files the model is not given included (see
 * {@link ApplyOrderRepo.pathKind}): a file, a directory with a kustomization file (a kustomize
 * Component's or another), a directory without one, something whose kind is not known (a file or
 * directory the user keeps, declared by name), or nothing.
 */
export type RepoPathKind = 'file' | 'kustomization' | 'component' | 'directory' | 'other' | undefined;

/** One repo tree. */
export interface ApplyOrderRepo {
  /** Name shown in messages (the repo dir). */
  readonly name: string;
  /**
   * Clone URLs a GitRepository may fetch it from; `[]`: it has none (an app repo without a URL).
   * @default - not known (a tree on disk): a GitRepository whose URL is no repo's may fetch it
   */
  readonly urls?: readonly string[];
  /** Every object of the tree. */
  readonly objects: readonly ApplyOrderObject[];
  /**
   * Each folder's `kustomization.yaml` resources, and its components (kustomize builds their own
   * resources into it), by folder path relative to the repo root (`.` for the root).
   */
  readonly kustomizations: ReadonlyMap<string, readonly string[]>;
  /**
   * What each folder's kustomization file renames the objects it builds with (keyed as
   * {@link kustomizations}), where it sets `namespace`, `namePrefix` or `nameSuffix`; not a
   * Component's. The model applies them as kustomize does (`kustomizeRenamed` in
   * lib/core/flux-build.ts): an overlay's `namespace` is where its base's objects are applied.
   * @default - no kustomization file renames
   */
  readonly renames?: ReadonlyMap<string, KustomizeRename>;
  /**
   * The components each folder's kustomization file lists (`components:`), as repo paths of their
   * directories, in order (keyed as {@link kustomizations}): what they rename applies to the
   * folder's build (see {@link componentRenames}).
   * @default - none
   */
  readonly components?: ReadonlyMap<string, readonly string[]>;
  /**
   * What each Component's kustomization file renames (its `namespace`, `namePrefix`,
   * `nameSuffix`), by its directory (keyed as {@link kustomizations}): kustomize runs it on the
   * build of the kustomization listing it (or of a Flux Kustomization's `spec.components`), before
   * that kustomization's own fields.
   * @default - no Component renames
   */
  readonly componentRenames?: ReadonlyMap<string, KustomizeRename>;
  /**
   * The name of each folder's kustomization file (keyed as {@link kustomizations}), where it is not
   * `kustomization.yaml`.
   * @default - `kustomization.yaml` in every folder
   */
  readonly kustomizationFileNames?: ReadonlyMap<string, string>;
  /**
   * The repo's `.sourceignore` files (source-controller reads their patterns, scoped to their
   * directory, before a GitRepository's `spec.ignore`; any of them drops Flux's default exclusions).
   * @default - none
   */
  readonly sourceIgnoreFiles?: readonly SourceIgnoreFile[];
  /**
   * The other files each folder's kustomization file names, as repo paths (keyed as
   * {@link kustomizations}): patch files, generator files, CRDs... (see `lib/tree/kustomize-refs.ts`);
   * a build of the folder needs them in its source's artifact too.
   * @default - none
   */
  readonly namedFiles?: ReadonlyMap<string, readonly string[]>;
  /**
   * What is at a path of the repo (`/`-separated, `''` the root), every file of the repo included,
   * not only the objects given (`validate`: the tree on disk; synth: what the app writes and the
   * files it declares user-owned). With it, a Flux Kustomization of a GitRepository fetching this
   * repo is checked to have its `spec.path` (kustomize-controller: "kustomization path not found")
   * and its `spec.components`. Without it, the repo's files are not known whole: neither is checked.
   * @default - not known
   */
  readonly pathKind?: (path: string) => RepoPathKind;
  /**
   * The bound on the objects a Flux Kustomization builds from this repo.
   * @default - the input's `maxObjectsPerBuild`
   */
  readonly maxObjectsPerBuild?: number;
}

/** What the model checks. */
export interface ApplyOrderInput {
  readonly repos: readonly ApplyOrderRepo[];
  /** Pre-installed sets per cluster name (`*`: every cluster). */
  readonly preinstalled?: ReadonlyArray<{ readonly cluster: string; readonly set: PreinstalledSet }>;
  /**
   * The bound on the objects a Flux Kustomization builds, for repos without their own.
   * @default 1000
   */
  readonly maxObjectsPerBuild?: number;
  /**
   * GitRepositories that are not in the trees (imported by name) but are known to fetch one of
   * them: the Kustomizations reading one are checked as if it were (paths, components, shared
   * objects), except for the files its unknown `spec.ignore` would leave out.
   * @default - none
   */
  readonly importedSources?: readonly ApplyOrderImportedSource[];
  /**
   * Whether a SealedSecret (bitnami.com) of the trees is declared sealed with a key its clusters
   * share: given, a SealedSecret that Kustomizations apply to two or more clusters without it is a
   * problem (see {@link sealedAcrossClusters}); not given (`validate`: what the clusters share is
   * not in the trees), that check does not run.
   * @default - the check does not run
   */
  readonly sharedSealingKey?: (o: ApplyOrderObject) => boolean;
}

/** A GitRepository not in the trees that fetches one of them (see {@link ApplyOrderInput.importedSources}). */
export interface ApplyOrderImportedSource {
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.namespace`. */
  readonly namespace: string;
  /** The {@link ApplyOrderRepo.name} of the repo it fetches. */
  readonly fetches: string;
  /**
   * The {@link ApplyOrderRepo.name} of the repo that declares it (whose Kustomizations read it first).
   * @default - none
   */
  readonly declaredIn?: string;
  /**
   * The cluster it is on (as {@link ApplyOrderObject.cluster}).
   * @default ''
   */
  readonly cluster?: string;
  /** Where to point the user (the import's construct path). */
  readonly where: string;
}

/** One object that would not apply. */
export interface ApplyOrderProblem {
  /** The object's construct path or file. */
  readonly where: string;
  /** What is wrong and the fix. */
  readonly message: string;
}

/** Groups served by the API server itself (not CRDs). */
const BUILTIN_GROUPS = new Set([
  '', 'apps', 'batch', 'policy', 'autoscaling', 'rbac.authorization.k8s.io', 'networking.k8s.io', 'storage.k8s.io',
  'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io',
  'node.k8s.io', 'discovery.k8s.io', 'certificates.k8s.io', 'events.k8s.io', 'flowcontrol.apiserver.k8s.io', 'resource.k8s.io',
  'authentication.k8s.io', 'authorization.k8s.io', 'storagemigration.k8s.io', 'internal.apiserver.k8s.io',
]);
const BUILTIN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const FLUX_KINDS = '*.toolkit.fluxcd.io';

/** Whether `group`/`kind` matches a pattern of a {@link PreinstalledSet} (or of `installsCrds`). */
export function matchesKind(pattern: string, group: string, kind: string): boolean {
  // An ASO crdPattern entry (Preinstalled.asoWith): a case-insensitive glob of `<group>/<Kind>`,
  // over ASO's own kinds only.
  if (pattern.startsWith(ASO_GLOB)) return group.endsWith('.azure.com') && globOf(pattern.slice(ASO_GLOB.length)).test(`${group}/${kind}`);
  const [g, k] = pattern.split('/');
  if (k !== undefined && k !== kind) return false;
  return g.startsWith('*.') ? group.endsWith(g.slice(1)) : g === group;
}

/** The prefix of the kinds of a {@link Preinstalled.asoWith} set: ASO crdPattern entries. */
const ASO_GLOB = 'aso-crd-pattern:';

const GLOBS = new Map<string, RegExp>();

/** A case-insensitive glob (`*`: any characters, `?`: one) as a regular expression, compiled once. */
function globOf(pattern: string): RegExp {
  let re = GLOBS.get(pattern);
  if (!re) GLOBS.set(pattern, (re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i')));
  return re;
}

/**
 * An object of a build as the build applies it: renamed by the kustomization files and the
 * Kustomization's spec on its way in (`origin`: the object as written, when they renamed it).
 */
type Applied = ApplyOrderObject & { readonly origin?: ApplyOrderObject };

function originOf(a: Applied): ApplyOrderObject {
  return a.origin ?? a;
}

/** `o` as applied through `layers` (innermost first); `o` itself when they rename nothing. */
function appliedAs(o: ApplyOrderObject, layers: readonly KustomizeRename[]): Applied {
  if (layers.length === 0) return o;
  const { name, namespace } = o.obj.metadata;
  const raw = { apiVersion: o.obj.apiVersion, kind: o.obj.kind, name: name ?? '', namespace };
  const r = renamedThrough(raw, layers);
  if (r === raw) return o;
  const { namespace: _, ...metadata } = o.obj.metadata;
  return { ...o, obj: { ...o.obj, metadata: { ...metadata, name: r.name, ...(r.namespace !== undefined ? { namespace: r.namespace } : {}) } }, origin: o };
}

/** A Flux Kustomization found in the trees. */
interface FluxKs {
  /** The object as written. */
  readonly o: ApplyOrderObject;
  readonly id: string; // namespace/name, as applied
  /** Its namespace as applied (the default of its dependsOn and health checks). */
  readonly ns: string | undefined;
  readonly cluster: string; // the cluster it applies to
  readonly home: string; // the cluster it lives on
  /**
   * The cluster it applies to, told apart across repos: a folder's (or a remote) cluster it lives
   * on by its name; the repo's own cluster (`''`) by the repo its outermost parent Kustomization
   * lives in (two repos' own clusters are two management clusters), in a tree `validate` reads also
   * by that Kustomization's directory; the remote cluster it applies to by the kubeConfig Secret
   * (or ConfigMap), its namespace and the cluster it is read on.
   */
  readonly scope: string;
  readonly spec: Record<string, any>;
  readonly build?: Applied[];
}

/** Something that makes a kind exist. */
interface Establisher {
  readonly o: Applied;
  readonly kinds: readonly string[]; // patterns
  /** Whether the kind exists as soon as the object is applied (a CRD). */
  readonly sync: boolean;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The kinds an object establishes, if it is an establisher. */
function establishes(obj: KubeObject): Establisher['kinds'] | undefined {
  const group = groupOf(obj.apiVersion);
  const spec = (obj.spec ?? {}) as Record<string, any>;
  if (group === 'apiextensions.k8s.io' && obj.kind === 'CustomResourceDefinition') {
    return spec.group && spec.names?.kind ? [`${spec.group}/${spec.names.kind}`] : undefined;
  }
  if (group === 'pkg.crossplane.io' && obj.kind === 'Provider') return str(spec.package) ? upjetAzureApiGroups(spec.package) : undefined;
  if (group === 'apiextensions.crossplane.io' && obj.kind === 'CompositeResourceDefinition') {
    const out = spec.group && spec.names?.kind ? [`${spec.group}/${spec.names.kind}`] : [];
    if (spec.group && spec.claimNames?.kind) out.push(`${spec.group}/${spec.claimNames.kind}`);
    return out;
  }
  if (group === 'kro.run' && obj.kind === 'ResourceGraphDefinition') {
    const schema = spec.schema ?? {};
    return schema.kind ? [`${schema.group ?? 'kro.run'}/${schema.kind}`] : undefined;
  }
  if (group === 'helm.toolkit.fluxcd.io' && obj.kind === 'HelmRelease') {
    const a = (obj.metadata.annotations as Record<string, string> | undefined)?.[INSTALLS_CRDS_ANNOTATION];
    return a ? a.split(',').map((s) => s.trim()).filter((s) => s.length > 0) : undefined;
  }
  return undefined;
}

/**
 * The Cluster API feature gate whose webhooks refuse `obj` while it is off: ClusterTopology for a
 * ClusterClass, a KubeadmControlPlaneTemplate and a Cluster with a `spec.topology` (Cluster API
 * v1.14: core/webhooks/admission/clusterclass.go and cluster.go `validateTopology`,
 * controlplane/kubeadm/webhooks/admission/kubeadmcontrolplanetemplate.go).
 */
function featureGateOf(obj: KubeObject): string | undefined {
  const group = groupOf(obj.apiVersion);
  if (group === 'cluster.x-k8s.io') {
    if (obj.kind === 'ClusterClass') return 'ClusterTopology';
    const topology = (obj.spec as Record<string, unknown> | undefined)?.topology;
    if (obj.kind === 'Cluster' && typeof topology === 'object' && topology !== null) return 'ClusterTopology';
  }
  if (group === 'controlplane.cluster.x-k8s.io' && obj.kind === 'KubeadmControlPlaneTemplate') return 'ClusterTopology';
  return undefined;
}

function describe(o: KubeObject): string {
  const ns = o.metadata.namespace;
  return `${o.kind} ${ns ? `${ns}/` : ''}${o.metadata.name ?? ''}`;
}

/**
 * A repo's rendered files by directory, as the {@link BuildTree} the build model reads (the
 * directories sorted by path, so those below a path are found by binary search: scanning every
 * file for each Kustomization was quadratic, 1,000 tenants each with a Kustomization of a path
 * that has no kustomization.yaml).
 */
interface RepoFiles {
  readonly tree: BuildTree<string>;
  /** The files directly in each directory (`''` the root), in the objects-by-file map's order. */
  readonly filesIn: ReadonlyMap<string, readonly string[]>;
  /** Each file's position in the objects-by-file map (the tree's order). */
  readonly position: ReadonlyMap<string, number>;
  /** What a directory's kustomization.yaml lists, resolved once: the files of the tree it lists. */
  listedFiles(dir: string): readonly string[];
  /** What a directory's kustomization file renames what it builds with. */
  affixOf(dir: string): KustomizeRename;
  /** Whether any kustomization file of the repo renames. */
  readonly renaming: boolean;
  /** The components a directory's kustomization file lists, and those at a path (a Flux spec's `components`). */
  componentsOf(dir: string): ReadonlyArray<ComponentRename<string>>;
  componentsAt(path: string, entries: readonly string[]): ReadonlyArray<ComponentRename<string>>;
}

function repoFiles(repo: ApplyOrderRepo, byFile: Map<string, ApplyOrderObject[]>): RepoFiles {
  // Directories as the build model names them ('' the root); the kustomizations map says '.'.
  const key = (d: string) => (d === '' ? '.' : d);
  const filesIn = new Map<string, string[]>();
  const position = new Map<string, number>();
  for (const file of byFile.keys()) {
    position.set(file, position.size);
    const slash = file.lastIndexOf('/');
    const dir = slash < 0 ? '' : file.slice(0, slash);
    const list = filesIn.get(dir);
    if (list) list.push(file);
    else filesIn.set(dir, [file]);
  }
  const dirs = new Set<string>(filesIn.keys());
  for (const d of repo.kustomizations.keys()) dirs.add(d === '.' ? '' : d);
  const sorted = [...dirs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // Each kustomization.yaml's entries resolved once (a Kustomization's build reads them twice:
  // the directories it lists, then its files).
  const resolved = new Map<string, { dirs: string[]; files: string[] }>();
  const resolve = (d: string) => {
    let r = resolved.get(d);
    if (!r) resolved.set(d, (r = listedEntries(d, repo.kustomizations.get(key(d)) ?? [], (p) => repo.kustomizations.has(key(p)), (p) => byFile.has(p))));
    return r;
  };
  const tree: BuildTree<string> = {
    at: (p) => (dirs.has(p) ? p : undefined),
    pathOf: (d) => d,
    isKustomized: (d) => repo.kustomizations.has(key(d)),
    listedDirs: (d) => resolve(d).dirs,
    atOrBelow: (p) => (p === '' ? sorted : [...(dirs.has(p) ? [p] : []), ...withPrefix(sorted, `${p}/`, (d) => d)]),
  };
  const affixes = repo.renames;
  const componentAt = (p: string): ComponentRename<string> => ({ dir: dirs.has(p) ? p : undefined, rename: repo.componentRenames?.get(key(p)) ?? NO_RENAME });
  return {
    tree, filesIn, position, listedFiles: (d) => resolve(d).files, affixOf: (d) => affixes?.get(key(d)) ?? NO_RENAME,
    renaming: [...(affixes?.values() ?? []), ...(repo.componentRenames?.values() ?? [])].some(renames),
    componentsOf: (d) => (repo.components?.get(key(d)) ?? []).map((c) => componentAt(fluxBuildPath(c))),
    componentsAt: (p, entries) => entries.map((e) => componentAt(fluxBuildPath(p ? `${p}/${e}` : e))),
  };
}

const NO_RENAME: KustomizeRename = {};

/**
 * The objects of a build of the directories `dirs` (`builtDirectories`, lib/core/flux-build.ts),
 * as the build applies them: the files each built directory's kustomization.yaml lists, or, for a
 * directory Flux's generated kustomization.yaml lists, its own files, but those the source leaves
 * out of its artifact (`leftOut`: Flux generates the kustomization.yaml from the files it finds);
 * each renamed through its chains of kustomization files (`chains`, `renameChains`: once per
 * distinct name a directory reached twice gets), without those the Kustomization's `$patch:
 * delete` patches drop (`deleted`); undefined when nothing is there.
 */
function buildOf(
  byFile: Map<string, ApplyOrderObject[]>, files: RepoFiles, dirs: ReadonlyArray<BuiltDirectory<string>>, leftOut: ((file: string) => unknown) | undefined,
  chains: ReadonlyMap<string, ReadonlyArray<readonly KustomizeRename[]>> | undefined, deleted: ((o: KubeObject) => boolean) | undefined,
): Applied[] | undefined {
  if (dirs.length === 0) return undefined;
  const NONE: ReadonlyArray<readonly KustomizeRename[]> = [[]];
  const through = (objects: readonly ApplyOrderObject[], dir: string, out: Applied[]) => {
    const list = chains?.get(dir) ?? NONE;
    // A directory reached twice yields its objects twice only under two names (kustomize refuses
    // the same id twice).
    const seen = list.length > 1 ? new Set<string>() : undefined;
    for (const layers of list) {
      for (const o of objects) {
        if (deleted && droppedByDeletePatches(deleted, o.obj, layers)) continue;
        const a = appliedAs(o, layers);
        if (seen) {
          const key = `${files.position.get(o.file)}\u0000${a.obj.kind}\u0000${a.obj.metadata.namespace ?? ''}\u0000${a.obj.metadata.name ?? ''}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        out.push(a);
      }
    }
  };
  const listedBy = (dir: string, out: Applied[]) => {
    for (const f of files.listedFiles(dir)) through(byFile.get(f)!, dir, out);
  };
  if (!dirs[0].generated) {
    const out: Applied[] = [];
    for (const d of dirs) listedBy(d.dir, out);
    return out;
  }
  // Flux's generated kustomization.yaml: in the tree's order, each file of a directory it lists
  // file by file, and each directory it lists as such where its first file comes (what the
  // directory's own kustomization.yaml reaches follows it).
  const units: Array<{ at: number; objects: Applied[] }> = [];
  let current: { at: number; objects: Applied[] } | undefined;
  for (const { dir, generated, top } of dirs) {
    if (generated) {
      for (const file of files.filesIn.get(dir) ?? []) {
        if (leftOut?.(file)) continue;
        const objects: Applied[] = [];
        through(byFile.get(file)!, dir, objects);
        units.push({ at: files.position.get(file)!, objects });
      }
      continue;
    }
    // A directory the generated kustomization.yaml lists is placed where its first file comes;
    // the directories its own kustomization.yaml reaches (which follow it) go with it.
    if (top || !current) {
      let first = Number.MAX_SAFE_INTEGER;
      for (const d of files.tree.atOrBelow(dir)) for (const f of files.filesIn.get(d) ?? []) first = Math.min(first, files.position.get(f)!);
      units.push((current = { at: first, objects: [] }));
    }
    listedBy(dir, current.objects);
  }
  return units.sort((a, b) => a.at - b.at).flatMap((u) => u.objects);
}

/**
 * Checks the apply order of every Flux Kustomization of the input (see the module comment).
 * Problems are sorted by `where`, then message.
 */
export function applyOrderProblems(input: ApplyOrderInput): ApplyOrderProblem[] {
  const isKind = (o: KubeObject, group: string, kind: string) => o.kind === kind && groupOf(o.apiVersion) === group;
  // One pass over every object (a 10,000-cluster tree has 90,000): the objects of each file, the
  // Flux Kustomizations and GitRepositories with their repo.
  const byFile = new Map<ApplyOrderRepo, Map<string, ApplyOrderObject[]>>();
  const ksObjects: ApplyOrderObject[] = [];
  const gitRepos: Array<{ repo: ApplyOrderRepo | undefined; o: ApplyOrderObject }> = [];
  // The GitRepository each ExternalArtifact an ArtifactGenerator of the trees writes copies
  // directories of, with their paths (`@<alias>/<dir>/**` to `@artifact/<dir>/`): a Kustomization
  // building a path of the artifact builds that path of the repo (what the artifact leaves out is
  // the sparse check's, at synth). Keyed `<namespace>/<name>`.
  const artifactRepos = new Map<string, { name: string; namespace: string; artifact: string; generator: ApplyOrderObject }>();
  const repoOf = new Map<ApplyOrderObject, ApplyOrderRepo>();
  for (const repo of input.repos) {
    const m = new Map<string, ApplyOrderObject[]>();
    for (const o of repo.objects) {
      const list = m.get(o.file);
      if (list) list.push(o);
      else m.set(o.file, [o]);
      if (isKind(o.obj, 'kustomize.toolkit.fluxcd.io', 'Kustomization')) {
        ksObjects.push(o);
        repoOf.set(o, repo);
      } else if (isKind(o.obj, 'source.toolkit.fluxcd.io', 'GitRepository')) {
        gitRepos.push({ repo, o });
      } else if (isKind(o.obj, 'source.extensions.fluxcd.io', 'ArtifactGenerator')) {
        for (const [name, git] of artifactGitSources(o.obj)) artifactRepos.set(`${o.obj.metadata.namespace ?? ''}/${name}`, { ...git, artifact: name, generator: o });
      }
    }
    byFile.set(repo, m);
  }

  // GitRepositories imported by name with the repo they fetch: a stand-in object each, never applied.
  const importedFetch = new Map<ApplyOrderObject, ApplyOrderRepo>();
  for (const imp of input.importedSources ?? []) {
    const fetched = input.repos.find((r) => r.name === imp.fetches);
    if (!fetched) continue;
    const o: ApplyOrderObject = {
      file: '',
      obj: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: imp.name, namespace: imp.namespace } },
      where: imp.where,
      cluster: imp.cluster ?? '',
    };
    importedFetch.set(o, fetched);
    gitRepos.push({ repo: imp.declaredIn === undefined ? undefined : input.repos.find((r) => r.name === imp.declaredIn), o });
  }

  // Every Flux Kustomization object, with the repo its GitRepository fetches and its build.
  const ksSet = new Set(ksObjects);
  // GitRepositories by namespace, then name: the values themselves as Map keys (as ===, but for NaN).
  const gitRepoByName = new Map<unknown, Map<unknown, typeof gitRepos>>();
  for (const x of gitRepos) {
    const { namespace, name } = x.o.obj.metadata;
    let byName = gitRepoByName.get(namespace);
    if (!byName) gitRepoByName.set(namespace, (byName = new Map()));
    byName.set(name, [...(byName.get(name) ?? []), x]);
  }
  const builds = new Map<ApplyOrderObject, Applied[] | undefined>();
  // Kustomizations building more objects than their source repo's bound (unless checked by their construct).
  const tooLarge: ApplyOrderProblem[] = [];
  // Kustomizations with spec.force applying what must not be recreated (unless checked by their construct).
  const forced: ApplyOrderProblem[] = [];
  const forceChecked = new Set<ApplyOrderObject>();
  const checkBound = (o: ApplyOrderObject, r: ApplyOrderRepo, build: Applied[] | undefined) => {
    if (!build || o.boundChecked) return;
    const { namespace, name } = o.obj.metadata;
    const id = `${namespace ? `${namespace}/` : ''}${name}`;
    if ((o.obj.spec as Record<string, unknown> | undefined)?.force === true && !forceChecked.has(o)) {
      forceChecked.add(o);
      const kept = [...new Set(build.filter((a) => mustNotForce(a.obj)).map((a) => objectId(a.obj)))].sort();
      if (kept.length > 0) forced.push({ where: o.where, message: forcedBuildMessage('spec.force', id, kept) });
    }
    const max = r.maxObjectsPerBuild ?? input.maxObjectsPerBuild ?? DEFAULT_MAX_OBJECTS_PER_BUILD;
    if (build.length <= max) return;
    tooLarge.push({ where: o.where, message: buildBoundMessage(id, str((o.obj.spec as Record<string, unknown> | undefined)?.path) ?? '.', build.length, max) });
  };
  // The repos each (normalized) URL names, in input order: looked up per Kustomization instead of
  // normalizing every repo's URLs again for each (quadratic with one repo per team).
  const reposByUrl = new Map<string, ApplyOrderRepo[]>();
  for (const r of input.repos) {
    for (const key of new Set((r.urls ?? []).map(normalizeRepoUrl))) {
      const list = reposByUrl.get(key);
      if (list) list.push(r);
      else reposByUrl.set(key, [r]);
    }
  }
  // What each source leaves out of its artifact (lib/core/source-ignore.ts): the GitRepository's
  // ignore patterns and the repo's .sourceignore files; through an ExternalArtifact, also
  // source-watcher's default exclusions. A file Flux's generated kustomization.yaml would list is
  // then not in the build; a file a build needs (a kustomization file, what it lists, a path with
  // nothing left) is a problem: one per GitRepository (or ArtifactGenerator) with the first such
  // file, however many Kustomizations read through it (a pattern can hide every cluster of a fleet).
  const filters = new Map<ApplyOrderObject, Map<ApplyOrderRepo, SourceFilter>>();
  const ignored = new Map<ApplyOrderObject, IgnoredFiles>();
  type Via = { artifact: string; generator: ApplyOrderObject };
  const leftOutBy = (src: ApplyOrderObject, r: ApplyOrderRepo, via: Via | undefined) => {
    let byRepo = filters.get(src);
    if (!byRepo) filters.set(src, (byRepo = new Map()));
    let git = byRepo.get(r);
    if (!git) byRepo.set(r, (git = sourceControllerFilter(str((src.obj.spec as Record<string, unknown> | undefined)?.ignore), r.sourceIgnoreFiles)));
    const left = artifactLeftOut(git, via?.artifact);
    return (file: string, isDir = false): LeftOut | undefined => {
      const hit = left(file, isDir);
      return hit ? { exclusion: hit.exclusion, owner: hit.by === 'source' ? src : via!.generator, byName: hit.by === 'artifact-name' } : undefined;
    };
  };
  const checkIgnored = (o: ApplyOrderObject, r: ApplyOrderRepo, path: string, dirs: ReadonlyArray<BuiltDirectory<string>>, leftOut: ReturnType<typeof leftOutBy>, via: Via | undefined) => {
    const index = indexOf(r);
    const record = (files: readonly string[], hit: LeftOut, outcome: IgnoredOutcome) => {
      let entry = ignored.get(hit.owner);
      if (!entry) ignored.set(hit.owner, (entry = { first: { file: files[0], hit, ks: o, path, artifact: via?.artifact, outcome }, files: new Set(), kss: new Set() }));
      for (const f of files) entry.files.add(f);
      entry.kss.add(o);
    };
    for (const { file, role } of buildFiles(index, dirs, r, path)) {
      const hit = leftOut(file);
      if (hit) record([file], hit, role);
    }
    // A path Flux generates a kustomization.yaml for lists what the artifact holds below it: a
    // file left out is not built. Only a path with nothing to build is a problem: no directory
    // left (the path is not found), or only empty directories (an empty build, which prunes).
    if (dirs.length === 0 || !dirs[0].generated) return;
    const p = fluxSpecPath(path);
    const left: string[] = [];
    let first: LeftOut | undefined;
    // The directories at and below the path (and those between), tested as directories: a kept
    // one is in the artifact, empty or not.
    const between = new Set<string>([p]);
    for (const d of index.tree.atOrBelow(p)) {
      if (index.tree.isKustomized(d) && !leftOut(kustomizationFileOf(r, d))) return;
      for (const file of index.filesIn.get(d) ?? []) {
        const hit = leftOut(file);
        if (!hit) return;
        first ??= hit;
        left.push(file);
      }
      for (let a = d; a.length > p.length; a = a.includes('/') ? a.slice(0, a.lastIndexOf('/')) : '') between.add(a);
    }
    if (!first) return;
    const dirKept = p === '' || [...between].some((d) => d !== '' && !leftOut(d, true));
    record(left, first, dirKept ? 'empty' : 'missing');
  };
  const indexes = new Map<ApplyOrderRepo, RepoFiles>();
  const indexOf = (r: ApplyOrderRepo): RepoFiles => {
    let index = indexes.get(r);
    if (!index) indexes.set(r, (index = repoFiles(r, byFile.get(r)!)));
    return index;
  };
  // Components kustomize-controller refuses before building anything (not a local relative path),
  // and those it finds no Component at.
  const componentProblems: ApplyOrderProblem[] = [];
  const componentsChecked = new Set<ApplyOrderObject>();
  // The trees known to be each GitRepository's repo: a tree whose URL is not known (`validate`)
  // once one of its Kustomizations builds the source itself from it.
  const sourceTrees = new Map<ApplyOrderObject, Map<ApplyOrderRepo, ApplyOrderObject>>();
  // Kustomizations whose path is in none of the trees their source may fetch, checked once every
  // build is known (see pathProblems).
  const pathMisses = new Map<ApplyOrderObject, PathMiss>();
  // The repo each Kustomization's build was found in, and how: by its source's URL, or (a tree whose
  // URL is not known) as the one tree holding its path.
  const builtFrom = new Map<ApplyOrderObject, { src: ApplyOrderObject; r: ApplyOrderRepo; byUrl: boolean }>();
  /** Whether the build of `o` is known to be from its source's repo (see `sourceTrees`). */
  const knownBuild = (o: ApplyOrderObject) => {
    const b = builtFrom.get(o);
    return b !== undefined && (b.byUrl || sourceTrees.get(b.src)?.has(b.r) === true);
  };
  for (const o of ksObjects) {
    const spec = (o.obj.spec ?? {}) as Record<string, any>;
    (Array.isArray(spec.components) ? spec.components : []).forEach((c: unknown, i: number) => {
      if (typeof c !== 'string' || isLocalRelativeComponent(c)) return;
      componentProblems.push({
        where: o.where,
        message: `${describe(o.obj)}: spec.components[${i}] "${c}": kustomize-controller refuses a component that is not a local path relative to spec.path ("component path must be local and relative"), so the Kustomization applies nothing; vendor it into the repo and name its directory`,
      });
    });
    builds.set(o, resolveBuild(o, o.obj.metadata.namespace));
  }
  /**
   * The build of the Kustomization object `o` applied in namespace `kns` (its own, or the one a
   * parent's build renames it into: its source is looked up there), with the bound and the ignore
   * checks; undefined when its source or path is not in the trees.
   */
  function resolveBuild(o: ApplyOrderObject, kns: string | undefined): Applied[] | undefined {
    const spec = (o.obj.spec ?? {}) as Record<string, any>;
    const sourceRef = spec.sourceRef ?? {};
    const ref = sourceRef.kind === 'ExternalArtifact'
      ? artifactRepos.get(`${sourceRef.namespace ?? kns}/${sourceRef.name}`)
      : sourceRef.kind === 'GitRepository' ? sourceRef : undefined;
    if (!ref) return undefined;
    const ns = ref.namespace ?? kns;
    const sameCluster = (x: { o: ApplyOrderObject }) => (x.o.cluster ?? '') === (o.cluster ?? '');
    // An imported source (a stand-in, see `importedFetch`) is only on the cluster it is imported
    // for: another cluster's import of the same name is not this Kustomization's source.
    const sources = (gitRepoByName.get(ns)?.get(ref.name) ?? []).filter((x) => !importedFetch.has(x.o) || sameCluster(x));
    // Several repos of an app may each have a flux-system GitRepository (one per management
    // cluster): the Kustomization's own repo's source first, then one on its cluster.
    const own = repoOf.get(o);
    const src = sources.find((x) => x.repo === own && sameCluster(x)) ?? sources.find((x) => x.repo === own) ?? sources.find(sameCluster) ?? sources[0];
    const path = str(spec.path) ?? '.';
    // Objects its `$patch: delete` patches drop are not in the build (Flux's sharding setup builds
    // flux-system again per shard without the Flux objects).
    const deleted = deletedByPatches(spec.patches);
    // What its spec renames the build with (kustomize-controller writes it into the kustomization file at the path).
    const transform = fluxSpecRename(spec);
    const specComponents = fluxSpecComponents(spec);
    const via = sourceRef.kind === 'ExternalArtifact' ? (ref as Via) : undefined;
    // The directories built in each repo looked at, and what the source leaves out there (the
    // ignore check reads them again).
    const dirsIn = new Map<ApplyOrderRepo, Array<BuiltDirectory<string>>>();
    const leftOutIn = new Map<ApplyOrderRepo, ReturnType<typeof leftOutBy>>();
    // An imported source's spec (ignore patterns) is not known: nothing is taken as left out.
    const imported = src ? importedFetch.get(src.o) : undefined;
    const buildIn = (r: ApplyOrderRepo) => {
      const leftOut = src && !imported ? leftOutBy(src.o, r, via) : undefined;
      const index = indexOf(r);
      const components = index.componentsAt(fluxSpecPath(path), specComponents);
      const all = builtDirectories(index.tree, path, components.flatMap((c) => (c.dir === undefined ? [] : [c.dir])));
      const dirs = leftOut ? withoutDroppedDirectories(index.tree, { filesIn: index.filesIn, kustomizationFile: (d) => kustomizationFileOf(r, d) }, all, leftOut) : all;
      dirsIn.set(r, dirs);
      if (leftOut) leftOutIn.set(r, leftOut);
      const chains = index.renaming || renames(transform)
        ? renameChains(index.tree, dirs, path, transform, index.affixOf, { of: index.componentsOf, spec: components })
        : undefined;
      return buildOf(byFile.get(r)!, index, dirs, leftOut, chains, deleted);
    };
    // A source that is not in the trees fetches a repo we cannot see: its builds are not checked
    // for apply order. Its bound is checked in the Kustomization's own repo, as a Kustomization
    // construct importing its source by name takes it (Flux's own flux-system source).
    if (!src) {
      if (own) checkBound(o, own, buildIn(own));
      return undefined;
    }
    const url = str((src.o.obj.spec as Record<string, unknown> | undefined)?.url);
    // The repos its URL names (an imported source: the one it is declared to fetch).
    const byUrl = imported ? [imported] : url ? reposByUrl.get(normalizeRepoUrl(url)) ?? [] : [];
    const repos = byUrl.length > 0 ? byUrl : input.repos.filter((r) => (r.urls ?? []).length === 0);
    const found = repos.flatMap((r) => {
      const b = buildIn(r);
      return b ? [{ r, b }] : [];
    });
    // Trees whose URL is unknown (`validate` of several trees) may each have the path (two
    // management repos with `clusters/mgmt/...`): the Kustomization's own tree then, as its source
    // is in it; with a URL, the one repo of that URL holding the path.
    const chosen = found.length === 1 ? found[0] : byUrl.length === 0 ? found.find((f) => f.r === own) : undefined;
    if (chosen && !imported) checkIgnored(o, chosen.r, path, dirsIn.get(chosen.r)!, leftOutIn.get(chosen.r)!, via);
    // Where the path is (the source's repo, found), or is not (checked once every build is known).
    if (chosen && !builtFrom.has(o)) builtFrom.set(o, { src: src.o, r: chosen.r, byUrl: byUrl.length > 0 });
    if (chosen) {
      // A tree whose URL is not known is the source's repo when the build holds the source itself
      // (flux-system's Kustomization applies its own GitRepository): a path found in a tree could
      // be there by chance (`./`, `./apps` of another repo).
      if (chosen.r.urls === undefined && chosen.b.some((a) => originOf(a) === src.o)) {
        let trees = sourceTrees.get(src.o);
        if (!trees) sourceTrees.set(src.o, (trees = new Map()));
        if (!trees.has(chosen.r)) trees.set(chosen.r, o);
      }
      if (specComponents.length > 0 && !componentsChecked.has(o)) {
        componentsChecked.add(o);
        componentProblems.push(...specComponentProblems(o, chosen.r, path, src.o));
      }
    } else if (found.length === 0 && !pathMisses.has(o)) {
      // Without a repo of its URL, only a source the trees name once (or all with one URL) is the
      // one whose tree is known (`sourceTrees`): two of one name may fetch two repos.
      const known = byUrl.length > 0 || new Set(sources.map((x) => str((x.o.obj.spec as Record<string, unknown> | undefined)?.url))).size === 1;
      if (known) pathMisses.set(o, { src: src.o, path, via, repos: byUrl.length > 0 ? byUrl : undefined });
    }
    // The bound: in the repo of the source's URL; in a tree whose URL is unknown (`validate`), in
    // the Kustomization's own tree; a URL none of the app's repos has is another repo, not measured.
    if (byUrl.length > 0) {
      if (chosen) checkBound(o, chosen.r, chosen.b);
    } else if (own && own.urls === undefined) {
      checkBound(o, own, buildIn(own));
    }
    return chosen?.b;
  }
  // The builds of Kustomization objects a parent's build applies in another namespace than theirs.
  const renamedBuilds = new Map<ApplyOrderObject, Map<string | undefined, Applied[] | undefined>>();
  const buildAt = (o: ApplyOrderObject, kns: string | undefined): Applied[] | undefined => {
    if (kns === o.obj.metadata.namespace) return builds.get(o);
    let byNs = renamedBuilds.get(o);
    if (!byNs) renamedBuilds.set(o, (byNs = new Map()));
    if (!byNs.has(kns)) byNs.set(kns, resolveBuild(o, kns));
    return byNs.get(kns);
  };
  // A Kustomization is applied to the cluster of the Kustomization whose build holds it (once per
  // such cluster); those in no other build live where their folder says ('' = the repo's cluster).
  const kss: FluxKs[] = [];
  // (As the parent's build applies it: renamed there, it depends and is depended on by that name,
  // and its source is looked up in that namespace; a base two overlays rename is two of them.)
  const seen = new Map<ApplyOrderObject, Set<string>>();
  const repoIndex = new Map(input.repos.map((r, i) => [r, i]));
  // `root`: the scope of its outermost parent's repo (and, in a tree, directory). The cluster it
  // lives on is told apart by its name, or, for the repo's own cluster (''), by that root; a remote
  // cluster by the kubeConfig Secret (or ConfigMap), its namespace and the cluster it is read on.
  // (Each part is one of a bounded set: a cycle of Kustomizations through remote clusters ends.)
  const add = (a: Applied, home: string, root: string) => {
    const o = originOf(a);
    const { name, namespace } = a.obj.metadata;
    const id = `${namespace ?? ''}/${name}`;
    const homeId = home === '' ? root : `\u0001${home}`;
    const homes = seen.get(o) ?? new Set<string>();
    const key = `${homeId}\u0000${id}`;
    if (homes.has(key)) return;
    homes.add(key);
    seen.set(o, homes);
    const spec = (o.obj.spec ?? {}) as Record<string, any>;
    // A remote cluster: a kubeconfig Secret, or (Flux 2.6, secret-less workload identity) a ConfigMap.
    const secret = str(spec.kubeConfig?.secretRef?.name);
    const configMap = secret === undefined ? str(spec.kubeConfig?.configMapRef?.name) : undefined;
    const ref = secret ?? configMap;
    const cluster = kubeConfigCluster(spec) ?? home;
    const scope = ref !== undefined ? `${homeId}\u0000${namespace ?? ''}\u0000${secret !== undefined ? 'Secret' : 'ConfigMap'}/${ref}` : homeId;
    const k: FluxKs = { o, id, ns: namespace, home, cluster, scope, spec, build: buildAt(o, namespace) };
    kss.push(k);
    for (const c of k.build ?? []) if (originOf(c) !== o && ksSet.has(originOf(c))) add(c, k.cluster, root);
  };
  const inOtherBuild = new Set<ApplyOrderObject>();
  for (const [owner, b] of builds) for (const c of b ?? []) if (originOf(c) !== owner && ksSet.has(originOf(c))) inOtherBuild.add(originOf(c));
  // Also those only the build of a Kustomization renamed into another namespace holds (its source
  // is looked up there), reached from the others.
  const explored = new Map<ApplyOrderObject, Set<string | undefined>>();
  const explore = (a: Applied) => {
    const o = originOf(a);
    const ns = a.obj.metadata.namespace;
    const done = explored.get(o) ?? new Set<string | undefined>();
    if (done.has(ns)) return;
    done.add(ns);
    explored.set(o, done);
    for (const c of buildAt(o, ns) ?? []) {
      if (originOf(c) === o || !ksSet.has(originOf(c))) continue;
      inOtherBuild.add(originOf(c));
      explore(c);
    }
  };
  for (const o of ksObjects) if (!inOtherBuild.has(o)) explore(o);
  // The scope of the repo's own cluster: at synth, the repo's (its folders without a cluster are on
  // it); in a tree `validate` reads (no clusters known), the directory of the outermost Kustomization
  // (`clusters/dev/flux-system`, `clusters/prod/flux-system`: each bootstrapped on its cluster).
  const rootScope = (o: ApplyOrderObject) => `\u0000${repoIndex.get(repoOf.get(o)!)}${o.cluster === undefined ? `\u0000${posix.dirname(o.file)}` : ''}`;
  for (const o of ksObjects) if (!inOtherBuild.has(o)) add(o, o.cluster ?? '', rootScope(o));

  const byId = new Map<string, FluxKs[]>();
  for (const k of kss) byId.set(k.id, [...(byId.get(k.id) ?? []), k]);
  // Each Kustomization's dependencies, found once (the cycle search and the closure read them).
  const deps = new Map<FluxKs, FluxKs[]>();
  const depsOf = (k: FluxKs): FluxKs[] => {
    let list = deps.get(k);
    if (!list) {
      list = ((k.spec.dependsOn ?? []) as Array<{ name: string; namespace?: string }>).flatMap((d) => {
        const cands = byId.get(`${d.namespace ?? k.ns}/${d.name}`) ?? [];
        const same = cands.filter((c) => c.home === k.home);
        return same.length > 0 ? same : cands;
      });
      deps.set(k, list);
    }
    return list;
  };
  // Cycles through Kustomizations on one cluster only: kustomize-controller looks a dependency up
  // in its own cluster, so one found only on another (depsOf's fallback) is "not found", no cycle.
  const cycles = dependencyCycles(kss, (k) => depsOf(k).filter((d) => d.home === k.home));
  const shared = sharedObjects(kss.filter((k) => knownBuild(k.o)));
  const sealed = [
    ...(input.sharedSealingKey ? sealedAcrossClusters(kss.filter((k) => knownBuild(k.o)), input.sharedSealingKey) : []),
    ...sealedRenamed(kss),
  ];
  const closure = new Map<FluxKs, Set<FluxKs>>();
  const dependsOn = (k: FluxKs): Set<FluxKs> => {
    let set = closure.get(k);
    if (set) return set;
    set = new Set();
    closure.set(k, set);
    const stack = depsOf(k);
    while (stack.length > 0) {
      const d = stack.pop()!;
      if (set.has(d)) continue;
      set.add(d);
      stack.push(...depsOf(d));
    }
    return set;
  };
  const waitsFor = (e: FluxKs, o: KubeObject): boolean =>
    e.spec.wait === true ||
    ((e.spec.healthChecks ?? []) as Array<{ kind: string; name: string; namespace?: string }>).some(
      (h) => h.kind === o.kind && h.name === o.metadata.name && (h.namespace ?? e.ns) === (o.metadata.namespace ?? e.ns),
    );

  // Establishers and Namespaces of each build.
  const estOf = new Map<FluxKs, Establisher[]>();
  const nsOf = new Map<FluxKs, Set<string>>();
  // Namespaces a HelmRelease of the build creates (`install.createNamespace`): they exist only once
  // helm-controller has installed the release, like the kinds of a chart's CRDs.
  const helmNsOf = new Map<FluxKs, Map<string, KubeObject>>();
  for (const k of kss) {
    const ests: Establisher[] = [];
    const nss = new Set<string>();
    const helmNss = new Map<string, KubeObject>();
    for (const o of k.build ?? []) {
      const kinds = establishes(o.obj);
      if (kinds && kinds.length > 0) ests.push({ o, kinds, sync: o.obj.kind === 'CustomResourceDefinition' });
      if (isKind(o.obj, '', 'Namespace') && o.obj.metadata.name) nss.add(o.obj.metadata.name);
      const spec = (o.obj.spec ?? {}) as Record<string, any>;
      if (isKind(o.obj, 'helm.toolkit.fluxcd.io', 'HelmRelease') && spec.install?.createNamespace === true) {
        const target = str(spec.targetNamespace) ?? o.obj.metadata.namespace;
        if (target) helmNss.set(target, o.obj);
      }
    }
    estOf.set(k, ests);
    nsOf.set(k, nss);
    helmNsOf.set(k, helmNss);
  }
  const preinstalled = (cluster: string) => (input.preinstalled ?? []).filter((p) => p.cluster === '*' || p.cluster === cluster).map((p) => p.set);
  // The Kustomizations with a build on each cluster (found once per cluster, not once per Kustomization).
  const onClusterMemo = new Map<string, FluxKs[]>();
  const onCluster = (cluster: string) => {
    let list = onClusterMemo.get(cluster);
    if (!list) onClusterMemo.set(cluster, (list = kss.filter((k) => k.cluster === cluster && k.build)));
    return list;
  };
  // The establishers of each cluster's builds (in the order of `onCluster`, then of each build),
  // and those of each kind, found once: looking through every Kustomization of the cluster for each
  // object whose kind another build establishes was quadratic in the Kustomizations (1,600 app
  // Kustomizations of ASO kinds installed by one HelmRelease: 12 s).
  const estOnCluster = new Map<string, Array<{ e: FluxKs; x: Establisher }>>();
  const estForKind = new Map<string, Array<{ e: FluxKs; x: Establisher }>>();
  const establishersOf = (cluster: string, group: string, kind: string) => {
    const key = `${cluster}\u0000${group}\u0000${kind}`;
    let found = estForKind.get(key);
    if (found) return found;
    let all = estOnCluster.get(cluster);
    if (!all) estOnCluster.set(cluster, (all = onCluster(cluster).flatMap((e) => estOf.get(e)!.map((x) => ({ e, x })))));
    estForKind.set(key, (found = all.filter(({ x }) => x.kinds.some((p) => matchesKind(p, group, kind)))));
    return found;
  };
  const fluxRuns = (k: FluxKs) => k.cluster === k.home;
  // The Kustomizations whose build holds a Kustomization object, up the chain: the child exists only
  // once its parent has applied its build, and Flux applies the Namespaces and CRDs of a build
  // before the rest of it (fluxcd/pkg ssa ApplyAllStaged), so the parents' Namespaces and CRDs are
  // there when the child reconciles. Not their asynchronous establishers: the child starts while the
  // parent still waits for its health checks.
  const parentOf = new Map<KubeObject, FluxKs>();
  for (const p of kss) for (const o of p.build ?? []) parentOf.set(originOf(o).obj, p);
  const ancestors = (k: FluxKs): FluxKs[] => {
    const out: FluxKs[] = [];
    for (let p = parentOf.get(k.o.obj); p && !out.includes(p) && p !== k; p = parentOf.get(p.o.obj)) out.push(p);
    return out;
  };

  const problems: ApplyOrderProblem[] = [];
  // Problems reported once per key (a kind nothing installs, per cluster; a Cluster API feature
  // gate that is off, per cluster): a fleet's thousands of objects have one fix. The first line
  // says how many more objects have it.
  const grouped = new Map<string, { index: number; more: number; of: string }>();
  /** Whether `key` was reported already (then counted on its line). */
  const seenBefore = (key: string, of: string): boolean => {
    const earlier = grouped.get(key);
    if (earlier) earlier.more++;
    else grouped.set(key, { index: problems.length, more: 0, of });
    return earlier !== undefined;
  };
  for (const k of kss) {
    if (!k.build) continue;
    const kName = `Kustomization ${k.id}`;
    const clusterText = k.cluster ? `cluster "${k.cluster}"` : "the repo's cluster";
    const sets = preinstalled(k.cluster);
    const own = estOf.get(k)!;
    let othersCache: FluxKs[] | undefined;
    const others = () => (othersCache ??= onCluster(k.cluster).filter((e) => e !== k));
    const deps = dependsOn(k);
    const parents = ancestors(k).filter((p) => p.cluster === k.cluster);
    for (const o of k.build) {
      const group = groupOf(o.obj.apiVersion);
      const kind = o.obj.kind;
      const what = `${describe(o.obj)} in ${kName}`;
      const kindText = `${kind} (${group})`;
      const problem = (message: string) => problems.push({ where: o.where, message });
      // The kind.
      let kindOk = BUILTIN_GROUPS.has(group);
      if (!kindOk) {
        const same = own.filter((e) => e.o !== o && e.kinds.some((p) => matchesKind(p, group, kind)));
        if (same.some((e) => e.sync)) kindOk = true;
        else if (same.length > 0) {
          const e = same[0];
          problem(
            `${what} would never apply: its kind ${kindText} is established by ${describe(e.o.obj)} in the same build, and Flux dry-runs the whole build ` +
              `before applying any of it; move ${describe(e.o.obj)} to another Kustomization that ${kName} dependsOn, with wait: true`,
          );
          continue;
        }
      }
      if (!kindOk) {
        const from = sets.filter((s) => s.kinds.some((p) => matchesKind(p, group, kind)));
        if (from.length > 0 || (fluxRuns(k) && matchesKind(FLUX_KINDS, group, kind))) {
          kindOk = true;
          // Served by Cluster API declared with its default feature gates, which refuse it.
          const gate = featureGateOf(o.obj);
          if (gate && from.some((s) => s.name === Preinstalled.CAPI.name) && !from.some((s) => (s.featureGates ?? []).includes(gate))) {
            if (!seenBefore(`gate\u0000${k.cluster}\u0000${gate}`, '')) {
              problem(
                `${what} would never apply: Cluster API's webhooks refuse a ${kind === 'Cluster' ? 'Cluster with a spec.topology' : kind} unless its ${gate} feature gate is on, and ${clusterText} declares Cluster API with its defaults ` +
                  `(Preinstalled.CAPI: the gate is off), so Flux's dry-run of the whole build fails; install Cluster API with CLUSTER_TOPOLOGY=true (clusterctl init) ` +
                  'and declare Preinstalled.CAPI_CLUSTER_TOPOLOGY instead of Preinstalled.CAPI (validate: --preinstalled capi-cluster-topology)',
              );
            }
            continue;
          }
        }
      }
      if (!kindOk) {
        const found = establishersOf(k.cluster, group, kind).filter(({ e }) => e !== k);
        if (found.length > 0) {
          const good = found.find(({ e, x }) => (deps.has(e) && (x.sync || waitsFor(e, x.o.obj))) || (parents.includes(e) && x.sync));
          if (!good) {
            const dep = found.find(({ e }) => deps.has(e));
            if (dep) {
              problem(
                `${what} needs ${kindText}, established by ${describe(dep.x.o.obj)} in Kustomization ${dep.e.id}, which does not wait for it; ` +
                  `set wait: true on Kustomization ${dep.e.id} or health-check ${describe(dep.x.o.obj)}`,
              );
            } else {
              const { e, x } = found[0];
              problem(
                `${what} needs ${kindText}, established by ${describe(x.o.obj)} in Kustomization ${e.id}, but ${kName} does not depend on it; ` +
                  `add Kustomization ${e.id} to the dependsOn of ${kName}${x.sync || waitsFor(e, x.o.obj) ? '' : ` and set wait: true on Kustomization ${e.id}`}`,
              );
            }
          }
          continue;
        }
        if (seenBefore(`kind\u0000${k.cluster}\u0000${group}\u0000${kind}`, ' of this kind')) continue;
        // An ASO kind on a cluster declared with CAPZ: its bundled ASO serves only the kinds CAPZ creates.
        const capz = group.endsWith('.azure.com') && sets.some((s) => s.name === Preinstalled.CAPZ.name || s.name.startsWith(`${Preinstalled.CAPZ.name}+`));
        // An ASO kind on a cluster declared with ASO's crdPattern: ASO installs only the CRDs it names.
        const aso = group.endsWith('.azure.com') && !capz ? sets.find((s) => s.name.startsWith(`${Preinstalled.ASO.name}+`)) : undefined;
        const watcher = Preinstalled.SOURCE_WATCHER.kinds.some((p) => matchesKind(p, group, kind));
        problem(
          `${what}: its kind ${kindText} is not built in, not defined by a CRD in the build, not established by any Kustomization applied to ${clusterText}, ` +
            (capz
              ? `and not among the ASO kinds CAPZ's bundled ASO serves; install CAPZ with ADDITIONAL_ASO_CRDS=${group}/${kind} and declare Preinstalled.capzWith(['${group}/${kind}']) (validate: --preinstalled ${group}/${kind})`
              : aso
                ? `and not in the crdPattern ASO is declared with ("${aso.kinds.map((p) => p.slice(ASO_GLOB.length)).join(';')}": ASO installs only the CRDs it names); add ${group}/${kind} (or ${group}/*) to ASO's crdPattern and to Preinstalled.asoWith(...)`
              : watcher
                ? 'and source-watcher is not declared there; install it with flux bootstrap --components-extra=source-watcher (Flux 2.7 or later) and declare it with FluxBootstrap\'s componentsExtra: [\'source-watcher\'] (validate: --preinstalled source-watcher)'
                : `and not declared pre-installed there; add what installs it, or declare it with declarePreinstalled(folder, Preinstalled.<preset> | Preinstalled.of(...))`),
        );
        continue;
      }
      // The namespace, as applied (the build's kustomization files and the spec's targetNamespace
      // renamed it). A cluster-scoped object's is ignored: kustomize keeps a stray one, the API
      // server drops it.
      const ns = o.obj.metadata.namespace;
      if (!ns || isKind(o.obj, '', 'Namespace') || isClusterScoped(o.obj.apiVersion, kind)) continue;
      if (nsOf.get(k)!.has(ns) || BUILTIN_NAMESPACES.includes(ns)) continue;
      if (sets.some((s) => (s.namespaces ?? []).includes(ns)) || (fluxRuns(k) && (ns === 'flux-system' || ns === k.ns))) continue;
      if ([...deps].some((d) => d.cluster === k.cluster && nsOf.get(d)?.has(ns))) continue;
      if (parents.some((p) => nsOf.get(p)?.has(ns))) continue;
      const ownRelease = helmNsOf.get(k)!.get(ns);
      if (ownRelease && ownRelease !== o.obj) {
        problem(
          `${what} would never apply: its Namespace "${ns}" is created by ${describe(ownRelease)} (install.createNamespace) in the same build, and Flux dry-runs the whole build ` +
            `before applying any of it; move ${describe(ownRelease)} to another Kustomization that ${kName} dependsOn, with wait: true, or add the Namespace to the build`,
        );
        continue;
      }
      const releaseDeps = [...deps].filter((d) => d.cluster === k.cluster && helmNsOf.get(d)?.has(ns));
      if (releaseDeps.some((d) => waitsFor(d, helmNsOf.get(d)!.get(ns)!))) continue;
      if (releaseDeps.length > 0) {
        const d = releaseDeps[0];
        const release = helmNsOf.get(d)!.get(ns)!;
        problem(
          `${what}: its Namespace "${ns}" is created by ${describe(release)} in Kustomization ${d.id}, which does not wait for it; ` +
            `set wait: true on Kustomization ${d.id} or health-check ${describe(release)}`,
        );
        continue;
      }
      const holder = others().find((e) => nsOf.get(e)!.has(ns));
      problem(
        holder
          ? `${what}: its Namespace "${ns}" is applied by Kustomization ${holder.id}, but ${kName} does not depend on it; add Kustomization ${holder.id} to the dependsOn of ${kName}`
          : `${what}: its Namespace "${ns}" is not applied by this or any Kustomization it depends on, and not declared pre-installed on ${clusterText}; ` +
            `add the Namespace to the build, or declare it with declarePreinstalled(folder, Preinstalled.of(...))`,
      );
    }
  }
  for (const { index, more, of } of grouped.values()) {
    if (more > 0) problems[index] = { ...problems[index], message: `${problems[index].message} (so do ${more} more object${more > 1 ? 's' : ''}${of} on that cluster)` };
  }
  const unique = [...new Map([...componentProblems, ...pathProblems(pathMisses, sourceTrees), ...tooLarge, ...forced, ...cycles, ...shared, ...sealed, ...ignoredProblems(ignored), ...problems].map((p) => [`${p.where}\u0000${p.message}`, p])).values()];
  return unique.sort((a, b) => (a.where < b.where ? -1 : a.where > b.where ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}

/**
 * One problem per pair of Flux Kustomizations (whose builds are known to come from their sources'
 * repos: a tree whose URL is not known may hold a path of another repo's by chance) whose builds
 * apply the same object (group, kind, namespace and name as applied) to the same cluster: two overlays of one base that rename nothing,
 * a Namespace a kustomize Component gives two overlays, a folder two Kustomizations build. The
 * object is in both inventories; kustomize-controller labels it with the name of whichever applied
 * it last (`kustomize.toolkit.fluxcd.io/name`), and its garbage collection deletes only objects
 * labelled with its own name (`deleteObjects`, Inclusions: the owner labels;
 * fluxcd/kustomize-controller at 186fb3b): the one that stops applying it (or is deleted) deletes it
 * if it applied it last, although the other still applies it, which then creates it again (a
 * database: empty). Not when neither ever deletes (no prune, no deleting deletionPolicy, or
 * suspended), nor for an object kustomize-controller's garbage collection skips (marked
 * `prune: disabled`, `reconcile: disabled` or `ssa: Ignore`, as a label or an annotation, any case:
 * fluxcd/pkg `AnyInMetadata`). Reported on the second Kustomization,
 * with the first object and how many more.
 */
function sharedObjects(kss: readonly FluxKs[]): ApplyOrderProblem[] {
  const first = new Map<string, FluxKs>();
  const pairs = new Map<FluxKs, Map<FluxKs, { obj: KubeObject; more: number }>>();
  for (const k of kss) {
    if (!k.build) continue;
    for (const a of k.build) {
      const { apiVersion, kind, metadata } = a.obj;
      // Never deleted by kustomize-controller's garbage collection (its Exclusions).
      if ((metadata.annotations || metadata.labels) && (keptByFluxPrune(a.obj) || hasFluxMarker(a.obj, FLUX_SSA_ANNOTATION, 'ignore'))) continue;
      const ns = isClusterScoped(apiVersion, kind) ? '' : metadata.namespace ?? '';
      const key = `${k.scope}\u0000${groupOf(apiVersion)}\u0000${kind}\u0000${ns}\u0000${metadata.name ?? ''}`;
      const other = first.get(key);
      if (!other) {
        first.set(key, k);
        continue;
      }
      // The same Kustomization reached twice (through two parents' builds) is one.
      if (other === k || (other.o === k.o && other.id === k.id)) continue;
      let withK = pairs.get(k);
      if (!withK) pairs.set(k, (withK = new Map()));
      const pair = withK.get(other);
      if (pair) pair.more++;
      else withK.set(other, { obj: a.obj, more: 0 });
    }
  }
  // Whether a Kustomization ever deletes what it applied: its garbage collection (`prune: true`), or
  // its deletion (`deletionPolicy` Delete or WaitForTermination; MirrorPrune follows prune); never
  // while suspended (`finalizerShouldDeleteResources`).
  const deletes = (k: FluxKs) => k.spec.suspend !== true && (k.spec.prune === true || k.spec.deletionPolicy === 'Delete' || k.spec.deletionPolicy === 'WaitForTermination');
  const out: ApplyOrderProblem[] = [];
  for (const [k, withK] of pairs) {
    for (const [other, { obj, more }] of withK) {
      if (!deletes(k) && !deletes(other)) continue;
      const on = k.cluster ? `cluster "${k.cluster}"` : "the repo's cluster";
      out.push({
        where: k.o.where,
        message: `Kustomization ${k.id} applies ${describe(obj)}${more > 0 ? ` and ${more} more object${more > 1 ? 's' : ''}` : ''} that Kustomization ${other.id} (${other.o.where}) also applies to ${on}: ` +
          'each is in both inventories, kustomize-controller labels it with whichever applied it last, and that one deletes it when it stops applying it although the other still applies it (and creates it anew on its next run: a stateful object comes back empty); ' +
          'apply each object with one Kustomization: keep it in one build (a shared Namespace in a folder one of them builds), or rename it per build (an overlay\'s namePrefix or namespace)',
      });
    }
  }
  return out;
}

/**
 * SealedSecrets (bitnami.com) that Kustomizations apply to two or more clusters, unless declared
 * sealed with a key those clusters share: each sealed-secrets controller generates its own key pair
 * when first deployed (bitnami-labs/sealed-secrets, "Bring your own certificates"), so only the
 * cluster whose certificate sealed the ciphertext can decrypt it; on the others no Secret is ever
 * written, and what reads it (a HelmRelease's valuesFrom, a GitRepository's secretRef) fails. One
 * problem per SealedSecret, naming the clusters.
 */
function sealedAcrossClusters(kss: readonly FluxKs[], shared: (o: ApplyOrderObject) => boolean): ApplyOrderProblem[] {
  const clusters = new Map<ApplyOrderObject, Map<string, string>>();
  // What a Kustomization's spec.patches do to a SealedSecret (its ciphertext per cluster) is not
  // modelled: those the patches of a Kustomization may reach are left out.
  const patched = new Set<ApplyOrderObject>();
  for (const k of kss) {
    if (!Array.isArray(k.spec.patches) || k.spec.patches.length === 0) continue;
    for (const a of k.build ?? []) if (a.obj.kind === 'SealedSecret') patched.add(originOf(a));
  }
  for (const k of kss) {
    for (const a of k.build ?? []) {
      if (a.obj.kind !== 'SealedSecret' || groupOf(a.obj.apiVersion) !== 'bitnami.com') continue;
      const origin = originOf(a);
      if (patched.has(origin)) continue;
      let byScope = clusters.get(origin);
      if (!byScope) clusters.set(origin, (byScope = new Map()));
      if (!byScope.has(k.scope)) byScope.set(k.scope, k.cluster ? `"${k.cluster}"` : "the repo's cluster");
    }
  }
  const out: ApplyOrderProblem[] = [];
  for (const [o, byScope] of clusters) {
    // Clusters told apart by name (one cluster reached two ways, a folder's and a kubeConfig's, is one).
    const names = [...new Set(byScope.values())];
    if (names.length < 2 || shared(o)) continue;
    out.push({
      where: o.where,
      message: `${describe(o.obj)} is applied to ${names.length} clusters (${names.join(', ')}), but each sealed-secrets controller makes its own key pair, so only the cluster whose certificate sealed it can decrypt it and the others never get the Secret; ` +
        'seal it per cluster (a SealedSecret in a folder of each cluster, sealed with that cluster\'s certificate), or install one sealing key on all of them and declare it (sharedSealingKey: true)',
    });
  }
  return out;
}

/**
 * SealedSecrets (bitnami.com) a build applies under another namespace or name than written (a
 * Kustomization's `targetNamespace`, a `namespace`, `namePrefix` or `nameSuffix` of a
 * kustomization file of its build) although their scope binds the ciphertext to them: the
 * controller derives the decryption label from the object's own namespace and name (strict:
 * both; namespace-wide: the namespace; cluster-wide: neither; sealed-secrets
 * `pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go` `EncryptionLabel`), so it cannot
 * decrypt it and never writes the Secret. One problem per SealedSecret and build.
 */
function sealedRenamed(kss: readonly FluxKs[]): ApplyOrderProblem[] {
  const out: ApplyOrderProblem[] = [];
  for (const k of kss) {
    for (const a of k.build ?? []) {
      if (a.obj.kind !== 'SealedSecret' || groupOf(a.obj.apiVersion) !== 'bitnami.com' || a.origin === undefined) continue;
      const annotations = (a.origin.obj.metadata.annotations ?? {}) as Record<string, string>;
      const scope = annotations['sealedsecrets.bitnami.com/cluster-wide'] === 'true' ? 'cluster-wide' : annotations['sealedsecrets.bitnami.com/namespace-wide'] === 'true' ? 'namespace-wide' : 'strict';
      if (scope === 'cluster-wide') continue;
      const before = { namespace: a.origin.obj.metadata.namespace, name: a.origin.obj.metadata.name };
      const after = { namespace: a.obj.metadata.namespace, name: a.obj.metadata.name };
      // Written without a namespace, what it was sealed for is not known: only its name is compared.
      const moved = before.namespace !== undefined && before.namespace !== after.namespace;
      if (!moved && (scope === 'namespace-wide' || before.name === after.name)) continue;
      const was = scope === 'strict' ? `${before.namespace ? `${before.namespace}/` : ''}${before.name}` : `namespace ${before.namespace}`;
      out.push({
        where: a.origin.where,
        message: `${describe(a.origin.obj)} is sealed ${scope} (for ${was}), but Kustomization ${k.id} applies it as ` +
          `${after.namespace ? `${after.namespace}/` : ''}${after.name} (a targetNamespace, namespace, namePrefix or nameSuffix of its build): the sealed-secrets controller decrypts with the applied object's ${scope === 'strict' ? 'namespace and name' : 'namespace'}, so it never writes the Secret; ` +
          'seal it for the name and namespace it is applied as, or seal it cluster-wide',
      });
    }
  }
  return out;
}

/** A Flux Kustomization whose path none of the trees its source may fetch holds (see {@link pathProblems}). */
interface PathMiss {
  /** Its GitRepository (an ExternalArtifact's: the one its generator copies from). */
  readonly src: ApplyOrderObject;
  readonly path: string;
  readonly via?: { readonly artifact: string };
  /** The repos of the source's URL; undefined when it names none (then the tree known to be the source's repo, see `sourceTrees`). */
  readonly repos?: readonly ApplyOrderRepo[];
}

/**
 * The problems of Flux Kustomizations whose `spec.path` is not in their source's repo:
 * kustomize-controller stats the path in the artifact before building and stops there ("kustomization
 * path not found: stat ...": kustomization_controller.go, fluxcd/kustomize-controller at 186fb3b),
 * so nothing of the Kustomization applies. The source's repo is the app repo of its URL (synth), or
 * the one tree from which a Kustomization of the source builds the source itself (`validate`, trees
 * without URLs: flux-system's Kustomization applies its own GitRepository; a tree that is a part of
 * a repo, or a source fetching a repo not given, is not known to be its repo);
 * only a repo whose files are known whole ({@link ApplyOrderRepo.pathKind}: at synth, with the
 * paths declared user-owned) is checked.
 */
function pathProblems(misses: ReadonlyMap<ApplyOrderObject, PathMiss>, sourceTrees: ReadonlyMap<ApplyOrderObject, ReadonlyMap<ApplyOrderRepo, ApplyOrderObject>>): ApplyOrderProblem[] {
  const out: ApplyOrderProblem[] = [];
  for (const [o, miss] of misses) {
    const shown = str((o.obj.spec as Record<string, unknown> | undefined)?.path) ?? miss.path;
    const through = miss.via ? `, through ExternalArtifact ${miss.via.artifact}` : '';
    const known = sourceTrees.get(miss.src);
    const trees = miss.repos ?? (known?.size === 1 ? [...known.keys()] : []);
    if (trees.length === 0 || trees.some((r) => !r.pathKind)) continue;
    const p = fluxSpecPath(miss.path);
    const kinds = trees.map((r) => kindIn(r, miss.src, p));
    const at = kinds.findIndex((k) => k !== undefined && k !== 'file');
    if (p === '' || at >= 0) {
      // There, but nothing of it is known to build (files the user keeps, or no YAML): its components still must be.
      out.push(...specComponentProblems(o, trees[Math.max(at, 0)], miss.path, miss.src));
      continue;
    }
    const app = trees.every((r) => r.urls !== undefined);
    const file = kinds.indexOf('file');
    if (file >= 0) {
      // kustomize-controller finds no kustomization file below a file, generates one, and cannot write it there.
      out.push({
        where: o.where,
        message: `${describe(o.obj)}: spec.path "${shown}" is a file of ${app ? 'repo' : 'tree'} ${trees[file].name}, not a directory: kustomize-controller builds a directory ` +
          `(it generates "${p}/kustomization.yaml" and fails writing it), so the Kustomization applies nothing; give the file's directory`,
      });
      continue;
    }
    const where = app
      ? `repo ${trees.map((r) => r.name).join(', ')} that ${describe(miss.src.obj)} fetches${through} has nothing there (the app writes nothing at or below "${p}" and declares no user-owned path there)`
      : `tree ${trees[0].name}, from which ${describe(known!.get(trees[0])!.obj)} builds ${describe(miss.src.obj)} itself (so it is the repo the source fetches${through}), has nothing there`;
    const fix = app
      ? `fix the path (Kustomization.forFolder takes it from a Folder the app writes), or, for a directory you keep in the repo yourself, declare it with addUserOwnedPath("${p}") on the Repo construct`
      : 'fix the path, or add the directory';
    out.push({
      where: o.where,
      message: `${describe(o.obj)}: spec.path "${shown}": ${where}: kustomize-controller fails before building ("kustomization path not found") and applies nothing; ${fix}`,
    });
  }
  return out;
}

/**
 * What is at `path` of the artifact the GitRepository `src` makes of repo `r`: the repo's, but at or
 * below the paths its `spec.include` copies other repositories to (`toPath`, else the included
 * GitRepository's name), whose content is not known here.
 */
function kindIn(r: ApplyOrderRepo, src: ApplyOrderObject, path: string): RepoPathKind {
  const include = (src.obj.spec as { include?: unknown } | undefined)?.include;
  if (Array.isArray(include)) {
    for (const i of include as Array<{ toPath?: unknown; repository?: { name?: unknown } }>) {
      const to = typeof i?.toPath === 'string' ? i.toPath : typeof i?.repository?.name === 'string' ? i.repository.name : undefined;
      if (to === undefined) continue;
      const t = fluxSpecPath(to);
      if (t === '' || path === t || path.startsWith(`${t}/`)) return 'other';
    }
  }
  return r.pathKind!(path);
}

/**
 * The problems of a Flux Kustomization's `spec.components` in the repo `r` its path is built
 * from: kustomize-controller appends them to the kustomization file at the path (fluxcd/pkg
 * `GenerateManifest`), and kustomize's build fails unless each is a directory whose kustomization
 * file is a Component ("accumulating components": checked with `kubectl kustomize`). Entries
 * kustomize-controller refuses before building (not local) are reported apart; an entry leaving
 * the repo is not checked.
 */
function specComponentProblems(o: ApplyOrderObject, r: ApplyOrderRepo, path: string, src: ApplyOrderObject): ApplyOrderProblem[] {
  const list = (o.obj.spec as { components?: unknown } | undefined)?.components;
  if (!r.pathKind || !Array.isArray(list) || list.some((c) => typeof c !== 'string' || !isLocalRelativeComponent(c))) return [];
  const base = fluxSpecPath(path);
  const ignoreMissing = (o.obj.spec as { ignoreMissingComponents?: unknown }).ignoreMissingComponents === true;
  const out: ApplyOrderProblem[] = [];
  list.forEach((c: string, i) => {
    const entry = c.toLowerCase().startsWith('file://') ? c.slice('file://'.length) : c;
    const rel = posix.normalize(posix.join(base === '' ? '.' : base, entry)).replace(/\/+$/, '');
    if (rel === '..' || rel.startsWith('../')) return;
    const at = kindIn(r, src, rel === '.' ? '' : rel);
    if (at === 'component' || at === 'other') return;
    // fluxcd/pkg GenerateManifest drops the components it does not find, with this flag.
    if (at === undefined && ignoreMissing) return;
    const why =
      at === undefined
        ? `no such directory in ${r.urls !== undefined ? 'repo' : 'tree'} ${r.name} ("${rel}")`
        : at === 'file'
          ? `"${rel}" is a file, not a directory with a kustomization file`
          : at === 'directory'
            ? `"${rel}" has no kustomization file ("unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization'")`
            : `the kustomization file of "${rel}" is not a Component ("expected kind 'Component'")`;
    out.push({
      where: o.where,
      message: `${describe(o.obj)}: spec.components[${i}] "${c}": ${why}: kustomize-controller appends it to the build of spec.path and kustomize fails ("accumulating components"), so the Kustomization applies nothing; ` +
        (at === 'kustomization' ? 'give that kustomization file kind: Component (apiVersion: kustomize.config.k8s.io/v1alpha1), or drop the entry' : 'name the directory of a kustomize Component, or drop the entry'),
    });
  });
  return out;
}

/**
 * One problem per `dependsOn` cycle among the Kustomizations: kustomize-controller reconciles a
 * Kustomization only once every Kustomization it depends on is ready ("dependency '<ns>/<name>' is
 * not ready"), so none of a cycle ever applies. The `Kustomization` construct refuses a cycle when
 * it is made (`addDependsOn`); this finds those of L1 and raw objects, and of trees `validate`
 * reads. The cycles are the strongly connected components (Tarjan's algorithm, iterative: one pass
 * over every Kustomization and dependsOn however many cycles there are); each is shown as one cycle
 * through it, and the same cycle of the same names on several clusters (a template copied per
 * cluster) is one line.
 */
function dependencyCycles(kss: readonly FluxKs[], depsOf: (k: FluxKs) => FluxKs[]): ApplyOrderProblem[] {
  const edges = new Map<FluxKs, FluxKs[]>(kss.map((k) => [k, depsOf(k)]));
  const index = new Map<FluxKs, number>();
  const low = new Map<FluxKs, number>();
  const onStack = new Set<FluxKs>();
  const stack: FluxKs[] = [];
  const components: FluxKs[][] = [];
  let next = 0;
  for (const root of kss) {
    if (index.has(root)) continue;
    const frames: Array<{ k: FluxKs; i: number }> = [{ k: root, i: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (frames.length > 0) {
      const f = frames[frames.length - 1];
      const deps = edges.get(f.k)!;
      if (f.i < deps.length) {
        const d = deps[f.i++];
        if (!index.has(d)) {
          index.set(d, next);
          low.set(d, next++);
          stack.push(d);
          onStack.add(d);
          frames.push({ k: d, i: 0 });
        } else if (onStack.has(d)) low.set(f.k, Math.min(low.get(f.k)!, index.get(d)!));
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1].k;
        low.set(parent, Math.min(low.get(parent)!, low.get(f.k)!));
      }
      if (low.get(f.k) === index.get(f.k)) {
        const component: FluxKs[] = [];
        let x: FluxKs;
        do {
          x = stack.pop()!;
          onStack.delete(x);
          component.push(x);
        } while (x !== f.k);
        if (component.length > 1 || edges.get(f.k)!.includes(f.k)) components.push(component);
      }
    }
  }
  // One cycle through each component, from its first Kustomization (in the input's order).
  const order = new Map<FluxKs, number>(kss.map((k, i) => [k, i]));
  const lines = new Map<string, { first: FluxKs; more: number }>();
  for (const component of components) {
    const members = new Set(component);
    const first = component.reduce((a, b) => (order.get(a)! <= order.get(b)! ? a : b));
    const start = edges.get(first)!.find((d) => members.has(d))!;
    const back = findPath<FluxKs>(start, first, (k) => edges.get(k)!.filter((d) => members.has(d)))!;
    const path = [first, ...back].map((k) => k.id).join(' -> ');
    const seen = lines.get(path);
    if (seen) seen.more++;
    else lines.set(path, { first, more: 0 });
  }
  return [...lines].map(([path, { first, more }]) => ({
    where: first.o.where,
    message: `Kustomization ${first.id}: its dependsOn closes a cycle (${path}): kustomize-controller reconciles a Kustomization only once every one it depends on is ready, ` +
      `so none of them ever applies; remove one of these dependsOn${more > 0 ? ` (so does the same cycle on ${more} more cluster${more > 1 ? 's' : ''})` : ''}`,
  }));
}

/**
 * Why a left-out file matters: a build needs it (see {@link NeededRole}); or a path Flux generates
 * the kustomization.yaml for has nothing left (`missing`) or only empty directories (`empty`).
 */
type IgnoredOutcome = NeededRole | 'missing' | 'empty';

/**
 * What a file is to a build: a file a kustomization file lists (`listed`) or names otherwise (a
 * patch, a generator file: `named`); the kustomization file of the path itself (`own`), of a
 * directory another one lists (`listed-dir`), or of one Flux's generated kustomization.yaml lists
 * (`scanned-dir`).
 */
type NeededRole = 'listed' | 'named' | 'own' | 'listed-dir' | 'scanned-dir';

/** The pattern leaving a file out, the source (or generator) it belongs to, and whether it hits an artifact's name. */
interface LeftOut {
  readonly exclusion: Exclusion;
  readonly owner: ApplyOrderObject;
  readonly byName: boolean;
}

/** What one source (or generator) leaves out of the builds reading through it (see `checkIgnored` in {@link applyOrderProblems}). */
interface IgnoredFiles {
  /** The first case: its first file and pattern, its Kustomization and path, the ExternalArtifact read through, the outcome. */
  readonly first: { readonly file: string; readonly hit: LeftOut; readonly ks: ApplyOrderObject; readonly path: string; readonly artifact?: string; readonly outcome: IgnoredOutcome };
  readonly files: Set<string>;
  readonly kss: Set<ApplyOrderObject>;
}

/** One problem per source (or generator) leaving out files a build needs. */
function ignoredProblems(ignored: ReadonlyMap<ApplyOrderObject, IgnoredFiles>): ApplyOrderProblem[] {
  const id = (o: KubeObject) => `${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
  const s = (n: number) => (n === 1 ? '' : 's');
  const out: ApplyOrderProblem[] = [];
  for (const [owner, { first, files, kss }] of ignored) {
    const { file, hit, ks, artifact, outcome } = first;
    const generator = owner.obj.kind === 'ArtifactGenerator';
    const path = str((ks.obj.spec as Record<string, unknown> | undefined)?.path) ?? first.path;
    const through = artifact ? `, through ExternalArtifact ${artifact}` : '';
    const all = files.size > 1 || kss.size > 1 ? `; ${files.size} file${s(files.size)} left out in all, read by ${kss.size} Kustomization${s(kss.size)} through this ${generator ? 'generator' : 'source'}` : '';
    const what: Record<NeededRole, string> = {
      listed: 'kustomize-controller fails: the kustomization file listing it finds no such resource',
      named: 'kustomize-controller fails: the kustomization file naming it (a patch, a generator\'s file, a CRD...) finds no such file',
      own: 'Flux generates a kustomization.yaml from what is left instead of the one written, and applies (and prunes to) that build',
      'listed-dir': 'kustomize-controller fails: the kustomization file listing its directory finds no kustomization file there',
      'scanned-dir': "Flux's generated kustomization.yaml then lists that directory's other files instead of building its kustomization file",
    };
    const builds =
      outcome !== 'missing' && outcome !== 'empty'
        ? `and Kustomization ${id(ks.obj)} builds it (path "${path}"${through}${all}): ${what[outcome]}`
        : outcome === 'missing'
          ? `and Kustomization ${id(ks.obj)} builds "${path}" (no kustomization file${through}${all}), of which nothing is left: kustomize-controller fails ("kustomization path not found")`
          : `and Kustomization ${id(ks.obj)} builds "${path}" (no kustomization file${through}${all}), of which only empty directories are left: ` +
            'Flux generates an empty kustomization.yaml, applies nothing and prunes everything the Kustomization applied before';
    const described = describeExclusion(hit.exclusion);
    if (generator) {
      const why = hit.byName
        ? `source-watcher leaves everything out of ExternalArtifact ${artifact}, "${file}" included: ${described} matches the artifact's name`
        : `source-watcher leaves "${file}" out of ExternalArtifact ${artifact} (${described})`;
      out.push({
        where: owner.where,
        message:
          `ArtifactGenerator ${id(owner.obj)}: ${why}, which it applies to every artifact it builds, on <workspace>/<artifact name>/<file>, whatever its sources' spec.ignore (builder.go SourceIgnoreFilter), ` +
          `${builds}; ${hit.byName ? 'rename the artifact' : 'rename the file or its folder'}`,
      });
      continue;
    }
    const origin = hit.exclusion.origin;
    const [cause, fix] =
      origin === 'spec.ignore'
        ? [`its ${described}`, 're-include the files with a later "!" pattern, or build another path']
        : origin === 'vcs'
          ? [described, 'rename the file or its folder']
          : origin === 'default'
            ? [`${described} (applied when there are no ignore patterns: no spec.ignore, no .sourceignore in the repo)`, 'rename the file or its folder, or set spec.ignore (any pattern there replaces the default exclusions; the VCS ones stay)']
            : [`the ${described}`, `re-include the files with a later "!" pattern (in ${origin} or spec.ignore), or build another path`];
    out.push({
      where: owner.where,
      message: `GitRepository ${id(owner.obj)}: ${cause} leaves "${file}" out of the artifact (source-controller archives only the files its ignore patterns keep; the last matching pattern decides), ${builds}; ${fix}`,
    });
  }
  return out;
}

/**
 * The files of a repo a build of `dirs` cannot do without: each built directory's kustomization
 * file, the files it lists and the other files it names (a directory Flux generates a
 * kustomization.yaml for lists what it finds: none of its files is needed).
 */
function buildFiles(files: RepoFiles, dirs: ReadonlyArray<BuiltDirectory<string>>, repo: ApplyOrderRepo, path: string): Array<{ file: string; role: NeededRole }> {
  const out: Array<{ file: string; role: NeededRole }> = [];
  const p = fluxSpecPath(path);
  dirs.forEach(({ dir, generated, top }) => {
    if (generated) return;
    out.push({ file: kustomizationFileOf(repo, dir), role: !top ? 'listed-dir' : dir === p ? 'own' : 'scanned-dir' });
    for (const file of files.listedFiles(dir)) out.push({ file, role: 'listed' });
    for (const file of repo.namedFiles?.get(dir === '' ? '.' : dir) ?? []) out.push({ file, role: 'named' });
  });
  return out;
}

/** The repo path of the kustomization file of directory `dir` (`''` the root). */
function kustomizationFileOf(repo: ApplyOrderRepo, dir: string): string {
  const name = repo.kustomizationFileNames?.get(dir === '' ? '.' : dir) ?? 'kustomization.yaml';
  return dir === '' ? name : `${dir}/${name}`;
}

/** The construct at `path` (a construct path) below `root`, if any. */
function constructAt(root: IConstruct, path: string): IConstruct | undefined {
  let c: IConstruct | undefined = root;
  const rootPath = root.node.path;
  const rel = rootPath && path.startsWith(`${rootPath}/`) ? path.slice(rootPath.length + 1) : path;
  for (const id of rel.split('/')) {
    c = c.node.tryFindChild(id);
    if (!c) return undefined;
  }
  return c;
}

/** What the overlays among `folders` rename what they build with (their namespace, namePrefix, nameSuffix), by folder path. */
function overlayRenames(folders: readonly AppFolder[]): Map<string, KustomizeRename> | undefined {
  let out: Map<string, KustomizeRename> | undefined;
  for (const f of folders) {
    if (!Overlay.isOverlay(f)) continue;
    const r = { namespace: f.namespace, namePrefix: f.namePrefix, nameSuffix: f.nameSuffix };
    if (renames(r)) (out ??= new Map()).set(f.path, r);
  }
  return out;
}

/** A folder of an app, as the app adapter needs it (a {@link Folder}). */
interface AppFolder extends IConstruct {
  readonly path: string;
  /** Whether it writes a kustomization file (see `Folder.kustomization`). @default false */
  readonly kustomization?: boolean;
  /** The kind of that file (`Component` for a kustomize Component). */
  _kustomizationKind?(): { readonly kind: string };
  /** Its `addResource` entries, repo-relative. @default - none */
  readonly additionalResourceTargets?: ReadonlyArray<{ readonly resolved: string; readonly userOwned: boolean }>;
}

/**
 * What is at a path of an app repo after the synth (see {@link ApplyOrderRepo.pathKind}): the files
 * of its objects, the kustomization file of each folder that writes one, the files and directories
 * its folders list as user-owned (`addResource(..., { userOwned: true })`) and those the repo
 * declares user-owned (`Repo.addUserOwnedPath`: their kind is not known), and the directories above them. Built on the first call (only a Kustomization whose path has
 * nothing of the app's objects, or that has components, asks).
 */
function appPathKind(folders: readonly AppFolder[], objects: readonly ApplyOrderObject[], userOwned: readonly string[]): (path: string) => RepoPathKind {
  let kinds: Map<string, RepoPathKind> | undefined;
  const build = () => {
    const m = new Map<string, RepoPathKind>();
    const set = (p: string, kind: RepoPathKind) => {
      if (m.get(p) === undefined || m.get(p) === 'directory') m.set(p, kind);
      // The directories above it (a directory already known has its own above it).
      for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) {
        const d = p.slice(0, i);
        if (m.has(d)) break;
        m.set(d, 'directory');
      }
    };
    for (const o of objects) set(o.file, 'file');
    for (const f of folders) {
      if (f.kustomization) {
        set(f.path, f._kustomizationKind?.().kind === 'Component' ? 'component' : 'kustomization');
        set(`${f.path}/kustomization.yaml`, 'file');
      }
      for (const r of f.additionalResourceTargets ?? []) if (r.userOwned) set(r.resolved, 'other');
    }
    for (const p of userOwned) set(p, 'other');
    // A kustomization file the user keeps: its directory is theirs too (a kustomization or a Component).
    for (const f of folders) for (const r of f.additionalResourceTargets ?? []) if (r.userOwned && isKustomizeConfig(r.resolved)) set(posix.dirname(r.resolved), 'other');
    for (const p of userOwned) if (isKustomizeConfig(p)) set(posix.dirname(p), 'other');
    return m;
  };
  return (path) => {
    if (path === '') return 'directory';
    kinds ??= build();
    const kind = kinds.get(path);
    if (kind !== undefined) return kind;
    // Below a user-owned directory: what the user keeps there is not known.
    for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) if (kinds.get(path.slice(0, i)) === 'other') return 'other';
    return undefined;
  };
}

/**
 * The apply-order problems of an app's repos (the synth check stage): `placed` are the app's
 * objects, `kustomizations` each repo's folders' `kustomization.yaml` resources, `clusters` the
 * cluster of each folder. Pre-installed sets come from {@link declarePreinstalled} on the app, its
 * repos (every cluster) and its folders (their cluster). Returns `<construct path>: <message>` lines.
 */
export function appApplyOrderProblems(
  app: IConstruct,
  repos: ReadonlyArray<{ readonly repo: IConstruct & { readonly dir: string; readonly url?: string; readonly userOwnedPaths?: readonly string[] }; readonly folders: readonly AppFolder[] }>,
  placed: ReadonlyArray<{ readonly obj: KubeObject; readonly constructPath: string; readonly repo: IConstruct; readonly folder: AppFolder; readonly file: string }>,
  kustomizations: ReadonlyMap<IConstruct, ReadonlyMap<string, readonly string[]>>,
  clusters: ReadonlyMap<AppFolder, string>,
): string[] {
  const pre: Array<{ cluster: string; set: PreinstalledSet }> = preinstalledOn(app).map((set) => ({ cluster: '*', set }));
  for (const { repo, folders } of repos) {
    for (const set of preinstalledOn(repo)) pre.push({ cluster: '*', set });
    for (const f of folders) for (const set of preinstalledOn(f)) pre.push({ cluster: clusters.get(f) ?? '', set });
  }
  // Each repo's objects, in the order placed (grouped once, not filtered per repo).
  const objectsOf = new Map<IConstruct, ApplyOrderObject[]>();
  for (const p of placed) {
    const o: ApplyOrderObject = { file: p.file, obj: p.obj, where: p.constructPath, cluster: clusters.get(p.folder) ?? '' };
    if (p.obj.kind === 'Kustomization' && isBuildBoundChecked(constructAt(app, p.constructPath))) (o as { boundChecked?: boolean }).boundChecked = true;
    const list = objectsOf.get(p.repo);
    if (list) list.push(o);
    else objectsOf.set(p.repo, [o]);
  }
  // The bases of Overlays that patch (themselves or through their Components), per repo dir; and
  // each object's repo dir (for the SealedSecret check).
  const patchedBases = new Map<string, string[]>();
  const repoDirOf = new Map<ApplyOrderObject, string>();
  for (const { repo, folders } of repos) {
    for (const f of folders) {
      if (!Overlay.isOverlay(f)) continue;
      if (f.patches.length === 0 && !f.components.some((c) => c.patches.length > 0)) continue;
      patchedBases.set(repo.dir, [...(patchedBases.get(repo.dir) ?? []), f.base.path]);
    }
    for (const o of objectsOf.get(repo) ?? []) repoDirOf.set(o, repo.dir);
  }
  const input: ApplyOrderInput = {
    preinstalled: pre,
    repos: repos.map(({ repo, folders }) => ({
      name: repo.dir,
      urls: repo.url ? [repo.url] : [],
      kustomizations: kustomizations.get(repo) ?? new Map(),
      renames: overlayRenames(folders),
      objects: objectsOf.get(repo) ?? [],
      pathKind: appPathKind(folders, objectsOf.get(repo) ?? [], repo.userOwnedPaths ?? []),
      maxObjectsPerBuild: maxObjectsPerBuild(repo as Repo),
    })),
    importedSources: appImportedSources(app, repos, clusters),
    // A SealedSecret construct's declaration (its `sharedSealingKey`), or a scope's above it
    // (`declareSharedSealingKey`), found from its object's path.
    sharedSealingKey: (o) => {
      for (let c = constructAt(app, o.where); c; c = c.node.scope) {
        if ((c as { readonly sharedSealingKey?: unknown }).sharedSealingKey === true || isSharedSealingKeyScope(c)) return true;
      }
      // Below the base of an Overlay with patches (its own, or its Components'): what they do to
      // the ciphertext per cluster is not modelled, so it counts as declared.
      const dir = posix.dirname(o.file);
      return patchedBases.get(repoDirOf.get(o) ?? '')?.some((b) => dir === b || dir.startsWith(`${b}/`)) === true;
    },
  };
  return applyOrderProblems(input).map((p) => `${p.where}: ${p.message}`);
}

/**
 * The app's GitRepositories imported by name with the repo they fetch, for the model: on the
 * cluster of the folder they are imported in (none outside a folder), declared by its repo.
 */
function appImportedSources(
  app: IConstruct,
  repos: ReadonlyArray<{ readonly repo: IConstruct & { readonly dir: string }; readonly folders: readonly AppFolder[] }>,
  clusters: ReadonlyMap<AppFolder, string>,
): ApplyOrderImportedSource[] {
  const imported = importedGitSources(app.node.root);
  if (imported.length === 0) return [];
  const folderRepo = new Map<IConstruct, string>();
  for (const { repo, folders } of repos) for (const f of folders) folderRepo.set(f as unknown as IConstruct, repo.dir);
  const dirOf = new Map<IConstruct, string>(repos.map(({ repo }) => [repo, repo.dir]));
  return imported.flatMap((imp) => {
    const fetches = dirOf.get(imp.repo);
    if (fetches === undefined) return [];
    let folder: IConstruct | undefined = imp.construct.node.scope;
    while (folder && !folderRepo.has(folder)) folder = folder.node.scope;
    return [{
      name: imp.name,
      namespace: imp.namespace,
      fetches,
      where: imp.construct.node.path,
      ...(folder ? { declaredIn: folderRepo.get(folder)!, cluster: clusters.get(folder as unknown as AppFolder) ?? '' } : {}),
    }];
  });
}
