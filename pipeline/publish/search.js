/* The site's search box (pipeline/publish/search.py and search_index.py write what it reads).
 * The index is built at publish time, in parts: search/<lang>/meta.js says which exist; a query loads the parts of
 * its own terms (search/<lang>/t/<xx>.js, every term starting with xx, with its records' scores) and then the blocks of
 * the records it shows (search/<lang>/d/<n>.js). Nothing is built in the browser, so the first query is answered as
 * soon as its few parts are loaded, on a site of 10,000 facts as on one of 100.
 * Words are read by assets/search-terms.js (the same script publish reads the site's texts with) on lunr 2.3.9's and
 * lunr-languages 1.22.0's trimmer, French stop words and stemmers (assets/vendor/). Everything is loaded by <script>
 * tags, never fetched (browsers refuse fetch on file://): the search works from a web server and from a folder opened
 * from disk (file://), with no network.
 * Ranking: first what holds every word (stop words aside), then what holds some of them; within each, the sum of the
 * words' scores (BM25, a fact's id ×6, title ×3, text ×1), the last word also matched as a prefix while it is typed. */
(function () {
  "use strict";
  var me = document.currentScript;
  var root = me.getAttribute("data-root") || "";
  var lang = me.getAttribute("data-lang") === "en" ? "en" : "fr";
  var WORDS = {
    fr: {none: "Aucun résultat pour « {q} ».", some: "{n} résultat(s) pour « {q} ».", loading: "Chargement…",
         failed: "La recherche n'a pas pu se charger ({f}).", more: "{n} autres résultats : précisez la recherche.",
         kind: {fact: "Chiffre", page: "Page", doc: "Document", resource: "Ressource", facts: "Faits",
               barometer: "Baromètre"}},
    en: {none: "No result for “{q}”.", some: "{n} result(s) for “{q}”.", loading: "Loading…",
         failed: "The search could not load ({f}).", more: "{n} more results: refine the search.",
         kind: {fact: "Figure", page: "Page", doc: "Document", resource: "Resource", facts: "Facts",
               barometer: "Barometer"}}
  }[lang];
  var SHOWN = 10;
  var EXACT = 10, PREFIX = 1;  // a word's own term counts ten times a term it only begins
  var state = {loading: null, meta: null, files: {}, waiting: {}};

  function load(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.async = false;  // scripts added together are fetched at once and run in the order they were added
      s.src = root + src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error(src)); };
      document.head.appendChild(s);
    });
  }

  // every index file calls this with its name and its payload (JSON, gzip'd and base64'd)
  window.STUDIO_SEARCH_PART = function (name, packed) {
    var w = state.waiting[name];
    if (w) { delete state.waiting[name]; w(packed); }
  };

  function inflate(packed) {
    var bin = atob(packed), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  function file(name) {  // search/<name>.js's payload, loaded once
    if (!state.files[name]) {
      var got = new Promise(function (resolve) { state.waiting[name] = resolve; });
      state.files[name] = load("search/" + name + ".js").then(function () { return got; }).then(inflate);
      state.files[name].catch(function () { delete state.files[name]; delete state.waiting[name]; });
    }
    return state.files[name];
  }

  function ready() {  // the library, the word reader and the list of parts: ~90 kB, loaded once the page is idle
    if (!state.loading) {
      var library = ["assets/vendor/lunr.min.js", "assets/vendor/lunr.stemmer.support.js", "assets/vendor/lunr.fr.js",
                     "assets/search-terms.js"].map(load);  // in this order: each needs the one before
      state.loading = Promise.all(library.concat([file(lang + "/meta")]))
        .then(function (got) { return got[got.length - 1]; })
        .then(function (meta) { state.meta = meta; state.known = {}; meta.parts.forEach(function (k) { state.known[k] = true; }); });
      state.loading.catch(function () { state.loading = null; });
    }
    return state.loading;
  }

  function partOf(term) {  // the loaded part holding `term`, or null when no term of the site starts that way
    var key = window.STUDIO_TERMS.part(term);
    return state.known[key] ? file(lang + "/t/" + key) : Promise.resolve(null);
  }

  function search(q) {
    var ws = window.STUDIO_TERMS.ofQuery(q, lang);
    if (!ws.length) { return Promise.resolve([]); }
    var last = ws[ws.length - 1];
    var prefix = last.folded.length >= 3 ? last.folded : null;
    return Promise.all(ws.map(function (w) { return partOf(w.term); }).concat([prefix ? partOf(prefix) : null]))
      .then(function (parts) {
        var score = Object.create(null), holds = [];
        var add = function (flat, weight, into) {
          for (var i = 0; i < flat.length; i += 2) {
            score[flat[i]] = (score[flat[i]] || 0) + flat[i + 1] * weight;
            if (into) { into[flat[i]] = true; }
          }
        };
        ws.forEach(function (w, n) {
          var flat = (parts[n] && parts[n][w.term]) || [];
          var mine = Object.create(null);
          add(flat, EXACT, mine);
          if (!w.stop) { holds.push(mine); }
        });
        var byPrefix = parts[ws.length];
        if (byPrefix) {
          Object.keys(byPrefix).forEach(function (t) { if (t.indexOf(prefix) === 0) { add(byPrefix[t], PREFIX, null); } });
        }
        var hits = Object.keys(score).map(Number), all = Object.create(null);
        hits.forEach(function (d) { all[d] = holds.length > 0 && holds.every(function (h) { return h[d]; }) ? 1 : 0; });
        hits.sort(function (x, y) { return (all[y] - all[x]) || (score[y] - score[x]) || (x - y); });
        return hits;
      });
  }

  function shown(hits) {  // the records of the hits drawn, from their blocks
    var block = state.meta.block, top = hits.slice(0, SHOWN);
    return Promise.all(top.map(function (d) { return file(lang + "/d/" + Math.floor(d / block)); }))
      .then(function (blocks) {
        return top.map(function (d, n) {
          var r = blocks[n][d % block];
          return {k: r[0], t: r[1], u: r[2], s: r[3]};
        });
      });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }

  function show(box, status, list, q, total, records) {
    list.textContent = "";
    status.textContent = (total ? WORDS.some : WORDS.none).replace("{n}", total).replace("{q}", q);
    records.forEach(function (d) {
      var li = el("li", "hit hit-" + d.k);
      var a = el("a", null, d.t);
      a.href = root + d.u;
      li.appendChild(el("span", "tag", WORDS.kind[d.k] || d.k));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(a);
      if (d.s) { li.appendChild(el("p", "snippet", d.s)); }
      list.appendChild(li);
    });
    if (total > SHOWN) { list.appendChild(el("li", "more", WORDS.more.replace("{n}", total - SHOWN))); }
    box.hidden = false;
  }

  function init() {
    var form = document.querySelector("form.search");
    var box = document.getElementById("search-results");
    if (!form || !box) { return; }
    var input = form.querySelector("input[type=search]");
    var status = box.querySelector(".search-status");
    var list = box.querySelector("ol");
    form.hidden = false;
    var run = function () {
      var q = input.value.trim();
      if (!q) { box.hidden = true; list.textContent = ""; status.textContent = ""; return; }
      if (!state.meta) { status.textContent = WORDS.loading; box.hidden = false; }
      var hits;
      ready().then(function () { return search(q); })
        .then(function (found) { hits = found; return shown(found); })
        .then(function (records) {
          if (input.value.trim() === q) { show(box, status, list, q, hits.length, records); }
        }, function (err) {
          status.textContent = WORDS.failed.replace("{f}", err.message);
          box.hidden = false;
        });
    };
    input.addEventListener("focus", function () { ready().catch(function () {}); });
    // the library and the list of parts are loaded once the page is idle, so that they are there when someone types
    var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 300); };
    window.addEventListener("load", function () { idle(function () { ready().catch(function () {}); }, {timeout: 4000}); });
    input.addEventListener("input", run);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { input.value = ""; run(); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
