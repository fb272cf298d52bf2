import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SAME_PERSON, groupFaces } from '../../main/engine/faces/people-grouping.js';
import type { GroupingFace } from '../../main/engine/store/people.js';

/** A descriptor `along` units along the first axis (and `aside` along the second). */
const at = (along: number, aside = 0): Float32Array => Float32Array.from({ length: 128 }, (_, j) => (j === 0 ? along : j === 1 ? aside : 0));
const face = (id: number, descriptor: Float32Array, personId: number | null = null): GroupingFace => ({ id, personId, by: personId === null ? null : 'auto', descriptor });

test('people: near faces join one person; a chain of look-alikes does not pull a far face in; a rejected person is never joined again', () => {
  // 1 and 2 are 0.45 apart: one person. 3 is 0.45 from 2 but 0.9 from 1: on average too far.
  const chain = groupFaces([face(1, at(0)), face(2, at(0.45)), face(3, at(0.9))], new Map());
  assert.deepEqual(chain, [
    { faceId: 1, person: { new: 0 } },
    { faceId: 2, person: { new: 0 } },
    { faceId: 3, person: { new: 1 } },
  ]);
  // A new face beside a known person joins them; one far from everyone starts someone new.
  const known = groupFaces([face(1, at(0), 7), face(2, at(0.1), 7), face(3, at(0.2)), face(4, at(3))], new Map());
  assert.deepEqual(known, [
    { faceId: 3, person: 7 },
    { faceId: 4, person: { new: 0 } },
  ]);
  // "Not this person": face 3 may not join 7 again, near as it is.
  const refused = groupFaces([face(1, at(0), 7), face(3, at(0.2))], new Map([[3, new Set([7])]]));
  assert.deepEqual(refused, [{ faceId: 3, person: { new: 0 } }]);
  // Of two people within reach, the nearer on average.
  const nearer = groupFaces([face(1, at(0), 7), face(2, at(0, 0.8), 8), face(3, at(0, 0.5))], new Map());
  assert.deepEqual(nearer, [{ faceId: 3, person: 8 }]);
  assert.equal(SAME_PERSON, 0.5);
});
