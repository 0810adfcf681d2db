/* Weights & Measures: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  /* ---- Type-ahead suggestions for every search box (ARIA combobox pattern). ---- */
  function part(className, text) {
    var span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    return span;
  }

  // The query's words as the search reads them: letters and digits, lower case.
  function queryWords(query) {
    return query.normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
  }

  // `text` into `element` as text nodes, with each word start that one of `words` matches
  // (case-insensitive, the longest word first) in a <mark>: built from nodes, never as HTML.
  // The words are letters and digits only, so none of them is pattern syntax.
  function markWords(element, text, words) {
    var unique = words.filter(function (word, i) { return words.indexOf(word) === i; });
    if (!unique.length) { element.textContent = text; return element; }
    unique.sort(function (a, b) { return b.length - a.length; });
    // No lookbehind (Safari before 16.4 has none): what comes before the word is group 1.
    var pattern = new RegExp("(^|[^\\p{L}\\p{N}])(" + unique.join("|") + ")", "giu");
    var from = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      var start = match.index + match[1].length;
      if (start > from) { element.appendChild(document.createTextNode(text.slice(from, start))); }
      var mark = document.createElement("mark");
      mark.textContent = match[2];
      element.appendChild(mark);
      from = start + match[2].length;
    }
    if (from < text.length) { element.appendChild(document.createTextNode(text.slice(from))); }
    return element;
  }

  function setUpSuggest(input) {
    var list = document.getElementById(input.getAttribute("data-suggest-list"));
    if (!list) { return; }
    var endpoint = input.getAttribute("data-suggest");
    var items = [];
    var active = -1;
    var timer = null;
    var latest = 0;
    // Only now, with the script running, is the box a combobox: without it, a plain search box.
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) { input.setAttribute("aria-activedescendant", items[index].id); }
      else { input.removeAttribute("aria-activedescendant"); }
    }

    function show(results, query) {
      list.textContent = "";
      var words = queryWords(query);
      items = results.map(function (result, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.url = result.url;
        // One line: the kind, the name (matched letters marked), and what fits of its summary.
        // The spaces between the parts are for the option's accessible name, not the layout.
        li.appendChild(part("result-kind", result.kind_label));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(markWords(part("suggestion-name", ""), result.name, words));
        if (result.short_definition) {
          li.appendChild(document.createTextNode(" "));
          li.appendChild(part("suggestion-definition", result.short_definition));
        }
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          window.location.assign(result.url);
        });
        list.appendChild(li);
        return li;
      });
      active = -1;
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (!query) { close(); return; }
      var ticket = ++latest;
      fetch(endpoint + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (ticket === latest) { show(data.results || [], query); } })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, 120);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.assign(items[active].dataset.url);
      } else if (event.key === "Escape" && !list.hidden) {
        // Close the suggestions and keep what was typed (a search box clears itself on Escape).
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  /* ---- Term link previews: hover, keyboard focus and tap; Esc dismisses. ---- */
  var preview = null;
  var owner = null;
  var hideTimer = null;

  function ensurePreview() {
    if (preview) { return preview; }
    preview = document.createElement("div");
    preview.className = "term-preview";
    preview.id = "term-preview";
    preview.setAttribute("role", "tooltip");
    preview.hidden = true;
    preview.addEventListener("mouseenter", function () { window.clearTimeout(hideTimer); });
    preview.addEventListener("mouseleave", scheduleHide);
    document.body.appendChild(preview);
    return preview;
  }

  function showPreview(link, withLink) {
    var text = link.getAttribute("data-preview");
    if (!text) { return; }
    window.clearTimeout(hideTimer);
    var box = ensurePreview();
    box.textContent = "";
    var title = document.createElement("strong");
    title.textContent = link.getAttribute("data-name") || link.textContent;
    var body = document.createElement("p");
    body.textContent = text;
    box.appendChild(title);
    box.appendChild(body);
    if (withLink) {
      var more = document.createElement("a");
      more.href = link.href;
      more.textContent = "Open the term page →";
      box.appendChild(more);
    }
    box.hidden = false;
    var rect = link.getBoundingClientRect();
    var top = window.scrollY + rect.bottom + 6;
    var left = Math.max(8, Math.min(window.scrollX + rect.left, window.scrollX + document.documentElement.clientWidth - box.offsetWidth - 8));
    box.style.top = top + "px";
    box.style.left = left + "px";
    if (owner && owner !== link) { owner.removeAttribute("aria-describedby"); }
    owner = link;
    link.setAttribute("aria-describedby", box.id);
  }

  function hidePreview() {
    if (!preview) { return; }
    preview.hidden = true;
    if (owner) { owner.removeAttribute("aria-describedby"); }
    owner = null;
  }

  function scheduleHide() {
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(hidePreview, 250);
  }

  function setUpPreviews() {
    var touched = false;
    document.addEventListener("touchstart", function () { touched = true; }, { passive: true, once: true });
    document.querySelectorAll("a.term-link[data-preview]").forEach(function (link) {
      link.addEventListener("mouseenter", function () { showPreview(link, false); });
      link.addEventListener("mouseleave", scheduleHide);
      link.addEventListener("focus", function () { showPreview(link, false); });
      link.addEventListener("blur", scheduleHide);
      link.addEventListener("click", function (event) {
        // On touch screens the first tap shows the preview (with a link); the second follows it.
        if (touched && owner !== link) {
          event.preventDefault();
          showPreview(link, true);
        }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { hidePreview(); }
    });
    document.addEventListener("click", function (event) {
      if (preview && !preview.hidden && !preview.contains(event.target) && event.target !== owner) { hidePreview(); }
    });
  }

  document.querySelectorAll("input[data-suggest]").forEach(setUpSuggest);
  setUpPreviews();
}());

/* Copy buttons on code samples. */
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll(".prose div.highlight").forEach(function (block) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-code";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy this code");
    button.addEventListener("click", function () {
      var code = block.querySelector("pre");
      navigator.clipboard.writeText(code ? code.innerText : "").then(function () {
        button.textContent = "Copied";
        window.setTimeout(function () { button.textContent = "Copy"; }, 1500);
      });
    });
    block.classList.add("has-copy");
    block.insertBefore(button, block.firstChild);
  });
}());

