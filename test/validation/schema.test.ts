// Schema failures (unknown fields, enums, RE2 patterns), CEL rules of the upstream CRDs, and embedded
// objects — exact issue lines.
import { ValidationError, Validator } from '../../lib/core/validation';
import { SchemaRegistry } from '../../lib/core/validation/registry';
import { ajvInstance, compileJsonSchema, mapAjvErrors, shareRepeatedSubschemas, toJsonSchema } from '../../lib/core/validation/schema';
import { clone, exampleDocs, messages, registryFromCrds, TEMPLATE_VARS } from './helpers';

const ARM_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes';
const ARM_PATTERN =
  '(?i)(^(/subscriptions/([^/]+)(/resourcegroups/([^/]+))?)?/providers/([^/]+)/([^/]+/[^/]+)(/([^/]+/[^/]+))*$|^/subscriptions/([^/]+)(/resourcegroups/([^/]+))?$)';

describe('Flux', () => {
  let v: Validator;
  let release: any;
  let kustomization: any;
  beforeAll(() => {
    v = new Validator({
      registry: registryFromCrds('flux/helm.toolkit.fluxcd.io_helmreleases.yaml', 'flux/kustomize.toolkit.fluxcd.io_kustomizations.yaml'),
    });
    [release] = exampleDocs('flux/examples/helm-controller/config/samples/helm_v2_helmrelease_helmrepository.yaml');
    [kustomization] = exampleDocs('flux/examples/kustomize-controller/config/samples/kustomize_v1_kustomization.yaml');
  });

  test('the samples are valid', () => {
    expect(v.validate([{ obj: release, path: 'app/podinfo/Release' }, { obj: kustomization, path: 'app/webapp/Ks' }])).toEqual([]);
  });

  test('a misspelt field', () => {
    const k = clone(kustomization);
    k.spec.intervall = k.spec.interval;
    delete k.spec.interval;
    expect(messages(v.validate([{ obj: k, path: 'app/webapp/Ks' }]))).toEqual([
      'app/webapp/Ks: Kustomization/webapp-dev: spec.interval: required field missing: "interval"',
      'app/webapp/Ks: Kustomization/webapp-dev: spec.intervall: unknown field "intervall"',
    ]);
  });

  test('a wrong enum value and a pattern violation (Go duration pattern)', () => {
    const k = clone(kustomization);
    k.spec.sourceRef.kind = 'GitRepo';
    k.spec.timeout = '2 minutes';
    expect(messages(v.validate([{ obj: k, path: 'app/webapp/Ks' }]))).toEqual([
      'app/webapp/Ks: Kustomization/webapp-dev: spec.sourceRef.kind: must be one of: "OCIRepository", "GitRepository", "Bucket", "ExternalArtifact"',
      'app/webapp/Ks: Kustomization/webapp-dev: spec.timeout: does not match pattern "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"',
    ]);
  });

  test('CEL: HelmRelease with both chart and chartRef', () => {
    const r = clone(release);
    r.spec.chartRef = { kind: 'OCIRepository', name: 'podinfo' };
    expect(messages(v.validate([{ obj: r, path: 'app/podinfo/Release' }]))).toEqual([
      'app/podinfo/Release: HelmRelease/podinfo-helmrepository: spec: failed rule: either chart or chartRef must be set',
    ]);
    delete r.spec.chart;
    expect(v.validate([{ obj: r, path: 'app/podinfo/Release' }])).toEqual([]);
  });

  test('CEL: Kustomization kubeConfig needs exactly one of configMapRef / secretRef', () => {
    const k = clone(kustomization);
    k.spec.kubeConfig = { configMapRef: { name: 'a' }, secretRef: { name: 'b' } };
    const issues = v.validate([{ obj: k, path: 'app/webapp/Ks' }]);
    expect(messages(issues)).toEqual([
      'app/webapp/Ks: Kustomization/webapp-dev: spec.kubeConfig: failed rule: exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified',
    ]);
    expect(issues[0].rule).toBe('!has(self.configMapRef) || !has(self.secretRef)');
    k.spec.kubeConfig = { secretRef: { name: 'b' } };
    expect(v.validate([{ obj: k, path: 'app/webapp/Ks' }])).toEqual([]);
  });

  test('all issues of all objects at once, sorted, in a ValidationError', () => {
    const a = clone(release);
    a.spec.chartRef = { kind: 'OCIRepository', name: 'podinfo' };
    const b = clone(kustomization);
    b.spec.prune = 'yes';
    b.metadata.namespace = 'Flux_System';
    let err: unknown;
    try {
      v.assertValid([
        { obj: b, path: 'app/z/Ks' },
        { obj: a, path: 'app/a/Release' },
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toHaveLength(3);
    expect((err as ValidationError).message).toBe(
      [
        'app/a/Release: HelmRelease/podinfo-helmrepository: spec: failed rule: either chart or chartRef must be set',
        `app/z/Ks: Kustomization/Flux_System/webapp-dev: metadata.namespace: must be a lowercase RFC 1123 label: lowercase alphanumerics and '-', starting and ending with an alphanumeric (got "Flux_System")`,
        'app/z/Ks: Kustomization/Flux_System/webapp-dev: spec.prune: must be of type boolean, got string',
      ].join('\n'),
    );
  });

  test('validation can be switched off', () => {
    const r = clone(release);
    r.spec.bogus = true;
    const off = new Validator({ enabled: false });
    expect(off.validate([{ obj: r }])).toEqual([]);
    expect(() => off.assertValid([{ obj: r }])).not.toThrow();
  });
});

describe('CAPI', () => {
  let v: Validator;
  let docs: any[];
  beforeAll(() => {
    v = new Validator({
      registry: registryFromCrds('capi/cluster.x-k8s.io_clusters.yaml', 'capi/bootstrap.cluster.x-k8s.io_kubeadmconfigtemplates.yaml'),
    });
    docs = exampleDocs('capi/examples/cluster-api/test/infrastructure/docker/templates/clusterclass-quick-start.yaml', TEMPLATE_VARS);
  });

  test('CEL on a list item: a reserved condition type in unhealthyMachineConditions', () => {
    const [cluster] = exampleDocs('capi/examples/cluster-api/test/infrastructure/docker/templates/cluster-template-development.yaml', TEMPLATE_VARS) as any[];
    cluster.spec.topology.controlPlane.healthCheck = {
      checks: {
        unhealthyMachineConditions: [
          { type: 'EtcdHealthy', status: 'False', timeoutSeconds: 300 },
          { type: 'Ready', status: 'False', timeoutSeconds: 300 },
        ],
      },
    };
    expect(messages(v.validate([{ obj: cluster, path: 'fleet/dev/Cluster' }]))).toEqual([
      'fleet/dev/Cluster: Cluster/fleet/dev-aks: spec.topology.controlPlane.healthCheck.checks.unhealthyMachineConditions[1].type: failed rule: type must not be one of: Ready, Available, HealthCheckSucceeded, OwnerRemediated, ExternallyRemediated',
    ]);
  });

  test('CEL with an int comparison: partitions need exactly one of layout / diskLayout (size() == 1)', () => {
    const tpl = clone(docs.find((d) => d.kind === 'KubeadmConfigTemplate'));
    tpl.spec.template.spec.diskSetup = {
      partitions: [
        { device: '/dev/sdb', layout: true },
        { device: '/dev/sdc', layout: true, diskLayout: [{ percentage: 100, partitionType: 'Linux' }] },
        { device: '/dev/sdd' },
      ],
    };
    expect(messages(v.validate([{ obj: tpl, path: 'fleet/class/Bootstrap' }]))).toEqual([
      'fleet/class/Bootstrap: KubeadmConfigTemplate/quick-start-default-worker-bootstraptemplate: spec.template.spec.diskSetup.partitions[1]: failed rule: exactly one of the fields in [layout diskLayout] must be set',
      'fleet/class/Bootstrap: KubeadmConfigTemplate/quick-start-default-worker-bootstraptemplate: spec.template.spec.diskSetup.partitions[2]: failed rule: exactly one of the fields in [layout diskLayout] must be set',
    ]);
  });

  test('CEL matches() (RE2) and exists_one uniqueness rules', () => {
    const tpl = clone(docs.find((d) => d.kind === 'KubeadmConfigTemplate'));
    tpl.spec.template.spec.diskSetup = {
      partitions: [{ device: '/dev/sdb', diskLayout: [{ percentage: 100, partitionType: 'ext4' }] }],
    };
    tpl.spec.template.spec.joinConfiguration.nodeRegistration.kubeletExtraArgs = [
      { name: 'v', value: '1' },
      { name: 'v', value: '2' },
    ];
    expect(messages(v.validate([{ obj: tpl, path: 'fleet/class/Bootstrap' }]))).toEqual([
      'fleet/class/Bootstrap: KubeadmConfigTemplate/quick-start-default-worker-bootstraptemplate: spec.template.spec.diskSetup.partitions[0].diskLayout[0].partitionType: failed rule: partitionType must be one of Linux, LinuxSwap, LinuxRAID, LVM, Fat32, NTFS, LinuxExtended or a full GPT partition GUID',
      'fleet/class/Bootstrap: KubeadmConfigTemplate/quick-start-default-worker-bootstraptemplate: spec.template.spec.joinConfiguration.nodeRegistration.kubeletExtraArgs: failed rule: kubeletExtraArgs name must be unique',
    ]);
  });
});

describe('ASO and CAPZ (embedded ASO resources)', () => {
  let v: Validator;
  let template: any[];
  let managedCluster: any;
  beforeAll(() => {
    v = new Validator({
      registry: registryFromCrds(
        'capz/infrastructure.cluster.x-k8s.io_azureasomanagedclusters.yaml',
        'capz/infrastructure.cluster.x-k8s.io_azureasomanagedcontrolplanes.yaml',
        'capz/infrastructure.cluster.x-k8s.io_azureasomanagedmachinepools.yaml',
        'aso/containerservice.azure.com_managedclusters.yaml',
        'aso/resources.azure.com_resourcegroups.yaml',
      ),
    });
    template = exampleDocs('capz/examples/cluster-api-provider-azure/templates/cluster-template-aks-aso.yaml', TEMPLATE_VARS);
    [managedCluster] = exampleDocs('aso/examples/azure-service-operator/v2/samples/containerservice/v1api20240901/v1api20240901_managedcluster.yaml');
  });

  test('RE2 patterns: ASO (?i) ARM ID pattern is case-insensitive; violations name the pattern', () => {
    const mc = clone(managedCluster);
    mc.spec.agentPoolProfiles[0].vnetSubnetReference = { armId: ARM_ID.toUpperCase() };
    mc.spec.agentPoolProfiles.push({ name: 'user', count: 1, vmSize: 'Standard_DS2_v2', mode: 'User', vnetSubnetReference: { armId: ARM_ID } });
    expect(v.validate([{ obj: mc, path: 'aso/MC' }])).toEqual([]);

    mc.spec.agentPoolProfiles[1].vnetSubnetReference.armId = 'subnets/nodes';
    mc.spec.agentPoolProfiles[1].name = 'UserPool';
    expect(messages(v.validate([{ obj: mc, path: 'aso/MC' }]))).toEqual([
      'aso/MC: ManagedCluster/default/sample-managedcluster-20240901: spec.agentPoolProfiles[1].name: does not match pattern "^[a-z][a-z0-9]{0,11}$"',
      `aso/MC: ManagedCluster/default/sample-managedcluster-20240901: spec.agentPoolProfiles[1].vnetSubnetReference.armId: does not match pattern "${ARM_PATTERN}"`,
    ]);
  });

  test('an invalid embedded resource in AzureASOManagedControlPlane spec.resources', () => {
    const docs = clone(template);
    const cp = docs.find((d) => d.kind === 'AzureASOManagedControlPlane');
    const mc = cp.spec.resources[0];
    mc.spec.identity.type = 'Systemassigned';
    mc.spec.locaton = mc.spec.location;
    delete mc.spec.location;
    mc.spec.agentPoolProfiles = [{ name: 'pool0', mode: 'System', count: '3' }];
    cp.spec.resources.push({ kind: 'ResourceGroup', metadata: { name: 'x' } });
    expect(messages(v.validate([{ obj: cp, path: 'fleet/dev-aks/ControlPlane' }]))).toEqual([
      'fleet/dev-aks/ControlPlane: AzureASOManagedControlPlane/default/dev-aks: spec.resources[0].spec.agentPoolProfiles[0].count: must be of type integer, got string',
      'fleet/dev-aks/ControlPlane: AzureASOManagedControlPlane/default/dev-aks: spec.resources[0].spec.identity.type: must be one of: "None", "SystemAssigned", "UserAssigned"',
      'fleet/dev-aks/ControlPlane: AzureASOManagedControlPlane/default/dev-aks: spec.resources[0].spec.location: required field missing: "location"',
      'fleet/dev-aks/ControlPlane: AzureASOManagedControlPlane/default/dev-aks: spec.resources[0].spec.locaton: unknown field "locaton"',
      'fleet/dev-aks/ControlPlane: AzureASOManagedControlPlane/default/dev-aks: spec.resources[1].apiVersion: required field missing: "apiVersion"',
    ]);
  });

  test('embedded objects get metadata rules too, and kinds without a schema only those', () => {
    const docs = clone(template);
    const ac = docs.find((d) => d.kind === 'AzureASOManagedCluster');
    ac.spec.resources[0].metadata.name = 'Dev_RG';
    ac.spec.resources.push({ apiVersion: 'network.azure.com/v1api20240301', kind: 'VirtualNetwork', metadata: { name: 'vnet', labelz: {} }, spec: { anything: 1 } });
    expect(messages(v.validate([{ obj: ac, path: 'fleet/dev-aks/Cluster' }]))).toEqual([
      `fleet/dev-aks/Cluster: AzureASOManagedCluster/default/dev-aks: spec.resources[0].metadata.name: must be a lowercase RFC 1123 subdomain: lowercase alphanumerics, '-' and '.', starting and ending with an alphanumeric (got "Dev_RG")`,
      'fleet/dev-aks/Cluster: AzureASOManagedCluster/default/dev-aks: spec.resources[1].metadata.labelz: unknown field "labelz"',
    ]);
  });
});

describe('Crossplane composition resource bases (pt.fn.crossplane.io Resources input)', () => {
  let v: Validator;
  let composition: any;
  beforeAll(() => {
    v = new Validator({
      registry: registryFromCrds(
        'crossplane/apiextensions.crossplane.io_compositions.yaml',
        'crossplane/pt.fn.crossplane.io_resources.yaml',
        'crossplane/azure.upbound.io_resourcegroups.yaml',
      ),
    });
    [composition] = exampleDocs('crossplane/examples/function-patch-and-transform/example/composition.yaml');
  });

  test('bases are validated with their own schema, as partial objects', () => {
    const c = clone(composition);
    const input = c.spec.pipeline[0].input;
    // Partial base: no forProvider.location (it is patched in later) is fine; a misspelt field is not.
    input.resources.push({ name: 'rg', base: { apiVersion: 'azure.upbound.io/v1beta1', kind: 'ResourceGroup', spec: { forProvider: { tags: { a: 'b' } } } } });
    expect(v.validate([{ obj: c, path: 'platform/Composition' }])).toEqual([]);

    input.resources[1].base.spec.forProvider.locaton = 'westeurope';
    input.resources[1].patches = [{ type: 'FromCompositeFieldPat', fromFieldPath: 'spec.location', toFieldPath: 'spec.forProvider.location' }];
    c.metadata.namespace = 'crossplane-system';
    expect(messages(v.validate([{ obj: c, path: 'platform/Composition' }]))).toEqual([
      'platform/Composition: Composition/crossplane-system/function-patch-and-transform: metadata.namespace: must not be set: Composition is cluster-scoped',
      'platform/Composition: Composition/crossplane-system/function-patch-and-transform: spec.pipeline[0].input.resources[1].base.spec.forProvider.locaton: unknown field "locaton"',
      'platform/Composition: Composition/crossplane-system/function-patch-and-transform: spec.pipeline[0].input.resources[1].patches[0].type: must be one of: "FromCompositeFieldPath", "PatchSet", "ToCompositeFieldPath", "CombineFromComposite", "CombineToComposite", "FromEnvironmentFieldPath", "ToEnvironmentFieldPath", "CombineFromEnvironment", "CombineToEnvironment"',
    ]);
  });
});

describe('Crossplane CEL: duration() comparisons and rules that rely on schema defaults', () => {
  let v: Validator;
  let providerConfig: any;
  beforeAll(() => {
    v = new Validator({ registry: registryFromCrds('crossplane/azure.upbound.io_providerconfigs.yaml', 'crossplane/azure.upbound.io_resourcegroups.yaml') });
    providerConfig = exampleDocs('crossplane/examples/provider-upjet-azure/examples/azure/cluster/v1beta1/providerconfig.yaml')[1];
  });

  test('Go-style durations', () => {
    const pc = clone(providerConfig);
    pc.spec.reconciliationPolicy = { exponentialFailureRateLimiter: { baseDelay: '500ms', maxDelay: '1m30s' } };
    expect(messages(v.validate([{ obj: pc, path: 'crossplane/ProviderConfig' }]))).toEqual([
      'crossplane/ProviderConfig: ProviderConfig/default: spec.reconciliationPolicy.exponentialFailureRateLimiter.baseDelay: failed rule: baseDelay must be at least 1s',
    ]);
    pc.spec.reconciliationPolicy = { exponentialFailureRateLimiter: { baseDelay: '2m' } };
    expect(messages(v.validate([{ obj: pc, path: 'crossplane/ProviderConfig' }]))).toEqual([
      'crossplane/ProviderConfig: ProviderConfig/default: spec.reconciliationPolicy: failed rule: when maxDelay is omitted it defaults to 60s; baseDelay must be <= 60s',
    ]);
  });

  test('managementPolicies defaults to ["*"], so forProvider.location is required', () => {
    const rg = { apiVersion: 'azure.upbound.io/v1beta1', kind: 'ResourceGroup', metadata: { name: 'rg' }, spec: { forProvider: { tags: { team: 'platform' } } } };
    expect(messages(v.validate([{ obj: rg, path: 'crossplane/RG' }]))).toEqual([
      'crossplane/RG: ResourceGroup/rg: spec: failed rule: spec.forProvider.location is a required parameter',
    ]);
    expect(v.validate([{ obj: { ...rg, spec: { forProvider: { location: 'westeurope' } } }, path: 'crossplane/RG' }])).toEqual([]);
    expect(v.validate([{ obj: { ...rg, spec: { managementPolicies: ['Observe'], forProvider: {} } }, path: 'crossplane/RG' }])).toEqual([]);
  });
});

describe('repeated subschemas are compiled once (shared), with the same findings', () => {
  // The findings of a schema compiled as is and compiled with its repeated subschemas shared.
  const findingsBoth = (jsonSchema: Record<string, unknown>, docs: unknown[]) => {
    const plain = ajvInstance().compile(jsonSchema);
    const shared = compileJsonSchema(jsonSchema);
    return docs.map((d) => {
      plain(d);
      shared(d);
      return [mapAjvErrors(plain.errors ?? [], d), mapAjvErrors(shared.errors ?? [], d)];
    });
  };

  test('a synthetic schema: errors inside shared subschemas, and inside junctor branches (left inline)', () => {
    const container = {
      type: 'object', required: ['name'],
      properties: {
        name: { type: 'string', pattern: '^[a-z]+$', maxLength: 20 },
        ports: { type: 'array', items: { type: 'object', required: ['port'], properties: { port: { type: 'integer', minimum: 1 }, protocol: { type: 'string', enum: ['TCP', 'UDP'] } } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port'] },
        env: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string' }, zone: { type: 'string', enum: Array.from({ length: 100 }, (_, i) => `zone-${i}`) } } } },
      },
    };
    const root = toJsonSchema({
      type: 'object',
      properties: {
        apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' },
        containers: { type: 'array', items: container }, initContainers: { type: 'array', items: container },
        either: { anyOf: [container, { type: 'object', properties: { image: { type: 'string' } }, required: ['image'] }] },
      },
    }, { root: true });
    const shared = shareRepeatedSubschemas(root);
    expect(shared.properties.containers.$ref).toMatch(/^#\/definitions\/shared\d+$/);
    expect(shared.properties.initContainers).toEqual(shared.properties.containers);
    expect(JSON.stringify(shared.properties.either)).toBe(JSON.stringify(root.properties.either)); // a junctor branch: inline
    expect(root.definitions).toBeUndefined(); // the input is unchanged
    const docs = [
      { containers: [{ name: 'ok', ports: [{ port: 80 }] }] },
      { containers: [{ name: 'Bad_Name', ports: [{ port: 0, protocol: 'SCTP' }, { port: 0 }], extra: 1 }], initContainers: [{ ports: [{}] }] },
      { containers: [{ name: 'a'.repeat(30), env: [{ name: 1 }] }], either: { name: 'x', ports: 'no' } },
      { either: { image: 'nginx' } },
    ];
    const results = findingsBoth(root, docs);
    for (const [plain, sharedFindings] of results) expect(sharedFindings).toEqual(plain);
    expect(results.map(([p]) => p.map((f) => `${f.field}: ${f.reason}`))).toEqual([
      [],
      [
        'containers[0].extra: unknown field "extra"',
        'containers[0].name: does not match pattern "^[a-z]+$"',
        'containers[0].ports[0].port: must be >= 1',
        'containers[0].ports[0].protocol: must be one of: "TCP", "UDP"',
        'containers[0].ports[1].port: must be >= 1',
        'containers[0].ports: duplicate entries: items 0 and 1 have the same key (port=0)',
        'initContainers[0].name: required field missing: "name"',
        'initContainers[0].ports[0].port: required field missing: "port"',
      ],
      // Inside the anyOf branch only the junctor's own finding.
      ['containers[0].name: must be at most 20 characters long', 'containers[0].env[0].name: must be of type string, got integer', 'either: must match at least one of the schemas in anyOf'],
      [],
    ]);
  });

  test.each([
    ['argoproj.io/v1alpha1', 'ApplicationSet'],
    ['apps/v1', 'Deployment'],
  ])('%s %s: the same findings as compiled whole', (apiVersion, kind) => {
    const ks = SchemaRegistry.default().get(apiVersion, kind)!;
    const root = toJsonSchema(ks.schema, { root: true });
    const shared = shareRepeatedSubschemas(root);
    expect(Object.keys(shared.definitions).length).toBeGreaterThan(10);
    expect(JSON.stringify(shared).length).toBeLessThan(JSON.stringify(root).length * (kind === 'ApplicationSet' ? 0.1 : 0.7));
    const meta = { name: 'x', namespace: 'apps' };
    const docs = kind === 'ApplicationSet'
      ? [
        { apiVersion, kind, metadata: meta, spec: { generators: [{ list: { elements: [] } }], template: { metadata: {}, spec: { project: 'p', destination: {} } } } },
        { apiVersion, kind, metadata: meta, spec: { generators: [{ matrix: { generators: [{ list: { elements: [], template: { spec: { project: 1, sources: [{ repoURL: 2 }], bogus: true } } } }, { git: { repoURL: 'r', revision: 'main', directories: [{ path: 3 }] } }] } }], template: { metadata: {}, spec: { project: 'p', destination: {}, syncPolicy: { automated: { prune: 'yes' } } } } } },
        { apiVersion, kind, metadata: meta, spec: { generators: [{ merge: { mergeKeys: 'k', generators: [{ clusters: { selector: { matchLabels: 1 } } }] } }] } },
      ]
      : [
        { apiVersion, kind, metadata: meta, spec: { selector: {}, template: { spec: { containers: [{ name: 'a', image: 'i' }] } } } },
        { apiVersion, kind, metadata: meta, spec: { selector: {}, template: { spec: { containers: [{ image: 'i', ports: [{ containerPort: 'http' }] }], initContainers: [{ name: 'i', env: [{ name: 'E', valueFrom: { secretKeyRef: { key: 1 } } }], resources: { limits: { cpu: {} } } }] } } } },
      ];
    const results = findingsBoth(root, docs);
    for (const [plain, sharedFindings] of results) expect(sharedFindings).toEqual(plain);
    expect(results[0][0]).toEqual([]);
    expect(results.slice(1).every(([p]) => p.length > 0)).toBe(true);
  });
});

describe("compiling without ajv's optimisation pass", () => {
  // The pass (dropping unused names, folding constants) is off (ajvInstance: compiling takes about
  // half the time). The code it generates must check exactly the same: compared here with the pass
  // on, on objects generated from each schema (a seeded walk: random fields, values of the right
  // and of wrong types, unknown fields).
  test.each([
    ['cluster.x-k8s.io/v1beta2', 'Cluster'],
    ['bootstrap.cluster.x-k8s.io/v1beta2', 'KubeadmConfigTemplate'],
    ['kustomize.toolkit.fluxcd.io/v1', 'Kustomization'],
    ['apps/v1', 'Deployment'],
  ])('%s %s: the same errors as with the pass', (apiVersion, kind) => {
    const ks = SchemaRegistry.default().get(apiVersion, kind)!;
    const ajv = ajvInstance();
    const code = ajv.opts.code as { optimize?: number | boolean };
    const optimize = code.optimize;
    expect(optimize).toBe(0);
    let withPass: ReturnType<typeof compileJsonSchema>;
    const without = compileJsonSchema(toJsonSchema(ks.schema, { root: true }));
    try {
      code.optimize = 1;
      withPass = compileJsonSchema(toJsonSchema(ks.schema, { root: true }));
    } finally {
      code.optimize = optimize;
    }
    expect(withPass).not.toBe(without);
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const wrong = [1, -1, 2.5, 'x', '', true, null, [], {}, ['a'], 'a'.repeat(300), '10.0.0.1', 'Bad_Name', 2 ** 40];
    const gen = (s: any, depth: number): unknown => {
      if (rnd() < 0.08) return pick(wrong);
      if (Array.isArray(s?.enum) && rnd() < 0.7) return pick(s.enum);
      switch (s?.type) {
        case 'object': {
          const out: Record<string, unknown> = {};
          if (depth > 6) return out;
          for (const [k, sub] of Object.entries<any>(s.properties ?? {})) if (rnd() < 0.5) out[k] = gen(sub, depth + 1);
          if (s.additionalProperties && typeof s.additionalProperties === 'object' && rnd() < 0.3) out[`k${Math.floor(rnd() * 9)}`] = gen(s.additionalProperties, depth + 1);
          if (rnd() < 0.1) out.unknownField = 1;
          return out;
        }
        case 'array':
          return depth > 6 ? [] : Array.from({ length: Math.floor(rnd() * 3) }, () => gen(s.items, depth + 1));
        case 'string':
          return pick(['a', '', 'x'.repeat(70), '10.0.0.1', 'Bad_Name', '1Gi', 'https://example.com', 'a-b']);
        case 'integer':
        case 'number':
          return pick([0, -1, 5, 2 ** 40, 1.5]);
        case 'boolean':
          return rnd() < 0.5;
        default:
          return pick(['a', 1, true, {}, []]);
      }
    };
    const errorsOf = (fn: typeof without, doc: unknown) => {
      fn(doc);
      return (fn.errors ?? []).map((e) => ({ instancePath: e.instancePath, schemaPath: e.schemaPath, keyword: e.keyword, params: e.params }));
    };
    let invalid = 0;
    for (let i = 0; i < 300; i++) {
      const doc = { ...(gen(ks.schema, 0) as object), apiVersion, kind, metadata: { name: 'x', namespace: 'n' } };
      const found = errorsOf(without, doc);
      expect(errorsOf(withPass, doc)).toEqual(found);
      if (found.length > 0) invalid++;
    }
    // Most objects are invalid somewhere.
    expect(invalid).toBeGreaterThan(150);
  });
});
