/* One style transfer job: poll its state, say where it is in the queue and when it will be ready, move the
   progress bar with time, swap the preview, then show the result (and tell the user if they asked). */
(function () {
  "use strict";
  const root = document.getElementById("st-job");
  if (!root) return;
  const strings = imogen.strings("st-strings");
  const words = imogen.strings("st-queue-strings");
  const Q = window.imogen.queue;
  let job = imogen.strings("st-job-data");  // the job's first answer, put in the page the same way
  const $ = (sel) => root.querySelector(sel);
  const FINAL = imogen.FINAL;
  let shownResult = false;
  try {  // notes from the submit (e.g. "the first frame of the animation is used"), shown once
    const notes = JSON.parse(sessionStorage.getItem("st-notes-" + job.id) || "[]");
    sessionStorage.removeItem("st-notes-" + job.id);
    notes.forEach((note) => imogen.toast(note, "info", 15000));
  } catch (err) { /* no storage */ }
  let notifyInTab = false;
  const finish = new Q.Deadline();
  const start = new Q.Deadline();
  const bar = new Q.Bar();
  const MIN_BOX = 320;  // px: a tiny result's box still holds the "a preview appears here" words
  const box = $(".st-preview-box");
  const resultWidth = Number(box.dataset.width), resultHeight = Number(box.dataset.height);
  if (resultWidth > 0 && resultHeight > 0) {  // the result's shape from the first frame (style.css)
    box.style.setProperty("--ratio", String(resultWidth / resultHeight));
    box.style.setProperty("--width", Math.max(resultWidth, MIN_BOX) + "px");
  }

  const fill = imogen.fill;

  /** Everything that moves with the clock: the queue line, the time left, the bar, the title. */
  function tick() {
    if (FINAL.includes(job.status)) return;
    const now = Date.now();
    const percent = Math.round(100 * (job.status === "running" ? bar.value(job, finish.left(now), now) : 0));
    $(".progress-bar").style.width = percent + "%";
    $(".progress").setAttribute("aria-valuenow", String(percent));
    $(".st-percent").textContent = job.status === "queued" ? "" : percent + "%";
    const queue = $(".st-queue");
    if (job.status === "queued") {
      queue.textContent = Q.waitingWords(job, words, start.left(now), finish.left(now));
      queue.classList.remove("hidden");
      $(".st-eta").textContent = "";
      document.title = words.title_waiting;
    } else {
      queue.classList.add("hidden");
      $(".st-eta").textContent = Q.leftWords(finish.left(now), words);
      document.title = percent + " % · Imogen";
    }
  }

  function render() {
    root.dataset.status = job.status;
    const badge = $(".st-status");
    badge.textContent = job.status_label || job.status;
    badge.dataset.status = job.status;
    badge.classList.toggle("ok", job.status === "succeeded");
    badge.classList.toggle("err", job.status === "failed");
    const final = FINAL.includes(job.status);
    $(".st-running").classList.toggle("hidden", final);
    if (!final) {
      if (job.status === "running" || job.starts_in_seconds === null || job.starts_in_seconds === undefined) start.reset();
      else start.update(job.starts_in_seconds);
      if (job.eta_seconds === null || job.eta_seconds === undefined) finish.reset();
      else finish.update(job.eta_seconds);
      const stage = $(".st-job-stage");
      stage.textContent = stage.title = job.stage || (job.status === "running" ? strings.starting : strings.waiting);
      tick();
      const preview = $(".st-preview");
      if (job.preview_url && preview.getAttribute("src") !== job.preview_url) {
        const next = new Image();
        next.onload = () => {
          preview.src = job.preview_url;
          preview.classList.remove("hidden");
          $(".st-preview-empty").classList.add("hidden");
        };
        next.src = job.preview_url;
      }
    } else {
      document.title = { succeeded: words.title_ready, failed: words.title_failed, canceled: words.title_canceled }[job.status];
    }
    if (job.status === "succeeded" && job.result_url && !shownResult) showResult();
    $(".st-failed").classList.toggle("hidden", job.status !== "failed");
    if (job.status === "failed") $(".st-error").textContent = job.error || strings.failed;
    $(".st-canceled").classList.toggle("hidden", job.status !== "canceled");
  }

  function showResult() {
    shownResult = true;
    const section = $(".st-result");
    $(".st-result-image").src = job.result_url;
    $(".st-result-link").href = job.result_url;
    const download = $(".st-download");
    download.href = job.download_url;
    download.setAttribute("download", job.download_name || "");
    $(".st-edit").href = job.edit_url;
    $(".st-share").href = job.creation_url;
    const save = $(".st-save");  // "Save to Photos": the same file as the download
    save.dataset.url = job.download_url;
    save.dataset.name = job.download_name || "";
    const again = $(".st-again");  // the owner's "Run again": every setting, the seed and the same images
    if (again) again.href = again.dataset.base + encodeURIComponent(job.creation_id);
    const opts = job.options || {};
    if (opts.width) $(".st-result-size").textContent = fill(strings.size, { width: opts.width, height: opts.height });
    section.classList.remove("hidden");
    const form = section.querySelector("form.email-form");
    if (form && window.imogen.emailForm) window.imogen.emailForm.bind(form, job.creation_id);
  }

  function tellTab() {
    if (!notifyInTab || !document.hidden || !("Notification" in window) || Notification.permission !== "granted") return;
    const ok = job.status === "succeeded";
    try {
      const note = new Notification(ok ? words.notification_title : words.notification_failed,
        { body: ok ? words.notification_body : (job.error || ""), tag: "imogen-" + job.id });
      note.onclick = () => { window.focus(); note.close(); };
    } catch (e) { /* some phones only notify from a service worker: the title still says it */ }
  }

  function update(body) {
    const wasFinal = FINAL.includes(job.status);
    job = body;
    render();
    if (!wasFinal && FINAL.includes(job.status)) {
      if (job.status === "succeeded") imogen.toast(strings.done, "success");
      tellTab();
    }
  }

  // --- cancel: at once while waiting or just started, after a question once it has run a minute ----------
  const cancel = $(".st-cancel");
  async function doCancel() {
    cancel.disabled = true;
    cancel.textContent = strings.canceling;
    $(".st-cancel-confirm").classList.add("hidden");
    const res = await imogen.api(job.cancel_url, { method: "POST" });
    if (res.ok && res.body) {
      job = res.body;
      render();
    } else {
      cancel.disabled = false;
      imogen.toast(imogen.errorText(res.body, strings.cancel_failed), "error");
    }
  }
  if (cancel) {
    cancel.addEventListener("click", () => {
      const started = job.started_at ? Date.parse(job.started_at) : NaN;
      const ran = job.status === "running" && !isNaN(started) ? (Date.now() - started) / 1000 : 0;
      if (ran <= 60) return doCancel();
      $(".st-cancel-question").textContent = fill(words.confirm_cancel, { n: Math.round(ran / 60) });
      $(".st-cancel-confirm").classList.remove("hidden");
      cancel.classList.add("hidden");
      $(".st-cancel-no").focus();
    });
    $(".st-cancel-yes").addEventListener("click", () => { cancel.classList.remove("hidden"); doCancel(); });
    $(".st-cancel-no").addEventListener("click", () => {
      $(".st-cancel-confirm").classList.add("hidden");
      cancel.classList.remove("hidden");
      cancel.focus();
    });
  }

  // --- tell me when it's ready: by email (the server sends it, browser open or not), or in this tab ------
  const notify = $(".st-notify");
  if (notify) {
    const status = notify.querySelector(".st-notify-status");
    notify.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = notify.querySelector("button[type=submit]");
      button.disabled = true;
      const res = await imogen.api(root.dataset.notify, { method: "POST", json: { to: notify.elements.to.value } });
      button.disabled = false;
      if (res.ok && res.body) {
        status.textContent = fill(res.body.sent ? words.notify_sent : words.notify_saved, { to: res.body.notify_email });
        status.classList.remove("hidden");
      } else {
        imogen.toast(imogen.errorText(res.body, words.notify_failed), "error");
      }
    });
    const tab = notify.querySelector(".st-notify-tab");
    if ("Notification" in window && Notification.permission !== "denied") {
      tab.classList.remove("hidden");
      tab.addEventListener("click", async () => {
        const permission = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
        notifyInTab = permission === "granted";
        imogen.toast(notifyInTab ? words.notify_on : words.notify_blocked, notifyInTab ? "success" : "error");
        if (notifyInTab) tab.classList.add("hidden");
      });
    }
  }

  render();
  setInterval(tick, 1000);
  if (!FINAL.includes(job.status)) imogen.poll(job.api_url, update);
})();
