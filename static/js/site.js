/* Shared helpers for every page: toasts (success/failure popups), JSON API calls with CSRF, and the one poller
 * that follows a job or an email delivery (imogen.poll). */
(function () {
  "use strict";
  function cookie(name) {
    const m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  }

  /** Show a popup. kind: "success" | "error" | "info". Returns the element. */
  function toast(message, kind, timeoutMs) {
    const box = document.getElementById("toasts");
    const el = document.createElement("div");
    el.className = "toast " + (kind || "info");
    el.setAttribute("role", kind === "error" ? "alert" : "status");
    el.dataset.kind = kind || "info";
    const text = document.createElement("div");
    text.className = "toast-text";
    text.textContent = message;
    const close = document.createElement("button");
    close.className = "toast-close";
    close.type = "button";
    close.setAttribute("aria-label", "close");
    close.textContent = "×";
    close.addEventListener("click", () => el.remove());
    el.append(text, close);
    box.append(el);
    const ms = timeoutMs === undefined ? (kind === "error" ? 12000 : 6000) : timeoutMs;
    if (ms) setTimeout(() => el.remove(), ms);
    return el;
  }

  /** Turn a DRF error body into one readable sentence. */
  function errorText(body, fallback) {
    if (!body) return fallback;
    if (typeof body === "string") return body;
    if (body.detail) return body.detail;
    const parts = [];
    for (const [key, value] of Object.entries(body)) {
      const msg = Array.isArray(value) ? value.join(" ") : (typeof value === "object" ? errorText(value, "") : value);
      parts.push(key === "non_field_errors" ? msg : msg);
    }
    return parts.join(" ") || fallback;
  }

  /** fetch() JSON with the CSRF header; resolves {ok, status, body}. Never throws on HTTP errors. */
  async function api(url, options) {
    const opts = Object.assign({ method: "GET", headers: {} }, options || {});
    opts.headers = Object.assign({ "X-CSRFToken": cookie("csrftoken"), "Accept": "application/json" }, opts.headers);
    if (opts.json !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(opts.json);
      delete opts.json;
    }
    opts.credentials = "same-origin";
    let response;
    try {
      response = await fetch(url, opts);
    } catch (e) {
      return { ok: false, status: 0, body: { detail: t("network") } };
    }
    let body = null;
    const type = response.headers.get("Content-Type") || "";
    if (type.includes("json")) {
      try { body = await response.json(); } catch (e) { body = null; }
    } else {
      body = await response.text();
    }
    return { ok: response.ok, status: response.status, body: body };
  }

  // Final states of anything polled: jobs (succeeded/failed/canceled) and email deliveries (sent/failed).
  const FINAL = ["succeeded", "failed", "canceled", "sent"];

  /** Follow a job (or delivery) until it is final: GET `url` (from the API, never built here), call
   * onUpdate(body) with each answer, and resolve with the last response ({ok, status, body}).
   * One back-off for every page: the first ask after `first` ms, then every 700 ms growing ×1.25 up to 3 s while
   * it runs; after a network or server error ×2 up to 10 s. A 4xx answer (not 429) ends it (onUpdate is not
   * called); so does onUpdate returning false. After `limitMs` (if given) it resolves with null. */
  function poll(url, onUpdate, options) {
    const opts = Object.assign({ first: 300, min: 700, max: 3000, errorMax: 10000, limitMs: 0 }, options || {});
    const started = Date.now();
    let delay = opts.min;
    return new Promise((resolve) => {
      async function ask() {
        const res = await api(url);
        if (res.ok && res.body) {
          const more = onUpdate ? onUpdate(res.body) : undefined;
          if (more === false || FINAL.includes(res.body.status)) return resolve(res);
          delay = Math.min(delay * 1.25, opts.max);
        } else if (res.status >= 400 && res.status < 500 && res.status !== 429) {
          return resolve(res);
        } else {
          delay = Math.min(Math.max(delay, opts.min) * 2, opts.errorMax);
        }
        if (opts.limitMs && Date.now() - started + delay > opts.limitMs) return resolve(null);
        setTimeout(ask, delay);
      }
      setTimeout(ask, opts.first);
    });
  }

  /** The one placeholder syntax of every page's words: "%(name)s" (what Django's translators already use). */
  function fill(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, (match, key) => (key in values ? String(values[key]) : match));
  }

  /** A page's words, put there with {{ words|json_script:"<id>" }} (read once, then kept). */
  const tables = {};
  function strings(id) {
    if (!(id in tables)) {
      const el = document.getElementById(id);
      tables[id] = el ? JSON.parse(el.textContent || "{}") : {};
    }
    return tables[id];
  }

  const builtin = {
    en: { network: "Could not reach Imogen. Check your connection and try again.",
          downloaded: "Saved to your downloads. This browser cannot hand pictures to Photos directly: open the file from your downloads to set it as wallpaper." },
    ko: { network: "Imogen에 연결할 수 없습니다. 인터넷 연결을 확인하고 다시 시도하세요.",
          downloaded: "다운로드 폴더에 저장했습니다. 이 브라우저는 사진 앱으로 바로 보낼 수 없으니, 다운로드한 파일을 열어 배경화면으로 설정하세요." },
  };
  function t(key) {
    const lang = (document.documentElement.lang || "en").slice(0, 2);
    return (builtin[lang] || builtin.en)[key] || key;
  }

  /** Start a download of `url` under the file name `name` (the link's `download` attribute). */
  function download(url, name) {
    const a = document.createElement("a");
    a.href = url;
    a.download = name || "";
    document.body.append(a);
    a.click();
    a.remove();
  }

  /**
   * "Save to Photos / Set as wallpaper": on a phone, the system share sheet with the full-resolution image file
   * (navigator.share({files})), from which people save it to Photos or set it as wallpaper; where the browser
   * cannot share files (no navigator.canShare, a desktop), a plain download.
   */
  async function saveImage(url, name, title) {
    if (navigator.canShare && navigator.share) {
      let file = null;
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        if (response.ok) {
          const blob = await response.blob();
          file = new File([blob], name || "imogen.png", { type: blob.type || "image/png" });
        }
      } catch (e) {
        file = null;
      }
      if (file && navigator.canShare({ files: [file] })) {
        try {
          await navigator.share({ files: [file], title: title || name || "Imogen" });
          return "shared";
        } catch (e) {
          if (e && e.name === "AbortError") return "aborted";  // the person closed the share sheet
        }
      }
    }
    download(url, name);
    return "downloaded";
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action=save-image]");
    if (!button || !button.dataset.url) return;
    event.preventDefault();
    saveImage(button.dataset.url, button.dataset.name, button.dataset.title).then((outcome) => {
      if (outcome === "downloaded") toast(t("downloaded"), "success");  // never a silent download
    });
  });

  // The phone menu: a real button that says whether the menu is open (aria-expanded); Escape closes it.
  const header = document.querySelector(".site-header");
  const menuButton = header && header.querySelector(".nav-toggle");
  if (menuButton) {
    header.classList.add("has-menu");
    const setOpen = (open) => {
      header.classList.toggle("menu-open", open);
      menuButton.setAttribute("aria-expanded", String(open));
    };
    menuButton.addEventListener("click", () => setOpen(menuButton.getAttribute("aria-expanded") !== "true"));
    header.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && header.classList.contains("menu-open")) {
        setOpen(false);
        menuButton.focus();
      }
    });
  }

  window.imogen = Object.assign(window.imogen || {}, { toast, api, poll, FINAL, fill, strings, errorText, cookie, t, download,
    saveImage });
})();
