/** Jest runs TypeScript through ts-jest; type checking is left to `npm run lint` (tsc) to keep tests fast. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  globalSetup: '<rootDir>/test/global-setup.ts',
  testTimeout: 60000,
};
