// Bad input to the converters: each case must fail (or degrade) with a message naming the file and the
// field, and never produce an envelope that hides the problem.
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getConverter } from '../../../activities/converters/registry.js';
import { forEachJsonLine } from '../../../activities/converters/jsonl-stream.js';
import { MAX_RESULTS_JSON_BYTES } from '../../../activities/converters/json-input.js';
import { InputError } from '../../../activities/errors.js';
import { validateEnvelope } from '../../../activities/envelope/validate.js';
import { context, fixture, tempDir, writeFiles } from './support/context.js';

const LM_EVAL = fixture('lm-eval', 'Ethereum-dAI-local-llm-evals', 'base_gsm8k5_2026-08-07T10-43-37.848875.json');
const VLLM = fixture('mlx-benchmarks', 'vllm_benchmark_serving_sample.json');
const BENCHLOCAL = fixture('benchlocal', 'result-sample-mock-responses.json');
const KINDS = [
  ['lm-eval', LM_EVAL],
  ['vllm-bench', VLLM],
  ['benchlocal', BENCHLOCAL],
] as const;
const ctx = context({ model: 'm', timestamp: '2026-01-01T00:00:00Z' });

async function convertText(kind: string, name: string, text: string) {
  const dir = await tempDir();
  await writeFile(join(dir, name), text);
  return getConverter(kind).convert(join(dir, name), ctx);
}

async function expectInputError(promise: Promise<unknown>, pattern: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toMatch(pattern);
}

describe.each(KINDS)('%s: unreadable files', (kind, source) => {
  it('a truncated file', async () => {
    const text = await readFile(source, 'utf8');
    await expectInputError(convertText(kind, 'results_cut.json', text.slice(0, Math.floor(text.length / 2))), /results_cut\.json: not valid JSON \(it ends early, the file looks truncated/);
  });

  it('a file that is not JSON', async () => {
    await expectInputError(convertText(kind, 'results_x.json', 'task,metric,value\ngsm8k,acc,0.5\n'), /results_x\.json: not valid JSON \(Unexpected token/);
  });

  it('an empty file', async () => {
    await expectInputError(convertText(kind, 'results_e.json', '  \n'), /results_e\.json: the file is empty, expected JSON/);
  });

  it('a missing file', async () => {
    const dir = await tempDir();
    await expectInputError(getConverter(kind).convert(join(dir, 'results_none.json'), ctx), /results_none\.json: no such file or directory/);
  });

  it('a file over the size limit is refused before it is read', async () => {
    const dir = await tempDir();
    const big = join(dir, 'results_big.json');
    await writeFile(big, '');
    await truncate(big, 100 * 1024 * 1024); // sparse: 100 MB long, nothing written
    expect(MAX_RESULTS_JSON_BYTES).toBeLessThan(100 * 1024 * 1024);
    await expectInputError(getConverter(kind).convert(big, ctx), /results_big\.json: 100\.0 MiB is larger than the 64\.0 MiB limit/);
  });
});

describe('the wrong converter for a file', () => {
  it.each([
    ['lm-eval', VLLM, /vllm_benchmark_serving_sample\.json: not lm-eval output: .*found top-level keys: duration, completed.*looks like vllm-bench output, use --kind vllm-bench/],
    ['lm-eval', BENCHLOCAL, /not lm-eval output: .*looks like benchlocal output, use --kind benchlocal/],
    ['vllm-bench', LM_EVAL, /base_gsm8k5_.*\.json: not vllm-bench output: .*looks like lm-eval output, use --kind lm-eval/],
    ['vllm-bench', BENCHLOCAL, /not vllm-bench output: .*use --kind benchlocal/],
    ['benchlocal', LM_EVAL, /not benchlocal output: expected a "packs" array and a "totals" object .*use --kind lm-eval/],
    ['benchlocal', VLLM, /not benchlocal output: .*use --kind vllm-bench/],
  ])('%s given %s', async (kind, file, pattern) => {
    await expectInputError(getConverter(kind).convert(file, ctx), pattern);
  });

  it('a JSON array names what it is', async () => {
    await expectInputError(convertText('lm-eval', 'results_a.json', '[1, 2]'), /not lm-eval output: .*\(found a JSON array\)$/);
  });

  it('vllm --append-result files (one JSON document per line) are explained', async () => {
    const one = await readFile(VLLM, 'utf8');
    const line = JSON.stringify(JSON.parse(one));
    await expectInputError(convertText('vllm-bench', 'appended.json', `${line}\n${line}\n`), /appended\.json: not valid JSON \(it holds 2 JSON documents, one per line/);
  });
});

describe('lm-eval results that hold no usable task', () => {
  const base = { configs: {}, config: { model: 'hf', model_args: 'pretrained=org/m' }, date: 1763600000 };

  it('an empty results object', async () => {
    await expectInputError(convertText('lm-eval', 'results_1.json', JSON.stringify({ ...base, results: {} })), /results_1\.json: \$\.results is empty: the run produced no task results/);
  });

  it('tasks without any metric', async () => {
    await expectInputError(
      convertText('lm-eval', 'results_2.json', JSON.stringify({ ...base, results: { gsm8k: { alias: 'gsm8k', sample_len: 10 } } })),
      /results_2\.json: \$\.results holds no metric for any task \(gsm8k\); expected "metric,filter" keys/,
    );
  });

  it('a directory with results for several models', async () => {
    const dir = await tempDir();
    const text = await readFile(LM_EVAL, 'utf8');
    await writeFiles(dir, { 'org__a/results_2026-01-01T00-00-00.json': text, 'org__b/results_2026-01-02T00-00-00.json': text });
    await expectInputError(getConverter('lm-eval').convert(dir, ctx), /holds lm-eval results for 2 models \(org__a, org__b\); give the directory of one model/);
  });

  it('a directory without results', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'notes.json': {} });
    await expectInputError(getConverter('lm-eval').convert(dir, ctx), /no results_\*\.json file in this directory or its model subdirectories/);
  });
});

