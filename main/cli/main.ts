import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { DTYPES, DUPLICATE_SIMILARITY, DUPLICATE_TIERS, MAX_K, MODEL_SPACES, type DuplicateTier, SPACES, SUBSTITUTE_PRESETS, type ApiResult, type FinderApi, type IndexSummary, type PersonSummary, type SimilarResponse, type Space } from '../../preload/contract.js';
import { dispatch } from '../engine/dispatch.js';
import type { Engine } from '../engine/engine.js';
import { badInput, notFound, toApiError } from '../engine/errors.js';
import { defaultDatabaseFile } from '../engine/paths.js';
import { VERSION } from '../engine/version.js';
import { formatDuplicates } from './format-duplicates.js';
import { writeMapPicture } from './map-picture.js';
import { formatModels } from './format-models.js';
import { formatErrors, formatForgot, formatStatus } from './format-status.js';
import { formatIndexSummary } from './index-progress.js';
import { formatAlbums, formatApplyLabels, formatCopy, formatCsv, formatLabelSets, formatCatalogImport, formatPrintedMapping, formatClassify, formatCompare, formatPaths, formatSearch, formatSimilar, formatSubstitutes } from './format-search.js';
import { EXIT, processIo, type CliIo } from './io.js';

/** How long `serve` may take to close after Ctrl-C or SIGTERM before it exits anyway. */
const STOP_WAIT_MS = 20_000;

interface GlobalOptions {
  db?: string;
  json?: boolean;
}

