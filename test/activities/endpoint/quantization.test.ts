// Quantization from what is known about a model, with the cases people's servers actually show.
import { describe, expect, it } from 'vitest';
import { quantizationFromFtype, quantizationFromName, resolveQuantization } from '../../../activities/endpoint/quantization.js';

describe('quantization', () => {
  it('reads llama.cpp ftype names as the types are called', () => {
    expect(quantizationFromFtype('Q4_K - Medium')).toBe('Q4_K_M'); // llama-server b11434 /props, Gemma 3 270M
    expect(quantizationFromFtype('Q5_K - Small')).toBe('Q5_K_S');
    expect(quantizationFromFtype('Q3_K - Large')).toBe('Q3_K_L');
    expect(quantizationFromFtype('Q2_K - Medium')).toBe('Q2_K');
    expect(quantizationFromFtype('Q8_0')).toBe('Q8_0');
    expect(quantizationFromFtype('IQ2_XXS - 2.0625 bpw')).toBe('IQ2_XXS');
    expect(quantizationFromFtype('IQ3_S mix - 3.66 bpw')).toBe('IQ3_M');
    expect(quantizationFromFtype('all F32')).toBe('F32');
    expect(quantizationFromFtype('BF16')).toBe('BF16');
    expect(quantizationFromFtype('MXFP4 MoE')).toBe('MXFP4');
    expect(quantizationFromFtype('something new')).toBeUndefined();
  });

  it('reads GGUF files, Ollama tags and repo ids, and says nothing when the name says nothing', () => {
    const cases: Array<[string, string | undefined]> = [
      ['.tools/models/gemma-3-270m-q4_k_m.gguf', 'Q4_K_M'],
      ['/models/Qwen3-8B-IQ3_XXS.gguf', 'IQ3_XXS'],
      ['unsloth/Qwen3-8B-GGUF:Q4_K_M', 'Q4_K_M'],
      ['llama3:8b-instruct-q4_K_M', 'Q4_K_M'],
      ['qwen2.5:7b-instruct-q8_0', 'Q8_0'],
      ['mlx-community/Qwen3.5-9B-MLX-4bit', 'mlx-4bit'],
      ['mlx-community/Qwen3-30B-A3B-8bit', 'mlx-8bit'],
      ['mlx-community/gpt-oss-20b-MXFP4-Q8', 'mlx-mxfp4'],
      ['mlx-community/Llama-3.2-3B-Instruct-bf16', 'mlx-bf16'],
      ['Qwen/Qwen3-8B-AWQ', 'awq'],
      ['TheBloke/Llama-2-7B-GPTQ', 'gptq'],
      ['Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4', 'gptq-int4'],
      ['Qwen/Qwen3-8B-FP8', 'fp8'],
      ['unsloth/llama-3-8b-bnb-4bit', 'bnb-4bit'],
      ['gemma3-270m', undefined],
      ['qwen2.5-7b-instruct', undefined],
      ['sim-qwen-9b-4bit', '4bit'],
      ['Qwen/Qwen3-8B', undefined],
    ];
    for (const [name, expected] of cases) expect(quantizationFromName(name), name).toBe(expected);
  });

  it('trusts the user, then the server, then the served path, then the requested id', () => {
    expect(resolveQuantization({ explicit: 'Q4_K_M', ftype: 'Q8_0', names: [] })).toEqual({ value: 'Q4_K_M', source: 'explicit' });
    expect(resolveQuantization({ ftype: 'Q4_K - Medium', names: ['x-q8_0.gguf'] })).toEqual({ value: 'Q4_K_M', source: 'server' });
    expect(resolveQuantization({ names: [undefined, '/m/x-Q6_K.gguf', 'x-4bit'] })).toEqual({ value: 'Q6_K', source: 'model-name' });
    expect(resolveQuantization({ names: ['gemma3-270m'] })).toBeUndefined();
  });
});
