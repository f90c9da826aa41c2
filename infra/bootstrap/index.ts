export * from './bootstrap-error';
export * from './ports';
export * from './postgres';
export * from './nats';
export * from './environment';
export * from './app-process';
export * from './service-logins';
export * from './chromium';
