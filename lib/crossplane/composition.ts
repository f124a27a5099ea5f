import { ApiObject, App, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Composition as CompositionL1, CompositionSpecMode } from '../../imports/crossplane/apiextensions.crossplane.io';
import { checkString, DNS_SUBDOMAIN, propError } from '../core/errors';
import { addReference, ObjectRef } from '../core/references';
import { CROSSPLANE_MANAGEMENT_POLICIES, isCrossplaneManagedGroup, isStatefulKind, isStatefulParentKind, RemovalPolicy, statefulParentKind, removalPolicyAnnotations, removalPolicyOf, dropGitOpsEngineAnnotations } from '../core/removal-policy';
import { SchemaRegistry } from '../core/validation';
import { groupOf } from '../core/validation/metadata';
import { checkFieldPath, parseFieldPath } from './field-path';
import { azureTagNameProblem } from '../core/azure-tags';
import { describeTypes, fits, JsonTypes, typeAfterTransforms, typeFix, typesAt } from './patch-types';
import { ConnectionDetail, Patch, ReadinessCheck } from './patches';
import { AzureClusterProviderConfig } from './provider-config';
import { Repo } from '../gitops/repo';
import { ObservedResource, PT_INPUT_API_VERSION, renderComposition, RenderResult } from './render';
import { applyDefaults, validateWithSchema } from './schema-validation';
import { ICompositeResourceDefinition, XrdScope } from './xrd';
import { PlatformResource } from '../core/resource';
import { ISecretSource, resolveSecret } from '../core/secret';

/** A composition function, by object or by name. */
export type FunctionRef = { readonly name: string } | string;

/**
 * The base of a composed resource: any L1 object (upjet-azure, ASO or core kinds), given as
 * - a factory `(scope) => new KubernetesCluster(scope, 'x', {...})` (created outside the app's
 *   tree: it never becomes a file); the factory may also return a construct with an `apiObject`
 *   (e.g. `(scope) => new RoleAssignment(scope, 'x', {...})`),
 * - an ApiObject already created (it is removed from the tree), or
 * - a plain manifest (e.g. `KubernetesCluster.manifest({...})`).
 */
export type ComposedBase = ((scope: Construct) => ApiObject | { readonly apiObject: ApiObject }) | ApiObject | { readonly apiVersion: string; readonly kind: string; readonly [key: string]: unknown };

