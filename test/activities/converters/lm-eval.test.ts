import { readFileSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { lmEvalConverter } from '../../../activities/converters/lm-eval.js';
import { validateEnvelope } from '../../../activities/envelope/validate.js';
import type { Envelope, EnvelopeResult } from '../../../workflows/shared/envelope.js';
import { context, fixture, tempDir, writeFiles } from './support/context.js';

const PMEMOLI = fixture('lm-eval', 'pmemoli-Data-Science-Thesis');
const RUN_0807 = join(PMEMOLI, 'gsm8k-phi-3-mini_2025-08-07T11-42-40.066002.json');
const RUN_0811 = join(PMEMOLI, 'gsm8k-phi-3-mini_2025-08-11T20-51-25.059120.json');
const ETHEREUM = fixture('lm-eval', 'Ethereum-dAI-local-llm-evals', 'base_gsm8k5_2026-08-07T10-43-37.848875.json');
const SEED_RESULTS = fixture('mlx-benchmarks', 'lm_eval_results_sample.json');
const SEED_WITH_SAMPLES = fixture('mlx-benchmarks', 'lm_eval_with_samples');
const LM_EVAL_0413 = fixture('lm-eval', 'nightshift-lm-eval-0.4.13-chat');

const convert = (path: string, overrides = {}) => lmEvalConverter.convert(path, context(overrides));
const byMetric = (e: Envelope, metric: string) => e.results.find((r) => r.metric === metric) as EnvelopeResult;
const special = { disallowedSpecial: new Set<string>() };

/** Token totals computed the plain way, independently of the converter: read the whole small file, one
 * count per doc_id. */
function expectedTokens(samplesFile: string) {
  const seen = new Set<number>();
  let prompt = 0;
  let response = 0;
  for (const line of readFileSync(samplesFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const s = JSON.parse(line) as { doc_id: number; arguments: unknown; resps: string[][] };
    if (seen.has(s.doc_id)) continue;
    seen.add(s.doc_id);
    const args = Array.isArray(s.arguments)
      ? (s.arguments as unknown[][]).map((a) => a[0])
      : Object.values(s.arguments as Record<string, { arg_0: string }>).map((a) => a.arg_0);
    for (const a of args) prompt += countTokens(a as string, special);
    for (const r of s.resps.flat()) response += countTokens(r, special);
  }
  return { docs: seen.size, prompt, response };
}

describe('lm-eval converter on real lm-eval output', () => {
  it('0.4.9.1 with samples: metrics, stderr tag, model, real revision, seed, date, duration, tokens', async () => {
    const e = await convert(RUN_0807);
    expect(validateEnvelope(e).issues).toEqual([]);
    expect(e.model).toBe('microsoft/Phi-3-mini-4k-instruct');
    // model_sha is the commit lm-eval loaded; never the backend name "hf" (the seed's bug)
    expect(e.model_revision).toBe('0a67737cc96d2554230f90338b163bc6380a2a85');
    expect(e.seed).toBe(1234);
    expect(e.timestamp).toBe(new Date(1754577694.6029549 * 1000).toISOString());
    expect(e.gen_kwargs).toEqual({ temperature: 0 });
    expect(e.results.map((r) => [r.name, r.metric, r.value, r.unit])).toEqual([
      ['gsm8k', 'exact_match_strict', 0.1, 'ratio'],
      ['gsm8k', 'exact_match_flexible', 0.8, 'ratio'],
    ]);
    const strict = byMetric(e, 'exact_match_strict');
    expect(strict.tags).toMatchObject({
      lm_eval_key: 'exact_match,strict-match',
      stderr: '0.09999999999999999',
      n_limit: '10',
      n_samples: '10',
      num_fewshot: '5',
      lm_eval_model: 'hf',
      seeds: 'random=0,numpy=1234,torch=1234,fewshot=1234',
    });
    expect(strict.tags?.duration_covers).toMatch(/whole lm-eval run \(1 task\)/);
    expect(strict.duration_seconds).toBeCloseTo(67.96812443481758, 10);

    const tokens = expectedTokens(join(PMEMOLI, 'samples_gsm8k_2025-08-07T11-42-40.066002.jsonl'));
    expect(tokens.docs).toBe(10); // 20 lines: each doc logged once per filter
    expect(strict.tags).toMatchObject({
      prompt_tokens: String(tokens.prompt),
      response_tokens: String(tokens.response),
      samples_docs: '10',
    });
    expect(strict.tags?.token_count_method).toMatch(/o200k_base/);
    expect(strict.prompt_tokens_per_second).toBeCloseTo(tokens.prompt / 67.96812443481758, 9);
    expect(strict.decode_tokens_per_second).toBeCloseTo(tokens.response / 67.96812443481758, 9);
    expect(strict.total_tokens_per_second).toBeCloseTo((tokens.prompt + tokens.response) / 67.96812443481758, 9);
    expect(e.errors).toEqual([]);
  });

  it('"N/A" stderr leaves the stderr tag out and keeps lm-eval\'s text in raw', async () => {
    const e = await convert(RUN_0811);
    expect(validateEnvelope(e).valid).toBe(true);
    const flexible = byMetric(e, 'exact_match_flexible');
    expect(flexible.value).toBe(1);
    expect(flexible.tags?.stderr).toBeUndefined();
    expect(flexible.raw).toEqual({ 'exact_match,flexible-extract': 1, 'exact_match_stderr,flexible-extract': 'N/A' });
    expect(flexible.tags?.n_limit).toBe('1');
    // samples of the other run in the same directory are not mixed in: this run's file has 1 doc
    expect(flexible.tags?.samples_docs).toBe('1');
    expect(flexible.duration_seconds).toBeCloseTo(439.20356308099963, 10);
  });

  it('0.4.12 (object model_args, name/sample_len, no start/end time, no samples)', async () => {
    const e = await convert(ETHEREUM);
    expect(validateEnvelope(e).valid).toBe(true);
    expect(e.model).toBe('google/gemma-4-E4B-it');
    expect(e.model_revision).toBe('ee0ef6023621cff504d758262d4e04895a5af4a2');
    expect(e.seed).toBe(1234);
    expect(e.results.map((r) => r.metric)).toEqual(['exact_match_strict', 'exact_match_flexible']);
    const strict = byMetric(e, 'exact_match_strict');
    expect(strict.value).toBe(0.8385140257771039);
    expect(strict.tags?.stderr).toBe('0.010135959452134318');
    expect(strict.tags?.n_limit).toBeUndefined(); // limit: null → the whole split ran
    expect(strict.tags?.n_samples).toBe('1319');
    expect(strict.duration_seconds).toBeCloseTo(2907.487900748849, 9);
    expect(strict.prompt_tokens_per_second).toBeUndefined();
    expect(strict.tags?.token_count_method).toBeUndefined();
    // sample_len / name / alias are metadata, not metrics
    expect(e.results).toHaveLength(2);
  });

  it('0.4.13 chat run (output dir): each arg_0 is a list holding the message-list JSON; every message counts', async () => {
    const e = await convert(LM_EVAL_0413);
    expect(validateEnvelope(e).issues).toEqual([]);
    expect(e.model).toBe('sim-qwen');
    expect(e.model_revision).toBeUndefined();
    expect(e.seed).toBe(1234);
    expect(e.results.map((r) => [r.name, r.metric, r.tags?.num_fewshot])).toEqual([
      ['arith_fewshot', 'exact_match_last-number', '2'],
      ['nightshift_arith', 'exact_match_last-number', '0'],
    ]);
    // Independent count: parse each arg_0[0] message list, one count per message content.
    let prompt = 0;
    let response = 0;
    let messages = 0;
    for (const task of ['arith_fewshot', 'nightshift_arith']) {
      const file = join(LM_EVAL_0413, 'sim-qwen', `samples_${task}_2026-11-23T03-17-33.254314.jsonl`);
      for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
        const s = JSON.parse(line) as { arguments: { gen_args_0: { arg_0: string[] } }; resps: string[][] };
        for (const m of JSON.parse(s.arguments.gen_args_0.arg_0[0] as string) as Array<{ content: string }>) {
          prompt += countTokens(m.content, special);
          messages++;
        }
        response += countTokens(s.resps[0]?.[0] ?? '', special);
      }
    }
    expect(messages).toBe(3 * 6 + 3 * 2); // few-shot: system + 2 × (user, assistant) + question; zero-shot: system + question
    const fewshot = e.results[0] as EnvelopeResult;
    const zeroshot = e.results[1] as EnvelopeResult;
    expect(Number(fewshot.tags?.prompt_tokens) + Number(zeroshot.tags?.prompt_tokens)).toBe(prompt);
    expect(Number(fewshot.tags?.response_tokens) + Number(zeroshot.tags?.response_tokens)).toBe(response);
    const seconds = 21.25988243000006;
    expect(fewshot.duration_seconds).toBeCloseTo(seconds, 10);
    expect(fewshot.prompt_tokens_per_second).toBeCloseTo(prompt / seconds, 9);
    expect(zeroshot.total_tokens_per_second).toBeCloseTo((prompt + response) / seconds, 9);
    expect(fewshot.tags?.duration_covers).toMatch(/\(2 tasks\)/);
  });

  it("the seed project's sample: API model_args.model, config.seed list, CLI gen_kwargs", async () => {
    const e = await convert(SEED_RESULTS);
    expect(validateEnvelope(e).valid).toBe(true);
    expect(e.model).toBe('mlx-community/Qwen3.5-9B-MLX-4bit');
    expect(e.model_revision).toBeUndefined(); // "local-chat-completions" is a backend, not a revision
    expect(e.seed).toBe(1234);
    expect(e.gen_kwargs).toEqual({ max_gen_toks: 4096, temperature: 0 });
    expect(e.timestamp).toBe('2025-12-25T05:20:00.000Z');
    expect(byMetric(e, 'exact_match_flexible').tags).toMatchObject({ n_limit: '10', stderr: '0.145', lm_eval_model: 'local-chat-completions' });
    expect(byMetric(e, 'exact_match_flexible').duration_seconds).toBe(123.45);
  });

  it("a directory lm-eval wrote, with samples; the seed's invented per-task duration is not used", async () => {
    const e = await convert(SEED_WITH_SAMPLES);
    expect(validateEnvelope(e).valid).toBe(true);
    expect(e.results).toHaveLength(1);
    const r = e.results[0] as EnvelopeResult;
    expect(r.duration_seconds).toBe(100); // total_evaluation_time_seconds, not ..._per_task
    const tokens = expectedTokens(join(SEED_WITH_SAMPLES, 'samples_gsm8k_cot_zeroshot_2026-05-13T00-00-00.000000.jsonl'));
    expect(r.tags?.prompt_tokens).toBe(String(tokens.prompt));
    expect(r.tags?.response_tokens).toBe(String(tokens.response));
    expect(r.decode_tokens_per_second).toBeCloseTo(tokens.response / 100, 12);
    expect(e.seed).toBeUndefined(); // this file records no seed at all
  });

  it('context overrides model, revision, timestamp and adds its tags to every result', async () => {
    const e = await convert(ETHEREUM, {
      model: 'my/model',
      modelRevision: 'v2',
      timestamp: '2026-11-23T01:00:00Z',
      quantization: 'bf16',
      prNumber: 12,
      trigger: 'pr',
      tags: { sweep: 'nightly' },
    });
    expect(validateEnvelope(e).valid).toBe(true);
    expect(e).toMatchObject({ model: 'my/model', model_revision: 'v2', timestamp: '2026-11-23T01:00:00Z', quantization: 'bf16', pr_number: 12, trigger: 'pr' });
    expect(e.results.every((r) => r.tags?.sweep === 'nightly')).toBe(true);
  });
});

describe('lm-eval converter on constructed shapes', () => {
  const STAMP = '2026-11-20T01-02-03.000004';

  const chatMessages = [
    { role: 'system', content: 'You are a careful arithmetic tutor. Answer with the number only.' },
    { role: 'user', content: 'Question: What is 12 + 30?\nAnswer:' },
    { role: 'assistant', content: '42' },
    { role: 'user', content: 'Question: Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did she sell altogether?\nAnswer:' },
  ];

  function chatRun(extra: object = {}) {
    return {
      results: { gsm8k_chat: { alias: 'gsm8k_chat', 'exact_match,strict-match': 1.0, 'exact_match_stderr,strict-match': 'N/A' } },
      group_subtasks: { gsm8k_chat: [] },
      configs: { gsm8k_chat: { task: 'gsm8k_chat', output_type: 'generate_until', generation_kwargs: { until: ['Question:'], do_sample: true, temperature: 0.7, max_gen_toks: 1024 } } },
      'n-samples': { gsm8k_chat: { original: 1319, effective: 1 } },
      config: {
        model: 'local-chat-completions',
        model_args: 'model=sim-qwen-9b-4bit,base_url=http://127.0.0.1:9/v1/chat/completions,revision=abc1234,seed=7',
        limit: 1,
        gen_kwargs: 'max_gen_toks=256,temperature=0',
        random_seed: 0,
        numpy_seed: 1234,
        torch_seed: 1234,
        fewshot_seed: 1234,
      },
      date: 1763600523.5,
      start_time: 100.25,
      end_time: 110.25,
      ...extra,
    };
  }

  it('chat samples: every message of the recorded message list is counted, few-shot turns included', async () => {
    const dir = await tempDir();
    const sample = {
      doc_id: 0,
      doc: { question: 'q' },
      arguments: { gen_args_0: { arg_0: JSON.stringify(chatMessages), arg_1: { until: ['Question:'], max_gen_toks: 256 } } },
      resps: [['Natalia sold 48 + 24 = 72 clips.']],
      filtered_resps: ['72'],
      filter: 'strict-match',
    };
    await writeFiles(dir, {
      [`results_${STAMP}.json`]: chatRun(),
      [`samples_gsm8k_chat_${STAMP}.jsonl`]: `${JSON.stringify(sample)}\n`,
    });
    const e = await convert(dir);
    expect(validateEnvelope(e).valid).toBe(true);
    const r = e.results[0] as EnvelopeResult;
    const all = chatMessages.reduce((n, m) => n + countTokens(m.content, special), 0);
    const lastOnly = countTokens(chatMessages[3]?.content ?? '', special);
    expect(Number(r.tags?.prompt_tokens)).toBe(all);
    expect(all).toBeGreaterThan(lastOnly); // what the seed counted
    expect(Number(r.tags?.response_tokens)).toBe(countTokens('Natalia sold 48 + 24 = 72 clips.', special));
    // duration from end_time - start_time when total_evaluation_time_seconds is absent
    expect(r.duration_seconds).toBe(10);
    expect(r.prompt_tokens_per_second).toBeCloseTo(all / 10, 12);
    // string model_args: model, revision= and seed= are read; CLI gen_kwargs win over the task's
    expect(e.model).toBe('sim-qwen-9b-4bit');
    expect(e.model_revision).toBe('abc1234');
    expect(e.seed).toBe(7);
    expect(r.tags?.seeds).toBe('model_args=7,random=0,numpy=1234,torch=1234,fewshot=1234');
    expect(e.gen_kwargs).toEqual({ max_gen_toks: 256, temperature: 0 });
    expect(r.tags?.stderr).toBeUndefined();
  });

  it('without CLI gen_kwargs, task generation_kwargs apply; settings tasks disagree on are left out', async () => {
    const dir = await tempDir();
    const run = chatRun({
      results: {
        a: { 'exact_match,none': 0.5 },
        b: { 'exact_match,none': 0.25 },
      },
      configs: {
        a: { generation_kwargs: { max_gen_toks: 512, temperature: 0, top_p: 1 } },
        b: { generation_kwargs: { max_new_tokens: 512, temperature: 0.6, top_p: 1 } },
      },
    });
    (run.config as Record<string, unknown>).gen_kwargs = null;
    await writeFiles(dir, { [`results_${STAMP}.json`]: run });
    const e = await convert(dir);
    expect(e.gen_kwargs).toEqual({ max_gen_toks: 512, top_p: 1 });
    expect(e.results.map((r) => [r.name, r.metric])).toEqual([
      ['a', 'exact_match_none'],
      ['b', 'exact_match_none'],
    ]);
    expect(e.results[0]?.tags?.duration_covers).toMatch(/2 tasks/);
  });

  it('groups and subtasks: one result per task × metric, each tagged with its role and parent', async () => {
    const dir = await tempDir();
    const acc = (v: number) => ({ 'acc,none': v, 'acc_stderr,none': 0.01, 'acc_norm,none': v + 0.01, 'acc_norm_stderr,none': 0.02 });
    await writeFiles(dir, {
      [`results_${STAMP}.json`]: {
        results: {
          mmlu: { alias: 'mmlu', 'acc,none': 0.6, 'acc_stderr,none': 0.004 },
          mmlu_stem: { alias: ' - stem', 'acc,none': 0.55, 'acc_stderr,none': 0.008 },
          mmlu_abstract_algebra: { alias: '  - abstract_algebra', ...acc(0.4) },
          mmlu_anatomy: { alias: '  - anatomy', ...acc(0.7) },
          humaneval: { alias: 'humaneval', 'pass@1,create_test': 0.3, 'pass@1_stderr,create_test': 0.03 },
        },
        groups: {
          mmlu: { alias: 'mmlu', 'acc,none': 0.6, 'acc_stderr,none': 0.004 },
          mmlu_stem: { alias: ' - stem', 'acc,none': 0.55, 'acc_stderr,none': 0.008 },
        },
        group_subtasks: {
          mmlu_stem: ['mmlu_abstract_algebra', 'mmlu_anatomy'],
          mmlu: ['mmlu_stem'],
          humaneval: [],
        },
        configs: {},
        config: { model: 'hf', model_args: { pretrained: 'org/model' }, limit: null },
        date: 1763600523,
      },
    });
    const e = await convert(dir);
    expect(validateEnvelope(e).valid).toBe(true);
    const rows = e.results.map((r) => [r.name, r.metric, r.value, r.tags?.task_role ?? '', r.tags?.task_group ?? '']);
    expect(rows).toEqual([
      ['mmlu', 'accuracy', 0.6, 'group', ''],
      ['mmlu_stem', 'accuracy', 0.55, 'group', 'mmlu'],
      ['mmlu_abstract_algebra', 'accuracy', 0.4, '', 'mmlu_stem'],
      ['mmlu_abstract_algebra', 'accuracy_normalized', 0.41000000000000003, '', 'mmlu_stem'],
      ['mmlu_anatomy', 'accuracy', 0.7, '', 'mmlu_stem'],
      ['mmlu_anatomy', 'accuracy_normalized', 0.71, '', 'mmlu_stem'],
      ['humaneval', 'pass_at_1', 0.3, '', ''],
    ]);
    expect(e.results.find((r) => r.metric === 'accuracy_normalized')?.tags?.stderr).toBe('0.02');
    expect(e.results.at(-1)?.tags?.lm_eval_key).toBe('pass@1,create_test');
    expect(e.results[0]?.tags?.duration_covers).toBeUndefined(); // no timing in this file
    expect(e.results[0]?.duration_seconds).toBeUndefined();
  });

  it('samples for only some tasks: no rates (the duration covers all tasks), and the envelope says why', async () => {
    const dir = await tempDir();
    const run = chatRun({ results: { a: { 'exact_match,none': 0.5 }, b: { 'exact_match,none': 0.25 } } });
    const line = { doc_id: 0, arguments: { gen_args_0: { arg_0: 'Q?', arg_1: {} } }, resps: [['A.']] };
    await writeFiles(dir, { [`results_${STAMP}.json`]: run, [`samples_a_${STAMP}.jsonl`]: JSON.stringify(line) });
    const e = await convert(dir);
    expect(e.results.every((r) => r.prompt_tokens_per_second === undefined)).toBe(true);
    expect(e.results[0]?.tags?.prompt_tokens).toBe(String(countTokens('Q?')));
    expect(e.errors?.join('\n')).toMatch(/tokens per second not computed: no samples_b_2026-11-20T01-02-03.000004.jsonl/);
  });

  it('multiple-choice samples: every choice request is prompt text, log-likelihood pairs are not responses', async () => {
    const dir = await tempDir();
    const run = chatRun({ results: { arc: { 'acc,none': 1, 'acc_norm,none': 1 } }, configs: { arc: { output_type: 'multiple_choice' } } });
    const line = {
      doc_id: 3,
      arguments: {
        gen_args_0: { arg_0: 'Question: Which is a planet?\nAnswer:', arg_1: ' Mars' },
        gen_args_1: { arg_0: 'Question: Which is a planet?\nAnswer:', arg_1: ' The Moon' },
      },
      resps: [[['-1.25', 'True']], [['-7.5', 'False']]],
      filtered_resps: [['-1.25', 'True'], ['-7.5', 'False']],
    };
    await writeFiles(dir, { [`results_${STAMP}.json`]: run, [`samples_arc_${STAMP}.jsonl`]: JSON.stringify(line) });
    const e = await convert(dir);
    const q = countTokens('Question: Which is a planet?\nAnswer:');
    expect(e.results[0]?.tags?.prompt_tokens).toBe(String(2 * q + countTokens(' Mars') + countTokens(' The Moon')));
    expect(e.results[0]?.tags?.response_tokens).toBe('0');
    expect(e.results[0]?.decode_tokens_per_second).toBeUndefined();
    expect(e.results[0]?.prompt_tokens_per_second).toBeGreaterThan(0);
  });

  it('without `date`, the run date in the file name is the timestamp; without either, the error names the field', async () => {
    const dir = await tempDir();
    const { date: _date, ...undated } = chatRun();
    await writeFiles(dir, { [`results_${STAMP}.json`]: undated, 'undated.json': undated });
    expect((await convert(join(dir, `results_${STAMP}.json`))).timestamp).toBe('2026-11-20T01:02:03.000Z');
    await expect(convert(join(dir, 'undated.json'))).rejects.toThrow(/undated\.json: no run date: the file has no \$\.date .*--timestamp/);
  });

  it('a model directory: the newest results file wins; an output dir with one model dir is followed', async () => {
    const out = await tempDir();
    const model = join(out, 'org__model');
    await mkdir(model);
    await copyFile(ETHEREUM, join(model, 'results_2026-08-07T10-43-37.848875.json'));
    await copyFile(SEED_RESULTS, join(model, 'results_2025-01-01T00-00-00.000000.json'));
    const e = await convert(out);
    expect(e.model).toBe('google/gemma-4-E4B-it');
    const again = await convert(model);
    expect(again.model).toBe('google/gemma-4-E4B-it');
  });

  it('a file name without a run date uses the one samples file of the task, and the date field for the timestamp', async () => {
    const dir = await tempDir();
    const line = { doc_id: 0, arguments: [['Q?', { max_gen_toks: 8 }]], resps: [['A.']] };
    await writeFiles(dir, { 'my-run.json': chatRun(), [`samples_gsm8k_chat_${STAMP}.jsonl`]: JSON.stringify(line) });
    const e = await convert(join(dir, 'my-run.json'));
    expect(e.results[0]?.tags?.prompt_tokens).toBe(String(countTokens('Q?')));
    expect(e.timestamp).toBe(new Date(1763600523.5 * 1000).toISOString());
  });
});
