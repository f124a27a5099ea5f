import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { groupOf } from '../core/validation/metadata';
import { withPrefix } from '../core/sorted';
import { memoForSynthPass } from '../core/synth-pass';
import { Folder } from '../gitops/folder';
import { Repo } from '../gitops/repo';
import { argoSyncOptions, objectId, protectionReasons } from '../safety/protection';
import { someOf } from '../core/list-text';
import { SYNC_WAVE_ANNOTATION } from './common';

/**
 * The sync wave of objects that install kinds (Argo CD applies lower waves first and waits for
 * them to be healthy): CRDs and what makes controllers install CRDs at run time — Crossplane
 * packages (Provider, Function, Configuration) and their runtime configs,
 * CompositeResourceDefinitions and kro ResourceGraphDefinitions.
 */
export const ESTABLISHER_WAVE = -2;
/**
 * The sync wave of objects that configure an installed controller before the objects using it:
 * ProviderConfigs (of any provider group) and Crossplane Compositions.
 */
export const CONFIGURATION_WAVE = -1;

const ESTABLISHERS = new Set([
  'apiextensions.k8s.io/CustomResourceDefinition',
  'pkg.crossplane.io/Provider',
  'pkg.crossplane.io/Function',
  'pkg.crossplane.io/Configuration',
  'pkg.crossplane.io/DeploymentRuntimeConfig',
  'pkg.crossplane.io/ImageConfig',
  'apiextensions.crossplane.io/CompositeResourceDefinition',
  'kro.run/ResourceGraphDefinition',
]);

/**
 * The wave this library gives an object of `apiVersion`/`kind` in what Argo CD syncs:
 * {@link ESTABLISHER_WAVE} for kinds that install kinds, {@link CONFIGURATION_WAVE} for
 * ProviderConfigs and Compositions, undefined (Argo CD's wave 0) for everything else, so
 * establishers are healthy before the objects of the kinds they install are applied.
 */
export function syncWaveOf(apiVersion: string, kind: string): number | undefined {
  const group = groupOf(apiVersion);
  if (ESTABLISHERS.has(`${group}/${kind}`)) return ESTABLISHER_WAVE;
  if (kind === 'ProviderConfig' || kind === 'ClusterProviderConfig') return CONFIGURATION_WAVE;
  if (group === 'apiextensions.crossplane.io' && kind === 'Composition') return CONFIGURATION_WAVE;
  return undefined;
}

/** Whether objects of the kind install kinds at run time (not a CRD, which Argo CD handles in the same sync). */
export function installsKindsAtRuntime(apiVersion: string, kind: string): boolean {
  return syncWaveOf(apiVersion, kind) === ESTABLISHER_WAVE && kind !== 'CustomResourceDefinition';
}

/**
 * The folders an Application of `folder` deploys: the folder and, when its `kustomization.yaml`
 * lists sub-folders, those sub-folders (recursively, as kustomize builds them).
 */
export function deployedFolders(folder: Folder): Folder[] {
  const repo = Repo.of(folder);
  const included = new Set<Folder>([folder]);
  if (!folder.kustomization) return [folder];
  // The repo's folders (sorted by path) and by path, once per synth pass: listing them walks the
  // repo, once per Application was quadratic (1,000 Applications: 6.5 s).
  const { folders, byPath } = memoForSynthPass(REPO_FOLDERS, repo, () => {
    const all = repo.folders;
    return { folders: all, byPath: new Map(all.map((f) => [f.path, f])) };
  });
  // The folders below `folder`, in the sorted list's order (parents before their children).
  for (const f of withPrefix(folders, `${folder.path}/`, (x) => x.path)) {
    if (!f.kustomization) continue;
    const segments = f.path.split('/');
    let parent: Folder | undefined;
    for (let i = segments.length - 1; i > 0 && !parent; i--) parent = byPath.get(segments.slice(0, i).join('/'));
    if (parent && included.has(parent) && parent.includeSubfolders) included.add(f);
  }
  return [...included];
}

/** The ApiObjects placed in `folder` itself (not in folders nested below it). */
export function objectsOf(folder: Folder): ApiObject[] {
  return folder.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Folder.of(c) === folder);
}

/**
 * Ids (`Kind/namespace/name`) of the protected objects (`protectionReasons`) of the folders that
 * Argo CD's prune would delete: objects with the sync option `Prune=false` keep themselves, and
 * Argo CD's own objects are skipped (they are never protected, and an app of apps deploys itself).
 */
export function protectedObjects(folders: readonly Folder[]): string[] {
  const out: string[] = [];
  for (const f of folders) {
    for (const o of objectsOf(f)) {
      if (groupOf(o.apiVersion) === 'argoproj.io') continue;
      const json = o.toJson();
      // An object with Argo CD's Prune=false keeps itself: a pruning sync skips it ("pruning
      // disabled", docs/user-guide/sync-options.md "No Prune Resources"), so it does not turn
      // pruning off for the rest of the Application (a team removed from the app kept its
      // AppProject, role and Applications). Flux's prune: disabled or Delete=false alone do not
      // stop Argo CD's prune.
      if (argoSyncOptions(json).has('Prune=false')) continue;
      if (protectionReasons(json).length > 0) out.push(o.metadata.namespace ? `${o.kind}/${o.metadata.namespace}/${o.name}` : `${o.kind}/${o.name}`);
    }
  }
  return out.sort();
}

