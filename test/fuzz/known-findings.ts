// Construct bugs the fuzz found, each with the exact counterexample. The fuzz counts a failure
// matching an entry as "known" instead of failing (and prints the count), and fuzz.test.ts checks
// that every counterexample still fails exactly this way: fix the construct, then delete the entry.
import { KnownFinding } from './harness';

export const KNOWN_FINDINGS: readonly KnownFinding[] = [
];
