// The shared vocabulary (#13) on the CAPI family: PlatformResource (apiObject, name, namespace,
// toRef, applyRemovalPolicy), CapiCluster.fromName, credentialFrom (one Secret type), the
// kubeconfig Secret as an ISecretSource and the exports as ExportedValue handles, and the one
// environment label.
import { Duration } from 'cdk8s';
import { AksCluster, AksClusterClass, AzureClusterIdentity, CapiCluster, ClusterResourceSet, Fleet, fleetClustersFromCsv, MachineHealthCheck, TopologyCluster } from '../../lib/capi';
import { ENVIRONMENT_LABEL } from '../../lib/core/environment';
import { RemovalPolicy } from '../../lib/core/removal-policy';
import { PlatformResource } from '../../lib/core/resource';
import { ExistingSecret, resolveSecret } from '../../lib/core/secret';
import { GitRepository, RemoteClusterHydration } from '../../lib/flux';
import { Testing } from '../../lib/testing';
import { setup, SYSTEM_POOL } from './fixtures';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../support/kubeconfig-access';

const P = 'platform/clusters--mgmt';
const AKS = { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, name: 'aks-dev', location: 'westeurope', kubernetesVersion: 'v1.33.2', nodePools: [SYSTEM_POOL] };
const DETACH = 'serviceoperator.azure.com/reconcile-policy';

