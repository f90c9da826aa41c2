import {
  BatteryStateGet,
  AccountGet,
  InvariantsCheck,
  PayoutsRun,
  StatementGet,
  TransferCreate,
  WithdrawalCreate,
  BookingApprove,
  BookingCancel,
  BookingCreate,
  BookingDecline,
  BookingGet,
  BookingHoldPlace,
  BookingHoldRelease,
  BookingList,
  BookingNoShow,
  RideSearch,
  TripCancel,
  TripGet,
  TripList,
  TripMap,
  TripPublish,
  TripUpdate,
  CLOCK_BUCKET,
  AnomalyList,
  ChallengeCreate,
  DepositCreate,
  DeviceGet,
  DeviceList,
  DeviceRegister,
  DeviceReinstate,
  DeviceStatusChanged,
  DeviceSuspend,
  DURABLE_CONSUMERS,
  EntryGet,
  EntryProof,
  ConsistencyProof,
  BlockGet,
  LedgerStatus,
  Health,
  IntervalList,
  KeyResolve,
  KeyRetired,
  KeyRevoke,
  KeyRotate,
  LIVE_EVENTS,
  OperatorLogin,
  OrderGet,
  OrderSubmit,
  ParticipantApprove,
  ParticipantGet,
  ParticipantList,
  ParticipantRegister,
  ParticipantReinstate,
  ParticipantRevoke,
  ParticipantStatusChanged,
  ParticipantSuspend,
  ReadingsSubmit,
  SessionEnd,
  SessionResolve,
  STREAMS,
  streamForSubject,
  TelegramSubmit,
  TradeGet,
  deadLetterSubject,
  AreaConfigure,
  AreaList,
  ENERGY_JOURNAL_STREAM,
  ENERGY_AREA_SUBJECT_PREFIX,
  ENERGY_LEASE_BUCKET,
  LEDGER_LEASE_BUCKET,
  MarketDepth,
  MarketFlows,
  MarketStats,
  MarketTrades,
  OrderBatchSubmit,
  OrderCancel,
  OrderHoldPlace,
  OrderHoldRelease,
  OrderList,
  OrderReplace,
  PolicyList,
  PolicySet,
  PolicyStop,
  type RpcContract,
  type ServiceName,
  type StreamDefinition,
  // trip proofs
  TripDisputeResolve,
  TripLegGet,
  TripLegJudge,
  TripLegList,
  TripProofSubmit,
} from '@ampool/contracts';
import { SUBMIT_SUBJECT } from '@ampool/ledger';
import { inboxPrefixFor } from '@ampool/messaging';

/** A NATS user per process kind: each backend service, the gateway and the simulator. */
export type NatsUser = ServiceName | 'gateway';

/** The operations user (monitoring, the nats CLI, tests that inspect streams): unrestricted. */
export const ADMIN_USER = 'admin';

/** Each user's own inbox prefix, so it can subscribe to its replies and nobody else's. */
export const inboxPrefixOf = (user: NatsUser): string => inboxPrefixFor(user);

/** The environment variable nats-server reads this user's password from. */
/**
 * nats-server parses an environment variable's value as a configuration token, so these
 * passwords must be letters and digits, starting with a letter.
 */
export function passwordVariable(user: NatsUser | typeof ADMIN_USER): string {
  return `AMPOOL_NATS_PASSWORD_${user.toUpperCase()}`;
}

interface UserNeeds {
  /** Domain streams whose events this user publishes. */
  publishes: StreamDefinition[];
  /** RPCs this user calls. */
  calls: RpcContract[];
  /** Whether it serves `rpc.<user>.>` (a NATS microservice). */
  serves: boolean;
  /** Core-NATS subscriptions to events (cache invalidation), outside JetStream. */
  listens: string[];
  /** Key-value buckets it uses. */
  buckets: string[];
  /** Key-value buckets it may read and watch, but not write. */
  readsBuckets?: string[];
  /** Its own write-ahead streams: it appends, reads back with ordered consumers, and gets messages by subject. */
  journals?: StreamDefinition[];
  /** Streams it reads in order with ordered (ephemeral) consumers: the ledger validators. */
  readsInOrder?: StreamDefinition[];
  /**
   * It signs its own ledger entries and publishes them to the submit stream — the entry
   * subject only: the stream, its ticks and its configuration stay the validators'.
   */
  submitsLedgerEntries?: true;
  /** Subjects of its own service it sends requests to: instances passing requests on to one another. */
  forwards?: string[];
}

