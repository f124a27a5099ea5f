/**
 * Manifest validation: strict OpenAPI schema (unknown fields, enums, RE2 patterns, formats, …),
 * CEL x-kubernetes-validations, ObjectMeta rules and embedded objects. See validator.ts.
 */
export { Validator, naturalCompare, pruneNulls, type ValidatorOptions, type CompiledKindStats, type ValidationCoverage, type PortableValidator } from './validator';
export { suggestKind, editDistance, type KindSuggestion } from './suggest';
export { ValidationError, formatIssues, type ValidationInput, type ValidationIssue } from './types';
export { SchemaRegistry, registerKindSchema, schemaKey, packageRoot, defaultSchemaDir, type KindSchema, type Scope, type SchemaOrigin, type PortableRegistry, type PortableKind } from './registry';
export { DEFAULT_EMBEDDINGS, type EmbeddingLocation } from './embedded';
export {
  NAME_RULES,
  CLUSTER_SCOPED_KINDS,
  ALLOWED_METADATA_FIELDS,
  checkMetadata,
  checkDns1123Label,
  checkDns1035Label,
  checkDns1123Subdomain,
  checkQualifiedName,
  type NameRule,
} from './metadata';
export { compileRe2, type Re2Matcher, Re2SyntaxError } from './re2';
export { toJsonSchema, CHECKED_FORMATS } from './schema';

import { Validator, type ValidatorOptions } from './validator';
import type { ValidationInput } from './types';

let defaultValidator: Validator | undefined;

/**
 * Convenience for synth pipelines: validates with the default registry (imports/schemas), or with a
 * validator built from `opts`, and returns the formatted issue lines (empty when valid). The default
 * validator is created once per process, so compiled schemas are reused across calls.
 */
export function validateObjects(objects: Iterable<ValidationInput>, opts?: ValidatorOptions): string[] {
  const v = opts ? new Validator(opts) : (defaultValidator ??= new Validator());
  return v.validate(objects).map((i) => i.message);
}
