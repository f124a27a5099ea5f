// cdk8s-plus is a peer dependency: the app installs the line it uses (cdk8s-plus-28 … cdk8s-plus-33)
// and the library uses that same module, so the objects the library creates (ConfigMaps, EnvValues,
// imported Secrets) are of the app's classes. Inside the library, the module is typed from
// cdk8s-plus-28 (a dev dependency; the API the library uses is the same in every supported line).
// The published .d.ts files name no cdk8s-plus package (the internal members below are
// stripped): the types the public API shows (`kplus.EnvValue`, `kplus.IServiceAccount`) are
// structural, so they fit every line, and an app on cdk8s-plus-33 type-checks without
// cdk8s-plus-28 installed and without `skipLibCheck`.
import type * as plus28 from 'cdk8s-plus-28';
import type { IConstruct } from 'constructs';

/** The module API of cdk8s-plus, as the library uses it (typed from cdk8s-plus-28). @internal */
export type PlusModule = typeof plus28;

/** The cdk8s-plus lines the library supports, newest first. */
export const SUPPORTED_PLUS_LINES: readonly string[] = ['cdk8s-plus-33', 'cdk8s-plus-32', 'cdk8s-plus-31', 'cdk8s-plus-30', 'cdk8s-plus-29', 'cdk8s-plus-28'];

/** What {@link findPlus} looks at: the loaded modules' file names and a loader of a package. @internal */
export interface PlusEnvironment {
  /** File names of the modules loaded in the process (`require.cache`). */
  readonly loaded: readonly string[];
  /** Loads a package by name, or returns undefined when it is not installed. */
  readonly load: (name: string) => unknown;
}

/** The cdk8s-plus module the library uses, and its package name. */
export interface ResolvedPlus {
  /** The module (`require('cdk8s-plus-33')`). */
  readonly module: object;
  /** Its package name (`cdk8s-plus-33`). */
  readonly line: string;
  /** How it was chosen: `explicit` ({@link usePlus}), `loaded` (the app imported it), `installed` (the newest installed). */
  readonly source: 'explicit' | 'loaded' | 'installed';
}

const LOADED = /[\\/]node_modules[\\/](cdk8s-plus-\d+)[\\/]lib[\\/]index\.js$/;

/**
 * Finds the cdk8s-plus to use: the one the app has loaded (the newest, if it loaded several), else
 * the newest installed of {@link SUPPORTED_PLUS_LINES}; throws when none is installed. @internal
 */
export function findPlus(env: PlusEnvironment): ResolvedPlus {
  const loaded = new Set(env.loaded.map((f) => LOADED.exec(f)?.[1]).filter((l): l is string => l !== undefined));
  for (const source of ['loaded', 'installed'] as const) {
    for (const line of SUPPORTED_PLUS_LINES) {
      if (source === 'loaded' && !loaded.has(line)) continue;
      const module = env.load(line);
      if (module !== undefined) return { module: checkPlus(module, line), line, source };
    }
  }
  throw new Error(`cdk8s-platform needs cdk8s-plus, a peer dependency: install one of ${SUPPORTED_PLUS_LINES.join(', ')} (npm install ${SUPPORTED_PLUS_LINES[0]}), or pass the module to usePlus()`);
}

function checkPlus(module: unknown, what: string): object {
  const m = module as Partial<Record<string, unknown>> | undefined;
  const missing = ['EnvValue', 'Secret', 'ConfigMap'].filter((k) => typeof m?.[k] !== 'function');
  if (missing.length > 0) throw new Error(`usePlus: ${what} is not a cdk8s-plus module (no ${missing.join(', ')}); pass the module itself, e.g. usePlus(require('cdk8s-plus-33'))`);
  return module as object;
}

let current: ResolvedPlus | undefined;

function nodeEnvironment(): PlusEnvironment {
  // Resolved from the app's directory first (where `cdk8s synth` runs), then from the library's.
  const paths = [process.cwd(), __dirname];
  return {
    loaded: Object.keys(require.cache),
    load: (name) => {
      let file: string;
      try {
        file = require.resolve(name, { paths });
      } catch {
        return undefined;
      }
      return require(file);
    },
  };
}

/**
 * The cdk8s-plus module the library uses (chosen on first use, then fixed for the process): the
 * one passed to {@link usePlus}, else the cdk8s-plus line the app has imported, else the newest
 * installed of `cdk8s-plus-33` … `cdk8s-plus-28`.
 */
export function resolvePlus(): ResolvedPlus {
  return (current ??= findPlus(nodeEnvironment()));
}

/**
 * Makes the library use `module` as cdk8s-plus: call it before building constructs when the app
 * has several cdk8s-plus lines installed and does not import the one it wants first.
 *
 * @example
 * import * as kplus from 'cdk8s-plus-33';
 * import { usePlus } from 'cdk8s-platform';
 * usePlus(kplus);
 */
export function usePlus(module: object): void {
  current = { module: checkPlus(module, 'the value passed'), line: plusLineOf(module), source: 'explicit' };
}

/** The package name of a loaded cdk8s-plus module, or `cdk8s-plus` when it is not found. */
function plusLineOf(module: object): string {
  for (const [file, entry] of Object.entries(require.cache)) {
    const line = LOADED.exec(file)?.[1];
    if (line && entry?.exports === module) return line;
  }
  return 'cdk8s-plus';
}

/** Forgets the chosen cdk8s-plus (tests). @internal */
export function resetPlus(): void {
  current = undefined;
}

/**
 * The cdk8s-plus module the library uses (see {@link resolvePlus}), loaded on first use.
 * Inside the library: `import { kplus } from '../core/plus'`, then `kplus.ConfigMap`, … as with
 * `import * as kplus from 'cdk8s-plus-28'`.
 * @internal
 */
export const kplus: PlusModule = new Proxy({} as PlusModule, {
  get: (_target, prop) => (resolvePlus().module as unknown as Record<string | symbol, unknown>)[prop],
});

// The types the library names as `kplus.X`. Public API types are structural (they fit every
// cdk8s-plus line); the others are internal (add a line when the library names another one).
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace kplus {
  /** A cdk8s-plus `EnvValue` (of the app's cdk8s-plus line): pass it to `container.env.addVariable()`. */
  export interface EnvValue {
    /** The literal value, if any. */
    readonly value?: any;
    /** The source of the value (a Secret key, a ConfigMap key, a field), if any. */
    readonly valueFrom?: any;
  }
  /** A cdk8s-plus ServiceAccount (of any line, created or imported by name). */
  export interface IServiceAccount extends IConstruct {
    /** `ServiceAccount`. */
    readonly kind: string;
    /** The Kubernetes name. */
    readonly name: string;
    /** The metadata (absent on a ServiceAccount imported by name). */
    readonly metadata?: { readonly namespace?: string };
  }
  /** @internal */
  export type ISecret = plus28.ISecret;
  /** @internal */
  export type Secret = plus28.Secret;
  /** @internal */
  export type IConfigMap = plus28.IConfigMap;
  /** @internal */
  export type ConfigMap = plus28.ConfigMap;
  /** @internal */
  export type ServiceAccount = plus28.ServiceAccount;
  /** @internal */
  export type Namespace = plus28.Namespace;
  /** @internal */
  export type Deployment = plus28.Deployment;
  /** @internal */
  export type Container = plus28.Container;
}
