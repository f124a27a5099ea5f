// Bad inputs caught by the engine (GitOpsApp, Folder, secret hygiene, destroy guard, validation).
import { ApiObject, Chart } from 'cdk8s';
import { ResourceGroup, StorageAccount } from '../../../lib/aso';
import { RemovalPolicy } from '../../../lib/core/removal-policy';
import { CorpusCase } from '../harness';

const KEEP_OUT = 'keep credentials out of Git: reference a Secret (SealedSecret, SOPS) instead, or call allowPlaintextSecret(obj, reason) if it is not a real credential';

export const ENGINE_CASES: CorpusCase[] = [
  {
    id: 'engine-plaintext-secret', title: 'core Secret with data in Git', category: 'inline-secrets', stage: 'synth',
    path: 'platform/apps/db-credentials', prop: 'data.password', rule: 'plaintext Secret in Git',
    message: 'platform/apps/db-credentials: Secret/apps/db-credentials: plaintext Secret in Git (data.password, data.username): anyone who can read the repo can read it; ' +
      'use a SealedSecret or a SOPS-encrypted Secret, or reference a Secret created outside Git; if this is deliberate, call allowPlaintextSecret(secret, reason)',
    build: (ctx) => new ApiObject(ctx.folder, 'db-credentials', {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-credentials' }, data: { username: 'YWRtaW4=', password: 'aHVudGVyMg==' },
    }),
  },
  {
    id: 'engine-configmap-url-password', title: 'database URL with a password in a ConfigMap', category: 'inline-secrets', stage: 'synth',
    path: 'platform/apps/settings', prop: 'data.DATABASE_URL', rule: 'looks like a URL with a password',
    message: `platform/apps/settings: ConfigMap/apps/settings: data.DATABASE_URL: looks like a URL with a password; ${KEEP_OUT}`,
    build: (ctx) => new ApiObject(ctx.folder, 'settings', {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { DATABASE_URL: 'postgres://app:hunter2@db.example.com:5432/app' },
    }),
  },
  {
    id: 'engine-object-outside-folder', title: 'object in a plain cdk8s Chart, outside any Folder', category: 'paths', stage: 'synth',
    path: 'loose/stray', prop: 'ConfigMap "stray"', rule: 'is not inside a Folder; create it in a Folder of a Repo',
    message: 'loose/stray: ConfigMap "stray" is not inside a Folder; create it in a Folder of a Repo',
    build: (ctx) => new ApiObject(new Chart(ctx.app, 'loose'), 'stray', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stray' } }),
  },
  {
    id: 'engine-folder-path-uppercase', title: 'folder path with uppercase letters', category: 'paths', stage: 'construct', plainError: true,
    path: 'platform/Apps--Prod', prop: 'path',
    rule: '"Apps/Prod" is not a valid folder path: use relative, "/"-separated segments of lowercase letters, digits, ".", "_" and "-" (e.g. "clusters/mgmt")',
    build: (ctx) => ctx.repo.folder('Apps/Prod'),
  },
  {
    id: 'engine-label-value-invalid', title: 'label value with a space (metadata validation of a raw object)', category: 'names', stage: 'synth',
    path: 'platform/apps/settings', prop: 'metadata.labels.team', rule: 'invalid label value "team a"',
    message: 'platform/apps/settings: ConfigMap/apps/settings: metadata.labels.team: invalid label value "team a": must be empty or consist of alphanumerics, \'-\', \'_\' or \'.\', starting and ending with an alphanumeric',
    build: (ctx) => new ApiObject(ctx.folder, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', labels: { team: 'team a' } } }),
  },
  {
    id: 'engine-invalid-removal-policy', title: 'removal policy that is not a RemovalPolicy', category: 'combinations', stage: 'construct', plainError: true,
    path: 'platform/apps/rg/Resource', prop: 'removalPolicy', rule: '"orphan" is not a RemovalPolicy (RETAIN, DESTROY or SKIP)',
    build: (ctx) => new ResourceGroup(ctx.folder, 'rg', { name: 'rg-files', location: 'westeurope', removalPolicy: 'orphan' as RemovalPolicy }),
  },
  {
    id: 'engine-protected-deletion', title: 'resource group removed from the app (its file would be deleted)', category: 'protected-deletions', stage: 'synth',
    path: 'platform/apps/rg/Resource', prop: 'ResourceGroup/apps/rg-files', rule: 'would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected',
    message: 'platform/apps/rg/Resource (platform/apps/resourcegroup-rg-files.yaml): ResourceGroup/apps/rg-files would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: ' +
      'stateful kind resources.azure.com/ResourceGroup; retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false); retained (serviceoperator.azure.com/reconcile-policy: detach-on-delete). ' +
      'To allow it, add \'platform::ResourceGroup/apps/rg-files\' to the GitOpsApp prop allowDestroy or pass --allow-destroy platform::ResourceGroup/apps/rg-files',
    before: (ctx) => new ResourceGroup(ctx.folder, 'rg', { name: 'rg-files', location: 'westeurope' }),
    build: (ctx) => new ApiObject(ctx.folder, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } }),
  },
  {
    id: 'engine-protected-rename', title: 'storage account renamed (the old account would be deleted)', category: 'protected-deletions', stage: 'synth',
    path: 'platform/apps/st/Resource', prop: 'StorageAccount/apps/stfiles', rule: 'would be renamed to StorageAccount/apps/stfiles2 (the old object is retained: it stays on the cluster, out of Git, beside the new one), but it is protected',
    message: 'platform/apps/st/Resource (platform/apps/storageaccount-stfiles.yaml): StorageAccount/apps/stfiles would be renamed to StorageAccount/apps/stfiles2 (the old object is retained: it stays on the cluster, out of Git, beside the new one), ' +
      'but it is protected: stateful kind storage.azure.com/StorageAccount; retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false); ' +
      'retained (serviceoperator.azure.com/reconcile-policy: detach-on-delete). To allow it, add \'platform::StorageAccount/apps/stfiles\' to the GitOpsApp prop allowDestroy ' +
      'or pass --allow-destroy platform::StorageAccount/apps/stfiles',
    before: (ctx) => new StorageAccount(ctx.folder, 'st', { name: 'stfiles', resourceGroup: new ResourceGroup(ctx.folder, 'rg', { name: 'rg-files', location: 'westeurope' }) }),
    build: (ctx) => new StorageAccount(ctx.folder, 'st', { name: 'stfiles2', resourceGroup: new ResourceGroup(ctx.folder, 'rg', { name: 'rg-files', location: 'westeurope' }) }),
  },
  {
    id: 'engine-protected-namespace-deletion', title: 'Namespace removed while it holds a retained resource group', category: 'protected-deletions', stage: 'synth',
    path: 'platform/apps/ns', prop: 'Namespace/apps', rule: 'would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected',
    message: 'platform/apps/ns (platform/apps/namespace-apps.yaml): Namespace/apps would be removed from Git (it is retained: it stays on the cluster, no longer managed), but it is protected: retained (kustomize.toolkit.fluxcd.io/prune: disabled); retained (argocd.argoproj.io/sync-options: Delete=false,Prune=false); ' +
      'holds protected objects (deleting a Namespace deletes everything in it): ResourceGroup/apps/rg-files. ' +
      'To allow it, add \'platform::Namespace/apps\' to the GitOpsApp prop allowDestroy or pass --allow-destroy platform::Namespace/apps',
    before: (ctx) => {
      new ApiObject(ctx.folder, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
      new ResourceGroup(ctx.folder, 'rg', { name: 'rg-files', location: 'westeurope' });
    },
    build: (ctx) => new ResourceGroup(ctx.folder, 'rg', { name: 'rg-files', location: 'westeurope' }),
  },
];
