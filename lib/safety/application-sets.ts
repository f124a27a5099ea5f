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
 *   unless that policy does not allow deletion and the ApplicationSet carries
 *   `resources-finalizer.argocd.argoproj.io`: the controller removes their owner references
 *   (`removeOwnerReferencesOnDeleteAppSet`) only in the branch where the ApplicationSet has a
 *   deletion timestamp, which a finalizer keeps long enough; without one the garbage collector
 *   deletes them with it (argo-cd#12172);
 * - never updates an existing Application under `create-only` or `create-delete`
 *   (`createInCluster`): it keeps the finalizers it was created with;
 * - gives each Application the template's finalizers, and `resources-finalizer.argocd.argoproj.io`
 *   when the template has none and `syncPolicy.preserveResourcesOnDeletion` is not true
 *   (`applicationset/utils`, "user-specified finalizer should overwrite
 *   preserveResourcesOnDeletion"). With that finalizer, deleting an Application deletes what it
 *   deployed. Removed Applications keep the finalizers they were given (only an invalid
 *   destination, a cluster Argo CD no longer knows, drops it: `removeFinalizerOnInvalidDestination`).
 *
 * Parameters are known at synth for list generators (`elements`) and git directory generators
 * over a repo of the app (`path.Match` patterns against its directories, `exclude` honored; the
 * parameters of `applicationset/generators/git.go` `pathParams`, nested for Go templates, flat for
 * fasttemplate, under `pathParamPrefix`); cluster, matrix, merge, SCM, pull-request, plugin and git
 * file generators, per-generator templates (`list.template`, `git.template`) and selectors, and
 * `templatePatch` make the generated set unknown, as does a name, source `repoURL` or `path` that
 * does not render. Other template fields that do not render are kept as written.
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

/** Argo CD's `utils.SanitizeName`: lower case, other characters than `a-z0-9-.` as `-`, trimmed of `-` and `.`. */
function sanitizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-.]/g, '-').replace(/^[-.]+|[-.]+$/g, '');
}

/** One Application an ApplicationSet generates (an Application object as the controller would write it, the fields the guard reads). */
export interface GeneratedApplication {
  readonly name: string;
  readonly obj: PlainObject;
}

