// Where each pack's results go in the envelope schema's suite enum, and which packs a mode runs.
// Tool calling has its own suite; instruction following, structured output, extraction and the short
// reasoning problems compare general capabilities, so `capability-comparison`. (`reasoning` and
// `math-hard` are lm-eval's suites in a sweep; a sweep suite name maps to one runner, so quality packs
// stay out of them.) A pack's meta may name its suite explicitly with `"suite": "<enum value>"`.
import { SUITES, type Suite } from '../../envelope/types.js';
import type { PackMeta } from './pack-types.js';

export const MODES = {
  quick: ['ns-toolcall-15', 'ns-instructfollow-15'],
  medium: ['ns-toolcall-15', 'ns-instructfollow-15', 'ns-structoutput-15', 'ns-dataextract-15', 'ns-reasonmath-15'],
  // No sandboxed packs yet: full runs the same five (kept as a mode so scripts written for
  // benchlocal-cli's --full keep working).
  full: ['ns-toolcall-15', 'ns-instructfollow-15', 'ns-structoutput-15', 'ns-dataextract-15', 'ns-reasonmath-15'],
} as const;
export type QualityMode = keyof typeof MODES;

const BY_VERIFIER: Record<string, Suite> = {
  tool_call: 'tool-calling',
  reason_math: 'capability-comparison',
  instruct_follow: 'capability-comparison',
  struct_output: 'capability-comparison',
  data_extract: 'capability-comparison',
};

export function suiteForPack(meta: PackMeta): Suite {
  if (typeof meta.suite === 'string' && (SUITES as readonly string[]).includes(meta.suite)) return meta.suite as Suite;
  const byModule = typeof meta.verifier_module === 'string' ? BY_VERIFIER[meta.verifier_module] : undefined;
  if (byModule) return byModule;
  const id = meta.pack_id.toLowerCase();
  if (id.includes('toolcall')) return 'tool-calling';
  return 'capability-comparison';
}
