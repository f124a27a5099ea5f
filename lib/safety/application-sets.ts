/**
 * What an Argo CD `ApplicationSet` generates, as far as its YAML tells, for the destroy guard
 * (lib/safety/guard.ts `applicationSetChanges`). The applicationset-controller (argo-cd
 * `applicationset/controllers/applicationset_controller.go`):
 *
 * - deletes each Application it generated that its generators no longer produce
 *   (`deleteInCluster`), unless its sync policy does not allow deletion (`applicationsSync`
 *   `create-only` or `create-update`, honored unless the controller's own `--policy` is set:
 *   `utils.DefaultPolicy`, `--enable-policy-override` defaults to true without it);
 * - when the ApplicationSet is deleted, its Applications go with it (their owner reference),
 *   unless that policy does not allow deletion (`removeOwnerReferencesOnDeleteAppSet`);
 * - gives each Application the template's finalizers, and `resources-finalizer.argocd.argoproj.io`
 *   when the template has none and `syncPolicy.preserveResourcesOnDeletion` is not true
 *   (`applicationset/utils`, "user-specified finalizer should overwrite
 *   preserveResourcesOnDeletion"). With that finalizer, deleting an Application deletes what it
 *   deployed. Removed Applications keep the finalizers they were given (only an invalid
 *   destination, a cluster Argo CD no longer knows, drops it: `removeFinalizerOnInvalidDestination`).
 *
 * Parameters are known at synth for list generators (`elements`) and git directory generators
 * over a repo of the app (`path.Match` patterns against its directories, `exclude` honored);
 * cluster, matrix, merge, SCM, pull-request, plugin and git file generators, per-generator
 * templates and selectors, and `templatePatch` make the generated set unknown.
 */
import { goPathMatcher } from '../core/source-ignore';
import { ARGOCD_CASCADE_FINALIZER, PlainObject } from './protection';

/** Thrown by {@link renderGoTemplate} for expressions it cannot evaluate at synth. */
export class TemplateError extends Error {}

/** One parameter set of a generator. */
type GeneratorParams = Record<string, unknown>;

/**
 * Renders the Go-template expressions this library can evaluate at synth: `{{.a.b}}` and
 * `{{index .a.b "key"}}`. Throws {@link TemplateError} for a missing value or another expression.
 */
export function renderGoTemplate(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_m, expr: string) => {
    const lookup = (path: string): unknown => path.split('.').slice(1).reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), params);
    let v: unknown;
    const index = /^index\s+(\.[\w.]+)\s+"([^"]+)"$/.exec(expr);
    if (index) {
      const m = lookup(index[1]);
      v = m && typeof m === 'object' ? (m as Record<string, unknown>)[index[2]] : undefined;
    } else if (/^\.[\w.]+$/.test(expr)) {
      v = lookup(expr);
    } else {
      throw new TemplateError(`{{${expr}}} cannot be evaluated at synth (use {{.key}} or {{index .map "key"}})`);
    }
    if (v === undefined || v === null || typeof v === 'object') throw new TemplateError(`{{${expr}}} has no value for parameters ${JSON.stringify(params)}`);
    return String(v);
  });
}

/** fasttemplate, as `goTemplate: false` renders: `{{key}}` with the flat parameter names (`path.basename`). */
function renderFlat(template: string, params: Record<string, string>): string {
  return template.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (m, key: string) => {
    // fasttemplate leaves an unknown key as written (Argo CD then keeps the text).
    return Object.prototype.hasOwnProperty.call(params, key) ? params[key] : m;
  });
}

/** Flat parameters (`a.b` keys, string values) of a nested parameter set, as Argo CD's non-Go templates see them. */
function flatten(params: GeneratorParams, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [k, v] of Object.entries(params)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v as GeneratorParams, key, out);
    else if (v !== undefined && v !== null && !Array.isArray(v)) out[key] = String(v);
  }
  return out;
}

/** Argo CD's `utils.SanitizeName`: lower case, other characters than `a-z0-9-.` as `-`, trimmed of `-` and `.`. */
function sanitizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-.]/g, '-').replace(/^[-.]+|[-.]+$/g, '');
}

