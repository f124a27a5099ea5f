// Testing helpers for apps built with cdk8s-platform (like cdk8s' `Testing`): an app with a
// temporary outdir, rendering an app or a folder to objects keyed by file, finding an object,
// and the problems a synth reports. Used by the library's own tests and by the `init` scaffold.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { Folder } from '../gitops/folder';
import { GitOpsApp, GitOpsAppProps, SynthError } from '../gitops/gitops-app';
import { Repo } from '../gitops/repo';

/** A Kubernetes object as rendered (parsed YAML). */
export interface TestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly [key: string]: any;
  };
  readonly [key: string]: any;
}

/** Options of {@link Testing.objects}. */
export interface TestingObjectsOptions {
  /**
   * Include the `kustomization.yaml` files (kind `Kustomization`, `kustomize.config.k8s.io`).
   * @default false
   */
  readonly includeKustomizeFiles?: boolean;
}

/**
 * Test helpers: build an app with a throw-away outdir, render it in memory (strict validation,
 * references, apply order: everything a synth checks, nothing written) and look at the result.
 *
 * @example
 * const app = Testing.app();
 * const folder = new Repo(app, 'platform').folder('clusters/mgmt', { namespace: 'flux-system' });
 * new flux.GitRepository(folder, 'apps', { name: 'apps', url: 'https://github.com/contoso/apps' });
 * const repo = Testing.find(Testing.objects(app), 'GitRepository', 'apps');
 * expect(repo.spec.interval).toBe('1m');
 * expect(Testing.synthProblems(app)).toEqual([]);
 */
export class Testing {
  /**
   * A {@link GitOpsApp} writing under a fresh temporary directory (so a test's `synth()` never
   * touches the project), without the secure-baseline report on stdout.
   * @param props app props; `outdir` defaults to a new directory under the OS temp dir.
   */
  public static app(props: GitOpsAppProps = {}): GitOpsApp {
    const outdir = props.outdir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-platform-test-'));
    return new GitOpsApp({ printBaselineReport: false, ...props, outdir });
  }

  /**
   * Renders the app (or only `folder`'s files) in memory: `<repo dir>/<file>` → the file's
   * documents, parsed. Throws the {@link SynthError} a synth would.
   */
  public static render(scope: GitOpsApp | Folder): Record<string, TestObject[]> {
    const app = scope instanceof GitOpsApp ? scope : GitOpsApp.of(scope);
    const folder = scope instanceof Folder ? scope : undefined;
    const out: Record<string, TestObject[]> = {};
    for (const [repo, files] of app.renderToMemory()) {
      if (folder && repo !== Repo.of(folder).dir) continue;
      for (const [file, text] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (folder && path.posix.dirname(file) !== folder.path) continue;
        out[`${repo}/${file}`] = parseAllDocuments(text).map((d) => d.toJS() as TestObject).filter((o) => o !== null);
      }
    }
    return out;
  }

  /** Every object rendered by the app (or `folder`), in file order; `kustomization.yaml` files excluded by default. */
  public static objects(scope: GitOpsApp | Folder, options: TestingObjectsOptions = {}): TestObject[] {
    const out: TestObject[] = [];
    for (const [file, docs] of Object.entries(Testing.render(scope))) {
      if (!options.includeKustomizeFiles && path.posix.basename(file) === 'kustomization.yaml') continue;
      out.push(...docs);
    }
    return out;
  }

  /**
   * The one object of `kind` named `name` (in `namespace`, when given). Throws, listing what
   * there is, when there is none or more than one.
   */
  public static find(objects: readonly TestObject[] | GitOpsApp | Folder, kind: string, name: string, namespace?: string): TestObject {
    const all = Array.isArray(objects) ? (objects as readonly TestObject[]) : Testing.objects(objects as GitOpsApp | Folder);
    const hits = all.filter((o) => o.kind === kind && o.metadata?.name === name && (namespace === undefined || o.metadata.namespace === namespace));
    if (hits.length !== 1) {
      const what = `${kind}/${namespace ? `${namespace}/` : ''}${name}`;
      throw new Error(`expected one ${what}, found ${hits.length}; objects: ${all.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
    }
    return hits[0];
  }

  /**
   * The problems a synth of the app reports (one line each), or `[]` when it renders. Errors
   * other than a {@link SynthError} (a construct's eager validation) are returned as their message.
   */
  public static synthProblems(app: GitOpsApp): string[] {
    try {
      app.renderToMemory();
      return [];
    } catch (e) {
      if (e instanceof SynthError) return [...e.problems];
      return [(e as Error).message];
    }
  }

  /** The message of the error `fn` throws (a construct's eager validation); throws if it does not. */
  public static errorOf(fn: () => unknown): string {
    try {
      fn();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected an error, but none was thrown');
  }
}
