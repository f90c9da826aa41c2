import { z } from 'zod';
import { ConfigError, loadConfig } from './load-config';
import { serviceEnv } from './env-fields';

const schema = z.object(serviceEnv);

describe('loadConfig', () => {
  it('parses a valid environment with defaults', () => {
    const c = loadConfig(schema, { DATABASE_URL: 'postgresql://u@127.0.0.1:5432/db' });
    expect(c.NATS_URL).toEqual(['nats://127.0.0.1:4222']);
    expect(c.RPC_TIMEOUT_MS).toBe(5000);
    expect(c.LOG_LEVEL).toBe('log');
  });

  it('names a missing variable in one line', () => {
    expect(() => loadConfig(schema, {})).toThrow(new ConfigError('configuration error: DATABASE_URL is required'));
  });

  it.each([
    ['DATABASE_URL', 'mysql://x', 'must be a postgresql:// URL'],
    ['NATS_URL', 'http://x:4222', 'must be nats:// URLs'],
    ['RPC_TIMEOUT_MS', '5s', 'must be a whole number'],
    ['RPC_TIMEOUT_MS', '10', 'must be between 100 and 120000'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL'],
  ])('names %s when it is malformed (%s)', (variable, value, fragment) => {
    const env = { DATABASE_URL: 'postgresql://u@h/db', [variable]: value };
    let message = '';
    try {
      loadConfig(schema, env);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(variable);
    expect(message).toContain(fragment);
    expect(message).not.toContain('\n');
  });
});
