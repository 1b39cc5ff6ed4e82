// The encoder supervisor's decisions (live-pusher.zh.md 状态码 -1301, -1302, 1104, -1303, -1304): the
// restart budget on an injected clock and the failure codes.
import { describe, expect, it } from 'vitest';
import { statusCode } from '../../spec/index.ts';
import { ENCODER_RESTART_LIMIT, RestartBudget, audioDeathReport, deathReport, followUpFailureReport, startFailureReport } from '../../reference-pusher/encoder-supervisor.ts';
import { MicrophoneUnavailableError } from '../../adapters/microphone/devices.ts';

/** A clock the test moves by hand. */
function manualClock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('RestartBudget', () => {
  it(`allows ${ENCODER_RESTART_LIMIT.count} restarts within ${ENCODER_RESTART_LIMIT.windowMs} ms and gives up on the next death`, () => {
    const clock = manualClock();
    const budget = new RestartBudget(ENCODER_RESTART_LIMIT, clock.now);
    for (let i = 0; i < ENCODER_RESTART_LIMIT.count; i++) {
      expect(budget.onDeath()).toBe('restart');
      clock.advance(100);
    }
    expect(budget.onDeath()).toBe('give-up');
  });

  it('starts over after giving up', () => {
    const clock = manualClock();
    const budget = new RestartBudget({ count: 1, windowMs: 1000 }, clock.now);
    expect([budget.onDeath(), budget.onDeath(), budget.onDeath()]).toEqual(['restart', 'give-up', 'restart']);
  });

  it('forgets deaths older than the window', () => {
    const clock = manualClock(50_000);
    const budget = new RestartBudget({ count: 2, windowMs: 1000 }, clock.now);
    expect(budget.onDeath()).toBe('restart');
    clock.advance(600);
    expect(budget.onDeath()).toBe('restart');
    clock.advance(400); // the first death is now exactly one window old: out of it
    expect(budget.onDeath()).toBe('restart');
    clock.advance(1);
    expect(budget.onDeath()).toBe('give-up');
  });
});

describe('supervisor reports', () => {
  const err = new Error('ffmpeg exited with code 1\nstderr line 2');

  it('a death within budget is 1104 with the first line of the cause', () => {
    expect(deathReport('restart', err)).toEqual({ code: 1104, message: `${statusCode(1104).meaning}: ffmpeg exited with code 1` });
  });

  it('a death past the budget is -1303 and says the restarts did not help', () => {
    expect(deathReport('give-up', err, { count: 3, windowMs: 10_000 })).toEqual({
      code: -1303,
      message: `${statusCode(-1303).meaning}: ffmpeg exited with code 1 (3 restarts within 10 s did not help)`,
    });
  });

  it('an audio stall within budget has no code (restarted quietly); past it, -1304 with the cause', () => {
    expect(audioDeathReport('restart', err)).toBeNull();
    expect(audioDeathReport('give-up', err, { count: 3, windowMs: 10_000 })).toEqual({
      code: -1304,
      message: `${statusCode(-1304).meaning}: ffmpeg exited with code 1 (3 restarts within 10 s did not help)`,
    });
  });

  it('a failed start whose microphone, opened alone, stays silent is -1311; a probe that fails too changes nothing', () => {
    expect(startFailureReport('camera', err, 'silent')).toEqual({
      code: -1311,
      message: `${statusCode(-1311).meaning}: ffmpeg exited with code 1; opened alone, the microphone delivered no sample within 2500 ms`,
    });
    expect(startFailureReport('camera', err, 'fails').code).toBe(-1301);
    expect(startFailureReport('camera', err, 'delivers').code).toBe(-1301);
  });

  it('a failed start is -1301 while opening the camera, else -1302', () => {
    expect(startFailureReport('camera', err)).toEqual({ code: -1301, message: `${statusCode(-1301).meaning}: ffmpeg exited with code 1` });
    expect(startFailureReport('still', err).code).toBe(-1302);
    expect(startFailureReport('black', err).code).toBe(-1302);
  });

  it('a microphone that cannot be opened is -1302 even while opening the camera', () => {
    const mic = new MicrophoneUnavailableError('microphone playing x.wav cannot be opened: missing or busy');
    expect(startFailureReport('camera', mic)).toEqual({ code: -1302, message: `${statusCode(-1302).meaning}: ${mic.message}` });
  });

  it('a failed follow-up is reported as 1104', () => {
    expect(followUpFailureReport(err)).toEqual({ code: 1104, message: `${statusCode(1104).meaning}: ffmpeg exited with code 1` });
  });
});
