/* CAL Portal: the map of needs and resources (community diagnosis).

   [data-findings-map]: fetches the GeoJSON of the API (data-geojson-url, the page's filters)
   and draws one marker per finding; the marker's shape and colour follow the kind of
   finding (the legend names them), and its popup names everything. The table of findings
   beside the map is its text alternative, and all there is without JavaScript.

   [data-pick-map]: places a finding. A click fills the latitude and longitude inputs
   (data-latitude-input, data-longitude-input); typing in them moves the marker. The inputs
   work without JavaScript.

   Tiles only when data-tile-url is set: without them the markers still show. */
(function () {
  "use strict";

  var WROCLAW = [51.11, 17.03];
  var KINDS = ["potrzeba", "problem", "zasob", "pomysl"];
  var DONE = { zaspokojona: true, porzucona: true };

  function addTiles(L, map, container) {
    var tileUrl = container.getAttribute("data-tile-url");
    if (tileUrl) {
      L.tileLayer(tileUrl, {
        maxZoom: 19,
        attribution: container.getAttribute("data-tile-attribution") || ""
      }).addTo(map);
    }
  }

  function icon(L, kind, status) {
    // The shape is drawn by an inner element: Leaflet positions the icon itself with a CSS
    // transform, which would replace the shape's own (the diamond of an idea).
    var known = KINDS.indexOf(kind) >= 0 ? kind : "potrzeba";
    var shape = document.createElement("span");
    shape.className = "finding-marker finding-marker--" + known + (DONE[status] ? " finding-marker--done" : "");
    return L.divIcon({
      className: "finding-marker-icon",
      iconSize: [20, 20],
      iconAnchor: [10, 10],
      popupAnchor: [0, -10],
      html: shape
    });
  }

  function line(parent, text, className) {
    if (!text) {
      return;
    }
    var element = document.createElement("div");
    if (className) {
      element.className = className;
    }
    element.textContent = text;
    parent.appendChild(element);
  }

  function popupContent(properties, container) {
    // DOM nodes with textContent: what residents and operators wrote is never parsed as HTML.
    var wrapper = document.createElement("div");
    wrapper.className = "map-popup";
    line(wrapper, properties.title, "map-popup__title");
    line(wrapper, [properties.kind_label, properties.theme_label].filter(Boolean).join(" · "), "map-popup__meta");
    line(
      wrapper,
      [
        (container.getAttribute("data-text-status") || "Status") + ": " + (properties.status_label || ""),
        (container.getAttribute("data-text-priority") || "Priority") + ": " + properties.priority
      ].join(" · ")
    );
    if (properties.osiedle || properties.centre_name) {
      line(wrapper, [properties.osiedle, properties.centre_name].filter(Boolean).join(" · "), "map-popup__meta");
    }
    if (properties.url) {
      var link = document.createElement("a");
      link.href = properties.url;
      link.textContent = (container.getAttribute("data-text-more") || "") + ": " + (properties.diagnosis_title || "");
      wrapper.appendChild(link);
    }
    return wrapper;
  }

  function fail(container) {
    container.setAttribute("data-map-state", "error");
    var message = container.getAttribute("data-text-error");
    if (message) {
      var note = document.createElement("p");
      note.className = "map__error";
      note.setAttribute("role", "status");
      note.textContent = message;
      container.parentNode.insertBefore(note, container.nextSibling);
    }
  }

  function buildFindingsMap(container) {
    var L = window.L;
    var url = container.getAttribute("data-geojson-url");
    if (!L || !url || !window.fetch) {
      return;
    }
    container.textContent = "";
    var map = L.map(container, { scrollWheelZoom: false });
    addTiles(L, map, container);
    map.setView(WROCLAW, 12);
    window
      .fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        var bounds = [];
        (data.features || []).forEach(function (feature) {
          var geometry = feature && feature.geometry;
          if (!geometry || geometry.type !== "Point" || !Array.isArray(geometry.coordinates)) {
            return;
          }
          var properties = feature.properties || {};
          var latLng = [geometry.coordinates[1], geometry.coordinates[0]];
          L.marker(latLng, {
            icon: icon(L, properties.kind, properties.status),
            title: [properties.kind_label, properties.title].filter(Boolean).join(": "),
            alt: properties.title || "",
            keyboard: true,
            riseOnHover: true
          })
            .bindPopup(popupContent(properties, container))
            .addTo(map);
          bounds.push(latLng);
        });
        if (bounds.length === 1) {
          map.setView(bounds[0], 15);
        } else if (bounds.length > 1) {
          map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
        }
        container.setAttribute("data-feature-count", String(bounds.length));
        container.setAttribute("data-map-state", "loaded");
      })
      .catch(function (error) {
        if (window.console) {
          window.console.warn("CAL Portal map of needs:", error);
        }
        fail(container);
      });
  }

  function parseCoordinate(input) {
    var value = parseFloat(String(input.value || "").replace(",", "."));
    return isFinite(value) ? value : null;
  }

  function buildPickMap(container) {
    var L = window.L;
    var latInput = document.getElementById(container.getAttribute("data-latitude-input"));
    var lngInput = document.getElementById(container.getAttribute("data-longitude-input"));
    if (!L || !latInput || !lngInput) {
      return;
    }
    var status = document.getElementById("pick-status");
    container.textContent = "";
    var map = L.map(container, { scrollWheelZoom: false });
    addTiles(L, map, container);
    var marker = null;

    function place(latLng) {
      if (marker) {
        marker.setLatLng(latLng);
      } else {
        marker = L.marker(latLng, { icon: icon(L, "potrzeba", ""), keyboard: false, interactive: false }).addTo(map);
      }
    }

    function announce(text) {
      if (status) {
        status.textContent = text;
      }
    }

    var lat = parseCoordinate(latInput);
    var lng = parseCoordinate(lngInput);
    var centreLat = parseFloat(container.getAttribute("data-center-latitude"));
    var centreLng = parseFloat(container.getAttribute("data-center-longitude"));
    if (lat !== null && lng !== null) {
      place([lat, lng]);
      map.setView([lat, lng], 16);
    } else if (isFinite(centreLat) && isFinite(centreLng)) {
      map.setView([centreLat, centreLng], 15);
    } else {
      map.setView(WROCLAW, 12);
    }

    map.on("click", function (event) {
      latInput.value = event.latlng.lat.toFixed(6);
      lngInput.value = event.latlng.lng.toFixed(6);
      place(event.latlng);
      var text = container.getAttribute("data-text-placed") || "{lat}, {lng}";
      announce(text.replace("{lat}", latInput.value).replace("{lng}", lngInput.value));
    });

    function typed() {
      var typedLat = parseCoordinate(latInput);
      var typedLng = parseCoordinate(lngInput);
      if (typedLat !== null && typedLng !== null && Math.abs(typedLat) <= 90 && Math.abs(typedLng) <= 180) {
        place([typedLat, typedLng]);
        map.panTo([typedLat, typedLng]);
      }
    }
    latInput.addEventListener("change", typed);
    lngInput.addEventListener("change", typed);

    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "button button--small button--secondary diagnosis-map__clear";
    clear.textContent = container.getAttribute("data-text-clear") || "Clear";
    clear.addEventListener("click", function () {
      latInput.value = "";
      lngInput.value = "";
      if (marker) {
        map.removeLayer(marker);
        marker = null;
      }
      announce(container.getAttribute("data-text-cleared") || "");
    });
    container.parentNode.insertBefore(clear, container.nextSibling);
    container.setAttribute("data-map-state", "loaded");
  }

  function each(selector, build) {
    var containers = document.querySelectorAll(selector);
    for (var i = 0; i < containers.length; i += 1) {
      try {
        build(containers[i]);
      } catch (error) {
        // A broken map must not break the page: the table and the inputs still work.
        if (window.console) {
          window.console.warn("CAL Portal map of needs:", error);
        }
      }
    }
  }

  function init() {
    each("[data-findings-map]", buildFindingsMap);
    each("[data-pick-map]", buildPickMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
