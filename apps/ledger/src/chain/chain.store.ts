import { Pool, type PoolClient } from 'pg';
import { rootNodes, type SubtreeNode, type SubtreeNodeId } from '@ampool/crypto';
import { membershipHash, type BlockHeader, type BlockVote, type ClosedBlock, type Membership, type Refusal } from '@ampool/ledger';

export type ValidatorSchema = 'ledger_v1' | 'ledger_v2' | 'ledger_v3';

/** Most rows one query returns (blocks, entries, votes). */
const MAX_ROWS = 10_000;

/**
 * One validator's copy of the chain in its own schema: append-only tables (INSERT and
 * SELECT only). Raw SQL on a `pg` pool, because a block is stored with a few multi-row
 * INSERTs (unnest of arrays) in one transaction, and the schema is this validator's.
 */
export class ChainStore {
  private readonly s: string;

  constructor(
    readonly pool: Pool,
    schema: ValidatorSchema,
  ) {
    if (!/^ledger_v[1-3]$/.test(schema)) throw new Error(`bad validator schema ${schema}`);
    this.s = `"${schema}"`;
    // When PostgreSQL restarts, every idle connection errors. The pool drops the broken client
    // and the next query opens a new one; unheard, the 'error' event would end the process.
    pool.on('error', ignoreConnectionError);
  }

  static connect(databaseUrl: string, schema: ValidatorSchema, max: number, applicationName = `ledger-${schema}`): ChainStore {
    return new ChainStore(new Pool({ connectionString: databaseUrl, max, application_name: applicationName }), schema);
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  /**
   * Stores a block with its entries and the log subtrees it completed, atomically: after a
   * crash either all of it is there or none (and it is cut again from the stream).
   */
  async appendBlock(block: ClosedBlock): Promise<void> {
    await this.tx(async (c) => {
      const h = block.header;
      await c.query(`INSERT INTO ${this.s}."block" (height, header_json, header_hash, stream_seq, log_size) VALUES ($1, $2, $3, $4, $5)`, [h.height, block.json, block.hash, h.streamSeq, h.logSize]);
      if (block.entries.length > 0) {
        // The rows go as one JSON document: node-postgres escapes every element of a text[]
        // parameter in JavaScript, and the entries' JSON is quotes and backslashes throughout
        // (a measurable share of a validator's CPU time); JSON.stringify does it natively.
        const rows = block.entries.map((e) => ({ i: e.logIndex, id: e.entry.id, t: e.entry.type, sid: e.subjectId, sub: e.entry.submitter, ph: e.entry.payloadHash, js: e.json, ss: e.streamSeq }));
        await c.query(
          `INSERT INTO ${this.s}."entry" (log_index, id, type, subject_id, submitter, payload_hash, entry_json, height, stream_seq)
           SELECT i, id, t, sid, sub, ph, js, $2::bigint, ss FROM json_to_recordset($1::json) AS u(i bigint, id uuid, t text, sid text, sub text, ph text, js text, ss bigint)`,
          [JSON.stringify(rows), h.height],
        );
      }
      if (block.subtrees.length > 0) await this.insertSubtrees(c, block.subtrees);
      if (block.membershipAfter) await this.insertMembership(c, h.height + 1, block.membershipAfter);
    });
  }

  private async insertSubtrees(c: PoolClient, nodes: SubtreeNode[]): Promise<void> {
    await c.query(`INSERT INTO ${this.s}."subtree" (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`, [
      nodes.map((n) => n.level),
      nodes.map((n) => n.index),
      nodes.map((n) => Buffer.from(n.hash)),
    ]);
  }

  async insertMembership(c: PoolClient | Pool, fromHeight: number, membership: Membership, hash?: string): Promise<void> {
    await c.query(`INSERT INTO ${this.s}."membership" (from_height, hash, membership_json) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [fromHeight, hash ?? membershipHash(membership), JSON.stringify(membership)]);
  }

  /** Memberships in force, by the first height they sign. */
  async memberships(): Promise<{ fromHeight: number; membership: Membership }[]> {
    const r = await this.pool.query<{ from_height: string; membership_json: string }>(`SELECT from_height, membership_json FROM ${this.s}."membership" ORDER BY from_height LIMIT ${MAX_ROWS}`);
    return r.rows.map((row) => ({ fromHeight: Number(row.from_height), membership: JSON.parse(row.membership_json) as Membership }));
  }

  /** Refusals are keyed by stream sequence, so re-reading the stream after a crash records each once. */
  async recordRefusals(refusals: Refusal[]): Promise<void> {
    if (refusals.length === 0) return;
    await this.pool.query(
      `INSERT INTO ${this.s}."refusal" (stream_seq, entry_id, code, detail) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) ON CONFLICT (stream_seq) DO NOTHING`,
      [refusals.map((r) => r.streamSeq), refusals.map((r) => r.entryId), refusals.map((r) => r.code), refusals.map((r) => r.detail.slice(0, 500))],
    );
  }

  async refusalCount(): Promise<number> {
    const r = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.s}."refusal"`);
    return Number(r.rows[0]!.n);
  }

