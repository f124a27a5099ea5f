import { GitOpsApp } from '../lib';
import { buildReferenceAppKro } from '../examples/reference-app/kro';
const out = process.argv[2];
const variant = process.argv[3];
const app = new GitOpsApp({ outdir: out, printBaselineReport: false });
const ref = buildReferenceAppKro(app) as any;
if (variant === 'no-instance') {
  for (const c of app.node.findAll()) if (c.constructor.name === 'RgdInstance') c.node.scope!.node.tryRemoveChild(c.node.id);
}
try { app.synth(); console.log('synth ok'); } catch (e: any) { console.log(e.problems ? e.problems.join('\n') : e.message); }
void ref;
