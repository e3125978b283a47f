// Site search with Pagefind, loaded on the search page only. Pagefind folds tone marks itself; the
// index also holds the folded form of every word with đ (sitegen/search.py), so "dong chi" finds
// "đồng chí", while a query typed with diacritics still ranks the exact form first.
(function () {
  "use strict";
  var form = document.querySelector("form[data-bundle]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var MARK = "\u2042"; // ends the folded words the index adds before the page text
  var WINDOW = 32; // words shown in an excerpt
  var PAGE = 20; // results shown at a time: the "more" button shows the next ones
  var count = new Intl.NumberFormat(document.documentElement.lang); // 3.412 in Vietnamese, 3,412 in English
  var loading = null;
  var latest = 0;
  var timer = 0;
  // Searches run one after another (and one overtaken before its turn stops at once, in find): on a slow
  // phone, the index chunks of every pause's words would otherwise arrive before those of the last words.
  var queue = Promise.resolve();

  // Same folding as sitegen.vietnamese.fold: no diacritics, đ as d, lower case.
  function fold(text) {
    return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  function bare(word) {
    return fold(word).replace(/[^\p{L}\p{N}]/gu, "");
  }

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  // A big site's index comes in several bundles (pagefind/bundles.json lists the others): merged as one.
  function merge(pagefind) {
    return fetch(form.dataset.bundle + "bundles.json")
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (more) {
        return Promise.all(more.map(function (path) {
          return pagefind.mergeIndex(form.dataset.bundle + path, { baseUrl: form.dataset.base });
        }));
      });
  }

  function load(afresh) {
    if (!loading || afresh) {
      var before = loading ? loading.then(function (pagefind) { return pagefind.destroy(); }) : Promise.resolve();
      loading = before.catch(function () {})
        .then(function () { return import(form.dataset.bundle + "pagefind.js"); })
        .then(function (pagefind) {
          return pagefind
            .options({ baseUrl: form.dataset.base })
            .then(function () { return pagefind.init(); })
            .then(function () { return merge(pagefind); })
            .then(function () { return pagefind; });
        });
    }
    return loading;
  }

  // The best window of the page text, with the query's words marked; original diacritics kept.
  function excerpt(content, title, query) {
    var cut = content.indexOf(MARK);
    var text = (cut >= 0 ? content.slice(cut + 1) : content).trim();
    if (text.indexOf(title) === 0) text = text.slice(title.length).replace(/^[\s.]+/, "");
    var words = text.split(/\s+/).filter(Boolean);
    var terms = query.split(/\s+/).map(bare).filter(Boolean);
    var hits = words.map(function (word) {
      var folded = bare(word);
      return folded !== "" && terms.some(function (term) { return folded.indexOf(term) === 0; });
    });
    var best = 0, bestCount = -1, count = 0;
    for (var i = 0; i < words.length; i++) {
      if (hits[i]) count++;
      if (i >= WINDOW && hits[i - WINDOW]) count--;
      var start = Math.max(0, i - WINDOW + 1);
      if (count > bestCount) { bestCount = count; best = start; }
    }
    var shown = Math.max(0, best - 4);
    var paragraph = document.createElement("p");
    if (shown > 0) paragraph.append("… ");
    words.slice(shown, shown + WINDOW).forEach(function (word, index) {
      if (index) paragraph.append(" ");
      if (hits[shown + index]) {
        var mark = document.createElement("mark");
        mark.textContent = word;
        paragraph.append(mark);
      } else {
        paragraph.append(word);
      }
    });
    if (shown + WINDOW < words.length) paragraph.append(" …");
    return paragraph;
  }

  // Appends one page of results (their data loaded) to the list; `total` is how many were found.
  // The "more" button shows while the list holds fewer.
  function render(results, query, total) {
    results.forEach(function (data) {
      var item = document.createElement("li");
      var heading = document.createElement("h2");
      var link = document.createElement("a");
      link.href = data.url;
      link.textContent = data.meta.title;
      heading.append(link);
      item.append(heading);
      if (data.meta.date) {
        var meta = document.createElement("p");
        meta.className = "meta";
        meta.textContent = data.meta.date;
        item.append(meta);
      }
      item.append(excerpt(data.content, data.meta.title, query));
      list.append(item);
    });
    var template = total ? form.dataset.found : form.dataset.none;
    status.textContent = say(template, { count: count.format(total), query: query });
    more.hidden = list.children.length >= total;
  }

  // The data of the page of `results` that begins at `start` (PAGE of them at most).
  function pageOf(results, start) {
    return Promise.all(results.slice(start, start + PAGE).map(function (result) { return result.data(); }));
  }

  // The next page of `found` after what the list shows, with the button for the rest. The first new
  // result takes the focus, so that a keyboard or screen reader goes on from there.
  function showMore(found, query, id) {
    var start = list.children.length;
    return pageOf(found, start)
      .then(function (data) {
        if (id !== latest) return;
        render(data, query, found.length);
        if (list.children[start]) list.children[start].querySelector("a").focus();
      });
  }

  function search(query) {
    var id = ++latest;
    query = query.trim();
    var address = new URL(window.location.href);
    if (query) address.searchParams.set("q", query); else address.searchParams.delete("q");
    window.history.replaceState(null, "", address);
    more.hidden = true;
    more.onclick = null;
    if (!query) {
      status.textContent = "";
      list.replaceChildren();
      return;
    }
    status.textContent = form.dataset.loading;
    queue = queue.then(function () {
      return find(query, id, false)
        .then(function (found) {
          if (!found || id !== latest) return;
          list.replaceChildren();
          render(found.first, query, found.results.length);
          more.onclick = function () {
            more.disabled = true;
            showMore(found.results, query, id)
              .catch(function () { if (id === latest) status.textContent = form.dataset.failed; })
              .then(function () { more.disabled = false; });
          };
        })
        .catch(function () { if (id === latest) status.textContent = form.dataset.failed; });
    });
  }

  // Every result found (their data not loaded yet), and the data of the first page of them; null when
  // search `id` is no longer the latest. A reader typing on a phone starts a search at each pause: the
  // ones overtaken stop there, rather than fetch index chunks and results the slow network needs for
  // the words typed since.
  function find(query, id, again) {
    var loaded = load(false);
    return loaded
      .then(function (pagefind) { return id === latest ? pagefind.search(query) : null; })
      .then(function (found) {
        if (!found || id !== latest) return null;
        return pageOf(found.results, 0).then(function (first) { return { results: found.results, first: first }; });
      })
      .catch(function (error) {
        if (again) throw error;
        // A new build replaced the index this page loaded (its files have new names): load it afresh,
        // once for all the searches that failed on it, and search again.
        return (loading === loaded ? load(true) : loading).then(function () { return find(query, id, true); });
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    search(input.value);
  });
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { search(input.value); }, 250);
  });
  input.addEventListener("focus", function () { load(false); }, { once: true });
  var initial = new URL(window.location.href).searchParams.get("q");
  if (initial) {
    input.value = initial;
    search(initial);
  }
})();
