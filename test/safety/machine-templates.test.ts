// CAPZ AzureMachineTemplates are immutable: a changed one under the same name is refused at synth,
// and SelfManagedAzureCluster's content-named templates make a change a new template.
import { ApiObject } from 'cdk8s';
import { declarePreinstalled, GitOpsApp, Preinstalled, Repo } from '../../lib';
import { AzureClusterIdentity, SelfManagedAzureCluster } from '../../lib/capi';
import { problems } from '../support/problems';
import { tmp } from './helpers';

const GUID = '00000000-0000-0000-0000-000000000001';

function newApp(out: string): GitOpsApp {
  const app = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false });
  declarePreinstalled(app, Preinstalled.CAPI, Preinstalled.CAPZ, Preinstalled.of('fixtures', [], ['fleet']));
  return app;
}

test('an AzureMachineTemplate changed under the same name is refused, naming the fields and the way out', () => {
  const out = tmp();
  const build = (vmSize: string, sshPublicKey = '') => {
    const app = newApp(out);
    new ApiObject(new Repo(app, 'platform').folder('clusters/fleet', { namespace: 'fleet' }), 'workers', {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'AzureMachineTemplate', metadata: { name: 'vm-1-md-0' },
      spec: { template: { spec: { osDisk: { diskSizeGB: 128, osType: 'Linux' }, sshPublicKey, vmSize } } },
    });
    return app;
  };
  build('Standard_D4s_v5').synth();
  expect(problems(() => build('Standard_D8s_v5', 'c3NoLXJzYQ==').synth())).toEqual([
    'platform/clusters--fleet/workers (platform/clusters/fleet/azuremachinetemplate-vm-1-md-0.yaml): AzureMachineTemplate fleet/vm-1-md-0: spec.template.spec: sshPublicKey, vmSize changed: ' +
      'CAPZ\'s webhook refuses changing an AzureMachineTemplate ("AzureMachineTemplate spec.template.spec field is immutable. Please create new resource instead"), ' +
      'so the server-side dry-run of everything applied with it fails; create a template of another name with the new spec and point the MachineDeployment or KubeadmControlPlane at it ' +
      '(Cluster API then rolls the machines), then remove this one',
  ]);
});

test("SelfManagedAzureCluster: a new VM size is a new template (the old one pruned, nothing refused or protected)", () => {
  const out = tmp();
  const build = (vmSize: string) => {
    const app = newApp(out);
    const folder = new Repo(app, 'platform').folder('clusters/fleet', { namespace: 'fleet' });
    const identity = new AzureClusterIdentity(folder, 'identity', { name: 'cluster-identity', clientId: GUID, tenantId: GUID });
    new SelfManagedAzureCluster(folder, 'vm', {
      name: 'vm-1', location: 'westeurope', kubernetesVersion: 'v1.33.1', subscriptionId: GUID, identity,
      controlPlane: { vmSize: 'Standard_D4s_v5' }, machineDeployments: [{ name: 'md-0', vmSize }],
    });
    return app;
  };
  build('Standard_D4s_v5').synth();
  const plan = build('Standard_D8s_v5').plan();
  const changes = plan.repos[0].changes.map((c) => `${c.action} ${c.object.id.replace(/-[0-9a-f]{8}$/, '-<hash>')}${c.protection ? ' protected' : ''}`).sort();
  expect(changes).toEqual([
    // The same construct under a new name: the plan shows a rename (Flux creates the new one and prunes the old one).
    'rename AzureMachineTemplate/fleet/vm-1-md-0-<hash>',
    'rename KubeadmConfigTemplate/fleet/vm-1-md-0-<hash>',
    'update MachineDeployment/fleet/vm-1-md-0',
  ]);
  build('Standard_D8s_v5').synth();
});
