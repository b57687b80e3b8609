/* duben: the reader's choices, applied in the page without reloading it.
 *
 * - Interface language (中文 / English): labels marked data-i18n="key" take
 *   their text from i18n.js; dates (<time data-fmt>) and counts (data-count)
 *   are formatted for the language; <html lang> and data-ui follow.
 * - Chinese script (简 / 繁) on Chinese articles: the body, title and
 *   captions are swapped with the converted version shipped in the page
 *   (<template id="alt-script">), made at build time.
 * Both choices persist in localStorage, which works over file:// too, and
 * other open pages of the site follow a change (the storage event; it also
 * covers a choice saved by the previous page that reaches the browser's
 * storage only after the next page has read it).
 * Without JavaScript the site's default language and the article's own
 * script show, and nothing here is needed to read.
 */
(function () {
  "use strict";
  var KEY_UI = "duben-ui";
  var KEY_SCRIPT = "duben-script";
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode: choice lasts this page */ }
  }

  /* "2021-09-29T03:36:01+08:00": the parts as written, in the site's timezone. */
  function parts(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(iso || "");
    return m && { y: +m[1], mo: +m[2], d: +m[3], hm: m[4] ? m[4] + ":" + m[5] : "" };
  }

  function formatDate(iso, fmt, ui) {
    var p = parts(iso);
    if (!p) return null;
    if (ui === "en") {
      if (fmt === "month") return MONTHS[p.mo - 1] + " " + p.y;
      var day = p.d + " " + MONTHS[p.mo - 1] + " " + p.y;
      return fmt === "long" && p.hm ? day + ", " + p.hm : day;
    }
    if (fmt === "month") return p.y + "年" + p.mo + "月";
    var zh = p.y + "年" + p.mo + "月" + p.d + "日";
    return fmt === "long" && p.hm ? zh + " " + p.hm : zh;
  }

  function formatCount(n, ui) {
    return ui === "en" ? Number(n).toLocaleString("en-US") : String(n);
  }

  function applyUi(ui) {
    var table = (window.DUBEN_I18N || {})[ui];
    if (!table) return;
    var root = document.documentElement;
    root.setAttribute("data-ui", ui);
    root.setAttribute("lang", ui === "en" ? "en" : "zh-Hans");
    document.querySelectorAll("[data-i18n]").forEach(function (el) {
      var text = table[el.getAttribute("data-i18n")];
      if (text !== undefined) el.textContent = text;
    });
    ["aria-label", "title", "placeholder"].forEach(function (attr) {
      document.querySelectorAll("[data-i18n-" + attr + "]").forEach(function (el) {
        var text = table[el.getAttribute("data-i18n-" + attr)];
        if (text !== undefined) el.setAttribute(attr, text);
      });
    });
    document.querySelectorAll("time[data-fmt]").forEach(function (el) {
      var text = formatDate(el.getAttribute("datetime"), el.getAttribute("data-fmt"), ui);
      if (text) el.textContent = text;
    });
    document.querySelectorAll("[data-count]").forEach(function (el) {
      el.textContent = formatCount(el.getAttribute("data-count"), ui);
    });
    document.querySelectorAll("[data-ui-set]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-ui-set") === ui));
    });
  }

  /* Swaps every [data-script-swap] element with its twin in the template. */
  function applyScript(script) {
    var tpl = document.getElementById("alt-script");
    if (!tpl) return;
    var current = document.documentElement.getAttribute("data-script") || tpl.getAttribute("data-own");
    if (script !== tpl.getAttribute("data-own") && script !== tpl.getAttribute("data-alt")) return;
    if (script !== current) {
      var alt = tpl.content;
      document.querySelectorAll("[data-script-swap]").forEach(function (el) {
        var name = el.getAttribute("data-script-swap");
        var twin = alt.querySelector('[data-script-swap="' + name + '"]');
        if (!twin) return;
        var mine = el.cloneNode(true);
        el.innerHTML = twin.innerHTML;
        el.setAttribute("lang", twin.getAttribute("lang"));
        twin.innerHTML = mine.innerHTML;
        twin.setAttribute("lang", mine.getAttribute("lang"));
      });
      document.documentElement.setAttribute("data-script", script);
    }
    document.querySelectorAll("[data-script-set]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-script-set") === script));
    });
  }

  function start() {
    var ui = load(KEY_UI) || document.documentElement.getAttribute("data-ui");
    applyUi(ui);
    var tpl = document.getElementById("alt-script");
    if (tpl) {
      applyScript(load(KEY_SCRIPT) || tpl.getAttribute("data-own"));
    }
    document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
    window.addEventListener("storage", function (ev) {
      if (!ev.newValue) return;
      if (ev.key === KEY_UI) applyUi(ev.newValue);
      if (ev.key === KEY_SCRIPT && tpl) applyScript(ev.newValue);
    });
    document.addEventListener("click", function (ev) {
      var b = ev.target.closest ? ev.target.closest("[data-ui-set], [data-script-set]") : null;
      if (!b) return;
      if (b.hasAttribute("data-ui-set")) {
        var chosen = b.getAttribute("data-ui-set");
        save(KEY_UI, chosen);
        applyUi(chosen);
      } else {
        var script = b.getAttribute("data-script-set");
        save(KEY_SCRIPT, script);
        applyScript(script);
      }
    });
    /* "/" focuses the search box, as on most sites with search. */
    document.addEventListener("keydown", function (ev) {
      if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var t = ev.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      var box = document.getElementById("search-q") || document.querySelector(".site-search input");
      if (box) { ev.preventDefault(); box.focus(); }
    });
  }

  window.duben = { formatDate: formatDate, formatCount: formatCount, applyUi: applyUi, applyScript: applyScript };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
