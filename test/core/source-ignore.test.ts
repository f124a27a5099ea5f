// Which files of a Flux source end up in its artifact (lib/core/source-ignore.ts), and the checks
// built on it: a build reading a file its source leaves out, at synth and in `validate`; ignore
// lines Flux reads differently from git, refused on GitRepository and OCIRepository.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { GitOpsApp, Repo, SynthError } from '../../lib';
import { runValidate } from '../../lib/cli/validate';
import { ignorePatternProblems, sourceControllerFilter, sourceWatcherFilter } from '../../lib/core/source-ignore';
import { GitRepository, Kustomization, OCIRepository } from '../../lib/flux';

describe('the matcher: Flux (go-git) semantics, not git', () => {
  // [spec.ignore, file, the pattern that leaves it out (undefined: kept)]
  test.each<[string | undefined, string, string | undefined]>([
    // The monorepo pattern of Flux's docs: everything at the root but deploy/.
    ['/*\n!/deploy\n', 'deploy/app/kustomization.yaml', undefined],
    ['/*\n!/deploy\n', 'apps/web/kustomization.yaml', '/*'],
    ['/*\n!/deploy\n', 'kustomization.yaml', '/*'],
    // A later negation re-includes a file inside an excluded directory (git would not).
    ['config/\n!config/keep.yaml\n', 'config/keep.yaml', undefined],
    ['config/\n!config/keep.yaml\n', 'config/other.yaml', 'config/'],
    ['*\n!*.yaml\n', 'd/a.yaml', undefined],
    // A directory-only pattern does not match a file of that name.
    ['config/\n', 'x/config', undefined],
    // A pattern without a slash matches a segment at any depth; with one, it is anchored.
    ['tmp\n', 'x/tmp/f.yaml', 'tmp'],
    ['x/tmp\n', 'y/x/tmp/f.yaml', undefined],
    // `**`: a trailing one matches the directory itself too; no backtracking in the middle.
    ['a/**\n', 'a', 'a/**'],
    ['a/**\n', 'a/b/c.yaml', 'a/**'],
    ['a/**/b/c\n', 'a/b/x/b/c', undefined],
    ['**/secret-*.yaml\n', 'secret-1.yaml', '**/secret-*.yaml'],
    // Go's filepath.Match: `[!a]` is the set {!, a}; `[^a]` is the negation.
    ['[!a]*.yaml\n', 'a1.yaml', '[!a]*.yaml'],
    ['[!a]*.yaml\n', 'b1.yaml', undefined],
    ['[^a]*.yaml\n', 'b1.yaml', '[^a]*.yaml'],
    ['[^a]*.yaml\n', 'a1.yaml', undefined],
    // Trailing spaces are trimmed unless escaped.
    ['notes.yaml  \n', 'notes.yaml', 'notes.yaml  '],
    ['sp\\ \n', 'sp ', 'sp\\ '],
    // Defaults: without patterns, Flux's default exclusions and the VCS ones.
    [undefined, '.github/workflows/ci.yaml', '.github/'],
    [undefined, 'ci/cloudbuild.yaml', 'cloudbuild.yaml'],
    [undefined, 'apps/.sops.yaml', '**/.sops.yaml'],
    [undefined, 'docs/logo.png', '*.png'],
    [undefined, '.gitignore', '.gitignore'],
    [undefined, 'apps/web/deployment-web.yaml', undefined],
    // Comments and blank lines are no patterns: the defaults stay.
    ['# nothing\n\n   \n', 'ci/cloudbuild.yaml', 'cloudbuild.yaml'],
    // Any pattern drops the default exclusions; the VCS ones stay, and can be re-included.
    ['*.md\n', 'ci/cloudbuild.yaml', undefined],
    ['*.md\n', 'README.md', '*.md'],
    ['*.md\n', '.gitignore', '.gitignore'],
    ['!.gitignore\n', '.gitignore', undefined],
  ])('spec.ignore %j: %s', (ignore, file, pattern) => {
    expect(sourceControllerFilter(ignore).excludedBy(file)).toBe(pattern);
  });

  test("source-watcher's artifacts: the default exclusions, whatever the source's spec.ignore", () => {
    expect(sourceWatcherFilter().excludedBy('ci/cloudbuild.yaml')).toBe('cloudbuild.yaml');
    expect(sourceWatcherFilter().excludedBy('apps/web/kustomization.yaml')).toBeUndefined();
  });

  test('ignore lines Flux reads differently from git', () => {
    expect(ignorePatternProblems('# ok\n/*\n!/deploy\n[abc\nx/[!a]*.yaml\nfoo\\\n')).toEqual([
      'line 4 "[abc": "[abc" is a malformed pattern for Go\'s filepath.Match, which Flux uses: the line never matches anything',
      'line 5 "x/[!a]*.yaml": "[!" is not a negated class in Flux (Go\'s filepath.Match negates with "[^"), but the character "!" and the others; write "[^...]"',
      'line 6 "foo\\\\": "foo\\\\" is a malformed pattern for Go\'s filepath.Match, which Flux uses: the line never matches anything',
    ]);
    expect(ignorePatternProblems('[^a]*.yaml\n[a-c]\n\\[!x]\n')).toEqual([]);
  });
});

