import { Construct } from 'constructs';
import { propError } from '../core/errors';
import { Folder } from '../gitops/folder';
import { Repo } from '../gitops/repo';
import { AppProject, IAppProject } from './app-project';
import { Application } from './application';
import { DEFAULT_ARGOCD_NAMESPACE, IN_CLUSTER } from './common';

/**
 * The `argocd-cm` entry that restores the health assessment of Applications (removed in Argo CD
 * 1.8), so an app of apps waits for each sync wave of child Applications to be healthy before
 * the next. Put it in the `argocd-cm` your Argo CD installation manages.
 */
export const APPLICATION_HEALTH_CHECK: Readonly<Record<string, string>> = {
  'resource.customizations.health.argoproj.io_Application': [
    'hs = {}',
    'hs.status = "Progressing"',
    'hs.message = ""',
    'if obj.status ~= nil then',
    '  if obj.status.health ~= nil then',
    '    hs.status = obj.status.health.status',
    '    if obj.status.health.message ~= nil then',
    '      hs.message = obj.status.health.message',
    '    end',
    '  end',
    'end',
    'return hs',
    '',
  ].join('\n'),
};

/** Props of an {@link ArgoCdBootstrap}. */
export interface ArgoCdBootstrapProps {
  /** The management cluster's entry folder: the root Application deploys it (and itself, inside it). */
  readonly entry: Folder;
  /** Name of the root Application. @default 'root' */
  readonly name?: string;
  /** Argo CD's namespace. @default 'argocd' */
  readonly namespace?: string;
  /**
   * The project of the root Application and of the platform's Applications.
   * @default - a `platform` AppProject: the entry repo, in-cluster, any namespace, any kind
   *   (recorded as opt-outs of the secure baseline: the platform installs cluster-wide objects)
   */
  readonly project?: IAppProject;
}

/**
 * App of apps for a management cluster: the `root` Application deploys the entry folder of the
 * platform repo to the cluster Argo CD runs in, and the entry folder holds the root Application
 * itself (so it manages itself, like Flux's `flux-system` sync) and the platform's child
 * Applications (give them `syncWave` to order them, and install
 * {@link APPLICATION_HEALTH_CHECK} so waves wait for health). Argo CD itself is installed
 * outside (its Helm chart or manifests). Applying the root Application and its project once
 * starts the loop: `kubectl apply -f <entry>/appproject-platform.yaml -f
 * <entry>/application-root.yaml` (the default project; with `AppProject.default`, the root
 * alone). The root alone never syncs: Argo CD does not compare or sync an Application whose
 * project does not exist ("Application referencing project platform which does not exist",
 * `processAppRefreshQueueItem` stops there), and the project is in the folder the root would
 * apply.
 *
 * @example
 * const entry = repo.folder('clusters/mgmt/argocd', { namespace: 'argocd' });
 * const boot = new ArgoCdBootstrap(entry, 'bootstrap', { entry });
 * new Application(entry, 'infra', { name: 'infrastructure', project: boot.project, source: repo.folder('infrastructure/mgmt'), syncWave: -1 });
 */
export class ArgoCdBootstrap extends Construct {
  /** The project of the root Application. */
  public readonly project: IAppProject;
  /** The root Application. */
  public readonly root: Application;

  public constructor(scope: Construct, id: string, props: ArgoCdBootstrapProps) {
    super(scope, id);
    if (!Folder.isFolder(props.entry)) throw propError(this, 'entry', 'must be a Folder of a Repo');
    if (Folder.of(this) !== props.entry) throw propError(this, 'entry', `the bootstrap must be created in its entry folder "${props.entry.path}" (so the root Application manages itself)`);
    const repo = Repo.of(props.entry);
    const namespace = props.namespace ?? DEFAULT_ARGOCD_NAMESPACE;
    this.project = props.project ?? new AppProject(this, 'Platform', {
      name: 'platform',
      namespace,
      description: `The platform (repo ${repo.url ?? repo.node.id})`,
      sourceRepos: [repo],
      destinations: [{ cluster: IN_CLUSTER, namespace: '*' }],
      clusterResourceWhitelist: [{ group: '*', kind: '*' }],
    });
    this.root = new Application(this, 'Root', {
      name: props.name ?? 'root',
      namespace,
      project: this.project,
      source: props.entry,
      destination: { cluster: IN_CLUSTER, namespace },
    });
  }
}
