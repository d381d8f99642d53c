// Subjects: search by mobile / ID number / name / e-mail / member number; masked results;
// a subject's masked profile; reveal one field in clear with a purpose and a reason (only
// for roles holding subject.reveal; the server checks and audits it).
// API: GET /api/v1/subjects?KIND=VALUE&purpose=, GET /api/v1/subjects/{id},
//      POST /api/v1/subjects/{id}/reveal {field, purpose, reason}.
"use strict";
(() => {
  const KINDS = [["mobile", "手机号", "mobile"], ["id_number", "身份证号", "ID number"],
                 ["name", "姓名", "name"], ["email", "电子邮箱", "e-mail"],
                 ["member_no", "会员号", "member no."]];
  const PURPOSES = [["customer_service", "客户服务", "customer service"],
                    ["rights_request", "个人权利请求", "rights request"],
                    ["transfer", "转移", "transfer"], ["liquidation", "清算", "liquidation"],
                    ["legal_obligation", "法定义务", "legal obligation"],
                    ["security_incident", "安全事件", "security incident"]];
  const FIELDS = ["name", "mobile", "id_number", "email", "address", "birth_date", "landline",
                  "bank_card", "member_no"];
  const options = (list) => list.map(([v, zh, en]) => JV.h("option", { value: v }, JV.t(zh, en)));

  async function showSubject(box, id, purpose) {
    const { h, t } = JV;
    box.textContent = "";
    const d = await JV.api("GET", `/api/v1/subjects/${encodeURIComponent(id)}?purpose=${purpose}`);
    box.appendChild(h("h2", null, t("客户资料（已遮蔽）", "Customer (masked)"), " ",
                      h("span", { class: "mono muted" }, d.id)));
    box.appendChild(h("p", null, t("状态：", "State: "), h("span", { class: "pill" }, d.state)));
    const masked = Object.entries(d.masked || {}).map(([k, v]) => ({ field: k, value: v }));
    box.appendChild(JV.table([{ key: "field", zh: "字段", en: "Field" },
                              { key: "value", zh: "值", en: "Value",
                                render: (r) => h("span", { class: "mono masked" }, String(r.value)) }],
                             masked));
    if (!JV.can("subject.reveal")) return;
    const field = h("select", { id: "reveal-field" },
                    FIELDS.map((f) => h("option", { value: f }, f)));
    const rp = h("select", { id: "reveal-purpose" }, options(PURPOSES));
    rp.value = purpose;
    const reason = h("textarea", { id: "reveal-reason", maxlength: 2000,
                                   placeholder: t("例如：客户来电要求核对手机号（工单号）",
                                                  "e.g. caller asked to check the number (ticket no.)") });
    const result = h("p", { id: "reveal-result" });
    box.appendChild(h("div", { class: "reveal-box" },
      h("h2", null, t("查看明文（将记入审计日志）", "Reveal in clear (audited)")),
      h("div", { class: "row" }, JV.field("字段", "Field", field), JV.field("目的", "Purpose", rp)),
      JV.field("理由（必填）", "Reason (required)", reason),
      h("button", { type: "button", id: "reveal-go", onclick: async () => {
        result.textContent = "";
        if (!reason.value.trim()) {
          result.appendChild(h("span", { class: "error" }, t("请填写理由", "a reason is required")));
          return;
        }
        try {
          const r = await JV.api("POST", `/api/v1/subjects/${encodeURIComponent(id)}/reveal`,
                                 { field: field.value, purpose: rp.value, reason: reason.value });
          const v = r.revealed ? r.revealed[field.value] : undefined;
          result.appendChild(h("span", null, field.value + ": "));
          result.appendChild(h("span", { class: "revealed mono" },
                               v === undefined || v === null ? t("（无）", "(none)") : String(v)));
        } catch (e) {
          result.appendChild(h("span", { class: "error" }, JV.errorText(e)));
        }
      } }, t("查看", "Reveal")),
      result));
  }

  JV.register({
    id: "subjects", nav_zh: "客户查询", nav_en: "Customers", action: "subject.search", order: 30,
    render: async (el, params) => {
      const { h, t } = JV;
      el.appendChild(h("h1", null, t("客户查询", "Find a customer")));
      const kind = h("select", { id: "search-kind" }, options(KINDS));
      const value = h("input", { id: "search-value", autocomplete: "off" });
      const purpose = h("select", { id: "search-purpose" }, options(PURPOSES));
      const results = h("div", { id: "search-results" });
      const detail = h("div", { id: "subject-detail" });
      const search = async (ev) => {
        if (ev) ev.preventDefault();
        results.textContent = "";
        detail.textContent = "";
        if (!value.value.trim()) return;
        try {
          const q = new URLSearchParams({ [kind.value]: value.value.trim(), purpose: purpose.value });
          const d = await JV.api("GET", "/api/v1/subjects?" + q);
          const rows = d.subjects || [];
          results.appendChild(h("p", { class: "muted" },
                                t(`找到 ${rows.length} 位客户`, `${rows.length} found`)));
          results.appendChild(JV.table([
            { key: "id", zh: "编号", en: "Id", render: (r) => h("a", { href: "#", class: "mono",
                onclick: (e) => { e.preventDefault(); showSubject(detail, r.id, purpose.value)
                  .catch((err) => detail.appendChild(h("p", { class: "error" }, JV.errorText(err)))); } },
                r.id) },
            { key: "state", zh: "状态", en: "State" },
            { key: "name", zh: "姓名", en: "Name", render: (r) => (r.masked || {}).name || "" },
            { key: "mobile", zh: "手机号", en: "Mobile",
              render: (r) => h("span", { class: "mono masked" }, (r.masked || {}).mobile || "") },
            { key: "id_number", zh: "身份证号", en: "ID number",
              render: (r) => h("span", { class: "mono" }, (r.masked || {}).id_number || "") },
          ], rows));
        } catch (e) {
          results.appendChild(h("p", { class: "error" }, JV.errorText(e)));
        }
      };
      el.appendChild(h("form", { class: "row", id: "search-form", onsubmit: search },
        JV.field("按", "By", kind), JV.field("查询值", "Value", value),
        JV.field("目的", "Purpose", purpose),
        h("button", { type: "submit", id: "search-go" }, t("查询", "Search"))));
      el.appendChild(results);
      el.appendChild(detail);
      if (params.mobile) {
        value.value = params.mobile;
        await search();
      }
    },
  });
})();
