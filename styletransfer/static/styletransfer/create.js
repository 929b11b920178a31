/* Style transfer: choose content and style (sample or upload), framing, options; upload with progress → the job page.
 *
 * Photos larger than the server takes (bytes or pixels) or far larger than the largest wallpaper are made smaller
 * here first (canvas, orientation kept). When the photo's shape differs from the wallpaper's, a frame over the photo
 * (dragged and resized by touch or mouse) chooses the part to keep; its box goes to the API as `crop`, in the pixels
 * of the picture that is sent. */
(function () {
  "use strict";
  const form = document.getElementById("st-form");
  if (!form) return;
  const strings = imogen.strings("st-strings");
  const maxBytes = parseInt(form.dataset.maxBytes, 10) || 0;
  const maxPixels = parseInt(form.dataset.maxPixels, 10) || 0;
  const maxSide = parseInt(form.dataset.maxSide, 10) || 3840;
  const FILE_TYPES = /^image\/(png|jpeg|webp|heic|heif|avif)$/;
  const FILE_NAMES = /\.(png|jpe?g|webp|heic|heif|avif)$/i;
  const PREVIEW_UPLOAD_SIDE = 1024;  // uploads are sent for previews at most this large (long side, px)
  const PREVIEW_DEBOUNCE_MS = 300;  // a slider being dragged asks for one preview when it rests
  const state = {};  // side -> {sample, image, width, height} | {file, url, width, height} | undefined
  const objectUrls = {};
  const size = form.querySelector("#st-size");
  const custom = form.querySelector(".st-custom");
  const button = form.querySelector(".st-submit");
  const paintLabel = button.textContent;

  const fill = imogen.fill;

  function megabytes(n) {
    return (n / (1024 * 1024)).toFixed(1) + " MB";
  }

  function showError(side, message) {
    const el = form.querySelector('[data-error-for="' + side + '"]');
    if (!el) return;
    el.textContent = message || "";
    el.classList.toggle("hidden", !message);
  }

  function showNote(side, message) {
    const el = form.querySelector('[data-note-for="' + side + '"]');
    if (!el) return;
    el.textContent = message || "";
    el.classList.toggle("hidden", !message);
  }

  function picker(side) {
    return form.querySelector('.st-picker[data-side="' + side + '"]');
  }

  function setChosen(side, src, title) {
    const p = picker(side);
    const img = p.querySelector(".st-chosen-image");
    if (src) img.src = src; else img.removeAttribute("src");
    img.classList.toggle("hidden", !src);
    p.querySelector(".st-chosen-title").textContent = title;
  }

  function deselectSamples(side) {
    picker(side).querySelectorAll(".st-sample").forEach((b) => {
      b.classList.remove("selected");
      b.setAttribute("aria-pressed", "false");
    });
  }

  /** The truth after a refusal: nothing is chosen on this side (no sample, no file). */
  function clearChoice(side) {
    delete state[side];
    deselectSamples(side);
    const p = picker(side);
    p.querySelector(".st-file").value = "";
    p.querySelector(".st-drop").classList.remove("has-file");
    setChosen(side, "", strings.nothing);
    showNote(side, "");
    update();
  }

  function chooseSample(p, sampleButton) {
    const side = p.dataset.side;
    deselectSamples(side);
    sampleButton.classList.add("selected");
    sampleButton.setAttribute("aria-pressed", "true");
    state[side] = { sample: sampleButton.dataset.sampleId, image: sampleButton.dataset.image };
    setChosen(side, sampleButton.dataset.thumbnail, sampleButton.dataset.title);
    showError(side, "");
    showNote(side, "");
    update();
  }

  function toBlob(canvas, quality) {
    return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
  }

  /** A smaller JPEG of the upright picture: long side ≤ the largest wallpaper, under the byte and pixel limits. */
  async function shrink(bitmap, file) {
    let scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    if (maxPixels) scale = Math.min(scale, Math.sqrt(maxPixels / (bitmap.width * bitmap.height)));
    let quality = 0.9;
    for (let attempt = 0; attempt < 6; attempt++) {
      const { canvas, blob } = await scaledJpeg(bitmap, bitmap.width * scale, bitmap.height * scale, quality);
      if (blob && (!maxBytes || blob.size <= maxBytes)) {
        const name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
        return { file: new File([blob], name, { type: "image/jpeg" }), width: canvas.width, height: canvas.height };
      }
      if (quality > 0.75) quality -= 0.08; else scale *= 0.8;
    }
    return null;
  }

  /** The picture drawn at width×height (rounded, at least 1 px) and encoded as a JPEG: {canvas, blob}. */
  async function scaledJpeg(bitmap, width, height, quality) {
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(width));
    canvas.height = Math.max(1, Math.round(height));
    const ctx = canvas.getContext("2d");
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return { canvas, blob: await toBlob(canvas, quality) };
  }

  /** A small JPEG of the upright photo for live previews (made once: not the whole file at every slider move), and
   * its scale against the picture the crop box is measured in. */
  async function previewCopy(bitmap, chosen) {
    const scale = Math.min(1, PREVIEW_UPLOAD_SIDE / Math.max(chosen.width, chosen.height));
    if (scale === 1) return null;
    const { canvas, blob } = await scaledJpeg(bitmap, chosen.width * scale, chosen.height * scale, 0.9);
    return blob ? { file: new File([blob], "preview.jpg", { type: "image/jpeg" }), width: canvas.width,
      height: canvas.height, scale: canvas.width / chosen.width } : null;
  }

  async function chooseFile(p, file) {
    const side = p.dataset.side;
    if (!file) return;
    showError(side, "");
    if (!FILE_TYPES.test(file.type) && !FILE_NAMES.test(file.name || "")) {
      clearChoice(side);
      showError(side, strings.wrong_type);
      return;
    }
    showNote(side, strings.preparing);
    // Upright as the server reads it, whatever the format (static/js/framing.js): the crop box is in its pixels.
    let picture = null;
    try {
      picture = await imogenFraming.upright(file, form.dataset.inspect);
    } catch (e) {
      const res = e.response;
      if (res && res.status === 400) {  // the server read it and refuses it: say why now, not at submit
        clearChoice(side);
        showError(side, imogen.errorText(res.body, strings.wrong_type));
        return;
      }
      picture = null;  // neither could show it (offline, say): it is sent as it is and checked on submit
    }
    const bitmap = picture && picture.bitmap;
    let chosen = { file: file, width: picture ? picture.width : 0, height: picture ? picture.height : 0 };
    let note = "";
    const tooBig = bitmap && ((maxBytes && file.size > maxBytes) || (maxPixels && bitmap.width * bitmap.height > maxPixels)
      || Math.max(bitmap.width, bitmap.height) > 2 * maxSide);
    if (tooBig) {
      const small = await shrink(bitmap, file);
      if (small) {
        note = fill(strings.reduced, {
          from: bitmap.width + "×" + bitmap.height, from_size: megabytes(file.size),
          to: small.width + "×" + small.height, to_size: megabytes(small.file.size),
        });
        chosen = small;
      }
    }
    if (bitmap) chosen.preview = await previewCopy(bitmap, chosen);
    if (bitmap && bitmap.close) bitmap.close();
    if (maxBytes && chosen.file.size > maxBytes) {
      clearChoice(side);
      showError(side, fill(strings.too_large, { size: megabytes(file.size) }));
      return;
    }
    if (!picture) note = strings.no_preview;
    deselectSamples(side);
    if (objectUrls[side]) URL.revokeObjectURL(objectUrls[side]);
    objectUrls[side] = picture ? picture.url : "";
    chosen.url = objectUrls[side];
    state[side] = chosen;
    setChosen(side, chosen.url, file.name);
    p.querySelector(".st-drop").classList.add("has-file");
    showNote(side, note);
    update();
  }

  function showTab(p, name) {
    p.querySelectorAll(".st-tab").forEach((t) => {
      const on = t.dataset.tab === name;
      t.classList.toggle("active", on);
      t.setAttribute("aria-selected", on ? "true" : "false");
    });
    p.querySelectorAll(".st-panel").forEach((panel) => panel.classList.toggle("hidden", panel.dataset.panel !== name));
  }

  form.querySelectorAll(".st-picker").forEach((p) => {
    const first = p.querySelector(".st-sample.selected");
    if (first) state[p.dataset.side] = { sample: first.dataset.sampleId, image: first.dataset.image };
    // Remix / Run again: the earlier upload, reused on the server byte for byte (see styletransfer/remix.py).
    if (p.dataset.from) state[p.dataset.side] = { from: p.dataset.from };
    if (p.dataset.preloadUrl) {
      // "Try this style": the shared picture itself becomes the style image, as if the user had uploaded it.
      fetch(p.dataset.preloadUrl, { credentials: "same-origin" })
        .then((r) => (r.ok ? r.blob() : Promise.reject(r.status)))
        .then((blob) => {
          chooseFile(p, new File([blob], p.dataset.preloadName || "style.png", { type: blob.type }));
          showTab(p, "upload");
        })
        .catch(() => showError(p.dataset.side, strings.failed));
    }
    p.querySelectorAll(".st-tab").forEach((tab) => tab.addEventListener("click", () => showTab(p, tab.dataset.tab)));
    p.querySelectorAll(".st-sample").forEach((b) => b.addEventListener("click", () => chooseSample(p, b)));
    const input = p.querySelector(".st-file");
    input.addEventListener("change", () => chooseFile(p, input.files[0]));
    const drop = p.querySelector(".st-drop");
    ["dragenter", "dragover"].forEach((name) => drop.addEventListener(name, (e) => {
      e.preventDefault();
      drop.classList.add("dragging");
    }));
    ["dragleave", "drop"].forEach((name) => drop.addEventListener(name, () => drop.classList.remove("dragging")));
    drop.addEventListener("drop", (e) => {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) chooseFile(p, e.dataTransfer.files[0]);
    });
  });

  // --- Framing: the output's frame over the photo (static/js/framing.js) -------------------------------------
  const framing = form.querySelector(".st-framing");
  const stageImage = framing.querySelector(".framing-image");
  const fit = () => framing.querySelector("input[name=fit]:checked").value;
  const chooser = imogenFraming.create({
    stage: framing.querySelector(".framing-stage"), image: stageImage, frame: framing.querySelector(".framing-box"),
    handle: framing.querySelector(".framing-handle"), thumb: framing.querySelector(".framing-thumb"), fit: fit,
    onChange: () => schedulePreview(),
  });
  let shown = "";  // the src the chooser's image holds

  function outputSize() {
    if (size.value === "content") return null;
    if (size.value === "custom") {
      const w = parseInt(form.querySelector("#st-width").value, 10), h = parseInt(form.querySelector("#st-height").value, 10);
      return w > 0 && h > 0 ? { width: w, height: h } : null;
    }
    const option = size.selectedOptions[0];
    return { width: parseInt(option.dataset.width, 10), height: parseInt(option.dataset.height, 10) };
  }

  /** Show the chooser when the photo's shape differs from the wallpaper's (a moved frame stays while it fits). */
  function updateFraming() {
    const content = state.content;
    const out = outputSize();
    const src = content ? (content.url || content.image) : "";
    const hide = () => {
      framing.classList.add("hidden");
      chooser.hide();
    };
    if (!content || !out || (content.file && !content.width)) return hide();
    const start = () => {
      const width = content.width || stageImage.naturalWidth, height = content.height || stageImage.naturalHeight;
      const aspect = out.width / out.height;
      if (Math.abs(width / height - aspect) / aspect < 0.01) return hide();
      framing.classList.remove("hidden");
      chooser.show(width, height, aspect);
    };
    if (shown === src && stageImage.complete && stageImage.naturalWidth) {
      start();
    } else {
      shown = src;
      stageImage.onload = start;
      stageImage.src = src;
    }
  }

  framing.querySelectorAll("input[name=fit]").forEach((radio) => radio.addEventListener("change", () => {
    chooser.redraw();
    schedulePreview();
  }));

  // --- The submit button says what is missing ------------------------------------------------------------------
  function missing() {
    if (!state.content && !state.style) return strings.need_both;
    if (!state.content) return strings.need_content;
    if (!state.style) return strings.need_style;
    return "";
  }

  function update() {
    const gap = missing();
    button.textContent = gap || paintLabel;
    button.classList.toggle("st-missing", !!gap);
    updateFraming();
    schedulePreview();
  }

  // Touch screens are told to tap, not to drop.
  form.classList.toggle("st-touch", window.matchMedia("(pointer: coarse)").matches || navigator.maxTouchPoints > 0);
  // Phones (by screen size) get the phone wallpaper size unless the page says otherwise.
  if (Math.min(window.screen.width, window.screen.height) < 600 && !size.dataset.userChoice) {
    const phone = size.querySelector('option[value="phone"]') || size.querySelector("option[data-phone]");
    if (phone) size.value = phone.value;
  }
  size.addEventListener("change", () => {
    size.dataset.userChoice = "1";
    custom.classList.toggle("hidden", size.value !== "custom");
    updateFraming();
    schedulePreview();
  });
  form.querySelectorAll("#st-width, #st-height").forEach((input) => input.addEventListener("change", () => {
    updateFraming();
    schedulePreview();
  }));
  const strength = form.querySelector("#st-strength");
  const strengthValue = form.querySelector("#st-strength-value");
  strength.addEventListener("input", () => {
    strengthValue.textContent = Number(strength.value).toFixed(1);
    schedulePreview();
  });
  form.querySelector("#st-colors").addEventListener("change", () => schedulePreview());

  /** Mark the size fields the server refused (aria-invalid + the words under them), or clear them. */
  function markSize(names, body) {
    const fields = { width: "#st-width", height: "#st-height", size_preset: "#st-size" };
    Object.entries(fields).forEach(([name, sel]) => {
      const el = form.querySelector(sel);
      el.classList.toggle("invalid", names.includes(name));
      if (names.includes(name)) el.setAttribute("aria-invalid", "true");
      else el.removeAttribute("aria-invalid");
    });
    showError("size", names.map((name) => [].concat(body[name]).join(" ")).join(" "));
  }

  /** What a job and its preview share: the pictures, size, strength, colours and framing. For a preview an upload
   * goes as its small copy, the crop box scaled to it. */
  function fields(forPreview) {
    const body = new FormData();
    const box = framing.classList.contains("hidden") ? null : chooser.box();
    let scaled = box;
    for (const side of ["content", "style"]) {
      const chosen = state[side] || {};
      let small = forPreview && chosen.preview;
      if (small && side === "content" && box) {
        scaled = scaleBox(box, small);
        if (Math.min(scaled.width, scaled.height) < 32) [small, scaled] = [null, box];  // too small a box for the copy
      }
      if (chosen.file) body.append(side + "_image", small ? small.file : chosen.file, small ? small.file.name : chosen.file.name);
      else if (chosen.sample) body.append(side + "_sample", chosen.sample);
      else if (chosen.from) body.append(side + "_from", chosen.from);
    }
    if (size.value === "custom") {
      body.append("width", form.querySelector("#st-width").value);
      body.append("height", form.querySelector("#st-height").value);
    } else {
      body.append("size_preset", size.value);
    }
    body.append("style_strength", strength.value);
    body.append("preserve_colors", form.querySelector("#st-colors").checked ? "true" : "false");
    if (box) {
      body.append("fit", fit());
      if (fit() === "cover") body.append("crop", JSON.stringify(scaled));
    }
    // Remix with the same photo: the framing it was painted with (crop box and fit), for the same picture.
    const content = state.content || {};
    if (form.dataset.remixContent && (content.from || content.sample) === form.dataset.remixContent) {
      body.delete("crop");
      body.delete("fit");
      if (form.dataset.remixCrop) body.append("crop", form.dataset.remixCrop);
      if (form.dataset.remixFit) body.append("fit", form.dataset.remixFit);
    }
    return body;
  }

  /** The crop box in the pixels of the preview copy (kept inside it). */
  function scaleBox(box, small) {
    const scale = small.scale, x = Math.round(box.x * scale), y = Math.round(box.y * scale);
    return { x: x, y: y, width: Math.max(1, Math.min(small.width - x, Math.round(box.width * scale))),
      height: Math.max(1, Math.min(small.height - y, Math.round(box.height * scale))) };
  }

  // --- The live preview: asked for when both pictures are chosen and after every change (debounced) -----------
  const live = form.querySelector(".st-live");
  const liveImage = live.querySelector(".st-live-image");
  const liveStatus = live.querySelector(".st-live-status");
  let liveTimer = 0, liveAsked = 0, liveUrl = "", liveKey = "";

  function schedulePreview(delay) {
    clearTimeout(liveTimer);
    liveTimer = setTimeout(refreshPreview, delay || PREVIEW_DEBOUNCE_MS);
  }

  async function refreshPreview() {
    if (missing() || !form.dataset.preview) {
      live.classList.add("hidden");
      liveKey = "";
      return;
    }
    const body = fields(true);
    const key = Array.from(body.entries(), ([name, value]) =>
      name + "=" + (value instanceof File ? [value.name, value.size, value.lastModified].join("/") : value)).join("&");
    if (key === liveKey) return;  // the frame redrawn, the same choice again: the picture shown is still right
    liveKey = key;
    const asked = ++liveAsked;
    live.dataset.asked = String(asked);
    live.classList.remove("hidden");
    live.classList.add("st-live-busy");
    liveStatus.textContent = strings.preview_painting;
    let res = null;
    try {
      res = await fetch(form.dataset.preview, { method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": imogen.cookie("csrftoken"), Accept: "image/jpeg, application/json" } });
    } catch (e) { /* offline: said below */ }
    if (asked !== liveAsked) return;  // a newer preview was asked for meanwhile: only the latest is shown
    live.classList.remove("st-live-busy");
    if (res && res.ok) {
      const blob = await res.blob();
      if (asked !== liveAsked) return;
      const url = URL.createObjectURL(blob);
      liveImage.onload = () => {
        liveImage.width = liveImage.naturalWidth;
        liveImage.height = liveImage.naturalHeight;
        if (liveUrl) URL.revokeObjectURL(liveUrl);
        liveUrl = url;
        liveImage.classList.remove("hidden");
        live.dataset.shown = String(asked);  // browser tests wait for this
      };
      liveImage.src = url;
      liveStatus.textContent = strings.preview_shown;
      return;
    }
    liveKey = "";  // not shown: the same fields may be asked for again
    if (res && res.status === 503 && res.headers.get("Retry-After")) {  // the painter is busy: again shortly
      schedulePreview(1000 * (parseInt(res.headers.get("Retry-After"), 10) || 1));
      return;
    }
    let answer = null;
    if (res) { try { answer = await res.json(); } catch (e) { /* not JSON */ } }
    liveStatus.textContent = res ? imogen.errorText(answer, strings.preview_failed) : imogen.t("network");
  }

  update();

  // --- Sending, with upload progress ---------------------------------------------------------------------------
  const upload = form.querySelector(".st-upload");
  const uploadBar = form.querySelector(".st-upload-bar");
  const uploadText = form.querySelector(".st-upload-text");

  function showProgress(done, total) {
    const percent = total ? Math.round(100 * done / total) : 0;
    upload.classList.remove("hidden");
    uploadBar.style.width = percent + "%";
    uploadText.textContent = done >= total ? strings.uploaded
      : fill(strings.uploading, { percent: percent + "%", done: megabytes(done), total: megabytes(total) });
    form.dataset.uploadPercent = String(Math.max(percent, parseInt(form.dataset.uploadPercent || "0", 10)));
  }

  function send(url, body) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("X-CSRFToken", imogen.cookie("csrftoken"));
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", (e) => { if (e.lengthComputable) showProgress(e.loaded, e.total); });
      xhr.addEventListener("load", () => {
        let data = xhr.responseText;
        try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON: keep the text */ }
        resolve({ ok: xhr.status >= 200 && xhr.status < 300, status: xhr.status, body: data });
      });
      xhr.addEventListener("error", () => resolve({ ok: false, status: 0, body: { detail: imogen.t("network") } }));
      xhr.send(body);
    });
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const gap = missing();
    if (gap) {
      const side = !state.content ? "content" : "style";
      showError(side, gap);
      picker(side).scrollIntoView({ behavior: "smooth", block: "center" });
      return;
    }
    const body = fields(false);
    body.append("preset", form.querySelector("#st-preset").value);
    const seed = form.querySelector("#st-seed");
    if (seed && seed.value !== "") body.append("seed", seed.value);
    markSize([]);
    button.disabled = true;
    button.textContent = strings.starting;
    form.dataset.uploadPercent = "0";
    const res = await send(form.dataset.api, body);
    if (res.ok && res.body && res.body.page_url) {
      if (res.body.notes && res.body.notes.length) {
        try { sessionStorage.setItem("st-notes-" + res.body.id, JSON.stringify(res.body.notes)); } catch (err) { /* private mode */ }
      }
      window.location.assign(res.body.page_url);
      return;
    }
    upload.classList.add("hidden");
    button.disabled = false;
    update();
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
