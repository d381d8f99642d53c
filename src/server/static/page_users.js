// Users (admin): list staff users; add one with a role, a password and optionally TOTP
// (the secret and otpauth URI are shown once, to enrol an authenticator app).
// API: GET /api/v1/users, POST /api/v1/users {name, role, password, totp}.
"use strict";
(() => {
  const ROLES = [["operator", "客服", "operator"], ["dpo", "个人信息保护负责人", "DPO"],
                 ["admin", "管理员", "admin"], ["liquidator", "清算人", "liquidator"],
                 ["auditor", "审计员", "auditor"], ["recipient", "接收方", "recipient"]];
  JV.register({
    id: "users", nav_zh: "用户", nav_en: "Users", action: "users.manage", order: 90,
    render: async (el) => {
      const { h, t } = JV;
      el.appendChild(h("h1", null, t("员工用户", "Staff users")));
      const list = h("div", { id: "users-list" });
      const load = async () => {
        const d = await JV.api("GET", "/api/v1/users");
        list.textContent = "";
        list.appendChild(JV.table([
          { key: "name", zh: "用户名", en: "Name" },
          { key: "role", zh: "角色", en: "Role" },
          { key: "totp", zh: "动态码", en: "TOTP", render: (u) => (u.totp ? "✓" : "") },
          { key: "status", zh: "状态", en: "Status" },
          { key: "created", zh: "创建时间", en: "Created" },
        ], d.users));
      };
      const name = h("input", { id: "user-name", autocomplete: "off", pattern: "[a-z][a-z0-9._-]{0,31}" });
      const role = h("select", { id: "user-role" },
        ROLES.map(([v, zh, en]) => h("option", { value: v }, t(zh, en) + " (" + v + ")")));
      const password = h("input", { id: "user-password", type: "password", autocomplete: "new-password",
                                    minlength: 12 });
      const totp = h("input", { id: "user-totp", type: "checkbox", checked: true });
      const out = h("div", { id: "user-added" });
      el.appendChild(list);
      el.appendChild(h("h2", null, t("添加用户", "Add a user")));
      el.appendChild(h("form", { id: "user-form", onsubmit: async (ev) => {
        ev.preventDefault();
        out.textContent = "";
        try {
          const r = await JV.api("POST", "/api/v1/users", { name: name.value.trim(), role: role.value,
                                                            password: password.value, totp: totp.checked });
          password.value = "";
          out.appendChild(h("p", { class: "ok" }, t(`已添加 ${r.user}（${r.role}）`, `added ${r.user} (${r.role})`)));
          if (r.totp_secret) {
            out.appendChild(h("p", { class: "warn" }, t("动态码密钥只显示这一次，请立即录入验证器应用：",
              "The TOTP secret is shown only now; enrol it in an authenticator app:")));
            out.appendChild(h("p", { class: "mono", id: "user-totp-secret" }, r.totp_secret));
            out.appendChild(h("p", { class: "mono muted" }, r.otpauth_uri));
          }
          await load();
        } catch (e) {
          out.appendChild(h("p", { class: "error" }, JV.errorText(e)));
        }
      } },
      h("div", { class: "row" }, JV.field("用户名", "Name", name), JV.field("角色", "Role", role),
        JV.field("密码（至少 12 位）", "Password (12+)", password)),
      h("label", { class: "field" }, totp, " ", t("启用动态码（TOTP）", "Require a one-time code (TOTP)")),
      h("button", { type: "submit", id: "user-add" }, t("添加", "Add"))));
      el.appendChild(out);
      await load();
    },
  });
})();
