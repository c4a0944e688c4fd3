/* What a word is for the site's search, in one place for both sides of it:
 * - publish runs this very file in V8 (pipeline/publish/js_terms.py, through mini-racer) to read the site's texts into
 *   the index's terms and to name the part of the index each term is written in;
 * - the browser loads it (assets/search-terms.js) to read a query the same way and to know which parts to load.
 * lunr 2.3.9 and lunr-languages 1.22.0 (assets/vendor/) must be loaded first: their trimmer, French stop words and
 * stemmers (Snowball for French, Porter for English) are used as they are.
 * A term: the word lower-cased, a fact's id joined into one word (MAR-001 → mar001), trimmed of what is not a letter or
 * a digit ("2024." → "2024"; "70,5" stays one word), accents folded ("périphérique" → "peripherique"), then stemmed in
 * the page's language. The index leaves out stop words ("de", "the"); a query keeps them, marked. */
(function (root) {
  "use strict";
  var lunr = root.lunr;
  var SEPARATOR = /[\s\-'’()«»"“”;:!?/[\]]+/;
  var ID = /\b([a-z]{2,5})-(\d{2,4})\b/g;
  var trim = lunr.trimmerSupport.generateTrimmer(lunr.fr.wordCharacters);
  var STOP = {fr: lunr.fr.stopWordFilter, en: lunr.stopWordFilter};
  var cache = {fr: Object.create(null), en: Object.create(null)};

  function words(text) {
    // the words of a text, lower-cased and trimmed, in order (a fact's id as one word)
    var out = [];
    String(text || "").toLowerCase().replace(ID, "$1$2").split(SEPARATOR).forEach(function (w) {
      w = trim(w);
      if (w) { out.push(w); }
    });
    return out;
  }

  function stem(word, lang) {
    var seen = cache[lang], s = seen[word];
    if (s === undefined) {
      var folded = lunr.fr.accentFoldTerm(word);
      s = seen[word] = lang === "fr" ? lunr.fr.stemmer(folded) : lunr.stemmer(new lunr.Token(folded)).toString();
    }
    return s;
  }

  function isStop(word, lang) { return STOP[lang](word) === undefined; }

  var terms = {
    /* the index's terms of a text, in order, repeated as often as they occur; stop words left out */
    ofText: function (text, lang) {
      lang = lang === "en" ? "en" : "fr";
      return words(text).filter(function (w) { return !isStop(w, lang); }).map(function (w) { return stem(w, lang); });
    },
    /* many texts at once (what publish calls): one list of terms per text */
    ofTexts: function (texts, lang) {
      return texts.map(function (t) { return terms.ofText(t, lang); });
    },
    /* a query's words: each one's term, its folded form (the last word is also matched as a prefix while it is
     * being typed) and whether it is a stop word (not required of a result) */
    ofQuery: function (query, lang) {
      lang = lang === "en" ? "en" : "fr";
      return words(query).map(function (w) {
        return {term: stem(w, lang), folded: lunr.fr.accentFoldTerm(w), stop: isStop(w, lang)};
      });
    },
    /* the part of the index that holds a term (or every term starting with a prefix of 2 characters or more): its
     * first two characters, anything but a-z and 0-9 written "_" (a file name on any disk) */
    part: function (term) {
      var key = "";
      for (var i = 0; i < 2; i++) {
        var c = term.charAt(i);
        key += /[a-z0-9]/.test(c) ? c : "_";
      }
      return key;
    },
    parts: function (list) { return list.map(terms.part); }
  };
  root.STUDIO_TERMS = terms;
}(typeof window !== "undefined" ? window : this));
