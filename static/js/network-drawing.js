// Draws the network on /network as an extra on top of the server-rendered table, which stays the accessible and
// no-JavaScript way to read it: the drawing only appears once both the library and the data have arrived.
(function () {
  "use strict";
  var section = document.querySelector("section[data-network-source]");
  if (!section || typeof window.cytoscape !== "function" || !window.fetch) { return; }
  var container = document.getElementById("network-canvas");
  if (!container) { return; }
  var heading = document.getElementById("drawing-heading");
  var summary = document.getElementById("drawing-summary");
  var back = section.querySelector("[data-network-back]");
  var colourSelect = document.getElementById("network-colour");
  var search = document.getElementById("network-search");
  var overview = section.getAttribute("data-network-source");

  var PADDING = 30;
  var MIN_NODE = 8;
  var MAX_NODE = 60;
  var MAX_EDGE = 3;
  var SEARCH_DELAY = 250;
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  var cy = null;
  var request = 0;
  var searchTimer = null;

  function colourKey() {
    return (colourSelect && colourSelect.value) || "sector";
  }

  function pickColour(colours) {
    return (colours && colours[colourKey()]) || "#999999";
  }

  function load(url) {
    // Only the answer to the latest click counts: a slow drill-down must not overwrite the view asked for after it.
    var mine = ++request;
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (mine !== request || !data || !Array.isArray(data.nodes)) { return null; }
        return data;
      });
  }

  // The server lays nodes out in roughly [-1, 1]. Spreading that square over the container lets the drawing be shown
  // at zoom 1, where node sizes and label text are the pixel sizes chosen here rather than shrunk by a fit.
  function scale() {
    var room = Math.min(container.clientWidth, container.clientHeight) / 2 - PADDING - MAX_NODE / 2;
    return Math.max(room, 100);
  }

  function elementsFrom(data) {
    var nodes = data.nodes;
    var spread = scale();
    var edges = Array.isArray(data.edges) ? data.edges : [];
    var known = {};
    var maxSize = 0;
    var maxWeight = 0;
    nodes.forEach(function (node) {
      known[String(node.id)] = true;
      maxSize = Math.max(maxSize, Number(node.size) || 0);
    });
    edges.forEach(function (edge) { maxWeight = Math.max(maxWeight, Number(edge.weight) || 0); });

    // Naming every node turns a drawing of a hundred organisations into a smudge; the few biggest are named so the
    // picture has landmarks, and the rest show their name on hover, selection or search.
    var labelledCount = nodes.length <= 15 ? nodes.length : Math.max(5, Math.round(nodes.length * 0.05));
    var bySize = nodes.slice().sort(function (a, b) { return (Number(b.size) || 0) - (Number(a.size) || 0); });
    var labelled = {};
    bySize.slice(0, labelledCount).forEach(function (node) { labelled[String(node.id)] = true; });

    var elements = nodes.map(function (node) {
      var id = String(node.id);
      var size = Math.max(Number(node.size) || 0, 0);
      // Area, not diameter, should follow size, hence the square root.
      var diameter = maxSize > 0 ? MIN_NODE + (MAX_NODE - MIN_NODE) * Math.sqrt(size / maxSize) : MIN_NODE;
      return {
        group: "nodes",
        data: {
          id: id,
          label: node.label || "",
          url: node.url || "",
          drill: node.drill || "",
          colours: node.colours || {},
          colour: pickColour(node.colours),
          diameter: diameter
        },
        position: { x: (Number(node.x) || 0) * spread, y: (Number(node.y) || 0) * spread },
        classes: labelled[id] ? "landmark" : ""
      };
    });
    edges.forEach(function (edge, index) {
      var source = String(edge.source);
      var target = String(edge.target);
      // Cytoscape refuses the whole drawing over one edge to a node the server left out (e.g. when it caps nodes).
      if (!known[source] || !known[target]) { return; }
      var weight = Math.max(Number(edge.weight) || 0, 0);
      // Weights span orders of magnitude; a log keeps the heavy ties from drowning everything else.
      var width = maxWeight > 0 ? 0.5 + (MAX_EDGE - 0.5) * Math.log(1 + weight) / Math.log(1 + maxWeight) : 0.5;
      elements.push({ group: "edges", data: { id: "e" + index, source: source, target: target, width: width } });
    });
    return elements;
  }

  function stylesheet() {
    // Canvas text does not inherit from the page, so hand it the page's font.
    var font = window.getComputedStyle(section).fontFamily || "sans-serif";
    return [
      { selector: "node", style: {
        "background-color": "data(colour)", width: "data(diameter)", height: "data(diameter)",
        label: "", "font-family": font, "font-size": 12, color: "#1a1a1a",
        "text-valign": "bottom", "text-margin-y": 3, "text-outline-color": "#ffffff", "text-outline-width": 2,
        "text-wrap": "ellipsis", "text-max-width": 180, "min-zoomed-font-size": 7,
        "border-width": 1, "border-color": "#ffffff",
        // Small nodes on top, so a big neighbour does not swallow them; named ones above both, so their names
        // are not painted over.
        "z-index": "mapData(diameter, " + MIN_NODE + ", " + MAX_NODE + ", 4, 1)"
      } },
      { selector: "node.landmark, node.hover, node:selected, node.match", style: { label: "data(label)" } },
      { selector: "node.landmark", style: { "z-index": 6 } },
      // Cytoscape's own selection colour would hide the colour that carries meaning; a dark ring marks it instead.
      { selector: "node:selected, node.match", style: {
        "background-color": "data(colour)", "border-width": 3, "border-color": "#1a1a1a", "z-index": 8
      } },
      { selector: "node.hover", style: { "z-index": 10, "font-weight": "bold" } },
      { selector: "edge", style: {
        width: "data(width)", "line-color": "#6b6b6b", opacity: 0.45, "curve-style": "haystack"
      } },
      { selector: "node.faded", style: { opacity: 0.15, label: "" } },
      { selector: "edge.faded", style: { opacity: 0.06 } }
    ];
  }

  function prepareContainer() {
    // Cytoscape puts a <style> element in <head> unless one with this id exists; a strict style-src refuses it and
    // reports a violation. Any element with the id satisfies the check, and the one rule it would have set (position:
    // relative) is set below through element.style, which the policy allows.
    if (!document.getElementById("__________cytoscape_stylesheet")) {
      var placeholder = document.createElement("meta");
      placeholder.id = "__________cytoscape_stylesheet";
      document.head.appendChild(placeholder);
    }
    if (window.getComputedStyle(container).position === "static") { container.style.position = "relative"; }
    // A container without height draws nothing; the site's stylesheet may size it, this is only the fallback.
    if (container.clientHeight < 50) { container.style.height = "32rem"; }
  }

  // Cytoscape caches where its container sits and re-measures only on resize or scroll; anything that moves the
  // drawing without either (the back button appearing, an image or a font loading above it) would make clicks and
  // hovers land on the wrong node. Re-measuring as the pointer arrives or presses keeps them on target.
  function remeasure() {
    if (cy) { cy.resize(); }
  }

  function create(elements) {
    cy = window.cytoscape({
      container: container,
      elements: elements,
      style: stylesheet(),
      layout: { name: "preset", fit: false },
      minZoom: 0.2,
      maxZoom: 4,
      boxSelectionEnabled: false,
      // The server's positions carry meaning (groups sit together); dragging would only make the picture disagree
      // with the next load, and on touch screens it fights with tapping.
      autoungrabify: true
    });
    container.addEventListener("mouseenter", remeasure);
    container.addEventListener("mousedown", remeasure, true);
    container.addEventListener("touchstart", remeasure, { capture: true, passive: true });
    cy.on("mouseover", "node", function (event) {
      event.target.addClass("hover");
      var data = event.target.data();
      if (data.url || data.drill) { container.style.cursor = "pointer"; }
    });
    cy.on("mouseout", "node", function (event) {
      event.target.removeClass("hover");
      container.style.cursor = "";
    });
    cy.on("tap", "node", function (event) {
      var data = event.target.data();
      if (data.drill) {
        drill(data.drill);
      } else if (data.url) {
        window.location.assign(data.url);
      }
    });
  }

  function replace(elements) {
    cy.batch(function () {
      cy.elements().remove();
      cy.add(elements);
    });
    container.style.cursor = "";
    cy.layout({ name: "preset", fit: false }).run();
  }

  function placeView() {
    cy.zoom(1);
    cy.center();
    // "Roughly" [-1, 1]: only a drawing that spills over the container is shrunk to fit.
    var box = cy.elements().boundingBox();
    if (box.w > cy.width() - 2 * PADDING || box.h > cy.height() - 2 * PADDING) { cy.fit(undefined, PADDING); }
  }

  function render(data) {
    if (!cy) { prepareContainer(); }
    var elements = elementsFrom(data);
    if (cy) { replace(elements); } else { create(elements); }
    placeView();
    highlight();
    summary.textContent = data.summary || "";
  }

  function recolour() {
    if (!cy) { return; }
    cy.batch(function () {
      cy.nodes().forEach(function (node) { node.data("colour", pickColour(node.data("colours"))); });
    });
  }

  function highlight() {
    if (!cy || !search) { return; }
    var text = search.value.trim().toLowerCase();
    cy.batch(function () {
      cy.elements().removeClass("faded match");
      if (!text) { return; }
      var matches = cy.nodes().filter(function (node) {
        return node.data("label").toLowerCase().indexOf(text) >= 0;
      });
      if (matches.length === 0) { return; }
      cy.elements().not(matches).addClass("faded");
      matches.addClass("match");
    });
    var first = cy.nodes(".match").first();
    if (first.length) {
      if (reducedMotion) {
        cy.center(first);
      } else {
        cy.stop();
        cy.animate({ center: { eles: first }, duration: 300 });
      }
    }
  }

  function drill(url) {
    load(url).then(function (data) {
      // On failure the current drawing stays: it is still true, and the table below has the detail.
      if (!data) { return; }
      render(data);
      if (back) {
        back.hidden = false;
        remeasure();
        back.focus();
      }
    }).catch(function () {});
  }

  function backToOverview() {
    load(overview).then(function (data) {
      if (!data) { return; }
      render(data);
      back.hidden = true;
      remeasure();
      // The button that had focus has just disappeared; the heading keeps keyboard users at the drawing.
      if (heading) {
        heading.tabIndex = -1;
        heading.focus();
      }
    }).catch(function () {});
  }

  load(overview).then(function (data) {
    if (!data) { return; }
    // Unhidden before drawing: cytoscape measures its container, and a hidden one measures zero.
    section.hidden = false;
    render(data);
    if (colourSelect) { colourSelect.addEventListener("change", recolour); }
    if (search) {
      search.addEventListener("input", function () {
        window.clearTimeout(searchTimer);
        searchTimer = window.setTimeout(highlight, SEARCH_DELAY);
      });
    }
    if (back) { back.addEventListener("click", backToOverview); }
  }).catch(function () {
    // Drawing failed part-way: hide it again so the page is as it was without JavaScript.
    section.hidden = true;
  });
}());
