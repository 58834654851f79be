// Onsite's own behaviour on top of htmx. Loaded as a file (the content security policy allows
// no inline script). Pages work without it; it only improves what htmx requests do on failure.
(function () {
  "use strict";

  // Shows a message in the page's live region, so screen readers announce it too.
  function flash(message) {
    var region = document.getElementById("flash");
    if (region && message) {
      region.textContent = message;
      region.scrollIntoView({ block: "nearest" });
    }
  }

  // Every write carries the page's CSRF token (see csrf.rs on the server): htmx requests get
  // it as a header here, and our own scripts use onsite.fetch, which does the same.
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") {
      event.detail.headers["X-CSRF-Token"] = csrfToken();
    }
  });

  window.onsite = window.onsite || {};
  window.onsite.fetch = function (url, options) {
    var init = Object.assign({ credentials: "same-origin" }, options || {});
    var method = (init.method || "GET").toUpperCase();
    if (method !== "GET" && method !== "HEAD") {
      var headers = new Headers(init.headers || {});
      headers.set("X-CSRF-Token", csrfToken());
      init.headers = headers;
    }
    return window.fetch(url, init);
  };

  // htmx does not swap error responses: show the localized message of the server's error page
  // (and its request id) instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var text = "";
    try {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var message = doc.querySelector(".error-message");
      var id = doc.querySelector(".request-id");
      text = message ? message.textContent.trim() : "";
      if (id) {
        text += " (" + id.textContent.trim() + ")";
      }
    } catch (e) {
      text = "";
    }
    flash(text || document.body.dataset.networkError);
  });

  document.addEventListener("htmx:sendError", function () {
    flash(document.body.dataset.networkError);
  });
})();
