import { parseDsmrTelegram } from './dsmr-parser';
import { readDsmrFrame } from './dsmr-frame';
import { dsmrMeterReading } from './dsmr-reading';
import type { DsmrTimeZone } from './dsmr-time';
import { latin1Text, referenceCrc16Arc, SHARED_TELEGRAM_COUNT, sharedTelegrams, type SharedTelegram } from './dsmr-testdata.fixtures';

const telegrams = sharedTelegrams();
const byName = (name: string): SharedTelegram => {
  const found = telegrams.find((t) => t.name === name);
  if (found === undefined) throw new Error(`${name} missing from the shared folder`);
  return found;
};

/** The meter's country, from the README of the shared data: Irish meters are on GMT/IST. */
const zoneOf = (name: string): DsmrTimeZone => (name.startsWith('iskra_ie') ? 'Europe/Dublin' : 'Europe/Amsterdam');

/**
 * Hand-converted 0-0:1.0.0 values: local wall clock minus (standard offset + 1 h when the flag
 * is S). CET for every meter but the Irish one (GMT, and its S flag means UTC+1).
 */
const EXPECTED_UTC: Record<string, string> = {
  'fluvius_v171.txt': '2020-05-12T11:54:09.000Z', // 200512135409S, CEST = UTC+2
  'fluvius_v171_alt.txt': '2023-11-02T11:15:48.000Z', // 231102121548W, CET = UTC+1
  'iskra_ie.txt': '2023-02-02T12:27:47.000Z', // 230202132747S, IST = UTC+1
  'sagemcom_t210_d_r.txt': '2022-10-06T13:50:14.000Z', // 221006155014S
  'unpadded_crc.txt': '2026-02-15T19:05:23.000Z', // 260215200523W
  'v4_2.txt': '2016-11-13T19:57:57.000Z', // 161113205757W
  'v5.txt': '2017-01-02T18:20:02.000Z', // 170102192002W
  'v5_eon_hu.txt': '2023-07-24T13:07:30.000Z', // 230724150730S
  'v5_two_mbus.txt': '2020-04-26T20:33:25.000Z', // 200426223325S
};

