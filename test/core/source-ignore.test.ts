// Which files of a Flux source end up in its artifact (lib/core/source-ignore.ts), and the checks
// built on it: a build reading a file its source leaves out, at synth and in `validate`; ignore
// lines Flux reads differently from git, refused on GitRepository and OCIRepository.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { Folder, GitOpsApp, Repo, SynthError } from '../../lib';
import { runValidate } from '../../lib/cli/validate';
import { ignorePatternProblems, sourceControllerFilter, sourceWatcherFilter } from '../../lib/core/source-ignore';
import { FluxBootstrap, GitRepository, Kustomization, OCIRepository } from '../../lib/flux';
import { Testing } from '../../lib/testing';

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
    // `**`: a trailing one matches the directory itself too; no backtracking in the middle; inside
    // a segment of a pattern with a slash, never; in a pattern without one, two `*`.
    ['a/**\n', 'a', 'a/**'],
    ['a/**\n', 'a/b/c.yaml', 'a/**'],
    ['a/**/b/c\n', 'a/b/x/b/c', undefined],
    ['**/secret-*.yaml\n', 'secret-1.yaml', '**/secret-*.yaml'],
    ['x/b**/c\n', 'x/bb/c', undefined],
    ['foo**\n', 'a/foobar', 'foo**'],
    // Go's filepath.Match: `[!a]` is the set {!, a}; `[^a]` is the negation; ranges; escapes; a
    // reversed range matches nothing (negated: anything); a malformed pattern never matches.
    ['[!a]*.yaml\n', 'a1.yaml', '[!a]*.yaml'],
    ['[!a]*.yaml\n', 'b1.yaml', undefined],
    ['[^a]*.yaml\n', 'b1.yaml', '[^a]*.yaml'],
    ['[^a]*.yaml\n', 'a1.yaml', undefined],
    ['[a-c]?.yaml\n', 'b1.yaml', '[a-c]?.yaml'],
    ['[a-c]?.yaml\n', 'd1.yaml', undefined],
    ['[c-a]x\n', 'bx', undefined],
    ['[^c-a]x\n', 'bx', '[^c-a]x'],
    ['\\*.yaml\n', '*.yaml', '\\*.yaml'],
    ['\\*.yaml\n', 'a.yaml', undefined],
    ['[abc\n', '[abc', undefined],
    // Trailing spaces are trimmed unless escaped; CRLF line ends, the last one too.
    ['notes.yaml  \n', 'notes.yaml', 'notes.yaml  '],
    ['sp\\ \n', 'sp ', 'sp\\ '],
    ['a.yaml\r\nb.yaml\r', 'b.yaml', 'b.yaml'],
    // Defaults: without patterns, Flux's default exclusions and the VCS ones.
    [undefined, '.github/workflows/ci.yaml', '.github/'],
    [undefined, 'ci/cloudbuild.yaml', 'cloudbuild.yaml'],
    [undefined, 'apps/.sops.yaml', '**/.sops.yaml'],
    [undefined, 'docs/logo.png', '*.png'],
    [undefined, '.gitignore', '.gitignore'],
    [undefined, 'apps/web/deployment-web.yaml', undefined],
    // Comments and blank lines (Go's white space) are no patterns: the defaults stay.
    ['# nothing\n\n   \n\u0085\n', 'ci/cloudbuild.yaml', 'cloudbuild.yaml'],
    // Any pattern drops the default exclusions; the VCS ones stay, and can be re-included.
    ['*.md\n', 'ci/cloudbuild.yaml', undefined],
    ['*.md\n', 'README.md', '*.md'],
    ['*.md\n', '.gitignore', '.gitignore'],
    ['!.gitignore\n', '.gitignore', undefined],
  ])('spec.ignore %j: %s', (ignore, file, pattern) => {
    expect(sourceControllerFilter(ignore).excludedBy(file)?.pattern).toBe(pattern);
  });

  test('where the deciding pattern comes from', () => {
    expect(sourceControllerFilter(undefined).excludedBy('.gitignore')).toEqual({ pattern: '.gitignore', origin: 'vcs' });
    expect(sourceControllerFilter(undefined).excludedBy('a.png')).toEqual({ pattern: '*.png', origin: 'default' });
    expect(sourceControllerFilter('*.md').excludedBy('apps/.git/x.yaml')).toEqual({ pattern: '.git/', origin: 'vcs' });
    expect(sourceControllerFilter('*.md').excludedBy('a.md')).toEqual({ pattern: '*.md', origin: 'spec.ignore' });
  });

  test('.sourceignore files: scoped to their directory, root first, then below in name order, then spec.ignore; any drops the defaults', () => {
    const files = [
      { dir: 'apps', text: '!keep.yaml\n/*.md\n' },
      { dir: '', text: '*.yaml\n' },
    ];
    const f = sourceControllerFilter(undefined, files);
    expect(f.excludedBy('keep.yaml')).toEqual({ pattern: '*.yaml', origin: '.sourceignore' });
    expect(f.excludedBy('apps/keep.yaml')).toBeUndefined();
    expect(f.excludedBy('apps/other.yaml')).toEqual({ pattern: '*.yaml', origin: '.sourceignore' });
    expect(f.excludedBy('apps/a.md')).toEqual({ pattern: '/*.md', origin: 'apps/.sourceignore' });
    expect(f.excludedBy('a.md')).toBeUndefined();
    expect(f.excludedBy('apps/sub/a.md')).toBeUndefined();
    expect(f.excludedBy('ci/cloudbuild.json')).toBeUndefined();
    expect(f.excludedBy('logo.png')).toBeUndefined();
    expect(sourceControllerFilter('apps/keep.yaml', files).excludedBy('apps/keep.yaml')).toEqual({ pattern: 'apps/keep.yaml', origin: 'spec.ignore' });
  });

  test("source-watcher's artifacts: the default exclusions, whatever the source's spec.ignore, also on the artifact's name", () => {
    const w = sourceWatcherFilter();
    expect(w.excludedBy('ci/ci/cloudbuild.yaml')).toEqual({ pattern: 'cloudbuild.yaml', origin: 'default' });
    expect(w.excludedBy('apps/apps/.sops.yaml')?.pattern).toBe('**/.sops.yaml');
    expect(w.excludedBy('apps/.github/x.yaml')?.pattern).toBe('.github/');
    expect(w.excludedBy('bundle.zip/apps/kustomization.yaml')?.pattern).toBe('*.zip');
    expect(w.excludedBy('apps/apps/web/kustomization.yaml')).toBeUndefined();
  });

  test('ignore lines Flux reads differently from git', () => {
    expect(ignorePatternProblems('# ok\n/*\n!/deploy\n[abc\nx/[!a]*.yaml\nfoo\\\n\\\\[!a]x\na\\  \nx/b**/c\n')).toEqual([
      'line 4 "[abc": "[abc" is a malformed pattern for Go\'s filepath.Match, which Flux uses: the line never matches anything',
      'line 5 "x/[!a]*.yaml": a class starting with "!" is not negated in Flux (Go\'s filepath.Match negates with "[^"), but holds the character "!"; write "[^...]" to negate, or put "!" later in the class',
      'line 6 "foo\\\\": "foo\\\\" is a malformed pattern for Go\'s filepath.Match, which Flux uses: the line never matches anything',
      'line 7 "\\\\\\\\[!a]x": a class starting with "!" is not negated in Flux (Go\'s filepath.Match negates with "[^"), but holds the character "!"; write "[^...]" to negate, or put "!" later in the class',
      'line 8 "a\\\\  ": "a\\\\" is a malformed pattern for Go\'s filepath.Match, which Flux uses: the line never matches anything',
      'line 9 "x/b**/c": "b**": Flux\'s matcher takes "**" only as a whole segment between slashes, so the line never matches anything; write "**/" or "*"',
    ]);
    expect(ignorePatternProblems('[^a]*.yaml\n[a-c]\n\\[!x]\n[[!]x\n[^!a]\nfoo**\n**/x\n')).toEqual([]);
  });
});