/** Whether any ApiObject below `scope` installs kinds at run time (CRDs, Crossplane packages, ...). */
export function installsKinds(scope: IConstruct): boolean {
  return scope.node.findAll().some((c) => c instanceof ApiObject && installsKindsAtRuntime(c.apiVersion, c.kind));
}

/**
 * Gives every ApiObject below `scope` the sync wave of {@link syncWaveOf} (annotation
 * `argocd.argoproj.io/sync-wave`), unless it has one already. Applications do this for the
 * folders they deploy when the app is validated (the first step of synth), so objects added after
 * the Application are covered; call it yourself for folders Argo CD deploys through other means.
 * Returns whether any object below `scope` installs kinds at run time.
 */
export function applySyncWaves(scope: IConstruct): boolean {
  let installs = false;
  for (const c of scope.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    if (installsKindsAtRuntime(c.apiVersion, c.kind)) installs = true;
    const wave = syncWaveOf(c.apiVersion, c.kind);
    if (wave !== undefined && c.metadata.toJson().annotations?.[SYNC_WAVE_ANNOTATION] === undefined) c.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(wave));
  }
  return installs;
}

/** Key of a repo's folders in a synth pass (see {@link deployedFolders}). */
const REPO_FOLDERS = Symbol('repo folders');

/** Argo CD's annotation that leaves an object's health out of its Application's health (controller/health.go). */
export const IGNORE_HEALTHCHECK_ANNOTATION = 'argocd.argoproj.io/ignore-healthcheck';

/** Crossplane provider kinds the `_.upbound.io` health check calls healthy without conditions. */
const UPBOUND_CONFIG_KINDS = new Set(['ProviderConfig', 'ClusterProviderConfig', 'ProviderConfigUsage']);
const CAPI_PROVISIONED_KINDS = new Set(['Cluster', 'MachineDeployment', 'MachinePool', 'Machine']);

/**
 * Whether Argo CD's built-in health check keeps objects of the kind Progressing until the
 * infrastructure they stand for is provisioned (minutes; for ever when it cannot be): Cluster API
 * Clusters, MachineDeployments, MachinePools and Machines (argo-cd
 * `resource_customizations/cluster.x-k8s.io/<Kind>/health.lua`: Progressing until `Provisioned`,
 * or replicas ready) and upjet-azure managed resources (`resource_customizations/_.upbound.io/_/health.lua`:
 * Progressing until `Ready`), not their provider configs.
 */
export function waitsForProvisioning(apiVersion: string, kind: string): boolean {
  const group = groupOf(apiVersion);
  if (group === 'cluster.x-k8s.io') return CAPI_PROVISIONED_KINDS.has(kind);
  return group.endsWith('.upbound.io') && !UPBOUND_CONFIG_KINDS.has(kind);
}

/** An object's Argo CD sync wave (its `argocd.argoproj.io/sync-wave` annotation; 0 without one). */
function waveOf(o: ApiObject): number {
  const w = Number(o.metadata.toJson().annotations?.[SYNC_WAVE_ANNOTATION] ?? 0);
  return Number.isFinite(w) ? w : 0;
}

function idOf(o: ApiObject): string {
  return objectId({ kind: o.kind, metadata: { name: o.name, namespace: o.metadata.namespace } });
}

/**
 * Objects of the folders an Application deploys that make its syncs wait for infrastructure to be
 * provisioned: a sync runs in steps (phase PreSync, Sync, PostSync of the hooks, then wave), and
 * gitops-engine applies a step and waits for its objects to be Healthy before the next
 * (`sync_context.go`: the running tasks of a multi-step sync), while the last step's objects are
 * not waited for ("successful EVEN if those objects subsequently degrade"). An object of a kind
 * that {@link waitsForProvisioning} in an earlier step (an earlier wave, or any wave when PostSync
 * hooks follow) holds each sync that creates or changes it until it is provisioned, and one that
 * never provisions holds it for good (the controller's sync timeout is 0, none): no later revision
 * of the Application syncs. So does a child Application (an app of apps, with
 * {@link APPLICATION_HEALTH_CHECK}) in an earlier step whose own folders hold such objects: its
 * health is theirs, unless they carry {@link IGNORE_HEALTHCHECK_ANNOTATION}. One line per wave and
 * kind of problem.
 *
 * `childFolders` gives the folders a child Application construct deploys (undefined: not one).
 */
