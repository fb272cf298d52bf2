import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkClock } from '../../main/engine/jobs/work-clock.js';
import { etaText } from '../../main/cli/eta.js';

test('a job paused for a minute is not slower for it: the clock leaves paused time out', () => {
  const clock = new WorkClock();
  assert.equal(clock.seconds(5_000), 0, 'not started: no time');
  clock.start(1_000);
  clock.start(2_000); // a second start changes nothing
  assert.equal(clock.seconds(11_000), 10);
  clock.pause(11_000);
  assert.equal(clock.seconds(71_000), 10, 'paused: the clock stands still');
  clock.resume(71_000);
  assert.equal(clock.seconds(81_000), 20);
  clock.resume(90_000); // resuming what runs changes nothing
  assert.equal(clock.seconds(91_000), 30);
});

test('the time left reads as a person says it; unknown until there is a rate', () => {
  assert.equal(etaText(null), 'estimating…');
  assert.equal(etaText(Number.NaN), 'estimating…');
  assert.equal(etaText(0), '0 s');
  assert.equal(etaText(59.4), '59 s');
  assert.equal(etaText(125), '2 min 5 s');
  assert.equal(etaText(3 * 3600 + 7 * 60), '3 h 7 min');
});
