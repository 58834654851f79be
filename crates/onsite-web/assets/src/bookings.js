// The day pickers of the booking pages, on top of htmx (the pages work without it: a day is a
// submit button of a GET form). When a day's slots are loaded in place, mark that day as the
// chosen one and move the keyboard focus to the slots' heading, so a screen reader announces
// them and the next Tab reaches the first time. Loaded as a file: the content security policy
// allows no inline script.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var day = event.target.closest && event.target.closest(".day-picker button[name=date]");
    if (!day || day.disabled) {
      return;
    }
    var picker = day.closest(".day-picker");
    picker.querySelectorAll("button[name=date][aria-pressed]").forEach(function (b) {
      b.setAttribute("aria-pressed", b === day ? "true" : "false");
    });
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "slots") {
      var heading = document.getElementById("slots-heading");
      if (heading) {
        heading.focus({ preventScroll: false });
      }
    }
  });
})();
