/* My creations, the board and the creation page: delete, publish, unpublish, like, copy link. */
(function () {
  "use strict";
  const strings = imogen.strings("gallery-strings");

  function fail(result) {
    imogen.toast(imogen.errorText(result.body, strings.failed), "error");
  }

  async function remove(button) {
    if (!window.confirm(strings.confirm_delete)) return;
    button.disabled = true;
    const result = await imogen.api(button.dataset.url, { method: "DELETE" });
    button.disabled = false;
    if (!result.ok) return fail(result);
    if (button.dataset.next) {
      window.location.assign(button.dataset.next);
      return;
    }
    const card = button.closest("[data-creation]");
    if (card) card.remove();
    imogen.toast(strings.deleted, "success");
  }

  async function like(button) {
    if (button.dataset.login) {
      imogen.toast(strings.login_to_like, "error");
      return;
    }
    const liked = button.getAttribute("aria-pressed") === "true";
    button.disabled = true;
    const result = await imogen.api(button.dataset.url, { method: liked ? "DELETE" : "POST" });
    button.disabled = false;
    if (!result.ok) return fail(result);
    button.setAttribute("aria-pressed", result.body.liked ? "true" : "false");
    button.classList.toggle("liked", result.body.liked);
    button.querySelector(".like-count").textContent = result.body.like_count;
  }

  async function unpublish(button) {
    button.disabled = true;
    const result = await imogen.api(button.dataset.url, { method: "POST" });
    if (!result.ok) { button.disabled = false; return fail(result); }
    imogen.toast(strings.unpublished, "success");
    window.location.reload();
  }

  async function copy(button) {
    const input = document.getElementById(button.dataset.target);
    try {
      await navigator.clipboard.writeText(input.value);
      imogen.toast(strings.copied, "success");
    } catch (e) {
      input.select();
      imogen.toast(strings.copy_failed, "error");
    }
  }

  const actions = { delete: remove, like: like, unpublish: unpublish, copy: copy };
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (!button || !actions[button.dataset.action]) return;
    event.preventDefault();
    actions[button.dataset.action](button);
  });

  const form = document.getElementById("publish-form");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = document.getElementById("publish-error");
      const submit = form.querySelector("button[type=submit]");
      submit.disabled = true;
      const result = await imogen.api(form.dataset.url, {
        method: "POST",
        json: { title: form.elements.title.value, show_settings: form.elements.show_settings.checked },
      });
      submit.disabled = false;
      if (!result.ok) {
        error.textContent = imogen.errorText(result.body, strings.failed);
        error.classList.remove("hidden");
        return fail(result);
      }
      error.classList.add("hidden");
      imogen.toast(strings.published, "success");
      window.location.reload();
    });
  }
})();
