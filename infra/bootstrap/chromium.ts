import { existsSync } from 'node:fs';
import { BootstrapError } from './bootstrap-error';
import { canInstallDebianPackages, installDebianPackage } from './debian-packages';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium', '/usr/bin/google-chrome'];

/** The Chromium the browser tests drive: CHROMIUM_PATH, or the distribution's. */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

/**
 * Finds Chromium or installs Debian's package (as root with apt-get). Browser tests use this
 * binary through playwright-core, which never downloads a browser of its own.
 */
export function ensureChromium(log: (line: string) => void): string {
  const found = findChromium();
  if (found) return found;
  if (canInstallDebianPackages() && !process.env.CHROMIUM_PATH) {
    const installed = installDebianPackage('chromium', log) ? findChromium() : undefined;
    if (installed) return installed;
  }
  throw new BootstrapError(
    [
      'The browser tests need Chromium, and none was found. Install it, then run this again:',
      '  Debian/Ubuntu: sudo apt-get install chromium',
      '  or set CHROMIUM_PATH to a Chromium or Chrome binary.',
    ].join('\n'),
  );
}
