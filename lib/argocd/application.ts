import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as l1 from '../../imports/extras/argoproj.io';
import { goDuration } from '../core/duration';
import { checkString, DNS_LABEL, propError } from '../core/errors';
import { addReference } from '../core/references';
import { importResource, IPlatformResource, PlatformResource, ResourceImportProps } from '../core/resource';
import { Folder } from '../gitops/folder';
import { Repo } from '../gitops/repo';
import { ARGOCD_CASCADE_FINALIZER } from '../safety/protection';
import { FluxDuration } from '../flux/common';
import { AppProject, IAppProject } from './app-project';
import { ArgoObjectProps, argoIdentity, argoImportProps, ARGOCD_API_VERSION, ARGOCD_GROUP, ClusterTarget, isKubeconfigCluster, renderCluster, subscriptionAnnotations, SYNC_WAVE_ANNOTATION } from './common';
import { isRegistered } from './registration';
import { applySyncWaves, deployedFolders, earlyProvisioningProblems, installsKinds, objectsOf, protectedObjects } from './sync-waves';
import { groupOf } from '../core/validation/metadata';

/** An Argo CD Application: an {@link Application} of the app or an import ({@link Application.fromName}). */
export interface IApplication extends IPlatformResource {}

/** A Helm chart from a chart repository (`spec.source.chart`). */
export interface HelmChartSource {
  /** Chart repository URL (`https://...`, or `oci://...` registry). */
  readonly repoUrl: string;
  /** Chart name. */
  readonly chart: string;
  /** Exact chart version (pinned: no ranges). */
  readonly version: string;
  /** Release name. @default - the Application name */
  readonly releaseName?: string;
  /** Values (`helm.valuesObject`); never secrets. @default - the chart's */
  readonly values?: Record<string, unknown>;
}

/** Where an Application deploys. */
export interface ApplicationDestination {
  /** The cluster: a registered cluster construct, `{ name }` or `{ server }`. @default - in-cluster */
  readonly cluster?: ClusterTarget;
  /** Namespace given to namespaced objects that have none. @default - none (objects keep theirs) */
  readonly namespace?: string;
}

/** Retries of a failed sync (`syncPolicy.retry`). */
export interface SyncRetry {
  /** Attempts (a negative number: unlimited). @default 5; -1 for an Application whose folders install kinds at run time */
  readonly limit?: number;
  /** First backoff. @default '5s' */
  readonly backoff?: FluxDuration;
  /** Factor the backoff grows by. @default 2 */
  readonly factor?: number;
  /** Longest backoff. @default '3m' */
  readonly maxBackoff?: FluxDuration;
  /**
   * Retry with the newest revision instead of the one that failed (`refresh`, Argo CD 3.2+).
   * Without it a sync that can never succeed is retried on its own revision, and auto-sync starts
   * nothing while that operation runs, so with unlimited retries the commit that fixes it is
   * never deployed (argoproj/argo-cd#11494; `controller/appcontroller.go` keeps the operation's
   * revision unless `Retry.Refresh`).
   * @default true when the limit is negative (unlimited), else false
   */
  readonly refresh?: boolean;
}

