// Generates the whole demo catalog and checks what a shopper and a 3D viewer would notice: valid GLBs, real-world
// sizes, colour variants that match the option values and actually change colour, posters that show something,
// prices and stock that differ per variant, and byte-identical output from one run to the next.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { NodeIO, type Material } from '@gltf-transform/core';
import { KHRMaterialsVariants, type MappingList } from '@gltf-transform/extensions';
import { demoCategories, demoProductDefs, generateDemoCatalog, generateDemoProduct, type DemoProduct } from '../../src/demo/index.ts';

// gltf-validator ships without type declarations; this is the slice of its API the test uses.
interface ValidationReport {
  issues: { numErrors: number; numWarnings: number; messages: { code: string; message: string; severity: number; pointer?: string }[] };
}
const validator = createRequire(import.meta.url)('gltf-validator') as {
  validateBytes(data: Uint8Array, options: { format?: 'glb' | 'gltf'; maxIssues?: number; writeTimestamp?: boolean }): Promise<ValidationReport>;
};

/** Plausible real-world bounding boxes in metres: [width x, height y, depth z] as [min, max] each. */
const SIZES: Record<string, [[number, number], [number, number], [number, number]]> = {
  'dining-chair': [[0.4, 0.6], [0.75, 0.95], [0.42, 0.6]],
  'lounge-chair': [[0.6, 0.95], [0.65, 1.0], [0.6, 0.95]],
  'three-seat-sofa': [[1.7, 2.4], [0.7, 1.0], [0.8, 1.05]],
  'coffee-table': [[0.8, 1.4], [0.3, 0.5], [0.4, 0.8]],
  'dining-table': [[1.4, 2.2], [0.7, 0.8], [0.75, 1.1]],
  'side-table': [[0.35, 0.6], [0.45, 0.7], [0.35, 0.6]],
  bookshelf: [[0.6, 1.2], [1.5, 2.2], [0.25, 0.45]],
  'bar-stool': [[0.3, 0.5], [0.6, 0.85], [0.3, 0.5]],
  'floor-lamp': [[0.3, 0.6], [1.3, 1.9], [0.3, 0.6]],
  'desk-lamp': [[0.1, 0.4], [0.3, 0.7], [0.15, 0.5]],
  'pendant-light': [[0.25, 0.6], [0.4, 1.2], [0.25, 0.6]],
  'bluetooth-speaker': [[0.12, 0.3], [0.05, 0.12], [0.05, 0.12]],
  'wireless-headphones': [[0.15, 0.25], [0.15, 0.26], [0.06, 0.14]],
  'phone-stand': [[0.05, 0.12], [0.08, 0.16], [0.06, 0.14]],
  smartwatch: [[0.03, 0.06], [0.04, 0.1], [0.04, 0.1]],
  'desk-clock': [[0.08, 0.25], [0.08, 0.25], [0.03, 0.1]],
  'ceramic-mug': [[0.09, 0.14], [0.08, 0.12], [0.07, 0.11]],
  'fluted-vase': [[0.1, 0.3], [0.2, 0.45], [0.1, 0.3]],
  planter: [[0.15, 0.4], [0.3, 0.9], [0.15, 0.4]],
  'serving-bowl': [[0.2, 0.35], [0.06, 0.14], [0.2, 0.35]],
  teapot: [[0.18, 0.32], [0.12, 0.22], [0.12, 0.22]],
  'court-sneaker': [[0.25, 0.33], [0.09, 0.15], [0.08, 0.13]],
  'bucket-hat': [[0.25, 0.38], [0.08, 0.14], [0.25, 0.38]],
  'canvas-tote': [[0.3, 0.5], [0.45, 0.75], [0.08, 0.2]],
  daypack: [[0.25, 0.4], [0.4, 0.55], [0.15, 0.32]],
  sunglasses: [[0.12, 0.16], [0.03, 0.07], [0.12, 0.17]],
};

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const io = new NodeIO().registerExtensions([KHRMaterialsVariants]);
const colourOf = (m: Material | null): string => JSON.stringify((m?.getBaseColorFactor() ?? []).map((c) => Math.round(c * 1000)));

