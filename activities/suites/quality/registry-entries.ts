// Registry entries for the sweep's suite registry (activities/suites/registry.ts): the quality runner
// serves the schema suites its packs publish under. Each entry reads the optional
// configs/quality/<suite>.toml, merges the sweep's overrides, and pins `suite`, so one sweep suite runs
// exactly the packs that belong in its envelope.
import { type SuiteEntry, loadTomlConfig } from '../registry.js';

export const QUALITY_SWEEP_SUITES = ['tool-calling', 'capability-comparison'] as const;

export function qualitySuiteEntries(): Array<[string, SuiteEntry]> {
  return QUALITY_SWEEP_SUITES.map((suite) => [
    suite,
    {
      runner: async () => (await import('./suite-runner.js')).runQualitySuite,
      loadConfig: async (overrides) => ({ ...(await loadTomlConfig(`quality/${suite}.toml`, overrides)), suite }),
    },
  ]);
}
