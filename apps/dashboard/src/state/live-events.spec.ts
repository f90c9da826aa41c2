import { LIVE_EVENTS } from '@ampool/contracts';
import { LIVE_EVENT_SUBJECTS } from './live-events';

describe('live event names', () => {
  it('are exactly the subjects the gateway relays', () => {
    expect([...LIVE_EVENT_SUBJECTS].sort()).toEqual(LIVE_EVENTS.map((e) => e.subject).sort());
  });
});
