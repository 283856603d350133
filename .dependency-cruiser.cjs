// The layers of src/ (ARCHITECTURE.md, "Layers") and no import cycles, checked by `npm test`
// (scripts/test.js runs `depcruise src web/src --config .dependency-cruiser.cjs`). Type-only imports count:
// a cycle or a forbidden edge through a type is still one. Test files (*.test.ts) may import
// anything; test helpers (testing.ts, *-testing.ts, test-*.ts) build whole nodes for tests, so the
// layer rules do not bind them, but shipped code never imports them and cycles count everywhere.

const TESTS = '\\.test\\.ts$';
const TEST_HELPERS =
  '(^|/)(testing|test-setup|test-cleanups|test-template|test-fixtures|test-vectors|[^/]+-testing)\\.ts$';
/** Test files, test helpers and the child process a crash test starts. */
const TEST_CODE = [TESTS, TEST_HELPERS, '\\.crash-child\\.ts$'];

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'A cycle of imports: split the modules so that dependencies run one way.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lib-is-pure',
      severity: 'error',
      comment:
        'src/lib holds pure helpers for the server and the browser: no Node built-ins, no other folder (@noble/hashes for SHA-256).',
      from: { path: '^src/lib/', pathNot: TEST_CODE },
      to: { pathNot: ['^src/lib/', '^node_modules/@noble/hashes/'] },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'src/domain imports only src/domain, src/lib and zod: no Node built-ins, no other layer, so the browser can import it.',
      from: { path: '^src/domain/', pathNot: TEST_CODE },
      to: { pathNot: ['^src/domain/', '^src/lib/', '^node_modules/zod/'] },
    },
    {
      name: 'app-not-edges',
      severity: 'error',
      comment:
        'Use cases (src/app) never import report rendering (src/reports), the HTTP or CLI edges, the demo or the web.',
      from: { path: '^src/app/', pathNot: TEST_CODE },
      to: { path: ['^src/(reports|http|cli|demo)/', '^web/'] },
    },
    {
      name: 'db-below-app',
      severity: 'error',
      comment: 'src/db never imports use cases (src/app), matching, reports, the edges or the demo.',
      from: { path: '^src/db/', pathNot: TEST_CODE },
      to: { path: ['^src/(app|matching|reports|http|cli|demo)/'] },
    },
    {
      name: 'libraries-below-app',
      severity: 'error',
      comment: 'src/matching, src/io and src/ledger are libraries: no use case, database, report or edge.',
      from: { path: '^src/(matching|io|ledger)/', pathNot: TEST_CODE },
      to: { path: ['^src/(app|db|reports|http|cli|demo)/'] },
    },
    {
      name: 'matching-not-io',
      severity: 'error',
      comment: 'The matching engine reads no files: src/io reads and writes them and may call matching.',
      from: { path: '^src/matching/', pathNot: TEST_CODE },
      to: { path: '^src/io/' },
    },
    {
      name: 'http-through-app',
      severity: 'error',
      comment:
        'Routes reach the database through use cases (src/app); the server may open it and name its type.',
      from: { path: '^src/http/', pathNot: TEST_CODE },
      to: { path: '^src/db/', pathNot: '^src/db/open\\.ts$' },
    },
    {
      name: 'reports-not-edges',
      severity: 'error',
      comment: 'Reports (src/reports) never import the HTTP or CLI edges or the demo.',
      from: { path: '^src/reports/', pathNot: TEST_CODE },
      to: { path: ['^src/(http|cli|demo)/'] },
    },
    {
      name: 'i18n-is-pure',
      severity: 'error',
      comment:
        'src/i18n (the catalogues and their rendering) is shared by the server and the browser: only src/lib and intl-messageformat.',
      from: { path: '^src/i18n/', pathNot: TEST_CODE },
      to: { pathNot: ['^src/i18n/', '^src/lib/', '^node_modules/(intl-messageformat|@formatjs)/'] },
    },
    {
      name: 'web-only-domain',
      severity: 'error',
      comment: 'The browser (web/src) imports from src/ only the pure src/domain, src/lib and src/i18n.',
      from: { path: '^web/src/' },
      to: { path: '^src/', pathNot: '^src/(domain|lib|i18n)/' },
    },
    {
      name: 'shipped-not-test-code',
      severity: 'error',
      comment: 'Shipped code (the demo included) never imports test helpers or test files.',
      from: { path: '^src/', pathNot: TEST_CODE },
      to: { path: [TESTS, TEST_HELPERS] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.d.ts'],
    },
  },
};
