/**
 * A Git repository URL in the form every URL of the same repository shares, whatever the transport:
 * host and path, without the scheme, user, default port, trailing `/` and `.git`, in lower case.
 * `https://github.com/Contoso/Platform.git/`, `ssh://git@github.com/contoso/platform` and
 * `git@github.com:contoso/platform.git` are all `github.com/contoso/platform`. Used wherever a
 * Flux source or an Argo CD Application is matched to a repo of the app (tenant checks, lockdown,
 * the apply-order model, the destroy guard): Flux and Argo CD commonly fetch over SSH a repo the
 * app names by its https URL.
 */
export function normalizeRepoUrl(url: string): string {
  let u = url.trim();
  // scp-like syntax: user@host:path (not a scheme://, and not a Windows-like host:/path).
  const scp = /^[\w.-]+@([^:/\s]+):(?!\/)(.+)$/.exec(u);
  const full = /^(?:https?|ssh|git):\/\/(?:[^@/]+@)?([^/:]+)(?::(\d+))?\/(.*)$/i.exec(u);
  if (scp) u = `${scp[1]}/${scp[2]}`;
  else if (full) u = `${full[1]}${full[2] && !['22', '80', '443'].includes(full[2]) ? `:${full[2]}` : ''}/${full[3]}`;
  return u.replace(/\/+$/, '').replace(/\.git$/, '').toLowerCase();
}
