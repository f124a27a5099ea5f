/**
 * The environment an object belongs to, for the platform picture:
 *  1. the label `platform.cdk8s.io/environment` on the object, if present;
 *  2. else the first segment (from the repo root) of the object's folder path that looks like an
 *     environment: a segment that is, or has a `-`/`_`/`.`-separated token that is, one of
 *     {@link ENVIRONMENT_WORDS} (`clusters/mgmt/aks-dev/` → `dev`, `envs/production/` → `production`);
 *  3. else `undefined` (shown as "unspecified").
 */

import { ENVIRONMENT_LABEL } from '../core/environment';

/** Folder-path tokens recognised as environment names. */
export const ENVIRONMENT_WORDS: readonly string[] = [
  'dev', 'develop', 'development', 'int', 'integration', 'test', 'testing', 'qa', 'uat', 'perf',
  'stage', 'staging', 'preprod', 'nonprod', 'prod', 'production', 'live', 'sandbox', 'sbx', 'demo',
];

const WORDS = new Set(ENVIRONMENT_WORDS);

/** The environment of an object (see the module comment), or undefined. */
export function environmentOf(labels: Readonly<Record<string, string>>, file: string): string | undefined {
  const label = labels[ENVIRONMENT_LABEL];
  if (typeof label === 'string' && label !== '') return label;
  const segments = file.split('/').slice(0, -1);
  for (const segment of segments) {
    const s = segment.toLowerCase();
    if (WORDS.has(s)) return s;
    const token = s.split(/[-_.]/).find((t) => WORDS.has(t));
    if (token) return token;
  }
  return undefined;
}
