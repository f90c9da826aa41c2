import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, Prisma } from './generated/prisma/client';

export { PrismaClient, Prisma };

/** A Prisma client or the transaction client handed to `$transaction` callbacks. */
export type Db = PrismaClient | Prisma.TransactionClient;
/** The client inside an interactive transaction. */
export type Tx = Prisma.TransactionClient;

export interface PrismaClientOptions {
  databaseUrl: string;
  /** Connections in the pool (each service instance holds its own pool). */
  poolMax?: number;
  /** Name shown in pg_stat_activity, to see which service holds which connection. */
  applicationName?: string;
}

/**
 * A Prisma 7 client on the node-postgres driver adapter: queries run in JavaScript and WASM,
 * with no native query engine to download.
 */
export function createPrismaClient(options: PrismaClientOptions): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: options.databaseUrl,
    max: options.poolMax ?? 10,
    application_name: options.applicationName,
    connectionTimeoutMillis: 5_000,
  });
  return new PrismaClient({ adapter });
}