describe('the shared DSMR telegrams', () => {
  it('are all present: the folder holds exactly the 13 telegrams CRC.tsv lists', () => {
    expect(telegrams).toHaveLength(SHARED_TELEGRAM_COUNT);
    expect(new Set(telegrams.map((t) => t.crcVerdict))).toEqual(new Set(['valid', 'none', 'none (bytes follow the "!" line)']));
  });

  it.each(telegrams.map((t) => [t.name, t] as const))('%s gets the CRC verdict CRC.tsv gives it', (_name, telegram) => {
    const frame = readDsmrFrame(telegram.bytes);
    if (!frame.ok) throw new Error(`${telegram.name}: ${frame.code}`);
    const expected = telegram.crcVerdict === 'valid' ? 'valid' : 'absent';
    expect(frame.value.crcStatus).toBe(expected);
    expect(frame.value.trailingBytes > 0).toBe(telegram.crcVerdict.includes('bytes follow'));
    if (expected === 'valid') {
      const bang = latin1Text(telegram.bytes).indexOf('\r\n!') + 2;
      expect(frame.value.crcGiven).toBe(referenceCrc16Arc(telegram.bytes.subarray(0, bang + 1)));
    }
  });

  it.each(telegrams.map((t) => [t.name, t] as const))('%s parses, or is refused only for the stray bytes after its "!" line', (_name, telegram) => {
    const result = parseDsmrTelegram(telegram.bytes, { timeZone: zoneOf(telegram.name) });
    if (telegram.crcVerdict.includes('bytes follow')) {
      expect(result).toMatchObject({ ok: false, code: 'DSMR_TRAILING_DATA' });
      return;
    }
    if (!result.ok) throw new Error(`${telegram.name}: ${result.code} ${result.message}`);
    expect(result.value.crcStatus).toBe(telegram.crcVerdict === 'valid' ? 'valid' : 'absent');
    expect(result.value.byteLength).toBe(telegram.bytes.length);
  });

  it('the telegrams with a 0-0:1.0.0 line are exactly those with a hand-converted UTC time', () => {
    const withTimestamp = telegrams.filter((t) => latin1Text(t.bytes).includes('\r\n0-0:1.0.0(')).map((t) => t.name);
    expect(withTimestamp.sort()).toEqual(Object.keys(EXPECTED_UTC).sort());
  });

  it.each(Object.entries(EXPECTED_UTC))('%s has its timestamp converted to %s', (name, iso) => {
    const result = parseDsmrTelegram(byName(name).bytes, { timeZone: zoneOf(name) });
    if (!result.ok) throw new Error(result.code);
    expect(new Date(result.value.timestamp?.utcMs ?? Number.NaN).toISOString()).toBe(iso);
  });

  it('reports the Irish sample summer flag in February as disagreeing with the calendar, and the others as agreeing', () => {
    for (const name of Object.keys(EXPECTED_UTC)) {
      const result = parseDsmrTelegram(byName(name).bytes, { timeZone: zoneOf(name) });
      if (!result.ok) throw new Error(result.code);
      expect([name, result.value.timestamp?.flagMatchesCalendar]).toEqual([name, name !== 'iskra_ie.txt']);
    }
  });

  it('reads the registers of v5.txt to the exact Wh and power to the exact W', () => {
    const result = parseDsmrTelegram(byName('v5.txt').bytes);
    if (!result.ok) throw new Error(result.code);
    const t = result.value;
    // 1-0:1.8.1(000004.426*kWh) 1-0:1.8.2(000002.399*kWh) 1-0:2.8.1(000002.444*kWh) 1-0:2.8.2(000000.000*kWh)
    expect(t.importRegisters).toEqual([{ tariff: 1, energyWh: 4_426n }, { tariff: 2, energyWh: 2_399n }]);
    expect(t.exportRegisters).toEqual([{ tariff: 1, energyWh: 2_444n }, { tariff: 2, energyWh: 0n }]);
    expect(t.powerImportW).toBe(244n); // 00.244*kW
    expect(t.powerExportW).toBe(0n);
    expect(t.version).toBe('50');
    expect(t.header).toEqual({ manufacturer: 'ISk', baudRateId: '5', identification: '\\2MT382-1000' });
    expect(t.equipmentId).toEqual({ raw: '4B384547303034303436333935353037', decoded: 'K8EG004046395507' });
    expect(t.crc).toBe(0x6eee);
  });

  it('reads v3.txt (DSMR 3, no CRC, gas value on a continuation line) with its registers and no timestamp', () => {
    const result = parseDsmrTelegram(byName('v3.txt').bytes);
    if (!result.ok) throw new Error(result.code);
    const t = result.value;
    expect(t.crcStatus).toBe('absent');
    expect(t.crc).toBeUndefined();
    expect(t.timestamp).toBeUndefined();
    expect(t.importRegisters.map((r) => r.energyWh)).toEqual([12_345_678n, 12_345_678n]); // 12345.678*kWh
    expect(t.powerImportW).toBe(1_190n); // 001.19*kW
    expect(t.objects.find((o) => o.obis === '0-1:24.3.0')?.values).toEqual(['090212160000', '00', '60', '1', '0-1:24.2.1', 'm3', '00001.001']);
  });

  it('reads the Sagemcom T210-D registers given in Wh and W, totals included', () => {
    const result = parseDsmrTelegram(byName('sagemcom_t210_d_r.txt').bytes);
    if (!result.ok) throw new Error(result.code);
    expect(result.value.importRegisters).toEqual([
      { tariff: 0, energyWh: 6_545_766n },
      { tariff: 1, energyWh: 5_017_120n },
      { tariff: 2, energyWh: 1_528_646n },
    ]);
    expect(result.value.powerImportW).toBe(286n); // 000000286*W
    const reading = dsmrMeterReading(result.value);
    expect(reading).toEqual({ ok: true, value: { atMs: Date.parse('2022-10-06T13:50:14Z'), importWh: 6_545_766n, exportWh: 58n, timeSource: 'meter' } });
  });

  it('keeps the Belgian tariff registers as they are and decodes the hex equipment id', () => {
    const result = parseDsmrTelegram(byName('fluvius_v171_alt.txt').bytes);
    if (!result.ok) throw new Error(result.code);
    expect(result.value.importRegisters).toEqual([{ tariff: 1, energyWh: 301_548n }, { tariff: 2, energyWh: 270_014n }]);
    expect(result.value.exportRegisters).toEqual([{ tariff: 1, energyWh: 5n }, { tariff: 2, energyWh: 0n }]);
    expect(result.value.powerImportW).toBe(338n);
    expect(result.value.equipmentId).toEqual({ raw: '3153414733313030373231333236', decoded: '1SAG3100721326' });
  });

  it('keeps an equipment id that is not printable hex ASCII raw only', () => {
    const result = parseDsmrTelegram(byName('v4_2.txt').bytes);
    if (!result.ok) throw new Error(result.code);
    expect(result.value.equipmentId).toEqual({ raw: '3960221976967177082151037881335713' });
  });

  it('accepts the unpadded three-digit CRC of the heat meter, which has no electricity registers', () => {
    const result = parseDsmrTelegram(byName('unpadded_crc.txt').bytes);
    if (!result.ok) throw new Error(result.code);
    expect(result.value.crc).toBe(0x0b9f);
    expect(result.value.header.manufacturer).toBe('NWA');
    expect(result.value.importRegisters).toEqual([]);
    expect(dsmrMeterReading(result.value)).toMatchObject({ ok: false, code: 'DSMR_MISSING_REGISTER' });
  });

  it('checks the Hungarian totals against the four tariffs and takes the total', () => {
    const result = parseDsmrTelegram(byName('v5_eon_hu.txt').bytes);
    if (!result.ok) throw new Error(result.code);
    expect(result.value.exportRegisters.map((r) => r.energyWh)).toEqual([627_177n, 401_829n, 225_348n, 0n, 0n]);
    expect(result.value.powerExportW).toBe(2_601n);
    expect(dsmrMeterReading(result.value)).toMatchObject({ ok: true, value: { importWh: 173_640n, exportWh: 627_177n } });
  });

  it('dates a DSMR 2.2 telegram by the gateway fallback time and refuses it without one', () => {
    const result = parseDsmrTelegram(byName('v2_2.txt').bytes);
    if (!result.ok) throw new Error(result.code);
    expect(dsmrMeterReading(result.value)).toMatchObject({ ok: false, code: 'DSMR_MISSING_TIMESTAMP' });
    expect(dsmrMeterReading(result.value, { fallbackAtMs: 1_700_000_000_000 })).toEqual({
      ok: true,
      value: { atMs: 1_700_000_000_000, importWh: 2_002n, exportWh: 2_002n, timeSource: 'gateway' },
    });
  });

  it('parses the same telegram given as a string or as bytes alike', () => {
    const telegram = byName('v5_two_mbus.txt');
    expect(parseDsmrTelegram(latin1Text(telegram.bytes))).toEqual(parseDsmrTelegram(telegram.bytes));
  });
});
