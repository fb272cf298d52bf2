import type { GroupingFace } from '../store/people.js';

/**
 * Faces grouped into people, incrementally and conservatively: a face not yet anyone's joins
 * the person whose faces it is nearest on average (average linkage) when that average is
 * within SAME_PERSON, else it starts a person of its own. Average linkage, not the nearest
 * single face: linking a face to anyone it is close to chains unrelated people together
 * through look-alikes (measured on real faces in the issue: nearly everyone in one group),
 * while the average over a person's faces stays put. A split person is merged by hand; a
 * wrong face is taken out by hand ("not this person"), and never put back with them.
 */

/** Average descriptor distance within which a face is the same person (face-api's 128-d descriptors). */
export const SAME_PERSON = 0.5;
/** People compared in full (average linkage) per face: those whose mean face is nearest. */
const CANDIDATES = 8;
/** A person's faces a new face is compared with, at most (spread over all of theirs). */
const COMPARED = 64;

export type Assignment = { faceId: number; person: number | { new: number } };

interface Person {
  key: number | { new: number };
  faces: Float32Array[];
  sum: Float64Array;
}

const distance = (a: Float32Array, b: ArrayLike<number>, scale = 1): number => {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += ((a[j] as number) - (b[j] as number) * scale) ** 2;
  return Math.sqrt(sum);
};

/** Where each face nobody has yet goes: an existing person (their id) or a new one (numbered from 0). */
export function groupFaces(faces: readonly GroupingFace[], rejected: ReadonlyMap<number, ReadonlySet<number>>): Assignment[] {
  const people = new Map<number | string, Person>();
  const add = (person: Person, descriptor: Float32Array): void => {
    person.faces.push(descriptor);
    for (let j = 0; j < descriptor.length; j++) person.sum[j] = (person.sum[j] as number) + (descriptor[j] as number);
  };
  for (const face of faces) {
    if (face.personId === null) continue;
    const person = people.get(face.personId) ?? { key: face.personId, faces: [], sum: new Float64Array(face.descriptor.length) };
    add(person, face.descriptor);
    people.set(face.personId, person);
  }
  const out: Assignment[] = [];
  let made = 0;
  for (const face of faces) {
    if (face.personId !== null) continue;
    const refused = rejected.get(face.id);
    const near = [...people.values()]
      .filter((person) => typeof person.key !== 'number' || !refused?.has(person.key))
      .map((person) => ({ person, centroid: distance(face.descriptor, person.sum, 1 / person.faces.length) }))
      .sort((a, b) => a.centroid - b.centroid)
      .slice(0, CANDIDATES);
    let best: { person: Person; average: number } | null = null;
    for (const { person } of near) {
      const step = Math.max(1, person.faces.length / COMPARED);
      let [sum, count] = [0, 0];
      for (let at = 0; at < person.faces.length; at += step) {
        sum += distance(face.descriptor, person.faces[Math.floor(at)] as Float32Array);
        count++;
      }
      const average = sum / count;
      if (average <= SAME_PERSON && (!best || average < best.average)) best = { person, average };
    }
    const person = best?.person ?? { key: { new: made++ }, faces: [], sum: new Float64Array(face.descriptor.length) };
    if (!best) people.set(`new:${(person.key as { new: number }).new}`, person);
    add(person, face.descriptor);
    out.push({ faceId: face.id, person: person.key });
  }
  return out;
}
