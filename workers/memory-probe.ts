// The memory probe the host worker uses for memory_snapshots: the model server's processes found from
// the endpoint (llama-swap's /running, or the port's listener); a remote endpoint gives no reading.
import { createMemoryProbe } from '../activities/memory/index.js';
import type { MemoryProbe } from '../activities/memory/index.js';

export const memoryProbe: MemoryProbe = createMemoryProbe({
  onProblem: (message) => console.warn(`nightshift worker: ${message}`),
});
