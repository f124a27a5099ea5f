// The identity CAPZ reaches fleet clusters with: with local accounts disabled (the default), CAPZ
// puts in `<cluster>-kubeconfig` an Entra ID token of the ASO credential's identity (CAPZ
// AzureASOManagedControlPlaneReconciler.reconcileKubeconfig), which under Azure RBAC has no rights
// on the cluster. AksClusterClass `kubeconfigAccess` embeds an ASO RoleAssignment beside each
// cluster's ManagedCluster, its role definition under the cluster's subscription.
import { JsonPatch } from 'cdk8s';
import { parse } from 'yaml';
import { RemovalPolicy } from '../../lib';
import { AksClusterClass, Fleet } from '../../lib/capi';
import { Validator } from '../../lib/core/validation';
import { GitRepository } from '../../lib/flux';
import { Folder } from '../../lib/gitops/folder';
import { Testing } from '../../lib/testing';
import { setup, SYSTEM_POOL } from './fixtures';

const SUB_A = '0b1e5c3a-7f6d-4e2b-9c8a-1d2e3f4a5b6c';
const SUB_B = '7c6d5e4f-3a2b-4c1d-8e9f-0a1b2c3d4e5f';
const PRINCIPAL = '11111111-2222-4333-8444-555555555555';
const CLASS = 'platform/clusters--mgmt--classes/class';

function cls(folder: Folder, extra: Partial<ConstructorParameters<typeof AksClusterClass>[2]> = {}): AksClusterClass {
  return new AksClusterClass(folder, 'class', {
    name: 'aks', namespace: 'fleet', location: 'westeurope', credentialFrom: 'aso-credential', perClusterCredential: true,
    machinePoolClasses: [{ class: 'system', pool: SYSTEM_POOL }],
    kubeconfigAccess: { principalId: PRINCIPAL.toUpperCase(), subscriptionId: SUB_A },
    ...extra,
  });
}

/** The control plane template's spec of a cluster, as Cluster API patches it: the class's patches in order, Go templates filled in. */
function controlPlaneSpec(cc: any, values: Record<string, string>): any {
  const fill = (t: string) => t.replace(/\{\{ \.([\w.]+) \}\}/g, (_, k: string) => values[k] ?? `<${k}>`);
  let doc: any = { spec: { template: { spec: {} } } };
  for (const p of cc.spec.patches) {
    if (p.enabledIf && !values.credentialSecretName) continue;
    for (const d of p.definitions) {
      if (d.selector.kind !== 'AzureASOManagedControlPlaneTemplate') continue;
      const ops = d.jsonPatches.map((op: any) => {
        const value = op.valueFrom.variable ? values[op.valueFrom.variable] : parse(fill(op.valueFrom.template));
        return op.op === 'replace' ? JsonPatch.replace(op.path, value) : JsonPatch.add(op.path, value);
      });
      doc = JsonPatch.apply(doc, ...ops);
    }
  }
  return doc.spec.template.spec;
}

