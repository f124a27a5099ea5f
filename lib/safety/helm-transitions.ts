/**
 * Day-2 changes of a Flux HelmRelease that make helm-controller uninstall its release and install
 * it anew: the release's storage namespace, namespace or name, or its chart's name (helm-controller
 * `internal/action/verify.go` `ReleaseTargetChanged`; `reconcileUninstall` in
 * `helmrelease_controller.go`; the chart name only with the default `upgrade.chartNameChangeStrategy:
 * Reinstall`). Helm's uninstall deletes every object of the release: the PersistentVolumeClaims the
 * chart templates, the CustomResourceDefinitions it templates (cert-manager's `crds.enabled`, and
 * with them every object of their kinds, cluster-wide); the PVCs of a StatefulSet's claim templates
 * stay, but the new release's StatefulSet (named after the new release) gets new, empty ones. Each is
 * a protected update, allowed by the HelmRelease's id.
 */
import { groupOf } from '../core/validation/metadata';
import type { PlainObject } from './protection';

type Json = Record<string, unknown>;

/** Whether `o` is a Flux HelmRelease. */
export function isHelmRelease(o: { apiVersion: string; kind: string }): boolean {
  return o.kind === 'HelmRelease' && groupOf(o.apiVersion) === 'helm.toolkit.fluxcd.io';
}

/** Where helm-controller keeps a HelmRelease's release (`GetStorageNamespace`, `GetReleaseNamespace`, `GetReleaseName`) and its chart's name. */
function target(o: PlainObject): { storage: string; namespace: string; name: string; chart?: string; reinstallsOnChart: boolean } {
  const spec = (o.spec ?? {}) as Json;
  const ns = String(o.metadata?.namespace ?? '');
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const targetNamespace = str(spec.targetNamespace);
  const chart = str(((spec.chart as Json | undefined)?.spec as Json | undefined)?.chart);
  const strategy = (spec.upgrade as Json | undefined)?.chartNameChangeStrategy;
  return {
    storage: str(spec.storageNamespace) ?? ns,
    namespace: targetNamespace ?? ns,
    name: str(spec.releaseName) ?? (targetNamespace ? `${targetNamespace}-${o.metadata?.name ?? ''}` : String(o.metadata?.name ?? '')),
    ...(chart ? { chart } : {}),
    reinstallsOnChart: strategy !== 'InPlaceUpdate',
  };
}

/** The protection reasons of a HelmRelease's change from `old` to `next` (same identity). */
export function helmReleaseTransition(old: PlainObject, next: PlainObject): string[] {
  const [a, b] = [target(old), target(next)];
  const changed: string[] = [];
  if (a.storage !== b.storage) changed.push(`its storage namespace ${a.storage} → ${b.storage}`);
  if (a.namespace !== b.namespace) changed.push(`its namespace ${a.namespace} → ${b.namespace}`);
  if (a.name !== b.name) changed.push(`its name ${a.name} → ${b.name}`);
  if (a.chart !== undefined && b.chart !== undefined && a.chart !== b.chart && b.reinstallsOnChart) changed.push(`its chart ${a.chart} → ${b.chart} (upgrade.chartNameChangeStrategy: Reinstall)`);
  if (changed.length === 0) return [];
  return [
    `the release changes ${changed.join(', ')}: helm-controller uninstalls release ${a.namespace}/${a.name} and installs it anew (ReleaseTargetChanged), ` +
      'and the uninstall deletes every object of the release (the PersistentVolumeClaims and CustomResourceDefinitions its chart templates, with every object of those kinds; ' +
      'a StatefulSet of the new release gets new, empty volumes); keep the release where it is',
  ];
}

/**
 * The protection reasons of a HelmRelease renamed (its `metadata.name` or namespace changed): Flux
 * prunes the old object, and helm-controller uninstalls a deleted HelmRelease's release unless it
 * is suspended (`reconcileDelete` → `reconcileReleaseDeletion`, helmrelease_controller.go), while
 * the new object installs it again: the same loss as {@link helmReleaseTransition}, whether or not
 * the release's name changes with it (an unchanged `releaseName` is uninstalled under the new
 * object too).
 */
export function helmReleaseRename(old: PlainObject, next: PlainObject): string[] {
  if ((old.spec as Json | undefined)?.suspend === true) return [];
  const [a, b] = [target(old), target(next)];
  return [
    `renamed, the HelmRelease is a new object: Flux prunes ${old.metadata?.namespace ?? ''}/${old.metadata?.name ?? ''}, and helm-controller uninstalls its release ${a.namespace}/${a.name} ` +
      `(a deleted HelmRelease's release is uninstalled unless it is suspended) while the new one installs ${b.namespace}/${b.name}: ` +
      'the uninstall deletes every object of the release (the PersistentVolumeClaims and CustomResourceDefinitions its chart templates, with every object of those kinds; ' +
      'a StatefulSet of the new release gets new, empty volumes); keep its name and namespace, or suspend it (spec.suspend: true) in an earlier commit, so that its deletion leaves the release installed',
  ];
}
