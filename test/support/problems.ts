/** The lines of the SynthError (or other error) `fn` throws; none when it does not throw. */
export function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    return ((e as { problems?: string[] }).problems ?? [String(e)]).slice();
  }
  return [];
}