/**
 * Runs the `semblance` command line and resolves to its exit code: 0 ok, 1 failure (a clear
 * message on stderr), 2 bad usage. With --json, stdout carries exactly one JSON document
 * (the result, or {"error": ...}); logs and progress go to stderr.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('semblance')
    .description('Find photos and products by meaning and by looks, on your own machine.')
    .version(VERSION, '-V, --version')
    .option('--db <file>', `database file (default: ${defaultDatabaseFile(io.env)})`)
    .option('--json', 'machine output: one JSON document on stdout')
    .exitOverride()
    .showHelpAfterError('(run semblance --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  let spaces: Space[] | undefined;
  let onInterrupt: (() => void) | undefined;

  /** A long-running command (watch, serve): starts something, then stops it on Ctrl-C or TERM. */
  const untilInterrupted = (start: (engine: Engine) => Promise<{ close: () => Promise<void> }>, farewell: string): Promise<void> =>
    call(
      async (api) => {
        const stopped = new Promise<void>((resolve) => (onInterrupt = resolve));
        // Nothing left to wait for while watching means something died under us: say so.
        const died = (): void => {
          io.stderr('semblance: watching stopped unexpectedly (nothing was left to watch); run it again.\n');
          process.exit(EXIT.failure);
        };
        process.once('beforeExit', died);
        const running = await start(api as Engine);
        await stopped;
        process.off('beforeExit', died);
        await running.close();
        return { ok: true as const, value: null };
      },
      () => farewell,
    );

  /** Opens the engine, makes one API call through dispatch, prints, closes. */
  const call = async <T>(
    use: (api: FinderApi, send: typeof dispatch) => Promise<ApiResult<T>>,
    human: (value: T) => string,
  ): Promise<void> => {
    const options = program.opts<GlobalOptions>();
    let result: ApiResult<T>;
    let engine: Engine | undefined;
    const progress = io.progress?.();
    const indexing = io.indexProgress?.();
    const jobBar = io.jobProgress?.();
    // Ctrl-C (or a service manager's TERM) cancels an indexing job, whose finished batches
    // stay written; `watch` stops itself; anything else just ends.
    const stop = (): void => {
      const job = engine?.jobs.running();
      if (onInterrupt) onInterrupt();
      else if (job) job.cancel();
      else process.exit(130);
    };
    process.once('SIGINT', stop).once('SIGTERM', stop);
    try {
      // Loaded per command, not at start: `--help` and usage errors need none of the engine.
      const { Engine } = await import('../engine/engine.js');
      engine = Engine.open({
        databaseFile: options.db ?? defaultDatabaseFile(io.env),
        env: io.env,
        ...(progress ? { onModelProgress: progress.update } : {}),
        ...(indexing ? { onIndexProgress: indexing.update } : {}),
        ...(spaces ? { photoSpaces: spaces } : {}),
      });
      // Indexing has its own bar (files, failures); every other job gets the common one.
      if (jobBar) engine.jobs.onProgress((job) => job.kind !== 'index' && job.kind !== 'model-download' && jobBar.update(job));
      result = await use(engine, dispatch);
    } catch (error) {
      result = { ok: false, error: toApiError(error) };
    } finally {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      progress?.stop();
      indexing?.stop();
      jobBar?.stop();
      await engine?.close();
    }
    if (result.ok) {
      if (result.value === null) io.stderr(human(result.value));
      else io.stdout(options.json ? `${JSON.stringify(result.value, null, 2)}\n` : human(result.value));
      const state = (result.value as { state?: string } | null)?.state;
      if (state === 'failed') exitCode = EXIT.failure;
      else if (state === 'cancelled') exitCode = EXIT.cancelled;
      return;
    }
    io.stderr(`semblance: ${result.error.message}\n`);
    if (options.json) io.stdout(`${JSON.stringify({ error: result.error }, null, 2)}\n`);
    exitCode = result.error.code === 'bad-input' ? EXIT.usage : EXIT.failure;
  };

  program
    .command('status')
    .description('show the library: database, items per status, spaces and their models, folders, errors')
    .action(() => call((api, send) => send(api, 'status', {}), formatStatus));

  program
    .command('index')
    .description('add folders to the library (if new) and index them: new, changed, moved and deleted photos')
    .argument('[folders...]', 'folders to index (default: every library folder)')
    .option('--spaces <list>', 'spaces to embed photos into, comma-separated (default: clip,visual,colour; add text to search file and folder names)')
    .option('--confirm-removals', 'remove items of vanished files even when more than 20% of a folder vanished')
    .action((folders: string[], opts: { spaces?: string; confirmRemovals?: boolean }) => {
      if (opts.spaces) spaces = parseSpaces(opts.spaces);
      return call(
        (api, send) => send(api, 'index', { ...(folders.length > 0 ? { paths: folders.map((f) => path.resolve(f)) } : {}), ...(opts.confirmRemovals ? { confirmRemovals: true } : {}) }),
        formatIndexSummary,
      );
    });

  program
    .command('search')
    .description('search by words: "dog at the beach -people +sunset 2:red like:IMG_1.jpg in:~/Pictures label:cat after:2024-01-01"')
    .argument('<query>')
    .option('--k <n>', 'number of results', '20')
    .option('--sort <order>', 'score (default) or date: newest first among the relevant results', 'score')
    .option('--paths', 'print only the files of the relevant results, one per line (for pipes)')
    .option('--csv', 'print every result as CSV: rank, id, kind, path, title, key, score, each space, relevant')
    .option('--copy-to <folder>', 'copy the files of the relevant results into a folder (a name already there gets " (2)": nothing is overwritten)')
    .action((query: string, opts: { k: string; sort: string; paths?: boolean; csv?: boolean; copyTo?: string }) => {
      const request = { query, k: resultCount(opts.k), sort: opts.sort };
      if (opts.copyTo) {
        const folder = path.resolve(opts.copyTo);
        return call(async (api, send) => {
          const found = await send(api, 'search', request);
          if (!found.ok) return found;
          const { results, cutoff } = found.value;
          const ids = (cutoff ? results.slice(0, cutoff.index) : results).map((hit) => hit.id);
          if (ids.length === 0) throw notFound(`Nothing found for "${query}": nothing to copy.`);
          return send(api, 'copyFiles', { ids, folder });
        }, formatCopy);
      }
      return call((api, send) => send(api, 'search', request), opts.paths ? formatPaths : opts.csv ? formatCsv : formatSearch);
    });

  program
    .command('similar')
    .description('look-alikes of library items or image files (one result list per target)')
    .argument('<targets...>', 'item ids or image files')
    .option('--space <space...>', 'compare in these spaces only (clip: meaning, visual: look, colour: colours)')
    .option('--weights <list>', 'weights per space, as clip=0.5,visual=0.3,colour=0.2 (negative ones push away)')
    .option('--k <n>', 'number of results per target', '20')
    .option('--paths', 'print only the files of the relevant results, one per line (for pipes)')
    .action((targets: string[], opts: { space?: string[]; weights?: string; k: string; paths?: boolean }) =>
      call(
        (api, send) =>
          send(api, 'similar', {
            targets,
            k: resultCount(opts.k),
            ...(opts.weights ? { weights: parseWeights(opts.weights) } : opts.space ? { weights: Object.fromEntries(opts.space.map((s) => [s, 1])) } : {}),
          }),
        opts.paths ? (response: SimilarResponse) => response.queries.map(formatPaths).join('') : formatSimilar,
      ),
    );

  program
    .command('classify')
    .description('zero-shot labels of one image: probabilities over your labels')
    .argument('<target>', 'item id or image file')
    .requiredOption('--labels <list>', 'comma-separated labels, as "cat,dog"')
    .option('--template <text>', 'prompt for each label; {} is the label', 'a photo of a {}')
    .action((target: string, opts: { labels: string; template: string }) =>
      call((api, send) => send(api, 'classify', { target, labels: splitList(opts.labels), template: opts.template }), formatClassify),
    );

  program
    .command('compare')
    .description('how similar two texts are, in the text and clip spaces')
    .argument('<a>')
    .argument('<b>')
    .action((a: string, b: string) => call((api, send) => send(api, 'compare', { a, b }), formatCompare));

  program
    .command('duplicates')
    .description('duplicate photos by tier (identical files; the same photo saved again, resized, converted or turned; the same moment: bursts and edits; similar), each group with the one to keep first')
    .option('--tier <tier>', `only this tier: ${DUPLICATE_TIERS.join(', ')} (repeatable; the similar tier only when asked)`, (value: string, previous: string[] = []) => [...previous, value])
    .option('--similarity <cosine>', `how alike the similar tier's photos look, ${DUPLICATE_SIMILARITY.floor} to 1 (default ${DUPLICATE_SIMILARITY.default})`)
    .option('--check', 'check the whole library again first (a job; new photos are checked when they are indexed)')
    .action((opts: { tier?: string[]; similarity?: string; check?: boolean }) => {
      const tiers = opts.tier?.map((tier) => {
        if (!(DUPLICATE_TIERS as readonly string[]).includes(tier)) throw badInput(`--tier takes ${DUPLICATE_TIERS.join(', ')}, got "${tier}".`);
        return tier as DuplicateTier;
      });
      const similarity = opts.similarity === undefined ? undefined : Number(opts.similarity);
      if (similarity !== undefined && !(similarity >= DUPLICATE_SIMILARITY.floor && similarity <= 1)) throw badInput(`--similarity takes a number from ${DUPLICATE_SIMILARITY.floor} to 1, got "${opts.similarity}".`);
      return call(async (api, send) => {
        if (opts.check) {
          const checked = await send(api, 'checkDuplicates', {});
          if (!checked.ok) return checked;
        }
        return send(api, 'duplicates', { ...(tiers ? { tiers } : {}), ...(similarity !== undefined ? { similarity } : {}) });
      }, formatDuplicates);
    });

  const mapCommand = program.command('map').description('the map of the library: every item laid out by meaning in two dimensions (UMAP)');
  mapCommand
    .command('export')
    .description('the map\'s coordinates as JSON (--out) and a picture of it (--png); lays it out first when it is not yet (a job; Ctrl-C stops it)')
    .option('--space <space>', `the space to lay out: ${SPACES.join(', ')} (default clip)`)
    .option('--weights <list>', 'a mix of spaces instead, as clip=0.5,visual=0.3,colour=0.2')
    .option('--out <file>', 'write ids, coordinates and items as JSON here')
    .option('--png <file>', 'write a picture of the map here (PNG)')
    .option('--recompute', 'lay it out again even if a layout is kept')
    .action((opts: { space?: string; weights?: string; out?: string; png?: string; recompute?: boolean }) => {
      if (opts.space && opts.weights) throw badInput('Give --space or --weights, not both.');
      if (opts.space && !(SPACES as readonly string[]).includes(opts.space)) throw badInput(`--space takes ${SPACES.join(', ')}, got "${opts.space}".`);
      if (!opts.out && !opts.png) throw badInput('Say where to write the map: --out map.json, --png map.png, or both.');
      const request = opts.weights ? { weights: parseWeights(opts.weights) } : { space: (opts.space ?? 'clip') as Space };
      return call(async (api, send) => {
        const kept = await send(api, 'mapPoints', request);
        if (!kept.ok) return kept;
        if (opts.recompute || !kept.value.computed || kept.value.stale || kept.value.notPlaced > 0) {
          const laid = await send(api, 'mapLayout', request);
          if (!laid.ok) return laid;
        }
        const map = await send(api, 'mapPoints', { ...request, details: true });
        if (!map.ok) return map;
        const { ids, x, y, region, leaf, clusters, items = [] } = map.value;
        if (opts.out) {
          const points = ids.map((id, i) => ({ id, x: x[i], y: y[i], region: region[i], leaf: leaf[i], ...items[i] }));
          const named = clusters.map(({ id, level, parent, size, x: cx, y: cy, name, label, confidence, words, tag }) => ({ id, level, parent, size, x: cx, y: cy, name, label, confidence, words, tag }));
          fs.writeFileSync(path.resolve(opts.out), `${JSON.stringify({ map: map.value.name, computedAt: new Date(map.value.computedAt ?? 0).toISOString(), clusters: named, points }, null, 1)}\n`);
        }
        if (opts.png) {
          const names = clusters.filter((c) => c.level === 'region' && c.name).map((c) => ({ x: c.x, y: c.y, name: c.name as string, size: c.size }));
          await writeMapPicture(path.resolve(opts.png), { x, y, kinds: items.map((item) => item.kind), names });
        }
        return map;
      }, (map) => {
        const regions = map.clusters.filter((c) => c.level === 'region');
        const named = regions.filter((c) => c.name).map((c) => c.name);
        const about = regions.length > 0 ? `, ${regions.length} ${regions.length === 1 ? 'region' : 'regions'}${named.length > 0 ? ` (${named.slice(0, 8).join(', ')}${named.length > 8 ? ', …' : ''})` : ''}` : '';
        return `Map of ${map.name}: ${map.ids.length.toLocaleString()} items${about}${map.newlyPlaced > 0 ? ` (${map.newlyPlaced} placed since it was laid out)` : ''}; written to ${[opts.out, opts.png].filter(Boolean).join(' and ')}.\n`;
      });
    });
  mapCommand
    .command('vocabulary')
    .description("the words the map names its clusters with (CLIP zero-shot: the word nearest each cluster's centroid); prints them, or sets them")
    .option('--set <words>', 'use these words instead, separated by commas ("dog, beach, receipt, birthday cake")')
    .option('--reset', 'go back to the built-in words')
    .action((opts: { set?: string; reset?: boolean }) => {
      if (opts.set !== undefined && opts.reset) throw badInput('Give --set or --reset, not both.');
      const words = opts.reset ? [] : opts.set?.split(',').map((w) => w.trim()).filter(Boolean);
      if (words && words.length === 0 && !opts.reset) throw badInput('--set needs at least one word (or --reset for the built-in ones).');
      return call(
        (api, send) => (words ? send(api, 'saveSettings', { mapVocabulary: words }) : send(api, 'settings', {})),
        (settings) => `${settings.mapVocabulary.length} words${settings.mapVocabularyBuiltIn ? ' (the built-in ones)' : ''}: ${settings.mapVocabulary.join(', ')}\n`,
      );
    });

  program
    .command('read-text')
    .description('read the text in every photo and product picture not read yet (receipts, screenshots, signs, pages, labels), for searches; a job, Ctrl-C stops it')
    .option('--all', 'also read the pictures a quick look found no line of letters in (slower: every picture is read)')
    .option('--languages <codes>', 'the languages to read in this time, as Tesseract codes separated by commas (eng,deu); default: the setting, else English')
    .action((opts: { all?: boolean; languages?: string }) =>
      call((api, send) => send(api, 'readText', { ...(opts.all ? { everything: true } : {}), ...(opts.languages ? { languages: opts.languages.split(',').map((code) => code.trim()).filter(Boolean) } : {}) }), (summary) => {
        const lines = [`${summary.state === 'cancelled' ? 'Stopped after reading' : 'Read'} ${summary.read.toLocaleString()} ${summary.read === 1 ? 'picture' : 'pictures'} (${summary.withText.toLocaleString()} with text) in ${summary.seconds.toFixed(1)} s.`];
        if (summary.skipped > 0) lines.push(`  ${summary.skipped.toLocaleString()} more showed no line of letters at a quick look and were not read (read-text --all reads them).`);
        if (summary.embedded > 0) lines.push(`  ${summary.embedded.toLocaleString()} ${summary.embedded === 1 ? 'text' : 'texts'} embedded for searches by meaning.`);
        if (summary.meaning) lines.push(`  note: ${summary.meaning}`);
        for (const failed of summary.failed) lines.push(`  could not read ${failed.path}: ${failed.reason}`);
        return `${lines.join('\n')}\n`;
      }),
    );

  const facesCommand = program.command('faces').description('faces in photos: found on this computer (face-api, offline), kept with the library');
  facesCommand
    .command('find')
    .description('find the faces in every photo and product picture not looked at yet (a job, Ctrl-C stops it); a face only one of the two detectors sees is taken for no face')
    .action(() =>
      call((api, send) => send(api, 'findFaces', {}), (summary) => {
        const lines = [
          `${summary.state === 'cancelled' ? 'Stopped after looking at' : 'Looked at'} ${summary.scanned.toLocaleString()} ${summary.scanned === 1 ? 'picture' : 'pictures'} in ${summary.seconds.toFixed(1)} s: ${summary.faces.toLocaleString()} ${summary.faces === 1 ? 'face' : 'faces'} in ${summary.withFaces.toLocaleString()}.`,
        ];
        if (summary.grouped > 0) lines.push(`  ${summary.grouped.toLocaleString()} ${summary.grouped === 1 ? 'face' : 'faces'} grouped into people (semblance people).`);
        if (summary.notFaces > 0) lines.push(`  ${summary.notFaces.toLocaleString()} more ${summary.notFaces === 1 ? 'looked like a face' : 'looked like faces'} to one detector only and ${summary.notFaces === 1 ? 'was' : 'were'} not kept.`);
        for (const failed of summary.failed) lines.push(`  could not look at ${failed.path}: ${failed.reason}`);
        return `${lines.join('\n')}\n`;
      }),
    );
  facesCommand
    .command('show')
    .description("the faces found in an item's picture: where, how large, how sharp, how turned")
    .argument('<id>', 'an item id')
    .action((id: string) =>
      call((api, send) => send(api, 'itemFaces', { id: Number(id) }), (found) => {
        if (!found.scanned) return `Item ${found.id} was not looked at for faces yet (semblance faces find).\n`;
        if (found.problem) return `Item ${found.id} could not be looked at: ${found.problem}\n`;
        if (found.faces.length === 0) return `No face in item ${found.id}.\n`;
        const percent = (value: number): string => `${Math.round(value * 100)}%`;
        return `${found.faces
          .map((face, i) => `face ${i + 1} (#${face.id}${face.personId ? `, ${face.personName ?? 'unnamed'} #${face.personId}` : ''}): at ${percent(face.box.x)}, ${percent(face.box.y)} (${percent(face.box.width)} × ${percent(face.box.height)}), score ${face.score.toFixed(2)}, ${face.size} px, sharpness ${Math.round(face.sharpness)}, turned ${face.yaw.toFixed(2)}${face.good ? '' : ' (too small, blurred or turned to tell who)'}`)
          .join('\n')}\n`;
      }),
    );
  facesCommand
    .command('forget')
    .description('forget every face found, for good (finding them again is `faces find`); turns finding faces after indexing off')
    .option('--yes', 'yes, forget them (asked for: nothing else removes them)')
    .action((flags: { yes?: boolean }) => {
      if (!flags.yes) throw badInput('This forgets every face found in the library. Run it again with --yes to go ahead.');
      return call(
        async (api, send) => {
          const off = await send(api, 'saveSettings', { faces: false });
          return off.ok ? send(api, 'forgetFaces', {}) : off;
        },
        (result) => `Forgot ${result.forgotten.toLocaleString()} ${result.forgotten === 1 ? 'face' : 'faces'}; faces are no longer looked for after indexing.\n`,
      );
    });

  const peopleCommand = program.command('people').description('people: faces grouped as one person each, to name, merge and search by (person:"Ana")');
  const formatPeople = (people: readonly PersonSummary[]): string =>
    people.length === 0
      ? 'No people yet: find the faces first (semblance faces find).\n'
      : `${people.map((p) => `#${p.id}  ${p.name ?? '(unnamed)'}  ${p.faces} ${p.faces === 1 ? 'face' : 'faces'} in ${p.items} ${p.items === 1 ? 'item' : 'items'}${p.hidden ? '  (hidden)' : ''}`).join('\n')}\n`;
  peopleCommand
    .command('list', { isDefault: true })
    .description('the people found, most faces first')
    .option('--hidden', 'the hidden ones too')
    .action((flags: { hidden?: boolean }) => call((api, send) => send(api, 'people', flags.hidden ? { hidden: true } : {}), formatPeople));
  const personId = (value: string): number => {
    const id = Number(value.replace(/^#/, ''));
    if (!Number.isInteger(id) || id <= 0) throw badInput(`A person is named by their number, as \`semblance people\` lists them (#12), not "${value}".`);
    return id;
  };
  peopleCommand
    .command('name')
    .description('name a person (person:"<name>" then finds their photos); --clear unnames them')
    .argument('<person>', 'their number, as listed')
    .argument('[name]')
    .option('--clear', 'take their name off')
    .action((person: string, name: string | undefined, flags: { clear?: boolean }) => {
      if (!name && !flags.clear) throw badInput('Give the name (or --clear to take it off).');
      return call((api, send) => send(api, 'namePerson', { id: personId(person), name: flags.clear ? null : (name as string) }), formatPeople);
    });
  peopleCommand
    .command('merge')
    .description('the same person found twice: make them one (the second keeps its name, else takes the first\'s)')
    .argument('<from>')
    .argument('<into>')
    .action((from: string, into: string) => call((api, send) => send(api, 'mergePeople', { from: personId(from), into: personId(into) }), formatPeople));
  peopleCommand
    .command('not')
    .description("a face that is not this person (see `semblance faces show <id>`): it leaves them for good")
    .argument('<face>', 'the face\'s number')
    .action((face: string) => call((api, send) => send(api, 'rejectFace', { face: Number(face.replace(/^#/, '')) }), formatPeople));
  peopleCommand
    .command('hide')
    .description('hide a person from the People view (--show brings them back)')
    .argument('<person>')
    .option('--show', 'show them again')
    .action((person: string, flags: { show?: boolean }) => call((api, send) => send(api, 'hidePerson', { id: personId(person), hidden: !flags.show }), formatPeople));

  program
    .command('text')
    .description('the text read in an item\'s picture, line by line as read (search it with text:"…")')
    .argument('<id>', 'an item id')
    .action((id: string) => {
      const item = Number(id);
      if (!Number.isInteger(item) || item <= 0) throw badInput(`<id> takes an item id (a whole number), got "${id}".`);
      return call((api, send) => send(api, 'itemText', { id: item }), (answer) => {
        if (!answer.read) return 'Not read yet: semblance read-text reads the photos.\n';
        if (answer.skipped) return 'Not read: a quick look found no line of letters in it (semblance read-text --all reads it).\n';
        if (answer.problem) return `Could not be read: ${answer.problem}\n`;
        return answer.text ? `${answer.text}\n` : 'No text in this picture.\n';
      });
    });

  const albumsCommand = program.command('albums').description('albums: photos and products picked by hand, or a saved query (smart)');
  const albumQuery = (name: string): string => `album:"${name.replace(/"/g, '')}"`;
  albumsCommand
    .command('list', { isDefault: true })
    .description('every album, with its count (or its query, for a smart album) (the default)')
    .action(() => call((api, send) => send(api, 'albums', {}), formatAlbums));
  albumsCommand
    .command('create')
    .description('make an album; with --query a smart one, whose items are what the query finds when it is opened')
    .argument('<name>')
    .option('--query <query>', 'the smart album\'s query, as in search')
    .action((name: string, opts: { query?: string }) => call((api, send) => send(api, 'createAlbum', { name, ...(opts.query ? { query: opts.query } : {}) }), formatAlbums));
  albumsCommand
    .command('add')
    .description('put items in an album: by id, or the relevant results of a query (--query)')
    .argument('<name>')
    .argument('[ids...]')
    .option('--query <query>', 'add what this query finds (above its relevance cut-off)')
    .action((name: string, ids: string[], opts: { query?: string }) =>
      call(async (api, send) => {
        let numbers = ids.map(Number);
        if (numbers.some((id) => !Number.isInteger(id) || id < 1)) throw badInput(`albums add takes item ids (whole numbers), got "${ids.join(' ')}".`);
        if (opts.query) {
          const found = await send(api, 'search', { query: opts.query, k: 1000 });
          if (!found.ok) return found;
          const { results, cutoff } = found.value;
          numbers = [...numbers, ...(cutoff ? results.slice(0, cutoff.index) : results).map((hit) => hit.id)];
        }
        if (numbers.length === 0) throw badInput('Name the items to add: their ids, or --query.');
        return send(api, 'addToAlbum', { name, ids: numbers });
      }, formatAlbums),
    );
  albumsCommand
    .command('remove')
    .description('take items out of an album (they stay in the library)')
    .argument('<name>')
    .argument('<ids...>')
    .action((name: string, ids: string[]) => call((api, send) => send(api, 'removeFromAlbum', { name, ids: ids.map(Number) }), formatAlbums));
  albumsCommand
    .command('rename')
    .argument('<name>')
    .argument('<new-name>')
    .action((name: string, to: string) => call((api, send) => send(api, 'renameAlbum', { name, to }), formatAlbums));
  albumsCommand
    .command('delete')
    .description('delete an album (its items stay in the library)')
    .argument('<name>')
    .action((name: string) => call((api, send) => send(api, 'deleteAlbum', { name }), formatAlbums));
  albumsCommand
    .command('show')
    .description('the items of an album (a smart album runs its query now)')
    .argument('<name>')
    .option('--k <n>', 'at most this many', '100')
    .option('--paths', 'print only their files, one per line')
    .action((name: string, opts: { k: string; paths?: boolean }) =>
      call((api, send) => send(api, 'search', { query: albumQuery(name), k: resultCount(opts.k) }), opts.paths ? formatPaths : formatSearch),
    );

  const labelsCommand = program.command('labels').description('label sets applied to the whole library as tags (photos indexed later get them too)');
  labelsCommand
    .command('list', { isDefault: true })
    .description('each label set with its threshold and how many items carry each label (the default)')
    .action(() => call((api, send) => send(api, 'labelSets', {}), formatLabelSets));
  labelsCommand
    .command('rename')
    .description('rename a label set (its tags follow)')
    .argument('<name>')
    .argument('<new-name>')
    .action((name: string, to: string) => call((api, send) => send(api, 'renameLabelSet', { name, to }), formatLabelSets));
  labelsCommand
    .command('delete')
    .description('delete a label set and every tag it gave (apply it again to undo)')
    .argument('<name>')
    .action((name: string) => call((api, send) => send(api, 'deleteLabelSet', { name }), formatLabelSets));
  labelsCommand
    .command('apply')
    .description('tag every photo with the labels of a set it matches (run again to update the set)')
    .argument('<name>', 'name of the label set, as "pets"')
    .requiredOption('--labels <list>', 'comma-separated labels, as "cat,dog,other"')
    .option('--threshold <p>', 'smallest probability that makes a tag', '0.5')
    .option('--template <text>', 'prompt for each label; {} is the label', 'a photo of a {}')
    .action((name: string, opts: { labels: string; threshold: string; template: string }) =>
      call(
        (api, send) => send(api, 'applyLabels', { name, labels: splitList(opts.labels), threshold: probability('--threshold', opts.threshold), template: opts.template }),
        formatApplyLabels,
      ),
    );

  const catalogCommand = program.command('catalog').description('product catalogs');
  catalogCommand
    .command('import')
    .description('import or update a catalog (.csv, .tsv, .json, .jsonl); products that left it are removed')
    .argument('[file]', 'the catalog file')
    .option('--demo', 'import the demo catalog of five foods')
    .option('--name <name>', 'catalog name, the prefix of its product keys (default: the file name)')
    .option('--mapping <file>', 'a YAML or JSON file naming the columns: {"id": "sku", "image": "picture", "colour": "swatch", "text": [...]}; --print-mapping writes one')
    .option('--print-mapping', 'print the mapping the import would use (guessed, or saved by the last import) and import nothing')
    .option('--fetch-images', 'download pictures given as http(s) links into a cache beside the library')
    .option('--allow-outside-pictures', "let relative picture paths leave the catalog's folder (../photos/a.jpg)")
    .action((file: string | undefined, opts: { demo?: boolean; name?: string; mapping?: string; printMapping?: boolean; fetchImages?: boolean; allowOutsidePictures?: boolean }) => {
      const request = {
        ...(file ? { file } : {}),
        ...(opts.demo ? { demo: true } : {}),
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.mapping ? { mappingFile: opts.mapping } : {}),
      };
      if (opts.printMapping) {
        if (!file) throw badInput('--print-mapping reads a catalog file: name one.');
        return call((api, send) => send(api, 'previewCatalog', { file, ...(opts.name ? { name: opts.name } : {}), ...(opts.mapping ? { mappingFile: opts.mapping } : {}) }), formatPrintedMapping);
      }
      return call(
        (api, send) =>
          send(api, 'importCatalog', {
            ...request,
            ...(opts.fetchImages ? { fetchImages: true } : {}),
            ...(opts.allowOutsidePictures ? { allowOutsidePictures: true } : {}),
          }),
        formatCatalogImport,
      );
    });

  catalogCommand
    .command('report')
    .description("a catalog's last import: the mapping it used, the rows it could not read (with their text), its problems")
    .argument('<name>', 'the catalog')
    .action((name: string) =>
      call(
        async (api, send) => {
          const all = await send(api, 'catalogs', {});
          if (!all.ok) return all;
          const found = all.value.find((c) => c.name === name);
          if (!found?.summary) {
            const names = all.value.map((c) => c.name);
            return { ok: false as const, error: { code: 'not-found' as const, message: `No catalog "${name}"${names.length > 0 ? ` (there are: ${names.join(', ')})` : ''}.` } };
          }
          return { ok: true as const, value: found.summary };
        },
        formatCatalogImport,
      ),
    );

  program
    .command('substitutes')
    .description('products like this one: same-function, same-look, product-not-scene or balanced')
    .argument('<product>', 'catalog and key (demo:2), or a key only one catalog has')
    .option('--preset <name>', `one of ${SUBSTITUTE_PRESETS.join(', ')}`, 'balanced')
    .option('--weights <list>', 'your own weights, as text=0.6,colour=0.4 (instead of a preset)')
    .option('--where <conditions>', 'field conditions: "category = stainless steel and price <= 50", "colour in (red, navy) or brand = Acme"')
    .option('--k <n>', 'number of results', '10')
    .action((product: string, opts: { preset: string; weights?: string; where?: string; k: string }) =>
      call(
        (api, send) =>
          send(api, 'substitutes', {
            product,
            k: resultCount(opts.k),
            ...(opts.weights ? { weights: parseWeights(opts.weights) } : { preset: opts.preset }),
            ...(opts.where ? { where: opts.where } : {}),
          }),
        formatSubstitutes,
      ),
    );

  program
    .command('watch')
    .description('index folders, then keep the library in step with them until stopped (Ctrl-C)')
    .argument('<folders...>')
    .option('--spaces <list>', 'spaces to embed photos into, comma-separated (default: clip,visual,colour; add text to search file and folder names)')
    .option('--reconcile <minutes>', 'full re-check of the folders this often, for changes watching missed', '30')
    .option('--check-every <seconds>', 'look this often whether each folder is still there (an unmounted drive)', '2')
    .action((folders: string[], opts: { spaces?: string; reconcile: string; checkEvery: string }) => {
      if (opts.spaces) spaces = parseSpaces(opts.spaces);
      const minutes = Number(opts.reconcile);
      if (!(minutes > 0)) throw badInput(`--reconcile takes a number of minutes, got "${opts.reconcile}".`);
      const seconds = Number(opts.checkEvery);
      if (!(seconds >= 0.1)) throw badInput(`--check-every takes a number of seconds (at least 0.1), got "${opts.checkEvery}".`);
      const json = program.opts<GlobalOptions>().json;
      const report = (summary: IndexSummary): void =>
        json ? io.stdout(`${JSON.stringify(summary)}\n`) : io.stderr(formatIndexSummary(summary));
      return untilInterrupted(async (engine) => {
        const session = await engine.watch(
          folders.map((f) => path.resolve(f)),
          {
            onApplied: report,
            onError: (e) => io.stderr(`semblance: ${e.message}\n`),
            onPresence: (folder, present) =>
              io.stderr(
                present
                  ? `${folder} changed (back, or a drive in it came or went): checked again.\n`
                  : `${folder} cannot be reached (unmounted or removed): its photos are kept, offline; watching for it to come back.\n`,
              ),
          },
          { reconcileMinutes: minutes, presenceMs: seconds * 1000 },
        );
        if (session.initial) report(session.initial);
        io.stderr(`Watching ${folders.join(', ')}; Ctrl-C stops.\n`);
        return session;
      }, 'Stopped watching.\n');
    });

  const storeCommand = program.command('store').description('where the library is kept: SQLite on this computer (the default), or PostgreSQL with pgvector for large catalogs and teams');
  storeCommand
    .command('copy')
    .description('copy a library into an empty PostgreSQL database, or from one into a new SQLite file, with progress; stopped, it goes on from where it was when run again; checked by counts and a checksum of the vectors at the end')
    .requiredOption('--to <url or file>', 'where to: postgres://user:password@host:5432/database (?host=/a/socket/folder for a Unix socket), or a new SQLite file')
    .option('--from <file or url>', "where from: a SQLite library (default: this computer's, or --db), or postgres://…")
    .option('--batch <n>', 'rows per batch (each batch is written with where the copy stands)', '2000')
    .action(async (opts: { to: string; from?: string; batch: string }) => {
      const batch = Number(opts.batch);
      if (!Number.isInteger(batch) || batch < 1 || batch > 100_000) throw badInput(`--batch takes a whole number from 1 to 100000, got "${opts.batch}".`);
      const [{ isPostgresUrl, PgStore, describeUrl }, { copyToPostgres, copyToSqlite }, { Store }] = await Promise.all([
        import('../engine/store/postgres/pg-store.js'),
        import('../engine/store/store-copy.js'),
        import('../engine/store/store.js'),
      ]);
      const from = opts.from ?? program.opts<GlobalOptions>().db ?? defaultDatabaseFile(io.env);
      const toPostgres = isPostgresUrl(opts.to);
      if (toPostgres === isPostgresUrl(from)) {
        throw badInput(
          toPostgres
            ? '--from and --to are both PostgreSQL databases: copy between them with PostgreSQL\'s own tools (pg_dump).'
            : `--to takes a PostgreSQL URL (postgres://…), got "${opts.to}"; or, to copy from PostgreSQL into a new SQLite file, give --from postgres://….`,
        );
      }
      const file = path.resolve(toPostgres ? from : opts.to);
      if (toPostgres && !fs.existsSync(file)) throw badInput(`There is no library at ${file}.`);
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop).once('SIGTERM', stop);
      let pg: Awaited<ReturnType<typeof PgStore.open>> | undefined;
      let sqlite: ReturnType<typeof Store.open> | undefined;
      try {
        pg = await PgStore.open(toPostgres ? opts.to : from);
        sqlite = Store.open(file);
        let shown = '';
        const onProgress = ({ step, done, total }: { step: string; done: number; total: number }): void => {
          const line = step.startsWith('index ') ? (done === 0 ? `Building the search index of ${step.slice(6)}…` : '') : `${step}: ${done.toLocaleString()} of ${total.toLocaleString()}`;
          const tenth = `${step}:${total > 0 ? Math.floor((10 * done) / total) : 10}`;
          if (line && (tenth !== shown || done === total)) io.stderr(`${line}\n`);
          shown = tenth;
        };
        const options = { batch, signal: controller.signal, onProgress };
        const summary = toPostgres ? await copyToPostgres(sqlite, pg, options) : await copyToSqlite(pg, sqlite, options);
        if (program.opts<GlobalOptions>().json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
        else {
          io.stdout(
            `Copied ${summary.tables.map((t) => `${t.rows.toLocaleString()} ${t.table}`).join(', ')}; ` +
              `${summary.vectors.map((v) => `${v.count.toLocaleString()} ${v.space} vectors (checksum ${v.sha256.slice(0, 12)})`).join(', ')} ` +
              `into ${toPostgres ? describeUrl(opts.to) : file}, in ${summary.seconds.toFixed(1)} s${summary.resumed ? ', going on from an earlier copy' : ''}. Counts and checksums match.\n`,
          );
          if (summary.notCarried.length > 0) io.stdout(`Not carried yet (still in ${file}): ${summary.notCarried.map((t) => `${t.table} (${t.rows.toLocaleString()} rows)`).join(', ')}.\n`);
        }
      } finally {
        process.off('SIGINT', stop).off('SIGTERM', stop);
        sqlite?.close();
        await pg?.close();
      }
    });

  program
    .command('serve')
    .description('the app in your browser (web mode): the UI and its API on 127.0.0.1; prints the URL to open, with its token')
    .option('--port <n>', 'port to listen on (default: a free one)', '0')
    .option('--no-watch', 'do not watch library folders for changes while serving')
    .option('--store <url>', 'serve a library kept in PostgreSQL (postgres://…; also SEMBLANCE_STORE): several serve processes can share it')
    .option('--files <dir>', 'with --store: where thumbnails are kept, a folder every process serving that database reaches (default: the data folder)')
    .action(async (opts: { port: string; watch: boolean; store?: string; files?: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw badInput(`--port takes a port number, got "${opts.port}".`);
      const options = program.opts<GlobalOptions>();
      const storeUrl = opts.store ?? (io.env['SEMBLANCE_STORE'] || undefined);
      if (storeUrl !== undefined && !/^postgres(ql)?:\/\//i.test(storeUrl)) throw badInput(`--store (or SEMBLANCE_STORE) takes a PostgreSQL URL such as postgres://user@host/semblance, got "${storeUrl}".`);
      if (storeUrl !== undefined && options.db) throw badInput('--db and --store name two different libraries: give one.');
      if (opts.files && storeUrl === undefined) throw badInput('--files goes with --store: a library in a file keeps its thumbnails beside it.');
      const [{ Session }, { SharedLibrary }, { startServer }, { RENDERER_DIR }] = await Promise.all([
        import('../app/session.js'),
        import('../engine/shared-library/shared-library.js'),
        import('../server/http-server.js'),
        import('../app/renderer-dir.js'),
      ]);
      const library =
        storeUrl !== undefined
          ? await SharedLibrary.open({ url: storeUrl, filesDir: path.resolve(opts.files ?? path.dirname(defaultDatabaseFile(io.env))), env: io.env })
          : Session.open({ databaseFile: options.db ?? defaultDatabaseFile(io.env), env: io.env, watch: opts.watch });
      try {
        const stopped = new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
        const server = await startServer({ library: { api: library.api, engine: library instanceof SharedLibrary ? library : library.engine, subscribe: (listener) => library.subscribe(listener) }, port, staticDir: RENDERER_DIR });
        io.stderr(`Semblance is serving on 127.0.0.1:${server.port}. Open this address in your browser:\n  ${server.url}\n(only this computer can reach it; Ctrl-C stops)\n`);
        if (options.json) io.stdout(`${JSON.stringify({ url: server.url, port: server.port })}\n`);
        await stopped;
        // Stopping must stop: if closing hangs (a folder on a dead network drive, a worker that
        // cannot answer), give up after a while; everything written is already committed.
        const giveUp = setTimeout(() => {
          io.stderr(`Semblance could not stop cleanly within ${STOP_WAIT_MS / 1000} s; stopping now (everything written is kept).\n`);
          process.exit(EXIT.failure);
        }, STOP_WAIT_MS);
        giveUp.unref();
        await server.close();
        io.stderr('Stopped serving.\n');
      } finally {
        await library.close();
      }
    });

  program
    .command('errors')
    .description('every item that failed, by reason with counts, a page at a time')
    .option('--reason <text>', 'only the items that failed for this reason (as listed)')
    .option('--page <n>', 'which page of 100', '1')
    .action((opts: { reason?: string; page: string }) => {
      const page = Number(opts.page);
      if (!Number.isInteger(page) || page < 1) throw badInput(`--page takes a page number from 1, got "${opts.page}".`);
      return call((api, send) => send(api, 'errors', { offset: (page - 1) * 100, limit: 100, ...(opts.reason ? { reason: opts.reason } : {}) }), formatErrors);
    });

  program
    .command('retry')
    .description('read the photos that failed again now (after fixing a permission, say)')
    .argument('[ids...]', 'item ids to retry (default: every failed photo)')
    .action((ids: string[]) => {
      const numbers = ids.map(Number);
      if (numbers.some((id) => !Number.isInteger(id) || id < 1)) throw badInput(`retry takes item ids (whole numbers), got "${ids.join(' ')}".`);
      return call((api, send) => send(api, 'retryErrors', numbers.length > 0 ? { ids: numbers } : {}), formatIndexSummary);
    });

  program
    .command('remove-folder')
    .description('forget a library folder and its items (the files are not touched); undo with restore-folder for 24 hours')
    .argument('<folder>')
    .option('--now', 'drop what it held at once: no undo')
    .action((folder: string, flags: { now?: boolean }) =>
      call(
        async (api, send) => {
          const forgot = await send(api, 'removeRoot', { path: folder });
          if (!forgot.ok || !flags.now) return forgot;
          const purged = await send(api, 'purgeForgotten', { id: forgot.value.forgot.id });
          return purged.ok ? forgot : purged;
        },
        (result) => formatForgot(result, flags.now === true),
      ),
    );

  program
    .command('restore-folder')
    .description('bring back a folder forgotten with remove-folder: its photos, tags and labels as they were')
    .argument('<folder>')
    .action((folder: string) =>
      call(async (api, send) => {
        const status = await send(api, 'status', {});
        if (!status.ok) return status;
        const wanted = path.resolve(folder);
        const forgotten = status.value.forgotten.find((f) => f.path === wanted);
        if (!forgotten) {
          const known = status.value.forgotten.map((f) => f.path);
          throw notFound(`${wanted} was not forgotten lately${known.length > 0 ? ` (forgotten: ${known.join(', ')})` : ''}.`);
        }
        return send(api, 'restoreRoot', { id: forgotten.id });
      }, formatStatus),
    );

  const models = program
    .command('models')
    .description('the model of each space: which, where its files are, whether they are here');
  models
    .command('list', { isDefault: true })
    .description('list each space with its model, dtype, dimensions and files (the default)')
    .action(() => call((api, send) => send(api, 'models', {}), formatModels));
  models
    .command('set')
    .description('choose the model of a space: a hub id or a local folder ("default" to go back)')
    .argument('<space>', `one of ${MODEL_SPACES.join(', ')}`)
    .argument('<model>', 'hub id (Xenova/resnet-18), model folder, or "default"')
    .option('--dtype <dtype>', `weights to load: ${DTYPES.join(' or ')}`)
    .action((space: string, model: string, opts: { dtype?: string }) =>
      call(
        (api, send) => send(api, 'setModel', { space, model: model === 'default' ? null : model, ...(opts.dtype ? { dtype: opts.dtype } : {}) }),
        formatModels,
      ),
    );
  models
    .command('download')
    .description('fetch and load models now (all, or the given spaces), so Semblance works offline afterwards')
    .argument('[spaces...]', `any of ${MODEL_SPACES.join(', ')}`)
    .action((spaces: string[]) =>
      call((api, send) => send(api, 'downloadModels', spaces.length > 0 ? { spaces } : {}), formatModels),
    );

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; a missing command, unknown option or bad argument is usage.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const apiError = toApiError(error);
    io.stderr(`semblance: ${apiError.message}\n`);
    return apiError.code === 'bad-input' ? EXIT.usage : apiError.code === 'cancelled' ? EXIT.cancelled : EXIT.failure;
  }
  return exitCode;
}

function parseSpaces(list: string): Space[] {
  const spaces = list.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = spaces.filter((s) => !(SPACES as readonly string[]).includes(s));
  if (unknown.length > 0 || spaces.length === 0) {
    throw badInput(`--spaces takes a comma-separated list of ${SPACES.join(', ')}; got "${list}".`);
  }
  return spaces as Space[];
}

function splitList(list: string): string[] {
  return list.split(',').map((s) => s.trim()).filter(Boolean);
}

/** --k as a person types it: a whole number of results, refused in words otherwise. */
function resultCount(text: string): number {
  const k = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || k < 1 || k > MAX_K) throw badInput(`--k takes a whole number of results from 1 to ${MAX_K.toLocaleString('en')}, got "${text}".`);
  return k;
}

function probability(option: string, text: string): number {
  const p = Number(text);
  if (text.trim() === '' || !(p >= 0 && p <= 1)) throw badInput(`${option} takes a probability from 0 to 1 (such as 0.5), got "${text}".`);
  return p;
}

/** "clip=0.5,visual=0.3" → { clip: 0.5, visual: 0.3 }; the API checks the spaces. */
function parseWeights(list: string): Record<string, number> {
  return Object.fromEntries(
    splitList(list).map((pair) => {
      const [space, value] = pair.split('=');
      const weight = Number(value);
      if (!space || value === undefined || !Number.isFinite(weight)) throw badInput(`--weights takes space=number pairs, as clip=0.5,visual=0.3; got "${pair}".`);
      return [space.trim(), weight];
    }),
  );
}
