/*
 * IMPOR drawing: a map below a geometry textarea (impor.widgets.MapDrawWidget) to draw a
 * point, line or polygon on. The textarea stays the field: a drawn shape replaces its
 * text with the shape's GeoJSON (WGS84 lon/lat, RFC 7946), which the server turns into
 * RD New WKT. Without JavaScript, or for keyboard users, the textarea works on its own.
 *
 * The widget's <div class="impor-draw" hidden> holds a <div class="impor-map">, which
 * map.js turns into the RD New map (Leaflet, proj4leaflet, the base map); this script
 * shows the container, waits for that map and adds the drawing tools of Leaflet-Geoman
 * (static/vendor/leaflet-geoman/, loaded only on pages with such a widget). Data
 * attributes of the container:
 *   data-input       id of the textarea
 *   data-geojson     the current geometry as GeoJSON (WGS84), or empty
 *   data-geoman-js, data-geoman-css   URLs of the drawing library
 * No inline JavaScript and no inline style attributes, for the Content-Security-Policy.
 */
(function () {
  "use strict";

  if (window.imporDrawLoaded) {
    return; // one script tag per widget: run once
  }
  window.imporDrawLoaded = true;

  var geomanLoaded = null;

  function pageLanguage() {
    return (document.documentElement.lang || "nl").slice(0, 2);
  }

  function loadGeoman(container) {
    if (!geomanLoaded) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = container.dataset.geomanCss;
      document.head.appendChild(link);
      geomanLoaded = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = container.dataset.geomanJs;
        script.onload = resolve;
        script.onerror = function () {
          reject(new Error("Kon " + script.src + " niet laden"));
        };
        document.head.appendChild(script);
      });
    }
    return geomanLoaded;
  }

  // The Leaflet map that map.js makes of `element`: map.js marks the element ready and
  // creates the map in the same task, so the observer's callback finds it.
  function whenMap(element) {
    return new Promise(function (resolve) {
      if (element.imporMap) {
        resolve(element.imporMap);
        return;
      }
      var observer = new MutationObserver(function () {
        if (element.imporMap) {
          observer.disconnect();
          resolve(element.imporMap);
        }
      });
      observer.observe(element, { attributes: true });
    });
  }

  // Geoman names its buttons by the title of the box around each link; give the links
  // themselves that name, for screen readers.
  function nameButtons(container) {
    container.querySelectorAll(".leaflet-pm-toolbar [title]").forEach(function (box) {
      var link = box.querySelector("a");
      if (link) {
        link.setAttribute("aria-label", box.getAttribute("title"));
      }
    });
  }

  function startDrawing(map, container, input) {
    if (!map.pm) {
      // Geoman equips maps made after it loaded; map.js made this one before.
      map.pm = new L.PM.Map(map);
    }
    map.pm.setLang(pageLanguage() === "en" ? "en" : "nl");
    map.pm.addControls({
      position: "topleft",
      drawMarker: true,
      drawPolyline: true,
      drawPolygon: true,
      drawRectangle: true,
      drawCircle: false,
      drawCircleMarker: false,
      drawText: false,
      cutPolygon: false,
      rotateMode: false,
    });
    nameButtons(container);
    var drawn = L.featureGroup().addTo(map);

    function write() {
      var layers = drawn.getLayers();
      input.value = layers.length
        ? JSON.stringify(layers[layers.length - 1].toGeoJSON().geometry)
        : "";
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    if (container.dataset.geojson) {
      L.geoJSON(JSON.parse(container.dataset.geojson)).eachLayer(function (layer) {
        drawn.addLayer(layer);
        layer.on("pm:edit", write);
      });
      var bounds = drawn.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [16, 16], maxZoom: 13 });
      }
    }
    // One geometry per field: a new shape replaces the one before.
    map.on("pm:create", function (event) {
      drawn.clearLayers();
      drawn.addLayer(event.layer);
      event.layer.on("pm:edit", write);
      write();
    });
    map.on("pm:remove", function (event) {
      drawn.removeLayer(event.layer);
      write();
    });
    container.dataset.imporDrawReady = "1"; // for tests
  }

  function setup(container) {
    if (container.dataset.imporDrawStarted) {
      return;
    }
    container.dataset.imporDrawStarted = "1";
    var input = document.getElementById(container.dataset.input);
    var element = container.querySelector(".impor-draw__map");
    if (!input || !element) {
      return;
    }
    container.hidden = false; // before map.js measures the map's size
    whenMap(element)
      .then(function (map) {
        return loadGeoman(container).then(function () {
          startDrawing(map, container, input);
        });
      })
      .catch(function (error) {
        container.dataset.imporDrawError = String(error);
      });
  }

  function setupAll(root) {
    (root || document).querySelectorAll(".impor-draw").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setupAll(document);
    });
  } else {
    setupAll(document);
  }
})();
