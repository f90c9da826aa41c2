export * from './types';
export * from './transfer-book';
export * from './invariants';
export * from './memory-books';