/** A resource composed by function-patch-and-transform. */
export interface ComposedResourceProps {
  /** Name of the resource in the composition (unique per step; Crossplane tracks the resource by it). */
  readonly name: string;
  /** The base object (see {@link ComposedBase}); `metadata.name` is left to Crossplane unless set explicitly. */
  readonly base: ComposedBase;
  /** Patches, in order. Paths are checked against the XRD and the base kind's schema. @default - none */
  readonly patches?: Patch[];
  /** Readiness checks. @default - function-patch-and-transform's default (`Ready=True`) */
  readonly readinessChecks?: ReadinessCheck[];
  /** Connection details the resource contributes to the composite's connection Secret. @default - none */
  readonly connectionDetails?: ConnectionDetail[];
  /**
   * What happens to the real resource when the composite is deleted: for Crossplane managed
   * resources (`*.upbound.io`) the base gets the matching `spec.managementPolicies`; for ASO
   * resources, ASO's reconcile-policy annotation.
   * A retained stateful Azure resource needs a stable Azure name: patch
   * `metadata.annotations[crossplane.io/external-name]` (ASO: `spec.azureName`) from the composite
   * (checked at synth).
   * @default - the `removalPolicy` of a base construct that has one (e.g. a `RoleAssignment`), else RemovalPolicy.RETAIN for stateful kinds (`isStatefulKind`) and for the node pools of a retained cluster of the composition (`STATEFUL_PARENT_KINDS`: deleted with the composite, they would drain the kept cluster's workloads), else RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Where a v2 composite's connection Secret is written (function-patch-and-transform composes it). */
export interface ConnectionSecretProps {
  /** Name. @default `<composite name>-connection` */
  readonly name?: string;
  /** Namespace. @default - the composite's namespace */
  readonly namespace?: string;
  /** Patches from the composite to `name` / `namespace` (FromCompositeFieldPath, CombineFromComposite). @default - none */
  readonly patches?: Patch[];
}

/** A function-patch-and-transform step. */
export interface PatchAndTransformStepProps {
  /** Step name. @default 'patch-and-transform' */
  readonly step?: string;
  /** The function. @default 'function-patch-and-transform' */
  readonly function?: FunctionRef;
  /** Composed resources (more with `step.addResource()`). @default - none */
  readonly resources?: ComposedResourceProps[];
  /** Named patch sets, used with `Patches.patchSet(name)`. @default - none */
  readonly patchSets?: Record<string, Patch[]>;
  /** Patches between the composite and the pipeline environment. @default - none */
  readonly environmentPatches?: Patch[];
  /** The connection Secret of a v2 composite. @default - `<composite name>-connection` in the composite's namespace, when there are connection details */
  readonly connectionSecret?: ConnectionSecretProps;
}

/** A function-auto-ready step. */
export interface AutoReadyStepProps {
  /** Step name. @default 'automatically-detect-ready-composed-resources' */
  readonly step?: string;
  /** The function. @default 'function-auto-ready' */
  readonly function?: FunctionRef;
}

/** A step of any other function (go-templating, KCL, ...), with its input as data. */
export interface FunctionStepProps {
  /** Step name. */
  readonly step: string;
  /** The function. */
  readonly function: FunctionRef;
  /** The function's input (an object with apiVersion and kind). @default - none */
  readonly input?: Record<string, unknown>;
  /**
   * Secrets passed to the function as credentials (`credentials[].secretRef`): a name the function
   * knows them by, and the Secret (an {@link ISecretSource}, or the name of a Secret of the
   * folder's namespace managed outside the app). Crossplane reads it from the Secret's namespace.
   * @default - none
   */
  readonly credentials?: Array<{ readonly name: string; readonly secret: ISecretSource | string }>;
}

/** Props of a {@link Composition}. */
export interface CompositionProps {
  /** The XRD whose composite resources this composition composes. */
  readonly xrd: ICompositeResourceDefinition;
  /** Name. @default - the XRD's name (`<plural>.<group>`) */
  readonly name?: string;
  /** Labels (for `compositionSelector`s). @default - none */
  readonly labels?: Record<string, string>;
  /**
   * Namespace for connection secrets of legacy (v1) composites.
   * @default - none (only allowed for XrdScope.LEGACY_CLUSTER XRDs)
   */
  readonly writeConnectionSecretsToNamespace?: string;
}

/** Options of {@link Composition.render}. */
export interface CompositionRenderOptions {
  /** Name of the example composite. @default 'example' */
  readonly name?: string;
  /** Namespace of the example composite (namespaced XRDs). @default 'default' */
  readonly namespace?: string;
  /** Observed composed resources, by resource name. @default - none */
  readonly observed?: Record<string, ObservedResource>;
  /** The pipeline environment. @default {} */
  readonly environment?: Record<string, unknown>;
}

interface Step {
  readonly index: number;
  /** A step of another function (`addFunctionStep`). */
  readonly generic?: boolean;
  render(): Record<string, unknown>;
}

/** A reference from a composed base to a namespaced ProviderConfig (resolved per instance namespace). */
export interface NamespacedProviderConfigRef {
  readonly resource: string;
  readonly apiGroup: string;
  readonly name: string;
}

const UNNAMED = 'cdk8s-platform-unnamed-base';

/** A problem found by a late check: the prop (relative to the composition) and the rule. */
interface Problem {
  readonly prop: string;
  readonly rule: string;
}

/** `crossplane.io/external-name`: the Azure name of a Crossplane managed resource. */
const EXTERNAL_NAME = 'crossplane.io/external-name';

/** Stateful kinds whose Azure names are unique in the subscription (resource groups) or globally (DNS names). */
/** Stateful Azure kinds whose Azure name is unique in the subscription or globally (also read by kro graphs). */
export const SHARED_NAME_SCOPE = /^(ResourceGroup|FlexibleServer|Account|StorageAccount|Vault)$/;

/**
 * Fields of an upjet-azure KubernetesCluster's `defaultNodePool` that azurerm changes by cycling
 * the pool (a temporary system pool, the old one deleted, a new one made), which it refuses
 * without `temporaryNameForRotation` (terraform-provider-azurerm `kubernetes_cluster_resource.go`
 * `cycleNodePoolProperties`: "`temporary_name_for_rotation` must be specified when updating any
 * of the following properties"). References and selectors of the IDs count as the IDs.
 */
const CYCLED_DEFAULT_POOL_FIELDS = /^(hostEncryptionEnabled|nodePublicIpEnabled|fipsEnabled|kubeletConfig|kubeletDiskType|linuxOsConfig|maxPods|onlyCriticalAddonsEnabled|osDiskSizeGb|osDiskType|osSku|podSubnetId(Ref|Selector)?|snapshotId|ultraSsdEnabled|vnetSubnetId(Ref|Selector)?|vmSize|zones)$/;

/**
 * Patches of a composed upjet-azure KubernetesCluster writing a default node pool field that is
 * changed by cycling the pool ({@link CYCLED_DEFAULT_POOL_FIELDS}) while the base sets no
 * `temporaryNameForRotation`: the first change of the composite's value leaves the managed
 * resource failing every reconcile, and the cluster is never changed.
 */
function defaultPoolRotationProblems(e: ComposedEntry): Problem[] {
  if (e.kind !== 'KubernetesCluster' || !/^containerservice\.azure(\.m)?\.upbound\.io$/.test(groupOf(e.apiVersion))) return [];
  const named = typeof e.base.spec?.forProvider?.defaultNodePool?.temporaryNameForRotation === 'string' ||
    e.patches.some((p) => baseFieldWritten(p)?.join('.') === 'spec.forProvider.defaultNodePool.temporaryNameForRotation');
  if (named) return [];
  const out: Problem[] = [];
  e.patches.forEach((p, j) => {
    const path = baseFieldWritten(p);
    if (!path || path.length < 4 || path.slice(0, 3).join('.') !== 'spec.forProvider.defaultNodePool' || !CYCLED_DEFAULT_POOL_FIELDS.test(path[3])) return;
    out.push({
      prop: `${e.prop}.patches[${j}]`,
      rule: `${p.from ? `${e.where}: ${p.from}` : e.where}: patch ${j} (${p.type}) writes ${String(p.json.toFieldPath)}, which the provider changes by cycling the default node pool and refuses to change without a temporary pool name ` +
        '("temporary_name_for_rotation must be specified"): the composite\'s change never reaches the cluster and its managed resource fails every reconcile; ' +
        'set spec.forProvider.defaultNodePool.temporaryNameForRotation in the base (a node pool name: lowercase letters and digits, at most 12, e.g. "systemtmp")',
    });
  });
  return out;
}

/**
 * The base field a patch writes, as path segments (`metadata.annotations[a/b]` is
 * `['metadata', 'annotations', 'a/b']`, an index or wildcard `*`), or undefined for a patch that
 * writes the composite or the environment, or a path that does not parse (the path checks report it).
 */
function baseFieldWritten(p: Patch): string[] | undefined {
  const to = p.json.toFieldPath;
  if (typeof to !== 'string' || !['FromCompositeFieldPath', 'CombineFromComposite', 'FromEnvironmentFieldPath'].includes(p.type)) return undefined;
  try {
    return parseFieldPath(to).map((seg) => ('field' in seg ? seg.field : '*'));
  } catch {
    return undefined;
  }
}

/** A composed resource as the step keeps it. */
interface ComposedEntry {
  readonly name: string;
  readonly base: Record<string, any>;
  readonly props: ComposedResourceProps;
  /** `pipeline[i].resources[j]`. */
  readonly prop: string;
  /** `step "s": resource "r"`, for messages. */
  readonly where: string;
  /** The patches with patch sets expanded (`from` names the set). */
  readonly patches: ReadonlyArray<Patch & { readonly from?: string }>;
  readonly apiVersion: string;
  readonly kind: string;
  /** The removal policy applied to the base. */
  policy: RemovalPolicy;
  /** Whether {@link policy} is a default (neither the props' nor the base construct's). */
  readonly defaultPolicy: boolean;
}

class BaseChart extends Chart {
  public generateObjectName(): string {
    return UNNAMED;
  }
}

/**
 * A function-patch-and-transform step of a {@link Composition}. Add resources with
 * {@link addResource}; each patch path is checked when added.
 */
export class PatchAndTransformStep {
  public readonly step: string;
  private readonly resources: ComposedEntry[] = [];
  private readonly patchSets: Record<string, Patch[]>;

