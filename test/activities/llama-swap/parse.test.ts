import { describe, expect, it } from 'vitest';
import {
  bodyMessage,
  isLlamaSwapErrorBody,
  isLlamaSwapRunningBody,
  isLlamaSwapUnauthorized,
  modelPath,
  parseModelList,
  parseRunning,
  proxyPort,
  serverRoot,
} from '../../../activities/endpoint/llama-swap-parse.js';
import { modelIds, parseModelCatalog, resolveModelId } from '../../../activities/endpoint/model-catalog.js';

// Bodies as llama-swap's handlers write them (listRunningProcessesHandler, listModelsHandler).
const RUNNING = JSON.stringify({
  running: [
    {
      model: 'qwen3-9b',
      state: 'ready',
      cmd: 'mlx_lm.server --model mlx-community/Qwen3-8B-4bit --port 5800',
      proxy: 'http://localhost:5800',
      ttl: 0,
      name: '',
      description: '',
    },
  ],
});
const MODELS = JSON.stringify({
  object: 'list',
  data: [
    { id: 'qwen3-9b', object: 'model', created: 1, owned_by: 'llama-swap' },
    { id: 'mlx-community/gemma-3-4b', object: 'model', created: 1, owned_by: 'llama-swap', name: 'Gemma' },
  ],
});

describe('llama-swap response parsing', () => {
  it('recognises llama-swap by the /running shape only', () => {
    expect(isLlamaSwapRunningBody(200, RUNNING)).toBe(true);
    expect(isLlamaSwapRunningBody(200, '{"running":[]}')).toBe(true);
    expect(isLlamaSwapRunningBody(404, '404 page not found')).toBe(false);
    expect(isLlamaSwapRunningBody(200, '<html>running</html>')).toBe(false);
    expect(isLlamaSwapRunningBody(200, '{"running":"yes"}')).toBe(false);
  });

  it('reads every /running field and drops entries without a model id', () => {
    const body = JSON.stringify({ running: [...(JSON.parse(RUNNING) as { running: unknown[] }).running, { state: 'ready' }, 'junk'] });
    expect(parseRunning(body)).toEqual([
      {
        model: 'qwen3-9b',
        state: 'ready',
        cmd: 'mlx_lm.server --model mlx-community/Qwen3-8B-4bit --port 5800',
        proxy: 'http://localhost:5800',
        ttl: 0,
      },
    ]);
    expect(() => parseRunning('not json')).toThrow(/malformed_response/);
  });

  it('reads model ids from /v1/models (and Ollama-style name lists)', () => {
    expect(parseModelList(MODELS)).toEqual(['qwen3-9b', 'mlx-community/gemma-3-4b']);
    expect(parseModelList('{"models":[{"name":"llama3.2:1b"}]}')).toEqual(['llama3.2:1b']);
    expect(() => parseModelList('{"object":"list"}')).toThrow(/GET \/v1\/models/);
  });
});

describe('URLs', () => {
  it('finds the server root whether or not /v1 was given', () => {
    expect(serverRoot('http://127.0.0.1:11434')).toBe('http://127.0.0.1:11434');
    expect(serverRoot('http://127.0.0.1:11434/v1/')).toBe('http://127.0.0.1:11434');
    expect(serverRoot('http://box:8080/llm/v1')).toBe('http://box:8080/llm');
    expect(() => serverRoot('localhost:11434')).toThrow(/not a URL|must be http/);
    expect(() => serverRoot('nonsense')).toThrow(/model_endpoint_unreachable/);
  });

  it('keeps the slashes of path-like model ids and encodes the rest', () => {
    expect(modelPath('mlx-community/Qwen3-8B-4bit')).toBe('mlx-community/Qwen3-8B-4bit');
    expect(modelPath('llama3.2:1b q4')).toBe('llama3.2%3A1b%20q4');
  });

  it('reads the port of a proxy URL', () => {
    expect(proxyPort('http://localhost:5800')).toBe(5800);
    expect(proxyPort('http://127.0.0.1')).toBe(80);
    expect(proxyPort(undefined)).toBeUndefined();
    expect(proxyPort('::')).toBeUndefined();
  });

  it('extracts the human message from an error body', () => {
    expect(bodyMessage('{"error":"Model not found"}')).toBe('Model not found');
    expect(bodyMessage('{"error":{"message":"bad"}}')).toBe('bad');
    expect(bodyMessage('unable to start process: exit status 1\n')).toBe('unable to start process: exit status 1');
  });
});

