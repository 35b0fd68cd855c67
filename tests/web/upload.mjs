// Drives the `shnor serve` page in headless Chromium: uploads a document through the file
// picker, drops a badly named broken file on the drop zone, opens the report, visits the
// search page, and takes screenshots. Prints one JSON line with what the page showed; the
// Rust test (tests/serve_browser.rs) makes the assertions.
//
// usage: node upload.mjs BASE_URL GOOD_FILE SCREENSHOT_DIR
import { chromium } from "playwright-core";

const [base, goodFile, shots] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
const result = {};
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, locale: "ru-RU" });
  const dialogs = [];
  page.on("dialog", async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  const cspViolations = [];
  page.on("console", (m) => {
    if (m.type() === "error") cspViolations.push(m.text());
  });

  await page.goto(base + "/");
  await page.waitForFunction(() => document.getElementById("limits-hint").textContent.includes("МБ"));
  result.limitsHint = await page.textContent("#limits-hint");

  // 1. A good document through the file picker.
  await page.setInputFiles("#file-input", goodFile);
  await page.waitForSelector("#results .card.done, #results .card.failed", { timeout: 60000 });
  // Newer cards are prepended, so the first upload stays last.
  const card = page.locator("#results .card").last();
  result.goodCardClass = await card.getAttribute("class");
  result.goodTitle = await card.locator("h2").textContent();
  if ((result.goodCardClass || "").includes("done")) {
    result.verdict = await card.locator(".verdict").textContent();
    result.complete = await card.locator(".verdict").getAttribute("data-complete");
    result.chips = {};
    for (const chip of await card.locator(".chip").all()) {
      result.chips[await chip.getAttribute("data-element")] = (await chip.getAttribute("class")).replace("chip ", "");
    }
  } else {
    result.goodError = await card.locator(".error").textContent();
  }

  // 2. A broken file with a hostile name, dropped on the drop zone.
  const hostile = '<img src=x onerror=alert(1)>.docx';
  await page.evaluate((name) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array([80, 75, 3, 4, 1, 2, 3])], name));
    const drop = document.getElementById("drop");
    drop.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, hostile);
  await page.waitForFunction(() => document.querySelectorAll("#results .card.failed").length > 0, null, { timeout: 60000 });
  const failed = page.locator("#results .card.failed").first();
  result.badTitle = await failed.locator("h2").textContent();
  result.badError = await failed.locator(".error").textContent();
  result.injectedImages = await page.locator("#results img").count();
  await page.screenshot({ path: shots + "/upload.png", fullPage: true });

  // 3. The full report (server-rendered) in its sandboxed frame.
  if ((result.goodCardClass || "").includes("done")) {
    await card.locator("button", { hasText: "Показать отчёт" }).click();
    const frame = card.locator("iframe");
    await frame.waitFor();
    result.frameSandbox = await frame.getAttribute("sandbox");
    const handle = await frame.elementHandle();
    const content = await handle.contentFrame();
    await content.waitForLoadState();
    result.reportText = (await content.textContent("body")) || "";
    await page.screenshot({ path: shots + "/report.png", fullPage: true });
  }

  // 4. The search page.
  await page.goto(base + "/search?q=" + encodeURIComponent("наставничество"));
  await page.waitForFunction(() => {
    const s = document.getElementById("search-status").textContent;
    return s && s !== "Ищем…";
  });
  result.searchStatus = await page.textContent("#search-status");
  result.searchHits = await page.locator("#hits .hit").count();
  result.facetGroups = await page.locator("#facets section").count();
  result.highlights = await page.locator("#hits mark").count();
  result.firstHit = (await page.locator("#hits .hit").first().textContent().catch(() => "")) || "";
  result.riskOptions = await page.locator("#risk option").count();
  await page.screenshot({ path: shots + "/search.png", fullPage: true });

  result.dialogs = dialogs;
  result.consoleErrors = cspViolations;
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
