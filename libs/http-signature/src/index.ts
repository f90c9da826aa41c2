export * from './content-digest';
export * from './sign-request';
export * from './verify-request';
