// Notice campaign (SPEC §6.3): template editor with live preview and the element check,
// plan, send through the file channel (background job with progress), delivery receipts.
// API: GET /api/v1/notices, GET /api/v1/notices/template, POST /api/v1/notices/preview,
//      POST /api/v1/notices/plan, POST /api/v1/notices/send -> {job}, POST .../receipts.
"use strict";
(() => {
  const ELEMENT_NAMES = {
    transferor: ["转移方", "transferor"], recipient_name: ["接收方名称", "recipient's name"],
    recipient_contact: ["接收方联系方式", "recipient's contact"], reason: ["转移原因", "reason"],
    categories: ["个人信息种类", "categories"], unchanged_purpose: ["处理目的和方式不变", "purpose unchanged"],
    how_to_object: ["异议方式", "how to object"], deadline: ["截止日期", "deadline"],
    portal_code: ["个人查询码", "portal code"],
  };

  JV.register({
    id: "campaign", nav_zh: "告知通知", nav_en: "Notices", action: "transfer.manage", order: 40,
    render: async (el) => {
      const { h, t } = JV;
      el.appendChild(h("h1", null, t("告知通知", "Notice campaign")));
      const summary = h("div", { id: "campaign-summary" });
      const loadSummary = async () => {
        const s = await JV.api("GET", "/api/v1/notices");
        summary.textContent = "";
        const items = Object.entries(s.by_status).map(([k, v]) => ({ label: k, value: v,
          kind: k === "failed" ? "bad" : "ok" }));
        summary.appendChild(h("p", null, t(`通知共 ${s.total} 条`, `${s.total} notices`)));
        if (items.length) summary.appendChild(JV.svgBar(items, { title: t("按状态", "by status") }));
      };
      el.appendChild(summary);

      // --- template editor ---
      const tmpl = await JV.api("GET", "/api/v1/notices/template");
      const editor = h("textarea", { id: "template-text", spellcheck: "false" });
      editor.value = tmpl.text;
      const preview = h("div", { class: "preview", id: "template-preview" });
      const checks = h("ul", { class: "checks", id: "template-checks" });
      const verdict = h("p", { id: "template-verdict" });
      let timer = null, seq = 0;
      const refresh = async () => {
        const mine = ++seq;
        try {
          const p = await JV.api("POST", "/api/v1/notices/preview", { text: editor.value });
          if (mine !== seq) return;
          preview.textContent = p.text;
          checks.textContent = "";
          for (const e of p.elements) {
            const name = ELEMENT_NAMES[e.name] ? t(...ELEMENT_NAMES[e.name]) : e.name;
            checks.appendChild(h("li", { class: e.present ? "ok" : "bad", "data-element": e.name,
                                         "data-present": e.present ? "1" : "0" },
              (e.present ? "✓ " : "✗ ") + name + " {{" + e.name + "}}"));
          }
          verdict.className = p.ok ? "ok" : "bad";
          verdict.textContent = p.ok
            ? t(`要素齐全 · 短信约 ${p.sms_segments} 条`, `every element present · about ${p.sms_segments} SMS segments`)
            : (p.message || t("缺少必备要素", "a required element is missing"));
        } catch (e) {
          verdict.className = "bad";
          verdict.textContent = JV.errorText(e);
        }
      };
      editor.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(refresh, 250);
      });
      const loadDefault = async (lang) => {
        const d = await JV.api("GET", "/api/v1/notices/template?lang=" + lang);
        editor.value = d.text;
        refresh();
      };
      el.appendChild(h("h2", null, t("通知模板", "Template")));
      el.appendChild(h("p", { class: "muted" }, t("用 {{要素名}} 表示占位符；预览使用示例客户，不显示真实客户。",
        "Placeholders are {{element}}; the preview uses a sample customer, never a real one.")));
      el.appendChild(h("div", { class: "row" },
        h("button", { type: "button", class: "secondary", onclick: () => loadDefault("zh-CN") },
          t("中文默认模板", "Default (Chinese)")),
        h("button", { type: "button", class: "secondary", onclick: () => loadDefault("en") },
          t("英文默认模板", "Default (English)"))));
      el.appendChild(h("div", { class: "cols" },
        h("div", null, editor, verdict, checks),
        h("div", null, h("strong", null, t("预览", "Preview")), preview)));
      await refresh();

      // --- plan ---
      const planOut = h("div", { id: "plan-out" });
      el.appendChild(h("h2", null, t("计划", "Plan")));
      el.appendChild(h("button", { type: "button", id: "plan-go", onclick: async () => {
        planOut.textContent = "";
        try {
          const c = await JV.api("POST", "/api/v1/notices/plan", { template: editor.value });
          planOut.appendChild(JV.svgBar([
            { label: t("短信", "SMS"), value: c.sms }, { label: t("邮件", "e-mail"), value: c.email },
            { label: t("信函", "letter"), value: c.letter },
            { label: t("公告", "announcement"), value: c.announcement, kind: "warn" },
          ], { title: t(`本次新计划 ${c.planned_now} 条`, `${c.planned_now} planned now`) }));
          planOut.appendChild(h("p", { id: "plan-summary", "data-planned": c.planned_now },
            t(`短信 ${c.sms}（${c.sms_segments} 段）· 邮件 ${c.email} · 信函 ${c.letter} · 公告 ${c.announcement}`,
              `SMS ${c.sms} (${c.sms_segments} segments) · e-mail ${c.email} · letter ${c.letter} · announcement ${c.announcement}`)));
          loadSummary();
        } catch (e) {
          planOut.appendChild(h("p", { class: "error" }, JV.errorText(e)));
        }
      } }, t("按此模板计划通知", "Plan notices with this template")));
      el.appendChild(planOut);

      // --- send ---
      const sendProgress = h("div", { id: "send-progress" });
      const sendOut = h("div", { id: "send-out" });
      el.appendChild(h("h2", null, t("发送（文件通道：短信网关批次与信函）",
                                      "Send (file channel: SMS gateway batches and letters)")));
      const sendBtn = h("button", { type: "button", id: "send-go", onclick: async () => {
        sendBtn.disabled = true;
        sendProgress.textContent = "";
        sendOut.textContent = "";
        try {
          const { job } = await JV.api("POST", "/api/v1/notices/send", { channel: "file" });
          const r = await JV.job(job, sendProgress);
          sendOut.appendChild(h("p", { class: "ok", id: "send-summary", "data-sent": r.sent },
            t(`已发送 ${r.sent} · 失败 ${r.failed}`, `sent ${r.sent} · failed ${r.failed}`)));
          loadSummary();
        } catch (e) {
          sendOut.appendChild(h("p", { class: "error" }, JV.errorText(e)));
        } finally {
          sendBtn.disabled = false;
        }
      } }, t("发送已计划的通知", "Send planned notices"));
      el.appendChild(sendBtn);
      el.appendChild(sendProgress);
      el.appendChild(sendOut);

      // --- receipts ---
      const rfile = h("input", { type: "file", id: "receipts-file", accept: ".csv,.txt" });
      const rout = h("div", { id: "receipts-out" });
      el.appendChild(h("h2", null, t("送达回执", "Delivery receipts")));
      el.appendChild(h("p", { class: "muted" }, t("CSV：notice_id,status[,time]，status 为 delivered 或 failed。",
        "CSV: notice_id,status[,time] with status delivered or failed.")));
      el.appendChild(h("div", { class: "row" }, JV.field("回执文件", "Receipts file", rfile),
        h("button", { type: "button", id: "receipts-go", onclick: async () => {
          rout.textContent = "";
          const f = rfile.files && rfile.files[0];
          if (!f) return;
          try {
            const r = await JV.api("POST", "/api/v1/notices/receipts", { csv: await f.text() });
            rout.appendChild(h("p", { class: "ok" }, t(
              `已送达 ${r.delivered} · 失败 ${r.failed} · 未知 ${r.unknown}`,
              `delivered ${r.delivered} · failed ${r.failed} · unknown ${r.unknown}`)));
            loadSummary();
          } catch (e) {
            rout.appendChild(h("p", { class: "error" }, JV.errorText(e)));
          }
        } }, t("导入回执", "Import receipts"))));
      el.appendChild(rout);
      await loadSummary();
    },
  });
})();
