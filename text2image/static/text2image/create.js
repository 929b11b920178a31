/* Text2Imagen create page: send the prompt to POST /api/text2image/jobs/, then open the job page. */
(function () {
  "use strict";
  const form = document.getElementById("t2i-form");
  if (!form) return;
  const texts = imogen.strings("t2i-texts");
  const prompt = document.getElementById("t2i-prompt");
  const submit = document.getElementById("t2i-submit");
  const limit = parseInt(form.dataset.maxChars, 10) || 0;
  const counters = Array.from(form.querySelectorAll("[data-count-for]"));

  // Live counters with the provider's limit. Nothing is cut: over the limit, the counter says by how much and
  // the form is not sent.
  function count() {
    let over = false;
    counters.forEach((counter) => {
      const field = document.getElementById(counter.dataset.countFor);
      const length = Array.from(field.value.trim()).length;
      counter.querySelector(".t2i-count-now").textContent = String(length);
      const excess = limit ? length - limit : 0;
      const message = counter.querySelector(".t2i-count-over");
      counter.classList.toggle("over", excess > 0);
      message.classList.toggle("hidden", excess <= 0);
      message.textContent = excess > 0 ? imogen.fill(texts.over, { over: excess }) : "";
      field.setAttribute("aria-invalid", excess > 0 ? "true" : "false");
      over = over || excess > 0;
    });
    return over;
  }
  counters.forEach((counter) => document.getElementById(counter.dataset.countFor).addEventListener("input", count));
  count();

  // Sketch mode: which words the offline engine understands, asked of the server as one types.
  const sketch = document.getElementById("t2i-sketch");
  let readTimer = null;
  let readSeq = 0;
  async function read() {
    const seq = ++readSeq;
    const query = new URLSearchParams({ prompt: prompt.value, negative_prompt: form.elements.negative_prompt.value });
    const res = await imogen.api(sketch.dataset.url + "?" + query.toString(), { headers: { Accept: "text/html" } });
    if (seq === readSeq && res.ok && typeof res.body === "string") {
      document.getElementById("t2i-words").innerHTML = res.body;
    }
  }
  if (sketch) {
    [prompt, form.elements.negative_prompt].forEach((field) => field.addEventListener("input", () => {
      clearTimeout(readTimer);
      readTimer = setTimeout(read, 250);
    }));
    read();
  }

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
    if (count()) {
      form.querySelector(".t2i-count.over").scrollIntoView({ block: "center" });
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