describe('GitRepository and OCIRepository refuse such lines', () => {
  test('exact errors, with the construct path and prop', () => {
    const app = new GitOpsApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'si-')), printBaselineReport: false });
    const repo = new Repo(app, 'mgmt', { url: 'https://example.com/mgmt' });
    const entry = repo.folder('clusters/mgmt', { namespace: 'flux-system' });
    expect(() => new GitRepository(entry, 'git', { name: 'mgmt', repo, ignore: '/*\n![!x]\n' })).toThrow(
      'mgmt/clusters--mgmt/git: prop "ignore": line 2 "![!x]": "[!" is not a negated class in Flux (Go\'s filepath.Match negates with "[^"), but the character "!" and the others; write "[^...]"',
    );
    expect(() => new OCIRepository(entry, 'oci', { name: 'oci', url: 'oci://ghcr.io/org/manifests', ref: { tag: 'v1' }, ignore: '[z-' })).toThrow(
      'mgmt/clusters--mgmt/oci: prop "ignore": line 1 "[z-": "[z-" is a malformed pattern for Go\'s filepath.Match, which Flux uses: the line never matches anything',
    );
  });
});

describe('a build reading a file its source leaves out', () => {
  function setup(ignore: string) {
    const app = new GitOpsApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'si-')), printBaselineReport: false });
    const repo = new Repo(app, 'mgmt', { url: 'https://example.com/mgmt' });
    const entry = repo.folder('clusters/mgmt', { namespace: 'flux-system' });
    const source = new GitRepository(entry, 'source', { name: 'mgmt', repo, ignore });
    for (const dir of ['apps/web', 'apps/api', 'deploy/web']) {
      const folder = repo.folder(dir, { namespace: 'flux-system' });
      new ApiObject(folder, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: dir.replace('/', '-') }, data: { a: 'b' } });
      Kustomization.forFolder(entry, dir.replace('/', '-'), folder, { name: dir.replace('/', '-'), source, prune: true });
    }
    return app;
  }
  const problems = (app: GitOpsApp) => {
    try {
      app.placedObjects();
      return [];
    } catch (e) {
      if (e instanceof SynthError) return [...e.problems];
      throw e;
    }
  };

  test('at synth: one line for the source, with the first file and how many more', () => {
    expect(problems(setup('# only deploy/\n/*\n!/deploy\n'))).toEqual([
      'mgmt/clusters--mgmt/source/Resource: GitRepository flux-system/mgmt: its spec.ignore pattern "/*" leaves "apps/api/kustomization.yaml" out of the artifact, ' +
        'and Kustomization flux-system/apps-api builds it (path "./apps/api") (and 3 more files of 1 more Kustomization): ' +
        'source-controller archives only the files its ignore patterns keep (SourceIgnoreFilter; the last matching pattern decides), ' +
        'so kustomize-controller fails ("kustomization path not found", or a missing resource) or builds a kustomization.yaml it generates instead of the one written; ' +
        're-include the files with a later "!" pattern, or build another path',
    ]);
  });

  test('re-included, or left out only where no build reads: no problem', () => {
    expect(problems(setup('/*\n!/deploy\n!/apps\n'))).toEqual([]);
    expect(problems(setup('*.md\ndocs/\n'))).toEqual([]);
  });

  test('one file of a folder: the build fails on the missing resource', () => {
    expect(problems(setup('configmap-apps-web.yaml\n'))).toEqual([
      expect.stringContaining('GitRepository flux-system/mgmt: its spec.ignore pattern "configmap-apps-web.yaml" leaves "apps/web/configmap-apps-web.yaml" out of the artifact, and Kustomization flux-system/apps-web builds it (path "./apps/web"): '),
    ]);
  });
});