/** Props of an {@link Application}. */
export interface ApplicationProps extends ArgoObjectProps {
  /** The project the Application belongs to (an {@link AppProject} of the app, or an import). */
  readonly project: IAppProject;
  /**
   * What to deploy: a {@link Folder} of a synthesized {@link Repo} (repo URL from the Repo, path
   * from the folder, never typed), or a Helm chart.
   */
  readonly source: Folder | HelmChartSource;
  /** Revision of the repo. @default - the Repo's branch (folders); the chart version (charts) */
  readonly targetRevision?: string;
  /** Where to deploy. @default - in-cluster, no namespace */
  readonly destination?: ApplicationDestination;
  /**
   * Sync automatically when Git changes (`syncPolicy.automated`).
   * @default true
   */
  readonly automated?: boolean;
  /**
   * Delete objects removed from Git (automated sync only).
   * @default - true, except for folders holding protected objects that Argo CD's prune would delete
   * (stateful kinds without the sync option `Prune=false`, e.g. with `DESTROY`; `RETAIN` objects
   * carry `Prune=false` and keep themselves): false
   */
  readonly prune?: boolean;
  /**
   * Revert changes made on the cluster outside Git (automated sync only).
   * @default true
   */
  readonly selfHeal?: boolean;
  /** Extra sync options (`Name=value`, e.g. `ServerSideApply=true`). @default - none */
  readonly syncOptions?: string[];
  /** Create the destination namespace (`CreateNamespace=true`). @default false */
  readonly createNamespace?: boolean;
  /**
   * Labels and annotations of the namespace `createNamespace` creates
   * (`syncPolicy.managedNamespaceMetadata`: Argo CD sets them on the namespace it creates and
   * keeps them there). Only with `createNamespace`.
   * @default - none
   */
  readonly managedNamespaceMetadata?: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  /**
   * The Application's own sync wave (`argocd.argoproj.io/sync-wave`), when an app of apps
   * deploys it.
   * @default - none (wave 0)
   */
  readonly syncWave?: number;
  /**
   * Give the objects of the deployed folders the sync waves of `syncWaveOf` (establishers
   * before their kinds), and skip the dry run of kinds installed during the sync.
   * @default true
   */
  readonly syncWaves?: boolean;
  /**
   * Retries of failed syncs; `false` for none. A deployed folder that installs kinds at run time
   * (CRDs, Crossplane packages) retries without limit by default: its first syncs fail until what
   * it installs is healthy (a Crossplane Provider is Degraded while it unpacks), and after the last
   * retry Argo CD no longer auto-syncs that revision.
   * @default { limit: 5 (-1, unlimited, when the folders install kinds), backoff: '5s', factor: 2, maxBackoff: '3m' }
   */
  readonly retry?: SyncRetry | false;
  /**
   * Delete what the Application deployed when it is deleted (finalizer
   * `resources-finalizer.argocd.argoproj.io`). Objects with `RemovalPolicy.RETAIN` carry
   * `Delete=false` and are kept; the synth's destroy guard refuses to delete an Application that
   * would delete other protected objects. An Application that deploys itself or its own AppProject
   * (an app of apps managing itself, `ArgoCdBootstrap`'s root) cannot finish a cascading delete:
   * Argo CD stops while any object it deployed is being deleted (its own object is), and the
   * project waits for every Application using it (argo-cd `controller/appcontroller.go`
   * `finalizeApplicationDeletion`, `finalizeProjectDeletion`; argoproj/argo-cd#1329) — it stays
   * Terminating, and what a first pass deleted (the highest waves first) is gone.
   * @default - true, except for an Application that deploys itself or its AppProject: false
   */
  readonly cascadeDelete?: boolean;
}

const SYNC_OPTION = /^[A-Za-z]+=[A-Za-z0-9.-]+$/;
const CHART_REPO = /^(https:\/\/|oci:\/\/)\S+$/;
const GIT_URL = /^(https?:\/\/|ssh:\/\/|git@)\S+$/;

/**
 * An Argo CD `Application`: deploys a folder of a synthesized repo (or a Helm chart) to a
 * cluster, within a project. Safe by default: objects removed from Git are pruned only when the
 * deployed folders hold no protected object Argo CD's prune would delete (`RETAIN` objects keep
 * themselves with `Prune=false`), establishers get earlier sync waves than the kinds
 * they install, failed syncs are retried, and the project and destination cluster must exist in
 * the app.
 *
 * @example
 * new Application(mgmt, 'team-alpha', {
 *   name: 'team-alpha',
 *   project,
 *   source: teamRepo.folder('deploy'),
 *   destination: { cluster: aksDev, namespace: 'team-alpha' },
 *   subscriptions: [{ trigger: 'on-sync-failed', recipients: ['team-alpha'] }],
 * });
 */
