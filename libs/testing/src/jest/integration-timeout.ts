// Integration tests talk to real PostgreSQL and nats-server: allow them a minute.
jest.setTimeout(60_000);
