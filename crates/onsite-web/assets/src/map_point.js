// A place picked on a map (an account's service address, a technician's home base): each
// `.map-point` fieldset holds two number inputs (`[data-map-lat]`, `[data-map-lon]`) that work
// on their own without JavaScript; this script adds a Leaflet map beside them where a click or
// a dragged marker fills the inputs, and typing in the inputs moves the marker. Without tiles
// (none configured, offline) the marker still shows and still moves. Loaded as a file: the
// content security policy allows no inline script.
(function () {
  "use strict";

  function number(input) {
    var v = parseFloat(input.value);
    return isFinite(v) ? v : null;
  }

  function setup(root) {
    var lat = root.querySelector("[data-map-lat]");
    var lon = root.querySelector("[data-map-lon]");
    var canvas = root.querySelector(".map-point-canvas");
    if (!window.L || !lat || !lon || !canvas) {
      return;
    }
    canvas.hidden = false;
    var data = root.dataset;
    var map = L.map(canvas, { keyboard: false });
    if (data.tiles) {
      L.tileLayer(data.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
    }
    var start = [number(lat), number(lon)];
    var fallback = [parseFloat(data.centerLat) || 45.5, parseFloat(data.centerLon) || -73.57];
    var marker = null;

    function place(point) {
      if (marker) {
        marker.setLatLng(point);
      } else {
        marker = L.marker(point, { draggable: true, title: data.textMarker, alt: data.textMarker }).addTo(map);
        marker.on("dragend", function () {
          fill(marker.getLatLng());
        });
      }
    }

    function fill(point) {
      lat.value = point.lat.toFixed(6);
      lon.value = point.lng.toFixed(6);
      lat.dispatchEvent(new Event("change", { bubbles: true }));
    }

    if (start[0] !== null && start[1] !== null) {
      place(start);
      map.setView(start, 13);
    } else {
      map.setView(fallback, 11);
    }
    map.on("click", function (e) {
      place(e.latlng);
      fill(e.latlng);
    });
    function typed() {
      var p = [number(lat), number(lon)];
      if (p[0] !== null && p[1] !== null && Math.abs(p[0]) <= 90 && Math.abs(p[1]) <= 180) {
        place(p);
        map.panTo(p);
      }
    }
    lat.addEventListener("input", typed);
    lon.addEventListener("input", typed);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".map-point"), setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
