// Recipients and allocation (SPEC §6.1, §6.2): the transfer's settings, the receiving
// companies with the customers allocated to each, adding a recipient, allocating customers.
// API: GET /api/v1/transfer, GET/POST /api/v1/recipients, POST /api/v1/allocate
// (transfer.manage).
"use strict";
JV.register({
  id: "recipients",
  nav_zh: "接收方与分配",
  nav_en: "Recipients",
  action: "transfer.manage",
  order: 40,
  render: async (el) => {
    const { h, t } = JV;
    el.appendChild(h("h1", null, t("接收方与分配", "Recipients and allocation")));
    const [tr, doc] = await Promise.all([JV.api("GET", "/api/v1/transfer"),
                                         JV.api("GET", "/api/v1/recipients")]);
    if (!tr.set_up) {
      el.appendChild(h("p", { class: "warn", id: "transfer-not-set-up" },
                       t("尚未设置转移（命令行 transfer setup）。",
                         "The transfer is not set up yet (CLI: transfer setup).")));
    } else {
      el.appendChild(h("p", { id: "transfer-info" },
                       t("转移事由：", "Reason: ") + tr.reason_label + " · " + tr.article +
                       " · " + t("异议期限：", "objection deadline: ") + tr.notice_deadline));
    }
    const alloc = doc.allocation || {};
    const recipients = doc.recipients || [];
    el.appendChild(JV.svgBar(
      recipients.map((r) => ({ label: r.name || r.id, value: alloc[r.id] || 0 }))
        .concat([{ label: t("未分配", "unallocated"), value: doc.unallocated || 0,
                   kind: "warn" }]),
      { title: t("已分配客户数", "Customers allocated") }));
    el.appendChild(JV.table([
      { key: "id", zh: "编号", en: "Id", render: (r) => h("span", { class: "mono" }, r.id) },
      { key: "name", zh: "名称", en: "Name" },
      { key: "uscc", zh: "统一社会信用代码", en: "USCC", render: (r) => h("span", { class: "mono" }, r.uscc || "") },
      { key: "region", zh: "地区", en: "Region" },
      { key: "contact_name", zh: "联系人", en: "Contact" },
      { key: "scope", zh: "字段范围", en: "Scope",
        render: (r) => (r.scope && r.scope.length) ? r.scope.join(", ") : t("全部", "all") },
      { key: "allocated", zh: "已分配", en: "Allocated", render: (r) => String(alloc[r.id] || 0) },
    ], recipients));

    // Allocate.
    const rsel = h("select", { id: "alloc-recipient", name: "recipient" },
                   recipients.map((r) => h("option", { value: r.id }, (r.name || "") + " " + r.id)));
    const mode = h("select", { id: "alloc-mode", name: "mode" },
                   h("option", { value: "all" }, t("全部未分配客户", "every unallocated customer")),
                   h("option", { value: "where" }, t("按条件", "where…")));
    const where = h("input", { id: "alloc-where", name: "where",
                               placeholder: "store=… | province=… | city=…" });
    const amsg = h("p", { role: "status" });
    el.appendChild(h("form", { id: "alloc-form", onsubmit: async (ev) => {
      ev.preventDefault();
      amsg.textContent = "";
      amsg.className = "";
      const body = { recipient: rsel.value };
      if (mode.value === "all") body.all = true;
      else body.where = where.value.trim();
      try {
        const r = await JV.api("POST", "/api/v1/allocate", body);
        JV.toast(t("已分配 ", "Allocated ") + r.allocated + t(" 位客户", " customers"), "ok");
        JV.go("recipients", {});
      } catch (e) {
        amsg.className = "error";
        amsg.textContent = JV.errorText(e);
      }
    } },
    h("h2", null, t("分配客户", "Allocate customers")),
    h("div", { class: "row" }, JV.field("接收方", "Recipient", rsel),
      JV.field("范围", "Which", mode), JV.field("条件", "Condition", where)),
    h("button", { type: "submit", disabled: recipients.length === 0 }, t("分配", "Allocate")),
    amsg));

    // Add a recipient.
    const inputs = {};
    const fields = [
      ["name", "公司名称", "Company name"], ["uscc", "统一社会信用代码", "USCC"],
      ["contact_name", "联系人", "Contact name"], ["contact_phone", "联系电话", "Contact phone"],
      ["address", "地址", "Address"], ["region", "地区（CN/HK/MO/TW/国家代码）", "Region (CN/HK/MO/TW/ISO)"],
      ["age_recipient", "age 公钥（age1…）", "age public key (age1…)"],
      ["scope", "字段范围（逗号分隔，留空为全部）", "Scope (comma-separated; empty = all)"],
    ];
    for (const [k] of fields) {
      inputs[k] = h("input", { id: "rcpt-" + k, name: k, required: k !== "scope" });
    }
    inputs.region.value = "CN";
    const rmsg = h("p", { role: "status" });
    el.appendChild(h("form", { id: "rcpt-form", onsubmit: async (ev) => {
      ev.preventDefault();
      rmsg.textContent = "";
      rmsg.className = "";
      const body = {};
      for (const [k] of fields) if (k !== "scope") body[k] = inputs[k].value.trim();
      body.scope = inputs.scope.value.split(",").map((s) => s.trim()).filter((s) => s);
      try {
        const r = await JV.api("POST", "/api/v1/recipients", body);
        JV.toast(t("接收方已添加 ", "Recipient added ") + r.id, "ok");
        JV.go("recipients", {});
      } catch (e) {
        rmsg.className = "error";
        rmsg.textContent = JV.errorText(e);
      }
    } },
    h("h2", null, t("添加接收方", "Add a recipient")),
    h("div", { class: "cols" }, fields.map(([k, zh, en]) => JV.field(zh, en, inputs[k]))),
    h("button", { type: "submit" }, t("添加", "Add")), rmsg));
  },
});
