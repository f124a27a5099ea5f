// examples/ci: the GitHub Actions workflow and the Azure DevOps pipeline run tests, synth --check and
// plan on pull requests, and synth + commit on main.
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ROOT } from './helpers';

const read = (f: string) => parse(fs.readFileSync(path.join(ROOT, 'examples', 'ci', f), 'utf8'));
const runs = (steps: Array<{ run?: string; script?: string }>) => steps.map((s) => s.run ?? s.script ?? '').join('\n');

test('GitHub Actions: PR = tests + synth --check + plan; main = synth + commit', () => {
  const wf = read('github-actions.yml');
  expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
  const pr = runs(wf.jobs['pull-request'].steps);
  for (const c of ['npm ci', 'npm test', 'npx cdk8s-platform synth --check', 'npx cdk8s-platform plan --ref']) expect(pr).toContain(c);
  expect(wf.jobs['pull-request'].if).toBe("github.event_name == 'pull_request'");
  const main = runs(wf.jobs.main.steps);
  for (const c of ['npm test', 'npx cdk8s-platform synth\n', 'git commit', 'git push']) expect(`${main}\n`).toContain(c);
  expect(wf.jobs.main.permissions).toEqual({ contents: 'write' });
});

test('Azure DevOps: PR = tests + synth --check + plan; main = synth + commit', () => {
  const p = read('azure-pipelines.yml');
  expect(p.trigger.branches.include).toEqual(['main']);
  expect(p.pr.branches.include).toEqual(['main']);
  const steps = p.steps as Array<{ script?: string; condition?: string }>;
  const onPr = steps.filter((s) => s.condition?.includes('eq(variables.isPullRequest, true)'));
  expect(runs(onPr)).toContain('npx cdk8s-platform synth --check');
  expect(runs(onPr)).toContain('npx cdk8s-platform plan --ref');
  const onMain = steps.filter((s) => s.condition?.includes("'refs/heads/main'"));
  expect(runs(onMain)).toContain('npx cdk8s-platform synth\n');
  expect(runs(onMain)).toContain('git push origin HEAD:main');
  expect(runs(steps.filter((s) => !s.condition))).toContain('npm test');
});
