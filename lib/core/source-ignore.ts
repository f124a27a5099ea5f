/**
 * Which files of a Flux source end up in its artifact: the ignore rules of source-controller for a
 * `GitRepository` (an `OCIRepository`'s extracted layer is archived the same way) and of
 * source-watcher's generated artifacts, as a model the apply-order check
 * (lib/gitops/apply-order.ts) and the destroy guard (lib/safety/guard.ts) ask about each file a
 * Kustomization builds.
 *
 * What the controllers do (fluxcd/source-controller v1.9.1 `internal/controller/
 * gitrepository_controller.go` `reconcileArtifact`; fluxcd/pkg `artifact/storage/archive.go`
 * `SourceIgnoreFilter` and `Archive`; fluxcd/pkg `sourceignore/sourceignore.go`; fluxcd/source-watcher
 * v2.2.1 `internal/builder/builder.go`):
 *
 * - the patterns are, lowest priority first: the VCS patterns (`.git/`, `.gitignore`,
 *   `.gitmodules`, `.gitattributes`); Flux's default exclusions (images, archives, CI files,
 *   `.sops.yaml`...) **only when there is no other pattern**; the `.sourceignore` files of the
 *   checkout; `spec.ignore`, appended last. Any pattern (a non-empty `spec.ignore`, or a
 *   `.sourceignore` anywhere) drops the default exclusions altogether;
 * - the archive walks every file and leaves out each one the matcher excludes, never skipping a
 *   directory, so a later `!pattern` re-includes a file inside an excluded directory (which git
 *   itself would not);
 * - source-watcher archives each ExternalArtifact it builds with the default matcher (VCS patterns
 *   and the default exclusions), whatever its sources' `spec.ignore`, without a domain: the
 *   patterns see the staging path, `<workspace>/<artifact name>/<file>`, so an artifact named like
 *   a default exclusion (`bundle.zip`) is emptied.
 *
 * The matcher is a transcription of Flux's copy of go-git's gitignore matcher (fluxcd/pkg
 * `sourceignore/gitignore` `pattern.go` and `matcher.go`, copied from go-git v5.16.4), not an npm
 * gitignore package: those follow git (an excluded parent directory is final; `[!a]` is a negated
 * class; `**` backtracks), Flux does not, and this check must answer as Flux does. Each path
 * segment is matched as Go's `filepath.Match` does (`*`, `?`, `[...]` with `^` negation and ranges,
 * `\` escapes; a malformed pattern never matches), by character where Go steps by byte (`*??`
 * matching one three-byte character is the only difference found). Lines are split as Go's
 * `bufio.ScanLines` splits them, blank as Go's `strings.TrimSpace` trims.
 *
 * `.sourceignore` files are modelled when the caller passes them (`cdk8s-platform validate` reads
 * those of the tree; a synth does not read the repo's files). Not wired into the checks:
 * `spec.include`, OCIRepository and Bucket sources (Bucket has no default patterns).
 */

/** Where a pattern comes from: Flux's VCS or default exclusions, `spec.ignore`, or a `.sourceignore` file (its repo path). */
export type PatternOrigin = 'vcs' | 'default' | 'spec.ignore' | `${string}.sourceignore`;

/** One pattern of a `.sourceignore` / `spec.ignore` text, parsed as Flux parses it. */
interface Pattern {
  readonly line: string;
  readonly origin: PatternOrigin;
  /** The directory of its `.sourceignore` (segments): it matches only below it, relative to it. */
  readonly domain: readonly string[];
  readonly inclusion: boolean;
  readonly dirOnly: boolean;
  readonly isGlob: boolean;
  /** The pattern's segments (split on `/`), each a segment matcher; `''` and `**` kept as such. */
  readonly segments: ReadonlyArray<string | SegmentMatcher>;
  /** The first segment's matcher (simple-name patterns). */
  readonly first: SegmentMatcher;
  /** The regular expressions (sources, unanchored) of the segments that can match: it matches a path only where one of them matches a segment. */
  readonly sources: readonly string[];
}

