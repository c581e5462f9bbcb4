/* CAL Portal: the network dashboard's charts and map.

   Progressive: every figure is already on the page as a data table (with its CSV). This file
   draws a Chart.js chart from each figure's data (a json_script element named by the canvas's
   data-chart-source) and the Leaflet map of the osiedla (data-dashboard-map). Without
   JavaScript, Chart.js or Leaflet the tables remain, and nothing breaks. Labels are only
   ever set as text, never parsed as HTML. */
(function () {
  "use strict";

  // Colours with at least 3:1 contrast against white; the tables carry the values.
  var PALETTE = ["#0a3a7a", "#c8102e", "#14622e", "#8a5a00", "#6a3fb5"];
  var WROCLAW = [51.11, 17.03];
  var SERVED = { color: "#14622e", weight: 2, fillColor: "#1e7b34", fillOpacity: 0.25 };
  var UNSERVED = { color: "#8a5a00", weight: 2, dashArray: "6 6", fillColor: "#b26b00", fillOpacity: 0.08 };
  var CENTRE = { radius: 8, weight: 2, color: "#ffffff", fillColor: "#0a3a7a", fillOpacity: 0.95 };

  function readJson(id) {
    var element = id ? document.getElementById(id) : null;
    if (!element) {
      return null;
    }
    try {
      return JSON.parse(element.textContent);
    } catch (error) {
      return null;
    }
  }

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function drawChart(canvas) {
    var Chart = window.Chart;
    var data = readJson(canvas.getAttribute("data-chart-source"));
    if (!Chart || !data || !Array.isArray(data.labels) || !Array.isArray(data.datasets)) {
      return;
    }
    var horizontal = Boolean(data.horizontal);
    var valueAxis = horizontal ? "x" : "y";
    var scales = {};
    scales[valueAxis] = { beginAtZero: true, ticks: { precision: 0 } };
    if (typeof data.max === "number") {
      scales[valueAxis].max = data.max;
    }
    var datasets = data.datasets.map(function (dataset, index) {
      var colour = PALETTE[index % PALETTE.length];
      return {
        label: String(dataset.label || ""),
        data: dataset.data,
        backgroundColor: colour,
        borderColor: colour,
        borderWidth: 1
      };
    });
    new Chart(canvas, {
      type: data.type === "line" ? "line" : "bar",
      data: { labels: data.labels.map(String), datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: reducedMotion() ? false : { duration: 300 },
        scales: scales,
        plugins: {
          legend: { display: datasets.length > 1, position: "bottom" },
          tooltip: { enabled: true }
        }
      }
    });
    canvas.closest(".dashboard-chart").classList.add("is-drawn");
  }

  function tooltipText(properties) {
    return [properties.name, properties.summary].filter(Boolean).join(" — ");
  }

  function popupContent(properties) {
    var wrapper = document.createElement("div");
    wrapper.className = "map-popup";
    var title = document.createElement(properties.url ? "a" : "span");
    title.className = "map-popup__title";
    title.textContent = properties.name || "";
    if (properties.url) {
      title.href = properties.url;
    }
    wrapper.appendChild(title);
    if (properties.summary) {
      var meta = document.createElement("div");
      meta.className = "map-popup__meta";
      meta.textContent = properties.summary;
      wrapper.appendChild(meta);
    }
    return wrapper;
  }

  function drawMap(container) {
    var L = window.L;
    var data = readJson(container.getAttribute("data-dashboard-map"));
    if (!L || !data || !Array.isArray(data.features)) {
      return;
    }
    container.textContent = "";
    var map = L.map(container, { scrollWheelZoom: false });
    var tileUrl = container.getAttribute("data-tile-url");
    if (tileUrl) {
      L.tileLayer(tileUrl, {
        maxZoom: 19,
        attribution: container.getAttribute("data-tile-attribution") || ""
      }).addTo(map);
    }
    var layer = L.geoJSON(data, {
      style: function (feature) {
        var properties = feature.properties || {};
        if (properties.kind === "centre") {
          return CENTRE;
        }
        return properties.served ? SERVED : UNSERVED;
      },
      pointToLayer: function (feature, latLng) {
        return L.circleMarker(latLng, CENTRE);
      },
      onEachFeature: function (feature, item) {
        var properties = feature.properties || {};
        item.bindTooltip(tooltipText(properties), { sticky: properties.kind === "osiedle" });
        item.bindPopup(popupContent(properties));
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
    } else {
      map.setView(WROCLAW, 12);
    }
  }

  function each(selector, draw, what) {
    var elements = document.querySelectorAll(selector);
    for (var i = 0; i < elements.length; i += 1) {
      try {
        draw(elements[i]);
      } catch (error) {
        // One broken chart must not break the others; its table is still there.
        if (window.console) {
          window.console.warn("CAL Portal dashboard " + what + ":", error);
        }
      }
    }
  }

  function init() {
    each("canvas[data-chart-source]", drawChart, "chart");
    each("[data-dashboard-map]", drawMap, "map");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
