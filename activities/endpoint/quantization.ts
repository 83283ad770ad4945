// Which quantization a model runs in, from what is known about it, in order of trust: a value the user gave,
// what the server says (llama.cpp's /props `model_ftype`, e.g. "Q4_K - Medium"), then the model's name —
// the GGUF file (…-q4_k_m.gguf), an Ollama tag (…:8b-instruct-q4_K_M), an MLX or Hugging Face repo id
// (…-MLX-4bit, …-AWQ, …-FP8). Names are written the way their ecosystem writes them: llama.cpp types in
// upper case (Q4_K_M, IQ3_XXS, BF16), MLX as mlx-<n>bit, the rest in lower case (awq, gptq-int4, fp8).
// A name that says nothing gives nothing: never a guess.

export type QuantizationSource = 'explicit' | 'server' | 'model-name';

export interface Quantization {
  value: string;
  source: QuantizationSource;
}

/** llama.cpp's ftype names (llama_model_ftype_name) → the type's usual name. */
export function quantizationFromFtype(ftype: string): string | undefined {
  const text = ftype.trim();
  if (/^all F32$/i.test(text)) return 'F32';
  if (/^MXFP4\b/i.test(text)) return 'MXFP4';
  // "Q4_K - Medium" → Q4_K_M; Q2_K's ftype is "Q2_K - Medium" but the type is called Q2_K.
  const sized = /^(Q[2-6]_K) - (Small|Medium|Large)$/i.exec(text);
  if (sized) {
    const base = (sized[1] ?? '').toUpperCase();
    if (base === 'Q2_K' && /^medium$/i.test(sized[2] ?? '')) return 'Q2_K';
    return `${base}_${(sized[2] ?? '').charAt(0).toUpperCase()}`;
  }
  // "IQ3_S mix - 3.66 bpw" is the IQ3_M mix.
  if (/^IQ3_S mix\b/i.test(text)) return 'IQ3_M';
  // "IQ2_XXS - 2.0625 bpw", "TQ1_0 - 1.69 bpw ternary": the name before the dash.
  const named = /^((?:I|T)?Q\d(?:_[A-Z0-9]+)*|BF16|F16|F32)\b/i.exec(text);
  return named ? (named[1] ?? '').toUpperCase() : undefined;
}

// A llama.cpp type as a separate part of a file or tag name: q4_k_m, Q8_0, IQ2_XXS, bf16, f16.
const GGUF_TYPE = /(?:^|[-_.:/])((?:i|t)?q\d(?:_(?:[0-9]|k|xs|xxs|s|m|l|nl))*|bf16|f16|f32|mxfp4)(?=$|[-_.:])/i;
// MLX and Hugging Face repo suffixes: -4bit, -8bit, -mxfp4, -AWQ, -GPTQ-Int4, -FP8, -bnb-4bit.
const BITS = /(?:^|[-_])(\d{1,2})-?bits?(?=$|[-_.])/i;

/** The quantization a model id, GGUF path or Ollama tag names, if it names one. */
export function quantizationFromName(name: string): string | undefined {
  const last = name.split('/').pop() ?? name;
  const mlx = /mlx/i.test(name);
  const type = GGUF_TYPE.exec(last.replace(/\.gguf$/i, ''))?.[1];
  if (type) {
    // A llama.cpp quant type; a float or MXFP4 named in an MLX repo is MLX's.
    if (/^(?:i|t)?q\d/i.test(type)) return type.toUpperCase();
    return mlx ? `mlx-${type.toLowerCase()}` : type.toUpperCase();
  }
  if (/(?:^|[-_])bnb[-_]?4bit(?=$|[-_.])/i.test(last)) return 'bnb-4bit';
  const gptq = /(?:^|[-_])gptq(?:[-_](int\d))?(?=$|[-_.])/i.exec(last);
  if (gptq) return gptq[1] ? `gptq-${gptq[1].toLowerCase()}` : 'gptq';
  if (/(?:^|[-_])awq(?=$|[-_.])/i.test(last)) return 'awq';
  const float = /(?:^|[-_])(fp8|nvfp4|w8a8|w4a16)(?=$|[-_.])/i.exec(last);
  if (float) return `${mlx ? 'mlx-' : ''}${(float[1] ?? '').toLowerCase()}`;
  const bits = BITS.exec(last);
  if (bits) return `${mlx ? 'mlx-' : ''}${bits[1] ?? ''}bit`;
  return undefined;
}

/** The most trusted quantization known: explicit, then the server's ftype, then the names (served path
 * first, then the requested id). */
export function resolveQuantization(known: { explicit?: string; ftype?: string; names: ReadonlyArray<string | undefined> }): Quantization | undefined {
  if (known.explicit) return { value: known.explicit, source: 'explicit' };
  const fromServer = known.ftype ? quantizationFromFtype(known.ftype) : undefined;
  if (fromServer) return { value: fromServer, source: 'server' };
  for (const name of known.names) {
    const fromName = name ? quantizationFromName(name) : undefined;
    if (fromName) return { value: fromName, source: 'model-name' };
  }
  return undefined;
}
