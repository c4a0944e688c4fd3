/* The site's search box (pipeline/publish/search.py writes what it reads).
 * lunr 2.3.9 and lunr-languages 1.22.0 (assets/vendor/, shipped with the site) index search/<lang>.js, the page's
 * language's facts, pages and documents. Everything is loaded by <script> tags on the first use of the box, never
 * fetched (browsers refuse fetch on file://): the search works from a web server and from a folder opened from disk (file://), with no network.
 * French: French stop words and Snowball stemmer; both languages: accents folded ("peripherique" finds
 * "périphérique"), the last word also matched as a prefix while it is being typed. */
(function () {
  "use strict";
  var me = document.currentScript;
  var root = me.getAttribute("data-root") || "";
  var lang = me.getAttribute("data-lang") === "en" ? "en" : "fr";
  var WORDS = {
    fr: {none: "Aucun résultat pour « {q} ».", some: "{n} résultat(s) pour « {q} ».", loading: "Chargement…",
         failed: "La recherche n'a pas pu se charger ({f}).", more: "{n} autres résultats : précisez la recherche.",
         kind: {fact: "Chiffre", page: "Page", doc: "Document", resource: "Ressource", facts: "Faits"}},
    en: {none: "No result for “{q}”.", some: "{n} result(s) for “{q}”.", loading: "Loading…",
         failed: "The search could not load ({f}).", more: "{n} more results: refine the search.",
         kind: {fact: "Figure", page: "Page", doc: "Document", resource: "Resource", facts: "Facts"}}
  }[lang];
  var SHOWN = 10;
  var state = {loading: null, idx: null, docs: null};

  function load(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = root + src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error(src)); };
      document.head.appendChild(s);
    });
  }

  function ready() {
    if (!state.loading) {
      state.loading = load("assets/vendor/lunr.min.js")
        .then(function () { return load("assets/vendor/lunr.stemmer.support.js"); })
        .then(function () { return load("assets/vendor/lunr.fr.js"); })
        .then(function () { return load("search/" + lang + ".js"); })
        .then(build);
    }
    return state.loading;
  }

  function build() {
    var lunr = window.lunr;
    var docs = (window.STUDIO_SEARCH || {})[lang] || [];
    // words are letters and digits ("2024", "2,9"): lunr-languages' French trimmer would drop the digits
    var trim = lunr.trimmerSupport.generateTrimmer(lunr.fr.wordCharacters + "0-9");
    lunr.Pipeline.registerFunction(trim, "trimmer-studio");
    lunr.tokenizer.separator = /[\s\-'’()«»"“”;:!?/[\]]+/;
    var t0 = performance.now();
    state.idx = lunr(function () {
      this.pipeline.reset();
      this.searchPipeline.reset();
      if (lang === "fr") {
        this.pipeline.add(trim, lunr.fr.stopWordFilter, lunr.fr.accentFold, lunr.fr.stemmer);
        this.searchPipeline.add(trim, lunr.fr.accentFold, lunr.fr.stemmer);
      } else {
        this.pipeline.add(trim, lunr.stopWordFilter, lunr.fr.accentFold, lunr.stemmer);
        this.searchPipeline.add(trim, lunr.fr.accentFold, lunr.stemmer);
      }
      this.ref("i");
      this.field("n", {boost: 6});   // a fact's id (MAR-001)
      this.field("t", {boost: 3});   // title, or a fact's wording
      this.field("b");               // the text
      this.metadataWhitelist = [];
      for (var i = 0; i < docs.length; i++) {
        this.add({i: String(i), n: docs[i].n || "", t: docs[i].t, b: docs[i].b || ""});
      }
    });
    state.docs = docs;
    window.STUDIO_SEARCH_BUILD_MS = performance.now() - t0;  // read by the bench
  }

  function words(q) {
    // a fact's id is one word (MAR-001 is indexed as mar001), not "mar" and every "001"
    return (q.toLowerCase().replace(/\b([a-z]{2,5})-(\d{2,4})\b/g, "$1$2").match(/[\p{L}\p{N}][\p{L}\p{N}.,]*/gu) || [])
      .map(function (w) { return w.replace(/[.,]+$/, ""); })
      .filter(function (w) { return w.length > 0; });
  }

  function search(q) {
    var ws = words(q);
    if (!ws.length) { return []; }
    var lunr = window.lunr;
    var stop = lang === "fr" ? lunr.fr.stopWordFilter : lunr.stopWordFilter;
    var kept = ws.filter(function (w) { return stop(new lunr.Token(w)) !== undefined; });
    // first what holds every word, then what holds some of them (the last one may be half typed: also a prefix)
    var all = kept.length ? state.idx.query(function (query) {
      kept.forEach(function (w) { query.term(w, {presence: lunr.Query.presence.REQUIRED}); });
    }) : [];
    var some = state.idx.query(function (query) {
      ws.forEach(function (w, n) {
        query.term(w, {boost: 10});
        var folded = lunr.fr.accentFoldTerm(w);
        if (n === ws.length - 1 && folded.length >= 3) {
          query.term(folded, {usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, boost: 1});
        }
      });
    });
    var seen = {};
    all.forEach(function (hit) { seen[hit.ref] = true; });
    return all.concat(some.filter(function (hit) { return !seen[hit.ref]; }));
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }

  function show(box, status, list, q, hits) {
    list.textContent = "";
    status.textContent = (hits.length ? WORDS.some : WORDS.none).replace("{n}", hits.length).replace("{q}", q);
    hits.slice(0, SHOWN).forEach(function (hit) {
      var d = state.docs[Number(hit.ref)];
      var li = el("li", "hit hit-" + d.k);
      var a = el("a", null, d.t);
      a.href = root + d.u;
      li.appendChild(el("span", "tag", WORDS.kind[d.k] || d.k));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(a);
      if (d.s) { li.appendChild(el("p", "snippet", d.s)); }
      list.appendChild(li);
    });
    if (hits.length > SHOWN) { list.appendChild(el("li", "more", WORDS.more.replace("{n}", hits.length - SHOWN))); }
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
      if (!state.idx) { status.textContent = WORDS.loading; box.hidden = false; }
      ready().then(function () {
        if (input.value.trim() === q) { show(box, status, list, q, search(q)); }
      }, function (err) {
        status.textContent = WORDS.failed.replace("{f}", err.message);
        box.hidden = false;
      });
    };
    input.addEventListener("focus", function () { ready().catch(function () {}); });
    input.addEventListener("input", run);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { input.value = ""; run(); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
