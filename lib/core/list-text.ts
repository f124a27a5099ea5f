/**
 * A list of names for a one-line message: the first `max`, then how many more
 * (`a, b, c, and 7 more`). Messages about a fleet name a few of its thousands of objects.
 */
export function someOf(items: readonly string[], max = 5): string {
  return items.slice(0, max).join(', ') + (items.length > max ? `, and ${items.length - max} more` : '');
}
