// Bundling workflows/ (TypeScript source) for the worker's sandbox. Workflow files import siblings with
// `.js` extensions (NodeNext style) that exist only as `.ts`; extensionAlias lets webpack resolve them.
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { projectPath } from '../activities/project-root.js';

// Always the TypeScript sources (swc compiles them in the bundler), whether this runs from the sources or dist/.
export const workflowsPath = projectPath('workflows', 'index.ts');

export const bundlerOptions = {
  webpackConfigHook: (config: Parameters<NonNullable<NonNullable<Parameters<typeof bundleWorkflowCode>[0]['webpackConfigHook']>>>[0]) => {
    config.resolve = { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } };
    return config;
  },
};

let cached: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundles once per process (a few seconds); every worker in the process shares the bundle. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  cached ??= bundleWorkflowCode({ workflowsPath, ...bundlerOptions, logger: quietLogger });
  return cached;
}

// The bundler logs every module at info; keep warnings and errors only.
const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string, meta?: unknown) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: unknown) => console.error(message, meta ?? ''),
};
