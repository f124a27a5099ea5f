import * as fs from 'fs';
import { listTreeFiles } from '/work/main/lib/cli/validate-apply-order';
const files = listTreeFiles(process.argv[2]).yaml;
const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
const yamlOnly = [
    /^%/m,
    /(?:^|[\s[{,:-])\*[^\s,\]}]/m,
    /^[ \t]*(?:-[ \t]+)*(?:~|null|Null|NULL)?[ \t]*:(?:[ \t]|$)/m,
    /[{,][ \t]*(?:~|null|Null|NULL)?[ \t]*:(?:[ \t]|$)/,
    /^[ \t]*(?:-[ \t]+)*\?(?:[ \t]|$)/m,
    /(?:^|[\s[{,:-])!/m,
  ];
for (let k = 0; k < 2; k++) for (const re of yamlOnly) { const t = performance.now(); let n = 0; for (const x of texts) if (re.test(x)) n++; console.log(re.source.slice(0, 30).padEnd(32), (performance.now() - t).toFixed(0), n); }
const chars = ['%', '*', '?', '!', '{', ','];
for (const c of chars) { const t = performance.now(); let n = 0; for (const x of texts) if (x.includes(c)) n++; console.log(c, (performance.now() - t).toFixed(0), n); }
