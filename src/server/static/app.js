// jadevault staff web UI: the shell and the page contract (docs/design/ui.md).
//
// CONTRACT (stable; pages in static/page_<id>.js rely on it):
//   JV.lang                      "zh" (default) | "en"; kept in localStorage "jv.lang".
//   JV.t(zh, en)                 the text in the current language.
//   JV.api(method, path, body)   Promise of the response JSON. `body`: a plain object -> JSON
//                                (Content-Type application/json); a Blob/File/ArrayBuffer ->
//                                application/octet-stream; undefined/null -> no body ("{}" on
//                                a POST, which the server wants as JSON). Adds
//                                X-CSRF-Token on every non-GET call. Rejects with
//                                {status, code, message} (status 0 for a network error). A 401
//                                (other than from the login call itself) also sends the browser
//                                to the login page.
//   JV.h(tag, attrs, ...children) DOM builder. attrs: {class, id, type, value, ...}; a function
//                                under "on<event>" (onclick, oninput, onsubmit, onchange) is
//                                added as a listener; value/checked/disabled/selected are set as
//                                properties; null/false/undefined attrs are skipped. Children:
//                                strings/numbers become text nodes (never HTML), nodes are
//                                appended, arrays are flattened, null/false skipped.
//   JV.register({id, nav_zh, nav_en, action, render, order?, public?})
//                                adds a page, reached at #/<id> (params: #/<id>?k=v&...). The
//                                nav lists a page only when `action` (a policy action name, e.g.
//                                "import", "transfer.manage") is in /api/v1/me's `actions`; a
//                                page without nav_zh is not listed. `render: async (el, params)
//                                => {}` fills `el` (a fresh <section>); it is called again when
//                                the language changes. `order` sorts the nav (default 100).
//                                `public: true` pages (login) render without a session.
//   JV.go(id, params)            navigates to #/<id>?params.
//   JV.me                        the /api/v1/me answer ({user, role, actions, session}) or null.
//   JV.can(action)               whether the signed-in role holds the action.
//   JV.table(columns, rows)      <table>; columns: [{key, zh, en, render?(row) -> node|string}];
//                                without render the cell is String(row[key] ?? "").
//   JV.svgBar(items, opts?)      inline SVG horizontal bar chart; items: [{label, value, kind?}]
//                                (kind: "ok" | "warn" | "bad" colours the bar); opts.title.
//   JV.toast(text, kind)         a passing message; kind "ok" | "error" | "info".
//   JV.job(jobId, el)            Promise: shows a progress bar in `el` for the background job
//                                GET /api/v1/jobs/{id} until it ends; resolves with the job's
//                                `result`, rejects with {status, code: "job_failed", message}.
//   JV.field(zh, en, input)      a <label> with the text and the control.
//   JV.errorText(e)              a readable message for a rejection of JV.api / JV.job.
// Security: the CSP forbids inline script and style; build DOM with JV.h / textContent, never
// innerHTML with data. To add a page: a file static/page_<id>.js calling JV.register, and one
// line `<script src="/static/page_<id>.js" defer></script>` in index.html after app.js.
"use strict";