describe('PlatformResource', () => {
  test('every CAPI L2 is a PlatformResource: apiObject, name, namespace, kind, toRef', () => {
    const { folder } = setup();
    const aks = new AksCluster(folder, 'aks', AKS);
    const cls = new AksClusterClass(folder, 'cls', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, name: 'aks-standard', location: 'westeurope', machinePoolClasses: [{ class: 'system', pool: SYSTEM_POOL }] });
    const topo = new TopologyCluster(folder, 'topo', { name: 'shop-dev', clusterClass: cls, kubernetesVersion: 'v1.33.2' });
    const id = new AzureClusterIdentity(folder, 'id', { name: 'cluster-identity', clientId: '33333333-3333-3333-3333-333333333333', tenantId: '33333333-3333-3333-3333-333333333333' });
    const crs = new ClusterResourceSet(folder, 'crs', { name: 'calico', clusterSelector: { cni: 'calico' }, resources: [{ kind: 'ConfigMap', name: 'calico' }] });
    const mhc = new MachineHealthCheck(folder, 'mhc', { cluster: topo, nodeStartupTimeout: Duration.minutes(10) });
    const all: PlatformResource[] = [aks, cls, topo, id, crs, mhc];
    expect(all.every((r) => r instanceof PlatformResource)).toBe(true);
    expect(all.map((r) => [r.apiGroup, r.kind, r.name, r.namespace, r.apiObject.node.path])).toEqual([
      ['cluster.x-k8s.io', 'Cluster', 'aks-dev', 'fleet', `${P}/aks/Cluster`],
      ['cluster.x-k8s.io', 'ClusterClass', 'aks-standard', 'fleet', `${P}/cls/Resource`],
      ['cluster.x-k8s.io', 'Cluster', 'shop-dev', 'fleet', `${P}/topo/Resource`],
      ['infrastructure.cluster.x-k8s.io', 'AzureClusterIdentity', 'cluster-identity', 'fleet', `${P}/id/Resource`],
      ['addons.cluster.x-k8s.io', 'ClusterResourceSet', 'calico', 'fleet', `${P}/crs/Resource`],
      ['cluster.x-k8s.io', 'MachineHealthCheck', 'shop-dev-mhc', 'fleet', `${P}/mhc/Resource`],
    ]);
    expect(aks.clusterName).toBe('aks-dev');
    expect(topo.toRef()).toEqual({ apiGroup: 'cluster.x-k8s.io', kind: 'Cluster', name: 'shop-dev', namespace: 'fleet' });
  });

  test('clusters are retained by default; applyRemovalPolicy covers every object of the cluster, node pools and embedded ASO resources included', () => {
    const { app, folder } = setup();
    const aks = new AksCluster(folder, 'aks', { ...AKS, removalPolicy: RemovalPolicy.DESTROY });
    expect(aks.removalPolicy).toBe(RemovalPolicy.DESTROY);
    aks.applyRemovalPolicy(RemovalPolicy.RETAIN);
    aks.addNodePool({ name: 'user', vmSize: 'Standard_D8s_v5' });
    const objs = Testing.objects(app);
    for (const [kind, name] of [['Cluster', 'aks-dev'], ['AzureASOManagedCluster', 'aks-dev'], ['AzureASOManagedControlPlane', 'aks-dev'],
      ['MachinePool', 'aks-dev-system'], ['AzureASOManagedMachinePool', 'aks-dev-system'], ['MachinePool', 'aks-dev-user'], ['AzureASOManagedMachinePool', 'aks-dev-user']]) {
      expect([kind, name, Testing.find(objs, kind, name).metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune']]).toEqual([kind, name, 'disabled']);
    }
    const embedded = (kind: string, name: string) => Testing.find(objs, kind, name).spec.resources[0].metadata.annotations[DETACH];
    expect(embedded('AzureASOManagedCluster', 'aks-dev')).toBe('detach-on-delete');
    expect(embedded('AzureASOManagedControlPlane', 'aks-dev')).toBe('detach-on-delete');
    expect(embedded('AzureASOManagedMachinePool', 'aks-dev-system')).toBe('detach-on-delete');
    expect(embedded('AzureASOManagedMachinePool', 'aks-dev-user')).toBe('detach-on-delete');

    const { app: app2, folder: folder2 } = setup();
    new AksCluster(folder2, 'aks', AKS);
    expect(Testing.find(app2, 'Cluster', 'aks-dev').metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
  });
});

describe('CapiCluster.fromName', () => {
  test('a cluster owned elsewhere: hydrated through its <name>-kubeconfig Secret, health-checked, nothing rendered for it', () => {
    const { app, folder } = setup();
    const source = new GitRepository(folder, 'src', { name: 'platform', url: 'https://github.com/contoso/platform' });
    const shop = CapiCluster.fromName(folder, 'shop', { name: 'shop-prod', environment: 'prod' });
    expect([shop.clusterName, shop.name, shop.namespace, shop.environment, shop.kind, shop.apiGroup]).toEqual(['shop-prod', 'shop-prod', 'fleet', 'prod', 'Cluster', 'cluster.x-k8s.io']);
    expect([shop.kubeconfigSecret.secretName, shop.kubeconfigSecret.secretNamespace, shop.kubeconfigSecret.key]).toEqual(['shop-prod-kubeconfig', 'fleet', 'value']);
    expect(shop.exports.kubeconfig.ref()).toEqual({ apiGroup: '', kind: 'Secret', name: 'shop-prod-kubeconfig', namespace: 'fleet' });
    expect(shop.toRef()).toEqual({ apiGroup: 'cluster.x-k8s.io', kind: 'Cluster', name: 'shop-prod', namespace: 'fleet' });
    new RemoteClusterHydration(folder, 'hydration', { cluster: shop, source, stages: [{ name: 'apps', folder: './apps/shop-prod' }] });
    new MachineHealthCheck(folder, 'mhc', { cluster: shop });
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'Kustomization', 'shop-prod-apps').spec.kubeConfig).toEqual({ secretRef: { name: 'shop-prod-kubeconfig', key: 'value' } });
    expect(Testing.find(objs, 'MachineHealthCheck', 'shop-prod-mhc').spec.clusterName).toBe('shop-prod');
    expect(objs.filter((o) => o.kind === 'Cluster')).toEqual([]);
  });

  test('AksCluster.fromName is the same import; namespace from the prop; name checked', () => {
    const { folder } = setup();
    expect(AksCluster.fromName(folder, 'a', { name: 'aks-x', namespace: 'other' }).kubeconfigSecret.secretNamespace).toBe('other');
    expect(Testing.errorOf(() => CapiCluster.fromName(folder, 'b', { name: 'Shop_Prod' })))
      .toBe(`${P}/b: prop "name": "Shop_Prod" is invalid: must be a DNS label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters)`);
  });
});

