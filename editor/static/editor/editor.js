/* The image editor: live CSS-filter preview, sliders + presets + undo/reset, full-resolution download with the
 * filters baked in (canvas ctx.filter), and Email/Share through the server rendering (POST /api/editor/renders/).
 *
 * Ranges, defaults and the filter order come from editor/filters.py (json_script "editor-spec"), the same
 * definition the API validates against.
 */
(function () {
  "use strict";
  const imogen = window.imogen;
  const $ = (id) => document.getElementById(id);
  const readJson = (id) => JSON.parse($(id).textContent);

  const spec = readJson("editor-spec");
  const strings = readJson("editor-strings");
  const FILTERS = spec.filters;
  const BY_NAME = Object.fromEntries(FILTERS.map((f) => [f.name, f]));

  const els = {
    preview: $("editor-preview"), empty: $("editor-empty"), drop: $("editor-drop"), file: $("editor-file"),
    sourceName: $("editor-source-name"), compare: $("editor-compare"), badge: $("editor-compare-badge"),
    undo: $("editor-undo"), reset: $("editor-reset"), format: $("editor-format"), download: $("editor-download"),
    email: $("editor-email"), share: $("editor-share"), status: $("editor-status"), emailBox: $("editor-email-box"),
    size: $("editor-size"), framing: $("editor-framing"),
  };
  const framingImage = els.framing.querySelector(".framing-image");
  // The output size's frame over the picture (static/js/framing.js), shown when the shapes differ.
  const chooser = window.imogenFraming.create({
    stage: els.framing.querySelector(".framing-stage"), image: framingImage,
    frame: els.framing.querySelector(".framing-box"), handle: els.framing.querySelector(".framing-handle"),
    thumb: els.framing.querySelector(".framing-thumb"), onChange: () => render(),
  });
  const emailForm = els.emailBox.querySelector("form.email-form");

  const state = {
    values: defaults(),
    history: [],          // snapshots of values before each change (undo)
    pending: null,        // snapshot taken when a slider drag starts
    comparing: false,
    source: null,         // {url, name, width, height, creationId?, file?}
    rendered: null,       // {key, creation} of the last server rendering (reused by Email then Share)
    busy: false,
  };

  function defaults() {
    return Object.fromEntries(FILTERS.map((f) => [f.name, f.default]));
  }

  function clampValue(name, value) {
    const f = BY_NAME[name];
    const v = Number(value);
    if (!Number.isFinite(v)) return f.default;
    return Math.min(f.max, Math.max(f.min, v));
  }

  function num(v) {
    return String(Math.round(v * 10000) / 10000);
  }

  /** The CSS filter list, in editor/filters.py's order; blurScale turns image px into displayed px. */
  function cssFilter(values, blurScale) {
    const parts = [];
    for (const f of FILTERS) {
      const v = values[f.name];
      if (v === f.default) continue;
      const amount = f.name === "blur" ? v * (blurScale === undefined ? 1 : blurScale) : v;
      parts.push(f.css + "(" + num(amount) + f.unit + ")");
    }
    return parts.join(" ") || "none";
  }

  function isChanged(values) {
    return FILTERS.some((f) => values[f.name] !== f.default);
  }

  // --- showing the state --------------------------------------------------------------------------------
  function render() {
    for (const f of FILTERS) {
      const v = state.values[f.name];
      const range = $("f-" + f.name);
      const number = $("n-" + f.name);
      if (Number(range.value) !== v) range.value = v;
      if (document.activeElement !== number || Number(number.value) !== v) number.value = num(v);
    }
    updatePreview();
    const ready = !!state.source;
    els.undo.disabled = !ready || state.history.length === 0;
    els.reset.disabled = !ready || !isChanged(state.values);
    for (const el of [els.compare, els.download, els.email, els.share]) el.disabled = !ready || state.busy;
    document.querySelectorAll(".editor-slider input, .editor-preset").forEach((el) => { el.disabled = !ready; });
    // The preset whose values are on the sliders right now is highlighted (none once a slider moves off it).
    document.querySelectorAll(".editor-preset").forEach((button) => {
      const preset = spec.presets.find((p) => p.name === button.dataset.preset);
      const values = preset ? Object.assign(defaults(), preset.values) : null;
      const on = !!values && FILTERS.every((f) => values[f.name] === state.values[f.name]);
      button.classList.toggle("active", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
    els.preview.dataset.filter = cssFilter(state.values);
    // The email form sends the server rendering it was opened for: hide it once the edit changes.
    if (els.emailBox.dataset.key && els.emailBox.dataset.key !== renderKey()) {
      els.emailBox.classList.add("hidden");
      els.emailBox.dataset.key = "";
    }
  }

  function renderKey() {
    return state.source ? JSON.stringify([state.source.url, state.values, outputSize(), chooser.box()]) : "";
  }

  function updatePreview() {
    const img = els.preview;
    const scale = img.naturalWidth ? (img.clientWidth || img.naturalWidth) / img.naturalWidth : 1;
    img.style.filter = state.comparing ? "none" : cssFilter(state.values, scale);
    els.badge.textContent = state.comparing ? strings.before : strings.after;
    els.badge.classList.toggle("hidden", !state.comparing);
    els.compare.setAttribute("aria-pressed", state.comparing ? "true" : "false");
  }

  function setStatus(text) {
    els.status.textContent = text || "";
    els.status.classList.toggle("hidden", !text);
  }

  // --- changing values (every change can be undone) -------------------------------------------------------
  function snapshot() {
    return Object.assign({}, state.values);
  }

  function commit(before) {
    if (FILTERS.some((f) => before[f.name] !== state.values[f.name])) {
      state.history.push(before);
      if (state.history.length > 100) state.history.shift();
    }
  }

  function change(newValues) {
    const before = snapshot();
    state.values = Object.assign(defaults(), newValues);
    commit(before);
    render();
  }

  for (const f of FILTERS) {
    const range = $("f-" + f.name);
    const number = $("n-" + f.name);
    range.addEventListener("input", () => {
      if (!state.pending) state.pending = snapshot();
      state.values[f.name] = clampValue(f.name, range.value);
      render();
    });
    range.addEventListener("change", () => {
      const before = state.pending || snapshot();
      state.pending = null;
      state.values[f.name] = clampValue(f.name, range.value);
      commit(before);
      render();
    });
    number.addEventListener("change", () => {
      const before = snapshot();
      state.values[f.name] = clampValue(f.name, number.value);
      number.value = num(state.values[f.name]);
      commit(before);
      render();
    });
  }

  document.querySelectorAll(".editor-preset").forEach((button) => {
    button.addEventListener("click", () => {
      const preset = spec.presets.find((p) => p.name === button.dataset.preset);
      if (preset) change(preset.values);
    });
  });

  els.reset.addEventListener("click", () => change(defaults()));
  els.undo.addEventListener("click", () => {
    const previous = state.history.pop();
    if (!previous) {
      imogen.toast(strings.nothingToUndo, "info");
      return;
    }
    state.values = previous;
    render();
  });
  els.compare.addEventListener("click", () => {
    state.comparing = !state.comparing;
    updatePreview();
  });
  window.addEventListener("resize", updatePreview);

  // --- output size and framing -----------------------------------------------------------------------------
  /** {width, height} chosen in "Output size", or null for the picture's own size. */
  function outputSize() {
    const option = els.size.selectedOptions[0];
    if (!option || !option.value) return null;
    return { width: parseInt(option.dataset.width, 10), height: parseInt(option.dataset.height, 10) };
  }

  function updateFraming() {
    const out = outputSize();
    if (!state.source || !out || !state.source.width) {
      els.framing.classList.add("hidden");
      chooser.hide();
      render();
      return;
    }
    const start = () => {
      const aspect = out.width / out.height;
      if (Math.abs(state.source.width / state.source.height - aspect) / aspect < 0.01) {
        els.framing.classList.add("hidden");
        chooser.hide();
      } else {
        els.framing.classList.remove("hidden");
        chooser.show(state.source.width, state.source.height, aspect);
      }
      render();
    };
    if (framingImage.getAttribute("src") === state.source.url && framingImage.complete && framingImage.naturalWidth) {
      start();
    } else {
      framingImage.onload = start;
      framingImage.src = state.source.url;
    }
  }

  /** The part of the picture that goes out: the chooser's box, or the centre cut to the output's shape. */
  function outputBox(img) {
    const out = outputSize();
    const w = img.naturalWidth, h = img.naturalHeight;
    if (!out) return { x: 0, y: 0, width: w, height: h, outWidth: w, outHeight: h };
    const box = chooser.box();
    if (box) return Object.assign(box, { outWidth: out.width, outHeight: out.height });
    const aspect = out.width / out.height;
    const cw = Math.min(w, h * aspect), ch = cw / aspect;
    return { x: (w - cw) / 2, y: (h - ch) / 2, width: cw, height: ch, outWidth: out.width, outHeight: out.height };
  }

  els.size.addEventListener("change", updateFraming);

  // --- opening an image ---------------------------------------------------------------------------------
  function showSource(source) {
    state.source = source;
    state.rendered = null;
    state.comparing = false;
    els.preview.classList.remove("hidden");
    els.empty.classList.add("hidden");
    els.drop.classList.add("has-image");
    els.emailBox.classList.add("hidden");
    return new Promise((resolve) => {
      els.preview.onload = () => {
        source.width = els.preview.naturalWidth;
        source.height = els.preview.naturalHeight;
        els.sourceName.textContent = source.name + " · " + source.width + "×" + source.height;
        render();
        updateFraming();
        resolve(true);
      };
      els.preview.onerror = () => {
        imogen.toast(strings.loadFailed, "error");
        resolve(false);
      };
      if (els.preview.getAttribute("src") === source.url && els.preview.complete && els.preview.naturalWidth) {
        els.preview.onload();
      } else {
        els.preview.src = source.url;
      }
    });
  }

  async function openFile(file) {
    if (!file) return;
    if (!/^image\/(png|jpeg|webp|avif)$/.test(file.type)) {
      imogen.toast(strings.notImage, "error");
      return;
    }
    if (state.source && state.source.file) URL.revokeObjectURL(state.source.url);
    // Upright as the server reads it (Chromium ignores a WebP's EXIF orientation): preview, box, download and the
    // server render then all see the same picture.
    const upright = await imogenFraming.uprightFile(file);
    showSource({ url: URL.createObjectURL(upright), name: file.name, file: upright });
  }

  els.file.addEventListener("change", () => openFile(els.file.files[0]));
  els.drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    els.drop.classList.add("dragging");
  });
  els.drop.addEventListener("dragleave", () => els.drop.classList.remove("dragging"));
  els.drop.addEventListener("drop", (event) => {
    event.preventDefault();
    els.drop.classList.remove("dragging");
    openFile(event.dataTransfer.files[0]);
  });

  // --- download: the full-resolution image with the filters baked in ---------------------------------------
  /** A canvas of the image with `pad` px of repeated border pixels, so blur keeps solid edges like the server. */
  function padded(img, pad) {
    const w = img.naturalWidth, h = img.naturalHeight;
    const canvas = document.createElement("canvas");
    canvas.width = w + 2 * pad;
    canvas.height = h + 2 * pad;
    const ctx = canvas.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(img, pad, pad);
    if (pad) {
      const P = pad;
      ctx.drawImage(img, 0, 0, w, 1, P, 0, w, P);            // top
      ctx.drawImage(img, 0, h - 1, w, 1, P, h + P, w, P);    // bottom
      ctx.drawImage(img, 0, 0, 1, h, 0, P, P, h);            // left
      ctx.drawImage(img, w - 1, 0, 1, h, w + P, P, P, h);    // right
      ctx.drawImage(img, 0, 0, 1, 1, 0, 0, P, P);
      ctx.drawImage(img, w - 1, 0, 1, 1, w + P, 0, P, P);
      ctx.drawImage(img, 0, h - 1, 1, 1, 0, h + P, P, P);
      ctx.drawImage(img, w - 1, h - 1, 1, 1, w + P, h + P, P, P);
    }
    return canvas;
  }

  /** Draw `img` with `values` baked in at full resolution; returns the canvas. */
  function bake(img, values) {
    const box = outputBox(img);  // the whole picture unless an output size is chosen
    const w = box.outWidth, h = box.outHeight;
    const scale = w / box.width;  // output pixels per picture pixel; the blur is in output pixels, as on the server
    const pad = values.blur > 0 ? Math.ceil(values.blur * 3 / scale) : 0;  // in picture pixels
    const source = pad ? padded(img, pad) : img;
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, w, h);
    ctx.filter = cssFilter(values);
    // The padded canvas holds picture pixel (x, y) at (x + pad, y + pad): take the box with `pad` around it.
    ctx.drawImage(source, box.x, box.y, box.width + 2 * pad, box.height + 2 * pad,
      -pad * scale, -pad * scale, w + 2 * pad * scale, h + 2 * pad * scale);
    return canvas;
  }

  function slug(text) {
    return String(text || "").toLowerCase().replace(/\.[a-z0-9]+$/, "").replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
  }

  /** e.g. imogen-edit-sunset-brightness1.2-sepia0.4-1920x1080.png */
  function downloadName(source, values, ext) {
    let stem = slug(source.name).replace(/^imogen-(edit-)?/, "").replace(/-\d+x\d+$/, "").slice(0, 50);
    const summary = FILTERS.filter((f) => values[f.name] !== f.default)
      .map((f) => f.css.replace("-", "") + num(values[f.name])).join("-").slice(0, 80).replace(/-+$/, "");
    const parts = ["imogen-edit"];
    if (stem) parts.push(stem);
    if (summary) parts.push(summary);
    const out = outputSize() || source;
    parts.push(out.width + "x" + out.height);
    return parts.join("-") + "." + ext;
  }

  els.download.addEventListener("click", () => {
    if (!state.source) return;
    const type = els.format.value === "jpeg" ? "image/jpeg" : "image/png";
    const ext = els.format.value === "jpeg" ? "jpg" : "png";
    const values = snapshot();
    let canvas;
    try {
      canvas = bake(els.preview, values);
    } catch (e) {
      imogen.toast(strings.downloadFailed, "error");
      return;
    }
    canvas.toBlob((blob) => {
      if (!blob) {
        imogen.toast(strings.downloadFailed, "error");
        return;
      }
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = downloadName(state.source, values, ext);
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      imogen.toast(strings.downloadReady, "success");
    }, type, 0.92);
  });

  // --- Email and Share: a copy rendered on the server ------------------------------------------------------
  async function serverRender() {
    const values = snapshot();
    const key = renderKey();
    if (state.rendered && state.rendered.key === key) return state.rendered.creation;
    const body = new FormData();
    if (state.source.creationId) body.append("creation", state.source.creationId);
    else body.append("image", state.source.file, state.source.name);
    for (const f of FILTERS) body.append(f.name, num(values[f.name]));
    const out = outputSize();
    if (out) {
      body.append("width", String(out.width));
      body.append("height", String(out.height));
      const box = chooser.box();
      if (box) body.append("crop", JSON.stringify(box));
    }
    state.busy = true;
    render();
    setStatus(strings.rendering);
    try {
      const res = await imogen.api(document.getElementById("editor").dataset.rendersUrl, { method: "POST", body: body });
      if (!res.ok) {
        imogen.toast(imogen.errorText(res.body, strings.renderFailed), "error");
        return null;
      }
      state.rendered = { key: key, creation: res.body };
      return res.body;
    } finally {
      state.busy = false;
      setStatus("");
      render();
    }
  }

  els.email.addEventListener("click", async () => {
    const creation = await serverRender();
    if (!creation) return;
    els.emailBox.classList.remove("hidden");
    els.emailBox.dataset.key = state.rendered.key;
    if (imogen.emailForm && emailForm) imogen.emailForm.bind(emailForm, creation.id);
    const input = emailForm && emailForm.querySelector("input[type=email]");
    if (input) input.focus();
  });

  els.share.addEventListener("click", async () => {
    const creation = await serverRender();
    if (creation) window.location.assign(creation.page_url);
  });

  // --- start -----------------------------------------------------------------------------------------------
  const initial = readJson("editor-source");
  if (initial) {
    showSource({ url: initial.image_url, name: initial.file_name, creationId: initial.id,
                 width: initial.width, height: initial.height });
  }
  render();
  window.imogenEditor = { state: state, cssFilter: cssFilter, bake: bake, downloadName: downloadName };
})();
