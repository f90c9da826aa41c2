/** The kinds of entries the ledger accepts. */
export const ENTRY_TYPE_NAMES = ['energy.trade', 'settlement.hold', 'settlement.booking-hold', 'settlement.booking-release', 'settlement.transfer', 'ledger.membership'] as const;
export type EntryTypeName = (typeof ENTRY_TYPE_NAMES)[number];

/**
 * The services that sign their own entries, and the only types each may submit: the genesis
 * authorizes each service's key for exactly these (a key of one service submitting another's
 * type is refused as UNAUTHORIZED). Membership changes are signed by the validators.
 */
export const SERVICE_ENTRY_TYPES = {
  'energy-market': ['energy.trade'],
  settlement: ['settlement.hold', 'settlement.booking-hold', 'settlement.booking-release', 'settlement.transfer'],
} as const satisfies Record<string, readonly EntryTypeName[]>;
export type LedgerSubmittingService = keyof typeof SERVICE_ENTRY_TYPES;
