import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { EntryCommitted, STREAMS, type EventData } from '@ampool/contracts';
import { bytesEqual, CompactMerkleRange, didKeyFromPublicKey, fromHex, publicKeyFromSecret, verifyEd25519, verifyEd25519Async } from '@ampool/crypto';
import {
  blockVoteSchema,
  ChainEngine,
  derivedUuidV7,
  entrySigningMessage,
  genesisHash,
  hasQuorum,
  isValidVote,
  MembershipView,
  parseGenesis,
  signHeader,
  TICK_SUBJECT,
  type BlockVote,
  type ClosedBlock,
  type EntryTypeName,
  type Genesis,
  type Refusal,
  type StreamMessage,
} from '@ampool/ledger';
import { ensureStreams, NATS_CONNECTION, outboxEvent } from '@ampool/messaging';
import { VALIDATOR_SETTINGS, type ValidatorSettings } from '../config';
import { ChainStore } from './chain.store';

/** How long one pull of a stream reader waits for messages (heartbeats at half of it). */
const READ_EXPIRES_MS = 5_000;
/** Entry types whose owners wait for a finality event (trades, holds, transfers, booking releases). */
const ANNOUNCED_TYPES = new Set(['energy.trade', 'settlement.hold', 'settlement.booking-hold', 'settlement.booking-release', 'settlement.transfer']);
/** Messages taken from the stream per round of processing (one duplicate lookup per round). */
const BATCH_MAX = 2_000;
/** Messages buffered from the stream before reading pauses. */
const BUFFER_MAX = 20_000;
/** Signatures kept for blocks this validator has not cut yet (a bound on memory). */
const PENDING_VOTES_MAX = 10_000;
/** Blocks the engine may cut ahead of what is stored. */
const STORE_QUEUE_MAX = 4;

const decoder = new TextDecoder();

/** Thrown where this instance would write for the member without a lease it can still count on. */
export class LeaseExpiredError extends Error {
  override readonly name = 'LeaseExpiredError';
  constructor(validator: string) {
    super(`the lease of validator ${validator} may have expired: this instance stops writing for it`);
  }
}

/** Signature verdicts computed ahead, found by the signature and matched on key and message. */
type Verdicts = Map<string, { key: Uint8Array; message: Uint8Array; ok: boolean }[]>;

function verdictSlot(signature: Uint8Array): string {
  // Keyed by the 64 signature bytes alone: encoding the whole signed message into the key
  // twice per entry cost more than the byte comparisons that now confirm a match.
  return Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('latin1');
}

