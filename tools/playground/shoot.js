// See what a Teams user sees: drive the Microsoft 365 Agents Playground with headless
// Chromium, send messages in one chat and save a screenshot (and the page's HTML) after each
// answer. Not part of the bot; see "Seeing answers in a Teams client" in the README.
//
//   node shoot.js PLAYGROUND_URL OUTDIR CHAT "message" ["message" ...]
//
// CHAT is a name in the playground's left column: "Personal Chat", "Group Chat", or a
// team channel ("General"), where each message starts a post that @mentions the bot.
const puppeteer = require('puppeteer-core');
const fs = require('fs');

const [url, outdir, chat, ...messages] = process.argv.slice(2);
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const channel = !chat.endsWith('Chat');

async function openChat(page) {
  const opened = await page.evaluate(name => {
    const el = [...document.querySelectorAll('*')].find(
      e => e.childElementCount === 0 && e.textContent.trim() === name);
    if (el) el.click();
    return Boolean(el);
  }, chat);
  if (!opened) throw new Error(`no chat called ${chat}`);
  await sleep(1500);
}

async function send(page, message) {
  const box = await page.waitForSelector('[contenteditable="true"], textarea', {timeout: 10000});
  await box.click();
  if (!channel) {
    await page.keyboard.type(message);
    await page.keyboard.press('Enter');
    return;
  }
  // A channel post reaches the bot only when it mentions it: pick the bot from the list.
  await page.keyboard.type('@');
  await sleep(1000);
  const picked = await page.evaluate(() => {
    const item = [...document.querySelectorAll('[role="menuitem"]')].find(e => e.textContent.includes('Bot'));
    if (item) item.click();
    return Boolean(item);
  });
  if (!picked) throw new Error('the playground offered no mention of the bot');
  await sleep(300);
  await page.keyboard.type(' ' + message);
  await page.evaluate(() => [...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Post').click());
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           `--user-data-dir=${fs.mkdtempSync('/tmp/playground-chromium-')}`],
    defaultViewport: {width: 1300, height: 1400},
  });
  const page = await browser.newPage();
  await page.goto(url, {waitUntil: 'networkidle2', timeout: 60000});
  await sleep(2000);
  await openChat(page);
  let n = 0;
  for (const message of messages) {
    n += 1;
    await send(page, message);
    await sleep(4000);  // the answer, and the card's rendering
    const file = `${outdir}/${chat.replace(/\W+/g, '_')}-${n}.png`;
    await page.screenshot({path: file});
    fs.writeFileSync(`${file}.html`, await page.content());
    console.log(`${file} <- ${message}`);
  }
  await browser.close();
})().catch(error => { console.error(error); process.exit(1); });
