/**
 * One environment concept across the library: the label a `Fleet` (and every construct placed in
 * an environment) writes on its objects is the label `graph` reads.
 */

/** Label naming the environment (`dev`, `prod`, ...) an object belongs to. */
export const ENVIRONMENT_LABEL = 'platform.cdk8s.io/environment';