describe('AksClusterClass kubeconfigAccess', () => {
  test('a RoleAssignment beside each ManagedCluster, under each row\'s subscription, created with the row\'s credential', () => {
    const { app, repo, folder } = setup();
    const c = cls(repo.folder('clusters/mgmt/classes'));
    const source = GitRepository.fromName(folder, 'src', { name: 'flux-system', namespace: 'flux-system' });
    new Fleet(folder, 'fleet', {
      repo, clusterClass: c, source,
      defaults: { kubernetesVersion: 'v1.33.2' },
      clusters: [
        { name: 'c1', subscriptionId: SUB_A, credentialFrom: 'aso-sub-a' },
        { name: 'c2', subscriptionId: SUB_B.toUpperCase(), credentialFrom: 'aso-sub-b' },
        { name: 'c3' },
      ],
    });
    const objs = Testing.objects(app);
    const cc = Testing.find(objs, 'ClusterClass', 'aks');
    expect(cc.spec.variables.find((v: any) => v.name === 'subscriptionId')).toEqual({
      name: 'subscriptionId', required: false,
      schema: { openAPIV3Schema: { type: 'string', description: 'Azure subscription ID of the cluster (the kubeconfig role assignment\'s role definition is under it)', default: SUB_A, pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } },
    });
    // Each row's subscription (lower case: Azure ids compare without case); a row without one keeps the class default.
    const vars = (name: string) => Testing.find(objs, 'Cluster', name).spec.topology.variables;
    expect(vars('c1')).toEqual([{ name: 'credentialSecretName', value: 'aso-sub-a' }, { name: 'subscriptionId', value: SUB_A }]);
    expect(vars('c2')).toEqual([{ name: 'credentialSecretName', value: 'aso-sub-b' }, { name: 'subscriptionId', value: SUB_B }]);
    expect(vars('c3')).toBeUndefined();

    const spec = controlPlaneSpec(cc, { 'builtin.cluster.name': 'c2', 'builtin.controlPlane.version': 'v1.33.2', 'subscriptionId': SUB_B, 'credentialSecretName': 'aso-sub-b' });
    expect(spec.resources.map((r: any) => `${r.kind}/${r.metadata.name}`)).toEqual(['ManagedCluster/c2', 'RoleAssignment/c2-capz-kubeconfig-access']);
    const ra = spec.resources[1];
    expect(ra).toEqual({
      apiVersion: 'authorization.azure.com/v1api20220401',
      kind: 'RoleAssignment',
      metadata: {
        name: 'c2-capz-kubeconfig-access',
        annotations: { 'serviceoperator.azure.com/credential-from': 'aso-sub-b', 'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete' },
      },
      spec: {
        owner: { group: 'containerservice.azure.com', kind: 'ManagedCluster', name: 'c2' },
        principalId: PRINCIPAL,
        principalType: 'ServicePrincipal',
        roleDefinitionReference: { armId: `/subscriptions/${SUB_B}/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b` },
      },
    });
    expect(spec.resources[0].metadata.annotations['serviceoperator.azure.com/credential-from']).toBe('aso-sub-b');
    // What ASO is given is valid against its RoleAssignment schema (CAPZ creates it in the cluster's namespace).
    expect(new Validator().validate([{ obj: { ...ra, metadata: { ...ra.metadata, namespace: 'fleet' } }, path: 'ra' }]).map((i) => i.message)).toEqual([]);
    // Without a per-cluster credential: the class's.
    const plain = controlPlaneSpec(cc, { 'builtin.cluster.name': 'c3', 'builtin.controlPlane.version': 'v1.33.2', 'subscriptionId': SUB_A });
    expect(plain.resources[1].metadata.annotations['serviceoperator.azure.com/credential-from']).toBe('aso-credential');
    expect(plain.resources[1].spec.roleDefinitionReference.armId).toBe(`/subscriptions/${SUB_A}/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b`);
  });

  test('its own credential (one allowed to write role assignments) is kept for every cluster', () => {
    const { app, repo } = setup();
    cls(repo.folder('clusters/mgmt/classes'), {
      removalPolicy: RemovalPolicy.DESTROY,
      kubeconfigAccess: { principalId: PRINCIPAL, subscriptionId: SUB_A, principalType: 'Group', roleDefinitionId: '3498E952-D568-435E-9B2C-8D77E338D7F7', credentialFrom: 'aso-rbac-admin' },
    });
    const cc = Testing.find(Testing.objects(app), 'ClusterClass', 'aks');
    const spec = controlPlaneSpec(cc, { 'builtin.cluster.name': 'c1', 'builtin.controlPlane.version': 'v1.33.2', 'subscriptionId': SUB_A, 'credentialSecretName': 'aso-sub-a' });
    expect(spec.resources[1].metadata.annotations).toEqual({ 'serviceoperator.azure.com/credential-from': 'aso-rbac-admin' });
    expect(spec.resources[1].spec.principalType).toBe('Group');
    expect(spec.resources[1].spec.roleDefinitionReference.armId).toBe(`/subscriptions/${SUB_A}/providers/Microsoft.Authorization/roleDefinitions/3498e952-d568-435e-9b2c-8d77e338d7f7`);
    expect(spec.resources[0].metadata.annotations).toEqual({ 'serviceoperator.azure.com/credential-from': 'aso-sub-a' });
  });

  test('refused where it cannot work, naming the prop and the fix', () => {
    const { repo } = setup();
    const f = (i: number) => repo.folder(`clusters/mgmt/classes${i}`);
    const at = (i: number) => CLASS.replace('classes', `classes${i}`);
    expect(Testing.errorOf(() => cls(f(1), { disableLocalAccounts: false }))).toBe(
      `${at(1)}: prop "kubeconfigAccess": is not needed: local accounts are enabled, so CAPZ writes the admin kubeconfig (set disableLocalAccounts: true, the secure default, to use Entra ID)`,
    );
    expect(Testing.errorOf(() => cls(f(2), { azureRbac: false }))).toBe(
      `${at(2)}: prop "kubeconfigAccess": cannot authorize Kubernetes calls: Azure RBAC is off (azureRbac: false), so add a group containing the identity to adminGroupObjectIds instead`,
    );
    expect(Testing.errorOf(() => cls(f(3), { kubeconfigAccess: { principalId: 'flux', subscriptionId: SUB_A } }))).toBe(
      `${at(3)}: prop "kubeconfigAccess.principalId": "flux" is invalid: must be the object id (a GUID) of the ASO credential's identity`,
    );
    expect(Testing.errorOf(() => cls(f(4), { kubeconfigAccess: { principalId: PRINCIPAL, subscriptionId: 'sub' } }))).toBe(
      `${at(4)}: prop "kubeconfigAccess.subscriptionId": "sub" is invalid: must be a subscription id (a GUID)`,
    );
  });
});
