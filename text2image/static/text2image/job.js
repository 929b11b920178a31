/* Text2Imagen job page: follow the job (imogen.poll; links from the API), show progress, then the results grid.
 * Each result gets Download, Edit, Share and the shared email form (mailer/email-form.js). */
(function () {
  "use strict";
  const root = document.getElementById("t2i-job");
  if (!root) return;
  const texts = imogen.strings("t2i-texts");
  const $ = (id) => document.getElementById(id);
  const FINAL = imogen.FINAL;
  const fill = imogen.fill;
  let shown = new Set();
  let announced = false;
  let cancelUrl = "";

  function render(job) {
    root.dataset.status = job.status;
    cancelUrl = job.cancel_url || "";
    $("t2i-status").textContent = job.status_label || job.status;
    $("t2i-status").className = "badge" + (job.status === "succeeded" ? " ok" : job.status === "failed" ? " err" : "");
    $("t2i-stage").textContent = job.status === "queued" ? texts.waiting : (FINAL.includes(job.status) ? "" : job.stage || "");
    const pct = Math.round((job.progress || 0) * 100);
    $("t2i-progress").style.width = pct + "%";
    $("t2i-progress").parentElement.setAttribute("aria-valuenow", String(pct));
    $("t2i-provider").textContent = job.provider_label || job.provider;
    if (job.translated_prompt) $("t2i-translated").textContent = job.translated_prompt;
    if (job.translated_negative_prompt) {
      $("t2i-translated-negative").textContent = job.translated_negative_prompt;
      $("t2i-translated-negative-row").classList.remove("hidden");
    }
    const queue = job.queue && job.queue.prompt_id && !FINAL.includes(job.status);
    $("t2i-queue").classList.toggle("hidden", !queue);
    if (queue) {
      $("t2i-queue").textContent = fill(texts.queue, {
        number: job.queue.number === null || job.queue.number === undefined ? "?" : job.queue.number,
        provider: job.provider_label || job.provider, id: job.queue.prompt_id });
    }
    if (job.preview_url && $("t2i-preview").dataset.src !== job.preview_url) {
      $("t2i-preview").dataset.src = job.preview_url;
      $("t2i-preview").src = job.preview_url;
    }
    $("t2i-preview-box").classList.toggle("hidden", !job.preview_url);
    $("t2i-notice").textContent = job.notice || "";
    $("t2i-notice").classList.toggle("hidden", !job.notice);
    $("t2i-error").textContent = job.error || "";
    $("t2i-error").classList.toggle("hidden", !job.error);
    $("t2i-cancel").classList.toggle("hidden", FINAL.includes(job.status));
    (job.images || []).forEach(addResult);
    $("t2i-waiting").classList.toggle("hidden", (job.images || []).length > 0 || job.status === "failed");
    if (FINAL.includes(job.status) && !announced) {
      announced = true;
      if (job.status === "succeeded") imogen.toast(texts.done, "success");
      else if (job.status === "failed") imogen.toast(job.error || texts.failed, "error");
      else imogen.toast(texts.canceled, "info");
    }
  }


  function addResult(image) {
    if (shown.has(image.creation_id)) return;
    shown.add(image.creation_id);
    const node = $("t2i-result-template").content.firstElementChild.cloneNode(true);
    node.dataset.creationId = image.creation_id;
    const link = node.querySelector(".t2i-thumb");
    link.href = image.image_url;
    link.querySelector("img").src = image.thumbnail_url || image.image_url;
    link.querySelector("img").alt = image.file_name;
    node.querySelector(".t2i-meta").textContent = [
      image.width + "×" + image.height,
      image.seed !== null && image.seed !== undefined ? texts.seed + " " + image.seed : null,
      image.steps ? fill(texts.steps, { n: image.steps }) : null,
      image.provider_label || null,
    ].filter(Boolean).join(" · ");
    const download = node.querySelector(".t2i-download");
    download.href = image.download_url || image.image_url;
    download.setAttribute("download", image.file_name);
    node.querySelector(".t2i-edit").href = image.edit_url;
    node.querySelector(".t2i-share").href = image.page_url;
    $("t2i-results").append(node);
    const form = node.querySelector("form.email-form");
    if (form && imogen.emailForm) imogen.emailForm.bind(form, image.creation_id);
  }

  $("t2i-cancel").addEventListener("click", async () => {
    $("t2i-cancel").disabled = true;
    const res = await imogen.api(cancelUrl, { method: "POST" });
    if (res.ok) render(res.body);
    else imogen.toast(imogen.errorText(res.body, texts.failed), "error");
    $("t2i-cancel").disabled = false;
  });

  imogen.poll(root.dataset.apiUrl, render, { first: 0 });
})();
