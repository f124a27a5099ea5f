// Flux health checks of kro objects (Kustomization `healthCheckExprs`).
import { HealthCheckExpr, Kustomization } from '../flux/kustomization';
import { ResourceGraphDefinition } from './rgd';

/** kro's `Ready` condition, True. */
const READY = "status.conditions.exists(e, e.type == 'Ready' && e.status == 'True')";

/**
 * CEL health checks for kro: ResourceGraphDefinitions, and the instances of `rgds`. kstatus reads
 * neither's conditions (it knows `Reconciling` and `Stalled` only: sigs.k8s.io/cli-utils kstatus
 * `checkGenericProperties`), so with `wait: true` alone an RGD is healthy as soon as it exists,
 * before kro has accepted it and established its instance CRD (a Kustomization depending on it
 * then fails its dry run: no such kind), and an instance before its resources are ready. kro sets
 * `Ready` on an RGD once its CRD and controller serve, and on an instance once every resource of
 * the graph is ready.
 *
 * @example
 * const apis = Kustomization.forFolder(entry, 'kro-apis', rgdFolder, { name: 'kro-apis', source, wait: true, healthCheckExprs: kroHealthCheckExprs() });
 * Kustomization.forFolder(entry, 'apps', appFolder, { name: 'apps', source, wait: true, dependsOn: [apis], healthCheckExprs: kroHealthCheckExprs(rgd) });
 */
export function kroHealthCheckExprs(...rgds: ResourceGraphDefinition[]): HealthCheckExpr[] {
  const out: HealthCheckExpr[] = [{ apiVersion: 'kro.run/v1alpha1', kind: 'ResourceGraphDefinition', current: READY }];
  for (const r of rgds) {
    if (!out.some((e) => e.apiVersion === r.instanceApiVersion && e.kind === r.instanceKind)) out.push({ apiVersion: r.instanceApiVersion, kind: r.instanceKind, current: READY });
  }
  return out;
}

/** Adds {@link kroHealthCheckExprs} to a Kustomization (`spec.healthCheckExprs`). */
export function addKroHealthChecks(kustomization: Kustomization, ...rgds: ResourceGraphDefinition[]): void {
  kustomization.addHealthCheckExprs(...kroHealthCheckExprs(...rgds));
}
