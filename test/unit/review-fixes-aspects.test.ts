// Contrast splitting: defects found reviewing the day's changes.
import assert from 'node:assert/strict';
import { splitContrast } from '../../src/core/analysis/aspects';

describe('splitContrast: clauses never repeat text', () => {
  it('a second marker inside a leading concession does not cut back into it', () => {
    const text = 'Although it was cheap and although it looked nice, it broke.';
    const cl = splitContrast(text);
    assert.deepEqual(cl, ['it was cheap and although it looked nice', 'it broke.']);
    // every clause is its own part of the text: together no longer than it
    assert.ok(cl.join(' ').length <= text.length, JSON.stringify(cl));
  });

  it('nor does a "but" inside it ("Although it is cheap but nice, it broke")', () => {
    const cl = splitContrast('Although it is cheap but nice, it broke.');
    assert.deepEqual(cl, ['it is cheap but nice', 'it broke.']);
  });
});
