#!/usr/bin/env node
// The `semblance` command. The TypeScript sources are compiled to out/ by `npm install`
// (the prepare script) or `npm run build`.
import { runCli } from '../out/main/cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));