/** Matches one path segment (Go's `filepath.Match` of one pattern segment); never matches for a malformed one. */
type SegmentMatcher = (name: string) => boolean;

/** fluxcd/pkg `sourceignore.ExcludeVCS`. */
const EXCLUDE_VCS = ['.git/', '.gitignore', '.gitmodules', '.gitattributes'] as const;

/** fluxcd/pkg `sourceignore` `ExcludeExt`, `ExcludeCI` and `ExcludeExtra`: Flux's default exclusions. */
const DEFAULT_EXCLUDES = [
  '*.jpg', '*.jpeg', '*.gif', '*.png', '*.wmv', '*.flv', '*.tar.gz', '*.zip',
  '.github/', '.circleci/', '.travis.yml', '.gitlab-ci.yml', 'appveyor.yml', '.drone.yml', 'cloudbuild.yaml', 'codeship-services.yml', 'codeship-steps.yml',
  '**/.goreleaser.yml', '**/.sops.yaml', '**/.flux.yaml',
] as const;

/** The name of the ignore files source-controller reads in a checkout (sourceignore `IgnoreFile`). */
export const SOURCE_IGNORE_FILE = '.sourceignore';

/** A `.sourceignore` file of a repo: its directory (repo-relative, `''` the root) and its text. */
export interface SourceIgnoreFile {
  readonly dir: string;
  readonly text: string;
}

/** Go's `strings.TrimSpace` set (unicode.IsSpace): a line of only these is blank. */
const GO_BLANK = /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$/;

/** The lines of a text as Go's `bufio.ScanLines` gives them (split on `\n`, one trailing `\r` dropped). */
function goLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** Whether a line is a pattern (sourceignore `ReadPatterns`): not starting with `#`, not blank. */
function isPatternLine(line: string): boolean {
  return !line.startsWith('#') && !GO_BLANK.test(line);
}

/** The lines of an ignore text that are patterns (sourceignore `ReadPatterns`). */
function ignorePatternLines(text: string): string[] {
  return goLines(text).filter(isPatternLine);
}

/** The pattern that leaves a file out of an artifact, and where it comes from. */
export interface Exclusion {
  readonly pattern: string;
  readonly origin: PatternOrigin;
}

/** Decides whether a file is left out of an artifact. */
export interface SourceFilter {
  /**
   * The pattern leaving the file (or, with `isDir`, the directory entry) at `path` (`/`-separated)
   * out of the artifact; undefined when it is kept. The archive tests every file and directory on
   * its own (never skipping a directory's content), so a kept directory is in the artifact even
   * when all its files are left out: it is then empty.
   */
  excludedBy(path: string, isDir?: boolean): Exclusion | undefined;
}

/**
 * What source-controller leaves out of a GitRepository's (or OCIRepository's) artifact, given its
 * `spec.ignore` and the repo's `.sourceignore` files (`SourceIgnoreFilter` over the patterns
 * `reconcileArtifact` assembles; see the module comment). Paths are repo-relative.
 */
export function sourceControllerFilter(specIgnore: string | undefined, sourceIgnoreFiles: readonly SourceIgnoreFile[] = []): SourceFilter {
  // LoadIgnorePatterns: the root's file, then each sub-directory's, depth first, in name order.
  const segs = (dir: string) => (dir === '' ? [] : dir.split('/'));
  const files = [...sourceIgnoreFiles].sort((a, b) => compareSegments(segs(a.dir), segs(b.dir)));
  const own: Pattern[] = [];
  for (const f of files) for (const l of ignorePatternLines(f.text)) own.push(parsePattern(l, `${f.dir === '' ? '' : `${f.dir}/`}${SOURCE_IGNORE_FILE}`, segs(f.dir)));
  for (const l of specIgnore === undefined ? [] : ignorePatternLines(specIgnore)) own.push(parsePattern(l, 'spec.ignore', []));
  const vcs = EXCLUDE_VCS.map((l) => parsePattern(l, 'vcs', []));
  return matcher(own.length > 0 ? [...vcs, ...own] : [...vcs, ...DEFAULT_PATTERNS()]);
}

