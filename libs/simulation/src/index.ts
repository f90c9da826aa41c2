export * from './seeded-random';
export * from './solar';
export * from './load';
export * from './battery';
export * from './household';
export * from './population';
export * from './kpis';
export * from './report/svg-chart';
