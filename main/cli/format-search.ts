import { stringify } from 'csv-stringify/sync';
import { CATALOG_ROLES, SIGNALS, SIGNAL_WORDS, type Signal } from '../../preload/contract.js';
import type {
  AlbumSummary,
  AlbumView,
  ApplyLabelsResponse,
  CatalogImportSummary,
  CatalogMapping,
  CatalogPreview,
  SubstitutesResponse,
  ClassifyResponse,
  CompareResponse,
  CopyFilesSummary,
  LabelSetSummary,
  RankedResponse,
  SimilarResponse,
  TextSearchResponse,
} from '../../preload/contract.js';

function formatRanked(ranked: RankedResponse): string[] {
  const lines: string[] = [];
  if (ranked.results.length === 0) lines.push('  no results');
  ranked.results.forEach((hit, i) => {
    if (ranked.cutoff && i === ranked.cutoff.index) {
      lines.push(`  ── ${ranked.results.length - i} more below the relevance cut-off ──`);
    }
    const why = (Object.entries(hit.breakdown) as [Signal, number][])
      .map(([signal, part]) => `${signal === 'printed' ? SIGNAL_WORDS.printed.word : signal} ${part.toFixed(3)}`)
      .join(', ');
    // A product is named by its name and key (what the user can pass back), a photo by its file.
    const name = hit.key ? `${hit.title ?? ''} (${hit.key})`.trim() : (hit.path ?? hit.title ?? `item ${hit.id}`);
    lines.push(`  ${hit.score.toFixed(3)}  ${name}  (#${hit.id}; ${why})`);
  });
  for (const warning of ranked.warnings) lines.push(`  note: ${warning}`);
  return lines;
}

export function formatSearch(response: TextSearchResponse): string {
  if (response.listed) {
    const { total } = response.listed;
    const shown = response.results.length < total ? ` (the newest ${response.results.length}; --k for more)` : '';
    const lines = response.results.map((hit) => `  ${hit.key ? `${hit.title ?? ''} (${hit.key})`.trim() : (hit.path ?? hit.title ?? `item ${hit.id}`)}  (#${hit.id})`);
    return `${[`${total} ${total === 1 ? 'item matches' : 'items match'} "${response.query}", newest first${shown}`, ...lines].join('\n')}\n`;
  }
  return `${[`Results for "${response.query}"`, ...formatRanked(response)].join('\n')}\n`;
}

/**
 * `--csv`: every result as a row (rank, id, kind, file, title, key, score, each space's
 * part, and whether it is above the relevance cut-off), for a spreadsheet.
 */
export function formatCsv(ranked: RankedResponse): string {
  const rows = ranked.results.map((hit, i) => [
    i + 1,
    hit.id,
    hit.kind,
    hit.path ?? '',
    hit.title ?? '',
    hit.key ?? '',
    hit.score,
    ...SIGNALS.map((signal) => hit.breakdown[signal] ?? ''),
    ranked.cutoff && i >= ranked.cutoff.index ? 'no' : 'yes',
  ]);
  return stringify(rows, { header: true, columns: ['rank', 'id', 'kind', 'path', 'title', 'key', 'score', ...SIGNALS, 'relevant'] });
}