  /** @internal */
  public constructor(private readonly composition: Composition, public readonly index: number, private readonly props: PatchAndTransformStepProps) {
    this.step = props.step ?? 'patch-and-transform';
    this.patchSets = { ...(props.patchSets ?? {}) };
    for (const [name, patches] of Object.entries(this.patchSets)) {
      patches.forEach((p, i) => {
        if (p.type === 'PatchSet') throw propError(composition, `pipeline[${index}].patchSets.${name}[${i}]`, 'a patch in a patch set cannot be of type PatchSet');
      });
    }
    const prop = `pipeline[${index}]`;
    for (const [i, p] of (props.environmentPatches ?? []).entries()) {
      if (['FromCompositeFieldPath', 'CombineFromComposite', 'ToEnvironmentFieldPath'].includes(p.type)) {
        for (const from of sourcePaths(p)) composition.checkCompositePath(`${prop}.environment.patches[${i}]`, `step "${this.step}": environment patch ${i}`, 'fromFieldPath', from);
      } else if (['ToCompositeFieldPath', 'FromEnvironmentFieldPath', 'CombineToComposite'].includes(p.type)) {
        composition.checkCompositePath(`${prop}.environment.patches[${i}]`, `step "${this.step}": environment patch ${i}`, 'toFieldPath', String(p.json.toFieldPath));
      } else {
        throw propError(composition, `${prop}.environment.patches[${i}]`, `patch type ${p.type} is not allowed in environment patches`);
      }
    }
    for (const [i, p] of (props.connectionSecret?.patches ?? []).entries()) {
      if (p.type !== 'FromCompositeFieldPath' && p.type !== 'CombineFromComposite') {
        throw propError(composition, `${prop}.connectionSecret.patches[${i}]`, `patch type ${p.type} is not supported (FromCompositeFieldPath or CombineFromComposite)`);
      }
      for (const from of sourcePaths(p)) composition.checkCompositePath(`${prop}.connectionSecret.patches[${i}]`, `step "${this.step}": connection secret patch ${i}`, 'fromFieldPath', from);
      if (p.json.toFieldPath !== 'name' && p.json.toFieldPath !== 'namespace') {
        throw propError(composition, `${prop}.connectionSecret.patches[${i}]`, `toFieldPath must be "name" or "namespace", got "${String(p.json.toFieldPath)}"`);
      }
    }
    if (props.connectionSecret && composition.xrd.legacy) {
      throw propError(composition, `${prop}.connectionSecret`, 'legacy (v1) composites write their connection secret through Crossplane: use writeConnectionSecretsToNamespace');
    }
    for (const r of props.resources ?? []) this.addResource(r);
  }

  /** @internal The resources added so far. */
  public get _entries(): readonly ComposedEntry[] {
    return this.resources;
  }

  /** Names of the resources added so far. */
  public get resourceNames(): string[] {
    return this.resources.map((r) => r.name);
  }

  /** Names of the connection details the resources contribute. */
  public get connectionDetailNames(): string[] {
    return this.resources.flatMap((r) => (r.props.connectionDetails ?? []).map((d) => String(d.json.name)));
  }

