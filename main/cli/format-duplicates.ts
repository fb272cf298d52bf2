import type { DuplicateMember, DuplicatesResponse, DuplicateTier } from '../../preload/contract.js';
import { formatBytes } from './format-status.js';

const TIER_NAMES: Record<DuplicateTier, string> = {
  identical: 'Identical files (the same bytes)',
  'same-photo': 'The same photo (saved again, resized, converted or turned)',
  'same-moment': 'The same moment (bursts, crops, exposure or colour edits)',
  similar: 'Similar photos (not duplicates: alike to look at)',
  'same-product': 'The same product listed twice (the same picture, near-same words)',
};

function describe(member: DuplicateMember): string {
  const facts = [
    member.width && member.height ? `${member.width} × ${member.height}` : null,
    member.sizeBytes !== null ? formatBytes(member.sizeBytes) : null,
    member.format,
    member.takenAt !== null ? new Date(member.takenAt).toISOString().slice(0, 19).replace('T', ' ') : null,
  ].filter(Boolean);
  if (member.kind === 'product') return `${member.path}  ${member.title ?? ''}`.trimEnd();
  return `${member.path}${facts.length > 0 ? `  (${facts.join(', ')})` : ''}`;
}

/** Groups by tier, the suggested keeper first with why; nothing is moved or deleted from here. */
export function formatDuplicates(response: DuplicatesResponse): string {
  const lines: string[] = [];
  if (response.groups.length === 0) lines.push('No duplicates found.');
  for (const tier of Object.keys(TIER_NAMES) as DuplicateTier[]) {
    const groups = response.groups.filter((group) => group.tier === tier);
    if (groups.length === 0) continue;
    lines.push(`${TIER_NAMES[tier]}: ${groups.length} ${groups.length === 1 ? 'group' : 'groups'}`);
    for (const group of groups) {
      lines.push(`  keep  ${describe(group.items[0] as DuplicateMember)}  — ${group.why}`);
      for (const member of group.items.slice(1)) lines.push(`        ${describe(member)}`);
    }
  }
  if (response.unchecked > 0) {
    lines.push(`${response.unchecked} ${response.unchecked === 1 ? 'photo has' : 'photos have'} not been checked yet: semblance duplicates --check looks through the whole library.`);
  }
  if (response.unhashed > 0) {
    lines.push(`${response.unhashed} ${response.unhashed === 1 ? 'picture was' : 'pictures were'} indexed before Semblance kept perceptual hashes: they are in the identical tier only until they are read again.`);
  }
  return `${lines.join('\n')}\n`;
}
