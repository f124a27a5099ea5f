/**
 * The environment an object belongs to, for the platform picture:
 *  1. the label `platform.cdk8s.io/environment` ({@link ENVIRONMENT_LABEL}: what a `Fleet` and every
 *     construct placed in an environment writes) on the object, if present;
 *  2. else its plain `environment` label (a `Fleet`'s Clusters carry it too);
 *  (graph.ts then lets node pools, Kustomizations and folders take the environment of their cluster)
 *  3. else the first segment (from the repo root) of the object's folder path that looks like an
 *     environment: a segment that is, or has a `-`/`_`/`.`-separated token that is, one of
 *     {@link ENVIRONMENT_WORDS} (`clusters/mgmt/aks-dev/` → `dev`, `envs/production/` → `production`);
 *  4. else `undefined` (shown as "no environment").
 */

import { ENVIRONMENT_LABEL } from '../core/environment';

/** Folder-path tokens recognised as environment names. */
export const ENVIRONMENT_WORDS: readonly string[] = [
  'dev', 'develop', 'development', 'int', 'integration', 'test', 'testing', 'qa', 'uat', 'perf',
  'stage', 'staging', 'preprod', 'nonprod', 'prod', 'production', 'live', 'sandbox', 'sbx', 'demo',
];

const WORDS = new Set(ENVIRONMENT_WORDS);

/** The plain label a `Fleet` also writes on its Clusters. */
const LEGACY_ENVIRONMENT_LABEL = 'environment';

/** The environment of an object (see the module comment), or undefined. */
export function environmentOf(labels: Readonly<Record<string, string>>, file: string): string | undefined {
  const label = labels[ENVIRONMENT_LABEL];
  if (typeof label === 'string' && label !== '') return label;
  const legacy = labels[LEGACY_ENVIRONMENT_LABEL];
  if (typeof legacy === 'string' && legacy !== '') return legacy;
  const segments = file.split('/').slice(0, -1);
  for (const segment of segments) {
    const s = segment.toLowerCase();
    if (WORDS.has(s)) return s;
    const token = s.split(/[-_.]/).find((t) => WORDS.has(t));
    if (token) return token;
  }
  return undefined;
}
