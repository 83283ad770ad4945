// The contract every tool converter implements: one tool's output file in, one validated-shape envelope
// out. Converters are pure apart from reading their input (and sibling files such as lm-eval samples).
import type { ConvertedRun } from './envelope-base.js';
import type { Envelope, Suite, SystemInfo, Trigger } from '../../workflows/shared/envelope.js';

export const CONVERTER_KINDS = ['lm-eval', 'vllm-bench', 'benchlocal', 'nightshift-quality'] as const;
export type ConverterKind = (typeof CONVERTER_KINDS)[number];

/** Facts about the run that the tool's output does not carry (or that the caller overrides). */
export interface RunContext {
  suite: Suite;
  gitSha: string;
  trigger: Trigger;
  prNumber?: number | null;
  /** Overrides the run date found in the file. ISO 8601. */
  timestamp?: string;
  /** Overrides the model id found in the file. */
  model?: string;
  modelRevision?: string;
  quantization?: string;
  system: SystemInfo;
  /** Added to every result's tags (CLI --tag K=V). */
  tags?: Record<string, string>;
}

/** What a reader needs to know beyond the file. */
export interface ReadOptions {
  /** The envelope suite being published (a file may hold results of several, e.g. quality packs). */
  suite: Suite;
}

export interface Converter {
  kind: ConverterKind;
  /** One line for `--help` and error messages: which files this converter reads. */
  describes: string;
  /** Reads `path` (file or directory as the tool writes it): results and the run facts the file states.
   * Throws InputError naming the file and field when the input is not this tool's output. */
  read(path: string, options: ReadOptions): Promise<ConvertedRun>;
  /** read() plus the caller's run facts → one envelope (envelope-base.ts). */
  convert(path: string, context: RunContext): Promise<Envelope>;
}
