import { describe, expect, it } from 'vitest';
import {
  bodyMessage,
  isLlamaSwapRunningBody,
  modelPath,
  parseModelList,
  parseRunning,
  proxyPort,
  serverRoot,
} from '../../../activities/endpoint/llama-swap-parse.js';

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