const GATEWAY_CALLS: RpcContract[] = [
  ChallengeCreate, ParticipantRegister, ParticipantGet, ParticipantList, ParticipantApprove, ParticipantSuspend, ParticipantReinstate, ParticipantRevoke,
  DeviceRegister, DeviceGet, DeviceList, DeviceSuspend, DeviceReinstate, KeyResolve, KeyRotate, KeyRevoke, OperatorLogin, SessionResolve, SessionEnd,
  DepositCreate, AccountGet, OrderSubmit, OrderGet, TradeGet, EntryGet, ReadingsSubmit, TelegramSubmit, IntervalList, AnomalyList,
  TripPublish, TripUpdate, TripCancel, TripGet, TripList, TripMap, RideSearch, BookingCreate, BookingApprove, BookingDecline, BookingCancel, BookingNoShow,
  BookingGet, BookingList,
  TripProofSubmit, TripLegGet, TripLegList, TripDisputeResolve,
  WithdrawalCreate, TransferCreate, StatementGet, InvariantsCheck, PayoutsRun,
  // energy market
  OrderBatchSubmit, OrderCancel, OrderReplace, OrderList, MarketDepth, MarketTrades, MarketStats, MarketFlows, AreaList, AreaConfigure, PolicySet, PolicyList, PolicyStop,
  EntryProof, ConsistencyProof, BlockGet, LedgerStatus,
  Health.identity, Health.energy, Health.rides, Health.metering, Health.settlement, Health.ledger,
];

const NEEDS: Record<NatsUser, UserNeeds> = {
  gateway: {
    publishes: [],
    calls: GATEWAY_CALLS,
    serves: false,
    // Cache invalidation, and the events relayed to operators on the live stream.
    listens: [...new Set([KeyRetired.subject, ParticipantStatusChanged.subject, DeviceStatusChanged.subject, ...LIVE_EVENTS.map((e) => e.subject)])],
    buckets: ['AUTH_NONCES'],
  },
  identity: { publishes: [STREAMS.identity], calls: [], serves: true, listens: [], buckets: [], readsBuckets: [CLOCK_BUCKET] },
  energy: {
    publishes: [STREAMS.energy],
    calls: [ParticipantGet, DeviceGet, OrderHoldPlace, OrderHoldRelease, BatteryStateGet],
    serves: true,
    listens: [],
    // Area leases: written with create/update, and listed (keys) with an ordered consumer.
    buckets: [ENERGY_LEASE_BUCKET],
    readsBuckets: [CLOCK_BUCKET, ENERGY_LEASE_BUCKET],
    // Requests passed on to the instance that writes an area.
    forwards: [`${ENERGY_AREA_SUBJECT_PREFIX}.*`],
    journals: [ENERGY_JOURNAL_STREAM],
    submitsLedgerEntries: true,
  },
  rides: { publishes: [STREAMS.rides], calls: [BookingHoldPlace, BookingHoldRelease, TripLegJudge], serves: true, listens: [], buckets: [], readsBuckets: [CLOCK_BUCKET] },
  metering: { publishes: [STREAMS.metering], calls: [KeyResolve, DeviceGet], serves: true, listens: [KeyRetired.subject, ParticipantStatusChanged.subject, DeviceStatusChanged.subject], buckets: [], readsBuckets: [CLOCK_BUCKET] },
  settlement: { publishes: [STREAMS.settlement], calls: [], serves: true, listens: [], buckets: [], readsBuckets: [CLOCK_BUCKET], submitsLedgerEntries: true },
  ledger: {
    publishes: [STREAMS.ledger, STREAMS.ledgerSubmit, STREAMS.ledgerVotes],
    calls: [],
    serves: true,
    listens: [],
    // Instances of one member share its validator by a lease: one validates, the others stand by.
    buckets: [LEDGER_LEASE_BUCKET],
    readsBuckets: [CLOCK_BUCKET],
    readsInOrder: [STREAMS.ledgerSubmit, STREAMS.ledgerVotes],
  },
  simulator: { publishes: [], calls: [], serves: true, listens: [], buckets: [CLOCK_BUCKET] },
};

export interface Permissions {
  publish: string[];
  subscribe: string[];
}

/**
 * Exactly what one user may publish and subscribe to. Everything else is denied: another
 * service's events, RPCs it has no business calling, other users' inboxes, other streams'
 * and consumers' JetStream APIs. Replies to requests it received are allowed by
 * `allow_responses` in the configuration.
 */
