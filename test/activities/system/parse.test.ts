import { describe, expect, it } from 'vitest';
import {
  bytesToWholeGb,
  parseOsRelease,
  parsePythonProbe,
  parseSwVers,
  parseSysctl,
} from '../../../activities/system/parse.js';

// Canned outputs as the tools print them on a Mac Studio (M4 Max, 128 GB) and on Debian / Ubuntu.
const SW_VERS = 'ProductName:\t\tmacOS\nProductVersion:\t\t15.3.2\nBuildVersion:\t\t24D81\n';
const SW_VERS_OLD = 'ProductName:\tMac OS X\nProductVersion:\t10.15.7\nBuildVersion:\t19H2\n';
const SYSCTL = 'machdep.cpu.brand_string: Apple M4 Max\nhw.memsize: 137438953472\n';
const DEBIAN = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
ID=debian
`;
const UBUNTU = 'NAME="Ubuntu"\nVERSION_ID="24.04"\nPRETTY_NAME="Ubuntu 24.04.1 LTS"\n';
const ARCH = 'NAME="Arch Linux"\nPRETTY_NAME="Arch Linux"\nID=arch\nBUILD_ID=rolling\n';

describe('macOS parsers', () => {
  it('reads the product name and version from sw_vers', () => {
    expect(parseSwVers(SW_VERS)).toBe('macOS 15.3.2');
    expect(parseSwVers(SW_VERS_OLD)).toBe('Mac OS X 10.15.7');
    expect(parseSwVers('BuildVersion: 24D81\n')).toBeUndefined();
  });

  it('reads chip and installed bytes from sysctl, whatever the order', () => {
    expect(parseSysctl(SYSCTL)).toEqual({ chip: 'Apple M4 Max', memoryBytes: 137438953472 });
    const reversed = SYSCTL.split('\n').reverse().join('\n');
    expect(parseSysctl(reversed)).toEqual({ chip: 'Apple M4 Max', memoryBytes: 137438953472 });
    expect(parseSysctl('sysctl: unknown oid')).toEqual({});
    expect(bytesToWholeGb(137438953472)).toBe(128);
  });
});

describe('Linux parsers', () => {
  it('builds "NAME VERSION_ID" from os-release', () => {
    expect(parseOsRelease(DEBIAN)).toBe('Debian GNU/Linux 12');
    expect(parseOsRelease(UBUNTU)).toBe('Ubuntu 24.04');
  });

  it('falls back to PRETTY_NAME for rolling releases without VERSION_ID', () => {
    expect(parseOsRelease(ARCH)).toBe('Arch Linux');
    expect(parseOsRelease('')).toBeUndefined();
  });

  it('rounds MemTotal (a little under the installed size) to whole GiB', () => {
    expect(bytesToWholeGb(25276063744)).toBe(24); // 24 GiB VM, MemTotal 23.5 GiB
    expect(bytesToWholeGb(16 * 1024 ** 3)).toBe(16);
  });
});

describe('python probe', () => {
  it('maps every reported package to its envelope field', () => {
    const out = parsePythonProbe(
      '{"python": "3.12.8", "mlx": "0.22.0", "mlx_lm": "0.21.5", "lm_eval": "0.4.9", "vllm_mlx": "0.1.3"}\n',
    );
    expect(out).toEqual({
      python_version: '3.12.8',
      mlx_version: '0.22.0',
      mlx_lm_version: '0.21.5',
      lm_eval_version: '0.4.9',
      vllm_mlx_version: '0.1.3',
    });
  });

  it('omits absent packages rather than writing a placeholder', () => {
    const out = parsePythonProbe('{"python": "3.11.7"}');
    expect(out).toEqual({ python_version: '3.11.7' });
    expect(Object.keys(out)).not.toContain('mlx_version');
  });

  it('drops junk values and tolerates warnings printed before the JSON', () => {
    const out = parsePythonProbe('DeprecationWarning: blah\n{"python": "3.11.7", "mlx": "unknown", "lm_eval": ""}');
    expect(out).toEqual({ python_version: '3.11.7' });
    expect(parsePythonProbe('Traceback (most recent call last):')).toEqual({});
    expect(parsePythonProbe('[1,2]')).toEqual({});
  });
});
