import { MAX_TELEGRAM_BYTES } from './dsmr-frame';
import { parseDsmrTelegram, type DsmrParseResult } from './dsmr-parser';
import { dsmrMeterReading } from './dsmr-reading';
import { ascii, buildTelegram, latin1Text, referenceCrc16Arc, resealed, sharedTelegrams } from './dsmr-testdata.fixtures';

const withCrc = sharedTelegrams().filter((t) => t.crcVerdict === 'valid');
const v5 = latin1Text(sharedTelegrams().find((t) => t.name === 'v5.txt')?.bytes ?? new Uint8Array());
const v5UpToBang = v5.slice(0, v5.indexOf('\r\n!') + 3);
const HEADER = '/ISk5\\2MT382-1000';
const TIMESTAMP = '0-0:1.0.0(240115120000W)';

function codeOf(result: DsmrParseResult): string {
  return result.ok ? 'ok' : result.code;
}

function parsed(result: DsmrParseResult) {
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.value;
}

describe('parseDsmrTelegram on malformed variants of real telegrams', () => {
  it('refuses every proper prefix of every telegram with a CRC as truncated', () => {
    for (const telegram of withCrc) {
      for (let length = 0; length < telegram.bytes.length; length++) {
        const code = codeOf(parseDsmrTelegram(telegram.bytes.subarray(0, length)));
        if (code !== 'DSMR_TRUNCATED') throw new Error(`${telegram.name} cut at ${length}: ${code}`);
      }
    }
  });

  it('refuses a telegram with one register digit changed as a CRC mismatch', () => {
    for (const telegram of withCrc) {
      const text = latin1Text(telegram.bytes);
      const at = text.indexOf('*kWh)') - 1;
      if (at < 0) continue;
      const digit = text[at] === '9' ? '0' : String(Number(text[at]) + 1);
      const corrupted = ascii(text.slice(0, at) + digit + text.slice(at + 1));
      expect([telegram.name, codeOf(parseDsmrTelegram(corrupted))]).toEqual([telegram.name, 'DSMR_CRC_MISMATCH']);
    }
  });

  it('refuses a broken OBIS line even when the CRC was recomputed over it', () => {
    const broken = [
      v5UpToBang.replace('1-0:1.8.1(000004.426*kWh)', '1-0:1.8.1(000004.426*kWh'), // unclosed value
      v5UpToBang.replace('1-0:1.8.1(', '1-0:1.8.1 ('), // space before value
      v5UpToBang.replace('1-0:1.8.1(', '1-0:1.8('), // two value groups in the reference
      v5UpToBang.replace('1-0:1.8.1(', '1-0:1.8.256('), // group above 255
      v5UpToBang.replace('0-0:96.14.0(0002)', ''), // an empty line inside the data
      v5UpToBang.replace('0-0:96.14.0(0002)', '0-0:96.14.0'), // no value at all
    ];
    const codes = broken.map((text) => codeOf(parseDsmrTelegram(resealed(text))));
    expect(codes).toEqual(broken.map(() => 'DSMR_BAD_OBIS'));
  });

  it('refuses a continuation line directly after the header', () => {
    expect(codeOf(parseDsmrTelegram(buildTelegram(HEADER, ['(00001.001)'])))).toBe('DSMR_BAD_OBIS');
  });

  it('refuses any bytes after the end line, even a second CRLF', () => {
    for (const junk of ['\r\n', 'x', '/ISk5\\2MT382-1000\r\n', '\x00']) {
      for (const telegram of withCrc) {
        const bytes = new Uint8Array([...telegram.bytes, ...ascii(junk)]);
        expect([telegram.name, codeOf(parseDsmrTelegram(bytes))]).toEqual([telegram.name, 'DSMR_TRAILING_DATA']);
      }
    }
  });

  it('refuses LF-only line endings instead of repairing them, since the CRC covers CRLF', () => {
    for (const telegram of sharedTelegrams().filter((t) => t.crcVerdict !== 'none (bytes follow the "!" line)')) {
      const lfOnly = ascii(latin1Text(telegram.bytes).replace(/\r\n/g, '\n'));
      expect([telegram.name, codeOf(parseDsmrTelegram(lfOnly))]).toEqual([telegram.name, 'DSMR_BAD_LINE_ENDING']);
    }
  });

  it('refuses a lone CR in the middle of a line', () => {
    expect(codeOf(parseDsmrTelegram(resealed(v5UpToBang.replace('1-0:1.8.1(', '1-0:1.8.1\r('))))).toBe('DSMR_BAD_LINE_ENDING');
  });

  it('refuses a CRC field of five digits or with a non-hex character', () => {
    const base = v5UpToBang;
    expect(codeOf(parseDsmrTelegram(ascii(`${base}06EEE\r\n`)))).toBe('DSMR_BAD_CRC_FIELD');
    expect(codeOf(parseDsmrTelegram(ascii(`${base}6EEG\r\n`)))).toBe('DSMR_BAD_CRC_FIELD');
    expect(codeOf(parseDsmrTelegram(ascii(`${base}6EEE \r\n`)))).toBe('DSMR_BAD_CRC_FIELD');
  });

  it('compares the CRC numerically: lower case and leading zeros are the same CRC', () => {
    const crc = referenceCrc16Arc(ascii(v5UpToBang));
    expect(parsed(parseDsmrTelegram(ascii(`${v5UpToBang}${crc.toString(16).toLowerCase()}\r\n`))).crc).toBe(crc);
    const small = buildTelegram(HEADER, ['1-0:1.8.1(000000.001*kWh)']);
    const text = latin1Text(small);
    const smallCrc = referenceCrc16Arc(ascii(text.slice(0, text.indexOf('!') + 1)));
    const unpadded = text.slice(0, text.indexOf('!') + 1) + smallCrc.toString(16) + '\r\n';
    expect(parsed(parseDsmrTelegram(ascii(unpadded))).crc).toBe(smallCrc);
  });

  it('refuses a telegram that does not start with "/", a malformed identification line, or no empty line after it', () => {
    expect(codeOf(parseDsmrTelegram(ascii(`x${latin1Text(buildTelegram(HEADER, []))}`)))).toBe('DSMR_BAD_HEADER');
    expect(codeOf(parseDsmrTelegram(buildTelegram('/I5', [])))).toBe('DSMR_BAD_HEADER');
    expect(codeOf(parseDsmrTelegram(buildTelegram('/IS1k5X', [])))).toBe('DSMR_BAD_HEADER');
    expect(codeOf(parseDsmrTelegram(resealed(`${HEADER}\r\n${TIMESTAMP}\r\n!`)))).toBe('DSMR_BAD_HEADER');
  });

  it('refuses the same OBIS reference twice, also when one is written with *255', () => {
    expect(codeOf(parseDsmrTelegram(buildTelegram(HEADER, ['1-0:1.8.1(000001.000*kWh)', '1-0:1.8.1(000002.000*kWh)'])))).toBe('DSMR_DUPLICATE_OBIS');
    expect(codeOf(parseDsmrTelegram(buildTelegram(HEADER, ['1-0:1.8.1(000001.000*kWh)', '1-0:1.8.1*255(000001.000*kWh)'])))).toBe('DSMR_DUPLICATE_OBIS');
  });

  it('refuses registers with an unknown unit, a sign, an exponent or no number', () => {
    for (const value of ['000001.000*MWh', '000001.000*kwh', '-00001.000*kWh', '1e3*kWh', '.5*kWh', '5.*kWh', '000001.000', '*kWh']) {
      expect([value, codeOf(parseDsmrTelegram(buildTelegram(HEADER, [`1-0:1.8.1(${value})`])))]).toEqual([value, 'DSMR_BAD_VALUE']);
    }
    expect(codeOf(parseDsmrTelegram(buildTelegram(HEADER, ['1-0:1.7.0(00.244*kWh)'])))).toBe('DSMR_BAD_VALUE');
    expect(codeOf(parseDsmrTelegram(buildTelegram(HEADER, ['1-0:1.8.1(000001.000*kWh)(1)'])))).toBe('DSMR_BAD_VALUE');
  });

  it('converts kWh and kW with any number of decimals exactly when the result is whole', () => {
    const t = parsed(
      parseDsmrTelegram(
        buildTelegram(HEADER, [
          '1-0:1.8.1(12345.6*kWh)',
          '1-0:1.8.2(000000.0010000*kWh)',
          '1-0:2.8.1(999999999.999*kWh)',
          '1-0:2.8.2(42.000*Wh)',
          '1-0:1.7.0(3*kW)',
          '1-0:2.7.0(0.500*kW)',
        ]),
      ),
    );
    expect(t.importRegisters).toEqual([{ tariff: 1, energyWh: 12_345_600n }, { tariff: 2, energyWh: 1n }]);
    expect(t.exportRegisters).toEqual([{ tariff: 1, energyWh: 999_999_999_999n }, { tariff: 2, energyWh: 42n }]);
    expect(t.powerImportW).toBe(3_000n);
    expect(t.powerExportW).toBe(500n);
  });

  it('refuses energy or power that is not a whole number of Wh or W', () => {
    for (const line of ['1-0:1.8.1(000001.0005*kWh)', '1-0:1.8.1(000001.5*Wh)', '1-0:1.7.0(001688.21*W)', '1-0:2.7.0(00.0001*kW)']) {
      expect([line, codeOf(parseDsmrTelegram(buildTelegram(HEADER, [line])))]).toEqual([line, 'DSMR_UNREPRESENTABLE_VALUE']);
    }
  });

  it('refuses the EasyMeter telegrams, once their stray bytes are cut off, for registers in fractions of a Wh', () => {
    for (const telegram of sharedTelegrams().filter((t) => t.name.startsWith('esy5q3d'))) {
      const text = latin1Text(telegram.bytes);
      const cut = ascii(text.slice(0, text.indexOf('\r\n!') + 5)); // up to and including "!\r\n"
      const result = parseDsmrTelegram(cut);
      expect([telegram.name, codeOf(result)]).toEqual([telegram.name, 'DSMR_UNREPRESENTABLE_VALUE']);
      expect(result.ok ? 0 : result.line).toBe(4);
    }
  });

  it('refuses a timestamp that is not a real date or has no S/W flag', () => {
    for (const raw of ['241315120000W', '240230120000W', '240115240000W', '240115126000W', '240115120060S', '240115120000', '240115120000X', '20240115120000W']) {
      expect([raw, codeOf(parseDsmrTelegram(buildTelegram(HEADER, [`0-0:1.0.0(${raw})`])))]).toEqual([raw, 'DSMR_BAD_TIMESTAMP']);
    }
    expect(codeOf(parseDsmrTelegram(buildTelegram(HEADER, ['0-0:1.0.0(240229120000W)'])))).toBe('ok'); // 2024 is a leap year
  });

  it('converts the same wall-clock time differently for Amsterdam and Dublin', () => {
    const telegram = buildTelegram(HEADER, ['0-0:1.0.0(240701120000S)']);
    expect(parsed(parseDsmrTelegram(telegram)).timestamp?.utcMs).toBe(Date.parse('2024-07-01T10:00:00Z'));
    expect(parsed(parseDsmrTelegram(telegram, { timeZone: 'Europe/Dublin' })).timestamp?.utcMs).toBe(Date.parse('2024-07-01T11:00:00Z'));
  });

  it('refuses an unsupported time zone before looking at the telegram', () => {
    expect(codeOf(parseDsmrTelegram(new Uint8Array(), { timeZone: 'Europe/London' as never }))).toBe('DSMR_UNSUPPORTED_TIME_ZONE');
  });

  it('refuses an input longer than the limit, and accepts one at the limit', () => {
    const lines: string[] = [];
    let telegram = buildTelegram(HEADER, lines);
    while (telegram.length < MAX_TELEGRAM_BYTES - 40) {
      lines.push(`0-${Math.floor(lines.length / 250)}:96.13.${lines.length % 250}(${'41'.repeat(10)})`);
      telegram = buildTelegram(HEADER, lines);
    }
    const padTo = (n: number): Uint8Array => {
      const overhead = buildTelegram(HEADER, [...lines, '1-0:99.99.99()']).length;
      return buildTelegram(HEADER, [...lines, `1-0:99.99.99(${'4'.repeat(n - overhead)})`]);
    };
    expect(padTo(MAX_TELEGRAM_BYTES)).toHaveLength(MAX_TELEGRAM_BYTES);
    expect(codeOf(parseDsmrTelegram(padTo(MAX_TELEGRAM_BYTES)))).toBe('ok');
    expect(codeOf(parseDsmrTelegram(padTo(MAX_TELEGRAM_BYTES + 1)))).toBe('DSMR_TOO_LARGE');
  });

  it('accepts a telegram without a CRC and says so', () => {
    const t = parsed(parseDsmrTelegram(buildTelegram(HEADER, ['1-0:1.8.1(000001.000*kWh)'], 'none')));
    expect(t.crcStatus).toBe('absent');
    expect(t.importRegisters).toEqual([{ tariff: 1, energyWh: 1_000n }]);
  });

  it('reports the line of a syntax error', () => {
    const result = parseDsmrTelegram(buildTelegram(HEADER, [TIMESTAMP, '1-0:1.8.1(000001.000*kWh)', 'garbage']));
    expect(result).toMatchObject({ ok: false, code: 'DSMR_BAD_OBIS', line: 5 });
  });
});

