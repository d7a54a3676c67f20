/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { settleToProveNothingMore, waitFor } from '../testing/wait-for.ts';
import { Backoff } from './backoff.ts';

describe('widget retry backoff', () => {
  it('doubles the wait up to the maximum, draws it between half and all of the delay, and starts over after a success', () => {
    const draws = [0, 1, 0.5, 1, 1, 1, 0];
    const backoff = new Backoff(100, 500, () => draws.shift()!);
    const waits = Array.from({ length: 6 }, () => backoff.schedule(() => {}));
    expect(waits).to.deep.equal([50, 200, 300, 500, 500, 500]);
    backoff.reset();
    expect(backoff.schedule(() => {})).to.equal(50);
    backoff.cancel();
  });

  it('runs only the latest scheduled attempt, and nothing once cancelled', async () => {
    const backoff = new Backoff(5, 5, () => 1);
    const ran: string[] = [];
    backoff.schedule(() => ran.push('first'));
    backoff.schedule(() => ran.push('second'));
    // Both were due at the same time, the first one first: once 'second' ran, 'first' would have too.
    await waitFor(() => ran.length > 0, { what: 'the scheduled attempt' });
    expect(ran).to.deep.equal(['second']);
    backoff.schedule(() => ran.push('third'));
    backoff.cancel();
    await settleToProveNothingMore(30); // six times the delay: 'third' would have run by then
    expect(ran).to.deep.equal(['second']);
  });

  it("waits the server's RATE_LIMITED delay plus jitter, leaving the doubling delay alone", () => {
    const draws = [0, 1, 0];
    const backoff = new Backoff(100, 500, () => draws.shift()!);
    expect(backoff.after(2_000, () => {})).to.equal(2_000);
    expect(backoff.after(2_000, () => {})).to.equal(2_000 + 400 + 250);
    expect(backoff.schedule(() => {})).to.equal(50); // still the base delay
    backoff.cancel();
  });
});