/** `--copy-to`: what was copied where, and what could not be. */
export function formatCopy(summary: CopyFilesSummary): string {
  const lines = [
    `${summary.state === 'cancelled' ? 'Cancelled after copying' : 'Copied'} ${summary.copied.length} ${summary.copied.length === 1 ? 'file' : 'files'} to ${summary.folder}` +
      (summary.renamed > 0 ? ` (${summary.renamed} under another name: the name was taken)` : '') +
      (summary.failed.length > 0 ? `; ${summary.failed.length} could not be copied:` : '.'),
    ...summary.failed.map((f) => `  ${f.path ?? `item ${f.id}`}: ${f.reason}`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * `--paths`: the files of the relevant results (above the cut-off), one per line and nothing
 * else, for pipes (`semblance search cat --paths | xargs -d '\n' cp -t ~/cats`); products
 * without a picture have no file and are left out.
 */
export function formatPaths(ranked: RankedResponse): string {
  const relevant = ranked.cutoff ? ranked.results.slice(0, ranked.cutoff.index) : ranked.results;
  return relevant.flatMap((hit) => (hit.path ? [`${hit.path}\n`] : [])).join('');
}

export function formatSimilar(response: SimilarResponse): string {
  return `${response.queries.flatMap((q) => [`Like ${q.target}${q.id !== null ? ` (#${q.id})` : ''}`, ...formatRanked(q)]).join('\n')}\n`;
}

export function formatClassify(response: ClassifyResponse): string {
  const width = Math.max(...response.labels.map((l) => l.label.length));
  return `${[
    response.target,
    ...response.labels.map((l) => `  ${l.label.padEnd(width)}  ${(100 * l.probability).toFixed(1).padStart(5)}%  ${'█'.repeat(Math.round(20 * l.probability))}`),
  ].join('\n')}\n`;
}

export function formatCompare(response: CompareResponse): string {
  const names: Record<string, string> = { text: 'text (sentence model)', clip: 'clip (meaning)', visual: 'visual (look)', colour: 'colour' };
  return Object.entries(response.scores)
    .map(([space, score]) => `${(names[space] ?? space).padEnd(22)} ${score.toFixed(3)}\n`)
    .join('');
}

export function formatAlbums(albums: AlbumSummary[]): string {
  if (albums.length === 0) return 'No albums yet (`semblance albums create <name>`).\n';
  return albums
    .map((album) => `${album.name}  ${album.query !== null ? `smart: "${album.query}"` : album.view !== null ? `smart: ${describeView(album.view)}` : `${album.items ?? 0} ${album.items === 1 ? 'item' : 'items'}`}\n`)
    .join('');
}

function describeView(view: AlbumView): string {
  const weights = (w: Partial<Record<string, number>>): string =>
    Object.entries(w)
      .map(([space, weight]) => `${space} ${weight}`)
      .join(', ');
  return 'similar' in view ? `like ${view.similar.target} by ${weights(view.similar.weights)}` : `substitutes of ${view.substitutes.product} by ${weights(view.substitutes.weights)}`;
}

export function formatLabelSets(sets: LabelSetSummary[]): string {
  if (sets.length === 0) return 'No label sets yet (`semblance labels apply <name> --labels a,b`).\n';
  return sets
    .map((set) => {
      const threshold = set.threshold === null ? '' : ` (tags at ${Math.round(set.threshold * 100)}% or more)`;
      const empty = set.labels.every((l) => l.items === 0) ? '\n  nothing reaches the threshold: apply it again with a lower --threshold' : '';
      return `${set.name}${threshold}\n  ${set.labels.map((l) => `${l.label} ${l.items}`).join(', ')}${empty}\n`;
    })
    .join('');
}

export function formatApplyLabels(response: ApplyLabelsResponse): string {
  const counts = Object.entries(response.tagged).map(([label, n]) => `${label} ${n}`);
  return `Label set "${response.name}" over ${response.items} items: ${counts.join(', ')}\n`;
}

export function formatSubstitutes(response: SubstitutesResponse): string {
  const weights = Object.entries(response.weights).map(([space, w]) => `${space} ${w}`).join(', ');
  const { title, key, id } = response.product;
  const name = key ? `${title ?? ''} (${key})`.trim() : (title ?? `#${id}`);
  return `${[`Substitutes for ${name}, weighted ${weights}`, ...formatRanked(response)].join('\n')}\n`;
}

const count = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Which column serves each role, as the import window shows it. */
export function formatMapping(m: CatalogMapping): string[] {
  const roles = CATALOG_ROLES.map((role) => `${role} ← ${m[role] ? `"${m[role]}"` : '(none)'}`);
  return [
    `  columns${m.format ? ` (recognised: ${m.format})` : ''}: ${roles.join(', ')}`,
    `  product words from: ${m.text.length > 0 ? m.text.map((c) => `"${c}"`).join(', ') : '(none: products are found by their pictures)'}`,
    ...(m.overflow ? [`  extra fields of a row go to "${m.overflow}"`] : []),
  ];
}

/** Lines of the same reason said once, with where: "lines 3, 9, 12 and 40 more: …". */
function grouped(problems: CatalogImportSummary['problems'], shown = 30): string[] {
  const byReason = new Map<string, string[]>();
  for (const p of problems) {
    const where = `${p.line}${p.id ? ` (${p.id})` : ''}`;
    byReason.set(p.reason, [...(byReason.get(p.reason) ?? []), where]);
  }
  const lines = [...byReason].slice(0, shown).map(([reason, at]) => `  ${at.length === 1 ? 'line' : 'lines'} ${at.slice(0, 5).join(', ')}${at.length > 5 ? ` and ${at.length - 5} more` : ''}: ${reason}`);
  if (byReason.size > shown) lines.push(`  … and ${byReason.size - shown} more kinds of problem (see --json)`);
  return lines;
}

export function formatCatalogImport(s: CatalogImportSummary): string {
  const imported = s.added + s.updated + s.unchanged;
  const unreadable = s.rows - imported - s.skipped;
  const lines = [
    `Catalog "${s.catalog}" (${s.file}): ${count(imported, 'product')} in (${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged), ${s.removed} removed` +
      (s.skipped > 0 ? `, ${count(s.skipped, 'row')} skipped` : '') +
      (unreadable > 0 ? `; ${count(unreadable, 'row')} could not be read` : '') +
      (s.state === 'cancelled' ? ' (cancelled: nothing was removed)' : ''),
    ...formatMapping(s.mapping),
  ];
  if (s.pictures) lines.push(`  pictures from links: ${s.pictures.fetched} fetched, ${s.pictures.cached} already here, ${s.pictures.failed} failed`);
  for (const warning of s.warnings) lines.push(`  note: ${warning}`);
  if (s.unreadable.length > 0) {
    lines.push('Rows that could not be read:');
    for (const row of s.unreadable.slice(0, 20)) lines.push(`  line ${row.line}: ${row.reason}`, `    ${row.raw}`);
    if (s.unreadable.length > 20) lines.push(`  … and ${s.unreadable.length - 20} more (see --json)`);
  }
  if (s.problems.length > 0) lines.push(`Problems (${s.problems.length}):`, ...grouped(s.problems));
  return `${lines.join('\n')}\n`;
}

/** The mapping as a file to edit and pass back with --mapping (JSON, which YAML reads too). */
export function formatPrintedMapping(preview: CatalogPreview): string {
  // "format" and "notes" say what Semblance saw; read back, both are ignored.
  const notes = preview.warnings;
  return `${JSON.stringify({ ...preview.mapping, ...(notes.length > 0 ? { notes } : {}) }, null, 2)}\n`;
}
