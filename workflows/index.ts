// The workflow bundle's entry (workers bundle this file): every workflow type a worker registers.
export { benchmarkSweep } from './benchmark-sweep.js';
export { hostSweep } from './host-sweep.js';
export { modelBenchmark } from './model-benchmark.js';
export { hostLease } from './host-lease.js';