describe('one Secret type: credentialFrom and the kubeconfig Secret', () => {
  test('credentialFrom takes a Secret (ISecretSource) or a name; the output is the name', () => {
    const { app, folder } = setup();
    const cred = ExistingSecret.fromName(folder, 'cred', { name: 'aso-credential-sub-a' });
    new AksCluster(folder, 'aks', { ...AKS, credentialFrom: cred });
    const cp = Testing.find(app, 'AzureASOManagedControlPlane', 'aks-dev');
    expect(cp.spec.resources[0].metadata.annotations['serviceoperator.azure.com/credential-from']).toBe('aso-credential-sub-a');
  });

  test('a credential Secret in another namespace is refused, naming both', () => {
    const { repo, folder } = setup();
    const cred = ExistingSecret.fromName(repo.folder('other', { namespace: 'other' }), 'cred', { name: 'aso-credential' });
    expect(Testing.errorOf(() => new AksCluster(folder, 'aks', { ...AKS, credentialFrom: cred })))
      .toBe(`${P}/aks: prop "credentialFrom": Secret "aso-credential" (platform/other/cred) is in namespace "other", but it must be in namespace "fleet" (ASO reads Secrets from the resource's namespace)`);
    expect(Testing.errorOf(() => new AksClusterClass(folder, 'cls', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, name: 'c', location: 'westeurope', credentialFrom: cred, machinePoolClasses: [{ class: 'system', pool: SYSTEM_POOL }] })))
      .toBe(`${P}/cls: prop "credentialFrom": Secret "aso-credential" (platform/other/cred) is in namespace "other", but it must be in namespace "fleet" (ASO reads Secrets from the resource's namespace (the clusters' namespace))`);
  });

  test('the kubeconfig Secret is "a Secret": consumers resolve it like any ISecretSource', () => {
    const { app, folder } = setup();
    const aks = new AksCluster(folder, 'aks', AKS);
    expect(resolveSecret(folder, 'kubeconfig', aks.kubeconfigSecret, { namespace: 'fleet' })).toEqual({ name: 'aks-dev-kubeconfig', namespace: 'fleet' });
    expect(Testing.synthProblems(app)).toEqual([]);
    expect(aks.exports.kubeconfig.use(folder, 'kubeconfig')).toEqual({ kind: 'Secret', name: 'aks-dev-kubeconfig', namespace: 'fleet', key: 'value' });
    expect(aks.exports.oidcIssuer!.use(folder, 'issuer')).toEqual({ kind: 'ConfigMap', name: 'aks-dev-oidc', namespace: 'fleet', key: 'issuer' });
    expect(Testing.find(app, 'AzureASOManagedControlPlane', 'aks-dev').spec.resources[0].spec.operatorSpec.configMaps).toEqual({ oidcIssuerProfile: { name: 'aks-dev-oidc', key: 'issuer' } });
    expect(new AksCluster(folder, 'aks2', { ...AKS, name: 'aks-2', oidcIssuer: false }).exports.oidcIssuer).toBeUndefined();
  });
});

describe('one environment label', () => {
  test('a cluster\'s environment is the Cluster label platform.cdk8s.io/environment (the label graph reads)', () => {
    const { app, folder } = setup();
    new AksCluster(folder, 'aks', { ...AKS, environment: 'dev' });
    expect(Testing.find(app, 'Cluster', 'aks-dev').metadata.labels).toEqual({ [ENVIRONMENT_LABEL]: 'dev' });
    expect(Testing.errorOf(() => new AksCluster(folder, 'bad', { ...AKS, name: 'aks-bad', environment: 'dev env' })))
      .toBe(`${P}/bad: prop "environment": "dev env" is invalid: must be a label value (the "platform.cdk8s.io/environment" label): at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit`);
  });

  test('Fleet rows: platform.cdk8s.io/environment, plus the plain environment label selectors were written against', () => {
    const { app, repo, folder } = setup();
    const cls = new AksClusterClass(folder, 'cls', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, name: 'aks', location: 'westeurope', machinePoolClasses: [{ class: 'system', pool: SYSTEM_POOL }] });
    new Fleet(folder, 'fleet', { repo, clusterClass: cls, defaults: { kubernetesVersion: 'v1.33.2' }, environments: { prod: {} }, clusters: [{ name: 'c1', environment: 'prod' }] });
    expect(Testing.find(app, 'Cluster', 'c1').metadata.labels).toEqual({ 'environment': 'prod', [ENVIRONMENT_LABEL]: 'prod' });
  });

  test('Fleet credentialFrom: a row\'s Secret, or the CSV column (its former name credentialSecretName still read)', () => {
    expect(fleetClustersFromCsv('name,credentialFrom\nc1,aso-a\n')).toEqual([{ name: 'c1', credentialFrom: 'aso-a', source: 'CSV line 2' }]);
    expect(fleetClustersFromCsv('name,credentialSecretName\nc1,aso-a\n')).toEqual([{ name: 'c1', credentialFrom: 'aso-a', source: 'CSV line 2' }]);
    expect(Testing.errorOf(() => fleetClustersFromCsv('name,credentialFrom,credentialSecretName\nc1,a,b\n')))
      .toBe('CSV columns "credentialFrom" and "credentialSecretName" are the same column: keep "credentialFrom"');
    const { app, repo, folder } = setup();
    const cls = new AksClusterClass(folder, 'cls', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, name: 'aks', location: 'westeurope', perClusterCredential: true, machinePoolClasses: [{ class: 'system', pool: SYSTEM_POOL }] });
    const cred = ExistingSecret.fromName(folder, 'cred', { name: 'aso-credential-b' });
    new Fleet(folder, 'fleet', { repo, clusterClass: cls, defaults: { kubernetesVersion: 'v1.33.2' }, clusters: [{ name: 'c1', credentialFrom: cred }] });
    expect(Testing.find(app, 'Cluster', 'c1').spec.topology.variables).toEqual([{ name: 'credentialSecretName', value: 'aso-credential-b' }]);
  });
});
