import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@ampool/testing';

/**
 * Each service's database role reaches its own schema only, and the append-only tables
 * accept nothing but INSERT and SELECT — refused by the grants, before any trigger runs.
 */
describe('service roles in PostgreSQL', () => {
  let db: TestDatabase;
  let c: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    c = new Client({ connectionString: db.url });
    await c.connect();
  });
  afterAll(async () => {
    await c?.end();
    await db?.drop();
  });

  async function as(role: string, sql: string): Promise<string> {
    await c.query('BEGIN');
    try {
      await c.query(`SET LOCAL ROLE ${role}`);
      await c.query(sql);
      return 'ok';
    } catch (e) {
      return /permission denied/.test((e as Error).message) ? 'denied' : `error: ${(e as Error).message}`;
    } finally {
      await c.query('ROLLBACK');
    }
  }

  const outboxInsert = (schema: string) => `INSERT INTO ${schema}.outbox (id, subject, payload) VALUES (gen_random_uuid(), 's', '{}')`;

  it.each(['identity', 'energy', 'settlement', 'ledger'])('lets ampool_%s write its own outbox and read its own tables', async (schema) => {
    expect(await as(`ampool_${schema}`, outboxInsert(schema))).toBe('ok');
    expect(await as(`ampool_${schema}`, `SELECT count(*) FROM ${schema}.outbox`)).toBe('ok');
  });

  it.each([
    ['ampool_energy', 'SELECT * FROM identity.participant'],
    ['ampool_energy', outboxInsert('settlement')],
    ['ampool_settlement', 'SELECT * FROM energy.trade'],
    ['ampool_settlement', `INSERT INTO ledger.entry (id, type, subject_id, canonical_payload, payload_hash, submitted_by) VALUES (gen_random_uuid(), 't', gen_random_uuid(), '{}', repeat('a', 64), 'x')`],
    ['ampool_ledger', 'UPDATE settlement.account SET may_overdraw = true'],
    ['ampool_identity', 'SELECT * FROM ledger.entry'],
    ['ampool_metering', 'SELECT * FROM identity.device'],
    ['ampool_rides', outboxInsert('energy')],
  ])('keeps %s out of other schemas: %s', async (role, sql) => {
    expect(await as(role, sql)).toBe('denied');
  });

  it('lets the ledger append entries but never change or remove them', async () => {
    const insert = `INSERT INTO ledger.entry (id, type, subject_id, canonical_payload, payload_hash, submitted_by) VALUES (gen_random_uuid(), 't', gen_random_uuid(), '{}', repeat('a', 64), 'x')`;
    expect(await as('ampool_ledger', insert)).toBe('ok');
    expect(await as('ampool_ledger', `UPDATE ledger.entry SET canonical_payload = '{"x":1}'`)).toBe('denied');
    expect(await as('ampool_ledger', 'DELETE FROM ledger.entry')).toBe('denied');
    expect(await as('ampool_ledger', 'TRUNCATE ledger.entry')).toBe('denied');
  });

  it('lets settlement add audit rows but never change them', async () => {
    expect(await as('ampool_settlement', `INSERT INTO settlement.audit (id, actor, action, target, details) VALUES (gen_random_uuid(), 'a', 'b', 'c', '{}')`)).toBe('ok');
    expect(await as('ampool_settlement', `UPDATE settlement.audit SET action = 'x'`)).toBe('denied');
    expect(await as('ampool_settlement', 'DELETE FROM settlement.audit')).toBe('denied');
  });

  it('lets identity add audit rows but never change them', async () => {
    expect(await as('ampool_identity', `INSERT INTO identity.audit (id, actor, action, target, details) VALUES (gen_random_uuid(), 'a', 'b', 'c', '{}')`)).toBe('ok');
    expect(await as('ampool_identity', `UPDATE identity.audit SET action = 'x'`)).toBe('denied');
    expect(await as('ampool_identity', 'DELETE FROM identity.audit')).toBe('denied');
  });

  it('keeps every service role away from the migrations table', async () => {
    for (const s of ['identity', 'energy', 'settlement', 'ledger', 'metering', 'rides']) {
      expect(await as(`ampool_${s}`, 'SELECT * FROM "_prisma_migrations"')).toBe('denied');
    }
  });
});
