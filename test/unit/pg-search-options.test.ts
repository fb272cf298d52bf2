import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SharedLibrary } from '../../main/engine/shared-library/shared-library.js';
import { searchOptionsFrom } from '../../main/engine/store/postgres/pg-search.js';

test('a serve process over PostgreSQL takes how widely it searches from its environment, and a value that is no such number stops it with a sentence', async () => {
  assert.deepEqual(searchOptionsFrom({}), {}, 'the defaults when nothing is set');
  assert.deepEqual(searchOptionsFrom({ SEMBLANCE_PG_CANDIDATES: ' 4000 ', SEMBLANCE_PG_EF_SEARCH: '1000' }), { candidates: 4000, efSearch: 1000 });
  assert.deepEqual(searchOptionsFrom({ SEMBLANCE_PG_CANDIDATES: '' }), {}, 'an empty variable is unset');
  for (const [env, message] of [
    [{ SEMBLANCE_PG_CANDIDATES: 'many' }, 'SEMBLANCE_PG_CANDIDATES must be a whole number from 20 to 10,000, got "many".'],
    [{ SEMBLANCE_PG_CANDIDATES: '19' }, 'SEMBLANCE_PG_CANDIDATES must be a whole number from 20 to 10,000, got "19".'],
    [{ SEMBLANCE_PG_EF_SEARCH: '2000' }, 'SEMBLANCE_PG_EF_SEARCH must be a whole number from 1 to 1,000, got "2000".'],
    [{ SEMBLANCE_PG_EF_SEARCH: '400.5' }, 'SEMBLANCE_PG_EF_SEARCH must be a whole number from 1 to 1,000, got "400.5".'],
  ] as const) {
    assert.throws(() => searchOptionsFrom(env), (error: Error & { code?: string }) => error.code === 'bad-input' && error.message === message);
    // Said before any database is reached (this address has none).
    await assert.rejects(
      SharedLibrary.open({ url: 'postgres://nobody@127.0.0.1:1/none', filesDir: '/tmp', env }),
      (error: Error) => error.message === message,
    );
  }
});
