import { Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as l1 from '../../imports/extras/argoproj.io';
import { checkLabels, checkString, propError } from '../core/errors';
import { addReference } from '../core/references';
import { PlatformResource } from '../core/resource';
import { Folder } from '../gitops/folder';
import { Repo } from '../gitops/repo';
import { ARGOCD_CASCADE_FINALIZER } from '../safety/protection';
import { renderGoTemplate, TemplateError } from '../safety/application-sets';
import { IAppProject } from './app-project';
import { renderRetry, renderSource, type SyncRetry } from './application';
import { ArgoObjectProps, argoIdentity, ARGOCD_GROUP, subscriptionAnnotations } from './common';
import { CAPI2ARGO_OWNED_LABEL, CapiClusterRegistration, CLUSTER_NAME_LABEL } from './registration';
import { applySyncWaves, deployedFolders, protectedObjects } from './sync-waves';

/**
 * Template expression of the registered cluster's name (the {@link CLUSTER_NAME_LABEL} label
 * carried to its Argo CD cluster Secret), for cluster generators over a
 * {@link CapiClusterRegistration}: e.g. `apps/${CLUSTER_NAME}` is the `apps/<cluster>` folder of a Fleet.
 */
export const CLUSTER_NAME = `{{index .metadata.labels "${CLUSTER_NAME_LABEL}"}}`;

/** One parameter set of a generator (Go-template values). */
export type GeneratorParams = Record<string, unknown>;

/** A generator of an {@link ApplicationSet}. */
export interface IGenerator {
  /** Renders `spec.generators[i]`. */
  render(): l1.ApplicationSetSpecGenerators;
  /** The parameter sets the generator will produce, when known at synth (to check templated folders). */
  params(): GeneratorParams[] | undefined;
}

/** A list generator: one Application per element. */
export class ListGenerator implements IGenerator {
  /** Generates one Application per element (flat string values). */
  public static of(elements: Array<Record<string, string>>): ListGenerator {
    return new ListGenerator(elements);
  }

  private constructor(private readonly elements: Array<Record<string, string>>) {}

  public render(): l1.ApplicationSetSpecGenerators {
    return { list: { elements: this.elements.map((e) => ({ ...e })) } };
  }

  public params(): GeneratorParams[] {
    return this.elements.map((e) => ({ ...e }));
  }
}

/** Options of {@link ClusterGenerator.registered}. */
export interface RegisteredClustersOptions {
  /** Only the clusters whose carried labels match (e.g. `{ environment: 'prod' }`). @default - every registered cluster */
  readonly matchLabels?: Record<string, string>;
}

/** A cluster generator: one Application per Argo CD cluster Secret matching a selector. */
export class ClusterGenerator implements IGenerator {
  /**
   * The clusters of a {@link CapiClusterRegistration} (for example a Fleet's): selects their
   * Argo CD cluster Secrets by the registration's labels (and `matchLabels`); templates can use
   * {@link CLUSTER_NAME} and `{{.server}}`. The folders a template names are checked for each
   * registered cluster.
   */
  public static registered(registration: CapiClusterRegistration, options: RegisteredClustersOptions = {}): ClusterGenerator {
    checkLabels(registration, 'matchLabels', options.matchLabels);
    for (const k of Object.keys(options.matchLabels ?? {})) {
      if (!registration.carriedLabels.includes(k)) {
        throw propError(registration, `matchLabels.${k}`, `is not carried to the Argo CD cluster Secrets (carried: ${registration.carriedLabels.join(', ')})`);
      }
    }
    const matchLabels = { [CAPI2ARGO_OWNED_LABEL]: 'true', ...registration.labels, ...(options.matchLabels ?? {}) };
    const params = registration.clusters
      .map((c) => ({ cluster: c, labels: { ...registration.secretLabels(c), [CAPI2ARGO_OWNED_LABEL]: 'true' } as Record<string, string> }))
      .filter(({ labels }) => Object.entries(matchLabels).every(([k, v]) => labels[k] === v))
      .map(({ cluster, labels }) => ({ name: cluster.clusterName, nameNormalized: cluster.clusterName, metadata: { labels } }));
    return new ClusterGenerator(matchLabels, params);
  }

  /** Any Argo CD cluster Secret with these labels (folders cannot be checked: use static paths). */
  public static selector(matchLabels: Record<string, string>): ClusterGenerator {
    return new ClusterGenerator({ ...matchLabels }, undefined);
  }

  private constructor(private readonly matchLabels: Record<string, string>, private readonly known: GeneratorParams[] | undefined) {}

  public render(): l1.ApplicationSetSpecGenerators {
    const sorted = Object.fromEntries(Object.entries(this.matchLabels).sort(([a], [b]) => (a < b ? -1 : 1)));
    return { clusters: { selector: { matchLabels: sorted } } };
  }

  public params(): GeneratorParams[] | undefined {
    return this.known?.map((p) => ({ ...p }));
  }
}

/** A git directory generator over folders of a synthesized repo. */
export class GitGenerator implements IGenerator {
  /**
   * One Application per folder (all of one {@link Repo} with a url): parameters `{{.path.path}}`,
   * `{{.path.basename}}`.
   */
  public static directories(folders: Folder[]): GitGenerator {
    if (!folders || folders.length === 0) throw new Error('GitGenerator.directories: list at least one folder');
    const repo = Repo.of(folders[0]);
    for (const f of folders) {
      if (Repo.of(f) !== repo) throw new Error(`GitGenerator.directories: folder "${f.path}" is not in repo "${repo.node.id}" like "${folders[0].path}"`);
    }
    if (!repo.url) throw new Error(`GitGenerator.directories: repo "${repo.node.id}" has no url`);
    return new GitGenerator(repo, [...folders]);
  }

  private constructor(private readonly repo: Repo, private readonly folders: Folder[]) {}

  public render(): l1.ApplicationSetSpecGenerators {
    return { git: { repoUrl: this.repo.url!, revision: this.repo.branch, directories: this.folders.map((f) => ({ path: f.path })).sort((a, b) => (a.path < b.path ? -1 : 1)) } };
  }

  public params(): GeneratorParams[] {
    return this.folders.map((f) => {
      const segments = f.path.split('/');
      const basename = segments[segments.length - 1];
      return { path: { path: f.path, basename, basenameNormalized: basename, segments } };
    });
  }
}

/** The Application every parameter set produces. */
export interface ApplicationSetTemplate {
  /** Application name (Go template, e.g. `${CLUSTER_NAME}-apps`). */
  readonly name: string;
  /** The project of the Applications. */
  readonly project: IAppProject;
  /** The repo the Applications deploy from (its url and branch). */
  readonly repo: Repo;
  /**
   * Folder path in `repo` (Go template, e.g. `apps/${CLUSTER_NAME}`). Each parameter set must
   * render it to a folder of the repo.
   */
  readonly path: string;
  /**
   * Destination cluster (Go templates): `{ name: '{{.name}}' }` or `{ server: '{{.server}}' }`
   * for cluster generators. AppProjects match destinations by name or server as written: name
   * the clusters the same way in both.
   */
  readonly destination: { readonly name?: string; readonly server?: string; readonly namespace?: string };
  /** Automated sync. @default true */
  readonly automated?: boolean;
  /** Prune. @default - true unless a generated folder holds protected objects without the sync option `Prune=false` (`RETAIN` objects keep themselves) */
  readonly prune?: boolean;
  /** Self-heal. @default true */
  readonly selfHeal?: boolean;
  /** Sync options. @default - none */
  readonly syncOptions?: string[];
  /**
   * Retries of a generated Application's failed syncs (`syncPolicy.retry`), as an
   * {@link Application}'s; `false` for none. Without retries, a sync that fails once (a cluster's
   * API server not ready yet right after it is registered) is not retried, and auto-sync skips
   * that revision until Git changes ("failed previous sync attempt": argo-cd
   * `controller/appcontroller.go` `autoSync`).
   * @default { limit: 5 (-1, unlimited, when the generated folders install kinds), backoff: '5s', factor: 2, maxBackoff: '3m' }
   */
  readonly retry?: SyncRetry | false;
  /**
   * Delete what a generated Application deployed when it is deleted (the
   * `resources-finalizer.argocd.argoproj.io` finalizer in the template). The applicationset-controller
   * implements `preserveResourcesOnDeletion` only by not adding that finalizer, and keeps one the
   * template sets (argo-cd `applicationset/utils`, "user-specified finalizer should overwrite
   * preserveResourcesOnDeletion"), so it cannot be `true` while the resources are preserved; and
   * it adds the finalizer to a template without finalizers when they are not preserved, so it
   * cannot be `false` then. It follows `preserveResourcesOnDeletion`.
   * @default - false while `preserveResourcesOnDeletion` (the default), else true
   */
  readonly cascadeDelete?: boolean;
  /** Labels of the generated Applications. @default - none */
  readonly labels?: Record<string, string>;
}

/** Props of an {@link ApplicationSet}. */
export interface ApplicationSetProps extends ArgoObjectProps {
  /** Generators (their parameter sets are combined: each produces its own Applications). */
  readonly generators: IGenerator[];
  /** The Application template. */
  readonly template: ApplicationSetTemplate;
  /**
   * Keep the resources of generated Applications when the ApplicationSet (or an Application it
   * generated) is deleted (`syncPolicy.preserveResourcesOnDeletion`).
   * @default true
   */
  readonly preserveResourcesOnDeletion?: boolean;
  /**
   * What the applicationset-controller may do to the Applications it generated
   * (`syncPolicy.applicationsSync`): `create-update` and `create-only` never delete one (not when
   * a generator stops producing it, nor with the ApplicationSet: the controller then removes their
   * owner references while the ApplicationSet's deletion waits on `resources-finalizer.argocd.argoproj.io`,
   * which the construct adds to it for these two; without it the garbage collector would delete
   * them with it). `create-only` and `create-delete` never update an Application, so one keeps the
   * finalizers it was created with. Honored unless the controller runs with its own `--policy`.
   * @default - not set: the controller's policy (`sync`: create, update and delete)
   */
  readonly applicationsSync?: 'create-only' | 'create-update' | 'create-delete' | 'sync';
}

/**
 * Renders the Go-template expressions this library can evaluate at synth: `{{.a.b}}` and
 * `{{index .a.b "key"}}`. Throws for a missing value or another expression.
 */
export function renderTemplate(template: string, params: GeneratorParams): string {
  return renderGoTemplate(template, params);
}

/**
 * An Argo CD `ApplicationSet`: Applications generated from list, cluster and git generators
 * (Go templates with `missingkey=error`). Every folder the template names is checked at synth
 * against the parameter sets of the generators: each must be a folder of the template's repo.
 * The resources of generated Applications are preserved when the ApplicationSet is deleted.
 *
 * @example
 * new ApplicationSet(mgmt, 'fleet-apps', {
 *   name: 'fleet-apps',
 *   generators: [ClusterGenerator.registered(registration)],
 *   template: { name: `${CLUSTER_NAME}-apps`, project, repo, path: `apps/${CLUSTER_NAME}`, destination: { server: '{{.server}}' } },
 * });
 */
export class ApplicationSet extends PlatformResource {
  /** The L1 object. */
  public readonly apiObject: l1.ApplicationSet;
  /** The folders the generated Applications deploy (one per parameter set). */
  public readonly folders: readonly Folder[];

  public constructor(scope: Construct, id: string, props: ApplicationSetProps) {
    super(scope, id);
    const { name, namespace } = argoIdentity(this, props);
    if (!props.generators || props.generators.length === 0) throw propError(this, 'generators', 'must list at least one generator');
    const t = props.template;
    addReference(this, 'template.project', { apiGroup: ARGOCD_GROUP, kind: 'AppProject', name: t.project.name, namespace: t.project.namespace });
    checkString(this, 'template.name', t.name, { min: 1, max: 253, description: 'an Application name template' });
    checkLabels(this, 'template.labels', t.labels);
    if (!Repo.isRepo(t.repo)) throw propError(this, 'template.repo', 'must be a Repo of the app');
    const folders = this.resolveFolders(props.generators, t);
    this.folders = folders;
    const probe = renderSource(this, 'template.repo', folders[0], undefined, name);
    // Notifications are sent for Applications: subscriptions go on the generated ones.
    const annotations = subscriptionAnnotations(this, 'subscriptions', props.subscriptions);
    // Worked out late: sub-folders and objects may be added after the ApplicationSet.
    const deployed = () => [...new Set(folders.flatMap((f) => deployedFolders(f)))];
    // Whether a generated folder installs kinds at run time (CRDs, Crossplane packages): its first syncs fail by design.
    let installs = false;
    this.node.addValidation({ validate: () => ((installs = deployed().map((f) => applySyncWaves(f)).some((x) => x)), []) });
    if (t.retry !== false) renderRetry(this, t.retry ?? {}, 5, 'template.retry');
    const automated = t.automated ?? true;
    const preserve = props.preserveResourcesOnDeletion ?? true;
    if (preserve && t.cascadeDelete === true) {
      throw propError(this, 'template.cascadeDelete', 'cannot be true while preserveResourcesOnDeletion is (the default): the applicationset-controller keeps a finalizer the template sets, ' +
        'so deleting a generated Application (the ApplicationSet, or a cluster leaving the generator) would delete what it deployed; set preserveResourcesOnDeletion: false to cascade');
    }
    if (!preserve && t.cascadeDelete === false) {
      throw propError(this, 'template.cascadeDelete', 'cannot be false while preserveResourcesOnDeletion is false: the applicationset-controller adds the cascading finalizer to every generated Application whose template has none, ' +
        'so deleting one would delete what it deployed anyway; keep preserveResourcesOnDeletion (the default) to keep the resources');
    }
    const cascade = t.cascadeDelete ?? !preserve;
    if (props.applicationsSync !== undefined && !['create-only', 'create-update', 'create-delete', 'sync'].includes(props.applicationsSync)) {
      throw propError(this, 'applicationsSync', `"${String(props.applicationsSync)}" must be one of create-only, create-update, create-delete, sync`);
    }
    (t.syncOptions ?? []).forEach((o, i) => {
      if (!/^[A-Za-z]+=[A-Za-z0-9.-]+$/.test(o)) throw propError(this, `template.syncOptions[${i}]`, `"${o}" must be Name=value (e.g. "CreateNamespace=true")`);
    });

    this.apiObject = new l1.ApplicationSet(this, 'Resource', {
      metadata: {
        name,
        namespace,
        ...(props.labels ? { labels: props.labels } : {}),
        // The controller removes the Applications' owner references on deletion only while this finalizer holds it.
        ...(props.applicationsSync === 'create-only' || props.applicationsSync === 'create-update' ? { finalizers: [ARGOCD_CASCADE_FINALIZER] } : {}),
      },
      spec: Lazy.any({
        produce: (): l1.ApplicationSetSpec => ({
          goTemplate: true,
          goTemplateOptions: ['missingkey=error'],
          generators: props.generators.map((g) => g.render()),
          syncPolicy: { preserveResourcesOnDeletion: preserve, ...(props.applicationsSync ? { applicationsSync: props.applicationsSync as l1.ApplicationSetSpecSyncPolicyApplicationsSync } : {}) },
          template: {
            metadata: {
              name: t.name,
              ...(t.labels ? { labels: t.labels } : {}),
              ...(Object.keys(annotations).length ? { annotations } : {}),
              ...(cascade ? { finalizers: [ARGOCD_CASCADE_FINALIZER] } : {}),
            },
            spec: {
              project: t.project.name,
              source: { repoUrl: probe.repoUrl, targetRevision: probe.targetRevision, path: t.path },
              destination: { ...t.destination },
              ...(automated || t.syncOptions?.length || t.retry !== false
                ? {
                  syncPolicy: {
                    ...(automated ? { automated: { prune: t.prune ?? protectedObjects(deployed()).length === 0, selfHeal: t.selfHeal ?? true } } : {}),
                    ...(t.syncOptions?.length ? { syncOptions: [...t.syncOptions] } : {}),
                    ...(t.retry !== false ? { retry: renderRetry(this, t.retry ?? {}, installs ? -1 : 5, 'template.retry') } : {}),
                  },
                }
                : {}),
            },
          },
        }),
      }),
    });
  }

  private resolveFolders(generators: readonly IGenerator[], t: ApplicationSetTemplate): Folder[] {
    const repo = t.repo;
    const byPath = new Map(repo.folders.map((f) => [f.path, f]));
    const out: Folder[] = [];
    generators.forEach((g, i) => {
      const params = g.params();
      if (params === undefined) {
        if (/\{\{/.test(t.path)) {
          throw propError(this, 'template.path', `"${t.path}" is templated, but generators[${i}] has no parameters known at synth to check it against: use ClusterGenerator.registered(...) or a path without {{ }}`);
        }
        out.push(this.folderAt(byPath, repo, t.path, 'template.path'));
        return;
      }
      if (params.length === 0) throw propError(this, `generators[${i}]`, 'generates no Application (no element, cluster or folder matches)');
      for (const p of params) {
        let path: string;
        try {
          path = renderTemplate(t.path, p);
        } catch (e) {
          if (e instanceof TemplateError) throw propError(this, 'template.path', `"${t.path}": ${e.message}`);
          throw e;
        }
        out.push(this.folderAt(byPath, repo, path, 'template.path'));
      }
    });
    return [...new Set(out)];
  }

  private folderAt(byPath: Map<string, Folder>, repo: Repo, path: string, prop: string): Folder {
    const f = byPath.get(path);
    if (!f) throw propError(this, prop, `"${path}" is not a folder of repo "${repo.node.id}": create it (repo.folder("${path}")) or fix the template`);
    return f;
  }
}

/** Whether a construct is an ApplicationSet (for tests and tools). */
export function isApplicationSet(x: IConstruct): x is ApplicationSet {
  return x instanceof ApplicationSet;
}
