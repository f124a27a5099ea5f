// `synth --check` synthesizes where writing is cheapest: $TMPDIR when set, else a roomy /dev/shm.
import * as fs from 'fs';
import * as os from 'os';
import { checkTmpRoot } from '../../lib/cli/synth';

describe('checkTmpRoot', () => {
  test('TMPDIR wins', () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = '/var/tmp';
    try {
      expect(checkTmpRoot()).toBe('/var/tmp');
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  test('without TMPDIR: /dev/shm when it has 2 GiB free, else the OS temporary directory', () => {
    let roomy: boolean;
    try {
      const st = fs.statfsSync('/dev/shm');
      roomy = st.bavail * st.bsize >= 2 * 1024 ** 3;
    } catch {
      roomy = false;
    }
    const env = { ...process.env };
    delete env.TMPDIR;
    expect(checkTmpRoot(env)).toBe(roomy ? '/dev/shm' : os.tmpdir());
  });
});
