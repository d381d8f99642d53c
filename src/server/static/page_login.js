// Login: user name, password, one-time code (TOTP) -> POST /api/v1/session.
"use strict";
JV.register({
  id: "login",
  public: true,
  render: async (el) => {
    const { h, t } = JV;
    const user = h("input", { name: "user", id: "login-user", required: true,
                              autocomplete: "username" });
    const password = h("input", { name: "password", id: "login-password", type: "password",
                                  required: true, autocomplete: "current-password" });
    const totp = h("input", { name: "totp", id: "login-totp", inputmode: "numeric",
                              pattern: "[0-9]{6}", maxlength: 6, autocomplete: "one-time-code" });
    const message = h("p", { id: "login-message", class: "error", role: "status" });
    const button = h("button", { type: "submit", id: "login-submit" }, t("登录", "Sign in"));
    const form = h("form", { id: "login", autocomplete: "off", onsubmit: async (ev) => {
      ev.preventDefault();
      message.textContent = "";
      button.disabled = true;
      try {
        const r = await JV.api("POST", "/api/v1/session",
                               { user: user.value.trim(), password: password.value,
                                 totp: totp.value.trim() });
        password.value = "";
        await JV.signedIn(r);
      } catch (e) {
        message.textContent = JV.errorText(e);
      } finally {
        button.disabled = false;
      }
    } },
    JV.field("用户名", "User name", user),
    JV.field("密码", "Password", password),
    JV.field("动态码（六位数字）", "One-time code (6 digits)", totp),
    button);
    el.classList.add("login-box");
    el.appendChild(h("h1", null, t("员工登录", "Staff sign-in")));
    el.appendChild(form);
    el.appendChild(message);
    user.focus();
  },
});
