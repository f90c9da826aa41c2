/**
 * JetStream streams. Each domain's events live in one stream; dead letters in another. No
 * stream may capture `rpc.>`: a stream that captures a request subject answers the request
 * itself with a publish ack, and the real service's reply is lost.
 */
export interface StreamDefinition {
  name: string;
  subjects: string[];
  /** How long events are kept, so a service that was down can catch up. */
  maxAgeMs: number;
  /** Window in which a repeated `Nats-Msg-Id` is dropped as a duplicate. */
  duplicateWindowMs: number;
}

const DAY_MS = 86_400_000;
const DUPLICATE_WINDOW_MS = 10 * 60_000;

function domainStream(domain: string): StreamDefinition {
  return {
    name: `EVT_${domain.toUpperCase()}`,
    subjects: [`evt.${domain}.>`],
    maxAgeMs: 7 * DAY_MS,
    duplicateWindowMs: DUPLICATE_WINDOW_MS,
  };
}

export const STREAMS = {
  identity: domainStream('identity'),
  energy: domainStream('energy'),
  rides: domainStream('rides'),
  metering: domainStream('metering'),
  settlement: domainStream('settlement'),
  ledger: domainStream('ledger'),
  // The ledger's ordering: entries (and ticks) submitted to the validators, in one order for
  // all of them; and the validators' header signatures. Kept a year, so a validator that was
  // down catches up from the streams alone.
  ledgerSubmit: { name: 'LEDGER_SUBMIT', subjects: ['ledger.submit.>'], maxAgeMs: 365 * DAY_MS, duplicateWindowMs: DUPLICATE_WINDOW_MS },
  ledgerVotes: { name: 'LEDGER_VOTES', subjects: ['ledger.votes.>'], maxAgeMs: 365 * DAY_MS, duplicateWindowMs: DUPLICATE_WINDOW_MS },
  deadLetter: { name: 'DEAD_LETTER', subjects: ['dlq.>'], maxAgeMs: 30 * DAY_MS, duplicateWindowMs: DUPLICATE_WINDOW_MS },
} as const satisfies Record<string, StreamDefinition>;

/** The stream that stores `subject`, or undefined when no stream captures it. */
export function streamForSubject(subject: string): StreamDefinition | undefined {
  return Object.values(STREAMS).find((s) => s.subjects.some((pattern) => subjectMatches(pattern, subject)));
}

/** NATS subject matching: `*` matches one token, a trailing `>` one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** The subject a consumer's poison or exhausted messages are moved to. */
export function deadLetterSubject(consumer: string): string {
  return `dlq.${consumer}`;
}
