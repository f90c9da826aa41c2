#!/usr/bin/env node
// `npm test`: prepare the tree, then run every Jest project (unit, integration, e2e).
// Extra arguments go to Jest: `npm test -- --selectProjects unit`, `npm test -- ledger`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { prepare, root } from './prepare.mjs';

await prepare({ log: (line) => process.stdout.write(`[test] ${line}\n`) });
const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
// --forceExit: a suite whose service never became healthy must not keep the run open for
// ever; the processes the tests started are killed when Jest exits (infra/bootstrap's reaper).
const r = spawnSync(process.execPath, [jest, '--forceExit', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
