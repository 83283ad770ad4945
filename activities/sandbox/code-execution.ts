// Whether model-written code may run, and where. Nothing runs without an explicit opt-in (the CLI's
// --allow-code-execution, a suite config's allow_code_execution = true), as lm-eval asks for
// --confirm_run_unsafe_code. With the opt-in, code runs in the machine's sandbox; where there is none it
// is refused with how to get one, unless the user also said --unsafe-no-sandbox.
import { InputError } from '../errors.js';
import { findSandbox } from './detect.js';
import { unsafeExecutor, type SandboxExecutor } from './executors.js';
import { onPath } from '../suites/external/find-tool.js';

export interface CodeExecutionPolicy {
  allow: boolean;
  unsafeNoSandbox: boolean;
}

/** How the refusal names the switches: the CLI's flags or a suite config's keys. */
export interface PolicyWording {
  allow: string;
  unsafe: string;
}

export const CLI_WORDING: PolicyWording = { allow: '--allow-code-execution', unsafe: '--unsafe-no-sandbox' };
export const CONFIG_WORDING: PolicyWording = { allow: 'allow_code_execution = true', unsafe: 'unsafe_no_sandbox = true' };

export class CodeExecutionRefused extends InputError {}

export interface CodeRunner {
  executor: SandboxExecutor;
  /** Warnings for the run's result (the unsafe mode says so). */
  warnings: string[];
}

/** The executor `packs` may use, or a CodeExecutionRefused that says which switch to set. */
export async function codeRunner(policy: CodeExecutionPolicy, packs: string[], wording: PolicyWording): Promise<CodeRunner> {
  if (!policy.allow) {
    throw new CodeExecutionRefused(
      `${packs.join(', ')} run${packs.length === 1 ? 's' : ''} model-written code; nothing is executed without ${wording.allow} (it runs in a sandbox: no network, no access to your files)`,
    );
  }
  const sandbox = await findSandbox();
  if (sandbox.found) return { executor: sandbox.executor, warnings: [] };
  if (!policy.unsafeNoSandbox) throw new CodeExecutionRefused(`${sandbox.reason}; or, to run model code with limits but without isolation, add ${wording.unsafe}`);
  const prlimit = process.platform === 'linux' ? await onPath('prlimit') : undefined;
  return {
    executor: unsafeExecutor(prlimit),
    warnings: [`model code ran WITHOUT a sandbox (${wording.unsafe}): it could read your files and reach the network. ${sandbox.reason}`],
  };
}
