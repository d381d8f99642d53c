// Dashboard: case type, counts by state (SVG), gate checklist summary, case timeline.
// Data: GET /api/v1/dashboard (status.read, no personal data).
"use strict";
(() => {
  const STATE_NAMES = {
    active: ["在册", "active"], allocated: ["已分配", "allocated"], notified: ["已告知", "notified"],
    objected: ["已异议", "objected"], consented: ["已同意", "consented"],
    shredded: ["已销毁", "shredded"], unmatched: ["未匹配", "unmatched"],
    restricted: ["限制处理", "restricted"], transferred: ["已转移", "transferred"],
  };
  const CASE_NAMES = { transfer: ["个人信息转移", "personal information transfer"],
                       liquidation: ["清算", "liquidation"] };
  const STEP_NAMES = {
    "vault.init": ["建立保险库", "vault created"], import: ["导入客户资料", "import"],
    "transfer.setup": ["设置转移", "transfer set up"], "recipient.add": ["添加接收方", "recipient added"],
    allocate: ["分配客户", "allocation"], "transfer.allocate": ["分配客户", "allocation"], "notices.plan": ["通知计划", "notices planned"],
    "notices.send": ["发送通知", "notices sent"], "notices.receipts": ["回执导入", "receipts imported"],
    "package.build": ["生成移交包", "package built"],
  };
  const stateName = (s) => (STATE_NAMES[s] ? JV.t(...STATE_NAMES[s]) : s);

  JV.register({
    id: "dashboard", nav_zh: "概览", nav_en: "Overview", action: "status.read", order: 10,
    render: async (el) => {
      const { h, t } = JV;
      el.appendChild(h("h1", null, t("案件概览", "Case overview")));
      const d = await JV.api("GET", "/api/v1/dashboard");
      const caseName = CASE_NAMES[d.case_type] ? t(...CASE_NAMES[d.case_type]) : d.case_type;
      const gateText = d.gate.blocked ? t("受阻", "blocked") : t("可放行", "clear");
      el.appendChild(h("div", { class: "cards", id: "dash-cards" },
        h("div", { class: "card" }, h("div", { class: "lbl" }, t("公司", "Company")),
          h("div", null, d.company || "")),
        h("div", { class: "card" }, h("div", { class: "lbl" }, t("案件类型", "Case type")),
          h("div", { id: "dash-case" }, caseName)),
        h("div", { class: "card" }, h("div", { class: "lbl" }, t("客户总数", "Customers")),
          h("div", { class: "num", id: "dash-total" }, String(d.subjects.total))),
        h("div", { class: "card" }, h("div", { class: "lbl" }, t("合规闸门", "Compliance gate")),
          h("div", { class: "num " + (d.gate.blocked ? "bad" : "ok"), id: "dash-gate" }, gateText),
          h("div", { class: "lbl" },
            t(`通过 ${d.gate.pass} · 未通过 ${d.gate.fail} · 警告 ${d.gate.warn}`,
              `pass ${d.gate.pass} · fail ${d.gate.fail} · warn ${d.gate.warn}`)))));

      const cols = h("div", { class: "cols" });
      const states = Object.entries(d.subjects.by_state).map(([s, n]) => ({
        label: stateName(s), value: n,
        kind: s === "objected" || s === "shredded" ? "warn" : "ok" }));
      cols.appendChild(h("div", null, h("h2", null, t("客户状态", "Customers by state")),
        states.length ? JV.svgBar(states, { title: t("按状态计数", "count by state") })
                      : h("p", { class: "muted" }, t("尚未导入客户", "no customers imported yet"))));
      const notices = Object.entries(d.notices || {}).map(([s, n]) => ({
        label: s, value: n, kind: s === "failed" ? "bad" : "ok" }));
      cols.appendChild(h("div", null, h("h2", null, t("通知", "Notices")),
        notices.length ? JV.svgBar(notices, { title: t("按状态计数", "count by status") })
                       : h("p", { class: "muted" }, t("尚无通知", "no notices yet")),
        d.transfer ? h("p", null, t("异议截止日：", "Objection deadline: "),
                       h("strong", null, d.transfer.notice_deadline || "")) : null));
      el.appendChild(cols);

      el.appendChild(h("h2", null, t("合规清单", "Compliance checklist")));
      el.appendChild(JV.table([
        { key: "id", zh: "规则", en: "Rule", render: (r) => h("span", { class: "mono" }, r.id) },
        { key: "title", zh: "内容", en: "What" },
        { key: "article", zh: "依据", en: "Article" },
        { key: "status", zh: "状态", en: "Status", render: (r) => h("span", {
            class: "pill " + (r.status === "fail" ? "bad" : r.status === "warn" ? "warn" : "") },
            r.status) },
        { key: "blocking", zh: "阻断", en: "Blocking",
          render: (r) => (r.blocking ? t("是", "yes") : "") },
      ], d.gate.rules));

      el.appendChild(h("h2", null, t("案件时间线", "Case timeline")));
      const tl = h("ol", { class: "timeline", id: "dash-timeline" });
      for (const s of d.timeline) {
        const name = STEP_NAMES[s.action] ? t(...STEP_NAMES[s.action]) : s.action;
        const counts = Object.entries(s.counts || {}).map(([k, v]) => `${k} ${v}`).join(" · ");
        tl.appendChild(h("li", null, h("span", { class: "when" }, (s.time || "").slice(0, 16).replace("T", " ")),
          h("strong", null, name), counts ? h("span", { class: "muted" }, " — " + counts) : null));
      }
      if (!d.timeline.length) tl.appendChild(h("li", { class: "muted" }, t("暂无记录", "nothing yet")));
      el.appendChild(tl);
    },
  });
})();