describe('dsmrMeterReading', () => {
  const reading = (lines: string[]) => dsmrMeterReading(parsed(parseDsmrTelegram(buildTelegram(HEADER, [TIMESTAMP, ...lines]))));

  it('adds up the tariff registers', () => {
    expect(reading(['1-0:1.8.1(000001.500*kWh)', '1-0:1.8.2(000002.250*kWh)', '1-0:2.8.1(000000.001*kWh)'])).toEqual({
      ok: true,
      value: { atMs: Date.parse('2024-01-15T11:00:00Z'), importWh: 3_750n, exportWh: 1n, timeSource: 'meter' },
    });
  });

  it('uses a total register alone when there are no tariff registers', () => {
    expect(reading(['1-0:1.8.0(000010.000*kWh)', '1-0:2.8.0(000000.000*kWh)'])).toMatchObject({ ok: true, value: { importWh: 10_000n, exportWh: 0n } });
  });

  it('refuses a total that disagrees with its tariffs', () => {
    expect(reading(['1-0:1.8.0(000010.000*kWh)', '1-0:1.8.1(000004.000*kWh)', '1-0:1.8.2(000005.000*kWh)', '1-0:2.8.1(000000.000*kWh)'])).toMatchObject({
      ok: false,
      code: 'DSMR_INCONSISTENT_TOTAL',
    });
  });

  it('refuses a telegram without an export register rather than reading it as zero export', () => {
    expect(reading(['1-0:1.8.1(000001.000*kWh)'])).toMatchObject({ ok: false, code: 'DSMR_MISSING_REGISTER' });
  });

  it('prefers the meter timestamp over the fallback', () => {
    const result = dsmrMeterReading(parsed(parseDsmrTelegram(buildTelegram(HEADER, [TIMESTAMP, '1-0:1.8.1(1*kWh)', '1-0:2.8.1(0*kWh)']))), {
      fallbackAtMs: 5,
    });
    expect(result).toMatchObject({ ok: true, value: { atMs: Date.parse('2024-01-15T11:00:00Z'), timeSource: 'meter' } });
  });
});
