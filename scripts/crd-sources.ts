/**
 * The pinned list of upstream CRDs that `npm run import` (scripts/import-crds.ts) turns into
 * imports/<module>/<group>.ts (cdk8s classes) and imports/schemas/ (validation schemas).
 *
 * Every entry names:
 * - `mirrorPath`: the file under the offline mirror (CDK8S_PLATFORM_CRD_MIRROR, default ../shared/crds),
 * - `url`: the upstream raw file at the pinned release tag (fetched by `npm run import -- --online`),
 * - `versions`: the API version(s) kept. The FIRST one becomes the unsuffixed class (e.g. `Cluster`);
 *   any further one gets the version suffix cdk8s generates (e.g. `CompositeResourceDefinitionV1`),
 * - `module`: the output folder imports/<module>/.
 * Bundled upstream files (ASO's CRDs, vendored by CAPZ as one multi-document config/aso/crds.yaml)
 * name the CRD to pick with `select` (its metadata.name). `derived` entries are CRDs built from a
 * datreeio/CRDs-catalog JSON Schema (see "Derived files" in ../shared/crds/SOURCES.md); `url` is then
 * the JSON Schema, and `derived` holds the names needed to wrap it into a CRD again.
 *
 * Upstream repos, paths and tags come from ../shared/crds/SOURCES.md. To add a CRD: add an entry here
 * and run `npm run import`.
 */

export type ModuleName = 'capi' | 'capz' | 'aso' | 'flux' | 'crossplane' | 'extras';

export interface DerivedCrd {
  /** API group, e.g. keyvault.azure.com */
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
}

export interface CrdSource {
  readonly module: ModuleName;
  readonly mirrorPath: string;
  readonly url: string;
  /** API versions to keep; the first one generates the class without a version suffix. */
  readonly versions: readonly string[];
  /** metadata.name of the CRD inside a multi-document upstream bundle. */
  readonly select?: string;
  /** Set for CRDs derived from a catalog JSON Schema (url points at the JSON Schema). */
  readonly derived?: DerivedCrd;
}

const GH = 'https://raw.githubusercontent.com';
const CAPI = `${GH}/kubernetes-sigs/cluster-api/v1.14.0`;
const CAPZ = `${GH}/kubernetes-sigs/cluster-api-provider-azure/v1.26.0/config/crd/bases`;
/** ASO v2.16.1 CRDs as vendored (one multi-document file) by CAPZ v1.24.2. */
const ASO_BUNDLE = `${GH}/kubernetes-sigs/cluster-api-provider-azure/v1.24.2/config/aso/crds.yaml`;
/** datreeio/CRDs-catalog has no release tags: pinned to the commit recorded in SOURCES.md. */
const CATALOG = `${GH}/datreeio/CRDs-catalog/7b1e26ef9deea49293714d204c1a2270aab1178f`;
const FLUX_SOURCE = `${GH}/fluxcd/source-controller/v1.9.1/config/crd/bases`;
const FLUX_KUSTOMIZE = `${GH}/fluxcd/kustomize-controller/v1.9.4/config/crd/bases`;
const FLUX_HELM = `${GH}/fluxcd/helm-controller/v1.6.3/config/crd/bases`;
const FLUX_NOTIFICATION = `${GH}/fluxcd/notification-controller/v1.9.3/config/crd/bases`;
/** source-watcher (ArtifactGenerator), a `flux bootstrap --components-extra` controller since Flux 2.7. */
const FLUX_SOURCE_WATCHER = `${GH}/fluxcd/source-watcher/v2.2.1/config/crd/bases`;
const XP = `${GH}/crossplane/crossplane/v2.3.4/cluster/crds`;
const XP_PT = `${GH}/crossplane-contrib/function-patch-and-transform/v0.10.8/package/input`;
const UPJET = `${GH}/crossplane-contrib/provider-upjet-azure/v2.7.0/package/crds`;
const ARGOCD = `${GH}/argoproj/argo-cd/v3.5.1/manifests/crds`;
const KRO = `${GH}/kubernetes-sigs/kro/v0.9.3/helm/crds`;
const SEALED_SECRETS = `${GH}/bitnami-labs/sealed-secrets/v0.36.6/helm/sealed-secrets/crds`;

