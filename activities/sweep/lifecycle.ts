// Host-queue activities around the suites of one model: load it through llama-swap, warm it up (and
// collect the host facts that belong in every envelope: system info, git sha, memory after load), and at
// the end take the final memory reading and unload it.
import { Context } from '@temporalio/activity';
import { createOpenAIClient } from '../endpoint/openai-client.js';
import { ensureModelReady, LLAMA_SWAP_API_KEY_ENV, unloadModel } from '../endpoint/llama-swap.js';
import { readModelFacts } from '../endpoint/model-facts.js';
import { detectSystem } from '../system/detect.js';
import { nightshiftSha } from '../system/git-sha.js';
import type { LoadModelResult, ModelRef, ReleaseModelInput, ReleaseModelResult, WarmUpInput, WarmUpResult } from './types.js';
import type { MemoryProbe } from '../memory/index.js';
import { heartbeatWhile } from './keep-alive.js';

export async function loadModelActivity(input: ModelRef): Promise<LoadModelResult> {
  const ctx = Context.current();
  // llama-swap may take minutes to start the upstream of a big model.
  return heartbeatWhile({ loading: input.model }, async () => {
    const ready = await ensureModelReady(input.endpoint, input.model, { signal: ctx.cancellationSignal, timeoutMs: 19 * 60_000 });
    return { loadSeconds: Math.round(ready.loadMs) / 1000, alreadyLoaded: ready.alreadyLoaded, warnings: ready.warnings };
  });
}

export async function warmUpActivity(input: WarmUpInput, memory: MemoryProbe): Promise<WarmUpResult> {
  // The first token of a big model on a cold cache can take minutes.
  return heartbeatWhile({ warmingUp: input.model }, () => warmUp(input, memory));
}

async function warmUp(input: WarmUpInput, memory: MemoryProbe): Promise<WarmUpResult> {
  const ctx = Context.current();
  let warmedUp = false;
  if (input.warmUp) {
    const client = createOpenAIClient({ baseUrl: input.endpoint, connections: 1 });
    try {
      await client.chatCompletion(
        { model: input.model, messages: [{ role: 'user', content: 'Reply with OK.' }], max_tokens: 8, temperature: 0 },
        { signal: ctx.cancellationSignal },
      );
      warmedUp = true;
    } finally {
      await client.close();
    }
  }
  const [system, gitSha, snapshot, model] = await Promise.all([
    detectSystem({ runner: ctx.info.taskQueue }),
    nightshiftSha(),
    memory('loaded', input),
    readModelFacts(input.endpoint, input.model, {
      ...(input.quantization ? { explicit: input.quantization } : {}),
      ...(process.env[LLAMA_SWAP_API_KEY_ENV] ? { apiKey: process.env[LLAMA_SWAP_API_KEY_ENV] } : {}),
      signal: ctx.cancellationSignal,
    }),
  ]);
  return {
    warmedUp,
    system,
    ...(gitSha ? { gitSha } : {}),
    ...(snapshot ? { snapshot } : {}),
    ...(model.quantization ? { quantization: model.quantization } : {}),
    serverTags: model.serverTags,
  };
}

export async function releaseModelActivity(input: ReleaseModelInput, memory: MemoryProbe): Promise<ReleaseModelResult> {
  return heartbeatWhile({ releasing: input.model }, () => release(input, memory));
}

async function release(input: ReleaseModelInput, memory: MemoryProbe): Promise<ReleaseModelResult> {
  const snapshot = await memory('after', input);
  if (!input.unload) return { unloaded: false, ...(snapshot ? { snapshot } : {}) };
  const result = await unloadModel(input.endpoint, input.model, { signal: Context.current().cancellationSignal });
  // A plain server cannot unload (method "none"): its model stays loaded, and the result says so.
  const unloaded = result.method !== 'none';
  return { unloaded, ...(unloaded ? {} : { note: `${input.endpoint} is a plain server: ${input.model} stays loaded (only llama-swap can unload)` }), ...(snapshot ? { snapshot } : {}) };
}
