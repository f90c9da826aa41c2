import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@ampool/bootstrap';
import { authorizationConfig } from './permissions';

/** `npm run nats:config`: writes infra/nats/ampool-auth.conf from the permission model. */
const target = join(repoRoot(), 'infra', 'nats', 'ampool-auth.conf');
writeFileSync(target, authorizationConfig());
process.stdout.write(`wrote ${target}\n`);
