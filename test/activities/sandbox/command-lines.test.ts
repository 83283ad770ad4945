// The sandbox command lines and the seccomp program, checked without running them: every parameter the
// macOS profile reads is passed (sandbox-exec refuses a profile with an unset parameter), the Linux command
// line has the isolation flags the escape tests rely on, and the BPF program is well formed. The macOS
// profile itself runs only on macOS (the last test).
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { bwrapArgv } from '../../../activities/sandbox/bwrap-args.js';
import { withDefaults } from '../../../activities/sandbox/limits.js';
import { MACOS_PROFILE, sandboxExecArgv } from '../../../activities/sandbox/macos-args.js';
import { seccompProgram } from '../../../activities/sandbox/seccomp.js';
import { sandboxExecExecutor } from '../../../activities/sandbox/executors.js';
import { createWorkdir, writeFiles } from '../../../activities/sandbox/workdir.js';

describe('sandbox command lines', () => {
  it('pass every parameter the macOS profile reads, and only those', async () => {
    const profile = await readFile(MACOS_PROFILE, 'utf8');
    const read = new Set([...profile.matchAll(/\(param "([A-Z_0-9]+)"\)/g)].map((m) => m[1]));
    const argv = sandboxExecArgv({ workdir: '/w', tmp: '/t', runtimes: [], limits: withDefaults(), processLimit: 300, command: ['/usr/bin/true'] });
    const passed = new Set(argv.flatMap((a, i) => (argv[i - 1] === '-D' ? [a.split('=')[0]] : [])));
    expect(passed).toEqual(read);
    expect(profile).toMatch(/^\(deny default\)$/m);
    expect(profile).toMatch(/^\(deny network\*\)$/m);
  });

  it('isolate every namespace, drop root to nobody, and load the seccomp filter (Linux)', () => {
    const argv = bwrapArgv({ bwrap: '/usr/bin/bwrap', setpriv: '/usr/bin/setpriv', prlimit: '/usr/bin/prlimit', hostWorkdir: '/tmp/w', runtimes: [], env: {}, limits: withDefaults(), command: ['/bin/true'] });
    expect(argv.slice(0, 5)).toEqual(['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--']);
    for (const flag of ['--unshare-all', '--unshare-user', '--disable-userns', '--die-with-parent', '--new-session', '--clearenv']) expect(argv).toContain(flag);
    expect(argv.slice(argv.indexOf('--cap-drop'), argv.indexOf('--cap-drop') + 2)).toEqual(['--cap-drop', 'ALL']);
    expect(argv.slice(argv.indexOf('--seccomp'), argv.indexOf('--seccomp') + 2)).toEqual(['--seccomp', '3']);
    // Nothing of the host's home or /etc beyond the loader's files; the system read-only.
    expect(argv.join(' ')).not.toMatch(/ \/(home|root)\b/);
    expect(argv.join(' ')).toContain('--ro-bind /usr /usr');
    expect(argv.join(' ')).toContain('--bind /tmp/w /workspace');
  });

  it('build a seccomp program of whole instructions ending in its verdicts, for x64 and arm64 only', () => {
    for (const arch of ['x64', 'arm64']) {
      const program = seccompProgram(arch)!;
      expect(program.length % 8).toBe(0);
      const last = program.readUInt32LE(program.length - 4);
      expect(last).toBe(0x80000000); // SECCOMP_RET_KILL_PROCESS
    }
    expect(seccompProgram('ia32')).toBeUndefined();
  });

  it.runIf(process.platform === 'darwin')('macOS: the profile denies the network and files outside the work directory', async () => {
    const workdir = await createWorkdir();
    try {
      await writeFiles(workdir.path, { 'probe.sh': 'cat "$HOME/../../../etc/master.passwd" 2>&1; curl -s -m 2 http://1.1.1.1 && echo NET; echo x > /tmp/ns-escaped && echo WROTE; echo inside > ok.txt' });
      const result = await sandboxExecExecutor().run({ command: ['/bin/sh', 'probe.sh'], workdir: workdir.path });
      expect(result.stdout).not.toContain('NET');
      expect(result.stdout).not.toContain('WROTE');
      expect(result.stdout).not.toContain('root:');
    } finally {
      await workdir.remove();
    }
  });
});
