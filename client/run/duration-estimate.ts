// The duration estimate `nightshift run` prints before it starts measuring: the server's limits (for the
// cells it will skip and its slots), one short probe request for its speed, and the plan's arithmetic
// (activities/suites/perf/estimate.ts). An estimate that cannot be made says why and the run goes on; only
// an endpoint that is not there at all ends the run here, as the suite would a moment later.
import { createOpenAIClient } from '../../activities/endpoint/openai-client.js';
import { EndpointError } from '../../activities/endpoint/errors.js';
import { errorMessage } from '../../activities/errors.js';
import { readServerLimits } from '../../activities/endpoint/server-limits.js';
import type { PerfConfig } from '../../activities/suites/perf/config.js';
import { estimateLine, estimateRun, probeSpeed } from '../../activities/suites/perf/estimate.js';

export async function durationEstimate(endpoint: string, model: string, config: PerfConfig, signal?: AbortSignal): Promise<string> {
  const client = createOpenAIClient({ baseUrl: endpoint, connectTimeoutMs: config.connect_timeout_s * 1000, requestTimeoutMs: config.request_timeout_s * 1000 });
  try {
    const limits = await readServerLimits(endpoint, model, { timeoutMs: config.connect_timeout_s * 1000, ...(signal ? { signal } : {}) });
    const speed = await probeSpeed(client, model, config, signal);
    if (!speed) return 'estimated duration: unknown (the probe reply was too short to time decoding)';
    return estimateLine(estimateRun(config, speed, limits), speed);
  } catch (error) {
    if (error instanceof EndpointError && (error.errorClass === 'model_endpoint_unreachable' || error.errorClass === 'aborted')) throw error;
    return `estimated duration: unknown (the speed probe failed: ${errorMessage(error)})`;
  } finally {
    await client.close();
  }
}
