#!/usr/bin/env node
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('product-forge: not built yet. Run `npm run build` first.\n');
  process.exit(2);
}
require(cli).main(process.argv.slice(2)).then(
  (code) => process.exit(code ?? 0),
  (err) => {
    process.stderr.write(`product-forge: ${err && err.message ? err.message : err}\n`);
    process.exit(1);
  },
);
