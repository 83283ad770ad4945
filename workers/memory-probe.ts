// The memory probe the host worker uses for memory_snapshots.
import type { MemoryProbe } from '../activities/sweep/memory.js';

export const memoryProbe: MemoryProbe = async () => undefined;
