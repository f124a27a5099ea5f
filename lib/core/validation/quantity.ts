/**
 * The grammar of a Kubernetes quantity (k8s.io/apimachinery/pkg/api/resource `ParseQuantity`):
 * sign, digits with an optional fraction, then a binary suffix (`Ki`…`Ei`), a decimal suffix
 * (`n u m k M G T P E`) or an integer exponent (`e3`). Groups: 1 sign, 2 number, 3 suffix.
 * One definition for the `quantity` format of schemas, the CEL quantity library and the props
 * that take quantities.
 */
export const QUANTITY_RE = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

/** Whether `s` is a Kubernetes quantity. */
export function isQuantity(s: string): boolean {
  return QUANTITY_RE.test(s);
}
