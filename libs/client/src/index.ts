export * from './ampool-client';
export * from './identities';
