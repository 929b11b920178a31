/* Live tiles for waiting and running style jobs ({% pending_style_jobs %}): one list request keeps them all
   current; when one finishes the page reloads so the new picture takes its place. */
document.addEventListener("DOMContentLoaded", () => {  // after site.js, which the page loads last
  "use strict";
  const section = document.getElementById("fq-pending");
  if (!section) return;
  const Q = window.imogen.queue;
  const words = imogen.strings("fq-strings");
  const statuses = imogen.strings("fq-statuses");
  const tiles = {};
  const num = (v) => (v === "" || v === undefined || v === null ? null : Number(v));

  section.querySelectorAll(".fq-tile").forEach((el) => {
    const t = { el: el, start: new Q.Deadline(), finish: new Q.Deadline(), bar: new Q.Bar(), job: {
      status: el.dataset.status, progress: Number(el.dataset.progress || 0), queue_position: num(el.dataset.position),
      starts_in_seconds: num(el.dataset.starts), eta_seconds: num(el.dataset.eta), started_at: el.dataset.started || null,
    } };
    tiles[el.dataset.job] = t;
    update(t, t.job);
  });

  function update(t, job) {
    t.job = job;
    if (job.status === "queued" && job.starts_in_seconds !== null) t.start.update(job.starts_in_seconds); else t.start.reset();
    if (job.eta_seconds !== null && job.eta_seconds !== undefined) t.finish.update(job.eta_seconds); else t.finish.reset();
    const badge = t.el.querySelector(".st-status");
    badge.textContent = statuses[job.status] || job.status;
    badge.dataset.status = job.status;
    t.el.dataset.status = job.status;
    draw(t);
  }

  function draw(t) {
    const now = Date.now();
    const job = t.job;
    const running = job.status === "running";
    const percent = Math.round(100 * (running ? t.bar.value(job, t.finish.left(now), now) : 0));
    t.el.querySelector(".fq-bar").style.width = percent + "%";
    t.el.querySelector(".progress").setAttribute("aria-valuenow", String(percent));
    t.el.querySelector(".fq-words").textContent = running
      ? percent + "% · " + Q.leftWords(t.finish.left(now), words)
      : (job.status === "queued" ? Q.waitingWords(job, words, t.start.left(now), t.finish.left(now)) : "");
  }

  // The one poller (site.js) follows the list; a job that finished reloads the page so its picture takes its place.
  imogen.poll(section.dataset.api, (list) => {
    if (!Array.isArray(list)) return undefined;
    let finished = false;
    for (const job of list) {
      const t = tiles[job.id];
      if (!t) continue;
      if (imogen.FINAL.includes(job.status)) finished = true;
      update(t, job);
    }
    if (finished && !document.querySelector("input:focus, textarea:focus")) {
      window.location.reload();
      return false;
    }
    return undefined;
  }, { first: 2000, min: 2000, max: 6000 });
  setInterval(() => Object.values(tiles).forEach(draw), 1000);
});