/** One Application an ApplicationSet generates (an Application object as the controller would write it, the fields the guard reads). */
export interface GeneratedApplication {
  readonly name: string;
  readonly obj: PlainObject;
}

/** What an ApplicationSet generates and what deleting its Applications does. */
export interface ApplicationSetModel {
  /** The Applications it generates, when every generator's parameters are known; undefined otherwise. */
  readonly generated: readonly GeneratedApplication[] | undefined;
  /**
   * The template's source paths as patterns (each `{{...}}` any text), for when `generated` is
   * unknown: the folders the generated Applications may deploy.
   */
  readonly pathPatterns: readonly RegExp[];
  /** The template's source repo URLs (as written; templated ones left out). */
  readonly repoUrls: readonly string[];
  /** Whether its Applications carry the cascading finalizer (deleting one deletes what it deployed). */
  readonly cascades: boolean;
  /** Whether the controller deletes its Applications (removed from the generated set, or with it). */
  readonly deletesApplications: boolean;
}

type Source = { repoURL?: unknown; path?: unknown };

/** Whether an object is an Argo CD ApplicationSet. */
export function isApplicationSet(o: { apiVersion: string; kind: string }): boolean {
  return o.kind === 'ApplicationSet' && /^argoproj\.io\//.test(o.apiVersion);
}

/**
 * The model of an ApplicationSet object. `directoriesOf` lists the directories (repo-relative, no
 * leading `./`) of the repo with a URL, or undefined when it is not a repo of the app.
 */
