import { join } from 'node:path';
import { repoRoot } from '@ampool/bootstrap';
import { applyMigrations, ensureServiceLogins, redactUrl } from './migrate-support';

/**
 * `npm run migrate` (or `node dist/infra/migrate/migrate.js` in a container): applies
 * prisma/migrations to DATABASE_URL and records them in _prisma_migrations.
 */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write('configuration error: DATABASE_URL is required\n');
    process.exit(78);
  }
  const result = await applyMigrations(url, join(repoRoot(), 'prisma', 'migrations'));
  process.stdout.write(`${redactUrl(url)}: applied ${result.applied.length} (${result.applied.join(', ') || 'none'}), ${result.alreadyApplied.length} already applied\n`);
  // With SERVICE_DB_PASSWORD, also (re)create each service's login role with that password.
  const password = process.env.SERVICE_DB_PASSWORD;
  if (password) {
    const logins = await ensureServiceLogins(url, url, password);
    process.stdout.write(`service logins ready: ${Object.values(logins).map((u) => new URL(u).username).join(', ')}\n`);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`migration failed: ${error.message}\n`);
  process.exit(1);
});