function verdictOf(verdicts: Verdicts, key: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean | undefined {
  return verdicts.get(verdictSlot(signature))?.find((v) => bytesEqual(v.key, key) && bytesEqual(v.message, message))?.ok;
}

/**
 * One validator. It reads the submit stream in order from where its stored chain ends,
 * lets the deterministic {@link ChainEngine} check entries and cut blocks, stores each
 * block (entries, log subtrees) in its own schema, then signs the header and publishes the
 * signature on the votes stream. It reads every validator's signatures from that stream,
 * refuses the ones that do not verify or sign another header, records finality once a
 * quorum signed its header, and announces final trades, holds and transfers (`EntryCommitted`, with ids
 * derived from the entry so the three validators' announcements are one event).
 *
 * A member may run several instances; only the one holding the member's lease runs this
 * pipeline ({@link start}, {@link stop}: see `ValidatorLease`). A standby serves reads from
 * the member's schema ({@link refreshView}) and, once it takes the lease, rebuilds from that
 * schema and the streams like a validator that restarted. Two instances that both believe
 * they hold the lease (a paused holder that has not noticed its loss) still cannot make the
 * member sign two headers at one height: a block is signed only after the transaction that
 * stores it at its height committed (the height is the table's key), and signatures are
 * otherwise published only for blocks read back from the schema, so every signature of this
 * member is of the one header its schema holds at that height.
 */
@Injectable()
export class ValidatorService implements OnModuleDestroy {
  private readonly logger = new Logger(ValidatorService.name);
  readonly genesis: Genesis;
  private readonly js: JetStreamClient;
  private engine!: ChainEngine;
  private readonly memberships: { fromHeight: number; view: MembershipView }[] = [];
  /** Stored blocks not yet final: their header hash, and the signers accepted so far. */
  private readonly unfinal = new Map<number, { hash: string; votes: Map<string, BlockVote> }>();
  private readonly pendingVotes = new Map<number, BlockVote[]>();
  private pendingVoteCount = 0;
  private storedHeight = 0;
  private finalHeight = 0;
  private running = false;
  private readonly readers = new Set<ConsumerMessages>();
  private readonly loops: Promise<void>[] = [];
  private tickTimer: NodeJS.Timeout | undefined;
  private announcing: Promise<void> = Promise.resolve();
  private lastTickHeight = 0;
  private readySub: { unsubscribe(): void } | undefined;
  /** Blocks cut and waiting to be stored and signed, in order. */
  private storing: Promise<void> = Promise.resolve();
  private storeQueued = 0;
  private readonly storingIds = new Set<string>();
  private storeFailure: unknown;
  private submitMessages: ConsumerMessages | undefined;
  private votesMessages: ConsumerMessages | undefined;
  /** Finality listeners (tests and the status endpoint wait on this). */
  private readonly finalityWaiters = new Set<() => void>();
  private preparing: Promise<void> | undefined;
  /** Starts and stops of the pipeline, one after the other. */
  private transition: Promise<void> = Promise.resolve();
  private destroyed = false;
  /** Whether this instance may still write for the member (its lease cannot have expired yet). */
  private leaseValid: () => boolean = () => true;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(VALIDATOR_SETTINGS) private readonly settings: ValidatorSettings,
    readonly store: ChainStore,
  ) {
    this.genesis = parseGenesis(settings.genesisJson);
    this.js = jetstream(nc);
    const me = this.genesis.membership.validators.find((v) => v.name === settings.name);
    if (!me) throw new Error(`validator ${settings.name} is not in the genesis`);
    if (me.did !== didKeyFromPublicKey(publicKeyFromSecret(settings.secretKey))) throw new Error(`LEDGER_KEY_FILE does not hold the key the genesis lists for ${settings.name}`);
  }

  get name(): string {
    return this.settings.name;
  }

  status() {
    return { height: this.storedHeight, finalHeight: this.finalHeight, logSize: this.logSize, streamSeq: this.engine?.position ?? 0 };
  }

  private logSize = 0;

  /** The membership that signs block `height`. */
  membershipAt(height: number): MembershipView {
    let found = this.memberships[0]!.view;
    for (const m of this.memberships) if (m.fromHeight <= height) found = m.view;
    return found;
  }

  /** Whether this instance runs the validator now (it holds the member's lease). */
  get active(): boolean {
    return this.running;
  }

  /**
   * What every instance does at boot, active or standby: the streams exist, the schema holds
   * this genesis's chain, and the view that reads are answered from is loaded.
   */
  prepare(): Promise<void> {
    return (this.preparing ??= (async () => {
      const jsm = await jetstreamManager(this.nc);
      await ensureStreams(jsm, [STREAMS.ledgerSubmit, STREAMS.ledgerVotes]);
      await this.store.insertMembership(this.store.pool, 1, this.genesis.membership);
      const first = await this.store.block(1);
      if (first && first.header.previousHeaderHash !== genesisHash(this.genesis)) {
        throw new Error(`schema ${this.settings.schema} holds a chain from another genesis: use a fresh database (or the genesis it was built from)`);
      }
      await this.refreshView();
    })());
  }

  /**
   * While standing by: heights and memberships as the active instance has stored them in the
   * member's schema, so reads answered here (status, proofs) follow the chain.
   */
  async refreshView(): Promise<void> {
    if (this.running) return;
    const memberships = await this.store.memberships();
    const last = await this.store.lastBlock();
    const finalHeight = await this.store.lastFinalHeight();
    if (this.running) return;
    this.memberships.length = 0;
    for (const m of memberships) this.memberships.push({ fromHeight: m.fromHeight, view: new MembershipView(m.membership) });
    this.storedHeight = last?.header.height ?? 0;
    this.logSize = last?.header.logSize ?? 0;
    if (finalHeight > this.finalHeight) {
      this.finalHeight = finalHeight;
      for (const w of this.finalityWaiters) w();
    }
  }

  /**
   * Starts the pipeline (this instance took the member's lease); after a stop, starts it
   * afresh. `leaseValid` is asked before each batch of the submit stream is judged and before
   * each block is stored and signed: once it says no, the pipeline stops by itself, so a
   * holder that was stalled past its lease (a long pause) records nothing more for the member,
   * whichever of its timers and reads runs first when it resumes.
   */
  start(leaseValid: () => boolean = () => true): Promise<void> {
    return this.serially(async () => {
      this.leaseValid = leaseValid;
      await this.startPipeline();
    });
  }

  /** Fails when the lease may have expired, and has the pipeline stop (it is not awaited here: the reader that asks is part of it). */
  private checkLease(): void {
    if (this.leaseValid()) return;
    if (this.running) void this.stop();
    throw new LeaseExpiredError(this.name);
  }

  /**
   * Stops the pipeline (the lease was lost or is being given up): nothing more is read,
   * stored, signed or announced once this resolves.
   */
  stop(): Promise<void> {
    return this.serially(() => this.stopPipeline());
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const next = this.transition.catch(() => undefined).then(step);
    this.transition = next;
    return next;
  }

  private async startPipeline(): Promise<void> {
    if (this.running || this.destroyed) return;
    await this.prepare();
    const jsm = await jetstreamManager(this.nc);
    const last = await this.store.lastBlock();
    const streamLast = (await jsm.streams.info(STREAMS.ledgerSubmit.name)).state.last_seq;
    if (last && streamLast < last.header.streamSeq) {
      throw new Error(`the submit stream ends at ${streamLast} but this chain was cut up to ${last.header.streamSeq}: the stream was recreated; use a fresh database`);
    }
    // What a previous run of the pipeline in this process left in memory is rebuilt from the schema.
    this.unfinal.clear();
    this.pendingVotes.clear();
    this.pendingVoteCount = 0;
    this.votesMessages = undefined;
    this.submitMessages = undefined;
    this.lastTickHeight = 0;
    this.loops.length = 0;
    await this.restore();
    if (this.destroyed) return;
    this.running = true;
    this.loops.push(this.readLoop(STREAMS.ledgerSubmit.name, () => this.engine.position + 1, (msgs) => this.onSubmitted(msgs), () => this.restore()));
    this.loops.push(this.readLoop(STREAMS.ledgerVotes.name, () => 1, (msgs) => this.onVotes(msgs)));
    const every = Math.max(20, Math.floor(this.genesis.blocks.maxAgeMs / 2));
    this.tickTimer = setInterval(() => void this.maybeTick(), every);
    this.announce();
    // Readiness of this one validator (all of them share the `ledger` health subject).
    const ready = this.nc.subscribe(`rpc.ledger.validator.${this.name}.ready`);
    void (async () => {
      for await (const m of ready) m.respond(this.name);
    })();
    this.readySub = ready;
    this.logger.log(`validator ${this.name}: chain ${this.genesis.chainId} at height ${this.storedHeight} (final ${this.finalHeight}), log size ${this.logSize}`);
  }

  private async stopPipeline(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = undefined;
    this.readySub?.unsubscribe();
    this.readySub = undefined;
    for (const m of this.readers) await m.close().catch(() => undefined);
    await Promise.all(this.loops);
    await this.storing;
    await this.announcing.catch(() => undefined);
    this.logger.log(`validator ${this.name}: stopped at height ${this.storedHeight} (final ${this.finalHeight})`);
  }

  /**
   * (Re)builds the engine from what is stored: at boot, and after a failure while storing or
   * signing, so the engine never runs ahead of the database (the stream is read again from
   * the last stored block). Own signatures of stored blocks not yet final are published again
   * (signing is deterministic and the message id makes a repeat a duplicate).
   */
  private async restore(): Promise<void> {
    await this.storing;
    this.storeFailure = undefined;
    this.storingIds.clear();
    this.memberships.length = 0;
    for (const m of await this.store.memberships()) this.memberships.push({ fromHeight: m.fromHeight, view: new MembershipView(m.membership) });
    const last = await this.store.lastBlock();
    const size = last?.header.logSize ?? 0;
    const log = size === 0 ? CompactMerkleRange.empty() : CompactMerkleRange.fromPeaks(size, await this.store.peaks(size));
    if (last && !bytesEqual(log.root(), Buffer.from(last.header.logRoot, 'hex'))) throw new Error('stored log subtrees do not match the last block header');
    this.storedHeight = last?.header.height ?? 0;
    this.logSize = size;
    this.engine = new ChainEngine(this.genesis, {
      height: this.storedHeight,
      previousHeaderHash: last?.hash ?? genesisHash(this.genesis),
      streamSeq: last?.header.streamSeq ?? 0,
      log,
      membership: this.memberships.at(-1)!.view.membership,
    });
    this.finalHeight = await this.store.lastFinalHeight();
    // Stored blocks above the last final one wait for signatures again (read back from the votes stream).
    for (const b of await this.store.blocks(this.finalHeight + 1, 10_000)) {
      if (!this.unfinal.has(b.height)) this.unfinal.set(b.height, { hash: b.hash, votes: new Map() });
      await this.publishVote(b.height, b.hash);
    }
    // Recovering in a running process (storing failed, e.g. PostgreSQL restarted): signatures
    // that were waiting in memory for a block whose storing failed are gone, and the votes reader
    // has read past them. It starts over from the stream's beginning, as at boot, so every
    // block above the last final one gets its signatures again (storing them is idempotent).
    if (this.votesMessages) {
      this.pendingVotes.clear();
      this.pendingVoteCount = 0;
      void this.votesMessages.close().catch(() => undefined);
    }
  }

  private async publishVote(height: number, hash: string): Promise<void> {
    const vote = signHeader(this.genesis.chainId, height, hash, this.name, this.settings.secretKey);
    await this.js.publish(`ledger.votes.${this.name}`, JSON.stringify(vote), { msgID: `vote:${this.name}:${height}:${hash.slice(0, 16)}`, timeout: 5_000 });
  }

  async onModuleDestroy(): Promise<void> {
    this.destroyed = true;
    await this.stop().catch(() => undefined);
    await this.preparing?.catch(() => undefined);
    await this.store.close();
  }

  /**
   * Reads a stream in order with an ordered consumer, handing buffered messages over in
   * batches; on any interruption it resumes from where processing stands.
   */
  private async readLoop(stream: string, startSeq: () => number, handle: (msgs: JsMsg[]) => Promise<void>, recover?: () => Promise<void>): Promise<void> {
    let backoffMs = 100;
    let restoreNeeded = false;
    while (this.running) {
      try {
        if (recover && (restoreNeeded || this.storeFailure !== undefined)) {
          await recover();
          restoreNeeded = false;
        }
        const consumer = await this.js.consumers.get(stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq() });
        // Short pulls: the ordered consumer lives on one server, and if that server dies the
        // missed heartbeats (half the pull's expiry, twice) are what make it start over elsewhere.
        const messages = await consumer.consume({ max_messages: 1_000, expires: READ_EXPIRES_MS });
        this.readers.add(messages);
        // Stopped while the consumer was being made: the stop closed only the readers it saw.
        if (!this.running) void messages.close().catch(() => undefined);
        if (recover) this.submitMessages = messages;
        else this.votesMessages = messages;
        const buffer: JsMsg[] = [];
        let working: Promise<void> | undefined;
        let failure: unknown;
        const drain = async () => {
          while (buffer.length > 0 && failure === undefined) {
            const batch = buffer.splice(0, BATCH_MAX);
            try {
              await handle(batch);
            } catch (error) {
              failure = error;
              // End the iteration now: nothing more is read until the reader starts again.
              void messages.close().catch(() => undefined);
            }
          }
          working = undefined;
        };
        try {
          for await (const m of messages) {
            buffer.push(m);
            working ??= new Promise<void>((r) => setImmediate(r)).then(drain);
            if (buffer.length >= BUFFER_MAX) await working;
            if (failure !== undefined) throw failure;
            if (!this.running) break;
          }
          await working;
        } finally {
          this.readers.delete(messages);
          await messages.close().catch(() => undefined);
        }
        if (failure !== undefined) throw failure;
        backoffMs = 100;
      } catch (error) {
        // A lost lease stops the pipeline (checkLease): nothing to resume.
        if (!this.running || error instanceof LeaseExpiredError) break;
        this.logger.warn(`${stream} reader interrupted: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 5_000);
        restoreNeeded = recover !== undefined;
      }
    }
  }

  private async onSubmitted(msgs: JsMsg[]): Promise<void> {
    if (this.storeFailure !== undefined) throw this.storeFailure;
    // A holder whose engine is behind the schema (another instance stored blocks meanwhile)
    // would judge entries already in those blocks as duplicates: it must judge nothing.
    this.checkLease();
    const ids: string[] = [];
    for (const m of msgs) {
      if (m.subject === TICK_SUBJECT) continue;
      const match = /"id":"([0-9a-f-]{36})"/.exec(decoder.decode(m.data.subarray(0, 200)));
      if (match) ids.push(match[1]!);
    }
    // Ids of blocks cut but still being stored count as recorded: taken before the query, so
    // a block whose storing ends meanwhile is in one set or the other.
    const inFlight = new Set(this.storingIds);
    const [stored, verdicts] = await Promise.all([this.store.recordedIds(ids), this.verifyAhead(msgs)]);
    const isRecorded = (id: string) => stored.has(id) || inFlight.has(id);
    const verify = (key: Uint8Array, message: Uint8Array, signature: Uint8Array) => verdictOf(verdicts, key, message, signature) ?? verifyEd25519(key, message, signature);
    const refusals: Refusal[] = [];
    for (const m of msgs) {
      const msg: StreamMessage = { seq: m.seq, timestampMs: Number(m.timestampNanos / 1_000_000n), subject: m.subject, data: m.data };
      const out = this.engine.process(msg, isRecorded, verify);
      if (out.refusal) refusals.push(out.refusal);
      for (const block of out.blocks) {
        for (const e of block.entries) {
          inFlight.add(e.entry.id);
          this.storingIds.add(e.entry.id);
        }
        await this.queueStore(block);
      }
    }
    this.checkLease();
    await this.store.recordRefusals(refusals);
    if (refusals.length > 0) this.logger.warn(`refused ${refusals.length} submission(s): ${[...new Set(refusals.map((r) => r.code))].join(', ')}`);
  }

  /**
   * Stores and signs blocks in cut order on one chain, while the engine goes on cutting the
   * next ones (at most {@link STORE_QUEUE_MAX} blocks ahead). A failure stops the reader,
   * which rebuilds the engine from the database before reading on.
   */
  private async queueStore(block: ClosedBlock): Promise<void> {
    this.storeQueued++;
    this.storing = this.storing.then(async () => {
      try {
        if (this.storeFailure === undefined) await this.storeAndSign(block);
      } catch (error) {
        this.storeFailure ??= error;
        // Stop reading: the reader rebuilds from the database before it reads again.
        void this.submitMessages?.close().catch(() => undefined);
      } finally {
        this.storeQueued--;
        for (const e of block.entries) this.storingIds.delete(e.entry.id);
      }
    });
    if (this.storeQueued >= STORE_QUEUE_MAX) await this.storing;
    if (this.storeFailure !== undefined) throw this.storeFailure;
  }

  /**
   * Verifies the batch's signatures on libuv's thread pool while the database is asked for
   * duplicates; the engine then takes these verdicts (the same rule, `verifyEd25519Async`)
   * instead of verifying one by one on the event loop. Anything not prepared here (a
   * malformed entry, a key a membership change brings) is verified in line as before.
   */
  private async verifyAhead(msgs: JsMsg[]): Promise<Verdicts> {
    const verdicts: Verdicts = new Map();
    const membership = this.engine.currentMembership;
    const jobs: Promise<void>[] = [];
    for (const m of msgs) {
      if (m.subject === TICK_SUBJECT) continue;
      let e: { id?: unknown; type?: unknown; payloadHash?: unknown; submitter?: unknown; signature?: unknown };
      try {
        e = JSON.parse(decoder.decode(m.data)) as typeof e;
      } catch {
        continue;
      }
      if (typeof e.id !== 'string' || typeof e.type !== 'string' || typeof e.payloadHash !== 'string' || typeof e.submitter !== 'string' || typeof e.signature !== 'string') continue;
      if (!/^[0-9a-f]{128}$/.test(e.signature)) continue;
      const key = membership.submitterKey(e.submitter, e.type);
      if (!key) continue;
      const message = entrySigningMessage(this.genesis.chainId, { id: e.id, type: e.type as EntryTypeName, payloadHash: e.payloadHash, submitter: e.submitter });
      const signature = fromHex(e.signature);
      jobs.push(
        verifyEd25519Async(key, message, signature).then((ok) => {
          const slot = verdictSlot(signature);
          const list = verdicts.get(slot);
          if (list) list.push({ key, message, ok });
          else verdicts.set(slot, [{ key, message, ok }]);
        }),
      );
    }
    await Promise.all(jobs);
    return verdicts;
  }

  private async storeAndSign(block: ClosedBlock): Promise<void> {
    this.checkLease();
    await this.store.appendBlock(block);
    const h = block.header;
    this.storedHeight = h.height;
    this.logSize = h.logSize;
    if (block.membershipAfter) this.memberships.push({ fromHeight: h.height + 1, view: new MembershipView(block.membershipAfter) });
    this.unfinal.set(h.height, { hash: block.hash, votes: new Map() });
    await this.publishVote(h.height, block.hash);
    const waiting = this.pendingVotes.get(h.height);
    if (waiting) {
      this.pendingVotes.delete(h.height);
      this.pendingVoteCount -= waiting.length;
      for (const v of waiting) await this.judgeVote(v);
    }
  }

  private async onVotes(msgs: JsMsg[]): Promise<void> {
    for (const m of msgs) {
      let vote: BlockVote;
      try {
        vote = blockVoteSchema.parse(JSON.parse(decoder.decode(m.data)));
      } catch {
        this.logger.warn(`unreadable signature at votes stream seq ${m.seq}`);
        continue;
      }
      if (vote.chainId !== this.genesis.chainId) continue;
      if (vote.height > this.storedHeight) {
        // Not cut here yet: judge it once this validator has its own header for that height.
        if (this.pendingVoteCount >= PENDING_VOTES_MAX) continue;
        const list = this.pendingVotes.get(vote.height) ?? [];
        list.push(vote);
        this.pendingVotes.set(vote.height, list);
        this.pendingVoteCount++;
        continue;
      }
      await this.judgeVote(vote);
    }
  }

  /** Accepts a signature only if it verifies and signs the header this validator computed. */
  private async judgeVote(vote: BlockVote): Promise<void> {
    const membership = this.membershipAt(vote.height);
    const open = this.unfinal.get(vote.height);
    const ownHash = open?.hash ?? (await this.store.block(vote.height))?.hash;
    if (!ownHash) return;
    let reason: string | null = null;
    if (!isValidVote(this.genesis.chainId, membership, vote)) reason = 'signature does not verify for a validator of this block';
    else if (vote.headerHash !== ownHash) reason = 'signs a header other than the one computed here';
    const fresh = await this.store.recordVote(vote, reason === null, reason);
    if (reason !== null) {
      if (fresh) this.logger.error(`refused signature of ${vote.validator} for block ${vote.height}: ${reason}`);
      return;
    }
    if (!open) return;
    open.votes.set(vote.validator, vote);
    const q = hasQuorum(this.genesis.chainId, membership, vote.height, ownHash, [...open.votes.values()]);
    if (!q.final) return;
    this.unfinal.delete(vote.height);
    await this.store.recordFinality(vote.height, q.signers);
    this.finalHeight = Math.max(this.finalHeight, vote.height);
    for (const w of this.finalityWaiters) w();
    this.announce();
  }

  /** Publishes `EntryCommitted` for final blocks not yet announced, in height order. */
  private announce(): void {
    this.announcing = this.announcing
      .then(async () => {
        for (let round = 0; round < 100 && this.running; round++) {
          const heights = await this.store.unannouncedFinal(100);
          if (heights.length === 0) return;
          for (const height of heights) {
            const block = await this.store.block(height);
            if (!block) continue;
            const at = new Date(block.header.time);
            const entries = await this.store.announceableEntries(height, [...ANNOUNCED_TYPES]);
            await Promise.all(
              entries.map((e) => {
                const row = outboxEvent(
                  EntryCommitted,
                  { entryId: e.id, sequence: BigInt(e.logIndex), type: e.type as EventData<typeof EntryCommitted>['type'], subjectId: e.subjectId, payloadHash: e.payloadHash, committedAt: at },
                  'ledger',
                  { id: derivedUuidV7(e.id, 'committed'), occurredAt: at },
                );
                return this.js.publish(row.subject, row.payload, { msgID: row.id, timeout: 10_000 });
              }),
            );
            await this.store.markAnnounced(height);
          }
        }
      })
      .catch((error: unknown) => {
        this.logger.warn(`announcing finality failed, retrying: ${(error as Error).message}`);
        setTimeout(() => this.running && this.announce(), 1_000);
      });
  }

  /**
   * A block that stops filling would never meet the next message that closes it by time: a
   * tick on the stream closes it at the same place for every validator. Every validator
   * may send it; the message id makes it one.
   */
  private async maybeTick(): Promise<void> {
    if (!this.running || this.engine.openEntryCount === 0) return;
    const height = this.engine.openHeight;
    if (height === this.lastTickHeight || Date.now() - this.engine.openSinceMs < this.genesis.blocks.maxAgeMs) return;
    this.lastTickHeight = height;
    try {
      await this.js.publish(TICK_SUBJECT, String(height), { msgID: `tick:${this.genesis.chainId}:${height}`, timeout: 5_000 });
    } catch (error) {
      this.lastTickHeight = 0;
      this.logger.warn(`tick for block ${height} failed: ${(error as Error).message}`);
    }
  }

  /** Resolves once block `height` is final here, or after `timeoutMs`. */
  async waitFinal(height: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.finalHeight < height && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.finalityWaiters.delete(done);
          resolve();
        };
        this.finalityWaiters.add(done);
        setTimeout(done, Math.max(1, deadline - Date.now()));
      });
    }
    return this.finalHeight >= height;
  }

  async streamLastSeq(): Promise<number> {
    const jsm = await jetstreamManager(this.nc);
    const info = await jsm.streams.info(STREAMS.ledgerSubmit.name);
    return info.state.last_seq;
  }
}
