import { GitOpsApp } from '../lib';
import { buildReferenceAppKro } from '../examples/reference-app/kro';
const out = process.argv[2];
const variant = process.argv[3];
const app = new GitOpsApp({ outdir: out, printBaselineReport: false });
const ref = buildReferenceAppKro(app) as any;
if (variant === 'no-instance') {
  const inst = ref.instance;
  inst.node.scope!.node.tryRemoveChild(inst.node.id);
  const web = app.node.findAll().find((c: any) => c.node.path.endsWith('apps--files--web'));
  for (const child of [...web!.node.children]) web!.node.tryRemoveChild(child.node.id);
}
try { app.synth(); console.log('synth ok'); } catch (e: any) { console.log(e.problems ? e.problems.join('\n') : e.message); }
void ref;