let defaults: Pattern[] | undefined;
const DEFAULT_PATTERNS = () => (defaults ??= DEFAULT_EXCLUDES.map((l) => parsePattern(l, 'default', [])));

/**
 * What source-watcher leaves out of each ExternalArtifact it builds (`SourceIgnoreFilter(nil, nil)`:
 * the VCS patterns and the default exclusions, without a domain). Paths are
 * `<artifact name>/<file>`: the patterns also see the artifact's staging directory (its workspace
 * directory, a temporary one, is left out).
 */
export function sourceWatcherFilter(): SourceFilter {
  return (watcher ??= matcher([...EXCLUDE_VCS.map((l) => parsePattern(l, 'vcs', [])), ...DEFAULT_PATTERNS()]));
}

let watcher: SourceFilter | undefined;

/** Where a file is left out: by its source's patterns, by source-watcher's, or with the whole artifact (its name matches one of source-watcher's). */
export type LeftOutBy = 'source' | 'watcher' | 'artifact-name';

/**
 * What a Kustomization reading `git`'s artifact (a GitRepository's filter, see
 * {@link sourceControllerFilter}; undefined when unknown), or an ExternalArtifact `artifact`
 * copied from it by source-watcher, does not find: the pattern and who leaves the file out. The
 * one composition the apply-order model and the destroy guard share.
 */
export function artifactLeftOut(git: SourceFilter | undefined, artifact?: string): (file: string, isDir?: boolean) => { readonly exclusion: Exclusion; readonly by: LeftOutBy } | undefined {
  if (artifact === undefined) {
    return (file, isDir) => {
      const e = git?.excludedBy(file, isDir);
      return e ? { exclusion: e, by: 'source' } : undefined;
    };
  }
  const w = sourceWatcherFilter();
  // Tested with a file name no pattern matches: a hit is the artifact's name.
  const named = w.excludedBy(`${artifact}/x`);
  return (file, isDir) => {
    if (named) return { exclusion: named, by: 'artifact-name' };
    const e = git?.excludedBy(file, isDir);
    if (e) return { exclusion: e, by: 'source' };
    const x = w.excludedBy(`${artifact}/${file}`, isDir);
    return x ? { exclusion: x, by: 'watcher' } : undefined;
  };
}

/** A pattern and where it comes from, for messages: `spec.ignore pattern "x"`, `Flux's default exclusion "*.png"`, `pattern "x" of apps/.sourceignore`. */
export function describeExclusion(e: Exclusion): string {
  const pattern = JSON.stringify(e.pattern);
  switch (e.origin) {
    case 'spec.ignore':
      return `spec.ignore pattern ${pattern}`;
    case 'vcs':
      return `Flux's VCS exclusion ${pattern}`;
    case 'default':
      return `Flux's default exclusion ${pattern}`;
    default:
      return `pattern ${pattern} of ${e.origin}`;
  }
}

/** Go's `os.ReadDir` order, depth first: segment by segment, a directory before what is below it. */
function compareSegments(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length - b.length;
}

/** A gitignore matcher of `patterns`, lowest priority first (fluxcd/pkg `gitignore.NewMatcher`: the last pattern that matches decides). */
function matcher(patterns: readonly Pattern[]): SourceFilter {
  // Every match needs one of a pattern's segments to match a segment of the path (simpleNameMatch
  // and globMatch both): one expression of all of them rules most files out at once (a fleet's
  // 60,000 files against Flux's 24 default patterns).
  const sources = patterns.flatMap((p) => p.sources);
  const any = sources.length > 0 ? new RegExp(`^(?:${sources.join('|')})$`, 'su') : undefined;
  return {
    excludedBy(path: string, isDir = false): Exclusion | undefined {
      const all = path.split('/');
      if (!any || !all.some((seg) => any.test(seg))) return undefined;
      for (let i = patterns.length - 1; i >= 0; i--) {
        const p = patterns[i];
        // pattern.go Match: only below the pattern's domain, relative to it.
        let segments = all;
        if (p.domain.length > 0) {
          if (all.length <= p.domain.length || p.domain.some((d, j) => all[j] !== d)) continue;
          segments = all.slice(p.domain.length);
        }
        if (p.isGlob ? globMatch(p, segments, isDir) : simpleNameMatch(p, segments, isDir)) return p.inclusion ? undefined : { pattern: p.line, origin: p.origin };
      }
      return undefined;
    },
  };
}

