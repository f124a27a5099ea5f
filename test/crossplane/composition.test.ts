import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { KubernetesCluster, KubernetesClusterNodePool } from '../../imports/crossplane/containerservice.azure.m.upbound.io';
import { ResourceGroup } from '../../imports/crossplane/azure.m.upbound.io';
import { RemovalPolicy, Repo } from '../../lib';
import {
  CompositeResource, CompositeResourceDefinition, Composition, ConnectionDetails, Patches, ReadinessChecks,
  renderComposition, Schema, Transforms, sprintf, XrdScope,
} from '../../lib/crossplane';
import { crdMirror } from '../validation/helpers';
import { Testing } from '../../lib/testing';

const spec = Schema.object({
  location: Schema.string({ required: true, enum: ['westeurope', 'northeurope'] }),
  nodeCount: Schema.integer({ minimum: 1, maximum: 10, default: 3 }),
  size: Schema.string({ default: '10Gi' }),
});
const status = Schema.object({ fqdn: Schema.string() });

function setup() {
  const app = Testing.app();
  const folder = new Repo(app, 'r').folder('apis');
  const xrd = new CompositeResourceDefinition(folder, 'xrd', { group: 'platform.contoso.com', kind: 'XCluster', plural: 'xclusters', version: 'v1alpha1', spec, status });
  const composition = new Composition(folder, 'comp', { xrd });
  return { app, folder, xrd, composition };
}

const aksBase = (scope: any) => new KubernetesCluster(scope, 'aks', {
  spec: { forProvider: { identity: { type: 'SystemAssigned' }, azurePolicyEnabled: true, defaultNodePool: { name: 'system', vmSize: 'Standard_D4s_v5' } } },
});

function examplePatches(file: string): any[] {
  const doc = parse(fs.readFileSync(path.join(crdMirror(), 'crossplane/examples', file), 'utf8'));
  return doc.spec.pipeline[0].input.resources;
}

describe('patches and transforms render as function-patch-and-transform reads them', () => {
  test('the upstream example patch (map transform)', () => {
    const upstream = examplePatches('function-patch-and-transform/example/composition.yaml')[0].patches[0];
    expect(Patches.fromComposite('spec.location', 'spec.forProvider.region', { transforms: [Transforms.map({ EU: 'eu-north-1', US: 'us-east-2' })] }).json).toEqual(upstream);
  });
  test('the docs example patch (string Format transform) and connection details', () => {
    const upstream = examplePatches('docs/content/v2.3/manifests/guides/connection-details-composition/composition-patch-and-transform.yaml')[1];
    expect(Patches.fromComposite('metadata.name', 'spec.writeConnectionSecretToRef.name', { transforms: [Transforms.format('%s-accesskey-secret-0')] }).json).toEqual(upstream.patches[0]);
    expect([ConnectionDetails.fromConnectionSecretKey('user-0', 'username').json, ConnectionDetails.fromConnectionSecretKey('password-0', 'password').json]).toEqual(upstream.connectionDetails);
  });
  test('the docs example readiness checks', () => {
    const upstream = examplePatches('docs/content/v2.3/manifests/get-started/composition/composition-yaml.yaml');
    expect(ReadinessChecks.matchCondition('Available', 'True').json).toEqual(upstream[0].readinessChecks[0]);
    expect(ReadinessChecks.nonEmpty('spec.clusterIP').json).toEqual(upstream[1].readinessChecks[0]);
    expect(Patches.toComposite('spec.clusterIP', 'status.address').json).toEqual(upstream[1].patches[2]);
  });
  test('every patch type and transform', () => {
    expect(Patches.combineFromComposite(['metadata.name', 'spec.location'], '%s-%s', 'spec.forProvider.dnsPrefix').json).toEqual({
      type: 'CombineFromComposite', toFieldPath: 'spec.forProvider.dnsPrefix',
      combine: { strategy: 'string', variables: [{ fromFieldPath: 'metadata.name' }, { fromFieldPath: 'spec.location' }], string: { fmt: '%s-%s' } },
    });
    expect(Patches.fromEnvironment('region', 'spec.forProvider.location').json).toEqual({ type: 'FromEnvironmentFieldPath', fromFieldPath: 'region', toFieldPath: 'spec.forProvider.location' });
    expect(Patches.patchSet('common').json).toEqual({ type: 'PatchSet', patchSetName: 'common' });
    expect(Patches.fromComposite('a', 'b', { fromFieldPath: 'Required', toFieldPath: 'MergeObjects' }).json).toEqual({ type: 'FromCompositeFieldPath', fromFieldPath: 'a', toFieldPath: 'b', policy: { fromFieldPath: 'Required', toFieldPath: 'MergeObjects' } });
    expect(Transforms.convertString('ToUpper').json).toEqual({ type: 'string', string: { type: 'Convert', convert: 'ToUpper' } });
    expect(Transforms.regexp('^rg-(.*)$', 1).json).toEqual({ type: 'string', string: { type: 'Regexp', regexp: { match: '^rg-(.*)$', group: 1 } } });
    expect(Transforms.multiply(1024).json).toEqual({ type: 'math', math: { type: 'Multiply', multiply: 1024 } });
    expect(Transforms.clampMax(5).json).toEqual({ type: 'math', math: { type: 'ClampMax', clampMax: 5 } });
    expect(Transforms.convert('float64', 'quantity').json).toEqual({ type: 'convert', convert: { toType: 'float64', format: 'quantity' } });
  });
});