/** What an ApplicationSet generates and what deleting it, or its Applications, does. */
export interface ApplicationSetModel {
  /** The Applications it generates, when every generator's parameters are known; undefined otherwise. */
  readonly generated: readonly GeneratedApplication[] | undefined;
  /**
   * The template's source paths as patterns (each `{{...}}` any text), for when `generated` is
   * unknown: the folders the generated Applications may deploy.
   */
  readonly pathPatterns: readonly RegExp[];
  /** The template's source repo URLs (as written); undefined when one is templated (any repo). */
  readonly repoUrls: readonly string[] | undefined;
  /**
   * Whether its Applications (may) carry the cascading finalizer, so that deleting one deletes
   * what it deployed: the template gives it, or the controller adds it; also whenever the sync
   * policy does not let the controller update Applications (`create-only`, `create-delete`): they
   * keep the finalizers they were created with, which the committed template no longer tells.
   */
  readonly cascades: boolean;
  /** Whether cascading is only assumed: the sync policy keeps the Applications' finalizers as created. */
  readonly finalizersAsCreated: boolean;
  /** Whether the controller deletes an Application its generators no longer produce (the sync policy allows deletion). */
  readonly prunesApplications: boolean;
  /**
   * Whether deleting the ApplicationSet deletes its Applications: the sync policy allows deletion,
   * or the ApplicationSet lacks `resources-finalizer.argocd.argoproj.io` (the controller removes
   * their owner references only while the ApplicationSet's deletion waits on that finalizer;
   * without it, the garbage collector deletes them with it, whatever the policy).
   */
  readonly deletedWithIt: boolean;
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
  // utils.DefaultPolicy: "sync" unless applicationsSync says otherwise (the controller's own --policy assumed unset).
  const policy = typeof spec.syncPolicy?.applicationsSync === 'string' ? spec.syncPolicy.applicationsSync : 'sync';
  const prunesApplications = policy !== 'create-only' && policy !== 'create-update';
  const finalizersAsCreated = policy === 'create-only' || policy === 'create-delete';
  const cascades = finalizersAsCreated || given.some((f) => f.startsWith(ARGOCD_CASCADE_FINALIZER)) || patch.includes(ARGOCD_CASCADE_FINALIZER);
  const ownFinalizers = Array.isArray(appset.metadata?.finalizers) ? appset.metadata!.finalizers : [];
  const deletedWithIt = prunesApplications || !ownFinalizers.includes(ARGOCD_CASCADE_FINALIZER);
  const sources = [template.spec?.source, ...(Array.isArray(template.spec?.sources) ? template.spec!.sources : [])].filter((s): s is Source => !!s && typeof s === 'object');
  const pathPatterns = sources.flatMap((s) => {
    if (typeof s.path !== 'string') return [];
    const parts = s.path.replace(/^\.\/*$|^\.?\/+|\/+$/g, '').split(/\{\{.*?\}\}/);
    return [new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, (x) => `\\${x}`)).join('.+')}$`)];
  });
  const urls = sources.map((s) => s.repoURL);
  const repoUrls = urls.every((u): u is string => typeof u === 'string' && !u.includes('{{')) ? urls : undefined;
  const goTemplate = spec.goTemplate === true;
  const generated = patch ? undefined : generate(spec.generators, goTemplate, template, appset, given, directoriesOf);
  return { generated, pathPatterns, repoUrls, cascades, finalizersAsCreated, prunesApplications, deletedWithIt };
}

/** The parameter sets of one generator, when known from the YAML (flat `a.b` names for fasttemplate, nested for Go templates). */
function generatorParams(g: unknown, goTemplate: boolean, directoriesOf: (repoURL: string) => readonly string[] | undefined): GeneratorParams[] | undefined {
  if (!g || typeof g !== 'object') return undefined;
  const gen = g as Record<string, unknown>;
  // A post-selector changes what it produces beyond its parameters.
  if (gen.selector !== undefined) return undefined;
  const kinds = Object.keys(gen).filter((k) => k !== 'values');
  if (kinds.length !== 1) return undefined;
  const body = gen[kinds[0]];
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  // A generator's own template (merged over spec.template) changes the Applications beyond its parameters.
  const own = (body as { template?: unknown }).template;
  if (own !== undefined && own !== null && (typeof own !== 'object' || Object.keys(own).length > 0)) return undefined;
  if (kinds[0] === 'list') {
    const list = body as { elements?: unknown; elementsYaml?: unknown };
    if (list.elementsYaml !== undefined || !Array.isArray(list.elements)) return undefined;
    const elements = list.elements.filter((e): e is GeneratorParams => !!e && typeof e === 'object' && !Array.isArray(e));
    if (goTemplate) return elements;
    // fasttemplate: string values only (the list generator fails on others), "values" a map of strings.
    const flat: GeneratorParams[] = [];
    for (const e of elements) {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(e)) {
        if (k === 'values' && v && typeof v === 'object' && !Array.isArray(v)) {
          for (const [vk, vv] of Object.entries(v)) {
            if (typeof vv !== 'string') return undefined;
            out[`values.${vk}`] = vv;
          }
        } else if (typeof v === 'string') out[k] = v;
        else return undefined;
      }
      flat.push(out);
    }
    return flat;
  }
  if (kinds[0] === 'git') {
    const git = body as { repoURL?: unknown; directories?: unknown; files?: unknown; pathParamPrefix?: unknown; values?: unknown };
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
    // The git generator's parameters (applicationset/generators/git.go, pathParams).
    return chosen.map((dir) => {
      const segments = dir.split('/');
      const basename = segments[segments.length - 1];
      if (goTemplate) {
        const path = { path: dir, basename, basenameNormalized: sanitizeName(basename), segments };
        return prefix ? { [prefix]: { path } } : { path };
      }
      const name = prefix ? `${prefix}.path` : 'path';
      const flat: Record<string, string> = { [name]: dir, [`${name}.basename`]: basename, [`${name}.basenameNormalized`]: sanitizeName(basename) };
      segments.forEach((s, i) => {
        if (s) flat[`${name}[${i}]`] = s;
      });
      return flat;
    });
  }
  return undefined;
}

/** The Applications the generators produce, or undefined when a parameter set, or the name or a source's repo or path, is unknown. */
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
    const params = generatorParams(g, goTemplate, directoriesOf);
    if (!params) return undefined;
    sets.push(...params);
  }
  const out = new Map<string, GeneratedApplication>();
  for (const params of sets) {
    const render = goTemplate ? (s: string) => renderGoTemplate(s, params) : (s: string) => renderFlat(s, params as Record<string, string>);
    // The fields the guard reads must render; any other field is kept as written when it does not
    // (a template escape in Helm values says nothing about what the Application deploys).
    const known = (s: string): string | undefined => {
      try {
        const r = render(s);
        return r.includes('{{') ? undefined : r;
      } catch (e) {
        if (e instanceof TemplateError) return undefined;
        throw e;
      }
    };
    const loose = (v: unknown): unknown => (typeof v === 'string' ? known(v) ?? v : Array.isArray(v) ? v.map(loose) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, loose(x)])) : v);
    const name = typeof template.metadata?.name === 'string' ? known(template.metadata.name) : undefined;
    if (!name) return undefined;
    const spec = loose(template.spec ?? {}) as { source?: Source; sources?: Source[] };
    const raw = template.spec ?? {};
    const rawSources = [raw.source, ...(Array.isArray(raw.sources) ? raw.sources : [])];
    for (const s of rawSources) {
      if (!s || typeof s !== 'object') continue;
      for (const field of ['repoURL', 'path'] as const) {
        if (typeof s[field] === 'string' && known(s[field] as string) === undefined) return undefined;
      }
    }
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
