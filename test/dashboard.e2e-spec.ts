import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { registerDevice, signingWith, type Credentials, type RegisteredParticipant } from '@ampool/client';
import { findChromium } from '@ampool/bootstrap';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { eventually, repoRoot, startTestSystem, type TestSystem } from '@ampool/testing';

/**
 * The operator dashboard in a real browser (Debian's Chromium driven by playwright-core)
 * against the whole running system: sign in, watch prices move as trades execute, suspend a
 * participant and a device and see their next orders refused, and keep a screenshot of what it
 * looked like.
 */
describe('the operator dashboard in a browser', () => {
  let sys: TestSystem;
  let browser: Browser;
  let page: Page;
  let operator: Credentials;
  const screenshotDir = join(repoRoot(), '.ampool', 'screenshots');
  const api = (method: string, path: string, body: unknown, as: RegisteredParticipant | Credentials) =>
    sys.client.send(method, path, body, 'key' in as ? signingWith(as.key) : as) as Promise<{ status: number; body: any }>;

  beforeAll(async () => {
    const executablePath = findChromium();
    if (!executablePath) throw new Error('Chromium is not installed: apt-get install chromium (or set CHROMIUM_PATH)');
    [sys, browser] = await Promise.all([
      startTestSystem({ gatewayEnv: { LIVE_HEALTH_SECONDS: '2' } }),
      chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] }),
    ]);
    operator = await sys.operator();
    page = await browser.newPage({ viewport: { width: 1400, height: 1500 } });
    page.on('pageerror', (e) => process.stderr.write(`[browser] ${e.message}\n`));
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
  });

  function nextInterval(): string {
    let start = nextIntervalStartMs(Date.now());
    if (start - Date.now() < 60_000) start = nextIntervalStartMs(start);
    return new Date(start).toISOString();
  }

  it('serves the dashboard under a strict Content-Security-Policy', async () => {
    const response = await page.goto(sys.gatewayUrl);
    expect(response!.status()).toBe(200);
    const csp = response!.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('refuses a wrong password, then signs in and goes live', async () => {
    await page.fill('input[name=email]', sys.operatorAccount.email);
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('button[type=submit]');
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();

    await page.fill('input[name=password]', sys.operatorAccount.password);
    await page.click('button[type=submit]');
    await page.locator('[data-testid=live-status]', { hasText: 'live' }).waitFor();
    await page.locator('[data-testid=health] .service.up', { hasText: 'settlement' }).waitFor();
    expect(await page.locator('[data-testid=health] .service').count()).toBe(6);
  });

  it('shows each trade’s price as it executes, and the ledger growing', async () => {
    const seller = await sys.participant('household', 'Roof Seller');
    const buyer = await sys.participant('household', 'Roof Buyer');
    expect((await api('POST', '/v1/deposits', { id: uuidv7(), participant: buyer.did, amountMicro: '5000000' }, operator)).status).toBe(201);
    const intervalStart = nextInterval();
    const battery = await registerDevice(sys.client, seller, 'battery', { powerW: 10_000n, capacityWh: 13_500n, reserveWh: 1_350n });
    const trade = async (priceMicroPerKwh: string) => {
      const sell = { id: uuidv7(), participant: seller.did, side: 'sell', zone: 'north', intervalStart, quantityWh: '1000', limitPriceMicroPerKwh: priceMicroPerKwh, device: battery.did };
      expect((await api('POST', '/v1/energy/orders', sell, seller)).status).toBe(201);
      const buy = { id: uuidv7(), participant: buyer.did, side: 'buy', zone: 'north', intervalStart, quantityWh: '1000', limitPriceMicroPerKwh: '300000' };
      const placed = await api('POST', '/v1/energy/orders', buy, buyer);
      expect(placed.body.trades).toHaveLength(1);
    };

    const lastPrice = page.locator('[data-testid=zone-north] [data-testid=last-price]');
    await trade('200000');
    await lastPrice.filter({ hasText: '0.200 /kWh' }).waitFor();
    await trade('230000');
    await lastPrice.filter({ hasText: '0.230 /kWh' }).waitFor();
    expect(await page.locator('[data-testid=trades] tbody tr').count()).toBe(2);
    // Both trades (and their holds) are committed: the ledger's height appears.
    await page.locator('[data-testid=ledger-height]').filter({ hasText: /^\d+$/ }).waitFor();
    // The price chart has drawn its canvas.
    expect(await page.locator('[data-testid=price-chart] canvas').count()).toBe(1);

    // A cross-zone trade (north → south, over the 100 kWh link) and orders left resting in
    // north's book: the depth ladder and the flows panel show them once the gateway pushes
    // its next market snapshot.
    const pv = await registerDevice(sys.client, seller, 'pv_inverter', { powerW: 20_000n, capacityWh: 0n, reserveWh: 0n });
    const ask = { id: uuidv7(), participant: seller.did, side: 'sell', zone: 'north', intervalStart, quantityWh: '1500', limitPriceMicroPerKwh: '210000', device: pv.did };
    expect((await api('POST', '/v1/energy/orders', ask, seller)).status).toBe(201);
    const south = { id: uuidv7(), participant: buyer.did, side: 'buy', zone: 'south', intervalStart, quantityWh: '1000', limitPriceMicroPerKwh: '300000', timeInForce: 'IOC' };
    const crossed = await api('POST', '/v1/energy/orders', south, buyer);
    expect(crossed.body.trades).toMatchObject([{ sellerZone: 'north', buyerZone: 'south', energyWh: '1000' }]);
    const bidder = await sys.participant('household', 'Night Buyer');
    expect((await api('POST', '/v1/deposits', { id: uuidv7(), participant: bidder.did, amountMicro: '1000000' }, operator)).status).toBe(201);
    for (const [quantityWh, price] of [['800', '150000'], ['1200', '140000']] as const) {
      const bid = { id: uuidv7(), participant: bidder.did, side: 'buy', zone: 'north', intervalStart, quantityWh, limitPriceMicroPerKwh: price };
      expect((await api('POST', '/v1/energy/orders', bid, bidder)).status).toBe(201);
    }
    const ladder = page.locator('[data-testid=depth-ladder]');
    await ladder.locator('tr.ask', { hasText: '0.210 /kWh' }).filter({ hasText: '500 Wh' }).waitFor();
    await ladder.locator('tr.bid', { hasText: '0.150 /kWh' }).filter({ hasText: '800 Wh' }).waitFor();
    await ladder.locator('tr.bid', { hasText: '0.140 /kWh' }).filter({ hasText: '1.2 kWh' }).waitFor();
    expect(await ladder.locator('tr.spread').textContent()).toBe('spread 0.060 /kWh');
    const flows = page.locator('[data-testid=flows-default] tr', { hasText: 'north → south' });
    await flows.locator('[data-testid=flow]').filter({ hasText: '1.0 kWh / 100.0 kWh · 1 %' }).waitFor();
    expect(await page.locator('[data-testid=flows-default] tr', { hasText: 'south → north' }).locator('[data-testid=flow]').textContent()).toBe('0 Wh / 100.0 kWh · 0 %');

    // "Verify" checks the latest final block in the browser: hash, quorum signatures, link.
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.locator('[data-testid=verify-result]').filter({ hasText: /^block \d+ verified: [23] valid signatures, quorum 2 / }).waitFor();
    // The settlement invariant check, on demand.
    await page.getByRole('button', { name: 'Check the books' }).click();
    await page.locator('[data-testid=invariant-result]').filter({ hasText: /^books balance: / }).waitFor();

    // Suspend the buyer from the participants table…
    const row = page.locator(`[data-testid=participants] tr[data-did="${buyer.did}"]`);
    await row.getByRole('button', { name: 'suspend' }).click();
    await row.getByRole('button', { name: 'Confirm suspend' }).click();
    await row.locator('.status', { hasText: 'suspended' }).waitFor();
    // …and its next order is refused.
    const refused = await eventually(async () => {
      const r = await api('POST', '/v1/energy/orders', { id: uuidv7(), participant: buyer.did, side: 'buy', zone: 'north', intervalStart, quantityWh: '1000', limitPriceMicroPerKwh: '300000' }, buyer);
      return r.status === 403 ? r : undefined;
    }, 10_000, 'the suspended buyer’s order to be refused');
    expect(refused.body.code).toBe('PARTICIPANT_NOT_ACTIVE');

    // Suspend the seller's PV inverter from the devices table: its status changes, and its
    // next sell is refused while the seller's battery still sells.
    const deviceRow = page.locator(`[data-testid=devices] tr[data-did="${pv.did}"]`);
    await deviceRow.locator('td', { hasText: '20.0 kW' }).waitFor();
    await deviceRow.getByRole('button', { name: 'suspend' }).click();
    await deviceRow.getByRole('button', { name: 'Confirm suspend' }).click();
    await deviceRow.locator('.status', { hasText: 'suspended' }).waitFor();
    expect(await deviceRow.getByRole('button', { name: 'reinstate' }).count()).toBe(1);
    const fromPv = await api('POST', '/v1/energy/orders', { ...ask, id: uuidv7(), quantityWh: '100', limitPriceMicroPerKwh: '290000' }, seller);
    expect([fromPv.status, fromPv.body.code]).toEqual([403, 'DEVICE_NOT_OWNED']);
    const fromBattery = await api('POST', '/v1/energy/orders', { ...ask, id: uuidv7(), quantityWh: '100', limitPriceMicroPerKwh: '290000', device: battery.did }, seller);
    expect(fromBattery.status).toBe(201);

    // A driver publishes a trip leaving within the hour and a rider books a seat: the ride
    // panel counts the confirmed booking, and the map draws the route.
    const driver = await sys.participant('driver', 'Driver D');
    const rider = await sys.participant('rider', 'Rider R');
    expect((await api('POST', '/v1/deposits', { id: uuidv7(), participant: rider.did, amountMicro: '50000000' }, operator)).status).toBe(201);
    const departure = Date.now() + 60 * 60_000;
    const route: [number, number][] = [[52.3, 4.85], [52.33, 4.87], [52.3731, 4.8926]];
    const trip = {
      id: uuidv7(), route, departureAt: new Date(departure).toISOString(), arrivalAt: new Date(departure + 25 * 60_000).toISOString(), vehicleCapacity: 4, seatsOffered: 3,
      pricing: { kind: 'per-seat', pricePerSeatMicro: '4000000' }, maxDetourM: 0, maxDetourMinutes: 0, bookingMode: 'instant',
    };
    expect((await api('POST', '/v1/rides/trips', trip, driver)).status).toBe(201);
    const booked = await eventually(async () => {
      const r = await api('POST', '/v1/rides/bookings', { id: uuidv7(), tripId: trip.id, pickup: route[0], dropoff: route[2], seats: 1 }, rider);
      return r.status === 201 ? r : undefined;
    }, 10_000, 'the trip to be bookable');
    expect(booked.body.booking.state).toBe('confirmed');
    await page.locator('[data-testid=rides] .kpi', { hasText: 'Match rate' }).filter({ hasText: '100 %' }).waitFor();
    await page.locator('[data-testid=active-trips]').filter({ hasText: /^1$/ }).waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid=ride-map] .route path').count()).toBe(1);

    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: join(screenshotDir, 'dashboard.png'), fullPage: true });
  });

  it('signs out back to the login form', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('[data-testid=login]').waitFor();
    expect((await page.context().request.get(`${sys.gatewayUrl}/v1/operator/me`)).status()).toBe(401);
  });
});