/* Code blocks and tables that scroll sideways can be scrolled from the keyboard too: each is
   focusable (tabindex=0) for as long as it overflows (WCAG 2.1.1, axe's scrollable-region rule). */
(function () {
  "use strict";
  var regions = document.querySelectorAll("main pre, main table");
  if (!regions.length) { return; }
  function update() {
    regions.forEach(function (region) {
      if (region.scrollWidth > region.clientWidth) { region.setAttribute("tabindex", "0"); }
      else { region.removeAttribute("tabindex"); }
    });
  }
  var timer = null;
  update();
  window.addEventListener("resize", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 150);
  });
}());

/* The theme toggle (the saved choice is applied early by theme.js) and the Web Share API. */
(function () {
  "use strict";
  var root = document.documentElement;
  var toggle = document.querySelector("[data-theme-toggle]");
  function current() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) { return chosen; }
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  function label() {
    // A toggle button: its name stays "Dark mode"; aria-pressed says whether it is on.
    toggle.setAttribute("aria-pressed", current() === "dark" ? "true" : "false");
  }
  if (toggle) {
    toggle.hidden = false;
    label();
    toggle.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { window.localStorage.setItem("wm-theme", next); } catch (e) { /* not remembered */ }
      label();
    });
  }
  if (navigator.share) {
    document.querySelectorAll("button[data-share]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.share({
          title: button.getAttribute("data-share-title") || document.title,
          url: new URL(button.getAttribute("data-share"), window.location.href).href
        }).catch(function () { /* the reader closed the share sheet */ });
      });
    });
  }
}());

/* The contents of an article: a collapsed <details> on a phone (it opens without this
   script); on a desktop it stands beside the article, so it is opened there. */
(function () {
  "use strict";
  var toc = document.querySelector("details[data-toc]");
  if (!toc || !window.matchMedia) { return; }
  var wide = window.matchMedia("(min-width: 64rem)");
  function follow() { toc.open = wide.matches; }
  follow();
  if (wide.addEventListener) { wide.addEventListener("change", follow); }
}());

/* Columns of figures in the articles' tables are right-aligned, so the digits line up: a
   column whose every cell starts with a number (or "about", "~" and a number). */
(function () {
  "use strict";
  var figure = /^(about |~|≈|<|>)?\s*[$€£]?[−-]?\d[\d,.]*/i;
  document.querySelectorAll(".prose table").forEach(function (table) {
    var rows = Array.prototype.slice.call(table.rows);
    if (rows.length < 2) { return; }
    var columns = rows[0].cells.length;
    for (var column = 1; column < columns; column += 1) {
      var body = rows.slice(1).map(function (row) { return row.cells[column]; });
      var numeric = body.every(function (cell) {
        return cell && !cell.hasAttribute("align") && figure.test(cell.textContent.trim());
      });
      if (!numeric) { continue; }
      rows.forEach(function (row) { if (row.cells[column]) { row.cells[column].classList.add("num"); } });
    }
  });
}());
