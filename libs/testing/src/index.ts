export * from './repo-root';
export * from './shared-testdata';
export * from './test-env';
export * from './test-database';
export * from './test-nats';
export { APP_SERVICE, appEntry, spawnApp, startApp, type AppName, type ServiceApp, type ServiceProcess } from '@ampool/bootstrap';
export * from './test-system';
export * from './http-client';
export * from './row-counts';
