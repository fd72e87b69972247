#!/usr/bin/env node

const path = require('node:path');
const fs = require('node:fs');

const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write(
    'error INTERNAL: the CLI is not built; run `npm run build` in the w2v2-align folder\n',
  );
  process.exit(70);
}
require(bundle);