  async refusals(limit = 100): Promise<{ streamSeq: number; entryId: string | null; code: string; detail: string }[]> {
    const r = await this.pool.query(`SELECT stream_seq, entry_id, code, detail FROM ${this.s}."refusal" ORDER BY stream_seq LIMIT $1`, [Math.min(limit, MAX_ROWS)]);
    return r.rows.map((row: { stream_seq: string; entry_id: string | null; code: string; detail: string }) => ({ streamSeq: Number(row.stream_seq), entryId: row.entry_id, code: row.code, detail: row.detail }));
  }

  /** Which of these entry ids are already in a stored block. */
  async recordedIds(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const r = await this.pool.query<{ id: string }>(`SELECT id::text AS id FROM ${this.s}."entry" WHERE id = ANY($1::uuid[])`, [ids]);
    return new Set(r.rows.map((row) => row.id));
  }

  async lastBlock(): Promise<{ header: BlockHeader; hash: string } | null> {
    const r = await this.pool.query<{ header_json: string; header_hash: string }>(`SELECT header_json, header_hash FROM ${this.s}."block" ORDER BY height DESC LIMIT 1`);
    const row = r.rows[0];
    return row ? { header: JSON.parse(row.header_json) as BlockHeader, hash: row.header_hash } : null;
  }

  async block(height: number): Promise<{ header: BlockHeader; json: string; hash: string } | null> {
    const r = await this.pool.query<{ header_json: string; header_hash: string }>(`SELECT header_json, header_hash FROM ${this.s}."block" WHERE height = $1`, [height]);
    const row = r.rows[0];
    return row ? { header: JSON.parse(row.header_json) as BlockHeader, json: row.header_json, hash: row.header_hash } : null;
  }

  async blocks(fromHeight: number, limit: number): Promise<{ height: number; json: string; hash: string }[]> {
    const r = await this.pool.query<{ height: string; header_json: string; header_hash: string }>(
      `SELECT height, header_json, header_hash FROM ${this.s}."block" WHERE height >= $1 ORDER BY height LIMIT $2`,
      [fromHeight, Math.min(limit, MAX_ROWS)],
    );
    return r.rows.map((row) => ({ height: Number(row.height), json: row.header_json, hash: row.header_hash }));
  }

