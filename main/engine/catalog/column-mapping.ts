import { CATALOG_ROLES, type CatalogMapping, type CatalogRole } from '../../../preload/contract.js';
import { badInput } from '../errors.js';
import { numberOf } from './number-of.js';
import type { CatalogValue } from './read-catalog.js';

/** What a column can stand for; `text` columns are joined into the product's words. */
export const ROLES = CATALOG_ROLES;
export type Role = CatalogRole;

/**
 * Which column holds what. Text columns are joined into the product's text; fields are kept
 * for filters. `overflow`: a row with more fields than the header gives its extra fields to
 * this column (joined back with the separator), as when a name holds unquoted commas;
 * without it such rows are refused.
 */
export type ColumnMapping = CatalogMapping;

/**
 * Words a column name is made of: camelCase, snake_case, kebab-case, spaces and case all
 * read the same ("productDisplayName", "product_display_name", "Product Display Name").
 */
export function nameTokens(column: string): string[] {
  return column
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .replace(/colour/g, 'color')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Synonyms per role, as token sequences, best first. A column matches a synonym when its
 * tokens are the synonym's (score 3), end with it (2: "base color", "brand name"), or hold it
 * (1). Tokens in AVOID disqualify a column from a role ("image position", "compare at price").
 */
const SYNONYMS: Record<Role, string[]> = {
  id: ['id', 'sku', 'product id', 'item id', 'article id', 'product code', 'item code', 'code sku', 'article number', 'handle', 'gtin', 'ean', 'upc', 'mpn', 'code', 'article', 'ref', 'reference', 'number'],
  name: ['name', 'title', 'display name', 'product display name', 'product name', 'item name', 'product title', 'label', 'product'],
  image: ['image', 'image src', 'image link', 'image url', 'image file', 'image path', 'images', 'picture', 'photo', 'filename', 'file name', 'img', 'thumbnail', 'thumb', 'main image'],
  colour: ['color', 'base color', 'colors', 'color name', 'shade', 'swatch', 'color hex', 'hex'],
  category: ['category', 'categories', 'article type', 'product type', 'type', 'sub category', 'department', 'product category', 'google product category', 'master category', 'kind', 'class', 'group', 'segment'],
  price: ['price', 'sale price', 'regular price', 'variant price', 'retail price', 'unit price', 'list price', 'cost', 'amount', 'msrp'],
  brand: ['brand', 'vendor', 'manufacturer', 'maker', 'brand name', 'label brand'],
  description: ['description', 'body', 'body html', 'details', 'short description', 'long description', 'summary', 'desc', 'about'],
};
const AVOID: Partial<Record<Role, string[]>> = {
  id: ['parent', 'category', 'image', 'variant image', 'tax', 'barcode'],
  name: ['option', 'file', 'image', 'attribute', 'seo', 'color', 'category', 'brand', 'vendor'],
  image: ['position', 'alt', 'count', 'width', 'height', 'description', 'variant'],
  colour: ['option'],
  category: ['tax', 'id', 'code', 'item', 'shipping'],
  price: ['compare', 'currency', 'tax', 'shipping', 'per'],
  brand: [],
  description: ['seo', 'meta', 'image', 'alt'],
};

/** Whole export formats, recognised by columns only they have together. */
const FORMATS: { name: string; needs: string[]; mapping: Partial<Record<Role, string[]>> }[] = [
  {
    name: 'Shopify product CSV',
    needs: ['Handle', 'Title', 'Body (HTML)'],
    mapping: { id: ['Handle'], name: ['Title'], description: ['Body (HTML)'], image: ['Image Src', 'Variant Image'], price: ['Variant Price'], brand: ['Vendor'], category: ['Type', 'Product Category'] },
  },
  {
    name: 'WooCommerce product CSV',
    needs: ['ID', 'Type', 'SKU', 'Name', 'Regular price'],
    mapping: { id: ['ID'], name: ['Name'], description: ['Short description', 'Description'], image: ['Images'], price: ['Sale price', 'Regular price'], category: ['Categories'], brand: ['Brands'] },
  },
  {
    name: 'BigCommerce product CSV',
    needs: ['Product ID', 'Product Name', 'Product Code/SKU'],
    mapping: { id: ['Product ID'], name: ['Product Name'], description: ['Product Description'], image: ['Product Image URL - 1', 'Product Image File - 1'], price: ['Price'], brand: ['Brand Name'], category: ['Category'] },
  },
  {
    name: 'Google Merchant Center feed',
    needs: ['id', 'title', 'image_link'],
    mapping: { id: ['id'], name: ['title'], description: ['description'], image: ['image_link'], price: ['sale_price', 'price'], brand: ['brand'], colour: ['color'], category: ['product_type', 'google_product_category'] },
  },
  {
    name: 'Kaggle fashion product set',
    needs: ['productDisplayName', 'articleType'],
    mapping: { id: ['id'], name: ['productDisplayName'], image: ['filename', 'image', 'link'], colour: ['baseColour'], category: ['articleType', 'subCategory', 'masterCategory'] },
  },
];

/** The format whose columns the header has, if any. */
export function recogniseFormat(columns: readonly string[]): (typeof FORMATS)[number] | null {
  const have = new Set(columns.map((c) => c.toLowerCase()));
  return FORMATS.find((f) => f.needs.every((n) => have.has(n.toLowerCase()))) ?? null;
}

/** "Option1 Name" (Shopify): a column naming what its "Option1 Value" column holds. */
function isOptionName(tokens: string[]): boolean {
  return tokens.at(-1) === 'name' && tokens.some((t) => /^option\d*$/.test(t));
}

/** Values that are links or file paths: such columns never become product text. */
const URL = /^[a-z][a-z0-9+.-]*:\/\//i;
const FILE = /\.(jpe?g|png|gif|webp|avif|tiff?|bmp|heic|svg|pdf|html?)(\?.*)?$/i;
const PATH = /^[^\s]*[/\\][^\s]*$/;

function looksLikeLinks(column: string, sample: readonly Record<string, CatalogValue>[]): boolean {
  const values = sample.map((row) => row[column]).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  if (values.length === 0) return false;
  const links = values.filter((v) => URL.test(v.trim()) || FILE.test(v.trim()) || PATH.test(v.trim()));
  return links.length * 2 > values.length;
}

function score(column: string, role: Role): number {
  const tokens = nameTokens(column);
  if (tokens.length === 0 || (AVOID[role] ?? []).some((a) => tokens.includes(a))) return 0;
  const joined = tokens.join(' ');
  let best = 0;
  SYNONYMS[role].forEach((synonym, rank) => {
    const s = nameTokens(synonym).join(' ');
    // Earlier synonyms win ties: the rank is a small fraction of a point.
    const tie = 0.5 - rank / (2 * SYNONYMS[role].length);
    if (joined === s) best = Math.max(best, 3 + tie);
    else if (joined.endsWith(` ${s}`)) best = Math.max(best, 2 + tie);
    else if (` ${joined} `.includes(` ${s} `)) best = Math.max(best, 1 + tie);
  });
  return best;
}

export interface MappingGuess {
  mapping: ColumnMapping;
  /** What a person should know: roles no column was found for. */
  warnings: string[];
}

/**
 * The mapping for a catalog: a recognised export format's columns, else the best-scoring
 * column for each role (each column serves one role), with a mapping file's or the user's
 * choices on top. Text attributes are the name, category, brand, description and every other
 * column holding words in the first rows, never links or file paths; fields for filters are
 * every column but the id and the picture.
 */
export function resolveMapping(columns: string[], sample: Record<string, CatalogValue>[], override: Partial<ColumnMapping> = {}, options: { requireId?: boolean } = {}): MappingGuess {
  // Keys are the contract's (its schema checked them); each column named must be in the file.
  for (const key of [...ROLES, 'text', 'fields', 'overflow'] as const) {
    const value = override[key];
    for (const column of Array.isArray(value) ? value : [value]) {
      if (typeof column === 'string' && !columns.includes(column)) {
        throw badInput(`The mapping's ${key} column "${column}" is not in the catalog (its columns: ${columns.join(', ')}).`);
      }
    }
  }
  const format = recogniseFormat(columns);
  const chosen = new Map<Role, string | null>();
  const used = new Set<string>();
  for (const role of ROLES) {
    if (override[role] !== undefined) {
      chosen.set(role, override[role] as string | null);
      if (override[role]) used.add(override[role] as string);
    }
  }
  const byLower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  if (format) {
    for (const role of ROLES) {
      if (chosen.has(role)) continue;
      const column = (format.mapping[role] ?? []).map((c) => byLower.get(c.toLowerCase())).find((c) => c !== undefined && !used.has(c));
      if (column) {
        chosen.set(role, column);
        used.add(column);
      }
    }
  }
  // Option pairs (Shopify's "Option1 Name" = Color, "Option1 Value" = Navy): the value column is the colour.
  if (!chosen.has('colour')) {
    for (const column of columns) {
      const tokens = nameTokens(column);
      if (!isOptionName(tokens)) continue;
      const valueColumn = columns.find((c) => nameTokens(c).join(' ') === [...tokens.slice(0, -1), 'value'].join(' '));
      const names = sample.map((r) => r[column]).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
      if (valueColumn && !used.has(valueColumn) && names.length > 0 && names.every((v) => /^colou?rs?$/i.test(v.trim()))) {
        chosen.set('colour', valueColumn);
        used.add(valueColumn);
        break;
      }
    }
  }
  // Best column per role, strongest matches first, so "name" cannot take a column "id" needs more.
  const offers: { role: Role; column: string; score: number }[] = [];
  for (const role of ROLES) {
    if (chosen.has(role)) continue;
    for (const column of columns) {
      const s = score(column, role);
      if (s > 0) offers.push({ role, column, score: s });
    }
  }
  offers.sort((a, b) => b.score - a.score);
  for (const { role, column } of offers) {
    if (chosen.has(role) || used.has(column)) continue;
    // A picture column holds file names or links; a price column holds numbers.
    if (role === 'image' && !looksLikeLinks(column, sample) && sample.some((r) => typeof r[column] === 'string' && r[column] !== '')) continue;
    if (role === 'price' && !sample.some((r) => numberOf(r[column]) !== null)) continue;
    chosen.set(role, column);
    used.add(column);
  }
  const pick = (role: Role): string | null => chosen.get(role) ?? null;
  const id = pick('id') ?? '';
  if (!id && options.requireId !== false) {
    throw badInput(
      `The catalog has no id column (looked for names such as id, sku, handle, product id among: ${columns.join(', ')}). ` +
        'Name one in a mapping file: {"id": "your column"}, or pick it in the import window.',
    );
  }
  const mapping: ColumnMapping = {
    format: format?.name ?? null,
    id,
    name: pick('name'),
    image: pick('image'),
    colour: pick('colour'),
    category: pick('category'),
    price: pick('price'),
    brand: pick('brand'),
    description: pick('description'),
    text: [],
    fields: [],
    overflow: override.overflow ?? null,
  };
  const notText = new Set([mapping.id, mapping.image, mapping.colour, mapping.price].filter((c): c is string => Boolean(c)));
  // Words that describe a product: not yes/no flags, not the labels of option values ("Option1 Name" = Color).
  const flag = /^(true|false|yes|no|y|n|0|1)$/i;
  const wordy = (column: string): boolean => {
    const values = sample.map((row) => row[column]).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
    if (isOptionName(nameTokens(column))) return false;
    return values.some((v) => /\p{L}{2}/u.test(v)) && !values.every((v) => flag.test(v.trim()));
  };
  const roleText = [mapping.name, mapping.category, mapping.brand, mapping.description].filter((c): c is string => Boolean(c));
  mapping.text =
    override.text ??
    [...roleText, ...columns.filter((c) => !roleText.includes(c) && !notText.has(c) && wordy(c))].filter((c) => !notText.has(c) && !looksLikeLinks(c, sample));
  mapping.fields = override.fields ?? columns.filter((c) => c !== mapping.id && c !== mapping.image);

  const warnings: string[] = [];
  if (!id) warnings.push('No id column was found (looked for id, sku, handle, product id...): pick the column that names each product once.');
  const missing = (['name', 'image', 'colour'] as const).filter((role) => !mapping[role]);
  if (missing.length > 0) {
    const what = { name: 'no name column (products are titled by their id)', image: 'no picture column (products are found by their words and colour only)', colour: 'no colour column (colours come from the pictures)' };
    warnings.push(`Found ${missing.map((role) => what[role]).join('; ')}. Name the columns in a mapping if the catalog has them.`);
  }
  return { mapping, warnings };
}

/** The product's text: its attributes in order, tidied (like the seed's TEXTUAL_ATTR), HTML stripped. */
export function productText(values: Record<string, CatalogValue>, mapping: ColumnMapping): string {
  return mapping.text
    .map((column) => values[column])
    .filter((v): v is string | number => v !== null && v !== undefined && String(v).trim() !== '')
    .map((v) => plainText(String(v)))
    .filter(Boolean)
    .join('. ');
}

/** Markup out, entities read, whitespace tidied: descriptions are often HTML (Shopify's Body). */
export function plainText(text: string): string {
  return text
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

