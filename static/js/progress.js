/* Learning progress, kept in this browser only (localStorage): nothing is sent anywhere.
   Shape: { "<guide>": { "done": { "<lesson>": {"at": ms, "score": "2/3"} },
                         "last": {"slug": "...", "title": "...", "url": "..."} } } */
(function () {
  "use strict";
  var KEY = "wm-progress-v1";

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }
  function save(data) {
    try { window.localStorage.setItem(KEY, JSON.stringify(data)); } catch (e) { /* private mode */ }
  }
  function guideOf(data, slug) {
    data[slug] = data[slug] || { done: {}, last: null };
    data[slug].done = data[slug].done || {};
    return data[slug];
  }
  function link(url, text) {
    var a = document.createElement("a");
    a.href = url;
    a.textContent = text;
    return a;
  }

  var data = load();

  // A lesson page: remember it as the place to continue; record checks and "done".
  var lesson = document.querySelector("article.lesson[data-lesson]");
  if (lesson) {
    var guideSlug = lesson.getAttribute("data-guide");
    var lessonSlug = lesson.getAttribute("data-lesson");
    var progress = guideOf(data, guideSlug);
    progress.last = { slug: lessonSlug, title: lesson.getAttribute("data-title"), url: lesson.getAttribute("data-url") };
    var scored = document.querySelector(".check-score[data-score]");
    if (scored) {
      progress.done[lessonSlug] = { at: Date.now(), score: scored.getAttribute("data-score") + "/" + scored.getAttribute("data-total") };
    }
    save(data);
    // Back at the questions: the score this browser recorded last time.
    var last = document.querySelector("[data-check-last]");
    var record = progress.done[lessonSlug];
    if (last && record && record.score) {
      var parts = record.score.split("/");
      last.textContent = "Last time you got " + parts[0] + " of " + parts[1] + " right (" +
        new Date(record.at).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" }) + ").";
      last.hidden = false;
    }
    var button = document.querySelector("button.mark-done");
    if (button) {
      var refresh = function () {
        var done = Boolean(progress.done[lessonSlug]);
        button.textContent = done ? "Done ✓ (mark as not done)" : "Mark this lesson as done";
        button.setAttribute("aria-pressed", done ? "true" : "false");
      };
      button.hidden = false;
      refresh();
      button.addEventListener("click", function () {
        if (progress.done[lessonSlug]) { delete progress.done[lessonSlug]; }
        else { progress.done[lessonSlug] = { at: Date.now(), score: null }; }
        save(data);
        refresh();
      });
    }
    document.querySelectorAll(".outline li[data-lesson]").forEach(function (li) {
      if (progress.done[li.getAttribute("data-lesson")]) { li.classList.add("is-done"); }
    });
  }

  // A guide page: tick finished lessons, offer to continue, allow a reset.
  var guide = document.querySelector("article.guide[data-guide]");
  if (guide) {
    var slug = guide.getAttribute("data-guide");
    var state = data[slug];
    var items = guide.querySelectorAll(".syllabus li[data-lesson]");
    var finished = 0;
    items.forEach(function (li) {
      if (state && state.done && state.done[li.getAttribute("data-lesson")]) {
        finished += 1;
        li.classList.add("is-done");
        li.querySelector(".done-mark").hidden = false;
      }
    });
    var box = document.querySelector("[data-continue-guide]");
    if (state && state.last && box) {
      box.textContent = "You have finished " + finished + " of " + items.length + " lessons. ";
      box.appendChild(link(state.last.url, "Continue where you left off: " + state.last.title));
      box.hidden = false;
    }
    var reset = document.querySelector("button[data-reset-guide]");
    if (reset && state) {
      reset.hidden = false;
      reset.addEventListener("click", function () {
        if (!window.confirm("Forget your progress in this guide?")) { return; }
        delete data[slug];
        save(data);
        window.location.reload();
      });
    }
  }

  // The guide list: progress per guide and one "continue" link.
  document.querySelectorAll(".guide-card[data-guide]").forEach(function (card) {
    var state = data[card.getAttribute("data-guide")];
    var line = card.querySelector(".guide-progress");
    if (!state || !line) { return; }
    var count = Object.keys(state.done || {}).length;
    line.textContent = count + " of " + card.getAttribute("data-lesson-count") + " lessons done. ";
    if (state.last) { line.appendChild(link(state.last.url, "Continue: " + state.last.title)); }
    line.hidden = false;
    var all = document.querySelector("[data-continue-all]");
    if (all && all.hidden && state.last) {
      all.appendChild(link(state.last.url, "Continue where you left off: " + state.last.title));
      all.hidden = false;
    }
  });
}());