export const CRD_SOURCES: readonly CrdSource[] = [
  // ---- capi: Cluster API v1.14.0, v1beta2 (storage) only ----
  { module: 'capi', mirrorPath: 'capi/cluster.x-k8s.io_clusters.yaml', url: `${CAPI}/core/config/crd/bases/cluster.x-k8s.io_clusters.yaml`, versions: ['v1beta2'] },
  { module: 'capi', mirrorPath: 'capi/cluster.x-k8s.io_clusterclasses.yaml', url: `${CAPI}/core/config/crd/bases/cluster.x-k8s.io_clusterclasses.yaml`, versions: ['v1beta2'] },
  { module: 'capi', mirrorPath: 'capi/cluster.x-k8s.io_machinepools.yaml', url: `${CAPI}/core/config/crd/bases/cluster.x-k8s.io_machinepools.yaml`, versions: ['v1beta2'] },
  { module: 'capi', mirrorPath: 'capi/cluster.x-k8s.io_machinedeployments.yaml', url: `${CAPI}/core/config/crd/bases/cluster.x-k8s.io_machinedeployments.yaml`, versions: ['v1beta2'] },
  { module: 'capi', mirrorPath: 'capi/cluster.x-k8s.io_machinehealthchecks.yaml', url: `${CAPI}/core/config/crd/bases/cluster.x-k8s.io_machinehealthchecks.yaml`, versions: ['v1beta2'] },
  { module: 'capi', mirrorPath: 'capi/addons.cluster.x-k8s.io_clusterresourcesets.yaml', url: `${CAPI}/core/config/crd/bases/addons.cluster.x-k8s.io_clusterresourcesets.yaml`, versions: ['v1beta2'] },
  { module: 'capi', mirrorPath: 'capi/controlplane.cluster.x-k8s.io_kubeadmcontrolplanes.yaml', url: `${CAPI}/controlplane/kubeadm/config/crd/bases/controlplane.cluster.x-k8s.io_kubeadmcontrolplanes.yaml`, versions: ['v1beta2'] },
  { module: 'capi', mirrorPath: 'capi/controlplane.cluster.x-k8s.io_kubeadmcontrolplanetemplates.yaml', url: `${CAPI}/controlplane/kubeadm/config/crd/bases/controlplane.cluster.x-k8s.io_kubeadmcontrolplanetemplates.yaml`, versions: ['v1beta2'] },
  { module: 'capi', mirrorPath: 'capi/bootstrap.cluster.x-k8s.io_kubeadmconfigtemplates.yaml', url: `${CAPI}/bootstrap/kubeadm/config/crd/bases/bootstrap.cluster.x-k8s.io_kubeadmconfigtemplates.yaml`, versions: ['v1beta2'] },

  // ---- capz: Cluster API Provider Azure v1.26.0, v1beta1 ----
  { module: 'capz', mirrorPath: 'capz/infrastructure.cluster.x-k8s.io_azureasomanagedclusters.yaml', url: `${CAPZ}/infrastructure.cluster.x-k8s.io_azureasomanagedclusters.yaml`, versions: ['v1beta1'] },
  { module: 'capz', mirrorPath: 'capz/infrastructure.cluster.x-k8s.io_azureasomanagedclustertemplates.yaml', url: `${CAPZ}/infrastructure.cluster.x-k8s.io_azureasomanagedclustertemplates.yaml`, versions: ['v1beta1'] },
  { module: 'capz', mirrorPath: 'capz/infrastructure.cluster.x-k8s.io_azureasomanagedcontrolplanes.yaml', url: `${CAPZ}/infrastructure.cluster.x-k8s.io_azureasomanagedcontrolplanes.yaml`, versions: ['v1beta1'] },
  { module: 'capz', mirrorPath: 'capz/infrastructure.cluster.x-k8s.io_azureasomanagedcontrolplanetemplates.yaml', url: `${CAPZ}/infrastructure.cluster.x-k8s.io_azureasomanagedcontrolplanetemplates.yaml`, versions: ['v1beta1'] },
  { module: 'capz', mirrorPath: 'capz/infrastructure.cluster.x-k8s.io_azureasomanagedmachinepools.yaml', url: `${CAPZ}/infrastructure.cluster.x-k8s.io_azureasomanagedmachinepools.yaml`, versions: ['v1beta1'] },
  { module: 'capz', mirrorPath: 'capz/infrastructure.cluster.x-k8s.io_azureasomanagedmachinepooltemplates.yaml', url: `${CAPZ}/infrastructure.cluster.x-k8s.io_azureasomanagedmachinepooltemplates.yaml`, versions: ['v1beta1'] },
  { module: 'capz', mirrorPath: 'capz/infrastructure.cluster.x-k8s.io_azureclusters.yaml', url: `${CAPZ}/infrastructure.cluster.x-k8s.io_azureclusters.yaml`, versions: ['v1beta1'] },
  { module: 'capz', mirrorPath: 'capz/infrastructure.cluster.x-k8s.io_azureclustertemplates.yaml', url: `${CAPZ}/infrastructure.cluster.x-k8s.io_azureclustertemplates.yaml`, versions: ['v1beta1'] },
  { module: 'capz', mirrorPath: 'capz/infrastructure.cluster.x-k8s.io_azuremachinetemplates.yaml', url: `${CAPZ}/infrastructure.cluster.x-k8s.io_azuremachinetemplates.yaml`, versions: ['v1beta1'] },
  { module: 'capz', mirrorPath: 'capz/infrastructure.cluster.x-k8s.io_azureclusteridentities.yaml', url: `${CAPZ}/infrastructure.cluster.x-k8s.io_azureclusteridentities.yaml`, versions: ['v1beta1'] },

  // ---- aso: Azure Service Operator v2 (CRDs v2.16.1 via CAPZ v1.24.2 config/aso/crds.yaml) ----
  { module: 'aso', mirrorPath: 'aso/resources.azure.com_resourcegroups.yaml', url: ASO_BUNDLE, select: 'resourcegroups.resources.azure.com', versions: ['v1api20200601'] },
  { module: 'aso', mirrorPath: 'aso/containerservice.azure.com_managedclusters.yaml', url: ASO_BUNDLE, select: 'managedclusters.containerservice.azure.com', versions: ['v1api20250801'] },
  { module: 'aso', mirrorPath: 'aso/containerservice.azure.com_managedclustersagentpools.yaml', url: ASO_BUNDLE, select: 'managedclustersagentpools.containerservice.azure.com', versions: ['v1api20250801'] },
  { module: 'aso', mirrorPath: 'aso/network.azure.com_virtualnetworks.yaml', url: ASO_BUNDLE, select: 'virtualnetworks.network.azure.com', versions: ['v1api20240301'] },
  { module: 'aso', mirrorPath: 'aso/network.azure.com_virtualnetworkssubnets.yaml', url: ASO_BUNDLE, select: 'virtualnetworkssubnets.network.azure.com', versions: ['v1api20240301'] },
  // aso/derived: CRDs wrapped around datreeio/CRDs-catalog JSON Schemas (single version each)
  { module: 'aso', mirrorPath: 'aso/derived/dbforpostgresql.azure.com_flexibleservers.yaml', url: `${CATALOG}/dbforpostgresql.azure.com/flexibleserver_v1api20240801.json`, versions: ['v1api20240801'], derived: { group: 'dbforpostgresql.azure.com', kind: 'FlexibleServer', plural: 'flexibleservers' } },
  { module: 'aso', mirrorPath: 'aso/derived/dbforpostgresql.azure.com_flexibleserversdatabases.yaml', url: `${CATALOG}/dbforpostgresql.azure.com/flexibleserversdatabase_v1api20240801.json`, versions: ['v1api20240801'], derived: { group: 'dbforpostgresql.azure.com', kind: 'FlexibleServersDatabase', plural: 'flexibleserversdatabases' } },
  { module: 'aso', mirrorPath: 'aso/derived/dbforpostgresql.azure.com_flexibleserversfirewallrules.yaml', url: `${CATALOG}/dbforpostgresql.azure.com/flexibleserversfirewallrule_v1api20240801.json`, versions: ['v1api20240801'], derived: { group: 'dbforpostgresql.azure.com', kind: 'FlexibleServersFirewallRule', plural: 'flexibleserversfirewallrules' } },
  { module: 'aso', mirrorPath: 'aso/derived/dbforpostgresql.azure.com_flexibleserversconfigurations.yaml', url: `${CATALOG}/dbforpostgresql.azure.com/flexibleserversconfiguration_v1api20240801.json`, versions: ['v1api20240801'], derived: { group: 'dbforpostgresql.azure.com', kind: 'FlexibleServersConfiguration', plural: 'flexibleserversconfigurations' } },
  { module: 'aso', mirrorPath: 'aso/derived/storage.azure.com_storageaccounts.yaml', url: `${CATALOG}/storage.azure.com/storageaccount_v1api20230101.json`, versions: ['v1api20230101'], derived: { group: 'storage.azure.com', kind: 'StorageAccount', plural: 'storageaccounts' } },
  { module: 'aso', mirrorPath: 'aso/derived/storage.azure.com_storageaccountsblobservices.yaml', url: `${CATALOG}/storage.azure.com/storageaccountsblobservice_v1api20230101.json`, versions: ['v1api20230101'], derived: { group: 'storage.azure.com', kind: 'StorageAccountsBlobService', plural: 'storageaccountsblobservices' } },
  { module: 'aso', mirrorPath: 'aso/derived/storage.azure.com_storageaccountsblobservicescontainers.yaml', url: `${CATALOG}/storage.azure.com/storageaccountsblobservicescontainer_v1api20230101.json`, versions: ['v1api20230101'], derived: { group: 'storage.azure.com', kind: 'StorageAccountsBlobServicesContainer', plural: 'storageaccountsblobservicescontainers' } },
  { module: 'aso', mirrorPath: 'aso/derived/managedidentity.azure.com_userassignedidentities.yaml', url: `${CATALOG}/managedidentity.azure.com/userassignedidentity_v1api20230131.json`, versions: ['v1api20230131'], derived: { group: 'managedidentity.azure.com', kind: 'UserAssignedIdentity', plural: 'userassignedidentities' } },
  { module: 'aso', mirrorPath: 'aso/derived/managedidentity.azure.com_federatedidentitycredentials.yaml', url: `${CATALOG}/managedidentity.azure.com/federatedidentitycredential_v1api20230131.json`, versions: ['v1api20230131'], derived: { group: 'managedidentity.azure.com', kind: 'FederatedIdentityCredential', plural: 'federatedidentitycredentials' } },
  { module: 'aso', mirrorPath: 'aso/derived/keyvault.azure.com_vaults.yaml', url: `${CATALOG}/keyvault.azure.com/vault_v1api20230701.json`, versions: ['v1api20230701'], derived: { group: 'keyvault.azure.com', kind: 'Vault', plural: 'vaults' } },
  { module: 'aso', mirrorPath: 'aso/derived/authorization.azure.com_roleassignments.yaml', url: `${CATALOG}/authorization.azure.com/roleassignment_v1api20220401.json`, versions: ['v1api20220401'], derived: { group: 'authorization.azure.com', kind: 'RoleAssignment', plural: 'roleassignments' } },
  { module: 'aso', mirrorPath: 'aso/derived/network.azure.com_privateendpoints.yaml', url: `${CATALOG}/network.azure.com/privateendpoint_v1api20240301.json`, versions: ['v1api20240301'], derived: { group: 'network.azure.com', kind: 'PrivateEndpoint', plural: 'privateendpoints' } },
  { module: 'aso', mirrorPath: 'aso/derived/network.azure.com_privateendpointsprivatednszonegroups.yaml', url: `${CATALOG}/network.azure.com/privateendpointsprivatednszonegroup_v1api20240301.json`, versions: ['v1api20240301'], derived: { group: 'network.azure.com', kind: 'PrivateEndpointsPrivateDnsZoneGroup', plural: 'privateendpointsprivatednszonegroups' } },
  { module: 'aso', mirrorPath: 'aso/derived/network.azure.com_privatednszones.yaml', url: `${CATALOG}/network.azure.com/privatednszone_v1api20240601.json`, versions: ['v1api20240601'], derived: { group: 'network.azure.com', kind: 'PrivateDnsZone', plural: 'privatednszones' } },
  { module: 'aso', mirrorPath: 'aso/derived/network.azure.com_privatednszonesvirtualnetworklinks.yaml', url: `${CATALOG}/network.azure.com/privatednszonesvirtualnetworklink_v1api20240601.json`, versions: ['v1api20240601'], derived: { group: 'network.azure.com', kind: 'PrivateDnsZonesVirtualNetworkLink', plural: 'privatednszonesvirtualnetworklinks' } },

  // ---- flux ----
  { module: 'flux', mirrorPath: 'flux/source.toolkit.fluxcd.io_gitrepositories.yaml', url: `${FLUX_SOURCE}/source.toolkit.fluxcd.io_gitrepositories.yaml`, versions: ['v1'] },
  { module: 'flux', mirrorPath: 'flux/source.toolkit.fluxcd.io_ocirepositories.yaml', url: `${FLUX_SOURCE}/source.toolkit.fluxcd.io_ocirepositories.yaml`, versions: ['v1'] },
  { module: 'flux', mirrorPath: 'flux/source.toolkit.fluxcd.io_helmrepositories.yaml', url: `${FLUX_SOURCE}/source.toolkit.fluxcd.io_helmrepositories.yaml`, versions: ['v1'] },
  { module: 'flux', mirrorPath: 'flux/kustomize.toolkit.fluxcd.io_kustomizations.yaml', url: `${FLUX_KUSTOMIZE}/kustomize.toolkit.fluxcd.io_kustomizations.yaml`, versions: ['v1'] },
  { module: 'flux', mirrorPath: 'flux/helm.toolkit.fluxcd.io_helmreleases.yaml', url: `${FLUX_HELM}/helm.toolkit.fluxcd.io_helmreleases.yaml`, versions: ['v2'] },
  { module: 'flux', mirrorPath: 'flux/notification.toolkit.fluxcd.io_providers.yaml', url: `${FLUX_NOTIFICATION}/notification.toolkit.fluxcd.io_providers.yaml`, versions: ['v1beta3'] },
  { module: 'flux', mirrorPath: 'flux/notification.toolkit.fluxcd.io_alerts.yaml', url: `${FLUX_NOTIFICATION}/notification.toolkit.fluxcd.io_alerts.yaml`, versions: ['v1beta3'] },
  { module: 'flux', mirrorPath: 'flux/source.extensions.fluxcd.io_artifactgenerators.yaml', url: `${FLUX_SOURCE_WATCHER}/source.extensions.fluxcd.io_artifactgenerators.yaml`, versions: ['v1beta1'] },

  // ---- crossplane: core v2.3.4 ----
  // XRD keeps both versions: v2 -> class CompositeResourceDefinition, v1 (deprecated) -> CompositeResourceDefinitionV1.
  { module: 'crossplane', mirrorPath: 'crossplane/apiextensions.crossplane.io_compositeresourcedefinitions.yaml', url: `${XP}/apiextensions.crossplane.io_compositeresourcedefinitions.yaml`, versions: ['v2', 'v1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/apiextensions.crossplane.io_compositions.yaml', url: `${XP}/apiextensions.crossplane.io_compositions.yaml`, versions: ['v1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/apiextensions.crossplane.io_environmentconfigs.yaml', url: `${XP}/apiextensions.crossplane.io_environmentconfigs.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/apiextensions.crossplane.io_managedresourceactivationpolicies.yaml', url: `${XP}/apiextensions.crossplane.io_managedresourceactivationpolicies.yaml`, versions: ['v1alpha1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/pkg.crossplane.io_providers.yaml', url: `${XP}/pkg.crossplane.io_providers.yaml`, versions: ['v1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/pkg.crossplane.io_functions.yaml', url: `${XP}/pkg.crossplane.io_functions.yaml`, versions: ['v1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/pkg.crossplane.io_configurations.yaml', url: `${XP}/pkg.crossplane.io_configurations.yaml`, versions: ['v1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/pkg.crossplane.io_deploymentruntimeconfigs.yaml', url: `${XP}/pkg.crossplane.io_deploymentruntimeconfigs.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/protection.crossplane.io_usages.yaml', url: `${XP}/protection.crossplane.io_usages.yaml`, versions: ['v1beta1'] },
  // function-patch-and-transform v0.10.8 pipeline input
  { module: 'crossplane', mirrorPath: 'crossplane/pt.fn.crossplane.io_resources.yaml', url: `${XP_PT}/pt.fn.crossplane.io_resources.yaml`, versions: ['v1beta1'] },
  // provider-upjet-azure v2.7.0: provider configs
  { module: 'crossplane', mirrorPath: 'crossplane/azure.upbound.io_providerconfigs.yaml', url: `${UPJET}/azure.upbound.io_providerconfigs.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/azure.m.upbound.io_providerconfigs.yaml', url: `${UPJET}/azure.m.upbound.io_providerconfigs.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/azure.m.upbound.io_clusterproviderconfigs.yaml', url: `${UPJET}/azure.m.upbound.io_clusterproviderconfigs.yaml`, versions: ['v1beta1'] },
  // provider-upjet-azure v2.7.0: managed resources, namespaced *.azure.m.upbound.io (v1beta1 only)
  { module: 'crossplane', mirrorPath: 'crossplane/azure.m.upbound.io_resourcegroups.yaml', url: `${UPJET}/azure.m.upbound.io_resourcegroups.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/containerservice.azure.m.upbound.io_kubernetesclusters.yaml', url: `${UPJET}/containerservice.azure.m.upbound.io_kubernetesclusters.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/containerservice.azure.m.upbound.io_kubernetesclusternodepools.yaml', url: `${UPJET}/containerservice.azure.m.upbound.io_kubernetesclusternodepools.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/dbforpostgresql.azure.m.upbound.io_flexibleservers.yaml', url: `${UPJET}/dbforpostgresql.azure.m.upbound.io_flexibleservers.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/dbforpostgresql.azure.m.upbound.io_flexibleserverdatabases.yaml', url: `${UPJET}/dbforpostgresql.azure.m.upbound.io_flexibleserverdatabases.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/dbforpostgresql.azure.m.upbound.io_flexibleserverfirewallrules.yaml', url: `${UPJET}/dbforpostgresql.azure.m.upbound.io_flexibleserverfirewallrules.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/managedidentity.azure.m.upbound.io_userassignedidentities.yaml', url: `${UPJET}/managedidentity.azure.m.upbound.io_userassignedidentities.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/network.azure.m.upbound.io_virtualnetworks.yaml', url: `${UPJET}/network.azure.m.upbound.io_virtualnetworks.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/network.azure.m.upbound.io_subnets.yaml', url: `${UPJET}/network.azure.m.upbound.io_subnets.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/storage.azure.m.upbound.io_accounts.yaml', url: `${UPJET}/storage.azure.m.upbound.io_accounts.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/storage.azure.m.upbound.io_containers.yaml', url: `${UPJET}/storage.azure.m.upbound.io_containers.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/authorization.azure.m.upbound.io_roleassignments.yaml', url: `${UPJET}/authorization.azure.m.upbound.io_roleassignments.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/authorization.azure.m.upbound.io_policydefinitions.yaml', url: `${UPJET}/authorization.azure.m.upbound.io_policydefinitions.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/authorization.azure.m.upbound.io_resourcegrouppolicyassignments.yaml', url: `${UPJET}/authorization.azure.m.upbound.io_resourcegrouppolicyassignments.yaml`, versions: ['v1beta1'] },
  // provider-upjet-azure v2.7.0: managed resources, cluster-scoped *.azure.upbound.io (storage version: v1beta2 where served)
  { module: 'crossplane', mirrorPath: 'crossplane/azure.upbound.io_resourcegroups.yaml', url: `${UPJET}/azure.upbound.io_resourcegroups.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/containerservice.azure.upbound.io_kubernetesclusters.yaml', url: `${UPJET}/containerservice.azure.upbound.io_kubernetesclusters.yaml`, versions: ['v1beta2'] },
  { module: 'crossplane', mirrorPath: 'crossplane/containerservice.azure.upbound.io_kubernetesclusternodepools.yaml', url: `${UPJET}/containerservice.azure.upbound.io_kubernetesclusternodepools.yaml`, versions: ['v1beta2'] },
  { module: 'crossplane', mirrorPath: 'crossplane/dbforpostgresql.azure.upbound.io_flexibleservers.yaml', url: `${UPJET}/dbforpostgresql.azure.upbound.io_flexibleservers.yaml`, versions: ['v1beta2'] },
  { module: 'crossplane', mirrorPath: 'crossplane/dbforpostgresql.azure.upbound.io_flexibleserverdatabases.yaml', url: `${UPJET}/dbforpostgresql.azure.upbound.io_flexibleserverdatabases.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/dbforpostgresql.azure.upbound.io_flexibleserverfirewallrules.yaml', url: `${UPJET}/dbforpostgresql.azure.upbound.io_flexibleserverfirewallrules.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/managedidentity.azure.upbound.io_userassignedidentities.yaml', url: `${UPJET}/managedidentity.azure.upbound.io_userassignedidentities.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/network.azure.upbound.io_virtualnetworks.yaml', url: `${UPJET}/network.azure.upbound.io_virtualnetworks.yaml`, versions: ['v1beta2'] },
  { module: 'crossplane', mirrorPath: 'crossplane/network.azure.upbound.io_subnets.yaml', url: `${UPJET}/network.azure.upbound.io_subnets.yaml`, versions: ['v1beta2'] },
  { module: 'crossplane', mirrorPath: 'crossplane/storage.azure.upbound.io_accounts.yaml', url: `${UPJET}/storage.azure.upbound.io_accounts.yaml`, versions: ['v1beta2'] },
  { module: 'crossplane', mirrorPath: 'crossplane/storage.azure.upbound.io_containers.yaml', url: `${UPJET}/storage.azure.upbound.io_containers.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/authorization.azure.upbound.io_roleassignments.yaml', url: `${UPJET}/authorization.azure.upbound.io_roleassignments.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/authorization.azure.upbound.io_policydefinitions.yaml', url: `${UPJET}/authorization.azure.upbound.io_policydefinitions.yaml`, versions: ['v1beta1'] },
  { module: 'crossplane', mirrorPath: 'crossplane/authorization.azure.upbound.io_resourcegrouppolicyassignments.yaml', url: `${UPJET}/authorization.azure.upbound.io_resourcegrouppolicyassignments.yaml`, versions: ['v1beta2'] },

  // ---- extras ----
  { module: 'extras', mirrorPath: 'extras/bitnami.com_sealedsecrets.yaml', url: `${SEALED_SECRETS}/bitnami.com_sealedsecrets.yaml`, versions: ['v1alpha1'] },
  // Argo CD v3.5.1 (manifests/crds) and kro v0.9.3 (helm/crds)
  { module: 'extras', mirrorPath: 'extras/argoproj.io_applications.yaml', url: `${ARGOCD}/application-crd.yaml`, versions: ['v1alpha1'] },
  { module: 'extras', mirrorPath: 'extras/argoproj.io_applicationsets.yaml', url: `${ARGOCD}/applicationset-crd.yaml`, versions: ['v1alpha1'] },
  { module: 'extras', mirrorPath: 'extras/argoproj.io_appprojects.yaml', url: `${ARGOCD}/appproject-crd.yaml`, versions: ['v1alpha1'] },
  { module: 'extras', mirrorPath: 'extras/kro.run_resourcegraphdefinitions.yaml', url: `${KRO}/kro.run_resourcegraphdefinitions.yaml`, versions: ['v1alpha1'] },
];
