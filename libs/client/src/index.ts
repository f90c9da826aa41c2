export * from './ampool-client';
export * from './identities';
export * from './metering';
export * from './rides';
export * from './trip-proofs';
export * from './energy';
