// Opens GraphiQL served by the gateway in headless Debian chromium, runs a query, prints the result.
// usage: node graphiql.browser.mjs <playwright-core dir> <gateway origin> <query>
import { createRequire } from 'node:module';
import path from 'node:path';

const [playwrightDir, origin, query] = process.argv.slice(2);
const require = createRequire(path.join(playwrightDir, 'package.json'));
const { chromium } = require('playwright-core');

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  ],
});
const outside = [];
const graphqlPosts = [];
try {
  const page = await browser.newPage();
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) {
      outside.push(url);
    }
    if (url.startsWith(`${origin}/graphql`) && request.method() === 'POST') {
      graphqlPosts.push({ headers: request.headers(), body: request.postData() });
    }
  });
  await page.goto(`${origin}/graphql#query=${encodeURIComponent(query)}`, {
    waitUntil: 'domcontentloaded',
  });
  await page.waitForSelector('.graphiql-execute-button', { timeout: 60000 });
  await page.waitForFunction(
    () => (document.querySelector('.graphiql-query-editor')?.textContent ?? '').includes('products'),
    null,
    { timeout: 30000 },
  );
  await page.click('.graphiql-execute-button');
  await page.waitForFunction(
    () => (document.querySelector('.graphiql-response')?.textContent ?? '').includes('"data"'),
    null,
    { timeout: 30000 },
  );
  const response = (await page.textContent('.graphiql-response')).replace(/\u00a0/g, ' ');
  console.log(JSON.stringify({ response, outside, graphqlPosts }));
} finally {
  await browser.close();
}
