import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ENERGY_JOURNAL_STREAM, journalEntry, type JournalEntry } from '@ampool/contracts';
import { ensureStreams, NATS_CONNECTION } from '@ampool/messaging';
import { journalJson } from './fast-wire';

/** How long one journal append may take before the market treats it as failed. */
const APPEND_TIMEOUT_MS = 5_000;
/** Messages per fetch while replaying. */
const REPLAY_FETCH = 500;

/** A journal message read back: its stream sequence and entry. */
export interface JournalRecord {
  seq: number;
  entry: JournalEntry;
}

/**
 * The markets' write-ahead log in JetStream (stream ENERGY_JOURNAL). One subject per market;
 * each append names the subject sequence it expects to follow, so a market has exactly one
 * writer and no gaps, and carries `Nats-Msg-Id` = market, batch number and this process's
 * writer id, so an append that is repeated after a lost acknowledgement is stored once. The
 * writer id matters: JetStream answers a message id it has seen with the stored message's
 * acknowledgement without checking the expected sequence, so two writers of one market (a
 * lease that moved while its old holder still ran) sending the same batch number must not
 * share an id — the second is then refused for its sequence and rebuilds from the journal.
 */
@Injectable()
export class Journal implements OnModuleInit {
  private readonly js: JetStreamClient;
  private jsm?: JetStreamManager;
  /** This process as a journal writer (a restart is another writer). */
  private readonly writer = randomUUID();

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {
    this.js = jetstream(nc);
  }

  async onModuleInit(): Promise<void> {
    this.jsm = await jetstreamManager(this.nc);
    await ensureStreams(this.jsm, [ENERGY_JOURNAL_STREAM]);
  }

  /**
   * Appends a batch. `lastSeq` is the stream sequence of the market's previous message (0
   * for none). Returns the new message's sequence; a repeat of a stored batch returns the
   * stored sequence.
   */
  async append(subject: string, entry: JournalEntry, lastSeq: number): Promise<number> {
    const payload = journalJson(entry);
    const ack = await this.js.publish(subject, payload, {
      msgID: this.messageIdOf(entry),
      expect: { lastSubjectSequence: lastSeq },
      timeout: APPEND_TIMEOUT_MS,
    });
    return ack.seq;
  }

  /** The message id an append of this batch by this process carries. */
  private messageIdOf(entry: JournalEntry): string {
    return `${entry.market}#${entry.batch}#${this.writer}`;
  }

  /** Every message of a market after `afterSeq`, in order. */
  async read(subject: string, afterSeq: number): Promise<JournalRecord[]> {
    const last = await this.lastSeq(subject);
    if (last <= afterSeq) return [];
    const consumer = await this.js.consumers.get(ENERGY_JOURNAL_STREAM.name, {
      filter_subjects: subject, // a string: one filter subject works on nats-server 2.9
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: afterSeq + 1,
    });
    const records: JournalRecord[] = [];
    try {
      while (records.length === 0 || records[records.length - 1]!.seq < last) {
        const batch = await consumer.fetch({ max_messages: REPLAY_FETCH, expires: 2_000 });
        let got = 0;
        for await (const m of batch) {
          got++;
          records.push({ seq: m.seq, entry: journalEntry.decode(m.json()) });
          if (m.seq >= last) break;
        }
        if (got === 0) throw new Error(`journal ${subject}: replay stopped at ${records.at(-1)?.seq ?? afterSeq}, expected up to ${last}`);
      }
    } finally {
      await consumer.delete().catch(() => undefined);
    }
    return records;
  }

  /** The sequence of a market's last journal message, 0 when it has none. */
  async lastSeq(subject: string): Promise<number> {
    try {
      const m = await this.jsm!.streams.getMessage(ENERGY_JOURNAL_STREAM.name, { last_by_subj: subject });
      return m?.seq ?? 0;
    } catch (error) {
      if (/no message found|not found|404|10037/i.test(String((error as Error).message))) return 0;
      throw error;
    }
  }
}