describe('Composition', () => {
  test('renders a Pipeline composition with the base taken from an L1 object', () => {
    const { composition, app } = setup();
    composition.addPatchAndTransform({
      patchSets: { loc: [Patches.fromComposite('spec.location', 'spec.forProvider.location')] },
      resources: [{ name: 'cluster', base: aksBase, patches: [Patches.patchSet('loc')], readinessChecks: [ReadinessChecks.matchCondition()] }],
    });
    composition.addAutoReady();
    composition.addFunctionStep({ step: 'kcl', function: 'function-kcl', input: { apiVersion: 'krm.kcl.dev/v1alpha1', kind: 'KCLInput', spec: { source: 'items = []' } } });
    const json = composition.toJson();
    expect(json.spec.compositeTypeRef).toEqual({ apiVersion: 'platform.contoso.com/v1alpha1', kind: 'XCluster' });
    expect(json.spec.mode).toBe('Pipeline');
    expect(json.spec.pipeline.map((s: any) => [s.step, s.functionRef.name])).toEqual([['patch-and-transform', 'function-patch-and-transform'], ['automatically-detect-ready-composed-resources', 'function-auto-ready'], ['kcl', 'function-kcl']]);
    const input = json.spec.pipeline[0].input;
    expect(input.patchSets).toEqual([{ name: 'loc', patches: [{ type: 'FromCompositeFieldPath', fromFieldPath: 'spec.location', toFieldPath: 'spec.forProvider.location' }] }]);
    expect(input.resources[0].base).toEqual({
      apiVersion: 'containerservice.azure.m.upbound.io/v1beta1', kind: 'KubernetesCluster',
      spec: { forProvider: { identity: { type: 'SystemAssigned' }, azurePolicyEnabled: true, defaultNodePool: { name: 'system', vmSize: 'Standard_D4s_v5' } }, managementPolicies: ['Observe', 'Create', 'Update', 'LateInitialize'] },
    });
    expect(json.spec.pipeline[2].input).toEqual({ apiVersion: 'krm.kcl.dev/v1alpha1', kind: 'KCLInput', spec: { source: 'items = []' } });
    // the base never becomes a file; unresolved Functions and ClusterProviderConfig are reported
    expect(Testing.synthProblems(app)).toEqual([
      'r/apis/comp: prop "pipeline[0].functionRef": refers to Function/function-patch-and-transform (pkg.crossplane.io), which is not an object of the app; create it, or declare an existing one with the kind\'s fromName(...) import',
      'r/apis/comp: prop "pipeline[0].resources[0].base.spec.providerConfigRef": refers to ClusterProviderConfig/default (azure.m.upbound.io), which is not an object of the app; create it, or declare an existing one with the kind\'s fromName(...) import',
      'r/apis/comp: prop "pipeline[1].functionRef": refers to Function/function-auto-ready (pkg.crossplane.io), which is not an object of the app; create it, or declare an existing one with the kind\'s fromName(...) import',
      'r/apis/comp: prop "pipeline[2].functionRef": refers to Function/function-kcl (pkg.crossplane.io), which is not an object of the app; create it, or declare an existing one with the kind\'s fromName(...) import',
    ]);
  });

  test('an ApiObject base is removed from the tree; removal policy DESTROY and SKIP', () => {
    const { composition, folder } = setup();
    const rg = new ResourceGroup(folder, 'rg', { spec: { forProvider: { location: 'westeurope' } } });
    const step = composition.addPatchAndTransform();
    step.addResource({ name: 'rg', base: rg, removalPolicy: RemovalPolicy.DESTROY });
    step.addResource({ name: 'rg2', base: ResourceGroup.manifest({ spec: { forProvider: { location: 'westeurope' } } }), removalPolicy: RemovalPolicy.SKIP });
    expect(folder.node.tryFindChild('rg')).toBeUndefined();
    const bases = composition.toJson().spec.pipeline[0].input.resources.map((r: any) => r.base);
    expect(bases[0]).toEqual({ apiVersion: 'azure.m.upbound.io/v1beta1', kind: 'ResourceGroup', spec: { forProvider: { location: 'westeurope' }, managementPolicies: ['*'] } });
    expect(bases[1].spec.managementPolicies).toEqual(['Observe']);
  });

  test('a node pool of a retained cluster is retained with it (its deletion would drain and delete the nodes), whichever is added first and in a later step; a policy of its own wins; not without a retained cluster', () => {
    const pool = (name: string) => KubernetesClusterNodePool.manifest({ metadata: { annotations: { 'crossplane.io/external-name': name } }, spec: { forProvider: { vmSize: 'Standard_D4s_v5', kubernetesClusterIdSelector: { matchControllerRef: true } } } });
    const policies = (composition: Composition) => composition.toJson().spec.pipeline.flatMap((st: any) => st.input.resources.map((r: any) => [r.name, r.base.spec.managementPolicies]));
    const RETAIN = ['Observe', 'Create', 'Update', 'LateInitialize'];
    const { composition } = setup();
    const step = composition.addPatchAndTransform({ step: 'first' });
    step.addResource({ name: 'before', base: pool('before') });
    step.addResource({ name: 'own', base: pool('own'), removalPolicy: RemovalPolicy.DESTROY });
    step.addResource({ name: 'cluster', base: aksBase });
    step.addResource({ name: 'after', base: pool('after') });
    composition.addPatchAndTransform({ step: 'second', resources: [{ name: 'later', base: pool('later') }] });
    expect(policies(composition)).toEqual([['before', RETAIN], ['own', ['*']], ['cluster', RETAIN], ['after', RETAIN], ['later', RETAIN]]);

    const other = setup().composition;
    other.addPatchAndTransform({ resources: [{ name: 'cluster', base: aksBase, removalPolicy: RemovalPolicy.DESTROY }, { name: 'pool', base: pool('pool') }] });
    expect(policies(other)).toEqual([['cluster', ['*']], ['pool', ['*']]]);
  });

  test('the Azure name of a composed stateful resource: set for a retained one, not the same for every composite, with the namespace for namespaced composites; a later function step may name it', () => {
    const EXT = 'metadata.annotations[crossplane.io/external-name]';
    const rg = () => ResourceGroup.manifest({ spec: { forProvider: { location: 'westeurope' } } });
    const { app, composition } = setup();
    composition.addPatchAndTransform({
      resources: [
        { name: 'unnamed', base: aksBase },
        { name: 'unnamed-destroyed', base: aksBase, removalPolicy: RemovalPolicy.DESTROY },
        { name: 'constant', base: ResourceGroup.manifest({ metadata: { annotations: { 'crossplane.io/external-name': 'rg-shared' } }, spec: { forProvider: { location: 'westeurope' } } }) },
        { name: 'by-name', base: rg(), patches: [Patches.fromComposite('metadata.name', EXT, { transforms: [Transforms.format('rg-%s')] })] },
        { name: 'by-namespace-and-name', base: rg(), patches: [Patches.combineFromComposite(['metadata.namespace', 'metadata.name'], 'rg-%s-%s', EXT)] },
        { name: 'cluster-by-name', base: aksBase, patches: [Patches.fromComposite('metadata.name', EXT)] },
      ],
    });
    const fix = 'Patches.combineFromComposite([\'metadata.namespace\', \'metadata.name\'], \'<prefix>-%s-%s\', \'metadata.annotations[crossplane.io/external-name]\')';
    expect(Testing.synthProblems(app).filter((p) => p.includes('Azure name') || p.includes('in Azure'))).toEqual([
      `r/apis/comp: prop "pipeline[0].resources[0].patches": step "patch-and-transform": resource "unnamed": KubernetesCluster is retained but its Azure name is not set by the composition (metadata.annotations[crossplane.io/external-name]): it is the name Crossplane generates for each composite's managed resource, so a recreated composite creates a second, empty KubernetesCluster beside the retained one; name it from the composite with a patch, e.g. ${fix}`,
      `r/apis/comp: prop "pipeline[0].resources[2].patches": step "patch-and-transform": resource "constant": ResourceGroup is named "rg-shared" in Azure for every composite (metadata.annotations[crossplane.io/external-name] in the base): every composite manages the same one, and deleting one deletes it for all; name it from the composite with a patch, e.g. ${fix}`,
      `r/apis/comp: prop "pipeline[0].resources[3].patches": step "patch-and-transform": resource "by-name": ResourceGroup's Azure name (metadata.annotations[crossplane.io/external-name]) comes from the composite's metadata.name only, and the composites are namespaced: composites of the same name in two namespaces manage one ResourceGroup (the second adopts the first's, deleting either deletes it for both); include the namespace, e.g. ${fix}`,
    ]);

    // cluster-scoped composites: metadata.name is unique; a function step after may name the resources
    const app2 = Testing.app();
    const folder = new Repo(app2, 'r').folder('apis');
    const xrd = new CompositeResourceDefinition(folder, 'xrd', { group: 'platform.contoso.com', kind: 'XCluster', plural: 'xclusters', version: 'v1alpha1', spec, status, scope: XrdScope.CLUSTER });
    const clusterScoped = new Composition(folder, 'comp', { xrd });
    clusterScoped.addPatchAndTransform({ resources: [{ name: 'by-name', base: rg(), patches: [Patches.fromComposite('metadata.name', EXT, { transforms: [Transforms.format('rg-%s')] })] }, { name: 'unnamed', base: aksBase }] });
    clusterScoped.addFunctionStep({ step: 'name', function: 'function-external-namer' });
    expect(Testing.synthProblems(app2).filter((p) => p.includes('Azure name') || p.includes('in Azure'))).toEqual([]);

    // legacy composites with claims: Crossplane names the composite <claim>-<random>
    const app3 = Testing.app();
    const legacyFolder = new Repo(app3, 'r').folder('apis');
    const legacyXrd = new CompositeResourceDefinition(legacyFolder, 'xrd', {
      group: 'platform.contoso.com', kind: 'XCluster', plural: 'xclusters', version: 'v1alpha1', spec, status, scope: XrdScope.LEGACY_CLUSTER, claimNames: { kind: 'Cluster', plural: 'clusters' },
    });
    const legacy = new Composition(legacyFolder, 'comp', { xrd: legacyXrd });
    legacy.addPatchAndTransform({
      resources: [
        { name: 'by-name', base: aksBase, patches: [Patches.fromComposite('metadata.name', EXT)] },
        { name: 'by-claim', base: aksBase, patches: [Patches.combineFromComposite(['metadata.labels[crossplane.io/claim-namespace]', 'metadata.labels[crossplane.io/claim-name]'], 'aks-%s-%s', EXT)] },
      ],
    });
    expect(Testing.synthProblems(app3).filter((p) => p.includes('Azure name'))).toEqual([
      'r/apis/comp: prop "pipeline[0].resources[0].patches": step "patch-and-transform": resource "by-name": KubernetesCluster is retained but its Azure name (metadata.annotations[crossplane.io/external-name]) comes from the composite\'s metadata.name only, ' +
        'which Crossplane generates for each claim (<claim name>-<random>): a recreated claim creates a second, empty KubernetesCluster beside the retained one; ' +
        'name it from the claim, e.g. Patches.combineFromComposite([\'metadata.labels[crossplane.io/claim-namespace]\', \'metadata.labels[crossplane.io/claim-name]\'], \'<prefix>-%s-%s\', \'metadata.annotations[crossplane.io/external-name]\')',
    ]);
  });

  test('a patched default node pool field azurerm changes by cycling the pool needs temporaryNameForRotation in the base (or patched); other fields do not', () => {
    const EXT = Patches.fromComposite('metadata.name', 'metadata.annotations[crossplane.io/external-name]');
    const rotationProblems = (base: any, patches: any[]) => {
      const { app, composition } = setup();
      composition.addPatchAndTransform({ resources: [{ name: 'cluster', base, patches: [EXT, ...patches] }] });
      return Testing.synthProblems(app).filter((p) => p.includes('cycling'));
    };
    const vmSize = Patches.fromComposite('spec.location', 'spec.forProvider.defaultNodePool.vmSize');
    const zones = Patches.fromComposite('spec.location', 'spec.forProvider.defaultNodePool.zones[0]');
    expect(rotationProblems(aksBase, [vmSize, Patches.fromComposite('spec.nodeCount', 'spec.forProvider.defaultNodePool.nodeCount'), zones])).toEqual([1, 3].map((j) =>
      `r/apis/comp: prop "pipeline[0].resources[0].patches[${j}]": step "patch-and-transform": resource "cluster": patch ${j} (FromCompositeFieldPath) writes ${j === 1 ? 'spec.forProvider.defaultNodePool.vmSize' : 'spec.forProvider.defaultNodePool.zones[0]'}, ` +
      'which the provider changes by cycling the default node pool and refuses to change without a temporary pool name ("temporary_name_for_rotation must be specified"): ' +
      'the composite\'s change never reaches the cluster and its managed resource fails every reconcile; set spec.forProvider.defaultNodePool.temporaryNameForRotation in the base (a node pool name: lowercase letters and digits, at most 12, e.g. "systemtmp")'));
    const rotating = (scope: any) => new KubernetesCluster(scope, 'aks', {
      spec: { forProvider: { identity: { type: 'SystemAssigned' }, defaultNodePool: { name: 'system', vmSize: 'Standard_D4s_v5', temporaryNameForRotation: 'systemtmp' } } },
    });
    expect(rotationProblems(rotating, [vmSize, zones])).toEqual([]);
    expect(rotationProblems(aksBase, [vmSize, Patches.fromComposite('metadata.name', 'spec.forProvider.defaultNodePool.temporaryNameForRotation', { transforms: [Transforms.format('t%.5s')] })])).toEqual([]);
  });

  describe('path checks name the composition, the resource and the path', () => {
    test.each([
      [Patches.fromComposite('spec.locaton', 'spec.forProvider.location'), 'apis/comp: prop "pipeline[0].resources[0].patches[0]": step "patch-and-transform": resource "cluster": fromFieldPath "spec.locaton" is not in the schema of XCluster (platform.contoso.com/v1alpha1): unknown field "locaton" in spec'],
      [Patches.fromComposite('spec.location', 'spec.forProvider.locaton'), 'apis/comp: prop "pipeline[0].resources[0].patches[0]": step "patch-and-transform": resource "cluster": toFieldPath "spec.forProvider.locaton" is not in the schema of KubernetesCluster (containerservice.azure.m.upbound.io/v1beta1): unknown field "locaton" in spec.forProvider'],
      [Patches.toComposite('status.atProvider.fqdn', 'status.fdqn'), 'apis/comp: prop "pipeline[0].resources[0].patches[0]": step "patch-and-transform": resource "cluster": toFieldPath "status.fdqn" is not in the schema of XCluster (platform.contoso.com/v1alpha1): unknown field "fdqn" in status'],
      [Patches.toComposite('status.atProvider.fdqn', 'status.fqdn'), 'apis/comp: prop "pipeline[0].resources[0].patches[0]": step "patch-and-transform": resource "cluster": fromFieldPath "status.atProvider.fdqn" is not in the schema of KubernetesCluster (containerservice.azure.m.upbound.io/v1beta1): unknown field "fdqn" in status.atProvider'],
      [Patches.combineFromComposite(['metadata.name', 'spec.regon'], '%s-%s', 'spec.forProvider.dnsPrefix'), 'apis/comp: prop "pipeline[0].resources[0].patches[0]": step "patch-and-transform": resource "cluster": fromFieldPath "spec.regon" is not in the schema of XCluster (platform.contoso.com/v1alpha1): unknown field "regon" in spec'],
      [Patches.fromComposite('metadata.nmae', 'spec.forProvider.dnsPrefix'), 'apis/comp: prop "pipeline[0].resources[0].patches[0]": step "patch-and-transform": resource "cluster": fromFieldPath "metadata.nmae" is not in the schema of XCluster (platform.contoso.com/v1alpha1): unknown field "nmae" in metadata'],
      [Patches.patchSet('missing'), 'apis/comp: prop "pipeline[0].resources[0].patches[0]": step "patch-and-transform": resource "cluster": patch set "missing" is not defined in this step (defined: none)'],
    ])('%#', (patch, message) => {
      const { composition } = setup();
      expect(() => composition.addPatchAndTransform({ resources: [{ name: 'cluster', base: aksBase, patches: [patch] }] })).toThrow(`r/${message}`);
    });
    test('paths inside maps, arrays and labels are accepted', () => {
      const { composition } = setup();
      expect(() => composition.addPatchAndTransform({
        resources: [{
          name: 'cluster', base: aksBase, patches: [
            Patches.fromComposite('metadata.name', 'spec.forProvider.tags[platform.contoso.com:owner]'),
            Patches.fromComposite('metadata.name', 'metadata.labels[example.org/app]'),
            Patches.fromComposite('spec.nodeCount', 'spec.forProvider.defaultNodePool.nodeCount'),
          ],
        }],
      })).not.toThrow();
    });
    test('an Azure tag name ARM refuses, written by a patch or in the base (a label-style key with "/")', () => {
      const { composition } = setup();
      expect(() => composition.addPatchAndTransform({ resources: [{ name: 'cluster', base: aksBase, patches: [Patches.fromComposite('metadata.name', 'spec.forProvider.tags[platform.contoso.com/owner]')] }] })).toThrow(
        'r/apis/comp: prop "pipeline[0].resources[0].patches[0]": step "patch-and-transform": resource "cluster": toFieldPath "spec.forProvider.tags[platform.contoso.com/owner]" writes the Azure tag "platform.contoso.com/owner" of KubernetesCluster: ' +
          'tag names must be 1-512 characters without <, >, %, &, \\, ? or / (ARM refuses the resource, so it is never created)',
      );
      const tagged = (scope: any) => new KubernetesCluster(scope, 'aks', {
        spec: { forProvider: { identity: { type: 'SystemAssigned' }, defaultNodePool: { name: 'system', vmSize: 'Standard_D4s_v5' } }, initProvider: { tags: { 'a&b': 'x' } } },
      });
      expect(() => composition.addPatchAndTransform({ resources: [{ name: 'cluster', base: tagged }] })).toThrow(
        'r/apis/comp: prop "pipeline[0].resources[0].base.spec.initProvider.tags.a&b": tag names must be 1-512 characters without <, >, %, &, \\, ? or / (ARM refuses the resource, so it is never created)',
      );
    });
    test('a patch set typo names the patch set', () => {
      const { composition } = setup();
      expect(() => composition.addPatchAndTransform({ patchSets: { loc: [Patches.fromComposite('spec.location', 'spec.forProvider.lokation')] }, resources: [{ name: 'cluster', base: aksBase, patches: [Patches.patchSet('loc')] }] }))
        .toThrow('r/apis/comp: prop "pipeline[0].resources[0].patches[0]": step "patch-and-transform": resource "cluster": patch set "loc": toFieldPath "spec.forProvider.lokation" is not in the schema of KubernetesCluster (containerservice.azure.m.upbound.io/v1beta1): unknown field "lokation" in spec.forProvider');
    });
    test('connection details and readiness check paths are checked', () => {
      const { composition } = setup();
      expect(() => composition.addPatchAndTransform({ resources: [{ name: 'cluster', base: aksBase, connectionDetails: [ConnectionDetails.fromFieldPath('host', 'status.atProvider.fqdm')] }] }))
        .toThrow('r/apis/comp: prop "pipeline[0].resources[0].connectionDetails[0]": step "patch-and-transform": resource "cluster": fromFieldPath "status.atProvider.fqdm" is not in the schema of KubernetesCluster (containerservice.azure.m.upbound.io/v1beta1): unknown field "fqdm" in status.atProvider');
      expect(() => composition.addPatchAndTransform({ step: 's2', resources: [{ name: 'c2', base: aksBase, connectionDetails: [ConnectionDetails.fromConnectionSecretKey('kubeconfig', 'kubeconfig')] }] }))
        .toThrow('r/apis/comp: prop "pipeline[0].resources[0].connectionDetails[0]": step "s2": resource "c2": FromConnectionSecretKey needs the base to write a connection secret: set spec.writeConnectionSecretToRef.name in the base or patch it');
    });
  });

  test('rejects duplicate resources and steps, and writeConnectionSecretsToNamespace on v2', () => {
    const { composition, xrd, folder } = setup();
    composition.addPatchAndTransform({ resources: [{ name: 'a', base: aksBase }] });
    expect(() => composition.addPatchAndTransform({ step: 'other', resources: [{ name: 'a', base: aksBase }] })).toThrow('r/apis/comp: prop "pipeline[1].resources[0].name": resource "a" is already composed by this composition');
    expect(() => composition.addPatchAndTransform({ step: 'twice', resources: [{ name: 'b', base: aksBase }, { name: 'b', base: aksBase }] }))
      .toThrow('r/apis/comp: prop "pipeline[1].resources[1].name": resource "b" is already composed by this composition');
    expect(composition.stepNames).toEqual(['patch-and-transform']);
    expect(() => composition.addAutoReady({ step: 'patch-and-transform' })).toThrow('r/apis/comp: prop "pipeline[1].step": step "patch-and-transform" is already defined');
    expect(() => new Composition(folder, 'c2', { xrd, name: 'other', writeConnectionSecretsToNamespace: 'x' })).toThrow('r/apis/c2: prop "writeConnectionSecretsToNamespace": only legacy');
  });
});

