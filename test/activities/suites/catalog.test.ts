// The suite catalog is the one declaration of every (suite, tool): each entry's runner and config load,
// each suite's first entry is its default tool, and a sweep's suiteConfig picks and configures a tool.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../activities/errors.js';
import { findDeclaration, packsForMode, SUITE_CATALOG, suiteForPack, suiteNames, toolsFor } from '../../../activities/suites/catalog.js';
import { resolveSuite } from '../../../activities/suites/suite-config.js';
import { SUITES } from '../../../workflows/shared/envelope.js';

describe('suite catalog', () => {
  it('every declaration names an envelope suite, and its runner and config file load', async () => {
    for (const d of SUITE_CATALOG) {
      expect(SUITES).toContain(d.suite);
      expect(typeof (await d.runner()), `${d.suite} by ${d.tool}`).toBe('function');
      const { declaration, config } = await resolveSuite(d.suite, { tool: d.tool });
      expect(declaration).toBe(d);
      expect(config).toBeTypeOf('object');
    }
  });

  it('declares one entry per (suite, tool), the first being the default', () => {
    const keys = SUITE_CATALOG.map((d) => `${d.suite}/${d.tool}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(toolsFor('throughput')).toEqual(['nightshift', 'vllm-bench']);
    expect(toolsFor('tool-calling')).toEqual(['nightshift', 'benchlocal']);
    expect(toolsFor('reasoning')).toEqual(['lm-eval']);
    expect(findDeclaration('ttft')?.tool).toBe('nightshift');
    expect(suiteNames()).toEqual(['throughput', 'ttft', 'tool-calling', 'capability-comparison', 'evalplus', 'code-accuracy', 'reasoning', 'coding', 'knowledge', 'math-hard']);
  });

  it('picks the tool from the sweep config and merges the rest over its file', async () => {
    const vllm = await resolveSuite('throughput', { tool: 'vllm-bench', num_prompts: 4 });
    expect(vllm.declaration.tool).toBe('vllm-bench');
    expect(vllm.config).toMatchObject({ num_prompts: 4, input_len: 512 });
    expect((await resolveSuite('throughput', { repeats: 2 })).config).toMatchObject({ repeats: 2, prompt_tokens: [512] });
    expect((await resolveSuite('reasoning', {})).declaration.tool).toBe('lm-eval');
  });

  it('refuses an unknown tool, an unknown suite and a bad override, naming the key', async () => {
    await expect(resolveSuite('throughput', { tool: 'benchlocal' })).rejects.toThrow(/suiteConfig\.throughput: tool: unknown tool "benchlocal" for suite "throughput"; one of: nightshift, vllm-bench/);
    await expect(resolveSuite('framework-eval', {})).rejects.toThrow(/suite "framework-eval" is in the envelope schema, but Nightshift has no runner for it yet/);
    await expect(resolveSuite('bench-of-everything', {})).rejects.toThrow(/unknown suite "bench-of-everything"; known suites: throughput, ttft,/);
    const error = (await resolveSuite('ttft', { max_tokens: 'lots' }).catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toEqual([{ source: 'suiteConfig.ttft', key: 'max_tokens', message: 'must be integer (got string "lots")' }]);
  });

  it('derives quality modes and pack suites from the quality entries', () => {
    expect(packsForMode('quick')).toEqual(['ns-toolcall-15', 'ns-instructfollow-15']);
    expect(packsForMode('medium')).toHaveLength(5);
    expect(suiteForPack({ pack_id: 'ns-structoutput-15' })).toBe('capability-comparison');
    expect(suiteForPack({ pack_id: 'toolcall-15', verifier_module: 'tool_call' })).toBe('tool-calling');
    expect(suiteForPack({ pack_id: 'x', suite: 'reasoning' })).toBe('reasoning');
  });
});
