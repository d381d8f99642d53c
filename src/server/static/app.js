// Placeholder login for the staff UI (the pages themselves are a later change).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("login");
  const message = document.getElementById("message");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const res = await fetch("/api/v1/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(data),
    });
    const body = await res.json();
    if (res.ok) {
      sessionStorage.setItem("csrf", body.csrf);
      message.textContent = "已登录 Signed in: " + body.user + " (" + body.role + ")";
    } else {
      message.textContent = body.error ? body.error.message : "登录失败 Sign-in failed";
    }
  });
});