/**
 * The problems of an ignore text's patterns that Flux reads differently from git, or not at all,
 * one string per line: a malformed segment (Go's `filepath.Match` cannot match it, so Flux never
 * matches the line), `**` inside a segment of a pattern with a slash (Flux's matcher never
 * matches it; git does), and a class starting with `!` (`[!a]`: negated in git, the characters `!`
 * and `a` in Go, which negates with `[^a]`).
 */
export function ignorePatternProblems(text: string): string[] {
  const problems: string[] = [];
  goLines(text).forEach((line, i) => {
    if (!isPatternLine(line)) return;
    const { body, isGlob } = patternBody(line);
    const at = `line ${i + 1} ${JSON.stringify(line)}`;
    for (const seg of body.split('/')) {
      if (seg === '' || seg === '**') continue;
      if (isGlob && seg.includes('**')) {
        problems.push(`${at}: ${JSON.stringify(seg)}: Flux's matcher takes "**" only as a whole segment between slashes, so the line never matches anything; write "**/" or "*"`);
        return;
      }
      const compiled = compileSegment(seg);
      if (!compiled.re) {
        problems.push(`${at}: ${JSON.stringify(seg)} is a malformed pattern for Go's filepath.Match, which Flux uses: the line never matches anything`);
        return;
      }
      if (compiled.bangClass) {
        problems.push(`${at}: a class starting with "!" is not negated in Flux (Go's filepath.Match negates with "[^"), but holds the character "!"; write "[^...]" to negate, or put "!" later in the class`);
        return;
      }
    }
  });
  return problems;
}

/** pattern.go ParsePattern's text handling: the `!` prefix, trailing spaces (unless escaped) and the directory `/` removed. */
function patternBody(line: string): { body: string; inclusion: boolean; dirOnly: boolean; isGlob: boolean } {
  let p = line;
  const inclusion = p.startsWith('!');
  if (inclusion) p = p.slice(1);
  if (!p.endsWith('\\ ')) p = p.replace(/ +$/, '');
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.slice(0, -1);
  return { body: p, inclusion, dirOnly, isGlob: p.includes('/') };
}

function parsePattern(line: string, origin: PatternOrigin, domain: readonly string[]): Pattern {
  const { body, inclusion, dirOnly, isGlob } = patternBody(line);
  const parts = body.split('/');
  // pattern.go's globMatch refuses a segment holding `**` with other characters; simpleNameMatch
  // hands the pattern to filepath.Match, where `**` is two `*`.
  const segments = parts.map((s) => (s === '' || s === '**' ? s : s.includes('**') ? NEVER : segmentMatcher(s)));
  const used = isGlob ? parts.filter((x) => x !== '' && x !== '**' && !x.includes('**')) : [parts[0]];
  const sources = used.flatMap((x) => {
    const re = compileSegment(x).re;
    return re ? [re.source.slice(1, -1)] : [];
  });
  return { line, origin, domain, inclusion, dirOnly, isGlob, segments, first: segmentMatcher(parts[0]), sources };
}

/** pattern.go `simpleNameMatch`: the pattern's one segment matches any segment of the path. */
function simpleNameMatch(p: Pattern, path: readonly string[], isDir: boolean): boolean {
  for (let i = 0; i < path.length; i++) {
    if (!p.first(path[i])) continue;
    return !(p.dirOnly && !isDir && i === path.length - 1);
  }
  return false;
}

