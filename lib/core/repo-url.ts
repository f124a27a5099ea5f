/**
 * A Git repository URL in the form two URLs of the same repository share: trailing `/` and `.git`
 * dropped, lower case (`https://github.com/Contoso/Platform.git/` → `https://github.com/contoso/platform`).
 * Used wherever a Flux source is matched to a repo of the app (tenant checks, lockdown, the
 * apply-order model, the destroy guard).
 */
export function normalizeRepoUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').replace(/\.git$/, '').toLowerCase();
}
