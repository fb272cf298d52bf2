import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/** A product picture: a shape in a colour, optionally in a "scene" (a large person-coloured figure). */
export async function picture(file: string, shape: 'box' | 'ball', colour: string, scene = false): Promise<void> {
  // Boxes fill the frame, as product shots do; balls are small, as in a scene.
  const body =
    shape === 'box'
      ? `<rect x="20" y="30" width="280" height="200" rx="16" fill="${colour}"/><rect x="90" y="15" width="140" height="20" fill="#333"/>`
      : `<circle cx="160" cy="130" r="45" fill="${colour}"/>`;
  const person = scene ? '<rect x="20" y="10" width="280" height="230" fill="#3b5a8c"/><circle cx="160" cy="40" r="30" fill="#e0b090"/>' : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240"><rect width="320" height="240" fill="#f5f5f5"/>${person}${body}</svg>`;
  await sharp(Buffer.from(svg)).png().toFile(file);
}

/**
 * The seed's shopping scenarios as a catalog: two toasters and a kettle (same function vs
 * same look), a basketball held by a person and one alone, a football held (product vs scene).
 */
export async function writeShopCatalog(dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  await picture(path.join(dir, 'toaster-red.png'), 'box', '#c81e1e');
  await picture(path.join(dir, 'toaster-blue.png'), 'box', '#1e3cc8');
  await picture(path.join(dir, 'kettle-red.png'), 'box', '#c81e1e');
  await picture(path.join(dir, 'ball-held.png'), 'ball', '#e8751a', true);
  await picture(path.join(dir, 'ball-plain.png'), 'ball', '#e8751a');
  await picture(path.join(dir, 'football-held.png'), 'ball', '#f5f5f5', true);
  const csv = path.join(dir, 'shop.csv');
  fs.writeFileSync(
    csv,
    '\ufeffsku;name;description;image;colour;category;price\n' +
      'T1;Toaster;"toast bread, 2 slots";toaster-red.png;red;toaster;39\n' +
      'T2;Toaster;"toast bread,\n2 slots";toaster-blue.png;blue;toaster;45\n' +
      'K1;Kettle;boils water;kettle-red.png;red;kettle;30\n' +
      'B1;Basketball;ball for basketball;ball-held.png;orange;ball;25\n' +
      'B2;Basketball;basketball ball;ball-plain.png;orange;ball;22\n' +
      'F1;Football;football ball;football-held.png;white;ball;20\n',
  );
  return csv;
}
