// View Live Map (Track my technician): draws the technician's last position and the service
// address with Leaflet, and follows the server's events (`position`, `state`) on an
// EventSource — pushed by the server, never polled. Without tiles (no tile server, offline)
// the markers, the ETA and the age still show. Loaded as a file: the content security policy
// allows no inline script.
(function () {
  "use strict";

  var root = document.getElementById("live");
  if (!root) {
    return;
  }
  var data = root.dataset;
  var eta = document.getElementById("live-eta");
  var age = document.getElementById("live-age");
  var stateLine = document.getElementById("live-state");
  var canvas = document.getElementById("live-map-canvas");
  var staleAfter = parseInt(data.staleAfter, 10) || 120;

  // Where the technician is, and when the fix was taken (server seconds), with the offset of
  // this browser's clock from the server's so that the age does not depend on it.
  var last = null;
  var clockOffset = 0;
  if (data.lat && data.lon && data.recordedAt) {
    last = { lat: parseFloat(data.lat), lon: parseFloat(data.lon), at: parseInt(data.recordedAt, 10) };
  }

  function fill(template, n) {
    return template.replace("__N__", String(n));
  }

  var map = null;
  var technician = null;
  var destination = [parseFloat(data.destLat), parseFloat(data.destLon)];
  if (window.L && canvas) {
    map = L.map(canvas, { zoomControl: true, attributionControl: true });
    if (data.tiles) {
      L.tileLayer(data.tiles, {
        maxZoom: 19,
        attribution: "&copy; OpenStreetMap contributors"
      }).addTo(map);
    }
    L.marker(destination, { title: data.textDestination, alt: data.textDestination }).addTo(map);
    map.setView(destination, 13);
  }

  function showTechnician() {
    if (!last) {
      return;
    }
    canvas.dataset.technicianLat = String(last.lat);
    canvas.dataset.technicianLon = String(last.lon);
    if (!map) {
      return;
    }
    var here = [last.lat, last.lon];
    if (!technician) {
      technician = L.circleMarker(here, { radius: 9, weight: 3, className: "live-technician" }).addTo(map);
      // The name is set as text, never parsed as HTML (Leaflet inserts a string tooltip as HTML).
      var label = document.createElement("span");
      label.textContent = data.textTechnician;
      technician.bindTooltip(label);
      map.fitBounds(L.latLngBounds([here, destination]).pad(0.3), { maxZoom: 15 });
    } else {
      technician.setLatLng(here);
    }
  }

  function showAge() {
    if (!last || !age) {
      return;
    }
    var seconds = Math.max(0, Math.round(Date.now() / 1000 + clockOffset - last.at));
    var text = seconds < 90 ? fill(data.textSeconds, seconds) : fill(data.textMinutes, Math.floor(seconds / 60));
    var stale = seconds > staleAfter;
    age.textContent = stale ? text + " · " + data.textStale : text;
    age.classList.toggle("stale", stale);
  }

  showTechnician();

  var events = new EventSource(data.events);
  events.addEventListener("position", function (event) {
    var p = JSON.parse(event.data);
    clockOffset = p.server_now - Date.now() / 1000;
    last = { lat: p.latitude, lon: p.longitude, at: p.recorded_at };
    if (eta) {
      eta.textContent = p.eta_text + " (" + fill(data.textEtaMinutes, p.eta_minutes) + ")";
    }
    showTechnician();
    showAge();
    root.dataset.updates = String((parseInt(root.dataset.updates, 10) || 0) + 1);
  });
  events.addEventListener("state", function (event) {
    var s = JSON.parse(event.data);
    events.close();
    last = null;
    delete canvas.dataset.technicianLat;
    delete canvas.dataset.technicianLon;
    if (technician && map) {
      map.removeLayer(technician);
      technician = null;
    }
    if (eta) {
      eta.textContent = s.label;
    }
    if (age) {
      age.textContent = "";
      age.classList.remove("stale");
    }
    stateLine.textContent = data.textEnded + " " + s.label + ". ";
    var link = document.createElement("a");
    link.href = s.link;
    link.textContent = data.textBack;
    stateLine.appendChild(link);
    stateLine.hidden = false;
    root.dataset.state = s.state;
  });

  window.setInterval(showAge, 1000);
})();
