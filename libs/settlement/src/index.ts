export * from './transfers';
export * from './energy';