describe('render', () => {
  function rendered() {
    const { composition } = setup();
    composition.addPatchAndTransform({
      resources: [{
        name: 'cluster', base: aksBase,
        patches: [
          Patches.fromComposite('spec.location', 'spec.forProvider.location', { transforms: [Transforms.map({ westeurope: 'West Europe', northeurope: 'North Europe' })] }),
          Patches.combineFromComposite(['metadata.name', 'spec.location'], '%s-%s', 'spec.forProvider.dnsPrefix'),
          Patches.fromComposite('spec.nodeCount', 'spec.forProvider.defaultNodePool.nodeCount', { transforms: [Transforms.multiply(2), Transforms.clampMax(5)] }),
          Patches.fromComposite('spec.size', 'spec.forProvider.defaultNodePool.osDiskSizeGb', { transforms: [Transforms.convert('float64', 'quantity'), Transforms.multiply(1), Transforms.clampMin(30)] }),
          Patches.fromComposite('metadata.name', 'spec.forProvider.tags[upper]', { transforms: [Transforms.convertString('ToUpper')] }),
          Patches.fromComposite('metadata.name', 'spec.forProvider.tags[suffix]', { transforms: [Transforms.regexp('^[a-z]+-(.*)$', 1)] }),
          Patches.toComposite('status.atProvider.fqdn', 'status.fqdn'),
        ],
        connectionDetails: [ConnectionDetails.fromFieldPath('host', 'status.atProvider.fqdn'), ConnectionDetails.fromValue('port', '443')],
      }],
    });
    return composition;
  }

  test('applies patches and transforms like function-patch-and-transform', () => {
    const r = rendered().render({ location: 'northeurope', nodeCount: 4 }, { name: 'team-a', namespace: 'apps', observed: { cluster: { resource: { status: { atProvider: { fqdn: 'team-a.hcp.azmk8s.io' } } } } } });
    expect(r.issues).toEqual([]);
    const cluster = r.resources[0].object as any;
    expect(cluster.metadata).toEqual({ generateName: 'team-a-', namespace: 'apps', annotations: { 'crossplane.io/composition-resource-name': 'cluster' }, labels: { 'crossplane.io/composite': 'team-a' } });
    expect(cluster.spec.forProvider.location).toBe('North Europe');
    expect(cluster.spec.forProvider.dnsPrefix).toBe('team-a-northeurope');
    expect(cluster.spec.forProvider.defaultNodePool.nodeCount).toBe(5);
    expect(cluster.spec.forProvider.defaultNodePool.osDiskSizeGb).toBe(10 * 1024 ** 3);
    expect(cluster.spec.forProvider.tags).toEqual({ upper: 'TEAM-A', suffix: 'a' });
    expect((r.composite as any).status).toEqual({ fqdn: 'team-a.hcp.azmk8s.io' });
    // v2 composite: the connection Secret is composed
    expect(r.resources[1].object).toEqual({
      apiVersion: 'v1', kind: 'Secret', type: 'connection.crossplane.io/v1alpha1',
      metadata: { name: 'team-a-connection', namespace: 'apps' },
      data: { host: Buffer.from('team-a.hcp.azmk8s.io').toString('base64'), port: Buffer.from('443').toString('base64') },
    });
  });

  test('reports composed resources that fail their schema (CEL rule) and composite spec errors', () => {
    const { composition } = setup();
    composition.addPatchAndTransform({ resources: [{ name: 'cluster', base: aksBase }] });
    const r = composition.render({ location: 'mars' } as any);
    expect(r.issues).toEqual([
      'composite: XCluster/default/example: spec.location: must be one of: "westeurope", "northeurope"',
      'cluster: KubernetesCluster/default/<unnamed>: spec: failed rule: spec.forProvider.location is a required parameter',
    ]);
  });

  test('a failing transform throws naming step, resource and patch; a missing Required source skips the resource', () => {
    const { composition } = setup();
    composition.addPatchAndTransform({ resources: [{ name: 'cluster', base: aksBase, patches: [Patches.fromComposite('spec.location', 'spec.forProvider.location', { transforms: [Transforms.map({ westeurope: 'West Europe' })] })] }] });
    expect(() => composition.render({ location: 'northeurope' })).toThrow('step "patch-and-transform": resource "cluster": patches[0] (FromCompositeFieldPath): transform at index 0 (map) failed: key northeurope is not found in map');
    const { composition: c2 } = setup();
    c2.addPatchAndTransform({ resources: [{ name: 'cluster', base: aksBase, patches: [Patches.fromComposite('status.fqdn', 'spec.forProvider.dnsPrefix', { fromFieldPath: 'Required' })] }] });
    const r = c2.render({ location: 'westeurope' });
    expect(r.resources).toEqual([]);
    expect(r.skippedResources).toEqual([{ name: 'cluster', step: 'patch-and-transform', reason: 'not adding new composed resource "cluster" to desired state because "FromCompositeFieldPath" patch at index 0 has \'policy.fromFieldPath: Required\': status.fqdn: no such field' }]);
  });

  test('sprintf follows Go', () => {
    expect(sprintf('%s-%d-%v-%%', ['a', 3, true])).toBe('a-3-true-%');
    expect(sprintf('%s', [])).toBe('%!s(MISSING)');
  });

  test('renders the upstream function-patch-and-transform example', () => {
    const dir = path.join(crdMirror(), 'crossplane/examples/function-patch-and-transform/example');
    const comp = parse(fs.readFileSync(path.join(dir, 'composition.yaml'), 'utf8'));
    const xr = parse(fs.readFileSync(path.join(dir, 'xr.yaml'), 'utf8'));
    const r = renderComposition(comp, xr);
    expect(r.resources[0].object).toEqual({ apiVersion: 's3.aws.upbound.io/v1beta1', kind: 'Bucket', metadata: { generateName: 'example-xr-', annotations: { 'crossplane.io/composition-resource-name': 'bucket' }, labels: { 'crossplane.io/composite': 'example-xr' } }, spec: { forProvider: { region: 'us-east-2' } } });
  });
});

