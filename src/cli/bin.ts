#!/usr/bin/env node
// The `earshot` executable (package.json `bin`, built to dist/cli/bin.js): runs one command and exits with its code.
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
