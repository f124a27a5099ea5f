// Construct bugs the fuzz found, each with the exact counterexample. The fuzz counts a failure
// matching an entry as "known" instead of failing (and prints the count), and fuzz.test.ts checks
// that every counterexample still fails exactly this way: fix the construct, then delete the entry.
import { KnownFinding } from './harness';

export const KNOWN_FINDINGS: readonly KnownFinding[] = [
  {
    id: 'argocd-git-generator-plain-error',
    targets: ['ApplicationSet'],
    description:
      'GitGenerator.directories (a static factory without a scope) throws a plain Error without construct path or prop for an empty ' +
      'list, folders of two repos, or a repo without url; the ApplicationSet using it should report `prop "generators[i]"` instead',
    counterexample: {
      target: 'ApplicationSet',
      spec: {
        name: 'a', namespace: undefined, labels: undefined, subscriptions: undefined, generators: [{ kind: 'git', envs: [] }],
        path: 'apps/dev', templateName: 'static', destination: { server: 'https://kubernetes.default.svc', namespace: 'apps' },
        automated: undefined, prune: undefined, selfHeal: undefined, syncOptions: undefined, cascadeDelete: undefined, templateLabels: undefined, preserveResourcesOnDeletion: undefined,
      },
    },
    message: /^GitGenerator\.directories: /,
  },
  {
    id: 'crossplane-managed-resource-without-name',
    targets: ['PolicyDefinition', 'ResourceGroupPolicyAssignment', 'AzureRoleAssignment'],
    description:
      'An upjet-azure managed resource (AzureManagedResource: PolicyDefinition, ResourceGroupPolicyAssignment, RoleAssignment) created in a folder ' +
      'without `name` renders no metadata.name, although `name` is documented "@default - generated from the construct path": the base passes ' +
      '`metadata: { name: props.name }` to ApiObject, and the explicit `name: undefined` overrides the name cdk8s generated, so synth fails with ' +
      'a schema error instead (lib/crossplane/managed-resource.ts; in a composition base the name must stay unset)',
    counterexample: { target: 'PolicyDefinition', spec: { managed: {}, displayName: 'Allowed locations (team)', rule: 0 } },
    message: /: metadata\.name: required field missing: "name"/,
  },
  {
    id: 'gitops-overlay-path-taken',
    targets: ['Overlay'],
    description:
      'repo.overlay(path) (and repo.component(path)) at a path that already has a folder throws the constructs library\'s plain Error ' +
      '"There is already a Construct with name ..." instead of a PropError naming the repo and the path, as repo.folder() does ' +
      '(lib/gitops/repo.ts)',
    counterexample: { target: 'Overlay', spec: { base: 'self', patches: [], images: [], overlayObject: false } },
    message: /^There is already a Construct with name '[^']+' in Repo /,
  },
  {
    id: 'crossplane-storage-grant-without-account',
    targets: ['AzureRoleAssignment'],
    description:
      'RoleAssignment.grantStorageBlobData*() without storageAccountId (documented "@default - none: patched in a composition") ' +
      'creates a standalone RoleAssignment in a folder with no scope, which fails the CRD\'s CEL rule at synth ' +
      '("spec.forProvider.scope is a required parameter") instead of a prop error; only a composition base may leave it out ' +
      '(the same holds for RoleAssignment without scope or principalId)',
    counterexample: {
      target: 'AzureRoleAssignment',
      spec: { managed: { name: 'a' }, role: { role: 'x' }, subscriptionId: '3f2b8c1e-5d47-4a9e-9c61-2b7e0d4f8a90', principalId: '00000000-0000-1000-8000-000000000000', storageGrant: { reader: false } },
    },
    message: /: spec: failed rule: spec\.forProvider\.(scope|principalId) is a required parameter/,
  },
];
