// Page logic for `shnor serve`. Everything from the server or a file name is inserted as
// text (textContent), never as HTML; the full report is the server's rendering, shown in a
// sandboxed frame.
"use strict";

const ELEMENTS = [
  ["goal", "Цель"],
  ["measures", "Меры"],
  ["indicators", "Показатели"],
  ["monitoring", "Мониторинг"],
  ["analysis", "Анализ"],
];
const PRESENCE = { present: "есть", weak: "слабо", absent: "нет" };

let config = { max_request_bytes: 100 * 1024 * 1024, max_files: 20, risk_factors: [], doc_types: [] };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function megabytes(n) {
  return (n / (1024 * 1024)).toLocaleString("ru-RU", { maximumFractionDigits: 1 }) + " МБ";
}

async function fetchJson(url, init) {
  let resp;
  try {
    resp = await fetch(url, init);
  } catch (e) {
    return { ok: false, error: { code: "network", message: "нет связи с сервером" } };
  }
  let body = null;
  try {
    body = await resp.json();
  } catch (e) {
    body = null;
  }
  if (!resp.ok) {
    const error = (body && body.error) || { code: "http_" + resp.status, message: "ошибка сервера (" + resp.status + ")" };
    return { ok: false, error };
  }
  return { ok: true, body };
}

// ---------------------------------------------------------------------------------------------
// Check
// ---------------------------------------------------------------------------------------------

function setupCheck() {
  const drop = document.getElementById("drop");
  const input = document.getElementById("file-input");
  input.addEventListener("change", () => {
    handleFiles(Array.from(input.files));
    input.value = "";
  });
  for (const ev of ["dragenter", "dragover"]) {
    drop.addEventListener(ev, (e) => {
      e.preventDefault();
      drop.classList.add("over");
    });
  }
  for (const ev of ["dragleave", "drop"]) {
    drop.addEventListener(ev, () => drop.classList.remove("over"));
  }
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    handleFiles(Array.from(e.dataTransfer.files));
  });
  // Dropping a file outside the zone must not navigate away from the page.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());
}

async function handleFiles(files) {
  const list = document.getElementById("results");
  if (files.length > config.max_files) {
    list.prepend(errorCard("", { message: "можно загрузить не больше " + config.max_files + " файлов за раз" }));
    files = files.slice(0, config.max_files);
  }
  const cards = files.map((f) => {
    const card = el("li", { class: "card pending" }, el("h2", {}, f.name), el("p", { class: "status" }, "Проверяется…"));
    list.prepend(card);
    return [f, card];
  });
  // One at a time: the server checks each file with all its cores anyway.
  for (const [file, card] of cards) {
    if (file.size > config.max_request_bytes) {
      card.replaceWith(errorCard(file.name, { message: "файл больше допустимых " + megabytes(config.max_request_bytes) }));
      continue;
    }
    const result = await fetchJson("/api/check?name=" + encodeURIComponent(file.name), {
      method: "POST",
      headers: { "Content-Type": "application/octet-stream" },
      body: file,
    });
    card.replaceWith(result.ok ? reportCard(file.name, result.body) : errorCard(file.name, result.error));
  }
}

function errorCard(name, error) {
  return el(
    "li",
    { class: "card failed", "data-code": error.code || "" },
    name ? el("h2", {}, name) : null,
    el("p", { class: "error" }, "Не удалось проверить: " + error.message),
  );
}

function verdictOf(report, id) {
  return (report.elements || []).find((v) => v.element === id);
}

function reportCard(name, report) {
  const complete = !!report.cycle_complete;
  const docType = (config.doc_types.find((d) => d.id === report.doc_type) || {}).label || report.doc_type;
  const chips = el("ol", { class: "cycle" });
  for (const [id, label] of ELEMENTS) {
    const v = verdictOf(report, id);
    const presence = v ? v.presence : "absent";
    chips.append(el("li", { class: "chip " + presence, "data-element": id }, label, el("small", {}, PRESENCE[presence] || presence)));
  }
  const base = "/api/report/" + encodeURIComponent(report.hash);
  const frameBox = el("div", { class: "frame-box" });
  const toggle = el("button", { type: "button", class: "button secondary" }, "Показать отчёт");
  toggle.addEventListener("click", () => {
    if (frameBox.firstChild) {
      frameBox.replaceChildren();
      toggle.textContent = "Показать отчёт";
      return;
    }
    // No allow-scripts / allow-same-origin: the report is a document, not an application.
    frameBox.append(el("iframe", { src: base + ".html", sandbox: "", title: "Отчёт: " + name }));
    toggle.textContent = "Скрыть отчёт";
  });
  const missing = ELEMENTS.filter(([id]) => (verdictOf(report, id) || {}).presence !== "present");
  return el(
    "li",
    { class: "card done " + (complete ? "complete" : "incomplete") },
    el("h2", {}, name),
    el("p", { class: "meta" }, docType, report.school ? " · " + report.school : "", years(report) ? " · " + years(report) : ""),
    el(
      "p",
      { class: "verdict", "data-complete": String(complete) },
      complete ? "Полный управленческий цикл: есть" : "Полный управленческий цикл: нет",
    ),
    chips,
    missing.length && !complete
      ? el("p", { class: "missing" }, "Не хватает: " + missing.map(([id, l]) => l.toLowerCase() + ((verdictOf(report, id) || {}).presence === "weak" ? " (выражено слабо)" : "")).join(", "))
      : null,
    el(
      "p",
      { class: "actions" },
      toggle,
      el("a", { class: "button secondary", href: base + ".docx" }, "DOCX"),
      el("a", { class: "button secondary", href: base + ".html?download=1" }, "HTML для печати"),
      el("a", { class: "button secondary", href: base + ".json" }, "JSON"),
    ),
    frameBox,
  );
}

