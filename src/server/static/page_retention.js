// Retention and holds (SPEC §7 "Retention"; PIPL 47): what the retention plan would delete or
// restrict today, what is locked (by class or by a litigation hold), and the holds — add and
// release, each with a reason. API: GET /api/v1/retention/plan, GET/POST /api/v1/holds,
// POST /api/v1/holds/{id}/release (liquidation.manage). `retention run` stays on the CLI.
"use strict";
JV.register({
  id: "retention",
  nav_zh: "保留期与保全",
  nav_en: "Retention",
  action: "retention.manage",
  order: 80,
  render: async (el, params) => {
    const { h, t } = JV;
    el.appendChild(h("h1", null, t("保留期与诉讼保全", "Retention and litigation holds")));
    const asOf = h("input", { id: "ret-as-of", type: "date", value: params.as_of || "" });
    el.appendChild(h("form", { class: "row", id: "ret-as-of-form", onsubmit: (ev) => {
      ev.preventDefault();
      JV.go("retention", asOf.value ? { as_of: asOf.value } : {});
    } }, JV.field("计划日期（默认今天）", "Plan date (default today)", asOf),
    h("button", { type: "submit", class: "secondary" }, t("重新计算", "Recompute"))));

    const q = params.as_of ? "?as_of=" + encodeURIComponent(params.as_of) : "";
    const [plan, holds] = await Promise.all([
      JV.api("GET", "/api/v1/retention/plan" + q),
      JV.api("GET", "/api/v1/holds?include_released=1")]);
    el.appendChild(h("h2", null, t("保留期计划（截至 ", "Retention plan (as of ") + plan.as_of +
                     t("）", ")")));
    el.appendChild(h("p", { class: "muted" }, t("清算结束日：", "Case closed: ") +
                     (plan.closed_on || t("尚未结束", "not yet"))));
    const card = (n, zh, en, cls) => h("div", { class: "card" + (cls ? " " + cls : "") },
                                       h("div", { class: "num" }, String(n || 0)),
                                       h("div", { class: "lbl" }, t(zh, en)));
    el.appendChild(h("div", { class: "cards", id: "ret-counts" },
                     card(plan.fully_deletable, "可全部删除", "Fully deletable"),
                     card(plan.restricted, "部分删除、其余受限", "Restricted"),
                     card(plan.unchanged, "暂不处理", "Unchanged")));
    const due = plan.due || {};
    el.appendChild(JV.table([
      { key: "class", zh: "数据类别", en: "Data class",
        render: (r) => h("span", { class: "mono" }, r.class) },
      { key: "subjects", zh: "主体数", en: "Subjects" },
      { key: "records", zh: "记录数", en: "Records" },
    ], Object.keys(due).map((k) => ({ class: k, subjects: due[k].subjects,
                                       records: due[k].records }))));
    const locks = plan.locks || {};
    el.appendChild(JV.svgBar(Object.keys(locks).map((k) => ({
      label: k === "hold" ? t("诉讼保全", "hold") : k, value: locks[k],
      kind: k === "hold" ? "warn" : "ok" })), { title: t("锁定（主体数）", "Locked (subjects)") }));

    el.appendChild(h("h2", null, t("诉讼保全", "Litigation holds")));
    const relBox = h("div", { id: "hold-release" });
    const showRelease = (hold) => {
      relBox.textContent = "";
      const reason = h("input", { id: "hold-release-reason", required: true });
      const msg = h("p", { role: "status", class: "error" });
      relBox.appendChild(h("form", { id: "hold-release-form", onsubmit: async (ev) => {
        ev.preventDefault();
        try {
          await JV.api("POST", "/api/v1/holds/" + encodeURIComponent(hold.id) + "/release",
                       { reason: reason.value });
          JV.toast(t("已解除 ", "Released ") + hold.id, "ok");
          JV.go("retention", params);
        } catch (e) {
          msg.textContent = JV.errorText(e);
        }
      } }, h("h3", null, t("解除保全 ", "Release hold ") + hold.id),
      JV.field("解除理由（勿填写个人信息）", "Reason (no personal information)", reason),
      h("button", { type: "submit" }, t("解除", "Release")), msg));
    };
    el.appendChild(JV.table([
      { key: "id", zh: "编号", en: "Hold", render: (r) => h("span", { class: "mono" }, r.id) },
      { key: "scope", zh: "范围", en: "Scope",
        render: (r) => r.scope === "all" ? t("整个保管库", "the whole vault") : r.subject },
      { key: "key_class", zh: "数据类别", en: "Class", render: (r) => r.key_class || t("全部", "all") },
      { key: "reason", zh: "理由", en: "Reason" },
      { key: "created_on", zh: "设置于", en: "Added" },
      { key: "status", zh: "状态", en: "Status", render: (r) => r.status === "active"
        ? h("span", { class: "pill warn", "data-hold-status": "active" }, t("生效", "active"))
        : h("span", { "data-hold-status": "released" },
            t("已解除 ", "released ") + (r.released_on || "")) },
      { key: "actions", zh: "操作", en: "Actions", render: (r) => r.status === "active"
        ? h("button", { type: "button", class: "secondary", "data-id": r.id,
                        onclick: () => showRelease(r) }, t("解除…", "Release…"))
        : "" },
    ], holds.holds || []));
    el.appendChild(relBox);

    const subject = h("input", { id: "hold-subject", placeholder: "s_…" });
    const all = h("input", { id: "hold-all", type: "checkbox" });
    const keyClass = h("input", { id: "hold-class", placeholder: t("留空为全部类别", "empty = every class") });
    const reason = h("input", { id: "hold-reason", required: true });
    const msg = h("p", { role: "status" });
    el.appendChild(h("form", { id: "hold-form", onsubmit: async (ev) => {
      ev.preventDefault();
      msg.textContent = "";
      msg.className = "";
      const body = { reason: reason.value };
      if (all.checked) body.all = true;
      else body.subject = subject.value.trim();
      if (keyClass.value.trim()) body.class = keyClass.value.trim();
      try {
        const r = await JV.api("POST", "/api/v1/holds", body);
        JV.toast(t("已设置保全 ", "Hold added ") + r.id, "ok");
        JV.go("retention", params);
      } catch (e) {
        msg.className = "error";
        msg.textContent = JV.errorText(e);
      }
    } },
    h("h3", null, t("设置保全", "Add a hold")),
    h("div", { class: "row" }, JV.field("主体编号", "Subject id", subject),
      JV.field("整个保管库", "Whole vault", all), JV.field("数据类别", "Class", keyClass)),
    JV.field("理由（案号等，勿填写个人信息）", "Reason (docket number; no personal information)",
             reason),
    h("button", { type: "submit" }, t("设置", "Add")), msg));
  },
});
