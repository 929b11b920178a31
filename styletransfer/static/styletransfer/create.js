/* Style transfer: choose content and style (sample or upload), options, submit → the job page. */
(function () {
  "use strict";
  const form = document.getElementById("st-form");
  if (!form) return;
  const strings = JSON.parse(document.getElementById("st-strings").textContent);
  const maxBytes = parseInt(form.dataset.maxBytes, 10) || 0;
  const state = {};  // side -> {sample: id} | {file: File}
  let objectUrls = {};

  function showError(side, message) {
    const el = form.querySelector('[data-error-for="' + side + '"]');
    if (!el) return;
    el.textContent = message || "";
    el.classList.toggle("hidden", !message);
  }

  function setChosen(picker, src, title) {
    picker.querySelector(".st-chosen-image").src = src;
    picker.querySelector(".st-chosen-title").textContent = title;
  }

  function chooseSample(picker, button) {
    const side = picker.dataset.side;
    picker.querySelectorAll(".st-sample").forEach((b) => {
      b.classList.toggle("selected", b === button);
      b.setAttribute("aria-pressed", b === button ? "true" : "false");
    });
    state[side] = { sample: button.dataset.sampleId };
    setChosen(picker, button.dataset.thumbnail, button.dataset.title);
    showError(side, "");
  }

  function chooseFile(picker, file) {
    const side = picker.dataset.side;
    if (!file) return;
    if (!/^image\/(png|jpeg)$/.test(file.type)) {
      showError(side, strings.wrong_type);
      return;
    }
    if (maxBytes && file.size > maxBytes) {
      showError(side, strings.too_large);
      return;
    }
    showError(side, "");
    picker.querySelectorAll(".st-sample").forEach((b) => {
      b.classList.remove("selected");
      b.setAttribute("aria-pressed", "false");
    });
    if (objectUrls[side]) URL.revokeObjectURL(objectUrls[side]);
    objectUrls[side] = URL.createObjectURL(file);
    state[side] = { file: file };
    setChosen(picker, objectUrls[side], file.name);
    picker.querySelector(".st-drop").classList.add("has-file");
  }

  function showTab(picker, name) {
    picker.querySelectorAll(".st-tab").forEach((t) => {
      const on = t.dataset.tab === name;
      t.classList.toggle("active", on);
      t.setAttribute("aria-selected", on ? "true" : "false");
    });
    picker.querySelectorAll(".st-panel").forEach((p) => p.classList.toggle("hidden", p.dataset.panel !== name));
  }

  form.querySelectorAll(".st-picker").forEach((picker) => {
    const first = picker.querySelector(".st-sample.selected");
    if (first) state[picker.dataset.side] = { sample: first.dataset.sampleId };
    // Remix / Run again: the earlier upload, reused on the server byte for byte (see styletransfer/remix.py).
    if (picker.dataset.from) state[picker.dataset.side] = { from: picker.dataset.from };
    if (picker.dataset.preloadUrl) {
      // "Try this style": the shared picture itself becomes the style image, as if the user had uploaded it.
      fetch(picker.dataset.preloadUrl, { credentials: "same-origin" })
        .then((r) => (r.ok ? r.blob() : Promise.reject(r.status)))
        .then((blob) => {
          chooseFile(picker, new File([blob], picker.dataset.preloadName || "style.png", { type: blob.type }));
          showTab(picker, "upload");
        })
        .catch(() => showError(picker.dataset.side, strings.failed));
    }
    picker.querySelectorAll(".st-tab").forEach((tab) =>
      tab.addEventListener("click", () => showTab(picker, tab.dataset.tab)));
    picker.querySelectorAll(".st-sample").forEach((button) =>
      button.addEventListener("click", () => chooseSample(picker, button)));
    const input = picker.querySelector(".st-file");
    input.addEventListener("change", () => chooseFile(picker, input.files[0]));
    const drop = picker.querySelector(".st-drop");
    ["dragenter", "dragover"].forEach((name) => drop.addEventListener(name, (e) => {
      e.preventDefault();
      drop.classList.add("dragging");
    }));
    ["dragleave", "drop"].forEach((name) => drop.addEventListener(name, () => drop.classList.remove("dragging")));
    drop.addEventListener("drop", (e) => {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) chooseFile(picker, e.dataTransfer.files[0]);
    });
  });

  /** Mark the size fields the server refused (aria-invalid + the message under them), or clear them. */
  function markSize(names, body) {
    const fields = { width: "#st-width", height: "#st-height", size_preset: "#st-size" };
    Object.entries(fields).forEach(([name, sel]) => {
      const on = names.includes(name);
      form.querySelector(sel).classList.toggle("invalid", on);
      if (on) form.querySelector(sel).setAttribute("aria-invalid", "true");
      else form.querySelector(sel).removeAttribute("aria-invalid");
    });
    showError("size", names.map((name) => [].concat(body[name]).join(" ")).join(" "));
  }

  const size = form.querySelector("#st-size");
  const custom = form.querySelector(".st-custom");
  size.addEventListener("change", () => custom.classList.toggle("hidden", size.value !== "custom"));
  const strength = form.querySelector("#st-strength");
  const strengthValue = form.querySelector("#st-strength-value");
  strength.addEventListener("input", () => { strengthValue.textContent = Number(strength.value).toFixed(1); });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = new FormData();
    for (const side of ["content", "style"]) {
      const chosen = state[side] || {};
      if (chosen.file) body.append(side + "_image", chosen.file, chosen.file.name);
      else if (chosen.sample) body.append(side + "_sample", chosen.sample);
      else if (chosen.from) body.append(side + "_from", chosen.from);
    }
    // Remix of a framed photo: the same crop box and fit, as long as the photo is still the remixed one.
    const content = state.content || {};
    if (form.dataset.remixContent && (content.from || content.sample) === form.dataset.remixContent &&
        !body.has("crop") && !body.has("fit")) {
      if (form.dataset.remixCrop) body.append("crop", form.dataset.remixCrop);
      if (form.dataset.remixFit) body.append("fit", form.dataset.remixFit);
    }
    body.append("preset", form.querySelector("#st-preset").value);
    if (size.value === "custom") {
      body.append("width", form.querySelector("#st-width").value);
      body.append("height", form.querySelector("#st-height").value);
    } else {
      body.append("size_preset", size.value);
    }
    body.append("style_strength", strength.value);
    body.append("preserve_colors", form.querySelector("#st-colors").checked ? "true" : "false");
    const seed = form.querySelector("#st-seed");
    if (seed && seed.value !== "") body.append("seed", seed.value);
    markSize([]);
    const button = form.querySelector(".st-submit");
    const label = button.textContent;
    button.disabled = true;
    button.textContent = strings.starting;
    const res = await imogen.api(form.dataset.api, { method: "POST", body: body });
    if (res.ok && res.body && res.body.page_url) {
      window.location.assign(res.body.page_url);
      return;
    }
    button.disabled = false;
    button.textContent = label;
    if (res.body && typeof res.body === "object") {
      for (const side of ["content", "style"]) {
        const msgs = [].concat(res.body[side + "_image"] || [], res.body[side + "_sample"] || [],
          res.body[side + "_from"] || []);
        showError(side, msgs.join(" "));
      }
      markSize(["width", "height", "size_preset"].filter((name) => res.body[name]), res.body);
    }
    imogen.toast(imogen.errorText(res.body, strings.failed), "error");
  });
})();