describe("Python's NaN and Infinity (parsed; the metric is dropped with an error line)", () => {
  // Written the way Python's json.dump writes them: bare tokens, invalid for JSON.parse.
  const lmEvalText = `{"results": {"t": {"alias": "NaN-Infinity task", "acc,none": NaN, "acc_stderr,none": NaN,
    "acc_norm,none": 0.5, "acc_norm_stderr,none": Infinity, "mcc,none": -Infinity}},
    "configs": {}, "config": {"model": "hf", "model_args": "pretrained=org/m"}, "date": 1763600000,
    "total_evaluation_time_seconds": "12.5"}`;

  it('lm-eval: NaN and -Infinity metrics are left out and named; a non-finite stderr is not tagged', async () => {
    const e = await convertText('lm-eval', 'results_nan.json', lmEvalText);
    expect(validateEnvelope(e).issues).toEqual([]);
    expect(e.results.map((r) => [r.metric, r.value])).toEqual([['accuracy_normalized', 0.5]]);
    expect(e.results[0]?.tags?.stderr).toBeUndefined();
    // raw keeps what the tool wrote, as text; the parser's internal marker never leaks
    expect(e.results[0]?.raw).toEqual({ 'acc_norm,none': 0.5, 'acc_norm_stderr,none': 'Infinity' });
    expect(JSON.stringify(e)).not.toContain('\\u0000');
    expect(e.errors).toEqual([
      expect.stringMatching(/results_nan\.json: \$\.results\["t"\]\["acc,none"\] is NaN; metric acc,none of t left out$/),
      expect.stringMatching(/results_nan\.json: \$\.results\["t"\]\["mcc,none"\] is -Infinity; metric mcc,none of t left out$/),
    ]);
  });

  it('lm-eval: when every metric is non-finite there is nothing to publish', async () => {
    await expectInputError(
      convertText('lm-eval', 'results_allnan.json', lmEvalText.replace('"acc_norm,none": 0.5', '"acc_norm,none": NaN')),
      /results_allnan\.json: no usable metric: .*\["acc,none"\] is NaN/,
    );
  });

  it('vllm-bench: an Infinity latency is left out and named, the rest converts', async () => {
    const text = (await readFile(VLLM, 'utf8')).replace('"p99_itl_ms": 19.2', '"p99_itl_ms": Infinity').replace('"std_ttft_ms": 8.3', '"std_ttft_ms": NaN');
    const e = await convertText('vllm-bench', 'inf.json', text);
    expect(validateEnvelope(e).valid).toBe(true);
    expect(e.results.map((r) => r.name)).not.toContain('inter_token_latency_p99');
    expect(e.results.map((r) => r.name)).toContain('inter_token_latency_mean');
    expect(e.errors).toEqual([
      expect.stringMatching(/inf\.json: \$\.std_ttft_ms is NaN; time_to_first_token_std latency_std left out/),
      expect.stringMatching(/inf\.json: \$\.p99_itl_ms is Infinity; inter_token_latency_p99 latency left out/),
    ]);
  });
});

