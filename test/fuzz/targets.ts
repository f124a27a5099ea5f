// Every fuzz target, by family.
import { ASO_TARGETS } from './arbitraries/aso';
import { CAPI_TARGETS } from './arbitraries/capi';
import { CROSSPLANE_TARGETS } from './arbitraries/crossplane';
import { FLUX_TARGETS } from './arbitraries/flux';
import { FuzzTarget } from './harness';

export const TARGETS: readonly FuzzTarget[] = [...FLUX_TARGETS, ...ASO_TARGETS, ...CAPI_TARGETS, ...CROSSPLANE_TARGETS];