describe('composite resources and claims', () => {
  test('an instance is retained when its composition keeps a stateful resource; removalPolicy decides otherwise', () => {
    const EXT = 'metadata.annotations[crossplane.io/external-name]';
    const RETAINED = { 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
    const make = (rgPolicy: RemovalPolicy | undefined) => {
      const { app, xrd, composition } = setup();
      composition.addPatchAndTransform({ resources: [{
        name: 'rg', removalPolicy: rgPolicy,
        base: (s) => new ResourceGroup(s, 'rg', { spec: { forProvider: { location: 'westeurope' } } }),
        patches: [Patches.combineFromComposite(['metadata.namespace', 'metadata.name'], 'rg-%s-%s', EXT)],
      }] });
      const ns = new Repo(app, 'apps').folder('team', { namespace: 'team-a' });
      return { app, xrd, composition, ns };
    };
    // A resource group is stateful: retained by the composition, so the instance is retained too
    // (also without naming its composition: any composition of the XRD in the app counts).
    const kept = make(undefined);
    expect(kept.composition.retainsStatefulResources()).toBe(true);
    const named = new CompositeResource(kept.ns, 'named', { xrd: kept.xrd, composition: kept.composition, name: 'one', spec: { location: 'westeurope' } });
    const selected = new CompositeResource(kept.ns, 'selected', { xrd: kept.xrd, name: 'two', spec: { location: 'westeurope' } });
    const destroyed = new CompositeResource(kept.ns, 'destroyed', { xrd: kept.xrd, name: 'three', spec: { location: 'westeurope' }, removalPolicy: RemovalPolicy.DESTROY });
    Testing.synthProblems(kept.app);
    expect(named.apiObject.toJson().metadata.annotations).toEqual(RETAINED);
    expect(selected.apiObject.toJson().metadata.annotations).toEqual(RETAINED);
    expect(destroyed.apiObject.toJson().metadata.annotations).toBeUndefined();
    // A composition that deletes everything with the composite: the instance is not retained.
    const gone = make(RemovalPolicy.DESTROY);
    expect(gone.composition.retainsStatefulResources()).toBe(false);
    const xr = new CompositeResource(gone.ns, 'xr', { xrd: gone.xrd, composition: gone.composition, name: 'one', spec: { location: 'westeurope' } });
    Testing.synthProblems(gone.app);
    expect(xr.apiObject.toJson().metadata.annotations).toBeUndefined();
  });

  test('typed, validated against the XRD, references checked', () => {
    const { folder, xrd, composition, app } = setup();
    composition.addPatchAndTransform({ resources: [{ name: 'rg', base: (s) => new ResourceGroup(s, 'rg', { spec: { forProvider: { location: 'westeurope' }, providerConfigRef: { kind: 'ProviderConfig', name: 'team' } } }), patches: [Patches.combineFromComposite(['metadata.namespace', 'metadata.name'], 'rg-%s-%s', 'metadata.annotations[crossplane.io/external-name]')] }] });
    const ns = new Repo(app, 'apps').folder('team', { namespace: 'team-a' });
    const xr = new CompositeResource(ns, 'xr', { xrd, composition, name: 'one', spec: { location: 'westeurope' } });
    expect(xr.apiObject.toJson()).toEqual({ apiVersion: 'platform.contoso.com/v1alpha1', kind: 'XCluster', metadata: { name: 'one', namespace: 'team-a' }, spec: { location: 'westeurope', crossplane: { compositionRef: { name: 'xclusters.platform.contoso.com' } } } });
    expect(() => new CompositeResource(ns, 'bad', { xrd, name: 'two', spec: { location: 'westeurope', nodeCount: 20 } })).toThrow(
      'apps/team/bad: prop "spec": does not match the schema of XCluster (platform.contoso.com/v1alpha1): XCluster/team-a/two: spec.nodeCount: must be <= 10',
    );
    // the namespaced ProviderConfig of the base must exist in the composite's namespace
    expect(Testing.synthProblems(app)).toContain('apps/team/xr: prop "composition.rg.providerConfigRef": refers to ProviderConfig/team-a/team (azure.m.upbound.io), which is not an object of the app; create it, or declare an existing one with the kind\'s fromName(...) import');
    expect(folder).toBeDefined();
  });
});

test('each composite resource is checked against its own XRD\'s schema, also when two XRDs share a kind', () => {
  const build = (maximum: number) => {
    const app = Testing.app();
    const folder = new Repo(app, 'r').folder('apis');
    const x = new CompositeResourceDefinition(folder, 'xrd', {
      group: 'platform.contoso.com', kind: 'XCluster', plural: 'xclusters', version: 'v1alpha1',
      spec: Schema.object({ location: Schema.string({ required: true }), nodeCount: Schema.integer({ minimum: 1, maximum }) }),
    });
    return { folder: new Repo(app, 'apps').folder('team', { namespace: 'team-a' }), xrd: x };
  };
  const five = build(5);
  const fifty = build(50);
  for (let i = 0; i < 20; i++) new CompositeResource(fifty.folder, `ok-${i}`, { xrd: fifty.xrd, name: `ok-${i}`, spec: { location: 'westeurope', nodeCount: 20 } });
  expect(() => new CompositeResource(five.folder, 'bad', { xrd: five.xrd, name: 'bad', spec: { location: 'westeurope', nodeCount: 20 } })).toThrow(
    'apps/team/bad: prop "spec": does not match the schema of XCluster (platform.contoso.com/v1alpha1): XCluster/team-a/bad: spec.nodeCount: must be <= 5',
  );
  expect(new CompositeResource(five.folder, 'fine', { xrd: five.xrd, name: 'fine', spec: { location: 'westeurope', nodeCount: 5 } }).apiObject.name).toBe('fine');
});