  async blockCount(): Promise<number> {
    const r = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.s}."block"`);
    return Number(r.rows[0]!.n);
  }

  /** Entries of blocks [fromHeight, toHeight], in log order. */
  async entriesOfBlocks(fromHeight: number, toHeight: number): Promise<{ logIndex: number; id: string; json: string; height: number; type: string; subjectId: string | null; payloadHash: string }[]> {
    const r = await this.pool.query(
      `SELECT log_index, id::text AS id, entry_json, height, type, subject_id, payload_hash FROM ${this.s}."entry" WHERE height BETWEEN $1 AND $2 ORDER BY log_index LIMIT ${MAX_ROWS * 10}`,
      [fromHeight, toHeight],
    );
    return r.rows.map((row: { log_index: string; id: string; entry_json: string; height: string; type: string; subject_id: string | null; payload_hash: string }) => ({
      logIndex: Number(row.log_index),
      id: row.id,
      json: row.entry_json,
      height: Number(row.height),
      type: row.type,
      subjectId: row.subject_id,
      payloadHash: row.payload_hash,
    }));
  }

  /**
   * What a finality announcement needs of a block's entries of the given types, in log order:
   * without the entries' JSON, which is most of a row and which announcing does not read.
   */
  async announceableEntries(height: number, types: string[]): Promise<{ logIndex: number; id: string; type: string; subjectId: string; payloadHash: string }[]> {
    const r = await this.pool.query<{ log_index: string; id: string; type: string; subject_id: string; payload_hash: string }>(
      `SELECT log_index, id::text AS id, type, subject_id, payload_hash FROM ${this.s}."entry" WHERE height = $1 AND type = ANY($2::text[]) AND subject_id IS NOT NULL AND subject_id <> '' ORDER BY log_index LIMIT ${MAX_ROWS * 10}`,
      [height, types],
    );
    return r.rows.map((row) => ({ logIndex: Number(row.log_index), id: row.id, type: row.type, subjectId: row.subject_id, payloadHash: row.payload_hash }));
  }

  async entryById(id: string): Promise<{ logIndex: number; id: string; type: string; json: string; height: number; subjectId: string | null; submitter: string; payloadHash: string } | null> {
    const r = await this.pool.query(`SELECT log_index, id::text AS id, type, entry_json, height, subject_id, submitter, payload_hash FROM ${this.s}."entry" WHERE id = $1::uuid`, [id]);
    return r.rows[0] ? mapEntry(r.rows[0]) : null;
  }

  async entryBySubject(type: string, subjectId: string): Promise<ReturnType<typeof mapEntry> | null> {
    const r = await this.pool.query(`SELECT log_index, id::text AS id, type, entry_json, height, subject_id, submitter, payload_hash FROM ${this.s}."entry" WHERE type = $1 AND subject_id = $2 ORDER BY log_index LIMIT 1`, [type, subjectId]);
    return r.rows[0] ? mapEntry(r.rows[0]) : null;
  }

  /** Stored subtree hashes by (level, index), fetched in one query. */
  async subtrees(ids: SubtreeNodeId[]): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    if (ids.length === 0) return out;
    const r = await this.pool.query<{ level: number; idx: string; hash: Buffer }>(
      `SELECT s.level, s.idx, s.hash FROM ${this.s}."subtree" s JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, idx) ON s.level = w.level AND s.idx = w.idx`,
      [ids.map((i) => i.level), ids.map((i) => i.index)],
    );
    for (const row of r.rows) out.set(`${row.level}/${row.idx}`, new Uint8Array(row.hash));
    return out;
  }

  /** The log's peaks at `size` (to resume the compact range). */
  async peaks(size: number): Promise<Uint8Array[]> {
    const ids = rootNodes(size);
    const found = await this.subtrees(ids);
    return ids.map((id) => {
      const h = found.get(`${id.level}/${id.index}`);
      if (!h) throw new Error(`stored subtree ${id.level}/${id.index} is missing`);
      return h;
    });
  }

  /** Stores a received signature; returns false if this exact one was stored before. */
  async recordVote(v: BlockVote, accepted: boolean, reason: string | null): Promise<boolean> {
    const r = await this.pool.query(
      `INSERT INTO ${this.s}."vote" (height, validator, header_hash, signature, accepted, reason) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [v.height, v.validator, v.headerHash, v.signature, accepted, reason],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /** Signatures accepted for a block (the ones that made it final). */
  async acceptedVotes(chainId: string, height: number): Promise<BlockVote[]> {
    const r = await this.pool.query(`SELECT height, validator, header_hash, signature FROM ${this.s}."vote" WHERE height = $1 AND accepted ORDER BY validator LIMIT 64`, [height]);
    return r.rows.map((row) => mapVote(chainId, row));
  }

  /** Every signature stored for blocks [fromHeight, toHeight], accepted or not (the verifier judges them itself). */
  async votesOfBlocks(chainId: string, fromHeight: number, toHeight: number): Promise<BlockVote[]> {
    const r = await this.pool.query(`SELECT height, validator, header_hash, signature FROM ${this.s}."vote" WHERE height BETWEEN $1 AND $2 ORDER BY height, validator LIMIT ${MAX_ROWS * 10}`, [fromHeight, toHeight]);
    return r.rows.map((row) => mapVote(chainId, row));
  }

  async refusedVotes(): Promise<{ height: number; validator: string; reason: string }[]> {
    const r = await this.pool.query(`SELECT height, validator, reason FROM ${this.s}."vote" WHERE NOT accepted ORDER BY height LIMIT ${MAX_ROWS}`);
    return r.rows.map((row: { height: string; validator: string; reason: string }) => ({ height: Number(row.height), validator: row.validator, reason: row.reason }));
  }

  async recordFinality(height: number, signers: string[]): Promise<boolean> {
    const r = await this.pool.query(`INSERT INTO ${this.s}."finality" (height, signers) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [height, signers]);
    return (r.rowCount ?? 0) > 0;
  }

  async finalHeights(fromHeight: number): Promise<number[]> {
    const r = await this.pool.query<{ height: string }>(`SELECT height FROM ${this.s}."finality" WHERE height >= $1 ORDER BY height LIMIT ${MAX_ROWS}`, [fromHeight]);
    return r.rows.map((row) => Number(row.height));
  }

  /** The highest height h such that every block 1..h is final (0 when none). */
  async lastFinalHeight(): Promise<number> {
    const r = await this.pool.query<{ h: string | null }>(`SELECT max(height) AS h FROM ${this.s}."finality"`);
    return Number(r.rows[0]?.h ?? 0);
  }

  /** Final blocks whose finality has not been announced yet. */
  async unannouncedFinal(limit: number): Promise<number[]> {
    const r = await this.pool.query<{ height: string }>(
      `SELECT f.height FROM ${this.s}."finality" f LEFT JOIN ${this.s}."announced" a ON a.height = f.height WHERE a.height IS NULL ORDER BY f.height LIMIT $1`,
      [limit],
    );
    return r.rows.map((row) => Number(row.height));
  }

  async markAnnounced(height: number): Promise<void> {
    await this.pool.query(`INSERT INTO ${this.s}."announced" (height) VALUES ($1) ON CONFLICT DO NOTHING`, [height]);
  }

  private async tx<T>(work: (c: PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    // A connection lost mid-transaction fails the pending query (handled below); the client's
    // own 'error' event must not end the process.
    c.on('error', ignoreConnectionError);
    try {
      await c.query('BEGIN');
      const out = await work(c);
      await c.query('COMMIT');
      return out;
    } catch (error) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      c.removeListener('error', ignoreConnectionError);
      c.release();
    }
  }
}

function ignoreConnectionError(): void {
  // See the constructor: the query that was using the connection reports the failure.
}

function mapEntry(row: { log_index: string; id: string; type: string; entry_json: string; height: string; subject_id: string | null; submitter: string; payload_hash: string }) {
  return { logIndex: Number(row.log_index), id: row.id, type: row.type, json: row.entry_json, height: Number(row.height), subjectId: row.subject_id, submitter: row.submitter, payloadHash: row.payload_hash };
}

function mapVote(chainId: string, row: { height: string; validator: string; header_hash: string; signature: string }): BlockVote {
  return { chainId, height: Number(row.height), validator: row.validator, headerHash: row.header_hash, signature: row.signature };
}