describe('GitRepository and OCIRepository refuse such lines', () => {
  test('exact errors, with the construct path and prop', () => {
    const app = new GitOpsApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'si-')), printBaselineReport: false });
    const repo = new Repo(app, 'mgmt', { url: 'https://example.com/mgmt' });
    const entry = repo.folder('clusters/mgmt', { namespace: 'flux-system' });
    expect(() => new GitRepository(entry, 'git', { name: 'mgmt', repo, ignore: '/*\n![!x]\n' })).toThrow(
      'mgmt/clusters--mgmt/git: prop "ignore": line 2 "![!x]": a class starting with "!" is not negated in Flux (Go\'s filepath.Match negates with "[^"), but holds the character "!"; write "[^...]" to negate, or put "!" later in the class',
    );
    expect(() => new OCIRepository(entry, 'oci', { name: 'oci', url: 'oci://ghcr.io/org/manifests', ref: { tag: 'v1' }, ignore: '[z-' })).toThrow(
      'mgmt/clusters--mgmt/oci: prop "ignore": line 1 "[z-": "[z-" is a malformed pattern for Go\'s filepath.Match, which Flux uses: the line never matches anything',
    );
  });
});

describe('a build reading a file its source leaves out', () => {
  function setup(ignore: string, extra?: (repo: Repo, entry: Folder, source: GitRepository) => void) {
    const app = new GitOpsApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'si-')), printBaselineReport: false });
    const repo = new Repo(app, 'mgmt', { url: 'https://example.com/mgmt' });
    const entry = repo.folder('clusters/mgmt', { namespace: 'flux-system' });
    const source = new GitRepository(entry, 'source', { name: 'mgmt', repo, ignore });
    for (const dir of ['apps/web', 'apps/api', 'deploy/web']) {
      const folder = repo.folder(dir, { namespace: 'flux-system' });
      new ApiObject(folder, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: dir.replace('/', '-') }, data: { a: 'b' } });
      Kustomization.forFolder(entry, dir.replace('/', '-'), folder, { name: dir.replace('/', '-'), source, prune: true });
    }
    extra?.(repo, entry, source);
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
  const OWN = 'Flux generates a kustomization.yaml from what is left instead of the one written, and applies (and prunes to) that build; ';
  const LISTED = 'kustomize-controller fails: the kustomization file listing it finds no such resource; ';

  test('at synth: one line for the source, with the first file and the totals', () => {
    expect(problems(setup('# only deploy/\n/*\n!/deploy\n'))).toEqual([
      'mgmt/clusters--mgmt/source/Resource: GitRepository flux-system/mgmt: its spec.ignore pattern "/*" leaves "apps/api/kustomization.yaml" out of the artifact ' +
        '(source-controller archives only the files its ignore patterns keep; the last matching pattern decides), ' +
        'and Kustomization flux-system/apps-api builds it (path "./apps/api"; 4 files left out in all, read by 2 Kustomizations through this source): ' +
        OWN +
        're-include the files with a later "!" pattern, or build another path',
    ]);
  });

  test('re-included, or left out only where no build reads: no problem', () => {
    expect(problems(setup('/*\n!/deploy\n!/apps\n'))).toEqual([]);
    expect(problems(setup('*.md\ndocs/\n'))).toEqual([]);
  });

  test('one file of a folder', () => {
    expect(problems(setup('configmap-apps-web.yaml\n'))).toEqual([
      'mgmt/clusters--mgmt/source/Resource: GitRepository flux-system/mgmt: its spec.ignore pattern "configmap-apps-web.yaml" leaves "apps/web/configmap-apps-web.yaml" out of the artifact ' +
        '(source-controller archives only the files its ignore patterns keep; the last matching pattern decides), ' +
        'and Kustomization flux-system/apps-web builds it (path "./apps/web"): ' +
        LISTED +
        're-include the files with a later "!" pattern, or build another path',
    ]);
  });

  test("FluxBootstrap's ignore: the flux-system GitRepository's patterns, checked the same way", () => {
    const bootstrapped = (ignore: string) => {
      const app = new GitOpsApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'si-')), printBaselineReport: false });
      const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
      const entry = repo.folder('clusters/mgmt', { includeSubfolders: false });
      const fluxFolder = repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' });
      fluxFolder.addResource('gotk-components.yaml', { userOwned: true });
      const flux = new FluxBootstrap(fluxFolder, 'flux', { repo, entry, ignore });
      const apps = repo.folder('apps/web', { namespace: 'flux-system' });
      new ApiObject(apps, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { a: 'b' } });
      Kustomization.forFolder(entry, 'apps', apps, { name: 'apps', source: flux.source, prune: true });
      return { app, flux };
    };
    const ok = bootstrapped('/*\n!/clusters\n!/apps\n');
    expect(Testing.find(ok.app, 'GitRepository', 'flux-system', 'flux-system').spec.ignore).toBe('/*\n!/clusters\n!/apps\n');
    expect(problems(ok.app)).toEqual([]);
    expect(problems(bootstrapped('/*\n!/clusters\n').app)).toEqual([
      'platform/clusters--mgmt--flux-system/flux/source/Resource: GitRepository flux-system/flux-system: its spec.ignore pattern "/*" leaves "apps/web/kustomization.yaml" out of the artifact ' +
        '(source-controller archives only the files its ignore patterns keep; the last matching pattern decides), ' +
        'and Kustomization flux-system/apps builds it (path "./apps/web"; 2 files left out in all, read by 1 Kustomization through this source): ' +
        OWN +
        're-include the files with a later "!" pattern, or build another path',
    ]);
  });

  test('a folder without kustomization.yaml: what is left out is not built (no problem); nothing left, or only an empty directory, is', () => {
    const build = (ignore: string) => setup(ignore, (repo, entry, source) => {
      const plain = repo.folder('plain/web', { namespace: 'flux-system', kustomization: false });
      new ApiObject(plain, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain-a' }, data: { a: 'b' } });
      new ApiObject(plain, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain-b' }, data: { a: 'b' } });
      Kustomization.forFolder(entry, 'plain', plain, { name: 'plain', source, prune: true });
    });
    expect(problems(build('configmap-plain-a.yaml\n'))).toEqual([]);
    expect(problems(build('plain/\n'))).toEqual([
      'mgmt/clusters--mgmt/source/Resource: GitRepository flux-system/mgmt: its spec.ignore pattern "plain/" leaves "plain/web/configmap-plain-a.yaml" out of the artifact ' +
        '(source-controller archives only the files its ignore patterns keep; the last matching pattern decides), ' +
        'and Kustomization flux-system/plain builds "./plain/web" (no kustomization file; 2 files left out in all, read by 1 Kustomization through this source), of which nothing is left: kustomize-controller fails ("kustomization path not found"); ' +
        're-include the files with a later "!" pattern, or build another path',
    ]);
    // A pattern of files only: the directory stays, empty.
    expect(problems(build('plain/web/*\n'))).toEqual([
      'mgmt/clusters--mgmt/source/Resource: GitRepository flux-system/mgmt: its spec.ignore pattern "plain/web/*" leaves "plain/web/configmap-plain-a.yaml" out of the artifact ' +
        '(source-controller archives only the files its ignore patterns keep; the last matching pattern decides), ' +
        'and Kustomization flux-system/plain builds "./plain/web" (no kustomization file; 2 files left out in all, read by 1 Kustomization through this source), of which only empty directories are left: ' +
        'Flux generates an empty kustomization.yaml, applies nothing and prunes everything the Kustomization applied before; re-include the files with a later "!" pattern, or build another path',
    ]);
  });
});

