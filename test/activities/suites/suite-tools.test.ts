// The sweep's tool table (workflows/suite-tools.ts, what input validation accepts) and the host worker's
// registry (what can actually run) must agree: every tool a sweep may name has a runner and a config.
import { describe, expect, it } from 'vitest';
import { defaultSuiteRegistry, resolveSuite } from '../../../activities/suites/registry.js';
import { SUITE_TOOLS, splitTool } from '../../../workflows/suite-tools.js';

describe('suite tools', () => {
  it('every tool the input accepts resolves to a runner whose config loads', async () => {
    const registry = defaultSuiteRegistry();
    for (const [suite, tools] of Object.entries(SUITE_TOOLS)) {
      for (const tool of tools ?? []) {
        const entry = resolveSuite(registry, suite, tool);
        expect(entry, `${suite} by ${tool}`).toBeDefined();
        expect(typeof (await entry!.runner())).toBe('function');
        await expect(entry!.loadConfig({})).resolves.toBeTypeOf('object');
      }
    }
    expect(resolveSuite(registry, 'throughput', 'benchlocal')).toBeUndefined();
    expect(resolveSuite(registry, 'throughput', 'vllm-bench')).not.toBe(registry.get('throughput'));
    expect(resolveSuite(registry, 'ttft')).toBe(registry.get('ttft'));
  });

  it('splits the tool off the suite config, defaulting per suite', () => {
    expect(splitTool('throughput', { tool: 'vllm-bench', num_prompts: 4 })).toEqual({ tool: 'vllm-bench', config: { num_prompts: 4 } });
    expect(splitTool('throughput', { repeats: 2 })).toEqual({ tool: 'nightshift', config: { repeats: 2 } });
    expect(splitTool('reasoning', {})).toEqual({ tool: 'lm-eval', config: {} });
  });
});
