// The identity CAPZ reaches fleet clusters with: with local accounts disabled (the default), CAPZ
// puts in `<cluster>-kubeconfig` an Entra ID token of the ASO credential's identity (CAPZ
// AzureASOManagedControlPlaneReconciler.reconcileKubeconfig), which under Azure RBAC has no rights
// on the cluster. AksClusterClass `kubeconfigAccess` gives every TopologyCluster of the class an
// ASO RoleAssignment of its own (not a resource of the control plane template: CAPZ refreshes the
// token only once every such resource is ready), its role definition under the cluster's
// subscription, created with the cluster's credential.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { declarePreinstalled, GitOpsApp, Preinstalled, RemovalPolicy, Repo } from '../../lib';
import { AksCluster, AksClusterClass, Fleet, FleetClusterSpec, stableHash } from '../../lib/capi';
import { GitRepository } from '../../lib/flux';
import { Folder } from '../../lib/gitops/folder';
import { Testing } from '../../lib/testing';
import { setup, SYSTEM_POOL } from './fixtures';

const SUB_A = '0b1e5c3a-7f6d-4e2b-9c8a-1d2e3f4a5b6c';
const SUB_B = '7c6d5e4f-3a2b-4c1d-8e9f-0a1b2c3d4e5f';
const PRINCIPAL = '11111111-2222-4333-8444-555555555555';
const AKS_RBAC_CLUSTER_ADMIN = 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b';
const CLASS = 'platform/clusters--mgmt--classes/class';
const FLEET = 'platform/clusters--mgmt/fleet';

function cls(folder: Folder, extra: Partial<ConstructorParameters<typeof AksClusterClass>[2]> = {}): AksClusterClass {
  return new AksClusterClass(folder, 'class', {
    name: 'aks', namespace: 'fleet', location: 'westeurope', credentialFrom: 'aso-credential', perClusterCredential: true,
    machinePoolClasses: [{ class: 'system', pool: SYSTEM_POOL }],
    kubeconfigAccess: { principalId: PRINCIPAL.toUpperCase(), subscriptionId: SUB_A },
    ...extra,
  });
}

function fleet(extra: Partial<ConstructorParameters<typeof AksClusterClass>[2]>, clusters: FleetClusterSpec[]) {
  const { app, repo, folder } = setup();
  const c = cls(repo.folder('clusters/mgmt/classes'), extra);
  const source = GitRepository.fromName(folder, 'src', { name: 'flux-system', namespace: 'flux-system' });
  new Fleet(folder, 'fleet', { repo, clusterClass: c, source, defaults: { kubernetesVersion: 'v1.33.2' }, clusters });
  return app;
}

/** The hash in the grant's name of PRINCIPAL and AKS RBAC Cluster Admin. */
const GRANT = stableHash(`${PRINCIPAL}/${AKS_RBAC_CLUSTER_ADMIN}`).toString(16).padStart(8, '0');

/** The kubeconfig access grant of cluster `name`. */
function grantOf(objs: readonly any[], name: string): any {
  const found = objs.filter((o) => o.kind === 'RoleAssignment' && o.metadata.name.startsWith(`${name}-capz-kubeconfig-access-`));
  expect(found.length).toBe(1);
  return found[0];
}

const armId = (sub: string, role = AKS_RBAC_CLUSTER_ADMIN) => `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${role}`;

