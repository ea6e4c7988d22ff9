// Opens the page of an org with units (given on the command line) in headless Chromium and
// prints, as one JSON document, what a reader's browser sees of its organisation: console
// errors, requests that leave the page, axe's serious and critical findings in light and dark
// mode, whether the phone layout scrolls sideways, and what the matrix of units, the league
// tables and the links to other orgs show once an earlier period is chosen.
// tests/browser.rs runs it and asserts on those facts.
//
// Usage: node orgs.mjs PAGE.html   (KPIC_CHROMIUM names the browser; /usr/bin/chromium)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

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

// The periods whose matrix cells and league tables are visible, and the links to other orgs.
async function organisation(page) {
  return page.evaluate(() => {
    const visible = (selector) => [...new Set([...document.querySelectorAll(selector)]
      .filter((el) => !el.hidden && el.offsetParent !== null)
      .map((el) => el.getAttribute("data-pi")))];
    return {
      crumbs: [...document.querySelectorAll("nav.crumbs li")].map((li) => li.textContent.trim()),
      units: document.querySelectorAll("table.matrix tbody tr").length,
      matrixPeriods: visible("table.matrix [data-pi]"),
      leaguePeriods: visible(".league-at[data-pi]"),
      leagueRows: document.querySelectorAll(".league-at:not([hidden]) tbody tr").length,
      orgLinks: [...document.querySelectorAll("a[data-org-link]")].map((a) => a.getAttribute("href")),
    };
  });
}

const path = process.argv[2];
const url = pathToFileURL(path).href;
const facts = { page: path, consoleErrors: [], requests: [] };
const browser = await chromium.launch({
  executablePath: process.env.KPIC_CHROMIUM || "/usr/bin/chromium",
  args: FLAGS,
});
try {
  const light = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
  const page = await open(light, url, facts);
  facts.axeLight = await axeFindings(page);
  const periods = await page.$$eval("#period option", (options) =>
    options.map((o) => ({ value: o.value, code: o.getAttribute("data-period") })));
  facts.periods = periods;
  facts.latest = await organisation(page);
  await page.selectOption("#period", periods[0].value);
  facts.first = await organisation(page);
  // A unit's link opens its page on the period chosen.
  const unit = await page.$("table.matrix tbody th a[data-org-link]");
  await unit.click();
  await page.waitForLoadState("load");
  facts.followed = await page.evaluate(() => ({
    search: window.location.search,
    selected: document.getElementById("period").value,
    title: document.querySelector("h1").textContent,
  }));
  await light.close();

  const dark = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "dark" });
  facts.axeDark = await axeFindings(await open(dark, url, facts));
  await dark.close();

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const onPhone = await open(phone, url, facts);
  facts.phone = await onPhone.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  await phone.close();
  process.stdout.write(JSON.stringify(facts, null, 2) + "\n");
} finally {
  await browser.close();
}