describe('validate: the same check on a tree, with default exclusions, .sourceignore files and generated artifacts', () => {
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
  const CM = (name: string, namespace = 'flux-system') => doc(`
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: ${namespace}
data:
  a: b
`);
  const GEN = (artifact: string) => doc(`
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
    - name: ${artifact}
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
  const WHY = '(source-controller archives only the files its ignore patterns keep; the last matching pattern decides), ';

  test("Flux's default exclusions (no spec.ignore), and a kustomization.yml by its name", async () => {
    const [code, text] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT(), KS('ci', './ci')].join('---\n'),
      'ci/kustomization.yml': 'resources:\n  - cloudbuild.yaml\n',
      'ci/cloudbuild.yaml': CM('ci'),
    });
    expect(code).toBe(1);
    expect(text).toContain(
      'clusters/mgmt/sync.yaml#0: GitRepository flux-system/mgmt: Flux\'s default exclusion "cloudbuild.yaml" (applied when there are no ignore patterns: no spec.ignore, no .sourceignore in the repo) leaves "ci/cloudbuild.yaml" out of the artifact ' +
        `${WHY}and Kustomization flux-system/ci builds it (path "./ci"): kustomize-controller fails: the kustomization file listing it finds no such resource; ` +
        'rename the file or its folder, or set spec.ignore (any pattern there replaces the default exclusions; the VCS ones stay)\n',
    );
    // The kustomization file's own name: `*.yml` leaves it out (and with it the default exclusions).
    const [, yml] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT('*.yml'), KS('ci', './ci')].join('---\n'),
      'ci/kustomization.yml': 'resources:\n  - cloudbuild.yaml\n',
      'ci/cloudbuild.yaml': CM('ci'),
    });
    expect(yml).toContain(`GitRepository flux-system/mgmt: its spec.ignore pattern "*.yml" leaves "ci/kustomization.yml" out of the artifact ${WHY}and Kustomization flux-system/ci builds it (path "./ci"): `);
    expect(yml).not.toContain('cloudbuild');
    // One file two Kustomizations build: the totals say so.
    const [, two] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT(), KS('ci', './ci'), KS('ci-again', './ci')].join('---\n'),
      'ci/kustomization.yaml': 'resources:\n  - cloudbuild.yaml\n',
      'ci/cloudbuild.yaml': CM('ci'),
    });
    expect(two).toContain('and Kustomization flux-system/ci builds it (path "./ci"; 1 file left out in all, read by 2 Kustomizations through this source): ');
  });

  test("a file a kustomization file names otherwise (a generator's file, a patch) is needed too", async () => {
    // Flux's default exclusions leave *.png out: the generator's file is in the tree, not in the artifact.
    const [code, text] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT(), KS('web', './apps/web')].join('---\n'),
      'apps/web/kustomization.yaml': 'resources:\n  - cm.yaml\nconfigMapGenerator:\n  - name: branding\n    namespace: flux-system\n    files:\n      - logo.png\n',
      'apps/web/cm.yaml': CM('web'),
      'apps/web/logo.png': 'not really a picture\n',
    });
    expect(code).toBe(1);
    expect(text).toContain(
      'clusters/mgmt/sync.yaml#0: GitRepository flux-system/mgmt: Flux\'s default exclusion "*.png" (applied when there are no ignore patterns: no spec.ignore, no .sourceignore in the repo) leaves "apps/web/logo.png" out of the artifact ' +
        `${WHY}and Kustomization flux-system/web builds it (path "./apps/web"): kustomize-controller fails: the kustomization file naming it (a patch, a generator's file, a CRD...) finds no such file; ` +
        'rename the file or its folder, or set spec.ignore (any pattern there replaces the default exclusions; the VCS ones stay)\n',
    );
    // A .sourceignore leaving out a patch file; one re-including it: no problem.
    const tree = (sourceIgnore: string) => ({
      'clusters/mgmt/sync.yaml': [GIT(), KS('web', './apps/web')].join('---\n'),
      '.sourceignore': sourceIgnore,
      'apps/web/kustomization.yaml': 'resources:\n  - cm.yaml\npatches:\n  - path: patches/replicas.yaml\n',
      'apps/web/cm.yaml': CM('web'),
      'apps/web/patches/replicas.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: flux-system\ndata:\n  c: d\n',
    });
    const [, patched] = await validateTree(tree('patches/\n'));
    expect(patched).toContain('GitRepository flux-system/mgmt: the pattern "patches/" of .sourceignore leaves "apps/web/patches/replicas.yaml" out of the artifact ');
    expect(patched).toContain("kustomize-controller fails: the kustomization file naming it (a patch, a generator's file, a CRD...) finds no such file");
    const [okCode, ok] = await validateTree(tree('patches/\n!apps/web/patches/\n'));
    expect([okCode, ok]).toEqual([0, expect.stringContaining(': no issues (')]);
  });

  test('a .sourceignore of the tree: its patterns, scoped to its folder, and no default exclusions', async () => {
    const [code, text] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT(), KS('ci', './ci')].join('---\n'),
      'ci/.sourceignore': '/kustomization.yaml\n',
      'ci/kustomization.yaml': 'resources:\n  - cloudbuild.yaml\n',
      'ci/cloudbuild.yaml': CM('ci'),
    });
    expect(code).toBe(1);
    expect(text).toContain(
      `clusters/mgmt/sync.yaml#0: GitRepository flux-system/mgmt: the pattern "/kustomization.yaml" of ci/.sourceignore leaves "ci/kustomization.yaml" out of the artifact ${WHY}`,
    );
    expect(text).toContain('; re-include the files with a later "!" pattern (in ci/.sourceignore or spec.ignore), or build another path\n');
    expect(text).not.toContain('cloudbuild.yaml" out');
    // A .sourceignore of another folder: the defaults are off, cloudbuild.yaml is kept.
    const [ok, clean] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT(), KS('ci', './ci')].join('---\n'),
      'docs/.sourceignore': '*.md\n',
      'ci/kustomization.yaml': 'resources:\n  - cloudbuild.yaml\n',
      'ci/cloudbuild.yaml': CM('ci'),
    });
    expect([ok, clean]).toEqual([0, expect.stringContaining('no issues')]);
    // In a dot-directory too: any .sourceignore turns the defaults off.
    const [ok2, clean2] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT(), KS('ci', './ci')].join('---\n'),
      '.github/.sourceignore': '*.md\n',
      'ci/kustomization.yaml': 'resources:\n  - cloudbuild.yaml\n',
      'ci/cloudbuild.yaml': CM('ci'),
    });
    expect([ok2, clean2]).toEqual([0, expect.stringContaining('no issues')]);
  });

  test('files the tree\'s .sourceignore leaves out are not validated as manifests; ignore lines Flux reads differently from git are issues', async () => {
    const [ok, clean] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT(), KS('apps', './apps')].join('---\n'),
      '.sourceignore': 'values.yaml\n',
      'apps/web/cm.yaml': CM('web'),
      'apps/web/values.yaml': 'replicas: 2\n',
    });
    expect([ok, clean]).toEqual([0, expect.stringMatching(/^validate: 3 documents in 2 files \(and 1 left out by \.sourceignore\): no issues \(/m)]);
    const [code, text] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT('[!a]*.md\n'), KS('apps', './apps')].join('---\n'),
      'docs/.sourceignore': '# docs\nx/b**/c\n',
      'apps/web/cm.yaml': CM('web'),
    });
    expect(code).toBe(1);
    expect(text).toContain(
      'clusters/mgmt/sync.yaml#0: GitRepository/flux-system/mgmt: spec.ignore: line 1 "[!a]*.md": a class starting with "!" is not negated in Flux (Go\'s filepath.Match negates with "[^"), but holds the character "!"; write "[^...]" to negate, or put "!" later in the class\n',
    );
    expect(text).toContain(`docs${path.sep}.sourceignore: line 2 "x/b**/c": "b**": Flux's matcher takes "**" only as a whole segment between slashes, so the line never matches anything; write "**/" or "*"\n`);
  });

  test('a path Flux generates a kustomization.yaml for: files left out are not built; a path with nothing left is a problem', async () => {
    // examples/ is left out: its ConfigMap (in a Namespace nothing applies) is not in the build.
    const [ok, clean] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT('**/examples/'), KS('apps', './apps')].join('---\n'),
      'apps/web/cm.yaml': CM('web'),
      'apps/web/examples/ex.yaml': CM('example', 'nowhere'),
    });
    expect([ok, clean]).toEqual([0, expect.stringContaining('no issues')]);
    const [code, text] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT('/*\n!/clusters\n'), KS('apps', './apps')].join('---\n'),
      'apps/web/cm.yaml': CM('web'),
    });
    expect(code).toBe(1);
    expect(text).toContain(
      `clusters/mgmt/sync.yaml#0: GitRepository flux-system/mgmt: its spec.ignore pattern "/*" leaves "apps/web/cm.yaml" out of the artifact ${WHY}` +
        'and Kustomization flux-system/apps builds "./apps" (no kustomization file), of which nothing is left: kustomize-controller fails ("kustomization path not found"); re-include the files with a later "!" pattern, or build another path\n',
    );
    // A sub-directory with a kustomization.yaml of its own, left out entirely: not built either.
    const [ok3, clean3] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT('**/examples/'), KS('apps', './apps')].join('---\n'),
      'apps/web/cm.yaml': CM('web'),
      'apps/web/examples/kustomization.yaml': 'resources:\n  - ex.yaml\n',
      'apps/web/examples/ex.yaml': CM('example', 'nowhere'),
    });
    expect([ok3, clean3]).toEqual([0, expect.stringContaining('no issues')]);
    // Its kustomization file left out while its other files stay: Flux would build those instead.
    const [code4, text4] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT('**/examples/kustomization.yaml'), KS('apps', './apps')].join('---\n'),
      'apps/web/cm.yaml': CM('web'),
      'apps/web/examples/kustomization.yaml': 'resources:\n  - ex.yaml\n',
      'apps/web/examples/ex.yaml': CM('example'),
    });
    expect(code4).toBe(1);
    expect(text4).toContain('its spec.ignore pattern "**/examples/kustomization.yaml" leaves "apps/web/examples/kustomization.yaml" out of the artifact');
    // A kept kustomization.yaml below the path: Flux builds that directory.
    const [ok2, clean2] = await validateTree({
      'clusters/mgmt/sync.yaml': [GIT('/clusters/prod/*.yaml\n'), KS('prod', './clusters/prod')].join('---\n'),
      'clusters/prod/own.yaml': CM('own', 'nowhere'),
      'clusters/prod/apps/kustomization.yaml': 'resources:\n  - ../../../apps/prod/cm.yaml\n',
      'apps/prod/cm.yaml': CM('prod'),
    });
    expect([ok2, clean2]).toEqual([0, expect.stringContaining('no issues')]);
  });

  test('an ExternalArtifact: source-watcher applies the default exclusions even when the GitRepository keeps them', async () => {
    const tree = (artifact: string, ignore: string, file: string) => ({
      'clusters/mgmt/sync.yaml': [GIT(ignore), GEN(artifact), KS('ci', './ci', 'ExternalArtifact', artifact)].join('---\n'),
      'ci/kustomization.yaml': `resources:\n  - ${file}\n`,
      [`ci/${file}`]: CM('ci'),
    });
    const [code, text] = await validateTree(tree('ci', '*.md', 'cloudbuild.yaml'));
    expect(code).toBe(1);
    expect(text).toContain(
      'clusters/mgmt/sync.yaml#1: ArtifactGenerator flux-system/gen: source-watcher leaves "ci/cloudbuild.yaml" out of ExternalArtifact ci (Flux\'s default exclusion "cloudbuild.yaml"), ' +
        'which it applies to every artifact it builds, on <workspace>/<artifact name>/<file>, whatever its sources\' spec.ignore (builder.go SourceIgnoreFilter), ' +
        'and Kustomization flux-system/ci builds it (path "./ci", through ExternalArtifact ci): ',
    );
    expect(text).toContain('; rename the file or its folder\n');
    expect(text).not.toContain('GitRepository flux-system/mgmt:');
    // An artifact named like a default exclusion: source-watcher empties it, whatever the file.
    const [, named] = await validateTree(tree('bundle.zip', '*.md', 'build.yaml'));
    expect(named).toContain(
      'ArtifactGenerator flux-system/gen: source-watcher leaves everything out of ExternalArtifact bundle.zip, "ci/kustomization.yaml" included: Flux\'s default exclusion "*.zip" matches the artifact\'s name, which it applies',
    );
    expect(named).toContain('; rename the artifact\n');
    // The GitRepository's own pattern, through the artifact: named as such.
    const [, own] = await validateTree(tree('ci', 'build.yaml', 'build.yaml'));
    expect(own).toContain(`GitRepository flux-system/mgmt: its spec.ignore pattern "build.yaml" leaves "ci/build.yaml" out of the artifact ${WHY}and Kustomization flux-system/ci builds it (path "./ci", through ExternalArtifact ci): `);
    // Renamed: clean.
    const [ok, clean] = await validateTree(tree('ci', '*.md', 'build.yaml'));
    expect([ok, clean]).toEqual([0, expect.stringContaining('no issues')]);
  });
});
