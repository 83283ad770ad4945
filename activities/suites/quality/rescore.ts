// Re-scores the raw responses saved in a result file with the current verifiers and packs: after a
// verifier fix or a pack revision, old runs are re-judged without asking the model again. Scenarios
// without a response (timeouts, HTTP failures) keep their verdict. A pack that is not available is
// scored from the scenario copy the file embeds (benchlocal-cli saves `raw_scenario`), else kept.
import type { Pack, Scenario } from './pack-types.js';
import type { QualityResult, ScenarioRun } from './result-types.js';
import { summarizePack, totalsOf } from './scoring.js';
import { finishReason } from './response-text.js';
import { executesCode, scoreResponse } from './verifiers/index.js';

export interface VerdictChange {
  pack_id: string;
  id: string;
  repeat_index: number;
  before: string;
  after: string;
}

export interface RescoreOutcome {
  result: QualityResult;
  changes: VerdictChange[];
  rescored: number;
}

export function rescoreResult(original: QualityResult, packs: Pack[]): RescoreOutcome {
  const byId = new Map(packs.map((p) => [p.meta.pack_id, p]));
  const changes: VerdictChange[] = [];
  const warnings = [...original.warnings];
  let rescored = 0;
  const newPacks = original.packs.map((packRun) => {
    const pack = byId.get(packRun.pack_id);
    if (!pack && !packRun.scenarios.some((s) => isScenario((s as unknown as Record<string, unknown>).raw_scenario))) {
      warnings.push(`rescore: pack ${packRun.pack_id} is not available (give it with --pack-file); its verdicts are kept as saved`);
      return packRun;
    }
    if (pack && pack.meta.version !== packRun.version) warnings.push(`rescore: ${packRun.pack_id} saved with v${packRun.version}, rescored with v${pack.meta.version}`);
    const runs: ScenarioRun[] = packRun.scenarios.map((run) => {
      const embedded = (run as unknown as Record<string, unknown>).raw_scenario;
      const scenario: Scenario | undefined = pack?.scenarios.find((s) => s.id === run.id) ?? (isScenario(embedded) ? embedded : undefined);
      // Re-judging executed code would run it again: those verdicts are kept as saved.
      if (!scenario || !run.raw_response || executesCode(scenario)) return run;
      const v = scoreResponse(scenario, run.raw_response);
      rescored++;
      const before = run.passed ? 'passed' : run.failure_mode;
      if (before !== v.failure_mode) changes.push({ pack_id: packRun.pack_id, id: run.id, repeat_index: run.repeat_index, before, after: v.failure_mode });
      return {
        ...run,
        passed: v.passed,
        failure_mode: v.failure_mode,
        detail: v.detail,
        score: v.score,
        finish_reason: finishReason(run.raw_response) ?? null,
        response_field_used: v.response_field_used,
        verifier_trace: v.verifier_trace,
      };
    });
    const summary = summarizePack({
      pack_id: packRun.pack_id,
      version: pack?.meta.version ?? packRun.version,
      ...(packRun.source ? { source: packRun.source } : {}),
      ...(packRun.suite ? { suite: packRun.suite } : {}),
      scenario_count: packRun.scenario_count,
      thinking_enabled: packRun.thinking_enabled,
      repeat: original.repeat ?? 1,
      runs,
    });
    // Keep whatever else the file recorded about the pack (benchlocal-cli diagnostics, upstream commit …).
    return { ...packRun, ...summary };
  });
  return {
    result: { ...original, packs: newPacks, totals: totalsOf(newPacks), warnings: [...new Set(warnings)] },
    changes,
    rescored,
  };
}

function isScenario(v: unknown): v is Scenario {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  const verifier = s.verifier as Record<string, unknown> | undefined;
  return typeof s.id === 'string' && typeof verifier?.type === 'string' && Array.isArray(verifier.asserts);
}
