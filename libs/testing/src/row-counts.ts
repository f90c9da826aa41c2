import { Client } from 'pg';

/**
 * Row count of every table in the service schemas, keyed `schema.table`: taken before and
 * after a refused request, it proves the request changed nothing anywhere.
 */
export async function tableRowCounts(databaseUrl: string): Promise<Record<string, number>> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows: tables } = await c.query<{ s: string; t: string }>(
      `SELECT table_schema AS s, table_name AS t FROM information_schema.tables
       WHERE table_schema IN ('identity','energy','rides','metering','settlement','ledger') AND table_type = 'BASE TABLE'
       ORDER BY 1, 2`,
    );
    const counts: Record<string, number> = {};
    for (const { s, t } of tables) {
      const { rows } = await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${s}"."${t}"`);
      counts[`${s}.${t}`] = Number(rows[0]!.n);
    }
    return counts;
  } finally {
    await c.end();
  }
}

/** Runs one query against a database (for assertions on what services stored). */
export async function query<T extends Record<string, unknown>>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/**
 * Row counts once the system is quiet: every outbox drained and two reads 250 ms apart
 * agree. Comparing settled counts before and after a request sees what the request caused,
 * including effects that arrive through events, and not the relay's own housekeeping.
 */
export async function settledRowCounts(databaseUrl: string, timeoutMs = 15_000): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let previous = '';
  for (;;) {
    const counts = await tableRowCounts(databaseUrl);
    const outboxesEmpty = Object.entries(counts).every(([table, n]) => !table.endsWith('.outbox') || n === 0);
    const serialized = JSON.stringify(counts);
    if (outboxesEmpty && serialized === previous) return counts;
    if (Date.now() > deadline) throw new Error(`database did not settle: ${serialized}`);
    previous = outboxesEmpty ? serialized : '';
    await new Promise((r) => setTimeout(r, 250));
  }
}
