export { applyMigrations } from '@ampool/persistence';
export { redact as redactUrl } from '@ampool/bootstrap';
