/* Queue facts in words, estimates that hold, and a bar that moves with time (imogen.queue).
   Strings come from the page (fairqueue.words.page_strings via json_script). */
(function () {
  "use strict";
  // site.js may load after this file (tiles inside a page's content): its helpers are looked up when used.
  const fill = (template, values) => window.imogen.fill(template, values);

  function duration(seconds, strings, prefix) {
    if (seconds < 90) return fill(strings[prefix + "_seconds"], { n: Math.max(1, Math.round(seconds / 5) * 5 || 1) });
    return fill(strings[prefix + "_minutes"], { n: Math.round(seconds / 60) });
  }

  /** A deadline that only moves when a new estimate falls outside the tolerance (no needless jumps). */
  class Deadline {
    constructor() { this.at = null; }
    update(seconds, now) {
      now = now || Date.now();
      if (seconds === null || seconds === undefined) return;
      const proposed = now + seconds * 1000;
      if (this.at === null) { this.at = proposed; return; }
      const left = Math.max(1, (this.at - now) / 1000);
      const tolerance = Math.max(3, 0.12 * left) * 1000;
      const diff = proposed - this.at;
      if (Math.abs(diff) > tolerance) this.at = proposed - Math.sign(diff) * tolerance;
    }
    left(now) { return this.at === null ? null : Math.max(0, (this.at - (now || Date.now())) / 1000); }
    reset() { this.at = null; }
  }

  /** "2 wallpapers ahead of yours · starts in about 6 min · ready in about 20 min" for a queued job. */
  function waitingWords(job, strings, startsLeft, readyLeft) {
    const parts = [];
    const n = job.queue_position;
    if (n === 0) parts.push(strings.next);
    else if (n !== null && n !== undefined) parts.push(fill(n === 1 ? strings.ahead_one : strings.ahead_other, { n: n }));
    if (startsLeft === null || startsLeft === undefined) parts.push(strings.no_worker);
    else if (startsLeft < 5) parts.push(strings.starts_now);
    else parts.push(duration(startsLeft, strings, "starts"));
    if (readyLeft !== null && readyLeft !== undefined && startsLeft !== null) parts.push(duration(readyLeft, strings, "ready"));
    return parts.join(" · ");
  }

  function leftWords(seconds, strings) {
    return seconds === null || seconds === undefined ? "" : duration(seconds, strings, "left");
  }

  /** The fraction to draw: time spent over time spent + time left, never backwards, below 99 % until done. */
  class Bar {
    constructor() { this.shown = 0; }
    value(job, left, now) {
      let fraction = job.progress || 0;
      const started = job.started_at ? Date.parse(job.started_at) : NaN;
      if (left !== null && left !== undefined && !isNaN(started)) {
        const spent = Math.max(0, ((now || Date.now()) - started) / 1000);
        const byTime = spent / (spent + Math.max(0.5, left));
        // Trust the clock only near the engine's own figure (a phone's clock may be off).
        if (Math.abs(byTime - fraction) < 0.25) fraction = byTime;
      }
      this.shown = Math.max(this.shown, Math.min(0.99, fraction));
      return this.shown;
    }
  }

  window.imogen = window.imogen || {};
  window.imogen.queue = { duration, Deadline, Bar, waitingWords, leftWords };
})();
