import { isUuidV7 } from '@ampool/domain';
import { derivedTransferId } from './derived-id';

describe('derivedTransferId', () => {
  it('gives the same id for the same parts and different ids for different parts', () => {
    expect(derivedTransferId('trade-1', 'energy.delivery')).toBe(derivedTransferId('trade-1', 'energy.delivery'));
    expect(derivedTransferId('trade-1', 'energy.delivery')).not.toBe(derivedTransferId('trade-1', 'energy.void'));
    expect(derivedTransferId('trade-1', 'energy.delivery')).not.toBe(derivedTransferId('trade-2', 'energy.delivery'));
  });

  it('is shaped as a UUIDv7, so it travels wherever transfer ids do', () => {
    for (let i = 0; i < 200; i++) expect(isUuidV7(derivedTransferId('payout', `p${i}`, '2026-11-21'))).toBe(true);
  });
});