describe('strings (and other types) where numbers belong are refused, naming the field', () => {
  it('lm-eval metric as a string', async () => {
    const text = JSON.stringify({ results: { t: { 'acc,none': '0.5' } }, configs: {}, config: { model_args: 'pretrained=o/m' }, date: 1 });
    await expectInputError(convertText('lm-eval', 'results_s.json', text), /results_s\.json: \$\.results\["t"\]\["acc,none"\] must be a number, got string "0\.5"/);
  });

  it('lm-eval metric null or "N/A" (not computed) is left out with an error line, not a crash', async () => {
    const text = JSON.stringify({ results: { t: { 'acc,none': null, 'f1,none': 'N/A', 'acc_norm,none': 0.5 } }, configs: {}, config: {}, model_name: 'm', date: 1 });
    const e = await convertText('lm-eval', 'results_null.json', text);
    expect(e.results.map((r) => r.metric)).toEqual(['accuracy_normalized']);
    expect(e.errors).toEqual([
      expect.stringMatching(/results_null\.json: \$\.results\["t"\]\["acc,none"\] is null; metric acc,none of t left out/),
      expect.stringMatching(/\["f1,none"\] is "N\/A"; metric f1,none of t left out/),
    ]);
  });

  it('lm-eval stderr as a word other than "N/A"', async () => {
    const text = JSON.stringify({ results: { t: { 'acc,none': 0.5, 'acc_stderr,none': 'unknown' } }, configs: {}, config: {}, model_name: 'm', date: 1 });
    await expectInputError(convertText('lm-eval', 'results_se.json', text), /\$\.results\["t"\]\["acc_stderr,none"\] must be a number, got string "unknown"/);
  });

  it('lm-eval duration that is not a number', async () => {
    const text = JSON.stringify({ results: { t: { 'acc,none': 0.5 } }, configs: {}, config: {}, model_name: 'm', total_evaluation_time_seconds: 'soon' });
    await expectInputError(convertText('lm-eval', 'results_d.json', text), /results_d\.json: \$\.total_evaluation_time_seconds must be a number or a numeric string, got "soon"/);
  });

  it('lm-eval gen_kwargs with a word for a number', async () => {
    const text = JSON.stringify({ results: { t: { 'acc,none': 0.5 } }, configs: {}, config: { gen_kwargs: 'max_gen_toks=lots' }, model_name: 'm' });
    await expectInputError(convertText('lm-eval', 'results_g.json', text), /results_g\.json: \$\.config\.gen_kwargs\.max_gen_toks must be a number, got "lots"/);
  });

  it('lm-eval model_args of the wrong type', async () => {
    const text = JSON.stringify({ results: { t: { 'acc,none': 0.5 } }, configs: {}, config: { model_args: 42 } });
    await expectInputError(convertText('lm-eval', 'results_m.json', text), /\$\.config\.model_args must be an object or a "key=value,\.\.\." string, got 42/);
  });

  it('vllm latency as a string', async () => {
    const text = (await readFile(VLLM, 'utf8')).replace('"mean_ttft_ms": 45.6', '"mean_ttft_ms": "45.6 ms"');
    await expectInputError(convertText('vllm-bench', 'v.json', text), /v\.json: \$\.mean_ttft_ms must be a number, got string "45\.6 ms"/);
  });

  it('benchlocal pack score as a string', async () => {
    const doc = JSON.parse(await readFile(BENCHLOCAL, 'utf8')) as { packs: Array<Record<string, unknown>> };
    (doc.packs[2] as Record<string, unknown>).score = 'half';
    await expectInputError(convertText('benchlocal', 'b.json', JSON.stringify(doc)), /b\.json: \$\.packs\[2\]\.score must be a number, got string "half"/);
  });
});

