import type { LedgerMembers } from '@ampool/bootstrap';
import { uuidv7 } from '@ampool/domain';
import { signEntry, type SignedEntry } from '@ampool/ledger';

const BUYER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const SELLER = 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG';

/** A fresh `energy.trade` entry signed by the members' `bench` submitter, for tests that feed the validators directly. */
export function benchTradeEntry(members: LedgerMembers): SignedEntry {
  const t = Date.now();
  return signEntry(
    members.chainId,
    {
      id: uuidv7(),
      type: 'energy.trade',
      payload: {
        id: uuidv7(t), buyOrderId: uuidv7(t), sellOrderId: uuidv7(t), buyer: BUYER, seller: SELLER, zone: 'north', sellerZone: 'north', buyerZone: 'north',
        intervalStart: '2027-01-15T10:00:00.000Z', energyWh: '1000', priceMicroPerKwh: '200000', gridFeeMicroPerKwh: '0', valueMicro: '200000', buyerCostMicro: '200000', executedAt: '2027-01-15T09:00:00.000Z',
      },
      submitter: 'bench',
    },
    members.secretKeyOf('bench'),
  );
}
