import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SemblanceError } from '../../main/engine/errors.js';
import { parseQuery } from '../../main/engine/search/query-language.js';
import { relevanceCutoff } from '../../main/engine/search/relevance-cutoff.js';

test('the query language: words, +/- concepts, weights, phrases, like: and filters', () => {
  const parsed = parseQuery('dog at the beach -people +sunset 2:red 0.5:"old car" like:IMG_1234.jpg in:/photos/2024 label:cat kind:photo');
  assert.deepEqual(
    parsed.terms.map(({ text, like, weight }) => ({ text, like, weight })),
    [
      { text: 'dog at the beach', like: undefined, weight: 1 },
      { text: 'people', like: undefined, weight: -1 },
      { text: 'sunset', like: undefined, weight: 1 },
      { text: 'red', like: undefined, weight: 2 },
      { text: 'old car', like: undefined, weight: 0.5 },
      { text: undefined, like: 'IMG_1234.jpg', weight: 1 },
    ],
  );
  assert.deepEqual(parsed.filters, { in: ['/photos/2024'], labels: ['cat'], kinds: ['photo'] });
  assert.deepEqual(parseQuery('"a red car" -"parking lot"').terms.map((t) => [t.text, t.weight]), [
    ['a red car', 1],
    ['parking lot', -1],
  ]);
  assert.deepEqual(parseQuery('like:42 colour:navy color:#1f3a93').terms.map(({ like, colour }) => [like, colour]), [
    ['42', undefined],
    [undefined, 'navy'],
    [undefined, '#1f3a93'],
  ]);
  const dates = parseQuery('snow after:2023-12 before:2024-02-29').filters;
  assert.equal(dates.after, new Date(2023, 11, 1).getTime());
  assert.equal(dates.before, new Date(2024, 2, 1).getTime() - 1);
});

test('query errors say what is wrong and where', () => {
  const cases: [string, RegExp][] = [
    ['', /The query is empty/],
    ['   ', /The query is empty/],
    ['-people -crowds', /only negative terms/],
    ['cat hue:red', /Unknown filter "hue:" .*at character 5/],
    ['cat kind:video', /kind: takes photo or product, not "video" \(at character 10/],
    ['cat after:yesterday', /after: takes a date such as 2024-06-30/],
    ['cat after:2023-02-30', /after: takes a date/],
    ['cat after:2024 before:2023', /after: is later than before:/],
    ['"unclosed phrase', /A quote is not closed \(at character 1/],
    ['cat 2:', /Nothing after "2:"/],
    ['after:2024 before:2023', /after: is later than before:/],
  ];
  for (const [query, pattern] of cases) {
    assert.throws(
      () => parseQuery(query),
      (error: unknown) => error instanceof SemblanceError && error.code === 'bad-input' && pattern.test(error.message),
      query,
    );
  }
});

test('filters alone are a query: they list what passes them', () => {
  assert.deepEqual(parseQuery('label:cat kind:photo in:~/Pictures after:2024-06'), {
    terms: [],
    filters: { labels: ['cat'], kinds: ['photo'], in: ['~/Pictures'], after: new Date(2024, 5, 1).getTime() },
  });
});

test('the relevance cut-off falls at a clear break, and nowhere without one', () => {
  const planted = [0.9, 0.88, 0.87, 0.86, 0.85, 0.52, 0.51, 0.5, 0.49, 0.485, 0.48, 0.47, 0.465];
  assert.deepEqual(relevanceCutoff(planted), { index: 5, score: 0.85, gap: 0.85 - 0.52 });
  const smooth = Array.from({ length: 50 }, (_, i) => 0.8 - i * 0.005);
  assert.equal(relevanceCutoff(smooth), null);
  assert.equal(relevanceCutoff([0.9, 0.1]), null, 'too few results to tell');
});
