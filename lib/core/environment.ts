import type { StringRule } from './errors';

/**
 * One environment concept across the library: the label a `Fleet` (and every construct placed in
 * an environment) writes on its objects is the label `graph` reads.
 */

/** Label naming the environment (`dev`, `prod`, ...) an object belongs to. */
export const ENVIRONMENT_LABEL = 'platform.cdk8s.io/environment';

/**
 * The rule for an environment name: a label value (it is written as {@link ENVIRONMENT_LABEL}).
 * Flux environments, which also name branches and folders, are stricter (DNS labels).
 */
export const ENVIRONMENT_VALUE: StringRule = {
  min: 1,
  max: 63,
  pattern: /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
  description: `a label value (the "${ENVIRONMENT_LABEL}" label): at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit`,
};
