// Equivalence with CAPZ's clusterctl flavors: with the same inputs (template variables substituted
// like `clusterctl generate cluster` / envsubst), the constructs produce the same objects and fields
// as the flavor, after the mechanical upgrade of the CAPI kinds to v1beta2 (below), plus only the
// differences in an explicit allow-list, each with its reason. Every allow-list entry must be used.
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { AksNodePoolMode } from '../../lib/aso/aks';
import { AksCluster, AksClusterClass, AzureClusterIdentity, SelfManagedAzureCluster, TopologyCluster } from '../../lib/capi';
import { RemovalPolicy } from '../../lib/core/removal-policy';
import { crdMirror, parseYaml } from '../validation/helpers';
import { Testing } from '../../lib/testing';
import { KObj, setup } from './fixtures';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../support/kubeconfig-access';

const TEMPLATES = 'capz/examples/cluster-api-provider-azure/templates';
const VARS: Record<string, string> = {
  CLUSTER_NAME: 'dev-aks',
  CLUSTER_CLASS_NAME: 'aks-class',
  AZURE_LOCATION: 'westeurope',
  KUBERNETES_VERSION: 'v1.33.1',
  ASO_CREDENTIAL_SECRET_NAME: 'aso-credential',
  AZURE_NODE_MACHINE_TYPE: 'Standard_D4s_v5',
  AZURE_CONTROL_PLANE_MACHINE_TYPE: 'Standard_D8s_v5',
  WORKER_MACHINE_COUNT: '2',
  CONTROL_PLANE_MACHINE_COUNT: '3',
  AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000000',
  AZURE_TENANT_ID: '11111111-1111-1111-1111-111111111111',
  AZURE_CLIENT_ID_USER_ASSIGNED_IDENTITY: '33333333-3333-3333-3333-333333333333',
  CLUSTER_IDENTITY_NAME: 'cluster-identity',
  AZURE_SSH_PUBLIC_KEY_B64: 'c3NoLXJzYSBBQUFB',
};

