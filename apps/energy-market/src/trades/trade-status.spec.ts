import { tradeStatus } from './trade-status';

const t = new Date();

describe('trade status', () => {
  it('is matched until settlement confirms the hold', () => {
    expect(tradeStatus({ heldAt: null, committedAt: null, holdRejectedCode: null })).toBe('matched');
    expect(tradeStatus({ heldAt: null, committedAt: t, holdRejectedCode: null })).toBe('matched');
  });

  it('is held once the money is held, committed once the ledger has it too', () => {
    expect(tradeStatus({ heldAt: t, committedAt: null, holdRejectedCode: null })).toBe('held');
    expect(tradeStatus({ heldAt: t, committedAt: t, holdRejectedCode: null })).toBe('committed');
  });

  it('is unfunded when settlement refused the hold, whatever the ledger says', () => {
    expect(tradeStatus({ heldAt: null, committedAt: t, holdRejectedCode: 'INSUFFICIENT_FUNDS' })).toBe('unfunded');
  });
});