export class Application extends PlatformResource implements IApplication {
  /**
   * Imports an Application owned elsewhere (declared as provided, so references to it resolve).
   * `namespace` defaults to `argocd`, like {@link ArgoObjectProps.namespace}.
   *
   * @example
   * const root = Application.fromName(folder, 'root', { name: 'root' });
   */
  public static fromName(scope: Construct, id: string, props: ResourceImportProps): IApplication {
    return importResource(scope, id, { apiGroup: ARGOCD_GROUP, kind: 'Application', apiVersion: ARGOCD_API_VERSION, nameRule: DNS_LABEL }, argoImportProps(props));
  }

  /** The project. */
  public readonly project: IAppProject;
  /** The folder deployed (folder sources). */
  public readonly folder?: Folder;
  /** The L1 object. */
  public readonly apiObject: l1.Application;
  private readonly options: string[] = [];

  public constructor(scope: Construct, id: string, props: ApplicationProps) {
    super(scope, id);
    const { name, namespace } = argoIdentity(this, props);
    if (!props.project || typeof props.project.name !== 'string') throw propError(this, 'project', 'must be an AppProject (or AppProject.fromName(...))');
    this.project = props.project;
    addReference(this, 'project', { apiGroup: ARGOCD_GROUP, kind: 'AppProject', name: props.project.name, namespace: props.project.namespace });
    const source = renderSource(this, 'source', props.source, props.targetRevision, name);
    this.folder = Folder.isFolder(props.source) ? props.source : undefined;
    const destination = {
      ...renderCluster(this, 'destination.cluster', props.destination?.cluster),
      ...(props.destination?.namespace !== undefined ? { namespace: checkString(this, 'destination.namespace', props.destination.namespace, DNS_LABEL) } : {}),
    };
    const cluster = props.destination?.cluster;
    if (isKubeconfigCluster(cluster)) {
      this.node.addValidation({
        validate: () => (isRegistered(cluster) ? [] : [
          `prop "destination.cluster": cluster "${cluster.clusterName}" is not registered with Argo CD: add it to a CapiClusterRegistration (or pass { name } for a cluster registered elsewhere)`,
        ]),
      });
    }
    for (const o of props.syncOptions ?? []) this.addSyncOption(o);
    if (props.createNamespace) this.addSyncOption('CreateNamespace=true');
    const nsMetadata = props.managedNamespaceMetadata;
    if (nsMetadata && !props.createNamespace) throw propError(this, 'managedNamespaceMetadata', 'is set without createNamespace: Argo CD only sets it on a namespace it creates (CreateNamespace=true)');
    const sortedRecord = (r: Record<string, string> | undefined) => (r && Object.keys(r).length > 0 ? Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1))) : undefined);
    const managedNamespaceMetadata = nsMetadata && (nsMetadata.labels || nsMetadata.annotations)
      ? { ...(sortedRecord(nsMetadata.labels) ? { labels: sortedRecord(nsMetadata.labels) } : {}), ...(sortedRecord(nsMetadata.annotations) ? { annotations: sortedRecord(nsMetadata.annotations) } : {}) }
      : undefined;
    if (props.syncWave !== undefined && !Number.isInteger(props.syncWave)) throw propError(this, 'syncWave', `${props.syncWave} must be an integer`);
    if (props.syncWave !== undefined && props.syncWave < 0 && props.project instanceof AppProject) {
      // A project synced after its Application: the Application is invalid (health Unknown) until
      // its project exists or allows it, and with Application health checks the parent waits on
      // it for ever, before the later wave that would fix the project (argo-cd
      // controller/appcontroller.go refreshAppConditions; gitops-engine sync_context.go). So the
      // project goes no later than its earliest Application's wave.
      const project = props.project;
      const wave = props.syncWave;
      this.node.addValidation({
        validate: () => {
          const current = Number(project.apiObject.metadata.toJson().annotations?.[SYNC_WAVE_ANNOTATION] ?? 0);
          if (!(current <= wave)) project.apiObject.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(wave));
          return [];
        },
      });
    }
    // Checked now; the limit's default is known once the deployed folders are (see `installs`).
    if (props.retry !== false) renderRetry(this, props.retry ?? {});
    const annotations = {
      ...subscriptionAnnotations(this, 'subscriptions', props.subscriptions),
      ...(props.syncWave !== undefined ? { [SYNC_WAVE_ANNOTATION]: String(props.syncWave) } : {}),
    };
    // Worked out late: folders and objects may be added after the Application.
    const folders = () => (this.folder ? deployedFolders(this.folder) : []);
    let installs = false;
    if (this.folder && (props.syncWaves ?? true)) {
      // Run when the app is validated (before anything renders), so late objects get their wave.
      this.node.addValidation({ validate: () => ((installs = folders().map((f) => applySyncWaves(f)).some((x) => x)), []) });
    } else if (this.folder) {
      this.node.addValidation({ validate: () => ((installs = folders().some((f) => installsKinds(f))), []) });
    }
    if (this.folder) {
      // After the waves above (same construct, validated in order): a sync that waits for provisioning.
      this.node.addValidation({
        validate: () => earlyProvisioningProblems(folders(), (o) => {
          const child = o.node.scope;
          return child instanceof Application && child !== this && child.folder ? deployedFolders(child.folder) : undefined;
        }),
      });
    }
    if (props.cascadeDelete === undefined) {
      // Worked out late (the folders' Applications and projects may be added after this one).
      let decided = false;
      this.node.addValidation({
        validate: () => {
          if (!decided && !this.deploysItself()) this.apiObject.metadata.addFinalizers(ARGOCD_CASCADE_FINALIZER);
          decided = true;
          return [];
        },
      });
    }
    const automated = props.automated ?? true;

    this.apiObject = new l1.Application(this, 'Resource', {
      metadata: {
        name,
        namespace,
        ...(props.labels ? { labels: props.labels } : {}),
        ...(Object.keys(annotations).length ? { annotations: Object.fromEntries(Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : 1))) } : {}),
        ...(props.cascadeDelete === true ? { finalizers: [ARGOCD_CASCADE_FINALIZER] } : {}),
      },
      spec: Lazy.any({
        produce: (): l1.ApplicationSpec => {
          const options = [...this.options, ...(installs ? ['SkipDryRunOnMissingResource=true'] : [])];
          // A build installing kinds at run time (CRDs, Crossplane packages) fails its first syncs by
          // design: a wave's object is Degraded until its package is installed and healthy (Argo CD's
          // pkg.crossplane.io health check), which fails the sync (gitops-engine sync_context); after
          // the last retry, auto-sync skips the revision ("failed previous sync attempt").
          const retry = props.retry === false ? undefined : renderRetry(this, props.retry ?? {}, installs ? -1 : 5);
          const syncPolicy: l1.ApplicationSpecSyncPolicy = {
            ...(automated ? { automated: { prune: props.prune ?? protectedObjects(folders()).length === 0, selfHeal: props.selfHeal ?? true } } : {}),
            ...(options.length ? { syncOptions: [...new Set(options)] } : {}),
            ...(managedNamespaceMetadata && Object.keys(managedNamespaceMetadata).length > 0 ? { managedNamespaceMetadata } : {}),
            ...(retry ? { retry } : {}),
          };
          return {
            project: props.project.name,
            source,
            destination,
            ...(Object.keys(syncPolicy).length ? { syncPolicy } : {}),
          };
        },
      }),
    });
  }

  /** The protected objects (ids) in the folders this Application deploys that its prune would delete (without `Prune=false`). */
  public get protectedObjects(): string[] {
    return this.folder ? protectedObjects(deployedFolders(this.folder)) : [];
  }

  /** Whether the folders this Application deploys hold its own object or its AppProject (by name and namespace). */
  private deploysItself(): boolean {
    if (!this.folder) return false;
    const own = this.apiObject;
    const project = this.project;
    return deployedFolders(this.folder).some((f) => objectsOf(f).some((o) =>
      groupOf(o.apiVersion) === ARGOCD_GROUP &&
      ((o.kind === 'Application' && o.name === own.name && o.metadata.namespace === own.metadata.namespace) ||
        (o.kind === 'AppProject' && o.name === project.name && o.metadata.namespace === project.namespace))));
  }

  /** Adds a sync option (`Name=value`). */
  public addSyncOption(option: string): void {
    if (typeof option !== 'string' || !SYNC_OPTION.test(option)) throw propError(this, `syncOptions[${this.options.length}]`, `"${String(option)}" must be Name=value (e.g. "ServerSideApply=true")`);
    this.options.push(option);
  }
}

