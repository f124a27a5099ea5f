// Repo URLs matched across transports (lib/core/repo-url.ts): a Flux GitRepository or an Argo CD
// Application fetching over SSH a repo the app names by its https URL is the same repo.
import { normalizeRepoUrl } from '../../lib/core/repo-url';

test('https, ssh:// and scp-like URLs of one repository are one key; other hosts, paths and ports are not', () => {
  const same = [
    'https://github.com/Contoso/Platform.git/',
    'https://github.com/contoso/platform',
    'http://github.com:80/contoso/platform',
    'ssh://git@github.com/contoso/platform.git',
    'ssh://git@github.com:22/contoso/platform',
    'git@github.com:contoso/platform.git',
    '  git@github.com:Contoso/Platform  ',
  ];
  expect(new Set(same.map(normalizeRepoUrl))).toEqual(new Set(['github.com/contoso/platform']));
  expect(normalizeRepoUrl('https://gitlab.com/contoso/platform')).toBe('gitlab.com/contoso/platform');
  expect(normalizeRepoUrl('ssh://git@git.contoso.com:2222/platform')).toBe('git.contoso.com:2222/platform');
  expect(normalizeRepoUrl('https://github.com/contoso/platform-two')).not.toBe(normalizeRepoUrl('https://github.com/contoso/platform'));
  // Not a URL form it knows: compared as written (trimmed, lower case).
  expect(normalizeRepoUrl('file:///srv/git/Platform.git')).toBe('file:///srv/git/platform');
});
