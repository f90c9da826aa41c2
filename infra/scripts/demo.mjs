#!/usr/bin/env node
// `npm run demo`: prepare the tree, then hand over to the demo orchestrator.
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { prepare, root } from './prepare.mjs';

await prepare({ log: (line) => process.stdout.write(`[demo] ${line}\n`) });
createRequire(import.meta.url)(join(root, 'dist', 'infra', 'demo', 'demo.js'));
