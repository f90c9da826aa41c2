// e2e tests boot every service as a process (seconds on a 2-core machine): allow three minutes.
jest.setTimeout(180_000);
