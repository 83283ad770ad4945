// What the model server says about the model it serves, for the envelope: its quantization and the
// settings that change what is measured (llama.cpp's slots, the context of one slot, its build). Read from
// llama.cpp's GET /props — at the server itself, or through llama-swap at /upstream/<model>/props — once
// the model is loaded. A server that says nothing (vLLM, Ollama, mlx_lm) leaves the quantization to the
// model's name and records no settings. Never fails a run: what cannot be read is simply not recorded.
import { basename } from 'node:path';
import { isRecord } from '../../workflows/shared/records.js';
import { modelPath, serverRoot } from './llama-swap-parse.js';
import { resolveQuantization, type Quantization } from './quantization.js';

export interface ModelFacts {
  quantization?: Quantization;
  /** Envelope tags: server_build, server_slots, server_ctx_per_slot, server_model_file — whichever the
   * server told. */
  serverTags: Record<string, string>;
  /** llama.cpp's `chat_template_caps.supports_tools`: false when the chat template drops tool definitions. */
  supportsTools?: boolean;
}

const READ_TIMEOUT_MS = 5_000;

export async function readModelFacts(endpoint: string, model: string, options: { explicit?: string; apiKey?: string; signal?: AbortSignal } = {}): Promise<ModelFacts> {
  const root = serverRoot(endpoint);
  const props = (await getJson(`${root}/props`, options)) ?? (await getJson(`${root}/upstream/${modelPath(model)}/props`, options));
  const serverTags: Record<string, string> = {};
  let supportsTools: boolean | undefined;
  let ftype: string | undefined;
  let file: string | undefined;
  if (isRecord(props)) {
    if (typeof props.model_ftype === 'string') ftype = props.model_ftype;
    if (typeof props.model_path === 'string' && props.model_path !== '') file = props.model_path;
    if (typeof props.build_info === 'string') serverTags.server_build = props.build_info;
    if (typeof props.total_slots === 'number') serverTags.server_slots = String(props.total_slots);
    const settings = props.default_generation_settings;
    if (isRecord(settings) && typeof settings.n_ctx === 'number') serverTags.server_ctx_per_slot = String(settings.n_ctx);
    if (file) serverTags.server_model_file = basename(file);
    const caps = props.chat_template_caps;
    if (isRecord(caps) && typeof caps.supports_tools === 'boolean') supportsTools = caps.supports_tools;
  }
  const quantization = resolveQuantization({ ...(options.explicit ? { explicit: options.explicit } : {}), ...(ftype ? { ftype } : {}), names: [file, model] });
  if (quantization) serverTags.quantization_source = quantization.source;
  return { ...(quantization ? { quantization } : {}), serverTags, ...(supportsTools !== undefined ? { supportsTools } : {}) };
}

async function getJson(url: string, options: { apiKey?: string; signal?: AbortSignal }): Promise<unknown> {
  try {
    const response = await fetch(url, {
      signal: AbortSignal.any([AbortSignal.timeout(READ_TIMEOUT_MS), ...(options.signal ? [options.signal] : [])]),
      headers: { accept: 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
    });
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return undefined;
    return (await response.json()) as unknown;
  } catch {
    // Unreadable props are not a failure of the run: the facts are just unknown.
    return undefined;
  }
}
