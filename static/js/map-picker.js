// A small map beside a field of places typed as "latitude, longitude" (one per line, or one only): a click on the
// map writes the place into the field, and the places typed show as pins. The field, and the municipality list,
// still work without JavaScript: this only saves looking the numbers up. No geocoder, no request off the site.
(function () {
  "use strict";
  if (!window.L) { return; }
  var CENTRE = [59.2, 17.85];

  function places(text) {
    return text.split("\n").map(function (line) {
      var parts = line.split(/[,;]/).map(function (part) { return parseFloat(part.trim()); });
      return parts.length === 2 && isFinite(parts[0]) && isFinite(parts[1]) ? parts : null;
    }).filter(function (place) { return place && Math.abs(place[0]) <= 90 && Math.abs(place[1]) <= 180; });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-map-picker]"), function (field) {
    var single = field.getAttribute("data-map-picker") === "single";
    var box = document.createElement("div");
    box.className = "map-picker";
    box.setAttribute("role", "group");  // a pointer shortcut: the field itself is the keyboard's way
    box.setAttribute("aria-label", field.getAttribute("data-map-picker-label") || "");
    field.parentNode.appendChild(box);
    var map = L.map(box, { maxZoom: 18, minZoom: 4, keyboard: false }).setView(CENTRE, 9);
    var tiles = field.getAttribute("data-tiles");
    if (tiles) { L.tileLayer(tiles, { attribution: field.getAttribute("data-attribution") || "" }).addTo(map); }
    var pins = L.layerGroup().addTo(map);

    function draw() {
      pins.clearLayers();
      places(field.value).forEach(function (place) {
        L.circleMarker(place, { radius: 7, color: "#1d4f91", fillOpacity: 0.8 }).addTo(pins);
      });
    }

    map.on("click", function (event) {
      var line = event.latlng.lat.toFixed(5) + ", " + event.latlng.lng.toFixed(5);
      field.value = single || !field.value.trim() ? line : field.value.replace(/\s+$/, "") + "\n" + line;
      draw();
    });
    field.addEventListener("input", draw);
    draw();
  });
})();
