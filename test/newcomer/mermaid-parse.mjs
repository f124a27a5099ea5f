// Parses Mermaid diagrams with mermaid's own parser (ESM-only, needs a DOM: jsdom). Run by
// test/newcomer/helpers.ts in a child process. stdin: JSON array of diagram texts; stdout: JSON array
// of { ok: true, type } | { ok: false, error }.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const text of JSON.parse(input)) {
  try {
    const r = await mermaid.parse(text);
    results.push({ ok: true, type: r.diagramType });
  } catch (e) {
    results.push({ ok: false, error: String(e && e.message ? e.message : e) });
  }
}
process.stdout.write(JSON.stringify(results));
