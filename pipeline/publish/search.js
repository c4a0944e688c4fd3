/* The site's search box (pipeline/publish/search.py writes what it reads).
 * lunr 2.3.9 and lunr-languages 1.22.0 (assets/vendor/, shipped with the site) index search/<lang>.js, the page's
 * language's facts, pages and documents. Everything is loaded by <script> tags once the page is idle (or on the
 * box's first use), never fetched (browsers refuse fetch on file://): the search works from a web server and from a
 * folder opened from disk (file://), with no network.
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
  var CHUNK = 1500;  // records per index, each built in its own task (search/<lang>.js may hold 10,000 facts)
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
        .then(function () { return inflate((window.STUDIO_SEARCH || {})[lang] || ""); })
        .then(build);
    }
    return state.loading;
  }

  function inflate(packed) {
    // search/<lang>.js holds its records gzip'd and base64'd (a third of the bytes); the browser inflates them
    if (!packed) { return Promise.resolve({}).then(expand); }
    var bin = atob(packed), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse).then(expand);
  }

  function expand(payload) {
    // the facts come in columns (search.py's pack): id, text, figure, year, source, filière
    var docs = (payload.facts || []).map(function (r) {
      var fil = payload.fil[r[5]];
      return {k: "fact", t: r[1], n: r[0].replace("-", ""), u: lang + "/faits/" + fil[0] + ".html#" + r[0],
              b: [r[0], r[2], r[3], payload.src[r[4]], fil[1]].filter(function (x) { return x; }).join(" · ")};
    });
    return docs.concat(payload.rows || []);
  }

  function build(docs) {
    var lunr = window.lunr;
    // words are letters and digits ("2024", "2,9"): lunr-languages' French trimmer would drop the digits
    var trim = lunr.trimmerSupport.generateTrimmer(lunr.fr.wordCharacters + "0-9");
    lunr.Pipeline.registerFunction(trim, "trimmer-studio");
    lunr.tokenizer.separator = /[\s\-'’()«»"“”;:!?/[\]]+/;
    // accents folded, then the language's stemmer, each word once (a site repeats its words: this halves the build)
    var cache = Object.create(null);
    var stemOne = lang === "fr" ? function (w) { return lunr.fr.stemmer(lunr.fr.accentFoldTerm(w)); }
      : function (w) { return lunr.stemmer(new lunr.Token(lunr.fr.accentFoldTerm(w))).toString(); };
    var foldStem = function (token) {
      return token.update(function (w) {
        var s = cache[w];
        if (s === undefined) { s = cache[w] = stemOne(w); }
        return s;
      });
    };
    lunr.Pipeline.registerFunction(foldStem, "foldStem-studio");
    var stops = lang === "fr" ? lunr.fr.stopWordFilter : lunr.stopWordFilter;
    var part = function (from) {  // one index over docs[from .. from + CHUNK)
      return lunr(function () {
        this.pipeline.reset();
        this.searchPipeline.reset();
        this.pipeline.add(trim, stops, foldStem);
        this.searchPipeline.add(trim, foldStem);
        this.ref("i");
        this.field("n", {boost: 6});   // a fact's id (MAR-001)
        this.field("t", {boost: 3});   // title, or a fact's wording
        this.field("b");               // the text
        this.metadataWhitelist = [];
        for (var i = from; i < Math.min(from + CHUNK, docs.length); i++) {
          this.add({i: String(i), n: docs[i].n || "", t: docs[i].t, b: docs[i].b || ""});
        }
      });
    };
    // several indexes of CHUNK records, built one after the other between the page's own tasks: the page stays
    // responsive while a large site's index is built
    var t0 = performance.now();
    state.docs = docs;
    var built = [];
    return new Promise(function (resolve) {
      (function next(from) {
        built.push(part(from));
        if (from + CHUNK < docs.length) { setTimeout(function () { next(from + CHUNK); }, 0); return; }
        state.idx = built;
        window.STUDIO_SEARCH_BUILD_MS = performance.now() - t0;  // read by the bench
        resolve();
      })(0);
    });
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
    // first what holds every word, then what holds some of them (the last one may be half typed: also a prefix);
    // each kind merged over the indexes by score
    var all = [], some = [];
    state.idx.forEach(function (idx) {
      if (kept.length) {
        all = all.concat(idx.query(function (query) {
          kept.forEach(function (w) { query.term(w, {presence: lunr.Query.presence.REQUIRED}); });
        }));
      }
      some = some.concat(idx.query(function (query) {
        ws.forEach(function (w, n) {
          query.term(w, {boost: 10});
          var folded = lunr.fr.accentFoldTerm(w);
          if (n === ws.length - 1 && folded.length >= 3) {
            query.term(folded, {usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, boost: 1});
          }
        });
      }));
    });
    var byScore = function (x, y) { return y.score - x.score; };
    all.sort(byScore);
    some.sort(byScore);
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
      var text = d.s || d.b || "";
      if (text) { li.appendChild(el("p", "snippet", text.length > 160 ? text.slice(0, 159).replace(/\s+\S*$/, "") + "…" : text)); }
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
    // the index is loaded and built once the page is idle, so that it is ready when someone types
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
