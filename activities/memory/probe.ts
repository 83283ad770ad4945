// The memory probe a host worker plugs into the sweep (the load and release activities' snapshots):
// given the endpoint and model of a run, find the model server's processes on this host and read them.
// llama-swap → the model's process from GET /running; a plain server → whatever listens on the
// endpoint's port. An endpoint on another host cannot be sampled here, which is reported, not guessed.
import { hostname as osHostname, networkInterfaces } from 'node:os';
import type { MemorySnapshot } from '../../workflows/shared/envelope.js';
import { detectEndpointMode } from '../endpoint/llama-swap.js';
import { memorySnapshot } from './snapshot.js';
import type { MemoryTarget } from './target.js';

export interface ModelEndpointRef {
  endpoint: string;
  model: string;
}

export interface MemoryProbeOptions {
  /** Use this target instead of finding one from the endpoint (e.g. a configured process name or pid). */
  target?: MemoryTarget;
  /** Told why a reading could not be taken (one sentence, for the envelope's `errors` or a log). */
  onProblem?: (message: string) => void;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|0\.0\.0\.0|::)$/i;

/**
 * Whether an endpoint's host name is this machine, whose processes can be sampled: a loopback or
 * unspecified address (a server bound to 0.0.0.0 is reached at it too), one of this machine's own
 * interface addresses, or its host name (with or without its domain).
 */
export function isLocalHost(hostname: string): boolean {
  const name = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (LOOPBACK.test(name)) return true;
  const own = osHostname().toLowerCase();
  if (name === own || name === own.split('.')[0] || name.split('.')[0] === own) return true;
  return Object.values(networkInterfaces()).some((list) => (list ?? []).some((a) => a.address.toLowerCase() === name));
}

/** The memory target for a run's endpoint, or a reason why there is none on this host. */
export async function autoMemoryTarget(ref: ModelEndpointRef): Promise<MemoryTarget | { problem: string }> {
  let url: URL;
  try {
    url = new URL(ref.endpoint);
  } catch {
    return { problem: `endpoint "${ref.endpoint}" is not a URL; memory not sampled` };
  }
  if (!isLocalHost(url.hostname)) {
    return { problem: `endpoint ${url.host} is not on this host; the model server's memory cannot be sampled here` };
  }
  if ((await detectEndpointMode(ref.endpoint)) === 'llama-swap') {
    return { llamaSwap: { endpoint: ref.endpoint, model: ref.model } };
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return { port };
}

/** Reads memory for a phase ("loaded", "after"); undefined when this host cannot sample. */
export type MemoryProbe = (phase: string, ref: ModelEndpointRef) => Promise<MemorySnapshot | undefined>;

export function createMemoryProbe(options: MemoryProbeOptions = {}): MemoryProbe {
  return async (phase, ref) => {
    try {
      const target = options.target ?? (await autoMemoryTarget(ref));
      if ('problem' in target) {
        options.onProblem?.(target.problem);
        return undefined;
      }
      return await memorySnapshot(phase, target);
    } catch (error) {
      options.onProblem?.(`memory snapshot "${phase}" of ${ref.model}: ${(error as Error).message}`);
      return undefined;
    }
  };
}
