export { applyMigrations } from '@ampool/persistence';
export { ensureServiceLogins, redact as redactUrl } from '@ampool/bootstrap';
