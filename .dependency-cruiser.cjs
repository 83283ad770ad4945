// The layering rules, checked by `npm run deps` (part of `npm test`). In one sentence each:
// - workflows/shared/ is sandbox-safe code (envelope types, sweep input, slug, records) that imports only itself;
// - workflows/ imports only workflows/, @temporalio/workflow and @temporalio/common (activities by type only);
// - activities/ never imports workflows/ internals: only workflows/shared/, the workflows' public definitions
//   (workflows/definitions.ts) and workflow types (type-only), and never workers/ or client/;
// - workers/ never imports client/;
// - client/ uses @temporalio/client only: the worker SDK loads only when a command starts workers (import());
// - client/cli.ts and client/commands/ declare commands; each command's work is imported when it runs;
// - no static import cycles (a lazy import() of a catalog runner, or a type-only import, is not a cycle).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-static-cycles',
      comment: 'A cycle of static runtime imports makes module load order matter; break it.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only', 'dynamic-import'] } },
    },
    {
      name: 'shared-is-self-contained',
      comment: 'workflows/shared/ runs in the workflow sandbox and in every process: it imports nothing else.',
      severity: 'error',
      from: { path: '^workflows/shared/' },
      to: { pathNot: '^workflows/shared/' },
    },
    {
      name: 'workflows-are-deterministic',
      comment: 'Workflow code runs in the sandbox: no Node built-ins, no activity code, only the workflow SDK (types of activities are fine).',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { pathNot: '^(workflows/|node_modules/@temporalio/(workflow|common)/)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'activities-do-not-reach-into-workflows',
      comment: 'Activities share workflows/shared/ and the public definitions (signals, queries) with the workflows; workflow code itself only by type.',
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: '^workflows/', pathNot: '^workflows/(shared/|definitions\\.ts$)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'activities-below-workers-and-client',
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: '^(workers|client)/' },
    },
    {
      name: 'workers-below-client',
      severity: 'error',
      from: { path: '^workers/' },
      to: { path: '^client/' },
    },
    {
      name: 'client-without-the-worker-sdk',
      comment: 'A CLI call loads @temporalio/client only; commands that run workers import() them.',
      severity: 'error',
      from: { path: '^client/' },
      to: {
        path: '^(node_modules/@temporalio/worker/|workers/)',
        pathNot: '^workers/temporal-target\\.ts$',
        dependencyTypesNot: ['type-only', 'dynamic-import'],
      },
    },
    {
      name: 'commands-only-declare',
      comment: 'client/cli.ts and client/commands/* load commander and plain data; the work is import()ed when a command runs.',
      severity: 'error',
      from: { path: '^client/(cli\\.ts|commands/)' },
      to: {
        pathNot:
          '^(client/commands/|client/terminal/log-options\\.ts|activities/(errors|project-root)\\.ts|activities/suites/catalog\\.ts|activities/converters/types\\.ts|workflows/shared/|node_modules/commander/)',
        dependencyTypesNot: ['type-only', 'dynamic-import', 'core'],
      },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'declared-dependencies-only',
      comment: 'Every package the code imports is in package.json (and production code not only in devDependencies).',
      severity: 'error',
      from: { path: '^(activities|client|workers|workflows)/' },
      to: { dependencyTypes: ['npm-dev', 'npm-no-pkg', 'npm-unknown'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|\\.tools|test-results)/|^client/viewer/static/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
