/** The kinds of entries the ledger accepts. */
export const ENTRY_TYPE_NAMES = ['energy.trade', 'settlement.hold', 'settlement.booking-hold', 'settlement.booking-release', 'ledger.membership'] as const;
export type EntryTypeName = (typeof ENTRY_TYPE_NAMES)[number];
