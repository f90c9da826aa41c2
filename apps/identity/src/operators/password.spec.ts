import { hashPassword, verifyPassword } from './password';

describe('operator passwords', () => {
  it('verify against their own hash and nothing else', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    await expect(verifyPassword('correct horse battery staple', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapl', stored)).resolves.toBe(false);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
  });

  it('salt every hash, so equal passwords hash differently', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('refuse malformed stored hashes instead of throwing', async () => {
    for (const bad of ['', 'plain', 'scrypt$15$8$1$x', 'bcrypt$1$2$3$4$5', 'scrypt$99$8$1$AAAA$AAAA']) {
      await expect(verifyPassword('x', bad)).resolves.toBe(false);
    }
  });

  it('treat Unicode-equivalent spellings as the same password', async () => {
    const stored = await hashPassword('caf\u00e9');
    await expect(verifyPassword('cafe\u0301', stored)).resolves.toBe(true);
  });
});