const JV = (() => {
  const pages = [];
  const LANG_KEY = "jv.lang";
  const CSRF_KEY = "jv.csrf";
  let lang = localStorage.getItem(LANG_KEY) === "en" ? "en" : "zh";
  let renderSeq = 0;

  function t(zh, en) {
    return lang === "en" && en !== undefined && en !== null ? en : zh;
  }

  function h(tag, attrs, ...children) {
    const el = tag.startsWith("svg:")
      ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4))
      : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on") && typeof v === "function") {
        el.addEventListener(k.slice(2), v);
      } else if (k === "value" || k === "checked" || k === "disabled" || k === "selected") {
        el[k] = v;
      } else {
        el.setAttribute(k, v === true ? "" : String(v));
      }
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) append(el, c);
      else if (c instanceof Node) el.appendChild(c);
      else el.appendChild(document.createTextNode(String(c)));
    }
  }

  async function api(method, path, body) {
    const headers = {};
    let payload;
    if (body instanceof Blob || body instanceof ArrayBuffer) {
      headers["Content-Type"] = "application/octet-stream";
      payload = body;
    } else if (body !== undefined && body !== null) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    } else if (method === "POST") {
      headers["Content-Type"] = "application/json";  // the server wants JSON on every POST
      payload = "{}";
    }
    if (method !== "GET") {
      const csrf = sessionStorage.getItem(CSRF_KEY);
      if (csrf) headers["X-CSRF-Token"] = csrf;
    }
    let res;
    try {
      res = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
    } catch (e) {
      throw { status: 0, code: "network", message: t("网络错误", "network error") };
    }
    let data = null;
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
    if (!res.ok) {
      const err = (data && data.error) || {};
      const out = { status: res.status, code: err.code || "http_error",
                    message: err.message || "HTTP " + res.status };
      if (res.status === 401 && !(path === "/api/v1/session" && method === "POST")) {
        JV.me = null;
        sessionStorage.removeItem(CSRF_KEY);
        if (!location.hash.startsWith("#/login")) location.hash = "#/login";
      }
      throw out;
    }
    return data;
  }

  function register(page) {
    if (!page || !page.id || typeof page.render !== "function") {
      throw new Error("JV.register needs {id, render}");
    }
    pages.push(Object.assign({ order: 100 }, page));
    if (started) buildNav();
  }

  function can(action) {
    return !!(JV.me && Array.isArray(JV.me.actions) && JV.me.actions.includes(action));
  }

  function parseHash() {
    const raw = location.hash.replace(/^#\/?/, "");
    const q = raw.indexOf("?");
    const id = q < 0 ? raw : raw.slice(0, q);
    const params = {};
    if (q >= 0) {
      for (const [k, v] of new URLSearchParams(raw.slice(q + 1))) params[k] = v;
    }
    return { id, params };
  }

  function go(id, params) {
    const qs = params && Object.keys(params).length ? "?" + new URLSearchParams(params) : "";
    const next = "#/" + id + qs;
    if (location.hash === next) route();
    else location.hash = next;
  }

  function table(columns, rows) {
    const head = h("tr", null, columns.map((c) => h("th", { scope: "col" }, t(c.zh, c.en))));
    const body = rows.map((row) =>
      h("tr", null, columns.map((c) => {
        const v = c.render ? c.render(row) : row[c.key];
        return h("td", { "data-key": c.key }, v === undefined || v === null ? "" : v);
      })));
    const tbl = h("table", { class: "jv-table" }, h("thead", null, head), h("tbody", null, body));
    if (rows.length === 0) {
      tbl.appendChild(h("caption", { class: "empty" }, t("没有记录", "nothing to show")));
    }
    return h("div", { class: "table-wrap" }, tbl);
  }

  function svgBar(items, opts) {
    const o = opts || {};
    const rowH = 26, labelW = 150, width = 520, valueW = 60;
    const max = Math.max(1, ...items.map((i) => Number(i.value) || 0));
    const height = Math.max(1, items.length) * rowH + (o.title ? 24 : 4);
    const svg = h("svg:svg", { viewBox: `0 0 ${width} ${height}`, class: "jv-chart",
                               role: "img", "aria-label": o.title || "chart" });
    let y = 4;
    if (o.title) {
      svg.appendChild(h("svg:text", { x: 0, y: 16, class: "chart-title" }, o.title));
      y = 24;
    }
    for (const it of items) {
      const v = Number(it.value) || 0;
      const w = Math.round(((width - labelW - valueW) * v) / max);
      svg.appendChild(h("svg:text", { x: labelW - 6, y: y + 16, "text-anchor": "end",
                                      class: "chart-label" }, String(it.label)));
      svg.appendChild(h("svg:rect", { x: labelW, y: y + 3, width: Math.max(w, v > 0 ? 2 : 0),
                                      height: rowH - 8, rx: 3,
                                      class: "bar bar-" + (it.kind || "ok") }));
      svg.appendChild(h("svg:text", { x: labelW + w + 6, y: y + 16, class: "chart-value" },
                        String(v)));
      y += rowH;
    }
    return svg;
  }

  function toast(text, kind) {
    const box = document.getElementById("toasts");
    if (!box) return;
    const el = h("div", { class: "toast toast-" + (kind || "info"), role: "status" }, text);
    box.appendChild(el);
    setTimeout(() => el.remove(), kind === "error" ? 8000 : 4000);
  }

  function errorText(e) {
    if (!e) return t("未知错误", "unknown error");
    if (typeof e === "string") return e;
    if (e.message) return e.status ? `${e.message} (${e.status})` : e.message;
    return String(e);
  }

  function job(jobId, el) {
    const bar = h("progress", { class: "job-bar", max: 1, value: 0 });
    const label = h("span", { class: "job-label" }, t("排队中…", "queued…"));
    const box = h("div", { class: "job", "data-job": jobId, "data-state": "running" }, bar, label);
    if (el) el.appendChild(box);
    return new Promise((resolve, reject) => {
      const poll = async () => {
        let j;
        try {
          j = await api("GET", "/api/v1/jobs/" + encodeURIComponent(jobId));
        } catch (e) {
          box.setAttribute("data-state", "failed");
          label.textContent = errorText(e);
          reject(e);
          return;
        }
        const p = j.progress || {};
        const total = Number(p.total) || 0, done = Number(p.done) || 0;
        if (p.phase === "finishing") {
          // Every row is read; the last batch is written and the index built.
          bar.removeAttribute("value");  // indeterminate
          label.textContent = t("写入最后一批并建立索引…", "writing the last batch and building the index…");
        } else if (total > 0) {
          bar.max = total;
          bar.value = Math.min(done, total);
          label.textContent = `${done} / ${total}`;
        } else if (j.state === "running") {
          bar.removeAttribute("value");  // indeterminate
          label.textContent = t("处理中…", "working…");
        }
        if (j.state === "done") {
          bar.max = 1;
          bar.value = 1;
          box.setAttribute("data-state", "done");
          label.textContent = t("完成", "done") + (total > 0 ? ` (${done} / ${total})` : "");
          resolve(j.result);
        } else if (j.state === "failed") {
          box.setAttribute("data-state", "failed");
          const msg = (j.error && j.error.message) || t("任务失败", "job failed");
          label.textContent = msg;
          reject({ status: 0, code: "job_failed", message: msg });
        } else {
          setTimeout(poll, 400);
        }
      };
      poll();
    });
  }

  function field(zh, en, input) {
    return h("label", { class: "field" }, h("span", null, t(zh, en)), input);
  }

  // ---- the shell ----
  let started = false;

  function buildHeader() {
    const header = document.getElementById("top");
    header.textContent = "";
    header.appendChild(h("a", { class: "brand", href: "#/dashboard" }, "玉匣 ",
                         h("small", null, "jadevault")));
    header.appendChild(h("nav", { id: "nav", "aria-label": t("导航", "navigation") }));
    const right = h("div", { class: "top-right" });
    if (JV.me) {
      right.appendChild(h("span", { class: "who", id: "who" }, `${JV.me.user} · ${JV.me.role}`));
    }
    right.appendChild(h("button", { type: "button", class: "link", id: "lang-switch",
                                    onclick: () => setLang(lang === "zh" ? "en" : "zh") },
                        lang === "zh" ? "English" : "中文"));
    if (JV.me) {
      right.appendChild(h("button", { type: "button", class: "link", id: "logout",
                                      onclick: logout }, t("退出", "Sign out")));
    }
    header.appendChild(right);
    buildNav();
  }

  function buildNav() {
    const nav = document.getElementById("nav");
    if (!nav) return;
    nav.textContent = "";
    if (!JV.me) return;
    const current = parseHash().id;
    const visible = pages
      .filter((p) => p.nav_zh && !p.public && (!p.action || can(p.action)))
      .sort((a, b) => a.order - b.order);
    for (const p of visible) {
      nav.appendChild(h("a", { href: "#/" + p.id, "data-page": p.id,
                               class: p.id === current ? "active" : null,
                               "aria-current": p.id === current ? "page" : null },
                        t(p.nav_zh, p.nav_en)));
    }
  }

  function setLang(l) {
    lang = l === "en" ? "en" : "zh";
    localStorage.setItem(LANG_KEY, lang);
    JV.lang = lang;
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    buildHeader();
    route();
  }

  async function logout() {
    try {
      await api("DELETE", "/api/v1/session");
    } catch (e) { /* already gone */ }
    JV.me = null;
    sessionStorage.removeItem(CSRF_KEY);
    buildHeader();
    go("login");
  }

  async function loadMe() {
    try {
      JV.me = await api("GET", "/api/v1/me");
    } catch (e) {
      JV.me = null;
    }
    return JV.me;
  }

  async function route() {
    const seq = ++renderSeq;
    const { id, params } = parseHash();
    let page = pages.find((p) => p.id === id);
    if (!JV.me && !(page && page.public)) {
      page = pages.find((p) => p.id === "login");
    }
    if (JV.me && (!page || page.public || (page.action && !can(page.action)))) {
      const first = pages.filter((p) => p.nav_zh && (!p.action || can(p.action)))
        .sort((a, b) => a.order - b.order)[0];
      page = pages.find((p) => p.id === "dashboard" && can(p.action)) || first;
      if (!page) return;
    }
    buildNav();
    const view = document.getElementById("view");
    const section = h("section", { class: "page", "data-page": page.id });
    view.textContent = "";
    view.appendChild(section);
    document.title = `${t(page.nav_zh || "玉匣", page.nav_en || "jadevault")} · 玉匣 jadevault`;
    try {
      await page.render(section, params);
    } catch (e) {
      if (seq !== renderSeq) return;
      section.appendChild(h("p", { class: "error" }, errorText(e)));
    }
  }

  async function start() {
    started = true;
    JV.lang = lang;
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    await loadMe();
    buildHeader();
    window.addEventListener("hashchange", route);
    await route();
  }

  // Called by the login page after POST /api/v1/session succeeded.
  async function signedIn(loginAnswer) {
    sessionStorage.setItem(CSRF_KEY, loginAnswer.csrf);
    await loadMe();
    buildHeader();
    go("dashboard");
  }

  document.addEventListener("DOMContentLoaded", start);

  return { lang, t, h, api, register, go, can, table, svgBar, toast, job, field, errorText,
           signedIn, me: null };
})();
window.JV = JV;
