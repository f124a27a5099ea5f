// Every fuzz target, by family.
import { ARGOCD_TARGETS } from './arbitraries/argocd';
import { ASO_TARGETS } from './arbitraries/aso';
import { CAPI_TARGETS } from './arbitraries/capi';
import { CROSSPLANE_TARGETS } from './arbitraries/crossplane';
import { FLUX_TARGETS } from './arbitraries/flux';
import { GITOPS_TARGETS } from './arbitraries/gitops';
import { KRO_TARGETS } from './arbitraries/kro';
import { SEALING_TARGETS } from './arbitraries/sealing';
import { FuzzTarget } from './harness';

export const TARGETS: readonly FuzzTarget[] = [...FLUX_TARGETS, ...ASO_TARGETS, ...CAPI_TARGETS, ...CROSSPLANE_TARGETS, ...ARGOCD_TARGETS, ...KRO_TARGETS, ...GITOPS_TARGETS, ...SEALING_TARGETS];
