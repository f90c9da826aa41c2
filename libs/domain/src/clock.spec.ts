import { ScaledClock, simulatedNow } from './clock';

describe('simulated time', () => {
  it('runs at its rate from its reference point', () => {
    const setting = { simAtMs: 1_000_000, realAtMs: 50, rate: 90 };
    expect(simulatedNow(setting, 50)).toBe(1_000_000);
    expect(simulatedNow(setting, 60)).toBe(1_000_900);
    // before the reference point it has not started yet
    expect(simulatedNow(setting, 0)).toBe(1_000_000);
  });

  it('stands still at rate 0 (stepped runs) and moves when the next step is set', () => {
    let real = 0;
    const clock = new ScaledClock({ simAtMs: 500, realAtMs: 0, rate: 0 }, () => real);
    real = 10_000;
    expect(clock.now()).toBe(500);
    clock.set({ simAtMs: 900_500, realAtMs: real, rate: 0 });
    expect(clock.now()).toBe(900_500);
  });

  it('never goes backwards, even when a setting would take it back', () => {
    let real = 0;
    const clock = new ScaledClock({ simAtMs: 1_000, realAtMs: 0, rate: 1 }, () => real);
    real = 500;
    expect(clock.now()).toBe(1_500);
    clock.set({ simAtMs: 1_200, realAtMs: 500, rate: 1 });
    expect(clock.now()).toBe(1_500);
    real = 900;
    expect(clock.now()).toBe(1_600);
  });
});
