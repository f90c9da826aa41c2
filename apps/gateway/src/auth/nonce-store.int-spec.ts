import { usePrivateNats } from '@ampool/testing';
import { NonceStore } from './nonce-store.service';

/** Two gateway instances share the nonces: a replayed request is refused whichever gateway it reaches. */
describe('NonceStore shared by gateway instances (real nats-server)', () => {
  const nats = usePrivateNats();

  async function gateway(): Promise<NonceStore> {
    const store = new NonceStore(await nats.connect());
    await store.onModuleInit();
    return store;
  }

  it('lets exactly one of two instances accept a nonce, however the requests race', async () => {
    const [a, b] = [await gateway(), await gateway()];
    for (let i = 0; i < 50; i++) {
      const nonce = `n-${i}-${Math.random()}`;
      const won = await Promise.all([a.claim('key-1', nonce), b.claim('key-1', nonce), a.claim('key-1', nonce), b.claim('key-1', nonce)]);
      expect(won.filter(Boolean)).toHaveLength(1);
    }
    // The same nonce under another key is another request.
    expect(await a.claim('key-1', 'shared')).toBe(true);
    expect(await b.claim('key-2', 'shared')).toBe(true);
    expect(await b.claim('key-1', 'shared')).toBe(false);
  });
});
