import { Inject, Injectable } from '@nestjs/common';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DURABLE_CONSUMERS, type EventContract, type EventEnvelope } from '@ampool/contracts';
import { isUuidV7, uuidV7TimeMs } from '@ampool/domain';
import { derivedUuidV7, entryJson, parseGenesis, signEntry, SUBMIT_SUBJECT, type EntryTypeName } from '@ampool/ledger';
import { EventConsumers, NATS_CONNECTION } from '@ampool/messaging';
import { VALIDATOR_SETTINGS, type ValidatorSettings } from '../config';

/**
 * Submits the facts other services publish (executed trades, holds placed for trades and
 * ride bookings, booking holds released with their split) as signed
 * entries to the submit stream, with the relay key the genesis authorizes for those types.
 * The entry id is derived from (type, subject), so a redelivered event, or the same event
 * relayed by another validator process, is the same entry: JetStream drops the copy within
 * its duplicate window and the validators refuse it as a duplicate after that.
 */
@Injectable()
export class RelayConsumer {
  private readonly js: JetStreamClient;
  private readonly chainId: string;

  constructor(consumers: EventConsumers, @Inject(NATS_CONNECTION) nc: NatsConnection, @Inject(VALIDATOR_SETTINGS) private readonly settings: ValidatorSettings) {
    this.js = jetstream(nc);
    this.chainId = parseGenesis(settings.genesisJson).chainId;
    if (!settings.relay) return;
    const trades = DURABLE_CONSUMERS.ledgerTrades;
    const holds = DURABLE_CONSUMERS.ledgerHolds;
    consumers.register({ durable: trades.durable, contract: trades.contract, handle: (e) => this.submit(trades.contract, e, 'energy.trade', e.data.id) });
    consumers.register({ durable: holds.durable, contract: holds.contract, handle: (e) => this.submit(holds.contract, e, 'settlement.hold', e.data.transferId) });
    const bookingHolds = DURABLE_CONSUMERS.ledgerBookingHolds;
    const bookingReleases = DURABLE_CONSUMERS.ledgerBookingReleases;
    consumers.register({ durable: bookingHolds.durable, contract: bookingHolds.contract, handle: (e) => this.submit(bookingHolds.contract, e, 'settlement.booking-hold', e.data.transferId) });
    consumers.register({ durable: bookingReleases.durable, contract: bookingReleases.contract, handle: (e) => this.submit(bookingReleases.contract, e, 'settlement.booking-release', e.data.bookingId) });
  }

  private async submit<C extends EventContract>(contract: C, event: EventEnvelope<unknown>, type: EntryTypeName, subjectId: string): Promise<void> {
    const relay = this.settings.relay!;
    const id = derivedUuidV7(`${type}:${subjectId}`, 'ledger-entry', isUuidV7(subjectId) ? uuidV7TimeMs(subjectId) : uuidV7TimeMs(event.id));
    const entry = signEntry(this.chainId, { id, type, payload: contract.data.encode(event.data), submitter: relay.submitter }, relay.secretKey);
    await this.js.publish(SUBMIT_SUBJECT, entryJson(entry), { msgID: entry.id, timeout: 5_000 });
  }
}
