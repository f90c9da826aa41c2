import { publicKeyFromSecret, sha256 } from '@ampool/crypto';
import { createGenesis, type Genesis } from './genesis';
import { SERVICE_ENTRY_TYPES, type LedgerSubmittingService } from './entry-types';

/**
 * Keys derived from a label, for tests and benchmarks only: anyone can recompute them, so
 * a real deployment never uses them (the demo generates random keys under `.ampool/`).
 */
export function labelledSecretKey(label: string): Uint8Array {
  return sha256(`ampool/ledger/test-key/v1\0${label}`);
}

/** The three validators, the services that sign their own entries, and a benchmark submitter. */
export const TEST_VALIDATORS = ['grid-operator', 'market-operator', 'auditor'] as const;
export const ENERGY_SUBMITTER: LedgerSubmittingService = 'energy-market';
export const SETTLEMENT_SUBMITTER: LedgerSubmittingService = 'settlement';
export const BENCH_SUBMITTER = 'bench';

/** A deterministic 2-of-3 genesis over labelled keys (for tests and benchmarks). */
export function testGenesis(options: { chainId?: string; maxEntries?: number; maxAgeMs?: number; label?: string } = {}): { genesis: Genesis; secretOf: (name: string) => Uint8Array } {
  const label = options.label ?? 'test';
  const secretOf = (name: string) => labelledSecretKey(`${label}/${name}`);
  const genesis = createGenesis({
    chainId: options.chainId ?? 'ampool-test',
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    validators: TEST_VALIDATORS.map((name) => ({ name, publicKey: publicKeyFromSecret(secretOf(name)) })),
    submitters: [
      ...Object.entries(SERVICE_ENTRY_TYPES).map(([name, types]) => ({ name, publicKey: publicKeyFromSecret(secretOf(name)), types: [...types] })),
      { name: BENCH_SUBMITTER, publicKey: publicKeyFromSecret(secretOf(BENCH_SUBMITTER)), types: ['energy.trade'] },
    ],
    quorum: 2,
    ...(options.maxEntries ? { maxEntries: options.maxEntries } : {}),
    ...(options.maxAgeMs ? { maxAgeMs: options.maxAgeMs } : {}),
  });
  return { genesis, secretOf };
}
