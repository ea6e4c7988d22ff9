// Opens each HTML report given on the command line in headless Chromium and prints, as one JSON
// document, what a reader's browser sees of it: console errors, requests that leave the page,
// axe's serious and critical findings in light and dark mode, text cut off at the edge of a
// chart (desktop and phone), whether the phone layout scrolls sideways, and what the header and the address say once an earlier period is chosen.
// Also: any arrow of the strategy map drawn under a box that is not one of its ends.
// tests/browser.rs runs it and asserts on those facts.
//
// Usage: node report.mjs PAGE.html...   (KPIC_CHROMIUM names the browser; /usr/bin/chromium)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// The flags a machine without a network needs (no background connections, no sandbox as root).
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

async function open(context, url, facts) {
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") facts.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => facts.consoleErrors.push(String(error)));
  page.on("request", (request) => {
    if (!request.url().startsWith("file:") && !request.url().startsWith("data:")) {
      facts.requests.push(request.url());
    }
  });
  await page.goto(url, { waitUntil: "load" });
  return page;
}

async function axeFindings(page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
}

// Texts of the page's SVG figures that reach outside their figure's viewBox (cut off).
async function clippedTexts(page) {
  return page.evaluate(() => {
    const clipped = [];
    document.querySelectorAll("svg[viewBox]").forEach((svg) => {
      const [x0, y0, width, height] = svg.getAttribute("viewBox").split(/[ ,]+/).map(Number);
      svg.querySelectorAll("text").forEach((text) => {
        if (text.closest("[visibility=hidden]") || !text.textContent.trim()) return;
        const box = text.getBBox();
        const out = box.x < x0 - 0.5 || box.y < y0 - 0.5 ||
          box.x + box.width > x0 + width + 0.5 || box.y + box.height > y0 + height + 0.5;
        if (out) clipped.push(`${svg.getAttribute("class")}: "${text.textContent}"`);
      });
    });
    return clipped;
  });
}

// Arrows of the strategy map that pass under a box other than their two ends' (sampled every
// 2 units along the drawn path, against each box shrunk by 1 unit).
async function arrowsUnderBoxes(page) {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll("svg.map a.box")].map((box) => {
      const rect = box.querySelector("rect");
      const [x, y, w, h] = ["x", "y", "width", "height"].map((k) => Number(rect.getAttribute(k)));
      return { index: box.getAttribute("data-o"), x: x + 1, y: y + 1, right: x + w - 1, bottom: y + h - 1 };
    });
    const found = [];
    document.querySelectorAll("svg.map path.arrow").forEach((arrow) => {
      const ends = [arrow.getAttribute("data-from"), arrow.getAttribute("data-to")];
      const length = arrow.getTotalLength();
      for (let at = 0; at <= length; at += 2) {
        const p = arrow.getPointAtLength(at);
        const under = boxes.find((b) => !ends.includes(b.index) &&
          p.x > b.x && p.x < b.right && p.y > b.y && p.y < b.bottom);
        if (under) {
          found.push(`${arrow.querySelector("title").textContent} passes under box ${under.index}`);
          break;
        }
      }
    });
    return found;
  });
}

// The table's filters: what the visible KPI rows are once red is chosen, then one owner, then
// the sort by score (within each objective, lowest first).
async function filters(page) {
  const visible = () => page.$$eval("table.card tr.row-k", (rows) => rows
    .filter((row) => row.offsetParent !== null)
    .map((row) => ({
      status: row.querySelector(".st").getAttribute("data-st"),
      owner: row.lastElementChild.textContent,
      score: row.querySelector('[data-f="score"]').textContent,
    })));
  const facts = { all: (await visible()).length };
  await page.selectOption('[data-filter="status"]', "red");
  facts.red = await visible();
  facts.redCount = await page.$eval('[data-filter="count"]', (o) => o.textContent);
  await page.selectOption('[data-filter="status"]', "");
  const owners = await page.$$eval('[data-filter="owner"] option', (os) => os.map((o) => o.value));
  if (owners.length > 1) {
    facts.owner = owners[1];
    await page.selectOption('[data-filter="owner"]', facts.owner);
    facts.ofOwner = await visible();
    await page.selectOption('[data-filter="owner"]', "");
  }
  await page.check('[data-filter="sort"]');
  facts.sortedGroups = await page.$$eval("table.card tbody", (bodies) => bodies.map((body) => {
    const groups = []; let current = null;
    for (const row of body.rows) {
      if (row.classList.contains("row-k")) {
        if (!current) { current = []; groups.push(current); }
        const value = parseFloat(row.querySelector('[data-f="score"]').textContent.replace("\u2212", "-"));
        current.push(isNaN(value) ? null : value);
      } else current = null;
    }
    return groups;
  }).flat());
  await page.uncheck('[data-filter="sort"]');
  return facts;
}

async function header(page) {
  return page.evaluate(() => {
    const lead = document.querySelector('header.top [data-f="lead"]');
    const shown = document.querySelector('header.top [data-f="shown"]');
    const asOf = document.querySelector("header.top [data-as-of]");
    const select = document.getElementById("period");
    return {
      lead: lead && lead.textContent,
      shown: shown && shown.textContent,
      asOfShown: asOf ? !asOf.hidden : null,
      selected: select ? select.value : null,
      search: window.location.search,
    };
  });
}

async function facts(browser, path) {
  const url = pathToFileURL(path).href;
  const facts = { page: path, consoleErrors: [], requests: [] };

  const light = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
  const page = await open(light, url, facts);
  facts.clippedDesktop = await clippedTexts(page);
  facts.arrows = await page.$$eval("svg.map path.arrow", (arrows) => arrows.length);
  facts.filters = await filters(page);
  facts.arrowsUnderBoxes = await arrowsUnderBoxes(page);
  facts.axeLight = await axeFindings(page);
  facts.latest = await header(page);
  const periods = await page.$$eval("#period option", (options) => options.map((o) => o.value));
  facts.periods = periods.length;
  if (periods.length > 1) {
    await page.selectOption("#period", periods[0]);
    facts.first = await header(page);
    // The address names the period: opened again, the page shows it.
    const again = await open(light, page.url(), facts);
    facts.reopened = await header(again);
    await page.selectOption("#period", periods[periods.length - 1]);
    facts.backToLatest = await header(page);
  }
  await light.close();

  const dark = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "dark" });
  facts.axeDark = await axeFindings(await open(dark, url, facts));
  await dark.close();

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const onPhone = await open(phone, url, facts);
  facts.clippedPhone = await clippedTexts(onPhone);
  facts.phone = await onPhone.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  await phone.close();
  return facts;
}

const browser = await chromium.launch({
  executablePath: process.env.KPIC_CHROMIUM || "/usr/bin/chromium",
  args: FLAGS,
});
try {
  const all = [];
  for (const path of process.argv.slice(2)) all.push(await facts(browser, path));
  process.stdout.write(JSON.stringify(all, null, 2) + "\n");
} finally {
  await browser.close();
}
