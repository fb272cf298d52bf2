import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { explain } from '../../main/engine/embed/decode-image.js';

test('a decode error libvips could not name (its message lost to another thread) still says a file cut short is damaged, from its bytes', async () => {
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } }).jpeg().toBuffer();
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } }).png().toBuffer();
  const lost = new Error('Unknown error');
  assert.match(explain(lost, jpeg.subarray(0, jpeg.length / 2)), /^the image is damaged or incomplete \(it ends before its end marker/);
  assert.match(explain(lost, png.subarray(0, png.length - 20)), /^the image is damaged or incomplete/);
  assert.equal(explain(lost, jpeg), 'cannot decode the image (Unknown error)', 'a whole file is not called cut short');
  assert.match(explain(new Error('VipsJpeg: Premature end of input file'), jpeg), /^the image is damaged or incomplete/);
});