export function earlyProvisioningProblems(folders: readonly Folder[], childFolders: (o: ApiObject) => readonly Folder[] | undefined): string[] {
  const objects = folders.flatMap((f) => objectsOf(f));
  if (objects.length === 0) return [];
  // The sync's steps are (phase, wave), in order (gitops-engine: PreSync, Sync, PostSync hooks; the
  // objects that are no hooks are in the Sync phase). The last step is not waited for.
  let last: Step = { phase: SYNC_PHASE, wave: -Infinity };
  for (const o of objects) for (const step of stepsOf(o)) if (after(step, last)) last = step;
  const direct = new Map<number, string[]>();
  const children = new Map<number, Array<{ id: string; waits: string[] }>>();
  for (const o of objects) {
    if (hookPhases(o) !== undefined) continue;
    const wave = waveOf(o);
    if (!after(last, { phase: SYNC_PHASE, wave })) continue;
    if (waitsForProvisioning(o.apiVersion, o.kind)) {
      const list = direct.get(wave) ?? [];
      list.push(idOf(o));
      direct.set(wave, list);
      continue;
    }
    const sub = childFolders(o);
    if (!sub) continue;
    const waits = sub.flatMap((f) => objectsOf(f)).filter((c) => waitsForProvisioning(c.apiVersion, c.kind) && c.metadata.toJson().annotations?.[IGNORE_HEALTHCHECK_ANNOTATION] !== 'true').map(idOf);
    if (waits.length === 0) continue;
    const list = children.get(wave) ?? [];
    list.push({ id: idOf(o), waits: waits.sort() });
    children.set(wave, list);
  }
  const lastStep = last.phase === SYNC_PHASE ? `wave ${last.wave}` : `the ${PHASES[last.phase]} hooks of wave ${last.wave}`;
  const why =
    "Argo CD waits for each step's objects to be Healthy before the next (gitops-engine sync_context.go), so each sync that creates or changes them waits until they are provisioned, " +
    'and one that never provisions holds this Application for good (no later revision syncs)';
  const out: string[] = [];
  for (const [wave, ids] of [...direct].sort(([a], [b]) => a - b)) {
    out.push(
      `${someOf(ids.sort(), 3)} (sync wave ${wave}) ${ids.length === 1 ? 'is' : 'are'} applied before the sync's last step (${lastStep}) and ${ids.length === 1 ? 'stays' : 'stay'} Progressing until provisioned (Argo CD's built-in health check): ${why}; ` +
        (last.phase === SYNC_PHASE
          ? `give ${ids.length === 1 ? 'it' : 'them'} the last wave, or deploy what comes after with another Application`
          : `deploy ${ids.length === 1 ? 'it' : 'them'} with an Application without ${PHASES[last.phase]} hooks`),
    );
  }
  for (const [wave, apps] of [...children].sort(([a], [b]) => a - b)) {
    for (const { id, waits } of apps.sort((a, b) => (a.id < b.id ? -1 : 1))) {
      out.push(
        `${id} (sync wave ${wave}) is applied before the sync's last step (${lastStep}), and its health (APPLICATION_HEALTH_CHECK) is that of ${someOf(waits, 3)}, Progressing until provisioned: ${why}; ` +
          `${last.phase === SYNC_PHASE ? 'give it the last wave' : `deploy it with an Application without ${PHASES[last.phase]} hooks`}, or annotate those objects ${IGNORE_HEALTHCHECK_ANNOTATION}: "true" so its health leaves them out`,
      );
    }
  }
  return out;
}

/** One step of a sync: a phase (index in {@link PHASES}) and a wave. */
interface Step {
  readonly phase: number;
  readonly wave: number;
}

/** The phases of a sync that run in order (gitops-engine `common.SyncPhase`); SyncFail, Skip and the delete hooks are not steps of a successful sync. */
const PHASES = ['PreSync', 'Sync', 'PostSync'] as const;
const SYNC_PHASE = 1;
/** Helm hooks Argo CD runs as its own (argo-cd docs "Helm hooks"). */
const HELM_HOOKS: Record<string, number> = { 'pre-install': 0, 'pre-upgrade': 0, 'post-install': 2, 'post-upgrade': 2 };

function after(a: Step, b: Step): boolean {
  return a.phase > b.phase || (a.phase === b.phase && a.wave > b.wave);
}

/** The phases of a hook (`argocd.argoproj.io/hook`, or a Helm hook), undefined for an object that is no hook. */
function hookPhases(o: ApiObject): number[] | undefined {
  const a = o.metadata.toJson().annotations ?? {};
  const argo = a['argocd.argoproj.io/hook'];
  const helm = a['helm.sh/hook'];
  if (argo === undefined && helm === undefined) return undefined;
  const out: number[] = [];
  for (const h of String(argo ?? '').split(',').map((x) => x.trim())) if ((PHASES as readonly string[]).includes(h)) out.push(PHASES.indexOf(h as (typeof PHASES)[number]));
  for (const h of String(helm ?? '').split(',').map((x) => x.trim())) if (h in HELM_HOOKS) out.push(HELM_HOOKS[h]);
  return out;
}

/** The steps an object is applied in. */
function stepsOf(o: ApiObject): Step[] {
  const wave = waveOf(o);
  const phases = hookPhases(o);
  return (phases ?? [SYNC_PHASE]).map((phase) => ({ phase, wave }));
}
