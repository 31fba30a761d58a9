/**
 * Import boundaries of the workspaces (docs: shared/DESIGN.md, "Parts and folders"):
 * arrows point one way, agent → shared and coordinator → shared; the agent and the coordinator
 * never import each other; shared imports neither; product code never imports test support.
 *
 * Run with `npm run check:boundaries`. Every rule is an error: CI fails on any violation.
 * Type-only imports count too (tsPreCompilationDeps), because a type import still ties the
 * importing part to the other part's source.
 */

/** Product source of each part, without its tests and test-support folders. */
const SRC = '^(shared|coordinator|agent|web)/src/';
/** Test files and test-support code: may import test/ and testing/ freely. */
const TEST_FILE = '[.]test[.]ts$';
const TEST_SUPPORT = ['^test/', '(^|/)testing/'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles anywhere (type-only cycles included).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-imports-no-part',
      severity: 'error',
      comment: 'shared/ is what both sides agree on: it imports neither coordinator/, agent/ nor web/.',
      from: { path: '^shared/' },
      to: { path: '^(coordinator|agent|web)/' },
    },
    {
      name: 'agent-not-to-coordinator',
      severity: 'error',
      comment: 'The agent never imports the coordinator.',
      from: { path: '^agent/' },
      to: { path: '^coordinator/' },
    },
    {
      name: 'coordinator-not-to-agent',
      severity: 'error',
      comment: 'The coordinator never imports the agent.',
      from: { path: '^coordinator/' },
      to: { path: '^agent/' },
    },
    {
      name: 'src-not-to-test-support',
      severity: 'error',
      comment:
        'Product source (shared|coordinator|agent|web)/src never imports test/ nor a testing/ ' +
        'test-support folder; *.test.ts files and the testing/ folders themselves may.',
      from: { path: SRC, pathNot: [TEST_FILE, ...TEST_SUPPORT] },
      to: { path: TEST_SUPPORT },
    },
    {
      name: 'stats-not-to-kernels',
      severity: 'error',
      comment: 'shared/src/stats is below the kernels: it never imports shared/src/kernels.',
      from: { path: '^shared/src/stats/' },
      to: { path: '^shared/src/kernels/' },
    },
    {
      name: 'math-imports-no-shared',
      severity: 'error',
      comment: 'shared/src/math is the bottom layer: it imports nothing else from shared/.',
      from: { path: '^shared/src/math/' },
      to: { path: '^shared/', pathNot: '^shared/src/math/' },
    },
    {
      name: 'web-not-to-server-or-agent',
      severity: 'error',
      comment:
        'The console (web/src) runs in the browser: it imports nothing from coordinator/, agent/, ' +
        'scripts/ or test/; what it needs from the server is the API types in shared/src/api.',
      from: { path: '^web/src/' },
      to: { path: '^(coordinator|agent|scripts|test)/' },
    },
    {
      name: 'web-shared-api-only',
      severity: 'error',
      comment:
        'From shared/, web/src imports only the API types (shared/src/api), the wire protocol ' +
        '(shared/src/protocol) and pure math (shared/src/math); and the bandit REST shapes ' +
        '(shared/src/bandit/api.ts, zod + strategies only) until they move into shared/src/api.',
      from: { path: '^web/src/' },
      to: { path: '^shared/', pathNot: ['^shared/src/(api|protocol|math)/', '^shared/src/bandit/api[.]ts$'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve to a file or a package (a moved file left a stale path).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Type-only imports are dependencies too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: ['node_modules'] },
    // Dependencies and build outputs (dist/: the agent binary; node_modules/.cache: the console
    // build); anchored so that source folders such as shared/src/data stay in.
    exclude: { path: ['(^|/)node_modules/', '^(dist|build|coverage|[.]nfl-grid|migrations|data)/', '^[^/]+/(dist|build)/'] },
    // Workspace packages (@nfl-grid/shared/x → shared/src/x.ts through package.json "exports",
    // reached through the node_modules/@nfl-grid/* symlinks) resolve to their real paths.
    preserveSymlinks: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'types', 'default'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    moduleSystems: ['es6', 'cjs', 'tsd'],
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
