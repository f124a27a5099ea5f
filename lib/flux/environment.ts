import { ENVIRONMENT_LABEL } from '../core/environment';
import { DNS_LABEL } from '../core/errors';
import { KustomizationPatch } from './kustomization';

/** Props of an {@link Environment}. */
export interface EnvironmentProps {
  /** Environment name (`dev`, `test`, `prod`). */
  readonly name: string;
  /**
   * Branch the environment's clusters track (branch-per-env: promotion is a fast-forward PR from
   * the previous environment's branch).
   * @default - the repo's branch (overlay-per-env: every environment tracks the same branch)
   */
  readonly branch?: string;
  /**
   * Patches applied on top of the shared base (overlay-per-env: replicas, chart versions, values).
   * @default - none
   */
  readonly patches?: KustomizationPatch[];
  /**
   * Post-build variables (`${cluster_env}` in the base), per environment.
   * @default - `{ environment: <name> }` only
   */
  readonly substitute?: Record<string, string>;
}

/**
 * An environment clusters track, in one of two models:
 * - **branch per environment** ({@link Environment.branch}): each environment's clusters sync the
 *   same paths from their own branch (`dev`, `test`, `main`); a change is promoted by a
 *   fast-forward pull request from one branch to the next ({@link Environment.promotions}).
 * - **overlay per environment** ({@link Environment.overlay}): every cluster syncs the same branch;
 *   a shared base folder is patched per environment by the cluster's Flux Kustomization
 *   (`spec.patches`, `spec.postBuild.substitute`).
 * Both can be combined (a branch environment with patches). Consumed by {@link FluxBootstrap} and
 * any Kustomization through {@link Environment.kustomizationProps}. The objects it configures
 * carry the library's one environment label, `platform.cdk8s.io/environment: <name>`
 * ({@link ENVIRONMENT_LABEL}, also written by a Fleet and read by `graph`).
 */
export class Environment {
  /** A branch-per-env environment tracking `branch` (default: the environment name). */
  public static branch(name: string, branch: string = name, props: Omit<EnvironmentProps, 'name' | 'branch'> = {}): Environment {
    return new Environment({ ...props, name, branch });
  }

  /** An overlay-per-env environment: the repo's branch, with patches and variables. */
  public static overlay(name: string, props: Omit<EnvironmentProps, 'name' | 'branch'> = {}): Environment {
    return new Environment({ ...props, name });
  }

  /**
   * The fast-forward promotions of a branch-per-env pipeline, in order: `[['dev','test'], ['test','main']]`.
   */
  public static promotions(pipeline: readonly Environment[]): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (let i = 1; i < pipeline.length; i++) {
      const from = pipeline[i - 1].branch;
      const to = pipeline[i].branch;
      if (!from || !to) throw new Error(`Environment.promotions: "${pipeline[i - 1].name}" and "${pipeline[i].name}" must both be branch environments`);
      out.push([from, to]);
    }
    return out;
  }

  public readonly name: string;
  /** The branch tracked (branch-per-env), if any. */
  public readonly branch?: string;
  /** Patches of the overlay. */
  public readonly patches: KustomizationPatch[];
  /** Post-build variables, always including `environment`. */
  public readonly substitute: Record<string, string>;

  public constructor(props: EnvironmentProps) {
    if (!DNS_LABEL.pattern!.test(props.name)) throw new Error(`Environment: prop "name": "${props.name}" is invalid: must be ${DNS_LABEL.description}`);
    if (props.branch !== undefined && !/^[A-Za-z0-9._/-]+$/.test(props.branch)) throw new Error(`Environment ${props.name}: prop "branch": "${props.branch}" is not a valid branch name`);
    this.name = props.name;
    this.branch = props.branch;
    this.patches = [...(props.patches ?? [])];
    this.substitute = { environment: props.name, ...(props.substitute ?? {}) };
  }

  /** Whether this is a branch-per-env environment. */
  public get isBranch(): boolean {
    return this.branch !== undefined;
  }

  /** The environment label: `{ 'platform.cdk8s.io/environment': <name> }` ({@link ENVIRONMENT_LABEL}). */
  public get labels(): Record<string, string> {
    return { [ENVIRONMENT_LABEL]: this.name };
  }

  /**
   * The Kustomization props carrying this environment: patches, variables, and the environment
   * label (merged over `labels`, the Kustomization's other labels, when given).
   */
  public kustomizationProps(labels: Record<string, string> = {}): { patches: KustomizationPatch[]; substitute: Record<string, string>; labels: Record<string, string> } {
    return { patches: [...this.patches], substitute: { ...this.substitute }, labels: { ...labels, ...this.labels } };
  }
}
