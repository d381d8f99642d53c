// Audit: verify the chain, list and sign checkpoints, export (download) the log.
// API: GET /api/v1/audit/verify, GET|POST /api/v1/audit/checkpoints, GET /api/v1/audit/export.
"use strict";
JV.register({
  id: "audit", nav_zh: "审计", nav_en: "Audit", action: "audit.verify", order: 80,
  render: async (el) => {
    const { h, t } = JV;
    el.appendChild(h("h1", null, t("审计日志", "Audit log")));
    const verifyOut = h("div", { id: "audit-verify-out" });
    const cps = h("div", { id: "audit-checkpoints" });
    const loadCheckpoints = async () => {
      const d = await JV.api("GET", "/api/v1/audit/checkpoints");
      cps.textContent = "";
      cps.appendChild(h("p", null, t(`日志共 ${d.audit_entries} 条`, `${d.audit_entries} entries`)));
      cps.appendChild(JV.table([
        { key: "created", zh: "时间", en: "Time" },
        { key: "tree_size", zh: "条目数", en: "Tree size" },
        { key: "root_hash", zh: "根哈希", en: "Root hash",
          render: (r) => h("span", { class: "mono" }, String(r.root_hash).slice(0, 24) + "…") },
        { key: "algorithm", zh: "签名算法", en: "Algorithm" },
      ], d.checkpoints.slice().reverse()));
    };
    el.appendChild(h("div", { class: "row" },
      h("button", { type: "button", id: "audit-verify", onclick: async () => {
        verifyOut.textContent = "";
        try {
          const r = await JV.api("GET", "/api/v1/audit/verify");
          verifyOut.appendChild(h("p", { class: r.ok ? "ok" : "bad", "data-ok": r.ok ? "1" : "0" },
            r.ok ? t(`完整：${r.entries} 条，根哈希 ${r.root_hash}`, `verified: ${r.entries} entries, root ${r.root_hash}`)
                 : t(`损坏：第 ${r.first_bad_seq} 条 — ${r.reason}`, `FAILED at entry ${r.first_bad_seq}: ${r.reason}`)));
        } catch (e) {
          verifyOut.appendChild(h("p", { class: "error" }, JV.errorText(e)));
        }
      } }, t("校验完整性", "Verify")),
      h("button", { type: "button", class: "secondary", id: "audit-checkpoint", onclick: async () => {
        try {
          const c = await JV.api("POST", "/api/v1/audit/checkpoints");
          JV.toast(t(`已签署检查点（${c.tree_size} 条）`, `checkpoint signed (${c.tree_size})`), "ok");
          await loadCheckpoints();
        } catch (e) {
          JV.toast(JV.errorText(e), "error");
        }
      } }, t("签署检查点", "Sign a checkpoint")),
      JV.can("audit.read") ? h("button", { type: "button", class: "secondary", id: "audit-export",
        onclick: async () => {
          try {
            const d = await JV.api("GET", "/api/v1/audit/export");
            const url = URL.createObjectURL(new Blob([d.text], { type: "application/x-ndjson" }));
            const a = h("a", { href: url, download: d.file });
            document.body.appendChild(a);
            a.click();
            a.remove();
            setTimeout(() => URL.revokeObjectURL(url), 10000);
            JV.toast(t(`已导出 ${d.entries} 条`, `exported ${d.entries} entries`), "ok");
          } catch (e) {
            JV.toast(JV.errorText(e), "error");
          }
        } }, t("导出", "Export")) : null));
    el.appendChild(verifyOut);
    el.appendChild(h("h2", null, t("检查点", "Checkpoints")));
    el.appendChild(cps);
    await loadCheckpoints();
  },
});
