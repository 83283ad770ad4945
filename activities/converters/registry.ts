// The converter for each tool, by kind. A new tool's converter is one module plus one line in CONVERTERS
// (its kind must be in CONVERTER_KINDS in types.ts); the CLI's --kind and the sweep's convert step both
// go through getConverter, so nothing else needs to learn about it.
import { InputError } from '../errors.js';
import { benchlocalConverter } from './benchlocal.js';
import { lmEvalConverter } from './lm-eval.js';
import { nightshiftQualityConverter } from './nightshift-quality.js';
import type { Converter, ConverterKind } from './types.js';
import { vllmBenchConverter } from './vllm-bench.js';

const CONVERTERS: ReadonlyArray<Converter> = [
  lmEvalConverter,
  vllmBenchConverter,
  benchlocalConverter,
  nightshiftQualityConverter,
];

/** The converter for `kind`; an unknown kind is an InputError listing the kinds there are. */
export function getConverter(kind: string): Converter {
  const converter = CONVERTERS.find((c) => c.kind === kind);
  if (converter) return converter;
  const known = CONVERTERS.map((c) => c.kind).join(', ');
  throw new InputError(`unknown converter kind ${JSON.stringify(kind)}; known kinds: ${known}`);
}

/** Every registered converter, in registration order (for --help and error messages). */
export function listConverters(): ReadonlyArray<Converter> {
  return CONVERTERS;
}

/** The registered kinds, e.g. for a commander `.choices()`. */
export function converterKinds(): ConverterKind[] {
  return CONVERTERS.map((c) => c.kind);
}
