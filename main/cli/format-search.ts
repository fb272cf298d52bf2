import type {
  ApplyLabelsResponse,
  CatalogImportSummary,
  SubstitutesResponse,
  ClassifyResponse,
  CompareResponse,
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
    const why = Object.entries(hit.breakdown)
      .map(([space, part]) => `${space} ${(part as number).toFixed(3)}`)
      .join(', ');
    lines.push(`  ${hit.score.toFixed(3)}  ${hit.path ?? hit.title ?? `item ${hit.id}`}  (#${hit.id}; ${why})`);
  });
  for (const warning of ranked.warnings) lines.push(`  note: ${warning}`);
  return lines;
}

export function formatSearch(response: TextSearchResponse): string {
  return `${[`Results for "${response.query}"`, ...formatRanked(response)].join('\n')}\n`;
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

export function formatApplyLabels(response: ApplyLabelsResponse): string {
  const counts = Object.entries(response.tagged).map(([label, n]) => `${label} ${n}`);
  return `Label set "${response.name}" over ${response.items} items: ${counts.join(', ')}\n`;
}

export function formatSubstitutes(response: SubstitutesResponse): string {
  const weights = Object.entries(response.weights).map(([space, w]) => `${space} ${w}`).join(', ');
  return `${[`Substitutes for ${response.product.title ?? `#${response.product.id}`} (${weights})`, ...formatRanked(response)].join('\n')}\n`;
}

export function formatCatalogImport(s: CatalogImportSummary): string {
  const lines = [
    `Catalog "${s.catalog}" (${s.file}): ${s.rows} rows, ${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.removed} removed, ${s.skipped} skipped`,
    ...s.problems.slice(0, 50).map((p) => `  line ${p.line}${p.id ? ` (${p.id})` : ''}: ${p.reason}`),
  ];
  if (s.problems.length > 50) lines.push(`  … and ${s.problems.length - 50} more (see --json)`);
  return `${lines.join('\n')}\n`;
}