describe('llama-swap v250 bodies', () => {
  // As v250's handleListModels writes them (samples from a real v250: meta.llamaswap, status).
  const V250 = JSON.stringify({
    object: 'list',
    data: [
      { id: 'gemma', object: 'model', created: 1, owned_by: 'llama-swap', meta: { llamaswap: { type: 'model', aliases: ['g', ' fast '] } }, status: { value: 'loaded' } },
      { id: 'qwen', object: 'model', created: 1, owned_by: 'llama-swap', meta: { llamaswap: { type: 'model' } }, status: { value: 'unloaded' } },
    ],
  });
  // With includeAliasesInList: one more entry per alias.
  const LISTED = JSON.stringify({
    object: 'list',
    data: [
      { id: 'g', object: 'model', meta: { llamaswap: { type: 'alias', modelID: 'gemma' } }, status: { value: 'loaded' } },
      { id: 'gemma', object: 'model', meta: { llamaswap: { type: 'model', aliases: ['g'] } }, status: { value: 'loaded' } },
    ],
  });

  it('resolves aliases from meta.llamaswap, in either listing', () => {
    const catalog = parseModelCatalog(V250);
    expect(catalog.served).toEqual(['gemma', 'qwen']);
    expect([...catalog.aliases]).toEqual([['g', 'gemma'], ['fast', 'gemma']]);
    expect(resolveModelId(catalog, 'fast')).toBe('gemma');
    expect(resolveModelId(catalog, 'qwen')).toBe('qwen');
    expect(resolveModelId(catalog, 'gema')).toBeUndefined();
    const listed = parseModelCatalog(LISTED);
    expect(resolveModelId(listed, 'g')).toBe('gemma');
    expect(modelIds(listed)).toEqual(['gemma']);
    // Peers, selectors and profile pins are listed but never run under their own id.
    const mixed = parseModelCatalog(
      JSON.stringify({ data: [{ id: 'box/q', meta: { llamaswap: { type: 'peer', peerID: 'box' } } }, { id: 'gemma', meta: { llamaswap: { type: 'model' } } }] }),
    );
    expect([...mixed.notLocal]).toEqual(['box/q']);
    // An older llama-swap: bare ids, no aliases known.
    expect(parseModelCatalog(MODELS).aliases.size).toBe(0);
  });

  it("tells llama-swap's own errors and 401s from others", () => {
    expect(isLlamaSwapErrorBody('{"error":"model not found","src":"llama-swap"}')).toBe(true);
    expect(isLlamaSwapErrorBody('{"error":"Model not found"}')).toBe(true);
    expect(isLlamaSwapErrorBody('llama-swap: model not found')).toBe(true);
    expect(isLlamaSwapErrorBody('404 page not found\n')).toBe(false);
    expect(isLlamaSwapErrorBody('{"error":{"code":404,"message":"x"}}')).toBe(false);
    const body = '{"error":"unauthorized: invalid or missing API key","src":"llama-swap"}';
    expect(isLlamaSwapUnauthorized(401, 'Basic realm="llama-swap"', '')).toBe(true);
    expect(isLlamaSwapUnauthorized(401, undefined, body)).toBe(true);
    expect(isLlamaSwapUnauthorized(401, undefined, '{"error":{"code":401,"message":"Invalid API Key"}}')).toBe(false);
    expect(isLlamaSwapUnauthorized(200, 'Basic realm="llama-swap"', body)).toBe(false);
  });
});
