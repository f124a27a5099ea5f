// Example: the Git repo of an AKS management cluster that provisions three workload AKS clusters
// with Cluster API + CAPZ (AzureASOManaged* embedding ASO resources) and hydrates each of them
// through Flux. Built from the generated L1 classes; the typed L2 constructs (AksCluster, Fleet,
// FluxBootstrap) replace these objects as they land.
import * as kplus from 'cdk8s-plus-28';
import { GitRepository } from '../../imports/flux/source.toolkit.fluxcd.io';
import { Kustomization, KustomizationSpecSourceRefKind } from '../../imports/flux/kustomize.toolkit.fluxcd.io';
import { GitOpsApp, Repo } from '../../lib';
import { aksAsoCluster } from './aks-aso-l1';

export const REPO_URL = 'https://github.com/contoso/platform';

export function managementCluster(app: GitOpsApp): Repo {
  const repo = new Repo(app, 'platform', { url: REPO_URL });

  // flux-system: what `flux bootstrap` commits (gotk-sync): the repo and the entry Kustomization.
  const fluxSystem = repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' });
  new GitRepository(fluxSystem, 'source', {
    metadata: { name: 'flux-system' },
    spec: { interval: '1m0s', ref: { branch: 'main' }, url: REPO_URL, secretRef: { name: 'flux-system' } },
  });
  new Kustomization(fluxSystem, 'sync', {
    metadata: { name: 'flux-system' },
    spec: { interval: '10m0s', path: './clusters/mgmt', prune: true, sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: 'flux-system' } },
  });

  // The workload clusters: one folder each, reconciled by the management cluster's Flux.
  const mgmt = repo.folder('clusters/mgmt');
  new kplus.Namespace(mgmt, 'fleet-namespace', { metadata: { name: 'fleet' } });
  for (const [env, location] of [['dev', 'westeurope'], ['test', 'westeurope'], ['prod', 'northeurope']]) {
    const name = `aks-${env}`;
    aksAsoCluster(repo.folder(`clusters/mgmt/${name}`), {
      name,
      namespace: 'fleet',
      location,
      kubernetesVersion: 'v1.33.2',
      credentialSecret: 'aso-credential',
      vmSize: 'Standard_D4s_v5',
      sourceName: 'flux-system',
    });
    // What Flux applies to each workload cluster: its infrastructure and apps folders.
    const infra = repo.folder(`infrastructure/${name}`, { cluster: name });
    new kplus.Namespace(infra, 'monitoring', { metadata: { name: 'monitoring' } });
    const apps = repo.folder(`apps/${name}`, { cluster: name, namespace: 'podinfo' });
    new kplus.Namespace(apps, 'ns', { metadata: { name: 'podinfo' } });
    new kplus.Deployment(apps, 'podinfo', {
      metadata: { name: 'podinfo' },
      replicas: env === 'prod' ? 3 : 1,
      containers: [{ image: 'ghcr.io/stefanprodan/podinfo:6.9.2', portNumber: 9898, securityContext: { user: 1000, group: 1000 } }],
    });
  }
  return repo;
}