/** Renders a folder or chart source (shared with ApplicationSet templates). */
export function renderSource(scope: Construct, prop: string, src: Folder | HelmChartSource, targetRevision: string | undefined, releaseName: string): l1.ApplicationSpecSource {
  if (Folder.isFolder(src)) {
    const repo = Repo.of(src);
    if (!repo.url) throw propError(scope, prop, `folder "${src.path}" is in repo "${repo.node.id}", which has no url: give the Repo a url`);
    if (!GIT_URL.test(repo.url)) throw propError(scope, prop, `repo "${repo.node.id}" url "${repo.url}" must be an https://, ssh:// or git@ URL`);
    if (!src.kustomization) throw propError(scope, prop, `folder "${src.path}" writes no kustomization.yaml: Argo CD would apply only its own files as a directory; keep kustomization on`);
    return { repoUrl: repo.url, path: src.path, targetRevision: targetRevision ?? repo.branch };
  }
  if (!src || typeof src.chart !== 'string') throw propError(scope, prop, 'must be a Folder of a Repo or a Helm chart { repoUrl, chart, version }');
  if (!CHART_REPO.test(src.repoUrl ?? '')) throw propError(scope, `${prop}.repoUrl`, `"${String(src.repoUrl)}" must be an https:// chart repository or an oci:// registry`);
  checkString(scope, `${prop}.chart`, src.chart, { min: 1, max: 253, pattern: /^[a-z0-9][a-z0-9._-]*$/, description: 'a chart name' });
  checkString(scope, `${prop}.version`, src.version, { pattern: /^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$/, description: 'an exact chart version (e.g. "1.2.3"), not a range' });
  if (targetRevision !== undefined && targetRevision !== src.version) throw propError(scope, 'targetRevision', `"${targetRevision}" differs from the chart version "${src.version}": set only the version`);
  return {
    repoUrl: src.repoUrl,
    chart: src.chart,
    targetRevision: src.version,
    helm: { releaseName: src.releaseName ?? releaseName, ...(src.values ? { valuesObject: src.values } : {}) },
  };
}

/** @internal `syncPolicy.retry` of an Application or an ApplicationSet's template, checked. */
export function renderRetry(scope: Construct, r: SyncRetry, defaultLimit = 5, prop = 'retry'): l1.ApplicationSpecSyncPolicyRetry {
  const limit = r.limit ?? defaultLimit;
  if (!Number.isInteger(limit)) throw propError(scope, `${prop}.limit`, `${limit} must be an integer`);
  const factor = r.factor ?? 2;
  if (!Number.isInteger(factor) || factor < 1) throw propError(scope, `${prop}.factor`, `${factor} must be an integer of at least 1`);
  const refresh = r.refresh ?? limit < 0;
  return {
    limit,
    backoff: {
      duration: goDuration(scope, `${prop}.backoff`, r.backoff ?? '5s'),
      factor,
      maxDuration: goDuration(scope, `${prop}.maxBackoff`, r.maxBackoff ?? '3m'),
    },
    ...(refresh ? { refresh: true } : {}),
  };
}
