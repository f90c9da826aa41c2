import { Client } from 'pg';

/**
 * Creating and dropping whole databases: used by the demo (its own database), the test
 * harness (a fresh database per run and per test file) and the bootstrap.
 */

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`refusing database name ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/** The same server URL pointing at another database. */
export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** The database a URL points at. */
export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

async function withAdmin<T>(serverUrl: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrlFor(serverUrl, 'postgres'), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** True when the database exists. */
export async function databaseExists(serverUrl: string, name: string): Promise<boolean> {
  return withAdmin(serverUrl, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
}

/** Creates a database, optionally as a copy of a template (fast: a file-level copy). */
export async function createDatabase(serverUrl: string, name: string, template?: string): Promise<string> {
  await withAdmin(serverUrl, (c) =>
    c.query(`CREATE DATABASE ${quoteIdentifier(name)}${template ? ` TEMPLATE ${quoteIdentifier(template)}` : ''}`),
  );
  return databaseUrlFor(serverUrl, name);
}

/** Drops a database, disconnecting anyone still using it. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withAdmin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`));
}

/** Names of databases that start with `prefix` (to clean up after interrupted test runs). */
export async function listDatabases(serverUrl: string, prefix: string): Promise<string[]> {
  return withAdmin(serverUrl, async (c) => {
    const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1', [prefix]);
    return rows.map((r) => r.datname);
  });
}
