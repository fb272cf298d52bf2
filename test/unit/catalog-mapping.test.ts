import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nameTokens, recogniseFormat, resolveMapping } from '../../main/engine/catalog/column-mapping.js';
import { numberOf } from '../../main/engine/catalog/number-of.js';
import { describeWhere, parseWhere } from '../../main/engine/catalog/where-clause.js';
import { colourName } from '../../main/engine/embed/colour-names.js';
import { SemblanceError } from '../../main/engine/errors.js';

test('column names read the same in camelCase, snake_case, spaces and any case', () => {
  assert.deepEqual(nameTokens('productDisplayName'), ['product', 'display', 'name']);
  assert.deepEqual(nameTokens('product_display_name'), ['product', 'display', 'name']);
  assert.deepEqual(nameTokens('Product Display Name'), ['product', 'display', 'name']);
  assert.deepEqual(nameTokens('baseColour'), ['base', 'color']);
  assert.deepEqual(nameTokens('SKU'), ['sku']);
  assert.deepEqual(nameTokens('Image Src'), ['image', 'src']);
});

test('whole export formats are recognised by their headers and mapped as their makers meant', () => {
  const woo = ['ID', 'Type', 'SKU', 'Name', 'Published', 'Short description', 'Description', 'Sale price', 'Regular price', 'Categories', 'Tags', 'Images', 'Brands'];
  const wooRow = { ID: '12', Type: 'simple', SKU: 'K-1', Name: 'Kettle', 'Short description': 'Boils water', Description: '<p>Steel</p>', 'Sale price': '', 'Regular price': '34.90', Categories: 'Kitchen > Kettles', Images: 'https://shop.example/k.jpg, https://shop.example/k2.jpg', Brands: 'Acme' };
  const wooMapping = resolveMapping(woo, [wooRow]).mapping;
  assert.equal(wooMapping.format, 'WooCommerce product CSV');
  assert.deepEqual([wooMapping.id, wooMapping.name, wooMapping.image, wooMapping.category, wooMapping.brand], ['ID', 'Name', 'Images', 'Categories', 'Acme' === wooRow.Brands ? 'Brands' : '']);
  const big = ['Item Type', 'Product ID', 'Product Name', 'Product Type', 'Product Code/SKU', 'Brand Name', 'Product Description', 'Price', 'Category', 'Product Image URL - 1'];
  const bigMapping = resolveMapping(big, [{ 'Product ID': '7', 'Product Name': 'Kettle', Price: '34.90', 'Product Image URL - 1': 'https://shop.example/k.jpg' }]).mapping;
  assert.equal(bigMapping.format, 'BigCommerce product CSV');
  assert.deepEqual([bigMapping.id, bigMapping.name, bigMapping.image, bigMapping.price, bigMapping.brand, bigMapping.category], ['Product ID', 'Product Name', 'Product Image URL - 1', 'Price', 'Brand Name', 'Category']);
  assert.ok(!bigMapping.text.includes('Product Image URL - 1'));
  assert.equal(recogniseFormat(['sku', 'name', 'price']), null);
});

test('guesses for unknown exports: synonyms per role, links and paths never text, a price column holds numbers', () => {
  const columns = ['Article Number', 'Item Title', 'Photo', 'Shade', 'Department', 'Retail Price', 'Manufacturer', 'Details', 'Product URL'];
  const row = { 'Article Number': 'A-1', 'Item Title': 'Kettle', Photo: 'img/a-1.jpg', Shade: 'Navy Blue', Department: 'Kitchen', 'Retail Price': '€34,90', Manufacturer: 'Acme', Details: 'Boils water fast', 'Product URL': 'https://shop.example/a-1' };
  const { mapping, warnings } = resolveMapping(columns, [row]);
  assert.deepEqual(
    [mapping.id, mapping.name, mapping.image, mapping.colour, mapping.category, mapping.price, mapping.brand, mapping.description],
    ['Article Number', 'Item Title', 'Photo', 'Shade', 'Department', 'Retail Price', 'Manufacturer', 'Details'],
  );
  assert.deepEqual(mapping.text, ['Item Title', 'Department', 'Manufacturer', 'Details']);
  assert.deepEqual(warnings, []);
  // A "price" of words is no price.
  const words = resolveMapping(['id', 'price'], [{ id: '1', price: 'on request' }]).mapping;
  assert.equal(words.price, null);
});

