/**
 * Which files of a Flux source end up in its artifact: the ignore rules of source-controller
 * (`GitRepository`, `OCIRepository`) and of source-watcher's generated artifacts, as a model the
 * apply-order check (lib/gitops/apply-order.ts) asks about each file a Kustomization builds.
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
 *   and the default exclusions), whatever its sources' `spec.ignore`.
 *
 * The matcher is a transcription of Flux's copy of go-git's gitignore matcher (fluxcd/pkg
 * `sourceignore/gitignore` `pattern.go` and `matcher.go`, copied from go-git v5.16.4), not an npm
 * gitignore package: those follow git (an excluded parent directory is final; `[!a]` is a negated
 * class; `**` backtracks), Flux does not, and this check must answer as Flux does. Each path
 * segment is matched as Go's `filepath.Match` does (`*`, `?`, `[...]` with `^` negation and ranges,
 * `\` escapes; a malformed pattern never matches).
 *
 * Not modelled: `.sourceignore` files (the library writes none; a repo with one of its own has
 * different defaults), `spec.include`, and Bucket sources (no default patterns there).
 */

/** One pattern of a `.sourceignore` / `spec.ignore` text, parsed as Flux parses it. */
interface Pattern {
  readonly inclusion: boolean;
  readonly dirOnly: boolean;
  readonly isGlob: boolean;
  /** The pattern's segments (split on `/`), each a segment matcher; `''` and `**` kept as such. */
  readonly segments: ReadonlyArray<string | SegmentMatcher>;
  /** The first segment's matcher (simple-name patterns). */
  readonly first: SegmentMatcher;
}

/** Matches one path segment (Go's `filepath.Match` of one pattern segment); never matches for a malformed one. */
type SegmentMatcher = (name: string) => boolean;

/** fluxcd/pkg `sourceignore.ExcludeVCS`. */
export const EXCLUDE_VCS = ['.git/', '.gitignore', '.gitmodules', '.gitattributes'] as const;

/** fluxcd/pkg `sourceignore` `ExcludeExt`, `ExcludeCI` and `ExcludeExtra`: Flux's default exclusions. */
export const DEFAULT_EXCLUDES = [
  '*.jpg', '*.jpeg', '*.gif', '*.png', '*.wmv', '*.flv', '*.tar.gz', '*.zip',
  '.github/', '.circleci/', '.travis.yml', '.gitlab-ci.yml', 'appveyor.yml', '.drone.yml', 'cloudbuild.yaml', 'codeship-services.yml', 'codeship-steps.yml',
  '**/.goreleaser.yml', '**/.sops.yaml', '**/.flux.yaml',
] as const;

/**
 * The lines of an ignore text that are patterns (sourceignore `ReadPatterns`): not starting with
 * `#`, not blank.
 */
export function ignorePatternLines(text: string): string[] {
  return text.split(/\r?\n/).filter((s) => !s.startsWith('#') && s.trim().length > 0);
}

/** Decides whether a file (repo-relative, `/`-separated) is left out of an artifact. */
export interface SourceFilter {
  /** The pattern that leaves the file at `path` out of the artifact; undefined when the file is kept. */
  excludedBy(path: string): string | undefined;
}

/**
 * What source-controller leaves out of a GitRepository's (or OCIRepository's) artifact, given its
 * `spec.ignore` (`SourceIgnoreFilter` over the patterns `reconcileArtifact` assembles; see the
 * module comment). Patterns are relative to the repo root.
 */
export function sourceControllerFilter(specIgnore: string | undefined): SourceFilter {
  const own = specIgnore === undefined ? [] : ignorePatternLines(specIgnore);
  return matcher(own.length > 0 ? [...EXCLUDE_VCS, ...own] : [...EXCLUDE_VCS, ...DEFAULT_EXCLUDES]);
}

/** What source-watcher leaves out of each ExternalArtifact it builds (`SourceIgnoreFilter(nil, nil)`: the default matcher). */
export function sourceWatcherFilter(): SourceFilter {
  return matcher([...EXCLUDE_VCS, ...DEFAULT_EXCLUDES]);
}

