import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hostname } from 'node:os';
import type { ServiceName } from '@ampool/contracts';

/** Which service this process is, and which instance of it. */
export interface ServiceIdentity {
  service: ServiceName;
  instance: string;
  version: string;
  startedAt: number;
}

export const SERVICE_IDENTITY = Symbol('SERVICE_IDENTITY');

let cachedVersion: string | undefined;

/** The product version from the repository's package.json (found by walking up). */
export function productVersion(): string {
  if (cachedVersion) return cachedVersion;
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ampool') return (cachedVersion = pkg.version ?? '0.0.0');
    }
    dir = dirname(dir);
  }
  return (cachedVersion = '0.0.0');
}

/** A default instance name: host and pid, unique enough among instances on one NATS. */
export function defaultInstance(): string {
  return `${hostname().replace(/[^a-zA-Z0-9_-]/g, '').slice(0, 24) || 'host'}-${process.pid}`;
}
