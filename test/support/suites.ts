// Runs a suite runner the way the run layer does: as the catalog's (suite, tool) entry, so a tool's
// output file is converted exactly as in a sweep.
import { findDeclaration, type ToolName } from '../../activities/suites/catalog.js';
import { runDeclared } from '../../activities/suites/run-declared.js';
import type { SuiteContext, SuiteOutcome, SuiteRunner } from '../../activities/suites/types.js';
import type { Suite } from '../../workflows/shared/envelope.js';

export function runAs<C>(suite: Suite, tool: ToolName, runner: SuiteRunner<C>, context: Omit<SuiteContext<C>, 'suite'>): Promise<SuiteOutcome> {
  const declaration = findDeclaration(suite, tool);
  if (!declaration) throw new Error(`no catalog entry for ${suite} by ${tool}`);
  return runDeclared({ ...declaration, runner: () => Promise.resolve(runner as SuiteRunner) }, { ...context, suite });
}
