import { readFileSync } from 'node:fs';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { publicKeyFromSecret, didKeyFromPublicKey } from '@ampool/crypto';
import { isUuidV7, uuidV7TimeMs } from '@ampool/domain';
import { ENTRY_TYPES, entryJson, ledgerEntryId, parseGenesis, SERVICE_ENTRY_TYPES, signEntry, SUBMIT_SUBJECT, type EntryTypeName, type LedgerSubmittingService } from '@ampool/ledger';
import type { OutboxRow } from '@ampool/persistence';

/** How a service signs its own ledger entries (see `statefulServiceImports`). */
export interface LedgerSubmitterOptions {
  /** The service's name in the genesis; it may submit exactly `SERVICE_ENTRY_TYPES[submitter]`. */
  submitter: LedgerSubmittingService;
  /** The ledger's genesis file and this service's secret key (64 hex digits). Both unset: the service submits nothing. */
  genesisFile?: string;
  keyFile?: string;
  /** Events whose data is itself the payload of an entry of `type`: published, each also becomes that entry. */
  events?: { subject: string; type: EntryTypeName }[];
}

export const LEDGER_SUBMITTER_OPTIONS = Symbol('LEDGER_SUBMITTER_OPTIONS');

/** One message the outbox relay publishes for a row. */
export interface OutgoingMessage {
  subject: string;
  payload: string;
  msgID: string;
}

/**
 * Signs this service's ledger entries with its own key, as the outbox relay publishes them:
 * an entry leaves only after the transaction that made the fact committed, and until the
 * submit stream acknowledged it the outbox row stays, so a crash neither loses it nor makes
 * two — the entry id derives from (type, subject), and a row published again is the same
 * message (`Nats-Msg-Id`) and the same entry (the validators keep one).
 *
 * Two kinds of rows become entries: events listed in `events` (published as usual, plus the
 * entry), and rows made by {@link entryRow} for facts that have no event of their own.
 */
@Injectable()
export class LedgerSubmitter {
  private readonly logger = new Logger(LedgerSubmitter.name);
  private readonly signer: { chainId: string; name: string; secretKey: Uint8Array; types: ReadonlySet<string> } | null = null;
  private readonly eventTypes = new Map<string, EntryTypeName>();
  private warnedDisabled = false;

  constructor(@Optional() @Inject(LEDGER_SUBMITTER_OPTIONS) options?: LedgerSubmitterOptions) {
    if (!options) return;
    if ((options.genesisFile === undefined) !== (options.keyFile === undefined)) throw new Error('LEDGER_GENESIS_FILE and LEDGER_SUBMITTER_KEY_FILE go together');
    if (!options.genesisFile || !options.keyFile) {
      this.logger.warn(`no ledger key configured: ${options.submitter} does not submit its ledger entries`);
      return;
    }
    const genesis = parseGenesis(readFileSync(options.genesisFile, 'utf8'));
    const keyText = readFileSync(options.keyFile, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(keyText)) throw new Error(`LEDGER_SUBMITTER_KEY_FILE ${options.keyFile} must hold 64 lower-case hex digits`);
    const secretKey = Uint8Array.from(Buffer.from(keyText, 'hex'));
    const member = genesis.membership.submitters.find((s) => s.name === options.submitter);
    if (!member) throw new Error(`the ledger genesis names no submitter ${options.submitter}`);
    if (member.did !== didKeyFromPublicKey(publicKeyFromSecret(secretKey))) throw new Error(`LEDGER_SUBMITTER_KEY_FILE is not the key the genesis names for ${options.submitter}`);
    const owned: readonly string[] = SERVICE_ENTRY_TYPES[options.submitter];
    const missing = owned.filter((t) => !member.types.includes(t as EntryTypeName));
    // Entries the validators would refuse are not worth signing: say so at boot instead.
    if (missing.length > 0) throw new Error(`the ledger genesis does not let ${options.submitter} submit ${missing.join(', ')}`);
    for (const e of options.events ?? []) {
      if (!owned.includes(e.type)) throw new Error(`${options.submitter} does not own ledger entries of type ${e.type}`);
      this.eventTypes.set(e.subject, e.type);
    }
    this.signer = { chainId: genesis.chainId, name: options.submitter, secretKey, types: new Set(owned) };
  }

  /** Whether this service signs entries (its key and the genesis are configured). */
  get enabled(): boolean {
    return this.signer !== null;
  }

  /**
   * An outbox row that the relay turns into this service's signed entry of `type` about the
   * payload's subject (payload in wire form). `timeMs` dates the entry id when the subject id
   * is not a UUIDv7.
   */
  entryRow(type: EntryTypeName, payload: Record<string, unknown>, timeMs: number): OutboxRow {
    const subjectId = ENTRY_TYPES[type].subjectId(payload);
    if (!subjectId) throw new Error(`entries of type ${type} have no subject`);
    const id = ledgerEntryId(type, subjectId, timeMs);
    return { id, subject: SUBMIT_SUBJECT, payload: JSON.stringify({ type, payload }) };
  }

  /** What to publish for one outbox row: the row itself, and the entry it makes, if any. */
  messagesFor(row: OutboxRow): OutgoingMessage[] {
    if (row.subject === SUBMIT_SUBJECT) {
      if (!this.signer) {
        // Rows written while a key was configured, published after a restart without one.
        if (!this.warnedDisabled) this.logger.error('ledger entries in the outbox but no ledger key configured: they are dropped');
        this.warnedDisabled = true;
        return [];
      }
      const { type, payload } = JSON.parse(row.payload) as { type: EntryTypeName; payload: unknown };
      return [this.sign(row.id, type, payload)];
    }
    const own: OutgoingMessage = { subject: row.subject, payload: row.payload, msgID: row.id };
    const type = this.signer ? this.eventTypes.get(row.subject) : undefined;
    if (!type) return [own];
    const data = (JSON.parse(row.payload) as { data: Record<string, unknown> }).data;
    const subjectId = ENTRY_TYPES[type].subjectId(data)!;
    const id = ledgerEntryId(type, subjectId, isUuidV7(row.id) ? uuidV7TimeMs(row.id) : 0);
    return [own, this.sign(id, type, data)];
  }

  private sign(id: string, type: EntryTypeName, payload: unknown): OutgoingMessage {
    const s = this.signer!;
    if (!s.types.has(type)) throw new Error(`${s.name} does not own ledger entries of type ${type}`);
    const entry = signEntry(s.chainId, { id, type, payload, submitter: s.name }, s.secretKey);
    return { subject: SUBMIT_SUBJECT, payload: entryJson(entry), msgID: id };
  }
}
