// Credentials the scan used to miss, and prototype keys, through the Flux constructs (synth stage).
import { GitRepository, HelmRelease, HelmRepository, Kustomization } from '../../../lib/flux';
import { CorpusCase, CorpusContext } from '../harness';

const HINT = 'keep credentials out of Git: reference a Secret (SealedSecret, SOPS) instead, or call allowPlaintextSecret(obj, reason) if it is not a real credential';

function release(ctx: CorpusContext, values: Record<string, unknown>): HelmRelease {
  const repository = new HelmRepository(ctx.folder, 'charts', { name: 'bitnami', url: 'https://charts.bitnami.com/bitnami' });
  return new HelmRelease(ctx.folder, 'db', { name: 'db', chart: { repository, chart: 'postgresql' }, values });
}

export const SECRET_CASES: CorpusCase[] = [
  {
    id: 'secrets-helm-values-camelcase', title: 'password in nested Helm values under a camelCase key', category: 'inline-secrets', stage: 'synth',
    path: 'platform/apps/db/Resource', prop: 'spec.values.auth.postgresPassword', rule: 'looks like a literal value of the credential-named field postgresPassword',
    message: `platform/apps/db/Resource: HelmRelease/apps/db: spec.values.auth.postgresPassword: looks like a literal value of the credential-named field postgresPassword; ${HINT}`,
    build: (ctx) => release(ctx, { auth: { postgresPassword: 'hunter2', existingSecret: '' } }),
  },
  {
    id: 'secrets-flux-substitute', title: 'password in a Flux postBuild.substitute variable', category: 'inline-secrets', stage: 'synth',
    path: 'platform/apps/apps/Resource', prop: 'spec.postBuild.substitute.DB_PASSWORD', rule: 'looks like a literal value of the credential-named field DB_PASSWORD',
    message: `platform/apps/apps/Resource: Kustomization/apps/apps: spec.postBuild.substitute.DB_PASSWORD: looks like a literal value of the credential-named field DB_PASSWORD; ${HINT}`,
    build: (ctx) => {
      const source = new GitRepository(ctx.folder, 'src', { name: 'src', url: 'https://github.com/contoso/apps' });
      new Kustomization(ctx.folder, 'apps', { name: 'apps', source, path: './apps', prune: true, substitute: { DB_PASSWORD: 'hunter2', REQUIRE_PASSWORD: 'true' } });
    },
  },
  {
    id: 'secrets-helm-values-sas-url', title: 'storage SAS URL in Helm values', category: 'inline-secrets', stage: 'synth',
    path: 'platform/apps/db/Resource', prop: 'spec.values.backup.url', rule: 'looks like an Azure shared access signature (sig=)',
    message: `platform/apps/db/Resource: HelmRelease/apps/db: spec.values.backup.url: looks like an Azure shared access signature (sig=); ${HINT}`,
    build: (ctx) => release(ctx, { backup: { url: 'https://backups.blob.core.windows.net/pg?sv=2022-11-02&sp=rw&sig=Zm9vYmFyYmF6cXV4Zm9vYmFy%3D' } }),
  },
  {
    id: 'secrets-helm-values-constructor-key', title: 'Helm values with a key named constructor', category: 'combinations', stage: 'synth',
    path: 'platform/apps/db/Resource', prop: 'spec.values.constructor', rule: 'a key named "constructor" cannot be rendered',
    message: 'platform/apps/db/Resource: HelmRelease "db": spec.values.constructor: a key named "constructor" cannot be rendered (cdk8s drops "__proto__" and fails on "constructor"); rename the key, or pass the data as a file (a ConfigMap generator, HelmRelease valuesFrom)',
    build: (ctx) => release(ctx, JSON.parse('{"constructor":{"replicas":2}}')),
  },
];
