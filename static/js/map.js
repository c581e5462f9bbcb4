/* CAL Portal: maps of centres. Reads GeoJSON from a json_script element and draws circle
   markers with Leaflet. Without Leaflet, data or a tile server the page still works: the
   directory of centres (plain HTML) is the map's text alternative. */
(function () {
  "use strict";

  var WROCLAW = [51.11, 17.03];
  var DEFAULT_ZOOM = 12;
  var STATUS_COLOURS = {
    dzialajacy: "#1e7b34",
    pilotaz: "#0a5bd3",
    planowany: "#6a3fb5",
    zawieszony: "#b26b00",
    zamkniety: "#5f6b7a"
  };

  function readData(id) {
    var element = id ? document.getElementById(id) : null;
    if (!element) {
      return null;
    }
    try {
      var data = JSON.parse(element.textContent);
      return data && Array.isArray(data.features) ? data : null;
    } catch (error) {
      return null;
    }
  }

  function popupContent(properties) {
    // Built from DOM nodes with textContent: names and addresses are never parsed as HTML.
    var wrapper = document.createElement("div");
    wrapper.className = "map-popup";
    var title = document.createElement(properties.url ? "a" : "span");
    title.className = "map-popup__title";
    title.textContent = properties.name || "";
    if (properties.url) {
      title.href = properties.url;
    }
    wrapper.appendChild(title);
    var address = [properties.street_address, [properties.postal_code, properties.city].filter(Boolean).join(" ")]
      .filter(Boolean)
      .join(", ");
    if (address) {
      var addressLine = document.createElement("div");
      addressLine.textContent = address;
      wrapper.appendChild(addressLine);
    }
    var meta = [properties.primary_osiedle, properties.status_label].filter(Boolean).join(" · ");
    if (meta) {
      var metaLine = document.createElement("div");
      metaLine.className = "map-popup__meta";
      metaLine.textContent = meta;
      wrapper.appendChild(metaLine);
    }
    return wrapper;
  }

  function buildMap(container) {
    var L = window.L;
    var data = readData(container.getAttribute("data-map-source"));
    if (!L || !data) {
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

    var bounds = [];
    data.features.forEach(function (feature) {
      var geometry = feature && feature.geometry;
      if (!geometry || geometry.type !== "Point" || !Array.isArray(geometry.coordinates)) {
        return;
      }
      var latLng = [geometry.coordinates[1], geometry.coordinates[0]];
      var properties = feature.properties || {};
      var colour = STATUS_COLOURS[properties.status] || STATUS_COLOURS.zamkniety;
      L.circleMarker(latLng, {
        radius: 9,
        weight: 2,
        color: "#ffffff",
        fillColor: colour,
        fillOpacity: 0.95
      })
        .bindPopup(popupContent(properties))
        .bindTooltip(properties.name || "", { direction: "top", offset: [0, -8] })
        .addTo(map);
      bounds.push(latLng);
    });

    var zoom = parseInt(container.getAttribute("data-map-zoom"), 10) || DEFAULT_ZOOM;
    if (bounds.length === 1) {
      map.setView(bounds[0], zoom);
    } else if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
    } else {
      map.setView(WROCLAW, DEFAULT_ZOOM);
    }
  }

  function init() {
    var containers = document.querySelectorAll("[data-map-source]");
    for (var i = 0; i < containers.length; i += 1) {
      try {
        buildMap(containers[i]);
      } catch (error) {
        // A broken map must not break the page; the directory still has everything.
        if (window.console) {
          window.console.warn("CAL Portal map:", error);
        }
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
