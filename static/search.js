/* duben search: offline full-text search over index files loaded with
 * <script> tags (no fetch, no server), so it works from file://, under a
 * GitHub Pages sub-path and on any server.
 *
 * normalize() and tokens() are the JavaScript twins of
 * src/search/normalize.rs; both are checked against
 * tests/fixtures/search_vectors.json. Result text is inserted as text nodes
 * only, never as HTML.
 */
(function () {
  "use strict";
  var S = (window.dubenSearch = window.dubenSearch || {});
  var CONFIG = window.DUBEN_SEARCH || { shards: 1, docs: 0, root: "" };
  var ROOT = CONFIG.root || "";
  var PAGE = 10;
  /* A query's first tokens only: a pasted paragraph must not load every
     shard. Sixteen bigrams are a 17-character Chinese phrase. */
  var MAX_TOKENS = 16;
  var waiting = {};
  var loaded = {};
  S.shards = {};
  S.docs = {};
  S.facets = {};
  S.t2sMap = null;

  function done(key) {
    loaded[key] = true;
    (waiting[key] || []).forEach(function (f) { f[0](); });
    delete waiting[key];
  }
  S.shard = function (n, data) { S.shards[n] = data; done("s" + n); };
  S.doc = function (i, d) { S.docs[i] = d; done("d" + i); };
  S.facet = function (name, values, packed) {
    S.facets[name] = { values: values, packed: packed };
    done(name);
  };
  S.t2s = function (from, to) {
    var map = {};
    var a = Array.from(from), b = Array.from(to);
    for (var i = 0; i < a.length; i++) map[a[i]] = b[i];
    S.t2sMap = map;
    done("t2s");
  };

  /* Loads search/<path> once; resolves when its callback has run. */
  function load(key, path) {
    if (loaded[key]) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var first = !waiting[key];
      (waiting[key] = waiting[key] || []).push([resolve, reject]);
      if (!first) return;
      var s = document.createElement("script");
      s.src = ROOT + "search/" + path;
      s.async = true;
      s.onerror = function () {
        (waiting[key] || []).forEach(function (f) { f[1](new Error(path)); });
        delete waiting[key];
      };
      document.head.appendChild(s);
    });
  }

  /* ---- normalization: keep in step with src/search/normalize.rs ---- */
  function isHan(cp) {
    return (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3ffff);
  }
  var WORD = /[\p{Alphabetic}\p{N}]/u;
  function isWord(ch) { return WORD.test(ch) && !isHan(ch.codePointAt(0)); }

  /* Each character on its own, exactly as normalize_char in Rust. */
  function normalizeChar(c) {
    var cp = c.codePointAt(0), map = S.t2sMap || {};
    if (cp < 128) return c.toLowerCase();
    if ((cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff)) return map[c] || c;
    var s = c.normalize("NFKC").toLowerCase().normalize("NFD").replace(/\p{M}/gu, "");
    var out = "";
    for (var ch of s) out += map[ch] || ch;
    return out.normalize("NFC");
  }

  function normalize(text) {
    var out = "";
    for (var ch of text) out += normalizeChar(ch);
    return out;
  }

  function stem(w) {
    var n = Array.from(w).length;
    if (!/^[\x00-\x7f]*$/.test(w) || n <= 3) return w;
    var ends = function (x) { return w.slice(-x.length) === x; };
    if (ends("ies") && n > 4) return w.slice(0, -3) + "y";
    if (ends("sses")) return w.slice(0, -4) + "ss";
    if (ends("ches") || ends("shes") || ends("xes") || ends("zes")) return w.slice(0, -2);
    if (ends("s") && !ends("ss") && !ends("us") && !ends("is")) return w.slice(0, -1);
    if (ends("ing") && n > 5) return w.slice(0, -3);
    if (ends("ed") && n > 4) return w.slice(0, -2);
    return w;
  }

  function tokens(norm) {
    var chars = Array.from(norm), out = [], i = 0;
    while (i < chars.length) {
      var c = chars[i];
      if (isHan(c.codePointAt(0))) {
        var start = i;
        while (i < chars.length && isHan(chars[i].codePointAt(0))) i++;
        if (i - start === 1) out.push(chars[start]);
        else for (var k = start; k + 1 < i; k++) out.push(chars[k] + chars[k + 1]);
      } else if (isWord(c)) {
        var st = i;
        while (i < chars.length && isWord(chars[i])) i++;
        out.push(stem(chars.slice(st, i).join("")));
      } else {
        i++;
      }
    }
    return out;
  }

  function hash(token) {
    var bytes = new TextEncoder().encode(token), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  /* Resolves once the conversion table normalize() needs has loaded. */
  S.ready = function () { return load("t2s", "t2s.js"); };
  S.normalize = normalize;
  S.tokens = function (text) { return tokens(normalize(text)); };
  S.hash = hash;

  /* ---- postings ---- */
  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  function decode(str) {
    var nums = [], v = 0, shift = 0;
    for (var i = 0; i < str.length; i++) {
      var d = DIGITS.indexOf(str[i]);
      v += (d & 31) * Math.pow(2, shift);
      if (d & 32) { shift += 5; } else { nums.push(v); v = 0; shift = 0; }
    }
    var postings = [], doc = 0;
    for (var k = 0; k + 1 < nums.length; k += 2) {
      doc += nums[k];
      postings.push({ doc: doc, score: nums[k + 1] >> 1, glossary: (nums[k + 1] & 1) === 1 });
    }
    return postings;
  }

  /* Each posting's score is BM25's term score, document length applied,
     quantized at build time (src/search/index.rs); ranking multiplies by
     the idf and adds up. Every token must match (AND). Ties go to the
     newer article: the lower id. */
  function rank(toks, filters) {
    var n = CONFIG.docs || 1, unit = CONFIG.unit || 1;
    var scores = null, viaGlossary = {};
    var lists = toks.map(function (t) {
      var raw = (S.shards[hash(t) % CONFIG.shards] || {})[t];
      return raw ? decode(raw) : [];
    });
    /* Rarest first: later tokens only look up documents still in. */
    lists.sort(function (a, b) { return a.length - b.length; });
    for (var t = 0; t < lists.length; t++) {
      var postings = lists[t];
      var idf = Math.log(1 + (n - postings.length + 0.5) / (postings.length + 0.5));
      var next = new Map();
      for (var p = 0; p < postings.length; p++) {
        var post = postings[p], d = post.doc;
        if (scores && !scores.has(d)) continue;
        next.set(d, (scores ? scores.get(d) : 0) + idf * post.score * unit);
        if (post.glossary) viaGlossary[d] = true;
      }
      scores = next;
    }
    var year = null;
    if (filters.year) {
      (CONFIG.years || []).forEach(function (y) { if (String(y[0]) === String(filters.year)) year = y; });
      if (!year) return [];
    }
    var lang = filters.lang && S.facets.lang, langIndex = lang ? lang.values.indexOf(filters.lang) : -1;
    var topic = filters.topic !== undefined && filters.topic !== "" && S.facets.topic;
    var list = [];
    (scores || new Map()).forEach(function (score, doc) {
      if (year && (doc < year[1] || doc >= year[2])) return;
      if (filters.lang && parseInt(lang.packed[doc], 36) !== langIndex) return;
      if (topic && parseInt(topic.packed.substr(doc * 2, 2), 36) - 1 !== +filters.topic) return;
      list.push({ doc: doc, score: score, glossary: !!viaGlossary[doc] });
    });
    list.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return list;
  }

  /* ---- results ---- */
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* Text with every needle marked, as DOM nodes (never HTML). */
  function marked(text, needles) {
    var frag = document.createDocumentFragment();
    var chars = Array.from(text), norm = chars.map(normalizeChar);
    var hits = [];
    needles.forEach(function (needle) {
      var n = Array.from(needle);
      if (!n.length) return;
      for (var i = 0; i + n.length <= norm.length; i++) {
        var ok = true;
        for (var k = 0; k < n.length && ok; k++) ok = norm[i + k] === n[k];
        if (ok) hits.push([i, i + n.length]);
      }
    });
    hits.sort(function (a, b) { return a[0] - b[0]; });
    var at = 0;
    hits.forEach(function (h) {
      if (h[0] < at) return;
      if (h[0] > at) frag.appendChild(document.createTextNode(chars.slice(at, h[0]).join("")));
      frag.appendChild(el("mark", "", chars.slice(h[0], h[1]).join("")));
      at = h[1];
    });
    if (at < chars.length) frag.appendChild(document.createTextNode(chars.slice(at).join("")));
    return frag;
  }

  /* The stretch of text around the first needle found. */
  function snippet(text, needles) {
    var chars = Array.from(text), norm = chars.map(normalizeChar).join("");
    var first = -1;
    needles.forEach(function (n) {
      var i = norm.indexOf(n);
      if (i >= 0 && (first < 0 || i < first)) first = i;
    });
    var start = Math.max(0, first - 40), end = Math.min(chars.length, start + 160);
    return (start > 0 ? "…" : "") + chars.slice(start, end).join("").replace(/\s+/g, " ") + (end < chars.length ? "…" : "");
  }

  function label(key) {
    var ui = document.documentElement.getAttribute("data-ui") || "zh";
    var t = (window.DUBEN_I18N || {})[ui] || {};
    return t[key] || key;
  }

  function needlesOf(query) {
    var norm = normalize(query), out = [];
    norm.split(/[^\p{Alphabetic}\p{N}]+/u).forEach(function (w) { if (w) out.push(w); });
    return out;
  }

  function render(list, from, query, state) {
    var ol = document.getElementById("results");
    if (from === 0) ol.textContent = "";
    var page = list.slice(from, from + PAGE);
    return Promise.all(page.map(function (r) { return load("d" + r.doc, "d/" + r.doc + ".js"); })).then(function () {
      if (state.token !== S.current) return;
      var needles = needlesOf(query);
      page.forEach(function (r) {
        var d = S.docs[r.doc];
        var li = el("li", "result");
        var h = el("h2", "result-title");
        var a = el("a");
        a.href = ROOT + d.p;
        a.lang = d.l;
        a.appendChild(marked(d.t, needles));
        h.appendChild(a);
        li.appendChild(h);
        var meta = el("p", "meta");
        var bits = [];
        if (d.d) bits.push(window.duben ? window.duben.formatDate(d.d, "short", document.documentElement.getAttribute("data-ui")) : d.d);
        if (d.tp) bits.push(document.documentElement.getAttribute("data-ui") === "en" ? d.tp[1] : d.tp[0]);
        bits.push(label("lang_" + d.l.toLowerCase().replace(/-/g, "_")));
        meta.textContent = bits.join(" · ");
        li.appendChild(meta);
        var via = [];
        if (r.glossary) {
          (d.g || []).forEach(function (pair) {
            var zh = normalize(pair[0]), en = normalize(pair[1]);
            needles.forEach(function (n) {
              if ((zh.indexOf(n) >= 0 || en.indexOf(n) >= 0) && via.indexOf(pair) < 0) via.push(pair);
            });
          });
        }
        var extra = [];
        via.forEach(function (pair) { extra.push(normalize(pair[0]), normalize(pair[1])); });
        var p = el("p", "snippet");
        p.lang = d.l;
        p.appendChild(marked(snippet(d.x, needles.concat(extra)), needles.concat(extra)));
        li.appendChild(p);
        if (via.length) {
          li.appendChild(el("p", "via-glossary", label("via_glossary") + " " + via.map(function (pr) { return pr[1] + " ↔ " + pr[0]; }).join(" · ")));
        }
        ol.appendChild(li);
      });
      var more = document.getElementById("more");
      more.hidden = from + PAGE >= list.length;
      more.onclick = function () { render(list, from + PAGE, query, state); };
    });
  }

  function filtersFromForm(form) {
    return {
      lang: form.elements.lang ? form.elements.lang.value : "",
      topic: form.elements.topic ? form.elements.topic.value : "",
      year: form.elements.year ? form.elements.year.value : ""
    };
  }

  /* Runs a search; resolves with the ranked list (for tests). */
  S.run = function (query, filters) {
    var state = { token: {} };
    S.current = state.token;
    var status = document.getElementById("search-status");
    var toks = [];
    return load("t2s", "t2s.js").then(function () {
      toks = tokens(normalize(query)).filter(function (t, i, all) { return all.indexOf(t) === i; });
      /* A lone Han character is indexed only where it stands alone, so it
         cannot be required: it is dropped, and a query of nothing else is
         refused with a message. It is still highlighted. */
      var lone = toks.filter(function (t) { return Array.from(t).length === 1 && isHan(t.codePointAt(0)); });
      toks = toks.filter(function (t) { return lone.indexOf(t) < 0; }).slice(0, MAX_TOKENS);
      if (!toks.length) {
        status.textContent = lone.length ? label("query_too_short") : query.trim() ? label("no_results") : "";
        document.getElementById("results").textContent = "";
        document.getElementById("more").hidden = true;
        return [];
      }
      var shards = [];
      toks.forEach(function (t) {
        var n = hash(t) % CONFIG.shards;
        if (shards.indexOf(n) < 0) shards.push(n);
      });
      status.textContent = label("searching");
      var needed = shards.map(function (n) { return load("s" + n, "s/" + n + ".js"); });
      if (filters && filters.lang) needed.push(load("lang", "lang.js"));
      if (filters && filters.topic) needed.push(load("topic", "topic.js"));
      return Promise.all(needed)
        .then(function () {
          var started = performance.now();
          var list = rank(toks, filters || {});
          S.lastRankMs = performance.now() - started;
          if (state.token !== S.current) return list;
          status.textContent = list.length ? list.length + " " + label("results_count") : label("no_results");
          return render(list, 0, query, state).then(function () {
            S.lastRenderMs = performance.now() - started;
            return list;
          });
        });
    }).catch(function (e) {
      status.textContent = label("search_failed") + " (" + e.message + ")";
      return [];
    });
  };

  function fromUrl(form) {
    var params = new URLSearchParams(window.location.search);
    form.elements.q.value = params.get("q") || "";
    ["lang", "topic", "year"].forEach(function (k) {
      if (form.elements[k]) form.elements[k].value = params.get(k) || "";
    });
    if (form.elements.q.value) S.run(form.elements.q.value, filtersFromForm(form));
  }

  function start() {
    var form = document.getElementById("search-form");
    if (!form) return;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var params = new URLSearchParams();
      params.set("q", form.elements.q.value);
      ["lang", "topic", "year"].forEach(function (k) {
        if (form.elements[k] && form.elements[k].value) params.set(k, form.elements[k].value);
      });
      try { history.pushState(null, "", "?" + params.toString()); } catch (e) { /* some file:// setups */ }
      S.run(form.elements.q.value, filtersFromForm(form));
    });
    ["lang", "topic", "year"].forEach(function (k) {
      if (form.elements[k]) form.elements[k].addEventListener("change", function () { form.requestSubmit(); });
    });
    window.addEventListener("popstate", function () { fromUrl(form); });
    fromUrl(form);
    if (!form.elements.q.value) form.elements.q.focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