describe('demo catalog', () => {
  let products: DemoProduct[];
  let progress: [number, number, string][] = [];

  before(async () => {
    const started = performance.now();
    products = await generateDemoCatalog({ currency: 'USD', onProgress: (done, total, slug) => progress.push([done, total, slug]) });
    // Reported, not asserted (no timing thresholds in tests): the budget is 30 s on 2 cores.
    console.log(`# generated ${products.length} demo products in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });

  test('has at least 24 published products across every category, 6+ with colour variants', () => {
    assert.ok(products.length >= 24, `${products.length} products`);
    const categories = demoCategories();
    assert.deepEqual(categories.map((c) => c.slug), ['furniture', 'lighting', 'gadgets', 'home', 'fashion']);
    for (const c of categories) assert.ok(products.filter((p) => p.category === c.slug).length >= 3, `category ${c.slug} has too few products`);
    for (const p of products) assert.ok(categories.some((c) => c.slug === p.category), `${p.slug} has unknown category ${p.category}`);
    assert.ok(products.filter((p) => p.materialVariants.length > 0).length >= 6);
    assert.equal(new Set(products.map((p) => p.slug)).size, products.length, 'slugs are unique');
    assert.deepEqual(progress.at(-1), [products.length, products.length, products.at(-1)!.slug]);
  });

  test('every GLB passes the Khronos glTF validator with no errors and no warnings', async () => {
    for (const p of products) {
      const report = await validator.validateBytes(p.glb, { format: 'glb', maxIssues: 0, writeTimestamp: false });
      const bad = report.issues.messages.filter((m) => m.severity <= 1).map((m) => `${m.code} ${m.pointer ?? ''} ${m.message}`);
      assert.equal(report.issues.numErrors, 0, `${p.slug}: ${bad.join('; ')}`);
      assert.equal(report.issues.numWarnings, 0, `${p.slug}: ${bad.join('; ')}`);
    }
  });

  test('models are real-world size in metres, rest on the floor, are centred, and have sensible triangle counts', async () => {
    for (const p of products) {
      const range = SIZES[p.slug];
      assert.ok(range, `no expected size for ${p.slug}`);
      const { width, height, depth } = p.dimensions;
      for (const [axis, value, [lo, hi]] of [['width', width, range[0]], ['height', height, range[1]], ['depth', depth, range[2]]] as const) {
        assert.ok(value >= lo && value <= hi, `${p.slug} ${axis} ${value} m is outside ${lo}-${hi} m`);
      }
      assert.ok(p.triangles >= 300 && p.triangles <= 22000, `${p.slug} has ${p.triangles} triangles`);
      const doc = await io.readBinary(p.glb);
      const min = [Infinity, Infinity, Infinity], max = [-Infinity, -Infinity, -Infinity];
      let triangles = 0;
      for (const mesh of doc.getRoot().listMeshes()) {
        for (const prim of mesh.listPrimitives()) {
          for (const attr of ['POSITION', 'NORMAL', 'TEXCOORD_0']) assert.ok(prim.getAttribute(attr), `${p.slug} primitive lacks ${attr}`);
          assert.ok(prim.getIndices(), `${p.slug} primitive is not indexed`);
          triangles += prim.getIndices()!.getCount() / 3;
          const pos = prim.getAttribute('POSITION')!;
          const lo = pos.getMin([]), hi = pos.getMax([]);
          for (let k = 0; k < 3; k++) (min[k] = Math.min(min[k]!, lo[k]!)), (max[k] = Math.max(max[k]!, hi[k]!));
          const mat = prim.getMaterial();
          assert.ok(mat, `${p.slug} primitive has no material`);
          assert.ok(mat.getRoughnessFactor() > 0 && mat.getRoughnessFactor() <= 1);
          assert.ok([0, 1].includes(mat.getMetallicFactor()), `${p.slug} metalness should be 0 or 1`);
        }
      }
      assert.equal(triangles, p.triangles, `${p.slug} triangle count`);
      assert.ok(Math.abs(min[1]!) < 1e-4, `${p.slug} does not rest on y=0 (min y ${min[1]})`);
      assert.ok(Math.abs(min[0]! + max[0]!) < 1e-3 && Math.abs(min[2]! + max[2]!) < 1e-3, `${p.slug} is not centred on x/z`);
      assert.ok(Math.abs(max[0]! - min[0]! - width) < 1e-3 && Math.abs(max[1]! - min[1]! - height) < 1e-3, `${p.slug} dimensions differ from the GLB bounds`);
    }
  });

  test('material variant names are exactly the colour option values, each variant changes the colour, the default is the first value', async () => {
    for (const p of products.filter((x) => x.materialVariants.length > 0)) {
      const option = p.options.find((o) => JSON.stringify(o.values) === JSON.stringify(p.materialVariants));
      assert.ok(option, `${p.slug}: variants [${p.materialVariants.join(', ')}] match no option's values`);
      const doc = await io.readBinary(p.glb);
      const ext = doc.getRoot().listExtensionsUsed().find((e) => e.extensionName === 'KHR_materials_variants');
      assert.ok(ext, `${p.slug} does not use KHR_materials_variants`);
      const names = (ext as KHRMaterialsVariants).listVariants().map((v) => v.getName());
      assert.deepEqual(names, p.materialVariants, `${p.slug} variant names in the file`);
      // What the model looks like under each variant: the colour of every primitive.
      const looks = new Map<string, string>();
      for (const name of names) {
        const parts: string[] = [];
        for (const mesh of doc.getRoot().listMeshes()) {
          for (const prim of mesh.listPrimitives()) {
            const list = prim.getExtension<MappingList>('KHR_materials_variants');
            const mapping = list?.listMappings().find((m) => m.listVariants().some((v) => v.getName() === name));
            parts.push(colourOf(mapping ? mapping.getMaterial() : prim.getMaterial()));
            if (list && name === names[0]) assert.equal(prim.getMaterial(), mapping?.getMaterial(), `${p.slug}: default material is not the first variant's`);
          }
        }
        looks.set(name, parts.join('|'));
      }
      assert.equal(new Set(looks.values()).size, names.length, `${p.slug}: some variants look identical`);
      for (const v of p.variants) assert.equal(v.materialVariant, v.options[option.name], `${p.slug} ${v.sku} shows the wrong material variant`);
    }
    for (const p of products.filter((x) => x.materialVariants.length === 0)) for (const v of p.variants) assert.equal(v.materialVariant, undefined);
  });

  test('variants are the cartesian product of the options, priced in integer minor units, some dearer, some sold out', () => {
    let soldOut = 0;
    for (const p of products) {
      assert.ok(p.options.length <= 2, `${p.slug} has ${p.options.length} options`);
      const expected = p.options.reduce((n, o) => n * o.values.length, 1);
      assert.equal(p.variants.length, expected, `${p.slug} variant count`);
      assert.equal(new Set(p.variants.map((v) => v.sku)).size, p.variants.length, `${p.slug} duplicate SKUs`);
      for (const v of p.variants) {
        assert.equal(v.price.currency, 'USD');
        assert.ok(Number.isSafeInteger(v.price.amount) && v.price.amount > 0);
        assert.ok(Number.isSafeInteger(v.stock) && v.stock >= 0);
      }
      assert.ok(p.variants[0]!.stock > 0, `${p.slug}: the default variant is sold out`);
      soldOut += p.variants.filter((v) => v.stock === 0).length;
      assert.ok(p.title.length > 3 && !/[*_#`]/.test(p.description), `${p.slug} title/description`);
      const sentences = p.description.split(/(?<=\.)\s+/).length;
      assert.ok(sentences >= 2 && sentences <= 3, `${p.slug} description has ${sentences} sentences`);
      assert.ok(!('credit' in p), `${p.slug}: the demo's own procedural models need no credit`);
    }
    assert.ok(soldOut >= 3, `only ${soldOut} sold-out variants`);
    const chair = products.find((p) => p.slug === 'dining-chair')!;
    const price = (wood: string): number => chair.variants.find((v) => v.options.Wood === wood)!.price.amount;
    assert.equal(price('Oak'), 24900);
    assert.equal(price('Walnut'), 26900, 'walnut costs more: the price changes when the shopper switches');
    assert.ok(products.filter((p) => new Set(p.variants.map((v) => v.price.amount)).size > 1).length >= 10);
  });

  test('posters are WebP images of the stated size that actually show a product', async () => {
    for (const p of products) {
      const img = sharp(p.poster);
      const meta = await img.metadata();
      assert.equal(meta.format, 'webp', `${p.slug} poster format`);
      assert.deepEqual({ width: meta.width, height: meta.height }, p.posterSize);
      assert.deepEqual(p.posterSize, { width: 768, height: 768 });
      const stats = await img.stats();
      const spread = Math.max(...stats.channels.slice(0, 3).map((c) => c.stdev));
      assert.ok(spread > 10, `${p.slug} poster is nearly a flat colour (stdev ${spread.toFixed(1)})`);
      assert.ok(p.poster.byteLength < 200_000, `${p.slug} poster is ${p.poster.byteLength} bytes`);
    }
  });

  test('generation is deterministic: a second run gives byte-identical models and posters', async () => {
    const again = await generateDemoCatalog({ currency: 'USD' });
    assert.deepEqual(again.map((p) => p.slug), products.map((p) => p.slug));
    for (const [i, p] of again.entries()) {
      assert.equal(sha256(p.glb), sha256(products[i]!.glb), `${p.slug} GLB differs between runs`);
      assert.equal(sha256(p.poster), sha256(products[i]!.poster), `${p.slug} poster differs between runs`);
      assert.deepEqual({ ...p, glb: null, poster: null }, { ...products[i]!, glb: null, poster: null });
    }
  });
});

test('prices follow the requested currency, in that currency\'s minor units', async () => {
  const def = demoProductDefs().find((d) => d.slug === 'ceramic-mug')!;
  const eur = await generateDemoProduct(def, 10, 'EUR');
  assert.deepEqual(eur.variants.map((v) => v.price), eur.variants.map(() => ({ amount: 2400, currency: 'EUR' })));
  const jpy = await generateDemoProduct(def, 10, 'JPY');
  for (const v of jpy.variants) {
    assert.equal(v.price.currency, 'JPY');
    assert.ok(Number.isSafeInteger(v.price.amount) && v.price.amount >= 3000 && v.price.amount % 100 === 0, `¥${v.price.amount} for a mug`);
  }
});
