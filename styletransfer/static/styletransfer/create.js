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
  const strings = JSON.parse(document.getElementById("st-strings").textContent);
  const maxBytes = parseInt(form.dataset.maxBytes, 10) || 0;
  const maxPixels = parseInt(form.dataset.maxPixels, 10) || 0;
  const maxSide = parseInt(form.dataset.maxSide, 10) || 3840;
  const FILE_TYPES = /^image\/(png|jpeg|webp|heic|heif|avif)$/;
  const FILE_NAMES = /\.(png|jpe?g|webp|heic|heif|avif)$/i;
  const MIN_CROP = 32;
  const state = {};  // side -> {sample, image, width, height} | {file, url, width, height} | undefined
  const objectUrls = {};
  const size = form.querySelector("#st-size");
  const custom = form.querySelector(".st-custom");
  const button = form.querySelector(".st-submit");
  const paintLabel = button.textContent;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (m, key) => (key in values ? values[key] : m));
  }

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

  function decode(file) {
    // createImageBitmap turns the picture upright (EXIF orientation), as the server does.
    if (!window.createImageBitmap) return Promise.reject(new Error("no createImageBitmap"));
    return createImageBitmap(file, { imageOrientation: "from-image" });
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
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      const ctx = canvas.getContext("2d");
      ctx.imageSmoothingQuality = "high";
      ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await toBlob(canvas, quality);
      if (blob && (!maxBytes || blob.size <= maxBytes)) {
        const name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
        return { file: new File([blob], name, { type: "image/jpeg" }), width: canvas.width, height: canvas.height };
      }
      if (quality > 0.75) quality -= 0.08; else scale *= 0.8;
    }
    return null;
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
    let bitmap = null;
    try {
      bitmap = await decode(file);
    } catch (e) {
      bitmap = null;  // e.g. HEIC in a browser that cannot show it: the server still reads it
    }
    let chosen = { file: file, width: bitmap ? bitmap.width : 0, height: bitmap ? bitmap.height : 0 };
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
    if (bitmap && bitmap.close) bitmap.close();
    if (maxBytes && chosen.file.size > maxBytes) {
      clearChoice(side);
      showError(side, fill(strings.too_large, { size: megabytes(file.size) }));
      return;
    }
    if (!bitmap) note = strings.no_preview;
    deselectSamples(side);
    if (objectUrls[side]) URL.revokeObjectURL(objectUrls[side]);
    objectUrls[side] = URL.createObjectURL(chosen.file);
    chosen.url = objectUrls[side];
    state[side] = chosen;
    setChosen(side, bitmap ? chosen.url : "", file.name);
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

  // --- Framing: the output's frame over the photo -------------------------------------------------------------
  const framing = form.querySelector(".st-framing");
  const stage = framing.querySelector(".st-stage");
  const stageImage = framing.querySelector(".st-stage-image");
  const frameEl = framing.querySelector(".st-frame");
  const handle = framing.querySelector(".st-frame-handle");
  const thumb = framing.querySelector(".st-thumb-canvas");
  let frame = null;  // {x, y, w, h} in the photo's pixels
  let photo = { width: 0, height: 0, src: "" };

  function outputSize() {
    if (size.value === "content") return null;
    if (size.value === "custom") {
      const w = parseInt(form.querySelector("#st-width").value, 10), h = parseInt(form.querySelector("#st-height").value, 10);
      return w > 0 && h > 0 ? { width: w, height: h } : null;
    }
    const option = size.selectedOptions[0];
    return { width: parseInt(option.dataset.width, 10), height: parseInt(option.dataset.height, 10) };
  }

  function fit() {
    return framing.querySelector("input[name=fit]:checked").value;
  }

  function centreFrame(aspect) {
    let w = photo.width, h = w / aspect;
    if (h > photo.height) { h = photo.height; w = h * aspect; }
    return { x: (photo.width - w) / 2, y: (photo.height - h) / 2, w: w, h: h };
  }

  function clampFrame(f, aspect) {
    let w = Math.min(Math.max(f.w, MIN_CROP, MIN_CROP * aspect), photo.width, photo.height * aspect);
    const h = w / aspect;
    const x = Math.min(Math.max(0, f.x), photo.width - w), y = Math.min(Math.max(0, f.y), photo.height - h);
    return { x: x, y: y, w: w, h: h };
  }

  function drawFrame() {
    if (!frame) return;
    frameEl.style.left = (100 * frame.x / photo.width) + "%";
    frameEl.style.top = (100 * frame.y / photo.height) + "%";
    frameEl.style.width = (100 * frame.w / photo.width) + "%";
    frameEl.style.height = (100 * frame.h / photo.height) + "%";
    drawThumb();
  }

  function drawThumb() {
    const out = outputSize();
    if (!out || !stageImage.complete || !stageImage.naturalWidth) return;
    const long = 160, aspect = out.width / out.height;
    thumb.width = Math.round(aspect >= 1 ? long : long * aspect);
    thumb.height = Math.round(aspect >= 1 ? long / aspect : long);
    const ctx = thumb.getContext("2d");
    const sx = stageImage.naturalWidth / photo.width;  // the shown image may differ in size from the photo's pixels
    if (fit() === "cover" && frame) {
      ctx.drawImage(stageImage, frame.x * sx, frame.y * sx, frame.w * sx, frame.h * sx, 0, 0, thumb.width, thumb.height);
    } else {
      const scale = Math.min(thumb.width / photo.width, thumb.height / photo.height);
      const w = photo.width * scale, h = photo.height * scale;
      ctx.fillStyle = "#222";
      ctx.fillRect(0, 0, thumb.width, thumb.height);
      if (fit() === "blur") {
        const cover = Math.max(thumb.width / photo.width, thumb.height / photo.height);
        ctx.filter = "blur(6px) brightness(0.8)";
        ctx.drawImage(stageImage, (thumb.width - photo.width * cover) / 2, (thumb.height - photo.height * cover) / 2,
          photo.width * cover, photo.height * cover);
        ctx.filter = "none";
      } else {
        // Bands in the colours of the picture's two facing edges, as the server paints them.
        const sideways = w < thumb.width - 0.5, nw = stageImage.naturalWidth, nh = stageImage.naturalHeight;
        const edgeW = sideways ? Math.max(1, nw / 20) : nw, edgeH = sideways ? nh : Math.max(1, nh / 20);
        ctx.fillStyle = edgeColour(0, 0, edgeW, edgeH);
        ctx.fillRect(0, 0, sideways ? thumb.width / 2 : thumb.width, sideways ? thumb.height : thumb.height / 2);
        ctx.fillStyle = edgeColour(nw - edgeW, nh - edgeH, edgeW, edgeH);
        ctx.fillRect(sideways ? thumb.width / 2 : 0, sideways ? 0 : thumb.height / 2, thumb.width, thumb.height);
      }
      ctx.drawImage(stageImage, (thumb.width - w) / 2, (thumb.height - h) / 2, w, h);
    }
    thumb.dataset.drawn = String((parseInt(thumb.dataset.drawn || "0", 10) || 0) + 1);
  }

  /** The mean colour of a part of the shown photo (drawn into one pixel). */
  function edgeColour(x, y, w, h) {
    const pixel = document.createElement("canvas");
    pixel.width = pixel.height = 1;
    const ctx = pixel.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(stageImage, x, y, w, h, 0, 0, 1, 1);
    const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
    return "rgb(" + r + "," + g + "," + b + ")";
  }

  /** Show the chooser when the photo's shape differs from the wallpaper's; keep the frame when only moving it. */
  function updateFraming() {
    const content = state.content;
    const out = outputSize();
    const src = content ? (content.url || content.image) : "";
    if (!content || !out || (content.file && !content.width)) {
      framing.classList.add("hidden");
      frame = null;
      return;
    }
    const start = () => {
      photo = { width: content.width || stageImage.naturalWidth, height: content.height || stageImage.naturalHeight, src: src };
      const aspect = out.width / out.height;
      if (Math.abs(photo.width / photo.height - aspect) / aspect < 0.01) {
        framing.classList.add("hidden");
        frame = null;
        return;
      }
      framing.classList.remove("hidden");
      frame = frame && frame.aspect === aspect && frame.src === src ? frame : Object.assign(centreFrame(aspect), { aspect: aspect, src: src });
      frameEl.classList.toggle("hidden", fit() !== "cover");
      drawFrame();
    };
    if (photo.src === src && stageImage.complete && stageImage.naturalWidth) {
      start();
    } else {
      stageImage.onload = start;
      stageImage.src = src;
    }
  }

  function pointerDrag(el, onMove) {
    el.addEventListener("pointerdown", (e) => {
      if (!frame || e.button > 0) return;
      e.preventDefault();
      e.stopPropagation();
      el.setPointerCapture(e.pointerId);
      const rect = stage.getBoundingClientRect();
      const perPixel = photo.width / rect.width;  // photo pixels per screen pixel
      const origin = { x: e.clientX, y: e.clientY, frame: Object.assign({}, frame) };
      const move = (ev) => {
        ev.preventDefault();
        const next = onMove(origin.frame, (ev.clientX - origin.x) * perPixel, (ev.clientY - origin.y) * perPixel);
        frame = Object.assign(clampFrame(next, frame.aspect), { aspect: frame.aspect, src: frame.src });
        drawFrame();
      };
      const up = () => {
        el.removeEventListener("pointermove", move);
        el.removeEventListener("pointerup", up);
        el.removeEventListener("pointercancel", up);
      };
      el.addEventListener("pointermove", move);
      el.addEventListener("pointerup", up);
      el.addEventListener("pointercancel", up);
    });
  }

  pointerDrag(frameEl, (f, dx, dy) => ({ x: f.x + dx, y: f.y + dy, w: f.w, h: f.h }));
  pointerDrag(handle, (f, dx) => {
    // Resize from the corner, keeping the top-left corner where it is (and the output's shape).
    const w = Math.min(f.w + dx, photo.width - f.x, (photo.height - f.y) * f.aspect);
    return { x: f.x, y: f.y, w: w, h: w / f.aspect };
  });
  frameEl.addEventListener("keydown", (e) => {
    const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (!frame || !steps[e.key]) return;
    e.preventDefault();
    const step = Math.max(photo.width, photo.height) / 50;
    frame = Object.assign(clampFrame({ x: frame.x + steps[e.key][0] * step, y: frame.y + steps[e.key][1] * step,
      w: frame.w, h: frame.h }, frame.aspect), { aspect: frame.aspect, src: frame.src });
    drawFrame();
  });
  framing.querySelectorAll("input[name=fit]").forEach((radio) => radio.addEventListener("change", () => {
    frameEl.classList.toggle("hidden", fit() !== "cover");
    drawThumb();
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
  });
  form.querySelectorAll("#st-width, #st-height").forEach((input) => input.addEventListener("change", updateFraming));
  const strength = form.querySelector("#st-strength");
  const strengthValue = form.querySelector("#st-strength-value");
  strength.addEventListener("input", () => { strengthValue.textContent = Number(strength.value).toFixed(1); });
  update();

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

  // --- Sending, with upload progress ---------------------------------------------------------------------------
  const upload = form.querySelector(".st-upload");
  const uploadBar = form.querySelector(".st-upload-bar");
  const uploadText = form.querySelector(".st-upload-text");

  function showProgress(done, total) {
    const percent = total ? Math.round(100 * done / total) : 0;
    upload.classList.remove("hidden");
    uploadBar.style.width = percent + "%";
    uploadText.textContent = done >= total ? strings.uploaded
      : fill(strings.uploading, { percent: percent, done: megabytes(done), total: megabytes(total) });
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
    const body = new FormData();
    for (const side of ["content", "style"]) {
      const chosen = state[side] || {};
      if (chosen.file) body.append(side + "_image", chosen.file, chosen.file.name);
      else if (chosen.sample) body.append(side + "_sample", chosen.sample);
      else if (chosen.from) body.append(side + "_from", chosen.from);
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
    if (frame && !framing.classList.contains("hidden")) {
      body.append("fit", fit());
      if (fit() === "cover") {
        const x = Math.max(0, Math.floor(frame.x)), y = Math.max(0, Math.floor(frame.y));
        body.append("crop", JSON.stringify({
          x: x, y: y, width: Math.min(photo.width - x, Math.round(frame.w)), height: Math.min(photo.height - y, Math.round(frame.h)),
        }));
      }
    }
    const seed = form.querySelector("#st-seed");
    if (seed && seed.value !== "") body.append("seed", seed.value);
    // Remix with the same photo: the framing it was painted with (crop box and fit), for the same picture.
    const content = state.content || {};
    if (form.dataset.remixContent && (content.from || content.sample) === form.dataset.remixContent) {
      body.delete("crop");
      body.delete("fit");
      if (form.dataset.remixCrop) body.append("crop", form.dataset.remixCrop);
      if (form.dataset.remixFit) body.append("fit", form.dataset.remixFit);
    }
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
