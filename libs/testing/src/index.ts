export * from './repo-root';
export * from './test-env';
export * from './test-database';
export * from './test-nats';
export * from './service-process';
