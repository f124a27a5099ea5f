// Throughput: 20,000 objects of a big kind validate in well under the budget; compilation is paid once
// per kind. Timings are printed (the assertion bounds are loose, for slow CI machines).
import { Validator } from '../../lib/core/validation';
import { registryFromCrds } from './helpers';

const N = 20000;
const BUDGET_MS = 10000;

function cluster(i: number): unknown {
  return {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: { name: `cluster-${i}`, namespace: 'fleet', labels: { 'app.kubernetes.io/part-of': 'fleet', shard: `s${i % 16}` } },
    spec: {
      clusterNetwork: { pods: { cidrBlocks: ['192.168.0.0/16'] }, services: { cidrBlocks: ['10.128.0.0/12'] } },
      topology: {
        classRef: { name: 'aks-class' },
        version: 'v1.33.1',
        controlPlane: {
          replicas: 3,
          healthCheck: { checks: { unhealthyMachineConditions: [{ type: 'EtcdHealthy', status: 'False', timeoutSeconds: 300 }] } },
        },
        workers: { machineDeployments: [{ class: 'default-worker', name: 'md-0', replicas: 3 }] },
        variables: [{ name: 'location', value: 'westeurope' }],
      },
    },
  };
}

function managedCluster(i: number): unknown {
  return {
    apiVersion: 'containerservice.azure.com/v1api20250801',
    kind: 'ManagedCluster',
    metadata: { name: `aks-${i}`, namespace: 'fleet', annotations: { 'serviceoperator.azure.com/credential-from': 'aso-credential' } },
    spec: {
      location: 'westeurope',
      owner: { name: 'fleet-rg' },
      dnsPrefix: `aks-${i}`,
      kubernetesVersion: '1.33.1',
      identity: { type: 'SystemAssigned' },
      networkProfile: { networkPlugin: 'azure', networkPluginMode: 'overlay', podCidr: '10.244.0.0/16', dnsServiceIP: '10.0.0.10', serviceCidr: '10.0.0.0/16' },
      agentPoolProfiles: [
        {
          name: 'system',
          mode: 'System',
          count: 3,
          vmSize: 'Standard_D4s_v5',
          osType: 'Linux',
          vnetSubnetReference: {
            armId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/fleet-rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes',
          },
        },
      ],
    },
  };
}

test.each([
  ['CAPI Cluster v1beta2 (CEL rules on list items)', 'capi/cluster.x-k8s.io_clusters.yaml', cluster],
  ['ASO ManagedCluster v1api20250801 (RE2 (?i) patterns)', 'aso/containerservice.azure.com_managedclusters.yaml', managedCluster],
] as const)('%s: 20,000 objects', (label, crd, make) => {
  const v = new Validator({ registry: registryFromCrds(crd) });
  const objects = Array.from({ length: N }, (_, i) => ({ obj: make(i), path: `fleet/c${i}/Resource` }));

  let t = performance.now();
  expect(v.validate(objects.slice(0, 1))).toEqual([]);
  const first = performance.now() - t;

  t = performance.now();
  const issues = v.validate(objects);
  const all = performance.now() - t;

  expect(issues).toEqual([]);
  expect(v.stats()).toHaveLength(1);
  const [{ ms: compileMs }] = v.stats();
  console.log(`${label}: compile ${compileMs.toFixed(0)} ms (first object ${first.toFixed(0)} ms); ${N} objects ${all.toFixed(0)} ms = ${((all / N) * 1000).toFixed(1)} µs/object`);
  expect(all).toBeLessThan(BUDGET_MS);
});