/** pattern.go `globMatch`. */
function globMatch(p: Pattern, pathIn: readonly string[], isDir: boolean): boolean {
  let path = pathIn;
  let matched = false;
  let canTraverse = false;
  for (let i = 0; i < p.segments.length; i++) {
    const seg = p.segments[i];
    if (typeof seg === 'string') {
      // '' (a leading or doubled slash) or '**'.
      if (seg === '') canTraverse = false;
      else if (i === p.segments.length - 1) break;
      else canTraverse = true;
      continue;
    }
    if (path.length === 0) return false;
    if (canTraverse) {
      canTraverse = false;
      while (path.length > 0) {
        const e = path[0];
        path = path.slice(1);
        if (seg(e)) {
          matched = true;
          break;
        } else if (path.length === 0) {
          matched = false;
        }
      }
    } else {
      if (!seg(path[0])) return false;
      matched = true;
      path = path.slice(1);
    }
  }
  if (matched && p.dirOnly && !isDir && path.length === 0) matched = false;
  return matched;
}

const NEVER: SegmentMatcher = () => false;

/**
 * Go's `path.Match` of a whole `/`-separated path (what Argo CD's git directory generator matches
 * directories with): each pattern segment matches one path segment, as in {@link segmentMatcher}.
 */
export function goPathMatcher(pattern: string): (path: string) => boolean {
  const segments = pattern.split('/').map(segmentMatcher);
  return (path) => {
    const parts = path.split('/');
    return parts.length === segments.length && parts.every((p, i) => segments[i](p));
  };
}

/**
 * A segment of a pattern as a matcher (Go's `filepath.Match`): a literal compared as a string,
 * `*.ext` as a suffix, the rest as a regular expression; a malformed one never matches.
 */
function segmentMatcher(seg: string): SegmentMatcher {
  if (!/[*?[\\]/.test(seg)) return (name) => name === seg;
  const suffix = /^\*([^*?[\\]+)$/.exec(seg);
  if (suffix) return (name) => name.endsWith(suffix[1]);
  const { re } = compileSegment(seg);
  return re ? (name) => re.test(name) : NEVER;
}

/**
 * Go's `filepath.Match` pattern (one segment, no `/`) as a regular expression (`re` undefined when
 * it is malformed: Go reports ErrBadPattern, or never matches), and whether a class of it starts
 * with `!` (`bangClass`).
 */
function compileSegment(seg: string): { re?: RegExp; bangClass: boolean } {
  const bad = { bangClass: false };
  let bangClass = false;
  const chars = [...seg];
  const cp = (c: string) => `\\u{${c.codePointAt(0)!.toString(16)}}`;
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '\\') {
      if (i + 1 >= chars.length) return bad;
      out += cp(chars[++i]);
    } else if (c !== '[') out += cp(c);
    else {
      // `[` [`^`] { lo [`-` hi] } `]`, at least one range; `-` and `]` must be escaped (getEsc).
      let j = i + 1;
      const negated = chars[j] === '^';
      if (negated) j++;
      if (!negated && chars[j] === '!') bangClass = true;
      const ranges: Array<[string, string]> = [];
      const esc = (): string | undefined => {
        if (j >= chars.length || chars[j] === '-' || chars[j] === ']') return undefined;
        if (chars[j] === '\\' && ++j >= chars.length) return undefined;
        const r = chars[j++];
        return j < chars.length ? r : undefined;
      };
      for (;;) {
        if (chars[j] === ']' && ranges.length > 0) {
          j++;
          break;
        }
        const lo = esc();
        if (lo === undefined) return bad;
        let hi = lo;
        if (chars[j] === '-') {
          j++;
          const h = esc();
          if (h === undefined) return bad;
          hi = h;
        }
        ranges.push([lo, hi]);
      }
      // A range whose low end is above its high end matches nothing in Go (a RegExp refuses it).
      const cls = ranges.filter(([lo, hi]) => lo.codePointAt(0)! <= hi.codePointAt(0)!).map(([lo, hi]) => (lo === hi ? cp(lo) : `${cp(lo)}-${cp(hi)}`)).join('');
      out += negated ? (cls ? `[^${cls}]` : '.') : cls ? `[${cls}]` : '(?!)';
      i = j - 1;
    }
  }
  return { re: new RegExp(`^${out}$`, 'su'), bangClass };
}