describe('lm-eval samples files', () => {
  const STAMP = '2026-11-20T01-02-03.000004';
  const run = { results: { t: { 'acc,none': 1 } }, configs: {}, config: { model_args: 'pretrained=o/m' }, date: 1763600000, total_evaluation_time_seconds: '3' };

  it('a broken line is an error naming the samples file and line', async () => {
    const dir = await tempDir();
    const good = JSON.stringify({ doc_id: 0, arguments: [['Q']], resps: [['A']] });
    await writeFiles(dir, { [`results_${STAMP}.json`]: run, [`samples_t_${STAMP}.jsonl`]: `${good}\n{"doc_id": 1, "argu` });
    await expectInputError(getConverter('lm-eval').convert(dir, ctx), new RegExp(`samples_t_${STAMP}\\.jsonl line 2: not valid JSON \\(it ends early`));
  });

  it('a line that is not an lm-eval sample is named', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { [`results_${STAMP}.json`]: run, [`samples_t_${STAMP}.jsonl`]: '{"hello": "world"}\n' });
    await expectInputError(getConverter('lm-eval').convert(dir, ctx), /line 1: not an lm-eval sample \(no "arguments"\/"resps" fields\)/);
  });

  it('one line longer than the line cap is refused instead of buffered', async () => {
    const dir = await tempDir();
    const file = join(dir, 'long.jsonl');
    await writeFile(file, `{"a": 1}\n{"b": "${'x'.repeat(5000)}"}\n`);
    const seen: unknown[] = [];
    await expect(forEachJsonLine(file, (v) => seen.push(v), 1024)).rejects.toThrow(/long\.jsonl line 2: longer than the 1\.0 KiB limit for one JSON line/);
    expect(seen).toEqual([{ a: 1 }]);
  });
});

describe('values a metric cannot have are not published as facts', () => {
  it('lm-eval: an exact_match of 7.5 is left out with an error naming the file, result and allowed range', async () => {
    const doc = JSON.parse(await readFile(LM_EVAL, 'utf8')) as { results: Record<string, Record<string, unknown>> };
    const task = Object.keys(doc.results)[0]!;
    const key = Object.keys(doc.results[task]!).find((k) => k.startsWith('exact_match,'))!;
    doc.results[task]![key] = 7.5;
    const envelope = await convertText('lm-eval', 'results_2026-01-01T00-00-00.000000.json', JSON.stringify(doc));
    expect(envelope.results.some((r) => r.tags?.lm_eval_key === key)).toBe(false);
    expect(envelope.errors?.join('\n')).toMatch(new RegExp(`results_2026-01-01T00-00-00\\.000000\\.json: ${task} .* = 7\\.5 ratio cannot be true \\(expected a ratio from 0 to 1\\); left out`));
    expect(validateEnvelope(envelope).valid).toBe(true);
  });

  it('vllm bench: completed 0 keeps the counts and leaves every throughput and latency figure out', async () => {
    const doc = JSON.parse(await readFile(VLLM, 'utf8')) as Record<string, unknown>;
    const envelope = await convertText('vllm-bench', 'r.json', JSON.stringify({ ...doc, completed: 0, failed: 10 }));
    expect(envelope.results.map((r) => r.name).sort()).toEqual(['completed_requests', 'failed_requests']);
    expect(envelope.errors?.join('\n')).toMatch(/\$\.completed is 0 \(no request completed\); \d+ throughput and latency figures left out/);
  });

  it('a negative throughput is left out', async () => {
    const doc = JSON.parse(await readFile(VLLM, 'utf8')) as Record<string, unknown>;
    const envelope = await convertText('vllm-bench', 'r.json', JSON.stringify({ ...doc, output_throughput: -3 }));
    expect(envelope.results.some((r) => r.name === 'output_token_throughput')).toBe(false);
    expect(envelope.errors?.join('\n')).toContain('output_token_throughput throughput = -3 tok/s cannot be true (expected a rate of at least 0); left out');
  });
});
