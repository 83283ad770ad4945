// The `nightshift` command: one commander program, one file per command group under commands/.
// main() owns exit codes so every command reports failures the same way.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { NightshiftError } from '../activities/errors.js';
import { projectPath } from '../activities/project-root.js';
import { applyGrammar } from './commands/grammar.js';
import { registerValidateCommand } from './commands/validate.js';
import { registerSimServerCommand } from './commands/sim-server.js';
import { registerQualityCommand } from './commands/quality.js';
import { registerViewerCommand } from './commands/viewer.js';
import { registerPublishCommand } from './commands/publish.js';
import { registerResultsCommand } from './commands/results.js';
import { registerRunCommand } from './commands/run.js';
import { registerSweepCommand } from './commands/sweep.js';
import { registerWorkerCommand } from './commands/worker.js';
import { registerDevCommand } from './commands/dev.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerScheduleCommand } from './commands/schedule.js';

export function buildProgram(): Command {
  const program = new Command('nightshift')
    .description('Durable overnight benchmark sweeps for locally hosted LLMs')
    .version(ownVersion(), '--version', "print Nightshift's version")
    .option('--verbose', 'print where an unexpected error happened (its stack), as NIGHTSHIFT_DEBUG=1 does')
    .exitOverride();
  applyGrammar(program);
  registerValidateCommand(program);
  registerSimServerCommand(program);
  registerQualityCommand(program);
  registerViewerCommand(program);
  registerPublishCommand(program);
  registerResultsCommand(program);
  registerRunCommand(program);
  registerSweepCommand(program);
  registerWorkerCommand(program);
  registerDevCommand(program);
  registerDemoCommand(program);
  registerScheduleCommand(program);
  return program;
}

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.commands.forEach((c) => c.exitOverride());
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return exitCodeFor(error, program.opts<{ verbose?: boolean }>().verbose === true);
  }
}

function ownVersion(): string {
  const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export function exitCodeFor(error: unknown, verbose: boolean): number {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; every other parse problem is a bad-arguments exit.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof NightshiftError) {
    process.stderr.write(`nightshift: ${error.message}\n`);
    return error.exitCode;
  }
  // What went wrong, with every cause the error carries (a Temporal "Failed to start Workflow" says why
  // only in its cause); the stack only when asked for, since it helps a developer, not a user.
  const stack = (verbose || process.env.NIGHTSHIFT_DEBUG) && error instanceof Error ? `\n${error.stack ?? ''}` : '';
  process.stderr.write(`nightshift: unexpected error: ${causeChain(error)}${stack}\n`);
  if (!stack) process.stderr.write('(add --verbose, or set NIGHTSHIFT_DEBUG=1, to see where it happened)\n');
  return 1;
}

/** "message: cause: cause's cause", each message once. */
export function causeChain(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    const message = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
    if (message && !parts.some((p) => p.includes(message))) parts.push(message);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(': ') || 'no message';
}