// ---------------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------------

function setupSearch() {
  const risk = document.getElementById("risk");
  for (const r of config.risk_factors) risk.append(el("option", { value: r.id }, r.label));
  const type = document.getElementById("type");
  for (const d of config.doc_types) type.append(el("option", { value: d.id }, d.label));
  const form = document.getElementById("search-form");
  const params = new URLSearchParams(location.search);
  for (const k of ["q", "risk", "type", "complete", "year"]) {
    if (params.has(k)) form.elements[k].value = params.get(k);
  }
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    runSearch();
  });
  form.addEventListener("change", (e) => {
    if (e.target.tagName === "SELECT") runSearch();
  });
  if (params.has("q")) runSearch();
}

function searchParams() {
  const form = document.getElementById("search-form");
  const p = new URLSearchParams();
  for (const k of ["q", "risk", "type", "complete", "year"]) {
    const v = form.elements[k].value.trim();
    if (v) p.set(k, v);
  }
  return p;
}

async function runSearch() {
  const p = searchParams();
  history.replaceState(null, "", "/search?" + p.toString());
  const status = document.getElementById("search-status");
  const hits = document.getElementById("hits");
  status.textContent = "Ищем…";
  p.set("limit", "20");
  const result = await fetchJson("/api/search?" + p.toString());
  hits.replaceChildren();
  document.getElementById("facets").replaceChildren();
  if (!result.ok) {
    status.textContent = "Поиск недоступен: " + result.error.message;
    status.className = "status error";
    return;
  }
  status.className = "status";
  const body = result.body;
  status.textContent = body.total ? "Найдено документов: " + body.total : "Ничего не найдено";
  for (const h of body.hits || []) hits.append(hitItem(h));
  renderFacets(body.facets || {});
}

function years(h) {
  if (h.year_from && h.year_to && h.year_from !== h.year_to) return h.year_from + "–" + h.year_to + " гг.";
  const y = h.year_from || h.year_to;
  return y ? y + " г." : null;
}

function hitItem(h) {
  const snippet = el("p", { class: "snippet" });
  for (const part of h.snippet || []) {
    snippet.append(part.mark ? el("mark", {}, part.text) : document.createTextNode(part.text));
  }
  const docType = (config.doc_types.find((d) => d.id === h.doc_type) || {}).label || h.doc_type || "";
  const missing = (h.missing || []).map((m) => m.label.toLowerCase()).join(", ");
  const risks = (h.risk_factors || []).map((r) => r.label).join("; ");
  return el(
    "li",
    { class: "hit" },
    el("h3", {}, h.title || h.source),
    el(
      "p",
      { class: "meta" },
      [h.school, docType, years(h)].filter(Boolean).join(" · "),
      " ",
      el("span", { class: "badge " + (h.cycle_complete ? "complete" : "incomplete") }, h.cycle_complete ? "полный цикл" : "цикл неполный"),
    ),
    missing ? el("p", { class: "meta" }, "Нет в цикле: " + missing) : null,
    risks ? el("p", { class: "meta" }, "Факторы риска: " + risks) : null,
    h.section ? el("p", { class: "meta" }, "Раздел: " + h.section) : null,
    snippet,
    el("p", { class: "source" }, h.source),
  );
}

const FACET_TITLES = { risk: "Фактор риска", type: "Тип документа", complete: "Цикл", year: "Год" };

function renderFacets(facets) {
  const box = document.getElementById("facets");
  const form = document.getElementById("search-form");
  for (const key of ["risk", "type", "complete", "year"]) {
    const values = facets[key] || [];
    if (!values.length) continue;
    const list = el("ul", {});
    for (const f of values) {
      const link = el("button", { type: "button", class: "facet" + (form.elements[key].value === String(f.id) ? " active" : "") }, f.label || String(f.id), el("span", { class: "count" }, String(f.count)));
      link.addEventListener("click", () => {
        form.elements[key].value = form.elements[key].value === String(f.id) ? "" : String(f.id);
        runSearch();
      });
      list.append(el("li", {}, link));
    }
    box.append(el("section", {}, el("h4", {}, FACET_TITLES[key]), list));
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const result = await fetchJson("/api/config");
  if (result.ok) config = result.body;
  document.getElementById("limits-hint").textContent =
    "PDF, DOCX, DOC, ODT, RTF, TXT · до " + megabytes(config.max_request_bytes) + " · до " + config.max_files + " файлов за раз";
  const onSearch = location.pathname === "/search";
  document.getElementById("view-search").hidden = !onSearch;
  document.getElementById("view-check").hidden = onSearch;
  document.getElementById(onSearch ? "nav-search" : "nav-check").classList.add("active");
  setupCheck();
  setupSearch();
}

main();
