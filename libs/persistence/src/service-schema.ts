/** The PostgreSQL schemas, one per service that keeps state. */
export const SERVICE_SCHEMAS = ['identity', 'energy', 'rides', 'metering', 'settlement', 'ledger'] as const;
export type ServiceSchema = (typeof SERVICE_SCHEMAS)[number];

/**
 * The schema name quoted for SQL. Raw SQL that is shared by every service (outbox,
 * processed events) takes the schema from this closed set only, never from input.
 */
export function schemaIdent(schema: ServiceSchema): string {
  if (!(SERVICE_SCHEMAS as readonly string[]).includes(schema)) throw new Error(`unknown schema ${schema}`);
  return `"${schema}"`;
}
