// Before `nightshift run` measures anything, the model is made ready the way a sweep's loadModel
// activity does (activities/endpoint/llama-swap.ts ensureModelReady): through llama-swap it is loaded
// and the load timed, so a cold load never falls into the speed probe or the first measured request; on
// a plain server the requested id is checked against /v1/models (judgePlainModel), so one model's
// numbers are never published under another's name. The load becomes a `model_load` result of the same
// shape a sweep publishes (activities/sweep/publish-suite.ts).
import { EndpointError } from '../../activities/endpoint/errors.js';
import { ensureModelReady, type ModelReady } from '../../activities/endpoint/llama-swap.js';
import type { EnvelopeResult } from '../../workflows/shared/envelope.js';

export interface PreparedModel {
  ready: ModelReady;
  /** The load as an envelope result: seconds to ready, tagged cold (loaded now) or warm (already ready). */
  result: EnvelopeResult;
  /** Lines for the envelope's errors: they change what its figures mean (e.g. measured under a file name). */
  errors: string[];
  /** Lines only for the person running the command (e.g. the server has no /v1/models to check against). */
  notes: string[];
}

export async function prepareModel(endpoint: string, model: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<PreparedModel> {
  let ready: ModelReady;
  try {
    ready = await ensureModelReady(endpoint, model, { ...(options.signal ? { signal: options.signal } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
  } catch (error) {
    // The same words the suite uses for a server that is not there, whichever request found out first.
    if (error instanceof EndpointError && error.errorClass === 'model_endpoint_unreachable') {
      throw new EndpointError('model_endpoint_unreachable', `cannot connect to ${new URL(endpoint).origin} (${error.message})`, { cause: error });
    }
    throw error;
  }
  const seconds = Math.round(ready.loadMs) / 1000;
  // A plain server without a usable /v1/models (served is then empty) could not be checked: that is no
  // fault of the figures, so the person is told but the envelope is not marked.
  const unchecked = ready.mode === 'plain' && ready.served.length === 0;
  return {
    ready,
    result: {
      name: 'model_load',
      metric: 'load_time',
      value: seconds,
      unit: 'seconds',
      duration_seconds: seconds,
      tags: { load: ready.alreadyLoaded ? 'warm' : 'cold', better: 'lower', endpoint_mode: ready.mode },
    },
    errors: unchecked ? [] : ready.warnings,
    notes: unchecked ? ready.warnings : [],
  };
}
