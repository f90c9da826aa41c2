/**
 * Each ledger member may run several instances of its validator: they share one signing key
 * and one schema, and only the instance holding the member's lease in this JetStream
 * key-value bucket runs the validator (reads the streams, stores and signs blocks). The
 * others stand by and take the lease over when its holder stops renewing it.
 */
export const LEDGER_LEASE_BUCKET = 'LEDGER_LEASES';

/** The lease key of one member's validator (`validator.<name>`); its value names the holding instance. */
export function validatorLeaseKey(validator: string): string {
  return `validator.${validator}`;
}
