// The layering rule of docs/architecture.md, checked on every `npm test`. The domain (pki, auth,
// chat, directory policy) knows no storage, no HTTP, no LDAP; adapters implement its ports and call
// no service; the wire types in src/protocol depend on nothing of ours; the browser bundle takes
// nothing from the server but those wire types. TypeScript 7 has no compiler API yet, so the
// sources are read with swc.
const DOMAIN = '^src/(pki|auth|chat|directory)/';
const ADAPTERS = ['^src/store/', '^src/directory/ldap/'];
// The folders that end up in the browser bundle: each imports, of ours, only itself and the ones named.
// [rule name, folder, the folders it may use, why]
const STANDS_ALONE = [
  ['protocol-stands-alone', 'protocol', [], 'Wire types and schemas are shared by server, browser and tests: they import nothing of ours.'],
  ['shared-stands-alone', 'shared', ['protocol'], 'Text helpers the browser, the pages and the CLI share: nothing of ours but the wire types.'],
  ['browser-takes-no-server-code', 'client', ['protocol', 'shared'], 'The browser bundle shares the wire types and text helpers, nothing that runs on the server.'],
];

module.exports = {
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    includeOnly: '^src/',
    doNotFollow: { path: 'node_modules' },
  },
  forbidden: [
    {
      name: 'domain-knows-no-adapter',
      comment: 'A domain module reaches storage, LDAP or HTTP only through the ports it declares.',
      severity: 'error',
      from: { path: DOMAIN, pathNot: ADAPTERS },
      to: { path: ['^src/store/', '^src/web/', '^src/directory/ldap/', '^src/(core|http|main|admin)\\.ts$'] },
    },
    {
      name: 'domain-knows-no-io-library',
      severity: 'error',
      from: { path: DOMAIN, pathNot: ADAPTERS },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev'], path: ['^node:sqlite$', '^sqlite$', 'ldapts', '^hono', 'ioredis', '^postgres', '^pg$'] },
    },
    {
      name: 'adapter-calls-no-service',
      comment: 'An adapter implements a port; it never calls back into services, routes or the wiring.',
      severity: 'error',
      from: { path: ADAPTERS },
      to: { path: ['^src/web/', '^src/usecases/', '^src/(core|http|main|admin)\\.ts$'] },
    },
    ...STANDS_ALONE.map(([name, folder, mayUse, comment]) => ({
      name,
      comment,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: '^src/', pathNot: `^src/(${[folder, ...mayUse].join('|')})/` },
    })),
    {
      name: 'domain-calls-no-use-case',
      comment: 'Use cases (src/usecases) combine areas; an area never calls back up into one.',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: '^src/usecases/' },
    },
    // The areas stand in one order — directory policy, pki, auth, chat — and each may use only the
    // ones before it, so no two areas import each other. What needs two at once is a use case.
    {
      name: 'directory-policy-stands-first',
      severity: 'error',
      from: { path: '^src/directory/', pathNot: ADAPTERS },
      to: { path: '^src/(pki|auth|chat)/' },
    },
    {
      name: 'pki-uses-only-directory',
      severity: 'error',
      from: { path: '^src/pki/' },
      to: { path: '^src/(auth|chat)/' },
    },
    {
      name: 'auth-and-chat-apart',
      severity: 'error',
      from: { path: '^src/(auth|chat)/' },
      to: { path: '^src/(auth|chat)/', pathNot: '^src/$1/' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
};
