// duben serve: live reload. Added to pages by the server only, never to the
// built files. Listens to /__duben/events: `reload` reloads the page,
// `error` shows the failed build's message over the last good build,
// `hello` carries the build id, so a page that reconnects after a rebuild or
// a server restart reloads.
(function () {
  "use strict";
  var seen = null;
  var box = null;

  function overlay(message) {
    if (!box) {
      var style = document.createElement("style");
      style.textContent =
        "#duben-error-overlay{position:fixed;left:1rem;right:1rem;bottom:1rem;z-index:2147483647;" +
        "max-height:60vh;overflow:auto;padding:1rem 1.25rem;border:2px solid #b91c1c;border-radius:6px;" +
        "background:#fff5f5;color:#1f1f1f;font:14px/1.5 system-ui,sans-serif;box-shadow:0 4px 24px rgba(0,0,0,.3)}" +
        "#duben-error-overlay pre{margin:.5rem 0 0;white-space:pre-wrap;word-break:break-word;" +
        "font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;color:inherit;background:none}" +
        "#duben-error-overlay button{float:right;font:inherit;cursor:pointer;color:inherit;" +
        "background:none;border:1px solid currentColor;border-radius:4px;padding:0 .5rem}" +
        "@media (prefers-color-scheme:dark){#duben-error-overlay{background:#2a1215;color:#f5e6e6;border-color:#f87171}}";
      document.head.appendChild(style);
      box = document.createElement("div");
      box.id = "duben-error-overlay";
      box.setAttribute("role", "alert");
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "×";
      close.setAttribute("aria-label", "Close");
      close.addEventListener("click", function () { box.hidden = true; });
      var title = document.createElement("strong");
      title.textContent = "duben: the build failed; this page is the last good build.";
      box.appendChild(close);
      box.appendChild(title);
      box.appendChild(document.createElement("pre"));
      document.body.appendChild(box);
    }
    box.querySelector("pre").textContent = message;
    box.hidden = false;
  }

  function connect() {
    var source = new EventSource("/__duben/events");
    source.addEventListener("hello", function (e) {
      if (seen !== null && seen !== e.data) location.reload();
      seen = e.data;
    });
    source.addEventListener("reload", function () { location.reload(); });
    source.addEventListener("error", function (e) {
      // The server's `error` events carry data; the browser's own
      // connection errors, under the same name, do not.
      if (typeof e.data === "string") {
        overlay(e.data);
      } else if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (server gone, then refusing): retry ourselves.
        source.close();
        setTimeout(connect, 1000);
      }
    });
  }

  // After the load event, so that the stream never holds up the page's load.
  if (document.readyState === "complete") connect();
  else window.addEventListener("load", connect);
})();