describe('AksClusterClass kubeconfigAccess', () => {
  test('each cluster gets a RoleAssignment of its own: in its namespace, under its subscription, created with its credential', () => {
    const app = fleet({ removalPolicy: RemovalPolicy.DESTROY }, [
      { name: 'c1', subscriptionId: SUB_A, credentialFrom: 'aso-sub-a' },
      { name: 'c2', subscriptionId: SUB_B.toUpperCase(), credentialFrom: 'aso-sub-b', namespace: 'fleet-b', removalPolicy: RemovalPolicy.DESTROY },
      { name: 'c3' },
    ]);
    const objs = Testing.objects(app);
    const ra = (name: string) => grantOf(objs, name);
    expect(ra('c1')).toEqual({
      apiVersion: 'authorization.azure.com/v1api20220401',
      kind: 'RoleAssignment',
      metadata: {
        name: `c1-capz-kubeconfig-access-${GRANT}`,
        namespace: 'fleet',
        annotations: {
          'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false',
          'kustomize.toolkit.fluxcd.io/prune': 'disabled',
          'serviceoperator.azure.com/credential-from': 'aso-sub-a',
          'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete',
        },
      },
      spec: {
        owner: { group: 'containerservice.azure.com', kind: 'ManagedCluster', name: 'c1' },
        principalId: PRINCIPAL,
        principalType: 'ServicePrincipal',
        roleDefinitionReference: { armId: armId(SUB_A) },
      },
    });
    // Another subscription, another namespace, a DESTROY row: removed with its cluster.
    expect(ra('c2').metadata).toEqual({ name: `c2-capz-kubeconfig-access-${GRANT}`, namespace: 'fleet-b', annotations: { 'serviceoperator.azure.com/credential-from': 'aso-sub-b', 'serviceoperator.azure.com/reconcile-policy': 'manage' } });
    expect(ra('c2').spec.roleDefinitionReference.armId).toBe(armId(SUB_B));
    // A row without subscription or credential: the class's.
    expect(ra('c3').metadata.annotations!['serviceoperator.azure.com/credential-from']).toBe('aso-credential');
    expect(ra('c3').spec.roleDefinitionReference.armId).toBe(armId(SUB_A));
    // Nothing in the class's templates: CAPZ refreshes the kubeconfig token only once every
    // resource of the control plane is ready, so a failing assignment there would cut every cluster off.
    const cc = Testing.find(objs, 'ClusterClass', 'aks');
    expect(JSON.stringify(cc.spec.patches)).not.toContain('RoleAssignment');
    expect(cc.spec.variables.map((v: any) => v.name)).toEqual(['location', 'credentialSecretName']);
  });

  test('its own credential (one allowed to write role assignments) creates every assignment, in its subscription only', () => {
    const access = { principalId: PRINCIPAL, subscriptionId: SUB_A, principalType: 'Group' as const, roleDefinitionId: '3498E952-D568-435E-9B2C-8D77E338D7F7', credentialFrom: 'aso-rbac-admin' };
    const objs = Testing.objects(fleet({ kubeconfigAccess: access }, [{ name: 'c1', subscriptionId: SUB_A, credentialFrom: 'aso-sub-a' }]));
    const ra = grantOf(objs, 'c1');
    expect(ra.metadata.annotations!['serviceoperator.azure.com/credential-from']).toBe('aso-rbac-admin');
    // Another principal or role is another assignment (Azure refuses to change either): another name.
    expect(ra.metadata.name).toMatch(/^c1-capz-kubeconfig-access-[0-9a-f]{8}$/);
    expect(ra.metadata.name).not.toBe(`c1-capz-kubeconfig-access-${GRANT}`);
    expect(ra.spec.principalType).toBe('Group');
    expect(ra.spec.roleDefinitionReference.armId).toBe(armId(SUB_A, '3498e952-d568-435e-9b2c-8d77e338d7f7'));
    // ASO refuses a credential of another subscription than the resource's owner.
    expect(Testing.errorOf(() => fleet({ kubeconfigAccess: access }, [{ name: 'c2', subscriptionId: SUB_B, credentialFrom: 'aso-sub-b' }]))).toBe(
      `${FLEET}: prop "clusters[0].subscriptionId": ${SUB_B} is not the subscription of ClusterClass aks's kubeconfigAccess (${SUB_A}), whose credentialFrom "aso-rbac-admin" creates every cluster's role assignment: ` +
        'ASO refuses a credential of another subscription than the resource\'s owner; put the cluster in a class of its subscription, or drop kubeconfigAccess.credentialFrom (each cluster\'s own credential then creates it) (cluster "c2")',
    );
  });

  test('a SKIP row (adopted) still gets its grant created: retained, not skipped', () => {
    const objs = Testing.objects(fleet({}, [{ name: 'c1', removalPolicy: RemovalPolicy.SKIP }]));
    expect(grantOf(objs, 'c1').metadata.annotations['serviceoperator.azure.com/reconcile-policy']).toBe('detach-on-delete');
  });

  test('a row with a credential of its own names its subscription', () => {
    expect(Testing.errorOf(() => fleet({}, [{ name: 'c1', credentialFrom: 'aso-sub-b' }]))).toBe(
      `${FLEET}: prop "clusters[0].subscriptionId": is required: the cluster's credential "aso-sub-b" is not the class's, and the role definition of ClusterClass aks's kubeconfigAccess is under the cluster's subscription (cluster "c1")`,
    );
    // Also when the credential is set as the class variable itself.
    expect(Testing.errorOf(() => fleet({}, [{ name: 'c1', variables: { credentialSecretName: 'aso-sub-b' } }]))).toBe(
      `${FLEET}: prop "clusters[0].subscriptionId": is required: the cluster's credential "aso-sub-b" is not the class's, and the role definition of ClusterClass aks's kubeconfigAccess is under the cluster's subscription (cluster "c1")`,
    );
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

describe('kubeconfigAccess is required while local accounts are disabled (the default): a grant, or where the role comes from', () => {
  const missing = (where: string, azureRbac = true) =>
    `${where}: prop "kubeconfigAccess": is required: local accounts are disabled, so CAPZ writes <cluster>-kubeconfig with an Entra ID token of the ASO credential's identity, which has no rights on the cluster until given a role: ` +
    'CAPZ cannot list the nodes (machine pools never get ready) and Flux hydration through that kubeconfig is refused (403); ' +
    (azureRbac ? 'give kubeconfigAccess: { principalId, subscriptionId } (an ASO RoleAssignment of AKS RBAC Cluster Admin per cluster), or ' : 'add a group containing the identity to adminGroupObjectIds and ') +
    "declare where the role comes from with kubeconfigAccess: { grantedOutside: '...' }";

  test('AksClusterClass: unset is a synth error (also without Azure RBAC); grantedOutside renders nothing; local accounts on need nothing', () => {
    const { app, repo } = setup();
    const f = (i: number) => repo.folder(`clusters/mgmt/classes${i}`);
    const at = (i: number) => CLASS.replace('classes', `classes${i}`);
    cls(f(1), { kubeconfigAccess: undefined });
    cls(f(2), { kubeconfigAccess: undefined, azureRbac: false });
    cls(f(3), { kubeconfigAccess: { grantedOutside: 'AKS RBAC Cluster Admin on the subscription (Terraform)' } });
    cls(f(4), { kubeconfigAccess: undefined, disableLocalAccounts: false });
    expect(Testing.synthProblems(app)).toEqual([missing(at(1)), missing(at(2), false)]);
    expect(Testing.errorOf(() => cls(f(5), { kubeconfigAccess: { grantedOutside: ' ' } }))).toBe(
      `${at(5)}: prop "kubeconfigAccess.grantedOutside": must say where the identity's role on the cluster comes from (e.g. "AKS RBAC Cluster Admin on the subscription, by Terraform")`,
    );
    expect(Testing.errorOf(() => cls(f(6), { kubeconfigAccess: { grantedOutside: 'x' }, disableLocalAccounts: false }))).toBe(
      `${at(6)}: prop "kubeconfigAccess": is not needed: local accounts are enabled, so CAPZ writes the admin kubeconfig (set disableLocalAccounts: true, the secure default, to use Entra ID)`,
    );
  });

  test('AksCluster: unset is a synth error unless grantKubeconfigAccess is called later', () => {
    const { app, folder } = setup();
    const props = { location: 'westeurope', kubernetesVersion: 'v1.33.2', credentialFrom: 'aso-credential', nodePools: [SYSTEM_POOL] };
    const none = new AksCluster(folder, 'none', { ...props, name: 'aks-none' });
    const later = new AksCluster(folder, 'later', { ...props, name: 'aks-later' });
    new AksCluster(folder, 'outside', { ...props, name: 'aks-outside', kubeconfigAccess: { grantedOutside: 'in admin group ops' } });
    expect(Testing.synthProblems(app).filter((p) => p.includes('"kubeconfigAccess"'))).toEqual([missing(none.node.path), missing(later.node.path)]);
    later.grantKubeconfigAccess({ principalId: PRINCIPAL, subscriptionId: SUB_A });
    expect(Testing.synthProblems(app).filter((p) => p.includes('"kubeconfigAccess"'))).toEqual([missing(none.node.path)]);
    const outside = folder.node.findChild('outside') as AksCluster;
    expect(Testing.errorOf(() => outside.grantKubeconfigAccess({ principalId: PRINCIPAL, subscriptionId: SUB_A }))).toBe(
      `${outside.node.path}: prop "kubeconfigAccess": is declared granted outside the app (grantedOutside): drop that declaration to grant it here`,
    );
  });
});

describe('the destroy guard and ASO RoleAssignments', () => {
  test('another principal for a committed assignment is refused: Azure cannot change it in place, and ASO keeps its Azure name', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ra-guard-'));
    const OTHER = '99999999-8888-4777-8666-555555555555';
    const appWith = (principalId: string) => {
      const app = new GitOpsApp({ outdir: out, printBaselineReport: false });
      const folder = new Repo(app, 'platform').folder('clusters/mgmt', { namespace: 'fleet' });
      declarePreinstalled(app, Preinstalled.CAPI_CLUSTER_TOPOLOGY, Preinstalled.capzWith(['authorization.azure.com/RoleAssignment']), Preinstalled.of('fleet', [], ['fleet']));
      new AksCluster(folder, 'aks', {
        name: 'aks-dev', location: 'westeurope', kubernetesVersion: 'v1.33.2', credentialFrom: 'aso-credential', nodePools: [SYSTEM_POOL],
        kubeconfigAccess: { principalId, subscriptionId: SUB_A },
      });
      return app;
    };
    try {
      appWith(PRINCIPAL).synth();
      const lines = (() => {
        try {
          appWith(OTHER).plan();
        } catch (e) {
          return (e as { problems?: string[] }).problems ?? [String(e)];
        }
        return [];
      })();
      expect(lines).toEqual([
        'platform/clusters--mgmt/aks/KubeconfigAccess (platform/clusters/mgmt/roleassignment-aks-dev-capz-kubeconfig-access.yaml): RoleAssignment fleet/aks-dev-capz-kubeconfig-access: ' +
          `spec.principalId: ${PRINCIPAL} → ${OTHER}: Azure refuses to change the principal, role or scope of a role assignment (RoleAssignmentUpdateNotPermitted) and ASO keeps its Azure name, derived from the object's; ` +
          'grant the new one with another RoleAssignment (another name) and remove this one',
      ]);
      // The same principal again: nothing refused.
      expect(() => appWith(PRINCIPAL).plan()).not.toThrow();
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
