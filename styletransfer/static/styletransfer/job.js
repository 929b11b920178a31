/* One style transfer job: follow its state (imogen.poll, links from the API), move the progress bar, swap the
 * preview, then show the result. */
(function () {
  "use strict";
  const root = document.getElementById("st-job");
  if (!root) return;
  const strings = JSON.parse(document.getElementById("st-strings").textContent);
  let job = JSON.parse(document.getElementById("st-job-data").textContent);
  const $ = (sel) => root.querySelector(sel);
  const FINAL = ["succeeded", "failed", "canceled"];
  let shownResult = false;
  try {  // notes from the submit (e.g. "the first frame of the animation is used"), shown once
    const notes = JSON.parse(sessionStorage.getItem("st-notes-" + job.id) || "[]");
    sessionStorage.removeItem("st-notes-" + job.id);
    notes.forEach((note) => imogen.toast(note, "info", 15000));
  } catch (err) { /* no storage */ }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, (m, key) => (key in values ? values[key] : m));
  }

  function eta(seconds) {
    if (seconds === null || seconds === undefined) return "";
    if (seconds < 90) return fill(strings.eta_seconds, { n: Math.max(1, Math.round(seconds)) });
    return fill(strings.eta_minutes, { n: Math.round(seconds / 60) });
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
      const percent = Math.round((job.progress || 0) * 100);
      $(".progress-bar").style.width = percent + "%";
      $(".progress").setAttribute("aria-valuenow", String(percent));
      $(".st-percent").textContent = percent + "%";
      $(".st-stage").textContent = job.stage || strings.waiting;
      $(".st-eta").textContent = eta(job.eta_seconds);
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
    const opts = job.options || {};
    if (opts.width) $(".st-result-size").textContent = fill(strings.size, { width: opts.width, height: opts.height });
    section.classList.remove("hidden");
    const form = section.querySelector("form.email-form");
    if (form && window.imogen.emailForm) window.imogen.emailForm.bind(form, job.creation_id);
  }

  function update(body) {
    const wasFinal = FINAL.includes(job.status);
    job = body;
    render();
    if (!wasFinal && job.status === "succeeded") imogen.toast(strings.done, "success");
  }

  const cancel = $(".st-cancel");
  if (cancel) {
    cancel.addEventListener("click", async () => {
      cancel.disabled = true;
      cancel.textContent = strings.canceling;
      const res = await imogen.api(job.cancel_url, { method: "POST" });
      if (res.ok && res.body) {
        job = res.body;
        render();
      } else {
        cancel.disabled = false;
        imogen.toast(imogen.errorText(res.body, strings.cancel_failed), "error");
      }
    });
  }

  render();
  if (!FINAL.includes(job.status)) imogen.poll(job.api_url, update);
})();