test('numbers as people write prices; colour names people use', () => {
  assert.deepEqual(
    ['49.99', '$49.99', '49.99 USD', '1,299.00', '1.299,00 €', '12,5', '-3', 'abc', '', '1e3', '007'].map((v) => numberOf(v)),
    [49.99, 49.99, 49.99, 1299, 1299, 12.5, -3, null, null, null, 7],
  );
  const hex = (name: string): string | null => {
    const c = colourName(name);
    return c.kind === 'colour' ? c.hex : c.kind;
  };
  assert.equal(hex('Navy Blue'), '#000080');
  assert.equal(hex('navy'), '#000080');
  assert.equal(hex('Multi'), 'none');
  assert.equal(hex('n/a'), 'none');
  assert.equal(hex('Assorted'), 'none');
  assert.equal(hex('glorpish'), 'unknown');
  for (const name of ['Cream', 'Peach', 'Off White', 'Mushroom Brown', 'Grey Melange', 'Charcoal', 'Taupe']) assert.equal(colourName(name).kind, 'colour', name);
  // A modifier changes the lightness of the colour it names.
  const lab = (name: string): number => {
    const c = colourName(name);
    assert.equal(c.kind, 'colour');
    return c.kind === 'colour' ? parseInt(c.hex.slice(1, 3), 16) + parseInt(c.hex.slice(3, 5), 16) + parseInt(c.hex.slice(5, 7), 16) : 0;
  };
  assert.ok(lab('dark olive') < lab('olive') && lab('olive') < lab('light olive'));
});

test('conditions as people type them: and, or, in, quotes, multi-word values; errors say where', () => {
  assert.deepEqual(parseWhere('category = stainless steel and price <= 50'), [
    { field: 'category', op: '=', value: 'stainless steel' },
    { field: 'price', op: '<=', value: 50 },
  ]);
  assert.deepEqual(parseWhere('category = salt and pepper'), [{ field: 'category', op: '=', value: 'salt and pepper' }]);
  assert.deepEqual(parseWhere('colour = navy or colour = "off white" and price < $20'), [
    {
      any: [
        [{ field: 'colour', op: '=', value: 'navy' }],
        [
          { field: 'colour', op: '=', value: 'off white' },
          { field: 'price', op: '<', value: 20 },
        ],
      ],
    },
  ]);
  assert.deepEqual(parseWhere("brand in (Acme, 'Smith & Sons') and id != 007"), [
    { field: 'brand', op: 'in', value: ['Acme', 'Smith & Sons'] },
    { field: 'id', op: '!=', value: '007' },
  ]);
  assert.deepEqual(parseWhere('"Variant Price" >= 10 and Variant Price < 20'), [
    { field: 'Variant Price', op: '>=', value: 10 },
    { field: 'Variant Price', op: '<', value: 20 },
  ]);
  assert.equal(describeWhere(parseWhere('brand in (Acme, "Smith & Sons") or price <= 5')), '(brand in (Acme, "Smith & Sons") or price <= 5)');
  const at = (text: string): number | undefined => {
    try {
      parseWhere(text);
    } catch (error) {
      assert.ok(error instanceof SemblanceError, String(error));
      return error.at;
    }
    assert.fail(`"${text}" parsed`);
  };
  assert.equal(at('price <= abc'), 'price <= '.length);
  assert.equal(at('category = toaster and'), 'category = toaster and'.length);
  assert.equal(at('category'), 0);
  assert.equal(at('brand in (Acme'), 'brand in (Acme'.length);
  assert.equal(at('name = "open'), 'name = '.length);
});
