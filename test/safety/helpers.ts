import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { applyRemovalPolicy, Folder, GitOpsApp, RemovalPolicy, Repo } from '../../lib';

/** A fresh temporary directory. */
export function tmp(prefix = 'safety-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** What {@link fleetApp} puts in the app. */
export interface FleetOptions {
  /** Name of the CAPI Cluster (omitted: no Cluster). */
  readonly cluster?: string;
  /** Keep the Namespace `fleet`. @default true */
  readonly namespace?: boolean;
  /** Keep the RETAIN-marked ConfigMap `retained`. @default true */
  readonly retained?: boolean;
  /** Keep the plain ConfigMap `plain`. @default true */
  readonly plain?: boolean;
  /** Value of the plain ConfigMap. @default '1' */
  readonly value?: string;
  /** GitOpsApp allowDestroy. */
  readonly allowDestroy?: string[];
}

/**
 * A small platform repo: Namespace `fleet`, a CAPI Cluster (stateful kind), a ConfigMap with
 * RemovalPolicy.RETAIN and a plain ConfigMap, each optional. Validation is off: the objects are
 * minimal, the safety checks only look at kinds, names and markers.
 */
export function fleetApp(outdir: string, o: FleetOptions = {}): GitOpsApp {
  const app = new GitOpsApp({ outdir, validation: false, allowDestroy: o.allowDestroy, printBaselineReport: false });
  const repo = new Repo(app, 'platform');
  const fleet: Folder = repo.folder('clusters/fleet', { namespace: 'fleet' });
  if (o.namespace ?? true) new ApiObject(fleet, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fleet' } });
  if (o.cluster) new ApiObject(fleet, 'dev', { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: o.cluster }, spec: {} });
  if (o.retained ?? true) {
    const r = new ApiObject(fleet, 'retained', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'retained' }, data: { a: '1' } } as any);
    applyRemovalPolicy(r, RemovalPolicy.RETAIN);
  }
  if (o.plain ?? true) new ApiObject(fleet, 'plain', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' }, data: { a: o.value ?? '1' } } as any);
  return app;
}
