/**
 * Azure's rules for resource tags, shared by every family that renders them (ASO `spec.tags`,
 * upjet `spec.forProvider.tags`): ARM refuses a resource whose tag names break them
 * (learn.microsoft.com, "Use tags to organize your Azure resources", Limitations).
 */

/** At most this many tags per resource. */
export const AZURE_MAX_TAGS = 50;

/** Why `name` cannot be an Azure tag name, or undefined when it can: 1-512 characters without <, >, %, &, \, ? or /. */
export function azureTagNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 512 || /[<>%&\\?/]/.test(name)) return 'tag names must be 1-512 characters without <, >, %, &, \\, ? or /';
  return undefined;
}
