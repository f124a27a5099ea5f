import { CorpusCase } from '../harness';
import { APPLY_ORDER_CASES } from './apply-order';
import { ASO_CASES } from './aso';
import { CAPI_CASES } from './capi';
import { CROSSPLANE_CASES } from './crossplane';
import { CROSSPLANE_AUTHORIZATION_CASES } from './crossplane-authorization';
import { ENGINE_CASES } from './engine';
import { FLUX_CASES } from './flux';
import { VALIDATION_CASES } from './validation';
import { SECRET_CASES } from './secrets';

/** The corpus, per family. */
export const CASES_BY_FAMILY: Record<string, readonly CorpusCase[]> = {
  engine: ENGINE_CASES,
  flux: FLUX_CASES,
  aso: ASO_CASES,
  capi: CAPI_CASES,
  crossplane: CROSSPLANE_CASES,
  'crossplane-authorization': CROSSPLANE_AUTHORIZATION_CASES,
  'apply-order': APPLY_ORDER_CASES,
  validation: VALIDATION_CASES,
  secrets: SECRET_CASES,
};

/** Every case. */
export const ALL_CASES: readonly CorpusCase[] = Object.values(CASES_BY_FAMILY).flat();
