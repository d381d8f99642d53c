// Responses (SPEC §6.2): customers' answers to the transfer notice — objection, consent,
// deletion, correction — listed by type, and recorded from a call or a letter.
// API: GET /api/v1/responses, POST /api/v1/responses (response.record).
"use strict";
(() => {
  const TYPES = [["object", "反对", "objection"], ["consent", "同意", "consent"],
                 ["delete", "要求删除", "deletion"], ["correct", "要求更正", "correction"]];
  const VIAS = [["phone", "电话", "phone"], ["letter", "信函", "letter"],
                ["email", "电子邮件", "email"], ["portal", "客户门户", "portal"]];
  const label = (list, k) => {
    const e = list.find((x) => x[0] === k);
    return e ? JV.t(e[1], e[2]) : k;
  };

  JV.register({
    id: "responses",
    nav_zh: "客户回复",
    nav_en: "Responses",
    action: "response.record",
    order: 55,
    render: async (el, params) => {
      const { h, t } = JV;
      el.appendChild(h("h1", null, t("客户回复", "Customers' responses")));
      const doc = await JV.api("GET", "/api/v1/responses");
      const by = doc.by_type || {};
      el.appendChild(JV.svgBar(TYPES.map(([k, zh, en]) => ({
        label: t(zh, en), value: by[k] || 0, kind: k === "object" || k === "delete" ? "warn" : "ok",
      })), { title: t("按类型", "By type") }));
      el.appendChild(JV.table([
        { key: "at", zh: "时间", en: "When" },
        { key: "id", zh: "编号", en: "Id", render: (r) => h("span", { class: "mono" }, r.id) },
        { key: "subject", zh: "主体", en: "Subject",
          render: (r) => h("span", { class: "mono" }, r.subject) },
        { key: "type", zh: "类型", en: "Type",
          render: (r) => h("span", { "data-response-type": r.type, "data-subject": r.subject },
                           label(TYPES, r.type)) },
        { key: "via", zh: "渠道", en: "Via", render: (r) => label(VIAS, r.via) },
      ], (doc.responses || []).slice().reverse()));

      const subject = h("input", { id: "resp-subject", name: "subject", required: true,
                                   placeholder: "s_…", value: params.subject || "" });
      const type = h("select", { id: "resp-type", name: "type" },
                     TYPES.map(([k, zh, en]) => h("option", { value: k }, t(zh, en))));
      const via = h("select", { id: "resp-via", name: "via" },
                    VIAS.map(([k, zh, en]) => h("option", { value: k }, t(zh, en))));
      const msg = h("p", { role: "status" });
      el.appendChild(h("form", { id: "resp-form", onsubmit: async (ev) => {
        ev.preventDefault();
        msg.textContent = "";
        msg.className = "";
        if (type.value === "delete" &&
            !window.confirm(t("删除将立即销毁该客户的数据，确定吗？",
                              "Deletion destroys this customer's data now. Continue?"))) {
          return;
        }
        try {
          const r = await JV.api("POST", "/api/v1/responses",
                                 { subject: subject.value.trim(), type: type.value,
                                   via: via.value });
          JV.toast(t("已记录，主体状态：", "Recorded; subject state: ") + r.state, "ok");
          JV.go("responses", {});
        } catch (e) {
          msg.className = "error";
          msg.textContent = JV.errorText(e);
        }
      } },
      h("h2", null, t("记录回复", "Record a response")),
      h("div", { class: "row" }, JV.field("主体编号", "Subject id", subject),
        JV.field("类型", "Type", type), JV.field("渠道", "Via", via)),
      h("button", { type: "submit" }, t("记录", "Record")), msg));
    },
  });
})();
