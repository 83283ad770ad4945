// Which tool runs a sweep suite. A suite's config in the sweep input may name one
// (`suiteConfig.throughput.tool = "vllm-bench"`); without it the suite's default runs. Pure data, shared
// by the input validation (workflow sandbox) and the host worker's suite registry.
import type { SuiteName } from './input.js';

/** Nightshift's own runners (load generator, quality packs). */
export const NIGHTSHIFT_TOOL = 'nightshift';

/** The tools that can run each suite; the first is the default. Suites not listed: Nightshift's own only. */
export const SUITE_TOOLS: Readonly<Partial<Record<SuiteName, readonly string[]>>> = {
  throughput: [NIGHTSHIFT_TOOL, 'vllm-bench'],
  'tool-calling': [NIGHTSHIFT_TOOL, 'benchlocal'],
  reasoning: ['lm-eval'],
  coding: ['lm-eval'],
  knowledge: ['lm-eval'],
  'math-hard': ['lm-eval'],
};

export function toolsFor(suite: string): readonly string[] {
  return SUITE_TOOLS[suite as SuiteName] ?? [NIGHTSHIFT_TOOL];
}

export function defaultToolFor(suite: string): string {
  return toolsFor(suite)[0] ?? NIGHTSHIFT_TOOL;
}

/** The `tool` key of a suite's sweep config, or the default; the rest of the config is the suite's own. */
export function splitTool(suite: string, config: Record<string, unknown>): { tool: string; config: Record<string, unknown> } {
  const { tool, ...rest } = config;
  return { tool: typeof tool === 'string' ? tool : defaultToolFor(suite), config: rest };
}
