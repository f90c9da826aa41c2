import { Client } from 'pg';

/** The database role each service logs in with: a member of its `ampool_<schema>` role only. */
export const SERVICE_LOGINS = {
  identity: 'ampool_identity_login',
  'energy-market': 'ampool_energy_login',
  'ride-market': 'ampool_rides_login',
  metering: 'ampool_metering_login',
  settlement: 'ampool_settlement_login',
  ledger: 'ampool_ledger_login',
} as const;
export type StatefulApp = keyof typeof SERVICE_LOGINS;

const GROUP: Record<StatefulApp, string> = {
  identity: 'ampool_identity',
  'energy-market': 'ampool_energy',
  'ride-market': 'ampool_rides',
  metering: 'ampool_metering',
  settlement: 'ampool_settlement',
  ledger: 'ampool_ledger',
};

/**
 * Creates (or re-keys) each service's login role with `password`, as a member of its group
 * role only; the group roles and their grants come from the migrations, so run them first.
 * Returns each service's DATABASE_URL for `databaseUrl`.
 */
export async function ensureServiceLogins(serverUrl: string, databaseUrl: string, password: string): Promise<Record<StatefulApp, string>> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    for (const [app, login] of Object.entries(SERVICE_LOGINS) as [StatefulApp, string][]) {
      const quotedPassword = `'${password.replace(/'/g, "''")}'`;
      try {
        await admin.query(`CREATE ROLE ${login} LOGIN PASSWORD ${quotedPassword} IN ROLE ${GROUP[app]}`);
      } catch (error) {
        if (!/already exists/.test((error as Error).message)) throw error;
        await admin.query(`ALTER ROLE ${login} WITH LOGIN PASSWORD ${quotedPassword}`);
        await admin.query(`GRANT ${GROUP[app]} TO ${login}`);
      }
    }
  } finally {
    await admin.end();
  }
  const urls = {} as Record<StatefulApp, string>;
  for (const [app, login] of Object.entries(SERVICE_LOGINS) as [StatefulApp, string][]) {
    const u = new URL(databaseUrl);
    u.username = login;
    u.password = password;
    urls[app] = u.toString();
  }
  return urls;
}