/** A gitignore matcher of `lines`, lowest priority first (fluxcd/pkg `gitignore.NewMatcher`: the last pattern that matches decides). */
function matcher(lines: readonly string[]): SourceFilter {
  const patterns = lines.map(parsePattern);
  return {
    excludedBy(path: string): string | undefined {
      const segments = path.split('/');
      for (let i = patterns.length - 1; i >= 0; i--) {
        const p = patterns[i];
        // The archive tests files (isDir false).
        if (p.isGlob ? globMatch(p, segments) : simpleNameMatch(p, segments)) return p.inclusion ? undefined : lines[i];
      }
      return undefined;
    },
  };
}

/**
 * The problems of an ignore text's patterns that Flux reads differently from git, or not at all: a
 * malformed segment (Go's `filepath.Match` rejects it, so the pattern silently never matches) and
 * `[!...]`, a negated class in git but the characters `!` and the rest in Go. One string per
 * problem, naming the line.
 */
export function ignorePatternProblems(text: string): string[] {
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.startsWith('#') || line.trim().length === 0) return;
    const body = line.replace(/^!/, '');
    for (const seg of body.split('/')) {
      if (seg === '' || seg === '**') continue;
      if (compileSegment(seg) === undefined) {
        problems.push(`line ${i + 1} ${JSON.stringify(line)}: ${JSON.stringify(seg)} is a malformed pattern for Go's filepath.Match, which Flux uses: the line never matches anything`);
        break;
      }
      if (/(^|[^\\])\[!/.test(seg)) {
        problems.push(`line ${i + 1} ${JSON.stringify(line)}: "[!" is not a negated class in Flux (Go's filepath.Match negates with "[^"), but the character "!" and the others; write "[^...]"`);
        break;
      }
    }
  });
  return problems;
}

function parsePattern(line: string): Pattern {
  let p = line;
  const inclusion = p.startsWith('!');
  if (inclusion) p = p.slice(1);
  if (!p.endsWith('\\ ')) p = p.replace(/ +$/, '');
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.slice(0, -1);
  const isGlob = p.includes('/');
  const parts = p.split('/');
  // pattern.go's globMatch refuses a segment holding `**` with other characters; simpleNameMatch
  // hands the pattern to filepath.Match, where `**` is two `*`.
  const segments = parts.map((s) => (s === '' || s === '**' ? s : s.includes('**') ? NEVER : segmentMatcher(s)));
  return { inclusion, dirOnly, isGlob, segments, first: segmentMatcher(parts[0]) };
}

/** pattern.go `simpleNameMatch`: the pattern's one segment matches any segment of the path. */
function simpleNameMatch(p: Pattern, path: readonly string[]): boolean {
  for (let i = 0; i < path.length; i++) {
    if (!p.first(path[i])) continue;
    return !(p.dirOnly && i === path.length - 1);
  }
  return false;
}

/** pattern.go `globMatch`, for a file (isDir false). */
function globMatch(p: Pattern, pathIn: readonly string[]): boolean {
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
  if (matched && p.dirOnly && path.length === 0) matched = false;
  return matched;
}

const NEVER: SegmentMatcher = () => false;

/**
 * A segment of a pattern as a matcher (Go's `filepath.Match`): a literal compared as a string,
 * `*.ext` as a suffix, the rest as a regular expression; a malformed one never matches.
 */
function segmentMatcher(seg: string): SegmentMatcher {
  if (!/[*?[\\]/.test(seg)) return (name) => name === seg;
  const suffix = /^\*([^*?[\\]+)$/.exec(seg);
  if (suffix) return (name) => name.endsWith(suffix[1]);
  const re = compileSegment(seg);
  return re ? (name) => re.test(name) : NEVER;
}

/** Go's `filepath.Match` pattern (one segment, no `/`) as a regular expression; undefined when Go reports ErrBadPattern. */
function compileSegment(seg: string): RegExp | undefined {
  const chars = [...seg];
  const cp = (c: string) => `\\u{${c.codePointAt(0)!.toString(16)}}`;
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '\\') {
      if (i + 1 >= chars.length) return undefined;
      out += cp(chars[++i]);
    } else if (c !== '[') out += cp(c);
    else {
      // `[` [`^`] { lo [`-` hi] } `]`, at least one range; `-` and `]` must be escaped (getEsc).
      let j = i + 1;
      const negated = chars[j] === '^';
      if (negated) j++;
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
        if (lo === undefined) return undefined;
        let hi = lo;
        if (chars[j] === '-') {
          j++;
          const h = esc();
          if (h === undefined) return undefined;
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
  return new RegExp(`^${out}$`, 'su');
}
