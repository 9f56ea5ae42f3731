// Puts the data on the map folium drew (/map, /map/embed, /priorities): markers from the API's GeoJSON, loaded by the
// browser, and the words of every shape. Every word is set with textContent or as a text node, never as markup: a
// title such as <img onerror=...> or ${alert(1)} shows as the characters it is. The table below the map stays the
// accessible and no-JavaScript way to read the same data.
(function () {
  "use strict";
  var holder = document.getElementById("map-config");
  if (!holder || !window.L) { return; }
  var config = JSON.parse(holder.textContent);
  var map = window[config.map];
  if (!map) { return; }
  var words = config.words || {};
  var status = document.getElementById("map-status");
  var overlays = {};
  var bounds = L.latLngBounds([]);
  // Bottom right: popups open upwards, so the always-open list does not cover their close button.
  var LAYER_LIST = { collapsed: false, position: "bottomright" };

  function say(text) {
    if (status) { status.textContent = text; }
  }

  function node(tag, text, className) {
    var element = document.createElement(tag);
    if (text !== undefined && text !== null) { element.textContent = String(text); }
    if (className) { element.className = className; }
    return element;
  }

  // Leaflet's layer list writes a layer's name as HTML: give it the escaped text.
  function asHtml(text) {
    return node("span", text).innerHTML;
  }

  function safeLink(url) {
    return typeof url === "string" && (/^https?:\/\//.test(url) || url.charAt(0) === "/") ? url : null;
  }

  // A popup: a heading, facts as a description list, a link to the page.
  function card(title, facts, url) {
    var box = node("div", null, "map-popup");
    box.appendChild(node("p", title, "map-popup-title"));
    var list = node("dl");
    facts.forEach(function (fact) {
      if (fact[1] === undefined || fact[1] === null || fact[1] === "") { return; }
      var row = node("div");
      row.appendChild(node("dt", fact[0]));
      row.appendChild(node("dd", fact[1]));
      list.appendChild(row);
    });
    box.appendChild(list);
    var href = safeLink(url);
    if (href) {
      var link = node("a", words.open);
      link.href = href;
      link.target = "_top";
      box.appendChild(link);
    }
    return box;
  }

  function marker(latlng, symbol, className, title, popup) {
    var icon = L.divIcon({ className: "map-marker " + className, html: node("span", symbol), iconSize: [26, 26] });
    var made = L.marker(latlng, { icon: icon, title: title, alt: title, keyboard: true, riseOnHover: true });
    made.bindPopup(popup);
    return made;
  }

  function latLngOf(feature) {
    var position = feature.geometry && feature.geometry.coordinates;
    return position ? L.latLng(position[1], position[0]) : null;  // GeoJSON: longitude first
  }

  function load(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" }).then(function (answer) {
      if (!answer.ok) { throw new Error(String(answer.status)); }
      return answer.json();
    });
  }

  function commitmentCard(p) {
    var state = config.statuses[p.status] || { label: p.status, icon: "" };
    var progress = p.progress === null || p.progress === undefined ? words.noProgress : words.percent.replace("{}", p.progress);
    return card(p.title, [
      [words.organisation, p.organisation],
      [words.category, config.categories[p.category] || p.category],
      [words.status, state.icon + " " + state.label],
      [words.progress, progress],
      [words.verification, config.verifications[p.verification] || p.verification],
      [words.municipality, p.municipality]
    ], p.url);
  }

  function addCommitments(data) {
    var byCategory = {};
    data.features.forEach(function (feature) {
      var p = feature.properties;
      var latlng = latLngOf(feature);
      if (!latlng) { return; }
      var state = config.statuses[p.status] || { icon: "?", colour: "grey", label: p.status };
      bounds.extend(latlng);
      if (!byCategory[p.category]) {
        byCategory[p.category] = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
      }
      byCategory[p.category].addLayer(marker(latlng, state.icon, "status-" + state.colour,
        p.title + " – " + state.label, function () { return commitmentCard(p); }));
    });
    Object.keys(config.categories).forEach(function (code) {
      if (byCategory[code]) {
        byCategory[code].addTo(map);
        overlays[asHtml(config.categories[code])] = byCategory[code];
      }
    });
    say(data.features.length ? words.shown.replace("{}", data.features.length.toLocaleString(document.documentElement.lang)) : words.none);
  }

  function addPoints(data, name, symbol, className, describe) {
    var group = L.markerClusterGroup({ showCoverageOnHover: false });
    data.features.forEach(function (feature) {
      var latlng = latLngOf(feature);
      if (!latlng) { return; }
      var p = feature.properties;
      var described = describe(p);
      group.addLayer(marker(latlng, symbol, className, described[0], function () {
        return card(described[0], described[1], p.url);
      }));
    });
    overlays[asHtml(name)] = group;  // off until the person turns it on
  }

  function nameShapes(shapes) {
    var layer = window[shapes.layer];
    if (!layer) { return; }
    layer.eachLayer(function (shape) {
      var info = shapes.labels[shape.feature && shape.feature.properties.key];
      if (!info) { return; }
      shape.bindTooltip(node("span", info.title));
      shape.bindPopup(function () { return card(info.title, info.facts || [], info.url); });
    });
    if (!shapes.shown) { map.removeLayer(layer); } else if (layer.getBounds().isValid()) { bounds.extend(layer.getBounds()); }
    overlays[asHtml(shapes.name)] = layer;
  }

  // Escape closes an open popup (Leaflet itself only closes it with the button or a click on the map).
  map.getContainer().addEventListener("keydown", function (event) {
    if (event.key === "Escape") { map.closePopup(); }
  });

  (config.shapes || []).forEach(nameShapes);
  var pending = [];
  if (config.commitments) {
    say(words.loading);
    pending.push(load(config.commitments).then(addCommitments));
  }
  if (config.members) {
    pending.push(load(config.members).then(function (data) {
      addPoints(data, words.members, "◆", "map-member", function (p) {
        return [p.name, [[words.sector, config.sectors[p.sector] || p.sector], [words.municipality, p.municipality]]];
      });
    }));
  }
  if (config.activities) {
    pending.push(load(config.activities).then(function (data) {
      addPoints(data, words.activities, "★", "map-activity", function (p) {
        var when = p.ends_on && p.ends_on !== p.starts_on ? p.starts_on + " – " + p.ends_on : p.starts_on;
        return [p.title, [[words.when, when], [words.municipality, p.municipality], [words.kind, config.kinds[p.kind] || p.kind]]];
      });
    }));
  }
  Promise.all(pending).then(function () {
    L.control.layers(null, overlays, LAYER_LIST).addTo(map);
    if (config.fit && bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 13, padding: [20, 20] }); }
  }, function (problem) {
    if (window.console) { window.console.error(problem); }
    say(words.failed);
    L.control.layers(null, overlays, LAYER_LIST).addTo(map);
  });
})();
