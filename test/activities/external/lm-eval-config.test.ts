// lm-eval suite config: the shipped configs load, bad keys and types are reported with file, line and key,
// and the command line built from a config carries every flag the suite promises.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLmEvalArgs, endpointUrl, lmEvalPaths } from '../../../activities/suites/external/lm-eval-command.js';
import { checkWithSpec, loadWithSpec } from '../../../activities/config/config-spec.js';
import { lmEvalConfigSpec } from '../../../activities/suites/external/lm-eval-config.js';
import { findDeclaration } from '../../../activities/suites/catalog.js';

const loadLmEvalConfig = (path: string, overrides: Record<string, unknown> = {}) => loadWithSpec(lmEvalConfigSpec, path, { overrides });
const parseLmEvalConfig = (value: unknown, source: string) => checkWithSpec(lmEvalConfigSpec, value, source);
import { LmEvalProgress } from '../../../activities/suites/external/lm-eval-progress.js';
import { projectRoot } from '../../support/tools.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-lm-eval-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configFile(text: string): Promise<string> {
  const path = join(dir, `c-${Math.random().toString(36).slice(2)}.toml`);
  await writeFile(path, text);
  return path;
}

describe('shipped configs/lm-eval/*.toml', async () => {
  const names = (await readdir(join(projectRoot, 'configs/lm-eval'))).filter((n) => n.endsWith('.toml'));
  it('are the four suites the issue names', () => {
    expect(names.sort()).toEqual(['coding.toml', 'knowledge.toml', 'math-hard.toml', 'reasoning.toml']);
  });
  it.each(names)('%s loads, is its suite\'s catalog config, and opts into unsafe code only where tasks execute code', async (name) => {
    const config = await loadLmEvalConfig(join(projectRoot, 'configs/lm-eval', name));
    expect(findDeclaration(name.replace(/\.toml$/, ''), 'lm-eval')?.configFile).toBe(`lm-eval/${name}`);
    expect(config.tasks.length).toBeGreaterThan(0);
    expect(config.confirm_run_unsafe_code).toBe(name === 'coding.toml');
    // Greedy decoding: lm-eval caches (and so resumes) only non-sampled requests.
    expect(config.gen_kwargs.do_sample).toBe(false);
  });
});

