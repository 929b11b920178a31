/* Text2Imagen create page: send the prompt to POST /api/text2image/jobs/, then open the job page. */
(function () {
  "use strict";
  const form = document.getElementById("t2i-form");
  if (!form) return;
  const texts = JSON.parse(document.getElementById("t2i-texts").textContent || "{}");
  const prompt = document.getElementById("t2i-prompt");
  const counter = form.querySelector("[data-count-for=t2i-prompt]");
  const submit = document.getElementById("t2i-submit");

  function count() { counter.textContent = String(prompt.value.length); }
  prompt.addEventListener("input", count);
  count();

  function clearErrors() {
    form.querySelectorAll("[data-error-for]").forEach((el) => { el.textContent = ""; el.classList.add("hidden"); });
  }

  function showErrors(body) {
    let shown = false;
    if (body && typeof body === "object") {
      for (const [field, value] of Object.entries(body)) {
        const el = form.querySelector('[data-error-for="' + (field === "height" ? "width" : field) + '"]');
        if (el) {
          el.textContent = Array.isArray(value) ? value.join(" ") : String(value);
          el.classList.remove("hidden");
          shown = true;
        }
      }
    }
    return shown;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    if (!prompt.value.trim()) {
      showErrors({ prompt: [texts.empty] });
      prompt.focus();
      return;
    }
    const size = form.elements.size.value.split("x");
    const seedText = form.elements.seed.value.trim();
    const payload = {
      prompt: prompt.value.trim(),
      negative_prompt: form.elements.negative_prompt.value.trim(),
      width: parseInt(size[0], 10),
      height: parseInt(size[1], 10),
      samples: parseInt(form.elements.samples.value, 10),
      seed: seedText === "" ? null : Number(seedText),
    };
    if (form.elements.steps) {
      const stepsText = form.elements.steps.value.trim();
      payload.steps = stepsText === "" ? null : Number(stepsText);
    }
    submit.disabled = true;
    submit.dataset.label = submit.dataset.label || submit.textContent;
    submit.textContent = texts.sending;
    const res = await imogen.api(form.dataset.apiUrl, { method: "POST", json: payload });
    if (res.ok && res.body && res.body.url) {
      window.location.assign(res.body.url);
      return;
    }
    submit.disabled = false;
    submit.textContent = submit.dataset.label;
    showErrors(res.body);
    imogen.toast(imogen.errorText(res.body, texts.failed), "error");
  });
})();
