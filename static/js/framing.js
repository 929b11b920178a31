/* The framing chooser, shared by the style transfer page and the editor: a frame with the output's shape over a
 * picture, dragged by touch or mouse (pointer events), resized from its corner (keeping the shape), moved with the
 * arrow keys, and a live thumbnail of what the output will show. The box is kept in the picture's own pixels.
 *
 *   const chooser = imogenFraming.create({stage, image, frame, handle, thumb, fit: () => "cover"});
 *   chooser.show(photoWidth, photoHeight, outputWidth / outputHeight);   // after `image` has loaded
 *   chooser.box();  // {x, y, width, height} in whole pixels, or null
 *   const picture = await imogenFraming.upright(file, inspectUrl);  // {bitmap, width, height, url}, upright
 */
(function () {
  "use strict";
  const MIN_SIDE = 32;

  function create(opts) {
    const stage = opts.stage, image = opts.image, frameEl = opts.frame, handle = opts.handle, thumb = opts.thumb;
    const fit = opts.fit || (() => "cover");
    let photo = { width: 0, height: 0 };
    let aspect = 1;
    let frame = null;  // {x, y, w, h} in the picture's pixels
    let key = "";

    function centre() {
      let w = photo.width, h = w / aspect;
      if (h > photo.height) { h = photo.height; w = h * aspect; }
      return { x: (photo.width - w) / 2, y: (photo.height - h) / 2, w: w, h: h };
    }

    function clamp(f) {
      const w = Math.min(Math.max(f.w, MIN_SIDE, MIN_SIDE * aspect), photo.width, photo.height * aspect);
      const h = w / aspect;
      return { x: Math.min(Math.max(0, f.x), photo.width - w), y: Math.min(Math.max(0, f.y), photo.height - h), w: w, h: h };
    }

    function draw() {
      if (!frame) return;
      frameEl.style.left = (100 * frame.x / photo.width) + "%";
      frameEl.style.top = (100 * frame.y / photo.height) + "%";
      frameEl.style.width = (100 * frame.w / photo.width) + "%";
      frameEl.style.height = (100 * frame.h / photo.height) + "%";
      drawThumb();
      if (opts.onChange) opts.onChange();
    }

    /** The mean colour of a part of the shown picture (drawn into one pixel). */
    function edgeColour(x, y, w, h) {
      const pixel = document.createElement("canvas");
      pixel.width = pixel.height = 1;
      const ctx = pixel.getContext("2d", { willReadFrequently: true });
      ctx.drawImage(image, x, y, w, h, 0, 0, 1, 1);
      const d = ctx.getImageData(0, 0, 1, 1).data;
      return "rgb(" + d[0] + "," + d[1] + "," + d[2] + ")";
    }

    function drawThumb() {
      if (!thumb || !frame || !image.complete || !image.naturalWidth) return;
      const long = 160;
      thumb.width = Math.round(aspect >= 1 ? long : long * aspect);
      thumb.height = Math.round(aspect >= 1 ? long / aspect : long);
      const ctx = thumb.getContext("2d");
      const nw = image.naturalWidth, nh = image.naturalHeight;
      const s = nw / photo.width;  // the shown image may differ in size from the picture's pixels
      if (fit() === "cover") {
        ctx.drawImage(image, frame.x * s, frame.y * s, frame.w * s, frame.h * s, 0, 0, thumb.width, thumb.height);
      } else {
        const scale = Math.min(thumb.width / photo.width, thumb.height / photo.height);
        const w = photo.width * scale, h = photo.height * scale;
        if (fit() === "blur") {
          const cover = Math.max(thumb.width / photo.width, thumb.height / photo.height);
          ctx.filter = "blur(6px) brightness(0.8)";
          ctx.drawImage(image, (thumb.width - photo.width * cover) / 2, (thumb.height - photo.height * cover) / 2,
            photo.width * cover, photo.height * cover);
          ctx.filter = "none";
        } else {
          // Bands in the colours of the picture's two facing edges, as the server paints them.
          const sideways = w < thumb.width - 0.5;
          const ew = sideways ? Math.max(1, nw / 20) : nw, eh = sideways ? nh : Math.max(1, nh / 20);
          ctx.fillStyle = edgeColour(0, 0, ew, eh);
          ctx.fillRect(0, 0, sideways ? thumb.width / 2 : thumb.width, sideways ? thumb.height : thumb.height / 2);
          ctx.fillStyle = edgeColour(nw - ew, nh - eh, ew, eh);
          ctx.fillRect(sideways ? thumb.width / 2 : 0, sideways ? 0 : thumb.height / 2, thumb.width, thumb.height);
        }
        ctx.drawImage(image, (thumb.width - w) / 2, (thumb.height - h) / 2, w, h);
      }
      thumb.dataset.drawn = String((parseInt(thumb.dataset.drawn || "0", 10) || 0) + 1);
    }

    function pointerDrag(el, onMove) {
      el.addEventListener("pointerdown", (e) => {
        if (!frame || e.button > 0) return;
        e.preventDefault();
        e.stopPropagation();
        el.setPointerCapture(e.pointerId);
        const perPixel = photo.width / stage.getBoundingClientRect().width;  // picture pixels per screen pixel
        const origin = { x: e.clientX, y: e.clientY, frame: Object.assign({}, frame) };
        const move = (ev) => {
          ev.preventDefault();
          frame = clamp(onMove(origin.frame, (ev.clientX - origin.x) * perPixel, (ev.clientY - origin.y) * perPixel));
          draw();
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
      const w = Math.min(f.w + dx, photo.width - f.x, (photo.height - f.y) * aspect);
      return { x: f.x, y: f.y, w: w, h: w / aspect };
    });
    frameEl.addEventListener("keydown", (e) => {
      const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
      if (!frame || !steps[e.key]) return;
      e.preventDefault();
      const step = Math.max(photo.width, photo.height) / 50;
      frame = clamp({ x: frame.x + steps[e.key][0] * step, y: frame.y + steps[e.key][1] * step, w: frame.w, h: frame.h });
      draw();
    });

    return {
      /** The frame for a picture of width×height (its pixels) and an output of this aspect, centred when new. */
      show(width, height, outputAspect) {
        const next = [width, height, outputAspect, image.currentSrc].join(" ");
        photo = { width: width, height: height };
        aspect = outputAspect;
        if (next !== key || !frame) frame = centre();
        key = next;
        frameEl.classList.toggle("hidden", fit() !== "cover");
        draw();
      },
      hide() { frame = null; key = ""; },
      /** After the fit changed: the frame only for "cover", and a new thumbnail. */
      redraw() {
        frameEl.classList.toggle("hidden", fit() !== "cover");
        drawThumb();
      },
      /** The box in whole pixels, inside the picture, or null when no frame is shown. */
      box() {
        if (!frame) return null;
        const x = Math.max(0, Math.floor(frame.x)), y = Math.max(0, Math.floor(frame.y));
        return { x: x, y: y, width: Math.min(photo.width - x, Math.round(frame.w)),
                 height: Math.min(photo.height - y, Math.round(frame.h)) };
      },
    };
  }

  // --- Upright pictures ---------------------------------------------------------------------------------------
  // The server reads every photo upright (EXIF orientation, core.uploads.read_image) and a crop box is in those
  // pixels, so the chooser must frame that same upright picture. Measured in Chromium 156: <img> and
  // createImageBitmap apply the orientation of JPEG, PNG and AVIF but ignore a WebP's (the heron framed sideways),
  // and cannot decode HEIC at all. So a WebP's orientation is read here and applied on a canvas (unless this
  // browser is found to apply it itself), and what the browser cannot decode is shown from the server's own
  // upright preview.
  const PROBE_WEBP = "UklGRlAAAABXRUJQVlA4WAoAAAAIAAAAAQAAAAAAVlA4TA8AAAAvAQAAAAcQ/Y/+ByKi/wEARVhJRhoAAABNTQAqAAAAC" +
    "AABARIAAwAAAAEABgAAAAAAAA==";  // 2×1 pixels with EXIF orientation 6: 1×2 where the browser applies it
  const DISPLAY_SIDE = 1600;  // the long side of the picture shown in the chooser (the box stays in full pixels)
  let probe = null;

  function text(bytes, start, end) {
    return String.fromCharCode.apply(null, bytes.subarray(start, end));
  }

  function browserOrientsWebP() {
    const bytes = Uint8Array.from(atob(PROBE_WEBP), (c) => c.charCodeAt(0));
    probe = probe || createImageBitmap(new Blob([bytes], { type: "image/webp" }), { imageOrientation: "from-image" })
      .then((b) => b.height > b.width, () => false);
    return probe;
  }

  /** The orientation tag (1–8) of EXIF data (a TIFF header, maybe after "Exif\0\0"); 1 when there is none. */
  function tiffOrientation(tiff) {
    if (text(tiff, 0, 6) === "Exif\0\0") tiff = tiff.subarray(6);
    try {
      const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
      const little = text(tiff, 0, 2) === "II";
      const ifd = view.getUint32(4, little);
      for (let i = 0, n = view.getUint16(ifd, little); i < n; i++) {
        if (view.getUint16(ifd + 2 + 12 * i, little) === 0x0112) {
          const value = view.getUint16(ifd + 2 + 12 * i + 8, little);
          return value >= 1 && value <= 8 ? value : 1;
        }
      }
    } catch (e) { /* cut short: read as no orientation, like the server's EXIF reader */ }
    return 1;
  }

  /** The EXIF orientation of a WebP file's bytes (its EXIF chunk usually follows the image data); 1 if none. */
  function webpOrientation(bytes) {
    if (bytes.length < 20 || text(bytes, 0, 4) !== "RIFF" || text(bytes, 8, 12) !== "WEBP") return 1;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let pos = 12; pos + 8 <= bytes.length;) {
      const size = view.getUint32(pos + 4, true);
      if (text(bytes, pos, pos + 4) === "EXIF") return tiffOrientation(bytes.subarray(pos + 8, pos + 8 + size));
      pos += 8 + size + (size & 1);
    }
    return 1;
  }

  /** The orientation (2–8) that this browser leaves unapplied when it decodes `file` (a WebP's), else 1. */
  async function unappliedOrientation(file) {
    const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
    if (text(head, 0, 4) !== "RIFF" || text(head, 8, 12) !== "WEBP") return 1;
    const orientation = webpOrientation(new Uint8Array(await file.arrayBuffer()));
    return orientation > 1 && !(await browserOrientsWebP()) ? orientation : 1;
  }

  /** A canvas with a bitmap stored with EXIF orientation 2–8 drawn upright (the transform of each orientation). */
  function orient(bitmap, orientation) {
    const w = bitmap.width, h = bitmap.height;
    const transforms = { 2: [-1, 0, 0, 1, w, 0], 3: [-1, 0, 0, -1, w, h], 4: [1, 0, 0, -1, 0, h],
      5: [0, 1, 1, 0, 0, 0], 6: [0, 1, -1, 0, h, 0], 7: [0, -1, -1, 0, h, w], 8: [0, -1, 1, 0, 0, w] };
    const canvas = document.createElement("canvas");
    canvas.width = orientation >= 5 ? h : w;
    canvas.height = orientation >= 5 ? w : h;
    const ctx = canvas.getContext("2d");
    ctx.setTransform.apply(ctx, transforms[orientation]);
    ctx.drawImage(bitmap, 0, 0);
    return canvas;
  }

  /** A JPEG object URL of the upright bitmap, small enough to show; transparency on white, as the server has it. */
  function displayUrl(bitmap) {
    const scale = Math.min(1, DISPLAY_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob ? URL.createObjectURL(blob) : ""),
      "image/jpeg", 0.9));
  }

  /** The server's upright preview of a file this browser cannot decode (POST inspectUrl with preview=true). */
  async function serverPreview(file, inspectUrl) {
    if (!inspectUrl) throw new Error("no preview");
    const body = new FormData();
    body.append("image", file, file.name || "photo");
    body.append("preview", "true");
    const res = await imogen.api(inspectUrl, { method: "POST", body: body });
    if (!res.ok || !res.body || !res.body.preview) throw Object.assign(new Error("no preview"), { response: res });
    return { bitmap: null, width: res.body.width, height: res.body.height, url: res.body.preview };
  }

  /** The picture in `file` as the server will read it: {bitmap, width, height, url} with the upright size and a
   * URL to show (a blob: URL to revoke, or the server's data: URL, then `bitmap` is null). Rejects when neither
   * the browser nor the server can show it; error.response is the server's answer when there was one. */
  async function upright(file, inspectUrl) {
    let bitmap;
    try {
      bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch (e) {
      return serverPreview(file, inspectUrl);
    }
    const orientation = await unappliedOrientation(file);
    if (orientation > 1) {
      const turned = await createImageBitmap(orient(bitmap, orientation));
      bitmap.close();
      bitmap = turned;
    }
    return { bitmap: bitmap, width: bitmap.width, height: bitmap.height, url: await displayUrl(bitmap) };
  }

  /** `file` itself, or where this browser would show it turned otherwise than the server reads it, an upright
   * full-size PNG of it (the editor works on the whole picture in the page). */
  async function uprightFile(file) {
    const orientation = await unappliedOrientation(file).catch(() => 1);
    if (orientation === 1) return file;
    const bitmap = await createImageBitmap(file);
    const canvas = orient(bitmap, orientation);
    bitmap.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    return blob ? new File([blob], (file.name || "picture").replace(/\.[^.]*$/, "") + ".png", { type: "image/png" })
      : file;
  }

  window.imogenFraming = { create: create, upright: upright, uprightFile: uprightFile };
})();
