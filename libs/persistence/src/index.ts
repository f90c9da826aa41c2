export * from './prisma-client';
export * from './service-schema';
export * from './migration-runner';
export * from './database-admin';
export * from './outbox.store';
export * from './processed-events.store';
export * from './persistence.module';
