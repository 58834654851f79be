// A technician's day on a map: `.route-map[data-points]` holds the route as JSON (home, the
// visits in order, home) — the same stops as the list beside it, which holds every number on
// its own. This draws a numbered marker per stop and the line between them with Leaflet; tiles
// come from `data-tiles` (none configured, or offline: markers and line still show). Loaded as
// a file: the content security policy allows no inline script.
(function () {
  "use strict";

  function setup(root) {
    var points;
    try {
      points = JSON.parse(root.dataset.points || "[]");
    } catch (e) {
      return;
    }
    if (!window.L || !points.length) {
      return;
    }
    root.hidden = false;
    var map = L.map(root, { keyboard: false });
    if (root.dataset.tiles) {
      L.tileLayer(root.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
    }
    var line = [];
    points.forEach(function (p, i) {
      var at = [p.lat, p.lon];
      line.push(at);
      // The last point is home again: one marker for home.
      if (i === points.length - 1 && i > 0) {
        return;
      }
      var title = (i === 0 ? "" : i + ". ") + p.label + (p.drive ? " (" + p.drive + ")" : "");
      L.marker(at, { title: title, alt: title }).addTo(map).bindTooltip(String(i === 0 ? "⌂" : i), { permanent: true, direction: "top" });
    });
    var path = L.polyline(line, { weight: 4 }).addTo(map);
    map.fitBounds(path.getBounds(), { padding: [24, 24], maxZoom: 15 });
  }

  function init() {
    document.querySelectorAll(".route-map[data-points]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
