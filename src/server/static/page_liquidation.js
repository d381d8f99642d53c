// Liquidation (SPEC §7): the statutory deadlines (dates moved off a holiday marked), the
// refund freeze, the customer-creditors summary, the claims register and customer-owned
// items. API: GET /api/v1/liquidation/deadlines|creditors, GET/POST /api/v1/claims,
// GET /api/v1/items, POST /api/v1/items/{id}/return (liquidation.manage).
"use strict";
(() => {
  const CLAIM = { declared: ["已申报", "declared"], verified: ["已核对", "verified"],
                  disputed: ["有异议", "disputed"], confirmed: ["已确认", "confirmed"],
                  paid: ["已支付", "paid"] };

  function yuan(fen) {
    if (fen === undefined || fen === null) return "";
    const n = Number(fen);
    const sign = n < 0 ? "-" : "";
    const a = Math.abs(n);
    return sign + "¥" + Math.floor(a / 100).toLocaleString("en-US") + "." +
      String(a % 100).padStart(2, "0");
  }

  function masked(obj) {
    if (!obj || typeof obj !== "object") return "";
    return ["name", "mobile"].filter((k) => obj[k]).map((k) => String(obj[k])).join(" ");
  }

  async function deadlinesSection(el) {
    const { h, t } = JV;
    el.appendChild(h("h2", null, t("法定期限", "Statutory deadlines")));
    const d = await JV.api("GET", "/api/v1/liquidation/deadlines");
    if (!d.set_up) {
      el.appendChild(h("p", { class: "warn", id: "liq-not-set-up" },
                       t("尚未设置清算（命令行 liquidation setup）。",
                         "The liquidation is not set up yet (CLI: liquidation setup).")));
      return false;
    }
    el.appendChild(h("p", { id: "liq-type" },
                     t("类型：", "Type: ") + (d.type === "bankruptcy" ? t("破产清算", "bankruptcy")
                                                                      : t("解散清算", "dissolution")) +
                     (d.closed_on ? " · " + t("已结束于 ", "closed on ") + d.closed_on : "")));
    const fr = d.refund_freeze || {};
    const inFreeze = d.today && fr.start && fr.end && d.today >= fr.start && d.today <= fr.end;
    el.appendChild(h("p", { id: "liq-freeze", class: inFreeze ? "warn" : "muted" },
                     t("退款冻结期：", "Refunds frozen: ") + fr.start + " — " + fr.end +
                     " (" + fr.rule + ")" + (inFreeze ? t("，今天在冻结期内", "; today is inside it") : "")));
    el.appendChild(JV.table([
      { key: "due", zh: "期限", en: "Due", render: (r) => h("span", {
        class: d.today && r.due < d.today ? "muted" : null }, r.due) },
      { key: "title", zh: "事项", en: "What" },
      { key: "rule", zh: "依据", en: "Rule" },
      { key: "from", zh: "起算", en: "Counted from",
        render: (r) => r.from_what + " " + r.from + (r.from_estimated ? t("（估计）", " (est.)") : "") +
          " + " + r.period },
      { key: "adjusted_from", zh: "节假日顺延", en: "Moved off a holiday",
        render: (r) => r.adjusted_from
          ? h("span", { class: "pill warn", title: r.adjusted_reason || "",
                        "data-moved": r.adjusted_from },
              t("原为 ", "from ") + r.adjusted_from)
          : "" },
    ], d.deadlines || []));
    if (d.calendar_fallback) {
      el.appendChild(h("p", { class: "warn" }, t("部分日期超出节假日日历年份，仅按周末计算。",
                                                 "Some dates fall outside the holiday calendar's years; only weekends were skipped.")));
    }
    return true;
  }

  async function creditorsSection(el) {
    const { h, t } = JV;
    el.appendChild(h("h2", null, t("客户债权人", "Customer-creditors")));
    const c = await JV.api("GET", "/api/v1/liquidation/creditors");
    const card = (n, zh, en) => h("div", { class: "card" }, h("div", { class: "num" }, String(n)),
                                  h("div", { class: "lbl" }, t(zh, en)));
    el.appendChild(h("div", { class: "cards", id: "liq-creditors" },
                     card(c.prepaid_holders, "储值余额持有人", "Prepaid holders"),
                     card(yuan(c.total_prepaid_fen), "储值余额合计", "Prepaid total"),
                     card(c.deposit_holders, "定金持有人", "Deposit holders"),
                     card(c.points_holders, "积分持有人", "Points holders"),
                     card(c.item_owners, "财物所有人", "Item owners"),
                     card(c.unmatched_balance_rows + c.unmatched_item_rows, "未匹配行", "Unmatched rows")));
    const top = (c.subjects || []).slice().sort((a, b) => b.prepaid_fen - a.prepaid_fen).slice(0, 10);
    el.appendChild(JV.svgBar(top.map((s) => ({ label: s.id.slice(0, 10) + "…",
                                               value: Math.round(s.prepaid_fen / 100) })),
                             { title: t("储值余额最高的 10 位（元）", "Top 10 prepaid balances (yuan)") }));
  }

  async function claimsSection(el, liveSetup) {
    const { h, t } = JV;
    el.appendChild(h("h2", null, t("债权申报", "Claims")));
    const doc = await JV.api("GET", "/api/v1/claims");
    const claims = doc.claims || [];
    el.appendChild(JV.table([
      { key: "id", zh: "编号", en: "Claim", render: (r) => h("span", { class: "mono" }, r.id) },
      { key: "subject", zh: "主体", en: "Subject", render: (r) => h("span", { class: "mono" }, r.subject) },
      { key: "status", zh: "状态", en: "Status", render: (r) => h("span", {
        class: "pill" + (r.status === "disputed" ? " bad" : ""), "data-status": r.status },
        CLAIM[r.status] ? t(CLAIM[r.status][0], CLAIM[r.status][1]) : r.status) },
      { key: "declared_fen", zh: "申报", en: "Declared", render: (r) => yuan(r.declared_fen) },
      { key: "ledger_fen", zh: "账面", en: "Ledger", render: (r) => yuan(r.ledger_fen) },
      { key: "confirmed_fen", zh: "确认", en: "Confirmed", render: (r) => yuan(r.confirmed_fen) },
      { key: "paid_fen", zh: "已付", en: "Paid", render: (r) => yuan(r.paid_fen) },
      { key: "reason", zh: "说明", en: "Note", render: (r) => h("span", { class: "muted" }, r.reason || "") },
    ], claims));
    if (!liveSetup) return;
    const subject = h("input", { id: "claim-subject", required: true, placeholder: "s_…" });
    const status = h("select", { id: "claim-status" },
                     Object.entries(CLAIM).map(([k, v]) => h("option", { value: k }, t(v[0], v[1]))));
    const amount = h("input", { id: "claim-amount", type: "number", min: 0, step: 1,
                                placeholder: t("分", "fen") });
    const note = h("textarea", { id: "claim-note", rows: 2, maxlength: 4000 });
    const msg = h("p", { role: "status" });
    el.appendChild(h("form", { id: "claim-form", onsubmit: async (ev) => {
      ev.preventDefault();
      msg.textContent = "";
      msg.className = "";
      const body = { subject: subject.value.trim(), status: status.value };
      if (amount.value !== "") body.amount_fen = Number(amount.value);
      if (note.value.trim()) body.note = note.value;
      try {
        const r = await JV.api("POST", "/api/v1/claims", body);
        JV.toast(t("债权 ", "Claim ") + r.id + ": " + r.status, r.status === "disputed" ? "info" : "ok");
        JV.go("liquidation", {});
      } catch (e) {
        msg.className = "error";
        msg.textContent = JV.errorText(e);
      }
    } },
    h("h3", null, t("记录申报或处理步骤", "Record a claim step")),
    h("div", { class: "row" }, JV.field("主体编号", "Subject id", subject),
      JV.field("状态", "Status", status), JV.field("金额（分）", "Amount (fen)", amount)),
    JV.field("备注或异议理由", "Note or dispute reason", note),
    h("button", { type: "submit" }, t("记录", "Record")), msg));
  }

  async function itemsSection(el) {
    const { h, t } = JV;
    el.appendChild(h("h2", null, t("客户财物", "Customer-owned items")));
    const doc = await JV.api("GET", "/api/v1/items");
    el.appendChild(h("p", { id: "items-counts" },
                     t("在库 ", "held ") + doc.held + " · " + t("已返还 ", "returned ") + doc.returned +
                     " · " + t("未匹配 ", "unmatched ") + doc.unmatched));
    const box = h("div", { id: "item-return" });
    const showReturn = (it) => {
      box.textContent = "";
      const to = h("input", { id: "item-to", required: true, value: "owner" });
      const receipt = h("input", { id: "item-receipt", required: true });
      const reason = h("input", { id: "item-reason" });
      const msg = h("p", { role: "status", class: "error" });
      box.appendChild(h("form", { id: "item-return-form", onsubmit: async (ev) => {
        ev.preventDefault();
        msg.textContent = "";
        try {
          await JV.api("POST", "/api/v1/items/" + encodeURIComponent(it.id) + "/return",
                       { to: to.value.trim(), receipt: receipt.value.trim(),
                         reason: reason.value.trim() });
          JV.toast(t("已返还 ", "Returned ") + it.id, "ok");
          JV.go("liquidation", {});
        } catch (e) {
          msg.textContent = JV.errorText(e);
        }
      } },
      h("h3", null, t("返还财物 ", "Return item ") + it.id),
      h("div", { class: "row" },
        JV.field("领取人（owner 为本人）", "Collected by (owner = the owner)", to),
        JV.field("签收单号", "Receipt number", receipt),
        JV.field("非本人领取的理由", "Reason if not the owner", reason)),
      h("button", { type: "submit" }, t("确认返还", "Record the return")), msg));
    };
    el.appendChild(JV.table([
      { key: "id", zh: "编号", en: "Item", render: (r) => h("span", { class: "mono" }, r.id) },
      { key: "item", zh: "物品", en: "Item", render: (r) => {
        const f = r.item || {};
        return [f.item_description, f.item_type, f.weight, f.date_received]
          .filter((x) => x !== undefined && x !== null && x !== "").join(" · ");
      } },
      { key: "owner", zh: "所有人（已遮蔽）", en: "Owner (masked)",
        render: (r) => r.matched ? masked(r.owner) || r.subject : h("span", { class: "warn" },
                                                                     t("未匹配", "unmatched")) },
      { key: "status", zh: "状态", en: "Status",
        render: (r) => r.status === "returned" ? t("已返还", "returned") : t("在库", "held") },
      { key: "actions", zh: "操作", en: "Actions", render: (r) => r.status === "held"
        ? h("button", { type: "button", class: "secondary", "data-id": r.id,
                        onclick: () => showReturn(r) }, t("返还…", "Return…"))
        : "" },
    ], doc.items || []));
    el.appendChild(box);
  }

  JV.register({
    id: "liquidation",
    nav_zh: "清算",
    nav_en: "Liquidation",
    action: "liquidation.manage",
    order: 70,
    render: async (el) => {
      const { h, t } = JV;
      el.appendChild(h("h1", null, t("清算", "Liquidation")));
      const setUp = await deadlinesSection(el);
      await creditorsSection(el);
      await claimsSection(el, setUp);
      await itemsSection(el);
    },
  });
})();
