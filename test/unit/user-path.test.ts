import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { userPath } from '../../main/engine/library/user-path.js';

test('a path as a person types it: ~ is their home, quotes and spaces around it go', () => {
  assert.equal(userPath('~'), os.homedir());
  assert.equal(userPath('~/Pictures/2024'), path.join(os.homedir(), 'Pictures', '2024'));
  assert.equal(userPath('  "/media/photos/Summer trip"  '), '/media/photos/Summer trip');
  assert.equal(userPath("'/media/photos'"), '/media/photos');
  assert.equal(userPath('/media/photos/../photos/'), '/media/photos');
});

test('a relative path is refused in words, not resolved against the server\'s working folder', () => {
  assert.throws(() => userPath('Pictures'), /"Pictures" is not a full path: type the folder's whole path, such as .*Pictures \(or ~\/Pictures\)/);
  assert.throws(() => userPath('./photos', 'file'), /type the file's whole path/);
  assert.throws(() => userPath('~someone/photos'), /not a full path/);
});
