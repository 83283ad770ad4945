// Running one declared suite: load its runner, run it, and when it ran an external tool, read the tool's
// output file with the converter its catalog entry names. The sweep's suite activity and the CLI both run
// suites through here, so a tool's output becomes results the same way everywhere.
import { getConverter } from '../converters/registry.js';
import { cleanResults } from '../converters/envelope-base.js';
import { NightshiftError } from '../errors.js';
import type { SuiteDeclaration } from './catalog.js';
import type { SuiteContext, SuiteOutcome } from './types.js';

export async function runDeclared(declaration: SuiteDeclaration, context: SuiteContext): Promise<SuiteOutcome> {
  const runner = await declaration.runner();
  const outcome = await runner(context);
  if (!('toolOutput' in outcome)) return outcome;
  if (declaration.output === 'results') {
    throw new NightshiftError(`suite ${declaration.suite} (${declaration.tool}) returned a tool output file, but its catalog entry expects results`);
  }
  const converted = await getConverter(declaration.output).read(outcome.toolOutput, { suite: context.suite });
  return {
    results: cleanResults(converted.results),
    errors: [...converted.errors, ...outcome.errors],
    ...(converted.facts.genKwargs && Object.keys(converted.facts.genKwargs).length > 0 ? { genKwargs: converted.facts.genKwargs } : {}),
    ...(converted.facts.seed !== undefined ? { seed: converted.facts.seed } : {}),
    ...(outcome.system ? { system: outcome.system } : {}),
  };
}
