import { badInput } from '../errors.js';
import type { CatalogValue } from './read-catalog.js';

/** Which column holds what. Text columns are joined into the product's text; fields are filterable. */
export interface ColumnMapping {
  id: string;
  name: string | null;
  image: string | null;
  colour: string | null;
  category: string | null;
  price: string | null;
  text: string[];
  fields: string[];
}

const GUESSES: Record<'id' | 'name' | 'image' | 'colour' | 'category' | 'price', string[]> = {
  id: ['id', 'sku', 'product_id', 'productid', 'item_id', 'code', 'article'],
  name: ['name', 'title', 'product', 'product_name', 'productname'],
  image: ['image', 'image_path', 'imagepath', 'image_file', 'photo', 'picture', 'img'],
  colour: ['colour', 'color', 'swatch', 'colour_hex', 'color_hex'],
  category: ['category', 'type', 'department', 'kind'],
  price: ['price', 'cost', 'amount'],
};

/**
 * The mapping for a catalog: guessed from its columns (case and punctuation ignored), with a
 * mapping file's choices on top. Text attributes are every other column holding words in the
 * first rows; numeric and other columns become fields for filters.
 */
export function resolveMapping(columns: string[], sample: Record<string, CatalogValue>[], override: Partial<ColumnMapping> = {}): ColumnMapping {
  const normal = (name: string): string => name.toLowerCase().replace(/[\s-]+/g, '_');
  const find = (role: keyof typeof GUESSES): string | null => columns.find((c) => GUESSES[role].includes(normal(c))) ?? null;
  const mapping: ColumnMapping = {
    id: override.id ?? find('id') ?? '',
    name: override.name !== undefined ? override.name : find('name'),
    image: override.image !== undefined ? override.image : find('image'),
    colour: override.colour !== undefined ? override.colour : find('colour'),
    category: override.category !== undefined ? override.category : find('category'),
    price: override.price !== undefined ? override.price : find('price'),
    text: [],
    fields: [],
  };
  if (!mapping.id) {
    throw badInput(
      `The catalog has no id column (looked for ${GUESSES.id.join(', ')} among: ${columns.join(', ')}). ` +
        'Name one in a mapping file: {"id": "your column"}.',
    );
  }
  for (const [role, column] of Object.entries(mapping)) {
    if (typeof column === 'string' && column && !columns.includes(column)) throw badInput(`The mapping's ${role} column "${column}" is not in the catalog.`);
  }
  const taken = new Set([mapping.id, mapping.image, mapping.colour, mapping.price].filter(Boolean));
  const wordy = (column: string): boolean => sample.some((row) => typeof row[column] === 'string' && /[a-z]{2}/i.test(row[column] as string));
  mapping.text = override.text ?? columns.filter((c) => !taken.has(c) && (c === mapping.name || c === mapping.category || wordy(c)));
  mapping.fields = override.fields ?? columns.filter((c) => c !== mapping.id && c !== mapping.image);
  return mapping;
}

/** The product's text: its attributes in order, tidied (like the seed's TEXTUAL_ATTR). */
export function productText(values: Record<string, CatalogValue>, mapping: ColumnMapping): string {
  return mapping.text
    .map((column) => values[column])
    .filter((v): v is string | number => v !== null && v !== undefined && String(v).trim() !== '')
    .map((v) => String(v).replace(/\s+/g, ' ').trim())
    .join('. ');
}