describe('validate: the same check on a tree, with default exclusions and generated artifacts', () => {
  const doc = (o: string) => `${o.trim()}\n`;
  const GIT = (ignore?: string) => doc(`
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: mgmt
  namespace: flux-system
spec:
  interval: 1m
  url: https://example.com/mgmt
  ref:
    branch: main
${ignore !== undefined ? `  ignore: ${JSON.stringify(ignore)}\n` : ''}`);
  const KS = (name: string, p: string, kind = 'GitRepository', source = 'mgmt') => doc(`
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 10m
  path: ${p}
  prune: true
  sourceRef:
    kind: ${kind}
    name: ${source}
`);
  const CM = (name: string) => doc(`
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: flux-system
data:
  a: b
`);
  const GEN = doc(`
apiVersion: source.extensions.fluxcd.io/v1beta1
kind: ArtifactGenerator
metadata:
  name: gen
  namespace: flux-system
spec:
  sources:
    - alias: repo
      kind: GitRepository
      name: mgmt
  artifacts:
    - name: ci
      copy:
        - from: "@repo/ci/**"
          to: "@artifact/ci/"
`);
  async function validateTree(files: Record<string, string>): Promise<[number, string]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'si-tree-'));
    for (const [f, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), text);
    }
    const io = { cwd: dir, stdout: jest.fn(), stderr: jest.fn() } as any;
    const code = await runValidate(['.'], { preinstalled: ['source-watcher'] }, io);
    return [code, io.stdout.mock.calls.map((c: string[]) => c[0]).join('')];
  }

  test("Flux's default exclusions (no spec.ignore), and a kustomization.yml by its name", async () => {
    const [code, text] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT(), KS('ci', './ci')].join('---\n'),
      'ci/kustomization.yml': 'resources:\n  - cloudbuild.yaml\n',
      'ci/cloudbuild.yaml': CM('ci'),
    });
    expect(code).toBe(1);
    expect(text).toContain(
      'clusters/mgmt/sync.yaml#0: GitRepository flux-system/mgmt: Flux\'s default exclusion "cloudbuild.yaml" leaves "ci/cloudbuild.yaml" out of the artifact (a GitRepository without ignore patterns), ' +
        'and Kustomization flux-system/ci builds it (path "./ci"): ',
    );
    expect(text).toContain('; rename the file or its folder, or set spec.ignore (any pattern there replaces the default exclusions; the VCS ones stay)\n');
    // The kustomization file's own name: `*.yml` leaves it out (and with it the default exclusions).
    const [, yml] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT('*.yml'), KS('ci', './ci')].join('---\n'),
      'ci/kustomization.yml': 'resources:\n  - cloudbuild.yaml\n',
      'ci/cloudbuild.yaml': CM('ci'),
    });
    expect(yml).toContain('GitRepository flux-system/mgmt: its spec.ignore pattern "*.yml" leaves "ci/kustomization.yml" out of the artifact, and Kustomization flux-system/ci builds it (path "./ci"): ');
  });

  test('an ExternalArtifact: source-watcher drops the default exclusions even when the GitRepository keeps them', async () => {
    const [code, text] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT('*.md'), GEN, KS('ci', './ci', 'ExternalArtifact', 'ci')].join('---\n'),
      'ci/kustomization.yaml': 'resources:\n  - cloudbuild.yaml\n',
      'ci/cloudbuild.yaml': CM('ci'),
    });
    expect(code).toBe(1);
    expect(text).toContain(
      'clusters/mgmt/sync.yaml#1: ArtifactGenerator flux-system/gen: source-watcher leaves "ci/cloudbuild.yaml" out of ExternalArtifact ci ' +
        '(Flux\'s default exclusion "cloudbuild.yaml", applied to every artifact it builds whatever its sources\' spec.ignore: builder.go SourceIgnoreFilter), ' +
        'and Kustomization flux-system/ci builds it (path "./ci"): ',
    );
    expect(text).toContain('; rename the file or its folder\n');
    expect(text).not.toContain('GitRepository flux-system/mgmt:');
    // Renamed: clean.
    const [ok, clean] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT('*.md'), GEN, KS('ci', './ci', 'ExternalArtifact', 'ci')].join('---\n'),
      'ci/kustomization.yaml': 'resources:\n  - build.yaml\n',
      'ci/build.yaml': CM('ci'),
    });
    expect([ok, clean]).toEqual([0, expect.stringContaining('no issues')]);
  });
});
