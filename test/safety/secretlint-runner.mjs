// Runs secretlint (preset-recommend) on each document given as a JSON array in argv[2] and prints
// the rule ids it reports per document, as JSON (ESM only: called from secrets-scan.test.ts).
import { lintSource } from '@secretlint/core';
import { creator } from '@secretlint/secretlint-rule-preset-recommend';

const inputs = JSON.parse(process.argv[2]);
const out = [];
for (const content of inputs) {
  const result = await lintSource({
    source: { filePath: '/repo/object.yaml', content, ext: '.yaml', contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] } },
  });
  out.push(result.messages.map((m) => m.ruleId));
}
process.stdout.write(JSON.stringify(out));