  /**
   * Adds a composed resource. Throws when a patch, readiness or connection path is not in the
   * schemas. Patch types (source type after transforms against destination type) are checked at
   * synth, like bases whose kind has no schema (an error unless its schema is registered by then).
   */
  public addResource(props: ComposedResourceProps): void {
    const c = this.composition;
    const i = this.resources.length;
    const prop = `pipeline[${this.index}].resources[${i}]`;
    if (!props.name || !/^[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/.test(props.name)) {
      throw propError(c, `${prop}.name`, `"${props.name}" is invalid: must be letters, digits, "-", "_" and "." (starting and ending with a letter or digit)`);
    }
    // The step's own resources are not in allResourceNames() until the step is added.
    if (this.resourceNames.includes(props.name) || c.allResourceNames().includes(props.name)) throw propError(c, `${prop}.name`, `resource "${props.name}" is already composed by this composition`);
    const fromBase: { removalPolicy?: RemovalPolicy } = {};
    const base = resolveBase(c, `${prop}.base`, props.base, fromBase);
    const apiVersion = String(base.apiVersion);
    const kind = String(base.kind);
    const defaultPolicy = props.removalPolicy === undefined && fromBase.removalPolicy === undefined;
    // A node pool of a retained cluster of the composition is retained with it (its deletion
    // drains and deletes the nodes running the cluster's workloads); the other way round below.
    const parent = statefulParentKind(apiVersion, kind);
    const composed = () => [...c._composedEntries(), ...this.resources];
    const retainedParent = parent !== undefined && composed().some((e) => `${groupOf(e.apiVersion)}/${e.kind}` === parent && e.policy === RemovalPolicy.RETAIN);
    const policy = props.removalPolicy ?? fromBase.removalPolicy ?? (isStatefulKind(apiVersion, kind) || retainedParent ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
    if (!Object.values(RemovalPolicy).includes(policy)) throw propError(c, `${prop}.removalPolicy`, `"${String(policy)}" is not a RemovalPolicy`);
    applyBasePolicy(base, policy);
    const self = `${groupOf(apiVersion)}/${kind}`;
    if (policy === RemovalPolicy.RETAIN && isStatefulParentKind(self)) {
      for (const e of composed()) {
        if (e.defaultPolicy && e.policy !== RemovalPolicy.RETAIN && statefulParentKind(e.apiVersion, e.kind) === self) {
          applyBasePolicy(e.base, RemovalPolicy.RETAIN);
          e.policy = RemovalPolicy.RETAIN;
        }
      }
    }
    if (isUpjetAzureGroup(groupOf(apiVersion))) {
      for (const params of ['forProvider', 'initProvider']) {
        const tags = ((base.spec as Record<string, unknown> | undefined)?.[params] as Record<string, unknown> | undefined)?.tags;
        if (!tags || typeof tags !== 'object') continue;
        for (const k of Object.keys(tags)) {
          const problem = azureTagNameProblem(k);
          if (problem) throw propError(c, `${prop}.base.spec.${params}.tags.${k}`, `${problem} (ARM refuses the resource, so it is never created)`);
        }
      }
    }

    const where = `step "${this.step}": resource "${props.name}"`;
    const patches: Array<Patch & { from?: string }> = [];
    for (const [j, p] of (props.patches ?? []).entries()) {
      if (p.type === 'PatchSet') {
        const set = this.patchSets[String(p.json.patchSetName)];
        if (!set) throw propError(c, `${prop}.patches[${j}]`, `${where}: patch set "${String(p.json.patchSetName)}" is not defined in this step (defined: ${Object.keys(this.patchSets).sort().join(', ') || 'none'})`);
        patches.push(...set.map((sp) => ({ ...sp, from: `patch set "${String(p.json.patchSetName)}"` })));
      } else patches.push(p);
    }
    const entry: ComposedEntry = { name: props.name, base, props, prop, where, patches, apiVersion, kind, policy, defaultPolicy };
    const kindSchema = SchemaRegistry.default().get(apiVersion, kind)?.schema;
    if (kindSchema) {
      const [first] = this.pathProblems(entry, kindSchema);
      if (first) throw propError(c, first.prop, first.rule);
    } else {
      // Composite-side paths do not depend on the base's schema: check them now.
      const [first] = this.pathProblems(entry, undefined);
      if (first) throw propError(c, first.prop, first.rule);
    }
    c.recordProviderConfigRef(`${prop}.base.spec.providerConfigRef`, props.name, base, kindSchema);
    if (kind === 'Account' && /^storage\.azure(\.m)?\.upbound\.io$/.test(groupOf(apiVersion)) &&
      ['forProvider', 'initProvider'].some((k) => (base as Record<string, any>).spec?.[k]?.sharedAccessKeyEnabled === false)) {
      const ref = (base as Record<string, any>).spec?.providerConfigRef ?? (kindSchema as Record<string, any> | undefined)?.properties?.spec?.properties?.providerConfigRef?.default;
      if (ref?.kind === 'ClusterProviderConfig' && typeof ref.name === 'string') c._addKeylessStorage(`${prop}.base.spec.forProvider.sharedAccessKeyEnabled`, props.name, ref.name);
    }
    this.resources.push(entry);
  }

  /** Path problems of a resource: composite paths always, base paths when `kindSchema` is given. */
  private pathProblems(e: ComposedEntry, kindSchema: Record<string, unknown> | undefined): Problem[] {
    const c = this.composition;
    const out: Problem[] = [];
    const checkBase = (p: string, field: string, path: string, w = e.where) => {
      const tag = field === 'toFieldPath' ? upjetAzureTagName(e.apiVersion, path) : undefined;
      const tagProblem = tag === undefined ? undefined : azureTagNameProblem(tag);
      if (tagProblem) out.push({ prop: p, rule: `${w}: toFieldPath "${path}" writes the Azure tag "${tag}" of ${e.kind}: ${tagProblem} (ARM refuses the resource, so it is never created)` });
      if (!kindSchema) return;
      const why = checkFieldPath(kindSchema, path);
      if (why) out.push({ prop: p, rule: `${w}: ${field} "${path}" is not in the schema of ${e.kind} (${e.apiVersion}): ${why}` });
    };
    e.patches.forEach((p, j) => {
      const pp = `${e.prop}.patches[${j}]`;
      const w = p.from ? `${e.where}: ${p.from}` : e.where;
      const compositeCheck = (field: string, path: string) => {
        const why = c.compositePathProblem(path);
        if (why) out.push({ prop: pp, rule: `${w}: ${field} "${path}" is not in the schema of ${c.xrd.compositeKind} (${c.xrd.compositeApiVersion}): ${why}` });
      };
      switch (p.type) {
        case 'FromCompositeFieldPath':
        case 'CombineFromComposite':
          for (const from of sourcePaths(p)) compositeCheck('fromFieldPath', from);
          checkBase(pp, 'toFieldPath', String(p.json.toFieldPath), w);
          break;
        case 'FromEnvironmentFieldPath':
          checkBase(pp, 'toFieldPath', String(p.json.toFieldPath), w);
          break;
        case 'ToCompositeFieldPath':
        case 'CombineToComposite':
          for (const from of sourcePaths(p)) checkBase(pp, 'fromFieldPath', from, w);
          compositeCheck('toFieldPath', String(p.json.toFieldPath));
          break;
        case 'ToEnvironmentFieldPath':
          for (const from of sourcePaths(p)) checkBase(pp, 'fromFieldPath', from, w);
          break;
        default:
          out.push({ prop: pp, rule: `${e.where}: unknown patch type ${p.type}` });
      }
    });
    for (const [j, r] of (e.props.readinessChecks ?? []).entries()) {
      if (typeof r.json.fieldPath === 'string') checkBase(`${e.prop}.readinessChecks[${j}]`, 'fieldPath', r.json.fieldPath);
    }
    for (const [j, d] of (e.props.connectionDetails ?? []).entries()) {
      if (typeof d.json.fromFieldPath === 'string') checkBase(`${e.prop}.connectionDetails[${j}]`, 'fromFieldPath', d.json.fromFieldPath);
      if (d.json.type === 'FromConnectionSecretKey' && kindSchema && !hasWriteConnectionSecret(e.base, e.props.patches ?? [])) {
        out.push({ prop: `${e.prop}.connectionDetails[${j}]`, rule: `${e.where}: FromConnectionSecretKey needs the base to write a connection secret: set spec.writeConnectionSecretToRef.name in the base or patch it` });
      }
    }
    return out;
  }

  /**
   * @internal Late checks (at synth): every base kind has a schema (bundled or registered in
   * `SchemaRegistry.default()`), paths of bases registered after `addResource`, and patch types.
   */
  public validate(): Problem[] {
    const c = this.composition;
    const out: Problem[] = [];
    for (const e of this.resources) {
      const kindSchema = SchemaRegistry.default().get(e.apiVersion, e.kind)?.schema;
      if (!kindSchema) {
        out.push({
          prop: `${e.prop}.base`,
          rule: `${e.where}: kind ${e.kind} (${e.apiVersion}) has no schema, so its patches cannot be checked: ${groupOf(e.apiVersion).includes('.')
            ? 'register its CRD (SchemaRegistry.default().addCrd(crd))'
            : 'register its OpenAPI schema (SchemaRegistry.default().addSchema({ apiVersion, kind, scope, schema, source }))'} before synth`,
        });
        continue;
      }
      const paths = this.pathProblems(e, kindSchema);
      if (paths.length > 0) {
        out.push(...paths);
        continue;
      }
      e.patches.forEach((p, j) => {
        const problem = patchTypeProblem(p, c.xrd, e, kindSchema);
        if (problem) out.push({ prop: `${e.prop}.patches[${j}]`, rule: `${p.from ? `${e.where}: ${p.from}` : e.where}: patch ${j} (${p.type}): ${problem}` });
      });
      const naming = this.azureNameProblem(e);
      if (naming) out.push({ prop: `${e.prop}.patches`, rule: `${e.where}: ${naming}` });
      out.push(...defaultPoolRotationProblems(e));
    }
    return out;
  }

  /**
   * What is wrong with how a composed stateful Azure resource (`isStatefulKind`, upjet-azure or
   * ASO) is named in Azure (`crossplane.io/external-name`, ASO `spec.azureName`), if anything:
   * - retained but not named by the composition: the name is the managed resource's, which
   *   Crossplane generates for each composite (`<composite>-<random>`; crossplane-runtime's
   *   `NameAsExternalName` makes it the external name), so a recreated composite (a claim or
   *   composite deleted and applied again, a restore) creates a second, empty resource beside
   *   the retained one (crossplane/function-external-namer exists for this);
   * - of a kind whose Azure name is unique in the subscription or globally (resource groups,
   *   database servers, storage accounts, key vaults): named the same for every composite (a
   *   constant), or, for namespaced composites, from `metadata.name` only: composites of the same
   *   name in two namespaces then manage one Azure resource (the second adopts the first's;
   *   deleting either deletes it for both).
   * A function step after this one may name the resources: then the first is not known.
   */
  private azureNameProblem(e: ComposedEntry): string | undefined {
    if (!isStatefulKind(e.apiVersion, e.kind)) return undefined;
    const group = groupOf(e.apiVersion);
    const aso = group.endsWith('.azure.com');
    if (!aso && !isCrossplaneManagedGroup(group)) return undefined;
    const field = aso ? 'spec.azureName' : `metadata.annotations[${EXTERNAL_NAME}]`;
    const target = JSON.stringify(aso ? ['spec', 'azureName'] : ['metadata', 'annotations', EXTERNAL_NAME]);
    const setters = e.patches.filter((p) => JSON.stringify(baseFieldWritten(p)) === target);
    const inBase = aso ? e.base.spec?.azureName : e.base.metadata?.annotations?.[EXTERNAL_NAME];
    const shared = SHARED_NAME_SCOPE.test(e.kind);
    const namespaced = this.composition.xrd.scope === XrdScope.NAMESPACED;
    const combine = aso ? "Patches.combineFromComposite(['metadata.namespace', 'metadata.name'], '<prefix>-%s-%s', 'spec.azureName')"
      : `Patches.combineFromComposite(['metadata.namespace', 'metadata.name'], '<prefix>-%s-%s', 'metadata.annotations[${EXTERNAL_NAME}]')`;
    const fromName = aso ? "Patches.fromComposite('metadata.name', 'spec.azureName', { transforms: [Transforms.format('<prefix>-%s')] })"
      : `Patches.fromComposite('metadata.name', 'metadata.annotations[${EXTERNAL_NAME}]', { transforms: [Transforms.format('<prefix>-%s')] })`;
    const fix = namespaced ? combine : fromName;
    if (setters.length === 0) {
      if (typeof inBase === 'string' && inBase !== '') {
        return shared
          ? `${e.kind} is named "${inBase}" in Azure for every composite (${field} in the base): every composite manages the same one, and deleting one deletes it for all; name it from the composite with a patch, e.g. ${fix}`
          : undefined;
      }
      if (e.policy !== RemovalPolicy.RETAIN || this.composition._hasFunctionStepAfter(this.index)) return undefined;
      return `${e.kind} is retained but its Azure name is not set by the composition (${field}): it is the name Crossplane generates for each composite's managed resource, so a recreated composite creates a second, empty ${e.kind} beside the retained one; ` +
        `name it from the composite with a patch, e.g. ${fix}`;
    }
    const sources = setters.flatMap((p) => (p.type === 'FromEnvironmentFieldPath' ? ['environment'] : sourcePaths(p)));
    const fromNameOnly = sources.length > 0 && sources.every((src) => src === 'metadata.name');
    if (fromNameOnly && this.composition.xrd.claim !== undefined && e.policy === RemovalPolicy.RETAIN) {
      // Crossplane names a claim's composite `<claim>-<random>` (generateName) each time it binds one.
      return `${e.kind} is retained but its Azure name (${field}) comes from the composite's metadata.name only, which Crossplane generates for each claim (<claim name>-<random>): a recreated claim creates a second, empty ${e.kind} beside the retained one; ` +
        `name it from the claim, e.g. Patches.combineFromComposite(['metadata.labels[crossplane.io/claim-namespace]', 'metadata.labels[crossplane.io/claim-name]'], '<prefix>-%s-%s', '${field}')`;
    }
    if (!shared || !namespaced) return undefined;
    if (fromNameOnly) {
      return `${e.kind}'s Azure name (${field}) comes from the composite's metadata.name only, and the composites are namespaced: composites of the same name in two namespaces manage one ${e.kind} (the second adopts the first's, deleting either deletes it for both); ` +
        `include the namespace, e.g. ${combine}`;
    }
    return undefined;
  }

  /** @internal */
  public render(): Record<string, unknown> {
    const input: Record<string, unknown> = { apiVersion: PT_INPUT_API_VERSION, kind: 'Resources' };
    const sets = Object.keys(this.patchSets).sort();
    if (sets.length > 0) input.patchSets = sets.map((name) => ({ name, patches: this.patchSets[name].map((p) => p.json) }));
    if (this.props.environmentPatches?.length) input.environment = { patches: this.props.environmentPatches.map((p) => p.json) };
    input.resources = this.resources.map(({ name, base, props }) => {
      const r: Record<string, unknown> = { name, base };
      if (props.patches?.length) r.patches = props.patches.map((p) => p.json);
      if (props.readinessChecks?.length) r.readinessChecks = props.readinessChecks.map((x) => x.json);
      if (props.connectionDetails?.length) r.connectionDetails = props.connectionDetails.map((x) => x.json);
      return r;
    });
    const cs = this.props.connectionSecret;
    if (cs) {
      const w: Record<string, unknown> = {};
      if (cs.name) w.name = cs.name;
      if (cs.namespace) w.namespace = cs.namespace;
      if (cs.patches?.length) w.patches = cs.patches.map((p) => p.json);
      input.writeConnectionSecretToRef = w;
    }
    return { step: this.step, functionRef: { name: this.composition.functionName(this.props.function ?? 'function-patch-and-transform') }, input };
  }
}

/**
 * A Crossplane Composition in `Pipeline` mode, with typed steps:
 * {@link addPatchAndTransform} (function-patch-and-transform; every patch path is checked against
 * the XRD and the base kind's schema, and at synth the type at each patch's source, after its
 * transforms, against the type at its destination; a base kind without a schema is a synth error
 * unless its CRD is registered in `SchemaRegistry.default()`), {@link addAutoReady} and {@link addFunctionStep} (any other
 * function, input as data). {@link render} applies the patch-and-transform steps to an example
 * composite offline, like `crossplane render` without Docker.
 *
 * References: the XRD (`compositeTypeRef`), each step's Function and each base's
 * (Cluster)ProviderConfig must be objects of the app (or declared with `addProvided`).
 *
 * @example
 * // ResourceGroup here is the upjet-azure L1 (imports/crossplane/azure.m.upbound.io)
 * const composition = new Composition(folder, 'composition', { xrd });
 * composition.addPatchAndTransform({
 *   resources: [{
 *     name: 'resource-group',
 *     base: (scope) => new ResourceGroup(scope, 'rg', { spec: { forProvider: { location: 'westeurope' } } }),
 *     patches: [Patches.fromComposite('spec.location', 'spec.forProvider.location')],
 *   }],
 * });
 * composition.addAutoReady();
 */
export class Composition extends PlatformResource {
  public readonly xrd: ICompositeResourceDefinition;
  public readonly apiObject: CompositionL1;
  private readonly steps: Step[] = [];
  private readonly namespacedProviderConfigs: NamespacedProviderConfigRef[] = [];
  /** Composed storage Accounts without shared keys, with the ClusterProviderConfig they use. */
  private readonly keylessStorage: Array<{ prop: string; resource: string; config: string }> = [];

  public constructor(scope: Construct, id: string, props: CompositionProps) {
    super(scope, id);
    if (!props.xrd) throw propError(this, 'xrd', 'is required');
    this.xrd = props.xrd;
    const name = checkString(this, 'name', props.name ?? props.xrd.name, DNS_SUBDOMAIN);
    if (props.writeConnectionSecretsToNamespace !== undefined && !props.xrd.legacy) {
      throw propError(this, 'writeConnectionSecretsToNamespace', 'only legacy (XrdScope.LEGACY_CLUSTER) composites have Crossplane-written connection secrets; a v2 composition composes the Secret (connectionSecret of the patch-and-transform step)');
    }
    this.apiObject = new CompositionL1(this, 'Resource', {
      metadata: { name, labels: props.labels },
      spec: {
        compositeTypeRef: { apiVersion: props.xrd.compositeApiVersion, kind: props.xrd.compositeKind },
        mode: CompositionSpecMode.PIPELINE,
        pipeline: Lazy.any({ produce: () => this.steps.map((s) => s.render()) }),
        writeConnectionSecretsToNamespace: props.writeConnectionSecretsToNamespace,
      },
    });
    addReference(this, 'compositeTypeRef', { apiGroup: 'apiextensions.crossplane.io', kind: 'CompositeResourceDefinition', name: props.xrd.name });
    this.node.addValidation({ validate: () => (this.steps.length === 0 ? ['prop "pipeline": a composition needs at least one step (addPatchAndTransform, addFunctionStep)'] : []) });
    this.node.addValidation({
      validate: () => this.steps.flatMap((s) => (s instanceof PatchAndTransformStep ? s.validate() : [])).map((p) => `prop "${p.prop}": ${p.rule}`),
    });
    this.node.addValidation({ validate: () => this.keylessStorageProblems() });
  }

  /**
   * A storage Account composed with `sharedAccessKeyEnabled: false` through a ClusterProviderConfig
   * of the app without `storageUseAzureAD`: azurerm reads the account's blob and queue service
   * properties with a shared key and gets 403 KeyBasedAuthenticationNotPermitted
   * (terraform-provider-azurerm#11460, #27752), so the Account never becomes ready. A config the
   * app does not make (imported, or namespaced) is not known.
   */
  private keylessStorageProblems(): string[] {
    if (this.keylessStorage.length === 0) return [];
    // The configs of the composition's repo (each of its clusters may have its own "default").
    const repo = Repo.of(this);
    const configs = new Map<string, AzureClusterProviderConfig[]>();
    for (const c of repo.node.findAll()) if (c instanceof AzureClusterProviderConfig) configs.set(c.name, [...(configs.get(c.name) ?? []), c]);
    return this.keylessStorage.flatMap(({ prop, resource, config }) => {
      const c = configs.get(config)?.find((x) => !x.storageUseAzureAD);
      return c
        ? [`prop "${prop}": resource "${resource}" composes a storage Account with sharedAccessKeyEnabled: false through ClusterProviderConfig ${config} (${c.node.path}), which does not set storageUseAzureAD: ` +
          'the provider reads the account\'s blob and queue properties with a shared key, gets 403 KeyBasedAuthenticationNotPermitted, and the Account never becomes ready; ' +
          'set storageUseAzureAD: true on the config (its identity then needs Storage Blob Data Contributor and Storage Queue Data Contributor on the accounts)']
        : [];
    });
  }

  /** @internal Records a composed storage Account without shared keys (see {@link keylessStorageProblems}). */
  public _addKeylessStorage(prop: string, resource: string, config: string): void {
    this.keylessStorage.push({ prop, resource, config });
  }

  /** Adds a function-patch-and-transform step. */
  public addPatchAndTransform(props: PatchAndTransformStepProps = {}): PatchAndTransformStep {
    const step = new PatchAndTransformStep(this, this.steps.length, props);
    this.addStep(step, step.step);
    this.functionName(props.function ?? 'function-patch-and-transform', `pipeline[${step.index}].functionRef`);
    return step;
  }

  /** Adds a function-auto-ready step (marks the composite ready when every composed resource is). */
  public addAutoReady(props: AutoReadyStepProps = {}): void {
    const index = this.steps.length;
    const name = props.step ?? 'automatically-detect-ready-composed-resources';
    const fn = this.functionName(props.function ?? 'function-auto-ready', `pipeline[${index}].functionRef`);
    this.addStep({ index, render: () => ({ step: name, functionRef: { name: fn } }) }, name);
  }

  /** Adds a step of any other function (go-templating, KCL, ...), with its input as data. */
  public addFunctionStep(props: FunctionStepProps): void {
    const index = this.steps.length;
    checkString(this, `pipeline[${index}].step`, props.step, { min: 1, max: 63, pattern: /^[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/, description: 'a step name (letters, digits, "-", "_", ".")' });
    if (props.input !== undefined && (typeof props.input.apiVersion !== 'string' || typeof props.input.kind !== 'string')) {
      throw propError(this, `pipeline[${index}].input`, 'must be an object with apiVersion and kind (the function\'s input type)');
    }
    const fn = this.functionName(props.function, `pipeline[${index}].functionRef`);
    const credentials = props.credentials?.map((c, i) => {
      const secretRef = resolveSecret(this, `pipeline[${index}].credentials[${i}].secret`, c.secret);
      return { name: c.name, source: 'Secret', secretRef };
    });
    const input = props.input ? JSON.parse(JSON.stringify(props.input)) : undefined;
    this.addStep({
      index,
      generic: true,
      render: () => ({ step: props.step, functionRef: { name: fn }, ...(input ? { input } : {}), ...(credentials ? { credentials } : {}) }),
    }, props.step);
  }

  /** Step names, in order. */
  public get stepNames(): string[] {
    return this.stepNameList.slice();
  }

  private readonly stepNameList: string[] = [];

  private addStep(step: Step, name: string): void {
    if (this.stepNameList.includes(name)) throw propError(this, `pipeline[${step.index}].step`, `step "${name}" is already defined`);
    this.stepNameList.push(name);
    this.steps.push(step);
  }

  /** @internal The resources composed by the patch-and-transform steps added so far. */
  public _composedEntries(): ComposedEntry[] {
    return this.steps.flatMap((s) => (s instanceof PatchAndTransformStep ? [...s._entries] : []));
  }

  /**
   * Whether the composition keeps a stateful resource when its composite is deleted (a composed
   * resource of a stateful kind, `isStatefulKind`, with RemovalPolicy.RETAIN): its composites are
   * then retained by default too (see {@link CompositionChoice.removalPolicy}).
   */
  public retainsStatefulResources(): boolean {
    return this._composedEntries().some((e) => e.policy === RemovalPolicy.RETAIN && isStatefulKind(e.apiVersion, e.kind));
  }

  /** @internal Whether a step of another function (`addFunctionStep`) comes after step `index`: it may change the composed resources. */
  public _hasFunctionStepAfter(index: number): boolean {
    return this.steps.some((s) => s.index > index && s.generic === true);
  }

  /** Every resource name composed by patch-and-transform steps. */
  public allResourceNames(): string[] {
    return this.steps.flatMap((s) => (s instanceof PatchAndTransformStep ? s.resourceNames : []));
  }

  /** Names of the connection details of every patch-and-transform step, sorted. */
  public connectionDetailNames(): string[] {
    return [...new Set(this.steps.flatMap((s) => (s instanceof PatchAndTransformStep ? s.connectionDetailNames : [])))].sort();
  }

  /** Namespaced ProviderConfigs the bases refer to; composites check them in their namespace. */
  public get providerConfigRefs(): readonly NamespacedProviderConfigRef[] {
    return this.namespacedProviderConfigs;
  }

  /** The Composition as JSON (what is written). */
  public toJson(): Record<string, any> {
    return this.apiObject.toJson();
  }

  /**
   * Renders the patch-and-transform steps for an example composite with the given spec (schema
   * defaults applied, validated against the XRD), returning the composed resources validated
   * against their schemas (`issues`, empty when valid), and the resources left out because a
   * `Required` patch source is absent (`skippedResources`). Throws when a patch cannot be applied.
   */
  public render(spec: Record<string, unknown>, options: CompositionRenderOptions = {}): RenderResult {
    const xr = this.exampleComposite(spec, options);
    const schema = this.xrd.compositeSchema();
    const xrIssues = validateWithSchema(schema, this.xrd.compositeApiVersion, this.xrd.compositeKind, this.xrd.scope === XrdScope.NAMESPACED ? 'Namespaced' : 'Cluster', xr)
      .map((i) => `composite: ${i}`);
    const result = renderComposition(this.toJson(), xr, { observed: options.observed, environment: options.environment });
    return { ...result, issues: [...xrIssues, ...result.issues] };
  }

  private exampleComposite(spec: Record<string, unknown>, options: CompositionRenderOptions): Record<string, unknown> {
    const schema = this.xrd.compositeSchema();
    const specSchema = (schema.properties as Record<string, any>).spec;
    const defaulted = applyDefaults(specSchema, JSON.parse(JSON.stringify(spec ?? {}))) as Record<string, unknown>;
    const metadata: Record<string, string> = { name: options.name ?? 'example' };
    if (this.xrd.scope === XrdScope.NAMESPACED) metadata.namespace = options.namespace ?? 'default';
    const crossplane = { compositionRef: { name: this.name } };
    return {
      apiVersion: this.xrd.compositeApiVersion,
      kind: this.xrd.compositeKind,
      metadata,
      spec: this.xrd.legacy ? { ...defaulted, ...crossplane } : { ...defaulted, crossplane },
    };
  }

  /** @internal Checks a path against the composite's schema (declared status only). */
  public checkCompositePath(prop: string, where: string, field: string, path: string): void {
    const why = this.compositePathProblem(path);
    if (why) throw propError(this, prop, `${where}: ${field} "${path}" is not in the schema of ${this.xrd.compositeKind} (${this.xrd.compositeApiVersion}): ${why}`);
  }

  /** @internal Why a path is not in the composite's schema (declared status only), or undefined. */
  public compositePathProblem(path: string): string | undefined {
    return checkFieldPath(this.xrd.compositeSchema(true), path);
  }

  /** @internal The name of a function, recording the reference. */
  public functionName(fn: FunctionRef, prop?: string): string {
    const name = typeof fn === 'string' ? fn : fn.name;
    if (prop) {
      checkString(this, prop, name, DNS_SUBDOMAIN);
      addReference(this, prop, { apiGroup: 'pkg.crossplane.io', kind: 'Function', name });
    }
    return name;
  }

  /** @internal Records the (Cluster)ProviderConfig a managed-resource base uses. */
  public recordProviderConfigRef(prop: string, resource: string, base: Record<string, any>, kindSchema: Record<string, any> | undefined): void {
    const group = groupOf(String(base.apiVersion));
    if (!isCrossplaneManagedGroup(group) || !kindSchema) return;
    const refSchema = kindSchema.properties?.spec?.properties?.providerConfigRef;
    const ref: { name?: string; kind?: string } | undefined = base.spec?.providerConfigRef ?? refSchema?.default;
    if (!ref?.name) return;
    const family = providerFamilyGroup(group);
    const namespacedMr = group.endsWith('.m.upbound.io');
    const kind = ref.kind ?? 'ProviderConfig';
    if (namespacedMr && kind === 'ProviderConfig') {
      this.namespacedProviderConfigs.push({ resource, apiGroup: family, name: ref.name });
      return;
    }
    const target: ObjectRef = { apiGroup: family, kind, name: ref.name };
    addReference(this, prop, target);
  }
}

/** The provider family's config group of a managed-resource group (`containerservice.azure.m.upbound.io` → `azure.m.upbound.io`). */
export function providerFamilyGroup(group: string): string {
  const parts = group.split('.');
  return parts.slice(group.endsWith('.m.upbound.io') ? -4 : -3).join('.');
}

/**
 * Why the value a patch writes does not fit its destination (types after transforms), or
 * undefined. Only patches between the composite and the composed resource are typed (the
 * environment has no schema).
 */
function patchTypeProblem(p: Patch, xrd: ICompositeResourceDefinition, e: ComposedEntry, kindSchema: Record<string, unknown>): string | undefined {
  const xrSchema = xrd.compositeSchema(true);
  let src: { schema: Record<string, unknown>; kind: string } | undefined;
  let dst: { schema: Record<string, unknown>; kind: string };
  switch (p.type) {
    case 'FromCompositeFieldPath':
    case 'CombineFromComposite':
      src = { schema: xrSchema, kind: xrd.compositeKind };
      dst = { schema: kindSchema, kind: e.kind };
      break;
    case 'FromEnvironmentFieldPath':
      src = undefined;
      dst = { schema: kindSchema, kind: e.kind };
      break;
    case 'ToCompositeFieldPath':
    case 'CombineToComposite':
      src = { schema: kindSchema, kind: e.kind };
      dst = { schema: xrSchema, kind: xrd.compositeKind };
      break;
    default:
      return undefined;
  }
  const combine = p.json.combine !== undefined;
  const from = combine ? undefined : String(p.json.fromFieldPath);
  const input: JsonTypes = combine ? ['string'] : src ? typesAt(src.schema, from!) : undefined;
  const transforms = (p.json.transforms as Array<Record<string, unknown>> | undefined) ?? [];
  const r = typeAfterTransforms(input, transforms);
  if (r.error) return `transform ${r.index} (${String(transforms[r.index!].type)}): ${r.error}`;
  const to = String(p.json.toFieldPath ?? from);
  const toTypes = typesAt(dst.schema, to);
  if (fits(r.types, toTypes)) return undefined;
  const source = combine ? 'the combined value' : src ? `fromFieldPath "${from}" of ${src.kind}` : `fromFieldPath "${from}"`;
  const after = transforms.length > 0 ? ` after ${transforms.length === 1 ? 'its transform' : `its ${transforms.length} transforms`}` : '';
  return `${source} is ${describeTypes(r.types)}${after} but toFieldPath "${to}" of ${dst.kind} is ${describeTypes(toTypes)}: ${typeFix(r.types!, toTypes!)}`;
}

function sourcePaths(p: Patch): string[] {
  const combine = p.json.combine as { variables?: Array<{ fromFieldPath: string }> } | undefined;
  if (combine) return (combine.variables ?? []).map((v) => v.fromFieldPath);
  return typeof p.json.fromFieldPath === 'string' ? [p.json.fromFieldPath] : [];
}

function hasWriteConnectionSecret(base: Record<string, any>, patches: Patch[]): boolean {
  if (base.spec?.writeConnectionSecretToRef?.name) return true;
  return patches.some((p) => typeof p.json.toFieldPath === 'string' && String(p.json.toFieldPath).startsWith('spec.writeConnectionSecretToRef'));
}

/**
 * The JSON of a {@link ComposedBase} (factory objects are built in a throwaway app; an ApiObject of
 * the app is removed from its tree), so it never becomes a file. Also used for kro RGD templates.
 */
export function resolveBase(scope: Construct, prop: string, base: ComposedBase, out: { removalPolicy?: RemovalPolicy } = {}): Record<string, any> {
  let json: Record<string, any>;
  if (typeof base === 'function') {
    const chart = new BaseChart(new App({ outdir: '/nonexistent' }), 'Base');
    const made = base(chart);
    const obj = made instanceof ApiObject ? made : (made as { apiObject?: unknown } | undefined)?.apiObject;
    if (!(obj instanceof ApiObject)) throw propError(scope, prop, 'the factory must return an ApiObject (an L1 object created in the given scope) or a construct with an apiObject');
    json = obj.toJson();
    if (json.metadata?.name === UNNAMED) delete json.metadata.name;
    // An L2 with its own removal policy: the composition applies it (composed objects are neither
    // Flux's nor Argo CD's, so their annotations are dropped).
    out.removalPolicy = removalPolicyOf(obj);
    if (out.removalPolicy !== undefined && json.metadata?.annotations) {
      dropGitOpsEngineAnnotations(json.metadata.annotations);
      if (Object.keys(json.metadata.annotations).length === 0) delete json.metadata.annotations;
    }
  } else if (base instanceof ApiObject) {
    const chart = Chart.of(base);
    const generated = chart.generateObjectName(base);
    json = base.toJson();
    if (json.metadata?.name === generated) delete json.metadata.name;
    if (chart.namespace && json.metadata?.namespace === chart.namespace) delete json.metadata.namespace;
    base.node.scope?.node.tryRemoveChild(base.node.id);
  } else if (typeof base === 'object' && base !== null && typeof base.apiVersion === 'string' && typeof base.kind === 'string') {
    json = JSON.parse(JSON.stringify(base));
  } else {
    throw propError(scope, prop, 'must be an ApiObject, a (scope) => ApiObject factory or a manifest with apiVersion and kind');
  }
  if (json.metadata && Object.keys(json.metadata).length === 0) delete json.metadata;
  return json;
}

/** Applies a removal policy to a composed object's JSON (management policies, ASO reconcile policy; no Flux prune). */
export function applyBasePolicy(base: Record<string, any>, policy: RemovalPolicy): void {
  const apiVersion = String(base.apiVersion);
  if (isCrossplaneManagedGroup(groupOf(apiVersion))) {
    base.spec = { ...(base.spec ?? {}), managementPolicies: [...CROSSPLANE_MANAGEMENT_POLICIES[policy]] };
  }
  const annotations = removalPolicyAnnotations(policy, apiVersion);
  dropGitOpsEngineAnnotations(annotations); // composed objects are neither Flux's nor Argo CD's
  if (Object.keys(annotations).length > 0) {
    base.metadata = { ...(base.metadata ?? {}), annotations: { ...(base.metadata?.annotations ?? {}), ...annotations } };
  }
}

/** Whether an API group is an upjet-azure provider's (`azure.upbound.io`, `<service>.azure.m.upbound.io`, ...). */
function isUpjetAzureGroup(group: string): boolean {
  return /(^|\.)azure(\.m)?\.upbound\.io$/.test(group);
}

/**
 * The Azure tag a field path of an upjet-azure managed resource writes (`spec.forProvider.tags[<name>]`,
 * `spec.initProvider.tags.<name>`), if it writes one.
 */
function upjetAzureTagName(apiVersion: string, path: string): string | undefined {
  if (!isUpjetAzureGroup(groupOf(apiVersion))) return undefined;
  let segments;
  try {
    segments = parseFieldPath(path);
  } catch {
    return undefined;
  }
  const names = segments.map((x) => ('field' in x ? x.field : undefined));
  return names.length === 4 && names[0] === 'spec' && (names[1] === 'forProvider' || names[1] === 'initProvider') && names[2] === 'tags' ? names[3] : undefined;
}
