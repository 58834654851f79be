// A territory's area drawn on a map (templates/staff/territory.html). The area's text field
// (`[data-area-text]`: one "latitude, longitude" a line) works on its own without JavaScript
// and is what the form sends; this script adds a Leaflet map that edits the same list of
// points and keeps the two in step:
// - a click on the map adds a point after the last one (the area closes on the first);
// - a point (a round marker) is dragged to move it, or selected by a click (or Enter) and then
//   removed with "Remove the selected point";
// - a small square halfway along each edge adds a point there when clicked or dragged;
// - "Clear the area" removes every point;
// - typing in the text field redraws the area whenever every line reads as a point.
// Written on plain Leaflet (no drawing plugin: see ARCHITECTURE.md), loaded as a file: the
// content security policy allows no inline script.
(function () {
  "use strict";

  // "45.5, -73.6" (comma, semicolon or spaces between the two) → [45.5, -73.6], else null.
  function readLine(line) {
    var parts = line.trim().replace(/\u2212/g, "-").split(/[\s,;]+/).filter(Boolean);
    if (parts.length !== 2) {
      return null;
    }
    var lat = Number(parts[0]);
    var lon = Number(parts[1]);
    if (!isFinite(lat) || !isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      return null;
    }
    return [lat, lon];
  }

  // Every point of the text, or null when a line is not one.
  function readText(text) {
    var points = [];
    var lines = text.split(/\r?\n/);
    for (var i = 0; i < lines.length; i++) {
      if (lines[i].trim() === "") {
        continue;
      }
      var p = readLine(lines[i]);
      if (!p) {
        return null;
      }
      points.push(p);
    }
    return points;
  }

  function writeText(points) {
    return points
      .map(function (p) {
        return p[0].toFixed(6) + ", " + p[1].toFixed(6);
      })
      .join("\n");
  }

  function setup(root) {
    var text = root.querySelector("[data-area-text]");
    var canvas = root.querySelector(".territory-map-canvas");
    if (!window.L || !text || !canvas) {
      return;
    }
    var data = root.dataset;
    Array.prototype.forEach.call(root.querySelectorAll(".territory-map-only"), function (el) {
      el.hidden = false;
    });
    canvas.hidden = false;
    var map = L.map(canvas, { keyboard: false, doubleClickZoom: false });
    if (data.tiles) {
      L.tileLayer(data.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
    }
    var points = readText(text.value) || [];
    var selected = null;
    var layer = L.layerGroup().addTo(map);

    function vertexIcon(isSelected) {
      return L.divIcon({ className: "territory-vertex" + (isSelected ? " selected" : ""), iconSize: [14, 14] });
    }
    var midpointIcon = L.divIcon({ className: "territory-midpoint", iconSize: [10, 10] });

    function changed() {
      text.value = writeText(points);
      text.dispatchEvent(new Event("change", { bubbles: true }));
      draw();
    }

    function insertAfter(index, latlng) {
      points.splice(index + 1, 0, [latlng.lat, latlng.lng]);
      selected = index + 1;
      changed();
    }

    function draw() {
      layer.clearLayers();
      if (points.length >= 2) {
        L.polygon(points, { interactive: false }).addTo(layer);
      }
      points.forEach(function (p, i) {
        var marker = L.marker(p, {
          draggable: true,
          icon: vertexIcon(i === selected),
          title: data.textVertex + " " + (i + 1),
          alt: data.textVertex + " " + (i + 1),
          keyboard: true,
        }).addTo(layer);
        marker.on("dragend", function () {
          var at = marker.getLatLng();
          points[i] = [at.lat, at.lng];
          selected = i;
          changed();
        });
        marker.on("click", function () {
          selected = i;
          draw();
        });
      });
      if (points.length >= 2) {
        points.forEach(function (p, i) {
          var next = points[(i + 1) % points.length];
          if (points.length === 2 && i === 1) {
            return;
          }
          var middle = L.latLng((p[0] + next[0]) / 2, (p[1] + next[1]) / 2);
          var handle = L.marker(middle, {
            draggable: true,
            icon: midpointIcon,
            title: data.textMidpoint,
            alt: data.textMidpoint,
            keyboard: true,
          }).addTo(layer);
          handle.on("click", function () {
            insertAfter(i, middle);
          });
          handle.on("dragend", function () {
            insertAfter(i, handle.getLatLng());
          });
        });
      }
    }

    map.on("click", function (e) {
      points.push([e.latlng.lat, e.latlng.lng]);
      selected = points.length - 1;
      changed();
    });
    var remove = root.querySelector("[data-area-remove]");
    if (remove) {
      remove.addEventListener("click", function () {
        if (points.length === 0) {
          return;
        }
        var index = selected === null || selected >= points.length ? points.length - 1 : selected;
        points.splice(index, 1);
        selected = null;
        changed();
      });
    }
    var clear = root.querySelector("[data-area-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        points = [];
        selected = null;
        changed();
      });
    }
    text.addEventListener("input", function () {
      var typed = readText(text.value);
      if (typed) {
        points = typed;
        selected = null;
        draw();
      }
    });

    draw();
    if (points.length > 0) {
      map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 15 });
    } else {
      map.setView([parseFloat(data.centerLat) || 45.5, parseFloat(data.centerLon) || -73.57], 11);
    }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".territory-area"), setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
