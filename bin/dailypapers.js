#!/usr/bin/env node
// The command-line program. The TypeScript sources are compiled to dist/ by `npm install` (prepare) or `npm run build`.
import('../dist/src/cli.js').then((m) => m.main(process.argv.slice(2)));