/** The flavor's documents with `${VAR}`, `${VAR:=default}` and `${VAR:-default}` substituted. */
function flavor(file: string, vars: Record<string, string> = VARS): KObj[] {
  let text = fs.readFileSync(path.join(crdMirror(), TEMPLATES, file), 'utf8');
  for (let i = 0; i < 3 && /\$\{/.test(text); i++) {
    text = text.replace(/\$\{([A-Za-z0-9_]+)(?::[=-]((?:[^{}]|\{[^{}]*\})*))?\}/g, (m, name: string, def?: string) => {
      const v = vars[name] ?? def;
      if (v === undefined) throw new Error(`${file}: no value for ${m}`);
      return v;
    });
  }
  return parseYaml(text) as KObj[];
}

// ---- The mechanical CAPI v1beta1 → v1beta2 upgrade (CAPI's own conversion rules) -------------

const CAPI_GROUPS = ['cluster.x-k8s.io', 'bootstrap.cluster.x-k8s.io', 'controlplane.cluster.x-k8s.io'];

function groupVersion(apiVersion: string): [string, string] {
  const i = apiVersion.lastIndexOf('/');
  return [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}

/** `{apiVersion, kind, name}` object refs become v1beta2 `{apiGroup, kind, name}` refs. */
function contractRef(ref: any): any {
  return { apiGroup: groupVersion(ref.apiVersion)[0], kind: ref.kind, name: ref.name };
}

function argsList(map: Record<string, string> | undefined): any {
  return map ? Object.entries(map).map(([name, value]) => ({ name, value: String(value) })) : undefined;
}

function dropEmptyLists(o: any): any {
  if (Array.isArray(o)) return o.map(dropEmptyLists);
  if (o && typeof o === 'object') {
    const out: any = {};
    for (const [k, v] of Object.entries(o)) {
      if (Array.isArray(v) && v.length === 0) continue; // v1beta2: lists have minItems 1 (omitempty)
      if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0 && k === 'metadata') continue;
      out[k] = dropEmptyLists(v);
    }
    return out;
  }
  return o;
}

function upgradeKubeadmSpec(s: any): any {
  const cc = s.clusterConfiguration;
  if (cc) {
    for (const c of ['apiServer', 'controllerManager', 'scheduler']) if (cc[c]?.extraArgs) cc[c].extraArgs = argsList(cc[c].extraArgs);
    if (cc.etcd?.local?.extraArgs) cc.etcd.local.extraArgs = argsList(cc.etcd.local.extraArgs);
    if (cc.apiServer?.timeoutForControlPlane) {
      const m = /^(\d+)m$/.exec(cc.apiServer.timeoutForControlPlane)!;
      delete cc.apiServer.timeoutForControlPlane;
      s.initConfiguration = { ...s.initConfiguration, timeouts: { controlPlaneComponentHealthCheckSeconds: Number(m[1]) * 60 } };
    }
  }
  for (const c of ['initConfiguration', 'joinConfiguration']) {
    const nr = s[c]?.nodeRegistration;
    if (nr?.kubeletExtraArgs) nr.kubeletExtraArgs = argsList(nr.kubeletExtraArgs);
  }
  return s;
}

function upgradeToV1beta2(o: KObj): KObj {
  const [group, version] = groupVersion(o.apiVersion);
  if (!CAPI_GROUPS.includes(group) || version !== 'v1beta1') return o;
  const u: any = JSON.parse(JSON.stringify(o));
  u.apiVersion = `${group}/v1beta2`;
  const s = u.spec;
  if (u.kind === 'Cluster') {
    if (s.controlPlaneRef) s.controlPlaneRef = contractRef(s.controlPlaneRef);
    if (s.infrastructureRef) s.infrastructureRef = contractRef(s.infrastructureRef);
    if (s.topology?.class) {
      s.topology.classRef = { name: s.topology.class };
      delete s.topology.class;
    }
  }
  if (u.kind === 'MachinePool' || u.kind === 'MachineDeployment') {
    const t = s.template.spec;
    t.infrastructureRef = contractRef(t.infrastructureRef);
    if (t.bootstrap?.configRef) t.bootstrap.configRef = contractRef(t.bootstrap.configRef);
  }
  if (u.kind === 'KubeadmControlPlane') {
    s.machineTemplate = { spec: { infrastructureRef: contractRef(s.machineTemplate.infrastructureRef) } };
    upgradeKubeadmSpec(s.kubeadmConfigSpec);
  }
  if (u.kind === 'KubeadmConfigTemplate') upgradeKubeadmSpec(s.template.spec);
  if (u.kind === 'ClusterClass') {
    const tref = (ref: any) => ({ apiVersion: ref.apiVersion.replace(/^(bootstrap\.cluster\.x-k8s\.io)\/v1beta1$/, '$1/v1beta2'), kind: ref.kind, name: ref.name });
    s.controlPlane = { templateRef: tref(s.controlPlane.ref) };
    s.infrastructure = { templateRef: tref(s.infrastructure.ref) };
    s.workers.machinePools = s.workers.machinePools.map((mp: any) => ({
      class: mp.class,
      bootstrap: { templateRef: tref(mp.template.bootstrap.ref) },
      infrastructure: { templateRef: tref(mp.template.infrastructure.ref) },
    }));
  }
  return dropEmptyLists(u);
}

// ---- Structured diff with an allow-list ----------------------------------------------------

interface Difference {
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly expected?: unknown;
  readonly actual?: unknown;
}

function diff(expected: unknown, actual: unknown, at: string, out: Difference[]): Difference[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(expected) && isObj(actual)) {
    for (const k of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      const p = `${at}.${k}`;
      if (!(k in actual)) out.push({ path: p, kind: 'removed', expected: expected[k] });
      else if (!(k in expected)) out.push({ path: p, kind: 'added', actual: actual[k] });
      else diff(expected[k], actual[k], p, out);
    }
  } else if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    expected.forEach((e, i) => diff(e, actual[i], `${at}[${i}]`, out));
  } else if (JSON.stringify(expected) !== JSON.stringify(actual)) {
    out.push({ path: at, kind: 'changed', expected, actual });
  }
  return out;
}

interface Allowed {
  /** `Kind/name:field.path` of the difference (a RegExp for several objects). */
  readonly path: string | RegExp;
  readonly kind: Difference['kind'];
  /** Why: the documented secure default or upgrade this difference comes from. */
  readonly reason: string;
}

