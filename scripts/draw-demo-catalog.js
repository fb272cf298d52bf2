#!/usr/bin/env node
// Draws the demo catalog's product pictures (simple illustrations the project owns, so they
// can ship with the app) into resources/demo-catalog/. Run once; the PNGs are committed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'demo-catalog');
const plate = '<ellipse cx="160" cy="200" rx="140" ry="40" fill="#eeeeee" stroke="#cccccc" stroke-width="4"/>';
const pictures = {
  'chocolate-cake.png': `${plate}<polygon points="70,190 250,190 230,90 90,120" fill="#4a2a1a"/><polygon points="90,120 230,90 235,80 95,108" fill="#2e170c"/><rect x="70" y="140" width="180" height="10" fill="#6b3d25"/>`,
  'red-velvet-cake.png': `${plate}<polygon points="70,190 250,190 230,90 90,120" fill="#a3162b"/><polygon points="90,120 230,90 235,78 95,106" fill="#f6efe6"/><rect x="70" y="140" width="180" height="12" fill="#f6efe6"/>`,
  'fish-and-chips.png': `${plate}<ellipse cx="130" cy="160" rx="80" ry="35" fill="#d9a441"/><ellipse cx="125" cy="155" rx="60" ry="22" fill="#e8b85a"/>${Array.from({ length: 7 }, (_, i) => `<rect x="${200 + (i % 3) * 14}" y="${120 + i * 8}" width="10" height="50" fill="#f2cf63" transform="rotate(${i * 9 - 20} 220 160)"/>`).join('')}`,
  'french-fries.png': `<rect x="100" y="120" width="120" height="110" fill="#d32f2f"/>${Array.from({ length: 9 }, (_, i) => `<rect x="${108 + i * 12}" y="${50 + (i % 3) * 12}" width="10" height="90" fill="#f4c542"/>`).join('')}<rect x="100" y="120" width="120" height="110" fill="#d32f2f"/>`,
  'churros.png': `${plate}${Array.from({ length: 3 }, (_, i) => `<rect x="60" y="${120 + i * 26}" width="200" height="18" rx="9" fill="#b8782f" transform="rotate(${-8 + i * 6} 160 160)"/>`).join('')}<ellipse cx="250" cy="185" rx="30" ry="14" fill="#4a2a1a"/>`,
};
for (const [name, body] of Object.entries(pictures)) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240"><rect width="320" height="240" fill="#fbf8f2"/>${body}</svg>`;
  await sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toFile(path.join(dir, name));
  console.log(`drew ${name}`);
}
