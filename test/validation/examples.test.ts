// Real upstream example manifests (from the CRD mirror) validate without issues.
import * as fs from 'fs';
import * as path from 'path';
import { Validator } from '../../lib/core/validation';
import { asInputs, crdMirror, exampleDocs, messages, registryFromCrds, TEMPLATE_VARS } from './helpers';

function crdFiles(...dirs: string[]): string[] {
  const root = crdMirror();
  return dirs.flatMap((d) =>
    fs
      .readdirSync(path.join(root, d))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `${d}/${f}`),
  );
}

function exampleFiles(dir: string): string[] {
  const root = crdMirror();
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (/\.ya?ml$/.test(e.name) && e.name !== 'kustomization.yaml') out.push(r);
    }
  };
  walk(dir);
  return out.sort();
}

describe('upstream examples are valid', () => {
  test('Flux examples (controllers samples and flux2-kustomize-helm-example)', () => {
    const v = new Validator({ registry: registryFromCrds(...crdFiles('flux')) });
    const files = exampleFiles('flux/examples');
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      expect({ f, issues: messages(v.validate(asInputs(exampleDocs(f), f))) }).toEqual({ f, issues: [] });
    }
    // Every Flux kind in the examples has a schema: this is schema validation, not just metadata.
    expect(v.stats().map((s) => s.key)).toEqual(
      expect.arrayContaining(['helm.toolkit.fluxcd.io/v2/HelmRelease', 'kustomize.toolkit.fluxcd.io/v1/Kustomization', 'source.toolkit.fluxcd.io/v1/GitRepository']),
    );
  });

  describe('CAPI, CAPZ and ASO', () => {
    let v: Validator;
    beforeAll(() => {
      v = new Validator({ registry: registryFromCrds(...crdFiles('capi', 'capz', 'aso', 'aso/derived')) });
    });

    test.each([
      'capz/examples/cluster-api-provider-azure/templates/cluster-template-aks-aso.yaml',
      'capz/examples/cluster-api-provider-azure/templates/cluster-template-aks-aso-clusterclass.yaml',
      'capz/examples/cluster-api-provider-azure/templates/cluster-template-aks.yaml',
      'capz/examples/cluster-api-provider-azure/templates/cluster-template.yaml',
      'capz/examples/cluster-api-provider-azure/templates/cluster-template-topology.yaml',
      'capi/examples/cluster-api/test/infrastructure/docker/templates/cluster-template-development.yaml',
      'capi/examples/cluster-api/test/infrastructure/docker/templates/clusterclass-quick-start.yaml',
    ])('%s (after ${VAR} substitution)', (f) => {
      // CAPD's Dev* kinds are not bundled: those objects are "no schema" issues, never silently valid.
      const noSchema = (m: string) => /: kind: no schema for infrastructure\.cluster\.x-k8s\.io\/v1beta2 Dev\w+Template, so it cannot be validated\./.test(m);
      const issues = messages(v.validate(asInputs(exampleDocs(f, TEMPLATE_VARS), path.basename(f))));
      expect(issues.filter((m) => !noSchema(m))).toEqual([]);
      expect(issues.filter(noSchema).length).toBe(f.endsWith('clusterclass-quick-start.yaml') ? 4 : 0);
    });

    test('the AKS ASO template really validates the embedded ASO resources', () => {
      const f = 'capz/examples/cluster-api-provider-azure/templates/cluster-template-aks-aso.yaml';
      v.validate(asInputs(exampleDocs(f, TEMPLATE_VARS), f));
      expect(v.stats().map((s) => s.key)).toEqual(
        expect.arrayContaining([
          'infrastructure.cluster.x-k8s.io/v1beta1/AzureASOManagedControlPlane',
          'containerservice.azure.com/v1api20240901/ManagedCluster',
          'containerservice.azure.com/v1api20240901/ManagedClustersAgentPool',
          'resources.azure.com/v1api20200601/ResourceGroup',
        ]),
      );
    });

    test('ASO v2.18.0 samples', () => {
      const files = exampleFiles('aso/examples').filter((f) => !f.endsWith('_userassignedidentity.yaml') && !f.endsWith('_roleassignment.yaml'));
      expect(files.length).toBeGreaterThan(15);
      const unbundled: string[] = [];
      for (const f of files) {
        const issues = messages(v.validate(asInputs(exampleDocs(f), path.basename(f))));
        // Samples of API versions the library does not bundle are reported as not validated.
        const other = issues.filter((m) => !/: (apiVersion|kind): no schema for \S+ \w+, so it cannot be validated( \(did you mean apiVersion "[^"]+"\?\))?\./.test(m));
        if (other.length < issues.length) unbundled.push(f);
        expect({ f, issues: other }).toEqual({ f, issues: [] });
      }
      expect(unbundled.length).toBeLessThan(files.length / 2);
    });

    test('the UserAssignedIdentity sample uses a field newer than the mid-2025 derived schema (strict mode notices)', () => {
      const f = 'aso/examples/azure-service-operator/v2/samples/managedidentity/v1api20230131/v1api20230131_userassignedidentity.yaml';
      expect(messages(v.validate(asInputs(exampleDocs(f), 'uai.yaml')))).toEqual([
        'uai.yaml#0: UserAssignedIdentity/default/sampleuserassignedidentity: spec.operatorSpec.secrets.subscriptionId: unknown field "subscriptionId"',
      ]);
    });
  });

  test('the RoleAssignment sample uses roleDefinitionReference.wellKnownName, newer than the catalog-derived schema (strict mode notices)', () => {
    const v = new Validator({ registry: registryFromCrds(...crdFiles('aso/derived')) });
    const f = 'aso/examples/azure-service-operator/v2/samples/authorization/v1api20220401/v1api20220401_roleassignment.yaml';
    expect(messages(v.validate(asInputs(exampleDocs(f), 'ra.yaml')))).toEqual([
      'ra.yaml#0: RoleAssignment/default/aso-sample-contributor: spec.roleDefinitionReference.wellKnownName: unknown field "wellKnownName"',
    ]);
  });

  test('Crossplane compositions, XRDs and function-patch-and-transform inputs', () => {
    const v = new Validator({ registry: registryFromCrds(...crdFiles('crossplane')) });
    const files = [
      'crossplane/examples/function-patch-and-transform/example/composition.yaml',
      'crossplane/examples/function-patch-and-transform/example/functions.yaml',
      'crossplane/examples/docs/content/v2.3/manifests/get-started/composition/fn-patch-and-transform.yaml',
      'crossplane/examples/docs/content/v2.3/manifests/get-started/composition/xrd.yaml',
      'crossplane/examples/crossplane/test/e2e/manifests/apiextensions/composition/basic-namespaced/setup/composition.yaml',
      'crossplane/examples/crossplane/test/e2e/manifests/apiextensions/composition/basic-namespaced/setup/definition.yaml',
      'crossplane/examples/provider-upjet-azure/examples/azure/namespaced/v1beta1/providerconfig.yaml',
    ];
    // The provider-upjet-azure sample Secret holds a placeholder, not base64 (the API server refuses it too).
    const placeholder = 'providerconfig.yaml#0: Secret/upbound-system/example-azure-creds: data.creds: must be a valid byte';
    for (const f of files) {
      expect({ f, issues: messages(v.validate(asInputs(exampleDocs(f), path.basename(f)))).filter((m) => m !== placeholder) }).toEqual({ f, issues: [] });
    }
    expect(v.stats().map((s) => s.key)).toEqual(expect.arrayContaining(['apiextensions.crossplane.io/v1/Composition', 'pt.fn.crossplane.io/v1beta1/Resources']));
  });
});