/** Compares generated objects with a flavor's; returns the differences not in the allow-list and the unused allow-list entries. */
function compare(expectedObjs: KObj[], actualObjs: KObj[], allowed: Allowed[]) {
  const key = (o: KObj) => `${o.kind}/${o.metadata.name}`;
  const differences: Difference[] = [];
  const actualByKey = new Map(actualObjs.map((o) => [key(o), o]));
  for (const e of expectedObjs) {
    const a = actualByKey.get(key(e));
    if (!a) differences.push({ path: key(e), kind: 'removed' });
    else diff(e, a, key(e) + ':', differences);
    actualByKey.delete(key(e));
  }
  for (const k of actualByKey.keys()) differences.push({ path: k, kind: 'added' });
  const used = new Set<Allowed>();
  const unexpected = differences
    .map((d) => ({ ...d, path: d.path.replace(':.', ':') }))
    .filter((d) => {
      const rule = allowed.find((r) => r.kind === d.kind && (typeof r.path === 'string' ? r.path === d.path : r.path.test(d.path)));
      if (rule) used.add(rule);
      return !rule;
    });
  return { unexpected, unused: allowed.filter((r) => !used.has(r)).map((r) => `${r.kind} ${String(r.path)}`) };
}

const RETAIN = 'RemovalPolicy.RETAIN (default): Flux does not prune the objects whose deletion deletes the cluster';
const ASO_RETAIN = 'RemovalPolicy.RETAIN (default): ASO reconcile-policy detach-on-delete on the embedded ResourceGroup/ManagedCluster (CAPZ applies embedded annotations as written)';
const POOL_RETAIN = 'RemovalPolicy.RETAIN (default) covers the node pools: Flux does not prune MachinePool/AzureASOManagedMachinePool, the embedded agent pool detaches on delete';
const ASO_VERSION = 'ASO ManagedCluster/ManagedClustersAgentPool are pinned to v1api20250801 (the flavor uses v1api20240901; same fields)';
const SECURE = 'documented secure default of the typed AKS model';

const AKS_SECURE_DEFAULTS: Allowed[] = [
  ...['aadProfile', 'addonProfiles', 'autoUpgradeProfile', 'disableLocalAccounts', 'oidcIssuerProfile', 'securityProfile'].map((f) => ({
    path: `AzureASOManagedControlPlane/dev-aks:spec.resources[0].spec.${f}`, kind: 'added' as const, reason: SECURE,
  })),
  { path: 'AzureASOManagedControlPlane/dev-aks:spec.resources[0].spec.operatorSpec', kind: 'added', reason: 'disableLocalAccounts: ASO must export userCredentials to <name>-user-kubeconfig (CAPZ docs, "Disable Local Accounts")' },
  ...['networkPluginMode', 'networkDataplane', 'networkPolicy'].map((f) => ({
    path: `AzureASOManagedControlPlane/dev-aks:spec.resources[0].spec.networkProfile.${f}`, kind: 'added' as const, reason: 'network default: Azure CNI overlay + Cilium dataplane and policy',
  })),
];

