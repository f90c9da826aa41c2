import { isUuidV7, uuidv7, uuidV7TimeMs } from './uuid-v7';

describe('uuidv7', () => {
  it('produces version-7, variant-10 ids that carry their creation time', () => {
    const at = Date.UTC(2026, 10, 21, 12, 0, 0);
    const id = uuidv7(at);
    expect(isUuidV7(id)).toBe(true);
    expect(uuidV7TimeMs(id)).toBe(at);
  });

  it('keeps ids from one process strictly increasing within the same millisecond', () => {
    const at = Date.now() + 10_000;
    const ids = Array.from({ length: 5000 }, () => uuidv7(at));
    const sorted = [...ids].sort();
    expect(ids).toEqual(sorted);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('rejects other UUID versions and malformed strings', () => {
    expect(isUuidV7('123e4567-e89b-42d3-a456-426614174000')).toBe(false);
    expect(isUuidV7('not-a-uuid')).toBe(false);
    expect(isUuidV7(uuidv7().toUpperCase())).toBe(false);
  });
});