export function permissionsOf(user: NatsUser): Permissions {
  const needs = NEEDS[user];
  const consumers = Object.values(DURABLE_CONSUMERS).filter((c) => c.service === user);
  const consumedStreams = consumers.map((c) => streamForSubject(c.contract.subject)!);
  const streams = unique([
    ...needs.publishes.map((s) => s.name),
    ...consumedStreams.map((s) => s.name),
    ...(consumers.length > 0 ? [STREAMS.deadLetter.name] : []),
    ...needs.buckets.map((b) => `KV_${b}`),
  ]);
  const publish = [
    '$JS.API.INFO',
    ...streams.flatMap((s) => [`$JS.API.STREAM.INFO.${s}`, `$JS.API.STREAM.CREATE.${s}`, `$JS.API.STREAM.UPDATE.${s}`]),
    ...needs.publishes.flatMap((s) => s.subjects),
    // Its own health check, for the health probe that runs with the service's credentials.
    ...(needs.serves ? [`rpc.${user}.health`] : []),
    ...needs.calls.map((c) => c.subject),
    ...(needs.submitsLedgerEntries ? [SUBMIT_SUBJECT] : []),
    ...(needs.forwards ?? []),
    ...needs.buckets.flatMap((b) => [`$KV.${b}.>`, `$JS.API.DIRECT.GET.KV_${b}.>`, `$JS.API.STREAM.MSG.GET.KV_${b}`]),
    // Read and watch only: look up the bucket, get a key, and run an ordered consumer on it.
    ...(needs.readsBuckets ?? []).flatMap((b) => [
      `$JS.API.STREAM.INFO.KV_${b}`,
      `$JS.API.DIRECT.GET.KV_${b}.>`,
      `$JS.API.STREAM.MSG.GET.KV_${b}`,
      `$JS.API.CONSUMER.CREATE.KV_${b}`,
      `$JS.API.CONSUMER.CREATE.KV_${b}.>`,
      `$JS.API.CONSUMER.INFO.KV_${b}.>`,
      `$JS.API.CONSUMER.DELETE.KV_${b}.>`,
      `$JS.FC.KV_${b}.>`,
    ]),
    ...(needs.journals ?? []).flatMap((j) => [
      `$JS.API.STREAM.INFO.${j.name}`,
      `$JS.API.STREAM.CREATE.${j.name}`,
      `$JS.API.STREAM.UPDATE.${j.name}`,
      `$JS.API.STREAM.MSG.GET.${j.name}`,
      `$JS.API.DIRECT.GET.${j.name}.>`,
      `$JS.API.CONSUMER.CREATE.${j.name}`,
      `$JS.API.CONSUMER.CREATE.${j.name}.>`,
      `$JS.API.CONSUMER.INFO.${j.name}.>`,
      `$JS.API.CONSUMER.DELETE.${j.name}.>`,
      `$JS.API.CONSUMER.MSG.NEXT.${j.name}.>`,
      `$JS.FC.${j.name}.>`,
      ...j.subjects,
    ]),
    ...(needs.readsInOrder ?? []).flatMap((st) => [
      `$JS.API.CONSUMER.CREATE.${st.name}`,
      `$JS.API.CONSUMER.CREATE.${st.name}.>`,
      `$JS.API.CONSUMER.INFO.${st.name}.>`,
      `$JS.API.CONSUMER.DELETE.${st.name}.>`,
      `$JS.API.CONSUMER.MSG.NEXT.${st.name}.>`,
    ]),
    ...consumers.flatMap((c) => {
      const stream = streamForSubject(c.contract.subject)!.name;
      return [
        `$JS.API.CONSUMER.CREATE.${stream}.${c.durable}`,
        `$JS.API.CONSUMER.CREATE.${stream}.${c.durable}.>`,
        `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.${c.durable}`,
        `$JS.API.CONSUMER.INFO.${stream}.${c.durable}`,
        `$JS.API.CONSUMER.MSG.NEXT.${stream}.${c.durable}`,
        `$JS.ACK.${stream}.${c.durable}.>`,
        deadLetterSubject(c.durable),
      ];
    }),
  ];
  const subscribe = [`${inboxPrefixOf(user)}.>`, ...(needs.serves ? [`rpc.${user}.>`] : []), ...needs.listens];
  return { publish: unique(publish), subscribe: unique(subscribe) };
}

export const NATS_USERS: NatsUser[] = ['gateway', 'identity', 'energy', 'rides', 'metering', 'settlement', 'ledger', 'simulator'];

/** The `authorization` block for nats-server, with passwords read from the environment. */
export function authorizationConfig(): string {
  const list = (items: string[]) => `[\n${items.map((i) => `          ${JSON.stringify(i)}`).join(',\n')}\n        ]`;
  const users = NATS_USERS.map((u) => {
    const p = permissionsOf(u);
    return [
      '    {',
      `      user: ${JSON.stringify(u)}`,
      `      password: $${passwordVariable(u)}`,
      '      permissions: {',
      `        publish: { allow: ${list(p.publish)} }`,
      `        subscribe: { allow: ${list(p.subscribe)} }`,
      '        allow_responses: true',
      '      }',
      '    }',
    ].join('\n');
  });
  const admin = ['    {', `      user: ${JSON.stringify(ADMIN_USER)}`, `      password: $${passwordVariable(ADMIN_USER)}`, '    }'].join('\n');
  return [
    '# Generated from infra/nats/permissions.ts by `npm run nats:config`. Do not edit by hand:',
    '# a test fails when this file and the model disagree. Passwords come from the environment',
    `# (${passwordVariable('identity')} and so on), never from this file.`,
    'authorization {',
    '  users = [',
    [...users, admin].join('\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
