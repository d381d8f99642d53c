// Requests queue (SPEC §8; PIPL 44–50): customers' rights requests with their due dates
// (15 PRC working days), overdue ones in red; open, fulfil, refuse (with a reason).
// API: GET/POST /api/v1/requests, POST /api/v1/requests/{id}/fulfil|refuse (requests.manage).
"use strict";
(() => {
  const TYPES = [
    ["access", "查阅", "access"], ["copy", "复制", "copy"], ["portability", "转移", "portability"],
    ["correction", "更正", "correction"], ["deletion", "删除", "deletion"],
    ["restriction", "限制处理", "restriction"], ["explanation", "解释说明", "explanation"],
    ["withdraw", "撤回同意", "withdraw consent"], ["deceased", "近亲属行使", "deceased's relative"],
  ];
  const VIAS = [["phone", "电话", "phone"], ["letter", "信函", "letter"],
                ["email", "电子邮件", "email"], ["portal", "客户门户", "portal"]];
  const STATUS = { open: ["办理中", "open"], fulfilled: ["已办理", "fulfilled"],
                   refused: ["已拒绝", "refused"] };

  function label(list, key) {
    const e = list.find((x) => x[0] === key);
    return e ? JV.t(e[1], e[2]) : key;
  }

  function select(name, list, withAll) {
    const { h, t } = JV;
    const opts = list.map((x) => h("option", { value: x[0] }, t(x[1], x[2])));
    if (withAll) opts.unshift(h("option", { value: "" }, t("全部", "all")));
    return h("select", { name, id: "req-" + name }, opts);
  }

  JV.register({
    id: "requests",
    nav_zh: "权利请求",
    nav_en: "Requests",
    action: "requests.manage",
    order: 60,
    render: async (el, params) => {
      const { h, t } = JV;
      el.appendChild(h("h1", null, t("个人信息权利请求", "Customer-rights requests")));
      el.appendChild(h("p", { class: "muted" },
                       t("期限为收到之日起 15 个工作日（节假日顺延）。",
                         "Due 15 working days after the day received (holidays skipped).")));
      const status = select("status", Object.entries(STATUS).map(([k, v]) => [k, v[0], v[1]]),
                            true);
      status.value = params.status || "";
      status.addEventListener("change", () => JV.go("requests", status.value
        ? { status: status.value } : {}));
      el.appendChild(h("div", { class: "row" }, JV.field("状态", "Status", status)));

      const q = params.status ? "?status=" + encodeURIComponent(params.status) : "";
      const doc = await JV.api("GET", "/api/v1/requests" + q);
      const c = doc.counts || {};
      // An overdue count above zero gets a red label (a pill: the card's own colours win).
      const card = (n, zh, en, cls) => h("div", { class: "card" + (cls ? " " + cls : "") },
                                         h("div", { class: "num" }, String(n || 0)),
                                         h("div", { class: "lbl" },
                                           cls ? h("span", { class: "pill " + cls }, t(zh, en))
                                               : t(zh, en)));
      el.appendChild(h("div", { class: "cards", id: "req-counts" },
                       card(c.open, "办理中", "Open"),
                       card(c.overdue, "已逾期", "Overdue", c.overdue ? "bad" : null),
                       card(c.fulfilled, "已办理", "Fulfilled"),
                       card(c.refused, "已拒绝", "Refused")));
      el.appendChild(h("p", { class: "muted" }, t("今天（保管库时钟）：", "Today (vault clock): ")
                       + doc.today));

      const refuseBox = h("div", { id: "req-refuse" });
      const act = (r) => {
        if (r.status !== "open") {
          return h("span", { class: "muted" },
                   r.note || (r.has_reason ? t("已记录拒绝理由", "reason recorded") : ""));
        }
        const fulfil = h("button", { type: "button", class: "secondary",
                                     "data-action": "fulfil", "data-id": r.id,
                                     onclick: async () => {
          fulfil.disabled = true;
          try {
            const res = await JV.api("POST", "/api/v1/requests/" + encodeURIComponent(r.id)
                                     + "/fulfil", {});
            let msg = t("已办理 ", "Fulfilled ") + r.id;
            if (res.files) msg += " — " + res.files.join(", ");
            JV.toast(msg, "ok");
            JV.go("requests", params);
          } catch (e) {
            JV.toast(JV.errorText(e), "error");
            fulfil.disabled = false;
          }
        } }, t("办理", "Fulfil"));
        const refuse = h("button", { type: "button", class: "secondary",
                                     "data-action": "refuse", "data-id": r.id,
                                     onclick: () => showRefuse(r) }, t("拒绝…", "Refuse…"));
        return h("span", null, fulfil, " ", refuse);
      };

      function showRefuse(r) {
        refuseBox.textContent = "";
        const reason = h("textarea", { id: "req-refuse-reason", rows: 3, maxlength: 2000 });
        const msg = h("p", { class: "error", role: "status" });
        refuseBox.appendChild(h("form", { id: "req-refuse-form", onsubmit: async (ev) => {
          ev.preventDefault();
          if (!reason.value.trim()) {
            msg.textContent = t("拒绝必须说明理由（PIPL 50）", "A refusal needs a reason (PIPL 50)");
            return;
          }
          try {
            await JV.api("POST", "/api/v1/requests/" + encodeURIComponent(r.id) + "/refuse",
                         { reason: reason.value });
            JV.toast(t("已拒绝 ", "Refused ") + r.id, "ok");
            JV.go("requests", params);
          } catch (e) {
            msg.textContent = JV.errorText(e);
          }
        } },
        h("h2", null, t("拒绝请求 ", "Refuse request ") + r.id),
        JV.field("理由（勿填写个人信息）", "Reason (no personal information)", reason),
        h("div", { class: "row" }, h("button", { type: "submit" }, t("确认拒绝", "Refuse")),
          h("button", { type: "button", class: "secondary",
                        onclick: () => { refuseBox.textContent = ""; } }, t("取消", "Cancel"))),
        msg));
        reason.focus();
      }

      const rows = doc.requests || [];
      el.appendChild(JV.table([
        { key: "id", zh: "编号", en: "Request", render: (r) => h("span", { class: "mono" }, r.id) },
        { key: "subject", zh: "主体", en: "Subject",
          render: (r) => h("span", { class: "mono" }, r.subject) },
        { key: "type", zh: "类型", en: "Type", render: (r) => label(TYPES, r.type) },
        { key: "via", zh: "渠道", en: "Via", render: (r) => label(VIAS, r.via) },
        { key: "received", zh: "收到", en: "Received" },
        { key: "due", zh: "期限", en: "Due",
          render: (r) => h("span", { class: r.overdue ? "bad" : null, "data-request": r.id,
                                     "data-overdue": r.overdue ? "1" : "0" },
                           r.due, r.overdue ? " " : null,
                           r.overdue ? h("span", { class: "pill bad" }, t("已逾期", "overdue"))
                                     : null) },
        { key: "status", zh: "状态", en: "Status",
          render: (r) => h("span", { "data-request-status": r.id, "data-status": r.status },
                           STATUS[r.status] ? t(STATUS[r.status][0], STATUS[r.status][1])
                                            : r.status) },
        { key: "actions", zh: "操作", en: "Actions", render: act },
      ], rows));
      el.appendChild(refuseBox);

      // Open a request.
      const subject = h("input", { name: "subject", id: "req-subject", required: true,
                                   placeholder: "s_…", value: params.subject || "" });
      const type = select("type", TYPES);
      const via = select("via", VIAS);
      const received = h("input", { name: "received", id: "req-received", type: "date" });
      const msg = h("p", { class: "error", role: "status" });
      el.appendChild(h("form", { id: "req-open", onsubmit: async (ev) => {
        ev.preventDefault();
        msg.textContent = "";
        const body = { subject: subject.value.trim(), type: type.value, via: via.value };
        if (received.value) body.received = received.value;
        try {
          const r = await JV.api("POST", "/api/v1/requests", body);
          JV.toast(t("已登记 ", "Opened ") + r.id + t("，期限 ", ", due ") + r.due, "ok");
          JV.go("requests", {});
        } catch (e) {
          msg.textContent = JV.errorText(e);
        }
      } },
      h("h2", null, t("登记新请求", "Open a request")),
      h("div", { class: "row" },
        JV.field("主体编号", "Subject id", subject), JV.field("类型", "Type", type),
        JV.field("渠道", "Received via", via),
        JV.field("收到日期（默认今天）", "Received (default today)", received)),
      h("button", { type: "submit" }, t("登记", "Open")), msg));
    },
  });
})();