export function applicationSetModel(appset: PlainObject, directoriesOf: (repoURL: string) => readonly string[] | undefined): ApplicationSetModel {
  const spec = (appset.spec ?? {}) as {
    goTemplate?: unknown; generators?: unknown; template?: { metadata?: { name?: unknown; finalizers?: unknown }; spec?: { source?: Source; sources?: Source[] } };
    templatePatch?: unknown; syncPolicy?: { preserveResourcesOnDeletion?: unknown; applicationsSync?: unknown };
  };
  const template = spec.template ?? {};
  const finalizers = Array.isArray(template.metadata?.finalizers) ? template.metadata!.finalizers.filter((f): f is string => typeof f === 'string') : [];
  const patch = typeof spec.templatePatch === 'string' ? spec.templatePatch : '';
  const preserve = spec.syncPolicy?.preserveResourcesOnDeletion === true;
  const given = finalizers.length > 0 ? finalizers : preserve ? [] : [ARGOCD_CASCADE_FINALIZER];
  const cascades = given.some((f) => f.startsWith(ARGOCD_CASCADE_FINALIZER)) || patch.includes(ARGOCD_CASCADE_FINALIZER);
  const deletesApplications = spec.syncPolicy?.applicationsSync !== 'create-only' && spec.syncPolicy?.applicationsSync !== 'create-update';
  const sources = [template.spec?.source, ...(Array.isArray(template.spec?.sources) ? template.spec!.sources : [])].filter((s): s is Source => !!s && typeof s === 'object');
  const pathPatterns = sources.flatMap((s) => {
    if (typeof s.path !== 'string') return [];
    const parts = s.path.replace(/^\.?\/+|\/+$/g, '').split(/\{\{.*?\}\}/);
    return [new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, (x) => `\\${x}`)).join('.+')}$`)];
  });
  const repoUrls = sources.flatMap((s) => (typeof s.repoURL === 'string' && !s.repoURL.includes('{{') ? [s.repoURL] : []));
  const goTemplate = spec.goTemplate === true;
  const generated = patch ? undefined : generate(spec.generators, goTemplate, template, appset, given, directoriesOf);
  return { generated, pathPatterns, repoUrls, cascades, deletesApplications };
}

/** The parameter sets of one generator, when known from the YAML. */
function generatorParams(g: unknown, directoriesOf: (repoURL: string) => readonly string[] | undefined): GeneratorParams[] | undefined {
  if (!g || typeof g !== 'object') return undefined;
  const gen = g as Record<string, unknown>;
  // A generator's own template or a post-selector changes what it produces beyond its parameters.
  if (gen.template !== undefined || gen.selector !== undefined) return undefined;
  const kinds = Object.keys(gen).filter((k) => k !== 'values');
  if (kinds.length !== 1) return undefined;
  if (kinds[0] === 'list') {
    const list = gen.list as { elements?: unknown; elementsYaml?: unknown };
    if (list.elementsYaml !== undefined || !Array.isArray(list.elements)) return undefined;
    return list.elements.filter((e): e is GeneratorParams => !!e && typeof e === 'object' && !Array.isArray(e));
  }
  if (kinds[0] === 'git') {
    const git = gen.git as { repoURL?: unknown; directories?: unknown; files?: unknown; pathParamPrefix?: unknown; values?: unknown };
    if (git.files !== undefined || !Array.isArray(git.directories) || typeof git.repoURL !== 'string') return undefined;
    if (git.values !== undefined) return undefined;
    const dirs = directoriesOf(git.repoURL);
    if (!dirs) return undefined;
    const items = git.directories.map((d) => {
      const { path, exclude } = (d ?? {}) as { path?: unknown; exclude?: unknown };
      return { matches: typeof path === 'string' ? goPathMatcher(path) : () => false, exclude: exclude === true };
    });
    const chosen = dirs.filter((dir) => items.some((i) => !i.exclude && i.matches(dir)) && !items.some((i) => i.exclude && i.matches(dir)));
    const prefix = typeof git.pathParamPrefix === 'string' && git.pathParamPrefix ? git.pathParamPrefix : '';
    return chosen.map((dir) => {
      const segments = dir.split('/');
      const basename = segments[segments.length - 1];
      const path = { path: dir, basename, basenameNormalized: sanitizeName(basename), segments };
      return prefix ? { [prefix]: { path } } : { path };
    });
  }
  return undefined;
}

/** The Applications the generators produce, or undefined when a parameter set or a template expression is unknown. */
function generate(
  generators: unknown,
  goTemplate: boolean,
  template: { metadata?: { name?: unknown }; spec?: { source?: Source; sources?: Source[] } },
  appset: PlainObject,
  finalizers: readonly string[],
  directoriesOf: (repoURL: string) => readonly string[] | undefined,
): GeneratedApplication[] | undefined {
  if (!Array.isArray(generators) || generators.length === 0) return undefined;
  const sets: GeneratorParams[] = [];
  for (const g of generators) {
    const params = generatorParams(g, directoriesOf);
    if (!params) return undefined;
    sets.push(...params);
  }
  const out = new Map<string, GeneratedApplication>();
  for (const params of sets) {
    let render: (s: string) => string;
    if (goTemplate) {
      render = (s) => renderGoTemplate(s, params);
    } else {
      const flat = flatten(params);
      // The git generator's flat names: path, path.basename, path[0], ... (not path.path).
      const path = (params.path as { path?: string; segments?: string[] } | undefined);
      if (path && typeof path.path === 'string') {
        flat.path = path.path;
        path.segments?.forEach((s, i) => (flat[`path[${i}]`] = s));
      }
      render = (s) => renderFlat(s, flat);
    }
    const deep = (v: unknown): unknown => (typeof v === 'string' ? render(v) : Array.isArray(v) ? v.map(deep) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)])) : v);
    let name: string;
    let spec: unknown;
    try {
      name = typeof template.metadata?.name === 'string' ? render(template.metadata.name) : '';
      spec = deep(template.spec ?? {});
    } catch (e) {
      if (e instanceof TemplateError) return undefined;
      throw e;
    }
    if (!name || name.includes('{{')) return undefined;
    out.set(name, {
      name,
      obj: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name, namespace: appset.metadata?.namespace ?? '', ...(finalizers.length > 0 ? { finalizers: [...finalizers] } : {}) },
        spec,
      },
    });
  }
  return [...out.values()];
}
