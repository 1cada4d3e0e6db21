// Seed (run by setup.sh through `medusa exec`): a region, a publishable key on the default sales channel, the
// categories, and the benchmark's 216 products from products.json (made from ../products-x4.csv by
// ../catalog-csv.ts), EUR and USD prices, inventory not managed. Writes the key and region to seed-output.json.
const fs = require('fs')
const path = require('path')
const {
  createApiKeysWorkflow, linkSalesChannelsToApiKeyWorkflow, createRegionsWorkflow,
  createProductCategoriesWorkflow, createProductsWorkflow, updateStoresWorkflow,
  createSalesChannelsWorkflow, createTaxRegionsWorkflow,
} = require('@medusajs/medusa/core-flows')
const { ContainerRegistrationKeys, Modules, ProductStatus } = require('@medusajs/framework/utils')

async function seed({ container }) {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const scService = container.resolve(Modules.SALES_CHANNEL)
  const storeService = container.resolve(Modules.STORE)
  const countries = ['gb', 'de', 'dk', 'se', 'fr', 'es', 'it']

  const [store] = await storeService.listStores()
  let sc = await scService.listSalesChannels({ name: 'Default Sales Channel' })
  if (!sc.length) {
    const { result } = await createSalesChannelsWorkflow(container).run({ input: { salesChannelsData: [{ name: 'Default Sales Channel' }] } })
    sc = result
  }
  await updateStoresWorkflow(container).run({ input: { selector: { id: store.id }, update: {
    supported_currencies: [{ currency_code: 'eur', is_default: true }, { currency_code: 'usd' }],
    default_sales_channel_id: sc[0].id } } })

  const { result: regions } = await createRegionsWorkflow(container).run({ input: { regions: [
    { name: 'Europe', currency_code: 'eur', countries, payment_providers: ['pp_system_default'] }] } })
  await createTaxRegionsWorkflow(container).run({ input: countries.map((c) => ({ country_code: c, provider_id: 'tp_system' })) })

  const { result: keys } = await createApiKeysWorkflow(container).run({ input: { api_keys: [
    { title: 'Webshop', type: 'publishable', created_by: '' }] } })
  await linkSalesChannelsToApiKeyWorkflow(container).run({ input: { id: keys[0].id, add: [sc[0].id] } })

  const products = JSON.parse(fs.readFileSync(path.join(__dirname, 'products.json'), 'utf8'))
  const catNames = [...new Set(products.flatMap((p) => p.categories))]
  const { result: cats } = await createProductCategoriesWorkflow(container).run({ input: {
    product_categories: catNames.map((name) => ({ name, is_active: true })) } })
  const catId = Object.fromEntries(cats.map((c) => [c.name, c.id]))

  const toInput = (p) => {
    const groups = p.optionGroups.length ? p.optionGroups : ['Default']
    const options = groups.map((g, i) => ({ title: g,
      values: [...new Set(p.variants.map((v) => (p.optionGroups.length ? v.values[i] : 'Default')))] }))
    return {
      title: p.title, handle: p.handle, description: p.description, status: ProductStatus.PUBLISHED,
      category_ids: p.categories.map((c) => catId[c]).filter(Boolean),
      images: p.images.map((a) => ({ url: `http://127.0.0.1:9100/static/${a}` })),
      thumbnail: p.images[0] ? `http://127.0.0.1:9100/static/${p.images[0]}` : undefined,
      options,
      variants: p.variants.map((v) => ({
        title: p.optionGroups.length ? v.values.join(' / ') : p.title, sku: v.sku, manage_inventory: false,
        options: Object.fromEntries(groups.map((g, i) => [g, p.optionGroups.length ? v.values[i] : 'Default'])),
        prices: [{ amount: v.price, currency_code: 'eur' }, { amount: v.price, currency_code: 'usd' }],
      })),
      sales_channels: [{ id: sc[0].id }],
    }
  }
  for (let i = 0; i < products.length; i += 24) {
    await createProductsWorkflow(container).run({ input: { products: products.slice(i, i + 24).map(toInput) } })
    logger.info(`products ${Math.min(i + 24, products.length)}/${products.length}`)
  }
  fs.writeFileSync(path.join(process.cwd(), 'seed-output.json'), JSON.stringify({ publishableKey: keys[0].token, regionId: regions[0].id }, null, 2))
}

exports.default = seed
