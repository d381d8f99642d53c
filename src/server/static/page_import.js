// Import: upload a customer file -> background job with a progress bar -> the SPEC §5.5
// report (counts, per-field checks, rejected rows by row number and reason).
// API: POST /api/v1/imports?kind=&filename= (raw body) -> {job}; GET /api/v1/jobs/{id}.
"use strict";
(() => {
  const KINDS = [["customers", "客户", "customers"], ["transactions", "交易", "transactions"],
                 ["items", "物品", "items"], ["balances", "余额", "balances"]];

  const COUNT_NAMES = { present: ["有值"], valid: ["有效"], invalid: ["无效"] };

  function report(r) {
    const { h, t } = JV;
    const box = h("div", { id: "import-report" });
    box.appendChild(h("h2", null, t("导入报告", "Import report")));
    box.appendChild(h("p", { class: "muted" },
      `${r.source} · ${r.format} · ${r.encoding} · ${r.kind} · ${r.import_date}`));
    const cards = [
      ["rows_read", "读取行数", "rows read"], ["rows_imported", "导入行数", "rows imported"],
      ["rows_rejected", "拒绝行数", "rows rejected"], ["subjects_created", "新建客户", "customers created"],
      ["rows_merged", "合并行数", "rows merged"], ["minors", "未成年人", "minors"],
      ["shared_contact", "共用联系方式", "shared contact"], ["rows_unmatched", "未匹配", "unmatched"],
    ];
    box.appendChild(h("div", { class: "cards" }, cards.filter(([k]) => r[k] !== undefined).map(
      ([k, zh, en]) => h("div", { class: "card", "data-count": k },
        h("div", { class: "num" }, String(r[k])), h("div", { class: "lbl" }, t(zh, en))))));
    if (r.fields && Object.keys(r.fields).length) {
      const rows = Object.entries(r.fields).map(([name, c]) => Object.assign({ name }, c));
      const keys = Object.keys(rows[0]).filter((k) => k !== "name");
      box.appendChild(h("h2", null, t("字段检查", "Field checks")));
      box.appendChild(JV.table([{ key: "name", zh: "字段", en: "Field" }]
        .concat(keys.map((k) => ({ key: k, zh: (COUNT_NAMES[k] || [k])[0], en: k }))), rows));
    }
    box.appendChild(h("h2", null, t("被拒绝的行", "Rejected rows")));
    box.appendChild(JV.table([
      { key: "row", zh: "行号", en: "Row" },
      { key: "reason", zh: "原因", en: "Reason" },
    ], r.rejected || []));
    if (r.rejected_truncated) {
      box.appendChild(h("p", { class: "warn" }, t("仅列出前 10000 行", "only the first 10000 are listed")));
    }
    return box;
  }

  JV.register({
    id: "import", nav_zh: "导入", nav_en: "Import", action: "import", order: 20,
    render: async (el) => {
      const { h, t } = JV;
      el.appendChild(h("h1", null, t("导入客户资料", "Import customer data")));
      el.appendChild(h("p", { class: "muted" }, t(
        "支持 CSV、TSV、XLSX、JSONL。文件只在导入期间保存在服务器上。",
        "CSV, TSV, XLSX or JSONL. The file stays on the server only while it is imported.")));
      const file = h("input", { type: "file", id: "import-file",
                                accept: ".csv,.tsv,.txt,.xlsx,.jsonl" });
      const kind = h("select", { id: "import-kind" },
        KINDS.map(([v, zh, en]) => h("option", { value: v }, t(zh, en))));
      const progress = h("div", { id: "import-progress" });
      const out = h("div", { id: "import-out" });
      const button = h("button", { type: "button", id: "import-start", onclick: async () => {
        const f = file.files && file.files[0];
        if (!f) {
          JV.toast(t("请选择文件", "choose a file"), "error");
          return;
        }
        button.disabled = true;
        progress.textContent = "";
        out.textContent = "";
        try {
          const q = new URLSearchParams({ kind: kind.value, filename: f.name });
          const { job } = await JV.api("POST", "/api/v1/imports?" + q, f);
          const r = await JV.job(job, progress);
          out.appendChild(report(r));
          JV.toast(t("导入完成", "import finished"), "ok");
        } catch (e) {
          out.appendChild(h("p", { class: "error", id: "import-error" }, JV.errorText(e)));
        } finally {
          button.disabled = false;
        }
      } }, t("上传并导入", "Upload and import"));
      el.appendChild(h("div", { class: "row" }, JV.field("文件", "File", file),
                       JV.field("类型", "Kind", kind), button));
      el.appendChild(progress);
      el.appendChild(out);
    },
  });
})();
