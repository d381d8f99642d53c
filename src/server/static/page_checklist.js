// Checklist (SPEC §9): the compliance gate of `jadevault check` — one row per rule with its
// status, article and whether it blocks the package. API: GET /api/v1/checklist (status.read).
"use strict";
(() => {
  const STATUS = { pass: ["通过", "pass", "ok"], fail: ["未通过", "fail", "bad"],
                   warn: ["提示", "warn", "warn"], "n.a.": ["不适用", "n.a.", "muted"] };

  // Evidence is counts, ids and dates; long lists and texts are shortened (the whole JSON is
  // the cell's tooltip).
  function short(v) {
    if (Array.isArray(v)) {
      return v.length > 3 ? `[${v.slice(0, 3).map(short).join(", ")}, … ${v.length}]`
                          : `[${v.map(short).join(", ")}]`;
    }
    if (v && typeof v === "object") return "{…}";
    const s = String(v);
    return s.length > 60 ? s.slice(0, 57) + "…" : s;
  }

  function evidenceText(ev) {
    if (!ev || typeof ev !== "object") return "";
    return Object.entries(ev).map(([k, v]) => k + ": " + short(v)).join("; ");
  }

  JV.register({
    id: "checklist",
    nav_zh: "合规检查",
    nav_en: "Checklist",
    action: "status.read",
    order: 90,
    render: async (el) => {
      const { h, t } = JV;
      el.appendChild(h("h1", null, t("合规检查清单", "Compliance checklist")));
      const doc = await JV.api("GET", "/api/v1/checklist");
      const rules = doc.rules || [];
      el.appendChild(h("p", { id: "check-verdict", class: doc.blocked ? "bad" : "ok",
                              "data-blocked": doc.blocked ? "1" : "0" },
                       doc.blocked
                         ? t("受阻：有阻断性规则未通过，不能生成转移数据包。",
                             "Blocked: a blocking rule fails; no package can be built.")
                         : t("通过：没有阻断性规则未通过。", "OK: no blocking rule fails.")));
      const count = {};
      for (const r of rules) count[r.status] = (count[r.status] || 0) + 1;
      el.appendChild(JV.svgBar(Object.keys(STATUS).map((k) => ({
        label: t(STATUS[k][0], STATUS[k][1]), value: count[k] || 0,
        kind: k === "fail" ? "bad" : k === "warn" ? "warn" : "ok" })),
        { title: t("规则状态", "Rules by status") }));
      el.appendChild(JV.table([
        { key: "status", zh: "状态", en: "Status", render: (r) => {
          const s = STATUS[r.status] || [r.status, r.status, ""];
          return h("span", { class: "pill " + s[2], "data-status": r.status }, t(s[0], s[1]));
        } },
        { key: "id", zh: "规则", en: "Rule", render: (r) => h("span", { class: "mono" }, r.id) },
        { key: "title", zh: "内容", en: "Title" },
        { key: "article", zh: "条款", en: "Article" },
        { key: "blocking", zh: "阻断", en: "Blocking",
          render: (r) => r.blocking ? t("阻断", "blocking") : t("提示性", "advisory") },
        { key: "evidence", zh: "依据", en: "Evidence",
          render: (r) => h("span", { class: "muted", title: JSON.stringify(r.evidence || {}) },
                           evidenceText(r.evidence)) },
      ], rules));
    },
  });
})();
