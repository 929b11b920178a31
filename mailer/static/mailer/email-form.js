/* Email a creation: binds every <form class="email-form"> (mailer/email_form.html).
 *
 * On submit: POST {"to": ...} to the form's data-email-url (its {id} replaced by the creation's id), then follow the
 * delivery at the `url` the answer gives (imogen.poll) until it is final. The success popup appears only once the server handed the mail to SMTP (status "sent"); any refusal
 * (400/403/404/429) or failure shows an error popup with the server's reason. Strings come from the template.
 *
 * Pages whose result appears later call imogen.emailForm.bind(formElement, creationId).
 */
(function () {
  "use strict";
  const imogen = (window.imogen = window.imogen || {});
  const POLL_LIMIT_MS = 5 * 60 * 1000;

  function msg(form, name, to) {
    return imogen.fill(form.dataset["msg" + name.charAt(0).toUpperCase() + name.slice(1)], { to: to });
  }

  function setStatus(form, text) {
    const el = form.querySelector(".email-form-status");
    if (!el) return;
    el.textContent = text || "";
    el.classList.toggle("hidden", !text);
  }

  function setBusy(form, busy) {
    const button = form.querySelector(".email-form-send");
    if (button) button.disabled = busy || !form.dataset.creationId;
    form.dataset.busy = busy ? "1" : "";
  }


  async function send(form) {
    const input = form.querySelector("input[name=to]");
    const to = (input ? input.value : "").trim();
    const creationId = form.dataset.creationId;
    if (!creationId) {
      imogen.toast(msg(form, "notReady", to), "error");
      return;
    }
    if (!to) {
      imogen.toast(msg(form, "empty", to), "error");
      return;
    }
    setBusy(form, true);
    setStatus(form, msg(form, "sending", to));
    try {
      const url = form.dataset.emailUrl.split(form.dataset.idPlaceholder).join(encodeURIComponent(creationId));
      const res = await imogen.api(url, { method: "POST", json: { to: to } });
      if (!res.ok) {
        imogen.toast(imogen.errorText(res.body, msg(form, "failed", to)), "error");
        return;
      }
      const final = await imogen.poll(res.body.url, null, { first: 1000, limitMs: POLL_LIMIT_MS });
      if (!final) {
        imogen.toast(msg(form, "pending", to), "info");
      } else if (final.ok && final.body.status === "sent") {
        imogen.toast(msg(form, final.body.transport === "folder" ? "saved" : "sent", to), "success");
        form.dispatchEvent(new CustomEvent("email:sent", { bubbles: true, detail: final.body }));
      } else {
        const reason = final.ok ? (final.body.error || msg(form, "failed", to))
          : imogen.errorText(final.body, msg(form, "failed", to));
        imogen.toast(reason, "error");
        form.dispatchEvent(new CustomEvent("email:failed", { bubbles: true, detail: final.body }));
      }
    } finally {
      setStatus(form, "");
      setBusy(form, false);
    }
  }

  /** Attach to a form (idempotent); creationId (optional) sets or replaces the creation it sends. */
  function bind(form, creationId) {
    if (!form) return form;
    if (creationId !== undefined && creationId !== null) form.dataset.creationId = String(creationId);
    if (!form.dataset.emailBound) {
      form.dataset.emailBound = "1";
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        if (form.dataset.busy) return;
        send(form);
      });
    }
    setBusy(form, !!form.dataset.busy);
    return form;
  }

  function bindAll(root) {
    (root || document).querySelectorAll("form.email-form").forEach((form) => bind(form));
  }

  imogen.emailForm = { bind: bind, bindAll: bindAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => bindAll());
  } else {
    bindAll();
  }
})();