describe('equivalence with CAPZ clusterctl flavors', () => {
  test('the comparison reports every field difference not allow-listed, and unused allow-list entries', () => {
    const expected = flavor('cluster-template-aks-aso.yaml').map(upgradeToV1beta2);
    const actual = JSON.parse(JSON.stringify(expected));
    actual[0].spec.paused = true;
    actual[1].spec.resources[0].spec.location = 'northeurope';
    delete actual[2].spec.resources[0].spec.location;
    expect(compare(expected, actual, [{ path: 'Cluster/dev-aks:spec.paused', kind: 'changed', reason: 'not this one' }])).toEqual({
      unexpected: [
        { path: 'Cluster/dev-aks:spec.paused', kind: 'added', actual: true },
        { path: 'AzureASOManagedControlPlane/dev-aks:spec.resources[0].spec.location', kind: 'changed', expected: 'westeurope', actual: 'northeurope' },
        { path: 'AzureASOManagedCluster/dev-aks:spec.resources[0].spec.location', kind: 'removed', expected: 'westeurope' },
      ],
      unused: ['changed Cluster/dev-aks:spec.paused'],
    });
  });

  test('AksCluster ≡ cluster-template-aks-aso.yaml + documented secure defaults + v1beta2', () => {
    const { app, folder } = setup();
    new AksCluster(folder, 'aks', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
      name: VARS.CLUSTER_NAME,
      namespace: 'default',
      location: VARS.AZURE_LOCATION,
      kubernetesVersion: VARS.KUBERNETES_VERSION,
      credentialFrom: VARS.ASO_CREDENTIAL_SECRET_NAME,
      apiServerAccess: undefined,
      nodePools: [
        { name: 'pool0', mode: AksNodePoolMode.SYSTEM, vmSize: VARS.AZURE_NODE_MACHINE_TYPE, count: 2 },
        { name: 'pool1', mode: AksNodePoolMode.USER, vmSize: VARS.AZURE_NODE_MACHINE_TYPE, count: 2 },
      ],
    });
    const expected = flavor('cluster-template-aks-aso.yaml').map(upgradeToV1beta2);
    const result = compare(expected, Testing.objects(app), [
      ...['Cluster', 'AzureASOManagedCluster', 'AzureASOManagedControlPlane'].map((k) => ({ path: `${k}/dev-aks:metadata.annotations`, kind: 'added' as const, reason: RETAIN })),
      ...['AzureASOManagedCluster', 'AzureASOManagedControlPlane'].map((k) => ({
        path: `${k}/dev-aks:spec.resources[0].metadata.annotations.serviceoperator.azure.com/reconcile-policy`, kind: 'added' as const, reason: ASO_RETAIN,
      })),
      { path: 'AzureASOManagedControlPlane/dev-aks:spec.resources[0].apiVersion', kind: 'changed', reason: ASO_VERSION },
      { path: /^AzureASOManagedMachinePool\/dev-aks-pool[01]:spec\.resources\[0\]\.apiVersion$/, kind: 'changed', reason: ASO_VERSION },
      { path: /^(MachinePool|AzureASOManagedMachinePool)\/dev-aks-pool[01]:metadata\.annotations$/, kind: 'added', reason: POOL_RETAIN },
      { path: /^AzureASOManagedMachinePool\/dev-aks-pool[01]:spec\.resources\[0\]\.metadata\.annotations\.serviceoperator\.azure\.com\/reconcile-policy$/, kind: 'added', reason: POOL_RETAIN },
      ...AKS_SECURE_DEFAULTS,
    ]);
    expect(result).toEqual({ unexpected: [], unused: [] });
  });

  test('AksCluster with RemovalPolicy.DESTROY and the secure defaults off ≡ the flavor up to v1beta2 and the ASO version', () => {
    const { app, folder } = setup();
    new AksCluster(folder, 'aks', {
      name: VARS.CLUSTER_NAME, namespace: 'default', location: VARS.AZURE_LOCATION, kubernetesVersion: VARS.KUBERNETES_VERSION,
      credentialFrom: VARS.ASO_CREDENTIAL_SECRET_NAME, removalPolicy: RemovalPolicy.DESTROY,
      entraId: false, disableLocalAccounts: false, oidcIssuer: false, workloadIdentity: false, azurePolicy: false,
      network: { overlay: false, dataplane: undefined },
      nodePools: [
        { name: 'pool0', mode: AksNodePoolMode.SYSTEM, vmSize: VARS.AZURE_NODE_MACHINE_TYPE, count: 2 },
        { name: 'pool1', vmSize: VARS.AZURE_NODE_MACHINE_TYPE, count: 2 },
      ],
    });
    const result = compare(flavor('cluster-template-aks-aso.yaml').map(upgradeToV1beta2), Testing.objects(app), [
      { path: 'AzureASOManagedControlPlane/dev-aks:spec.resources[0].apiVersion', kind: 'changed', reason: ASO_VERSION },
      { path: /^AzureASOManagedMachinePool\/dev-aks-pool[01]:spec\.resources\[0\]\.apiVersion$/, kind: 'changed', reason: ASO_VERSION },
      { path: 'AzureASOManagedControlPlane/dev-aks:spec.resources[0].spec.autoUpgradeProfile', kind: 'added', reason: 'node OS upgrades on (NodeImage); Kubernetes auto-upgrade none because CAPZ pins spec.version (one owner of the version)' },
      ...['networkDataplane', 'networkPolicy'].map((f) => ({
        path: `AzureASOManagedControlPlane/dev-aks:spec.resources[0].spec.networkProfile.${f}`, kind: 'added' as const, reason: 'Cilium is the default dataplane with the azure plugin',
      })),
    ]);
    expect(result).toEqual({ unexpected: [], unused: [] });
  });

  test('SelfManagedAzureCluster + AzureClusterIdentity ≡ cluster-template.yaml (default flavor) + v1beta2', () => {
    const { app, folder } = setup();
    const identity = new AzureClusterIdentity(folder, 'identity', {
      name: VARS.CLUSTER_IDENTITY_NAME, namespace: 'default', clientId: VARS.AZURE_CLIENT_ID_USER_ASSIGNED_IDENTITY, tenantId: VARS.AZURE_TENANT_ID,
      allowedNamespaces: { all: true },
    });
    new SelfManagedAzureCluster(folder, 'cluster', {
      name: VARS.CLUSTER_NAME, namespace: 'default', location: VARS.AZURE_LOCATION, kubernetesVersion: VARS.KUBERNETES_VERSION,
      subscriptionId: VARS.AZURE_SUBSCRIPTION_ID, identity, sshPublicKey: VARS.AZURE_SSH_PUBLIC_KEY_B64,
      controlPlane: {
        count: 3, vmSize: VARS.AZURE_CONTROL_PLANE_MACHINE_TYPE,
        userAssignedIdentityProviderId: `azure:///subscriptions/${VARS.AZURE_SUBSCRIPTION_ID}/resourceGroups/capz-ci/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cloud-provider-user-identity`,
      },
      machineDeployments: [{ name: 'md-0', vmSize: VARS.AZURE_NODE_MACHINE_TYPE, count: 2 }],
    });
    // The library names machine templates after their content (`<name>-<hash>`, a change is a new
    // template, as CAPZ's webhook requires), and so the Secrets CAPZ writes for them: compared by
    // the flavor's names.
    const byFlavorName = JSON.parse(JSON.stringify(Testing.objects(app)).replace(/(dev-aks-(?:control-plane|md-0))-[0-9a-f]{8}\b/g, '$1'));
    const result = compare(flavor('cluster-template.yaml').map(upgradeToV1beta2), byFlavorName, [
      ...['Cluster/dev-aks', 'AzureCluster/dev-aks', 'KubeadmControlPlane/dev-aks-control-plane', 'MachineDeployment/dev-aks-md-0'].map((k) => ({ path: `${k}:metadata.annotations`, kind: 'added' as const, reason: RETAIN })),
      { path: 'MachineDeployment/dev-aks-md-0:spec.selector.matchLabels', kind: 'changed', reason: 'v1beta2: explicit selector (the labels CAPI defaults) instead of matchLabels: null' },
      { path: 'MachineDeployment/dev-aks-md-0:spec.template.metadata', kind: 'added', reason: 'v1beta2: template labels matching the explicit selector' },
    ]);
    expect(result).toEqual({ unexpected: [], unused: [] });
  });

  test('TopologyCluster ≡ cluster-template-aks-aso-topology.yaml + v1beta2', () => {
    const { app, folder } = setup();
    new AksClusterClass(folder, 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
      name: VARS.CLUSTER_CLASS_NAME, namespace: 'default', location: VARS.AZURE_LOCATION,
      machinePoolClasses: [
        { class: 'default-system', pool: { name: 'pool0', mode: AksNodePoolMode.SYSTEM, vmSize: VARS.AZURE_NODE_MACHINE_TYPE } },
        { class: 'default-worker', pool: { name: 'pool1', vmSize: VARS.AZURE_NODE_MACHINE_TYPE } },
      ],
    });
    new TopologyCluster(folder, 'cluster', {
      name: VARS.CLUSTER_NAME, namespace: 'default', clusterClass: { name: VARS.CLUSTER_CLASS_NAME }, kubernetesVersion: VARS.KUBERNETES_VERSION,
      machinePools: [{ class: 'default-system', name: 'mp-0', replicas: 1 }, { class: 'default-worker', name: 'mp-1', replicas: 1 }],
    });
    const actual = Testing.objects(app).filter((o) => o.kind === 'Cluster');
    const result = compare(flavor('cluster-template-aks-aso-topology.yaml').map(upgradeToV1beta2), actual, [
      { path: 'Cluster/dev-aks:metadata.annotations', kind: 'added', reason: RETAIN },
    ]);
    expect(result).toEqual({ unexpected: [], unused: [] });
  });

  test('AksClusterClass ≡ cluster-template-aks-aso-clusterclass.yaml (patch templates rendered) + secure defaults + v1beta2', () => {
    const vars = { ...VARS, CLUSTER_NAME: VARS.CLUSTER_CLASS_NAME };
    const { app, folder } = setup();
    new AksClusterClass(folder, 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
      name: VARS.CLUSTER_CLASS_NAME, namespace: 'default', location: VARS.AZURE_LOCATION, credentialFrom: VARS.ASO_CREDENTIAL_SECRET_NAME,
      machinePoolClasses: [
        { class: 'default-system', pool: { name: 'pool0', mode: AksNodePoolMode.SYSTEM, vmSize: VARS.AZURE_NODE_MACHINE_TYPE } },
        { class: 'default-worker', pool: { name: 'pool1', vmSize: VARS.AZURE_NODE_MACHINE_TYPE } },
      ],
    });
    // Render the Go templates of the patches for one cluster, so both sides compare as objects.
    const render = (objs: KObj[]) => objs.map((o) => {
      if (o.kind !== 'ClusterClass') return o;
      const c = JSON.parse(JSON.stringify(o));
      for (const p of c.spec.patches) {
        for (const d of p.definitions) {
          for (const j of d.jsonPatches) {
            const text = j.valueFrom.template
              .replace(/\{\{ \.builtin\.cluster\.name \}\}/g, 'dev-aks')
              .replace(/\{\{ \.location \}\}/g, VARS.AZURE_LOCATION)
              .replace(/\{\{ \.builtin\.controlPlane\.version \}\}/g, VARS.KUBERNETES_VERSION);
            j.valueFrom = { template: parse(text) };
          }
        }
      }
      return c;
    });
    const mc = (i: number) => `ClusterClass/aks-class:spec.patches[1].definitions[0].jsonPatches[0].valueFrom.template.resources[0]${i >= 0 ? '' : ''}`;
    const result = compare(render(flavor('cluster-template-aks-aso-clusterclass.yaml', vars).map(upgradeToV1beta2)), render(Testing.objects(app)), [
      { path: 'ClusterClass/aks-class:spec.variables', kind: 'added', reason: 'the location is a ClusterClass variable (default: props.location) instead of an envsubst value' },
      { path: /^KubeadmConfigTemplate\/aks-class-pool[01]:spec\.template\.spec\.format$/, kind: 'added', reason: 'v1beta2: a KubeadmConfigTemplate spec must not be empty (cloud-config is the default format)' },
      { path: `${mc(0)}.apiVersion`, kind: 'changed', reason: ASO_VERSION },
      { path: /^ClusterClass\/aks-class:spec\.patches\[[23]\]\.definitions\[0\]\.jsonPatches\[0\]\.valueFrom\.template\.resources\[0\]\.apiVersion$/, kind: 'changed', reason: ASO_VERSION },
      ...[0, 1, 2, 3].map((i) => ({
        path: `ClusterClass/aks-class:spec.patches[${i}].definitions[0].jsonPatches[0].valueFrom.template.resources[0].metadata.annotations.serviceoperator.azure.com/reconcile-policy`,
        kind: 'added' as const, reason: i < 2 ? ASO_RETAIN : POOL_RETAIN,
      })),
      ...AKS_SECURE_DEFAULTS.map((a) => ({ ...a, path: (a.path as string).replace('AzureASOManagedControlPlane/dev-aks:spec.resources[0]', mc(0)) })),
    ]);
    expect(result).toEqual({ unexpected: [], unused: [] });
  });
});
