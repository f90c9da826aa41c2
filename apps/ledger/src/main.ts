import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { loadConfig, runMain } from '@ampool/config';
import { startService } from '@ampool/messaging';
import { ledgerConfig, type ValidatorSettings } from './config';
import { LedgerModule } from './ledger.module';

function readSecretKey(path: string, what: string): Uint8Array {
  const text = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(text)) throw new Error(`${what} ${path} must hold 64 lower-case hex digits`);
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

void runMain(async () => {
  const config = loadConfig(ledgerConfig, process.env);
  const settings: ValidatorSettings = {
    genesisJson: readFileSync(config.LEDGER_GENESIS_FILE, 'utf8'),
    name: config.LEDGER_VALIDATOR,
    secretKey: readSecretKey(config.LEDGER_KEY_FILE, 'LEDGER_KEY_FILE'),
    schema: config.LEDGER_SCHEMA,
    databaseUrl: config.DATABASE_URL,
    poolMax: config.DB_POOL_MAX,
    lease: { ttlMs: config.LEDGER_LEASE_TTL_MS, renewMs: Math.min(config.LEDGER_LEASE_RENEW_MS, Math.floor(config.LEDGER_LEASE_TTL_MS / 3)) },
  };
  await startService({ service: 'ledger', module: LedgerModule.forRoot(config, settings), servers: config.NATS_URL, logLevel: config.LOG_LEVEL, user: config.NATS_USER, pass: config.NATS_PASSWORD });
});
