// The technician's day (templates/technician/day.html): while one of the visits is Traveling,
// shares the phone's position with the portal (POST /technician/position, JSON, with the CSRF
// token through onsite.fetch) so the customer's live map follows; stops when none is. Cards
// that htmx swaps after a move are looked at again. Nothing is shared when tracking is off (the
// page then has no #location-sharing). Without JavaScript the page still works;
// a tracking app can share the position instead (the page links its setup).
(function () {
  "use strict";

  // At most one position every few seconds: enough for a map, kind to the battery.
  var MIN_INTERVAL_MS = 5000;
  var watch = null;
  var lastSent = 0;

  function box() {
    return document.getElementById("location-sharing");
  }

  function say(key, extra) {
    var el = box();
    if (!el) {
      return;
    }
    var text = el.dataset[key] || "";
    var p = el.querySelector("p") || el.appendChild(document.createElement("p"));
    p.textContent = extra ? text + " " + extra : text;
  }

  function traveling() {
    return document.querySelector('.technician-visit[data-state="traveling"]') !== null;
  }

  function send(position) {
    var now = Date.now();
    if (now - lastSent < MIN_INTERVAL_MS) {
      return;
    }
    lastSent = now;
    var c = position.coords;
    var body = {
      latitude: c.latitude,
      longitude: c.longitude,
      accuracy_m: c.accuracy,
      recorded_at: Math.floor((position.timestamp || now) / 1000),
    };
    var el = box();
    var url = (el && el.dataset.endpoint) || "/technician/position";
    window.onsite
      .fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      })
      .then(function (response) {
        if (response.ok) {
          say("sent", new Date().toLocaleTimeString());
        } else {
          say("refused", "(" + response.status + ")");
        }
      })
      .catch(function () {
        say("refused");
      });
  }

  function failed(error) {
    say(error && error.code === 1 ? "denied" : "refused");
  }

  function update() {
    var el = box();
    if (!el) {
      return; // tracking is off: nothing is shared
    }
    var on = traveling();
    el.hidden = !on;
    if (on && watch === null) {
      if (!("geolocation" in navigator)) {
        say("unsupported");
        return;
      }
      say("sharing");
      watch = navigator.geolocation.watchPosition(send, failed, {
        enableHighAccuracy: true,
        maximumAge: 10000,
        timeout: 30000,
      });
    } else if (!on && watch !== null) {
      navigator.geolocation.clearWatch(watch);
      watch = null;
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  document.addEventListener("htmx:afterSwap", update);
})();