describe('loadLmEvalConfig', () => {
  it('fills defaults', async () => {
    const config = await loadLmEvalConfig(await configFile('tasks = ["x"]\n'));
    expect(config).toMatchObject({
      model_type: 'chat',
      apply_chat_template: true,
      fewshot_as_multiturn: true,
      num_concurrent: 1,
      confirm_run_unsafe_code: false,
      allow_hub_downloads: false,
      gen_kwargs: {},
    });
    const completions = await loadLmEvalConfig(await configFile('tasks = ["x"]\nmodel_type = "completions"\n'));
    expect(completions.apply_chat_template).toBe(false);
  });

  it('reports an unknown key and a wrong type with file, line and key', async () => {
    const path = await configFile('tasks = ["x"]\n\n[gen_kwargs]\nmax_gen_toks = "lots"\nmax_tokens = 5\n');
    const error = (await loadLmEvalConfig(path).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(`${path}:4: gen_kwargs.max_gen_toks: must be integer`);
    expect(error.message).toContain(`${path}:5: gen_kwargs.max_tokens: unknown key "max_tokens"`);
  });

  it('rejects a suite key (the catalog owns the suite), a missing task list and a fractional sample count', async () => {
    await expect(loadLmEvalConfig(await configFile('suite = "vibes"\ntasks = ["x"]\n'))).rejects.toThrow(/unknown key "suite"/);
    await expect(loadLmEvalConfig(await configFile(''))).rejects.toThrow(/required key "tasks"/);
    await expect(loadLmEvalConfig(await configFile('tasks = ["x"]\nlimit = 2.5\n'))).rejects.toThrow(/limit: must be a whole number/);
  });

  it('confirm_run_unsafe_code must be a boolean, not a truthy string', async () => {
    await expect(loadLmEvalConfig(await configFile('tasks = ["x"]\nconfirm_run_unsafe_code = "yes"\n'))).rejects.toThrow(
      /confirm_run_unsafe_code: must be boolean/,
    );
  });

  it('merges sweep overrides over the file and resolves include_path against the file', async () => {
    const path = await configFile('tasks = ["x"]\ninclude_path = "tasks"\n[gen_kwargs]\nmax_gen_toks = 10\ntemperature = 0.0\n');
    const config = await loadLmEvalConfig(path, { limit: 5, gen_kwargs: { max_gen_toks: 20 } });
    expect(config.limit).toBe(5);
    expect(config.gen_kwargs).toEqual({ max_gen_toks: 20, temperature: 0 });
    expect(config.include_path).toBe(join(dir, 'tasks'));
  });

  it('validates an inline object (sweep input without a file)', () => {
    expect(() => parseLmEvalConfig({ tasks: [] }, 'sweep input')).toThrow(/tasks/);
    expect(parseLmEvalConfig({ tasks: ['a'] }, 'sweep input').model_type).toBe('chat');
  });
});

describe('buildLmEvalArgs', () => {
  const paths = lmEvalPaths('/work/run1');
  const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];

  it('builds a chat run with cache, samples, limit, gen kwargs and no tokenizer download', () => {
    const config = parseLmEvalConfig(
      { tasks: ['gsm8k_cot_zeroshot', 'arc_challenge_chat'], limit: 25, num_concurrent: 4, seed: 7, gen_kwargs: { max_gen_toks: 512, temperature: 0, until: ['</s>'] } },
      'x',
    );
    const args = buildLmEvalArgs(config, 'http://127.0.0.1:11434/v1/', 'qwen3-8b', paths);
    expect(args.slice(0, 2)).toEqual(['-m', 'lm_eval']);
    expect(flag(args, '--model')).toBe('local-chat-completions');
    expect(flag(args, '--model_args')).toBe(
      'model=qwen3-8b,base_url=http://127.0.0.1:11434/v1/chat/completions,num_concurrent=4,max_retries=3,timeout=600,' +
        'tokenizer_backend=None,tokenized_requests=False,max_gen_toks=512,seed=7',
    );
    expect(flag(args, '--tasks')).toBe('gsm8k_cot_zeroshot,arc_challenge_chat');
    expect(flag(args, '--output_path')).toBe('/work/run1/lm-eval-output');
    expect(flag(args, '--use_cache')).toBe('/work/run1/lm-eval-cache/requests');
    expect(args).toContain('--log_samples');
    expect(args).toContain('--apply_chat_template');
    expect(flag(args, '--fewshot_as_multiturn')).toBe('true');
    expect(flag(args, '--limit')).toBe('25');
    expect(JSON.parse(flag(args, '--gen_kwargs') ?? '')).toEqual({ max_gen_toks: 512, temperature: 0, until: ['</s>'] });
    expect(args).not.toContain('--confirm_run_unsafe_code');
  });

  it('builds a completions run without chat flags, and passes unsafe code only when configured', () => {
    const config = parseLmEvalConfig({ tasks: ['humaneval'], model_type: 'completions', confirm_run_unsafe_code: true }, 'x');
    const args = buildLmEvalArgs(config, 'http://h:8080', 'm', paths);
    expect(flag(args, '--model')).toBe('local-completions');
    expect(flag(args, '--model_args')).toContain('base_url=http://h:8080/v1/completions');
    expect(args).not.toContain('--apply_chat_template');
    expect(args).not.toContain('--fewshot_as_multiturn');
    expect(args).not.toContain('--gen_kwargs');
    expect(args).toContain('--confirm_run_unsafe_code');
  });

  it('refuses a model id lm-eval would split apart', () => {
    const config = parseLmEvalConfig({ tasks: ['t'] }, 'x');
    expect(() => buildLmEvalArgs(config, 'http://h', 'a,b', paths)).toThrow(/model_args model/);
  });

  it('endpointUrl keeps a path prefix and drops a trailing /v1', () => {
    expect(endpointUrl('http://h/proxy/v1', 'chat')).toBe('http://h/proxy/v1/chat/completions');
    expect(() => endpointUrl('not a url', 'chat')).toThrow(/endpoint: not a URL/);
  });
});

describe('LmEvalProgress', () => {
  it('counts cached answers as done and adds the requests going out', () => {
    const p = new LmEvalProgress();
    expect(p.update('INFO Cached requests: 12, Requests remaining: 28')).toMatchObject({ completed: 12, total: 40 });
    expect(p.update('Checking cached requests: 100%|██| 40/40 [00:00]')).toBeUndefined();
    expect(p.update('Requesting API:  25%|██▌       | 7/28 [00:03<00:09,  2.1it/s]')).toMatchObject({ completed: 19, total: 40 });
    expect(p.cachedRequests()).toBe(12);
  });
  it('works without a cache line (first attempt)', () => {
    expect(new LmEvalProgress().update('Requesting API:  50%|█| 2/4 [00:01]')).toMatchObject({ completed: 2, total: 4 });
  });
});
