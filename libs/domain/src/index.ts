export * from './money';
export * from './interval';
export * from './uuid-v7';
export * from './clock';
