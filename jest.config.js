/** Jest runs TypeScript through ts-jest; type checking is left to `npm run lint` (tsc) to keep tests fast. */
const esmOnlyPackages = [
  '@wasm-audio-decoders',
  'mpg123-decoder',
  'ogg-opus-decoder',
  'opus-decoder',
  'codec-parser',
  'simple-yenc',
];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // The WASM audio decoders ship as ES modules only; jest (CommonJS) needs them compiled like our sources.
    [`/node_modules/(${esmOnlyPackages.join('|')})/.+\\.js$`]: [
      'ts-jest',
      { diagnostics: false, tsconfig: { allowJs: true } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  globalSetup: '<rootDir>/test/global-setup.ts',
  testTimeout: 60000,
};
